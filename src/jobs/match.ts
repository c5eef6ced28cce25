/**
 * Which scheduled job starts a volume's periodic peak: the job whose runs line up with the peak's
 * onsets. Pure: a PeakPattern and Jobs in, a JobMatch (or null) out.
 *
 * An onset is "explained" by a run when it comes at most `earlyMs` before the run (clocks, the
 * model's interpolation) and at most `late` after it: two sample intervals (the peak is seen at the
 * first sample after it starts), plus the job's own random delay and accuracy, plus a minute.
 * recall: the share of the onsets explained. precision: the share of the job's runs between the
 * first and the last onset that were followed by an onset (an anacron job counts one run in
 * `everyDays`), so a daily job does not take a weekly peak, and a job every hour cannot explain a
 * peak once a week. Both must reach `minAgreement` (0.6); the best by their harmonic mean wins,
 * ties (within 0.1) go to a job of the peak's period, then the closest start, then an enabled timer.
 * A daily peak on some weekdays only (`weekdays`, UTC) takes no job that runs on the days it skips
 * (a Mon-Fri `0 2 * * 1-5`, not a daily `0 2 * * *`): the day of each run, moved by the mean lag
 * to its onset, must be one of them (OFF_DAYS).
 */
import type { JobMatch, PeakPattern } from '../forecast/types.js';
import { firingsPerDay, Job, nextRun, runsBetween } from './schedule.js';

const MIN = 60_000;
const DAY = 86_400_000;
/** a weekdays peak's job may run on a day the peak skips at most this share of its runs (a clock's slip at midnight) */
const OFF_DAYS = 0.1;

export interface MatchOptions {
  /** the history's sampling interval, ms (default 15 min) */
  sampleMs?: number;
  /** how long before a run an onset may be seen, ms (default 5 min) */
  earlyMs?: number;
  /** "now" for the job's next run (default: the peak's last onset) */
  now?: number;
  /** both recall and precision must reach this (default 0.6) */
  minAgreement?: number;
}

/** One job's fit to the peak (match.ts's working, exported for tests and debugging). */
export interface JobFit {
  job: Job;
  recall: number;
  precision: number;
  score: number;
  /** mean of onset - run over the explained onsets, ms */
  meanLagMs: number;
  /** does the job's own period agree with the peak's? */
  periodAgrees: boolean;
}

/** the peak's period in ms (monthly: 30.4 days), null when aperiodic */
function periodOf(p: PeakPattern): number | null {
  if (p.recurrence === 'daily') return DAY;
  if (p.recurrence === 'weekly') return 7 * DAY;
  if (p.recurrence.startsWith('monthly-')) return 30.44 * DAY;
  return p.periodMs;
}

/** the UTC weekdays of a daily peak on some weekdays only, else null */
function weekdaysOf(p: PeakPattern): Set<number> | null {
  const days = p.recurrence === 'daily' && p.weekdays?.length ? new Set(p.weekdays) : null;
  return days && days.size < 7 ? days : null;
}

function median(xs: number[]): number {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** the fit of one job to the onsets; null when it cannot be a candidate at all */
export function fitJob(peak: PeakPattern, job: Job, opts: MatchOptions = {}): JobFit | null {
  const onsets = peak.onsets;
  if (!onsets.length || !job.calendars.length) return null;
  // more often than every 15 min: no peak pattern is made of such runs
  if (job.calendars.reduce((n, c) => n + firingsPerDay(c), 0) > 96) return null;
  const sampleMs = opts.sampleMs ?? 15 * MIN;
  const early = opts.earlyMs ?? 5 * MIN;
  const late = 2 * sampleMs + job.delayMs + MIN;
  const first = onsets[0]!;
  const last = onsets[onsets.length - 1]!;
  let runs: number[];
  try {
    runs = runsBetween(job, first - late - DAY, last + early + 1);
  } catch {
    return null; // an unknown zone
  }
  if (!runs.length) return null;
  // explained onsets: the latest run at most `early` after the onset, within `late` before it
  let explained = 0;
  let lagSum = 0;
  let k = 0;
  for (const o of onsets) {
    while (k + 1 < runs.length && runs[k + 1]! <= o + early) k++;
    const r = runs[k]!;
    if (r <= o + early && o - r <= late) {
      explained++;
      lagSum += Math.abs(o - r);
    }
  }
  // runs in the onsets' span followed by an onset
  let inSpan = 0;
  let followed = 0;
  let j = 0;
  for (const r of runs) {
    if (r < first - late || r > last + early) continue;
    inSpan++;
    while (j < onsets.length && onsets[j]! < r - early) j++;
    if (j < onsets.length && onsets[j]! <= r + late) followed++;
  }
  // a peak on some weekdays only (Mon-Fri): a job that also runs on the days it skips is not it
  // (a daily job explains every onset, and 5 runs in 7 would pass the precision asked)
  const days = weekdaysOf(peak);
  if (days) {
    const lag = explained ? lagSum / explained : 0;
    let n = 0;
    let off = 0;
    for (const r of runs) {
      if (r < first - late || r > last + early) continue;
      n++;
      if (!days.has(new Date(r + lag).getUTCDay())) off++;
    }
    if (off > OFF_DAYS * n) return null;
  }
  const recall = explained / onsets.length;
  const expected = Math.max(1, inSpan / Math.max(1, job.everyDays));
  const precision = Math.min(1, followed / expected);
  const score = recall + precision > 0 ? (2 * recall * precision) / (recall + precision) : 0;
  const gaps: number[] = [];
  for (let i = 1; i < runs.length; i++) gaps.push(runs[i]! - runs[i - 1]!);
  const jobPeriod = gaps.length ? median(gaps) * Math.max(1, job.everyDays) : null;
  const pp = periodOf(peak);
  const periodAgrees = jobPeriod !== null && pp !== null && Math.abs(jobPeriod - pp) <= 0.1 * pp;
  // a job that runs again before the peak is over cannot be what starts it
  if (jobPeriod !== null && jobPeriod < peak.durationMs) return null;
  return { job, recall, precision, score, meanLagMs: explained ? lagSum / explained : Infinity, periodAgrees };
}

/** Every candidate that reaches the agreement asked, best first. */
export function rankJobs(peak: PeakPattern, jobs: readonly Job[], opts: MatchOptions = {}): JobFit[] {
  const min = opts.minAgreement ?? 0.6;
  const fits = jobs.map((j) => fitJob(peak, j, opts)).filter((f): f is JobFit => f !== null && f.recall >= min && f.precision >= min);
  const bucket = (s: number) => Math.round(s * 10);
  return fits.sort(
    (a, b) =>
      bucket(b.score) - bucket(a.score) ||
      Number(b.periodAgrees) - Number(a.periodAgrees) ||
      a.meanLagMs - b.meanLagMs ||
      Number(b.job.enabled === true) - Number(a.job.enabled === true) ||
      a.job.delayMs - b.job.delayMs ||
      (a.job.name < b.job.name ? -1 : a.job.name > b.job.name ? 1 : 0),
  );
}

/**
 * The job that starts `peak`, or null when none agrees well enough (or the peak has no onsets).
 * agreement: the share of the onsets it explains (0..1). nextRun: its first run after `opts.now`.
 */
export function matchJob(peak: PeakPattern, jobs: readonly Job[], opts: MatchOptions = {}): JobMatch | null {
  const best = rankJobs(peak, jobs, opts)[0];
  if (!best) return null;
  const j = best.job;
  let next: number | null = null;
  try {
    next = nextRun(j, opts.now ?? peak.onsets[peak.onsets.length - 1]!);
  } catch {
    next = null;
  }
  return { name: j.name, kind: j.kind, schedule: j.schedule, source: j.source, runs: j.runs, nextRun: next, agreement: Math.round(best.recall * 1000) / 1000 };
}
