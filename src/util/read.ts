/**
 * Reading files with bounded memory.
 *
 * readLinesSync: a text file, or stdin, a line at a time: a line may be at most `maxLine` bytes
 * (without its '\n'), so /dev/zero, a file of one 10 GB line or a pipe that never sends a newline
 * cannot grow memory; only the current line is held. Synchronous (callers are synchronous), and a
 * non-blocking stdin (O_NONBLOCK set by whoever shares the pipe, where a plain readFileSync(0)
 * fails with EAGAIN, "resource temporarily unavailable") is waited on: a slow pipe is read as it
 * comes.
 *
 * readFileCapped: a whole small file (a config, a unit file, a JSON state file) that may be at most
 * `max` bytes: a bigger one (or a device that never ends) fails with FileTooLargeError after
 * reading max + 1 bytes, never more.
 */
import fs from 'node:fs';

/** A line over the limit, in `throw` mode. `line` is 1-based, `offset` the byte offset of its start. */
export class LineTooLongError extends Error {
  constructor(
    readonly line: number,
    readonly offset: number,
    readonly max: number,
  ) {
    super(`line ${line} is longer than ${max} bytes (at byte ${offset})`);
    this.name = 'LineTooLongError';
  }
}

export interface ReadLinesOptions {
  /** the longest line in bytes, without its '\n' */
  maxLine: number;
  /** 'throw' (default): a longer line throws LineTooLongError; 'skip': it is passed as null (its bytes are not kept) */
  tooLong?: 'throw' | 'skip';
  /** bytes per read (default 64 KiB) */
  chunk?: number;
  /** the most bytes in all (decompressed, for a gzip): more throws InputTooLargeError; default: no limit */
  maxBytes?: number;
}

const EAGAIN_WAIT_MS = 10;
let sleeper: Int32Array | undefined;

/** Block the thread for `ms` milliseconds (waiting out EAGAIN on a descriptor shared with another process). */
export function sleepSync(ms: number): void {
  sleeper ??= new Int32Array(new SharedArrayBuffer(4));
  Atomics.wait(sleeper, 0, 0, ms);
}

/** readSync that waits out EAGAIN on a non-blocking descriptor (a pipe or terminal shared with another process). */
function readWaiting(fd: number, buf: Buffer): number {
  for (;;) {
    try {
      return fs.readSync(fd, buf, 0, buf.length, null);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'EAGAIN' && code !== 'EWOULDBLOCK') throw e;
      sleepSync(EAGAIN_WAIT_MS);
    }
  }
}

/** An input over ReadLinesOptions.maxBytes (a text that never ends: `yes ''`, a gzip bomb of newlines). */
export class InputTooLargeError extends Error {
  readonly code = 'EFBIG';
  constructor(readonly max: number) {
    super(`longer than ${max} bytes`);
    this.name = 'InputTooLargeError';
  }
}

/**
 * Bytes in, lines out, holding only the current line: push(chunk) as they come, then end(). Calls
 * onLine(text, lineNo) per line (see readLinesSync for the options and errors).
 */
export class LineSplitter {
  private parts: Buffer[] = [];
  private partLen = 0;
  private over = false; // the current line is over the limit (skip mode)
  private lineStart = 0;
  private pos = 0;
  private no = 0;

  constructor(
    private readonly opts: ReadLinesOptions,
    private readonly onLine: (line: string | null, no: number) => void,
  ) {}

  private emit(head: Buffer, s: number, e: number): void {
    this.no++;
    if (this.over) this.onLine(null, this.no);
    else if (this.partLen === 0) this.onLine(head.toString('utf8', s, e), this.no);
    else {
      this.parts.push(head.subarray(s, e));
      this.onLine(Buffer.concat(this.parts).toString('utf8'), this.no);
    }
    this.parts = [];
    this.partLen = 0;
    this.over = false;
  }

  /** The next n bytes of the input (buf[0..n)); buf may be reused by the caller afterwards. */
  push(buf: Buffer, n = buf.length): void {
    const max = this.opts.maxLine;
    if (this.opts.maxBytes !== undefined && this.pos + n > this.opts.maxBytes) throw new InputTooLargeError(this.opts.maxBytes);
    let s = 0;
    for (;;) {
      let nl = buf.indexOf(0x0a, s);
      if (nl >= n) nl = -1;
      const e = nl < 0 ? n : nl;
      if (!this.over && this.partLen + (e - s) > max) {
        if (this.opts.tooLong !== 'skip') throw new LineTooLongError(this.no + 1, this.lineStart, max);
        this.over = true;
        this.parts = [];
        this.partLen = 0;
      }
      if (nl < 0) {
        // the line goes on in the next push: keep a copy (the buffer may be reused)
        if (!this.over && e > s) {
          this.parts.push(Buffer.from(buf.subarray(s, e)));
          this.partLen += e - s;
        }
        break;
      }
      this.emit(buf, s, e);
      s = nl + 1;
      this.lineStart = this.pos + s;
    }
    this.pos += n;
  }

  /** The input ended: the last line (which needs no '\n'). */
  end(): void {
    if (this.over || this.partLen > 0) this.emit(Buffer.alloc(0), 0, 0);
  }
}

/**
 * Calls onLine(text, lineNo) for every line of `source` (a path, '-' for stdin, or an open fd that
 * stays open: the caller closes it), decoded as
 * UTF-8 (a trailing '\r' is kept: the caller trims); the last line needs no '\n'. With
 * tooLong 'skip', a line over maxLine is reported as null. onLine may throw to stop.
 * Errors: the fs errors of open/read (ENOENT, EACCES, EISDIR, ...), LineTooLongError, InputTooLargeError.
 */
export function readLinesSync(
  source: string | number,
  opts: ReadLinesOptions,
  onLine: (line: string | null, no: number) => void,
): void {
  const fd = typeof source === 'number' ? source : source === '-' ? 0 : fs.openSync(source, 'r');
  try {
    const buf = Buffer.allocUnsafe(opts.chunk ?? 64 * 1024);
    const split = new LineSplitter(opts, onLine);
    for (;;) {
      const n = readWaiting(fd, buf);
      if (n === 0) break;
      split.push(buf, n);
    }
    split.end();
  } finally {
    if (fd !== 0 && typeof source !== 'number') fs.closeSync(fd);
  }
}

/**
 * readLinesSync over a stream of bytes (e.g. a gunzipped file): the same lines, limits and errors;
 * the stream's own errors propagate.
 */
export async function readLines(
  source: AsyncIterable<Uint8Array>,
  opts: ReadLinesOptions,
  onLine: (line: string | null, no: number) => void,
): Promise<void> {
  const split = new LineSplitter(opts, onLine);
  for await (const c of source) split.push(Buffer.isBuffer(c) ? c : Buffer.from(c.buffer, c.byteOffset, c.byteLength));
  split.end();
}

/** A file over readFileCapped's limit. */
export class FileTooLargeError extends Error {
  readonly code = 'EFBIG';
  constructor(
    readonly file: string,
    readonly max: number,
  ) {
    super(`larger than ${max} bytes`);
    this.name = 'FileTooLargeError';
  }
}

/**
 * The contents of `file` (UTF-8 text with `encoding` 'utf8', else the bytes), which must be at most
 * `max` bytes. Errors: the fs errors of open/read, FileTooLargeError.
 */
export function readFileCapped(file: string, max: number): Buffer;
export function readFileCapped(file: string, max: number, encoding: 'utf8'): string;
export function readFileCapped(file: string, max: number, encoding?: 'utf8'): Buffer | string {
  const fd = fs.openSync(file, 'r');
  try {
    return readFdCapped(fd, file, max, encoding);
  } finally {
    fs.closeSync(fd);
  }
}

/** readFileCapped's reading, of an open descriptor (not closed here) */
function readFdCapped(fd: number, file: string, max: number, encoding?: 'utf8'): Buffer | string {
  {
    let buf = Buffer.allocUnsafe(Math.min(max + 1, 64 * 1024));
    let len = 0;
    for (;;) {
      if (len === buf.length) {
        if (len > max) throw new FileTooLargeError(file, max);
        const nb = Buffer.allocUnsafe(Math.min(max + 1, buf.length * 2));
        buf.copy(nb, 0, 0, len);
        buf = nb;
      }
      const n = readWaiting(fd, buf.subarray(len));
      if (n === 0) break;
      len += n;
    }
    if (len > max) throw new FileTooLargeError(file, max);
    return encoding ? buf.toString('utf8', 0, len) : buf.subarray(0, len);
  }
}

/**
 * readFileCapped of a regular file only, never blocking and never opening anything else: the
 * path is looked at first (a FIFO, a device, a symlink or a directory gives null, unopened: opening
 * a FIFO waits for a writer, opening a device runs its driver), then opened non-blocking without
 * following a final link, and read only when it is still the same regular file (one swapped for a
 * FIFO in between gives null). Throws what fs throws (ENOENT...) and FileTooLargeError over `max`.
 */
export function readRegularCapped(file: string, max: number): string | null {
  const before = fs.lstatSync(file);
  if (!before.isFile()) return null;
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK | fs.constants.O_NOFOLLOW | fs.constants.O_NOCTTY);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ELOOP') return null;
    throw e;
  }
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile() || st.ino !== before.ino || st.dev !== before.dev) return null;
    return readFdCapped(fd, file, max, 'utf8') as string;
  } finally {
    fs.closeSync(fd);
  }
}

