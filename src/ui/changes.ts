/**
 * The Changes view's pure core: the "after" tree with each entry's change, plus the entries of the
 * "before" tree that are gone, merged per directory and sorted by growth. No React, no I/O.
 *
 * Memory: both trees are in memory (the view is interactive), plus 12 bytes per "after" entry
 * (a Float64 delta and the matched "before" entry) and one byte per "before" entry.
 *
 * An entry is named by a ref: after-tree entry i is 2*i, before-tree entry i (gone) is 2*i+1.
 */
import { NONE, Tree } from '../tree/tree.js';
import { escapeName } from '../util/escape.js';
import { size } from '../util/format.js';
import { signedSize } from '../diff/report.js';
import { fit, padLeft } from './text.js';

export interface ChangesData {
  before: Tree;
  after: Tree;
  /** per after-entry: disk delta (directories: the subtree's) */
  deltaD: Float64Array;
  /** per after-entry: the matched before-entry, NONE when new */
  match: Uint32Array;
  /** per before-entry: 1 when an after-entry matched it */
  matchedA: Uint8Array;
  labels: { before: string; after: string };
}

export type ChangeSort = 'delta' | 'name' | 'size';
export interface ChangePrefs {
  sort: ChangeSort;
  desc: boolean;
  /** hide entries that did not change */
  hideUnchanged: boolean;
}
export const DEFAULT_CHANGE_PREFS: ChangePrefs = { sort: 'delta', desc: true, hideUnchanged: false };

export const refAfter = (i: number): number => 2 * i;
export const refBefore = (i: number): number => 2 * i + 1;
const isGone = (ref: number): boolean => (ref & 1) === 1;
const idx = (ref: number): number => ref >>> 1;

export class ChangesModel {
  private cache = new Map<string, number[]>();
  constructor(readonly d: ChangesData) {}

  get root(): number {
    return refAfter(0);
  }
  isDir(ref: number): boolean {
    return isGone(ref) ? this.d.before.isDir(idx(ref)) : this.d.after.isDir(idx(ref));
  }
  gone(ref: number): boolean {
    return isGone(ref);
  }
  isNew(ref: number): boolean {
    return !isGone(ref) && this.d.match[idx(ref)] === NONE;
  }
  /** disk bytes after (0 when gone) */
  after(ref: number): number {
    return isGone(ref) ? 0 : this.d.after.sizeD(idx(ref));
  }
  delta(ref: number): number {
    return isGone(ref) ? -this.d.before.sizeD(idx(ref)) : this.d.deltaD[idx(ref)];
  }
  before(ref: number): number {
    return isGone(ref) ? this.d.before.sizeD(idx(ref)) : this.after(ref) - this.delta(ref);
  }
  name(ref: number): Uint8Array {
    return isGone(ref) ? this.d.before.nameOf(idx(ref)) : this.d.after.nameOf(idx(ref));
  }
  path(ref: number): Buffer {
    return isGone(ref) ? this.d.before.pathOf(idx(ref)) : this.d.after.pathOf(idx(ref));
  }

  /** the children of a directory: its entries now, and the entries that were there and are gone */
  children(ref: number): number[] {
    const out: number[] = [];
    const { before, after, match, matchedA } = this.d;
    if (isGone(ref)) {
      for (const k of before.children(idx(ref))) out.push(refBefore(k));
      return out;
    }
    const i = idx(ref);
    for (const k of after.children(i)) out.push(refAfter(k));
    const m = match[i];
    if (m !== NONE && before.isDir(m)) for (const k of before.children(m)) if (!matchedA[k]) out.push(refBefore(k));
    return out;
  }

  sorted(ref: number, p: ChangePrefs): number[] {
    const key = `${ref}:${p.sort}:${p.desc}:${p.hideUnchanged}`;
    const hit = this.cache.get(key);
    if (hit) return hit;
    let kids = this.children(ref);
    if (p.hideUnchanged) kids = kids.filter((k) => this.delta(k) !== 0 || this.isNew(k) || this.gone(k));
    const sign = p.desc ? -1 : 1;
    const names = new Map<number, string>();
    const nm = (r: number) => {
      let s = names.get(r);
      if (s === undefined) names.set(r, (s = Buffer.from(this.name(r)).toString('latin1')));
      return s;
    };
    const byName = (a: number, b: number) => (nm(a) < nm(b) ? -1 : nm(a) > nm(b) ? 1 : 0);
    const val = (r: number) => (p.sort === 'delta' ? this.delta(r) : this.after(r) || this.before(r));
    kids.sort(p.sort === 'name' ? (a, b) => sign * byName(a, b) : (a, b) => sign * (val(a) - val(b)) || byName(a, b));
    if (this.cache.size > 64) this.cache.clear();
    this.cache.set(key, kids);
    return kids;
  }

  /** one list row, exactly w columns: mark, change, size before -> after, name */
  row(ref: number, w: number): string {
    const mark = this.gone(ref) ? 'D' : this.isNew(ref) ? 'N' : ' ';
    const nm = escapeName(this.name(ref)) + (this.isDir(ref) ? '/' : '');
    const s = `${mark} ${padLeft(signedSize(this.delta(ref)), 11)}  ${padLeft(size(this.before(ref)), 10)} -> ${padLeft(size(this.after(ref)), 10)}  ${nm}`;
    return fit(s, w);
  }
}
