/**
 * A forecast on first contact: no history of the volume, only what one look at its tree shows
 * (and, apart, the histories the host already keeps: the app layer turns those into Points for the
 * normal model). Pure: plain data in, plain data out; no I/O.
 *
 * What one look can tell:
 *  - bytes of files that still exist, by modification time (last hour, day, week, 30 days), by kind
 *    and by directory: a LOWER BOUND of the recent write rate (files written then deleted, rotated
 *    logs, temp files, are not seen);
 *  - backup sets: N entries of one directory with names alike but for their digits (date stamps,
 *    sequence numbers), similar sizes, made at a regular cadence (one a night, one a week): their
 *    cost per day and, where the names say it, their retention (kept N, or growing without bound).
 *
 * The fill-time range:
 *  - fast end (earliest fill): the largest of the per-window rates (bytes modified within the
 *    window / the window) over day, week and 30 days, counting backup sets whose retention is kept
 *    by their growth only. It takes every recently modified byte as new (an appended log's whole
 *    size, a rewritten file): too fast for those, too slow for what was deleted.
 *  - slow end (latest fill): the sets that grow without bound at their cost, the sets kept N at
 *    their size trend, and everything else at its average over the volume's observable life (now
 *    minus the oldest modification time seen, at least 30 days). Sets of unknown retention count 0.
 * Hand-written: everything here (simple-statistics' median and linear regression are used).
 */
import { linearRegression, median } from 'simple-statistics';

const HOUR = 3_600_000;
const DAY = 86_400_000;

/** The label every first-contact figure carries. */
export const LOWER_BOUND_LABEL = 'lower bound: deleted files are not seen';
/** What a real history needs, as said to the user. */
export const HISTORY_NEEDS = 'sample every 5 min; a trend needs 1 day, a daily pattern 3 days, a weekly pattern 2 weeks';
/** a real history is good enough for a trend after this long (ms), for a weekly pattern after WEEKLY_NEEDS_MS */
export const TREND_NEEDS_MS = DAY;
export const WEEKLY_NEEDS_MS = 14 * DAY;
/** the forecast horizon (ms): beyond it, "not within a year" */
export const FIRST_CONTACT_HORIZON_MS = 365 * DAY;

export type WindowName = 'hour' | 'day' | 'week' | 'month';
/** the windows, newest first; "month" is 30 days */
export const WINDOWS: { name: WindowName; ms: number }[] = [
  { name: 'hour', ms: HOUR },
  { name: 'day', ms: DAY },
  { name: 'week', ms: 7 * DAY },
  { name: 'month', ms: 30 * DAY },
];

/** One entry of a directory, as the tree shows it. */
export interface DirChild {
  /** the name, as text (for display and for finding sets) */
  name: string;
  /** disk bytes: the file's own, or a directory's whole subtree */
  bytes: number;
  /** modification time, unix ms; null when unknown */
  mtime: number | null;
  dir: boolean;
  /** a file's kind (owners/kinds.ts category name), null: none matched; ignored for directories */
  kind?: string | null;
}

/** A backup set: several copies of one thing in one directory, made at a regular cadence. */
export interface BackupSet {
  /** the directory holding the copies */
  dir: string;
  /** the names' shape, digits as '#': "db-####-##-##.sql.gz" */
  pattern: string;
  /** how the copies are told apart: 'date' stamps, 'sequence' numbers (higher is newer), 'rotation' numbers (higher is older, as logrotate) */
  numbering: 'date' | 'sequence' | 'rotation';
  copies: number;
  /** the copies are directories (rsnapshot-like) rather than files */
  dirs: boolean;
  /** the typical time between two copies (ms); "nightly" ~ 1 day, "weekly" ~ 7 days */
  cadenceMs: number;
  cadence: 'hourly' | 'nightly' | 'weekly' | 'other';
  /** a typical copy's disk bytes (median of the newest three) */
  copyBytes: number;
  /** the copies' size trend: bytes more per copy (linear regression on the modification times) */
  growthPerCopy: number;
  /** what one more copy a day costs if none is removed: copyBytes per cadence, bytes per day */
  costPerDay: number;
  /** all the copies' bytes */
  totalBytes: number;
  /** oldest and newest copy (unix ms) */
  oldest: number;
  newest: number;
  /** 'kept': old copies are removed (about `keptDays` days are kept); 'growing': none ever removed; 'unknown' */
  retention: 'kept' | 'growing' | 'unknown';
  keptDays: number | null;
  /** why the retention was judged so, in a few words */
  evidence: string;
  /** what this set adds per day in the fast and the slow case (bytes/day) */
  fastPerDay: number;
  slowPerDay: number;
  /** names of the newest and oldest copies */
  newestName: string;
  oldestName: string;
}

/** One window's figures: bytes of files modified within it (that still exist). */
export interface WindowFigure {
  name: WindowName;
  ms: number;
  /** disk bytes of files modified within the window (backup sets' copies included) */
  bytes: number;
  files: number;
  /** bytes / window, per day: a lower bound of the write rate over the window */
  bytesPerDay: number;
  /** the same without the backup sets' copies (the sets count by their own rule), per day */
  otherPerDay: number;
}

/** A kind or a directory driving the recent writes (within the last week). */
export interface Driver {
  name: string;
  /** disk bytes modified within the last week, and the same per day */
  weekBytes: number;
  perDay: number;
  /** disk bytes modified within the last 30 days */
  monthBytes: number;
}

export interface FirstContactInput {
  /** the moment of the look (the scan's time), unix ms */
  asOf: number;
  /** the volume now, as df counts it (size = used + available): bytes */
  sizeBytes: number;
  usedBytes: number;
}

export interface FirstContactForecast {
  asOf: number;
  sizeBytes: number;
  usedBytes: number;
  freeBytes: number;
  windows: WindowFigure[];
  kinds: Driver[];
  dirs: Driver[];
  sets: BackupSet[];
  /** bytes/day: the fast case (earliest fill) and the slow case (latest fill) */
  fastPerDay: number;
  slowPerDay: number;
  /** which window gave the fast case */
  fastFrom: WindowName | null;
  /** the oldest modification time seen (unix ms) from PLAUSIBLE_MTIME on, the start of the observable life; null: none */
  oldestMtime: number | null;
  /** unix ms; earliest null: nothing grows; latest null: not within the horizon (a year) */
  earliest: number | null;
  latest: number | null;
  horizonMs: number;
  /** files with a modification time in the future (clock skew, restored archives): counted as now */
  futureFiles: number;
  files: number;
  label: string;
  needs: string;
  notes: string[];
}

// ---- backup sets ---------------------------------------------------------------------------------

/** the names' shape: every run of digits as one '#' (site.9.tar and site.10.tar alike) */
function shapeOf(name: string): string {
  return name.replace(/[0-9]+/g, '#');
}

/** the digit runs of a name */
function digitRuns(name: string): string[] {
  return name.match(/[0-9]+/g) ?? [];
}

/** a date stamp among the digit runs (YYYYMMDD, YYYY-MM-DD, ...): its unix ms (UTC midnight), else null */
function dateStamp(name: string): number | null {
  const m = /(?:^|[^0-9])((?:19|20)[0-9]{2})[-_.]?(0[1-9]|1[0-2])[-_.]?(0[1-9]|[12][0-9]|3[01])(?![0-9]{3})/.exec(name);
  if (!m) return null;
  const t = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return Number.isFinite(t) ? t : null;
}

function cadenceOf(ms: number): BackupSet['cadence'] {
  if (ms >= 0.75 * HOUR && ms <= 1.25 * HOUR) return 'hourly';
  if (ms >= 0.8 * DAY && ms <= 1.2 * DAY) return 'nightly';
  if (ms >= 6 * DAY && ms <= 8 * DAY) return 'weekly';
  return 'other';
}

/**
 * Modification times before this (unix ms, 1990-01-01) do not start the observable life: archives
 * and packages set placeholder times (zip's 1980, npm's 1985, the epoch).
 */
export const PLAUSIBLE_MTIME = Date.UTC(1990, 0, 1);

/** the smallest number of copies that makes a set */
export const SET_MIN_COPIES = 3;

interface Member {
  name: string;
  bytes: number;
  mtime: number;
  dir: boolean;
  /** the number that orders the copies by name: the date stamp or the last digit run */
  key: number;
}

/**
 * The backup sets among a directory's entries. Entries group by their names' shape (digits as
 * '#'); a group is a set when it has SET_MIN_COPIES or more entries, most of them within a factor
 * of two of the median size, made at a regular cadence (the gaps between their modification times
 * within 35% of their median, which is between 45 min and 35 days). The retention is read from the
 * numbering: rotation numbers (.1 newest, as logrotate) keep a fixed count; sequence numbers that
 * start at 0 or 1 have every copy back to the first ("growing"), that start higher have lost the
 * first ones ("kept"); date stamps alone cannot tell ("unknown": both cases are counted in the range).
 */
export function findBackupSets(dir: string, children: readonly DirChild[]): BackupSet[] {
  const groups = new Map<string, DirChild[]>();
  for (const c of children) {
    if (c.mtime === null || !/[0-9]/.test(c.name)) continue;
    const s = shapeOf(c.name) + (c.dir ? '/' : '');
    let g = groups.get(s);
    if (!g) groups.set(s, (g = []));
    g.push(c);
  }
  const out: BackupSet[] = [];
  for (const [shape, g] of groups) {
    if (g.length < SET_MIN_COPIES) continue;
    const s = setOf(dir, shape.replace(/\/$/, ''), g);
    if (s) out.push(s);
  }
  return out;
}

function setOf(dir: string, pattern: string, g: DirChild[]): BackupSet | null {
  const dated = g.every((c) => dateStamp(c.name) !== null);
  const members: Member[] = g.map((c) => {
    const runs = digitRuns(c.name);
    return { name: c.name, bytes: c.bytes, mtime: c.mtime!, dir: c.dir, key: dated ? dateStamp(c.name)! : Number(runs[runs.length - 1]) };
  });
  // similar sizes: at least 80% within a factor of 2 of the median
  const med = median(members.map((m) => m.bytes));
  if (med <= 0) return null;
  const alike = members.filter((m) => m.bytes >= med / 2 && m.bytes <= med * 2).length;
  if (alike < 0.8 * members.length) return null;
  // regular cadence from the modification times
  const byTime = [...members].sort((a, b) => a.mtime - b.mtime);
  const gaps: number[] = [];
  for (let i = 1; i < byTime.length; i++) gaps.push(byTime[i].mtime - byTime[i - 1].mtime);
  const cadenceMs = median(gaps);
  if (!(cadenceMs >= 0.75 * HOUR && cadenceMs <= 35 * DAY)) return null;
  const regular = gaps.filter((x) => Math.abs(x - cadenceMs) <= 0.35 * cadenceMs).length;
  if (regular < 0.7 * gaps.length) return null;
  // numbering: does the number grow with the modification time or against it?
  const n = byTime.length;
  let up = 0;
  let down = 0;
  for (let i = 1; i < n; i++) {
    if (byTime[i].key > byTime[i - 1].key) up++;
    else if (byTime[i].key < byTime[i - 1].key) down++;
  }
  const numbering: BackupSet['numbering'] = dated ? 'date' : down > up ? 'rotation' : 'sequence';
  const newest = byTime[n - 1];
  const oldest = byTime[0];
  const recent = byTime.slice(-3).map((m) => m.bytes);
  const copyBytes = median(recent);
  const costPerDay = (copyBytes * DAY) / cadenceMs;
  const reg = n >= 3 ? linearRegression(byTime.map((m) => [m.mtime, m.bytes])) : { m: 0 };
  const growthPerCopy = Number.isFinite(reg.m) ? reg.m * cadenceMs : 0;
  const spanDays = (newest.mtime - oldest.mtime + cadenceMs) / DAY;
  let retention: BackupSet['retention'] = 'unknown';
  let evidence: string;
  if (numbering === 'rotation') {
    retention = 'kept';
    evidence = `numbered as a rotation (the newest has the lowest number): a fixed count of ${n}`;
  } else if (numbering === 'sequence') {
    // a loop, not Math.min(...keys): a directory of 300,000 numbered copies overflows the stack
    const first = members.reduce((a, m) => Math.min(a, m.key), Infinity);
    const last = members.reduce((a, m) => Math.max(a, m.key), -Infinity);
    const complete = last - first + 1 === n;
    if (first <= 1 && complete) {
      retention = 'growing';
      evidence = `every copy from number ${first} to ${last} is there: none removed so far`;
    } else if (first > 1) {
      retention = 'kept';
      evidence = `the numbers start at ${first}: the first copies were removed`;
    } else evidence = `numbers ${first} to ${last} with gaps: some copies were removed, not the oldest`;
  } else evidence = `date stamps from ${new Date(oldest.key).toISOString().slice(0, 10)}: whether old copies are removed needs a second look`;
  // the sizes' trend adds, for a kept set, `copies` times the growth of one copy per cadence
  const { fastPerDay, slowPerDay } = setRates(retention, costPerDay, growthPerCopy, cadenceMs, n);
  return {
    dir,
    pattern,
    numbering,
    copies: n,
    dirs: members.every((m) => m.dir),
    cadenceMs,
    cadence: cadenceOf(cadenceMs),
    copyBytes,
    growthPerCopy,
    costPerDay,
    totalBytes: members.reduce((s, m) => s + m.bytes, 0),
    oldest: oldest.mtime,
    newest: newest.mtime,
    retention,
    keptDays: retention === 'kept' ? Math.round(spanDays) : null,
    evidence,
    fastPerDay,
    slowPerDay,
    newestName: newest.name,
    oldestName: oldest.name,
  };
}

/** what a set adds per day (bytes/day) in the fast and the slow case, by its retention */
function setRates(retention: BackupSet['retention'], costPerDay: number, growthPerCopy: number, cadenceMs: number, copies: number): { fastPerDay: number; slowPerDay: number } {
  // the sizes' trend adds, for a kept set, `copies` times the growth of one copy per cadence
  const keptTrend = Math.max(0, (growthPerCopy * DAY) / cadenceMs) * copies;
  return {
    fastPerDay: retention === 'kept' ? keptTrend : costPerDay + keptTrend,
    slowPerDay: retention === 'growing' ? costPerDay : retention === 'kept' ? keptTrend : 0,
  };
}

/** A set as an earlier look saw it (kept in the store between two first contacts). */
export interface SeenSet {
  dir: string;
  pattern: string;
  copies: number;
  /** the oldest copy's modification time then (unix ms) */
  oldest: number;
  /** when that look was made (unix ms) */
  at: number;
}

/**
 * A set of unknown retention judged again with an earlier look at it (the same directory and
 * pattern), once at least one new copy was due since (0.8 cadence): the oldest copy then is gone
 * and copies came → "kept" (about as many days as the copies span); more copies, the oldest still
 * there → "growing". Else, or for a set whose numbering already told, the set unchanged.
 */
export function secondLook(s: BackupSet, before: readonly SeenSet[], asOf: number): BackupSet {
  const p = before.find((b) => b.dir === s.dir && b.pattern === s.pattern);
  if (s.retention !== 'unknown' || !p || asOf - p.at < 0.8 * s.cadenceMs) return s;
  const seen = new Date(p.at).toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
  let r: Pick<BackupSet, 'retention' | 'keptDays' | 'evidence'> | null = null;
  if (s.oldest > p.oldest + 0.5 * s.cadenceMs) {
    r = { retention: 'kept', keptDays: Math.round((s.newest - s.oldest + s.cadenceMs) / DAY), evidence: `the oldest copy seen at ${seen} is gone (${p.copies} copies then, ${s.copies} now)` };
  } else if (s.copies > p.copies) {
    r = { retention: 'growing', keptDays: null, evidence: `${s.copies - p.copies} copies more than at ${seen}, none removed` };
  }
  return r ? { ...s, ...r, ...setRates(r.retention, s.costPerDay, s.growthPerCopy, s.cadenceMs, s.copies) } : s;
}

// ---- the summary -------------------------------------------------------------------------------

interface Acc {
  week: number;
  month: number;
}

/**
 * Builds a first-contact forecast from a tree fed one directory at a time (any order): for each
 * directory its path (text) and its entries (files with their kind, subdirectories with their
 * subtree's bytes). Pure and streaming: memory grows with the directories that hold recent files
 * and with the sets found, not with the files.
 */
export class FirstContactBuilder {
  private readonly win = WINDOWS.map((w) => ({ ...w, bytes: 0, files: 0, other: 0 }));
  private readonly kinds = new Map<string, Acc>();
  private readonly dirs = new Map<string, Acc>();
  private readonly sets: BackupSet[] = [];
  /** bytes of files outside the sets (and of their unknown-retention members) */
  private otherBytes = 0;
  private oldest = Infinity;
  private files = 0;
  private future = 0;

  /**
   * @param input the volume now and the moment of the look
   * @param dirDepth directories are reported down to this many levels below `root`
   * @param root the scanned root's path (text), for the directory grouping
   */
  constructor(
    private readonly input: FirstContactInput,
    private readonly root = '/',
    private readonly dirDepth = 3,
  ) {}

  /** One directory: `path` (text) and its entries. Files in a backup set are counted by the set. */
  directory(path: string, children: readonly DirChild[]): void {
    const found = findBackupSets(path, children);
    const inSet = new Set<string>();
    for (const s of found) {
      this.sets.push(s);
      if (s.dirs) continue; // a directory set's files are counted where they are (their mtimes are the sources')
      const names = children.filter((c) => !c.dir && c.mtime !== null && shapeOf(c.name) === s.pattern).map((c) => c.name);
      for (const nm of names) inSet.add(nm);
    }
    for (const c of children) if (!c.dir) this.file(path, c, inSet.has(c.name));
    for (const s of found) if (s.dirs && s.oldest < this.oldest) this.oldest = s.oldest;
  }

  private file(dir: string, c: DirChild, inSet: boolean): void {
    this.files++;
    if (c.mtime === null) return;
    let m = c.mtime;
    if (m > this.input.asOf) {
      this.future++;
      m = this.input.asOf;
    }
    if (m < this.oldest && m >= PLAUSIBLE_MTIME) this.oldest = m;
    if (!inSet) this.otherBytes += c.bytes;
    const age = this.input.asOf - m;
    if (age > WINDOWS[3].ms) return;
    for (const w of this.win) {
      if (age <= w.ms) {
        w.bytes += c.bytes;
        w.files++;
        if (!inSet) w.other += c.bytes;
      }
    }
    const week = age <= WINDOWS[2].ms ? c.bytes : 0;
    add(this.kinds, c.kind ?? 'other', week, c.bytes);
    add(this.dirs, this.group(dir), week, c.bytes);
  }

  /** the directory a file is reported under: its own, cut at dirDepth levels below the root */
  private group(dir: string): string {
    const base = this.root === '/' ? '' : this.root;
    if (!dir.startsWith(base)) return dir;
    const parts = dir.slice(base.length).split('/').filter(Boolean);
    return parts.length ? base + '/' + parts.slice(0, this.dirDepth).join('/') : base || '/';
  }

  /**
   * The forecast. `horizonMs`: beyond it the latest fill is null ("not within a year"); `before`:
   * the sets an earlier look saw (secondLook).
   */
  result(horizonMs = FIRST_CONTACT_HORIZON_MS, before: readonly SeenSet[] = []): FirstContactForecast {
    const { asOf, sizeBytes, usedBytes } = this.input;
    const free = Math.max(0, sizeBytes - usedBytes);
    const notes: string[] = [];
    const windows: WindowFigure[] = this.win.map((w) => ({ name: w.name, ms: w.ms, bytes: w.bytes, files: w.files, bytesPerDay: (w.bytes * DAY) / w.ms, otherPerDay: (w.other * DAY) / w.ms }));
    const sets = this.sets.map((x) => secondLook(x, before, asOf)).sort((a, b) => b.costPerDay - a.costPerDay);
    // fast: the largest window rate over day, week, month (the hour is too short to say a day's worth)
    let fastWin: WindowFigure | null = null;
    for (const w of windows) if (w.name !== 'hour' && w.otherPerDay > 0 && (!fastWin || w.otherPerDay > fastWin.otherPerDay)) fastWin = w;
    const setsFast = sets.reduce((s, x) => s + x.fastPerDay, 0);
    const setsSlow = sets.reduce((s, x) => s + x.slowPerDay, 0);
    const fastPerDay = (fastWin ? fastWin.otherPerDay : 0) + setsFast;
    // slow: the rest at its average over the observable life (at least 30 days)
    const oldest = Number.isFinite(this.oldest) ? this.oldest : null;
    const lifeMs = Math.max(WINDOWS[3].ms, oldest === null ? 0 : asOf - oldest);
    const slowPerDay = Math.min(fastPerDay, setsSlow + (this.otherBytes * DAY) / lifeMs);
    const at = (perDay: number): number | null => {
      if (free <= 0) return asOf;
      if (!(perDay > 0)) return null;
      const t = asOf + (free / perDay) * DAY;
      return t - asOf > horizonMs ? null : t;
    };
    const earliest = at(fastPerDay);
    const latest = at(slowPerDay);
    if (this.future) notes.push(`${this.future} file(s) modified in the future (clock skew?): counted as modified now`);
    if (sets.some((s) => s.retention === 'unknown')) notes.push('a backup set of unknown retention counts in the fast case only: look again tomorrow (or sample) to see whether old copies go');
    if (fastWin && fastWin.name === 'day') notes.push('the fast case is the last day\'s writes taken as a daily rate: an appended or rewritten file counts whole');
    const top = (m: Map<string, Acc>): Driver[] =>
      [...m.entries()]
        .map(([name, a]) => ({ name, weekBytes: a.week, perDay: a.week / 7, monthBytes: a.month }))
        .filter((d) => d.monthBytes > 0)
        .sort((a, b) => b.weekBytes - a.weekBytes || b.monthBytes - a.monthBytes)
        .slice(0, 5);
    return {
      asOf,
      sizeBytes,
      usedBytes,
      freeBytes: free,
      windows,
      kinds: top(this.kinds),
      dirs: top(this.dirs),
      sets: sets.slice(0, 10),
      fastPerDay,
      slowPerDay,
      fastFrom: fastWin ? fastWin.name : null,
      oldestMtime: oldest,
      earliest,
      latest: earliest === null ? null : latest,
      horizonMs,
      futureFiles: this.future,
      files: this.files,
      label: LOWER_BOUND_LABEL,
      needs: HISTORY_NEEDS,
      notes,
    };
  }
}

function add(m: Map<string, Acc>, k: string, week: number, month: number): void {
  const a = m.get(k);
  if (a) {
    a.week += week;
    a.month += month;
  } else m.set(k, { week, month });
}

// ---- other histories ---------------------------------------------------------------------------

/**
 * A rate between two points of the volume's usage (e.g. a node_exporter textfile written by an
 * earlier `diskblame metrics` and the volume now): bytes/day, and the fill at that rate (unix ms,
 * null when not growing or beyond the horizon). Throws nothing; a gap of 0 gives rate null.
 */
export function twoPointRate(a: { t: number; used: number }, b: { t: number; used: number; size: number }, horizonMs = FIRST_CONTACT_HORIZON_MS): { perDay: number | null; fillsAt: number | null } {
  const dt = b.t - a.t;
  if (!(dt > 0)) return { perDay: null, fillsAt: null };
  const perDay = ((b.used - a.used) * DAY) / dt;
  if (!(perDay > 0)) return { perDay, fillsAt: null };
  const t = b.t + ((b.size - b.used) / perDay) * DAY;
  return { perDay, fillsAt: t - b.t > horizonMs ? null : Math.max(b.t, t) };
}

/**
 * When a real history (samples every 5 min from `since`, unix ms) is good enough: a trend after
 * TREND_NEEDS_MS, a weekly pattern after WEEKLY_NEEDS_MS. `since` null: not sampling yet (counted from `now`).
 */
export function historyReadyAt(since: number | null, now: number): { trend: number; weekly: number } {
  const s = since ?? now;
  return { trend: s + TREND_NEEDS_MS, weekly: s + WEEKLY_NEEDS_MS };
}
