/**
 * The histories the forecast commands and the Forecast view read: the store's usage samples of
 * one or every volume, or a CSV (--history), each through the model.
 */
import path from 'node:path';
import { forecast } from '../forecast/model.js';
import { HISTORY_LIMITS, HistoryCsvParser, HistoryParseError } from '../forecast/history.js';
import type { Point } from '../forecast/types.js';
import { readSamples, SAMPLES_FILE, UsageSample } from './samples.js';
import { storeDir, writeErrorText } from './store.js';
import { volumeOf } from '../owners/reconcile.js';
import type { VolumeForecast } from '../report/forecast.js';
import { escapeName } from '../util/escape.js';
import { UserError } from '../util/errors.js';
import { LineTooLongError, readLinesSync } from '../util/read.js';

export interface SourceArgs {
  volume?: string;
  history?: string;
  store?: string;
  json?: boolean;
}

/**
 * Store samples as the model's points, as df counts them: size = used + available, so "full" is
 * where a writer that is not root meets ENOSPC (ext4's reserved blocks are neither), and the
 * percentage is df's Use%.
 */
function pointsOf(samples: UsageSample[]): Point[] {
  return samples.map((s) => ({ t: Date.parse(s.time), used: s.usedBytes, size: s.usedBytes + s.freeBytes }));
}

/**
 * A --history CSV ('-': stdin), read a line at a time (a slow pipe is read as it comes; a line over
 * HISTORY_LIMITS.line, e.g. /dev/zero, stops the read). Any problem is a one-line UserError.
 */
function readHistory(file: string): Point[] {
  const p = new HistoryCsvParser();
  try {
    readLinesSync(file, { maxLine: HISTORY_LIMITS.line }, (line, no) => p.line(line!, no));
  } catch (e) {
    if (e instanceof LineTooLongError || e instanceof HistoryParseError) throw new UserError(`${escapeName(file)}: ${e.message}`);
    throw new UserError(`cannot read ${escapeName(file)}: ${writeErrorText(e)}`);
  }
  return p.points();
}

/** Which mount --volume names: a mount point with samples, else the mount holding that path. */
function resolveVolume(name: string, mounts: Set<string>): string {
  const abs = path.resolve(name);
  if (mounts.has(abs) || mounts.has(name)) return mounts.has(abs) ? abs : name;
  try {
    return volumeOf(abs).mountPoint;
  } catch {
    return abs;
  }
}

/** The histories asked for, each forecast. `single`: one volume was named (JSON: an object, not a list). */
export function loadForecasts(a: SourceArgs): { volumes: VolumeForecast[]; single: boolean; points: Point[][] } {
  if (a.history !== undefined) {
    const points = readHistory(a.history);
    const f = forecast(points);
    const name = a.volume ?? a.history;
    const now = points.length ? points[points.length - 1].t : Date.now();
    return { volumes: [{ mount: name, source: 'history', from: a.history, forecast: f, now }], single: true, points: [points] };
  }
  const store = storeDir(a.store);
  const file = path.join(store, SAMPLES_FILE);
  const { samples } = readSamples(store);
  const byMount = new Map<string, UsageSample[]>();
  for (const s of samples) {
    let list = byMount.get(s.mount);
    if (!list) byMount.set(s.mount, (list = []));
    list.push(s);
  }
  const hint = 'record some with `diskblame sample` (cron, or contrib/diskblame-sample.timer), or give --history FILE';
  let mounts = [...byMount.keys()];
  if (a.volume !== undefined) {
    const m = resolveVolume(a.volume, new Set(mounts));
    if (!byMount.has(m)) throw new UserError(`no usage samples of ${escapeName(m)} in ${escapeName(file)}: ${hint}`);
    mounts = [m];
  } else if (mounts.length === 0) throw new UserError(`no usage samples in ${escapeName(file)}: ${hint}`);
  const now = Date.now();
  const points = mounts.map((m) => pointsOf(byMount.get(m)!));
  const volumes = mounts.map((m, k): VolumeForecast => {
    const last = byMount.get(m)!.at(-1)!;
    const exact = last.mountBase64 !== undefined ? { mountBase64: last.mountBase64 } : {};
    return { mount: m, ...exact, device: last.device, fsType: last.fsType, source: 'store', from: file, forecast: forecast(points[k]), now };
  });
  return { volumes, single: a.volume !== undefined, points };
}

