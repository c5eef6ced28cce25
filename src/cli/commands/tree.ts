/**
 * `diskblame tree [PATH]`: scan PATH (or read an export with -f) and print the tree of its largest
 * entries, as dust does, for SSH sessions and tickets (report/tree.ts draws it). Only wiring.
 */
import fs from 'node:fs';
import type { Argv } from 'yargs';
import type { Tree } from '../../tree/tree.js';
import { UserError } from '../../util/errors.js';
import { loadExport, runScan, showProgress, treeFor } from '../../app/scan.js';
import { RemoteArgs, withPlace } from '../../app/places.js';
import { layoutTree, treeJson, treeLines } from '../../report/tree.js';
import { errLine, outJson, outLines } from '../output.js';
import { withConfig } from '../config.js';
import { remoteOptions } from './remote-options.js';
import { ALL_SCAN_FLAGS, applyScanFlags, checkFileSource, ScanFlagArgs, scanFlagOptions } from './scan-flags.js';

/**
 * The defaults: three levels reach from a mount point to the directory that holds the bulk
 * (/var -> lib -> docker -> overlay2 is three); five per level keep the whole tree within a screen
 * or two (at most 1 + 5 + 25 + 125 entries and 1 + 5 + 25 "(N more)" lines, far fewer in real
 * trees, where most of the largest entries are files), and what is not drawn is still counted on
 * its "(N more)" line.
 */
export const TREE_DEPTH = 3;
export const TREE_TOP = 5;

export interface TreeArgs extends RemoteArgs, ScanFlagArgs {
  path?: string;
  file?: string;
  depth: number;
  top: number;
  json?: boolean;
  apparent?: boolean;
  bytes?: boolean;
}

export function treeOptions<T>(y: Argv<T>) {
  return scanFlagOptions(remoteOptions(y), ALL_SCAN_FLAGS, (o) =>
    o
      .positional('path', { type: 'string', describe: 'directory to scan (default: the current directory)' })
      .option('file', { alias: 'f', type: 'string', describe: 'draw an export (ncdu 1.x/2.x JSON, gdu JSON, ours; - for stdin; .gz ok) instead of scanning' })
      .option('depth', { alias: 'd', type: 'number', default: TREE_DEPTH, describe: 'how many levels below PATH to draw' })
      .option('top', { alias: 'n', type: 'number', default: TREE_TOP, describe: "how many of each directory's largest entries to draw (the rest: one \"(N more)\" line)" })
      .option('json', { type: 'boolean', describe: 'the tree as JSON (exact bytes)' })
      .option('apparent', { alias: 'a', type: 'boolean', describe: 'rank and show by apparent size instead of disk usage' })
      .option('bytes', { alias: 'b', type: 'boolean', describe: 'exact byte counts instead of KiB/MiB/GiB' }),
  );
}

/**
 * The width of the text in columns: COLUMNS when it is a whole number above 0 (as ls and dust
 * honour it), else the terminal's when stdout is one, else 80.
 */
export function treeWidth(env: NodeJS.ProcessEnv = process.env): number {
  const c = Number(env.COLUMNS);
  if (Number.isInteger(c) && c > 0) return c;
  let tty = false;
  try {
    tty = fs.fstatSync(1).isCharacterDevice() && process.stdout.isTTY === true;
  } catch {
    /* no stdout */
  }
  return (tty ? process.stdout.columns : undefined) || 80;
}

function validate(a: TreeArgs): void {
  applyScanFlags(a);
  for (const k of ['depth', 'top'] as const)
    if (!Number.isInteger(a[k]) || a[k] < 0) throw new UserError(`--${k} wants a whole number >= 0, not ${a[k]}`, 2);
  checkFileSource(a);
}

/** `diskblame tree`: resolves to the exit code (130: interrupted, what was found is drawn; 1: a lost connection) */
export async function treeCommand(a: TreeArgs): Promise<number> {
  a = withConfig(a);
  validate(a);
  if (a.file !== undefined) {
    const tree = await loadExport(a.file, showProgress(a), a.file, true);
    return print(a, tree, tree.info?.incomplete ?? false);
  }
  return withPlace(a, async (place) => {
    const tree = treeFor(place, a.path ?? '.');
    const r = await runScan(place, a, tree);
    if (r.incomplete && !r.lost) errLine('interrupted: the tree shows what was found so far');
    const code = print(a, tree, r.incomplete);
    return r.lost ? 1 : code;
  });
}

function print(a: TreeArgs, tree: Tree, incomplete: boolean): number {
  const apparent = !!a.apparent;
  const layout = layoutTree(tree, { depth: a.depth, top: a.top, apparent });
  // (streamed: with --top and --depth large the tree is millions of rows)
  if (a.json) outJson({ incomplete, apparent, depth: a.depth, top: a.top, tree: treeJson(tree, layout) });
  else outLines(treeLines(tree, layout, { width: treeWidth(), apparent, exact: !!a.bytes }));
  return incomplete ? 130 : 0;
}
