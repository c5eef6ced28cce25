/**
 * The volume holding a path: its mount (from /proc/self/mountinfo), device and statfs figures. Used
 * by the samples a scan records and by the owners report (owners/reconcile.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import { readMountinfo } from './mountinfo.js';

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

/**
 * A statfs result in bytes, as df counts: size = blocks * bsize, used = (blocks - bfree) * bsize,
 * free = bavail * bsize (available to unprivileged users), reserved = (bfree - bavail) * bsize.
 */
export function statfsBytes(s: fs.StatsFs): { sizeBytes: number; usedBytes: number; freeBytes: number; reservedBytes: number } {
  return {
    sizeBytes: s.blocks * s.bsize,
    usedBytes: (s.blocks - s.bfree) * s.bsize,
    freeBytes: s.bavail * s.bsize,
    reservedBytes: (s.bfree - s.bavail) * s.bsize,
  };
}

/**
 * The mount holding `p` (the longest mount point that is a prefix of its real path, on its device),
 * its sizes in bytes (statfs). Throws the fs error (ENOENT...) when `p` cannot be resolved or stat'ed.
 */
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
    ...statfsBytes(s),
  };
}
