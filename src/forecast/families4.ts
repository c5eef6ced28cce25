/**
 * A FOURTH held-out set of usage-history families (issue 12), written by an author who has not read
 * the model (model.ts, peaks.ts, stats.ts), with other mechanisms than families.ts, families2.ts
 * and families3.ts, so that the model can be scored at the end on histories it was never tuned on.
 * Same trace semantics, same fairness rules, same renderer (families.ts `generateTrace`): a periodic
 * job is seen at least 3 times (a monthly one over 3 months) before the first cut, a fill variant
 * really fills, a never variant never reaches the size. Pure: no I/O, no clock.
 *
 * Most families build a usage curve in relative units and scale it (`maxScale`) so that it reaches
 * the size at a drawn day (fill variants) or stays under a drawn share of it (never variants).
 *
 * - ci_build_cache: CI artifacts written by builds in local working hours, a nightly purge of those
 *   older than N days; the purge breaks (piles up), or the artifacts grow; builds use scratch space.
 * - nightly_db_dump: a nightly dump (local time, DST zones) of a database on the same volume: the
 *   dump is a share of the database, so its transient need grows with it and fills long before it.
 * - diurnal_runaway: traffic-shaped growth (daily swing, quiet weekends) that turns exponential (a
 *   rate doubling every 3-30 days); never: a hotfix stops it, or logrotate's maxsize caps it.
 * - monthly_local_first: a job on the 1st/2nd/last day of the month at a LOCAL hour (UTC may be the
 *   day before) whose need follows the month's length and grows, above a fixed nightly job.
 * - gfs_backups: grandfather-father-son retention (incrementals, weekly and monthly fulls); fills
 *   when monthly fulls are no longer pruned (a staircase) or the source grows.
 * - pg_bloat_repack: live data plus bloat written in working hours, a periodic pg_repack that copies
 *   the table (and WAL) before dropping the bloated one; the copy does not fit, or repack disabled.
 * - fileshare_office: a file share written in two daily bumps in local office hours, Friday light,
 *   holidays and a Christmas closure, an optional Sunday archive to tape.
 * - hourly_gib_df: any of these sampled hourly and rounded to whole GiB.
 * - rsync_migration: a one-off bandwidth-capped copy (slow by day, maybe interrupted), then the
 *   migrated service writes here; never: the copy was a dry run and is deleted, or growth is slow.
 * - mail_queue_outage: a mail spool: the queue grows while the relay is down and drains after; the
 *   relay gone for good fills it; never: outages that drain, or bounces after the queue lifetime.
 * - vm_patch_snapshots: VM images plus snapshots taken around Patch Tuesday, deleted days later;
 *   more VMs make a patch day not fit, or a forgotten snapshot grows.
 * - kafka_segments: partitions of segments deleted by time (and maybe size) retention; traffic grows
 *   or a topic without retention is added; never: the size cap holds, or steady traffic.
 * - root_fs_housekeeping: a small root file system: journald up to SystemMaxUse, apt's cache emptied
 *   by a monthly cron, downloads in /home; fills when the cron is removed or the journal uncapped.
 * - quiet_volumes (never fills): near full but stable, peaks that come close and do not grow,
 *   decaying growth, an LVM extend, shrinking after a retention change, a yearly bump.
 *
 * Time zones (with and without daylight saving, half-hour offsets), phases, sizes, rates and noise
 * are drawn per trace; 30% of the traces have 1-4 sampling gaps of 20 min-36 h (`-gaps`).
 */
import { cutsOf, type Trace } from './backtest.js';
import { DAY, HOUR } from './linear.js';
import {
  setOf, traceOf, drawProfile, firstCut, GIB, lastAtOrBefore, MIN, onsetsBeforeFirstCut, pickSize, profileAt, solve,
  type Builder, type Ctx, type Draw, type Profile, type Shape,
} from './families.js';
import { isDst, localOnsets } from './families2.js';

export const FAMILY4_NAMES = [
  'ci_build_cache', 'nightly_db_dump', 'diurnal_runaway', 'monthly_local_first', 'gfs_backups', 'pg_bloat_repack',
  'fileshare_office', 'hourly_gib_df', 'rsync_migration', 'mail_queue_outage', 'vm_patch_snapshots', 'kafka_segments',
  'root_fs_housekeeping', 'quiet_volumes',
] as const;
export type Family4Name = (typeof FAMILY4_NAMES)[number];

// ---------------------------------------------------------------------------------------------
// Local time

/** A time zone: standard offset in hours (half hours too) and its daylight-saving rule. */
export interface Zone { rule: 'eu' | 'us' | 'none'; std: number }

const DST_ZONES: readonly Zone[] = [
  { rule: 'eu', std: 0 }, { rule: 'eu', std: 1 }, { rule: 'eu', std: 1 }, { rule: 'eu', std: 2 },
  { rule: 'us', std: -5 }, { rule: 'us', std: -6 }, { rule: 'us', std: -7 }, { rule: 'us', std: -8 },
];
const PLAIN_STD = [-3, -4, 0, 1, 3, 4, 5.5, 7, 8, 9, 9.5, 10, -10];

export function pickZone(d: Draw): Zone {
  return d.chance(0.55) ? d.pick(DST_ZONES) : { rule: 'none', std: d.pick(PLAIN_STD) };
}

export function zoneName(z: Zone): string {
  return `${z.rule === 'none' ? 'utc' : z.rule}${z.std >= 0 ? '+' : ''}${z.std}`;
}

/** Offsets by zone and UTC hour (daylight saving changes on a whole UTC hour in these zones). */
const OFFSETS = new WeakMap<Zone, Map<number, number>>();

/** The zone's offset from UTC at unix ms t, in ms. */
export function offsetMs(t: number, z: Zone): number {
  if (z.rule === 'none') return z.std * HOUR;
  let m = OFFSETS.get(z);
  if (!m) OFFSETS.set(z, (m = new Map()));
  const h = Math.floor(t / HOUR);
  let o = m.get(h);
  if (o === undefined) m.set(h, (o = (z.std + (isDst(h * HOUR, z.rule, z.std) ? 1 : 0)) * HOUR));
  return o;
}

/** The local wall clock at unix ms t: ms since local midnight, weekday (0 = Sunday), local date as days since 1970-01-01. */
export function wall(t: number, z: Zone): { ms: number; dow: number; day: number } {
  const l = t + offsetMs(t, z);
  const day = Math.floor(l / DAY);
  return { ms: l - day * DAY, dow: (((day + 4) % 7) + 7) % 7, day };
}

/** Unix ms of local date `day` (days since 1970-01-01) at local ms of day `ms`. */
export function localToUtc(day: number, ms: number, z: Zone): number {
  return day * DAY + ms - offsetMs(day * DAY + ms - z.std * HOUR, z);
}

/** Traffic of a service in a zone: a daily swing peaking at a local hour, weekends lighter; about 1 a day on average. */
export function traffic(d: Draw, z: Zone): (t: number) => number {
  const amp = d.u(0.1, 0.8), peakH = d.u(9, 21), weekend = d.u(0.3, 1.1);
  const norm = (5 + 2 * weekend) / 7;
  return (t) => {
    const w = wall(t, z);
    return ((1 + amp * Math.cos((2 * Math.PI * (w.ms / HOUR - peakH)) / 24)) * (w.dow === 0 || w.dow === 6 ? weekend : 1)) / norm;
  };
}

// ---------------------------------------------------------------------------------------------
// Building blocks

/** The integral of `rate` (units per day) from `from`, tabulated every `step` ms up to `to` and interpolated (constant after `to`). */
export function integral(rate: (t: number) => number, from: number, to: number, step = 10 * MIN): (t: number) => number {
  const n = Math.max(1, Math.ceil((to - from) / step));
  const cum = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) cum[i + 1] = cum[i]! + (rate(from + (i + 0.5) * step) * step) / DAY;
  return (t) => {
    const x = (t - from) / step;
    if (x <= 0) return 0;
    if (x >= n) return cum[n]!;
    const i = Math.floor(x);
    return cum[i]! + (cum[i + 1]! - cum[i]!) * (x - i);
  };
}

/** Something written from `start` over `ramp` ms (linearly) and deleted at `del` (>= start + ramp; Infinity: kept). */
export interface Item { start: number; ramp: number; size: number; del: number }

/** The sum of the items present at t, O(log n) per call (an event prefix sum plus the items still being written). */
export function itemsSum(items: readonly Item[]): (t: number) => number {
  const byStart = [...items].sort((a, b) => a.start - b.start);
  const starts = byStart.map((i) => i.start);
  const maxRamp = byStart.reduce((m, i) => Math.max(m, i.ramp), 0);
  const ev: Array<[number, number]> = [];
  for (const it of byStart) {
    ev.push([it.start + it.ramp, it.size]);
    if (Number.isFinite(it.del)) ev.push([Math.max(it.del, it.start + it.ramp), -it.size]);
  }
  ev.sort((a, b) => a[0] - b[0]);
  const et = ev.map((e) => e[0]);
  const pre = new Float64Array(ev.length + 1);
  for (let i = 0; i < ev.length; i++) pre[i + 1] = pre[i]! + ev[i]![1];
  return (t) => {
    let u = pre[lastAtOrBefore(et, t) + 1]!;
    for (let i = lastAtOrBefore(starts, t); i >= 0 && t - starts[i]! < maxRamp; i--) {
      const it = byStart[i]!;
      if (t < it.start + it.ramp && t < it.del) u += (it.size * (t - it.start)) / it.ramp;
    }
    return u;
  };
}

/** Runs of a job: onset, height and the run's own profile (sorted by onset). */
export interface Run { at: number; h: number; p: Profile }

export function withRuns(base: (t: number) => number, runs: readonly Run[]): (t: number) => number {
  const ats = runs.map((r) => r.at);
  const span = runs.reduce((m, r) => Math.max(m, r.p.ramp + r.p.hold + r.p.decay), 0);
  return (t) => {
    let u = base(t);
    for (let i = lastAtOrBefore(ats, t); i >= 0 && t - ats[i]! < span; i--) u += runs[i]!.h * profileAt(runs[i]!.p, t - ats[i]!);
    return u;
  };
}

/**
 * The largest scale s for which base(t) + s·unit(t) stays at or under `cap` on a grid of `grid` ms
 * over [from, to] (Infinity when unit is never positive; negative when base alone is over cap).
 */
export function maxScale(cap: number, base: (t: number) => number, unit: (t: number) => number, from: number, to: number, grid = 15 * MIN): number {
  let s = Infinity;
  for (let t = from; t <= to; t += grid) {
    const u = unit(t);
    if (u > 0) s = Math.min(s, (cap - base(t)) / u);
  }
  return s;
}

/** The highest value of f on a grid over [from, to]. */
export function maxOf(f: (t: number) => number, from: number, to: number, grid = 15 * MIN): number {
  let m = -Infinity;
  for (let t = from; t <= to; t += grid) m = Math.max(m, f(t));
  return m;
}

/** Fill variant: a scale just over the one that touches the size by `to` (the fill comes at or before it). */
export function fillScale(d: Draw, size: number, base: (t: number) => number, unit: (t: number) => number, from: number, to: number): number {
  return maxScale(size, base, unit, from, to) * d.u(1.003, 1.02);
}

/**
 * Never variants: the envelope (the highest value over the first and the last `span` ms of [from,
 * to], 14 days; 35 for monthly events) grows slowly enough that, went on, it would reach `size`
 * only two windows or more after `to`.
 */
export function envelopeCalm(used: (t: number) => number, from: number, to: number, size: number, span = 14 * DAY): boolean {
  const m0 = maxOf(used, from, from + span), m1 = maxOf(used, to - span, to);
  return m1 <= m0 || size - m1 >= (2 * (m1 - m0) * (to - from)) / (to - from - span);
}

/**
 * The scale of `unit` over `base`. Fill variants: just over the one that touches the size by
 * `fillAt` (null when the volume is already over calmMax (85%) of it before `calm`, when the story
 * has not begun). Never variants: 30-95% (from `lo`) of the one that touches cap·size by `end`
 * (null when its envelope would reach the size within two windows after `end`). Null when no
 * positive scale exists.
 */
export function scaleFor(d: Draw, c: Ctx, size: number, base: (t: number) => number, unit: (t: number) => number, fills: boolean,
  o: { fillAt: number; calm: number; calmMax?: number; cap: number; end: number; lo: number; span?: number }): number | null {
  const s = fills ? fillScale(d, size, base, unit, c.t0, o.fillAt) : maxScale(o.cap * size, base, unit, c.t0, o.end) * d.u(o.lo, 0.95);
  if (!(s > 0)) return null;
  if (fills && maxOf((t) => base(t) + s * unit(t), c.t0, o.calm) > (o.calmMax ?? 0.85) * size) return null;
  if (!fills && !envelopeCalm((t) => base(t) + s * unit(t), c.t0, o.end, size, o.span)) return null;
  return s;
}

/** Linear drift of other data: 0 for half the volumes, else 0.5-5% of the size a year. */
export function otherData(d: Draw, c: Ctx, size: number, lo: number, hi: number): (t: number) => number {
  const b0 = d.u(lo, hi) * size;
  const r = d.chance(0.5) ? 0 : (size * d.u(0.005, 0.05)) / 365;
  return (t) => b0 + (r * (t - c.t0)) / DAY;
}

/** Poisson times (rate per day `lam`) over [from, to]. */
export function poisson(d: Draw, lam: number, from: number, to: number): number[] {
  const out: number[] = [];
  for (let t = from - (Math.log(d.u(1e-9, 1)) / lam) * DAY; t < to; t -= (Math.log(d.u(1e-9, 1)) / lam) * DAY) out.push(t);
  return out;
}

export const VARIANT_FILL = (kind: string): boolean => kind.startsWith('fills');

// ---------------------------------------------------------------------------------------------
// Families

/**
 * CI artifacts: builds at Poisson times in local working hours (weekends a little), each writes an
 * artifact (plus scratch space freed when it ends); a nightly purge deletes artifacts older than N
 * days. fills-purge-broken: the purge's last run is 1-7 weeks in, the pile grows from then (8+
 * days before the first cut); fills-bigger-artifacts: artifacts grow 0.4-3% a day; never: steady.
 */
const ciBuildCache: Builder = (d, c) => {
  const size = pickSize(d, c);
  const z = pickZone(d);
  const kind = d.pick(['fills-purge-broken', 'fills-purge-broken', 'fills-bigger-artifacts', 'fills-bigger-artifacts', 'never', 'never', 'never'] as const);
  const fills = VARIANT_FILL(kind);
  const N = d.int(2, 21);
  const perHour = d.lu(0.2, 3);
  const sat = d.u(0, 0.2), sun = d.u(0, 0.1);
  const buildMs = d.lu(4 * MIN, 60 * MIN), scratch = d.u(0.2, 1.5);
  const gA = kind === 'fills-bigger-artifacts' ? d.u(0.004, 0.03) : d.u(0, 0.002);
  const S = c.t0 + d.u(7, 50) * DAY;
  const F = kind === 'fills-purge-broken' ? (S - c.t0) / DAY + d.u(12, 150) : d.u(25, 250);
  const days = fills ? F + 30 : d.u(45, 200);
  const from = c.t0 - (N + 3) * DAY, end = c.t0 + (days + 1) * DAY;
  const purgeAt = d.int(0, 5) * HOUR + d.pick([0, 17, 30, 45]) * MIN;
  const purges = localOnsets(from - DAY, end + DAY, purgeAt, z).filter((t) => kind !== 'fills-purge-broken' || t < S);
  const items: Item[] = [];
  for (let day = wall(from, z).day; day <= wall(end, z).day; day++) {
    const dow = (day + 4) % 7;
    const lam = perHour * 11 * (dow === 6 ? sat : dow === 0 ? sun : 1);
    for (let x = -Math.log(d.u(1e-9, 1)) / lam; x < 1; x += -Math.log(d.u(1e-9, 1)) / lam) {
      const start = localToUtc(day, (8 + 11 * x) * HOUR, z);
      const a = Math.max(0.2, 1 + (gA * (start - c.t0)) / DAY) * Math.exp(0.35 * d.g());
      const p = lastAtOrBefore(purges, start + buildMs + N * DAY) + 1;
      items.push({ start, ramp: buildMs, size: a, del: purges[p] ?? Infinity });
      items.push({ start, ramp: buildMs, size: a * scratch, del: start + buildMs + MIN });
    }
  }
  if (items.length < 20) return null;
  const unit = itemsSum(items);
  const base = otherData(d, c, size, 0.02, 0.35);
  const s = scaleFor(d, c, size, base, unit, fills, { fillAt: c.t0 + F * DAY, calm: kind === 'fills-purge-broken' ? S : c.t0 + 14 * DAY, cap: 0.95, end, lo: 0.3 });
  if (s === null) return null;
  return {
    variant: `${kind}-keep${N}d-${zoneName(z)}`, fills, size, days,
    used: (t) => base(t) + s * unit(t),
    fair: (tr) => kind !== 'fills-purge-broken' || firstCut(tr) >= S + 8 * DAY,
  };
};

/**
 * A nightly dump of a database on the same volume (local time, DST zones): the dump is 25-130% of
 * the database, written at a speed that makes it longer as the database grows, held while it is
 * uploaded, then deleted; 4% of the nights it does not run. The database grows (linearly or
 * compounding) so that a dump does not fit long before the database alone would fill the volume.
 */
const nightlyDbDump: Builder = (d, c) => {
  const size = pickSize(d, c);
  const z = pickZone(d);
  const at = d.pick([22, 23, 0, 1, 2, 3, 4]) * HOUR + d.pick([0, 10, 15, 30, 45]) * MIN;
  const fills = d.chance(0.7);
  const compound = d.chance(0.4);
  const ratio = d.u(0.25, 1.3);
  const b = d.u(0.02, 0.25) * size;
  const L0 = d.u(0.1, 0.35) * size;
  const days = fills ? 0 : d.u(45, 160);
  const flat = !fills && d.chance(0.35);
  const T = fills ? d.u(20, 180) : days * d.lu(3, 8);
  const LT = (size * d.u(1.003, 1.02) - b) / (1 + ratio); // b + L·(1 + ratio) just over the size
  if (!flat && LT < 1.15 * L0) return null;
  if (flat && b + L0 * (1 + ratio) > 0.93 * size) return null;
  if (b + L0 * (1 + ratio) > 0.85 * size) return null;
  const L = (t: number): number => {
    const x = (t - c.t0) / DAY;
    if (flat) return L0;
    return compound ? L0 * (LT / L0) ** (x / T) : L0 + ((LT - L0) * x) / T;
  };
  const win = fills ? T + 30 : days;
  const dur0 = Math.max(0.6 * c.minPeakMs, d.lu(15 * MIN, 3 * HOUR)), up0 = Math.max(0.5 * c.minPeakMs, d.lu(5 * MIN, 2 * HOUR));
  const runs: Run[] = localOnsets(c.t0, c.t0 + (win + 2) * DAY, at, z).map((t) => {
    const f = Math.min(4, L(t) / L0);
    return { at: t, h: d.chance(0.04) ? 0 : ratio * L(t) * (1 + 0.01 * d.g()), p: { ramp: dur0 * f, hold: up0 * f, decay: d.lu(MIN, 5 * MIN) } };
  });
  const used = withRuns((t) => b + L(t), runs);
  if (!fills && !envelopeCalm(used, c.t0, c.t0 + win * DAY, size)) return null;
  const shape: Shape = {
    variant: `${fills ? 'fills' : 'never'}-${flat ? 'flat' : compound ? 'compound' : 'linear'}-x${ratio.toFixed(1)}-${zoneName(z)}`,
    fills, size, days: win,
    used,
    fair: (tr) => !fills || onsetsBeforeFirstCut(tr, runs.map((r) => r.at)) >= 7,
  };
  return shape;
};

/**
 * Traffic-shaped growth that turns exponential (a rate doubling every 3-30 days from a deploy at a
 * local working hour), the turn at least min(14, max(4, 1.5/g)) days before every cut. Never: the
 * episode is over 3+ days before the 50% cut: a hotfix (the data kept, or deleted days later) or
 * logrotate's maxsize caps it.
 */
const diurnalRunaway: Builder = (d, c) => {
  const size = pickSize(d, c);
  const z = pickZone(d);
  const m = traffic(d, z);
  const g = Math.LN2 / d.lu(3, 30);
  const tau = Math.min(14, Math.max(4, 1.5 / g));
  const kind = d.pick(['fills', 'fills', 'fills', 'never-hotfix', 'never-hotfix-deleted', 'never-maxsize'] as const);
  const fills = kind === 'fills';
  const rho = d.lu(0.2, 30); // the base rate, in units of the runaway's rate at the turn
  const u0 = d.u(0.05, 0.5) * size;
  const L = fills ? d.u(2, 45) : 0;
  const D = d.u(tau + 1, 120);
  const days = fills ? L + D + 30 : d.u(60, 200);
  const deployDay = wall(c.t0 + (fills ? L : d.u(3, 0.25 * days)) * DAY, z).day;
  const turn = localToUtc(deployDay, d.u(9, 17) * HOUR, z);
  const E = d.u(3, 20); // days the episode runs (never)
  const stop = fills ? Infinity : turn + E * DAY;
  const end = c.t0 + (days + 1) * DAY;
  const B = integral((t) => m(t) * rho, c.t0, end);
  const X = integral((t) => (t > turn && t < stop ? m(t) * Math.exp((g * (t - turn)) / DAY) : 0), c.t0, end);
  if (fills) {
    const unit = (t: number): number => B(t) + X(t);
    const s = fillScale(d, size, () => u0, unit, c.t0, turn + D * DAY);
    if (!(s > 0) || u0 + s * unit(turn) > 0.85 * size) return null;
    return {
      variant: `fills-doubling${Math.round(Math.LN2 / g)}d-${zoneName(z)}`, fills, size, days,
      used: (t) => u0 + s * unit(t),
      fair: (tr) => firstCut(tr) >= turn + tau * DAY,
    };
  }
  // never: the episode adds 10-50% of the size at its height; the base alone would fill only 3-10 windows on
  const Xs = X(stop);
  const cap = Xs * d.u(0.3, 0.8), rotations = d.int(2, 10);
  const delAt = stop + d.u(1, 10) * DAY, kept = d.u(0, 0.2);
  const extra = (t: number): number => {
    const x = X(t);
    if (kind === 'never-maxsize') return x <= cap ? x : cap * (1 - 1 / rotations) + ((x - cap) % (cap / rotations));
    return kind === 'never-hotfix-deleted' && t >= delAt ? x * kept : x;
  };
  const sx = (d.u(0.1, 0.5) * size) / (kind === 'never-maxsize' ? cap : Xs);
  const sb = (size - u0) / (d.lu(3, 10) * (B(end) - B(c.t0)));
  const unit = (t: number): number => sb * B(t) + sx * extra(t);
  if (maxOf((t) => u0 + unit(t), c.t0, end) > 0.92 * size || !envelopeCalm((t) => u0 + unit(t), c.t0, end, size)) return null;
  const over = kind === 'never-hotfix-deleted' ? delAt : stop;
  return {
    variant: `${kind}-${zoneName(z)}`, fills, size, days,
    used: (t) => u0 + unit(t),
    fair: (tr) => over + 3 * DAY <= cutsOf(tr)[0]!.cut,
  };
};

/** Local calendar day `day` (or the last) of every month at local ms of day, as unix ms in [t0, end). */
function localMonthly(t0: number, end: number, day: number | 'last', ms: number, z: Zone): number[] {
  const out: number[] = [];
  const s = new Date(t0 - 40 * DAY);
  for (let y = s.getUTCFullYear(), mo = s.getUTCMonth(); ; mo++) {
    const dim = new Date(Date.UTC(y, mo + 1, 0)).getUTCDate();
    const t = localToUtc(Date.UTC(y, mo, day === 'last' ? dim : day) / DAY, ms, z);
    if (t >= end) break;
    if (t >= t0) out.push(t);
  }
  return out;
}

/**
 * A job on a local calendar day (the 1st, 2nd or last) at a local hour (in DST zones the UTC onset
 * may fall the day before), its need proportional to the closing month's length and growing (or
 * fixed on a rising trend), above a fixed nightly job. Fill: the monthly run on or after day 95-300
 * does not fit while the nightly job and the trend do; never: headroom, or growth that would not
 * fit only 3-8 windows on. Fair: 3 monthly runs and 88 days before the first cut.
 */
const monthlyLocalFirst: Builder = (d, c) => {
  const size = pickSize(d, c);
  const z = pickZone(d);
  const day = d.pick([1, 1, 1, 2, 'last'] as const);
  const at = d.pick([0, 0, 1, 2, 3, 5, 23]) * HOUR + d.pick([5, 15, 30]) * MIN;
  const fills = d.chance(0.7);
  const days = fills ? 0 : d.u(100, 250);
  const T = fills ? d.u(95, 300) : days * d.lu(3, 8);
  const onsets = localMonthly(c.t0, c.t0 + (Math.max(T, days) + 40) * DAY, day, at, z);
  const K = onsets.findIndex((t) => t >= c.t0 + T * DAY);
  if (K < 3) return null;
  const prof = drawProfile(d, c, 2 * HOUR, 20 * HOUR);
  const u0 = d.u(0.1, 0.45) * size;
  const rising = d.chance(0.3);
  const r = d.chance(0.3) && !rising ? 0 : (size - u0) / (T * d.lu(1.5, 8));
  const hD = d.u(0.02, 0.12) * size;
  const nightly = localOnsets(c.t0, c.t0 + (Math.max(T, days) + 40) * DAY, d.int(0, 23) * HOUR + d.pick([0, 30]) * MIN, z);
  const profD = drawProfile(d, c, 20 * MIN, 3 * HOUR);
  const base = withRuns((t) => u0 + (r * (t - c.t0)) / DAY, nightly.map((t) => ({ at: t, h: hD * (1 + 0.02 * d.g()), p: profD })));
  // the month the run closes: the one that ended before the onset (or is ending, for the last day)
  const closing = (t: number): number => {
    const s = new Date(t - (day === 'last' ? 0 : 5 * DAY));
    return new Date(Date.UTC(s.getUTCFullYear(), s.getUTCMonth() + 1, 0)).getUTCDate() / 30.44;
  };
  const fixed = (!fills && d.chance(0.5)) || (fills && rising);
  const top = (k: number): number => base(onsets[k]! + prof.ramp);
  let heights: number[];
  if (fixed && !fills) {
    const h = (0.95 * size - (u0 + r * days) - hD) * d.u(0.3, 0.9);
    if (h < 0.03 * size) return null;
    heights = onsets.map((t) => (h * closing(t) * 30.44) / 31);
  } else {
    const hK = (size * d.u(1.003, 1.02) - top(K)) / closing(onsets[K]!);
    if (hK > 0.7 * size || hK < 0.04 * size) return null;
    const r0 = fixed ? 1 : d.u(0.2, 0.7);
    const compound = d.chance(0.4);
    heights = onsets.map((t, k) => hK * closing(t) * (compound ? r0 ** (1 - k / K) : r0 + ((1 - r0) * k) / K) * (1 + 0.01 * d.g()));
  }
  const end = c.t0 + (fills ? (onsets[K]! - c.t0) / DAY + 30 : days) * DAY;
  // the nightly job and the trend fit until the monthly run does not
  if (u0 + (r * (end - c.t0)) / DAY + hD > 0.95 * size) return null;
  if (top(0) + heights[0]! > 0.9 * size) return null;
  for (let k = 0; !fills && k < onsets.length && onsets[k]! < end; k++) if (top(k) + heights[k]! > 0.95 * size) return null;
  return {
    variant: `${fills ? 'fills' : 'never'}-${fixed ? 'fixed' : 'growing'}-day${day}-${zoneName(z)}`, fills, size, days: (end - c.t0) / DAY,
    used: withRuns(base, onsets.map((t, k) => ({ at: t, h: heights[k]!, p: prof }))),
    fair: (tr) => !fills || (onsetsBeforeFirstCut(tr, onsets) >= 3 && firstCut(tr) - tr.points[0]!.t >= 88 * DAY),
  };
};

/**
 * Grandfather-father-son backups at a local hour: a full on one weekday, incrementals the other
 * nights; incrementals kept 6-14 days, weekly fulls 2-6 weeks, the month's first full 2-12 months;
 * pruning after each run (the new backup is written before the old is deleted). Sizes follow the
 * source, which grows. fills-monthly-kept: from day 20-60 monthly fulls are no longer pruned (a
 * staircase; fair: a missed prune 7+ days, 3 monthly fulls and 88 days before the first cut);
 * fills-growth: the source grows 0.2-1.2% a day; never: headroom.
 */
const gfsBackups: Builder = (d, c) => {
  const size = pickSize(d, c);
  const z = pickZone(d);
  const kind = d.pick(['fills-monthly-kept', 'fills-monthly-kept', 'fills-growth', 'fills-growth', 'never', 'never', 'never'] as const);
  const fills = VARIANT_FILL(kind);
  const at = d.pick([18, 20, 21, 22, 23, 0, 1, 2, 3]) * HOUR + d.pick([0, 15, 30]) * MIN;
  const fullDow = d.int(0, 6);
  const keepInc = d.int(6, 14), W = d.int(2, 6), M = d.int(2, 12);
  const incShare = d.lu(0.01, 0.15);
  const gs = kind === 'fills-growth' ? d.u(0.002, 0.012) : d.u(0, 0.0015);
  const fullRamp = Math.max(0.5 * c.minPeakMs, d.lu(40 * MIN, 8 * HOUR)), incRamp = d.lu(5 * MIN, 90 * MIN);
  const B = c.t0 + d.u(20, 60) * DAY;
  const T = kind === 'fills-monthly-kept' ? (B - c.t0) / DAY + d.u(60, 250) : d.u(45, 250);
  const days = fills ? T + 30 : d.u(60, 200);
  const from = c.t0 - (M + 1) * 31 * DAY, end = c.t0 + (days + 2) * DAY;
  const runs = localOnsets(from, end, at, z);
  const S = (t: number): number => Math.max(0.3, 1 + (gs * (t - c.t0)) / DAY);
  const ramps = runs.map((t) => (wall(t, z).dow === fullDow ? fullRamp : incRamp));
  // a backup that expires at e is pruned right after the first run that starts at or after e
  const pruneAt = (e: number): number => {
    const i = lastAtOrBefore(runs, e - 1) + 1;
    return i < runs.length ? runs[i]! + ramps[i]! + 5 * MIN : Infinity;
  };
  const items: Item[] = [];
  const monthly: number[] = [];
  let firstMissed = Infinity;
  let lastMonth = -1;
  runs.forEach((t, i) => {
    const full = ramps[i] === fullRamp && wall(t, z).dow === fullDow;
    const month = new Date(t + offsetMs(t, z)).getUTCMonth();
    const isMonthly = full && month !== lastMonth;
    if (full) lastMonth = month;
    if (isMonthly) monthly.push(t);
    let del = pruneAt(t + (isMonthly ? M * 30.44 : full ? W * 7 : keepInc) * DAY);
    if (isMonthly && kind === 'fills-monthly-kept' && del >= B) {
      firstMissed = Math.min(firstMissed, del);
      del = Infinity;
    }
    items.push({ start: t, ramp: ramps[i]!, size: S(t) * (full ? 1 : incShare * Math.exp(0.3 * d.g())), del });
  });
  const unit = itemsSum(items);
  const base = otherData(d, c, size, 0.02, 0.3);
  const s = scaleFor(d, c, size, base, unit, fills, { fillAt: c.t0 + T * DAY, calm: kind === 'fills-monthly-kept' ? Math.min(firstMissed, c.t0 + T * DAY) : c.t0 + 14 * DAY, cap: 0.93, end, lo: 0.4, span: 35 * DAY });
  if (s === null) return null;
  const fulls = runs.filter((_, i) => ramps[i] === fullRamp);
  return {
    variant: `${kind}-keep${M}m${W}w${keepInc}d-${zoneName(z)}`, fills, size, days,
    used: (t) => base(t) + s * unit(t),
    fair: (tr) => {
      if (kind === 'fills-monthly-kept') return firstCut(tr) >= firstMissed + 7 * DAY && onsetsBeforeFirstCut(tr, monthly) >= 3 && firstCut(tr) - tr.points[0]!.t >= 88 * DAY;
      return !fills || onsetsBeforeFirstCut(tr, fulls) >= 4;
    },
  };
};

/**
 * PostgreSQL bloat and pg_repack: live data grows; dead tuples pile up at w·live a day, written in
 * local working hours; a pg_repack every 1-14 days at a local night hour copies the table (70-110% of
 * live, longer as it grows) and holds WAL (5-40%) until it ends, then drops the bloated copy.
 * fills-repack: a repack's copy does not fit; fills-repack-disabled: the cron is disabled 2-9 weeks
 * in and the bloat grows on (fair: the first missed repack 7+ days before the first cut); never.
 */
const pgBloatRepack: Builder = (d, c) => {
  const size = pickSize(d, c);
  const z = pickZone(d);
  const kind = d.pick(['fills-repack', 'fills-repack', 'fills-repack', 'fills-repack-disabled', 'fills-repack-disabled', 'never', 'never', 'never'] as const);
  const fills = VARIANT_FILL(kind);
  const P = d.pick([1, 2, 3, 7, 7, 7, 14]);
  const at = d.int(0, 5) * HOUR + d.pick([0, 30]) * MIN;
  const gl = kind === 'fills-repack' ? d.u(0.002, 0.02) : d.u(0, 0.004);
  const w = d.u(0.01, 0.15), copy = d.u(0.7, 1.1), wal = d.u(0.05, 0.4);
  const dur0 = Math.max(0.6 * c.minPeakMs, d.lu(20 * MIN, 4 * HOUR));
  const S = c.t0 + d.u(14, 60) * DAY;
  const T = kind === 'fills-repack' ? d.u(25, 250) : kind === 'fills-repack-disabled' ? (S - c.t0) / DAY + d.u(20, 150) : 0;
  const days = fills ? T + 30 : d.u(45, 160);
  const end = c.t0 + (days + 2) * DAY;
  const dow = d.int(0, 6);
  const nights = localOnsets(c.t0 - 15 * DAY, end, at, z, P >= 7 ? [dow] : undefined);
  const all = nights.filter((_, i) => (P >= 7 ? i % (P / 7) === 0 : i % P === 0));
  const onsets = all.filter((t) => kind !== 'fills-repack-disabled' || t < S);
  const missed = all.find((t) => t >= S) ?? Infinity;
  const L = (t: number): number => 1 + (gl * (t - c.t0)) / DAY;
  const dur = (t: number): number => Math.min(0.3 * P * DAY, dur0 * L(t));
  const act = integral((t) => {
    const x = wall(t, z);
    return x.dow === 0 || x.dow === 6 ? 0.3 : x.ms >= 8 * HOUR && x.ms < 19 * HOUR ? 1.9 : 0.5;
  }, c.t0 - 16 * DAY, end);
  const unit = (t: number): number => {
    const i = lastAtOrBefore(onsets, t);
    const live = L(t);
    let u = live;
    if (i < 0) return u + w * live * (act(t) - act(c.t0 - 15 * DAY));
    const on = onsets[i]!, du = dur(on);
    if (t < on + du) {
      const prevEnd = i > 0 ? onsets[i - 1]! + dur(onsets[i - 1]!) : c.t0 - 15 * DAY;
      u += w * live * (act(t) - act(prevEnd)) + (copy + wal) * live * ((t - on) / du);
    } else u += w * live * (act(t) - act(on + du));
    return u;
  };
  const base = otherData(d, c, size, 0.02, 0.25);
  const s = scaleFor(d, c, size, base, unit, fills, { fillAt: c.t0 + T * DAY, calm: kind === 'fills-repack-disabled' ? missed : onsets[lastAtOrBefore(onsets, c.t0) + 3] ?? c.t0, calmMax: 0.88, cap: 0.94, end, lo: 0.4 });
  if (s === null) return null;
  return {
    variant: `${kind}-every${P}d-${zoneName(z)}`, fills, size, days,
    used: (t) => base(t) + s * unit(t),
    fair: (tr) => (kind === 'fills-repack' ? onsetsBeforeFirstCut(tr, onsets) >= 3 : kind !== 'fills-repack-disabled' || firstCut(tr) >= missed + 7 * DAY),
  };
};

/**
 * A file share written in local office hours: two busy bumps a day (morning and afternoon), Friday
 * lighter, Saturday work at some sites, 1-3 public holidays, a Christmas closure and (some sites) a
 * slow August, ±20% day to day; a Sunday archive to tape may move 10-50% of the week's files off.
 * Fair: no holiday or slow period from a week before the first cut to the fill. Never: the growth
 * would fill the volume only 3-8 windows on.
 */
const fileshareOffice: Builder = (d, c) => {
  const size = pickSize(d, c);
  const z = pickZone(d);
  const fills = d.chance(0.7);
  const saturday = d.chance(0.15) ? d.u(0.1, 0.4) : 0;
  const friday = d.u(0.4, 0.9);
  const m1 = d.u(9, 11.5), m2 = d.u(13.5, 16.5), sd = d.u(0.7, 1.8), wA = d.u(0.5, 1.3);
  const dens = (h: number): number => (h < 6 || h > 21 ? 0 : Math.exp(-(((h - m1) / sd) ** 2) / 2) + wA * Math.exp(-(((h - m2) / sd) ** 2) / 2));
  let norm = 0;
  for (let h = 0; h < 24; h += 1 / 12) norm += dens(h) / 12;
  const august = d.chance(0.3) ? d.u(0.3, 0.8) : 1;
  const q = d.chance(0.5) ? d.u(0.1, 0.5) : 0;
  const T = d.u(25, 220);
  const days = fills ? T + 30 : d.u(45, 200);
  const end = c.t0 + (days + 2) * DAY;
  const day0 = wall(c.t0, z).day - 1;
  const nd = Math.ceil(days) + 5;
  const special = new Set<number>();
  const weight: number[] = [];
  const holidays = new Set(Array.from({ length: d.int(1, 3) }, () => d.int(0, nd - 1)));
  for (let i = 0; i < nd; i++) {
    const date = new Date((day0 + i) * DAY);
    const dow = date.getUTCDay(), mo = date.getUTCMonth(), dm = date.getUTCDate();
    let wgt = dow === 0 ? 0 : dow === 6 ? saturday : dow === 5 ? friday : 1;
    if ((mo === 11 && dm >= 24) || (mo === 0 && dm <= 1)) wgt *= 0.05;
    else if (mo === 7) wgt *= august;
    if (holidays.has(i)) wgt = 0;
    if (wgt < 0.3 && dow !== 0 && dow !== 6) special.add(i);
    if (mo === 7 && august < 1) special.add(i);
    weight.push(wgt * Math.max(0.2, 1 + 0.2 * d.g()));
  }
  const G = integral((t) => {
    const x = wall(t, z);
    return ((weight[x.day - day0] ?? 0) * dens(x.ms / HOUR)) / norm;
  }, c.t0, end);
  const archives = localOnsets(c.t0, end, 2 * HOUR, z, [0]);
  const dropped = [0];
  archives.forEach((a, k) => dropped.push(dropped[k]! + q * (G(a) - (k ? G(archives[k - 1]!) : 0))));
  const unit = (t: number): number => G(t) - dropped[lastAtOrBefore(archives, t) + 1]!;
  const u0 = d.u(0.05, 0.6) * size;
  // never: the growth would fill the volume 3-8 windows on
  const s = fills ? fillScale(d, size, () => u0, unit, c.t0, c.t0 + T * DAY) : (size - u0) / (unit(end) * d.lu(3, 8));
  if (!(s > 0) || (!fills && !envelopeCalm((t) => u0 + s * unit(t), c.t0, end, size))) return null;
  return {
    variant: `${fills ? 'fills' : 'never'}${q ? '-archive' : ''}${saturday ? '-sat' : ''}-${zoneName(z)}`, fills, size, days,
    used: (t) => u0 + s * unit(t),
    fair: (tr) => {
      if (!fills) return true;
      const a = wall(firstCut(tr) - 7 * DAY, z).day - day0, b = wall(tr.fillsAt!, z).day - day0;
      for (let i = a; i <= b; i++) if (special.has(i)) return false;
      return true;
    },
  };
};

/**
 * A one-off migration: rsync from another host, bandwidth-capped in local working hours (10-60% of
 * the night speed), sometimes interrupted for hours to days; 0.5-5 days after the copy the service
 * is cut over (a final delta sync) and writes here from then on. fills: at its new rate (fair: the
 * cutover 7+ days before the first cut); never-dry-run: the copy is deleted 1-7 days later;
 * never-slow: the new rate fills only 3-10 windows on.
 */
const rsyncMigration: Builder = (d, c) => {
  const size = pickSize(d, c);
  const z = pickZone(d);
  const kind = d.pick(['fills', 'fills', 'fills', 'never-dry-run', 'never-slow', 'never-slow'] as const);
  const fills = kind === 'fills';
  const u0 = d.u(0.05, 0.45) * size;
  const r0 = d.chance(0.4) ? 0 : (size * d.u(0.005, 0.08)) / 30;
  const B = (0.9 * size - u0) * d.u(0.15, 0.75);
  const daysN = d.u(45, 180);
  const A = fills ? d.u(3, 60) : d.u(0.05, 0.3) * daysN;
  const start = c.t0 + A * DAY;
  if (u0 + r0 * A + B > 0.9 * size) return null;
  const dayShare = d.u(0.1, 0.6);
  const vN = B / d.lu(0.12, 5); // per day at night speed
  const pauseAt = d.chance(0.4) ? d.u(0.2, 0.8) * B : Infinity;
  const pauseLen = d.lu(2 * HOUR, 2 * DAY);
  let pauseStart = Infinity;
  const speed = (t: number): number => {
    const x = wall(t, z);
    return x.dow !== 0 && x.dow !== 6 && x.ms >= 8 * HOUR && x.ms < 18 * HOUR ? vN * dayShare : vN;
  };
  const tab = integral((t) => (t < start || (t >= pauseStart && t < pauseStart + pauseLen) ? 0 : speed(t)), start, start + 60 * DAY);
  if (Number.isFinite(pauseAt)) {
    pauseStart = solve((t) => tab(t) - pauseAt, start, start + 60 * DAY);
    if (!Number.isFinite(pauseStart)) return null;
  }
  const cum = Number.isFinite(pauseStart)
    ? integral((t) => (t < start || (t >= pauseStart && t < pauseStart + pauseLen) ? 0 : speed(t)), start, start + 60 * DAY)
    : tab;
  const done = solve((t) => cum(t) - B, start, start + 60 * DAY);
  if (!Number.isFinite(done)) return null;
  const cut = done + d.u(0.5, 5) * DAY;
  const delta = B * d.u(0.005, 0.05), delLen = d.lu(10 * MIN, 4 * HOUR), delAt = done + d.u(1, 7) * DAY;
  const level = u0 + (r0 * (cut - c.t0)) / DAY + B + delta;
  const G = d.u(22, 200);
  const days = fills ? (cut - c.t0) / DAY + G + 30 : daysN;
  const r1 = fills ? (size * d.u(1.0, 1.005) - level) / G : kind === 'never-slow' ? (size - level) / (days * d.lu(3, 10)) : r0;
  if (r1 < 0 || level > 0.93 * size) return null;
  const copied = (t: number): number => Math.min(B, cum(t));
  const used = (t: number): number => {
    const x = (t - c.t0) / DAY;
    if (kind === 'never-dry-run') return u0 + r0 * x + copied(t) * (1 - Math.min(1, Math.max(0, (t - delAt) / delLen)));
    const after = Math.max(0, (t - cut) / DAY);
    return u0 + r0 * Math.min(x, (cut - c.t0) / DAY) + copied(t) + delta * Math.min(1, after / (HOUR / DAY) ) + r1 * after;
  };
  const over = kind === 'never-dry-run' ? delAt + delLen : cut + DAY;
  return {
    variant: `${kind}${Number.isFinite(pauseStart) ? '-interrupted' : ''}-${zoneName(z)}`, fills, size, days, used,
    fair: (tr) => (fills ? firstCut(tr) >= cut + 7 * DAY : over + 2 * DAY <= cutsOf(tr)[0]!.cut),
  };
};

/**
 * A mail spool: inbound mail (traffic-shaped, local) passes straight through while the relay is up;
 * while it is down the queue grows, and drains at 3-30x the inbound rate after; messages older
 * than the queue lifetime bounce. fills-relay-gone: the relay goes for good 5-60 days in, with no
 * lifetime that bounces within the trace (fair: 5+ days before the first cut); never-outages: 2-6
 * outages of 30 min-3 days, no cut during one or within a day of its drain; never-bounced: the
 * relay gone for good, the queue levels off at the lifetime's worth (3+ days before the 50% cut).
 */
const mailQueueOutage: Builder = (d, c) => {
  const size = pickSize(d, c);
  const z = pickZone(d);
  const kind = d.pick(['fills-relay-gone', 'fills-relay-gone', 'fills-relay-gone', 'never-outages', 'never-outages', 'never-bounced'] as const);
  const fills = VARIANT_FILL(kind);
  const m = traffic(d, z);
  const gi = d.u(0, 0.004);
  const drain = d.u(3, 30);
  const Lq = fills ? Infinity : d.u(1, 5);
  const daysN = d.u(45, 160);
  const S = c.t0 + (fills ? d.u(5, 60) : d.u(2, Math.max(2.5, 0.5 * daysN - Lq - 4))) * DAY;
  const F = (S - c.t0) / DAY + d.u(5, 120);
  const days = fills ? F + 30 : daysN;
  const end = c.t0 + (days + 2) * DAY;
  const outages: Array<[number, number]> = [];
  const nOut = kind === 'never-outages' ? d.int(2, 6) : d.int(0, 3);
  for (let i = 0; i < nOut; i++) {
    const a = c.t0 + d.u(1, kind === 'never-outages' ? days : Math.max(1.5, (S - c.t0) / DAY - 4)) * DAY;
    outages.push([a, Math.min(a + d.lu(30 * MIN, 3 * DAY), kind === 'never-outages' ? Infinity : S - 3 * DAY)]);
  }
  if (kind !== 'never-outages') outages.push([S, Infinity]);
  outages.sort((a, b) => a[0] - b[0]);
  const down = (t: number): boolean => outages.some(([a, b]) => t >= a && t < b);
  // simulate the queue on a 5-minute grid (FIFO: drained and bounced oldest first)
  const step = 5 * MIN;
  const n = Math.ceil((end - c.t0) / step) + 1;
  const rem = new Float64Array(n), Q = new Float64Array(n);
  const drainedAt = outages.map(() => Infinity);
  let head = 0, q = 0;
  for (let j = 0; j < n; j++) {
    const t = c.t0 + j * step;
    rem[j] = (m(t) * (1 + (gi * j * step) / DAY) * step) / DAY;
    q += rem[j]!;
    if (!down(t)) {
      let cap = (drain * step) / DAY;
      while (cap > 0 && head <= j) {
        const x = Math.min(cap, rem[head]!);
        rem[head] = rem[head]! - x;
        q -= x;
        cap -= x;
        if (rem[head]! <= 1e-15) head++;
      }
      if (head > j) outages.forEach(([, b], k) => { if (b <= t && drainedAt[k] === Infinity) drainedAt[k] = t; });
    }
    while (head <= j && t - (c.t0 + head * step) > Lq * DAY) {
      q -= rem[head]!;
      rem[head] = 0;
      head++;
    }
    Q[j] = Math.max(0, q);
  }
  const unit = (t: number): number => {
    const x = Math.min(Math.max((t - c.t0) / step, 0), n - 1);
    const j = Math.min(Math.floor(x), n - 2);
    return Q[j]! + (Q[j + 1]! - Q[j]!) * (x - j);
  };
  const base = otherData(d, c, size, 0.03, 0.4);
  const s = scaleFor(d, c, size, base, unit, fills, { fillAt: c.t0 + F * DAY, calm: S, calmMax: 0.8, cap: 0.9, end, lo: 0.3 });
  if (s === null) return null;
  return {
    variant: `${kind}-${zoneName(z)}`, fills, size, days,
    used: (t) => base(t) + s * unit(t),
    fair: (tr) => {
      if (fills) return firstCut(tr) >= S + 5 * DAY;
      const cuts = cutsOf(tr).map((x) => x.cut);
      if (kind === 'never-bounced') return S + (Lq + 3) * DAY <= cuts[0]!;
      return outages.every(([a], k) => cuts.every((x) => x < a || x > drainedAt[k]! + DAY));
    },
  };
};

/** The second Tuesday of every month (local date, days since 1970-01-01). */
function patchTuesdays(from: number, to: number): number[] {
  const out: number[] = [];
  const s = new Date(from);
  for (let y = s.getUTCFullYear(), mo = s.getUTCMonth(); ; mo++) {
    const first = new Date(Date.UTC(y, mo, 1));
    const day = Date.UTC(y, mo, 1 + ((2 - first.getUTCDay() + 7) % 7) + 7) / DAY;
    if (day * DAY > to) break;
    out.push(day);
  }
  return out;
}

/**
 * A VM image store: images of n VMs (new VMs added at random), snapshots of every VM taken on the
 * evening of Patch Tuesday (or the Thursday or Saturday after), filled by the patches over the
 * maintenance window and by churn after, deleted 1-10 days later. fills-more-vms: the patch day
 * on or after day 95-330 does not fit (fair: 3 patch days and 88 days before the first cut);
 * fills-snapshot-forgotten: one month's snapshots are not deleted and keep growing (fair: the
 * missed deletion 10+ days before the first cut); never: headroom.
 */
const vmPatchSnapshots: Builder = (d, c) => {
  const size = pickSize(d, c);
  const z = pickZone(d);
  const kind = d.pick(['fills-more-vms', 'fills-more-vms', 'fills-snapshot-forgotten', 'fills-snapshot-forgotten', 'never', 'never', 'never'] as const);
  const fills = VARIANT_FILL(kind);
  const offset = d.pick([0, 0, 2, 4]);
  const at = d.int(18, 23) * HOUR;
  const win = Math.max(c.minPeakMs, d.lu(HOUR, 6 * HOUR));
  const churn = d.u(0.02, 0.3);
  const keep = d.u(1, 10);
  const n0 = d.int(5, 80);
  const vmRate = kind === 'fills-more-vms' ? d.u(0.03, 0.15) : d.u(0, 0.03); // new VMs a month, share of n0
  const img = d.u(2, 15); // an image, in units of one VM's patch delta
  const T = kind === 'fills-more-vms' ? d.u(95, 330) : d.u(60, 200);
  const days = kind === 'fills-more-vms' ? T + 30 : kind === 'never' ? d.u(60, 240) : 0;
  const pds = patchTuesdays(c.t0 - 40 * DAY, c.t0 + 420 * DAY).map((day) => localToUtc(day + offset, at, z)).filter((t) => t >= c.t0 - 20 * DAY);
  const added = poisson(d, (vmRate * n0) / 30.44, c.t0, c.t0 + 420 * DAY);
  const nVM = (t: number): number => n0 + lastAtOrBefore(added, t) + 1;
  const Bk = kind === 'fills-snapshot-forgotten' ? d.int(2, 5) : -1;
  const firstOn = pds.findIndex((t) => t >= c.t0);
  const snaps = pds.map((t, k) => {
    const delta = nVM(t) * Math.exp(0.15 * d.g());
    const delDay = wall(t, z).day + Math.ceil(keep);
    const forgotten = k === firstOn + Bk;
    return { t, delta, del: forgotten ? Infinity : localToUtc(delDay, d.u(9.5, 11) * HOUR, z) };
  });
  const missed = Bk >= 0 ? localToUtc(wall(snaps[firstOn + Bk]!.t, z).day + Math.ceil(keep), 11 * HOUR, z) : Infinity;
  const unit = (t: number): number => {
    let u = img * nVM(t);
    for (let k = lastAtOrBefore(pds, t); k >= 0; k--) {
      const sn = snaps[k]!;
      if (t >= sn.del) continue;
      const x = t - sn.t;
      u += sn.delta * (Math.min(1, x / win) + (churn * Math.max(0, x - win)) / DAY);
      if (sn.t < t - 20 * DAY && sn.del !== Infinity) break;
    }
    return u;
  };
  const base = otherData(d, c, size, 0.01, 0.1);
  const Fday = kind === 'fills-snapshot-forgotten' ? (missed - c.t0) / DAY + d.u(15, 150) : T;
  const calm = kind === 'fills-snapshot-forgotten' ? missed : pds[firstOn + 1]!;
  const s = scaleFor(d, c, size, base, unit, fills, { fillAt: c.t0 + Fday * DAY, calm, cap: 0.94, end: c.t0 + (days + 1) * DAY, lo: 0.4, span: 35 * DAY });
  if (s === null) return null;
  return {
    variant: `${kind}-keep${Math.ceil(keep)}d-${zoneName(z)}`, fills, size, days: fills ? Fday + 30 : days,
    used: (t) => base(t) + s * unit(t),
    fair: (tr) => {
      if (kind === 'fills-more-vms') return onsetsBeforeFirstCut(tr, pds.filter((t) => t >= c.t0)) >= 3 && firstCut(tr) - tr.points[0]!.t >= 88 * DAY;
      return kind !== 'fills-snapshot-forgotten' || firstCut(tr) >= missed + 10 * DAY;
    },
  };
};

/**
 * Kafka: P partitions of one topic (skewed keys), segments of a fixed size rolled when full and
 * deleted whole once their last message is older than the retention time R (or, with
 * retention.bytes, while the partition stays over it without its oldest segment); traffic is
 * traffic-shaped. fills-traffic-grows: 0.4-3% a day, time retention only; fills-new-topic: a topic
 * without retention added 10-60 days in (fair: 7+ days before the first cut); never-bytes-capped:
 * the traffic grows into the size cap 3+ days before the 50% cut; never-steady.
 */
const kafkaSegments: Builder = (d, c) => {
  const size = pickSize(d, c);
  const z = pickZone(d);
  const kind = d.pick(['fills-traffic-grows', 'fills-traffic-grows', 'fills-new-topic', 'fills-new-topic', 'never-bytes-capped', 'never-steady', 'never-steady'] as const);
  const fills = VARIANT_FILL(kind);
  const m = traffic(d, z);
  const P = d.int(1, 24);
  const w = Array.from({ length: P }, () => Math.exp(0.4 * d.g()));
  const wsum = w.reduce((a, b) => a + b, 0);
  const share = w.map((x) => x / wsum);
  const R = d.pick([1, 2, 3, 7, 7, 14]);
  const seg = R / (P * d.int(3, 40));
  const gk = kind === 'fills-traffic-grows' ? d.u(0.004, 0.03) : kind === 'never-bytes-capped' ? d.u(0.005, 0.03) : d.u(0, 0.002);
  const S = c.t0 + d.u(10, 60) * DAY;
  const rho = d.u(0.2, 3);
  const F = kind === 'fills-new-topic' ? (S - c.t0) / DAY + d.u(15, 150) : d.u(30, 250);
  const days = fills ? F + 30 : d.u(45, 150);
  const end = c.t0 + (days + 2) * DAY;
  const Wt = integral((t) => m(t) * (1 + (gk * Math.max(-30, (t - c.t0) / DAY))), c.t0 - 20 * DAY, end);
  const capAt = c.t0 + d.u(0.1, 0.35) * days * DAY;
  const Rb = kind === 'never-bytes-capped' ? (Wt(capAt) - Wt(capAt - R * DAY)) / P : Infinity;
  const unit = (t: number): number => {
    const W = Wt(t), Wr = Wt(t - R * DAY);
    let u = 0;
    for (let p = 0; p < P; p++) {
      const wp = share[p]! * W, closed = Math.floor(wp / seg);
      const byTime = Math.floor((share[p]! * Wr) / seg);
      const byBytes = Number.isFinite(Rb) ? Math.max(0, Math.floor((wp - Rb * share[p]! * P) / seg)) : 0;
      u += wp - seg * Math.min(closed, Math.max(byTime, byBytes));
    }
    return u + (kind === 'fills-new-topic' && t > S ? rho * (W - Wt(S)) : 0);
  };
  const base = otherData(d, c, size, 0.02, 0.2);
  const s = scaleFor(d, c, size, base, unit, fills, { fillAt: c.t0 + F * DAY, calm: kind === 'fills-new-topic' ? S : c.t0 + 14 * DAY, cap: 0.93, end, lo: 0.3 });
  if (s === null) return null;
  return {
    variant: `${kind}-${P}p-${R}d-${zoneName(z)}`, fills, size, days,
    used: (t) => base(t) + s * unit(t),
    fair: (tr) => (kind === 'fills-new-topic' ? firstCut(tr) >= S + 7 * DAY : kind !== 'never-bytes-capped' || capAt + 3 * DAY <= cutsOf(tr)[0]!.cut),
  };
};

/** A small root file system: 20-100 GiB (one GiB is 1-5% of it). */
function rootSize(d: Draw, c: Ctx): number {
  const s = d.pick([20, 24, 30, 32, 40, 50, 64, 80, 100]) * d.u(0.93, 1) * GIB;
  return c.wholeGiB ? Math.max(20, Math.floor(s / GIB)) * GIB : Math.max(20 * GIB, Math.round(s / 4096) * 4096);
}

/**
 * A root file system: the OS (slow growth); journald (traffic-shaped) up to SystemMaxUse (10% of the
 * size, 4 GiB at most; vacuumed file by file after); apt's cache, filled by unattended-upgrades at a
 * local 06:00 + up to an hour (weekly security days larger), emptied by a monthly cron; downloads in
 * /home (every 5-40 days, most deleted days later). fills-apt-clean-removed: the cron goes after 2-4
 * runs (fair: 3 runs, 88 days and the first missed run 7+ days before the first cut; no download
 * that stays after the first cut - 3 d); fills-journal-uncapped: SystemMaxUse removed 20-80 days in
 * (fair: 10+ days before the first cut); never.
 */
const rootFsHousekeeping: Builder = (d, c) => {
  const size = rootSize(d, c);
  const z = pickZone(d);
  const kind = d.pick(['fills-apt-clean-removed', 'fills-apt-clean-removed', 'fills-journal-uncapped', 'fills-journal-uncapped', 'never', 'never', 'never'] as const);
  const fills = VARIANT_FILL(kind);
  const m = traffic(d, z);
  const os0 = d.u(0.15, 0.45) * size, osRate = (size * d.u(0, 0.04)) / 365;
  const Mj = Math.min(0.1 * size, 4 * GIB) * d.u(0.5, 1), file = Mj * d.u(0.02, 0.12);
  const jr = d.u(0.0005, 0.01) * size; // bytes a day
  const j0 = Mj * d.u(0.1, 1);
  const cleanDay = d.int(1, 28), cleanAt = 4 * HOUR + d.int(0, 59) * MIN;
  const nRuns = d.int(3, 5);
  const S = c.t0 + d.u(20, 80) * DAY;
  const Tdays = d.u(20, 200);
  const daysN = d.u(60, 200);
  const cleans0 = localMonthly(c.t0 - 35 * DAY, c.t0 + 500 * DAY, cleanDay, cleanAt, z);
  const firstIn = cleans0.findIndex((t) => t >= c.t0);
  const missed = kind === 'fills-apt-clean-removed' ? cleans0[firstIn + nRuns] ?? Infinity : Infinity;
  const cleans = cleans0.filter((t) => t < missed);
  const F = kind === 'fills-apt-clean-removed' ? (missed - c.t0) / DAY + Tdays : kind === 'fills-journal-uncapped' ? (S - c.t0) / DAY + Tdays : daysN;
  const days = fills ? F + 30 : daysN;
  const end = c.t0 + (days + 2) * DAY;
  // apt: one download a morning, mean 1 (security days, one weekday, 3x)
  const secDow = d.int(1, 5);
  const aptItems: Item[] = localOnsets(c.t0 - 40 * DAY, end, 6 * HOUR, z).map((t) => {
    const st = t + d.u(0, HOUR);
    return { start: st, ramp: d.lu(MIN, 15 * MIN), size: (wall(t, z).dow === secDow ? 3 : 1) * Math.exp(0.5 * d.g()) / 1.6, del: cleans[lastAtOrBefore(cleans, st) + 1] ?? Infinity };
  });
  const apt = itemsSum(aptItems);
  const J = integral(m, c.t0, end);
  // the journal at rate jr (bytes a day): capped (vacuumed file by file), or from S on uncapped
  const journal = (jr: number, t: number): number => {
    const capped = (x: number): number => {
      const raw = j0 + jr * J(x);
      return raw <= Mj ? raw : Mj - file + ((raw - Mj) % file);
    };
    return kind === 'fills-journal-uncapped' && t >= S ? capped(S) + jr * (J(t) - J(S)) : capped(t);
  };
  // downloads in /home (in fill variants, those after the story's turn are deleted within 2 days)
  const turnAt = kind === 'fills-apt-clean-removed' ? missed : kind === 'fills-journal-uncapped' ? S : Infinity;
  const dl: Item[] = poisson(d, 1 / d.u(5, 40), c.t0, end).map((t) => {
    const sz = d.u(0.005, 0.06) * size;
    const del = t >= turnAt ? t + d.lu(0.2, 2) * DAY : d.chance(0.8) ? t + d.lu(0.2, 20) * DAY : Infinity;
    return { start: t, ramp: d.lu(5 * MIN, 2 * HOUR), size: sz, del };
  });
  const home = itemsSum(dl);
  const os = (t: number): number => os0 + (osRate * (t - c.t0)) / DAY;
  const aptRate = d.u(0.0003, kind === 'never' ? 0.006 : 0.004) * size;
  let used: (t: number) => number;
  if (kind === 'fills-apt-clean-removed') {
    const other = (t: number): number => os(t) + journal(jr, t) + home(t);
    const s = fillScale(d, size, other, apt, c.t0, c.t0 + F * DAY);
    if (!(s > 0) || s * 30 > 0.5 * size) return null;
    used = (t) => other(t) + s * apt(t);
  } else {
    const other = (t: number): number => os(t) + aptRate * apt(t) + home(t);
    let rate = jr;
    if (kind === 'fills-journal-uncapped') {
      // the rate that brings the uncapped journal to the size on day F (twice: the level at S depends on it)
      const tF = c.t0 + F * DAY, over = d.u(1.003, 1.02);
      rate = (size * over - other(tF) - Mj) / (J(tF) - J(S));
      rate = (size * over - other(tF) - journal(rate, S)) / (J(tF) - J(S));
      if (!(rate > 0) || !Number.isFinite(rate)) return null;
    }
    used = (t) => other(t) + journal(rate, t);
  }
  const calm = kind === 'fills-apt-clean-removed' ? missed : kind === 'fills-journal-uncapped' ? S : end;
  if (maxOf(used, c.t0, calm, 20 * MIN) > (fills ? 0.85 : 0.95) * size) return null;
  if (!fills && !envelopeCalm(used, c.t0, end, size, 35 * DAY)) return null;
  return {
    variant: `${kind}-${zoneName(z)}`, fills, size, days, used,
    fair: (tr) => {
      if (!fills) return true;
      const fc = firstCut(tr);
      if (kind === 'fills-apt-clean-removed' && !(fc >= missed + 7 * DAY && onsetsBeforeFirstCut(tr, cleans.filter((t) => t >= c.t0)) >= 3 && fc - tr.points[0]!.t >= 88 * DAY)) return false;
      if (kind === 'fills-journal-uncapped' && fc < S + 10 * DAY) return false;
      // what happens in /home after the first cut is not foreseeable: nothing that stays, nothing at the fill
      return dl.every((x) => x.start < fc - 3 * DAY || (x.del - x.start <= 3 * DAY && (tr.fillsAt! < x.start || tr.fillsAt! > x.del + HOUR)));
    },
  };
};

/**
 * Volumes that tempt a false alarm and never fill; what tempts is over 2+ days before the 50% cut
 * and no sample comes within 0.5% of the size: near full and stable (a daily logrotate saw), a
 * job's peaks that come within 1.5-8% of the size and do not grow, growth that decays (halving every
 * 2-14 days), an LVM extend at 88-95% with slower growth after, shrinking after a retention change,
 * and a yearly-ish bump partly deleted on a slow trend.
 */
const quietVolumes: Builder = (d, c) => {
  const size = pickSize(d, c);
  const z = pickZone(d);
  const kind = d.pick(['near-full-saw', 'close-fixed-peaks', 'decaying-growth', 'lvm-extended', 'shrinking', 'yearly-bump'] as const);
  let days = d.u(45, 200);
  let over = c.t0;
  let used: (t: number) => number;
  let noise: number | undefined;
  let sizeAt: ((t: number) => number) | undefined;
  const rot = d.int(0, 23) * HOUR;
  const saw = (t: number, a: number): number => (a * (((wall(t, z).ms - rot) % DAY) + DAY) % DAY) / DAY;
  if (kind === 'near-full-saw') {
    noise = d.u(0.0001, 0.0004);
    const a = size * d.u(0.002, 0.01);
    const top = size * d.u(0.955, 0.99) - 4 * noise * size;
    used = (t) => top - a + saw(t, a);
  } else if (kind === 'close-fixed-peaks') {
    const weekly = d.chance(0.4);
    const at = d.int(0, 23) * HOUR + d.pick([0, 15, 30]) * MIN;
    const onsets = localOnsets(c.t0, c.t0 + (days + 2) * DAY, at, z, weekly ? [d.int(0, 6)] : undefined);
    const u0 = d.u(0.2, 0.8) * size;
    const r = d.chance(0.5) ? 0 : -(u0 * d.u(0.01, 0.15)) / days;
    const h = size * d.u(0.92, 0.975) - u0;
    noise = d.u(0.0002, 0.0008);
    const prof = drawProfile(d, c, 30 * MIN, weekly ? 20 * HOUR : 6 * HOUR);
    used = withRuns((t) => u0 + (r * (t - c.t0)) / DAY, onsets.map((t) => ({ at: t, h: h - 0.004 * size * Math.abs(d.g()), p: prof })));
  } else if (kind === 'decaying-growth') {
    const half = d.u(2, 14);
    days = Math.max(days, 11 * half);
    const u0 = d.u(0.05, 0.4) * size, A = (d.u(0.5, 0.93) * size - u0);
    const r = d.chance(0.5) ? 0 : (size - u0 - A) / (days * d.lu(5, 20));
    if (A < 0.1 * size) return null;
    over = c.t0 + 5 * half * DAY;
    used = (t) => u0 + A * (1 - 2 ** (-(t - c.t0) / DAY / half)) + (r * (t - c.t0)) / DAY;
  } else if (kind === 'lvm-extended') {
    const u0 = d.u(0.4, 0.8) * size, atDay = d.u(0.1, 0.4) * days, lvl = d.u(0.88, 0.95) * size;
    if (lvl <= u0) return null;
    const r1 = (lvl - u0) / atDay;
    const big = Math.round((size * d.pick([1.25, 1.5, 2])) / GIB) * GIB;
    const r2 = r1 * d.u(0.05, 0.5);
    if (lvl + r2 * (days - atDay) * 3 > big || big > 4096 * GIB) return null;
    over = c.t0 + atDay * DAY;
    used = (t) => {
      const x = (t - c.t0) / DAY;
      return u0 + r1 * Math.min(x, atDay) + r2 * Math.max(0, x - atDay);
    };
    sizeAt = (t) => (t < over ? size : big);
  } else if (kind === 'shrinking') {
    const up = d.u(3, 15), top = d.u(0.7, 0.93) * size;
    const r0 = (size - top) / d.u(10, 40); // it looked like filling in 10-40 days
    const floor = d.u(0.2, 0.5) * size, rd = size * d.u(0.001, 0.006);
    const a = size * d.u(0, 0.02);
    over = c.t0 + up * DAY;
    used = (t) => {
      const x = (t - c.t0) / DAY;
      const v = x < up ? top - r0 * (up - x) : Math.max(floor, top - rd * (x - up));
      return v + saw(t, a);
    };
  } else {
    const u0 = d.u(0.1, 0.6) * size;
    const r = (size - u0) / (days * d.lu(4, 20));
    const h = d.u(0.05, 0.25) * size, at = c.t0 + d.u(0.05, 0.35) * days * DAY;
    const rise = d.lu(6 * HOUR, 3 * DAY), hold = d.lu(5, 30) * DAY, kept = d.u(0, 0.5);
    if (u0 + r * days + h > 0.93 * size) return null;
    over = at + rise + hold + DAY;
    used = (t) => {
      const x = t - at;
      const b = x <= 0 ? 0 : x < rise ? (h * x) / rise : x < rise + hold ? h : h * kept + h * (1 - kept) * Math.max(0, 1 - (x - rise - hold) / DAY);
      return u0 + (r * (t - c.t0)) / DAY + b;
    };
  }
  return {
    variant: `never-${kind}-${zoneName(z)}`, fills: false, size, days, used, noise, sizeAt,
    fair: (tr) => over + 2 * DAY <= cutsOf(tr)[0]!.cut && tr.points.every((p) => p.used < 0.995 * p.size),
  };
};

const BUILDERS4: Record<Exclude<Family4Name, 'hourly_gib_df'>, Builder> = {
  ci_build_cache: ciBuildCache,
  nightly_db_dump: nightlyDbDump,
  diurnal_runaway: diurnalRunaway,
  monthly_local_first: monthlyLocalFirst,
  gfs_backups: gfsBackups,
  pg_bloat_repack: pgBloatRepack,
  fileshare_office: fileshareOffice,
  rsync_migration: rsyncMigration,
  mail_queue_outage: mailQueueOutage,
  vm_patch_snapshots: vmPatchSnapshots,
  kafka_segments: kafkaSegments,
  root_fs_housekeeping: rootFsHousekeeping,
  quiet_volumes: quietVolumes,
};

/** Shapes hourly_gib_df samples hourly in whole GiB. */
const HOURLY4: ReadonlyArray<Exclude<Family4Name, 'hourly_gib_df'>> = [
  'ci_build_cache', 'nightly_db_dump', 'monthly_local_first', 'gfs_backups', 'pg_bloat_repack', 'fileshare_office',
  'rsync_migration', 'mail_queue_outage', 'vm_patch_snapshots', 'kafka_segments', 'root_fs_housekeeping', 'quiet_volumes',
];

/** 30% of the traces: the sampler is down 1-4 times for 20 min-36 h (variant suffix `-gaps`). */
function withSamplerGaps(build: Builder): Builder {
  return (d, c) => {
    const s = build(d, c);
    if (!s || !d.chance(0.3)) return s;
    const gaps = Array.from({ length: d.int(1, 4) }, (): [number, number] => {
      const a = c.t0 + d.u(0.5, s.days) * DAY;
      return [a, a + d.lu(20 * MIN, 36 * HOUR)];
    });
    const skip0 = s.skip;
    return { ...s, variant: `${s.variant}-gaps`, skip: (t) => (skip0 ? skip0(t) : false) || gaps.some(([a, b]) => t >= a && t < b) };
  };
}

/**
 * One trace of a fourth-set family, deterministic in (name, seed); `name` is
 * `fam4-<family>-<variant>-<seed>`. Throws Error on an unknown family.
 */
export const family4Trace: (name: Family4Name, seed: number) => Trace = traceOf(FAMILY4_NAMES, BUILDERS4, {
  offset: 3000, prefix: 'fam4', hourly: { name: 'hourly_gib_df', shapes: HOURLY4 }, wrap: withSamplerGaps,
});

/** `perFamily` traces of every fourth-set family: seeds seed, seed+1, ... */
export function family4Set(seed: number, perFamily: number): Trace[] {
  return setOf(FAMILY4_NAMES, family4Trace, seed, perFamily);
}

/** Exposed for the sanity tests: local-time helpers of this set. */
export const _local = { wall, localToUtc, patchTuesdays, localMonthly };
