/**
 * The forecast core: the model on synthetic series of every pattern (built here, fill times known
 * by construction), the history CSV parser, the predict_linear baselines, and the backtest — on the
 * public traces (fixtures/traces) and on a held-out set of freshly generated traces — with the
 * issue's minimum thresholds asserted (targets reported as diagnostics).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { forecast } from '../src/forecast/model.js';
import { HistoryParseError, formatHistoryCsv, parseHistoryCsv } from '../src/forecast/history.js';
import { predictLinear, DAY, HOUR } from '../src/forecast/linear.js';
import { cutsOf, runBacktest, scoreCut, summarize, type Trace } from '../src/forecast/backtest.js';
import { compare, OUR_MODEL } from '../src/forecast/evaluate.js';
import { rng, synthSet, SYNTH_PATTERNS } from '../src/forecast/synth.js';
import type { Point } from '../src/forecast/types.js';
import { loadTraces } from '../bench/traces.js';

/** The held-out seed (also `npm run backtest`'s default): never looked at while developing the model. */
const HELDOUT_SEED = 31337;

const here = path.dirname(fileURLToPath(import.meta.url));
const GIB = 2 ** 30;
const SIZE = 100 * GIB;
const T0 = Date.UTC(2026, 0, 5); // a Monday

/** Samples every `stepMin` minutes for `days` days: used = SIZE·frac(d) (d in days) + small noise. */
function series(days: number, frac: (d: number) => number, opts: { stepMin?: number; noise?: number; seed?: number; size?: (d: number) => number; skip?: (d: number) => boolean } = {}): Point[] {
  const r = rng(opts.seed ?? 1);
  const step = (opts.stepMin ?? 10) * 60_000;
  const out: Point[] = [];
  for (let e = 0; e <= days * DAY; e += step) {
    const d = e / DAY;
    if (opts.skip?.(d)) continue;
    const size = opts.size?.(d) ?? SIZE;
    const used = Math.min(size, Math.max(0, frac(d) * SIZE + (r() - 0.5) * 2 * (opts.noise ?? 0.001) * SIZE));
    out.push({ t: T0 + e, used, size });
  }
  return out;
}

const day = (d: number): number => T0 + d * DAY;
const inDays = (t: number | null): number | null => (t === null ? null : (t - T0) / DAY);

function assertFillNear(pts: Point[], expectedDay: number, tolDays: number, what: string): ReturnType<typeof forecast> {
  const f = forecast(pts);
  assert.equal(f.status, 'ok', what);
  assert.ok(f.fillsAt !== null, `${what}: expected a fill near day ${expectedDay}, got none`);
  const got = inDays(f.fillsAt)!;
  assert.ok(Math.abs(got - expectedDay) <= tolDays, `${what}: fill on day ${got.toFixed(2)}, expected ${expectedDay} ± ${tolDays}`);
  assert.ok(f.earliest !== null && f.earliest <= f.fillsAt!, `${what}: earliest <= fillsAt`);
  assert.ok(f.latest === null || f.latest >= f.fillsAt!, `${what}: latest >= fillsAt`);
  return f;
}

describe('forecast model on synthetic patterns', () => {
  it('steady growth: fills where the line meets the size', () => {
    // 50% + 1%/day: full on day 50; seen for 20 days
    const f = assertFillNear(series(20, (d) => 0.5 + 0.01 * d), 50, 1.5, 'steady');
    assert.ok(Math.abs(f.growthBytesPerDay - 0.01 * SIZE) < 0.001 * SIZE, `growth ${f.growthBytesPerDay / SIZE}`);
    assert.equal(f.pattern, 'steady');
    assert.ok(f.backtestError !== null && f.backtestError < 0.02, `self backtest ${f.backtestError}`);
    assert.equal(f.asOf, day(20));
  });

  it('log rotation sawtooth: the trend of the envelope, and the fill when the top of the saw reaches the size', () => {
    // base 40% + 1%/day, a daily saw of +4% dropped at each rotation: the top reaches 100% on day 56
    const pts = series(20, (d) => 0.4 + 0.01 * d + 0.04 * (d % 1));
    const f = assertFillNear(pts, 56, 1.5, 'sawtooth');
    assert.equal(f.pattern, 'sawtooth');
    assert.ok(Math.abs(f.growthBytesPerDay / SIZE - 0.01) < 0.001, `growth ${f.growthBytesPerDay / SIZE}/day`);
    // the next risky moment: the top of the saw, just before the rotation at midnight
    assert.ok(f.nextRisk && /daily peak/.test(f.nextRisk.what), f.nextRisk?.what);
    assert.ok(Math.abs(inDays(f.nextRisk.at)! - 21) < 0.05, `next daily peak on day ${inDays(f.nextRisk.at)}`);
    // a 6 h straight line sees the saw's slope (4%/day) or its drop: far off
    const base = predictLinear(pts.slice(0, pts.length - 30), 6 * HOUR);
    assert.ok(base.fillsAt === null || Math.abs(inDays(base.fillsAt)! - 56) > 5, 'the 6h baseline is fooled by the saw');
  });

  it('weekly batch job: the fill is the first weekly peak that does not fit, not where the trend crosses', () => {
    // base 50% + 0.5%/day; every 7 days (day 6.5 + 7k) a 6 h job needs +15% transient space.
    // The trend alone meets 100% on day 100; the peak reaches it first on day 76.5.
    const peak = (d: number): number => (((d - 6.5) % 7) + 7) % 7 < 0.25 ? 0.15 : 0;
    const f = assertFillNear(series(28, (d) => 0.5 + 0.005 * d + peak(d)), 76.5, 1, 'weekly');
    assert.equal(f.pattern, 'periodic-peaks');
    // the risk is the first peak that will not fit within the horizon (issue 12), with its pattern
    assert.ok(f.nextRisk, 'names the risky peak');
    assert.ok(Math.abs(inDays(f.nextRisk.at)! - 76.5) < 0.3, `risky peak on day ${inDays(f.nextRisk.at)}`);
    assert.equal(f.nextRisk.fits, false);
    const pk = f.nextRisk.peak;
    assert.ok(pk, 'a PeakPattern');
    assert.equal(pk.recurrence, 'weekly');
    assert.equal(pk.periodMs, 7 * DAY);
    // onsets to a sample (10 min): the first sample of each run
    assert.equal(pk.onsets.length, 4);
    pk.onsets.forEach((o, k) => assert.ok(o >= day(6.5 + 7 * k) && o - day(6.5 + 7 * k) <= 10 * 60_000, `onset ${inDays(o)}`));
    assert.ok(Math.abs(pk.durationMs - 6 * HOUR) < HOUR, `duration ${pk.durationMs / HOUR} h`);
    assert.ok(Math.abs(pk.height / SIZE - 0.15) < 0.005 && Math.abs(pk.nextHeight / SIZE - 0.15) < 0.005, `height ${pk.height / SIZE}`);
    assert.equal(pk.growthPerOccurrence, 0);
    assert.equal(pk.nextAt, f.nextRisk.at);
    // with a short horizon the risk is the next peak, which fits
    const short = forecast(series(28, (d) => 0.5 + 0.005 * d + peak(d)), { horizonMs: 30 * DAY });
    assert.ok(short.nextRisk && Math.abs(inDays(short.nextRisk.at)! - 34.5) < 0.3 && short.nextRisk.fits, `next peak ${inDays(short.nextRisk?.at ?? null)}`);
    assert.ok(Math.abs(f.growthBytesPerDay / SIZE - 0.005) < 0.001, 'growth of the trend, not of the peaks');
    // close to the end: the next peak is the one that fails
    const g = forecast(series(70, (d) => 0.5 + 0.005 * d + peak(d)));
    assert.ok(g.nextRisk && !g.nextRisk.fits, 'the peak of day 76.5 does not fit');
    assert.ok(Math.abs(inDays(g.fillsAt)! - 76.5) < 0.5);
  });

  it('nightly backups kept 5 days (staircase): not fooled by the first days of accumulation', () => {
    // a backup of 2% at 01:00 every night, the oldest deleted at 03:00 once 5 are kept; data grows 0.3%/day
    const frac = (d: number): number => {
      const nights = Math.floor(d) + ((d % 1) >= 1 / 24 ? 1 : 0);
      const deleted = Math.max(0, Math.floor(d) + ((d % 1) >= 3 / 24 ? 1 : 0) - 5);
      return 0.4 + 0.003 * d + 0.02 * (nights - deleted);
    };
    // steady state: 0.5 + 0.003 d (+2% for two hours a night): the top reaches 100% on day 160
    const f = assertFillNear(series(30, frac), 160, 12, 'staircase');
    assert.ok(f.growthBytesPerDay < 0.005 * SIZE, `growth ${f.growthBytesPerDay / SIZE}/day, not the 2%/day of the first days`);
    // backups that are never deleted: a staircase of +1% a night, full on day 70
    const g = assertFillNear(series(30, (d) => 0.3 + 0.01 * Math.floor(d), { noise: 0.0002 }), 70, 1.5, 'steps');
    assert.equal(g.pattern, 'steps');
  });

  it('broken retention and rate jumps: the latest rate, from the change on', () => {
    // 0.2%/day for 20 days, then 2%/day: at day 25 used = 0.54 + 0.10 = 0.64, full on day 43
    const f = assertFillNear(series(25, (d) => 0.5 + 0.002 * Math.min(d, 20) + 0.02 * Math.max(d - 20, 0)), 43, 1.5, 'rate jump');
    assert.ok(f.notes.some((n) => /rate changed/.test(n)), f.notes.join('; '));
  });

  it('accelerating growth: not late like a straight line', () => {
    // 40% + 5%·(e^{0.05 d} - 1): full on day ln(13)/0.05 = 51.3; seen for 30 days
    const pts = series(30, (d) => 0.4 + 0.05 * (Math.exp(0.05 * d) - 1));
    const f = assertFillNear(pts, 51.3, 3, 'accelerating');
    assert.equal(f.pattern, 'accelerating');
    const lin = inDays(predictLinear(pts, 7 * DAY).fillsAt)!;
    assert.ok(lin > 51.3 + 2.1, `the 7d line is late (day ${lin.toFixed(1)}): this test must separate them`);
  });

  it('a volume resize starts a new regime', () => {
    // 50 GiB + 1 GiB/day on 100 GiB, resized to 200 GiB on day 20: full on day 150
    const pts = series(30, (d) => 0.5 + 0.01 * d, { size: (d) => (d < 20 ? SIZE : 2 * SIZE) });
    const f = assertFillNear(pts, 150, 8, 'resize');
    assert.equal(f.sizeBytes, 2 * SIZE);
    assert.ok(Math.abs(inDays(f.regimeStart)! - 20) < 0.01, 'regime starts at the resize');
    assert.ok(f.notes.some((n) => /resized/.test(n)));
    assert.ok(f.samplesUsed < pts.length);
  });

  it('sampling gaps are bridged', () => {
    const gaps = (d: number): boolean => (d > 5 && d < 7.5) || (d > 12 && d < 15);
    const f = assertFillNear(series(20, (d) => 0.5 + 0.01 * d, { skip: gaps }), 50, 1.5, 'gaps');
    assert.ok(f.notes.some((n) => /gap/.test(n)));
  });

  it('a volume that never fills: no alarm, even with a daily saw', () => {
    for (const frac of [(d: number): number => 0.4 + 0.04 * (d % 1), (d: number): number => 0.4 + 0.00005 * d]) {
      const f = forecast(series(40, frac));
      assert.equal(f.status, 'ok');
      assert.equal(f.fillsAt, null);
      assert.ok(['flat', 'sawtooth'].includes(f.pattern), f.pattern);
    }
  });

  it('manual cleanups: one-off drops, growth goes on at the same rate', () => {
    // 1%/day, 10% freed on days 10 and 20: at day 25 used = 0.45 + 0.25 - 0.2 = 0.50, full on day 75
    const frac = (d: number): number => 0.45 + 0.01 * d - (d >= 10 ? 0.1 : 0) - (d >= 20 ? 0.1 : 0);
    const f = assertFillNear(series(25, frac), 75, 2.5, 'cleanups');
    assert.ok(Math.abs(f.growthBytesPerDay / SIZE - 0.01) < 0.0015, `growth ${f.growthBytesPerDay / SIZE}/day`);
    assert.ok(f.notes.some((n) => /cleanup/.test(n)), f.notes.join('; '));
  });

  it('a one-off temp burst does not raise an alarm', () => {
    // steady 0.2%/day from 40%; one burst of +55% for an hour on day 18
    const frac = (d: number): number => 0.4 + 0.002 * d + (d > 18 && d < 18 + 1 / 24 ? 0.55 : 0);
    const f = forecast(series(20, frac));
    assert.ok(f.fillsAt === null || inDays(f.fillsAt)! > 200, `fill ${inDays(f.fillsAt)}`);
    // the same burst every day is no longer one-off: the volume fills with the next one
    const g = forecast(series(20, (d) => 0.4 + 0.002 * d + ((d % 1) < 1 / 24 ? 0.62 : 0)));
    assert.ok(g.fillsAt !== null && inDays(g.fillsAt)! < 21.5, `daily bursts: fill ${inDays(g.fillsAt)}`);
    // bursts at random times of day, most days: irregular, and the fill comes with a burst, before the trend
    const r = rng(5);
    const bursts = Array.from({ length: 40 }, (_, i) => ({ at: i * 0.5 + r() * 0.5, h: 0.05 + 0.05 * r() }));
    const burst = (d: number): number => bursts.find((b) => d >= b.at && d < b.at + 1 / 24)?.h ?? 0;
    const b = forecast(series(20, (d) => 0.5 + 0.01 * d + burst(d)));
    assert.equal(b.pattern, 'irregular');
    assert.ok(b.nextRisk && /bursts/.test(b.nextRisk.what), b.nextRisk?.what);
    // the trend alone meets the size on day 50; bursts of 5-10% make it fill days earlier
    assert.ok(b.fillsAt !== null && inDays(b.fillsAt)! < 47 && inDays(b.fillsAt)! > 38, `bursts: fill ${inDays(b.fillsAt)}`);
  });

  it('not enough data: says so, and what is needed', () => {
    const f = forecast(series(0.1, (d) => 0.5 + 0.01 * d));
    assert.equal(f.status, 'not-enough-data');
    assert.equal(f.fillsAt, null);
    assert.ok(f.notes.some((n) => /need at least/.test(n)), f.notes.join('; '));
    // a day or two of a log rotation saw cannot be told from growth: no forecast (no false alarm)
    const saw = forecast(series(2, (d) => 0.5 + 0.04 * (d % 1)));
    assert.equal(saw.status, 'not-enough-data');
    assert.ok(saw.notes.some((n) => /3 days/.test(n)), saw.notes.join('; '));
    const e = forecast([]);
    assert.equal(e.status, 'not-enough-data');
    assert.ok(e.notes.length > 0);
    // a fresh resize leaves too little of the new regime
    const r = forecast(series(10, (d) => 0.5 + 0.01 * d, { size: (d) => (d < 9.9 ? SIZE : 2 * SIZE) }));
    assert.equal(r.status, 'not-enough-data');
    assert.ok(r.notes.some((n) => /resize/.test(n)));
  });

  it('the horizon: no fill date beyond it; already full is now', () => {
    const slow = series(30, (d) => 0.4 + 0.001 * d); // full in ~570 days
    assert.equal(forecast(slow).fillsAt, null);
    const far = forecast(slow, { horizonMs: 1000 * DAY });
    assert.ok(far.fillsAt !== null && Math.abs(inDays(far.fillsAt)! - 600) < 60, `${inDays(far.fillsAt)}`);
    const full = forecast(series(10, (d) => Math.min(1, 0.9 + 0.02 * d), { noise: 0 }));
    assert.equal(full.fillsAt, full.asOf);
  });

  it('self backtest: null on a short history, small on a clean one, skipped on request', () => {
    const short = forecast(series(4, (d) => 0.5 + 0.01 * d));
    assert.equal(short.status, 'ok');
    assert.equal(short.backtestError, null);
    assert.equal(forecast(series(20, (d) => 0.5 + 0.01 * d), { noSelfBacktest: true }).backtestError, null);
  });

  it('unsorted and non-finite samples are tolerated', () => {
    const pts = series(20, (d) => 0.5 + 0.01 * d);
    const shuffled = [...pts].reverse();
    shuffled.push({ t: NaN, used: 1, size: SIZE });
    assert.equal(forecast(shuffled).fillsAt, forecast(pts).fillsAt);
  });

  it('two jobs at the same hour on different weekdays, one fixed and small, one growing: told apart, the growing one fills', () => {
    // base 30% + 0.1%/day; at 02:00-03:30 a job on Mon/Thu needs 18% + 0.65% a day (its run on
    // day 66 reaches 97.5%, day 70's 100.5%), another on Sat/Sun a fixed 5%. On one daily grid
    // their heights mix (half small, half large): no growth shows until they are two jobs.
    const jobs = (d: number): number => {
      const wd = Math.floor(d) % 7, tod = d - Math.floor(d);
      if (tod < 2 / 24 || tod >= 3.5 / 24) return 0;
      return wd === 0 || wd === 3 ? 0.18 + 0.0065 * Math.floor(d) : wd === 5 || wd === 6 ? 0.05 : 0;
    };
    const f = assertFillNear(series(56, (d) => 0.3 + 0.001 * d + jobs(d)), 70 + 2 / 24, 0.3, 'two jobs on one grid');
    const days = f.peaks.map((p) => (p.weekdays ?? []).join(',')).sort();
    assert.deepEqual(days, ['0,6', '1,4'], 'Sat/Sun and Mon/Thu (UTC weekdays) are two peaks');
    assert.ok(f.peaks.find((p) => p.weekdays?.join(',') === '1,4')!.growthPerOccurrence > 0, 'the Mon/Thu job grows');
  });
});

describe('history CSV', () => {
  it('reads ISO 8601 and unix seconds, with or without a header, blank lines and CRLF', () => {
    const text = 'timestamp,used_bytes,size_bytes\r\n2026-01-31T00:00:24Z,100,1000\r\n\r\n1769817924,200,1000\r\n2026-01-31T00:15:00+01:00,150,1000\n';
    const pts = parseHistoryCsv(text);
    assert.deepEqual(pts.map((p) => p.used), [150, 100, 200]); // sorted by time (the +01:00 one is earliest)
    assert.equal(pts[1]!.t, Date.parse('2026-01-31T00:00:24Z'));
    assert.equal(pts[2]!.t, 1769817924 * 1000);
    assert.deepEqual(parseHistoryCsv('1769817924.5,1,2\n'), [{ t: 1769817924500, used: 1, size: 2 }]);
    assert.deepEqual(parseHistoryCsv(''), []);
    const round = parseHistoryCsv(formatHistoryCsv(pts));
    assert.deepEqual(round.map((p) => p.used), [150, 100, 200]);
  });

  it('a bad line is an error naming the line', () => {
    const cases: Array<[string, number, RegExp]> = [
      ['timestamp,used_bytes,size_bytes\n2026-01-31T00:00:00Z,1,10\nyesterday,1,10\n', 3, /timestamp/],
      ['2026-01-31T00:00:00Z,1,10\n\n2026-01-31T01:00:00Z,-5,10\n', 3, /used_bytes/],
      ['2026-01-31T00:00:00Z,1,0\n', 1, /size_bytes/],
      ['2026-01-31T00:00:00Z,1\n', 1, /3 fields/],
      ['2026-01-31T00:00:00Z,1,10,4\n', 1, /3 fields/],
      ['2026-01-31T00:00:00Z,1,10\r\n2026-13-45T00:00:00Z,1,10\r\n', 2, /timestamp/],
      // days and times that do not exist, instants past the year 9999 (no Date can show them)
      ['2026-02-30T00:00:00Z,1,10\n', 1, /timestamp/],
      ['2026-01-31T00:00:00Z,1,10\n2026-01-31T24:30:00,1,10\n', 2, /timestamp/],
      ['9999999999999999,1,10\n', 1, /timestamp/],
      ['2026-01-31T00:00:00Z,50,10\n', 1, /used_bytes 50 is more than size_bytes 10/],
    ];
    for (const [text, line, re] of cases) {
      assert.throws(() => parseHistoryCsv(text), (e: unknown) => {
        assert.ok(e instanceof HistoryParseError, String(e));
        assert.equal(e.line, line, `${JSON.stringify(text)}: ${e.message}`);
        assert.match(e.message, new RegExp(`^line ${line}: `));
        assert.match(e.message, re);
        assert.ok(!e.message.includes('\n'));
        return true;
      });
    }
  });
});

describe('backtest scoring', () => {
  it('scores a cut as the traces README defines', () => {
    const pts = series(40, (d) => 0.5 + 0.0125 * d);
    const tr: Trace = { name: 't', pattern: 'linear', points: pts, fillsAt: day(40) };
    assert.deepEqual(cutsOf(tr).map((c) => c.label), ['F-30d', 'F-14d', 'F-7d', 'F-3d', 'F-1d']);
    const cut = day(30);
    assert.deepEqual([scoreCut(tr, cut, 'x', day(41)).relError, scoreCut(tr, cut, 'x', day(41)).late], [0.1, false]);
    assert.equal(scoreCut(tr, cut, 'x', day(41.5)).late, true);
    assert.equal(scoreCut(tr, cut, 'x', day(10)).relError, 1);
    assert.equal(scoreCut(tr, cut, 'x', null).late, true);
    const never: Trace = { ...tr, fillsAt: null };
    assert.deepEqual(cutsOf(never).map((c) => inDays(c.cut)), [20, 30, 38]);
    assert.equal(scoreCut(never, day(20), 'x', day(39)).falseAlarm, true);
    assert.equal(scoreCut(never, day(20), 'x', day(41)).falseAlarm, false);
  });
});

// Minimum to call this done (issue 12: median at most 0.12) and the targets.
const MIN = { lateShare: 0.1, median: 0.12 };
const TARGET = { lateShare: 0.05, median: 0.1 };

function assertScores(t: { diagnostic(msg: string): void }, label: string, traces: Trace[]): void {
  const cmp = compare(traces, [OUR_MODEL]);
  const s = cmp[0]!.score;
  const lateShare = s.late / s.scored;
  t.diagnostic(
    `${label}: ${s.cuts} cuts (${s.scored} with a fill): median rel. error ${s.medianError.toFixed(3)} (target <= ${TARGET.median}), ` +
      `mean ${s.meanError.toFixed(3)}, late ${s.late} = ${(100 * lateShare).toFixed(1)}% (target <= ${100 * TARGET.lateShare}%), false alarms ${s.falseAlarms}`,
  );
  assert.equal(s.falseAlarms, 0, `${label}: false alarms`);
  assert.ok(lateShare <= MIN.lateShare, `${label}: late on ${s.late} of ${s.scored} cuts`);
  assert.ok(s.medianError <= MIN.median, `${label}: median relative error ${s.medianError}`);
}

describe('backtest (accuracy, not timing)', () => {
  const traces = loadTraces(path.join(here, '..', 'fixtures', 'traces'));

  it('the predict_linear baselines reproduce the traces README (validates the scorer)', () => {
    assert.equal(traces.length, 24);
    const cmp = compare(traces).filter((c) => c.name !== OUR_MODEL);
    assert.equal(cmp.length, 4);
    for (const c of cmp) {
      assert.equal(c.score.scored, 86, c.name);
      assert.ok(Number(c.score.medianError.toFixed(2)) >= 0.08 && Number(c.score.medianError.toFixed(2)) <= 0.31, `${c.name} median ${c.score.medianError}`);
      assert.ok(c.score.late >= 32 && c.score.late <= 47, `${c.name} late ${c.score.late}`);
    }
    assert.deepEqual(cmp.map((c) => c.score.late).sort((a, b) => a - b).filter((_, i, a) => i === 0 || i === a.length - 1), [32, 47]);
  });

  it('the model on the public traces meets the minimum', (t) => {
    assertScores(t, 'public traces', traces);
  });

  it('the model on 48 freshly generated traces (held out: another seed) meets the minimum', (t) => {
    const heldout = synthSet(HELDOUT_SEED, 4);
    assert.equal(heldout.length, 4 * SYNTH_PATTERNS.length);
    assertScores(t, 'held-out synthetic traces', heldout);
  });

  it('the generator is deterministic and every fill it reports is real', () => {
    const a = synthSet(99, 1), b = synthSet(99, 1);
    assert.deepEqual(a.map((x) => x.points.length), b.map((x) => x.points.length));
    for (const tr of a) {
      const first = tr.points.find((p) => p.used >= p.size);
      assert.equal(tr.fillsAt, first ? first.t : null, tr.name);
    }
  });

  it('runBacktest sees only the samples up to each cut', () => {
    const tr = traces[0]!;
    const seen: number[] = [];
    runBacktest([tr], (v, cut) => {
      assert.ok(v[v.length - 1]!.t <= cut);
      seen.push(v.length);
      return null;
    });
    assert.ok(seen.length > 0 && summarize(runBacktest([tr], () => null)).late === seen.length);
  });
});
