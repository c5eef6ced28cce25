/**
 * Schedules of the jobs on a host, parsed and expanded: systemd calendar events (systemd.time(7)),
 * cron lines (crontab(5), Debian's cron) and anacron's periods (anacrontab(5)). Pure: strings in,
 * plain data and times (unix ms) out; the time zone is the process's (TZ) unless a job names its own.
 *
 * One shape serves all three: a `Calendar` is a set of allowed years, months, days (or last days of
 * the month), weekdays, hours, minutes and seconds, in a zone; a job has one or more of them (a timer
 * may have several OnCalendar= lines), plus how late after a nominal run it may really start
 * (RandomizedDelaySec=, AccuracySec=, anacron's delays).
 *
 * Daylight saving: a wall time that does not exist (skipped in spring) runs as Date reads it, moved
 * on by the change (02:30 -> 03:30 where an hour is skipped; near what Debian's cron does, running
 * skipped jobs right after the change); a wall time that happens twice (autumn) runs once, the first
 * time. Fractions of a second in OnCalendar= are dropped.
 */

const DAY = 86_400_000;

export class ScheduleError extends Error {}

/** A calendar event in one zone. Arrays of booleans are indexed by the value. */
export interface Calendar {
  /** allowed years, null: any */
  years: Array<[number, number]> | null;
  /** 1..12 */
  months: boolean[];
  /** 1..31: days of the month (null: only `lastDays` restricts the day) */
  days: boolean[] | null;
  /** days counted from the month's end: 1 = the last day, 3 = the third last (systemd's `~`) */
  lastDays: boolean[] | null;
  /** 0..6, Sunday = 0 */
  weekdays: boolean[];
  /** cron: when both the day of month and the weekday are restricted, either one matches */
  dayOrWeekday: boolean;
  hours: boolean[];
  minutes: boolean[];
  seconds: boolean[];
  /** IANA zone name ('UTC' included); null: the host's local zone (the process TZ) */
  tz: string | null;
}

export type JobKind = 'systemd-timer' | 'cron' | 'anacron';

/** A scheduled job, as gather.ts finds it and match.ts compares it with a peak. */
export interface Job {
  /** "backup-weekly.timer", "/etc/cron.d/dbdump", "cron.daily/logrotate" */
  name: string;
  kind: JobKind;
  /** the schedule as written ("OnCalendar=Sun 02:00", "0 2 * * 0", "@weekly", "cron.weekly") */
  schedule: string;
  /** the file it was read from (as a path under the root, e.g. /etc/crontab) */
  source: string;
  /** the command or unit it runs, when known */
  runs: string | null;
  /** when it runs (any of them); empty: not a calendar job (OnBootSec= only) */
  calendars: Calendar[];
  /** how long after a nominal run the job may really start, ms (random delays, accuracy) */
  delayMs: number;
  /** a fixed lag after each calendar time, ms (anacron's delay after its trigger) */
  offsetMs: number;
  /** anacron: the job runs on at most one of its candidate times in this many days (1: each) */
  everyDays: number;
  /** a timer enabled in a .wants directory (null: not known, e.g. cron) */
  enabled: boolean | null;
}

// ---- zones ----------------------------------------------------------------------------------

interface Wall {
  y: number;
  mo: number;
  d: number;
  h: number;
  mi: number;
  s: number;
}

interface Zone {
  /** the wall clock at instant t */
  wall(t: number): Wall;
  /** the instant of a wall time (see the opening comment for DST) */
  instant(w: Wall): number;
}

const LOCAL: Zone = {
  wall(t) {
    const d = new Date(t);
    return { y: d.getFullYear(), mo: d.getMonth() + 1, d: d.getDate(), h: d.getHours(), mi: d.getMinutes(), s: d.getSeconds() };
  },
  instant(w) {
    return new Date(w.y, w.mo - 1, w.d, w.h, w.mi, w.s).getTime();
  },
};

const UTC_ZONE: Zone = {
  wall(t) {
    const d = new Date(t);
    return { y: d.getUTCFullYear(), mo: d.getUTCMonth() + 1, d: d.getUTCDate(), h: d.getUTCHours(), mi: d.getUTCMinutes(), s: d.getUTCSeconds() };
  },
  instant(w) {
    return Date.UTC(w.y, w.mo - 1, w.d, w.h, w.mi, w.s);
  },
};

const zones = new Map<string, Zone>();

/** Is `name` a time zone this Node knows (IANA names, 'UTC')? */
export function knownZone(name: string): boolean {
  try {
    zoneOf(name);
    return true;
  } catch {
    return false;
  }
}

/** The zone named (null: local). Throws ScheduleError for an unknown name. */
function zoneOf(name: string | null): Zone {
  if (name === null) return LOCAL;
  if (/^(UTC|GMT|Etc\/UTC|Etc\/GMT|UCT|Zulu)$/i.test(name)) return UTC_ZONE;
  const have = zones.get(name);
  if (have) return have;
  let fmt: Intl.DateTimeFormat;
  try {
    fmt = new Intl.DateTimeFormat('en-US', { timeZone: name, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
  } catch {
    throw new ScheduleError(`unknown time zone ${JSON.stringify(name)}`);
  }
  const wall = (t: number): Wall => {
    const p: Record<string, number> = {};
    for (const x of fmt.formatToParts(new Date(t))) if (x.type !== 'literal') p[x.type] = Number(x.value);
    return { y: p.year!, mo: p.month!, d: p.day!, h: p.hour! % 24, mi: p.minute!, s: p.second! };
  };
  const offset = (t: number): number => {
    const w = wall(t);
    return Date.UTC(w.y, w.mo - 1, w.d, w.h, w.mi, w.s) - Math.floor(t / 1000) * 1000;
  };
  const z: Zone = {
    wall,
    instant(w) {
      const asUtc = Date.UTC(w.y, w.mo - 1, w.d, w.h, w.mi, w.s);
      // the offset before the wall time; if the result reads back differently the time is in a
      // gap (skipped) or is the later of two: take the offset after, as Date does for local time
      const o1 = offset(asUtc - DAY / 2);
      const o2 = offset(asUtc + DAY / 2);
      const t1 = asUtc - o1;
      const t2 = asUtc - o2;
      const ok1 = offset(t1) === o1;
      const ok2 = offset(t2) === o2;
      if (ok1 && ok2) return Math.min(t1, t2);
      if (ok2) return t2;
      // ok1 alone, or neither (a skipped wall time: the offset before the change, as Date does)
      return t1;
    },
  };
  zones.set(name, z);
  return z;
}

// ---- value lists -----------------------------------------------------------------------------

function flags(n: number): boolean[] {
  return new Array<boolean>(n).fill(false);
}

function all(n: number, from = 0): boolean[] {
  return flags(n).map((_, k) => k >= from);
}

/** one field of numbers: lists (a,b), ranges (a..b or a-b), repetitions (a/r, a..b/r, * /r) */
function field(text: string, min: number, max: number, what: string, opts: { rangeSep: RegExp; names?: Record<string, number> }): boolean[] {
  const out = flags(max + 1);
  const num = (s: string): number => {
    const n = opts.names?.[s.toLowerCase()] ?? (/^\d+$/.test(s) ? Number(s) : NaN);
    if (!Number.isInteger(n) || n < min || n > max) throw new ScheduleError(`${what} ${JSON.stringify(s)} is not a number from ${min} to ${max}`);
    return n;
  };
  for (const item of text.split(',')) {
    if (item === '') throw new ScheduleError(`empty ${what} in ${JSON.stringify(text)}`);
    const [range, stepText, extra] = item.split('/');
    if (extra !== undefined) throw new ScheduleError(`bad ${what} ${JSON.stringify(item)}`);
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1 || !/^\d+$/.test(stepText ?? '1')) throw new ScheduleError(`bad step in ${what} ${JSON.stringify(item)}`);
    let lo: number, hi: number;
    if (range === '*') [lo, hi] = [min, max];
    else {
      const parts = range!.split(opts.rangeSep);
      if (parts.length > 2) throw new ScheduleError(`bad range in ${what} ${JSON.stringify(item)}`);
      lo = num(parts[0]!);
      // a/r without a range: from a to the field's end
      hi = parts.length === 2 ? num(parts[1]!) : stepText !== undefined ? max : lo;
      if (hi < lo) throw new ScheduleError(`backward range in ${what} ${JSON.stringify(item)}`);
    }
    for (let v = lo; v <= hi; v += step) out[v] = true;
  }
  return out;
}

// ---- systemd calendar events -----------------------------------------------------------------

const SHORTHANDS: Record<string, string> = {
  minutely: '*-*-* *:*:00',
  hourly: '*-*-* *:00:00',
  daily: '*-*-* 00:00:00',
  monthly: '*-*-01 00:00:00',
  weekly: 'Mon *-*-* 00:00:00',
  yearly: '*-01-01 00:00:00',
  annually: '*-01-01 00:00:00',
  quarterly: '*-01,04,07,10-01 00:00:00',
  semiannually: '*-01,07-01 00:00:00',
};

const WEEKDAYS: Record<string, number> = {};
['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'].forEach((d, k) => (WEEKDAYS[d] = k));
['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'].forEach((d, k) => (WEEKDAYS[d] = k));

function weekdayField(text: string): boolean[] {
  const out = flags(7);
  for (const item of text.split(',').filter((s) => s !== '')) {
    const parts = item.includes('..') ? item.split('..') : item.split('-');
    if (parts.length > 2) throw new ScheduleError(`bad weekday range ${JSON.stringify(item)}`);
    const ds = parts.map((p) => {
      const d = WEEKDAYS[p.toLowerCase()];
      if (d === undefined) throw new ScheduleError(`unknown weekday ${JSON.stringify(p)}`);
      return d;
    });
    // Sat..Sun wraps over the week's end, as in systemd
    for (let d = ds[0]!; ; d = (d + 1) % 7) {
      out[d] = true;
      if (d === (ds[1] ?? ds[0])) break;
    }
  }
  return out;
}

function isZoneToken(s: string): boolean {
  if (SHORTHANDS[s.toLowerCase()] !== undefined) return false;
  if (!/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/.test(s)) return false;
  // a weekday list such as Mon or Mon-Fri is not a zone
  return !s.split(/,|\.\.|-/).every((p) => WEEKDAYS[p.toLowerCase()] !== undefined);
}

const SD = { rangeSep: /\.\./ };

/**
 * One systemd calendar event (what follows OnCalendar=), e.g. "Sun *-*-* 02:00", "*:0/15",
 * "*-*~01 23:00", "Mon..Fri 06:30 Europe/Berlin", "weekly". Throws ScheduleError naming the fault.
 */
export function parseCalendarEvent(spec: string): Calendar {
  let toks = spec.trim().split(/\s+/).filter((s) => s !== '');
  if (toks.length === 0) throw new ScheduleError('empty calendar event');
  let tz: string | null = null;
  if (toks.length > 1 && isZoneToken(toks[toks.length - 1]!)) {
    tz = toks.pop()!;
    zoneOf(tz); // unknown: ScheduleError
  }
  if (toks.length === 1 && SHORTHANDS[toks[0]!.toLowerCase()] !== undefined) toks = SHORTHANDS[toks[0]!.toLowerCase()]!.split(' ');
  if (toks[0]!.startsWith('@')) throw new ScheduleError(`a single moment (${toks[0]}) is not a recurring event`);
  let weekdays = all(7);
  if (/^[A-Za-z]/.test(toks[0]!)) weekdays = weekdayField(toks.shift()!);
  let date: string | null = null;
  let time: string | null = null;
  for (const t of toks) {
    if (t.includes(':')) {
      if (time !== null) throw new ScheduleError(`two times in ${JSON.stringify(spec)}`);
      time = t;
    } else {
      if (date !== null || time !== null) throw new ScheduleError(`cannot read ${JSON.stringify(t)} in ${JSON.stringify(spec)}`);
      date = t;
    }
  }
  const c: Calendar = { years: null, months: all(13, 1), days: all(32, 1), lastDays: null, weekdays, dayOrWeekday: false, hours: flags(24), minutes: flags(60), seconds: flags(60), tz };
  if (date !== null) {
    const m = /^(?:([^-~]+)-)?([^-~]+)([-~])([^-~]+)$/.exec(date);
    if (!m) throw new ScheduleError(`bad date ${JSON.stringify(date)}`);
    if (m[1] !== undefined && m[1] !== '*') {
      const ys = field(m[1], 1970, 2199, 'year', SD);
      c.years = [];
      for (let y = 1970; y <= 2199; y++) if (ys[y]) c.years.push([y, y]);
    }
    c.months = field(m[2]!, 1, 12, 'month', SD);
    if (m[3] === '~') {
      // ~D: the D-th last day; ~D/r: from there towards the end of the month
      const rep = /^(\d+)\/(\d+)$/.exec(m[4]!);
      const last = flags(32);
      if (rep) {
        const r = Number(rep[2]);
        if (!(r >= 1)) throw new ScheduleError(`bad step in ${JSON.stringify(date)}`);
        // from 1..31 only: ~1e30/1 counted down by 1 (1e30 - 1 is 1e30) looped for ever
        if (!(Number(rep[1]) >= 1 && Number(rep[1]) <= 31)) throw new ScheduleError(`day ${JSON.stringify(rep[1])} is not a number from 1 to 31`);
        for (let k = Number(rep[1]); k >= 1; k -= r) if (k <= 31) last[k] = true;
      } else {
        const f = field(m[4]!, 1, 31, 'day', SD);
        f.forEach((on, k) => (last[k] = on));
      }
      c.days = null;
      c.lastDays = last;
    } else c.days = field(m[4]!, 1, 31, 'day', SD);
  }
  const t = time ?? '00:00:00';
  const parts = t.split(':');
  if (parts.length < 2 || parts.length > 3) throw new ScheduleError(`bad time ${JSON.stringify(t)}`);
  c.hours = field(parts[0]!, 0, 23, 'hour', SD);
  c.minutes = field(parts[1]!, 0, 59, 'minute', SD);
  // fractions of a second are dropped: whole seconds are close enough here
  c.seconds = parts.length === 3 ? field(parts[2]!.replace(/\.\d+/g, ''), 0, 59, 'second', SD) : field('0', 0, 59, 'second', SD);
  return c;
}

/**
 * A systemd time span ("1h 30min", "12h", "6000" = seconds, "5m", "2d") in ms; null when not one.
 */
export function parseTimespan(s: string): number | null {
  const t = s.trim();
  if (t === '') return null;
  if (/^\d+(\.\d+)?$/.test(t)) return Number(t) * 1000;
  const units: Record<string, number> = {
    us: 1e-3, usec: 1e-3, ms: 1, msec: 1, s: 1000, sec: 1000, second: 1000, seconds: 1000,
    m: 60_000, min: 60_000, minute: 60_000, minutes: 60_000, h: 3_600_000, hr: 3_600_000, hour: 3_600_000, hours: 3_600_000,
    d: DAY, day: DAY, days: DAY, w: 7 * DAY, week: 7 * DAY, weeks: 7 * DAY,
    M: 2_629_800_000, month: 2_629_800_000, months: 2_629_800_000, y: 31_557_600_000, year: 31_557_600_000, years: 31_557_600_000,
  };
  let total = 0;
  const re = /(\d+(?:\.\d+)?)\s*([A-Za-z]+)\s*/y;
  let m: RegExpExecArray | null;
  let at = 0;
  while (at < t.length && (m = re.exec(t))) {
    const u = units[m[2]!] ?? units[m[2]!.toLowerCase()];
    if (u === undefined) return null;
    total += Number(m[1]) * u;
    at = re.lastIndex;
  }
  return at === t.length ? total : null;
}

// ---- cron ------------------------------------------------------------------------------------

const MONTHS: Record<string, number> = {};
['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'].forEach((m, k) => (MONTHS[m] = k + 1));
const CRON_DOW: Record<string, number> = {};
['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'].forEach((d, k) => (CRON_DOW[d] = k));

export const CRON_SHORTHANDS: Record<string, string | null> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
  '@reboot': null,
};

const CR = { rangeSep: /-/ };

/**
 * The five time fields of a crontab line ("m h dom mon dow", names allowed, 7 = Sunday, or an @
 * shorthand; @reboot: ScheduleError, it is not a calendar). `tz`: CRON_TZ/TZ in force, null: local.
 */
export function parseCronTimes(fields: string[], tz: string | null): Calendar {
  if (fields.length === 1 && fields[0]!.startsWith('@')) {
    const s = CRON_SHORTHANDS[fields[0]!.toLowerCase()];
    if (s === undefined) throw new ScheduleError(`unknown shorthand ${JSON.stringify(fields[0])}`);
    if (s === null) throw new ScheduleError('@reboot runs at start-up, not on a calendar');
    fields = s.split(' ');
  }
  if (fields.length !== 5) throw new ScheduleError(`a cron schedule has 5 fields, not ${fields.length}`);
  if (tz !== null) zoneOf(tz);
  const [mi, h, dom, mon, dow] = fields as [string, string, string, string, string];
  const dw = field(dow, 0, 7, 'day of week', { ...CR, names: CRON_DOW });
  if (dw[7]) dw[0] = true;
  const minute = field(mi, 0, 59, 'minute', CR);
  const hour = field(h, 0, 23, 'hour', CR);
  return {
    years: null,
    months: field(mon, 1, 12, 'month', { ...CR, names: MONTHS }),
    days: field(dom, 1, 31, 'day of month', CR),
    lastDays: null,
    weekdays: dw.slice(0, 7),
    // crontab(5): both restricted (neither starts with *): either matches
    dayOrWeekday: !dom.startsWith('*') && !dow.startsWith('*'),
    hours: hour,
    minutes: minute,
    seconds: field('0', 0, 59, 'second', CR),
    tz,
  };
}

// ---- expansion -------------------------------------------------------------------------------

/** at most this many runs come back from runsBetween (a job every second over a year is 31 M) */
export const MAX_RUNS = 100_000;

function daysIn(y: number, mo: number): number {
  return new Date(Date.UTC(y, mo, 0)).getUTCDate();
}

function dayMatches(c: Calendar, y: number, mo: number, d: number): boolean {
  if (c.years && !c.years.some(([a, b]) => y >= a && y <= b)) return false;
  if (!c.months[mo]) return false;
  const wd = new Date(Date.UTC(y, mo - 1, d)).getUTCDay();
  let dom = true;
  if (c.days && !c.days[d]) dom = false;
  if (c.lastDays && !c.lastDays[daysIn(y, mo) - d + 1]) dom = false;
  return c.dayOrWeekday ? dom || !!c.weekdays[wd] : dom && !!c.weekdays[wd];
}

/** how many times a day a calendar fires at most (hours x minutes x seconds) */
export function firingsPerDay(c: Calendar): number {
  const n = (a: boolean[]) => a.filter(Boolean).length;
  return n(c.hours) * n(c.minutes) * n(c.seconds);
}

/**
 * The runs of one calendar in [fromMs, toMs), unix ms ascending, at most `max` of them.
 * Throws ScheduleError for an unknown zone.
 */
export function calendarRuns(c: Calendar, fromMs: number, toMs: number, max = MAX_RUNS): number[] {
  const z = zoneOf(c.tz);
  const out: number[] = [];
  if (!(toMs > fromMs)) return out;
  // every wall time of a day (at most 86,400): all of them, whatever `max` is, since the first
  // `max` runs after `fromMs` may be any of a day's times (nextRun asks for one)
  const times: Array<[number, number, number]> = [];
  for (let h = 0; h < 24; h++) {
    if (!c.hours[h]) continue;
    for (let m = 0; m < 60; m++) {
      if (!c.minutes[m]) continue;
      for (let s = 0; s < 60; s++) if (c.seconds[s]) times.push([h, m, s]);
    }
  }
  // walk the wall-clock days from the day before `from` (a zone's day starts up to 14 h off UTC)
  const w0 = z.wall(fromMs - DAY);
  let day = Date.UTC(w0.y, w0.mo - 1, w0.d);
  const wEnd = z.wall(toMs + DAY);
  const last = Date.UTC(wEnd.y, wEnd.mo - 1, wEnd.d);
  for (; day <= last && out.length < max; day += DAY) {
    const dd = new Date(day);
    const y = dd.getUTCFullYear(), mo = dd.getUTCMonth() + 1, d = dd.getUTCDate();
    if (!dayMatches(c, y, mo, d)) continue;
    let prev = -Infinity;
    for (const [h, mi, s] of times) {
      // a wall time is within a day of its instant in every zone: skip the zone's work far off
      const asUtc = day + ((h * 60 + mi) * 60 + s) * 1000;
      if (asUtc + DAY < fromMs) continue;
      if (asUtc - DAY >= toMs) break;
      const t = z.instant({ y, mo, d, h, mi, s });
      // a skipped wall time can land on the next real one: once only
      if (t <= prev) continue;
      prev = t;
      if (t >= fromMs && t < toMs) {
        out.push(t);
        if (out.length >= max) break;
      }
    }
  }
  return out;
}

/**
 * A job's nominal runs in [fromMs, toMs), unix ms ascending, merged over its calendars, at most
 * MAX_RUNS (the first ones). Times are the job's zone's, else the host's local zone (the process
 * TZ), `job.offsetMs` after the calendar's times. The real start may come up to `job.delayMs` later. An anacron job's list is its candidate
 * times (it runs on one of them every `everyDays` days).
 */
export function runsBetween(job: Pick<Job, 'calendars' | 'offsetMs'>, fromMs: number, toMs: number): number[] {
  const set = new Set<number>();
  const off = job.offsetMs;
  for (const c of job.calendars) for (const t of calendarRuns(c, fromMs - off, toMs - off)) set.add(t + off);
  return [...set].sort((a, b) => a - b).slice(0, MAX_RUNS);
}

/** The first run after `afterMs` within `withinMs` (default 400 days), or null. */
export function nextRun(job: Pick<Job, 'calendars' | 'offsetMs'>, afterMs: number, withinMs = 400 * DAY): number | null {
  let best: number | null = null;
  afterMs -= job.offsetMs;
  for (const c of job.calendars) {
    // look a little at a time: a frequent job answers in the first window
    for (let from = afterMs + 1, span = 2 * DAY; from < afterMs + withinMs; from += span, span *= 4) {
      const r = calendarRuns(c, from, Math.min(from + span, afterMs + withinMs), 1);
      if (r.length) {
        if (best === null || r[0]! + job.offsetMs < best) best = r[0]! + job.offsetMs;
        break;
      }
    }
  }
  return best;
}
