/**
 * The bench's real-shaped tree: the shape of a real tree (default /usr) copied N times under a
 * cache directory until it holds about a million entries.
 *
 *   node --import tsx bench/realtree.ts [--shape DIR] [--entries N] [--dest DIR]
 *
 * What is copied, per entry of the shape (walked without following symlinks, staying on the
 * shape's filesystem like `du -x`):
 * - every directory and every name, as raw bytes (no decoding: odd names survive);
 * - symlinks, with the same target bytes;
 * - regular files, created SPARSE at their real apparent size (ftruncate: almost no disk);
 * - the shape's own hard links (files sharing an inode) stay hard links within each copy;
 * - in copies 1..N-1, every `linkEvery`-th regular file (in the walk's order) is a hard link to
 *   the same file of copy 0 instead of a new inode: a file so planned has N links;
 * - mtimes (and atimes) of files, directories and symlinks.
 * Devices, FIFOs and sockets are skipped (never created). A directory on another filesystem, or
 * one that cannot be read, is copied empty. Modes and owners are not copied.
 *
 * A stamp beside the tree (`<dest>.realtree.json`) records the shape, its entry count, N and the
 * link period; the tree is reused while those match and rebuilt (the old one removed) otherwise.
 * Only Node built-ins, and nothing here runs at import time.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** One entry of the shape, in the walk's order (a directory before its children). */
export interface ShapeEntry {
  /** path below the shape's root, raw bytes ('' for the root itself) */
  rel: Buffer;
  kind: 'dir' | 'file' | 'symlink';
  /** apparent size in bytes (files; symlinks: the target's length) */
  size: number;
  /** seconds since the epoch, fractional */
  atime: number;
  mtime: number;
  /** symlinks: the target, raw bytes */
  target?: Buffer;
  /** files: index (in `entries`) of the first name of the same inode, when the shape hard-links it */
  linkOf?: number;
  /** files: true when copies 1..N-1 make this name a hard link to copy 0's file */
  planned?: boolean;
}

export interface Shape {
  root: string;
  entries: ShapeEntry[];
  /** entries skipped: devices, FIFOs, sockets */
  skippedSpecial: number;
  /** directories copied empty: another filesystem, or unreadable */
  emptiedDirs: number;
}

export interface RealTreeOptions {
  /** the tree whose shape is copied (default /usr) */
  shape: string;
  /** where the copies go (a directory this module owns: removed when rebuilt) */
  dest: string;
  /** about how many entries to reach (default 1,000,000): N = round(entries / shape entries), at least 1 */
  entries: number;
  /** one regular file in this many is a hard link in copies 1..N-1 (default 250) */
  linkEvery: number;
  /** progress lines (default: none) */
  progress?: (line: string) => void;
}

export interface RealTree {
  dest: string;
  shape: string;
  /** entries of one copy (the shape's root included) */
  shapeEntries: number;
  copies: number;
  /** names under and including `dest`: 1 + copies × shapeEntries */
  entries: number;
  /** names that are planned hard links (copies 1..N-1) */
  plannedLinks: number;
  skippedSpecial: number;
  emptiedDirs: number;
  /** 'reused' or 'built in S s' */
  how: string;
}

const SLASH = Buffer.from('/');
const join = (a: Buffer, b: Buffer): Buffer => (a.length ? Buffer.concat([a, SLASH, b]) : b);
const under = (root: Buffer, rel: Buffer): Buffer => (rel.length ? Buffer.concat([root, SLASH, rel]) : root);

/** Name of copy `c` inside dest. */
export const copyName = (c: number): string => `copy${c}`;

/**
 * Walk `root` (not following symlinks, not leaving its filesystem) into a Shape; names sorted
 * by bytes so the walk's order (and so which files get planned links) is stable.
 * Throws when `root` is not a readable directory.
 */
export function readShape(root: string, linkEvery = 250): Shape {
  const rootB = Buffer.from(path.resolve(root));
  const st0 = fs.lstatSync(rootB);
  if (!st0.isDirectory()) throw new Error(`${root} is not a directory`);
  const entries: ShapeEntry[] = [];
  const inodes = new Map<string, number>();
  let skippedSpecial = 0;
  let emptiedDirs = 0;
  let files = 0;
  const visit = (rel: Buffer, st: fs.Stats): void => {
    const base = { rel, size: st.size, atime: st.atimeMs / 1000, mtime: st.mtimeMs / 1000 };
    if (st.isDirectory()) {
      entries.push({ ...base, kind: 'dir', size: 0 });
      if (st.dev !== st0.dev) {
        emptiedDirs++;
        return;
      }
      let names: Buffer[];
      try {
        names = fs.readdirSync(under(rootB, rel), { encoding: 'buffer' });
      } catch {
        emptiedDirs++;
        return;
      }
      names.sort(Buffer.compare);
      for (const n of names) {
        const r = join(rel, n);
        let s: fs.Stats;
        try {
          s = fs.lstatSync(under(rootB, r));
        } catch {
          continue; // vanished since the listing
        }
        visit(r, s);
      }
    } else if (st.isSymbolicLink()) {
      let target: Buffer;
      try {
        target = fs.readlinkSync(under(rootB, rel), { encoding: 'buffer' });
      } catch {
        return;
      }
      entries.push({ ...base, kind: 'symlink', size: target.length, target });
    } else if (st.isFile()) {
      const e: ShapeEntry = { ...base, kind: 'file' };
      if (st.nlink > 1) {
        const key = `${st.dev}:${st.ino}`;
        const first = inodes.get(key);
        if (first === undefined) inodes.set(key, entries.length);
        else e.linkOf = first;
      } else if (++files % linkEvery === 0) e.planned = true; // nlink 1: one in linkEvery
      entries.push(e);
    } else skippedSpecial++;
  };
  visit(Buffer.alloc(0), st0);
  return { root: rootB.toString(), entries, skippedSpecial, emptiedDirs };
}

/** Create copy `c` of `shape` at `root` (which must not exist). Throws on the first failure. */
function buildCopy(shape: Shape, root: Buffer, copy0: Buffer, c: number): void {
  const { entries } = shape;
  for (const e of entries) {
    const p = under(root, e.rel);
    if (e.kind === 'dir') fs.mkdirSync(p);
    else if (e.kind === 'symlink') {
      fs.symlinkSync(e.target!, p);
      fs.lutimesSync(p, e.atime, e.mtime);
    } else if (e.linkOf !== undefined) fs.linkSync(under(root, entries[e.linkOf]!.rel), p);
    else if (e.planned && c > 0) fs.linkSync(under(copy0, e.rel), p);
    else {
      const fd = fs.openSync(p, 'wx');
      try {
        if (e.size) fs.ftruncateSync(fd, e.size);
        fs.futimesSync(fd, e.atime, e.mtime);
      } finally {
        fs.closeSync(fd);
      }
    }
  }
  // directories' times last, children first (creating a child changes its parent's mtime)
  for (let i = entries.length - 1; i >= 0; i--) {
    const e = entries[i]!;
    if (e.kind === 'dir') fs.utimesSync(under(root, e.rel), e.atime, e.mtime);
  }
}

/** Names under and including `dir`, not following symlinks (hard links counted once per name). */
export function countNames(dir: string): number {
  let n = 1;
  const walk = (d: Buffer): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true, encoding: 'buffer' })) {
      n++;
      if (e.isDirectory()) walk(join(d, e.name));
    }
  };
  walk(Buffer.from(dir));
  return n;
}

interface Stamp {
  format: 1;
  state: 'building' | 'complete';
  shape: string;
  shapeEntries: number;
  copies: number;
  linkEvery: number;
  entries: number;
  plannedLinks: number;
  built?: string;
  buildSeconds?: number;
}

/** The stamp file that marks `dest` as ours: `<dest>.realtree.json`. */
export const stampPath = (dest: string): string => path.join(path.dirname(dest), `${path.basename(dest)}.realtree.json`);

function readStamp(dest: string): Stamp | null {
  try {
    const s = JSON.parse(fs.readFileSync(stampPath(dest), 'utf8')) as Stamp;
    return s && s.format === 1 ? s : null;
  } catch {
    return null;
  }
}

/**
 * Make sure `dest` holds the real-shaped tree for these options: reuse it when its stamp matches
 * (same shape directory, same entry count of the shape now, same N and link period), otherwise
 * remove it (only when a stamp says it is ours) and build it again, then count its names.
 * Throws when `dest` exists, is not empty and has no stamp (not ours), or when building fails.
 */
export function ensureRealTree(o: RealTreeOptions): RealTree {
  const dest = path.resolve(o.dest);
  const say = o.progress ?? (() => {});
  const t0 = performance.now();
  const shape = readShape(o.shape, o.linkEvery);
  const shapeEntries = shape.entries.length;
  const copies = Math.max(1, Math.round(o.entries / shapeEntries));
  const plannedPerCopy = shape.entries.filter((e) => e.planned).length;
  const plannedLinks = plannedPerCopy * (copies - 1);
  const entries = 1 + copies * shapeEntries;
  const result = { dest, shape: shape.root, shapeEntries, copies, entries, plannedLinks, skippedSpecial: shape.skippedSpecial, emptiedDirs: shape.emptiedDirs };
  say(`shape of ${shape.root}: ${shapeEntries.toLocaleString('en-US')} entries (${((performance.now() - t0) / 1000).toFixed(1)} s to read), ${copies} copies`);

  const stamp = readStamp(dest);
  const lastRel = shape.entries[shapeEntries - 1]!.rel;
  const last = under(Buffer.from(path.join(dest, copyName(copies - 1))), lastRel);
  if (
    stamp?.state === 'complete' &&
    stamp.shape === shape.root &&
    stamp.shapeEntries === shapeEntries &&
    stamp.copies === copies &&
    stamp.linkEvery === o.linkEvery &&
    fs.existsSync(dest) &&
    exists(last)
  )
    return { ...result, how: `reused (stamp ${stampPath(dest)})` };

  let names: string[] = [];
  try {
    names = fs.readdirSync(dest);
  } catch {
    /* missing */
  }
  if (names.length) {
    if (!stamp) throw new Error(`${dest} exists, is not empty and has no stamp ${stampPath(dest)}: it is not a real-shaped bench tree; use another directory`);
    say(`removing the old tree ${dest} (${stamp.state}, ${stamp.shapeEntries} × ${stamp.copies} from ${stamp.shape})`);
    fs.rmSync(dest, { recursive: true, force: true });
  }
  const base: Omit<Stamp, 'state'> = { format: 1, shape: shape.root, shapeEntries, copies, linkEvery: o.linkEvery, entries, plannedLinks };
  fs.mkdirSync(path.dirname(dest), { recursive: true });
  fs.writeFileSync(stampPath(dest), JSON.stringify({ ...base, state: 'building' }) + '\n');
  fs.mkdirSync(dest, { recursive: true });
  const b0 = performance.now();
  const copy0 = Buffer.from(path.join(dest, copyName(0)));
  for (let c = 0; c < copies; c++) {
    buildCopy(shape, c === 0 ? copy0 : Buffer.from(path.join(dest, copyName(c))), copy0, c);
    say(`built copy ${c + 1}/${copies} (${((performance.now() - b0) / 1000).toFixed(0)} s)`);
  }
  const have = countNames(dest);
  if (have !== entries) throw new Error(`built ${dest} but it has ${have} names, not ${entries} (did the shape change while copying?)`);
  const secs = (performance.now() - b0) / 1000;
  fs.writeFileSync(stampPath(dest), JSON.stringify({ ...base, state: 'complete', built: new Date().toISOString(), buildSeconds: Math.round(secs) }) + '\n');
  return { ...result, how: `built in ${secs.toFixed(1)} s` };
}

function exists(p: Buffer): boolean {
  try {
    fs.lstatSync(p);
    return true;
  } catch {
    return false;
  }
}

/** The default cache location: beside the reference tree's directory, named after the shape. */
export const defaultDest = (shape: string, base = process.env.DISKBLAME_BENCH_DIR ? path.dirname(process.env.DISKBLAME_BENCH_DIR) : '/tmp/diskblame-bench'): string =>
  path.join(base, `realshape${path.resolve(shape).replace(/\//g, '-')}`);

// standalone: node --import tsx bench/realtree.ts [--shape DIR] [--entries N] [--dest DIR]
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const get = (k: string): string | undefined => {
    const i = args.indexOf(k);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const shape = get('--shape') ?? '/usr';
  const want = Number(get('--entries') ?? 1_000_000);
  try {
    if (!Number.isInteger(want) || want < 1) throw new Error(`--entries wants a whole number above 0, not ${get('--entries')}`);
    const r = ensureRealTree({
      shape,
      dest: get('--dest') ?? defaultDest(shape),
      entries: want,
      linkEvery: 250,
      progress: (l) => process.stderr.write(`  · ${l}\n`),
    });
    process.stdout.write(JSON.stringify(r, null, 2) + '\n');
  } catch (e) {
    process.stderr.write(`realtree: ${(e as Error).message}\n`);
    process.exit(1);
  }
}
