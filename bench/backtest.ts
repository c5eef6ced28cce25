/**
 * `npm run backtest [-- --traces DIR] [--seed N] [--per-family N] [--synth-seed N] [--per-pattern N] [--out DIR]`
 *
 * Scores the forecast model beside the four Prometheus predict_linear baselines, exactly as
 * fixtures/traces/README.md (= ../shared/traces/README.md) describes, on every set:
 *   1. the public traces (fixtures/traces, or --traces DIR: NN-name.csv[.gz] + NN-name.json),
 *   2. a held-out set of freshly generated synthetic traces of every pattern (src/forecast/synth.ts)
 *      from a seed the model was never developed on (--synth-seed, default 31337; --per-pattern,
 *      default 4 = 48 traces), and
 *   3. the held-out FAMILIES (src/forecast/families.ts: shapes the model was not built around) from
 *      a FRESH seed every run, derived from the clock and printed (--seed N reproduces a run;
 *      --per-family, default 10), and
 *   4. the second held-out families (src/forecast/families2.ts, written while the model was reworked
 *      and kept from its author until then), seed + 1, as many per family, and
 *   5. the third held-out families (src/forecast/families3.ts, written by someone who never read the
 *      model), seed + 2, as many per family, and
 *   6. the fourth held-out families (src/forecast/families4.ts, also written without reading the
 *      model, other mechanisms), seed + 3, as many per family, and
 *   7. the fifth held-out families (src/forecast/families5.ts, written without reading the model
 *      and first scored after the model's changes of 2026-11-30 morning), seed + 4, as many per family.
 * Prints the tables (per set, per pattern or family) and a verdict per set against issue 12's
 * minimum and targets, and writes bench/out/backtest.json and bench/out/backtest.md.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { compare, OUR_MODEL, type Comparison } from '../src/forecast/evaluate.js';
import { forecast } from '../src/forecast/model.js';
import { synthSet } from '../src/forecast/synth.js';
import { FAMILY_NAMES, familySet } from '../src/forecast/families.js';
import { FAMILY2_NAMES, family2Set } from '../src/forecast/families2.js';
import { FAMILY3_NAMES, family3Set } from '../src/forecast/families3.js';
import { FAMILY4_NAMES, family4Set } from '../src/forecast/families4.js';
import { FAMILY5_NAMES, family5Set } from '../src/forecast/families5.js';
import type { Point } from '../src/forecast/types.js';
import { loadTraces } from './traces.js';

const here = path.dirname(fileURLToPath(import.meta.url));
export const HELDOUT_SEED = 31337;

/** Issue 12: the minimum to call the model done, and the targets (on every set). */
export const MINIMUM = { lateShare: 0.1, median: 0.12 };
export const TARGET = { lateShare: 0.05, median: 0.1 };

/** A fresh families seed from the clock (printed with the results; --seed reproduces the run). */
function clockSeed(): number {
  return Date.now() % 1_000_000_007;
}

function args(): { traces: string; seed: number; synthSeed: number; perPattern: number; perFamily: number; out: string } {
  const a = process.argv.slice(2);
  const o = { traces: path.join(here, '..', 'fixtures', 'traces'), seed: clockSeed(), synthSeed: HELDOUT_SEED, perPattern: 4, perFamily: 10, out: path.join(here, 'out') };
  for (let i = 0; i < a.length; i++) {
    const v = a[i + 1];
    const need = (): string => {
      if (v === undefined) throw new Error(`${a[i]} needs a value`);
      i++;
      return v;
    };
    switch (a[i]) {
      case '--traces': o.traces = need(); break;
      case '--seed': o.seed = Number(need()); break;
      case '--synth-seed': o.synthSeed = Number(need()); break;
      case '--per-pattern': o.perPattern = Number(need()); break;
      case '--per-family': o.perFamily = Number(need()); break;
      case '--out': o.out = need(); break;
      case '-h': case '--help':
        console.log('usage: npm run backtest -- [--traces DIR] [--seed N] [--per-family N] [--synth-seed N] [--per-pattern N] [--out DIR]');
        process.exit(0);
      // falls through
      default: throw new Error(`unknown option ${a[i]}`);
    }
  }
  if (![o.seed, o.synthSeed].every(Number.isInteger) || ![o.perPattern, o.perFamily].every((n) => Number.isInteger(n) && n >= 1)) {
    throw new Error('--seed and --synth-seed take integers, --per-pattern and --per-family positive integers');
  }
  return o;
}

const f2 = (x: number): string => (Number.isFinite(x) ? x.toFixed(3) : '-');

function table(title: string, cmp: Comparison[]): string {
  const scored = cmp[0]!.score.scored;
  const lines = [
    `### ${title}`,
    '',
    `| model | cuts | median rel. error | mean rel. error | late (of ${scored}) | false alarms |`,
    '|---|---:|---:|---:|---:|---:|',
    ...cmp.map((c) => `| ${c.name === OUR_MODEL ? '**diskblame**' : c.name} | ${c.score.cuts} | ${f2(c.score.medianError)} | ${f2(c.score.meanError)} | ${c.score.late} (${((100 * c.score.late) / Math.max(c.score.scored, 1)).toFixed(1)}%) | ${c.score.falseAlarms} |`),
  ];
  const ours = cmp.find((c) => c.name === OUR_MODEL)!;
  const base7 = cmp.find((c) => c.name === 'predict_linear 7d');
  lines.push('', `Per pattern (diskblame${base7 ? ' vs predict_linear 7d' : ''}): cuts, median error, late, false alarms`, '',
    '| pattern | cuts | median | late | false alarms |' + (base7 ? ' 7d median | 7d late |' : ''),
    '|---|---:|---:|---:|---:|' + (base7 ? '---:|---:|' : ''));
  for (const [p, s] of Object.entries(ours.byPattern)) {
    const b = base7?.byPattern[p];
    lines.push(`| ${p} | ${s.cuts} | ${f2(s.medianError)} | ${s.late} | ${s.falseAlarms} |` + (b ? ` ${f2(b.medianError)} | ${b.late} |` : ''));
  }
  return lines.join('\n');
}

function lateList(cmp: Comparison[], max = 40): string {
  const ours = cmp.find((c) => c.name === OUR_MODEL)!;
  const bad = ours.results.filter((r) => r.late || r.falseAlarm);
  if (!bad.length) return 'diskblame: no late cut, no false alarm.';
  const items = bad.slice(0, max).map((r) => {
    const days = (t: number | null): string => (t === null ? 'none' : `${((t - r.cut) / 86_400_000).toFixed(1)}d`);
    return `${r.trace} ${r.label} (predicted ${days(r.predicted)}, actual ${days(r.actual)})${r.falseAlarm ? ' FALSE ALARM' : ''}`;
  });
  return 'diskblame late / false alarm cuts: ' + items.join('; ') + (bad.length > max ? `; ... and ${bad.length - max} more (all in backtest.json)` : '');
}

/** The verdict of one score against issue 12's minimum and targets. */
function verdict(s: { scored: number; late: number; medianError: number; falseAlarms: number }): string {
  const late = s.late / Math.max(s.scored, 1);
  const within = (m: { lateShare: number; median: number }): boolean => s.falseAlarms === 0 && late <= m.lateShare && !(s.medianError > m.median);
  return within(TARGET) ? 'meets the targets' : within(MINIMUM) ? 'meets the minimum' : 'BELOW THE MINIMUM';
}

/** Families sorted worst first (late share, then false alarms, then median error). */
function worstPatterns(c: Comparison, n: number): string {
  const rows = Object.entries(c.byPattern)
    .map(([p, s]) => ({ p, s, late: s.late / Math.max(s.scored, 1) }))
    .filter((x) => x.s.late > 0 || x.s.falseAlarms > 0 || x.s.medianError > MINIMUM.median)
    .sort((a, b) => b.late - a.late || b.s.falseAlarms - a.s.falseAlarms || (b.s.medianError || 0) - (a.s.medianError || 0));
  return rows.length ? rows.slice(0, n).map((x) => `${x.p} (late ${x.s.late}/${x.s.scored}, median ${f2(x.s.medianError)}, false alarms ${x.s.falseAlarms})`).join('; ') : 'none';
}

function speed(): { samples: number; ms: number; longDays: number; longMs: number } {
  // a long history: 30,000 samples 5 minutes apart (~104 days) with a daily saw, forecast with its self-backtest
  const size = 500 * 2 ** 30;
  const t0s = Date.UTC(2026, 0, 1);
  const pts: Point[] = [];
  for (let i = 0; i < 30_000; i++) {
    const t = t0s + i * 300_000;
    const d = (i * 300_000) / 86_400_000;
    pts.push({ t, used: size * (0.3 + 0.004 * d + 0.03 * (d % 1) + 0.001 * Math.sin(i * 12.9898)), size });
  }
  forecast(pts); // warm up
  const runs = 5;
  const t0 = performance.now();
  for (let i = 0; i < runs; i++) forecast(pts);
  const ms = (performance.now() - t0) / runs;
  // and a history of many days: one sample a day for 3000 days (the trend's search grows with the days)
  const longDays = 3000;
  const long: Point[] = [];
  for (let i = 0; i < longDays; i++) long.push({ t: t0s + i * 86_400_000, used: size * (0.3 + 0.0001 * i + 0.001 * Math.sin(i * 12.9898)), size });
  const t1 = performance.now();
  for (let i = 0; i < 3; i++) forecast(long);
  return { samples: pts.length, ms, longDays, longMs: (performance.now() - t1) / 3 };
}

interface Set {
  key: string;
  title: string;
  cmp: Comparison[];
}

function main(): void {
  const o = args();
  const t0 = performance.now();
  const shared = loadTraces(o.traces);
  const heldout = synthSet(o.synthSeed, o.perPattern);
  const families = familySet(o.seed, o.perFamily);
  const families2 = family2Set(o.seed + 1, o.perFamily);
  const families3 = family3Set(o.seed + 2, o.perFamily);
  const families4 = family4Set(o.seed + 3, o.perFamily);
  const families5 = family5Set(o.seed + 4, o.perFamily);
  const sets: Set[] = [
    { key: 'shared', title: `Public traces (${shared.length} traces, ${path.relative(process.cwd(), o.traces) || '.'})`, cmp: compare(shared) },
    { key: 'heldout', title: `Held-out synthetic traces (${heldout.length} traces, synth.ts, seed ${o.synthSeed}, never used while developing)`, cmp: compare(heldout) },
    {
      key: 'families',
      title: `Held-out families (${families.length} traces: ${o.perFamily} of each of ${FAMILY_NAMES.length} families, families.ts, fresh seed ${o.seed}: \`npm run backtest -- --seed ${o.seed}\` reproduces it)`,
      cmp: compare(families),
    },
    {
      key: 'families2',
      title: `Second held-out families (${families2.length} traces: ${o.perFamily} of each of ${FAMILY2_NAMES.length} families, families2.ts, kept from the model's author until it was done; seed ${o.seed + 1})`,
      cmp: compare(families2),
    },
    {
      key: 'families3',
      title: `Third held-out families (${families3.length} traces: ${o.perFamily} of each of ${FAMILY3_NAMES.length} families, families3.ts, written without reading the model; seed ${o.seed + 2})`,
      cmp: compare(families3),
    },
    {
      key: 'families4',
      title: `Fourth held-out families (${families4.length} traces: ${o.perFamily} of each of ${FAMILY4_NAMES.length} families, families4.ts, written without reading the model; seed ${o.seed + 3})`,
      cmp: compare(families4),
    },
    {
      key: 'families5',
      title: `Fifth held-out families (${families5.length} traces: ${o.perFamily} of each of ${FAMILY5_NAMES.length} families, families5.ts, written without reading the model; seed ${o.seed + 4})`,
      cmp: compare(families5),
    },
  ];
  const elapsed = performance.now() - t0;
  const sp = speed();
  const ours = (s: Set): Comparison => s.cmp.find((c) => c.name === OUR_MODEL)!;
  const summary = [
    '### diskblame on every set',
    '',
    '| set | cuts | median rel. error | late | false alarms | verdict |',
    '|---|---:|---:|---:|---:|---|',
    ...sets.map((s) => {
      const sc = ours(s).score;
      return `| ${s.key} | ${sc.cuts} | ${f2(sc.medianError)} | ${sc.late} of ${sc.scored} (${((100 * sc.late) / Math.max(sc.scored, 1)).toFixed(1)}%) | ${sc.falseAlarms} | ${verdict(sc)} |`;
    }),
    '',
    ...sets.map((s) => `Worst ${s.key === 'shared' || s.key === 'heldout' ? 'patterns' : 'families'} (${s.key}): ${worstPatterns(ours(s), 6)}`),
  ];
  const md = [
    '## Forecast backtest',
    '',
    `Method: ${path.relative(process.cwd(), path.join(o.traces, 'README.md'))} (cuts at F-30d, F-14d, F-7d, F-3d, F-1d with at least 7 days of history; never-fill traces at 50/75/95% of the span).`,
    'Relative error = min(|P - F| / (F - cut), 1), a missing prediction counts 1; late = P more than 10% of the horizon after F or none;',
    'false alarm = a fill predicted before the last sample of a trace that never fills. Never-fill cuts have no error (no F).',
    '',
    ...sets.flatMap((s) => [table(s.title, s.cmp), '', lateList(s.cmp), '']),
    ...summary,
    '',
    `Targets on every set (issue 12): late on at most ${100 * TARGET.lateShare}% of cuts, median at most ${TARGET.median.toFixed(2)}, no false alarms. ` +
      `Minimum: late on at most ${100 * MINIMUM.lateShare}%, median at most ${MINIMUM.median.toFixed(2)}, no false alarm.`,
    `Speed: forecast of ${sp.samples} samples with its self-backtest: ${sp.ms.toFixed(0)} ms; of ${sp.longDays} days (a sample a day): ${sp.longMs.toFixed(0)} ms. Whole backtest (${sets.length} sets, ${sets[0]!.cmp.length} models, with generation): ${(elapsed / 1000).toFixed(1)} s.`,
  ].join('\n');
  console.log(md);
  fs.mkdirSync(o.out, { recursive: true });
  const strip = (c: Comparison[]): unknown => c.map(({ name, score, byPattern, results }) => ({ name, score, byPattern, results }));
  const json = JSON.stringify({
    shared: strip(sets[0]!.cmp),
    heldout: { seed: o.synthSeed, perPattern: o.perPattern, models: strip(sets[1]!.cmp) },
    families: { seed: o.seed, perFamily: o.perFamily, models: strip(sets[2]!.cmp) },
    families2: { seed: o.seed + 1, perFamily: o.perFamily, models: strip(sets[3]!.cmp) },
    families3: { seed: o.seed + 2, perFamily: o.perFamily, models: strip(sets[4]!.cmp) },
    families4: { seed: o.seed + 3, perFamily: o.perFamily, models: strip(sets[5]!.cmp) },
    families5: { seed: o.seed + 4, perFamily: o.perFamily, models: strip(sets[6]!.cmp) },
    speed: sp,
  }, null, 1);
  for (const [f, text] of [['backtest.json', json], ['backtest.md', md + '\n']] as const) {
    const dest = path.join(o.out, f);
    fs.writeFileSync(dest + '.tmp', text);
    fs.renameSync(dest + '.tmp', dest);
  }
  console.log(`\nwrote ${path.join(o.out, 'backtest.json')} and backtest.md (families seed ${o.seed})`);
}

try {
  main();
} catch (e) {
  console.error(`backtest: ${(e as Error).message}`);
  process.exit(1);
}
