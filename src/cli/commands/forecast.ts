/**
 * `diskblame forecast`, `check` and `metrics`: a volume's history (the store's usage samples, or a
 * CSV with --history) through the model (forecast/), printed for a person, Nagios or Prometheus.
 * Only wiring: the model is forecast/model.ts, the words and formats are report/.
 */
import fs from 'node:fs';
import type { Argv } from 'yargs';
import { NoSamplesError, SourceArgs } from '../../store/forecasts.js';
import { forecastVolumes, ForecastRequest } from '../../app/forecast.js';
import { storeDir } from '../../store/store.js';
import { isStdoutName, writeFileAtomic } from '../../util/write.js';
import { latestSnapshot } from '../../store/drivers.js';
import { escapeName, terminalText } from '../../util/escape.js';
import { checkAll, forecastJson, forecastText, parseDuration, Thresholds, unknownLine } from '../../report/forecast.js';
import { metricFamilies, renderMetrics } from '../../report/metrics.js';
import { UserError } from '../../util/errors.js';
import { checkInputFile } from '../../util/input.js';
import { errLine, outJson, outText } from '../output.js';
import { firstContactChecks, firstContactForecast, printCheck, type FirstContactArgs } from './firstcontact.js';

export type { SourceArgs };

export function sourceOptions<T>(y: Argv<T>) {
  return y
    .option('volume', { requiresArg: true, type: 'string', describe: 'the volume: its mount point or any path on it (default: every volume with samples in the store); with --history, the name to show' })
    .option('history', { type: 'string', requiresArg: true, describe: 'read the history from a CSV (timestamp,used_bytes,size_bytes; ISO 8601 or unix seconds; - for stdin; .gz ok), not the store' })
    .option('store', { requiresArg: true, type: 'string', describe: 'the store directory (default: $DISKBLAME_STORE, else $XDG_STATE_HOME/diskblame, else ~/.local/state/diskblame)' })
    .option('jobs-root', { requiresArg: true, type: 'string', describe: "where to read the host's timers and crontabs to name the job behind a peak (default /; e.g. a copied /etc's parent)" })
    .option('json', { type: 'boolean', describe: 'print JSON' });
}

/** the notes of a load (files skipped while reading the jobs...), one line each on stderr */
function printNotes(notes: string[]): void {
  for (const n of notes.slice(0, 5)) errLine(`note: ${terminalText(n)}`);
  if (notes.length > 5) errLine(`note: and ${notes.length - 5} more`);
}

// ---- forecast --------------------------------------------------------------------------------

/**
 * A --history file must be one that can be read (see util/input.ts): not a directory or device;
 * --jobs-root a directory.
 */
function checkHistory(a: ForecastRequest): void {
  if (a.history !== undefined) checkInputFile(a.history);
  const root = a['jobs-root'];
  if (root !== undefined && fs.statSync(root, { throwIfNoEntry: false })?.isDirectory() !== true)
    throw new UserError(`--jobs-root ${escapeName(root)}: not a directory`, 2);
}

export async function forecastCommand(a: ForecastRequest): Promise<number> {
  checkHistory(a);
  const { volumes, single, notes, firstContact } = await forecastVolumes(a, { firstContact: true, drivers: true });
  // no usage samples of the volume (or none at all, or too few): a first-contact forecast (firstcontact.ts)
  if (firstContact !== null) return firstContactForecast(a as FirstContactArgs, firstContact);
  printNotes(notes);
  if (a.json) {
    const j = volumes.map(forecastJson);
    outJson(single ? j[0] : j);
  } else outText(volumes.map(forecastText).join('\n'));
  return 0;
}

// ---- check -----------------------------------------------------------------------------------

export interface CheckArgs extends ForecastRequest {
  warn: string;
  crit: string;
  'warn-pct'?: number;
  'crit-pct'?: number;
}

export function checkOptions<T>(y: Argv<T>) {
  return sourceOptions(y)
    .option('warn', { requiresArg: true, type: 'string', default: '14d', describe: 'WARNING when the volume fills (or a peak will not fit) within this time: 30m, 12h, 3d, 2w' })
    .option('crit', { requiresArg: true, type: 'string', default: '3d', describe: 'CRITICAL when it fills within this time' })
    .option('warn-pct', { requiresArg: true, type: 'number', describe: 'also WARNING when used >= this percentage' })
    .option('crit-pct', { requiresArg: true, type: 'number', describe: 'also CRITICAL when used >= this percentage' });
}

function thresholds(a: CheckArgs): Thresholds {
  const warnMs = parseDuration(a.warn);
  const critMs = parseDuration(a.crit);
  if (warnMs === null) throw new UserError(`--warn wants a duration like 30m, 12h, 3d or 2w, not ${JSON.stringify(a.warn)}`, 3);
  if (critMs === null) throw new UserError(`--crit wants a duration like 30m, 12h, 3d or 2w, not ${JSON.stringify(a.crit)}`, 3);
  if (critMs > warnMs) throw new UserError(`--crit (${a.crit}) must not be longer than --warn (${a.warn})`, 3);
  for (const k of ['warn-pct', 'crit-pct'] as const) {
    const v = a[k];
    if (v !== undefined && !(Number.isFinite(v) && v > 0 && v <= 100)) throw new UserError(`--${k} wants a percentage above 0 and at most 100, not ${v}`, 3);
  }
  if (a['warn-pct'] !== undefined && a['crit-pct'] !== undefined && a['warn-pct'] > a['crit-pct'])
    throw new UserError(`--warn-pct (${a['warn-pct']}) must not be above --crit-pct (${a['crit-pct']})`, 3);
  return { warnMs, critMs, warnPct: a['warn-pct'], critPct: a['crit-pct'] };
}

/** A check that cannot run: the UNKNOWN line on stdout (what Nagios reads), the error on stderr, exit 3. */
export function checkUnknown(msg: string, json: boolean): never {
  if (json) outJson({ state: 'UNKNOWN', code: 3, line: unknownLine(msg), volumes: [] });
  else outText(unknownLine(msg) + '\n');
  throw new UserError(msg, 3);
}

export async function checkCommand(a: CheckArgs): Promise<number> {
  let r;
  try {
    const t = thresholds(a);
    checkHistory(a);
    const { volumes, firstContact } = await forecastVolumes(a, { firstContact: true });
    // no usage samples: sysstat, or a first contact that never scans (firstcontact.ts)
    if (firstContact !== null) {
      const { samples, ...shown } = await firstContactChecks(a as FirstContactArgs, t, firstContact);
      printCheck(shown, !!a.json, storeDir(a.store), samples);
      return shown.code;
    }
    r = checkAll(volumes, t);
  } catch (e) {
    checkUnknown((e as Error).message ?? String(e), !!a.json);
  }
  if (a.json) outJson(r);
  else outText(r.line + '\n');
  return r.code;
}

// ---- metrics ---------------------------------------------------------------------------------

export interface MetricsArgs extends ForecastRequest {
  output?: string;
}

export function metricsOptions<T>(y: Argv<T>) {
  return sourceOptions(y).option('output', { requiresArg: true,
    alias: 'o',
    type: 'string',
    describe: "write to FILE atomically (for node_exporter's --collector.textfile.directory: name it *.prom); - is stdout; a device or FIFO is written in place, a link through",
  });
}

export async function metricsCommand(a: MetricsArgs): Promise<number> {
  checkHistory(a);
  // no notes on stderr but this one: metrics runs from cron, whose mail is for failures
  const runAt = Date.now();
  // no samples (of the volume named): still the gauges (forecast_available 0) and the run's time
  const { volumes, missing } = await forecastVolumes(a).then(
    (r) => ({ ...r, missing: [] as string[] }),
    (e) => {
      if (!(e instanceof NoSamplesError)) throw e;
      errLine(`note: ${e.message}`);
      return { volumes: [], missing: e.mount !== undefined ? [e.mount] : [] };
    },
  );
  // bytes per kind and deleted-but-open bytes from the volume's latest snapshot (store histories)
  const snapOf = (v: (typeof volumes)[number]) => {
    if (v.source !== 'store') return undefined;
    const s = latestSnapshot(storeDir(a.store), v.mount);
    return s && s.kinds ? { kinds: s.kinds, deletedOpenBytes: s.deletedOpenBytes, time: s.time } : undefined;
  };
  const input = { runAt, missing, volumes: volumes.map((v) => ({ mount: v.mount, device: v.device, forecast: v.forecast, now: v.now, snapshot: snapOf(v) })) };
  // JSON: the same families and samples (+Inf as null: JSON has no infinity)
  const text = a.json
    ? JSON.stringify(metricFamilies(input), (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2) + '\n'
    : renderMetrics(input);
  if (a.output !== undefined && !isStdoutName(a.output)) writeFileAtomic(a.output, text, 0o644);
  else outText(text);
  return 0;
}
