/**
 * When will it fill: a forecast that sees what a straight line misses. Pure (no I/O).
 *
 * 1. Regime: only the samples since the last size change (a resize starts a new regime).
 * 2. Transient peaks first (peaks.ts): runs of samples far above a rolling median; their samples
 *    are left out of the daily levels, so a peak never reads as growth or as a change of rate.
 * 3. Buckets of 24 h aligned back from the last sample (at least three days are needed): the
 *    bucket median ("level") follows the trend of the envelope, not of a daily saw.
 * 4. Clean the level series: isolated spikes are left out; a drop far below the usual change is a
 *    cleanup (a level shift, not a trend), unless it undoes a recent jump of the same size (a burst
 *    that went away, also when the drop spans two days: neither; its days count once among the
 *    peaks' heights) or drops keep coming (4 in 5 weeks, at a steady interval, or five in 90 days
 *    that take back most of what was written: a sawtooth, whose trend is that of its floor, its
 *    cycles' tops with their own trend and up to two residual deviations above it); cleanups from
 *    tops at one level are a high-water mark (a prune, a GC at a threshold): no fill below it
 *    while used stays under it; a single jump up that stays (a bulk copy) is a level shift counted once.
 * 5. Trend: change points (a continuous hinge clearly better than a line, not a smooth bend) keep
 *    the latest regime; a fresh change is placed on the raw samples outside peaks. The rate is a
 *    line over the latest segment (at most four weeks), or an exponential when growth plainly
 *    speeds up: on the daily levels (a line plus a compounding part when ten days or more show
 *    it, else an exponential alone), or on the raw samples (a line plus a compounding part, caught
 *    days after the turn when the samples lie close to it and it foresees held-out samples).
 * 6. Peaks' recurrence (peaks.ts): daily, weekly, monthly by calendar day or last day, another
 *    fixed period, or none; a periodic peak's heights (above the trend) have their own trend
 *    (line or compounding). Bursts at no fixed time: the height reached at least twice in four
 *    weeks, or the highest of three or more in eight weeks (a single burst never counts).
 * 7. Fill time = min(first time trend + everyday excess >= size, first periodic peak whose
 *    envelope does not fit), none while used is held at a ceiling (a limit no peak of the last
 *    half year went above) or under a high-water mark of cleanups; the range scales the growth by ± two standard errors of the rate
 *    (at least 10%) and takes the low end of the peaks' heights. Confirmation: the model refitted
 *    without the last day must foresee the fill too (not more than twice as far off, or two days);
 *    else the end of the history is a run in progress, not yet a rate: the refit's later date
 *    stands and the alarm's date stays the early end of the range.
 * 8. nextRisk: the first peak within the horizon that does not fit, else the next one, with its
 *    PeakPattern. Self backtest: the trend cut 28/14/7/3 days back, predicting today's level.
 *
 * Statistics from simple-statistics (via stats.ts): quantiles, medians, MAD, straight lines.
 * Hand-written here, as simple-statistics has nothing of the kind: the continuous hinge search and
 * its 3x3 solve (change points), the level-series cleaning, the fill-time search (doubling, then
 * bisection), and the exponential-with-a-line acceptance tests.
 */
import { DAY, HOUR } from './linear.js';
import { curveOfFit, evalFit, expFit, expLineFit, medianOf, polyFit, quantileSorted, robustSigma, slopeStdErr, sortedCopy, type Curve } from './stats.js';
import { findEvents, findRecurrences, finishPeaks, peakPattern, valueTrend, type PeakEvent, type Periodic, type ValueTrend } from './peaks.js';
import type { Forecast, ForecastOptions, Pattern, Point, RiskyMoment } from './types.js';

export const DEFAULT_HORIZON_MS = 365 * DAY;
/**
 * The least history a forecast is made from (since the last resize): with less than three daily
 * cycles, a log rotation's ramp cannot be told from growth (a day of saw reads as weeks to full).
 */
export const MIN_SPAN_MS = 3 * DAY;
export const MIN_SAMPLES = 12;

interface Bucket {
  /** mean sample time */
  t: number;
  /** end of the bucket window */
  end: number;
  count: number;
  level: number;
  max: number;
  tMax: number;
  /** first sample at or above halfway between the level and the maximum (a peak's onset) */
  tRise: number;
  min: number;
  /** index from the end (0 = the bucket ending at the last sample) */
  age: number;
  /** the samples' index range [i0, i1] */
  i0: number;
  i1: number;
}

/** The fitted model of one history (internal; forecast() turns it into the contract). */
export interface Model {
  asOf: number;
  size: number;
  used: number;
  regimeStart: number;
  samplesUsed: number;
  notes: string[];
  bucketMs: number;
  /** trend level at time t (after the last sample: extrapolated) */
  levelAt(t: number): number;
  /** bytes per ms now */
  slope: number;
  slopeErr: number;
  /** growth speeds up (the trend is an exponential curve, not a line) */
  accelerating: boolean;
  /** the everyday excess of the maximum above the trend (bytes): typical and high */
  excess: number;
  excessHigh: number;
  /** how much more the everyday excess will be at t than now (bytes; 0 unless it clearly grows) */
  excessGrowth(t: number): number;
  /** the everyday excesses (bucket maximum above the trend, weekly peaks left out), ascending */
  everyday: number[];
  dailyAmplitude: number;
  /** the everyday peaks are regular (a daily cycle), not scattered bursts */
  regularPeaks: boolean;
  /** the noise of one sample (bytes) */
  sampleNoise: number;
  /** time of the maximum in the latest bucket (the daily cycle's phase) */
  lastMaxAt: number;
  /** the recurring transient peaks, when the peaks recur */
  periodic: Periodic | null;
  /** every recurrence of the transient peaks (periodic is the first), empty when none */
  periodics: Periodic[];
  /** the transient peaks seen (periodic or not), oldest first */
  events: PeakEvent[];
  changePoint: number | null;
  cleanups: Array<{ at: number; bytes: number }>;
  stepShare: number;
  /** the level the days' maxima have been held at for weeks (a size limit), null when none */
  ceiling: number | null;
  /**
   * the level (bytes) at which cleanups keep coming: three or more in the regime, each from a top
   * within 3% of the size of the others (a prune by hand or a GC at a high-water mark, as
   * kubelet's image GC at 85%); null when none, or when used has since passed it
   */
  watermark: number | null;
}

// ------------------------------------------------------------------------------------------------
// preparation

function cleanPoints(points: readonly Point[]): Point[] {
  const out = points.filter((p) => Number.isFinite(p.t) && Number.isFinite(p.used) && Number.isFinite(p.size) && p.size > 0);
  for (let i = 1; i < out.length; i++) {
    if (out[i]!.t < out[i - 1]!.t) {
      out.sort((a, b) => a.t - b.t);
      break;
    }
  }
  return out;
}

/**
 * When the days' levels (xs: times, ys: bytes, one a day) swing with the day of the week: the
 * trailing 7-day means at their mean times ([xs, ys] of those), else null. A weekly cycle: over the
 * last five weeks, the weekday means of the residuals from a line explain at least half their
 * variance and swing by more than `floor` bytes.
 */
function weeklyCycle(xs: readonly number[], ys: readonly number[], floor: number): [number[], number[]] | null {
  const n = xs.length;
  if (n < 21) return null;
  const from = Math.max(0, n - 35);
  const wx = xs.slice(from), wy = ys.slice(from);
  const line = polyFit(wx, wy, 1);
  if (!line) return null;
  const res = wy.map((y, i) => y - evalFit(line, wx[i]!));
  const byDay = new Map<number, number[]>();
  wx.forEach((x, i) => {
    const k = Math.floor(x / DAY) % 7;
    const a = byDay.get(k) ?? [];
    a.push(res[i]!);
    byDay.set(k, a);
  });
  if (byDay.size < 7 || [...byDay.values()].some((a) => a.length < 2)) return null;
  const means = [...byDay.values()].map((a) => a.reduce((p, v) => p + v, 0) / a.length);
  const total = res.reduce((p, v) => p + v * v, 0) / res.length;
  const seasonal = res.reduce((p, _, i) => p + means[[...byDay.keys()].indexOf(Math.floor(wx[i]! / DAY) % 7)]! ** 2, 0) / res.length;
  if (!(seasonal >= 0.5 * total) || Math.max(...means) - Math.min(...means) < 4 * floor) return null;
  const ox: number[] = [], oy: number[] = [];
  for (let i = 6; i < n; i++) {
    // 7 consecutive daily buckets (no gap of more than a day between them)
    if (xs[i]! - xs[i - 6]! > 7.5 * DAY) continue;
    let sx = 0, sy = 0;
    for (let j = i - 6; j <= i; j++) { sx += xs[j]!; sy += ys[j]!; }
    ox.push(sx / 7);
    oy.push(sy / 7);
  }
  return ox.length >= 8 ? [ox, oy] : null;
}

/**
 * A ceiling: the days' maxima held at one level for weeks (retention by size, journald's
 * SystemMaxUse, a cache's limit): over the last 21 days at least half the days reach within 0.5%
 * of the size of their highest, the latest of them within the last 3 days, and the 21 days before
 * reached as high (within 0.5%). The level (bytes), else null.
 */
function ceilingOf(buckets: readonly Bucket[], size: number): number | null {
  const last = buckets.filter((b) => b.age < 21), before = buckets.filter((b) => b.age >= 21 && b.age < 42);
  if (last.length < 14 || before.length < 14) return null;
  const top = Math.max(...last.map((b) => b.max));
  const near = last.filter((b) => b.max >= top - 0.005 * size);
  const prevTop = Math.max(...before.map((b) => b.max));
  if (near.length < last.length / 2 || !near.some((b) => b.age < 3) || prevTop < top - 0.005 * size) return null;
  // (a limit holds: peaks well above it in the last half year, such as the overlap of a release
  // and the one it replaces, make it a flat stretch between them, not a limit)
  if (buckets.some((b) => b.age < 180 && b.max > top + 0.02 * size)) return null;
  return top;
}

/**
 * The high-water mark of cleanups (bytes, see Model.watermark): `drops` are the drops' times (unix
 * ms, each the start of a daily bucket) and sizes (bytes); the top of each is the highest sample of
 * its bucket and the one before. Three drops of at least 3% of the size whose tops agree within 3%
 * of it; null when fewer, or when a sample since the latest drop (or now) is 1% of the size above.
 */
function watermarkOf(buckets: readonly Bucket[], pts: readonly Point[], drops: ReadonlyArray<{ at: number; bytes: number }>, size: number): number | null {
  const byT = new Map(buckets.map((b, k) => [b.t, k]));
  const tops: number[] = [];
  let lastK = -1;
  for (const d of [...drops].sort((a, b) => a.at - b.at)) {
    const k = byT.get(d.at);
    if (k === undefined || k < 1 || d.bytes < 0.03 * size) continue;
    tops.push(Math.max(buckets[k - 1]!.max, buckets[k]!.max));
    lastK = k;
  }
  if (tops.length < 3) return null;
  const hi = Math.max(...tops), lo = Math.min(...tops);
  if (hi - lo > 0.03 * size || hi >= size) return null;
  // (after the latest drop's bucket: its own top is before the drop)
  for (let i = buckets[lastK]!.i1 + 1; i < pts.length; i++) if (pts[i]!.used > hi + 0.01 * size) return null;
  return hi;
}

/**
 * The rounding of the samples (bytes): 1 GiB or 1 GB when every used value of the regime (the
 * latest 2000) is a multiple of it (a collector that reports whole GiB), else 0.
 */
function quantumOf(pts: readonly Point[], from: number): number {
  for (const q of [2 ** 30, 1e9]) {
    let all = true;
    for (let i = Math.max(from, pts.length - 2000); i < pts.length && all; i++) if (pts[i]!.used % q !== 0) all = false;
    if (all) return q;
  }
  return 0;
}

/**
 * Drops at a steady interval (a compaction every 9 days): three (see below) or more; from four, every interval within 35%
 * of the median interval or of a multiple of it (a drop not seen as one), most of them single, the
 * latest no more than two intervals ago. Times in unix ms, sorted.
 */
function regularDrops(at: readonly number[], asOf: number): boolean {
  const ts = [...new Set(at)].sort((a, b) => a - b);
  if (ts.length < 3) return false;
  const gaps = ts.slice(1).map((t, i) => t - ts[i]!);
  const m = medianOf(gaps);
  if (!(m > 0)) return false;
  // three drops: two intervals of a week or more that agree within 15% (a monthly clean seen thrice)
  if (ts.length === 3) return gaps[0]! >= 7 * DAY && Math.abs(gaps[0]! - gaps[1]!) <= 0.15 * m && asOf - ts[2]! <= 1.5 * m;
  let single = 0;
  for (const g of gaps) {
    const k = Math.max(1, Math.round(g / m));
    if (Math.abs(g - k * m) > 0.35 * m) return false;
    if (k === 1) single++;
  }
  return single >= 0.6 * gaps.length && asOf - ts[ts.length - 1]! <= 2 * m;
}

/** Index of the first point of the current size regime. */
function regimeStartIndex(pts: readonly Point[]): number {
  const size = pts[pts.length - 1]!.size;
  let i = pts.length - 1;
  while (i > 0 && Math.abs(pts[i - 1]!.size - size) <= size * 0.002) i--;
  return i;
}

/**
 * Buckets of `width` ms back from the last sample. skip (indexed from `from`): samples of transient
 * peaks, left out of the level (the median) when a third of the bucket remains.
 */
function makeBuckets(pts: readonly Point[], from: number, width: number, skip?: Uint8Array): Bucket[] {
  const asOf = pts[pts.length - 1]!.t;
  const out: Bucket[] = [];
  let i = pts.length - 1;
  while (i >= from) {
    const age = Math.floor((asOf - pts[i]!.t) / width);
    const end = asOf - age * width;
    const i1 = i;
    const vals: number[] = [];
    const ts: number[] = [];
    let st = 0, mx = -Infinity, tMax = 0, mn = Infinity;
    while (i >= from && Math.floor((asOf - pts[i]!.t) / width) === age) {
      const p = pts[i]!;
      vals.push(p.used);
      ts.push(p.t);
      st += p.t;
      if (p.used > mx) { mx = p.used; tMax = p.t; }
      if (p.used < mn) mn = p.used;
      i--;
    }
    let s = sortedCopy(vals);
    if (skip) {
      const calm: number[] = [];
      for (let j = i + 1; j <= i + vals.length; j++) if (!skip[j - from]) calm.push(pts[j]!.used);
      if (calm.length >= vals.length / 3 && calm.length < vals.length) s = sortedCopy(calm);
    }
    const level = quantileSorted(s, 0.5);
    // vals and ts run backwards in time: the onset is the last one found going back
    let tRise = tMax;
    for (let j = 0; j < vals.length; j++) if (vals[j]! >= (level + mx) / 2 && ts[j]! <= tMax) tRise = ts[j]!;
    out.push({ t: st / vals.length, end, count: vals.length, level, max: mx, tMax, tRise, min: mn, age, i0: i + 1, i1 });
  }
  out.reverse();
  // Partial buckets (the oldest, the edges of gaps) would bias the level (part of a daily cycle):
  // keep those with at least two thirds of the usual count, and always the latest.
  const typical = medianOf(out.map((b) => b.count));
  return out.filter((b, k) => k === out.length - 1 || b.count >= (2 * typical) / 3);
}

// ------------------------------------------------------------------------------------------------
// trend

interface TrendFit {
  curve: Curve;
  /** index into the cleaned series where the current segment starts */
  start: number;
  changePoint: number | null;
  quadratic: boolean;
  slopeErr: number;
}

/** Search the best continuous hinge; returns the break index or -1 when not significant. */
function bestHinge(xs: number[], ys: number[], minAfter: number): { k: number; f: number; sse: number } {
  const n = xs.length;
  const line = polyFit(xs, ys, 1);
  if (!line || n < 6) return { k: -1, f: 0, sse: Infinity };
  let best = { k: -1, sse: Infinity };
  for (let k = 2; k <= n - minAfter - 1; k++) {
    const tb = xs[k]!;
    // y = a + s1*min(x - tb, 0) + s2*max(x - tb, 0): solve 3x3 normal equations
    const m = [[0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]];
    for (let i = 0; i < n; i++) {
      const u = (xs[i]! - tb) / DAY;
      const r = [1, Math.min(u, 0), Math.max(u, 0)];
      for (let a = 0; a < 3; a++) {
        for (let b = 0; b < 3; b++) m[a]![b]! += r[a]! * r[b]!;
        m[a]![3]! += r[a]! * ys[i]!;
      }
    }
    const sol = solve3(m);
    if (!sol) continue;
    let sse = 0;
    for (let i = 0; i < n; i++) {
      const u = (xs[i]! - tb) / DAY;
      const r = ys[i]! - (sol[0]! + sol[1]! * Math.min(u, 0) + sol[2]! * Math.max(u, 0));
      sse += r * r;
    }
    if (sse < best.sse) best = { k, sse };
  }
  if (best.k < 0) return { k: -1, f: 0, sse: Infinity };
  const f = (line.sse - best.sse) / Math.max(best.sse / (n - 3), 1e-9 * line.sse + 1);
  return { k: best.k, f, sse: best.sse };
}

function solve3(m: number[][]): number[] | null {
  const a = m.map((r) => r.slice());
  for (let c = 0; c < 3; c++) {
    let p = c;
    for (let r = c + 1; r < 3; r++) if (Math.abs(a[r]![c]!) > Math.abs(a[p]![c]!)) p = r;
    if (Math.abs(a[p]![c]!) < 1e-12) return null;
    [a[c], a[p]] = [a[p]!, a[c]!];
    for (let r = 0; r < 3; r++) {
      if (r === c) continue;
      const f = a[r]![c]! / a[c]![c]!;
      for (let j = c; j < 4; j++) a[r]![j]! -= f * a[c]![j]!;
    }
  }
  return a.map((row, i) => row[3]! / row[i]!);
}

const F_CHANGE = 25;
const F_QUAD = 25;
const QUAD_WINDOW = 21;
const LINE_WINDOW = 28;
/** a change point this recent is placed on the raw samples (daily buckets after it are too few) */
const FRESH_CHANGE_MS = 5 * DAY;
const RECENT_CP_WINDOWS = [21, 14, 10];
/** the most daily levels the trend is fitted on (a year) */
const TREND_DAYS = 366;

/** dependence: how many points of xs/ys carry one independent value (overlapping means): scales F_CHANGE. */
function fitTrend(xs: number[], ys: number[], noiseFloor: number, quantum = 0, dependence = 1): TrendFit | null {
  const fChange = F_CHANGE * dependence;
  let start = 0;
  let changePoint: number | null = null;
  // a significant change that an exponential fits as well: acceleration if the acceleration test
  // below agrees, else taken as a change point after all
  let bend: number | null = null;
  // Change points: repeat on the latest segment while a hinge is clearly better than a line.
  for (let round = 0; round < 4; round++) {
    let off = start;
    let sx = xs.slice(off), sy = ys.slice(off);
    if (sx.length < 6) break;
    let h = bestHinge(sx, sy, 1);
    if (h.k < 0 || h.f < fChange) {
      // an older change can hide a recent one from a single hinge: look at the latest weeks alone
      for (const w of RECENT_CP_WINDOWS) {
        if (xs.length - w <= off) continue;
        const o = xs.length - w;
        const hw = bestHinge(xs.slice(o), ys.slice(o), 1);
        if (hw.k >= 0 && hw.f >= fChange && (h.k < 0 || h.f < fChange || hw.f > h.f)) {
          h = hw;
          off = o;
        }
      }
      sx = xs.slice(off);
      sy = ys.slice(off);
    }
    if (h.k < 0 || h.f < fChange) break;
    // growth that bends smoothly (acceleration) fits a parabola as well as a hinge: not a change point
    const q = expFit(sx, sy, sx[sx.length - 1]!);
    const smooth = !!q && q.b > 0 && q.sse <= h.sse * 1.25;
    // the rate must really differ (not a wiggle on a flat volume)
    const before = polyFit(sx.slice(0, h.k + 1), sy.slice(0, h.k + 1), 1);
    const after = polyFit(sx.slice(h.k), sy.slice(h.k), 1);
    if (!before || !after) break;
    const s1 = before.coef[1]! * DAY, s2 = after.coef[1]! * DAY;
    // (samples rounded to a quantum make a slow trend a staircase: a segment between two steps
    // is flat, its rate is known only to about two quanta over its length)
    const quantumRate = (2 * quantum) / Math.max((sx[sx.length - 1]! - sx[h.k]!) / DAY, 1);
    if (Math.abs(s2 - s1) < Math.max(noiseFloor, quantumRate, 0.25 * Math.max(Math.abs(s1), Math.abs(s2)))) break;
    if (smooth) {
      bend = off + h.k;
      break;
    }
    start = off + h.k;
    changePoint = xs[start]!;
  }
  const fitted = fitLatest(xs, ys, start, noiseFloor);
  if (!fitted) return null;
  if (bend !== null && !fitted.quadratic) {
    const again = fitLatest(xs, ys, bend, noiseFloor);
    if (again) return { ...again, changePoint: xs[bend]! };
  }
  return { ...fitted, changePoint };
}

/** The rate over the series from `start`: a line, or an exponential when growth plainly speeds up. */
function fitLatest(xs: number[], ys: number[], start: number, noiseFloor: number): Omit<TrendFit, 'changePoint'> | null {
  // the rate: the latest segment, at most the last LINE_WINDOW buckets (recent data weighs; an
  // older small cleanup or wobble no longer drags the rate)
  const sx = xs.slice(Math.max(start, xs.length - LINE_WINDOW)), sy = ys.slice(Math.max(start, xs.length - LINE_WINDOW));
  const line = polyFit(sx, sy, 1, sx[sx.length - 1]);
  if (!line) return null;
  let curve = curveOfFit(line);
  let quadratic = false;
  // acceleration is judged on the last three weeks (growth that speeds up keeps speeding up), or,
  // for a slow compounding the three weeks cannot show, on the last six of the segment
  for (const w of [QUAD_WINDOW, 2 * QUAD_WINDOW]) {
    if (w > QUAD_WINDOW && xs.length - start < 2 * QUAD_WINDOW) break;
    const from = Math.max(start, xs.length - w);
    const q = acceleration(xs.slice(from), ys.slice(from), noiseFloor);
    if (q) {
      curve = q;
      quadratic = true;
      break;
    }
  }
  return { curve, start, quadratic, slopeErr: slopeStdErr(sx, line) };
}

type ExpCurve = Curve & { b: number; c?: number };
/** the fewest daily levels an exponential plus a line is fitted on (four parameters) */
const EXP_LINE_MIN = 10;
/** an exponential on top of a steady rate that keeps growing (a falling line under it is no runaway) */
function expOnLine(xs: number[], ys: number[], x0: number): ExpCurve | null {
  const q = expLineFit(xs, ys, x0);
  return q && q.c >= 0 ? q : null;
}

/**
 * An exponential over the series when growth plainly speeds up (see the tests inside), else null.
 * xs: times (ms), ys: levels (bytes), noiseFloor: bytes a day. Tried first as a steady rate plus a
 * compounding part (growth that turns exponential on top of the rate it had: an exponential alone
 * takes the steady days before the turn for a slow compounding and foresees the fill late), given
 * enough levels for its four parameters; then as an exponential alone.
 */
function acceleration(qx: number[], qy: number[], noiseFloor: number): Curve | null {
  const qline = polyFit(qx, qy, 1, qx[qx.length - 1]);
  if (qx.length < 8 || !qline) return null;
  // and the speed-up must show plainly: the latest third grows clearly faster than the first
  const third = Math.max(3, Math.floor(qx.length / 3));
  const early = polyFit(qx.slice(0, third), qy.slice(0, third), 1);
  const late = polyFit(qx.slice(-third), qy.slice(-third), 1);
  const speedsUp = !!early && !!late && late.coef[1]! > 0 && late.coef[1]! > 1.2 * Math.max(early.coef[1]!, 0) + 0.0002 * Math.abs(qy[qy.length - 1]!) / DAY;
  if (!speedsUp) return null;
  const fitters: Array<[(xs: number[], ys: number[], x0: number) => ExpCurve | null, number]> = [[expFit, 3]];
  if (qx.length >= EXP_LINE_MIN) fitters.unshift([expOnLine, 4]);
  for (const [fitExp, params] of fitters) {
    const q = fitExp(qx, qy, qx[qx.length - 1]!);
    if (!q || !(q.b > 0)) continue;
    // and out of sample: fitted on the first two thirds, the exponential must foresee the last
    // third better than a line does (a wiggle of a random walk fits in sample, not ahead)
    let foresees = false;
    const cut = qx.length - third;
    const tx = qx.slice(0, cut), ty = qy.slice(0, cut);
    const eTrain = fitExp(tx, ty, tx[tx.length - 1]!);
    const lTrain = polyFit(tx, ty, 1, tx[tx.length - 1]);
    if (eTrain && lTrain && eTrain.b > 0) {
      let se = 0, sl = 0;
      for (let i = cut; i < qx.length; i++) {
        se += (qy[i]! - eTrain.at(qx[i]!)) ** 2;
        sl += (qy[i]! - evalFit(lTrain, qx[i]!)) ** 2;
      }
      foresees = se < 0.5 * sl;
    }
    // and matter: the rate now at least twice the noise floor (a wandering flat volume bends both ways)
    if (foresees && q.slopeAt(qx[qx.length - 1]!) * DAY > 2 * noiseFloor) {
      const f = (qline.sse - q.sse) / Math.max(q.sse / (qx.length - params), 1e-12);
      if (f > F_QUAD) return q;
    }
  }
  return null;
}

// ------------------------------------------------------------------------------------------------
// the model

export function fitModel(points: readonly Point[], trendOnly = false): Model | { notEnough: string[]; asOf: number; size: number; used: number; regimeStart: number; samplesUsed: number } {
  const pts = cleanPoints(points);
  if (pts.length === 0) {
    return { notEnough: ['no samples: record some with `diskblame sample` (from cron or a systemd timer)'], asOf: 0, size: 0, used: 0, regimeStart: 0, samplesUsed: 0 };
  }
  const last = pts[pts.length - 1]!;
  const asOf = last.t, size = last.size, used = last.used;
  const notes: string[] = [];
  const r = regimeStartIndex(pts);
  const regimeStart = pts[r]!.t;
  if (r > 0) {
    const before = pts[r - 1]!.size;
    notes.push(`volume resized from ${gib(before)} to ${gib(size)} on ${iso(regimeStart)}: forecasting from the new size only`);
  }
  const n = pts.length - r;
  const span = asOf - regimeStart;
  if (span < MIN_SPAN_MS || n < MIN_SAMPLES) {
    return {
      notEnough: [
        ...notes,
        `not enough data: ${n} sample${n === 1 ? '' : 's'} over ${(span / HOUR).toFixed(1)} h${r > 0 ? ' since the resize' : ''}; ` +
          `need at least ${MIN_SAMPLES} samples over ${MIN_SPAN_MS / DAY} days (three daily cycles; a week or more sees weekly jobs)`,
      ],
      asOf, size, used, regimeStart, samplesUsed: n,
    };
  }
  const bucketMs = DAY;
  // the noise of one sample (from sample-to-sample differences, robust to the rare jump)
  const diffs: number[] = [];
  for (let i = Math.max(r + 1, pts.length - 2000); i < pts.length; i++) diffs.push(pts[i]!.used - pts[i - 1]!.used);
  const sampleNoise = diffs.length >= 3 ? robustSigma(diffs) / Math.SQRT2 : 0;
  // transient peaks first: the trend is that of the samples outside them (a peak that ended in the
  // last days must not read as a change of rate)
  const found = trendOnly ? null : findEvents(pts, r, size, sampleNoise);
  let skip: Uint8Array | undefined;
  let calmEvents: PeakEvent[] = [];
  if (found) {
    skip = new Uint8Array(pts.length - r);
    // (a rise still going at the last sample is left out only in its first half day: older, it
    // may be the new rate itself)
    // (or any age when it is the latest run of a recurring peak)
    const recurring = found.events.length >= 3 ? findRecurrences(pts, r, found.events, size) : [];
    const running = recurring.flatMap((p) => p.matched).find((e) => e.open);
    for (const e of found.events) {
      if (e.open && asOf - e.onset >= DAY / 2 && e !== running) continue;
      for (let i = e.iOnset; i <= e.iEnd; i++) skip[i - r] = 1;
    }
    calmEvents = found.events.filter((e) => !e.open || asOf - e.onset < DAY / 2 || e === running);
  }
  const buckets = makeBuckets(pts, r, bucketMs, skip);
  // gaps
  let maxGap = 0;
  for (let i = r + 1; i < pts.length; i++) maxGap = Math.max(maxGap, pts[i]!.t - pts[i - 1]!.t);
  if (maxGap > 6 * HOUR) notes.push(`sampling gaps (longest ${(maxGap / HOUR).toFixed(0)} h) are bridged`);

  // --- clean the level series: spikes out, cleanups as level shifts
  const m = buckets.length;
  const lv = buckets.map((b) => b.level);
  const keep = new Array<boolean>(m).fill(true);
  const incs: number[] = [];
  for (let k = 1; k < m; k++) incs.push((lv[k]! - lv[k - 1]!) / Math.max((buckets[k]!.t - buckets[k - 1]!.t) / bucketMs, 1));
  const incMed = incs.length ? medianOf(incs) : 0;
  const incSig = incs.length >= 3 ? robustSigma(incs) : 0;
  const tol = 5 * incSig + 0.002 * size;
  // spike: far above both neighbours (slope-corrected); never the latest two buckets (they carry the news)
  for (let k = 1; k < m - 2; k++) {
    const prev = lv[k - 1]! + incMed * ((buckets[k]!.t - buckets[k - 1]!.t) / bucketMs);
    const next = lv[k + 1]! - incMed * ((buckets[k + 1]!.t - buckets[k]!.t) / bucketMs);
    if (lv[k]! - prev > tol && lv[k]! - next > tol) keep[k] = false;
  }
  const cleanups: Array<{ at: number; bytes: number; k: number }> = [];
  // the cumulative cleanup shift from each cleanup on
  const shiftSteps: Array<{ at: number; shift: number }> = [];
  const xs: number[] = [], ys: number[] = [], idx: number[] = [];
  const bursts: Array<{ at: number; endAt: number; bytes: number }> = [];
  const spikeFree = keep.slice();
  /** a bucket left out as part of a burst -> that burst (its index in bursts) */
  const burstOf = new Map<Bucket, number>();
  let shift = 0, prevK = -1;
  for (let k = 0; k < m; k++) {
    if (!keep[k]) continue;
    if (prevK >= 0) {
      const steps = Math.max((buckets[k]!.t - buckets[prevK]!.t) / bucketMs, 1);
      const d = lv[k]! - lv[prevK]!;
      if (d < 0 && d < incMed * steps - tol && -d > 0.005 * size) {
        // a burst that went away: the drop returns to where the level was before a jump up of
        // the same size (within two weeks, no cleanup between): neither growth nor a cleanup,
        // the days it stood are left out
        const burstStart = (drop: number, lastShiftAt: number): number => {
          for (let j = xs.length - 2; j >= 0 && buckets[k]!.t - xs[j]! <= 14 * DAY && xs[j]! > lastShiftAt; j--) {
            const back = lv[idx[j]!]!, up = Math.max(lv[idx[j + 1]!]!, j + 2 < xs.length ? lv[idx[j + 2]!]! : -Infinity) - back;
            const grown = incMed * Math.max((buckets[k]!.t - xs[j]!) / bucketMs, 1);
            if (up > 0.5 * drop && Math.abs(lv[k]! - back - grown) <= tol + 0.25 * drop) return j;
          }
          return -1;
        };
        const stepAt = (q: number): number => (q >= 0 && q < shiftSteps.length ? shiftSteps[q]!.at : -Infinity);
        let burstFrom = burstStart(-d, stepAt(shiftSteps.length - 1));
        let drop = -d;
        // a drop spread over two neighbouring buckets (a cleanup across midnight): the previous
        // bucket's drop, taken for a cleanup, is part of it
        const prevCleanup = cleanups[cleanups.length - 1];
        if (burstFrom < 0 && prevCleanup && prevCleanup.at === buckets[prevK]!.t && xs.length >= 2) {
          const both = lv[idx[xs.length - 2]!]! - lv[k]!;
          const j = burstStart(both, stepAt(shiftSteps.length - 2));
          if (j >= 0 && j < xs.length - 1) {
            const prevShift = shiftSteps.length >= 2 ? shiftSteps[shiftSteps.length - 2]!.shift : 0;
            shift = prevShift;
            shiftSteps.pop();
            cleanups.pop();
            burstFrom = j;
            drop = both;
          }
        }
        if (burstFrom >= 0) {
          while (xs.length > burstFrom + 1) {
            const gone = idx.pop()!;
            keep[gone] = false;
            burstOf.set(buckets[gone]!, bursts.length);
            xs.pop();
            ys.pop();
          }
          // (the buckets of its onset and of its end hold part of it too, and so do spikes left
          // out between them: their maxima are its)
          for (let q = idx[burstFrom]!; q <= k; q++) burstOf.set(buckets[q]!, bursts.length);
          bursts.push({ at: xs[burstFrom]!, endAt: buckets[k]!.t, bytes: drop });
          xs.push(buckets[k]!.t);
          ys.push(lv[k]! + shift);
          idx.push(k);
          prevK = k;
          continue;
        }
        // a cleanup: the level drops once; the growth before and after is the same process
        const freed = incMed * steps - d;
        shift += freed;
        cleanups.push({ at: buckets[k]!.t, bytes: -d, k });
        shiftSteps.push({ at: buckets[k]!.t, shift });
      }
    }
    xs.push(buckets[k]!.t);
    ys.push(lv[k]! + shift);
    idx.push(k);
    prevK = k;
  }
  // a one-off bulk copy: a single jump up, far above the usual daily change, that stays: a level
  // shift, not a rate (the growth before and after is the same process); never when jumps recur
  // (nor one step of samples rounded to a quantum: a slow trend crossing to the next whole GiB)
  const quantum = quantumOf(pts, r);
  // (after the latest cleanup: the growth since then is one process)
  const sinceCleanup = cleanups.length ? cleanups[cleanups.length - 1]!.at : -Infinity;
  if (xs.length >= 6) {
    const jumps: number[] = [];
    for (let q = 1; q < xs.length; q++) {
      if (xs[q - 1]! < sinceCleanup) continue;
      const steps = Math.max((xs[q]! - xs[q - 1]!) / bucketMs, 1);
      const up = lv[idx[q]!]! - lv[idx[q - 1]!]! - incMed * steps;
      if (up > Math.max(tol, 0.01 * size)) jumps.push(q);
    }
    // one jump, or one spread over two neighbouring buckets (a copy that ran across midnight)
    const q = jumps[0];
    const last = jumps.length === 2 && jumps[1] === q! + 1 ? jumps[1]! : q!;
    if ((jumps.length === 1 || last !== q) && last <= xs.length - 3) {
      const upTo = (j: number): number => lv[idx[j]!]! - lv[idx[q! - 1]!]! - incMed * Math.max((xs[j]! - xs[q! - 1]!) / bucketMs, 1);
      const up = upTo(last);
      let stays = true;
      for (let j = last + 1; j < xs.length; j++) if (lv[idx[j]!]! < lv[idx[last]!]! - tol - 0.5 * up) stays = false;
      if (stays && up > 0.03 * size && up > 1.5 * quantum) {
        for (let j = q!; j < ys.length; j++) ys[j]! -= j < last ? upTo(j) : up;
        shift -= up;
        // from the end of the bucket before (the jump is somewhere in this one)
        shiftSteps.push({ at: buckets[idx[q! - 1]!]!.end, shift });
        notes.push(`a one-off jump of ${gib(up)} around ${iso(xs[q!]!)} (a bulk copy?): counted once, not as a rate`);
      }
    }
  }
  // drops that keep coming (a compaction, a rotation every few days, a weekly GC) are a sawtooth,
  // not cleanups nor bursts that went away: the teeth are the excess above the saw's floor
  // (the drops' buckets: their minima are the floor)
  const drops = [...cleanups.map((c) => c.at), ...bursts.map((b) => b.endAt)].sort((a, b) => a - b);
  let floorPts: Array<{ t: number; v: number }> = [];
  // (a steady interval among the large drops: small cleanups between them do not break it)
  const dropBytes = [...cleanups.map((c) => ({ at: c.at, bytes: c.bytes })), ...bursts.map((b) => ({ at: b.endAt, bytes: b.bytes }))];
  const largest = Math.max(0, ...dropBytes.map((x) => x.bytes));
  const watermark = watermarkOf(buckets, pts, dropBytes, size);
  const large = dropBytes.filter((x) => x.bytes >= 0.5 * largest).map((x) => x.at).sort((a, b) => a - b);
  // (drops at no fixed interval that take back most of what was written, five or more in 90 days:
  // a prune by hand, a GC at a high-water mark; the volume is kept by them, not growing)
  const from90 = Math.max(regimeStart, asOf - 90 * DAY);
  const k90 = buckets.findIndex((b) => b.t >= from90);
  const drops90 = dropBytes.filter((x) => x.at > from90);
  const freed90 = drops90.reduce((a, x) => a + x.bytes, 0);
  const keptBack = k90 >= 0 && drops90.length >= 5 && freed90 >= 0.6 * (used - lv[k90]! + freed90);
  if (drops.filter((t) => t >= asOf - 35 * DAY).length >= 4 || keptBack || regularDrops(drops, asOf) || regularDrops(large, asOf)) {
    const dropSet = new Set(drops);
    floorPts = buckets.filter((b) => dropSet.has(b.t)).map((b) => ({ t: b.t, v: b.min }));
    xs.length = ys.length = idx.length = 0;
    for (let k = 0; k < m; k++) {
      if (!spikeFree[k]) continue;
      keep[k] = true;
      xs.push(buckets[k]!.t);
      ys.push(lv[k]!);
      idx.push(k);
    }
    burstOf.clear();
    shift = 0;
    shiftSteps.length = 0;
    notes.push(`${drops.length} drops seen, recurring: a sawtooth (compaction, rotation, garbage collection), its trend is that of its floor`);
    cleanups.length = 0;
    bursts.length = 0;
  } else if (cleanups.length) {
    notes.push(`${cleanups.length} cleanup${cleanups.length > 1 ? 's' : ''} seen (largest ${gib(Math.max(...cleanups.map((c) => c.bytes)))}): counted as one-off drops, not as a trend`);
  }
  if (bursts.length) {
    notes.push(`${bursts.length} burst${bursts.length > 1 ? 's' : ''} that went away again seen (largest ${gib(Math.max(...bursts.map((c) => c.bytes)))}): not a trend`);
  }
  const flat: Curve = { kind: 'line', at: () => used + shift, slopeAt: () => 0, sse: 0 };
  // A weekly cycle in the days' levels (a CI cache filled on working days, office hours): a line
  // over them depends on the weekdays at the window's ends. The trend is fitted on weekly means
  // (the mean of 7 consecutive days, at their mean time) instead.
  const weekly = weeklyCycle(xs, ys, 0.0005 * size);
  // (the trend looks back at most a year: its change-point search is quadratic in the days)
  const [txs, tys] = (weekly ? weekly : [xs, ys]).map((a) => a.slice(-TREND_DAYS));
  if (weekly) notes.push('a weekly cycle in the daily levels: the trend is that of their weekly means');
  // (7-day means that overlap by 6 days are far from independent: a hinge's F ratio on them is
  // about 7 times what the same days would give, so a change needs 7 times the F: a CI pile that
  // varies week to week is not a new rate every few weeks)
  const trend = fitTrend(txs, tys, 0.0005 * size, quantum, weekly ? 7 : 1) ?? { curve: flat, start: 0, changePoint: null, quadratic: false, slopeErr: Infinity };
  let fit = trend.curve;
  // a saw of several days (a compaction every 9 days): a line over the days' levels depends on
  // where in the cycle the window starts and ends; the floor each drop returns to does not. The
  // trend is the line through the floors (the latest eight); the teeth are the excess above it.
  const floors = floorPts.filter((f) => f.t >= Math.max(regimeStart, asOf - 120 * DAY)).slice(-8);
  if (floors.length >= 3) {
    const fl = polyFit(floors.map((f) => f.t), floors.map((f) => f.v), 1, asOf);
    if (fl) fit = curveOfFit(fl);
  }
  if (trend.changePoint !== null && asOf - trend.changePoint < FRESH_CHANGE_MS) {
    // A fresh change: the daily buckets after it are too few (and the one spanning it is a mix).
    // Where the samples are smooth within a day, place the break and the new rate on them directly.
    const refined = refineRecentChange(pts, r, trend.changePoint, buckets, calmEvents);
    if (refined && refined.slope > fit.slopeAt(asOf)) {
      const at0 = refined.levelNow + shift;
      fit = { kind: 'line', at: (t) => at0 + refined.slope * (t - asOf), slopeAt: () => refined.slope, sse: 0 };
    } else if (!refined && asOf - trend.changePoint < 2 * DAY) {
      // a change of the last two days that the samples do not confirm (the rising part of a weekly
      // cycle, a backup chain being written): not yet a new rate
      const plain = fitLatest(txs, tys, 0, 0.0005 * size);
      if (plain) {
        fit = plain.curve;
        trend.changePoint = null;
      }
    }
  }
  // growth that bends upward, seen on the samples themselves (days after a turn, before the daily
  // levels can show it; and anchored on the latest samples, not on a day's median)
  let accelerating = trend.quadratic;
  const raw = rawAcceleration(pts, r, Math.max(trend.changePoint ?? regimeStart, asOf - 21 * DAY), sampleNoise, size);
  if (raw) {
    const s0 = shift;
    fit = { kind: 'exponential', at: (t) => raw.at(t) + s0, slopeAt: (t) => raw.slopeAt(t), sse: raw.sse };
    accelerating = true;
  }
  // Episodes: a rise of days that a cleanup undid, back to where it started (a monthly snapshot
  // deleted after ten days, a queue drained). A fresh rise from that floor, no longer and no higher
  // than the episodes seen, is taken for another one: the trend is that of the floor before it.
  const episodes: Array<{ days: number; rise: number }> = [];
  for (const c of cleanups) {
    const post = lv[c.k]!;
    let j = c.k - 1;
    while (j >= 0 && lv[j]! > post + 0.25 * c.bytes) j--;
    if (j < 0 || j === c.k - 1) continue;
    const days = (buckets[c.k]!.t - buckets[j]!.t) / DAY;
    let top = -Infinity;
    for (let q = j; q < c.k; q++) top = Math.max(top, lv[q]!);
    if (days >= 2 && days <= 60 && top - lv[j]! >= 0.5 * c.bytes) episodes.push({ days, rise: top - lv[j]! });
  }
  // (bursts that went away after days are episodes too)
  for (const b of bursts) if (b.endAt - b.at >= 2 * DAY) episodes.push({ days: (b.endAt - b.at) / DAY, rise: b.bytes });
  const lastDropAt = Math.max(cleanups.length ? cleanups[cleanups.length - 1]!.at : -Infinity, ...bursts.map((b) => b.endAt));
  let episodeRise = false;
  if (episodes.length && trend.changePoint !== null && trend.changePoint > lastDropAt) {
    const cp = trend.changePoint;
    const maxDays = Math.max(...episodes.map((e) => e.days)), maxRise = Math.max(...episodes.map((e) => e.rise));
    const risen = used - medianOf(pts.filter((p) => p.t <= cp && p.t > cp - DAY).map((p) => p.used).concat([used]));
    if ((asOf - cp) / DAY < 1.5 * maxDays && risen < 1.5 * maxRise) {
      const fx: number[] = [], fy: number[] = [];
      xs.forEach((x, q) => { if (x > lastDropAt && x < cp) { fx.push(x); fy.push(ys[q]!); } });
      const fl = fx.length >= 3 ? polyFit(fx, fy, 1, asOf) : null;
      const floorFit: Curve = fl ? curveOfFit(fl) : { kind: 'line', at: () => (fy.length ? medianOf(fy) : ys[ys.length - 1]!), slopeAt: () => 0, sse: 0 };
      if (floorFit.slopeAt(asOf) < fit.slopeAt(asOf)) {
        fit = floorFit;
        accelerating = false;
        episodeRise = true;
        notes.push(`a rise since ${iso(cp)} like the ${episodes.length} seen before that a cleanup undid (up to ${gib(maxRise)} over ${maxDays.toFixed(0)} days): not taken for a rate until it outgrows them`);
      }
    }
  }
  // level at t on the real (not cleanup-adjusted) scale
  const levelAt = (t: number): number => fit.at(t) - shift;
  const slope = fit.slopeAt(asOf);
  if (trend.changePoint !== null && !episodeRise) {
    notes.push(`growth rate changed around ${iso(trend.changePoint)}: forecasting from the latest rate`);
  }

  // --- peaks above the trend (recent buckets only)
  const recent = buckets.filter((b) => b.age < 35);
  // in-sample reference for a bucket: the fitted trend (on the real scale) where the current
  // segment covers it, else the bucket's own level
  // (spike buckets left out of the fit included: their own level is raised by the spike)
  const segStart = txs[trend.start] ?? Infinity;
  const shiftAt = (t: number): number => {
    let v = 0;
    for (const c of shiftSteps) if (c.at <= t) v = c.shift;
    return v;
  };
  const trendAtBucket = (b: Bucket): number => (b.t >= segStart - bucketMs / 2 ? fit.at(b.tMax) - shiftAt(b.tMax) : b.level);
  const ex = recent.map((b) => Math.max(0, b.max - Math.min(trendAtBucket(b), b.max)));
  const amp = recent.map((b) => b.max - b.min);
  const dailyAmplitude = amp.length ? medianOf(amp) : 0;


  const peaks = !found ? null : finishPeaks(pts, r, size, found, (t) => (t >= segStart - bucketMs / 2 ? fit.at(t) - shiftAt(t) : NaN));
  const periodics = peaks?.periodics ?? [];
  const periodic = periodics[0] ?? null;
  // the everyday excess leaves the recurring peaks out: the maximum of each bucket over the samples
  // outside them (a bucket all peak: its level)
  const masked = new Uint8Array(pts.length);
  for (const p of periodics) for (const e of p.matched) for (let i = e.iOnset; i <= e.iEnd; i++) masked[i] = 1;
  const isPeak = recent.map((b) => {
    for (let i = b.i0; i <= b.i1; i++) if (masked[i]) return true;
    return false;
  });
  recent.forEach((b, k) => {
    if (!isPeak[k]) return;
    let mx = -Infinity, tm = b.tMax;
    for (let i = b.i0; i <= b.i1; i++) if (!masked[i] && pts[i]!.used > mx) { mx = pts[i]!.used; tm = pts[i]!.t; }
    ex[k] = Number.isFinite(mx) ? Math.max(0, mx - Math.min(fit.at(tm) - shiftAt(tm), mx)) : 0;
  });
  // the days of one burst that went away count once (their highest): a burst that lasted two days
  // is still a single burst, not a height reached twice
  const top = new Map<number, number>();
  recent.forEach((b, k) => {
    const g = burstOf.get(b);
    if (g !== undefined && (top.get(g) === undefined || ex[k]! > ex[top.get(g)!]!)) top.set(g, k);
  });
  const onceK = ex.flatMap((_, k) => {
    const g = burstOf.get(recent[k]!);
    return g === undefined || top.get(g) === k ? [k] : [];
  });
  const once = onceK.map((k) => ex[k]!);
  const everyday = sortedCopy(once.slice(-28));
  // The fill comes with the first peak that does not fit: the height the maximum reached above the
  // trend at least twice in the last four weeks (the second largest: a one-off spike never counts).
  // The median excess is the typical day (the late end of the range).
  let excessHigh = everyday.length >= 3 ? everyday[everyday.length - 2]! : everyday.length ? everyday[0]! : 0;
  // bursts that keep coming at no fixed time (three or more in eight weeks): the next one may be as
  // high as the highest of them
  if (peaks) {
    const matched = new Set(periodics.flatMap((p) => p.matched));
    const bursts8w = peaks.events.filter((e) => !e.open && !matched.has(e) && e.onset >= asOf - 56 * DAY);
    // (separate occasions: events within a day of each other are one, e.g. an interrupted copy)
    let occasions = 0, lastEnd = -Infinity;
    for (const e of bursts8w) {
      if (e.onset - lastEnd > DAY) occasions++;
      lastEnd = Math.max(lastEnd, e.end);
    }
    if (occasions >= 3) excessHigh = Math.max(excessHigh, ...bursts8w.map((e) => e.height));
  }
  const excess = everyday.length ? quantileSorted(everyday, 0.5) : 0;
  // regular peaks (a daily cycle) have similar heights and come at the same time of day
  let cs = 0, sn = 0;
  for (const b of recent) {
    const a = (2 * Math.PI * (b.tMax % DAY)) / DAY;
    cs += Math.cos(a);
    sn += Math.sin(a);
  }
  const sameTimeOfDay = recent.length ? Math.hypot(cs, sn) / recent.length : 0;
  const regularPeaks = everyday.length >= 5 && sameTimeOfDay > 0.7 && quantileSorted(everyday, 0.25) >= 0.6 * quantileSorted(everyday, 0.75);
  const lastMaxAt = buckets[buckets.length - 1]!.tMax;
  // a daily cycle whose excess grows (a log rotated daily that takes more each day): the top of the
  // saw climbs faster than its middle; the excess gets its own trend (as a periodic peak's heights)
  let exT = onceK.slice(-28).map((k) => recent[k]!.tMax), exV = once.slice(-28);
  let exTrend = regularPeaks ? valueTrend(exT, exV, asOf, DAY, size) : null;
  // a saw of several days: the top of each cycle (between two drops) above the floor line
  // (the tops over a longer window than the floor line: a noisy pile's growth shows over months)
  let sawTops = false;
  const topFloors = floorPts.filter((f) => f.t >= Math.max(regimeStart, asOf - 400 * DAY)).slice(-26);
  if (topFloors.length >= 3) {
    const ds = topFloors.map((f) => f.t);
    const tops: Array<{ t: number; v: number }> = [];
    for (let i = 0; i < ds.length; i++) {
      const a = ds[i]!, b = i + 1 < ds.length ? ds[i + 1]! : Infinity;
      let best: Bucket | null = null;
      for (const bk of buckets) if (bk.t > a && bk.t < b && (!best || bk.max > best.max)) best = bk;
      if (!best) continue;
      const v = best.max - levelAt(best.tMax);
      // (the cycle in progress: only once its pile is as high as a whole cycle's)
      if (b !== Infinity || v >= Math.min(...tops.map((x) => x.v))) tops.push({ t: best.tMax, v });
    }
    const cycle = medianOf(ds.slice(1).map((t, i) => t - ds[i]!));
    // the trend of the tops themselves (floor and pile grow together: a clearer signal than the
    // pile above a floor line), as an excess above that line
    const abs = tops.length >= 3 ? valueTrend(tops.map((x) => x.t), tops.map((x) => x.v + levelAt(x.t)), asOf, cycle, size) : null;
    const st: ValueTrend | null = abs ? { at: (t) => abs.at(t) - levelAt(t), sd: abs.sd, sePred: abs.sePred } : null;
    if (st) {
      sawTops = true;
      exT = tops.map((x) => x.t);
      exV = tops.map((x) => x.v);
      exTrend = st;
    }
  }
  if (exTrend) {
    // the high excess now: the trend plus the second largest excess above it (as without a trend:
    // sampling misses the top of a fast ramp by varying amounts); for the tops of a saw of several
    // days, at least two residual deviations: a pile that varies week to week meets the size
    // with its first high week, not when its mean does
    const above = sortedCopy(exV.map((v, i) => v - exTrend.at(exT[i]!)));
    excessHigh = Math.max(excessHigh, exTrend.at(asOf) + Math.max(above[above.length - 2]!, sawTops ? 2 * exTrend.sd : 0));
  }
  const excessGrowth = (t: number): number => (exTrend && t > asOf ? Math.max(0, exTrend.at(t) - exTrend.at(asOf)) : 0);

  // staircase: how much of the growth comes in single large steps
  let stepShare = 0;
  {
    // of the net growth over the last (up to) 4000 samples, the part made of jumps far above noise
    let big = 0;
    const from = Math.max(r + 1, pts.length - 4000);
    const thr = Math.max(0.003 * size, 4 * sampleNoise * Math.SQRT2);
    for (let i = from; i < pts.length; i++) {
      const d = pts[i]!.used - pts[i - 1]!.used;
      if (d > thr) big += d;
    }
    const net = pts[pts.length - 1]!.used - pts[from - 1]!.used;
    stepShare = net > 0 ? Math.min(big / net, 1) : 0;
  }

  return {
    asOf, size, used, regimeStart, samplesUsed: n, notes, bucketMs,
    levelAt, slope, slopeErr: trend.slopeErr, accelerating, excess, excessHigh, excessGrowth, everyday, dailyAmplitude, regularPeaks, sampleNoise, lastMaxAt, periodic, periodics,
    events: peaks?.events ?? [],
    changePoint: trend.changePoint, cleanups, stepShare, ceiling: ceilingOf(buckets, size), watermark,
  };
}

/**
 * An exponential y = a + b·exp(g·t) (g of 1-50% a day) fitted to the raw samples since `fromT`
 * (at least 3 days, thinned to ~400), kept only when the samples are smooth around it (residual
 * within 4 sample noises: no saw, no peaks), it explains them far better than a line, and, fitted
 * on the first two thirds, it foresees the last third far better than a line does. Null otherwise.
 */
function rawAcceleration(pts: readonly Point[], from: number, fromT: number, sampleNoise: number, size: number): Curve | null {
  const asOf = pts[pts.length - 1]!.t;
  if (asOf - fromT < 3 * DAY) return null;
  let i0 = pts.length - 1;
  while (i0 > from && pts[i0 - 1]!.t >= fromT) i0--;
  const stride = Math.max(1, Math.ceil((pts.length - i0) / 400));
  const xs: number[] = [], ys: number[] = [];
  for (let i = pts.length - 1; i >= i0; i -= stride) {
    xs.push(pts[i]!.t);
    ys.push(pts[i]!.used);
  }
  xs.reverse();
  ys.reverse();
  if (xs.length < 30) return null;
  const q = expLineFit(xs, ys, asOf);
  const line = polyFit(xs, ys, 1, asOf);
  if (!q || !line || !(q.b > 0)) return null;
  const rms = Math.sqrt(q.sse / xs.length);
  if (rms > Math.max(4 * sampleNoise, 0.0005 * size) || q.sse > 0.36 * line.sse) return null;
  // the growth must speed up plainly over the window: the rate now 1.5 times the rate at its start
  // and matter: at least 0.1% of the size a day now (a wandering flat volume bends both ways)
  if (!(q.slopeAt(asOf) > 0.001 * size / DAY) || q.slopeAt(asOf) < 1.5 * Math.max(q.slopeAt(xs[0]!), 0)) return null;
  const cut = Math.floor((xs.length * 2) / 3);
  const tx = xs.slice(0, cut), ty = ys.slice(0, cut);
  const eTrain = expLineFit(tx, ty, tx[tx.length - 1]!);
  const lTrain = polyFit(tx, ty, 1, tx[tx.length - 1]);
  if (!eTrain || !lTrain || !(eTrain.b > 0)) return null;
  let se = 0, sl = 0;
  for (let i = cut; i < xs.length; i++) {
    se += (ys[i]! - eTrain.at(xs[i]!)) ** 2;
    sl += (ys[i]! - evalFit(lTrain, xs[i]!)) ** 2;
  }
  return se < 0.5 * sl ? q : null;
}

/**
 * Hinge fit on the raw samples around a recent change point (from a day before it): the new rate
 * and the level now. Only when the samples vary little within a day before the change (no saw to
 * mistake for growth): null otherwise.
 */
function refineRecentChange(pts: readonly Point[], from: number, changePoint: number, buckets: readonly Bucket[], events: readonly PeakEvent[]): { slope: number; levelNow: number } | null {
  const asOf = pts[pts.length - 1]!.t;
  const older = buckets.filter((b) => b.end <= changePoint - DAY / 2);
  if (older.length < 3) return null;
  const amplitude = medianOf(older.map((b) => b.max - b.min));
  const xs: number[] = [], ys: number[] = [];
  // the samples outside transient peaks (a peak's ramp is not a rate; the caller keeps a rise at
  // the end older than half a day: it may be the new rate itself)
  let ev = events.length - 1;
  for (let i = pts.length - 1; i >= from && pts[i]!.t >= changePoint - DAY; i--) {
    while (ev >= 0 && events[ev]!.iOnset > i) ev--;
    if (ev >= 0 && i <= events[ev]!.iEnd) continue;
    xs.push(pts[i]!.t);
    ys.push(pts[i]!.used);
  }
  xs.reverse();
  ys.reverse();
  if (xs.length < 12) return null;
  // thin to at most ~300 samples (the hinge search is quadratic)
  const stride = Math.ceil(xs.length / 300);
  const tx = xs.filter((_, i) => i % stride === 0), ty = ys.filter((_, i) => i % stride === 0);
  const h = bestHinge(tx, ty, 3);
  if (h.k < 0) return null;
  const after = polyFit(tx.slice(h.k), ty.slice(h.k), 1, asOf);
  const before = polyFit(tx.slice(0, h.k + 1), ty.slice(0, h.k + 1), 1, asOf);
  if (!after || !before) return null;
  const s2 = after.coef[1]!, s1 = before.coef[1]!;
  if (!(amplitude < 0.5 * (s2 - s1) * DAY)) return null;
  return { slope: s2, levelNow: after.coef[0]! };
}

// ------------------------------------------------------------------------------------------------
// from the model to a fill time

/**
 * First time after asOf where the projected trend (its growth scaled by k, for the range) plus
 * `excess` (the height the peaks reach above the trend) meets the size; Infinity when not within
 * SEARCH_LIMIT_MS. The projection grows monotonically (line or exponential), so: doubling, then bisection.
 */
function crossing(mo: Model, k: number, excess: number): number {
  const level0 = mo.levelAt(mo.asOf);
  const proj = (dt: number): number => level0 + k * (mo.levelAt(mo.asOf + dt) - level0 + mo.excessGrowth(mo.asOf + dt)) + excess;
  if (proj(0) >= mo.size) return mo.asOf;
  if (!(k * mo.slope > 0) && !(k > 0 && mo.excessGrowth(mo.asOf + 30 * DAY) > 0)) return Infinity;
  let hi = HOUR;
  while (proj(hi) < mo.size) {
    hi *= 2;
    if (hi > SEARCH_LIMIT_MS * 2) return Infinity;
  }
  let lo = hi === HOUR ? 0 : hi / 2;
  while (hi - lo > 60_000) {
    const mid = (lo + hi) / 2;
    if (proj(mid) >= mo.size) hi = mid;
    else lo = mid;
  }
  return mo.asOf + hi;
}

const SEARCH_LIMIT_MS = 3 * DEFAULT_HORIZON_MS;

/**
 * The fill time: the first of the trend (growth scaled by k) plus the everyday excess meeting the
 * size, and the first recurring peak (its own height trend, `high` or low end) that does not fit.
 */
function fillTime(mo: Model, k: number, excess: number, high: boolean): number {
  let best = crossing(mo, k, excess);
  for (const p of mo.periodics) {
    const level0 = mo.levelAt(mo.asOf);
    const until = Math.min(best, mo.asOf + SEARCH_LIMIT_MS);
    // an occurrence that started up to a peak's length ago may still be rising
    for (const t of p.occurrences(mo.asOf - p.durationMs, until)) {
      const top = Math.max(t + p.riseMs, mo.asOf);
      const h = high ? p.heightAt(t) : p.heightLowAt(t);
      const base = level0 + k * (mo.levelAt(top) - level0);
      if (base + h >= mo.size) {
        // the peak rises from its onset to its top: it meets the size part of the way up
        const part = h > 0 ? Math.min(Math.max((mo.size - base) / h, 0), 1) : 1;
        best = Math.min(best, Math.max(t + part * p.riseMs, mo.asOf));
        break;
      }
    }
  }
  return best;
}

export function forecast(points: Point[], opts: ForecastOptions = {}): Forecast {
  const horizon = opts.horizonMs ?? DEFAULT_HORIZON_MS;
  const mo = fitModel(points);
  if ('notEnough' in mo) {
    return {
      status: 'not-enough-data', notes: mo.notEnough, fillsAt: null, earliest: null, latest: null, pattern: 'irregular',
      growthBytesPerDay: 0, nextRisk: null, peaks: [], backtestError: null, asOf: mo.asOf, samplesUsed: mo.samplesUsed,
      regimeStart: mo.regimeStart, sizeBytes: mo.size, usedBytes: mo.used,
    };
  }
  const within = (t: number): number | null => (Number.isFinite(t) && t - mo.asOf <= horizon ? t : null);
  const s = mo.slope;
  let fill = fillTime(mo, 1, mo.excessHigh, true);
  const notes = [...mo.notes];
  // held under a level (unless a recurring peak grows): at a ceiling below the size for weeks,
  // whatever the trend of its dips says; or under the level cleanups keep coming at (a prune, a GC
  // at a high-water mark), until used passes it and the trend speaks again
  const held = mo.periodics.some((p) => p.growthPerOccurrence > 0) ? null
    : mo.ceiling !== null && mo.ceiling < mo.size ? `used has been held at ${gib(mo.ceiling)} for weeks (a size limit: retention, a cache, journald): no fill from its trend`
    : mo.watermark !== null ? `cleanups have come each time used reached ${gib(mo.watermark)} (a prune or GC at a high-water mark): no fill from the trend while they do; a warning once used passes that level`
    : null;
  if (held !== null) {
    if (fill < Infinity) notes.push(held);
    fill = Infinity;
  }
  if (mo.used >= mo.size) fill = mo.asOf;
  // a fill the history without its last day does not foresee (or foresees much later) is not
  // confirmed yet: the later date stands, the early one stays the start of the range
  const alarm = fill;
  if (within(fill) !== null && mo.used < mo.size) {
    const again = fillWithoutLastDay(points);
    if (again > fill + Math.max(fill - mo.asOf, 2 * DAY)) fill = again;
  }
  const unconfirmed = fill !== alarm;
  // the range: the growth ± its uncertainty (two standard errors of the rate, at least 10%)
  const u = Math.min(s > 0 ? (2 * mo.slopeErr) / s : 1, 0.9) + 0.1;
  const early = Math.min(alarm, fillTime(mo, 1 + u, mo.excessHigh, true));
  const late = Math.max(fill, fillTime(mo, Math.max(1 - u, 0), mo.excess, false));

  const growthBytesPerDay = s * DAY;
  const pattern = classify(mo, within(fill) !== null);
  if (unconfirmed) {
    notes.push(`a fill around ${iso(alarm)} is not confirmed: the history without its last day foresees ${within(fill) !== null ? `it only around ${iso(fill)}` : 'none within the horizon'} (the end of the history may be a run in progress)`);
  }
  const nextRisk = riskOf(mo, horizon);
  let backtestError: number | null = null;
  if (!opts.noSelfBacktest) backtestError = selfBacktest(points, mo);
  return {
    status: 'ok', notes, fillsAt: within(fill), earliest: within(early), latest: within(late), pattern,
    growthBytesPerDay, nextRisk, peaks: peaksOf(mo, horizon), backtestError, asOf: mo.asOf, samplesUsed: mo.samplesUsed, regimeStart: mo.regimeStart,
    sizeBytes: mo.size, usedBytes: mo.used,
  };
}

/**
 * The fill time (unix ms; Infinity when none within the search limit) foreseen by the model fitted
 * on the samples up to a day before the last one: a confirmation of a predicted fill. What only the
 * last day shows (a job still running at the last sample, a backup cycle mid-rise, a copy across
 * midnight) is not yet a rate. -Infinity when that shorter history is too short to judge (nothing
 * to confirm against).
 */
function fillWithoutLastDay(points: readonly Point[]): number {
  const pts = cleanPoints(points);
  const cutAt = pts[pts.length - 1]!.t - DAY;
  let n = pts.length;
  while (n > 0 && pts[n - 1]!.t > cutAt) n--;
  const mo = fitModel(pts.slice(0, n));
  if ('notEnough' in mo) return -Infinity;
  return mo.used >= mo.size ? mo.asOf : fillTime(mo, 1, mo.excessHigh, true);
}

function classify(mo: Model, fillsWithinHorizon: boolean): Pattern {
  const perDay = mo.slope * DAY;
  if (mo.periodics.length) return 'periodic-peaks';
  if (perDay < -0.001 * mo.size) return 'shrinking';
  if (mo.accelerating) return 'accelerating';
  if (mo.dailyAmplitude > Math.max(1.5 * Math.abs(perDay), 0.005 * mo.size)) return mo.regularPeaks ? 'sawtooth' : 'irregular';
  if (mo.stepShare > 0.6 && perDay > 0) return 'steps';
  if (!fillsWithinHorizon && Math.abs(perDay) < 0.0005 * mo.size) return 'flat';
  return mo.cleanups.length ? 'irregular' : 'steady';
}

function riskOf(mo: Model, horizon: number): RiskyMoment | null {
  const level = (t: number): number => mo.levelAt(t);
  // over every recurring peak: the first occurrence within the horizon that will not fit, else
  // the next occurrence of any
  type Pick = { at: number; used: number; h: number; p: Periodic };
  let pick = null as Pick | null;
  let firstFail = null as Pick | null;
  for (const p of mo.periodics) {
    for (const t of p.occurrences(mo.asOf - p.durationMs, mo.asOf + horizon)) {
      const top = Math.max(t + p.riseMs, mo.asOf);
      const h = p.heightAt(t);
      const u = level(top) + h;
      if (!pick || t < pick.at) pick = { at: t, used: u, h, p };
      if (u >= mo.size) {
        if (!firstFail || t < firstFail.at) firstFail = { at: t, used: u, h, p };
        break;
      }
      if (firstFail && t >= firstFail.at) break;
    }
  }
  const chosen = firstFail ?? pick;
  if (chosen) {
    const peak = peakPattern(chosen.p, mo.events, chosen.at, chosen.h);
    return { at: chosen.at, expectedUsed: chosen.used, fits: chosen.used < mo.size, what: peakWords(peak), peak };
  }
  if (mo.excessHigh > Math.max((mo.regularPeaks ? 0.005 : 0.01) * mo.size, 4 * mo.sampleNoise)) {
    if (mo.regularPeaks) {
      let at = mo.lastMaxAt + DAY;
      while (at <= mo.asOf) at += DAY;
      const expectedUsed = level(at) + mo.excessHigh;
      return { at, expectedUsed, fits: expectedUsed < mo.size, what: `daily peak (~${hhmm(at)} UTC), +${gib(mo.excessHigh)} above the trend` };
    }
    const at = mo.asOf + DAY;
    const expectedUsed = level(at) + mo.excessHigh;
    const bursts = mo.events.filter((e) => !e.open);
    return {
      at, expectedUsed, fits: expectedUsed < mo.size,
      peak: bursts.length >= 2 ? peakPattern(null, bursts, at, mo.excessHigh) : null,
      what: `short bursts reach +${gib(mo.excessHigh)} above the trend (seen at least twice in 4 weeks), at any time: within the next 24 h`,
    };
  }
  return null;
}

/** Every recurring peak with its next occurrence within the horizon (Forecast.peaks). */
function peaksOf(mo: Model, horizon: number): import('./types.js').PeakPattern[] {
  return mo.periodics.flatMap((p) => {
    const next = p.occurrences(mo.asOf - p.durationMs, mo.asOf + horizon)[0];
    return next === undefined ? [] : [peakPattern(p, mo.events, next, p.heightAt(next))];
  });
}

/**
 * The model's own backtest on this history: cut it 28, 14, 7 and 3 days before the last sample
 * (cuts with at least 3 days of the regime before them), predict the trend level at the last sample
 * and compare with the level seen there (the median of the last bucket). Median relative error;
 * null when the history is too short for any cut.
 */
function selfBacktest(points: readonly Point[], mo: Model): number | null {
  const pts = cleanPoints(points);
  const end = mo.asOf;
  const lastBucket = pts.filter((p) => p.t > end - mo.bucketMs).map((p) => p.used);
  const actual = medianOf(lastBucket);
  if (!(actual > 0)) return null;
  const errs: number[] = [];
  for (const d of [28, 14, 7, 3]) {
    const cut = end - d * DAY;
    if (cut - mo.regimeStart < 3 * DAY) continue;
    let n = 0;
    while (n < pts.length && pts[n]!.t <= cut) n++;
    const m = fitModel(pts.slice(0, n), true);
    if ('notEnough' in m) continue;
    const pred = m.levelAt(end);
    errs.push(Math.abs(pred - actual) / actual);
  }
  return errs.length ? medianOf(errs) : null;
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** The model's own (UTC) words for a recurring peak; the reports re-word from the PeakPattern. */
function peakWords(p: import('./types.js').PeakPattern): string {
  const at = p.nextAt;
  const grow = p.growthPerOccurrence > 0 ? `, growing ${gib(p.growthPerOccurrence)} each run` : '';
  const tail = `, +${gib(p.nextHeight)} transient${grow}`;
  switch (p.recurrence) {
    case 'daily': return `daily peak (~${hhmm(at)} UTC)${tail}`;
    case 'weekly': return `weekly peak (${WEEKDAYS[new Date(at).getUTCDay()]} ${hhmm(at)} UTC)${tail}`;
    case 'monthly-day': return `monthly peak (day ${p.dayOfMonth} ${hhmm(at)} UTC)${tail}`;
    case 'monthly-last': return `monthly peak (last day ${hhmm(at)} UTC)${tail}`;
    case 'period': return `peak every ${((p.periodMs ?? 0) / HOUR).toFixed(1)} h (next ${iso(at)})${tail}`;
    default: return `peaks at no fixed time${tail}`;
  }
}

function hhmm(t: number): string {
  const d = new Date(t);
  return `${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}`;
}

function gib(bytes: number): string {
  const g = bytes / 2 ** 30;
  return g >= 100 ? `${g.toFixed(0)} GiB` : g >= 1 ? `${g.toFixed(1)} GiB` : `${(bytes / 2 ** 20).toFixed(0)} MiB`;
}

function iso(t: number): string {
  const d = new Date(t);
  // (a time past the calendar's end, year 275760, has no date)
  return Number.isFinite(d.getTime()) ? d.toISOString().slice(0, 16).replace('T', ' ') + ' UTC' : 'beyond the calendar';
}
