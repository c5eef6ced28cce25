/**
 * Which service keeps the space: systemd units by their data directories (/var/lib/X, /var/cache/X,
 * /var/log/X, /var/spool/X for X.service, and the directories units declare), the journal, docker
 * and podman containers and their storage, databases by their data directories.
 *
 * The hints (unit names, container names) are read by `loadServiceHints`; `attributeServices` is one
 * depth-first pass over the tree: each directory either starts a new owner (the innermost match wins)
 * or inherits its parent's, and every entry adds its own disk bytes to its owner.
 */
import fs from 'node:fs';
import path from 'node:path';
import { readFileCapped } from '../util/read.js';
import type { Tree } from '../tree/tree.js';
import { EntryType } from '../model/entry.js';
import type { ServiceBytes } from './types.js';
import { EF_EXCL, EF_TYPE, entryFlags, relabel, treeNames, treeRootPath, type TreeNames } from './packages.js';
import { kindsSpec } from './kinds.js';
import { ncduParseAddon } from '../import/native-parse.js';

export interface ServiceHints {
  /** unit file names (`nginx.service`, `getty@.service`) */
  units: Set<string>;
  /** directories units declare (StateDirectory=, CacheDirectory=, LogsDirectory=): absolute path → unit */
  unitDirs: Map<string, string>;
  /** docker container id → name */
  docker: Map<string, string>;
  /** podman container id → name */
  podman: Map<string, string>;
}

export interface ServiceHintsOptions {
  /** the filesystem root to read below (default `/`): fixture trees */
  root?: string;
}

const UNIT_DIRS = ['lib/systemd/system', 'usr/lib/systemd/system', 'etc/systemd/system'];
const DIR_KEYS: Record<string, string> = { StateDirectory: '/var/lib/', CacheDirectory: '/var/cache/', LogsDirectory: '/var/log/' };

/** the largest unit file or docker container config read (bigger ones are skipped: they are a few KiB) */
const STATE_FILE_MAX = 1 << 20;
/** the largest podman containers.json read (one entry per container, under 1 KiB each) */
const CONTAINERS_MAX = 64 << 20;

/**
 * Unit names and the directories they declare, docker and podman container names. Unreadable
 * parts, and files over STATE_FILE_MAX (CONTAINERS_MAX for podman's list), are skipped.
 */
export function loadServiceHints(opts: ServiceHintsOptions = {}): ServiceHints {
  const root = opts.root ?? '/';
  const h: ServiceHints = { units: new Set(), unitDirs: new Map(), docker: new Map(), podman: new Map() };
  const read = new Set<string>();
  for (const d of UNIT_DIRS) {
    const dir = path.join(root, d);
    let real: string;
    let names: string[];
    try {
      real = fs.realpathSync(dir);
      if (read.has(real)) continue; // /lib -> usr/lib
      read.add(real);
      names = fs.readdirSync(dir);
    } catch {
      continue;
    }
    for (const n of names) {
      if (!n.endsWith('.service')) continue;
      h.units.add(n);
      let text: string;
      try {
        text = readFileCapped(path.join(dir, n), STATE_FILE_MAX, 'utf8');
      } catch {
        continue; // a dangling link, a directory, or far too big for a unit file
      }
      if (!text.includes('Directory=')) continue;
      for (const m of text.matchAll(/^[ \t]*(StateDirectory|CacheDirectory|LogsDirectory)[ \t]*=[ \t]*(.*)$/gm)) {
        for (const v of m[2].trim().split(/\s+/)) {
          const rel = v.split(':')[0].replace(/^\/+|\/+$/g, '');
          if (!rel || rel.includes('%') || rel.split('/').includes('..')) continue;
          const p = DIR_KEYS[m[1]] + rel;
          if (!h.unitDirs.has(p)) h.unitDirs.set(p, n);
          // DynamicUser= units keep it in /var/lib/private (and the like)
          const priv = DIR_KEYS[m[1]] + 'private/' + rel;
          if (!h.unitDirs.has(priv)) h.unitDirs.set(priv, n);
        }
      }
    }
  }
  const dockerDir = path.join(root, 'var/lib/docker/containers');
  let ids: string[] = [];
  try {
    ids = fs.readdirSync(dockerDir);
  } catch {
    // no docker, or not readable
  }
  for (const id of ids) {
    try {
      const cfg = JSON.parse(readFileCapped(path.join(dockerDir, id, 'config.v2.json'), STATE_FILE_MAX, 'utf8')) as { Name?: unknown };
      if (typeof cfg.Name === 'string' && cfg.Name.replace(/^\//, '')) h.docker.set(id, cfg.Name.replace(/^\//, ''));
    } catch {
      // unreadable: named by its id
    }
  }
  try {
    const list = JSON.parse(
      readFileCapped(path.join(root, 'var/lib/containers/storage/overlay-containers/containers.json'), CONTAINERS_MAX, 'utf8'),
    ) as unknown;
    if (Array.isArray(list))
      for (const c of list as { id?: unknown; names?: unknown }[]) {
        if (c && typeof c.id === 'string' && Array.isArray(c.names) && typeof c.names[0] === 'string') h.podman.set(c.id, c.names[0]);
      }
  } catch {
    // no podman, or not readable
  }
  return h;
}

export interface ServiceAttributionOptions {
  /** a directory standing for `/`: the tree's paths are taken relative to it (fixture trees) */
  prefix?: string;
  /** filled (length tree.count at least) with each counted entry's index in the returned list, else -1 */
  labels?: Int32Array;
}

type Kind = ServiceBytes['kind'];

const DATABASES = new Map([
  ['/var/lib/postgresql', 'postgresql'],
  ['/var/lib/pgsql', 'postgresql'],
  ['/var/lib/mysql', 'mysql'],
  ['/var/lib/mariadb', 'mariadb'],
  ['/var/lib/mongodb', 'mongodb'],
  ['/var/lib/redis', 'redis'],
  ['/var/lib/influxdb', 'influxdb'],
  ['/var/lib/elasticsearch', 'elasticsearch'],
  ['/var/lib/clickhouse', 'clickhouse'],
]);
/** the deepest directory the path rules look at: /var/lib/containers/storage/overlay-containers/ID */
const RULE_DEPTH = 6;
const UNIT_PARENTS = new Set(['/var/lib', '/var/cache', '/var/log', '/var/spool', '/var/lib/private', '/var/cache/private', '/var/log/private']);
const DOCKER_STORAGE = new Set(['overlay2', 'overlay', 'image', 'vfs', 'fuse-overlayfs', 'btrfs', 'zfs', 'aufs']);

interface Acc {
  id: number;
  kind: Kind;
  name: string;
  bytes: number;
  files: number;
  paths: string[];
  links: Set<string> | null;
}

/** marker bits from a directory's children */
const M_PGVERSION = 1;
const M_BASE = 2;
const M_IBDATA = 4;
const M_MYSQLDIR = 8;
const M_IBD = 16;

/** the hints of a system with no units and no containers */
const NO_HINTS: ServiceHints = { units: new Set(), unitDirs: new Map(), docker: new Map(), podman: new Map() };

/**
 * Disk bytes and entry counts (files: non-directories) per service, container and database,
 * biggest first; `paths` are the directories counted for each. Every entry below a matched
 * directory counts its own disk bytes (the directory's own too), a hard-linked inode once per owner.
 * `hints` may be loadServiceHints itself (a function, called at most once): every directory its
 * hints name is below /var (as are the docker and podman rules), so it is not called for a tree
 * that neither is below /var nor holds it (a scan of /usr reads no unit file).
 */
export function attributeServices(tree: Tree, hints: ServiceHints | (() => ServiceHints), opts: ServiceAttributionOptions = {}): ServiceBytes[] {
  if (tree.count === 0 || !tree.isDir(0)) return [];
  const names = treeNames(tree);
  const { off, len: lens, bytes: nb } = names;
  const fl = entryFlags(tree);
  const accs = new Map<string, Acc>();
  const { path: rootPath, outPrefix } = treeRootPath(tree, opts.prefix);
  const parts = rootPath.split('/');
  if (typeof hints === 'function') hints = rootPath === '' || parts[1] === 'var' ? hints() : NO_HINTS;
  const h = hints;

  const ownerFor = (kind: Kind, name: string, dirPath: string): Acc => {
    const key = kind + '\0' + name;
    let a = accs.get(key);
    if (!a) accs.set(key, (a = { id: accs.size, kind, name, bytes: 0, files: 0, paths: [], links: null }));
    a.paths.push(outPrefix + dirPath || '/'); // bytes as latin1 until the rows are made
    return a;
  };
  const labels = opts.labels;
  labels?.fill(-1);
  const add = (a: Acc, i: number, dir: boolean) => {
    if (labels) labels[i] = a.id;
    if (!dir && tree.isHardlink(i)) {
      const key = tree.devOf(i) + ':' + tree.inoOf(i);
      if (!a.links) a.links = new Set();
      if (a.links.has(key)) return;
      a.links.add(key);
    }
    a.bytes += tree.ownD(i);
    if (!dir) a.files++;
  };

  /** the rules for paths below /var and /run (the data-directory recognisers come first) */
  const match = (dp: string, parent: string, name: string): [Kind, string] | null => {
    if (dp === '/var/log/journal' || dp === '/run/log/journal') return ['journal', 'systemd-journald.service'];
    if (parent === '/var/lib/docker/containers') return ['container', h.docker.get(name) ?? name.slice(0, 12)];
    if (parent === '/var/lib/docker') {
      if (DOCKER_STORAGE.has(name)) return ['container', 'docker images/layers'];
      if (name === 'volumes') return ['container', 'docker volumes'];
    }
    if (dp === '/var/lib/containers/storage') return ['container', 'podman storage'];
    if (parent === '/var/lib/containers/storage/overlay-containers') {
      const n = h.podman.get(name);
      if (n !== undefined) return ['container', n];
    }
    const db = DATABASES.get(dp);
    if (db !== undefined) return ['database', db];
    const declared = h.unitDirs.get(dp);
    if (declared !== undefined) return ['unit', declared];
    if (UNIT_PARENTS.has(parent)) {
      const u = unitFor(h.units, name);
      if (u !== null) return ['unit', u];
    }
    return null;
  };

  let ruleDepth = RULE_DEPTH;
  for (const p of h.unitDirs.keys()) ruleDepth = Math.max(ruleDepth, p.split('/').length - 1);

  // the root's ancestors: a scan of /var/lib/foo still belongs to foo.service
  let owner: Acc | null = null;
  {
    let found: [Kind, string] | null = null;
    let p = '';
    for (let k = 1; k < parts.length - 1; k++) {
      const parent = p;
      p += '/' + parts[k];
      found = match(p, parent, parts[k]) ?? found;
    }
    if (found) owner = ownerFor(found[0], found[1], rootPath); // counted from the root down
  }

  // depth first, an explicit stack: directory, its path, name, depth below `/` (times 2, +1 below
  // /var or /run: only there do the path rules apply), owner
  const candidates = dataDirCandidates(tree, names, fl);
  // the directories holding a candidate below them (or being one): without an owner, a directory
  // neither these nor in the path rules' reach is left out with all below it (nothing there counts)
  const leadsTo = new Set<number>();
  for (const c of candidates.keys()) for (let d = c; !leadsTo.has(d); d = tree.parent[d]) {
    leadsTo.add(d);
    if (d === 0) break;
  }
  const stI: number[] = [0];
  const stP: string[] = [rootPath];
  const stN: string[] = [parts[parts.length - 1]];
  const stD: number[] = [((parts.length - 1) << 1) | (parts[1] === 'var' || parts[1] === 'run' ? 1 : 0)];
  const stO: (Acc | null)[] = [owner];
  while (stI.length) {
    const d = stI.pop()!;
    const dp = stP.pop()!;
    const dn = stN.pop()!;
    const dd = stD.pop()!;
    let o = stO.pop()!;
    const kids = tree.children(d);
    const depth = dd >> 1;
    let m: [Kind, string] | null = null;
    if (dd & 1 && depth <= ruleDepth) m = match(dp, dp.slice(0, dp.length - dn.length - 1), dn);
    // what the directory holds, for the data-directory recognisers
    let marks = candidates.get(d) ?? 0;
    if (marks) {
      for (let j = 0; j < kids.length; j++) {
        const k = kids[j];
        if ((fl[k] & EF_TYPE) !== EntryType.Dir) continue;
        if (lens[k] === 4 && eq(nb, off[k], BASE)) marks |= M_BASE;
        else if (lens[k] === 5 && eq(nb, off[k], MYSQL)) marks |= M_MYSQLDIR;
      }
    }
    if (marks) m = marked(marks) ?? m;
    if (m && !(o && o.kind === m[0] && o.name === m[1])) o = ownerFor(m[0], m[1], dp);
    // the subdirectories, pushed with their owner (those that can have none are not)
    for (let j = 0; j < kids.length; j++) {
      const k = kids[j];
      if ((fl[k] & EF_TYPE) !== EntryType.Dir) continue;
      const kd = depth === 0 ? 2 | (lens[k] === 3 && (eq(nb, off[k], VAR) || eq(nb, off[k], RUN)) ? 1 : 0) : dd + 2;
      if (o === null && !(kd & 1 && kd >> 1 <= ruleDepth) && !leadsTo.has(k)) continue;
      const name = names.name(k);
      stI.push(k);
      stP.push(dp + '/' + name);
      stN.push(name);
      stD.push(kd);
      stO.push(o);
    }
    if (o) {
      if (!(fl[d] & EF_EXCL)) add(o, d, true);
      for (let j = 0; j < kids.length; j++) {
        const k = kids[j];
        const f = fl[k];
        if ((f & EF_TYPE) !== EntryType.Dir && !(f & EF_EXCL)) add(o, k, false);
      }
    }
  }
  const rows = [...accs.values()]
    .filter((a) => a.bytes > 0 || a.files > 0)
    .sort((x, y) => y.bytes - x.bytes || (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
  if (labels) relabel(labels, tree.count, rows.map((a) => a.id), accs.size);
  return rows.map((a) => {
    const raw = a.paths.map((p) => Buffer.from(p, 'latin1'));
    const paths = raw.map((b) => b.toString('utf8'));
    // the exact bytes of every path when any of them is not valid UTF-8
    const lossy = raw.some((b, k) => !Buffer.from(paths[k]!).equals(b));
    return { name: a.name, kind: a.kind, bytes: a.bytes, files: a.files, paths, ...(lossy ? { pathsBase64: raw.map((b) => b.toString('base64')) } : {}) };
  });
}

/**
 * The directories holding a file named PG_VERSION or ibdata1, or a file *.ibd, with those marks:
 * one flat pass over the names (cheaper than looking at every directory's children).
 */
function dataDirCandidates(tree: Tree, names: TreeNames, fl: Uint8Array): Map<number, number> {
  const out = new Map<number, number>();
  const { bytes: nb, off, len: lens } = names;
  const parent = tree.parent;
  // with the addon, a flat pass in C marks the files whose names could be these (ncduparse.c
  // kindsMarks; usually none); the loop below then looks at those only
  const addon = ncduParseAddon();
  let marks: Uint8Array | null = null;
  if (addon !== null && typeof addon.kindsMarks === 'function') {
    marks = new Uint8Array(tree.count);
    if (addon.kindsMarks(nb, off, lens, fl, parent, tree.count, DATA_DIR_SPEC, marks) === 0) return out;
  }
  for (let i = 1; i < tree.count; i++) {
    if (marks !== null && (marks[i] & 1) === 0) continue;
    const len = lens[i];
    if (len < 5) continue;
    const o = off[i];
    let m = 0;
    // x.ibd
    if (nb[o + len - 1] === 0x64 && nb[o + len - 2] === 0x62 && nb[o + len - 3] === 0x69 && nb[o + len - 4] === 0x2e) m = M_IBD;
    else if (len === 10 && eq(nb, o, PG_VERSION)) m = M_PGVERSION;
    else if (len === 7 && eq(nb, o, IBDATA1)) m = M_IBDATA;
    else continue;
    if ((fl[i] & (EF_TYPE | EF_EXCL)) !== EntryType.File) continue;
    const p = parent[i];
    out.set(p, (out.get(p) ?? 0) | m);
  }
  return out;
}

/** a database data directory, by what it holds */
function marked(marks: number): [Kind, string] | null {
  if ((marks & (M_PGVERSION | M_BASE)) === (M_PGVERSION | M_BASE)) return ['database', 'postgresql'];
  if (marks & M_IBDATA || (marks & (M_MYSQLDIR | M_IBD)) === (M_MYSQLDIR | M_IBD)) return ['database', 'mysql'];
  return null;
}

/** the unit X.service, Xd.service or X@.service for a directory named X, or null */
function unitFor(units: Set<string>, name: string): string | null {
  for (const u of [name + '.service', name + 'd.service', name + '@.service']) if (units.has(u)) return u;
  return null;
}

/** kindsMarks' spec of the file names dataDirCandidates looks for (KM_FEXACT 1, KM_FSUFFIX 2) */
const DATA_DIR_SPEC = kindsSpec([
  [1, 'PG_VERSION'],
  [1, 'ibdata1'],
  [2, '.ibd'],
]);
const PG_VERSION = Buffer.from('PG_VERSION');
const BASE = Buffer.from('base');
const IBDATA1 = Buffer.from('ibdata1');
const MYSQL = Buffer.from('mysql');
const VAR = Buffer.from('var');
const RUN = Buffer.from('run');

/** the bytes of `b` at `o` in `a` */
function eq(a: Uint8Array, o: number, b: Uint8Array): boolean {
  for (let i = 0; i < b.length; i++) if (a[o + i] !== b[i]) return false;
  return true;
}
