/**
 * The volumes use case (`diskblame volumes`, the view `diskblame` opens on a terminal with no
 * PATH): the mounted filesystems df lists (report/volumes.ts volumeMounts), each one's statfs,
 * the bytes deleted-but-open files hold on it (owners/procs.ts, the owners command's reading of
 * /proc) and the store's fill forecast of it, when the store has a history. Reads only: nothing is
 * written, the store is not created.
 */
import fs from 'node:fs';
import { readMountinfo, type MountInfo } from '../util/mountinfo.js';
import { isLocalFs, isRealFs } from '../store/mounts.js';
import { readSamples } from '../store/samples.js';
import { pointsOf, samplesByMount } from '../store/forecasts.js';
import { storeDir } from '../store/store.js';
import { forecast as runModel } from '../forecast/model.js';
import type { Forecast, Point } from '../forecast/types.js';
import { effectiveFill } from '../report/forecast.js';
import { volumeMounts, type VolumeFacts } from '../report/volumes.js';
import { deletedOpen, deletedOpenBytes, readProcesses } from '../owners/procs.js';
import type { ProcSnapshot } from '../owners/types.js';
import { UserError } from '../util/errors.js';
import { escapeName } from '../util/escape.js';
import { writeErrorText } from '../util/write.js';
import { statfsBytes } from '../util/volume.js';

export interface GatherVolumesOptions {
  /** also memory and kernel filesystems with a size (tmpfs, devtmpfs, ...), as plain `df` shows them */
  all?: boolean;
  /** the store whose samples give the forecasts (default: store/store.ts storeDir) */
  store?: string;
  /** for tests: the mount table file (default /proc/self/mountinfo) */
  mountinfo?: string;
  /** for tests: the processes instead of reading /proc */
  readProcs?: () => Promise<ProcSnapshot>;
  /** for tests: the model */
  forecast?: (points: Point[]) => Forecast;
}

export interface GatheredVolumes {
  /** unix ms, when the figures were read */
  now: number;
  volumes: VolumeFacts[];
  /** false: some processes' open files could not be read (not root): deletedOpenBytes are a lower bound */
  deletedOpenComplete: boolean;
  /** one line each, for stderr (a statfs that failed, a store that could not be read) */
  notes: string[];
}

/** st_dev of a mount point (what the files below it report), null when it cannot be stat'ed */
function devOf(mountPoint: Uint8Array): number | null {
  try {
    return fs.statSync(Buffer.from(mountPoint)).dev;
  } catch {
    return null;
  }
}

/**
 * Gather every volume: see the module. Throws a UserError of one line when the mount table
 * cannot be read; everything else that fails is a note (a mount that vanished, /proc unreadable:
 * deletedOpenBytes null, an unsafe store: no forecasts).
 */
export async function gatherVolumes(opts: GatherVolumesOptions = {}): Promise<GatheredVolumes> {
  const file = opts.mountinfo ?? '/proc/self/mountinfo';
  const table = readMountinfo(file);
  if (table === null) throw new UserError(`cannot read ${escapeName(file)}: no mount table`);
  const mounts = volumeMounts(table, opts.all ? isLocalFs : isRealFs);
  const notes: string[] = [];
  const now = Date.now();
  const stats: { m: MountInfo; s: fs.StatsFs; dev: number | null }[] = [];
  for (const m of mounts) {
    try {
      const s = fs.statfsSync(Buffer.from(m.mountPoint));
      if (s.blocks > 0) stats.push({ m, s, dev: devOf(m.mountPoint) });
    } catch (e) {
      notes.push(`${escapeName(m.mountPoint)}: ${writeErrorText(e)}`);
    }
  }

  // deleted-but-open files, by the st_dev of the filesystem holding them, each inode once
  let held: Map<number, number> | null = null;
  let complete = false;
  try {
    const snap = await (opts.readProcs ?? (() => readProcesses()))();
    complete = snap.complete;
    const byDev = new Map<number, { dev: number; ino: number; diskBytes: number }[]>();
    for (const f of deletedOpen(snap)) {
      const list = byDev.get(f.dev);
      if (list) list.push(f);
      else byDev.set(f.dev, [f]);
    }
    held = new Map([...byDev].map(([dev, list]) => [dev, deletedOpenBytes(list)]));
  } catch (e) {
    notes.push(`deleted-but-open files: cannot read the processes: ${(e as Error).message}`);
  }

  const forecasts = readForecasts(opts, notes);
  const volumes = stats.map(({ m, s, dev }): VolumeFacts => {
    const text = Buffer.from(m.mountPoint).toString('utf8');
    const b = statfsBytes(s);
    return {
      device: m.source,
      mountPoint: m.mountPoint,
      fsType: m.fsType,
      sizeBytes: b.sizeBytes,
      usedBytes: b.usedBytes,
      freeBytes: b.freeBytes,
      inodes: s.files,
      inodesFree: s.ffree,
      deletedOpenBytes: held === null || dev === null ? null : (held.get(dev) ?? 0),
      forecast: forecasts(text),
    };
  });
  return { now, volumes, deletedOpenComplete: held !== null && complete, notes };
}

/**
 * The forecast of a mount (by its mount point as text, as the samples name it) from the store's
 * samples; null when it has none. A store that does not exist is not read (and not created); one
 * that cannot be read is a note and no forecasts.
 */
function readForecasts(opts: GatherVolumesOptions, notes: string[]): (mount: string) => VolumeFacts['forecast'] {
  const none = () => null;
  let byMount: Map<string, import('../store/samples.js').UsageSample[]>;
  try {
    const store = storeDir(opts.store);
    if (!fs.existsSync(store)) return none;
    byMount = samplesByMount(readSamples(store).samples);
  } catch (e) {
    notes.push(`no forecasts: ${(e as Error).message}`);
    return none;
  }
  const model = opts.forecast ?? ((p: Point[]) => runModel(p));
  return (mount) => {
    const samples = byMount.get(mount);
    if (!samples?.length) return null;
    const f = model(pointsOf(samples));
    if (f.status !== 'ok') return { status: f.status, at: null, why: null };
    const e = effectiveFill(f);
    return { status: 'ok', at: e?.at ?? null, why: e?.why ?? null };
  };
}
