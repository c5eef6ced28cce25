/**
 * A file's first bytes, for a check of its header (kinds-trust.ts). Its own module: the startup
 * path (--version) loads read.ts, and stays small.
 */
import fs from 'node:fs';

const DIR_FLAGS = fs.constants.O_RDONLY | fs.constants.O_DIRECTORY | fs.constants.O_NOFOLLOW;
const FILE_FLAGS = fs.constants.O_RDONLY | fs.constants.O_NONBLOCK | fs.constants.O_NOFOLLOW | fs.constants.O_NOCTTY;

/** /proc/self/fd is there to open a name relative to a held directory (as openat does) */
let procFd: boolean | undefined;

/**
 * The first `max` bytes (fewer for a shorter file) of a regular file, for a check of its header
 * (an ELF core's e_type, a dump's first line). No symlink is followed anywhere on the path: each
 * directory is opened O_NOFOLLOW | O_DIRECTORY from the one before it (through /proc/self/fd/N, as
 * openat would; where there is no /proc, the whole path with O_NOFOLLOW on its last part), so a
 * directory swapped for a link after the scan leads nowhere. The file is opened O_RDONLY |
 * O_NOFOLLOW | O_NONBLOCK | O_NOCTTY and fstat'ed before any read: a FIFO, device or directory is
 * never read. Any error (ENOENT, EACCES, ELOOP, a file swapped meanwhile) is null: a header that
 * cannot be read is no evidence. `file`: an absolute path (a Buffer for names that are not UTF-8);
 * reads at most `max` bytes.
 */
export function readHead(file: string | Buffer, max: number): Buffer | null {
  const p = typeof file === 'string' ? Buffer.from(file) : file;
  procFd ??= fs.existsSync('/proc/self/fd');
  let fd = -1;
  try {
    if (procFd && p[0] === 0x2f) {
      // down the path a directory at a time, from `/`
      const parts: Buffer[] = [];
      let s = 1;
      for (let k = 1; k <= p.length; k++)
        if (k === p.length || p[k] === 0x2f) {
          if (k > s) parts.push(p.subarray(s, k));
          s = k + 1;
        }
      if (parts.length === 0) return null;
      let dir = fs.openSync('/', DIR_FLAGS);
      try {
        for (let k = 0; k < parts.length - 1; k++) {
          const next = fs.openSync(Buffer.concat([Buffer.from(`/proc/self/fd/${dir}/`), parts[k]]), DIR_FLAGS);
          fs.closeSync(dir);
          dir = next;
        }
        fd = fs.openSync(Buffer.concat([Buffer.from(`/proc/self/fd/${dir}/`), parts[parts.length - 1]]), FILE_FLAGS);
      } finally {
        fs.closeSync(dir);
      }
    } else fd = fs.openSync(p, FILE_FLAGS);
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
