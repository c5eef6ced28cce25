/**
 * The export writer's gzip: each piece of export text (~1 MiB) becomes one gzip member, made by
 * libdeflate when the export addon was built with it (src/native/ncduparse.c gzipPiece: libdeflate
 * linked in statically, when libdeflate-dev was there at `npm install`; scripts/build-native.mjs),
 * else by Node's zlib. The writer's own thread (ncdu-writer.ts) and its gzip thread (gzip-thread.ts,
 * which loads its own instance of the addon from ncduParseAddonFile()) use the same library and level,
 * so a file is the same bytes whichever thread made each piece.
 *
 * Levels are asked for in zlib's terms (1-9: the export's GZIP_LEVEL 4, a snapshot's 3) and mapped
 * here to libdeflate's (LIBDEFLATE_LEVEL), the one place that mapping lives. Which library is in
 * use: import/native-parse.ts gzipInUse (for `--version`).
 */
import { ncduParseAddon, ncduParseAddonFile } from '../import/native-parse.js';
import { lazyBuiltin } from '../util/self.js';

/** (loaded at the first piece zlib makes, not where libdeflate makes them all) */
const zlib = lazyBuiltin<typeof import('node:zlib')>('node:zlib');

/**
 * zlib's output buffer for a piece (its chunkSize): one buffer holds a 1 MiB piece of export text
 * gzip'd (~100 KiB), where the default 16 KiB ones were joined by a copy; the bytes are the same.
 * gzipSync of 4 x 15 MB of /usr's text at level 3: 181 against 190 ms of CPU (medians of 7).
 */
export const GZIP_OUT_CHUNK = 1 << 17;

/**
 * libdeflate's level for each zlib level (index 1-9): the lowest that makes a file about as small
 * as zlib's level, or smaller, for less CPU. Measured on 97 MB of export text of /usr's shape (a
 * snapshot of 1M entries), in 1 MiB pieces, one thread, libdeflate 1.14 against Node 20's zlib (ms of
 * CPU / MB out):
 *   zlib 1: 243 / 10.30   2: 247 / 10.01   3: 287 / 9.79   4: 386 / 9.26   5: 433 / 8.92
 *        6: 637 / 8.62    7: 791 / 8.53    8: 1720 / 8.00  9: 2170 / 7.98
 *   libdeflate 1: 180 / 9.52   2: 252 / 9.52   3: 248 / 9.28   4: 278 / 9.03   5: 349 / 8.93
 *              6: 427 / 8.24   7: 649 / 8.03   8: 1738 / 7.77  9: 3071 / 7.73
 * On /usr's own export (15.5 MB of text): zlib 4: 60 / 1.419; libdeflate 3: 40 / 1.422, 4: 43 / 1.385.
 * So zlib 1-3 (a snapshot's 3) -> 1: smaller than zlib 3 for 63% of its CPU; 4 (an export's) -> 3:
 * the same size (+0.2%) for 64% of the CPU (4 would be 2.5% smaller for 72%); 5 -> 5; 6 and 7 -> 6;
 * 8 -> 7; 9 -> 8 (smaller than zlib 9 for 80% of its CPU).
 */
export const LIBDEFLATE_LEVEL: readonly number[] = [0, 1, 1, 1, 3, 5, 6, 6, 7, 8];

/** the libdeflate level for zlib's `level` (1-9; out of range: clamped) */
export function libdeflateLevel(level: number): number {
  return LIBDEFLATE_LEVEL[Math.min(9, Math.max(1, Math.round(level)))];
}

/**
 * The addon's file and libdeflate level for a gzip thread to load its own instance of (it then makes
 * the bytes gzipPiece makes here), or null: that thread uses zlib at `level` as this one does.
 */
export function gzipThreadLib(level: number): { file: string; level: number } | null {
  const file = ncduParseAddonFile();
  return file !== null && ncduParseAddon()?.gzipPiece ? { file, level: libdeflateLevel(level) } : null;
}

/** libdeflate's output buffer, reused (grown to the bound of the largest piece) */
let out: Uint8Array = new Uint8Array(0);

/**
 * `data` as one gzip member at zlib's `level` (1-9: libdeflate's LIBDEFLATE_LEVEL[level] when the
 * addon has it). The bytes returned are valid until the next call (libdeflate's are a view of a
 * buffer reused; copy them to keep them). Throws on out of memory only.
 */
export function gzipPiece(data: Uint8Array, level: number): Uint8Array {
  const gz = ncduParseAddon()?.gzipPiece;
  if (gz === undefined) return zlib().gzipSync(data, { level, chunkSize: GZIP_OUT_CHUNK });
  const l = libdeflateLevel(level);
  let n = gz(l, data, data.length, out);
  if (n < 0) {
    out = new Uint8Array(-n);
    n = gz(l, data, data.length, out);
  }
  return out.subarray(0, n);
}
