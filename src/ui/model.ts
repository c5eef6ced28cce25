/**
 * The browser's pure core: sorted views of a directory (cached per directory and tree version),
 * row text, ncdu's flags. No React, no I/O: tested directly.
 */
import { EntryType, Excluded } from '../model/entry.js';
import type { TreeView } from '../tree/filter.js';
import { escapeName } from '../util/escape.js';
import { count, size } from '../util/format.js';
import { fit, padLeft, truncate } from './text.js';

export type SortKey = 'size' | 'name' | 'items' | 'mtime';
export type GraphMode = 'both' | 'graph' | 'percent' | 'none';
export const GRAPH_CYCLE: GraphMode[] = ['both', 'graph', 'percent', 'none'];

export interface ViewPrefs {
  sort: SortKey;
  /** descending (largest, newest, Z first) */
  desc: boolean;
  apparent: boolean;
  showItems: boolean;
  graph: GraphMode;
  /** list names beginning with a dot (`e` toggles; ncdu's and gdu's `e`) */
  showHidden: boolean;
  /** directories above files whatever the sort (`t` toggles; ncdu's `t`) */
  dirsFirst: boolean;
  /** a modification-time column (`m` toggles; ncdu 2's extended mode, gdu's `m`) */
  showMtime: boolean;
}

export const DEFAULT_PREFS: ViewPrefs = {
  sort: 'size',
  desc: true,
  apparent: false,
  showItems: true,
  graph: 'both',
  showHidden: true,
  dirsFirst: false,
  showMtime: false,
};

/** The natural direction of each sort: sizes, counts and times largest first, names A first. */
export function defaultDesc(k: SortKey): boolean {
  return k !== 'name';
}

/** Pressing a sort key: switch to it, or reverse it when it is already the sort (ncdu's habit). */
export function pressSort(p: ViewPrefs, k: SortKey): ViewPrefs {
  return p.sort === k ? { ...p, desc: !p.desc } : { ...p, sort: k, desc: defaultDesc(k) };
}

const decoder = new TextDecoder('utf-8');

/** Sorted children of a directory; each order computed once per (dir, sort, tree version). */
export class SortCache {
  private cache = new Map<string, Uint32Array>();
  private version = -1;
  constructor(private readonly tree: TreeView, private readonly max = 32) {}

  get(dir: number, p: ViewPrefs): Uint32Array {
    const t = this.tree;
    if (t.version !== this.version) {
      this.cache.clear();
      this.version = t.version;
    }
    const key = `${dir}:${p.sort}:${p.desc}:${p.sort === 'size' ? p.apparent : ''}`;
    const hit = this.cache.get(key);
    if (hit) {
      // keep recently used orders: move to the end (Map keeps insertion order)
      this.cache.delete(key);
      this.cache.set(key, hit);
      return hit;
    }
    const order = sortChildren(t, dir, p);
    this.cache.set(key, order);
    if (this.cache.size > this.max) this.cache.delete(this.cache.keys().next().value!);
    return order;
  }
}

export function sortChildren(t: TreeView, dir: number, p: ViewPrefs): Uint32Array {
  const kids = t.children(dir);
  const n = kids.length;
  const order = new Uint32Array(n);
  for (let k = 0; k < n; k++) order[k] = k;
  const sign = p.desc ? -1 : 1;
  let cmp: (a: number, b: number) => number;
  if (p.sort === 'name') {
    const names: string[] = new Array(n);
    for (let k = 0; k < n; k++) names[k] = decoder.decode(t.nameOf(kids[k]));
    cmp = (a, b) => (names[a] < names[b] ? -sign : names[a] > names[b] ? sign : 0);
  } else {
    const keys = new Float64Array(n);
    for (let k = 0; k < n; k++) {
      const i = kids[k];
      keys[k] =
        p.sort === 'size'
          ? p.apparent
            ? t.sizeA(i)
            : t.sizeD(i)
          : p.sort === 'items'
            ? t.items(i)
            : t.mtimeOf(i);
    }
    // ties by name keep the order stable and predictable
    const names: (string | undefined)[] = new Array(n);
    const nameOf = (k: number) => (names[k] ??= decoder.decode(t.nameOf(kids[k])));
    cmp = (a, b) => sign * (keys[a] - keys[b]) || (nameOf(a) < nameOf(b) ? -1 : nameOf(a) > nameOf(b) ? 1 : 0);
  }
  order.sort(cmp);
  for (let k = 0; k < n; k++) order[k] = kids[order[k]];
  return order;
}

/** ncdu's one-character flag for an entry. */
export function flagOf(t: TreeView, i: number): string {
  if (t.readError(i)) return '!';
  const ex = t.excluded(i);
  if (ex === Excluded.OtherFs) return '>';
  if (ex === Excluded.KernFs) return '^';
  if (ex !== Excluded.None) return '<';
  const type = t.type(i);
  if (type === EntryType.Symlink || type === EntryType.Other) return '@';
  if (t.isHardlink(i)) return 'H';
  if (type === EntryType.Dir) {
    if (t.subtreeError(i)) return '.';
    if (t.items(i) === 0) return 'e';
  }
  return ' ';
}

export function nameText(t: TreeView, i: number): string {
  const n = escapeName(t.nameOf(i));
  return t.isDir(i) ? n + '/' : n;
}

/** One list row, exactly `w` columns. */
export function rowText(t: TreeView, i: number, parentTotal: number, maxSibling: number, p: ViewPrefs, w: number): string {
  const v = p.apparent ? t.sizeA(i) : t.sizeD(i);
  let s = `${flagOf(t, i)} ${padLeft(size(v), 10)} `;
  if (p.graph === 'both' || p.graph === 'percent') {
    const pc = parentTotal > 0 ? (100 * v) / parentTotal : 0;
    s += padLeft(pc.toFixed(1) + '%', 6) + ' ';
  }
  if (p.graph === 'both' || p.graph === 'graph') {
    const cells = maxSibling > 0 ? Math.round((10 * v) / maxSibling) : 0;
    s += '[' + '#'.repeat(cells) + ' '.repeat(10 - cells) + '] ';
  }
  if (p.showItems) s += padLeft(t.isDir(i) ? count(t.items(i)) : '', 9) + ' ';
  return fit(s + ' ' + nameText(t, i), w);
}

export function pathText(t: TreeView, i: number, w: number): string {
  return truncate(escapeName(t.pathOf(i)), w, true);
}
