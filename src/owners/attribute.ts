/**
 * All the attributions of a scanned tree at once, from prebuilt data (loaded by `loadOwnerData`,
 * the only I/O here). Pure over (tree, data).
 */
import { Tree } from '../tree/tree.js';
import { attributePackages, loadPackageMap, packageLookups, PackageMap, treeNames } from './packages.js';
import { packageCacheFile, startPackageTable } from './load-async.js';
import { attributeServices, loadServiceHints, ServiceHints } from './services.js';
import { categorize, finishKinds, loadRules, Rules, startKinds, type KindChecks } from './kinds.js';
import { attributeUsers, loadUserNames } from './users.js';
import { Category, OwnerBytes, ServiceBytes, UserBytes } from './types.js';

export interface OwnerData {
  packages: PackageMap;
  services: ServiceHints;
  rules: Rules;
  users: Map<number, string>;
}

export interface Attribution {
  packages: OwnerBytes[];
  services: ServiceBytes[];
  categories: Category[];
  users: UserBytes[];
  /** milliseconds spent loading data and attributing */
  loadMs: number;
  attributeMs: number;
}

export function loadOwnerData(opts: { rules?: string } = {}): OwnerData & { loadMs: number } {
  const t0 = performance.now();
  const d = {
    packages: loadPackageMap(),
    services: loadServiceHints(),
    rules: loadRules(opts.rules),
    users: loadUserNames(),
  };
  return { ...d, loadMs: performance.now() - t0 };
}

/**
 * For the owners command: the small data now (a broken rules file throws here, before any scan; the
 * units and containers when first needed), and the package table's reading (or, when the cache is
 * missing or stale, its building in a worker thread) started, to go on during the scan. Then
 * `attributePrepared`.
 */
export function prepareOwnerData(opts: { rules?: string } = {}): {
  /** loadServiceHints, read when first called (attributeServices calls it only for a tree that may hold /var) */
  services: () => ServiceHints;
  rules: Rules;
  users: Map<number, string>;
  packages: ReturnType<typeof startPackageTable>;
  loadMs: number;
} {
  const t0 = performance.now();
  let hints: ServiceHints | null = null;
  const rest = { services: () => (hints ??= loadServiceHints()), rules: loadRules(opts.rules), users: loadUserNames() };
  const packages = startPackageTable({ cacheFile: packageCacheFile() });
  return { ...rest, packages, loadMs: performance.now() - t0 };
}

/**
 * attributeAll from prepareOwnerData's data: the package table's lookups (C) on libuv's thread pool
 * when the table is there already, while this thread does services, the kinds' globs and users (the
 * table may also still be coming: read, or built by the worker); then the packages' sums (C) and the
 * kinds' checks, which need the package files. The same rows as attributeAll.
 */
export async function attributePrepared(tree: Tree, d: ReturnType<typeof prepareOwnerData>, top = 10): Promise<Omit<Attribution, 'loadMs'> & { kindChecks: KindChecks }> {
  const t0 = performance.now();
  const names = treeNames(tree);
  const table = d.packages.ready();
  const lookups = table !== null ? packageLookups(tree, table.map, { names }) : null;
  const services = attributeServices(tree, d.services);
  const pass = startKinds(tree, d.rules, { names });
  const users = attributeUsers(tree, d.users);
  const owned = new Uint8Array(tree.count);
  const map = table?.map ?? (await d.packages.map()).map;
  const packages = attributePackages(tree, map, { owned, names, lookups: (await lookups) ?? undefined });
  const k = finishKinds(pass, { owned, top });
  return { packages, services, categories: k.categories, kindChecks: k.trust, users, attributeMs: performance.now() - t0 };
}

/**
 * Which row of each list every entry counts for: `packages[i]` is the index in `packages` of entry
 * i's package, -1 when it counts for none (directories for packages and kinds, excluded entries).
 * The entries labelled k are exactly those whose disk bytes make up row k's `bytes`.
 */
export interface OwnerLabels {
  packages: Int32Array;
  services: Int32Array;
  categories: Int32Array;
  users: Int32Array;
}

/** How attributeAll looks at the tree's files. */
export interface AttributeOptions {
  /**
   * The tree's files are not on this disk (read from an export, or scanned on another host): the
   * kinds read no file header (a candidate that needs one counts nowhere) and drop no package
   * file (the package lists are this machine's), as the browser's `i` panel (app/kind-info.ts).
   * Default false: the kinds as `owners` finds them.
   */
  notOnDisk?: boolean;
}

/**
 * Packages, services, kinds of data and users of `tree` at once (the browser's Owners view), the
 * `top` biggest items per kind; with `withLabels`, which row each entry counts for. On a tree
 * scanned here, the same rows as attributePrepared (`owners`).
 */
export function attributeAll(tree: Tree, data: OwnerData, top?: number): Omit<Attribution, 'loadMs'>;
export function attributeAll(tree: Tree, data: OwnerData, top: number, withLabels: true, opts?: AttributeOptions): Omit<Attribution, 'loadMs'> & { labels: OwnerLabels };
export function attributeAll(tree: Tree, data: OwnerData, top = 10, withLabels = false, opts: AttributeOptions = {}): Omit<Attribution, 'loadMs'> & { labels?: OwnerLabels } {
  const t0 = performance.now();
  const n = tree.count;
  const labels: OwnerLabels | undefined = withLabels
    ? { packages: new Int32Array(n), services: new Int32Array(n), categories: new Int32Array(n), users: new Int32Array(n) }
    : undefined;
  const owned = new Uint8Array(n);
  const r = {
    packages: attributePackages(tree, data.packages, { labels: labels?.packages, owned }),
    services: attributeServices(tree, data.services, { labels: labels?.services }),
    categories: categorize(tree, data.rules, { top, labels: labels?.categories, ...(opts.notOnDisk ? { owned: null, read: null } : { owned }) }),
    users: attributeUsers(tree, data.users, labels?.users),
  };
  return { ...r, attributeMs: performance.now() - t0, ...(labels ? { labels } : {}) };
}
