/**
 * `diskblame fleet --prometheus URL`: the forecast of every volume Prometheus watches through
 * node_exporter, ranked by fill time (issue 14). Only wiring: the options into a FleetRequest
 * (secrets from files or the environment, never argv), the use case (app/fleet.ts), the words
 * (report/fleet.ts), progress on a TTY.
 */
import type { Argv } from 'yargs';
import { fleetForecast, MAX_CONCURRENCY } from '../../app/fleet.js';
import { volumeHistory } from '../../app/fleet-volume.js';
import type { FleetRequest } from '../../fleet/types.js';
import { parseDuration } from '../../report/forecast.js';
import { fleetJson, fleetTable } from '../../report/fleet.js';
import { escapeName } from '../../util/escape.js';
import { UserError } from '../../util/errors.js';
import { readFileCapped } from '../../util/read.js';
import { readErrorText } from '../../util/read-error.js';
import { outJson, outText } from '../output.js';
import { Progress } from '../progress.js';
import { serveFleet, serveOptions, type ServeArgs } from './fleet-serve.js';

export interface FleetArgs extends Partial<ServeArgs> {
  prometheus?: string;
  match?: string[];
  range: string;
  step?: string;
  at?: string;
  'bearer-token-file'?: string;
  'basic-auth-user'?: string;
  'basic-auth-password-file'?: string;
  'ca-file'?: string;
  timeout: number;
  concurrency: number;
  json?: boolean;
}

export const TOKEN_ENV = 'DISKBLAME_PROMETHEUS_TOKEN';
export const PASSWORD_ENV = 'DISKBLAME_PROMETHEUS_PASSWORD';

export function fleetOptions<T>(y: Argv<T>) {
  const fleet = y
    .option('prometheus', { requiresArg: true, type: 'string', describe: 'the Prometheus server (http[s]://host:9090[/prefix]); no password in it' })
    .option('match', { requiresArg: true, type: 'string', array: true, describe: "only the series matching '{job=\"node\",env=\"prod\"}' (repeatable: OR)" })
    .option('range', { requiresArg: true, type: 'string', default: '30d', describe: 'the history to read: 12h, 7d, 30d, 90d' })
    .option('step', { requiresArg: true, type: 'string', describe: 'query resolution: 1m, 5m, 1h (default: fits the range; 30d: 5m)' })
    .option('at', { requiresArg: true, type: 'string', describe: "the range's end: ISO 8601 or unix seconds (default now)" })
    .option('bearer-token-file', { requiresArg: true, type: 'string', describe: `a file holding the bearer token (or $${TOKEN_ENV})` })
    .option('basic-auth-user', { requiresArg: true, type: 'string', describe: 'basic auth: the user name' })
    .option('basic-auth-password-file', { requiresArg: true, type: 'string', describe: `basic auth: a file holding the password (or $${PASSWORD_ENV})` })
    .option('ca-file', { requiresArg: true, type: 'string', describe: "PEM file of the CA(s) to trust for https" })
    .option('timeout', { requiresArg: true, type: 'number', default: 60, describe: 'seconds to wait for each answer' })
    .option('concurrency', { requiresArg: true, type: 'number', default: 2, describe: `queries in flight at once (1-${MAX_CONCURRENCY})` })
    .option('json', { type: 'boolean', describe: 'print JSON (not with --serve)' });
  return serveOptions(fleet);
}

/** the largest secret file read (bytes) */
const SECRET_FILE_MAX = 64 * 1024;

/** a secret file's text, without its final newline; UserError when unreadable, empty or past 64 KiB */
function secretFile(opt: string, file: string): string {
  let s: string;
  try {
    // bounded: a token is a few KiB; a device that never ends (/dev/zero) stops here
    s = readFileCapped(file, SECRET_FILE_MAX, 'utf8');
  } catch (e) {
    throw new UserError(`--${opt} ${escapeName(file)}: ${readErrorText(e)}`, 2);
  }
  s = s.replace(/\r?\n$/, '');
  if (!s) throw new UserError(`--${opt} ${escapeName(file)}: empty`, 2);
  if (/[\r\n]/.test(s)) throw new UserError(`--${opt} ${escapeName(file)}: more than one line`, 2);
  return s;
}

/** the latest --at: 9999-12-31T23:59:59.999Z (later fill times would not be dates) */
const MAX_AT = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/**
 * --at: ISO 8601 (with a zone, else UTC) or unix seconds -> unix ms, from 1970 to year 9999.
 * A day the month has not (2026-02-30, which Date.parse reads as March 2) is refused.
 * Throws UserError (exit 2).
 */
export function parseAt(s: string): number {
  const t = s.trim();
  const shown = JSON.stringify(escapeName(s));
  let ms: number;
  if (/^\d+(\.\d+)?$/.test(t)) ms = Math.round(Number(t) * 1000);
  else {
    ms = /^\d{4}-\d\d-\d\d(T[\d:.]+)?$/.test(t) ? Date.parse(t.includes('T') ? t + 'Z' : t + 'T00:00:00Z') : Date.parse(t);
    const ymd = /^(\d{4})-(\d\d)-(\d\d)/.exec(t);
    if (!ymd || !Number.isFinite(ms)) throw new UserError(`--at wants ISO 8601 (2026-03-01T12:00:00Z) or unix seconds, not ${shown}`, 2);
    const [y, m, d] = [Number(ymd[1]), Number(ymd[2]), Number(ymd[3])];
    if (d < 1 || d > new Date(Date.UTC(y, m, 0)).getUTCDate()) throw new UserError(`--at ${shown}: no such day`, 2);
  }
  if (!(ms >= 0 && ms <= MAX_AT)) throw new UserError(`--at ${shown}: wants a moment between 1970 and 9999`, 2);
  return ms;
}

/** the arguments as a FleetRequest (secrets read from files or the environment); UserError (exit 2) for bad ones */
export function fleetRequest(a: FleetArgs, env: NodeJS.ProcessEnv = process.env, now = Date.now()): FleetRequest {
  if (a.prometheus === undefined) throw new UserError('fleet needs --prometheus URL (e.g. http://prometheus:9090)', 2);
  const rangeMs = parseDuration(a.range);
  if (rangeMs === null || rangeMs < 60_000) throw new UserError(`--range wants a duration of a minute or more like 12h, 7d or 30d, not ${JSON.stringify(escapeName(a.range))}`, 2);
  let stepSeconds: number | null = null;
  if (a.step !== undefined) {
    const ms = /^\d+$/.test(a.step.trim()) ? Number(a.step) * 1000 : parseDuration(a.step);
    if (ms === null || ms < 1000 || ms % 1000 !== 0) throw new UserError(`--step wants whole seconds like 60, 5m or 1h, not ${JSON.stringify(escapeName(a.step))}`, 2);
    stepSeconds = ms / 1000;
    if (rangeMs / ms > 1_000_000) throw new UserError(`--step ${escapeName(a.step)} is too fine for --range ${escapeName(a.range)} (more than a million points a volume)`, 2);
  }
  // (at most a day: Node's timers overflow at 24.8 days and fire at once)
  if (!(Number.isFinite(a.timeout) && a.timeout > 0 && a.timeout <= 86_400)) throw new UserError(`--timeout wants seconds above 0, at most 86400 (a day), not ${a.timeout}`, 2);
  if (!(Number.isInteger(a.concurrency) && a.concurrency >= 1 && a.concurrency <= MAX_CONCURRENCY)) throw new UserError(`--concurrency wants 1 to ${MAX_CONCURRENCY}, not ${a.concurrency}`, 2);
  const req: FleetRequest = {
    url: a.prometheus,
    match: a.match ?? [],
    rangeMs,
    stepSeconds,
    at: a.at !== undefined ? parseAt(a.at) : now,
    timeoutMs: a.timeout * 1000,
    concurrency: a.concurrency,
  };
  const token = a['bearer-token-file'] !== undefined ? secretFile('bearer-token-file', a['bearer-token-file']) : env[TOKEN_ENV] || undefined;
  const user = a['basic-auth-user'];
  if (a['basic-auth-password-file'] !== undefined && user === undefined) throw new UserError('--basic-auth-password-file needs --basic-auth-user', 2);
  if (user !== undefined) {
    const password = a['basic-auth-password-file'] !== undefined ? secretFile('basic-auth-password-file', a['basic-auth-password-file']) : env[PASSWORD_ENV];
    if (password === undefined) throw new UserError(`--basic-auth-user needs the password in --basic-auth-password-file or $${PASSWORD_ENV}`, 2);
    if (token !== undefined && a['bearer-token-file'] !== undefined) throw new UserError('--bearer-token-file and --basic-auth-user: one or the other', 2);
    req.basicAuth = { username: user, password };
  } else if (token !== undefined) req.bearerToken = token;
  if (a['ca-file'] !== undefined) req.caFile = a['ca-file'];
  return req;
}

export async function fleetCommand(a: FleetArgs): Promise<number> {
  const req = fleetRequest(a);
  if (a.serve !== undefined) {
    if (a.json) throw new UserError('--json and --serve: one or the other (the exporter serves JSON on /volume)', 2);
    const s = { serve: a.serve, interval: a.interval ?? '5m', verbose: a.verbose };
    // each refresh ends now, unless --at fixed the moment
    const at = () => (a.at !== undefined ? req.at : Date.now());
    return serveFleet(s, { refresh: () => fleetForecast({ ...req, at: at() }), history: (v, r) => volumeHistory(req, v, r) });
  }
  let state = { done: 0, total: 0, current: '' };
  const progress = new Progress('fleet', { text: () => ({ head: state.total ? `${state.done} of ${state.total} volumes` : 'finding the volumes', current: state.current }) });
  let r;
  try {
    r = await fleetForecast(req, (p) => {
      state = p;
      progress.tick();
    });
  } finally {
    progress.stop();
  }
  if (a.json) outJson(fleetJson(r));
  else outText(fleetTable(r));
  return 0;
}
