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
import zlib from 'node:zlib';
import { Entry, EntryType, EXCLUDED_NAMES, Excluded, Sink, SourceInfo } from '../model/entry.js';
import { VERSION } from '../version.js';
import { escapeName } from '../util/escape.js';
import { stringifyExact } from '../util/exact.js';
import { openOutput, Output, writeErrorText } from '../util/write.js';

const FLUSH_AT = 1 << 20;
const HEX = '0123456789abcdef';

export class ExportError extends Error {}

/** Bytes that must be escaped inside a JSON string: control bytes, '"', '\\' and 0x7f. */
function needsEscape(b: number): boolean {
  return b < 0x20 || b === 0x22 || b === 0x5c || b === 0x7f;
}

export interface ExportOptions {
  /** write uid, gid, mode, mtime (ncdu -e); default true */
  extended?: boolean;
  /** extra metadata (keys are prefixed with x_ unless they already are) */
  meta?: Record<string, unknown>;
  /** gzip the output; default: when the file name (a link's target for a link) ends in .gz */
  gzip?: boolean;
  /** gzip level, 1-9 (default 6) */
  gzipLevel?: number;
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

export class NcduWriter implements Sink {
  private buf = Buffer.allocUnsafe(FLUSH_AT + 65536);
  private len = 0;
  private readonly out: Output | ExportTarget;
  private readonly dirInodes: boolean;
  private readonly dest: string;
  /** where the export ended up (set by finish) */
  finalPath: string | null = null;
  private readonly gzip: boolean;
  private readonly gzipLevel: number;
  private readonly extended: boolean;
  private devStack: number[] = [];
  private depth = 0;
  private first = true;
  private closed = false;
  private written = 0;

  /**
   * @param dest a file name (a device, FIFO or link too: see util/write.ts openOutput), or '-'
   * (/dev/stdout) for standard output. Throws ExportError of one line when it cannot be opened.
   */
  constructor(dest: string, opts: ExportOptions = {}) {
    this.dest = escapeName(dest);
    this.extended = opts.extended ?? true;
    this.gzipLevel = opts.gzipLevel ?? 6;
    this.dirInodes = opts.dirInodes ?? false;
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
    this.gzip = opts.gzip ?? /\.gz$/i.test(out instanceof Output && out.kind === 'atomic' ? out.target : dest);
    const meta: Record<string, unknown> = {
      progname: 'diskblame',
      progver: VERSION,
      timestamp: Math.floor(Date.now() / 1000),
    };
    for (const [k, v] of Object.entries(opts.meta ?? {})) meta[k.startsWith('x_') ? k : `x_${k}`] = v;
    this.str(`[1,2,${stringifyExact(meta)}`);
  }

  // ------------------------------------------------------------------ low-level output

  private str(s: string): void {
    if (this.len + s.length * 3 > this.buf.length) this.flush(false);
    if (s.length * 3 > this.buf.length) this.buf = Buffer.allocUnsafe(s.length * 3 + 65536);
    this.len += this.buf.write(s, this.len, 'utf8');
  }

  private rawString(b: Uint8Array): void {
    if (this.len + b.length * 6 + 2 > this.buf.length) this.flush(false);
    if (b.length * 6 + 2 > this.buf.length) this.buf = Buffer.allocUnsafe(b.length * 6 + 65536);
    const out = this.buf;
    let o = this.len;
    out[o++] = 0x22;
    for (let k = 0; k < b.length; k++) {
      const c = b[k];
      if (!needsEscape(c)) out[o++] = c;
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
    this.len = o;
  }

  private flush(final: boolean): void {
    if (this.len === 0 && !final) return;
    let data: Buffer = this.buf.subarray(0, this.len);
    if (this.gzip && this.len > 0) data = zlib.gzipSync(data, { level: this.gzipLevel });
    this.writeAll(data);
    this.len = 0;
  }

  private writeAll(data: Buffer): void {
    try {
      this.out.write(data);
    } catch (e) {
      this.abort();
      if ((e as NodeJS.ErrnoException).code === 'EPIPE') throw new ExportError('output closed (broken pipe)');
      throw new ExportError(`cannot write ${this.dest}: ${writeErrorText(e)}`);
    }
    this.written += data.length;
  }

  /** Hand what is buffered over now (a gzip member of its own when gzip'd): for a live stream. */
  flushNow(): void {
    if (!this.closed) this.flush(false);
  }

  // ------------------------------------------------------------------ the sink

  private info(e: Entry, isDir: boolean): void {
    this.str('{"name":');
    this.rawString(e.name);
    // everything after the name as one string: one buffer write per entry
    let s = '';
    const counted = e.excluded === Excluded.None;
    // exact digits: a bigint from 2^53 up (ncdu reads u64)
    if (counted && e.asize > 0) s += `,"asize":${typeof e.asize === 'number' ? Math.floor(e.asize) : e.asize}`;
    if (counted && e.dsize > 0) s += `,"dsize":${typeof e.dsize === 'number' ? Math.floor(e.dsize) : e.dsize}`;
    const parentDev = this.devStack.length ? this.devStack[this.devStack.length - 1] : -1;
    if (isDir && e.dev !== parentDev) s += `,"dev":${e.dev}`;
    if (isDir && this.dirInodes && e.ino) s += `,"ino":${e.ino}`;
    if (!isDir && e.nlink > 1 && counted) s += `,"ino":${e.ino},"hlnkc":true,"nlink":${e.nlink}`;
    if (e.readError) s += ',"read_error":true';
    if (e.excluded !== Excluded.None) s += `,"excluded":"${EXCLUDED_NAMES[e.excluded]}"`;
    if (e.type === EntryType.Symlink || e.type === EntryType.Other) s += ',"notreg":true';
    if (this.extended) {
      // ncdu 1.x cannot read ids above 2^31-1
      if (e.uid >= 0 && e.uid < 0x80000000) s += `,"uid":${e.uid}`;
      if (e.gid >= 0 && e.gid < 0x80000000) s += `,"gid":${e.gid}`;
      if (e.mode >= 0) s += `,"mode":${e.mode}`;
      if (e.mtime >= 0) s += `,"mtime":${e.mtime}`;
    }
    this.str(s + '}');
  }

  enterDir(dir: Entry): void {
    this.str(this.first ? ',\n[' : ',\n[');
    this.first = false;
    this.info(dir, true);
    this.devStack.push(dir.dev);
    this.depth++;
  }

  addEntry(e: Entry): void {
    this.str(',\n');
    if (e.type === EntryType.Dir) {
      // a directory not descended into (excluded, unreadable): still an array, as ncdu writes it
      this.str('[');
      this.info(e, true);
      this.str(']');
    } else this.info(e, false);
    if (this.len >= FLUSH_AT) this.flush(false);
  }

  leaveDir(): void {
    this.str(']');
    this.devStack.pop();
    this.depth--;
    if (this.len >= FLUSH_AT) this.flush(false);
  }

  finish(_info: SourceInfo): void {
    if (this.closed) return;
    while (this.depth > 0) this.leaveDir();
    this.flush(false); // the closing bracket alone in the last gzip member
    this.str(']\n');
    this.flush(true);
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
    this.out.abort();
  }

  get bytesWritten(): number {
    return this.written;
  }
}
