/**
 * Worker thread entry: started when the owners command finds no cached package table for the
 * current lists (load-async.ts), it builds the table from the lists while the main thread scans,
 * caches it, and sends it back (the slots transferred, not copied); the package pass runs on the
 * main thread. The single-file bundle carries this file's own bundle as a string.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { buildPackageTable } from './packages.js';
import type { PackageTableOptions } from './load-async.js';

const d = buildPackageTable((workerData ?? {}) as PackageTableOptions);
parentPort!.postMessage({ slots: d.slots, mask: d.mask, used: d.used, dirs: d.dirs, pkgs: d.pkgs }, [d.slots.buffer as ArrayBuffer]);
