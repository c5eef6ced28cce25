/**
 * The jobs scheduled on a host, read from a root directory (default /; tests pass a fixture, and a
 * copied /etc works too): systemd timers with their drop-ins and the services they start, cron
 * (/etc/crontab, /etc/cron.d, the spool crontabs), anacron and the scripts of
 * /etc/cron.{hourly,daily,weekly,monthly}. Files are found with fast-glob and read defensively: the
 * contents are hostile.
 *
 * Safety: every path is resolved inside the root, a component at a time (lstat): a symlink is
 * followed as if the root were / (Debian's /lib -> usr/lib works; /etc/x -> /etc/shadow reads
 * ROOT/etc/shadow; .. stops at the root), so nothing outside the root is read. A file is opened
 * O_NOFOLLOW|O_NONBLOCK and read only when fstat says it is a regular file (a FIFO or a device is
 * never opened), at most MAX_FILE_BYTES of it; at most MAX_FILES files are looked at, and at most
 * MAX_JOBS jobs with MAX_CALENDARS calendars in all are kept (45 MB of crontab lines would be
 * millions of jobs: out of memory).
 * Whatever cannot be read is skipped with a note; nothing here throws for a file's sake.
 */
import fs from 'node:fs';
import path from 'node:path';
import fg from 'fast-glob';
import { Calendar, Job } from './schedule.js';
import { mergeUnits, parseAnacrontab, parseCrontab, parseUnit, runPartsDir, serviceCommand, timerInfo, UnitFile } from './parse.js';

/** at most this much of one file is read (bytes) */
export const MAX_FILE_BYTES = 256 * 1024;
/** at most this many directory entries are looked at in all */
export const MAX_FILES = 5000;
/** at most this many jobs, and calendars over all of them, are kept (a crontab line is one job) */
export const MAX_JOBS = 20_000;
export const MAX_CALENDARS = 20_000;
const MAX_HOPS = 40;
const MIN = 60_000;

/** The unit directories, highest precedence first (systemd.unit(5), system manager). */
export const UNIT_DIRS = ['etc/systemd/system', 'run/systemd/system', 'usr/lib/systemd/system', 'lib/systemd/system'];

export interface GatheredJobs {
  jobs: Job[];
  /** files skipped and why, schedules that did not parse (plain text: escape to print) */
  notes: string[];
}

/**
 * `rel` (a path inside the root, '/'-separated) with every symlink resolved inside the root; null
 * when a component does not exist or the links loop. The answer has no leading slash ('' = root).
 */
export function resolveInRoot(root: string, rel: string): string | null {
  const todo = rel.split('/').filter((c) => c !== '' && c !== '.');
  const done: string[] = [];
  let hops = 0;
  while (todo.length) {
    const c = todo.shift()!;
    if (c === '..') {
      done.pop();
      continue;
    }
    const p = path.join(root, ...done, c);
    let st: fs.Stats;
    try {
      st = fs.lstatSync(p);
    } catch {
      return null;
    }
    if (st.isSymbolicLink()) {
      if (++hops > MAX_HOPS) return null;
      let t: string;
      try {
        t = fs.readlinkSync(p);
      } catch {
        return null;
      }
      if (t.startsWith('/')) done.length = 0;
      todo.unshift(...t.split('/').filter((x) => x !== '' && x !== '.'));
      continue;
    }
    done.push(c);
  }
  return done.join('/');
}

type Read = { text: string; mode: number } | { skip: string };

/** A regular file's text, at most MAX_FILE_BYTES, never blocking, never through a final symlink. */
function notRegular(st: fs.Stats): string {
  return st.isFIFO() ? 'a FIFO, not read' : st.isDirectory() ? 'a directory' : st.isSymbolicLink() ? 'a symlink' : 'not a regular file, not read';
}

function readBounded(abs: string): Read {
  // look before opening: opening a FIFO wakes a writer waiting on it, opening a device runs its
  // driver (a tape rewinds, a watchdog arms, a terminal may become ours); fstat below catches a
  // file swapped in between (the open is then non-blocking and takes no terminal)
  let before: fs.Stats;
  try {
    before = fs.lstatSync(abs);
  } catch (e) {
    return { skip: `cannot open (${(e as NodeJS.ErrnoException).code ?? 'error'})` };
  }
  if (!before.isFile()) return { skip: notRegular(before) };
  let fd: number;
  try {
    fd = fs.openSync(abs, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK | fs.constants.O_NOFOLLOW | fs.constants.O_NOCTTY);
  } catch (e) {
    return { skip: (e as NodeJS.ErrnoException).code === 'ELOOP' ? 'a symlink' : `cannot open (${(e as NodeJS.ErrnoException).code ?? 'error'})` };
  }
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile()) return { skip: notRegular(st) };
    if (st.ino !== before.ino || st.dev !== before.dev) return { skip: 'replaced while being read' };
    const buf = Buffer.alloc(Math.min(st.size, MAX_FILE_BYTES));
    let n = 0;
    while (n < buf.length) {
      const k = fs.readSync(fd, buf, n, buf.length - n, n);
      if (k === 0) break;
      n += k;
    }
    const more = st.size > MAX_FILE_BYTES ? ' (cut at 256 KiB)' : '';
    return { text: buf.subarray(0, n).toString('utf8') + (more ? '\n' : ''), mode: st.mode };
  } catch (e) {
    return { skip: `cannot read (${(e as NodeJS.ErrnoException).code ?? 'error'})` };
  } finally {
    fs.closeSync(fd);
  }
}

/** One directory entry found: where (root-relative, as listed) and what it is. */
interface Found {
  /** as listed: 'etc/systemd/system/x.timer' */
  rel: string;
  /** the unit directory's precedence (0 highest); cron files: 0 */
  rank: number;
  masked: boolean;
}

class Reader {
  notes: string[] = [];
  private seen = 0;
  private jobs = 0;
  private calendars = 0;
  private full = false;
  constructor(readonly root: string) {}

  /** is there room for one more job? (a note the first time there is not) */
  room(): boolean {
    if (!this.full && (this.jobs >= MAX_JOBS || this.calendars >= MAX_CALENDARS)) {
      this.full = true;
      this.notes.push(`more than ${MAX_JOBS} jobs or ${MAX_CALENDARS} calendars: the rest not read`);
    }
    return !this.full;
  }

  /** `js` pushed onto `out` while there is room; false once full */
  keep(out: Job[], ...js: Job[]): boolean {
    for (const j of js) {
      if (!this.room()) return false;
      this.jobs++;
      this.calendars += j.calendars.length;
      out.push(j);
    }
    return this.room();
  }

  note(rel: string, why: string): void {
    if (this.notes.length < 200) this.notes.push(`/${rel}: ${why}`);
  }

  /** fast-glob in the resolved directory `relDir`; names relative to it (no links followed). */
  list(relDir: string, patterns: string[]): string[] {
    const real = resolveInRoot(this.root, relDir);
    if (real === null) return [];
    let names: string[];
    try {
      names = fg.sync(patterns, { cwd: path.join(this.root, real), onlyFiles: false, followSymbolicLinks: false, dot: false, deep: 2, suppressErrors: true, unique: true });
    } catch {
      return [];
    }
    names.sort();
    const room = MAX_FILES - this.seen;
    if (names.length > room) {
      this.note(relDir, `more than ${MAX_FILES} files in all: the rest not read`);
      names = names.slice(0, Math.max(0, room));
    }
    this.seen += names.length;
    return names;
  }

  /** is the entry a link to /dev/null (a masked unit)? */
  isDevNull(rel: string): boolean {
    const real = resolveInRoot(this.root, path.posix.dirname(rel));
    if (real === null) return false;
    try {
      return fs.readlinkSync(path.join(this.root, real, path.posix.basename(rel))) === '/dev/null';
    } catch {
      return false;
    }
  }

  /** the text of the file at `rel` (links resolved inside the root), or null with a note */
  read(rel: string, opts: { executable?: boolean } = {}): string | null {
    const real = resolveInRoot(this.root, rel);
    if (real === null) {
      this.note(rel, 'not found inside the root (a dangling link, or one out of it), skipped');
      return null;
    }
    const r = readBounded(path.join(this.root, real));
    if ('skip' in r) {
      this.note(rel, `${r.skip}, skipped`);
      return null;
    }
    if (opts.executable && (r.mode & 0o111) === 0) return null; // run-parts runs executables only
    return r.text;
  }
}

// ---- systemd ----------------------------------------------------------------------------------

interface UnitFiles {
  /** unit name -> its files by rank (highest first) */
  units: Map<string, Found[]>;
  /** unit name -> drop-in basename -> the file that wins */
  dropins: Map<string, Map<string, Found>>;
  /** units wanted by a target (enabled) */
  enabled: Set<string>;
}

function unitFiles(r: Reader): UnitFiles {
  const units = new Map<string, Found[]>();
  const dropins = new Map<string, Map<string, Found>>();
  const enabled = new Set<string>();
  const done = new Set<string>();
  UNIT_DIRS.forEach((dir, rank) => {
    const real = resolveInRoot(r.root, dir);
    // /lib/systemd/system is /usr/lib/systemd/system on a merged-/usr system: once
    if (real === null || done.has(real)) return;
    done.add(real);
    for (const name of r.list(dir, ['*.timer', '*.service', '*.timer.d/*.conf', '*.service.d/*.conf', '*.wants/*.timer'])) {
      const rel = `${dir}/${name}`;
      const parts = name.split('/');
      if (parts.length === 1) {
        if (!units.has(name)) units.set(name, []);
        units.get(name)!.push({ rel, rank, masked: r.isDevNull(rel) });
      } else if (parts[0]!.endsWith('.wants')) enabled.add(parts[1]!);
      else {
        const unit = parts[0]!.slice(0, -2);
        if (!dropins.has(unit)) dropins.set(unit, new Map());
        const m = dropins.get(unit)!;
        if (!m.has(parts[1]!)) m.set(parts[1]!, { rel, rank, masked: r.isDevNull(rel) });
      }
    }
  });
  return { units, dropins, enabled };
}

/** a unit's merged text (the highest-ranked file, then its drop-ins by name); null: none or masked */
function loadUnit(r: Reader, u: UnitFiles, name: string): { unit: UnitFile; source: string } | { masked: string } | null {
  const files = u.units.get(name);
  if (!files?.length) return null;
  const top = files[0]!;
  if (top.masked) return { masked: `/${top.rel}` };
  const text = r.read(top.rel);
  if (text === null) return null;
  // an empty unit file masks the unit too
  if (text.trim() === '') return { masked: `/${top.rel}` };
  const parts = [parseUnit(text)];
  const drops = u.dropins.get(name);
  if (drops) {
    for (const base of [...drops.keys()].sort()) {
      const f = drops.get(base)!;
      if (f.masked) continue;
      const t = r.read(f.rel);
      if (t !== null) parts.push(parseUnit(t));
    }
  }
  return { unit: mergeUnits(parts), source: `/${top.rel}` };
}

function timerJobs(r: Reader, u: UnitFiles): { jobs: Job[]; anacronTimer: Job | null } {
  const jobs: Job[] = [];
  let anacronTimer: Job | null = null;
  for (const name of [...u.units.keys()].sort()) {
    if (!r.room()) break;
    // a template (foo@.timer) has no calendar of its own to match
    if (!name.endsWith('.timer') || name.includes('@')) continue;
    const l = loadUnit(r, u, name);
    if (l === null) continue;
    if ('masked' in l) continue; // linked to /dev/null (or empty): never runs
    const t = timerInfo(l.unit);
    for (const n of t.notes) r.notes.push(`${name}: ${n}`);
    if (t.monotonicOnly || t.calendars.length === 0) continue; // OnBootSec= etc.: not a calendar job
    const svcName = t.unit ?? name.replace(/\.timer$/, '.service');
    const svc = loadUnit(r, u, svcName);
    const cmd = svc && 'unit' in svc ? serviceCommand(svc.unit) : null;
    const job: Job = {
      name,
      kind: 'systemd-timer',
      schedule: t.specs.map((s) => `OnCalendar=${s}`).join(' '),
      source: l.source,
      runs: cmd ? `${svcName}: ${cmd}` : svcName,
      calendars: t.calendars,
      delayMs: t.delayMs,
      offsetMs: 0,
      everyDays: 1,
      enabled: u.enabled.has(name),
    };
    if (name === 'anacron.timer') anacronTimer = job;
    r.keep(jobs, job);
  }
  return { jobs, anacronTimer };
}

// ---- cron -------------------------------------------------------------------------------------

/** cron(8) reads /etc/cron.d files whose names are made of these only (no dots: no backups) */
const CRON_D_NAME = /^[A-Za-z0-9_-]+$/;
/** run-parts(8) without --lsbsysinit */
const RUN_PARTS_NAME = /^[A-Za-z0-9_-]+$/;

/** the job of one run of run-parts on `dir`, scheduled by line `line` of `file` (/etc/crontab, /etc/anacrontab) */
type PartsJob = (dir: string, base: Omit<Job, 'name' | 'source' | 'runs'>, file: string, line: number, command: string) => Job;

/** a run-parts directory's scripts for a job's name: "man-db, logrotate", at most ~60 columns, then "+3 more" */
function listed(names: readonly string[]): string {
  let out = '';
  let k = 0;
  for (; k < names.length; k++) {
    const next = out ? `${out}, ${names[k]}` : names[k]!;
    if (out && next.length > 60) break;
    out = next;
  }
  return k < names.length ? `${out}, +${names.length - k} more` : out;
}

function cronJobs(r: Reader, anacron: { trigger: Job | null; present: boolean }): Job[] {
  const jobs: Job[] = [];
  const tabs: Array<{ rel: string; system: boolean; user?: string }> = [];
  if (r.list('etc', ['crontab']).length) tabs.push({ rel: 'etc/crontab', system: true });
  for (const n of r.list('etc/cron.d', ['*'])) if (CRON_D_NAME.test(n)) tabs.push({ rel: `etc/cron.d/${n}`, system: true });
  for (const n of r.list('var/spool/cron/crontabs', ['*'])) if (!n.startsWith('tmp.')) tabs.push({ rel: `var/spool/cron/crontabs/${n}`, system: false, user: n });
  // the scripts run-parts would run, per directory
  const scripts = new Map<string, string[]>();
  for (const d of ['hourly', 'daily', 'weekly', 'monthly', 'yearly']) {
    const dir = `etc/cron.${d}`;
    scripts.set(`/${dir}`, r.list(dir, ['*']).filter((n) => RUN_PARTS_NAME.test(n)).filter((n) => r.read(`${dir}/${n}`, { executable: true }) !== null));
  }
  // one run of run-parts is one job, whatever it runs: named by its scripts (cron.weekly: man-db),
  // else by the line that runs it (cron.weekly (/etc/crontab:22)); from that file
  const partsJob: PartsJob = (dir, base, file, line, command) => {
    const list = [...(scripts.get(dir) ?? [])].sort();
    const name = list.length ? `${dir.slice(5)}: ${listed(list)}` : `${dir.slice(5)} (${file}:${line})`;
    return { ...base, name, source: file, runs: list.length ? list.map((x) => `${dir}/${x}`).join(' ') : command };
  };

  const anacronDirs = new Set<string>();
  for (const t of tabs) {
    if (!r.room()) break;
    const text = r.read(t.rel);
    if (text === null) continue;
    const p = parseCrontab(text, t.system);
    for (const n of p.notes) r.note(t.rel, n);
    for (const e of p.entries) {
      if (!r.room()) break;
      const base = { kind: 'cron' as const, schedule: e.schedule, calendars: [e.calendar], delayMs: MIN, offsetMs: 0, everyDays: 1, enabled: null };
      const dir = runPartsDir(e.command);
      if (dir !== null && scripts.has(dir)) {
        // Debian: "test -x /usr/sbin/anacron || run-parts ...": anacron runs them when installed
        if (anacron.present && /anacron/.test(e.command)) {
          anacronDirs.add(dir);
          continue;
        }
        r.keep(jobs, partsJob(dir, { ...base, schedule: `${e.schedule} (run-parts ${dir}, /${t.rel})` }, `/${t.rel}`, e.line, e.command));
        continue;
      }
      const many = p.entries.length > 1;
      r.keep(jobs, { ...base, name: `/${t.rel}${many ? `:${e.line}` : ''}`, source: `/${t.rel}`, runs: e.command });
    }
  }
  if (anacron.present && r.room()) jobs.push(...anacronJobs(r, anacron.trigger, scripts, partsJob, anacronDirs));
  return jobs;
}

/**
 * anacron's jobs: each runs `delay` minutes after anacron's first start of a day its period is due
 * (anacron.timer's, else /etc/cron.d/anacron's first time within START_HOURS_RANGE; Debian: 07:30),
 * plus up to RANDOM_DELAY minutes. Its candidate times are that first start each day; it runs on
 * one of them every `everyDays` (which one depends on when it last ran: not known here).
 */
function anacronJobs(r: Reader, trigger: Job | null, scripts: ReadonlyMap<string, string[]>, partsJob: PartsJob, dirs: Set<string>): Job[] {
  const text = r.read('etc/anacrontab');
  if (text === null) return [];
  const tab = parseAnacrontab(text);
  for (const n of tab.notes) r.note('etc/anacrontab', n);
  const cals: Calendar[] = trigger?.calendars ?? [];
  // anacron runs a due job at its first start of the day within START_HOURS_RANGE: that one time
  const first = (xs: boolean[]) => {
    const k = xs.indexOf(true);
    return xs.map((_, i) => i === k);
  };
  const hours = (c: Calendar): Calendar => {
    const [a, b] = tab.startHours ?? [0, 24];
    return { ...c, hours: first(c.hours.map((on, h) => on && h >= a && h < b)), minutes: first(c.minutes), seconds: first(c.seconds) };
  };
  const out: Job[] = [];
  for (const e of tab.entries) {
    if (!r.room()) break;
    const base = {
      kind: 'anacron' as const,
      schedule: `anacron ${e.period} ${e.delayMin} ${e.id}${trigger ? ` (after ${trigger.name}: ${trigger.schedule})` : ''}`,
      calendars: cals.map(hours),
      delayMs: (trigger?.delayMs ?? MIN) + tab.randomDelayMin * MIN,
      offsetMs: e.delayMin * MIN,
      everyDays: e.periodDays,
      enabled: null,
    };
    if (!base.calendars.length) continue;
    const dir = runPartsDir(e.command);
    if (dir !== null) dirs.delete(dir);
    if (dir !== null && scripts.has(dir)) r.keep(out, partsJob(dir, base, '/etc/anacrontab', e.line, e.command));
    else r.keep(out, { ...base, name: `anacron ${e.id}`, source: '/etc/anacrontab', runs: e.command });
  }
  return out;
}

/**
 * Every calendar job found under `root` (default /), timers first, and notes on what was skipped.
 * Never throws for a file's sake (an unreadable root gives no jobs and a note).
 */
export function gatherJobs(root = '/'): GatheredJobs {
  const r = new Reader(path.resolve(root));
  try {
    fs.accessSync(r.root, fs.constants.R_OK | fs.constants.X_OK);
  } catch {
    return { jobs: [], notes: [`${root}: cannot be read`] };
  }
  const u = unitFiles(r);
  const { jobs, anacronTimer } = timerJobs(r, u);
  const bin = resolveInRoot(r.root, 'usr/sbin/anacron');
  const present = bin !== null && fs.statSync(path.join(r.root, bin), { throwIfNoEntry: false })?.isFile() === true;
  let trigger = anacronTimer;
  if (present && !trigger) {
    // no timer: cron's /etc/cron.d/anacron line starts it (Debian), else guess Debian's 07:30
    const t = r.read('etc/cron.d/anacron');
    const e = t !== null ? parseCrontab(t, true).entries.find((x) => /anacron/.test(x.command)) : undefined;
    if (e) trigger = { name: '/etc/cron.d/anacron', kind: 'cron', schedule: e.schedule, source: '/etc/cron.d/anacron', runs: e.command, calendars: [e.calendar], delayMs: MIN, offsetMs: 0, everyDays: 1, enabled: null };
  }
  jobs.push(...cronJobs(r, { trigger, present }));
  return { jobs, notes: r.notes };
}
