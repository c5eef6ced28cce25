/**
 * df versus du: where the difference between a volume's used bytes and what a scan found goes.
 * `reconcile` is pure; `volumeOf` reads statfs and /proc/self/mountinfo.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Reconciliation } from './types.js';
import { readMountinfo } from '../util/mountinfo.js';

export interface VolumeInfo {
  mountPoint: string;
  device: string;
  fsType: string;
  dev: number;
  sizeBytes: number;
  usedBytes: number;
  freeBytes: number;
  /** blocks free but kept for root (ext2/3/4 reserved blocks): neither used nor available */
  reservedBytes: number;
}

/** The mount holding `p` (the longest mount point that is a prefix of its real path, on its device). */
export function volumeOf(p: string): VolumeInfo {
  const real = fs.realpathSync(p);
  const st = fs.statSync(real);
  const realBytes = Buffer.from(real);
  let best: { mp: string; dev: string; type: string } | null = null;
  let bestLen = -1;
  // no mountinfo: walk up to where the device changes (below)
  for (const m of readMountinfo() ?? []) {
    const mp = m.mountPoint;
    const inside = mp.length === 1 || realBytes.equals(mp) || (realBytes.length > mp.length && realBytes[mp.length] === 0x2f && realBytes.subarray(0, mp.length).equals(mp));
    if (!inside || mp.length < bestLen) continue;
    bestLen = mp.length;
    best = { mp: mp.toString('utf8'), dev: m.source.toString('utf8'), type: m.fsType };
  }
  if (!best) {
    let cur = real;
    while (cur !== '/' && fs.statSync(path.dirname(cur)).dev === st.dev) cur = path.dirname(cur);
    best = { mp: cur, dev: '?', type: '?' };
  }
  const s = fs.statfsSync(real);
  return {
    mountPoint: best.mp,
    device: best.dev,
    fsType: best.type,
    dev: st.dev,
    sizeBytes: s.blocks * s.bsize,
    usedBytes: (s.blocks - s.bfree) * s.bsize,
    freeBytes: s.bavail * s.bsize,
    reservedBytes: (s.bfree - s.bavail) * s.bsize,
  };
}

/** df's used bytes = what the scan found + what deleted-but-open files hold + the unexplained rest. */
export function reconcile(v: VolumeInfo, scannedRoot: string, scannedBytes: number, deletedOpenBytes: number, procComplete: boolean): Reconciliation {
  const whole = path.resolve(scannedRoot) === v.mountPoint;
  const unexplained = v.usedBytes - scannedBytes - deletedOpenBytes;
  const notes: string[] = [];
  if (!whole)
    notes.push(
      `${scannedRoot} is not the volume's root (${v.mountPoint}): "scanned" covers only it, the rest of the volume counts as unexplained; run owners on ${v.mountPoint} for the whole picture`,
    );
  if (!procComplete) notes.push('not root: other users\' processes were not visible, their deleted-but-open files are missing');
  if (whole && unexplained > 0) {
    notes.push('likely causes of the rest: files hidden under mount points (mounted over non-empty directories), filesystem metadata (journal, inode tables), files the scan could not read');
    if (v.fsType.startsWith('ext')) notes.push(`ext* keeps ${v.reservedBytes} bytes reserved for root: they are free, not used, and not in these figures`);
  }
  if (unexplained < 0)
    notes.push('negative: the scan counted more than the volume reports used (files changed during the scan, or compression/deduplication on this filesystem)');
  return {
    volumeUsedBytes: v.usedBytes,
    scannedBytes,
    deletedOpenBytes,
    unexplainedBytes: unexplained,
    scannedWholeVolume: whole,
    mountPoint: v.mountPoint,
    notes,
  };
}
