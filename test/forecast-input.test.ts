/**
 * The forecast commands' inputs and outputs at their edges (issue 12, "Also"): --history from a
 * gzip (file or stdin) with the import's bounds, a malformed CSV named by its line, odd inputs that
 * must give one clear line or a sensible result; `metrics` that writes a valid exposition (checked
 * by the real promtool) even with no samples; times in text output (forecast, check, snapshots,
 * diff, owners) in the host's zone (the CLI is run with TZ=America/New_York, Asia/Kolkata and
 * UTC), JSON in UTC.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { assertOneLineError, CLI, have, lines, run, runCli, RunOptions } from './helpers/run.js';
import { storeWith } from './helpers/samples.js';
import { makeTmp, rmrf } from './helpers/fs.js';

const DAY = 86_400_000;
const GIB = 2 ** 30;
const tmp = makeTmp('finput');
const store = path.join(tmp, 'store');
const baseEnv = { ...process.env, DISKBLAME_DEBUG: '', DISKBLAME_STORE: store, TZ: 'UTC' };
const cli = (args: string[], o: RunOptions & { tz?: string } = {}) => runCli(args, { env: { ...baseEnv, ...(o.tz ? { TZ: o.tz } : {}) }, ...o });
test.after(() => rmrf(tmp));

/** 20 days every 15 min of steady growth filling a 100 GiB volume 10 days after `end`, as CSV text. */
function steadyCsv(end: number, eol = '\n'): string {
  const size = 100 * GIB;
  const start = end - 20 * DAY;
  const L = ['timestamp,used_bytes,size_bytes'];
  for (let t = start; t <= end; t += 15 * 60_000) L.push(`${new Date(t).toISOString()},${Math.round(40 * GIB + ((60 * GIB) / (30 * DAY)) * (t - start))},${size}`);
  return L.join(eol) + eol;
}

const END = Date.parse('2026-03-10T12:00:00Z');
const STEADY = steadyCsv(END);

function write(name: string, data: string | Buffer): string {
  const f = path.join(tmp, name);
  fs.writeFileSync(f, data);
  return f;
}

function json<T = any>(r: { stdout: string; stderr: string; cmd: string }): T {
  try {
    return JSON.parse(r.stdout) as T;
  } catch {
    return assert.fail(`${r.cmd}: not JSON: ${r.stdout.slice(0, 200)} ${r.stderr}`);
  }
}

// ---- --history: gzip, stdin, bad lines ----------------------------------------------------------

test('--history reads gzip (by its magic, any name; multi-member) from a file and from stdin, as the plain CSV', () => {
  const plain = json(cli(['forecast', '--history', write('s.csv', STEADY), '--json']));
  assert.equal(plain.status, 'ok');
  const gz = gzipSync(STEADY);
  const half = STEADY.indexOf('\n', STEADY.length / 2) + 1;
  const multi = Buffer.concat([gzipSync(STEADY.slice(0, half)), gzipSync(STEADY.slice(half))]);
  for (const [what, r] of [
    ['.gz file', cli(['forecast', '--history', write('s.csv.gz', gz), '--json'])],
    ['gzip named .csv', cli(['forecast', '--history', write('gz-named.csv', gz), '--json'])],
    ['multi-member', cli(['forecast', '--history', write('multi.gz', multi), '--json'])],
    ['stdin', cli(['forecast', '--history', '-', '--json'], { input: gz })],
    ['zero padding after the gzip (as tape tools leave it)', cli(['forecast', '--history', write('pad.gz', Buffer.concat([gz, Buffer.alloc(512)])), '--json'])],
  ] as const) {
    assert.equal(r.code, 0, `${what}: ${r.stderr}`);
    const j = json(r);
    for (const k of ['fillsAt', 'asOf', 'samplesUsed', 'growthBytesPerDay', 'usedBytes'] as const) assert.deepEqual(j[k], plain[k], `${what}: ${k}`);
  }
  // a pipe that hands over the magic's first byte alone, the rest later: still gzip
  const split = run('sh', ['-c', '{ head -c 1 "$1"; sleep 0.3; tail -c +2 "$1"; } | "$2" "$3" forecast --history - --json', 'sh', path.join(tmp, 's.csv.gz'), process.execPath, CLI], { env: baseEnv });
  assert.equal(split.code, 0, split.stderr);
  assert.equal(json(split).fillsAt, plain.fillsAt, 'magic split across reads');
  // check and metrics read it too
  const c = cli(['check', '--history', path.join(tmp, 's.csv.gz')]);
  assert.equal(c.code, 1, c.stdout);
  assert.match(c.stdout, /^DISKBLAME WARNING - .*fills in/);
  const m = cli(['metrics', '--history', '-', '--volume', '/data'], { input: gz });
  assert.equal(m.code, 0, m.stderr);
  assert.match(m.stdout, /^diskblame_forecast_available\{mountpoint="\/data"\} 1$/m);
});

test('a malformed CSV names its file and line, with the line escaped and cut; check is UNKNOWN with the same words', () => {
  const good = STEADY.split('\n').slice(0, 1235);
  const bad = [...good.slice(0, 1233), '2026-02-28T00:00:00Z,12\x1b[31mred,107374182400' + 'x'.repeat(200), ...good.slice(1233)].join('\n') + '\n';
  for (const [name, data, input] of [
    ['bad.csv', bad, undefined],
    ['bad.csv.gz', gzipSync(bad), undefined],
    ['-', '', gzipSync(bad)],
  ] as const) {
    const file = name === '-' ? '-' : write(name, data);
    const shown = name === '-' ? 'stdin' : file;
    const e = assertOneLineError(cli(['forecast', '--history', file], { input }), 1);
    // the control character is escaped, the line cut at 60 characters with an ellipsis
    assert.equal(e, `diskblame: ${shown}: line 1234: bad used_bytes "12\\u001b[31mred" (a number of bytes, 0 to 2^64) (2026-02-28T00:00:00Z,12\\x1b[31mred,107374182400${'x'.repeat(16)}…)`);
    const c = cli(['check', '--history', file], { input });
    assert.equal(c.code, 3, c.stdout);
    assert.equal(c.stdout, `DISKBLAME UNKNOWN - ${e.slice('diskblame: '.length)}\n`);
    assertOneLineError(cli(['metrics', '--history', file], { input }), 1);
  }
});

test('odd histories: one clear line and a non-zero exit, or a sensible forecast; never a stack trace', () => {
  const crlf = json(cli(['forecast', '--history', write('crlf.csv', '\ufeff' + steadyCsv(END, '\r\n')), '--json']));
  assert.equal(crlf.status, 'ok', 'CRLF with a BOM');
  const fill = Date.parse(crlf.fillsAt);
  assert.ok(Math.abs(fill - (END + 10 * DAY)) < DAY, `CRLF+BOM fills ${crlf.fillsAt}`);
  // unix seconds, rows shuffled, every row twice: the same forecast
  const rows = STEADY.trim().split('\n').slice(1).map((l) => {
    const [t, u, s] = l.split(',');
    return `${Date.parse(t) / 1000},${u},${s}`;
  });
  const mixed = [...rows, ...rows].sort((a, b) => (a.slice(-7) < b.slice(-7) ? -1 : 1));
  const mj = json(cli(['forecast', '--history', write('mixed.csv', mixed.join('\n')), '--json']));
  assert.equal(mj.status, 'ok');
  assert.equal(Date.parse(mj.asOf), END);
  assert.ok(Math.abs(Date.parse(mj.fillsAt) - fill) < DAY, `shuffled, doubled: ${mj.fillsAt} vs ${crlf.fillsAt}`);

  const oneLine: [string, string | Buffer, RegExp][] = [
    ['negative.csv', '2026-03-01T00:00:00Z,-5,100\n', /line 1: bad used_bytes "-5"/],
    ['huge.csv', `2026-03-01T00:00:00Z,1,1${'0'.repeat(400)}\n`, /line 1: bad size_bytes/],
    ['nan.csv', '2026-03-01T00:00:00Z,NaN,100\n', /line 1: bad used_bytes/],
    ['truncated.gz', gzipSync(STEADY).subarray(0, 5000), /truncated\.gz: truncated gzip data after line \d+$/],
    ['garbage-after.gz', Buffer.concat([gzipSync(STEADY), Buffer.from('garbage')]), /garbage-after\.gz: invalid gzip data after line \d+: incorrect header check$/],
    ['corrupt.gz', (() => { const b = gzipSync(STEADY); b[100] ^= 0xff; return b; })(), /corrupt\.gz: (invalid|truncated) gzip data/],
    ['magic-only.gz', Buffer.from([0x1f, 0x8b]), /magic-only\.gz: truncated gzip data/],
    ['binary.csv', Buffer.from([0x00, 0x01, 0xff, 0xfe, 0x0a]), /line 1: a NUL byte: .*\(\\x00\\x01/],
    ['utf16.csv', Buffer.from('\ufefftimestamp,used_bytes,size_bytes\r\n2026-03-01T00:00:00Z,1,10\r\n', 'utf16le'), /utf16\.csv: line 1: a NUL byte: binary, or UTF-16 text \(save the CSV as UTF-8\) \(\uFFFD\uFFFDt\\x00i\\x00/],
  ];
  for (const [name, data, re] of oneLine) {
    const file = write(name, data);
    assert.match(assertOneLineError(cli(['forecast', '--history', file]), 1), re, name);
    const c = cli(['check', '--history', file]);
    assert.equal(c.code, 3, `${name}: ${c.stdout}`);
    assert.match(c.stdout, /^DISKBLAME UNKNOWN - /);
  }
  // nothing in it: "not enough data", honestly; check UNKNOWN, metrics forecast_available 0
  for (const [name, data] of [['empty.csv', ''], ['empty.csv.gz', gzipSync('')], ['header-only.csv', 'timestamp,used_bytes,size_bytes\r\n']] as const) {
    const file = write(name, data);
    const f = cli(['forecast', '--history', file]);
    assert.equal(f.code, 0, `${name}: ${f.stderr}`);
    assert.match(f.stdout, /not enough data/);
    assert.equal(cli(['check', '--history', file]).code, 3);
    assert.match(cli(['metrics', '--history', file, '--volume', '/v']).stdout, /^diskblame_forecast_available\{mountpoint="\/v"\} 0$/m);
  }
  // bytes up to 2^64 (df's limit) are read; more is refused (1e308 made the model's sums Infinity)
  const big = json(cli(['forecast', '--history', write('big.csv', STEADY.replace(/,107374182400$/gm, ',18446744073709551616')), '--json']));
  assert.equal(big.status, 'ok');
  assert.equal(big.sizeBytes, 2 ** 64);
  const over = write('over.csv', STEADY.replace(/,107374182400$/gm, ',1e308').replace(/,(\d+),1e308$/gm, ',1.1e307,1e308'));
  assert.match(assertOneLineError(cli(['forecast', '--history', over]), 1), /over\.csv: line 2: bad used_bytes "1\.1e307" \(a number of bytes, 0 to 2\^64\)/);
});

/**
 * Max resident set (KiB) and result of the CLI under /usr/bin/time; `pipe`: the file is fed to its
 * stdin by cat (a pipe the CLI stops reading when it fails early).
 */
function timed(args: string[], pipe?: string): { code: number | null; stderr: string; maxKiB: number } {
  const script = `${pipe !== undefined ? 'cat "$1" | ' : ''}exec /usr/bin/time -f 'MAXRSS %M' "$2" "$3" "$4" "$5" "$6"`;
  const r = run('sh', ['-c', script, 'sh', pipe ?? '', process.execPath, CLI, ...args], { env: baseEnv, timeoutMs: 120_000 });
  const m = /^MAXRSS (\d+)$/m.exec(r.stderr);
  assert.ok(m, r.stderr);
  return { code: r.code, stderr: r.stderr.replace(/^MAXRSS.*\n?/m, '').replace(/^Command exited.*\n/m, ''), maxKiB: Number(m![1]) };
}

test('bounded memory: a gzip of 1 GiB without a newline, a newline bomb, endless long comments; each stops with one line', { skip: !fs.existsSync('/usr/bin/time') && '/usr/bin/time not installed (Debian package time)' }, () => {
  const noNewline = gzipSync(Buffer.alloc(1 << 30, 0x61), { level: 9 });
  const cases: [string, Buffer, RegExp][] = [
    ['one-line.gz', noNewline, /: line 1: longer than 4096 bytes/],
    ['newlines.gz', gzipSync(Buffer.alloc(256 << 20, 0x0a), { level: 9 }), /: line 2000001: more than 2000000 lines/],
    ['comments.gz', gzipSync(Buffer.from(('#' + 'c'.repeat(4000) + '\n').repeat(40_000)), { level: 9 }), /: more than 134217728 bytes after line \d+/],
  ];
  for (const [name, gz, re] of cases) {
    const file = write(name, gz);
    for (const [how, args, pipe] of [['file', ['forecast', '--history', file], undefined], ['stdin', ['forecast', '--history', '-'], file]] as const) {
      const r = timed([...args], pipe);
      assert.equal(r.code, 1, `${name} ${how}: ${r.stderr}`);
      assert.equal(lines(r.stderr).length, 1, `${name} ${how}: ${r.stderr}`);
      assert.match(r.stderr, re, `${name} ${how}`);
      // the plain run of the CLI takes ~60 MiB; the 1 GiB line must not be held
      assert.ok(r.maxKiB < 250 * 1024, `${name} ${how}: max RSS ${r.maxKiB} KiB`);
    }
  }
});

// ---- metrics with no samples ------------------------------------------------------------------

function promtool(text: string): { code: number | null; out: string } {
  const r = run('promtool', ['check', 'metrics'], { input: text });
  return { code: r.code, out: r.stdout + r.stderr };
}

const lastRun = (text: string): number => Number(/^diskblame_last_run_timestamp_seconds (\d+)$/m.exec(text)?.[1]);

test('metrics never goes silent: no samples, a volume without any, too few, and many all give a valid exposition with the run time', { skip: !have('promtool') && 'promtool not installed (Debian package prometheus)' }, () => {
  const check = (what: string, text: string, t0: number) => {
    const p = promtool(text);
    assert.equal(p.code, 0, `${what}: promtool: ${p.out}\n${text}`);
    const at = lastRun(text);
    assert.ok(at >= Math.floor(t0 / 1000) && at <= Date.now() / 1000 + 1, `${what}: last run ${at}`);
    for (const n of ['diskblame_forecast_available', 'diskblame_last_run_timestamp_seconds']) {
      assert.match(text, new RegExp(`^# HELP ${n} \\S`, 'm'), `${what}: HELP of ${n}`);
      assert.match(text, new RegExp(`^# TYPE ${n} gauge$`, 'm'), `${what}: TYPE of ${n}`);
    }
  };
  // an empty store: an unlabelled 0, a note on stderr, exit 0, and -o writes it
  const empty = path.join(tmp, 'no-store');
  let t0 = Date.now();
  const e = cli(['metrics', '--store', empty]);
  assert.equal(e.code, 0, e.stderr);
  assert.match(e.stderr, /^diskblame: note: no usage samples in /);
  check('empty store', e.stdout, t0);
  assert.match(e.stdout, /^diskblame_forecast_available 0$/m);
  const out = path.join(tmp, 'textfile.prom');
  assert.equal(cli(['metrics', '--store', empty, '-o', out]).code, 0);
  check('empty store -o', fs.readFileSync(out, 'utf8'), t0);
  const ej = json<{ name: string; samples: { labels: object; value: number }[] }[]>(cli(['metrics', '--store', empty, '--json']));
  assert.deepEqual(ej.find((f) => f.name === 'diskblame_forecast_available')!.samples, [{ labels: {}, value: 0 }]);

  // a store with samples of /data only: --volume of another mount point is a labelled 0
  storeWith(store, '/data', 10);
  t0 = Date.now();
  const other = cli(['metrics', '--volume', '/']);
  assert.equal(other.code, 0, other.stderr);
  check('volume without samples', other.stdout, t0);
  assert.match(other.stdout, /^diskblame_forecast_available\{mountpoint="\/"\} 0$/m);

  // too few samples: 0 with the volume's labels; enough: 1, and the same two families
  const few = cli(['metrics', '--history', write('few.csv', '2026-03-01T00:00:00Z,1,10\n2026-03-01T00:15:00Z,2,10\n'), '--volume', '/few']);
  check('too few samples', few.stdout, t0);
  assert.match(few.stdout, /^diskblame_forecast_available\{mountpoint="\/few"\} 0$/m);
  const many = cli(['metrics']);
  assert.equal(many.code, 0, many.stderr);
  check('samples', many.stdout, t0);
  assert.match(many.stdout, /^diskblame_forecast_available\{mountpoint="\/data",device="\/dev\/test"\} 1$/m);
  assert.match(many.stdout, /^diskblame_time_to_full_seconds\{mountpoint="\/data",device="\/dev\/test"\} \d+$/m);
});

// ---- times in the host's zone -----------------------------------------------------------------

const ZONES: [string, RegExp][] = [
  ['America/New_York', /-0[45]:00/],
  ['Asia/Kolkata', /\+05:30/],
  ['UTC', /UTC/],
];

/** `node -e CODE` in zone `tz`, with the built report/time.js as `t` */
function inZone(tz: string, code: string): string {
  const mod = path.join(path.dirname(CLI), '..', 'report', 'time.js');
  const r = run(process.execPath, ['--input-type=module', '-e', `import * as t from ${JSON.stringify(mod)}; ${code}`], { env: { ...baseEnv, TZ: tz } });
  assert.equal(r.code, 0, r.stderr);
  return r.stdout.trim();
}

test('report/time: local clock with the offset, dates, and UTC times in a text reworded locally', () => {
  const at = Date.parse('2026-03-01T02:00:00Z'); // a Sunday; New York is on EST (-05:00) then
  const summer = Date.parse('2026-07-05T02:00:00Z');
  const got = (tz: string) =>
    JSON.parse(inZone(tz, `console.log(JSON.stringify([t.clock(${at}), t.clock(${at} + 12345, { seconds: true }), t.localDate(${at}), t.localTimes('weekly peak (Sun 02:00 UTC), +3 GiB; daily peak (~02:00 UTC); resized on 2026-03-01 02:00 UTC', ${at}), t.localTimes('weekly peak (Sun 02:00 UTC)', ${summer})]))`));
  assert.deepEqual(got('America/New_York'), ['2026-02-28 21:00 -05:00', '2026-02-28 21:00:12 -05:00', '2026-02-28', 'weekly peak (Sat 21:00 -05:00), +3 GiB; daily peak (~21:00 -05:00); resized on 2026-02-28 21:00 -05:00', 'weekly peak (Sat 22:00 -04:00)']);
  assert.deepEqual(got('Asia/Kolkata'), ['2026-03-01 07:30 +05:30', '2026-03-01 07:30:12 +05:30', '2026-03-01', 'weekly peak (Sun 07:30 +05:30), +3 GiB; daily peak (~07:30 +05:30); resized on 2026-03-01 07:30 +05:30', 'weekly peak (Sun 07:30 +05:30)']);
  assert.deepEqual(got('UTC'), ['2026-03-01 02:00 UTC', '2026-03-01 02:00:12 UTC', '2026-03-01', 'weekly peak (Sun 02:00 UTC), +3 GiB; daily peak (~02:00 UTC); resized on 2026-03-01 02:00 UTC', 'weekly peak (Sun 02:00 UTC)']);
});

/** A history with a transient peak every Sunday 02:00-05:00 UTC on a slow trend (a weekly job). */
function weeklyCsv(end: number): string {
  const L = ['timestamp,used_bytes,size_bytes'];
  for (let t = end - 42 * DAY; t <= end; t += 15 * 60_000) {
    const d = new Date(t);
    const peak = d.getUTCDay() === 0 && d.getUTCHours() >= 2 && d.getUTCHours() < 5 ? 30 * GIB : 0;
    L.push(`${d.toISOString()},${Math.round(50 * GIB + (0.2 * GIB * (t - end + 42 * DAY)) / DAY + peak)},${100 * GIB}`);
  }
  return L.join('\n') + '\n';
}

test('forecast, check and the snapshot list speak local time with the offset; JSON stays UTC', () => {
  const steady = write('tz-steady.csv', STEADY);
  const weekly = write('tz-weekly.csv', weeklyCsv(Date.parse('2026-03-12T12:00:00Z')));
  const fj = json(cli(['forecast', '--history', steady, '--json'], { tz: 'Asia/Kolkata' }));
  assert.match(fj.fillsAt, /Z$/, 'JSON in UTC whatever the zone');
  const snapRoot = path.join(tmp, 'snaproot');
  fs.mkdirSync(snapRoot, { recursive: true });
  fs.writeFileSync(path.join(snapRoot, 'f'), 'x'.repeat(10000));
  const snapStore = path.join(tmp, 'snapstore');
  assert.equal(cli(['snapshot', snapRoot, '--store', snapStore]).code, 0);
  fs.writeFileSync(path.join(snapRoot, 'g'), 'y'.repeat(50000));
  assert.equal(cli(['snapshot', snapRoot, '--store', snapStore]).code, 0);
  const snaps0 = json(cli(['snapshots', '--store', snapStore, '--json'])).snapshots as { id: string; time: string }[];
  assert.equal(snaps0.length, 2);
  const snapTime = snaps0[0].time;
  // two logs written at known instants: owners names the days they span, in the zone
  const logs = path.join(tmp, 'owned', 'log');
  fs.mkdirSync(logs, { recursive: true });
  const days: [string, number][] = [['a.log', Date.parse('2026-03-01T02:00:00Z')], ['b.log', Date.parse('2026-03-05T20:00:00Z')]];
  for (const [n, at] of days) {
    fs.writeFileSync(path.join(logs, n), 'log line\n');
    fs.utimesSync(path.join(logs, n), at / 1000, at / 1000);
  }
  const span: Record<string, string> = { 'America/New_York': '2026-02-28 .. 2026-03-05', 'Asia/Kolkata': '2026-03-01 .. 2026-03-06', UTC: '2026-03-01 .. 2026-03-05' };
  for (const [tz, offset] of ZONES) {
    const o = cli(['owners', path.dirname(logs)], { tz });
    assert.equal(o.code, 0, o.stderr);
    assert.match(o.stdout, new RegExp(`^ +\\S+ KiB +2 files +live logs +${span[tz]}$`, 'm'), `${tz}: owners:\n${o.stdout}`);
    const local = (ms: number) => inZone(tz, `console.log(t.clock(${ms}))`);
    const t = cli(['forecast', '--history', steady], { tz });
    assert.equal(t.code, 0, t.stderr);
    assert.match(t.stdout, new RegExp(`^  Fills +${local(Date.parse(fj.fillsAt)).replace('+', '\\+')} `, 'm'), `${tz}: ${t.stdout}`);
    assert.match(t.stdout, new RegExp(`as of ${local(END).replace('+', '\\+')}$`, 'm'));
    const w = cli(['forecast', '--history', weekly], { tz });
    assert.equal(w.code, 0, w.stderr);
    const c = cli(['check', '--history', steady, '--warn', '30d'], { tz });
    assert.match(c.stdout, offset, `${tz}: check`);
    const snaps = cli(['snapshots', '--store', snapStore], { tz });
    assert.match(snaps.stdout, /^ID +TIME +ROOT/);
    assert.ok(snaps.stdout.includes(inZone(tz, `console.log(t.clock(${Date.parse(snapTime)}, { seconds: true }))`)), `${tz}: ${snaps.stdout}`);
    const d = cli(['diff', snaps0[0].id, snaps0[1].id, '--store', snapStore], { tz });
    assert.equal(d.code, 0, d.stderr);
    assert.ok(d.stdout.includes(inZone(tz, `console.log(t.clock(${Math.floor(Date.parse(snapTime) / 1000) * 1000}))`)), `${tz}: diff: ${d.stdout}`);
    if (tz !== 'UTC') {
      for (const [what, text] of [['forecast', t.stdout], ['weekly', w.stdout], ['check', c.stdout], ['snapshots', snaps.stdout], ['diff', d.stdout]]) {
        assert.doesNotMatch(text, /\bUTC\b|\d\d:\d\d(:\d\d)?(\.\d+)?Z\b/, `${tz}: ${what} names a time in UTC:\n${text}`);
        assert.match(text, offset, `${tz}: ${what}`);
      }
    }
  }
});

test('a --history CSV with no samples (empty, a header only) says so of the file, not to run the sampler; the header names no "from" twice', () => {
  for (const [name, data] of [['nothing.csv', ''], ['header.csv', 'timestamp,used_bytes,size_bytes\n# a comment\n']] as const) {
    const file = write(name, data);
    const t = cli(['forecast', '--history', file]);
    assert.equal(t.code, 0, t.stderr);
    const flat = t.stdout.replace(/\n {15}/g, ' ');
    assert.match(flat, new RegExp(`no samples in ${file.replace(/[.]/g, '\\.')}: it wants lines of timestamp,used_bytes,size_bytes`));
    assert.doesNotMatch(t.stdout, /diskblame sample/);
    assert.equal(t.stdout.split('\n')[0], file);
    const c = cli(['check', '--history', file]);
    assert.equal(c.code, 3, c.stdout);
    assert.match(c.stdout, /^DISKBLAME UNKNOWN - .*no samples in .*: it wants lines of timestamp,used_bytes,size_bytes/);
    const named = cli(['forecast', '--history', file, '--volume', '/data']);
    assert.equal(named.stdout.split('\n')[0], `/data  from ${file}`);
  }
});

test('--volume that does not exist: one line saying so (not "record samples of it"); check UNKNOWN, metrics still writes its gauges', () => {
  const store = path.join(tmp, 'store-novolume');
  const nope = path.join(tmp, 'no-such-volume');
  const f = cli(['forecast', '--store', store, '--volume', nope]);
  assertOneLineError(f, 1);
  assert.match(f.stderr, /no-such-volume: no such file or directory, and no usage samples of it in /);
  const c = cli(['check', '--store', store, '--volume', nope]);
  assert.equal(c.code, 3, c.stdout);
  assert.match(c.stdout, /^DISKBLAME UNKNOWN - .*no-such-volume: no such file or directory/);
  const m = cli(['metrics', '--store', store, '--volume', nope]);
  assert.equal(m.code, 0, m.stderr);
  assert.match(m.stdout, /diskblame_forecast_available\{mountpoint=".*no-such-volume"\} 0/);
});
