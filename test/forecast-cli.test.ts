/**
 * The forecast shells end to end: `sample` (real mounts, a tmpfs named with --mount, against df),
 * the sample every scan records, `forecast`, `check` (Nagios exit codes) and `metrics` (through
 * promtool) on CSV histories generated here and on a store filled here. The store is always a
 * temporary directory (DISKBLAME_STORE / --store): nothing is written to ~.
 * Assertions hold for any sound model: a steady linear history filling in N days must be forecast
 * to fill within 10% of N days; the rest follows from that.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { assertOneLineError, have, isRoot, lines, run, runCli, RunOptions } from './helpers/run.js';
import { storeWith } from './helpers/samples.js';
import { makeTmp, rmrf } from './helpers/fs.js';
import { checkAll, effectiveFill, parseDuration, VolumeForecast } from '../src/report/forecast.js';
import { renderMetrics } from '../src/report/metrics.js';
import { parseMountinfo, realMounts } from '../src/store/mounts.js';
import type { Forecast } from '../src/forecast/types.js';

const DAY = 86_400_000;
const GIB = 2 ** 30;
const tmp = makeTmp('fcli');
const store = path.join(tmp, 'store');
const env = { ...process.env, DISKBLAME_DEBUG: '', DISKBLAME_STORE: store, TZ: 'UTC' };
const cli = (args: string[], o: RunOptions = {}) => runCli(args, { env, ...o });
test.after(() => rmrf(tmp));

/**
 * A CSV history: 20 days every 15 min of steady growth that reaches the size `fillDays` after the
 * last sample (Infinity: flat), with a little noise; ends now unless `end` is given.
 */
function csv(name: string, fillDays: number, opts: { end?: number; unix?: boolean; header?: boolean } = {}): { file: string; end: number } {
  const size = 100 * GIB;
  const end = opts.end ?? Math.floor(Date.now() / 60_000) * 60_000;
  const start = end - 20 * DAY;
  const used0 = size * 0.4;
  const perMs = Number.isFinite(fillDays) ? (size - used0) / (20 * DAY + fillDays * DAY) : 0;
  const L = opts.header === false ? [] : ['timestamp,used_bytes,size_bytes'];
  let seed = 7;
  for (let t = start; t <= end; t += 15 * 60_000) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    const noise = ((seed / 2 ** 31) - 0.5) * 0.001 * size;
    const ts = opts.unix ? String(t / 1000) : new Date(t).toISOString();
    L.push(`${ts},${Math.round(used0 + perMs * (t - start) + noise)},${size}`);
  }
  const file = path.join(tmp, name);
  fs.writeFileSync(file, L.join('\n') + '\n');
  return { file, end };
}

function json<T = any>(r: { stdout: string; cmd: string; stderr: string }): T {
  try {
    return JSON.parse(r.stdout) as T;
  } catch {
    assert.fail(`${r.cmd}: not JSON: ${r.stdout.slice(0, 200)} ${r.stderr}`);
  }
}

function withinTenPct(fillsAt: string | null, end: number, days: number, what: string): void {
  assert.ok(fillsAt, `${what}: no fill predicted`);
  const got = (Date.parse(fillsAt!) - end) / DAY;
  assert.ok(Math.abs(got - days) <= days * 0.1, `${what}: fills in ${got.toFixed(2)} days, want ${days} ±10%`);
}

// ---- sample ----------------------------------------------------------------------------------

test('mountinfo: pseudo filesystems skipped, bind mounts of one device once, escapes undone', () => {
  const info = [
    '22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw',
    '23 22 0:5 / /proc rw - proc proc rw',
    '24 22 0:20 / /dev/shm rw - tmpfs tmpfs rw',
    '25 22 8:1 /srv/data /mnt/bind rw - ext4 /dev/sda1 rw',
    '26 22 8:2 / /var/my\\040data rw - xfs /dev/sda2 rw',
    '27 22 0:40 / /home/u/remote rw - nfs4 srv:/export rw',
    '28 22 0:41 / /sys/fs/cgroup/cpu rw - cgroup cgroup rw',
    '29 22 0:42 / /run/user/1000/doc rw - fuse.portal portal rw',
    '30 22 0:43 / /snap/core/1 ro - squashfs /dev/loop0 ro',
    'garbage line',
  ].join('\n');
  const rows = realMounts(parseMountinfo(info));
  assert.deepEqual(rows.map((r) => r.mountPoint), ['/', '/var/my data']);
  assert.equal(rows[1].fsType, 'xfs');
  assert.equal(rows[1].device, '/dev/sda2');
});

/** df's used bytes of the filesystem holding p */
function dfUsed(p: string): number {
  const r = run('df', ['-B1', '--output=used', p]);
  assert.equal(r.code, 0, r.stderr);
  return Number(r.stdout.trim().split('\n')[1]);
}

/**
 * df's used bytes of the filesystem mounted at each of `mounts` (keyed by their exact bytes,
 * base64), one df each in quick succession; null where df fails. A mount point that is not UTF-8
 * (another test's) cannot be an argument: df is given a link to it.
 */
function dfUsedAll(mounts: readonly Buffer[]): Map<string, number | null> {
  const out = new Map<string, number | null>();
  mounts.forEach((m, k) => {
    let arg = m.toString();
    if (!Buffer.from(arg).equals(m)) {
      arg = path.join(tmp, `df-link-${k}`);
      fs.rmSync(arg, { force: true });
      fs.symlinkSync(m, arg);
    }
    const r = run('df', ['-B1', '--output=used', arg]);
    const n = Number(r.stdout.trim().split('\n')[1]);
    out.set(m.toString('base64'), r.code === 0 && Number.isFinite(n) ? n : null);
  });
  return out;
}

/** the real mounts as the sampler picks them, from /proc/self/mountinfo now: their exact bytes */
const realMountPoints = (): Buffer[] => realMounts(parseMountinfo(fs.readFileSync('/proc/self/mountinfo'))).map((r) => Buffer.from(r.mountPointBytes));

test('sample: every real mount once, as df counts it; timing printed', () => {
  // the volumes move while this runs: other tests (CI runs test files side by side) write and
  // delete on them, and mount and unmount filesystems of their own. So df is read just before
  // and just after the sample, and each sample must lie between the two readings (within the
  // tolerance, as before); a mount that came or went meanwhile is not there to compare.
  const mountsBefore = realMountPoints();
  const dfBefore = dfUsedAll(mountsBefore);
  const r = cli(['sample', '--json']);
  const dfAfter = dfUsedAll(mountsBefore);
  const mountsAfter = new Set(realMountPoints().map((m) => m.toString('base64')));
  assert.equal(r.code, 0, r.stderr);
  const j = json(r);
  assert.equal(j.store, store);
  const mounts: string[] = j.samples.map((s: { mount: string }) => s.mount);
  assert.equal(new Set(mounts).size, mounts.length, 'each mount once');
  const checked: string[] = [];
  for (const s of j.samples) {
    assert.doesNotMatch(s.fsType, /^(tmpfs|proc|sysfs|cgroup2?|overlay|devtmpfs|squashfs|devpts|mqueue)$/, `${s.mount} is ${s.fsType}`);
    assert.ok(s.sizeBytes > 0 && s.usedBytes >= 0 && s.freeBytes >= 0);
    const key = s.mountBase64 ?? Buffer.from(s.mount).toString('base64');
    const [b, a] = [dfBefore.get(key), dfAfter.get(key)];
    if (b == null || a == null) {
      // only a mount that was not there the whole time may lack a df reading
      assert.ok(!dfBefore.has(key) || !mountsAfter.has(key), `${s.mount}: df failed (${b}, ${a}) though it stayed mounted`);
      continue;
    }
    const tol = Math.max(64 << 20, s.sizeBytes * 0.001);
    assert.ok(s.usedBytes >= Math.min(a, b) - tol && s.usedBytes <= Math.max(a, b) + tol, `${s.mount}: used ${s.usedBytes} vs df ${b} before, ${a} after`);
    checked.push(s.mount);
  }
  assert.ok(checked.length > 0 || j.samples.length === 0, 'no sample was compared with df');
  const file = fs.readFileSync(path.join(store, 'samples.jsonl'), 'utf8');
  assert.equal(lines(file).length, j.samples.length);
  // text mode: one line per mount after the header (the mounts of this run: those of the
  // store's lines it added, as the mounts may have changed since the JSON run); --quiet: nothing
  const t = cli(['sample']);
  assert.equal(t.code, 0, t.stderr);
  const added = lines(fs.readFileSync(path.join(store, 'samples.jsonl'), 'utf8')).length - j.samples.length;
  assert.ok(added > 0 || j.samples.length === 0, 'the text run recorded nothing');
  assert.equal(lines(t.stdout).length, 1 + added);
  assert.equal(cli(['sample', '-q']).stdout, '');

  // timing (not asserted: the bench holds the target)
  const wall = (args: string[]) => {
    const ms: number[] = [];
    for (let k = 0; k < 5; k++) {
      const t0 = performance.now();
      cli(args);
      ms.push(performance.now() - t0);
    }
    return ms.sort((a, b) => a - b)[2];
  };
  const inProcess = json(cli(['sample', '--json'])).elapsedMs;
  console.log(`# sample: ${inProcess} ms in process; wall median ${wall(['sample', '-q']).toFixed(0)} ms vs ${wall(['--version']).toFixed(0)} ms for --version (node start-up + CLI load)`);
});

test('sample --mount: a tmpfs the test mounts is sampled when named, not otherwise', { skip: !isRoot() && 'needs root to mount a tmpfs' }, (t) => {
  const mnt = path.join(tmp, 'tmpfs');
  fs.mkdirSync(mnt);
  const m = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=16m', 'tmpfs', mnt], { encoding: 'utf8' });
  if (m.status !== 0) return t.skip(`mount failed: ${m.stderr}`);
  try {
    fs.writeFileSync(path.join(mnt, 'four-mib'), Buffer.alloc(4 << 20, 1));
    const own = path.join(tmp, 'store-tmpfs');
    const r = runCli(['sample', '--store', own, '--json', '--mount', mnt], { env });
    assert.equal(r.code, 0, r.stderr);
    const s = json(r).samples.find((x: { mount: string }) => x.mount === mnt);
    assert.ok(s, `no sample of ${mnt}`);
    assert.equal(s.fsType, 'tmpfs');
    assert.equal(s.sizeBytes, 16 << 20);
    assert.equal(s.usedBytes, dfUsed(mnt));
    assert.ok(s.usedBytes >= 4 << 20);
    const plain = json(runCli(['sample', '--store', own, '--json'], { env }));
    assert.ok(!plain.samples.some((x: { mount: string }) => x.mount === mnt), 'a tmpfs is not sampled by default');
    // the store has both rounds; the forecast reads that mount back
    const f = runCli(['forecast', '--store', own, '--volume', mnt, '--json'], { env });
    assert.equal(f.code, 0, f.stderr);
    assert.equal(json(f).mount, mnt);
    assert.equal(json(f).status, 'not-enough-data');
    // with no --volume (every history too short): the sampled tmpfs is one of the volumes shown,
    // though not a real mount, and check says there are too few samples, not none
    const all = runCli(['forecast', '--store', own, '--json', '--no-offer', '--sysstat-dir', tmp, '--textfile-dir', tmp], { env });
    assert.equal(all.code, 0, all.stderr);
    assert.ok(json(all).some((v: { mount: string; storeSamples: number }) => v.mount === mnt && v.storeSamples === 1), all.stdout);
    const c = runCli(['check', '--store', own, '--sysstat-dir', tmp, '--textfile-dir', tmp], { env });
    assert.equal(c.code, 3, c.stdout + c.stderr);
    assert.ok(c.stdout.includes(`${mnt}: too few usage samples`), c.stdout);
    assert.match(c.stderr, /^diskblame: too few usage samples in /);
    const missing = runCli(['sample', '--store', own, '--mount', path.join(tmp, 'nope')], { env });
    assertOneLineError(missing, 1);
  } finally {
    spawnSync('umount', [mnt]);
  }
});

test('forecast names what grew between the two newest snapshots; metrics carry the latest snapshot\'s kinds', { skip: !isRoot() && 'needs root to mount a tmpfs' }, (t) => {
  const mnt = path.join(tmp, 'tmpfs-drivers');
  fs.mkdirSync(mnt);
  const m = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=32m', 'tmpfs', mnt], { encoding: 'utf8' });
  if (m.status !== 0) return t.skip(`mount failed: ${m.stderr}`);
  try {
    const own = path.join(tmp, 'store-drivers');
    fs.mkdirSync(path.join(mnt, 'var/log'), { recursive: true });
    fs.mkdirSync(path.join(mnt, 'srv'));
    fs.writeFileSync(path.join(mnt, 'var/log/app.log'), Buffer.alloc(1 << 20, 1));
    fs.writeFileSync(path.join(mnt, 'srv/keep.bin'), Buffer.alloc(2 << 20, 1));
    const snap = () => {
      const r = runCli(['snapshot', mnt, '--store', own, '--json', '--no-progress'], { env });
      assert.equal(r.code, 0, r.stderr);
    };
    snap();
    fs.appendFileSync(path.join(mnt, 'var/log/app.log'), Buffer.alloc(5 << 20, 2));
    fs.writeFileSync(path.join(mnt, 'srv/db.bak'), Buffer.alloc(3 << 20, 3));
    snap();
    const f = runCli(['forecast', '--store', own, '--volume', mnt, '--json'], { env });
    assert.equal(f.code, 0, f.stderr);
    const d = json(f).drivers;
    assert.ok(d, 'no drivers with two snapshots');
    assert.equal(d.netDiskBytes, 8 << 20);
    assert.deepEqual(d.dirs.map((x: { path: string }) => x.path), [`${mnt}/var/log`, `${mnt}/srv`], 'the directories that grew, largest first, not their ancestors');
    assert.deepEqual(d.dirs.map((x: { delta: number }) => x.delta), [5 << 20, 3 << 20]);
    const kinds = Object.fromEntries(d.kinds.map((k: { name: string; delta: number }) => [k.name, k.delta]));
    assert.equal(kinds['live logs'], 5 << 20);
    assert.equal(kinds.backups, 3 << 20);
    const met = runCli(['metrics', '--store', own, '--volume', mnt], { env });
    assert.equal(met.code, 0, met.stderr);
    const esc = mnt.replace(/[\\"]/g, '\\$&');
    assert.match(met.stdout, new RegExp(`^diskblame_kind_bytes\\{mountpoint="${esc}",kind="backups"\\} ${3 << 20}$`, 'm'));
    assert.match(met.stdout, new RegExp(`^diskblame_deleted_open_bytes\\{mountpoint="${esc}"\\} 0$`, 'm'));
  } finally {
    spawnSync('umount', [mnt]);
  }
});

// ---- scan records a sample --------------------------------------------------------------------

test('scan records a sample of the scanned volume only when the store exists or --sample; --no-sample and -f do not; an unwritable store only warns', () => {
  const dir = makeTmp('fcli-scan');
  const own = path.join(tmp, 'store-scan');
  const e = { ...env, DISKBLAME_STORE: own };
  const count = () => (fs.existsSync(path.join(own, 'samples.jsonl')) ? lines(fs.readFileSync(path.join(own, 'samples.jsonl'), 'utf8')).length : 0);
  try {
    fs.writeFileSync(path.join(dir, 'f'), 'x'.repeat(10000));
    // quiet by default: no store yet, a plain scan (and the browser's command line, -o) creates nothing
    for (const args of [['scan', dir, '--json'], [dir, '--no-ui'], ['scan', dir, '-o', path.join(tmp, 'quiet.json')]]) {
      const q = runCli(args, { env: e });
      assert.equal(q.code, 0, q.stderr);
      assert.equal(q.stderr, '');
      assert.equal(fs.existsSync(own), false, `${args.join(' ')}: no store created`);
    }
    // --sample asks for it: the store is created
    let r = runCli(['scan', dir, '--json', '--sample'], { env: e });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    assert.equal(count(), 1);
    // the store exists now: a plain scan records
    r = runCli(['scan', dir, '--json'], { env: e });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(count(), 2);
    const s = JSON.parse(lines(fs.readFileSync(path.join(own, 'samples.jsonl'), 'utf8'))[0]);
    const df = run('df', ['--output=target', dir]).stdout.trim().split('\n')[1];
    assert.equal(s.mount, df, 'the sample is of the volume holding the scanned path (df)');
    const exp = path.join(tmp, 'e.json');
    r = runCli(['scan', dir, '-o', exp], { env: e });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(count(), 3, 'an export scan records one too');
    assert.equal(runCli(['scan', dir, '--no-sample'], { env: e }).code, 0);
    assert.equal(runCli(['scan', '-f', exp], { env: e }).code, 0);
    assert.equal(count(), 3, '--no-sample and -f record nothing');
    // --store names the store (scan, scan -o, and the browser's command line without a terminal)
    const named = path.join(tmp, 'store-named');
    const countNamed = () => lines(fs.readFileSync(path.join(named, 'samples.jsonl'), 'utf8')).length;
    fs.mkdirSync(named, { mode: 0o700 }); // (an existing store: plain scans record)
    for (const args of [['scan', dir, '--store', named, '--json'], ['scan', dir, '-o', exp, '--store', named], [dir, '--store', named, '--no-ui']]) {
      const n = runCli(args, { env: e });
      assert.equal(n.code, 0, `${args.join(' ')}: ${n.stderr}`);
    }
    assert.equal(countNamed(), 3);
    assert.equal(count(), 3, 'nothing in the default store');
    // a store that cannot be written: the scan still succeeds, one warning line
    const bad = path.join(tmp, 'a-file');
    fs.writeFileSync(bad, '');
    r = runCli(['scan', dir, '--json', '--sample'], { env: { ...e, DISKBLAME_STORE: path.join(bad, 'store') } });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).root, dir);
    assert.equal(lines(r.stderr).length, 1);
    assert.match(r.stderr, /^diskblame: warning: cannot create store .*not a directory/);
  } finally {
    rmrf(dir);
  }
});

// ---- forecast --------------------------------------------------------------------------------

test('forecast --history: steady fills in 10 days -> fillsAt within 10%, JSON shape, text', () => {
  const { file, end } = csv('ten.csv', 10);
  const r = cli(['forecast', '--history', file, '--json']);
  assert.equal(r.code, 0, r.stderr);
  const j = json(r);
  assert.equal(j.status, 'ok');
  assert.equal(j.mount, file);
  assert.equal(j.source, 'history');
  withinTenPct(j.fillsAt, end, 10, 'forecast');
  for (const k of ['earliest', 'latest']) assert.ok(j[k] === null || !Number.isNaN(Date.parse(j[k])), `${k}: ${j[k]}`);
  assert.match(j.fillsAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  assert.equal(Date.parse(j.asOf), end);
  // 60 GiB in 30 days
  assert.ok(Math.abs(j.growthBytesPerDay - 2 * GIB) <= 0.2 * GIB, `growth ${j.growthBytesPerDay}`);
  assert.equal(typeof j.pattern, 'string');
  assert.ok(j.backtestError === null || typeof j.backtestError === 'number');
  // --volume names a CSV's volume
  assert.equal(json(cli(['forecast', '--history', file, '--volume', '/data', '--json'])).mount, '/data');
  // text: fill time, relative, range, pattern, growth, backtest
  const t = cli(['forecast', '--history', file]);
  assert.equal(t.code, 0, t.stderr);
  assert.match(t.stdout, /Fills\s+\d{4}-\d\d-\d\d \d\d:\d\d UTC\s+\((9|10) days( \d+ h)? after the last sample\)/);
  for (const w of ['Range', 'Pattern', 'Growth', 'Next risk', 'Backtest']) assert.match(t.stdout, new RegExp(`^  ${w}`, 'm'));
  assert.match(t.stdout, /Growth\s+\+(1\.\d|2|2\.\d) GiB\/day/);
});

test('forecast: unix-second timestamps without a header; stdin; bad CSV is one line naming the line', () => {
  const { file, end } = csv('unix.csv', 10, { unix: true, header: false });
  const j = json(cli(['forecast', '--history', '-', '--json'], { input: fs.readFileSync(file) }));
  withinTenPct(j.fillsAt, end, 10, 'unix seconds on stdin');
  const bad = path.join(tmp, 'bad.csv');
  fs.writeFileSync(bad, 'timestamp,used_bytes,size_bytes\n2026-01-01T00:00:00Z,1,10\n2026-01-01T00:15:00Z,banana,10\n');
  const e = assertOneLineError(cli(['forecast', '--history', bad]), 1);
  assert.match(e, /bad\.csv: line 3\b/);
  assertOneLineError(cli(['forecast', '--history', path.join(tmp, 'missing.csv')]), 1);
  // too little history: honest, with what is needed
  const short = path.join(tmp, 'short.csv');
  fs.writeFileSync(short, '2026-01-01T00:00:00Z,1000,10000\n2026-01-01T00:15:00Z,1100,10000\n');
  const s = cli(['forecast', '--history', short]);
  assert.equal(s.code, 0, s.stderr);
  assert.match(s.stdout, /not enough data/);
  const sj = json(cli(['forecast', '--history', short, '--json']));
  assert.equal(sj.status, 'not-enough-data');
  assert.equal(sj.fillsAt, null);
  assert.ok(sj.notes.length > 0);
});

test('forecast from the store: one volume (object), every volume (list); no samples is one line', () => {
  const own = path.join(tmp, 'store-fc');
  storeWith(own, '/data', 10);
  storeWith(own, '/srv/db', 2);
  const one = cli(['forecast', '--store', own, '--volume', '/data', '--json']);
  assert.equal(one.code, 0, one.stderr);
  const j = json(one);
  assert.equal(j.mount, '/data');
  assert.equal(j.device, '/dev/test');
  assert.equal(j.source, 'store');
  // size = used + available (as df): the reserved GiB is not usable
  assert.equal(j.sizeBytes, 50 * GIB);
  withinTenPct(j.fillsAt, Date.parse(j.asOf), 10, 'store /data');
  const all = json<any[]>(cli(['forecast', '--store', own, '--json']));
  assert.deepEqual(all.map((x) => x.mount), ['/data', '/srv/db']);
  const text = cli(['forecast', '--store', own]);
  assert.match(text.stdout, /^\/data {2}\(\/dev\/test, ext4\)/m);
  assert.match(text.stdout, /^\/srv\/db/m);
  assert.match(text.stdout, /Fills .*\(in (1 day|2 days)/);
  // no samples at all: a first contact of every real mount, none scanned (firstcontact-cli.test.ts tests it further)
  const empty = cli(['forecast', '--store', path.join(tmp, 'empty-store'), '--sysstat-dir', tmp, '--textfile-dir', tmp]);
  assert.equal(empty.code, 0, empty.stderr);
  assert.match(empty.stdout, /^\/ .*first contact: no usage samples in the store$/m);
  assert.match(empty.stdout.replace(/\n/g, ' '), /No usage samples in the store yet: these volumes were not scanned .*diskblame forecast --volume MOUNT/);
  for (const l of empty.stdout.split('\n')) assert.ok(l.length <= 80, `over 80 columns: ${l}`);
  assertOneLineError(cli(['forecast', '--store', own, '--volume', '/nowhere-mounted']), 1);
  // check on the store: the worst volume decides, both in the perfdata
  const c = cli(['check', '--store', own, '--warn', '14d', '--crit', '3d']);
  assert.equal(c.code, 2, c.stdout);
  assert.match(c.stdout, /^DISKBLAME CRITICAL - CRITICAL \/srv\/db: fills in/);
  assert.match(c.stdout, /'\/data used'=\d+B;;;0;\d+ '\/data hours_to_full'=[\d.]+;336:;72:;0;/);
});

// ---- check -----------------------------------------------------------------------------------

const NAGIOS = /^DISKBLAME (OK|WARNING|CRITICAL|UNKNOWN) - [^|\n]+( \| [^\n]+)?\n$/;

test('check: steady fill in 2 days is CRITICAL (2), in 10 days WARNING (1), never OK (0)', () => {
  const cases: [string, number, number, string][] = [
    ['two.csv', 2, 2, 'CRITICAL'],
    ['ten.csv', 10, 1, 'WARNING'],
    ['never.csv', Infinity, 0, 'OK'],
    ['far.csv', 60, 0, 'OK'],
  ];
  for (const [name, days, code, state] of cases) {
    const { file } = csv(name, days);
    const r = cli(['check', '--history', file, '--warn', '14d', '--crit', '3d']);
    assert.equal(r.code, code, `${name}: ${r.stdout} ${r.stderr}`);
    assert.match(r.stdout, NAGIOS);
    assert.ok(r.stdout.startsWith(`DISKBLAME ${state} - `), r.stdout);
    assert.equal(r.stderr, '');
    // perfdata: used with min and max, hours to full with "alert below" ranges
    const perf = r.stdout.split(' | ')[1];
    assert.match(perf, /^'used'=\d+B;;;0;107374182400 'hours_to_full'=(U|[\d.]+);336:;72:;0;\n$/);
    if (Number.isFinite(days) && days < 30) {
      const h = Number(/'hours_to_full'=([\d.]+)/.exec(perf)![1]);
      assert.ok(Math.abs(h - days * 24) <= days * 24 * 0.1, `${name}: hours_to_full ${h}`);
    }
  }
  // other thresholds move the state: 2 days with --crit 1d is a WARNING
  assert.equal(cli(['check', '--history', path.join(tmp, 'two.csv'), '--warn', '1w', '--crit', '12h']).code, 1);
  assert.equal(cli(['check', '--history', path.join(tmp, 'ten.csv'), '--warn', '2w', '--crit', '30m']).code, 1);
  assert.equal(cli(['check', '--history', path.join(tmp, 'ten.csv'), '--warn', '48h', '--crit', '1d']).code, 0);
});

test('check: percentage thresholds, --json, UNKNOWN (3) for no data, bad files and bad arguments', () => {
  const { file } = csv('never-pct.csv', Infinity); // flat at about 40%
  let r = cli(['check', '--history', file, '--warn-pct', '30', '--crit-pct', '90']);
  assert.equal(r.code, 1, r.stdout);
  assert.match(r.stdout, /used (39\.9|40\.\d)% >= 30%/);
  assert.match(r.stdout, /'used'=\d+B;32212254720;96636764160;0;107374182400/);
  assert.equal(cli(['check', '--history', file, '--warn-pct', '20', '--crit-pct', '35']).code, 2);

  r = cli(['check', '--history', path.join(tmp, 'two.csv'), '--json']);
  assert.equal(r.code, 2);
  const j = json(r);
  assert.equal(j.state, 'CRITICAL');
  assert.equal(j.code, 2);
  assert.match(j.line, /^DISKBLAME CRITICAL - /);
  assert.equal(j.volumes.length, 1);
  assert.equal(typeof j.volumes[0].hoursToFull, 'number');
  // the fill itself in UTC (the line's time is local): hoursToFull after the last sample
  assert.match(j.volumes[0].fillsAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  assert.equal(j.volumes[0].fillsBy, 'fill');

  const garbage = path.join(tmp, 'garbage.csv');
  fs.writeFileSync(garbage, '\x00\x01 not a csv at all\n');
  const unknown: [string[], RegExp][] = [
    [['check', '--history', path.join(tmp, 'missing.csv')], /cannot read/],
    [['check', '--history', garbage], /line 1/],
    [['check', '--store', path.join(tmp, 'no-store')], /no usage samples/],
    [['check', '--history', file, '--bogus'], /Unknown argument/],
    [['check', '--history', file, '--crit', '3x'], /--crit wants a duration/],
    [['check', '--history', file, '--warn', '1d', '--crit', '3d'], /must not be longer/],
    [['check', '--history', file, '--warn-pct', '150'], /percentage/],
    [['check', '--history', file, '--warn-pct'], /./],
  ];
  for (const [args, why] of unknown) {
    const u = cli(args);
    assert.equal(u.code, 3, `${args.join(' ')}: exit ${u.code}: ${u.stdout} ${u.stderr}`);
    assert.match(u.stdout, NAGIOS);
    assert.match(u.stdout, /^DISKBLAME UNKNOWN - /);
    assert.match(u.stdout, why);
    assert.equal(lines(u.stderr).length, 1, u.stderr);
  }
  const uj = cli(['check', '--history', path.join(tmp, 'missing.csv'), '--json']);
  assert.equal(uj.code, 3);
  assert.equal(json(uj).state, 'UNKNOWN');
  // other commands keep exit 2 for bad arguments
  assertOneLineError(cli(['forecast', '--bogus']), 2);
});

test('check logic: a peak that will not fit counts as the fill; durations; worst state wins', () => {
  const now = Date.parse('2026-03-01T00:00:00Z');
  const f = (over: Partial<Forecast>): Forecast => ({
    status: 'ok', notes: [], fillsAt: now + 60 * DAY, earliest: null, latest: null, pattern: 'periodic-peaks', growthBytesPerDay: GIB,
    nextRisk: null, backtestError: 0.05, asOf: now, samplesUsed: 2000, regimeStart: now - 30 * DAY, sizeBytes: 100 * GIB, usedBytes: 60 * GIB, ...over,
  });
  const vol = (mount: string, fc: Forecast): VolumeForecast => ({ mount, source: 'store', from: 'x', forecast: fc, now });
  const t = { warnMs: 14 * DAY, critMs: 3 * DAY };
  const peak = { at: now + 2 * DAY, expectedUsed: 110 * GIB, fits: false, what: 'weekly peak (Sun 02:00), +50 GiB transient' };
  assert.equal(checkAll([vol('/a', f({}))], t).state, 'OK');
  const c = checkAll([vol('/a', f({ nextRisk: peak }))], t);
  assert.equal(c.state, 'CRITICAL');
  assert.match(c.line, /weekly peak .* will not fit in 2 days/);
  assert.equal(c.volumes[0].hoursToFull, 48);
  assert.equal(checkAll([vol('/a', f({ nextRisk: { ...peak, fits: true } }))], t).state, 'OK');
  assert.deepEqual(effectiveFill(f({ nextRisk: peak })), { at: now + 2 * DAY, why: 'peak' });
  assert.equal(effectiveFill(f({ fillsAt: null })), null);
  // a fill dated by the peak that does not fit is that peak: check names the peak (and its job), not "fills"
  const same = checkAll([vol('/a', f({ fillsAt: now + 2 * DAY, nextRisk: peak }))], t);
  assert.match(same.line, /weekly peak .* will not fit in 2 days/);
  assert.equal(same.volumes[0].fillsBy, 'peak');
  // several volumes: CRITICAL > WARNING > UNKNOWN > OK, the worst listed first
  const many = checkAll([vol('/ok', f({})), vol('/nodata', f({ status: 'not-enough-data', notes: ['need 1 day'] })), vol('/warn', f({ fillsAt: now + 5 * DAY }))], t);
  assert.equal(many.state, 'WARNING');
  assert.match(many.line, /^DISKBLAME WARNING - WARNING \/warn: fills in 5 days .*; UNKNOWN \/nodata: not enough history/);
  assert.equal(checkAll([vol('/ok', f({})), vol('/nodata', f({ status: 'not-enough-data' }))], t).state, 'UNKNOWN');
  // a hostile mount point cannot break the one line or the perfdata
  const evil = checkAll([vol("/mnt/a'b=c|d\nx", f({})), vol('/b', f({}))], t);
  assert.equal(lines(evil.line).length, 1);
  assert.equal(evil.line.split(' | ').length, 2);
  assert.match(evil.line, /'\/mnt\/a''b_c\|d\\nx used'=/);
  assert.equal(parseDuration('30m'), 30 * 60_000);
  assert.equal(parseDuration('12h'), 12 * 3_600_000);
  assert.equal(parseDuration('3d'), 3 * DAY);
  assert.equal(parseDuration('2w'), 14 * DAY);
  assert.equal(parseDuration('3'), null);
  assert.equal(parseDuration('-3d'), null);
});

// ---- metrics ---------------------------------------------------------------------------------

function promtool(text: string): { code: number | null; out: string } {
  const r = run('promtool', ['check', 'metrics'], { input: text });
  return { code: r.code, out: r.stdout + r.stderr };
}

test('metrics: promtool accepts it; -o writes atomically a file the collector can read', { skip: !have('promtool') && 'promtool not installed (Debian package prometheus)' }, () => {
  const own = path.join(tmp, 'store-metrics');
  storeWith(own, '/data', 10);
  storeWith(own, '/srv/db', 2);
  const r = cli(['metrics', '--store', own]);
  assert.equal(r.code, 0, r.stderr);
  const p = promtool(r.stdout);
  assert.equal(p.code, 0, `promtool: ${p.out}\n${r.stdout}`);
  assert.match(r.stdout, /^# HELP diskblame_time_to_full_seconds /m);
  assert.match(r.stdout, /^# TYPE diskblame_time_to_full_seconds gauge$/m);
  assert.match(r.stdout, /^diskblame_forecast_available\{mountpoint="\/data",device="\/dev\/test"\} 1$/m);
  const ttf = Number(/^diskblame_time_to_full_seconds\{mountpoint="\/srv\/db",device="\/dev\/test"\} (\S+)$/m.exec(r.stdout)![1]);
  assert.ok(Math.abs(ttf - 2 * 86400) <= 2 * 86400 * 0.1, `time to full ${ttf}`);
  const fill = Number(/^diskblame_fill_timestamp_seconds\{mountpoint="\/data",device="\/dev\/test"\} (\S+)$/m.exec(r.stdout)![1]);
  assert.ok(Math.abs(fill * 1000 - (Date.now() + 10 * DAY)) <= DAY, `fill ${fill}`);
  assert.match(r.stdout, /^diskblame_growth_bytes_per_day\{mountpoint="\/data",device="\/dev\/test"\} \d+$/m);
  assert.match(r.stdout, /^diskblame_used_bytes\{/m);
  // -o FILE: atomic, readable by node_exporter's user, no temp file left
  const dir = path.join(tmp, 'textfile');
  fs.mkdirSync(dir);
  const out = path.join(dir, 'diskblame.prom');
  const w = cli(['metrics', '--store', own, '-o', out]);
  assert.equal(w.code, 0, w.stderr);
  assert.equal(w.stdout, '');
  const noTtf = (x: string) => x.replace(/^(diskblame_time_to_full_seconds\{.*\}|diskblame_last_run_timestamp_seconds) \S+$/gm, '$1');
  assert.equal(noTtf(fs.readFileSync(out, 'utf8')), noTtf(r.stdout), 'the file holds what stdout showed');
  assert.equal(promtool(fs.readFileSync(out, 'utf8')).code, 0);
  assert.equal(fs.statSync(out).mode & 0o777, 0o644);
  assert.deepEqual(fs.readdirSync(dir), ['diskblame.prom']);
  assertOneLineError(cli(['metrics', '--store', own, '-o', path.join(tmp, 'no-dir', 'x.prom')]), 1);
  // a never-filling CSV: time to full is +Inf, no fill timestamp
  const { file } = csv('never-m.csv', Infinity);
  const n = cli(['metrics', '--history', file, '--volume', '/flat']);
  assert.equal(promtool(n.stdout).code, 0, n.stdout);
  assert.match(n.stdout, /^diskblame_time_to_full_seconds\{mountpoint="\/flat"\} \+Inf$/m);
  assert.doesNotMatch(n.stdout, /diskblame_fill_timestamp_seconds\{/);
  // --json: the same families; +Inf is null
  const nj = json<{ name: string; type: string; samples: { labels: Record<string, string>; value: number | null }[] }[]>(cli(['metrics', '--history', file, '--volume', '/flat', '--json']));
  const names = n.stdout.split('\n').filter((l) => l.startsWith('# TYPE ')).map((l) => l.split(' ')[2]);
  assert.deepEqual(nj.map((f) => f.name), names);
  assert.deepEqual(nj.find((f) => f.name === 'diskblame_time_to_full_seconds')!.samples, [{ labels: { mountpoint: '/flat' }, value: null }]);
});

test('renderMetrics: snapshot kinds and deleted-open bytes, hostile labels escaped; promtool accepts', { skip: !have('promtool') && 'promtool not installed' }, () => {
  const now = Date.parse('2026-03-01T00:00:00Z');
  const fc: Forecast = {
    status: 'ok', notes: [], fillsAt: now + 9 * DAY, earliest: now + 8 * DAY, latest: now + 11 * DAY, pattern: 'periodic-peaks', growthBytesPerDay: 3 * GIB,
    nextRisk: { at: now + DAY, expectedUsed: 120 * GIB, fits: false, what: 'weekly peak' }, backtestError: 0.07, asOf: now, samplesUsed: 100, regimeStart: now - 20 * DAY, sizeBytes: 100 * GIB, usedBytes: 70 * GIB,
  };
  const none: Forecast = { ...fc, status: 'not-enough-data', fillsAt: null, earliest: null, latest: null, nextRisk: null, backtestError: null };
  const text = renderMetrics({
    volumes: [
      { mount: '/var', device: '/dev/sda2', forecast: fc, now, snapshot: { kinds: { logs: 40 * GIB, 'container images': 12 * GIB, caches: 0 }, deletedOpenBytes: 3 * GIB, time: '2026-02-28T23:00:00Z' } },
      { mount: '/mnt/we"ird\\path\nx', device: '/dev/sdb', forecast: none, now },
    ],
  });
  const p = promtool(text);
  assert.equal(p.code, 0, `promtool: ${p.out}\n${text}`);
  assert.match(text, /^diskblame_kind_bytes\{mountpoint="\/var",kind="logs"\} 42949672960$/m);
  assert.match(text, /^diskblame_kind_bytes\{mountpoint="\/var",kind="container images"\} \d+$/m);
  assert.match(text, /^diskblame_deleted_open_bytes\{mountpoint="\/var"\} 3221225472$/m);
  assert.match(text, /^diskblame_snapshot_timestamp_seconds\{mountpoint="\/var"\} 1772319600$/m);
  assert.match(text, /^diskblame_next_peak_fits\{mountpoint="\/var",device="\/dev\/sda2"\} 0$/m);
  assert.match(text, /^diskblame_time_to_full_seconds\{mountpoint="\/var",device="\/dev\/sda2"\} 86400$/m, 'the peak that will not fit comes first');
  assert.match(text, /^diskblame_forecast_available\{mountpoint="\/mnt\/we\\"ird\\\\path\\nx",device="\/dev\/sdb"\} 0$/m);
  assert.doesNotMatch(text, /time_to_full_seconds\{mountpoint="\/mnt/, 'no forecast: no time to full');
  // every family is contiguous, with HELP and TYPE once
  const names = text.split('\n').filter((l) => l && !l.startsWith('#')).map((l) => l.slice(0, l.indexOf('{')));
  for (const n of new Set(names)) {
    const first = names.indexOf(n);
    assert.equal(names.lastIndexOf(n) - first + 1, names.filter((x) => x === n).length, `${n} is not contiguous`);
    assert.equal(text.split(`# TYPE ${n} gauge\n`).length, 2);
  }
  // nothing to say is still said: an unlabelled 0 (never an empty file a collector would keep as is)
  assert.match(renderMetrics({ volumes: [] }), /^diskblame_forecast_available 0$/m);
});
