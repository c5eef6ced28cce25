/**
 * `diskblame owners [PATH]`: who owns the space on the volume holding PATH. Reconciliation of
 * df and du first, then deleted-but-open files and writers (from /proc), packages, services,
 * kinds of data and users (from the scan). Wiring only: the use case is app/owners.ts, run where
 * the volume is (here, or on the --remote host); the report is printed here the same way.
 */
import { applyScanFlags, ScanFlagArgs, scanFlagOptions } from './scan-flags.js';
import type { Argv } from 'yargs';
import { escapeName, exactName, terminalText } from '../../util/escape.js';
import { truncate } from '../../ui/text.js';
import { count, counted, duration, size } from '../../util/format.js';
import { deletedByProcess } from '../../owners/procs.js';
import { MAX_HEADER_READS } from '../../owners/kinds-trust.js';
import { localDate } from '../../report/time.js';
import { UserError } from '../../util/errors.js';
import { Progress } from '../progress.js';
import { outJson, outLines, outText } from '../output.js';
import type { OwnersResult } from '../../app/owners.js';
import { showProgress } from '../../app/scan.js';
import { RemoteArgs, withPlace } from '../../app/places.js';
import { notWithRemote, remoteOptions } from './remote-options.js';

export type { OwnersResult };

export interface OwnersArgs extends RemoteArgs, ScanFlagArgs {
  path?: string;
  json?: boolean;
  top: number;
  bytes?: boolean;
  rules?: string;
  'sample-ms': number;
  why?: string;
}

export function ownersOptions<T>(y: Argv<T>) {
  // (the volume holding PATH, as the scanner reads it: no --cross-mounts, --exclude-caches, -L, -e, -0/-1/-2)
  return scanFlagOptions(remoteOptions(y), { crossMounts: false, reading: false, progressStyles: false }, (o) =>
    o
      .positional('path', { type: 'string', describe: 'a directory on the volume to explain (default: the current directory)' })
      .option('json', { type: 'boolean', describe: 'print everything as one JSON object' })
      .option('top', { type: 'number', default: 10, describe: 'rows per section' })
      .option('bytes', { alias: 'b', type: 'boolean', describe: 'exact byte counts' })
      .option('rules', { type: 'string', describe: 'kinds-of-data rules file (default ~/.config/diskblame/rules.json; with --remote, the one on that host)' })
      .option('sample-ms', { type: 'number', default: 300, describe: 'watch files open for writing this long to see which grow (0: do not wait)' }),
  ).option('why', { type: 'string', describe: 'say why FILE is in its kind of data (or in none): the rule, mark, header or series; no scan' });
}

export async function ownersCommand(a: OwnersArgs): Promise<number> {
  if (!Number.isInteger(a.top) || a.top < 0) throw new UserError(`--top wants a whole number >= 0, not ${a.top}`, 2);
  if (!Number.isInteger(a['sample-ms']) || a['sample-ms'] < 0 || a['sample-ms'] > 60_000)
    throw new UserError(`--sample-ms wants a whole number from 0 to 60000, not ${a['sample-ms']}`, 2);
  notWithRemote(a, a.rules !== undefined, '--rules (a file here)');
  if (a.why !== undefined) {
    notWithRemote(a, true, '--why');
    if (a.path !== undefined) throw new UserError('--why FILE explains one file: give no PATH with it', 2);
    const { whyKind } = await import('../../app/why.js');
    // (a name that is not UTF-8: its own bytes, from the kernel's copy of the command line)
    const { argBytes } = await import('../../util/argv.js');
    const w = whyKind(argBytes(a.why), { rules: a.rules });
    if (a.json) outJson(w);
    else {
      const shown = escapeName(exactName(w.path, w.pathBase64));
      outText(`${shown}: ${w.kind ?? 'no kind of data'}\n  why: ${terminalText(w.reason)}\n  package: ${w.package === null ? 'none lists it' : terminalText(w.package)}\n`);
    }
    return 0;
  }
  applyScanFlags(a);
  const root = a.path ?? '.';
  const result = await withPlace(a, async (place) => {
    let progress: Progress | null = null;
    const onInt = () => abort?.();
    let abort: (() => void) | null = null;
    process.once('SIGINT', onInt);
    try {
      return await place.owners(
        root,
        { top: a.top, rules: a.rules, sampleMs: a['sample-ms'], exclude: a.exclude, threads: a.threads },
        {
          onScan: (job) => {
            abort = () => job.abort();
            progress = new Progress('scanning', job, showProgress(a));
          },
        },
      );
    } finally {
      process.removeListener('SIGINT', onInt);
      (progress as Progress | null)?.stop();
    }
  });
  // (streamed: with --top in the millions the report is hundreds of megabytes)
  if (a.json) outJson(result);
  else outLines(ownersLines(result, !!a.bytes));
  return result.incomplete ? 130 : 0;
}

/** The owners report's text, line by line (each without its '\n'). */
function* ownersLines(r: OwnersResult, exact: boolean): Generator<string> {
  const sz = (n: number) => size(n, exact).padStart(exact ? 14 : 10);
  const v = r.volume;
  yield `${escapeName(r.root)} on ${escapeName(v.mountPoint)} (${v.fsType} ${escapeName(v.device)}): ${size(v.sizeBytes)}, used ${size(v.usedBytes)}, free ${size(v.freeBytes)}${r.incomplete ? '  INCOMPLETE: interrupted' : ''}`;
  const rc = r.reconciliation;
  yield* ['', 'Reconciliation: what df counts as used'];
  yield `  ${sz(rc.volumeUsedBytes)}  used on the volume (df)`;
  yield `  ${sz(rc.scannedBytes)}  found by the scan${rc.scannedWholeVolume ? '' : ` of ${escapeName(r.root)} (du)`}`;
  yield `  ${sz(rc.deletedOpenBytes)}  held by deleted files still open (${counted(heldFiles(r.deletedOpen), 'file')})`;
  yield `  ${sz(rc.unexplainedBytes)}  unexplained`;
  for (const n of rc.notes) yield `  note: ${n}`;
  if (r.deletedOpen.length) {
    yield* ['', 'Deleted but still open (df counts them, du cannot see them)'];
    // by process (the one holding the largest first), its fix once after its files
    const pad = `  ${' '.repeat(exact ? 14 : 10)}  `;
    let shown = 0;
    for (const g of deletedByProcess(r.deletedOpen)) {
      if (shown >= 20) break;
      const rows = g.rows.slice(0, 20 - shown);
      shown += rows.length;
      for (const d of rows) {
        const held = d.fd >= 0 ? `fd ${d.fd}${d.mapped ? ', also memory-mapped' : ''}` : 'memory-mapped, no fd';
        yield `  ${sz(d.diskBytes)}  pid ${d.pid} ${truncate(escapeName(exactName(d.command, d.commandBase64)), 40)} (${escapeName(d.user)}${d.unit ? ', ' + escapeName(d.unit) : ''}${d.container ? ', container ' + d.container.slice(0, 12) : ''}) ${held}`;
        yield `${pad}${escapeName(exactName(d.path, d.pathBase64))}`;
      }
      yield `${pad}fix: ${g.fix.split('\n').join('\n' + pad + '     ')}`;
    }
  }
  if (r.writers.length) {
    yield* ['', 'Open for writing on this volume (growth while watched)'];
    // one row per process and file (owners/procs.ts writers), its fds named when there are several
    for (const w of r.writers.slice(0, 10)) {
      const fds = w.fds ?? [w.fd];
      yield `  ${sz(w.bytes)}  ${w.grewBytes > 0 ? `+${size(w.grewBytes)}` : '      '}  pid ${w.pid} ${truncate(escapeName(exactName(w.command, w.commandBase64)), 30)}${w.unit ? ' (' + escapeName(w.unit) + ')' : ''}${fds.length > 1 ? ` (fds ${fds.join(',')})` : ''}  ${escapeName(exactName(w.path, w.pathBase64))}`;
    }
  }
  function* table(title: string, rows: { name: string; bytes: number; files?: number; count?: number }[]): Generator<string> {
    if (!rows.length) return;
    yield* ['', title];
    for (const x of rows) yield `  ${sz(x.bytes)}  ${filesCol(x.files ?? x.count ?? 0)}  ${escapeName(x.name)}`;
  }
  yield* table('Packages', r.packages);
  yield* table('Services, containers, databases', r.services.map((s) => ({ ...s, name: `${s.name} [${s.kind}]` })));
  if (r.categories.length) {
    yield* ['', 'Kinds of data'];
    for (const c of r.categories) {
      const age = c.oldest >= 0 ? `  ${localDate(c.oldest * 1000)} .. ${localDate(c.newest * 1000)}` : '';
      yield `  ${sz(c.bytes)}  ${filesCol(c.count)}  ${c.name}${age}`;
      for (const b of c.biggest.slice(0, 3)) yield `  ${' '.repeat(exact ? 14 : 10)}    ${size(b.bytes, exact).padStart(10)}  ${escapeName(exactName(b.path, b.pathBase64))}`;
    }
  }
  // (an agent of an older version sends no kindChecks)
  const unchecked = r.kindChecks?.unchecked ?? 0;
  if (unchecked > 0)
    yield `  note: ${counted(unchecked, 'file')} named like core dumps, dumps or volumes not checked (past ${count(MAX_HEADER_READS)} headers read): in no kind; owners --why FILE checks one`;
  yield* table('Users', r.users.map((u) => ({ name: `${u.user} (${u.uid})`, bytes: u.bytes, files: u.files })));
  yield* ['', `(${counted(r.processes.scanned, 'process', 'processes')}, ${counted(r.processes.fds, 'open file')} read in ${duration(r.processes.readMs)}; scan ${duration(r.timing.scanMs)}, attribution ${duration(r.timing.attributeMs)})`];
}

/** the files column of the owners tables: "    1 file " / "1,234 files", aligned */
function filesCol(n: number): string {
  return `${count(n).padStart(9)} ${n === 1 ? 'file ' : 'files'}`;
}

/** how many deleted files the rows hold: distinct inodes where the rows name them (deletedOpen's do), else rows */
function heldFiles(rows: readonly { dev?: number; ino?: number; pid: number; fd: number }[]): number {
  return new Set(rows.map((d) => (d.dev !== undefined && d.ino !== undefined ? `${d.dev}:${d.ino}` : `${d.pid}:${d.fd}`))).size;
}
