/**
 * Trees through the library API: scan a directory or read an export into a Tree, then index it by
 * relative path so two trees (ours, ncdu's) can be compared entry by entry and directory by directory.
 */
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { Scanner, type ScanOptions } from '../../src/scan/scanner.js';
import { Tree } from '../../src/tree/tree.js';
import { importExport } from '../../src/import/ncdu-reader.js';
import { EntryType, Excluded } from '../../src/model/entry.js';

export { Tree, EntryType, Excluded };

/**
 * Scan into a Tree in this process. Threads default to 1: under tsx the scan worker's source
 * (eval'd from Function.toString) carries esbuild's __name() helper, undefined in the worker.
 * Multi-threaded scans are tested through the built CLI instead.
 */
export async function scanTree(dir: string, opts: ScanOptions = {}): Promise<Tree> {
  const t = new Tree();
  await new Scanner(dir, t, { threads: 1, ...opts }).run();
  assert.ok(t.finished, 'scanner did not finish the tree');
  return t;
}

/** Read an export (a file name, or its bytes) into a Tree. */
export async function loadExport(src: string | Buffer): Promise<Tree> {
  const t = new Tree();
  await importExport(typeof src === 'string' ? src : Readable.from([src]), t);
  assert.ok(t.finished, 'importer did not finish the tree');
  return t;
}

export type Kind = 'file' | 'dir' | 'symlink' | 'other';
const KINDS: Kind[] = ['file', 'dir', 'symlink', 'other'];

export interface Node {
  index: number;
  kind: Kind;
  /** own sizes */
  ownA: number;
  ownD: number;
  /** with everything below (directories) */
  sizeA: number;
  sizeD: number;
  items: number;
  excluded: Excluded;
  readError: boolean;
  hardlink: boolean;
}

/**
 * Every entry of the tree by its path below the root, as a latin1 string of the raw bytes (lossless,
 * '' is the root). Names that are not UTF-8 keep their bytes: compare keys with key().
 */
export function indexTree(t: Tree): Map<string, Node> {
  const m = new Map<string, Node>();
  const rel: string[] = new Array(t.count);
  for (let i = 0; i < t.count; i++) {
    const p = t.parent[i];
    const name = Buffer.from(t.nameOf(i)).toString('latin1');
    rel[i] = i === 0 ? '' : rel[p] === '' ? name : rel[p] + '/' + name;
    assert.ok(!m.has(rel[i]), `duplicate path ${show(rel[i])} in the tree`);
    m.set(rel[i], {
      index: i,
      kind: KINDS[t.type(i)],
      ownA: t.ownA(i),
      ownD: t.ownD(i),
      sizeA: t.sizeA(i),
      sizeD: t.sizeD(i),
      items: t.items(i),
      excluded: t.excluded(i),
      readError: t.readError(i),
      hardlink: t.isHardlink(i),
    });
  }
  return m;
}

/** The index key of a relative path given as parts (strings are UTF-8, Buffers raw bytes). */
export function key(...parts: (string | Buffer)[]): string {
  return parts.map((p) => (Buffer.isBuffer(p) ? p : Buffer.from(p)).toString('latin1')).join('/');
}

/** A key for assertion messages: the bytes, decoded where possible, control bytes escaped. */
export function show(k: string): string {
  return JSON.stringify(Buffer.from(k, 'latin1').toString('utf8'));
}

export function get(m: Map<string, Node>, k: string): Node {
  const n = m.get(k);
  assert.ok(n, `no entry ${show(k)} in the tree (have: ${[...m.keys()].slice(0, 40).map(show).join(', ')})`);
  return n;
}

/** Directories only: path -> [apparent total, disk total, items]. */
export function dirTotals(m: Map<string, Node>): Map<string, [number, number, number]> {
  const out = new Map<string, [number, number, number]>();
  for (const [k, n] of m) if (n.kind === 'dir') out.set(k, [n.sizeA, n.sizeD, n.items]);
  return out;
}

/** Sorted [path, value] pairs for deepEqual with readable diffs. */
export function sorted<V>(m: Map<string, V>): [string, V][] {
  return [...m.entries()].map(([k, v]) => [Buffer.from(k, 'latin1').toString('utf8') + (isLossy(k) ? ` <${Buffer.from(k, 'latin1').toString('hex')}>` : ''), v] as [string, V]).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

function isLossy(k: string): boolean {
  const b = Buffer.from(k, 'latin1');
  return !Buffer.from(b.toString('utf8')).equals(b);
}

/** Totals of a tree that can be compared across producers (ncdu without -e cannot tell symlinks from FIFOs). */
export function comparableTotals(t: Tree) {
  const x = t.totals();
  return {
    apparentBytes: x.apparentBytes,
    diskBytes: x.diskBytes,
    entries: x.entries,
    files: x.files,
    dirs: x.dirs,
    notreg: x.symlinks + x.others,
    hardlinks: x.hardlinks,
    errors: x.errors,
    excluded: x.excluded,
  };
}
