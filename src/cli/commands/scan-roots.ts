/**
 * `diskblame scan A B ...`: several roots at once, as dua and dust take them. Each root is scanned
 * into its own tree; the text shows each root's summary, then the roots' totals and a grand total;
 * --json lists them. Counted once, as `du -s A B` counts: the same directory given twice (by any
 * path: realpath, then st_dev and st_ino) is scanned once, a root inside another given root is not
 * scanned (its bytes are in the outer one's; it is named as such), and a file hard-linked into two
 * roots counts once in the grand total. Only wiring and the arithmetic of the totals.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Tree } from '../../tree/tree.js';
import { summarize } from '../../report/summary.js';
import { escapeName, jsonName } from '../../util/escape.js';
import { count, duration, size } from '../../util/format.js';
import { errnoText, UserError } from '../../util/errors.js';
import { addBytes, Bytes, subBytes } from '../../util/exact.js';
import { Excluded } from '../../model/entry.js';
import { runScan, treeFor } from '../../app/scan.js';
import { withPlace } from '../../app/places.js';
import { errLine, outJson, outLines } from '../output.js';
import { recordScanSample } from '../../app/sample.js';

/** A root as given, and what became of it. */
export interface RootPlan {
  /** as given on the command line */
  given: string;
  /** its real path (symbolic links resolved) */
  real: string;
  /** the earlier root (as given) it is the same directory as, or lies inside: not scanned then */
  countedIn: string | null;
  /** 'same': the same directory as countedIn; 'inside': below it */
  how: 'same' | 'inside' | null;
}

/**
 * Which of `roots` (paths here) to scan: each resolved (realpath) and compared with the others;
 * one that is the same directory as an earlier one (same real path, or same st_dev + st_ino), or
 * lies inside another (its real path below the other's), is not scanned. Whatever the order: an
 * inner root given before its outer one is still the one left out (du would count it first and
 * the outer one without it; the grand total is the same). Throws UserError (exit 1) for a root
 * that cannot be resolved: "cannot scan ROOT: no such file or directory".
 */
export function planRoots(roots: readonly string[]): RootPlan[] {
  const plans: (RootPlan & { id: string })[] = roots.map((given) => {
    try {
      const real = fs.realpathSync(given);
      const st = fs.statSync(real);
      if (!st.isDirectory()) throw new UserError(`cannot scan ${escapeName(given)}: not a directory`);
      return { given, real, countedIn: null, how: null, id: `${st.dev}:${st.ino}` };
    } catch (e) {
      if (e instanceof UserError) throw e;
      throw new UserError(`cannot scan ${escapeName(given)}: ${errnoText((e as NodeJS.ErrnoException).code)}`);
    }
  });
  const inside = (inner: string, outer: string) => {
    const rel = path.relative(outer, inner);
    return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
  };
  for (let k = 0; k < plans.length; k++) {
    const p = plans[k];
    for (let j = 0; j < plans.length && p.countedIn === null; j++) {
      if (j === k) continue;
      const q = plans[j];
      if (j < k && q.countedIn === null && (q.id === p.id || q.real === p.real)) {
        p.countedIn = q.given;
        p.how = 'same';
      } else if (inside(p.real, q.real) && q.id !== p.id) {
        p.countedIn = q.given;
        p.how = 'inside';
      }
    }
  }
  // (an outer root that was itself dropped as the same as an earlier one: name the one scanned)
  for (const p of plans) {
    while (p.countedIn !== null) {
      const q = plans.find((x) => x.given === p.countedIn && x.countedIn !== null);
      if (!q || q === p) break;
      p.countedIn = q.countedIn;
    }
  }
  return plans.map(({ given, real, countedIn, how }) => ({ given, real, countedIn, how }));
}

/** A root scanned: its plan, its tree, the scan's resolved root and whether it was interrupted. */
interface Scanned {
  plan: RootPlan;
  tree: Tree;
  root: string;
  incomplete: boolean;
  elapsedMs: number;
}

/** The grand total's figures: each scanned root's, a file hard-linked into several counted once. */
export interface GrandTotal {
  diskBytes: Bytes;
  apparentBytes: Bytes;
  entries: number;
  files: number;
  dirs: number;
  errors: number;
  /** bytes (disk) of hard-linked files found in more than one root, counted once */
  sharedDiskBytes: Bytes;
}

/**
 * The grand total of several trees (disjoint roots): the sum of their totals, less what a file
 * hard-linked into more than one of them (its dev + ino seen in several trees) adds beyond its
 * first count, as du -s A B counts each inode once.
 */
export function grandTotal(trees: readonly Tree[]): GrandTotal {
  let disk: Bytes = 0;
  let app: Bytes = 0;
  let entries = 0;
  let files = 0;
  let dirs = 0;
  let errors = 0;
  const firstTree = new Map<string, number>();
  let sharedD: Bytes = 0;
  let sharedA: Bytes = 0;
  trees.forEach((t, k) => {
    const s = t.totals();
    disk = addBytes(disk, s.diskBytes);
    app = addBytes(app, s.apparentBytes);
    entries += s.entries;
    files += s.files;
    dirs += s.dirs;
    errors += s.errors;
    if (!s.hardlinks) return;
    const inThis = new Set<string>();
    const n = t.count;
    for (let i = 0; i < n; i++) {
      if (!t.isHardlink(i) || t.removed(i) || t.excluded(i) !== Excluded.None) continue;
      const key = `${t.devOf(i)}:${t.inoOf(i)}`;
      if (inThis.has(key)) continue; // (within a tree the tree counts it once already)
      inThis.add(key);
      const first = firstTree.get(key);
      if (first === undefined) firstTree.set(key, k);
      else {
        sharedD = addBytes(sharedD, t.exactOwnD(i));
        sharedA = addBytes(sharedA, t.exactOwnA(i));
      }
    }
  });
  return {
    diskBytes: subBytes(disk, sharedD),
    apparentBytes: subBytes(app, sharedA),
    entries,
    files,
    dirs,
    errors,
    sharedDiskBytes: sharedD,
  };
}

/** the options of `scan` that several roots need (see ScanArgs) */
export interface RootsArgs {
  path?: string;
  more?: string[];
  json?: boolean;
  bytes?: boolean;
  apparent?: boolean;
  top: number;
  sample?: boolean;
  store?: string;
  remote?: string;
  output?: string;
  save?: boolean;
  file?: string;
}

/**
 * The roots given: PATH and the words after it (yargs' `more`), or [] when there is only one.
 * Several roots with -o (an export has one root), --save, --file or --remote: UserError, exit 2.
 */
export function severalRoots(a: RootsArgs): string[] {
  const more = a.more === undefined ? [] : Array.isArray(a.more) ? a.more : [a.more];
  if (!more.length) return [];
  const roots = [a.path ?? '.', ...more.map(String)];
  if (a.file !== undefined) throw new UserError('give either PATH or --file, not both', 2);
  if (a.output !== undefined) throw new UserError(`-o writes an export of one root; ${roots.length} were given`, 2);
  if (a.save) throw new UserError(`--save saves a snapshot of one root; ${roots.length} were given`, 2);
  if (a.remote !== undefined) throw new UserError('--remote scans one root; give one PATH', 2);
  return roots;
}

/**
 * `scan A B ...`: each root scanned in turn (a Ctrl-C stops there: what was scanned is shown,
 * marked incomplete, exit 130), then printed: `summaryLines(tree, root, incomplete, elapsedMs)` gives
 * one root's summary text line by line, `summaryJson` its JSON (scan.ts's own), followed by the
 * roots' table and the grand total; streamed to stdout as it is made (cli/output.ts).
 */
export async function scanRoots<A extends RootsArgs>(
  a: A,
  roots: string[],
  summaryLines: (tree: Tree, root: string, incomplete: boolean, elapsedMs: number) => Iterable<string>,
  summaryJson: (tree: Tree, root: string, incomplete: boolean, elapsedMs: number) => object,
): Promise<number> {
  const plans = planRoots(roots);
  const started = performance.now();
  return withPlace(a, async (place) => {
    const done: Scanned[] = [];
    let incomplete = false;
    for (const plan of plans) {
      if (plan.countedIn !== null) continue;
      const t0 = performance.now();
      const tree = treeFor(place, plan.real);
      const r = await runScan(place, { ...a, path: plan.given }, tree, `scanning ${plan.given}`);
      done.push({ plan, tree, root: r.root, incomplete: r.incomplete, elapsedMs: performance.now() - t0 });
      if (!r.incomplete) await recordScanSample(place, plan.given, errLine, a.store, a.sample);
      if (r.incomplete) {
        incomplete = true;
        break;
      }
    }
    const g = grandTotal(done.map((d) => d.tree));
    const elapsedMs = performance.now() - started;
    const skipped = plans.filter((p) => p.countedIn !== null);
    if (a.json) {
      outJson({
        roots: done.map((d) => summaryJson(d.tree, d.root, d.incomplete, d.elapsedMs)),
        countedElsewhere: skipped.map((p) => ({ ...jsonName(Buffer.from(p.given)), countedIn: p.countedIn, how: p.how })),
        total: { ...g, roots: done.length, incomplete, elapsedMs: Math.round(elapsedMs) },
      });
    } else {
      const exact = !!a.bytes;
      // each root's summary (its lines, then an empty one), the roots' table; streamed as made
      const lines = function* (): Generator<string> {
        for (const d of done) {
          yield* summaryLines(d.tree, d.root, d.incomplete, d.elapsedMs);
          yield '';
        }
        const by = a.apparent ? 'apparent size' : 'disk usage';
        yield `Roots (by ${by})`;
        const w = exact ? 14 : 10;
        for (const d of done) {
          const s = summarize(d.tree, 0, a.apparent);
          yield `  ${size(a.apparent ? s.apparentBytes : s.diskBytes, exact).padStart(w)}  ${escapeName(d.root)}${d.incomplete ? '  INCOMPLETE: interrupted' : ''}`;
        }
        for (const p of skipped) yield `  ${''.padStart(w)}  ${escapeName(p.given)}  (${p.how === 'same' ? 'the same directory as' : 'inside'} ${escapeName(p.countedIn!)}: counted there)`;
        const shared = g.sharedDiskBytes !== 0 ? `; ${size(g.sharedDiskBytes, exact)} of files hard-linked into several roots counted once` : '';
        yield `  ${size(a.apparent ? g.apparentBytes : g.diskBytes, exact).padStart(w)}  total of ${count(done.length)} root${done.length === 1 ? '' : 's'}, ${count(g.entries)} entries in ${duration(elapsedMs)}${shared}${incomplete ? '  INCOMPLETE: interrupted' : ''}`;
      };
      outLines(lines());
    }
    return incomplete ? 130 : 0;
  });
}
