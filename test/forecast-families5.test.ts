/**
 * The fifth held-out set (src/forecast/families5.ts, issue 12, written without reading the model):
 * the generator's own sanity, never the model (the integrator scores the model on this set). Fixed
 * seeds: deterministic per seed, every family present with its fill and never variants, every fill
 * real and at `fillsAt`, never variants under the size, gaps in about a quarter of the traces, cuts
 * fair (a story's turn comes before every cut), and a few mechanisms checked on the traces.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { countUpTo, cutsOf, type Trace } from '../src/forecast/backtest.js';
import { _five, FAMILY5_NAMES, family5Set, family5Trace, type Family5Name } from '../src/forecast/families5.js';
import { draw } from '../src/forecast/families.js';
import { DAY, HOUR } from '../src/forecast/linear.js';

const GIB = 2 ** 30;
const MIN = 60_000;
/** Seeds 1-12 of every family (about 150 traces; a few seconds). */
const SEEDS = Array.from({ length: 12 }, (_, i) => i + 1);
const SAMPLE = new Map<Family5Name, Trace[]>(FAMILY5_NAMES.map((f) => [f, SEEDS.map((s) => family5Trace(f, s))]));
const ALL = [...SAMPLE.values()].flat();
const fillsOf = (f: Family5Name): Trace[] => SAMPLE.get(f)!.filter((t) => t.fillsAt !== null);
/** The sample at or before t (the last one seen at t). */
const at = (tr: Trace, t: number): number => tr.points[Math.max(0, countUpTo(tr.points, t) - 1)]!.used;

describe('fifth-set families generator', () => {
  it('is deterministic per seed; seeds differ; unknown families throw; a set has every family once per seed', () => {
    for (const f of FAMILY5_NAMES) {
      assert.deepEqual(family5Trace(f, 3), SAMPLE.get(f)![2], f);
      assert.notDeepEqual(SAMPLE.get(f)![0]!.points.slice(0, 50), SAMPLE.get(f)![1]!.points.slice(0, 50), f);
    }
    assert.throws(() => family5Trace('nope' as Family5Name, 1), /unknown family/);
    const set = family5Set(7, 2);
    assert.equal(set.length, 2 * FAMILY5_NAMES.length);
    assert.deepEqual(set.map((t) => t.pattern), [...FAMILY5_NAMES, ...FAMILY5_NAMES]);
    assert.deepEqual(set[FAMILY5_NAMES.length + 3], family5Trace(FAMILY5_NAMES[3]!, 8));
  });

  it('traces are well formed: named fam5-<family>-, sorted, 20 GiB..4 TiB, steps of 5-30 min with jitter (hourly_gib_5: hourly, whole GiB), at most 3 gaps of 1-24 h', () => {
    for (const tr of ALL) {
      const hourly = tr.pattern === 'hourly_gib_5';
      assert.ok(tr.name.startsWith(`fam5-${tr.pattern}-`), tr.name);
      const size = tr.points[0]!.size;
      assert.ok(size >= 20 * GIB && size <= 4096 * GIB, `${tr.name}: size ${size / GIB} GiB`);
      assert.ok(tr.points.every((p) => p.size === size), `${tr.name}: no resize in this set`);
      const steps = tr.points.slice(1).map((p, i) => p.t - tr.points[i]!.t);
      assert.ok(steps.every((x) => x > 0), `${tr.name}: sorted`);
      const maxStep = hourly ? HOUR + 2 * MIN : 39 * MIN + 1;
      const gaps = steps.filter((x) => x > maxStep);
      if (tr.name.includes('-gaps-')) assert.ok(gaps.length <= 3 && gaps.every((x) => x <= 25 * HOUR + maxStep), `${tr.name}: gaps of ${gaps.map((x) => (x / HOUR).toFixed(1))} h`);
      else assert.equal(gaps.length, 0, `${tr.name}: a gap without the -gaps variant`);
      const lo = Math.min(...steps), hi = Math.max(...steps.filter((x) => x <= maxStep));
      if (hourly) {
        assert.ok(lo >= HOUR - 2 * MIN, `${tr.name}: steps from ${lo / MIN} min`);
        assert.ok(tr.points.every((p) => p.used % GIB === 0 && size % GIB === 0), `${tr.name}: whole GiB`);
      } else {
        assert.ok(lo >= 3.5 * MIN - 1 && hi / lo > 1.2, `${tr.name}: steps ${lo / MIN}..${hi / MIN} min`);
      }
    }
  });

  it('fill variants fill at fillsAt (the first sample at the size) and end within 8 h; never variants stay under the size', () => {
    for (const tr of ALL) {
      const first = tr.points.find((p) => p.used >= p.size);
      assert.equal(tr.fillsAt, first ? first.t : null, tr.name);
      assert.ok(tr.name.includes(tr.fillsAt === null ? '-never' : '-fills'), `${tr.name}: variant and fill agree`);
      assert.ok(tr.points.every((p) => p.used >= 0 && p.used <= p.size && Number.isInteger(p.used)), tr.name);
      if (tr.fillsAt === null) continue;
      const last = tr.points[tr.points.length - 1]!.t;
      assert.ok(last - tr.fillsAt <= 8 * HOUR, `${tr.name}: ends ${(last - tr.fillsAt) / HOUR} h after the fill`);
      // the fill was not there at the start: the volume was well under the size for the first week
      const week = tr.points.filter((p) => p.t < tr.points[0]!.t + 7 * DAY);
      assert.ok(Math.max(...week.map((p) => p.used)) < 0.9 * p0size(tr), `${tr.name}: near full from the start`);
    }
  });

  it('every family has fill and never variants in 12 seeds, each kind of fill at least once in 20; a quarter of the traces have gaps', () => {
    let gappy = 0;
    for (const f of FAMILY5_NAMES) {
      const traces = SAMPLE.get(f)!;
      const fills = traces.filter((t) => t.fillsAt !== null).length;
      assert.ok(fills > 0 && fills < traces.length, `${f}: ${fills} of ${traces.length} fill`);
      gappy += traces.filter((t) => t.name.includes('-gaps-')).length;
    }
    assert.ok(gappy >= 0.12 * ALL.length && gappy <= 0.4 * ALL.length, `${gappy} of ${ALL.length} traces with gaps`);
    const more = FAMILY5_NAMES.filter((f) => f !== 'hourly_gib_5').flatMap((f) => [...SAMPLE.get(f)!, ...SEEDS.slice(0, 8).map((s) => family5Trace(f, s + 100))]);
    for (const k of ['fills-cap-over-disk', 'fills-admin-gone', 'fills-cleanup-broken', 'fills-team-grows', 'fills-retention-raised', 'fills-ingest-grows',
      'fills-client-grows', 'fills-client-added', 'fills-no-cap', 'fills-players-grow', 'fills-season-launch', 'fills-overcommit', 'fills-trim-disabled',
      'fills-no-keep-last', 'fills-bigger-model', 'fills-demand-grows', 'fills-transcoder-slower']) {
      assert.ok(more.some((t) => t.name.includes(`-${k}-`)), `no ${k} trace in 20 seeds`);
    }
    assert.ok(SAMPLE.get('cctv_daylight')!.some((t) => t.name.includes('-fills-keep')), 'a cctv_daylight fill');
    const hourlyShapes = new Set(SAMPLE.get('hourly_gib_5')!.map((t) => t.name.split('-')[2]));
    assert.ok(hourlyShapes.size >= 5, `hourly_gib_5 borrows only ${[...hourlyShapes].join(', ')}`);
  });

  it('cuts are fair: a story that turns at S leaves its margin before every cut, and every trace has a cut after 7 days of history', () => {
    for (const tr of ALL) {
      const cuts = cutsOf(tr);
      assert.ok(cuts.length >= 1 && cuts[0]!.cut - tr.points[0]!.t >= 7 * DAY, `${tr.name}: cuts`);
      if (tr.fillsAt !== null) assert.ok(at(tr, cuts[0]!.cut) < 0.995 * p0size(tr), `${tr.name}: full at the first cut`);
    }
    // turnDay: for any fill g days after S, the backtest's first cut is `margin` days or more after S
    const d = draw(99);
    for (let i = 0; i < 400; i++) {
      const g = d.u(2, 200), margin = d.int(0, 10);
      const s = _five.turnDay(d, g, margin);
      if (s === null) {
        assert.ok(margin > 5 && g < 31 + margin, `turnDay(${g}, ${margin}) gave up`);
        continue;
      }
      const t0 = Date.UTC(2026, 0, 1), S = t0 + s * DAY, F = S + g * DAY;
      const points = [];
      for (let t = t0; t <= F; t += HOUR) points.push({ t, used: 1, size: 2 });
      const cuts = cutsOf({ name: 'x', pattern: 'x', points, fillsAt: F });
      if (cuts.length) assert.ok(cuts[0]!.cut >= S + margin * DAY - 1, `g ${g} margin ${margin}: first cut ${(cuts[0]!.cut - S) / DAY} d after S`);
    }
  });

  it('mechanisms: a fill of a prune or cleanup story comes after the pile was pruned before; cores pile from a crash loop; a point release fills at its sync after 3 others; the cctv fill is in a season of lengthening days', () => {
    // docker: the prunes (drops of 1% of the size or more) happened 3+ times before the first cut
    for (const tr of fillsOf('docker_manual_prune')) {
      const fc = cutsOf(tr)[0]!.cut, size = p0size(tr);
      const drops = tr.points.filter((p, i) => i > 0 && p.t <= fc && tr.points[i - 1]!.used - p.used > 0.01 * size).length;
      assert.ok(drops >= 3, `${tr.name}: ${drops} prunes before the first cut`);
    }
    // crash loops: the cores grow from the loop's start, within the first week
    for (const tr of fillsOf('crashloop_coredumps')) {
      const fc = cutsOf(tr)[0]!.cut;
      assert.ok(at(tr, fc) - at(tr, fc - 2 * DAY) > 0, `${tr.name}: no growth in the 2 days before the first cut`);
    }
    // point releases: the fill is a release's sync (a rise over the 14 h before it), and 3 rises half that size came before the first cut
    for (const tr of fillsOf('point_release_overlap')) {
      const F = tr.fillsAt!, rise = tr.points[tr.points.length - 1]!.used - at(tr, F - 14 * HOUR);
      assert.ok(rise > 0.05 * p0size(tr), `${tr.name}: no release sync before the fill`);
      let episodes = 0, lastEp = -Infinity;
      for (const p of tr.points) {
        if (p.t > cutsOf(tr)[0]!.cut) break;
        if (p.t - lastEp > 7 * DAY && p.used - at(tr, p.t - 14 * HOUR) > 0.5 * rise) { episodes++; lastEp = p.t; }
      }
      assert.ok(episodes >= 3, `${tr.name}: ${episodes} release syncs before the first cut`);
    }
    // cctv: the recordings of the last N days grow because the days lengthen (at the fill, longer than N days before)
    let checked = 0;
    for (const tr of [...fillsOf('cctv_daylight'), ...SEEDS.map((s) => family5Trace('cctv_daylight', s + 200)).filter((t) => t.fillsAt !== null)]) {
      const m = /-keep(\d+)d-lat(-?\d+)-/.exec(tr.name)!;
      const N = Number(m[1]), lat = Number(m[2]);
      const F = tr.fillsAt!;
      assert.ok(_five.dayLength(F, lat) > _five.dayLength(F - N * DAY, lat) - 0.25, `${tr.name}: ${_five.dayLength(F, lat).toFixed(2)} h of day at the fill, ${_five.dayLength(F - N * DAY, lat).toFixed(2)} h ${N} d before`);
      checked++;
    }
    assert.ok(checked >= 4, `only ${checked} cctv fills`);
  });

  it('helpers: day length by latitude and season, a simulated state read back by interpolation', () => {
    const june = Date.UTC(2026, 5, 21), dec = Date.UTC(2026, 11, 21);
    assert.ok(Math.abs(_five.dayLength(june, 0) - 12) < 0.05 && Math.abs(_five.dayLength(dec, 0) - 12) < 0.05);
    assert.ok(Math.abs(_five.dayLength(june, 60) - 18.5) < 0.5, `60N in June: ${_five.dayLength(june, 60)}`);
    assert.ok(Math.abs(_five.dayLength(june, -60) - 5.5) < 0.5, `60S in June: ${_five.dayLength(june, -60)}`);
    assert.ok(Math.abs(_five.dayLength(dec, 50) - 8) < 0.5, `50N in December: ${_five.dayLength(dec, 50)}`);
    const f = _five.simulate(0, 10 * DAY, DAY, 5, (_t, dt, v) => v + 2 * dt);
    assert.equal(f(0), 5);
    assert.equal(f(2.5 * DAY), 10);
    assert.equal(f(20 * DAY), 25);
  });
});

function p0size(tr: Trace): number {
  return tr.points[0]!.size;
}
