/**
 * `diskblame diff [A] [B]`: what changed between two snapshots (files: ours, ncdu or gdu exports,
 * snapshot ids once the store is connected) or a snapshot and `live` (a new scan of its root).
 * Only wiring: A is read into the compact tree, B is streamed through the diff sink (src/diff/),
 * so only one tree is ever in memory (two with --browse, which needs both for the Changes view).
 */
import fs from 'node:fs';
import os from 'node:os';
import type { Argv } from 'yargs';
import { Sink, SourceInfo, TeeSink } from '../../model/entry.js';
import { importExport, ImportError } from '../../import/ncdu-reader.js';
import { Scanner } from '../../scan/scanner.js';
import { Tree } from '../../tree/tree.js';
import { DiffResult, DiffSink } from '../../diff/diff.js';
import { diffJson, diffLines } from '../../diff/report.js';
import { readInWorker } from '../../diff/parse-worker.js';
import { KindMatcher, loadRules } from '../../owners/kinds.js';
import { loadPackageMap, PackageMap } from '../../owners/packages.js';
import { loadUserNames } from '../../owners/users.js';
import { UserError } from '../../util/errors.js';
import { escapeName } from '../../util/escape.js';
import { notRegularText, readableInput } from '../../util/input.js';
import { Progress } from '../progress.js';
import { progressOption } from './scan-flags.js';
import { errLine, outJson, outLines } from '../output.js';
import { checkRoot } from '../../app/check.js';
import { importUI } from '../../app/ui.js';
import { loadExport } from '../../app/scan.js';
import { storeDir } from '../../store/store.js';
import { hostSnapshots, resolveSnapshot, snapshotsDir } from '../../store/snapshots.js';
import { bundled, selfURL } from '../../util/self.js';

export interface DiffArgs {
  before?: string;
  after?: string;
  store?: string;
  json?: boolean;
  top: number;
  bytes?: boolean;
  browse?: boolean;
  rules?: string;
  progress?: boolean;
  host?: string;
}

export function diffOptions<T>(y: Argv<T>) {
  return y
    .positional('before', { type: 'string', describe: 'before: a snapshot id (or prefix) or file (ours, ncdu or gdu export; .gz ok); default: the older of the two newest snapshots of one root' })
    .positional('after', { type: 'string', describe: 'after: a snapshot id or file, or live (scan the before side\'s root now); default: the newest snapshot, or live' })
    .option('store', { type: 'string', describe: 'snapshot store directory (default $DISKBLAME_STORE, else $XDG_STATE_HOME/diskblame)' })
    .option('json', { type: 'boolean', describe: 'print the comparison as JSON' })
    .option('top', { type: 'number', default: 10, describe: 'how many directories and files to list in each group' })
    .option('bytes', { alias: 'b', type: 'boolean', describe: 'exact byte counts instead of KiB/MiB/GiB' })
    .option('browse', { type: 'boolean', describe: 'open the Changes view (the tree sorted by growth) instead of printing' })
    .option('rules', { type: 'string', describe: 'kinds-of-data rules file (default ~/.config/diskblame/rules.json when present)' })
    .option('host', { type: 'string', describe: "without A and B: compare the snapshots of host NAME (taken with snapshot --remote; default: this host's)" })
    .option('progress', progressOption);
}

/** One side of a comparison, as named on the command line. */
export type Side = { kind: 'file'; path: string } | { kind: 'live' };


/**
 * What a command-line argument names: `live`, `-` (stdin), a file (ours, ncdu's or gdu's export;
 * a pipe such as `<(zcat x.gz)` too), or a snapshot in the store by id or unambiguous id prefix.
 * A path that exists is a path: a directory or a device (/dev/null) is "not a regular file".
 */
export function resolveSide(arg: string, store: string | undefined): Side {
  if (arg === 'live') return { kind: 'live' };
  if (arg === '-') return { kind: 'file', path: arg };
  let st: fs.Stats | undefined;
  try {
    st = fs.statSync(arg);
  } catch {
    /* not a file: an id */
  }
  if (st) {
    if (!readableInput(st)) throw new UserError(`${escapeName(arg)}: ${notRegularText(st)}`);
    return { kind: 'file', path: arg };
  }
  if (arg.includes('/')) throw new UserError(`${escapeName(arg)}: no such file (give a snapshot id or file, an ncdu or gdu export, or live)`, 1);
  return { kind: 'file', path: resolveSnapshot(storeDir(store), arg).file };
}

/**
 * The sides when A or B are omitted. `diff A`: A against a live scan of its root. `diff`: the two
 * newest snapshots of one root taken on this host (the newest snapshot's root), or that newest
 * snapshot and `live` when it is the only one of its root.
 */
function defaultSides(a: DiffArgs): [Side, Side] {
  if (a.before !== undefined) return [resolveSide(a.before, a.store), { kind: 'live' }];
  const store = storeDir(a.store);
  const other = a.host !== undefined && a.host !== os.hostname();
  const { snapshots: mine, bad } = other ? hostSnapshots(store, a.host) : hostSnapshots(store);
  for (const x of bad) errLine(`skipped ${escapeName(x.file)}: ${x.error}`);
  const whose = other ? `of host ${escapeName(a.host!)}` : 'of this host';
  if (!mine.length) throw new UserError(`no snapshots ${whose} in ${snapshotsDir(store)}: give the two sides (diskblame diff A B), or take one with diskblame snapshot PATH`, 1);
  const newest = mine[0];
  const older = mine.find((x) => x !== newest && x.root === newest.root);
  // a live scan is of this host: another host's single snapshot has nothing to compare with here
  if (!older && other) throw new UserError(`one snapshot of ${escapeName(newest.root)} ${whose}: take another (diskblame snapshot --remote ${escapeName(a.host!)} ${escapeName(newest.root)}) or give the two sides`, 1);
  if (!older) return [{ kind: 'file', path: newest.file }, { kind: 'live' }];
  return [{ kind: 'file', path: older.file }, { kind: 'file', path: newest.file }];
}

/** a side's time: the snapshot's (x_snapshot.time), else the export's timestamp (unix seconds, 0: unknown) */
export function sideTime(info: SourceInfo | null | undefined): number {
  const snap = info?.meta?.x_snapshot as { time?: unknown } | undefined;
  if (snap && typeof snap.time === 'string') {
    const t = Date.parse(snap.time);
    if (Number.isFinite(t)) return Math.floor(t / 1000);
  }
  return info?.timestamp ?? 0;
}

function label(s: Side): string {
  return s.kind === 'live' ? 'live' : s.path === '-' ? 'stdin' : s.path;
}

/** an ImportError names the file it is about */
async function reading<T>(s: Side, f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (e) {
    if (e instanceof ImportError && !e.message.includes(label(s))) throw new UserError(`${label(s)}: ${e.message}`);
    throw e;
  }
}

export async function diffCommand(a: DiffArgs): Promise<number> {
  if (!Number.isInteger(a.top) || a.top < 0) throw new UserError(`--top wants a whole number >= 0, not ${a.top}`, 2);
  if (a.browse && a.json) throw new UserError('give either --browse or --json, not both', 2);
  if (a.browse && !(process.stdout.isTTY && process.stdin.isTTY)) throw new UserError('--browse needs a terminal', 2);
  let sides: [Side, Side];
  if (a.before === undefined && a.after !== undefined) throw new UserError('give the before side too: diskblame diff A B', 2);
  if (a.host !== undefined && a.before !== undefined) throw new UserError('--host picks the two sides: give it without A and B', 2);
  if (a.before !== undefined && a.after !== undefined) sides = [resolveSide(a.before, a.store), resolveSide(a.after, a.store)];
  else sides = defaultSides(a);
  const [sa, sb] = sides;
  if (sa.kind === 'live') throw new UserError('live can only be the second (after) side: diskblame diff SNAPSHOT live', 2);
  if (sa.kind === 'file' && sb.kind === 'file' && sa.path === '-' && sb.path === '-') throw new UserError('only one side can be stdin', 2);
  const showProgress = a.progress !== false && process.stderr.isTTY === true;

  // B is read in a worker thread while A loads here (two cores for the two parses), except from
  // stdin and for the Changes view (it needs B's whole tree); only when a core is free: on a busy
  // machine the second thread only adds its own cost. DISKBLAME_DIFF_THREADS=1 or 2 forces either.
  const script = bundled() || process.argv[1] ? selfURL() : null; // the bundle, the binary's data: URL, or main.js
  const threads = process.env.DISKBLAME_DIFF_THREADS;
  const cores = os.availableParallelism();
  const spare = threads === '2' || (threads !== '1' && cores >= 2 && os.loadavg()[0] <= cores - 1);
  const parallel = sb.kind === 'file' && sb.path !== '-' && !a.browse && !!script && spare;
  const early = parallel && sb.kind === 'file' ? readInWorker(script, sb.path, label(sb)) : null;
  let treeA: Tree;
  try {
    treeA = await reading(sa, () => loadExport(sa.path, showProgress, label(sa)));
    if (treeA.count === 0 || !treeA.isDir(0)) throw new UserError(`${label(sa)}: the export holds no directory tree`);
  } catch (e) {
    early?.stop();
    throw e;
  }
  const rootA = Buffer.from(treeA.nameOf(0));

  const kinds = new KindMatcher(loadRules(a.rules));
  let packages: PackageMap | null | undefined;
  const packageOf = (p: string): string | undefined => {
    // only paths where packages install files: loading the lists costs ~100 ms
    if (!/^\/(usr|opt|etc|bin|sbin|lib|lib32|lib64|libx32|var\/lib)\//.test(p)) return undefined;
    if (packages === undefined) packages = loadPackageMap();
    return packages?.get(p);
  };
  const sink = new DiffSink(treeA, { top: a.top, kinds, packageOf, keepDeltas: !!a.browse });
  const treeB = a.browse ? new Tree() : null;
  const target: Sink = treeB ? new TeeSink([sink, treeB]) : sink;

  let infoB: SourceInfo;
  let incomplete = false;
  if (sb.kind === 'live') {
    const root = rootA.toString('utf8');
    if (!Buffer.from(root, 'utf8').equals(rootA)) throw new UserError(`cannot scan ${escapeName(rootA)} live: the path is not valid UTF-8`);
    checkRoot(root);
    const scanner = new Scanner(root, target, {});
    let finished: SourceInfo | null = null;
    const progress = new Progress('scanning', sink, showProgress);
    const onInt = () => scanner.abort();
    process.once('SIGINT', onInt);
    try {
      const r = await scanner.run();
      incomplete = r.incomplete;
    } finally {
      process.removeListener('SIGINT', onInt);
      progress.stop();
    }
    finished = { timestamp: Math.floor(Date.now() / 1000), producer: 'scan', incomplete };
    infoB = finished;
  } else {
    const progress = new Progress('comparing', sink, showProgress);
    try {
      infoB = await reading(sb, () => (early ? early.start(target) : importExport(sb.path, target, { label: label(sb) })));
    } finally {
      progress.stop();
    }
    incomplete = infoB.incomplete;
  }
  const r = sink.result({ time: sideTime(treeA.info) }, { time: sideTime(infoB) });
  const labels = { before: label(sa), after: sb.kind === 'live' ? 'live scan' : label(sb) };
  const users = loadUserNames();

  if (a.browse && treeB) {
    const arrays = sink.deltaArrays()!;
    const { runUI } = await importUI();
    return runUI({
      tree: treeB,
      root: Buffer.from(treeB.nameOf(0)).toString('utf8'),
      scanOptions: {},
      readOnly: true,
      changes: { before: treeA, after: treeB, ...arrays, labels },
    });
  }
  // (streamed: with --top in the millions the diff is hundreds of megabytes)
  if (a.json) outJson(diffJson(r, labels, users));
  else outLines(diffLines(r, labels, { exact: !!a.bytes, users, width: textWidth() }));
  return incomplete ? 130 : 0;
}

export type { DiffResult };

/**
 * The diff's text width in columns: on a terminal, the terminal's (at least 40); piped, no limit,
 * whatever $COLUMNS says (paths and ids stay whole, to be copied, grepped or pasted in a ticket).
 */
function textWidth(): number {
  return process.stdout.isTTY ? Math.max(40, process.stdout.columns || 80) : Infinity;
}
