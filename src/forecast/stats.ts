/**
 * The statistics the forecast needs. From `simple-statistics`: quantiles (type 7, linear
 * interpolation), the median, the median absolute deviation, straight-line least squares
 * (linearRegression), means and sample standard deviations.
 *
 * Hand-written here, because simple-statistics lacks them:
 * - `polyFit` degree 2 (a parabola by normal equations: simple-statistics has only straight lines);
 *   the straight line itself is simple-statistics' linearRegression on centred x (centring keeps
 *   the precision of unix-ms times) with its sum of squared errors, which it does not return;
 * - `slopeStdErr` (the standard error of a fitted slope: no such function there);
 * - `expFit` (y = a + b·exp(g·x), a grid over g with least squares for a, b: no non-linear fits) and
 *   `expLineFit` (the same with a straight line beside it: y = a + c·x + b·exp(g·x));
 * - `theilSen` (a robust slope from pairwise slopes: not provided);
 * - `sortedCopy` (a typed-array sort, several times faster than a comparator sort).
 */
import { linearRegression, median, medianAbsoluteDeviation, quantileSorted as ssQuantileSorted } from 'simple-statistics';

/** Ascending copy (a typed-array sort: numeric, and several times faster than a comparator). */
export function sortedCopy(values: ArrayLike<number>): number[] {
  return Array.from(Float64Array.from(values).sort());
}

/** Linear-interpolated quantile (type 7) of an ascending array (q clamped to [0, 1]); NaN when empty. */
export function quantileSorted(s: readonly number[], q: number): number {
  if (s.length === 0) return NaN;
  return ssQuantileSorted(s as number[], Math.min(Math.max(q, 0), 1));
}

/** Quantile q (0..1) of unsorted values; NaN when empty. */
export function quantile(values: ArrayLike<number>, q: number): number {
  return quantileSorted(sortedCopy(values), q);
}

/** The median; NaN when empty. */
export function medianOf(values: ArrayLike<number>): number {
  if (values.length === 0) return NaN;
  return median(Array.from(values));
}

/** Median absolute deviation scaled to a normal sigma (1.4826·MAD); NaN when empty. */
export function robustSigma(values: ArrayLike<number>): number {
  if (values.length === 0) return NaN;
  return 1.4826 * medianAbsoluteDeviation(Array.from(values));
}

export interface Fit {
  /** the origin of x (fits are centred for precision) */
  x0: number;
  /** coefficients of 1, (x - x0), (x - x0)^2 */
  coef: number[];
  sse: number;
  n: number;
}

/**
 * Polynomial least squares of degree 1 (simple-statistics' linearRegression on x centred at x0, in
 * days) or 2 (normal equations, hand-written). xs in unix ms; null when there are too few points or
 * x has no spread. coef are per ms.
 */
export function polyFit(xs: readonly number[], ys: readonly number[], degree: 1 | 2, x0 = xs[0] ?? 0): Fit | null {
  const n = xs.length;
  const k = degree + 1;
  if (n < k + 0) return null;
  // scale x to days-ish magnitude for conditioning
  const scale = 86_400_000;
  let coef: number[];
  if (degree === 1) {
    if (n < 2) return null;
    const data: number[][] = new Array(n);
    let spread = false;
    for (let i = 0; i < n; i++) {
      data[i] = [(xs[i]! - x0) / scale, ys[i]!];
      if (xs[i] !== xs[0]) spread = true;
    }
    if (!spread) return null;
    const l = linearRegression(data);
    if (!Number.isFinite(l.m) || !Number.isFinite(l.b)) return null;
    coef = [l.b, l.m / scale];
  } else {
    const m: number[][] = Array.from({ length: k }, () => new Array<number>(k + 1).fill(0));
    for (let i = 0; i < n; i++) {
      const u = (xs[i]! - x0) / scale;
      const pw = [1, u, u * u];
      for (let r = 0; r < k; r++) {
        for (let c = 0; c < k; c++) m[r]![c]! += pw[r]! * pw[c]!;
        m[r]![k]! += pw[r]! * ys[i]!;
      }
    }
    const sol = solve(m, k);
    if (!sol) return null;
    coef = sol.map((c, i) => c / Math.pow(scale, i));
  }
  let sse = 0;
  for (let i = 0; i < n; i++) {
    const r = ys[i]! - evalFit({ x0, coef, sse: 0, n }, xs[i]!);
    sse += r * r;
  }
  return { x0, coef, sse, n };
}

export function evalFit(f: Fit, x: number): number {
  const u = x - f.x0;
  let v = 0;
  for (let i = f.coef.length - 1; i >= 0; i--) v = v * u + f.coef[i]!;
  return v;
}

/** Slope (first derivative) of a fit at x. */
export function slopeAt(f: Fit, x: number): number {
  const u = x - f.x0;
  return (f.coef[1] ?? 0) + 2 * (f.coef[2] ?? 0) * u;
}

/** Gaussian elimination with partial pivoting on an augmented k×(k+1) matrix. */
function solve(m: number[][], k: number): number[] | null {
  for (let c = 0; c < k; c++) {
    let p = c;
    for (let r = c + 1; r < k; r++) if (Math.abs(m[r]![c]!) > Math.abs(m[p]![c]!)) p = r;
    if (Math.abs(m[p]![c]!) < 1e-12) return null;
    [m[c], m[p]] = [m[p]!, m[c]!];
    for (let r = 0; r < k; r++) {
      if (r === c) continue;
      const f = m[r]![c]! / m[c]![c]!;
      for (let j = c; j <= k; j++) m[r]![j]! -= f * m[c]![j]!;
    }
  }
  return m.map((row, i) => row[k]! / row[i]!);
}

/** Standard error of the slope of a straight-line fit. */
export function slopeStdErr(xs: readonly number[], f: Fit): number {
  const n = xs.length;
  if (n < 3) return Infinity;
  let mx = 0;
  for (const x of xs) mx += x;
  mx /= n;
  let sxx = 0;
  for (const x of xs) sxx += (x - mx) ** 2;
  if (sxx <= 0) return Infinity;
  return Math.sqrt(f.sse / (n - 2) / sxx);
}

/** Theil–Sen slope on at most ~maxPairs pairs (deterministic subsample), robust to outliers and steps. */
export function theilSen(xs: readonly number[], ys: readonly number[], maxPairs = 20_000): number {
  const n = xs.length;
  if (n < 2) return 0;
  const slopes: number[] = [];
  const total = (n * (n - 1)) / 2;
  const stride = Math.max(1, Math.floor(total / maxPairs));
  let idx = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++, idx++) {
      if (idx % stride !== 0) continue;
      const dx = xs[j]! - xs[i]!;
      if (dx > 0) slopes.push((ys[j]! - ys[i]!) / dx);
    }
  }
  return slopes.length ? medianOf(slopes) : 0;
}

/** A fitted curve of level over time. */
export interface Curve {
  kind: 'line' | 'quadratic' | 'exponential';
  at(t: number): number;
  slopeAt(t: number): number;
  sse: number;
}

export function curveOfFit(f: Fit): Curve {
  return { kind: f.coef.length > 2 ? 'quadratic' : 'line', at: (t) => evalFit(f, t), slopeAt: (t) => slopeAt(f, t), sse: f.sse };
}

/**
 * y = a + b·exp(g·(x - x0)) with g > 0 (growth whose rate keeps rising): for each g of a log-spaced
 * grid (per day) the best a, b are linear least squares; the g with the least error wins.
 */
export function expFit(xs: readonly number[], ys: readonly number[], x0: number, gMin = 0.004, gMax = 0.4, steps = 40): (Curve & { a: number; b: number; g: number }) | null {
  const n = xs.length;
  if (n < 4) return null;
  let best: { a: number; b: number; g: number; sse: number } | null = null;
  for (let s = 0; s < steps; s++) {
    const gDay = gMin * Math.pow(gMax / gMin, s / (steps - 1));
    const g = gDay / 86_400_000;
    let se = 0, sy = 0, see = 0, sey = 0;
    for (let i = 0; i < n; i++) {
      const e = Math.exp(g * (xs[i]! - x0));
      se += e; sy += ys[i]!; see += e * e; sey += e * ys[i]!;
    }
    const det = n * see - se * se;
    if (Math.abs(det) < 1e-12) continue;
    const b = (n * sey - se * sy) / det;
    const a = (sy - b * se) / n;
    let sse = 0;
    for (let i = 0; i < n; i++) {
      const r = ys[i]! - (a + b * Math.exp(g * (xs[i]! - x0)));
      sse += r * r;
    }
    if (!best || sse < best.sse) best = { a, b, g, sse };
  }
  if (!best) return null;
  const { a, b, g, sse } = best;
  return {
    kind: 'exponential', a, b, g, sse,
    at: (t) => a + b * Math.exp(g * (t - x0)),
    slopeAt: (t) => b * g * Math.exp(g * (t - x0)),
  };
}

/**
 * y = a + c·(x - x0) + b·exp(g·(x - x0)) with g > 0 (steady growth plus a part that compounds, a
 * log left at debug level): for each g of a log-spaced grid (per day) a, c, b are linear least
 * squares (normal equations, x in days); the g with the least error wins. null when too few points.
 */
export function expLineFit(xs: readonly number[], ys: readonly number[], x0: number, gMin = 0.01, gMax = 0.5, steps = 60): (Curve & { a: number; b: number; c: number; g: number }) | null {
  const n = xs.length;
  if (n < 6) return null;
  let best: { a: number; b: number; c: number; g: number; sse: number } | null = null;
  const u = xs.map((x) => (x - x0) / 86_400_000);
  for (let s = 0; s < steps; s++) {
    const g = gMin * Math.pow(gMax / gMin, s / (steps - 1));
    const m: number[][] = [[0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]];
    for (let i = 0; i < n; i++) {
      const r = [1, u[i]!, Math.exp(g * u[i]!)];
      for (let p = 0; p < 3; p++) {
        for (let q = 0; q < 3; q++) m[p]![q]! += r[p]! * r[q]!;
        m[p]![3]! += r[p]! * ys[i]!;
      }
    }
    const sol = solve(m, 3);
    if (!sol) continue;
    const [a, c, b] = sol as [number, number, number];
    let sse = 0;
    for (let i = 0; i < n; i++) sse += (ys[i]! - (a + c * u[i]! + b * Math.exp(g * u[i]!))) ** 2;
    if (!best || sse < best.sse) best = { a, b, c, g, sse };
  }
  if (!best) return null;
  const { a, b, c, g, sse } = best;
  const D = 86_400_000;
  return {
    kind: 'exponential', a, b, c, g: g / D, sse,
    at: (t) => a + (c * (t - x0)) / D + b * Math.exp((g * (t - x0)) / D),
    slopeAt: (t) => (c + b * g * Math.exp((g * (t - x0)) / D)) / D,
  };
}
