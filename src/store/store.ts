/**
 * The store: where snapshots and usage samples live. A plain directory, no server.
 * Resolution: --store DIR > $DISKBLAME_STORE > $XDG_STATE_HOME/diskblame > ~/.local/state/diskblame.
 * Every write is atomic (temp file in the same directory, fsync, rename); a failed write removes
 * its temp file and leaves what was saved before untouched (util/write.ts).
 *
 * The store is trusted only when nobody else can plant files in it (as ssh's StrictModes): the
 * store directory and its subdirectories must belong to the effective user (or root) and not be
 * writable by group or others; files in it are opened without following links. A symbolic link on
 * the way to it (any component, as StrictModes checks the path's directories, not only the end)
 * is followed only as the kernel's protected_symlinks would: not when another user planted it in
 * a directory others can write (`--store /tmp/store` that nobody made a link to your files).
 */
import fs from 'node:fs';
import path from 'node:path';
import { UserError } from '../util/errors.js';
import { homeDir } from '../util/cachedir.js';
import { escapeName } from '../util/escape.js';
import { makeDirs, plantedLinkOn, plantedLinkText, writeErrorText } from '../util/write.js';

// the writing itself is in util/write.ts (kept importable from here)
export { writeErrorText, writeFileAtomic } from '../util/write.js';

export function storeDir(opt?: string): string {
  if (opt) return path.resolve(opt);
  if (process.env.DISKBLAME_STORE) return path.resolve(process.env.DISKBLAME_STORE);
  const xdg = process.env.XDG_STATE_HOME;
  if (xdg && path.isAbsolute(xdg)) return path.join(xdg, 'diskblame');
  const home = homeDir();
  if (home === null) throw new UserError('no store: there is no home directory (no HOME, no passwd entry); name one with --store DIR or DISKBLAME_STORE');
  return path.join(home, '.local', 'state', 'diskblame');
}

/** Refuse `p` when a link on its way was planted by another user (util/write.ts resolvePath). */
function checkLinks(p: string, what: string): void {
  const link = plantedLinkOn(path.resolve(p));
  if (link) throw new UserError(`${what} ${escapeName(p)}: ${plantedLinkText(link)}`);
}

/**
 * Check that directory `p` (a link to one is followed, unless planted: checkLinks) is private enough to trust: owned by the
 * effective user or root, not writable by group or others. A missing directory passes (nothing
 * to read in it). Throws a UserError of one line:
 * "store DIR is writable by others (mode 0777): refusing; chmod go-w DIR".
 */
export function checkPrivateDir(p: string, what = 'store'): void {
  checkLinks(p, what);
  let st: fs.Stats;
  try {
    st = fs.statSync(p);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw new UserError(`cannot read ${what} ${escapeName(p)}: ${writeErrorText(e)}`);
  }
  const name = escapeName(p);
  if (!st.isDirectory()) throw new UserError(`${what} ${name} is not a directory`);
  const euid = process.geteuid?.() ?? st.uid;
  if (st.uid !== euid && st.uid !== 0)
    throw new UserError(`${what} ${name} belongs to uid ${st.uid}, not to you (uid ${euid}) or root: refusing; use a ${what} of your own`);
  if (st.mode & 0o022) {
    const mode = (st.mode & 0o7777).toString(8).padStart(4, '0');
    throw new UserError(`${what} ${name} is writable by others (mode ${mode}): refusing; chmod go-w ${name}`);
  }
}

/** checkPrivateDir of the store `dir` and of its subdirectory `sub` (when given). */
export function checkStore(dir: string, sub = ''): void {
  checkPrivateDir(dir);
  if (sub) checkPrivateDir(path.join(dir, sub));
}

/**
 * Create the store directory (and `sub`) if needed, mode 0700, and check both (checkPrivateDir);
 * returns the full path. Throws a UserError of one line.
 */
export function ensureDir(dir: string, sub = '', what = 'store'): string {
  const mk = (p: string, recursive: boolean) => {
    try {
      if (recursive) makeDirs(p, 0o700); // (not fs.mkdirSync's recursive mode: it loops forever in /proc)
      else fs.mkdirSync(p, { mode: 0o700 });
    } catch (e) {
      if (!recursive && (e as NodeJS.ErrnoException).code === 'EEXIST') return;
      throw new UserError(`cannot create ${what} ${escapeName(p)}: ${writeErrorText(e)}`);
    }
  };
  checkLinks(dir, what); // before mkdir -p makes anything at the end of a planted link
  mk(dir, true);
  checkPrivateDir(dir, what); // before anything is made in it
  if (!sub) return dir;
  const p = path.join(dir, sub);
  mk(p, false);
  checkPrivateDir(p, what);
  return p;
}

