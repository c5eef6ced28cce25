/**
 * The fleet exporter (issue 14: `diskblame fleet --prometheus URL --serve ADDR`) and contrib/'s
 * alert rules, with real components: promtool on the rules, their unit test and the exposition;
 * the exporter's HTTP server on 127.0.0.1 with FleetResults made by the real model from
 * fixtures/traces; and, end to end, the CLI exporter reading a real Prometheus (test/helpers/
 * prometheus.ts) that scrapes it back with the contrib rules loaded, whose /api/v1/alerts must show
 * the critical alert for exactly the traces that fill within a day of the cut.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { forecast } from '../src/forecast/model.js';
import type { Point } from '../src/forecast/types.js';
import type { FleetResult, FleetVolume } from '../src/fleet/types.js';
import { FleetServer, parseListenAddr, thinPoints } from '../src/fleet/serve.js';
import { fleetFamilies, renderFleetMetrics, type FleetHealth } from '../src/report/fleet-metrics.js';
import { effectiveFill } from '../src/report/forecast.js';
import { UserError } from '../src/util/errors.js';
import { makeTmp, rmrf } from './helpers/fs.js';
import { assertOneLineError, CLI, REPO, runCli } from './helpers/run.js';
import { freePort, PROMTOOL, promAvailable, prometheusWith, readTrace, traceSeries, type TestPrometheus, type Trace } from './helpers/prometheus.js';

const H = 3_600_000;
const DAY = 24 * H;
const TRACES = path.join(REPO, 'fixtures', 'traces');
const CONTRIB = path.join(REPO, 'contrib');
const RULES = path.join(CONTRIB, 'diskblame-fleet.rules.yml');
const RULES_TEST = path.join(CONTRIB, 'diskblame-fleet.rules.test.yml');
const noPromtool = fs.existsSync(PROMTOOL) ? false : `no ${PROMTOOL} (apt-get install prometheus)`;
const tmp = makeTmp('fserve');
after(() => rmrf(tmp));

const trace = (name: string): Trace => readTrace(path.join(TRACES, `${name}.csv.gz`));

/** a trace's points in the 30 days up to `cut` (what the fleet reads), as the model takes them */
function pointsUpTo(tr: Trace, cut: number): Point[] {
  const p: Point[] = [];
  for (let i = 0; i < tr.t.length; i++) if (tr.t[i]! <= cut && tr.t[i]! > cut - 30 * DAY) p.push({ t: tr.t[i]!, used: tr.used[i]!, size: tr.size[i]! });
  return p;
}

/** a FleetVolume from the real model on TRACE cut at CUT */
function volumeOf(tr: Trace, cut: number, key: Partial<FleetVolume> = {}): FleetVolume {
  const points = pointsUpTo(tr, cut);
  const t0 = performance.now();
  const f = forecast(points);
  return {
    instance: `${tr.name}:9100`, mountpoint: `/srv/${tr.name}`, device: `/dev/${tr.name}`, fstype: 'ext4', labels: { job: 'node' },
    forecast: f, reason: null, points: points.length, modelMs: performance.now() - t0, now: cut, ...key,
  };
}

function resultOf(volumes: FleetVolume[], end: number, errors: string[] = []): FleetResult {
  return { volumes, start: end - 30 * DAY, end, stepSeconds: 300, startedAt: Date.now(), durationMs: 5, queryMs: 3, modelMs: 2, serverQueryMs: 1, queries: 2, series: volumes.length, errors };
}

const health = (h: Partial<FleetHealth> = {}): FleetHealth => ({
  intervalMs: 300_000, refreshes: 1, failures: 0, up: true, lastRefreshAt: Date.now(), lastDurationMs: 1234, lastSuccessAt: Date.now(), failedVolumes: 0, keptVolumes: 0, ...h,
});

/** promtool check metrics on TEXT: its exit code and the lint findings (one per line) */
function promtoolMetrics(text: string): { code: number | null; findings: string[]; out: string } {
  const r = spawnSync(PROMTOOL, ['check', 'metrics'], { input: text, encoding: 'utf8', timeout: 60_000 });
  const out = r.stdout + r.stderr;
  return { code: r.status, findings: out.split('\n').filter(Boolean), out };
}

/** the sample lines of an exposition: [name, labels text, value] */
function samples(text: string, name: string): { labels: string; value: string }[] {
  return text
    .split('\n')
    .filter((l) => l.startsWith(name + '{') || l.startsWith(name + ' '))
    .map((l) => {
      const sp = l.lastIndexOf(' ');
      return { labels: l.slice(name.length, sp), value: l.slice(sp + 1) };
    });
}

describe('contrib: the fleet alert rules', { skip: noPromtool }, () => {
  it('promtool check rules passes, and the unit test (promtool test rules) passes', () => {
    const c = spawnSync(PROMTOOL, ['check', 'rules', RULES], { encoding: 'utf8' });
    assert.equal(c.status, 0, c.stdout + c.stderr);
    assert.match(c.stdout, /SUCCESS: 5 rules found/);
    const t = spawnSync(PROMTOOL, ['test', 'rules', RULES_TEST], { encoding: 'utf8', cwd: CONTRIB });
    assert.equal(t.status, 0, t.stdout + t.stderr);
    assert.match(t.stdout + t.stderr, /SUCCESS/);
  });

  it('the unit test fails on rules that are wrong (a 2 h critical threshold, a warning with no for:)', () => {
    const rules = fs.readFileSync(RULES, 'utf8');
    const unitTest = fs.readFileSync(RULES_TEST, 'utf8');
    for (const [what, from, to] of [
      ['2 h threshold', 'expr: diskblame_time_to_full_seconds < 86400\n', 'expr: diskblame_time_to_full_seconds < 7200\n'],
      ['warning with no for:', '        for: 1h\n', ''],
      ['stale after one interval', '> 3 * diskblame_fleet_refresh_interval_seconds', '> 1 * diskblame_fleet_refresh_interval_seconds'],
    ]) {
      assert.ok(rules.includes(from!), `${what}: ${from} not in the rules`);
      const dir = fs.mkdtempSync(path.join(tmp, 'mutant-'));
      fs.writeFileSync(path.join(dir, 'diskblame-fleet.rules.yml'), rules.replace(from!, to!));
      fs.writeFileSync(path.join(dir, 'diskblame-fleet.rules.test.yml'), unitTest);
      const t = spawnSync(PROMTOOL, ['test', 'rules', 'diskblame-fleet.rules.test.yml'], { encoding: 'utf8', cwd: dir });
      assert.notEqual(t.status, 0, `${what}: the unit test passed on the wrong rules`);
      assert.match(t.stdout + t.stderr, /FAILED/);
    }
  });

  it('the scrape snippet is a valid scrape config with honor_labels and the job the rules name', () => {
    const snippet = fs.readFileSync(path.join(CONTRIB, 'prometheus-scrape.yml'), 'utf8');
    assert.match(snippet, /honor_labels: true/);
    assert.match(snippet, /job_name: diskblame-fleet/);
    assert.match(fs.readFileSync(RULES, 'utf8'), /up\{job="diskblame-fleet"\}/);
    const f = path.join(tmp, 'prometheus.yml');
    fs.writeFileSync(f, `global:\n  scrape_interval: 15s\n${snippet}`);
    const c = spawnSync(PROMTOOL, ['check', 'config', f], { encoding: 'utf8' });
    assert.equal(c.status, 0, c.stdout + c.stderr);
  });
});

describe('the fleet exposition (report/fleet-metrics.ts)', () => {
  const lin = trace('00-linear');
  const batch = trace('14-weekly_batch');
  const never = trace('10-never');
  const cut = lin.fillsAt! - 10 * H;
  const vols = [
    volumeOf(lin, cut),
    volumeOf(batch, batch.fillsAt! - 10 * H),
    volumeOf(never, never.t[never.t.length - 1]!),
    { ...volumeOf(never, never.t[never.t.length - 1]!), instance: 'short:9100', forecast: null, reason: 'too few points (3)', points: 3 },
  ];

  it('every volume labelled instance, mountpoint, device, fstype; the issue names beside time_to_full; hours = seconds / 3600', () => {
    const text = renderFleetMetrics({ result: resultOf(vols, cut), health: health() });
    const ttf = samples(text, 'diskblame_time_to_full_seconds');
    const hours = samples(text, 'diskblame_hours_to_full');
    assert.equal(ttf.length, 3, 'no time to full for the volume without a forecast');
    assert.deepEqual(hours.map((h) => h.labels), ttf.map((s) => s.labels));
    for (let i = 0; i < ttf.length; i++) {
      const s = Number(ttf[i]!.value.replace('+Inf', 'Infinity'));
      assert.equal(Number(hours[i]!.value.replace('+Inf', 'Infinity')), s / 3600);
    }
    assert.equal(ttf[0]!.labels, '{mountpoint="/srv/00-linear",device="/dev/00-linear",instance="00-linear:9100",fstype="ext4"}');
    // the model's own answer, counted from the cut (the forecast's moment), not from the wall clock
    const eff = effectiveFill(vols[0]!.forecast!)!;
    assert.equal(Number(ttf[0]!.value), Math.max(0, Math.round((eff.at - cut) / 1000)));
    assert.ok(Number(ttf[0]!.value) < 86400, `linear cut 10 h before its fill: ${ttf[0]!.value} s`);
    assert.equal(samples(text, 'diskblame_time_to_full_seconds{mountpoint="/srv/10-never"')[0]?.value ?? ttf[2]!.value, '+Inf');
    for (const name of ['diskblame_fill_timestamp_seconds', 'diskblame_next_peak_fits', 'diskblame_forecast_error_ratio', 'diskblame_growth_bytes_per_day'])
      assert.ok(samples(text, name).length >= 1, `${name} missing`);
    assert.equal(samples(text, 'diskblame_forecast_backtest_error_ratio').length, 0, 'the error ratio once, under the issue name');
    // the weekly batch's peak will not fit: next_peak_fits 0 on its labels
    assert.ok(samples(text, 'diskblame_next_peak_fits').some((s) => s.labels.includes('14-weekly_batch') && s.value === '0'));
    // no forecast: forecast_available 0 and nothing else with its labels, its reason nowhere
    const short = text.split('\n').filter((l) => l.includes('instance="short:9100"'));
    assert.deepEqual(short, ['diskblame_forecast_available{mountpoint="/srv/10-never",device="/dev/10-never",instance="short:9100",fstype="ext4"} 0']);
    assert.doesNotMatch(text, /too few/);
    // health
    for (const [name, value] of [['diskblame_fleet_up', '1'], ['diskblame_fleet_volumes', '4'], ['diskblame_fleet_series', '4'], ['diskblame_fleet_refresh_duration_seconds', '1.234'], ['diskblame_fleet_refresh_failures_total', '0'], ['diskblame_fleet_refresh_interval_seconds', '300']])
      assert.deepEqual(samples(text, name), [{ labels: '', value }], name);
    assert.match(text, /^# TYPE diskblame_fleet_refresh_failures_total counter$/m);
  });

  it('promtool check metrics: parses, and its only lint finding is the hours the issue names', { skip: noPromtool }, () => {
    const text = renderFleetMetrics({ result: resultOf(vols, cut), health: health({ failures: 2, refreshes: 7 }) });
    const p = promtoolMetrics(text);
    assert.notEqual(p.code, 1, `promtool could not parse it: ${p.out}`);
    assert.deepEqual(p.findings, ['diskblame_hours_to_full use base unit "seconds" instead of "hours"'], p.out);
    // and the exposition without it is clean: the only finding is that one name
    const p2 = promtoolMetrics(text.split('\n').filter((l) => !l.includes('diskblame_hours_to_full')).join('\n'));
    assert.equal(p2.code, 0, p2.out);
    // before any refresh: only the health, still valid
    const p3 = promtoolMetrics(renderFleetMetrics({ result: null, health: health({ up: false, refreshes: 0, lastRefreshAt: null, lastDurationMs: null, lastSuccessAt: null }) }));
    assert.equal(p3.code, 0, p3.out);
  });

  it('hostile label values from Prometheus are escaped: no line break, quote or control byte escapes a label', { skip: noPromtool }, () => {
    const evil = 'h"o\\st\n{x="1"} 1\n# TYPE x counter';
    const mount = '/mnt/\x1b[31mred\u202e\x00\rz';
    const v = { ...vols[0]!, instance: evil, mountpoint: mount, device: '\x07dev', fstype: 'e"xt4' };
    const text = renderFleetMetrics({ result: resultOf([v], cut), health: health() });
    const p = promtoolMetrics(text);
    assert.notEqual(p.code, 1, p.out);
    assert.deepEqual(p.findings.filter((f) => !f.startsWith('diskblame_hours_to_full ')), [], p.out);
    for (const l of text.split('\n').filter(Boolean)) assert.match(l, /^(# (HELP|TYPE) diskblame_|diskblame_)/, `a line that is not ours: ${JSON.stringify(l)}`);
    assert.doesNotMatch(text, /[\x00-\x09\x0b-\x1f\x7f\u202e]/u, 'a raw control or bidi character');
    const avail = samples(text, 'diskblame_forecast_available')[0]!.labels;
    assert.equal(avail, '{mountpoint="/mnt/\\\\x1b[31mred\\\\u{202e}\\\\x00\\\\x0dz",device="\\\\x07dev",instance="h\\"o\\\\st\\n{x=\\"1\\"} 1\\n# TYPE x counter",fstype="e\\"xt4"}');
  });

  it('two volumes with the same labels (two scrape jobs) are one series: the first (soonest) wins', () => {
    const a = vols[0]!;
    const fams = fleetFamilies({ result: resultOf([a, { ...a, labels: { job: 'other' }, forecast: null, reason: 'x' }], cut), health: health() });
    const avail = fams.find((f) => f.name === 'diskblame_forecast_available')!;
    assert.deepEqual(avail.samples.map((s) => s.value), [1]);
  });
});

describe('thinPoints', () => {
  it('keeps at most max points in time order, each bucket its lowest and highest (a peak survives)', () => {
    const tr = trace('14-weekly_batch');
    const pts = pointsUpTo(tr, tr.fillsAt! - 10 * H);
    const thin = thinPoints(pts, 200);
    assert.ok(thin.length <= 200 && thin.length >= 150, `${thin.length}`);
    for (let i = 1; i < thin.length; i++) assert.ok(thin[i]!.t > thin[i - 1]!.t);
    assert.equal(Math.max(...thin.map((p) => p.used)), Math.max(...pts.map((p) => p.used)));
    assert.equal(Math.min(...thin.map((p) => p.used)), Math.min(...pts.map((p) => p.used)));
    assert.deepEqual(thinPoints(pts.slice(0, 10), 200), pts.slice(0, 10));
  });
});

describe('parseListenAddr', () => {
  it('host:port, [v6]:port, :port; one-line errors otherwise', () => {
    assert.deepEqual(parseListenAddr('127.0.0.1:9477'), { host: '127.0.0.1', port: 9477 });
    assert.deepEqual(parseListenAddr('[::1]:9477'), { host: '::1', port: 9477 });
    assert.deepEqual(parseListenAddr(':9477'), { host: '', port: 9477 });
    assert.deepEqual(parseListenAddr('localhost:0'), { host: 'localhost', port: 0 });
    for (const bad of ['9477', '127.0.0.1', '127.0.0.1:70000', '::1:9477', '[::1]', 'a b:1', 'host:-1', 'host:port', 'http://h:1', '']) {
      assert.throws(() => parseListenAddr(bad), (e: Error) => e instanceof UserError && !e.message.includes('\n'), bad);
    }
  });
});

// ---- the server, in this process, on FleetResults made by the model ----------------------------

interface Got {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

function request(port: number, pathname: string, opts: { method?: string; body?: string; headers?: Record<string, string> } = {}): Promise<Got> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: pathname, method: opts.method ?? 'GET', headers: opts.headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

const until = async (what: string, ok: () => boolean | Promise<boolean>, ms = 10_000) => {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe('FleetServer (fleet/serve.ts) on 127.0.0.1', () => {
  const lin = trace('00-linear');
  const batch = trace('14-weekly_batch');
  const cut = lin.fillsAt! - 10 * H;
  const good = resultOf([volumeOf(lin, cut), volumeOf(batch, batch.fillsAt! - 10 * H)], cut);
  let server: FleetServer;
  let port = 0;
  let plan: (() => Promise<FleetResult>)[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  let calls = 0;
  let reading = 0;
  let maxReading = 0;
  let historyDelay = 0;
  const logs: string[] = [];

  before(async () => {
    server = new FleetServer(
      { addr: { host: '127.0.0.1', port: 0 }, intervalMs: 150, chartPoints: 100 },
      {
        refresh: async () => {
          calls++;
          inFlight++;
          maxInFlight = Math.max(maxInFlight, inFlight);
          try {
            await new Promise((r) => setTimeout(r, 200)); // longer than the interval: never two at once
            const next = plan.shift();
            return next ? await next() : good;
          } finally {
            inFlight--;
          }
        },
        history: async (v) => {
          reading++;
          maxReading = Math.max(maxReading, reading);
          await new Promise((r) => setTimeout(r, historyDelay));
          reading--;
          return pointsUpTo(v.instance.startsWith('00-') ? lin : batch, v.now);
        },
        log: (l) => logs.push(l),
      },
    );
    port = (await server.start()).port;
  });
  after(() => server.close());

  it('/metrics answers before the first refresh ends (fleet_up 0), then serves the forecasts', async () => {
    const first = await request(port, '/metrics');
    assert.equal(first.status, 200);
    assert.equal(first.headers['content-type'], 'text/plain; version=0.0.4; charset=utf-8');
    await until('the first refresh', () => server.state().health.refreshes >= 1);
    const m = await request(port, '/metrics');
    assert.deepEqual(samples(m.body, 'diskblame_fleet_up'), [{ labels: '', value: '1' }]);
    assert.equal(samples(m.body, 'diskblame_time_to_full_seconds').length, 2);
    const head = await request(port, '/metrics', { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(head.body, '');
    assert.equal(Number(head.headers['content-length']) > 1000, true);
  });

  it('/volume: the forecast, its peaks, the points thinned for a chart; 400, 404', async () => {
    await until('a refresh', () => server.state().result !== null);
    const r = await request(port, `/volume?instance=${encodeURIComponent('14-weekly_batch:9100')}&mountpoint=${encodeURIComponent('/srv/14-weekly_batch')}`);
    assert.equal(r.status, 200, r.body);
    assert.equal(r.headers['content-type'], 'application/json');
    const j = JSON.parse(r.body);
    assert.equal(j.instance, '14-weekly_batch:9100');
    assert.equal(j.available, true);
    assert.equal(j.reason, null);
    assert.ok(j.forecast.peaks.length >= 1, 'a weekly peak');
    assert.equal(j.forecast.nextRisk.fits, false);
    assert.equal(j.forecast.pattern, volumeOf(batch, batch.fillsAt! - 10 * H).forecast!.pattern);
    assert.ok(j.timeToFullSeconds > 0 && j.timeToFullSeconds < 86400, String(j.timeToFullSeconds));
    assert.ok(j.points.length > 50 && j.points.length <= 100, `${j.points.length} points`);
    assert.ok(j.modelPoints > j.points.length);
    assert.equal((await request(port, '/volume?instance=x')).status, 400);
    assert.equal((await request(port, '/volume?instance=x&mountpoint=y')).status, 404);
  });

  it('/volume reads one history at a time, at most 8 waiting (503 beyond)', async () => {
    await until('a refresh', () => server.state().result !== null);
    historyDelay = 300; // the 12 requests all arrive while the first read is under way
    const q = `/volume?instance=${encodeURIComponent('00-linear:9100')}&mountpoint=${encodeURIComponent('/srv/00-linear')}`;
    const codes = (await Promise.all(Array.from({ length: 12 }, () => request(port, q)))).map((r) => r.status).sort();
    historyDelay = 0;
    assert.deepEqual(codes, [...Array(8).fill(200), ...Array(4).fill(503)]);
    assert.equal(maxReading, 1);
  });

  it('GET/HEAD only, unknown paths 404, a body 413, a long URL 414; / and /-/healthy', async () => {
    for (const method of ['POST', 'PUT', 'DELETE']) {
      const r = await request(port, '/metrics', { method });
      assert.equal(r.status, method === 'POST' ? 405 : 405, method);
      assert.equal(r.headers.allow, 'GET, HEAD');
    }
    assert.equal((await request(port, '/nope')).status, 404);
    // a path beginning "//" is a path, not a host: "//metrics" was the index page
    assert.equal((await request(port, '//metrics')).status, 404);
    assert.equal((await request(port, '//x/metrics')).status, 404);
    assert.equal((await request(port, '/metrics', { method: 'GET', body: 'x'.repeat(100), headers: { 'content-length': '100' } })).status, 413);
    assert.equal((await request(port, '/metrics?' + 'a'.repeat(5000))).status, 414);
    assert.match((await request(port, '/')).body, /\/metrics/);
    assert.equal((await request(port, '/-/healthy')).body, 'OK\n');
  });

  it('a failed refresh keeps the last good forecasts and counts; a partial one keeps the lost volume; never two refreshes at once', async () => {
    const before = server.state().health;
    plan = [
      async () => {
        throw new Error('connect ECONNREFUSED 127.0.0.1:1');
      },
      async () => ({ ...good, volumes: [good.volumes[0]!, { ...good.volumes[1]!, forecast: null, reason: 'the query failed' }], errors: ['batch 2: HTTP 503'] }),
    ];
    await until('the failed refresh', () => server.state().health.failures === before.failures + 1);
    let m = (await request(port, '/metrics')).body;
    assert.deepEqual(samples(m, 'diskblame_fleet_up'), [{ labels: '', value: '0' }]);
    assert.deepEqual(samples(m, 'diskblame_fleet_refresh_failures_total'), [{ labels: '', value: String(before.failures + 1) }]);
    assert.equal(samples(m, 'diskblame_time_to_full_seconds').length, 2, 'the last good forecasts stay');
    assert.ok(logs.some((l) => /refresh failed .*ECONNREFUSED.*last good forecasts stay served/.test(l)), logs.join('\n'));
    await until('the partial refresh', () => server.state().health.keptVolumes === 1);
    m = (await request(port, '/metrics')).body;
    assert.deepEqual(samples(m, 'diskblame_fleet_up'), [{ labels: '', value: '1' }]);
    assert.deepEqual(samples(m, 'diskblame_fleet_kept_volumes'), [{ labels: '', value: '1' }]);
    assert.deepEqual(samples(m, 'diskblame_fleet_failed_volumes'), [{ labels: '', value: '1' }]);
    assert.equal(samples(m, 'diskblame_time_to_full_seconds').length, 2, "the batch that failed keeps its volume's forecast");
    await until('another refresh', () => calls >= 6);
    assert.equal(maxInFlight, 1, 'two refreshes at once');
  });

  it('a port in use: one line, a UserError', async () => {
    const other = new FleetServer({ addr: { host: '127.0.0.1', port }, intervalMs: 1000 }, { refresh: async () => good });
    await assert.rejects(other.start(), (e: Error) => e instanceof UserError && /127\.0\.0\.1:\d+: cannot listen: the port is in use$/.test(e.message));
  });
});

// ---- end to end: the CLI exporter on a real Prometheus that scrapes it with the contrib rules ---

/** the traces of the end-to-end test and where each is cut: hours before its fill, or its end */
const E2E: { name: string; before: number | 'end' }[] = [
  { name: '00-linear', before: 10 },
  { name: '02-weekly_batch', before: 10 },
  { name: '08-cleanups', before: 10 },
  { name: '14-weekly_batch', before: 10 },
  { name: '03-backup_retention', before: 96 },
  { name: '12-linear', before: 96 },
  { name: '07-resize', before: 'end' },
  { name: '10-never', before: 'end' },
  { name: '22-never', before: 'end' },
];

interface Alert {
  labels: Record<string, string>;
  state: 'pending' | 'firing';
  value: string;
}

function getJson<T>(url: string): Promise<T> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent: false }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          try {
            resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as T);
          } catch (e) {
            reject(new Error(`${url}: HTTP ${res.statusCode}: ${(e as Error).message}`));
          }
        });
      })
      .on('error', reject);
  });
}

/**
 * contrib/prometheus-scrape.yml's scrape config as shipped, pointed at TARGET and scraping every
 * second (the rest, honor_labels above all, as the user gets it)
 */
function scrapeSnippet(target: string): string {
  const snippet = fs.readFileSync(path.join(CONTRIB, 'prometheus-scrape.yml'), 'utf8');
  const body = snippet.slice(snippet.indexOf('scrape_configs:\n') + 'scrape_configs:\n'.length);
  const out = body.replace("['127.0.0.1:9477']", `['${target}']`).replace('scrape_interval: 1m', 'scrape_interval: 1s').replace('scrape_timeout: 10s', 'scrape_timeout: 1s');
  assert.notEqual(out, body);
  assert.match(out, new RegExp(target.replace(/\./g, '\\.')));
  // the harness writes its own `scrape_configs:` and wants the list items at the top level
  return out.replace(/^ {2}/gm, '');
}

/** the alerts Prometheus holds now */
async function alerts(prom: TestPrometheus): Promise<Alert[]> {
  const j = await getJson<{ status: string; data: { alerts: Alert[] } }>(`${prom.url}/api/v1/alerts`);
  assert.equal(j.status, 'success');
  return j.data.alerts;
}

const volumeName = (a: Alert) => a.labels.mountpoint!.replace('/srv/', '');

describe('fleet --serve (the CLI) on a real Prometheus holding the traces, scraped back with the contrib rules', { skip: promAvailable() ?? false }, () => {
  /** every trace cut at T (shifted there), two days after it written too: --at must leave them out */
  const T = Date.parse('2026-09-01T00:00:00Z');
  const HOSTILE = '/mnt/\x1b[31mred\x1b]0;pwned\x07\\"q\nx';
  const env = { ...process.env, DISKBLAME_DEBUG: '', TZ: 'UTC', DISKBLAME_PROMETHEUS_TOKEN: '', DISKBLAME_PROMETHEUS_PASSWORD: '' };
  let prom: TestPrometheus;
  let exporter: ChildProcess;
  let exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  let port = 0;
  let stderr = '';

  before(async () => {
    const series = E2E.map(({ name, before }) => {
      const tr = trace(name);
      const cut = before === 'end' ? tr.t[tr.t.length - 1]! : tr.fillsAt! - before * H;
      // the premise: the model, on the trace itself, fills within a day of the cut exactly for the 10-h ones
      const eff = effectiveFill(volumeOf(tr, cut).forecast!);
      assert.equal(eff !== null && eff.at - cut < DAY, before === 10, `${name}: the model on the raw trace says ${eff && (eff.at - cut) / H} h`);
      return traceSeries(tr, { instance: `${name}:9100`, mountpoint: `/srv/${name}`, device: `/dev/${name}`, fstype: 'ext4' }, { shiftMs: T - cut, from: T - 31 * DAY, to: T + 2 * DAY });
    });
    series.push({ ...series[E2E.length - 1]!, labels: { instance: 'evil"\n:9100', mountpoint: HOSTILE, device: '/dev/\x00', fstype: 'ext4' } });
    port = await freePort();
    prom = await prometheusWith(series, { scrapeConfigs: scrapeSnippet(`127.0.0.1:${port}`), ruleFiles: [RULES], interval: '1s' });
    exporter = spawn(process.execPath, [CLI, 'fleet', '--prometheus', prom.url, '--at', new Date(T).toISOString(), '--serve', `127.0.0.1:${port}`, '--interval', '10m', '--verbose'], { stdio: ['ignore', 'pipe', 'pipe'], env });
    exited = new Promise((resolve) => exporter.once('exit', (code, signal) => resolve({ code, signal })));
    exporter.stderr!.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    exporter.stdout!.on('data', (d: Buffer) => assert.fail(`stdout: ${d}`));
    await until('the first refresh', () => /refresh: \d+ volumes/.test(stderr) || exporter.exitCode !== null, 180_000);
    assert.match(stderr, /refresh: 10 volumes \(0 without a forecast\)/, stderr);
  });
  after(async () => {
    if (exporter && exporter.exitCode === null && exporter.signalCode === null) exporter.kill('SIGKILL');
    await prom?.stop();
  });

  it('/api/v1/alerts: the critical alert fires for exactly the traces that fill within a day of the cut', async () => {
    const want = E2E.filter((e) => e.before === 10).map((e) => e.name).sort();
    let got: Alert[] = [];
    await until('the critical alerts', async () => {
      got = (await alerts(prom)).filter((a) => a.labels.alertname === 'DiskblameVolumeFullWithin24h' && a.state === 'firing');
      return got.length >= want.length;
    }, 60_000);
    await new Promise((r) => setTimeout(r, 3000)); // a few more evaluations: nothing else comes
    const all = await alerts(prom);
    got = all.filter((a) => a.labels.alertname === 'DiskblameVolumeFullWithin24h');
    assert.deepEqual(got.map(volumeName).sort(), want, JSON.stringify(got, null, 1));
    for (const a of got) {
      assert.equal(a.state, 'firing');
      assert.equal(a.labels.instance, `${volumeName(a)}:9100`, 'honor_labels: the node, not the exporter');
      assert.ok(Number(a.value) < 86400 && Number(a.value) > 0, `${volumeName(a)}: ${a.value}`);
    }
    // the 4-day ones: the warning, pending its hour; the exporter's own alerts quiet
    const warn = all.filter((a) => a.labels.alertname === 'DiskblameVolumeFullWithin7d');
    assert.deepEqual(warn.map(volumeName).sort(), ['03-backup_retention', '12-linear'], JSON.stringify(warn, null, 1));
    assert.deepEqual(all.filter((a) => a.labels.alertname!.startsWith('DiskblameFleet')), []);
    const up = await getJson<{ data: { result: { metric: Record<string, string>; value: [number, string] }[] } }>(`${prom.url}/api/v1/query?query=${encodeURIComponent('diskblame_fleet_up')}`);
    assert.deepEqual(up.data.result.map((r) => [r.metric.instance, r.value[1]]), [[`127.0.0.1:${port}`, '1']]);
  });

  it('/metrics: the hostile labels escaped (promtool parses it), time to full counted from --at', async () => {
    const m = await request(port, '/metrics');
    assert.equal(m.status, 200);
    const p = promtoolMetrics(m.body);
    assert.notEqual(p.code, 1, p.out);
    assert.deepEqual(p.findings, ['diskblame_hours_to_full use base unit "seconds" instead of "hours"'], p.out);
    assert.doesNotMatch(m.body, /[\x00-\x09\x0b-\x1f\x7f]/, 'a raw control character');
    const evil = m.body.split('\n').filter((l) => l.includes('instance="evil'));
    assert.ok(evil.length >= 3, m.body);
    for (const l of evil) assert.match(l, /^diskblame_\w+\{mountpoint="\/mnt\/\\\\x1b\[31mred\\\\x1b\]0;pwned\\\\x07\\\\\\"q\\nx",device="\/dev\/\\\\x00",instance="evil\\"\\n:9100",fstype="ext4"\} \S+$/, l);
    // the linear trace cut 10 h before its fill: from --at (T), not from the wall clock (months later)
    const ttf = samples(m.body, 'diskblame_time_to_full_seconds').find((s) => s.labels.includes('"/srv/00-linear"'))!;
    assert.ok(Number(ttf.value) > 3 * 3600 && Number(ttf.value) < 86400, ttf.value);
    assert.deepEqual(samples(m.body, 'diskblame_fleet_range_end_timestamp_seconds'), [{ labels: '', value: String(T / 1000) }]);
  });

  it('/volume: one volume as the model saw it, its points read back from Prometheus up to --at', async () => {
    const q = `/volume?instance=${encodeURIComponent('14-weekly_batch:9100')}&mountpoint=${encodeURIComponent('/srv/14-weekly_batch')}`;
    const r = await request(port, q);
    assert.equal(r.status, 200, r.body);
    const j = JSON.parse(r.body);
    assert.equal(j.available, true);
    assert.equal(j.now, new Date(T).toISOString());
    assert.equal(j.forecast.nextRisk.fits, false);
    assert.ok(j.forecast.peaks.length >= 1);
    const m = await request(port, '/metrics');
    const ttf = samples(m.body, 'diskblame_time_to_full_seconds').find((s) => s.labels.includes('"/srv/14-weekly_batch"'))!;
    assert.equal(j.timeToFullSeconds, Number(ttf.value));
    assert.ok(j.points.length > 100 && j.points.length <= 500, `${j.points.length}`);
    assert.ok(j.points.every((p: number[]) => p[0]! <= T && p[0]! > T - 30 * DAY && p[2]! > 0 && p[1]! <= p[2]!));
    assert.ok(j.modelPoints >= j.points.length);
    // the same volume again: from the cache, the same answer
    assert.deepEqual(JSON.parse((await request(port, q)).body), j);
  });

  it('a bad ADDR and a port in use: one line, exit 1, before any work', () => {
    for (const addr of ['127.0.0.1', '127.0.0.1:65536', '::1:9477', 'nowhere.invalid:9477']) {
      const l = assertOneLineError(runCli(['fleet', '--prometheus', prom.url, '--serve', addr], { env, timeoutMs: 60_000 }), 1);
      assert.match(l, /^diskblame: --serve /, l);
    }
    const l = assertOneLineError(runCli(['fleet', '--prometheus', prom.url, '--serve', `127.0.0.1:${prom.port}`], { env, timeoutMs: 60_000 }), 1);
    assert.equal(l, `diskblame: --serve 127.0.0.1:${prom.port}: cannot listen: the port is in use`);
    for (const interval of ['0s', '500ms', 'soon', '30d']) assert.match(assertOneLineError(runCli(['fleet', '--prometheus', prom.url, '--serve', '127.0.0.1:0', '--interval', interval], { env }), 1), /--interval wants/);
  });

  it('piped and without --verbose: only the failed refreshes on stderr; SIGINT exits 0', async () => {
    const dead = await freePort(); // nothing listens there
    const p = spawn(process.execPath, [CLI, 'fleet', '--prometheus', `http://127.0.0.1:${dead}`, '--serve', '127.0.0.1:0', '--interval', '1s'], { stdio: ['ignore', 'pipe', 'pipe'], env });
    let err = '';
    p.stderr!.on('data', (d: Buffer) => (err += d.toString('utf8')));
    const done = new Promise<number | null>((resolve) => p.once('exit', (code) => resolve(code)));
    await until('two failed refreshes', () => (err.match(/refresh failed/g) ?? []).length >= 2, 30_000);
    p.kill('SIGINT');
    assert.equal(await done, 0, err);
    const lines = err.split('\n').filter(Boolean);
    for (const l of lines) assert.match(l, new RegExp(`^diskblame: \\S+Z refresh failed after \\d+\\.\\d s: cannot reach http://127\\.0\\.0\\.1:${dead}: connection refused$`), l);
  });

  it('SIGTERM: the exporter closes and exits 0', async () => {
    exporter.kill('SIGTERM');
    const { code, signal } = await exited;
    assert.equal(signal, null);
    assert.equal(code, 0, stderr);
    assert.match(stderr, /SIGTERM: stopping/);
    assert.doesNotMatch(stderr, /^\s+at /m);
    await assert.rejects(request(port, '/metrics'), /ECONNREFUSED/);
  });
});
