/**
 * The browser's `i` panel: the kind of data of one entry and why (issue 16), as `owners --why`
 * says it. A tree scanned here is the disk: whyKind on the entry's path (its ancestors' entries
 * and the package lists, no pass over the tree). A tree read from an export is another machine's,
 * or another time's: the globs and marks over the tree itself, no header read (read: null), no
 * package lists (they are this machine's), computed once per tree version.
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

const imports = new WeakMap<Tree, { version: number; k: KindsResult; names: string[] }>();

/**
 * Entry i's kind. `scanned`: the tree was scanned on this machine (else imported). null for what is
 * not a regular file. Never throws: a path gone meanwhile or a bad rules file is said in `reason`.
 */
export function kindInfo(tree: Tree, i: number, scanned: boolean): KindInfo | null {
  if (tree.type(i) !== EntryType.File || tree.excluded(i)) return null;
  try {
    if (scanned) {
      const w: KindWhy = whyKind(tree.pathOf(i));
      return { kind: w.kind, reason: w.reason, package: w.package };
    }
    let c = imports.get(tree);
    if (!c || c.version !== tree.version) {
      const rules = loadRules();
      c = { version: tree.version, k: classifyKinds(tree, rules, { read: null, owned: null, top: 0 }), names: rules.categories.map((r) => r.name) };
      imports.set(tree, c);
    }
    const cat = c.k.cat[i];
    return { kind: cat >= 0 ? c.names[cat] : null, reason: c.k.why(i), package: null, note: 'an imported tree: no header read, no package lists' };
  } catch (e) {
    return { kind: null, reason: (e as Error).message, package: null };
  }
}
