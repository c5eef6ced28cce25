/**
 * `diskblame fleet --prometheus URL` against a real Prometheus (Debian's prometheus and promtool,
 * test/helpers/prometheus.ts): every trace of fixtures/traces written as node_exporter series
 * (its own instance), each shifted in time so that its cut moment (3 days before it fills, or 75%
 * of its span when it never does) lands on one common T; blocks built by promtool; the server on
 * 127.0.0.1 with a free port. `fleet --json --at T --range 30d` must give each volume the same
 * fill time and pattern as `forecast --history` on the unshifted trace cut at its moment and
 * limited to the same 30 days (within one query step). Also: --match narrows (OR'd), tmpfs and
 * overlay series are left out, a hostile mount point label is escaped in the table, bad servers
 * and URLs give one line and exit 1 (2 for a bad argument).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { assertOneLineError, CLI, runCli, type RunOptions } from './helpers/run.js';
import { makeTmp, rmrf } from './helpers/fs.js';
import { width } from '../src/ui/text.js';
import { freePort, promAvailable, prometheusWith, readTrace, traceSeries, type TestPrometheus, type Trace, type VolumeSeries } from './helpers/prometheus.js';

const skip = promAvailable();
const DAY = 86_400_000;
const RANGE = 30 * DAY;
const STEP_MS = 300_000;
const T = Date.parse('2026-06-01T00:00:00Z');
const TRACES = path.join(import.meta.dirname ?? path.dirname(new URL(import.meta.url).pathname), '..', 'fixtures', 'traces');
const tmp = makeTmp('fleet');
const env = { ...process.env, DISKBLAME_DEBUG: '', TZ: 'UTC', DISKBLAME_PROMETHEUS_TOKEN: '', DISKBLAME_PROMETHEUS_PASSWORD: '' };
const cli = (args: string[], o: RunOptions = {}) => runCli(args, { env, timeoutMs: 300_000, ...o });

/** the hostile mount point: ESC sequences (colour, a title), a BEL, a backslash, a quote */
const HOSTILE = '/mnt/\x1b[31mred\x1b]0;pwned\x07\\"q';

const DENSE_SIZE = 100 * 2 ** 30;
const denseUsed = (at: number) => DENSE_SIZE * (0.5 + (0.4 * (at - (T - RANGE))) / RANGE);
const DENSE_FILL = T + 7.5 * DAY;

interface Cut {
  tr: Trace;
  instance: string;
  /** the cut moment in the trace's own time (unix ms) and the shift that puts it on T */
  cut: number;
  shift: number;
  env: 'prod' | 'dev';
}

let prom: TestPrometheus | null = null;
const cuts: Cut[] = [];

before(async () => {
  if (skip) return;
  const series: VolumeSeries[] = [];
  const files = fs.readdirSync(TRACES).filter((f) => f.endsWith('.csv.gz')).sort();
  files.forEach((f, k) => {
    const tr = readTrace(path.join(TRACES, f));
    const span = tr.t[tr.t.length - 1]! - tr.t[0]!;
    const cut = tr.fillsAt !== null ? tr.fillsAt - 3 * DAY : Math.round(tr.t[0]! + 0.75 * span);
    const c: Cut = { tr, instance: `host-${tr.name}:9100`, cut, shift: T - cut, env: k % 2 ? 'dev' : 'prod' };
    cuts.push(c);
    // the samples after the cut are written too (up to 2 days): --at must leave them out
    series.push(traceSeries(tr, { instance: c.instance, mountpoint: '/data', device: '/dev/vdb1', fstype: 'ext4', env: c.env }, { shiftMs: c.shift, from: T - RANGE - DAY, to: T + 2 * DAY }));
  });
  // pseudo filesystems of the first trace's host (to be left out), and the hostile label
  const first = series[0]!;
  series.push({ ...first, labels: { ...first.labels, mountpoint: '/run', device: 'tmpfs', fstype: 'tmpfs' } });
  series.push({ ...first, labels: { ...first.labels, mountpoint: '/var/lib/docker/overlay2/x/merged', device: 'overlay', fstype: 'overlay' } });
  series.push({ ...first, labels: { ...first.labels, instance: 'evil:9100', mountpoint: HOSTILE, env: 'evil' } });
  // a dense series (a sample every minute: as a 60 s scrape), exactly linear: 90% used at T, full 7.5 days later
  const t: number[] = [];
  const size: number[] = [];
  const avail: number[] = [];
  for (let at = T - RANGE - DAY; at <= T + DAY; at += 60_000) {
    t.push(at);
    size.push(DENSE_SIZE);
    avail.push(DENSE_SIZE - Math.round(denseUsed(at)));
  }
  series.push({ labels: { instance: 'dense:9100', mountpoint: '/', device: '/dev/vda1', fstype: 'xfs', env: 'dense' }, t, size, avail });
  prom = await prometheusWith(series);
});

after(async () => {
  await prom?.stop();
  rmrf(tmp);
});

interface JsonVolume {
  instance: string;
  mountpoint: string;
  fstype: string;
  status: string | null;
  fillsAt: string | null;
  pattern: string | null;
  reason: string | null;
  points: number;
}

function fleetJson(args: string[]): { volumes: JsonVolume[]; stepSeconds: number; start: string; end: string; errors: string[]; queries: number } {
  const r = cli(['fleet', '--prometheus', prom!.url, '--at', new Date(T).toISOString(), '--range', '30d', '--json', ...args]);
  assert.equal(r.code, 0, `${r.cmd}: exit ${r.code}: ${r.stderr}`);
  assert.equal(r.stderr, '');
  return JSON.parse(r.stdout);
}

test('fleet --json: each trace volume has the fill time and pattern of forecast --history on the same 30 days, within one step', { skip: skip ?? false, timeout: 900_000 }, (t) => {
  const j = fleetJson([]);
  let worst = 0;
  assert.equal(j.stepSeconds, 300);
  assert.equal(j.start, new Date(T - RANGE).toISOString());
  assert.equal(j.end, new Date(T).toISOString());
  assert.deepEqual(j.errors, []);
  // the pseudo filesystems are left out; the trace volumes and the hostile one are there
  assert.ok(!j.volumes.some((v) => v.fstype === 'tmpfs' || v.fstype === 'overlay'), 'tmpfs/overlay listed');
  assert.equal(j.volumes.length, cuts.length + 2);
  const diffs: string[] = [];
  for (const c of cuts) {
    const v = j.volumes.find((x) => x.instance === c.instance && x.mountpoint === '/data');
    assert.ok(v, `${c.instance} missing`);
    // the same 30 days, unshifted, as a CSV for forecast --history
    const csv = path.join(tmp, `${c.tr.name}.csv`);
    const L = ['timestamp,used_bytes,size_bytes'];
    let n = 0;
    for (let i = 0; i < c.tr.t.length; i++) {
      const t = c.tr.t[i]!;
      if (t < c.cut - RANGE || t > c.cut) continue;
      L.push(`${new Date(t).toISOString()},${c.tr.used[i]},${c.tr.size[i]}`);
      n++;
    }
    fs.writeFileSync(csv, L.join('\n') + '\n');
    const r = cli(['forecast', '--history', csv, '--json']);
    assert.equal(r.code, 0, `${r.cmd}: ${r.stderr}`);
    const f = JSON.parse(r.stdout) as { status: string; fillsAt: string | null; pattern: string };
    const want = f.fillsAt === null ? null : Date.parse(f.fillsAt) + c.shift;
    const got = v.fillsAt === null ? null : Date.parse(v.fillsAt);
    const off = want === null || got === null ? (want === got ? 0 : Infinity) : Math.abs(got - want);
    const line = `${c.tr.name}: csv ${n} points, fleet ${v.points}; fills ${want === null ? 'never' : new Date(want).toISOString()} vs ${got === null ? 'never' : new Date(got).toISOString()} (${off === Infinity ? 'one null' : `${Math.round(off / 1000)} s`}); pattern ${f.pattern} vs ${v.pattern}`;
    // the model saw the same samples: every one in the 30 days (read raw, not one a step)
    if (off > STEP_MS || f.pattern !== v.pattern || f.status !== v.status || v.points !== n) diffs.push(line);
    worst = Math.max(worst, off);
  }
  t.diagnostic(`largest difference of the fill times: ${Math.round(worst / 1000)} s`);
  assert.deepEqual(diffs, [], `volumes whose forecast differs from forecast --history by more than a step:\n${diffs.join('\n')}`);
});

test('fleet on a dense series (a sample a minute): query_range at the step, or raw in chunks of at most 11,000 samples', { skip: skip ?? false, timeout: 300_000 }, () => {
  // 5 min: 43,200 samples over 8,640 steps: dense, read by query_range (one point a step)
  const a = fleetJson(['--match', '{env="dense"}']);
  assert.equal(a.volumes.length, 1);
  const v = a.volumes[0]!;
  assert.equal(v.pattern, 'steady');
  assert.ok(Math.abs(v.points - RANGE / STEP_MS) <= 1, `${v.points} points, want one a step (${RANGE / STEP_MS})`);
  assert.ok(v.fillsAt !== null && Math.abs(Date.parse(v.fillsAt) - DENSE_FILL) <= STEP_MS, `fills ${v.fillsAt}, want ${new Date(DENSE_FILL).toISOString()}`);
  // 1 min: as many steps as samples: read raw, every sample, in 4 chunks of at most 11,000 (a
  // probe, then avail and size per chunk: 1 + 2 x 4 queries after the discovery)
  const b = fleetJson(['--match', '{env="dense"}', '--step', '1m']);
  const w = b.volumes[0]!;
  assert.equal(w.points, RANGE / 60_000 + 1);
  assert.equal(b.queries, 1 + 1 + 2 * 4);
  assert.ok(w.fillsAt !== null && Math.abs(Date.parse(w.fillsAt) - DENSE_FILL) <= 60_000, `fills ${w.fillsAt}`);
  // 2 min: 21,600 steps, 43,200 samples: dense again, by query_range in 2 chunks of at most 11,000 steps
  const c = fleetJson(['--match', '{env="dense"}', '--step', '2m']);
  assert.equal(c.volumes[0]!.points, RANGE / 120_000 + 1);
  assert.equal(c.queries, 1 + 1 + 2 * 2);
});

test('fleet --match narrows the volumes (several are OR\'d)', { skip: skip ?? false, timeout: 300_000 }, () => {
  const prod = fleetJson(['--match', '{env="prod"}']);
  const want = cuts.filter((c) => c.env === 'prod').map((c) => c.instance).sort();
  assert.deepEqual(prod.volumes.map((v) => v.instance).sort(), want);
  const two = fleetJson(['--match', `{instance="${cuts[1]!.instance}"}`, '--match', '{env="evil"}']);
  assert.deepEqual(two.volumes.map((v) => v.instance).sort(), [cuts[1]!.instance, 'evil:9100'].sort());
  // a regex matcher and a mount point: the tmpfs of the first host is still left out
  const first = fleetJson(['--match', `{instance=~"${cuts[0]!.instance.replace(/\./g, '\\\\.')}",mountpoint=~"/.*"}`]);
  assert.deepEqual(first.volumes.map((v) => v.mountpoint), ['/data']);
});

test('fleet table: 80 columns, labels escaped (a mount point with ESC and BEL bytes)', { skip: skip ?? false, timeout: 300_000 }, () => {
  const r = cli(['fleet', '--prometheus', prom!.url, '--at', String(T / 1000), '--match', '{env=~"evil|prod"}']);
  assert.equal(r.code, 0, `${r.cmd}: ${r.stderr}`);
  assert.doesNotMatch(r.stdout, /[\x00-\x09\x0b-\x1f\x7f]/, 'a control character reached the terminal');
  const rows = r.stdout.split('\n').filter(Boolean);
  for (const l of rows) assert.ok([...l].length <= 80, `longer than 80 columns: ${JSON.stringify(l)}`);
  const evil = rows.find((l) => l.startsWith('evil:9100'));
  assert.ok(evil, `no row for evil:9100 in\n${r.stdout}`);
  assert.match(evil, /\\x1b|\\e|\\033|…/, `the ESC is not shown escaped: ${JSON.stringify(evil)}`);
  // the rows are ranked: the header, the volumes, then the footer line
  assert.match(rows[0]!, /^INSTANCE +MOUNT +USED +FILLS/);
  assert.match(rows.at(-1)!, /^\d+ volumes, 2026-05-02T00:00Z to 2026-06-01T00:00Z, step 300 s$/);
  // JSON keeps the exact value (\u001b escapes on the terminal)
  const j = fleetJson(['--match', '{env="evil"}']);
  assert.equal(j.volumes[0]!.mountpoint, HOSTILE);
});

test('fleet: progress on a terminal (script pty), cleared before the table; nothing on stderr when piped', { skip: skip ?? (fs.existsSync('/usr/bin/script') ? false : 'no script(1)'), timeout: 300_000 }, () => {
  const r = spawnSync('script', ['-qec', `${process.execPath} ${CLI} fleet --prometheus ${prom!.url} --at ${T / 1000} --concurrency 1`, '/dev/null'], { encoding: 'utf8', env, timeout: 300_000 });
  assert.equal(r.status, 0, r.stdout);
  assert.match(r.stdout, /fleet: \d+ of 26 volumes, /);
  assert.match(r.stdout, /\r\x1b\[K(?:\r\n)?INSTANCE +MOUNT/, 'the progress line is not cleared before the table');
  // piped (the other tests): stderr stays empty (fleetJson asserts it)
});

test('fleet: bad servers and arguments are one line, exit 1 (2 for arguments), no stack trace', { skip: skip ?? false, timeout: 300_000 }, async () => {
  const port = await freePort();
  // nothing listens there
  let line = assertOneLineError(cli(['fleet', '--prometheus', `http://127.0.0.1:${port}`]), 1);
  assert.match(line, /cannot reach http:\/\/127\.0\.0\.1:\d+: connection refused/);
  // a server that is not Prometheus (HTML), and one that fails with Prometheus' error JSON
  const srv = http.createServer((req, res) => {
    if (req.url!.startsWith('/html/')) {
      res.setHeader('content-type', 'text/html');
      res.end('<html><body>login</body></html>');
    } else {
      res.writeHead(503, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: 'error', errorType: 'unavailable', error: 'overloaded \x1b[2J now' }));
    }
  });
  await new Promise<void>((r) => srv.listen(port, '127.0.0.1', r));
  try {
    const html = runAsync(['fleet', '--prometheus', `http://127.0.0.1:${port}/html/`]);
    const err = runAsync(['fleet', '--prometheus', `http://127.0.0.1:${port}/`]);
    line = assertOneLineError(await html, 1);
    assert.match(line, /did not answer .* as Prometheus does/);
    line = assertOneLineError(await err, 1);
    assert.match(line, /HTTP 503 .*overloaded \\x1b\[2J now/);
  } finally {
    srv.close();
  }
  line = assertOneLineError(cli(['fleet', '--prometheus', 'http://user:hunter2@127.0.0.1:9090']), 2);
  assert.match(line, /refused/);
  assert.doesNotMatch(line, /hunter2/);
  assertOneLineError(cli(['fleet', '--prometheus', prom!.url, '--range', 'ages']), 2);
  assertOneLineError(cli(['fleet', '--prometheus', prom!.url, '--at', 'yesterday']), 2);
  assertOneLineError(cli(['fleet', '--prometheus', prom!.url, '--concurrency', '9']), 2);
  assertOneLineError(cli(['fleet', '--prometheus', prom!.url, '--match', 'node_filesystem_size_bytes{job="node"}']), 2);
  assertOneLineError(cli(['fleet', '--prometheus', prom!.url, '--bearer-token-file', path.join(tmp, 'none')]), 2);
});

test('fleet table: a label of 300,000 characters (Prometheus sets no limit) is cut to its column in moments, not minutes', { timeout: 120_000 }, async () => {
  // V8's grapheme segmenter is quadratic in the string's length (80,000 characters: 1 s a pass):
  // the table measured and cut each label whole, ~40 s a pass here, several passes a row
  const huge = '\x1b[2J' + 'é'.repeat(300_000);
  const labels = { instance: huge, mountpoint: '/m' + huge, device: '/dev/x', fstype: 'ext4', job: 'node' };
  const port = await freePort();
  const srv = http.createServer(oneVolume(labels));
  await new Promise<void>((r) => srv.listen(port, '127.0.0.1', r));
  try {
    const r = await runAsync(['fleet', '--prometheus', `http://127.0.0.1:${port}`], 60_000);
    assert.equal(r.signal, null, 'killed after 60 s: the table is quadratic in a label\'s length');
    assert.equal(r.code, 0, r.stderr);
    const rows = r.stdout.split('\n').filter(Boolean);
    assert.equal(rows.length, 3, r.stdout);
    assert.match(rows[1]!, /^\\x1b\[2Jé+… +…é+ /);
    for (const l of rows) assert.ok(width(l) <= 80, `wider than 80: ${l}`);
    assert.doesNotMatch(r.stdout, /\x1b/);
  } finally {
    srv.close();
  }
});

test('fleet: more than 100,000 volumes is one line, exit 1, before any history is read (a million tiny series took 4.6 GB and 55 s)', { timeout: 120_000 }, async () => {
  const port = await freePort();
  let queries = 0;
  const srv = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (!req.url!.includes('/api/v1/series')) {
        queries++;
        res.writeHead(500, { 'content-type': 'application/json' });
        return res.end(JSON.stringify({ status: 'error', errorType: 'internal', error: 'no' }));
      }
      res.setHeader('content-type', 'application/json');
      res.write('{"status":"success","data":[');
      for (let i = 0; i < 100_001; i++) res.write(`${i ? ',' : ''}{"__name__":"node_filesystem_size_bytes","instance":"h${i}:9100","mountpoint":"/","fstype":"ext4"}`);
      res.end(']}');
    });
  });
  await new Promise<void>((r) => srv.listen(port, '127.0.0.1', r));
  try {
    const r = await runAsync(['fleet', '--prometheus', `http://127.0.0.1:${port}`], 100_000);
    const line = assertOneLineError(r, 1);
    assert.match(line, /100,001 volumes match, more than 100,000: narrow them with --match/);
    assert.equal(queries, 0);
  } finally {
    srv.close();
  }
});

test('fleet: an --at that is no date, or a --timeout beyond a day, is one clear line, exit 2, before any connection', () => {
  // (these reached the server: --at 2026-02-30 read as March 2, --at 9999999999999 printed
  // "Invalid time value", --timeout 1e308 overflowed Node's timer and timed out at once)
  const dead = 'http://127.0.0.1:9';
  const cases: [string[], RegExp][] = [
    [['--at', '2026-02-30'], /--at .*2026-02-30.*: no such day/],
    [['--at', '2026-04-31T12:00:00+02:00'], /--at .*: no such day/],
    [['--at', '9999999999999'], /--at .*between 1970 and 9999/],
    [['--at', '1969-12-31'], /--at .*between 1970 and 9999/],
    [['--timeout', '1e308'], /--timeout wants seconds above 0, at most 86400/],
    [['--timeout', '90000'], /--timeout wants seconds above 0, at most 86400/],
  ];
  for (const [args, want] of cases) {
    const r = cli(['fleet', '--prometheus', dead, ...args]);
    assert.match(assertOneLineError(r, 2), want, args.join(' '));
    assert.doesNotMatch(r.stderr, /Warning/);
  }
  // still accepted: the last day of a month, a leap day, a zone, unix seconds, year 9999
  for (const at of ['2026-04-30', '2028-02-29T23:00:00-05:00', '1780000000', '9999-12-01']) {
    const r = cli(['fleet', '--prometheus', dead, '--at', at]);
    assert.match(assertOneLineError(r, 1), /connection refused/, at);
  }
});

test('fleet: a kept-alive connection the server closed as the next request went out is retried once on a new one', { timeout: 120_000 }, async () => {
  // (a server or proxy closing an idle keep-alive connection races the client's next request on it:
  // the request met ECONNRESET and its batch failed, "connection closed by the server")
  const answer = oneVolume({ instance: 'h0:9100', mountpoint: '/', device: '/dev/x', fstype: 'ext4' });
  const port = await freePort();
  let resets = 0;
  const srv = http.createServer({ keepAliveTimeout: 60_000 }, (req, res) => {
    const n = ((req.socket as unknown as { served?: number }).served = ((req.socket as unknown as { served?: number }).served ?? 0) + 1);
    if (n > 1) {
      resets++;
      return req.socket.destroy();
    }
    answer(req, res);
  });
  await new Promise<void>((r) => srv.listen(port, '127.0.0.1', r));
  try {
    const r = await runAsync(['fleet', '--prometheus', `http://127.0.0.1:${port}`, '--json'], 60_000);
    assert.equal(r.code, 0, r.stderr);
    const v = (JSON.parse(r.stdout) as { volumes: { instance: string; reason: string | null; points: number }[] }).volumes;
    assert.equal(v.length, 1);
    assert.equal(v[0]!.points, 3, JSON.stringify(v[0]));
    assert.ok(resets >= 1, 'no request met a closed connection: the test tests nothing');
  } finally {
    srv.close();
  }
});

test('fleet: an answer nested millions deep, or of millions of tiny objects, is refused before JSON.parse runs out of heap', { timeout: 180_000 }, async () => {
  // (a 240 MB answer of nested brackets, under the 256 MiB cap, took 4 GB and 53 s and died with
  // "JavaScript heap out of memory" and V8's native stack, exit 134; here the heap is made small
  // so the same crash needs only a 20 MB answer)
  const port = await freePort();
  const srv = http.createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    res.write('{"status":"success","data":');
    if (req.url!.includes('/deep/')) res.write('['.repeat(10_000_000) + ']'.repeat(10_000_000));
    else res.write('[' + '{},'.repeat(17_000_000) + '{}]');
    res.end('}');
  });
  await new Promise<void>((r) => srv.listen(port, '127.0.0.1', r));
  try {
    for (const [where, want] of [
      ['deep', /nested more than 64 deep/],
      ['wide', /more than 16,000,000 objects and arrays/],
    ] as const) {
      const r = await runAsync(['fleet', '--prometheus', `http://127.0.0.1:${port}/${where}/`], 120_000, { NODE_OPTIONS: '--max-old-space-size=256' });
      assert.match(assertOneLineError(r, 1), want, where);
    }
  } finally {
    srv.close();
  }
});

test('fleet: samples outside the range asked (a hostile server\'s timestamps) are dropped, not forecast from', { timeout: 120_000 }, async () => {
  // (one sample dated 1e15 s ahead kept the model busy for ever, its work growing with the span:
  // 1e12 s ahead took 2 s, 1e13 s 20 s; one 31 years ahead gave a fill "31y" away)
  const now = Math.floor(Date.now() / 1000);
  const day = (k: number) => now - 10 * 86_400 + k * 300;
  for (const ahead of [1e15, 1e9, -1e12]) {
    const samples = (size: boolean) =>
      Array.from({ length: 2880 }, (_, k): [number, string] => [k === 2879 ? day(k) + ahead : day(k), size ? '1000000000' : String(9e8 - k * 1e5)]);
    const v = await oneVolumeJson(samples);
    assert.equal(v.points, 2879, `${ahead}: ${JSON.stringify(v)}`);
    assert.equal(v.status, 'ok');
    // 1e5 bytes every 5 min, 9e8 of 1e9 free at the start: full ~21 days from now
    const fills = Date.parse(v.fillsAt!) / 1000;
    assert.ok(fills > now + 15 * 86_400 && fills < now + 25 * 86_400, `${ahead}: fills ${v.fillsAt}`);
  }
});

test('fleet --json: a volume without a forecast has the same keys, in the same order, as one with (null values)', { timeout: 120_000 }, async () => {
  // (one whose query found no samples lacked peaks, backtestError, notes, asOf, regimeStart and
  // samplesUsed, and had usedBytes before sizeBytes)
  const now = Math.floor(Date.now() / 1000);
  const keys: string[][] = [];
  const runs: ((size: boolean) => [number, string][])[] = [
    (size) => Array.from({ length: 2880 }, (_, k): [number, string] => [now - 10 * 86_400 + k * 300, size ? '1000000000' : String(9e8 - k * 1e5)]),
    () => [],
  ];
  for (const samples of runs) keys.push(Object.keys(await oneVolumeJson(samples)));
  assert.deepEqual(keys[1], keys[0]);
});

test('fleet: a volume whose size is 0 in every sample says so, not "record some with diskblame sample"', { timeout: 120_000 }, async () => {
  const now = Math.floor(Date.now() / 1000);
  const samples = () => Array.from({ length: 300 }, (_, k): [number, string] => [now - 90_000 + k * 300, '0']);
  const v = await oneVolumeJson(samples);
  assert.equal(v.points, 300);
  assert.match(v.reason ?? '', /size is 0/);
  assert.doesNotMatch(v.reason ?? '', /diskblame sample/);
});

/** `fleet --json` against oneVolume(SAMPLES) (killed after 60 s): exit 0, its one volume */
async function oneVolumeJson(samples: (size: boolean) => [number, string][]) {
  const port = await freePort();
  const srv = http.createServer(oneVolume({ instance: 'h0:9100', mountpoint: '/', device: '/dev/x', fstype: 'ext4' }, samples));
  await new Promise<void>((r) => srv.listen(port, '127.0.0.1', r));
  try {
    const r = await runAsync(['fleet', '--prometheus', `http://127.0.0.1:${port}`, '--json'], 60_000);
    assert.equal(r.signal, null, 'killed after 60 s');
    assert.equal(r.code, 0, r.stderr);
    return (JSON.parse(r.stdout) as { volumes: { points: number; status: string | null; fillsAt: string | null; reason: string | null }[] }).volumes[0]!;
  } finally {
    srv.close();
  }
}

/**
 * a fake Prometheus holding one volume with LABELS: SAMPLES(size?) its [unix seconds, value]
 * pairs, default 3 samples (size 1000, avail 500 to 498) in the last 10 minutes
 */
function oneVolume(labels: Record<string, string>, samples?: (size: boolean) => [number, string][]): http.RequestListener {
  const now = Math.floor(Date.now() / 1000);
  const values = samples ?? ((size: boolean) => [0, 1, 2].map((k): [number, string] => [now - 600 + k * 300, size ? '1000' : String(500 - k)]));
  return (req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const u = new URL(req.url!, 'http://x');
      const q = new URLSearchParams(body || u.search).get('query') ?? '';
      const data = u.pathname.endsWith('/series')
        ? [{ __name__: 'node_filesystem_size_bytes', ...labels }]
        : q.startsWith('count_over_time')
          ? { resultType: 'vector', result: [{ metric: labels, value: [now, String(values(false).length)] }] }
          : { resultType: 'matrix', result: [{ metric: labels, values: values(q.includes('size')) }] };
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ status: 'success', data }));
    });
  };
}

/** the CLI, not blocking this process (the test's own HTTP server must answer it); killed after KILLMS; MOREENV added to its environment */
async function runAsync(args: string[], killMs?: number, moreEnv: NodeJS.ProcessEnv = {}) {
  const { spawn } = await import('node:child_process');
  return new Promise<ReturnType<typeof cli>>((resolve) => {
    const p = spawn(process.execPath, [CLI, ...args], { env: { ...env, ...moreEnv }, stdio: ['ignore', 'pipe', 'pipe'] });
    const timer = killMs === undefined ? undefined : setTimeout(() => p.kill('SIGKILL'), killMs);
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('close', (code, signal) => (clearTimeout(timer), resolve({ code, signal, stdout, stdoutBuf: Buffer.from(stdout), stderr, cmd: `diskblame ${args.join(' ')}` })));
  });
}

test('leanMatrix reads a large matrix answer as JSON.parse does, and gives up (null) on any other shape', async () => {
  const { leanMatrix } = await import('../src/fleet/promclient.js');
  const series = Array.from({ length: 5 }, (_, k) => ({
    metric: { __name__: 'node_filesystem_avail_bytes', instance: `h${k}:9100`, mountpoint: k === 2 ? '/we"ird}\\{[x\x1b' : '/', job: 'node' },
    values: Array.from({ length: 3000 }, (_, i) => [1777593600 + i * 300.25, i === 7 ? '+Inf' : i === 8 ? 'NaN' : String(1e11 - i * 12345)]),
  }));
  const answer = { status: 'success', data: { resultType: 'matrix', result: series, stats: { timings: { evalTotalTime: 0.25 } } } };
  const text = JSON.stringify(answer);
  const a = leanMatrix(text) as { status: string; data: Record<string | symbol, unknown> } | null;
  assert.ok(a, 'not read');
  assert.equal(a.status, 'success');
  assert.deepEqual(a.data.stats, answer.data.stats);
  const got = a.data[Object.getOwnPropertySymbols(a.data)[0]!] as { metric: Record<string, string>; t: number[]; v: number[] }[];
  assert.deepEqual(
    got.map((s) => s.metric),
    series.map((s) => s.metric),
  );
  for (const [k, s] of series.entries()) {
    assert.deepEqual(got[k]!.t, s.values.map((p) => Math.round((p[0] as number) * 1000)));
    assert.deepEqual(got[k]!.v, s.values.map((p) => (p[1] === '+Inf' ? Infinity : Number(p[1]))));
  }
  // anything else: null, and the client parses it whole
  const bad = (f: (t: string) => string) => leanMatrix(f(text));
  assert.equal(bad((t) => t.replace('"+Inf"', '"many"')), null);
  assert.equal(bad((t) => t.replace('"values":[[', '"histograms":[[')), null);
  assert.equal(bad((t) => t.replace(/\]\]\},\{"metric"/, ']],"x":1},{"metric"')), null);
  assert.equal(bad((t) => t.slice(0, -3)), null);
  assert.equal(bad((t) => t.replace('"resultType":"matrix"', '"resultType":"vector"')), null);
  assert.equal(leanMatrix(JSON.stringify({ ...answer, data: { ...answer.data, result: series.slice(0, 1).map((s) => ({ ...s, values: s.values.slice(0, 2) })) } })), null, 'a small answer is left to JSON.parse');
});

test('the table says FULL only of a full volume: a fill time already come on a volume with room is "now"; toPoints drops samples whose avail is negative or past the size', async () => {
  const { fleetTable } = await import('../src/report/fleet.js');
  const { toPoints } = await import('../src/fleet/discover.js');
  const { forecast } = await import('../src/forecast/model.js');
  const DAY = 86_400_000;
  const t0 = Date.parse('2026-03-01T00:00:00Z');
  // a real forecast of a steady volume, then its fill time moved to before "now"
  const pts = Array.from({ length: 24 * 20 }, (_, i) => ({ t: t0 + i * 3_600_000, used: 100e9 + i * 0.2e9, size: 500e9 }));
  const f = forecast(pts);
  assert.equal(f.status, 'ok');
  const now = pts.at(-1)!.t;
  const vol = (fc: typeof f, mountpoint: string) => ({ instance: 'h:9100', mountpoint, device: '/dev/sda1', fstype: 'ext4', labels: {}, forecast: fc, reason: null, points: pts.length, modelMs: 1, now });
  const came = { ...f, fillsAt: now - 60_000, earliest: now - 60_000, nextRisk: null };
  const full = { ...came, usedBytes: f.sizeBytes };
  const r = { volumes: [vol(came, '/room'), vol(full, '/full')], start: now - 20 * DAY, end: now, stepSeconds: 300, startedAt: now, durationMs: 1, queryMs: 1, modelMs: 1, serverQueryMs: null, queries: 1, series: 2, errors: [] };
  const rows = fleetTable(r).split('\n');
  const row = (m: string) => rows.find((l) => l.includes(m)) ?? assert.fail(`no row of ${m}: ${rows.join('\n')}`);
  assert.match(row('/room'), /\bnow\b/);
  assert.doesNotMatch(row('/room'), /FULL/);
  assert.match(row('/full'), /\bFULL\b/);
  // avail past the size (used -440%) and a negative avail: never a point
  const got = toPoints({ t: [1, 2, 3, 4], v: [10, 60, -5, 20] }, { t: [1], v: [50] }, null);
  assert.deepEqual(got, [
    { t: 1, used: 40, size: 50 },
    { t: 4, used: 30, size: 50 },
  ]);
});
