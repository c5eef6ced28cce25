#!/usr/bin/env -S node --max-semi-space-size=1
/**
 * The command line: yargs wiring only. Each command lives in commands/ and returns an exit code.
 * Every error the user can cause ends as one line on stderr and a non-zero exit, never a stack
 * trace (set DISKBLAME_DEBUG=1 to see one).
 */
import { inspect } from 'node:util';
import { isMainThread, workerData } from 'node:worker_threads';
import yargs, { type Argv } from 'yargs';
import { hideBin } from 'yargs/helpers';
import { browseCommand, browseOptions, scanCommand, scanOptions } from './commands/scan.js';
import { ownersCommand, ownersOptions } from './commands/owners.js';
import { sampleCommand, sampleOptions } from './commands/sample.js';
import * as fc from './commands/forecast.js';
import { firstContactOptions } from './commands/firstcontact.js';
import { diffCommand, diffOptions } from './commands/diff.js';
import * as snap from './commands/snapshot.js';
import { UserError } from '../util/errors.js';
import { errLine } from './output.js';
import { terminalLines } from '../util/escape.js';
import { UsageError, usageMessage, valuesRequired } from './options.js';
import { ScanError } from '../scan/scanner.js';
import { ImportError } from '../import/ncdu-reader.js';
import { ExportError } from '../export/ncdu-writer.js';
import { VERSION } from '../version.js';

function fail(msg: string, code: number): never {
  errLine(msg);
  process.exit(code);
}

function errorExit(e: unknown): never {
  if (e instanceof UserError) fail(e.message, e.exitCode);
  if (e instanceof ScanError || e instanceof ImportError || e instanceof ExportError) fail(e.message, 1);
  if (process.env.DISKBLAME_DEBUG) process.stderr.write(terminalLines(inspect(e)) + '\n');
  const err = e as NodeJS.ErrnoException;
  fail(`${err?.message ?? String(e)}${process.env.DISKBLAME_DEBUG ? '' : ' (DISKBLAME_DEBUG=1 for details)'}`, 1);
}

/**
 * yargs renders the whole help text whenever a named command runs, in case it is needed later
 * (`cacheHelpMessage`): 70-100 ms of string-width work on every `scan`, `owners`... before the
 * command's first await. The help is rendered on demand anyway when it is shown, so skip the cache.
 */
function noHelpCache(y: unknown): void {
  try {
    const usage = (y as { getInternalMethods?: () => { getUsageInstance?: () => { cacheHelpMessage?: () => void } } }).getInternalMethods?.().getUsageInstance?.();
    if (usage && typeof usage.cacheHelpMessage === 'function') usage.cacheHelpMessage = () => {};
  } catch {
    /* another yargs: keep its behaviour */
  }
}

/** the positional arguments a yargs command string declares: 'diff [before] [after]' -> before, after */
function positionalsOf(cmd: string): string[] {
  return [...cmd.matchAll(/[<[]([^\]>.|]+)/g)].map((m) => m[1]);
}

async function main(): Promise<void> {
  const run = (f: (a: never) => Promise<number>) => async (a: unknown) => {
    try {
      process.exitCode = await f(a as never);
    } catch (e) {
      errorExit(e);
    }
  };
  const args = hideBin(process.argv);
  if (args.length === 1 && args[0] === '--version') {
    // the version, and which directory reader a scan would use (one stat and one dlopen, no worker)
    const { readerInUse } = await import('../scan/native.js');
    const r = readerInUse();
    process.stdout.write(`${VERSION}\nreader: ${r.reader} (${r.why})\n`);
    return;
  }
  const y = yargs(args);
  noHelpCache(y);
  // the words after `--` come as argv['--']: options.ts makes them the positionals (a PATH that starts with -)
  y.parserConfiguration({ 'populate--': true });
  y.scriptName('diskblame').usage('diskblame: where the disk space went, who owns it, what changed, when it fills.\n\nUsage: $0 <command> [options]');
  /** a command whose options that take a value all require one (exit 2 before any work) */
  const command = <A>(cmd: string, desc: string, builder: (y: Argv) => Argv<unknown>, handler: (a: A) => Promise<number>) =>
    y.command(cmd, desc, (b) => valuesRequired(builder(b), positionalsOf(cmd), args), run(handler as (a: never) => Promise<number>));
  command('$0 [path]', 'scan PATH and browse it (ncdu keys); -f FILE browses an export; piped: the summary', browseOptions, browseCommand);
  command('scan [path]', 'scan PATH (or read an export): totals, largest directories and files; -o exports in ncdu format', (b) => snap.saveOptions(scanOptions(b)), scanCommand);
  command('snapshot [path]', 'scan PATH and save a snapshot in the store (ncdu format, gzip)', snap.snapshotOptions, snap.snapshotCommand);
  command('snapshots', 'list the snapshots in the store', snap.snapshotsOptions, snap.snapshotsCommand);
  command('prune', 'remove old snapshots: --keep N newest per root, or --older-than AGE', snap.pruneOptions, snap.pruneCommand);
  command(
    'owners [path]',
    'who owns the space on the volume holding PATH: df vs du, deleted-but-open files, processes, packages, services, kinds of data, users',
    ownersOptions,
    ownersCommand,
  );
  command('sample', 'record a usage sample of every real mounted filesystem in the store (for cron or a systemd timer)', sampleOptions, sampleCommand);
  command('forecast', 'when will it fill: fill time and range, pattern, next risky peak, growth, from the samples (or --history CSV)', (b) => firstContactOptions(fc.sourceOptions(b)), fc.forecastCommand);
  command('check', 'Nagios/Icinga plugin: OK/WARNING/CRITICAL/UNKNOWN (exit 0-3) from the fill forecast and usage thresholds', (b) => firstContactOptions(fc.checkOptions(b)), fc.checkCommand);
  command('metrics', "Prometheus text for node_exporter's textfile collector: fill time, time to full, growth, usage", fc.metricsOptions, fc.metricsCommand);
  command(
    'diff [before] [after]',
    'what changed between two snapshots (ours, ncdu or gdu exports) or a snapshot and `live`: what grew, shrank, appeared, vanished',
    diffOptions,
    diffCommand,
  );
  // the agent that --remote starts on the other host (remote/agent.ts): not for people, not in --help
  y.command('__agent', false, (b) => b, run(async () => (await import('../remote/agent.js')).runAgent()));
  await y
    .example('$0 /var', 'scan /var and browse it (on a terminal)')
    .example('$0 -f var.json', 'browse an export (ncdu, gdu or ours)')
    .example('$0 scan /var', 'summary: totals, largest directories and files')
    .example('$0 scan /var --json', 'the same as JSON')
    .example('$0 scan /var -o var.json.gz', 'export for ncdu -f / gdu -f (gzip: zcat var.json.gz | ncdu -f -)')
    .example('$0 scan -f var.json', 'summarize an export instead of scanning')
    .example('$0 diff monday.json.gz live', 'what changed under that export\'s root since it was taken')
    .example('$0 snapshot /var', 'save a snapshot of /var in the store; `$0 snapshots` lists them')
    .strict()
    .version(VERSION)
    .alias('h', 'help')
    .wrap(Math.min(100, process.stdout.columns || 80))
    .fail((msg, err) => {
      // yargs' own usage errors (YError: a missing option value, ...) are bad arguments too
      const usage = !err || err.name === 'YError' || err instanceof UsageError;
      msg = usageMessage(msg ?? err?.message);
      // a Nagios plugin's bad arguments are UNKNOWN (3): exit 2 would read as CRITICAL
      if (hideBin(process.argv)[0] === 'check') {
        try {
          fc.checkUnknown(usage ? msg : String(err?.message ?? msg), false);
        } catch (e) {
          errorExit(e);
        }
      }
      if (!usage) errorExit(err);
      fail(`${msg} (see diskblame --help)`, 2);
    })
    .parseAsync();
}

// `diff` reads its second snapshot in a worker thread that runs this same script
if (isMainThread || workerData?.role !== 'diff-parse') main().catch(errorExit);
else void import('../diff/parse-worker.js').then((m) => m.workerMain(workerData));
