/**
 * Bench section helper: what a snapshot costs beyond a scan, in-process (one run each), on a
 * tree: the extras (kinds, /proc, volume), the write (replay + JSON + gzip), the file size, gzip
 * level trade-offs, loading the snapshot back into a tree, and listing 100 snapshots of it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Tree, replayTree } from '../src/tree/tree.js';
import { Scanner } from '../src/scan/scanner.js';
import { estimateEntries } from '../src/scan/estimate.js';
import { NcduWriter } from '../src/export/ncdu-writer.js';
import { saveScanned } from '../src/app/snapshot.js';
import { LocalPlace } from '../src/app/place.js';
import { listSnapshots, loadSnapshot, snapshotsDir } from '../src/store/snapshots.js';

export interface SnapshotCost {
  tree: string;
  entries: number;
  scanMs: number;
  /** saveScanned's steps */
  costMs: { volume: number; kinds: number; deletedOpen: number; write: number; sample: number };
  fileBytes: number;
  bytesPerEntry: number;
  /** file size and write time at other settings (replay + JSON + gzip only) */
  variants: { label: string; ms: number; bytes: number }[];
  loadMs: number;
  loadedEntries: number;
  /** listSnapshots over `listCount` snapshots of this tree (hard links to one file) */
  listCount: number;
  listMs: number;
  listBad: number;
}

export async function measureSnapshotCost(root: string, tmp: string): Promise<SnapshotCost> {
  const store = path.join(tmp, 'snapshot-store');
  const tree = new Tree(estimateEntries(root));
  const started = new Date();
  const t0 = performance.now();
  await new Scanner(root, tree, {}).run();
  const scanMs = performance.now() - t0;
  const saved = await saveScanned(new LocalPlace(), tree, root, started, store);

  const variants: SnapshotCost['variants'] = [];
  for (const v of [
    { label: 'gzip -1', gzipLevel: 1, extended: true },
    { label: 'gzip -4 (default)', gzipLevel: 4, extended: true },
    { label: 'gzip -6', gzipLevel: 6, extended: true },
    { label: 'gzip -9', gzipLevel: 9, extended: true },
    { label: 'gzip -4 without uid/gid/mode/mtime', gzipLevel: 4, extended: false },
  ]) {
    const f = path.join(tmp, 'variant.json.gz');
    const t = performance.now();
    const w = new NcduWriter(f, { gzip: true, gzipLevel: v.gzipLevel, extended: v.extended });
    await replayTree(tree, w);
    variants.push({ label: v.label, ms: performance.now() - t, bytes: w.bytesWritten });
    fs.unlinkSync(f);
  }

  const t1 = performance.now();
  const loaded = await loadSnapshot(saved.meta.file);
  const loadMs = performance.now() - t1;

  // 100 snapshots of 1M entries each: hard links to the one file (the listing reads each file's head and tail)
  const listCount = 100;
  const dir = snapshotsDir(store);
  for (let i = 1; i < listCount; i++) fs.linkSync(saved.meta.file, path.join(dir, `${saved.meta.id}-copy${String(i).padStart(3, '0')}.json.gz`));
  const t2 = performance.now();
  const list = listSnapshots(store);
  const listMs = performance.now() - t2;
  fs.rmSync(store, { recursive: true, force: true });

  return {
    tree: root,
    entries: saved.meta.entries,
    scanMs,
    costMs: saved.costMs,
    fileBytes: saved.fileBytes,
    bytesPerEntry: saved.fileBytes / saved.meta.entries,
    variants,
    loadMs,
    loadedEntries: loaded.count,
    listCount: list.snapshots.length,
    listMs,
    listBad: list.bad.length,
  };
}
