/**
 * What the browser's `i` panel costs to say a scanned file's kind (app/kind-info.ts), both ways it
 * could: the whole tree classified as `owners` does (package lists, package files, the kinds with
 * their header reads; then cached per tree version) against whyKind on the one path (its
 * ancestors' entries and the package lists). Standalone, on a tree of the caller's choosing:
 *
 *   node --import tsx bench/kind-info-cost.ts [ROOT] [--files N]
 *
 * ROOT defaults to the bench's real-shaped copy of /usr (bench/realtree.ts: about 1M entries,
 * built first when missing). Prints milliseconds; whyKind is timed on N files (default 200) taken
 * at even steps of the tree, on the file of its largest directory and on its deepest sampled file,
 * and each answer is compared with the whole pass's.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Tree } from '../src/tree/tree.js';
import { Scanner } from '../src/scan/scanner.js';
import { EntryType } from '../src/model/entry.js';
import { classifyKinds, loadRules } from '../src/owners/kinds.js';
import { attributePackages, loadPackageMap } from '../src/owners/packages.js';
import { whyKind } from '../src/app/why.js';
import { defaultDest, ensureRealTree } from './realtree.js';

export interface KindInfoCost {
  root: string;
  entries: number;
  /** the whole pass: package lists loaded, package files marked, kinds classified (headers read) */
  whole: { listsMs: number; ownedMs: number; kindsMs: number; headersRead: number };
  /** whyKind: the first call (it loads the package lists), then per file */
  why: { firstMs: number; biggestDir: { entries: number; ms: number }; medianMs: number; p90Ms: number; maxMs: number; files: number; disagree: number };
}

export async function measureKindInfo(root: string, files = 200): Promise<KindInfoCost> {
  const tree = new Tree();
  await new Scanner(root, tree, {}).run();
  const t0 = performance.now();
  const map = loadPackageMap();
  const t1 = performance.now();
  const owned = new Uint8Array(tree.count);
  attributePackages(tree, map, { owned });
  const t2 = performance.now();
  const rules = loadRules();
  const k = classifyKinds(tree, rules, { owned, top: 0 });
  const t3 = performance.now();
  const sample: number[] = [];
  const step = Math.max(1, Math.floor(tree.count / (files * 4)));
  for (let i = 0; i < tree.count && sample.length < files; i += step) if (tree.type(i) === EntryType.File && !tree.excluded(i)) sample.push(i);
  let big = 0;
  for (let i = 0; i < tree.count; i++) if (tree.isDir(i) && tree.children(i).length > tree.children(big).length) big = i;
  const inBig = tree.children(big).find((c) => tree.type(c) === EntryType.File);
  const time = (i: number) => {
    const s = performance.now();
    const w = whyKind(tree.pathOf(i));
    return { ms: performance.now() - s, same: w.reason === k.why(i) };
  };
  const first = time(sample[0]);
  const bigMs = inBig === undefined ? 0 : time(inBig).ms;
  const runs = sample.map(time);
  const ms = runs.map((r) => r.ms).sort((a, b) => a - b);
  return {
    root,
    entries: tree.count,
    whole: { listsMs: t1 - t0, ownedMs: t2 - t1, kindsMs: t3 - t2, headersRead: k.trust.headersRead },
    why: {
      firstMs: first.ms,
      biggestDir: { entries: tree.children(big).length, ms: bigMs },
      medianMs: ms[ms.length >> 1] ?? 0,
      p90Ms: ms[Math.floor(ms.length * 0.9)] ?? 0,
      maxMs: ms[ms.length - 1] ?? 0,
      files: ms.length,
      disagree: runs.filter((r) => !r.same).length,
    },
  };
}

// standalone: node --import tsx bench/kind-info-cost.ts [ROOT] [--files N]
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const at = args.indexOf('--files');
  const files = at >= 0 ? Number(args[at + 1]) : 200;
  const given = args.find((a, k) => !a.startsWith('--') && args[k - 1] !== '--files');
  const root = given ?? ensureRealTree({ shape: '/usr', dest: defaultDest('/usr'), entries: 1_000_000, linkEvery: 250 }).dest;
  measureKindInfo(root, files).then(
    (r) => {
      const f = (x: number) => x.toFixed(1);
      const w = r.whole;
      process.stdout.write(
        `${r.root}: ${r.entries} entries\n` +
          `whole tree once per version: package lists ${f(w.listsMs)} ms, package files ${f(w.ownedMs)} ms, kinds ${f(w.kindsMs)} ms (${w.headersRead} headers read): ${f(w.listsMs + w.ownedMs + w.kindsMs)} ms\n` +
          `whyKind per file: first ${f(r.why.firstMs)} ms (package lists), in the largest directory (${r.why.biggestDir.entries} entries) ${f(r.why.biggestDir.ms)} ms, ` +
          `${r.why.files} files: median ${f(r.why.medianMs)} ms, p90 ${f(r.why.p90Ms)} ms, max ${f(r.why.maxMs)} ms; ${r.why.disagree} answers unlike the whole pass's\n`,
      );
    },
    (e: Error) => {
      process.stderr.write(`kind-info-cost: ${e.message}\n`);
      process.exit(1);
    },
  );
}
