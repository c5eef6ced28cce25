/**
 * Deleting inside a directory tree without ever leaving it, whatever happens to the paths meanwhile.
 *
 * Nothing is addressed by a full path string. The root is opened (O_DIRECTORY|O_NOFOLLOW) and its
 * (dev, inode) checked; every step down opens one component relative to the directory held open
 * above it, as openat(2) would: through `/proc/self/fd/<fd>/<name>`, where the magic link stands for
 * the open directory itself (not for a path), and the name is raw bytes. Each directory opened is
 * checked: never a symbolic link (O_NOFOLLOW), the same filesystem and the same mount as the root
 * (st_dev and the `mnt_id` of /proc/self/fdinfo, so a bind mount of the same filesystem is refused
 * too), and, where the caller knows it, the (dev, inode) it had when it was scanned. unlink(2) and
 * rmdir(2) go through the same magic link and never follow their last component.
 *
 * Subtrees are removed iteratively (an explicit stack, no recursion), holding a bounded number of
 * directories open: the deepest WINDOW levels and every CHECKPOINT-th level; a level whose fd was
 * closed is opened again from the nearest held one above it, each step checked again.
 *
 * Linux only (needs /proc). Synchronous: a deletion is one user action, and nothing may happen
 * between a check and the call it guards.
 */
import fs from 'node:fs';

/** What a directory was when it was scanned. `ino` 0 means unknown: such a directory is refused. */
export interface DirIdentity {
  dev: number;
  ino: number;
}

/** A directory on the way down from the root: its name (raw bytes) and its identity as scanned. */
export interface Step extends DirIdentity {
  name: Uint8Array;
}

export type LeafKind = 'file' | 'dir' | 'symlink' | 'other';

/** The entry to delete, in the directory the steps lead to. */
export interface Leaf {
  name: Uint8Array;
  kind: LeafKind;
  /** inode as scanned; 0 when not known (then the kind alone is checked). Directories: required. */
  ino: number;
  /** directories only: remove everything in it (false: only when empty; not empty is then no failure) */
  recursive?: boolean;
  /**
   * owner as scanned (uid, gid), checked when given (>= 0): the tree keeps no inode for a file with
   * one link, so a file replaced since the scan by another user's (an owner-filtered delete of
   * "user X's files") is told by its owner
   */
  uid?: number;
  gid?: number;
}

export interface DeleteFailure {
  /** the full path (bytes), for showing with escapeName */
  path: Buffer;
  reason: string;
}

/** What one or more deletions did. */
export interface DeleteResult {
  /** entries removed from the disk (files, links, directories) */
  deleted: number;
  /** disk bytes freed (st_blocks × 512 of each entry removed; a hard-linked file only with its last link) */
  freed: number;
  /** entries that could not be removed (those below a refused directory not counted one by one) */
  failed: number;
  /** the first failures, at most MAX_FAILURES */
  failures: DeleteFailure[];
}

export const MAX_FAILURES = 20;
/** deepest levels kept open while removing a subtree */
const WINDOW = 32;
/** every CHECKPOINT-th level stays open too, so a closed level is reopened in fewer than CHECKPOINT steps */
const CHECKPOINT = 128;
const DIR_FLAGS = fs.constants.O_RDONLY | fs.constants.O_DIRECTORY | fs.constants.O_NOFOLLOW;

/** A deletion refused before anything was removed (the reason is for the status line). */
export class DeleteRefused extends Error {}

const SLASH = Buffer.from('/');

function fdPath(fd: number): Buffer {
  return Buffer.from(`/proc/self/fd/${fd}`);
}
/** the path that names `name` inside the directory held open as `fd` */
function childPath(fd: number, name: Uint8Array): Buffer {
  return Buffer.concat([Buffer.from(`/proc/self/fd/${fd}/`), name]);
}

/** a single component: not empty, no slash, no NUL, not "." or ".." */
function checkName(name: Uint8Array): void {
  const bad =
    name.length === 0 ||
    name.includes(0x2f) ||
    name.includes(0) ||
    (name.length === 1 && name[0] === 0x2e) ||
    (name.length === 2 && name[0] === 0x2e && name[1] === 0x2e);
  if (bad) throw new DeleteRefused('not a plain file name');
}

/** The mount id of an open fd (/proc/self/fdinfo), or throws DeleteRefused when it cannot be read. */
export function mountIdOf(fd: number): number {
  let text: string;
  try {
    text = fs.readFileSync(`/proc/self/fdinfo/${fd}`, 'latin1');
  } catch {
    throw new DeleteRefused('cannot check mounts: /proc/self/fdinfo is not readable');
  }
  const m = /^mnt_id:\s*(\d+)/m.exec(text);
  if (!m) throw new DeleteRefused('cannot check mounts: no mnt_id in /proc/self/fdinfo');
  return Number(m[1]);
}

function errText(e: unknown): string {
  if (e instanceof DeleteRefused) return e.message;
  const code = (e as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT':
      return 'no longer there';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ENOTEMPTY':
    case 'EEXIST':
      return 'directory not empty';
    case 'EBUSY':
      return 'in use (a mount point?)';
    case 'EROFS':
      return 'read-only file system';
    case 'ELOOP':
      return 'is a symbolic link now';
    case 'ENOTDIR':
      return 'not a directory now';
    default:
      return code ?? (e as Error).message ?? String(e);
  }
}

function kindOf(st: fs.Stats): LeafKind {
  if (st.isDirectory()) return 'dir';
  if (st.isFile()) return 'file';
  if (st.isSymbolicLink()) return 'symlink';
  return 'other';
}

interface Frame {
  name: Buffer;
  dev: number;
  ino: number;
  /** open directory fd, or -1 when closed to save fds (reopened on demand) */
  fd: number;
  /** removal: names still to remove in it (read when first needed) */
  pending?: Buffer[];
  /** removal: something below could not be removed (its own rmdir will fail: not counted twice) */
  failedBelow?: boolean;
  /** removal: its own st_blocks × 512 */
  bytes?: number;
}

/**
 * A held chain of open directories from a root down, each checked as it was opened. Keeps a bounded
 * number of fds open (see WINDOW, CHECKPOINT).
 */
class HeldPath {
  readonly frames: Frame[];
  readonly rootDev: number;
  readonly rootMnt: number;

  constructor(rootFd: number, rootPath: Buffer, st: fs.Stats) {
    this.rootDev = st.dev;
    this.rootMnt = mountIdOf(rootFd);
    this.frames = [{ name: rootPath, dev: st.dev, ino: st.ino, fd: rootFd }];
  }

  get depth(): number {
    return this.frames.length - 1;
  }

  /** Open `name` below the directory `parentFd` and check it; returns the fd. */
  private openChecked(parentFd: number, name: Buffer, expect: DirIdentity | null): { fd: number; st: fs.Stats } {
    checkName(name);
    let fd: number;
    try {
      fd = fs.openSync(childPath(parentFd, name), DIR_FLAGS);
    } catch (e) {
      // O_NOFOLLOW|O_DIRECTORY says ENOTDIR (or ELOOP) for a symbolic link: say which it is
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOTDIR' || code === 'ELOOP') {
        let link = false;
        try {
          link = fs.lstatSync(childPath(parentFd, name)).isSymbolicLink();
        } catch {
          // gone meanwhile: the open's error stands
        }
        if (link) throw new DeleteRefused('is a symbolic link now: not followed');
      }
      throw e;
    }
    try {
      const st = fs.fstatSync(fd);
      if (st.dev !== this.rootDev) throw new DeleteRefused('on another filesystem (a mount point): left alone');
      if (mountIdOf(fd) !== this.rootMnt) throw new DeleteRefused('a mount point (another mount of the same filesystem): left alone');
      if (expect) {
        if (!expect.ino) throw new DeleteRefused('its identity (inode) is unknown: not deleted');
        if (st.dev !== expect.dev || st.ino !== expect.ino) throw new DeleteRefused('replaced since the scan (another directory by that name): not deleted');
      }
      return { fd, st };
    } catch (e) {
      fs.closeSync(fd);
      throw e;
    }
  }

  /** Descend into `name` (a directory below the top); `expect`: its identity, if known beforehand. */
  push(name: Buffer, expect: DirIdentity | null): Frame {
    const { fd, st } = this.openChecked(this.fdAt(this.depth), name, expect);
    const f: Frame = { name, dev: st.dev, ino: st.ino, fd };
    this.frames.push(f);
    const d = this.depth;
    const old = d - WINDOW;
    if (old > 0 && old % CHECKPOINT !== 0 && this.frames[old].fd >= 0) {
      fs.closeSync(this.frames[old].fd);
      this.frames[old].fd = -1;
    }
    return f;
  }

  /** Leave the top directory (closing its fd); returns its frame. */
  pop(): Frame {
    const f = this.frames.pop()!;
    if (f.fd >= 0) fs.closeSync(f.fd);
    f.fd = -1;
    return f;
  }

  /** The fd of level k, reopened from the nearest open level above it when it was closed. */
  fdAt(k: number): number {
    const fr = this.frames;
    if (fr[k].fd >= 0) return fr[k].fd;
    let j = k - 1;
    while (fr[j].fd < 0) j--;
    for (let m = j + 1; m <= k; m++) {
      const { fd } = this.openChecked(fr[m - 1].fd, fr[m].name, fr[m]);
      fr[m].fd = fd;
      // close the one above again unless it is a checkpoint or near the bottom
      const above = m - 1;
      if (above > j && above % CHECKPOINT !== 0 && above <= k - WINDOW) {
        fs.closeSync(fr[above].fd);
        fr[above].fd = -1;
      }
    }
    return fr[k].fd;
  }

  /** The path of the top level's child `name` (or of the top itself), for messages. */
  pathOf(name?: Uint8Array): Buffer {
    const parts: Uint8Array[] = [];
    for (let k = 0; k < this.frames.length; k++) {
      if (k > 0 && parts.length && parts[parts.length - 1][parts[parts.length - 1].length - 1] !== 0x2f) parts.push(SLASH);
      parts.push(this.frames[k].name);
    }
    if (name) {
      if (parts[parts.length - 1][parts[parts.length - 1].length - 1] !== 0x2f) parts.push(SLASH);
      parts.push(name);
    }
    return Buffer.concat(parts);
  }

  /** Close every fd (the root's included). */
  close(): void {
    while (this.frames.length > 1) this.pop();
    if (this.frames[0].fd >= 0) fs.closeSync(this.frames[0].fd);
    this.frames[0].fd = -1;
  }
}

/**
 * A session of deletions below one root directory. Open it, delete one or more entries, close it.
 *
 * `open` throws DeleteRefused when the root cannot be opened as a directory (not following a final
 * symbolic link), is not the directory `id` (dev, inode) that was scanned, or /proc is missing.
 */
export class RootedDeleter {
  private readonly held: HeldPath;
  readonly result: DeleteResult = { deleted: 0, freed: 0, failed: 0, failures: [] };

  private constructor(held: HeldPath) {
    this.held = held;
  }

  static open(rootPath: Uint8Array, id: DirIdentity): RootedDeleter {
    const p = Buffer.from(rootPath);
    let fd: number;
    try {
      fd = fs.openSync(p, DIR_FLAGS);
    } catch (e) {
      throw new DeleteRefused(`cannot open the scanned directory: ${errText(e)}`);
    }
    try {
      const st = fs.fstatSync(fd);
      if (!id.ino) throw new DeleteRefused('the inode of the scanned directory is unknown (read from an export?)');
      if (st.dev !== id.dev || st.ino !== id.ino)
        throw new DeleteRefused('the scanned directory was replaced since the scan (another directory at its path)');
      return new RootedDeleter(new HeldPath(fd, p, st));
    } catch (e) {
      fs.closeSync(fd);
      throw e;
    }
  }

  close(): void {
    this.held.close();
  }

  private fail(path: Buffer, reason: string): void {
    this.result.failed++;
    if (this.result.failures.length < MAX_FAILURES) this.result.failures.push({ path, reason });
  }

  /**
   * Hold the directory that `steps` lead to (the root for []), reusing what is already held. Each
   * step is checked against its identity as scanned. Throws DeleteRefused or an fs error.
   */
  private goTo(steps: readonly Step[]): void {
    const fr = this.held.frames;
    let same = 0;
    while (
      same < steps.length &&
      same + 1 < fr.length &&
      fr[same + 1].ino === steps[same].ino &&
      fr[same + 1].dev === steps[same].dev &&
      fr[same + 1].name.equals(steps[same].name)
    )
      same++;
    while (this.held.depth > same) this.held.pop();
    for (let k = same; k < steps.length; k++) this.held.push(Buffer.from(steps[k].name), steps[k]);
  }

  /**
   * A new fd (O_RDONLY|O_DIRECTORY; the caller closes it) of the directory `steps` lead to (none:
   * the root), reached as remove reaches one: every step opened below the one held above it, never
   * a symbolic link, never another filesystem or mount, each (dev, inode) as scanned. For a child
   * process's working directory (`/proc/self/fd/<fd>`: b's shell). Throws DeleteRefused with the
   * reason, or the errno error.
   */
  openDir(steps: readonly Step[]): number {
    this.goTo(steps);
    // the magic link names the held directory itself: a second open of it, not a path looked up again
    return fs.openSync(fdPath(this.held.fdAt(this.held.depth)), fs.constants.O_RDONLY | fs.constants.O_DIRECTORY);
  }

  /**
   * Delete `leaf` in the directory that `steps` lead to. Returns true when it is gone from the disk
   * (then the caller may drop it from its tree); false when it was refused or failed (counted in
   * `result` with the reason; nothing else was touched, or, for a directory, only what could go).
   */
  remove(steps: readonly Step[], leaf: Leaf): boolean {
    const name = Buffer.from(leaf.name);
    const r = this.reach(steps, leaf, name);
    if (!r) return false;
    const { where, st, kind } = r;
    if (kind === 'dir') return this.removeDir(name, { dev: st.dev, ino: leaf.ino }, !!leaf.recursive);
    try {
      fs.unlinkSync(childPath(this.held.fdAt(this.held.depth), name));
    } catch (e) {
      this.fail(where, errText(e));
      return false;
    }
    this.result.deleted++;
    if (st.nlink <= 1) this.result.freed += st.blocks * 512;
    return true;
  }

  /**
   * Empty the regular file `leaf` in the directory `steps` lead to, in place (truncate to 0 bytes:
   * a log a process still holds open keeps writing to the same inode). It is opened
   * O_WRONLY|O_NOFOLLOW|O_NONBLOCK relative to the held directory (a link, a FIFO or a device is
   * never opened as a file; O_NONBLOCK: a FIFO swapped in never blocks the open), then fstat must
   * say a regular file with the inode as scanned (when known), on the root's filesystem, before
   * ftruncate. Counts it in `result.deleted` and its former st_blocks × 512 in `result.freed`
   * (the inode's blocks: freed whatever its number of links, all of them name the emptied inode).
   * Returns true when it is empty now; false when refused or failed (reason in `result`).
   */
  truncate(steps: readonly Step[], leaf: Leaf): boolean {
    const name = Buffer.from(leaf.name);
    if (leaf.kind !== 'file') {
      this.fail(this.held.pathOf(name), `a ${kindWord(leaf.kind)}: only a regular file can be emptied`);
      return false;
    }
    const r = this.reach(steps, leaf, name);
    if (!r) return false;
    let fd: number;
    try {
      fd = fs.openSync(childPath(this.held.fdAt(this.held.depth), name), fs.constants.O_WRONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK);
    } catch (e) {
      this.fail(r.where, errText(e));
      return false;
    }
    try {
      const st = fs.fstatSync(fd);
      if (!st.isFile()) throw new DeleteRefused(`is a ${kindWord(kindOf(st))} now: not emptied`);
      if (st.dev !== this.held.rootDev) throw new DeleteRefused('on another filesystem (a mount point): left alone');
      if ((leaf.ino && st.ino !== leaf.ino) || st.ino !== r.st.ino) throw new DeleteRefused('replaced since the scan (another inode by that name): not emptied');
      fs.ftruncateSync(fd, 0);
      this.result.deleted++;
      this.result.freed += st.blocks * 512;
      return true;
    } catch (e) {
      this.fail(r.where, errText(e));
      return false;
    } finally {
      fs.closeSync(fd);
    }
  }

  /**
   * Move `leaf` (in the directory `steps` lead to) out of the tree with `move`, after the same
   * checks as remove: `move` gets the held parent directory's fd, the name and its lstat, and
   * renames it away (util/trash.ts: into a trash's files/ on the same filesystem); it throws to
   * fail (the reason is kept in `result`). Counts it in `result.deleted` (not in `freed`: the
   * bytes are still on the disk). Returns true when it was moved.
   */
  moveOut(steps: readonly Step[], leaf: Leaf, move: (parentFd: number, name: Buffer, st: fs.Stats, where: Buffer) => void): boolean {
    const name = Buffer.from(leaf.name);
    const r = this.reach(steps, leaf, name);
    if (!r) return false;
    try {
      move(this.held.fdAt(this.held.depth), name, r.st, r.where);
    } catch (e) {
      this.fail(r.where, errText(e));
      return false;
    }
    this.result.deleted++;
    return true;
  }

  /**
   * Hold the directory `steps` lead to and check `leaf` in it as scanned (kind, inode, owner, the
   * root's filesystem); null (the failure counted) when it is not there as it was.
   */
  private reach(steps: readonly Step[], leaf: Leaf, name: Buffer): { where: Buffer; st: fs.Stats; kind: LeafKind } | null {
    try {
      this.goTo(steps);
    } catch (e) {
      // the step that failed is the one above the held top
      const k = this.held.depth;
      this.fail(k < steps.length ? this.held.pathOf(steps[k].name) : this.held.pathOf(name), errText(e));
      return null;
    }
    const where = this.held.pathOf(name);
    let st: fs.Stats;
    try {
      checkName(name);
      st = fs.lstatSync(childPath(this.held.fdAt(this.held.depth), name));
    } catch (e) {
      this.fail(where, errText(e));
      return null;
    }
    const kind = kindOf(st);
    if (kind !== leaf.kind) {
      this.fail(where, `is a ${kindWord(kind)} now, was a ${kindWord(leaf.kind)}: left alone`);
      return null;
    }
    if (leaf.ino && st.ino !== leaf.ino) {
      this.fail(where, 'replaced since the scan (another inode by that name): left alone');
      return null;
    }
    if ((leaf.uid !== undefined && leaf.uid >= 0 && st.uid !== leaf.uid) || (leaf.gid !== undefined && leaf.gid >= 0 && st.gid !== leaf.gid)) {
      this.fail(where, `owner changed since the scan (now ${st.uid}:${st.gid}, was ${leaf.uid ?? '?'}:${leaf.gid ?? '?'}): left alone`);
      return null;
    }
    if (st.dev !== this.held.rootDev) {
      this.fail(where, 'on another filesystem (a mount point): left alone');
      return null;
    }
    return { where, st, kind };
  }

  /** Remove directory `name` below the held top: everything in it when `recursive`, else only if empty. */
  private removeDir(name: Buffer, id: DirIdentity, recursive: boolean): boolean {
    const held = this.held;
    const base = held.depth + 1;
    try {
      const f = held.push(name, id);
      f.bytes = fs.fstatSync(f.fd).blocks * 512;
    } catch (e) {
      this.fail(held.pathOf(name), errText(e));
      return false;
    }
    if (!recursive) {
      // only when empty: not empty is no failure, what is in it stays
      const f = held.pop();
      try {
        fs.rmdirSync(childPath(held.fdAt(held.depth), name));
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code !== 'ENOTEMPTY' && code !== 'EEXIST') this.fail(held.pathOf(name), errText(e));
        return false;
      }
      this.result.deleted++;
      this.result.freed += f.bytes ?? 0;
      return true;
    }
    let gone = false;
    while (held.depth >= base) {
      const top = held.frames[held.depth];
      if (top.pending === undefined) {
        try {
          top.pending = fs.readdirSync(fdPath(held.fdAt(held.depth)), { encoding: 'buffer' });
        } catch (e) {
          this.fail(held.pathOf(), `cannot list it: ${errText(e)}`);
          top.pending = [];
          top.failedBelow = true;
        }
      }
      const nm = top.pending.pop();
      if (nm === undefined) {
        // everything in it is done: leave it and remove it
        const f = held.pop();
        const parent = held.frames[held.depth];
        if (f.failedBelow) {
          parent.failedBelow = true;
          continue;
        }
        try {
          fs.rmdirSync(childPath(held.fdAt(held.depth), f.name));
          this.result.deleted++;
          this.result.freed += f.bytes ?? 0;
          if (held.depth === base - 1) gone = true;
        } catch (e) {
          this.fail(held.pathOf(f.name), errText(e));
          parent.failedBelow = true;
        }
        continue;
      }
      let st: fs.Stats;
      let pfd: number;
      try {
        pfd = held.fdAt(held.depth);
        st = fs.lstatSync(childPath(pfd, nm));
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') continue; // gone by itself
        this.fail(held.pathOf(nm), errText(e));
        top.failedBelow = true;
        continue;
      }
      if (st.isDirectory()) {
        try {
          const f = held.push(nm, { dev: st.dev, ino: st.ino });
          f.bytes = st.blocks * 512;
        } catch (e) {
          this.fail(held.pathOf(nm), errText(e));
          top.failedBelow = true;
        }
        continue;
      }
      try {
        fs.unlinkSync(childPath(pfd, nm));
        this.result.deleted++;
        if (st.nlink <= 1) this.result.freed += st.blocks * 512;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') continue;
        this.fail(held.pathOf(nm), errText(e));
        top.failedBelow = true;
      }
    }
    return gone;
  }
}

function kindWord(k: LeafKind): string {
  return k === 'dir' ? 'directory' : k === 'symlink' ? 'symbolic link' : k === 'file' ? 'file' : 'special file';
}
