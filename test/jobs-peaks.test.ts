/**
 * Every recurring peak (Forecast.peaks) and daily peaks on some weekdays only (PeakPattern.weekdays):
 * the words (pure reports on hand-built values, two zones), the job matcher (a Mon-Fri cron line
 * for a Mon-Fri peak, never a daily one), the app attaching a job to each peak (jobs read once),
 * --json's peaks[].job, and cron.weekly's run named by its scripts or its crontab line. The
 * jobs come from a copy of the Debian fixture root with custom crontabs added.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { attachJobs } from '../src/app/forecast.js';
import { gatherJobs } from '../src/jobs/gather.js';
import { matchJob } from '../src/jobs/match.js';
import { forecastJson, forecastText, checkAll, type VolumeForecast } from '../src/report/forecast.js';
import { daysText, localWeekdays, otherPeakText, peakParts } from '../src/report/peak.js';
import type { Forecast, JobMatch, PeakPattern } from '../src/forecast/types.js';
import { makeTmp, rmrf } from './helpers/fs.js';
import { inTZ } from './helpers/tz.js';
import { REPO } from './helpers/run.js';

const MIN = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
const GIB = 2 ** 30;
const FIX = path.join(REPO, 'fixtures', 'jobs', 'debian');
const tmp = makeTmp('jobs-peaks');
test.after(() => rmrf(tmp));

/** a copy of the fixture root with extra files (path under the root -> text; executable when mode given) */
function rootWith(name: string, files: Record<string, string | null>): string {
  const root = path.join(tmp, name);
  fs.cpSync(FIX, root, { recursive: true, verbatimSymlinks: true });
  for (const [rel, text] of Object.entries(files)) {
    const p = path.join(root, rel);
    if (text === null) fs.rmSync(p);
    else fs.writeFileSync(p, text, { mode: 0o755 });
  }
  return root;
}

/** UTC onsets at hh:mm + lag on the days [from, from + n) of November 2026 whose UTC weekday is in `days` */
function utcOnsets(days: number[], hh: number, mm: number, lagMs: number, n = 28): number[] {
  const out: number[] = [];
  for (let d = 1; d <= n; d++) {
    const t = Date.UTC(2026, 10, d, hh, mm) + lagMs;
    if (days.includes(new Date(t - lagMs).getUTCDay())) out.push(t);
  }
  return out;
}

function peak(recurrence: PeakPattern['recurrence'], onsets: number[], extra: Partial<PeakPattern> = {}): PeakPattern {
  const period = recurrence === 'daily' ? DAY : recurrence === 'weekly' ? 7 * DAY : null;
  return { recurrence, periodMs: period, onsets, durationMs: 40 * MIN, height: 3 * GIB, growthPerOccurrence: 0, nextAt: onsets[onsets.length - 1]! + (period ?? DAY), nextHeight: 3 * GIB, ...extra };
}

const MON_FRI = [1, 2, 3, 4, 5];

test('words: weekdays as ranges and lists, Monday first', () => {
  assert.equal(daysText(MON_FRI), 'Mon-Fri');
  assert.equal(daysText([0, 6]), 'Sat, Sun');
  assert.equal(daysText([1, 3, 5]), 'Mon, Wed, Fri');
  assert.equal(daysText([6, 0, 1]), 'Sat-Mon');
  assert.equal(daysText([0, 1, 2, 3, 4, 5, 6]), 'every day');
  assert.equal(daysText([2, 3]), 'Tue, Wed');
});

test('words: a weekdays peak in local days and time ("peak Mon-Fri 02:00"), moved a day where the zone crosses midnight', () => {
  // 02:00 UTC Mon-Fri
  inTZ('UTC', () => {
    const p = peak('daily', utcOnsets(MON_FRI, 2, 0, 0), { weekdays: MON_FRI });
    assert.deepEqual(localWeekdays(p), MON_FRI);
    const r = { at: p.nextAt, expectedUsed: 60 * GIB, fits: true, what: 'x', peak: p };
    assert.equal(peakParts(r, { sizeBytes: 100 * GIB })![0], 'peak Mon-Fri 02:00-02:40, +3 GiB');
    // growth per run, not "a day": it skips the weekend
    assert.equal(peakParts({ ...r, peak: { ...p, growthPerOccurrence: 0.5 * GIB } }, { sizeBytes: 100 * GIB })![0], 'peak Mon-Fri 02:00-02:40, +3 GiB, grows 512 MiB each time');
    assert.equal(peakParts({ ...r, peak: { ...p, weekdays: undefined } }, { sizeBytes: 100 * GIB })![0], 'peak every day 02:00-02:40, +3 GiB');
  });
  // 23:00 Mon-Fri in New York is 04:00 UTC Tue-Sat (November: UTC-5)
  inTZ('America/New_York', () => {
    const onsets = utcOnsets([2, 3, 4, 5, 6], 4, 0, 0);
    const p = peak('daily', onsets, { weekdays: [2, 3, 4, 5, 6] });
    assert.deepEqual(localWeekdays(p), MON_FRI);
    assert.match(otherPeakText(p, undefined), /^peak Mon-Fri 23:00-23:40, \+3 GiB; next 2026-11-2\d \+3 GiB$/);
  });
  // Tokyo (UTC+9): 20:00 UTC Sun-Thu is 05:00 Mon-Fri
  inTZ('Asia/Tokyo', () => {
    const p = peak('daily', utcOnsets([0, 1, 2, 3, 4], 20, 0, 0), { weekdays: [0, 1, 2, 3, 4] });
    assert.match(otherPeakText(p, null), /^peak Mon-Fri 05:00-05:40, \+3 GiB; no timer or cron job on this host starts at that time; next /);
  });
});

test('match: a Mon-Fri peak takes the Mon-Fri cron line, not the daily one at the same time; alone, the daily one is not it', () => {
  inTZ('UTC', () => {
    const both = gatherJobs(rootWith('both', { 'etc/cron.d/batch': '0 2 * * 1-5 root /usr/local/bin/batch\n', 'etc/cron.d/nightly': '0 2 * * * root /usr/local/bin/nightly\n' })).jobs;
    const p = peak('daily', utcOnsets(MON_FRI, 2, 0, 10 * MIN), { weekdays: MON_FRI });
    assert.equal(matchJob(p, both, { sampleMs: 15 * MIN })?.name, '/etc/cron.d/batch');
    const daily = both.filter((j) => j.name !== '/etc/cron.d/batch');
    assert.equal(matchJob(p, daily, { sampleMs: 15 * MIN }), null);
    // the same onsets without weekdays (the model did not say it skips weekends): the daily line, as before
    assert.equal(matchJob({ ...p, weekdays: undefined }, daily, { sampleMs: 15 * MIN })?.name, '/etc/cron.d/nightly');
    // a peak every day at 02:00 is the daily line
    assert.equal(matchJob(peak('daily', utcOnsets([0, 1, 2, 3, 4, 5, 6], 2, 0, 10 * MIN)), both, { sampleMs: 15 * MIN })?.name, '/etc/cron.d/nightly');
    // a Mon-Sat job runs on a Saturday the peak skips: not it either
    const monSat = gatherJobs(rootWith('monsat', { 'etc/cron.d/batch': '0 2 * * 1-6 root /usr/local/bin/batch\n' })).jobs;
    assert.equal(matchJob(p, monSat, { sampleMs: 15 * MIN }), null);
  });
});

test("cron.weekly's run: named by its scripts, or by its crontab line when it has none; source the crontab", () => {
  inTZ('UTC', () => {
    // /etc/crontab: 47 6 * * 7 ... run-parts --report /etc/cron.weekly (line 20)
    const p = peak('weekly', utcOnsets([0], 6, 47, 10 * MIN), { durationMs: HOUR });
    const none = gatherJobs(rootWith('noscripts', { 'etc/cron.weekly/man-db': null })).jobs;
    const m = matchJob(p, none, { sampleMs: 15 * MIN })!;
    assert.equal(m.name, 'cron.weekly (/etc/crontab:20)');
    assert.equal(m.source, '/etc/crontab');
    assert.equal(m.kind, 'cron');
    const two = gatherJobs(rootWith('twoscripts', { 'etc/cron.weekly/zz-cleanup': '#!/bin/sh\nexit 0\n' })).jobs;
    const w = matchJob(p, two, { sampleMs: 15 * MIN })!;
    assert.equal(w.name, 'cron.weekly: man-db, zz-cleanup');
    assert.equal(w.source, '/etc/crontab');
    assert.equal(w.runs, '/etc/cron.weekly/man-db /etc/cron.weekly/zz-cleanup');
  });
});

/** a forecast with a weekly peak (the next risk, will not fit) and a Mon-Fri nightly one */
function twoPeaks(): { f: Forecast; weekly: PeakPattern; nightly: PeakPattern } {
  const weekly = peak('weekly', utcOnsets([0], 2, 0, 12 * MIN), { durationMs: 3 * HOUR + 40 * MIN, height: 38 * GIB, growthPerOccurrence: 1.2 * GIB, nextAt: Date.UTC(2026, 11, 6, 2, 0), nextHeight: 41 * GIB });
  const nightly = peak('daily', utcOnsets(MON_FRI, 2, 0, 10 * MIN), { weekdays: MON_FRI, nextAt: Date.UTC(2026, 10, 30, 2, 10) });
  const asOf = Date.UTC(2026, 10, 29, 12, 0);
  const f: Forecast = {
    status: 'ok', notes: [], fillsAt: null, earliest: null, latest: null, pattern: 'periodic-peaks', growthBytesPerDay: 0.1 * GIB,
    // the model's nextRisk.peak is a copy of one of `peaks`
    nextRisk: { at: weekly.nextAt, expectedUsed: 108 * GIB, fits: false, what: 'weekly peak', peak: { ...weekly, onsets: [...weekly.onsets] } },
    peaks: [nightly, weekly], backtestError: null, asOf, samplesUsed: 4000, regimeStart: asOf - 45 * DAY, sizeBytes: 100 * GIB, usedBytes: 62 * GIB,
  };
  return { f, weekly, nightly };
}

test('the app gives every peak its job (the jobs read once) and the next risk the job of its peak; text, check and --json say them', () => {
  inTZ('UTC', () => {
    const root = rootWith('app', { 'etc/cron.d/batch': '0 2 * * 1-5 root /usr/local/bin/batch\n' });
    const { f } = twoPeaks();
    const v: VolumeForecast = { mount: '/srv', source: 'history', from: 'h.csv', forecast: f, now: f.asOf };
    let reads = 0;
    const notes = attachJobs([v], [[]], root, (r) => (reads++, gatherJobs(r)));
    assert.ok(notes.every((n) => /outside-(abs|rel): not found inside the root/.test(n)), notes.join('\n'));
    assert.equal(reads, 1);
    assert.deepEqual(v.peakJobs!.map((j) => j?.name), ['/etc/cron.d/batch', 'backup-weekly.timer']);
    assert.equal(f.nextRisk!.job, v.peakJobs![1]);
    // text: the next risk's peak first, then the other, each once
    const text = forecastText(v);
    const flat = text.replace(/\n {15}/g, ' ');
    assert.match(flat, /Peak +peak every Sun 02:12-05:52, \+38 GiB, grows 1\.2 GiB a week; starts with backup-weekly\.timer \(Sun 02:00\); the run on 2026-12-06 needs 41 GiB, 33 GiB free: will fail/);
    assert.match(flat, /Other peak +peak Mon-Fri 02:10-02:50, \+3 GiB; starts with \/etc\/cron\.d\/batch \(Mon 02:00\); next 2026-11-30 \+3 GiB/);
    assert.ok(flat.indexOf('Peak ') < flat.indexOf('Other peak'));
    assert.equal(flat.match(/peak every Sun/g)!.length, 1);
    for (const l of text.split('\n')) assert.ok(l.length <= 80, l);
    assert.match(checkAll([v], { warnMs: 14 * DAY, critMs: 3 * DAY }).line, /weekly peak \(Sun 02:00, backup-weekly\.timer\) needing 41 GiB/);
    // --json: peaks[].job, ISO times
    const j = JSON.parse(JSON.stringify(forecastJson(v))) as { peaks: Array<PeakPattern & { job: JobMatch; nextAt: string; onsets: string[] }>; nextRisk: { job: JobMatch } };
    assert.deepEqual(j.peaks.map((p) => p.job.name), ['/etc/cron.d/batch', 'backup-weekly.timer']);
    assert.deepEqual(j.peaks[0]!.weekdays, MON_FRI);
    assert.equal(j.peaks[0]!.nextAt, '2026-11-30T02:10:00.000Z');
    assert.equal(j.peaks[1]!.onsets[0], new Date(f.peaks[1]!.onsets[0]!).toISOString());
    assert.equal(j.peaks[1]!.job.nextRun, '2026-12-06T02:00:00.000Z');
    assert.equal(j.nextRisk.job.name, 'backup-weekly.timer');
  });
});

test('no jobs looked for: peaks listed without a job, --json without peaks[].job; no peaks: no rows, peaks: []', () => {
  inTZ('Europe/Berlin', () => {
    const { f } = twoPeaks();
    const v: VolumeForecast = { mount: '/srv', source: 'history', from: 'h.csv', forecast: f, now: f.asOf };
    const text = forecastText(v).replace(/\n {15}/g, ' ');
    // 02:00 UTC is 03:00 in Berlin
    assert.match(text, /Other peak +peak Mon-Fri 03:10-03:50, \+3 GiB; next 2026-11-30 \+3 GiB/);
    const j = forecastJson(v) as { peaks: object[] };
    assert.ok(j.peaks.every((p) => !('job' in p)));
    // a next risk that is not a peak: every peak under "Peak"
    const noRisk = forecastText({ ...v, forecast: { ...f, nextRisk: null } }).replace(/\n {15}/g, ' ');
    assert.equal(noRisk.match(/^ {2}Peak /gm)!.length, 2);
    assert.ok(!/Other peak/.test(noRisk));
    const none = { ...v, forecast: { ...f, nextRisk: null, peaks: [] } };
    assert.ok(!/Peak/.test(forecastText(none)));
    assert.deepEqual((forecastJson(none) as { peaks: object[] }).peaks, []);
  });
});
