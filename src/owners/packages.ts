/**
 * Which package installed the space: dpkg's file lists (and rpm's database when there is no dpkg),
 * read once into a map from absolute path to package and a hash table of (directory, name), then
 * one depth-first pass over the tree that looks each entry up by its name's bytes.
 *
 * Map keys are latin1 strings of the paths' raw bytes (one char per byte): lossless for names that
 * are not UTF-8. The lists are read the same way.
 *
 * Also here, shared by the other attribution passes (kinds, services, users): the tree's names read
 * in one go, its entries' flags, its root's path.
 */
import fs from 'node:fs';
import path from 'node:path';
import { readFileCapped } from '../util/read.js';
import { spawnSync } from 'node:child_process';
import type { Tree } from '../tree/tree.js';
import { EntryType } from '../model/entry.js';
import type { OwnerBytes } from './types.js';
import { ncduParseAddon, type NcduParseAddon } from '../import/native-parse.js';
import { checkPrivateDir, ensureDir } from '../store/store.js';
import { readFileNoFollow, writeFileAtomic } from '../util/write.js';
import { readFileNoFollowAsync } from '../util/read-async.js';

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
 * When two lists name a path, the first (in the directory's order) keeps it.
 *
 * What attribution needs (a hash table of directory and name, see PathTable) is built here, from the
 * lists' bytes; the map of strings itself is filled on its first use (100,000 strings in a Map cost
 * more than the rest of the loading, and attribution does not need them).
 */
export function loadPackageMap(opts: PackageMapOptions = {}): PackageMap {
  const lists = readLists(opts);
  const aliases = mergedUsrAliases(opts.root ?? '/');
  return new ListedPaths(buildTable(lists, aliases), () => mapOf(lists, aliases));
}

/** The package lists' bytes: dpkg's, else rpm's (see loadPackageMap). */
/** the largest dpkg .list read (the biggest packages list a few MiB of paths); a bigger one is skipped */
const LIST_MAX = 256 << 20;

function readLists(opts: PackageMapOptions): { pkg: string; text: Buffer }[] {
  const root = opts.root ?? '/';
  const infoDir = opts.infoDir ?? path.join(root, 'var/lib/dpkg/info');
  let names: string[] = [];
  try {
    names = fs.readdirSync(infoDir).filter((f) => f.endsWith('.list'));
  } catch {
    // no dpkg
  }
  const lists: { pkg: string; text: Buffer }[] = [];
  for (const f of names) {
    try {
      lists.push({ pkg: f.slice(0, -5), text: readFileCapped(path.join(infoDir, f), LIST_MAX) });
    } catch {
      // unreadable, or over LIST_MAX: skipped
    }
  }
  if (!lists.length && opts.rpm !== false && opts.infoDir === undefined) lists.push(...readRpm());
  return lists;
}

function buildTable(lists: { pkg: string; text: Buffer }[], aliases: [string, string][]): PathTable {
  let bytes = 0;
  for (const l of lists) bytes += l.text.length;
  const b = new TableBuilder(bytes / 64);
  /** the /usr forms of /bin/x and the like: [path, package number] pairs */
  const aliased: (string | number)[] = [];
  // backwards, a later list over an earlier one: the first list keeps a path
  for (let k = lists.length - 1; k >= 0; k--) tableLines(b, lists[k].text, b.pkgNo(lists[k].pkg), aliases, aliased);
  // then the aliases, over nothing: explicit /usr paths (and directories) win
  for (let k = aliased.length - 2; k >= 0; k -= 2) {
    const p = aliased[k] as string;
    const cut = p.lastIndexOf('/');
    b.add(b.dirOf(p.slice(0, cut)), p, cut + 1, aliased[k + 1] as number, NEVER);
  }
  return b.t;
}

/** A built table as plain data, to cross from a worker thread (slots' buffer transferable). */
export interface PackageTableData {
  slots: Int32Array;
  mask: number;
  used: number;
  dirs: number;
  pkgs: string[];
}

/**
 * Read the lists and build the table: what a worker thread does while the scan runs. With
 * `cacheFile`, a table saved there is used when it was built from the same lists (dpkg's info
 * directory unchanged since: installing, upgrading or removing a package renames a file in it,
 * which changes its mtime), else the table is built and saved there (best effort, atomically).
 */
export function buildPackageTable(opts: PackageMapOptions & { cacheFile?: string } = {}): PackageTableData & { cached: boolean } {
  const root = opts.root ?? '/';
  const aliases = mergedUsrAliases(root);
  const infoDir = opts.infoDir ?? path.join(root, 'var/lib/dpkg/info');
  const key = opts.cacheFile ? cacheKey(infoDir, aliases) : null;
  if (opts.cacheFile && key) {
    const hit = readTableCache(opts.cacheFile, key);
    if (hit) return { ...hit, cached: true };
  }
  const t = buildTable(readLists(opts), aliases);
  const d = { slots: t.slots, mask: t.mask, used: t.used, dirs: t.dirs, pkgs: t.pkgs };
  if (opts.cacheFile && key) writeTableCache(opts.cacheFile, key, d);
  return { ...d, cached: false };
}

/** what a cached table was built from (null: no dpkg info directory, rpm or nothing: not cached) */
function cacheKey(infoDir: string, aliases: [string, string][]): string | null {
  try {
    const st = fs.statSync(infoDir);
    return JSON.stringify(['diskblame-packages-1', infoDir, st.ino, st.mtimeMs, st.ctimeMs, aliases]);
  } catch {
    return null;
  }
}

/** the cache file: a length, a JSON header (key, sizes, package names), padding to 4, the slots */
function readTableCache(file: string, key: string): PackageTableData | null {
  let buf: Buffer;
  try {
    checkPrivateDir(path.dirname(file), 'cache'); // a cache others can write is not believed
    buf = readFileNoFollow(file);
  } catch {
    return null;
  }
  return parseTableCache(buf, key);
}

/** a cache file's table when it was built for `key`, else null (the slots a view of `buf` when aligned) */
function parseTableCache(buf: Buffer, key: string): PackageTableData | null {
  try {
    if (buf.length < 4) return null;
    const hlen = buf.readUInt32LE(0);
    if (4 + hlen > buf.length) return null;
    const h = JSON.parse(buf.toString('utf8', 4, 4 + hlen)) as { key: string; mask: number; used: number; dirs: number; pkgs: string[] };
    if (h.key !== key || !Array.isArray(h.pkgs)) return null;
    const off = (4 + hlen + 3) & ~3;
    const n = (h.mask + 1) * 4;
    if (!Number.isInteger(h.mask) || buf.length !== off + n * 4) return null;
    let slots: Int32Array;
    if ((buf.byteOffset + off) % 4 === 0) slots = new Int32Array(buf.buffer, buf.byteOffset + off, n);
    else {
      slots = new Int32Array(n);
      new Uint8Array(slots.buffer).set(buf.subarray(off));
    }
    return { slots, mask: h.mask, used: h.used, dirs: h.dirs, pkgs: h.pkgs };
  } catch {
    return null; // corrupt: rebuilt and rewritten
  }
}

/**
 * buildPackageTable's cache alone, read off this thread (the owners command reads it while the scan
 * runs): the table saved in `cacheFile` when it was built from the same lists, else null (none
 * there, stale, corrupt, not ours: then the table is built, see load-async.ts).
 */
export async function cachedPackageTable(opts: PackageMapOptions & { cacheFile: string }): Promise<PackageTableData | null> {
  const root = opts.root ?? '/';
  const key = cacheKey(opts.infoDir ?? path.join(root, 'var/lib/dpkg/info'), mergedUsrAliases(root));
  if (key === null) return null;
  let buf: Buffer;
  try {
    checkPrivateDir(path.dirname(opts.cacheFile), 'cache'); // a cache others can write is not believed
    buf = await readFileNoFollowAsync(opts.cacheFile);
  } catch {
    return null;
  }
  return parseTableCache(buf, key);
}

function writeTableCache(file: string, key: string, d: PackageTableData): void {
  const head = Buffer.from(JSON.stringify({ key, mask: d.mask, used: d.used, dirs: d.dirs, pkgs: d.pkgs }));
  const off = (4 + head.length + 3) & ~3;
  const buf = Buffer.alloc(off + d.slots.byteLength);
  buf.writeUInt32LE(head.length, 0);
  head.copy(buf, 4);
  Buffer.from(d.slots.buffer, d.slots.byteOffset, d.slots.byteLength).copy(buf, off);
  try {
    ensureDir(path.dirname(file), '', 'cache'); // refuses a directory others can write
    writeFileAtomic(file, buf, { mode: 0o600, noFollow: true, privateFile: true }); // temp file + rename; removes the temp file when it fails
  } catch {
    // a full disk or a read-only home: no cache, nothing left behind
  }
}

/** The map for a table built elsewhere; its strings are read from the lists on first use. */
export function packageMapFromTable(d: PackageTableData, opts: PackageMapOptions = {}): PackageMap {
  const t = new PathTable(0);
  t.slots = d.slots;
  t.mask = d.mask;
  t.used = d.used;
  t.dirs = d.dirs;
  t.pkgs = d.pkgs;
  return new ListedPaths(t, () => mapOf(readLists(opts), mergedUsrAliases(opts.root ?? '/')));
}

/** the lists' paths into the table (directories become directories when a path below them comes) */
function tableLines(b: TableBuilder, buf: Buffer, pkgNo: number, aliases: [string, string][], aliased: (string | number)[]): void {
  const n = buf.length;
  let dirStart = -1; // the previous line's directory: buf[dirStart, dirStart + dirLen)
  let dirLen = -1;
  let dirNo = -1;
  for (let s = 0; s < n; ) {
    let e = buf.indexOf(0x0a, s);
    if (e < 0) e = n;
    let end = e;
    const start = s;
    s = e + 1;
    if (end > start && buf[end - 1] === 0x0d) end--;
    while (end - start > 1 && buf[end - 1] === 0x2f) end--;
    if (end - start < 2 || buf[start] !== 0x2f || (end - start === 2 && buf[start + 1] === 0x2e)) continue;
    let slash = end - 1;
    while (buf[slash] !== 0x2f) slash--;
    const len = slash - start;
    // lists are sorted: consecutive lines mostly share their directory
    let same = len === dirLen;
    for (let i = 0; same && i < len; i++) same = buf[start + i] === buf[dirStart + i];
    if (!same) {
      dirNo = b.dirOf(buf.toString('latin1', start, slash));
      dirStart = start;
      dirLen = len;
    }
    // the name's two hashes (as hashStr)
    let h = 0x811c9dc5 | 0;
    let g = 0x9747b28c | 0;
    for (let i = slash + 1; i < end; i++) {
      const c = buf[i];
      h = Math.imul(h ^ c, 0x01000193);
      g = Math.imul(g ^ c, 0x5bd1e995);
      g ^= g >>> 15;
    }
    b.t.put(dirNo, h, g, pkgNo, NOT_DIR);
    if (aliases.length) {
      const c = buf[start + 1];
      if (c === 0x62 || c === 0x73 || c === 0x6c) {
        // b, s, l
        const line = buf.toString('latin1', start, end);
        for (const [from, to] of aliases)
          if (line.startsWith(from)) {
            aliased.push(to + line.slice(from.length), pkgNo);
            break;
          }
      }
    }
  }
}

/**
 * A PackageMap whose strings are read from the lists on first use; `table` is what attribution uses
 * (valid while the map is not changed).
 */
class ListedPaths extends Map<string, string> {
  private fill: (() => Map<string, string>) | null;
  constructor(
    readonly table: PathTable,
    fill: () => Map<string, string>,
  ) {
    super();
    this.fill = fill;
  }
  /** not filled yet: the table is all there is, and it is right */
  get pending(): boolean {
    return this.fill !== null;
  }
  private ready(): void {
    const f = this.fill;
    if (!f) return;
    this.fill = null;
    for (const [k, v] of f()) super.set(k, v);
    tables.set(this, { size: super.size, table: this.table });
  }
  override get size(): number {
    this.ready();
    return super.size;
  }
  override get(k: string): string | undefined {
    this.ready();
    return super.get(k);
  }
  override has(k: string): boolean {
    this.ready();
    return super.has(k);
  }
  override set(k: string, v: string): this {
    this.ready();
    return super.set(k, v);
  }
  override delete(k: string): boolean {
    this.ready();
    return super.delete(k);
  }
  override clear(): void {
    this.ready();
    super.clear();
  }
  override forEach(f: (v: string, k: string, m: Map<string, string>) => void, self?: unknown): void {
    this.ready();
    super.forEach(f, self);
  }
  override keys(): MapIterator<string> {
    this.ready();
    return super.keys();
  }
  override values(): MapIterator<string> {
    this.ready();
    return super.values();
  }
  override entries(): MapIterator<[string, string]> {
    this.ready();
    return super.entries();
  }
  override [Symbol.iterator](): MapIterator<[string, string]> {
    this.ready();
    return super[Symbol.iterator]();
  }
}

/** the lists as a map of strings: the same choices as the table */
function mapOf(lists: { pkg: string; text: Buffer }[], aliases: [string, string][]): Map<string, string> {
  const r: Reading = { map: new Map(), dirs: new Set(), aliases, aliased: [] };
  for (let k = lists.length - 1; k >= 0; k--) addLines(r, lists[k].text.toString('latin1'), lists[k].pkg);
  const { map, dirs } = r;
  for (const d of dirs) map.delete(d);
  for (let k = r.aliased.length - 2; k >= 0; k -= 2) {
    const p = r.aliased[k];
    if (!map.has(p) && !dirs.has(p)) map.set(p, r.aliased[k + 1]);
  }
  return map;
}

interface Reading {
  map: Map<string, string>;
  /** every listed path that is the parent of a listed path */
  dirs: Set<string>;
  /** [/bin/, /usr/bin/] and the like */
  aliases: [string, string][];
  /** the /usr forms of listed paths, and their packages, in pairs */
  aliased: string[];
}

/** one path a line; `/.` and blank lines skipped; a later list wins */
function addLines(r: Reading, text: string, pkg: string): void {
  const { map, dirs, aliases } = r;
  let lastDir: string | null = null;
  let s = 0;
  const n = text.length;
  while (s < n) {
    let e = text.indexOf('\n', s);
    if (e < 0) e = n;
    let line = text.slice(s, e);
    s = e + 1;
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (line.length > 1 && line.endsWith('/')) line = line.replace(/\/+$/, '') || '/';
    if (line.length < 2 || line.charCodeAt(0) !== 0x2f || line === '/.') continue;
    const slash = line.lastIndexOf('/');
    // lists are sorted: consecutive lines mostly share their directory
    const dir = line.slice(0, slash);
    if (dir !== lastDir) {
      lastDir = dir;
      if (slash > 0) {
        dirs.add(dir);
        for (const [from, to] of aliases) {
          // /bin → /usr/bin, /bin/sub → /usr/bin/sub
          if (slash === from.length - 1 && line.startsWith(from)) dirs.add(to.slice(0, -1));
          else if (dir.startsWith(from)) dirs.add(to + dir.slice(from.length));
        }
      }
    }
    map.set(line, pkg);
    if (aliases.length) {
      const c = line.charCodeAt(1);
      if (c === 0x62 || c === 0x73 || c === 0x6c) {
        // b, s, l
        for (const [from, to] of aliases)
          if (line.startsWith(from)) {
            r.aliased.push(to + line.slice(from.length), pkg);
            break;
          }
      }
    }
  }
}

/** rpm's file lists as dpkg-like lists (slow: seconds); only when dpkg has none and rpm is installed */
function readRpm(): { pkg: string; text: Buffer }[] {
  const out = spawnSync('rpm', ['-qa', '--queryformat', '[%{FILENAMES}\t%{NAME}\n]'], {
    maxBuffer: 1 << 30,
    timeout: 60_000,
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  if (out.error || out.status !== 0 || !out.stdout) return [];
  const byPkg = new Map<string, string[]>();
  for (const line of out.stdout.toString('latin1').split('\n')) {
    const tab = line.lastIndexOf('\t');
    if (tab <= 0) continue;
    const pkg = line.slice(tab + 1);
    let l = byPkg.get(pkg);
    if (!l) byPkg.set(pkg, (l = []));
    l.push(line.slice(0, tab));
  }
  return [...byPkg].map(([pkg, paths]) => ({ pkg, text: Buffer.from(paths.sort().join('\n'), 'latin1') }));
}

/** [/bin/, /usr/bin/] and the like, for ROOT's top-level directories that are symlinks into /usr */
function mergedUsrAliases(root: string): [string, string][] {
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
  return aliases;
}

export interface PackageAttributionOptions {
  /** a directory standing for `/`: the tree's paths are taken relative to it (fixture trees) */
  prefix?: string;
  /**
   * filled (length tree.count at least) with the index in the returned list of the package each
   * counted entry belongs to, -1 for the others (directories, excluded entries): see ownerLabels
   */
  labels?: Int32Array;
  /** filled (length tree.count at least) with 1 for each file a package lists, 0 for the others */
  owned?: Uint8Array;
  /** the tree's decoded names (Tree.allNames), when the caller has them (a worker without the addon) */
  names?: { bytes: Uint8Array; off: Uint32Array; len: Uint32Array };
  /** the addon for the lookups (ncduparse.c packagePass; default: this thread's, if it loads); null: the walk here */
  addon?: NcduParseAddon | null;
  /** the lookups done already (packageLookups' result for this tree, map and prefix) */
  lookups?: Int32Array;
}

interface Acc {
  /** creation order, for the labels */
  id: number;
  name: string;
  bytes: number;
  files: number;
  links: Set<string> | null;
}

/**
 * The map as one hash table of (directory, name) pairs, so that the pass needs no path strings and
 * touches little memory: a directory of the lists is a number, its entries are found by the hash of
 * their names computed from the tree's bytes. Two independent 32-bit hashes (and the directory)
 * identify a name (a false match would take two 32-bit collisions in one directory). Built by the
 * loader, or once per map handed in (cached while its size stays the same).
 */
class PathTable {
  mask: number;
  /** 4 ints a slot, together so that a probe touches one cache line: dir (-1: empty), h1, h2, value */
  slots: Int32Array;
  used = 0;
  /** values: >= 0 a file, its package's index in `pkgs`; < 0 a directory, -(its number) - 1 */
  pkgs: string[] = [];
  dirs = 1; // 0 is `/`

  constructor(entries: number) {
    let size = 1024;
    while (size * 0.5 < entries) size *= 2;
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
  /**
   * Store val for (dir, name): a new entry always; over an old one when `over` says so (called with
   * the old value). Returns the value now stored.
   */
  put(dir: number, h1: number, h2: number, val: number, over: (old: number) => boolean): number {
    if (this.used * 10 >= this.mask * 7) this.grow();
    const s = this.slots;
    const mask = this.mask;
    for (let i = (Math.imul(dir, 0x9e3779b1) ^ h1) & mask; ; i = (i + 1) & mask) {
      const o = i << 2;
      const d = s[o];
      if (d === dir && s[o + 1] === h1 && s[o + 2] === h2) {
        if (over(s[o + 3])) s[o + 3] = val;
        return s[o + 3];
      }
      if (d === -1) {
        s[o] = dir;
        s[o + 1] = h1;
        s[o + 2] = h2;
        s[o + 3] = val;
        this.used++;
        return val;
      }
    }
  }
  private grow(): void {
    const old = this.slots;
    const size = (this.mask + 1) * 2;
    this.mask = size - 1;
    this.slots = new Int32Array(size * 4);
    for (let i = 0; i < this.slots.length; i += 4) this.slots[i] = -1;
    const s = this.slots;
    for (let o = 0; o < old.length; o += 4) {
      const dir = old[o];
      if (dir === -1) continue;
      let i = (Math.imul(dir, 0x9e3779b1) ^ old[o + 1]) & this.mask;
      while (s[i << 2] !== -1) i = (i + 1) & this.mask;
      s.set(old.subarray(o, o + 4), i << 2);
    }
  }
}

const NOT_FOUND = 0x7fffffff;
const NEVER = () => false;
/** a directory replaces a file entry of the same path (listed before its contents), never a directory */
const NOT_DIR = (old: number) => old >= 0;

/** builds a PathTable path by path */
class TableBuilder {
  t: PathTable;
  private dirNos = new Map<string, number>([['', 0]]);
  private pkgNos = new Map<string, number>();

  constructor(entries: number) {
    this.t = new PathTable(entries);
  }
  /** the number of a directory ('' is `/`), made when new */
  dirOf(dir: string): number {
    let n = this.dirNos.get(dir);
    if (n !== undefined) return n;
    const cut = dir.lastIndexOf('/');
    const parent = this.dirOf(cut > 0 ? dir.slice(0, cut) : '');
    const t = this.t;
    const h1 = hashStr(dir, cut + 1);
    const v = t.put(parent, h1, H2, -t.dirs - 1, NOT_DIR);
    if (v === -t.dirs - 1) t.dirs++;
    n = -v - 1;
    this.dirNos.set(dir, n);
    return n;
  }
  pkgNo(pkg: string): number {
    let k = this.pkgNos.get(pkg);
    if (k === undefined) {
      this.pkgNos.set(pkg, (k = this.t.pkgs.length));
      this.t.pkgs.push(pkg);
    }
    return k;
  }
  /** the file named path.slice(from) in directory dirNo belongs to pkgNo; over an entry there when `over` says */
  add(dirNo: number, path: string, from: number, pkgNo: number, over: (old: number) => boolean): void {
    const h1 = hashStr(path, from);
    this.t.put(dirNo, h1, H2, pkgNo, over);
  }
}

/**
 * Two independent 32-bit hashes of a latin1 string's chars (= the bytes it stands for): the first
 * returned, the second left in H2. attributePackages computes the same from the tree's bytes.
 */
let H2 = 0;
function hashStr(s: string, from = 0): number {
  let h = 0x811c9dc5 | 0;
  let g = 0x9747b28c | 0;
  for (let i = from; i < s.length; i++) {
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
  if (map instanceof ListedPaths && map.pending) return map.table;
  const c = tables.get(map);
  if (c && c.size === map.size) return c.table;
  const b = new TableBuilder(map.size);
  let lastDir: string | null = null;
  let lastDirNo = 0;
  for (const [p, pkg] of map) {
    const cut = p.lastIndexOf('/');
    if (cut < 0) continue;
    const dir = p.slice(0, cut);
    if (dir !== lastDir) {
      lastDirNo = b.dirOf(dir);
      lastDir = dir;
    }
    b.add(lastDirNo, p, cut + 1, b.pkgNo(pkg), NOT_DIR);
  }
  tables.set(map, { size: map.size, table: b.t });
  return b.t;
}

/**
 * Disk bytes and file count of every package over the tree's non-directory entries, biggest first;
 * files no package lists are counted under `(no package)`. A hard-linked inode counts once per package.
 * Excluded entries are left out.
 */
export function attributePackages(tree: Tree, map: PackageMap, opts: PackageAttributionOptions = {}): OwnerBytes[] {
  if (tree.count === 0) return [];
  const accs = new Map<string, Acc>();
  const none: Acc = { id: 0, name: NO_PACKAGE, bytes: 0, files: 0, links: null };
  let lastAcc = none;
  const labels = opts.labels;
  labels?.fill(-1);
  const owned = opts.owned;
  owned?.fill(0);
  const count = (i: number, f: number, pkg: string | undefined) => {
    if (owned && pkg !== undefined) owned[i] = 1;
    let a: Acc | undefined;
    if (pkg === undefined) a = none;
    else if (pkg === lastAcc.name) a = lastAcc;
    else {
      a = accs.get(pkg);
      if (!a) accs.set(pkg, (a = { id: accs.size + 1, name: pkg, bytes: 0, files: 0, links: null }));
      lastAcc = a;
    }
    if (labels) labels[i] = a.id;
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
    const { t, node } = tableRoot(map, rootPath);
    const pkgs = t.pkgs;
    const { bytes: nb, off, len } = opts.names ?? treeNames(tree);
    const fl = entryFlags(tree);
    const n = tree.count;
    // the lookups in C, a flat pass in index order (the walk below is the reference), or their
    // result when packageLookups did them already
    const addon = opts.addon === undefined ? ncduParseAddon() : opts.addon;
    if (opts.lookups || addon?.packagePass) {
      const out = opts.lookups ?? new Int32Array(n);
      if (opts.lookups || addon!.packagePass!([nb, off, len, fl, tree.parent, t.slots, out], n, t.mask, node) === 0) {
        // the sums in C too, but for the hard links (an inode once per package) and spilled sizes
        const sums = labels ? null : groupSums(tree, fl, out, false, pkgs.length + 1, owned ?? null, addon);
        if (sums !== null) {
          for (let v = 0; v < pkgs.length; v++) if (sums.files[v] > 0) accs.set(pkgs[v], { id: accs.size + 1, name: pkgs[v], bytes: sums.bytes[v], files: sums.files[v], links: null });
          none.bytes = sums.bytes[pkgs.length];
          none.files = sums.files[pkgs.length];
          for (let k = 0; k < sums.later.length; k++) {
            const i = sums.later[k];
            count(i, fl[i], out[i] >= 0 ? pkgs[out[i]] : undefined);
          }
          return rowsOf(accs, none, labels);
        }
        for (let i = 1; i < n; i++) {
          const f = fl[i];
          if (f & EF_EXCL || (f & EF_TYPE) === EntryType.Dir) continue;
          const v = out[i];
          count(i, f, v >= 0 ? pkgs[v] : undefined);
        }
        return rowsOf(accs, none, labels);
      }
    }
    // every name's two hashes, in one flat pass (cheaper than a call per name while V8 warms up)
    const h1s = new Int32Array(n);
    const h2s = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      let h = 0x811c9dc5 | 0;
      let g = 0x9747b28c | 0;
      for (let o = off[i], e = o + len[i]; o < e; o++) {
        const ch = nb[o];
        h = Math.imul(h ^ ch, 0x01000193);
        g = Math.imul(g ^ ch, 0x5bd1e995);
        g ^= g >>> 15;
      }
      h1s[i] = h;
      h2s[i] = g;
    }
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
        const v = nd >= 0 ? t.find(nd, h1s[k], h2s[k]) : NOT_FOUND;
        if ((f & EF_TYPE) === EntryType.Dir) {
          stI.push(k);
          stN.push(v < 0 ? -v - 1 : -1);
        } else count(k, f, v >= 0 && v !== NOT_FOUND ? pkgs[v] : undefined);
      }
    }
  }
  return rowsOf(accs, none, labels);
}

/** the packages' rows, biggest first (ties: more files, then by name); the labels made positions */
/** the table of `map` and the number in it of the directory `rootPath` ('' is `/`; -1: nothing listed below it) */
function tableRoot(map: PackageMap, rootPath: string): { t: PathTable; node: number } {
  const t = pathTable(map);
  let node = 0;
  for (const seg of rootPath.split('/').slice(1)) {
    if (node < 0) break;
    const v = t.find(node, hashStr(seg), H2);
    node = v < 0 && v !== NOT_FOUND ? -v - 1 : -1;
  }
  return { t, node };
}

/**
 * attributePackages' lookups (ncduparse.c packagePassAsync) on libuv's thread pool, while this
 * thread does other work: the promise of their result, for attributePackages' `lookups` (same tree,
 * map and prefix); it resolves with null when they failed (attributePackages then does them).
 * null at once when the addon cannot do them off this thread, or there is nothing to look up. The
 * tree must not change until the promise settles.
 */
export function packageLookups(tree: Tree, map: PackageMap, opts: Pick<PackageAttributionOptions, 'prefix' | 'names' | 'addon'> = {}): Promise<Int32Array | null> | null {
  const addon = opts.addon === undefined ? ncduParseAddon() : opts.addon;
  if (!addon?.packagePassAsync || tree.count === 0 || !tree.isDir(0)) return null;
  const { t, node } = tableRoot(map, treeRootPath(tree, opts.prefix).path);
  const { bytes: nb, off, len } = opts.names ?? treeNames(tree);
  const out = new Int32Array(tree.count);
  return addon.packagePassAsync([nb, off, len, entryFlags(tree), tree.parent, t.slots, out], tree.count, t.mask, node).then(
    (r) => (r === 0 ? out : null),
    () => null,
  );
}

/**
 * Disk bytes and entry counts by group over the tree in one flat pass of the addon (ncduparse.c
 * groupSums): `group` by entry (or by attribute when `byAttr`), a negative group counting in the last
 * of `groups`; directories' own bytes counted when `dirs`, else skipped; excluded entries skipped.
 * `owned` (when given) gets 1 for every file of a group >= 0. The hard-linked files and the entries
 * whose disk size spilled are left out of the sums and listed in `later` (index order) for the
 * caller. null when the addon has no groupSums.
 */
export function groupSums(
  tree: Tree,
  fl: Uint8Array,
  group: Int32Array,
  byAttr: boolean,
  groups: number,
  owned: Uint8Array | null,
  addon: NcduParseAddon | null = ncduParseAddon(),
  dirs = false,
): { bytes: Float64Array; files: Float64Array; later: Uint32Array } | null {
  if (!addon?.groupSums) return null;
  const bytes = new Float64Array(groups);
  const files = new Float64Array(groups);
  const dk = Uint8Array.from(tree.attrDk);
  const dsize = tree.dsize32.length >= tree.count ? tree.dsize32 : new Uint32Array(0);
  let later = new Uint32Array(tree.linkCount + tree.spillD.size);
  const arrays = (l: Uint32Array) => [fl, tree.attr, dk, tree.asize32, dsize, tree.dirOwnA, group, bytes, files, l, owned ?? new Uint8Array(0)];
  const k = addon.groupSums(arrays(later), tree.count, (byAttr ? 1 : 0) | (dirs ? 2 : 0));
  if (k > later.length) {
    // (more than the tree's links and spills: never, but then once more with room for all)
    bytes.fill(0);
    files.fill(0);
    later = new Uint32Array(k);
    addon.groupSums(arrays(later), tree.count, (byAttr ? 1 : 0) | (dirs ? 2 : 0));
  }
  return { bytes, files, later: later.subarray(0, k) };
}

function rowsOf(accs: Map<string, Acc>, none: Acc, labels: Int32Array | undefined): OwnerBytes[] {
  const rows = [...accs.values()];
  if (none.files) rows.push(none);
  rows.sort((x, y) => y.bytes - x.bytes || y.files - x.files || (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
  if (labels) relabel(labels, labels.length, rows.map((a) => a.id), accs.size + 1);
  return rows.map((a) => ({ name: a.name, bytes: a.bytes, files: a.files }));
}

/**
 * Which entries a package lists (1) and which not (0): attributePackages' `owned`, for the kinds
 * (a package's file is in no kind). Shape: Uint8Array of tree.count.
 */
export function ownedMask(tree: Tree, map: PackageMap, opts: { prefix?: string } = {}): Uint8Array {
  const owned = new Uint8Array(tree.count);
  attributePackages(tree, map, { prefix: opts.prefix, owned });
  return owned;
}

/**
 * Labels written with creation ids, rewritten to positions in the returned list: `ids[k]` is the id
 * of the row at position k; ids (below `idCount`) with no row become -1.
 */
export function relabel(labels: Int32Array, n: number, ids: number[], idCount: number): void {
  const pos = new Int32Array(idCount).fill(-1);
  ids.forEach((id, k) => (pos[id] = k));
  for (let i = 0; i < n; i++) {
    const v = labels[i];
    if (v >= 0) labels[i] = pos[v];
  }
}

// ------------------------------------------------------------------------------------------------
// shared by the attribution modules (kinds, services)

/** every entry's name, as a latin1 string of its bytes */
export interface TreeNames {
  /** entry i's name: a piece of one string of all the names (made at the first call) */
  name(i: number): string;
  /** the same string on its own, for a reader of a few names (the one string is not made) */
  one(i: number): string;
  /** every name's bytes (Tree.allNames), and where each entry's name starts in them and how long it is */
  bytes: Uint8Array;
  off: Uint32Array;
  len: Uint32Array;
}

const MAX_ONE_STRING = 256 * 1024 * 1024;

/**
 * Read the tree's names in one pass (Tree.allNames: decoded into one buffer, in index order). For
 * readers of every name, name() cuts one latin1 string of the whole buffer (made at its first
 * call) with substring: no native call per name; one() decodes a single name.
 */
export function treeNames(tree: Tree): TreeNames {
  // the attributions run one after the other on the same tree: the first one's table is kept for
  // the others until the current task ends (and checked against changes to the tree)
  const c = lastNames;
  if (c && c.tree === tree && c.count === tree.count && c.version === tree.version && c.buf === tree.names) return c.names;
  const names = readNames(tree);
  if (!lastNames) queueMicrotask(() => (lastNames = null));
  lastNames = { tree, count: tree.count, version: tree.version, buf: tree.names, names };
  return names;
}

let lastNames: { tree: Tree; count: number; version: number; buf: Uint8Array; names: TreeNames } | null = null;

function readNames(tree: Tree): TreeNames {
  const { bytes, off, len } = tree.allNames();
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // (a short name's bytes as char codes: several times cheaper than a Buffer decode while cold)
  const one = (i: number) => (len[i] <= 64 ? String.fromCharCode.apply(null, bytes.subarray(off[i], off[i] + len[i]) as unknown as number[]) : buf.toString('latin1', off[i], off[i] + len[i]));
  if (bytes.length <= MAX_ONE_STRING) {
    let all: string | null = null;
    return { name: (i) => (all ??= buf.toString('latin1')).substring(off[i], off[i] + len[i]), one, bytes, off, len };
  }
  return { name: one, one, bytes, off, len };
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
