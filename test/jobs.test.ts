/**
 * The jobs behind a peak: schedules (systemd calendar events, cron, anacron) parsed and expanded in
 * several time zones across DST changes, the host's timers and crontabs gathered from a fixture root
 * (Debian 12's real unit files and crontabs plus custom and hostile ones), the matcher on peaks
 * built here, and the words. Time zones are switched in this process through process.env.TZ (Node
 * re-reads it on assignment); every expected wall time is checked through Intl in the named zone,
 * independently of the code under test.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { calendarRuns, Job, nextRun, parseCalendarEvent, parseCronTimes, parseTimespan, runsBetween, ScheduleError } from '../src/jobs/schedule.js';
import { mergeUnits, parseAnacrontab, parseCrontab, parseUnit, timerInfo } from '../src/jobs/parse.js';
import { gatherJobs, resolveInRoot } from '../src/jobs/gather.js';
import { fitJob, matchJob, rankJobs } from '../src/jobs/match.js';
import { jobTag, peakParts, riskJson, wrap } from '../src/report/peak.js';
import { forecastText, checkAll } from '../src/report/forecast.js';
import type { Forecast, PeakPattern, RiskyMoment } from '../src/forecast/types.js';
import { makeTmp, rmrf } from './helpers/fs.js';
import { inTZ } from './helpers/tz.js';
import { REPO } from './helpers/run.js';

const MIN = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
const GIB = 2 ** 30;
const FIX = path.join(REPO, 'fixtures', 'jobs', 'debian');
const ZONES = ['UTC', 'Europe/Berlin', 'America/New_York', 'Australia/Lord_Howe'];
const tmp = makeTmp('jobs');
test.after(() => rmrf(tmp));


/** the wall clock of `ms` in `tz`, through Intl: "Sun 2026-03-29 03:30:00" */
function wallIn(tz: string, ms: number): string {
  const p: Record<string, string> = {};
  const f = new Intl.DateTimeFormat('en-US', { timeZone: tz, hourCycle: 'h23', weekday: 'short', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
  for (const x of f.formatToParts(new Date(ms))) p[x.type] = x.value;
  return `${p.weekday} ${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}`;
}

const U = (s: string) => Date.parse(s);
const job = (calendars: Job['calendars'], extra: Partial<Job> = {}): Job => ({ name: 'j', kind: 'cron', schedule: '', source: '', runs: null, calendars, delayMs: MIN, offsetMs: 0, everyDays: 1, enabled: null, ...extra });
const runsOf = (spec: string, from: string, to: string) => calendarRuns(parseCalendarEvent(spec), U(from), U(to));
const isoList = (xs: number[]) => xs.map((t) => new Date(t).toISOString().slice(0, 19));

// ---- systemd calendar events ------------------------------------------------------------------

test('systemd calendar: weekdays, dates, lists, ranges, repetitions, last days, seconds (in UTC)', () => {
  inTZ('UTC', () => {
    // 2026-11-30 is a Monday
    const wk = runsOf('Mon..Fri 06:30', '2026-11-29T00:00Z', '2026-12-06T00:00Z');
    assert.deepEqual(isoList(wk), ['2026-11-30T06:30:00', '2026-12-01T06:30:00', '2026-12-02T06:30:00', '2026-12-03T06:30:00', '2026-12-04T06:30:00']);
    assert.deepEqual(isoList(runsOf('Sat,Sun *-*-* 10:00', '2026-11-29T00:00Z', '2026-12-07T00:00Z')), ['2026-11-29T10:00:00', '2026-12-05T10:00:00', '2026-12-06T10:00:00']);
    // Sat..Mon wraps over the week's end
    assert.equal(runsOf('Sat..Mon 00:00', '2026-11-29T00:00Z', '2026-12-06T00:00Z').length, 3);
    assert.equal(runsOf('*:0/15', '2026-11-29T00:00Z', '2026-11-30T00:00Z').length, 96);
    assert.equal(runsOf('*-*-* 08..17/3:00', '2026-11-29T00:00Z', '2026-11-30T00:00Z').length, 4);
    assert.deepEqual(isoList(runsOf('*-*-* 12:00:30', '2026-11-29T00:00Z', '2026-11-30T00:00Z')), ['2026-11-29T12:00:30']);
    assert.deepEqual(isoList(runsOf('*-*-* 12:00:07.250', '2026-11-29T00:00Z', '2026-11-30T00:00Z')), ['2026-11-29T12:00:07']);
    // the last day of each month, leap years included
    assert.deepEqual(isoList(runsOf('*-*~01 22:30', '2028-01-15T00:00Z', '2028-04-15T00:00Z')), ['2028-01-31T22:30:00', '2028-02-29T22:30:00', '2028-03-31T22:30:00']);
    assert.deepEqual(isoList(runsOf('*-02~03', '2026-01-01T00:00Z', '2029-01-01T00:00Z')), ['2026-02-26T00:00:00', '2027-02-26T00:00:00', '2028-02-27T00:00:00']);
    // the last Monday in May
    assert.deepEqual(isoList(runsOf('Mon *-05~07/1 09:00', '2026-01-01T00:00Z', '2027-01-01T00:00Z')), ['2026-05-25T09:00:00']);
    assert.deepEqual(isoList(runsOf('2026-*-01..03/2 08:00', '2026-11-01T00:00Z', '2027-02-01T00:00Z')), ['2026-11-01T08:00:00', '2026-11-03T08:00:00', '2026-12-01T08:00:00', '2026-12-03T08:00:00']);
    assert.deepEqual(isoList(runsOf('12-25 07:00', '2026-01-01T00:00Z', '2028-01-01T00:00Z')), ['2026-12-25T07:00:00', '2027-12-25T07:00:00']);
  });
});

test('systemd calendar: every shorthand expands as systemd.time(7) says', () => {
  inTZ('UTC', () => {
    const year = (s: string) => runsOf(s, '2026-01-01T00:00Z', '2027-01-01T00:00Z');
    assert.equal(runsOf('minutely', '2026-01-01T00:00Z', '2026-01-02T00:00Z').length, 1440);
    // more than MAX_RUNS: cut there, the first ones
    assert.equal(year('minutely').length, 100_000);
    assert.equal(year('minutely')[0], U('2026-01-01T00:00Z'));
    assert.equal(year('hourly').length, 365 * 24);
    assert.equal(year('daily').length, 365);
    assert.ok(year('weekly').every((t) => new Date(t).getUTCDay() === 1 && new Date(t).getUTCHours() === 0));
    assert.equal(year('weekly').length, 52);
    assert.deepEqual(year('monthly').map((t) => new Date(t).getUTCDate()), new Array(12).fill(1));
    assert.deepEqual(isoList(year('quarterly')), ['2026-01-01T00:00:00', '2026-04-01T00:00:00', '2026-07-01T00:00:00', '2026-10-01T00:00:00']);
    assert.deepEqual(isoList(year('semiannually')), ['2026-01-01T00:00:00', '2026-07-01T00:00:00']);
    assert.deepEqual(year('yearly'), year('annually'));
    assert.deepEqual(isoList(year('annually')), ['2026-01-01T00:00:00']);
  });
});

test('systemd calendar: bad events are ScheduleErrors naming the fault', () => {
  for (const [spec, want] of [
    ['Mon 25:00', /hour "25"/],
    ['Funday 10:00', /weekday "Funday"/],
    ['*-13-01', /month "13"/],
    ['daily Mars/Olympus_Mons', /unknown time zone/],
    ['', /empty/],
    ['*-*-* 10:00 11:00', /two times/],
    ['@1700000000', /single moment/],
  ] as const) {
    assert.throws(() => parseCalendarEvent(spec), (e: Error) => e instanceof ScheduleError && want.test(e.message), spec);
  }
});

test('time spans (RandomizedDelaySec=, AccuracySec=)', () => {
  assert.equal(parseTimespan('6000'), 6000_000);
  assert.equal(parseTimespan('12h'), 12 * HOUR);
  assert.equal(parseTimespan('1h 30min'), 90 * MIN);
  assert.equal(parseTimespan('5m'), 5 * MIN);
  assert.equal(parseTimespan('2d'), 2 * DAY);
  assert.equal(parseTimespan('1w'), 7 * DAY);
  assert.equal(parseTimespan('soon'), null);
  assert.equal(parseTimespan('3 fortnights'), null);
});

// ---- cron -------------------------------------------------------------------------------------

test('cron: fields, names, steps, 7 = Sunday, shorthands, and the day-of-month OR weekday rule', () => {
  inTZ('UTC', () => {
    const r = (f: string, from: string, to: string) => calendarRuns(parseCronTimes(f.split(' '), null), U(from), U(to));
    assert.equal(r('*/15 * * * *', '2026-11-29T00:00Z', '2026-11-30T00:00Z').length, 96);
    assert.deepEqual(r('0 2 * * 0', '2026-11-01T00:00Z', '2026-12-01T00:00Z'), r('0 2 * * 7', '2026-11-01T00:00Z', '2026-12-01T00:00Z'));
    assert.deepEqual(r('0 2 * * sun', '2026-11-01T00:00Z', '2026-12-01T00:00Z'), r('0 2 * * 0', '2026-11-01T00:00Z', '2026-12-01T00:00Z'));
    assert.equal(r('0 2 * * mon-fri', '2026-11-29T00:00Z', '2026-12-06T00:00Z').length, 5);
    assert.deepEqual(isoList(r('30 4 1 jan,jul *', '2026-01-01T00:00Z', '2027-01-01T00:00Z')), ['2026-01-01T04:30:00', '2026-07-01T04:30:00']);
    assert.equal(r('0 9-17/2 * * *', '2026-11-29T00:00Z', '2026-11-30T00:00Z').length, 5);
    // both restricted: the 13th OR a Friday (November 2026: 13th is a Friday; Fridays 6,13,20,27)
    assert.equal(r('0 0 13 * 5', '2026-11-01T00:00Z', '2026-12-01T00:00Z').length, 4);
    assert.equal(r('0 0 1 * 1', '2026-11-01T00:00Z', '2026-12-01T00:00Z').length, 6); // Mondays 2,9,16,23,30 and the 1st
    // a * first in either field: both must hold (Fridays on odd days: 13, 27)
    assert.deepEqual(isoList(r('0 0 */2 * 5', '2026-11-01T00:00Z', '2026-12-01T00:00Z')).map((s) => s.slice(8, 10)), ['13', '27']);
    const sh = (s: string) => calendarRuns(parseCronTimes([s], null), U('2026-01-01T00:00Z'), U('2027-01-01T00:00Z')).length;
    assert.deepEqual(['@hourly', '@daily', '@midnight', '@weekly', '@monthly', '@yearly', '@annually'].map(sh), [8760, 365, 365, 52, 12, 1, 1]);
    assert.throws(() => parseCronTimes(['@reboot'], null), ScheduleError);
    assert.throws(() => parseCronTimes('61 * * * *'.split(' '), null), /minute "61"/);
    assert.throws(() => parseCronTimes('* * * *'.split(' '), null), /5 fields/);
  });
});

test('crontab files: system ones with a user, spool ones without, CRON_TZ, env lines, comments, @reboot, %', () => {
  const sys = parseCrontab(['# comment', 'SHELL=/bin/sh', 'MAILTO=""', '17 *\t* * *\troot\tcd / && run-parts --report /etc/cron.hourly', '@daily  backup  /usr/bin/backup --quick', '@reboot root /bin/true', 'CRON_TZ=Asia/Tokyo', '0 3 * * * root echo a%b', 'junk line here', '99 * * * * root x'].join('\n'), true);
  assert.deepEqual(sys.entries.map((e) => [e.schedule, e.user, e.command]), [
    ['17 * * * *', 'root', 'cd / && run-parts --report /etc/cron.hourly'],
    ['@daily', 'backup', '/usr/bin/backup --quick'],
    ['0 3 * * *', 'root', 'echo a'],
  ]);
  assert.equal(sys.entries[2]!.calendar.tz, 'Asia/Tokyo');
  assert.equal(sys.entries[0]!.calendar.tz, null);
  assert.equal(sys.env.MAILTO, '');
  assert.equal(sys.notes.length, 2, sys.notes.join('; '));
  const user = parseCrontab('TZ=UTC\n5 4 * * 1 /home/u/bin/weekly --now\n', false);
  assert.deepEqual(user.entries.map((e) => [e.user, e.command, e.calendar.tz]), [[null, '/home/u/bin/weekly --now', 'UTC']]);
});

test('anacrontab: periods, @monthly, delays, START_HOURS_RANGE, RANDOM_DELAY (Debian 12 file and a custom one)', () => {
  const deb = parseAnacrontab(fs.readFileSync(path.join(FIX, 'etc', 'anacrontab'), 'utf8'));
  assert.deepEqual(deb.entries.map((e) => [e.periodDays, e.delayMin, e.id, e.command]), [
    [1, 5, 'cron.daily', 'run-parts --report /etc/cron.daily'],
    [7, 10, 'cron.weekly', 'run-parts --report /etc/cron.weekly'],
    [30, 15, 'cron.monthly', 'run-parts --report /etc/cron.monthly'],
  ]);
  assert.deepEqual(deb.notes, []);
  const c = parseAnacrontab('START_HOURS_RANGE=3-22\nRANDOM_DELAY=45\n@weekly 20 backup.weekly /usr/bin/backup\n2 x bad\n');
  assert.deepEqual(c.startHours, [3, 22]);
  assert.equal(c.randomDelayMin, 45);
  assert.equal(c.entries[0]!.periodDays, 7);
  assert.equal(c.notes.length, 1);
});

test('unit files: drop-ins in order, an empty OnCalendar= resets, monotonic-only timers are not calendar jobs', () => {
  const base = parseUnit('[Timer]\nOnCalendar=Sat 03:00\nOnCalendar=Wed 03:00\nRandomizedDelaySec=1h\n');
  const d1 = parseUnit('[Timer]\nOnCalendar=\nOnCalendar=Sun 02:00\n');
  const d2 = parseUnit('[Timer]\nOnCalendar=Thu 01:00\nAccuracySec=1s\n');
  const t = timerInfo(mergeUnits([base, d1, d2]));
  assert.deepEqual(t.specs, ['Sun 02:00', 'Thu 01:00']);
  assert.equal(t.delayMs, HOUR + 1000);
  const mono = timerInfo(parseUnit('[Timer]\nOnBootSec=15min\nOnUnitActiveSec=1d\n'));
  assert.equal(mono.monotonicOnly, true);
  const cont = parseUnit('[Timer]\nOnCalendar=Mon \\\n  10:00\n');
  assert.deepEqual(timerInfo(cont).specs, ['Mon 10:00']);
  assert.match(timerInfo(parseUnit('[Timer]\nOnCalendar=Mon 99:00\n')).notes[0]!, /hour "99"/);
});

// ---- time zones and DST -----------------------------------------------------------------------

test('runs in the local zone (TZ) across DST changes: each wall time once, skipped ones just after the change', () => {
  const cases: Array<[string, string, string]> = [
    // zone, spring day, autumn day
    ['Europe/Berlin', '2026-03-29', '2026-10-25'],
    ['America/New_York', '2026-03-08', '2026-11-01'],
    ['Australia/Lord_Howe', '2026-10-04', '2026-04-05'], // a 30-minute DST shift
  ];
  for (const [tz, spring, autumn] of cases) {
    inTZ(tz, () => {
      const daily = job([parseCronTimes('30 2 * * *'.split(' '), null)]);
      for (const d of [spring, autumn]) {
        const runs = runsBetween(daily, U(`${d}T00:00Z`) - DAY, U(`${d}T00:00Z`) + 2 * DAY);
        const walls = runs.map((t) => wallIn(tz, t));
        const onDay = walls.filter((w) => w.includes(d));
        assert.equal(onDay.length, 1, `${tz} ${d}: ${walls.join(', ')}`);
        // 02:30 exists: then at 02:30; in a skipped hour: after it, before 03:31
        assert.match(onDay[0]!, /0[23]:[03]0:00$/, `${tz} ${d}: ${onDay[0]}`);
        // the days around keep their 02:30
        assert.ok(walls.filter((w) => !w.includes(d)).every((w) => w.endsWith('02:30:00')), walls.join(', '));
        // the same instants through the zone named explicitly (Intl) from another process zone
        const named = inTZ(tz === 'UTC' ? 'Asia/Tokyo' : 'UTC', () => runsBetween(job([parseCronTimes('30 2 * * *'.split(' '), tz)]), U(`${d}T00:00Z`) - DAY, U(`${d}T00:00Z`) + 2 * DAY));
        assert.deepEqual(named, runs, `${tz} ${d}: Date and Intl disagree`);
      }
      // a year of hourly runs: a gap day has one fewer hour, an overlap day no repeat
      const hourly = job([parseCalendarEvent('hourly')]);
      const yr = runsBetween(hourly, U('2026-01-01T00:00Z'), U('2027-01-01T00:00Z'));
      assert.equal(new Set(yr).size, yr.length);
      assert.ok(yr.every((t, k) => k === 0 || t - yr[k - 1]! >= 30 * MIN), `${tz}: two runs closer than 30 min`);
      // Sundays 02:00 local, as an explicit zone from UTC and as TZ
      const sun = runsBetween(job([parseCalendarEvent('Sun 02:00')]), U('2026-01-01T00:00Z'), U('2027-01-01T00:00Z'));
      const sunNamed = inTZ('UTC', () => runsBetween(job([parseCalendarEvent(`Sun 02:00 ${tz}`)]), U('2026-01-01T00:00Z'), U('2027-01-01T00:00Z')));
      assert.deepEqual(sunNamed, sun, tz);
      assert.equal(sun.length, 52);
      assert.ok(sun.every((t) => wallIn(tz, t).startsWith('Sun')), tz);
    });
  }
});

test('a job\'s own zone is honoured whatever the host\'s (CRON_TZ, OnCalendar=... Europe/Berlin)', () => {
  for (const host of ZONES) {
    inTZ(host, () => {
      const ny = runsBetween(job([parseCronTimes('15 3 * * 1-5'.split(' '), 'America/New_York')]), U('2026-11-01T00:00Z'), U('2026-12-01T00:00Z'));
      assert.equal(ny.length, 21);
      assert.ok(ny.every((t) => / 03:15:00$/.test(wallIn('America/New_York', t))), host);
      const be = runsBetween(job([parseCalendarEvent('daily Europe/Berlin')]), U('2026-03-27T00:00Z'), U('2026-03-31T00:00Z'));
      assert.deepEqual(isoList(be), ['2026-03-27T23:00:00', '2026-03-28T23:00:00', '2026-03-29T22:00:00', '2026-03-30T22:00:00'], host);
      const utc = runsBetween(job([parseCalendarEvent('*-*-* 06:00 UTC')]), U('2026-03-28T00:00Z'), U('2026-03-30T00:00Z'));
      assert.deepEqual(isoList(utc), ['2026-03-28T06:00:00', '2026-03-29T06:00:00']);
    });
  }
});

test('nextRun: the first run after a moment, far ahead too, with an offset', () => {
  inTZ('UTC', () => {
    assert.equal(nextRun(job([parseCalendarEvent('*-02-29 00:00')]), U('2026-03-01T00:00Z'), 1000 * DAY), U('2028-02-29T00:00Z'));
    assert.equal(nextRun(job([parseCalendarEvent('*-02-29 00:00')]), U('2026-03-01T00:00Z')), null);
    assert.equal(nextRun(job([parseCalendarEvent('daily')], { offsetMs: 5 * MIN }), U('2026-03-01T00:04Z')), U('2026-03-01T00:05Z'));
  });
});

// ---- gather -----------------------------------------------------------------------------------

function byName(jobs: Job[]): Map<string, Job> {
  return new Map(jobs.map((j) => [j.name, j]));
}

test('gather: the Debian 12 fixture (real unit files and crontabs) and the custom jobs', () => {
  const g = gatherJobs(FIX);
  const m = byName(g.jobs);
  // every real Debian timer with a calendar parsed, each once (/lib is a link to usr/lib)
  for (const t of ['apt-daily.timer', 'apt-daily-upgrade.timer', 'dpkg-db-backup.timer', 'e2scrub_all.timer', 'man-db.timer', 'logrotate.timer']) {
    assert.ok(m.has(t), `${t} missing: ${[...m.keys()].join(', ')}`);
    assert.equal(m.get(t)!.enabled, true, t);
  }
  assert.equal(g.jobs.filter((j) => j.name === 'logrotate.timer').length, 1);
  assert.equal(m.get('logrotate.timer')!.runs, 'logrotate.service: /usr/sbin/logrotate /etc/logrotate.conf');
  assert.equal(m.get('logrotate.timer')!.delayMs, HOUR); // AccuracySec=1h
  assert.equal(m.get('man-db.timer')!.delayMs, 12 * HOUR + MIN);
  assert.equal(m.get('apt-daily.timer')!.schedule, 'OnCalendar=*-*-* 6,18:00');
  // masked (-> /dev/null), monotonic-only, template: not jobs
  assert.ok(!m.has('fstrim.timer'));
  assert.ok(!m.has('systemd-tmpfiles-clean.timer'));
  assert.ok(![...m.keys()].some((k) => k.includes('@')));
  // the drop-ins: the unit's Saturday dropped, Sunday 02:00, RandomizedDelaySec=60 + AccuracySec=1s
  const b = m.get('backup-weekly.timer')!;
  assert.equal(b.schedule, 'OnCalendar=Sun *-*-* 02:00:00');
  assert.equal(b.delayMs, 61_000);
  assert.equal(b.runs, 'backup-weekly.service: /usr/local/bin/backup --full /srv /backup');
  assert.equal(m.get('month-end.timer')!.runs, 'ledger-export.service: /usr/local/bin/ledger export --month');
  // cron: a run of run-parts is one job named by its scripts, at /etc/crontab's times (names run-parts would skip skipped),
  // or by its line when the directory has none; from the crontab
  const daily = m.get('cron.daily: apt-compat, dpkg, logrotate, man-db, sysstat')!;
  assert.equal(daily.schedule, '25 6 * * * (run-parts /etc/cron.daily, /etc/crontab)');
  assert.equal(daily.source, '/etc/crontab');
  assert.ok(!/exim4|placeholder/.test(daily.runs!), daily.runs!);
  assert.equal(m.get('cron.weekly: man-db')!.schedule, '47 6 * * 7 (run-parts /etc/cron.weekly, /etc/crontab)');
  assert.equal(m.get('cron.weekly: man-db')!.runs, '/etc/cron.weekly/man-db');
  assert.equal(m.get('cron.monthly (/etc/crontab:21)')!.source, '/etc/crontab');
  assert.ok(![...m.keys()].some((k) => /^\/etc\/crontab|cron\.daily\//.test(k)), [...m.keys()].join(', '));
  assert.equal(m.get('/etc/cron.d/dbdump')!.runs, 'pg_dumpall > /var/backups/db/all-$(date +\\%a).sql');
  assert.ok(m.has('/etc/cron.d/monthly-report') && m.has('/etc/cron.d/e2scrub_all:1') && m.has('/etc/cron.d/e2scrub_all:2'));
  assert.ok(![...m.keys()].some((k) => /dpkg-old|~|outside/.test(k)), [...m.keys()].join(', '));
  const alice = m.get('/var/spool/cron/crontabs/alice')!;
  assert.equal(alice.calendars[0]!.tz, 'America/New_York');
  // the links out of the root were resolved inside it (and not found), nothing else noted
  assert.deepEqual(g.notes.sort(), [
    '/etc/cron.d/outside-abs: not found inside the root (a dangling link, or one out of it), skipped',
    '/etc/cron.d/outside-rel: not found inside the root (a dangling link, or one out of it), skipped',
  ]);
  assert.ok(g.jobs.every((j) => j.calendars.length > 0));
});

test('resolveInRoot: links followed as if the root were /, never out of it', () => {
  const root = path.join(tmp, 'resolve');
  fs.mkdirSync(path.join(root, 'usr', 'lib'), { recursive: true });
  fs.symlinkSync('usr/lib', path.join(root, 'lib'));
  fs.symlinkSync('/usr/lib', path.join(root, 'abs'));
  fs.symlinkSync('../../../../..', path.join(root, 'up'));
  fs.symlinkSync('loop2', path.join(root, 'loop1'));
  fs.symlinkSync('loop1', path.join(root, 'loop2'));
  assert.equal(resolveInRoot(root, 'lib'), 'usr/lib');
  assert.equal(resolveInRoot(root, 'abs'), 'usr/lib');
  assert.equal(resolveInRoot(root, 'up/usr/lib'), 'usr/lib');
  assert.equal(resolveInRoot(root, 'loop1'), null);
  assert.equal(resolveInRoot(root, 'nothing/here'), null);
});

test('gather on hostile files: a FIFO, a huge file, link loops, a link out of the root, a drop-in dir out of it: skipped, never blocked or crashed', () => {
  const root = path.join(tmp, 'hostile');
  fs.cpSync(FIX, root, { recursive: true, verbatimSymlinks: true });
  const outside = path.join(tmp, 'outside');
  fs.mkdirSync(path.join(outside, 'x.timer.d'), { recursive: true });
  fs.writeFileSync(path.join(outside, 'secret'), '0 0 * * * root /leak\n');
  fs.writeFileSync(path.join(outside, 'x.timer.d', 'o.conf'), '[Timer]\nOnCalendar=\nOnCalendar=Mon 05:00\n');
  const S = path.join(root, 'etc', 'systemd', 'system');
  const D = path.join(root, 'etc', 'cron.d');
  assert.equal(spawnSync('mkfifo', [path.join(D, 'fifo'), path.join(S, 'fifo.timer'), path.join(root, 'etc', 'cron.daily', 'fifo')]).status, 0);
  fs.symlinkSync(path.join(outside, 'secret'), path.join(D, 'abs-out'));
  fs.symlinkSync(path.join(outside, 'x.timer.d'), path.join(S, 'backup-weekly.timer.d2'));
  fs.symlinkSync(path.join(outside, 'x.timer.d'), path.join(S, 'month-end.timer.d'));
  fs.symlinkSync('loopy', path.join(D, 'loopy'));
  // 2 MiB of crontab lines: only the first 256 KiB are read
  fs.writeFileSync(path.join(D, 'huge'), '0 0 * * * root /bin/true\n'.repeat(90_000));
  fs.writeFileSync(path.join(S, 'garbage.timer'), Buffer.from([0xff, 0xfe, 0x00, 0x1b, 0x5b, 0x32, 0x4a, 0x0a]));
  fs.writeFileSync(path.join(S, 'bad.timer'), '[Timer]\nOnCalendar=Mon 77:00\nOnCalendar=Sun 01:00\n');
  // run in a child with a deadline: a FIFO opened for reading without O_NONBLOCK would hang it
  const script = `import { gatherJobs } from ${JSON.stringify(path.join(REPO, 'src', 'jobs', 'gather.ts'))};
    const g = gatherJobs(${JSON.stringify(root)});
    console.log(JSON.stringify({ names: g.jobs.map((j) => j.name), notes: g.notes, me: g.jobs.find((j) => j.name === 'month-end.timer')?.schedule, bad: g.jobs.find((j) => j.name === 'bad.timer')?.schedule }));`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: REPO, timeout: 60_000, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const o = JSON.parse(r.stdout) as { names: string[]; notes: string[]; me: string; bad: string };
  assert.ok(o.notes.some((n) => /\/etc\/cron\.d\/fifo: a FIFO, not read, skipped/.test(n)), o.notes.join('\n'));
  assert.ok(o.notes.some((n) => /fifo\.timer: a FIFO/.test(n)), o.notes.join('\n'));
  assert.ok(o.notes.some((n) => /abs-out: not found inside the root/.test(n)));
  assert.ok(o.notes.some((n) => /loopy: not found inside the root/.test(n)));
  assert.ok(o.notes.some((n) => /bad\.timer: OnCalendar=Mon 77:00: hour "77"/.test(n)), o.notes.join('\n'));
  assert.equal(o.bad, 'OnCalendar=Sun 01:00');
  assert.ok(!o.names.some((n) => /leak|abs-out|fifo|garbage/.test(n)), o.names.join(', '));
  // the drop-in directory linked out of the root is not read: the unit's own schedule stays
  assert.equal(o.me, 'OnCalendar=*-*~01 22:30');
  // the huge file: cut, its first lines read (256 KiB / 26 bytes a line)
  const huge = o.names.filter((n) => n.startsWith('/etc/cron.d/huge:')).length;
  assert.ok(huge > 9000 && huge < 11_000, `${huge} lines of the huge crontab`);
});

test('gather with anacron installed: cron.daily scripts run by anacron after anacron.timer, not at 06:25', () => {
  const root = path.join(tmp, 'anacron');
  fs.cpSync(FIX, root, { recursive: true, verbatimSymlinks: true });
  fs.mkdirSync(path.join(root, 'usr', 'sbin'), { recursive: true });
  fs.writeFileSync(path.join(root, 'usr', 'sbin', 'anacron'), '#!/bin/sh\n', { mode: 0o755 });
  // Debian's anacron.timer (from the anacron package)
  fs.writeFileSync(path.join(root, 'usr', 'lib', 'systemd', 'system', 'anacron.timer'), '[Unit]\nDescription=Trigger anacron every hour\n\n[Timer]\nOnCalendar=*-*-* 07..23:30\nRandomizedDelaySec=5m\nPersistent=true\n\n[Install]\nWantedBy=timers.target\n');
  const m = byName(gatherJobs(root).jobs);
  const lr = m.get('cron.daily: apt-compat, dpkg, logrotate, man-db, sysstat')!;
  assert.equal(lr.kind, 'anacron');
  assert.equal(lr.offsetMs, 5 * MIN);
  assert.equal(lr.everyDays, 1);
  assert.match(lr.schedule, /^anacron 1 5 cron\.daily \(after anacron\.timer/);
  assert.equal(lr.source, '/etc/anacrontab');
  assert.equal(m.get('cron.weekly: man-db')!.everyDays, 7);
  // cron.monthly has no scripts: named by its anacrontab line
  assert.equal(m.get('cron.monthly (/etc/anacrontab:13)')!.kind, 'anacron');
  inTZ('UTC', () => {
    // anacron's first start of the day (07:30) + 5 min: once a day
    const runs = runsBetween(lr, U('2026-11-29T00:00Z'), U('2026-12-01T00:00Z'));
    assert.deepEqual(isoList(runs), ['2026-11-29T07:35:00', '2026-11-30T07:35:00']);
    // a weekly peak at 07:40 on Tuesdays is cron.weekly's (anacron's weekly run, 10 min after its start)
    const tue = peakOf('weekly', [3, 10, 17, 24].map((d) => U(`2026-11-${String(d).padStart(2, '0')}T07:48Z`)), HOUR);
    const jobs = gatherJobs(root).jobs;
    assert.equal(matchJob(tue, jobs, { sampleMs: 15 * MIN })?.name, 'cron.weekly: man-db');
    assert.equal(matchJob(tue, jobs, { sampleMs: 15 * MIN })?.source, '/etc/anacrontab');
    assert.equal(matchJob(tue, jobs, { sampleMs: 15 * MIN })?.kind, 'anacron');
  });
});

test('gather on a root that is not there or empty: no jobs, no crash', () => {
  assert.deepEqual(gatherJobs(path.join(tmp, 'nope')).jobs, []);
  fs.mkdirSync(path.join(tmp, 'empty'));
  assert.deepEqual(gatherJobs(path.join(tmp, 'empty')), { jobs: [], notes: [] });
});

// ---- match ------------------------------------------------------------------------------------

/** onsets at local wall times (the process TZ), `lag` after them (a sample later) */
function localOnsets(days: Array<[number, number, number]>, h: number, mi: number, lagMs: number): number[] {
  return days.map(([y, mo, d]) => new Date(y, mo - 1, d, h, mi).getTime() + lagMs);
}
function peakOf(recurrence: PeakPattern['recurrence'], onsets: number[], durationMs: number, extra: Partial<PeakPattern> = {}): PeakPattern {
  const period = recurrence === 'daily' ? DAY : recurrence === 'weekly' ? 7 * DAY : null;
  return { recurrence, periodMs: period, onsets, durationMs, height: 30 * GIB, growthPerOccurrence: 0, nextAt: onsets.at(-1)! + (period ?? 30 * DAY), nextHeight: 30 * GIB, ...extra };
}
const sundays: Array<[number, number, number]> = [[2026, 10, 18], [2026, 10, 25], [2026, 11, 1], [2026, 11, 8], [2026, 11, 15], [2026, 11, 22], [2026, 11, 29]];
const days = (n: number): Array<[number, number, number]> => Array.from({ length: n }, (_, k) => [2026, 10, 20 + k] as [number, number, number]);

test('match: the weekly, daily, monthly and month-end peaks find their jobs in every zone; a peak at no job\'s time finds none', () => {
  for (const tz of ZONES) {
    inTZ(tz, () => {
      const jobs = gatherJobs(FIX).jobs;
      const weekly = peakOf('weekly', localOnsets(sundays, 2, 0, 12 * MIN), 3 * HOUR + 40 * MIN);
      const w = matchJob(weekly, jobs, { sampleMs: 15 * MIN, now: U('2026-11-30T12:00Z') });
      assert.equal(w?.name, 'backup-weekly.timer', tz);
      assert.equal(w!.agreement, 1);
      assert.equal(w!.kind, 'systemd-timer');
      assert.match(wallIn(tz, w!.nextRun!), /^Sun 2026-12-06 02:00:00$/, tz);
      // the daily jobs at midnight (logrotate, man-db with its 12 h delay) explain the Sundays too, but most of their runs have no peak
      const fits = rankJobs(weekly, jobs, { sampleMs: 15 * MIN });
      assert.ok(!fits.some((f) => /logrotate|man-db|apt-daily/.test(f.job.name)), fits.map((f) => f.job.name).join(', '));
      assert.ok(fitJob(weekly, jobs.find((j) => j.name === 'man-db.timer')!, { sampleMs: 15 * MIN })!.precision < 0.2);
      // the daily dump at 01:30 beats man-db.timer (midnight + up to 12 h) by its closer start
      const daily = peakOf('daily', localOnsets(days(21), 1, 30, 9 * MIN), 40 * MIN);
      assert.equal(matchJob(daily, jobs, { sampleMs: 15 * MIN })?.name, '/etc/cron.d/dbdump', tz);
      const monthly = peakOf('monthly-day', localOnsets([[2026, 7, 1], [2026, 8, 1], [2026, 9, 1], [2026, 10, 1], [2026, 11, 1]], 4, 0, 14 * MIN), 2 * HOUR, { dayOfMonth: 1 });
      assert.equal(matchJob(monthly, jobs, { sampleMs: 15 * MIN })?.name, '/etc/cron.d/monthly-report', tz);
      const last = peakOf('monthly-last', localOnsets([[2026, 6, 30], [2026, 7, 31], [2026, 8, 31], [2026, 9, 30], [2026, 10, 31]], 22, 30, 5 * MIN), 50 * MIN);
      assert.equal(matchJob(last, jobs, { sampleMs: 15 * MIN })?.name, 'month-end.timer', tz);
      // alice's sync at 03:15 New York time, weekdays only
      const nyDays = [16, 17, 18, 19, 20, 23, 24, 25, 26, 27].map((d) => inTZ('America/New_York', () => new Date(2026, 10, d, 3, 15).getTime() + 10 * MIN));
      assert.equal(matchJob(peakOf('period', nyDays, 30 * MIN, { periodMs: DAY }), jobs, { sampleMs: 15 * MIN })?.name, '/var/spool/cron/crontabs/alice', tz);
      // Wednesdays 13:00: nothing runs then
      const wed = peakOf('weekly', localOnsets([[2026, 11, 4], [2026, 11, 11], [2026, 11, 18], [2026, 11, 25]], 13, 0, 10 * MIN), 2 * HOUR);
      assert.equal(matchJob(wed, jobs, { sampleMs: 15 * MIN }), null, tz);
      // onsets two hours after the run are not its peaks
      assert.equal(matchJob(peakOf('weekly', localOnsets(sundays, 4, 0, 0), 2 * HOUR), [jobs.find((j) => j.name === 'backup-weekly.timer')!], { sampleMs: 15 * MIN }), null);
    });
  }
});

test('match: an hourly job cannot explain a 5 h weekly peak; a job that misses most onsets does not match', () => {
  inTZ('Europe/Berlin', () => {
    const hourly = job([parseCronTimes('0 * * * *'.split(' '), null)], { name: 'hourly' });
    const peak = peakOf('weekly', localOnsets(sundays, 2, 0, 5 * MIN), 5 * HOUR);
    assert.equal(matchJob(peak, [hourly]), null);
    // a job only on the first two of seven Sundays: recall 2/7
    const early = job([parseCalendarEvent('Sun 2026-10-18,25 02:00')], { name: 'early' });
    assert.equal(fitJob(peak, early)!.recall, 2 / 7);
    assert.equal(matchJob(peak, [early]), null);
    // no onsets at all: nothing to match
    assert.equal(matchJob({ ...peak, onsets: [] }, [hourly, early]), null);
  });
});

// ---- words ------------------------------------------------------------------------------------

function forecastWith(r: RiskyMoment): Forecast {
  return { status: 'ok', notes: [], fillsAt: null, earliest: null, latest: null, pattern: 'periodic-peaks', growthBytesPerDay: 0.1 * GIB, nextRisk: r, backtestError: null, asOf: U('2026-11-30T12:00Z'), samplesUsed: 3000, regimeStart: U('2026-10-15T00:00Z'), sizeBytes: 100 * GIB, usedBytes: 62 * GIB };
}

test('words: the peak and its job in local time, the next run\'s need and free space, wrapped to 80 columns; check names the job', () => {
  for (const [tz, off] of [['Europe/Berlin', '+01:00'], ['America/New_York', '-05:00']] as const) {
    inTZ(tz, () => {
      const onsets = localOnsets(sundays, 2, 0, 0);
      const next = new Date(2026, 11, 6, 2, 0).getTime();
      const peak = peakOf('weekly', onsets, 3 * HOUR + 40 * MIN, { height: 38 * GIB, growthPerOccurrence: 1.2 * GIB, nextAt: next, nextHeight: 41 * GIB });
      const job = matchJob(peak, gatherJobs(FIX).jobs, { now: U('2026-11-30T12:00Z') });
      const r: RiskyMoment = { at: next, expectedUsed: 67 * GIB + 41 * GIB, fits: false, what: 'weekly peak (model words), +41 GiB transient', peak, job };
      const f = forecastWith(r);
      const parts = peakParts(r, f)!;
      assert.deepEqual(parts, ['peak every Sun 02:00-05:40, +38 GiB, grows 1.2 GiB a week', 'starts with backup-weekly.timer (Sun 02:00)', 'the run on 2026-12-06 needs 41 GiB, 33 GiB free: will fail']);
      const text = forecastText({ mount: '/srv', source: 'history', from: 'h.csv', forecast: f, now: f.asOf });
      // the Peak row and its continuation lines fit 80 columns (the other rows are not this file's)
      const L = text.split('\n');
      const from = L.findIndex((l) => l.startsWith('  Peak '));
      let to = from + 1;
      while (L[to]?.startsWith('               ')) to++;
      assert.ok(from > 0 && to - from >= 2 && L.slice(from, to).every((l) => l.length <= 80), text);
      assert.match(text.replace(/\n\s+/g, ' '), /Peak +peak every Sun 02:00-05:40, \+38 GiB, grows 1\.2 GiB a week; starts with backup-weekly\.timer \(Sun 02:00\); the run on 2026-12-06 needs 41 GiB, 33 GiB free: will fail/);
      assert.match(text, new RegExp(`Next risk +2026-12-06 02:00 \\${off}`));
      const c = checkAll([{ mount: '/srv', source: 'history', from: 'h.csv', forecast: f, now: f.asOf }], { warnMs: 14 * DAY, critMs: 3 * DAY });
      assert.match(c.line, /weekly peak \(Sun 02:00, backup-weekly\.timer\) needing 41 GiB, 33 GiB free, will not fit in 5 days/);
      assert.equal(jobTag({ ...r, job: null }), '');
      // JSON: ISO times throughout
      const j = riskJson(r) as any;
      assert.equal(j.job.nextRun, '2026-12-06T01:00:00.000Z'.replace('01:00', tz === 'Europe/Berlin' ? '01:00' : '07:00'));
      assert.equal(j.peak.onsets[0], new Date(onsets[0]!).toISOString());
      assert.equal(j.at, new Date(next).toISOString());
      // the other recurrences
      const d = (rec: PeakPattern['recurrence'], at: number[], extra: Partial<PeakPattern> = {}) => peakParts({ ...r, job: undefined, peak: peakOf(rec, at, 40 * MIN, extra) }, f)![0];
      assert.match(d('daily', localOnsets(days(3), 0, 0, 0)), /^peak every day 00:00-00:40, \+30 GiB$/);
      assert.match(d('monthly-day', localOnsets([[2026, 10, 1], [2026, 11, 1]], 4, 0, 0)), /^peak on the 1st of each month 04:00-04:40/);
      assert.match(d('monthly-last', localOnsets([[2026, 9, 30], [2026, 10, 31]], 22, 30, 0)), /^peak on the last day of each month 22:30-23:10/);
      assert.equal(peakParts({ ...r, job: null }, f)![1], 'no timer or cron job on this host starts at that time');
    });
  }
  assert.deepEqual(wrap('aaa bbb ccc', 7), ['aaa bbb', 'ccc']);
});

test('words: a job name from a hostile file is escaped', () => {
  inTZ('UTC', () => {
    const peak = peakOf('daily', localOnsets(days(3), 1, 0, 0), HOUR);
    const r: RiskyMoment = { at: peak.nextAt, expectedUsed: 50 * GIB, fits: true, what: 'x', peak, job: { name: 'evil\u001b[2J.timer', kind: 'systemd-timer', schedule: 'OnCalendar=daily', source: '/etc/systemd/system/evil\u001b[2J.timer', runs: null, nextRun: null, agreement: 1 } };
    const parts = peakParts(r, forecastWith(r))!;
    assert.ok(!parts.join('').includes('\u001b'), parts.join('; '));
  });
});
