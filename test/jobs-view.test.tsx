/**
 * The Forecast view with a peak and the job behind it (ink-testing-library): the peak in local
 * time, the job's name and time, the next run's need, each on a line of its own within 80 columns;
 * a job name read from a hostile file is escaped. Two zones.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import React from 'react';
import { render } from 'ink-testing-library';
import { ForecastView } from '../src/ui/ForecastView.js';
import type { Forecast, JobMatch, PeakPattern } from '../src/forecast/types.js';
import { width as colWidth } from '../src/ui/text.js';
import { assertTerminalSafe } from './helpers/hostile.js';
import { inTZ } from './helpers/tz.js';

const DAY = 86_400_000;
const HOUR = 3_600_000;
const GIB = 2 ** 30;

function frameOf(tz: string, jobName: string): string {
  return inTZ(tz, () => {
    const onsets = [18, 25].map((d) => new Date(2026, 9, d, 2, 0).getTime()).concat([1, 8, 15, 22, 29].map((d) => new Date(2026, 10, d, 2, 0).getTime()));
    const next = new Date(2026, 11, 6, 2, 0).getTime();
    const peak: PeakPattern = { recurrence: 'weekly', periodMs: 7 * DAY, onsets, durationMs: 3 * HOUR + 40 * 60_000, height: 38 * GIB, growthPerOccurrence: 1.2 * GIB, nextAt: next, nextHeight: 41 * GIB };
    const job: JobMatch = { name: jobName, kind: 'systemd-timer', schedule: 'OnCalendar=Sun *-*-* 02:00:00', source: '/etc/systemd/system/x.timer', runs: null, nextRun: next, agreement: 1 };
    const asOf = new Date(2026, 10, 30, 12, 0).getTime();
    const f: Forecast = { status: 'ok', notes: [], fillsAt: null, earliest: null, latest: null, pattern: 'periodic-peaks', growthBytesPerDay: 0.1 * GIB, nextRisk: { at: next, expectedUsed: 108 * GIB, fits: false, what: 'weekly peak', peak, job }, backtestError: null, asOf, samplesUsed: 4000, regimeStart: asOf - 45 * DAY, sizeBytes: 100 * GIB, usedBytes: 62 * GIB };
    const points = [{ t: asOf - 45 * DAY, used: 60 * GIB, size: 100 * GIB }, { t: asOf, used: 62 * GIB, size: 100 * GIB }];
    const r = render(<ForecastView data={{ volume: { mount: '/srv', source: 'history', from: 'srv.csv', forecast: f, now: asOf }, points }} width={80} height={24} />);
    const frame = r.lastFrame()!;
    r.unmount();
    return frame;
  });
}

for (const tz of ['Europe/Berlin', 'America/New_York']) {
  test(`forecast view: the peak and its job in local time, a line each (TZ=${tz})`, () => {
    const frame = frameOf(tz, 'backup-weekly.timer');
    for (const l of frame.split('\n')) assert.ok(colWidth(l) <= 80, `too wide: ${l}`);
    assert.match(frame, /next risk: will NOT fit, 2026-12-06 02:00 [+-]\d\d:\d\d \(last sample \+ 5 days/);
    assert.match(frame, /^ {3}peak every Sun 02:00-05:40, \+38 GiB, grows 1\.2 GiB a week *$/m);
    assert.match(frame, /^ {3}starts with backup-weekly\.timer \(Sun 02:00\) *$/m);
    assert.match(frame, /^ {3}the run on 2026-12-06 needs 41 GiB, 33 GiB free: will fail *$/m);
  });
}

test('forecast view: a hostile job name is escaped', () => {
  const frame = frameOf('UTC', 'evil\u001b]0;owned\u0007\u001b[2J.timer');
  assertTerminalSafe(frame.replace(/\u001b\[[0-9;]*m/g, ''), 'view');
  assert.match(frame, /starts with evil.*\.timer/);
});

test('forecast view: every recurring peak, the next risk\'s first, then each other one on a line of its own (TZ=UTC)', () => {
  const frame = inTZ('UTC', () => {
    const sundays = [1, 8, 15, 22, 29].map((d) => Date.UTC(2026, 10, d, 2, 0));
    const weekly: PeakPattern = { recurrence: 'weekly', periodMs: 7 * DAY, onsets: sundays, durationMs: 3 * HOUR + 40 * 60_000, height: 38 * GIB, growthPerOccurrence: 1.2 * GIB, nextAt: Date.UTC(2026, 11, 6, 2, 0), nextHeight: 41 * GIB };
    const weekdays = [2, 3, 4, 5, 6, 9, 10, 11, 12, 13, 16, 17, 18, 19, 20, 23, 24, 25, 26, 27].map((d) => Date.UTC(2026, 10, d, 1, 30));
    const nightly: PeakPattern = { recurrence: 'daily', periodMs: DAY, weekdays: [1, 2, 3, 4, 5], onsets: weekdays, durationMs: 40 * 60_000, height: 3 * GIB, growthPerOccurrence: 0, nextAt: Date.UTC(2026, 10, 30, 1, 30), nextHeight: 3 * GIB };
    const monthly: PeakPattern = { recurrence: 'monthly-day', periodMs: null, dayOfMonth: 1, onsets: [Date.UTC(2026, 9, 1, 4, 0), Date.UTC(2026, 10, 1, 4, 0)], durationMs: 2 * HOUR, height: 5 * GIB, growthPerOccurrence: 0, nextAt: Date.UTC(2026, 11, 1, 4, 0), nextHeight: 5 * GIB };
    const job = (name: string): JobMatch => ({ name, kind: 'cron', schedule: '', source: '/etc/crontab', runs: null, nextRun: null, agreement: 1 });
    const asOf = Date.UTC(2026, 10, 29, 12, 0);
    const f: Forecast = { status: 'ok', notes: [], fillsAt: null, earliest: null, latest: null, pattern: 'periodic-peaks', growthBytesPerDay: 0.1 * GIB, nextRisk: { at: weekly.nextAt, expectedUsed: 108 * GIB, fits: false, what: 'weekly peak', peak: { ...weekly }, job: job('backup-weekly.timer') }, peaks: [nightly, weekly, monthly], backtestError: null, asOf, samplesUsed: 4000, regimeStart: asOf - 45 * DAY, sizeBytes: 100 * GIB, usedBytes: 62 * GIB };
    const points = [{ t: asOf - 45 * DAY, used: 60 * GIB, size: 100 * GIB }, { t: asOf, used: 62 * GIB, size: 100 * GIB }];
    const v = { mount: '/srv', source: 'history' as const, from: 'srv.csv', forecast: f, now: asOf, peakJobs: [job('cron.daily: dbdump'), job('backup-weekly.timer'), null] };
    const r = render(<ForecastView data={{ volume: v, points }} width={80} height={24} />);
    const out = r.lastFrame()!;
    r.unmount();
    return out;
  });
  const lines = frame.split('\n');
  for (const l of lines) assert.ok(colWidth(l) <= 80, `too wide: ${l}`);
  const at = (re: RegExp) => lines.findIndex((l) => re.test(l));
  const risk = at(/^ {3}peak every Sun 02:00-05:40/);
  const nightly = at(/^ also peak Mon-Fri 01:30-02:10, \+3 GiB; starts with cron\.daily: dbdump/);
  const monthly = at(/^ also peak on the 1st of each month 04:00-06:00, \+5 GiB; no timer or cron job/);
  assert.ok(risk > 0 && nightly > risk && monthly === nightly + 1, frame);
  assert.equal(lines.filter((l) => /peak every Sun/.test(l)).length, 1);
});
