/**
 * Loading the owner data off the main thread: the package table (the costly part: hundreds of list
 * files, megabytes of paths) is built in a worker thread while the scan runs. Any failure of the
 * worker falls back to loading on the main thread, so the result never depends on it.
 */
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { cachedPackageTable, loadPackageMap, packageMapFromTable, type PackageMap, type PackageMapOptions, type PackageTableData } from './packages.js';

/** the worker's code as one script, put here by the bundler (scripts/bundle.mjs); absent in the tsc build */
declare const __DISKBLAME_PACKAGE_WORKER__: string | undefined;

/** where the built package table is kept between runs: $XDG_CACHE_HOME/diskblame or ~/.cache/diskblame */
export function packageCacheFile(): string {
  const xdg = process.env.XDG_CACHE_HOME;
  const dir = xdg && path.isAbsolute(xdg) ? path.join(xdg, 'diskblame') : path.join(os.homedir(), '.cache', 'diskblame');
  return path.join(dir, 'packages.bin');
}

function startWorker(opts: PackageMapOptions & { cacheFile?: string }): Worker {
  if (typeof __DISKBLAME_PACKAGE_WORKER__ === 'string')
    return new Worker(__DISKBLAME_PACKAGE_WORKER__, { eval: true, workerData: opts });
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./package-worker.js', import.meta.url), { workerData: opts });
  // under tsx (tests, bench): workers do not inherit its loader on Node 20, so register it first
  const src = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((m) => { m.register(); return import(${JSON.stringify(new URL('./package-worker.ts', import.meta.url).href)}); })`;
  return new Worker(src, { eval: true, workerData: opts });
}

/** Start loading the package map (from the cache, else in a worker); await the promise when the map is needed. */
export function loadPackageMapInWorker(opts: PackageMapOptions & { cacheFile?: string } = {}): Promise<PackageMap> {
  // a valid cache is one file read: cheaper here than starting a thread
  const cached = opts.cacheFile ? cachedPackageTable({ ...opts, cacheFile: opts.cacheFile }) : null;
  if (cached) return Promise.resolve(packageMapFromTable(cached, opts));
  return new Promise<PackageMap>((resolve) => {
    let w: Worker;
    let done = false;
    const fallback = (e?: unknown) => {
      if (done) return;
      if (process.env.DISKBLAME_DEBUG) console.error('package worker failed, loading on the main thread:', e);
      done = true;
      resolve(loadPackageMap(opts));
    };
    try {
      w = startWorker(opts);
    } catch (e) {
      fallback(e);
      return;
    }
    w.once('message', (d: PackageTableData) => {
      if (done) return;
      done = true;
      resolve(packageMapFromTable(d, opts));
      void w.terminate();
    });
    w.once('error', fallback);
    w.once('exit', fallback);
  });
}
