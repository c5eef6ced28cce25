/**
 * What changed between two snapshots of one directory tree. Pure over data: snapshot A ("before") is a
 * finished compact Tree, snapshot B ("after") arrives as the depth-first Sink events of a reader or a
 * scan, and is never held in memory. The sink walks A in parallel with B: the root matches the root,
 * a child of a matched directory matches A's child of the same name (raw bytes; names need not be
 * UTF-8). A's children are tried in order first (exports of an unchanged directory list it in the
 * same order), and a name -> child map of the A directory is built only on the first miss.
 *
 * What is kept: one byte per A entry (matched or not), the open B directories, and bounded results
 * (top-N heaps of files and directories, per-kind / per-package / per-user sums).
 *
 * Sizes are counted as du counts them: a hard-linked inode once per directory subtree (as the Tree
 * does), so `netDiskBytes` is the difference of `du -sB1` at the two moments and each directory's
 * delta is the difference of `du -sB1 DIR`. For per-file changes (and kinds, packages, users) a
 * hard-linked inode is charged to its first link in each snapshot's order and its other links count 0:
 * the per-file deltas then add up to the net change, and a file replaced by a hard link to another
 * file shows as shrunk by its old size.
 *
 * Directories reported as grown or shrunk (the roll-up rule): a directory's delta includes everything
 * below it; a directory is listed when no single subdirectory accounts for more than half of its
 * delta (DOMINANT). A growing file makes its own directory the one listed, not every ancestor; growth
 * spread over several subdirectories lists their common parent as well (as its own row).
 *
 * Byte counts in the result are exact (util/exact.ts's Bytes: a bigint from 2^53 up), so the net
 * change of a sparse file of 2^53 + 1 bytes is exactly that; the rankings use doubles.
 */
import { Entry, EntryType, Excluded, Sink, SourceInfo } from '../model/entry.js';
import { NONE, Tree } from '../tree/tree.js';
import type { KindCtx, KindMatcher } from '../owners/kinds.js';
import { TopN } from './topn.js';
import { addBytes, absBytes, Bytes, mulDivRound, subBytes } from '../util/exact.js';

/** a subdirectory explaining more than this share of its parent's delta hides the parent */
export const DOMINANT = 0.5;

export interface DiffOptions {
  /** items per list (default 10) */
  top?: number;
  /** kinds of data (owners/kinds rules); none when absent */
  kinds?: KindMatcher | null;
  /** the package owning an absolute path (latin1 of its bytes); called for changed files only */
  packageOf?: ((path: string) => string | undefined) | null;
  /** keep B's per-entry deltas and matches (for the Changes view; B's tree is built alongside) */
  keepDeltas?: boolean;
}

export interface SideInfo {
  /** unix seconds (snapshot time, export timestamp or scan start), 0 when unknown */
  time: number;
  producer: string;
  root: Uint8Array;
  entries: number;
  /** bytes, exact */
  diskBytes: Bytes;
  /** bytes, exact */
  apparentBytes: Bytes;
  incomplete: boolean;
}

/** byte counts exact */
export interface FileChange {
  path: Uint8Array;
  before: Bytes;
  after: Bytes;
  delta: Bytes;
  apparentBefore: Bytes;
  apparentAfter: Bytes;
  apparentDelta: Bytes;
  /** kind of data (rules' name), when it matched */
  kind?: string;
}

/** byte counts exact */
export interface DirChange {
  path: Uint8Array;
  before: Bytes;
  after: Bytes;
  delta: Bytes;
  apparentDelta: Bytes;
  status: 'changed' | 'added' | 'removed';
  /** share of the delta of its largest subdirectory change in the same direction (0..0.5) */
  largestChildShare: number;
  /** bytes per day over the interval (rounded to a byte), null when the interval is unknown */
  perDay: Bytes | null;
}

export interface GroupDelta {
  name: string;
  /** net disk bytes, exact */
  delta: Bytes;
  grew: Bytes;
  shrank: Bytes;
  /** changed files counted */
  files: number;
}

export interface UserDelta {
  uid: number;
  /** net disk bytes, exact */
  delta: Bytes;
  files: number;
}

export interface DiffResult {
  before: SideInfo;
  after: SideInfo;
  /** B's time - A's time, null when either is unknown */
  intervalSeconds: number | null;
  /** bytes, exact: du -sB1 after minus before */
  netDiskBytes: Bytes;
  /** bytes, exact: du -sb after minus before */
  netApparentBytes: Bytes;
  entriesBefore: number;
  entriesAfter: number;
  /** non-directory entries */
  counts: { added: number; removed: number; grown: number; shrunk: number; unchanged: number };
  grewDirs: DirChange[];
  shrankDirs: DirChange[];
  added: FileChange[];
  removed: FileChange[];
  grown: FileChange[];
  shrunk: FileChange[];
  kinds: GroupDelta[];
  packages: GroupDelta[];
  users: UserDelta[];
}

/** B's per-entry data for the Changes view (aligned with B's Tree, whose indexes are arrival order) */
export interface DeltaArrays {
  /** disk delta of each B entry (directories: of the subtree) */
  deltaD: Float64Array;
  /** the matched A entry, NONE when new */
  match: Uint32Array;
  /** 1 for every A entry matched by a B entry */
  matchedA: Uint8Array;
}

interface PendingLink {
  bIndex: number;
  matched: boolean;
  d: Bytes;
  ap: Bytes;
  bd: Bytes;
  ba: Bytes;
  type: EntryType;
  name: Uint8Array;
  uid: number;
  path: Buffer;
  dir: string;
  ctx: KindCtx | null;
}

interface Frame {
  name: Uint8Array;
  serial: number;
  bIndex: number;
  aDir: number;
  totD: Bytes;
  totA: Bytes;
  /** hard-linked inodes, added straight to every frame they count in (not propagated) */
  hlD: Bytes;
  hlA: Bytes;
  /** largest growth / shrink of a subdirectory (as positive doubles: only for the roll-up share) */
  maxGrow: number;
  maxShrink: number;
  cursor: number;
  lookup: Map<string, number> | null;
  ctx: KindCtx | null;
  pathStr: string | null;
}

const SLASH = Buffer.from('/');

function latin1(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('latin1');
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function joinPath(dir: Uint8Array, name: Uint8Array): Buffer {
  if (dir.length && dir[dir.length - 1] === 0x2f) return Buffer.concat([dir, name]);
  return Buffer.concat([dir, SLASH, name]);
}

/** the root's path as KindMatcher wants it: no trailing slash, '' for `/` */
function rootPathStr(name: Uint8Array): string {
  let p = latin1(name);
  if (p.length > 1) p = p.replace(/\/+$/, '');
  return p === '/' ? '' : p;
}

class Group {
  delta: Bytes = 0;
  grew: Bytes = 0;
  shrank: Bytes = 0;
  files = 0;
  add(d: Bytes): void {
    this.delta = addBytes(this.delta, d);
    if (d > 0) this.grew = addBytes(this.grew, d);
    else this.shrank = subBytes(this.shrank, d);
    this.files++;
  }
}

/** descending by magnitude, for sorting exact deltas */
function byMagnitude(x: Bytes, y: Bytes): number {
  const ax = absBytes(x);
  const ay = absBytes(y);
  return ay > ax ? 1 : ay < ax ? -1 : 0;
}

function groupRows(m: Map<string, Group>): GroupDelta[] {
  return [...m.entries()]
    .map(([name, g]) => ({ name, delta: g.delta, grew: g.grew, shrank: g.shrank, files: g.files }))
    .sort((x, y) => byMagnitude(x.delta, y.delta) || byMagnitude(addBytes(x.grew, x.shrank), addBytes(y.grew, y.shrank)) || (x.name < y.name ? -1 : 1));
}

export class DiffSink implements Sink {
  private readonly top: number;
  private readonly kinds: KindMatcher | null;
  private readonly packageOf: ((path: string) => string | undefined) | null;
  private readonly matchedA: Uint8Array;
  /** A entries that are not the first link of their inode (in A's order): they count 0 */
  private readonly aLinkRepeat = new Set<number>();
  private readonly seenB = new Map<string, number[]>();
  private readonly pendingLinks = new Map<string, PendingLink[]>();
  private frames: Frame[] = [];
  private serial = 0;
  private bCount = 0;
  private bDisk: Bytes = 0;
  private bApparent: Bytes = 0;
  private bRoot: Uint8Array = new Uint8Array(0);
  private current: Uint8Array = new Uint8Array(0);
  private readonly counts = { added: 0, removed: 0, grown: 0, shrunk: 0, unchanged: 0 };
  private readonly tops = {
    added: new TopN<FileChange>(0),
    removed: new TopN<FileChange>(0),
    grown: new TopN<FileChange>(0),
    shrunk: new TopN<FileChange>(0),
    grewDirs: new TopN<DirChange>(0),
    shrankDirs: new TopN<DirChange>(0),
  };
  private readonly kindGroups = new Map<string, Group>();
  private readonly pkgGroups = new Map<string, Group>();
  private readonly users = new Map<number, { delta: Bytes; files: number }>();
  private info: SourceInfo | null = null;
  private deltas: DeltaArrays | null = null;

  constructor(
    private readonly a: Tree,
    opts: DiffOptions = {},
  ) {
    if (!a.finished) throw new Error('DiffSink: tree A must be finished');
    this.top = Math.max(0, Math.floor(opts.top ?? 10));
    for (const k of Object.keys(this.tops) as (keyof typeof this.tops)[]) (this.tops as Record<string, TopN<unknown>>)[k] = new TopN(this.top);
    this.kinds = opts.kinds ?? null;
    this.packageOf = opts.packageOf ?? null;
    this.matchedA = new Uint8Array(a.count);
    if (opts.keepDeltas) this.deltas = { deltaD: new Float64Array(1024), match: new Uint32Array(1024), matchedA: this.matchedA };
    const firstLink = new Set<string>();
    for (let li = 0; li < a.linkCount; li++) {
      const i = a.linkEntry[li];
      if (a.removed(i)) continue;
      const key = a.linkKey(li);
      if (firstLink.has(key)) this.aLinkRepeat.add(i);
      else firstLink.add(key);
    }
  }

  /** for the progress display */
  progress(): { entries: number; bytes: number; current: Uint8Array } {
    return { entries: this.bCount, bytes: Number(this.bDisk), current: this.current };
  }

  // ---------------------------------------------------------------- sizes as charged to files

  private aFileD(i: number): Bytes {
    return this.aLinkRepeat.has(i) ? 0 : this.a.exactOwnD(i);
  }
  private aFileA(i: number): Bytes {
    return this.aLinkRepeat.has(i) ? 0 : this.a.exactOwnA(i);
  }

  // ---------------------------------------------------------------- the Sink

  enterDir(dir: Entry): void {
    const depth = this.frames.length;
    const bIndex = this.bCount++;
    let aDir = NONE;
    if (depth === 0) {
      this.bRoot = dir.name.slice();
      if (this.a.count > 0 && this.a.isDir(0)) aDir = 0;
    } else {
      const m = this.findInA(this.frames[depth - 1], dir.name);
      if (m !== NONE && this.a.isDir(m) && this.a.excluded(m) === Excluded.None) aDir = m;
      // a non-directory (or an excluded directory) of that name in A: left unmatched (removed), this one is new
    }
    if (aDir !== NONE) this.matchedA[aDir] = 1;
    this.record(bIndex, 0, aDir);
    const counted = dir.excluded === Excluded.None;
    if (counted) {
      this.bDisk = addBytes(this.bDisk, dir.dsize);
      this.bApparent = addBytes(this.bApparent, dir.asize);
    }
    this.frames.push({
      name: dir.name.slice(),
      serial: this.serial++,
      bIndex,
      aDir,
      totD: counted ? dir.dsize : 0,
      totA: counted ? dir.asize : 0,
      hlD: 0,
      hlA: 0,
      maxGrow: 0,
      maxShrink: 0,
      cursor: 0,
      lookup: null,
      ctx: null,
      pathStr: null,
    });
    this.current = this.frames[this.frames.length - 1].name;
  }

  addEntry(e: Entry): void {
    const bIndex = this.bCount++;
    const f = this.frames[this.frames.length - 1];
    const counted = e.excluded === Excluded.None;
    const d = counted ? e.dsize : 0;
    const ap = counted ? e.asize : 0;
    const link = counted && e.type !== EntryType.Dir && e.nlink > 1;
    // B's totals and the directories' sizes: a hard-linked inode once per subtree
    if (link) {
      const key = e.dev + ':' + e.ino;
      const prev = this.seenB.get(key);
      let from = 0;
      if (prev) {
        while (from < prev.length && from < this.frames.length && prev[from] === this.frames[from].serial) from++;
      } else {
        this.bDisk = addBytes(this.bDisk, d);
        this.bApparent = addBytes(this.bApparent, ap);
      }
      for (let k = from; k < this.frames.length; k++) {
        const fk = this.frames[k];
        fk.hlD = addBytes(fk.hlD, d);
        fk.hlA = addBytes(fk.hlA, ap);
      }
      this.seenB.set(key, this.frames.map((x) => x.serial));
    } else {
      this.bDisk = addBytes(this.bDisk, d);
      this.bApparent = addBytes(this.bApparent, ap);
      f.totD = addBytes(f.totD, d);
      f.totA = addBytes(f.totA, ap);
    }

    const m = this.findInA(f, e.name);
    const a = this.a;
    // a match of the same class: both not descended into (files, symlinks, excluded or unreadable dirs)
    const aLeaf = m !== NONE && (!a.isDir(m) || (a.excluded(m) !== Excluded.None && e.type === EntryType.Dir));
    const matched = m !== NONE && aLeaf && (a.type(m) === EntryType.Dir) === (e.type === EntryType.Dir);
    let bd: Bytes = 0;
    let ba: Bytes = 0;
    if (matched) {
      this.matchedA[m] = 1;
      if (!a.isDir(m)) {
        bd = this.aFileD(m);
        ba = this.aFileA(m);
      }
    }
    this.record(bIndex, Number(subBytes(d, bd)), matched ? m : NONE);
    if (e.type === EntryType.Dir) return; // an excluded or unreadable directory: nothing to list
    const depth = this.frames.length - 1;
    const needPath = !!this.kinds || !!this.packageOf;
    const dir = needPath ? this.pathStrAt(depth) : '';
    const ctx = this.kinds ? this.ctxAt(depth) : null;
    if (link) {
      // which link the inode is charged to is decided when all links are known (finish)
      const key = e.dev + ':' + e.ino;
      let g = this.pendingLinks.get(key);
      if (!g) this.pendingLinks.set(key, (g = []));
      g.push({ bIndex, matched, d, ap, bd, ba, type: e.type, name: e.name.slice(), uid: e.uid, path: this.bPath(e.name), dir, ctx });
      return;
    }
    this.fileChange(matched, d, ap, bd, ba, e.type, e.name, e.uid, () => this.bPath(e.name), dir, ctx);
  }

  /** a non-directory of B: added, or compared with its match in A (sizes as charged) */
  private fileChange(
    matched: boolean,
    d: Bytes,
    ap: Bytes,
    bd: Bytes,
    ba: Bytes,
    type: EntryType,
    name: Uint8Array,
    uid: number,
    path: () => Buffer,
    dir: string,
    ctx: KindCtx | null,
  ): void {
    if (!matched) {
      this.counts.added++;
      const kind = this.attributeAt(type, name, d, uid, dir, ctx);
      const key = Number(d) + Number(ap) * 1e-9;
      if (this.tops.added.wants(key))
        this.tops.added.offer(key, { path: path(), before: 0, after: d, delta: d, apparentBefore: 0, apparentAfter: ap, apparentDelta: ap, ...(kind !== undefined ? { kind } : {}) });
      return;
    }
    if (d === bd && ap === ba) {
      this.counts.unchanged++;
      return;
    }
    const grew = d > bd || (d === bd && ap > ba);
    if (grew) this.counts.grown++;
    else this.counts.shrunk++;
    const delta = subBytes(d, bd);
    const apparentDelta = subBytes(ap, ba);
    const kind = this.attributeAt(type, name, delta, uid, dir, ctx);
    const heap = grew ? this.tops.grown : this.tops.shrunk;
    // by disk delta; equal disk sizes by apparent delta
    const key = Math.abs(Number(delta)) + (d === bd ? Math.abs(Number(apparentDelta)) * 1e-9 : 0);
    if (heap.wants(key))
      heap.offer(key, { path: path(), before: bd, after: d, delta, apparentBefore: ba, apparentAfter: ap, apparentDelta, ...(kind !== undefined ? { kind } : {}) });
  }

  /**
   * Hard-linked files of B: each inode is charged to one of its links, the one whose size before
   * (its match in A) is closest to the inode's (first in B's order on ties); its other links count 0.
   * So a file replaced by a link to another shows as shrunk, whatever the order of the export.
   */
  private settleLinks(): void {
    for (const g of this.pendingLinks.values()) {
      let best = 0;
      for (let k = 1; k < g.length; k++) if (absBytes(subBytes(g[k].d, g[k].bd)) < absBytes(subBytes(g[best].d, g[best].bd))) best = k;
      for (let k = 0; k < g.length; k++) {
        const x = g[k];
        const d = k === best ? x.d : 0;
        const ap = k === best ? x.ap : 0;
        this.record(x.bIndex, Number(subBytes(d, x.bd)), this.deltas ? this.deltas.match[x.bIndex] : NONE);
        this.fileChange(x.matched, d, ap, x.bd, x.ba, x.type, x.name, x.uid, () => x.path, x.dir, x.ctx);
      }
    }
    this.pendingLinks.clear();
  }

  leaveDir(): void {
    const f = this.frames[this.frames.length - 1];
    // A's children nothing matched: removed
    if (f.aDir !== NONE) {
      const kids = this.a.children(f.aDir);
      for (let j = 0; j < kids.length; j++) {
        const k = kids[j];
        if (this.matchedA[k]) continue;
        if (this.a.isDir(k)) {
          const s = this.removedDir(k, this.frames.length - 1);
          if (s > f.maxShrink) f.maxShrink = s;
        } else this.removedFile(k, this.frames.length - 1);
      }
    }
    const after = addBytes(f.totD, f.hlD);
    const afterA = addBytes(f.totA, f.hlA);
    const before = f.aDir !== NONE ? this.a.exactSizeD(f.aDir) : 0;
    const beforeA = f.aDir !== NONE ? this.a.exactSizeA(f.aDir) : 0;
    const delta = subBytes(after, before);
    const dn = Number(delta);
    this.record(f.bIndex, dn, f.aDir);
    this.offerDir(delta, subBytes(afterA, beforeA), before, after, f.maxGrow, f.maxShrink, f.aDir === NONE ? 'added' : 'changed', () => this.bPath(null));
    this.frames.pop();
    const p = this.frames[this.frames.length - 1];
    if (p) {
      p.totD = addBytes(p.totD, f.totD);
      p.totA = addBytes(p.totA, f.totA);
      if (dn > p.maxGrow) p.maxGrow = dn;
      if (-dn > p.maxShrink) p.maxShrink = -dn;
    }
  }

  finish(info: SourceInfo): void {
    this.info = info;
    this.settleLinks();
  }

  // ---------------------------------------------------------------- matching

  /** the child of f's A directory named `name`, NONE when none (or f is new) */
  private findInA(f: Frame, name: Uint8Array): number {
    if (f.aDir === NONE) return NONE;
    const a = this.a;
    const kids = a.children(f.aDir);
    if (f.lookup === null) {
      // in order first: an unchanged directory lists its entries in the same order
      const c = f.cursor;
      if (c < kids.length && sameBytes(a.nameOf(kids[c]), name)) {
        f.cursor = c + 1;
        return kids[c];
      }
      if (c + 1 < kids.length && sameBytes(a.nameOf(kids[c + 1]), name)) {
        f.cursor = c + 2;
        return kids[c + 1];
      }
      const map = new Map<string, number>();
      for (let j = 0; j < kids.length; j++) map.set(latin1(a.nameOf(kids[j])), kids[j]);
      f.lookup = map;
    }
    const m = f.lookup.get(latin1(name));
    return m === undefined || this.matchedA[m] ? NONE : m;
  }

  // ---------------------------------------------------------------- A's removed entries

  private removedFile(k: number, depth: number, dirPath?: Uint8Array, ctx?: { dir: string; ctx: KindCtx | null }): void {
    const a = this.a;
    this.counts.removed++;
    const d = this.aFileD(k);
    const ap = this.aFileA(k);
    const name = a.nameOf(k);
    const type = a.type(k);
    const needPath = !!this.kinds || !!this.packageOf;
    const at = ctx ?? { dir: needPath ? this.pathStrAt(depth) : '', ctx: this.ctxAt(depth) };
    const kind = this.attributeAt(type, name, subBytes(0, d), a.uidOf(k), at.dir, at.ctx);
    const h = this.tops.removed;
    const key = Number(d) + Number(ap) * 1e-9;
    if (h.wants(key))
      h.offer(key, {
        path: dirPath ? joinPath(dirPath, name) : this.bPath(name, depth),
        before: d,
        after: 0,
        delta: subBytes(0, d),
        apparentBefore: ap,
        apparentAfter: 0,
        apparentDelta: subBytes(0, ap),
        ...(kind !== undefined ? { kind } : {}),
      });
  }

  /** A's directory k (below B's frame at `depth`) is gone: its files and its subdirectories; returns its size */
  private removedDir(k: number, depth: number): number {
    const a = this.a;
    const kinds = this.kinds;
    const base = this.bPath(null, depth);
    // an explicit stack: (A dir, its path, its kinds context)
    const parentCtx = kinds ? this.ctxAt(depth) : null;
    const parentStr = kinds || this.packageOf ? this.pathStrAt(depth) : '';
    const stack: { i: number; path: Buffer; str: string; ctx: KindCtx | null }[] = [];
    const push = (i: number, parentPath: Uint8Array, pStr: string, pCtx: KindCtx | null) => {
      const nm = a.nameOf(i);
      const str = kinds || this.packageOf ? pStr + '/' + latin1(nm) : '';
      stack.push({ i, path: joinPath(parentPath, nm), str, ctx: kinds && pCtx ? kinds.enter(pCtx, latin1(nm), str) : null });
    };
    push(k, base, parentStr, parentCtx);
    while (stack.length) {
      const t = stack.pop()!;
      const kids = a.children(t.i);
      let maxChild = 0;
      for (let j = 0; j < kids.length; j++) {
        const c = kids[j];
        if (a.isDir(c)) {
          if (a.excluded(c) === Excluded.None) {
            push(c, t.path, t.str, t.ctx);
            maxChild = Math.max(maxChild, a.sizeD(c));
          }
        } else this.removedFile(c, depth, t.path, { dir: t.str, ctx: t.ctx });
      }
      const before = a.exactSizeD(t.i);
      this.offerDir(subBytes(0, before), subBytes(0, a.exactSizeA(t.i)), before, 0, 0, maxChild, 'removed', () => t.path);
    }
    return a.sizeD(k);
  }

  // ---------------------------------------------------------------- results

  private offerDir(
    delta: Bytes,
    apparentDelta: Bytes,
    before: Bytes,
    after: Bytes,
    maxGrow: number,
    maxShrink: number,
    status: DirChange['status'],
    path: () => Uint8Array,
  ): void {
    if (delta === 0) return;
    const grew = delta > 0;
    const mag = Math.abs(Number(delta));
    const child = grew ? maxGrow : maxShrink;
    if (child > DOMINANT * mag) return;
    const heap = grew ? this.tops.grewDirs : this.tops.shrankDirs;
    if (heap.wants(mag)) heap.offer(mag, { path: path(), before, after, delta, apparentDelta, status, largestChildShare: child / mag, perDay: null });
  }

  private record(bIndex: number, delta: number, match: number): void {
    const t = this.deltas;
    if (!t) return;
    if (bIndex >= t.deltaD.length) {
      const n = Math.max(bIndex + 1, t.deltaD.length * 2);
      const d = new Float64Array(n);
      d.set(t.deltaD);
      const m = new Uint32Array(n);
      m.set(t.match);
      t.deltaD = d;
      t.match = m;
    }
    t.deltaD[bIndex] = delta;
    t.match[bIndex] = match;
  }

  /** the full B path of `name` in the frame at `depth` (default: the innermost); null: that directory */
  private bPath(name: Uint8Array | null, depth = this.frames.length - 1): Buffer {
    let p: Buffer = Buffer.from(this.frames[0].name);
    for (let k = 1; k <= depth; k++) p = joinPath(p, this.frames[k].name);
    return name ? joinPath(p, name) : p;
  }

  /** the path of B's frame at `depth` as a latin1 string, cached per frame; iterative (trees 30,000 deep) */
  private pathStrAt(depth: number): string {
    let k = depth;
    while (k > 0 && this.frames[k].pathStr === null) k--;
    const root = this.frames[0];
    if (root.pathStr === null) root.pathStr = rootPathStr(root.name);
    for (let j = k + 1; j <= depth; j++) this.frames[j].pathStr = this.frames[j - 1].pathStr + '/' + latin1(this.frames[j].name);
    return this.frames[depth].pathStr!;
  }

  /** the kinds context of B's frame at `depth`, cached per frame; iterative as pathStrAt */
  private ctxAt(depth: number): KindCtx | null {
    const kinds = this.kinds;
    if (!kinds) return null;
    let k = depth;
    while (k > 0 && this.frames[k].ctx === null) k--;
    const root = this.frames[0];
    if (root.ctx === null) root.ctx = kinds.rootCtx(this.pathStrAt(0));
    for (let j = k + 1; j <= depth; j++) this.frames[j].ctx = kinds.enter(this.frames[j - 1].ctx!, latin1(this.frames[j].name), this.pathStrAt(j));
    return this.frames[depth].ctx;
  }

  private attributeAt(type: EntryType, name: Uint8Array, delta: Bytes, uid: number, dir: string, ctx: KindCtx | null): string | undefined {
    if (delta === 0 && type !== EntryType.File) return undefined;
    let kind: string | undefined;
    if (type === EntryType.File && this.kinds && ctx) {
      const cat = this.kinds.file(ctx, dir, latin1(name));
      if (cat >= 0) {
        kind = this.kinds.names[cat];
        if (delta !== 0) groupOf(this.kindGroups, kind).add(delta);
      }
    }
    if (delta === 0) return kind;
    if (this.packageOf) {
      const pkg = this.packageOf(dir + '/' + latin1(name));
      if (pkg !== undefined) groupOf(this.pkgGroups, pkg).add(delta);
    }
    let u = this.users.get(uid);
    if (!u) this.users.set(uid, (u = { delta: 0, files: 0 }));
    u.delta = addBytes(u.delta, delta);
    u.files++;
    return kind;
  }

  /** the per-entry arrays for the Changes view (keepDeltas) */
  deltaArrays(): DeltaArrays | null {
    if (!this.deltas) return null;
    return { deltaD: this.deltas.deltaD.subarray(0, this.bCount), match: this.deltas.match.subarray(0, this.bCount), matchedA: this.matchedA };
  }

  result(before: { time: number }, after: { time?: number }): DiffResult {
    const a = this.a;
    const info = this.info;
    const tA = before.time;
    const tB = after.time ?? 0;
    const interval = tA > 0 && tB > 0 ? tB - tA : null;
    const perDay = (d: Bytes) => (interval !== null && interval > 0 ? mulDivRound(d, 86400, interval) : null);
    const dirs = (l: DirChange[]) => l.map((x) => ({ ...x, perDay: perDay(x.delta) }));
    const aTot = a.totals();
    const beforeInfo: SideInfo = {
      time: tA,
      producer: a.info?.producer ?? 'unknown',
      root: a.count ? Buffer.from(a.nameOf(0)) : new Uint8Array(0),
      entries: aTot.entries,
      diskBytes: aTot.diskBytes,
      apparentBytes: aTot.apparentBytes,
      incomplete: a.info?.incomplete ?? false,
    };
    const afterInfo: SideInfo = {
      time: tB,
      producer: info?.producer ?? 'unknown',
      root: this.bRoot,
      entries: this.bCount,
      diskBytes: this.bDisk,
      apparentBytes: this.bApparent,
      incomplete: info?.incomplete ?? false,
    };
    return {
      before: beforeInfo,
      after: afterInfo,
      intervalSeconds: interval,
      netDiskBytes: subBytes(afterInfo.diskBytes, beforeInfo.diskBytes),
      netApparentBytes: subBytes(afterInfo.apparentBytes, beforeInfo.apparentBytes),
      entriesBefore: beforeInfo.entries,
      entriesAfter: afterInfo.entries,
      counts: { ...this.counts },
      grewDirs: dirs(this.tops.grewDirs.sorted()),
      shrankDirs: dirs(this.tops.shrankDirs.sorted()),
      added: this.tops.added.sorted(),
      removed: this.tops.removed.sorted(),
      grown: this.tops.grown.sorted(),
      shrunk: this.tops.shrunk.sorted(),
      kinds: groupRows(this.kindGroups),
      packages: groupRows(this.pkgGroups),
      users: [...this.users.entries()]
        .map(([uid, u]) => ({ uid, delta: u.delta, files: u.files }))
        .sort((x, y) => byMagnitude(x.delta, y.delta) || x.uid - y.uid),
    };
  }
}

function groupOf(m: Map<string, Group>, name: string): Group {
  let g = m.get(name);
  if (!g) m.set(name, (g = new Group()));
  return g;
}
