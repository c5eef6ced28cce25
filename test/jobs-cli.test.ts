/**
 * The job behind a peak, end to end: `forecast`, `check` and `metrics` on CSV histories (and a
 * store) whose peaks start at the fixture host's job times (fixtures/jobs/debian: weekly Sun 02:00
 * from backup-weekly.timer, daily 01:30 from /etc/cron.d/dbdump), read with --jobs-root, in two
 * time zones (the CLI's TZ).
 *
 * The job is named only when the model describes the peak (nextRisk.peak): with no peak there is
 * nothing to match, and then `nextRisk.job` must be absent (each test says which case it met in its
 * diagnostics). The histories are plain: peaks clearly periodic, rising at the job's start, so any
 * sound model that reports peaks reports these.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { assertOneLineError, REPO, runCli } from './helpers/run.js';
import { makeTmp, rmrf } from './helpers/fs.js';
import { inTZ } from './helpers/tz.js';

const MIN = 60_000;
const DAY = 86_400_000;
const GIB = 2 ** 30;
const FIX = path.join(REPO, 'fixtures', 'jobs', 'debian');
const tmp = makeTmp('jobscli');
test.after(() => rmrf(tmp));


interface Shape {
  /** local weekday of the peaks (0 = Sunday), null: every day */
  weekday: number | null;
  hour: number;
  minute: number;
  /** how long the peak lasts, ms */
  lastsMs: number;
  /** bytes of the first peak, and more each time */
  height: number;
  grow: number;
}

/**
 * A CSV of 5 weeks every 15 min on a 100 GiB volume (50 GiB used, +0.2 GiB a day) with peaks at
 * the local wall time of `s` (the process TZ), rising within minutes of the start, ending at
 * 2026-12-02 12:00 UTC (no DST change inside in the zones used). Returns the file and the onsets.
 */
function history(name: string, s: Shape, tz: string): { file: string; starts: number[] } {
  return inTZ(tz, () => {
    const end = Date.parse('2026-12-02T12:00:00Z');
    const start = end - 35 * DAY;
    const starts: number[] = [];
    for (let d = new Date(start); d.getTime() < end; d = new Date(d.getFullYear(), d.getMonth(), d.getDate() + 1)) {
      if (s.weekday !== null && d.getDay() !== s.weekday) continue;
      const t = new Date(d.getFullYear(), d.getMonth(), d.getDate(), s.hour, s.minute).getTime();
      if (t > start && t + s.lastsMs < end) starts.push(t);
    }
    const L = ['timestamp,used_bytes,size_bytes'];
    let seed = 11;
    for (let t = start; t <= end; t += 15 * MIN) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      let used = 50 * GIB + ((t - start) / DAY) * 0.2 * GIB + (seed / 2 ** 31 - 0.5) * 0.05 * GIB;
      starts.forEach((p, k) => {
        // up within 10 min of the start, down at the end
        if (t >= p && t < p + s.lastsMs) used += (s.height + k * s.grow) * Math.min(1, (t - p + 5 * MIN) / (10 * MIN));
      });
      L.push(`${new Date(t).toISOString()},${Math.round(used)},${100 * GIB}`);
    }
    const file = path.join(tmp, `${name}-${tz.replace('/', '_')}.csv`);
    fs.writeFileSync(file, L.join('\n') + '\n');
    return { file, starts };
  });
}

const env = (tz: string) => ({ ...process.env, DISKBLAME_DEBUG: '', TZ: tz });

function forecastJson(file: string, tz: string, root = FIX): any {
  const r = runCli(['forecast', '--history', file, '--jobs-root', root, '--json'], { env: env(tz) });
  assert.equal(r.code, 0, `${r.cmd}: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

const WEEKLY: Shape = { weekday: 0, hour: 2, minute: 0, lastsMs: 3 * 3_600_000 + 40 * MIN, height: 30 * GIB, grow: 1.5 * GIB };
const DAILY: Shape = { weekday: null, hour: 1, minute: 30, lastsMs: 40 * MIN, height: 8 * GIB, grow: 0 };
const NONE: Shape = { weekday: 3, hour: 13, minute: 0, lastsMs: 3 * 3_600_000, height: 30 * GIB, grow: 0 };

for (const tz of ['Europe/Berlin', 'America/New_York']) {
  test(`forecast/check/--json name backup-weekly.timer for peaks every Sunday 02:00 (TZ=${tz})`, (t) => {
    const h = history('weekly', WEEKLY, tz);
    const j = forecastJson(h.file, tz);
    const risk = j.nextRisk;
    assert.ok(risk, 'a weekly peak of 30 GiB on a 100 GiB volume is a risk any model sees');
    if (!risk.peak) {
      t.diagnostic('the model gives no nextRisk.peak: nothing to match, so no job');
      assert.equal('job' in risk, false, JSON.stringify(risk));
      return;
    }
    assert.equal(risk.job?.name, 'backup-weekly.timer', JSON.stringify(risk));
    assert.equal(risk.job.kind, 'systemd-timer');
    assert.equal(risk.job.source, '/etc/systemd/system/backup-weekly.timer');
    assert.ok(risk.job.agreement >= 0.6);
    // the next run: a Sunday 02:00 local, as ISO UTC
    const next = inTZ(tz, () => {
      const d = new Date(risk.job.nextRun);
      return [d.getDay(), d.getHours(), d.getMinutes()];
    });
    assert.match(risk.job.nextRun, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.deepEqual(next, [0, 2, 0]);
    assert.ok(risk.peak.onsets.every((o: unknown) => typeof o === 'string' && !Number.isNaN(Date.parse(o as string))));
    // text: the job and its local time, lines of 80 columns at most in the Peak row
    const r = runCli(['forecast', '--history', h.file, '--jobs-root', FIX], { env: env(tz) });
    assert.equal(r.code, 0, r.stderr);
    const flat = r.stdout.replace(/\n\s{15}/g, ' ');
    assert.match(flat, /Peak +peak every Sun 0[12]:\d\d-\d\d:\d\d, \+\d/);
    assert.match(flat, /starts with backup-weekly\.timer \(Sun 02:00\)/);
    // check: the job's name when the peak is what it warns of
    const c = runCli(['check', '--history', h.file, '--jobs-root', FIX, '--warn', '30d', '--json'], { env: env(tz) });
    const cj = JSON.parse(c.stdout);
    if (!risk.fits && (j.fillsAt === null || Date.parse(risk.at) < Date.parse(j.fillsAt))) {
      assert.match(cj.line, /weekly peak \(Sun 02:00, backup-weekly\.timer\) needing [0-9.]+ GiB, [0-9.]+ GiB free, will not fit/, cj.line);
      assert.notEqual(c.code, 0);
    } else t.diagnostic(`the model expects the next peak to fit (${risk.expectedUsed} bytes): check warns of the fill, if any`);
  });

  test(`a daily peak at 01:30 is /etc/cron.d/dbdump's, not man-db.timer's (TZ=${tz})`, (t) => {
    const h = history('daily', DAILY, tz);
    const risk = forecastJson(h.file, tz).nextRisk;
    if (!risk?.peak) {
      t.diagnostic('the model gives no nextRisk.peak: nothing to match, so no job');
      assert.ok(!risk || !('job' in risk), JSON.stringify(risk));
      return;
    }
    assert.equal(risk.job?.name, '/etc/cron.d/dbdump', JSON.stringify(risk));
    assert.equal(risk.job.kind, 'cron');
    assert.equal(risk.job.schedule, '30 1 * * *');
    const r = runCli(['forecast', '--history', h.file, '--jobs-root', FIX], { env: env(tz) });
    assert.match(r.stdout.replace(/\n\s{15}/g, ' '), /peak every day 01:\d\d-\d\d:\d\d.*starts with \/etc\/cron\.d\/dbdump \(01:30\)/);
  });

  test(`peaks every Wednesday 13:00 match no job (TZ=${tz})`, (t) => {
    const h = history('none', NONE, tz);
    const risk = forecastJson(h.file, tz).nextRisk;
    assert.ok(risk);
    if (!risk.peak) {
      t.diagnostic('the model gives no nextRisk.peak: nothing to match, so no job');
      assert.equal('job' in risk, false);
      return;
    }
    assert.equal(risk.job, null, JSON.stringify(risk.job));
    const r = runCli(['forecast', '--history', h.file, '--jobs-root', FIX], { env: env(tz) });
    assert.match(r.stdout.replace(/\n\s{15}/g, ' '), /no timer or cron job on this host starts at that time/);
    assert.doesNotMatch(r.stdout, /starts with/);
  });
}

test('the same history against an empty jobs root names no job; a bad --jobs-root is one line', () => {
  const tz = 'Europe/Berlin';
  const h = history('weekly', WEEKLY, tz);
  const empty = path.join(tmp, 'empty-root');
  fs.mkdirSync(empty, { recursive: true });
  const risk = forecastJson(h.file, tz, empty).nextRisk;
  assert.ok(risk);
  assert.ok(risk.job === null || !('job' in risk), JSON.stringify(risk.job));
  if (risk.peak) assert.equal(risk.job, null);
  const bad = runCli(['forecast', '--history', h.file, '--jobs-root', path.join(tmp, 'no-such-dir')], { env: env(tz) });
  assert.match(assertOneLineError(bad, 2), /--jobs-root .*no-such-dir: not a directory/);
  const badCheck = runCli(['check', '--history', h.file, '--jobs-root', h.file], { env: env(tz) });
  assert.equal(badCheck.code, 3);
  assert.match(badCheck.stdout, /^DISKBLAME UNKNOWN - --jobs-root .*: not a directory/);
});

test('store samples of this host (no host field, or this host\'s name) get the job (when the model gives a peak)', () => {
  const tz = 'Europe/Berlin';
  const h = history('weekly', WEEKLY, tz);
  const rows = fs.readFileSync(h.file, 'utf8').trim().split('\n').slice(1);
  for (const host of [undefined, os.hostname()]) {
    const store = path.join(tmp, `store-${host ?? 'local'}`);
    fs.mkdirSync(store, { recursive: true });
    const L = rows.map((l) => {
      const [time, used, size] = l.split(',');
      const u = Number(used), s = Number(size);
      return JSON.stringify({ time, mount: '/srv', device: '/dev/sdb1', fsType: 'ext4', sizeBytes: s, usedBytes: u, freeBytes: s - u, inodes: 1000, inodesFree: 500, ...(host ? { host } : {}) });
    });
    fs.writeFileSync(path.join(store, 'samples.jsonl'), L.join('\n') + '\n');
    const r = runCli(['forecast', '--store', store, '--volume', '/srv', '--jobs-root', FIX, '--json'], { env: env(tz) });
    assert.equal(r.code, 0, r.stderr);
    const risk = JSON.parse(r.stdout).nextRisk;
    assert.ok(risk);
    if (!risk.peak) assert.equal('job' in risk, false, `${host}: ${JSON.stringify(risk.job)}`);
    else assert.equal(risk.job?.name, 'backup-weekly.timer');
  }
});
