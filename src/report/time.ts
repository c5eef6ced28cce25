/**
 * Times in text output: the host's local time zone (TZ, else /etc/localtime) with its offset, as
 * "2026-02-20 09:40 +01:00" ("UTC" instead of "+00:00" when the zone is UTC). JSON keeps ISO 8601
 * UTC; only text for a person goes through here. Pure but for the zone, which Date reads from the
 * process; no ICU needed (Intl is not used: a Node built with small-icu, or a bundle without it,
 * words dates alike).
 */

const MIN = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** The local zone's offset from UTC at the instant `ms` (unix ms), in minutes east (+60 for CET). */
function offsetMin(ms: number): number {
  return -new Date(ms).getTimezoneOffset();
}

/** The zone at `ms` as text: "+01:00", "-04:00", "+05:30", or "UTC" when the offset is 0. */
export function zoneText(ms: number): string {
  const off = offsetMin(ms);
  if (off === 0) return 'UTC';
  const a = Math.abs(off);
  return `${off < 0 ? '-' : '+'}${String(Math.floor(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`;
}

/** The local wall-clock fields of `ms` as an ISO string ("2026-02-20T09:40:12.000Z", Z meaning nothing). */
function wall(ms: number): string {
  return new Date(ms + offsetMin(ms) * MIN).toISOString();
}

/**
 * A moment (unix ms) in local time with the offset: "2026-02-20 09:40 +01:00", or with seconds
 * ("2026-02-20 09:40:12 +01:00") when `opts.seconds`. "UTC" stands for the offset when it is 0.
 */
export function clock(ms: number, opts: { seconds?: boolean } = {}): string {
  const w = wall(ms);
  return `${w.slice(0, 10)} ${w.slice(11, opts.seconds ? 19 : 16)} ${zoneText(ms)}`;
}

/** The local calendar day of `ms` (unix ms): "2026-02-20". */
export function localDate(ms: number): string {
  return wall(ms).slice(0, 10);
}

/** Local weekday and time of `ms`: "Sun 03:00". */
export function weekdayTime(ms: number): string {
  const w = wall(ms);
  return `${WEEKDAYS[new Date(w).getUTCDay()]} ${w.slice(11, 16)}`;
}

/** Local time of day of `ms`: "03:00". */
export function timeOfDay(ms: number): string {
  return wall(ms).slice(11, 16);
}

/** A UTC time of day, or weekday and time, named in a text: the instant of it nearest `near`. */
function nearestUtc(near: number, hh: number, mm: number, weekday: number | null): number {
  const day0 = Math.floor(near / DAY) * DAY;
  let best = NaN;
  const span = weekday === null ? 1 : 4;
  for (let d = -span; d <= span; d++) {
    const t = day0 + d * DAY + hh * HOUR + mm * MIN;
    if (weekday !== null && new Date(t).getUTCDay() !== weekday) continue;
    if (Number.isNaN(best) || Math.abs(t - near) < Math.abs(best - near)) best = t;
  }
  return best;
}

const UTC_TIMES = /\b(?:(\d{4}-\d{2}-\d{2}) |(Sun|Mon|Tue|Wed|Thu|Fri|Sat) )?([01]\d|2[0-3]):([0-5]\d) UTC\b/g;

/**
 * A text that names times in UTC (the forecast model words its peaks so: "weekly peak (Sun 02:00
 * UTC)", "daily peak (~02:00 UTC)", "2026-03-01 02:00 UTC") with each in local time and the offset:
 * "weekly peak (Sun 03:00 +01:00)". A weekday and time, or a time alone, is taken as the
 * occurrence nearest `near` (unix ms, e.g. the peak's own time), so the local weekday is right on
 * that date, summer time included. Unchanged when the zone is UTC, or when the text names none.
 */
export function localTimes(text: string, near: number): string {
  return text.replace(UTC_TIMES, (all, date: string | undefined, wd: string | undefined, hh: string, mm: string) => {
    if (date !== undefined) {
      const t = Date.parse(`${date}T${hh}:${mm}:00Z`);
      return Number.isNaN(t) ? all : clock(t);
    }
    const t = nearestUtc(near, Number(hh), Number(mm), wd === undefined ? null : WEEKDAYS.indexOf(wd));
    return `${wd !== undefined ? weekdayTime(t) : timeOfDay(t)} ${zoneText(t)}`;
  });
}
