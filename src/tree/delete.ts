/**
 * Deleting what the browser shows: entries of a scanned Tree, through util/delete's RootedDeleter
 * (held directory fds, every step checked against the scan's (dev, inode), never leaving the root,
 * never crossing a mount, never following a symbolic link). The tree is updated to match: what
 * is gone from the disk is removed from it. No UI here: the caller shows the result.
 */
import { EntryType } from '../model/entry.js';
import { DeleteRefused, DeleteResult, Leaf, LeafKind, RootedDeleter, Step } from '../util/delete.js';
import { putInTrash, trashFor } from '../util/trash.js';
import { deletionPlan, FilteredTree } from './filter.js';
import { NONE, Tree } from './tree.js';

export interface TreeDeleteResult extends DeleteResult {
  /** the whole deletion was refused before anything was touched: why (else null) */
  refused: string | null;
  /** entries removed from the tree (they are gone from the disk) */
  removed: number;
  /**
   * part of a directory went and part stayed: the tree no longer says what is below the entry's
   * directory (the caller should rescan it)
   */
  stale: boolean;
}

function kindOf(tree: Tree, i: number): LeafKind {
  switch (tree.type(i)) {
    case EntryType.Dir:
      return 'dir';
    case EntryType.File:
      return 'file';
    case EntryType.Symlink:
      return 'symlink';
    default:
      return 'other';
  }
}

/** The directories from below the root down to entry i's parent, with their identities as scanned (also for app/delete.ts: a deletion on a remote host). */
export function stepsTo(tree: Tree, i: number): Step[] {
  const steps: Step[] = [];
  for (let p = tree.parent[i]; p !== 0 && p !== NONE; p = tree.parent[p])
    steps.push({ name: tree.nameOf(p), dev: tree.devOf(p), ino: tree.dirInoOf(p) });
  return steps.reverse();
}

export function leafOf(tree: Tree, i: number, recursive: boolean): Leaf {
  const kind = kindOf(tree, i);
  return { name: tree.nameOf(i), kind, ino: kind === 'dir' ? tree.dirInoOf(i) : Number(tree.inoOf(i)), recursive, uid: tree.uidOf(i), gid: tree.gidOf(i) };
}

function empty(refused: string | null): TreeDeleteResult {
  return { deleted: 0, freed: 0, failed: 0, failures: [], refused, removed: 0, stale: false };
}

function withDeleter(tree: Tree, body: (d: RootedDeleter, out: TreeDeleteResult) => void): TreeDeleteResult {
  if (tree.count === 0 || !tree.finished) return empty('nothing scanned');
  let d: RootedDeleter;
  try {
    d = RootedDeleter.open(tree.pathOf(0), { dev: tree.devOf(0), ino: tree.dirInoOf(0) });
  } catch (e) {
    if (e instanceof DeleteRefused) return empty(e.message);
    throw e;
  }
  const out = empty(null);
  try {
    body(d, out);
  } finally {
    d.close();
  }
  const r = d.result;
  out.deleted = r.deleted;
  out.freed = r.freed;
  out.failed = r.failed;
  out.failures = r.failures;
  return out;
}

/**
 * Delete entry i (a directory with everything in it) from the disk, then from the tree.
 * Never the root (refused). Returns the counts and the failures with their reasons; throws only on
 * a bug (every fs error is a failure in the result).
 */
export function deleteEntry(tree: Tree, i: number): TreeDeleteResult {
  if (i <= 0 || i >= tree.count || tree.removed(i)) return empty('not an entry below the scanned directory');
  return withDeleter(tree, (d, out) => {
    const deletedBefore = d.result.deleted;
    if (d.remove(stepsTo(tree, i), leafOf(tree, i, true))) {
      out.removed = tree.isDir(i) ? tree.items(i) + 1 : 1;
      tree.removeSubtree(i);
    } else out.stale = tree.isDir(i) && d.result.deleted > deletedBefore;
  });
}

/**
 * Under an owner filter: delete only the owner's entries at or below i (deletionPlan): its files,
 * then its directories that are empty by then (another owner's files keep theirs). Each goes
 * through the same checks as deleteEntry; the tree loses exactly what the disk lost.
 */
export function deleteOwnerEntries(f: FilteredTree, i: number): TreeDeleteResult {
  const tree = f.tree;
  if (i <= 0 || i >= tree.count || tree.removed(i)) return empty('not an entry below the scanned directory');
  const plan = deletionPlan(f, i);
  return withDeleter(tree, (d, out) => {
    const gone: number[] = [];
    for (const k of plan.files) if (d.remove(stepsTo(tree, k), leafOf(tree, k, false))) gone.push(k);
    for (const k of plan.dirs) if (k > 0 && d.remove(stepsTo(tree, k), leafOf(tree, k, false))) gone.push(k);
    if (gone.length) tree.removeSubtrees(gone);
    out.removed = gone.length;
  });
}

/**
 * Delete several entries (the browser's marked ones, siblings), each as deleteEntry does, in one
 * session: one result for all (`stale` when a directory went in part).
 */
export function deleteEntries(tree: Tree, list: readonly number[]): TreeDeleteResult {
  const ok = list.filter((i) => i > 0 && i < tree.count && !tree.removed(i));
  if (!ok.length) return empty('not an entry below the scanned directory');
  return withDeleter(tree, (d, out) => {
    const gone: number[] = [];
    for (const i of ok) {
      const before = d.result.deleted;
      if (d.remove(stepsTo(tree, i), leafOf(tree, i, true))) gone.push(i);
      else if (tree.isDir(i) && d.result.deleted > before) out.stale = true;
    }
    for (const i of gone) out.removed += tree.isDir(i) ? tree.items(i) + 1 : 1;
    if (gone.length) tree.removeSubtrees(gone);
  });
}

/**
 * A new fd (the caller closes it) of directory entry `i` (0: the root) as it was scanned:
 * RootedDeleter.openDir, so a directory replaced since the scan by a symbolic link (to somewhere
 * outside the root), by another directory or by a mount is refused. Throws DeleteRefused (the
 * reason) or the errno error.
 */
export function openDirAsScanned(tree: Tree, i: number): number {
  if (tree.count === 0 || !tree.finished) throw new DeleteRefused('nothing scanned');
  if (i < 0 || i >= tree.count || tree.removed(i) || !tree.isDir(i)) throw new DeleteRefused('not a directory of the scanned tree');
  const d = RootedDeleter.open(tree.pathOf(0), { dev: tree.devOf(0), ino: tree.dirInoOf(0) });
  try {
    return d.openDir(i === 0 ? [] : [...stepsTo(tree, i), { name: tree.nameOf(i), dev: tree.devOf(i), ino: tree.dirInoOf(i) }]);
  } finally {
    d.close();
  }
}

/**
 * Empty regular files in place (truncate to 0: RootedDeleter.truncate), then set their sizes to 0
 * in the tree. `deleted` counts the files emptied, `freed` their former disk bytes. A directory or
 * anything not a regular file in `list` is a failure with its reason; the others are still done.
 */
export function emptyEntries(tree: Tree, list: readonly number[]): TreeDeleteResult {
  const ok = list.filter((i) => i > 0 && i < tree.count && !tree.removed(i));
  if (!ok.length) return empty('not an entry below the scanned directory');
  return withDeleter(tree, (d) => {
    const now = Math.floor(Date.now() / 1000);
    for (const i of ok) if (d.truncate(stepsTo(tree, i), leafOf(tree, i, false))) tree.emptied(i, now);
  });
}

/**
 * Move entries to the trash (util/trash.ts: the home trash on the same mount, else the mount's
 * own), each checked as deleteEntry checks it, then drop them from the tree. `deleted` counts the
 * entries moved (a directory as one), `removed` the tree entries dropped; `freed` stays 0 (the
 * bytes are in the trash, still on the disk). `env`: $XDG_DATA_HOME and $HOME (tests).
 */
export function trashEntries(tree: Tree, list: readonly number[], env: NodeJS.ProcessEnv = process.env): TreeDeleteResult {
  const ok = list.filter((i) => i > 0 && i < tree.count && !tree.removed(i));
  if (!ok.length) return empty('not an entry below the scanned directory');
  return withDeleter(tree, (d, out) => {
    const gone: number[] = [];
    for (const i of ok) {
      const moved = d.moveOut(stepsTo(tree, i), leafOf(tree, i, true), (pfd, name, _st, where) => {
        putInTrash(trashFor(pfd, env), pfd, name, where);
      });
      if (moved) gone.push(i);
    }
    for (const i of gone) out.removed += tree.isDir(i) ? tree.items(i) + 1 : 1;
    if (gone.length) tree.removeSubtrees(gone);
  });
}
