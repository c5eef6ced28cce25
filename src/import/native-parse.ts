/**
 * The native fast path of the export reader (src/native/ncduparse.c, built at `npm install` beside
 * the directory reader into build/Release/ncduparse.node when a C compiler is there; carried by the
 * standalone binary, which writes it to the cache once as it does the directory reader): where it is
 * and whether it loads. Without it (not built, not writable or not loadable from the binary's cache,
 * DISKBLAME_NATIVE=0, not Linux) the JavaScript parser reads every entry itself; both give the same events, the same
 * errors (the JavaScript parser gives them all: see ncduparse.c).
 */
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { bundled, split, standalone } from '../util/self.js';
import { seaAddonFile } from '../scan/native.js';

/** The addon's one function (see the comment at the top of src/native/ncduparse.c). */
export interface NcduParseAddon {
  fast(
    buf: Uint8Array,
    start: number,
    end: number,
    state: number,
    depth: number,
    devStack: Float64Array,
    out8: Uint8Array,
    out64: Float64Array,
    io: Float64Array,
  ): void;
  /** the same on a thread reading the file `fd` from `offset` (see ncduparse.c): a handle */
  start(fd: number, offset: number, state: number, depth: number, devStack: Float64Array): unknown;
  take(job: unknown, out8: Uint8Array, out64: Float64Array, io: Float64Array): void;
  devs(job: unknown, devStack: Float64Array): void;
  stop(job: unknown): void;
  /** the export writer's fast path (see ncduparse.c writeText and export/ncdu-writer.ts writeTree) */
  writeText(tables: ArrayBufferView[], buf: Uint8Array, io: Float64Array): number;
  /** Tree.allNames's fast path: the bytes used, or minus the bytes needed (see ncduparse.c decodeNames) */
  decodeNames(names: Uint8Array, nameCk: Uint32Array, count: number, bytes: Uint8Array, off: Uint32Array, len: Uint32Array): number;
  /** Tree.buildKids's fast path, in two calls (see ncduparse.c kidsIndex): kids null counts, then fills */
  kidsIndex?(
    flags: Uint8Array,
    parent: Uint32Array,
    dirNo: Uint32Array,
    count: number,
    removedMask: number,
    removedValue: number,
    first: Uint32Array,
    num: Uint32Array,
    scattered: Uint8Array,
    kids: Uint32Array | null,
  ): number;
  /**
   * Only when built with libdeflate (see ncduparse.c gzipPiece and export/gzip.ts): src[0..srcLen)
   * as one gzip member at dst[0..), its length in bytes; or minus the room it may need (nothing written)
   */
  gzipPiece?(level: number, src: Uint8Array, srcLen: number, dst: Uint8Array): number;
  /** "libdeflate <version>" when built with it */
  gzip?: string;
  /** the kinds pass's prefilter: marks the entries whose name could pass a rule's name test; the files marked (see ncduparse.c kindsMarks) */
  kindsMarks(bytes: Uint8Array, off: Uint32Array, len: Uint32Array, fl: Uint8Array, parent: Uint32Array, count: number, spec: Uint8Array, mark: Uint8Array): number;
  /** the kinds walk's directories in its order: how many were written to order (see ncduparse.c kindsOrder) */
  kindsOrder(fl: Uint8Array, asize32: Uint32Array, kidFirst: Uint32Array, kidN: Uint32Array, kidScattered: Uint8Array, kids: Uint32Array, count: number, order: Uint32Array): number;
  /** the kinds walk's key directories (the root, and those kindsMarks marked MK_DIR or MK_MARKER) in order's order: how many (see ncduparse.c kindsKeys) */
  kindsKeys?(order: Uint32Array, mark: Uint8Array, keys: Uint32Array): number;
  /** every directory's key context in the kinds walk, and the directories to go through: how many (see ncduparse.c kindsInherit) */
  kindsInherit(arrays: ArrayBufferView[], noCat: number): number;
  /** the entries the kinds' checks look at and their classes: how many (see ncduparse.c kindsCandidates) */
  kindsCandidates?(arrays: ArrayBufferView[], count: number): number;
  /** the package table's lookups of every entry, in index order: 0, or -1 when a parent comes after its entry (see ncduparse.c packagePass) */
  packagePass?(arrays: ArrayBufferView[], count: number, mask: number, rootNode: number): number;
  /** packagePass on libuv's thread pool: the arrays must not change until it settles (see ncduparse.c packagePassAsync) */
  packagePassAsync?(arrays: ArrayBufferView[], count: number, mask: number, rootNode: number): Promise<number>;
  /** disk bytes and counts by group (package, owner) in one flat pass: how many entries were left to the caller (see ncduparse.c groupSums) */
  groupSums?(arrays: ArrayBufferView[], count: number, how: number): number;
  /** the kinds pass's totals of the files left to a flat pass: the files left out for their size (see ncduparse.c kindsSums) */
  kindsSums(arrays: ArrayBufferView[], count: number, mtimeRaw: boolean): number;
}

/** the addon's file name below the package root */
export const PARSE_ADDON_REL = 'build/Release/ncduparse.node';

let loaded: NcduParseAddon | null | undefined;
/** the file it was loaded from (set with `loaded`) */
let loadedFile: string | null = null;

/** the addon's file: beside the package, or the standalone binary's copy in the cache; null: none */
function addonFile(): string | null {
  if (standalone()) {
    const bytes = globalThis.__DISKBLAME_SEA__?.ncduparse;
    if (!bytes) return null;
    try {
      return seaAddonFile(bytes);
    } catch {
      return null; // (a read-only or full cache: the JavaScript parser)
    }
  }
  if (!import.meta.url.startsWith('file:')) return null;
  // as src/scan/native.ts addonPath: the one-file bundle is dist/diskblame-core.mjs; the build in
  // pieces dist/lib/*.mjs; the tsc build dist/import/native-parse.js; tsx src/import/native-parse.ts
  const file = fileURLToPath(new URL(bundled() && !split() ? `../${PARSE_ADDON_REL}` : `../../${PARSE_ADDON_REL}`, import.meta.url));
  return fs.existsSync(file) ? file : null;
}

/**
 * The loaded addon, or null (not built, does not load, disabled by DISKBLAME_NATIVE=0, not Linux;
 * in the standalone binary: its copy in the cache cannot be written). One stat and one dlopen (and
 * in the binary a hash of its bytes), once per thread.
 */
export function ncduParseAddon(): NcduParseAddon | null {
  if (loaded !== undefined) return loaded;
  loaded = null;
  if (process.env.DISKBLAME_NATIVE === '0' || process.platform !== 'linux') return null;
  let file: string | null = null;
  try {
    file = addonFile();
  } catch {
    // code evaluated with no module URL (the standalone binary's package worker, whose tree decodes
    // its names through Tree.allNames): the JavaScript paths
  }
  if (file === null) return null;
  try {
    const m = { exports: {} as NcduParseAddon };
    process.dlopen(m, file);
    if (typeof m.exports.fast === 'function') {
      loaded = m.exports;
      loadedFile = file;
    }
  } catch {
    // (another Node's ABI, a noexec mount...): the JavaScript parser reads it all
  }
  return loaded;
}

/**
 * The file the addon was loaded from (ncduParseAddon() loads it first), for a worker thread that
 * loads its own instance (export/gzip-thread.ts); null when there is no addon.
 */
export function ncduParseAddonFile(): string | null {
  return ncduParseAddon() === null ? null : loadedFile;
}

/**
 * Which library gzips exports and snapshots here (export/gzip.ts): its name and version, and why.
 * Here rather than in export/gzip.ts: `--version` asks it, and loads no more than this module.
 */
export function gzipInUse(): { gzip: string; why: string } {
  const a = ncduParseAddon();
  if (a?.gzipPiece && a.gzip) return { gzip: a.gzip, why: 'linked into the export addon' };
  if (process.env.DISKBLAME_NATIVE === '0') return { gzip: `zlib ${process.versions.zlib}`, why: 'disabled by DISKBLAME_NATIVE=0' };
  if (a === null) return { gzip: `zlib ${process.versions.zlib}`, why: 'no export addon' };
  return { gzip: `zlib ${process.versions.zlib}`, why: 'the export addon was built without it: libdeflate-dev at npm install links it in' };
}
