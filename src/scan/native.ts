/**
 * The native directory reader (src/native/dirscan.c, built at `npm install` into
 * build/Release/dirscan.node when a C compiler is there): where it is, whether it loads, and which
 * reader a scan uses. The scan engine (worker.ts) loads it itself in each thread, from the path
 * given here in its WorkerConfig; this module only finds it and proves it loads (one dlopen).
 *
 * The standalone binary carries the addon as an asset; a library can only be dlopen()ed from a
 * file, so it is written once to ~/.cache/diskblame/native/<sha256>.node (see seaAddonFile).
 *
 * `DISKBLAME_NATIVE=0` disables it: the JavaScript reader then runs, as it does when the addon was
 * not built or does not load. Both readers give the same entries, byte for byte.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundled, lazyBuiltin, split, standalone } from '../util/self.js';
import { makeDirs, plantedLinkOn, plantedLinkText, readFileNoFollow, writeFileAtomic } from '../util/write.js';
import { cacheDir } from '../util/cachedir.js';

/** The functions of the addon (see the comment at the top of src/native/dirscan.c). */
export interface DirscanAddon {
  create(rootDev: number, crossMounts: boolean, kernfs: number[]): unknown;
  open(reader: unknown, dir: string | Uint8Array | number, dirDev: number): number;
  names(reader: unknown): Buffer[];
  fill(
    reader: unknown,
    nums: Float64Array,
    recStart: number,
    maxRecs: number,
    names: Uint8Array,
    nameStart: number,
    out: Float64Array,
    mask: Uint8Array | null,
  ): [number, bigint, bigint, bigint][] | undefined;
  close(reader: unknown): void;
  /** glibc's trim threshold held at `bytes` (see holdMallocTrim); absent from an addon built before it */
  holdTrimThreshold?(bytes: number): void;
}

/** where a loaded addon is kept, by path: the engine on the main thread takes it from here */
const CACHE_KEY = '__diskblameDirscan';

/** the addon's file name below the package root */
export const ADDON_REL = 'build/Release/dirscan.node';

/**
 * The addon's expected location: build/Release/ at the package root. Null when this program is no
 * file (the standalone binary; the bundle sent to another host by --remote, a data: URL).
 */
export function addonPath(): string | null {
  if (standalone() || !import.meta.url.startsWith('file:')) return null;
  // the one-file bundle is dist/diskblame-core.mjs; the build in pieces dist/lib/*.mjs; the tsc
  // build dist/scan/native.js; tsx src/scan/native.ts
  return fileURLToPath(new URL(bundled() && !split() ? `../${ADDON_REL}` : `../../${ADDON_REL}`, import.meta.url));
}

/**
 * dlopen() the addon at `file` into this thread (once: later calls return the same module).
 * Throws what process.dlopen throws (a missing file, another Node's ABI...).
 */
export function loadAddon(file: string): DirscanAddon {
  const g = globalThis as unknown as Record<string, Record<string, DirscanAddon> | undefined>;
  const cache = (g[CACHE_KEY] ??= {});
  let mod = cache[file];
  if (!mod) {
    const m = { exports: {} as DirscanAddon };
    process.dlopen(m, file);
    if (typeof m.exports.fill !== 'function') throw new Error('not the dirscan addon');
    mod = cache[file] = m.exports;
  }
  return mod;
}

let decided: { reader: 'native' | 'javascript'; why: string; path: string | null } | undefined;

/**
 * Which reader a scan in this process uses, and why: `native` with the addon's path (relative to
 * the working directory's package, as `build/Release/dirscan.node`), or `javascript` with the
 * reason (disabled, not built, does not load); and its scanning threads beside the main thread:
 * `native` (the addon's own, src/scan/nthread.ts; worker threads still for --exclude patterns or
 * mount points inside the root) or `worker`. Costs one stat and one dlopen, once per process.
 */
export function readerInUse(): { reader: 'native' | 'javascript'; why: string; threads: 'native' | 'worker' } {
  const d = decide();
  let threads: 'native' | 'worker' = 'worker';
  if (d.path !== null && typeof (loadAddon(d.path) as unknown as Record<string, unknown>).startThread === 'function') threads = 'native';
  return { reader: d.reader, why: d.why, threads };
}

/** glibc's default trim threshold, in bytes */
const TRIM_THRESHOLD = 128 * 1024;
let trimHeld = false;

/**
 * Hold the C library's trim threshold at its default (128 KiB) from now on, process-wide: what a
 * thread frees at the top of its malloc arena goes back to the system at once, instead of staying
 * resident once glibc has raised the threshold (it does after Node's first large frees: V8's
 * background threads and the scanning threads then kept about 10 MiB of freed memory resident to
 * the end of a scan of 1M entries; src/native/dirscan.c holdTrimThreshold says more). Once per
 * process; nothing without the addon (DISKBLAME_NATIVE=0, not built) or off glibc.
 * DISKBLAME_MALLOC=grow leaves glibc's own behaviour (for measuring).
 */
export function holdMallocTrim(): void {
  if (trimHeld || process.env.DISKBLAME_MALLOC === 'grow') return;
  trimHeld = true;
  const file = decide().path;
  if (file !== null) loadAddon(file).holdTrimThreshold?.(TRIM_THRESHOLD);
}

/** The addon's path for the scan engine's WorkerConfig, or undefined: the JavaScript reader. */
export function nativeForScan(): string | undefined {
  return decide().path ?? undefined;
}

function decide(): { reader: 'native' | 'javascript'; why: string; path: string | null } {
  if (decided) return decided;
  const js = (why: string) => (decided = { reader: 'javascript', why, path: null });
  if (process.env.DISKBLAME_NATIVE === '0') return js('disabled by DISKBLAME_NATIVE=0');
  if (process.platform !== 'linux') return js('the native reader is for Linux');
  if (standalone()) {
    const bytes = globalThis.__DISKBLAME_SEA__?.native;
    if (!bytes) return js('the standalone binary was built without it');
    let file: string;
    try {
      file = seaAddonFile(bytes);
      loadAddon(file);
    } catch (e) {
      return js(String((e as Error)?.message ?? e).split('\n')[0]);
    }
    return (decided = { reader: 'native', why: file, path: file });
  }
  const file = addonPath();
  if (file === null) return js('the program was not loaded from a file');
  if (!fs.existsSync(file)) return js(`not built: no ${ADDON_REL} (a C compiler at npm install builds it)`);
  try {
    loadAddon(file);
  } catch (e) {
    return js(`${ADDON_REL} does not load: ${String((e as Error)?.message ?? e).split('\n')[0]}`);
  }
  return (decided = { reader: 'native', why: ADDON_REL, path: file });
}

/** (crypto only for the standalone binary's addon: not loaded by every `--version` and scan) */
const crypto = lazyBuiltin<typeof import('node:crypto')>('node:crypto');
const sha256 = (b: Uint8Array): string => crypto().createHash('sha256').update(b).digest('hex');

/** does `file` (a regular file, not through a symbolic link) hold exactly the bytes of this hash? */
function holds(file: string, hash: string): boolean {
  try {
    return sha256(readFileNoFollow(file)) === hash;
  } catch {
    return false;
  }
}

/**
 * The standalone binary's addon as a file it can dlopen(): `<cache>/diskblame/native/<sha256>.node`
 * (cache: $XDG_CACHE_HOME when absolute, else ~/.cache), written once: a private directory (0700,
 * ours), a temp file renamed into place (writeFileAtomic), its hash checked before and after; a copy
 * already there is used only when its bytes hash right. Throws an Error of one line saying why not
 * (a read-only or foreign home, a link another user planted on the way...); a noexec mount shows when loading it (loadAddon throws).
 */
export function seaAddonFile(bytes: Uint8Array): string {
  const hash = sha256(bytes);
  const base = cacheDir();
  if (base === null) throw new Error('no cache directory: no XDG_CACHE_HOME and no home (no HOME, no passwd entry)');
  const dir = path.join(base, 'native');
  const file = path.join(dir, `${hash}.node`);
  // only from a directory no one else can write (then no one swaps the file between the check and dlopen)
  const ours = () => {
    const st = fs.lstatSync(dir);
    if (!st.isDirectory() || st.uid !== process.geteuid?.() || (st.mode & 0o022) !== 0) throw new Error('not a private directory of ours');
  };
  try {
    const link = plantedLinkOn(path.resolve(dir)); // (before anything is made at the end of a link another user planted)
    if (link) throw new Error(plantedLinkText(link));
    makeDirs(dir, 0o700);
    ours();
    if (holds(file, hash)) return file;
    writeFileAtomic(file, bytes, { mode: 0o700, noFollow: true, privateFile: true });
  } catch (e) {
    throw new Error(`cannot write ${dir}: ${String((e as Error)?.message ?? e).split('\n')[0]}`);
  }
  // (a copy that does not match is not loaded; the next run writes it again)
  if (!holds(file, hash)) throw new Error(`${file}: the copy written does not match`);
  return file;
}
