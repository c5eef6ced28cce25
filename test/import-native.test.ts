/**
 * The native fast path of the export reader (src/native/ncduparse.c, import/native-parse.ts)
 * against the JavaScript parser, its reference: every input below is read both ways, whole and cut
 * into chunks, and must give the same sink events (every field, the name's bytes), the same
 * SourceInfo, or the same error (message and byte offset); into a Tree, the same tree. Inputs:
 * the fixtures, exports of the hostile tree (ours, ncdu's, gdu's when installed), truncation at
 * every byte of a small export, deep nesting, numbers around 2^53 and 2^64, names not UTF-8,
 * escapes (\u0000, surrogates), duplicate and unknown keys, the limits (names of 4096 and 4097
 * bytes, whitespace runs), a seeded mutation fuzz, gzip, stdin and a file read in 1 MiB chunks.
 *
 * The fast path must also have run (its records counted): the addon is built by `npm install`
 * (scripts/build-native.mjs); without it (or under DISKBLAME_NATIVE=0) the comparisons would be of
 * the JavaScript parser with itself, and the suite says so and skips.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { importExport, ImportError } from '../src/import/ncdu-reader.js';
import { ncduParseAddon } from '../src/import/native-parse.js';
import { emptyEntry, type Entry, type Sink, type SourceInfo } from '../src/model/entry.js';
import { Tree } from '../src/tree/tree.js';
import { rng } from '../src/forecast/synth.js';
import { makeTmp, rmrf, writeSized } from './helpers/fs.js';
import { makeHostileTree } from './helpers/hostile.js';
import { CLI, have, run, runCliOk } from './helpers/run.js';

const FIX = path.join(path.dirname(new URL(import.meta.url).pathname), '..', 'fixtures', 'import');
const addon = ncduParseAddon();
// where the directory reader was built, this one was too (one install script, one compiler)
const built = fs.existsSync(path.join(FIX, '..', '..', 'build', 'Release', 'dirscan.node')) && process.env.DISKBLAME_NATIVE !== '0';
const skip = addon === null ? 'the native fast path is not built or disabled (DISKBLAME_NATIVE=0): nothing to compare' : false;

/** every sink event as one line (all fields, the name as hex) */
class Lines implements Sink {
  out: string[] = [];
  private rec(ev: string, e: Entry): void {
    this.out.push(
      `${ev} ${Buffer.from(e.name).toString('hex')} t${e.type} a${e.asize} d${e.dsize} dev${e.dev} i${e.ino} n${e.nlink} ` +
        `m${e.mtime} u${e.uid} g${e.gid} mo${e.mode} r${e.readError} x${e.excluded}`,
    );
  }
  enterDir(e: Entry): void {
    this.rec('enter', e);
  }
  addEntry(e: Entry): void {
    this.rec('add', e);
  }
  leaveDir(): void {
    this.out.push('leave');
  }
  finish(info: SourceInfo): void {
    this.out.push(`finish ${JSON.stringify(info, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v))}`);
  }
}

function chunks(data: Buffer, size: number | number[]): Readable {
  const parts: Buffer[] = [];
  let p = 0;
  let k = 0;
  while (p < data.length) {
    const sz = typeof size === 'number' ? size : size[k++ % size.length];
    parts.push(Buffer.from(data.subarray(p, p + sz)));
    p += sz;
  }
  return Readable.from(parts);
}

/** the events (or the error) of reading `data` cut into chunks of `size` (0: whole) */
async function read(data: Buffer, native: boolean, size: number | number[] = 0, stats = { fastBytes: 0, threadBytes: 0 }): Promise<string[]> {
  const sink = new Lines();
  try {
    await importExport(size === 0 ? Readable.from([Buffer.from(data)]) : chunks(data, size), sink, { native, stats });
  } catch (e) {
    if (!(e instanceof ImportError)) throw e;
    sink.out.push(`error @${e.offset}: ${e.message}`);
  }
  return sink.out;
}

/** both parsers give the same on `data`, whole and in chunks; returns the fast path's record bytes (whole) */
async function same(data: Buffer | string, what: string, sizes: (number | number[])[] = [0, 1, 7, [3, 250, 1]]): Promise<number> {
  const buf = typeof data === 'string' ? Buffer.from(data, 'latin1') : data;
  const ref = await read(buf, false);
  let fast = 0;
  for (const size of sizes) {
    const stats = { fastBytes: 0, threadBytes: 0 };
    const got = await read(buf, true, size, stats);
    if (size === 0) fast = stats.fastBytes;
    assert.deepEqual(got, ref, `${what} (chunks ${JSON.stringify(size)})`);
  }
  return fast;
}

/** the whole tree, entry by entry, and its totals */
function dump(t: Tree): string[] {
  const out: string[] = [];
  const e = emptyEntry();
  for (let i = 0; i < t.count; i++) {
    t.entryOf(i, e);
    out.push(`${i} ${t.parent[i]} ${Buffer.from(t.nameOf(i)).toString('hex')} ${e.type} ${e.asize} ${e.dsize} ${e.dev} ${e.ino} ${e.nlink} ${e.mtime} ${e.uid} ${e.gid} ${e.mode} ${e.readError} ${e.excluded} ${t.exactSizeA(i)} ${t.exactSizeD(i)}`);
  }
  out.push(JSON.stringify(t.totals(), (_k, v) => (typeof v === 'bigint' ? `${v}n` : v)));
  return out;
}

async function treeOf(source: () => string | NodeJS.ReadableStream, native: boolean): Promise<string[]> {
  const t = new Tree();
  try {
    await importExport(source(), t, { native });
  } catch (e) {
    if (!(e instanceof ImportError)) throw e;
    return [`error @${e.offset}: ${e.message}`];
  }
  return dump(t);
}

const HEAD = '[1,2,{"progname":"ncdu","progver":"1.18","timestamp":1700000000},\n';

/** an export whose root holds `body` (entries, comma-separated) */
const wrap = (body: string): string => `${HEAD}[{"name":"/r","asize":4096,"dsize":4096,"dev":7},\n${body}]]\n`;

/** a small export with every kind of entry the fast path takes */
const SMALL = wrap(
  [
    '{"name":"f","asize":1,"dsize":4096}',
    '[{"name":"d","asize":4096,"dsize":4096,"dev":9,"mtime":1600000000,"uid":0,"gid":0,"mode":16877},\n{"name":"g","asize":3,"ino":44,"nlink":2},\n{"name":"h","hlnkc":true,"ino":45},\n[{"name":"e"}],\n[{"name":"x","excluded":"pattern"}],\n[{"name":"re","read_error":true}],\n[{"name":"rc","read_error":true},{"name":"in"}]]',
    '{"name":"s","mode":41471,"asize":5}',
    '{"name":"fifo","mode":4516}',
    '{"name":"dm","mode":16877}',
    '{"name":"n","notreg":true}',
    '{"name":"o1","excluded":"otherfs"}',
    '{"name":"o2","excluded":"othfs"}',
    '{"name":"k","excluded":"kernfs"}',
    '{"name":"fl","excluded":"frmlnk"}',
    '{"name":"xt","excluded":true}',
    '{"name":"xf","excluded":false}',
    '{"name":"xn","excluded":null}',
    '{"name":"x?","excluded":"whatever"}',
    '{ "name" : "sp" ,\t"asize" :\r\n 12 }',
    '{"name":"esc\\"\\\\\\/\\b\\f\\n\\r\\t","asize":1}',
    '{"name":"u\\u0000\\u00e9\\ud83d\\ude00\\ud800\\udc00x\\ud800\\u0041\\udc00y","asize":2}',
    '{"name":"raw\xff\xc0\x80\x7f","asize":3}',
    '{"name":"","asize":0}',
    '{"name":"dup","asize":1,"asize":2,"name":"dup2","mode":33188,"mode":16877}',
    '{"name":"max","asize":999999999999999,"dsize":0,"ino":123456789012345,"dev":0}',
  ].join(',\n'),
);

let tmp = '';
before(() => {
  tmp = makeTmp('import-native');
});
after(() => rmrf(tmp));

it('the fast path loads wherever the native directory reader was built', () => {
  if (built) assert.notEqual(addon, null, 'build/Release/dirscan.node is there, ncduparse.node does not load');
});

describe('native export parser: same events, errors and trees as the JavaScript parser', { skip }, () => {
  it('takes plain entries itself (its records counted) and stops where the JavaScript parser must go on', async () => {
    const fast = await same(SMALL, 'small');
    // every entry but the root's, each as one record: tag, mask, length, name (and a byte per LEAVE)
    let want = 0;
    for (const l of await read(Buffer.from(SMALL, 'latin1'), false)) {
      const [ev, hex] = l.split(' ');
      if (ev === 'enter' || ev === 'add') want += 3 + hex.length / 2;
      else if (ev === 'leave') want += 1;
    }
    want -= 3 + 2 + 1; // the root ("/r"), entered and left by the JavaScript parser
    assert.equal(fast, want, 'the fast path took every entry of the small export');
    // and directly: one entry, one record, stopped before the root's ']'
    const buf = Buffer.from('{"name":"a","asize":5}]');
    const io = new Float64Array(5);
    addon!.fast(buf, 0, buf.length, 0, 1, new Float64Array(4), new Uint8Array(64), new Float64Array(16), io);
    assert.deepEqual([...io], [buf.length - 1, 1, 1, 1 + 1 + 1 + 1, 9]);
    // out-of-range arguments are refused, not read
    assert.throws(() => addon!.fast(buf, 0, buf.length + 1, 0, 1, new Float64Array(4), new Uint8Array(64), new Float64Array(16), io), TypeError);
    assert.throws(() => addon!.fast(buf, 0, buf.length, 0, 5, new Float64Array(4), new Uint8Array(64), new Float64Array(16), io), TypeError);
    // and the thread's calls take only a handle of its own
    for (const h of [{}, null, 5, Buffer.alloc(8)]) {
      assert.throws(() => addon!.take(h, new Uint8Array(256 << 10), new Float64Array(32 << 10), new Float64Array(6)));
    }
  });

  it('the fixtures', async () => {
    for (const f of fs.readdirSync(FIX)) await same(fs.readFileSync(path.join(FIX, f)), f);
  });

  it('truncated at every byte, and every byte flipped to a syntax character', async () => {
    const full = Buffer.from(SMALL, 'latin1');
    for (let k = 0; k <= full.length; k++) {
      const cut = full.subarray(0, k);
      const ref = await read(cut, false);
      assert.deepEqual(await read(cut, true), ref, `cut at ${k}`);
    }
    for (let k = 0; k < full.length; k++) {
      for (const c of [0x22, 0x2c, 0x5d, 0x7d, 0x5c, 0x00]) {
        const b = Buffer.from(full);
        b[k] = c;
        assert.deepEqual(await read(b, true), await read(b, false), `byte ${k} = ${c}`);
      }
    }
  });

  it('deep nesting (directories 20000 deep, and back)', async () => {
    const depth = 20000;
    let s = '';
    for (let d = 0; d < depth; d++) s += `[{"name":"d${d}","asize":${d},"dev":${d % 3}},\n`;
    s += '{"name":"leaf","asize":1}';
    s += ']'.repeat(depth);
    const fast = await same(wrap(s), 'deep', [0, 4096]);
    assert.ok(fast > depth * 5, 'the fast path took the deep directories');
    const t = await treeOf(() => Readable.from([Buffer.from(wrap(s))]), true);
    assert.deepEqual(t, await treeOf(() => Readable.from([Buffer.from(wrap(s))]), false));
  });

  it('numbers: around 2^53 and 2^64, signs, fractions, exponents, leading zeros, for every key', async () => {
    const values = [
      '0', '1', '00', '01', '-0', '-1', '1.0', '1e3', '1E3', '0.5', '999999999999999', '1000000000000000',
      '9007199254740991', '9007199254740992', '9007199254740993', '18446744073709551615', '18446744073709551616',
      '1'.repeat(1024), '1'.repeat(1025), 'true', 'null', '"1"', '[1]', '{}',
    ];
    for (const key of ['asize', 'dsize', 'dev', 'ino', 'nlink', 'uid', 'gid', 'mode', 'mtime']) {
      for (const v of values) {
        await same(wrap(`{"name":"a","${key}":${v}},\n{"name":"b","nlink":2,"ino":1}`), `${key}: ${v.slice(0, 30)}`, [0, 5]);
        await same(wrap(`[{"name":"a","${key}":${v}},{"name":"b"}]`), `dir ${key}: ${v.slice(0, 30)}`, [0]);
      }
    }
  });

  it('names: limits, escapes, surrogates, bytes that are not UTF-8, control bytes', async () => {
    const names = [
      'a'.repeat(4096), 'a'.repeat(4097), '\\u00e9'.repeat(2048), '\\u00e9'.repeat(2049), 'a'.repeat(4095) + '\\u00e9',
      '\\u0000', '\\ud800', '\\udfff', '\\ud83d\\ude00', '\\ud83d\\u0041', '\\ud83d\\ud83d\\ude00', '\\ud83d', '\\ud83d\\',
      '\\ud83d\\u', '\\ud83d\\u12', '\\x', '\\u12G4', '\\u', '\t', '\x01', '\x7f', '\xff\xfe', '\xed\xa0\x80', '\\/',
    ];
    for (const n of names) {
      await same(wrap(`{"name":"${n}","asize":1},\n[{"name":"${n}"},{"name":"${n}x"}]`), `name ${n.slice(0, 20)}`, [0, 3, 4096]);
    }
  });

  it('keys: duplicate, unknown (any value), escaped, gdu items, too long', async () => {
    const bodies = [
      '{"name":"a","name":"b","asize":1,"asize":2}',
      '{"name":"a","x_owner":"me","x":{"a":[1,2,{"b":null}]},"y":[],"z":1.5,"w":true}',
      '{"nam\\u0065":"a"}',
      '{"name":"a","items":3}',
      '[{"name":"d","items":7,"asize":9},{"name":"a"}]',
      `{"name":"a","${'k'.repeat(4097)}":1}`,
      '{"name":"a","":1}',
      '{"asize":1}',
      '{}',
      '[]',
      '[{}]',
      '{"name":"a",}',
      '{"name":"a"},]',
      '{"name":"a"}}',
      '{"name":"a" "asize":1}',
      '{"name":"a","read_error":null}',
      '{"name":"a","hlnkc":1}',
      '{"name":"a","notreg":"yes"}',
      '{"name":"a","excluded":1}',
      '{"name":"a","excluded":"' + 'p'.repeat(100) + '"}',
      '{"name":1}',
      '[{"name":"d"}x',
      '[{"name":"d"},{"name":"e"}',
    ];
    for (const b of bodies) await same(wrap(b), b.slice(0, 40), [0, 2]);
    const gdu = `[1,0,{"progname":"gdu","progver":"5.37.0","timestamp":1},\n[{"name":"/r","asize":10,"dsize":20,"items":3},[{"name":"d","asize":5,"dsize":8,"items":2},{"name":"f","asize":5,"dsize":8}],{"name":"g","asize":5}]]`;
    await same(gdu, 'gdu cumulative');
  });

  it('whitespace: every kind between tokens, runs at the limit and over it', async () => {
    const ws = ' \t\r\n';
    const body = '{"name":"a","asize":1},[{"name":"d"},{"name":"f"}],{"name":"b"}';
    let spaced = '';
    for (const ch of body) spaced += ch + (ch === '"' ? '' : ws);
    await same(wrap(spaced), 'spaced', [0, 1, 5]);
    const limit = 1 << 20;
    for (const run of [limit, limit + 1]) {
      const w = ' '.repeat(run);
      await same(wrap(`{"name":"a"},${w}{"name":"b"}`), `run ${run} between entries`, [0, 65536]);
      await same(wrap(`{"name":"a",${w}"asize":1}`), `run ${run} in an object`, [0]);
      await same(wrap(`[{"name":"d"}${w},{"name":"e"}]`), `run ${run} after a directory's info`, [0]);
    }
  });

  it('a seeded mutation fuzz of an export of the hostile tree (ours, ncdu and gdu when installed)', async () => {
    const root = path.join(tmp, 'tree');
    fs.mkdirSync(root);
    makeHostileTree(root);
    fs.mkdirSync(path.join(root, 'sub', 'deeper'), { recursive: true });
    writeSized(path.join(root, 'sub', 'a.bin'), 12345);
    fs.linkSync(path.join(root, 'sub', 'a.bin'), path.join(root, 'sub', 'hard'));
    fs.symlinkSync('a.bin', path.join(root, 'sub', 'link'));
    const sources: [string, Buffer][] = [];
    runCliOk(['scan', root, '-o', path.join(tmp, 'ours.json'), '--no-progress']);
    sources.push(['ours', fs.readFileSync(path.join(tmp, 'ours.json'))]);
    if (have('ncdu')) {
      assert.equal(run('ncdu', ['-x', '-e', '-o', path.join(tmp, 'ncdu.json'), root]).code, 0);
      sources.push(['ncdu', fs.readFileSync(path.join(tmp, 'ncdu.json'))]);
    }
    if (have('gdu')) {
      assert.equal(run('gdu', ['-n', '-x', '-o', path.join(tmp, 'gdu.json'), root]).code, 0);
      sources.push(['gdu', fs.readFileSync(path.join(tmp, 'gdu.json'))]);
    }
    const prng = rng(0x5eed13);
    for (const [what, src] of sources) {
      assert.ok((await same(src, what)) > 0, `${what}: the fast path ran`);
      for (let round = 0; round < 300; round++) {
        const b = Buffer.from(src);
        const k = Math.floor(prng() * b.length);
        const kind = round % 4;
        let m: Buffer;
        if (kind === 0) m = b.subarray(0, k);
        else if (kind === 1) {
          b[k] = Math.floor(prng() * 256);
          m = b;
        } else if (kind === 2) m = Buffer.concat([b.subarray(0, k), Buffer.from([Math.floor(prng() * 128)]), b.subarray(k)]);
        else m = Buffer.concat([b.subarray(0, k), b.subarray(k + 1 + Math.floor(prng() * 8))]);
        const size = 1 + Math.floor(prng() * 200);
        assert.deepEqual(await read(m, true, size), await read(m, false), `${what} mutation ${round} (kind ${kind} at ${k}, chunks ${size})`);
      }
    }
  });

  it('a file of many entries read in 1 MiB chunks, gzip\'d, and into a tree', async () => {
    // about 3 MB: entries cut by every chunk boundary of the file reader
    const prng = rng(1313);
    const parts: string[] = [];
    let open = 0;
    for (let k = 0; k < 60000; k++) {
      const r = prng();
      if (r < 0.08 && open < 40) {
        parts.push(`[{"name":"dir${k}","asize":4096,"dsize":4096${k % 7 === 0 ? `,"dev":${k}` : ''}}`);
        open++;
      } else if (r < 0.16 && open > 0) {
        parts[parts.length - 1] += ']';
        open--;
      } else {
        const big = k % 997 === 0 ? `,"asize":${2n ** 60n + BigInt(k)}` : `,"asize":${Math.floor(prng() * 1e9)}`;
        const link = k % 250 === 0 ? `,"ino":${k % 1000},"nlink":2` : '';
        const esc = k % 101 === 0 ? '\\u00e9\\n' : '';
        parts.push(`{"name":"file${k}${esc}"${big},"dsize":${k % 3 === 0 ? 0 : 8192}${link}}`);
      }
    }
    let body = parts.join(',\n');
    body += ']'.repeat(open);
    const text = wrap(body);
    const file = path.join(tmp, 'many.json');
    fs.writeFileSync(file, text);
    fs.writeFileSync(file + '.gz', gzipSync(text));
    assert.ok(fs.statSync(file).size > 2.5e6);
    const ref = await treeOf(() => file, false);
    assert.ok(ref.length > 50000, ref[0]);
    assert.deepEqual(await treeOf(() => file, true), ref, 'file');
    assert.deepEqual(await treeOf(() => file + '.gz', true), ref, 'gzip');
    const stats = { fastBytes: 0, threadBytes: 0 };
    await importExport(file, new Lines(), { stats });
    assert.ok(stats.fastBytes > 500_000, `fast path bytes ${stats.fastBytes}`);
    assert.equal(stats.threadBytes, 0, 'no thread for a sink that is not a tree');
    const t = new Tree();
    await importExport(file, t, { stats });
    // (it stops at each size from 2^53 up, every 997th entry, and starts again at most 32 times)
    assert.ok(stats.threadBytes > 100_000, `thread bytes ${stats.threadBytes}`);
    stats.threadBytes = 0;
    await importExport(file + '.gz', new Tree(), { stats });
    assert.equal(stats.threadBytes, 0, 'no thread for gzip');
    await same(fs.readFileSync(file), 'many entries, events', [0, 65536]);
  });

  it('on the addon\'s thread (a file into a tree): the same tree or error, wherever the thread stops', async () => {
    const prng = rng(77);
    const parts: string[] = [];
    for (let k = 0; k < 150000; k++) {
      parts.push(k % 10 === 0 ? `[{"name":"d${k}","asize":4096,"dev":${k % 4}},{"name":"in${k}","asize":${k}}]` : `{"name":"f${k}\\u00e9","asize":${k},"dsize":4096}`);
    }
    const big = wrap(parts.join(',\n'));
    assert.ok(big.length > 4.5e6);
    let deep = '';
    for (let d = 0; d < 20000; d++) deep += `[{"name":"d${d}","asize":${d},"dev":${d % 3}},\n`;
    deep += '{"name":"leaf","asize":1}' + ']'.repeat(20000);
    const at = (t: string, p: number, ins: string) => t.slice(0, p) + ins + t.slice(p);
    const cases: [string, string][] = [
      ['small', SMALL],
      ['big', big],
      ['deep', wrap(deep)],
      ['an unknown key past the first MiB', big.replace('"name":"f200000', '"x":{"y":[1]},"name":"f200000').replace('{"name":"f120000', '{"x":[],"name":"f120000')],
      ['a syntax error at 2.5 MB', at(big, big.indexOf('{"name"', 2.5e6), '}')],
      ['a number over 2^53 at 3 MB', at(big, big.indexOf('"asize"', 3e6) + 8, '9007199254740993')],
      ['200 KiB of whitespace in an entry at 1.5 MB', at(big, big.indexOf('"asize"', 1.5e6), ' '.repeat(200 << 10))],
      ['2 MiB of whitespace between entries at 1 MB', at(big, big.indexOf('{"name"', 1e6), ' '.repeat(2 << 20))],
    ];
    // the root's info cut by the first MiB read, what follows shorter than the cut token: the
    // parser reaches the entries only at the input's end
    const pre = '[1,2,{"progname":"ncdu","pad":"';
    const mid = '"},\n[{"name":"/';
    const pad = (1 << 20) - 3000 - pre.length - mid.length;
    cases.push(['the root cut at 1 MiB', `${pre}${'p'.repeat(pad)}${mid}${'r'.repeat(4000)}","asize":1},{"name":"a"},{"name":"b"}]]\n`]);
    for (let k = 0; k < 6; k++) {
      const cut = Math.floor(prng() * big.length);
      cases.push([`big cut at ${cut}`, big.slice(0, cut)]);
    }
    for (let k = 0; k < 20; k++) {
      const cut = Math.floor(prng() * SMALL.length);
      cases.push([`small cut at ${cut}`, SMALL.slice(0, cut)]);
    }
    const file = path.join(tmp, 'thread.json');
    for (const [what, text] of cases) {
      fs.writeFileSync(file, Buffer.from(text, 'latin1'));
      const ref = await treeOf(() => file, false);
      const stats = { fastBytes: 0, threadBytes: 0 };
      const t = new Tree();
      let got: string[];
      try {
        await importExport(file, t, { stats });
        got = dump(t);
      } catch (e) {
        if (!(e instanceof ImportError)) throw e;
        got = [`error @${e.offset}: ${e.message}`];
      }
      assert.deepEqual(got, ref, what);
      assert.deepEqual(await treeOf(() => file, true), ref, `${what} (again)`);
      // (no thread where the entries come only at the input's end)
      if (text.length > 1e6) assert.equal(stats.threadBytes > 1e5, what !== 'the root cut at 1 MiB', `${what}: thread bytes ${stats.threadBytes}`);
    }
  });

  it('the CLI: the same --json and export from a file and stdin, the same one-line error, with and without the addon', () => {
    const good = path.join(tmp, 'small.json');
    fs.writeFileSync(good, Buffer.from(SMALL, 'latin1'));
    const bad = path.join(tmp, 'bad.json');
    fs.writeFileSync(bad, Buffer.from(SMALL.replace('"name":"g"', '"name":"g","asize":-1'), 'latin1'));
    const strip = (s: string) => s.replace(/"elapsedMs": \d+/, '');
    for (const [file, stdin] of [[good, false], [good, true], [bad, false], [bad, true]] as const) {
      const args = ['scan', '-f', stdin ? '-' : file, '--json', '--no-progress'];
      const input = stdin ? fs.readFileSync(file) : undefined;
      const a = run(process.execPath, [CLI, ...args], { input, env: { ...process.env, DISKBLAME_DEBUG: '' } });
      const b = run(process.execPath, [CLI, ...args], { input, env: { ...process.env, DISKBLAME_DEBUG: '', DISKBLAME_NATIVE: '0' } });
      assert.equal(a.code, b.code, `${file} ${stdin}: ${a.stderr} / ${b.stderr}`);
      assert.equal(strip(a.stdout), strip(b.stdout));
      assert.equal(a.stderr, b.stderr);
      if (file === bad) {
        assert.notEqual(a.code, 0);
        assert.match(a.stderr, /invalid value for "asize" at byte \d+, expected a non-negative integer\n$/);
      }
    }
  });
});
