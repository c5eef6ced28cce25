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

/**
 * The n largest by key of the entries at(0..count-1) that pass `keep`, largest first (one pass,
 * small sorted buffer; plain calls, no iterator: it runs once per entry of the tree).
 */
function topN(n: number, count: number, at: (j: number) => number, key: (i: number) => number, keep: (i: number) => boolean): number[] {
  const best: number[] = [];
  const keys: number[] = [];
  if (n <= 0) return best;
  for (let j = 0; j < count; j++) {
    const i = at(j);
    if (!keep(i)) continue;
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
    // the directories below the root; the regular files
    topDirs: topN(top, t.dirCount - 1, (j) => t.dirEntry[j + 1], size, () => true).map(item),
    topFiles: topN(top, t.count, (j) => j, size, (i) => t.type(i) === EntryType.File).map(item),
  };
}
