/**
 * The words for a periodic peak and the job behind it, in the host's LOCAL time (the process TZ),
 * e.g. "peak every Sun 02:00-05:40, +38 GiB, grows 1.2 GiB a week; starts with backup-weekly.timer
 * (Sun 02:00); the run on 2026-12-06 needs 41 GiB, 33 GiB free: will fail". Pure (time zone aside):
 * a RiskyMoment with its `peak` (the model's) and `job` (jobs/match.ts) in, text out. Names read
 * from the host's files are escaped here.
 */
import type { Forecast, JobMatch, PeakPattern, RiskyMoment } from '../forecast/types.js';
import { escapeName } from '../util/escape.js';
import { size } from '../util/format.js';

const MIN = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
const WD = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

const two = (n: number) => String(n).padStart(2, '0');
/** "02:00" local */
function hhmm(ms: number): string {
  const d = new Date(ms);
  return `${two(d.getHours())}:${two(d.getMinutes())}`;
}
/** "2026-12-06" local */
function day(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}`;
}
function ordinal(n: number): string {
  const s = n % 100 >= 11 && n % 100 <= 13 ? 'th' : ['th', 'st', 'nd', 'rd'][n % 10] ?? 'th';
  return `${n}${s}`;
}
/** "1 day 4 h", "5 h 40 min", "36 h" */
function lasting(ms: number): string {
  if (ms >= DAY) return `${Math.floor(ms / DAY)} day${ms >= 2 * DAY ? 's' : ''}${Math.round((ms % DAY) / HOUR) ? ` ${Math.round((ms % DAY) / HOUR)} h` : ''}`;
  const h = Math.floor(ms / HOUR);
  const m = Math.round((ms % HOUR) / MIN);
  return h ? `${h} h${m ? ` ${m} min` : ''}` : `${m} min`;
}

/**
 * The local weekdays (0 = Sunday) of a daily peak that runs on some weekdays only, else null:
 * its UTC `weekdays` moved by the day its latest onset's local date is from its UTC date (a run at
 * 23:00 in UTC-5 is at 04:00 UTC the next day).
 */
export function localWeekdays(p: PeakPattern): number[] | null {
  if (p.recurrence !== 'daily' || !p.weekdays?.length || new Set(p.weekdays).size >= 7) return null;
  const d = new Date(p.onsets.length ? p.onsets[p.onsets.length - 1]! : p.nextAt);
  let shift = d.getDay() - d.getUTCDay();
  if (shift > 1) shift -= 7;
  if (shift < -1) shift += 7;
  return [...new Set(p.weekdays.map((w) => (((w + shift) % 7) + 7) % 7))].sort((a, b) => a - b);
}

/** "Mon-Fri", "Sat, Sun", "Mon, Wed, Fri", "Sat-Mon": runs of three days or more as a range, Monday first */
export function daysText(days: readonly number[]): string {
  const on = new Set(days);
  const order = [1, 2, 3, 4, 5, 6, 0];
  // start at a day on after a day off (none: every day)
  const s = order.findIndex((d) => on.has(d) && !on.has((d + 6) % 7));
  if (s < 0) return on.size ? 'every day' : '';
  const groups: number[][] = [];
  for (const d of [...order.slice(s), ...order.slice(0, s)]) {
    if (!on.has(d)) continue;
    const g = groups[groups.length - 1];
    if (g && (g[g.length - 1]! + 1) % 7 === d) g.push(d);
    else groups.push([d]);
  }
  return groups.map((g) => (g.length >= 3 ? `${WD[g[0]!]}-${WD[g[g.length - 1]!]}` : g.map((d) => WD[d]).join(', '))).join(', ');
}

/** where in the calendar a time falls, as the recurrence says it: "Sun 02:00", "02:00", "the 1st 04:00" */
function when(p: PeakPattern, ms: number): string {
  const d = new Date(ms);
  switch (p.recurrence) {
    case 'daily':
      // on some weekdays only: which one
      return localWeekdays(p) ? `${WD[d.getDay()]} ${hhmm(ms)}` : hhmm(ms);
    case 'weekly':
      return `${WD[d.getDay()]} ${hhmm(ms)}`;
    case 'monthly-day':
      return `the ${ordinal(d.getDate())} ${hhmm(ms)}`;
    case 'monthly-last':
      return `the last day ${hhmm(ms)}`;
    case 'monthly-weekday':
      return `${monthWeekdayText(p, ms)} ${hhmm(ms)}`;
    case 'monthly-workday':
      return `the ${p.workday ?? 'last'} working day ${hhmm(ms)}`;
    default:
      return `${day(ms)} ${hhmm(ms)}`;
  }
}

const NTH = ['', 'first', 'second', 'third', 'fourth'];

/**
 * "first Mon", "last Fri": the weekday of the month of a monthly-weekday peak, in local time (the
 * day of `ms`, an onset or the next one; the model's nth counts in the job's own calendar).
 */
function monthWeekdayText(p: PeakPattern, ms: number): string {
  const n = p.monthWeekday?.nth ?? -1;
  return `${n === -1 ? 'last' : NTH[n] ?? `${n}th`} ${WD[new Date(ms).getDay()]}`;
}

/** "peak every Sun 02:00-05:40", "peak Mon-Fri 02:00-02:40" etc., from the latest onset (local time) and the duration */
function recurrenceText(p: PeakPattern): string {
  const start = p.onsets.length ? p.onsets[p.onsets.length - 1]! : p.nextAt;
  const d = new Date(start);
  const hours = p.durationMs > 0 && p.durationMs < DAY ? ` ${hhmm(start)}-${hhmm(start + p.durationMs)}` : ` ${hhmm(start)}, lasting ${lasting(p.durationMs)}`;
  switch (p.recurrence) {
    case 'daily': {
      const days = localWeekdays(p);
      return days ? `peak ${daysText(days)}${hours}` : `peak every day${hours}`;
    }
    case 'weekly':
      return `peak every ${WD[d.getDay()]}${hours}`;
    case 'monthly-day':
      return `peak on the ${ordinal(d.getDate())} of each month${hours}`;
    case 'monthly-last':
      return `peak on the last day of each month${hours}`;
    case 'monthly-weekday':
      return `peak on the ${monthWeekdayText(p, start)} of each month${hours}`;
    case 'monthly-workday':
      return `peak on the ${p.workday ?? 'last'} working day of each month${hours}`;
    case 'period':
      return `peak every ${lasting(p.periodMs ?? 0)} (last ${day(start)}${hours})`;
    default:
      return `peaks at no fixed time (last ${day(start)}${hours})`;
  }
}

const PER: Partial<Record<PeakPattern['recurrence'], string>> = {
  daily: 'a day', weekly: 'a week', 'monthly-day': 'a month', 'monthly-last': 'a month', 'monthly-weekday': 'a month', 'monthly-workday': 'a month',
};

/** "starts with backup-weekly.timer (Sun 02:00)", or that no job matched */
export function jobText(p: PeakPattern, job: JobMatch | null | undefined): string | null {
  if (job === undefined) return null;
  if (job === null) return 'no timer or cron job on this host starts at that time';
  const at = job.nextRun !== null ? when(p, job.nextRun) : escapeName(job.schedule);
  const share = job.agreement < 0.95 ? `, ${Math.round(job.agreement * 100)}% of the peaks` : '';
  return `starts with ${escapeName(job.name)} (${at}${share})`;
}

/** "peak every Sun 02:00-05:40, +38 GiB, grows 1.2 GiB a week" */
function headText(p: PeakPattern): string {
  const per = localWeekdays(p) ? undefined : PER[p.recurrence];
  const grows = p.growthPerOccurrence > 0 ? `, grows ${size(p.growthPerOccurrence)} ${per ?? 'each time'}` : '';
  return `${recurrenceText(p)}, +${size(p.height)}${grows}`;
}

/**
 * The peak of a risky moment in words, as parts to join with "; " (the CLI) or to show a line each
 * (the Forecast view): the recurrence, the job (when looked for), the next run's need. null: the
 * risk is not a peak the model described.
 */
export function peakParts(r: RiskyMoment, f: Pick<Forecast, 'sizeBytes'>): string[] | null {
  const p = r.peak;
  if (!p) return null;
  const parts = [headText(p)];
  const j = jobText(p, r.job);
  if (j) parts.push(j);
  const free = Math.max(0, f.sizeBytes - (r.expectedUsed - p.nextHeight));
  parts.push(`the ${r.job ? 'run' : 'next'} on ${day(r.at)} needs ${size(p.nextHeight)}, ${size(free)} free: ${r.fits ? 'fits' : 'will fail'}`);
  return parts;
}

/**
 * Another recurring peak than the next risk's, in one line: "peak Mon-Fri 02:00-02:40, +3 GiB;
 * starts with /etc/cron.d/dbdump (Mon 02:00); next 2026-12-01 +3.1 GiB". `job`: as jobText.
 */
export function otherPeakText(p: PeakPattern, job: JobMatch | null | undefined): string {
  const j = jobText(p, job);
  return [headText(p), ...(j ? [j] : []), `next ${day(p.nextAt)} +${size(p.nextHeight)}`].join('; ');
}

/** Is `a` the same recurring peak as `b` (the model's nextRisk.peak is a copy of one of Forecast.peaks)? */
export function samePeak(a: PeakPattern, b: PeakPattern): boolean {
  return (
    a.recurrence === b.recurrence &&
    a.periodMs === b.periodMs &&
    a.dayOfMonth === b.dayOfMonth &&
    String(a.weekdays ?? '') === String(b.weekdays ?? '') &&
    String(a.onsets) === String(b.onsets)
  );
}

/**
 * The peaks of `peaks` other than the one `r` is about (the next risk's, said first), in their
 * order, each with its job (`jobs`: as `peaks`; absent: not looked for).
 */
export function otherPeaks(peaks: readonly PeakPattern[] | undefined, r: RiskyMoment | null, jobs?: readonly (JobMatch | null)[]): { peak: PeakPattern; job: JobMatch | null | undefined }[] {
  return (peaks ?? []).flatMap((p, k) => (r?.peak && samePeak(p, r.peak) ? [] : [{ peak: p, job: jobs ? jobs[k] ?? null : undefined }]));
}

/** " (backup-weekly.timer)" for check's line when the next peak is the risk and a job matched */
export function jobTag(r: RiskyMoment | null): string {
  return r?.job ? ` (${escapeName(r.job.name)})` : '';
}

const KIND: Record<PeakPattern['recurrence'], string> = {
  daily: 'daily peak', weekly: 'weekly peak', 'monthly-day': 'monthly peak', 'monthly-last': 'monthly peak', 'monthly-weekday': 'monthly peak',
  'monthly-workday': 'monthly peak', period: 'recurring peak', aperiodic: 'burst',
};

/**
 * check's short words for a peak that will not fit, local time: "weekly peak (Sun 02:00,
 * backup-weekly.timer) needing 40.5 GiB, 38.9 GiB free,". null: the risk is not a described peak.
 */
export function checkPeakText(r: RiskyMoment, f: Pick<Forecast, 'sizeBytes'>): string | null {
  const p = r.peak;
  if (!p) return null;
  const free = Math.max(0, f.sizeBytes - (r.expectedUsed - p.nextHeight));
  const at = p.recurrence === 'aperiodic' ? '' : when(p, p.nextAt);
  const inside = [at, r.job ? escapeName(r.job.name) : ''].filter(Boolean).join(', ');
  return `${KIND[p.recurrence]}${inside ? ` (${inside})` : ''} needing ${size(p.nextHeight)}, ${size(free)} free,`;
}

/**
 * Spaces that do not break a line: inside a time ("2026-12-06 02:00 +01:00") and before one ("as
 * of 2026-...", "as of" whole), and between a number and its unit ("41 GiB", "4 h", "222 days").
 */
const KEEP = /(\S) (?=\d{4}-\d\d-\d\d|\d\d:\d\d|UTC\b|[+-]\d\d:\d\d\b)|(\d) (?=(?:[KMGTPE]i)?B\b|min\b|h\b|days?\b|weeks?\b)|\b(as) (?=of\b)/g;
const GLUE = '\u0001';

/**
 * Words wrapped to `width` columns at spaces (a word longer than the width stays whole); a time,
 * and a number with its unit, are never cut (see KEEP).
 */
export function wrap(text: string, width: number): string[] {
  const out: string[] = [];
  let cur = '';
  const glued = text.replace(KEEP, (_m, a?: string, b?: string, c?: string) => `${a ?? b ?? c}${GLUE}`);
  for (const w of glued.split(' ')) {
    if (cur && cur.length + 1 + w.length > width) {
      out.push(cur);
      cur = w;
    } else cur = cur ? `${cur} ${w}` : w;
  }
  if (cur) out.push(cur);
  return out.map((l) => l.split(GLUE).join(' '));
}

const iso = (ms: number | null): string | null => (ms === null || !Number.isFinite(ms) ? null : new Date(ms).toISOString());

/** A PeakPattern for --json: its times (onsets, nextAt) as ISO 8601 UTC. */
export function peakJson(p: PeakPattern) {
  return { ...p, onsets: p.onsets.map(iso), nextAt: iso(p.nextAt) };
}

/** A JobMatch for --json: nextRun as ISO 8601 UTC. */
export function jobJson(j: JobMatch | null) {
  return j && { ...j, nextRun: iso(j.nextRun) };
}

/** A RiskyMoment for --json: its times (at, peak's onsets and nextAt, job's nextRun) as ISO 8601 UTC. */
export function riskJson(r: RiskyMoment) {
  const { peak, job, ...rest } = r;
  return {
    ...rest,
    at: iso(r.at),
    ...(peak !== undefined ? { peak: peak && peakJson(peak) } : {}),
    ...(job !== undefined ? { job: jobJson(job) } : {}),
  };
}
