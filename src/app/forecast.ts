/**
 * The forecast use case, for the CLI (forecast, check, metrics) and the Forecast view: the
 * histories asked for through the model (store/forecasts.ts), then, for a history of this host with
 * a periodic peak, the scheduled job that starts it (jobs/: timers and crontabs read under
 * `jobsRoot`, default /), and for `forecast` what grew between the newest snapshots.
 */
import type { Point } from '../forecast/types.js';
import { gatherJobs, GatheredJobs } from '../jobs/gather.js';
import { matchJob } from '../jobs/match.js';
import type { VolumeForecast } from '../report/forecast.js';
import { growthDrivers } from '../store/drivers.js';
import { loadForecasts, SourceArgs } from '../store/forecasts.js';
import { storeDir } from '../store/store.js';
import { escapeName } from '../util/escape.js';

export interface ForecastRequest extends SourceArgs {
  /** where the host's timers and crontabs are read (default /; a fixture or a copied /etc) */
  'jobs-root'?: string;
}

export interface LoadedForecasts {
  volumes: VolumeForecast[];
  /** one volume was named (JSON: an object, not a list) */
  single: boolean;
  points: Point[][];
  /** notes for stderr (print through terminalText): files skipped while reading the jobs, failed snapshot comparisons */
  notes: string[];
}

/** the median gap between samples (ms), 15 min when there are too few */
function sampleInterval(points: Point[]): number {
  const gaps: number[] = [];
  for (let i = 1; i < points.length; i++) gaps.push(points[i]!.t - points[i - 1]!.t);
  if (!gaps.length) return 15 * 60_000;
  gaps.sort((a, b) => a - b);
  return gaps[Math.floor(gaps.length / 2)]!;
}

/**
 * Sets `nextRisk.job` on every forecast whose next risk is a peak with onsets: the matched job, or
 * null when none agrees; without a peak, `job` stays absent. The histories are this host's: the
 * store's samples are read for this host only (store/samples.ts: another host's, taken with
 * --remote, are left out), and a --history CSV is taken as this host's (--jobs-root names another).
 * The jobs are read once, only when some peak needs them. Returns the read's notes.
 */
export function attachJobs(volumes: VolumeForecast[], points: Point[][], jobsRoot = '/'): string[] {
  let jobs: GatheredJobs | null = null;
  volumes.forEach((v, k) => {
    const r = v.forecast.nextRisk;
    if (!r?.peak || !r.peak.onsets.length) return;
    jobs ??= gatherJobs(jobsRoot);
    r.job = matchJob(r.peak, jobs.jobs, { sampleMs: sampleInterval(points[k] ?? []), now: v.now });
  });
  return (jobs as GatheredJobs | null)?.notes ?? [];
}

/** The forecasts asked for, with their jobs (see attachJobs). UserError: no samples, a bad CSV. */
export async function loadForecastsWithJobs(a: ForecastRequest): Promise<LoadedForecasts> {
  const { volumes, single, points } = await loadForecasts(a);
  const notes = attachJobs(volumes, points, a['jobs-root']);
  return { volumes, single, points, notes };
}

/**
 * loadForecastsWithJobs plus, for store histories, what grew between the two newest snapshots of
 * each volume (`drivers`; null when fewer than two; a failure is a note and leaves it null).
 */
export async function forecastVolumes(a: ForecastRequest): Promise<LoadedForecasts> {
  const r = await loadForecastsWithJobs(a);
  for (const v of r.volumes) {
    if (v.source !== 'store') continue;
    try {
      v.drivers = await growthDrivers(storeDir(a.store), v.mount);
    } catch (e) {
      v.drivers = null;
      r.notes.push(`comparing the snapshots of ${escapeName(v.mount)} failed: ${(e as Error).message}`);
    }
  }
  return r;
}
