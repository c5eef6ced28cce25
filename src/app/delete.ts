/**
 * Deleting entries of a scanned tree where the scan ran (here, or on the remote host): the tree
 * here says what to delete (each entry's path as steps with the directories' identities as
 * scanned), the place runs util/delete.ts's RootedDeleter rooted at the scanned root (never
 * following a symbolic link, never leaving the root, never crossing a mount, (dev, inode) checked
 * at every step), and the tree here loses exactly what the disk lost.
 * A request is plain JSON (names as base64) so that it crosses the channel unchanged.
 */
import { DeleteRefused, DeleteResult, Leaf, LeafKind, RootedDeleter, Step } from '../util/delete.js';
import { leafOf, stepsTo, TreeDeleteResult } from '../tree/delete.js';
import { deletionPlan, FilteredTree } from '../tree/filter.js';
import type { Tree } from '../tree/tree.js';
import type { Place } from './place.js';

/** A directory on the way, as sent: its name (base64 of the raw bytes) and identity as scanned. */
export interface WireStep {
  name: string;
  dev: number;
  ino: number;
}

export interface WireLeaf {
  name: string;
  kind: LeafKind;
  ino: number;
  recursive: boolean;
  uid?: number;
  gid?: number;
}

/** Delete these entries below the scanned root `root` (base64 of its path), which was `rootId` when scanned. */
export interface DeleteRequest {
  root: string;
  rootId: { dev: number; ino: number };
  items: { steps: WireStep[]; leaf: WireLeaf }[];
}

export interface DeleteReply {
  /** the whole request was refused before anything was touched (the root replaced...): why, else null */
  refused: string | null;
  /** per item: it is gone from the disk */
  gone: boolean[];
  /** counts, with the failures' paths as base64 */
  deleted: number;
  freed: number;
  failed: number;
  failures: { path: string; reason: string }[];
}

const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64');
const unb64 = (s: string) => Buffer.from(String(s), 'base64');

function wireStep(s: Step): WireStep {
  return { name: b64(s.name), dev: s.dev, ino: s.ino };
}
function wireLeaf(l: Leaf): WireLeaf {
  return { name: b64(l.name), kind: l.kind, ino: l.ino, recursive: !!l.recursive, uid: l.uid, gid: l.gid };
}

const KINDS: readonly LeafKind[] = ['file', 'dir', 'symlink', 'other'];
const num = (v: unknown, what: string): number => {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new DeleteRefused(`bad request: ${what}`);
  return v;
};

/**
 * Run a delete request on this machine. Throws only on a bug or a malformed request (DeleteRefused);
 * every fs error is a failure in the reply.
 */
export function deleteAt(req: DeleteRequest): DeleteReply {
  const reply: DeleteReply = { refused: null, gone: [], deleted: 0, freed: 0, failed: 0, failures: [] };
  let d: RootedDeleter;
  try {
    d = RootedDeleter.open(unb64(req.root), { dev: num(req.rootId?.dev, 'root dev'), ino: num(req.rootId?.ino, 'root inode') });
  } catch (e) {
    if (e instanceof DeleteRefused) return { ...reply, refused: e.message };
    throw e;
  }
  try {
    for (const it of req.items ?? []) {
      const steps: Step[] = (it.steps ?? []).map((s) => ({ name: unb64(s.name), dev: num(s.dev, 'dev'), ino: num(s.ino, 'inode') }));
      const l = it.leaf;
      if (!KINDS.includes(l?.kind)) throw new DeleteRefused('bad request: kind');
      const leaf: Leaf = { name: unb64(l.name), kind: l.kind, ino: num(l.ino, 'inode'), recursive: !!l.recursive };
      if (l.uid !== undefined) leaf.uid = num(l.uid, 'uid');
      if (l.gid !== undefined) leaf.gid = num(l.gid, 'gid');
      reply.gone.push(d.remove(steps, leaf));
    }
  } finally {
    d.close();
  }
  const r: DeleteResult = d.result;
  return { ...reply, deleted: r.deleted, freed: r.freed, failed: r.failed, failures: r.failures.map((f) => ({ path: b64(f.path), reason: f.reason })) };
}

function refusedResult(why: string): TreeDeleteResult {
  return { deleted: 0, freed: 0, failed: 0, failures: [], refused: why, removed: 0, stale: false };
}

/**
 * Delete entry `i` of `tree` at `place` (a directory with everything in it), or under an owner
 * filter only the owner's entries at or below it (deletionPlan), then update the tree: the same
 * results as tree/delete.ts deleteEntry and deleteOwnerEntries, wherever the tree was scanned.
 */
export async function deleteInTree(place: Place, tree: Tree, i: number, filter?: FilteredTree | null): Promise<TreeDeleteResult> {
  if (i <= 0 || i >= tree.count || tree.removed(i)) return refusedResult('not an entry below the scanned directory');
  if (tree.count === 0 || !tree.finished) return refusedResult('nothing scanned');
  const targets: number[] = [];
  const items: DeleteRequest['items'] = [];
  if (filter) {
    const plan = deletionPlan(filter, i);
    for (const k of plan.files) targets.push(k);
    for (const k of plan.dirs) if (k > 0) targets.push(k);
  } else targets.push(i);
  for (const k of targets) items.push({ steps: stepsTo(tree, k).map(wireStep), leaf: wireLeaf(leafOf(tree, k, !filter)) });
  const reply = await place.delete({ root: b64(tree.pathOf(0)), rootId: { dev: tree.devOf(0), ino: tree.dirInoOf(0) }, items });
  if (reply.refused !== null) return refusedResult(reply.refused);
  const out: TreeDeleteResult = {
    deleted: reply.deleted,
    freed: reply.freed,
    failed: reply.failed,
    failures: reply.failures.map((f) => ({ path: unb64(f.path), reason: String(f.reason) })),
    refused: null,
    removed: 0,
    stale: false,
  };
  if (filter) {
    const gone = targets.filter((_k, n) => reply.gone[n] === true);
    if (gone.length) tree.removeSubtrees(gone);
    out.removed = gone.length;
  } else if (reply.gone[0] === true) {
    out.removed = tree.isDir(i) ? tree.items(i) + 1 : 1;
    tree.removeSubtree(i);
  } else out.stale = tree.isDir(i) && reply.deleted > 0;
  return out;
}
