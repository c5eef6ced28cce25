/**
 * The compact in-memory tree: a sink that stores entries in typed arrays (struct of arrays),
 * names in one shared byte buffer (front-coded: each name shares its prefix with the entry before;
 * an offset kept for every 16th entry only), apparent sizes in 32-bit slots with a spill map for the
 * rare huge values, and one attribute byte per entry: an index into a table of the distinct (mode,
 * owner, disk-size kind) triples, where the kind says the disk usage is 0 or the apparent size
 * rounded up to 4 KiB (nearly every entry of a real system: no slot) or in dsize32 (allocated at
 * the first such entry), and the mtime as a 16-bit index into a table of the distinct ones (a real
 * system has few: 1,760 in a /usr of 145k entries; 32-bit seconds past 65,536 of them). 12 bytes
 * per entry in the per-entry arrays (parent, asize32: 4 each; mtime 2; attr, flags: 1 each) plus
 * the name; no JS object per entry. Directories (about 1 entry in 9 on a
 * real system) and hard links (fewer) keep their extra data in side tables, 47 bytes per directory:
 * a directory's asize slot holds its index in the directory table, hard links are found by binary
 * search. A directory's children are a run of consecutive entries when its listing arrived as one
 * block (a scan's): no child index then; only scattered children (an import's depth-first order, a
 * listing split between two threads' messages, changes after the scan) are listed in `kids`. On a
 * million entries shaped like /usr (19 bytes of name per entry, 14.9 stored) that is about 32
 * bytes per entry (it was 51 before the attribute byte, the front coding and the runs; 34 before the
 * mtime table); the scan's own cost beside it is in scan/scanner.ts and util/young.ts.
 *
 * Adding is one path (addRec) for every source: a scan hands each listing over as the scan engine
 * packed it (addListing: its records and name bytes, no Entry, no view per name), an import or a
 * replay entry by entry (addNamed, addUnder...), written into a record first. A name is front-coded
 * against the entry before without copying that one aside (putName).
 *
 * Entries are numbered in the order they arrive (depth first from an ordered source, as results come
 * in from a parallel scan); either way a parent always has a smaller index than its children.
 * finish() builds the child index (each directory's run of children, or a list in `kids` where
 * they are scattered) and the directory totals once.
 *
 * Sizes are exact (du -sb / du -sB1 agree to the byte, up to 2^64 and beyond). One representation,
 * util/exact.ts's `Bytes`: a number while at most 2^53 - 1, a bigint above.
 *  - An entry's own size lives in its 32-bit slot; above that it spills to spillA / spillD, which
 *    hold the exact value (a number, or a bigint from 2^53 up). A directory's own apparent size is
 *    in dirOwnA (32 bits, the same spill), its own disk usage found as a file's (its attribute's kind).
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
import { Bytes, ExactInt, normBytes } from '../util/exact.js';
import { NF, R_ASIZE, R_DEV, R_DSIZE, R_FLAGS, R_GID, R_INO, R_MODE, R_MTIME, R_NLINK, R_UID, RF_BIG, RF_EXCL_SHIFT, RF_READERR } from '../scan/worker.js';
import { putLength } from '../util/varlen.js';
import { ncduParseAddon } from '../import/native-parse.js';

export const NONE = 0xffffffff;
export const BIG = 0xffffffff; // marker in asize/dsize32: value lives in the spill map
const NO_MTIME = 0xffffffff;
const NO_MODE = 0xffff;
// an entry's disk-size kind (attrDk): no disk usage, its apparent size rounded up to 4 KiB, or its own slot in dsize32
const DK_ZERO = 0;
const DK_ROUND = 1;
const DK_OWN = 2;

/** n (< 2^32) rounded up to a multiple of 4096 */
function roundUp4k(n: number): number {
  return Math.ceil(n / 4096) * 4096;
}
/** `to` (as long as `from`) holding from's values: a wider attribute array */
function widen<T extends Uint16Array<ArrayBuffer> | Uint32Array<ArrayBuffer>>(to: T, from: ArrayLike<number>): T {
  to.set(from);
  return to;
}

// flags byte
export const F_TYPE = 0x03;
export const F_HARDLINK = 0x04;
const F_READERR = 0x08;
const F_EXCL_SHIFT = 4; // 3 bits
export const F_EXCL = 0x70;
const F_SUBERR = 0x80; // directory: an error somewhere below
/** excluded-field value of an entry deleted or replaced after the scan (never exported, never counted) */
const REMOVED = 7;
/** entries from which buildKids asks the export addon (below: here, not worth loading it) */
const KIDS_NATIVE_FROM = 4096;
/** a record's exact values (scan/worker.ts WorkerMessage big): [record, asize, dsize, ino] */
type BigRecord = [number, bigint, bigint, bigint];

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
 * Keeps the n largest keys seen; `best` gives their indexes largest first, ties in the order
 * offered. A min-heap of the kept (its root the smallest, the latest offered among equals), so an
 * offer costs O(log n) and a key at most the smallest kept is dropped at once: `--top` in the
 * hundreds of thousands over files of ascending sizes was quadratic with the sorted insertion this
 * replaced (47 s for 140,000 files).
 */
class Largest {
  private readonly idx: number[] = [];
  private readonly keys: number[] = [];
  private readonly seq: number[] = [];
  private offered = 0;
  /** the smallest key kept once n are kept (-Infinity before): a candidate must beat it */
  floor = -Infinity;
  constructor(private readonly n: number) {}
  offer(i: number, k: number): void {
    const { idx, keys, seq, n } = this;
    if (n <= 0) return;
    const s = this.offered++;
    // (a hole moved up or down, no swaps: the key at most the smallest kept returns at once)
    if (idx.length < n) {
      let c = idx.length;
      idx.push(i);
      keys.push(k);
      seq.push(s);
      while (c > 0) {
        const p = (c - 1) >> 1;
        // the new key goes above its parent when it is below it (smaller, or equal and offered later)
        if (k < keys[p] || (k === keys[p] && s > seq[p])) {
          this.move(c, p);
          c = p;
        } else break;
      }
      this.set(c, i, k, s);
    } else {
      if (!(k > keys[0])) return;
      let c = 0;
      for (;;) {
        const l = 2 * c + 1;
        if (l >= n) break;
        let m = l;
        if (l + 1 < n && (keys[l + 1] < keys[l] || (keys[l + 1] === keys[l] && seq[l + 1] > seq[l]))) m = l + 1;
        // the smaller child moves up when it is below the new key (smaller, or equal and offered later: never, s is the latest)
        if (keys[m] < k || (keys[m] === k && seq[m] > s)) {
          this.move(c, m);
          c = m;
        } else break;
      }
      this.set(c, i, k, s);
    }
    if (idx.length === n) this.floor = keys[0];
  }
  /** slot `to` takes slot `from`'s entry */
  private move(to: number, from: number): void {
    this.idx[to] = this.idx[from];
    this.keys[to] = this.keys[from];
    this.seq[to] = this.seq[from];
  }
  private set(c: number, i: number, k: number, s: number): void {
    this.idx[c] = i;
    this.keys[c] = k;
    this.seq[c] = s;
  }
  /** the indexes kept, largest first, ties in the order offered */
  get best(): number[] {
    const { idx, keys, seq } = this;
    const order = idx.map((_, j) => j);
    order.sort((a, b) => keys[b] - keys[a] || seq[a] - seq[b]);
    return order.map((j) => idx[j]);
  }
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

/** TreeTotals' counts (all but the sizes) */
type TreeCounts = Omit<TreeTotals, 'apparentBytes' | 'diskBytes'>;

/** where a directory's children are (Tree.childSpan): entries first .. first + count - 1, or list[first .. first + count - 1] */
export interface ChildSpan {
  first: number;
  count: number;
  list: Uint32Array | null;
}

export class Tree implements Sink, UnorderedSink {
  count = 0;
  parent = new Uint32Array(1024);
  /** name offset of every 16th entry */
  nameCk = new Uint32Array(64);
  names = new Uint8Array(16384);
  namesLen = 0;
  asize32 = new Uint32Array(1024);
  /**
   * Own disk usage in 512-byte blocks (BIG: in spillD) of the entries whose attribute says DK_OWN;
   * empty until the first such entry (most disk sizes are 0 or the apparent size rounded up to 4 KiB).
   */
  dsize32 = new Uint32Array(0);
  /** exact own sizes that do not fit the 32-bit slots (and directories' own sizes from 2^53 up), by entry */
  spillA = new Map<number, Bytes>();
  spillD = new Map<number, Bytes>();
  /**
   * Each entry's mtime, as an index into `mtimes` (16 bits) while the tree has at most 65,536
   * distinct ones (a real system's files share their package's or their copy's time: 1,760 in a
   * /usr of 145k entries), past that (mtimeRaw) the seconds themselves (32 bits); NO_MTIME: unknown.
   */
  mtime: Uint16Array<ArrayBuffer> | Uint32Array<ArrayBuffer> = new Uint16Array(1024);
  /** mtime holds the seconds, not indexes into `mtimes` */
  mtimeRaw = false;
  /** the distinct mtimes (seconds since the epoch, NO_MTIME: unknown), by index; empty once mtimeRaw */
  mtimes: number[] = [];
  private mtimeMap = new Map<number, number>();
  private lastMt = -1;
  private lastMtIx = 0;
  /**
   * Each entry's attributes, as an index into the attribute table (attrMode, attrOwner, attrDk): one
   * byte while the tree has at most 256 distinct (mode, owner, disk-size kind) triples, widened to
   * 16 then 32 bits past that.
   */
  attr: Uint8Array<ArrayBuffer> | Uint16Array<ArrayBuffer> | Uint32Array<ArrayBuffer> = new Uint8Array(1024);
  flags = new Uint8Array(1024);

  // attribute table (indexed by attr[i])
  /** mode bits (low 16 bits of st_mode; NO_MODE: unknown) */
  attrMode: number[] = [];
  /** owner slot (index into ownerUid / ownerGid) */
  attrOwner: number[] = [];
  /** how the own disk usage is found: DK_ZERO, DK_ROUND or DK_OWN (see ownD) */
  attrDk: number[] = [];
  private attrMap = new Map<number, number>();
  private lastAttrKey = -1;
  private lastAttr = 0;

  // owners table: index 0 = unknown (an entry's slot: attrOwner[attr[i]], ownerSlotOf)
  ownerUid: number[] = [-1];
  ownerGid: number[] = [-1];
  private ownerMap = new Map<number, number>();
  private lastUid = -2;
  private lastGid = -2;
  private lastOwner = 0;

  // directory table (indexed by dir number)
  dirCount = 0;
  dirEntry = new Uint32Array(64);
  /** each directory's device, as an index into `devs` (16 bits, 32 past 65,536 devices) */
  dirDevIx: Uint16Array<ArrayBuffer> | Uint32Array<ArrayBuffer> = new Uint16Array(64);
  /** the devices seen (st_dev numbers) */
  devs: number[] = [];
  private devMap = new Map<number, number>();
  /** inode number of each directory (0: unknown, e.g. an import without inode numbers) */
  dirIno = new Float64Array(64);
  /** a directory's own apparent size (BIG: in spillA); its own disk usage is found as a file's (ownD) */
  dirOwnA = new Uint32Array(64);
  /**
   * Each directory's children (valid after finish): kidN of them, from entry kidFirst on when they
   * are consecutive entries (a scanned directory's listing arrives as one block: no index needed),
   * else (kidScattered) listed in `kids` from offset kidFirst.
   */
  kidFirst = new Uint32Array(0);
  kidN = new Uint32Array(0);
  kidScattered = new Uint8Array(0);
  totA = new Float64Array(64);
  totD = new Float64Array(64);
  totItems = new Uint32Array(64);
  /** exact totals of the directories whose totA / totD are 2^53 or more (bigints), by directory number */
  bigTotA = new Map<number, bigint>();
  bigTotD = new Map<number, bigint>();
  /** child entry indexes of the directories whose children are scattered, grouped by parent (valid after finish, once kidsBuilt: see children()) */
  kids = new Uint32Array(0);
  /**
   * kids, kidFirst, kidN and kidScattered are built: finish() leaves them to the first children() (a scan's summary
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

  /** totals()' counts as the last computeTotals() found them, for a tree of countsAt entries (null: none) */
  private counts: TreeCounts | null = null;
  private countsAt = -1;

  info: SourceInfo | null = null;
  finished = false;
  /** bumped by every change after finish(): caches keyed on it (sorted views) stay right */
  version = 0;
  private stack: number[] = [];
  /**
   * The entry added last, for front coding the next one's name (putName): its length, its first
   * prevPre bytes (in lastName: at most 255 are ever shared), and where the rest of it is in `names`
   */
  private lastName = new Uint8Array(256);
  private lastLen = 0;
  private prevPre = 0;
  private prevSuf = 0;
  /** addNamed's entry as a record (addRec) */
  private rec = new Float64Array(NF);
  /** nameOf's decoder: entry decI's name was decoded last (its first decLen bytes in decBuf), ending at offset decO of decNames; decPre: its shared prefix */
  private decI = -1;
  private decO = 0;
  private decPre = 0;
  private decLen = 0;
  private decBuf = new Uint8Array(256);
  private decNames: Uint8Array | null = null;

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
      if (this.dsize32.length) this.dsize32 = growU32(this.dsize32, cap);
      const mt = this.mtime;
      this.mtime = mt instanceof Uint16Array ? growU16(mt, cap) : growU32(mt, cap);
      this.flags = growU8(this.flags, cap);
      const at = this.attr;
      this.attr = at instanceof Uint8Array ? growU8(at, cap) : at instanceof Uint16Array ? growU16(at, cap) : growU32(at, cap);
      this.names = growU8(this.names, cap * 12);
      // directories: about 1 entry in 9 on a real system; room for 1 in 8 spares the copies (and the
      // garbage) of growing by doubling, and untouched room costs no memory
      const dcap = cap >>> 3;
      if (dcap > this.dirEntry.length) this.growDirs(dcap);
    } catch {
      // no address space for the hint (overcommit disabled?): grow on demand instead
    }
  }

  private growDirs(cap: number): void {
    const used = this.dirCount;
    this.dirEntry = growU32(this.dirEntry, cap, used);
    const dx = this.dirDevIx;
    this.dirDevIx = dx instanceof Uint16Array ? growU16(dx, cap, used) : growU32(dx, cap, used);
    this.dirIno = growF64(this.dirIno, cap, used);
    this.dirOwnA = growU32(this.dirOwnA, cap, used);
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
    // as a record of the scan engine's (one layout, one add path)
    const r = this.rec;
    let rf = (e.type & 3) | (e.readError ? RF_READERR : 0) | ((e.excluded & 7) << RF_EXCL_SHIFT);
    let big: BigRecord | undefined;
    if (typeof e.asize !== 'number' || typeof e.dsize !== 'number' || typeof e.ino !== 'number') {
      rf |= RF_BIG;
      big = [0, BigInt(e.asize), BigInt(e.dsize), BigInt(e.ino)];
    }
    r[R_ASIZE] = Number(e.asize);
    r[R_DSIZE] = Number(e.dsize);
    r[R_DEV] = e.dev;
    r[R_INO] = Number(e.ino);
    r[R_NLINK] = e.nlink;
    r[R_MTIME] = e.mtime;
    r[R_UID] = e.uid;
    r[R_GID] = e.gid;
    r[R_MODE] = e.mode;
    r[R_FLAGS] = rf;
    return this.addRec(p, r, 0, bytes, start, len, big);
  }

  /**
   * Add a whole listing (or part of one) as the scan engine packs it (scan/worker.ts WorkerMessage):
   * records r0 .. r0 + count - 1 of `nums` (NF numbers each, see R_* there) under directory `parent`,
   * their names in `names` from byte offset `no` on (a 16-bit length, low byte first, then the
   * bytes); `big` holds the exact values of the records flagged RF_BIG ([record, asize, dsize, ino]).
   * No Entry, no view per name. The entries are consecutive: the first one's index is returned, and
   * record r0 + k is entry first + k.
   */
  addListing(parent: number, nums: Float64Array, names: Uint8Array, r0: number, count: number, no: number, big: BigRecord[] | null): number {
    const first = this.count;
    for (let r = r0; r < r0 + count; r++) {
      const o = r * NF;
      const len = names[no] | (names[no + 1] << 8);
      this.addRec(parent, nums, o, names, no + 2, len, nums[o + R_FLAGS] & RF_BIG ? big?.find((x) => x[0] === r) : undefined);
      no += 2 + len;
    }
    return first;
  }

  /**
   * Store the name bytes[start, start + len) of entry i (the next one; see nameOf): the first of a
   * group of 16 whole, the others front-coded against the entry before. The entry before is not
   * copied: its first prevPre bytes are in lastName, the rest in the name buffer from prevSuf on.
   */
  private putName(i: number, bytes: Uint8Array, start: number, len: number): void {
    const ln = this.lastName;
    let nm = this.names;
    let pre = 0;
    const pp = this.prevPre;
    if ((i & 15) !== 0) {
      const m = Math.min(len, this.lastLen, 255);
      const m1 = m < pp ? m : pp;
      while (pre < m1 && ln[pre] === bytes[start + pre]) pre++;
      if (pre === pp) {
        const d = this.prevSuf - pp;
        while (pre < m && nm[d + pre] === bytes[start + pre]) pre++;
      }
      if (pre < 2) pre = 0; // a shared byte does not pay for its count
      // the new name's first pre bytes, for the next one (they are the entry before's)
      else if (pre > pp) {
        const d = this.prevSuf - pp;
        for (let k = pp; k < pre; k++) ln[k] = nm[d + k];
      }
    }
    const sl = len - pre;
    const need = this.namesLen + sl + 5;
    if (need > nm.length) nm = this.names = growU8(nm, need, this.namesLen);
    let o = this.namesLen;
    if ((i & 15) === 0) this.nameCk[i >>> 4] = o;
    else if (pre > 0 && pre < 0x80) nm[o++] = 0x80 | pre; // (half of a real system's names)
    else if (pre > 0 || sl >= 0x80) {
      nm[o++] = 0x80;
      nm[o++] = pre;
    }
    o = putLength(nm, o, sl);
    const from = start + pre;
    // a byte loop: no view object per name (short names: as fast as set())
    if (sl > 64) nm.set(bytes.subarray(from, from + sl), o);
    else for (let k = 0; k < sl; k++) nm[o + k] = bytes[from + k];
    this.namesLen = o + sl;
    this.prevPre = pre;
    this.prevSuf = o;
    this.lastLen = len;
  }

  /**
   * Add one entry under `p` (the core of every add): the record at nums[o] in the scan engine's
   * layout (scan/worker.ts R_*: sizes in bytes, mtime in seconds since the epoch, -1 for unknown
   * fields), `big` its exact sizes and inode number when it is flagged RF_BIG, its name
   * bytes[start, start + len).
   */
  private addRec(p: number, nums: Float64Array, o: number, bytes: Uint8Array, start: number, len: number, big: BigRecord | undefined): number {
    const i = this.count;
    const n = i + 1;
    if (n > this.parent.length) this.reserve(Math.max(n, this.parent.length * 2));
    this.count = n;
    this.parent[i] = p;
    this.putName(i, bytes, start, len);

    const rf = nums[o + R_FLAGS];
    const type = rf & 3;
    let f = type | (rf & RF_READERR ? F_READERR : 0) | (((rf >> RF_EXCL_SHIFT) & 7) << F_EXCL_SHIFT);
    const counted = (f & F_EXCL) === 0;
    let asize: Bytes = nums[o + R_ASIZE];
    let dsize: Bytes = nums[o + R_DSIZE];
    let ino: ExactInt = nums[o + R_INO];
    if (big) {
      asize = normBytes(big[1]);
      dsize = normBytes(big[2]);
      ino = normBytes(big[3]);
    }
    const a = counted ? asize : 0;
    const d = counted ? dsize : 0;
    const mtime = nums[o + R_MTIME];
    this.setMtime(i, (mtime < 0 ? NO_MTIME : Math.min(mtime, NO_MTIME - 1)) >>> 0);
    const mode = nums[o + R_MODE];
    const md = mode < 0 ? NO_MODE : mode & 0xffff;
    const oi = this.ownerIndex(nums[o + R_UID], nums[o + R_GID]);
    const dev = nums[o + R_DEV];
    const nlink = nums[o + R_NLINK];
    // an own size in its 32-bit slot: a whole number below BIG (else in spillA)
    const small = typeof a === 'number' && a < BIG && a >= 0 && Math.floor(a) === a;
    if (type === EntryType.Dir) {
      const di = this.dirCount++;
      if (di >= this.dirEntry.length) this.growDirs(this.dirEntry.length * 2);
      this.dirEntry[di] = i;
      const dx = this.devIndex(dev); // may widen dirDevIx: index it afterwards
      this.dirDevIx[di] = dx;
      this.dirIno[di] = Number(ino);
      if (small) this.dirOwnA[di] = a;
      else {
        this.dirOwnA[di] = BIG;
        this.spillA.set(i, a);
      }
      this.asize32[i] = di;
    } else if (small) this.asize32[i] = a;
    else {
      this.asize32[i] = BIG;
      this.spillA.set(i, a);
    }
    // disk usage: nothing, or the apparent size rounded up to 4 KiB (a real system's rule: no
    // per-entry slot), else in dsize32 as 512-byte blocks (disk sizes are almost always multiples
    // of 512), spilled past that
    let dk = DK_OWN;
    if (d === 0) dk = DK_ZERO;
    else if (small && d === roundUp4k(a as number)) dk = DK_ROUND;
    else {
      if (this.dsize32.length === 0) this.dsize32 = new Uint32Array(this.parent.length);
      if (typeof d === 'number' && d % 512 === 0 && d / 512 < BIG) this.dsize32[i] = d / 512;
      else {
        this.dsize32[i] = BIG;
        this.spillD.set(i, d);
      }
    }
    this.setAttr(i, md, oi, dk);
    if (type !== EntryType.Dir && nlink > 1 && counted) {
      f |= F_HARDLINK;
      this.addLink(i, dev, ino, nlink);
    }
    this.flags[i] = f;
    return i;
  }

  /** entry i is a hard link (dev, ino, nlink): into the link table */
  private addLink(i: number, dev: number, ino: ExactInt, nlink: number): void {
    const li = this.linkCount++;
    if (li >= this.linkDev.length) {
      const cap = this.linkDev.length * 2;
      this.linkEntry = growU32(this.linkEntry, cap);
      this.linkDev = growF64(this.linkDev, cap);
      this.linkIno = growF64(this.linkIno, cap);
      this.linkNlink = growU32(this.linkNlink, cap);
    }
    this.linkEntry[li] = i;
    this.linkDev[li] = dev;
    this.linkIno[li] = Number(ino);
    if (typeof ino === 'bigint') this.linkInoBig.set(li, ino);
    this.linkNlink[li] = Math.min(nlink, 0xffffffff);
  }

  /** entry i's mtime is v (seconds, NO_MTIME: unknown): its index in `mtimes`, added when new, or v itself once mtimeRaw */
  private setMtime(i: number, v: number): void {
    if (this.mtimeRaw) {
      this.mtime[i] = v;
      return;
    }
    // runs of one time are the rule (a listing's files, a package's): no map lookup for them
    let ix = this.lastMtIx;
    if (v !== this.lastMt) {
      const known = this.mtimeMap.get(v);
      if (known === undefined) {
        ix = this.mtimes.length;
        if (ix === 0x10000) {
          this.rawMtimes();
          this.mtime[i] = v;
          return;
        }
        this.mtimes.push(v);
        this.mtimeMap.set(v, ix);
      } else ix = known;
      this.lastMt = v;
      this.lastMtIx = ix;
    }
    this.mtime[i] = ix;
  }

  /** too many distinct mtimes for 16-bit indexes: every entry's seconds in a 32-bit array instead */
  private rawMtimes(): void {
    const raw = new Uint32Array(this.mtime.length);
    const ix = this.mtime;
    const t = this.mtimes;
    for (let k = 0; k < this.count; k++) raw[k] = t[ix[k]];
    this.mtime = raw;
    this.mtimeRaw = true;
    this.mtimes = [];
    this.mtimeMap = new Map();
  }

  /** the index of device `dev` in `devs`, added when new */
  private devIndex(dev: number): number {
    const n = this.devs.length;
    if (n > 0 && this.devs[n - 1] === dev) return n - 1;
    let ix = this.devMap.get(dev);
    if (ix === undefined) {
      ix = n;
      this.devs.push(dev);
      this.devMap.set(dev, ix);
      if (ix === 0x10000 && this.dirDevIx instanceof Uint16Array) this.dirDevIx = widen(new Uint32Array(this.dirDevIx.length), this.dirDevIx);
    }
    return ix;
  }

  /** attr[i] = the attribute table's index of (mode, owner slot, disk-size kind), added when new */
  private setAttr(i: number, mode: number, owner: number, dk: number): void {
    // < 2^50 for every owner slot: an exact number key (a small integer for the first 8191 owners)
    const key = (owner * 0x10000 + mode) * 4 + dk;
    let idx = this.lastAttr;
    if (key !== this.lastAttrKey) {
      const known = this.attrMap.get(key);
      if (known === undefined) {
        idx = this.attrMode.length;
        this.attrMode.push(mode);
        this.attrOwner.push(owner);
        this.attrDk.push(dk);
        this.attrMap.set(key, idx);
        if (idx === 0x100 && this.attr instanceof Uint8Array) this.attr = widen(new Uint16Array(this.attr.length), this.attr);
        else if (idx === 0x10000 && this.attr instanceof Uint16Array) this.attr = widen(new Uint32Array(this.attr.length), this.attr);
      } else idx = known;
      this.lastAttrKey = key;
      this.lastAttr = idx;
    }
    this.attr[i] = idx;
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

  /**
   * The child index (kidFirst, kidN, kidScattered, kids): by the export addon's kidsIndex where it
   * loads (the same arrays, ~5x faster: 1M entries in ~5 against ~25 ms), else here (`native`
   * false: here; the tests compare the two).
   */
  private buildKids(native = true): void {
    const n = this.count;
    const dc = this.dirCount;
    const first = (this.kidFirst = new Uint32Array(dc));
    const num = (this.kidN = new Uint32Array(dc));
    const scattered = (this.kidScattered = new Uint8Array(dc));
    const dirNo = this.asize32;
    const addon = native && n > KIDS_NATIVE_FROM ? ncduParseAddon() : null;
    if (addon !== null && typeof addon.kidsIndex === 'function' && this.flags instanceof Uint8Array) {
      const removed = REMOVED << F_EXCL_SHIFT;
      const s = addon.kidsIndex(this.flags, this.parent, dirNo, n, F_EXCL, removed, first, num, scattered, null);
      const kids = new Uint32Array(s);
      if (s > 0) addon.kidsIndex(this.flags, this.parent, dirNo, n, F_EXCL, removed, first, num, scattered, kids);
      this.kids = kids;
      this.kidsBuilt = true;
      return;
    }
    const parent = this.parent;
    // a directory's children are one run while each comes right after the one before
    for (let i = 1; i < n; i++) {
      if (this.removed(i)) continue;
      const d = dirNo[parent[i]];
      const c = num[d]++;
      if (c === 0) first[d] = i;
      else if (i !== first[d] + c) scattered[d] = 1;
    }
    // the directories whose children are not one run of entries (an import's depth-first order, a
    // listing split between two threads' messages, entries removed or added after the scan) get
    // their children listed in `kids`: kidFirst is their offset there (their cursor while filling)
    let s = 0;
    for (let d = 0; d < dc; d++) {
      if (!scattered[d]) continue;
      first[d] = s;
      s += num[d];
    }
    const kids = new Uint32Array(s);
    if (s > 0) {
      for (let i = 1; i < n; i++) {
        if (this.removed(i)) continue;
        const d = dirNo[parent[i]];
        if (scattered[d]) kids[first[d]++] = i;
      }
      for (let d = 0; d < dc; d++) if (scattered[d]) first[d] -= num[d];
    }
    this.kids = kids;
    this.kidsBuilt = true;
  }

  /** Directory totals: own size plus everything below; a hard-linked inode counts once per subtree. */
  computeTotals(): void {
    const dc = this.dirCount;
    const totA = (this.totA = new Float64Array(dc));
    const totD = (this.totD = new Float64Array(dc));
    this.totItems = new Uint32Array(dc);
    this.bigTotA.clear();
    this.bigTotD.clear();
    this.counts = this.sumEntries();
    this.countsAt = this.count;
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

  /**
   * computeTotals' pass over every entry, children before their parent (into totA, totD, totItems,
   * each directory's own sizes and its entries' but the hard links'; F_SUBERR up to the parents),
   * counting totals()' kinds on the way. Its own function: the one hot loop of a run that calls it
   * once is what V8 compiles (on stack replacement), not the rest of computeTotals, which then
   * runs no optimized code it never ran before (each such path was a deoptimization and a compile).
   */
  private sumEntries(): TreeCounts {
    const n = this.count;
    const totA = this.totA;
    const totD = this.totD;
    const items = this.totItems;
    const flags = this.flags;
    const asz = this.asize32;
    const dirA = this.dirOwnA;
    const attr = this.attr;
    const parent = this.parent;
    // each attribute's disk-size kind, as bytes: no JS array read per entry
    const kinds = Uint8Array.from(this.attrDk);
    const dsz = this.dsize32;
    // totals()' counts: by kind (EntryType, 4: excluded), without a branch of their own (a path
    // first taken after V8 compiled the loop is a deoptimization and another compile)
    const kind = new Float64Array(5);
    let entries = 0;
    let hardlinks = 0;
    let errors = 0;
    for (let i = n - 1; i >= 0; i--) {
      const f = flags[i];
      const excl = (f & F_EXCL) >> F_EXCL_SHIFT;
      if (excl === REMOVED) continue;
      const type = f & F_TYPE;
      entries++;
      errors += (f & F_READERR) === 0 ? 0 : 1;
      // excluded entries are listed, not counted as a kind (see TreeTotals)
      kind[excl === 0 ? type : 4]++;
      hardlinks += excl === 0 && (f & F_HARDLINK) !== 0 ? 1 : 0;
      const isDir = type === EntryType.Dir;
      // the own sizes: ownA and ownD inline but for a value past 32 bits (a spill map's)
      const di = isDir ? asz[i] : 0;
      const v = isDir ? dirA[di] : asz[i];
      const k = kinds[attr[i]];
      let a = v === BIG ? this.ownA(i) : v;
      let d = 0;
      if (k === DK_OWN) {
        const w = dsz[i];
        d = w === BIG ? this.ownD(i) : w * 512;
      } else if (k === DK_ROUND) d = roundUp4k(v);
      let it = 1;
      let err = (f & F_READERR) !== 0;
      if (isDir) {
        a = totA[di] += a;
        d = totD[di] += d;
        it = items[di] + 1;
        err = (f & (F_READERR | F_SUBERR)) !== 0;
      } else if ((f & F_HARDLINK) !== 0) {
        a = 0; // a hard link: counted once per subtree below
        d = 0;
      }
      const p = parent[i];
      if (p !== NONE) {
        const pd = asz[p];
        totA[pd] += a;
        totD[pd] += d;
        items[pd] += it;
        flags[p] |= err ? F_SUBERR : 0;
      }
    }
    return { entries, files: kind[EntryType.File], dirs: kind[EntryType.Dir], symlinks: kind[EntryType.Symlink], others: kind[3], hardlinks, errors, excluded: kind[4] };
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

  /**
   * File i was emptied in place (truncated to 0 bytes) at `mtime` (seconds since the epoch): its
   * apparent size and disk usage are 0 now, and the totals above it follow. Not a directory (no-op).
   * A hard-linked file's other names in the tree keep their recorded size until a rescan.
   */
  emptied(i: number, mtime: number): void {
    if (i <= 0 || i >= this.count || this.isDir(i) || this.removed(i)) return;
    this.ensureKids();
    this.asize32[i] = 0;
    this.spillA.delete(i);
    this.spillD.delete(i);
    const at = this.attr[i];
    this.setAttr(i, this.attrMode[at], this.attrOwner[at], DK_ZERO);
    this.setMtime(i, (mtime < 0 ? NO_MTIME : Math.min(Math.floor(mtime), NO_MTIME - 1)) >>> 0);
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
    const dk = this.attrDk[this.attr[i]];
    if (dk === DK_ZERO) return 0;
    if (dk === DK_ROUND) return roundUp4k(this.isDir(i) ? this.dirOwnA[this.asize32[i]] : this.asize32[i]);
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
    if (this.attrDk[this.attr[i]] !== DK_OWN) return this.ownD(i);
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
  /**
   * The indexes of the `n` largest regular files by their own size (apparent size when `apparent`,
   * else disk usage; bytes as doubles, as ownA / ownD), largest first, ties in index order. One
   * loop over the arrays (ownA / ownD inline but for a value past 32 bits; the size limit kept in
   * a local): a scan's summary runs it once over every entry, mostly before V8 has optimized it,
   * where summarize's calls per entry (type, ownD) took 10-20 ms of /usr's 146k entries on a busy
   * 2-core machine.
   */
  largestFiles(n: number, apparent = false): number[] {
    const top = new Largest(n);
    if (n <= 0) return top.best;
    const count = this.count;
    const flags = this.flags;
    const asz = this.asize32;
    const attr = this.attr;
    const dsz = this.dsize32;
    const kinds = Uint8Array.from(this.attrDk);
    // (in locals: most of the loop runs in V8's interpreter, where each property read is a step)
    let floor = -Infinity;
    for (let i = 0; i < count; i++) {
      if ((flags[i] & F_TYPE) !== EntryType.File) continue;
      const v = asz[i];
      let k: number;
      if (apparent) {
        if (v <= floor && v !== BIG) continue; // (BIG: the size is in the spill map)
        k = v === BIG ? this.ownA(i) : v;
      } else {
        const dk = kinds[attr[i]];
        if (dk === DK_ROUND) {
          if (v + 4095 <= floor) continue; // (rounded up, at most 4095 more)
          k = roundUp4k(v);
        } else if (dk === DK_ZERO) k = 0;
        else {
          const w = dsz[i];
          k = w === BIG ? this.ownD(i) : w * 512;
        }
      }
      if (k > floor) {
        top.offer(i, k);
        floor = top.floor;
      }
    }
    return top.best;
  }
  /** The indexes of the `n` largest directories below the root by their total (as sizeA / sizeD), largest first, ties in index order. */
  largestDirs(n: number, apparent = false): number[] {
    const top = new Largest(n);
    if (n <= 0) return top.best;
    const tot = apparent ? this.totA : this.totD;
    const dirEntry = this.dirEntry;
    const dc = this.dirCount;
    let floor = -Infinity;
    for (let d = 1; d < dc; d++) {
      if (tot[d] <= floor) continue;
      top.offer(dirEntry[d], tot[d]);
      floor = top.floor;
    }
    return top.best;
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
    const v = this.mtime[i];
    const m = this.mtimeRaw ? v : this.mtimes[v];
    return m === NO_MTIME ? -1 : m;
  }
  modeOf(i: number): number {
    const m = this.attrMode[this.attr[i]];
    return m === NO_MODE ? -1 : m;
  }
  uidOf(i: number): number {
    return this.ownerUid[this.ownerSlotOf(i)];
  }
  gidOf(i: number): number {
    return this.ownerGid[this.ownerSlotOf(i)];
  }
  /** the owner slot of entry i: its index in ownerUid / ownerGid (0: unknown) */
  ownerSlotOf(i: number): number {
    return this.attrOwner[this.attr[i]];
  }
  /** device of a directory, or of a non-directory's parent */
  devOf(i: number): number {
    if (!this.isDir(i)) {
      if (this.isHardlink(i)) return this.linkDev[this.linkIndex(i)];
      i = this.parent[i];
      if (i === NONE) return 0;
    }
    return this.devs[this.dirDevIx[this.asize32[i]]];
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
  /**
   * The name of entry i, as bytes: a view of the name buffer when it is stored whole, else a fresh
   * copy. Names are stored in index order: the first of each group of 16 entries as a varint length
   * and the bytes (nameCk has its offset), each other one front-coded against the entry before it
   * (about a third of a real system's name bytes are such prefixes): either a varint length below
   * 0x80 and the bytes, or the shared prefix's length p (2..127) as one byte 0x80 | p, or 0x80 and
   * the prefix's length as the next byte (a longer prefix, or none before a long name), then a
   * varint length of the rest and its bytes. Entry i is decoded from its group's start, or from the entry decoded last
   * when that is before it in the same group (reading in index order costs one step per entry).
   */
  nameOf(i: number): Uint8Array {
    const nm = this.names;
    const g = i & ~15;
    let k: number;
    let o: number;
    if (this.decI >= g && this.decI <= i && this.decNames === nm) {
      k = this.decI;
      o = this.decO;
      if (k === i) return this.decPre === 0 ? nm.subarray(o - this.decLen, o) : this.decBuf.slice(0, this.decLen);
      k++;
    } else {
      k = g;
      o = this.nameCk[i >>> 4];
    }
    let buf = this.decBuf;
    let pre = 0;
    let len = 0;
    for (; k <= i; k++) {
      pre = 0;
      const b0 = nm[o];
      if (k !== g && b0 >= 0x80) {
        if (b0 === 0x80) {
          pre = nm[o + 1];
          o += 2;
        } else {
          pre = b0 & 0x7f;
          o++;
        }
      }
      let sl = nm[o++];
      if (sl & 0x80) {
        const b = nm[o++];
        if (b & 0x80) sl = (sl & 0x7f) | ((b & 0x7f) << 7) | (nm[o++] << 14);
        else sl = (sl & 0x7f) | (b << 7);
      }
      len = pre + sl;
      if (len > buf.length) {
        const wider = new Uint8Array(Math.max(len, buf.length * 2));
        wider.set(buf.subarray(0, pre));
        buf = this.decBuf = wider;
      }
      for (let j = 0; j < sl; j++) buf[pre + j] = nm[o + j];
      o += sl;
    }
    this.decI = i;
    this.decO = o;
    this.decPre = pre;
    this.decLen = len;
    this.decNames = nm;
    return pre === 0 ? nm.subarray(o - len, o) : buf.slice(0, len);
  }

  /**
   * Every entry's name decoded into one buffer, in index order: entry i's name is bytes[off[i],
   * off[i] + len[i]). One pass; for readers of all the names (attribution). `native`: decoded by
   * the addon (ncduparse.c decodeNames) where it loads; false: here (the same bytes).
   */
  allNames(native = true): { bytes: Uint8Array; off: Uint32Array; len: Uint32Array } {
    const n = this.count;
    const off = new Uint32Array(n);
    const len = new Uint32Array(n);
    // the decoded names take more than the stored ones (their shared prefixes): a half more, grown if need be
    let bytes = new Uint8Array(Math.max(64, this.namesLen + (this.namesLen >>> 1)));
    const addon = native ? ncduParseAddon() : null;
    if (addon !== null && typeof addon.decodeNames === 'function') {
      // the addon's decoder (ncduparse.c decodeNames): the same bytes, several times faster
      let used = addon.decodeNames(this.names, this.nameCk, n, bytes, off, len);
      if (used < 0) {
        bytes = new Uint8Array(-used);
        used = addon.decodeNames(this.names, this.nameCk, n, bytes, off, len);
      }
      return { bytes: bytes.subarray(0, used), off, len };
    }
    let total = 0;
    for (let i = 0; i < n; i++) {
      const u = this.nameOf(i);
      const l = u.length;
      if (total + l > bytes.length) bytes = growU8(bytes, total + l, total);
      for (let k = 0; k < l; k++) bytes[total + k] = u[k];
      off[i] = total;
      len[i] = l;
      total += l;
    }
    return { bytes: bytes.subarray(0, total), off, len };
  }
  /**
   * The attribute and mtime tables as numbers the export's native writer reads (ncduparse.c
   * writeText), by attribute index: each one's uid, gid (-1: unknown), mode (-1: unknown) and
   * disk-size kind; the distinct mtimes (seconds, -1: unknown; empty once mtimeRaw) and devices.
   */
  textTables(): { uid: Float64Array; gid: Float64Array; mode: Float64Array; dk: Uint8Array; mtimes: Float64Array; devs: Float64Array } {
    const n = this.attrMode.length;
    const uid = new Float64Array(n);
    const gid = new Float64Array(n);
    const mode = new Float64Array(n);
    const dk = new Uint8Array(n);
    for (let a = 0; a < n; a++) {
      const o = this.attrOwner[a];
      uid[a] = this.ownerUid[o];
      gid[a] = this.ownerGid[o];
      mode[a] = this.attrMode[a] === NO_MODE ? -1 : this.attrMode[a];
      dk[a] = this.attrDk[a];
    }
    const mtimes = Float64Array.from(this.mtimes, (m) => (m === NO_MTIME ? -1 : m));
    return { uid, gid, mode, dk, mtimes, devs: Float64Array.from(this.devs) };
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
  /** the children of directory i, ascending (valid after finish): a view of `kids`, or a fresh array */
  children(i: number): Uint32Array {
    const { first, count, list } = this.childSpan(i, this.span);
    if (list !== null) return list.subarray(first, first + count);
    const out = new Uint32Array(count);
    for (let k = 0; k < count; k++) out[k] = first + k;
    return out;
  }
  private readonly span: ChildSpan = { first: 0, count: 0, list: null };
  /**
   * Where the children of entry i are (valid after finish; the child index is built on first use),
   * written into `out` and returned, with no allocation: `count` entry indexes, ascending, which
   * are first, first + 1, ... when `list` is null, else list[first], list[first + 1], ... (list is
   * the tree's `kids`). A non-directory has none (count 0). For passes over every directory:
   *   for (let j = 0; j < s.count; j++) { const k = s.list === null ? s.first + j : s.list[s.first + j]; ... }
   */
  childSpan(i: number, out: ChildSpan): ChildSpan {
    if (!this.isDir(i)) {
      out.first = out.count = 0;
      out.list = null;
      return out;
    }
    if (!this.kidsBuilt) this.buildKids();
    const d = this.asize32[i];
    out.first = this.kidFirst[d];
    out.count = this.kidN[d];
    out.list = this.kidScattered[d] !== 0 ? this.kids : null;
    return out;
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

  /** What the tree holds (see TreeTotals): the sizes exact, the counts from the last computeTotals() when it is still current. */
  totals(): TreeTotals {
    const sizes = { apparentBytes: this.count ? this.exactSizeA(0) : 0, diskBytes: this.count ? this.exactSizeD(0) : 0 };
    // counted by computeTotals (finish, every change after it) unless entries came since
    const c = this.counts !== null && this.countsAt === this.count ? this.counts : this.countEntries();
    return { ...sizes, ...c };
  }

  /** totals()' counts, one pass over the entries (a tree not finished yet) */
  private countEntries(): TreeCounts {
    const t: TreeCounts = { entries: 0, files: 0, dirs: 0, symlinks: 0, others: 0, hardlinks: 0, errors: 0, excluded: 0 };
    const fl = this.flags;
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

  /** Fill an Entry with what the tree knows of i (for re-export and diffing); its name too unless `named` is false. */
  entryOf(i: number, e: Entry, named = true): Entry {
    if (named) e.name = this.nameOf(i);
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
  // each open directory's children (one view per directory, not per step) and the next one's place
  const stackKids: Uint32Array[] = [];
  const stackPos: number[] = [];
  sink.enterDir(tree.entryOf(from, e));
  stackKids.push(tree.children(from));
  stackPos.push(0);
  while (stackKids.length) {
    const top = stackKids.length - 1;
    const kids = stackKids[top];
    const pos = stackPos[top];
    if (pos >= kids.length) {
      sink.leaveDir();
      stackKids.pop();
      stackPos.pop();
      continue;
    }
    stackPos[top] = pos + 1;
    const k = kids[pos];
    if (tree.isDir(k) && tree.excluded(k) === Excluded.None) {
      sink.enterDir(tree.entryOf(k, e));
      stackKids.push(tree.children(k));
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

const PER_ENTRY = ['parent', 'asize32', 'mtime', 'attr', 'flags'] as const;
const PER_DIR = ['dirEntry', 'dirDevIx', 'dirIno', 'dirOwnA', 'totA', 'totD', 'totItems', 'kidFirst', 'kidN', 'kidScattered'] as const;
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
    devs: t.devs,
    attrMode: t.attrMode,
    attrOwner: t.attrOwner,
    attrDk: t.attrDk,
    mtimes: t.mtimes,
    mtimeRaw: t.mtimeRaw,
    names: t.names.slice(0, t.namesLen),
    nameCk: t.nameCk.slice(0, (t.count >>> 4) + 1),
    kids: (t.ensureKids(), t.kids.slice()),
    kidsBuilt: true,
  };
  for (const k of PER_ENTRY) f[k] = t[k].slice(0, t.count);
  f.dsize32 = t.dsize32.slice(0, t.dsize32.length && t.count);
  for (const k of PER_DIR) f[k] = t[k].slice(0, t.dirCount);
  for (const k of PER_LINK) f[k] = t[k].slice(0, t.linkCount);
  const transfer: ArrayBuffer[] = [];
  for (const v of Object.values(f)) if (ArrayBuffer.isView(v)) transfer.push(v.buffer as ArrayBuffer);
  return { fields: f, transfer };
}

/** The tree sent by treeData, for reading (attribution); not for adding to. */
export function treeFromData(fields: Record<string, unknown>): Tree {
  return Object.assign(new Tree(), fields);
}
