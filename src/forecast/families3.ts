/**
 * A THIRD held-out set of usage-history families (issue 12), written by an author who has not read
 * the model (model.ts, peaks.ts, stats.ts): shapes that neither synth.ts nor families.ts nor
 * families2.ts draw, so that the model can be scored on histories it was never tuned on. Same trace
 * semantics, same fairness rules, same renderer (families.ts `generateTrace`). Pure: no I/O, no clock.
 *
 * - nightly_dump_compress: a nightly job (local time) that dumps, compresses (the need drops to
 *   10-40%), uploads and deletes; its need grows linearly, compounding, or in steps (tenants added).
 * - debug_log_runaway: a daily rotated log (sawtooth) and, from a random working hour, a debug log
 *   that grows exponentially (fills); never: it saturates (logistic) or is switched off and kept.
 * - monthly_close: a month-end (or first business day, first Monday, day N) job in stages over 1-3
 *   days whose need is proportional to the month's length and grows: a 31-day month does not fit.
 * - differential_backups: weekly full, daily cumulative differentials, N fulls kept (the old chain
 *   deleted after the new full is verified); fills when the pruning stops, or when the data grows
 *   until the N+1 chains of the weekly transient no longer fit.
 * - lsm_compaction: live data grows, garbage accumulates, a major compaction every 2-14 days writes
 *   a new copy before dropping the old, minor compactions make a small saw; fills when a major does
 *   not fit or when auto-compaction is switched off.
 * - office_uploads: uploads during working hours on the zone's working days (Mon-Fri or Sun-Thu),
 *   a lunch dip, weekday weights, holidays, a nightly cleanup of part of the day's files.
 * - hourly_gib_coarse: one of the shapes here sampled hourly and rounded to whole GiB.
 * - chunked_bulk_copy: a one-off copy in 1-5 sessions over hours to days on a slow volume: it stays
 *   (fills later at the old rate, or never), or the source on the same volume is deleted after.
 * - image_layers_gc: container image layers pulled at deploys (working hours, at random), a weekly
 *   GC keeping the last M deploys; the images grow until a week's pile does not fit.
 * - tmp_reboot_clean: a leak into a tmp dir cleaned at boot, reboots at random; fills when the
 *   reboots stop (patching paused) and the leak runs on.
 * - three_jobs: jobs every 4-12 h, on some weekdays, and weekly (or twice a week); one of them grows.
 * - mirror_sync: a mirror synced nightly: new packages staged before the superseded ones are
 *   deleted, release days 3-10x larger, the upstream grows; never: slow, or an old release dropped.
 * - tsdb_retention: a metrics TSDB (WAL saw every 2 h, blocks deleted by time); retention disabled
 *   (fills); never: steady, or a new TSDB climbing to its steady state.
 * - false_alarm_bait (never fills): a burst deleted by hand over days, an S-curve to a plateau, an
 *   online resize, a noisy flat volume near full, a cleanup followed by a slowing refill.
 *
 * Time zones, phases, sizes, rates and noise are drawn per trace; a quarter of the traces of every
 * family also have 1-3 sampling gaps of 1-24 h (`-gaps`).
 */
import { cutsOf, type Trace } from './backtest.js';
import { DAY, HOUR } from './linear.js';
import {
  setOf, traceOf, everyPeriod, firstCut, GIB, lastAtOrBefore, MIN, monthlyOnsets, onsetsBeforeFirstCut, pickSize, solve,
  WEEK, type Builder, type Ctx, type Draw, type Shape,
} from './families.js';
import { localOnsets } from './families2.js';

export const FAMILY3_NAMES = [
  'nightly_dump_compress', 'debug_log_runaway', 'monthly_close', 'differential_backups', 'lsm_compaction', 'office_uploads',
  'hourly_gib_coarse', 'chunked_bulk_copy', 'image_layers_gc', 'tmp_reboot_clean', 'three_jobs', 'mirror_sync',
  'tsdb_retention', 'false_alarm_bait',
] as const;
export type Family3Name = (typeof FAMILY3_NAMES)[number];

/** A transient need as a share (0..1) of its height at `dt` ms after the onset, with its length and the time it tops. */
interface Pulse {
  at(dt: number): number;
  /** ms after which it is 0 */
  span: number;
  /** ms after the onset when it first reaches 1 */
  top: number;
}

/** Pulses of given onsets (sorted) and heights on top of a base curve. */
function withPulses(base: (t: number) => number, onsets: readonly number[], heights: readonly number[], p: Pulse): (t: number) => number {
  return (t) => {
    let u = base(t);
    for (let i = lastAtOrBefore(onsets, t); i >= 0 && t - onsets[i]! < p.span; i--) u += heights[i]! * p.at(t - onsets[i]!);
    return u;
  };
}

/** A piecewise-linear pulse through (ms, share) knots starting at (0, 0) and ending at share 0. */
function knots(pts: ReadonlyArray<readonly [number, number]>): Pulse {
  const xs = [0, ...pts.map((p) => p[0])], ys = [0, ...pts.map((p) => p[1])];
  for (let i = 1; i < xs.length; i++) xs[i]! += xs[i - 1]!;
  const span = xs[xs.length - 1]!;
  return {
    span,
    top: xs[ys.indexOf(1)]!,
    at: (dt) => {
      if (dt <= 0 || dt >= span) return 0;
      const i = lastAtOrBefore(xs, dt);
      return ys[i]! + ((ys[i + 1]! - ys[i]!) * (dt - xs[i]!)) / (xs[i + 1]! - xs[i]!);
    },
  };
}

/** Dump (ramp up), verify (hold at the top), compress (down to 10-40%), upload (hold), delete. */
function dumpCompress(d: Draw, c: Ctx): Pulse {
  const ratio = d.u(0.1, 0.4);
  return knots([
    [Math.max(c.minPeakMs / 2, d.lu(15 * MIN, 3 * HOUR)), 1], [Math.max(c.minPeakMs, d.lu(5 * MIN, HOUR)), 1],
    [d.lu(10 * MIN, HOUR), ratio], [d.lu(10 * MIN, 3 * HOUR), ratio], [d.lu(2 * MIN, 10 * MIN), 0],
  ]);
}

/** n stages `gap` ms apart, each adding 1/n over its ramp; the result held, then deleted. */
function stages(d: Draw, c: Ctx, n: number, gap: number): Pulse {
  const pts: Array<[number, number]> = [];
  for (let i = 0; i < n; i++) {
    const ramp = Math.min(gap * 0.8, d.lu(20 * MIN, 3 * HOUR));
    pts.push([ramp, (i + 1) / n]);
    if (i < n - 1) pts.push([gap - ramp, (i + 1) / n]);
  }
  pts.push([Math.max(c.minPeakMs, d.lu(2 * HOUR, 20 * HOUR)), 1], [d.lu(5 * MIN, HOUR), 0]);
  return knots(pts);
}

/**
 * How a job's need grows, as a factor of its need at x = 1 (x: share of the way to the onset that
 * does not fit; x > 1 extrapolates): straight from r0, compounding from r0, or in 4-12 steps (a
 * tenant, a table added) over a 20-50% straight drift, the last step at x <= maxPos.
 */
function needCurve(d: Draw, kind: 'linear' | 'compound' | 'steps', r0: number, maxPos: number): (x: number) => number {
  if (kind === 'linear') return (x) => r0 + (1 - r0) * x;
  if (kind === 'compound') return (x) => r0 ** (1 - x);
  const n = d.int(4, 12);
  const pos = Array.from({ length: n }, () => d.u(0.03, maxPos)).sort((a, b) => a - b);
  const w = pos.map(() => d.u(0.3, 1));
  const tot = w.reduce((a, b) => a + b, 0);
  const drift = d.u(0.2, 0.5);
  return (x) => {
    let s = 0;
    for (let i = 0; i < n && pos[i]! <= x; i++) s += w[i]!;
    return r0 + (1 - r0) * (drift * x + ((1 - drift) * s) / tot);
  };
}

/**
 * A periodic job whose need grows, on a trend (plus `under`, e.g. other jobs). Fill variant: the
 * run on or after day fillDays (drawn) is the first that does not fit (`weight` scales each run,
 * e.g. the month's length: then an earlier run may be the first); never: fixed heights with headroom
 * or growth that would not fit only 3-8 windows on. Fair when `minPeaks` runs precede the first cut.
 */
function growingJob(d: Draw, c: Ctx, o: {
  onsetsFor(end: number): number[]; pulse: Pulse; fillDays: [number, number]; minPeaks: number;
  weight?(t: number): number; under?(t: number): number; size?: number; u0?: number;
}): Shape | null {
  const size = o.size ?? pickSize(d, c);
  const fills = d.chance(0.7);
  const days = fills ? o.fillDays[1] + 20 : d.u(Math.max(o.fillDays[0], 45), Math.max(o.fillDays[1], 60));
  const target = fills ? d.u(o.fillDays[0], o.fillDays[1]) : days * d.lu(3, 8);
  const onsets = o.onsetsFor(c.t0 + (Math.max(target, days) + 40) * DAY);
  const K = onsets.findIndex((t) => t >= c.t0 + target * DAY);
  if (K < 2) return null;
  const u0 = o.u0 ?? d.u(0.1, 0.5) * size;
  const rate = d.chance(0.25) ? 0 : (size - u0) / (target * d.lu(1.5, 10));
  const base = (t: number): number => u0 + (rate * (t - c.t0)) / DAY + (o.under ? o.under(t) : 0);
  const w = (k: number): number => (o.weight ? o.weight(onsets[k]!) : 1);
  const fixed = !fills && d.chance(0.4);
  // steps: the last one 35+ days before the run that does not fit (a step after a cut is not foreseeable)
  const maxPos = 1 - 35 / target;
  const drawn = d.pick(['linear', 'compound', 'steps'] as const);
  const kind = fixed ? 'fixed' : drawn === 'steps' && fills && maxPos < 0.3 ? 'linear' : drawn;
  let heights: number[];
  if (kind === 'fixed') {
    const headroom = 0.95 * size - base(c.t0 + days * DAY);
    if (headroom < 0.05 * size) return null;
    const h = headroom * d.u(0.2, 0.8);
    const wmax = Math.max(...onsets.map((_, k) => w(k)));
    heights = onsets.map((_, k) => (h * w(k)) / wmax);
  } else {
    const hK = ((size - base(onsets[K]! + o.pulse.top)) * d.u(1.003, 1.02)) / w(K);
    if (hK * w(K) > 0.75 * size || hK * w(K) < 0.04 * size) return null;
    const curve = needCurve(d, kind, d.u(0.15, 0.7), fills ? maxPos : 0.97);
    heights = onsets.map((_, k) => hK * curve(k / K) * w(k) * (1 + 0.01 * d.g()));
  }
  const end = c.t0 + days * DAY;
  // never: every run within the window fits (fills: the first run that does not fit may come a
  // little before K, as the jitter of the heights or a longer month has it: that is the fill)
  for (let k = 0; !fills && k < onsets.length && onsets[k]! < end; k++) {
    if (base(onsets[k]! + o.pulse.top) + heights[k]! > 0.95 * size) return null;
  }
  if (fills && base(onsets[0]! + o.pulse.top) + heights[0]! > 0.9 * size) return null;
  return {
    variant: `${fills ? 'fills' : 'never'}-${kind}`, fills, size, days,
    used: withPulses(base, onsets, heights, o.pulse),
    fair: (tr) => !fills || onsetsBeforeFirstCut(tr, onsets) >= o.minPeaks,
  };
}

const tzOf = (h: number): { rule: 'none'; std: number } => ({ rule: 'none', std: h });

const nightlyDumpCompress: Builder = (d, c) => {
  const tz = d.int(-8, 10);
  const at = d.pick([20, 21, 22, 23, 0, 1, 2, 3, 4]) * HOUR + d.pick([0, 5, 15, 30, 45]) * MIN;
  const pulse = dumpCompress(d, c);
  if (pulse.span > 20 * HOUR) return null;
  const s = growingJob(d, c, { onsetsFor: (end) => localOnsets(c.t0, end, at, tzOf(tz)), pulse, fillDays: [20, 160], minPeaks: 7 });
  return s && { ...s, variant: `${s.variant}-utc${tz}` };
};

/** The first or last working day (Mon-Fri) of every month, or its first Monday, at local ms of day. */
function monthlyWorkday(t0: number, end: number, which: 'first' | 'last' | 'monday', ms: number, tz: number): number[] {
  const out: number[] = [];
  for (const m of monthlyOnsets(t0 - 40 * DAY, end + 40 * DAY, 1, 0)) {
    const s = new Date(m);
    const dim = new Date(Date.UTC(s.getUTCFullYear(), s.getUTCMonth() + 1, 0)).getUTCDate();
    let day = which === 'last' ? dim : 1;
    const ok = (x: number): boolean => {
      const dow = new Date(Date.UTC(s.getUTCFullYear(), s.getUTCMonth(), x)).getUTCDay();
      return which === 'monday' ? dow === 1 : dow !== 0 && dow !== 6;
    };
    while (!ok(day)) day += which === 'last' ? -1 : 1;
    const t = Date.UTC(s.getUTCFullYear(), s.getUTCMonth(), day) + ms - tz * HOUR;
    if (t >= t0 && t < end) out.push(t);
  }
  return out;
}

const daysInMonthOf = (t: number): number => {
  const s = new Date(t - 15 * DAY); // the month the job closes (a first-day job closes the month before)
  return new Date(Date.UTC(s.getUTCFullYear(), s.getUTCMonth() + 1, 0)).getUTCDate();
};

const monthlyClose: Builder = (d, c) => {
  const tz = d.int(-8, 10);
  const which = d.pick(['last', 'last', 'first', 'monday', 'day'] as const);
  const day = d.pick([1, 2, 5, 10, 25, 28]);
  const at = d.int(0, 22) * HOUR + d.pick([0, 0, 30]) * MIN;
  const n = d.int(1, 3);
  const pulse = stages(d, c, n, d.u(4, 24) * HOUR);
  const onsetsFor = (end: number): number[] =>
    which === 'day' ? monthlyOnsets(c.t0, end, day, at).map((t) => t - tz * HOUR).filter((t) => t >= c.t0) : monthlyWorkday(c.t0, end, which, at, tz);
  const s = growingJob(d, c, { onsetsFor, pulse, fillDays: [100, 330], minPeaks: 3, weight: (t) => daysInMonthOf(t) / 30.44 });
  return s && { ...s, variant: `${s.variant}-${which === 'day' ? `day${day}` : which}-${n}stage` };
};

/**
 * Weekly full at local hh on one weekday, cumulative differentials every other day (the j-th holds
 * churn·j^beta of the full), N fulls kept: a chain is deleted once the (N)-th newer full is written
 * and verified. Variants: fills-pruning-stops (from week B the prune step fails, 2+ weeks before the
 * first cut), fills-growth (the data grows until the N+1 chains of the weekly transient do not fit),
 * never.
 */
const differentialBackups: Builder = (d, c) => {
  const size = pickSize(d, c);
  const tz = d.int(-8, 10);
  const N = d.int(1, 5);
  const kind = d.pick(['never', 'never', 'stops', 'stops', 'growth', 'growth', 'growth'] as const);
  const fills = kind !== 'never';
  const fullAt = d.int(0, 5) * HOUR + d.pick([0, 15, 30]) * MIN;
  const dow = d.int(0, 6);
  const churn = d.u(0.01, 0.08), beta = d.u(0.6, 1);
  const fullRamp = Math.max(c.minPeakMs / 2, d.lu(30 * MIN, 6 * HOUR));
  const verify = Math.max(c.minPeakMs, d.lu(10 * MIN, 3 * HOUR));
  const diffRamp = d.lu(5 * MIN, HOUR);
  const diffShift = d.u(-2, 4) * HOUR;
  const gw = kind === 'growth' ? d.u(0.01, 0.05) : d.u(0, 0.008);
  const b0 = d.u(0.03, 0.3) * size;
  const brate = d.chance(0.5) ? 0 : (size * d.u(0.01, 0.1)) / 365;
  const base = (t: number): number => b0 + (brate * (t - c.t0)) / DAY;
  const B = d.int(2, 8), n = d.int(4, 16);
  const T = kind === 'growth' ? d.u(45, 250) : 0;
  const days0 = fills ? 420 : d.u(50, 150);
  const fulls = localOnsets(c.t0 - (N + 2) * WEEK, c.t0 + (days0 + 14) * DAY, fullAt, tzOf(tz), [dow]);
  const w0 = fulls.findIndex((t) => t >= c.t0);
  const chains = fulls.map((start, i) => ({ start, full: Math.max(0.2, 1 + gw * (i - w0)), del: Infinity }));
  chains.forEach((ch, i) => {
    const by = chains[i + N];
    if (by && (kind !== 'stops' || i + N - w0 < B)) ch.del = by.start + fullRamp + verify;
  });
  const diffs = [1, 2, 3, 4, 5, 6].map((j) => churn * j ** beta);
  const unit = (t: number): number => {
    let u = 0;
    for (let i = lastAtOrBefore(fulls, t); i >= 0; i--) {
      const ch = chains[i]!;
      if (t >= ch.del) continue;
      u += ch.full * Math.min(1, (t - ch.start) / fullRamp);
      for (let j = 1; j <= 6; j++) {
        const s = ch.start + j * DAY + diffShift;
        if (t >= s) u += ch.full * diffs[j - 1]! * Math.min(1, (t - s) / diffRamp);
      }
    }
    return u;
  };
  let f0: number, days: number, breakAt = -Infinity;
  if (fills) {
    const K = kind === 'growth' ? fulls.findIndex((t) => t >= c.t0 + T * DAY) : w0 + B + n;
    if (K < 0 || K >= fulls.length) return null;
    const tp = fulls[K]! + fullRamp;
    f0 = (size * d.u(1.003, 1.02) - base(tp)) / unit(tp);
    const early = fulls[kind === 'growth' ? w0 : Math.max(w0, w0 + B - 1)]! + fullRamp;
    if (f0 <= 0 || base(early) + f0 * unit(early) > 0.85 * size) return null;
    days = (tp - c.t0) / DAY + 30;
    breakAt = kind === 'stops' ? fulls[w0 + B]! : -Infinity;
  } else {
    days = days0;
    let top = 0;
    for (let t = c.t0; t < c.t0 + days * DAY; t += 20 * MIN) top = Math.max(top, unit(t));
    f0 = ((0.93 * size - base(c.t0 + days * DAY)) * d.u(0.3, 1)) / top;
    if (f0 <= 0.02 * size) return null;
  }
  return {
    variant: `${kind === 'never' ? 'never' : kind === 'stops' ? 'fills-pruning-stops' : 'fills-growth'}-keep${N}`, fills, size, days,
    used: (t) => base(t) + f0 * unit(t),
    fair: (tr) => !fills || (firstCut(tr) >= breakAt + 2 * WEEK && onsetsBeforeFirstCut(tr, fulls.slice(w0)) >= 3),
  };
};

/**
 * Live data grows; garbage (overwritten rows, tombstones) accumulates at w·live a day; a major
 * compaction every 2-14 days at local night writes a new copy (as large as the live data, taking
 * longer as it grows), holds it, then drops the old copy and the garbage; minor compactions add a
 * small saw. Fills: a major compaction does not fit, or auto-compaction is switched off (2+ weeks
 * before the first cut, after 2+ majors) and the garbage piles up. Never: headroom.
 */
const lsmCompaction: Builder = (d, c) => {
  const size = pickSize(d, c);
  const kind = d.pick(['major', 'major', 'major', 'off', 'off', 'never', 'never', 'never'] as const);
  const fills = kind !== 'never';
  const tz = d.int(-8, 10);
  const P = d.pick([2, 3, 7, 7, 14]) * DAY;
  const at = d.int(0, 5) * HOUR;
  const days0 = fills ? 320 : d.u(50, 150);
  const first = localOnsets(c.t0, c.t0 + P + DAY, at, tzOf(tz))[0]!;
  let onsets = everyPeriod(first, P, c.t0 + (days0 + 20) * DAY);
  const base = d.u(0.02, 0.2) * size;
  const L0 = d.u(0.05, 0.3) * size;
  const w = d.u(0.01, 0.1);
  const dur0 = Math.max(c.minPeakMs / 2, d.lu(20 * MIN, 4 * HOUR));
  const hold = Math.max(c.minPeakMs, d.lu(5 * MIN, HOUR));
  const minorP = d.lu(HOUR, 8 * HOUR), minorA = d.u(0.002, 0.01), minorPh = d.u(0, minorP);
  let rl: number, days: number, off = Infinity;
  const over = d.u(1.005, 1.03);
  if (kind === 'major' || kind === 'never') {
    const target = kind === 'major' ? d.u(25, 300) : days0 * d.lu(3, 8);
    const K = onsets.findIndex((t) => t >= c.t0 + target * DAY);
    const tK = K >= 0 ? onsets[K]! : c.t0 + target * DAY;
    if (K >= 0 && K < 3) return null;
    const LK = (size * over - base) / (2 + (w * (P - hold)) / DAY);
    rl = ((LK - L0) * DAY) / (tK - c.t0);
    days = kind === 'major' ? (tK - c.t0) / DAY + 30 : days0;
  } else {
    const S = d.u(10, 60);
    off = c.t0 + S * DAY;
    onsets = onsets.filter((t) => t < off);
    if (onsets.length < 2) return null;
    rl = (L0 * d.u(0, 0.5)) / 365;
    const F = S + d.u(20, 150);
    const lastEnd = onsets[onsets.length - 1]! + 1.5 * dur0 + hold;
    const liveF = L0 + rl * F;
    const wf = (size * over - base - liveF) / ((liveF * (c.t0 + F * DAY - lastEnd)) / DAY);
    if (!(wf > 0) || wf > 0.5) return null;
    // the garbage rate switches to wf from the start (it was there before, hidden by the compactions)
    return lsmShape(c, { kind, size, base, L0, rl, w: wf, P, dur0, hold, onsets, minor: [minorP, minorA, minorPh], days: F + 30, off });
  }
  if (rl <= 0 || (kind === 'major' && L0 > 0.85 * (L0 + (rl * (days - 30)) ))) return null;
  return lsmShape(c, { kind, size, base, L0, rl, w, P, dur0, hold, onsets, minor: [minorP, minorA, minorPh], days, off });
};

function lsmShape(c: Ctx, o: {
  kind: string; size: number; base: number; L0: number; rl: number; w: number; P: number; dur0: number; hold: number;
  onsets: number[]; minor: [number, number, number]; days: number; off: number;
}): Shape | null {
  const live = (t: number): number => o.L0 + (o.rl * (t - c.t0)) / DAY;
  const dur = (t: number): number => Math.min(o.P / 3, o.dur0 * Math.max(1, live(t) / o.L0));
  const fills = o.kind !== 'never';
  const used = (t: number): number => {
    const i = lastAtOrBefore(o.onsets, t);
    const L = live(t);
    let since = c.t0 - (o.P / 2);
    let extra = 0;
    if (i >= 0) {
      const on = o.onsets[i]!, du = dur(on);
      const endI = on + du + o.hold;
      if (t < endI) {
        extra = L * Math.min(1, (t - on) / du);
        since = i > 0 ? o.onsets[i - 1]! + dur(o.onsets[i - 1]!) + o.hold : c.t0 - o.P / 2;
      } else since = endI;
    }
    const [mp, ma, mph] = o.minor;
    return o.base + L + (o.w * L * (t - since)) / DAY + extra + ma * L * (((t - c.t0 + mph) % mp) / mp);
  };
  const end = c.t0 + o.days * DAY;
  if (!fills || o.kind === 'off') {
    // the compactions in the window (before switching off) fit
    for (const on of o.onsets) if (on < end && used(on + dur(on) + o.hold - 1) > (fills ? 0.9 : 0.95) * o.size) return null;
  }
  return {
    variant: o.kind === 'never' ? 'never' : o.kind === 'off' ? 'fills-autocompaction-off' : 'fills-major',
    fills, size: o.size, days: o.days, used,
    fair: (tr) => !fills || (o.kind === 'off' ? firstCut(tr) >= o.off + 2 * WEEK : onsetsBeforeFirstCut(tr, o.onsets) >= 3),
  };
}

/**
 * Uploads during local working hours (with a lunch dip) on the zone's working days, each weekday
 * its own weight, day-to-day jitter, 1-2 holidays (before the first cut in the fill variant), and
 * a nightly cleanup removing 5-40% of the previous day's uploads (or none).
 */
const officeUploads: Builder = (d, c) => {
  const size = pickSize(d, c);
  const tz = d.int(-8, 10);
  const work = d.chance(0.2) ? [0, 1, 2, 3, 4] : [1, 2, 3, 4, 5];
  const sH = d.pick([7, 8, 8, 9, 9, 10]), eH = d.pick([16, 17, 18, 18, 19, 20]);
  const dowW = [0, 1, 2, 3, 4, 5, 6].map(() => d.u(0.6, 1.4));
  const q = d.chance(0.5) ? 0 : d.u(0.05, 0.4);
  const cleanAt = d.pick([1, 2, 3]) * HOUR;
  const fills = d.chance(0.7);
  const days = fills ? 230 : d.u(45, 150);
  const target = fills ? d.u(25, 200) : days * d.lu(3, 8);
  const u0 = d.u(0.1, 0.6) * size;
  const day0 = Math.floor((c.t0 + tz * HOUR) / DAY) * DAY - tz * HOUR; // local midnight before t0 (UTC ms)
  const nd = Math.ceil(days) + 3;
  const hol = new Set<number>();
  for (let k = d.int(1, 2); k > 0; k--) {
    const a = Math.floor(fills ? d.u(0, Math.max(1, target - 45)) : d.u(0, days)), len = d.int(3, 12);
    for (let i = a; i < a + len; i++) hol.add(i);
  }
  const holEnd = c.t0 + (Math.max(-1, ...hol) + 1) * DAY;
  const A = Array.from({ length: nd }, (_, i) => {
    const dow = new Date(day0 + tz * HOUR + i * DAY + HOUR).getUTCDay();
    return work.includes(dow) && !hol.has(i) ? dowW[dow]! * Math.max(0.2, 1 + 0.15 * d.g()) : 0;
  });
  const pre = [0];
  for (const a of A) pre.push(pre[pre.length - 1]! + a);
  const dens = (h: number): number => (h >= sH && h < eH ? (h >= 12 && h < 13 ? 0.3 : 1) : 0);
  const W = Array.from({ length: 24 }, (_, h) => dens(h)).reduce((a, b) => a + b, 0);
  const frac = (ms: number): number => {
    let s = 0;
    for (let h = 0; h < 24 && h * HOUR < ms; h++) s += dens(h) * Math.min(1, (ms - h * HOUR) / HOUR);
    return s / W;
  };
  const unit = (t: number): number => {
    const i = Math.min(nd - 1, Math.max(0, Math.floor((t - day0) / DAY)));
    const tau = t - day0 - i * DAY;
    const cleaned = i >= 1 ? pre[i - 1]! + (tau >= cleanAt ? A[i - 1]! : 0) : 0;
    return pre[i]! + A[i]! * frac(tau) - q * cleaned;
  };
  let scale: number;
  if (fills) {
    let top = 0;
    const last = A.findIndex((a, i) => i >= target && a > 0);
    if (last < 0) return null;
    for (let i = 0; i <= last; i++) top = Math.max(top, unit(day0 + i * DAY + eH * HOUR));
    scale = ((size - u0) * d.u(1.002, 1.01)) / top;
  } else {
    const perDay = (pre[nd]! * (1 - q)) / nd;
    scale = (size - u0) / (perDay * target);
    if (u0 + scale * unit(c.t0 + days * DAY) > 0.93 * size) return null;
  }
  return {
    variant: `${fills ? 'fills' : 'never'}-utc${tz}${work[0] === 0 ? '-sun-thu' : ''}${q ? '-cleanup' : ''}`, fills, size, days,
    used: (t) => u0 + scale * unit(t),
    fair: (tr) => !fills || firstCut(tr) >= holEnd + 3 * DAY,
  };
};

/** A one-off copy of 10-50% of the size in 1-5 sessions over up to 10 days, on a slow or flat volume. */
const chunkedBulkCopy: Builder = (d, c) => {
  const size = pickSize(d, c);
  const kind = d.pick(['fills', 'fills', 'fills', 'never-slow', 'never-flat', 'never-moved', 'never-moved'] as const);
  const fills = kind === 'fills';
  // drawn from the moment the copy starts: used then, the copy's share of the free space, the
  // days of history before it and (fills) the days the old rate then takes to fill what is left
  const usedAt = d.u(0.1, 0.5) * size;
  const B = (0.92 * size - usedAt) * d.u(0.15, 0.8);
  const days = fills ? 0 : d.u(45, 150);
  const A = fills ? d.u(8, 120) : d.u(0.08, 0.3) * days;
  const G = d.u(20, 200);
  const r = fills ? (size * d.u(1.0, 1.005) - usedAt - B) / G : kind === 'never-flat' ? 0 : (size - usedAt - B) / (days * d.lu(3, 10));
  const u0 = usedAt - r * A;
  if (u0 < 0.02 * size) return null;
  const at = c.t0 + A * DAY;
  const n = d.int(1, 5);
  const span = n === 1 ? 0 : d.lu(0.2, 10) * DAY;
  const starts = Array.from({ length: n }, (_, i) => (i === 0 ? at : at + d.u(0, span))).sort((a, b) => a - b);
  const lens = starts.map(() => d.lu(0.5 * HOUR, 12 * HOUR));
  const ws = starts.map(() => d.u(0.2, 1));
  const tot = ws.reduce((a, b) => a + b, 0);
  const copied = (t: number): number => starts.reduce((s, st, i) => s + ((B * ws[i]!) / tot) * Math.min(1, Math.max(0, (t - st) / lens[i]!)), 0);
  const done = Math.max(...starts.map((s, i) => s + lens[i]!));
  const delAt = done + d.u(1, 7) * DAY, delLen = d.lu(10 * MIN, 6 * HOUR), delShare = d.u(0.9, 1.05);
  const end = kind === 'never-moved' ? delAt + delLen : done;
  return {
    variant: `${kind}-${n}session${n > 1 ? 's' : ''}`, fills, size, days: fills ? (done - c.t0) / DAY + G + 30 : days,
    used: (t) => u0 + (r * (t - c.t0)) / DAY + copied(t) - (kind === 'never-moved' ? B * delShare * Math.min(1, Math.max(0, (t - delAt) / delLen)) : 0),
    fair: (tr) => (fills ? firstCut(tr) >= done + 3 * DAY : end + 2 * DAY <= cutsOf(tr)[0]!.cut),
  };
};

/**
 * Container image layers pulled at deploys (Poisson, local working hours on weekdays) and a weekly
 * GC at a local hour that keeps the layers of the last M deploys. Fill: the images grow (x1.5-4 by
 * the GC that does not fit); never: constant images with headroom.
 */
const imageLayersGc: Builder = (d, c) => {
  const size = pickSize(d, c);
  const fills = d.chance(0.75);
  const tz = d.int(-8, 10);
  const days = fills ? 260 : d.u(45, 150);
  const target = d.u(30, 200);
  const lambda = d.u(1, 6);
  const M = d.int(3, 15);
  const growth = fills ? d.u(2, 5) : 1;
  const day0 = Math.floor((c.t0 + tz * HOUR) / DAY) * DAY - tz * HOUR;
  const T: number[] = [], Z: number[] = [0];
  for (let i = 0; i < days + 2; i++) {
    const dow = new Date(day0 + tz * HOUR + i * DAY + HOUR).getUTCDay();
    if (dow === 0 || dow === 6) continue;
    const times: number[] = [];
    for (let x = -Math.log(d.u(1e-9, 1)) / lambda; x < 1; x += -Math.log(d.u(1e-9, 1)) / lambda) times.push(day0 + i * DAY + (9 + 9 * x) * HOUR);
    for (const t of times) {
      T.push(t);
      const x = (t - c.t0) / DAY / target;
      Z.push(Z[Z.length - 1]! + Math.exp(0.25 * d.g()) * (1 + (growth - 1) * x));
    }
  }
  const gcDow = d.int(0, 6);
  const gcs = localOnsets(c.t0, c.t0 + (days + 2) * DAY, d.int(0, 6) * HOUR, tzOf(tz), [gcDow]);
  const keep0 = M * d.u(0.5, 1.5); // the history opens some days after a GC: kept images
  const unit = (t: number): number => {
    const jt = lastAtOrBefore(T, t);
    const g = lastAtOrBefore(gcs, t);
    const from = g < 0 ? 0 : Math.max(0, lastAtOrBefore(T, gcs[g]!) - M + 1);
    return (g < 0 ? keep0 : 0) + Z[jt + 1]! - Z[from]!;
  };
  const u0 = d.u(0.05, 0.4) * size;
  const r = d.chance(0.5) ? 0 : (size * d.u(0.01, 0.1)) / 365;
  const base = (t: number): number => u0 + (r * (t - c.t0)) / DAY;
  const pre = gcs.map((g) => unit(g - 1));
  let scale: number;
  if (fills) {
    const K = gcs.findIndex((g) => g >= c.t0 + target * DAY);
    if (K < 3) return null;
    scale = (size * d.u(1.003, 1.02) - base(gcs[K]!)) / pre[K]!;
    // the images' growth decides the fill, not one busy week: the weeks before the last three fit
    for (let k = 0; k < K - 3; k++) if (base(gcs[k]!) + scale * pre[k]! > 0.995 * size) return null;
    if (base(gcs[0]!) + scale * pre[0]! > 0.75 * size) return null;
  } else {
    const top = Math.max(...pre.filter((_, k) => gcs[k]! < c.t0 + days * DAY), unit(c.t0 + days * DAY));
    scale = ((0.92 * size - base(c.t0 + days * DAY)) * d.u(0.3, 1)) / top;
    if (scale <= 0) return null;
  }
  return {
    variant: `${fills ? 'fills' : 'never'}-keep${M}`, fills, size, days: fills ? Math.min(days, target + 40) : days,
    used: (t) => base(t) + scale * unit(t),
    fair: (tr) => !fills || onsetsBeforeFirstCut(tr, gcs) >= 3,
  };
};

/**
 * A service leaks files into a tmp dir cleaned at boot; reboots come at random (3-60 days apart);
 * services recreate a floor of tmp files within half an hour of a boot (the sampler misses a few
 * minutes). Fill: the reboots stop (patching paused) and the leak runs on; never: they go on.
 */
const tmpRebootClean: Builder = (d, c) => {
  const size = pickSize(d, c);
  const fills = d.chance(0.6);
  const u0 = d.u(0.1, 0.5) * size;
  const floor = d.u(0, 0.03) * size;
  const r = d.chance(0.5) ? 0 : (size * d.u(0.005, 0.05)) / 365;
  const reboots: number[] = [];
  let leak: number, days: number, last: number;
  if (fills) {
    const D = d.u(35, 150);
    const m = d.u(3, 0.5 * D);
    const L = d.u(10, 90);
    last = c.t0 + L * DAY;
    for (let t = last; t > c.t0 - 2 * m * DAY; t -= Math.min(0.8 * D, d.u(0.3, 1.7) * m) * DAY) reboots.unshift(t);
    leak = (size * d.u(1.0, 1.01) - u0 - floor - r * (L + D)) / D;
    days = L + D + 30;
  } else {
    days = d.u(50, 150);
    const m = d.u(3, 30);
    for (let t = c.t0 - d.u(0, m) * DAY; t < c.t0 + days * DAY; t += d.u(0.3, 1.7) * m * DAY) reboots.push(t);
    last = reboots[reboots.length - 1]!;
    const gaps = reboots.map((t, i) => (reboots[i + 1] ?? c.t0 + days * DAY) - t);
    // a cycle uses at most 45% of the room, and the leak alone would not fill it within the window
    leak = ((0.92 * size - u0 - floor - r * days) * d.u(0.3, 0.9)) / Math.max((2 * Math.max(...gaps)) / DAY, days);
  }
  if (!(leak > 0)) return null;
  const down = d.u(2, 15) * MIN;
  return {
    variant: `${fills ? 'fills-reboots-stop' : 'never'}`, fills, size, days,
    used: (t) => {
      const i = lastAtOrBefore(reboots, t);
      const since = i < 0 ? t - reboots[0]! + 1 : t - reboots[i]!;
      return u0 + (r * (t - c.t0)) / DAY + floor * Math.min(1, since / (30 * MIN)) + (leak * since) / DAY;
    },
    skip: (t) => {
      const i = lastAtOrBefore(reboots, t);
      return i >= 0 && t - reboots[i]! < down;
    },
    fair: (tr) => !fills || firstCut(tr) >= last + 2 * DAY,
  };
};

/**
 * Three jobs: one every 4, 6, 8 or 12 h, one daily on some weekdays (local), one weekly or twice a
 * week; one of them (drawn) grows, the others keep fixed needs.
 */
const threeJobs: Builder = (d, c) => {
  const size = pickSize(d, c);
  const tz = d.int(-8, 10);
  const pA = d.pick([4, 6, 8, 12]) * HOUR;
  const daysB = d.pick([[1, 2, 3, 4, 5], [1, 3, 5], [2, 4], [0, 6], [1, 2, 3, 4, 5, 6]]);
  const daysC = d.chance(0.5) ? [d.int(0, 6)] : [1, 4];
  const atB = d.int(0, 23) * HOUR + d.pick([0, 30]) * MIN, atC = d.int(0, 23) * HOUR;
  const jobs = [
    { onsetsFor: (end: number) => everyPeriod(c.t0 + d.u(0, pA), pA, end), pulse: knots([[Math.max(c.minPeakMs / 2, d.lu(10 * MIN, HOUR)), 1], [Math.max(c.minPeakMs, d.lu(5 * MIN, HOUR)), 1], [d.lu(2 * MIN, 20 * MIN), 0]]), fillDays: [20, 150] as [number, number], minPeaks: 20 },
    { onsetsFor: (end: number) => localOnsets(c.t0, end, atB, tzOf(tz), daysB), pulse: dumpCompress(d, c), fillDays: [25, 160] as [number, number], minPeaks: 2 * daysB.length + 1 },
    { onsetsFor: (end: number) => localOnsets(c.t0, end, atC, tzOf(tz), daysC), pulse: stages(d, c, 1, DAY), fillDays: [45, 200] as [number, number], minPeaks: 3 * daysC.length },
  ];
  const g = d.int(0, 2);
  const u0 = d.u(0.1, 0.4) * size;
  const fixedPeaks = jobs.filter((_, i) => i !== g).map((j) => {
    const on = j.onsetsFor(c.t0 + 420 * DAY);
    const h = size * d.u(0.03, 0.15);
    return { on, h, pulse: j.pulse };
  });
  const under = fixedPeaks.reduce<(t: number) => number>((f, p) => withPulses(f, p.on, p.on.map(() => p.h * (1 + 0.02 * d.g())), p.pulse), () => 0);
  const s = growingJob(d, c, { ...jobs[g]!, under, size, u0 });
  return s && { ...s, variant: `${s.variant}-grows-${['every', 'weekdays', 'weekly'][g]}${g === 0 ? `${pA / HOUR}h` : ''}` };
};

/**
 * A package mirror synced nightly (local hh): the night's new packages are staged, then the
 * superseded ones (20-70% of them) deleted; release days bring 3-10x more; the upstream grows.
 * Fill: a night's staging does not fit; never: slow, or an old release dropped (before the 50% cut).
 */
const mirrorSync: Builder = (d, c) => {
  const size = pickSize(d, c);
  const kind = d.pick(['fills', 'fills', 'fills', 'never', 'never-pruned'] as const);
  const fills = kind === 'fills';
  const tz = d.int(-8, 10);
  const days = fills ? 260 : d.u(45, 150);
  const target = fills ? d.u(25, 200) : days * d.lu(3, 8);
  const on = localOnsets(c.t0, c.t0 + (days + 2) * DAY, d.int(0, 6) * HOUR + d.pick([0, 15, 30]) * MIN, tzOf(tz));
  const relDow = d.int(1, 5), relF = d.u(3, 10);
  const gd = d.u(0, 0.01);
  const s = d.u(0.2, 0.7);
  const delta = on.map((t, n) => (1 + gd * n) * (new Date(t + tz * HOUR).getUTCDay() === relDow ? relF : 1) * Math.exp(0.3 * d.g()));
  const net = [0];
  for (const x of delta) net.push(net[net.length - 1]! + x * (1 - s));
  const ramp = Math.max(c.minPeakMs / 2, d.lu(20 * MIN, 3 * HOUR)), hold = Math.max(c.minPeakMs, d.lu(5 * MIN, 40 * MIN));
  const unit = (t: number): number => {
    const i = lastAtOrBefore(on, t);
    if (i < 0) return 0;
    const dt = t - on[i]!;
    return net[i]! + (dt < ramp + hold ? delta[i]! * Math.min(1, dt / ramp) : delta[i]! * (1 - s));
  };
  const u0 = d.u(0.2, 0.7) * size;
  const peaks = on.map((t, i) => net[i]! + delta[i]!);
  let scale: number;
  const pruneAt = c.t0 + d.u(0.1, 0.35) * days * DAY, prune = d.u(0.2, 0.5);
  if (fills) {
    const K = on.findIndex((t) => t >= c.t0 + target * DAY);
    if (K < 14) return null;
    scale = (size * d.u(1.003, 1.02) - u0) / Math.max(...peaks.slice(0, K + 1));
    if (u0 + scale * peaks[0]! > 0.8 * size) return null;
  } else {
    scale = (size - u0) / (((net[on.length]! / on.length) * target));
    if (u0 + scale * Math.max(...peaks) > 0.95 * size) return null;
  }
  const used = (t: number): number => {
    const u = u0 + scale * unit(t);
    return kind === 'never-pruned' && t >= pruneAt ? u - prune * (u0 + scale * unit(pruneAt)) * Math.min(1, (t - pruneAt) / HOUR) : u;
  };
  return {
    variant: kind, fills, size, days, used,
    fair: (tr) => !fills || onsetsBeforeFirstCut(tr, on) >= 14,
  };
};

/**
 * A Prometheus-style TSDB: a WAL saw every 2 h, blocks deleted by time (retention R, in blocks of
 * R/10), ingestion growing 0-0.5 %/day. Fill: retention is disabled (an upgrade dropped the flag)
 * 2+ weeks before the first cut; never: steady, or a NEW TSDB climbing to its steady state
 * (reached 3+ days before the 50% cut).
 */
const tsdbRetention: Builder = (d, c) => {
  const size = pickSize(d, c);
  const kind = d.pick(['fills', 'fills', 'fills', 'fills', 'never', 'never-new', 'never-new'] as const);
  const fills = kind === 'fills';
  const R = d.u(7, 40);
  const blk = Math.max(2 * HOUR, (R * DAY) / 10);
  const gv = d.u(0, 0.005);
  const ph = d.u(0, blk), walPh = d.u(0, 2 * HOUR), walF = d.u(1, 3);
  const V = (t: number): number => {
    const x = (t - c.t0) / DAY;
    return x + (gv * x * x) / 2;
  };
  const oldest = (t: number): number => Math.floor((t - R * DAY - ph) / blk) * blk + ph;
  const u0 = d.u(0.02, 0.3) * size;
  let v: number, days: number, off = Infinity, start = -Infinity;
  if (fills) {
    const S = d.u(7, 60), F = S + d.u(20, 200);
    off = c.t0 + S * DAY;
    days = F + 30;
    v = (size * d.u(1.0, 1.01) - u0) / (V(c.t0 + F * DAY) - V(oldest(off)));
    if (u0 + v * (V(off) - V(oldest(off))) > 0.8 * size) return null;
  } else {
    if (kind === 'never-new') start = c.t0 + d.u(0, 20) * DAY;
    days = Math.max(d.u(50, 150), kind === 'never-new' ? (2.1 * (start - c.t0 + R * DAY + blk + Math.max(7 * DAY, 3 * blk))) / DAY : 0);
    const end = c.t0 + days * DAY;
    v = ((0.9 * size - u0) * d.u(0.4, 1)) / (V(end) - V(oldest(end) - blk) + (walF * 2) / 24);
  }
  return {
    variant: `${kind === 'fills' ? 'fills-retention-off' : kind}-${Math.round(R)}d`, fills, size, days,
    used: (t) => {
      if (t < start) return u0;
      const from = Math.max(start, t < off ? oldest(t) : oldest(off));
      const rate = v * (1 + gv * ((t - c.t0) / DAY));
      return u0 + v * (V(t) - V(from)) + rate * walF * ((((t - c.t0 + walPh) % (2 * HOUR)) + 0) / DAY);
    },
    // never-new: at its steady state (a saw of period blk) for a week and 3 deletions before the 50% cut
    fair: (tr) => (fills ? firstCut(tr) >= off + 2 * WEEK : kind !== 'never-new' || start + R * DAY + blk + Math.max(7 * DAY, 3 * blk) <= cutsOf(tr)[0]!.cut),
  };
};

/** Never-filling shapes that tempt a false alarm; what tempts is over 2+ days before the 50% cut. */
const falseAlarmBait: Builder = (d, c) => {
  const size = pickSize(d, c);
  const kind = d.pick(['burst-slow-delete', 's-curve', 'online-resize', 'noisy-flat', 'cleanup-refill'] as const);
  const days = d.u(40, 150);
  const half = c.t0 + 0.5 * days * DAY;
  const at = c.t0 + d.u(0.1, 0.3) * days * DAY;
  const r = d.chance(0.5) ? 0 : (size * d.u(0.005, 0.05)) / 365;
  let used: (t: number) => number, over: number, noise: number | undefined, sizeAt: ((t: number) => number) | undefined;
  if (kind === 'burst-slow-delete') {
    const u0 = d.u(0.1, 0.6) * size;
    const h = (0.9 * size - u0) * d.u(0.5, 0.97);
    const rise = d.lu(HOUR, 2 * DAY), hold = d.lu(HOUR, 3 * DAY);
    const batches = d.int(2, 8), gap = d.lu(2 * HOUR, DAY), keep = d.u(0, 0.2);
    over = at + rise + hold + batches * gap;
    used = (t) => {
      const x = t - at;
      let u = u0 + (r * (t - c.t0)) / DAY;
      if (x <= 0) return u;
      u += h * Math.min(1, x / rise);
      if (x > rise + hold) u -= h * (1 - keep) * Math.min(1, Math.ceil((x - rise - hold) / gap) / batches);
      return u;
    };
  } else if (kind === 's-curve') {
    const u0 = d.u(0.05, 0.4) * size, top = d.u(0.6, 0.9) * size;
    const k = d.u(0.3, 2); // per day
    const mid = at;
    over = mid + (Math.log(99) / k) * DAY; // 99% of the way
    used = (t) => u0 + (top - u0) / (1 + Math.exp((-k * (t - mid)) / DAY)) + (r * (t - c.t0)) / DAY;
  } else if (kind === 'online-resize') {
    const u0 = d.u(0.6, 0.85) * size;
    const r1 = (d.u(0.9, 0.97) * size - u0) / ((at - c.t0) / DAY);
    const big = Math.round((size * d.pick([1.2, 1.25, 1.5, 2])) / GIB) * GIB;
    const r2 = (big * 0.9 - u0 - r1 * ((at - c.t0) / DAY)) / days * d.u(0.1, 0.6);
    over = at;
    used = (t) => {
      const x = (t - c.t0) / DAY, a = (at - c.t0) / DAY;
      return u0 + r1 * Math.min(x, a) + r2 * Math.max(0, x - a);
    };
    sizeAt = (t) => (t < at ? size : big);
  } else if (kind === 'noisy-flat') {
    const nz = d.u(0.004, 0.012);
    const level = size * (1 - 7 * nz) * d.u(0.85, 1);
    noise = nz;
    const spikes = Array.from({ length: d.int(0, 6) }, () => c.t0 + d.u(0, days) * DAY).sort((a, b) => a - b);
    const sh = (size * 0.99 - level) * d.u(0.3, 0.8), sl = d.lu(30 * MIN, 3 * HOUR);
    over = c.t0;
    used = (t) => {
      const i = lastAtOrBefore(spikes, t);
      return level + (i >= 0 && t - spikes[i]! < sl ? sh : 0);
    };
  } else {
    const top = d.u(0.75, 0.95) * size, drop = d.u(0.2, 0.5) * size, back = d.u(0.3, 0.95);
    const tauD = d.u(1, 6); // days: the refill's time constant
    const u0 = top - d.u(0, 0.1) * size;
    const r0 = (top - u0) / ((at - c.t0) / DAY);
    over = at + 2.5 * tauD * DAY; // the refill's rate has fallen 12-fold
    used = (t) => {
      if (t < at) return u0 + (r0 * (t - c.t0)) / DAY;
      return top - drop + drop * back * (1 - Math.exp(-(t - at) / DAY / tauD));
    };
  }
  return {
    variant: `never-${kind}`, fills: false, size, days, used, noise, sizeAt,
    fair: (tr) => over + 2 * DAY <= cutsOf(tr)[0]!.cut && tr.points.every((p) => p.used < 0.995 * p.size),
  };
};

const HOURLY_SHAPES = ['nightly_dump_compress', 'monthly_close', 'differential_backups', 'office_uploads', 'chunked_bulk_copy', 'tmp_reboot_clean', 'tsdb_retention', 'false_alarm_bait'] as const;

const BUILDERS3: Record<Exclude<Family3Name, 'hourly_gib_coarse'>, Builder> = {
  nightly_dump_compress: nightlyDumpCompress,
  debug_log_runaway: debugLogRunaway,
  monthly_close: monthlyClose,
  differential_backups: differentialBackups,
  lsm_compaction: lsmCompaction,
  office_uploads: officeUploads,
  chunked_bulk_copy: chunkedBulkCopy,
  image_layers_gc: imageLayersGc,
  tmp_reboot_clean: tmpRebootClean,
  three_jobs: threeJobs,
  mirror_sync: mirrorSync,
  tsdb_retention: tsdbRetention,
  false_alarm_bait: falseAlarmBait,
};

/**
 * A log rotated daily at a local hour (N compressed days kept: a sawtooth) on a slow trend and, from
 * a random working hour (L days in), a debug log nobody rotates. Fills: it grows exponentially
 * (2-25 %/day), the turn at least min(14, max(4, 1.5/g)) days before every cut. Never: it saturates
 * (logistic, 97% of its cap 3+ days before the 50% cut) or it is switched off and kept.
 */
function debugLogRunaway(d: Draw, c: Ctx): Shape | null {
  const size = pickSize(d, c);
  const tz = d.int(-8, 10);
  const g = d.u(0.02, 0.25);
  const tau = Math.min(14, Math.max(4, 1.5 / g));
  const kind = d.pick(['fills', 'fills', 'fills', 'never-capped', 'never-off-kept'] as const);
  const a = d.u(0.005, 0.04) * size; // the rotated log's daily volume
  const N = d.int(3, 14), ratio = d.u(0.05, 0.15);
  const rot = d.int(0, 23) * HOUR;
  const saw = (t: number): number => a * N * ratio + a * ((((t + tz * HOUR - rot) % DAY) + DAY) % DAY) / DAY;
  const sawTop = a * (1 + N * ratio);
  // the turn at a working hour (local 09-18) L days in
  const workHour = (L: number): number => {
    const t = c.t0 + L * DAY;
    const day = Math.floor((t + tz * HOUR) / DAY) * DAY - tz * HOUR;
    return day + d.u(9, 18) * HOUR;
  };
  if (kind === 'fills') {
    const room = d.u(0.25, 0.7) * size - sawTop;
    if (room < 0.1 * size) return null;
    const baseFill = d.lu(60, 500);
    const r = room / baseFill;
    const r1 = r * d.lu(0.1, 2);
    const D = solve((x) => r * x + (r1 / g) * (Math.exp(g * x) - 1) - room, 0, 2000);
    if (!Number.isFinite(D) || D - 1 < tau) return null;
    let Lmax = 90;
    for (const dd of [30, 14, 7, 3, 1]) if (D - dd < tau) Lmax = Math.min(Lmax, 7 - D + dd);
    if (Lmax < 2) return null;
    const turn = workHour(d.u(2, Lmax));
    const L = (turn - c.t0) / DAY;
    const u0 = size - room - sawTop - r * L;
    if (u0 < 0.03 * size) return null;
    return {
      variant: `fills-g${Math.round(g * 100)}`, fills: true, size, days: L + D + 30,
      used: (t) => u0 + (r * (t - c.t0)) / DAY + saw(t) + (t > turn ? (r1 / g) * (Math.exp((g * (t - turn)) / DAY) - 1) : 0),
      fair: (tr) => firstCut(tr) >= turn + tau * DAY,
    };
  }
  const days = d.u(60, 150);
  const u0 = d.u(0.1, 0.4) * size;
  const r = ((0.9 * size - u0) / days) * d.u(0, 0.2);
  const turn = workHour(d.u(3, 0.2 * days));
  const cap = (0.88 * size - u0 - sawTop - r * days) * d.u(0.3, 1);
  if (cap < 0.05 * size) return null;
  let extra: (y: number) => number, over: number;
  if (kind === 'never-capped') {
    // logistic from ~1% of the cap: exponential at first, then the size-based rotation caps it
    const gc = d.u(0.15, 0.5);
    const mid = Math.log(99) / gc;
    extra = (y) => cap / (1 + Math.exp(-gc * (y - mid))) - cap / 100;
    over = turn + (mid + Math.log(32) / gc) * DAY;
  } else {
    const share = d.u(0.3, 1);
    const E = solve((x) => (Math.exp(g * x) - 1) / (Math.exp(g * 30) - 1) - share, 0, 30);
    const r1 = (cap * g) / (Math.exp(g * 30) - 1);
    extra = (y) => (r1 / g) * (Math.exp(g * Math.min(y, E)) - 1);
    over = turn + E * DAY;
  }
  return {
    variant: kind === 'never-capped' ? kind : `${kind}-g${Math.round(g * 100)}`, fills: false, size, days,
    used: (t) => u0 + (r * (t - c.t0)) / DAY + saw(t) + (t > turn ? extra((t - turn) / DAY) : 0),
    fair: (tr) => over + 3 * DAY <= cutsOf(tr)[0]!.cut,
  };
}

/** A quarter of the traces: the sampler is down 1-3 times for 1-24 h (variant suffix `-gaps`). */
export function withGaps(build: Builder): Builder {
  return (d, c) => {
    const s = build(d, c);
    if (!s || !d.chance(0.25)) return s;
    const gaps = Array.from({ length: d.int(1, 3) }, (): [number, number] => {
      const a = c.t0 + d.u(1, s.days) * DAY;
      return [a, a + d.lu(HOUR, 24 * HOUR)];
    });
    const skip0 = s.skip;
    return { ...s, variant: `${s.variant}-gaps`, skip: (t) => (skip0 ? skip0(t) : false) || gaps.some(([a, b]) => t >= a && t < b) };
  };
}

/**
 * One trace of a third-set family, deterministic in (name, seed); `name` is
 * `fam3-<family>-<variant>-<seed>`. Throws Error on an unknown family.
 */
export const family3Trace: (name: Family3Name, seed: number) => Trace = traceOf(FAMILY3_NAMES, BUILDERS3, {
  offset: 2000, prefix: 'fam3', hourly: { name: 'hourly_gib_coarse', shapes: HOURLY_SHAPES }, wrap: withGaps,
});

/** `perFamily` traces of every third-set family: seeds seed, seed+1, ... */
export function family3Set(seed: number, perFamily: number): Trace[] {
  return setOf(FAMILY3_NAMES, family3Trace, seed, perFamily);
}
