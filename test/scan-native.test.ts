/**
 * The native directory reader (src/native/dirscan.c) against the JavaScript reader it replaces:
 * both scan the same real trees and must give the same `scan -o -` export, byte for byte (the
 * mtimes included: nothing is written between the two runs; only the header's timestamp, the time
 * of the scan, differs), and totals equal to GNU du's. The trees: hard links, sparse files past
 * 2^53 bytes (on a tmpfs: ext4 stops at 16 TiB), symlinks, FIFOs and sockets, names with newlines
 * and invalid UTF-8, a directory of more than CHUNK (4096) entries, a chain past PATH_MAX,
 * unreadable directories (as user nobody), --exclude, a tmpfs, a bind mount and a procfs mounted
 * inside. Also the install script: built when it can, one line and exit 0 when it cannot.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { REPO, du, have, isRoot, run, runCli, runCliOk, type RunOptions } from './helpers/run.js';
import { BAD_UTF8, BAD_UTF8_DIR, buildRichTree, bpath, makeChain, makeManyFiles, makeTmp, rmrf, writeSized } from './helpers/fs.js';
import { loadExport } from './helpers/tree.js';
import { assertMadeBy, libdeflateDevInstalled } from './helpers/gzip.js';
import { ncduParseAddon } from '../src/import/native-parse.js';
import { gunzipSync } from 'node:zlib';

const ADDON = path.join(REPO, 'build', 'Release', 'dirscan.node');
const disabled = process.env.DISKBLAME_NATIVE === '0';
const canNobody = isRoot() && have('setpriv');
const P53 = 2n ** 53n;

/** the environment of a run with the native reader (the default) or the JavaScript one */
function envOf(native: boolean): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, DISKBLAME_DEBUG: '' };
  if (native) delete env.DISKBLAME_NATIVE;
  else env.DISKBLAME_NATIVE = '0';
  return env;
}

/** `scan DIR -o - ARGS` with one reader; the export with the header's scan time blanked */
function exportOf(dir: string, args: string[], native: boolean, opts: RunOptions = {}): Buffer {
  const r = runCliOk(['scan', dir, '-o', '-', ...args], { timeoutMs: 180_000, ...opts, env: envOf(native) });
  const nl = r.stdoutBuf.indexOf(0x0a);
  const head = r.stdoutBuf.subarray(0, nl).toString('utf8').replace(/"timestamp":\d+/, '"timestamp":0');
  return Buffer.concat([Buffer.from(head), r.stdoutBuf.subarray(nl)]);
}

/** both readers' exports of DIR must be the same bytes; returns the native one */
function sameExports(dir: string, args: string[], opts: RunOptions = {}): Buffer {
  const nat = exportOf(dir, args, true, opts);
  const js = exportOf(dir, args, false, opts);
  if (!nat.equals(js)) {
    let k = 0;
    while (k < nat.length && nat[k] === js[k]) k++;
    assert.fail(
      `${args.join(' ') || '(no options)'}: the exports differ at byte ${k} of ${nat.length}/${js.length}:\n` +
        `native: ${JSON.stringify(nat.subarray(Math.max(0, k - 120), k + 120).toString('latin1'))}\n` +
        `js:     ${JSON.stringify(js.subarray(Math.max(0, k - 120), k + 120).toString('latin1'))}`,
    );
  }
  return nat;
}

/** every exact `"key":digits` value of a JSON text (JSON.parse would round past 2^53) */
function jsonInts(text: string, key: string): bigint[] {
  return [...text.matchAll(new RegExp(`"${key}":\\s*(-?[0-9]+)(?=[,}\\s])`, 'g'))].map((m) => BigInt(m[1]));
}

describe('the native reader', { skip: disabled && 'DISKBLAME_NATIVE=0: the native reader is disabled in this run' }, () => {
  let base = '';
  let outside = '';
  const mounted: string[] = [];
  let onTmpfs = false;

  before(() => {
    assert.ok(fs.existsSync(ADDON), `${ADDON} is missing: build it with npm install (scripts/build-native.mjs; needs a C compiler)`);
    base = makeTmp('native');
    outside = makeTmp('native-out');
    fs.chmodSync(base, 0o755);
    fs.chmodSync(outside, 0o755);
    // a tmpfs holds sparse files past 2^53 bytes (ext4 stops at 16 TiB)
    if (isRoot() && run('mount', ['-t', 'tmpfs', '-o', 'size=256m,mode=755', 'tmpfs', base]).code === 0) {
      mounted.push(base);
      onTmpfs = true;
    }
    const j = (...s: string[]) => path.join(base, ...s);
    fs.mkdirSync(j('rich'));
    buildRichTree(j('rich'), outside);
    fs.mkdirSync(j('many'));
    makeManyFiles(j('many'), 9000); // > 2 x CHUNK: delivered in several messages
    fs.mkdirSync(j('deep'));
    makeChain(j('deep'), 300, 'abcdefghij0123456789', 12345); // > 6000 bytes of path
    fs.mkdirSync(j('big'));
    if (onTmpfs) {
      assert.equal(run('truncate', ['-s', String(P53 + 1n), j('big', 'huge')]).code, 0);
      assert.equal(run('truncate', ['-s', String(2n ** 60n + 7n), j('big', 'huger')]).code, 0);
      fs.linkSync(j('big', 'huge'), j('big', 'huge-link'));
    }
    writeSized(j('big', 'small'), 777);
    fs.mkdirSync(j('excl', 'data', 'sub1'), { recursive: true });
    for (const f of ['a.log', 'keep.txt', 'data/x.log', 'data/sub1/y', 'data/sub1/z.log']) writeSized(j('excl', f), 100 + f.length);
    fs.mkdirSync(bpath(j('excl'), BAD_UTF8_DIR));
    writeSized(bpath(bpath(j('excl'), BAD_UTF8_DIR), BAD_UTF8), 9);
    // unreadable for nobody: no permission at all, and listable but not searchable
    fs.mkdirSync(j('perm', 'locked', 'inner'), { recursive: true });
    writeSized(j('perm', 'locked', 'g'), 7000);
    fs.mkdirSync(j('perm', 'noexec'));
    writeSized(j('perm', 'noexec', 'a'), 10);
    writeSized(j('perm', 'noexec', 'b'), 20);
    fs.chmodSync(j('perm', 'locked'), 0o000);
    fs.chmodSync(j('perm', 'noexec'), 0o644);
    if (isRoot()) {
      // mounts inside the tree: another tmpfs, a bind mount of the same filesystem, a procfs
      for (const d of ['inner', 'bind', 'proc']) fs.mkdirSync(j(d));
      if (run('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', j('inner')]).code === 0) {
        mounted.push(j('inner'));
        writeSized(j('inner', 'on-inner'), 5555);
      }
      if (run('mount', ['--bind', j('rich', 'plain'), j('bind')]).code === 0) mounted.push(j('bind'));
      if (run('mount', ['-t', 'proc', 'proc', j('proc')]).code === 0) mounted.push(j('proc'));
    }
  });

  after(() => {
    for (const m of mounted.reverse()) if (run('umount', [m]).code !== 0) run('umount', ['-l', m]);
    if (base) rmrf(base);
    if (outside) rmrf(outside);
  });

  it('--version names the reader: native here, javascript with DISKBLAME_NATIVE=0', () => {
    const n = runCliOk(['--version'], { env: envOf(true) });
    assert.match(n.stdout, /^\d+\.\d+\.\d+\nreader: native \(build\/Release\/dirscan\.node\)\nthreads: native \([^\n]*\)\ngzip: [^\n]+\n$/);
    const j = runCliOk(['--version'], { env: envOf(false) });
    assert.match(j.stdout, /^\d+\.\d+\.\d+\nreader: javascript \(disabled by DISKBLAME_NATIVE=0\)\nthreads: worker\ngzip: [^\n]+\n$/);
  });

  it('the native reader is the one listing: fstatat relative to the directory, no path lookups (strace)', (t) => {
    if (!have('strace')) return t.skip('needs strace');
    const dir = path.join(base, 'many');
    const trace = (native: boolean) => {
      // one file per thread (-ff): lines of several threads never interleave
      const out = makeTmp('native-strace');
      try {
        const r = run('strace', ['-ff', '-qq', '-o', path.join(out, 't'), '-e', 'trace=newfstatat,statx,getdents64', process.execPath, path.join(REPO, 'dist', 'cli', 'main.js'), 'scan', dir, '--json'], {
          env: envOf(native),
          timeoutMs: 180_000,
        });
        assert.equal(r.code, 0, r.stderr.slice(-2000));
        return fs.readdirSync(out).map((f) => fs.readFileSync(path.join(out, f), 'latin1')).join('\n');
      } finally {
        rmrf(out);
      }
    };
    const nat = trace(true);
    const js = trace(false);
    const relative = (s: string) => (s.match(/newfstatat\(\d+, "f\d{7}"/g) ?? []).length;
    const whole = (s: string) => (s.match(new RegExp(`(?:statx|newfstatat)\\([^"]*"${dir}/f\\d{7}"`, 'g')) ?? []).length;
    assert.ok(relative(nat) >= 9000, `native: ${relative(nat)} fstatat(dirfd, name) calls, expected one per entry`);
    assert.equal(whole(nat), 0, 'native: no entry looked up by its whole path');
    assert.ok(/getdents64/.test(nat));
    assert.equal(relative(js), 0, 'javascript: no fstatat(dirfd, name): the JavaScript reader ran');
  });

  for (const [what, args] of [
    ['default', []],
    ['--cross-mounts', ['--cross-mounts']],
    ['--exclude', ['--exclude', '*.log', '--exclude', 'excl/data/sub1', '--exclude', 'huge*']],
    ['--threads 1', ['--threads', '1']],
    ['--threads 3', ['--threads', '3']],
  ] as [string, string[]][]) {
    it(`the same export from both readers, byte for byte: ${what}`, async () => {
      const nat = sameExports(base, args);
      // and it is the whole tree: the bottom of the chain, the big directory's 9000 files
      const text = nat.toString('latin1');
      assert.match(text, /"name":"bottom","asize":12345/);
      assert.equal((text.match(/"name":"f\d{7}"/g) ?? []).length, 9000);
      if (what === '--exclude') assert.match(text, /\{"name":"a\.log","excluded":"pattern"\}/);
      if (onTmpfs && what !== '--exclude') assert.deepEqual(jsonInts(text, 'asize').filter((v) => v > P53).sort(), [P53 + 1n, P53 + 1n, 2n ** 60n + 7n].sort());
      if (mounted.length === 4) {
        // the tmpfs, the bind mount and the procfs inside: other mounts, or kernfs even when crossing
        if (what === '--cross-mounts') {
          assert.match(text, /\{"name":"proc"[^}]*"excluded":"kernfs"/);
          assert.match(text, /"name":"on-inner","asize":5555/);
        } else for (const m of ['inner', 'bind', 'proc']) assert.match(text, new RegExp(`\\{"name":"${m}"[^}]*"excluded":"otherfs"`));
      }
      const tree = await loadExport(nat);
      assert.ok(tree.count > 9300, `only ${tree.count} entries`);
    });
  }

  it('as nobody (unreadable directories): the same export, errors marked', (t) => {
    if (!canNobody) return t.skip('needs root and setpriv to run as nobody');
    const text = sameExports(base, [], { asNobody: true }).toString('latin1');
    assert.match(text, /\[\{"name":"locked"[^}]*"read_error":true[^}]*\}\]/);
    assert.match(text, /\{"name":"a","read_error":true\}/);
  });

  it('totals equal du -sb and du -sB1 with the native reader (one filesystem, and as nobody)', () => {
    const check = (dir: string, args: string[], duArgs: string[], opts: RunOptions = {}) => {
      const r = runCli(['scan', dir, '--json', ...args], { timeoutMs: 180_000, ...opts, env: envOf(true) });
      assert.equal(r.code, 0, r.stderr);
      const a = du([...duArgs, '-sb'], dir, opts);
      const d = du([...duArgs, '-sB1'], dir, opts);
      assert.equal(jsonInts(r.stdout, 'apparentBytes')[0], a.exact, `${dir}: apparent vs du -sb`);
      assert.equal(jsonInts(r.stdout, 'diskBytes')[0], d.exact, `${dir}: disk vs du -sB1`);
    };
    for (const sub of ['rich', 'many', 'deep/top', 'big', 'excl']) check(path.join(base, sub), [], ['-x']);
    check(path.join(base, 'perm'), [], ['-x']);
    if (canNobody) check(path.join(base, 'perm'), [], ['-x'], { asNobody: true });
  });

  it('names keep their bytes: invalid UTF-8 and newlines listed the same by both readers', () => {
    const text = sameExports(path.join(base, 'rich', 'names'), []).toString('latin1');
    assert.ok(text.includes('"name":"new\\nline"'));
  });
});

describe('the install script (scripts/build-native.mjs)', () => {
  const script = path.join(REPO, 'scripts', 'build-native.mjs');
  const LINE = /^diskblame: native reader not built \(.+\); the JavaScript reader will be used\n$/;
  const hash = () => (fs.existsSync(ADDON) ? createHash('sha256').update(fs.readFileSync(ADDON)).digest('hex') : null);

  it('a compiler that fails: one line, exit 0, the addon that was there kept', () => {
    const before = hash();
    const r = run(process.execPath, [script], { env: { ...process.env, CC: '/bin/false', DISKBLAME_DEBUG: '' }, timeoutMs: 300_000 });
    assert.equal(r.code, 0);
    assert.match(r.stderr, LINE);
    assert.match(r.stderr, /the build failed/);
    assert.equal(r.stdout, '');
    assert.equal(hash(), before, 'a failed build replaced build/Release/dirscan.node');
  });

  it('no Node headers, no compiler at all: one line each, exit 0', () => {
    const h = run(process.execPath, [script], { env: { ...process.env, DISKBLAME_NODEDIR: '/nonexistent', DISKBLAME_DEBUG: '' } });
    assert.equal(h.code, 0);
    assert.match(h.stderr, LINE);
    assert.match(h.stderr, /no Node headers in \/nonexistent\/include\/node/);
    const c = run(process.execPath, [script], { env: { ...process.env, CC: 'no-such-cc', DISKBLAME_DEBUG: '' } });
    assert.equal(c.code, 0);
    assert.match(c.stderr, /no C compiler: no-such-cc not found/);
  });

  it('with a compiler: builds the addon, which loads and lists a directory', (t) => {
    if (!have('cc') || !have('make')) return t.skip('needs cc and make');
    const r = run(process.execPath, [script, '--force'], { env: { ...process.env, DISKBLAME_DEBUG: '' }, timeoutMs: 300_000 });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '', 'the build said something on stderr');
    // and which gzip the export addon links: libdeflate's static library where libdeflate-dev is installed
    const gz = libdeflateDevInstalled() ? 'libdeflate: \\/\\S+\\/libdeflate\\.a' : 'zlib: [^\\n]+';
    assert.match(r.stdout, new RegExp(`^diskblame: native reader built \\(build\\/Release\\/dirscan\\.node; gzip by ${gz}\\)\\n$`));
    // again (npx reinstalls the package and reruns it): nothing to build, nothing replaced
    const ino = fs.statSync(ADDON).ino;
    const again = run(process.execPath, [script], { env: { ...process.env, DISKBLAME_DEBUG: '' }, timeoutMs: 300_000 });
    assert.equal(again.code, 0, again.stderr);
    assert.equal(again.stdout, 'diskblame: native reader up to date (build/Release/dirscan.node; --force rebuilds it)\n');
    assert.equal(fs.statSync(ADDON).ino, ino, 'rebuilt');
    // another compiler: built again
    const cc = run(process.execPath, [script], { env: { ...process.env, DISKBLAME_DEBUG: '', CC: 'cc -O2' }, timeoutMs: 300_000 });
    assert.match(cc.stdout, /native reader built/, cc.stderr);
    const m = { exports: {} as { create: Function; open: Function; close: Function } };
    process.dlopen(m, ADDON);
    const rd = m.exports.create(fs.statSync(REPO).dev, false, []);
    assert.equal(m.exports.open(rd, path.join(REPO, 'src', 'native'), fs.statSync(REPO).dev), fs.readdirSync(path.join(REPO, 'src', 'native')).length);
    assert.ok(m.exports.open(rd, '/nonexistent', 0) < 0, 'a missing directory: -errno');
    m.exports.close(rd);
  });

  it('libdeflate-dev there or not (DISKBLAME_LIBDEFLATE=0): another build key, so built again, with or without gzipPiece; linked in, nothing needed at run time', (t) => {
    if (!have('cc') || !have('make')) return t.skip('needs cc and make');
    if (!libdeflateDevInstalled()) return t.skip('libdeflate-dev is not installed');
    const PARSE = path.join(REPO, 'build', 'Release', 'ncduparse.node');
    // (in a child: this process may hold an earlier build of the file)
    const exportsOf = () => run(process.execPath, ['-e', `const m = { exports: {} }; process.dlopen(m, ${JSON.stringify(PARSE)}); console.log(typeof m.exports.gzipPiece, m.exports.gzip)`]).stdout.trim();
    const without = run(process.execPath, [script], { env: { ...process.env, DISKBLAME_DEBUG: '', DISKBLAME_LIBDEFLATE: '0' }, timeoutMs: 300_000 });
    assert.equal(without.stdout, 'diskblame: native reader built (build/Release/dirscan.node; gzip by zlib: DISKBLAME_LIBDEFLATE=0)\n', without.stderr);
    assert.equal(exportsOf(), 'undefined undefined');
    const back = run(process.execPath, [script], { env: { ...process.env, DISKBLAME_DEBUG: '' }, timeoutMs: 300_000 });
    assert.match(back.stdout, /^diskblame: native reader built \(build\/Release\/dirscan\.node; gzip by libdeflate: \/\S+\/libdeflate\.a\)\n$/, back.stderr);
    assert.match(exportsOf(), /^function libdeflate \d+\.\d+$/);
    if (have('ldd')) assert.doesNotMatch(run('ldd', [PARSE]).stdout, /libdeflate/, 'linked statically');
    if (have('nm')) assert.doesNotMatch(run('nm', ['-D', '--defined-only', PARSE]).stdout, /libdeflate/, 'its symbols are not exported');
  });
});

describe('the standalone binary carries the native reader', () => {
  const BIN = path.join(REPO, 'dist', `diskblame-linux-${process.arch}`);
  const skip = disabled ? 'DISKBLAME_NATIVE=0' : !fs.existsSync(BIN) ? `${BIN} not built (npm run binary; test/binary.test.ts builds it)` : false;
  let work = '';
  let out = '';
  before(() => {
    if (skip) return;
    work = makeTmp('native-bin');
    out = makeTmp('native-bin-out');
    fs.mkdirSync(path.join(work, 'tree'));
    buildRichTree(path.join(work, 'tree'), out);
  });
  after(() => {
    if (work) rmrf(work);
    if (out) rmrf(out);
  });
  const bin = (args: string[], cache: string) =>
    run(BIN, args, { env: { ...process.env, DISKBLAME_DEBUG: '', XDG_CACHE_HOME: cache }, timeoutMs: 120_000 });

  it('written once to <cache>/diskblame/native/<sha256>.node (private), loaded from there: the same export', { skip }, () => {
    const cache = path.join(work, 'cache');
    const v = bin(['--version'], cache);
    assert.equal(v.code, 0, v.stderr);
    const m = /\nreader: native \((.+\/diskblame\/native\/([0-9a-f]{64})\.node)\)\nthreads: native [^\n]*\ngzip: [^\n]+\n$/.exec(v.stdout);
    assert.ok(m, v.stdout);
    assert.equal(m[1], path.join(cache, 'diskblame', 'native', `${m[2]}.node`));
    assert.equal(createHash('sha256').update(fs.readFileSync(m[1])).digest('hex'), m[2], 'the file holds the bytes its name says');
    assert.equal(fs.statSync(path.dirname(m[1])).mode & 0o777, 0o700);
    const mtime = fs.statSync(m[1]).mtimeMs;
    const r = bin(['scan', path.join(work, 'tree'), '-o', '-', '--threads', '2'], cache);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(fs.statSync(m[1]).mtimeMs, mtime, 'written again');
    const blank = (b: Buffer) => b.toString('latin1').replace(/"timestamp":\d+/, '');
    assert.equal(blank(r.stdoutBuf), blank(exportOf(path.join(work, 'tree'), ['--threads', '2'], false)), 'the binary (native) and the tsc build (javascript) differ');
  });

  it("its .gz export past one piece: gzip'd by the library --version names (libdeflate when the addon here has it), on the gzip thread too (which loads the cached addon itself), the text the JavaScript writer's", { skip }, () => {
    const cache = path.join(work, 'cache-gz');
    const many = path.join(work, 'many');
    fs.mkdirSync(many);
    makeManyFiles(many, 30_000); // ~2.7 MB of text: pieces for the gzip thread
    const v = bin(['--version'], cache);
    const lib = ncduParseAddon()?.gzip ? 'libdeflate' : 'zlib';
    assert.match(v.stdout, new RegExp(`\\ngzip: ${lib} `), v.stdout);
    const file = path.join(work, 'many.json.gz');
    const r = bin(['scan', many, '-o', file, '--no-progress'], cache);
    assert.equal(r.code, 0, r.stderr);
    const gz = fs.readFileSync(file);
    assert.ok(assertMadeBy(gz, lib, "the binary's export") >= 3, 'several pieces');
    const blank = (b: Buffer) => b.toString('latin1').replace(/"timestamp":\d+/, '');
    const js = runCliOk(['scan', many, '-o', '-', '--no-progress'], { env: { ...process.env, DISKBLAME_DEBUG: '', DISKBLAME_NATIVE: '0' } });
    assert.equal(blank(gunzipSync(gz)), blank(js.stdoutBuf), "the binary's export text differs from the JavaScript writer's");
  });

  it('a cache it cannot write, or mounted noexec: the JavaScript reader, the reason in --version, the scan still right', { skip }, () => {
    const file = path.join(work, 'not-a-dir');
    fs.writeFileSync(file, 'x');
    const v = bin(['--version'], file);
    assert.equal(v.code, 0, v.stderr);
    assert.match(v.stdout, /\nreader: javascript \(cannot write .*not-a-dir\/diskblame\/native: [^\n]*\)\nthreads: worker\ngzip: [^\n]+\n$/);
    const r = bin(['scan', path.join(work, 'tree'), '--json'], file);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(jsonInts(r.stdout, 'apparentBytes')[0], du(['-sb'], path.join(work, 'tree')).exact);
    if (!isRoot()) return;
    const noexec = path.join(work, 'noexec');
    fs.mkdirSync(noexec);
    if (run('mount', ['-t', 'tmpfs', '-o', 'size=4m,noexec', 'tmpfs', noexec]).code !== 0) return;
    try {
      const n = bin(['--version'], noexec);
      assert.equal(n.code, 0, n.stderr);
      assert.match(n.stdout, /\nreader: javascript \([^\n]*(failed to map|permission denied|operation not permitted)[^\n]*\)\nthreads: worker\ngzip: [^\n]+\n$/i, 'dlopen refused by noexec');
      assert.doesNotMatch(n.stdout, /reader: native/);
    } finally {
      if (run('umount', [noexec]).code !== 0) run('umount', ['-l', noexec]);
    }
  });
});
