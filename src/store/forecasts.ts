/**
 * The histories the forecast commands and the Forecast view read: the store's usage samples of
 * one or every volume (grouped here; read by store/samples.ts), or a CSV (--history). The model
 * is run on them by the use case (app/forecast.ts), once each.
 */
import fs from 'node:fs';
import path from 'node:path';
import { HISTORY_LIMITS, HistoryCsvParser, HistoryParseError } from '../forecast/history.js';
import type { Point } from '../forecast/types.js';
import { SAMPLES_FILE, UsageSample } from './samples.js';
import { volumeOf } from '../owners/reconcile.js';
import { escapeName } from '../util/escape.js';
import { UserError } from '../util/errors.js';
import { InputTooLargeError, LineTooLongError, readLines } from '../util/read.js';
import { readErrorText } from '../util/read-error.js';
import { gunzipStream, isGzip } from '../util/gunzip.js';

export interface SourceArgs {
  volume?: string;
  history?: string;
  store?: string;
  json?: boolean;
}

/**
 * Store samples as the model's points, as df counts them: size = used + available, so "full" is
 * where a writer that is not root meets ENOSPC (ext4's reserved blocks are neither), and the
 * percentage is df's Use%.
 */
export function pointsOf(samples: readonly UsageSample[]): Point[] {
  return samples.map((s) => ({ t: Date.parse(s.time), used: s.usedBytes, size: s.usedBytes + s.freeBytes }));
}

/** The samples by mount point, each list oldest first as read. */
export function samplesByMount(samples: readonly UsageSample[]): Map<string, UsageSample[]> {
  const byMount = new Map<string, UsageSample[]>();
  for (const s of samples) {
    const list = byMount.get(s.mount);
    if (list) list.push(s);
    else byMount.set(s.mount, [s]);
  }
  return byMount;
}

/**
 * The bytes of a --history file ('-': stdin), gunzipped when they start with the gzip magic (as
 * `scan -f` reads an export: util/gunzip.ts, bounded memory, trailing garbage refused).
 */
async function* historyBytes(file: string): AsyncGenerator<Uint8Array> {
  const stream = file === '-' ? process.stdin : fs.createReadStream(file, { highWaterMark: 1 << 16 });
  try {
    const it = (stream as AsyncIterable<Buffer | string>)[Symbol.asyncIterator]();
    // the first chunk of a pipe may be a single byte: gather two for the magic
    const head: Buffer[] = [];
    let len = 0;
    let ended = false;
    while (len < 2) {
      const r = await it.next();
      if (r.done) {
        ended = true;
        break;
      }
      const c = typeof r.value === 'string' ? Buffer.from(r.value) : r.value;
      head.push(c);
      len += c.length;
    }
    const first = Buffer.concat(head);
    async function* rest(): AsyncGenerator<Uint8Array> {
      yield first;
      if (ended) return;
      for (let r = await it.next(); !r.done; r = await it.next()) yield typeof r.value === 'string' ? Buffer.from(r.value) : r.value;
    }
    yield* isGzip(first) ? gzipped(gunzipStream(rest())) : rest();
  } finally {
    if (stream !== process.stdin) stream.destroy();
  }
}

/** A gzip error of the input, told apart from the parser's (which pass through). */
class GzipError extends Error {
  constructor(
    readonly what: string,
    readonly detail: string,
  ) {
    super(what + detail);
  }
}

async function* gzipped(inflated: AsyncGenerator<Buffer>): AsyncGenerator<Uint8Array> {
  for (;;) {
    let r: IteratorResult<Buffer>;
    try {
      r = await inflated.next();
    } catch (e) {
      const z = e as NodeJS.ErrnoException;
      throw new GzipError(z.code === 'Z_BUF_ERROR' ? 'truncated gzip data' : 'invalid gzip data', z.code === 'Z_BUF_ERROR' ? '' : `: ${z.message ?? String(e)}`);
    }
    if (r.done) return;
    yield r.value;
  }
}

/**
 * A --history CSV ('-': stdin), plain or gzip'd, read a line at a time as it comes: a line over
 * HISTORY_LIMITS.line (e.g. /dev/zero, or a gzip of one endless line) or more than
 * HISTORY_LIMITS.bytes in all (a gzip bomb) stops the read. Any problem is a one-line UserError
 * naming the file and the line: "FILE: line 12: <reason> (<the line>)".
 */
export async function readHistory(file: string): Promise<Point[]> {
  const p = new HistoryCsvParser();
  const name = file === '-' ? 'stdin' : escapeName(file);
  let lines = 0;
  try {
    await readLines(historyBytes(file), { maxLine: HISTORY_LIMITS.line, maxBytes: HISTORY_LIMITS.bytes }, (line, no) => {
      lines = no;
      p.line(line!, no);
    });
  } catch (e) {
    if (e instanceof HistoryParseError) throw new UserError(`${name}: ${e.message}`);
    if (e instanceof LineTooLongError) throw new UserError(`${name}: line ${e.line}: longer than ${e.max} bytes (a sample line is under 100: is it a history CSV?)`);
    if (e instanceof InputTooLargeError) throw new UserError(`${name}: more than ${e.max} bytes${lines ? ` after line ${lines}` : ''} (a history CSV is less: thin it, one sample a minute is plenty)`);
    if (e instanceof GzipError) throw new UserError(`${name}: ${e.what}${lines ? ` after line ${lines}` : ''}${e.detail}`);
    throw new UserError(`cannot read ${name}: ${readErrorText(e)}`);
  }
  return p.points();
}

/**
 * The store holds no usage samples (of the volume asked for, `mount`; of any volume when undefined).
 * `metrics` still writes its gauges from it (diskblame_forecast_available 0); forecast and check fail.
 */
export class NoSamplesError extends UserError {
  constructor(
    message: string,
    readonly mount?: string,
  ) {
    super(message);
  }
}

/**
 * Which mount --volume names: a mount point with samples, else the mount holding that path.
 * `found`: false when neither (the path is not there, or its volume cannot be read): `mount` is
 * then the absolute path.
 */
export function resolveVolume(name: string, mounts: ReadonlySet<string>): { mount: string; found: boolean } {
  const abs = path.resolve(name);
  if (mounts.has(abs) || mounts.has(name)) return { mount: mounts.has(abs) ? abs : name, found: true };
  try {
    return { mount: volumeOf(abs).mountPoint, found: true };
  } catch {
    return { mount: abs, found: false };
  }
}

const HINT = 'record some with `diskblame sample` (cron, or the diskblame-sample.timer the package installs), or give --history FILE';

/**
 * The error of a store with no usage samples of `mount` (of any volume when undefined): a path that
 * is not there cannot be sampled, and says so rather than to sample it.
 */
export function noSamples(store: string, mount?: string): NoSamplesError {
  const file = escapeName(path.join(store, SAMPLES_FILE));
  if (mount === undefined) return new NoSamplesError(`no usage samples in ${file}: ${HINT}`);
  if (!fs.lstatSync(mount, { throwIfNoEntry: false })) return new NoSamplesError(`${escapeName(mount)}: no such file or directory, and no usage samples of it in ${file}`, mount);
  return new NoSamplesError(`no usage samples of ${escapeName(mount)} in ${file}: ${HINT}`, mount);
}
