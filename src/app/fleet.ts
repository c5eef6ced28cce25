/**
 * The fleet use case (issue 14): every volume Prometheus watches through node_exporter, each
 * history through the same model as `forecast` (forecast/model.ts, self-backtest included),
 * ranked by the moment that counts for alerting (report/forecast.ts effectiveFill). For the
 * command (cli/commands/fleet.ts) and the exporter (--serve), which calls it on an interval.
 */
import { forecast as runModel } from '../forecast/model.js';
import type { Forecast, Point } from '../forecast/types.js';
import { batches, chooseStep, discover, readBatch, type BatchPoints } from '../fleet/discover.js';
import { PromClient } from '../fleet/promclient.js';
import type { FleetRequest, FleetResult, FleetVolume } from '../fleet/types.js';
import { effectiveFill } from '../report/forecast.js';
import { UserError } from '../util/errors.js';

/**
 * How far a refresh has got: volumes done (forecast or failed) of all found; `current`: the
 * instance being read or forecast. Reported before each batch and after each volume.
 */
export interface FleetProgress {
  done: number;
  total: number;
  current: string;
}

export interface FleetDeps {
  forecast: (points: Point[]) => Forecast;
}

const DEPS: FleetDeps = { forecast: (p) => runModel(p) };

/** the largest and smallest `concurrency` allowed */
export const MAX_CONCURRENCY = 4;

/**
 * A refresh of the whole fleet: discovery over [at - rangeMs, at] (/api/v1/series), then the
 * batches' histories (fleet/discover.ts readBatch), `concurrency` batches in flight (each sends its queries one after another),
 * each volume through the model as its batch arrives. A batch that fails leaves its volumes
 * with a `reason` and its error in `errors`; a series that cannot be forecast (no samples, the
 * model says not enough data) is kept with a reason too. Errors (UserError, one line): the
 * discovery fails (unreachable, auth, timeout, not Prometheus), or every batch fails (its first
 * error). Times in unix ms; durations in ms.
 */
export async function fleetForecast(req: FleetRequest, progress?: (p: FleetProgress) => void, deps: FleetDeps = DEPS): Promise<FleetResult> {
  const startedAt = Date.now();
  const t0 = performance.now();
  const end = req.at;
  const start = end - req.rangeMs;
  const stepSeconds = req.stepSeconds ?? chooseStep(req.rangeMs);
  const client = new PromClient({ url: req.url, bearerToken: req.bearerToken, basicAuth: req.basicAuth, caFile: req.caFile, timeoutMs: req.timeoutMs });
  try {
    let queryMs = 0;
    let modelMs = 0;
    const timed = async <T>(f: () => Promise<T>): Promise<T> => {
      const q0 = performance.now();
      try {
        return await f();
      } finally {
        queryMs += performance.now() - q0;
      }
    };
    const found = await timed(() => discover(client, req.match, start, end));
    const total = found.volumes.length;
    const volumes: FleetVolume[] = [];
    const errors: string[] = [];
    let done = 0;
    let series = 0;
    let failed = 0;
    const forecastBatch = (vs: (typeof found.volumes)[number][], pts: BatchPoints | null, err: string | null) => {
      for (const { key, ...v } of vs) {
        const points = pts?.get(key) ?? [];
        if (pts) series += points.length ? 1 : 0;
        let f: Forecast | null = null;
        let reason: string | null = err;
        let ms = 0;
        if (reason === null && !points.length) reason = 'no samples in the range';
        // (the model would say "no samples: record some with `diskblame sample`", which is for a store)
        if (reason === null && !points.some((p) => p.size > 0)) reason = 'its size is 0 (or below) in every sample in the range';
        if (reason === null) {
          const m0 = performance.now();
          f = deps.forecast(points);
          ms = performance.now() - m0;
          modelMs += ms;
          if (f.status !== 'ok') reason = f.notes[0] ?? 'not enough data';
        }
        volumes.push({ ...v, forecast: f, reason, points: points.length, modelMs: ms, now: end });
        done++;
        // (the model runs synchronously through a batch: a progress line is drawn from here)
        progress?.({ done, total, current: v.instance });
      }
    };
    const bs = batches(found.volumes);
    const concurrency = Math.min(MAX_CONCURRENCY, Math.max(1, Math.floor(req.concurrency)));
    let next = 0;
    let firstError: UserError | null = null;
    const worker = async () => {
      for (let i = next++; i < bs.length; i = next++) {
        const b = bs[i]!;
        progress?.({ done, total, current: b.volumes[0]!.instance });
        let pts: BatchPoints | null = null;
        try {
          pts = await timed(() => readBatch(client, b, start, end, stepSeconds));
        } catch (e) {
          if (!(e instanceof UserError)) throw e;
          firstError ??= e;
          failed++;
          errors.push(e.message);
          forecastBatch(b.volumes, null, `the query failed: ${e.message}`);
          continue;
        }
        forecastBatch(b.volumes, pts, null);
      }
    };
    // (the overlap of queries counts once: queryMs is the sum of the batches' waits, wall time is durationMs)
    await Promise.all(Array.from({ length: Math.min(concurrency, bs.length) }, worker));
    if (bs.length && failed === bs.length) throw firstError!;
    return {
      volumes: rank(volumes),
      start,
      end,
      stepSeconds,
      startedAt,
      durationMs: performance.now() - t0,
      queryMs,
      modelMs,
      serverQueryMs: client.serverQueryMs,
      queries: client.queries,
      series,
      errors,
    };
  } finally {
    client.close();
  }
}

/**
 * Soonest first by effectiveFill (a peak that will not fit counts), then the volumes with a
 * forecast but no fill (fullest first), then those without a forecast; ties by instance and mount point.
 */
export function rank(vs: FleetVolume[]): FleetVolume[] {
  const tier = (v: FleetVolume) => (v.forecast === null || v.forecast.status !== 'ok' ? 2 : effectiveFill(v.forecast) ? 0 : 1);
  const at = (v: FleetVolume) => (v.forecast && v.forecast.status === 'ok' ? (effectiveFill(v.forecast)?.at ?? 0) : 0);
  const pct = (v: FleetVolume) => (v.forecast && v.forecast.sizeBytes > 0 ? v.forecast.usedBytes / v.forecast.sizeBytes : 0);
  return [...vs].sort(
    (a, b) =>
      tier(a) - tier(b) ||
      (tier(a) === 0 ? at(a) - at(b) : tier(a) === 1 ? pct(b) - pct(a) : 0) ||
      (a.instance < b.instance ? -1 : a.instance > b.instance ? 1 : 0) ||
      (a.mountpoint < b.mountpoint ? -1 : a.mountpoint > b.mountpoint ? 1 : 0),
  );
}
