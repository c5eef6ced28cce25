/**
 * Who owns the space: the data the attribution cores produce. Plain data, JSON as it is
 * (the `owners --json` output is built from these).
 */

/**
 * One open file of a process, as seen through /proc/PID/fd/N and /proc/PID/fdinfo/N, or one
 * deleted file it only maps (/proc/PID/maps and map_files: no fd left, `fd` -1, `mapped`).
 */
export interface OpenFile {
  pid: number;
  /** the fd number; -1 for a file the process holds only through a memory mapping */
  fd: number;
  /** the link target, without the " (deleted)" suffix (UTF-8 text; invalid bytes as U+FFFD) */
  path: string;
  /** the exact bytes of the path, base64, when `path` is lossy (not valid UTF-8) */
  pathBase64?: string;
  /** the process also (or only) maps this file into memory: truncating it would kill it with SIGBUS */
  mapped: boolean;
  deleted: boolean;
  /** st_size through the fd */
  bytes: number;
  /** st_blocks * 512 through the fd */
  diskBytes: number;
  dev: number;
  ino: number;
  /** open flags from fdinfo (octal in the file), -1 when unreadable */
  flags: number;
  /** opened O_WRONLY or O_RDWR */
  writing: boolean;
  append: boolean;
  /** file position from fdinfo, -1 when unreadable */
  pos: number;
  /** bytes it grew between two looks, when sampled (writers only), else 0 */
  grewBytes: number;
}

export interface ProcessInfo {
  pid: number;
  /** command line, NUL separators as spaces; [comm] when empty (kernel threads) */
  command: string;
  /** the exact bytes of the command, base64, when `command` is lossy (not valid UTF-8) */
  commandBase64?: string;
  uid: number;
  user: string;
  /** systemd unit from /proc/PID/cgroup (the last .service / .scope part), or null */
  unit: string | null;
  /** container id (docker, podman, containerd, cri-o) from the cgroup path, or null */
  container: string | null;
  /** the unit runs in this user's systemd user manager (user@UID.service): the user's name (uid when unnamed) */
  unitUser?: string | null;
}

/** What was read from /proc: processes and their open regular files. */
export interface ProcSnapshot {
  processes: ProcessInfo[];
  files: OpenFile[];
  /** false when some processes' fds could not be read (not root): other users' files are missing */
  complete: boolean;
  /** pids whose fds could not be read */
  unreadable: number;
  /** processes and fds looked at */
  scannedProcesses: number;
  scannedFds: number;
  elapsedMs: number;
}

/** An open file and the process holding it. */
export interface HeldFile {
  pid: number;
  command: string;
  /** exact bytes of the command, base64, when `command` is lossy */
  commandBase64?: string;
  user: string;
  unit: string | null;
  container: string | null;
  /** -1: held only through a memory mapping (`mapped`) */
  fd: number;
  path: string;
  /** exact bytes of the path, base64, when `path` is lossy */
  pathBase64?: string;
  bytes: number;
}

export interface DeletedOpen extends HeldFile {
  diskBytes: number;
  /** some process maps this inode: the fix restarts, never truncates (SIGBUS) */
  mapped: boolean;
  /** how to get the space back, printed for the user (never done by us) */
  fix: string;
  /** the user whose systemd user manager runs the process's unit (name, or uid), null: the system's */
  unitUser?: string | null;
}

export interface Writer extends HeldFile {
  append: boolean;
  grewBytes: number;
  /** every fd of the process open on the file, ascending (`fd` is the first) */
  fds: number[];
}

export interface OwnerBytes {
  name: string;
  bytes: number;
  files: number;
}

export interface ServiceBytes extends OwnerBytes {
  kind: 'unit' | 'journal' | 'container' | 'database';
  /** the directories counted for it (UTF-8 text; invalid bytes as U+FFFD) */
  paths: string[];
  /** the exact bytes of each of `paths`, base64, when any of them is lossy */
  pathsBase64?: string[];
}

export interface CategoryItem {
  path: string;
  /** the exact bytes of the path, base64, when `path` is lossy */
  pathBase64?: string;
  bytes: number;
  mtime: number;
}

export interface Category {
  name: string;
  bytes: number;
  count: number;
  /** unix seconds of the oldest and newest file, -1 when none */
  oldest: number;
  newest: number;
  biggest: CategoryItem[];
}

export interface UserBytes {
  uid: number;
  user: string;
  bytes: number;
  files: number;
}

export interface Reconciliation {
  /** the volume holding PATH: statfs used bytes ((blocks - bfree) * bsize) */
  volumeUsedBytes: number;
  /** disk bytes the scan found on that volume */
  scannedBytes: number;
  /** disk bytes held by deleted-but-open files on that volume */
  deletedOpenBytes: number;
  /** volumeUsed - scanned - deletedOpen (may be negative: see notes) */
  unexplainedBytes: number;
  /** PATH is the volume's root (else scanned covers only part of it) */
  scannedWholeVolume: boolean;
  mountPoint: string;
  notes: string[];
}
