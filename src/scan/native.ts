/**
 * The native directory reader (src/native/dirscan.c, built at `npm install` into
 * build/Release/dirscan.node when a C compiler is there): where it is, whether it loads, and which
 * reader a scan uses. The scan engine (worker.ts) loads it itself in each thread, from the path
 * given here in its WorkerConfig; this module only finds it and proves it loads (one dlopen).
 *
 * `DISKBLAME_NATIVE=0` disables it: the JavaScript reader then runs, as it does when the addon was
 * not built or does not load. Both readers give the same entries, byte for byte.
 */
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { bundled, standalone } from '../util/self.js';

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
}

/** where a loaded addon is kept, by path: the engine on the main thread takes it from here */
const CACHE_KEY = '__diskblameDirscan';

/** the addon's file name below the package root */
export const ADDON_REL = 'build/Release/dirscan.node';

/** The addon's expected location: build/Release/ at the package root (null: the standalone binary). */
export function addonPath(): string | null {
  if (standalone()) return null;
  // the bundle is dist/diskblame-core.mjs; the tsc build dist/scan/native.js; tsx src/scan/native.ts
  return fileURLToPath(new URL(bundled() ? `../${ADDON_REL}` : `../../${ADDON_REL}`, import.meta.url));
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
 * reason (disabled, not built, does not load). Costs one stat and one dlopen, once per process.
 */
export function readerInUse(): { reader: 'native' | 'javascript'; why: string } {
  const d = decide();
  return { reader: d.reader, why: d.why };
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
  const file = addonPath();
  if (file === null) return js('the standalone binary carries no native reader');
  if (!fs.existsSync(file)) return js(`not built: no ${ADDON_REL} (a C compiler at npm install builds it)`);
  try {
    loadAddon(file);
  } catch (e) {
    return js(`${ADDON_REL} does not load: ${String((e as Error)?.message ?? e).split('\n')[0]}`);
  }
  return (decided = { reader: 'native', why: ADDON_REL, path: file });
}
