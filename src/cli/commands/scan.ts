/**
 * `diskblame scan [PATH]`: scan (or read an export with -f), print a summary or JSON, or export
 * in ncdu's format with -o. Only wiring: the work is in scan/, import/, tree/, export/, report/.
 */
import fs from 'node:fs';
import tty from 'node:tty';
import type { Argv } from 'yargs';
import { TeeSink } from '../../model/entry.js';
import { isStdoutName } from '../../util/write.js';
import { Tree, TreeTotals } from '../../tree/tree.js';
import { summarize, Summary, TopItem, UNREADABLE_LISTED } from '../../report/summary.js';
import { TotalsSink } from '../../report/totals.js';
import { escapeName, jsonName, terminalText } from '../../util/escape.js';
import { count, counted, duration, pct, size } from '../../util/format.js';
import { UserError } from '../../util/errors.js';
import { Progress } from '../progress.js';
import type { Saved } from '../../app/snapshot.js';
import { loadExport, runScan, showProgress, treeFor } from '../../app/scan.js';
import { importUI } from '../../app/ui.js';
import { openPlace, RemoteArgs, withPlace } from '../../app/places.js';
import type { Place } from '../../app/place.js';
import { ensureDir, storeDir } from '../../store/store.js';
import { errLine, outJson, outLines, outText } from '../output.js';
import { recordScanSample } from '../../app/sample.js';
import { stringifyExact } from '../../util/exact.js';
import { remoteOptions } from './remote-options.js';
import { storeOption } from './store-options.js';
import { browserPrefs, COLOR_SCHEMES, colorOn, progressStyle, withConfig } from '../config.js';
import { ALL_SCAN_FLAGS, applyScanFlags, checkFileSource, ScanFlagArgs, scanFlagOptions } from './scan-flags.js';

/** how many unreadable entries the text summary names (the rest: --json, or the browser's ! marks) */
const UNREADABLE_SHOWN = 5;

export interface ScanArgs extends RemoteArgs, ScanFlagArgs {
  'read-only'?: boolean;
  ui?: boolean;
  path?: string;
  /** the roots after PATH (`scan /var /home`) */
  more?: string[];
  file?: string;
  output?: string;
  json?: boolean;
  top: number;
  bytes?: boolean;
  apparent?: boolean;
  sample?: boolean;
  /** scan only: save the scan as a snapshot in the store */
  save?: boolean;
  store?: string;
  /** the browser's colours: off, dark, dark-bg */
  color?: string;
}

export function scanOptions<T>(y: Argv<T>) {
  return scanFlagOptions(remoteOptions(y), ALL_SCAN_FLAGS, (o) =>
    o
      .positional('path', { type: 'string', describe: 'directory to scan (default: the current directory; the browser with no PATH: the volumes view)' })
      .positional('more', { type: 'string', array: true, describe: 'more directories: each root summarized, then a grand total (each directory counted once, as du -s A B)' })
      .option('file', { alias: 'f', type: 'string', describe: 'read an export (ncdu 1.x/2.x JSON, gdu JSON, ours; - for stdin; .gz ok) instead of scanning' })
      .option('output', { alias: 'o', type: 'string', describe: 'write an ncdu-format export (- or /dev/stdout for stdout; a .gz name writes gzip; a device or FIFO is written in place, a link through)' })
      .option('json', { type: 'boolean', describe: 'print the summary as JSON' })
      .option('top', { type: 'number', default: 10, describe: 'how many of the largest directories and files to list' })
      .option('bytes', { alias: 'b', type: 'boolean', describe: 'exact byte counts instead of KiB/MiB/GiB' })
      .option('apparent', { alias: 'a', type: 'boolean', describe: 'rank by apparent size instead of disk usage' }),
  ).option('sample', { type: 'boolean', describe: "record a usage sample of the scanned volume in the store, for `diskblame forecast` (default: only when the store exists; --no-sample: never)" });
}

/** The default command's extra options: the interactive browser. */
export function browseOptions<T>(y: Argv<T>) {
  return scanOptions(y)
    .option('read-only', { alias: 'r', type: 'boolean', describe: 'browser: disable deleting' })
    .option('store', storeOption)
    .option('ui', { type: 'boolean', default: true, describe: 'open the interactive browser on a terminal (--no-ui: print the summary)' })
    .option('color', { type: 'string', describe: "browser colours, ncdu's: off (none at all), dark or dark-bg (the default; off when NO_COLOR is set)" });
}

/** `diskblame [PATH]` / `diskblame -f FILE`: the browser on a terminal, else the summary. */
export async function browseCommand(a: ScanArgs): Promise<number> {
  a = withConfig(a);
  validate(a);
  // `cat export | diskblame -f -` on a terminal: the export from stdin, the keys from /dev/tty (as ncdu)
  const keysFromTty = a.file === '-' && process.stdin.isTTY !== true && process.stdout.isTTY === true && a.ui !== false && !a.json && a.output === undefined;
  const ttyIn = keysFromTty ? openTerminalInput() : null;
  const tty = process.stdout.isTTY === true && (process.stdin.isTTY === true || ttyIn !== null);
  if (tty && a.ui !== false && !a.json && a.more?.length) throw new UserError('the browser opens one root; `diskblame scan A B` sums several', 2);
  if (!tty || a.ui === false || a.json || a.output !== undefined) return scanCommand(a, true);
  // no PATH on a terminal: the volumes view, as `gdu -d` (ncdu's habit, the current directory, is `diskblame .`)
  const scanOptions = { exclude: a.exclude, crossMounts: a['cross-mounts'], threads: a.threads, excludeCaches: a['exclude-caches'], followSymlinks: a['follow-symlinks'] };
  if (a.path === undefined && a.file === undefined && a.remote === undefined)
    return (await import('./volumes.js')).volumesView({ store: a.store, 'read-only': a['read-only'], bytes: a.bytes, color: a.color, apparent: a.apparent, scanOptions });
  // the config's and the command line's view and colours (cli/config.ts)
  const look = { prefs: browserPrefs(a.apparent), color: colorOn(a.color) };
  if (a.file !== undefined) {
    try {
      const tree = await readExport(a);
      const { runUI } = await importUI();
      return await runUI({ tree, root: Buffer.from(tree.nameOf(0)).toString('utf8'), scanOptions, readOnly: true, store: a.store, stdin: ttyIn ?? undefined, ...look });
    } finally {
      ttyIn?.destroy();
    }
  }
  const root = a.path ?? '.';
  const place = await openPlace(a);
  try {
    await place.checkRoot(root); // a bad root is one line on the normal screen, before the browser takes it over
    await recordScanSample(place, root, errLine, a.store, a.sample);
    // -0 and -1 (ncdu's): scanned before the browser opens, with no progress or one line of it
    // on stderr (Ctrl-C ends the scan and browses what was found); else the scanning screen
    const style = progressStyle(a);
    const tree = style === 0 || style === 1 ? treeFor(place, root) : null;
    if (tree) await runScan(place, { ...a, path: root }, tree);
    const { runUI } = await importUI();
    return await runUI({ tree, root, scanOptions, readOnly: !!a['read-only'], place, store: a.store, ...look });
  } finally {
    await place.close().catch(() => undefined);
  }
}

/**
 * The controlling terminal for keys when stdin carries the export (-f -): /dev/tty opened as a
 * tty stream, or null when there is none (no controlling terminal: the summary is printed).
 */
function openTerminalInput(): tty.ReadStream | null {
  let fd: number;
  try {
    fd = fs.openSync('/dev/tty', fs.constants.O_RDWR | fs.constants.O_NOCTTY);
  } catch {
    return null;
  }
  if (!tty.isatty(fd)) {
    fs.closeSync(fd);
    return null;
  }
  return new tty.ReadStream(fd);
}

/** Read the export named by --file into a tree, with progress on a terminal. */
async function readExport(a: ScanArgs): Promise<Tree> {
  return loadExport(a.file!, showProgress(a), a.file, true);
}

function validate(a: ScanArgs): void {
  applyScanFlags(a);
  if (!Number.isInteger(a.top) || a.top < 0) throw new UserError(`--top wants a whole number >= 0, not ${a.top}`, 2);
  if (a.save && (a.file !== undefined || a.output !== undefined)) throw new UserError('--save applies to scans, not to --file or -o', 2);
  checkFileSource(a);
  if (a.color !== undefined && !COLOR_SCHEMES.includes(a.color)) throw new UserError(`--color wants off, dark or dark-bg, not ${escapeName(a.color)}`, 2);
}

export async function scanCommand(a: ScanArgs, configured = false): Promise<number> {
  if (!configured) a = withConfig(a);
  validate(a);
  // several roots: their module, loaded only then
  const several = a.more?.length ? await import('./scan-roots.js') : null;
  const roots = several?.severalRoots(a) ?? [];
  if (several && roots.length)
    return several.scanRoots(
      a,
      roots,
      (tree, root, incomplete, ms) => summaryLines(tree, root, summarize(tree, a.top, a.apparent), incomplete, ms, a),
      (tree, root, incomplete, ms) => summaryJson(tree, root, summarize(tree, a.top, a.apparent), incomplete, ms),
    );
  const started = performance.now();
  if (a.file !== undefined) {
    if (a.output !== undefined) return exportCommand(a, null, started);
    const tree = await readExport(a);
    return printSummary(a, tree, Buffer.from(tree.nameOf(0)).toString('utf8'), tree.info?.incomplete ?? false, started);
  }
  return withPlace(a, async (place) => {
    if (a.output !== undefined) return exportCommand(a, place, started);
    // build the tree, then summarize it (--save: the snapshot modules, loaded only then)
    const snap = a.save ? await import('../../app/snapshot.js') : null;
    if (snap) ensureDir(storeDir(a.store), (await import('../../store/snapshots.js')).SNAPSHOTS_SUBDIR); // fail before a long scan, not after
    const when = new Date();
    const tree = treeFor(place, a.path ?? '.');
    const r = await runScan(place, a, tree);
    let saved: SavedView | undefined;
    if (snap && r.incomplete) errLine('interrupted: no snapshot saved');
    else if (snap) {
      snap.ignoreInterruptsToTheEnd();
      saved = savedView(snap, await snap.saveScanned(place, tree, r.root, when, storeDir(a.store), showProgress(a)), !!a.bytes);
    }
    if (!saved) await recordScanSample(place, a.path ?? '.', errLine, a.store, a.sample); // a snapshot records its own
    const code = printSummary(a, tree, r.root, r.incomplete, started, saved);
    // a dropped connection is a failure (1), not an interruption asked for (130)
    return r.lost ? 1 : code;
  });
}

/** `scan --save`: the snapshot saved, as the summary shows it (its JSON, its text, the notes) */
interface SavedView {
  json: object;
  text: string;
  notes: string[];
}

function savedView(snap: typeof import('../../app/snapshot.js'), saved: Saved, exact: boolean): SavedView {
  return {
    json: { ...snap.snapshotJson(saved.meta), fileBytes: saved.fileBytes, notes: saved.notes },
    text: snap.savedText(saved, exact),
    notes: saved.notes,
  };
}

function printSummary(a: ScanArgs, tree: Tree, root: string, incomplete: boolean, started: number, saved?: SavedView): number {
  const s = summarize(tree, a.top, a.apparent);
  const elapsedMs = performance.now() - started;
  if (a.json) {
    const j = summaryJson(tree, root, s, incomplete, elapsedMs, a.file);
    outJson(saved ? { ...j, snapshot: saved.json } : j);
  } else {
    for (const n of saved?.notes ?? []) errLine(`note: ${n}`);
    // (streamed: with --top in the millions the summary is hundreds of megabytes)
    outLines(summaryLines(tree, root, s, incomplete, elapsedMs, a));
    if (saved) outText('\n' + saved.text);
  }
  return incomplete ? 130 : 0;
}

/** -o: stream the export (no tree in memory), print only totals. */
async function exportCommand(a: ScanArgs, place: Place | null, started: number): Promise<number> {
  const { NcduWriter } = await import('../../export/ncdu-writer.js');
  // (a scan interrupted here is not written: its export would read as whole; a conversion passes its input on)
  const writer = new NcduWriter(a.output!, { discardIncomplete: place !== null });
  const totals = new TotalsSink();
  const sink = new TeeSink([writer, totals]);
  let incomplete = false;
  let lost = false;
  let root: string;
  try {
    if (place === null) {
      const progress = new Progress('converting', totals, showProgress(a));
      try {
        await (await import('../../import/ncdu-reader.js')).importExport(a.file!, sink, { label: a.file });
      } finally {
        progress.stop();
      }
      root = totals.root;
    } else {
      // (an interrupted export to a file is discarded: NcduWriter.finish)
      const r = await runScan(place, a, sink, 'scanning', writer.atomic ? `nothing written to ${escapeName(a.output!)}` : 'what arrived was written');
      root = r.root;
      incomplete = r.incomplete;
      lost = r.lost !== undefined;
      await recordScanSample(place, a.path ?? '.', errLine, a.store, a.sample);
    }
  } catch (e) {
    writer.abort();
    throw e;
  }
  const t = totals.t;
  const elapsedMs = performance.now() - started;
  if (writer.discarded && !lost) errLine(`interrupted: nothing written to ${escapeName(a.output!)} (an interrupted export would read as a whole one)`);
  if (a.json) {
    const j = { ...totalsJson(root, t, incomplete, elapsedMs), output: writer.discarded ? null : a.output };
    if (isStdoutName(a.output!)) process.stderr.write(stringifyExact(j) + '\n');
    else outJson(j);
  } else if (!isStdoutName(a.output!) && process.stderr.isTTY && !writer.discarded) {
    process.stderr.write(
      terminalText(`wrote ${escapeName(a.output!)}: ${count(t.entries)} entries, ${size(t.diskBytes, a.bytes)} on disk${incomplete ? ' (incomplete: interrupted)' : ''}`) + '\n',
    );
  }
  return lost ? 1 : incomplete ? 130 : 0;
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
    // (the first UNREADABLE_LISTED of them; `errors` counts them all)
    unreadable: s.unreadable.map((i) => jsonName(tree.pathOf(i))),
  };
}

/** The summary's text, line by line (each without its '\n'). */
function* summaryLines(tree: Tree, root: string, s: Summary, incomplete: boolean, elapsedMs: number, a: ScanArgs): Generator<string> {
  const exact = !!a.bytes;
  const from = a.file !== undefined ? `read from ${escapeName(a.file)}${tree.info?.producer ? ` (${tree.info.producer})` : ''}` : `scanned in ${duration(elapsedMs)}`;
  yield `${escapeName(root)}  (${from})${incomplete ? '  INCOMPLETE: interrupted' : ''}`;
  yield '';
  yield `  Disk usage     ${size(s.diskBytes, exact)}${exact ? '' : `  (${counted(s.diskBytes, 'byte')})`}`;
  yield `  Apparent size  ${size(s.apparentBytes, exact)}${exact ? '' : `  (${counted(s.apparentBytes, 'byte')})`}`;
  const kinds = [`${count(s.files)} files`, `${count(s.dirs)} directories`];
  if (s.symlinks) kinds.push(`${count(s.symlinks)} symlinks`);
  if (s.others) kinds.push(`${count(s.others)} other`);
  if (s.excluded) kinds.push(`${count(s.excluded)} excluded`);
  yield `  Entries        ${count(s.entries)}  (${kinds.join(', ')})`;
  if (s.hardlinks) yield `  Hard links     ${count(s.hardlinks)} (each inode counted once)`;
  yield `  Errors         ${count(s.errors)}${s.errors ? ' (unreadable directories or entries that vanished)' : ''}`;
  // as du names them (on stderr there): the first few here, the first UNREADABLE_LISTED in --json
  for (const i of s.unreadable.slice(0, UNREADABLE_SHOWN)) yield `    ${escapeName(tree.pathOf(i))}${tree.isDir(i) ? '/' : ''}`;
  if (s.errors > UNREADABLE_SHOWN) yield `    ... ${count(s.errors - UNREADABLE_SHOWN)} more (--json lists the first ${UNREADABLE_LISTED})`;
  if (s.excluded) yield `  Excluded       ${count(s.excluded)} (other filesystems, kernel filesystems or --exclude)`;
  const total = a.apparent ? s.apparentBytes : s.diskBytes;
  const by = a.apparent ? 'apparent size' : 'disk usage';
  function* list(title: string, items: TopItem[]): Generator<string> {
    if (!items.length) return;
    yield '';
    yield `${title} (by ${by})`;
    for (const x of items) {
      const v = a.apparent ? x.apparentBytes : x.diskBytes;
      yield `  ${size(v, exact).padStart(exact ? 14 : 10)}  ${pct(v, total)}  ${escapeName(tree.pathOf(x.index))}`;
    }
  }
  yield* list('Largest directories', s.topDirs);
  yield* list('Largest files', s.topFiles);
}
