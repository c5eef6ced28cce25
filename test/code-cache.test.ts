/**
 * The bin's start (issue 13): dist/diskblame.cjs (from scripts/bin.cjs) runs the program from
 * dist/lib/'s CommonJS pieces with V8's code cache (written at exit by src/cli/code-cache.ts).
 * The cache is written once per kind of command line into a private
 * directory, used after; one that is cut short, made for another build or another V8, reached
 * through a symbolic link or kept in a directory others can write is never used. The results are
 * the same with the cache, without it and from the tsc build. Nothing here is timed.
 * DISKBLAME_DEBUG_CODE_CACHE=1 makes the start say what became of the cache (`code cache: used FILE`).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { VERSION } from '../src/version.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const DIST = path.join(ROOT, 'dist');
const BIN = path.join(DIST, 'diskblame.cjs');
const CLI = path.join(DIST, 'cli/main.js');

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
  /** what the start said of the cache: 'used', 'none', 'rejected', 'off' (null: it said nothing) */
  cache: string | null;
  /** the signal that ended it (SIGTERM: killed at `timeout`) */
  signal: NodeJS.Signals | null;
}

function run(script: string, args: string[], cacheHome: string, env: Record<string, string> = {}, timeout = 120_000): Run {
  const r = spawnSync(process.execPath, [script, ...args], {
    encoding: 'utf8',
    timeout,
    env: { ...process.env, CI: 'true', XDG_CACHE_HOME: cacheHome, DISKBLAME_DEBUG_CODE_CACHE: '1', ...env },
  });
  const m = /^code cache: (\w+) /m.exec(r.stderr ?? '');
  return { status: r.status, stdout: r.stdout, stderr: (r.stderr ?? '').replace(/^code cache: .*\n/m, ''), cache: m ? m[1] : null, signal: r.signal };
}

function tmp(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `diskblame-codecache-${prefix}-`));
}

function tree(): string {
  const d = tmp('tree');
  fs.mkdirSync(path.join(d, 'a/b'), { recursive: true });
  for (let k = 0; k < 30; k++) fs.writeFileSync(path.join(d, 'a/b', `f${k}`), 'x'.repeat(k * 300));
  fs.writeFileSync(path.join(d, 'a', 'big'), 'y'.repeat(70_000));
  fs.symlinkSync('a/big', path.join(d, 'link'));
  return d;
}

/** write the cache of `--version` in `home` (a first run: none before); its directory, name and path */
function versionCache(home: string): { dir: string; name: string; file: string } {
  assert.equal(run(BIN, ['--version'], home).cache, 'none');
  const dir = path.join(home, 'diskblame', 'code');
  const [name] = [...cacheFiles(home).keys()];
  return { dir, name: name!, file: path.join(dir, name!) };
}

/** scan --json without its one timing figure */
function summary(r: Run): unknown {
  assert.equal(r.status, 0, r.stderr);
  const j = JSON.parse(r.stdout) as Record<string, unknown>;
  assert.equal(typeof j.elapsedMs, 'number');
  delete j.elapsedMs;
  return j;
}

/** the cache files in `home` (name -> inode: a file written again is a new inode, renamed into place) */
function cacheFiles(home: string): Map<string, number> {
  const dir = path.join(home, 'diskblame', 'code');
  const m = new Map<string, number>();
  if (!fs.existsSync(dir)) return m;
  for (const f of fs.readdirSync(dir)) m.set(f, fs.lstatSync(path.join(dir, f)).ino);
  return m;
}

test('the bin writes the code cache once per kind of command, then uses it; same results as without it and as the tsc build', () => {
  const home = tmp('home');
  const t = tree();
  try {
    const first = run(BIN, ['scan', '--json', t], home);
    assert.equal(first.cache, 'none');
    const files = cacheFiles(home);
    assert.equal(files.size, 1, [...files.keys()].join(' '));
    const [name] = [...files.keys()];
    assert.match(name, new RegExp(`^[0-9a-f]{16}-node${process.versions.node.replace(/\./g, '\\.')}-${process.arch}-[0-9a-f]{8}-scan\\.bin$`));
    const dir = path.join(home, 'diskblame', 'code');
    assert.equal(fs.statSync(dir).mode & 0o777, 0o700);
    const file = path.join(dir, name);
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
    const bytes = fs.readFileSync(file);
    const nl = bytes.indexOf(10);
    const [magic, key, list] = bytes.subarray(0, nl).toString('latin1').split(' | ');
    assert.equal(magic, 'diskblame-code-cache 2');
    assert.equal(`${key}-scan.bin`, name);
    // each piece the scan loaded, with the length of its data: the entry first, all of them in lib/
    const pieces = list!.split(',').map((p) => p.split('='));
    assert.equal(pieces[0]![0], 'main.cjs');
    for (const [piece] of pieces) assert.ok(fs.existsSync(path.join(DIST, 'lib', piece!)), piece);
    const len = pieces.reduce((n, [, l]) => n + Number(l), 0);
    assert.equal(len, bytes.length - nl - 1);
    assert.ok(len > 10_000, `only ${len} bytes of V8's data`);
    // not the whole program: no UI, owners or forecast piece
    assert.ok(pieces.length < fs.readdirSync(path.join(DIST, 'lib')).filter((f) => f.endsWith('.cjs')).length, list);

    const second = run(BIN, ['scan', '--json', t], home);
    assert.equal(second.cache, 'used');
    assert.deepEqual(cacheFiles(home), files, 'a used cache is not written again');
    const off = run(BIN, ['scan', '--json', t], home, { DISKBLAME_CODE_CACHE: '0' });
    assert.equal(off.cache, 'off');
    const tsc = run(CLI, ['scan', '--json', t], home);
    assert.equal(tsc.cache, null, 'the tsc build has no code cache');
    assert.deepEqual(summary(second), summary(first));
    assert.deepEqual(summary(off), summary(first));
    assert.deepEqual(summary(tsc), summary(first));
    // (--threads 2: the scanning workers run beside the program from the script)
    assert.deepEqual(summary(run(BIN, ['scan', '--json', '--threads', '2', t], home)), summary(first));

    // other kinds of command line get their own cache; text output as the tsc build's
    const v1 = run(BIN, ['--version'], home);
    const v2 = run(BIN, ['--version'], home);
    assert.deepEqual([v1.cache, v2.cache], ['none', 'used']);
    const v1Files = new Set(cacheFiles(home).keys());
    assert.equal(v2.stdout.split('\n')[0], VERSION);
    assert.equal(v2.stdout, run(CLI, ['--version'], home).stdout);
    const text = run(BIN, ['scan', t], home);
    assert.equal(text.cache, 'used');
    const strip = (s: string) => s.replace(/scanned in \d+ ms/, '');
    assert.equal(strip(text.stdout), strip(run(CLI, ['scan', t], home).stdout));
    const exp = path.join(home, 'export.json');
    // scan -o needs a piece that scan --json did not load (the export writer): the cache of the
    // kind is written again with it, then used whole
    const scanFile = [...cacheFiles(home)].find(([f]) => f.endsWith('-scan.bin'))!;
    const o1 = spawnSync(process.execPath, [BIN, 'scan', '-o', exp, t], { encoding: 'utf8', env: { ...process.env, CI: 'true', XDG_CACHE_HOME: home, DISKBLAME_DEBUG_CODE_CACHE: '1' } });
    assert.equal(o1.status, 0, o1.stderr);
    assert.match(o1.stderr, /^code cache: used \S+-scan\.bin \(pieces added\)$/m);
    const scanFile2 = [...cacheFiles(home)].find(([f]) => f.endsWith('-scan.bin'))!;
    assert.equal(scanFile2[0], scanFile[0]);
    assert.notEqual(scanFile2[1], scanFile[1], 'not written again with the piece it lacked');
    const o2 = spawnSync(process.execPath, [BIN, 'scan', '-o', exp, t], { encoding: 'utf8', env: { ...process.env, CI: 'true', XDG_CACHE_HOME: home, DISKBLAME_DEBUG_CODE_CACHE: '1' } });
    assert.equal(o2.status, 0, o2.stderr);
    assert.match(o2.stderr, /^code cache: used \S+-scan\.bin$/m);
    assert.equal([...cacheFiles(home)].find(([f]) => f.endsWith('-scan.bin'))![1], scanFile2[1], 'written again though nothing was missing');
    assert.equal(run(BIN, ['scan', '--json', t], home).cache, 'used');
    assert.equal([...cacheFiles(home)].find(([f]) => f.endsWith('-scan.bin'))![1], scanFile2[1], 'the pieces scan -o added were dropped by scan --json');
    const f1 = run(BIN, ['scan', '-f', exp, '--json'], home);
    const f2 = run(BIN, ['scan', '-f', exp, '--json'], home);
    assert.deepEqual([f1.cache, f2.cache], ['none', 'used']);
    assert.deepEqual(summary(f2), summary(run(CLI, ['scan', '-f', exp, '--json'], home)));
    // V8 refuses a cache made under other flags: Node's options (NODE_OPTIONS, the command line's) have their own
    const opts = { NODE_OPTIONS: '--max-semi-space-size=2' };
    assert.deepEqual([run(BIN, ['--version'], home, opts).cache, run(BIN, ['--version'], home, opts).cache, run(BIN, ['--version'], home).cache], ['none', 'used', 'used']);
    assert.equal(fs.readdirSync(path.join(home, 'diskblame', 'code')).filter((f) => f.endsWith('-version.bin')).length, 2);
    for (const f of fs.readdirSync(path.join(home, 'diskblame', 'code'))) if (f.endsWith('-version.bin') && !v1Files.has(f)) fs.rmSync(path.join(home, 'diskblame', 'code', f));
    assert.deepEqual([...cacheFiles(home).keys()].map((f) => f.replace(/^[0-9a-f]{16}-node[^-]+-[^-]+-[0-9a-f]{8}-/, '')).sort(), ['scan-f.bin', 'scan.bin', 'version.bin']);
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
    fs.rmSync(t, { recursive: true, force: true });
  }
});

test('a cache cut short, of another build, of another V8, through a link or in a directory others can write is not used', () => {
  const home = tmp('home');
  try {
    const { dir, file } = versionCache(home);
    const good = fs.readFileSync(file);
    const nl = good.indexOf(10);
    const check = (what: string, expect: string, rewritten = true) => {
      const before = fs.lstatSync(file).ino;
      const r = run(BIN, ['--version'], home);
      assert.equal(r.status, 0, `${what}: ${r.stderr}`);
      assert.equal(r.stdout.split('\n')[0], VERSION, what);
      assert.equal(r.cache, expect, what);
      if (rewritten) {
        assert.notEqual(fs.lstatSync(file).ino, before, `${what}: not written again`);
        assert.ok(fs.readFileSync(file).equals(good) || run(BIN, ['--version'], home).cache === 'used', `${what}: the new cache is not used`);
      }
    };
    // cut short: the lengths on the first line are not what follows
    fs.writeFileSync(file, good.subarray(0, good.length - 100));
    check('cut short', 'none');
    // another build's key on the first line
    fs.writeFileSync(file, Buffer.concat([Buffer.from(good.subarray(0, nl).toString('latin1').replace(/\| [0-9a-f]{16}-/, '| 0123456789abcdef-')), good.subarray(nl)]));
    check('another build', 'none');
    // V8's data of another V8 (its version hash, the 4 bytes after its magic number, in the first piece's data)
    const foreign = Buffer.from(good);
    for (let i = 4; i < 8; i++) foreign[nl + 1 + i] ^= 0x5a;
    fs.writeFileSync(file, foreign);
    check('another V8', 'rejected');
    // a symbolic link at the cache's name (to a good cache): never followed, never replaced
    const elsewhere = path.join(home, 'elsewhere.bin');
    fs.writeFileSync(elsewhere, fs.readFileSync(file));
    fs.rmSync(file);
    fs.symlinkSync(elsewhere, file);
    check('a symbolic link', 'none', false);
    assert.ok(fs.lstatSync(file).isSymbolicLink(), 'the link was replaced');
    fs.rmSync(file);
    // a directory others can write: nothing read from it, nothing written into it
    fs.writeFileSync(file, fs.readFileSync(elsewhere), { mode: 0o600 });
    fs.chmodSync(dir, 0o777);
    check('a directory others can write', 'none', false);
    fs.chmodSync(dir, 0o700);
    assert.equal(run(BIN, ['--version'], home).cache, 'used');
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
});

test("writing a cache removes other builds' caches that no run read for 30 days, nothing else", () => {
  const home = tmp('home');
  try {
    const dir = path.join(home, 'diskblame', 'code');
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const old = new Date(Date.now() - 40 * 86400_000);
    const plant = (name: string, atime: Date) => {
      fs.writeFileSync(path.join(dir, name), 'diskblame-code-cache 1 | x | 0\n');
      fs.utimesSync(path.join(dir, name), atime, atime);
    };
    plant('0123456789abcdef-node18.17.0-x64-0f0c6cdd-scan.bin', old); // another build, unread: removed
    plant('fedcba9876543210-node20.1.0-x64-0f0c6cdd-version.bin', new Date()); // another build, read lately: kept
    plant('notes.txt', old); // not a cache's name: kept
    fs.symlinkSync('/dev/null', path.join(dir, 'aaaaaaaaaaaaaaaa-node18.17.0-x64-0f0c6cdd-scan.bin')); // a link: kept
    const kept = ['fedcba9876543210-node20.1.0-x64-0f0c6cdd-version.bin', 'notes.txt', 'aaaaaaaaaaaaaaaa-node18.17.0-x64-0f0c6cdd-scan.bin'];
    assert.equal(run(BIN, ['--version'], home).cache, 'none');
    const now = fs.readdirSync(dir).sort();
    assert.deepEqual(now.filter((f) => !f.endsWith('-version.bin') || kept.includes(f)).sort(), [...kept].sort());
    assert.equal(now.length, kept.length + 1, now.join(' '));
    // the one just written is this build's
    assert.equal(run(BIN, ['--version'], home).cache, 'used');
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
});

test('without lib/main.cjs the bin runs from the ES module pieces, without lib/ from the one-file bundle', () => {
  const home = tmp('home');
  const away = tmp('dist');
  const t = tree();
  try {
    fs.cpSync(DIST, away, { recursive: true, filter: (f) => !/diskblame-linux-/.test(f) });
    const bin = path.join(away, 'diskblame.cjs');
    const want = summary(run(CLI, ['scan', '--json', t], home));
    fs.rmSync(path.join(away, 'lib', 'main.cjs'));
    const pieces = run(bin, ['scan', '--json', t], home);
    assert.equal(pieces.cache, null, 'no cache without the CommonJS pieces');
    assert.deepEqual(summary(pieces), want);
    fs.rmSync(path.join(away, 'lib'), { recursive: true });
    const core = run(bin, ['scan', '--json', t], home);
    assert.equal(core.cache, null);
    assert.deepEqual(summary(core), want);
    assert.equal(cacheFiles(home).size, 0);
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
    fs.rmSync(away, { recursive: true, force: true });
    fs.rmSync(t, { recursive: true, force: true });
  }
});

test('diff from the bin reads its second export in a worker thread that runs the pieces (lib/main.mjs)', () => {
  const home = tmp('home');
  const t = tree();
  try {
    const a = path.join(home, 'a.json');
    const b = path.join(home, 'b.json');
    assert.equal(run(BIN, ['scan', '-o', a, t], home).status, 0);
    fs.writeFileSync(path.join(t, 'a', 'new'), 'z'.repeat(50_000));
    assert.equal(run(BIN, ['scan', '-o', b, t], home).status, 0);
    const env = { DISKBLAME_DIFF_THREADS: '2' };
    const bin = run(BIN, ['diff', a, b, '--json'], home, env);
    assert.equal(bin.status, 0, bin.stderr);
    const tsc = run(CLI, ['diff', a, b, '--json'], home, env);
    assert.equal(tsc.status, 0, tsc.stderr);
    assert.deepEqual(JSON.parse(bin.stdout), JSON.parse(tsc.stdout));
    assert.match(bin.stdout, /\/a\/new"/);
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
    fs.rmSync(t, { recursive: true, force: true });
  }
});

test('with no home (no HOME, a user with no passwd entry) and no XDG_CACHE_HOME the bin runs, uncached', (t) => {
  if (process.getuid?.() !== 0 || spawnSync('setpriv', ['--version']).status !== 0) return t.skip('needs root and setpriv');
  const d = tree();
  fs.chmodSync(d, 0o755);
  for (const dir of [path.join(d, 'a'), path.join(d, 'a/b')]) fs.chmodSync(dir, 0o755);
  const env: Record<string, string> = { ...(process.env as Record<string, string>), CI: 'true', DISKBLAME_DEBUG_CODE_CACHE: '1' };
  delete env.HOME;
  delete env.XDG_CACHE_HOME;
  // a uid that /etc/passwd does not list: os.homedir() throws
  const uid = '54321';
  const r = spawnSync('setpriv', ['--reuid', uid, '--regid', uid, '--clear-groups', process.execPath, BIN, 'scan', '--json', d], { encoding: 'utf8', env, timeout: 120_000 });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /^code cache: off /m);
  const j = JSON.parse(r.stdout) as { entries: number; errors: number };
  assert.equal(j.entries, 35); // the root, a, a/b, 30 files, big, link
  assert.equal(j.errors, 0);
  const v = spawnSync('setpriv', ['--reuid', uid, '--regid', uid, '--clear-groups', process.execPath, BIN, '--version'], { encoding: 'utf8', env, timeout: 120_000 });
  assert.equal(v.status, 0, v.stderr);
  assert.match(v.stdout, new RegExp(VERSION.replace(/\./g, '\\.')));
  // the commands that read a default file below the home: the kinds pass takes the built-in rules,
  // the store has to be named (one line, no trace), and named it works
  const as = (...a: string[]) => spawnSync('setpriv', ['--reuid', uid, '--regid', uid, '--clear-groups', process.execPath, BIN, ...a], { encoding: 'utf8', env: { ...env, DISKBLAME_STORE: '' }, timeout: 120_000 });
  const o = as('owners', d, '--json', '--sample-ms', '0', '--no-progress');
  assert.equal(o.status, 0, o.stderr);
  const oj = JSON.parse(o.stdout) as { categories?: unknown[]; incomplete?: unknown };
  assert.ok(Array.isArray(oj.categories) && oj.categories.length > 0, `no kinds of data: ${JSON.stringify(oj.incomplete)}`);
  const noStore = as('snapshot', d, '--no-progress');
  assert.notEqual(noStore.status, 0);
  assert.equal(noStore.stderr.replace(/^code cache: .*\n/gm, ''), 'diskblame: no store: there is no home directory (no HOME, no passwd entry); name one with --store DIR or DISKBLAME_STORE\n');
  const store = fs.mkdtempSync(path.join(os.tmpdir(), 'diskblame-nohome-store-'));
  fs.chmodSync(store, 0o777);
  try {
    const named = as('snapshot', d, '--no-progress', '--store', path.join(store, 's'), '--json');
    assert.equal(named.status, 0, named.stderr);
    assert.equal((JSON.parse(named.stdout) as { entries: number }).entries, 35);
  } finally {
    fs.rmSync(store, { recursive: true, force: true });
  }
  fs.rmSync(d, { recursive: true, force: true });
});

test('a FIFO, a device, a directory or another user\'s file at the cache\'s name is left as it is: no hang, nothing written into it, the run uncached', (t) => {
  const home = tmp('home');
  try {
    const { dir, name, file } = versionCache(home);
    const check = (what: string, isIt: (st: fs.Stats) => boolean) => {
      const before = fs.lstatSync(file);
      const r = run(BIN, ['--version'], home, {}, 20_000);
      assert.equal(r.status, 0, `${what}: ${r.stderr} (signal ${r.signal})`);
      assert.equal(r.stdout.split('\n')[0], VERSION, what);
      assert.equal(r.cache, 'none', what);
      const after = fs.lstatSync(file);
      assert.ok(isIt(after) && after.ino === before.ino && after.uid === before.uid, `${what}: replaced or changed`);
      assert.deepEqual(fs.readdirSync(dir), [name], `${what}: a temp file left`);
      fs.rmSync(file, { recursive: true });
    };
    fs.rmSync(file);
    spawnSync('mkfifo', [file]);
    check('a FIFO', (st) => st.isFIFO()); // (written into in place, the exit waited for a reader forever)
    fs.mkdirSync(file);
    check('a directory', (st) => st.isDirectory());
    if (process.getuid?.() !== 0) return t.skip('the rest needs root (mknod, chown)');
    assert.equal(spawnSync('mknod', [file, 'c', '1', '3']).status, 0); // (a /dev/null of its own)
    check('a character device', (st) => st.isCharacterDevice());
    fs.writeFileSync(file, 'x', { mode: 0o600 });
    fs.chownSync(file, 65534, 65534);
    check("another user's file", (st) => st.isFile() && st.size === 1); // (was replaced by ours, given to that user)
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
});

test('a cache directory that cannot be made (in /proc) or is reached through a link another user planted: the run ends, uncached, nothing made', (t) => {
  // (Node's mkdirSync recursive loops forever where mkdir says ENOENT under a directory that exists)
  const proc = run(BIN, ['--version'], '/proc/self', {}, 20_000);
  assert.equal(proc.status, 0, `${proc.stderr} (signal ${proc.signal})`);
  assert.equal(proc.stdout.split('\n')[0], VERSION);
  assert.equal(proc.cache, 'none');
  if (process.getuid?.() !== 0) return t.skip('the rest needs root (a link of another user)');
  const pub = tmp('pub');
  const mine = tmp('mine');
  try {
    fs.chmodSync(pub, 0o1777); // (as /tmp)
    fs.symlinkSync(mine, path.join(pub, 'diskblame'));
    fs.lchownSync(path.join(pub, 'diskblame'), 65534, 65534);
    const r = run(BIN, ['--version'], pub, {}, 20_000);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.split('\n')[0], VERSION);
    assert.deepEqual(fs.readdirSync(mine), [], 'made through the planted link');
  } finally {
    fs.rmSync(pub, { recursive: true, force: true });
    fs.rmSync(mine, { recursive: true, force: true });
  }
});

test('a piece of lib/ cut short where its text still parses is one line and a failure, not a run that does nothing', () => {
  const home = tmp('home');
  const away = tmp('dist');
  try {
    fs.cpSync(DIST, away, { recursive: true, filter: (f) => !/diskblame-linux-/.test(f) });
    const bin = path.join(away, 'diskblame.cjs');
    const main = path.join(away, 'lib', 'main.cjs');
    const text = fs.readFileSync(main, 'latin1');
    // cut after a statement: what is left parses, and ran as a program that prints nothing, exit 0
    const cut = text.indexOf(';', 50) + 1;
    fs.writeFileSync(main, text.slice(0, cut), 'latin1');
    for (const args of [['--version'], ['scan', away]]) {
      const r = run(bin, args, home);
      assert.equal(r.status, 1, `${args.join(' ')}: ${r.stdout} ${r.stderr}`);
      assert.equal(r.stderr, 'diskblame: cannot load lib/main.cjs: it is cut short (an incomplete install?): install diskblame again\n');
      assert.equal(r.stdout, '');
    }
    // a piece that only scan loads
    fs.writeFileSync(main, text, 'latin1');
    const piece = fs.readdirSync(path.join(away, 'lib')).find((f) => /^cli-.*\.cjs$/.test(f))!;
    const p = path.join(away, 'lib', piece);
    const ptext = fs.readFileSync(p, 'latin1');
    fs.writeFileSync(p, ptext.slice(0, ptext.indexOf(';', 50) + 1), 'latin1');
    assert.equal(run(bin, ['--version'], home).status, 0);
    const r = run(bin, ['scan', away], home);
    assert.equal(r.status, 1, r.stdout);
    assert.match(r.stderr, new RegExp(`^diskblame: cannot load the program: lib/${piece.replace('.', '\\.')} is cut short \\(an incomplete install\\?\\): install diskblame again\\n$`));
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
    fs.rmSync(away, { recursive: true, force: true });
  }
});

test('a relative HOME is no home (as a relative XDG_CACHE_HOME): nothing is made below the current directory', (t) => {
  if (process.getuid?.() !== 0 || spawnSync('setpriv', ['--version']).status !== 0) return t.skip('needs root and setpriv');
  const cwd = tmp('cwd');
  fs.chmodSync(cwd, 0o777);
  try {
    const env: Record<string, string> = { ...(process.env as Record<string, string>), CI: 'true', DISKBLAME_DEBUG_CODE_CACHE: '1', HOME: 'relhome', DISKBLAME_STORE: '' };
    delete env.XDG_CACHE_HOME;
    // a uid that /etc/passwd does not list: no home but HOME's
    const as = (...a: string[]) => spawnSync('setpriv', ['--reuid', '54321', '--regid', '54321', '--clear-groups', process.execPath, BIN, ...a], { encoding: 'utf8', env, cwd, timeout: 120_000 });
    const v = as('--version');
    assert.equal(v.status, 0, v.stderr);
    assert.match(v.stderr, /^code cache: off /m);
    const s = as('snapshot', cwd, '--no-progress');
    assert.notEqual(s.status, 0);
    assert.equal(s.stderr.replace(/^code cache: .*\n/gm, ''), 'diskblame: no store: there is no home directory (no HOME, no passwd entry); name one with --store DIR or DISKBLAME_STORE\n');
    assert.deepEqual(fs.readdirSync(cwd), []);
  } finally {
    fs.rmSync(cwd, { recursive: true, force: true });
  }
});

test('a cache file far larger than any cache (1 GiB, sparse) is not read: memory stays bounded, the file is written again', (t) => {
  if (spawnSync('/usr/bin/time', ['-f', '%M', 'true']).status !== 0) return t.skip('needs /usr/bin/time');
  const home = tmp('home');
  try {
    const { file } = versionCache(home);
    fs.truncateSync(file, 2 ** 30); // (its first line still this build's: read whole, it was 1 GiB of memory)
    const r = spawnSync('/usr/bin/time', ['-f', 'maxrss %M', process.execPath, BIN, '--version'], {
      encoding: 'utf8',
      timeout: 120_000,
      env: { ...process.env, CI: 'true', XDG_CACHE_HOME: home, DISKBLAME_DEBUG_CODE_CACHE: '1' },
    });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.split('\n')[0], VERSION);
    assert.match(r.stderr, /^code cache: none /m);
    const kib = Number(/^maxrss (\d+)$/m.exec(r.stderr)![1]);
    assert.ok(kib < 300 * 1024, `max RSS ${kib} KiB: the file was read`);
    assert.ok(fs.statSync(file).size < 2 ** 24, 'not written again');
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
});

test("root with another user's HOME (sudo without -H): the code cache and the caches go to root's own home, nothing into that user's", async (t) => {
  if (process.getuid?.() !== 0) return t.skip('needs root');
  if (spawnSync('unshare', ['--version']).status !== 0) return t.skip('no unshare');
  const { homeDir, cacheDir } = await import('../src/util/cachedir.js');
  const theirs = tmp('their-home');
  const saved = { HOME: process.env.HOME, XDG_CACHE_HOME: process.env.XDG_CACHE_HOME };
  try {
    fs.chownSync(theirs, 65534, 65534);
    const rootHome = os.userInfo().homedir;
    process.env.HOME = theirs;
    delete process.env.XDG_CACHE_HOME;
    assert.equal(homeDir(), rootHome);
    assert.equal(cacheDir(), path.join(rootHome, '.cache', 'diskblame'));
    fs.chownSync(theirs, 0, 0); // a HOME of root's own is kept, wherever it is
    assert.equal(homeDir(), theirs);
    fs.chownSync(theirs, 65534, 65534);
    // the bin's own rule (scripts/bin.cjs codeDir), in a mount namespace of its own where root's home
    // is a fresh tmpfs: the machine's own is never written
    const r = spawnSync(
      'unshare',
      ['-m', '--propagation', 'private', 'sh', '-c', 'mount -t tmpfs none "$1" && HOME="$2" "$3" "$4" --version && ls "$1/.cache/diskblame/code"', 'sh', rootHome, theirs, process.execPath, BIN],
      { encoding: 'utf8', env: { ...process.env, XDG_CACHE_HOME: '', HOME: theirs }, timeout: 60_000 },
    );
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`^${VERSION.replace(/\./g, '\\.')}\\n`), r.stdout);
    assert.match(r.stdout, /-version\.bin\n$/, `no cache in root's home: ${r.stdout}`);
    assert.deepEqual(fs.readdirSync(theirs), [], "written into the other user's home");
  } finally {
    for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k];
    else process.env[k] = v;
    fs.rmSync(theirs, { recursive: true, force: true });
  }
});
