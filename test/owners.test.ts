/**
 * `diskblame owners` end to end: a real process holding a deleted file on a tmpfs the test mounts,
 * the df/du reconciliation of that tmpfs against df, packages on a real system tree.
 */
import { elfHeader, ET_CORE } from './helpers/elf.js';
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { reconcile, type VolumeInfo } from '../src/owners/reconcile.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const CLI = path.join(ROOT, 'dist/cli/main.js');
const isRoot = process.getuid?.() === 0;

// the package table cache goes to a temporary directory, not the home of whoever runs the tests
const CACHE = fs.mkdtempSync(path.join(os.tmpdir(), 'diskblame-cache-'));
process.on('exit', () => fs.rmSync(CACHE, { recursive: true, force: true }));

function cli(args: string[], cli = CLI, env: NodeJS.ProcessEnv = {}): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', maxBuffer: 64 << 20, env: { ...process.env, XDG_CACHE_HOME: CACHE, ...env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * Run `body` on a 64 MiB tmpfs mounted for it (the test is skipped when mount fails); `hold` starts
 * a bash script that says "ready" once it holds its files. The holder is killed and the tmpfs
 * unmounted and removed after.
 */
async function onTmpfs(t: TestContext, prefix: string, body: (mnt: string, hold: (script: string) => Promise<ChildProcess>) => Promise<void>): Promise<void> {
  const mnt = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const m = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64m', 'tmpfs', mnt], { encoding: 'utf8' });
  if (m.status !== 0) {
    fs.rmdirSync(mnt);
    return t.skip(`mount failed: ${m.stderr}`);
  }
  let holder: ChildProcess | null = null;
  const hold = async (script: string) => {
    const h = (holder = spawn('bash', ['-c', script], { stdio: ['ignore', 'pipe', 'inherit'] }));
    await new Promise<void>((res) => h.stdout!.once('data', () => res()));
    return h;
  };
  try {
    await body(mnt, hold);
  } finally {
    (holder as ChildProcess | null)?.kill('SIGKILL');
    await new Promise((r) => setTimeout(r, 100));
    spawnSync('umount', [mnt]);
    fs.rmSync(mnt, { recursive: true, force: true });
  }
}

test('owners on a tmpfs: the deleted-but-open file, and df = scan + deleted-open within 1%', { skip: !isRoot && 'needs root to mount a tmpfs' }, (t) =>
  onTmpfs(t, 'diskblame-owners-', async (mnt, hold) => {
    fs.mkdirSync(path.join(mnt, 'kept'));
    fs.writeFileSync(path.join(mnt, 'kept', 'live.bin'), Buffer.alloc(3 << 20, 1));
    const victim = path.join(mnt, 'deleted.log');
    fs.writeFileSync(victim, Buffer.alloc(8 << 20, 2));
    // a process that holds it open, then the file is deleted: df still counts it, du cannot see it
    // ... and another that writes one log on two fds (lsof lists both; the text gives one row)
    const log = path.join(mnt, 'kept', 'twice.log');
    const holder = await hold(`exec 3<"${victim}"; rm "${victim}"; exec 4>>"${log}" 5>>"${log}"; echo ready; exec sleep 60`);
    const r = cli(['owners', mnt, '--json', '--sample-ms', '0']);
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout);
    const mine = j.deletedOpen.filter((d: { pid: number }) => d.pid === holder.pid);
    assert.equal(mine.length, 1, JSON.stringify(j.deletedOpen));
    assert.equal(mine[0].path, victim);
    assert.equal(mine[0].bytes, 8 << 20);
    assert.match(mine[0].fix, /\/proc\/\d+\/fd\/3/);
    const df = Number(spawnSync('df', ['-B1', '--output=used', mnt], { encoding: 'utf8' }).stdout.trim().split('\n').pop());
    const du = Number(spawnSync('du', ['-sB1', mnt], { encoding: 'utf8' }).stdout.split('\t')[0]);
    const rc = j.reconciliation;
    assert.equal(rc.volumeUsedBytes, df, 'used = df');
    assert.equal(rc.scannedBytes, du, 'scanned = du');
    assert.equal(rc.deletedOpenBytes, 8 << 20);
    assert.ok(rc.scannedWholeVolume);
    assert.ok(Math.abs(rc.unexplainedBytes) <= Math.max(0.01 * df, 64 << 10), `unexplained ${rc.unexplainedBytes} of ${df}`);
    // the text output names it too, with the fix
    const txt = cli(['owners', mnt, '--sample-ms', '0']);
    assert.equal(txt.code, 0, txt.stderr);
    assert.match(txt.stdout, /Deleted but still open/);
    assert.ok(txt.stdout.includes(victim));
    // one row per file, not per fd: its fds named
    assert.deepEqual(j.writers.filter((w: { pid: number }) => w.pid === holder.pid).map((w: { fd: number; fds: number[] }) => [w.fd, w.fds]), [[4, [4, 5]]]);
    const rows = txt.stdout.split('\n').filter((l) => l.includes(log) && l.includes(' pid '));
    assert.equal(rows.length, 1, txt.stdout);
    assert.match(rows[0], new RegExp(`pid ${holder.pid} .*\\(fds 4,5\\)  ${log.replace(/[.]/g, '\\.')}$`));
  }),
);

test('owners text: a file written on 3 fds is one row, one fix per process, kinds of data by bytes, singular and plural', { skip: !isRoot && 'needs root to mount a tmpfs' }, (t) =>
  onTmpfs(t, 'diskblame-owners-text-', async (mnt, hold) => {
    // kinds: one small core dump (the first rule: its ELF header says ET_CORE) and two larger live logs (a later rule)
    fs.writeFileSync(path.join(mnt, 'core'), elfHeader(ET_CORE, 8192));
    fs.writeFileSync(path.join(mnt, 'a.log'), Buffer.alloc(1 << 20, 1));
    fs.writeFileSync(path.join(mnt, 'b.log'), Buffer.alloc(1 << 20, 1));
    const d1 = path.join(mnt, 'gone1.bin');
    const d2 = path.join(mnt, 'gone2.bin');
    fs.writeFileSync(d1, Buffer.alloc(2 << 20, 2));
    fs.writeFileSync(d2, Buffer.alloc(1 << 20, 2));
    const log = path.join(mnt, 'thrice.out');
    // one process: two deleted files (fds 3 and 6) and one file written through fds 4, 5 and 7
    const holder = await hold(`exec 3<"${d1}" 6<"${d2}"; rm "${d1}" "${d2}"; exec 4>>"${log}" 5>>"${log}" 7>>"${log}"; echo ready; exec sleep 60`);
    const j = JSON.parse(cli(['owners', mnt, '--json', '--sample-ms', '0']).stdout);
    const mine = j.writers.filter((w: { pid: number }) => w.pid === holder.pid);
    assert.equal(mine.length, 1, JSON.stringify(j.writers));
    assert.deepEqual(mine[0].fds, [4, 5, 7]);
    assert.deepEqual(j.categories.map((c: { name: string }) => c.name).slice(0, 2), ['live logs', 'core dumps'], 'kinds of data by bytes, largest first');
    const r = cli(['owners', mnt, '--sample-ms', '0']);
    assert.equal(r.code, 0, r.stderr);
    const txt = r.stdout;
    const rows = txt.split('\n').filter((l) => l.includes(log) && l.includes(' pid '));
    assert.equal(rows.length, 1, txt);
    assert.match(rows[0], /\(fds 4,5,7\)/);
    // the deleted files: two rows of the one process, then its fix once, truncating both fds
    const fixes = txt.split('\n').filter((l) => /^\s+fix: /.test(l));
    assert.equal(fixes.length, 1, txt);
    assert.ok(fixes[0].includes(`truncate -s 0 /proc/${holder.pid}/fd/3 /proc/${holder.pid}/fd/6`), fixes[0]);
    assert.match(txt, /held by deleted files still open \(2 files\)/);
    // (each kind's line, not its biggest items below it)
    const kinds = txt.slice(txt.indexOf('Kinds of data')).split('\n').filter((l) => / files? +[a-z]/.test(l));
    assert.match(kinds[0], /^\s+2 MiB\s+2 files  live logs/);
    assert.match(kinds[1], /^\s+8 KiB\s+1 file   core dumps/);
    assert.doesNotMatch(txt, /\b1 files\b|\b1 processes\b|\b1 open files\b/);
  }),
);

test('owners on /usr/bin: ls belongs to coreutils; kinds and users are listed', { skip: !fs.existsSync('/var/lib/dpkg/info/coreutils.list') && 'no dpkg' }, () => {
  const r = cli(['owners', '/usr/bin', '--json', '--sample-ms', '0', '--top', '500']);
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  const core = j.packages.find((p: { name: string }) => p.name.startsWith('coreutils'));
  assert.ok(core, 'coreutils among the packages');
  const lsBytes = fs.statSync('/usr/bin/ls').blocks * 512;
  assert.ok(core.bytes >= lsBytes);
  assert.ok(j.users.length >= 1 && j.users[0].user === 'root');
  assert.equal(j.reconciliation.scannedWholeVolume, false);
  assert.match(j.reconciliation.notes.join(' '), /not the volume's root/);
});

test('the bundle builds the package table in a worker, caches it, and the cached table gives the same packages', { skip: !fs.existsSync('/var/lib/dpkg/info/coreutils.list') && 'no dpkg' }, () => {
  const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'diskblame-cache-'));
  try {
    const bundle = path.join(ROOT, 'dist/diskblame.cjs');
    const args = ['owners', '/usr/bin', '--json', '--sample-ms', '0', '--top', '1000'];
    // DISKBLAME_DEBUG: a worker that fails (and falls back to the main thread) says so on stderr;
    // the package worker builds the missing table and caches it; the packages are attributed here
    const first = cli(args, bundle, { XDG_CACHE_HOME: cache, DISKBLAME_DEBUG: '1' });
    assert.equal(first.code, 0, first.stderr);
    assert.doesNotMatch(first.stderr, /worker failed/);
    assert.ok(fs.existsSync(path.join(cache, 'diskblame', 'packages.bin')), 'the worker wrote no cache');
    const second = cli(args, bundle, { XDG_CACHE_HOME: cache });
    assert.equal(second.code, 0, second.stderr);
    const pk = (o: string) => JSON.parse(o).packages;
    assert.deepEqual(pk(second.stdout), pk(first.stdout));
    assert.ok(pk(first.stdout).some((p: { name: string }) => p.name.startsWith('coreutils')));
  } finally {
    fs.rmSync(cache, { recursive: true, force: true });
  }
});

test('owners: bad input is one line and a non-zero exit', () => {
  const r = cli(['owners', '/nonexistent-dir']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^diskblame: cannot scan \/nonexistent-dir: no such file or directory\n$/);
  const b = cli(['owners', '.', '--sample-ms', '-5']);
  assert.equal(b.code, 2);
  assert.equal(b.stderr.split('\n').filter(Boolean).length, 1);
  const cfg = path.join(os.tmpdir(), `diskblame-bad-rules-${process.pid}.json`);
  fs.writeFileSync(cfg, '{ not json');
  try {
    const c = cli(['owners', '.', '--rules', cfg, '--sample-ms', '0']);
    assert.equal(c.code, 1);
    assert.equal(c.stderr.split('\n').filter(Boolean).length, 1, c.stderr);
    assert.ok(c.stderr.includes(cfg));
  } finally {
    fs.rmSync(cfg, { force: true });
  }
});

test('reconcile: an interrupted scan says so and guesses no other cause for the rest', () => {
  const vol = { mountPoint: '/v', device: '/dev/x', fsType: 'ext4', dev: 1, sizeBytes: 100e9, usedBytes: 40e9, freeBytes: 60e9, reservedBytes: 5e9 } satisfies VolumeInfo;
  const whole = reconcile(vol, '/v', 10e9, 0, true);
  assert.match(whole.notes.join('\n'), /likely causes of the rest/);
  const cut = reconcile(vol, '/v', 10e9, 0, true, true);
  assert.equal(cut.unexplainedBytes, 30e9);
  assert.match(cut.notes[0], /^the scan was interrupted: what it did not reach counts as unexplained/);
  assert.doesNotMatch(cut.notes.join('\n'), /likely causes/);
});
