/**
 * The owners use case: who owns the space on the volume holding a path. Reads the processes
 * first (what is open now is what matters), scans, attributes (packages, services, kinds, users),
 * looks at the writers again to see which grew, and reconciles df with du. Runs where the data
 * is: here for `owners`, on the remote host for `owners --remote` (the agent calls it); the
 * result is plain data (JSON-safe) that the command prints.
 */
import { Tree } from '../tree/tree.js';
import { estimateEntries } from '../scan/estimate.js';
import { volumeOf, reconcile, VolumeInfo } from '../owners/reconcile.js';
import { readProcesses, deletedOpen, deletedOpenBytes, measureGrowth, writers } from '../owners/procs.js';
import { attributePrepared, prepareOwnerData } from '../owners/attribute.js';
import type { KindChecks } from '../owners/kinds.js';
import type { Category, DeletedOpen, OwnerBytes, Reconciliation, ServiceBytes, UserBytes, Writer } from '../owners/types.js';
import { escapeName } from '../util/escape.js';
import { errnoText, UserError } from '../util/errors.js';
import { localScan, type JobHooks } from './place.js';

/** What `owners --json` prints. */
export interface OwnersResult {
  root: string;
  volume: VolumeInfo;
  reconciliation: Reconciliation;
  deletedOpen: DeletedOpen[];
  writers: Writer[];
  packages: OwnerBytes[];
  services: ServiceBytes[];
  categories: Category[];
  /** the kinds' checks: package files dropped, headers read, candidates left unchecked past the bound (their files count in no kind) */
  kindChecks: KindChecks;
  users: UserBytes[];
  processes: { complete: boolean; unreadable: number; scanned: number; fds: number; readMs: number };
  timing: { scanMs: number; attributeMs: number; loadMs: number; totalMs: number };
  incomplete: boolean;
}

export interface OwnersOptions {
  /** rows per list */
  top: number;
  /** kinds-of-data rules file (default ~/.config/diskblame/rules.json) */
  rules?: string;
  /** watch files open for writing this long (ms, 0-60000) to see which grow */
  sampleMs: number;
  exclude?: string[];
  threads?: number;
}

/**
 * Run the whole attribution of the volume holding `root` on this machine. Throws a UserError of
 * one line for a root that cannot be scanned or a broken rules file (before any scan).
 * `hooks.onScan` gets the scan once it runs (progress, abort: then `incomplete`).
 */
export async function gatherOwners(root: string, o: OwnersOptions, hooks: JobHooks = {}): Promise<OwnersResult> {
  const started = performance.now();
  let vol: VolumeInfo;
  try {
    vol = volumeOf(root);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UserError(`cannot scan ${escapeName(root)}: ${errnoText(code)}`);
  }
  let data: ReturnType<typeof prepareOwnerData>;
  try {
    data = prepareOwnerData({ rules: o.rules }); // a broken rules file fails before the scan
  } catch (e) {
    throw new UserError((e as Error).message);
  }

  // the processes first: the scan takes a while, and what is open now is what matters; the writers
  // are looked at again after the scan (at least sampleMs later) to see which grew
  const snap = await readProcesses();
  const snapAt = performance.now();
  const tree = new Tree(estimateEntries(root));
  const scanStarted = performance.now();
  const job = localScan(root, tree, { exclude: o.exclude, threads: o.threads });
  hooks.onScan?.(job);
  const incomplete = (await job.done).incomplete;
  const scanMs = performance.now() - scanStarted;
  const att = await attributePrepared(tree, data, o.top);
  const left = o.sampleMs - (performance.now() - snapAt);
  if (left > 0) await new Promise((r) => setTimeout(r, left));
  if (o.sampleMs > 0) measureGrowth(snap);
  const deleted = deletedOpen(snap, vol.dev);
  const heldBytes = deletedOpenBytes(deleted);
  const rec = reconcile(vol, job.root, tree.sizeD(0), heldBytes, snap.complete, incomplete);
  return {
    root: job.root,
    volume: vol,
    reconciliation: rec,
    deletedOpen: deleted,
    writers: writers(snap, vol.dev),
    packages: att.packages.slice(0, o.top),
    services: att.services.slice(0, o.top),
    categories: [...att.categories].sort((a, b) => b.bytes - a.bytes), // largest first (ties: the rules' order)
    kindChecks: att.kindChecks,
    users: att.users.slice(0, o.top),
    processes: {
      complete: snap.complete,
      unreadable: snap.unreadable,
      scanned: snap.scannedProcesses,
      fds: snap.scannedFds,
      readMs: Math.round(snap.elapsedMs),
    },
    timing: {
      scanMs: Math.round(scanMs),
      attributeMs: Math.round(att.attributeMs),
      loadMs: Math.round(data.loadMs),
      totalMs: Math.round(performance.now() - started),
    },
    incomplete,
  };
}
