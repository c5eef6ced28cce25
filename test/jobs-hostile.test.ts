/**
 * The jobs reader against a hostile root (all in temp dirs): a FIFO a writer waits on must not be
 * opened, a copied /etc with millions of crontab lines must not exhaust memory, a timer's delay of
 * centuries must not make the matcher walk them, and the next run of a job that fires several times
 * an hour must be the next one, not the next hour's first.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { nextRun, parseCalendarEvent, parseCronTimes } from '../src/jobs/schedule.js';
import { MAX_DELAY_MS, parseUnit, timerInfo } from '../src/jobs/parse.js';
import { gatherJobs, MAX_JOBS } from '../src/jobs/gather.js';
import { fitJob } from '../src/jobs/match.js';
import { makeTmp, rmrf } from './helpers/fs.js';
import { REPO } from './helpers/run.js';

const tmp = makeTmp('jobshostile');
test.after(() => rmrf(tmp));
const DAY = 86_400_000;

test('nextRun: the next of several runs an hour, in the same hour (not the next hour\'s first)', () => {
  const c = parseCalendarEvent('*-*-* 01,02:00,30 UTC');
  const after = Date.UTC(2026, 0, 1, 2, 10);
  assert.equal(new Date(nextRun({ calendars: [c], offsetMs: 0 }, after)!).toISOString(), '2026-01-01T02:30:00.000Z');
  const every = parseCalendarEvent('*:*:0/20 UTC');
  assert.equal(new Date(nextRun({ calendars: [every], offsetMs: 0 }, Date.UTC(2026, 0, 1, 5, 7, 1))!).toISOString(), '2026-01-01T05:07:20.000Z');
  const cron = parseCronTimes(['*/20', '1-3', '*', '*', '*'], 'UTC');
  assert.equal(new Date(nextRun({ calendars: [cron], offsetMs: 0 }, Date.UTC(2026, 0, 1, 2, 41))!).toISOString(), '2026-01-01T03:00:00.000Z');
  assert.equal(new Date(nextRun({ calendars: [cron], offsetMs: 0 }, Date.UTC(2026, 0, 1, 3, 1))!).toISOString(), '2026-01-01T03:20:00.000Z');
});

test('a FIFO in /etc/cron.d is never opened: a writer waiting on it stays blocked', async () => {
  const root = path.join(tmp, 'fifo');
  fs.mkdirSync(path.join(root, 'etc', 'cron.d'), { recursive: true });
  const fifo = path.join(root, 'etc', 'cron.d', 'waiting');
  const mk = spawn('mkfifo', [fifo]);
  await new Promise((res) => mk.on('exit', res));
  assert.ok(fs.lstatSync(fifo).isFIFO());
  // the writer's open blocks until a reader opens the FIFO
  const writer = spawn('sh', ['-c', `printf '0 1 * * * root x\\n' > "$1"`, 'sh', fifo], { stdio: 'ignore' });
  let exited = false;
  writer.on('exit', () => (exited = true));
  try {
    await new Promise((res) => setTimeout(res, 300));
    const g = gatherJobs(root);
    assert.ok(g.notes.some((n) => n.includes('/etc/cron.d/waiting') && /FIFO/.test(n)), g.notes.join('\n'));
    assert.equal(g.jobs.length, 0);
    // had gatherJobs opened it, the writer would have been let through and exited
    await new Promise((res) => setTimeout(res, 1000));
    assert.equal(exited, false, 'the waiting writer was released: the FIFO was opened');
  } finally {
    writer.kill('SIGKILL');
    await new Promise((res) => (exited ? res(null) : writer.on('exit', res)));
  }
});

test(`crontabs with ${5 * 10_000} lines give at most ${MAX_JOBS} jobs and say so`, () => {
  const root = path.join(tmp, 'many');
  const d = path.join(root, 'etc', 'cron.d');
  fs.mkdirSync(d, { recursive: true });
  const lines: string[] = [];
  for (let i = 0; i < 10_000; i++) lines.push(`${i % 60} ${Math.floor(i / 60) % 24} * * * root job${i}`);
  for (let f = 0; f < 5; f++) fs.writeFileSync(path.join(d, `tab${f}`), lines.join('\n') + '\n');
  const g = gatherJobs(root);
  assert.equal(g.jobs.length, MAX_JOBS);
  assert.ok(g.notes.some((n) => /more than \d+ jobs/.test(n)), g.notes.slice(0, 5).join('\n'));
  // the first ones kept, in order
  assert.equal(g.jobs[0]!.name, '/etc/cron.d/tab0:1');
});

test('a RandomizedDelaySec= of centuries is taken as a week (the matcher does not walk the centuries)', () => {
  const t = timerInfo(parseUnit('[Timer]\nOnCalendar=2199-01-01\nRandomizedDelaySec=240000y\nAccuracySec=' + '9'.repeat(400) + '\n'));
  assert.equal(t.delayMs, 2 * MAX_DELAY_MS);
  assert.equal(t.notes.filter((n) => /taken as a week/.test(n)).length, 2, t.notes.join('\n'));
  const now = Date.UTC(2026, 10, 29);
  const onsets = [3, 2, 1, 0].map((k) => now - k * 7 * DAY);
  const peak = { recurrence: 'weekly', onsets, periodMs: 7 * DAY, durationMs: 3_600_000, height: 1, growthPerOccurrence: 0, nextHeight: 1 } as never;
  const job = { name: 'x.timer', kind: 'systemd-timer' as const, schedule: '', source: '', runs: null, calendars: t.calendars, delayMs: t.delayMs, offsetMs: 0, everyDays: 1, enabled: true };
  // a calendar that never fires in the range: the walk over the range is all the work
  assert.equal(fitJob(peak, job), null);
});

test('OnCalendar=*-*~<30 digits>/1 is a bad day (it looped for ever), in a child with a deadline', () => {
  const script = `import { parseCalendarEvent, ScheduleError } from ${JSON.stringify(path.join(REPO, 'src', 'jobs', 'schedule.ts'))};
    try { parseCalendarEvent('*-*~${'9'.repeat(30)}/1'); console.log('parsed'); } catch (e) { console.log(e instanceof ScheduleError ? 'ScheduleError: ' + e.message : 'other'); }
    console.log(parseCalendarEvent('*-*~07/2').lastDays.flatMap((on, k) => (on ? [k] : [])).join(','));`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: REPO, timeout: 60_000, encoding: 'utf8', killSignal: 'SIGKILL' });
  assert.equal(r.signal, null, 'parseCalendarEvent did not return (killed at the deadline)');
  const [first, second] = r.stdout.trim().split('\n');
  assert.match(first!, /^ScheduleError: day "9+" is not a number from 1 to 31$/);
  assert.equal(second, '1,3,5,7');
});

test('a crontab line of 25,000 "run-parts" is read in a bounded time (the search was quadratic: seconds a line)', () => {
  const script = `import { runPartsDir } from ${JSON.stringify(path.join(REPO, 'src', 'jobs', 'parse.ts'))};
    for (let i = 0; i < 20; i++) runPartsDir('run-parts '.repeat(25_000));
    console.log(runPartsDir('test -x /usr/sbin/anacron || ( cd / && run-parts --report /etc/cron.daily )'));`;
  // 20 lines: about 3 minutes before, well under a second after; the deadline is generous either way
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: REPO, timeout: 60_000, encoding: 'utf8', killSignal: 'SIGKILL' });
  assert.equal(r.signal, null, 'runPartsDir on 20 hostile lines did not finish within a minute');
  assert.equal(r.stdout.trim(), '/etc/cron.daily');
});
