/**
 * df versus du: where the difference between a volume's used bytes and what a scan found goes.
 * `reconcile` is pure; `volumeOf` (util/volume.ts, which a scan uses without the owners) reads
 * statfs and /proc/self/mountinfo.
 */
import path from 'node:path';
import { Reconciliation } from './types.js';
import type { VolumeInfo } from '../util/volume.js';
import { count, size } from '../util/format.js';

export { volumeOf, type VolumeInfo } from '../util/volume.js';

/**
 * df's used bytes = what the scan found + what deleted-but-open files hold + the unexplained rest
 * (bytes). `interrupted`: the scan was stopped before the end, so what it did not reach is in the
 * rest, and the notes say that first instead of guessing at other causes.
 */
export function reconcile(v: VolumeInfo, scannedRoot: string, scannedBytes: number, deletedOpenBytes: number, procComplete: boolean, interrupted = false): Reconciliation {
  const whole = path.resolve(scannedRoot) === v.mountPoint;
  const unexplained = v.usedBytes - scannedBytes - deletedOpenBytes;
  const notes: string[] = [];
  if (interrupted) notes.push('the scan was interrupted: what it did not reach counts as unexplained; run owners to the end for the real rest');
  if (!whole)
    notes.push(
      `${scannedRoot} is not the volume's root (${v.mountPoint}): "scanned" covers only it, the rest of the volume counts as unexplained; run owners on ${v.mountPoint} for the whole picture`,
    );
  if (!procComplete) notes.push('not root: other users\' processes were not visible, their deleted-but-open files are missing');
  if (whole && unexplained > 0 && !interrupted) {
    notes.push('likely causes of the rest: files hidden under mount points (mounted over non-empty directories), filesystem metadata (journal, inode tables), files the scan could not read');
    if (v.fsType.startsWith('ext')) notes.push(`ext* keeps ${size(v.reservedBytes)} (${count(v.reservedBytes)} bytes) reserved for root: they are free, not used, and not in these figures`);
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
