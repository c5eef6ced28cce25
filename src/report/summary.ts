/**
 * The scan summary: totals and the largest directories and files, computed from the tree.
 * Pure: tree in, plain data out.
 */
import { EntryType } from '../model/entry.js';
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

/**
 * Keeps the n largest keys seen, largest first: `offer` each candidate (one comparison for most of
 * them: a key at most the smallest kept is dropped at once).
 */
class Largest {
  readonly best: number[] = [];
  private readonly keys: number[] = [];
  /** the smallest key kept once n are kept (-Infinity before): a candidate must beat it */
  floor = -Infinity;
  constructor(private readonly n: number) {}
  offer(i: number, k: number): void {
    const { best, keys, n } = this;
    let pos = best.length === n ? n - 1 : best.length;
    while (pos > 0 && keys[pos - 1] < k) {
      if (pos < n) {
        keys[pos] = keys[pos - 1];
        best[pos] = best[pos - 1];
      }
      pos--;
    }
    keys[pos] = k;
    best[pos] = i;
    if (best.length > n) {
      best.length = n;
      keys.length = n;
    }
    if (best.length === n) this.floor = keys[n - 1];
  }
}

export function summarize(t: Tree, top = 10, apparent = false): Summary {
  const item = (i: number): TopItem => ({
    index: i,
    diskBytes: t.exactSizeD(i),
    apparentBytes: t.exactSizeA(i),
    items: t.items(i),
  });
  // one plain loop each (no call per entry through a closure: they run once per entry of the
  // tree, mostly before V8 has optimized anything); ties keep the first seen, as before
  const dirs = new Largest(Math.max(0, top));
  const files = new Largest(Math.max(0, top));
  if (top > 0) {
    // the directories below the root
    for (let j = 1; j < t.dirCount; j++) {
      const i = t.dirEntry[j];
      const k = apparent ? t.sizeA(i) : t.sizeD(i);
      if (k > dirs.floor) dirs.offer(i, k);
    }
    // the regular files
    for (let i = 0; i < t.count; i++) {
      if (t.type(i) !== EntryType.File) continue;
      const k = apparent ? t.ownA(i) : t.ownD(i);
      if (k > files.floor) files.offer(i, k);
    }
  }
  const totals = t.totals();
  const unreadable: number[] = [];
  const listed = Math.min(totals.errors, UNREADABLE_LISTED);
  for (let i = 0; i < t.count && unreadable.length < listed; i++) if (t.readError(i) && !t.removed(i)) unreadable.push(i);
  return { ...totals, topDirs: dirs.best.map(item), topFiles: files.best.map(item), unreadable };
}
