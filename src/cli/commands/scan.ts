/**
 * `diskblame scan [PATH]`: scan (or read an export with -f), print a summary or JSON, or export
 * in ncdu's format with -o. Only wiring: the work is in scan/, import/, tree/, export/, report/.
 */
import fs from 'node:fs';
import type { Argv } from 'yargs';
import { TeeSink, Sink } from '../../model/entry.js';
import { Scanner, ScanResult } from '../../scan/scanner.js';
import { estimateEntries } from '../../scan/estimate.js';
import { importExport } from '../../import/ncdu-reader.js';
import { NcduWriter } from '../../export/ncdu-writer.js';
import { isStdoutName } from '../../util/write.js';
import { Tree, TreeTotals } from '../../tree/tree.js';
import { summarize, Summary, TopItem } from '../../report/summary.js';
import { TotalsSink } from '../../report/totals.js';
import { escapeName, jsonName, terminalText } from '../../util/escape.js';
import { count, duration, pct, size } from '../../util/format.js';
import { errnoText, UserError } from '../../util/errors.js';
import { checkInputFile } from '../../util/input.js';
import { Progress } from '../progress.js';
import { Saved, saveScanned, savedText, snapshotJson } from './snapshot.js';
import { ensureDir, storeDir } from '../../store/store.js';
import { SNAPSHOTS_SUBDIR } from '../../store/snapshots.js';
import { errLine, out, outText } from '../output.js';
import { recordScanSample } from './sample.js';
import { stringifyExact } from '../../util/exact.js';

export interface ScanArgs {
  'read-only'?: boolean;
  ui?: boolean;
  path?: string;
  file?: string;
  output?: string;
  json?: boolean;
  top: number;
  bytes?: boolean;
  apparent?: boolean;
  exclude?: string[];
  'cross-mounts'?: boolean;
  threads?: number;
  progress?: boolean;
  sample?: boolean;
  /** scan only: save the scan as a snapshot in the store */
  save?: boolean;
  store?: string;
}

export function scanOptions<T>(y: Argv<T>) {
  return y
    .positional('path', { type: 'string', describe: 'directory to scan (default: the current directory)' })
    .option('file', { alias: 'f', type: 'string', describe: 'read an export (ncdu 1.x/2.x JSON, gdu JSON, ours; - for stdin; .gz ok) instead of scanning' })
    .option('output', { alias: 'o', type: 'string', describe: 'write an ncdu-format export (- or /dev/stdout for stdout; a .gz name writes gzip; a device or FIFO is written in place, a link through)' })
    .option('json', { type: 'boolean', describe: 'print the summary as JSON' })
    .option('top', { type: 'number', default: 10, describe: 'how many of the largest directories and files to list' })
    .option('bytes', { alias: 'b', type: 'boolean', describe: 'exact byte counts instead of KiB/MiB/GiB' })
    .option('apparent', { alias: 'a', type: 'boolean', describe: 'rank by apparent size instead of disk usage' })
    .option('exclude', { type: 'string', array: true, describe: 'skip names or paths matching GLOB (repeatable)' })
    .option('cross-mounts', { type: 'boolean', default: false, describe: 'cross into other filesystems (default: stay on the one of PATH, like du -x)' })
    .option('threads', { type: 'number', describe: 'scanning threads (default: cores, at most 4)' })
    .option('progress', { type: 'boolean', default: true, describe: 'show progress on stderr when it is a terminal (--no-progress: never)' })
    .option('sample', { type: 'boolean', default: true, describe: "record a usage sample of the scanned volume in the store, for `diskblame forecast` (--no-sample: don't)" });
}

/** The default command's extra options: the interactive browser. */
export function browseOptions<T>(y: Argv<T>) {
  return scanOptions(y)
    .option('read-only', { alias: 'r', type: 'boolean', describe: 'browser: disable deleting' })
    .option('ui', { type: 'boolean', default: true, describe: 'open the interactive browser on a terminal (--no-ui: print the summary)' });
}

/** `diskblame [PATH]` / `diskblame -f FILE`: the browser on a terminal, else the summary. */
export async function browseCommand(a: ScanArgs): Promise<number> {
  validate(a);
  const tty = process.stdout.isTTY === true && process.stdin.isTTY === true;
  if (!tty || a.ui === false || a.json || a.output !== undefined) return scanCommand(a);
  const { runUI } = await importUI();
  const scanOptions = { exclude: a.exclude, crossMounts: a['cross-mounts'], threads: a.threads };
  if (a.file !== undefined) {
    const tree = await readExport(a);
    return runUI({ tree, root: Buffer.from(tree.nameOf(0)).toString('utf8'), scanOptions, readOnly: true });
  }
  const root = a.path ?? '.';
  checkRoot(root); // a bad root is one line on the normal screen, before the browser takes it over
  if (a.sample !== false) recordScanSample(root);
  return runUI({ tree: null, root, scanOptions, readOnly: !!a['read-only'] });
}

/**
 * Load the UI. Ink decides once, when it is loaded, whether it runs "in CI" (the CI or
 * CONTINUOUS_INTEGRATION variables) and then draws nothing until the end, to keep CI logs short.
 * We only get here with a terminal on stdin and stdout, where that guess is wrong: hide the
 * variables while Ink loads, then put them back.
 */
export async function importUI(): Promise<typeof import('../../ui/run.js')> {
  // React's development build logs every render with a deep diff of its props (the whole tree
  // here): seconds per frame and a growing heap on a real terminal. Production unless asked.
  const env = process.env; // (not process.env.NODE_ENV: the bundle defines that one as a constant)
  env.NODE_ENV ??= 'production';
  const saved: Record<string, string | undefined> = {};
  for (const k of ['CI', 'CONTINUOUS_INTEGRATION']) {
    saved[k] = process.env[k];
    delete process.env[k];
  }
  try {
    return await import('../../ui/run.js');
  } finally {
    for (const [k, v] of Object.entries(saved)) if (v !== undefined) process.env[k] = v;
  }
}

/** Read the export named by --file into a tree, with progress on a terminal. */
async function readExport(a: ScanArgs): Promise<Tree> {
  return loadExport(a.file!, a.progress !== false && process.stderr.isTTY === true);
}

/** Read an export (a file, '-' for stdin) into a tree, with progress on stderr when `progress`. */
export async function loadExport(file: string, progress: boolean, label = file): Promise<Tree> {
  const tree = new Tree();
  const totals = new TotalsSink();
  const p = new Progress('reading', totals, progress);
  try {
    await importExport(file, new TeeSink([tree, totals]), { label });
  } finally {
    p.stop();
  }
  return tree;
}

export function checkRoot(root: string): void {
  let st: fs.Stats;
  try {
    st = fs.statSync(root);
    fs.accessSync(root, fs.constants.R_OK | fs.constants.X_OK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UserError(`cannot scan ${escapeName(root)}: ${errnoText(code)}`);
  }
  if (!st.isDirectory()) throw new UserError(`cannot scan ${escapeName(root)}: not a directory`);
}

function validate(a: ScanArgs): void {
  if (a.file !== undefined && a.path !== undefined) throw new UserError('give either PATH or --file, not both', 2);
  if (!Number.isInteger(a.top) || a.top < 0) throw new UserError(`--top wants a whole number >= 0, not ${a.top}`, 2);
  if (a.threads !== undefined && (!Number.isInteger(a.threads) || a.threads < 1 || a.threads > 16))
    throw new UserError(`--threads wants a whole number from 1 to 16, not ${a.threads}`, 2);
  if (a.file !== undefined && (a.exclude?.length || a['cross-mounts']))
    throw new UserError('--exclude and --cross-mounts apply to scans, not to --file', 2);
  if (a.save && (a.file !== undefined || a.output !== undefined)) throw new UserError('--save applies to scans, not to --file or -o', 2);
  if (a.store !== undefined && !a.save) throw new UserError('--store goes with --save', 2);
  if (a.file !== undefined) checkInputFile(a.file);
}

export type ScanRunArgs = Pick<ScanArgs, 'path' | 'exclude' | 'cross-mounts' | 'threads' | 'progress'>;

/** Run a scan into `sink`, with progress on a terminal and Ctrl-C ending it early (partial result). */
export async function runScan(a: ScanRunArgs, sink: Sink | Tree): Promise<ScanResult> {
  const scanner = new Scanner(a.path ?? '.', sink, {
    exclude: a.exclude,
    crossMounts: a['cross-mounts'],
    threads: a.threads,
  });
  const progress = new Progress('scanning', scanner, a.progress !== false && process.stderr.isTTY === true);
  const onInt = () => scanner.abort();
  process.once('SIGINT', onInt);
  try {
    return await scanner.run();
  } finally {
    process.removeListener('SIGINT', onInt);
    progress.stop();
  }
}

export async function scanCommand(a: ScanArgs): Promise<number> {
  validate(a);
  const started = performance.now();
  if (a.output !== undefined) return exportCommand(a, started);

  // build the tree, then summarize it
  let tree: Tree;
  let root: string;
  let incomplete = false;
  let saved: Saved | undefined;
  if (a.file !== undefined) {
    tree = await readExport(a);
    root = Buffer.from(tree.nameOf(0)).toString('utf8');
    incomplete = tree.info?.incomplete ?? false;
  } else {
    if (a.save) ensureDir(storeDir(a.store), SNAPSHOTS_SUBDIR); // fail before a long scan, not after
    const when = new Date();
    tree = new Tree(estimateEntries(a.path ?? '.'));
    const r = await runScan(a, tree);
    root = r.root;
    incomplete = r.incomplete;
    if (a.save && incomplete) errLine('interrupted: no snapshot saved');
    else if (a.save) saved = await saveScanned(tree, root, when, storeDir(a.store), a.progress !== false && process.stderr.isTTY === true);
    if (a.sample !== false && !saved) recordScanSample(a.path ?? '.'); // a snapshot records its own
  }
  const s = summarize(tree, a.top, a.apparent);
  const elapsedMs = performance.now() - started;
  if (a.json) {
    const j = summaryJson(tree, root, s, incomplete, elapsedMs, a.file);
    out(stringifyExact(saved ? { ...j, snapshot: { ...snapshotJson(saved.meta), fileBytes: saved.fileBytes, notes: saved.notes } } : j, 2) + '\n');
  } else {
    for (const n of saved?.notes ?? []) errLine(`note: ${n}`);
    outText(summaryText(tree, root, s, incomplete, elapsedMs, a) + (saved ? '\n' + savedText(saved, !!a.bytes) : ''));
  }
  return incomplete ? 130 : 0;
}

/** -o: stream the export (no tree in memory), print only totals. */
async function exportCommand(a: ScanArgs, started: number): Promise<number> {
  const writer = new NcduWriter(a.output!, {});
  const totals = new TotalsSink();
  const sink = new TeeSink([writer, totals]);
  let incomplete = false;
  let root: string;
  try {
    if (a.file !== undefined) {
      const progress = new Progress('converting', totals, a.progress !== false && process.stderr.isTTY === true);
      try {
        await importExport(a.file, sink, { label: a.file });
      } finally {
        progress.stop();
      }
      root = totals.root;
    } else {
      const r = await runScan(a, sink);
      root = r.root;
      incomplete = r.incomplete;
      if (a.sample !== false) recordScanSample(a.path ?? '.');
    }
  } catch (e) {
    writer.abort();
    throw e;
  }
  const t = totals.t;
  const elapsedMs = performance.now() - started;
  if (a.json) {
    const j = { ...totalsJson(root, t, incomplete, elapsedMs), output: a.output };
    if (isStdoutName(a.output!)) process.stderr.write(stringifyExact(j) + '\n');
    else out(stringifyExact(j, 2) + '\n');
  } else if (!isStdoutName(a.output!) && process.stderr.isTTY) {
    process.stderr.write(
      terminalText(`wrote ${escapeName(a.output!)}: ${count(t.entries)} entries, ${size(t.diskBytes, a.bytes)} on disk${incomplete ? ' (incomplete: interrupted)' : ''}`) + '\n',
    );
  }
  return incomplete ? 130 : 0;
}

function totalsJson(root: string, t: TreeTotals, incomplete: boolean, elapsedMs: number) {
  return {
    root,
    entries: t.entries,
    files: t.files,
    dirs: t.dirs,
    symlinks: t.symlinks,
    others: t.others,
    hardlinks: t.hardlinks,
    apparentBytes: t.apparentBytes,
    diskBytes: t.diskBytes,
    errors: t.errors,
    excluded: t.excluded,
    incomplete,
    elapsedMs: Math.round(elapsedMs),
  };
}

function summaryJson(tree: Tree, root: string, s: Summary, incomplete: boolean, elapsedMs: number, file?: string) {
  const item = (x: TopItem) => ({
    ...jsonName(tree.pathOf(x.index)),
    diskBytes: x.diskBytes,
    apparentBytes: x.apparentBytes,
    ...(tree.isDir(x.index) ? { items: x.items } : {}),
  });
  return {
    ...totalsJson(root, s, incomplete, elapsedMs),
    ...(file !== undefined ? { source: file, producer: tree.info?.producer } : {}),
    topDirs: s.topDirs.map(item),
    topFiles: s.topFiles.map(item),
  };
}

function summaryText(tree: Tree, root: string, s: Summary, incomplete: boolean, elapsedMs: number, a: ScanArgs): string {
  const L: string[] = [];
  const exact = !!a.bytes;
  const from = a.file !== undefined ? `read from ${escapeName(a.file)}${tree.info?.producer ? ` (${tree.info.producer})` : ''}` : `scanned in ${duration(elapsedMs)}`;
  L.push(`${escapeName(root)}  (${from})${incomplete ? '  INCOMPLETE: interrupted' : ''}`);
  L.push('');
  L.push(`  Disk usage     ${size(s.diskBytes, exact)}${exact ? '' : `  (${count(s.diskBytes)} bytes)`}`);
  L.push(`  Apparent size  ${size(s.apparentBytes, exact)}${exact ? '' : `  (${count(s.apparentBytes)} bytes)`}`);
  const kinds = [`${count(s.files)} files`, `${count(s.dirs)} directories`];
  if (s.symlinks) kinds.push(`${count(s.symlinks)} symlinks`);
  if (s.others) kinds.push(`${count(s.others)} other`);
  if (s.excluded) kinds.push(`${count(s.excluded)} excluded`);
  L.push(`  Entries        ${count(s.entries)}  (${kinds.join(', ')})`);
  if (s.hardlinks) L.push(`  Hard links     ${count(s.hardlinks)} (each inode counted once)`);
  L.push(`  Errors         ${count(s.errors)}${s.errors ? ' (unreadable directories or entries that vanished)' : ''}`);
  if (s.excluded) L.push(`  Excluded       ${count(s.excluded)} (other filesystems, kernel filesystems or --exclude)`);
  const total = a.apparent ? s.apparentBytes : s.diskBytes;
  const by = a.apparent ? 'apparent size' : 'disk usage';
  const list = (title: string, items: TopItem[]) => {
    if (!items.length) return;
    L.push('');
    L.push(`${title} (by ${by})`);
    for (const x of items) {
      const v = a.apparent ? x.apparentBytes : x.diskBytes;
      L.push(`  ${size(v, exact).padStart(exact ? 14 : 10)}  ${pct(v, total)}  ${escapeName(tree.pathOf(x.index))}`);
    }
  };
  list('Largest directories', s.topDirs);
  list('Largest files', s.topFiles);
  return L.join('\n') + '\n';
}
