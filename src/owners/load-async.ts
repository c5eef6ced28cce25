/**
 * The package table for the owners command, ready when the scan is: the cached table read off the
 * main thread while the scan runs (libuv's pool), or, when there is none for the current lists
 * (the first run, a package installed since), built from hundreds of list files in a worker thread
 * and cached. The package pass itself runs on the main thread once the tree is there (C lookups
 * and sums: a few milliseconds; no copy of the tree to another thread). Any failure of the worker
 * falls back to the main thread, so the result never depends on it.
 */
import { cacheDir } from '../util/cachedir.js';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { cachedPackageTable, loadPackageMap, packageMapFromTable, type PackageMap, type PackageMapOptions, type PackageTableData } from './packages.js';

/** the worker's code as one script, put here by the bundler (scripts/bundle.mjs); absent in the tsc build */
declare const __DISKBLAME_PACKAGE_WORKER__: string | undefined;

/**
 * where the built package table is kept between runs: $XDG_CACHE_HOME/diskblame or
 * ~/.cache/diskblame; undefined when there is no home (the table is then built and not kept)
 */
export function packageCacheFile(): string | undefined {
  const dir = cacheDir();
  return dir === null ? undefined : path.join(dir, 'packages.bin');
}

function startWorker(workerData: unknown): Worker {
  if (typeof __DISKBLAME_PACKAGE_WORKER__ === 'string')
    return new Worker(__DISKBLAME_PACKAGE_WORKER__, { eval: true, workerData });
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./package-worker.js', import.meta.url), { workerData });
  // under tsx (tests, bench): workers do not inherit its loader on Node 20, so register it first
  const src = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((m) => { m.register(); return import(${JSON.stringify(new URL('./package-worker.ts', import.meta.url).href)}); })`;
  return new Worker(src, { eval: true, workerData });
}

/** Where the lists and the cache are. */
export interface PackageTableOptions extends PackageMapOptions {
  cacheFile?: string;
}

/** How the table came: read from the cache, built by the worker, or built on this thread (no cache file, or the worker failed). */
export type PackageTableSource = 'cache' | 'worker' | 'here';

/**
 * Start getting the package table (call it before the scan): `map()` resolves with the package
 * map (a table-backed PackageMap, see packageMapFromTable) and how it came. The cache is read
 * asynchronously; a missing, stale or corrupt one starts the worker that builds (and caches) the
 * table; a worker that fails leaves it to this thread.
 */
export function startPackageTable(opts: PackageTableOptions = {}): {
  map(): Promise<{ map: PackageMap; source: PackageTableSource }>;
  /** the table when it is there already (else null: map() waits for it) */
  ready(): { map: PackageMap; source: PackageTableSource } | null;
} {
  const { cacheFile, ...lists } = opts;
  // the worker keeps the process alive only once its answer is waited for
  let worker: Worker | null = null;
  let waited = false;
  const here = () => ({ map: loadPackageMap(lists), source: 'here' as const });
  const built = (): Promise<{ map: PackageMap; source: PackageTableSource }> => {
    let w: Worker;
    try {
      w = startWorker(opts);
    } catch (e) {
      if (process.env.DISKBLAME_DEBUG) console.error('package worker failed to start:', e);
      return Promise.resolve(here());
    }
    worker = w;
    if (!waited) w.unref(); // not what keeps the process alive until map() is waited for
    return new Promise((resolve) => {
      let done = false;
      const fail = (e?: unknown) => {
        if (done) return;
        done = true;
        if (process.env.DISKBLAME_DEBUG) console.error('package worker failed, building the table on the main thread:', e);
        resolve(here());
      };
      w.once('message', (d: PackageTableData) => {
        if (done) return;
        done = true;
        resolve({ map: packageMapFromTable(d, lists), source: 'worker' });
        void w.terminate();
      });
      w.once('error', fail);
      w.once('exit', fail);
    });
  };
  // the read is started now; the worker only when the cache turns out to be no good
  const p: Promise<{ map: PackageMap; source: PackageTableSource }> =
    cacheFile === undefined
      ? built()
      : cachedPackageTable({ ...lists, cacheFile }).then((d) => (d !== null ? { map: packageMapFromTable(d, lists), source: 'cache' as const } : built()), () => built());
  let got: { map: PackageMap; source: PackageTableSource } | null = null;
  void p.then((r) => (got = r));
  return {
    map() {
      waited = true;
      worker?.ref();
      return p;
    },
    ready: () => got,
  };
}
