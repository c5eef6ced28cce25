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

/**
 * Calls onLine(text, lineNo) for every line of `source` (a path, '-' for stdin, or an open fd that
 * stays open: the caller closes it), decoded as
 * UTF-8 (a trailing '\r' is kept: the caller trims); the last line needs no '\n'. With
 * tooLong 'skip', a line over maxLine is reported as null. onLine may throw to stop.
 * Errors: the fs errors of open/read (ENOENT, EACCES, EISDIR, ...) and LineTooLongError.
 */
export function readLinesSync(
  source: string | number,
  opts: ReadLinesOptions,
  onLine: (line: string | null, no: number) => void,
): void {
  const fd = typeof source === 'number' ? source : source === '-' ? 0 : fs.openSync(source, 'r');
  try {
    const buf = Buffer.allocUnsafe(opts.chunk ?? 64 * 1024);
    const max = opts.maxLine;
    const skip = opts.tooLong === 'skip';
    let parts: Buffer[] = [];
    let partLen = 0;
    let over = false; // the current line is over the limit (skip mode)
    let lineStart = 0;
    let pos = 0;
    let no = 0;
    const emit = (head: Buffer, s: number, e: number): void => {
      no++;
      if (over) onLine(null, no);
      else if (partLen === 0) onLine(head.toString('utf8', s, e), no);
      else {
        parts.push(head.subarray(s, e));
        onLine(Buffer.concat(parts).toString('utf8'), no);
      }
      parts = [];
      partLen = 0;
      over = false;
    };
    for (;;) {
      const n = readWaiting(fd, buf);
      if (n === 0) break;
      let s = 0;
      for (;;) {
        let nl = buf.indexOf(0x0a, s);
        if (nl >= n) nl = -1;
        const e = nl < 0 ? n : nl;
        if (!over && partLen + (e - s) > max) {
          if (!skip) throw new LineTooLongError(no + 1, lineStart, max);
          over = true;
          parts = [];
          partLen = 0;
        }
        if (nl < 0) {
          // the line goes on in the next read: keep a copy (the buffer is reused)
          if (!over && e > s) {
            parts.push(Buffer.from(buf.subarray(s, e)));
            partLen += e - s;
          }
          break;
        }
        emit(buf, s, e);
        s = nl + 1;
        lineStart = pos + s;
      }
      pos += n;
    }
    if (over || partLen > 0) emit(Buffer.alloc(0), 0, 0);
  } finally {
    if (fd !== 0 && typeof source !== 'number') fs.closeSync(fd);
  }
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
  } finally {
    fs.closeSync(fd);
  }
}
