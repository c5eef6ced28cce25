/**
 * The texts jobs are written in, read into Jobs: systemd unit files (a timer with its drop-ins, the
 * service it starts), crontabs (system ones with a user field, spool ones without) and anacrontab.
 * Pure: text in, Jobs and notes out (gather.ts reads the files). Every fault is a note, never a throw.
 */
import { Calendar, CRON_SHORTHANDS, Job, parseCalendarEvent, parseCronTimes, parseTimespan, ScheduleError } from './schedule.js';

const MIN = 60_000;
/** RandomizedDelaySec= and AccuracySec= are taken as at most this (ms) */
export const MAX_DELAY_MS = 7 * 86_400_000;

/** at most this many lines of one file are read */
export const MAX_LINES = 10_000;

/** A unit file's sections: section -> key -> values in order (an empty value kept: it resets lists). */
export type UnitFile = Map<string, Map<string, string[]>>;

/** systemd.syntax(7): [Section], Key=Value, # and ; comments, a trailing \ joins the next line. */
export function parseUnit(text: string): UnitFile {
  const out: UnitFile = new Map();
  let sec: Map<string, string[]> | null = null;
  const lines = text.split(/\r?\n/).slice(0, MAX_LINES);
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i]!.trim();
    while (line.endsWith('\\') && i + 1 < lines.length) line = line.slice(0, -1).trimEnd() + ' ' + lines[++i]!.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const s = /^\[([^\]]+)\]$/.exec(line);
    if (s) {
      if (!out.has(s[1]!)) out.set(s[1]!, new Map());
      sec = out.get(s[1]!)!;
      continue;
    }
    const eq = line.indexOf('=');
    if (eq <= 0 || !sec) continue;
    const k = line.slice(0, eq).trim();
    const v = line.slice(eq + 1).trim();
    if (!sec.has(k)) sec.set(k, []);
    sec.get(k)!.push(v);
  }
  return out;
}

/** Units merged in order (the unit, then its drop-ins): list keys append, an empty value clears. */
export function mergeUnits(files: UnitFile[]): UnitFile {
  const out: UnitFile = new Map();
  for (const f of files) {
    for (const [name, keys] of f) {
      if (!out.has(name)) out.set(name, new Map());
      const sec = out.get(name)!;
      for (const [k, vs] of keys) {
        let cur = sec.get(k) ?? [];
        for (const v of vs) cur = v === '' ? [] : [...cur, v];
        sec.set(k, cur);
      }
    }
  }
  return out;
}

const lastOf = (u: UnitFile, sec: string, key: string): string | undefined => u.get(sec)?.get(key)?.at(-1);

export interface TimerInfo {
  calendars: Calendar[];
  /** the OnCalendar= values in force that parsed */
  specs: string[];
  delayMs: number;
  /** Unit= or null (the same-name service) */
  unit: string | null;
  /** monotonic timers only (OnBootSec=, OnUnitActiveSec=...) */
  monotonicOnly: boolean;
  notes: string[];
}

/** A timer's [Timer] section (already merged with its drop-ins). */
export function timerInfo(u: UnitFile): TimerInfo {
  const t = u.get('Timer') ?? new Map<string, string[]>();
  const notes: string[] = [];
  const specs = t.get('OnCalendar') ?? [];
  const calendars: Calendar[] = [];
  const good: string[] = [];
  for (const s of specs) {
    try {
      calendars.push(parseCalendarEvent(s));
      good.push(s);
    } catch (e) {
      notes.push(`OnCalendar=${s}: ${(e as Error).message}`);
    }
  }
  const span = (k: string, dflt: number): number => {
    const v = lastOf(u, 'Timer', k);
    if (v === undefined) return dflt;
    const ms = parseTimespan(v);
    if (ms === null) notes.push(`${k}=${v}: not a time span`);
    else if (ms > MAX_DELAY_MS) {
      // a delay of centuries would make the matcher walk them day by day: a week is plenty
      notes.push(`${k}=${v}: longer than a week, taken as a week`);
      return MAX_DELAY_MS;
    }
    return ms ?? dflt;
  };
  // the timer fires within AccuracySec= after the time (default 1 min), then RandomizedDelaySec=
  const delayMs = span('RandomizedDelaySec', 0) + span('AccuracySec', MIN);
  const mono = ['OnActiveSec', 'OnBootSec', 'OnStartupSec', 'OnUnitActiveSec', 'OnUnitInactiveSec'].some((k) => (t.get(k) ?? []).length > 0);
  return { calendars, specs: good, delayMs, unit: lastOf(u, 'Timer', 'Unit') ?? null, monotonicOnly: mono && specs.length === 0, notes };
}

/** A service's command: the first ExecStart= (prefixes such as - @ + ! dropped), null if none. */
export function serviceCommand(u: UnitFile): string | null {
  const v = (u.get('Service')?.get('ExecStart') ?? []).filter((s) => s !== '');
  if (!v.length) return null;
  return v[0]!.replace(/^[-@:+!]+/, '').trim();
}

// ---- crontabs ---------------------------------------------------------------------------------

export interface CronEntry {
  calendar: Calendar;
  /** the time fields as written ("0 2 * * 0", "@weekly") */
  schedule: string;
  user: string | null;
  command: string;
  line: number;
}

/**
 * A crontab's entries. `system`: /etc/crontab and /etc/cron.d (a user field after the times).
 * CRON_TZ= / TZ= lines set the zone of the lines after them; other NAME=value lines, comments and
 * @reboot are skipped; a bad line is a note ("LINE: why").
 */
export function parseCrontab(text: string, system: boolean): { entries: CronEntry[]; env: Record<string, string>; notes: string[] } {
  const entries: CronEntry[] = [];
  const notes: string[] = [];
  const env: Record<string, string> = {};
  let tz: string | null = null;
  const lines = text.split(/\r?\n/).slice(0, MAX_LINES);
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const e = /^([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (e) {
      const v = e[2]!.replace(/^(['"])(.*)\1$/, '$2');
      env[e[1]!] = v;
      if (e[1] === 'CRON_TZ' || e[1] === 'TZ') tz = v === '' ? null : v;
      return;
    }
    const words = line.split(/\s+/);
    const nTimes = words[0]!.startsWith('@') ? 1 : 5;
    const times = words.slice(0, nTimes);
    if (nTimes === 1 && CRON_SHORTHANDS[times[0]!.toLowerCase()] === null) return; // @reboot
    const rest = words.slice(nTimes);
    const user = system ? rest.shift() ?? null : null;
    if (rest.length === 0) {
      notes.push(`line ${i + 1}: no command`);
      return;
    }
    // the command ends at the first % not escaped (the rest is its standard input)
    const cmdText = line.replace(new RegExp(`^(?:\\S+\\s+){${nTimes + (system ? 1 : 0)}}`), '');
    const command = cmdText.replace(/(^|[^\\])%.*$/, '$1').trim();
    try {
      entries.push({ calendar: parseCronTimes(times, tz), schedule: times.join(' '), user, command, line: i + 1 });
    } catch (err) {
      if (err instanceof ScheduleError) notes.push(`line ${i + 1}: ${err.message}`);
      else throw err;
    }
  });
  return { entries, env, notes };
}

// ---- anacrontab -------------------------------------------------------------------------------

export interface AnacronEntry {
  /** days; @monthly: 30 (anacron runs it once a calendar month) */
  periodDays: number;
  monthly: boolean;
  /** minutes */
  delayMin: number;
  id: string;
  command: string;
  /** as written ("1", "@weekly") */
  period: string;
  /** its line in the file (1-based) */
  line: number;
}

export interface Anacrontab {
  entries: AnacronEntry[];
  /** START_HOURS_RANGE=3-22 (hours), null: any */
  startHours: [number, number] | null;
  /** RANDOM_DELAY= minutes */
  randomDelayMin: number;
  notes: string[];
}

/** anacrontab(5): "period delay job-id command", @daily/@weekly/@monthly, START_HOURS_RANGE, RANDOM_DELAY. */
export function parseAnacrontab(text: string): Anacrontab {
  const out: Anacrontab = { entries: [], startHours: null, randomDelayMin: 0, notes: [] };
  text.split(/\r?\n/).slice(0, MAX_LINES).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const e = /^([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (e) {
      if (e[1] === 'START_HOURS_RANGE') {
        const m = /^(\d+)-(\d+)$/.exec(e[2]!.trim());
        if (m && Number(m[1]) <= 24 && Number(m[2]) <= 24) out.startHours = [Number(m[1]), Number(m[2])];
        else out.notes.push(`line ${i + 1}: bad START_HOURS_RANGE`);
      } else if (e[1] === 'RANDOM_DELAY') out.randomDelayMin = /^\d+$/.test(e[2]!.trim()) ? Number(e[2]) : 0;
      return;
    }
    const w = line.split(/\s+/);
    if (w.length < 4) {
      out.notes.push(`line ${i + 1}: want "period delay job-id command"`);
      return;
    }
    const p = w[0]!.toLowerCase();
    const periodDays = p === '@daily' ? 1 : p === '@weekly' ? 7 : p === '@monthly' ? 30 : /^\d+$/.test(p) ? Number(p) : NaN;
    if (!(periodDays >= 1) || !/^\d+$/.test(w[1]!)) {
      out.notes.push(`line ${i + 1}: bad period or delay`);
      return;
    }
    const command = line.replace(/^\S+\s+\S+\s+\S+\s+/, '');
    out.entries.push({ periodDays, monthly: p === '@monthly', delayMin: Number(w[1]), id: w[2]!, command, period: w[0]!, line: i + 1 });
  });
  return out;
}

/** "/etc/cron.daily" from a run-parts command line, or null. */
export function runPartsDir(command: string): string | null {
  // the first 4 KiB only: the search is quadratic in a line of many "run-parts" (256 KiB: 8 s a line)
  const m = /run-parts\b[^;|&}]*?\s(\/\S*?cron\.(?:hourly|daily|weekly|monthly|yearly))\b/.exec(command.slice(0, 4096));
  return m ? m[1]!.replace(/\/+$/, '') : null;
}

export type { Job };
