/**
 * Scanning and loading trees, for every command and the browser: a scan (here or there: a Place)
 * into a sink with progress on a terminal and Ctrl-C ending it early, and reading an export.
 */
import type { Sink } from '../model/entry.js';
import { TeeSink } from '../model/entry.js';
import type { ScanResult } from '../scan/scanner.js';
import { estimateEntries } from '../scan/estimate.js';
import { Tree } from '../tree/tree.js';
import { TotalsSink } from '../report/totals.js';
import { Progress } from '../cli/progress.js';
import { errLine } from '../cli/output.js';
import type { Place } from './place.js';

/** What a scan is asked: the root and the scanner's options as the command line spells them. */
export interface ScanRequest {
  path?: string;
  exclude?: string[];
  'cross-mounts'?: boolean;
  threads?: number;
  /** --exclude-caches (ScanOptions.excludeCaches) */
  'exclude-caches'?: boolean;
  /** -L (ScanOptions.followSymlinks) */
  'follow-symlinks'?: boolean;
  /** false: never show progress (--no-progress); else on stderr when it is a terminal */
  progress?: boolean;
}

/** progress on stderr: asked for (not --no-progress) and stderr is a terminal */
export function showProgress(a: { progress?: boolean }): boolean {
  return a.progress !== false && process.stderr.isTTY === true;
}

/**
 * Scan `a.path` (default '.') at `place` into `sink`, with progress on a terminal and Ctrl-C
 * ending it early (the result is then incomplete: what was found so far). A remote scan whose
 * connection dropped midway resolves too, incomplete, with `lost`; its one line (`lost; kept`) is
 * already printed then.
 * Rejects with the scanner's (or the channel's) one-line error.
 */
export async function runScan(
  place: Place,
  a: ScanRequest,
  sink: Sink | Tree,
  label = 'scanning',
  /** what is done with what arrived before a dropped connection, for its one line */
  kept = 'what arrived is kept, marked incomplete',
): Promise<ScanResult & { lost?: string }> {
  const job = place.scan(a.path ?? '.', sink, {
    exclude: a.exclude,
    crossMounts: a['cross-mounts'],
    threads: a.threads,
    ...(a['exclude-caches'] ? { excludeCaches: true } : {}),
    ...(a['follow-symlinks'] ? { followSymlinks: true } : {}),
  });
  const progress = new Progress(label, job, showProgress(a));
  const onInt = () => job.abort();
  process.once('SIGINT', onInt);
  let r: ScanResult & { lost?: string };
  try {
    r = await job.done;
  } finally {
    process.removeListener('SIGINT', onInt);
    progress.stop();
  }
  if (r.lost) errLine(`${r.lost.replace(/\.$/, '')}; ${kept}`);
  return r;
}

/** A new tree for a scan of `root` at `place`, sized from the filesystem's inode count when it is here. */
export function treeFor(place: Place, root: string): Tree {
  return place.remote ? new Tree() : new Tree(estimateEntries(root));
}

/**
 * Read an export (a file, '-' for stdin) into a tree, with progress on stderr when `progress`.
 * `thread`: the parse may run on a worker thread while this one builds the tree (import/threaded.ts
 * threadWorthIt decides: only when DISKBLAME_IMPORT_THREADS asks); false for a caller that already
 * keeps a core busy.
 */
export async function loadExport(file: string, progress: boolean, label = file, thread = false): Promise<Tree> {
  const { exportSize, importInThread, threadWorthIt } = await import('../import/threaded.js'); // (not for a scan)
  const size = exportSize(file);
  const tree = new Tree(size.entries);
  if (thread) {
    const { bundled, selfURL } = await import('../util/self.js');
    const script = bundled() || process.argv[1] ? selfURL() : null; // the bundle, the binary's data: URL, or main.js
    if (await threadWorthIt(file, size.bytes, script)) {
      const job = importInThread(script!, file, tree, label);
      const p = new Progress('reading', job, progress);
      try {
        await job.done;
      } finally {
        p.stop();
      }
      return tree;
    }
  }
  const totals = new TotalsSink();
  const p = new Progress('reading', totals, progress);
  try {
    const { importExport } = await import('../import/ncdu-reader.js'); // (not for a scan)
    // (the totals only feed the progress line)
    await importExport(file, progress ? new TeeSink([tree, totals]) : tree, { label });
  } finally {
    p.stop();
  }
  return tree;
}
