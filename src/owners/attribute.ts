/**
 * All the attributions of a scanned tree at once, from prebuilt data (loaded by `loadOwnerData`,
 * the only I/O here). Pure over (tree, data).
 */
import { Tree } from '../tree/tree.js';
import { attributePackages, loadPackageMap, PackageMap } from './packages.js';
import { attributeServices, loadServiceHints, ServiceHints } from './services.js';
import { categorize, loadRules, Rules } from './kinds.js';
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

export function attributeAll(tree: Tree, data: OwnerData, top = 10): Omit<Attribution, 'loadMs'> {
  const t0 = performance.now();
  const r = {
    packages: attributePackages(tree, data.packages),
    services: attributeServices(tree, data.services),
    categories: categorize(tree, data.rules, { top }),
    users: attributeUsers(tree, data.users),
  };
  return { ...r, attributeMs: performance.now() - t0 };
}
