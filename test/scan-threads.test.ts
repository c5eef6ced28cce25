/**
 * The scanner's threads (src/scan/scanner.ts): worker threads scan and the main thread takes their
 * results; tasks are sized by entries (a tree of small directories gets few, big tasks); by default
 * a worker starts only when a processor is free (DISKBLAME_FREE_CORE=0 makes every look find one,
 * a huge value none), --threads N starts them whatever the load. Every way, totals equal du's and
 * the export is the same, byte for byte, as the one-thread export. DISKBLAME_SCAN_STATS=1 says on
 * stderr who scanned what: the tests read it.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import { duOk, py, runCli, runCliOk, type ScanJson } from './helpers/run.js';
import { makeTmp, rmrf } from './helpers/fs.js';

interface Stats {
  entries: number;
  dirs: number;
  main: { entries: number; tasks: number } | null;
  workers: { entries: number; tasks: number }[];
  /** the threads beside the main thread: the addon's own or worker threads (none started: null) */
  kind: 'native' | 'worker' | null;
  /** the default threads looked at the idle processors (a looks line) */
  looks: boolean;
}

/** Parse the DISKBLAME_SCAN_STATS lines (and nothing else may be on stderr). */
function parseStats(stderr: string): Stats {
  const lines = stderr.trimEnd().split('\n');
  const head = /^scan stats: (\d+) entries, (\d+) directories in \d+ ms \(from \d+ to \d+ ms of the process\)$/.exec(lines[0] ?? '');
  assert.ok(head, `no stats line first on stderr: ${stderr}`);
  const st: Stats = { entries: Number(head[1]), dirs: Number(head[2]), main: null, workers: [], kind: null, looks: false };
  for (const l of lines.slice(1)) {
    let m = /^ {2}main thread: scanned (\d+) entries in (\d+) tasks; \d+% of its time scanning, \d+% taking results$/.exec(l);
    if (m) {
      st.main = { entries: Number(m[1]), tasks: Number(m[2]) };
      continue;
    }
    if (/^ {2}main thread: \d+% of its time taking results$/.test(l)) continue;
    if (/^ {2}the process exits at \d+ ms$/.test(l)) continue;
    m = /^ {2}scanning threads: (native|worker)$/.exec(l);
    if (m) {
      st.kind = m[1] as Stats['kind'];
      continue;
    }
    // the default threads' looks at the idle processors (scan/scanner.ts printStats)
    if (/^ {2}looks at the idle processors: \d+ \(and \d+ too soon to tell\), free cores (\d+\.\d\d|-) \/ (\d+\.\d\d|-) \/ (\d+\.\d\d|-) \(smallest \/ median \/ largest\)$/.test(l)) {
      st.looks = true;
      continue;
    }
    // the native reader's directory opens (scan/scanner.ts printStats)
    if (/^ {2}main thread: \d+ directories opened relative to their parent's fd, \d+ by whole path$/.test(l)) continue;
    m = /^ {2}worker (\d+): started at \d+ ms, scanned (\d+) entries in (\d+) tasks, busy \d+% of its life$/.exec(l);
    assert.ok(m, `unexpected stderr line: ${l}`);
    assert.equal(Number(m[1]), st.workers.length + 1);
    st.workers.push({ entries: Number(m[2]), tasks: Number(m[3]) });
  }
  return st;
}

function scanWithStats(root: string, extra: string[], env: Record<string, string> = {}): { j: ScanJson; st: Stats; stdout: string } {
  const r = runCli(['scan', root, ...extra], {
    env: { ...process.env, DISKBLAME_DEBUG: '', DISKBLAME_SCAN_STATS: '1', ...env },
    timeoutMs: 240_000,
  });
  assert.equal(r.signal, null, `${r.cmd}: killed (hung?)`);
  assert.equal(r.code, 0, `${r.cmd}: exit ${r.code}: ${r.stderr}`);
  const st = parseStats(r.stderr);
  const j = extra.includes('--json') ? (JSON.parse(r.stdout) as ScanJson) : (null as unknown as ScanJson);
  return { j, st, stdout: r.stdout };
}

/** every entry but the root was scanned by exactly one thread */
function assertShared(st: Stats, entries: number): void {
  assert.equal(st.entries, entries);
  const sum = (st.main?.entries ?? 0) + st.workers.reduce((a, w) => a + w.entries, 0);
  assert.equal(sum, entries - 1, 'entries scanned by the threads, all together (the root is not listed)');
}

describe('scan threads: workers fed with tasks sized by entries, started when a core is free', () => {
  let root: string;
  let du: { b: number; b1: number };
  const DIRS = 6000; // of 3 files each: 24,001 entries, past the 20,000 where a worker may start
  before(() => {
    root = makeTmp('threads');
    py(
      [
        'import os, sys',
        'r = sys.argv[1]; n = int(sys.argv[2])',
        'for i in range(n):',
        '    d = os.path.join(r, "g%02d" % (i % 40), "d%05d" % i)',
        '    os.makedirs(d)',
        '    for k in range(3):',
        '        f = os.path.join(d, "f%d" % k)',
        '        if i % 250 == 0 and k == 2: os.link(os.path.join(r, "g00", "d00000", "f0"), f); continue',
        '        with open(f, "wb") as h: h.write(b"x" * ((i * 7 + k * 131) % 9000))',
      ].join('\n'),
      [root, String(DIRS)],
    );
    du = { b: duOk(['-x', '-sb'], root), b1: duOk(['-x', '-sB1'], root) };
  });
  after(() => rmrf(root));

  const ENTRIES = 1 + 40 + DIRS * 4;

  it('--threads 2: the worker and the main thread share the scan; totals = du', () => {
    const { j, st } = scanWithStats(root, ['--json', '--threads', '2']);
    assert.equal(j.entries, ENTRIES);
    assert.equal(j.apparentBytes, du.b, 'apparent bytes vs du -x -sb');
    assert.equal(j.diskBytes, du.b1, 'disk bytes vs du -x -sB1');
    assert.equal(st.workers.length, 1, 'one worker beside the main thread');
    assertShared(st, ENTRIES);
    assert.equal(st.kind, process.env.DISKBLAME_NATIVE === '0' ? 'worker' : 'native', 'the addon scans on threads of its own');
    assert.ok(st.workers[0].entries > 0, 'the worker scanned nothing');
  });

  it('small directories get big tasks: far fewer tasks than 8 directories each', () => {
    const { st } = scanWithStats(root, ['--json', '--threads', '2']);
    const tasks = (st.main?.tasks ?? 0) + st.workers.reduce((a, w) => a + w.tasks, 0);
    // 4 entries a directory: a worker's task holds hundreds of directories, the main thread's over a hundred
    assert.ok(tasks * 16 <= st.dirs, `${tasks} tasks for ${st.dirs} directories`);
  });

  it('default threads, a core free at every look: a worker starts; totals = du', () => {
    const { j, st } = scanWithStats(root, ['--json'], { DISKBLAME_FREE_CORE: '0' });
    assert.equal(j.apparentBytes, du.b);
    assert.equal(j.diskBytes, du.b1);
    assert.equal(st.workers.length, 1, 'a 2-core cap (or more): at least one, on this machine min(4, cores) - 1');
    assertShared(st, ENTRIES);
  });

  it('default threads, no core ever free: the main thread scans alone, as --threads 1; totals = du', () => {
    const { j, st } = scanWithStats(root, ['--json'], { DISKBLAME_FREE_CORE: '1e9' });
    assert.equal(j.apparentBytes, du.b);
    assert.equal(j.diskBytes, du.b1);
    assert.deepEqual(st.workers, [], 'no worker started');
    assert.ok(st.looks, 'it looked at the idle processors (the stats say what it found)');
    assertShared(st, ENTRIES);
  });

  it('default threads on a busy machine (a CPU-bound loop per core, and one more): no thread starts, the main thread scans alone as with --threads 1; totals = du', () => {
    // each loop ends itself once this process is gone (its parent changes), should the finally not run
    const loop = 'const p = process.ppid; for (;;) { for (let i = 0; i < 1e7; i++); if (process.ppid !== p) process.exit(0); }';
    const kids = Array.from({ length: os.availableParallelism() + 1 }, () => spawn(process.execPath, ['-e', loop], { stdio: 'ignore' }));
    try {
      // every loop running (a few clock ticks of CPU each) before the scan starts
      const ticks = (pid: number): number => {
        try {
          const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
          return Number(f.slice(f.lastIndexOf(')') + 2).split(' ')[11]);
        } catch {
          return 0;
        }
      };
      const nap = new Int32Array(new SharedArrayBuffer(4));
      for (let k = 0; k < 500 && kids.some((c) => ticks(c.pid!) < 5); k++) Atomics.wait(nap, 0, 0, 20);
      assert.ok(kids.every((c) => ticks(c.pid!) >= 5), 'the loops did not start');
      // the default's own threshold (a DISKBLAME_FREE_CORE in the suite's environment dropped)
      const { j, st } = scanWithStats(root, ['--json'], { DISKBLAME_FREE_CORE: undefined as unknown as string });
      assert.equal(j.apparentBytes, du.b);
      assert.equal(j.diskBytes, du.b1);
      assert.ok(st.looks, 'it looked at the idle processors');
      assert.deepEqual(st.workers, [], 'no thread started: no core was free');
      assertShared(st, ENTRIES);
    } finally {
      for (const c of kids) c.kill('SIGKILL');
    }
  });

  it('an export (-o): with --threads 3 only the workers scan; with the default and a free core the main thread shares; same bytes as --threads 1', () => {
    const strip = (s: string) => s.replace(/"timestamp":\d+/, '"timestamp":0');
    const one = strip(runCliOk(['scan', root, '--threads', '1', '-o', '-']).stdout);
    assert.ok(one.length > ENTRIES * 20, 'the export has every entry');
    const three = scanWithStats(root, ['--threads', '3', '-o', '-']);
    assert.equal(three.st.workers.length, 3);
    assert.equal(three.st.main, null, 'the main thread writes the export and scans nothing');
    assertShared(three.st, ENTRIES);
    assert.equal(strip(three.stdout), one, 'export with 3 workers vs one thread');
    const dflt = scanWithStats(root, ['-o', '-'], { DISKBLAME_FREE_CORE: '0' });
    assert.ok(dflt.st.workers.length >= 1, 'a worker started');
    assert.ok(dflt.st.main, 'the main thread scans too (default)');
    assertShared(dflt.st, ENTRIES);
    assert.equal(strip(dflt.stdout), one, 'default export vs one thread');
  });

  it('the stats name the directories: as many as the tree has', () => {
    const { st } = scanWithStats(root, ['--json', '--threads', '1']);
    const dirs = 1 + 40 + DIRS;
    assert.equal(st.dirs, dirs);
    assert.equal(st.workers.length, 0);
    assert.ok(!st.looks, '--threads given: no looks at the idle processors');
  });
});
