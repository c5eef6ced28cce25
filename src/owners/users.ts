/**
 * Who owns the space by uid: one pass over the tree's entries, no paths needed.
 */
import { readFileCapped } from '../util/read.js';
import type { Tree } from '../tree/tree.js';
import type { UserBytes } from './types.js';
import { EntryType } from '../model/entry.js';
import { EF_EXCL, EF_HARDLINK, EF_TYPE, entryFlags, groupSums } from './packages.js';

/** the largest passwd (or group) file read: 64 MiB, some 500,000 users; a bigger one is not read */
export const PASSWD_MAX = 64 << 20;

/** uid → user name from a passwd file (default /etc/passwd); unreadable or odd lines are skipped (so is a file over PASSWD_MAX) */
export function loadUserNames(passwd = '/etc/passwd'): Map<number, string> {
  const m = new Map<number, string>();
  let text: string;
  try {
    text = readFileCapped(passwd, PASSWD_MAX, 'utf8');
  } catch {
    return m;
  }
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const f = line.split(':');
    if (f.length < 3) continue;
    const uid = Number(f[2]);
    // the first line for a uid wins, as getpwuid() does
    if (f[0] && f[2] !== '' && Number.isInteger(uid) && uid >= 0 && !m.has(uid)) m.set(uid, f[0]);
  }
  return m;
}

/**
 * Disk bytes per owning uid, biggest first: every entry (directories too) counts its own disk bytes,
 * a hard-linked inode once; `files` counts the non-directory entries. Excluded entries are left out.
 * Users missing from `names` are shown by number; entries without an owner (imports) as `(unknown)`.
 */
export function attributeUsers(tree: Tree, names: Map<number, string>, labels?: Int32Array): UserBytes[] {
  // sums per (uid, gid) slot of the tree's owner table, folded into uids at the end
  const slots = tree.ownerUid.length;
  const bytesOf = new Float64Array(slots);
  const filesOf = new Float64Array(slots);
  const seen = new Set<string>();
  const fl = entryFlags(tree);
  const n = tree.count;
  // in C (ncduparse.c groupSums) but for the hard links and spilled sizes, taken below; the loop
  // after it is the reference (and what labels are filled by)
  const sums = labels ? null : groupSums(tree, fl, Int32Array.from(tree.attrOwner), true, slots + 1, null, undefined, true);
  if (sums !== null) {
    bytesOf.set(sums.bytes.subarray(0, slots));
    filesOf.set(sums.files.subarray(0, slots));
  }
  const list = sums?.later;
  for (let k = 0, end = list ? list.length : n; k < end; k++) {
    const i = list ? list[k] : k;
    const f = fl[i];
    if (f & EF_EXCL) continue; // (entries removed after the scan too)
    const o = tree.ownerSlotOf(i);
    if ((f & EF_TYPE) === EntryType.Dir) {
      bytesOf[o] += tree.ownD(i);
      continue;
    }
    if (f & EF_HARDLINK) {
      // one inode has one owner: a global set is the same as one per uid
      const key = tree.devOf(i) + ':' + tree.inoOf(i);
      if (seen.has(key)) continue;
      seen.add(key);
    }
    bytesOf[o] += tree.ownD(i);
    filesOf[o]++;
  }
  const bytes = new Map<number, number>();
  const files = new Map<number, number>();
  for (let o = 0; o < slots; o++) {
    if (bytesOf[o] === 0 && filesOf[o] === 0) continue;
    const uid = tree.ownerUid[o];
    bytes.set(uid, (bytes.get(uid) ?? 0) + bytesOf[o]);
    files.set(uid, (files.get(uid) ?? 0) + filesOf[o]);
  }
  const out: UserBytes[] = [];
  for (const [uid, b] of bytes)
    out.push({ uid, user: uid < 0 ? '(unknown)' : names.get(uid) ?? String(uid), bytes: b, files: files.get(uid) ?? 0 });
  out.sort((x, y) => y.bytes - x.bytes || x.uid - y.uid);
  if (labels) {
    // every counted entry (directories too) is its owner's, by its slot in the owner table
    const row = new Map<number, number>();
    out.forEach((u, k) => row.set(u.uid, k));
    const bySlot = new Int32Array(slots);
    for (let o = 0; o < slots; o++) bySlot[o] = row.get(tree.ownerUid[o]) ?? -1;
    for (let i = 0; i < n; i++) labels[i] = fl[i] & EF_EXCL ? -1 : bySlot[tree.ownerSlotOf(i)];
  }
  return out;
}
