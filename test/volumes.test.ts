/**
 * The volumes table: the pure core on data (which mounts, the figures, sorting, hostile names),
 * the use case on a mount table file, `volumes --json` against `df` for this machine's real mounts,
 * a deleted-but-open file held by a child process on a tmpfs mounted here (root), and the view in
 * a real terminal (tmux, a socket of our own): `diskblame` with no PATH, sorting, Enter browsing a
 * volume.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fillText, sortVolumes, volumeJson, volumeMounts, volumeRows, volumesText, type VolumeFacts } from '../src/report/volumes.js';
import { volumeLines, VOLUMES_HELP } from '../src/ui/VolumesView.js';
import { keyHelpPages } from '../src/ui/overlays.js';
import { gatherVolumes } from '../src/app/volumes.js';
import { isLocalFs, isRealFs } from '../src/store/mounts.js';
import { parseMountinfo } from '../src/util/mountinfo.js';
import { assertOneLineError, isRoot, run, runCli } from './helpers/run.js';
import { makeTmp, rmrf } from './helpers/fs.js';
import { storeWith } from './helpers/samples.js';
import { haveTmux, tmuxUi } from './helpers/tmux.js';
import { width } from '../src/ui/text.js';
import type { ProcSnapshot } from '../src/owners/types.js';

const GIB = 2 ** 30;
const DAY = 86_400_000;
const tmp = makeTmp('volumes');
test.after(() => rmrf(tmp));

function facts(mount: string, o: Partial<VolumeFacts> = {}): VolumeFacts {
  return {
    device: Buffer.from('/dev/x'),
    mountPoint: Buffer.from(mount),
    fsType: 'ext4',
    sizeBytes: 100 * GIB,
    usedBytes: 40 * GIB,
    freeBytes: 55 * GIB,
    inodes: 1000,
    inodesFree: 250,
    deletedOpenBytes: 0,
    forecast: null,
    ...o,
  };
}

test('volumeMounts: real filesystems as df lists them: bind mounts and a device mounted twice once, a mount point mounted over hidden; --all adds tmpfs, never NFS or autofs', () => {
  const table = parseMountinfo(
    [
      '1 0 8:1 / / rw - ext4 /dev/sda1 rw',
      '2 1 0:5 / /proc rw - proc proc rw',
      '3 1 8:1 /srv/data /mnt/bind rw - ext4 /dev/sda1 rw', // a bind mount of a subdirectory of /
      '4 1 8:2 / /home rw - xfs /dev/sda2 rw',
      '5 1 8:2 / /also/home rw - xfs /dev/sda2 rw', // the same device again, a longer mount point
      '6 1 0:40 / /run rw - tmpfs tmpfs rw',
      '7 1 0:41 / /net rw - nfs4 server:/x rw',
      '8 1 0:42 / /auto rw - autofs systemd-1 rw',
      '9 1 8:3 / /data rw - ext4 /dev/sdb1 rw',
      '10 1 8:4 / /data rw - btrfs /dev/sdc1 rw', // mounted over /data: the ext4 below is hidden
    ].join('\n'),
  );
  const pts = (all: boolean) => volumeMounts(table, all ? isLocalFs : isRealFs).map((m) => m.mountPoint.toString());
  assert.deepEqual(pts(false), ['/', '/home', '/data']);
  assert.deepEqual(pts(true), ['/', '/proc', '/home', '/run', '/data']); // (/proc: size 0, left out by the use case)
  assert.equal(volumeMounts(table, isRealFs).at(-1)!.fsType, 'btrfs');
});

test('volumeRows, sortVolumes, fillText: percentages rounded up as df, sorting keys, fill times', () => {
  const now = Date.UTC(2026, 11, 1);
  const rows = volumeRows([
    facts('/', { usedBytes: 1, freeBytes: 10 * GIB }),
    facts('/big', { sizeBytes: 900 * GIB, forecast: { status: 'ok', at: now + 3 * DAY, why: 'fill' } }),
    facts('/full', { usedBytes: 99 * GIB, freeBytes: 1 * GIB, inodes: 0, inodesFree: 0, forecast: { status: 'ok', at: now + 5 * 3_600_000, why: 'peak' } }),
    facts('/new', { forecast: { status: 'not-enough-data', at: null, why: null } }),
    facts('/calm', { forecast: { status: 'ok', at: null, why: null }, sizeBytes: 0, usedBytes: 0, freeBytes: 0 }),
  ]);
  assert.equal(rows[0].usedPct, 1, '1 byte used is 1%, as df');
  assert.equal(rows[1].usedPct, Math.ceil((100 * 40) / 95));
  assert.equal(rows[1].inodesUsedPct, 75);
  assert.equal(rows[2].inodesUsedPct, null, 'no inode count (btrfs)');
  assert.equal(rows[4].usedPct, null);
  const order = (by: Parameters<typeof sortVolumes>[1]) => sortVolumes(rows, by).map((r) => Buffer.from(r.mountPoint).toString());
  assert.deepEqual(order('mount'), ['/', '/big', '/full', '/new', '/calm']);
  assert.deepEqual(order('size'), ['/big', '/', '/full', '/new', '/calm']);
  assert.deepEqual(order('used'), ['/full', '/big', '/new', '/', '/calm']);
  assert.deepEqual(order('fill'), ['/full', '/big', '/calm', '/new', '/']);
  assert.deepEqual(
    rows.map((r) => fillText(r.forecast, now)),
    ['', '3d', '5h!', 'too few', '> 1y'],
  );
  assert.equal(fillText({ status: 'ok', at: now - 1, why: 'fill' }, now), 'full');
  assert.equal(fillText({ status: 'ok', at: now + 90 * DAY, why: 'fill' }, now), '3mo');
  const j = volumeJson(rows[1]);
  assert.equal(j.sizeBytes, 900 * GIB);
  assert.equal(j.forecast!.fillsAt, new Date(now + 3 * DAY).toISOString());
});

test('hostile device and mount names are escaped in the text, the view lines and kept exact in JSON; the view fits 80 columns', () => {
  const evil = Buffer.concat([Buffer.from('/mnt/new\nline\x1b[2J'), Buffer.from([0xff])]);
  const rows = volumeRows([facts('/'), facts('', { mountPoint: evil, device: Buffer.from('dev\x07\ttab') })]);
  const text = volumesText(rows, Date.now());
  const lines = text.trimEnd().split('\n');
  assert.equal(lines.length, 3, 'a header and one line per volume: the newline does not break a line');
  assert.ok(!/[\x00-\x08\x0b-\x1f\x7f]/.test(text), 'no control character reaches the terminal');
  assert.ok(lines[2].includes('/mnt/new\\nline\\x1b[2J'), lines[2]);
  const j = volumeJson(rows[1]);
  assert.deepEqual(Buffer.from(j.mountBase64!, 'base64'), evil);
  for (const w of [80, 100, 132]) {
    const vl = volumeLines(rows, Date.now(), w);
    for (const l of vl) assert.equal(width(l), w, `every view line exactly ${w} columns: ${JSON.stringify(l)}`);
    assert.equal(vl[0].includes('Device'), w >= 100);
  }
});

test('gatherVolumes on a mount table: statfs of each, deleted-open bytes by device (each inode once), forecasts from the store, nothing created', async () => {
  const dir = path.join(tmp, 'g');
  fs.mkdirSync(dir);
  const mi = path.join(tmp, 'mountinfo');
  fs.writeFileSync(mi, [`1 0 254:0 / / rw - ext4 /dev/root rw`, `2 1 254:9 / ${dir} rw - ext4 /dev/other rw`, `3 1 254:8 / ${dir}/gone rw - ext4 /dev/gone rw`].join('\n') + '\n');
  const dev = fs.statSync('/').dev;
  const file = (pid: number, fd: number, ino: number, diskBytes: number, d = dev) =>
    ({ pid, fd, dev: d, ino, path: `/x${ino}`, bytes: diskBytes, diskBytes, deleted: true, writing: false, append: false, pos: 0, grewBytes: 0, mapped: false }) as unknown as ProcSnapshot['files'][number];
  const snap = {
    processes: [{ pid: 10, command: 'a', uid: 0, user: 'root', unit: null, container: null, unitUser: null }],
    files: [file(10, 3, 7, 4096), file(10, 4, 7, 4096), file(10, 5, 8, 8192)],
    complete: false,
    unreadable: 1,
    scannedProcesses: 1,
    scannedFds: 3,
    elapsedMs: 1,
  } as ProcSnapshot;
  const store = path.join(tmp, 'gstore');
  const missing = path.join(tmp, 'no-store');
  let g = await gatherVolumes({ mountinfo: mi, store: missing, readProcs: async () => snap });
  assert.equal(fs.existsSync(missing), false, 'no store created');
  assert.deepEqual(g.volumes.map((v) => v.mountPoint.toString()), ['/', dir]);
  assert.equal(g.notes.length, 1, 'the mount point that is gone is a note');
  assert.match(g.notes[0], /gone/);
  assert.equal(g.volumes[0].deletedOpenBytes, 4096 + 8192, 'inode 7 on two fds counted once');
  assert.equal(g.deletedOpenComplete, false);
  const df = fs.statfsSync('/');
  assert.equal(g.volumes[0].sizeBytes, df.blocks * df.bsize);
  assert.equal(g.volumes[0].forecast, null);
  storeWith(store, '/', 10);
  g = await gatherVolumes({ mountinfo: mi, store, readProcs: async () => snap });
  const f = g.volumes[0].forecast!;
  assert.equal(f.status, 'ok');
  assert.ok(Math.abs(f.at! - (Date.now() + 10 * DAY)) < 1.5 * DAY, `fills in about 10 days: ${new Date(f.at!).toISOString()}`);
  assert.equal(g.volumes[1].forecast, null, 'no history of the other mount');
  // /proc unreadable: Deleted unknown, not 0
  g = await gatherVolumes({ mountinfo: mi, store: missing, readProcs: async () => { throw new Error('no /proc'); } });
  assert.equal(g.volumes[0].deletedOpenBytes, null);
});

test('volumes --json against df: the same real mounts, the same sizes; the text lists them; bad --sort is a usage error', () => {
  const r = runCli(['volumes', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout) as { volumes: { mount: string; fsType: string; sizeBytes: number; inodes: number }[] };
  const df = run('df', ['-B1', '--output=target,fstype,size']).stdout.trim().split('\n').slice(1).map((l) => l.trim().split(/\s+/));
  const want = df.filter(([, t, s]) => isRealFs(t) && Number(s) > 0);
  assert.deepEqual(j.volumes.map((v) => v.mount).sort(), want.map(([m]) => m).sort());
  for (const [m, , s] of want) assert.equal(j.volumes.find((v) => v.mount === m)!.sizeBytes, Number(s), `size of ${m}`);
  const t = runCli(['volumes']);
  assert.equal(t.code, 0, t.stderr);
  const tl = t.stdout.trimEnd().split('\n');
  assert.match(tl[0], /^Device +Mounted on +Type +Size +Used +Free +Inodes +Deleted +Fills$/);
  assert.equal(tl.length, want.length + 1);
  assertOneLineError(runCli(['volumes', '--sort', 'bogus']), 2);
  // piped `diskblame` with no PATH is the summary of the current directory, as before
  const d = makeTmp('volumes-cwd');
  try {
    fs.writeFileSync(path.join(d, 'here.bin'), Buffer.alloc(50_000, 1));
    const s = runCli(['--json', '--no-sample'], { cwd: d });
    assert.equal(s.code, 0, s.stderr);
    assert.equal(JSON.parse(s.stdout).root, d);
  } finally {
    rmrf(d);
  }
});

/** a tmpfs mounted in a temp dir for the test (root only), unmounted after */
function withTmpfs(name: string): { dir: string; done: () => void } {
  const dir = path.join(tmp, name);
  fs.mkdirSync(dir);
  const m = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=16m', 'dbtest', dir], { encoding: 'utf8' });
  assert.equal(m.status, 0, m.stderr);
  return { dir, done: () => void spawnSync('umount', ['-l', dir]) };
}

/** a child process that writes `bytes` to `file`, deletes it and keeps it open; resolves once it has */
function holdDeleted(file: string, bytes: number): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    ['-e', `const fs=require('fs');const fd=fs.openSync(process.argv[1],'w');fs.writeSync(fd,Buffer.alloc(${bytes},1));fs.unlinkSync(process.argv[1]);console.log('held');setInterval(()=>{},1000)`, file],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  return new Promise((resolve, reject) => {
    child.stdout!.once('data', () => resolve(child));
    child.once('exit', (c) => reject(new Error(`holder exited ${c}`)));
  });
}

test('volumes --all --json: a deleted-but-open file held by a child process on a tmpfs mounted here', { skip: !isRoot() && 'mounting a tmpfs needs root' }, async () => {
  const t = withTmpfs('held');
  let child: ChildProcess | null = null;
  try {
    const vol = () => {
      const r = runCli(['volumes', '--all', '--json']);
      assert.equal(r.code, 0, r.stderr);
      return (JSON.parse(r.stdout) as { volumes: { mount: string; fsType: string; deletedOpenBytes: number }[] }).volumes.find((v) => v.mount === t.dir)!;
    };
    assert.equal(vol().deletedOpenBytes, 0);
    assert.equal(vol().fsType, 'tmpfs');
    assert.ok(!JSON.parse(runCli(['volumes', '--json']).stdout).volumes.some((v: { mount: string }) => v.mount === t.dir), 'without --all: no tmpfs');
    child = await holdDeleted(path.join(t.dir, 'big.log'), 3 * 1024 * 1024);
    assert.equal(vol().deletedOpenBytes, 3 * 1024 * 1024);
    child.kill();
    await new Promise((r) => child!.once('exit', r));
    child = null;
    assert.equal(vol().deletedOpenBytes, 0, 'released when the process ends');
  } finally {
    child?.kill();
    t.done();
  }
});

test('a real mount point with a newline, an escape sequence and a space: escaped in the text, exact in JSON', { skip: !isRoot() && 'mounting a tmpfs needs root' }, () => {
  const t = withTmpfs('evil\nname\x1b[31m red');
  try {
    const r = runCli(['volumes', '--all']);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(!/[\x00-\x08\x0b-\x1f\x7f]/.test(r.stdout), 'no control character in the text');
    const line = r.stdout.split('\n').find((l) => l.includes('evil'))!;
    assert.ok(line.includes('evil\\nname\\x1b[31m red'), line);
    assert.match(line, /^dbtest +\//);
    const j = JSON.parse(runCli(['volumes', '--all', '--json']).stdout) as { volumes: { mount: string }[] };
    assert.ok(j.volumes.some((v) => v.mount === t.dir), 'the exact mount point in JSON');
  } finally {
    t.done();
  }
});

const SOCKET = `diskblame-volumes-${process.pid}`;
const { tmux, screen, waitFor, keys } = tmuxUi(SOCKET);
const BIN = path.resolve(import.meta.dirname, '..', 'dist/diskblame.cjs');

test('tmux 80x24: `diskblame` with no PATH opens the volumes view; sorting keys; q quits with 0; Enter browses a volume', { skip: !haveTmux && 'tmux not installed' }, async () => {
  const store = path.join(tmp, 'tstore');
  storeWith(store, '/', 10);
  const done = path.join(tmp, 'tmux.exit');
  const t = isRoot() ? withTmpfs('browse') : null;
  try {
    tmux('kill-server');
    tmux('new-session', '-d', '-s', 'ui', '-x', '80', '-y', '24', `cd ${tmp} && DISKBLAME_STORE=${store} ${BIN}; echo $? > ${done}; sleep 5`);
    let s = await waitFor(/diskblame volumes: \d+, by mount order/);
    assert.match(s, /Mounted on +Type +Size +Use% +Free +Inode% +Deleted +Fills/);
    assert.match(s, /`diskblame \.` browses the current directory/);
    const root = s.split('\n').find((l) => /^\/ /.test(l))!;
    assert.match(root, /ext4|xfs|btrfs/);
    assert.match(root, / (9|10|11)d *$/, `the forecast of / from the store: ${root}`);
    for (const line of s.split('\n')) assert.ok(width(line) <= 80, `line over 80 columns: ${line}`);
    assert.match(s, /on \/ \(/, 'the selected volume and its device on the status line');
    await keys('u');
    s = await waitFor(/by used %/);
    await keys('f');
    s = await waitFor(/by fill time/);
    await keys('q');
    const end = Date.now() + 30_000;
    while (!fs.existsSync(done) && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
    assert.equal(fs.readFileSync(done, 'utf8').trim(), '0');
    if (t) {
      // Enter on the tmpfs (the last mounted: G) scans it and opens the browser there
      fs.writeFileSync(path.join(t.dir, 'inside.bin'), Buffer.alloc(100_000, 1));
      fs.rmSync(done);
      tmux('kill-server');
      tmux('new-session', '-d', '-s', 'ui', '-x', '80', '-y', '24', `DISKBLAME_STORE=${store} ${BIN} volumes --all; echo $? > ${done}; sleep 5`);
      await waitFor(/diskblame volumes/);
      await keys('G');
      s = await waitFor(new RegExp(`on ${t.dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(tmpfs\\)`));
      await keys('Enter');
      s = await waitFor(/\[1 Browse\][\s\S]*inside\.bin/);
      assert.ok(s.includes(`--- ${t.dir}`), s);
      await keys('q');
      const end2 = Date.now() + 30_000;
      while (!fs.existsSync(done) && Date.now() < end2) await new Promise((r) => setTimeout(r, 100));
      assert.equal(fs.readFileSync(done, 'utf8').trim(), '0');
      // the scan Enter starts takes the config file's excludes, as `diskblame MOUNTPOINT` does
      const cfg = path.join(path.dirname(store), `cfg-${path.basename(store)}.json`);
      fs.writeFileSync(cfg, JSON.stringify({ exclude: ['inside.bin'] }));
      fs.rmSync(done);
      tmux('kill-server');
      tmux('new-session', '-d', '-s', 'ui', '-x', '80', '-y', '24', `DISKBLAME_CONFIG=${cfg} DISKBLAME_STORE=${store} ${BIN} volumes --all; echo $? > ${done}; sleep 5`);
      await waitFor(/diskblame volumes/);
      await keys('G');
      await waitFor(new RegExp(`on ${t.dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(tmpfs\\)`));
      await keys('Enter');
      s = await waitFor(/\[1 Browse\][\s\S]*inside\.bin/);
      const row = s.split('\n').find((l) => l.includes('inside.bin'))!;
      assert.match(row, /^\s*<?\s*0 B/, s);
      await keys('q');
      fs.rmSync(cfg);
    }
  } finally {
    tmux('kill-server');
    t?.done();
  }
});

test('the volumes help in pages: 80 columns, the browser pager on a short terminal', () => {
  const one = keyHelpPages(VOLUMES_HELP, 80, 23);
  assert.equal(one.length, 1, 'at 80x24 it fits one page');
  for (const l of VOLUMES_HELP) assert.ok(width(l) <= 80, `over 80 columns: ${l}`);
  const pages = keyHelpPages(VOLUMES_HELP, 80, 8);
  assert.ok(pages.length > 1);
  for (const p of pages) assert.equal(p.length, 8, 'each page fills the rows given, its last line says how to page');
  assert.match(pages[0][7], /page 1\/\d+ .*Space\/PgDn: more/);
  assert.deepEqual(pages.flatMap((p) => p.slice(0, 7)).filter((l) => l !== ''), VOLUMES_HELP.filter((l) => l !== ''));
});

test('tmux 80x24: Enter browses a tmpfs, h at its top returns to the list on it (h below the top goes up), ? shows the keys; a mount point that is not UTF-8 is browsed by its bytes', { skip: (!haveTmux && 'tmux not installed') || (!isRoot() && 'mounting a tmpfs needs root') }, async () => {
  const store = path.join(tmp, 'bstore');
  const done = path.join(tmp, 'back.exit');
  const t = withTmpfs('backto');
  // a mount point named with the byte 0xff: through sh (a process's arguments from Node are UTF-8)
  const bad = Buffer.concat([Buffer.from(path.join(tmp, 'bad')), Buffer.from([0xff])]);
  fs.mkdirSync(bad);
  const sh = (cmd: string) => spawnSync('sh', ['-c', cmd, 'sh', tmp], { encoding: 'utf8' });
  let m = sh('mount -t tmpfs -o size=4m dbtest "$1/bad$(printf "\\377")"');
  assert.equal(m.status, 0, m.stderr);
  try {
    fs.mkdirSync(path.join(t.dir, 'sub'));
    fs.writeFileSync(path.join(t.dir, 'sub', 'deep.bin'), Buffer.alloc(50_000, 1));
    fs.writeFileSync(path.join(t.dir, 'top.bin'), Buffer.alloc(100_000, 1));
    fs.writeFileSync(Buffer.concat([bad, Buffer.from('/only-here.bin')]), Buffer.alloc(30_000, 1));
    tmux('kill-server');
    tmux('new-session', '-d', '-s', 'ui', '-x', '80', '-y', '24', `DISKBLAME_STORE=${store} ${BIN} volumes --all; echo $? > ${done}; sleep 5`);
    await waitFor(/diskblame volumes: \d+, by mount order/);
    await keys('s'); // by size: the order must survive the trip to the browser and back
    await waitFor(/by size/);
    const sel = new RegExp(`on ${t.dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(tmpfs\\)`);
    for (let k = 0; k < 40 && !sel.test(screen()); k++) await keys('j');
    await waitFor(sel);
    await keys('Enter');
    let s = await waitFor(/\[1 Browse\][\s\S]*top\.bin/);
    assert.ok(s.includes(`--- ${t.dir}`), s);
    // into sub/ (second by size), then h goes up inside the tree, not to the list
    await keys('j');
    await keys('Enter');
    await waitFor(/deep\.bin/);
    await keys('h');
    s = await waitFor(/top\.bin/);
    assert.match(s, /\[1 Browse\]/, 'h below the top goes up in the browser');
    // h at the top: the list again, the cursor on that volume, the order kept
    await keys('h');
    s = await waitFor(/diskblame volumes: \d+, by size/);
    assert.match(s, sel, `the cursor stays on the volume browsed:\n${s}`);
    // Backspace and < come back too
    await keys('Enter');
    await waitFor(/\[1 Browse\][\s\S]*top\.bin/);
    await keys('BSpace');
    await waitFor(/diskblame volumes: \d+, by size/);
    await keys('Enter');
    await waitFor(/\[1 Browse\][\s\S]*top\.bin/);
    await keys('<');
    await waitFor(/diskblame volumes: \d+, by size/);
    // ? : the keys, within 80 columns; q closes the help, not the program
    await keys('?');
    s = await waitFor(/Keys \(volumes view/);
    assert.match(s, /Left, h, Backspace or < at its top come back here/);
    assert.match(s, /Press \? or q to close/);
    for (const line of s.split('\n')) assert.ok(width(line) <= 80, `line over 80 columns: ${line}`);
    await keys('q');
    s = await waitFor(/diskblame volumes: \d+, by size/);
    // the mount point that is not UTF-8: shown escaped, browsed by its bytes
    const badSel = new RegExp(`on ${tmp.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/bad\\\\xff \\(tmpfs\\)`);
    for (let k = 0; k < 40 && !badSel.test(screen()); k++) await keys('k');
    for (let k = 0; k < 40 && !badSel.test(screen()); k++) await keys('j');
    await waitFor(badSel);
    await keys('Enter');
    s = await waitFor(/\[1 Browse\][\s\S]*only-here\.bin/);
    assert.ok(s.includes(`--- ${tmp}/bad\\xff`), s);
    // q in the browser quits the program, with 0
    await keys('q');
    const end = Date.now() + 30_000;
    while (!fs.existsSync(done) && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
    assert.equal(fs.readFileSync(done, 'utf8').trim(), '0');
    assert.ok(!fs.existsSync(store), 'no store created');
  } finally {
    tmux('kill-server');
    t.done();
    sh('umount -l "$1/bad$(printf "\\377")"');
  }
});
