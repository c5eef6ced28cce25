/**
 * Held-out FAMILIES of volume-usage history (issue 12): shapes the fill-date model was not built
 * around, generated from a seed so that every run of the held-out check can draw new ones. Pure
 * (no I/O, no clock): the same (family, seed) always gives the same trace.
 *
 * Each trace is a `Trace` as synth.ts makes them and fixtures/traces/README.md describes: samples
 * every 5-30 minutes with jitter (hourly_gib: hourly, whole GiB), used and size in bytes, times in
 * unix ms; the trace ends a few hours after used first reaches size, `fillsAt` being that first
 * sample with used >= size, or runs its whole window and has `fillsAt` null.
 *
 * Every family draws its parameters from RANGES (sizes 20 GiB..4 TiB, start dates over two years,
 * rates, phases, noise, a wandering random walk), and most have a filling and a never-filling
 * variant so that false alarms are measured too. A trace is redrawn (same seed, next draws of its
 * generator) until it is FAIR: it fills exactly when its variant says so, and what decides the fill
 * was visible before every cut the backtest makes (enough peaks of a periodic job, the turn to
 * exponential growth, a broken retention, a bulk copy: at least a few days before the earliest cut;
 * a burst, plateau, resize or exponential episode of a never-filling trace: over before its 50%
 * cut). Unforeseeable events would only add noise that no model can remove.
 */
import { cutsOf, type Trace } from './backtest.js';
import { DAY, HOUR } from './linear.js';
import { rng } from './synth.js';
import type { Point } from './types.js';

export const FAMILY_NAMES = [
  'nightly_growing_peak', 'weekly_growing_peak', 'monthly_peak_day', 'monthly_peak_last', 'aperiodic_peaks',
  'exponential', 'single_burst_flat', 'plateau', 'resize_flat', 'full_incremental_backups', 'db_compaction',
  'office_hours', 'hourly_gib', 'bulk_copy',
] as const;
export type FamilyName = (typeof FAMILY_NAMES)[number];

export const GIB = 2 ** 30;
export const MIN = 60_000;
export const WEEK = 7 * DAY;

/** Random draws of one trace (all from one mulberry32 stream). */
export interface Draw {
  /** uniform in [a, b) */
  u(a: number, b: number): number;
  /** log-uniform in [a, b) (a, b > 0) */
  lu(a: number, b: number): number;
  /** standard normal */
  g(): number;
  /** integer in [a, b] */
  int(a: number, b: number): number;
  pick<T>(xs: readonly T[]): T;
  chance(p: number): boolean;
}

export function draw(seed: number): Draw {
  const r = rng(seed);
  const d: Draw = {
    u: (a, b) => a + (b - a) * r(),
    lu: (a, b) => Math.exp(Math.log(a) + (Math.log(b) - Math.log(a)) * r()),
    g: () => Math.sqrt(-2 * Math.log(r() + 1e-12)) * Math.cos(2 * Math.PI * r()),
    int: (a, b) => a + Math.floor(r() * (b - a + 1)),
    pick: (xs) => xs[Math.floor(r() * xs.length)]!,
    chance: (p) => r() < p,
  };
  return d;
}

/** What a family builder hands to the renderer: a clean usage curve and how to sample it. */
export interface Shape {
  /** e.g. 'fills-linear', 'never-fixed': part of the trace name */
  variant: string;
  /** whether the trace must fill within its window (checked on the rendered trace) */
  fills: boolean;
  /** volume size in bytes (sizeAt overrides it over time) */
  size: number;
  /** the window in days: the trace ends there unless it fills first */
  days: number;
  /** clean used bytes at unix ms t (before noise and wandering) */
  used(t: number): number;
  /** size in bytes at t (a resize); default: `size` throughout */
  sizeAt?(t: number): number;
  /** extra fairness condition on the rendered trace; false: draw again */
  fair?(trace: Trace): boolean;
  /** sample noise sd as a fraction of size (default: drawn 0.0003-0.002) */
  noise?: number;
  /** true: no sample at t (the sampler was down) */
  skip?(t: number): boolean;
}

/** Options every builder honours (hourly_gib sets them for the shape it borrows). */
export interface Ctx {
  t0: number;
  /** transient peaks last at least this long (coarse sampling must be able to see them) */
  minPeakMs: number;
  /** sizes in whole GiB */
  wholeGiB: boolean;
}

export type Builder = (d: Draw, c: Ctx) => Shape | null;

/** A volume size: a common nominal size (20 GiB..4 TiB) less some file-system overhead. */
export function pickSize(d: Draw, c: Ctx): number {
  const nominal = d.pick([20, 32, 40, 50, 64, 80, 100, 128, 200, 250, 256, 400, 500, 512, 750, 1000, 1024, 1536, 2000, 2048, 3072, 4096]);
  const s = Math.max(20, nominal * d.u(0.93, 1)) * GIB;
  return c.wholeGiB ? Math.floor(s / GIB) * GIB : Math.round(s / 4096) * 4096;
}

/** Solve f(x) = 0 for increasing f on [lo, hi] by bisection (NaN when no sign change). */
export function solve(f: (x: number) => number, lo: number, hi: number): number {
  if (f(lo) > 0 || f(hi) < 0) return NaN;
  for (let i = 0; i < 100; i++) {
    const m = (lo + hi) / 2;
    if (f(m) < 0) lo = m;
    else hi = m;
  }
  return (lo + hi) / 2;
}

/** Index of the last element of sorted xs that is <= t (-1: none). */
export function lastAtOrBefore(xs: readonly number[], t: number): number {
  let lo = 0, hi = xs.length;
  while (lo < hi) {
    const m = (lo + hi) >> 1;
    if (xs[m]! <= t) lo = m + 1;
    else hi = m;
  }
  return lo - 1;
}

/**
 * A job's transient need over time since its onset: ramps up to 1 over `ramp` ms, holds, and falls
 * back to 0 over `decay` ms after `ramp + hold`.
 */
export interface Profile { ramp: number; hold: number; decay: number }

export function profileAt(p: Profile, dt: number): number {
  if (dt < 0) return 0;
  if (dt < p.ramp) return dt / p.ramp;
  if (dt < p.ramp + p.hold) return 1;
  const q = dt - p.ramp - p.hold;
  return q < p.decay ? 1 - q / p.decay : 0;
}

export function drawProfile(d: Draw, c: Ctx, minMs: number, maxMs: number): Profile {
  const total = Math.max(c.minPeakMs, d.lu(minMs, maxMs));
  const ramp = total * d.u(0.05, 0.8);
  return { ramp, hold: total - ramp, decay: d.lu(2 * MIN, Math.max(3 * MIN, total * 0.3)) };
}

/** Peaks of given onsets and heights on top of a base curve. */
export function withPeaks(base: (t: number) => number, onsets: readonly number[], heights: readonly number[], prof: Profile): (t: number) => number {
  const span = prof.ramp + prof.hold + prof.decay;
  return (t) => {
    let u = base(t);
    for (let i = lastAtOrBefore(onsets, t); i >= 0 && t - onsets[i]! < span; i--) u += heights[i]! * profileAt(prof, t - onsets[i]!);
    return u;
  };
}

/** Onsets every `period` ms from `first` to `end`. */
export function everyPeriod(first: number, period: number, end: number): number[] {
  const out: number[] = [];
  for (let t = first; t < end; t += period) out.push(t);
  return out;
}

/** Monthly onsets from t0 to end, on calendar day `day` (UTC) or the month's last day ('last'), at `msOfDay`. */
export function monthlyOnsets(t0: number, end: number, day: number | 'last', msOfDay: number): number[] {
  const out: number[] = [];
  const s = new Date(t0);
  for (let y = s.getUTCFullYear(), m = s.getUTCMonth(); ; m++) {
    const dim = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
    const t = Date.UTC(y, m, day === 'last' ? dim : Math.min(day, dim)) + msOfDay;
    if (t >= end) break;
    if (t >= t0) out.push(t);
  }
  return out;
}

/** Number of onsets before the earliest cut of a trace (a periodic job must have been seen). */
export function onsetsBeforeFirstCut(trace: Trace, onsets: readonly number[]): number {
  const cuts = cutsOf(trace);
  return cuts.length ? lastAtOrBefore(onsets, cuts[0]!.cut) + 1 : 0;
}

/** The earliest cut (Infinity when none). */
export function firstCut(trace: Trace): number {
  const cuts = cutsOf(trace);
  return cuts.length ? cuts[0]!.cut : Infinity;
}

/**
 * Periodic peaks whose heights grow (or not) on a straight trend. Fill variant: the occurrence on
 * or after `fillDays` is the first that does not fit (the trend alone fills 1.3-8x later, or never);
 * the heights grow linearly or compounding from 15-70% of that need, or (a quarter) stay fixed while
 * the trend lifts them, with 1% jitter. Never variant:
 * fixed heights with headroom, or growth whose envelope would reach the size only 3-8 windows on.
 */
export function growingPeaks(d: Draw, c: Ctx, onsetsFor: (end: number) => number[], fillDays: [number, number], prof: Profile, minPeaks: number): Shape | null {
  const size = pickSize(d, c);
  const fills = d.chance(0.7);
  const days = fills ? fillDays[1] + 20 : d.u(Math.max(fillDays[0], 45), fillDays[1]);
  const target = fills ? d.u(fillDays[0], fillDays[1]) : days * d.lu(3, 8);
  const onsets = onsetsFor(c.t0 + Math.max(target, days) * DAY + 40 * DAY);
  const K = onsets.findIndex((t) => t >= c.t0 + target * DAY);
  if (K < 2) return null;
  const u0 = d.u(0.15, 0.55) * size;
  // fill variant with fixed heights: the growing trend lifts a constant peak over the size
  const fixedFill = fills && d.chance(0.25);
  const trendFill = d.chance(0.2) && !fixedFill ? Infinity : target * d.lu(1.3, 8);
  const rate = (size - u0) / trendFill; // bytes/day
  const trend = (t: number): number => u0 + (rate * (t - c.t0)) / DAY;
  const fixed = !fills && d.chance(0.5);
  let heights: number[];
  if (fixed) {
    const headroom = size - trend(c.t0 + days * DAY);
    const h = headroom * d.u(0.2, 0.85);
    heights = onsets.map(() => h);
  } else {
    const need = size - trend(onsets[K]! + prof.ramp);
    const hK = need * d.u(1.003, 1.02);
    if (hK > 0.75 * size || hK < 0.04 * size) return null;
    const h0 = fixedFill ? hK : hK * d.u(0.15, 0.7);
    const compound = d.chance(0.4);
    heights = onsets.map((_, k) => (compound ? h0 * (hK / h0) ** (k / K) : h0 + ((hK - h0) * k) / K));
  }
  heights = heights.map((h) => h * (1 + 0.01 * d.g()));
  return {
    variant: `${fills ? 'fills' : 'never'}-${fixed || fixedFill ? 'fixed' : 'growing'}`,
    fills, size, days,
    used: withPeaks(trend, onsets, heights, prof),
    fair: (tr) => !fills || onsetsBeforeFirstCut(tr, onsets) >= minPeaks,
  };
}

const nightlyGrowingPeak: Builder = (d, c) => {
  const prof = drawProfile(d, c, 20 * MIN, 6 * HOUR);
  return growingPeaks(d, c, (end) => everyPeriod(c.t0 + d.u(0, DAY), DAY, end), [20, 120], prof, 7);
};

const weeklyGrowingPeak: Builder = (d, c) => {
  const prof = drawProfile(d, c, 1 * HOUR, 16 * HOUR);
  return growingPeaks(d, c, (end) => everyPeriod(c.t0 + d.u(0, WEEK), WEEK, end), [45, 180], prof, 3);
};

function monthlyPeak(last: boolean): Builder {
  return (d, c) => {
    const prof = drawProfile(d, c, 2 * HOUR, 30 * HOUR);
    const day = last ? 'last' : d.pick([1, 1, 1, 2, 3, 5, 10, 15, 15, 20, 25, 28]);
    const at = d.int(0, 20) * HOUR + d.pick([0, 0, 15, 30, 45]) * MIN;
    return growingPeaks(d, c, (end) => monthlyOnsets(c.t0, end, day, at), [110, 300], prof, 3);
  };
}

/** Transient peaks at Poisson times (no period) of random heights and lengths, on a trend. */
const aperiodicPeaks: Builder = (d, c) => {
  const size = pickSize(d, c);
  const fills = d.chance(0.65);
  const days = fills ? 400 : d.u(45, 150);
  const u0 = d.u(0.1, 0.5) * size;
  const hmax = d.u(0.05, 0.3) * size;
  // fill variant: the trend alone fills in 40-200 days, a peak usually earlier; never: slow or flat
  const trendFill = fills ? d.u(40, 200) : d.chance(0.3) ? Infinity : d.lu(3, 10) * days;
  const rate = (size - u0) / trendFill;
  if (!fills && u0 + (rate * days) + 1.3 * hmax > 0.95 * size) return null;
  const meanGap = d.lu(0.5, 8) * DAY;
  const onsets: number[] = [], heights: number[] = [], lens: number[] = [];
  for (let t = c.t0 + d.u(0, meanGap); t < c.t0 + days * DAY; t += -Math.log(d.u(1e-9, 1)) * meanGap) {
    onsets.push(t);
    heights.push(hmax * d.u(0.15, 1));
    lens.push(Math.max(c.minPeakMs, d.lu(20 * MIN, 12 * HOUR)));
  }
  const used = (t: number): number => {
    let u = u0 + (rate * (t - c.t0)) / DAY;
    for (let i = lastAtOrBefore(onsets, t); i >= 0 && t - onsets[i]! < 13 * HOUR + c.minPeakMs; i--) {
      const dt = t - onsets[i]!;
      if (dt < lens[i]!) u += heights[i]! * Math.min(1, dt / Math.min(lens[i]! / 3, HOUR));
    }
    return u;
  };
  return { variant: fills ? 'fills' : 'never', fills, size, days, used, fair: (tr) => !fills || onsetsBeforeFirstCut(tr, onsets) >= 4 };
};

/**
 * Linear growth that turns exponential (a log left at debug level): from day L the log adds r1 a
 * day compounding at g = 2-15 %/day. The turn comes at least min(14, max(4, 1.5/g)) days before
 * every cut (by then the log's rate has grown 4.5-fold, or for two weeks: the bend is in the data;
 * an exponential fit with a noise margin is late on ~10% of cuts). Never variant: the episode is
 * caught and the log cleaned up before the 50% cut.
 */
const exponential: Builder = (d, c) => {
  const size = pickSize(d, c);
  const g = d.u(0.02, 0.15);
  const tau = Math.min(14, Math.max(4, 1.5 / g));
  const fills = d.chance(0.75);
  const baseFill = d.lu(60, 400); // days the linear part alone would take from the turn
  if (fills) {
    const room = d.u(0.25, 0.7) * size; // free at the turn
    const r = room / baseFill;
    const r1 = r * d.lu(0.2, 2);
    const D = solve((x) => r * x + (r1 / g) * (Math.exp(g * x) - 1) - room, 0, 2000);
    if (!Number.isFinite(D) || D - 1 < tau) return null;
    // L (days of linear history before the turn) small enough that no cut falls before turn + tau
    let Lmax = 60;
    for (const dd of [30, 14, 7, 3, 1]) if (D - dd < tau) Lmax = Math.min(Lmax, 7 - D + dd);
    if (Lmax < 2) return null;
    const L = d.u(2, Lmax);
    const u0 = size - room - r * L;
    if (u0 < 0.05 * size) return null;
    const turn = c.t0 + L * DAY;
    return {
      variant: 'fills', fills, size, days: L + D + 30,
      used: (t) => {
        const x = (t - c.t0) / DAY, y = Math.max(0, (t - turn) / DAY);
        return u0 + r * x + (r1 / g) * (Math.exp(g * y) - 1);
      },
      fair: (tr) => firstCut(tr) >= turn + tau * DAY,
    };
  }
  const days = d.u(60, 150);
  const u0 = d.u(0.1, 0.5) * size;
  const r = (size - u0) / (days * d.lu(3, 10));
  const L = d.u(3, days * 0.3);
  const E = d.u(3, 15); // days the debug log ran
  const r1 = r * d.lu(0.5, 3);
  const extra = (r1 / g) * (Math.exp(g * E) - 1);
  if (u0 + r * (L + E) + extra > 0.9 * size || L + E + 3 > 0.5 * days) return null;
  const keep = d.u(0, 0.2); // share of the log not deleted
  const turn = c.t0 + L * DAY, stop = turn + E * DAY;
  return {
    variant: 'never-episode', fills, size, days,
    used: (t) => {
      const x = (t - c.t0) / DAY;
      const y = (Math.min(t, stop) - turn) / DAY;
      const log = t < turn ? 0 : (r1 / g) * (Math.exp(g * y) - 1) * (t < stop ? 1 : keep);
      return u0 + r * x + log;
    },
  };
};

/** A flat (or barely moving) volume with one big burst, cleaned up well before the 50% cut. Never fills. */
const singleBurstFlat: Builder = (d, c) => {
  const size = pickSize(d, c);
  const days = d.u(40, 120);
  const u0 = d.u(0.1, 0.7) * size;
  const r = d.chance(0.5) ? 0 : ((size - u0) / (days * d.lu(5, 30))) * (d.chance(0.2) ? -0.3 : 1);
  const h = d.u(0.1, 0.45) * size;
  if (u0 + h + Math.max(0, r) * days > 0.93 * size) return null;
  const at = c.t0 + d.u(0.1, 0.4) * days * DAY;
  const prof = { ramp: d.lu(0.5 * HOUR, 48 * HOUR), hold: d.lu(HOUR, 6 * DAY), decay: d.lu(10 * MIN, 12 * HOUR) };
  const residual = h * d.u(0, 0.15);
  const end = at + prof.ramp + prof.hold + prof.decay;
  return {
    variant: 'never', fills: false, size, days,
    used: (t) => u0 + (r * (t - c.t0)) / DAY + h * profileAt(prof, t - at) + (t >= end ? residual : 0),
    fair: (tr) => end + 2 * DAY <= cutsOf(tr)[0]!.cut,
  };
};

/** Growth that stops for good (a migration finished): flat after 10-35% of the window. Never fills. */
const plateau: Builder = (d, c) => {
  const size = pickSize(d, c);
  const days = d.u(60, 150);
  const stopDay = d.u(0.1, 0.35) * days;
  const level = d.u(0.5, 0.9) * size;
  const r = (size - level) / d.u(5, 60); // it looked like filling in 5-60 days when it stopped
  const u0 = level - r * stopDay;
  const saw = d.chance(0.4) ? d.u(0.01, 0.03) * size : 0;
  const sawPhase = d.u(0, DAY);
  if (u0 < 0.03 * size || level + saw > 0.95 * size) return null;
  const stop = c.t0 + stopDay * DAY;
  return {
    variant: saw ? 'never-saw' : 'never', fills: false, size, days,
    used: (t) => u0 + (r * (Math.min(t, stop) - c.t0)) / DAY + saw * (((t - c.t0 + sawPhase) % DAY) / DAY),
  };
};

/** A slowly growing or flat volume that is resized (x1.5-4) before its 50% cut. Never fills. */
const resizeFlat: Builder = (d, c) => {
  const size = pickSize(d, c);
  const days = d.u(50, 140);
  const factor = d.pick([1.5, 2, 2, 2.5, 3, 4]);
  const u0 = d.u(0.7, 0.92) * size;
  const r = d.chance(0.3) ? 0 : (factor * size - u0) / (days * d.lu(4, 15));
  if (u0 + r * days * 0.5 > 0.96 * size) return null;
  const at = c.t0 + d.u(0.15, 0.45) * days * DAY;
  const big = c.wholeGiB ? Math.round(size * factor / GIB) * GIB : Math.round((size * factor) / 4096) * 4096;
  return {
    variant: r ? 'never-growing' : 'never-flat', fills: false, size, days,
    used: (t) => u0 + (r * (t - c.t0)) / DAY,
    sizeAt: (t) => (t < at ? size : big),
  };
};

/**
 * Weekly full backup and nightly incrementals, N (1-4) full chains kept: a chain is deleted when the
 * (N+1)-th newer full has been written. Fill variant: retention stops (the cleanup breaks) at
 * least two weeks before the earliest cut, after N+1 weeks of it working, and the chains pile up.
 */
const fullIncremental: Builder = (d, c) => {
  const size = pickSize(d, c);
  const N = d.int(1, 4);
  const fills = d.chance(0.55);
  const n = d.int(7, 20); // weeks from the break to the fill
  const base0 = d.u(0.05, 0.4) * size;
  const incShare = d.u(0.03, 0.25);
  const growW = d.u(0, 0.02); // full size growth per week
  const chain = fills ? (size - base0) / (N + n + 0.5) : (size - base0) * d.u(0.1, 0.85) / (N + 1.5);
  const full0 = chain / (1 + 6 * incShare);
  const baseRate = d.chance(0.5) ? 0 : (size - base0) / d.lu(300, 3000);
  const breakWeek = d.int(2, 8);
  const days = fills ? 7 * (breakWeek + n + 10) : d.u(60, 150);
  const first = c.t0 + d.u(0, WEEK);
  const fullRamp = d.lu(0.5 * HOUR, 5 * HOUR), incRamp = d.lu(10 * MIN, 2 * HOUR);
  // the backups ran before the history starts: it opens in the steady state (N + 1 chains)
  const chains: Array<{ start: number; full: number; del: number; week: number }> = [];
  for (let k = -N - 1; first + k * WEEK < c.t0 + days * DAY; k++) chains.push({ start: first + k * WEEK, full: full0 * (1 + growW * k), del: Infinity, week: k });
  for (let i = 0; i < chains.length; i++) {
    const deleter = chains[i + N];
    if (deleter && (!fills || deleter.week < breakWeek)) chains[i]!.del = deleter.start + fullRamp + d.u(1, 20) * MIN;
  }
  if (!fills) {
    const top = base0 + baseRate * days + (N + 1.2) * chain * (1 + growW * days / 7);
    if (top > 0.92 * size) return null;
  }
  const breakAt = first + breakWeek * WEEK;
  const used = (t: number): number => {
    let u = base0 + (baseRate * (t - c.t0)) / DAY;
    for (const ch of chains) {
      if (t < ch.start || t >= ch.del) continue;
      u += ch.full * Math.min(1, (t - ch.start) / fullRamp);
      for (let j = 1; j <= 6; j++) {
        const s = ch.start + j * DAY;
        if (t >= s) u += ch.full * incShare * Math.min(1, (t - s) / incRamp);
      }
    }
    return u;
  };
  return {
    variant: fills ? `fills-retention-broken-N${N}` : `never-N${N}`, fills, size, days, used,
    fair: (tr) => !fills || firstCut(tr) >= breakAt + 2 * WEEK,
  };
};

/**
 * A database that grows and compacts every 0.5-10 days: garbage accumulates between compactions,
 * a compaction needs 1-2x the live data transiently, then old copy and garbage are dropped.
 * Fill variant: the first compaction on or after day 25-150 does not fit.
 */
const dbCompaction: Builder = (d, c) => {
  const size = pickSize(d, c);
  const fills = d.chance(0.7);
  const days = fills ? 200 : d.u(50, 150);
  const target = fills ? d.u(25, 150) : days * d.lu(3, 8);
  const P = d.lu(0.5, 10) * DAY;
  const k = d.u(1, 2);
  const base = d.u(0.03, 0.25) * size;
  const L0 = d.u(0.05, 0.25) * size;
  const gFrac = d.u(0.02, 0.15); // garbage per day, as a share of the live data at start
  const gr = gFrac * L0;
  const liveAt = (rl: number, t: number): number => L0 + (rl * (t - c.t0)) / DAY;
  const onsets = everyPeriod(c.t0 + d.u(0, P), P, c.t0 + (Math.max(target, days) + 20) * DAY);
  const K = onsets.findIndex((t) => t >= c.t0 + target * DAY);
  if (K < 3) return null;
  const over = d.u(1.003, 1.02);
  // live at compaction K such that base + live(1 + k) + garbage = size * over
  const liveK = (size * over - base - (gr * P) / DAY) / (1 + k);
  const rl = ((liveK - L0) * DAY) / (onsets[K]! - c.t0);
  if (rl <= 0) return null;
  const dur = d.lu(0.3 * HOUR, 6 * HOUR) + c.minPeakMs;
  const used = (t: number): number => {
    const i = lastAtOrBefore(onsets, t);
    const live = liveAt(rl, t);
    const last = i < 0 ? c.t0 : onsets[i]! + dur; // garbage was dropped when the last compaction ended
    const inComp = i >= 0 && t < onsets[i]! + dur;
    const since = inComp ? (i > 0 ? onsets[i - 1]! + dur : c.t0) : last;
    let u = base + live + (gr * Math.max(0, t - since)) / DAY;
    if (inComp) u += k * live * Math.min(1, ((t - onsets[i]!) / dur) * 1.25);
    return u;
  };
  return {
    variant: fills ? 'fills' : 'never', fills, size, days, used,
    fair: (tr) => !fills || onsetsBeforeFirstCut(tr, onsets) >= 3,
  };
};

/** Growth only on weekdays 09:00-18:00 local time (UTC offset -8..+10 h); flat nights and weekends. */
const officeHours: Builder = (d, c) => {
  const size = pickSize(d, c);
  const tz = d.int(-8, 10) * HOUR;
  const startH = d.pick([8, 9, 9, 9, 10]), endH = d.pick([17, 18, 18, 19]);
  const fills = d.chance(0.7);
  const days = fills ? 200 : d.u(45, 150);
  const target = fills ? d.u(20, 150) : days * d.lu(3, 8);
  const u0 = d.u(0.1, 0.6) * size;
  // office ms from t0 to t
  const office = (t: number): number => {
    let ms = 0;
    for (let day = Math.floor((c.t0 + tz) / DAY) * DAY; day < t + tz; day += DAY) {
      const dow = new Date(day).getUTCDay();
      if (dow === 0 || dow === 6) continue;
      const a = Math.max(day + startH * HOUR, c.t0 + tz), b = Math.min(day + endH * HOUR, t + tz);
      if (b > a) ms += b - a;
    }
    return ms;
  };
  const officeAtTarget = office(c.t0 + target * DAY);
  const bg = d.chance(0.5) ? 0 : d.u(0, 0.05); // share of the growth that goes on at all hours
  const rate = ((size - u0) * d.u(1.0, 1.01)) / officeAtTarget; // bytes per office ms
  // the cumulative sum is cached per day so that sampling stays linear
  const cache = new Map<number, number>();
  const officeFast = (t: number): number => {
    const dayStart = Math.floor((t + tz) / DAY) * DAY - tz;
    let before = cache.get(dayStart);
    if (before === undefined) {
      before = office(dayStart);
      cache.set(dayStart, before);
    }
    const dow = new Date(dayStart + tz).getUTCDay();
    if (dow === 0 || dow === 6) return before;
    const a = Math.max(dayStart + startH * HOUR, c.t0), b = Math.min(dayStart + endH * HOUR, t);
    return before + Math.max(0, b - a);
  };
  const officeShare = officeAtTarget / (target * DAY);
  return {
    variant: `${fills ? 'fills' : 'never'}-utc${tz >= 0 ? '+' : ''}${tz / HOUR}`, fills, size, days,
    used: (t) => u0 + rate * ((1 - bg) * officeFast(t) + bg * officeShare * (t - c.t0)),
  };
};

/** A one-off bulk copy (a step of 10-50% of the size over 1-24 h) on a slow trend or a flat volume. */
const bulkCopy: Builder = (d, c) => {
  const size = pickSize(d, c);
  const fills = d.chance(0.6);
  const u0 = d.u(0.05, 0.45) * size;
  const B = d.u(0.1, 0.5) * size;
  const len = d.lu(HOUR, 24 * HOUR);
  if (u0 + B > 0.9 * size) return null;
  let days: number, at: number, r: number;
  if (fills) {
    const F = d.u(25, 200);
    at = c.t0 + d.u(0.1, 0.8) * F * DAY;
    r = (size * d.u(1.0, 1.005) - u0 - B) / F;
    days = F + 30;
  } else {
    days = d.u(45, 150);
    at = c.t0 + d.u(0.1, 0.42) * days * DAY;
    r = d.chance(0.4) ? 0 : (size - u0 - B) / (days * d.lu(3, 10));
  }
  return {
    variant: fills ? 'fills' : r ? 'never-slow' : 'never-flat', fills, size, days,
    used: (t) => u0 + (r * (t - c.t0)) / DAY + B * Math.min(1, Math.max(0, (t - at) / len)),
    fair: (tr) => (fills ? firstCut(tr) >= at + len + 3 * DAY : at + len + 2 * DAY <= cutsOf(tr)[0]!.cut),
  };
};

/** Shapes hourly_gib borrows (sampled hourly, rounded to whole GiB, peaks of 2 h or more). */
const HOURLY_SHAPES = ['nightly_growing_peak', 'weekly_growing_peak', 'office_hours', 'plateau', 'single_burst_flat', 'bulk_copy', 'exponential'] as const;

const BUILDERS: Record<Exclude<FamilyName, 'hourly_gib'>, Builder> = {
  nightly_growing_peak: nightlyGrowingPeak,
  weekly_growing_peak: weeklyGrowingPeak,
  monthly_peak_day: monthlyPeak(false),
  monthly_peak_last: monthlyPeak(true),
  aperiodic_peaks: aperiodicPeaks,
  exponential,
  single_burst_flat: singleBurstFlat,
  plateau,
  resize_flat: resizeFlat,
  full_incremental_backups: fullIncremental,
  db_compaction: dbCompaction,
  office_hours: officeHours,
  bulk_copy: bulkCopy,
};

/** Seconds 2025-01-01..2026-10-01 UTC: the trace start dates (so weekdays and months vary). */
const START_FROM = Date.UTC(2025, 0, 1);
const START_SPAN = Date.UTC(2026, 9, 1) - START_FROM;

/**
 * Sample a shape into a trace: every `step` ms (5-30 min) with 0.7-1.3 jitter (hourly: every hour ± 1 min),
 * gaussian noise, a wandering (mean-reverting) random walk, clamped to [0, size], rounded to whole
 * KiB (or whole GiB); the last sample is the last within 2-8 h after the first at or above size.
 */
function render(name: string, family: string, shape: Shape, d: Draw, t0: number, step: number, hourly: boolean): Trace {
  const noise = (shape.noise ?? d.lu(0.0003, 0.002)) * shape.size;
  const wanderSig = d.u(0, 0.0006) * shape.size;
  const tail = d.u(2, 8) * HOUR;
  const quantum = hourly ? GIB : 1024;
  const points: Point[] = [];
  let fillsAt: number | null = null;
  let wander = 0;
  for (let e = hourly ? d.u(0, HOUR) : 0; e <= shape.days * DAY; e += hourly ? step + d.u(-1, 1) * MIN : step * d.u(0.7, 1.3)) {
    const t = t0 + Math.round(e);
    if (shape.skip?.(t)) continue;
    const size = shape.sizeAt ? shape.sizeAt(t) : shape.size;
    wander = wander * 0.995 + wanderSig * d.g() * 0.1;
    const raw = Math.min(Math.max(shape.used(t) + noise * d.g() + wander, 0), size);
    if (fillsAt !== null && t - fillsAt > tail) break;
    const used = Math.min(Math.round(raw / quantum) * quantum, size);
    points.push({ t, used, size });
    if (fillsAt === null && used >= size) fillsAt = t;
  }
  return { name, pattern: family, points, fillsAt };
}

/** The random stream of (family index, seed): families of one seed draw independent streams. */
export function streamSeed(familyIndex: number, seed: number): number {
  return (Math.imul(seed >>> 0, 0x9e3779b1) ^ Math.imul(familyIndex + 1, 0x85ebca6b)) >>> 0;
}

/**
 * One fair trace of a builder (shared by every family set). Draws a start date and a sampling step
 * (hourly: one hour, whole GiB, peaks of 2 h or more), builds and renders; redraws (next draws of
 * the same stream) until the trace fills exactly when its variant says, has at least one cut and
 * passes the shape's own fairness check. `pattern` is `family`, `name` `fam-<family>-<variant>-<seed>`
 * (`prefix` replaces `fam`). Throws Error after 200 unfair draws (a generator bug).
 */
export function generateTrace(family: string, seed: number, stream: number, build: Builder, opts: { hourly?: boolean; prefix?: string } = {}): Trace {
  const d = draw(stream);
  const hourly = opts.hourly ?? false;
  for (let attempt = 0; attempt < 200; attempt++) {
    const t0 = START_FROM + Math.floor(d.u(0, START_SPAN) / MIN) * MIN;
    const step = hourly ? HOUR : d.u(5, 30) * MIN;
    // a transient peak lasts at least three sampling steps: shorter ones would be seen by chance
    const ctx: Ctx = { t0, minPeakMs: hourly ? 2 * HOUR : 3 * step, wholeGiB: hourly };
    const shape = build(d, ctx);
    if (!shape) continue;
    const tr = render(`${opts.prefix ?? 'fam'}-${family}-${shape.variant}-${seed}`, family, shape, d, t0, step, hourly);
    if ((tr.fillsAt !== null) !== shape.fills) continue;
    if (cutsOf(tr).length === 0) continue;
    if (shape.fair && !shape.fair(tr)) continue;
    return tr;
  }
  throw new Error(`family ${family} seed ${seed}: no fair trace in 200 draws`);
}

/**
 * The trace function of a set of families: family `name` (one of `names`, its random stream that
 * of its index + `offset`) at `seed`, built by `builders[name]`; the `hourly` family (samples
 * hourly in whole GiB) draws one of its `shapes`. `wrap` wraps every builder (sampling gaps);
 * `prefix` names the traces (see generateTrace). The function throws Error on an unknown family.
 */
export function traceOf<N extends string, K extends N>(
  names: readonly N[], builders: Record<K, Builder>,
  o: { offset: number; prefix?: string; hourly?: { name: N; shapes: readonly K[] }; wrap?: (b: Builder) => Builder },
): (name: N, seed: number) => Trace {
  const wrap = o.wrap ?? ((b: Builder): Builder => b);
  const opts = o.prefix === undefined ? {} : { prefix: o.prefix };
  return (name, seed) => {
    const idx = names.indexOf(name);
    if (idx < 0) throw new Error(`unknown family ${String(name)}`);
    const stream = streamSeed(idx + o.offset, seed);
    if (o.hourly && name === o.hourly.name) return generateTrace(name, seed, stream, wrap(pickOf(o.hourly.shapes, builders)), { ...opts, hourly: true });
    return generateTrace(name, seed, stream, wrap(builders[name as K]), opts);
  };
}

/**
 * One trace of a family. Deterministic in (name, seed): see generateTrace. Throws Error on an
 * unknown family.
 */
export const familyTrace: (name: FamilyName, seed: number) => Trace = traceOf(FAMILY_NAMES, BUILDERS, {
  offset: 0, hourly: { name: 'hourly_gib', shapes: HOURLY_SHAPES },
});

/**
 * A builder that draws one of `shapes` and builds it (the hourly whole-GiB families); its
 * variant is `<shape>-<variant>`.
 */
export function pickOf<K extends string>(shapes: readonly K[], builders: Record<K, Builder>): Builder {
  return (d, c) => {
    const sub = d.pick(shapes);
    const shape = builders[sub](d, c);
    return shape && { ...shape, variant: `${sub}-${shape.variant}` };
  };
}

/** `perFamily` traces of every family in `names`: seeds seed, seed+1, ... (family-major within each seed). */
export function setOf<N>(names: readonly N[], trace: (name: N, seed: number) => Trace, seed: number, perFamily: number): Trace[] {
  const out: Trace[] = [];
  for (let i = 0; i < perFamily; i++) for (const f of names) out.push(trace(f, seed + i));
  return out;
}

/** `perFamily` traces of every family: seeds seed, seed+1, ... (family-major within each seed). */
export function familySet(seed: number, perFamily: number): Trace[] {
  return setOf(FAMILY_NAMES, familyTrace, seed, perFamily);
}
