/**
 * The export writer: a sink that streams the ncdu JSON format (1.2, with ncdu -e's extended fields)
 * to a file or stdout as the events come, holding no tree. Names are written as their raw bytes
 * (ncdu's convention), so names that are not UTF-8 survive a round trip through ncdu.
 *
 * The output is opened by util/write.ts openOutput: a regular file is written to a temporary name
 * in the same directory and renamed at the end, so an interrupted or failed export (disk full)
 * never leaves a half-written file under the real name; a device or FIFO is written in place, a
 * symbolic link is written through, `-` and /dev/stdout are standard output.
 * A name ending in .gz is gzip-compressed (as independent members: any gunzip reads them). The
 * closing `]\n` is a member of its own, so a reader can check that a file is complete by
 * decompressing only its last few bytes (see store/snapshots.ts).
 */
import fs from 'node:fs';
import { emptyEntry, Entry, EntryType, EXCLUDED_NAMES, Excluded, Sink, SourceInfo } from '../model/entry.js';
import type { Tree } from '../tree/tree.js';
import { VERSION } from '../version.js';
import { escapeName } from '../util/escape.js';
import { StdoutClosed } from '../util/errors.js';
import { stringifyExact } from '../util/exact.js';
import { openOutput, Output, writeAllSync, writeErrorText } from '../util/write.js';
import { GzipThread, MAX_QUEUED } from './gzip-thread.js';
import { gzipPiece } from './gzip.js';
import { ncduParseAddon, type NcduParseAddon } from '../import/native-parse.js';

const FLUSH_AT = 1 << 20;
/**
 * The default gzip level. On export text (one line per entry, the same keys on every line) level 6
 * costs about twice the CPU of 4 for files 0-7% smaller (1M entries: 4.35 against 4.26 MB on the
 * bench tree, 5.16 against 5.53 MB on /usr's shape); 1-3 are faster still but up to 19% larger.
 * (zlib's: with libdeflate, export/gzip.ts uses its level 3, about as small for ~2/3 of the CPU.)
 */
export const GZIP_LEVEL = 4;
const HEX = '0123456789abcdef';

export class ExportError extends Error {}

/** Add `extra` to an export's metadata, each key prefixed `x_` unless it is (ncdu ignores x_ keys). */
function addMeta(meta: Record<string, unknown>, extra: Record<string, unknown>): void {
  for (const [k, v] of Object.entries(extra)) meta[k.startsWith('x_') ? k : `x_${k}`] = v;
}

/** writeText's io slots and stops (ncduparse.c: IO_*, W_*) */
const IO_LEN = 0;
const IO_TOP = 1;
const IO_N = 2;
const IO_FLUSH_AT = 3;
const IO_EXTENDED = 4;
const IO_DIRINO = 5;
const IO_TICK = 6;
const IO_MTRAW = 7;
const IO_LINKS = 8;
const IO_COUNT = 9;
const W_FLUSH = 1;
const W_TICK = 2;
const W_SLOW = 4;

/** 1 for the bytes that must be escaped inside a JSON string: control bytes, '"', '\\' and 0x7f. */
const NEEDS_ESCAPE = Uint8Array.from({ length: 256 }, (_, b) => (b < 0x20 || b === 0x22 || b === 0x5c || b === 0x7f ? 1 : 0));

const ascii = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));
const K_NAME = ascii('{"name":');
const K_ASIZE = ascii(',"asize":');
const K_DSIZE = ascii(',"dsize":');
const K_DEV = ascii(',"dev":');
const K_INO = ascii(',"ino":');
const K_HLNKC_NLINK = ascii(',"hlnkc":true,"nlink":');
const K_READ_ERROR = ascii(',"read_error":true');
const K_EXCLUDED = EXCLUDED_NAMES.map((n) => ascii(`,"excluded":"${n}"`));
const K_NOTREG = ascii(',"notreg":true');
const K_UID = ascii(',"uid":');
const K_GID = ascii(',"gid":');
const K_MODE = ascii(',"mode":');
const K_MTIME = ascii(',"mtime":');
const P_OPEN_DIR = ascii(',\n[');
/** the next entry's start: `,\n` and its info object's first key */
const K_NEXT_NAME = ascii(',\n{"name":');
const P_CLOSE = ascii(']');
/** the most an info object takes besides its name: every key, and 2^64's 20 digits (or any number's String) for each value */
const INFO_MAX = 512 + K_NEXT_NAME.length;

/** the digits of 00..99, two bytes each */
const PAIRS = Uint8Array.from({ length: 200 }, (_, i) => 0x30 + (i & 1 ? (i >> 1) % 10 : Math.floor((i >> 1) / 10)));

/** Copy `b` to out[o..]; returns the end. */
function put(out: Uint8Array, o: number, b: Uint8Array): number {
  for (let k = 0; k < b.length; k++) out[o++] = b[k];
  return o;
}

/**
 * Write `v` as `${v}` would (the digits of an integer, a bigint's too) to out[o..]; returns the end.
 * Non-negative safe integers (every field, nearly always) are written without making a string.
 */
function putNum(out: Uint8Array, o: number, v: number | bigint): number {
  if (typeof v !== 'number' || !(v >= 0 && v <= Number.MAX_SAFE_INTEGER) || v !== Math.floor(v)) {
    const s = String(v); // numbers' text is ASCII
    for (let k = 0; k < s.length; k++) out[o++] = s.charCodeAt(k);
    return o;
  }
  let digits = 1;
  for (let p = 10; p <= v; p *= 10) digits++;
  const end = o + digits;
  let x = v;
  let k = end;
  for (; x > 0x7fffffff; k -= 2) {
    const q = Math.floor(x / 100);
    const r = (x - q * 100) << 1;
    out[k - 1] = PAIRS[r + 1];
    out[k - 2] = PAIRS[r];
    x = q;
  }
  for (; x >= 100; k -= 2) {
    const q = (x / 100) | 0;
    const r = (x - q * 100) << 1;
    out[k - 1] = PAIRS[r + 1];
    out[k - 2] = PAIRS[r];
    x = q;
  }
  if (x >= 10) {
    out[k - 1] = PAIRS[(x << 1) + 1];
    out[k - 2] = PAIRS[x << 1];
  } else out[k - 1] = 0x30 + x;
  return end;
}

/**
 * b[from, from + len) as a JSON string (raw bytes, only what must be escaped: ncdu's convention) at
 * out[o..] (room: 6 bytes a byte + 2); returns the end.
 */
function rawString(out: Uint8Array, o: number, b: Uint8Array, from: number, len: number): number {
  out[o++] = 0x22;
  for (let k = from, end = from + len; k < end; k++) {
    const c = b[k];
    if (NEEDS_ESCAPE[c] === 0) out[o++] = c;
    else if (c === 0x22 || c === 0x5c) {
      out[o++] = 0x5c;
      out[o++] = c;
    } else if (c === 0x0a) {
      out[o++] = 0x5c;
      out[o++] = 0x6e;
    } else if (c === 0x09) {
      out[o++] = 0x5c;
      out[o++] = 0x74;
    } else {
      // \u00XX
      out[o++] = 0x5c;
      out[o++] = 0x75;
      out[o++] = 0x30;
      out[o++] = 0x30;
      out[o++] = HEX.charCodeAt(c >> 4);
      out[o++] = HEX.charCodeAt(c & 15);
    }
  }
  out[o++] = 0x22;
  return o;
}

export interface ExportOptions {
  /** write uid, gid, mode, mtime (ncdu -e); default true */
  extended?: boolean;
  /** extra metadata (keys are prefixed with x_ unless they already are) */
  meta?: Record<string, unknown>;
  /** gzip the output; default: when the file name (a link's target for a link) ends in .gz */
  gzip?: boolean;
  /** gzip level in zlib's terms, 1-9 (default GZIP_LEVEL; gzip.ts maps it to libdeflate's when that gzips) */
  gzipLevel?: number;
  /**
   * gzip (and write) on another thread once the export passes one piece (1 MiB of text), while
   * this one goes on building the text; default true. The file is the same either way, byte for
   * byte. (Never for a `target`: its data is handed over on this thread.)
   */
  gzipThread?: boolean;
  /**
   * Move the finished temp file into place and return its final name (default: rename it to the
   * destination, replacing what was there). Throw to fail the export (the temp file is removed).
   */
  claim?: (tmp: string) => string;
  /**
   * Write to this instead of opening `dest` (the remote agent's channel): `dest` then only names
   * it in messages. Data is handed over at each flush (every FLUSH_AT bytes, and flushNow()).
   */
  target?: ExportTarget;
  /** also write the inode of every directory (the remote side deletes and rescans by (dev, inode)) */
  dirInodes?: boolean;
  /**
   * The head (`[1,2,{meta}`) is written last, by finishHead(meta), which adds to `meta` what is
   * only known once the entries are written (a snapshot's kinds): the entries go to the output
   * after HEAD_ROOM bytes left for the head (gzip'd as they come, on the thread past one piece);
   * the head is then written there as a gzip member of its own, followed by an empty gzip member
   * whose extra field fills the rest of the room (headRoomFill). The text is the same as without,
   * and the file needs no more room than that. Only for a gzip'd regular file (an atomic output).
   */
  deferHead?: boolean;
  /**
   * finish() of an incomplete source (a scan interrupted here) to a temporary file discards the
   * export instead of renaming it into place (see finish). Off for a conversion (`scan -f X -o Y`):
   * what the input says of itself is passed on.
   */
  discardIncomplete?: boolean;
  /**
   * writeTree calls this instead of waiting while the gzip thread has all the pieces it takes (the
   * text is written faster than it is compressed): a slice of other work (a millisecond or so),
   * false once there is none left (then it waits).
   */
  whileFull?: () => boolean;
}

/** Where an export goes when it is not a named output (see ExportOptions.target). */
export interface ExportTarget {
  /** take these bytes (throws the errno error of a failed write) */
  write(data: Uint8Array): void;
  /** the export is complete: return its name */
  commit(): string;
  /** the export was given up */
  abort(): void;
}

/** every entry's name in one buffer: entry i's is bytes[off[i], off[i] + len[i]) (Tree.allNames) */
export interface NameTable {
  bytes: Uint8Array;
  off: Uint32Array;
  len: Uint32Array;
}

/** bytes left at the start of a deferHead export for its head (a snapshot's is a few hundred) */
export const HEAD_ROOM = 65536;
/** the smallest gzip member that fills room: an empty one with a 4-byte extra field (headRoomFill) */
const FILL_MIN = 26;
/** the largest: a 65,535-byte extra field */
const FILL_MAX = 22 + 65535;

/**
 * Gzip members that decompress to nothing and take exactly `n` bytes (n = 0, or n >= FILL_MIN):
 * each a header with FEXTRA set and one extra subfield ('D','B', then zeros; RFC 1952 2.3.1.1), an
 * empty final deflate block, and a trailer of CRC 0 and size 0. gzip, zcat and zlib read past them.
 */
export function headRoomFill(n: number): Buffer {
  const parts: Buffer[] = [];
  while (n > 0) {
    // (never leave less than FILL_MIN for the next member)
    let m = Math.min(n, FILL_MAX);
    if (n - m > 0 && n - m < FILL_MIN) m = n - FILL_MIN;
    const xlen = m - 22;
    const b = Buffer.alloc(m);
    b.set([0x1f, 0x8b, 8, 4, 0, 0, 0, 0, 0, 0xff], 0); // magic, deflate, FEXTRA, no mtime, unknown OS
    b.writeUInt16LE(xlen, 10);
    b.set([0x44, 0x42], 12); // subfield id
    b.writeUInt16LE(xlen - 4, 14);
    b.set([0x03, 0x00], 12 + xlen); // an empty final block with fixed codes
    // CRC32 and ISIZE: 0 (the buffer's zeros)
    parts.push(b);
    n -= m;
  }
  return Buffer.concat(parts);
}

export class NcduWriter implements Sink {
  private buf = Buffer.allocUnsafe(FLUSH_AT + 65536);
  private len = 0;
  private readonly out: Output | ExportTarget;
  private readonly dirInodes: boolean;
  private readonly dest: string;
  /** where the export ended up (set by finish) */
  finalPath: string | null = null;
  /** finish() discarded an incomplete export instead of renaming it into place (see finish) */
  discarded = false;
  private readonly discardIncomplete: boolean;

  /** the export goes to a temporary file renamed into place at the end (else it is written in place, or to a target) */
  get atomic(): boolean {
    return this.out instanceof Output && this.out.kind === 'atomic';
  }
  private readonly gzip: boolean;
  private readonly gzipLevel: number;
  private readonly extended: boolean;
  private devStack: number[] = [];
  private depth = 0;
  private closed = false;
  private written = 0;
  /** the descriptor a gzip thread may write to (a named output, gzip'd, with the thread allowed), else null */
  private readonly threadFd: number | null;
  private thread: GzipThread | null = null;
  /** deferHead: the head's metadata (written by finishHead); the entries follow HEAD_ROOM bytes kept for the head */
  private headMeta: Record<string, unknown> | null = null;
  /** the entries are written (finish): the head is all that is left (deferHead) */
  private ended = false;
  private readonly whileFull: (() => boolean) | undefined;
  /**
   * the text of the last uid, gid, mode and mtime written (`,"uid":…,"gid":…,"mode":…,"mtime":…`,
   * as info() writes them): its first ownerLen bytes are the uid, gid and mode, tailLen all of it
   */
  private lastUid = NaN;
  private lastGid = NaN;
  private lastMode = NaN;
  private lastMtime = NaN;
  private readonly ownerText = Buffer.alloc(INFO_MAX);
  private ownerLen = 0;
  private tailLen = 0;

  /**
   * @param dest a file name (a device, FIFO or link too: see util/write.ts openOutput), or '-'
   * (/dev/stdout) for standard output. Throws ExportError of one line when it cannot be opened.
   */
  constructor(dest: string, opts: ExportOptions = {}) {
    this.dest = escapeName(dest);
    this.extended = opts.extended ?? true;
    this.gzipLevel = opts.gzipLevel ?? GZIP_LEVEL;
    this.dirInodes = opts.dirInodes ?? false;
    this.whileFull = opts.whileFull;
    if (opts.target) this.out = opts.target;
    else {
      try {
        // resolved now: the scanner may change the working directory while we write
        this.out = openOutput(dest, { mode: 0o644, claim: opts.claim });
      } catch (e) {
        throw new ExportError((e as Error).message);
      }
    }
    // a link is named by the file it writes (latest -> x.json.gz is gzip'd)
    const out = this.out;
    this.discardIncomplete = opts.discardIncomplete ?? false;
    this.gzip = opts.gzip ?? /\.gz$/i.test(this.atomic ? (out as Output).target : dest);
    const meta: Record<string, unknown> = {
      progname: 'diskblame',
      progver: VERSION,
      timestamp: Math.floor(Date.now() / 1000),
    };
    addMeta(meta, opts.meta ?? {});
    if (opts.deferHead) {
      if (!this.atomic || !this.gzip) {
        out.abort();
        throw new ExportError(`cannot write ${this.dest}: a head written last needs a gzip'd file`);
      }
      this.headMeta = meta;
      // the room for the head, written now (the disk space is taken before the entries need it)
      try {
        out.write(Buffer.alloc(HEAD_ROOM));
      } catch (e) {
        out.abort();
        throw new ExportError(`cannot write ${this.dest}: ${writeErrorText(e)}`);
      }
      this.written += HEAD_ROOM;
    }
    const fd = out instanceof Output ? out.fd : null;
    this.threadFd = this.gzip && fd !== null && (opts.gzipThread ?? true) ? fd : null;
    if (this.headMeta === null) this.str(`[1,2,${stringifyExact(meta)}`);
  }

  // ------------------------------------------------------------------ low-level output

  private str(s: string): void {
    if (this.len + s.length * 3 > this.buf.length) this.flush(false);
    if (s.length * 3 > this.buf.length) this.buf = Buffer.allocUnsafe(s.length * 3 + 65536);
    this.len += this.buf.write(s, this.len, 'utf8');
  }

  private flush(final: boolean): void {
    if (this.len === 0 && !final) return;
    // an export past one piece gzips on another thread (a small one is not worth a thread's start)
    if (this.thread === null && this.threadFd !== null && !final && this.len >= FLUSH_AT) this.thread = new GzipThread(this.threadFd, this.gzipLevel);
    if (this.thread !== null) {
      try {
        this.thread.write(this.buf, this.len);
      } catch (e) {
        this.failed(e);
      }
      this.len = 0;
      return;
    }
    let data: Uint8Array = this.buf.subarray(0, this.len);
    if (this.gzip && this.len > 0) data = gzipPiece(data, this.gzipLevel);
    try {
      this.out.write(data);
    } catch (e) {
      this.failed(e);
    }
    this.written += data.length;
    this.len = 0;
  }

  /**
   * flush(false), except when the gzip thread has all the pieces it takes (the native text is
   * written faster than it is compressed) and nothing more than that: then this piece is gzip'd
   * here, the same bytes, and handed over to be written in its turn, instead of waiting idle.
   */
  private flushHere(): void {
    const th = this.thread;
    if (th === null || !th.full || th.waiting > MAX_QUEUED || this.len === 0) return this.flush(false);
    try {
      th.writeGzipped(gzipPiece(this.buf.subarray(0, this.len), this.gzipLevel));
    } catch (e) {
      this.failed(e);
    }
    this.len = 0;
  }

  /** A write failed: give up (see abort) and throw its one line. */
  private failed(e: unknown): never {
    this.abort();
    if ((e as NodeJS.ErrnoException).code === 'EPIPE') {
      // `-o - | head`: the reader had enough (the program ends quietly); a FIFO's reader gone: one line
      if (this.out instanceof Output && this.out.kind === 'stdout') throw new StdoutClosed();
      throw new ExportError('output closed (broken pipe)');
    }
    throw new ExportError(`cannot write ${this.dest}: ${writeErrorText(e)}`);
  }

  /**
   * Start the gzip thread now rather than at the first piece, for an export known to pass one
   * piece (a snapshot of a big tree): its start-up then overlaps what the caller does before the
   * text. Nothing where the output takes no thread (see ExportOptions.gzipThread). The bytes are
   * the same either way.
   */
  startThread(): void {
    if (this.thread === null && this.threadFd !== null && !this.closed) this.thread = new GzipThread(this.threadFd, this.gzipLevel);
  }

  /** Hand what is buffered over now (a gzip member of its own when gzip'd): for a live stream. */
  flushNow(): void {
    if (!this.closed) this.flush(false);
  }

  // ------------------------------------------------------------------ the sink

  /**
   * An entry's info object, written straight into the buffer as bytes (no string per entry): the
   * same text as `{"name":…` + JSON of the fields would be.
   */
  private info(e: Entry, isDir: boolean, start = K_NAME, name = e.name, nameAt = 0, nameLen = name.length): void {
    // room for all of it: the name escaped (6 bytes a byte at most) and every field's key and digits
    const need = nameLen * 6 + INFO_MAX;
    if (this.len + need > this.buf.length) this.flush(false);
    if (need > this.buf.length) this.buf = Buffer.allocUnsafe(need + 65536);
    const out = this.buf;
    let o = put(out, this.len, start);
    o = rawString(out, o, name, nameAt, nameLen);
    const counted = e.excluded === Excluded.None;
    // exact digits: a bigint from 2^53 up (ncdu reads u64)
    if (counted && e.asize > 0) o = putNum(out, put(out, o, K_ASIZE), typeof e.asize === 'number' ? Math.floor(e.asize) : e.asize);
    if (counted && e.dsize > 0) o = putNum(out, put(out, o, K_DSIZE), typeof e.dsize === 'number' ? Math.floor(e.dsize) : e.dsize);
    const parentDev = this.devStack.length ? this.devStack[this.devStack.length - 1] : -1;
    if (isDir && e.dev !== parentDev) o = putNum(out, put(out, o, K_DEV), e.dev);
    if (isDir && this.dirInodes && e.ino) o = putNum(out, put(out, o, K_INO), e.ino);
    if (!isDir && e.nlink > 1 && counted) o = putNum(out, put(out, putNum(out, put(out, o, K_INO), e.ino), K_HLNKC_NLINK), e.nlink);
    if (e.readError) o = put(out, o, K_READ_ERROR);
    if (e.excluded !== Excluded.None) o = put(out, o, K_EXCLUDED[e.excluded]);
    if (e.type === EntryType.Symlink || e.type === EntryType.Other) o = put(out, o, K_NOTREG);
    if (this.extended) {
      // uid, gid, mode and mtime: the text of the last ones again when they are the same (most
      // neighbours: their owner and mode nearly always, a package's files often their mtime too)
      const { uid, gid, mode, mtime } = e;
      const t = this.ownerText;
      if (uid !== this.lastUid || gid !== this.lastGid || mode !== this.lastMode) {
        this.lastUid = uid;
        this.lastGid = gid;
        this.lastMode = mode;
        let n = 0;
        // ncdu 1.x cannot read ids above 2^31-1
        if (uid >= 0 && uid < 0x80000000) n = putNum(t, put(t, n, K_UID), uid);
        if (gid >= 0 && gid < 0x80000000) n = putNum(t, put(t, n, K_GID), gid);
        if (mode >= 0) n = putNum(t, put(t, n, K_MODE), mode);
        this.ownerLen = n;
        this.lastMtime = NaN;
      }
      if (mtime !== this.lastMtime) {
        this.lastMtime = mtime;
        this.tailLen = mtime >= 0 ? putNum(t, put(t, this.ownerLen, K_MTIME), mtime) : this.ownerLen;
      }
      for (let k = 0, n = this.tailLen; k < n; k++) out[o++] = t[k];
    }
    out[o++] = 0x7d; // }
    this.len = o;
  }

  /** Make room for `n` more bytes of punctuation. */
  private punct(b: Uint8Array): void {
    if (this.len + b.length > this.buf.length) this.flush(false);
    this.len = put(this.buf, this.len, b);
  }

  enterDir(dir: Entry): void {
    this.enter(dir, dir.name, 0, dir.name.length);
  }

  addEntry(e: Entry): void {
    this.entry(e, e.name, 0, e.name.length);
  }

  /** enterDir with the name given as name[at, at + len) */
  private enter(dir: Entry, name: Uint8Array, at: number, len: number): void {
    this.punct(P_OPEN_DIR);
    this.info(dir, true, K_NAME, name, at, len);
    this.devStack.push(dir.dev);
    this.depth++;
  }

  /** addEntry with the name given as name[at, at + len) */
  private entry(e: Entry, name: Uint8Array, at: number, len: number): void {
    if (e.type === EntryType.Dir) {
      // a directory not descended into (excluded, unreadable): still an array, as ncdu writes it
      this.punct(P_OPEN_DIR);
      this.info(e, true, K_NAME, name, at, len);
      this.punct(P_CLOSE);
    } else {
      this.info(e, false, K_NEXT_NAME, name, at, len);
    }
    if (this.len >= FLUSH_AT) this.flush(false);
  }

  /**
   * Write a finished tree and finish the export: the same bytes as tree.ts replayTree(tree, writer)
   * makes, without a name view per entry: the names come
   * from `names` (the tree's allNames(), which the kinds pass reads too). Synchronous. `counter`
   * counts the entries written and calls tick() every 16,384 (a progress display). Throws an
   * ExportError of one line when the output fails (the export is then given up). `native`: the
   * text of the entries may be written by the addon's writeText (ncduparse.c) where it loads
   * (false: by this writer alone; the bytes are the same either way).
   */
  writeTree(tree: Tree, names: NameTable, counter?: { entries: number; tick(): void }, native: boolean = true): void {
    const addon = native && tree.count > 0 && tree.isDir(0) ? ncduParseAddon() : null;
    if (addon !== null && typeof addon.writeText === 'function') this.writeTreeNative(addon, tree, names, counter);
    else if (tree.count > 0) {
      const { bytes, off, len } = names;
      const e = emptyEntry();
      // each open directory's children and the next one's place (as replayTree)
      const stackKids: Uint32Array[] = [tree.children(0)];
      const stackPos: number[] = [0];
      this.enter(tree.entryOf(0, e, false), bytes, off[0], len[0]);
      let n = 1;
      while (stackKids.length) {
        const top = stackKids.length - 1;
        const kids = stackKids[top];
        const pos = stackPos[top];
        if (pos >= kids.length) {
          this.leaveDir();
          stackKids.pop();
          stackPos.pop();
          continue;
        }
        stackPos[top] = pos + 1;
        const k = kids[pos];
        tree.entryOf(k, e, false);
        if (e.type === EntryType.Dir && e.excluded === Excluded.None) {
          this.enter(e, bytes, off[k], len[k]);
          stackKids.push(tree.children(k));
          stackPos.push(0);
        } else this.entry(e, bytes, off[k], len[k]);
        if (counter !== undefined && (++n & 16383) === 0) {
          counter.entries = n;
          counter.tick();
        }
      }
      if (counter !== undefined) counter.entries = n;
    }
    this.finish(tree.info ?? { timestamp: 0, producer: 'diskblame', incomplete: false });
  }

  /**
   * writeTree's walk with the entries' text written by the addon (ncduparse.c writeText), straight
   * from the tree's arrays into this.buf: it stops to have the buffer flushed where this writer
   * would flush it, and leaves to this writer (slowStep) every step it does not write itself (a
   * spilled or bigint size, a number that is not a plain integer, a step a flush would split).
   * The root (a directory) is entered here; the walk's stack (its directories, their next child's
   * place and their devices) is shared with the addon.
   */
  private writeTreeNative(addon: NcduParseAddon, tree: Tree, names: NameTable, counter?: { entries: number; tick(): void }): void {
    const { bytes, off, len } = names;
    const e = emptyEntry();
    tree.children(0); // (the child index, built once)
    const root = tree.entryOf(0, e, false);
    this.enter(root, bytes, off[0], len[0]);
    // the entered directories: at most every directory
    const cap = tree.dirCount + 1;
    const stDir = new Uint32Array(cap);
    const stPos = new Uint32Array(cap);
    const stDev = new Float64Array(cap);
    stDev[0] = root.dev;
    const x = tree.textTables();
    const t: ArrayBufferView[] = [
      tree.flags, tree.asize32, tree.dsize32, tree.attr, tree.mtime, x.uid, x.gid, x.mode, x.dk, x.mtimes, tree.dirDevIx, x.devs,
      tree.dirIno, tree.dirOwnA, tree.kidFirst, tree.kidN, tree.kidScattered, tree.kids, tree.linkEntry, tree.linkIno, tree.linkNlink,
      bytes, off, len, stDir, stPos, stDev,
    ];
    const io = new Float64Array(IO_COUNT);
    io[IO_TOP] = 0;
    io[IO_N] = 1;
    io[IO_FLUSH_AT] = FLUSH_AT;
    io[IO_EXTENDED] = this.extended ? 1 : 0;
    io[IO_DIRINO] = this.dirInodes ? 1 : 0;
    io[IO_TICK] = counter !== undefined ? 1 : 0;
    io[IO_MTRAW] = tree.mtimeRaw ? 1 : 0;
    io[IO_LINKS] = tree.linkCount;
    while (io[IO_TOP] >= 0) {
      io[IO_LEN] = this.len;
      const stop = addon.writeText(t, this.buf, io);
      this.len = io[IO_LEN];
      if (stop & W_TICK && counter !== undefined) {
        counter.entries = io[IO_N];
        counter.tick();
      }
      if (stop & W_FLUSH) {
        const other = this.whileFull;
        if (other !== undefined) while (this.thread !== null && this.thread.full) if (!other()) break;
        this.flushHere();
      }
      if (stop & W_SLOW) this.slowStep(tree, names, e, io, stDir, stPos, stDev, counter);
    }
    if (counter !== undefined) counter.entries = io[IO_N];
    // (the root's `]` is written: as leaveDir)
    this.devStack.pop();
    this.depth--;
  }

  /** The next step of writeTreeNative's walk, written here as writeTree would write it. */
  private slowStep(
    tree: Tree,
    names: NameTable,
    e: Entry,
    io: Float64Array,
    stDir: Uint32Array,
    stPos: Uint32Array,
    stDev: Float64Array,
    counter?: { entries: number; tick(): void },
  ): void {
    const top = io[IO_TOP];
    const kids = tree.children(stDir[top]);
    const pos = stPos[top];
    // info() reads the enclosing directory's device from the top of devStack
    const saved = this.devStack;
    this.devStack = [stDev[top]];
    try {
      if (pos >= kids.length) {
        this.punct(P_CLOSE);
        io[IO_TOP] = top - 1;
        if (this.len >= FLUSH_AT) this.flush(false);
        return;
      }
      stPos[top] = pos + 1;
      const k = kids[pos];
      tree.entryOf(k, e, false);
      if (e.type === EntryType.Dir && e.excluded === Excluded.None) {
        this.punct(P_OPEN_DIR);
        this.info(e, true, K_NAME, names.bytes, names.off[k], names.len[k]);
        stDir[top + 1] = k;
        stPos[top + 1] = 0;
        stDev[top + 1] = e.dev;
        io[IO_TOP] = top + 1;
      } else this.entry(e, names.bytes, names.off[k], names.len[k]);
      if ((++io[IO_N] & 16383) === 0 && counter !== undefined) {
        counter.entries = io[IO_N];
        counter.tick();
      }
    } finally {
      this.devStack = saved;
    }
  }

  leaveDir(): void {
    this.punct(P_CLOSE);
    this.devStack.pop();
    this.depth--;
    if (this.len >= FLUSH_AT) this.flush(false);
  }

  /**
   * End the export. With discardIncomplete, an incomplete one (`info.incomplete`: the scan was interrupted) that goes to a
   * temporary file is discarded instead (abort: nothing renamed into place, a previous export
   * under the name untouched, `discarded` set): ncdu's format cannot say it is incomplete, and
   * read back it would look whole. One written in place (standard output, a FIFO, a device, an
   * fd) or to a target ends as it is: its bytes are already out. With deferHead, the head is
   * left to finishHead.
   */
  finish(info: SourceInfo): void {
    if (this.closed || this.ended) return;
    if (info.incomplete && this.discardIncomplete && this.atomic) {
      this.abort();
      this.discarded = true;
      return;
    }
    while (this.depth > 0) this.leaveDir();
    this.flush(false); // the closing bracket alone in the last gzip member
    this.str(']\n');
    this.flush(true);
    this.ended = true;
    if (this.headMeta === null) this.complete();
  }

  /**
   * deferHead: write the head, with `meta` added to the metadata (keys prefixed as ExportOptions.meta),
   * then the entries after it, and finish the export (after finish(), or writeTree). Throws an
   * ExportError of one line when the output fails (the export is then given up).
   */
  finishHead(meta: Record<string, unknown>): void {
    const head = this.headMeta;
    if (head === null || !this.ended || this.closed) throw new Error('finishHead: not a finished export with its head left to write');
    addMeta(head, meta);
    this.drainThread();
    const fd = (this.out as Output).fd;
    try {
      const data = Buffer.from(gzipPiece(Buffer.from(`[1,2,${stringifyExact(head)}`, 'utf8'), this.gzipLevel));
      const gap = HEAD_ROOM - data.length;
      if (gap === 0 || gap >= FILL_MIN) {
        writeAllSync(fd, Buffer.concat([data, headRoomFill(gap)]), 0);
      } else {
        // a head that does not fit its room (a rules file of thousands of kinds): the entries
        // move up to make room, from the end (the file grows by the difference only)
        const shift = data.length + FILL_MIN - HEAD_ROOM;
        const end = this.written; // (the thread drained: all of it)
        const chunk = Buffer.allocUnsafe(FLUSH_AT);
        for (let to = end; to > HEAD_ROOM; ) {
          const from = Math.max(HEAD_ROOM, to - chunk.length);
          const n = fs.readSync(fd, chunk, 0, to - from, from);
          if (n !== to - from) throw new Error(`short read of ${this.dest}`);
          writeAllSync(fd, chunk.subarray(0, n), from + shift);
          to = from;
        }
        writeAllSync(fd, Buffer.concat([data, headRoomFill(FILL_MIN)]), 0);
        this.written += shift;
      }
    } catch (e) {
      this.failed(e);
    }
    this.complete();
  }

  /** Wait for the gzip thread to write all it has, and let it go. */
  private drainThread(): void {
    if (this.thread !== null) {
      try {
        this.thread.drain();
      } catch (e) {
        this.failed(e);
      }
      this.written += this.thread.written;
      this.thread.close();
      this.thread = null;
    }
  }

  /** Drain the thread and commit the output. */
  private complete(): void {
    this.drainThread();
    try {
      this.finalPath = this.out.commit();
    } catch (e) {
      this.closed = true;
      throw new ExportError((e as Error).message);
    }
    this.closed = true;
  }

  /** Give up: remove the temporary file, leave any previous export under the real name untouched. */
  abort(): void {
    this.closed = true;
    // the thread stops writing before the descriptor is closed (its number could be reused)
    this.thread?.cancel();
    this.thread = null;
    this.out.abort();
  }

  /** bytes written to the output so far (all of them once finish() returned) */
  get bytesWritten(): number {
    return this.written + (this.thread?.written ?? 0);
  }
}
