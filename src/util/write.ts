/**
 * All file writing of the program, in one place, because it runs as root among files that others
 * may have planted:
 *
 * - writeFileAtomic / openOutput: a named output. A regular file (or a new name) is written to a
 *   temp file in its directory (created O_EXCL|O_NOFOLLOW, so a planted name cannot redirect it),
 *   fsync'd, renamed over the name and the directory fsync'd. A character or block device, a FIFO
 *   is written into in place (open, write, close: /dev/null stays /dev/null). A symbolic link stays
 *   a link: what it points to is written (atomically when that is a regular file or missing).
 *   We resolve every name ourselves (resolvePath), so the kernel's protected_symlinks never sees
 *   our links: EVERY symbolic link met on the way (a directory component, a link's target, the
 *   end) that another user planted in a directory others can write (/tmp) is refused with one
 *   line naming it, as protected_symlinks would (a link is followed there only when it is ours or
 *   the directory owner's; stricter than the kernel, the directory need not be sticky); a FIFO
 *   planted so is refused as protected_fifos would. The store and cache directories get the same
 *   check (store.ts checkPrivateDir, ensureDir). A directory swapped for a link by its owner after
 *   that walk is caught when the file is opened: /proc/self/fd names where it really is (landedAt).
 *   A regular file that is replaced keeps its permissions (never set-id bits) and, when we are
 *   root, its owner and group: the temp file gets them (fchown, fchmod) before the rename.
 *   A file with several hard links is replaced too (rename), not written in place: the name given
 *   gets the new file, its other names keep the old contents. In place would keep the link but is
 *   not atomic (a failed write leaves half a file), and a hard link that another user made in /tmp
 *   to a file of ours (protected_hardlinks off) would direct our write into that file.
 *   A name ending in / (or /., /..) names a directory: refused ("is a directory", "not a
 *   directory", "is a directory name"), never a file of that name.
 *   `-`, /dev/stdout, /dev/fd/1 and /proc/self/fd/1 are standard output; /dev/stderr, /dev/fd/N,
 *   /proc/self/fd/N (also reached through links) are the open descriptor N, written as it is,
 *   never reopened or renamed over (the shell's >&N); a descriptor that is not open, or is one of
 *   the runtime's own, is one line. A socket is refused with one line (open(2) cannot open one;
 *   connecting to it is not what -o means).
 * - appendLine: an append that a crash, a full disk or a concurrent writer cannot turn into a
 *   line glued onto the next one.
 * - readFileNoFollow / openNoFollow: reads inside a private directory that never follow a link.
 * - temp names that say who wrote them (pid, the process's start time, random), so that a later
 *   writer removes the temp files of writers that died (kill -9) and never those of live ones.
 *
 * Errors are UserErrors of one line: "cannot write NAME: no space left on the device".
 * (Every descriptor is close-on-exec: libuv's open adds O_CLOEXEC, Node has no constant for it.)
 */
import fs from 'node:fs';
import path from 'node:path';
import { UserError } from './errors.js';
import { escapeName } from './escape.js';
import { sleepSync } from './read.js';
import { lazyBuiltin } from './self.js';

/** (crypto only for temp names: not loaded by a command that writes no file) */
const crypto = lazyBuiltin<typeof import('node:crypto')>('node:crypto');

const C = fs.constants;

/**
 * Write all of `data` to descriptor `fd`, waiting out EAGAIN (a non-blocking pipe or terminal that
 * is full, shared with another process); at byte offset `pos` of a file when given (the
 * descriptor's own offset stays), else at its offset. Throws the errno error of a failed write
 * (EPIPE, ENOSPC...).
 */
export function writeAllSync(fd: number, data: Uint8Array, pos?: number): void {
  let off = 0;
  while (off < data.length) {
    try {
      off += fs.writeSync(fd, data, off, data.length - off, pos === undefined ? null : pos + off);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'EAGAIN' && code !== 'EWOULDBLOCK') throw e;
      sleepSync(5);
    }
  }
}

/** One line for a failed write or read: "no space left on the device" rather than ENOSPC. */
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
    case 'EISDIR':
      return 'is a directory';
    case 'ELOOP':
      return 'is a symbolic link (not followed)';
    case 'ENAMETOOLONG':
      return 'file name too long';
    case 'ENXIO':
      return 'no such device or address';
    case 'EEXIST':
      return 'file exists';
    default:
      return (err?.message ?? String(e)).replace(/^[A-Z]+: /, '');
  }
}

/** "cannot write NAME: reason" as a UserError (NAME escaped for the terminal). */
function writeError(name: string, e: unknown): UserError {
  return new UserError(`cannot write ${escapeName(name)}: ${writeErrorText(e)}`);
}

// ------------------------------------------------------------------------------------------ temp names

/** Field 22 of /proc/PID/stat (clock ticks after boot): with the pid, names a process for good. */
export function processStartTime(pid: number): string | null {
  let s: string;
  try {
    s = fs.readFileSync(`/proc/${pid}/stat`, 'latin1');
  } catch {
    return null;
  }
  // "pid (comm) state ppid ...": comm may hold spaces and parentheses, the last ')' ends it
  const rest = s.slice(s.lastIndexOf(')') + 2).split(' ');
  const v = rest[22 - 3];
  return v !== undefined && /^\d+$/.test(v) ? v : null;
}

let ownTag: string | null = null;
/** `<pid>.<start time>` of this process ("0" when /proc is not there: never judged dead by start time). */
function selfTag(): string {
  ownTag ??= `${process.pid}.${processStartTime(process.pid) ?? '0'}`;
  return ownTag;
}

/** The part of a temp name that comes from the destination's name (long names are hashed: NAME_MAX). */
function tempStem(base: string): string {
  return Buffer.byteLength(base) > 150 ? 'h' + crypto().createHash('sha1').update(base).digest('hex').slice(0, 16) : base;
}

const TEMP_RE = /^\.(.+)\.(\d+)\.(\d+)\.[0-9a-f]{8}\.tmp$/;
/** the names of earlier versions, `.<name>.<pid>.tmp`: judged by the pid alone */
const OLD_TEMP_RE = /^\.(.+)\.(\d+)\.tmp$/;

/** `<dir>/.<name>.<pid>.<start time>.<8 hex>.tmp`: a fresh temp name for `file`. */
export function tempPath(file: string): string {
  const rand = crypto().randomBytes(4).toString('hex');
  return path.join(path.dirname(file), `.${tempStem(path.basename(file))}.${selfTag()}.${rand}.tmp`);
}

/** A temp name's parts: the destination's stem, the writer's pid and start time ('0': unknown); null when not a temp name. */
function parseTemp(name: string): { stem: string; pid: number; start: string } | null {
  const m = TEMP_RE.exec(name);
  if (m) return { stem: m[1], pid: Number(m[2]), start: m[3] };
  const o = OLD_TEMP_RE.exec(name);
  return o ? { stem: o[1], pid: Number(o[2]), start: '0' } : null;
}

/** Is the writer of temp file `name` (a base name) gone? null: `name` is not one of our temp names. */
export function tempWriterDead(name: string): boolean | null {
  const t = parseTemp(name);
  if (!t) return null;
  const start = processStartTime(t.pid);
  if (start === null) return true; // no such process
  return t.start !== '0' && start !== t.start; // the pid was reused by another process
}

/**
 * Remove the temp files in `dir` (of destination `base` only, when given) whose writer is dead:
 * its pid is gone or now names a process that started at another time (earlier versions' names,
 * `.<name>.<pid>.tmp`, by the pid alone). Only regular files owned by
 * this effective user; a live writer's temp file is never touched (without /proc nothing is
 * removed). Returns how many were removed; never throws. (Writers in another pid namespace sharing the directory are not seen: their temp
 * files look dead.)
 */
export function cleanStaleTemps(dir: string, base?: string): number {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return 0;
  }
  if (processStartTime(process.pid) === null) return 0; // no /proc: no way to tell the living from the dead
  const stem = base === undefined ? undefined : tempStem(base);
  const euid = process.geteuid?.() ?? -1;
  let removed = 0;
  for (const name of names) {
    const t = parseTemp(name);
    if (!t || (stem !== undefined && t.stem !== stem) || !tempWriterDead(name)) continue;
    const p = path.join(dir, name);
    try {
      const st = fs.lstatSync(p);
      if (!st.isFile() || st.uid !== euid) continue;
      fs.unlinkSync(p);
      removed++;
    } catch {
      /* gone already, or not ours to remove */
    }
  }
  return removed;
}

// ------------------------------------------------------------------------------------------ outputs

/** Names that mean standard output. */
export function isStdoutName(name: string): boolean {
  return name === '-' || name === '/dev/stdout' || name === '/dev/fd/1' || name === '/proc/self/fd/1' || name === `/proc/${process.pid}/fd/1`;
}

export interface OutputOptions {
  /** permissions of a new file (default 0o644; umask applies); a replaced file keeps its own */
  mode?: number;
  /** a symbolic link at the name is refused instead of followed (files in a private directory) */
  noFollow?: boolean;
  /**
   * A private state file of ours (a cache, the store's own files): only a missing name or a regular
   * file we own is replaced. Anything else there (a link, FIFO, device, directory, socket, another
   * user's file) is left as it is and the write fails with a one-line UserError, where an output
   * would write a FIFO or device in place, follow a link, or give a file it replaces its old owner.
   */
  privateFile?: boolean;
  /**
   * Always a temp file in the directory of `dest`; at commit, instead of the rename, claim(tmp)
   * moves it into place and returns the final name (the store: never replace a snapshot).
   */
  claim?: (tmp: string) => string;
}

/** Where an output goes: standard output, another open descriptor (/dev/stderr, /dev/fd/N), a device or FIFO written in place, or a temp file renamed at commit. */
export type OutputKind = 'stdout' | 'fd' | 'direct' | 'atomic';

/**
 * Was `p` (lstat `st`) planted by someone else? The kernel's protected_symlinks/protected_fifos
 * rule: in a directory others can write, an object that belongs neither to us nor to the
 * directory's owner. (We resolve links ourselves, so the kernel's own check never sees them.)
 */
function planted(p: string, st: fs.Stats): boolean {
  const euid = process.geteuid?.() ?? -1;
  if (st.uid === euid) return false;
  let d: fs.Stats;
  try {
    d = fs.statSync(path.dirname(p));
  } catch {
    return false;
  }
  return (d.mode & 0o002) !== 0 && st.uid !== d.uid;
}

/** what a non-regular file is, for a line: 'a symbolic link', 'a FIFO', ... */
function kindOf(st: fs.Stats): string {
  if (st.isSymbolicLink()) return 'a symbolic link';
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a FIFO';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  return 'not a regular file';
}

function plantedRefused(name: string, what: string, st: fs.Stats): UserError {
  return new UserError(`cannot write ${escapeName(name)}: it is a ${what} of uid ${st.uid} in a directory others can write: refusing`);
}

/** A symbolic link met on a path that the protected_symlinks rule would not follow. */
export interface PlantedLink {
  /** the link's own name (its directories resolved) */
  link: string;
  uid: number;
}

/** "LINK is a symbolic link of uid N in a directory others can write: refusing" (LINK escaped). */
export function plantedLinkText(p: PlantedLink): string {
  return `${escapeName(p.link)} is a symbolic link of uid ${p.uid} in a directory others can write: refusing`;
}

/** What resolvePath found: a name with no link in it (which may not exist), or an open descriptor of ours. */
export type Resolved = { path: string; fd?: undefined } | { fd: number; path?: undefined };

/** /proc/PID/fd or /proc/PID/task/TID/fd of this process: its entries are our open descriptors */
function isOwnFdDir(dir: string): boolean {
  const m = /^\/proc\/(\d+)(?:\/task\/\d+)?\/fd$/.exec(dir);
  return m !== null && Number(m[1]) === process.pid;
}

/**
 * Resolve absolute `abs` as the kernel would, one component at a time, checking EVERY symbolic
 * link met (in a directory, in a link's target, at the end) with the protected_symlinks rule
 * (planted): a link that another user planted in a directory others can write is never followed,
 * and `onPlanted` is called (it throws). The last component is followed only with `followLast`.
 * Returns the name with no link left in its directories (nor at its end with followLast); a
 * missing component ends the walk, the rest appended as it is. A link to /proc/PID/fd/N of this
 * process (/dev/fd/N, /dev/stderr, /proc/self/fd/N) is descriptor N: {fd: N}.
 * Throws the errno error (ENOTDIR, ELOOP, EACCES).
 */
export function resolvePath(abs: string, followLast: boolean, onPlanted: (p: PlantedLink) => never): Resolved {
  let cur = '/';
  const parts = abs.split('/').filter((c) => c !== '' && c !== '.');
  let hops = 0;
  while (parts.length) {
    const c = parts.shift()!;
    if (c === '..') {
      cur = path.dirname(cur); // cur has no link in it: lexical is right
      continue;
    }
    const next = path.join(cur, c);
    let st: fs.Stats;
    try {
      st = fs.lstatSync(next);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { path: path.join(next, ...parts) };
      throw e;
    }
    if (!st.isSymbolicLink()) {
      cur = next;
      continue;
    }
    if (parts.length === 0 && isOwnFdDir(cur) && /^\d+$/.test(c)) return { fd: Number(c) };
    if (parts.length === 0 && !followLast) return { path: next };
    if (planted(next, st)) onPlanted({ link: next, uid: st.uid });
    if (++hops > 40) throw Object.assign(new Error('too many levels of symbolic links'), { code: 'ELOOP' });
    const to = fs.readlinkSync(next);
    if (to.startsWith('/')) cur = '/';
    parts.unshift(...to.split('/').filter((x) => x !== '' && x !== '.'));
  }
  return { path: cur };
}

/**
 * The first symbolic link on `abs` (directories, links' targets, the end) that the
 * protected_symlinks rule would not follow, or null (also when a component is missing or cannot
 * be looked at: the caller's own check reports that).
 */
export function plantedLinkOn(abs: string): PlantedLink | null {
  let found: PlantedLink | null = null;
  try {
    resolvePath(abs, true, (p) => {
      found = p;
      throw p;
    });
  } catch {
    /* found, or an errno error left to the caller */
  }
  return found;
}

/**
 * Names that mean an open descriptor N as it is: /dev/stderr (2), /dev/fd/N, /proc/self/fd/N,
 * /proc/PID/fd/N of this process (1 is standard output: isStdoutName). null: another name.
 */
export function fdOfName(name: string): number | null {
  if (name === '/dev/stderr') return 2;
  const m = /^\/(?:dev\/fd|proc\/(?:self|thread-self|(\d+))\/fd)\/(\d+)$/.exec(name);
  if (!m || (m[1] !== undefined && Number(m[1]) !== process.pid)) return null;
  return Number(m[2]);
}

function socketRefused(name: string): UserError {
  return new UserError(`cannot write ${escapeName(name)}: it is a socket (name a file, a device, a FIFO, or - for standard output)`);
}

/** A named output, open for writing. See openOutput. */
export class Output {
  private open = true;
  private done = false;

  /** @internal use openOutput */
  constructor(
    readonly name: string,
    readonly fd: number,
    readonly kind: OutputKind,
    /** the file that receives the data (a link resolved), or '-' */
    readonly target: string,
    private readonly tmp: string | null,
    private readonly claim?: (tmp: string) => string,
  ) {}

  /** Write all of `data` (waits on a full non-blocking pipe). Throws the errno error (EPIPE, ENOSPC...). */
  write(data: Uint8Array): void {
    writeAllSync(this.fd, data);
  }

  /**
   * Finish: fsync, close, and for a temp file the rename (or claim) and an fsync of the directory.
   * Returns the final file name ('-' for standard output). On failure the temp file is removed and
   * a UserError of one line thrown.
   */
  commit(): string {
    if (this.done) throw new Error('output already finished');
    this.done = true;
    if (this.kind === 'stdout') return '-';
    if (this.kind === 'fd') return this.target; // written as it is, left open: the shell's >&N
    try {
      fs.fsyncSync(this.fd);
    } catch (e) {
      // a FIFO or character device cannot be synced; a file that cannot is a failed write
      const code = (e as NodeJS.ErrnoException).code;
      if (this.kind === 'atomic' || (code !== 'EINVAL' && code !== 'ENOTSUP' && code !== 'EROFS')) {
        this.abort();
        throw writeError(this.name, e);
      }
    }
    let final = this.target;
    try {
      this.open = false;
      fs.closeSync(this.fd);
      if (this.tmp) {
        if (this.claim) final = this.claim(this.tmp);
        else fs.renameSync(this.tmp, this.target);
      }
    } catch (e) {
      this.abort();
      if (e instanceof UserError) throw e;
      throw writeError(this.name, e);
    }
    if (this.tmp) syncDir(path.dirname(final));
    return final;
  }

  /** Give up: close, remove the temp file; whatever was under the name before is untouched. Never throws. */
  abort(): void {
    this.done = true;
    if (this.open && this.kind !== 'stdout' && this.kind !== 'fd') {
      this.open = false;
      try {
        fs.closeSync(this.fd);
      } catch {
        /* nothing more to lose */
      }
    }
    this.open = false;
    if (this.tmp) {
      try {
        fs.unlinkSync(this.tmp);
      } catch {
        /* already renamed or gone */
      }
    }
  }
}

/** fsync a directory (a rename survives a crash only then); some filesystems cannot: ignored. */
export function syncDir(dir: string): void {
  try {
    const dfd = fs.openSync(dir, C.O_RDONLY | C.O_DIRECTORY);
    try {
      fs.fsyncSync(dfd);
    } finally {
      fs.closeSync(dfd);
    }
  } catch {
    /* the file is complete either way */
  }
}

/**
 * Did descriptor `fd`, opened by the name `p` (resolved by resolvePath: no link in it), land where
 * the walk said? A directory on the way that its owner swapped for a link after the walk (the
 * kernel, protected_symlinks off, follows it) shows in /proc/self/fd as another name. true when
 * /proc cannot tell.
 */
function landedAt(fd: number, p: string): boolean {
  let real: string;
  try {
    real = fs.readlinkSync(`/proc/self/fd/${fd}`);
  } catch {
    return true;
  }
  return real === p;
}

function changedRefused(name: string): UserError {
  return new UserError(`cannot write ${escapeName(name)}: it changed while being opened`);
}

function openDirect(name: string, p: string, follow: boolean): Output {
  let fd: number;
  try {
    // blocks on a FIFO until a reader opens it, as the shell's > does
    fd = fs.openSync(p, C.O_WRONLY | C.O_NOCTTY | (follow ? 0 : C.O_NOFOLLOW));
  } catch (e) {
    throw writeError(name, e);
  }
  const st = fs.fstatSync(fd);
  if (st.isFile() || st.isDirectory() || (!follow && !landedAt(fd, p))) {
    // replaced by a file between the look and the open (never write into a file in place), or reached through a swapped directory
    fs.closeSync(fd);
    throw changedRefused(name);
  }
  return new Output(name, fd, 'direct', p, null);
}

/**
 * A temp file next to `target`, renamed over it at commit. `keep`: the file it replaces, whose
 * permissions (never its set-id bits) and, when we are root, owner and group the temp file takes
 * before the rename (a node_exporter reading a file it owns still can after the rewrite).
 */
function openAtomic(name: string, target: string, mode: number, keep: fs.Stats | null, claim?: (tmp: string) => string): Output {
  cleanStaleTemps(path.dirname(target), claim ? undefined : path.basename(target));
  const tmp = tempPath(target);
  let fd: number;
  try {
    // (read and write: a writer may read back what it wrote, e.g. NcduWriter moving its entries up)
    fd = fs.openSync(tmp, C.O_RDWR | C.O_CREAT | C.O_EXCL | C.O_NOFOLLOW, mode);
  } catch (e) {
    throw writeError(name, e);
  }
  if (!landedAt(fd, tmp)) {
    // a directory swapped for a link after resolvePath checked it: take our temp file back out of
    // wherever it went (by the name the kernel gives it, a file we just made) and write nothing
    try {
      fs.unlinkSync(fs.readlinkSync(`/proc/self/fd/${fd}`));
    } catch {
      /* gone */
    }
    fs.closeSync(fd);
    throw changedRefused(name);
  }
  // (the rename at commit goes by name again: a directory swapped after this check makes the temp
  // name, random, missing where it now points, and the rename fails)
  if (keep !== null) {
    try {
      const own = fs.fstatSync(fd);
      if (process.geteuid?.() === 0 && (own.uid !== keep.uid || own.gid !== keep.gid)) fs.fchownSync(fd, keep.uid, keep.gid);
    } catch {
      /* a filesystem without owners (vfat): the new file is ours */
    }
    try {
      fs.fchmodSync(fd, keep.mode & 0o777); // after the chown, which may clear bits; never set-id bits
    } catch {
      /* the new file keeps the default mode */
    }
  }
  return new Output(name, fd, 'atomic', target, tmp, claim);
}

/** The open flags of our descriptor `fd` (/proc/self/fdinfo), null when they cannot be read. */
function fdFlags(fd: number): number | null {
  try {
    const m = /^flags:\s*([0-7]+)$/m.exec(fs.readFileSync(`/proc/self/fdinfo/${fd}`, 'latin1'));
    return m ? parseInt(m[1], 8) : null;
  } catch {
    return null;
  }
}

/**
 * Descriptor N as it is (not reopened, never renamed over): `-o /dev/stderr`, `-o /dev/fd/3`,
 * `-o >(gzip >x)`. Only what a shell can hand over: a file, a device, a pipe or a socket open for
 * writing. The runtime's own descriptors (its event loop's eventfd and epoll, its non-blocking
 * wake-up pipes) are refused as not open: writing into them would crash it.
 */
function openFd(name: string, fd: number): Output {
  const notOpen = () => new UserError(`cannot write ${escapeName(name)}: descriptor ${fd} is not open`);
  let st: fs.Stats;
  try {
    st = fs.fstatSync(fd);
  } catch {
    throw notOpen();
  }
  if (st.isDirectory()) throw writeError(name, { code: 'EISDIR' });
  if (!(st.isFile() || st.isFIFO() || st.isCharacterDevice() || st.isBlockDevice() || st.isSocket())) throw notOpen();
  const flags = fdFlags(fd);
  if (flags !== null && (flags & 3) === C.O_RDONLY) throw new UserError(`cannot write ${escapeName(name)}: descriptor ${fd} is open for reading only`);
  if (flags !== null && fd > 2 && st.isFIFO() && flags & C.O_NONBLOCK) throw notOpen();
  return fd === 1 ? new Output(name, 1, 'stdout', '-', null) : new Output(name, fd, 'fd', name, null);
}

/** A name that can only be a directory's: ends in /, /. or /.. (or is . or ..). */
function namesDirectory(name: string): boolean {
  return /(^|\/)(\.\.?)?$/.test(name);
}

/**
 * Open `dest` for writing (see the module comment for what each kind of name gets). `dest` is
 * resolved against the current directory now, every symbolic link on the way checked
 * (resolvePath). Throws a UserError of one line: a directory, a socket, a link with noFollow, a
 * planted link, a directory that cannot be written.
 */
export function openOutput(dest: string, opts: OutputOptions = {}): Output {
  const mode = opts.mode ?? 0o644;
  if (isStdoutName(dest)) return new Output(dest, 1, 'stdout', '-', null);
  const fdn = fdOfName(path.resolve(dest));
  if (fdn !== null) return openFd(dest, fdn);
  const refuse = (p: PlantedLink): never => {
    throw new UserError(`cannot write ${escapeName(dest)}: ${plantedLinkText(p)}`);
  };
  if (namesDirectory(dest)) {
    // "newdir/" is never a file named newdir, "target/" never replaces the file target
    let st: fs.Stats | null = null;
    try {
      st = fs.statSync(path.resolve(dest)); // without the slash: "target/" of a file is ENOTDIR, not missing
    } catch {
      /* missing */
    }
    if (st?.isDirectory()) throw writeError(dest, { code: 'EISDIR' });
    if (st) throw writeError(dest, { code: 'ENOTDIR' });
    throw new UserError(`cannot write ${escapeName(dest)}: is a directory name (ends in /); name a file`);
  }
  let r: Resolved;
  try {
    r = resolvePath(path.resolve(dest), false, refuse); // its directories: every link on the way checked
  } catch (e) {
    if (e instanceof UserError) throw e;
    throw writeError(dest, e);
  }
  if (r.fd !== undefined) return openFd(dest, r.fd);
  const abs = r.path;
  if (opts.claim) return openAtomic(dest, abs, mode, null, opts.claim);
  let st: fs.Stats | null = null;
  try {
    st = fs.lstatSync(abs);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw writeError(dest, e);
  }
  if (!st) return openAtomic(dest, abs, mode, null);
  if (opts.privateFile) {
    const euid = process.geteuid?.() ?? -1;
    if (!st.isFile()) throw new UserError(`cannot write ${escapeName(dest)}: it is ${kindOf(st)}, not a file of ours: left as it is`);
    if (st.uid !== euid) throw new UserError(`cannot write ${escapeName(dest)}: it belongs to uid ${st.uid}, not to us: left as it is`);
    return openAtomic(dest, abs, mode, st);
  }
  if (st.isSymbolicLink()) {
    if (opts.noFollow) throw new UserError(`cannot write ${escapeName(dest)}: it is a symbolic link (refusing to follow it)`);
    let end: Resolved;
    let to: fs.Stats | null = null;
    try {
      end = resolvePath(abs, true, refuse);
      if (end.path !== undefined) to = fs.lstatSync(end.path);
    } catch (e) {
      if (e instanceof UserError) throw e;
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw writeError(dest, e);
      end ??= { path: abs };
    }
    if (end.fd !== undefined) return openFd(dest, end.fd);
    if (to && to.isDirectory()) throw writeError(dest, { code: 'EISDIR' });
    if (to && to.isSocket()) throw socketRefused(dest);
    if (to && !to.isFile()) {
      if (to.isFIFO() && planted(end.path, to)) throw plantedRefused(dest, 'FIFO', to);
      return openDirect(dest, end.path, false); // a device or FIFO, by its own name (no link left)
    }
    return openAtomic(dest, end.path, mode, to);
  }
  if (st.isFile()) return openAtomic(dest, abs, mode, st); // its permissions, never set-id bits
  if (st.isDirectory()) throw writeError(dest, { code: 'EISDIR' });
  if (st.isSocket()) throw socketRefused(dest);
  if (st.isFIFO() && planted(abs, st)) throw plantedRefused(dest, 'FIFO', st);
  return openDirect(dest, abs, false); // character or block device, FIFO
}

/**
 * Write `data` to `file` as openOutput does (atomically for a regular file; in place for a device
 * or FIFO; through a link; stdout for '-'). Throws a UserError of one line; a failed write leaves
 * what was under the name before untouched and no temp file behind.
 */
export function writeFileAtomic(file: string, data: string | Uint8Array, opts: OutputOptions | number = {}): void {
  const o = openOutput(file, typeof opts === 'number' ? { mode: opts } : opts);
  try {
    o.write(typeof data === 'string' ? Buffer.from(data) : data);
  } catch (e) {
    o.abort();
    if ((e as NodeJS.ErrnoException).code === 'EPIPE') throw new UserError('output closed (broken pipe)');
    throw writeError(file, e);
  }
  o.commit();
}

// ------------------------------------------------------------------------------------------ directories

/**
 * `mkdir -p`: make directory `dir` and its missing parents, each with `mode` (umask applies);
 * nothing when it is there. Unlike fs.mkdirSync's recursive mode, which tries again forever when
 * mkdir says ENOENT under a parent that exists (in /proc, e.g. XDG_CACHE_HOME=/proc/self), each
 * directory is tried at most twice. Links on the way are followed (check them first:
 * plantedLinkOn); whatever is at `dir` is not checked (lstat it). Throws the errno error.
 */
export function makeDirs(dir: string, mode = 0o777): void {
  const abs = path.resolve(dir);
  const make = (): boolean => {
    try {
      fs.mkdirSync(abs, { mode });
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return false;
      if (code !== 'EEXIST') throw e;
    }
    return true;
  };
  if (make()) return;
  const parent = path.dirname(abs);
  if (parent !== abs) makeDirs(parent, mode);
  if (!make()) throw Object.assign(new Error(`ENOENT: no such file or directory, mkdir '${abs}'`), { code: 'ENOENT', path: abs });
}

// ------------------------------------------------------------------------------------------ reads

/**
 * Open `file` for reading without following a symbolic link at its last component and without
 * blocking on a FIFO; it must be a regular file. Throws the errno error (ELOOP for a link) or an
 * Error with code EINVAL "not a regular file".
 */
export function openNoFollow(file: string): number {
  const fd = fs.openSync(file, C.O_RDONLY | C.O_NOFOLLOW | C.O_NONBLOCK);
  let ok = false;
  try {
    ok = fs.fstatSync(fd).isFile();
  } finally {
    if (!ok) fs.closeSync(fd);
  }
  if (!ok) throw Object.assign(new Error('not a regular file'), { code: 'EINVAL' });
  return fd;
}

/** The contents of a regular file, never through a symbolic link (see openNoFollow). */
export function readFileNoFollow(file: string): Buffer {
  const fd = openNoFollow(file);
  try {
    return fs.readFileSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

// ------------------------------------------------------------------------------------------ appends

/**
 * Append `text` (whole lines, ending in '\n') to `file` in a private directory: opened
 * O_APPEND|O_NOFOLLOW (a link is refused), created with `mode`, written with ONE write(2) so
 * concurrent appenders never interleave. When the file does not end in '\n' (an earlier append
 * torn by a crash), a '\n' goes first, so the torn line stays alone and never glues onto this one.
 * A short or failed write is cut off again (ftruncate to the size before, unless another writer
 * appended meanwhile), so the file stays whole lines. Throws the errno error (ELOOP: a link).
 */
export function appendLines(file: string, text: string, mode = 0o600): void {
  const fd = fs.openSync(file, C.O_RDWR | C.O_APPEND | C.O_CREAT | C.O_NOFOLLOW | C.O_NONBLOCK, mode);
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile()) throw Object.assign(new Error('not a regular file'), { code: 'EINVAL' });
    const before = st.size;
    let prefix = '';
    if (before > 0) {
      const last = Buffer.alloc(1);
      if (fs.readSync(fd, last, 0, 1, before - 1) === 1 && last[0] !== 0x0a) prefix = '\n';
    }
    const buf = Buffer.from(prefix + text);
    let n = 0;
    let err: unknown = null;
    try {
      n = fs.writeSync(fd, buf);
    } catch (e) {
      err = e;
    }
    if (n === buf.length) return;
    // torn: take our part back out when it is the last thing in the file
    try {
      if (fs.fstatSync(fd).size === before + n) fs.ftruncateSync(fd, before);
    } catch {
      /* the reader skips a torn line */
    }
    throw err ?? Object.assign(new Error('no space left on the device'), { code: 'ENOSPC' });
  } finally {
    fs.closeSync(fd);
  }
}
