/**
 * Trying to break the forecast model (src/forecast/model.ts, peaks.ts) and `diskblame forecast
 * --history`: hostile or odd histories must neither throw nor give non-finite or absurd numbers,
 * plainly safe volumes must give no alarm, and bad CSV must give one line on stderr. Written by a
 * break-the-model pass; the four it found (a varying job's next run above any seen, a time past the
 * calendar's end, ...) were fixed in the model.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { forecast } from '../src/forecast/model.js';
import type { Forecast, Point } from '../src/forecast/types.js';
import { assertOneLineError, runCli } from './helpers/run.js';
import { makeTmp, rmrf } from './helpers/fs.js';

const M = 60_000, H = 60 * M, DAY = 24 * H, GIB = 2 ** 30;
const T0 = Date.parse('2026-01-05T00:00:00Z');

/** a deterministic PRNG (LCG) in [0, 1) */
function lcg(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
}

/** n samples every stepMs from T0, used = f(ms since T0), on a volume of `size` bytes */
function series(n: number, stepMs: number, f: (t: number, i: number) => number, size = 100 * GIB): Point[] {
  return Array.from({ length: n }, (_, i) => ({ t: T0 + i * stepMs, used: Math.round(f(i * stepMs, i)), size }));
}

/** the contract's invariants on any input */
function assertSane(name: string, r: Forecast): void {
  assert.ok(Number.isFinite(r.growthBytesPerDay), `${name}: growth ${r.growthBytesPerDay}`);
  for (const k of ['fillsAt', 'earliest', 'latest', 'backtestError'] as const) {
    assert.ok(r[k] === null || Number.isFinite(r[k]), `${name}: ${k} = ${r[k]}`);
  }
  if (r.fillsAt !== null && r.usedBytes < r.sizeBytes) assert.ok(r.fillsAt >= r.asOf, `${name}: fillsAt before asOf`);
  if (r.earliest !== null && r.latest !== null) assert.ok(r.earliest <= r.latest, `${name}: earliest > latest`);
  for (const p of r.peaks) {
    assert.ok(p.height >= 0 && p.nextHeight >= 0, `${name}: negative peak height ${p.height} / ${p.nextHeight}`);
    assert.ok(Number.isFinite(p.nextAt) && Number.isFinite(p.growthPerOccurrence) && p.durationMs >= 0, `${name}: bad peak`);
  }
  if (r.nextRisk) assert.ok(Number.isFinite(r.nextRisk.at) && Number.isFinite(r.nextRisk.expectedUsed), `${name}: bad nextRisk`);
}

function assertNoAlarm(name: string, r: Forecast): void {
  assert.equal(r.fillsAt, null, `${name}: fills in ${r.fillsAt === null ? '' : ((r.fillsAt - r.asOf) / DAY).toFixed(1)} days`);
  assert.ok(!r.nextRisk || r.nextRisk.fits, `${name}: next risk does not fit: ${r.nextRisk?.what}`);
}

test('odd histories: no exception, finite and ordered numbers', () => {
  const rnd = lcg(7);
  const noise = () => (rnd() - 0.5) * 0.2 * GIB;
  const grow = (t: number) => 50 * GIB + (t / DAY) * 0.2 * GIB + noise();
  const base = series(3000, 5 * M, grow);
  const shuffled = base.slice();
  for (let i = shuffled.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
  }
  const cases: Array<[string, Point[]]> = [
    ['empty', []],
    ['all at one timestamp', Array.from({ length: 100 }, (_, i) => ({ t: T0, used: 50 * GIB + i, size: 100 * GIB }))],
    ['duplicate timestamps', base.flatMap((p) => [p, { ...p, used: p.used + GIB }])],
    ['unsorted', shuffled],
    ['above 2^53 bytes', series(3000, 5 * M, (t) => 2 ** 59 + (t / DAY) * 2 ** 50, 2 ** 60)],
    ['used > size', series(3000, 5 * M, (t) => 120 * GIB + (t / DAY) * GIB)],
    ['negative used', series(3000, 5 * M, () => -50 * GIB + noise())],
    ['zero used', series(3000, 5 * M, () => 0)],
    ['zero size', series(300, 5 * M, () => 0, 0)],
    ['NaN and Infinity mixed in', base.map((p, i) => (i % 7 === 0 ? { ...p, used: NaN } : i % 11 === 0 ? { ...p, size: Infinity } : p))],
    ['hundreds of resizes', base.map((p, i) => ({ ...p, size: (100 + Math.floor(i / 10)) * GIB }))],
    ['a gap of four months', [...series(1500, 5 * M, grow), ...series(1500, 5 * M, grow).map((p) => ({ ...p, t: p.t + 120 * DAY }))]],
    ['exactly 12 samples', series(12, (3 * DAY) / 11, (t) => 50 * GIB + (t / DAY) * GIB)],
    ['exactly 3 days', series(3 * 288 + 1, 5 * M, grow)],
    ['peaks every 5 minutes', series(3000, M, (_, i) => 50 * GIB + (i % 5 === 0 ? 10 * GIB : 0) + noise())],
    ['a sample every second for a day', series(86_400, 1000, grow)],
  ];
  for (const [name, pts] of cases) {
    let r: Forecast;
    assert.doesNotThrow(() => { r = forecast(pts); }, name);
    assertSane(name, r!);
  }
});

test('plainly safe volumes: no alarm', () => {
  const rnd = lcg(11);
  const noise = () => (rnd() - 0.5) * 0.2 * GIB;
  const cases: Array<[string, Point[]]> = [
    ['flat with noise', series(5000, 5 * M, () => 50 * GIB + noise())],
    ['shrinking', series(5000, 5 * M, (t) => 80 * GIB - (t / DAY) * 0.3 * GIB + noise())],
    ['weekly sawtooth that never grows', series(10_000, 10 * M, (t) => 40 * GIB + ((t % (7 * DAY)) / (7 * DAY)) * 30 * GIB)],
    ['weekly job of a constant 85 GiB', series(10_000, 10 * M, (t) => 10 * GIB + (t % (7 * DAY) < 5 * H ? 85 * GIB : 0) + noise())],
    ['a 3-day burst deleted', series(10_000, 10 * M, (t) => 50 * GIB + (t > 40 * DAY && t < 43 * DAY ? 30 * GIB : 0) + noise())],
  ];
  for (const [name, pts] of cases) {
    const r = forecast(pts);
    assertSane(name, r);
    assertNoAlarm(name, r);
  }
});

test('a weekly job whose need varies but does not grow (never above 79 GiB on a 100 GiB volume, 10 GiB base) gives no alarm', () => {
  const rnd = lcg(3);
  // 15 weekly runs, 5 h each, needing 51..79 GiB in no order (no trend)
  const heights = [63, 54, 60, 55, 67, 51, 55, 79, 61, 76, 69, 63, 79, 74, 52];
  const pts = series(15 * 7 * 144, 10 * M, (t) => 10 * GIB + (t % (7 * DAY) < 5 * H ? heights[Math.floor(t / (7 * DAY))]! * GIB : 0) + (rnd() - 0.5) * 0.2 * GIB);
  const r = forecast(pts);
  assertSane('weekly varying', r);
  assertNoAlarm('weekly varying', r);
});

test('a nightly job whose need scatters 50-79 GiB without growing (10 GiB base, 100 GiB volume) gives no alarm', () => {
  const rnd = lcg(1);
  const heights = Array.from({ length: 60 }, () => 50 + Math.floor(rnd() * 30));
  const pts = series(60 * 96, 15 * M, (t) => 10 * GIB + (t % DAY < 2 * H ? heights[Math.floor(t / DAY)]! * GIB : 0) + (rnd() - 0.5) * 0.2 * GIB);
  assert.ok(Math.max(...heights) <= 79);
  const r = forecast(pts);
  assertSane('nightly varying', r);
  assertNoAlarm('nightly varying', r);
});

// (its speed is measured by `npm run backtest`, not here: no timed tests)
test('a long history (one sample a day for eight years) forecasts sanely', () => {
  const rnd = lcg(5);
  const pts = series(3000, DAY, () => 50 * GIB + (rnd() - 0.5) * 0.2 * GIB);
  const r = forecast(pts);
  assertSane('long', r);
  assertNoAlarm('long', r);
});

test('timestamps near the end of JS time (8.64e15 ms) do not throw', () => {
  const rnd = lcg(13);
  // 87 days every 5 min, a 40 GiB peak on the 1st of each month 00-06 UTC (in 2026), moved to end 13 days before the end of JS time
  const shift = 8.64e15 - 100 * DAY - T0;
  const pts = series(25_000, 5 * M, (t) => {
    const d = new Date(T0 + t);
    return 30 * GIB + (d.getUTCDate() === 1 && d.getUTCHours() < 6 ? 40 * GIB : 0) + (rnd() - 0.5) * 0.2 * GIB;
  }).map((p) => ({ ...p, t: p.t + shift }));
  let r: Forecast;
  assert.doesNotThrow(() => { r = forecast(pts); });
  assertSane('near 8.64e15', r!);
});

test('CLI: hostile --history files give one line on stderr and exit 1', () => {
  const tmp = makeTmp('fbreak');
  try {
    const env = { ...process.env, DISKBLAME_DEBUG: '', DISKBLAME_STORE: path.join(tmp, 'store'), TZ: 'UTC' };
    const bad: Record<string, string> = {
      nan: '1769817624,NaN,100',
      inf: '1769817624,Infinity,100',
      neg: '1769817624,-5,100',
      e400: '1769817624,1e400,100',
      over2p64: '1769817624,99999999999999999999999,100',
      overSize: '1769817624,200,100',
      zeroSize: '1769817624,0,0',
      negTime: '-1,5,100',
    };
    for (const [name, line] of Object.entries(bad)) {
      const f = path.join(tmp, `${name}.csv`);
      fs.writeFileSync(f, `timestamp,used_bytes,size_bytes\n${line}\n`);
      assertOneLineError(runCli(['forecast', ...(name === 'nan' || name === 'overSize' ? ['--json'] : []), '--history', f], { env }), 1);
    }
    // values near 2^64 are accepted and forecast without a trace
    const big = ['timestamp,used_bytes,size_bytes'];
    for (let i = 0; i < 500; i++) big.push(`${1769817624 + i * 3600},${18446744073709551615n - BigInt(500 - i) * 10n ** 15n},18446744073709551615`);
    fs.writeFileSync(path.join(tmp, 'u64.csv'), big.join('\n') + '\n');
    const r = runCli(['forecast', '--json', '--history', path.join(tmp, 'u64.csv')], { env });
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout);
    assert.equal(j.status, 'ok');
    assert.ok(Date.parse(j.fillsAt) >= Date.parse(j.asOf));
  } finally {
    rmrf(tmp);
  }
});
