/**
 * The command line: yargs wiring only. Each command lives in commands/ and returns an exit code;
 * its module (and all it imports) is loaded only when that command runs: yargs calls a command's
 * builder only for the command it picked, and the builders here import the module first. Every
 * error the user can cause ends as one line on stderr and a non-zero exit, never a stack trace
 * (set DISKBLAME_DEBUG=1 to see one).
 */
import fs from 'node:fs';
import { inspect } from 'node:util';
import yargs, { type Argv } from 'yargs';
import { StdoutClosed, UserError } from '../util/errors.js';
import { errLine } from './output.js';
import { terminalLines } from '../util/escape.js';
import { globalOptions, UsageError, usageMessage, valuesRequired } from './options.js';
import { versionText } from './version.js';
import { type Config, loadConfig, setConfig } from './config.js';
/** --color's values, for describe.ts (the completion, the man page) */
export { COLOR_SCHEMES } from './config.js';
import { setSi } from '../util/format.js';
import { VERSION } from '../version.js';

function fail(msg: string, code: number): never {
  errLine(msg);
  process.exit(code);
}

/**
 * Exit for an error: standard output closed by its reader quietly with 0 (StdoutClosed), a UserError with its message and exit code, the scanner's, the import's and
 * the export's own errors (`known`: see knownError) with their message and exit 1; anything else
 * with its message too (its trace with DISKBLAME_DEBUG=1).
 */
function errorExit(e: unknown, known = false): never {
  if (e instanceof StdoutClosed) process.exit(0);
  if (e instanceof UserError) fail(e.message, e.exitCode);
  if (known) fail((e as Error).message, 1);
  if (process.env.DISKBLAME_DEBUG) process.stderr.write(terminalLines(inspect(e)) + '\n');
  const err = e as NodeJS.ErrnoException;
  fail(`${err?.message ?? String(e)}${process.env.DISKBLAME_DEBUG ? '' : ' (DISKBLAME_DEBUG=1 for details)'}`, 1);
}

/**
 * Whether `e` is one of the errors that say all in their message (ScanError, ImportError,
 * ExportError). Their modules are loaded here, on the way out, not by every command at start.
 */
async function knownError(e: unknown): Promise<boolean> {
  if (!(e instanceof Error) || e instanceof UserError) return false;
  const [scan, imp, exp] = await Promise.all([import('../scan/scanner.js'), import('../import/ncdu-reader.js'), import('../export/ncdu-writer.js')]);
  return e instanceof scan.ScanError || e instanceof imp.ImportError || e instanceof exp.ExportError;
}

/** errorExit, once knownError has looked at `e` */
async function errorExitAsync(e: unknown): Promise<never> {
  let known = false;
  try {
    known = await knownError(e);
  } catch {
    /* a module that does not load: e is not one of theirs */
  }
  return errorExit(e, known);
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

/** A command's options (yargs builder) and its handler (resolves to the exit code). */
interface Loaded {
  builder: (y: Argv) => Argv<unknown>;
  handler: (a: never) => Promise<number>;
}

/** how to load a command: import its module(s), then pick the builder and the handler */
function from<M>(load: () => Promise<M>, pick: (m: M) => [Loaded['builder'], Loaded['handler']]): () => Promise<Loaded> {
  return async () => {
    const [builder, handler] = pick(await load());
    return { builder, handler };
  };
}

const scan = () => import('./commands/scan.js');
const snapshot = () => import('./commands/snapshot.js');
const forecast = () => Promise.all([import('./commands/forecast.js'), import('./commands/firstcontact.js')]);

/**
 * The commands: usage, description, and how to load the module that has its options and handler
 * (loaded only for the command that runs; `--help` lists them all from this table alone).
 * `exitAtEnd`: the process ends as soon as the handler is done (see parse()).
 */
export const COMMANDS: { cmd: string; desc: string; load: () => Promise<Loaded>; exitAtEnd?: boolean }[] = [
  {
    cmd: '$0 [path] [more..]',
    desc: 'scan PATH and browse it (ncdu keys; no PATH: the volumes view, `.` the current directory); -f FILE browses an export; piped: the summary',
    load: from(scan, (m) => [m.browseOptions, m.browseCommand]),
  },
  {
    cmd: 'scan [path] [more..]',
    desc: 'scan PATH (or read an export): totals, largest directories and files; -o exports in ncdu format',
    load: from(
      () => Promise.all([scan(), import('./commands/store-options.js')]),
      ([m, store]) => [(b) => store.saveOptions(m.scanOptions(b)), m.scanCommand],
    ),
    exitAtEnd: true,
  },
  {
    cmd: 'tree [path]',
    desc: 'scan PATH (or read an export) and print the tree of its largest entries, as dust does: sizes, shares, bars',
    load: from(
      () => import('./commands/tree.js'),
      (m) => [m.treeOptions, m.treeCommand],
    ),
    exitAtEnd: true,
  },
  {
    cmd: 'snapshot [path]',
    desc: 'scan PATH and save a snapshot in the store (ncdu format, gzip)',
    load: from(snapshot, (m) => [m.snapshotOptions, m.snapshotCommand]),
    // (as scan: the snapshot is saved and its lines written when the handler returns)
    exitAtEnd: true,
  },
  { cmd: 'snapshots', desc: 'list the snapshots in the store', load: from(snapshot, (m) => [m.snapshotsOptions, m.snapshotsCommand]) },
  {
    cmd: 'prune',
    desc: 'remove old snapshots: --keep N newest per root, or --older-than AGE',
    load: from(snapshot, (m) => [m.pruneOptions, m.pruneCommand]),
  },
  {
    cmd: 'owners [path]',
    desc: 'who owns the space on the volume holding PATH: df vs du, deleted-but-open files, processes, packages, services, kinds of data, users',
    load: from(
      () => import('./commands/owners.js'),
      (m) => [m.ownersOptions, m.ownersCommand],
    ),
  },
  {
    cmd: 'volumes',
    desc: 'the mounted filesystems (as df, gdu -d): size, used, free, inodes, deleted-but-open bytes, fill forecast',
    load: from(
      () => import('./commands/volumes.js'),
      (m) => [m.volumesOptions, m.volumesCommand],
    ),
  },
  {
    cmd: 'sample',
    desc: 'record a usage sample of every real mounted filesystem in the store (for cron or a systemd timer)',
    load: from(
      () => import('./commands/sample.js'),
      (m) => [m.sampleOptions, m.sampleCommand],
    ),
  },
  {
    cmd: 'forecast',
    desc: 'when will it fill: fill time and range, pattern, next risky peak, growth, from the samples (or --history CSV)',
    load: from(forecast, ([fc, first]) => [(b) => first.firstContactOptions(fc.sourceOptions(b)), fc.forecastCommand]),
  },
  {
    cmd: 'check',
    desc: 'Nagios/Icinga plugin: OK/WARNING/CRITICAL/UNKNOWN (exit 0-3) from the fill forecast and usage thresholds',
    load: from(forecast, ([fc, first]) => [(b) => first.firstContactOptions(fc.checkOptions(b)), fc.checkCommand]),
  },
  {
    cmd: 'metrics',
    desc: "Prometheus text for node_exporter's textfile collector: fill time, time to full, growth, usage",
    load: from(
      () => import('./commands/forecast.js'),
      (m) => [m.metricsOptions, m.metricsCommand],
    ),
  },
  {
    cmd: 'fleet',
    desc: 'every volume Prometheus watches (node_exporter): forecasts ranked by fill time',
    load: from(
      () => import('./commands/fleet.js'),
      (m) => [m.fleetOptions, m.fleetCommand],
    ),
  },
  {
    cmd: 'diff [before] [after]',
    desc: 'what changed between two snapshots (ours, ncdu or gdu exports) or a snapshot and `live`: what grew, shrank, appeared, vanished',
    load: from(
      () => import('./commands/diff.js'),
      (m) => [m.diffOptions, m.diffCommand],
    ),
  },
  {
    cmd: 'completion [shell]',
    desc: 'print the shell completion script for bash or zsh (made from these commands\' own options)',
    load: from(
      () => import('./commands/completion.js'),
      (m) => [m.completionOptions, m.completionCommand],
    ),
  },
];

/**
 * The help text's width in columns: the terminal's, at most 100; 80 when stdout is no terminal.
 * process.stdout is looked at only when fd 1 is a character device: making it builds a stream and
 * loads its modules (~5 ms of CPU for a pipe), and a command writes its output through fd 1 itself.
 */
function helpWidth(): number {
  let chr = false;
  try {
    chr = fs.fstatSync(1).isCharacterDevice();
  } catch {
    /* no stdout */
  }
  return Math.min(100, (chr ? process.stdout.columns : undefined) || 80);
}

/**
 * Run the command line `args` (the words after the script): parse, run the command, set
 * process.exitCode; a failure exits with its one line (see errorExit).
 */
export async function runCli(args: string[]): Promise<void> {
  try {
    await parse(args);
  } catch (e) {
    await errorExitAsync(e);
  }
}

/** edit distance of two short words (insertions, deletions, substitutions, swaps of neighbours) */
function distance(a: string, b: string): number {
  let before: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) cur[j] = Math.min(cur[j], before[j - 2] + 1);
    }
    before = prev;
    prev = cur;
  }
  return prev[b.length];
}

/**
 * `diskblame snapshto`: a first word that is no command, no option, names nothing on the disk and
 * is within two edits of a command is a mistyped command, not a path to scan: a usage error (exit
 * 2) naming the command, before any work.
 */
function mistypedCommand(word: string | undefined): void {
  if (!word || word.startsWith('-') || word.includes('/') || word.length < 3) return;
  try {
    fs.lstatSync(word);
    return; // (anything of that name, a dangling symbolic link too: a path)
  } catch {
    /* nothing there */
  }
  const names = COMMANDS.slice(1).map((c) => c.cmd.split(' ')[0]);
  const near = names.map((n) => ({ n, d: distance(word.toLowerCase(), n) })).filter((x) => x.d <= 2 && x.d < x.n.length / 2).sort((x, y) => x.d - y.d);
  if (near.length) throw new UserError(`no command or directory ${JSON.stringify(word)}: did you mean \`diskblame ${near[0].n}\`? (diskblame ./${word} scans a directory of that name)`, 2);
}

async function parse(args: string[]): Promise<void> {
  // exitAtEnd: once the handler is done, nothing is left to do but tear the heap down, and Node's
  // teardown of a scanned tree took 25-80 ms after the last write on a busy 2-core machine (10-20
  // ms with process.exit; the summary is written synchronously, and a scan's every write, thread
  // and connection is awaited before its handler returns)
  const run =
    (f: (a: never) => Promise<number>, exitAtEnd = false) =>
    async (a: unknown) => {
      try {
        process.exitCode = await f(a as never);
      } catch (e) {
        await errorExitAsync(e);
      }
      if (exitAtEnd) process.exit();
    };
  // a Nagios plugin's bad arguments are UNKNOWN (3): its module says so (see .fail below)
  const check = args[0] === 'check' ? await import('./commands/forecast.js') : null;
  const y = yargs(args);
  noHelpCache(y);
  // the words after `--` come as argv['--']: options.ts makes them the positionals (a PATH that starts with -)
  y.parserConfiguration({ 'populate--': true });
  // yargs' messages in English, as ours (the bundle has no translations: it looked for them on disk)
  y.detectLocale(false);
  y.scriptName('diskblame').usage('diskblame: where the disk space went, who owns it, what changed, when it fills.\n\nUsage: $0 <command> [options]');
  // each command's builder loads its module (yargs waits for it), then declares its options; all of
  // a command's options that take a value require one (exit 2 before any work). The command the
  // first word names (else the default one, unless it is the agent) is loaded before yargs starts:
  // yargs shows the default command's options in `--help` without waiting for its builder.
  const first = args[0] === '__agent' ? undefined : (COMMANDS.find((c) => c.cmd.split(' ')[0] === args[0]) ?? COMMANDS[0]);
  // (not with --remote: the word names a directory there, which this host cannot look at)
  if (first === COMMANDS[0] && !args.some((w) => w === '--remote' || w.startsWith('--remote='))) mistypedCommand(args[0]);
  const loaded = new Map<(typeof COMMANDS)[number], Loaded>();
  if (first) loaded.set(first, await first.load());
  for (const c of COMMANDS) {
    const declare = (m: Loaded, b: Argv) => {
      loaded.set(c, m);
      return valuesRequired(m.builder(b), positionalsOf(c.cmd), args);
    };
    y.command(
      c.cmd,
      c.desc,
      (b) => {
        const m = loaded.get(c);
        return m ? declare(m, b) : c.load().then((l) => declare(l, b));
      },
      run(async (a: never) => (loaded.get(c) ?? (await c.load())).handler(a), c.exitAtEnd),
    );
  }
  // every command: --si, and the config file (cli/config.ts) read once before the handler runs
  globalOptions(y);
  y.middleware((argv) => {
    if (argv._[0] === '__agent') return;
    let c: Config = {};
    try {
      if (argv.config !== false) c = loadConfig();
    } catch (e) {
      // a Nagios plugin's every failure is UNKNOWN (3), with its status line (see .fail below)
      if (check && e instanceof UserError) check.checkUnknown(e.message, argv.json === true);
      throw e;
    }
    setConfig(c);
    setSi((argv.si as boolean | undefined) ?? c.si ?? false);
  });
  // the agent that --remote starts on the other host (remote/agent.ts): not for people, not in --help
  y.command('__agent', false, (b) => b, run(async () => (await import('../remote/agent.js')).runAgent()));
  await y
    .example('$0 /var', 'scan /var and browse it (on a terminal)')
    .example('$0 -f var.json', 'browse an export (ncdu, gdu or ours)')
    .example('$0 scan /var', 'summary: totals, largest directories and files')
    .example('$0 scan /var --json', 'the same as JSON')
    .example('$0 scan /var -o var.json.gz', 'export for ncdu -f / gdu -f (gzip: zcat var.json.gz | ncdu -f -)')
    .example('$0 scan -f var.json', 'summarize an export instead of scanning')
    .example('$0 tree /var --depth 2', 'the largest entries of /var two levels down, as text for a ticket')
    .example('$0 diff monday.json.gz live', 'what changed under that export\'s root since it was taken')
    .example('$0 snapshot /var', 'save a snapshot of /var in the store; `diskblame snapshots` lists them')
    .strict()
    // the reader line costs a dlopen (in the standalone binary, maybe writing the addon to its
    // cache): only when --version is asked for; yargs prints this string for nothing else
    .version(args.includes('--version') ? versionText() : VERSION)
    .alias('h', 'help')
    .wrap(helpWidth())
    .fail((msg, err) => {
      // yargs' own usage errors (YError: a missing option value, ...) are bad arguments too
      const usage = !err || err.name === 'YError' || err instanceof UsageError;
      msg = usageMessage(msg ?? err?.message, args);
      if (check) {
        try {
          check.checkUnknown(usage ? msg : String(err?.message ?? msg), false);
        } catch (e) {
          errorExit(e);
        }
      }
      if (!usage) errorExit(err);
      fail(`${msg} (see diskblame --help)`, 2);
    })
    .parseAsync();
}
