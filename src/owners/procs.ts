/**
 * Processes and their open regular files, from /proc: deleted-but-open files (space df counts and
 * du cannot see) and files being written. `readProcesses` is the only I/O; everything else is a
 * pure function over its snapshot.
 *
 * Per fd the shell does: stat through the magic link /proc/PID/fd/N (follows it to the open file,
 * never opens it), and for regular files only, readlink and a read of /proc/PID/fdinfo/N.
 */
import fs from 'node:fs';
import { isMainThread } from 'node:worker_threads';
import type { DeletedOpen, OpenFile, ProcSnapshot, ProcessInfo, Writer } from './types.js';
import { jsonName } from '../util/escape.js';

// ------------------------------------------------------------------------------------------------
// pure cores

/** A DeletedOpen with the inode it holds, so `deletedOpenBytes` can count each inode once. */
export interface DeletedOpenFile extends DeletedOpen {
  dev: number;
  ino: number;
}

const UNIT_RE = /\.(?:service|scope)$/;
/** docker-<id>.scope (systemd driver), libpod-<id>[.scope], cri-containerd-<id>.scope, crio-<id>.scope */
const SCOPE_ID_RE = /^(?:docker|libpod|cri-containerd|crio)-([0-9a-f]{64})(?:\.scope)?$/;
const HEX64_RE = /^[0-9a-f]{64}$/;

/** The systemd unit (last path part ending in .service/.scope) and container id of one cgroup path. */
export function parseCgroupPath(path: string): { unit: string | null; container: string | null } {
  let unit: string | null = null;
  let container: string | null = null;
  const parts = path.split('/');
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i]!;
    if (p === '') continue;
    if (UNIT_RE.test(p)) unit = p;
    const m = SCOPE_ID_RE.exec(p);
    if (m) container = m[1]!;
    // cgroupfs driver: /docker/<id>, /kubepods/.../<id>
    else if (HEX64_RE.test(p) && i > 0 && (parts[i - 1] === 'docker' || parts.slice(0, i).includes('kubepods')))
      container = p;
  }
  return { unit, container };
}

/**
 * /proc/PID/cgroup (v1, v2 or hybrid) → unit and container. The unified ("0::") path is looked
 * at first, then the v1 name=systemd one, then the other v1 controllers' paths.
 */
export function parseCgroup(text: string): { unit: string | null; container: string | null } {
  const v2: string[] = [];
  const named: string[] = [];
  const other: string[] = [];
  for (const line of text.split('\n')) {
    const a = line.indexOf(':');
    const b = a < 0 ? -1 : line.indexOf(':', a + 1);
    if (b < 0) continue;
    const path = line.slice(b + 1);
    if (path === '' || path === '/') continue;
    const ctl = line.slice(a + 1, b);
    if (line.slice(0, a) === '0' && ctl === '') v2.push(path);
    else if (ctl === 'name=systemd') named.push(path);
    else other.push(path);
  }
  let unit: string | null = null;
  let container: string | null = null;
  for (const path of [...v2, ...named, ...other]) {
    const r = parseCgroupPath(path);
    unit ??= r.unit;
    container ??= r.container;
    if (unit !== null && container !== null) break;
  }
  return { unit, container };
}

/** The real uid from /proc/PID/status ("Uid:\treal\teffective\tsaved\tfs"), -1 when absent. */
export function parseStatusUid(text: string): number {
  const m = /^Uid:[ \t]+(\d+)/m.exec(text);
  return m ? Number(m[1]) : -1;
}

/** /etc/passwd → uid → name (first name wins for a uid). */
export function parsePasswd(text: string): Map<number, string> {
  const m = new Map<number, string>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const f = line.split(':');
    if (f.length < 3 || !/^\d+$/.test(f[2]!)) continue;
    const uid = Number(f[2]);
    if (!m.has(uid)) m.set(uid, f[0]!);
  }
  return m;
}

/** /proc/PID/cmdline (NUL-separated) → command with spaces; '' when empty. */
export function parseCmdline(raw: string): string {
  let end = raw.length;
  while (end > 0 && raw.charCodeAt(end - 1) === 0) end--;
  return raw.slice(0, end).replace(/\0/g, ' ');
}

/** Where fdinfoNumber stopped (a variable, not a returned pair: the per-fd path allocates nothing). */
let fdinfoEnd = 0;

/** The number after an fdinfo key: skip blanks, read digits in `radix` (10 or 8); -1 when none. */
function fdinfoNumber(buf: Uint8Array, i: number, len: number, radix: number): number {
  while (i < len && (buf[i] === 0x09 || buf[i] === 0x20)) i++;
  let v = 0;
  let any = false;
  while (i < len && buf[i]! >= 0x30 && buf[i]! < 0x30 + radix) {
    v = v * radix + (buf[i]! - 0x30);
    i++;
    any = true;
  }
  fdinfoEnd = i;
  return any ? v : -1;
}

/**
 * fdinfo bytes ("pos:\t<decimal>\nflags:\t<octal>\n...") → pos and flags; -1 for what is missing.
 * Works on a byte buffer so the per-fd path allocates nothing.
 */
export function parseFdinfo(buf: Uint8Array, len: number): { pos: number; flags: number } {
  let pos = -1;
  let flags = -1;
  let i = 0;
  while (i < len && (pos < 0 || flags < 0)) {
    // line starts at i
    if (buf[i] === 0x70 && buf[i + 1] === 0x6f && buf[i + 2] === 0x73 && buf[i + 3] === 0x3a) {
      // "pos:"
      const v = fdinfoNumber(buf, i + 4, len, 10);
      i = fdinfoEnd;
      if (v >= 0) pos = v;
    } else if (
      buf[i] === 0x66 && buf[i + 1] === 0x6c && buf[i + 2] === 0x61 && buf[i + 3] === 0x67 &&
      buf[i + 4] === 0x73 && buf[i + 5] === 0x3a
    ) {
      // "flags:"
      const v = fdinfoNumber(buf, i + 6, len, 8);
      i = fdinfoEnd;
      if (v >= 0) flags = v;
    }
    while (i < len && buf[i] !== 0x0a) i++;
    i++;
  }
  return { pos, flags };
}

const O_ACCMODE = 3;
const O_WRONLY = 1;
const O_RDWR = 2;
const O_APPEND = 0o2000;

export function flagsWriting(flags: number): boolean {
  if (flags < 0) return false;
  const acc = flags & O_ACCMODE;
  return acc === O_WRONLY || acc === O_RDWR;
}

export function flagsAppend(flags: number): boolean {
  return flags >= 0 && (flags & O_APPEND) !== 0;
}

/**
 * The user whose systemd user manager runs the unit of a cgroup path: the uid N of the
 * `user@N.service` the last unit sits below (`/user.slice/user-N.slice/user@N.service/app.slice/x.service`),
 * or of the `user-N.slice` when there is no user@N.service part above the unit; null for system units
 * (including user@N.service itself, which the system manager runs).
 */
export function userManagerUid(cgroupPath: string): number | null {
  const parts = cgroupPath.split('/');
  let last = -1;
  for (let i = 0; i < parts.length; i++) if (UNIT_RE.test(parts[i]!)) last = i;
  if (last < 0) return null;
  let slice: number | null = null;
  for (let i = 0; i < last; i++) {
    const m = /^user@(\d+)\.service$/.exec(parts[i]!);
    if (m) return Number(m[1]);
    const s = /^user-(\d+)\.slice$/.exec(parts[i]!);
    if (s) slice = Number(s[1]);
  }
  // a service directly in user-N.slice (not a session scope) belongs to N's manager too
  return slice !== null && parts[last]!.endsWith('.service') && !/^user@\d+\.service$/.test(parts[last]!) ? slice : null;
}

/** userManagerUid over /proc/PID/cgroup: the same lines parseCgroup takes the unit from, in its order */
export function parseUserManager(text: string): number | null {
  const v2: string[] = [];
  const named: string[] = [];
  for (const line of text.split('\n')) {
    const a = line.indexOf(':');
    const b = a < 0 ? -1 : line.indexOf(':', a + 1);
    if (b < 0) continue;
    const ctl = line.slice(a + 1, b);
    if (line.slice(0, a) === '0' && ctl === '') v2.push(line.slice(b + 1));
    else if (ctl === 'name=systemd') named.push(line.slice(b + 1));
  }
  for (const p of [...v2, ...named]) if (parseCgroupPath(p).unit !== null) return userManagerUid(p);
  return null;
}

/**
 * How to get the space of a deleted-but-open file back (printed, never done by us). `unitUser`: the
 * unit runs in this user's systemd user manager (name, or uid when it has none): the restart goes
 * there (`systemctl --user -M USER@`, systemd 248 and later; runnable by root), never to the system manager.
 * `mapped`: some process maps the file into memory (fd may be -1: no fd at all). Then the only fix
 * is a restart: truncating a mapped file kills whoever touches the lost pages with SIGBUS.
 */
export function fixText(
  pid: number,
  fd: number,
  unit: string | null,
  container: string | null,
  unitUser: string | null = null,
  mapped = false,
): string {
  return processFix(pid, [{ fd, mapped }], unit, container, unitUser);
}

/**
 * One fix for all the deleted files process `pid` holds (`files`: its fds, -1 for a mapping
 * without one, and whether each file is memory-mapped): the restart of its service, container or
 * (when a file is mapped and it has neither) of itself, once; then, unless every file is mapped,
 * the truncation of the unmapped ones through its fds, in one line (`: > /proc/PID/fd/N` for one,
 * `truncate -s 0 /proc/PID/fd/N ...` for several). Lines joined with "\n". See fixText.
 */
export function processFix(
  pid: number,
  files: readonly { fd: number; mapped: boolean }[],
  unit: string | null,
  container: string | null,
  unitUser: string | null = null,
): string {
  const mapped = files.some((f) => f.mapped);
  const lines: string[] = [];
  if (unit !== null && unit.endsWith('.service') && unitUser !== null) {
    const u = shellWord(unitUser);
    lines.push(`systemctl --user -M ${u}@ restart ${unit}   # a unit of ${u}'s user manager: restarting it closes the file and releases the space`);
    lines.push(`  (systemd before 248: runuser -u ${u} -- env XDG_RUNTIME_DIR=/run/user/$(id -u ${u}) systemctl --user restart ${unit})`);
  } else if (unit !== null && /^user@\d+\.service$/.test(unit))
    lines.push(`systemctl restart ${unit}   # the user manager itself: this stops and restarts every unit of that user`);
  else if (unit !== null && unit.endsWith('.service'))
    lines.push(`systemctl restart ${unit}   # restarting the service closes the file and releases the space`);
  else if (container !== null)
    lines.push(`restart container ${container.slice(0, 12)} (docker/podman restart)   # releases the space`);
  else if (mapped) lines.push(`restart process ${pid}   # the space is freed when it exits`);
  const fds = [...new Set(files.filter((f) => !f.mapped && f.fd >= 0).map((f) => f.fd))].sort((a, b) => a - b);
  if (mapped) {
    // (a mapped file is never truncated; the others of the process may be)
    lines.push(fds.length ? '(some of these files are memory-mapped: do not truncate those, the process would die of SIGBUS)' : '(it is memory-mapped: do not truncate it, the process would die of SIGBUS)');
    if (!fds.length) return lines.join('\n');
  }
  const what = 'the space is freed, the process keeps running, the data in that file is lost';
  if (fds.length === 1) lines.push(`: > /proc/${pid}/fd/${fds[0]}   # truncates the deleted file through the process's fd: ${what}`);
  else lines.push(`truncate -s 0 ${fds.map((f) => `/proc/${pid}/fd/${f}`).join(' ')}   # truncates the deleted files through the process's fds: ${what.replace('that file is', 'those files is')}`);
  return lines.join('\n');
}

/**
 * Deleted-but-open rows (deletedOpen's, biggest first) by process, for a report that gives one
 * fix per process: a group per pid in the order of its first (largest) row, its rows in their
 * order, and the process's fix (processFix over its rows; a row without `unitUser` counts as a
 * unit of the system manager).
 */
export function deletedByProcess<T extends DeletedOpen>(rows: readonly T[]): { pid: number; rows: T[]; fix: string }[] {
  const groups = new Map<number, T[]>();
  for (const r of rows) {
    const g = groups.get(r.pid);
    if (g) g.push(r);
    else groups.set(r.pid, [r]);
  }
  return [...groups].map(([pid, list]) => ({ pid, rows: list, fix: processFix(pid, list, list[0].unit, list[0].container, list[0].unitUser ?? null) }));
}

/** One mapping of a deleted file in /proc/PID/maps. */
export interface DeletedMapping {
  /** its /proc/PID/map_files/ entry name: "start-end", hex without leading zeros */
  range: string;
  /** the device as maps prints it ("fe:01", hex major:minor) and the inode */
  dev: string;
  ino: number;
  /** the name as maps prints it (newline as \012), " (deleted)" stripped: exact bytes otherwise */
  path: Buffer;
}

/**
 * /proc/PID/maps (read as latin1, so each char is one byte) → its mappings of deleted files (the
 * name ends in " (deleted)", inode not 0), one per line. Pure.
 */
export function parseDeletedMaps(text: string): DeletedMapping[] {
  const out: DeletedMapping[] = [];
  let from = 0;
  while (from < text.length) {
    let end = text.indexOf('\n', from);
    if (end < 0) end = text.length;
    const line = text.slice(from, end);
    from = end + 1;
    if (!line.endsWith(DELETED)) continue;
    // address perms offset dev inode, then blanks, then the name
    const m = /^([0-9a-f]+)-([0-9a-f]+) \S+ [0-9a-f]+ ([0-9a-f]+:[0-9a-f]+) (\d+) +/.exec(line);
    if (!m || m[4] === '0') continue;
    const name = line.slice(m[0].length, line.length - DELETED.length);
    if (!name.startsWith('/')) continue;
    out.push({
      range: `${m[1].replace(/^0+(?=.)/, '')}-${m[2].replace(/^0+(?=.)/, '')}`,
      dev: m[3],
      ino: Number(m[4]),
      path: Buffer.from(name, 'latin1'),
    });
  }
  return out;
}

function byPid(snap: ProcSnapshot): Map<number, ProcessInfo> {
  const m = new Map<number, ProcessInfo>();
  for (const p of snap.processes) m.set(p.pid, p);
  return m;
}

/**
 * Deleted files still held, on `dev` when given; biggest (disk bytes) first. One row per (pid, fd),
 * and one per (pid, inode) a process holds only through a memory mapping (fd -1). An inode that
 * any process maps is `mapped` in every row: its fix is a restart, never a truncation.
 */
export function deletedOpen(snap: ProcSnapshot, dev?: number): DeletedOpenFile[] {
  const procs = byPid(snap);
  const seen = new Set<string>();
  const mappedInodes = new Set<string>();
  for (const f of snap.files) if (f.deleted && f.mapped) mappedInodes.add(`${f.dev}:${f.ino}`);
  const out: DeletedOpenFile[] = [];
  for (const f of snap.files) {
    if (!f.deleted || (dev !== undefined && f.dev !== dev)) continue;
    const k = f.fd >= 0 ? `${f.pid}:${f.fd}` : `${f.pid}:map:${f.dev}:${f.ino}`;
    if (seen.has(k)) continue;
    seen.add(k);
    const p = procs.get(f.pid);
    const unit = p?.unit ?? null;
    const container = p?.container ?? null;
    const mapped = mappedInodes.has(`${f.dev}:${f.ino}`);
    out.push({
      pid: f.pid,
      command: p?.command ?? '',
      ...(p?.commandBase64 !== undefined ? { commandBase64: p.commandBase64 } : {}),
      user: p?.user ?? '',
      unit,
      container,
      fd: f.fd,
      path: f.path,
      ...(f.pathBase64 !== undefined ? { pathBase64: f.pathBase64 } : {}),
      bytes: f.bytes,
      diskBytes: f.diskBytes,
      mapped,
      fix: fixText(f.pid, f.fd, unit, container, p?.unitUser ?? null, mapped),
      unitUser: p?.unitUser ?? null,
      dev: f.dev,
      ino: f.ino,
    });
  }
  out.sort((a, b) => b.diskBytes - a.diskBytes || b.bytes - a.bytes || a.pid - b.pid || a.fd - b.fd);
  return out;
}

/** Disk bytes held by deleted-but-open files, each inode (dev, ino) counted once. */
export function deletedOpenBytes(list: readonly { dev: number; ino: number; diskBytes: number }[]): number {
  const seen = new Set<string>();
  let total = 0;
  for (const f of list) {
    const k = `${f.dev}:${f.ino}`;
    if (seen.has(k)) continue;
    seen.add(k);
    total += f.diskBytes;
  }
  return total;
}

/**
 * Files open for writing (O_WRONLY / O_RDWR) on `dev` when given; biggest growth first, then size.
 * One row per process and file (dev, inode): a process writing one file through several fds (lsof
 * lists each) is one row, `fd` its lowest fd and `fds` all of them, ascending.
 */
export function writers(snap: ProcSnapshot, dev?: number): Writer[] {
  const procs = byPid(snap);
  const out: Writer[] = [];
  const rows = new Map<string, Writer>();
  for (const f of snap.files) {
    if (!f.writing || (dev !== undefined && f.dev !== dev)) continue;
    const k = `${f.pid}:${f.dev}:${f.ino}`;
    const seen = rows.get(k);
    if (seen) {
      seen.fds.push(f.fd);
      seen.fds.sort((a, b) => a - b);
      seen.fd = seen.fds[0];
      seen.grewBytes = Math.max(seen.grewBytes, f.grewBytes);
      seen.append ||= f.append;
      continue;
    }
    const p = procs.get(f.pid);
    const w: Writer = {
      pid: f.pid,
      command: p?.command ?? '',
      ...(p?.commandBase64 !== undefined ? { commandBase64: p.commandBase64 } : {}),
      user: p?.user ?? '',
      unit: p?.unit ?? null,
      container: p?.container ?? null,
      fd: f.fd,
      path: f.path,
      ...(f.pathBase64 !== undefined ? { pathBase64: f.pathBase64 } : {}),
      bytes: f.bytes,
      append: f.append,
      grewBytes: f.grewBytes,
      fds: [f.fd],
    };
    rows.set(k, w);
    out.push(w);
  }
  out.sort((a, b) => b.grewBytes - a.grewBytes || b.bytes - a.bytes || a.pid - b.pid || a.fd - b.fd);
  return out;
}

// ------------------------------------------------------------------------------------------------
// the I/O shell

const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const DELETED = ' (deleted)';

let readBuf = Buffer.allocUnsafe(64 * 1024);

/** A whole /proc file as latin1/utf8 text, null when it cannot be read (process gone). */
function readProcText(path: string, enc: 'utf8' | 'latin1' = 'utf8'): string | null {
  let fd: number;
  try {
    fd = fs.openSync(path, 'r');
  } catch {
    return null;
  }
  try {
    let len = 0;
    for (;;) {
      if (len === readBuf.length) {
        const bigger = Buffer.allocUnsafe(readBuf.length * 2);
        readBuf.copy(bigger, 0, 0, len);
        readBuf = bigger;
      }
      const n = fs.readSync(fd, readBuf, len, readBuf.length - len, null);
      if (n === 0) break;
      len += n;
    }
    return readBuf.toString(enc, 0, len);
  } catch {
    return null;
  } finally {
    fs.closeSync(fd);
  }
}

const infoBuf = Buffer.allocUnsafe(512);

/** pos and flags of one fd (the first 512 bytes of fdinfo hold both). */
function readFdinfo(path: string): { pos: number; flags: number } {
  let fd: number;
  try {
    fd = fs.openSync(path, 'r');
  } catch {
    return { pos: -1, flags: -1 };
  }
  try {
    const n = fs.readSync(fd, infoBuf, 0, infoBuf.length, null);
    return parseFdinfo(infoBuf, n);
  } catch {
    return { pos: -1, flags: -1 };
  } finally {
    fs.closeSync(fd);
  }
}

/** a user name as one shell word (names are [a-z0-9_.-] almost always; quoted otherwise) */
function shellWord(s: string): string {
  return /^[A-Za-z0-9_.%+=:,-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

function errCode(e: unknown): string | undefined {
  return (e as NodeJS.ErrnoException | null)?.code;
}

export interface ReadProcessesOptions {
  /** > 0: look again after this many ms at the files open for writing and set grewBytes */
  sampleMs?: number;
  /** default /proc */
  procRoot?: string;
  /** default /etc/passwd */
  passwdFile?: string;
  /**
   * also list regular files open read-only that are not deleted (default false: they hold no
   * hidden space and grow through no fd of theirs, and skipping their readlink + fdinfo is what
   * keeps 100,000 fds under a second)
   */
  allFiles?: boolean;
}

/** Look again at the files open for writing: how much each grew since the snapshot was read. */
export function measureGrowth(snap: ProcSnapshot, procRoot = '/proc'): void {
  growth(snap.files, procRoot);
}

function growth(files: OpenFile[], root: string): void {
  for (const f of files) {
    if (!f.writing) continue;
    let st: fs.Stats | undefined;
    try {
      st = fs.statSync(`${root}/${f.pid}/fd/${f.fd}`, { throwIfNoEntry: false });
    } catch {
      continue;
    }
    // the fd may have been closed and reused for another file: same inode only
    if (st === undefined || st.ino !== f.ino || st.dev !== f.dev) continue;
    f.grewBytes = Math.max(0, st.size - f.bytes);
  }
}

/** A link target (exact bytes, " (deleted)" stripped) as OpenFile's path and pathBase64. */
function pathOf(link: Buffer): { path: string; pathBase64?: string } {
  const del = DELETED.length;
  const stripped = link.length >= del && link.toString('latin1', link.length - del) === DELETED ? link.subarray(0, link.length - del) : link;
  return jsonName(stripped);
}

/**
 * The deleted files process `pid` holds only through memory mappings (no fd left: what `lsof`
 * shows as DEL) into `out`. Each inode once per process; one the process also holds through an fd
 * (a row of it from `mark` on) marks that row `mapped` instead. Size and inode from a stat through
 * /proc/PID/map_files (root only: CAP_SYS_ADMIN; otherwise nothing is added).
 */
function readMaps(pid: number, base: string, mark: number, out: OpenFile[]): void {
  const text = readProcText(`${base}/maps`, 'latin1');
  if (text === null || !text.includes(DELETED)) return;
  const seen = new Set<string>();
  for (const m of parseDeletedMaps(text)) {
    const k = `${m.dev}:${m.ino}`;
    if (seen.has(k)) continue; // the same file mapped again (text, data, ...)
    seen.add(k);
    const link = `${base}/map_files/${m.range}`;
    let st: fs.Stats | undefined;
    try {
      st = fs.statSync(link, { throwIfNoEntry: false });
    } catch {
      continue; // not permitted (not root), or unmapped meanwhile
    }
    if (st === undefined || (st.mode & S_IFMT) !== S_IFREG || st.nlink !== 0) continue;
    let held = false;
    for (let i = mark; i < out.length; i++)
      if (out[i]!.dev === st.dev && out[i]!.ino === st.ino) {
        out[i]!.mapped = true;
        held = true;
      }
    if (held) continue;
    let name: Buffer;
    try {
      name = fs.readlinkSync(link, { encoding: 'buffer' });
    } catch {
      name = m.path;
    }
    out.push({
      pid,
      fd: -1,
      ...pathOf(name),
      mapped: true,
      deleted: true,
      bytes: st.size,
      diskBytes: st.blocks * 512,
      dev: st.dev,
      ino: st.ino,
      flags: -1,
      writing: false,
      append: false,
      pos: -1,
      grewBytes: 0,
    });
  }
}

const GONE = -1;
const DENIED = -2;

/**
 * The open regular files of one process into `out`; returns the number of fds looked at, GONE
 * or DENIED. `fdPrefix` + name is the fd link ('' when the cwd is /proc/PID/fd), `infoPrefix` +
 * name its fdinfo.
 *
 * Per fd: stat through the link (type, nlink, size: never opens the file). Regular files with
 * nlink 0 are deleted; the others are kept only if the link's own mode has the w bit (the kernel
 * sets it from the open mode), so a read-only fd costs two syscalls. Kept files also get readlink
 * and fdinfo.
 */
function readFds(
  pid: number,
  dir: string,
  fdPrefix: string,
  infoPrefix: string,
  allFiles: boolean,
  out: OpenFile[],
): number {
  let fds: string[];
  try {
    fds = fs.readdirSync(dir);
  } catch (e) {
    const code = errCode(e);
    return code === 'EACCES' || code === 'EPERM' ? DENIED : GONE;
  }
  for (let i = 0; i < fds.length; i++) {
    const fdName = fds[i]!;
    const fdPath = fdPrefix + fdName;
    let st: fs.Stats | undefined;
    try {
      st = fs.statSync(fdPath, { throwIfNoEntry: false });
    } catch {
      continue; // a target that cannot be stat'ed
    }
    if (st === undefined || (st.mode & S_IFMT) !== S_IFREG) continue; // closed meanwhile, or not a file
    const deleted = st.nlink === 0;
    let linkWrite = false;
    if (!deleted) {
      let lst: fs.Stats | undefined;
      try {
        lst = fs.lstatSync(fdPath, { throwIfNoEntry: false });
      } catch {
        continue;
      }
      if (lst === undefined) continue;
      linkWrite = (lst.mode & 0o200) !== 0;
      if (!linkWrite && !allFiles) continue;
    }
    let link: Buffer;
    try {
      link = fs.readlinkSync(fdPath, { encoding: 'buffer' });
    } catch {
      continue;
    }
    // nlink 0 is what holds space (and what `lsof +L1` lists). The kernel also says " (deleted)"
    // for a name that was removed while another hard link keeps the inode reachable (du counts
    // it there): stripped, but not deleted.
    const { pos, flags } = readFdinfo(infoPrefix + fdName);
    out.push({
      pid,
      fd: Number(fdName),
      ...pathOf(link),
      mapped: false,
      deleted,
      bytes: st.size,
      diskBytes: st.blocks * 512,
      dev: st.dev,
      ino: st.ino,
      flags,
      writing: flags < 0 ? linkWrite : flagsWriting(flags),
      append: flagsAppend(flags),
      pos,
      grewBytes: 0,
    });
  }
  return fds.length;
}

/**
 * Every process in /proc and its open regular files that matter for space: deleted ones (nlink 0)
 * and ones open for writing (all regular files with `allFiles`).
 *
 * On the main thread it chdirs into each /proc/PID/fd (restored before returning, before any
 * await) so the kernel resolves one name per fd instead of the whole path, as du's fstatat does.
 */
export async function readProcesses(opts: ReadProcessesOptions = {}): Promise<ProcSnapshot> {
  const t0 = performance.now();
  const root = opts.procRoot ?? '/proc';
  const sampleMs = opts.sampleMs ?? 0;
  const allFiles = opts.allFiles ?? false;
  let users: Map<number, string>;
  try {
    users = parsePasswd(fs.readFileSync(opts.passwdFile ?? '/etc/passwd', 'utf8'));
  } catch {
    users = new Map();
  }
  const myUid = typeof process.getuid === 'function' ? process.getuid() : -1;
  const isRoot = myUid === 0;

  const processes: ProcessInfo[] = [];
  const files: OpenFile[] = [];
  let unreadable = 0;
  let scannedFds = 0;
  let othersSeen = false;
  let sawInit = false;

  let names: string[];
  try {
    names = fs.readdirSync(root);
  } catch {
    names = [];
  }
  let savedCwd: string | null = null;
  if (isMainThread && root.startsWith('/')) {
    try {
      savedCwd = process.cwd();
    } catch {
      savedCwd = null; // the cwd was deleted: no way back, so no chdir
    }
  }
  try {
    for (const name of names) {
      const c0 = name.charCodeAt(0);
      if (c0 < 0x30 || c0 > 0x39) continue;
      const pid = Number(name);
      if (!Number.isInteger(pid)) continue;
      const base = `${root}/${name}`;

      const status = readProcText(`${base}/status`);
      if (status === null) continue; // gone
      // latin1: one char per byte, so the exact bytes of the command survive (argv is any bytes)
      const cmdRaw = readProcText(`${base}/cmdline`, 'latin1');
      if (cmdRaw === null) continue;
      let cmdBytes = parseCmdline(cmdRaw);
      if (cmdBytes === '') {
        const comm = readProcText(`${base}/comm`, 'latin1');
        if (comm === null) continue;
        cmdBytes = `[${comm.replace(/\n$/, '')}]`;
      }
      const cmd = jsonName(Buffer.from(cmdBytes, 'latin1'));
      const uid = parseStatusUid(status);
      const cg = readProcText(`${base}/cgroup`);
      const { unit, container } = cg === null ? { unit: null, container: null } : parseCgroup(cg);
      const managerUid = cg === null ? null : parseUserManager(cg);
      const unitUser = managerUid === null ? null : users.get(managerUid) ?? String(managerUid);

      // a process that vanishes now is dropped with whatever was read of it
      const mark = files.length;
      let n: number;
      if (savedCwd !== null) {
        try {
          process.chdir(`${base}/fd`);
          n = readFds(pid, '.', '', '../fdinfo/', allFiles, files);
        } catch (e) {
          const code = errCode(e);
          n = code === 'EACCES' || code === 'EPERM' ? DENIED : GONE;
        }
      } else {
        n = readFds(pid, `${base}/fd`, `${base}/fd/`, `${base}/fdinfo/`, allFiles, files);
      }
      if (n === GONE) {
        files.length = mark;
        continue;
      }
      if (n !== DENIED) readMaps(pid, base, mark, files);
      if (n === DENIED) unreadable++;
      else scannedFds += n;
      if (pid === 1) sawInit = true;
      if (uid !== myUid) othersSeen = true;
      processes.push({
        pid,
        command: cmd.path,
        ...(cmd.pathBase64 !== undefined ? { commandBase64: cmd.pathBase64 } : {}),
        uid,
        user: users.get(uid) ?? String(uid),
        unit,
        container,
        unitUser,
      });
    }
  } finally {
    if (savedCwd !== null) process.chdir(savedCwd);
  }

  if (sampleMs > 0) {
    await new Promise((r) => setTimeout(r, sampleMs));
    growth(files, root);
  }

  // not root: other users' fds are unreadable (counted above); hidepid may hide their processes
  // altogether, which shows as pid 1 missing
  const complete = unreadable === 0 && (isRoot || (!othersSeen && sawInit));
  return {
    processes,
    files,
    complete,
    unreadable,
    scannedProcesses: processes.length,
    scannedFds,
    elapsedMs: performance.now() - t0,
  };
}
