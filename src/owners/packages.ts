/**
 * Which package installed the space: dpkg's file lists (and rpm's database when there is no dpkg),
 * read once into a map from absolute path to package, then one depth-first pass over the tree.
 *
 * Paths are compared as latin1 strings of their raw bytes (one char per byte): lossless for names
 * that are not UTF-8, and cheap to build from the tree's name buffer. The lists are read the same way.
 */
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import type { Tree } from '../tree/tree.js';
import { EntryType } from '../model/entry.js';
import type { OwnerBytes } from './types.js';

/** absolute path (latin1 string of its bytes) → package (dpkg: the .list file name, e.g. `libc6:amd64`) */
export type PackageMap = Map<string, string>;

/** the row of files no package lists */
export const NO_PACKAGE = '(no package)';

/** top-level directories that merged-/usr systems turn into symlinks into /usr */
const MERGED_DIRS = ['/bin', '/sbin', '/lib', '/lib32', '/lib64', '/libx32'];

export interface PackageMapOptions {
  /** dpkg's info directory (default ROOT/var/lib/dpkg/info) */
  infoDir?: string;
  /** the filesystem root whose top-level symlinks (/bin -> usr/bin) resolve merged-/usr aliases (default /) */
  root?: string;
  /** ask rpm when dpkg lists nothing (default true; skipped when `rpm` is missing) */
  rpm?: boolean;
}

/**
 * Read the package file lists. Directories (any listed path that is the parent of another listed path)
 * are left out: they are shared by many packages. A path listed under a top-level directory that is a
 * symlink into /usr (`/bin/ls` with /bin -> usr/bin) is also stored under its /usr form (`/usr/bin/ls`).
 */
export function loadPackageMap(opts: PackageMapOptions = {}): PackageMap {
  const root = opts.root ?? '/';
  const infoDir = opts.infoDir ?? path.join(root, 'var/lib/dpkg/info');
  const map: PackageMap = new Map();
  const dirs = new Set<string>();
  let files: string[] = [];
  try {
    files = fs.readdirSync(infoDir);
  } catch {
    // no dpkg
  }
  for (const f of files) {
    if (!f.endsWith('.list')) continue;
    let text: string;
    try {
      text = fs.readFileSync(path.join(infoDir, f), 'latin1');
    } catch {
      continue;
    }
    addLines(map, dirs, text, f.slice(0, -5));
  }
  if (map.size === 0 && opts.rpm !== false && opts.infoDir === undefined) readRpm(map, dirs);
  for (const d of dirs) map.delete(d);
  addMergedUsrAliases(map, root);
  pathTable(map); // built now, with the loading: attribution only looks up
  return map;
}

/** one path a line; `/.` and blank lines skipped; the first package listing a path keeps it */
function addLines(map: PackageMap, dirs: Set<string>, text: string, pkg: string): void {
  let lastDir = '';
  let s = 0;
  const n = text.length;
  while (s < n) {
    let e = text.indexOf('\n', s);
    if (e < 0) e = n;
    let line = text.slice(s, e);
    s = e + 1;
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (line.length < 2 || line.charCodeAt(0) !== 0x2f || line === '/.') continue;
    if (line.length > 1 && line.endsWith('/')) line = line.replace(/\/+$/, '');
    const slash = line.lastIndexOf('/');
    if (slash > 0) {
      const dir = line.slice(0, slash);
      // lists are sorted: consecutive lines mostly share their directory
      if (dir !== lastDir) {
        dirs.add(dir);
        lastDir = dir;
      }
    }
    if (!map.has(line)) map.set(line, pkg);
  }
}

/** rpm's file lists (slow: seconds); only when dpkg has none and rpm is installed */
function readRpm(map: PackageMap, dirs: Set<string>): void {
  const r = spawnSync('rpm', ['-qa', '--queryformat', '[%{FILENAMES}\t%{NAME}\n]'], {
    encoding: 'latin1',
    maxBuffer: 1 << 30,
    timeout: 60_000,
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  if (r.error || r.status !== 0 || !r.stdout) return;
  const byPkg = new Map<string, string[]>();
  for (const line of r.stdout.split('\n')) {
    const tab = line.lastIndexOf('\t');
    if (tab <= 0) continue;
    const p = line.slice(0, tab);
    const pkg = line.slice(tab + 1);
    let l = byPkg.get(pkg);
    if (!l) byPkg.set(pkg, (l = []));
    l.push(p);
  }
  for (const [pkg, paths] of byPkg) addLines(map, dirs, paths.join('\n'), pkg);
}

/** /bin/x → /usr/bin/x (and the like) when ROOT/bin is a symlink into /usr */
function addMergedUsrAliases(map: PackageMap, root: string): void {
  const aliases: [string, string][] = [];
  for (const d of MERGED_DIRS) {
    let target: string;
    try {
      if (!fs.lstatSync(path.join(root, d)).isSymbolicLink()) continue;
      target = fs.readlinkSync(path.join(root, d));
    } catch {
      continue;
    }
    const resolved = path.posix.resolve('/', target);
    if (resolved.startsWith('/usr/')) aliases.push([d + '/', resolved + '/']);
  }
  if (!aliases.length) return;
  const add: [string, string][] = [];
  for (const [p, pkg] of map) {
    const c = p.charCodeAt(1);
    if (c !== 0x62 && c !== 0x73 && c !== 0x6c) continue; // b, s, l
    for (const [from, to] of aliases) {
      if (p.startsWith(from)) {
        add.push([to + p.slice(from.length), pkg]);
        break;
      }
    }
  }
  for (const [p, pkg] of add) if (!map.has(p)) map.set(p, pkg);
}

export interface PackageAttributionOptions {
  /** a directory standing for `/`: the tree's paths are taken relative to it (fixture trees) */
  prefix?: string;
}

interface Acc {
  name: string;
  bytes: number;
  files: number;
  links: Set<string> | null;
}

/**
 * The map as one hash table of (directory, name) pairs, so that the pass needs no path strings and
 * touches little memory: a directory of the lists is a number, its entries are found by the hash of
 * their names computed from the tree's bytes. Two independent 32-bit hashes (and the directory)
 * identify a name. Built once per map (by the loader).
 */
class PathTable {
  mask: number;
  /** 4 ints a slot, together so that a probe touches one cache line: dir (-1: empty), h1, h2, value */
  slots: Int32Array;
  /** values: >= 0 a file, its package's index in `pkgs`; < 0 a directory, -(its number) - 1 */
  pkgs: string[] = [];
  dirs = 1; // 0 is `/`

  constructor(entries: number) {
    let size = 1024;
    while (size < entries * 2) size *= 2;
    this.mask = size - 1;
    this.slots = new Int32Array(size * 4);
    for (let i = 0; i < this.slots.length; i += 4) this.slots[i] = -1;
  }
  /** the value stored for (dir, name), else NOT_FOUND */
  find(dir: number, h1: number, h2: number): number {
    const s = this.slots;
    const mask = this.mask;
    for (let i = (Math.imul(dir, 0x9e3779b1) ^ h1) & mask; ; i = (i + 1) & mask) {
      const o = i << 2;
      const d = s[o];
      if (d === -1) return NOT_FOUND;
      if (d === dir && s[o + 1] === h1 && s[o + 2] === h2) return s[o + 3];
    }
  }
  /** store unless present; returns the value now stored */
  put(dir: number, h1: number, h2: number, val: number): number {
    const s = this.slots;
    const mask = this.mask;
    for (let i = (Math.imul(dir, 0x9e3779b1) ^ h1) & mask; ; i = (i + 1) & mask) {
      const o = i << 2;
      const d = s[o];
      if (d === dir && s[o + 1] === h1 && s[o + 2] === h2) return s[o + 3];
      if (d === -1) {
        s[o] = dir;
        s[o + 1] = h1;
        s[o + 2] = h2;
        s[o + 3] = val;
        return val;
      }
    }
  }
}

const NOT_FOUND = 0x7fffffff;

/** two independent 32-bit hashes of bytes (or of a latin1 string's chars): the first returned, the second in H2 */
let H2 = 0;
function hashBytes(b: Uint8Array, o: number, len: number): number {
  let h = 0x811c9dc5 | 0;
  let g = 0x9747b28c | 0;
  for (const e = o + len; o < e; o++) {
    const c = b[o];
    h = Math.imul(h ^ c, 0x01000193);
    g = Math.imul(g ^ c, 0x5bd1e995);
    g ^= g >>> 15;
  }
  H2 = g;
  return h;
}
function hashStr(s: string): number {
  let h = 0x811c9dc5 | 0;
  let g = 0x9747b28c | 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h = Math.imul(h ^ c, 0x01000193);
    g = Math.imul(g ^ c, 0x5bd1e995);
    g ^= g >>> 15;
  }
  H2 = g;
  return h;
}

const tables = new WeakMap<PackageMap, { size: number; table: PathTable }>();

function pathTable(map: PackageMap): PathTable {
  const c = tables.get(map);
  if (c && c.size === map.size) return c.table;
  const t = new PathTable(map.size * 1.2 + 1024);
  const dirNo = new Map<string, number>([['', 0]]);
  const pkgNo = new Map<string, number>();
  const dirOf = (dir: string): number => {
    let n = dirNo.get(dir);
    if (n !== undefined) return n;
    const cut = dir.lastIndexOf('/');
    const parent = dirOf(cut > 0 ? dir.slice(0, cut) : '');
    const h1 = hashStr(dir.slice(cut + 1));
    const v = t.put(parent, h1, H2, -t.dirs - 1);
    if (v === -t.dirs - 1) t.dirs++;
    n = v < 0 ? -v - 1 : t.dirs++; // (a file of that name cannot be: directories are not in the map)
    dirNo.set(dir, n);
    return n;
  };
  let lastDir: string | null = null;
  let last = 0;
  let lastPkg = '';
  let lastPkgNo = -1;
  for (const [p, pkg] of map) {
    const cut = p.lastIndexOf('/');
    if (cut < 0) continue;
    const dir = p.slice(0, cut);
    if (dir !== lastDir) {
      last = dirOf(dir);
      lastDir = dir;
    }
    if (pkg !== lastPkg || lastPkgNo < 0) {
      let k = pkgNo.get(pkg);
      if (k === undefined) {
        pkgNo.set(pkg, (k = t.pkgs.length));
        t.pkgs.push(pkg);
      }
      lastPkg = pkg;
      lastPkgNo = k;
    }
    const h1 = hashStr(p.slice(cut + 1));
    t.put(last, h1, H2, lastPkgNo);
  }
  tables.set(map, { size: map.size, table: t });
  return t;
}

/**
 * Disk bytes and file count of every package over the tree's non-directory entries, biggest first;
 * files no package lists are counted under `(no package)`. A hard-linked inode counts once per package.
 * Excluded entries are left out.
 */
export function attributePackages(tree: Tree, map: PackageMap, opts: PackageAttributionOptions = {}): OwnerBytes[] {
  if (tree.count === 0) return [];
  const accs = new Map<string, Acc>();
  const none: Acc = { name: NO_PACKAGE, bytes: 0, files: 0, links: null };
  let lastAcc = none;
  const count = (i: number, f: number, pkg: string | undefined) => {
    let a: Acc | undefined;
    if (pkg === undefined) a = none;
    else if (pkg === lastAcc.name) a = lastAcc;
    else {
      a = accs.get(pkg);
      if (!a) accs.set(pkg, (a = { name: pkg, bytes: 0, files: 0, links: null }));
      lastAcc = a;
    }
    if (f & EF_HARDLINK) {
      const key = tree.devOf(i) + ':' + tree.inoOf(i);
      if (!a.links) a.links = new Set();
      if (a.links.has(key)) return;
      a.links.add(key);
    }
    a.bytes += tree.ownD(i);
    a.files++;
  };

  const rootPath = treeRootPath(tree, opts.prefix).path;
  if (!tree.isDir(0)) {
    if (!tree.excluded(0)) count(0, tree.isHardlink(0) ? EF_HARDLINK : 0, map.get(rootPath));
  } else {
    const t = pathTable(map);
    const pkgs = t.pkgs;
    // the root's directory number: down the table along the root's path (-1: nothing listed below)
    let node = 0;
    for (const seg of rootPath.split('/').slice(1)) {
      if (node < 0) break;
      const v = t.find(node, hashStr(seg), H2);
      node = v < 0 && v !== NOT_FOUND ? -v - 1 : -1;
    }
    const { bytes: nb, off, len } = treeNames(tree);
    const fl = entryFlags(tree);
    // depth first, an explicit stack of directories with their numbers in the table
    const stI: number[] = [0];
    const stN: number[] = [node];
    while (stI.length) {
      const d = stI.pop()!;
      const nd = stN.pop()!;
      const kids = tree.children(d);
      for (let j = 0; j < kids.length; j++) {
        const k = kids[j];
        const f = fl[k];
        if (f & EF_EXCL) continue;
        let v = NOT_FOUND;
        if (nd >= 0) v = t.find(nd, hashBytes(nb, off[k], len[k]), H2);
        if ((f & EF_TYPE) === EntryType.Dir) {
          stI.push(k);
          stN.push(v < 0 ? -v - 1 : -1);
        } else count(k, f, v >= 0 && v !== NOT_FOUND ? pkgs[v] : undefined);
      }
    }
  }
  const rows = [...accs.values()];
  if (none.files) rows.push(none);
  return rows
    .map((a) => ({ name: a.name, bytes: a.bytes, files: a.files }))
    .sort((x, y) => y.bytes - x.bytes || y.files - x.files || (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
}

// ------------------------------------------------------------------------------------------------
// shared by the attribution modules (kinds, services)

/** every entry's name, as a latin1 string of its bytes */
export interface TreeNames {
  name(i: number): string;
  /** the tree's name bytes, and where each entry's name starts in them and how long it is */
  bytes: Uint8Array;
  off: Uint32Array;
  len: Uint32Array;
}

const MAX_ONE_STRING = 256 * 1024 * 1024;

/**
 * Read the tree's names in one pass over its name buffer (entries are stored in index order, each a
 * varint length and the bytes; checked against the tree's own every-16th offsets, else nameOf is
 * used). One latin1 string of the whole buffer, cut with substring: no native call per name.
 */
export function treeNames(tree: Tree): TreeNames {
  const n = tree.count;
  const nm = tree.names;
  const off = new Uint32Array(n);
  const len = new Uint32Array(n);
  let o = 0;
  let ok = true;
  for (let i = 0; i < n; i++) {
    if ((i & 15) === 0 && tree.nameCk[i >>> 4] !== o) {
      ok = false;
      break;
    }
    let l = nm[o++];
    if (l & 0x80) {
      const b = nm[o++];
      if (b & 0x80) l = (l & 0x7f) | ((b & 0x7f) << 7) | (nm[o++] << 14);
      else l = (l & 0x7f) | (b << 7);
    }
    off[i] = o;
    len[i] = l;
    o += l;
  }
  if (!ok || o !== tree.namesLen) {
    const base = nm.byteOffset;
    for (let i = 0; i < n; i++) {
      const u = tree.nameOf(i);
      off[i] = u.byteOffset - base;
      len[i] = u.length;
    }
  }
  const buf = Buffer.from(nm.buffer, nm.byteOffset, nm.byteLength);
  if (tree.namesLen <= MAX_ONE_STRING) {
    const all = buf.toString('latin1', 0, tree.namesLen);
    return { name: (i) => all.substring(off[i], off[i] + len[i]), bytes: nm, off, len };
  }
  return { name: (i) => buf.toString('latin1', off[i], off[i] + len[i]), bytes: nm, off, len };
}

/** bits of entryFlags(): the type (EntryType), a hard link, excluded or removed */
export const EF_TYPE = 0x03;
export const EF_HARDLINK = 0x04;
export const EF_EXCL = 0x70;

/**
 * One byte an entry with its type, hard-link and excluded bits (EF_*): the tree's own flags when
 * they are laid out that way (checked on a sample), else built through its accessors. Reading a
 * byte is much cheaper than three method calls while the passes run before V8 optimizes them.
 */
export function entryFlags(tree: Tree): Uint8Array {
  const n = tree.count;
  const fl = tree.flags;
  const step = Math.max(1, Math.floor(n / 256));
  let ok = fl instanceof Uint8Array && fl.length >= n;
  for (let i = 0; ok && i < n; i += step) {
    const f = fl[i];
    ok = (f & EF_TYPE) === tree.type(i) && ((f & EF_HARDLINK) !== 0) === tree.isHardlink(i) && ((f & EF_EXCL) >> 4) === tree.excluded(i);
  }
  if (ok) return fl;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = tree.type(i) | (tree.isHardlink(i) ? EF_HARDLINK : 0) | ((tree.excluded(i) & 7) << 4);
  return out;
}

/**
 * The root's path as matched: no trailing slash, '' for `/`, latin1 of its bytes; relative to
 * `prefix` (a directory standing for `/`) when it lies below it. `outPrefix` is what was cut off.
 */
export function treeRootPath(tree: Tree, prefix?: string): { path: string; outPrefix: string } {
  const u = tree.nameOf(0);
  let p = Buffer.from(u.buffer, u.byteOffset, u.length).toString('latin1');
  if (p.length > 1) p = p.replace(/\/+$/, '');
  if (p === '/') p = '';
  if (prefix !== undefined) {
    const pre = Buffer.from(prefix.replace(/\/+$/, ''), 'utf8').toString('latin1');
    if (p === pre) return { path: '', outPrefix: pre };
    if (p.startsWith(pre + '/')) return { path: p.slice(pre.length), outPrefix: pre };
  }
  return { path: p, outPrefix: '' };
}
