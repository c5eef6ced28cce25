/**
 * A file's first bytes, for a check of its header (kinds-trust.ts). Its own module: the startup
 * path (--version) loads read.ts, and stays small.
 */
import fs from 'node:fs';

/**
 * The first `max` bytes (fewer for a shorter file) of a regular file, for a check of its header
 * (an ELF core's e_type, a dump's first line): opened O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY
 * and fstat'ed before any read, so a symlink, FIFO, device or directory is never read (null). Any
 * error (ENOENT, EACCES, a file swapped meanwhile) is null too: a header that cannot be read is no
 * evidence. `file` is a path (a Buffer for names that are not UTF-8); reads at most `max` bytes.
 */
export function readHead(file: string | Buffer, max: number): Buffer | null {
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK | fs.constants.O_NOFOLLOW | fs.constants.O_NOCTTY);
  } catch {
    return null;
  }
  try {
    if (!fs.fstatSync(fd).isFile()) return null;
    const buf = Buffer.allocUnsafe(max);
    let got = 0;
    while (got < max) {
      const k = fs.readSync(fd, buf, got, max - got, got);
      if (k <= 0) break;
      got += k;
    }
    return buf.subarray(0, got);
  } catch {
    return null;
  } finally {
    fs.closeSync(fd);
  }
}
