/**
 * Worker thread entry, two roles:
 * - `table`: read the package lists and build the lookup table while the main thread scans (and
 *   keep it in the cache), then hand it over (its buffer transferred, not copied);
 * - `attribute`: with a copy of the scanned tree, attribute it to packages and services while the
 *   main thread does kinds of data and users (two cores for the passes).
 * Started by load-async.ts; the single-file bundle carries this file's own bundle as a string.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { attributePackages, buildPackageTable, packageMapFromTable, type PackageMapOptions } from './packages.js';
import { attributeServices, type ServiceHints } from './services.js';
import { treeFromData } from '../tree/tree.js';

type Job =
  | ({ role?: 'table' } & PackageMapOptions & { cacheFile?: string })
  | { role: 'attribute'; cacheFile?: string };

const job = (workerData ?? {}) as Job;
if (job.role === 'attribute') {
  // started while the scan runs: the table now, the tree when it is sent
  const map = packageMapFromTable(buildPackageTable({ cacheFile: job.cacheFile }));
  parentPort!.once('message', (m: { tree: Record<string, unknown>; services: ServiceHints }) => {
    const tree = treeFromData(m.tree);
    parentPort!.postMessage({ packages: attributePackages(tree, map), services: attributeServices(tree, m.services) });
  });
} else {
  const d = buildPackageTable(job);
  parentPort!.postMessage(d, [d.slots.buffer as ArrayBuffer]);
}
