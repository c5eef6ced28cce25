/**
 * `diskblame snapshot PATH`, `snapshots`, `prune`: only wiring. The store is in store/; saving a
 * scanned tree (volume, kinds of data, deleted-but-open bytes) is app/snapshot.ts, shared with
 * `scan --save`.
 */
import { applyScanFlags, ScanFlagArgs, scanFlagOptions } from './scan-flags.js';
import { withConfig } from '../config.js';
import type { Argv } from 'yargs';
import {
  listSnapshots,
  parseAge,
  pruneSnapshots,
  SnapshotMeta,
  snapshotsDir,
  SNAPSHOTS_SUBDIR,
  verifySnapshot,
} from '../../store/snapshots.js';
import { ensureDir, storeDir } from '../../store/store.js';
import { escapeName } from '../../util/escape.js';
import { padLeft, padRight, width } from '../../ui/text.js';
import { count, duration, size } from '../../util/format.js';
import { clock } from '../../report/time.js';
import { UserError } from '../../util/errors.js';
import { errLine, outJson, outLines, outText } from '../output.js';
import { ignoreInterruptsToTheEnd, saveScanned, savedText, snapshotJson } from '../../app/snapshot.js';
import { runScan, showProgress, treeFor } from '../../app/scan.js';
import { RemoteArgs, withPlace } from '../../app/places.js';
import { remoteOptions } from './remote-options.js';
import { storeOption } from './store-options.js';

function printNotes(notes: string[]): void {
  for (const n of notes) errLine(`note: ${n}`);
}

// ------------------------------------------------------------------------------------------ snapshot

export interface SnapshotArgs extends RemoteArgs, ScanFlagArgs {
  path?: string;
  store?: string;
  json?: boolean;
  bytes?: boolean;
}

export function snapshotOptions<T>(y: Argv<T>) {
  // (no -0, -1, -2: a snapshot has no browser; --progress says whether its line is shown)
  return scanFlagOptions(remoteOptions(y), { crossMounts: true, reading: true, progressStyles: false }, (o) =>
    o
      .positional('path', { type: 'string', describe: 'directory to scan (default: the current directory)' })
      .option('store', storeOption)
      .option('json', { type: 'boolean', describe: 'print the snapshot metadata as JSON' })
      .option('bytes', { alias: 'b', type: 'boolean', describe: 'exact byte counts' }),
  );
}

export async function snapshotCommand(a: SnapshotArgs): Promise<number> {
  // the config file's excludes, threads and progress, as for scan (cli/config.ts)
  a = withConfig(a);
  applyScanFlags(a);
  const root = a.path ?? '.';
  const store = storeDir(a.store);
  return withPlace(a, async (place) => {
    await place.checkRoot(root);
    ensureDir(store, SNAPSHOTS_SUBDIR); // a store that cannot be created fails now, not after a long scan
    const t0 = performance.now();
    const started = new Date();
    const tree = treeFor(place, root);
    const r = await runScan(place, a, tree, 'scanning', 'no snapshot saved');
    if (r.lost) return 1; // its one line is printed
    if (r.incomplete) throw new UserError('interrupted: no snapshot saved', 130);
    const scanMs = performance.now() - t0;
    ignoreInterruptsToTheEnd();
    const s = await saveScanned(place, tree, r.root, started, store, showProgress(a));
    const elapsedMs = performance.now() - t0;
    if (a.json) {
      outJson({ ...snapshotJson(s.meta), fileBytes: s.fileBytes, notes: s.notes, scanMs: Math.round(scanMs), costMs: s.costMs, elapsedMs: Math.round(elapsedMs) });
    } else {
      printNotes(s.notes);
      outText(savedText(s, !!a.bytes) + `  took      ${duration(elapsedMs)} (scan ${duration(scanMs)})\n`);
    }
    return 0;
  });
}

// ------------------------------------------------------------------------------------------ snapshots

export interface SnapshotsArgs {
  store?: string;
  json?: boolean;
  bytes?: boolean;
  verify?: boolean;
}

export function snapshotsOptions<T>(y: Argv<T>) {
  return y
    .option('store', storeOption)
    .option('json', { type: 'boolean', describe: 'JSON: {store, snapshots: [...], bad: [...]}' })
    .option('bytes', { alias: 'b', type: 'boolean', describe: 'exact byte counts' })
    .option('verify', { type: 'boolean', describe: 'read every snapshot whole (gzip checksums, JSON, totals), not only its head and tail; exit 1 when any is damaged' });
}

/** a snapshot's time (ISO 8601 UTC in the store) in local time: "2026-02-20 09:40:12 +01:00" */
function shortTime(iso: string): string {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? iso : clock(t, { seconds: true });
}

/** `rows` as aligned columns, line by line (each without its '\n'): a store of thousands of snapshots is written as it is made. */
function* tableLines(rows: string[][], rightAligned: Set<number>): Generator<string> {
  // in columns, not code units: a root of wide characters or emoji keeps the columns after it aligned
  // (a loop, not Math.max(...): past ~120,000 rows the arguments overflow the stack)
  const w = rows[0].map(() => 0);
  for (const r of rows) r.forEach((cell, c) => (w[c] = Math.max(w[c], width(cell))));
  for (const r of rows) yield r.map((cell, c) => (c === r.length - 1 ? cell : rightAligned.has(c) ? padLeft(cell, w[c]) : padRight(cell, w[c]))).join('  ');
}

export async function snapshotsCommand(a: SnapshotsArgs): Promise<number> {
  const store = storeDir(a.store);
  const listed = listSnapshots(store);
  const bad = listed.bad;
  let snapshots = listed.snapshots;
  if (a.verify) {
    const good: SnapshotMeta[] = [];
    for (const s of snapshots) {
      const problem = await verifySnapshot(s);
      if (problem) bad.push({ file: s.file, error: problem });
      else good.push(s);
    }
    snapshots = good;
  }
  for (const b of bad) errLine(`skipped ${escapeName(b.file)}: ${b.error}`);
  if (a.json) {
    outJson({ store, snapshots: snapshots.map(snapshotJson), bad });
  } else if (snapshots.length === 0) {
    outText(`no snapshots in ${escapeName(snapshotsDir(store))}\n`);
  } else {
    const rows = [['ID', 'TIME', 'ROOT', 'HOST', 'USED', 'ENTRIES', 'FILE']];
    for (const s of snapshots)
      rows.push([
        escapeName(s.id),
        shortTime(s.time),
        escapeName(s.root),
        escapeName(s.host),
        size(s.volume.usedBytes, !!a.bytes),
        count(s.entries),
        escapeName(s.file),
      ]);
    outLines(tableLines(rows, new Set([4, 5])));
  }
  // --verify is a check: any damaged snapshot fails it (as gzip -t); a listing fails only when nothing could be listed
  return bad.length > 0 && (a.verify || snapshots.length === 0) ? 1 : 0;
}

// ------------------------------------------------------------------------------------------ prune

export interface PruneArgs {
  store?: string;
  keep?: number;
  'older-than'?: string;
  'dry-run'?: boolean;
  json?: boolean;
}

export function pruneOptions<T>(y: Argv<T>) {
  return y
    .option('store', storeOption)
    .option('keep', { type: 'number', describe: 'keep the N newest snapshots of each root (per host)' })
    .option('older-than', { type: 'string', describe: 'remove snapshots older than AGE (30d, 12h, 2w, 90m)' })
    .option('dry-run', { type: 'boolean', describe: 'only print what would be removed' })
    .option('json', { type: 'boolean', describe: 'JSON: {removed: [...], kept: [...], failed: [...], bad: [...]}' });
}

export async function pruneCommand(a: PruneArgs): Promise<number> {
  if (a.keep === undefined && a['older-than'] === undefined) throw new UserError('prune needs --keep N or --older-than AGE (e.g. 30d)', 2);
  if (a.keep !== undefined && (!Number.isInteger(a.keep) || a.keep < 0))
    throw new UserError(`--keep wants a whole number >= 0, not ${a.keep}`, 2);
  let olderThanMs: number | undefined;
  if (a['older-than'] !== undefined) {
    const ms = parseAge(a['older-than']);
    if (ms === null) throw new UserError(`--older-than wants an age such as 30d, 12h, 2w or 90m, not ${JSON.stringify(a['older-than'])}`, 2);
    olderThanMs = ms;
  }
  const store = storeDir(a.store);
  const r = pruneSnapshots(store, { keep: a.keep, olderThanMs, dryRun: !!a['dry-run'] });
  for (const b of r.bad) errLine(`skipped ${escapeName(b.file)}: ${b.error} (not removed)`);
  for (const f of r.failed) errLine(`cannot remove ${escapeName(f.file)}: ${f.error}`);
  if (a.json) {
    outJson({ store, dryRun: !!a['dry-run'], removed: r.removed.map(snapshotJson), kept: r.kept.map(snapshotJson), failed: r.failed, bad: r.bad });
  } else {
    const verb = a['dry-run'] ? 'would remove' : 'removed';
    outLines(
      (function* () {
        for (const s of r.removed) yield `${verb} ${escapeName(s.id)}  ${shortTime(s.time)}  ${escapeName(s.root)}  ${escapeName(s.file)}`;
        yield `${verb} ${r.removed.length} snapshot${r.removed.length === 1 ? '' : 's'}, kept ${r.kept.length}`;
      })(),
    );
  }
  return r.failed.length ? 1 : 0;
}
