/**
 * The forecast use case, for the CLI (forecast, check, metrics) and the Forecast view: the
 * histories asked for (the store's usage samples, read once; or a --history CSV), each through the
 * model once; from those fits, whether a first contact answers instead (no history the model can
 * use yet: app/firstcontact.ts); else, for a history of this host, the scheduled job that starts
 * each recurring peak (jobs/: timers and crontabs read under `jobsRoot`, default /), and for
 * `forecast` what grew between the newest snapshots.
 */
import path from 'node:path';
import { forecast as runModel } from '../forecast/model.js';
import type { Forecast, JobMatch, PeakPattern, Point } from '../forecast/types.js';
import { gatherJobs as gatherHostJobs, GatheredJobs } from '../jobs/gather.js';
import { matchJob } from '../jobs/match.js';
import type { VolumeForecast } from '../report/forecast.js';
import { samePeak } from '../report/peak.js';
import { growthDrivers } from '../store/drivers.js';
import { noSamples, pointsOf, readHistory, resolveVolume, samplesByMount, SourceArgs } from '../store/forecasts.js';
import { readSamples as readStoreSamples, SAMPLES_FILE } from '../store/samples.js';
import { storeDir } from '../store/store.js';
import { escapeName } from '../util/escape.js';
import { firstContactVolumes, FirstContactVolume } from './firstcontact.js';

export interface ForecastRequest extends SourceArgs {
  /** where the host's timers and crontabs are read (default /; a fixture or a copied /etc) */
  'jobs-root'?: string;
}

export interface ForecastVolumesOptions {
  /**
   * decide whether a first contact answers (forecast, check, the view with a tree): see
   * `ForecastVolumes.firstContact`. false (metrics): the histories always answer.
   */
  firstContact?: boolean;
  /** what grew between the two newest snapshots of each store history (forecast) */
  drivers?: boolean;
}

/** What the use case reads and runs with, replaceable (tests count the reads and the fits). */
export interface ForecastDeps {
  readSamples: typeof readStoreSamples;
  readHistory: typeof readHistory;
  forecast: (points: Point[]) => Forecast;
  gatherJobs: typeof gatherHostJobs;
}

const DEPS: ForecastDeps = { readSamples: readStoreSamples, readHistory, forecast: (p) => runModel(p), gatherJobs: gatherHostJobs };

export interface ForecastVolumes {
  /** the forecasts made: every store history asked for, or the CSV (with a first contact: those there were) */
  volumes: VolumeForecast[];
  /** one volume was named (JSON: an object, not a list) */
  single: boolean;
  /** each volume's points, as `volumes` */
  points: Point[][];
  /** notes for stderr (print through terminalText): files skipped while reading the jobs, failed snapshot comparisons */
  notes: string[];
  /**
   * not null: no volume asked for has a history the model can use yet (none, or a week at most
   * that it says is not enough): the volumes a first contact covers (app/firstcontact.ts
   * firstContactVolumes). Jobs and drivers are then not looked for.
   */
  firstContact: FirstContactVolume[] | null;
  /** with a first contact and no samples of the volume asked for: what the store lacks (one line), else null */
  noSamples: string | null;
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
 * The job of every recurring peak of each forecast: `peakJobs` (as `forecast.peaks`: the matched
 * job, or null when none agrees) and `nextRisk.job` (the job of its peak: the same match when the
 * peak is one of `peaks`); a peak without onsets, or no peak, gets none (absent). The histories
 * are this host's: the store's samples are read for this host only (store/samples.ts: another
 * host's, taken with --remote, are left out), and a --history CSV is taken as this host's
 * (--jobs-root names another). The jobs are read once, only when some peak needs them. Returns
 * the read's notes.
 */
export function attachJobs(volumes: VolumeForecast[], points: Point[][], jobsRoot = '/', gather = gatherHostJobs): string[] {
  let jobs: GatheredJobs | null = null;
  volumes.forEach((v, k) => {
    const f = v.forecast;
    const opts = { sampleMs: sampleInterval(points[k] ?? []), now: v.now };
    const match = (p: PeakPattern): JobMatch | null => {
      jobs ??= gather(jobsRoot);
      return matchJob(p, jobs.jobs, opts);
    };
    const peaks = f.peaks ?? [];
    if (peaks.some((p) => p.onsets.length)) v.peakJobs = peaks.map((p) => (p.onsets.length ? match(p) : null));
    const r = f.nextRisk;
    if (!r?.peak || !r.peak.onsets.length) return;
    const same = peaks.findIndex((p) => samePeak(p, r.peak!));
    r.job = same >= 0 && v.peakJobs ? v.peakJobs[same]! : match(r.peak);
  });
  return (jobs as GatheredJobs | null)?.notes ?? [];
}

/**
 * The forecast use case: the histories asked for by `a` (--history: the CSV; else the store's
 * samples of --volume's volume, or of every volume), read once and each through the model once
 * (`deps.forecast`). With `opts.firstContact`, those fits also decide whether a first contact
 * answers (`firstContact`); else the jobs behind the peaks (attachJobs) and, with `opts.drivers`,
 * what grew between each store volume's two newest snapshots (`drivers`; null when fewer than two;
 * a failure is a note and leaves it null). Errors (UserError, one line): an unreadable or
 * malformed --history, an unsafe or unreadable store; NoSamplesError when the store has no samples
 * (of the volume named) and no first contact answers.
 */
export async function forecastVolumes(a: ForecastRequest, opts: ForecastVolumesOptions = {}, deps: ForecastDeps = DEPS): Promise<ForecastVolumes> {
  const done = async (r: Omit<ForecastVolumes, 'notes' | 'firstContact' | 'noSamples'>): Promise<ForecastVolumes> => {
    const notes = attachJobs(r.volumes, r.points, a['jobs-root'], deps.gatherJobs);
    if (opts.drivers) await attachDrivers(r.volumes, a.store, notes);
    return { ...r, notes, firstContact: null, noSamples: null };
  };
  if (a.history !== undefined) {
    const points = await deps.readHistory(a.history);
    const f = deps.forecast(points);
    // the model's advice for no samples is the sampler's; a CSV without any wants another word
    if (!points.length) f.notes = [`no samples in ${escapeName(a.history === '-' ? 'standard input' : a.history)}: it wants lines of timestamp,used_bytes,size_bytes`];
    const now = points.length ? points[points.length - 1].t : Date.now();
    return done({ volumes: [{ mount: a.volume ?? a.history, source: 'history', from: a.history, forecast: f, now }], single: true, points: [points] });
  }
  const store = storeDir(a.store);
  const byMount = samplesByMount(deps.readSamples(store).samples);
  const volume = a.volume !== undefined ? resolveVolume(a.volume, new Set(byMount.keys())) : undefined;
  const mounts = volume ? (byMount.has(volume.mount) ? [volume.mount] : []) : [...byMount.keys()];
  // each history through the model once, when first needed (the first-contact choice, the answer)
  const fits = new Map<string, { points: Point[]; forecast: Forecast }>();
  const fit = (m: string) => {
    let x = fits.get(m);
    if (!x) {
      const points = pointsOf(byMount.get(m) ?? []);
      fits.set(m, (x = { points, forecast: deps.forecast(points) }));
    }
    return x;
  };
  const now = Date.now();
  const forecasts = () => {
    const volumes = mounts.map((m): VolumeForecast => {
      const last = byMount.get(m)!.at(-1)!;
      const exact = last.mountBase64 !== undefined ? { mountBase64: last.mountBase64 } : {};
      return { mount: m, ...exact, device: last.device, fsType: last.fsType, source: 'store', from: path.join(store, SAMPLES_FILE), forecast: fit(m).forecast, now };
    });
    return { volumes, single: volume !== undefined, points: mounts.map((m) => fit(m).points) };
  };
  const first = opts.firstContact ? firstContactVolumes(byMount, (m) => fit(m).forecast, volume) : null;
  if (first !== null) {
    const missing = !mounts.length ? noSamples(store, volume?.mount).message : null;
    return { ...forecasts(), notes: [], firstContact: first, noSamples: missing };
  }
  if (!mounts.length) throw noSamples(store, volume?.mount);
  return done(forecasts());
}

/** `drivers` of each store volume (store/drivers.ts); a failure is a note in `notes` and leaves it null */
async function attachDrivers(volumes: VolumeForecast[], store: string | undefined, notes: string[]): Promise<void> {
  for (const v of volumes) {
    if (v.source !== 'store') continue;
    try {
      v.drivers = await growthDrivers(storeDir(store), v.mount);
    } catch (e) {
      v.drivers = null;
      notes.push(`comparing the snapshots of ${escapeName(v.mount)} failed: ${(e as Error).message}`);
    }
  }
}
