/**
 * Writes never replace or follow what they should not (util/write.ts): `scan -o` and `metrics -o`
 * into device nodes, FIFOs, sockets, symbolic links and standard output; the store refusing a
 * directory others can write (user nobody planting links in it); appends that a full disk or a
 * crash cannot tear into the next sample; temp files of killed writers cleaned, live ones kept.
 * Device nodes and mounts are made in temp dirs, never in the system's /dev.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { AS_NOBODY, assertOneLineError, CLI, isRoot, REPO, run, runCli, type RunResult } from './helpers/run.js';
import { makeTmp, rmrf } from './helpers/fs.js';
import { assertTerminalSafe, HOSTILE } from './helpers/hostile.js';
import { readSamples } from '../src/store/samples.js';
import { loadSnapshot } from '../src/store/snapshots.js';
import crypto from 'node:crypto';
import { cleanStaleTemps, processStartTime, tempPath, writeFileAtomic } from '../src/util/write.js';
import { UserError } from '../src/util/errors.js';

const root = isRoot();
let tmp: string;
let tree: string;
let store: string;
let env: NodeJS.ProcessEnv;

const cli = (args: string[], extraEnv: NodeJS.ProcessEnv = {}): RunResult => runCli(args, { env: { ...env, ...extraEnv } });

function ok(r: RunResult): RunResult {
  assert.equal(r.signal, null, `${r.cmd}: killed`);
  assert.equal(r.code, 0, `${r.cmd}: exit ${r.code}: ${r.stderr}`);
  return r;
}

/** an ncdu export of `tree` (gunzipped when gzip) */
function assertExport(data: Buffer, what: string): void {
  const text = (data[0] === 0x1f && data[1] === 0x8b ? gunzipSync(data) : data).toString('utf8');
  assert.match(text, /^\[1,2,\{"progname":"diskblame"/, `${what}: not an export: ${text.slice(0, 80)}`);
  assert.ok(text.trimEnd().endsWith(']'), `${what}: export not complete`);
  assert.ok(text.includes('"name":"a-file"'), `${what}: the tree's file is missing`);
}

/** a usage-sample history in CSV, for `metrics --history` */
function historyCsv(): string {
  const f = path.join(tmp, 'history.csv');
  const now = Date.now();
  const L = ['timestamp,used_bytes,size_bytes'];
  for (let i = 0; i <= 100; i++) L.push(`${new Date(now - (100 - i) * 3600e3).toISOString()},${1e9 + i * 1e7},${1e10}`);
  fs.writeFileSync(f, L.join('\n') + '\n');
  return f;
}

/** names in `dir` that look like temp files */
const temps = (dir: string) => fs.readdirSync(dir).filter((n) => n.endsWith('.tmp'));

before(() => {
  tmp = makeTmp('writes');
  fs.chmodSync(tmp, 0o755); // nobody must reach the stores made below
  tree = path.join(tmp, 'tree');
  fs.mkdirSync(tree);
  fs.writeFileSync(path.join(tree, 'a-file'), 'x'.repeat(5000));
  store = path.join(tmp, 'store');
  env = { ...process.env, DISKBLAME_DEBUG: '', DISKBLAME_STORE: store };
});
after(() => rmrf(tmp));

describe('-o into what is not a regular file', () => {
  it('a reader that stops reading standard output (| true, | head) ends the program quietly with exit 0; a FIFO whose reader went away is one line, exit 1', () => {
    const bin = path.join(REPO, 'dist', 'diskblame.cjs');
    // the reader exits at once and the write comes 0.3 s later: EPIPE every time
    const late = (cmd: string) => run('bash', ['-c', `{ sleep 0.3; ${cmd}; echo "rc=$?" >&2; } | true`]);
    const big = path.join(tmp, 'epipe-tree');
    fs.mkdirSync(big);
    for (let i = 0; i < 3000; i++) fs.writeFileSync(path.join(big, `file-with-a-long-name-${i}`), ''); // an export past the pipe's 64 KiB
    for (const [what, cmd] of [
      ['--version (the bin)', `node ${bin} --version`],
      ['--version (the tsc build)', `node ${CLI} --version`],
      ['scan -o -', `node ${bin} scan ${big} -o - --no-progress`],
      ['scan --json', `node ${bin} scan ${big} --json --no-progress --no-sample`],
    ]) {
      const r = late(cmd);
      assert.equal(r.stderr.trim(), 'rc=0', `${what}: ${r.stderr}`);
    }
    const fifo = path.join(tmp, 'epipe-fifo');
    assert.equal(run('mkfifo', [fifo]).code, 0);
    // the FIFO's reader takes 1 byte and leaves: the export's writer meets EPIPE on a file, not on its standard output
    const r = run('bash', ['-c', `head -c 1 < ${fifo} > /dev/null & node ${bin} scan ${big} -o ${fifo} --no-progress; echo "rc=$?" >&2; wait`]);
    assert.match(r.stderr.trim(), /^diskblame: output closed \(broken pipe\)\nrc=1$/, r.stderr);
  });

  it('a character device made with mknod stays a character device (scan -o, metrics -o)', (t) => {
    if (!root) return t.skip('needs root for mknod');
    const dir = path.join(tmp, 'dev');
    fs.mkdirSync(dir);
    const dev = path.join(dir, 'null');
    assert.equal(run('mknod', [dev, 'c', '1', '3']).code, 0);
    for (let i = 0; i < 2; i++) ok(cli(['scan', tree, '-o', dev])); // twice: the second finds the node again
    assert.ok(fs.lstatSync(dev).isCharacterDevice(), 'scan -o replaced the device node');
    ok(cli(['metrics', '--history', historyCsv(), '--volume', '/x', '-o', dev]));
    assert.ok(fs.lstatSync(dev).isCharacterDevice(), 'metrics -o replaced the device node');
    assert.deepEqual(fs.readdirSync(dir), ['null'], 'no temp file left');
    // a device node with no device behind it: one line, the node stays
    const blk = path.join(dir, 'nodev');
    assert.equal(run('mknod', [blk, 'b', '7', '255']).code, 0);
    const r = cli(['scan', tree, '-o', blk]);
    if (r.code !== 0) assert.match(assertOneLineError(r, 1), /cannot write .*nodev: /);
    assert.ok(fs.lstatSync(blk).isBlockDevice(), 'the block device node was replaced');
    assert.deepEqual(fs.readdirSync(dir).sort(), ['nodev', 'null']);
  });

  it('a FIFO with a reader gets the export (gzip for a .gz name) and stays a FIFO; metrics -o too', async () => {
    const dir = path.join(tmp, 'fifo');
    fs.mkdirSync(dir);
    for (const name of ['out.json', 'out.json.gz', 'metrics.prom']) {
      const fifo = path.join(dir, name);
      assert.equal(run('mkfifo', [fifo]).code, 0);
      const reader = spawn('cat', [fifo], { stdio: ['ignore', 'pipe', 'inherit'] });
      const chunks: Buffer[] = [];
      reader.stdout!.on('data', (c: Buffer) => chunks.push(c));
      const done = new Promise<number | null>((res) => reader.on('close', res));
      const args = name.endsWith('.prom') ? ['metrics', '--history', historyCsv(), '--volume', '/x', '-o', fifo] : ['scan', tree, '-o', fifo];
      // the CLI in a child, asynchronously: the reader must run while it writes
      const w = spawn(process.execPath, [CLI, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      let err = '';
      w.stderr!.on('data', (c: Buffer) => (err += c));
      const code = await new Promise<number | null>((res) => w.on('close', res));
      assert.equal(code, 0, `${args.join(' ')}: ${err}`);
      assert.equal(await done, 0);
      const data = Buffer.concat(chunks);
      if (name.endsWith('.prom')) assert.match(data.toString(), /^# HELP diskblame_/m);
      else {
        assert.equal(data[0] === 0x1f && data[1] === 0x8b, name.endsWith('.gz'), `${name}: gzip as the name says`);
        assertExport(data, name);
      }
      assert.ok(fs.lstatSync(fifo).isFIFO(), `${name}: the FIFO was replaced`);
    }
    assert.deepEqual(temps(dir), [], 'no temp file left');
  });

  it('a socket is refused with one line and stays a socket; a directory is one line', () => {
    const dir = path.join(tmp, 'sock');
    fs.mkdirSync(dir);
    const sock = path.join(dir, 's');
    const py = run('python3', ['-c', 'import socket,sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])', sock]);
    assert.equal(py.code, 0, py.stderr);
    assert.match(assertOneLineError(cli(['scan', tree, '-o', sock]), 1), /is a socket/);
    assert.match(assertOneLineError(cli(['metrics', '--history', historyCsv(), '--volume', '/x', '-o', sock]), 1), /is a socket/);
    assert.ok(fs.lstatSync(sock).isSocket());
    assert.match(assertOneLineError(cli(['scan', tree, '-o', dir]), 1), /is a directory/);
    assert.deepEqual(fs.readdirSync(dir), ['s']);
  });

  it('a symbolic link stays a link: its target is written (atomically, keeping its mode), also dangling, chained, or to a device', (t) => {
    const dir = path.join(tmp, 'links');
    fs.mkdirSync(dir);
    const real = path.join(dir, 'real.json');
    fs.writeFileSync(real, 'old');
    fs.chmodSync(real, 0o640);
    fs.symlinkSync('real.json', path.join(dir, 'link'));
    fs.symlinkSync('link', path.join(dir, 'chain'));
    ok(cli(['scan', tree, '-o', path.join(dir, 'chain')]));
    assert.ok(fs.lstatSync(path.join(dir, 'link')).isSymbolicLink() && fs.lstatSync(path.join(dir, 'chain')).isSymbolicLink(), 'a link was replaced');
    assertExport(fs.readFileSync(real), 'the link target');
    assert.equal(fs.statSync(real).mode & 0o777, 0o640, 'the target keeps its mode');
    fs.chmodSync(real, 0o6750);
    ok(cli(['scan', tree, '-o', real]));
    assert.equal(fs.statSync(real).mode & 0o7777, 0o750, 'its permissions kept, never its set-id bits');
    // dangling: the file it names is created; a .gz target is gzip'd
    fs.symlinkSync('new.json.gz', path.join(dir, 'dangling'));
    ok(cli(['scan', tree, '-o', path.join(dir, 'dangling')]));
    assert.ok(fs.lstatSync(path.join(dir, 'dangling')).isSymbolicLink());
    const gz = fs.readFileSync(path.join(dir, 'new.json.gz'));
    assert.ok(gz[0] === 0x1f && gz[1] === 0x8b, 'gzip, as the target is named');
    assertExport(gz, 'the dangling link target');
    // metrics -o through a link
    fs.symlinkSync('m.prom', path.join(dir, 'mlink'));
    ok(cli(['metrics', '--history', historyCsv(), '--volume', '/x', '-o', path.join(dir, 'mlink')]));
    assert.ok(fs.lstatSync(path.join(dir, 'mlink')).isSymbolicLink());
    assert.match(fs.readFileSync(path.join(dir, 'm.prom'), 'utf8'), /^# HELP diskblame_/m);
    assert.deepEqual(temps(dir), [], 'no temp file left');
    if (!root) return t.skip('the link to a device node needs root for mknod');
    assert.equal(run('mknod', [path.join(dir, 'null'), 'c', '1', '3']).code, 0);
    fs.symlinkSync('null', path.join(dir, 'tonull'));
    ok(cli(['scan', tree, '-o', path.join(dir, 'tonull')]));
    assert.ok(fs.lstatSync(path.join(dir, 'tonull')).isSymbolicLink());
    assert.ok(fs.lstatSync(path.join(dir, 'null')).isCharacterDevice());
  });

  it("in a directory others can write (/tmp), nobody's planted link or FIFO is refused; root's own link is followed", (t) => {
    if (!root) return t.skip('needs root to act as nobody');
    const dir = path.join(tmp, 'sticky');
    fs.mkdirSync(dir);
    fs.chmodSync(dir, 0o1777);
    const victim = path.join(tmp, 'sticky-victim');
    fs.writeFileSync(victim, 'precious\n');
    for (const [cmd, ...args] of [['ln', '-s', victim, path.join(dir, 'out.json')], ['ln', '-s', 'nowhere', path.join(dir, 'dangling.json')], ['mkfifo', path.join(dir, 'fifo')]]) {
      const r = run('setpriv', [...AS_NOBODY, cmd, ...args]);
      assert.equal(r.code, 0, r.stderr);
    }
    for (const name of ['out.json', 'dangling.json']) {
      const line = assertOneLineError(cli(['scan', tree, '-o', path.join(dir, name)]), 1);
      assert.match(line, /is a symbolic link of uid 65534 in a directory others can write: refusing/);
      assertOneLineError(cli(['metrics', '--history', historyCsv(), '--volume', '/x', '-o', path.join(dir, name)]), 1);
    }
    // (a refused FIFO is never opened: no reader needed, no hang)
    assert.match(assertOneLineError(cli(['scan', tree, '-o', path.join(dir, 'fifo')]), 1), /is a FIFO of uid 65534/);
    assert.equal(fs.readFileSync(victim, 'utf8'), 'precious\n', 'the planted link was followed');
    assert.ok(!fs.existsSync(path.join(dir, 'nowhere')));
    assert.ok(fs.lstatSync(path.join(dir, 'out.json')).isSymbolicLink());
    fs.symlinkSync('mine.json', path.join(dir, 'own-link'));
    ok(cli(['scan', tree, '-o', path.join(dir, 'own-link')]));
    assertExport(fs.readFileSync(path.join(dir, 'mine.json')), "root's own link");
  });

  it('-o - and -o /dev/stdout write to standard output (the --json summary to stderr); metrics too', () => {
    for (const o of ['-', '/dev/stdout', '/proc/self/fd/1']) {
      const r = ok(cli(['scan', tree, '-o', o, '--json']));
      assertExport(r.stdoutBuf, `-o ${o}`);
      assert.equal(JSON.parse(r.stderr).entries, 2, `-o ${o}: the summary on stderr`);
      const m = ok(cli(['metrics', '--history', historyCsv(), '--volume', '/x', '-o', o]));
      assert.match(m.stdout, /^# HELP diskblame_/m);
    }
    // stdout redirected to a file: written through fd 1, the file is not replaced by a rename
    const f = path.join(tmp, 'stdout-file');
    const fd = fs.openSync(f, 'w');
    const ino = fs.fstatSync(fd).ino;
    try {
      const r = spawnSync(process.execPath, [CLI, 'scan', tree, '-o', '/dev/stdout'], { env, stdio: ['ignore', fd, 'pipe'] });
      assert.equal(r.status, 0, String(r.stderr));
    } finally {
      fs.closeSync(fd);
    }
    assert.equal(fs.statSync(f).ino, ino, 'the file behind stdout was replaced');
    assertExport(fs.readFileSync(f), 'stdout as a file');
  });

  it('hostile output names in the error line are escaped', () => {
    const dir = path.join(tmp, 'hostile-out');
    fs.mkdirSync(dir);
    for (const h of HOSTILE.slice(0, 10)) {
      const r = cli(['scan', tree, '-o', `${dir}/${h.bytes.toString('utf8')}/missing/x.json`]);
      assertTerminalSafe(assertOneLineError(r, 1), h.label);
    }
  });
});

describe('the store refuses what others can write', () => {
  const victim = () => path.join(tmp, 'victim');
  const nobody = (cmd: string, args: string[]) => {
    const r = run('setpriv', [...AS_NOBODY, cmd, ...args]);
    assert.equal(r.code, 0, `as nobody: ${cmd} ${args.join(' ')}: ${r.stderr}`);
  };

  it('a world-writable store where nobody planted links: every command refuses with one line, the target untouched', (t) => {
    if (!root) return t.skip('needs root to act as nobody');
    fs.writeFileSync(victim(), 'precious\n');
    const st = path.join(tmp, 'open-store');
    fs.mkdirSync(st);
    fs.chmodSync(st, 0o1777);
    nobody('ln', ['-s', victim(), path.join(st, 'samples.jsonl')]);
    nobody('mkdir', ['-m', '0777', path.join(st, 'snapshots')]);
    for (const args of [
      ['sample', '--mount', '/', '--store', st],
      ['snapshot', tree, '--store', st],
      ['scan', tree, '--save', '--store', st],
      ['snapshots', '--store', st],
      ['forecast', '--store', st],
      ['metrics', '--store', st],
      ['prune', '--keep', '1', '--store', st],
    ]) {
      const line = assertOneLineError(cli(args), 1);
      assert.match(line, /^diskblame: store .*open-store is writable by others \(mode 1777\): refusing; chmod go-w /, args.join(' '));
    }
    assert.equal(fs.readFileSync(victim(), 'utf8'), 'precious\n', 'the link target was written');
    assert.deepEqual(fs.readdirSync(path.join(st, 'snapshots')), [], 'nothing written into the open store');
    // the store itself private, its snapshots subdirectory open
    fs.chmodSync(st, 0o700);
    fs.rmSync(path.join(st, 'samples.jsonl'));
    assert.match(assertOneLineError(cli(['snapshot', tree, '--store', st]), 1), /snapshots belongs to uid 65534/);
    fs.chownSync(path.join(st, 'snapshots'), 0, 0);
    assert.match(assertOneLineError(cli(['snapshot', tree, '--store', st]), 1), /snapshots is writable by others \(mode 0777\)/);
    assert.match(assertOneLineError(cli(['snapshots', '--store', st]), 1), /snapshots is writable by others/);
  });

  it("a store owned by nobody is refused by root (it could have planted anything)", (t) => {
    if (!root) return t.skip('needs root to act as nobody');
    const st = path.join(tmp, 'nobody-store');
    fs.mkdirSync(st, { mode: 0o700 });
    fs.chownSync(st, 65534, 65534);
    nobody('ln', ['-s', victim(), path.join(st, 'samples.jsonl')]);
    const line = assertOneLineError(cli(['sample', '--mount', '/', '--store', st]), 1);
    assert.match(line, /store .*nobody-store belongs to uid 65534/);
    assertOneLineError(cli(['forecast', '--store', st]), 1);
    assert.equal(fs.readFileSync(victim(), 'utf8'), 'precious\n');
  });

  it('a store that cannot be made (in /proc, where mkdir says ENOENT under a directory that exists) is one line, no hang', () => {
    for (const args of [
      ['snapshot', tree, '--store', '/proc/self/store'],
      ['sample', '--mount', '/', '--store', '/proc/self/store'],
    ]) {
      const line = assertOneLineError(runCli(args, { env, timeoutMs: 20_000 }), 1);
      assert.match(line, /^diskblame: cannot create store \/proc\/self\/store: no such file or directory$/, args.join(' '));
    }
  });

  it('links in a private store are never followed: samples.jsonl refused, a snapshot link listed as bad and not loaded', async (t) => {
    if (!root) return t.skip('needs root to act as nobody');
    const st = path.join(tmp, 'private-store');
    fs.mkdirSync(path.join(st, 'snapshots'), { recursive: true, mode: 0o700 });
    fs.chmodSync(st, 0o700);
    fs.symlinkSync(victim(), path.join(st, 'samples.jsonl'));
    assert.match(assertOneLineError(cli(['sample', '--mount', '/', '--store', st]), 1), /samples\.jsonl: is a symbolic link \(not followed\)/);
    assert.match(assertOneLineError(cli(['forecast', '--store', st]), 1), /samples\.jsonl: is a symbolic link/);
    assert.equal(fs.readFileSync(victim(), 'utf8'), 'precious\n');
    // a snapshot that is a link to a real one elsewhere: not read through
    const elsewhere = path.join(tmp, 'elsewhere-store');
    ok(cli(['snapshot', tree, '--store', elsewhere, '--json']));
    const [real] = fs.readdirSync(path.join(elsewhere, 'snapshots'));
    fs.symlinkSync(path.join(elsewhere, 'snapshots', real), path.join(st, 'snapshots', real));
    const r = cli(['snapshots', '--store', st, '--json']);
    assert.equal(r.code, 1, 'a bad file in the store: exit 1');
    const list = JSON.parse(r.stdout);
    assert.equal(list.snapshots.length, 0);
    assert.equal(list.bad.length, 1);
    assert.match(list.bad[0].error, /symbolic link/);
    await assert.rejects(loadSnapshot(path.join(st, 'snapshots', real)), (e: Error) => e.name === 'ImportError' && /symbolic link/.test(e.message));
  });

  it('a package cache directory others can write is neither read nor written', (t) => {
    if (!fs.existsSync('/var/lib/dpkg/info')) return t.skip('no dpkg: no package cache');
    const cache = path.join(tmp, 'cache');
    fs.mkdirSync(path.join(cache, 'diskblame'), { recursive: true });
    fs.chmodSync(path.join(cache, 'diskblame'), 0o777);
    const before = fs.readdirSync(path.join(cache, 'diskblame'));
    const r = cli(['owners', tree, '--json'], { XDG_CACHE_HOME: cache });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(fs.readdirSync(path.join(cache, 'diskblame')), before, 'wrote into an open cache directory');
    fs.chmodSync(path.join(cache, 'diskblame'), 0o700);
    ok(cli(['owners', tree, '--json'], { XDG_CACHE_HOME: cache }));
    assert.ok(fs.readdirSync(path.join(cache, 'diskblame')).some((n) => n.startsWith('packages')), 'a private cache is written');
  });
});

describe('samples: appends that cannot tear', () => {
  it('a torn last line (a crash mid-append) stays on its own line; the next sample parses; the reader skips the torn one', () => {
    const st = makeTmp('torn-store');
    try {
      ok(cli(['sample', '--mount', '/', '--store', st]));
      const file = path.join(st, 'samples.jsonl');
      fs.appendFileSync(file, '{"time":"2026-11-29T00:00:00.000Z","mou');
      ok(cli(['sample', '--mount', '/', '--store', st]));
      const L = fs.readFileSync(file, 'utf8').split('\n');
      assert.equal(L.pop(), '', 'ends in a newline');
      assert.equal(L.length, 3);
      assert.equal(L[1], '{"time":"2026-11-29T00:00:00.000Z","mou', 'the torn line alone');
      assert.equal(JSON.parse(L[2]).mount, '/');
      const { samples, skipped } = readSamples(st);
      assert.equal(samples.length, 2);
      assert.equal(skipped, 1);
    } finally {
      rmrf(st);
    }
  });

  it('an append on a full tmpfs fails with one line and leaves samples.jsonl as it was (no half line)', (t) => {
    if (!root) return t.skip('needs root to mount a tmpfs');
    const mnt = makeTmp('samples-tmpfs');
    const m = run('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', mnt]);
    if (m.code !== 0) {
      rmrf(mnt);
      return t.skip(`cannot mount a tmpfs: ${m.stderr.trim()}`);
    }
    try {
      const st = path.join(mnt, 'store');
      fs.mkdirSync(st, { mode: 0o700 });
      const file = path.join(st, 'samples.jsonl');
      // one valid sample padded so the file ends 40 bytes before a page boundary
      const s = { time: new Date().toISOString(), mount: '/', device: 'd', fsType: 't', sizeBytes: 10, usedBytes: 5, freeBytes: 5, inodes: 1, inodesFree: 1, pad: '' };
      s.pad = 'p'.repeat(4096 - 40 - JSON.stringify(s).length - 1);
      const first = JSON.stringify(s) + '\n';
      assert.equal(first.length, 4096 - 40);
      fs.writeFileSync(file, first);
      run('dd', ['if=/dev/zero', `of=${path.join(mnt, 'fill')}`, 'bs=4096']);
      assert.equal(fs.statfsSync(mnt).bavail, 0, 'the tmpfs is full');
      const r = cli(['sample', '--mount', '/', '--store', st]);
      assert.match(assertOneLineError(r, 1), /no space left on the device/);
      assert.equal(fs.readFileSync(file, 'utf8'), first, 'samples.jsonl changed: a torn line was left');
      // room again: the next append is whole and the file parses
      fs.rmSync(path.join(mnt, 'fill'));
      ok(cli(['sample', '--mount', '/', '--store', st]));
      const { samples, skipped } = readSamples(st);
      assert.equal(skipped, 0);
      assert.equal(samples.length, 2);
      assert.deepEqual(temps(st), []);
    } finally {
      run('umount', [mnt]);
      rmrf(mnt);
    }
  });
});

describe('temp files of dead writers', () => {
  /** start `scan --file FIFO -o dest`: it creates its temp file, then waits forever for the FIFO's writer */
  async function stalledWriter(dest: string, fifo: string): Promise<ChildProcess> {
    if (!fs.existsSync(fifo)) assert.equal(run('mkfifo', [fifo]).code, 0);
    const before = new Set(temps(path.dirname(dest)));
    const p = spawn(process.execPath, [CLI, 'scan', '--file', fifo, '-o', dest], { env, stdio: 'ignore' });
    for (let i = 0; i < 600; i++) {
      if (temps(path.dirname(dest)).some((n) => !before.has(n))) return p;
      await new Promise((r) => setTimeout(r, 50));
    }
    p.kill('SIGKILL');
    assert.fail('the writer made no temp file');
  }
  const killed = (p: ChildProcess) => new Promise<void>((res) => (p.exitCode !== null || p.signalCode !== null ? res() : p.on('exit', () => res())));

  it('kill -9 mid-export: the next write of that file removes the dead writer\'s temp, never a live one\'s', async () => {
    const dir = path.join(tmp, 'kill-export');
    fs.mkdirSync(dir);
    const dest = path.join(dir, 'out.json');
    const dead = await stalledWriter(dest, path.join(tmp, 'in1.fifo'));
    dead.kill('SIGKILL');
    await killed(dead);
    const [stale] = temps(dir);
    assert.ok(stale, 'the killed writer left its temp file');
    const live = await stalledWriter(dest, path.join(tmp, 'in2.fifo'));
    try {
      const liveTemp = temps(dir).find((n) => n !== stale)!;
      ok(cli(['scan', tree, '-o', dest]));
      assert.deepEqual(temps(dir), [liveTemp], 'the dead temp removed, the live one kept');
      assertExport(fs.readFileSync(dest), 'the export');
    } finally {
      live.kill('SIGKILL');
      await killed(live);
    }
  });

  it('kill -9 mid-snapshot: the next snapshot removes the dead temp in the store, keeps a live writer\'s', async () => {
    const st = path.join(tmp, 'kill-store');
    ok(cli(['snapshot', tree, '--store', st]));
    const snaps = path.join(st, 'snapshots');
    const dead = await stalledWriter(path.join(snaps, '20260101T000000Z-x-00000000.json.gz'), path.join(tmp, 'in3.fifo'));
    dead.kill('SIGKILL');
    await killed(dead);
    const [stale] = temps(snaps);
    assert.ok(stale);
    const live = await stalledWriter(path.join(snaps, '20260101T000001Z-x-00000000.json.gz'), path.join(tmp, 'in4.fifo'));
    try {
      const liveTemp = temps(snaps).find((n) => n !== stale)!;
      ok(cli(['snapshot', tree, '--store', st]));
      assert.deepEqual(temps(snaps), [liveTemp]);
      assert.equal(JSON.parse(ok(cli(['snapshots', '--store', st, '--json'])).stdout).snapshots.length, 2);
    } finally {
      live.kill('SIGKILL');
      await killed(live);
    }
  });

  it('a temp name whose pid was reused by another process is dead; a foreign file is never removed', () => {
    const dir = path.join(tmp, 'reuse');
    fs.mkdirSync(dir);
    const sleeper = spawn('sleep', ['60']);
    try {
      const pid = sleeper.pid!;
      let start: string | null = null;
      for (let i = 0; i < 100 && start === null; i++) start = processStartTime(pid);
      assert.ok(start, 'start time of a live process');
      const mine = path.basename(tempPath(path.join(dir, 'x')));
      const tag = mine.split('.').slice(-4, -2).join('.');
      assert.equal(tag, `${process.pid}.${processStartTime(process.pid)}`, 'the temp name names its writer');
      const names = {
        live: `.x.${pid}.${start}.0123abcd.tmp`,
        reused: `.x.${pid}.${Number(start) + 1}.0123abcd.tmp`,
        self: mine,
        gone: `.x.999999999.1.0123abcd.tmp`,
        oldGone: `.x.999999999.tmp`, // an earlier version's name: by the pid alone
        oldLive: `.x.${pid}.tmp`,
        foreign: `.x.notours.tmp`,
        digits: `.x.${pid}.${start}.12345678.tmp`, // all-digit random part: still the live writer's
      };
      for (const n of Object.values(names)) fs.writeFileSync(path.join(dir, n), '');
      fs.symlinkSync('/nonexistent', path.join(dir, '.y.999999999.1.0123abcd.tmp'));
      assert.equal(cleanStaleTemps(path.join(dir), 'y'), 0, 'a link is never removed');
      assert.equal(cleanStaleTemps(dir, 'z'), 0, 'only temps of the named destination');
      assert.equal(cleanStaleTemps(dir), 3);
      assert.deepEqual(fs.readdirSync(dir).sort(), [names.live, names.self, names.foreign, names.oldLive, names.digits, '.y.999999999.1.0123abcd.tmp'].sort());
    } finally {
      sleeper.kill('SIGKILL');
    }
  });

  it('a link planted at the very temp name a write will use is neither followed nor replaced (O_EXCL|O_NOFOLLOW)', () => {
    const dir = path.join(tmp, 'planted-temp');
    fs.mkdirSync(dir);
    const victim = path.join(tmp, 'temp-victim');
    fs.writeFileSync(victim, 'precious\n');
    const dest = path.join(dir, 'cache.bin');
    const fixed = Buffer.from('0badf00d', 'hex');
    const real = crypto.randomBytes;
    (crypto as { randomBytes: unknown }).randomBytes = () => fixed; // the attacker guessed the random part
    try {
      const name = tempPath(dest);
      fs.symlinkSync(victim, name);
      assert.throws(() => writeFileAtomic(dest, 'gzip data'), (e: unknown) => e instanceof UserError && /cannot write .*cache\.bin: file exists/.test(e.message));
      assert.equal(fs.readFileSync(victim, 'utf8'), 'precious\n');
      assert.ok(fs.lstatSync(name).isSymbolicLink(), 'the planted link is left alone');
      assert.ok(!fs.existsSync(dest));
    } finally {
      (crypto as { randomBytes: unknown }).randomBytes = real;
    }
    writeFileAtomic(dest, 'data'); // another random name: fine
    assert.equal(fs.readFileSync(dest, 'utf8'), 'data');
  });

  it('a private state file (privateFile) replaces only a missing name or a regular file of ours: a FIFO, a device, a directory, a link or another user\'s file is left as it is, with one line', () => {
    const dir = path.join(tmp, 'private-state');
    fs.mkdirSync(dir);
    const put = (name: string, data: string) => writeFileAtomic(path.join(dir, name), data, { mode: 0o600, noFollow: true, privateFile: true });
    put('new', 'one');
    assert.equal(fs.readFileSync(path.join(dir, 'new'), 'utf8'), 'one');
    put('new', 'two'); // a regular file of ours: replaced
    assert.equal(fs.readFileSync(path.join(dir, 'new'), 'utf8'), 'two');
    const refused = (name: string, why: RegExp, still: (st: fs.Stats) => boolean) => {
      assert.throws(() => put(name, 'x'), (e: unknown) => e instanceof UserError && why.test(e.message) && !e.message.includes('\n'), name);
      assert.ok(still(fs.lstatSync(path.join(dir, name))), `${name}: left as it is`);
    };
    assert.equal(spawnSync('mkfifo', [path.join(dir, 'fifo')]).status, 0);
    refused('fifo', /it is a FIFO, not a file of ours/, (st) => st.isFIFO()); // (an output would write it in place and wait for a reader)
    fs.mkdirSync(path.join(dir, 'dir'));
    refused('dir', /it is a directory/, (st) => st.isDirectory());
    fs.writeFileSync(path.join(dir, 'victim'), 'precious');
    fs.symlinkSync(path.join(dir, 'victim'), path.join(dir, 'link'));
    refused('link', /it is a symbolic link/, (st) => st.isSymbolicLink());
    assert.equal(fs.readFileSync(path.join(dir, 'victim'), 'utf8'), 'precious');
    if (root) {
      assert.equal(spawnSync('mknod', [path.join(dir, 'null'), 'c', '1', '3']).status, 0); // (in a temp dir, never /dev)
      refused('null', /it is a device/, (st) => st.isCharacterDevice());
      fs.writeFileSync(path.join(dir, 'theirs'), 'theirs');
      fs.chownSync(path.join(dir, 'theirs'), 65534, 65534);
      refused('theirs', /belongs to uid 65534, not to us/, (st) => st.isFile() && st.uid === 65534);
      assert.equal(fs.readFileSync(path.join(dir, 'theirs'), 'utf8'), 'theirs');
    }
    assert.deepEqual(fs.readdirSync(dir).filter((n) => n.includes('.tmp')), [], 'no temp file left behind');
  });
});

describe('holes an adversarial tester found (-o and the store)', () => {
  const nobody = (cmd: string, args: string[]) => {
    const r = run('setpriv', [...AS_NOBODY, cmd, ...args]);
    assert.equal(r.code, 0, `as nobody: ${cmd} ${args.join(' ')}: ${r.stderr}`);
  };
  const metrics = (o: string) => ['metrics', '--history', historyCsv(), '--volume', '/x', '-o', o];
  /** a sticky world-writable dir `pub`, and a private dir with a secret */
  function sticky(tag: string): { pub: string; victim: string; secret: string } {
    const base = path.join(tmp, tag);
    const pub = path.join(base, 'pub');
    const victim = path.join(base, 'victim');
    fs.mkdirSync(pub, { recursive: true });
    fs.chmodSync(base, 0o755);
    fs.chmodSync(pub, 0o1777);
    fs.mkdirSync(victim, { mode: 0o700 });
    fs.writeFileSync(path.join(victim, 'secret'), 'precious\n');
    return { pub, victim, secret: path.join(victim, 'secret') };
  }

  it('-o through a directory link that nobody planted in a sticky directory is refused, naming the link; our own is followed', (t) => {
    if (!root) return t.skip('needs root to act as nobody');
    const { pub, victim, secret } = sticky('dirlink');
    nobody('ln', ['-s', victim, path.join(pub, 'dirlink')]);
    // and a link of ours to it: the planted one is met on the way, in the target of ours
    fs.symlinkSync(path.join(pub, 'dirlink', 'secret'), path.join(tmp, 'dirlink', 'ours'));
    for (const o of [path.join(pub, 'dirlink', 'secret'), path.join(pub, 'dirlink', 'new.prom'), path.join(tmp, 'dirlink', 'ours')]) {
      const line = assertOneLineError(cli(metrics(o)), 1);
      assert.ok(line.includes(`${path.join(pub, 'dirlink')} is a symbolic link of uid 65534 in a directory others can write: refusing`), line);
      assertOneLineError(cli(['scan', tree, '-o', o]), 1);
    }
    assert.equal(fs.readFileSync(secret, 'utf8'), 'precious\n', 'the secret was replaced');
    assert.deepEqual(fs.readdirSync(victim), ['secret'], 'something was written into the victim directory');
    // a hostile name for the link: escaped in the line
    const hostile = `evil\x1b[2J\nlink`;
    nobody('ln', ['-s', victim, path.join(pub, hostile)]);
    assertTerminalSafe(assertOneLineError(cli(metrics(path.join(pub, hostile, 'secret'))), 1), 'a hostile link name');
    // root's own directory link in the same directory is followed
    fs.symlinkSync(victim, path.join(pub, 'mine'));
    ok(cli(metrics(path.join(pub, 'mine', 'secret'))));
    assert.match(fs.readFileSync(secret, 'utf8'), /^# HELP diskblame_/m);
  });

  it('a store or cache path through a link nobody planted is refused (--store, DISKBLAME_STORE, XDG_STATE_HOME, a component of it)', (t) => {
    if (!root) return t.skip('needs root to act as nobody');
    const { pub, victim } = sticky('storelink');
    nobody('ln', ['-s', victim, path.join(pub, 'store')]);
    const link = `${path.join(pub, 'store')} is a symbolic link of uid 65534 in a directory others can write: refusing`;
    const noStore = { DISKBLAME_STORE: '' };
    for (const [args, extra] of [
      [['snapshot', tree, '--store', path.join(pub, 'store')], {}],
      [['snapshot', tree, '--store', path.join(pub, 'store', 'sub')], {}],
      [['sample', '--mount', '/', '--store', path.join(pub, 'store')], {}],
      [['snapshot', tree], { DISKBLAME_STORE: path.join(pub, 'store') }],
      [['snapshot', tree], { ...noStore, XDG_STATE_HOME: path.join(pub, 'store') }],
      [['snapshots'], { DISKBLAME_STORE: path.join(pub, 'store') }],
      [['forecast'], { DISKBLAME_STORE: path.join(pub, 'store') }],
    ] as [string[], NodeJS.ProcessEnv][]) {
      const line = assertOneLineError(cli(args, extra), 1);
      assert.ok(line.includes(link), `${args.join(' ')} ${JSON.stringify(extra)}: ${line}`);
    }
    assert.deepEqual(fs.readdirSync(victim), ['secret'], 'the store was made in the victim directory');
    // the package cache: $XDG_CACHE_HOME/diskblame through a planted link is neither read nor written
    if (!fs.existsSync('/var/lib/dpkg/info')) return t.skip('no dpkg: no package cache');
    const cacheDir = path.join(tmp, 'storelink', 'cache');
    fs.mkdirSync(path.join(cacheDir, 'diskblame'), { recursive: true, mode: 0o700 });
    nobody('ln', ['-s', cacheDir, path.join(pub, 'cache')]);
    ok(cli(['owners', tree, '--json'], { XDG_CACHE_HOME: path.join(pub, 'cache') }));
    assert.deepEqual(fs.readdirSync(path.join(cacheDir, 'diskblame')), [], 'the cache was written through the planted link');
    fs.symlinkSync(cacheDir, path.join(pub, 'my-cache')); // our own link: used
    ok(cli(['owners', tree, '--json'], { XDG_CACHE_HOME: path.join(pub, 'my-cache') }));
    assert.ok(fs.readdirSync(path.join(cacheDir, 'diskblame')).some((n) => n.startsWith('packages')), 'the cache behind our own link was not written');
  });

  it('-o /dev/stderr, /dev/fd/N, /proc/self/fd/N write into descriptor N as it is: a regular file behind it is not replaced', () => {
    const dir = path.join(tmp, 'fdnames');
    fs.mkdirSync(dir);
    const f = path.join(dir, 'out');
    for (const [o, n] of [['/dev/stderr', 2], ['/dev/fd/3', 3], ['/proc/self/fd/3', 3], [`/dev/fd/../fd/3`, 3]] as [string, number][]) {
      fs.writeFileSync(f, 'before\n');
      const fd = fs.openSync(f, 'a');
      const ino = fs.fstatSync(fd).ino;
      let r;
      try {
        const stdio: ('ignore' | 'pipe' | number)[] = ['ignore', 'pipe', 'pipe', 'pipe'];
        stdio[n] = fd;
        r = spawnSync(process.execPath, [CLI, ...metrics(o)], { env, stdio, timeout: 60_000 });
      } finally {
        fs.closeSync(fd);
      }
      assert.equal(r.status, 0, `-o ${o}: ${r.stderr}`);
      assert.equal(fs.statSync(f).ino, ino, `-o ${o}: the file behind descriptor ${n} was replaced`);
      const text = fs.readFileSync(f, 'utf8');
      assert.ok(text.startsWith('before\n'), `-o ${o}: the file was truncated or replaced`);
      assert.match(text, /^# HELP diskblame_/m, `-o ${o}: nothing written into descriptor ${n}`);
      assert.deepEqual(fs.readdirSync(dir), ['out'], `-o ${o}: a file was created (a temp, or "N (deleted)")`);
    }
    // the export too, into a descriptor
    const fd = fs.openSync(f, 'w');
    try {
      const r = spawnSync(process.execPath, [CLI, 'scan', tree, '-o', '/dev/fd/3'], { env, stdio: ['ignore', 'pipe', 'pipe', fd] });
      assert.equal(r.status, 0, String(r.stderr));
    } finally {
      fs.closeSync(fd);
    }
    assertExport(fs.readFileSync(f), 'scan -o /dev/fd/3');
    // a descriptor that is not open, or open for reading: one line
    for (const o of ['/dev/fd/9', '/proc/self/fd/9', '/proc/self/fd/57']) {
      assert.match(assertOneLineError(cli(metrics(o)), 1), /descriptor (9|57) is not open/);
    }
    const rfd = fs.openSync(f, 'r');
    try {
      const r = spawnSync(process.execPath, [CLI, ...metrics('/dev/fd/3')], { env, stdio: ['ignore', 'pipe', 'pipe', rfd] });
      assert.equal(r.status, 1);
      assert.match(String(r.stderr), /^diskblame: cannot write \/dev\/fd\/3: descriptor 3 is open for reading only\n$/);
    } finally {
      fs.closeSync(rfd);
    }
    assert.deepEqual(fs.readdirSync(dir), ['out']);
  });

  it('a name ending in / is a directory name: never a file (newdir/, target/ of a file), exit 1, nothing written', () => {
    const dir = path.join(tmp, 'slash');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'target'), 'keep\n');
    assert.match(assertOneLineError(cli(metrics(path.join(dir, 'newdir') + '/')), 1), /newdir\/: is a directory name/);
    assert.match(assertOneLineError(cli(['scan', tree, '-o', path.join(dir, 'newdir') + '/']), 1), /is a directory name/);
    assert.match(assertOneLineError(cli(metrics(path.join(dir, 'target') + '/')), 1), /target\/: not a directory/);
    assert.match(assertOneLineError(cli(['scan', tree, '-o', path.join(dir, 'target') + '/']), 1), /not a directory/);
    assert.match(assertOneLineError(cli(metrics(path.join(dir, 'target') + '/.')), 1), /not a directory/);
    assert.match(assertOneLineError(cli(metrics(dir + '/')), 1), /is a directory/);
    assert.equal(fs.readFileSync(path.join(dir, 'target'), 'utf8'), 'keep\n');
    assert.deepEqual(fs.readdirSync(dir), ['target'], 'something was created');
  });

  it("a replaced file keeps its owner, group and mode (root); a hard-linked one is replaced under its name, the other names keep the old contents", (t) => {
    if (!root) return t.skip('needs root to give a file to nobody');
    const dir = path.join(tmp, 'owner');
    fs.mkdirSync(dir);
    const f = path.join(dir, 'f.prom');
    fs.writeFileSync(f, '');
    fs.chownSync(f, 65534, 65534);
    fs.chmodSync(f, 0o600);
    const ino = fs.statSync(f).ino;
    ok(cli(metrics(f)));
    let st = fs.statSync(f);
    assert.notEqual(st.ino, ino, 'written atomically (a new file renamed in)');
    assert.deepEqual([st.uid, st.gid, st.mode & 0o7777], [65534, 65534, 0o600], 'owner, group or mode not kept');
    // nobody (node_exporter's user) can still read it
    const r = run('setpriv', [...AS_NOBODY, 'cat', f]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^# HELP diskblame_/m);
    // the export, through a link of ours, too
    const e = path.join(dir, 'e.json');
    fs.writeFileSync(e, 'old');
    fs.chownSync(e, 65534, 0);
    fs.chmodSync(e, 0o640);
    fs.symlinkSync('e.json', path.join(dir, 'elink'));
    ok(cli(['scan', tree, '-o', path.join(dir, 'elink')]));
    st = fs.statSync(e);
    assert.deepEqual([st.uid, st.gid, st.mode & 0o7777], [65534, 0, 0o640]);
    // hard links: the name given is replaced atomically (keeping owner and mode), the other name keeps the old contents
    const h = path.join(dir, 'h.prom');
    const other = path.join(dir, 'other-name');
    fs.writeFileSync(h, 'old\n');
    fs.chownSync(h, 65534, 65534);
    fs.chmodSync(h, 0o640);
    fs.linkSync(h, other);
    ok(cli(metrics(h)));
    assert.equal(fs.readFileSync(other, 'utf8'), 'old\n', 'written in place into the other name');
    assert.match(fs.readFileSync(h, 'utf8'), /^# HELP diskblame_/m);
    st = fs.statSync(h);
    assert.deepEqual([st.nlink, st.uid, st.gid, st.mode & 0o7777], [1, 65534, 65534, 0o640]);
    assert.deepEqual(temps(dir), []);
  });
});
