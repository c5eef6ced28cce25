/**
 * The forecast core's contract: plain data in, plain data out. No I/O in forecast/.
 */

/** One point of a volume's history. t: unix milliseconds. */
export interface Point {
  t: number;
  used: number;
  size: number;
}

export type Pattern = 'steady' | 'sawtooth' | 'periodic-peaks' | 'steps' | 'accelerating' | 'flat' | 'shrinking' | 'irregular';

export interface RiskyMoment {
  /** unix ms of the next expected peak */
  at: number;
  /** expected used bytes at that peak */
  expectedUsed: number;
  /** does it fit in the current size? */
  fits: boolean;
  /** e.g. "weekly peak (Sun 02:00), +40 GiB transient" */
  what: string;
}

export interface Forecast {
  /** 'ok': a forecast was made (fillsAt may still be null: not within the horizon) */
  status: 'ok' | 'not-enough-data';
  /** why not, or notes on the data (resize seen, gaps, ...) */
  notes: string[];
  /** unix ms when used first reaches size, or null when not within the horizon */
  fillsAt: number | null;
  earliest: number | null;
  latest: number | null;
  pattern: Pattern;
  /** underlying growth, bytes per day (of the trend, not of the peaks) */
  growthBytesPerDay: number;
  nextRisk: RiskyMoment | null;
  /** the model's own backtest on this history: median relative error over its cuts, null if too short */
  backtestError: number | null;
  /** the time the forecast is made at (the last sample) */
  asOf: number;
  /** samples used (after the last resize) */
  samplesUsed: number;
  /** history start of the current regime (unix ms) */
  regimeStart: number;
  /** current size and used (last sample) */
  sizeBytes: number;
  usedBytes: number;
}

export interface ForecastOptions {
  /** do not predict beyond this many ms after the last sample (default: 365 days) */
  horizonMs?: number;
  /** skip computing the self-backtest (it recurses into forecast) */
  noSelfBacktest?: boolean;
}
