/**
 * The V8 code cache of the bin's program (dist/lib/*.cjs, the CommonJS pieces), written at exit
 * when the bin (dist/diskblame.cjs, from scripts/bin.cjs) found none it could use, or V8 refused
 * some of it, or a piece this run loaded had none in it. The bin leaves
 * `globalThis.__DISKBLAME_CODE_CACHE__` whenever there is a cache directory: its path and the
 * file's, whether the file is stale, and the file's new contents (the bin owns the format). The data
 * is made at exit so that it holds what this run compiled (a `scan` caches the scan's functions).
 * Written through util/write.ts (a temp file renamed into place) in a directory of ours only we can
 * write; any failure is silent (the next run compiles from the source again and retries). Nothing
 * happens outside the bin (the tsc build, the ES module pieces, the one-file bundle, the standalone
 * binary, which has its own cache).
 */
import fs from 'node:fs';
import { cleanStaleTemps, makeDirs, plantedLinkOn, writeFileAtomic } from '../util/write.js';

/** what scripts/bin.cjs leaves for the program when there is a cache directory */
export interface CodeCacheRequest {
  /** the cache directory (created 0700 when missing) */
  dir: string;
  /** the cache file's path in it: `<key>-<kind>.bin` */
  file: string;
  /** this build's and Node's key (16 hex digits of the build, Node's version, the arch, 8 hex digits of Node's options) */
  key: string;
  /** true when the file is to be written again (none, refused by V8, or a piece missing from it) */
  stale(): boolean;
  /** the file's whole new contents: its first line, then V8's data of each piece */
  contents(): Buffer;
}

declare global {
  // eslint-disable-next-line no-var
  var __DISKBLAME_CODE_CACHE__: CodeCacheRequest | undefined;
}

/** at exit, write the code cache again if the bin's start says it is stale (once; on the main thread only) */
export function saveCodeCacheAtExit(): void {
  const req = globalThis.__DISKBLAME_CODE_CACHE__;
  if (!req) return;
  globalThis.__DISKBLAME_CODE_CACHE__ = undefined;
  process.once('exit', () => {
    if (req.stale()) saveCodeCache(req);
  });
}

/**
 * Write `req.contents()` to `req.file`. Returns false (and writes nothing) when the directory is not
 * ours and private, is reached through a link another user planted in a directory others can
 * write, or anything fails.
 */
export function saveCodeCache(req: CodeCacheRequest): boolean {
  try {
    if (plantedLinkOn(req.dir)) return false; // (before anything is made at the end of a link another user planted)
    makeDirs(req.dir, 0o700);
    const st = fs.lstatSync(req.dir);
    if (!st.isDirectory() || st.uid !== process.geteuid?.() || (st.mode & 0o022) !== 0) return false;
    fs.accessSync(req.dir, fs.constants.W_OK); // (a read-only home: no cache made in vain at every run)
    const data = req.contents();
    cleanStaleTemps(req.dir); // (of writers killed while writing)
    // (a FIFO, device, directory, link or another user's file at the name is left alone: uncached)
    writeFileAtomic(req.file, data, { mode: 0o600, noFollow: true, privateFile: true });
    pruneCodeCaches(req.dir, req.key);
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
