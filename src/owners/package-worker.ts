/**
 * Worker thread entry: started while the main thread scans, it loads the package table (from the
 * cache, else built from the lists and cached), then waits for a copy of the scanned tree and
 * attributes it to packages and services while the main thread does kinds of data and users.
 * Started by load-async.ts; the single-file bundle carries this file's own bundle as a string.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { attributePackages, buildPackageTable, packageMapFromTable } from './packages.js';
import { treeFromData } from '../tree/tree.js';
import { ncduParseAddonAt } from '../import/native-parse.js';
import type { AttributionWorkerOptions } from './load-async.js';

const { prefix, addonFile, ...lists } = (workerData ?? {}) as AttributionWorkerOptions;
// the main thread's addon, loaded here from its file (this eval'd code has no URL to find it from)
const addon = ncduParseAddonAt(addonFile);
const map = packageMapFromTable(buildPackageTable(lists), lists);
parentPort!.once('message', (m: { tree: Record<string, unknown>; names?: { bytes: Uint8Array; off: Uint32Array; len: Uint32Array } }) => {
  const tree = treeFromData(m.tree);
  const owned = new Uint8Array(tree.count);
  // the names the main thread decoded (with the addon, which this eval'd worker does not load)
  const packages = attributePackages(tree, map, { prefix, owned, names: m.names, addon });
  parentPort!.postMessage({ packages, owned }, [owned.buffer]);
});
