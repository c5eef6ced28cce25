#!/usr/bin/env node
/**
 * The program's entry: as little as possible before the work. `--version` is answered here
 * (nothing else loaded); the `diff` reader thread goes straight to its module; everything else
 * loads the command line (cli.ts: yargs, and only the command that runs). In the bundle each
 * `import()` here and in cli.ts is a separate piece loaded when reached (scripts/bundle.mjs).
 */
import type * as WorkerThreads from 'node:worker_threads';
import { builtinRequire } from '../util/self.js';
import { writeAllSync } from '../util/write.js';
import { saveCodeCacheAtExit } from './code-cache.js';
import { versionText } from './version.js';

declare global {
  // eslint-disable-next-line no-var
  /** set by the bin (dist/diskblame.cjs, from scripts/bin.cjs), which runs on the main thread only */
  var __DISKBLAME_BIN_MAIN__: boolean | undefined;
}

// (from the bin's start, the main thread for sure: no worker_threads to load, ~3 ms of `--version`)
const { isMainThread, workerData } = globalThis.__DISKBLAME_BIN_MAIN__
  ? { isMainThread: true, workerData: undefined }
  : (builtinRequire()('node:worker_threads') as typeof WorkerThreads);
const args = process.argv.slice(2);
// the bin's code cache: written again at exit when it was missing, refused or short of a piece
// (scripts/bin.cjs, code-cache.ts; a static import: whether it is stale is known only at exit)
if (isMainThread) saveCodeCacheAtExit();
// `diff` reads its second snapshot in a worker thread that runs this same script
if (!isMainThread && workerData?.role === 'diff-parse') void import('../diff/parse-worker.js').then((m) => m.workerMain(workerData));
// `scan -f` (and the browser's -f) parses the export in a worker thread that runs this same script
else if (!isMainThread && workerData?.role === 'import-parse') void import('../import/threaded.js').then((m) => m.workerMain(workerData));
else if (args.length === 1 && args[0] === '--version') writeVersion();
else
  import('./cli.js').then(
    (m) => m.runCli(args),
    (e: unknown) => {
      // a piece of the bundle missing or unreadable: one line, never the source around it
      const msg = String((e as Error)?.message ?? e).split('\n')[0];
      process.stderr.write(`diskblame: cannot load the program: ${msg.replace(/[\x00-\x1f\x7f-\x9f]/g, '?')}\n`);
      process.exit(1);
    },
  );

/**
 * `--version`: written straight to descriptor 1 (process.stdout would load Node's stream modules
 * first, a few ms of a command that is all start-up); a closed pipe ends it quietly, any other failed
 * write is one line on stderr and exit 1
 */
function writeVersion(): void {
  try {
    writeAllSync(1, Buffer.from(`${versionText()}\n`));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EPIPE') return; // (`--version | true`: the reader had enough, as out() ends)
    process.stderr.write(`diskblame: cannot write the version: ${String((e as Error)?.message ?? e).split('\n')[0]}\n`);
    process.exitCode = 1;
  }
}
