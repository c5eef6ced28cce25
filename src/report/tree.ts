/**
 * `diskblame tree`: a non-interactive tree of where the space went, as dust draws it, for SSH
 * sessions and tickets. Pure: a built tree in, a layout (which entries, in which order, what is
 * folded), its text lines and its JSON out.
 *
 * The text, one entry a line, never wider than `width` columns:
 *
 *      2.9 MiB 100.0% [##########] /srv/data
 *      2.8 MiB  96.6% [##########] ├── logs/
 *      2.7 MiB  93.1% [######### ] │   ├── app.log
 *     80.0 KiB   2.7% [          ] │   └── (4 more)
 *     12.0 KiB   0.4% [          ] └── db/
 *
 * Sizes are disk usage (or apparent sizes), percentages and bars are shares of the root, names
 * are escaped (util/escape.ts) and cut at the line's end.
 */
import type { Tree } from '../tree/tree.js';
import { addBytes, type Bytes } from '../util/exact.js';
import { escapeName, jsonName } from '../util/escape.js';
import { pct, size } from '../util/format.js';
import { truncate } from '../ui/text.js';

export interface TreeLayoutOptions {
  /** how many levels below the root are drawn (0: the root alone) */
  depth: number;
  /** how many of a directory's largest children are drawn; the rest fold into one "(N more)" line */
  top: number;
  /** rank and show by apparent size instead of disk usage */
  apparent: boolean;
}

/** the children of a directory that were not drawn: how many and their sizes (bytes, exact) */
export interface Folded {
  count: number;
  diskBytes: Bytes;
  apparentBytes: Bytes;
}

/** One drawn entry: its tree index, its drawn children (largest first), and the folded rest. */
export interface TreeNode {
  index: number;
  /** a directory whose children were looked at (above the last level); false for others */
  open: boolean;
  children: TreeNode[];
  /** children beyond `top`; null: none (or a directory at the last level, whose children are not looked at) */
  more: Folded | null;
}

/**
 * Which entries of `t` are drawn, from its root: at each level the `top` largest children (by
 * disk usage, or apparent size; ties by name bytes), down to `depth` levels; the rest of each
 * directory folded into its `more`. A directory at the last level has neither children nor `more`.
 */
export function layoutTree(t: Tree, o: TreeLayoutOptions): TreeNode {
  const sizeOf = (i: number) => (o.apparent ? t.sizeA(i) : t.sizeD(i));
  const visit = (i: number, level: number): TreeNode => {
    // (a directory at the last level: its size says it all, its children are not listed nor folded)
    if (!t.isDir(i) || level >= o.depth) return { index: i, open: false, children: [], more: null };
    const kids = Array.from(t.children(i)).filter((k) => !t.removed(k));
    const shown = o.top;
    kids.sort((a, b) => sizeOf(b) - sizeOf(a) || Buffer.compare(t.nameOf(a), t.nameOf(b)));
    const rest = kids.slice(shown);
    let more: Folded | null = null;
    if (rest.length) {
      more = { count: rest.length, diskBytes: 0, apparentBytes: 0 };
      for (const k of rest) {
        more.diskBytes = addBytes(more.diskBytes, t.exactSizeD(k));
        more.apparentBytes = addBytes(more.apparentBytes, t.exactSizeA(k));
      }
    }
    return { index: i, open: true, children: kids.slice(0, shown).map((k) => visit(k, level + 1)), more };
  };
  return visit(t.root, 0);
}

export interface TreeTextOptions {
  /** the line width in columns (at least 20 is useful; lines are cut to it) */
  width: number;
  apparent: boolean;
  /** exact byte counts instead of KiB/MiB/GiB (-b) */
  exact: boolean;
}

/** The bar of a share of the root: 10 cells, `[#####     ]` */
function bar(part: number, whole: number): string {
  const cells = whole > 0 ? Math.min(10, Math.max(0, Math.round((10 * part) / whole))) : 0;
  return '[' + '#'.repeat(cells) + ' '.repeat(10 - cells) + ']';
}

/**
 * The text of a layout (layoutTree), one line per drawn entry and per folded rest, each line at most
 * `o.width` columns, terminal-safe (names escaped), ending in '\n'. The root line names the root's
 * path; directories end in '/'. (treeLines' lines joined.)
 */
export function renderTree(t: Tree, root: TreeNode, o: TreeTextOptions): string {
  return [...treeLines(t, root, o)].join('\n') + '\n';
}

/** renderTree's lines, each without its '\n', made as they are taken (a tree of millions of rows is written as it is made: cli/output.ts outLines). */
export function* treeLines(t: Tree, root: TreeNode, o: TreeTextOptions): Generator<string> {
  const total = o.apparent ? t.sizeA(t.root) : t.sizeD(t.root);
  const rows: { bytes: Bytes; prefix: string; name: string }[] = [];
  const exactOf = (i: number) => (o.apparent ? t.exactSizeA(i) : t.exactSizeD(i));
  const walk = (n: TreeNode, prefix: string, branch: string) => {
    const name = n.index === t.root ? escapeName(t.pathOf(n.index)) : escapeName(t.nameOf(n.index)) + (t.isDir(n.index) ? '/' : '');
    rows.push({ bytes: exactOf(n.index), prefix: prefix + branch, name });
    const below = prefix + (branch === '' ? '' : branch === '├── ' ? '│   ' : '    ');
    n.children.forEach((c, k) => walk(c, below, k === n.children.length - 1 && !n.more ? '└── ' : '├── '));
    if (n.more) rows.push({ bytes: o.apparent ? n.more.apparentBytes : n.more.diskBytes, prefix: below + '└── ', name: `(${n.more.count} more)` });
  };
  walk(root, '', '');
  const sizes = rows.map((r) => size(r.bytes, o.exact));
  // (a loop, not Math.max(...): past ~120,000 rows the arguments overflow the stack)
  let sw = 0;
  for (const s of sizes) sw = Math.max(sw, s.length);
  for (let k = 0; k < rows.length; k++) {
    const r = rows[k];
    const head = `${sizes[k].padStart(sw)} ${pct(r.bytes, total)} ${bar(Number(r.bytes), total)} ${r.prefix}`;
    yield truncate(head + r.name, o.width);
  }
}

/**
 * The layout as JSON-ready data: each node `{path | name (+ pathBase64 / nameBase64 when not
 * UTF-8), type, diskBytes, apparentBytes, items (directories), children (the drawn ones, for a
 * directory above the last level), more ({count, diskBytes, apparentBytes} or absent)}`; the root carries its path, the others their
 * name. Bytes exact (write with util/exact.ts stringifyExact).
 */
export function treeJson(t: Tree, n: TreeNode): Record<string, unknown> {
  const isRoot = n.index === t.root;
  const named = jsonName(isRoot ? t.pathOf(n.index) : t.nameOf(n.index));
  const id = isRoot ? named : { name: named.path, ...(named.pathBase64 !== undefined ? { nameBase64: named.pathBase64 } : {}) };
  const dir = t.isDir(n.index);
  return {
    ...id,
    type: dir ? 'dir' : ['file', 'dir', 'symlink', 'other'][t.type(n.index)] ?? 'other',
    diskBytes: t.exactSizeD(n.index),
    apparentBytes: t.exactSizeA(n.index),
    ...(dir ? { items: t.items(n.index) } : {}),
    ...(n.open ? { children: n.children.map((c) => treeJson(t, c)) } : {}),
    ...(n.more ? { more: n.more } : {}),
  };
}
