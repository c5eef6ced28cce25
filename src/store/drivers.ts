/**
 * What drives a volume's growth, from the store: the two newest snapshots of one root on that
 * volume (taken on this host), compared (diff/), reduced to the directories, kinds of data and
 * users that grew most. And the latest snapshot's figures for the metrics. I/O shell; the
 * comparison is diff/'s DiffSink.
 */
import { importExport } from '../import/ncdu-reader.js';
import { DiffSink } from '../diff/diff.js';
import { KindMatcher, loadRules } from '../owners/kinds.js';
import { loadUserNames } from '../owners/users.js';
import { hostSnapshots, loadSnapshot } from './snapshots.js';
import type { SnapshotMeta } from './snapshots.js';
import { jsonName } from '../util/escape.js';

export interface GrowthDrivers {
  root: string;
  from: string;
  to: string;
  /** net disk bytes between the two snapshots, and per day (doubles: figures for the forecast and metrics) */
  netDiskBytes: number;
  perDay: number | null;
  /** `pathBase64`: the exact bytes of the path when `path` (UTF-8 text) is lossy */
  dirs: { path: string; pathBase64?: string; delta: number; perDay: number | null }[];
  kinds: { name: string; delta: number }[];
  users: { user: string; delta: number }[];
}

/** this host's readable snapshots on the volume mounted at `mount`, newest first */
function snapshotsOn(store: string, mount: string): SnapshotMeta[] {
  return hostSnapshots(store).snapshots.filter((s) => s.volume?.mount === mount);
}

/** The newest snapshot on the volume, preferring one of the whole volume (its root the mount point). */
export function latestSnapshot(store: string, mount: string): SnapshotMeta | null {
  const all = snapshotsOn(store, mount);
  return all.find((s) => s.root === mount) ?? all[0] ?? null;
}

/** The growth between the two newest snapshots of one root on the volume; null with fewer than two. */
export async function growthDrivers(store: string, mount: string, top = 5): Promise<GrowthDrivers | null> {
  const all = snapshotsOn(store, mount);
  const newest = all[0];
  const older = newest && all.find((s) => s !== newest && s.root === newest.root);
  if (!newest || !older) return null;
  const treeA = await loadSnapshot(older.file);
  const sink = new DiffSink(treeA, { top, kinds: new KindMatcher(loadRules()) });
  await importExport(newest.file, sink, { label: newest.file });
  const r = sink.result({ time: Math.floor(Date.parse(older.time) / 1000) }, { time: Math.floor(Date.parse(newest.time) / 1000) });
  const days = r.intervalSeconds ? r.intervalSeconds / 86400 : null;
  const names = loadUserNames();
  return {
    root: newest.root,
    from: older.time,
    to: newest.time,
    netDiskBytes: Number(r.netDiskBytes),
    perDay: days ? Number(r.netDiskBytes) / days : null,
    dirs: r.grewDirs.slice(0, top).map((d) => ({ ...jsonName(d.path), delta: Number(d.delta), perDay: d.perDay === null ? null : Number(d.perDay) })),
    kinds: r.kinds.filter((k) => k.delta > 0).slice(0, top).map((k) => ({ name: k.name, delta: Number(k.delta) })),
    users: r.users.filter((u) => u.delta > 0).slice(0, top).map((u) => ({ user: names.get(u.uid) ?? String(u.uid), delta: Number(u.delta) })),
  };
}
