/**
 * The browser's `i` panel: the kind of data of one entry and why (issue 16), as `owners --why`
 * says it. A tree scanned here is the disk: whyKind on the entry's path (its ancestors' entries
 * and the package lists, no pass over the tree). A tree read from an export is another machine's,
 * or another time's, and a tree scanned on another host (--remote) is not on this disk: the globs
 * and marks over the tree itself, no header read (read: null), no package lists (they are this
 * machine's), computed once per tree version.
 *
 * Why whyKind for a scanned tree rather than the pass over the whole tree cached per version
 * (bench/kind-info-cost.ts, on /usr's shape copied to 1,065,051 entries, a busy 2-core machine):
 * the whole pass (package lists, package files, the kinds with 1,148 header reads) took 0.7-1.7 s
 * at the first `i` and would again after every rescan, growing with the tree; whyKind takes
 * 0.2-0.3 s at the first `i` (the package lists), then 4-7 ms (median of 200 files), 0.05-0.2 s at
 * the 90th percentile and 0.3-0.45 s in a directory of 18,166 entries (0.5-0.6 s in one of
 * 100,000: every sibling is lstat'ed), whatever the tree's size, and says what is on disk now.
 */
import { Tree } from '../tree/tree.js';
import { EntryType } from '../model/entry.js';
import { classifyKinds, loadRules, type KindsResult } from '../owners/kinds.js';
import { whyKind, type KindWhy } from './why.js';

/** What the panel shows; `note` says what could not be looked at. */
export interface KindInfo {
  kind: string | null;
  reason: string;
  package: string | null;
  note?: string;
}

/**
 * Where a tree's files are: 'disk', scanned on this machine (its files can be looked at);
 * 'imported', read from an export (ncdu -f, gdu -f, a snapshot); 'remote', scanned on another host.
 */
export type KindSource = 'disk' | 'imported' | 'remote';

/** The source of `tree` (tree.info.producer 'scan' is a scan; `remote`: on another host). */
export function kindSource(tree: Tree, remote = false): KindSource {
  if (remote) return 'remote';
  return tree.info?.producer === 'scan' ? 'disk' : 'imported';
}

const NOTES: Record<Exclude<KindSource, 'disk'>, string> = {
  imported: 'an imported tree: no header read, no package lists',
  remote: "another host's tree: no header read here, no package lists",
};

const cache = new WeakMap<Tree, { version: number; k: KindsResult; names: string[] }>();

/**
 * Entry i's kind, looked at as `source` says (kindSource). null for what is not a regular file.
 * Never throws: a path gone meanwhile or a bad rules file is said in `reason`.
 */
export function kindInfo(tree: Tree, i: number, source: KindSource): KindInfo | null {
  if (tree.type(i) !== EntryType.File || tree.excluded(i)) return null;
  try {
    if (source === 'disk') {
      const w: KindWhy = whyKind(tree.pathOf(i));
      return { kind: w.kind, reason: w.reason, package: w.package };
    }
    let c = cache.get(tree);
    if (!c || c.version !== tree.version) {
      const rules = loadRules();
      c = { version: tree.version, k: classifyKinds(tree, rules, { read: null, owned: null, top: 0 }), names: rules.categories.map((r) => r.name) };
      cache.set(tree, c);
    }
    const cat = c.k.cat[i];
    return { kind: cat >= 0 ? c.names[cat] : null, reason: c.k.why(i), package: null, note: NOTES[source] };
  } catch (e) {
    return { kind: null, reason: (e as Error).message, package: null };
  }
}

