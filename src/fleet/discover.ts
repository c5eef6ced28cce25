/**
 * The fleet's volumes and their histories, read from Prometheus (issue 14): discovery through
 * `/api/v1/series` (node_filesystem_size_bytes, the real filesystems only: the `fstype` rule of
 * `sample`), batches of volumes per query, and each batch's history as points (used = size -
 * avail, as df), at most one per query step.
 *
 * How a batch is read: a cheap probe (`count_over_time(avail[range])`) says how many samples each
 * series holds in the range. Sparse series (at most 1.5 samples a step: node_exporter scraped
 * every few minutes, or the tests' traces) are read raw, `sel[chunk]` at the chunk's end, so the
 * points are the real samples at their real times, all of them (at most 1.5 a step: keeping only
 * the newest of each step dropped ~20% of the traces' samples, sampled every 5 min with jitter,
 * and moved 9 of 24 fill times by more than a step, up to 11 h: test/fleet.test.ts); dense ones
 * (a 15 s scrape) through `query_range` at the step, one point a step at the step times (each
 * within a scrape interval of its sample). Both split the range so no query returns more than
 * 11,000 points per series.
 * (`timestamp(sel)` in a range query would give the sample times too, but Prometheus 2.42
 * evaluates it step by step: 0.65-2 s a series for 30 d at 5 min here, against ~5 ms raw.)
 */
import type { FleetSeries, VolumeKey } from './types.js';
import type { Point } from '../forecast/types.js';
import { isRealFs } from '../store/mounts.js';
import { UserError } from '../util/errors.js';
import { terminalText } from '../util/escape.js';
import type { MatrixSeries, PromClient } from './promclient.js';

export const SIZE = 'node_filesystem_size_bytes';
export const AVAIL = 'node_filesystem_avail_bytes';

/** Prometheus refuses a range query of more than 11,000 points per series */
export const MAX_POINTS_PER_QUERY = 11_000;
/** the step keeps the range under this many points (30 d -> 5 min) */
export const TARGET_POINTS = 8_640;
/** volumes per batch: a batch's answer stays a few MB (32 x 8,640 samples ~ 8 MB of JSON a metric) */
export const BATCH_VOLUMES = 32;
/**
 * the most volumes a refresh reads (each keeps its forecast until the refresh ends: a million
 * tiny series took 4.6 GB and a minute before this bound); beyond, --match must split the fleet
 */
export const MAX_VOLUMES = 100_000;
/** above this many samples a step, a series is read through query_range instead of raw */
const DENSE = 1.5;

/** the "nice" steps (seconds), smallest first */
const NICE_STEPS = [60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400];

/**
 * The smallest nice step (seconds: 60, 120, 300, 600, 900, 1800, 3600, ... 86400) that keeps
 * RANGEMS (ms) at most TARGET_POINTS points: 30 d -> 300, 90 d -> 900, 12 h -> 60. Beyond
 * 8,640 days: whole days.
 */
export function chooseStep(rangeMs: number): number {
  for (const s of NICE_STEPS) if (rangeMs / 1000 / s <= TARGET_POINTS) return s;
  return Math.ceil(rangeMs / 1000 / TARGET_POINTS / 86400) * 86400;
}

/**
 * The label matchers inside a --match selector: '{job="node",env="prod"}' -> 'job="node",env="prod"'
 * ('' for '{}'). A metric name before the braces is refused (the metrics are ours to name), as are
 * unbalanced quotes or braces. Throws UserError (exit 2).
 */
export function matchersOf(sel: string): string {
  const s = sel.trim();
  const bad = (why: string) => new UserError(`--match ${JSON.stringify(terminalText(sel))}: ${why} (e.g. --match '{job="node",env="prod"}')`, 2);
  if (!s.startsWith('{') || !s.endsWith('}')) throw bad('a selector in braces, without a metric name');
  const inner = s.slice(1, -1);
  let q: string | null = null;
  for (let i = 0; i < inner.length; i++) {
    const c = inner[i]!;
    if (q !== null) {
      if (c === '\\') i++;
      else if (c === q) q = null;
      else if (c === '\n') throw bad('a newline in a label value');
    } else if (c === '"' || c === "'" || c === '`') q = c;
    else if (c === '{' || c === '}') throw bad('braces inside the selector');
  }
  if (q !== null) throw bad('an unclosed quote');
  return inner.trim().replace(/,\s*$/, '');
}

/** a PromQL string literal (double-quoted) holding S */
export function promString(s: string): string {
  return '"' + s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\r/g, '\\r') + '"';
}

/** S with RE2's special characters escaped, so a regex matches it literally */
export function regexEscape(s: string): string {
  return s.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');
}

/** a volume's identity: its labels but the metric name, canonical (the same for its size and avail series) */
export function seriesKey(metric: Record<string, string>): string {
  return JSON.stringify(
    Object.keys(metric)
      .filter((k) => k !== '__name__')
      .sort()
      .map((k) => [k, metric[k]]),
  );
}

/** a VolumeKey from a series' labels */
export function volumeOf(metric: Record<string, string>): VolumeKey {
  const labels: Record<string, string> = {};
  for (const [k, v] of Object.entries(metric)) if (!['__name__', 'instance', 'mountpoint', 'device', 'fstype'].includes(k)) labels[k] = v;
  return { instance: metric.instance ?? '', mountpoint: metric.mountpoint ?? '', device: metric.device ?? '', fstype: metric.fstype ?? '', labels };
}

export interface Discovered {
  /** the real filesystems, by instance then mount point */
  volumes: (VolumeKey & { key: string })[];
  /** series left out by the fstype rule (tmpfs, overlay, ...) */
  skipped: number;
}

/**
 * Every volume with node_filesystem_size_bytes in [start, end] (unix ms) matching any of MATCH
 * (--match selectors, OR'd; none: all), real filesystems only (store/mounts.ts isRealFs on the
 * `fstype` label; a series without one is kept). Errors: the client's UserErrors; a bad --match;
 * more than MAX_VOLUMES volumes.
 */
export async function discover(client: PromClient, match: string[], start: number, end: number): Promise<Discovered> {
  const sels = match.length ? match.map((m) => `${SIZE}{${matchersOf(m)}}`) : [SIZE];
  const seen = new Map<string, VolumeKey & { key: string }>();
  let skipped = 0;
  for (const m of await client.series(sels, start, end)) {
    const key = seriesKey(m);
    if (seen.has(key)) continue;
    if (m.fstype !== undefined && m.fstype !== '' && !isRealFs(m.fstype)) {
      skipped++;
      continue;
    }
    seen.set(key, { ...volumeOf(m), key });
  }
  if (seen.size > MAX_VOLUMES)
    throw new UserError(`${seen.size.toLocaleString('en-US')} volumes match, more than ${MAX_VOLUMES.toLocaleString('en-US')}: narrow them with --match (e.g. '{job="node",env="prod"}'), one run for each part`);
  const volumes = [...seen.values()].sort((a, b) => cmp(a.instance, b.instance) || cmp(a.mountpoint, b.mountpoint) || cmp(a.key, b.key));
  return { volumes, skipped };
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export interface Batch {
  volumes: (VolumeKey & { key: string })[];
  /** label matchers selecting them (and maybe a few more series, filtered out by key) */
  matchers: string;
}

/**
 * VOLUMES (sorted by instance) cut into batches of at most `max` volumes, each selected by
 * `instance=~"^(a|b)$",mountpoint=~"^(/|/data)$"` (values regex-escaped).
 */
export function batches(volumes: (VolumeKey & { key: string })[], max = BATCH_VOLUMES): Batch[] {
  const out: Batch[] = [];
  for (let i = 0; i < volumes.length; i += max) {
    const vs = volumes.slice(i, i + max);
    out.push({ volumes: vs, matchers: matchersFor(vs) });
  }
  return out;
}

/** `instance=~"^(a|b)$",mountpoint=~"^(/|/data)$"` selecting VOLUMES (and maybe more: filter by key) */
function matchersFor(volumes: VolumeKey[]): string {
  const alt = (xs: string[]) => promString(`^(${[...new Set(xs)].map(regexEscape).join('|')})$`);
  return `instance=~${alt(volumes.map((v) => v.instance))},mountpoint=~${alt(volumes.map((v) => v.mountpoint))}`;
}

/** a batch's series read back: points per volume key */
export type BatchPoints = Map<string, Point[]>;

/**
 * The history of each volume of BATCH over [start, end] (unix ms) at STEPSEC: per volume key,
 * the points (used = size - avail, size from the size sample at the same time, else the latest
 * before), oldest first: every sample of a sparse series (at most 1.5 a step), one a step of a
 * dense one; samples outside [start, end] or out of order are dropped (only a hostile server
 * sends them). A volume without samples is absent. Errors: the client's UserErrors.
 */
export async function readBatch(client: PromClient, batch: Batch, start: number, end: number, stepSec: number): Promise<BatchPoints> {
  const rangeSec = Math.max(1, Math.round((end - start) / 1000));
  const steps = Math.max(1, Math.ceil(rangeSec / stepSec));
  const stepMs = stepSec * 1000;
  // the probe: samples per series in the range; sparse and dense volumes are read apart
  const counts = new Map<string, number>();
  for (const c of await client.queryVector(`count_over_time(${AVAIL}{${batch.matchers}}[${rangeSec}s])`, end)) counts.set(seriesKey(c.metric), c.value);
  const sparse = batch.volumes.filter((v) => (counts.get(v.key) ?? 0) > 0 && counts.get(v.key)! <= DENSE * steps);
  const dense = batch.volumes.filter((v) => (counts.get(v.key) ?? 0) > DENSE * steps);
  const out: BatchPoints = new Map();
  for (const [group, raw] of [
    [sparse, true],
    [dense, false],
  ] as const) {
    if (!group.length) continue;
    const matchers = group.length === batch.volumes.length ? batch.matchers : matchersFor(group);
    const want = new Set(group.map((v) => v.key));
    const avail = new Map<string, { t: number[]; v: number[] }>();
    const size = new Map<string, { t: number[]; v: number[] }>();
    const add = (into: Map<string, { t: number[]; v: number[] }>, m: MatrixSeries[]) => {
      for (const s of m) {
        const k = seriesKey(s.metric);
        if (!want.has(k)) continue;
        let cur = into.get(k);
        if (!cur) into.set(k, (cur = { t: [], v: [] }));
        // chunks come oldest first; a sample on a chunk boundary comes twice. Only samples in
        // [start, end], each after the one before: a hostile server's sample dated 1e15 s ahead
        // kept the model busy for ever (its work grows with the span), one 31 years ahead made
        // a fill "31y" away
        let last = cur.t.length ? cur.t[cur.t.length - 1]! : -Infinity;
        for (let i = 0; i < s.t.length; i++) {
          const t = s.t[i]!;
          if (t > last && t >= start && t <= end) (cur.t.push(t), cur.v.push(s.v[i]!), (last = t));
        }
      }
    };
    if (raw) {
      // raw: chunks of whole steps holding at most MAX_POINTS_PER_QUERY samples of the group's densest series
      const most = Math.max(...group.map((v) => counts.get(v.key)!));
      const chunkSteps = Math.max(1, Math.floor((steps * MAX_POINTS_PER_QUERY) / most));
      for (let k = 0; k < steps; k += chunkSteps) {
        const lo = start + k * stepMs;
        const hi = Math.min(end, start + (k + chunkSteps) * stepMs);
        const sec = Math.max(1, Math.round((hi - lo) / 1000));
        add(avail, await client.queryMatrix(`${AVAIL}{${matchers}}[${sec}s]`, hi));
        add(size, await client.queryMatrix(`${SIZE}{${matchers}}[${sec}s]`, hi));
      }
    } else {
      // dense: query_range at the step, chunks of at most MAX_POINTS_PER_QUERY steps
      const chunk = MAX_POINTS_PER_QUERY - 1;
      for (let k = 0; k <= steps; k += chunk + 1) {
        const lo = start + k * stepMs;
        const hi = Math.min(end, start + (k + chunk) * stepMs);
        add(avail, await client.queryRange(`${AVAIL}{${matchers}}`, lo, hi, stepSec));
        add(size, await client.queryRange(`${SIZE}{${matchers}}`, lo, hi, stepSec));
      }
    }
    for (const [k, a] of avail) {
      const pts = toPoints(a, size.get(k), raw ? null : { start, stepMs });
      if (pts.length) out.set(k, pts);
    }
  }
  return out;
}

/**
 * avail and size samples (ascending, no time twice) -> points (used = size - avail, size the
 * latest size sample at or before; a sample with a negative size or avail, or avail past the
 * size, is dropped); with `thin`, only the newest in each step interval
 * (start + (k-1) step, start + k step]. An avail sample before any size sample is dropped.
 */
export function toPoints(avail: { t: number[]; v: number[] }, size: { t: number[]; v: number[] } | undefined, thin: { start: number; stepMs: number } | null): Point[] {
  const out: Point[] = [];
  if (!size || !size.t.length) return out;
  let j = 0;
  let lastBucket = -Infinity;
  for (let i = 0; i < avail.t.length; i++) {
    const t = avail.t[i]!;
    while (j + 1 < size.t.length && size.t[j + 1]! <= t) j++;
    if (size.t[j]! > t) continue;
    const sz = size.v[j]!;
    const av = avail.v[i]!;
    if (!Number.isFinite(sz) || !Number.isFinite(av)) continue;
    // statfs never gives these (f_bavail <= f_blocks, both unsigned): only a broken or hostile
    // exporter, whose used % would read -440% or past 100%
    if (sz < 0 || av < 0 || av > sz) continue;
    const p = { t, used: sz - av, size: sz };
    const bucket = thin ? Math.ceil((t - thin.start) / thin.stepMs) : i;
    if (bucket === lastBucket) out[out.length - 1] = p;
    else out.push(p);
    lastBucket = bucket;
  }
  return out;
}
