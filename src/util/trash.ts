/**
 * Moving to the trash, as the freedesktop.org Trash specification says
 * (https://specifications.freedesktop.org/trash-spec/): the home trash ($XDG_DATA_HOME/Trash, by
 * default ~/.local/share/Trash) when the item is on the same mount, else the trash of the item's
 * mount: `$topdir/.Trash/$uid` when `$topdir/.Trash` is a real directory (not a symbolic link) with
 * the sticky bit, else `$topdir/.Trash-$uid`, made with mode 0700. In the trash, `info/NAME.trashinfo`
 * (Path= percent-encoded, DeletionDate= local time) is written first, atomically and never over
 * another one (util/write.ts, claimed with link(2): the claim of the name), then the item is renamed
 * into `files/NAME` from the held directory fd it is in (rename(2) through /proc/self/fd: the same
 * filesystem only, never a copy). A failed rename takes the info file back.
 *
 * The checks on the item (inside the scanned root, as scanned, no link followed) are
 * util/delete.ts's (RootedDeleter.moveOut calls putInTrash). Linux only (needs /proc).
 */
import fs from 'node:fs';
import path from 'node:path';
import { DeleteRefused, mountIdOf } from './delete.js';
import { readMountinfo } from './mountinfo.js';
import { writeFileAtomic } from './write.js';

const DIR_FLAGS = fs.constants.O_RDONLY | fs.constants.O_DIRECTORY | fs.constants.O_NOFOLLOW;

/** The home trash directory: $XDG_DATA_HOME/Trash, else $HOME/.local/share/Trash (absolute; null without either). */
export function homeTrash(env: NodeJS.ProcessEnv = process.env): string | null {
  const xdg = env.XDG_DATA_HOME;
  if (xdg && path.isAbsolute(xdg)) return path.join(xdg, 'Trash');
  const home = env.HOME;
  return home && path.isAbsolute(home) ? path.join(home, '.local/share/Trash') : null;
}

/**
 * Path= of a .trashinfo: the path's bytes percent-encoded (RFC 2396), '/' and the unreserved
 * characters kept. `p`: exact bytes.
 */
export function encodeTrashPath(p: Uint8Array): string {
  let out = '';
  for (const b of p) {
    const c = String.fromCharCode(b);
    if (/[A-Za-z0-9\-_.!~*'()/]/.test(c)) out += c;
    else out += '%' + b.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

/** DeletionDate= of a .trashinfo: local time, YYYY-MM-DDThh:mm:ss. */
export function trashDate(d: Date): string {
  const z = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${z(d.getMonth() + 1)}-${z(d.getDate())}T${z(d.getHours())}:${z(d.getMinutes())}:${z(d.getSeconds())}`;
}

/** the text of a .trashinfo for the item at `original` (absolute, exact bytes) */
export function trashInfoText(original: Uint8Array, when: Date): string {
  return `[Trash Info]\nPath=${encodeTrashPath(original)}\nDeletionDate=${trashDate(when)}\n`;
}

/** a directory of ours at `p`: made (mode) when missing; refused when a link, not a directory, or another user's */
function ownDir(p: string, mode: number): void {
  try {
    fs.mkdirSync(p, { mode });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
  const st = fs.lstatSync(p);
  if (st.isSymbolicLink()) throw new DeleteRefused(`the trash ${p} is a symbolic link: refusing`);
  if (!st.isDirectory()) throw new DeleteRefused(`the trash ${p} is not a directory: refusing`);
  const uid = process.geteuid?.() ?? -1;
  if (st.uid !== uid) throw new DeleteRefused(`the trash ${p} belongs to uid ${st.uid}: refusing`);
}

/**
 * The trash of a mount whose top directory is `topdir`, for user `uid`, made if missing (spec:
 * "Trash directories (2)"): `$topdir/.Trash/$uid` when `$topdir/.Trash` exists as a directory that
 * is not a symbolic link and has the sticky bit; else `$topdir/.Trash-$uid` (mode 0700). A
 * `$topdir/.Trash` that is a link or lacks the sticky bit is not used (the spec: skipped, as here,
 * for the .Trash-$uid form). Throws DeleteRefused when the one chosen is a link, not a directory or
 * not ours, or the errno error when it cannot be made.
 */
export function topdirTrash(topdir: string, uid: number): string {
  const shared = path.join(topdir, '.Trash');
  let st: fs.Stats | null = null;
  try {
    st = fs.lstatSync(shared);
  } catch {
    st = null;
  }
  if (st && st.isDirectory() && !st.isSymbolicLink() && (st.mode & 0o1000) !== 0) {
    const mine = path.join(shared, String(uid));
    ownDir(mine, 0o700);
    return mine;
  }
  const mine = path.join(topdir, `.Trash-${uid}`);
  ownDir(mine, 0o700);
  return mine;
}

/** the nearest existing directory at or above `p` */
function existingAbove(p: string): string {
  for (let d = p; ; d = path.dirname(d)) {
    try {
      if (fs.statSync(d).isDirectory()) return d;
    } catch {
      // not there: the one above
    }
    if (d === path.dirname(d)) return d;
  }
}

/** the mount id of the directory at `p` (opened, not following a final link), or -1 */
function mountIdAt(p: string): number {
  let fd: number;
  try {
    fd = fs.openSync(p, fs.constants.O_RDONLY | fs.constants.O_DIRECTORY);
  } catch {
    return -1;
  }
  try {
    return mountIdOf(fd);
  } catch {
    return -1;
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * The trash for an item in the directory held open as `parentFd`: the home trash when it is on the
 * same mount (a rename can reach it), else the item's mount's topdir trash. Made if missing.
 * `env`: where $XDG_DATA_HOME and $HOME come from. Throws DeleteRefused (with the reason) or an
 * errno error.
 */
export function trashFor(parentFd: number, env: NodeJS.ProcessEnv = process.env): string {
  const mnt = mountIdOf(parentFd);
  const home = homeTrash(env);
  if (home && mountIdAt(existingAbove(home)) === mnt) {
    fs.mkdirSync(home, { recursive: true, mode: 0o700 });
    ownDir(home, 0o700);
    return home;
  }
  const rows = readMountinfo();
  const m = rows?.find((r) => r.mountId === mnt);
  if (!m) throw new DeleteRefused('cannot find the mount of the item in /proc/self/mountinfo: no trash');
  const top = m.mountPoint.toString('utf8');
  if (!Buffer.from(top, 'utf8').equals(m.mountPoint)) throw new DeleteRefused('the mount point of the item is not UTF-8: no trash');
  return topdirTrash(top, process.geteuid?.() ?? 0);
}

/** a name for files/ and info/: the item's own when it is valid UTF-8, else percent-encoded */
function trashName(name: Buffer): string {
  const s = name.toString('utf8');
  return Buffer.from(s, 'utf8').equals(name) ? s : encodeTrashPath(name).replace(/\//g, '%2F');
}

/** open(2)'s O_PATH (Linux; not in fs.constants): a handle for fstat and `..`, needing no read permission */
const O_PATH = 0o10000000;

/**
 * Call `visit` with the (dev, inode) of the directory held as `fd` and of each one above it (through
 * `..`, held as O_PATH fds one at a time: any depth, no path rebuilt), up to the root; stops early
 * when `visit` returns true (and returns true). The caller keeps `fd`.
 */
function someAbove(fd: number, visit: (st: fs.Stats) => boolean): boolean {
  let cur = fd;
  try {
    let st = fs.fstatSync(cur);
    for (;;) {
      if (visit(st)) return true;
      const up = fs.openSync(`/proc/self/fd/${cur}/..`, O_PATH | fs.constants.O_DIRECTORY);
      if (cur !== fd) fs.closeSync(cur);
      cur = up;
      const ust = fs.fstatSync(cur);
      if (ust.dev === st.dev && ust.ino === st.ino) return false; // the root: its '..' is itself
      st = ust;
    }
  } finally {
    if (cur !== fd) fs.closeSync(cur);
  }
}

/**
 * Throws DeleteRefused when `name` in the directory `parentFd` must not go into `trash`: it is the
 * trash itself, it is in it already (the directory it is in is the trash or below it: files/,
 * info/; moving it again would leave its .trashinfo naming nothing), or it holds the trash (a
 * directory cannot go inside itself). By (dev, inode), never by comparing paths.
 */
function refuseTrashItself(trash: string, parentFd: number, name: Buffer): void {
  const t = fs.statSync(trash);
  const isTrash = (st: fs.Stats) => st.dev === t.dev && st.ino === t.ino;
  const item = fs.lstatSync(Buffer.concat([Buffer.from(`/proc/self/fd/${parentFd}/`), name]));
  if (isTrash(item)) throw new DeleteRefused(`is the trash ${trash}: not moved into itself`);
  if (someAbove(parentFd, isTrash)) throw new DeleteRefused('in the trash already: not moved again (empty the trash to remove it)');
  if (!item.isDirectory()) return;
  const trashFd = fs.openSync(trash, O_PATH | fs.constants.O_DIRECTORY);
  try {
    if (someAbove(trashFd, (st) => st.dev === item.dev && st.ino === item.ino))
      throw new DeleteRefused(`holds the trash ${trash}: not moved into itself`);
  } finally {
    fs.closeSync(trashFd);
  }
}

/**
 * Move `name` in the directory `parentFd` into the trash directory `trash` (it, files/ and info/
 * made 0700 when missing; its parent must exist). `original`: the item's absolute path (bytes) for Path=. The .trashinfo is
 * claimed first under the first free name of NAME, NAME.2, NAME.3, ... (free in both info/ and
 * files/), then the item renamed into files/. Returns the name used. Throws DeleteRefused when the
 * trash is on another filesystem than the item, or the item is in that trash already, is the trash
 * or holds it (refuseTrashItself); or the errno error (EXDEV: another mount).
 */
export function putInTrash(trash: string, parentFd: number, name: Buffer, original: Uint8Array, when = new Date()): string {
  if (original[0] !== 0x2f) throw new DeleteRefused('the path is not absolute: not moved to the trash');
  const files = path.join(trash, 'files');
  const info = path.join(trash, 'info');
  ownDir(trash, 0o700);
  ownDir(files, 0o700);
  ownDir(info, 0o700);
  const filesFd = fs.openSync(files, DIR_FLAGS);
  try {
    if (fs.fstatSync(filesFd).dev !== fs.fstatSync(parentFd).dev)
      throw new DeleteRefused(`the trash ${trash} is on another filesystem: not moved (never copied)`);
    refuseTrashItself(trash, parentFd, name);
    const base = trashName(name);
    let chosen = '';
    writeFileAtomic(path.join(info, `${base}.trashinfo`), trashInfoText(original, when), {
      mode: 0o600,
      claim: (tmp) => {
        for (let k = 1; k < 10_000; k++) {
          const cand = k === 1 ? base : `${base}.${k}`;
          const dest = path.join(info, `${cand}.trashinfo`);
          try {
            fs.lstatSync(path.join(files, cand));
            continue; // something is in files/ by that name already
          } catch {
            // free in files/
          }
          try {
            fs.linkSync(tmp, dest);
          } catch (e) {
            if ((e as NodeJS.ErrnoException).code === 'EEXIST') continue;
            throw e;
          }
          fs.unlinkSync(tmp);
          chosen = cand;
          return dest;
        }
        throw new DeleteRefused('no free name in the trash');
      },
    });
    try {
      // rename(2) through the magic links: from the held directory, into the held files/, the
      // last component never followed (a link is moved as a link)
      fs.renameSync(Buffer.concat([Buffer.from(`/proc/self/fd/${parentFd}/`), name]), `/proc/self/fd/${filesFd}/${chosen}`);
    } catch (e) {
      try {
        fs.unlinkSync(path.join(info, `${chosen}.trashinfo`));
      } catch {
        // gone already
      }
      if ((e as NodeJS.ErrnoException).code === 'EXDEV') throw new DeleteRefused('the trash is on another mount: not moved (never copied)');
      throw e;
    }
    return chosen;
  } finally {
    fs.closeSync(filesFd);
  }
}
