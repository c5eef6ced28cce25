import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, symlinkSync, linkSync, writeFileSync, lstatSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { importExport, ImportError } from '../src/import/ncdu-reader.js';
import { EntryType, Excluded, type Entry, type Sink, type SourceInfo } from '../src/model/entry.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const FIX = join(ROOT, 'fixtures', 'import');
const fixture = (name: string): Buffer => readFileSync(join(FIX, name));

// ---------------------------------------------------------------------------------------------
// helpers

interface Rec {
  ev: 'enter' | 'add' | 'leave';
  name: Buffer;
  type: EntryType;
  asize: number;
  dsize: number;
  dev: number;
  ino: number;
  nlink: number;
  mtime: number;
  uid: number;
  gid: number;
  mode: number;
  readError: boolean;
  excluded: Excluded;
}

class Recorder implements Sink {
  events: Rec[] = [];
  info: SourceInfo | undefined;
  finishCalls = 0;
  depth = 0;
  maxDepth = 0;
  private rec(ev: Rec['ev'], e: Entry): void {
    this.events.push({ ...e, ev, name: Buffer.from(e.name) });
  }
  enterDir(dir: Entry): void {
    this.rec('enter', dir);
    this.depth++;
    if (this.depth > this.maxDepth) this.maxDepth = this.depth;
  }
  addEntry(e: Entry): void {
    this.rec('add', e);
  }
  leaveDir(): void {
    this.events.push({ ev: 'leave', name: Buffer.alloc(0) } as Rec);
    this.depth--;
  }
  finish(info: SourceInfo): void {
    this.finishCalls++;
    this.info = info;
  }
  /** sums like a tree would: every entry once, hard-linked non-directories once per (dev, ino) */
  totals(): { asize: number; dsize: number; count: number } {
    const seen = new Set<string>();
    let asize = 0;
    let dsize = 0;
    let count = 0;
    for (const r of this.events) {
      if (r.ev === 'leave') continue;
      count++;
      if (r.type !== EntryType.Dir && r.nlink > 1) {
        const k = `${r.dev}:${r.ino}`;
        if (seen.has(k)) continue;
        seen.add(k);
      }
      asize += r.asize;
      dsize += r.dsize;
    }
    return { asize, dsize, count };
  }
  lines(): string[] {
    return this.events.map(fmt);
  }
}

const TYPES = ['File', 'Dir', 'Symlink', 'Other'];
const EXCL = ['', 'pattern', 'otherfs', 'kernfs', 'frmlnk'];

function fmtName(b: Uint8Array): string {
  let s = '';
  for (const c of b) s += c > 0x20 && c < 0x7f && c !== 0x5c ? String.fromCharCode(c) : '\\x' + c.toString(16).padStart(2, '0');
  return s;
}

function fmt(r: Rec): string {
  if (r.ev === 'leave') return 'leave';
  let s = `${r.ev} ${TYPES[r.type]} ${fmtName(r.name)} a${r.asize} d${r.dsize} dev${r.dev}`;
  if (r.ino !== 0) s += ` ino${r.ino}`;
  if (r.nlink !== 1) s += ` n${r.nlink}`;
  if (r.uid !== -1) s += ` u${r.uid}`;
  if (r.gid !== -1) s += ` g${r.gid}`;
  if (r.mode !== -1) s += ` m${r.mode.toString(8)}`;
  if (r.mtime !== -1) s += ` t${r.mtime}`;
  if (r.readError) s += ' ERR';
  if (r.excluded !== Excluded.None) s += ` X:${EXCL[r.excluded]}`;
  return s;
}

function chunked(data: Uint8Array, sizes: number[] | number): Readable {
  const chunks: Buffer[] = [];
  let p = 0;
  let k = 0;
  while (p < data.length) {
    const sz = typeof sizes === 'number' ? sizes : sizes[k++ % sizes.length];
    chunks.push(Buffer.from(data.subarray(p, p + sz)));
    p += sz;
  }
  return Readable.from(chunks);
}

async function importBuf(data: Uint8Array | string, chunk?: number[] | number): Promise<Recorder> {
  const buf = typeof data === 'string' ? Buffer.from(data) : data;
  const r = new Recorder();
  await importExport(chunk === undefined ? Readable.from([Buffer.from(buf)]) : chunked(buf, chunk), r);
  return r;
}

async function importError(data: Uint8Array | string, chunk?: number[] | number): Promise<ImportError> {
  try {
    await importBuf(data, chunk);
  } catch (err) {
    if (!(err instanceof ImportError)) throw new Error(`expected an ImportError, got ${String(err)}`, { cause: err });
    assert.equal(typeof err.offset, 'number');
    assert.ok(!err.message.includes('\n'), 'one-line message');
    return err;
  }
  throw new Error(`expected an ImportError for ${JSON.stringify(String(data).slice(0, 80))}`);
}

function has(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
}

function du(dir: string, ...args: string[]): number {
  return Number(execFileSync('du', [...args, dir], { encoding: 'utf8' }).split('\t')[0]);
}

const MINI = (tree: string, meta = '{}'): string => `[1,2,${meta},\n${tree}]`;

// ---------------------------------------------------------------------------------------------
// real exports

describe('real exports', () => {
  let tmp: string;
  let tree: string;
  const weird = Buffer.from([0x6e, 0x6f, 0x6e, 0x2d, 0xff, 0xfe]); // "non-" 0xff 0xfe

  before(() => {
    tmp = realpathSync(mkdtempSync(join(tmpdir(), 'diskblame-import-')));
    tree = join(tmp, 'tree');
    mkdirSync(join(tree, 'a', 'b', 'c'), { recursive: true });
    mkdirSync(join(tree, 'empty'));
    writeFileSync(join(tree, 'small.txt'), 'hello\n');
    writeFileSync(join(tree, 'a', 'mid.bin'), Buffer.alloc(5000, 1));
    writeFileSync(join(tree, 'a', 'b', 'big.bin'), Buffer.alloc(70000, 2));
    writeFileSync(join(tree, 'a', 'b', 'c', 'deep.txt'), 'deep');
    writeFileSync(join(tree, 'line\nbreak'), 'nl');
    writeFileSync(join(tree, 'quote"back\\slash'), 'qb');
    writeFileSync(Buffer.concat([Buffer.from(tree + '/'), weird]), 'raw bytes');
    symlinkSync('small.txt', join(tree, 'link-to-small'));
    execFileSync('mkfifo', [join(tree, 'fifo')]);
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  function fsNames(dir: string, out: string[] = []): string[] {
    for (const n of readdirSync(dir, { encoding: 'buffer' })) {
      out.push(fmtName(n));
      // (all directory names in the test trees are ASCII)
      if (lstatSync(Buffer.concat([Buffer.from(dir + '/'), n])).isDirectory()) fsNames(join(dir, n.toString()), out);
    }
    return out;
  }

  for (const extended of [false, true]) {
    it(`ncdu 1.18 ${extended ? 'extended (-e) ' : ''}export: totals match du, names round-trip byte for byte`, { skip: !has('ncdu') && 'ncdu not installed' }, async () => {
      const hl = join(tree, 'a', 'hardlink-to-mid');
      if (!existsSync(hl)) linkSync(join(tree, 'a', 'mid.bin'), hl);
      const out = join(tmp, `ncdu${extended ? '-e' : ''}.json`);
      execFileSync('ncdu', [...(extended ? ['-e'] : []), '-0', '-x', '-o', out, tree], { stdio: 'ignore' });
      const r = new Recorder();
      const info = await importExport(out, r);
      assert.equal(r.finishCalls, 1);
      assert.match(info.producer, /^ncdu 1\.\d+/);
      assert.ok(info.timestamp > 1_600_000_000);
      assert.equal(info.incomplete, false);

      const first = r.events[0];
      assert.equal(first.ev, 'enter');
      assert.equal(first.name.toString(), tree, 'the root name is the absolute path');
      assert.ok(first.dev > 0, 'ncdu writes the root device');
      assert.equal(r.depth, 0);
      assert.equal(r.events.at(-1)?.ev, 'leave');
      for (const e of r.events) if (e.ev !== 'leave') assert.equal(e.dev, first.dev, 'dev is inherited');

      const t = r.totals();
      assert.equal(t.asize, du(tree, '-sb'), 'apparent total = du -sb');
      assert.equal(t.dsize, du(tree, '-sB1'), 'disk total = du -sB1');

      const names = r.events.filter((e) => e.ev !== 'leave').slice(1).map((e) => fmtName(e.name));
      assert.deepEqual(names.sort(), fsNames(tree).sort());
      const raw = r.events.find((e) => e.ev === 'add' && e.name.equals(weird));
      assert.ok(raw, 'non-UTF-8 name round-trips byte for byte');
      assert.ok(r.events.some((e) => e.name.toString() === 'line\nbreak'));
      assert.ok(r.events.some((e) => e.name.toString() === 'quote"back\\slash'));

      const byName = (s: string): Rec => r.events.find((e) => e.ev !== 'leave' && e.name.toString() === s) as Rec;
      assert.equal(byName('link-to-small').type, extended ? EntryType.Symlink : EntryType.Other);
      assert.equal(byName('fifo').type, EntryType.Other);
      assert.equal(byName('empty').ev, 'enter');
      const mid = byName('mid.bin');
      const link = byName('hardlink-to-mid');
      assert.equal(mid.nlink, 2);
      assert.equal(link.ino, mid.ino);
      assert.equal(mid.ino, lstatSync(join(tree, 'a', 'mid.bin')).ino);
      if (extended) {
        const st = lstatSync(join(tree, 'small.txt'));
        const small = byName('small.txt');
        assert.equal(small.mode, st.mode);
        assert.equal(small.uid, st.uid);
        assert.equal(small.mtime, Math.floor(st.mtimeMs / 1000));
      } else {
        assert.equal(byName('small.txt').mode, -1);
        assert.equal(byName('small.txt').uid, -1);
      }
    });
  }

  it('gdu 5.22 export: file totals match du minus the directories (gdu writes no directory sizes)', { skip: !has('gdu') && 'gdu not installed' }, async () => {
    const gtree = join(tmp, 'gtree');
    mkdirSync(join(gtree, 'x', 'y'), { recursive: true });
    writeFileSync(join(gtree, 'one'), Buffer.alloc(1234, 1));
    writeFileSync(join(gtree, 'x', 'two'), Buffer.alloc(99999, 1));
    writeFileSync(join(gtree, 'x', 'y', 'three\nlines "q" \\'), 'abc');
    writeFileSync(Buffer.concat([Buffer.from(gtree + '/'), weird]), 'raw');
    symlinkSync('one', join(gtree, 'sym'));
    const out = join(tmp, 'gdu.json');
    execFileSync('gdu', ['-n', '-p', '-o', out, gtree], { stdio: 'ignore' });
    const r = new Recorder();
    const info = await importExport(out, r);
    assert.match(info.producer, /^gdu /);
    assert.notEqual(info.meta?.x_gduCumulative, true);
    assert.equal(r.events[0].name.toString(), gtree);

    let dirA = 0;
    let dirD = 0;
    for (const d of [gtree, join(gtree, 'x'), join(gtree, 'x', 'y')]) {
      const st = lstatSync(d);
      dirA += st.size;
      dirD += st.blocks * 512;
    }
    const t = r.totals();
    assert.equal(t.asize, du(gtree, '-sb') - dirA);
    assert.equal(t.dsize, du(gtree, '-sB1') - dirD);
    assert.equal(r.events.filter((e) => e.ev === 'enter').length, 3);
    assert.equal(r.events.find((e) => e.name.toString() === 'sym')?.type, EntryType.Other);
    assert.ok(r.events.some((e) => e.name.toString() === 'three\nlines "q" \\'));
    // gdu replaces invalid UTF-8 with U+FFFD (lossy): "non-" + 2 x EF BF BD
    assert.ok(r.events.some((e) => e.name.equals(Buffer.from('non-\ufffd\ufffd'))));
  });
});

// ---------------------------------------------------------------------------------------------
// fixtures

const FEATURES_EXPECTED = [
  'enter Dir /srv/data a4096 d4096 dev2049 ino2 u0 g0 m40755 t1699999999',
  'add File plain.txt a1000 d4096 dev2049 ino11 u1000 g1000 m100644 t1690000000',
  `add File ${fmtName(Buffer.from('esc "q" \\ / \b\f\n\r\t end'))} a1 d4096 dev2049`,
  `add File ${fmtName(Buffer.from('\u00e9t\u00c9 \u{1f600} \u20ac'))} a2 d0 dev2049`,
  `add File ${fmtName(Buffer.from([0x72, 0x61, 0x77, 0x2d, 0xff, 0xfe, 0x2d, 0xc3, 0xa9]))} a3 d4096 dev2049`,
  'add File link-a a500 d4096 dev2049 ino77 n3',
  'add File link-b a500 d4096 dev2049 ino77 n2',
  'add Symlink symlink a7 d0 dev2049 m120777',
  'add Other fifo a0 d0 dev2049',
  'add Other sock a0 d0 dev2049 m140755',
  'add File unstat a0 d0 dev2049 ERR',
  'add File skipped.log a0 d0 dev2049 X:pattern',
  'add Dir mnt a0 d0 dev2050 X:otherfs',
  'add Dir old-mnt a0 d0 dev2049 X:otherfs',
  'add Dir proc a0 d0 dev2049 X:kernfs',
  'add Dir fw a0 d0 dev2049 X:frmlnk',
  'add File weird a0 d0 dev2049 X:pattern',
  'add File unknown-keys a9 d0 dev2049',
  'enter Dir sub a4096 d4096 dev2051',
  'add File on-other-dev a10 d4096 dev2051',
  'enter Dir unreadable-with-children a4096 d4096 dev2051 ERR',
  'add File got-this a5 d4096 dev2051',
  'leave',
  'add Dir unreadable-empty a4096 d4096 dev2051 ERR',
  'add Dir excluded-dir-array a0 d0 dev2051 X:pattern',
  'enter Dir empty a4096 d4096 dev2051',
  'leave',
  'leave',
  'add File last a4 d4096 dev2049',
  'leave',
];

describe('fixture: ncdu2-features.json', () => {
  const data = fixture('ncdu2-features.json');

  it('decodes every key, escape, surrogate pair, raw byte and entry kind', async () => {
    const r = new Recorder();
    const info = await importExport(join(FIX, 'ncdu2-features.json'), r);
    assert.deepEqual(r.lines(), FEATURES_EXPECTED);
    assert.equal(r.finishCalls, 1);
    assert.deepEqual(info, {
      timestamp: 1700000000,
      producer: 'ncdu 2.4',
      incomplete: false,
      meta: {
        progname: 'ncdu',
        progver: '2.4',
        timestamp: 1700000000,
        x_owner: { '1000': 'alice' },
        x_list: [1, 2.5, -3, true, null, 's\u00e9'],
      },
    });
    assert.deepEqual(r.info, info);
  });

  it('gives the same events for any chunking (every 2-way split, 1-byte chunks, odd sizes)', async () => {
    const whole = (await importBuf(data)).lines();
    assert.deepEqual(whole, FEATURES_EXPECTED);
    for (let cut = 1; cut < data.length; cut++) {
      const r = new Recorder();
      await importExport(Readable.from([data.subarray(0, cut), data.subarray(cut)]), r);
      assert.deepEqual(r.lines(), whole, `split at ${cut}`);
    }
    assert.deepEqual((await importBuf(data, 1)).lines(), whole);
    assert.deepEqual((await importBuf(data, [3, 1, 7, 2, 13, 5])).lines(), whole);
  });

  it('rejects the export cut at every byte with an ImportError at the cut offset', async () => {
    const end = data.lastIndexOf(0x5d) + 1; // cutting only trailing whitespace leaves a valid export
    for (let cut = 0; cut < end; cut++) {
      const err = await importError(data.subarray(0, cut));
      if (cut === 0) assert.match(err.message, /empty input/);
      else {
        assert.match(err.message, /^unexpected end of input at byte \d+: the export is truncated$/, `cut ${cut}`);
        assert.equal(err.offset, cut);
      }
    }
    await importBuf(data.subarray(0, end)); // and the uncut export is fine
  });

  it('reads gzip input, single and multi-member, from a file and from a stream', async () => {
    const gz = gzipSync(data);
    assert.deepEqual((await importBuf(gz)).lines(), FEATURES_EXPECTED);
    assert.deepEqual((await importBuf(gz, 1)).lines(), FEATURES_EXPECTED);
    const multi = Buffer.concat([gzipSync(data.subarray(0, 100)), gzipSync(data.subarray(100, 900)), gzipSync(data.subarray(900))]);
    assert.deepEqual((await importBuf(multi, 37)).lines(), FEATURES_EXPECTED);
    const dir = mkdtempSync(join(tmpdir(), 'diskblame-gz-'));
    try {
      const f = join(dir, 'export.json.gz');
      writeFileSync(f, multi);
      const r = new Recorder();
      const info = await importExport(f, r);
      assert.deepEqual(r.lines(), FEATURES_EXPECTED);
      assert.equal(info.producer, 'ncdu 2.4');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rejects truncated, corrupt and padded gzip with an ImportError', async () => {
    const gz = gzipSync(data);
    for (let cut = 2; cut < gz.length; cut += 7) {
      const err = await importError(gz.subarray(0, cut));
      assert.match(err.message, /truncated|decompressed stream/, `cut ${cut}: ${err.message}`);
    }
    const bad = Buffer.from(gz);
    bad[Math.floor(bad.length / 2)] ^= 0x55;
    assert.match((await importError(bad)).message, /gzip|decompressed stream/);
    const crc = Buffer.from(gz);
    crc[crc.length - 6] ^= 0xff; // CRC32 of the trailer
    assert.match((await importError(crc)).message, /^invalid gzip data after byte \d+ of the decompressed stream: /);
    const garbage = Buffer.concat([gz, Buffer.from('garbage')]);
    assert.match((await importError(garbage)).message, /invalid gzip data/);
    const notGzip = Buffer.from([0x1f, 0x8b, 0x00, 0x00, 0x00]);
    assert.match((await importError(notGzip)).message, /gzip/);
    // decompressed offsets: a corrupt export inside gzip names the decompressed position
    const err = await importError(gzipSync('[1,2,{},[{"name":"/x"} x]]'));
    assert.match(err.message, /at byte 23 of the decompressed stream/);
    assert.equal(err.offset, 23);
  });
});

// ---------------------------------------------------------------------------------------------
// gdu 5.37+ cumulative sizes

describe('gdu 5.37+ cumulative directory sizes', () => {
  it('converts cumulative directory sizes to own sizes', async () => {
    const r = new Recorder();
    const info = await importExport(join(FIX, 'gdu-5.37-cumulative.json'), r);
    assert.deepEqual(r.lines(), [
      'enter Dir /srv/www a0 d0 dev0 t1760000000',
      'enter Dir logs a0 d0 dev0 t1759999000',
      'add File a.log a1000 d4096 dev0 t1759999000',
      'add File b.log a2000 d4096 dev0 t1759998000',
      'leave',
      'enter Dir empty a0 d0 dev0 t1759990000', // gdu's empty-directory marker: 512 / 0 / items 1
      'leave',
      'enter Dir summarized a10000 d12288 dev0 t1759990000', // childless summary: keeps its totals
      'leave',
      'add File c.bin a12 d4096 dev0 ino4242 n2 t1759990000',
      'add File hl2 a12 d4096 dev0 ino4242 n2 t1759990000',
      'leave',
    ]);
    assert.equal(info.producer, 'gdu v5.37.0');
    assert.equal(info.meta?.x_gduCumulative, true);
    const t = r.totals();
    // gdu's root total is 13524 / 24576: the same, except the fake 512 bytes of the empty directory
    assert.equal(t.asize, 13524 - 512);
    assert.equal(t.dsize, 24576);
  });

  it('leaves directory sizes alone for other producers, even with an items key', async () => {
    const r = await importBuf(MINI('[{"name":"/r","asize":4096,"dsize":4096,"items":3},[{"name":"d","asize":100,"items":2},{"name":"f","asize":5}]]', '{"progname":"ncdu","progver":"2.9"}'));
    assert.deepEqual(r.lines(), ['enter Dir /r a4096 d4096 dev0', 'enter Dir d a100 d0 dev0', 'add File f a5 d0 dev0', 'leave', 'leave']);
    assert.equal(r.info?.meta?.x_gduCumulative, undefined);
  });

  it('leaves gdu exports without items (before 5.37) alone', async () => {
    const r = await importBuf(fixture('gdu-5.37-cumulative.json').toString().replace(/,"items":\d+/g, ''));
    assert.equal(r.info?.meta?.x_gduCumulative, undefined);
    assert.equal(r.lines()[1], 'enter Dir logs a3000 d8192 dev0 t1759999000');
  });
});

// ---------------------------------------------------------------------------------------------
// errors

describe('errors', () => {
  const R = '[{"name":"/r"}';
  const corrupt: [string, RegExp][] = [
    [MINI(`${R},{"name":"a" "asize":1}]`), /unexpected '"' at byte \d+, expected ',' or '}'/],
    [MINI(`${R},{"name":"a","asize":-1}]`), /invalid value for "asize" at byte \d+, expected a non-negative integer/],
    [MINI(`${R},{"name":"a","dsize":null}]`), /invalid value for "dsize"/],
    [MINI(`${R},{"name":"a","ino":"12"}]`), /invalid value for "ino"/],
    [MINI(`${R},{"name":"a","mtime":[1]}]`), /invalid value for "mtime"/],
    [MINI(`${R},{"name":7}]`), /invalid value for "name" at byte \d+, expected a string/],
    [MINI(`${R},{"name":"a","read_error":1}]`), /invalid value for "read_error"/],
    [MINI(`${R},{"name":"a","hlnkc":null}]`), /invalid value for "hlnkc"/],
    [MINI(`${R},{"asize":1}]`), /entry without a "name" at byte 24$/],
    [MINI(`${R},{"name":"a"},]`), /unexpected '\]' .* expected an entry/],
    [MINI(`${R},{"name":"a\\x"}]`), /invalid escape sequence/],
    [MINI(`${R},{"name":"a\\u12G4"}]`), /invalid escape sequence/],
    [MINI(`${R},{"name":"a\tb"}]`), /unexpected byte 0x09 at byte \d+, expected a string \(raw control character\)/],
    [MINI(`${R},{"name":"a","x":tru}]`), /expected true, false or null/],
    [MINI(`${R},{"name":"a","asize":01}]`), /unexpected '1'/],
    [MINI(`${R},{"name":"a","asize":1.}]`), /expected a digit/],
    [MINI(`${R},{"name":"a","x":{"a" 1}}]`), /expected ':'/],
    [MINI(`${R},{"name":"a","x":[1,]}]`), /expected a value/],
    [MINI(`${R},{"name":"a","x":[1}}]`), /expected ',' or '\]'/],
    [MINI(`${R},{"name":"a","x":{"k":1]}]`), /expected ',' or '}'/],
    [MINI(`${R},{"name":"a",}]`), /expected a key/],
    [MINI(`${R},"str"]`), /expected an entry/],
    [MINI(`${R},{"name":"a"}}`), /expected ',' or '\]'/],
    [MINI('[]'), /directory without an info object/],
    [MINI('["x"]'), /expected a directory info object/],
    [MINI('{"name":"/r"}'), /the root entry must be a directory/],
    [MINI(`${R}]`) + ' x', /trailing data after the export at byte \d+$/],
    [MINI(`${R}]`) + ']', /trailing data/],
    [MINI(`${R}]`) + '[', /trailing data/],
    ['[1,2,{}]', /not an ncdu JSON export: no directory tree/],
    ['[1,2,{},', /truncated/],
  ];
  for (const [input, re] of corrupt) {
    it(`corrupt: ${input.replace(/\n/g, ' ').slice(0, 70)}`, async () => {
      const err = await importError(input);
      assert.match(err.message, re);
      assert.ok(err.offset >= 0 && err.offset <= Buffer.byteLength(input), 'offset within the input');
      // the same error, at the same offset, however the input is chunked
      const err1 = await importError(input, 1);
      assert.equal(err1.message, err.message);
    });
  }

  it('names the offset of a syntax error exactly', async () => {
    const s = MINI(`${R},{"name":"a"} {"name":"b"}]`);
    const err = await importError(s);
    assert.equal(err.offset, s.indexOf(' {"name":"b"') + 1);
    assert.equal(err.message, `corrupt export: unexpected '{' at byte ${err.offset}, expected ',' or ']'`);
  });

  it('rejects a wrong major version', async () => {
    const err = await importError(MINI(R + ']').replace('[1,2', '[2,0'));
    assert.equal(err.message, 'unsupported export format major version 2 at byte 1 (only major version 1 is supported)');
    assert.match((await importError('[0,2,{},[{"name":"/"}]]')).message, /major version 0/);
    assert.match((await importError('[1.5,2,{},[{"name":"/"}]]')).message, /major version 1.5/);
  });

  const notExports: [string, Uint8Array | string, RegExp][] = [
    ['empty', '', /^empty input/],
    ['whitespace', '  \n ', /not an ncdu JSON export/],
    ['a JSON object', '{"a":[1,2]}', /^not an ncdu JSON export: expected '\[', found '\{' at byte 0$/],
    ['a JSON array of numbers', '[1,2,3]', /expected the metadata object, found '3' at byte 5/],
    ['a JSON array of strings', '["a","b"]', /not an ncdu JSON export: expected the format major version number at byte 1/],
    ['an empty array', '[]', /not an ncdu JSON export/],
    ['[1]', '[1]', /not an ncdu JSON export: expected ',' after the format major version/],
    ['text', 'hello world', /not an ncdu JSON export: expected '\[', found 'h'/],
    ['binary', Buffer.from([0x00, 0x01, 0x02, 0xfe, 0xff]), /not an ncdu JSON export: expected '\[', found byte 0x00 at byte 0/],
    ['ncdu binary', Buffer.concat([Buffer.from('\xbfncduEX1', 'latin1'), Buffer.alloc(64, 7)]), /^ncdu binary export format is not supported, export with ncdu -o in JSON/],
    ['zstd', Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x04, 0x00]), /zstd-compressed exports are not supported/],
  ];
  for (const [what, input, re] of notExports) {
    it(`not an export: ${what}`, async () => {
      assert.match((await importError(input)).message, re);
      assert.match((await importError(input, 1)).message, re);
    });
  }

  it('random bytes never escape as anything but ImportError', async () => {
    let seed = 12345;
    const rnd = (): number => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 16) & 0xff;
    const base = fixture('ncdu2-features.json');
    for (let k = 0; k < 300; k++) {
      const b = Buffer.from(base);
      for (let j = 0; j < 3; j++) b[(rnd() << 8 | rnd()) % b.length] = rnd();
      try {
        await importBuf(b, 64);
      } catch (err) {
        assert.ok(err instanceof ImportError, String(err));
      }
    }
  });

  it('wraps file system errors', async () => {
    const r = new Recorder();
    const missing = join(tmpdir(), 'diskblame-no-such-dir', 'var.json');
    await assert.rejects(importExport(missing, r), (err: unknown) => {
      assert.ok(err instanceof ImportError);
      assert.equal(err.message, `cannot open ${missing}: no such file or directory`);
      return true;
    });
    await assert.rejects(importExport(missing, r, { label: 'var.json' }), { message: 'cannot open var.json: no such file or directory' });
    // refused by its type, unopened (a device too: /dev/null is not an empty export)
    await assert.rejects(importExport(tmpdir(), r), (err: unknown) => err instanceof ImportError && /^cannot read .*: not a regular file \(a directory\)$/.test(err.message));
    assert.equal(r.finishCalls, 0);
  });

  it('lets errors thrown by the sink propagate unchanged', async () => {
    const boom = new Error('sink is full');
    const sink = new Recorder();
    sink.addEntry = () => {
      throw boom;
    };
    await assert.rejects(importExport(join(FIX, 'ncdu2-features.json'), sink), (err) => err === boom);
    await assert.rejects(importExport(Readable.from([gzipSync(fixture('ncdu2-features.json'))]), sink), (err) => err === boom);
    const late = new Recorder();
    late.finish = async () => {
      throw boom;
    };
    await assert.rejects(importExport(join(FIX, 'gdu-5.37-cumulative.json'), late), (err) => err === boom);
  });
});

// ---------------------------------------------------------------------------------------------
// structure, metadata, scale

describe('structure and metadata', () => {
  it('imports a 10,000-level deep export without recursion', async () => {
    const depth = 10_000;
    const parts = ['[1,2,{"progname":"deep"},\n[{"name":"/deep"}'];
    for (let d = 1; d < depth; d++) parts.push(',[{"name":"d","asize":1}');
    parts.push(',{"name":"bottom","asize":7,"x":' + '['.repeat(depth) + ']'.repeat(depth) + '}');
    parts.push(']'.repeat(depth) + ']');
    const r = await importBuf(parts.join(''), 4096);
    assert.equal(r.maxDepth, depth);
    assert.equal(r.depth, 0);
    assert.equal(r.events.filter((e) => e.ev === 'enter').length, depth);
    assert.equal(r.events.filter((e) => e.ev === 'leave').length, depth);
    assert.equal(r.events[depth].name.toString(), 'bottom');
    assert.equal(r.totals().asize, depth - 1 + 7);
    assert.equal(r.info?.producer, 'deep');
  });

  it('reads the metadata: producer, timestamp, incomplete, all keys', async () => {
    const r = await importBuf(MINI('[{"name":"/"}]', '{"progname":"diskblame","progver":"0.1.0","timestamp":1700000123.9,"x_incomplete":true,"x_hosts":{"a":["b",{"c":null}]},"x_name":"caf\\u00e9 \\ud83d\\ude00"}'));
    assert.deepEqual(r.info, {
      timestamp: 1700000123,
      producer: 'diskblame 0.1.0',
      incomplete: true,
      meta: {
        progname: 'diskblame',
        progver: '0.1.0',
        timestamp: 1700000123.9,
        x_incomplete: true,
        x_hosts: { a: ['b', { c: null }] },
        x_name: 'caf\u00e9 \u{1f600}',
      },
    });
    const bare = await importBuf(MINI('[{"name":"/"}]'));
    assert.deepEqual(bare.info, { timestamp: 0, producer: 'unknown', incomplete: false, meta: {} });
    assert.deepEqual(bare.lines(), ['enter Dir / a0 d0 dev0', 'leave']);
    const nover = await importBuf(MINI('[{"name":"/"}]', '{"progname":"x","x_incomplete":1,"__proto__":{"polluted":true}}'));
    assert.equal(nover.info?.producer, 'x');
    assert.equal(nover.info?.incomplete, false);
    assert.equal(Object.getPrototypeOf(nover.info?.meta), Object.prototype);
    assert.deepEqual(Object.getOwnPropertyDescriptor(nover.info?.meta, '__proto__')?.value, { polluted: true });
  });

  it('decodes \\u escapes: surrogate pairs to 4-byte UTF-8, lone surrogates to U+FFFD', async () => {
    const r = await importBuf(MINI('[{"name":"/"},{"name":"\\ud83d\\ude00\\uD834\\uDD1E"},{"name":"a\\ud800b\\udc00c\\ud800"},{"name":"\\ud800\\u0041"},{"name":"\\u0000\\u007f\\u0080\\u07ff\\u0800\\uffff"}]'), 1);
    const names = r.events.slice(1, 5).map((e) => e.name);
    assert.deepEqual(names[0], Buffer.from('\u{1f600}\u{1d11e}'));
    assert.deepEqual(names[1], Buffer.from('a\ufffdb\ufffdc\ufffd'));
    assert.deepEqual(names[2], Buffer.from('\ufffdA'));
    assert.deepEqual(names[3], Buffer.from([0x00, 0x7f, 0xc2, 0x80, 0xdf, 0xbf, 0xe0, 0xa0, 0x80, 0xef, 0xbf, 0xbf]));
  });

  it('accepts a byte order mark, whitespace anywhere, and skips extra top-level elements', async () => {
    const s = '\ufeff [ 1 , 2 , { "progname" : "p" } ,\r\n\t[ { "name" : "/r" , "asize" : 1 } , { "name" : "f" } ] , {"x":[1]} , [2] ] \n';
    const r = await importBuf(s, 1);
    assert.deepEqual(r.lines(), ['enter Dir /r a1 d0 dev0', 'add File f a0 d0 dev0', 'leave']);
    assert.equal(r.info?.producer, 'p');
  });

  it('handles huge tokens split over many chunks', async () => {
    // the longest name there may be, and a skipped value of 3 MB (limits: test/import-fuzz)
    const name = 'n'.repeat(4096);
    const big = 'x'.repeat(3_000_000);
    const s = MINI(`[{"name":"/"},{"name":"${name}","x_blob":"${big}","asize":5}]`);
    const r = await importBuf(s, 1000);
    assert.equal(r.events[1].name.length, name.length);
    assert.equal(r.events[1].asize, 5);
  });

  it('handles numbers: exact integers up to 2^64 - 1 (bigints from 2^53), and a huge minor version', async () => {
    const r = await importBuf('[1,99,{},[{"name":"/"},{"name":"a","asize":9007199254740991,"dsize":9007199254740993,"mtime":1700000000},{"name":"b","asize":18446744073709551615}]]');
    assert.deepEqual(r.lines().slice(1, 3), ['add File a a9007199254740991 d9007199254740993 dev0 t1700000000', 'add File b a18446744073709551615 d0 dev0']);
    assert.equal(r.events[1].asize, 9007199254740991, 'a number while safe');
    assert.equal(r.events[1].dsize, 9007199254740993n, 'a bigint from 2^53');
    assert.equal(r.events[2].asize, 18446744073709551615n);
  });

  it('streams a 1M-entry (~60 MB) export with bounded memory', async () => {
    const dirs = 1000;
    const perDir = 1000;
    async function* gen(): AsyncGenerator<Buffer> {
      yield Buffer.from('[1,2,{"progname":"ncdu","progver":"1.18","timestamp":1700000000},\n[{"name":"/big","asize":4096,"dsize":4096,"dev":2049}');
      for (let d = 0; d < dirs; d++) {
        let s = `,\n[{"name":"dir-${d}","asize":4096,"dsize":4096}`;
        for (let f = 0; f < perDir; f++) s += `,\n{"name":"file-${f}.dat","asize":${f},"dsize":4096,"mtime":1700000000}`;
        yield Buffer.from(s + ']');
      }
      yield Buffer.from(']]\n');
    }
    let count = 0;
    let asize = 0;
    let maxHeap = 0;
    const heap0 = process.memoryUsage().heapUsed;
    const sink: Sink = {
      enterDir(e) {
        count++;
        asize += e.asize;
      },
      addEntry(e) {
        count++;
        asize += e.asize;
        if (count % 50_000 === 0) maxHeap = Math.max(maxHeap, process.memoryUsage().heapUsed);
      },
      leaveDir() {},
      finish() {},
    };
    const t0 = performance.now();
    await importExport(Readable.from(gen()), sink);
    const ms = performance.now() - t0;
    assert.equal(count, 1 + dirs + dirs * perDir);
    assert.equal(asize, 4096 * (dirs + 1) + dirs * ((perDir * (perDir - 1)) / 2));
    assert.ok(maxHeap - heap0 < 64e6, `heap grew by ${((maxHeap - heap0) / 1e6).toFixed(1)} MB`);
    // how long it took is reported, not asserted (a loaded machine says more about its load)
    console.log(`# 1M-entry import: ${Math.round(ms)} ms`);
  });

  it("reads stdin for '-'", { skip: process.platform === 'win32' }, () => {
    const code = `import { importExport } from ${JSON.stringify(join(ROOT, 'src/import/ncdu-reader.ts'))};
      let n = 0; const info = await importExport('-', { enterDir() { n++; }, addEntry() { n++; }, leaveDir() {}, finish() {} });
      process.stdout.write(info.producer + ' ' + n);`;
    const res = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
      input: gzipSync(fixture('ncdu2-features.json')),
      cwd: ROOT,
      encoding: 'utf8',
    });
    assert.equal(res.stderr, '');
    assert.equal(res.stdout, `ncdu 2.4 ${FEATURES_EXPECTED.filter((l) => l !== 'leave').length}`);
  });
});
