/**
 * The mounted filesystems worth sampling, from /proc/self/mountinfo: real storage only (no tmpfs,
 * proc, cgroup, overlay, squashfs, ...), local only (a hung NFS server must not hang a cron job:
 * statfs on it would block), each device once (bind mounts and btrfs subvolumes of one
 * filesystem share its usage). `parseMountinfo` and `realMounts` are pure.
 * Deliberately light: the `sample` command loads this and store/, nothing else.
 */

export interface MountRow {
  /** major:minor of the filesystem (bind mounts of one filesystem share it) */
  devId: string;
  /** the directory of the filesystem mounted here (not "/" for a bind mount of a subdirectory) */
  root: string;
  mountPoint: string;
  fsType: string;
  /** mount source: /dev/sda1, server:/export, tmpfs, ... */
  device: string;
}

/** Unescape mountinfo's octal escapes (\040 for space, \012 for a newline, ...). */
function unoctal(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_m, o: string) => String.fromCharCode(parseInt(o, 8)));
}

/** Lines of /proc/PID/mountinfo -> rows; malformed lines are skipped. */
export function parseMountinfo(text: string): MountRow[] {
  const rows: MountRow[] = [];
  for (const line of text.split('\n')) {
    const f = line.split(' ');
    const sep = f.indexOf('-', 6);
    if (f.length < 10 || sep < 0 || sep + 2 >= f.length) continue;
    rows.push({ devId: f[2], root: unoctal(f[3]), mountPoint: unoctal(f[4]), fsType: f[sep + 1], device: unoctal(f[sep + 2]) });
  }
  return rows;
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
