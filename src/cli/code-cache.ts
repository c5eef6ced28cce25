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
    return true;
  } catch {
    return false;
  }
}
