/**
 * The packed records of an export's entries: what the import thread (threaded.ts) posts to the
 * main thread, and what the native fast path of the reader (src/native/ncduparse.c) writes. One
 * record per sink event, no JavaScript object or string per entry.
 *
 * A record, in a chunk's byte array (`u8`):
 *  - one tag byte: bits 0-1 the event (ENTER, ADD, LEAVE); for ENTER and ADD bits 2-3 the entry's
 *    type, bit 4 its read error, bits 5-7 its Excluded value;
 *  - for ENTER and ADD: one byte saying which numeric fields differ from the previous record's
 *    (F_* bits below; uid and gid go together), the name's length (util/varlen.ts, 1 to 3 bytes)
 *    and the name's raw bytes.
 * The changed values follow in the chunk's Float64Array (`f64`), in the order of the F_* bits. A
 * value that is a bigint (a size or an inode number from 2^53 up: util/exact.ts) is a NaN there and
 * the bigint itself is next in the chunk's `big` list, so every value crosses exactly (the native
 * fast path writes none: it leaves such entries to the JavaScript parser).
 */
import { emptyEntry, type Entry, Excluded, type Sink, type SourceInfo, type UnorderedSink } from '../model/entry.js';

export const ENTER = 1;
export const ADD = 2;
export const LEAVE = 3;

export const F_ASIZE = 1;
export const F_DSIZE = 2;
export const F_DEV = 4;
export const F_INO = 8;
export const F_NLINK = 16;
export const F_MTIME = 32;
export const F_OWNER = 64;
export const F_MODE = 128;

/** Where the decoder is between chunks: the open directories (tree indexes) and the reused entry. */
export interface DecodeState {
  e: Entry;
  stack: Uint32Array;
  depth: number;
  /** for the progress display: bytes on disk added so far (hard links each time), the last directory */
  bytes: number;
  lastDir: number;
}

export function decodeState(): DecodeState {
  return { e: emptyEntry(), stack: new Uint32Array(64), depth: 0, bytes: 0, lastDir: -1 };
}

/** s.stack[s.depth] = i, the stack widened when full */
function push(s: DecodeState, i: number): void {
  if (s.depth === s.stack.length) {
    const wider = new Uint32Array(s.stack.length * 2);
    wider.set(s.stack);
    s.stack = wider;
  }
  s.stack[s.depth++] = i;
  s.lastDir = i;
}

const NO_BIG: bigint[] = [];

/**
 * Adds one chunk's records to the tree (s: where the last chunk left off); or, given `sink`, feeds
 * them to it as its events instead (a view of the chunk per name: sinks copy names).
 */
export function decode(
  tree: UnorderedSink | null,
  s: DecodeState,
  b: Uint8Array,
  f: Float64Array,
  big: bigint[] = NO_BIG,
  sink: Sink | null = null,
): void {
  const e = s.e;
  let stack = s.stack;
  let depth = s.depth;
  let bytes = s.bytes;
  let p = 0;
  let q = 0;
  let bi = 0;
  const n = b.length;
  while (p < n) {
    const tag = b[p++];
    const kind = tag & 3;
    if (kind === LEAVE) {
      depth--;
      if (sink !== null) sink.leaveDir();
      continue;
    }
    const m = b[p++];
    if (m !== 0) {
      let v: number;
      if (m & F_ASIZE) e.asize = (v = f[q++]) === v ? v : big[bi++];
      if (m & F_DSIZE) e.dsize = (v = f[q++]) === v ? v : big[bi++];
      if (m & F_DEV) e.dev = f[q++];
      if (m & F_INO) e.ino = (v = f[q++]) === v ? v : big[bi++];
      if (m & F_NLINK) e.nlink = f[q++];
      if (m & F_MTIME) e.mtime = f[q++];
      if (m & F_OWNER) {
        e.uid = f[q++];
        e.gid = f[q++];
      }
      if (m & F_MODE) e.mode = f[q++];
    }
    let len = b[p++];
    if (len >= 0x80) {
      const b1 = b[p++];
      len = (len & 0x7f) | ((b1 & 0x7f) << 7);
      if (b1 >= 0x80) len |= b[p++] << 14;
    }
    e.type = (tag >> 2) & 3;
    e.readError = (tag & 16) !== 0;
    e.excluded = tag >> 5;
    if (sink !== null) {
      e.name = b.subarray(p, p + len);
      p += len;
      if (kind === ENTER) {
        depth++;
        sink.enterDir(e);
      } else sink.addEntry(e);
      continue;
    }
    const i = tree!.addUnderNamed(depth === 0 ? 0xffffffff : stack[depth - 1], e, b, p, len);
    p += len;
    if (e.excluded === Excluded.None && typeof e.dsize === 'number') bytes += e.dsize;
    if (kind === ENTER) {
      s.depth = depth;
      push(s, i);
      stack = s.stack;
      depth = s.depth;
    }
  }
  s.depth = depth;
  s.bytes = bytes;
}

/**
 * Where the reader sends both its own events and the native fast path's records: `sink` takes the
 * events, records() the records, in the order they come. For a tree (an UnorderedSink) both go
 * through addUnderNamed with one stack of open directories (no view object per name); any other
 * sink gets its events.
 */
export interface RecordTarget {
  sink: Sink;
  records(b: Uint8Array, f: Float64Array): void;
}

class TreeTarget implements Sink, RecordTarget {
  readonly sink = this;
  readonly s = decodeState();
  constructor(private readonly tree: UnorderedSink) {}
  private parent(): number {
    return this.s.depth === 0 ? 0xffffffff : this.s.stack[this.s.depth - 1];
  }
  enterDir(e: Entry): void {
    push(this.s, this.tree.addUnderNamed(this.parent(), e, e.name, 0, e.name.length));
  }
  addEntry(e: Entry): void {
    this.tree.addUnderNamed(this.parent(), e, e.name, 0, e.name.length);
  }
  leaveDir(): void {
    this.s.depth--;
  }
  finish(info: SourceInfo): void | Promise<void> {
    return this.tree.finish(info);
  }
  readonly records = (b: Uint8Array, f: Float64Array): void => decode(this.tree, this.s, b, f);
}

/** The RecordTarget of `sink` (see RecordTarget). */
export function recordTarget(sink: Sink): RecordTarget {
  if (typeof (sink as unknown as UnorderedSink).addUnderNamed === 'function') return new TreeTarget(sink as unknown as UnorderedSink);
  const s = decodeState();
  return { sink, records: (b, f) => decode(null, s, b, f, NO_BIG, sink) };
}
