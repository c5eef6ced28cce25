/**
 * The histories the forecast commands and the Forecast view read: the store's usage samples of
 * one or every volume, or a CSV (--history), each through the model.
 */
import fs from 'node:fs';
import path from 'node:path';
import { forecast } from '../forecast/model.js';
import { HISTORY_LIMITS, HistoryCsvParser, HistoryParseError } from '../forecast/history.js';
import type { Point } from '../forecast/types.js';
import { readSamples, SAMPLES_FILE, UsageSample } from './samples.js';
import { storeDir, writeErrorText } from './store.js';
import { volumeOf } from '../owners/reconcile.js';
import type { VolumeForecast } from '../report/forecast.js';
import { escapeName } from '../util/escape.js';
import { UserError } from '../util/errors.js';
import { InputTooLargeError, LineTooLongError, readLines } from '../util/read.js';
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
function pointsOf(samples: UsageSample[]): Point[] {
  return samples.map((s) => ({ t: Date.parse(s.time), used: s.usedBytes, size: s.usedBytes + s.freeBytes }));
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
async function readHistory(file: string): Promise<Point[]> {
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
    throw new UserError(`cannot read ${name}: ${writeErrorText(e)}`);
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

/** Which mount --volume names: a mount point with samples, else the mount holding that path. */
function resolveVolume(name: string, mounts: Set<string>): string {
  const abs = path.resolve(name);
  if (mounts.has(abs) || mounts.has(name)) return mounts.has(abs) ? abs : name;
  try {
    return volumeOf(abs).mountPoint;
  } catch {
    return abs;
  }
}

/**
 * The histories asked for, each forecast. `single`: one volume was named (JSON: an object, not a
 * list). Errors (UserError, one line): an unreadable or malformed --history; NoSamplesError when the
 * store has no samples (of the volume named).
 */
export async function loadForecasts(a: SourceArgs): Promise<{ volumes: VolumeForecast[]; single: boolean; points: Point[][] }> {
  if (a.history !== undefined) {
    const points = await readHistory(a.history);
    const f = forecast(points);
    // the model's advice for no samples is the sampler's; a CSV without any wants another word
    if (!points.length) f.notes = [`no samples in ${escapeName(a.history === '-' ? 'standard input' : a.history)}: it wants lines of timestamp,used_bytes,size_bytes`];
    const name = a.volume ?? a.history;
    const now = points.length ? points[points.length - 1].t : Date.now();
    return { volumes: [{ mount: name, source: 'history', from: a.history, forecast: f, now }], single: true, points: [points] };
  }
  const store = storeDir(a.store);
  const file = path.join(store, SAMPLES_FILE);
  const { samples } = readSamples(store);
  const byMount = new Map<string, UsageSample[]>();
  for (const s of samples) {
    let list = byMount.get(s.mount);
    if (!list) byMount.set(s.mount, (list = []));
    list.push(s);
  }
  const hint = 'record some with `diskblame sample` (cron, or contrib/diskblame-sample.timer), or give --history FILE';
  let mounts = [...byMount.keys()];
  if (a.volume !== undefined) {
    const m = resolveVolume(a.volume, new Set(mounts));
    if (!byMount.has(m)) {
      // a path that is not there cannot be sampled: say so rather than to sample it
      if (!fs.lstatSync(m, { throwIfNoEntry: false })) throw new NoSamplesError(`${escapeName(m)}: no such file or directory, and no usage samples of it in ${escapeName(file)}`, m);
      throw new NoSamplesError(`no usage samples of ${escapeName(m)} in ${escapeName(file)}: ${hint}`, m);
    }
    mounts = [m];
  } else if (mounts.length === 0) throw new NoSamplesError(`no usage samples in ${escapeName(file)}: ${hint}`);
  const now = Date.now();
  const points = mounts.map((m) => pointsOf(byMount.get(m)!));
  const volumes = mounts.map((m, k): VolumeForecast => {
    const last = byMount.get(m)!.at(-1)!;
    const exact = last.mountBase64 !== undefined ? { mountBase64: last.mountBase64 } : {};
    return { mount: m, ...exact, device: last.device, fsType: last.fsType, source: 'store', from: file, forecast: forecast(points[k]), now };
  });
  return { volumes, single: a.volume !== undefined, points };
}

