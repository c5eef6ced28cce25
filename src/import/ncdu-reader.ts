/**
 * Streaming importer for ncdu JSON exports (ncdu 1.x, ncdu 2.x, gdu, diskblame).
 *
 * Layout: `[1, minor, {metadata}, [rootinfo, child...]]`, where a directory is an array whose first
 * element is its info object and every other entry is an info object. See
 * /work/shared/notes/ncdu-format.md for the format as real readers accept it.
 *
 * The parser works on bytes, chunk by chunk, with an explicit stack (no recursion per directory
 * level, so arbitrarily deep trees are fine) and never decodes the file to a JS string: ncdu writes
 * names as raw bytes (only control bytes, `"`, `\` and 0x7f are escaped), so a name may not be
 * valid UTF-8. A string's value is its raw bytes with the JSON escapes decoded (`\uXXXX`, including
 * surrogate pairs, becomes UTF-8; a lone surrogate becomes U+FFFD).
 *
 * Tokens (strings, numbers, literals) are lexed in one go from the current buffer; a token cut by
 * a chunk boundary is carried over and lexed again once more data arrived. To keep that linear even
 * for a pathological multi-megabyte token, the carry is only re-lexed once at least as many new
 * bytes as it holds have arrived.
 *
 * Bounded memory (LIMITS): an input may be hostile, truncated, a gzip bomb or a stream that never
 * ends, so no single token may grow without bound. Each limit is checked by the lexer as the token
 * is read (exactly, whatever the chunking: a token over its limit fails the same way from a file,
 * a pipe or a gzip), and a token over its limit is an ImportError naming it and the byte offset
 * where it starts:
 *  - an entry's name: 4 KiB decoded (a file name is at most 255 bytes on Linux, the root's name is a
 *    path, at most PATH_MAX = 4096);
 *  - an object key: 4 KiB decoded;
 *  - any other string (metadata values, values of unknown keys): 1 MiB decoded;
 *  - a string that is skipped rather than decoded: 6 times its limit in raw bytes (the longest
 *    encoding of an acceptable value: every byte as a \u00XX escape);
 *  - a number: 1 KiB of characters (2^64 has 20 digits);
 *  - a run of whitespace between two tokens: 1 MiB (so endless whitespace ends too);
 *  - nesting of arrays and objects in the metadata: 256 levels (no recursion here, but consumers
 *    of the metadata recurse); in a skipped value (of an unknown key, an extra top-level element):
 *    65536 levels (8 bytes each);
 *  - the metadata object as a whole: 4 MiB of input (as the snapshot head reader, store/snapshots).
 * The carried-over token then holds at most about twice its limit (plus one chunk). The directory
 * tree itself is data, not a token: an export of many entries, or of very deep directories, takes
 * memory in proportion (in the sink), as any export of that size would; it is not capped here.
 */
import { open, stat, type FileHandle } from 'node:fs/promises';
import { notRegularText, readableInput } from '../util/input.js';
import { readErrorText } from '../util/read-error.js';
import { gunzipStream, isGzip as hasGzipMagic } from '../util/gunzip.js';
import { EntryType, Excluded, emptyEntry, type Entry, type Sink, type SourceInfo } from '../model/entry.js';
import { type Bytes, normBytes } from '../util/exact.js';
import { ncduParseAddon, type NcduParseAddon } from './native-parse.js';
import { recordTarget } from './records.js';

/**
 * The limits on one token of the input, in bytes (see the module header). Exceeding one is an
 * ImportError ("... longer than N bytes at byte OFFSET").
 */
export const LIMITS = {
  /** an entry's name, decoded */
  name: 4096,
  /** an object key, decoded */
  key: 4096,
  /** any other string, decoded */
  string: 1 << 20,
  /** a number, in characters */
  number: 1024,
  /** a run of whitespace between tokens */
  whitespace: 1 << 20,
  /** nesting depth of arrays and objects in the metadata (which is kept, and its consumers recurse) */
  nesting: 256,
  /** nesting depth of arrays and objects in a value that is skipped (unknown keys, extra elements) */
  skippedNesting: 1 << 16,
  /** the metadata object, in input bytes */
  metadata: 4 << 20,
} as const;

/** the fast path's output per call: record bytes, numbers (records.ts) */
const FAST_OUT8 = 256 << 10;
const FAST_OUT64 = 32 << 10;
/** directory levels the fast path may open beyond the current depth in one call */
const FAST_DEPTH = 256;

/** the addon's thread is started at most this many times per input */
const THREAD_RUNS = 32;
/** how long the main thread takes the addon thread's records before it lets the event loop run (ms) */
const THREAD_YIELD_MS = 50;

/** bytes read from a file at a time */
const FILE_CHUNK = 1 << 20;

/** a skipped (not decoded) string may take this many raw bytes per decoded byte of its limit */
const RAW_PER_BYTE = 6;

export class ImportError extends Error {
  constructor(
    message: string,
    /** byte offset of the problem (in the decompressed stream for gzip input) */
    public readonly offset: number,
  ) {
    super(message);
    this.name = 'ImportError';
  }
}

/**
 * Reads an export from a file path ('-' = stdin) or a Readable; transparently gunzips (detects the
 * 1f 8b magic, also multi-member gzip). Feeds sink events, then calls sink.finish(info).
 *
 * Errors in the input (unreadable file, invalid gzip, truncated or corrupt export, not an export)
 * are thrown as ImportError with a one-line message that includes the byte offset. Errors thrown by
 * the sink propagate unchanged.
 *
 * The entries of a directory are parsed by the native fast path (src/native/ncduparse.c) when its
 * addon loads, else (or where it stops: anything unusual, every error) here; the sink gets the
 * same events either way.
 *
 * @param opts.label how to name the input in error messages about opening/reading it (default: the
 *   path, 'stdin' or 'input')
 * @param opts.native false: the JavaScript parser only (default: the fast path when it loads)
 * @param opts.thread false: not on a thread of the addon's (default, unless DISKBLAME_IMPORT_THREADS=1:
 *   a regular file, not gzip'd, read into a tree (an UnorderedSink) has its entries parsed on one,
 *   while this thread builds the tree)
 * @param opts.stats where to count the bytes of records the fast path wrote, on the thread and in all (for tests: they ran)
 */
export async function importExport(
  source: string | NodeJS.ReadableStream,
  sink: Sink,
  opts: { label?: string; native?: boolean; thread?: boolean; stats?: { fastBytes: number; threadBytes: number } } = {},
): Promise<SourceInfo> {
  const label = opts.label ?? (typeof source === 'string' ? (source === '-' ? 'stdin' : source) : 'input');
  let stream: NodeJS.ReadableStream | undefined;
  let fh: FileHandle | undefined;
  /** a regular file is read at explicit offsets (the addon's thread may have read a stretch of it) */
  let filePos: number | null = null;
  if (typeof source === 'string' && source !== '-') {
    // a directory or a device (/dev/null, /dev/zero, a disk) is refused by its type, unopened
    const st = await stat(source).catch(() => null);
    if (st && !readableInput(st)) throw new ImportError(`cannot read ${label}: ${notRegularText(st)}`, 0);
    try {
      fh = await open(source, 'r');
      if ((await fh.stat()).isFile()) filePos = 0;
    } catch (err) {
      await fh?.close().catch(() => undefined);
      throw new ImportError(`cannot open ${label}: ${readErrorText(err)}`, 0);
    }
  } else {
    stream = typeof source === 'string' ? process.stdin : source;
  }

  const raw = stream?.[Symbol.asyncIterator]() as AsyncIterator<Buffer | string> | undefined;
  let rawBytes = 0;
  let parser: Parser | undefined;
  /**
   * A file we opened is read into one buffer, reused (no stream, no buffer per chunk) while
   * nothing holds on to what it read: the parser keeps a chunk only while a token is cut (then
   * the next read gets a new buffer), and the gzip reader keeps its input (then every read does).
   */
  let fileBuf: Buffer | null = null;
  /** (not while the first bytes are sniffed: they are kept) */
  let reuse = false;
  const readFile = async (): Promise<Uint8Array | null> => {
    if (fileBuf === null || !reuse || parser?.holdsInput()) fileBuf = Buffer.allocUnsafe(FILE_CHUNK);
    const { bytesRead } = await fh!.read(fileBuf, 0, FILE_CHUNK, filePos);
    if (filePos !== null) filePos += bytesRead;
    return bytesRead === 0 ? null : fileBuf.subarray(0, bytesRead);
  };
  /** next raw chunk; read errors become ImportError */
  const nextRaw = async (): Promise<Uint8Array | null> => {
    for (;;) {
      let chunk: Uint8Array | null;
      try {
        if (raw === undefined) chunk = await readFile();
        else {
          const r = await raw.next();
          chunk = r.done ? null : typeof r.value === 'string' ? Buffer.from(r.value) : r.value;
        }
      } catch (err) {
        throw new ImportError(`cannot read ${label}: ${readErrorText(err)} (after ${rawBytes} bytes)`, rawBytes);
      }
      if (chunk === null) return null;
      if (chunk.length === 0) continue;
      rawBytes += chunk.length;
      return chunk;
    }
  };

  let inflated: AsyncGenerator<Buffer> | undefined;
  try {
    // Sniff the first bytes for the gzip magic (the first chunk of a stream may be tiny).
    const head: Uint8Array[] = [];
    let headLen = 0;
    let ended = false;
    while (headLen < 2) {
      const c = await nextRaw();
      if (c === null) {
        ended = true;
        break;
      }
      head.push(c);
      headLen += c.length;
    }
    const first = head.length === 0 ? new Uint8Array(0) : head.length === 1 ? head[0] : Buffer.concat(head);
    const isGzip = hasGzipMagic(first);
    reuse = !isGzip;
    parser = new Parser(sink, isGzip, opts.native === false ? null : ncduParseAddon());
    if (opts.stats) parser.stats = opts.stats;
    // the entries on the addon's thread: from where the parser first stands between two entries
    const threaded = !isGzip && filePos !== null && (opts.thread ?? process.env.DISKBLAME_IMPORT_THREADS !== '1') && parser.canThread();
    if (threaded) parser.wantThread = true;
    /** the parser stopped for the thread: it runs, then the parser goes on where it stopped */
    const onThread = async (): Promise<void> => {
      if (parser!.threadAt < 0) return;
      filePos = rawBytes = await parser!.runThread(fh!.fd);
    };

    if (!isGzip) {
      if (first.length > 0) parser.feed(first);
      if (threaded) await onThread();
      if (!ended) {
        for (let c = await nextRaw(); c !== null; c = await nextRaw()) {
          parser.feed(c);
          if (threaded) await onThread();
        }
      }
    } else {
      async function* compressed(): AsyncGenerator<Uint8Array> {
        yield first;
        if (ended) return;
        for (let c = await nextRaw(); c !== null; c = await nextRaw()) yield c;
      }
      inflated = gunzipStream(compressed());
      for (;;) {
        let r: IteratorResult<Buffer>;
        try {
          r = await inflated.next();
        } catch (err) {
          if (err instanceof ImportError) throw err;
          throw gzipError(err, parser.total);
        }
        if (r.done) break;
        parser.feed(r.value);
      }
    }
    parser.end();
    const info = parser.sourceInfo();
    await sink.finish(info);
    return info;
  } finally {
    await inflated?.return(undefined);
    // Stop reading a stream we opened (which closes its file handle). A caller's stream is released
    // through its iterator (which destroys it: it cannot be read further anyway); stdin is left be.
    if (fh) {
      await fh.close().catch(() => undefined);
    } else if (stream !== process.stdin) {
      await raw?.return?.().catch(() => undefined);
    }
  }
}

function gzipError(err: unknown, total: number): ImportError {
  const e = err as { code?: string; message?: string };
  if (e && e.code === 'Z_BUF_ERROR') {
    return new ImportError(
      `unexpected end of gzip data after byte ${total} of the decompressed stream: the export is truncated`,
      total,
    );
  }
  const msg = e && typeof e.message === 'string' ? e.message : String(err);
  return new ImportError(`invalid gzip data after byte ${total} of the decompressed stream: ${msg}`, total);
}


// ---------------------------------------------------------------------------------------------
// The parser

/** What the parser expects next. */
const enum S {
  // info objects (hot)
  ObjFirst, // after '{': '"' or '}'
  ObjKey, // after ',': '"'
  ObjNext, // ',' or '}'
  // tree
  DirInfo, // after '[' of a directory: '{'
  DirAfterInfo, // after a directory's info object: ',' or ']'
  DirItem, // '[' or '{'
  DirNext, // ',' or ']'
  // generic JSON values (metadata, unknown keys, extra top-level elements)
  GValue,
  GArrFirst, // after '[': value or ']'
  GObjFirst, // after '{': '"' or '}'
  GObjKey, // after ',' in an object: '"'
  GColon,
  GNext, // ',' or the closing bracket of the innermost container
  // top level
  TopOpen,
  Major,
  AfterMajor,
  Minor,
  AfterMinor,
  Meta,
  AfterMeta,
  Root,
  TopNext, // after the root directory: ',' (extra element, skipped) or ']'
  Eof,
}

/** Known keys of an info object. Numeric keys are >= K.Asize. */
const enum K {
  Unknown,
  Name,
  Excluded,
  ReadError,
  Hlnkc,
  Notreg,
  Items, // gdu 5.37+: item count of a directory (number); ignored unless the producer is gdu
  Asize,
  Dsize,
  Dev,
  Ino,
  Nlink,
  Uid,
  Gid,
  Mode,
  Mtime,
}

const KEY_NAMES = [
  '?', 'name', 'excluded', 'read_error', 'hlnkc', 'notreg', 'items',
  'asize', 'dsize', 'dev', 'ino', 'nlink', 'uid', 'gid', 'mode', 'mtime',
];

const S_IFMT = 0o170000;
const S_IFDIR = 0o040000;
const S_IFREG = 0o100000;
const S_IFLNK = 0o120000;

/** (the input buffer is always a Buffer, which keeps the hot byte loads monomorphic) */
const EMPTY = Buffer.alloc(0);
/** "\xbfncduEX1": ncdu 2.6+ binary export */
const BINARY_SIG = [0xbf, 0x6e, 0x63, 0x64, 0x75, 0x45, 0x58, 0x31];

class Parser {
  /** bytes fed so far */
  total = 0;

  private buf: Buffer = EMPTY;
  /** absolute offset of buf[0] */
  private base = 0;
  /** incomplete token carried over to the next chunk */
  private carry: Buffer | null = null;
  private pend: Uint8Array[] = [];
  /** where a carried-over token and the chunks after it are joined */
  private joined: Buffer = EMPTY;
  private pendLen = 0;
  /** length of the whitespace the input so far ends with (it may go on in the next chunk) */
  private wsRun = 0;

  private state = S.TopOpen;

  // scratch for decoded strings
  private sbuf = new Uint8Array(256);
  private slen = 0;
  // number / literal results
  private num = 0;
  private numNeg = false;
  /** the number was an integer (no fraction, no exponent) */
  private numInt = true;
  /** an integer of 16 or more digits: its exact value (num is then rounded) */
  private numBig: bigint | null = null;
  private lit = 0; // 0 false, 1 true, 2 null

  // tree
  private depth = 0;
  /** devStack[d - 1]: the device of the open directory at depth d (the root at 1) */
  private devStack = new Float64Array(64);
  private readonly entry: Entry = emptyEntry();
  private nameBuf = new Uint8Array(256);
  private nameViews: Uint8Array[] = [];
  private key = K.Unknown;
  private objIsDir = false;
  private objStart = 0;
  private hasName = false;
  private hasMode = false;
  private hlnkc = false;
  private notreg = false;
  private hasItems = false;
  private items = 0;

  // generic values
  private gStack: number[] = []; // 0 array, 1 object
  private gReturn = S.Eof;
  private gBuild = false;
  private gVals: unknown[] = [];
  private gKeys: string[] = [];
  private gKey = '';
  /** offset of the metadata object's '{' */
  private metaStart = 0;

  // metadata
  private meta: Record<string, unknown> = {};
  private isGdu = false;
  private gduCumulative = false;
  private readonly td = new TextDecoder('utf-8');

  // the native fast path (null: none), its output and where its records go (records.ts)
  private readonly fast: NcduParseAddon | null;
  private readonly sink: Sink;
  private readonly records: ((b: Uint8Array, f: Float64Array) => void) | null = null;
  private readonly out8: Uint8Array = EMPTY;
  private readonly out64 = new Float64Array(0);
  private readonly io = new Float64Array(5);
  private readonly io6 = new Float64Array(6);
  /** the sink as given (records() then feeds it events: no thread) */
  private readonly plainSink: Sink;
  stats = { fastBytes: 0, threadBytes: 0 };
  /** stop at the first point between two entries, for the addon's thread (see runThread) */
  wantThread = false;
  /** where it stopped for the thread (the input's offset), -1: it did not */
  threadAt = -1;
  /** the thread starts again (after the JavaScript parser took what it stopped at) only from here on */
  private threadFrom = 0;
  private threadRuns = 0;

  constructor(
    sink: Sink,
    private readonly gz: boolean,
    fast: NcduParseAddon | null,
  ) {
    this.fast = fast;
    this.plainSink = sink;
    if (fast === null) this.sink = sink;
    else {
      // its events and the fast path's records go to the sink in one stream
      const t = recordTarget(sink);
      this.sink = t.sink;
      this.records = t.records;
      this.out8 = new Uint8Array(FAST_OUT8);
      this.out64 = new Float64Array(FAST_OUT64);
    }
  }

  feed(data: Uint8Array): void {
    const chunk = Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.length);
    this.total += chunk.length;
    if (this.carry !== null) {
      this.pend.push(chunk);
      this.pendLen += chunk.length;
      if (this.pendLen < this.carry.length) return;
      this.joinCarry();
    } else {
      this.base = this.total - chunk.length;
      this.buf = chunk;
    }
    this.run(0);
  }

  /** Can the entries go to the addon's thread? (a tree takes the records: nothing waits for progress) */
  canThread(): boolean {
    return this.fast !== null && typeof this.fast.start === 'function' && this.records !== null && this.sink !== this.plainSink;
  }

  /**
   * Runs the addon's thread on the file `fd` from threadAt (the parser's state there), adds what it
   * parsed, and sets the parser where it stopped (at anything it does not take, or at the end of
   * the file); resolves to that offset: the input goes on from there. Lets the event loop run
   * every THREAD_YIELD_MS (a Ctrl-C handler, the progress line) while the thread goes on parsing.
   */
  async runThread(fd: number): Promise<number> {
    const fast = this.fast!;
    const io = this.io6;
    const job = fast.start(fd, this.threadAt, this.state === S.DirItem ? 0 : 1, this.depth, this.devStack.subarray(0, this.depth));
    this.threadAt = -1;
    try {
      let yieldAt = Date.now() + THREAD_YIELD_MS;
      for (;;) {
        fast.take(job, this.out8, this.out64, io);
        if (io[5] !== 0) break;
        if (Date.now() >= yieldAt) {
          await new Promise<void>((resolve) => setImmediate(resolve));
          yieldAt = Date.now() + THREAD_YIELD_MS;
        }
        this.records!(this.out8.subarray(0, io[3]), this.out64);
        this.stats.fastBytes += io[3];
        this.stats.threadBytes += io[3];
      }
      const off = io[0];
      this.state = io[1] === 0 ? S.DirItem : S.DirNext;
      this.depth = io[2];
      const devs = new Float64Array(Math.max(this.devStack.length, this.depth + FAST_DEPTH));
      fast.devs(job, devs);
      this.devStack = devs;
      // the input goes on at off: nothing carried, no whitespace counted (the thread stopped after a token)
      this.total = off;
      this.base = off;
      this.buf = EMPTY;
      this.carry = null;
      this.pend = [];
      this.pendLen = 0;
      this.wsRun = 0;
      // again once past what it stopped at (the JavaScript parser takes that), a few times (each
      // start costs a thread and a read of its window)
      this.threadRuns++;
      this.wantThread = this.threadRuns < THREAD_RUNS;
      this.threadFrom = off + 1;
      return off;
    } finally {
      fast.stop(job);
    }
  }

  /** a chunk fed is still referenced (a cut token waits for more input): the caller must not reuse it */
  holdsInput(): boolean {
    return this.pend.length > 0;
  }

  end(): void {
    this.wantThread = false; // (the input has ended: nothing left for a thread)
    if (this.carry !== null && this.pend.length > 0) {
      this.joinCarry();
      this.run(0);
    }
    if (this.state === S.Eof && this.carry === null) return;
    const off = this.total;
    if (off === 0) throw new ImportError('empty input: not an ncdu JSON export (at byte 0)', 0);
    if (this.state === S.TopOpen) {
      // only whitespace or the start of a signature/BOM
      this.notExport(this.carry !== null ? this.base : off, 'expected \'[\'');
    }
    throw new ImportError(`unexpected end of input ${this.at(off)}: the export is truncated`, off);
  }

  sourceInfo(): SourceInfo {
    const m = this.meta;
    const progname = m.progname;
    const progver = m.progver;
    let producer = 'unknown';
    if (progname !== undefined && progname !== null && progname !== '') {
      producer = progver !== undefined && progver !== null && progver !== '' ? `${String(progname)} ${String(progver)}` : String(progname);
    }
    const ts = m.timestamp;
    const meta: Record<string, unknown> = { ...m };
    if (this.gduCumulative) meta.x_gduCumulative = true;
    return {
      timestamp: typeof ts === 'number' && Number.isFinite(ts) ? Math.trunc(ts) : 0,
      producer,
      incomplete: m.x_incomplete === true,
      meta,
    };
  }

  // -------------------------------------------------------------------------------------------

  private joinCarry(): void {
    const parts = [this.carry as Uint8Array, ...this.pend];
    let len = 0;
    for (const p of parts) len += p.length;
    // one buffer, reused: nothing keeps a view of the input once run() returned (saveCarry copies)
    if (this.joined.length < len) this.joined = Buffer.allocUnsafe(Math.max(len, this.joined.length * 2));
    const b = this.joined.subarray(0, len);
    let o = 0;
    for (const p of parts) {
      b.set(p, o);
      o += p.length;
    }
    this.base = this.total - len;
    this.buf = b;
    this.carry = null;
    this.pend = [];
    this.pendLen = 0;
  }

  private metaTooLarge(): never {
    const off = this.metaStart;
    throw new ImportError(`corrupt export: the metadata object ${this.at(off)} is longer than ${LIMITS.metadata} bytes`, off);
  }

  private tooMuchWhitespace(off: number): never {
    throw new ImportError(`corrupt export: more than ${LIMITS.whitespace} bytes of whitespace ${this.at(off)}`, off);
  }

  /** The token starting at i is incomplete: keep it for the next chunk. */
  private saveCarry(i: number): void {
    this.wsRun = 0;
    this.carry = Buffer.from(this.buf.subarray(i)); // a copy: the source may reuse its buffers
    this.base += i;
    this.buf = EMPTY;
  }

  private at(off: number): string {
    return this.gz ? `at byte ${off} of the decompressed stream` : `at byte ${off}`;
  }

  private syntax(i: number, expected: string): never {
    const off = this.base + i;
    throw new ImportError(`corrupt export: unexpected ${describeByte(this.buf[i])} ${this.at(off)}, expected ${expected}`, off);
  }

  private notExport(off: number, detail: string): never {
    throw new ImportError(`not an ncdu JSON export: ${detail} ${this.at(off)}`, off);
  }

  private badValue(i: number, k: K, expected: string): never {
    const off = this.base + i;
    throw new ImportError(`corrupt export: invalid value for "${KEY_NAMES[k]}" ${this.at(off)}, expected ${expected}`, off);
  }

  /**
   * The native fast path from buf[i] (state DirItem or DirNext): the entries it takes whole go to
   * the sink; returns where it stopped, with state and depth set there (i: it took nothing).
   */
  private fastRun(buf: Buffer, i: number, n: number): number {
    const fast = this.fast!;
    const io = this.io;
    for (;;) {
      // room for the fast path to go deeper (where there is none it stops, and so this is called again)
      if (this.devStack.length < this.depth + FAST_DEPTH) {
        const wider = new Float64Array(Math.max(this.devStack.length * 2, this.depth + FAST_DEPTH));
        wider.set(this.devStack);
        this.devStack = wider;
      }
      fast.fast(buf, i, n, this.state === S.DirItem ? 0 : 1, this.depth, this.devStack, this.out8, this.out64, io);
      const p = io[0];
      this.state = io[1] === 0 ? S.DirItem : S.DirNext;
      this.depth = io[2];
      if (io[3] > 0) {
        this.records!(this.out8.subarray(0, io[3]), this.out64);
        this.stats.fastBytes += io[3];
      }
      // (stopped at something it does not take, or with its output full: then again)
      if (p === i) return i;
      i = p;
    }
  }

  private run(start: number): void {
    const buf = this.buf;
    const n = buf.length;
    let i = start;
    for (;;) {
      let c = 0;
      const ws = i;
      while (i < n) {
        c = buf[i];
        if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) i++;
        else break;
      }
      if (i > ws || i >= n) {
        // a run of whitespace: with what an earlier chunk ended with when it starts this one
        const runLen = i - ws + (ws === 0 ? this.wsRun : 0);
        if (runLen > LIMITS.whitespace) this.tooMuchWhitespace(this.base + i - runLen);
        if (i >= n) {
          this.wsRun = runLen;
          this.buf = EMPTY;
          return;
        }
      }
      if (this.fast !== null && (this.state === S.DirItem || this.state === S.DirNext)) {
        if (this.wantThread && this.base + i >= this.threadFrom) {
          // (the rest of this input is read again by the thread)
          this.wantThread = false;
          this.threadAt = this.base + i;
          this.buf = EMPTY;
          this.wsRun = 0;
          return;
        }
        const r = this.fastRun(buf, i, n);
        if (r !== i) {
          i = r;
          continue;
        }
      }
      switch (this.state) {
        case S.ObjFirst:
        case S.ObjKey: {
          if (c === 0x7d && this.state === S.ObjFirst) {
            i++;
            this.endInfo();
            break;
          }
          if (c !== 0x22) this.syntax(i, this.state === S.ObjFirst ? 'a key or \'}\'' : 'a key');
          const r = this.objPairs(buf, i, n);
          if (r < 0) return;
          i = r;
          break;
        }
        case S.ObjNext:
          if (c === 0x2c) this.state = S.ObjKey;
          else if (c === 0x7d) this.endInfo();
          else this.syntax(i, '\',\' or \'}\'');
          i++;
          break;
        case S.DirNext:
          if (c === 0x2c) this.state = S.DirItem;
          else if (c === 0x5d) {
            this.sink.leaveDir();
            this.pop();
          } else this.syntax(i, '\',\' or \']\'');
          i++;
          break;
        case S.DirItem:
          if (c === 0x7b) this.startInfo(false, i);
          else if (c === 0x5b) {
            this.depth++;
            this.state = S.DirInfo;
          } else this.syntax(i, 'an entry (\'{\' or \'[\')');
          i++;
          break;
        case S.DirInfo:
          if (c === 0x7b) this.startInfo(true, i);
          else if (c === 0x5d) {
            const off = this.base + i;
            throw new ImportError(`corrupt export: directory without an info object ${this.at(off)}`, off);
          } else this.syntax(i, 'a directory info object (\'{\')');
          i++;
          break;
        case S.DirAfterInfo:
          if (c === 0x2c) {
            this.emitEnter();
            this.state = S.DirItem;
          } else if (c === 0x5d) {
            this.emitChildless();
            this.pop();
          } else this.syntax(i, '\',\' or \']\'');
          i++;
          break;

        // ---- generic values
        case S.GArrFirst:
        case S.GValue: {
          if (this.gBuild && this.base + i - this.metaStart > LIMITS.metadata) this.metaTooLarge();
          if (c === 0x5d && this.state === S.GArrFirst) {
            i++;
            this.gClose();
            break;
          }
          if (c === 0x5b || c === 0x7b) {
            const obj = c === 0x7b;
            const maxDepth = this.gBuild ? LIMITS.nesting : LIMITS.skippedNesting;
            if (this.gStack.length >= maxDepth) {
              const off = this.base + i;
              throw new ImportError(`corrupt export: arrays and objects nested deeper than ${maxDepth} levels ${this.at(off)}`, off);
            }
            this.gStack.push(obj ? 1 : 0);
            if (this.gBuild) this.gVals.push(obj ? {} : []), this.gKeys.push(this.gKey);
            this.state = obj ? S.GObjFirst : S.GArrFirst;
            i++;
            break;
          }
          let e: number;
          let v: unknown = undefined;
          if (c === 0x22) {
            e = this.lexString(buf, i, n, this.gBuild, LIMITS.string, 'a string');
            if (e >= 0 && this.gBuild) v = this.td.decode(this.sbuf.subarray(0, this.slen));
          } else if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
            e = this.lexNumber(buf, i, n);
            v = this.num;
          } else if (c === 0x74 || c === 0x66 || c === 0x6e) {
            e = this.lexLiteral(buf, i, n);
            v = this.lit === 2 ? null : this.lit === 1;
          } else this.syntax(i, 'a value');
          if (e < 0) return this.saveCarry(i);
          i = e;
          this.gDone(v);
          break;
        }
        case S.GObjFirst:
        case S.GObjKey: {
          if (this.gBuild && this.base + i - this.metaStart > LIMITS.metadata) this.metaTooLarge();
          if (c === 0x7d && this.state === S.GObjFirst) {
            i++;
            this.gClose();
            break;
          }
          if (c !== 0x22) this.syntax(i, this.state === S.GObjFirst ? 'a key or \'}\'' : 'a key');
          const e = this.lexString(buf, i, n, this.gBuild, LIMITS.key, 'a key');
          if (e < 0) return this.saveCarry(i);
          if (this.gBuild) this.gKey = this.td.decode(this.sbuf.subarray(0, this.slen));
          i = e;
          this.state = S.GColon;
          break;
        }
        case S.GColon:
          if (c !== 0x3a) this.syntax(i, '\':\'');
          i++;
          this.state = S.GValue;
          break;
        case S.GNext: {
          const obj = this.gStack[this.gStack.length - 1] === 1;
          if (c === 0x2c) this.state = obj ? S.GObjKey : S.GValue;
          else if (c === (obj ? 0x7d : 0x5d)) {
            i++;
            this.gClose();
            break;
          } else this.syntax(i, obj ? '\',\' or \'}\'' : '\',\' or \']\'');
          i++;
          break;
        }

        // ---- top level
        case S.TopOpen: {
          const off = this.base + i;
          if (c === 0x5b) {
            this.state = S.Major;
            i++;
            break;
          }
          if (c === 0xef && off === 0) {
            // UTF-8 byte order mark
            if (n - i < 3) return this.saveCarry(i);
            if (buf[i + 1] === 0xbb && buf[i + 2] === 0xbf) {
              i += 3;
              break;
            }
          }
          // need the whole signature to tell
          if ((c === 0xbf && n - i < BINARY_SIG.length) || (c === 0x28 && n - i < 4)) return this.saveCarry(i);
          if (c === 0xbf) {
            let sig = true;
            for (let j = 1; j < BINARY_SIG.length; j++) if (buf[i + j] !== BINARY_SIG[j]) sig = false;
            if (sig) {
              throw new ImportError(
                `ncdu binary export format is not supported, export with ncdu -o in JSON (binary signature ${this.at(off)})`,
                off,
              );
            }
          }
          if (c === 0x28 && buf[i + 1] === 0xb5 && buf[i + 2] === 0x2f && buf[i + 3] === 0xfd) {
            throw new ImportError(
              `zstd-compressed exports are not supported, decompress with zstd -d first (zstd signature ${this.at(off)})`,
              off,
            );
          }
          this.notExport(off, `expected '[', found ${describeByte(c)}`);
        }
        case S.Major: {
          if (!(c === 0x2d || (c >= 0x30 && c <= 0x39))) this.notExport(this.base + i, 'expected the format major version number');
          const e = this.lexNumber(buf, i, n);
          if (e < 0) return this.saveCarry(i);
          if (this.num !== 1) {
            const off = this.base + i;
            throw new ImportError(
              `unsupported export format major version ${this.num} ${this.at(off)} (only major version 1 is supported)`,
              off,
            );
          }
          i = e;
          this.state = S.AfterMajor;
          break;
        }
        case S.AfterMajor:
        case S.AfterMinor:
          if (c !== 0x2c) this.notExport(this.base + i, `expected ',' after the format ${this.state === S.AfterMajor ? 'major' : 'minor'} version, found ${describeByte(c)}`);
          i++;
          this.state = this.state === S.AfterMajor ? S.Minor : S.Meta;
          break;
        case S.Minor: {
          if (!(c >= 0x30 && c <= 0x39)) this.notExport(this.base + i, 'expected the format minor version number');
          const e = this.lexNumber(buf, i, n);
          if (e < 0) return this.saveCarry(i);
          i = e;
          this.state = S.AfterMinor;
          break;
        }
        case S.Meta:
          if (c !== 0x7b) this.notExport(this.base + i, `expected the metadata object, found ${describeByte(c)}`);
          this.gBuild = true;
          this.metaStart = this.base + i;
          this.gKey = '';
          this.gReturn = S.AfterMeta;
          this.state = S.GValue;
          break;
        case S.AfterMeta:
          if (c === 0x5d) this.notExport(this.base + i, 'no directory tree after the metadata');
          if (c !== 0x2c) this.syntax(i, '\',\'');
          i++;
          this.state = S.Root;
          break;
        case S.Root:
          if (c === 0x5b) {
            this.depth = 1;
            this.state = S.DirInfo;
            i++;
          } else if (c === 0x7b) {
            const off = this.base + i;
            throw new ImportError(`corrupt export: the root entry must be a directory (an array) ${this.at(off)}`, off);
          } else this.notExport(this.base + i, `expected the root directory, found ${describeByte(c)}`);
          break;
        case S.TopNext:
          if (c === 0x5d) {
            this.state = S.Eof;
          } else if (c === 0x2c) {
            // extra top-level elements: ncdu 2.x skips them, so do we
            this.gBuild = false;
            this.gReturn = S.TopNext;
            this.state = S.GValue;
          } else this.syntax(i, '\',\' or \']\'');
          i++;
          break;
        case S.Eof: {
          const off = this.base + i;
          throw new ImportError(`corrupt export: trailing data after the export ${this.at(off)}`, off);
        }
      }
    }
  }

  // ---- tree events

  private startInfo(isDir: boolean, i: number): void {
    const e = this.entry;
    const d = this.depth;
    e.name = EMPTY;
    e.type = EntryType.File;
    e.asize = 0;
    e.dsize = 0;
    // dev is inherited from the parent directory when absent
    e.dev = isDir ? (d >= 2 ? this.devStack[d - 2] : 0) : this.devStack[d - 1];
    e.ino = 0;
    e.nlink = 1;
    e.mtime = -1;
    e.uid = -1;
    e.gid = -1;
    e.mode = -1;
    e.readError = false;
    e.excluded = Excluded.None;
    this.objIsDir = isDir;
    this.objStart = this.base + i;
    this.hasName = false;
    this.hasMode = false;
    this.hlnkc = false;
    this.notreg = false;
    this.hasItems = false;
    this.items = 0;
    this.state = S.ObjFirst;
  }

  /** The closing '}' of an info object was consumed. */
  private endInfo(): void {
    if (!this.hasName) {
      throw new ImportError(`corrupt export: entry without a "name" ${this.at(this.objStart)}`, this.objStart);
    }
    const e = this.entry;
    if (this.objIsDir) {
      e.type = EntryType.Dir;
      if (this.depth > this.devStack.length) {
        const wider = new Float64Array(this.devStack.length * 2);
        wider.set(this.devStack);
        this.devStack = wider;
      }
      this.devStack[this.depth - 1] = e.dev;
      // emitted when we know whether the directory has children (enterDir vs addEntry)
      this.state = S.DirAfterInfo;
      return;
    }
    if (this.hlnkc && e.nlink < 2) e.nlink = 2; // hlnkc:true without nlink: hard-linked all the same
    if (this.hasMode && (e.mode & S_IFMT) !== 0) {
      const fmt = e.mode & S_IFMT;
      e.type = fmt === S_IFREG ? EntryType.File : fmt === S_IFLNK ? EntryType.Symlink : fmt === S_IFDIR ? EntryType.Dir : EntryType.Other;
    } else if (e.excluded === Excluded.OtherFs || e.excluded === Excluded.KernFs || e.excluded === Excluded.FrmLnk) {
      // mount points and firmlinks are directories that were not descended into
      e.type = EntryType.Dir;
    } else {
      e.type = this.notreg ? EntryType.Other : EntryType.File;
    }
    this.sink.addEntry(e);
    this.state = S.DirNext;
  }

  /*
   * gdu 5.37+ writes CUMULATIVE asize/dsize (plus an `items` count) on directories. We detect it per
   * directory (producer "gdu" and the directory's info carries a numeric `items`) and convert to
   * ncdu's semantics (a directory's own size), which is cumulative minus its direct children's
   * contributions. Checked against gdu's source (pkg/analyze/file.go Dir.updateStats,
   * report/import.go): gdu never counts an own size for a directory: a directory with children is
   * the plain sum of its children (hard links counted once), an empty one is apparent 512,
   * usage 0, items 1, and its importer only keeps the exported totals of a directory that has NO
   * children in the file (a depth-truncated or summarized subtree). Hence, without buffering:
   *  - a directory with children: own size 0 at enterDir (exact for gdu, never "fixed" later);
   *  - a childless directory with items <= 1 (gdu's empty-directory marker 512/0/1): own size 0;
   *  - a childless directory with items > 1: a summarized subtree, whose totals are the only data
   *    left about it: kept as the directory's size.
   * Tree totals then equal gdu's own numbers, except the fake 512 bytes gdu shows per empty
   * directory. SourceInfo.meta.x_gduCumulative is set when this conversion happened.
   */
  private gduCumulativeDir(hasChildren: boolean): void {
    if (!this.isGdu || !this.hasItems) return;
    this.gduCumulative = true;
    if (hasChildren || this.items <= 1) {
      this.entry.asize = 0;
      this.entry.dsize = 0;
    }
  }

  private emitEnter(): void {
    this.gduCumulativeDir(true);
    this.sink.enterDir(this.entry);
  }

  private emitChildless(): void {
    this.gduCumulativeDir(false);
    const e = this.entry;
    if (this.depth > 1 && (e.excluded !== Excluded.None || e.readError)) {
      // excluded or unreadable-and-empty directory: not descended into
      this.sink.addEntry(e);
    } else {
      this.sink.enterDir(e);
      this.sink.leaveDir();
    }
  }

  private pop(): void {
    this.depth--;
    this.state = this.depth === 0 ? S.TopNext : S.DirNext;
  }

  /**
   * The `"key": value` pairs of an info object, from the '"' of a key at i, in one go (the hot path).
   * Returns the index to continue at (this.state says what is expected there), or -1 when the input
   * ran out within a pair: the pair is then carried over whole (nothing was applied yet) and lexed
   * again with the next chunk.
   */
  private objPairs(buf: Buffer, i: number, n: number): number {
    for (;;) {
      const keyStart = i;
      let j: number;
      const quick = quickKey(buf, i, n);
      if (quick !== K.Unknown) {
        this.key = quick;
        j = i + KEY_NAMES[quick].length + 2;
      } else {
        j = this.lexString(buf, i, n, true, LIMITS.key, 'a key');
        if (j < 0) return this.carryPair(keyStart);
        this.key = matchKey(this.sbuf, this.slen);
      }
      let c = 0;
      let ws = j;
      while (j < n && ((c = buf[j]) === 0x20 || c === 0x0a || c === 0x0d || c === 0x09)) j++;
      if (j - ws > LIMITS.whitespace) this.tooMuchWhitespace(this.base + ws);
      if (j >= n) return this.carryPair(keyStart);
      if (c !== 0x3a) this.syntax(j, '\':\'');
      ws = ++j;
      while (j < n && ((c = buf[j]) === 0x20 || c === 0x0a || c === 0x0d || c === 0x09)) j++;
      if (j - ws > LIMITS.whitespace) this.tooMuchWhitespace(this.base + ws);
      if (j >= n) return this.carryPair(keyStart);
      const e = this.infoValue(buf, j, n, c);
      if (e === -1) return this.carryPair(keyStart);
      if (e === -2) return j; // a container for an unknown key: the generic parser takes over
      // after the value: ',' and the next key, or '}' (whitespace that ends the chunk is left to
      // run(), which keeps count of a run across chunks)
      i = e;
      while (i < n && ((c = buf[i]) === 0x20 || c === 0x0a || c === 0x0d || c === 0x09)) i++;
      if (i >= n) {
        this.state = S.ObjNext;
        return e;
      }
      if (i - e > LIMITS.whitespace) this.tooMuchWhitespace(this.base + e);
      if (c === 0x7d) {
        this.endInfo();
        i++;
        // the next entry of the directory, as exports write it (`,\n{"`): straight to its first key
        // (with the fast path, back to it)
        if (this.state === S.DirNext && this.fast === null && i + 3 < n && buf[i] === 0x2c && buf[i + 1] === 0x0a && buf[i + 2] === 0x7b && buf[i + 3] === 0x22) {
          this.startInfo(false, i + 2);
          i += 3;
          continue;
        }
        return i;
      }
      if (c !== 0x2c) this.syntax(i, '\',\' or \'}\'');
      const afterComma = ++i;
      while (i < n && ((c = buf[i]) === 0x20 || c === 0x0a || c === 0x0d || c === 0x09)) i++;
      if (i >= n || c !== 0x22) {
        this.state = S.ObjKey;
        return afterComma;
      }
      if (i - afterComma > LIMITS.whitespace) this.tooMuchWhitespace(this.base + afterComma);
    }
  }

  private carryPair(keyStart: number): number {
    this.state = S.ObjKey;
    this.saveCarry(keyStart);
    return -1;
  }

  /**
   * Parses the value of the current key of an info object at buf[i] (first byte c).
   * Returns the end index, -1 when the token is incomplete, -2 when the generic parser took over.
   */
  private infoValue(buf: Uint8Array, i: number, n: number, c: number): number {
    const k = this.key;
    const e = this.entry;
    if (c === 0x22) {
      if (k === K.Name || k === K.Excluded) {
        if (k === K.Excluded) {
          const end = this.lexString(buf, i, n, true, LIMITS.string, 'a string');
          if (end >= 0) e.excluded = matchExcluded(this.sbuf, this.slen);
          return end;
        }
        // a name with nothing to decode (nearly all), whole in this chunk: copied as it is, in
        // the same pass that looks for its end
        const nb0 = this.nameBuf;
        const lim = i + 1 + (nb0.length < LIMITS.name ? nb0.length : LIMITS.name);
        const stop = lim < n ? lim : n;
        let q = i + 1;
        let b = 0;
        let o = 0;
        while (q < stop) {
          b = buf[q];
          if (b === 0x22 || b === 0x5c || b < 0x20) break;
          nb0[o++] = b;
          q++;
        }
        if (q < stop && b === 0x22) {
          e.name = this.nameViews[o] ??= nb0.subarray(0, o);
          this.hasName = true;
          return q + 1;
        }
        // decode straight into nameBuf (lexString decodes into sbuf and may grow it)
        const scratch = this.sbuf;
        this.sbuf = this.nameBuf;
        const end = this.lexString(buf, i, n, true, LIMITS.name, 'a name');
        const nb = this.sbuf;
        this.sbuf = scratch;
        if (nb !== this.nameBuf) {
          this.nameBuf = nb;
          this.nameViews = [];
        }
        if (end < 0) return end;
        // one view per length, reused: sinks copy names, and the bytes under a view are rewritten in place
        const len = this.slen;
        e.name = this.nameViews[len] ??= nb.subarray(0, len);
        this.hasName = true;
        return end;
      }
      if (k === K.Unknown || k === K.Items) return this.lexString(buf, i, n, false, LIMITS.string, 'a string');
      this.badValue(i, k, k >= K.Asize ? 'a non-negative integer' : 'true or false');
    }
    if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
      if (k >= K.Asize && c !== 0x2d) {
        // an integer of up to 15 digits followed by neither a fraction nor an exponent (nearly
        // all): its value here; anything else goes through lexNumber
        let q = i;
        let v = 0;
        if (c === 0x30) q++;
        else {
          const stop = i + 15 < n ? i + 15 : n;
          let d = 0;
          while (q < stop && (d = buf[q]) >= 0x30 && d <= 0x39) {
            v = v * 10 + (d - 0x30);
            q++;
          }
        }
        let d = 0;
        if (q < n && (d = buf[q]) !== 0x2e && d !== 0x65 && d !== 0x45 && (d < 0x30 || d > 0x39)) {
          this.setNumber(k, v);
          return q;
        }
      }
      const end = this.lexNumber(buf, i, n);
      if (end < 0) return end;
      if (k >= K.Asize) {
        // ncdu writes and reads these as unsigned 64-bit integers: anything else cannot be meant
        // exactly (a fraction, an exponent, a sign, 2^64 or more) and is refused, not rounded
        if (this.numNeg || !this.numInt) this.badValue(i, k, 'a non-negative integer');
        const v = this.num;
        let exact: Bytes = v;
        const big = this.numBig;
        if (big !== null) {
          if (big > U64_MAX) this.badValue(i, k, 'an integer below 2^64');
          exact = normBytes(big);
          // sizes and inode numbers are kept exact as bigints; the others are plain numbers
          if (typeof exact === 'bigint' && k !== K.Asize && k !== K.Dsize && k !== K.Ino) this.badValue(i, k, 'an integer below 2^53');
        }
        if (big === null) this.setNumber(k, v);
        else if (k === K.Asize) e.asize = exact;
        else if (k === K.Dsize) e.dsize = exact;
        else if (k === K.Ino) e.ino = exact;
        else this.setNumber(k, v);
      } else if (k === K.Items) {
        this.hasItems = true;
        this.items = this.num;
      } else if (k !== K.Unknown) {
        this.badValue(i, k, k === K.Name ? 'a string' : k === K.Excluded ? 'a string' : 'true or false');
      }
      return end;
    }
    if (c === 0x74 || c === 0x66 || c === 0x6e) {
      const end = this.lexLiteral(buf, i, n);
      if (end < 0) return end;
      const lit = this.lit;
      switch (k) {
        case K.Unknown:
        case K.Items:
          break;
        case K.ReadError:
        case K.Hlnkc:
        case K.Notreg: {
          if (lit === 2) this.badValue(i, k, 'true or false');
          const b = lit === 1;
          if (k === K.ReadError) e.readError = b;
          else if (k === K.Hlnkc) this.hlnkc = b;
          else this.notreg = b;
          break;
        }
        case K.Excluded:
          // lenient: a boolean or null instead of the reason
          e.excluded = lit === 1 ? Excluded.Pattern : Excluded.None;
          break;
        default:
          this.badValue(i, k, k === K.Name ? 'a string' : 'a non-negative integer');
      }
      return end;
    }
    if (c === 0x7b || c === 0x5b) {
      if (k !== K.Unknown && k !== K.Items) {
        this.badValue(i, k, k === K.Name || k === K.Excluded ? 'a string' : k >= K.Asize ? 'a non-negative integer' : 'true or false');
      }
      this.gBuild = false;
      this.gReturn = S.ObjNext;
      this.state = S.GValue;
      return -2;
    }
    this.syntax(i, 'a value');
  }

  /** The numeric field `k` of the entry is `v` (a safe non-negative integer). */
  private setNumber(k: K, v: number): void {
    const e = this.entry;
    switch (k) {
      case K.Asize: e.asize = v; break;
      case K.Dsize: e.dsize = v; break;
      case K.Dev: e.dev = v; break;
      case K.Ino: e.ino = v; break;
      case K.Nlink: e.nlink = v; break;
      case K.Uid: e.uid = v; break;
      case K.Gid: e.gid = v; break;
      case K.Mode: e.mode = v; this.hasMode = true; break;
      case K.Mtime: e.mtime = v; break;
    }
  }

  // ---- generic values

  private gDone(v: unknown): void {
    if (this.gStack.length === 0) {
      if (this.gBuild) {
        this.meta = v as Record<string, unknown>;
        this.isGdu = this.meta.progname === 'gdu';
        this.gBuild = false;
      }
      this.state = this.gReturn;
      return;
    }
    if (this.gBuild) {
      const top = this.gVals[this.gVals.length - 1];
      if (Array.isArray(top)) top.push(v);
      else if (this.gKey !== '__proto__') (top as Record<string, unknown>)[this.gKey] = v;
      else Object.defineProperty(top, '__proto__', { value: v, enumerable: true, writable: true, configurable: true });
    }
    this.state = S.GNext;
  }

  private gClose(): void {
    this.gStack.pop();
    let v: unknown = undefined;
    if (this.gBuild) {
      v = this.gVals.pop();
      this.gKey = this.gKeys.pop() as string;
    }
    this.gDone(v);
  }

  // ---- lexers: return the end index (after the token), or -1 when the token is incomplete

  /**
   * A string starting at the '"' at i; when decode, its value goes to sbuf[0..slen). `cap`: the
   * longest value in bytes (decoded; a skipped string: RAW_PER_BYTE times that between the quotes);
   * `what` names the token in the error when it is longer.
   */
  private lexString(buf: Uint8Array, i: number, n: number, decode: boolean, cap: number, what: string): number {
    let j = i + 1;
    if (!decode) {
      // the closing quote may be at i + 1 + rawCap at the latest
      const lim = i + 2 + cap * RAW_PER_BYTE;
      const stop = lim < n ? lim : n;
      for (;;) {
        if (j >= stop) {
          if (stop === n) return -1;
          this.tooLong(i, what, cap);
        }
        const c = buf[j];
        if (c === 0x22) return j + 1;
        if (c === 0x5c) {
          if (j + 1 >= n) return -1;
          const x = buf[j + 1];
          if (x === 0x75) {
            if (j + 6 > n) return -1;
            if (hex4(buf, j + 2) < 0) this.badEscape(j);
            j += 6;
          } else if (x === 0x22 || x === 0x5c || x === 0x2f || x === 0x62 || x === 0x66 || x === 0x6e || x === 0x72 || x === 0x74) {
            j += 2;
          } else this.badEscape(j);
        } else if (c < 0x20) {
          this.syntax(j, 'a string (raw control character)');
        } else j++;
      }
    }
    let sb = this.sbuf;
    let o = 0;
    // a decoded character takes at most 4 bytes: o may be up to `room` before one is written
    let room = (sb.length < cap + 4 ? sb.length : cap + 4) - 4;
    for (;;) {
      if (j >= n) return -1;
      const c = buf[j];
      if (o > room) {
        // the buffer grows (checked here, not per byte), or the value is over its limit
        if (o > cap) this.tooLong(i, what, cap);
        const nb = new Uint8Array(Math.min(sb.length * 2, cap + 4));
        nb.set(sb);
        this.sbuf = sb = nb;
        room = nb.length - 4;
      }
      if (c === 0x22) {
        this.slen = o;
        return j + 1;
      }
      if (c !== 0x5c) {
        if (c < 0x20) this.syntax(j, 'a string (raw control character)');
        sb[o++] = c;
        j++;
        continue;
      }
      if (j + 1 >= n) return -1;
      const x = buf[j + 1];
      switch (x) {
        case 0x22: sb[o++] = 0x22; j += 2; continue;
        case 0x5c: sb[o++] = 0x5c; j += 2; continue;
        case 0x2f: sb[o++] = 0x2f; j += 2; continue;
        case 0x62: sb[o++] = 0x08; j += 2; continue;
        case 0x66: sb[o++] = 0x0c; j += 2; continue;
        case 0x6e: sb[o++] = 0x0a; j += 2; continue;
        case 0x72: sb[o++] = 0x0d; j += 2; continue;
        case 0x74: sb[o++] = 0x09; j += 2; continue;
        case 0x75: break;
        default: this.badEscape(j);
      }
      if (j + 6 > n) return -1;
      let cp = hex4(buf, j + 2);
      if (cp < 0) this.badEscape(j);
      j += 6;
      if (cp >= 0xd800 && cp <= 0xdbff) {
        // a high surrogate: combine with a following \uDC00-\uDFFF
        if (j >= n || (buf[j] === 0x5c && (j + 1 >= n || (buf[j + 1] === 0x75 && j + 6 > n)))) return -1;
        if (buf[j] === 0x5c && buf[j + 1] === 0x75) {
          const lo = hex4(buf, j + 2);
          if (lo >= 0xdc00 && lo <= 0xdfff) {
            cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
            j += 6;
          } else cp = 0xfffd;
        } else cp = 0xfffd;
      } else if (cp >= 0xdc00 && cp <= 0xdfff) {
        cp = 0xfffd;
      }
      if (cp < 0x80) sb[o++] = cp;
      else if (cp < 0x800) {
        sb[o++] = 0xc0 | (cp >> 6);
        sb[o++] = 0x80 | (cp & 0x3f);
      } else if (cp < 0x10000) {
        sb[o++] = 0xe0 | (cp >> 12);
        sb[o++] = 0x80 | ((cp >> 6) & 0x3f);
        sb[o++] = 0x80 | (cp & 0x3f);
      } else {
        sb[o++] = 0xf0 | (cp >> 18);
        sb[o++] = 0x80 | ((cp >> 12) & 0x3f);
        sb[o++] = 0x80 | ((cp >> 6) & 0x3f);
        sb[o++] = 0x80 | (cp & 0x3f);
      }
    }
  }

  /** The token starting at buf[i] is longer than its limit. */
  private tooLong(i: number, what: string, cap: number): never {
    const off = this.base + i;
    throw new ImportError(`corrupt export: ${what} longer than ${cap} bytes ${this.at(off)}`, off);
  }

  private badEscape(j: number): never {
    const off = this.base + j;
    throw new ImportError(`corrupt export: invalid escape sequence in a string ${this.at(off)}`, off);
  }

  /**
   * A JSON number at i; sets num (the nearest double), numNeg, numInt (no fraction or exponent) and,
   * for an integer of 16 digits or more, numBig (its exact value).
   */
  private lexNumber(buf: Uint8Array, i: number, n: number): number {
    let j = i;
    const neg = buf[j] === 0x2d;
    if (neg) j++;
    if (j >= n) return -1;
    let c = buf[j];
    if (c < 0x30 || c > 0x39) this.syntax(j, 'a digit');
    let v = 0;
    const intStart = j;
    if (c === 0x30) j++;
    else {
      while (j < n && (c = buf[j]) >= 0x30 && c <= 0x39) {
        v = v * 10 + (c - 0x30);
        j++;
      }
    }
    // the length limit, once per run of digits (a token cut at the end of the input is carried
    // over and lexed again, so an endless one fails here too)
    if (j - i > LIMITS.number) this.tooLong(i, 'a number', LIMITS.number);
    if (j >= n) return -1;
    c = buf[j];
    let simple = j - intStart <= 15;
    let intOnly = true;
    if (c === 0x2e) {
      simple = false;
      intOnly = false;
      j++;
      if (j >= n) return -1;
      c = buf[j];
      if (c < 0x30 || c > 0x39) this.syntax(j, 'a digit');
      while (j < n && (c = buf[j]) >= 0x30 && c <= 0x39) j++;
      if (j - i > LIMITS.number) this.tooLong(i, 'a number', LIMITS.number);
      if (j >= n) return -1;
    }
    if (c === 0x65 || c === 0x45) {
      simple = false;
      intOnly = false;
      j++;
      if (j >= n) return -1;
      c = buf[j];
      if (c === 0x2b || c === 0x2d) {
        j++;
        if (j >= n) return -1;
        c = buf[j];
      }
      if (c < 0x30 || c > 0x39) this.syntax(j, 'a digit');
      while (j < n && (c = buf[j]) >= 0x30 && c <= 0x39) j++;
      if (j - i > LIMITS.number) this.tooLong(i, 'a number', LIMITS.number);
      if (j >= n) return -1;
    }
    this.numInt = intOnly;
    this.numBig = null;
    if (simple) this.num = neg ? -v : v;
    else {
      let s = '';
      for (let q = i; q < j; q++) s += String.fromCharCode(buf[q]);
      this.num = Number(s);
      if (this.numInt) this.numBig = BigInt(s);
    }
    this.numNeg = neg;
    return j;
  }

  /** true / false / null at i; sets lit. */
  private lexLiteral(buf: Uint8Array, i: number, n: number): number {
    const c = buf[i];
    const word = c === 0x74 ? TRUE : c === 0x66 ? FALSE : NULL;
    for (let q = 1; q < word.length; q++) {
      if (i + q >= n) return -1;
      if (buf[i + q] !== word[q]) this.syntax(i + q, 'true, false or null');
    }
    this.lit = c === 0x74 ? 1 : c === 0x66 ? 0 : 2;
    return i + word.length;
  }
}

const U64_MAX = 2n ** 64n - 1n;

const TRUE = [0x74, 0x72, 0x75, 0x65];
const FALSE = [0x66, 0x61, 0x6c, 0x73, 0x65];
const NULL = [0x6e, 0x75, 0x6c, 0x6c];

function hex4(buf: Uint8Array, p: number): number {
  let v = 0;
  for (let q = p; q < p + 4; q++) {
    const c = buf[q];
    let d: number;
    if (c >= 0x30 && c <= 0x39) d = c - 0x30;
    else if (c >= 0x61 && c <= 0x66) d = c - 0x57;
    else if (c >= 0x41 && c <= 0x46) d = c - 0x37;
    else return -1;
    v = (v << 4) | d;
  }
  return v;
}

function eq(b: Uint8Array, s: string): boolean {
  for (let i = 0; i < s.length; i++) if (b[i] !== s.charCodeAt(i)) return false;
  return true;
}

/** KEY_TABLE[len] = [bytes, key, bytes, key, ...] of the known keys of that length */
const KEY_TABLE: (Uint8Array | K)[][] = [];
for (let k = K.Name; k <= K.Mtime; k++) {
  const name = KEY_NAMES[k];
  (KEY_TABLE[name.length] ??= []).push(Uint8Array.from(name, (ch) => ch.charCodeAt(0)), k);
}

/** QUICK_KEYS[first letter] = [the key's letters after the quote and its closing quote, key, ...] */
const QUICK_KEYS: (Uint8Array | K)[][] = [];
for (let k = K.Name; k <= K.Mtime; k++) {
  const name = KEY_NAMES[k];
  (QUICK_KEYS[name.charCodeAt(0)] ??= []).push(Uint8Array.from(name + '"', (ch) => ch.charCodeAt(0)), k);
}
/** the longest known key with its quotes */
const QUICK_SPAN = Math.max(...KEY_NAMES.map((k) => k.length)) + 2;

/**
 * The known key whose plain spelling (no escapes) starts at the '"' at buf[i], closing quote
 * included; K.Unknown for anything else (another key, an escape, the end of the chunk near), which
 * then goes the long way (lexString, matchKey) to the same answer.
 */
function quickKey(buf: Uint8Array, i: number, n: number): K {
  if (i + QUICK_SPAN > n) return K.Unknown;
  const c1 = buf[i + 1];
  // the keys of nearly every entry, spelled out (the table below answers the same for them)
  if (c1 === 0x6e) {
    if (buf[i + 2] === 0x61 && buf[i + 3] === 0x6d && buf[i + 4] === 0x65 && buf[i + 5] === 0x22) return K.Name;
  } else if (c1 === 0x61 || c1 === 0x64) {
    const c2 = buf[i + 2];
    if (c2 === 0x73) {
      if (buf[i + 3] === 0x69 && buf[i + 4] === 0x7a && buf[i + 5] === 0x65 && buf[i + 6] === 0x22) return c1 === 0x61 ? K.Asize : K.Dsize;
    } else if (c2 === 0x65 && c1 === 0x64 && buf[i + 3] === 0x76 && buf[i + 4] === 0x22) return K.Dev;
  }
  const cands = QUICK_KEYS[c1];
  if (cands === undefined) return K.Unknown;
  outer: for (let c = 0; c < cands.length; c += 2) {
    const kb = cands[c] as Uint8Array;
    for (let q = 0; q < kb.length; q++) if (buf[i + 1 + q] !== kb[q]) continue outer;
    return cands[c + 1] as K;
  }
  return K.Unknown;
}

function matchKey(b: Uint8Array, len: number): K {
  const cands = KEY_TABLE[len];
  if (cands === undefined) return K.Unknown;
  outer: for (let c = 0; c < cands.length; c += 2) {
    const kb = cands[c] as Uint8Array;
    for (let i = 0; i < len; i++) if (b[i] !== kb[i]) continue outer;
    return cands[c + 1] as K;
  }
  return K.Unknown;
}

function matchExcluded(b: Uint8Array, len: number): Excluded {
  switch (len) {
    case 5:
      if (eq(b, 'othfs')) return Excluded.OtherFs; // ncdu 1.18's spelling
      break;
    case 6:
      if (eq(b, 'kernfs')) return Excluded.KernFs;
      if (eq(b, 'frmlnk')) return Excluded.FrmLnk;
      break;
    case 7:
      if (eq(b, 'otherfs')) return Excluded.OtherFs;
      break;
  }
  return Excluded.Pattern; // "pattern" and anything else
}

function describeByte(c: number | undefined): string {
  if (c === undefined) return 'end of input';
  if (c >= 0x21 && c < 0x7f) return `'${String.fromCharCode(c)}'`;
  return `byte 0x${c.toString(16).padStart(2, '0')}`;
}
