/**
 * The standalone binary (dist/diskblame-linux-ARCH, scripts/binary.mjs) with no node reachable: each
 * run is in a private mount namespace (`unshare -m`) where every node on the PATH (and the one running
 * these tests) is covered by a bind mount of /dev/null, and PATH is the system's own directories.
 * Scan totals equal du's to the byte (with worker threads), owners (its package worker) agrees with
 * the tsc build, snapshot + diff (its reader thread) too, the browser runs in tmux (the server started
 * inside the namespace, so its panes are too), and it runs with a read-only root, a full noexec /tmp and
 * /dev/shm, executes nothing but itself and leaves no file behind.
 * The binary is built here when it is missing or older than the bundle (about 10 s, without the .xz).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO, run, runCliOk, du, have, isRoot, type RunResult } from './helpers/run.js';

const BIN = path.join(REPO, 'dist', `diskblame-linux-${process.arch}`);
const VERSION = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')).version as string;
const SYSTEM_PATH = '/usr/sbin:/usr/bin:/sbin:/bin';
const skip = !isRoot() ? 'needs root (mount namespaces)' : !have('unshare') ? 'unshare not installed' : process.platform !== 'linux' && 'Linux only';

/** every node a program could find: on the PATH (ours and the system's) and the one running the tests */
function nodeFiles(): string[] {
  const dirs = new Set([...(process.env.PATH ?? '').split(':'), ...SYSTEM_PATH.split(':')].filter((d) => path.isAbsolute(d)));
  const found = new Set<string>([fs.realpathSync(process.execPath)]);
  for (const d of dirs)
    for (const name of ['node', 'nodejs']) {
      try {
        const real = fs.realpathSync(path.join(d, name));
        if (fs.statSync(real).isFile()) found.add(real);
      } catch {
        /* not there */
      }
    }
  return [...found];
}

const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
/** the start of every namespace: node hidden, PATH the system's, and a check that no node is left */
const PRELUDE = () =>
  [
    'set -e',
    ...nodeFiles().map((f) => `mount --bind /dev/null ${q(f)}`),
    `export PATH=${SYSTEM_PATH}`,
    'if command -v node >/dev/null 2>&1 || command -v nodejs >/dev/null 2>&1; then echo "node is on the PATH" >&2; exit 99; fi',
    'if node -e 0 >/dev/null 2>&1 || nodejs -e 0 >/dev/null 2>&1; then echo "node runs" >&2; exit 99; fi',
    'cd /',
  ].join('\n');

/**
 * Run a shell script in a private mount namespace with no node; `$0` is the binary and "$@" are
 * `args`. Exit 99: node was still reachable.
 */
function inNamespace(script: string, args: string[] = [], env: NodeJS.ProcessEnv = {}, timeoutMs = 120_000): RunResult {
  const r = run('unshare', ['-m', '--propagation', 'private', 'sh', '-c', `${PRELUDE()}\n${script}`, BIN, ...args], {
    env: { ...process.env, DISKBLAME_DEBUG: '', ...env },
    timeoutMs,
  });
  assert.notEqual(r.code, 99, `node reachable in the namespace: ${r.stderr}`);
  return r;
}

/** the binary with `args` in the namespace; it must succeed */
function binOk(args: string[], env: NodeJS.ProcessEnv = {}): RunResult {
  const r = inNamespace('exec "$0" "$@"', args, env);
  assert.equal(r.signal, null, `${args.join(' ')}: killed (hung?)`);
  assert.equal(r.code, 0, `binary ${args.join(' ')}: exit ${r.code}, stderr: ${r.stderr}`);
  return r;
}

let work = '';
let tree = '';

/** a tree with nested directories, ~1500 files of assorted sizes, hard links, a sparse file, a symlink */
function makeTree(dir: string): void {
  let n = 0;
  for (let a = 0; a < 6; a++)
    for (let b = 0; b < 10; b++) {
      const d = path.join(dir, `a${a}`, `b${b}`);
      fs.mkdirSync(d, { recursive: true });
      for (let c = 0; c < 25; c++) fs.writeFileSync(path.join(d, `f${c}`), Buffer.alloc((n++ * 7919) % 20_000, 1));
    }
  fs.mkdirSync(path.join(dir, 'empty'));
  fs.writeFileSync(path.join(dir, 'linked'), Buffer.alloc(123_457, 2));
  fs.linkSync(path.join(dir, 'linked'), path.join(dir, 'a0', 'hardlink'));
  const fd = fs.openSync(path.join(dir, 'sparse'), 'w');
  fs.writeSync(fd, Buffer.alloc(4096, 3), 0, 4096, 3 << 20);
  fs.closeSync(fd);
  fs.symlinkSync('a1/b1/f1', path.join(dir, 'link'));
}

/** when the binary was built: build it when it is missing or older than what it is built from */
function ensureBinary(): void {
  const dist = path.join(REPO, 'dist');
  const bundle = ['diskblame-core.mjs', 'diskblame.mjs'].map((f) => path.join(dist, f)).find((f) => fs.existsSync(f));
  assert.ok(bundle, 'no bundle in dist/: npm run build first');
  const sources = [bundle, ...['sea-entry.cjs', 'binary.mjs', 'bundle-plugins.mjs', 'steps.mjs'].map((f) => path.join(REPO, 'scripts', f))];
  const newest = Math.max(...sources.map((f) => fs.statSync(f).mtimeMs));
  if (fs.existsSync(BIN) && fs.statSync(BIN).mtimeMs >= newest) return;
  const r = run(process.execPath, [path.join(REPO, 'scripts', 'binary.mjs'), '--no-xz'], { cwd: REPO, timeoutMs: 600_000 });
  assert.equal(r.code, 0, `scripts/binary.mjs failed: ${r.stdout}${r.stderr}`);
}

before(() => {
  if (skip) return;
  ensureBinary();
  // not under /tmp: one test mounts a tmpfs over it
  work = fs.mkdtempSync(path.join(fs.existsSync('/var/tmp') ? '/var/tmp' : os.tmpdir(), 'diskblame-binary-test-'));
  tree = path.join(work, 'tree');
  makeTree(tree);
});
after(() => {
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

test('binary: the namespace hides node (the same check passes outside it), and the binary runs there', { skip }, () => {
  const outside = run('sh', ['-c', 'command -v node && node -e "process.exit(0)"']);
  assert.equal(outside.code, 0, 'node runs outside the namespace');
  const inside = inNamespace('for n in "$(command -v node || true)" /usr/bin/node "$1"; do [ -n "$n" ] && "$n" -e 0 2>/dev/null && echo "ran $n"; done; exit 0', [process.execPath]);
  assert.equal(inside.code, 0, inside.stderr);
  assert.equal(inside.stdout, '', 'a node ran inside the namespace');
  assert.equal(binOk(['--version']).stdout.split('\n')[0], VERSION);
  assert.ok(fs.statSync(BIN).size > 10e6, 'the binary holds node');
});

test('binary, no node: scan totals equal du -sb and du -sB1 to the byte, on one thread and with worker threads (-o)', { skip }, () => {
  const apparent = du(['-sb'], tree).exact;
  const disk = du(['-sB1'], tree).exact;
  const one = JSON.parse(binOk(['scan', tree, '--json', '--threads', '1', '--no-sample']).stdout);
  assert.equal(BigInt(one.apparentBytes), apparent, 'apparent size, one thread');
  assert.equal(BigInt(one.diskBytes), disk, 'disk usage, one thread');
  assert.equal(one.incomplete, false);
  // an export keeps the main thread busy: the scanning is all in worker threads
  const exp = path.join(work, 'export.json');
  const threaded = JSON.parse(binOk(['scan', tree, '--json', '--threads', '2', '-o', exp, '--no-sample']).stdout);
  assert.equal(BigInt(threaded.apparentBytes), apparent, 'apparent size, worker threads');
  assert.equal(BigInt(threaded.diskBytes), disk, 'disk usage, worker threads');
  assert.equal(threaded.entries, one.entries);
  const back = JSON.parse(binOk(['scan', '-f', exp, '--json']).stdout);
  assert.equal(BigInt(back.diskBytes), disk, 'the export read back');
  assert.equal(back.entries, one.entries);
});

test('binary, no node: owners (the package worker) gives the packages the tsc build gives', { skip }, () => {
  const dir = fs.existsSync('/usr/share/doc') ? '/usr/share/doc' : '/usr/bin';
  const args = ['owners', dir, '--json', '--sample-ms', '0', '--top', '50', '--no-progress'];
  const cache = path.join(work, 'owners-cache');
  const r = binOk(args, { DISKBLAME_DEBUG: '1', XDG_CACHE_HOME: cache });
  assert.doesNotMatch(r.stderr, /worker/i, 'the package worker failed');
  const bin = JSON.parse(r.stdout);
  assert.ok(fs.statSync(path.join(cache, 'diskblame', 'packages.bin')).size > 0, 'the package table was built and cached');
  const ref = JSON.parse(runCliOk(args, { env: { ...process.env, DISKBLAME_DEBUG: '', XDG_CACHE_HOME: path.join(work, 'owners-cache-ref') } }).stdout);
  assert.equal(bin.reconciliation.scannedBytes, ref.reconciliation.scannedBytes);
  assert.deepEqual(bin.packages, ref.packages);
  assert.deepEqual(bin.users, ref.users);
  if (have('dpkg-query')) assert.ok(bin.packages.some((p: { name: string }) => !p.name.startsWith('(')), 'some file belongs to a package');
});

test('binary, no node: scan -f of an export through its native fast path (written to the cache once) equals the tsc build', { skip }, () => {
  const exp = path.join(work, 'tree.ncdu.json');
  runCliOk(['scan', tree, '-o', exp, '--no-progress', '--no-sample']);
  const cache = path.join(work, 'import-cache');
  const args = ['scan', '-f', exp, '--json', '--top', '20', '--no-sample'];
  // (the time taken aside)
  const json = (r: RunResult) => ({ ...JSON.parse(r.stdout), elapsedMs: 0 });
  const bin = json(binOk(args, { XDG_CACHE_HOME: cache }));
  // the export reader's fast path is written to the cache under the hash of its bytes
  const hash = (f: string) => spawnSync('sha256sum', [f], { encoding: 'utf8' }).stdout.split(' ')[0];
  const written = fs.readdirSync(path.join(cache, 'diskblame', 'native'));
  assert.ok(written.includes(`${hash(path.join(REPO, 'build', 'Release', 'ncduparse.node'))}.node`), written.join(' '));
  const ref = json(runCliOk(args, { env: { ...process.env, DISKBLAME_DEBUG: '', DISKBLAME_NATIVE: '0' } }));
  assert.deepEqual(bin, ref);
  // and when the cache cannot be written (below a regular file: ENOTDIR, even for root), the
  // JavaScript parser reads it alike
  const again = json(binOk(args, { XDG_CACHE_HOME: path.join(exp, 'cache') }));
  assert.deepEqual(again, ref);
});

test('binary, no node: a link another user planted on the way to its reader cache gets nothing made at its end; the scan still equals du', { skip }, () => {
  const pub = path.join(work, 'pub');
  const mine = path.join(work, 'mine');
  fs.mkdirSync(pub, { mode: 0o1777 });
  fs.chmodSync(pub, 0o1777); // (as /tmp)
  fs.mkdirSync(mine, { mode: 0o700 });
  try {
    fs.symlinkSync(mine, path.join(pub, 'diskblame'));
    fs.lchownSync(path.join(pub, 'diskblame'), 65534, 65534);
    const r = binOk(['scan', '--json', '--no-sample', tree], { XDG_CACHE_HOME: pub });
    assert.equal((JSON.parse(r.stdout) as { apparentBytes: number }).apparentBytes, Number(spawnSync('du', ['-sbx', tree], { encoding: 'utf8' }).stdout.split('\t')[0]));
    assert.deepEqual(fs.readdirSync(mine), [], 'made through the planted link');
  } finally {
    fs.rmSync(pub, { recursive: true, force: true });
    fs.rmSync(mine, { recursive: true, force: true });
  }
});

test('binary, no node: snapshot twice, then diff (read in its reader thread) as the tsc build reads it', { skip }, () => {
  const store = path.join(work, 'store');
  const dir = path.join(work, 'snap');
  fs.cpSync(path.join(tree, 'a0'), dir, { recursive: true });
  const env = { DISKBLAME_STORE: store };
  binOk(['snapshot', dir, '--no-progress'], env);
  fs.writeFileSync(path.join(dir, 'grown.bin'), Buffer.alloc(250_000, 4));
  fs.rmSync(path.join(dir, 'b1'), { recursive: true });
  binOk(['snapshot', dir, '--no-progress'], env);
  const list = JSON.parse(binOk(['snapshots', '--json'], env).stdout);
  assert.equal(list.snapshots.length, 2);
  const r = binOk(['diff', '--json', '--top', '50'], { ...env, DISKBLAME_DIFF_THREADS: '2' });
  const bin = JSON.parse(r.stdout);
  const ref = JSON.parse(runCliOk(['diff', '--json', '--top', '50'], { env: { ...process.env, DISKBLAME_DEBUG: '', ...env, DISKBLAME_DIFF_THREADS: '1' } }).stdout);
  assert.deepEqual(bin, ref);
  assert.ok(JSON.stringify(bin).includes('grown.bin'), 'the added file is in the diff');
});

test('binary, no node: the browser in tmux (server started in the namespace, CI=true set), open a directory, quit with 0', { skip: skip || (!have('tmux') && 'tmux not installed') }, async () => {
  const sock = path.join(work, 'tmux.sock');
  const done = path.join(work, 'ui.exit');
  const nodeSeen = path.join(work, 'ui.node');
  const tmux = (...a: string[]) => spawnSync('tmux', ['-S', sock, ...a], { encoding: 'utf8' });
  const sleep = (ms: number) => new Promise((res) => setTimeout(res, ms));
  const waitFor = async (re: RegExp, ms = 30_000) => {
    const end = Date.now() + ms;
    let s = '';
    while (Date.now() < end) {
      s = tmux('capture-pane', '-p', '-t', 'ui').stdout ?? '';
      if (re.test(s)) return s;
      await sleep(100);
    }
    throw new Error(`screen never matched ${re}:\n${s}`);
  };
  try {
    // the pane: no node on its PATH either, CI=true (Ink draws nothing under CI unless the program hides it)
    const pane = `if node -e 0 || nodejs -e 0; then echo ran; fi > ${q(nodeSeen)} 2>/dev/null; CI=true ${q(BIN)} ${q(tree)}; echo $? > ${q(done)}; sleep 5`;
    const r = inNamespace('tmux -S "$1" new-session -d -s ui -x 100 -y 30 "$2"', [sock, pane]);
    assert.equal(r.code, 0, r.stderr);
    let s = await waitFor(/\[1 Browse\][\s\S]*a5\//);
    assert.ok(s.includes(`--- ${tree}`), s);
    tmux('send-keys', '-t', 'ui', 'Enter'); // the largest directory first
    s = await waitFor(/b\d\//);
    assert.match(s, new RegExp(`--- ${tree}/a\\d`));
    tmux('send-keys', '-t', 'ui', 'q');
    const end = Date.now() + 10_000;
    while (!fs.existsSync(done) && Date.now() < end) await sleep(100);
    assert.equal(fs.readFileSync(done, 'utf8').trim(), '0', 'exit code');
    assert.equal(fs.readFileSync(nodeSeen, 'utf8'), '', 'a node ran in the pane');
  } finally {
    tmux('kill-server');
    const end = Date.now() + 5000;
    while (Date.now() < end && tmux('ls').status === 0) await sleep(50);
  }
});

test('binary, no node: read-only root, /tmp and /dev/shm full (bytes and inodes) and noexec: scan equals du, owners runs, it executes nothing but itself, no file left', { skip: skip || (work.startsWith('/tmp/') && 'the test directory is under /tmp') }, () => {
  assert.ok(!work.startsWith('/tmp/'), 'the test tree must not be under /tmp');
  // fresh tmpfs on /tmp and /dev/shm, filled with files until no inode is left, then with bytes
  // the binary stays reachable when the checkout itself is under /tmp (CI clones there): held open
  // on fd 9 before /tmp is covered, and run as /proc/self/fd/9
  const setup = [
    'exec 9<"$0"',
    'case "$0" in /tmp/*|/dev/shm/*) BIN=/proc/self/fd/9 ;; *) BIN="$0" ;; esac',
    'for d in /tmp /dev/shm; do',
    '  mount -t tmpfs -o size=256k,nr_inodes=16,mode=1777,noexec,nosuid,nodev diskblame-full "$d"',
    '  i=0; while [ $i -lt 100 ] && touch "$d/fill$i" 2>/dev/null; do i=$((i+1)); done',
    '  dd if=/dev/zero of="$d/fill0" bs=4k 2>/dev/null || true',
    'done',
    'mount -o remount,bind,ro /',
    'if touch /diskblame-rw-probe 2>/dev/null; then echo "root is writable" >&2; exit 98; fi',
    'export HOME=/tmp XDG_CACHE_HOME=/tmp/cache DISKBLAME_STORE=/tmp/store TMPDIR=/tmp',
    'before=$(ls -A /tmp /dev/shm | tr "\\n" " ")',
  ].join('\n');
  const leftCheck = 'after=$(ls -A /tmp /dev/shm | tr "\\n" " "); [ "$before" = "$after" ] || { echo "left behind: $after" >&2; exit 97; }';
  const inFull = (cmd: string, args: string[]) => {
    const r = inNamespace(`${setup}\nset +e\n${cmd.replaceAll('"$0"', '"$BIN"')}\nrc=$?\nset -e\n${leftCheck}\nexit $rc`, args);
    assert.notEqual(r.code, 98, 'the root was not read-only');
    assert.notEqual(r.code, 97, r.stderr);
    return r;
  };

  const scan = inFull('"$0" scan "$1" --json', [tree]);
  assert.equal(scan.code, 0, scan.stderr);
  const s = JSON.parse(scan.stdout);
  assert.equal(BigInt(s.apparentBytes), du(['-sb'], tree).exact);
  assert.equal(BigInt(s.diskBytes), du(['-sB1'], tree).exact);

  const owners = inFull('"$0" owners "$1" --json --sample-ms 0 --no-progress', [tree]);
  assert.equal(owners.code, 0, owners.stderr);
  assert.equal(JSON.parse(owners.stdout).reconciliation.scannedBytes, s.diskBytes);

  if (have('strace')) {
    // worker threads too (-o): no program run but the binary, no memfd, nothing unpacked
    const traced = inFull('strace -f -qq -e trace=execve,execveat,memfd_create "$0" scan "$1" --threads 2 -o - >/dev/null', [tree]);
    assert.equal(traced.code, 0, traced.stderr);
    const calls = traced.stderr.split('\n').filter((l) => /\b(execve|execveat|memfd_create)\(/.test(l));
    assert.equal(calls.length, 1, calls.join('\n'));
    const execd = BIN.startsWith('/tmp/') || BIN.startsWith('/dev/shm/') ? '/proc/self/fd/9' : BIN;
    assert.ok(calls[0].includes(`execve("${execd}"`), calls[0]);
  }
});
