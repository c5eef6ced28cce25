/**
 * `npm run backtest [-- --traces DIR] [--seed N] [--per-pattern N] [--out DIR]`
 *
 * Scores the forecast model beside the four Prometheus predict_linear baselines, exactly as
 * fixtures/traces/README.md (= ../shared/traces/README.md) describes, on:
 *   1. the public traces (fixtures/traces, or --traces DIR: NN-name.csv[.gz] + NN-name.json), and
 *   2. a held-out set of freshly generated synthetic traces of every pattern (src/forecast/synth.ts)
 *      from a seed the model was never developed on (--seed, default 31337; --per-pattern, default 4
 *      = 48 traces).
 * Prints the tables and writes bench/out/backtest.json and bench/out/backtest.md.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { compare, OUR_MODEL, type Comparison } from '../src/forecast/evaluate.js';
import { forecast } from '../src/forecast/model.js';
import { synthSet } from '../src/forecast/synth.js';
import type { Point } from '../src/forecast/types.js';
import { loadTraces } from './traces.js';

const here = path.dirname(fileURLToPath(import.meta.url));
export const HELDOUT_SEED = 31337;

function args(): { traces: string; seed: number; perPattern: number; out: string } {
  const a = process.argv.slice(2);
  const o = { traces: path.join(here, '..', 'fixtures', 'traces'), seed: HELDOUT_SEED, perPattern: 4, out: path.join(here, 'out') };
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
      case '--per-pattern': o.perPattern = Number(need()); break;
      case '--out': o.out = need(); break;
      case '-h': case '--help':
        console.log('usage: npm run backtest -- [--traces DIR] [--seed N] [--per-pattern N] [--out DIR]');
        process.exit(0);
      // falls through
      default: throw new Error(`unknown option ${a[i]}`);
    }
  }
  if (!Number.isInteger(o.seed) || !Number.isInteger(o.perPattern) || o.perPattern < 1) throw new Error('--seed and --per-pattern take integers');
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

function lateList(cmp: Comparison[]): string {
  const ours = cmp.find((c) => c.name === OUR_MODEL)!;
  const bad = ours.results.filter((r) => r.late || r.falseAlarm);
  if (!bad.length) return 'diskblame: no late cut, no false alarm.';
  return 'diskblame late / false alarm cuts: ' + bad.map((r) => {
    const days = (t: number | null): string => (t === null ? 'none' : `${((t - r.cut) / 86_400_000).toFixed(1)}d`);
    return `${r.trace} ${r.label} (predicted ${days(r.predicted)}, actual ${days(r.actual)})${r.falseAlarm ? ' FALSE ALARM' : ''}`;
  }).join('; ');
}

function speed(): { samples: number; ms: number } {
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
  return { samples: pts.length, ms: (performance.now() - t0) / runs };
}

function main(): void {
  const o = args();
  const shared = loadTraces(o.traces);
  const heldout = synthSet(o.seed, o.perPattern);
  const t0 = performance.now();
  const a = compare(shared);
  const b = compare(heldout);
  const elapsed = performance.now() - t0;
  const sp = speed();
  const md = [
    '## Forecast backtest',
    '',
    `Method: ${path.relative(process.cwd(), path.join(o.traces, 'README.md'))} (cuts at F-30d, F-14d, F-7d, F-3d, F-1d with at least 7 days of history; never-fill traces at 50/75/95% of the span).`,
    'Relative error = min(|P - F| / (F - cut), 1), a missing prediction counts 1; late = P more than 10% of the horizon after F or none;',
    'false alarm = a fill predicted before the last sample of a trace that never fills. Never-fill cuts have no error (no F).',
    '',
    table(`Public traces (${shared.length} traces, ${path.relative(process.cwd(), o.traces) || '.'})`, a),
    '',
    lateList(a),
    '',
    table(`Held-out synthetic traces (${heldout.length} traces, seed ${o.seed}, never used while developing)`, b),
    '',
    lateList(b),
    '',
    `Minimum: late on at most 10% of cuts, median at most 0.15, no false alarms. Targets: at most 5% late, median at most 0.10.`,
    `Speed: forecast of ${sp.samples} samples with its self-backtest: ${sp.ms.toFixed(0)} ms. Whole backtest (both sets, 5 models): ${(elapsed / 1000).toFixed(1)} s.`,
  ].join('\n');
  console.log(md);
  fs.mkdirSync(o.out, { recursive: true });
  const strip = (c: Comparison[]): unknown => c.map(({ name, score, byPattern, results }) => ({ name, score, byPattern, results }));
  const json = JSON.stringify({ shared: strip(a), heldout: { seed: o.seed, perPattern: o.perPattern, models: strip(b) }, speed: sp }, null, 1);
  for (const [f, text] of [['backtest.json', json], ['backtest.md', md + '\n']] as const) {
    const dest = path.join(o.out, f);
    fs.writeFileSync(dest + '.tmp', text);
    fs.renameSync(dest + '.tmp', dest);
  }
  console.log(`\nwrote ${path.join(o.out, 'backtest.json')} and backtest.md`);
}

try {
  main();
} catch (e) {
  console.error(`backtest: ${(e as Error).message}`);
  process.exit(1);
}
