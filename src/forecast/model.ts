// TEMPORARY placeholder: replaced by the real model at merge
import type { Forecast, ForecastOptions, Point } from './types.js';

const DAY = 86_400_000;

/** Plain least squares of used over time, extrapolated to the last size. */
export function forecast(points: Point[], opts: ForecastOptions = {}): Forecast {
  const horizon = opts.horizonMs ?? 365 * DAY;
  const last = points[points.length - 1];
  const base: Forecast = {
    status: 'not-enough-data',
    notes: [],
    fillsAt: null,
    earliest: null,
    latest: null,
    pattern: 'flat',
    growthBytesPerDay: 0,
    nextRisk: null,
    backtestError: null,
    asOf: last?.t ?? 0,
    samplesUsed: points.length,
    regimeStart: points[0]?.t ?? 0,
    sizeBytes: last?.size ?? 0,
    usedBytes: last?.used ?? 0,
  };
  if (points.length < 3 || last.t - points[0].t < DAY) {
    base.notes.push(`need at least 3 samples over 1 day, have ${points.length} over ${((last ? last.t - points[0].t : 0) / 3_600_000).toFixed(1)} h`);
    return base;
  }
  const n = points.length;
  const t0 = points[0].t;
  let sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (const p of points) {
    const x = p.t - t0;
    sx += x; sy += p.used; sxx += x * x; sxy += x * p.used;
  }
  const slope = (n * sxy - sx * sy) / (n * sxx - sx * sx);
  const icept = (sy - slope * sx) / n;
  base.status = 'ok';
  base.growthBytesPerDay = slope * DAY;
  base.pattern = Math.abs(slope * DAY) < last.size * 1e-5 ? 'flat' : slope > 0 ? 'steady' : 'shrinking';
  if (slope > 0) {
    const at = t0 + (last.size - icept) / slope;
    const fill = Math.max(at, last.t);
    if (fill - last.t <= horizon) {
      base.fillsAt = fill;
      base.earliest = last.t + (fill - last.t) * 0.8;
      base.latest = Math.min(last.t + horizon, last.t + (fill - last.t) * 1.25);
    }
  }
  return base;
}
