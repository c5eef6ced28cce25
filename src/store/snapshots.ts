/**
 * Snapshots in the store: <store>/snapshots/<id>.json.gz, each an ncdu-format export (gzip) whose
 * metadata object carries our data under x_ keys, so `zcat F | ncdu -f -` and `gdu -f` open it.
 *
 * CONTRACT (implemented by the snapshot work; the diff, forecast and metrics code rely on it):
 * - id: `YYYYMMDDTHHMMSSZ-<host>-<8 hex of sha1(root)>`; sorting ids sorts by time for one host.
 *   (A second snapshot of the same root in the same second gets `-2`, `-3`, ... appended.)
 * - metadata keys written by the snapshot writer (the ncdu writer prefixes x_):
 *   x_snapshot: SnapshotMeta (below, without `file` and `id`)
 * - listSnapshots never throws on a bad file: it is reported in `bad` and skipped.
 *
 * Reading a snapshot's metadata decompresses only the head of the file (the metadata object comes
 * first: since the kinds of data are computed while the entries are compressed, the head is its own
 * gzip member, written once they are done into the room left for it before them, the rest of the
 * room an empty member; earlier snapshots have the head and the first entries in one member) and checks the tail: the writer puts the closing `]` alone in
 * the last gzip member, so a truncated file is recognised from its last few hundred bytes. Damage in the middle of a file is
 * only found when it is loaded (loadSnapshot: gzip CRCs and the JSON parser).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import type { VolumeUsage } from './samples.js';
import { NameTable, NcduWriter } from '../export/ncdu-writer.js';
import { TotalsSink } from '../report/totals.js';
import { ImportError, importExport } from '../import/ncdu-reader.js';
import { Tree } from '../tree/tree.js';
import { UserError } from '../util/errors.js';
import { escapeName } from '../util/escape.js';
import { Bytes, parseExact } from '../util/exact.js';
import { openNoFollow } from '../util/write.js';
import { checkStore, ensureDir, writeErrorText } from './store.js';

export type SnapshotVolume = VolumeUsage;

export interface SnapshotMeta {
  id: string;
  /** ISO 8601 UTC, when the scan started */
  time: string;
  host: string;
  /** the absolute scanned path */
  root: string;
  volume: SnapshotVolume;
  entries: number;
  /** disk usage in bytes (du -sB1), exact: a bigint from 2^53 up (written as exact JSON digits) */
  diskBytes: Bytes;
  /** apparent size in bytes (du -sb), exact */
  apparentBytes: Bytes;
  /** bytes per kind of data (owners/kinds rules), when computed */
  kinds?: Record<string, number>;
  /** bytes held by deleted-but-open files on the volume, when /proc was read */
  deletedOpenBytes?: number;
  /** true when not every process's files could be read (not root): deletedOpenBytes is a lower bound */
  deletedOpenPartial?: boolean;
  /** entries that could not be read during the scan */
  errors?: number;
  /** the file in the store */
  file: string;
}

export const SNAPSHOTS_SUBDIR = 'snapshots';
export const SNAPSHOT_EXT = '.json.gz';
/**
 * The gzip level of a snapshot: 3, below the export writer's 4 (GZIP_LEVEL). Levels 1-3 are zlib's
 * fast strategy: on /usr's shape copied to 1M entries (97 MB of text), level 3 took 0.55-0.6x
 * level 4's CPU for a file 6% larger (9.73 against 9.19 MB; level 1: 10.23 MB, hardly faster).
 * Level 4's gzip thread took as long as the text it compressed, so the write waited on it.
 * (zlib's level: where libdeflate gzips, export/gzip.ts makes it libdeflate's level 1, smaller than
 * zlib's 3 for 0.63x its CPU.)
 */
export const SNAPSHOT_GZIP_LEVEL = 3;
/** the metadata key (the writer writes it as is: it already has the x_ prefix) */
export const META_KEY = 'x_snapshot';

// ------------------------------------------------------------------------------------------ ids

/** A host name as it may appear in an id and a file name. */
export function hostTag(host: string): string {
  const h = host.replace(/[^A-Za-z0-9.-]+/g, '_').replace(/^[.-]+/, '');
  return h || 'host';
}

/** `YYYYMMDDTHHMMSSZ-<host>-<8 hex of sha1(root)>` */
export function snapshotId(time: Date, host: string, root: string): string {
  const t = time.toISOString().replace(/\.\d+Z$/, 'Z').replace(/[-:]/g, '');
  const h = crypto.createHash('sha1').update(root).digest('hex').slice(0, 8);
  return `${t}-${hostTag(host)}-${h}`;
}

export function snapshotsDir(store: string): string {
  return path.join(store, SNAPSHOTS_SUBDIR);
}

// ------------------------------------------------------------------------------------------ saving

export interface SaveInput {
  /** the absolute scanned path */
  root: string;
  /** when the scan started */
  started: Date;
  host?: string;
  volume: SnapshotVolume;
  kinds?: Record<string, number>;
  deletedOpenBytes?: number;
  deletedOpenPartial?: boolean;
  /** gzip level (default SNAPSHOT_GZIP_LEVEL) */
  gzipLevel?: number;
  /** counts entries as they are written, calling tick() every 16,384 (for a progress display: the write is synchronous) */
  counter?: { entries: number; tick(): void };
  /**
   * the tree's names (tree.allNames(), as the kinds pass read them), or a function that gives
   * them (called once the gzip thread is starting: its start-up overlaps the decoding); default:
   * decoded for the write
   */
  names?: NameTable | (() => NameTable);
  /** other work to do while the gzip thread is busy (ExportOptions.whileFull) */
  whileFull?: () => boolean;
}

export interface SaveResult {
  meta: SnapshotMeta;
  fileBytes: number;
  writeMs: number;
}

/** The metadata of a scanned tree (pure). */
export function metaOf(tree: Tree, input: SaveInput, id: string, file: string): SnapshotMeta {
  const t = tree.totals();
  const m: SnapshotMeta = {
    id,
    time: input.started.toISOString(),
    host: input.host ?? os.hostname(),
    root: input.root,
    volume: input.volume,
    entries: t.entries,
    diskBytes: t.diskBytes,
    apparentBytes: t.apparentBytes,
    errors: t.errors,
    file,
  };
  if (input.kinds) m.kinds = input.kinds;
  if (input.deletedOpenBytes !== undefined) {
    m.deletedOpenBytes = input.deletedOpenBytes;
    if (input.deletedOpenPartial) m.deletedOpenPartial = true;
  }
  return m;
}

/** `<id>.json.gz`, then `<id>-2.json.gz`, ... (ids collide within one second) */
function candidate(dir: string, base: string, n: number): string {
  return path.join(dir, (n === 1 ? base : `${base}-${n}`) + SNAPSHOT_EXT);
}

/** Is there anything (a dangling link too) under `p`? */
function lexists(p: string): boolean {
  try {
    fs.lstatSync(p);
    return true;
  } catch {
    return false;
  }
}

/**
 * Move a finished temp file to the first free name, never replacing a snapshot (a concurrent
 * `snapshot` of the same root in the same second): link(2) fails when the name exists, rename(2)
 * would not. On a filesystem without hard links, a rename to a name that was free just before.
 */
function claimFreeName(dir: string, base: string): (tmp: string) => string {
  return (tmp) => {
    for (let n = 1; ; n++) {
      const dest = candidate(dir, base, n);
      try {
        fs.linkSync(tmp, dest);
        fs.unlinkSync(tmp);
        return dest;
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'EEXIST') continue;
        if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'EXDEV') throw e;
        if (lexists(dest)) continue;
        fs.renameSync(tmp, dest);
        return dest;
      }
    }
  };
}

/** entries from which startSnapshot starts the gzip thread before the names are decoded (their text passes 1 MiB) */
const EARLY_THREAD_ENTRIES = 1 << 15;

/** A snapshot whose entries are written (startSnapshot): its metadata is all that is left. */
export interface PendingSnapshot {
  /**
   * Write the head with the metadata (the start's input with `extra` added: the kinds and the
   * deleted-but-open bytes, known only now) and move the file into place. Throws a UserError of
   * one line when the write fails (nothing is left behind then).
   */
  finish(extra: Pick<SaveInput, 'kinds' | 'deletedOpenBytes' | 'deletedOpenPartial'>): SaveResult;
  /** Give up: nothing is left behind. Never throws. */
  abort(): void;
}

/**
 * Start writing a scanned tree as a snapshot: the entries now (the ncdu export text, gzip'd on
 * another thread past one piece, into the temp file in <store>/snapshots after the room left for
 * the head: NcduWriter deferHead), the head with
 * the metadata at finish(), so that what is only known later (the kinds of data, computed while
 * the gzip thread still works) goes in the head all the same. The decompressed file is the text
 * of a write in one go; the head is a gzip member of its own. At finish, the file is written
 * (temp file, fsync, rename, fsync of the directory). On failure nothing is left behind and
 * earlier snapshots are untouched; the error is a UserError of one line ("... no space left on the
 * device"). Temp files of writers that died (kill -9) are removed first, a live writer's never.
 */
export function startSnapshot(store: string, tree: Tree, input: SaveInput): PendingSnapshot {
  if (tree.count === 0) throw new UserError('nothing to save: the scan found no entries');
  const dir = ensureDir(store, SNAPSHOTS_SUBDIR);
  const base = snapshotId(input.started, input.host ?? os.hostname(), input.root);
  const t0 = performance.now();
  let writer: NcduWriter;
  try {
    writer = new NcduWriter(candidate(dir, base, 1), {
      gzip: true,
      gzipLevel: input.gzipLevel ?? SNAPSHOT_GZIP_LEVEL,
      deferHead: true,
      whileFull: input.whileFull,
      claim: claimFreeName(dir, base),
    });
  } catch (e) {
    throw new UserError(`cannot save the snapshot: ${(e as Error).message}`);
  }
  try {
    // a tree of this many entries makes more than one piece of text: the gzip thread starts now
    if (tree.count >= EARLY_THREAD_ENTRIES) writer.startThread();
    // the names as the kinds pass read them (one decoding of the tree's names for both)
    const names = typeof input.names === 'function' ? input.names() : (input.names ?? tree.allNames());
    writer.writeTree(tree, names, input.counter);
  } catch (e) {
    writer.abort();
    throw new UserError(`cannot save the snapshot: ${(e as Error).message}`);
  }
  let writeMs = performance.now() - t0;
  return {
    finish(extra) {
      const t1 = performance.now();
      const whole = metaOf(tree, { ...input, ...extra }, base, '');
      const { id: _id, file: _file, ...stored } = whole;
      try {
        writer.finishHead({ [META_KEY]: stored });
      } catch (e) {
        writer.abort();
        throw new UserError(`cannot save the snapshot: ${(e as Error).message}`);
      }
      writeMs += performance.now() - t1;
      const file = writer.finalPath!;
      const meta: SnapshotMeta = { ...whole, id: path.basename(file, SNAPSHOT_EXT), file };
      return { meta, fileBytes: writer.bytesWritten, writeMs };
    },
    abort: () => writer.abort(),
  };
}

/**
 * Write a scanned tree as a snapshot with all its metadata in `input` (startSnapshot, then its
 * finish at once). Throws as they do.
 */
export async function saveSnapshot(store: string, tree: Tree, input: SaveInput): Promise<SaveResult> {
  const { kinds, deletedOpenBytes, deletedOpenPartial } = input;
  return startSnapshot(store, tree, input).finish({ kinds, deletedOpenBytes, deletedOpenPartial });
}

/**
 * A snapshot in the store as a stream, never through a symbolic link (util/write.ts
 * openNoFollow). Throws an ImportError of one line ("cannot open F: is a symbolic link ...").
 */
function storeFileStream(file: string): NodeJS.ReadableStream {
  let fd: number;
  try {
    fd = openNoFollow(file);
  } catch (e) {
    throw new ImportError(`cannot open ${escapeName(file)}: ${writeErrorText(e)}`, 0);
  }
  return fs.createReadStream('', { fd, highWaterMark: 1 << 20 });
}

/** Load a snapshot of the store into a tree (not through a link); errors are ImportErrors of one line. */
export async function loadSnapshot(file: string): Promise<Tree> {
  const tree = new Tree();
  await importExport(storeFileStream(file), tree, { label: file });
  return tree;
}

/**
 * Read a whole snapshot of the store (gzip CRCs, the JSON; not through a link) and check its
 * totals against its metadata: what the listing, which reads only heads and tails, cannot see.
 * Returns the problem, or null.
 */
export async function verifySnapshot(m: SnapshotMeta): Promise<string | null> {
  const totals = new TotalsSink();
  try {
    await importExport(storeFileStream(m.file), totals, { label: m.file });
  } catch (e) {
    return (e as Error).message.replace(`${m.file}: `, '');
  }
  const t = totals.t;
  if (t.entries !== m.entries || t.diskBytes !== m.diskBytes || t.apparentBytes !== m.apparentBytes)
    return `its entries/disk/apparent totals (${t.entries}/${t.diskBytes}/${t.apparentBytes}) differ from its metadata (${m.entries}/${m.diskBytes}/${m.apparentBytes})`;
  return null;
}

// ------------------------------------------------------------------------------------------ reading heads

const HEAD_FIRST = 4096;
const HEAD_MAX = 4 * 1024 * 1024;
const TAIL = 512;

/**
 * Where the metadata object of an ncdu export starts and ends in `s` (the decompressed head):
 * `[1, 2, {…}`. Returns null when the object is not complete in `s` yet; throws when `s` is not
 * the start of an export.
 */
export function findMetaObject(s: Buffer): { start: number; end: number } | null {
  let i = 0;
  const ws = () => {
    while (i < s.length && (s[i] === 0x20 || s[i] === 0x0a || s[i] === 0x0d || s[i] === 0x09)) i++;
  };
  const expect = (what: string, ok: (c: number) => boolean) => {
    ws();
    if (i >= s.length) return false;
    if (!ok(s[i])) throw new Error(`not an ncdu export (expected ${what} at byte ${i})`);
    return true;
  };
  const digits = () => {
    if (!expect('a number', (c) => c >= 0x30 && c <= 0x39)) return false;
    while (i < s.length && s[i] >= 0x30 && s[i] <= 0x39) i++;
    return i < s.length;
  };
  const ch = (c: number, what: string) => {
    if (!expect(what, (x) => x === c)) return false;
    i++;
    return true;
  };
  if (!ch(0x5b, '"["') || !digits() || !ch(0x2c, '","') || !digits() || !ch(0x2c, '","')) return null;
  if (!expect('the metadata object', (c) => c === 0x7b)) return null;
  const start = i;
  let depth = 0;
  let inStr = false;
  for (; i < s.length; i++) {
    const c = s[i];
    if (inStr) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inStr = false;
    } else if (c === 0x22) inStr = true;
    else if (c === 0x7b || c === 0x5b) depth++;
    else if (c === 0x7d || c === 0x5d) {
      depth--;
      if (depth === 0) return { start, end: i + 1 };
    }
  }
  return null;
}

function readAt(fd: number, pos: number, len: number): Buffer {
  const b = Buffer.allocUnsafe(len);
  let got = 0;
  while (got < len) {
    const n = fs.readSync(fd, b, got, len - got, pos + got);
    if (n === 0) break;
    got += n;
  }
  return b.subarray(0, got);
}

const isGzip = (b: Buffer) => b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b;

/** Decompress as much of a gzip head as there is (a cut member is fine); throws on corrupt data. */
function gunzipHead(b: Buffer, max: number): Buffer {
  return zlib.gunzipSync(b, { finishFlush: zlib.constants.Z_SYNC_FLUSH, maxOutputLength: max });
}

/**
 * True when the file ends the export (`]`): gzip'd, with a complete gzip member holding the
 * closing `]` alone, as the writer has always ended a snapshot (a member that ends with `]` after
 * entries may be the last whole one of a file cut before that member: a small snapshot's entries
 * fit in the last 512 bytes).
 */
function tailComplete(fd: number, size: number, gz: boolean): boolean {
  const from = Math.max(0, size - TAIL);
  const b = readAt(fd, from, size - from);
  const ws = (c: number) => c === 0x0a || c === 0x20 || c === 0x0d || c === 0x09;
  const endsExport = (t: Buffer) => {
    let k = t.length - 1;
    while (k >= 0 && ws(t[k])) k--;
    return k >= 0 && t[k] === 0x5d;
  };
  const closingAlone = (t: Buffer) => {
    let k = 0;
    while (k < t.length && ws(t[k])) k++;
    return k < t.length && t[k] === 0x5d && t.subarray(k + 1).every(ws);
  };
  if (!gz) return endsExport(b);
  for (let p = b.length - 18; p >= 0; p--) {
    if (b[p] !== 0x1f || b[p + 1] !== 0x8b || b[p + 2] !== 8) continue;
    try {
      if (closingAlone(zlib.gunzipSync(b.subarray(p)))) return true;
    } catch {
      /* not a member start, or damaged: try further back */
    }
  }
  return false;
}

function num(v: unknown): v is Bytes {
  return (typeof v === 'number' && Number.isFinite(v) && v >= 0) || (typeof v === 'bigint' && v >= 0n);
}

/**
 * The parsed metadata with every bigint (an integer past 2^53, from parseExact) turned into a double,
 * except the totals, which are kept exact: the volume's figures and the per-kind bytes feed
 * arithmetic (forecasts, metrics) that takes doubles.
 */
function plainNumbers(m: Record<string, unknown>): Record<string, unknown> {
  const keep = new Set(['diskBytes', 'apparentBytes']);
  const walk = (v: unknown, key: string, top: boolean): unknown => {
    if (typeof v === 'bigint') return top && keep.has(key) ? v : Number(v);
    if (Array.isArray(v)) return v.map((x) => walk(x, '', false));
    // (fromEntries defines keys such as "__proto__" as plain properties)
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x, k, false)]));
    return v;
  };
  return Object.fromEntries(Object.entries(m).map(([k, v]) => [k, walk(v, k, true)]));
}

/** Check a parsed x_snapshot object; returns what is wrong, or null. */
function metaProblem(m: Record<string, unknown>): string | null {
  if (typeof m.root !== 'string' || !m.root) return 'no root';
  if (typeof m.time !== 'string' || Number.isNaN(Date.parse(m.time))) return 'no valid time';
  if (typeof m.host !== 'string') return 'no host';
  for (const k of ['entries', 'diskBytes', 'apparentBytes'] as const) if (!num(m[k])) return `no valid ${k}`;
  const v = m.volume as Record<string, unknown> | undefined;
  if (!v || typeof v !== 'object' || typeof v.mount !== 'string' || !num(v.usedBytes) || !num(v.sizeBytes))
    return 'no valid volume';
  return null;
}

/**
 * The metadata of the export `file`: its x_snapshot object (null when the file is a valid export
 * head without one: another tool's export). Reads the head and, for our snapshots, the tail.
 * `inStore`: a file in the store, never read through a symbolic link nor when not a regular file.
 * Throws an Error with a short reason when the file is unreadable, corrupt or truncated.
 */
export function readSnapshotMeta(file: string, inStore = false): SnapshotMeta | null {
  let fd: number;
  try {
    fd = inStore ? openNoFollow(file) : fs.openSync(file, 'r');
  } catch (e) {
    throw new Error(writeErrorText(e));
  }
  try {
    const size = fs.fstatSync(fd).size;
    if (size === 0) throw new Error('empty file');
    let len = Math.min(size, HEAD_FIRST);
    for (;;) {
      const raw = readAt(fd, 0, len);
      const gz = isGzip(raw);
      let text: Buffer;
      try {
        text = gz ? gunzipHead(raw, HEAD_MAX) : raw;
      } catch (e) {
        const err = e as NodeJS.ErrnoException;
        if (err.code === 'ERR_BUFFER_TOO_LARGE') throw new Error('metadata object too large');
        throw new Error(`corrupt gzip data (${err.message.replace(/\.$/, '')})`);
      }
      const at = findMetaObject(text);
      if (!at) {
        if (len >= size || text.length >= HEAD_MAX) throw new Error(len >= size ? 'truncated (ends before its metadata)' : 'metadata object too large');
        len = Math.min(size, len * 4);
        continue;
      }
      let all: Record<string, unknown>;
      try {
        all = parseExact(text.subarray(at.start, at.end).toString('utf8')) as Record<string, unknown>;
      } catch {
        throw new Error('corrupt metadata object');
      }
      const m = all[META_KEY] as Record<string, unknown> | undefined;
      if (m === undefined) return null;
      if (!m || typeof m !== 'object') throw new Error(`corrupt ${META_KEY}`);
      const problem = metaProblem(m);
      if (problem) throw new Error(`corrupt ${META_KEY}: ${problem}`);
      if (!tailComplete(fd, size, gz)) throw new Error('truncated (the end of the export is missing)');
      const id = path.basename(file).replace(/\.json(\.gz)?$/i, '');
      return { ...(plainNumbers(m) as unknown as SnapshotMeta), id, file: path.resolve(file) };
    }
  } finally {
    fs.closeSync(fd);
  }
}

// ------------------------------------------------------------------------------------------ listing

export interface BadSnapshot {
  file: string;
  error: string;
}

/** Oldest first. */
function byTime(a: SnapshotMeta, b: SnapshotMeta): number {
  return Date.parse(a.time) - Date.parse(b.time) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/**
 * Every snapshot in the store, oldest first. Never throws on a bad file (reported in `bad`, a
 * symbolic link too: never followed); a store or snapshots directory that does not exist is an
 * empty list. Temp files (dot files) and files of other names are ignored. Throws a UserError of
 * one line when the store is not private (checkStore).
 */
export function listSnapshots(store: string): { snapshots: SnapshotMeta[]; bad: BadSnapshot[] } {
  checkStore(store, SNAPSHOTS_SUBDIR);
  const dir = snapshotsDir(store);
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { snapshots: [], bad: [] };
    throw new UserError(`cannot read the store ${escapeName(dir)}: ${writeErrorText(e)}`);
  }
  const snapshots: SnapshotMeta[] = [];
  const bad: BadSnapshot[] = [];
  for (const name of names.sort()) {
    if (name.startsWith('.') || !name.endsWith(SNAPSHOT_EXT)) continue;
    const file = path.join(dir, name);
    try {
      const m = readSnapshotMeta(file, true);
      if (m) snapshots.push(m);
      else bad.push({ file, error: 'not a diskblame snapshot (no x_snapshot metadata)' });
    } catch (e) {
      bad.push({ file, error: (e as Error).message });
    }
  }
  snapshots.sort(byTime);
  return { snapshots, bad };
}

/** This host's snapshots in the store, newest first (listSnapshots's order reversed), and the bad files. */
export function hostSnapshots(store: string, host = os.hostname()): { snapshots: SnapshotMeta[]; bad: BadSnapshot[] } {
  const { snapshots, bad } = listSnapshots(store);
  return { snapshots: snapshots.filter((s) => s.host === host).reverse(), bad };
}

/**
 * A snapshot named by a file path, an id, or an unambiguous id prefix. Throws UserError (one line)
 * when there is none, several, or the file is bad or not one of ours.
 */
export function resolveSnapshot(store: string, arg: string): SnapshotMeta {
  const looksLikeFile = arg.includes('/') || /\.json(\.gz)?$/i.test(arg);
  let isFile = false;
  try {
    isFile = fs.statSync(arg).isFile();
  } catch {
    /* not a file here */
  }
  if (isFile || looksLikeFile) {
    let m: SnapshotMeta | null;
    try {
      m = readSnapshotMeta(arg);
    } catch (e) {
      throw new UserError(`${arg}: ${(e as Error).message}`);
    }
    if (!m) throw new UserError(`${arg}: not a diskblame snapshot (an export without x_snapshot metadata)`);
    return m;
  }
  const { snapshots } = listSnapshots(store);
  const exact = snapshots.find((s) => s.id === arg);
  if (exact) return exact;
  const hits = snapshots.filter((s) => s.id.startsWith(arg));
  if (hits.length === 1) return hits[0];
  if (hits.length === 0) throw new UserError(`no snapshot ${arg} in ${snapshotsDir(store)} (see diskblame snapshots)`);
  const shown = hits.slice(0, 3).map((s) => s.id).join(', ');
  throw new UserError(`${arg} is ambiguous: ${hits.length} snapshots match (${shown}${hits.length > 3 ? ', ...' : ''})`);
}

// ------------------------------------------------------------------------------------------ pruning

export interface PruneOptions {
  /** keep this many newest snapshots per (host, root) */
  keep?: number;
  /** remove snapshots older than this */
  olderThanMs?: number;
  dryRun?: boolean;
  /** "now" for olderThanMs (default Date.now()) */
  now?: number;
}

/**
 * Which snapshots go (pure). Snapshots are grouped by host and root. With --keep N alone, all but
 * the N newest of each group go; with --older-than alone, those older than the limit; with both,
 * only snapshots that both rules let go (older than the limit AND not among the N newest).
 */
export function planPrune(snaps: readonly SnapshotMeta[], o: PruneOptions): { remove: SnapshotMeta[]; keep: SnapshotMeta[] } {
  if (o.keep === undefined && o.olderThanMs === undefined) throw new UserError('prune needs --keep N or --older-than AGE', 2);
  const now = o.now ?? Date.now();
  const groups = new Map<string, SnapshotMeta[]>();
  for (const s of snaps) {
    const k = `${s.host}\0${s.root}`;
    let g = groups.get(k);
    if (!g) groups.set(k, (g = []));
    g.push(s);
  }
  const remove: SnapshotMeta[] = [];
  const keep: SnapshotMeta[] = [];
  for (const g of groups.values()) {
    g.sort(byTime).reverse(); // newest first
    g.forEach((s, i) => {
      const beyondKeep = o.keep === undefined || i >= o.keep;
      const old = o.olderThanMs === undefined || Date.parse(s.time) < now - o.olderThanMs;
      (beyondKeep && old ? remove : keep).push(s);
    });
  }
  remove.sort(byTime);
  keep.sort(byTime);
  return { remove, keep };
}

export interface PruneResult {
  removed: SnapshotMeta[];
  kept: SnapshotMeta[];
  /** files that could not be removed */
  failed: BadSnapshot[];
  /** bad files in the store: never removed */
  bad: BadSnapshot[];
}

/** Remove old snapshots (only good snapshot files; nothing else in the store is touched). */
export function pruneSnapshots(store: string, o: PruneOptions): PruneResult {
  const { snapshots, bad } = listSnapshots(store);
  const { remove, keep } = planPrune(snapshots, o);
  const removed: SnapshotMeta[] = [];
  const failed: BadSnapshot[] = [];
  for (const s of remove) {
    if (o.dryRun) {
      removed.push(s);
      continue;
    }
    try {
      fs.unlinkSync(s.file);
      removed.push(s);
    } catch (e) {
      failed.push({ file: s.file, error: writeErrorText(e) });
    }
  }
  return { removed, kept: keep, failed, bad };
}

/** "30d", "12h", "90m", "2w", "45s" → milliseconds; null when not an age. */
export function parseAge(s: string): number | null {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(s|m|h|d|w)\s*$/i.exec(s);
  if (!m) return null;
  const unit = { s: 1e3, m: 60e3, h: 3600e3, d: 86400e3, w: 7 * 86400e3 }[m[2].toLowerCase() as 's' | 'm' | 'h' | 'd' | 'w'];
  return Math.round(Number(m[1]) * unit);
}
