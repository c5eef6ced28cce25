/**
 * The backtest, exactly as ../shared/traces/README.md describes it (pure: traces in, scores out).
 *
 * For a trace with a fill time F, cut the history at F-30d, F-14d, F-7d, F-3d and F-1d (only cuts
 * with at least 7 days of history before them). For a trace that never fills, cut at 50%, 75% and
 * 95% of its span. At each cut the predictor sees only samples at or before the cut.
 * - relative error = min(|P - F| / (F - cut), 1); a missing prediction counts 1.
 * - late = P more than 10% of the horizon (F - cut) after F, or no prediction.
 * - false alarm = on a trace that never fills, a predicted fill before the trace's last sample.
 * Never-fill cuts have no F: they count in the cut total and the false alarms, not in the error
 * statistics (there is no horizon to divide by), and they cannot be late.
 */
import type { Point } from './types.js';
import { DAY } from './linear.js';

export interface Trace {
  name: string;
  pattern: string;
  /** sorted by time */
  points: Point[];
  /** first time used >= size, null when it never does within the trace */
  fillsAt: number | null;
}

/**
 * Given the visible history (sorted, non-empty) and the cut time (the moment the prediction is made,
 * at or after the last visible sample), the predicted fill time (unix ms) or null.
 */
export type Predictor = (visible: Point[], cut: number) => number | null;

export interface CutResult {
  trace: string;
  pattern: string;
  cut: number;
  /** 'F-7d', '50%', ... */
  label: string;
  predicted: number | null;
  actual: number | null;
  /** null on never-fill traces */
  relError: number | null;
  late: boolean;
  falseAlarm: boolean;
}

export interface Score {
  cuts: number;
  /** cuts with a fill time (the ones with an error) */
  scored: number;
  medianError: number;
  meanError: number;
  late: number;
  falseAlarms: number;
}

export const FILL_CUT_DAYS = [30, 14, 7, 3, 1] as const;
export const NEVER_CUT_FRACTIONS = [0.5, 0.75, 0.95] as const;
export const MIN_HISTORY_MS = 7 * DAY;

/** The cut times of one trace with their labels. */
export function cutsOf(trace: Trace): Array<{ cut: number; label: string }> {
  const pts = trace.points;
  if (pts.length === 0) return [];
  const first = pts[0]!.t;
  const last = pts[pts.length - 1]!.t;
  if (trace.fillsAt !== null) {
    const out: Array<{ cut: number; label: string }> = [];
    for (const d of FILL_CUT_DAYS) {
      const cut = trace.fillsAt - d * DAY;
      if (cut - first >= MIN_HISTORY_MS) out.push({ cut, label: `F-${d}d` });
    }
    return out;
  }
  return NEVER_CUT_FRACTIONS.map((f) => ({ cut: first + (last - first) * f, label: `${Math.round(f * 100)}%` }));
}

/** Number of points with t <= cut (points sorted). */
export function countUpTo(points: readonly Point[], cut: number): number {
  let lo = 0, hi = points.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (points[mid]!.t <= cut) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Score one prediction made at `cut` on `trace`. */
export function scoreCut(trace: Trace, cut: number, label: string, predicted: number | null): CutResult {
  const F = trace.fillsAt;
  const base = { trace: trace.name, pattern: trace.pattern, cut, label, predicted, actual: F };
  if (F === null) {
    const last = trace.points[trace.points.length - 1]!.t;
    return { ...base, relError: null, late: false, falseAlarm: predicted !== null && predicted < last };
  }
  const horizon = F - cut;
  if (predicted === null) return { ...base, relError: 1, late: true, falseAlarm: false };
  return {
    ...base,
    relError: Math.min(Math.abs(predicted - F) / horizon, 1),
    late: predicted - F > 0.1 * horizon,
    falseAlarm: false,
  };
}

/** Run one predictor over all cuts of all traces. */
export function runBacktest(traces: readonly Trace[], predict: Predictor): CutResult[] {
  const out: CutResult[] = [];
  for (const trace of traces) {
    for (const { cut, label } of cutsOf(trace)) {
      const n = countUpTo(trace.points, cut);
      const predicted = n === 0 ? null : predict(trace.points.slice(0, n), cut);
      out.push(scoreCut(trace, cut, label, predicted));
    }
  }
  return out;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export function summarize(results: readonly CutResult[]): Score {
  const errs = results.filter((r) => r.relError !== null).map((r) => r.relError!);
  return {
    cuts: results.length,
    scored: errs.length,
    medianError: median(errs),
    meanError: errs.length ? errs.reduce((a, b) => a + b, 0) / errs.length : NaN,
    late: results.filter((r) => r.late).length,
    falseAlarms: results.filter((r) => r.falseAlarm).length,
  };
}

/** Scores per pattern (for the breakdown table). */
export function summarizeByPattern(results: readonly CutResult[]): Map<string, Score> {
  const groups = new Map<string, CutResult[]>();
  for (const r of results) {
    const g = groups.get(r.pattern);
    if (g) g.push(r);
    else groups.set(r.pattern, [r]);
  }
  const out = new Map<string, Score>();
  for (const [k, g] of [...groups].sort((a, b) => a[0].localeCompare(b[0]))) out.set(k, summarize(g));
  return out;
}
