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
}

/** The n largest of `candidates` by key, largest first (one pass, small sorted buffer). */
function topN(n: number, candidates: Iterable<number>, key: (i: number) => number): number[] {
  const best: number[] = [];
  const keys: number[] = [];
  if (n <= 0) return best;
  for (const i of candidates) {
    const k = key(i);
    if (best.length === n && k <= keys[n - 1]) continue;
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
  }
  return best;
}

function* dirsBelowRoot(t: Tree): Iterable<number> {
  for (let d = 1; d < t.dirCount; d++) yield t.dirEntry[d];
}

function* files(t: Tree): Iterable<number> {
  for (let i = 0; i < t.count; i++) if (t.type(i) === EntryType.File) yield i;
}

export function summarize(t: Tree, top = 10, apparent = false): Summary {
  const size = apparent ? (i: number) => t.sizeA(i) : (i: number) => t.sizeD(i);
  const item = (i: number): TopItem => ({
    index: i,
    diskBytes: t.exactSizeD(i),
    apparentBytes: t.exactSizeA(i),
    items: t.items(i),
  });
  return {
    ...t.totals(),
    topDirs: topN(top, dirsBelowRoot(t), size).map(item),
    topFiles: topN(top, files(t), size).map(item),
  };
}
