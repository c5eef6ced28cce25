/**
 * `forecast` and `check` on first contact, end to end on real file systems mounted here: a tmpfs
 * holding the pattern of helpers/firstcontact.ts as files with past modification times (the range
 * must contain the true fill of the continued pattern, from df's figures), a loop-mounted ext4
 * filled while sysstat's own sadc records it (read back through sadf), a textfile written by our
 * `metrics -o`, and the offer to start sampling in tmux (a private mount namespace: the machine's
 * crontabs are never touched). Stores are temporary directories.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { assertOneLineError, CLI, have, isRoot, run, runCli, RunOptions } from './helpers/run.js';
import { makeTmp, rmrf } from './helpers/fs.js';
import { fcPattern, trueFill } from './helpers/firstcontact.js';
import { haveTmux, tmuxUi } from './helpers/tmux.js';
import { assertTerminalSafe } from './helpers/hostile.js';

const DAY = 86_400_000;
const MIB = 1 << 20;
const tmp = makeTmp('fcc');
const emptyStore = path.join(tmp, 'empty-store');
const env = { ...process.env, DISKBLAME_DEBUG: '', DISKBLAME_STORE: emptyStore, TZ: 'UTC' };
const cli = (args: string[], o: RunOptions = {}) => runCli(args, { env, ...o });
const noSysstat = path.join(tmp, 'no-sysstat');
const noTextfiles = path.join(tmp, 'no-textfiles');
fs.mkdirSync(noSysstat);
fs.mkdirSync(noTextfiles);
/** the host's own histories are not read unless a test names them */
const quiet = ['--sysstat-dir', noSysstat, '--textfile-dir', noTextfiles];
test.after(() => rmrf(tmp));

function mountTmpfs(name: string, size: string): string {
  const mnt = path.join(tmp, name);
  fs.mkdirSync(mnt, { recursive: true });
  const m = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', mnt], { encoding: 'utf8' });
  if (m.status !== 0) throw new Error(`mount failed: ${m.stderr}`);
  return mnt;
}

/** the pattern's files under `mnt`, with their modification times */
function materialize(mnt: string, now: number): void {
  const p = fcPattern(now, 'identifiable', 64 * MIB);
  for (const [d, kids] of p.dirs) {
    const dir = path.join(mnt, d.replace(/^\/v/, ''));
    fs.mkdirSync(dir, { recursive: true });
    for (const c of kids) {
      const f = path.join(dir, c.name);
      fs.writeFileSync(f, Buffer.alloc(c.bytes, 7));
      fs.utimesSync(f, new Date(c.mtime!), new Date(c.mtime!));
    }
  }
}

const json = (r: { stdout: string }) => JSON.parse(r.stdout);
/** the text's rows as one line each again (a row over 80 columns goes on under its value); no line over 80 columns */
function unwrap(text: string, strict = true): string {
  if (strict) for (const l of text.split('\n')) assert.ok(l.length <= 80, `over 80 columns: ${l}`);
  return text.replace(/ first contact\n {2}(?=\S)/g, ' first contact: ').replace(/\n {15}(?=\S)/g, ' ');
}

test('forecast --volume with no samples: a first contact whose range contains the true fill', { skip: !isRoot() && 'needs root to mount a tmpfs' }, () => {
  const mnt = mountTmpfs('pattern', '64m');
  try {
    const now = Date.now();
    materialize(mnt, now);
    const r = cli(['forecast', '--volume', mnt, '--json', ...quiet]);
    assert.equal(r.code, 0, r.stderr);
    const j = json(r);
    assert.equal(j.source, 'first-contact');
    assert.equal(j.mount, mnt);
    assert.equal(j.tree.source, 'scan');
    const f = j.tree.forecast;
    assert.equal(f.label, 'lower bound: deleted files are not seen');
    // the truth from df's figures now: the pattern continued
    const truth = trueFill(Date.parse(j.now), j.usedBytes, j.sizeBytes);
    const earliest = Date.parse(f.earliest);
    const latest = f.latest === null ? Infinity : Date.parse(f.latest);
    console.log(`# tmpfs: true fill in ${((truth - now) / DAY).toFixed(1)} days; first contact ${((earliest - now) / DAY).toFixed(1)} to ${((latest - now) / DAY).toFixed(1)} days`);
    assert.ok(earliest <= truth && truth <= latest, `range ${f.earliest}..${f.latest} misses ${new Date(truth).toISOString()}`);
    assert.ok(latest - now <= 2 * (truth - now), 'the slow end is within twice the truth');
    const sets = f.backupSets as { pattern: string; retention: string; keptDays: number | null; copies: number }[];
    assert.deepEqual(sets.map((s) => [s.pattern, s.retention, s.copies]).sort(), [
      ['db.sql.#.gz', 'kept', 7],
      ['site-#.tar', 'growing', 20],
    ]);
    assert.equal(f.kinds[0].name, 'live logs');
    assert.equal(f.dirs[0].name, path.join(mnt, 'log'));
    assert.match(j.now, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.match(j.history.needs, /sample every 5 min; .*a weekly pattern (needs )?2 weeks/);

    const t0 = cli(['forecast', '--volume', mnt, ...quiet]);
    const t = { ...t0, stdout: unwrap(t0.stdout) };
    assert.equal(t.code, 0, t.stderr);
    assert.match(t.stdout, /first contact: no usage samples in the store/);
    assert.match(t.stdout, /Fills +between \d{4}-\d\d-\d\d \d\d:\d\d UTC .* \[lower bound: deleted files are not seen\]/);
    assert.match(t.stdout, /db\.sql\.#\.gz: 7 copies .* one a night, kept 7 days/);
    assert.match(t.stdout, /site-#\.tar: 20 copies .* growing without bound/);
    assert.match(t.stdout, /a weekly pattern by \d{4}-\d\d-\d\d/);
    assert.doesNotMatch(t.stderr, /Install it now/, 'no question when not on a terminal');

    // check never scans: no snapshot, no history: UNKNOWN
    const c = cli(['check', '--volume', mnt, ...quiet]);
    assert.equal(c.code, 3, c.stdout + c.stderr);
    assert.match(c.stdout, /^DISKBLAME UNKNOWN - .*no usage samples/);
  } finally {
    spawnSync('umount', [mnt]);
  }
});

test('check on first contact: WARNING only when even the slow case fills within --warn, from a recent snapshot', { skip: !isRoot() && 'needs root to mount a tmpfs' }, () => {
  const mnt = mountTmpfs('filling', '16m');
  const store = path.join(tmp, 'store-filling');
  try {
    // 14 MiB written over the last three days on a 16 MiB volume
    for (let i = 0; i < 14; i++) {
      const f = path.join(mnt, `chunk${i}.dat`);
      fs.writeFileSync(f, Buffer.alloc(MIB, 1));
      const t = new Date(Date.now() - (i % 3) * DAY);
      fs.utimesSync(f, t, t);
    }
    const s = runCli(['snapshot', mnt, '--store', store], { env });
    assert.equal(s.code, 0, s.stderr);
    // the snapshot recorded a usage sample: move it away, the store then has snapshots and no samples
    fs.rmSync(path.join(store, 'samples.jsonl'), { force: true });
    const c = runCli(['check', '--volume', mnt, '--store', store, ...quiet], { env });
    assert.equal(c.code, 1, c.stdout + c.stderr);
    assert.match(c.stdout, /^DISKBLAME WARNING - .*first contact \(lower bound: deleted files are not seen\): fills between .* \| 'used'=\d+B;;;0;\d+ 'hours_to_full'=U;336:;72:;0;$/m);
    const w = runCli(['check', '--volume', mnt, '--store', store, '--warn', '1h', '--crit', '1h', ...quiet], { env });
    assert.equal(w.code, 3, 'not clearly short: UNKNOWN, never OK or CRITICAL without a history');
    // the percentage thresholds need no history: 14 MiB of 16 used is past them from the first run
    const crit = runCli(['check', '--volume', mnt, '--store', store, '--warn', '1h', '--crit', '1h', '--warn-pct', '40', '--crit-pct', '50', ...quiet], { env });
    assert.equal(crit.code, 2, crit.stdout + crit.stderr);
    assert.match(crit.stdout, /^DISKBLAME CRITICAL - .*: (too few|no) usage samples; first contact: .*; used \d+\.\d% >= 50% \| 'used'=\d+B;\d+;\d+;0;\d+ /m);
    const warn = runCli(['check', '--volume', mnt, '--store', store, '--warn', '1h', '--crit', '1h', '--warn-pct', '50', '--crit-pct', '99.9', ...quiet], { env });
    assert.equal(warn.code, 1, warn.stdout + warn.stderr);
    assert.match(warn.stdout, /^DISKBLAME WARNING - .*; used \d+\.\d% >= 50% \|/m);
    const f = json(runCli(['forecast', '--volume', mnt, '--store', store, '--json', ...quiet], { env }));
    assert.equal(f.tree.source, 'snapshot', 'the recent snapshot is used instead of a scan');
    assert.match(f.sources[0], /snapshot/);
  } finally {
    spawnSync('umount', [mnt]);
  }
});

test('forecast with no samples reads sysstat (sadc records a loop-mounted ext4 while it fills, sadf reads it back)', { skip: (!isRoot() && 'needs root to mount') || (!have('sadf') && 'sysstat is not installed') }, (t) => {
  const sadc = ['/usr/lib/sysstat/sadc', '/usr/lib64/sa/sadc', '/usr/libexec/sysstat/sadc'].find((f) => fs.existsSync(f));
  if (!sadc) return t.skip('no sadc');
  const img = path.join(tmp, 'ext4.img');
  const mnt = path.join(tmp, 'ext4');
  const sa = path.join(tmp, 'sa');
  fs.mkdirSync(mnt);
  fs.mkdirSync(sa);
  assert.equal(run('truncate', ['-s', '64M', img]).code, 0);
  assert.equal(run('mkfs.ext4', ['-q', img]).code, 0);
  const m = run('mount', ['-o', 'loop', img, mnt]);
  if (m.code !== 0) return t.skip(`loop mount failed: ${m.stderr}`);
  try {
    // sadc every second for 6 s while 4 MiB are written each second
    const script = `${sadc} -S XDISK 1 6 ${sa}/sa01 & for i in 1 2 3 4 5; do sleep 1; head -c 4194304 /dev/zero > ${mnt}/f$i; sync; done; wait`;
    assert.equal(run('sh', ['-c', script], { timeoutMs: 60_000 }).code, 0);
    const r = cli(['forecast', '--volume', mnt, '--json', '--no-scan', '--sysstat-dir', sa, '--textfile-dir', noTextfiles]);
    assert.equal(r.code, 0, r.stderr);
    const j = json(r);
    assert.deepEqual(j.sysstat.files, [path.join(sa, 'sa01')]);
    assert.ok(j.sysstat.points >= 5, `${j.sysstat.points} points`);
    assert.equal(j.sysstat.precisionBytes, MIB);
    assert.ok(j.sysstat.forecast, 'the points went through the model');
    assert.ok(!j.sysstat.forecast.notes.some((n: string) => /resized/.test(n)), 'sysstat\'s MiB rounding is not a resize');
    assert.ok(j.sources.some((s: string) => /^sysstat \(1 file/.test(s)), j.sources.join('; '));
    assert.equal(j.tree.source, 'none');
    const tx = cli(['forecast', '--volume', mnt, '--no-scan', '--sysstat-dir', sa, '--textfile-dir', noTextfiles]);
    assert.match(unwrap(tx.stdout), /sysstat +\d+ points from .* \(sar -F, to 1 MiB\)/);
    // a file that is not sysstat's: one note, no crash
    fs.writeFileSync(path.join(sa, 'sa02'), 'not a sysstat file\n');
    const bad = json(cli(['forecast', '--volume', mnt, '--json', '--no-scan', '--sysstat-dir', sa, '--textfile-dir', noTextfiles]));
    assert.ok(bad.sysstat.notes.some((n: string) => n.includes('sa02')), bad.sysstat.notes.join('; '));
    assert.equal(bad.sysstat.files.length, 1);
  } finally {
    spawnSync('umount', [mnt]);
  }
});

test('forecast with no samples reads the textfile of an earlier metrics -o as a two-point rate', { skip: !isRoot() && 'needs root to mount a tmpfs' }, () => {
  const mnt = mountTmpfs('textfile', '32m');
  const store = path.join(tmp, 'store-metrics');
  const dir = path.join(tmp, 'textfiles');
  fs.mkdirSync(dir);
  try {
    fs.writeFileSync(path.join(mnt, 'a'), Buffer.alloc(2 * MIB, 1));
    const sampled = Date.now();
    assert.equal(runCli(['sample', '--store', store, '--mount', mnt, '-q'], { env }).code, 0);
    const w = runCli(['metrics', '--store', store, '--volume', mnt, '-o', path.join(dir, 'diskblame.prom')], { env });
    assert.equal(w.code, 0, w.stderr);
    fs.writeFileSync(path.join(mnt, 'b'), Buffer.alloc(4 * MIB, 1));
    // the textfile's sample time is in whole seconds (rounded: up to 0.5 s ahead of the sample), so
    // a forecast run within the same second sees no interval, or a tiny one: let 1.5 s pass
    const left = sampled + 1500 - Date.now();
    if (left > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, left);
    fs.writeFileSync(path.join(dir, 'other.prom'), 'diskblame_used_bytes{mountpoint="/elsewhere"} 1\nnot exposition at all {{{\n');
    const r = cli(['forecast', '--volume', mnt, '--json', '--no-scan', '--sysstat-dir', noSysstat, '--textfile-dir', dir]);
    assert.equal(r.code, 0, r.stderr);
    const j = json(r);
    assert.equal(j.textfiles.points.length, 1);
    const p = j.textfiles.points[0];
    assert.equal(p.file, path.join(dir, 'diskblame.prom'));
    assert.equal(j.usedBytes - p.usedBytes, 4 * MIB);
    assert.ok(p.bytesPerDay > 0);
    assert.ok(j.sources.some((s: string) => s.includes('textfile')));
    const tx = cli(['forecast', '--volume', mnt, '--no-scan', '--sysstat-dir', noSysstat, '--textfile-dir', dir]);
    assert.match(unwrap(tx.stdout), /Textfile +.*diskblame\.prom: 2 MiB used at .*, now 6 MiB: \+[\d.]+ [KMG]?i?B\/day; .*\(two points\)/);
  } finally {
    spawnSync('umount', [mnt]);
  }
});

test('first contact: bad input is one line and a non-zero exit', () => {
  assertOneLineError(cli(['forecast', '--volume', path.join(tmp, 'nope'), ...quiet]), 1);
  assertOneLineError(cli(['forecast', '--volume', tmp, '--sysstat-dir']), 2);
  // a textfile or sysstat dir that is a file: a note, not a failure
  const file = path.join(tmp, 'a-file');
  fs.writeFileSync(file, 'x');
  const r = cli(['forecast', '--volume', tmp, '--json', '--no-scan', '--sysstat-dir', file, '--textfile-dir', file]);
  assert.equal(r.code, 0, r.stderr);
  const j = json(r);
  assert.match(j.textfiles.notes[0], /cannot read .*a-file/);
  assert.match(j.sysstat.notes[0], /cannot read .*a-file/);
});

/** a private mount namespace whose crontabs are a tmpfs of its own: `cmd`, then `crontab -l` into `out` */
function inNamespace(cmd: string, out: string, home: string): string[] {
  const inner = [
    'mount -t tmpfs tmpfs /var/spool/cron',
    'mkdir -m 1730 /var/spool/cron/crontabs',
    'chgrp crontab /var/spool/cron/crontabs 2>/dev/null || true',
    `env -u CI -u CONTINUOUS_INTEGRATION HOME=${home} DISKBLAME_STORE=${emptyStore} TZ=UTC ${cmd}`,
    `(crontab -l > ${out} 2>&1; echo "rc=$?" >> ${out})`,
    'sleep 30',
  ].join('; ');
  return ['unshare', '-m', '--propagation', 'private', 'sh', '-c', inner];
}

/** the crontab -l of the namespace, once written */
async function crontabOf(out: string): Promise<string> {
  const end = Date.now() + 20_000;
  while (!fs.existsSync(out) || !fs.readFileSync(out, 'utf8').includes('rc=')) {
    if (Date.now() > end) throw new Error('crontab -l never ran');
    await new Promise((r) => setTimeout(r, 100));
  }
  return fs.readFileSync(out, 'utf8');
}

const reEsc = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
const offerSkip = (!isRoot() && 'needs root for a mount namespace') || (!haveTmux && 'no tmux') || (!have('crontab') && 'no crontab (package cron)');

test('forecast on a terminal offers the sampler; y installs a crontab line (no systemd here), n installs nothing', { skip: offerSkip }, async () => {
  const mnt = mountTmpfs('offer', '8m');
  const home = path.join(tmp, 'home');
  fs.mkdirSync(home, { recursive: true });
  const ui = tmuxUi(`dbfc${process.pid}`);
  try {
    for (const [answer, expect] of [['n', 'Nothing installed'], ['y', 'Sampling every 5 min']] as const) {
      const out = path.join(tmp, `crontab-${answer}.txt`);
      const cmd = `${process.execPath} ${CLI} forecast --volume ${mnt} --sysstat-dir ${noSysstat} --textfile-dir ${noTextfiles}`;
      ui.tmux('new-session', '-d', '-s', 'ui', '-x', '200', '-y', '50', ...inNamespace(cmd, out, home));
      await ui.waitFor(/Install it now\? \[y\/N\]/, 30_000);
      const s = ui.screen();
      assert.match(s, /a crontab line instead/);
      assert.match(s, /\*\/5 \* \* \* \* DISKBLAME_STORE=/);
      await ui.keys(answer, 'Enter');
      await ui.waitFor(new RegExp(expect), 20_000);
      const tab = await crontabOf(out);
      if (answer === 'n') assert.match(tab, /no crontab/);
      else {
        assert.match(tab, new RegExp(`^\\*/5 \\* \\* \\* \\* DISKBLAME_STORE=${reEsc(emptyStore)} .*sample --quiet`, 'm'));
        assert.match(tab, /rc=0/);
      }
      ui.tmux('kill-server');
    }
    // the machine's own crontab directory was never written
    assert.ok(!fs.readdirSync('/var/spool/cron/crontabs').some((f) => fs.readFileSync(path.join('/var/spool/cron/crontabs', f), 'utf8').includes(emptyStore)));
  } finally {
    ui.tmux('kill-server');
    spawnSync('umount', [mnt]);
  }
});

test('the browser: 4 shows the first contact of the browsed tree and offers the sampler; i, then y installs it', { skip: offerSkip }, async () => {
  const mnt = mountTmpfs('browse', '64m');
  const home = path.join(tmp, 'home-b');
  fs.mkdirSync(home, { recursive: true });
  const ui = tmuxUi(`dbfb${process.pid}`);
  try {
    materialize(mnt, Date.now());
    const out = path.join(tmp, 'crontab-browser.txt');
    ui.tmux('new-session', '-d', '-s', 'ui', '-x', '160', '-y', '45', ...inNamespace(`${process.execPath} ${CLI} ${mnt}`, out, home));
    await ui.waitFor(/4 Forecast/, 30_000);
    await ui.keys('4');
    const s = await ui.waitFor(/Fills +between [^]*i: record a usage sample every 5 min/, 20_000);
    // the browser's scan recorded one sample: not enough for the model
    assert.match(s, /not enough usage samples yet: .*1 sample/);
    assert.match(s, /first contact: 1 usage sample in the store since .*, not enough for the model yet/);
    assert.match(s, /Fills +between .*\[lower bound: deleted files are not seen\]/);
    assert.match(s, /site-#\.tar: 20 copies of ~\d+ KiB, one a night, growing without bound/);
    await ui.keys('i');
    await ui.waitFor(/Install it now\? y: yes, any other key: no/);
    assert.match(ui.screen(), /a crontab line instead/);
    await ui.keys('y');
    await ui.waitFor(/Sampling every 5 min \(cron\)/);
    await ui.keys('q');
    const tab = await crontabOf(out);
    assert.match(tab, new RegExp(`^\\*/5 \\* \\* \\* \\* DISKBLAME_STORE=${reEsc(emptyStore)} .*sample --quiet`, 'm'));
  } finally {
    ui.tmux('kill-server');
    spawnSync('umount', [mnt]);
  }
});

test('forecast with no samples at all: every real mount, none scanned; check says UNKNOWN with one line on stderr', () => {
  const store = path.join(tmp, 'store-none');
  const r = cli(['forecast', '--store', store, '--json', ...quiet]);
  assert.equal(r.code, 0, r.stderr);
  const list = json(r) as { mount: string; source: string; tree: { source: string; why: string } }[];
  assert.ok(Array.isArray(list) && list.some((v) => v.mount === '/'), JSON.stringify(list.map((v) => v.mount)));
  for (const v of list) {
    assert.equal(v.source, 'first-contact');
    assert.equal(v.tree.source, 'none', `${v.mount} was not to be scanned`);
    assert.match(v.tree.why, /not scanned/);
  }
  const c = cli(['check', '--store', store, ...quiet]);
  assert.equal(c.code, 3, c.stdout);
  assert.match(c.stdout, /^DISKBLAME UNKNOWN - /);
  assert.equal(c.stderr.trim().split('\n').length, 1, c.stderr);
  const cj = cli(['check', '--store', store, '--json', ...quiet]);
  assert.equal(json(cj).state, 'UNKNOWN');
});

test('first contact: hostile names in a backup set and a directory are escaped in the text, exact in the JSON', { skip: !isRoot() && 'needs root to mount a tmpfs' }, () => {
  const mnt = mountTmpfs('hostile', '16m');
  try {
    const dir = path.join(mnt, 'bk\x1b]0;pwned\x07\u202e');
    fs.mkdirSync(dir);
    const night = Date.now() - 3 * 3_600_000;
    for (let i = 0; i < 5; i++) {
      const f = path.join(dir, `dump\x1b[2J-${i + 1}\n.sql`);
      fs.writeFileSync(f, Buffer.alloc(256 * 1024, 1));
      const t = new Date(night - (4 - i) * DAY);
      fs.utimesSync(f, t, t);
    }
    const r = cli(['forecast', '--volume', mnt, ...quiet]);
    assert.equal(r.code, 0, r.stderr);
    assertTerminalSafe(r.stdoutBuf, 'first contact text');
    assert.ok(unwrap(r.stdout, false).includes('bk\\x1b]0;pwned\\x07\\u{202e}/dump\\x1b[#J-#\\n.sql: 5 copies'), r.stdout);
    assert.match(r.stdout, /Fills +about \d{4}-/);
    const j = json(cli(['forecast', '--volume', mnt, '--json', ...quiet]));
    const set = j.tree.forecast.backupSets[0];
    assert.equal(set.dir, dir);
    assert.equal(set.pattern, 'dump\x1b[#J-#\n.sql');
    assert.equal(set.retention, 'growing');
  } finally {
    spawnSync('umount', [mnt]);
  }
});

test('forecast: a second look (the store keeps the sets seen) tells a dated set kept N from one growing', { skip: !isRoot() && 'needs root to mount a tmpfs' }, () => {
  const mnt = mountTmpfs('second', '32m');
  const store = path.join(tmp, 'store-second');
  try {
    const dir = path.join(mnt, 'dumps');
    fs.mkdirSync(dir);
    const now = Date.now();
    const stamp = (k: number) => new Date(now - k * DAY).toISOString().slice(0, 10);
    for (let k = 0; k < 7; k++) {
      for (const name of [`kept-${stamp(k)}.sql`, `all-${stamp(k)}.sql`]) {
        const f = path.join(dir, name);
        fs.writeFileSync(f, Buffer.alloc(256 * 1024, 1));
        fs.utimesSync(f, new Date(now - k * DAY - 3_600_000), new Date(now - k * DAY - 3_600_000));
      }
    }
    const args = ['forecast', '--volume', mnt, '--store', store, '--json', ...quiet];
    const first = json(runCli(args, { env }));
    const ret = (j: any) => Object.fromEntries(j.tree.forecast.backupSets.map((x: { pattern: string; retention: string }) => [x.pattern, x.retention]));
    assert.deepEqual(ret(first), { 'kept-#-#-#.sql': 'unknown', 'all-#-#-#.sql': 'unknown' });
    // the look was yesterday's: then "kept" had one older copy (since removed), "all" one copy fewer
    const file = path.join(store, 'firstcontact-sets.json');
    const seen = JSON.parse(fs.readFileSync(file, 'utf8'));
    for (const list of Object.values(seen.looks) as { pattern: string; at: number; oldest: number; copies: number }[][]) {
      for (const x of list) {
        x.at -= DAY;
        if (x.pattern.startsWith('kept')) x.oldest -= DAY;
        else x.copies -= 1;
      }
    }
    fs.writeFileSync(file, JSON.stringify(seen));
    const second = json(runCli(args, { env }));
    assert.deepEqual(ret(second), { 'kept-#-#-#.sql': 'kept', 'all-#-#-#.sql': 'growing' });
    const kept = second.tree.forecast.backupSets.find((x: { pattern: string }) => x.pattern.startsWith('kept'));
    assert.equal(kept.keptDays, 7);
    // a damaged file is a first look again, not an error
    fs.writeFileSync(file, '{"v":1,"looks":{"x":[{"dir":1}]}} trailing');
    assert.deepEqual(ret(json(runCli(args, { env }))), { 'kept-#-#-#.sql': 'unknown', 'all-#-#-#.sql': 'unknown' });
  } finally {
    spawnSync('umount', [mnt]);
  }
});

test('the browser at 80x24: a long history cut short by a resize is "N samples since" (not "no samples"); the offer\'s command is shown whole, wrapped', { skip: offerSkip }, async () => {
  const mnt = mountTmpfs('resized', '64m');
  const home = path.join(tmp, 'home-r');
  fs.mkdirSync(home, { recursive: true });
  const store = path.join(tmp, 'store-resized');
  fs.mkdirSync(store, { mode: 0o700 });
  // 30 days of samples of this mount point at another size (1 GiB): the browser's scan adds one at 64 MiB
  const now = Date.now();
  const rows: string[] = [];
  for (let t = now - 30 * DAY; t < now - 3_600_000; t += 3_600_000) {
    rows.push(JSON.stringify({ time: new Date(t).toISOString(), mount: mnt, device: 'tmpfs', fsType: 'tmpfs', sizeBytes: 1 << 30, usedBytes: 100 << 20, freeBytes: (1 << 30) - (100 << 20) }));
  }
  fs.writeFileSync(path.join(store, 'samples.jsonl'), rows.join('\n') + '\n', { mode: 0o600 });
  const ui = tmuxUi(`dbfr${process.pid}`);
  try {
    materialize(mnt, now);
    const out = path.join(tmp, 'crontab-resized.txt');
    const cmd = inNamespace(`${process.execPath} ${CLI} ${mnt}`, out, home).map((a) => a.replace(`DISKBLAME_STORE=${emptyStore}`, `DISKBLAME_STORE=${store}`));
    ui.tmux('new-session', '-d', '-s', 'ui', '-x', '80', '-y', '24', ...cmd);
    await ui.waitFor(/4 Forecast/, 30_000);
    await ui.keys('4');
    const s = await ui.waitFor(/Fills +between [^]*i: record a usage sample every 5 min/, 20_000);
    // the view wraps at 80 columns: the store's count goes on under the volume's line when it is long
    assert.match(s, /first contact(?::|\s*\n) *\d+ usage samp/);
    assert.doesNotMatch(s, /first contact(?::|\s*\n) *no usage samples/);
    assert.doesNotMatch(s, /not enough usage samples yet: not enough data/);
    await ui.keys('i');
    const c = await ui.waitFor(/Install it now\? y: yes, any other key: no/);
    // the crontab line, wrapped over rows but whole: its end is on the screen
    assert.match(c, /sample --quiet/);
    assert.match(c, /2>&1' \) \|/);
    const offer = c.slice(c.indexOf('To sample every 5 min'), c.indexOf('Install it now?'));
    assert.ok(offer.length > 0 && !offer.includes('…'), `the offer cut:\n${offer}`);
    await ui.keys('n');
    await ui.waitFor(/Nothing installed\./);
    await ui.keys('q');
    assert.match(await crontabOf(out), /no crontab/);
  } finally {
    ui.tmux('kill-server');
    spawnSync('umount', [mnt]);
  }
});
