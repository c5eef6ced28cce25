/**
 * `--remote` end to end: the real CLI (dist/cli/main.js) over a real sshd on 127.0.0.1
 * (test/helpers/sshd.ts), no loopback. The sshd runs in its own mount and UTS namespaces with the
 * host name "far-away", so what the remote reports (its host name, a tmpfs mounted only there) can
 * be told from what this side would have said.
 *
 * root's PATH has node (the bundle is streamed to it); the test user has none (the standalone
 * binary, dist/diskblame-linux-x64, is uploaded once, then run from its cache; built here when it
 * is missing or older than the bundle).
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CLI, REPO, assertOneLineError, duOk, lines, run, runCli, runCliOk, type ScanJson } from './helpers/run.js';
import { bpath, makeRemoteTree, makeTmp, rmrf, writeSized } from './helpers/fs.js';
import { sshdAvailable, startSshd, type TestSshd } from './helpers/sshd.js';
import { haveTmux, tmuxUi } from './helpers/tmux.js';
import { holdsUnder, processes, wrote } from './helpers/procs.js';

const REMOTE_HOST = 'far-away';
const BIN = path.join(REPO, 'dist', 'diskblame-linux-x64');
/** files in the remote-only tmpfs: its scan runs for seconds */
const BIG_DIRS = 200;
const BIG_PER_DIR = 1000;

/** build the standalone binary when it is missing or older than the bundle it carries */
function ensureBinary(): void {
  const bundle = path.join(REPO, 'dist', 'diskblame-core.mjs');
  const src = fs.existsSync(bundle) ? bundle : path.join(REPO, 'dist', 'diskblame.mjs');
  if (fs.existsSync(BIN) && fs.statSync(BIN).mtimeMs >= fs.statSync(src).mtimeMs) return;
  const r = run(process.execPath, [path.join(REPO, 'scripts', 'binary.mjs'), '--no-xz'], { cwd: REPO, timeoutMs: 600_000 });
  assert.equal(r.code, 0, `scripts/binary.mjs failed: ${r.stdout}${r.stderr}`);
}

/**
 * The agent sshd started for a session (a process under the sshd listener `listener` with the
 * argument `__agent`) and the session's sshd processes between them; null while there is none.
 */
function findAgent(listener: number, not: Set<number> = new Set()): { agent: number; sessionSshd: number[] } | null {
  const ps = processes();
  for (const [pid, p] of ps) {
    if (not.has(pid) || !p.argv.includes('__agent') || /^sshd/.test(p.argv[0])) continue;
    const chain: number[] = [];
    let up = p.ppid;
    while (up > 1 && up !== listener) {
      chain.push(up);
      up = ps.get(up)?.ppid ?? 0;
    }
    if (up === listener) return { agent: pid, sessionSshd: chain.filter((c) => /^sshd/.test(ps.get(c)?.argv[0] ?? '')) };
  }
  return null;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** an entry's path as scan --json gives it (pathBase64 when not UTF-8) */
type Item = { path: string; pathBase64?: string; diskBytes: number };

const skip = sshdAvailable() ?? (process.platform !== 'linux' || process.arch !== 'x64' ? 'the standalone binary is built for linux-x64' : null);

describe('--remote end to end over a real sshd', { skip: skip ?? false, timeout: 600_000 }, () => {
  let sshd: TestSshd;
  let listener: number;
  /** a small tree: hard links, a symlink, a sparse file, a name that is not UTF-8, readable by the test user */
  let tree: string;
  /** a tmpfs mounted only in sshd's mount namespace: empty here */
  let big: string;
  let store: string;
  const spec = (user: string) => `${user}@127.0.0.1:${sshd.port}`;
  const remote = (user: string, cfg = sshd.config) => ['--remote', spec(user), `--ssh-option=-F${cfg}`];
  const env = () => ({ ...process.env, DISKBLAME_DEBUG: '', DISKBLAME_STORE: store });

  before(async () => {
    ensureBinary();
    sshd = await startSshd({ hostname: REMOTE_HOST });
    listener = Number(fs.readFileSync(path.join(sshd.dir, 'sshd.pid'), 'utf8'));
    store = makeTmp('remote-ssh-store');
    tree = path.join(sshd.dir, 'tree');
    fs.mkdirSync(tree);
    makeRemoteTree(tree);
    writeSized(bpath(path.join(tree, 'keep'), [0x6c, 0x61, 0x74, 0x69, 0x6e, 0xe9, 0xff]), 5000);
    // the remote-only tree: a tmpfs with BIG_DIRS x BIG_PER_DIR empty files, mounted over ssh
    big = path.join(sshd.dir, 'big');
    fs.mkdirSync(big);
    const mk = `import os,sys\nd=sys.argv[1]\nfor k in range(${BIG_DIRS}):\n s=os.path.join(d,"d%d"%k);os.mkdir(s)\n for i in range(${BIG_PER_DIR}):os.close(os.open(os.path.join(s,"f%05d"%i),os.O_CREAT|os.O_WRONLY,0o644))\n`;
    const r = sshd.ssh('root', `mount -t tmpfs -o size=64m,nr_inodes=400k tmpfs ${big} && python3 -c '${mk}' ${big}`);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(fs.readdirSync(big), [], 'the tmpfs is the remote\'s only');
  });

  after(() => {
    sshd?.stop();
    if (store) rmrf(store);
  });

  /** scan --json of TREE over --remote as USER, which must succeed quietly */
  const scanRemote = (user: string, dir = tree): ScanJson => JSON.parse(runCliOk(['scan', dir, '--json', '--no-sample', '--top', '100', ...remote(user)], { env: env(), timeoutMs: 180_000 }).stdout);

  /** what the scan found, without its timing and with ties among sizes in a fixed order */
  const comparable = (j: ScanJson) => {
    const c = { ...j } as Partial<ScanJson>;
    delete c.elapsedMs;
    for (const k of ['topDirs', 'topFiles'] as const) c[k] = [...(j[k] as Item[])].sort((a, b) => b.diskBytes - a.diskBytes || (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1)) as ScanJson[typeof k];
    return c;
  };

  test('scan --remote as root (the bundle streamed to its node): the local scan\'s figures, du -sb and du -sB1', () => {
    const r = scanRemote('root');
    const local = JSON.parse(runCliOk(['scan', tree, '--json', '--no-sample', '--top', '100'], { env: env() }).stdout) as ScanJson;
    assert.deepEqual(comparable(r), comparable(local));
    assert.equal(r.apparentBytes, duOk(['-sb'], tree));
    assert.equal(r.diskBytes, duOk(['-sB1'], tree));
    assert.equal(r.hardlinks, 2);
    assert.equal(r.symlinks, 1);
    assert.equal(r.incomplete, false);
    const latin = r.topFiles.find((f) => f.pathBase64 !== undefined);
    assert.ok(latin, 'the name that is not UTF-8 came through');
    assert.deepEqual(Buffer.from(latin.pathBase64!, 'base64'), Buffer.concat([Buffer.from(path.join(tree, 'keep') + '/'), Buffer.from([0x6c, 0x61, 0x74, 0x69, 0x6e, 0xe9, 0xff])]));
  });

  test('scan --remote as a user with no node: the binary is uploaded once, then run from its cache', () => {
    const cache = path.join(sshd.user.home, '.cache', 'diskblame', 'bin');
    fs.rmSync(path.join(sshd.user.home, '.cache'), { recursive: true, force: true });
    const first = scanRemote(sshd.user.name);
    assert.equal(first.apparentBytes, duOk(['-sb'], tree));
    assert.equal(first.diskBytes, duOk(['-sB1'], tree));
    assert.equal(first.hardlinks, 2);
    assert.equal(first.incomplete, false);
    const files = fs.readdirSync(cache);
    assert.equal(files.length, 1, `one file in the cache: ${files}`);
    const cached = path.join(cache, files[0]);
    const sha = spawnSync('sha256sum', [BIN], { encoding: 'utf8' }).stdout.split(' ')[0];
    assert.equal(files[0], sha, 'the cached file is named by its hash');
    const st = fs.statSync(cached);
    assert.equal(st.uid, sshd.user.uid);
    assert.equal(st.size, fs.statSync(BIN).size);
    // the second run finds it: not written again
    const second = scanRemote(sshd.user.name);
    assert.deepEqual(comparable(second), comparable(first));
    const st2 = fs.statSync(cached);
    assert.deepEqual([st2.ino, st2.mtimeMs, st2.ctimeMs], [st.ino, st.mtimeMs, st.ctimeMs], 'the cached binary was not written again');
    assert.deepEqual(fs.readdirSync(cache), files);
  });

  test('auth failure and a missing path on the remote: one line, exit 1', () => {
    const denied = assertOneLineError(runCli(['scan', tree, '--no-sample', ...remote(sshd.user.name, sshd.wrongKeyConfig)], { env: env() }), 1);
    assert.match(denied, /Permission denied \(publickey\)/);
    const missing = path.join(sshd.dir, 'no-such-dir');
    const here = assertOneLineError(runCli(['scan', missing, '--no-sample'], { env: env() }), 1);
    for (const user of ['root', sshd.user.name]) {
      assert.equal(assertOneLineError(runCli(['scan', missing, '--no-sample', ...remote(user)], { env: env(), timeoutMs: 120_000 }), 1), here);
      assertOneLineError(runCli(['snapshot', missing, ...remote(user)], { env: env(), timeoutMs: 120_000 }), 1);
    }
    assertOneLineError(runCli(['owners', missing, '--sample-ms', '0', ...remote('root')], { env: env() }), 1);
  });

  test('snapshot --remote lands here under the remote host name; owners --remote --json gives the remote volume', () => {
    assert.notEqual(os.hostname(), REMOTE_HOST);
    const snap = JSON.parse(runCliOk(['snapshot', tree, '--json', ...remote('root')], { env: env() }).stdout);
    assert.equal(snap.host, REMOTE_HOST);
    assert.match(snap.id, new RegExp(`-${REMOTE_HOST}-`));
    assert.equal(snap.diskBytes, duOk(['-sB1'], tree));
    assert.ok(snap.path.startsWith(store + path.sep), snap.path);
    assert.ok(fs.existsSync(snap.path));
    const list = JSON.parse(runCliOk(['snapshots', '--json'], { env: env() }).stdout);
    assert.deepEqual(list.snapshots.map((s: { host: string; id: string }) => [s.host, s.id]), [[REMOTE_HOST, snap.id]]);

    // owners on a directory of the tmpfs that exists only over there
    const dir = path.join(big, 'd7');
    const o = JSON.parse(runCliOk(['owners', dir, '--json', '--sample-ms', '0', ...remote('root')], { env: env(), timeoutMs: 120_000 }).stdout);
    assert.equal(o.root, dir);
    assert.equal(o.volume.mountPoint, big);
    assert.equal(o.volume.fsType, 'tmpfs');
    assert.equal(o.volume.sizeBytes, 64 * 1024 * 1024);
    const df = sshd.ssh('root', `df -B1 --output=size,used ${big} | tail -1`);
    const [size, used] = df.stdout.trim().split(/\s+/).map(Number);
    assert.equal(o.volume.sizeBytes, size);
    assert.equal(o.volume.usedBytes, used);
    assert.equal(o.reconciliation.scannedBytes, 0); // empty files
    assert.equal(o.incomplete, false);
  });

  /**
   * start `scan BIG --json --remote root...`; resolves once its agent has begun the scan (it holds
   * the tree open) and, from then, written `sent` bytes more, and holds the agent still
   */
  async function scanBigHeld(sent: number): Promise<{ child: ReturnType<typeof spawn>; agent: number; sessionSshd: number[]; exited: Promise<{ code: number | null; out: string; err: string }> }> {
    const earlier = new Set([...processes()].filter(([, p]) => p.argv.includes('__agent')).map(([pid]) => pid));
    const child = spawn(process.execPath, [CLI, 'scan', big, '--json', '--no-sample', '--threads', '1', ...remote('root')], { env: env(), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout!.on('data', (b) => (out += b));
    child.stderr!.on('data', (b) => (err += b));
    const exited = new Promise<{ code: number | null; out: string; err: string }>((r) => child.on('close', (code) => r({ code, out, err })));
    const end = Date.now() + 60_000;
    let found: ReturnType<typeof findAgent> = null;
    while (!found && Date.now() < end && child.exitCode === null) {
      found = findAgent(listener, earlier);
      if (!found) await sleep(5);
    }
    assert.ok(found, `no agent started: ${err}`);
    // the scan was asked for and began once the agent holds the tree open. A count of the bytes it
    // wrote is no sign of that: its start-up alone writes ~1000 to its event fds, so a stop after
    // 1000 bytes could come before the CLI asked for the scan (and a Ctrl-C then kills the CLI)
    let held = false;
    while (Date.now() < end && child.exitCode === null && !(held = holdsUnder(found.agent, big))) await sleep(5);
    assert.ok(held, `the agent never opened the tree: ${err}`);
    // from there, past 50000 bytes more a good part of the tree has been sent (gzip'd, every FLUSH_MS)
    const base = wrote(found.agent);
    while (Date.now() < end && wrote(found.agent) < base + sent) await sleep(5);
    process.kill(found.agent, 'SIGSTOP');
    return { child, ...found, exited };
  }

  test('Ctrl-C mid-scan: the agent stops, what arrived is summarized, incomplete, exit 130', async () => {
    // stopped the moment it is seen holding the tree (the scan of 200,000 entries takes seconds)
    const { child, agent, exited } = await scanBigHeld(0);
    child.kill('SIGINT');
    await sleep(300);
    process.kill(agent, 'SIGCONT');
    const { code, out, err } = await exited;
    assert.equal(code, 130, err);
    assert.equal(err, '');
    const j = JSON.parse(out) as ScanJson;
    assert.equal(j.incomplete, true);
    assert.equal(j.root, big);
    // at least the root (a stop before its first listing arrived leaves the root alone)
    assert.ok(j.entries >= 1 && j.entries < BIG_DIRS * (BIG_PER_DIR + 1) + 1, `${j.entries} entries`);
    // the agent ended with the session
    const end = Date.now() + 30_000;
    while (fs.existsSync(`/proc/${agent}`) && Date.now() < end) await sleep(50);
    assert.ok(!fs.existsSync(`/proc/${agent}`), 'the agent is gone');
  });

  test('the session\'s sshd killed mid-scan: what arrived is kept, marked incomplete, one line on stderr', async () => {
    const { agent, sessionSshd, exited } = await scanBigHeld(50_000);
    assert.ok(sessionSshd.length > 0);
    await sleep(300); // what is in the pipes reaches us
    for (const pid of sessionSshd) process.kill(pid, 'SIGKILL');
    const { code, out, err } = await exited;
    process.kill(agent, 'SIGKILL'); // started by the test's sshd for this session; its sshd is gone
    const l = lines(err);
    assert.equal(l.length, 1, err);
    assert.match(l[0], new RegExp(`^diskblame: root@127\\.0\\.0\\.1:${sshd.port}: the connection ended .*; what arrived is kept, marked incomplete$`));
    assert.equal(code, 1, 'a dropped connection is a failure, not a Ctrl-C (130)');
    const j = JSON.parse(out) as ScanJson;
    assert.equal(j.incomplete, true);
    assert.ok(j.entries > 1 && j.entries < BIG_DIRS * (BIG_PER_DIR + 1) + 1, `${j.entries} entries`);
  });

  // ----------------------------------------------------------------------------- the browser in tmux

  const { tmux, screen, waitFor, keys } = tmuxUi(`diskblame-remote-ssh-test-${process.pid}`, 300, 60_000);

  test('the browser over --remote in tmux: the remote tree, navigate, delete after the confirmation, quit 0', { skip: !haveTmux && 'tmux not installed' }, async () => {
    const d = path.join(sshd.dir, 'browse');
    assert.equal(spawnSync('cp', ['-a', tree, d]).status, 0);
    const done = makeTmp('remote-ssh-exit');
    const before = spawnSync('find', [d, '-printf', '%P\\n'], { encoding: 'utf8' }).stdout.split('\n').sort();
    try {
      const cmd = [process.execPath, CLI, ...remote('root'), d].map((a) => `'${a}'`).join(' ');
      tmux('new-session', '-d', '-s', 'ui', '-x', '100', '-y', '30', `env -u CI -u CONTINUOUS_INTEGRATION DISKBLAME_STORE=${store} ${cmd}; echo $? > ${done}/code; sleep 5`);
      let s = await waitFor(/\[1 Browse\][\s\S]*a\//);
      assert.ok(s.includes(`--- ${d}`), s);
      assert.match(s, /keep\//);
      await keys('Enter'); // into a/ (the largest)
      s = await waitFor(/--- .*\/a\s/);
      assert.match(s, /big\.bin/);
      await keys('Down'); // from big.bin to b/
      await keys('d');
      s = await waitFor(/y: delete   any other key: keep it/);
      assert.match(s, /\/a\/b/);
      await keys('y');
      s = await waitFor(/deleted .*b/);
      assert.ok(!fs.existsSync(path.join(d, 'a/b')), 'deleted over there');
      const after = spawnSync('find', [d, '-printf', '%P\\n'], { encoding: 'utf8' }).stdout.split('\n').sort();
      assert.deepEqual(after, before.filter((p) => p !== 'a/b' && !p.startsWith('a/b/')), 'a/b and what it held went, nothing else');
      await keys('q');
      const end = Date.now() + 30_000;
      while (!fs.existsSync(path.join(done, 'code')) && Date.now() < end) await sleep(100);
      assert.equal(fs.readFileSync(path.join(done, 'code'), 'utf8').trim(), '0', screen());
    } finally {
      tmux('kill-server');
      rmrf(d);
      rmrf(done);
    }
  });
});
