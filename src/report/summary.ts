/**
 * The scan summary: totals and the largest directories and files, computed from the tree.
 * Pure: tree in, plain data out.
 */
import { Tree, TreeTotals } from '../tree/tree.js';
import type { Bytes } from '../util/exact.js';

export interface TopItem {
  index: number;
  /** exact, bytes */
  diskBytes: Bytes;
  /** exact, bytes */
  apparentBytes: Bytes;
  items: number;
}

export interface Summary extends TreeTotals {
  topDirs: TopItem[];
  topFiles: TopItem[];
  /** the first UNREADABLE_LISTED entries that could not be read (tree indexes, in the tree's order); `errors` counts them all */
  unreadable: number[];
}

/** how many unreadable entries a summary names (`errors` counts them all) */
export const UNREADABLE_LISTED = 100;

export function summarize(t: Tree, top = 10, apparent = false): Summary {
  const item = (i: number): TopItem => ({
    index: i,
    diskBytes: t.exactSizeD(i),
    apparentBytes: t.exactSizeA(i),
    items: t.items(i),
  });
  // (the tree's own loops over its arrays: they run once per entry, mostly before V8 has optimized anything)
  const topDirs = t.largestDirs(Math.max(0, top), apparent);
  const topFiles = t.largestFiles(Math.max(0, top), apparent);
  const totals = t.totals();
  const unreadable: number[] = [];
  const listed = Math.min(totals.errors, UNREADABLE_LISTED);
  for (let i = 0; i < t.count && unreadable.length < listed; i++) if (t.readError(i) && !t.removed(i)) unreadable.push(i);
  return { ...totals, topDirs: topDirs.map(item), topFiles: topFiles.map(item), unreadable };
}
