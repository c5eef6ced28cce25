/**
 * The browser's pure core: sorted views of a directory (cached per directory and tree version),
 * row text, ncdu's flags. No React, no I/O: tested directly.
 */
import { EntryType, Excluded } from '../model/entry.js';
import type { TreeView } from '../tree/filter.js';
import { escapeName } from '../util/escape.js';
import { count, size } from '../util/format.js';
import { localDate, timeOfDay } from '../report/time.js';
import { fit, padLeft, truncate } from './text.js';
import type { Tree } from '../tree/tree.js';

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
    const key = `${dir}:${p.sort}:${p.desc}:${p.sort === 'size' ? p.apparent : ''}:${p.showHidden}:${p.dirsFirst}`;
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

/** a name beginning with '.' (ncdu's and gdu's hidden files) */
export function isHiddenName(name: Uint8Array): boolean {
  return name.length > 0 && name[0] === 0x2e;
}

/** How many children of `dir` have a hidden name (0 when none: the header says nothing). */
export function hiddenCount(t: TreeView, dir: number): number {
  let n = 0;
  for (const c of t.children(dir)) if (isHiddenName(t.nameOf(c))) n++;
  return n;
}

/**
 * The children of `dir` in the order `p` asks (entry numbers): sorted by p.sort (ties by name),
 * then, with p.dirsFirst, directories above the rest (each part keeping that order); without
 * p.showHidden, names beginning with '.' are left out (the directory's totals still count them).
 */
export function sortChildren(t: TreeView, dir: number, p: ViewPrefs): Uint32Array {
  const order = sortAll(t, dir, p);
  if (p.showHidden && !p.dirsFirst) return order;
  const out = new Uint32Array(order.length);
  let n = 0;
  const keep = (i: number) => p.showHidden || !isHiddenName(t.nameOf(i));
  if (p.dirsFirst) {
    for (const i of order) if (t.isDir(i) && keep(i)) out[n++] = i;
    for (const i of order) if (!t.isDir(i) && keep(i)) out[n++] = i;
  } else for (const i of order) if (keep(i)) out[n++] = i;
  return n === out.length ? out : out.slice(0, n);
}

function sortAll(t: TreeView, dir: number, p: ViewPrefs): Uint32Array {
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

/** The mtime column's width: "2026-12-01 04:40" */
export const MTIME_COLS = 16;

/** A modification time (seconds since the epoch) for the mtime column, local time; blank when unknown (< 0). */
export function mtimeText(secs: number): string {
  if (!(secs >= 0)) return ' '.repeat(MTIME_COLS);
  const ms = secs * 1000;
  return `${localDate(ms)} ${timeOfDay(ms)}`;
}

/**
 * The newest mtime in each entry's subtree (seconds since the epoch, -1 unknown), as ncdu 2 shows
 * for a directory in its extended mode: a file's own, a directory's the latest of itself and of
 * everything below it. One pass over the tree (each entry raises its ancestors until one is
 * already as new), recomputed when the tree's version changes; 8 bytes per entry.
 */
export class NewestMtimes {
  private version = -1;
  private newest = new Float64Array(0);
  constructor(private readonly tree: Tree) {}

  /** entry i's newest mtime (seconds since the epoch), or -1 when neither it nor anything below has one */
  of(i: number): number {
    const t = this.tree;
    if (t.version !== this.version) this.build();
    return i < this.newest.length ? this.newest[i] : -1;
  }

  private build(): void {
    const t = this.tree;
    const n = t.count;
    const best = new Float64Array(n).fill(-1);
    for (let i = 0; i < n; i++) {
      if (t.removed(i)) continue;
      const m = t.mtimeOf(i);
      if (m > best[i]) best[i] = m;
      for (let q = t.parent[i]; q < n && best[q] < m; q = t.parent[q]) best[q] = m;
    }
    this.newest = best;
    this.version = t.version;
  }
}

/** What a row shows beyond the entry itself: its mark, its (newest) mtime for the mtime column. */
export interface RowExtra {
  marked?: boolean;
  /** seconds since the epoch, -1 unknown; shown when p.showMtime */
  mtime?: number;
}

/**
 * One list row, exactly `w` columns: flag, mark ('*'), size, percentage, graph, item count, mtime
 * (with p.showMtime), name; the name is cut first when the row is too wide.
 */
export function rowText(t: TreeView, i: number, parentTotal: number, maxSibling: number, p: ViewPrefs, w: number, extra: RowExtra = {}): string {
  const v = p.apparent ? t.sizeA(i) : t.sizeD(i);
  let s = `${flagOf(t, i)}${extra.marked ? '*' : ' '}${padLeft(size(v), 10)} `;
  if (p.graph === 'both' || p.graph === 'percent') {
    const pc = parentTotal > 0 ? (100 * v) / parentTotal : 0;
    s += padLeft(pc.toFixed(1) + '%', 6) + ' ';
  }
  if (p.graph === 'both' || p.graph === 'graph') {
    const cells = maxSibling > 0 ? Math.round((10 * v) / maxSibling) : 0;
    s += '[' + '#'.repeat(cells) + ' '.repeat(10 - cells) + '] ';
  }
  if (p.showItems) s += padLeft(t.isDir(i) ? count(t.items(i)) : '', 9) + ' ';
  if (p.showMtime) s += mtimeText(extra.mtime ?? t.mtimeOf(i)) + ' ';
  return fit(s + ' ' + nameText(t, i), w);
}

export function pathText(t: TreeView, i: number, w: number): string {
  return truncate(escapeName(t.pathOf(i)), w, true);
}
