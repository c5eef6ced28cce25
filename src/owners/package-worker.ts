/**
 * Worker thread entry: reads the package lists and builds the lookup table while the main thread
 * scans, then hands the table over (its buffer transferred, not copied). Started by
 * loadPackageMapInWorker; the single-file bundle carries this file's own bundle as a string.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { buildPackageTable, type PackageMapOptions } from './packages.js';

const d = buildPackageTable((workerData ?? {}) as PackageMapOptions);
parentPort!.postMessage(d, [d.slots.buffer as ArrayBuffer]);
