/**
 * Bounded memory on any input: a seeded fuzz of the importer, endless tokens, gzip bombs, endless
 * stdin, and --history on a device or a slow pipe.
 *
 * Mutations (truncation, byte flips, inserted garbage) of real exports (ours `scan -o`, plain and
 * gzipped, ncdu's and gdu's `-o` when installed, over a small tree with the hostile names) are fed
 * to the importer in-process, cut into random chunks: each must import, or fail with one
 * ImportError line naming a byte offset inside the input, and the same way whatever the chunking.
 * A sample of them goes through the CLI. The endless and bomb cases go through the CLI with the
 * peak RSS measured by /usr/bin/time: exit non-zero, one stderr line with the offset, no stack
 * trace, RSS under RSS_BOUND.
 *
 * The PRNG seed is printed; a fixed one always runs, DISKBLAME_FUZZ_SEED=<n> adds another.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { constants as zc, createGzip, gzipSync } from 'node:zlib';
import { importExport, ImportError, LIMITS } from '../src/import/ncdu-reader.js';
import { Tree } from '../src/tree/tree.js';
import { HISTORY_LIMITS } from '../src/forecast/history.js';
import { rng } from '../src/forecast/synth.js';
import { RULES_MAX } from '../src/owners/kinds.js';
import { loadUserNames, PASSWD_MAX } from '../src/owners/users.js';
import { FileTooLargeError, readFileCapped, readLinesSync } from '../src/util/read.js';
import { makeTmp, rmrf, writeSized } from './helpers/fs.js';
import { makeHostileTree } from './helpers/hostile.js';
import { CLI, assertOneLineError, have, isRoot, run, runCliOk, type RunResult } from './helpers/run.js';

const FIXED_SEED = 0x10f00d;
const SEEDS = [FIXED_SEED, ...(process.env.DISKBLAME_FUZZ_SEED ? [Number(process.env.DISKBLAME_FUZZ_SEED)] : [])];
/** in-process mutations per kind, source and seed */
const ROUNDS = 60;
/** CLI runs per kind and source */
const CLI_ROUNDS = 2;
/** peak RSS of one CLI run, KiB (an idle run takes about 60 MB) */
const RSS_BOUND_KIB = 300 * 1024;

/** the seeded PRNG (mulberry32): a float in [0, 1) */
const prng = rng;

let tmp = '';
/** the exports to mutate: name -> bytes (gzipped ones are mutated compressed) */
const sources = new Map<string, Buffer>();

before(() => {
  tmp = makeTmp('import-fuzz');
  const root = path.join(tmp, 'tree');
  fs.mkdirSync(root);
  makeHostileTree(root);
  fs.mkdirSync(path.join(root, 'sub', 'deeper'), { recursive: true });
  writeSized(path.join(root, 'sub', 'a.bin'), 12345);
  writeSized(path.join(root, 'sub', 'deeper', 'b.bin'), 777);
  fs.linkSync(path.join(root, 'sub', 'a.bin'), path.join(root, 'sub', 'hard'));
  fs.symlinkSync('a.bin', path.join(root, 'sub', 'link'));
  const ours = path.join(tmp, 'ours.json');
  runCliOk(['scan', root, '-o', ours, '--no-progress']);
  sources.set('ours', fs.readFileSync(ours));
  runCliOk(['scan', root, '-o', ours + '.gz', '--no-progress']);
  sources.set('ours.gz', fs.readFileSync(ours + '.gz'));
  if (have('ncdu')) {
    const r = run('ncdu', ['-x', '-e', '-o', path.join(tmp, 'ncdu.json'), root]);
    assert.equal(r.code, 0, r.stderr);
    sources.set('ncdu', fs.readFileSync(path.join(tmp, 'ncdu.json')));
  }
  if (have('gdu')) {
    const r = run('gdu', ['-n', '-x', '-o', path.join(tmp, 'gdu.json'), root]);
    assert.equal(r.code, 0, r.stderr);
    sources.set('gdu', fs.readFileSync(path.join(tmp, 'gdu.json')));
  }
});

after(() => rmrf(tmp));

// ---------------------------------------------------------------------------------------------
// mutations

type Mutation = { kind: string; data: Buffer; what: string };

function truncate(src: Buffer, rnd: () => number): Mutation {
  const at = Math.floor(rnd() * src.length);
  return { kind: 'truncate', data: src.subarray(0, at), what: `truncated at ${at}` };
}

function flip(src: Buffer, rnd: () => number): Mutation {
  const data = Buffer.from(src);
  const n = 1 + Math.floor(rnd() * 4);
  const at: number[] = [];
  for (let k = 0; k < n; k++) {
    const p = Math.floor(rnd() * data.length);
    data[p] ^= 1 << Math.floor(rnd() * 8);
    at.push(p);
  }
  return { kind: 'flip', data, what: `bits flipped at ${at.join(',')}` };
}

const GARBAGE = ['[', ']', '{', '}', '"', ',', ':', '\\', '\\u', '\\ud800', '-', '1e999', '0.5', 'null', '\x00', '\xff', '"name"', '[[[[[[[['];

function insert(src: Buffer, rnd: () => number): Mutation {
  const at = Math.floor(rnd() * src.length);
  let g: Buffer;
  if (rnd() < 0.5) g = Buffer.from(GARBAGE[Math.floor(rnd() * GARBAGE.length)]!, 'latin1');
  else {
    g = Buffer.alloc(1 + Math.floor(rnd() * 16));
    for (let k = 0; k < g.length; k++) g[k] = Math.floor(rnd() * 256);
  }
  return { kind: 'insert', data: Buffer.concat([src.subarray(0, at), g, src.subarray(at)]), what: `${JSON.stringify(g.toString('latin1'))} inserted at ${at}` };
}

const MUTATORS = [truncate, flip, insert];

/** The bytes in chunks of random sizes (1 byte to 4 KiB), to cut tokens anywhere. */
function* chunks(data: Buffer, rnd: () => number): Generator<Buffer> {
  for (let p = 0; p < data.length; ) {
    const n = 1 + Math.floor(rnd() * (rnd() < 0.2 ? 8 : 4096));
    yield data.subarray(p, p + n);
    p += n;
  }
}

/** 'ok' or the ImportError's message; anything else thrown fails the test. */
async function outcome(input: Readable, size: number, label: string): Promise<string> {
  try {
    await importExport(input, new Tree());
    return 'ok';
  } catch (e) {
    if (!(e instanceof ImportError)) throw new Error(`${label}: not an ImportError: ${(e as Error)?.stack ?? String(e)}`);
    assert.doesNotMatch(e.message, /\n/, `${label}: one line`);
    const m = /\bbytes? (\d+)\b/.exec(e.message);
    assert.ok(m, `${label}: no byte offset in ${JSON.stringify(e.message)}`);
    assert.ok(e.offset >= 0 && Number.isInteger(e.offset), `${label}: offset ${e.offset}`);
    // the offset is inside the input (for gzip: the decompressed stream, which is bounded too)
    if (!/decompressed/.test(e.message)) assert.ok(e.offset <= size, `${label}: offset ${e.offset} beyond ${size} bytes`);
    return e.message;
  }
}

/** The offset an error line names (the first "byte N"). */
function offsetOf(line: string): number {
  const m = /\bbyte (\d+)\b/.exec(line);
  assert.ok(m, `no byte offset in ${JSON.stringify(line)}`);
  return Number(m[1]);
}

describe('seeded fuzz of the importer', () => {
  for (const seed of SEEDS) {
    it(`mutated exports import or fail with one line and an offset, whatever the chunking (seed ${seed})`, async (t) => {
      t.diagnostic(`seed ${seed} (DISKBLAME_FUZZ_SEED=${seed} repeats it)`);
      console.log(`import-fuzz seed ${seed}`);
      assert.ok(sources.size >= 3, 'ours, ours.gz and ncdu exports at least');
      const rnd = prng(seed);
      const tally: Record<string, number> = {};
      for (const [name, src] of sources) {
        // the export itself imports
        assert.equal(await outcome(Readable.from([src]), src.length, name), 'ok', `${name} imports`);
        for (const mutate of MUTATORS) {
          for (let r = 0; r < ROUNDS; r++) {
            const m = mutate(src, rnd);
            const label = `seed ${seed}, ${name}, ${m.what}`;
            const whole = await outcome(Readable.from([m.data]), m.data.length, label);
            const cut = await outcome(Readable.from(chunks(m.data, rnd)), m.data.length, label + ' (chunked)');
            assert.equal(cut, whole, `${label}: the same outcome in chunks`);
            if (m.kind === 'truncate' && whole === 'ok') {
              // only a cut after the closing ']' (or inside a gzip trailer) may still import
              const end = name.endsWith('.gz') ? src.length - 8 : src.lastIndexOf(0x5d) + 1;
              assert.ok(m.data.length >= end, `${label}: a truncated export imported`);
            }
            const key = `${m.kind} ${whole === 'ok' ? 'ok' : 'error'}`;
            tally[key] = (tally[key] ?? 0) + 1;
          }
        }
      }
      t.diagnostic(JSON.stringify(tally));
      assert.ok((tally['truncate error'] ?? 0) > 0 && (tally['flip error'] ?? 0) > 0 && (tally['insert error'] ?? 0) > 0, 'mutations were rejected');
    });
  }

  it('a sample of the mutations through the CLI: exit 0, or 1 with one line naming the offset', () => {
    const rnd = prng(FIXED_SEED ^ 0x5a5a);
    for (const [name, src] of sources) {
      for (const mutate of MUTATORS) {
        for (let r = 0; r < CLI_ROUNDS; r++) {
          const m = mutate(src, rnd);
          const file = path.join(tmp, `m-${name}`);
          fs.writeFileSync(file, m.data);
          const res = measured(`${q(process.execPath)} ${q(CLI)} scan -f ${q(file)} --json`);
          if (res.code === 0) continue;
          const line = assertOneLineError(res, 1);
          offsetOf(line);
          assert.ok(res.rssKiB < RSS_BOUND_KIB, `${name} ${m.what}: peak RSS ${res.rssKiB} KiB`);
        }
      }
    }
  });
});

// ---------------------------------------------------------------------------------------------
// the CLI, measured

const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

interface Measured extends RunResult {
  rssKiB: number;
}

/**
 * `sh -c "<cmd>"` with the last command of the pipeline measured by /usr/bin/time (peak RSS to a
 * file, so stderr is the CLI's own); `producer` (a shell pipeline) feeds its stdin. The whole
 * process group is killed after the timeout (timeout(1)), so a hang cannot leave writers behind.
 */
function measured(cmd: string, producer?: string, timeoutS = 120): Measured {
  const rssFile = path.join(tmp, 'rss');
  fs.rmSync(rssFile, { force: true });
  const line = `${producer ? `${producer} | ` : ''}/usr/bin/time -f %M -o ${q(rssFile)} ${cmd}`;
  const r = run('timeout', ['-k', '5', String(timeoutS), 'sh', '-c', line], { timeoutMs: (timeoutS + 30) * 1000 });
  assert.notEqual(r.code, 124, `${line}: timed out`);
  const text = fs.existsSync(rssFile) ? fs.readFileSync(rssFile, 'utf8') : '';
  // time(1) writes "Command exited with non-zero status N" before the figure
  const rss = Number(text.trim().split('\n').pop());
  assert.ok(Number.isFinite(rss) && rss > 0, `${line}: no RSS measured (${JSON.stringify(text)}), stderr ${r.stderr}`);
  return { ...r, cmd: line, rssKiB: rss };
}

/** scan -f - fed by `producer`: fails with one line naming `offset`, RSS bounded. */
function endless(producer: string, expect: RegExp, offset: number, args: string[] = ['scan', '-f', '-', '--json']): void {
  const r = measured(`${q(process.execPath)} ${q(CLI)} ${args.map(q).join(' ')}`, producer);
  const line = assertOneLineError(r, 1);
  assert.match(line, expect, r.cmd);
  assert.equal(offsetOf(line), offset, `${r.cmd}: the offset of the token`);
  assert.ok(r.rssKiB < RSS_BOUND_KIB, `${r.cmd}: peak RSS ${r.rssKiB} KiB`);
}

/** a shell word that prints `s` (printf %s) */
const printf = (s: string) => `printf %s ${q(s)}`;
/** a shell pipeline that writes `unit` (no newline) forever */
const forever = (unit: string) => `yes ${q(unit)} | tr -d '\\n'`;

describe('endless tokens on stdin stop at their limit', { skip: !have('/usr/bin/time') && '/usr/bin/time missing' }, () => {
  const A = 'a'.repeat(64);
  const HEAD = '[1,2,{"progname":"fuzz"},\n[{"name":"/"},';
  it('a name', () => {
    const pre = HEAD + '{"name":';
    endless(`{ ${printf(pre + '"')}; ${forever(A)}; }`, new RegExp(`a name longer than ${LIMITS.name} bytes`), pre.length);
  });
  it('a key', () => {
    const pre = HEAD + '{"name":"x",';
    endless(`{ ${printf(pre + '"')}; ${forever(A)}; }`, new RegExp(`a key longer than ${LIMITS.key} bytes`), pre.length);
  });
  it('a number', () => {
    const pre = HEAD + '{"name":"x","asize":';
    endless(`{ ${printf(pre)}; ${forever('1234567890')}; }`, new RegExp(`a number longer than ${LIMITS.number} bytes`), pre.length);
  });
  it('a string value of an unknown key (skipped) and of the metadata (kept)', () => {
    const pre = HEAD + '{"name":"x","x_blob":';
    endless(`{ ${printf(pre + '"')}; ${forever(A)}; }`, new RegExp(`a string longer than ${LIMITS.string} bytes`), pre.length);
    const meta = '[1,2,{"progname":';
    endless(`{ ${printf(meta + '"')}; ${forever(A)}; }`, new RegExp(`a string longer than ${LIMITS.string} bytes`), meta.length);
  });
  it('whitespace, between entries and inside a key-value pair', () => {
    endless(`{ ${printf(HEAD)}; yes ' '; }`, new RegExp(`more than ${LIMITS.whitespace} bytes of whitespace`), HEAD.length);
    const pre = HEAD + '{"name":"x","asize"';
    endless(`{ ${printf(pre)}; yes '\t'; }`, /bytes of whitespace/, pre.length);
  });
  it('metadata that never ends, and nesting', () => {
    endless(`{ ${printf('[1,2,{"a":1')}; ${forever(',"k":[1,2,3]')}; }`, new RegExp(`metadata object .*longer than ${LIMITS.metadata} bytes`), 5);
    // 100k levels and more: no stack overflow, a clean error at the limit
    endless(`{ ${printf('[1,2,{"a":')}; ${forever('[[[[[[[[')}; }`, new RegExp(`nested deeper than ${LIMITS.nesting} levels`), 10 + LIMITS.nesting - 1);
    const pre = HEAD + '{"name":"x","x_deep":';
    endless(`{ ${printf(pre)}; ${forever('{"a":[')}; }`, new RegExp(`nested deeper than ${LIMITS.skippedNesting} levels`), pre.length + 6 * (LIMITS.skippedNesting / 2));
  });
  it('a token exactly at its limit is accepted', async () => {
    const name = 'n'.repeat(LIMITS.name);
    const num = '7.' + '0'.repeat(LIMITS.number - 2);
    // a number as long as the limit is no exact size (sizes are integers below 2^64): an unknown key's value
    const ok = `[1,2,{"progname":"fuzz"},[{"name":"/"},{"name":"${name}","x_num":${num}}]]`;
    assert.equal(await outcome(Readable.from([Buffer.from(ok)]), ok.length, 'at the limit'), 'ok');
    const over = ok.replace(name, name + 'n');
    assert.match(await outcome(Readable.from(chunks(Buffer.from(over), prng(1))), over.length, 'over'), /a name longer than/);
  });
});

describe('big inputs from files and gzip', { skip: !have('/usr/bin/time') && '/usr/bin/time missing' }, () => {
  const pre = '[1,2,{},[{"name":"/"},{"name":';
  /** an export whose second entry's name is `mib` MiB of 'a', streamed (no big buffer) */
  async function* bigName(mib: number): AsyncGenerator<Buffer> {
    yield Buffer.from(pre + '"');
    const b = Buffer.alloc(1 << 20, 0x61);
    for (let k = 0; k < mib; k++) yield b;
    yield Buffer.from('"}]]');
  }

  it('a file with a name of 100 MB', async () => {
    const file = path.join(tmp, 'bigname.json');
    await pipeline(Readable.from(bigName(100)), fs.createWriteStream(file));
    endless('', new RegExp(`a name longer than ${LIMITS.name} bytes at byte ${pre.length}$`), pre.length, ['scan', '-f', file, '--json']);
    fs.rmSync(file);
  });

  it('a gzip bomb: 1 MB inflating to 1 GiB inside a name', async () => {
    const file = path.join(tmp, 'bomb.json.gz');
    await pipeline(Readable.from(bigName(1024)), createGzip({ level: 9, strategy: zc.Z_RLE }), fs.createWriteStream(file));
    const size = fs.statSync(file).size;
    assert.ok(size < 4 << 20, `the bomb is small (${size} bytes)`);
    endless('', new RegExp(`a name longer than ${LIMITS.name} bytes at byte ${pre.length} of the decompressed stream`), pre.length, ['scan', '-f', file, '--json']);
    // the same bomb on stdin
    endless(`cat ${q(file)}`, /a name longer than/, pre.length);
  });

  it('a multi-member gzip bomb of whitespace', () => {
    const file = path.join(tmp, 'ws.json.gz');
    const head = '[1,2,{},';
    const member = gzipSync(Buffer.alloc(1 << 20, 0x20), { level: 9 });
    const fd = fs.openSync(file, 'w');
    fs.writeSync(fd, gzipSync(head));
    for (let k = 0; k < 1024; k++) fs.writeSync(fd, member);
    fs.closeSync(fd);
    endless('', /bytes of whitespace at byte 8 of the decompressed stream/, head.length, ['scan', '-f', file, '--json']);
  });

  it('a 100,000-level deep directory tree is data: it imports (no recursion)', () => {
    const depth = 100_000;
    const parts = ['[1,2,{},[{"name":"/deep"}'];
    for (let d = 1; d < depth; d++) parts.push(',[{"name":"d","asize":1}');
    parts.push(',{"name":"f","asize":7}' + ']'.repeat(depth) + ']');
    const file = path.join(tmp, 'deep.json');
    fs.writeFileSync(file, parts.join(''));
    const r = measured(`${q(process.execPath)} ${q(CLI)} scan -f ${q(file)} --json`);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).apparentBytes, depth - 1 + 7);
    assert.ok(r.rssKiB < RSS_BOUND_KIB, `peak RSS ${r.rssKiB} KiB`);
  });

  it('a zero device as an export: refused by its type, unread', { skip: !isRoot() && 'mknod needs root' }, () => {
    const dev = path.join(tmp, 'zero');
    fs.rmSync(dev, { force: true });
    assert.equal(run('mknod', [dev, 'c', '1', '5']).code, 0);
    const r = measured(`${q(process.execPath)} ${q(CLI)} scan -f ${q(dev)} --json`);
    assert.match(assertOneLineError(r, 1), /not a regular file \(a character device\)/);
    assert.ok(r.rssKiB < RSS_BOUND_KIB, `peak RSS ${r.rssKiB} KiB`);
    fs.rmSync(dev);
  });
});

// ---------------------------------------------------------------------------------------------
// --history and the store's samples

describe('--history: bounded lines, a slow pipe', { skip: !have('/usr/bin/time') && '/usr/bin/time missing' }, () => {
  const forecast = (src: string) => `${q(process.execPath)} ${q(CLI)} forecast --history ${q(src)}`;

  it('a zero device (refused unread), an endless line on stdin, a 1 GiB line in a sparse file: one line, flat memory', { skip: !isRoot() && 'mknod needs root' }, () => {
    const dev = path.join(tmp, 'zero-h');
    fs.rmSync(dev, { force: true });
    assert.equal(run('mknod', [dev, 'c', '1', '5']).code, 0);
    let r = measured(forecast(dev));
    assert.match(assertOneLineError(r, 1), /not a regular file \(a character device\)/);
    assert.ok(r.rssKiB < RSS_BOUND_KIB, `peak RSS ${r.rssKiB} KiB`);
    fs.rmSync(dev);

    const first = '2026-01-01T00:00:00Z,100,1000\n';
    r = measured(forecast('-'), `{ ${printf(first)}; ${forever('9')}; }`);
    assert.match(assertOneLineError(r, 1), new RegExp(`stdin: line 2: longer than ${HISTORY_LIMITS.line} bytes `));
    assert.ok(r.rssKiB < RSS_BOUND_KIB, `peak RSS ${r.rssKiB} KiB`);

    const sparse = path.join(tmp, 'sparse.csv');
    fs.writeFileSync(sparse, first);
    fs.truncateSync(sparse, first.length + (1 << 30));
    r = measured(forecast(sparse));
    assert.match(assertOneLineError(r, 1), /sparse\.csv: line 2: longer than/);
    assert.ok(r.rssKiB < RSS_BOUND_KIB, `peak RSS ${r.rssKiB} KiB`);
    fs.rmSync(sparse);
  });

  it('endless valid samples stop at the sample limit', () => {
    const r = measured(forecast('-'), `yes '2026-01-01T00:00:00Z,100,1000'`);
    assert.match(assertOneLineError(r, 1), new RegExp(`line ${HISTORY_LIMITS.samples + 1}: more than ${HISTORY_LIMITS.samples} samples`));
    assert.ok(r.rssKiB < RSS_BOUND_KIB, `peak RSS ${r.rssKiB} KiB`);
  });

  it('--history - from a slow pipe, also when stdin is non-blocking', () => {
    const lines = Array.from({ length: 4 }, (_, k) => `2026-01-0${k + 1}T00:00:00Z,${(k + 1) * 100},1000`);
    const slow = `for l in ${lines.join(' ')}; do echo $l; sleep 0.2; done`;
    for (const nonblock of [false, true]) {
      // O_NONBLOCK on the pipe (as a shell or a parent process may leave it): read() says EAGAIN
      const cmd = nonblock
        ? `python3 -c 'import os,fcntl,sys; fcntl.fcntl(0, fcntl.F_SETFL, fcntl.fcntl(0, fcntl.F_GETFL) | os.O_NONBLOCK); os.execvp(sys.argv[1], sys.argv[1:])' ${forecast('-')} --json`
        : `${forecast('-')} --json`;
      const r = measured(cmd, slow);
      assert.equal(r.code, 0, `${nonblock ? 'non-blocking' : 'blocking'} stdin: ${r.stderr}`);
      assert.equal(r.stderr, '');
      const j = JSON.parse(r.stdout) as { samplesUsed: number; usedBytes: number };
      assert.deepEqual([j.samplesUsed, j.usedBytes], [4, 400], 'every sample was read');
    }
  });

  it("the store's samples.jsonl with a 1 GiB line: skipped, the other samples read", () => {
    const store = path.join(tmp, 'store');
    fs.mkdirSync(store, { recursive: true });
    const file = path.join(store, 'samples.jsonl');
    const sample = (day: number) =>
      JSON.stringify({ time: `2026-01-0${day}T00:00:00.000Z`, mount: '/data', device: '/dev/test', fsType: 'ext4', sizeBytes: 1000, usedBytes: day * 100, freeBytes: 1000 - day * 100, inodes: 10, inodesFree: 5 }) + '\n';
    fs.writeFileSync(file, sample(1));
    fs.truncateSync(file, sample(1).length + (1 << 30));
    fs.appendFileSync(file, '\n' + sample(2) + sample(3));
    const r = measured(`${q(process.execPath)} ${q(CLI)} forecast --store ${q(store)} --volume /data --json`);
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout) as { samplesUsed: number; usedBytes: number };
    assert.deepEqual([j.samplesUsed, j.usedBytes], [3, 300], 'the samples around the long line were read');
    assert.ok(r.rssKiB < RSS_BOUND_KIB, `peak RSS ${r.rssKiB} KiB`);
  });
});

// ---------------------------------------------------------------------------------------------
// other files read whole: capped

describe('files read whole are capped', () => {
  it('readFileCapped: max bytes read, one more is FileTooLargeError; readLinesSync skips a long line unkept', () => {
    const f = path.join(tmp, 'capped');
    fs.writeFileSync(f, 'x'.repeat(100_000));
    assert.equal(readFileCapped(f, 100_000, 'utf8').length, 100_000);
    assert.throws(() => readFileCapped(f, 99_999), (e: unknown) => e instanceof FileTooLargeError && e.code === 'EFBIG');
    fs.writeFileSync(f, `a\n${'y'.repeat(70_000)}\nb`);
    const got: (string | null)[] = [];
    readLinesSync(f, { maxLine: 65_536, tooLong: 'skip', chunk: 4096 }, (l) => got.push(l));
    assert.deepEqual(got, ['a', null, 'b']);
    assert.throws(() => readLinesSync(f, { maxLine: 65_536 }, () => {}), /line 2 is longer than 65536 bytes \(at byte 2\)/);
  });

  it('a passwd file over its limit is not read (a sparse 100 MiB file)', () => {
    const f = path.join(tmp, 'passwd');
    fs.writeFileSync(f, 'root:x:0:0::/root:/bin/sh\n');
    assert.equal(loadUserNames(f).get(0), 'root');
    fs.truncateSync(f, PASSWD_MAX + 1);
    assert.equal(loadUserNames(f).size, 0);
  });

  it('owners --rules on a zero device (refused unread) and on a 1 GiB sparse file: one line, flat memory', { skip: (!isRoot() || !have('/usr/bin/time')) && 'needs root (mknod) and /usr/bin/time' }, () => {
    const dev = path.join(tmp, 'zero-rules');
    fs.rmSync(dev, { force: true });
    assert.equal(run('mknod', [dev, 'c', '1', '5']).code, 0);
    const dir = path.join(tmp, 'tree', 'sub');
    let r = measured(`${q(process.execPath)} ${q(CLI)} owners ${q(dir)} --rules ${q(dev)} --sample-ms 0`);
    assert.match(assertOneLineError(r, 1), /not a regular file \(a character device\)/);
    assert.ok(r.rssKiB < RSS_BOUND_KIB, `peak RSS ${r.rssKiB} KiB`);
    fs.rmSync(dev);
    const big = path.join(tmp, 'big-rules.json');
    fs.writeFileSync(big, '');
    fs.truncateSync(big, 1 << 30);
    r = measured(`${q(process.execPath)} ${q(CLI)} owners ${q(dir)} --rules ${q(big)} --sample-ms 0`);
    assert.match(assertOneLineError(r, 1), new RegExp(`rules file .*: larger than ${RULES_MAX} bytes`));
    assert.ok(r.rssKiB < RSS_BOUND_KIB, `peak RSS ${r.rssKiB} KiB`);
    fs.rmSync(big);
  });
});
