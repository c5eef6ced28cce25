/**
 * `diskblame owners [PATH]`: who owns the space on the volume holding PATH. Reconciliation of
 * df and du first, then deleted-but-open files and writers (from /proc), packages, services,
 * kinds of data and users (from the scan). Wiring only: the work is in owners/.
 */
import type { Argv } from 'yargs';
import { Tree } from '../../tree/tree.js';
import { Scanner } from '../../scan/scanner.js';
import { estimateEntries } from '../../scan/estimate.js';
import { volumeOf, reconcile, VolumeInfo } from '../../owners/reconcile.js';
import { readProcesses, deletedOpen, deletedOpenBytes, measureGrowth, writers } from '../../owners/procs.js';
import { attributeParallel, prepareOwnerData } from '../../owners/attribute.js';
import type { Category, DeletedOpen, OwnerBytes, Reconciliation, ServiceBytes, UserBytes, Writer } from '../../owners/types.js';
import { escapeName, exactName } from '../../util/escape.js';
import { truncate } from '../../ui/text.js';
import { count, duration, size } from '../../util/format.js';
import { errnoText, UserError } from '../../util/errors.js';
import { Progress } from '../progress.js';
import { out, outText } from '../output.js';
import { stringifyExact } from '../../util/exact.js';

/** What `owners --json` prints. */
export interface OwnersResult {
  root: string;
  volume: VolumeInfo;
  reconciliation: Reconciliation;
  deletedOpen: DeletedOpen[];
  writers: Writer[];
  packages: OwnerBytes[];
  services: ServiceBytes[];
  categories: Category[];
  users: UserBytes[];
  processes: { complete: boolean; unreadable: number; scanned: number; fds: number; readMs: number };
  timing: { scanMs: number; attributeMs: number; loadMs: number; totalMs: number };
  incomplete: boolean;
}

export interface OwnersArgs {
  path?: string;
  json?: boolean;
  top: number;
  bytes?: boolean;
  rules?: string;
  'sample-ms': number;
  exclude?: string[];
  threads?: number;
  progress?: boolean;
}

export function ownersOptions<T>(y: Argv<T>) {
  return y
    .positional('path', { type: 'string', describe: 'a directory on the volume to explain (default: the current directory)' })
    .option('json', { type: 'boolean', describe: 'print everything as one JSON object' })
    .option('top', { type: 'number', default: 10, describe: 'rows per section' })
    .option('bytes', { alias: 'b', type: 'boolean', describe: 'exact byte counts' })
    .option('rules', { type: 'string', describe: 'kinds-of-data rules file (default ~/.config/diskblame/rules.json)' })
    .option('sample-ms', { type: 'number', default: 300, describe: 'watch files open for writing this long to see which grow (0: do not wait)' })
    .option('exclude', { type: 'string', array: true, describe: 'skip names or paths matching GLOB (repeatable)' })
    .option('threads', { type: 'number', describe: 'scanning threads' })
    .option('progress', { type: 'boolean', default: true, describe: 'progress on stderr when it is a terminal' });
}

export async function ownersCommand(a: OwnersArgs): Promise<number> {
  if (!Number.isInteger(a.top) || a.top < 0) throw new UserError(`--top wants a whole number >= 0, not ${a.top}`, 2);
  if (!Number.isInteger(a['sample-ms']) || a['sample-ms'] < 0 || a['sample-ms'] > 60_000)
    throw new UserError(`--sample-ms wants a whole number from 0 to 60000, not ${a['sample-ms']}`, 2);
  const started = performance.now();
  const root = a.path ?? '.';
  let vol: VolumeInfo;
  try {
    vol = volumeOf(root);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UserError(`cannot scan ${escapeName(root)}: ${errnoText(code)}`);
  }
  let data: ReturnType<typeof prepareOwnerData>;
  try {
    data = prepareOwnerData({ rules: a.rules }); // a broken rules file fails before the scan
  } catch (e) {
    throw new UserError((e as Error).message);
  }

  // the processes first: the scan takes a while, and what is open now is what matters; the writers
  // are looked at again after the scan (at least --sample-ms later) to see which grew
  const snap = await readProcesses();
  const snapAt = performance.now();
  const tree = new Tree(estimateEntries(root));
  const scanner = new Scanner(root, tree, { exclude: a.exclude, threads: a.threads });
  const progress = new Progress('scanning', scanner, a.progress !== false && process.stderr.isTTY === true);
  const onInt = () => scanner.abort();
  process.once('SIGINT', onInt);
  let incomplete: boolean;
  const scanStarted = performance.now();
  try {
    incomplete = (await scanner.run()).incomplete;
  } finally {
    process.removeListener('SIGINT', onInt);
    progress.stop();
  }
  const scanMs = performance.now() - scanStarted;
  const att = await attributeParallel(tree, data, a.top);
  const left = a['sample-ms'] - (performance.now() - snapAt);
  if (left > 0) await new Promise((r) => setTimeout(r, left));
  if (a['sample-ms'] > 0) measureGrowth(snap);
  const deleted = deletedOpen(snap, vol.dev);
  const heldBytes = deletedOpenBytes(deleted);
  const rec = reconcile(vol, scanner.root, tree.sizeD(0), heldBytes, snap.complete);
  const wr = writers(snap, vol.dev);
  const result: OwnersResult = {
    root: scanner.root,
    volume: vol,
    reconciliation: rec,
    deletedOpen: deleted,
    writers: wr,
    packages: att.packages.slice(0, a.top),
    services: att.services.slice(0, a.top),
    categories: att.categories,
    users: att.users.slice(0, a.top),
    processes: {
      complete: snap.complete,
      unreadable: snap.unreadable,
      scanned: snap.scannedProcesses,
      fds: snap.scannedFds,
      readMs: Math.round(snap.elapsedMs),
    },
    timing: {
      scanMs: Math.round(scanMs),
      attributeMs: Math.round(att.attributeMs),
      loadMs: Math.round(data.loadMs),
      totalMs: Math.round(performance.now() - started),
    },
    incomplete,
  };
  if (a.json) out(stringifyExact(result, 2) + '\n');
  else outText(ownersText(result, !!a.bytes));
  return incomplete ? 130 : 0;
}

function ownersText(r: OwnersResult, exact: boolean): string {
  const L: string[] = [];
  const sz = (n: number) => size(n, exact).padStart(exact ? 14 : 10);
  const v = r.volume;
  L.push(`${escapeName(r.root)} on ${escapeName(v.mountPoint)} (${v.fsType} ${escapeName(v.device)}): ${size(v.sizeBytes)}, used ${size(v.usedBytes)}, free ${size(v.freeBytes)}${r.incomplete ? '  INCOMPLETE: interrupted' : ''}`);
  const rc = r.reconciliation;
  L.push('', 'Reconciliation: what df counts as used');
  L.push(`  ${sz(rc.volumeUsedBytes)}  used on the volume (df)`);
  L.push(`  ${sz(rc.scannedBytes)}  found by the scan${rc.scannedWholeVolume ? '' : ` of ${escapeName(r.root)} (du)`}`);
  L.push(`  ${sz(rc.deletedOpenBytes)}  held by deleted files still open (${r.deletedOpen.length})`);
  L.push(`  ${sz(rc.unexplainedBytes)}  unexplained`);
  for (const n of rc.notes) L.push(`  note: ${n}`);
  if (r.deletedOpen.length) {
    L.push('', 'Deleted but still open (df counts them, du cannot see them)');
    for (const d of r.deletedOpen.slice(0, 20)) {
      const held = d.fd >= 0 ? `fd ${d.fd}${d.mapped ? ', also memory-mapped' : ''}` : 'memory-mapped, no fd';
      L.push(`  ${sz(d.diskBytes)}  pid ${d.pid} ${truncate(escapeName(exactName(d.command, d.commandBase64)), 40)} (${escapeName(d.user)}${d.unit ? ', ' + escapeName(d.unit) : ''}${d.container ? ', container ' + d.container.slice(0, 12) : ''}) ${held}`);
      L.push(`  ${' '.repeat(exact ? 14 : 10)}  ${escapeName(exactName(d.path, d.pathBase64))}`);
      const pad = `  ${' '.repeat(exact ? 14 : 10)}  `;
      L.push(`${pad}fix: ${d.fix.split('\n').join('\n' + pad + '     ')}`);
    }
  }
  if (r.writers.length) {
    L.push('', 'Open for writing on this volume (growth while watched)');
    for (const w of r.writers.slice(0, 10))
      L.push(`  ${sz(w.bytes)}  ${w.grewBytes > 0 ? `+${size(w.grewBytes)}` : '      '}  pid ${w.pid} ${truncate(escapeName(exactName(w.command, w.commandBase64)), 30)}${w.unit ? ' (' + escapeName(w.unit) + ')' : ''}  ${escapeName(exactName(w.path, w.pathBase64))}`);
  }
  const table = (title: string, rows: { name: string; bytes: number; files?: number; count?: number }[]) => {
    if (!rows.length) return;
    L.push('', title);
    for (const x of rows) L.push(`  ${sz(x.bytes)}  ${count(x.files ?? x.count ?? 0).padStart(9)} files  ${escapeName(x.name)}`);
  };
  table('Packages', r.packages);
  table('Services, containers, databases', r.services.map((s) => ({ ...s, name: `${s.name} [${s.kind}]` })));
  if (r.categories.length) {
    L.push('', 'Kinds of data');
    for (const c of r.categories) {
      const age = c.oldest >= 0 ? `  ${new Date(c.oldest * 1000).toISOString().slice(0, 10)} .. ${new Date(c.newest * 1000).toISOString().slice(0, 10)}` : '';
      L.push(`  ${sz(c.bytes)}  ${count(c.count).padStart(9)} files  ${c.name}${age}`);
      for (const b of c.biggest.slice(0, 3)) L.push(`  ${' '.repeat(exact ? 14 : 10)}    ${size(b.bytes, exact).padStart(10)}  ${escapeName(exactName(b.path, b.pathBase64))}`);
    }
  }
  table('Users', r.users.map((u) => ({ name: `${u.user} (${u.uid})`, bytes: u.bytes, files: u.files })));
  L.push('', `(${r.processes.scanned} processes, ${count(r.processes.fds)} open files read in ${duration(r.processes.readMs)}; scan ${duration(r.timing.scanMs)}, attribution ${duration(r.timing.attributeMs)})`);
  return L.join('\n') + '\n';
}
