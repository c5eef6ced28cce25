/**
 * Exact numbers: byte counts past 2^53 (sparse files on a tmpfs, up to ncdu's 2^64 - 1) stay exact
 * in scan --json, --bytes text, exports (read back by us and by ncdu), snapshots and their listing,
 * and diff; the importer refuses what it cannot hold exactly (fractions, exponents, signs, 2^64).
 *
 * JSON.parse rounds past 2^53, so the outputs are checked as text: the digits after a key.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { assertOneLineError, du, have, isRoot, run, runCli, runCliOk } from './helpers/run.js';
import { makeTmp, rmrf } from './helpers/fs.js';
import { assertTerminalSafe, HOSTILE } from './helpers/hostile.js';
import { addBytes, mulDivRound, normBytes, parseExact, stringifyExact, subBytes } from '../src/util/exact.js';
import { Tree } from '../src/tree/tree.js';
import { emptyEntry, EntryType, type Entry } from '../src/model/entry.js';
import { size, count } from '../src/util/format.js';
import { readSnapshotMeta } from '../src/store/snapshots.js';

const P53 = 2n ** 53n;

/** every exact value of `"key": digits` in a JSON text (JSON.parse would round them) */
function jsonInts(text: string, key: string): bigint[] {
  const out: bigint[] = [];
  for (const m of text.matchAll(new RegExp(`"${key}":\\s*(-?[0-9]+)(?=[,}\\s])`, 'g'))) out.push(BigInt(m[1]));
  return out;
}
/** the one exact value of `key` at the top of a --json output (its first occurrence) */
function jsonInt(text: string, key: string): bigint {
  const all = jsonInts(text, key);
  assert.ok(all.length > 0, `no "${key}" in ${text.slice(0, 400)}`);
  return all[0];
}
function duExact(args: string[], p: string): bigint {
  const r = du(args, p);
  assert.equal(r.code, 0, r.stderr);
  return r.exact;
}

// ---------------------------------------------------------------------------------------------

describe('exact byte counts (util/exact)', () => {
  it('adds and subtracts exactly, canonical: a number while safe, a bigint beyond', () => {
    const max = Number.MAX_SAFE_INTEGER;
    assert.equal(addBytes(max - 1, 1), max);
    assert.equal(addBytes(max, 1), P53);
    assert.equal(addBytes(max, 2), P53 + 1n, 'no float rounding (2^53 + 1 is not a double)');
    assert.equal(addBytes(P53 + 1n, -2), max, 'back to a number');
    assert.equal(subBytes(P53 + 1n, P53), 1);
    assert.equal(subBytes(0, P53 + 1n), -(P53 + 1n));
    assert.equal(normBytes(5n), 5);
    assert.equal(mulDivRound(P53 + 1n, 86400, 86400 * 2), normBytes((P53 + 2n) / 2n));
    assert.equal(mulDivRound(-3, 1, 2), -1, 'halves up, as Math.round');
    assert.equal(mulDivRound(-(P53 * 3n), 1, 2), normBytes(-(P53 * 3n) / 2n));
    assert.equal(mulDivRound(-(P53 + 1n), 1, 2), normBytes(-(P53 / 2n)), '-(2^52 + 0.5) rounds up');
    assert.equal(mulDivRound(3, 1, 2), 2);
    assert.equal(mulDivRound(P53 * 3n, 1, 2), normBytes((P53 * 3n) / 2n));
  });

  it('JSON: bigints written as exact digits, read back exact; strings untouched (even marker-like ones)', () => {
    const v = { a: P53 + 1n, b: [1, 2n ** 64n - 1n, -(P53 + 3n)], s: '\u0001exact123:"9007199254740993"', n: 12345678901234567 };
    const text = stringifyExact(v, 2);
    assert.match(text, /"a": 9007199254740993,/);
    assert.match(text, /18446744073709551615,/);
    assert.match(text, /-9007199254740995\n/);
    const back = parseExact(text) as typeof v;
    assert.equal(back.a, P53 + 1n);
    assert.deepEqual(back.b, [1, 2n ** 64n - 1n, -(P53 + 3n)]);
    assert.equal(back.s, v.s);
    assert.equal(back.n, 12345678901234568n, 'an integer past 2^53 comes back as a bigint (the double was 12345678901234568)');
    assert.equal(stringifyExact({ x: 1 }), '{"x":1}');
    // digits inside strings and fractions are not integers to keep
    assert.deepEqual(parseExact('{"k":"12345678901234567890","f":12345678901234567890.5,"e":1e400}'), {
      k: '12345678901234567890',
      f: 12345678901234567000,
      e: Infinity,
    });
  });

  it('pretty sizes and counts of huge values', () => {
    assert.equal(size(P53 + 1n), '8 PiB');
    assert.equal(size(2n ** 64n - 1n), '16 EiB');
    assert.equal(size(P53 + 1n, true), '9007199254740993');
    assert.equal(count(2n ** 64n - 1n), '18,446,744,073,709,551,615');
  });
});

describe('the tree: exact totals past 2^53, hard links once per subtree', () => {
  function entry(name: string, type: EntryType, asize: bigint | number, dsize: bigint | number = 0, extra: Partial<Entry> = {}): Entry {
    return { ...emptyEntry(), name: Buffer.from(name), type, asize: typeof asize === 'bigint' ? normBytes(asize) : asize, dsize: typeof dsize === 'bigint' ? normBytes(dsize) : dsize, ...extra };
  }

  it('directory totals are exact sums; small trees stay numbers', () => {
    const t = new Tree();
    t.enterDir(entry('/r', EntryType.Dir, 100, 4096));
    t.addEntry(entry('a', EntryType.File, P53 + 1n, 4096));
    t.enterDir(entry('d', EntryType.Dir, 80, 4096));
    t.addEntry(entry('b', EntryType.File, P53 + 3n, 512));
    t.addEntry(entry('c', EntryType.File, 7, P53 * 2n + 512n));
    // one inode, two links (in d and in d/e): counted once in d and in /r, once in e
    t.addEntry(entry('hl1', EntryType.File, P53 + 5n, 0, { nlink: 2, dev: 1, ino: 99 }));
    t.enterDir(entry('e', EntryType.Dir, 60, 0));
    t.addEntry(entry('hl2', EntryType.File, P53 + 5n, 0, { nlink: 2, dev: 1, ino: 99 }));
    t.leaveDir();
    t.leaveDir();
    t.enterDir(entry('small', EntryType.Dir, 10, 0));
    t.addEntry(entry('x', EntryType.File, 3, 4096));
    t.leaveDir();
    t.leaveDir();
    t.finish({ timestamp: 0, producer: 't', incomplete: false });
    const tot = t.totals();
    assert.equal(tot.apparentBytes, 100n + P53 + 1n + 80n + P53 + 3n + 7n + P53 + 5n + 60n + 10n + 3n);
    assert.equal(tot.diskBytes, 4096n + 4096n + 4096n + 512n + P53 * 2n + 512n + 4096n);
    const d = t.children(0).find((i) => Buffer.from(t.nameOf(i)).toString() === 'd')!;
    assert.equal(t.exactSizeA(d), 80n + P53 + 3n + 7n + P53 + 5n + 60n);
    const e = t.children(d).find((i) => Buffer.from(t.nameOf(i)).toString() === 'e')!;
    assert.equal(t.exactSizeA(e), 60n + P53 + 5n);
    const small = t.children(0).find((i) => Buffer.from(t.nameOf(i)).toString() === 'small')!;
    assert.equal(t.exactSizeA(small), 13, 'a plain number below 2^53');
    assert.equal(t.bigTotA.has(t.asize32[small]), false, 'no side-table entry for a small directory');
    // the doubles agree to within their precision (for sorting)
    assert.equal(t.sizeA(d), Number(t.exactSizeA(d)));
    // two inodes whose numbers are one double apart stay two inodes
    const t2 = new Tree();
    t2.enterDir(entry('/r', EntryType.Dir, 0));
    t2.addEntry(entry('x', EntryType.File, 5, 0, { nlink: 2, dev: 1, ino: 2n ** 60n }));
    t2.addEntry(entry('y', EntryType.File, 7, 0, { nlink: 2, dev: 1, ino: 2n ** 60n + 1n }));
    t2.addEntry(entry('x2', EntryType.File, 5, 0, { nlink: 2, dev: 1, ino: 2n ** 60n }));
    t2.leaveDir();
    t2.finish({ timestamp: 0, producer: 't', incomplete: false });
    assert.equal(t2.totals().apparentBytes, 12);
    assert.equal(t2.inoOf(2), 2n ** 60n + 1n);
    // a huge directory over small ones holding hard links (one inode linked from two of them, one
    // twice in the same one): each inode once per subtree, the small subtrees' sums exact
    const t3 = new Tree();
    t3.enterDir(entry('/r', EntryType.Dir, 1));
    t3.addEntry(entry('huge', EntryType.File, P53 + 1n));
    for (const name of ['s1', 's2']) {
      t3.enterDir(entry(name, EntryType.Dir, 10));
      t3.addEntry(entry('l', EntryType.File, 1000, 4096, { nlink: 3, dev: 1, ino: 5 }));
      t3.addEntry(entry('m', EntryType.File, 30, 0, { nlink: 2, dev: 1, ino: 6 + (name === 's1' ? 0 : 1) }));
      t3.addEntry(entry('m2', EntryType.File, 30, 0, { nlink: 2, dev: 1, ino: 6 + (name === 's1' ? 0 : 1) }));
      t3.leaveDir();
    }
    t3.leaveDir();
    t3.finish({ timestamp: 0, producer: 't', incomplete: false });
    assert.equal(t3.totals().apparentBytes, 1n + P53 + 1n + 10n + 10n + 1000n + 30n + 30n, 'inode 5 once, 6 once, 7 once');
    assert.equal(t3.totals().diskBytes, 4096);
    assert.equal(t3.exactSizeA(t3.children(0)[1]), 10 + 1000 + 30);
    // re-export: entryOf gives the exact own sizes back
    const a = t.children(0).find((i) => Buffer.from(t.nameOf(i)).toString() === 'a')!;
    assert.equal(t.entryOf(a, emptyEntry()).asize, P53 + 1n);
    // after a removal the totals are recomputed exactly
    t.removeSubtree(a);
    assert.equal(t.totals().apparentBytes, 100n + 80n + P53 + 3n + 7n + P53 + 5n + 60n + 10n + 3n);
  });
});

// ---------------------------------------------------------------------------------------------

describe('sparse files past 2^53 on a tmpfs', { skip: !isRoot() && 'needs root (mounts a tmpfs)' }, () => {
  let tmp: string;
  let m: string;
  let store: string;
  const env = () => ({ ...process.env, DISKBLAME_DEBUG: '', DISKBLAME_STORE: store });
  // odd sizes: a float sum would round them (2^53 + odd is not a double)
  const SIZES: [string, bigint][] = [
    ['a', P53 + 1n],
    ['d/b', P53 + 1n],
    ['d/c', P53 + 3n],
    ['d/e/f', P53 + 5n],
  ];
  const hostile = Buffer.concat([Buffer.from('huge-'), HOSTILE[0].bytes]);

  before(() => {
    tmp = makeTmp('numbers');
    m = path.join(tmp, 'm');
    store = path.join(tmp, 'store');
    fs.mkdirSync(m);
    const r = run('mount', ['-t', 'tmpfs', '-o', 'size=16m', 'tmpfs', m]);
    assert.equal(r.code, 0, `mount: ${r.stderr}`);
    fs.mkdirSync(path.join(m, 'd', 'e'), { recursive: true });
    for (const [p, n] of SIZES) assert.equal(run('truncate', ['-s', String(n), path.join(m, p)]).code, 0);
    // a hard link to a huge file: counted once, as du does
    fs.linkSync(path.join(m, 'd/e/f'), path.join(m, 'd/f-link'));
    // a huge file with a hostile name (valid UTF-8, so it can be an argument)
    assert.equal(run('truncate', ['-s', String(P53 + 7n), `${m}/d/${hostile.toString('utf8')}`]).code, 0);
    fs.writeFileSync(path.join(m, 'small'), 'hello\n');
  });
  after(() => {
    if (m) run('umount', [m]);
    rmrf(tmp);
  });

  it('scan --json: apparentBytes and diskBytes equal du -sb / du -sB1 to the byte (past 2^54)', () => {
    assert.equal(fs.statSync(Buffer.concat([Buffer.from(m + '/d/'), hostile]), { bigint: true }).size, P53 + 7n);
    const total = duExact(['-sb'], m);
    assert.ok(total > 4n * P53, `the test tree passes 2^55 (${total})`);
    const r = runCliOk(['scan', m, '--json'], { env: env() });
    assert.equal(jsonInt(r.stdout, 'apparentBytes'), total);
    assert.equal(jsonInt(r.stdout, 'diskBytes'), duExact(['-sB1'], m));
    // top directories and files: exact too (d is the largest directory)
    const dIdx = r.stdout.indexOf(`"path": "${path.join(m, 'd')}"`);
    assert.ok(dIdx > 0);
    assert.equal(jsonInt(r.stdout.slice(dIdx), 'apparentBytes'), duExact(['-sb'], path.join(m, 'd')));
    assert.ok(jsonInts(r.stdout, 'apparentBytes').includes(P53 + 5n), 'the file d/e/f exactly');
    // the whole output is still JSON
    assert.equal(JSON.parse(r.stdout).root, m);
  });

  it('scan --bytes (text): exact totals; pretty sizes of huge values', () => {
    const r = runCliOk(['scan', m, '--bytes', '--apparent'], { env: env() });
    assert.match(r.stdout, new RegExp(`Apparent size  ${duExact(['-sb'], m)}\\n`));
    assert.match(r.stdout, new RegExp(`Disk usage     ${duExact(['-sB1'], m)}\\n`));
    assert.match(r.stdout, new RegExp(` ${P53 + 5n}  .*${path.join(m, 'd/e/f').replace(/[/.]/g, '\\$&')}\\n`));
    assertTerminalSafe(r.stdout, 'scan --bytes');
    const pretty = runCliOk(['scan', m], { env: env() });
    assert.match(pretty.stdout, /Apparent size  40 PiB  \(\d{1,3}(,\d{3})+ bytes\)/);
    assert.match(pretty.stdout, new RegExp(`\\(${count(duExact(['-sb'], m))} bytes\\)`), 'the exact count with separators');
  });

  it('the export (-o) writes exact digits; we and ncdu read it back exactly', () => {
    const out = path.join(tmp, 'export.json');
    // streamed: the records come from worker threads (their exact sizes cross in the messages)
    const r = runCliOk(['scan', m, '-o', out, '--json', '--threads', '2'], { env: env() });
    assert.equal(jsonInt(r.stdout, 'apparentBytes'), duExact(['-sb'], m), 'the -o totals');
    const text = fs.readFileSync(out, 'latin1');
    assert.match(text, /\{"name":"a","asize":9007199254740993[,}]/);
    assert.match(text, /\{"name":"c","asize":9007199254740995[,}]/);
    // import: the same totals
    const back = runCliOk(['scan', '-f', out, '--json'], { env: env() });
    assert.equal(jsonInt(back.stdout, 'apparentBytes'), duExact(['-sb'], m));
    assert.equal(jsonInt(back.stdout, 'diskBytes'), duExact(['-sB1'], m));
    if (have('ncdu')) {
      // ncdu 1.x reads sizes as signed 64-bit integers: all of these fit; its re-export keeps them
      const re = path.join(tmp, 'ncdu-re.json');
      const n = run('ncdu', ['-f', out, '-o', re]);
      assert.equal(n.code, 0, n.stderr);
      const ncduText = fs.readFileSync(re, 'latin1');
      for (const v of [P53 + 1n, P53 + 3n, P53 + 5n]) assert.ok(ncduText.includes(`"asize":${v}`), `ncdu kept ${v}`);
      // and ncdu's own export of the tree imports exactly
      const own = path.join(tmp, 'ncdu-own.json');
      assert.equal(run('ncdu', ['-0', '-x', '-o', own, m]).code, 0);
      const fromNcdu = runCliOk(['scan', '-f', own, '--json'], { env: env() });
      assert.equal(jsonInt(fromNcdu.stdout, 'apparentBytes'), duExact(['-sb'], m));
      assert.equal(jsonInt(fromNcdu.stdout, 'diskBytes'), duExact(['-sB1'], m));
    }
  });

  it('snapshot, the snapshots listing and diff: exact; adding a 2^53+1 file is a net growth of exactly that (plus its directory entry)', () => {
    const before = duExact(['-sb'], m);
    const s1 = runCliOk(['snapshot', m, '--json'], { env: env() });
    assert.equal(jsonInt(s1.stdout, 'apparentBytes'), before);
    assert.equal(jsonInt(s1.stdout, 'diskBytes'), duExact(['-sB1'], m));
    const dirBefore = fs.statSync(path.join(m, 'd')).size;
    assert.equal(run('truncate', ['-s', String(P53 + 1n), path.join(m, 'd', 'new')]).code, 0);
    const dirGrowth = BigInt(fs.statSync(path.join(m, 'd')).size - dirBefore);
    const after = duExact(['-sb'], m);
    assert.equal(after - before, P53 + 1n + dirGrowth);
    // one second apart: distinct ids
    run('sleep', ['1.1']);
    const s2 = runCliOk(['snapshot', m, '--json'], { env: env() });
    assert.equal(jsonInt(s2.stdout, 'apparentBytes'), after);

    const list = runCliOk(['snapshots', '--json'], { env: env() });
    const listed = jsonInts(list.stdout, 'apparentBytes');
    assert.ok(listed.includes(before) && listed.includes(after), `listing: ${listed}`);

    const d = runCliOk(['diff', '--json'], { env: { ...env(), DISKBLAME_DIFF_THREADS: '2' } });
    // the after side parsed in a worker thread or here: the same exact result
    assert.equal(runCliOk(['diff', '--json'], { env: { ...env(), DISKBLAME_DIFF_THREADS: '1' } }).stdout, d.stdout);
    assert.equal(jsonInt(d.stdout, 'netApparentBytes'), after - before);
    assert.equal(jsonInt(d.stdout, 'netDiskBytes'), 0n, 'a sparse file takes no blocks on tmpfs');
    const added = d.stdout.indexOf(`"path": "${path.join(m, 'd', 'new')}"`);
    assert.ok(added > 0, 'the new file is listed as added');
    assert.equal(jsonInt(d.stdout.slice(added), 'apparentAfter'), P53 + 1n);
    assert.equal(jsonInt(d.stdout.slice(added), 'apparentDelta'), P53 + 1n);
    const text = runCliOk(['diff', '--bytes'], { env: env() });
    assert.match(text.stdout, new RegExp(`Apparent size  \\+${after - before}  \\(${before} -> ${after}\\)`));
    assert.match(text.stdout, /\+9007199254740993  .*\/d\/new\n/);
    assertTerminalSafe(text.stdout, 'diff --bytes');

    // a file that grows by 2^53 + 1 (its directory unchanged): the net growth is exactly that
    fs.writeFileSync(path.join(m, 'grow'), '');
    const s3 = runCliOk(['snapshot', m, '--json'], { env: env() });
    run('sleep', ['1.1']);
    assert.equal(run('truncate', ['-s', String(P53 + 1n), path.join(m, 'grow')]).code, 0);
    const s4 = runCliOk(['snapshot', m, '--json'], { env: env() });
    const ids = [s3, s4].map((x) => JSON.parse(x.stdout).id as string);
    const g = runCliOk(['diff', ids[0], ids[1], '--json'], { env: env() });
    assert.equal(jsonInt(g.stdout, 'netApparentBytes'), P53 + 1n);
    assert.equal(jsonInt(s4.stdout, 'apparentBytes') - jsonInt(s3.stdout, 'apparentBytes'), P53 + 1n);
    const grown = g.stdout.indexOf(`"path": "${path.join(m, 'grow')}"`);
    assert.ok(grown > 0, 'listed as grown');
    assert.equal(jsonInt(g.stdout.slice(grown), 'apparentBefore'), 0n);
    assert.equal(jsonInt(g.stdout.slice(grown), 'apparentDelta'), P53 + 1n);
    fs.rmSync(path.join(m, 'd', 'new'));
    fs.rmSync(path.join(m, 'grow'));
  });
});

// ---------------------------------------------------------------------------------------------

describe('the importer refuses numbers it cannot hold exactly, naming the byte offset', () => {
  let tmp: string;
  before(() => (tmp = makeTmp('numbers-import')));
  after(() => rmrf(tmp));

  const head = '[1,2,{"progname":"x","progver":"1","timestamp":1},\n[{"name":"/r","asize":100,"dev":1},\n';
  function exportWith(key: string, v: string): { file: string; offset: number } {
    const text = `${head}{"name":"big","${key}":${v}}]]`;
    const file = path.join(tmp, `${key}-${v.replace(/[^0-9a-z]/gi, '_')}.json`);
    fs.writeFileSync(file, text);
    return { file, offset: Buffer.byteLength(text.slice(0, text.lastIndexOf(`:${v}}`) + 1)) };
  }

  for (const key of ['asize', 'dsize', 'ino', 'mtime']) {
    for (const [v, why] of [
      ['18446744073709551616', 'an integer below 2^64'],
      ['99999999999999999999999', 'an integer below 2^64'],
      ['1.5', 'a non-negative integer'],
      ['1e308', 'a non-negative integer'],
      ['100.0', 'a non-negative integer'],
      ['1e3', 'a non-negative integer'],
      ['-1', 'a non-negative integer'],
    ]) {
      it(`${key}: ${v} -> one line with the offset`, () => {
        const { file, offset } = exportWith(key, v);
        const r = runCli(['scan', '-f', file, '--json']);
        const line = assertOneLineError(r, 1);
        assert.equal(line, `diskblame: corrupt export: invalid value for "${key}" at byte ${offset}, expected ${why}`);
      });
    }
  }

  for (const key of ['dev', 'nlink', 'uid', 'gid', 'mode', 'mtime']) {
    it(`${key}: 9007199254740993 (kept as a plain number, which cannot hold it) -> refused with the offset`, () => {
      const { file, offset } = exportWith(key, '9007199254740993');
      const line = assertOneLineError(runCli(['scan', '-f', file, '--json']), 1);
      assert.equal(line, `diskblame: corrupt export: invalid value for "${key}" at byte ${offset}, expected an integer below 2^53`);
    });
  }

  it('hard links with inode numbers past 2^53 (overlayfs xino) stay distinct inodes: counted once each, exactly', () => {
    const ino = 2n ** 60n;
    // two inodes one apart (one double), two links each; du counts each inode once
    const links = (n: string, i: bigint, size: number) => `{"name":"${n}","asize":${size},"dsize":4096,"ino":${i},"hlnkc":true,"nlink":2}`;
    const text = `${head}${links('x1', ino, 1000)},${links('x2', ino, 1000)},${links('y1', ino + 1n, 7)},${links('y2', ino + 1n, 7)}]]`;
    const file = path.join(tmp, 'xino.json');
    fs.writeFileSync(file, text);
    for (const extra of [[], ['-o', path.join(tmp, 'xino-out.json')]]) {
      const r = runCliOk(['scan', '-f', file, '--json', ...extra]);
      assert.equal(jsonInt(r.stdout, 'apparentBytes'), 100n + 1000n + 7n, `scan -f ${extra.join(' ')}`);
      assert.equal(jsonInt(r.stdout, 'diskBytes'), 8192n);
    }
    const out = fs.readFileSync(path.join(tmp, 'xino-out.json'), 'utf8');
    assert.match(out, /"name":"y2".*"ino":1152921504606846977[,}]/);
    // diff of the export with itself: nothing changed (the links pair up by exact inode)
    const d = runCliOk(['diff', file, path.join(tmp, 'xino-out.json'), '--json']);
    assert.equal(jsonInt(d.stdout, 'netApparentBytes'), 0n);
    assert.equal(JSON.parse(d.stdout).counts.unchanged, 4);
  });

  it('snapshot metadata: totals read back exact, the figures that feed doubles (volume, kinds) as numbers', () => {
    const meta = {
      x_snapshot: {
        time: '2026-01-01T00:00:00.000Z',
        host: 'h',
        root: '/r',
        volume: { mount: '/', device: 'd', fsType: 't', sizeBytes: 2n ** 60n + 1n, usedBytes: 1, freeBytes: 0 },
        entries: 2,
        diskBytes: 4096,
        apparentBytes: P53 + 101n,
        kinds: { sparse: P53 * 4n + 1n, ['__proto__']: { polluted: 1 } },
      },
    };
    const file = path.join(tmp, 'meta.json');
    fs.writeFileSync(file, `[1,2,${stringifyExact(meta)},\n[{"name":"/r","asize":100},{"name":"a","asize":${P53 + 1n}}]]\n`);
    assert.match(fs.readFileSync(file, 'utf8'), /"apparentBytes":9007199254741093,/);
    const m = readSnapshotMeta(file)!;
    assert.equal(m.apparentBytes, P53 + 101n);
    assert.equal(m.diskBytes, 4096);
    assert.equal(typeof m.volume.sizeBytes, 'number');
    assert.equal(m.kinds!.sparse, Number(P53 * 4n));
    assert.match(fs.readFileSync(file, 'utf8'), /"__proto__":\{"polluted":1\}/);
    assert.equal(Object.getPrototypeOf(m.kinds), Object.prototype, 'a "__proto__" key is data, not a prototype');
    assert.equal((m.kinds as Record<string, unknown>).polluted, undefined);
  });

  it('18446744073709551615 (2^64 - 1, ncdu 2 writes u64) is accepted exactly, and written back exactly', () => {
    const { file } = exportWith('asize', '18446744073709551615');
    const r = runCliOk(['scan', '-f', file, '--json']);
    assert.equal(jsonInt(r.stdout, 'apparentBytes'), 2n ** 64n - 1n + 100n, 'the total passes 2^64 too');
    const out = path.join(tmp, 'rewritten.json');
    runCliOk(['scan', '-f', file, '-o', out]);
    assert.match(fs.readFileSync(out, 'utf8'), /"asize":18446744073709551615[,}]/);
    const text = runCliOk(['scan', '-f', file, '--bytes', '--apparent']);
    assert.match(text.stdout, /Apparent size  18446744073709551715\n/);
  });
});
