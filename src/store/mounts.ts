/**
 * The mounted filesystems worth sampling, from /proc/self/mountinfo: real storage only (no tmpfs,
 * proc, cgroup, overlay, squashfs, ...), local only (a hung NFS server must not hang a cron job:
 * statfs on it would block), each device once (bind mounts and btrfs subvolumes of one
 * filesystem share its usage). `parseMountinfo` and `realMounts` are pure.
 * Deliberately light: the `sample` command loads this and store/, nothing else.
 */
import { parseMountinfo as parseMountinfoBytes } from '../util/mountinfo.js';

export interface MountRow {
  /** major:minor of the filesystem (bind mounts of one filesystem share it) */
  devId: string;
  /** the directory of the filesystem mounted here (not "/" for a bind mount of a subdirectory) */
  root: string;
  /** the mount point as UTF-8 text (invalid bytes as U+FFFD) */
  mountPoint: string;
  /** its exact bytes */
  mountPointBytes: Buffer;
  fsType: string;
  /** mount source: /dev/sda1, server:/export, tmpfs, ... */
  device: string;
}

/**
 * Lines of /proc/PID/mountinfo -> rows (util/mountinfo's parser; names as UTF-8 text, invalid
 * bytes as U+FFFD); malformed lines are skipped.
 */
export function parseMountinfo(data: string | Uint8Array): MountRow[] {
  return parseMountinfoBytes(data).map((m) => ({
    devId: m.devId,
    root: m.root.toString('utf8'),
    mountPoint: m.mountPoint.toString('utf8'),
    mountPointBytes: m.mountPoint,
    fsType: m.fsType,
    device: m.source.toString('utf8'),
  }));
}

/** Kernel and memory filesystems: no storage to fill (or not ours to forecast). */
const PSEUDO = new Set([
  'tmpfs', 'devtmpfs', 'ramfs', 'overlay', 'aufs', 'proc', 'sysfs', 'cgroup', 'cgroup2', 'squashfs', 'nsfs',
  'autofs', 'bpf', 'tracefs', 'debugfs', 'securityfs', 'pstore', 'mqueue', 'configfs', 'hugetlbfs', 'binfmt_misc',
  'efivarfs', 'fusectl', 'devpts', 'rpc_pipefs', 'nfsd', 'selinuxfs', 'smackfs', 'apparmorfs', 'iso9660', 'udf',
  'cpuset', 'none', 'ecryptfs', 'zonefs', 'erofs', 'cramfs', 'romfs', 'virtiofs', '9p', 'sockfs', 'pipefs', 'dax', 'rootfs',
]);

/** Remote filesystems: their fill is the server's to watch, and statfs on a dead server hangs. */
const REMOTE = new Set(['nfs', 'nfs4', 'cifs', 'smb3', 'smbfs', 'ceph', 'glusterfs', 'lustre', 'afs', 'ncpfs', 'davfs', 'beegfs', 'gpfs']);

/**
 * Local filesystems whose statfs cannot hang or mount anything: real ones, and memory or kernel
 * ones (tmpfs, devtmpfs, ...; those without blocks are left out by their size 0), not network
 * filesystems, FUSE views or autofs (statfs of an autofs mount point mounts it). `volumes --all`.
 */
export function isLocalFs(fsType: string): boolean {
  if (REMOTE.has(fsType) || fsType === 'autofs') return false;
  if (fsType === 'fuse' || fsType.startsWith('fuse.')) return LOCAL_FUSE.has(fsType);
  return true;
}

/** FUSE filesystems that hold data locally (the others are views or remote). */
const LOCAL_FUSE = new Set(['fuse.zfs', 'fuse.ntfs-3g', 'fuseblk', 'fuse.mergerfs', 'fuse.bindfs']);

export function isRealFs(fsType: string): boolean {
  if (PSEUDO.has(fsType) || REMOTE.has(fsType) || fsType.startsWith('cgroup')) return false;
  if (fsType === 'fuse' || fsType.startsWith('fuse.')) return LOCAL_FUSE.has(fsType);
  return true;
}

/**
 * The mounts to sample: real local filesystems, each device once (the mount of the filesystem's
 * own root, and of those the shortest mount point: `/` rather than a bind mount of it elsewhere).
 */
export function realMounts(rows: MountRow[]): MountRow[] {
  const best = new Map<string, MountRow>();
  for (const r of rows) {
    if (!isRealFs(r.fsType)) continue;
    const cur = best.get(r.devId);
    if (!cur || better(r, cur)) best.set(r.devId, r);
  }
  // keep mountinfo's order (mount order: / first), as df does
  return rows.filter((r) => best.get(r.devId) === r);
}

function better(a: MountRow, b: MountRow): boolean {
  if ((a.root === '/') !== (b.root === '/')) return a.root === '/';
  return a.mountPoint.length < b.mountPoint.length;
}
