/**
 * Transient peaks above a volume's trend, and how they recur. Pure (no I/O).
 *
 * 1. Baseline: a rolling median of used over ±36 h (evaluated hourly, on at most ~150 samples a
 *    window): peaks shorter than a day and a half are left out of it, steps (cleanups) are kept sharp.
 * 2. Events: runs of samples whose residual above the baseline exceeds max(5 sigma, 0.8% of the size)
 *    (sigma from the MAD of the residuals); the onset is the first sample of the run above one sigma
 *    (when used first rose above the trend), the end the first sample back below it.
 * 3. Recurrence: the onsets are tested against daily, weekly, monthly-by-day, monthly-last-day and
 *    a fixed period estimated from the intervals (a regression of the onsets on their cycle numbers);
 *    a recurrence must match most events and most expected cycles (where there are samples), or,
 *    among other jobs' runs, a third of them and nearly every cycle. Jobs on one grid, or left over
 *    together, are told apart by their heights (a factor of two between them). Else the events are
 *    aperiodic bursts.
 * 4. Heights: a periodic peak's heights get their own trend (a line over the recent occurrences,
 *    kept only when clearly growing): the next occurrences' heights come from it.
 *
 * Hand-written (simple-statistics has no rolling median, event finding or calendar recurrence); the
 * quantiles, medians, MAD and regressions are simple-statistics'.
 */
import { linearRegression, linearRegressionLine, median, medianAbsoluteDeviation, quantileSorted } from 'simple-statistics';
import { DAY, HOUR } from './linear.js';
import type { PeakPattern, PeakRecurrence, Point } from './types.js';

export interface PeakEvent {
  /** first sample above one sigma (unix ms) and its index */
  onset: number;
  iOnset: number;
  /** first sample back below one sigma (or the last sample when still open) and its index */
  end: number;
  iEnd: number;
  /** when the peak reaches its top (its first sample at 90% of the height), and the height (bytes above the surroundings) */
  peakAt: number;
  height: number;
  /** still going at the last sample */
  open: boolean;
}

export interface PeakAnalysis {
  events: PeakEvent[];
  /** per sample (index from `from`): part of an event */
  inEvent: Uint8Array;
  sigma: number;
  /** the recurrence found, null when the events have none (or there are none) */
  periodic: Periodic | null;
  /** every recurrence found (periodic is the first), empty when none */
  periodics: Periodic[];
}

export interface Periodic {
  recurrence: Exclude<PeakRecurrence, 'aperiodic'>;
  periodMs: number | null;
  dayOfMonth?: number;
  /** daily on some UTC weekdays only (0 = Sunday), ascending; absent: every day */
  weekdays?: number[];
  monthWeekday?: { nth: number; weekday: number };
  workday?: 'first' | 'last';
  /** the matched events, oldest first */
  matched: PeakEvent[];
  /** the occurrence times (onsets) after `after`, up to `until` */
  occurrences(after: number, until: number): number[];
  /** typical onset to maximum (ms) */
  riseMs: number;
  durationMs: number;
  /** expected transient height of an occurrence starting at t (bytes) */
  heightAt(t: number): number;
  /** bytes more per occurrence (0 when not clearly growing) */
  growthPerOccurrence: number;
  /** a lower height for the late end of the range */
  heightLowAt(t: number): number;
}

const WINDOW_MS = 36 * HOUR;
const GRID_MS = HOUR;
const MAX_WINDOW_SAMPLES = 151;
const MONTH_MS = 30.44 * DAY;

/** Rolling median baseline at each sample from `from` (see the file comment). */
function baseline(pts: readonly Point[], from: number): Float64Array {
  const n = pts.length - from;
  const out = new Float64Array(n);
  if (n === 0) return out;
  const t0 = pts[from]!.t, t1 = pts[pts.length - 1]!.t;
  const grid: number[] = [], val: number[] = [];
  let lo = from, hi = from;
  for (let g = t0; g <= t1 + GRID_MS; g += GRID_MS) {
    while (lo < pts.length && pts[lo]!.t < g - WINDOW_MS) lo++;
    while (hi < pts.length && pts[hi]!.t <= g + WINDOW_MS) hi++;
    if (hi - lo < 3) continue;
    const stride = Math.max(1, Math.ceil((hi - lo) / MAX_WINDOW_SAMPLES));
    const w: number[] = [];
    for (let i = lo; i < hi; i += stride) w.push(pts[i]!.used);
    grid.push(g);
    val.push(quantileSorted(Float64Array.from(w).sort() as unknown as number[], 0.5));
  }
  // a one-sided window at either end lags the trend: continue the slope from a window inside instead
  const fixEnd = (fromStart: boolean): void => {
    const m = grid.length;
    const edge = fromStart ? grid[0]! + WINDOW_MS : grid[m - 1]! - WINDOW_MS;
    const inner = fromStart ? edge + WINDOW_MS : edge - WINDOW_MS;
    const at = (t: number): number => interp(grid, val, t);
    if (fromStart ? inner > grid[m - 1]! : inner < grid[0]!) return;
    const slope = (at(edge) - at(inner)) / (edge - inner);
    const base = at(edge);
    for (let k = 0; k < m; k++) {
      if (fromStart ? grid[k]! < edge : grid[k]! > edge) val[k] = base + slope * (grid[k]! - edge);
    }
  };
  if (grid.length >= 2) {
    fixEnd(false);
    fixEnd(true);
  }
  for (let i = 0; i < n; i++) out[i] = grid.length ? interp(grid, val, pts[from + i]!.t) : pts[from + i]!.used;
  return out;
}

function interp(xs: readonly number[], ys: readonly number[], x: number): number {
  if (x <= xs[0]!) return ys[0]!;
  const m = xs.length;
  if (x >= xs[m - 1]!) return ys[m - 1]!;
  // grid is regular except where windows were empty: binary search
  let a = 0, b = m - 1;
  while (b - a > 1) {
    const c = (a + b) >> 1;
    if (xs[c]! <= x) a = c;
    else b = c;
  }
  const f = (x - xs[a]!) / (xs[b]! - xs[a]!);
  return ys[a]! + f * (ys[b]! - ys[a]!);
}

/**
 * Find the transient peaks of pts[from..] and their recurrence. size: the volume's size (bytes);
 * sampleNoise: the noise of one sample (bytes).
 */
export function analysePeaks(pts: readonly Point[], from: number, size: number, sampleNoise: number, trendAt?: (t: number) => number): PeakAnalysis {
  return finishPeaks(pts, from, size, findEvents(pts, from, size, sampleNoise), trendAt);
}

/**
 * Steps 2-4 on events found by findEvents: their heights (above trendAt where it is finite, else
 * above their surroundings) and their recurrence.
 */
export function finishPeaks(pts: readonly Point[], from: number, size: number, found: Omit<PeakAnalysis, 'periodic' | 'periodics'>, trendAt?: (t: number) => number): PeakAnalysis {
  const { events } = found;
  for (const e of events) e.height = localHeight(pts, from, e, trendAt);
  const periodics = findRecurrences(pts, from, events, size);
  return { ...found, periodic: periodics[0] ?? null, periodics };
}

/** Step 1-2: the events above the rolling baseline (heights above the baseline, refined by finishPeaks). */
export function findEvents(pts: readonly Point[], from: number, size: number, sampleNoise: number): Omit<PeakAnalysis, 'periodic' | 'periodics'> {
  const n = pts.length - from;
  const inEvent = new Uint8Array(n);
  if (n < 12) return { events: [], inEvent, sigma: 0 };
  const base = baseline(pts, from);
  const res = new Float64Array(n);
  for (let i = 0; i < n; i++) res[i] = pts[from + i]!.used - base[i]!;
  const sigma = Math.max(1.4826 * medianAbsoluteDeviation(Array.from(res)), sampleNoise, 1);
  const thr = Math.max(5 * sigma, 0.008 * size);
  const low = Math.max(sigma, 0.2 * thr);
  const events: PeakEvent[] = [];
  let i = 0;
  while (i < n) {
    if (res[i]! <= thr) { i++; continue; }
    let a = i;
    while (a > 0 && res[a - 1]! > low && (events.length === 0 || a - 1 > events[events.length - 1]!.iEnd - from)) a--;
    let b = i, top = i;
    while (b + 1 < n && res[b + 1]! > low) {
      b++;
      if (res[b]! > res[top]!) top = b;
    }
    const open = b === n - 1;
    const prev = events[events.length - 1];
    // a dip of one sample inside a peak: the same event
    if (prev && pts[from + a]!.t - prev.end < 30 * 60_000) {
      prev.iEnd = from + b;
      prev.end = pts[from + b]!.t;
      prev.open = open;
      if (res[top]! > prev.height) { prev.height = res[top]!; prev.peakAt = pts[from + top]!.t; }
    } else {
      events.push({
        onset: pts[from + a]!.t, iOnset: from + a, end: pts[from + Math.min(b + 1, n - 1)]!.t, iEnd: from + b,
        peakAt: pts[from + top]!.t, height: res[top]!, open,
      });
    }
    for (let k = a; k <= b; k++) inEvent[k] = 1;
    i = b + 1;
  }
  return { events, inEvent, sigma };
}

/**
 * An event's height: above the model's trend (trendAt, real scale; NaN where it does not cover the
 * event), else above its own surroundings (the median of the samples in the 3 h before its onset
 * and after its end, a line between the two); the mean of the three highest samples of a long
 * peak, the highest of a short one.
 */
function localHeight(pts: readonly Point[], from: number, e: PeakEvent, trendAt?: (t: number) => number): number {
  if (trendAt && Number.isFinite(trendAt(e.onset))) return topAbove(pts, e, trendAt);
  const pre: number[] = [], post: number[] = [];
  for (let i = e.iOnset - 1; i >= from && pts[i]!.t >= e.onset - 3 * HOUR && pre.length < 24; i--) pre.push(pts[i]!.used);
  for (let i = e.iEnd + 1; i < pts.length && pts[i]!.t <= e.end + 3 * HOUR && post.length < 24; i++) post.push(pts[i]!.used);
  if (pre.length < 2 && post.length < 2) return e.height;
  const a = pre.length >= 2 ? median(pre) : median(post);
  const b = post.length >= 2 && !e.open ? median(post) : a;
  const span = Math.max(e.end - e.onset, 1);
  return topAbove(pts, e, (t) => a + ((b - a) * (t - e.onset)) / span);
}

/** The top of an event above a reference curve (see localHeight); sets e.peakAt. */
function topAbove(pts: readonly Point[], e: PeakEvent, ref: (t: number) => number): number {
  const tops: number[] = [];
  for (let i = e.iOnset; i <= e.iEnd; i++) tops.push(pts[i]!.used - ref(pts[i]!.t));
  const sorted = tops.slice().sort((x, y) => y - x);
  // the mean of the three highest samples when the peak has many, else its highest
  // (a plateau: its three highest are close; a spike: its highest)
  const k = sorted.length >= 9 && sorted[0]! - sorted[2]! <= 0.03 * Math.abs(sorted[0]!) ? 3 : 1;
  let sum = 0;
  for (let i = 0; i < k; i++) sum += sorted[i]!;
  const h = sum / k;
  const j = tops.findIndex((v) => v >= 0.9 * h);
  if (j >= 0) e.peakAt = pts[e.iOnset + j]!.t;
  return h;
}

// ------------------------------------------------------------------------------------------------
// recurrence

interface Schedule {
  recurrence: Periodic['recurrence'];
  periodMs: number | null;
  dayOfMonth?: number;
  weekdays?: number[];
  monthWeekday?: { nth: number; weekday: number };
  workday?: 'first' | 'last';
  /** the scheduled onset nearest to t */
  nearest(t: number): number;
  /** scheduled onsets in (a, b] */
  between(a: number, b: number): number[];
  tolMs: number;
  /** least matched onsets to believe it */
  minMatched: number;
}

function fixedSchedule(recurrence: Periodic['recurrence'], period: number, phase: number, minMatched: number): Schedule {
  const nearest = (t: number): number => phase + Math.round((t - phase) / period) * period;
  return {
    recurrence, periodMs: period, nearest, minMatched,
    tolMs: Math.max(1.5 * HOUR, 0.04 * period),
    between: (a, b) => {
      const out: number[] = [];
      for (let t = phase + Math.floor((a - phase) / period) * period; t <= b; t += period) if (t > a) out.push(t);
      return out;
    },
  };
}

/**
 * A daily schedule that runs on some UTC weekdays only (a job on weekdays, or skipping Sundays):
 * the weekdays of the daily slots the onsets fell in, when the onsets span at least two weeks and
 * one to five weekdays never had one (each of them seen at least twice: not a sampling gap).
 * null when every weekday had runs.
 */
function weekdaySchedule(onsets: readonly number[], phase: number, pts: readonly Point[], from: number): Schedule | null {
  if (onsets.length < 6 || onsets[onsets.length - 1]! - onsets[0]! < 14 * DAY) return null;
  const daily = fixedSchedule('daily', DAY, phase, 3);
  const hits = new Array<number>(7).fill(0);
  for (const o of onsets) {
    const slot = daily.nearest(o);
    if (Math.abs(o - slot) <= daily.tolMs) hits[new Date(slot).getUTCDay()]!++;
  }
  const most = Math.max(...hits);
  const on = hits.map((h) => h >= Math.max(1, 0.3 * most));
  const off = on.filter((x) => !x).length;
  if (off < 1 || off > 5) return null;
  // every skipped weekday was seen (samples around its slot) at least twice
  const seenOff = new Array<number>(7).fill(0);
  for (const t of daily.between(onsets[0]! - daily.tolMs, onsets[onsets.length - 1]!)) {
    const wd = new Date(t).getUTCDay();
    if (!on[wd] && seen(pts, from, t + daily.tolMs / 2)) seenOff[wd]!++;
  }
  if (on.some((x, wd) => !x && seenOff[wd]! < 2)) return null;
  const weekdays = on.flatMap((x, wd) => (x ? [wd] : []));
  const runs = (t: number): boolean => on[new Date(t).getUTCDay()]!;
  return {
    ...daily, weekdays, minMatched: 4,
    nearest: (t) => {
      // the nearest slot on a running weekday
      const base = daily.nearest(t);
      let best = Infinity;
      for (let k = -3; k <= 3; k++) {
        const c = base + k * DAY;
        if (runs(c) && Math.abs(c - t) < Math.abs(best - t)) best = c;
      }
      return best;
    },
    between: (a, b) => daily.between(a, b).filter(runs),
  };
}

/**
 * The phase (ms, 0..period) most onsets share modulo period: the densest window of width 2·tol
 * (onsets of other jobs elsewhere in the cycle do not pull it), then the circular mean inside it.
 */
function densestPhase(onsets: readonly number[], period: number, tol: number): number {
  const ph = onsets.map((o) => ((o % period) + period) % period).sort((a, b) => a - b);
  const n = ph.length;
  if (n === 0) return 0;
  // circular: the phases again shifted by one period
  const ext = ph.concat(ph.map((v) => v + period));
  let best = 0, bestCount = 0;
  for (let i = 0, j = 0; i < n; i++) {
    while (j < i + n && ext[j]! <= ext[i]! + 2 * tol) j++;
    if (j - i > bestCount) {
      bestCount = j - i;
      best = i;
    }
  }
  const inside = ext.slice(best, best + bestCount);
  return phaseOf(inside, period);
}

/** the circular mean phase of onsets modulo period */
function phaseOf(onsets: readonly number[], period: number): number {
  let c = 0, s = 0;
  for (const o of onsets) {
    const a = (2 * Math.PI * (((o % period) + period) % period)) / period;
    c += Math.cos(a);
    s += Math.sin(a);
  }
  const ang = Math.atan2(s, c);
  return (((ang / (2 * Math.PI)) * period) % period + period) % period;
}

/** On calendar day `dom` of each month (none in months too short), or on the last day. */
function monthlySchedule(kind: 'monthly-day' | 'monthly-last', dom: number, timeOfDay: number): Schedule {
  const dayIn = (y: number, m: number): number | null => {
    const last = dim(y, m);
    return kind === 'monthly-last' ? last : dom <= last ? dom : null;
  };
  return calendarSchedule(kind, dayIn, timeOfDay, 0, { minMatched: 2, dayOfMonth: kind === 'monthly-day' ? dom : undefined });
}

/**
 * A schedule on a day of each month given by `dayIn(year, month)` (a UTC calendar day, or null
 * when the month has none), at `timeOfDay` ms, moved by `shift` ms (a job at 02:00 local time east
 * of UTC runs the UTC day before).
 */
function calendarSchedule(recurrence: 'monthly-day' | 'monthly-last' | 'monthly-weekday' | 'monthly-workday', dayIn: (y: number, m: number) => number | null, timeOfDay: number, shift: number, extra: Partial<Schedule>): Schedule {
  const inMonth = (y: number, m: number): number | null => {
    const d = dayIn(y, m);
    return d === null ? null : Date.UTC(y, m, d) + timeOfDay + shift;
  };
  const around = (t: number, before: number, after: number): number[] => {
    const d = new Date(t - shift);
    const out: number[] = [];
    for (let k = -before; k <= after; k++) {
      const v = inMonth(d.getUTCFullYear(), d.getUTCMonth() + k);
      if (v !== null) out.push(v);
    }
    return out;
  };
  return {
    recurrence, periodMs: null, minMatched: 3, tolMs: 3 * HOUR, ...extra,
    nearest: (t) => {
      let best = Infinity;
      for (const v of around(t, 1, 1)) if (Math.abs(v - t) < Math.abs(best - t)) best = v;
      return best;
    },
    between: (a, b) => {
      const out: number[] = [];
      const months = Math.ceil((b - a) / MONTH_MS) + 2;
      for (const v of around(a, 1, months)) if (v > a && v <= b) out.push(v);
      return out;
    },
  };
}

const dim = (y: number, m: number): number => new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
const dow = (y: number, m: number, d: number): number => new Date(Date.UTC(y, m, d)).getUTCDay();

/** the most common value */
function mode(xs: readonly number[]): number {
  const c = new Map<number, number>();
  for (const x of xs) c.set(x, (c.get(x) ?? 0) + 1);
  return [...c].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0]![0];
}

/**
 * The calendar-month schedules the onsets may follow (each also a day earlier and later, for a
 * job's local day): the nth weekday (first Monday, last Friday) and the first or last working day.
 */
function monthCalendarCandidates(onsets: readonly number[]): Schedule[] {
  const out: Schedule[] = [];
  if (onsets.length < 3 || onsets[onsets.length - 1]! - onsets[0]! < 55 * DAY) return out;
  for (const shift of [-DAY, 0, DAY]) {
    const sh = onsets.map((o) => o - shift);
    const tod = median(sh.map((o) => ((o % DAY) + DAY) % DAY));
    const dates = sh.map((o) => new Date(o));
    const weekday = mode(dates.map((d) => d.getUTCDay()));
    const nths = dates.map((d) => (d.getUTCDate() + 7 > dim(d.getUTCFullYear(), d.getUTCMonth()) ? -1 : Math.ceil(d.getUTCDate() / 7)));
    const firstN = dates.map((d) => Math.ceil(d.getUTCDate() / 7));
    // the last one when most are last, else the nth counted from the start
    const nth = nths.filter((n) => n === -1).length > onsets.length / 2 ? -1 : mode(firstN);
    if (nth <= 4) {
      out.push(calendarSchedule('monthly-weekday', (y, m) => {
        if (nth === -1) {
          const last = dim(y, m);
          return last - ((dow(y, m, last) - weekday + 7) % 7);
        }
        return 1 + ((weekday - dow(y, m, 1) + 7) % 7) + 7 * (nth - 1);
      }, tod, shift, { monthWeekday: { nth, weekday } }));
    }
    out.push(calendarSchedule('monthly-workday', (y, m) => {
      let d = 1;
      while (dow(y, m, d) === 0 || dow(y, m, d) === 6) d++;
      return d;
    }, tod, shift, { workday: 'first' }));
    out.push(calendarSchedule('monthly-workday', (y, m) => {
      let d = dim(y, m);
      while (dow(y, m, d) === 0 || dow(y, m, d) === 6) d--;
      return d;
    }, tod, shift, { workday: 'last' }));
  }
  return out;
}

function candidates(pts: readonly Point[], from: number, events: readonly PeakEvent[], key: (e: PeakEvent) => number): Schedule[] {
  const onsets = events.map(key);
  const tolOf = (period: number): number => Math.max(1.5 * HOUR, 0.04 * period);
  const out: Schedule[] = [
    fixedSchedule('daily', DAY, densestPhase(onsets, DAY, tolOf(DAY)), 3),
    fixedSchedule('weekly', 7 * DAY, densestPhase(onsets, 7 * DAY, tolOf(7 * DAY)), 2),
  ];
  const weekdays = weekdaySchedule(onsets, densestPhase(onsets, DAY, tolOf(DAY)), pts, from);
  if (weekdays) out.push(weekdays);
  // the periods jobs are usually given (cron's */2 .. */12 hours, every other day, fortnightly)
  for (const h of [2, 3, 4, 6, 8, 12, 48, 336]) {
    const period = h * HOUR;
    if (onsets.length >= 3 && onsets[onsets.length - 1]! - onsets[0]! >= 3 * period) {
      out.push(fixedSchedule('period', period, densestPhase(onsets, period, tolOf(period)), 3));
    }
  }
  // calendar months: the most common UTC day of the onsets, and the last day of the month
  const days = onsets.map((o) => new Date(o).getUTCDate());
  const counts = new Map<number, number>();
  for (const d of days) counts.set(d, (counts.get(d) ?? 0) + 1);
  const dom = [...counts].sort((a, b) => b[1] - a[1])[0]![0];
  const tod = median(onsets.map((o) => o % DAY));
  out.push(monthlySchedule('monthly-day', dom, tod));
  out.push(monthlySchedule('monthly-last', 31, tod));
  out.push(...monthCalendarCandidates(onsets));
  // another fixed period: the median interval, refined by a regression of onsets on cycle numbers
  if (onsets.length >= 3) {
    const gaps = onsets.slice(1).map((o, k) => o - onsets[k]!);
    const p0 = median(gaps);
    if (p0 >= 2 * HOUR) {
      const data = onsets.map((o) => [Math.round((o - onsets[0]!) / p0), (o - onsets[0]!) / HOUR]);
      const l = linearRegression(data);
      const period = l.m > 0 ? l.m * HOUR : p0;
      if (Math.abs(period - DAY) > 0.02 * DAY && Math.abs(period - 7 * DAY) > 0.02 * 7 * DAY) {
        // (a period no job is usually given needs four runs: any three events fit some period)
        out.push(fixedSchedule('period', period, ((onsets[0]! + l.b * HOUR) % period + period) % period, 4));
      }
    }
  }
  return out;
}

/** Has the history samples around t (so an occurrence there could have been seen)? */
function seen(pts: readonly Point[], from: number, t: number): boolean {
  let lo = from, hi = pts.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (pts[mid]!.t < t) lo = mid + 1;
    else hi = mid;
  }
  return lo < pts.length && pts[lo]!.t - t < 2 * HOUR && lo > from && t - pts[lo - 1]!.t < 2 * HOUR;
}

/**
 * The recurrence of the events: by their onsets, else by the times they reach their tops (a job
 * that rises out of a sawtooth, a compaction at the end of a garbage ramp, has a vague onset and a
 * sharp top).
 */
export function findRecurrence(pts: readonly Point[], from: number, events: readonly PeakEvent[], size: number): Periodic | null {
  return recurrenceBy(pts, from, events, size, (e) => e.onset) ?? recurrenceBy(pts, from, events, size, (e) => e.peakAt);
}

/**
 * Every recurrence among the events (a nightly job and a weekly one are two): the best one, then
 * the best among the events it leaves unmatched, and so on (at most three). Oldest-first matched
 * events; empty when none recur.
 */
export function findRecurrences(pts: readonly Point[], from: number, events: readonly PeakEvent[], size: number, depth = 0): Periodic[] {
  const out: Periodic[] = [];
  let rest = events.slice();
  while (out.length < 4 && rest.length >= 2) {
    let p = findRecurrence(pts, from, rest, size);
    // none among the rest as a whole (three jobs' runs left over, the largest a few of them): the
    // runs far higher than the others (see upperCluster) may be one job's on their own
    const high = p ? [] : upperCluster(rest);
    if (high.length >= 2) p = findRecurrence(pts, from, high, size);
    if (!p) break;
    // jobs on one grid (a 12-hourly job, a Mon/Wed/Fri one and a weekly one, all on the hour)
    // match the finest schedule together: the runs far higher than its usual height are jobs of
    // their own when they recur on their own
    if (depth < 2) {
      // (far above the heights' own line: the job's usual runs may grow)
      const hs = p.matched.map((e) => e.height);
      const med = median(hs);
      const line = p.matched.length >= 3 ? linearRegressionLine(linearRegression(p.matched.map((e) => [e.onset / DAY, e.height]))) : () => med;
      const res = p.matched.map((e) => e.height - line(e.onset / DAY));
      const sigma = res.length >= 3 ? 1.4826 * medianAbsoluteDeviation(res) : 0;
      let big = p.matched.filter((e, i) => res[i]! > Math.max(5 * sigma, 0.1 * med));
      if (!(big.length >= 2 && big.length <= p.matched.length / 2)) big = upperCluster(p.matched);
      if (big.length >= 2 && big.length < p.matched.length) {
        const subs = findRecurrences(pts, from, big, size, depth + 1);
        if (subs.length) {
          const moved = new Set(subs.flatMap((q) => q.matched));
          const small = findRecurrence(pts, from, p.matched.filter((e) => !moved.has(e)), size);
          out.push(...subs);
          rest = rest.filter((e) => !moved.has(e));
          if (!small) continue;
          p = small;
        }
      }
    }
    out.push(p);
    const taken = new Set(p.matched);
    rest = rest.filter((e) => !taken.has(e));
  }
  return out;
}

/**
 * Two jobs on one grid with heights of different sizes (a fixed small job and a growing large one,
 * half the runs each): the line through their heights is meaningless and no run is far above it.
 * The runs above the widest gap of the sorted heights, when the gap is a factor of two (the lowest
 * of them at least twice the highest below) and the two groups interleave in time (a single job
 * that grew in a step has all its low runs before its high ones); else none.
 */
function upperCluster(matched: readonly PeakEvent[]): PeakEvent[] {
  const hs = matched.map((e) => e.height).sort((a, b) => a - b);
  // (heights at or below the trend are no job's size: no ratio of them means anything)
  if (matched.length < 4 || !(hs[0]! > 0)) return [];
  let cut = -1, ratio = 0;
  for (let i = 1; i < hs.length; i++) {
    const q = hs[i]! / hs[i - 1]!;
    if (i >= 2 && i <= hs.length - 2 && q > ratio) { ratio = q; cut = hs[i]!; }
  }
  if (!(ratio >= 2)) return [];
  const hi = matched.filter((e) => e.height >= cut), lo = matched.filter((e) => e.height < cut);
  return lo[lo.length - 1]!.onset > hi[0]!.onset && hi[hi.length - 1]!.onset > lo[0]!.onset ? hi : [];
}

function recurrenceBy(pts: readonly Point[], from: number, events: readonly PeakEvent[], size: number, key: (e: PeakEvent) => number): Periodic | null {
  const asOf = pts[pts.length - 1]!.t;
  let best: { s: Schedule; matched: PeakEvent[]; score: number } | null = null;
  for (const s of candidates(pts, from, events, key)) {
    const matched = events.filter((e) => Math.abs(key(e) - s.nearest(key(e))) <= s.tolMs);
    if (matched.length < s.minMatched) continue;
    // one event per occurrence
    const occ = new Set(matched.map((e) => s.nearest(key(e))));
    if (occ.size < s.minMatched) continue;
    const precision = occ.size / events.length;
    // every expected occurrence of the recent weeks (five, or ten periods; since the first match),
    // where samples were taken, should show (older runs of a growing job may have been too small
    // to see)
    const since = Math.max(key(matched[0]!) - s.tolMs, asOf - Math.max(35 * DAY, 10 * (s.periodMs ?? MONTH_MS)));
    const expected = s.between(since, asOf - s.tolMs).filter((t) => seen(pts, from, t + s.tolMs / 2));
    let recentOcc = 0;
    for (const t of occ) if (t > since) recentOcc++;
    const recall = expected.length ? recentOcc / Math.max(expected.length, recentOcc) : 0;
    // (among the runs of another job: two jobs left over after the first, each half the events,
    // neither reaches 60%; a schedule that every expected occurrence shows, over many runs, is a
    // job of its own all the same)
    const amongOthers = precision >= 0.3 && recall >= 0.9 && occ.size >= Math.max(6, s.minMatched);
    if ((precision < 0.6 && !amongOthers) || recall < 0.75) continue;
    const score = precision + recall;
    if (!best || score > best.score + 0.05) best = { s, matched, score };
  }
  if (!best) return null;
  return buildPeriodic(best.s, best.matched, asOf, size, key);
}

function buildPeriodic(s: Schedule, matched: PeakEvent[], asOf: number, size: number, key: (e: PeakEvent) => number): Periodic {
  const closed = matched.filter((e) => !e.open);
  const use = closed.length ? closed : matched;
  // the schedule's times are the onsets (or the tops): the rise is from there to the top
  const riseMs = Math.max(0, median(use.map((e) => e.peakAt - key(e))));
  const durationMs = median(use.map((e) => e.end - e.onset));
  const step = s.periodMs ?? MONTH_MS;
  // the heights' trend over the recent occurrences (at least 8, or five weeks' worth)
  const recentN = Math.max(8, Math.ceil((35 * DAY) / step));
  let hs = use.slice(-recentN);
  // a job that was fixed (or changed): its latest two runs or more all need less than half what
  // the runs before them did: only those count from then on
  let k = hs.length;
  while (k > 0 && hs[k - 1]!.height < 0.5 * median(hs.slice(0, Math.max(k - 1, 1)).map((e) => e.height))) k--;
  const changed = hs.length - k >= 2 && k >= 3;
  if (changed) hs = hs.slice(k);
  // the latest heights (a week's worth, at least 4): sampling misses the top of a short peak by
  // varying amounts, the highest of them is what the next run may reach
  const last = hs.slice(-Math.min(8, Math.max(4, Math.ceil((7 * DAY) / step))));
  const recentMax = Math.max(...last.map((e) => e.height));
  const recentMed = median(last.map((e) => e.height));
  let trend = hs.length >= 3 ? heightTrend(hs, asOf, step, size) : null;
  if (!trend && !changed && use.length > hs.length) {
    // heights that scatter (hourly samples catch a short peak's top at any point) can hide a
    // steady growth over five weeks: over three times as long it shows, when the recent heights
    // agree with it (a job that was fixed does not: its recent runs are far below the line)
    const longer = heightTrend(use.slice(-3 * recentN), asOf, step, size);
    if (longer) {
      const res = hs.map((e) => e.height - longer.at(e.onset));
      const mean = res.reduce((x, y) => x + y, 0) / res.length;
      if (mean >= -2 * longer.sd / Math.sqrt(res.length)) trend = longer;
    }
  }
  // no trend: heights that scatter (a short peak sampled at random points of its top) may reach
  // their median plus two spreads
  const spread = hs.length >= 4 ? 1.4826 * medianAbsoluteDeviation(hs.map((e) => e.height)) : 0;
  // (but not above the highest run of the recent ones: heights that vary and do not grow stay
  // within what was seen)
  const seenMax = Math.max(...hs.map((e) => e.height));
  const flatHigh = Math.max(recentMax, hs.length >= 4 ? Math.min(median(hs.map((e) => e.height)) + 2 * spread, seenMax) : 0);
  // a trend: its prediction plus 1.5 standard errors of a new value
  const heightAt = (t: number): number => (trend ? Math.max(trend.at(t) + 1.5 * trend.sePred(t), recentMax) : flatHigh);
  const heightLowAt = (t: number): number => (trend ? Math.max(trend.at(t) - trend.sd, recentMed) : recentMed);
  const growth = trend ? trend.at(asOf + step) - trend.at(asOf) : 0;
  return {
    recurrence: s.recurrence, periodMs: s.periodMs, dayOfMonth: s.dayOfMonth, ...(s.weekdays ? { weekdays: s.weekdays } : {}),
    ...(s.monthWeekday ? { monthWeekday: s.monthWeekday } : {}), ...(s.workday ? { workday: s.workday } : {}), matched, riseMs, durationMs,
    occurrences: (after, until) => s.between(after, until),
    heightAt, heightLowAt, growthPerOccurrence: growth,
  };
}

/** A trend of values over time (peaks' heights, a daily cycle's excess): see valueTrend. */
export interface ValueTrend {
  /** the expected value at t (unix ms), bytes */
  at(t: number): number;
  /** residual standard deviation, bytes */
  sd: number;
  /** standard error of a new value at t, bytes */
  sePred(t: number): number;
}

/**
 * A trend of values v (bytes) seen at times t (unix ms): a line, or (compounding growth) an
 * exponential fitted as a line of the log values, whichever leaves the smaller squared error in
 * bytes; kept only when the growth is clearly above its standard error (2.5x) and worth 0.1% of
 * the size per `step` ms. null when not clearly growing (or fewer than 3 values).
 */
export function valueTrend(ts: readonly number[], vs: readonly number[], asOf: number, step: number, size: number): ValueTrend | null {
  if (ts.length < 3) return null;
  const x = ts.map((t) => (t - asOf) / DAY);
  const fitOf = (ys: number[]): { f: (v: number) => number; m: number; se: number } => {
    const l = linearRegression(x.map((v, i) => [v, ys[i]!]));
    const f = linearRegressionLine(l);
    const mx = x.reduce((a, v) => a + v, 0) / x.length;
    let sse = 0, sxx = 0;
    x.forEach((v, i) => {
      sse += (ys[i]! - f(v)) ** 2;
      sxx += (v - mx) ** 2;
    });
    const sd = Math.sqrt(sse / Math.max(x.length - 2, 1));
    return { f, m: l.m, se: sxx > 0 ? sd / Math.sqrt(sxx) : Infinity };
  };
  const h = vs.slice();
  const lin = fitOf(h);
  const sseOf = (g: (v: number) => number): number => x.reduce((a, v, i) => a + (h[i]! - g(v)) ** 2, 0);
  let best: ((v: number) => number) | null = null;
  if (lin.m > 0 && lin.m > 2.5 * lin.se && (lin.m * step) / DAY > 0.001 * size) best = lin.f;
  if (h.every((v) => v > 0)) {
    const lg = fitOf(h.map((v) => Math.log(v)));
    const ex = (v: number): number => Math.exp(lg.f(v));
    if (lg.m > 0 && lg.m > 2.5 * lg.se && (!best || sseOf(ex) < sseOf(best))) best = ex;
  }
  if (!best) return null;
  const g = best;
  const sd = Math.sqrt(sseOf(g) / Math.max(x.length - 2, 1));
  const n = x.length;
  const mx = x.reduce((a, v) => a + v, 0) / n;
  const sxx = x.reduce((a, v) => a + (v - mx) ** 2, 0);
  return {
    at: (t) => g((t - asOf) / DAY), sd,
    sePred: (t) => sd * Math.sqrt(1 + 1 / n + ((t - asOf) / DAY - mx) ** 2 / Math.max(sxx, 1e-9)),
  };
}

/** The heights' own trend (valueTrend of the events' heights at their onsets). */
function heightTrend(hs: readonly PeakEvent[], asOf: number, step: number, size: number): ValueTrend | null {
  return valueTrend(hs.map((e) => e.onset), hs.map((e) => e.height), asOf, step, size);
}

/** The contract's PeakPattern of a recurrence (or of aperiodic events), for RiskyMoment.peak. */
export function peakPattern(p: Periodic | null, events: readonly PeakEvent[], nextAt: number, nextHeight: number): PeakPattern {
  const ev = p ? p.matched : events;
  const last = ev[ev.length - 1];
  return {
    recurrence: p ? p.recurrence : 'aperiodic',
    periodMs: p ? p.periodMs : null,
    ...(p?.dayOfMonth !== undefined ? { dayOfMonth: p.dayOfMonth } : {}),
    ...(p?.weekdays ? { weekdays: p.weekdays } : {}),
    ...(p?.monthWeekday ? { monthWeekday: p.monthWeekday } : {}),
    ...(p?.workday ? { workday: p.workday } : {}),
    onsets: ev.map((e) => e.onset),
    durationMs: p ? p.durationMs : ev.length ? median(ev.map((e) => e.end - e.onset)) : 0,
    height: last ? last.height : 0,
    growthPerOccurrence: p ? p.growthPerOccurrence : 0,
    nextAt,
    nextHeight,
  };
}
