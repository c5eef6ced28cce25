/**
 * The V8 code cache of the bin's program (dist/lib/program.cjs), written at exit when the bin's
 * start (dist/lib/start.mjs, from scripts/code-cache-start.mjs) found none it could use: it then
 * leaves `globalThis.__DISKBLAME_CODE_CACHE__` (the vm.Script it ran, the cache file's directory and
 * path, the file's first line up to the length). The data is made at exit so that it holds what this
 * run compiled (a `scan` caches the scan's functions). Written through util/write.ts (a temp file
 * renamed into place) in a directory of ours only we can write; any failure is silent (the next run
 * compiles from the source again and retries). Nothing happens outside the bin (the tsc build, the
 * one-file bundle, the standalone binary, which has its own cache).
 */
import fs from 'node:fs';
import type { Script } from 'node:vm';
import { cleanStaleTemps, writeFileAtomic } from '../util/write.js';

/** what scripts/code-cache-start.mjs leaves for a run with no usable cache */
export interface CodeCacheRequest {
  script: Script;
  /** the cache directory (created 0700 when missing) */
  dir: string;
  /** the cache file's path in it */
  file: string;
  /** the file's first line without the data's length (in bytes) and the newline */
  header: string;
}

declare global {
  // eslint-disable-next-line no-var
  var __DISKBLAME_CODE_CACHE__: CodeCacheRequest | undefined;
}

/** at exit, write the code cache the start asked for (once; on the main thread only) */
export function saveCodeCacheAtExit(): void {
  const req = globalThis.__DISKBLAME_CODE_CACHE__;
  if (!req) return;
  globalThis.__DISKBLAME_CODE_CACHE__ = undefined;
  process.once('exit', () => saveCodeCache(req));
}

/**
 * Write `req.script`'s code cache to `req.file`: the header line (with the data's length in bytes),
 * then V8's data. Returns false (and writes nothing) when the directory is not ours and private, or
 * anything fails.
 */
export function saveCodeCache(req: CodeCacheRequest): boolean {
  try {
    fs.mkdirSync(req.dir, { recursive: true, mode: 0o700 });
    const st = fs.lstatSync(req.dir);
    if (!st.isDirectory() || st.uid !== process.geteuid?.() || (st.mode & 0o022) !== 0) return false;
    fs.accessSync(req.dir, fs.constants.W_OK); // (a read-only home: no cache made in vain at every run)
    const data = req.script.createCachedData();
    const head = Buffer.from(`${req.header}${data.length}\n`, 'latin1');
    cleanStaleTemps(req.dir); // (of writers killed while writing)
    writeFileAtomic(req.file, Buffer.concat([head, data]), { mode: 0o600, noFollow: true });
    pruneCodeCaches(req.dir, req.header.split(' | ')[1] ?? '');
    return true;
  } catch {
    return false;
  }
}

/** a cache file not read for this long (its access time) is removed when another is written: 30 days in ms */
export const CODE_CACHE_UNUSED_MS = 30 * 86400_000;
const CACHE_NAME = /^[0-9a-f]{16}-node[0-9A-Za-z.+_-]*\.bin$/;

/**
 * Remove from `dir` the cache files of other builds, Node versions or flags (names not starting
 * with `key` + '-') that no run has read for CODE_CACHE_UNUSED_MS (access time; a mount with
 * noatime makes it the write time: a cache still in use is then written again once). Only
 * regular files of ours named as the start names them; `now` in ms since the epoch. Returns how many
 * were removed; never throws. Run only after a cache was written (a new build or Node), not at every start.
 */
export function pruneCodeCaches(dir: string, key: string, now = Date.now()): number {
  let removed = 0;
  try {
    const euid = process.geteuid?.() ?? -1;
    for (const name of fs.readdirSync(dir)) {
      if (!CACHE_NAME.test(name) || (key && name.startsWith(`${key}-`))) continue;
      const p = `${dir}/${name}`;
      try {
        const st = fs.lstatSync(p);
        if (!st.isFile() || st.uid !== euid || now - st.atimeMs < CODE_CACHE_UNUSED_MS) continue;
        fs.unlinkSync(p);
        removed++;
      } catch {
        /* gone already, or not ours to remove */
      }
    }
  } catch {
    /* no directory */
  }
  return removed;
}
