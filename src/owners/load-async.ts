/**
 * Attribution off the main thread: a worker thread started with the scan loads the package table
 * (from the cache, or built from hundreds of list files and cached), then, once the tree is sent,
 * runs the package pass while the main thread does the others. Any failure of the
 * worker falls back to the main thread, so the result never depends on it.
 */
import { cacheDir } from '../util/cachedir.js';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { Tree, treeData } from '../tree/tree.js';
import { attributePackages, loadPackageMap, type PackageMapOptions } from './packages.js';
import type { OwnerBytes } from './types.js';

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

/** What the worker is asked: where the lists and the cache are, and the tree's prefix (fixture trees). */
export interface AttributionWorkerOptions extends PackageMapOptions {
  cacheFile?: string;
  /** a directory standing for `/` (see attributePackages) */
  prefix?: string;
  /** the addon's file, for the worker to load it (import/native-parse.ts ncduParseAddonFile) */
  addonFile?: string | null;
}

/** decoded names (Tree.allNames' shape), copied to the worker with the tree */
export type TreeNameBytes = { bytes: Uint8Array; off: Uint32Array; len: Uint32Array };

/** the worker's answer: the package rows, and which entries a package lists (1) */
export interface WorkerRows {
  packages: OwnerBytes[];
  owned: Uint8Array;
}

/**
 * A worker thread for the package pass, started early (while the scan runs) so that
 * its start-up and the package table are ready when the tree is: `run(tree)` sends it a
 * copy of the tree and resolves with its rows (computed here if the worker fails).
 */
export function startAttributionWorker(opts: AttributionWorkerOptions = {}): { run(tree: Tree, names?: TreeNameBytes): Promise<WorkerRows> } {
  let w: Worker | null = null;
  try {
    w = startWorker(opts);
    w.on('error', () => {}); // reported through run()'s fallback
    w.unref(); // never what keeps the process alive, until run() waits for it
  } catch (e) {
    if (process.env.DISKBLAME_DEBUG) console.error('attribution worker failed to start:', e);
  }
  const { prefix, cacheFile: _cache, addonFile: _addon, ...lists } = opts;
  const here = (tree: Tree): WorkerRows => {
    const owned = new Uint8Array(tree.count);
    return { packages: attributePackages(tree, loadPackageMap(lists), { prefix, owned }), owned };
  };
  return {
    run(tree, names) {
      const worker = w;
      if (!worker) return Promise.resolve(here(tree));
      worker.ref();
      return new Promise((resolve) => {
        let done = false;
        const fail = (e?: unknown) => {
          if (done) return;
          done = true;
          if (process.env.DISKBLAME_DEBUG) console.error('attribution worker failed, working on the main thread:', e);
          resolve(here(tree));
        };
        worker.once('message', (m: WorkerRows) => {
          if (done) return;
          done = true;
          resolve(m);
          void worker.terminate();
        });
        worker.once('error', fail);
        worker.once('exit', fail);
        const d = treeData(tree);
        try {
          worker.postMessage({ tree: d.fields, names }, d.transfer);
        } catch (e) {
          fail(e);
        }
      });
    },
  };
}
