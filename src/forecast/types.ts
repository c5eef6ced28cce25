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

/**
 * How a volume's transient peaks recur, as found from the data (the model fills this; the report
 * words it in local time; jobs/ matches it against the host's timers and crontabs).
 * 'daily' / 'weekly': a fixed period; 'monthly-day': the same calendar day each month (dayOfMonth,
 * 1-31); 'monthly-last': the last day of each month; 'monthly-weekday': the nth weekday of each
 * month (monthWeekday: the first Monday, the second Tuesday, the last Friday); 'monthly-workday':
 * the first or last working day (Mon-Fri) of each month (workday); 'period': another fixed period (periodMs);
 * 'aperiodic': peaks with no period (bursts).
 */
export type PeakRecurrence = 'daily' | 'weekly' | 'monthly-day' | 'monthly-last' | 'monthly-weekday' | 'monthly-workday' | 'period' | 'aperiodic';

export interface PeakPattern {
  recurrence: PeakRecurrence;
  /** the period in ms for daily/weekly/period (null for the monthly kinds and aperiodic) */
  periodMs: number | null;
  /** monthly-day: the calendar day (1-31, UTC) the peaks start on */
  dayOfMonth?: number;
  /**
   * daily: the UTC weekdays (0 = Sunday .. 6) it runs on, ascending, when not every day (a job on
   * weekdays only: [1,2,3,4,5] for a run at 02:00 UTC); absent: every day. Reports word the local
   * days from `onsets` (a run at 23:00 in UTC-5 is 04:00 UTC the next day).
   */
  weekdays?: number[];
  /**
   * monthly-weekday: which weekday of the month, in the job's own calendar: nth 1-4, or -1 for
   * the last; weekday 0 = Sunday. Reports take the local day and time from `onsets`/`nextAt`.
   */
  monthWeekday?: { nth: number; weekday: number };
  /** monthly-workday: the first or the last working day (Mon-Fri) of the month */
  workday?: 'first' | 'last';
  /** onsets (unix ms) of the peaks seen in the history, oldest first: when used first rose above the trend */
  onsets: number[];
  /** how long a peak typically lasts, onset to back at the trend (ms) */
  durationMs: number;
  /** transient bytes of the latest peak above the trend */
  height: number;
  /** the heights' own trend: bytes more per occurrence (0 or negative: not growing) */
  growthPerOccurrence: number;
  /** the next expected onset (unix ms) */
  nextAt: number;
  /** transient bytes the next peak is expected to need */
  nextHeight: number;
}

/** A scheduled job whose runs line up with a peak's onsets (filled by the app layer from jobs/). */
export interface JobMatch {
  /** the unit or crontab entry's name, e.g. "backup-weekly.timer", "/etc/cron.d/dbdump" */
  name: string;
  kind: 'systemd-timer' | 'cron' | 'anacron';
  /** the schedule as written (OnCalendar=..., "0 2 * * 0", "@weekly", "cron.weekly") */
  schedule: string;
  /** the file it was read from */
  source: string;
  /** the command or unit it runs, when known */
  runs: string | null;
  /** the job's next scheduled run (unix ms), null when not computable */
  nextRun: number | null;
  /** share of the seen onsets that fell just after one of the job's runs (0..1) */
  agreement: number;
}

export interface RiskyMoment {
  /** unix ms of the next expected peak */
  at: number;
  /** expected used bytes at that peak */
  expectedUsed: number;
  /** does it fit in the current size? */
  fits: boolean;
  /** e.g. "weekly peak (Sun 02:00), +40 GiB transient" (model's own wording, UTC; reports re-word from `peak`) */
  what: string;
  /** the recurrence behind this risk, when it is a peak */
  peak?: PeakPattern | null;
  /** the scheduled job that starts the peak, when one matched (app layer; null: none matched; absent: not looked) */
  job?: JobMatch | null;
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
  /**
   * every recurring transient peak found (a nightly job and a weekly one are two), each with its
   * next occurrence; empty when none recur. nextRisk picks from these.
   */
  peaks: PeakPattern[];
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
