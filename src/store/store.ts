/**
 * The store: where snapshots and usage samples live. A plain directory, no server.
 * Resolution: --store DIR > $DISKBLAME_STORE > $XDG_STATE_HOME/diskblame > ~/.local/state/diskblame.
 * Every write is atomic (temp file in the same directory, fsync, rename); a failed write removes
 * its temp file and leaves what was saved before untouched.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { UserError } from '../util/errors.js';

export function storeDir(opt?: string): string {
  if (opt) return path.resolve(opt);
  if (process.env.DISKBLAME_STORE) return path.resolve(process.env.DISKBLAME_STORE);
  const xdg = process.env.XDG_STATE_HOME;
  if (xdg && path.isAbsolute(xdg)) return path.join(xdg, 'diskblame');
  return path.join(os.homedir(), '.local', 'state', 'diskblame');
}

/** One line for a failed write: "disk full" rather than ENOSPC. */
export function writeErrorText(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  switch (err?.code) {
    case 'ENOSPC':
      return 'no space left on the device';
    case 'EDQUOT':
      return 'disk quota exceeded';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EROFS':
      return 'read-only file system';
    case 'ENOENT':
      return 'no such file or directory';
    case 'ENOTDIR':
      return 'not a directory';
    default:
      return (err?.message ?? String(e)).replace(/^[A-Z]+: /, '');
  }
}

/** Create the store directory (and `sub`) if needed; returns the full path. */
export function ensureDir(dir: string, sub = ''): string {
  const p = sub ? path.join(dir, sub) : dir;
  try {
    fs.mkdirSync(p, { recursive: true, mode: 0o700 });
  } catch (e) {
    throw new UserError(`cannot create store ${p}: ${writeErrorText(e)}`);
  }
  return p;
}

/** Write `data` to `file` atomically: temp file, fsync, rename. Throws UserError on failure. */
export function writeFileAtomic(file: string, data: string | Uint8Array, mode = 0o600): void {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  let fd = -1;
  try {
    fd = fs.openSync(tmp, 'w', mode);
    const buf = typeof data === 'string' ? Buffer.from(data) : data;
    let off = 0;
    while (off < buf.length) off += fs.writeSync(fd, buf, off, buf.length - off);
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = -1;
    fs.renameSync(tmp, file);
  } catch (e) {
    if (fd >= 0) try { fs.closeSync(fd); } catch { /* already failing */ }
    try { fs.unlinkSync(tmp); } catch { /* never created */ }
    throw new UserError(`cannot write ${file}: ${writeErrorText(e)}`);
  }
}
