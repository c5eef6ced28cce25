/**
 * A real Prometheus for the fleet tests (issue 14), from Debian's `prometheus` and `promtool`:
 * histories written as OpenMetrics (node_exporter's node_filesystem_{size,avail,free}_bytes), built
 * into TSDB blocks with `promtool tsdb create-blocks-from openmetrics`, and a `prometheus` started
 * on 127.0.0.1 with a free port, that data directory, a generous retention, optional scrape
 * configs, rule files and web config; stop() kills it and waits.
 *
 * The pieces are exported for the bench: `writeOpenMetrics` takes any list of volume series
 * (columns, typed arrays welcome), `traceSeries` makes one from a fixtures/traces file.
 *
 * promtool 2.42 re-parses its whole input once per 2-hour block, so a long history in one file
 * costs (hours / 2) passes over all of it: `writeOpenMetrics` writes one file per day (aligned
 * to the blocks' 2 h grid, so the blocks of different files never overlap), each parsed 12 times.
 * The blocks stay 2 h long until the server's first compaction (about a minute after its start:
 * 30 days then become ~8 blocks). Measured here (2.42, 24 traces x 30 d, 372 blocks): a range
 * query of a plain selector over 30 d at 5 min is ~50 ms a series, `timestamp(sel)` ~2 s a series
 * (0.65 s after compaction: the engine evaluates it step by step); a raw `sel[30d]` ~5 ms a series.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { freePort } from './port.js';

export const PROMETHEUS = '/usr/bin/prometheus';
export const PROMTOOL = '/usr/bin/promtool';

/** null when the tests can run, else why not (for `{ skip }`) */
export function promAvailable(): string | null {
  for (const f of [PROMETHEUS, PROMTOOL]) if (!fs.existsSync(f)) return `no ${f} (apt-get install prometheus)`;
  return null;
}

/** One filesystem's history as node_exporter would expose it. Times unix ms; sizes bytes. */
export interface VolumeSeries {
  /** labels: instance and mountpoint at least; job defaults to "node", device and fstype to "" (omitted) */
  labels: { instance: string; mountpoint: string; device?: string; fstype?: string; job?: string; [k: string]: string | undefined };
  /** sample times, ascending (unix ms) */
  t: ArrayLike<number>;
  /** node_filesystem_size_bytes at each time */
  size: ArrayLike<number>;
  /** node_filesystem_avail_bytes at each time */
  avail: ArrayLike<number>;
  /** node_filesystem_free_bytes (default: = avail) */
  free?: ArrayLike<number>;
}

export const METRICS = [
  ['node_filesystem_size_bytes', 'Filesystem size in bytes.', 'size'],
  ['node_filesystem_avail_bytes', 'Filesystem space available to non-root users in bytes.', 'avail'],
  ['node_filesystem_free_bytes', 'Filesystem free space in bytes.', 'free'],
] as const;

/** an OpenMetrics label value: backslash, double quote and newline escaped */
export function omEscape(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** `{job="node",instance="...",...}`: job first, then the labels in their order, empty values omitted */
export function omLabels(labels: VolumeSeries['labels']): string {
  const all: [string, string][] = [['job', labels.job ?? 'node']];
  for (const [k, v] of Object.entries(labels)) if (k !== 'job' && v !== undefined && v !== '') all.push([k, v]);
  return '{' + all.map(([k, v]) => `${k}="${omEscape(v)}"`).join(',') + '}';
}

/** a sample's time as OpenMetrics wants it: seconds, with the milliseconds when there are any */
function omTime(ms: number): string {
  return ms % 1000 === 0 ? String(ms / 1000) : (ms / 1000).toFixed(3);
}

const TWO_HOURS = 2 * 3600_000;

/**
 * Writes SERIES as OpenMetrics files under DIR, one per `chunkMs` of time (default a day; a
 * multiple of 2 h, aligned to the epoch, as promtool's blocks are), each ending in `# EOF`; a
 * series' samples outside [from, to) are left out. Returns the files written (those with samples).
 */
export function writeOpenMetrics(dir: string, series: readonly VolumeSeries[], opts: { chunkMs?: number; from?: number; to?: number } = {}): string[] {
  const chunk = opts.chunkMs ?? 24 * 3600_000;
  assert.ok(chunk > 0 && chunk % TWO_HOURS === 0, 'chunkMs must be a multiple of 2 h');
  const from = opts.from ?? -Infinity;
  const to = opts.to ?? Infinity;
  let lo = Infinity;
  let hi = -Infinity;
  for (const s of series) {
    assert.equal(s.size.length, s.t.length);
    assert.equal(s.avail.length, s.t.length);
    for (let i = 0; i < s.t.length; i++) {
      const t = s.t[i]!;
      if (i && t <= s.t[i - 1]!) assert.fail(`${s.labels.instance} ${s.labels.mountpoint}: times not ascending at ${i}`);
      if (t < from || t >= to) continue;
      if (t < lo) lo = t;
      if (t > hi) hi = t;
    }
  }
  fs.mkdirSync(dir, { recursive: true });
  if (lo > hi) return [];
  const files: string[] = [];
  // where each series stands in its samples (they are ascending: one pass over each per chunk)
  const at = series.map((s) => {
    let i = 0;
    while (i < s.t.length && s.t[i]! < Math.max(from, Math.floor(lo / chunk) * chunk)) i++;
    return i;
  });
  const heads = series.map((s) => omLabels(s.labels));
  for (let c0 = Math.floor(lo / chunk) * chunk; c0 <= hi; c0 += chunk) {
    const c1 = Math.min(c0 + chunk, to);
    const file = path.join(dir, `chunk-${String(c0 / 1000)}.om`);
    const fd = fs.openSync(file, 'w');
    let buf = '';
    let n = 0;
    const flush = () => {
      fs.writeSync(fd, buf);
      buf = '';
    };
    const ends = series.map((s, k) => {
      let j = at[k]!;
      while (j < s.t.length && s.t[j]! < c1) j++;
      return j;
    });
    for (const [name, help, col] of METRICS) {
      buf += `# HELP ${name} ${help}\n# TYPE ${name} gauge\n`;
      series.forEach((s, k) => {
        const v = col === 'free' ? (s.free ?? s.avail) : s[col];
        const head = name + heads[k]! + ' ';
        for (let i = at[k]!; i < ends[k]!; i++) {
          buf += head + String(v[i]!) + ' ' + omTime(s.t[i]!) + '\n';
          n++;
          if (buf.length > 1 << 20) flush();
        }
      });
    }
    buf += '# EOF\n';
    flush();
    fs.closeSync(fd);
    series.forEach((_s, k) => (at[k] = ends[k]!));
    if (n) files.push(file);
    else fs.rmSync(file);
  }
  return files;
}

/**
 * `promtool tsdb create-blocks-from openmetrics` on each file, into DATADIR (a Prometheus data
 * directory), `parallel` at a time (default 2). Fails the test on any error. `maxBlockHours`
 * passes promtool's hidden `--max-block-duration` (it picks the largest of TSDB's ranges, 2 h x
 * 3^k, not above it): a file written with `chunkMs` of that range then makes one block and is
 * read once, where 2-hour blocks read it once per 2 hours of its span.
 */
export async function createBlocks(files: readonly string[], dataDir: string, parallel = 2, opts: { maxBlockHours?: number } = {}): Promise<void> {
  fs.mkdirSync(dataDir, { recursive: true });
  const queue = [...files];
  const one = async (): Promise<void> => {
    for (let f = queue.shift(); f !== undefined; f = queue.shift()) {
      const file = f;
      await new Promise<void>((resolve, reject) => {
        const max = opts.maxBlockHours ? [`--max-block-duration=${opts.maxBlockHours}h`] : [];
        const p = spawn(PROMTOOL, ['tsdb', 'create-blocks-from', 'openmetrics', '--quiet', ...max, file, dataDir], { stdio: ['ignore', 'ignore', 'pipe'] });
        let err = '';
        p.stderr!.on('data', (d) => (err += d));
        p.on('error', reject);
        p.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`promtool on ${file}: exit ${code}: ${err.slice(-2000)}`))));
      });
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, parallel) }, one));
}

/** One trace of fixtures/traces: its samples (unix ms, bytes), pattern and fill time (unix ms or null). */
export interface Trace {
  name: string;
  t: number[];
  used: number[];
  size: number[];
  pattern: string;
  fillsAt: number | null;
}

/** reads NN-pattern.csv.gz (timestamp,used_bytes,size_bytes; ISO 8601) and its .json */
export function readTrace(csvGz: string): Trace {
  const text = gunzipSync(fs.readFileSync(csvGz)).toString('utf8');
  const t: number[] = [];
  const used: number[] = [];
  const size: number[] = [];
  for (const line of text.split('\n').slice(1)) {
    if (!line) continue;
    const [ts, u, s] = line.split(',');
    const ms = Date.parse(ts!);
    assert.ok(Number.isFinite(ms), `${csvGz}: bad time ${ts}`);
    t.push(ms);
    used.push(Number(u));
    size.push(Number(s));
  }
  const meta = JSON.parse(fs.readFileSync(csvGz.replace(/\.csv\.gz$/, '.json'), 'utf8')) as { pattern: string; fills_at: string | null };
  return { name: path.basename(csvGz).replace(/\.csv\.gz$/, ''), t, used, size, pattern: meta.pattern, fillsAt: meta.fills_at === null ? null : Date.parse(meta.fills_at) };
}

/**
 * A trace as a node_exporter series: avail = free = size - used, every time moved by `shiftMs`
 * (default 0), only the samples in [from, to) after the shift when given.
 */
export function traceSeries(tr: Trace, labels: VolumeSeries['labels'], opts: { shiftMs?: number; from?: number; to?: number } = {}): VolumeSeries {
  const shift = opts.shiftMs ?? 0;
  const t: number[] = [];
  const size: number[] = [];
  const avail: number[] = [];
  for (let i = 0; i < tr.t.length; i++) {
    const at = tr.t[i]! + shift;
    if ((opts.from !== undefined && at < opts.from) || (opts.to !== undefined && at >= opts.to)) continue;
    t.push(at);
    size.push(tr.size[i]!);
    avail.push(Math.max(0, tr.size[i]! - tr.used[i]!));
  }
  return { labels, t, size, avail };
}

// (the fleet tests import freePort from here)
export { freePort };

export interface PrometheusOptions {
  /** the data directory (blocks from createBlocks); default: an empty one in `dir` */
  dataDir?: string;
  /** YAML list items for `scrape_configs:` (each starting with "- job_name: ..."), indented as top-level list items */
  scrapeConfigs?: string;
  /** rule files (absolute paths) */
  ruleFiles?: string[];
  /** global scrape and evaluation interval (default 15s) */
  interval?: string;
  /** a --web.config.file (TLS, basic auth); then `readyHeaders`/`ca` let the readiness probe through */
  webConfigFile?: string;
  /** headers for the readiness probe (e.g. Authorization) */
  readyHeaders?: Record<string, string>;
  /** https: the CA (PEM) the probe trusts */
  ca?: string;
  /** more flags for prometheus */
  args?: string[];
  /** how long to wait for /-/ready (ms, default 120 s) */
  readyTimeoutMs?: number;
}

export interface TestPrometheus {
  port: number;
  /** http(s)://127.0.0.1:PORT */
  url: string;
  /** the temp dir (config, log; the data unless dataDir was given) */
  dir: string;
  dataDir: string;
  pid: number;
  /** its log so far */
  log(): string;
  /** kill it (SIGTERM, then SIGKILL after 10 s) and wait for its exit; removes `dir` */
  stop(): Promise<void>;
}

function probe(url: string, headers: Record<string, string>, ca?: string): Promise<number> {
  return new Promise((resolve) => {
    const mod = url.startsWith('https:') ? https : http;
    const req = mod.get(url, { headers, ca, timeout: 2000 }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', () => resolve(0));
    req.on('timeout', () => {
      req.destroy();
      resolve(0);
    });
  });
}

const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const c of live) if (c.exitCode === null) c.kill('SIGKILL');
});

/** Start prometheus on 127.0.0.1 (a free port; retried when another process took it first); stop() in after(). */
export async function startPrometheus(opts: PrometheusOptions = {}): Promise<TestPrometheus> {
  const dir = fs.mkdtempSync(path.join(tmpdir(), 'diskblame-prom-'));
  const dataDir = opts.dataDir ?? path.join(dir, 'data');
  fs.mkdirSync(dataDir, { recursive: true });
  const interval = opts.interval ?? '15s';
  const config = path.join(dir, 'prometheus.yml');
  const rules = (opts.ruleFiles ?? []).map((f) => `  - ${JSON.stringify(f)}\n`).join('');
  fs.writeFileSync(
    config,
    `global:\n  scrape_interval: ${interval}\n  evaluation_interval: ${interval}\n` +
      (rules ? `rule_files:\n${rules}` : '') +
      `scrape_configs:${opts.scrapeConfigs ? '\n' + opts.scrapeConfigs.replace(/\n*$/, '\n') : ' []\n'}`,
  );
  const check = spawnSync(PROMTOOL, ['check', 'config', config], { encoding: 'utf8' });
  assert.equal(check.status, 0, `promtool check config: ${check.stdout}${check.stderr}\n${fs.readFileSync(config, 'utf8')}`);
  const scheme = opts.webConfigFile && opts.ca ? 'https' : 'http';
  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    const logFile = path.join(dir, `prometheus-${attempt}.log`);
    const out = fs.openSync(logFile, 'w');
    const args = [
      `--config.file=${config}`,
      `--storage.tsdb.path=${dataDir}`,
      '--storage.tsdb.retention.time=100y',
      `--web.listen-address=127.0.0.1:${port}`,
      `--web.console.templates=${dir}`,
      `--web.console.libraries=${dir}`,
      ...(opts.webConfigFile ? [`--web.config.file=${opts.webConfigFile}`] : []),
      ...(opts.args ?? []),
    ];
    const child = spawn(PROMETHEUS, args, { stdio: ['ignore', out, out], cwd: dir });
    fs.closeSync(out);
    live.add(child);
    const log = () => fs.readFileSync(logFile, 'utf8');
    const url = `${scheme}://127.0.0.1:${port}`;
    const deadline = Date.now() + (opts.readyTimeoutMs ?? 120_000);
    let ready = false;
    while (Date.now() < deadline && child.exitCode === null && child.signalCode === null) {
      if ((await probe(`${url}/-/ready`, opts.readyHeaders ?? {}, opts.ca)) === 200) {
        ready = child.exitCode === null;
        break;
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    const stop = async () => {
      if (child.exitCode === null && child.signalCode === null) {
        const gone = new Promise<void>((r) => child.once('exit', () => r()));
        child.kill('SIGTERM');
        const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await gone;
        clearTimeout(t);
      }
      live.delete(child);
    };
    if (!ready) {
      await stop();
      const text = log();
      // another process took the port between freePort() and prometheus' bind: try another
      if (/address already in use/i.test(text) && attempt < 4) continue;
      fs.rmSync(dir, { recursive: true, force: true });
      throw new Error(`prometheus did not become ready on port ${port}: ${text.slice(-3000)}`);
    }
    return {
      port,
      url,
      dir,
      dataDir,
      pid: child.pid!,
      log,
      stop: async () => {
        await stop();
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  }
}

/**
 * The whole set-up in one call: SERIES written as OpenMetrics, blocks built, prometheus started
 * on them. The OpenMetrics files and blocks live in the server's temp dir (removed by stop()).
 */
export async function prometheusWith(series: readonly VolumeSeries[], opts: PrometheusOptions & { from?: number; to?: number } = {}): Promise<TestPrometheus & { buildMs: number }> {
  const work = fs.mkdtempSync(path.join(tmpdir(), 'diskblame-prom-data-'));
  const t0 = Date.now();
  try {
    const files = writeOpenMetrics(path.join(work, 'om'), series, { from: opts.from, to: opts.to });
    await createBlocks(files, path.join(work, 'data'));
    fs.rmSync(path.join(work, 'om'), { recursive: true, force: true });
    const buildMs = Date.now() - t0;
    const p = await startPrometheus({ ...opts, dataDir: path.join(work, 'data') });
    return {
      ...p,
      buildMs,
      stop: async () => {
        await p.stop();
        fs.rmSync(work, { recursive: true, force: true });
      },
    };
  } catch (e) {
    fs.rmSync(work, { recursive: true, force: true });
    throw e;
  }
}
