/**
 * The first-contact core (forecast/firstcontact.ts) on trees described here: backup sets and their
 * retention from their names, the write windows, the fill range against the true fill of the
 * continued pattern (simulated here, step by step), and the two-point rate.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DirChild, findBackupSets, FirstContactBuilder, LOWER_BOUND_LABEL, twoPointRate } from '../src/forecast/firstcontact.js';
import { copiesOf, fcPattern, nightOf, ymd } from './helpers/firstcontact.js';

const HOUR = 3_600_000;
const DAY = 86_400_000;
const MIB = 1 << 20;
const NOW = Date.UTC(2026, 10, 29, 12, 0);
const night = nightOf(NOW);
const copies = (n: number, name: (k: number, i: number) => string, bytes: number, every = 1) => copiesOf(NOW, n, name, bytes, every);
const pattern = (named: 'identifiable' | 'dated', size: number) => fcPattern(NOW, named, size);

test('backup sets: the retention read from the numbering', () => {
  const rot = findBackupSets('/b', copies(7, (_k, i) => `db.sql.${i + 1}.gz`, 4 * MIB));
  assert.equal(rot.length, 1);
  assert.equal(rot[0].numbering, 'rotation');
  assert.equal(rot[0].retention, 'kept');
  assert.equal(rot[0].keptDays, 7);
  assert.equal(rot[0].cadence, 'nightly');
  assert.ok(Math.abs(rot[0].costPerDay - 4 * MIB) < 0.1 * 4 * MIB, String(rot[0].costPerDay));

  const seq = findBackupSets('/b', copies(20, (_k, i) => `vol-${20 - i}.tar`, MIB));
  assert.equal(seq[0].numbering, 'sequence');
  assert.equal(seq[0].retention, 'growing');
  assert.equal(seq[0].slowPerDay, seq[0].costPerDay);

  const pruned = findBackupSets('/b', copies(5, (_k, i) => `vol-${40 - i}.tar`, MIB));
  assert.equal(pruned[0].retention, 'kept');
  assert.equal(pruned[0].slowPerDay < 0.2 * MIB, true, 'a kept set adds only its size trend');

  const dated = findBackupSets('/b', copies(9, (k) => `site-${ymd(night(k))}.tar.gz`, MIB));
  assert.equal(dated[0].numbering, 'date');
  assert.equal(dated[0].retention, 'unknown');
  assert.equal(dated[0].slowPerDay, 0);
  assert.ok(dated[0].fastPerDay >= dated[0].costPerDay);

  const weekly = findBackupSets('/b', copies(5, (k) => `full-${ymd(night(k))}.tgz`, 10 * MIB, 7));
  assert.equal(weekly[0].cadence, 'weekly');
  assert.ok(Math.abs(weekly[0].costPerDay - (10 * MIB) / 7) < 0.1 * MIB, String(weekly[0].costPerDay));

  // directories (rsnapshot-like) are sets too
  const dirs = findBackupSets('/b', copies(4, (_k, i) => `daily.${i}`, 50 * MIB).map((c) => ({ ...c, dir: true })));
  assert.equal(dirs[0].dirs, true);
  assert.equal(dirs[0].retention, 'kept');
});

test('backup sets: not when sizes differ, the cadence is irregular, or too few', () => {
  const sizes = copies(6, (_k, i) => `x-${i}.bak`, MIB).map((c, i) => ({ ...c, bytes: (i + 1) ** 3 * MIB }));
  assert.deepEqual(findBackupSets('/b', sizes), []);
  const irregular = copies(6, (_k, i) => `x-${i}.bak`, MIB).map((c, i) => ({ ...c, mtime: NOW - [0, 1, 30, 31, 200, 900][i] * HOUR }));
  assert.deepEqual(findBackupSets('/b', irregular), []);
  assert.deepEqual(findBackupSets('/b', copies(2, (_k, i) => `x-${i}.bak`, MIB)), []);
  // names without digits, or of different shapes, never group
  const mixed: DirChild[] = [
    { name: 'a.bak', bytes: MIB, mtime: night(0), dir: false },
    { name: 'b.bak', bytes: MIB, mtime: night(1), dir: false },
    { name: 'c1.bak', bytes: MIB, mtime: night(2), dir: false },
  ];
  assert.deepEqual(findBackupSets('/b', mixed), []);
});

for (const named of ['identifiable', 'dated'] as const) {
  test(`first contact: the range contains the true fill of the continued pattern (${named} names)`, () => {
    const size = 64 * MIB;
    const p = pattern(named, size);
    const b = new FirstContactBuilder({ asOf: NOW, sizeBytes: size, usedBytes: p.used }, '/v');
    for (const [d, kids] of p.dirs) b.directory(d, kids);
    const f = b.result();
    assert.equal(f.label, LOWER_BOUND_LABEL);
    assert.ok(f.earliest !== null && f.earliest <= p.trueFill, `earliest ${f.earliest && new Date(f.earliest).toISOString()} after the truth ${new Date(p.trueFill).toISOString()}`);
    assert.ok(f.latest === null || f.latest >= p.trueFill, `latest ${f.latest && new Date(f.latest).toISOString()} before the truth ${new Date(p.trueFill).toISOString()}`);
    assert.equal(f.sets.length, 2);
    const setB = f.sets.find((s) => s.pattern.startsWith('site'))!;
    const setA = f.sets.find((s) => s.pattern.startsWith('db'))!;
    if (named === 'identifiable') {
      assert.equal(setA.retention, 'kept');
      assert.equal(setB.retention, 'growing');
      // a useful range: the slow end within a year, not beyond twice the truth
      assert.ok(f.latest !== null && f.latest - NOW <= 2 * (p.trueFill - NOW), `latest ${f.latest} vs ${p.trueFill}`);
    } else {
      assert.equal(setA.retention, 'unknown');
      assert.equal(setB.retention, 'unknown');
    }
    // the windows count the files that still exist by mtime: the log in the last hour, and the day's copies
    const w = Object.fromEntries(f.windows.map((x) => [x.name, x]));
    assert.equal(w.hour.bytes, 60 * 200 * 1024);
    assert.ok(w.day.bytes > w.hour.bytes && w.week.bytes >= w.day.bytes && w.month.bytes >= w.week.bytes);
    assert.equal(f.kinds[0].name, 'live logs');
    assert.equal(f.dirs[0].name, '/v/log');
    console.log(`# ${named}: true fill in ${((p.trueFill - NOW) / DAY).toFixed(1)} days; range ${((f.earliest! - NOW) / DAY).toFixed(1)} to ${f.latest === null ? 'beyond a year' : ((f.latest - NOW) / DAY).toFixed(1) + ' days'}`);
  });
}

test('first contact: a full volume fills now; a volume where nothing is recent does not fill', () => {
  const full = new FirstContactBuilder({ asOf: NOW, sizeBytes: MIB, usedBytes: MIB });
  full.directory('/', [{ name: 'x', bytes: MIB, mtime: NOW - DAY / 2, dir: false }]);
  assert.equal(full.result().earliest, NOW);
  const still = new FirstContactBuilder({ asOf: NOW, sizeBytes: 100 * MIB, usedBytes: 10 * MIB });
  still.directory('/', [{ name: 'x', bytes: 10 * MIB, mtime: NOW - 300 * DAY, dir: false }]);
  const r = still.result();
  assert.equal(r.earliest, null);
  assert.equal(r.latest, null);
  // a file from the future counts as now, and says so
  const skew = new FirstContactBuilder({ asOf: NOW, sizeBytes: 100 * MIB, usedBytes: 10 * MIB });
  skew.directory('/', [{ name: 'x', bytes: MIB, mtime: NOW + 10 * DAY, dir: false }]);
  assert.equal(skew.result().futureFiles, 1);
  assert.equal(skew.result().windows[0].bytes, MIB);
});

test('two points: the rate between them and the fill at that rate', () => {
  const r = twoPointRate({ t: NOW - DAY, used: 10 * MIB }, { t: NOW, used: 12 * MIB, size: 20 * MIB });
  assert.equal(r.perDay, 2 * MIB);
  assert.equal(r.fillsAt, NOW + 4 * DAY);
  assert.equal(twoPointRate({ t: NOW, used: 1 }, { t: NOW, used: 2, size: 3 }).perDay, null);
  assert.equal(twoPointRate({ t: NOW - DAY, used: 12 }, { t: NOW, used: 10, size: 30 }).fillsAt, null);
});

test('the sampler plan: a system timer as root with systemd, a user timer without root, else a crontab line', async () => {
  const { samplingPlan } = await import('../src/app/timer.js');
  const self = ['/usr/bin/node', '/opt/dis kblame/main.js'];
  const sys = samplingPlan('/var/lib/db store', { root: true, systemd: true, userSystemd: false, home: '/root' }, self);
  assert.equal(sys.how, 'systemd-system');
  assert.deepEqual(sys.files.map((f) => f.path), ['/etc/systemd/system/diskblame-sample.service', '/etc/systemd/system/diskblame-sample.timer']);
  assert.match(sys.files[0].text, /^ExecStart=\/usr\/bin\/node "\/opt\/dis kblame\/main.js" sample --quiet$/m);
  assert.match(sys.files[0].text, /^Environment="DISKBLAME_STORE=\/var\/lib\/db store"$/m);
  assert.match(sys.files[1].text, /^OnCalendar=\*:0\/5$/m);
  assert.deepEqual(sys.commands.at(-1), ['systemctl', 'enable', '--now', 'diskblame-sample.timer']);
  const user = samplingPlan('/home/u/.local/state/diskblame', { root: false, systemd: true, userSystemd: true, home: '/home/u' }, self);
  assert.equal(user.how, 'systemd-user');
  assert.equal(user.files[1].path, '/home/u/.config/systemd/user/diskblame-sample.timer');
  assert.deepEqual(user.commands[0], ['systemctl', '--user', 'daemon-reload']);
  const cron = samplingPlan("/st'ore", { root: true, systemd: false, userSystemd: false, home: '/root' }, self);
  assert.equal(cron.how, 'cron');
  assert.match(cron.why, /systemd is not running/);
  assert.equal(cron.cronLine, `*/5 * * * * DISKBLAME_STORE='/st'\\''ore' /usr/bin/node '/opt/dis kblame/main.js' sample --quiet >/dev/null 2>&1`);
  assert.deepEqual(cron.files, []);
});

test('first contact: placeholder modification times (zip 1980, npm 1985) do not start the observable life', () => {
  const b = new FirstContactBuilder({ asOf: NOW, sizeBytes: 100 * MIB, usedBytes: 20 * MIB });
  b.directory('/', [
    { name: 'pkg.js', bytes: 10 * MIB, mtime: Date.UTC(1985, 9, 26), dir: false },
    { name: 'data', bytes: 10 * MIB, mtime: NOW - 100 * DAY, dir: false },
    { name: 'new', bytes: MIB, mtime: NOW - DAY / 2, dir: false },
  ]);
  const f = b.result();
  assert.equal(f.oldestMtime, NOW - 100 * DAY);
  assert.equal(f.fastPerDay, MIB);
  assert.ok(Math.abs(f.slowPerDay - (21 * MIB) / 100) < 1, String(f.slowPerDay));
});

test('a second look tells the retention of a dated set: its oldest copy gone (kept), or more copies and none gone (growing)', async () => {
  const { secondLook } = await import('../src/forecast/firstcontact.js');
  const set = findBackupSets('/b', copies(9, (k) => `site-${ymd(night(k))}.tar.gz`, MIB))[0];
  assert.equal(set.retention, 'unknown');
  const dayBefore = { dir: '/b', pattern: set.pattern, at: NOW - DAY, copies: 9, oldest: set.oldest - DAY };
  const kept = secondLook(set, [dayBefore], NOW);
  assert.equal(kept.retention, 'kept');
  assert.equal(kept.keptDays, 9);
  assert.equal(kept.slowPerDay < set.costPerDay / 10, true);
  assert.match(kept.evidence, /oldest copy seen at .* is gone/);
  const grew = secondLook(set, [{ ...dayBefore, copies: 8, oldest: set.oldest }], NOW);
  assert.equal(grew.retention, 'growing');
  assert.equal(grew.slowPerDay, set.costPerDay);
  // too soon (no new copy due yet), another set, or a retention the names already told: unchanged
  assert.equal(secondLook(set, [{ ...dayBefore, at: NOW - 3 * HOUR }], NOW).retention, 'unknown');
  assert.equal(secondLook(set, [{ ...dayBefore, pattern: 'other-#' }], NOW).retention, 'unknown');
});
