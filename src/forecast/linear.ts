/**
 * The baseline: Prometheus `predict_linear` — ordinary least squares of used bytes over time across
 * every sample in a window ending at the last sample, extrapolated to the current size. No
 * seasonality, no outlier resistance: what most disk-fill alerts run today.
 */
import type { Point } from './types.js';

export const HOUR = 3600_000;
export const DAY = 24 * HOUR;

/** Least squares fit y = a + b·(x - x0) over arrays; null when x has no spread. */
export function leastSquares(xs: ArrayLike<number>, ys: ArrayLike<number>, from = 0, to = xs.length): { x0: number; a: number; b: number } | null {
  const n = to - from;
  if (n < 2) return null;
  const x0 = xs[from]!;
  let sx = 0, sy = 0;
  for (let i = from; i < to; i++) { sx += xs[i]! - x0; sy += ys[i]!; }
  const mx = sx / n, my = sy / n;
  let sxx = 0, sxy = 0;
  for (let i = from; i < to; i++) {
    const dx = xs[i]! - x0 - mx;
    sxx += dx * dx;
    sxy += dx * (ys[i]! - my);
  }
  if (sxx <= 0) return null;
  const b = sxy / sxx;
  return { x0, a: my - b * mx, b };
}

export interface LinearPrediction {
  /** unix ms when the fitted line reaches the size, null when it never does (flat or shrinking) or beyond the horizon */
  fillsAt: number | null;
  /** bytes per ms */
  slope: number;
}

/**
 * predict_linear over the window (now - windowMs, now] (windowMs Infinity: the whole history) of
 * `points` (sorted by time), evaluated at `now` (default: the last sample) as Prometheus does: the
 * fitted line's value at `now`, extrapolated until it crosses the last sample's size.
 */
export function predictLinear(points: readonly Point[], windowMs: number, now?: number, horizonMs = 365 * DAY): LinearPrediction {
  if (points.length < 2) return { fillsAt: null, slope: 0 };
  const last = points[points.length - 1]!;
  const at0 = now ?? last.t;
  const start = at0 - windowMs;
  let from = points.length;
  while (from > 0 && points[from - 1]!.t >= start) from--;
  let to = points.length;
  while (to > from && points[to - 1]!.t > at0) to--;
  const xs: number[] = [], ys: number[] = [];
  for (let i = from; i < to; i++) { xs.push(points[i]!.t); ys.push(points[i]!.used); }
  const fit = leastSquares(xs, ys);
  if (!fit) return { fillsAt: null, slope: 0 };
  const nowValue = fit.a + fit.b * (at0 - fit.x0);
  if (nowValue >= last.size) return { fillsAt: at0, slope: fit.b };
  if (fit.b <= 0) return { fillsAt: null, slope: fit.b };
  const at = at0 + (last.size - nowValue) / fit.b;
  return { fillsAt: at - at0 > horizonMs ? null : at, slope: fit.b };
}

/** The four baselines the backtest prints beside the model. */
export const LINEAR_BASELINES: ReadonlyArray<{ name: string; windowMs: number }> = [
  { name: 'predict_linear 6h', windowMs: 6 * HOUR },
  { name: 'predict_linear 24h', windowMs: DAY },
  { name: 'predict_linear 7d', windowMs: 7 * DAY },
  { name: 'predict_linear all', windowMs: Infinity },
];
