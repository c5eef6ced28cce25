/**
 * The compact in-memory tree: a sink that stores entries in typed arrays (struct of arrays),
 * names in one shared byte buffer (an offset kept for every 16th entry only), sizes in 32-bit
 * slots with a spill map for the rare huge values, owners as a 16-bit index into a (uid, gid)
 * table. About 26 bytes per entry plus the name (21 in the per-entry arrays, 4 in the child index,
 * 1 for the name's length); no JS object per entry. Directories (about 1 entry in 9 on a real
 * system) and hard links (fewer) keep their extra data in side tables, 48 bytes per directory: a
 * directory's asize slot holds its index in the directory table, hard links are found by binary
 * search. On a million entries shaped like /usr (19 bytes of name per entry) that is 51 bytes per
 * entry; the scan's own cost beside it is in scan/scanner.ts and util/young.ts.
 *
 * Entries are numbered in the order they arrive (depth first from an ordered source, as results come
 * in from a parallel scan); either way a parent always has a smaller index than its children.
 * finish() builds the child index (`kids`) and the directory totals once.
 *
 * Sizes are exact (du -sb / du -sB1 agree to the byte, up to 2^64 and beyond). One representation,
 * util/exact.ts's `Bytes`: a number while at most 2^53 - 1, a bigint above.
 *  - An entry's own size lives in its 32-bit slot; above that it spills to spillA / spillD, which
 *    hold the exact value (a number, or a bigint from 2^53 up). A directory's own apparent size is
 *    in dirOwnA (32 bits, the same spill), its own disk usage in dsize32 as a file's.
 *  - Directory totals are doubles (totA / totD): exact as long as a total stays below 2^53, since
 *    every partial sum is then an exact integer too. A total of 2^53 or more (the double says so:
 *    rounding cannot bring a sum at or above 2^53 below it) is recomputed with BigInt after the fast
 *    pass, for those directories only, into the side tables bigTotA / bigTotD. The common case pays
 *    one comparison per directory; the per-entry memory is unchanged.
 *  - ownA / ownD / sizeA / sizeD answer doubles (rounded above 2^53): for sorting, shares and drawing.
 *    exactOwnA / exactOwnD / exactSizeA / exactSizeD and totals() answer exact Bytes: for the
 *    totals, --json, exports, snapshots and diffs.
 */
import { emptyEntry, Entry, EntryType, Excluded, Sink, SourceInfo, UnorderedSink } from '../model/entry.js';
import { Bytes, ExactInt } from '../util/exact.js';

export const NONE = 0xffffffff;
export const BIG = 0xffffffff; // marker in asize/dsize32: value lives in the spill map
const NO_MTIME = 0xffffffff;
const NO_MODE = 0xffff;

// flags byte
export const F_TYPE = 0x03;
export const F_HARDLINK = 0x04;
const F_READERR = 0x08;
const F_EXCL_SHIFT = 4; // 3 bits
export const F_EXCL = 0x70;
const F_SUBERR = 0x80; // directory: an error somewhere below
/** excluded-field value of an entry deleted or replaced after the scan (never exported, never counted) */
const REMOVED = 7;

function growU32(a: Uint32Array<ArrayBuffer>, need: number, used = a.length): Uint32Array<ArrayBuffer> {
  if (need <= a.length) return a;
  const b = new Uint32Array(Math.max(need, a.length * 2));
  b.set(used < a.length ? a.subarray(0, used) : a);
  return b;
}
function growU16(a: Uint16Array<ArrayBuffer>, need: number, used = a.length): Uint16Array<ArrayBuffer> {
  if (need <= a.length) return a;
  const b = new Uint16Array(Math.max(need, a.length * 2));
  b.set(used < a.length ? a.subarray(0, used) : a);
  return b;
}
function growU8(a: Uint8Array<ArrayBuffer>, need: number, used = a.length): Uint8Array<ArrayBuffer> {
  if (need <= a.length) return a;
  const b = new Uint8Array(Math.max(need, a.length * 2));
  b.set(used < a.length ? a.subarray(0, used) : a);
  return b;
}
function growF64(a: Float64Array<ArrayBuffer>, need: number, used = a.length): Float64Array<ArrayBuffer> {
  if (need <= a.length) return a;
  const b = new Float64Array(Math.max(need, a.length * 2));
  b.set(used < a.length ? a.subarray(0, used) : a);
  return b;
}

/**
 * What a tree (or a stream of entries) holds. `entries` counts every entry listed, excluded ones
 * too (an --exclude match, another filesystem's or a kernel filesystem's mount point: listed,
 * neither sized nor descended into); `files`, `dirs`, `symlinks` and `others` count only the entries
 * that are not excluded, like du --exclude, and `excluded` the rest: entries = files + dirs +
 * symlinks + others + excluded. `hardlinks`: entries (not excluded) with more than one link.
 */
export interface TreeTotals {
  /** apparent size in bytes (du -sb), exact */
  apparentBytes: Bytes;
  /** disk usage in bytes (du -sB1), exact */
  diskBytes: Bytes;
  entries: number;
  files: number;
  dirs: number;
  symlinks: number;
  others: number;
  hardlinks: number;
  errors: number;
  excluded: number;
}

export class Tree implements Sink, UnorderedSink {
  count = 0;
  parent = new Uint32Array(1024);
  /** name offset of every 16th entry */
  nameCk = new Uint32Array(64);
  names = new Uint8Array(16384);
  namesLen = 0;
  asize32 = new Uint32Array(1024);
  dsize32 = new Uint32Array(1024);
  /** exact own sizes that do not fit the 32-bit slots (and directories' own sizes from 2^53 up), by entry */
  spillA = new Map<number, Bytes>();
  spillD = new Map<number, Bytes>();
  mtime = new Uint32Array(1024);
  mode = new Uint16Array(1024);
  owner: Uint16Array<ArrayBuffer> | Uint32Array<ArrayBuffer> = new Uint16Array(1024);
  flags = new Uint8Array(1024);

  // owners table: index 0 = unknown
  ownerUid: number[] = [-1];
  ownerGid: number[] = [-1];
  private ownerMap = new Map<number, number>();
  private lastUid = -2;
  private lastGid = -2;
  private lastOwner = 0;

  // directory table (indexed by dir number)
  dirCount = 0;
  dirEntry = new Uint32Array(64);
  dirDev = new Float64Array(64);
  /** inode number of each directory (0: unknown, e.g. an import without inode numbers) */
  dirIno = new Float64Array(64);
  /** a directory's own apparent size (BIG: in spillA); its own disk usage is in dsize32, as a file's */
  dirOwnA = new Uint32Array(64);
  /** where each directory's children start in `kids` (dirCount + 1 slots: the last is kids.length) */
  kidStart = new Uint32Array(64);
  totA = new Float64Array(64);
  totD = new Float64Array(64);
  totItems = new Uint32Array(64);
  /** exact totals of the directories whose totA / totD are 2^53 or more (bigints), by directory number */
  bigTotA = new Map<number, bigint>();
  bigTotD = new Map<number, bigint>();
  /** child entry indexes, grouped by parent (valid after finish, once kidsBuilt: see children()) */
  kids = new Uint32Array(0);
  /**
   * kids and kidStart are built: finish() leaves them to the first children() (a scan's summary
   * never needs them: the work, and 4 bytes per entry, saved)
   */
  kidsBuilt = false;

  // hard-link table
  linkCount = 0;
  /** entry index of each hard link, ascending (entries are only ever appended) */
  linkEntry = new Uint32Array(16);
  linkDev = new Float64Array(16);
  linkIno = new Float64Array(16);
  /** exact inode numbers of the links whose linkIno is 2^53 or more (rounded there), by link index */
  linkInoBig = new Map<number, bigint>();
  linkNlink = new Uint32Array(16);

  info: SourceInfo | null = null;
  finished = false;
  /** bumped by every change after finish(): caches keyed on it (sorted views) stay right */
  version = 0;
  private stack: number[] = [];

  /**
   * @param capacityHint expected number of entries: arrays are allocated for it up front. Over-estimating
   * costs address space, not memory (untouched zero pages are never made resident), and it avoids the
   * copies and garbage of growing by doubling.
   */
  constructor(capacityHint = 0) {
    if (capacityHint > 1024) this.reserve(capacityHint);
  }

  private reserve(cap: number): void {
    try {
      this.parent = growU32(this.parent, cap);
      this.nameCk = growU32(this.nameCk, (cap >>> 4) + 1);
      this.asize32 = growU32(this.asize32, cap);
      this.dsize32 = growU32(this.dsize32, cap);
      this.mtime = growU32(this.mtime, cap);
      this.mode = growU16(this.mode, cap);
      this.flags = growU8(this.flags, cap);
      this.owner = this.owner instanceof Uint16Array ? growU16(this.owner, cap) : growU32(this.owner, cap);
      this.names = growU8(this.names, cap * 12);
    } catch {
      // no address space for the hint (overcommit disabled?): grow on demand instead
    }
  }

  get root(): number {
    return 0;
  }

  // ---------------------------------------------------------------- building (Sink)

  private add(e: Entry, p: number): number {
    return this.addNamed(e, p, e.name, 0, e.name.length);
  }

  /** add `e` under `p` with the name bytes[start, start + len) (e.name is not read) */
  private addNamed(e: Entry, p: number, bytes: Uint8Array, start: number, len: number): number {
    const i = this.count;
    const n = i + 1;
    if (n > this.parent.length) this.reserve(Math.max(n, this.parent.length * 2));
    this.count = n;
    this.parent[i] = p;

    // name: varint length + bytes
    const need = this.namesLen + len + 3;
    if (need > this.names.length) this.names = growU8(this.names, need, this.namesLen);
    if ((i & 15) === 0) this.nameCk[i >>> 4] = this.namesLen;
    const nm = this.names;
    let o = this.namesLen;
    if (len < 0x80) nm[o++] = len;
    else if (len < 0x4000) {
      nm[o++] = 0x80 | (len & 0x7f);
      nm[o++] = len >>> 7;
    } else {
      nm[o++] = 0x80 | (len & 0x7f);
      nm[o++] = 0x80 | ((len >>> 7) & 0x7f);
      nm[o++] = len >>> 14;
    }
    // a byte loop: no view object per name (short names: as fast as set())
    if (len > 64) nm.set(start === 0 && len === bytes.length ? bytes : bytes.subarray(start, start + len), o);
    else for (let k = 0; k < len; k++) nm[o + k] = bytes[start + k];
    this.namesLen = o + len;

    const counted = e.excluded === Excluded.None;
    const a = counted ? e.asize : 0;
    const d = counted ? e.dsize : 0;
    this.mtime[i] = e.mtime < 0 ? NO_MTIME : Math.min(e.mtime, NO_MTIME - 1);
    this.mode[i] = e.mode < 0 ? NO_MODE : e.mode & 0xffff;
    const oi = this.ownerIndex(e.uid, e.gid); // may widen this.owner: index it afterwards
    this.owner[i] = oi;
    let f = e.type & F_TYPE;
    if (e.readError) f |= F_READERR;
    f |= (e.excluded & 7) << F_EXCL_SHIFT;
    if (e.type === EntryType.Dir) {
      const di = this.dirCount++;
      if (di >= this.dirEntry.length) {
        const cap = this.dirEntry.length * 2;
        this.dirEntry = growU32(this.dirEntry, cap);
        this.dirDev = growF64(this.dirDev, cap);
        this.dirIno = growF64(this.dirIno, cap);
        this.dirOwnA = growU32(this.dirOwnA, cap);
      }
      this.dirEntry[di] = i;
      this.dirDev[di] = e.dev;
      this.dirIno[di] = Number(e.ino);
      if (typeof a !== 'number' || a >= BIG || a < 0 || !Number.isInteger(a)) {
        this.dirOwnA[di] = BIG;
        this.spillA.set(i, a);
      } else this.dirOwnA[di] = a;
      this.asize32[i] = di;
    } else {
      if (typeof a !== 'number' || a >= BIG || a < 0 || !Number.isInteger(a)) {
        this.asize32[i] = BIG;
        this.spillA.set(i, a);
      } else this.asize32[i] = a;
    }
    // disk sizes are almost always multiples of 512: store blocks, spill the rest
    if (typeof d === 'number' && d % 512 === 0 && d / 512 < BIG) this.dsize32[i] = d / 512;
    else {
      this.dsize32[i] = BIG;
      this.spillD.set(i, d);
    }
    if (e.type !== EntryType.Dir) {
      if (e.nlink > 1 && counted) {
        f |= F_HARDLINK;
        const li = this.linkCount++;
        if (li >= this.linkDev.length) {
          const cap = this.linkDev.length * 2;
          this.linkEntry = growU32(this.linkEntry, cap);
          this.linkDev = growF64(this.linkDev, cap);
          this.linkIno = growF64(this.linkIno, cap);
          this.linkNlink = growU32(this.linkNlink, cap);
        }
        this.linkEntry[li] = i;
        this.linkDev[li] = e.dev;
        this.linkIno[li] = Number(e.ino);
        if (typeof e.ino === 'bigint') this.linkInoBig.set(li, e.ino);
        this.linkNlink[li] = Math.min(e.nlink, 0xffffffff);
      }
    }
    this.flags[i] = f;
    return i;
  }

  private ownerIndex(uid: number, gid: number): number {
    if (uid < 0 && gid < 0) return 0;
    // runs of one owner are the rule: no map lookup (nor a boxed key) for them
    if (uid === this.lastUid && gid === this.lastGid) return this.lastOwner;
    // uid and gid are < 2^32; pack into one number key (exact below 2^53)
    const key = (uid < 0 ? 0xffffffff : uid) * 0x100000000 + (gid < 0 ? 0xffffffff : gid);
    let idx = this.ownerMap.get(key);
    if (idx === undefined) {
      idx = this.ownerUid.length;
      this.ownerUid.push(uid);
      this.ownerGid.push(gid);
      this.ownerMap.set(key, idx);
      if (idx === 0x10000 && this.owner instanceof Uint16Array) {
        const wide = new Uint32Array(this.owner.length);
        wide.set(this.owner);
        this.owner = wide;
      }
    }
    this.lastUid = uid;
    this.lastGid = gid;
    this.lastOwner = idx;
    return idx;
  }

  private top(): number {
    return this.stack.length ? this.stack[this.stack.length - 1] : NONE;
  }
  enterDir(dir: Entry): void {
    const i = this.add(dir, this.top());
    this.stack.push(i);
  }
  addEntry(e: Entry): void {
    this.add(e, this.top());
  }
  addRoot(dir: Entry): number {
    return this.add(dir, NONE);
  }
  addUnder(parent: number, e: Entry): number {
    return this.add(e, parent);
  }
  addUnderNamed(parent: number, e: Entry, bytes: Uint8Array, start: number, len: number): number {
    return this.addNamed(e, parent, bytes, start, len);
  }
  markReadError(handle: number): void {
    this.flags[handle] |= F_READERR;
  }
  leaveDir(): void {
    this.stack.pop();
  }
  finish(info: SourceInfo): void {
    while (this.stack.length) this.stack.pop();
    this.info = info;
    this.kidsBuilt = false; // built by the first children()
    this.computeTotals();
    this.finished = true;
  }

  // ---------------------------------------------------------------- derived data

  /** build the child index now unless it is built (children() does; treeData too) */
  ensureKids(): void {
    if (!this.kidsBuilt) this.buildKids();
  }

  private buildKids(): void {
    const n = this.count;
    const dc = this.dirCount;
    // counts, then starts (prefix sums), then each start advanced past its children to the next
    // directory's start: shifted back by one slot at the end. No count or cursor array beside it.
    const ks = (this.kidStart = new Uint32Array(dc + 1));
    for (let i = 1; i < n; i++) if (!this.removed(i)) ks[this.asize32[this.parent[i]]]++;
    let s = 0;
    for (let d = 0; d < dc; d++) {
      const c = ks[d];
      ks[d] = s;
      s += c;
    }
    const kids = new Uint32Array(s);
    for (let i = 1; i < n; i++) {
      if (this.removed(i)) continue;
      kids[ks[this.asize32[this.parent[i]]]++] = i;
    }
    for (let d = dc; d > 0; d--) ks[d] = ks[d - 1];
    ks[0] = 0;
    this.kids = kids;
    this.kidsBuilt = true;
  }

  /** Directory totals: own size plus everything below; a hard-linked inode counts once per subtree. */
  computeTotals(): void {
    const n = this.count;
    const dc = this.dirCount;
    const totA = (this.totA = new Float64Array(dc));
    const totD = (this.totD = new Float64Array(dc));
    const items = (this.totItems = new Uint32Array(dc));
    const flags = this.flags;
    this.bigTotA.clear();
    this.bigTotD.clear();
    for (let i = n - 1; i >= 0; i--) {
      const f = flags[i];
      if (((f & F_EXCL) >> F_EXCL_SHIFT) === REMOVED) continue;
      const isDir = (f & F_TYPE) === EntryType.Dir;
      let a: number, d: number, it: number, err: boolean;
      if (isDir) {
        const di = this.asize32[i];
        totA[di] += this.ownA(i);
        totD[di] += this.ownD(i);
        a = totA[di];
        d = totD[di];
        it = items[di] + 1;
        err = (f & (F_READERR | F_SUBERR)) !== 0;
      } else {
        const hl = (f & F_HARDLINK) !== 0;
        a = hl ? 0 : this.ownA(i);
        d = hl ? 0 : this.ownD(i);
        it = 1;
        err = (f & F_READERR) !== 0;
      }
      const p = this.parent[i];
      if (p !== NONE) {
        const pd = this.asize32[p];
        totA[pd] += a;
        totD[pd] += d;
        items[pd] += it;
        if (err) flags[p] |= F_SUBERR;
      }
    }
    const groups = this.linkGroups();
    // the exact pass (below) sums the totals without the hard links: keep a copy of them when some
    // total may reach 2^53 (at most the largest one plus every linked inode)
    let free: { a: Float64Array; d: Float64Array } | null = null;
    if (groups.length) {
      let maxA = 0;
      let maxD = 0;
      for (let di = 0; di < dc; di++) {
        if (totA[di] > maxA) maxA = totA[di];
        if (totD[di] > maxD) maxD = totD[di];
      }
      for (const g of groups) {
        maxA += this.ownA(g[0]);
        maxD += this.ownD(g[0]);
      }
      if (maxA >= 2 ** 53 || maxD >= 2 ** 53) free = { a: totA.slice(), d: totD.slice() };
    }
    for (const g of groups) {
      const a = this.ownA(g[0]);
      const d = this.ownD(g[0]);
      this.forLinkDirs(g, (pd) => {
        totA[pd] += a;
        totD[pd] += d;
      });
    }
    this.exactTotals(groups, free ?? { a: totA, d: totD });
  }

  /** Calls visit(directory number) once for each directory holding at least one of the links `g` (an inode counts once per subtree). */
  private forLinkDirs(g: number[], visit: (dirNo: number) => void): void {
    const seen = new Set<number>();
    for (const i of g) {
      let p = this.parent[i];
      while (p !== NONE && !seen.has(p)) {
        seen.add(p);
        visit(this.asize32[p]);
        p = this.parent[p];
      }
    }
  }

  /** The hard-linked entries (not removed) grouped by inode. */
  private linkGroups(): number[][] {
    if (this.linkCount === 0) return [];
    const groups = new Map<string, number[]>();
    for (let li = 0; li < this.linkCount; li++) {
      const i = this.linkEntry[li];
      if (this.removed(i)) continue;
      const key = this.linkKey(li);
      const g = groups.get(key);
      if (g) g.push(i);
      else groups.set(key, [i]);
    }
    return [...groups.values()];
  }

  /**
   * The exact totals of the directories whose double totals reached 2^53 (rounded, maybe): the same
   * sums as computeTotals, in BigInt, into bigTotA / bigTotD. Nothing to do in the common case.
   * `free`: every directory's totals before the hard links were added (exact where below 2^53).
   */
  private exactTotals(groups: number[][], free: { a: Float64Array; d: Float64Array }): void {
    const dc = this.dirCount;
    const totA = this.totA;
    const totD = this.totD;
    const LIMIT = 2 ** 53;
    // bit 1: the apparent total needs BigInt, bit 2: the disk total
    let mark: Uint8Array | null = null;
    for (let d = 0; d < dc; d++) {
      const m = (totA[d] >= LIMIT ? 1 : 0) | (totD[d] >= LIMIT ? 2 : 0);
      if (m) (mark ??= new Uint8Array(dc))[d] = m;
    }
    if (!mark) return;
    const bA = new Map<number, bigint>();
    const bD = new Map<number, bigint>();
    for (let d = 0; d < dc; d++) {
      if (mark[d] & 1) bA.set(d, 0n);
      if (mark[d] & 2) bD.set(d, 0n);
    }
    const flags = this.flags;
    // children have larger indexes than their parent: a directory's sum is complete when reached
    for (let i = this.count - 1; i >= 0; i--) {
      const f = flags[i];
      if (((f & F_EXCL) >> F_EXCL_SHIFT) === REMOVED) continue;
      const isDir = (f & F_TYPE) === EntryType.Dir;
      const di = isDir ? this.asize32[i] : -1;
      if (isDir && mark[di] & 1) bA.set(di, bA.get(di)! + BigInt(this.exactOwnA(i)));
      if (isDir && mark[di] & 2) bD.set(di, bD.get(di)! + BigInt(this.exactOwnD(i)));
      const p = this.parent[i];
      if (p === NONE) continue;
      const pd = this.asize32[p];
      const pm = mark[pd];
      if (!pm) continue;
      const hl = (f & F_HARDLINK) !== 0;
      if (pm & 1) {
        const a = isDir ? (mark[di] & 1 ? bA.get(di)! : BigInt(free.a[di])) : hl ? 0n : BigInt(this.exactOwnA(i));
        bA.set(pd, bA.get(pd)! + a);
      }
      if (pm & 2) {
        const d = isDir ? (mark[di] & 2 ? bD.get(di)! : BigInt(free.d[di])) : hl ? 0n : BigInt(this.exactOwnD(i));
        bD.set(pd, bD.get(pd)! + d);
      }
    }
    for (const g of groups) {
      const a = BigInt(this.exactOwnA(g[0]));
      const d = BigInt(this.exactOwnD(g[0]));
      this.forLinkDirs(g, (pd) => {
        if (mark[pd] & 1) bA.set(pd, bA.get(pd)! + a);
        if (mark[pd] & 2) bD.set(pd, bD.get(pd)! + d);
      });
    }
    for (const [d, v] of bA) {
      totA[d] = Number(v);
      this.bigTotA.set(d, v);
    }
    for (const [d, v] of bD) {
      totD[d] = Number(v);
      this.bigTotD.set(d, v);
    }
  }

  // ---------------------------------------------------------------- changes after the scan

  /** Entry i and everything below it are gone (deleted from disk, or about to be rescanned). */
  removeSubtree(i: number): void {
    this.removeSubtrees([i]);
  }

  /** Several entries (and everything below each) are gone: one reindex for all of them. */
  removeSubtrees(list: ArrayLike<number>): void {
    this.ensureKids(); // the index as it was before any entry is marked
    const stack = Array.from(list);
    while (stack.length) {
      const k = stack.pop()!;
      this.flags[k] = (this.flags[k] & ~F_EXCL) | (REMOVED << F_EXCL_SHIFT);
      if (this.isDir(k)) for (const c of this.children(k)) stack.push(c);
    }
    this.reindex();
  }

  /** Replace the children of directory `dir` with those of `sub` (a fresh scan of the same directory). */
  replaceChildren(dir: number, sub: Tree): void {
    this.ensureKids();
    const stack = Array.from(this.children(dir));
    while (stack.length) {
      const k = stack.pop()!;
      this.flags[k] = (this.flags[k] & ~F_EXCL) | (REMOVED << F_EXCL_SHIFT);
      if (this.isDir(k)) for (const c of this.children(k)) stack.push(c);
    }
    const map = new Uint32Array(sub.count);
    map[0] = dir;
    const e = {} as Entry;
    // sub's parents come before their children: one pass maps them all
    for (let j = 1; j < sub.count; j++) {
      if (sub.removed(j)) continue;
      map[j] = this.add(sub.entryOf(j, e), map[sub.parent[j]]);
    }
    // the directory's own state comes from the new scan too
    this.flags[dir] = (this.flags[dir] & ~F_READERR) | (sub.readError(0) ? F_READERR : 0);
    this.reindex();
  }

  /** Rebuild the child index and the totals after a change. */
  private reindex(): void {
    for (let d = 0; d < this.dirCount; d++) this.flags[this.dirEntry[d]] &= ~F_SUBERR;
    this.buildKids();
    this.computeTotals();
    this.version++;
  }

  removed(i: number): boolean {
    return ((this.flags[i] & F_EXCL) >> F_EXCL_SHIFT) === REMOVED;
  }

  // ---------------------------------------------------------------- queries

  /** own apparent size in bytes, as a double (rounded from 2^53 up; exactOwnA is exact) */
  ownA(i: number): number {
    const v = this.isDir(i) ? this.dirOwnA[this.asize32[i]] : this.asize32[i];
    return v === BIG ? Number(this.spillA.get(i) ?? 0) : v;
  }
  /** own disk usage in bytes, as a double (rounded from 2^53 up; exactOwnD is exact) */
  ownD(i: number): number {
    const v = this.dsize32[i];
    return v === BIG ? Number(this.spillD.get(i) ?? 0) : v * 512;
  }
  /** own apparent size in bytes, exact */
  exactOwnA(i: number): Bytes {
    const v = this.isDir(i) ? this.dirOwnA[this.asize32[i]] : this.asize32[i];
    return v === BIG ? this.spillA.get(i) ?? 0 : v;
  }
  /** own disk usage in bytes, exact */
  exactOwnD(i: number): Bytes {
    const v = this.dsize32[i];
    return v === BIG ? this.spillD.get(i) ?? 0 : v * 512;
  }
  /** apparent size in bytes including everything below (directories), else own; exact */
  exactSizeA(i: number): Bytes {
    if (!this.isDir(i)) return this.exactOwnA(i);
    const d = this.asize32[i];
    return this.bigTotA.get(d) ?? this.totA[d];
  }
  /** disk usage in bytes including everything below (directories), else own; exact */
  exactSizeD(i: number): Bytes {
    if (!this.isDir(i)) return this.exactOwnD(i);
    const d = this.asize32[i];
    return this.bigTotD.get(d) ?? this.totD[d];
  }
  type(i: number): EntryType {
    return (this.flags[i] & F_TYPE) as EntryType;
  }
  isDir(i: number): boolean {
    return (this.flags[i] & F_TYPE) === EntryType.Dir;
  }
  isHardlink(i: number): boolean {
    return (this.flags[i] & F_HARDLINK) !== 0;
  }
  readError(i: number): boolean {
    return (this.flags[i] & F_READERR) !== 0;
  }
  subtreeError(i: number): boolean {
    return (this.flags[i] & F_SUBERR) !== 0;
  }
  excluded(i: number): Excluded {
    return ((this.flags[i] & F_EXCL) >> F_EXCL_SHIFT) as Excluded;
  }
  /** apparent size in bytes including everything below (directories), else own; a double (exactSizeA: exact) */
  sizeA(i: number): number {
    return this.isDir(i) ? this.totA[this.asize32[i]] : this.ownA(i);
  }
  /** disk usage in bytes including everything below (directories), else own; a double (exactSizeD: exact) */
  sizeD(i: number): number {
    return this.isDir(i) ? this.totD[this.asize32[i]] : this.ownD(i);
  }
  /** number of entries below a directory (0 for others) */
  items(i: number): number {
    return this.isDir(i) ? this.totItems[this.asize32[i]] : 0;
  }
  mtimeOf(i: number): number {
    const m = this.mtime[i];
    return m === NO_MTIME ? -1 : m;
  }
  modeOf(i: number): number {
    const m = this.mode[i];
    return m === NO_MODE ? -1 : m;
  }
  uidOf(i: number): number {
    return this.ownerUid[this.owner[i]];
  }
  gidOf(i: number): number {
    return this.ownerGid[this.owner[i]];
  }
  /** device of a directory, or of a non-directory's parent */
  devOf(i: number): number {
    if (!this.isDir(i)) {
      if (this.isHardlink(i)) return this.linkDev[this.linkIndex(i)];
      i = this.parent[i];
      if (i === NONE) return 0;
    }
    return this.dirDev[this.asize32[i]];
  }
  /** inode number of a hard link (exact), 0 for other entries */
  inoOf(i: number): ExactInt {
    if (!this.isHardlink(i)) return 0;
    const li = this.linkIndex(i);
    return this.linkInoBig.get(li) ?? this.linkIno[li];
  }
  /** "dev:ino" of link li (exact digits): equal for the links of one inode */
  linkKey(li: number): string {
    return this.linkDev[li] + ':' + (this.linkInoBig.get(li) ?? this.linkIno[li]);
  }
  /** inode of directory i as scanned (0: unknown) */
  dirInoOf(i: number): number {
    return this.isDir(i) ? this.dirIno[this.asize32[i]] : 0;
  }
  nlinkOf(i: number): number {
    return this.isHardlink(i) ? this.linkNlink[this.linkIndex(i)] : 1;
  }
  nameOf(i: number): Uint8Array {
    const nm = this.names;
    let o = this.nameCk[i >>> 4];
    // skip the names before i in its group of 16
    for (let k = i & ~15; k <= i; k++) {
      let len = nm[o++];
      if (len & 0x80) {
        const b = nm[o++];
        if (b & 0x80) len = (len & 0x7f) | ((b & 0x7f) << 7) | (nm[o++] << 14);
        else len = (len & 0x7f) | (b << 7);
      }
      if (k === i) return nm.subarray(o, o + len);
      o += len;
    }
    return nm.subarray(0, 0);
  }
  /** index of hard-linked entry i in the link table */
  private linkIndex(i: number): number {
    let lo = 0;
    let hi = this.linkCount - 1;
    const le = this.linkEntry;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const v = le[mid];
      if (v === i) return mid;
      if (v < i) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }
  /** the children of directory i, as a view (valid after finish) */
  children(i: number): Uint32Array {
    if (!this.isDir(i)) return new Uint32Array(0);
    if (!this.kidsBuilt) this.buildKids();
    const d = this.asize32[i];
    return this.kids.subarray(this.kidStart[d], this.kidStart[d + 1]);
  }
  /** full path as bytes (the root's name is its absolute path) */
  pathOf(i: number): Buffer {
    const parts: Uint8Array[] = [];
    for (let p = i; p !== NONE; p = this.parent[p]) parts.push(this.nameOf(p));
    parts.reverse();
    const out: Uint8Array[] = [];
    for (let k = 0; k < parts.length; k++) {
      if (k > 0 && !(out.length && endsWithSlash(out[out.length - 1]))) out.push(SLASH);
      out.push(parts[k]);
    }
    return Buffer.concat(out);
  }
  depthOf(i: number): number {
    let d = 0;
    for (let p = this.parent[i]; p !== NONE; p = this.parent[p]) d++;
    return d;
  }

  totals(): TreeTotals {
    const t: TreeTotals = {
      apparentBytes: this.count ? this.exactSizeA(0) : 0,
      diskBytes: this.count ? this.exactSizeD(0) : 0,
      entries: this.count,
      files: 0,
      dirs: 0,
      symlinks: 0,
      others: 0,
      hardlinks: this.linkCount,
      errors: 0,
      excluded: 0,
    };
    const fl = this.flags;
    t.entries = 0;
    t.hardlinks = 0;
    for (let i = 0; i < this.count; i++) {
      const f = fl[i];
      if (((f & F_EXCL) >> F_EXCL_SHIFT) === REMOVED) continue;
      t.entries++;
      if (f & F_READERR) t.errors++;
      if (f & F_EXCL) {
        t.excluded++; // listed, not counted: neither a file nor a directory (see TreeTotals)
        continue;
      }
      if (f & F_HARDLINK) t.hardlinks++;
      switch (f & F_TYPE) {
        case EntryType.File:
          t.files++;
          break;
        case EntryType.Dir:
          t.dirs++;
          break;
        case EntryType.Symlink:
          t.symlinks++;
          break;
        default:
          t.others++;
      }
    }
    return t;
  }

  /** Fill an Entry with what the tree knows of i (for re-export and diffing). */
  entryOf(i: number, e: Entry): Entry {
    e.name = this.nameOf(i);
    e.type = this.type(i);
    e.asize = this.exactOwnA(i);
    e.dsize = this.exactOwnD(i);
    e.dev = this.devOf(i);
    e.ino = this.isDir(i) ? this.dirInoOf(i) : this.inoOf(i);
    e.nlink = this.nlinkOf(i);
    e.mtime = this.mtimeOf(i);
    e.uid = this.uidOf(i);
    e.gid = this.gidOf(i);
    e.mode = this.modeOf(i);
    e.readError = this.readError(i);
    e.excluded = this.excluded(i);
    return e;
  }
}

const SLASH = new Uint8Array([0x2f]);
function endsWithSlash(b: Uint8Array): boolean {
  return b.length > 0 && b[b.length - 1] === 0x2f;
}

/** Replays a finished tree into a sink, depth first, without recursion. */
export async function replayTree(tree: Tree, sink: Sink, from = 0): Promise<void> {
  const e = emptyEntry();
  if (tree.count === 0) return;
  const stackDir: number[] = [];
  const stackPos: number[] = [];
  sink.enterDir(tree.entryOf(from, e));
  stackDir.push(from);
  stackPos.push(0);
  while (stackDir.length) {
    const top = stackDir.length - 1;
    const kids = tree.children(stackDir[top]);
    const pos = stackPos[top];
    if (pos >= kids.length) {
      sink.leaveDir();
      stackDir.pop();
      stackPos.pop();
      continue;
    }
    stackPos[top] = pos + 1;
    const k = kids[pos];
    if (tree.isDir(k) && tree.excluded(k) === Excluded.None) {
      sink.enterDir(tree.entryOf(k, e));
      stackDir.push(k);
      stackPos.push(0);
    } else {
      sink.addEntry(tree.entryOf(k, e));
    }
  }
  await sink.finish(tree.info ?? { timestamp: 0, producer: 'diskblame', incomplete: false });
}

/** A finished tree as plain data for another thread: fresh copies of its arrays (transferable). */
export interface TreeData {
  fields: Record<string, unknown>;
  transfer: ArrayBuffer[];
}

const PER_ENTRY = ['parent', 'asize32', 'dsize32', 'mtime', 'mode', 'owner', 'flags'] as const;
const PER_DIR = ['dirEntry', 'dirDev', 'dirIno', 'dirOwnA', 'totA', 'totD', 'totItems'] as const;
const PER_LINK = ['linkEntry', 'linkDev', 'linkIno', 'linkNlink'] as const;

export function treeData(t: Tree): TreeData {
  const f: Record<string, unknown> = {
    count: t.count,
    namesLen: t.namesLen,
    dirCount: t.dirCount,
    linkCount: t.linkCount,
    finished: t.finished,
    version: t.version,
    info: t.info,
    spillA: t.spillA,
    spillD: t.spillD,
    bigTotA: t.bigTotA,
    bigTotD: t.bigTotD,
    linkInoBig: t.linkInoBig,
    ownerUid: t.ownerUid,
    ownerGid: t.ownerGid,
    names: t.names.slice(0, t.namesLen),
    nameCk: t.nameCk.slice(0, (t.count >>> 4) + 1),
    kids: (t.ensureKids(), t.kids.slice()),
    kidsBuilt: true,
  };
  for (const k of PER_ENTRY) f[k] = t[k].slice(0, t.count);
  for (const k of PER_DIR) f[k] = t[k].slice(0, t.dirCount);
  f.kidStart = t.kidStart.slice(0, t.dirCount + 1);
  for (const k of PER_LINK) f[k] = t[k].slice(0, t.linkCount);
  const transfer: ArrayBuffer[] = [];
  for (const v of Object.values(f)) if (ArrayBuffer.isView(v)) transfer.push(v.buffer as ArrayBuffer);
  return { fields: f, transfer };
}

/** The tree sent by treeData, for reading (attribution); not for adding to. */
export function treeFromData(fields: Record<string, unknown>): Tree {
  return Object.assign(new Tree(), fields);
}
