/**
 * launchAgent against a real sshd on 127.0.0.1 (test/helpers/sshd.ts): the bundle streamed to the
 * remote's Node (root, whose PATH has node), a standalone binary uploaded once to a user without
 * node and then run from its cache, hostile login output, refusals (unsafe cache, old node, an
 * architecture with no binary here) and ssh's own failures as one line.
 *
 * The program launched is first a small echo program (its arguments as JSON, then stdin echoed to
 * stdout), as an ES module for the Node path and as a real single-executable binary for the binary
 * path: what comes back proves the arguments, that stdin after the program reaches it unread and
 * that nothing of the login comes before it. Then diskblame itself (the bundle, the standalone
 * binary) runs `scan --json` and `--version` over the same path, when the bundle can run from a
 * data: URL (see realProgramProblem).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import zlib from 'node:zlib';
import { launchAgent, nodeSuitable, sshArgs } from '../src/remote/launch.js';
import { NODE_BOOTSTRAP, remoteCommand } from '../src/remote/script.js';
import type { AgentProcess, RemoteTarget } from '../src/remote/types.js';
import { UserError } from '../src/util/errors.js';
import { bundleText } from '../src/util/self.js';
import { REPO, type ScanJson } from './helpers/run.js';
import { sshdAvailable, startSshd, type TestSshd } from './helpers/sshd.js';

const ECHO_MODULE = Buffer.from(
  `process.stdout.write(JSON.stringify({ argv: process.argv.slice(2), node: process.version }) + '\\n');
process.stdin.pipe(process.stdout);
`,
);
/** the same program as a single executable application (argv: [exe, argv0, ...args]) */
const ECHO_SEA_ENTRY = `process.stdout.write(JSON.stringify({ argv: process.argv.slice(2), sea: true }) + '\\n');
process.stdin.pipe(process.stdout);
`;
const SEA_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

/** Build a single executable application from a CommonJS ENTRY (Node's SEA + postject) into OUT */
function buildSea(entry: string, out: string, assets: Record<string, string> = {}): void {
  const work = fs.mkdtempSync(path.join(tmpdir(), 'diskblame-sea-'));
  try {
    fs.writeFileSync(path.join(work, 'entry.cjs'), entry);
    fs.writeFileSync(
      path.join(work, 'cfg.json'),
      JSON.stringify({ main: 'entry.cjs', output: 'sea.blob', disableExperimentalSEAWarning: true, assets }),
    );
    let r = spawnSync(process.execPath, ['--experimental-sea-config', 'cfg.json'], { cwd: work, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    fs.copyFileSync(process.execPath, out);
    const local = path.join(REPO, 'node_modules', '.bin', 'postject');
    const [cmd, pre] = fs.existsSync(local) ? [local, []] : ['npx', ['-y', 'postject@1.0.0-alpha.6']];
    r = spawnSync(cmd, [...pre, out, 'NODE_SEA_BLOB', path.join(work, 'sea.blob'), '--sentinel-fuse', SEA_FUSE], {
      encoding: 'utf8',
      timeout: 300_000,
    });
    assert.equal(r.status, 0, r.stderr);
    fs.chmodSync(out, 0o755);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/** Read one line from STREAM (leaving the rest readable) */
function readLine(stream: Readable, timeoutMs = 60_000): Promise<string> {
  return new Promise((resolve, reject) => {
    let buf = Buffer.alloc(0);
    const timer = setTimeout(() => done(new Error(`no line within ${timeoutMs} ms; got ${JSON.stringify(buf.toString())}`)), timeoutMs);
    const onData = (c: Buffer) => {
      buf = Buffer.concat([buf, c]);
      const nl = buf.indexOf(0x0a);
      if (nl >= 0) {
        stream.unshift(buf.subarray(nl + 1));
        done(null, buf.subarray(0, nl).toString('utf8'));
      }
    };
    const onEnd = () => done(new Error(`stream ended; got ${JSON.stringify(buf.toString())}`));
    function done(e: Error | null, line?: string) {
      clearTimeout(timer);
      stream.removeListener('data', onData);
      stream.removeListener('end', onEnd);
      stream.pause();
      if (e) reject(e);
      else resolve(line!);
    }
    stream.on('data', onData);
    stream.on('end', onEnd);
    stream.resume();
  });
}

/** Read STREAM to its end */
async function readAll(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** launchAgent, expecting a UserError: its message (one line, no raw control characters) */
async function launchFails(target: RemoteTarget, opts: Parameters<typeof launchAgent>[1] = {}): Promise<string> {
  try {
    const a = await launchAgent(target, { bundle: ECHO_MODULE, ...opts });
    a.kill();
    await a.closed;
  } catch (e) {
    assert.ok(e instanceof UserError, `not a UserError: ${(e as Error)?.stack}`);
    assert.equal(e.exitCode, 1);
    assert.doesNotMatch(e.message, /\n/, 'one line');
    // eslint-disable-next-line no-control-regex
    assert.doesNotMatch(e.message, /[\x00-\x1f\x7f]/, 'escaped');
    return e.message;
  }
  assert.fail('launchAgent succeeded');
}

/** The echo program's round trip: its arguments, then a line echoed, then a clean end */
async function echoRoundTrip(agent: AgentProcess, args: string[]): Promise<Record<string, unknown>> {
  const hello = JSON.parse(await readLine(agent.stdout));
  assert.deepEqual(hello.argv, args);
  agent.stdin.write('ping \u00e9\x00\n');
  assert.equal(await readLine(agent.stdout), 'ping \u00e9\x00');
  agent.stdin.end();
  assert.equal(await readAll(agent.stdout), '');
  const closed = await agent.closed;
  assert.equal(closed.code, 0, `exit ${closed.code} ${closed.signal}: ${closed.stderr}`);
  return hello;
}

/**
 * Why diskblame itself cannot be sent yet, or null: the bundle must exist and run when imported
 * from a data: URL (as the remote bootstrap and the standalone binary import it). Probed locally
 * with the same bootstrap, without ssh.
 */
function realProgramProblem(): string | null {
  let bundle: Buffer;
  try {
    bundle = bundleText();
  } catch (e) {
    return `no bundle (${(e as Error).message}): npm run build`;
  }
  const gz = zlib.gzipSync(bundle);
  const r = spawnSync(process.execPath, ['-e', NODE_BOOTSTRAP, '--', String(gz.length), '--version'], {
    input: gz,
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (r.status !== 0) return `the bundle does not run from a data: URL yet: ${(r.stderr.split('\n').find((l) => /Error/.test(l)) ?? r.stderr).slice(0, 200)}`;
  return null;
}

const skip = sshdAvailable();

describe('launchAgent over a real sshd', { skip: skip ?? false, timeout: 900_000 }, () => {
  let sshd: TestSshd;
  let binDir: string;
  let sea: string;
  const savedBinaryDir = process.env.DISKBLAME_BINARY_DIR;

  before(async () => {
    sshd = await startSshd();
    binDir = fs.mkdtempSync(path.join(tmpdir(), 'diskblame-bin-'));
    sea = path.join(binDir, 'diskblame-linux-x64');
    buildSea(ECHO_SEA_ENTRY, sea);
    process.env.DISKBLAME_BINARY_DIR = binDir;
  });

  after(() => {
    sshd?.stop();
    if (binDir) fs.rmSync(binDir, { recursive: true, force: true });
    if (savedBinaryDir === undefined) delete process.env.DISKBLAME_BINARY_DIR;
    else process.env.DISKBLAME_BINARY_DIR = savedBinaryDir;
  });

  const cacheDir = () => path.join(sshd.user.home, '.cache', 'diskblame', 'bin');
  const seaHash = () => spawnSync('sha256sum', [sea], { encoding: 'utf8' }).stdout.split(' ')[0];

  test('the test user finds no node over ssh; root does', () => {
    const u = sshd.ssh(sshd.user.name, 'command -v node; echo "PATH=$PATH"');
    assert.doesNotMatch(u.stdout, /node/, u.stdout);
    assert.match(u.stdout, new RegExp(`PATH=${sshd.user.bin}\\n`));
    const r = sshd.ssh('root', 'command -v node && node -v');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /node\nv\d+/);
  });

  test('Node on the remote: the program is streamed to it, arguments and stdin arrive intact', async () => {
    const status: string[] = [];
    const args = ['a b', "it's", '--version', '$HOME', '`id`', '-', 'tab\there', 'new\nline', '\u00e9', ''];
    const agent = await launchAgent(sshd.target('root'), { args, bundle: ECHO_MODULE, onStatus: (s) => status.push(s) });
    assert.match(agent.how, /^node v\d+\.\d+\.\d+$/);
    const hello = await echoRoundTrip(agent, args);
    assert.equal(`node ${hello.node}`, agent.how);
    assert.deepEqual(status, ['connecting to 127.0.0.1', `starting ${agent.how} on 127.0.0.1`]);
    // nothing was written to root's cache
    assert.equal(fs.existsSync('/root/.cache/diskblame/bin') && fs.readdirSync('/root/.cache/diskblame/bin').length > 0, false);
  });

  test('no Node: the binary is uploaded once (gzip), then run from the cache', async () => {
    const status: string[] = [];
    const target = sshd.target(sshd.user.name);
    const first = await launchAgent(target, { args: ['--version', 'x y'], bundle: ECHO_MODULE, onStatus: (s) => status.push(s) });
    assert.equal(first.how, 'binary (uploaded)');
    assert.equal((await echoRoundTrip(first, ['--version', 'x y'])).sea, true);
    assert.ok(status.some((s) => /^uploading \d+\.\d MiB \(gz\) to 127\.0\.0\.1$/.test(s)), status.join('|'));

    const file = path.join(cacheDir(), seaHash());
    const st = fs.statSync(file);
    assert.equal(st.uid, sshd.user.uid);
    assert.equal(st.mode & 0o777, 0o700);
    assert.equal(st.size, fs.statSync(sea).size);
    const dst = fs.statSync(cacheDir());
    assert.equal(dst.uid, sshd.user.uid);
    assert.equal(dst.mode & 0o777, 0o700);
    // no temp file left
    assert.deepEqual(fs.readdirSync(cacheDir()), [seaHash()]);

    status.length = 0;
    const second = await launchAgent(target, { args: ['again'], bundle: ECHO_MODULE, onStatus: (s) => status.push(s) });
    assert.equal(second.how, 'binary (cached)');
    await echoRoundTrip(second, ['again']);
    assert.ok(!status.some((s) => s.startsWith('uploading')), status.join('|'));
    const st2 = fs.statSync(file);
    assert.equal(st2.ino, st.ino);
    assert.equal(st2.mtimeMs, st.mtimeMs);
  });

  test('the xz copy beside the binary is sent when the remote has xz', async () => {
    fs.rmSync(cacheDir(), { recursive: true, force: true });
    // the temp file of an upload cut off earlier (its shell is gone): removed by the next upload
    fs.mkdirSync(cacheDir(), { recursive: true, mode: 0o700 });
    const stale = path.join(cacheDir(), `.${'0'.repeat(64)}.${2 ** 22 + 7}`);
    fs.writeFileSync(stale, 'partial');
    spawnSync('chown', ['-R', String(sshd.user.uid), path.join(sshd.user.home, '.cache')]);
    const r = spawnSync('sh', ['-c', `xz -0 -T2 -k -c "${sea}" > "${sea}.xz"`]);
    assert.equal(r.status, 0);
    try {
      const status: string[] = [];
      const a = await launchAgent(sshd.target(sshd.user.name), { args: ['xz'], bundle: ECHO_MODULE, onStatus: (s) => status.push(s) });
      assert.equal(a.how, 'binary (uploaded)');
      assert.ok(status.some((s) => /^uploading .* \(xz\) to /.test(s)), status.join('|'));
      await echoRoundTrip(a, ['xz']);
      assert.deepEqual(fs.readdirSync(cacheDir()), [seaHash()], 'the stale temp file is gone');
    } finally {
      fs.rmSync(`${sea}.xz`, { force: true });
    }
  });

  test("the login's own output (rc files, ~/.ssh/rc) never reaches the program's stream", async () => {
    const junk = 'JUNK line\n\x1b[2J\x00\xff binary\nDISKBLAME-0123456789abcdef01234567 go\nno newline at the end';
    const home = sshd.user.home;
    fs.writeFileSync(path.join(home, '.bashrc'), `printf '%s' '${junk.replace(/'/g, '')}'\necho "bashrc says hi"\n`);
    fs.mkdirSync(path.join(home, '.ssh'), { recursive: true });
    fs.writeFileSync(path.join(home, '.ssh', 'rc'), 'echo "ssh rc says hi"; printf "DISKBLAME-\\n"\n');
    spawnSync('chown', ['-R', `${sshd.user.uid}`, home]);
    try {
      // the junk does come out of a plain ssh command
      const plain = sshd.ssh(sshd.user.name, 'true');
      assert.match(plain.stdout, /bashrc says hi/);
      assert.match(plain.stdout, /ssh rc says hi/);
      const a = await launchAgent(sshd.target(sshd.user.name), { args: ['clean'], bundle: ECHO_MODULE });
      await echoRoundTrip(a, ['clean']);
    } finally {
      fs.rmSync(path.join(home, '.bashrc'), { force: true });
      fs.rmSync(path.join(home, '.ssh', 'rc'), { force: true });
    }
  });

  test('the one-line remote command works whatever the login shell: sh, bash, zsh, csh, fish', async (t) => {
    const shells = ['/bin/sh', '/bin/bash', '/bin/zsh', '/bin/tcsh', '/bin/csh', '/usr/bin/fish'];
    const args = ["it's", '$HOME', '!1', '`id`', 'a\\b', '*'];
    const tried: string[] = [];
    try {
      for (const shell of shells) {
        if (!fs.existsSync(shell)) {
          t.diagnostic(`${shell} is not installed here: not tried`);
          continue;
        }
        assert.equal(spawnSync('usermod', ['-s', shell, sshd.user.name]).status, 0);
        const probe = sshd.ssh(sshd.user.name, 'echo $0');
        assert.equal(probe.code, 0, `${shell}: ${probe.stderr}`);
        const a = await launchAgent(sshd.target(sshd.user.name), { args, bundle: ECHO_MODULE });
        await echoRoundTrip(a, args);
        tried.push(shell);
      }
    } finally {
      spawnSync('usermod', ['-s', '/bin/bash', sshd.user.name]);
    }
    assert.ok(tried.length >= 2, `tried ${tried.join(' ')}`);
  });

  test('a Node older than 18.17 on the remote is passed over for the binary', async () => {
    const fake = path.join(sshd.user.bin, 'node');
    fs.writeFileSync(fake, '#!/bin/sh\necho v16.20.2\n', { mode: 0o755 });
    try {
      const a = await launchAgent(sshd.target(sshd.user.name), { args: ['old'], bundle: ECHO_MODULE });
      assert.match(a.how, /^binary /);
      await echoRoundTrip(a, ['old']);
    } finally {
      fs.rmSync(fake);
    }
  });

  test('no binary here for the remote architecture: one line that says how to build one', async () => {
    const fake = path.join(sshd.user.bin, 'uname');
    fs.rmSync(fake);
    try {
      fs.writeFileSync(fake, '#!/bin/sh\necho aarch64\n', { mode: 0o755 });
      const m = await launchFails(sshd.target(sshd.user.name));
      assert.match(m, /has no node on its PATH/);
      assert.match(m, /npm run binary/);
      assert.match(m, /diskblame-linux-arm64/);
      assert.match(m, /arm64 Linux machine/);
      fs.writeFileSync(fake, '#!/bin/sh\necho armv7l\n', { mode: 0o755 });
      assert.match(await launchFails(sshd.target(sshd.user.name)), /no standalone binary is built for its architecture \(armv7l\): install Node\.js 18\.17/);
    } finally {
      fs.rmSync(fake, { force: true });
      fs.symlinkSync('/usr/bin/uname', fake);
    }
  });

  test('a cache another user could write to is refused, and so is a cached file others can write', async () => {
    const target = sshd.target(sshd.user.name);
    // make sure the binary is cached
    const a = await launchAgent(target, { args: ['x'], bundle: ECHO_MODULE });
    await echoRoundTrip(a, ['x']);
    const file = path.join(cacheDir(), seaHash());
    fs.chmodSync(cacheDir(), 0o777);
    try {
      assert.match(await launchFails(target), /bin is not a directory of user \d+ that only it can write/);
    } finally {
      fs.chmodSync(cacheDir(), 0o700);
    }
    fs.chmodSync(file, 0o722);
    try {
      assert.match(await launchFails(target), /is not a file of user \d+ that only it can write: not running it/);
    } finally {
      fs.chmodSync(file, 0o700);
    }
    // owned by another user (root here)
    fs.chownSync(file, 0, 0);
    try {
      assert.match(await launchFails(target), /not running it/);
    } finally {
      fs.chownSync(file, sshd.user.uid, -1);
    }
  });

  test('a cache reached through a directory other users can change (a ~/.cache linked into a shared, non-sticky dir) is refused: it could be swapped between the check and the exec', async () => {
    const target = sshd.target(sshd.user.name);
    const a = await launchAgent(target, { args: ['x'], bundle: ECHO_MODULE });
    await echoRoundTrip(a, ['x']);
    const cache = path.dirname(path.dirname(cacheDir())); // ~/.cache
    const shared = fs.mkdtempSync(path.join('/var/tmp', 'diskblame-shared-'));
    fs.chmodSync(shared, 0o777);
    const moved = path.join(shared, '.cache');
    fs.renameSync(cache, moved);
    fs.symlinkSync(moved, cache);
    try {
      assert.match(await launchFails(target), /diskblame-shared-[^ ]* can be changed by other users: not running a program kept under it/);
      // sticky, as /tmp: nobody else can rename what is ours in it
      fs.chmodSync(shared, 0o1777);
      const b = await launchAgent(target, { args: ['x'], bundle: ECHO_MODULE });
      await echoRoundTrip(b, ['x']);
    } finally {
      fs.rmSync(cache);
      fs.renameSync(moved, cache);
      fs.rmSync(shared, { recursive: true, force: true });
    }
  });

  test('a damaged upload is refused and leaves nothing behind', async () => {
    fs.rmSync(cacheDir(), { recursive: true, force: true });
    // an .xz beside the binary that holds another file: the sha256 the remote checks differs
    spawnSync('sh', ['-c', `printf 'not the binary' | xz -0 > "${sea}.xz"; touch -d '+1 minute' "${sea}.xz"`]);
    try {
      assert.match(await launchFails(sshd.target(sshd.user.name)), /the upload arrived damaged/);
      assert.deepEqual(fs.readdirSync(cacheDir()), []);
    } finally {
      fs.rmSync(`${sea}.xz`, { force: true });
    }
  });

  test('a connection lost during the upload is one line, not a hang', async () => {
    fs.rmSync(cacheDir(), { recursive: true, force: true });
    let killed = 0;
    const m = await launchFails(sshd.target(sshd.user.name), {
      onStatus: (s) => {
        if (killed || !/^uploading .* of /.test(s)) return;
        // the remote side of this connection goes away: every process of the test user, by pid
        for (const pid of fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
          try {
            if (fs.statSync(`/proc/${pid}`).uid === sshd.user.uid) {
              process.kill(+pid, 'SIGKILL');
              killed++;
            }
          } catch {
            // gone
          }
        }
      },
    });
    assert.ok(killed > 0, 'the upload was under way');
    assert.match(m, /^dbl\w+@127\.0\.0\.1:\d+: /);
  });

  test("ssh's own failures are one line: wrong key, host key mismatch, nothing listening", async () => {
    assert.match(await launchFails(sshd.target(sshd.user.name, sshd.wrongKeyConfig)), /^dbl\w+@127\.0\.0\.1:\d+: .*Permission denied \(publickey\)/);
    assert.match(await launchFails(sshd.target('root', sshd.wrongHostConfig)), /Host key verification failed/);
    const dead: RemoteTarget = { ...sshd.target('root'), port: 1, spec: 'root@127.0.0.1:1' };
    assert.match(await launchFails(dead), /^root@127\.0\.0\.1:1: ssh: connect to host 127\.0\.0\.1 port 1: Connection refused$/);
  });

  test('no ssh client here: one line', async () => {
    const saved = process.env.PATH;
    process.env.PATH = '/nonexistent';
    try {
      assert.match(await launchFails(sshd.target('root')), /^no ssh client here: --remote runs the system ssh/);
    } finally {
      process.env.PATH = saved;
    }
  });

  test('kill() ends the transport; closed says how', async () => {
    const a = await launchAgent(sshd.target('root'), { args: ['k'], bundle: ECHO_MODULE });
    assert.deepEqual(JSON.parse(await readLine(a.stdout)).argv, ['k']);
    a.kill();
    const c = await a.closed;
    assert.ok(c.signal === 'SIGTERM' || (c.code !== null && c.code !== 0), JSON.stringify(c));
  });

  test('diskblame itself: the bundle on the remote Node, the standalone binary without', async (t) => {
    const problem = realProgramProblem();
    if (problem) {
      t.skip(problem);
      return;
    }
    const tree = fs.mkdtempSync(path.join(tmpdir(), 'diskblame-remote-tree-'));
    fs.chmodSync(tree, 0o755);
    fs.writeFileSync(path.join(tree, 'a'), Buffer.alloc(100_000, 1));
    fs.mkdirSync(path.join(tree, 'd'));
    fs.writeFileSync(path.join(tree, 'd', 'b'), Buffer.alloc(50_000, 2));
    try {
      const du = Number(spawnSync('du', ['-sb', tree], { encoding: 'utf8' }).stdout.split('\t')[0]);
      const scanThere = async (user: string, how: RegExp) => {
        const a = await launchAgent(sshd.target(user), { args: ['scan', '--json', tree] });
        assert.match(a.how, how);
        const out: ScanJson = JSON.parse(await readAll(a.stdout));
        const closed = await a.closed;
        assert.equal(closed.code, 0, closed.stderr);
        assert.equal(out.root, tree);
        assert.equal(out.files, 2);
        assert.equal(out.dirs, 2);
        assert.equal(out.apparentBytes, du);
      };
      await scanThere('root', /^node v/);

      const binary = path.join(REPO, 'dist', 'diskblame-linux-x64');
      if (!fs.existsSync(binary)) {
        const pkg = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8'));
        if (!pkg.scripts?.binary) {
          t.diagnostic('no `npm run binary` on this branch: the standalone binary part is not run');
          return;
        }
        const r = spawnSync('npm', ['run', 'binary', '--', '--no-xz'], { cwd: REPO, encoding: 'utf8', timeout: 600_000 });
        assert.equal(r.status, 0, r.stderr);
      }
      process.env.DISKBLAME_BINARY_DIR = path.dirname(binary);
      try {
        await scanThere(sshd.user.name, /^binary /);
        const b = await launchAgent(sshd.target(sshd.user.name), { args: ['--version'] });
        assert.equal(b.how, 'binary (cached)');
        assert.match(await readAll(b.stdout), /^\d+\.\d+\.\d+/);
        assert.equal((await b.closed).code, 0);
      } finally {
        process.env.DISKBLAME_BINARY_DIR = binDir;
      }
    } finally {
      fs.rmSync(tree, { recursive: true, force: true });
    }
  });
});

describe('launch pieces without a server', () => {
  test('the Node versions the bundle is streamed to: 18.17 and newer', () => {
    for (const v of ['v18.17.0', 'v18.20.4', 'v19.0.0', 'v20.20.2', 'v22.1.0', 'v100.0.0']) assert.equal(nodeSuitable(v), true, v);
    for (const v of ['v18.16.1', 'v16.20.2', 'v10.0.0', '-', '', 'v18', '18.17.0', 'vx.y.z']) assert.equal(nodeSuitable(v), false, v);
  });

  test("ssh's command line: the user's options first (ssh keeps the first value), BatchMode only without a terminal and unless given", () => {
    const t: RemoteTarget = { spec: 'u@h:2222', user: 'u', host: 'h', port: 2222, sshOptions: ['-F/x/cfg', '-oBatchMode=no'] };
    const cmd = remoteCommand(123);
    const a = sshArgs(t, cmd, false);
    assert.deepEqual(a.slice(0, 2), ['-F/x/cfg', '-oBatchMode=no']);
    assert.ok(!a.includes('BatchMode=yes'));
    assert.deepEqual(a.slice(-7), ['-p', '2222', '-l', 'u', '--', 'h', cmd]);
    assert.ok(sshArgs({ ...t, sshOptions: [] }, cmd, false).includes('BatchMode=yes'));
    assert.ok(!sshArgs({ ...t, sshOptions: [] }, cmd, true).includes('BatchMode=yes'));
    const bare = sshArgs({ spec: 'h', host: 'h', sshOptions: [] }, cmd, true);
    assert.ok(!bare.includes('-p') && !bare.includes('-l'));
    // one line, nothing csh or fish would read differently from sh
    assert.doesNotMatch(cmd, /[\n!\\]/);
    assert.equal(cmd, `exec /bin/sh -c 'eval "$(dd bs=1 count=123 2>/dev/null)"'`);
  });
});
