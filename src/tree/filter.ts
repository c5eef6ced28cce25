/**
 * The tree seen through a filter: only the entries of one owner (a package, a service, a kind of
 * data, a user: see OwnerLabels) and the directories leading to them, with directory sizes that sum
 * the matching entries only. Built in one pass over typed arrays (no object per entry): a byte per
 * entry says member / on the way to one / hidden, and three numbers per directory hold its
 * filtered apparent size, disk usage and item count.
 *
 * It answers the questions the browser asks of a tree (TreeView), so the ncdu screen, its sorts and
 * its panels work on it unchanged. Pure: no I/O.
 */
import { EntryType } from '../model/entry.js';
import { BIG, F_EXCL, F_HARDLINK, F_TYPE, NONE, Tree } from './tree.js';

/** What the browser's screen reads from a tree: the Tree itself, or a FilteredTree. */
export type TreeView = Pick<
  Tree,
  | 'version'
  | 'parent'
  | 'sizeA'
  | 'sizeD'
  | 'items'
  | 'children'
  | 'nameOf'
  | 'pathOf'
  | 'isDir'
  | 'type'
  | 'isHardlink'
  | 'readError'
  | 'subtreeError'
  | 'excluded'
  | 'mtimeOf'
  | 'modeOf'
  | 'uidOf'
  | 'gidOf'
  | 'inoOf'
  | 'nlinkOf'
>;

const HIDDEN = 0;
const MEMBER = 1;
/** not a member itself, but a member lies below */
const ON_PATH = 2;

/** Entries that count for an owner: those whose label is `k` (labels from the attribution passes). */
export interface OwnerFilter {
  /** what the header says: "package coreutils" */
  title: string;
  labels: Int32Array;
  k: number;
}

export class FilteredTree implements TreeView {
  /** per entry: HIDDEN, MEMBER or ON_PATH */
  vis = new Uint8Array(0);
  /** per directory (the tree's directory numbers): filtered totals */
  fA = new Float64Array(0);
  fD = new Float64Array(0);
  fItems = new Float64Array(0);
  /** the owner's disk bytes and apparent bytes (a hard-linked inode once), and its entries that are not directories */
  bytes = 0;
  apparent = 0;
  files = 0;
  /** milliseconds the last build took */
  buildMs = 0;
  private builtAt = -1;
  private kidsCache = new Map<number, Uint32Array>();

  constructor(
    readonly tree: Tree,
    readonly filter: OwnerFilter,
  ) {
    this.refresh();
  }

  get version(): number {
    return this.tree.version;
  }
  get parent(): Tree['parent'] {
    return this.tree.parent;
  }
  get title(): string {
    return this.filter.title;
  }

  /** Rebuild when the tree changed (a deletion, a rescan); cheap when it did not. */
  refresh(): void {
    if (this.builtAt === this.tree.version && this.vis.length === this.tree.count) return;
    const t0 = performance.now();
    this.build();
    this.builtAt = this.tree.version;
    this.kidsCache.clear();
    this.buildMs = performance.now() - t0;
  }

  private build(): void {
    const t = this.tree;
    const { labels, k } = this.filter;
    const n = t.count;
    const dc = t.dirCount;
    const vis = (this.vis = new Uint8Array(n));
    const fA = (this.fA = new Float64Array(dc));
    const fD = (this.fD = new Float64Array(dc));
    const it = (this.fItems = new Float64Array(dc));
    const parent = t.parent;
    const dirNo = t.asize32;
    const fl = t.flags;
    const nl = Math.min(n, labels.length);
    // module constants as locals: read once, not through a binding per entry
    const EXCL = F_EXCL, TYPE = F_TYPE, HL = F_HARDLINK, SPILL = BIG, DIR = EntryType.Dir, TOP = NONE;
    let files = 0;
    /** member hard links, as (entry) lists per inode: counted once per directory holding one */
    let links: Map<string, number[]> | null = null;
    // children come after their parents: one backward pass sums every subtree. The flags byte and
    // apparent-size slots are read directly (the accessors for spilled sizes and disk usage)
    for (let i = n - 1; i >= 0; i--) {
      const f = fl[i];
      if (f & EXCL) continue; // excluded, or removed after the scan: never a member, never shown
      const mine = i < nl && labels[i] === k;
      let a: number, d: number, items: number;
      if ((f & TYPE) === DIR) {
        const di = dirNo[i];
        if (mine) {
          fA[di] += t.ownA(i);
          fD[di] += t.ownD(i);
          vis[i] = MEMBER;
        } else if (it[di] > 0) vis[i] = ON_PATH;
        else continue;
        a = fA[di];
        d = fD[di];
        items = it[di] + 1;
      } else {
        if (!mine) continue;
        vis[i] = MEMBER;
        items = 1;
        if (f & HL) {
          const key = t.devOf(i) + ':' + t.inoOf(i);
          links ??= new Map();
          const g = links.get(key);
          if (g) g.push(i);
          else {
            links.set(key, [i]);
            files++;
          }
          a = 0;
          d = 0;
        } else {
          files++;
          const av = dirNo[i];
          a = av === SPILL ? t.ownA(i) : av;
          d = t.ownD(i);
        }
      }
      const p = parent[i];
      if (p !== TOP) {
        const pd = dirNo[p];
        fA[pd] += a;
        fD[pd] += d;
        it[pd] += items;
      }
    }
    if (links) {
      for (const g of links.values()) {
        const a = t.ownA(g[0]);
        const d = t.ownD(g[0]);
        const seen = new Set<number>();
        for (const i of g)
          for (let p = parent[i]; p !== NONE && !seen.has(p); p = parent[p]) {
            seen.add(p);
            fA[dirNo[p]] += a;
            fD[dirNo[p]] += d;
          }
      }
    }
    this.files = files;
    if (n === 0) this.bytes = this.apparent = 0;
    else if (t.isDir(0)) {
      this.bytes = fD[dirNo[0]];
      this.apparent = fA[dirNo[0]];
    } else {
      this.bytes = vis[0] ? t.ownD(0) : 0;
      this.apparent = vis[0] ? t.ownA(0) : 0;
    }
  }

  /** entry i counts for the owner (the per-entry predicate) */
  member(i: number): boolean {
    return this.vis[i] === MEMBER;
  }
  /** entry i is shown: a member, or a directory with members below */
  visible(i: number): boolean {
    return this.vis[i] !== HIDDEN;
  }

  sizeA(i: number): number {
    if (this.tree.isDir(i)) return this.fA[this.tree.asize32[i]];
    return this.vis[i] === MEMBER ? this.tree.ownA(i) : 0;
  }
  sizeD(i: number): number {
    if (this.tree.isDir(i)) return this.fD[this.tree.asize32[i]];
    return this.vis[i] === MEMBER ? this.tree.ownD(i) : 0;
  }
  items(i: number): number {
    return this.tree.isDir(i) ? this.fItems[this.tree.asize32[i]] : 0;
  }
  /** the shown children of directory i (computed once per directory) */
  children(i: number): Uint32Array {
    let c = this.kidsCache.get(i);
    if (c) return c;
    const all = this.tree.children(i);
    const vis = this.vis;
    let m = 0;
    for (let j = 0; j < all.length; j++) if (vis[all[j]] !== HIDDEN) m++;
    c = new Uint32Array(m);
    m = 0;
    for (let j = 0; j < all.length; j++) if (vis[all[j]] !== HIDDEN) c[m++] = all[j];
    this.kidsCache.set(i, c);
    return c;
  }

  nameOf(i: number): Uint8Array {
    return this.tree.nameOf(i);
  }
  pathOf(i: number): Buffer {
    return this.tree.pathOf(i);
  }
  isDir(i: number): boolean {
    return this.tree.isDir(i);
  }
  type(i: number): EntryType {
    return this.tree.type(i);
  }
  isHardlink(i: number): boolean {
    return this.tree.isHardlink(i);
  }
  readError(i: number): boolean {
    return this.tree.readError(i);
  }
  subtreeError(i: number): boolean {
    return this.tree.subtreeError(i);
  }
  excluded(i: number): ReturnType<Tree['excluded']> {
    return this.tree.excluded(i);
  }
  mtimeOf(i: number): number {
    return this.tree.mtimeOf(i);
  }
  modeOf(i: number): number {
    return this.tree.modeOf(i);
  }
  uidOf(i: number): number {
    return this.tree.uidOf(i);
  }
  gidOf(i: number): number {
    return this.tree.gidOf(i);
  }
  inoOf(i: number): ReturnType<Tree['inoOf']> {
    return this.tree.inoOf(i);
  }
  nlinkOf(i: number): number {
    return this.tree.nlinkOf(i);
  }
}

/** What deleting entry i removes when only the owner's entries are shown. */
export interface DeletionPlan {
  /** member entries that are not directories: unlinked */
  files: number[];
  /** member directories, deepest first: removed only when empty once the files are gone */
  dirs: number[];
  /** disk bytes of the files (as shown) */
  bytes: number;
}

/**
 * Deleting what the user sees: the owner's entries at or below i, never the hidden ones. A member
 * file is itself; a directory gives its member files and member directories (the latter to be
 * removed only if they end up empty: another owner's files may be in them).
 */
export function deletionPlan(f: FilteredTree, i: number): DeletionPlan {
  const t = f.tree;
  const plan: DeletionPlan = { files: [], dirs: [], bytes: 0 };
  if (!f.visible(i)) return plan;
  // depth first; a directory goes to `dirs` after everything below it
  const stack: number[] = [i];
  const post: number[] = [];
  while (stack.length) {
    const k = stack.pop()!;
    if (t.isDir(k)) {
      if (f.member(k)) post.push(k);
      const kids = f.children(k);
      for (let j = 0; j < kids.length; j++) stack.push(kids[j]);
    } else if (f.member(k)) {
      plan.files.push(k);
      plan.bytes += t.ownD(k);
    }
  }
  // parents come before children in `post` when taken in index order: deepest first is the reverse
  plan.dirs = post.sort((x, y) => y - x);
  return plan;
}

/** The owner's entries that are not directories, largest (disk usage) first, ties by index. */
export function memberFiles(f: FilteredTree): Uint32Array {
  const t = f.tree;
  const vis = f.vis;
  let m = 0;
  for (let i = 0; i < vis.length; i++) if (vis[i] === MEMBER && !t.isDir(i)) m++;
  const out = new Uint32Array(m);
  const keys = new Float64Array(m);
  m = 0;
  for (let i = 0; i < vis.length; i++)
    if (vis[i] === MEMBER && !t.isDir(i)) {
      out[m] = i;
      keys[m++] = t.ownD(i);
    }
  const order = new Uint32Array(m);
  for (let k = 0; k < m; k++) order[k] = k;
  order.sort((a, b) => keys[b] - keys[a] || out[a] - out[b]);
  for (let k = 0; k < m; k++) order[k] = out[order[k]];
  return order;
}

/** The entry at absolute path `p` (bytes or string) in the tree, or -1. */
export function entryAt(t: Tree, p: string | Uint8Array): number {
  if (t.count === 0) return -1;
  const want = Buffer.isBuffer(p) ? p : Buffer.from(p);
  const root = t.pathOf(0);
  const base = root.length > 1 && root[root.length - 1] === 0x2f ? root.subarray(0, root.length - 1) : root;
  if (want.equals(root) || want.equals(base)) return 0;
  if (!(want.length > base.length && want.subarray(0, base.length).equals(base) && (want[base.length] === 0x2f || base.length === 1)))
    return -1;
  let at = 0;
  const rest = want.subarray(base.length === 1 ? 1 : base.length + 1);
  for (const part of splitSlash(rest)) {
    if (part.length === 0) continue;
    const kids = t.children(at);
    let next = -1;
    for (let j = 0; j < kids.length && next < 0; j++) if (Buffer.from(t.nameOf(kids[j])).equals(part)) next = kids[j];
    if (next < 0) return -1;
    at = next;
  }
  return at;
}

function splitSlash(b: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let s = 0;
  for (let k = 0; k <= b.length; k++)
    if (k === b.length || b[k] === 0x2f) {
      out.push(b.subarray(s, k));
      s = k + 1;
    }
  return out;
}
