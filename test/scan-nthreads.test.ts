/**
 * The native reader's scanning threads (src/native/dirscan.c startThread, src/scan/nthread.ts): pthreads
 * of the addon, no JavaScript isolate. On one real tree (a chain past PATH_MAX, names and a directory
 * that are not UTF-8, a directory of 12,000 long names split over several buffers, hard links across
 * directories, many small directories, and, as user nobody, an unreadable directory), the export with
 * only native threads scanning (`--threads 3 -o -`: the main thread writes) is the same, byte for byte,
 * as the one-thread export and as the JavaScript reader's; totals equal du's. Driven directly: a
 * directory swapped after its parent's listing is not listed (ESTALE); a listing longer than a buffer
 * comes in several messages, the buffers reused once given back; stop() leaves no thread and no fd
 * behind, also mid-scan (a scan aborted early, Ctrl-C).
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { CLI, REPO, du, have, isRoot, runCli, runCliOk, usesDir, type RunOptions } from './helpers/run.js';
import { BAD_UTF8, BAD_UTF8_DIR, bpath, makeChain, makeTmp, rmrf, writeSized } from './helpers/fs.js';
import { NativeScanThread } from '../src/scan/nthread.js';
import { NF, type Task, type WorkerConfig, type WorkerMessage } from '../src/scan/worker.js';
import { Scanner } from '../src/scan/scanner.js';
import { Tree } from '../src/tree/tree.js';

const ADDON = path.join(REPO, 'build', 'Release', 'dirscan.node');
const disabled = process.env.DISKBLAME_NATIVE === '0';
const canNobody = isRoot() && have('setpriv');
const HUGE = 12_000; // names of 100 bytes: 1.2 MB of names, three buffers of 4,096 records

/** `scan DIR -o - ARGS`, the header's scan time blanked; and the stats lines (DISKBLAME_SCAN_STATS) */
function exportOf(dir: string, args: string[], env: NodeJS.ProcessEnv, opts: RunOptions = {}): { out: Buffer; stats: string } {
  const r = runCli(['scan', dir, '-o', '-', ...args], {
    timeoutMs: 180_000,
    ...opts,
    env: { ...process.env, DISKBLAME_DEBUG: '', DISKBLAME_SCAN_STATS: '1', ...env },
  });
  assert.equal(r.signal, null, `${r.cmd}: killed (hung?)`);
  assert.equal(r.code, 0, `${r.cmd}: exit ${r.code}: ${r.stderr}`);
  assert.match(r.stderr, /^scan stats: /, `${r.cmd}: nothing but the stats on stderr`);
  const nl = r.stdoutBuf.indexOf(0x0a);
  const head = r.stdoutBuf.subarray(0, nl).toString('utf8').replace(/"timestamp":\d+/, '"timestamp":0');
  return { out: Buffer.concat([Buffer.from(head), r.stdoutBuf.subarray(nl)]), stats: r.stderr };
}

function sameBytes(a: Buffer, b: Buffer, what: string): void {
  if (a.equals(b)) return;
  let k = 0;
  while (k < a.length && a[k] === b[k]) k++;
  assert.fail(`${what}: differ at byte ${k} of ${a.length}/${b.length}: ${JSON.stringify(a.subarray(Math.max(0, k - 80), k + 80).toString('latin1'))}`);
}

/** threads of this process (/proc/self/status) */
function threadCount(): number {
  return Number(/\nThreads:\s*(\d+)/.exec(fs.readFileSync('/proc/self/status', 'latin1'))![1]);
}

/** this process's fds open on something below dir */
function fdsUnder(dir: string): string[] {
  return fs.readdirSync('/proc/self/fd').filter((f) => {
    try {
      return fs.readlinkSync(`/proc/self/fd/${f}`).startsWith(dir);
    } catch {
      return false;
    }
  });
}

/** a thread driven directly; its messages collected; resolves once `batches` batches ended */
function driven(rootDev: number) {
  const msgs: WorkerMessage[] = [];
  const paths = new Map<number, string | Uint8Array>();
  let ended = 0;
  let wake: (() => void) | null = null;
  const cfg: WorkerConfig = { patterns: [], crossMounts: false, rootDev, chunk: 4096, longPath: 2048, kernfs: [], native: ADDON };
  const th = new NativeScanThread(
    cfg,
    (m) => {
      msgs.push(m);
      if (m.end) ended++;
      wake?.();
    },
    (err) => {
      throw err;
    },
    // the paths of the tasks sent (the scanner's role: its tasks' paths, by id)
    (id) => paths.get(id)!,
  );
  return {
    th,
    msgs,
    send(tasks: Task[]): void {
      for (const t of tasks) paths.set(t.id, t.path);
      th.send(tasks);
    },
    async until(batches: number): Promise<void> {
      const t0 = Date.now();
      while (ended < batches) {
        await new Promise<void>((res) => {
          wake = res;
          setTimeout(res, 200);
        });
        assert.ok(Date.now() - t0 < 120_000, 'no end message in 120 s');
      }
    },
  };
}

/** the names of a message's records */
function namesOf(m: WorkerMessage): string[] {
  const out: string[] = [];
  for (let r = 0, no = 0; r < m.nums.length / NF; r++) {
    const len = m.names[no] | (m.names[no + 1] << 8);
    out.push(Buffer.from(m.names.subarray(no + 2, no + 2 + len)).toString('latin1'));
    no += 2 + len;
  }
  return out;
}

describe('native scanning threads', { skip: disabled && 'DISKBLAME_NATIVE=0: the native reader is disabled in this run' }, () => {
  let base = '';
  let tree = '';
  before(() => {
    assert.ok(fs.existsSync(ADDON), `${ADDON} is missing: build it with npm install`);
    base = makeTmp('nthreads');
    fs.chmodSync(base, 0o755);
    tree = path.join(base, 'tree');
    fs.mkdirSync(tree);
    fs.chmodSync(tree, 0o755);
    const j = (...s: string[]) => path.join(tree, ...s);
    // a chain of 40 directories of 120-byte names: 4.8 KB of path, past PATH_MAX
    fs.mkdirSync(j('deep'));
    makeChain(j('deep'), 40, 'd'.repeat(120), 777);
    // names that are not UTF-8: a file, and a directory with a file and a subdirectory in it
    writeSized(bpath(tree, BAD_UTF8), 11);
    const bad = bpath(tree, BAD_UTF8_DIR);
    fs.mkdirSync(bad);
    writeSized(bpath(bad, 'inside'), 22);
    fs.mkdirSync(bpath(bad, BAD_UTF8));
    writeSized(Buffer.concat([bpath(bad, BAD_UTF8), Buffer.from('/x')]), 33);
    // a directory of HUGE long names (over several buffers: records and names both)
    fs.mkdirSync(j('huge'));
    for (let i = 0; i < HUGE; i++) fs.closeSync(fs.openSync(j('huge', `${'n'.repeat(92)}${String(i).padStart(8, '0')}`), 'w'));
    // hard links across directories, and many small directories
    fs.mkdirSync(j('links', 'a'), { recursive: true });
    fs.mkdirSync(j('links', 'b'));
    writeSized(j('links', 'a', 'orig'), 5000);
    fs.linkSync(j('links', 'a', 'orig'), j('links', 'b', 'link'));
    fs.linkSync(j('links', 'a', 'orig'), j('links', 'link2'));
    for (let i = 0; i < 300; i++) {
      fs.mkdirSync(j('small', `g${i % 10}`, `d${i}`), { recursive: true });
      writeSized(j('small', `g${i % 10}`, `d${i}`, 'f'), (i * 37) % 3000);
      fs.symlinkSync('f', j('small', `g${i % 10}`, `d${i}`, 'l'));
    }
    // unreadable and unsearchable for nobody (root reads it anyway)
    fs.mkdirSync(j('locked', 'inner'), { recursive: true });
    writeSized(j('locked', 'inner', 'x'), 99);
    fs.chmodSync(j('locked'), 0o000);
    fs.mkdirSync(j('listonly'));
    writeSized(j('listonly', 'y'), 88);
    fs.chmodSync(j('listonly'), 0o444);
  });
  after(() => {
    if (tree) for (const d of ['locked', 'listonly']) fs.chmodSync(path.join(tree, d), 0o755);
    if (base) rmrf(base);
  });

  it('only native threads scan (--threads 3 -o -): the same export as one thread and as the JavaScript reader', () => {
    const three = exportOf(tree, ['--threads', '3'], {});
    assert.match(three.stats, /\n {2}scanning threads: native\n/, three.stats);
    assert.doesNotMatch(three.stats, /main thread: scanned/, 'the main thread only writes');
    assert.equal((three.stats.match(/\n {2}worker \d: started/g) ?? []).length, 3);
    const one = exportOf(tree, ['--threads', '1'], {});
    sameBytes(three.out, one.out, 'native threads vs one thread');
    const js = exportOf(tree, ['--threads', '3'], { DISKBLAME_NATIVE: '0' });
    assert.match(js.stats, /\n {2}scanning threads: worker\n/);
    sameBytes(three.out, js.out, 'native threads vs JavaScript worker threads');
    const text = three.out.toString('latin1');
    assert.ok(text.includes('"name":"bottom","asize":777'), 'the bottom of the chain past PATH_MAX');
    assert.equal((text.match(/"name":"n{92}\d{8}"/g) ?? []).length, HUGE, 'every name of the huge directory');
    assert.ok(!text.includes('"read_error":true'), 'root reads everything');
  });

  it('totals equal du: --threads 2 and the default with a core free', () => {
    const b = du(['-sb'], tree).exact;
    const b1 = du(['-sB1'], tree).exact;
    for (const args of [['--threads', '2'], []]) {
      const r = runCliOk(['scan', tree, '--json', ...args], { env: { ...process.env, DISKBLAME_DEBUG: '', DISKBLAME_FREE_CORE: '0' }, timeoutMs: 180_000 });
      const j = JSON.parse(r.stdout);
      assert.equal(BigInt(j.apparentBytes), b, `${args.join(' ') || 'default'}: apparent bytes vs du -sb`);
      assert.equal(BigInt(j.diskBytes), b1, `${args.join(' ') || 'default'}: disk bytes vs du -sB1`);
      assert.equal(j.errors, 0);
      assert.equal(j.hardlinks, 3);
    }
  });

  it('as nobody: the unreadable directories are read errors, the same export every way', { skip: !canNobody && 'needs root and setpriv' }, () => {
    const three = exportOf(tree, ['--threads', '3'], {}, { asNobody: true });
    assert.match(three.stats, /scanning threads: native/);
    const one = exportOf(tree, ['--threads', '1'], {}, { asNobody: true });
    const js = exportOf(tree, ['--threads', '3'], { DISKBLAME_NATIVE: '0' }, { asNobody: true });
    sameBytes(three.out, one.out, 'as nobody: native threads vs one thread');
    sameBytes(three.out, js.out, 'as nobody: native threads vs JavaScript');
    assert.equal((three.out.toString('latin1').match(/"read_error":true/g) ?? []).length, 2, 'locked and listonly');
  });

  it('--exclude needs JavaScript: worker threads scan, the same export as one thread', () => {
    const w = exportOf(tree, ['--threads', '3', '--exclude', 'd1*'], {});
    assert.match(w.stats, /scanning threads: worker/);
    sameBytes(w.out, exportOf(tree, ['--threads', '1', '--exclude', 'd1*'], {}).out, '--exclude: workers vs one thread');
  });

  it('driven directly: a swapped directory is ESTALE, a missing one ENOENT; a huge listing over several messages, buffers reused', async () => {
    const st = fs.lstatSync(tree);
    const before = threadCount();
    const d = driven(st.dev);
    try {
      assert.ok(threadCount() >= before + 1, 'a thread of its own');
      const small = fs.lstatSync(path.join(tree, 'small'));
      const links = fs.lstatSync(path.join(tree, 'links'));
      // small's (dev, ino) expected at links' path: another directory there
      d.send([
        { id: 1, path: path.join(tree, 'links'), rel: null, dev: small.dev, ino: small.ino },
        { id: 2, path: path.join(tree, 'gone'), rel: null, dev: st.dev, ino: 12345 },
        { id: 3, path: path.join(tree, 'links'), rel: null, dev: links.dev, ino: links.ino },
      ]);
      await d.until(1);
      const pieces = d.msgs.flatMap((m) => m.pieces);
      assert.deepEqual(
        pieces.map((p) => [p.id, p.err, p.count, p.last]),
        [
          [1, 'ESTALE', 0, true],
          [2, 'ENOENT', 0, true],
          [3, null, 3, true],
        ],
      );
      const p3 = pieces[2];
      assert.deepEqual(namesOf(d.msgs[d.msgs.length - 1]).slice(p3.start, p3.start + p3.count), ['a', 'b', 'link2']);
      assert.deepEqual(p3.subs.map((s) => s[1]), [path.join(tree, 'links', 'a'), path.join(tree, 'links', 'b')]);
      for (const m of d.msgs.splice(0)) d.th.recycle(m.nums.buffer as ArrayBuffer);
      // the huge directory: 12,000 records over 3 messages of one piece each, one task id
      const huge = fs.lstatSync(path.join(tree, 'huge'));
      d.send([{ id: 7, path: path.join(tree, 'huge'), rel: null, dev: huge.dev, ino: huge.ino }]);
      await d.until(2);
      const bufs = new Set(d.msgs.map((m) => m.nums.buffer));
      assert.ok(d.msgs.length >= 3, `${d.msgs.length} messages`);
      const hp = d.msgs.flatMap((m) => m.pieces);
      assert.ok(hp.every((p) => p.id === 7 && p.err === null));
      assert.equal(hp.reduce((a, p) => a + p.count, 0), HUGE);
      assert.deepEqual(hp.map((p) => p.last), [...hp.slice(1).map(() => false), true]);
      const names = d.msgs.flatMap(namesOf);
      assert.equal(names.length, HUGE);
      assert.deepEqual(names, [...names].sort(), 'in byte order, across messages');
      // given back, the same buffers carry the next listing
      for (const m of d.msgs.splice(0)) d.th.recycle(m.nums.buffer as ArrayBuffer);
      d.send([{ id: 8, path: path.join(tree, 'huge'), rel: null, dev: huge.dev, ino: huge.ino }]);
      await d.until(3);
      assert.ok(d.msgs.every((m) => bufs.has(m.nums.buffer)), 'a new buffer although the old ones were given back');
    } finally {
      d.th.stop();
    }
    assert.equal(threadCount(), before, 'the thread is gone after stop()');
    assert.deepEqual(fdsUnder(tree), [], 'no fd left open on the tree');
  });

  it('Ctrl-C (SIGINT) during a scan on native threads: the CLI ends (130 interrupted, or 0 when it was done), no crash, no hang', async () => {
    for (const ms of [0, 30]) {
      const child = spawn(process.execPath, [CLI, 'scan', tree, '--json', '--threads', '3'], {
        env: { ...process.env, DISKBLAME_DEBUG: '' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      // once the scan is under way (a directory of the tree open, or the working directory: the
      // SIGINT handler is installed by then), and `ms` later
      for (let waited = 0; !usesDir(child.pid!, tree) && child.exitCode === null && waited < 60_000; waited += 2) await new Promise((r) => setTimeout(r, 2));
      await new Promise((r) => setTimeout(r, ms));
      child.kill('SIGINT');
      const t0 = Date.now();
      const [code, signal] = await new Promise<[number | null, string | null]>((res) => child.on('exit', (c, s) => res([c, s])));
      assert.ok(Date.now() - t0 < 60_000, 'ended within a minute of Ctrl-C');
      assert.equal(signal, null, `killed by ${signal} (SIGINT after ${ms} ms)`);
      assert.ok(code === 130 || code === 0, `exit ${code} (SIGINT after ${ms} ms)`);
      if (code === 130) assert.equal(JSON.parse(out).incomplete, true);
    }
  });

  it('a scan that ends early (aborted) leaves no thread and no fd; a whole one neither', async () => {
    const before = threadCount();
    for (const abortAt of [50, -1]) {
      const sink = new Tree();
      const sc = new Scanner(tree, sink, { threads: 3 });
      const done = sc.run();
      if (abortAt >= 0) {
        const t0 = Date.now();
        while (sc.progress().entries < abortAt && Date.now() - t0 < 60_000) await new Promise((r) => setImmediate(r));
        sc.abort();
      }
      const res = await done;
      assert.equal(res.incomplete, abortAt >= 0);
      assert.equal(threadCount(), before, `threads left after a scan (abort at ${abortAt})`);
      assert.deepEqual(fdsUnder(tree), [], `fds left open on the tree (abort at ${abortAt})`);
    }
  });
});
