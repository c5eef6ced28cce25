/**
 * Owner data and attribution off the main thread: the package table (the costly part: hundreds of
 * list files, megabytes of paths) is built in a worker thread while the scan runs, and after the
 * scan the package and service passes run in a worker while the main thread does the others. Any
 * failure of a worker falls back to the main thread, so the result never depends on it.
 */
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { Tree, treeData } from '../tree/tree.js';
import { attributeServices, type ServiceHints } from './services.js';
import { attributePackages } from './packages.js';
import type { OwnerBytes, ServiceBytes } from './types.js';
import { cachedPackageTable, loadPackageMap, packageMapFromTable, type PackageMap, type PackageMapOptions, type PackageTableData } from './packages.js';

/** the worker's code as one script, put here by the bundler (scripts/bundle.mjs); absent in the tsc build */
declare const __DISKBLAME_PACKAGE_WORKER__: string | undefined;

/** where the built package table is kept between runs: $XDG_CACHE_HOME/diskblame or ~/.cache/diskblame */
export function packageCacheFile(): string {
  const xdg = process.env.XDG_CACHE_HOME;
  const dir = xdg && path.isAbsolute(xdg) ? path.join(xdg, 'diskblame') : path.join(os.homedir(), '.cache', 'diskblame');
  return path.join(dir, 'packages.bin');
}

function startWorker(workerData: unknown, transferList: ArrayBuffer[] = []): Worker {
  if (typeof __DISKBLAME_PACKAGE_WORKER__ === 'string')
    return new Worker(__DISKBLAME_PACKAGE_WORKER__, { eval: true, workerData, transferList });
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./package-worker.js', import.meta.url), { workerData, transferList });
  // under tsx (tests, bench): workers do not inherit its loader on Node 20, so register it first
  const src = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((m) => { m.register(); return import(${JSON.stringify(new URL('./package-worker.ts', import.meta.url).href)}); })`;
  return new Worker(src, { eval: true, workerData, transferList });
}

/**
 * Run `job` in a worker thread; resolves with its one message, or with `fallback()` (on this
 * thread) when the worker cannot start, fails or exits without answering.
 */
export function inWorker<T>(job: unknown, transfer: ArrayBuffer[], fallback: () => T): Promise<T> {
  return new Promise<T>((resolve) => {
    let done = false;
    let w: Worker | null = null;
    const fail = (e?: unknown) => {
      if (done) return;
      done = true;
      if (process.env.DISKBLAME_DEBUG) console.error('worker failed, working on the main thread:', e);
      resolve(fallback());
    };
    try {
      w = startWorker(job, transfer);
    } catch (e) {
      fail(e);
      return;
    }
    w.once('message', (m: T) => {
      if (done) return;
      done = true;
      resolve(m);
      void w!.terminate();
    });
    w.once('error', fail);
    w.once('exit', fail);
  });
}

/** Start loading the package map (from the cache, else in a worker); await the promise when the map is needed. */
export function loadPackageMapInWorker(opts: PackageMapOptions & { cacheFile?: string } = {}): Promise<PackageMap> {
  // a valid cache is one file read: cheaper here than starting a thread
  const cached = opts.cacheFile ? cachedPackageTable({ ...opts, cacheFile: opts.cacheFile }) : null;
  if (cached) return Promise.resolve(packageMapFromTable(cached, opts));
  return inWorker<PackageTableData | null>(opts, [], () => null).then((d) => (d ? packageMapFromTable(d, opts) : loadPackageMap(opts)));
}

/**
 * A worker thread for the package and service passes, started early (while the scan runs) so that
 * its start-up and the package table (from the cache, built there when missing) are ready when the
 * tree is: `run(tree, services)` sends it a copy of the tree and resolves with its rows.
 */
export function startAttributionWorker(cacheFile?: string): { run(tree: Tree, services: ServiceHints): Promise<{ packages: OwnerBytes[]; services: ServiceBytes[] }>; stop(): void } {
  let w: Worker | null = null;
  try {
    w = startWorker({ role: 'attribute', cacheFile });
    w.on('error', () => {}); // reported through run()'s fallback
    w.unref(); // never what keeps the process alive, until run() waits for it
  } catch (e) {
    if (process.env.DISKBLAME_DEBUG) console.error('attribution worker failed to start:', e);
  }
  const here = (tree: Tree, services: ServiceHints) => ({ packages: attributePackages(tree, loadPackageMap()), services: attributeServices(tree, services) });
  return {
    run(tree, services) {
      const worker = w;
      if (!worker) return Promise.resolve(here(tree, services));
      worker.ref();
      return new Promise((resolve) => {
        let done = false;
        const fail = (e?: unknown) => {
          if (done) return;
          done = true;
          if (process.env.DISKBLAME_DEBUG) console.error('attribution worker failed, working on the main thread:', e);
          resolve(here(tree, services));
        };
        worker.once('message', (m: { packages: OwnerBytes[]; services: ServiceBytes[] }) => {
          if (done) return;
          done = true;
          resolve(m);
          void worker.terminate();
        });
        worker.once('error', fail);
        worker.once('exit', fail);
        const d = treeData(tree);
        try {
          worker.postMessage({ tree: d.fields, services }, d.transfer);
        } catch (e) {
          fail(e);
        }
      });
    },
    stop() {
      void w?.terminate();
    },
  };
}
