/**
 * /proc/PID/mountinfo, parsed into exact bytes: the one parser of the mount table (scan's mount
 * points, owners' volume, sample's filesystems). `parseMountinfo` is pure; `readMountinfo` is the
 * only I/O.
 *
 * A line (proc(5)): `36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue`
 *   mount ID, parent ID, major:minor, root, mount point, options, optional fields..., "-",
 *   filesystem type, source, super options.
 * The kernel writes root, mount point and source with space, tab, newline and backslash as octal
 * escapes (\040, \011, \012, \134); every other byte is as it is in the name, valid UTF-8 or not.
 */
import fs from 'node:fs';

export interface MountInfo {
  /** unique ID of the mount (the `mnt_id` of /proc/PID/fdinfo/FD for an fd opened below it) */
  mountId: number;
  parentId: number;
  /** "major:minor" of the filesystem (bind mounts of one filesystem share it) */
  devId: string;
  /** the directory of the filesystem mounted here, exact bytes ("/" unless a bind mount of a subdirectory) */
  root: Buffer;
  /** where it is mounted, exact bytes, relative to the process's root */
  mountPoint: Buffer;
  fsType: string;
  /** mount source, exact bytes: /dev/sda1, server:/export, tmpfs, ... */
  source: Buffer;
}

/** Undo the kernel's octal escapes (`\NNN`, three octal digits) in one field: the exact bytes. */
export function unescapeOctal(field: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(field.length);
  let n = 0;
  for (let i = 0; i < field.length; i++) {
    const c = field[i];
    if (c === 0x5c && i + 3 < field.length && isOct(field[i + 1]) && isOct(field[i + 2]) && isOct(field[i + 3])) {
      const v = (field[i + 1] - 0x30) * 64 + (field[i + 2] - 0x30) * 8 + (field[i + 3] - 0x30);
      if (v < 256) {
        out[n++] = v;
        i += 3;
        continue;
      }
    }
    out[n++] = c;
  }
  return out.subarray(0, n);
}

function isOct(c: number | undefined): boolean {
  return c !== undefined && c >= 0x30 && c <= 0x37;
}

function splitBytes(b: Uint8Array, sep: number): Buffer[] {
  const buf = Buffer.from(b.buffer, b.byteOffset, b.byteLength);
  const out: Buffer[] = [];
  let from = 0;
  for (let i = buf.indexOf(sep, 0); i >= 0; i = buf.indexOf(sep, from)) {
    out.push(buf.subarray(from, i));
    from = i + 1;
  }
  out.push(buf.subarray(from));
  return out;
}

const DEC = /^[0-9]+$/;

/**
 * mountinfo bytes (or text, taken as UTF-8) → one row per well-formed line, in the file's order
 * (mount order). Malformed lines are skipped; nothing throws.
 */
export function parseMountinfo(data: Uint8Array | string): MountInfo[] {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  const rows: MountInfo[] = [];
  for (const line of splitBytes(bytes, 0x0a)) {
    if (line.length === 0) continue;
    const f = splitBytes(line, 0x20);
    let sep = -1;
    for (let k = 6; k < f.length; k++)
      if (f[k].length === 1 && f[k][0] === 0x2d) {
        sep = k;
        break;
      }
    if (sep < 0 || sep + 2 >= f.length) continue;
    const id = f[0].toString('latin1');
    const parent = f[1].toString('latin1');
    if (!DEC.test(id) || !DEC.test(parent)) continue;
    rows.push({
      mountId: Number(id),
      parentId: Number(parent),
      devId: f[2].toString('latin1'),
      root: unescapeOctal(f[3]),
      mountPoint: unescapeOctal(f[4]),
      fsType: unescapeOctal(f[sep + 1]).toString('utf8'),
      source: unescapeOctal(f[sep + 2]),
    });
  }
  return rows;
}

/** The mount table of this process (/proc/self/mountinfo, or `file`); null when it cannot be read. */
export function readMountinfo(file = '/proc/self/mountinfo'): MountInfo[] | null {
  let data: Buffer;
  try {
    data = fs.readFileSync(file);
  } catch {
    return null;
  }
  return parseMountinfo(data);
}

/**
 * The mounts whose mount point lies strictly below `root` (an absolute, real path, as bytes or
 * UTF-8 text): the directories a scan of `root` must treat as other filesystems. Byte comparison:
 * `/a/b` is below `/a` but `/ab` is not; `root` itself is not below itself.
 */
export function mountsBelow(rows: readonly MountInfo[], root: Uint8Array | string): MountInfo[] {
  let r = typeof root === 'string' ? Buffer.from(root, 'utf8') : Buffer.from(root);
  while (r.length > 1 && r[r.length - 1] === 0x2f) r = r.subarray(0, r.length - 1);
  const prefix = r.length === 1 && r[0] === 0x2f ? r : Buffer.concat([r, Buffer.from('/')]);
  return rows.filter((m) => m.mountPoint.length > prefix.length && m.mountPoint.subarray(0, prefix.length).equals(prefix));
}
