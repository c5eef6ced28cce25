/**
 * The models the backtest compares: ours and the four predict_linear baselines, each as a
 * Predictor; and the comparison over a set of traces (pure: shared by `npm run backtest` and the tests).
 */
import { runBacktest, summarize, summarizeByPattern, type CutResult, type Predictor, type Score, type Trace } from './backtest.js';
import { LINEAR_BASELINES, predictLinear } from './linear.js';
import { forecast } from './model.js';

export const OUR_MODEL = 'diskblame';

export const predictors: ReadonlyArray<{ name: string; predict: Predictor }> = [
  { name: OUR_MODEL, predict: (visible) => forecast(visible, { noSelfBacktest: true }).fillsAt },
  ...LINEAR_BASELINES.map((b) => ({ name: b.name, predict: ((visible, cut) => predictLinear(visible, b.windowMs, cut).fillsAt) as Predictor })),
];

export interface Comparison {
  name: string;
  score: Score;
  byPattern: Record<string, Score>;
  results: CutResult[];
}

export function compare(traces: readonly Trace[], only?: readonly string[]): Comparison[] {
  return predictors
    .filter((p) => !only || only.includes(p.name))
    .map((p) => {
      const results = runBacktest(traces, p.predict);
      return { name: p.name, score: summarize(results), byPattern: Object.fromEntries(summarizeByPattern(results)), results };
    });
}
