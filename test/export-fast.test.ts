/**
 * The fast paths of the export writer and reader against plain references:
 * - the writer builds its text as bytes (no string per entry): the same text as a plain
 *   string-built serialization of the format (written here, as the writer was before), for
 *   hostile names, bigints past 2^53, fractions, negative ids, every flag;
 * - a .gz export past one piece is gzip'd and written on another thread: the same file, byte for
 *   byte, as on one thread; a write that fails there is one line and leaves no temp file;
 * - every gzip member is libdeflate's when the export addon has it (zlib's otherwise), on both
 *   threads, in the CLI's exports and snapshots too, and gunzips to the text written without the addon;
 * - the reader's quick keys, names and integers give the same values as the long way, whatever the
 *   chunking, and refuse the same inputs.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import { ExportError, NcduWriter } from '../src/export/ncdu-writer.js';
import { importExport } from '../src/import/ncdu-reader.js';
import { EntryType, EXCLUDED_NAMES, Excluded, emptyEntry, type Entry, type Sink } from '../src/model/entry.js';
import { rng } from '../src/forecast/synth.js';
import { replayTree, Tree } from '../src/tree/tree.js';
import { CLI, have, isRoot, run, runCliOk } from './helpers/run.js';
import { buildRichTree, makeManyFiles, makeTmp, rmrf } from './helpers/fs.js';
import { loadExport, scanTree } from './helpers/tree.js';
import { ncduParseAddon } from '../src/import/native-parse.js';
import { assertMadeBy, libdeflateDevInstalled } from './helpers/gzip.js';

/** The JSON string of raw bytes as ncdu writes it (only control bytes, '"', '\\' and 0x7f escaped). */
function refString(b: Uint8Array): string {
  let s = '"';
  for (const c of b) {
    if (c === 0x22 || c === 0x5c) s += '\\' + String.fromCharCode(c);
    else if (c === 0x0a) s += '\\n';
    else if (c === 0x09) s += '\\t';
    else if (c < 0x20 || c === 0x7f) s += '\\u00' + c.toString(16).padStart(2, '0');
    else s += String.fromCharCode(c); // latin1: one char a byte
  }
  return s + '"';
}

/** The reference serialization of one info object (the format as the writer wrote it with strings). */
function refInfo(e: Entry, isDir: boolean, parentDev: number, extended: boolean, dirInodes: boolean): string {
  let s = '{"name":' + refString(e.name);
  const counted = e.excluded === Excluded.None;
  const floor = (v: number | bigint) => (typeof v === 'number' ? Math.floor(v) : v);
  if (counted && e.asize > 0) s += `,"asize":${floor(e.asize)}`;
  if (counted && e.dsize > 0) s += `,"dsize":${floor(e.dsize)}`;
  if (isDir && e.dev !== parentDev) s += `,"dev":${e.dev}`;
  if (isDir && dirInodes && e.ino) s += `,"ino":${e.ino}`;
  if (!isDir && e.nlink > 1 && counted) s += `,"ino":${e.ino},"hlnkc":true,"nlink":${e.nlink}`;
  if (e.readError) s += ',"read_error":true';
  if (e.excluded !== Excluded.None) s += `,"excluded":"${EXCLUDED_NAMES[e.excluded]}"`;
  if (e.type === EntryType.Symlink || e.type === EntryType.Other) s += ',"notreg":true';
  if (extended) {
    if (e.uid >= 0 && e.uid < 0x80000000) s += `,"uid":${e.uid}`;
    if (e.gid >= 0 && e.gid < 0x80000000) s += `,"gid":${e.gid}`;
    if (e.mode >= 0) s += `,"mode":${e.mode}`;
    if (e.mtime >= 0) s += `,"mtime":${e.mtime}`;
  }
  return s + '}';
}

/** A sink that writes the reference text of the events (after the writer's own head). */
class RefSink implements Sink {
  text = '';
  private devs: number[] = [];
  constructor(
    private readonly extended: boolean,
    private readonly dirInodes: boolean,
  ) {}
  private parentDev(): number {
    return this.devs.length ? this.devs[this.devs.length - 1] : -1;
  }
  enterDir(d: Entry): void {
    this.text += ',\n[' + refInfo(d, true, this.parentDev(), this.extended, this.dirInodes);
    this.devs.push(d.dev);
  }
  addEntry(e: Entry): void {
    if (e.type === EntryType.Dir) this.text += ',\n[' + refInfo(e, true, this.parentDev(), this.extended, this.dirInodes) + ']';
    else this.text += ',\n' + refInfo(e, false, this.parentDev(), this.extended, this.dirInodes);
  }
  leaveDir(): void {
    this.text += ']';
    this.devs.pop();
  }
  finish(): void {
    this.text += ']\n';
  }
}

const NUMS: (number | bigint)[] = [
  0, 1, 9, 10, 99, 100, 4095, 4096, 2 ** 31 - 1, 2 ** 31, 2 ** 32, 1795969668, 999999999999999, 1e15, 2 ** 53 - 1, 2 ** 53,
  2 ** 53 + 2, 1e21, 1.5, 7.999, -1, -5, 9007199254740993n, 18446744073709551615n,
];

/** NUMS that a tree keeps as they are (whole, not negative) */
const WHOLE = NUMS.filter((v) => v >= 0 && (typeof v === 'bigint' || Number.isInteger(v)));

/** Feed `count` pseudo-random events (names of any bytes, numbers of every kind in `nums`) to the sinks. */
function feed(sinks: Sink[], seed: number, count: number, nums = NUMS): void {
  const r = rng(seed);
  const pick = <T>(a: readonly T[]): T => a[Math.floor(r() * a.length)];
  const num = () => (r() < 0.6 ? Math.floor(r() * 10 ** Math.floor(r() * 17)) : pick(nums));
  const name = () => {
    const b = new Uint8Array(Math.floor(r() * 40));
    for (let i = 0; i < b.length; i++) b[i] = r() < 0.85 ? 0x61 + Math.floor(r() * 26) : Math.floor(r() * 256);
    return b;
  };
  const mk = (type: EntryType): Entry => {
    const e = emptyEntry();
    e.name = name();
    e.type = type;
    e.asize = num();
    e.dsize = num();
    e.dev = r() < 0.9 ? 2049 : Math.floor(r() * 1e6);
    e.ino = num();
    e.nlink = r() < 0.8 ? 1 : Math.floor(r() * 5);
    e.mtime = Number(num());
    e.uid = Number(num());
    e.gid = Number(num());
    e.mode = Number(num());
    e.readError = r() < 0.05;
    e.excluded = r() < 0.9 ? Excluded.None : (Math.floor(r() * 5) as Excluded);
    return e;
  };
  const all = (f: (s: Sink) => void) => sinks.forEach(f);
  const root = mk(EntryType.Dir);
  all((s) => s.enterDir(root));
  let depth = 1;
  for (let i = 0; i < count; i++) {
    const x = r();
    if (x < 0.05) {
      const d = mk(EntryType.Dir);
      all((s) => s.enterDir(d));
      depth++;
    } else if (x < 0.09 && depth > 1) {
      all((s) => s.leaveDir());
      depth--;
    } else {
      const e = mk(pick([EntryType.File, EntryType.File, EntryType.Dir, EntryType.Symlink, EntryType.Other]));
      all((s) => s.addEntry(e));
    }
  }
  while (depth-- > 0) all((s) => s.leaveDir());
  all((s) => void s.finish({ timestamp: 0, producer: 'test', incomplete: false }));
}

/** A tree of `count` events of feed() with numbers a tree keeps (WHOLE). */
function fedTree(seed: number, count: number): Tree {
  const tree = new Tree();
  // directories entered are not excluded (a scan descends only into those)
  const into: Sink = {
    enterDir: (d) => tree.enterDir({ ...d, excluded: Excluded.None }),
    addEntry: (e) => tree.addEntry(e),
    leaveDir: () => tree.leaveDir(),
    finish: (i) => tree.finish(i),
  };
  feed([into], seed, count, WHOLE);
  return tree;
}

/** the library the export addon gzips with ('libdeflate 1.14'), or null: zlib */
const LIBDEFLATE = ncduParseAddon()?.gzip ?? null;

/** The export without its head (`[1,2,{…}`: the metadata holds the time), as latin1 text. */
function body(b: Buffer): string {
  const s = b.toString('latin1');
  const at = s.indexOf('\n[');
  assert.ok(at > 0, 'no tree in the export');
  return s.slice(at - 1);
}

describe('export writer: bytes, not strings; gzip on another thread', () => {
  let work = '';
  before(() => {
    work = makeTmp('export-fast');
  });
  after(() => rmrf(work));

  for (const [extended, dirInodes] of [
    [true, false],
    [false, true],
  ]) {
    it(`the text equals a plain serialization of the format (extended ${extended}, directory inodes ${dirInodes})`, () => {
      const file = path.join(work, `plain-${extended}-${dirInodes}.json`);
      const w = new NcduWriter(file, { extended, dirInodes });
      const ref = new RefSink(extended, dirInodes);
      feed([w, ref], 7 + Number(extended), 30_000);
      const got = fs.readFileSync(file);
      assert.equal(w.bytesWritten, got.length);
      assert.equal(body(got), ref.text);
    });
  }

  it('a .gz export past one piece: the same bytes with and without the thread, several members, gunzips to the plain text', () => {
    const a = path.join(work, 'threaded.json.gz');
    const b = path.join(work, 'one-thread.json.gz');
    const wa = new NcduWriter(a, { meta: { k: 1 } });
    const wb = new NcduWriter(b, { meta: { k: 1 }, gzipThread: false });
    const ref = new RefSink(true, false);
    feed([wa, wb, ref], 11, 60_000); // about 5 MiB of text
    const za = fs.readFileSync(a);
    const zb = fs.readFileSync(b);
    assert.equal(wa.bytesWritten, za.length);
    assert.equal(wb.bytesWritten, zb.length);
    const plain = gunzipSync(za);
    assert.ok(plain.length > 3 * (1 << 20), `${plain.length} bytes of text: several pieces`);
    // the whole files byte for byte, when both heads carry the same second (their timestamp)
    if (plain.equals(gunzipSync(zb))) assert.ok(za.equals(zb), 'the threaded file differs from the one-thread file');
    else assert.equal(body(plain), body(gunzipSync(zb)));
    assert.equal(body(plain), ref.text);
    // each piece a member, made by the library the addon says (the gzip thread's instance of it too)
    const members = assertMadeBy(za, LIBDEFLATE ? 'libdeflate' : 'zlib', 'threaded');
    assert.ok(members >= 4, `${members} gzip members`);
    assertMadeBy(zb, LIBDEFLATE ? 'libdeflate' : 'zlib', 'one thread');
    assert.deepEqual(fs.readdirSync(work).filter((n) => n.endsWith('.tmp')), [], 'no temp file left');
  });

  it('writeTree (names from allNames, no view per entry) writes the bytes replayTree writes, the counter counts every entry', async () => {
    for (const [seed, gz] of [
      [3, false],
      [4, true],
    ] as const) {
      const tree = fedTree(seed, 60_000);
      const a = path.join(work, `replayed-${seed}.json${gz ? '.gz' : ''}`);
      const b = path.join(work, `written-${seed}.json${gz ? '.gz' : ''}`);
      const wa = new NcduWriter(a, { meta: { k: 1 } });
      let events = 0;
      const counted: Sink = {
        enterDir: (d) => (events++, wa.enterDir(d)),
        addEntry: (e) => (events++, wa.addEntry(e)),
        leaveDir: () => wa.leaveDir(),
        finish: (i) => wa.finish(i),
      };
      await replayTree(tree, counted);
      const counter = { entries: 0, ticks: 0, tick: () => counter.ticks++ };
      const wb = new NcduWriter(b, { meta: { k: 1 } });
      wb.writeTree(tree, tree.allNames(), counter);
      assert.equal(events, tree.count);
      assert.equal(counter.entries, events);
      assert.equal(counter.ticks, Math.floor(events / 16384));
      const [za, zb] = [fs.readFileSync(a), fs.readFileSync(b)];
      assert.equal(wb.bytesWritten, zb.length);
      const [pa, pb] = gz ? [gunzipSync(za), gunzipSync(zb)] : [za, zb];
      assert.ok(pa.length > (gz ? 3 << 20 : 1 << 20), `${pa.length} bytes of text`);
      // whole files byte for byte when both heads carry the same second (their timestamp)
      if (pa.equals(pb)) assert.ok(za.equals(zb), 'the same text, other bytes');
      else assert.equal(body(pb), body(pa));
    }
  });

  it("writeTree's native text (ncduparse.c writeText) is the JavaScript writer's, byte for byte and member for member: hostile names, bigints, hard links, errors, exclusions, deep and long-named paths, scanned and imported trees", async (t) => {
    if (typeof ncduParseAddon()?.writeText !== 'function') return t.skip('the addon is not built: only the JavaScript writer runs');
    const trees: [string, Tree][] = [];
    for (const seed of [21, 22]) {
      const tree = fedTree(seed, 40_000);
      trees.push([`random ${seed} (bigints, raw mtimes, scattered children)`, tree]);
    }
    // a chain of directories whose escaped names fill the buffer with no entry between them (the
    // steps the JavaScript writer splits with a flush), a name of 4,000 control bytes, hard links
    // with a bigint inode
    const deep = new Tree();
    const d = emptyEntry();
    d.type = EntryType.Dir;
    d.name = Buffer.from('/deep');
    d.dev = 7;
    deep.enterDir(d);
    for (let i = 0; i < 1500; i++) {
      d.name = Buffer.alloc(200, i % 32);
      d.mtime = i;
      d.dev = i % 300 === 0 ? 8 + i : d.dev;
      deep.enterDir(d);
    }
    const f = emptyEntry();
    f.name = Buffer.alloc(4000, 0x1f);
    f.asize = 2n ** 64n;
    f.dsize = 4096;
    deep.addEntry(f);
    f.name = Buffer.from('link');
    f.asize = 10;
    f.nlink = 3;
    f.ino = 2n ** 60n + 1n;
    deep.addEntry(f);
    f.ino = 12;
    f.name = Buffer.from('link2');
    deep.addEntry(f);
    for (let i = 0; i < 1501; i++) deep.leaveDir();
    deep.finish({ timestamp: 0, producer: 'test', incomplete: false });
    trees.push(['deep', deep]);
    // a real tree, scanned (consecutive children, the attribute and mtime tables) and read back
    const real = path.join(work, 'real');
    fs.mkdirSync(path.join(real, 'a', 'b'), { recursive: true });
    for (let i = 0; i < 3000; i++) fs.writeFileSync(path.join(real, i % 2 ? 'a' : 'a/b', `f${i}\n"\\\x7f`), 'x'.repeat(i % 5000));
    fs.writeFileSync(path.join(real, Buffer.from([0x66, 0xff, 0xfe]).toString('latin1')), 'x');
    fs.linkSync(path.join(real, 'a', 'f1\n"\\\x7f'), path.join(real, 'hard'));
    fs.symlinkSync('nowhere', path.join(real, 'sym'));
    const scanned = await scanTree(real, { exclude: ['f7*'] });
    trees.push(['scanned', scanned]);
    const file = path.join(work, 'real.json');
    new NcduWriter(file, {}).writeTree(scanned, scanned.allNames(), undefined, false);
    trees.push(['imported', await loadExport(file)]);

    // one clock for every write: the heads' timestamps (seconds) then agree, so whole files compare
    // (a retry while the second changed ran out on a loaded machine: 4 writes of the random tree)
    const now = Date.now;
    const frozen = now();
    Date.now = () => frozen;
    try {
      for (const [what, tree] of trees)
        for (const [extended, dirInodes] of [
          [true, false],
          [false, true],
        ]) {
          const names = tree.allNames();
          const out: Buffer[] = [];
          const counts: number[] = [];
          for (const native of [true, false]) {
            const z = path.join(work, `cmp-${native}.json.gz`);
            const counter = { entries: 0, tick: () => {} };
            new NcduWriter(z, { extended, dirInodes }).writeTree(tree, names, counter, native);
            out.push(fs.readFileSync(z));
            counts.push(counter.entries);
          }
          assert.equal(counts[0], counts[1], `${what}: entries counted`);
          const [a, b] = out.map((z) => gunzipSync(z));
          assert.equal(body(a), body(b), `${what} (extended ${extended}, directory inodes ${dirInodes}): the text`);
          assert.ok(out[0].equals(out[1]), `${what}: the gzip members`);
        }
    } finally {
      Date.now = now;
    }
  });

  it('abort() while the thread writes: no temp file, the earlier file under the name untouched', () => {
    const file = path.join(work, 'kept.json.gz');
    fs.writeFileSync(file, 'before');
    const w = new NcduWriter(file);
    const root = emptyEntry();
    root.name = Buffer.from('/r');
    root.type = EntryType.Dir;
    w.enterDir(root);
    const e = emptyEntry();
    for (let i = 0; i < 40_000; i++) {
      e.name = Buffer.from(`a-file-named-${i}`);
      e.asize = i;
      w.addEntry(e);
    }
    w.abort();
    assert.equal(fs.readFileSync(file, 'utf8'), 'before');
    assert.deepEqual(fs.readdirSync(work).filter((n) => n.startsWith('.kept')), [], 'no temp file left');
  });

  it('a write that fails on the thread (a full tmpfs): one ExportError line, no temp file', (t) => {
    if (!isRoot()) return t.skip('needs root to mount a tmpfs');
    const mnt = makeTmp('export-fast-tmpfs');
    const m = run('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', mnt]);
    if (m.code !== 0) {
      rmrf(mnt);
      return t.skip(`cannot mount a tmpfs: ${m.stderr.trim()}`);
    }
    try {
      const w = new NcduWriter(path.join(mnt, 'x.json.gz'), { gzipLevel: 1 });
      // random names: text that does not compress to nothing
      assert.throws(
        () => feed([w], 5, 200_000),
        (e: Error) => e instanceof ExportError && /^cannot write .*x\.json\.gz: no space left on the device$/.test(e.message) && !e.message.includes('\n'),
      );
      assert.deepEqual(fs.readdirSync(mnt), [], 'no temp file left');
    } finally {
      run('umount', [mnt]);
      rmrf(mnt);
    }
  });
});

describe('gzip: libdeflate when the export addon has it (export/gzip.ts), zlib otherwise', () => {
  let work = '';
  let tree = '';
  before(() => {
    work = makeTmp('export-gzip');
    tree = path.join(work, 'tree');
    fs.mkdirSync(tree);
    fs.mkdirSync(path.join(work, 'outside'));
    buildRichTree(tree, path.join(work, 'outside')); // hostile names, links, sparse files...
    fs.mkdirSync(path.join(tree, 'many'));
    makeManyFiles(path.join(tree, 'many'), 40_000); // ~3.5 MB of text: several pieces
  });
  after(() => rmrf(work));

  it('where libdeflate-dev is installed, the addon is built with it, and --version says which gzip', (t) => {
    const v = runCliOk(['--version']);
    const line = v.stdout.split('\n').find((l) => l.startsWith('gzip: '));
    assert.ok(line, v.stdout);
    assert.match(line, LIBDEFLATE ? /^gzip: libdeflate \d+\.\d+ \(linked into the export addon\)$/ : /^gzip: zlib [^ ]+ \(.+\)$/);
    const off = runCliOk(['--version'], { env: { ...process.env, DISKBLAME_DEBUG: '', DISKBLAME_NATIVE: '0' } });
    assert.match(off.stdout, /\ngzip: zlib [^ ]+ \(disabled by DISKBLAME_NATIVE=0\)\n$/);
    if (!libdeflateDevInstalled()) return t.skip('libdeflate-dev is not installed: zlib is right');
    if (process.env.DISKBLAME_NATIVE === '0' || ncduParseAddon() === null) return t.skip('no export addon');
    assert.match(LIBDEFLATE ?? 'none', /^libdeflate \d+\.\d+/, 'libdeflate-dev is there, but the export addon was built without it (scripts/build-native.mjs)');
    assert.equal(typeof ncduParseAddon()?.gzipPiece, 'function');
  });

  it("the CLI's multi-piece export and snapshot: every member made by the addon's library (zlib under DISKBLAME_NATIVE=0), the text the same; gzip, zcat and ncdu read them", () => {
    const off = { env: { ...process.env, DISKBLAME_DEBUG: '', DISKBLAME_NATIVE: '0' }, timeoutMs: 300_000 };
    const lib = LIBDEFLATE ? 'libdeflate' : 'zlib';
    // an export (the tsc build), with and without the addon
    const [a, b] = [path.join(work, 'a.json.gz'), path.join(work, 'b.json.gz')];
    runCliOk(['scan', tree, '-o', a, '--no-progress'], { timeoutMs: 300_000 });
    runCliOk(['scan', tree, '-o', b, '--no-progress'], off);
    const [za, zb] = [fs.readFileSync(a), fs.readFileSync(b)];
    assert.ok(assertMadeBy(za, lib, 'export') >= 3, 'several pieces');
    assertMadeBy(zb, 'zlib', 'export under DISKBLAME_NATIVE=0');
    const blank = (t: Buffer) => t.toString('latin1').replace(/"timestamp":\d+/, '');
    assert.equal(blank(gunzipSync(za)), blank(gunzipSync(zb)), 'the export text differs with and without the addon');
    // a snapshot (the bin: the bundle's pieces, its own addon path), with and without the addon
    const bin = path.join(path.dirname(CLI), '..', 'diskblame.cjs');
    const snap = (store: string, opts: object) => {
      const r = run(process.execPath, [bin, 'snapshot', tree, '--store', store, '--json', '--no-progress'], { timeoutMs: 300_000, ...opts });
      assert.equal(r.code, 0, r.stderr);
      return fs.readFileSync((JSON.parse(r.stdout) as { path: string }).path);
    };
    const sa = snap(path.join(work, 'store-a'), {});
    const sb = snap(path.join(work, 'store-b'), off);
    assert.ok(assertMadeBy(sa, lib, 'snapshot') >= 3, 'several pieces');
    assertMadeBy(sb, 'zlib', 'snapshot under DISKBLAME_NATIVE=0');
    assert.equal(body(gunzipSync(sa)), body(gunzipSync(sb)), 'the snapshot text differs with and without the addon');
    // the head, a member of its own written last into its room, and the entries after it
    const text = gunzipSync(sa).toString('latin1');
    assert.match(text, /^\[1,2,\{"progname":"diskblame"/);
    assert.ok(text.endsWith(']\n'));
    for (const f of [a, path.join(work, 'store-a', 'snapshots', fs.readdirSync(path.join(work, 'store-a', 'snapshots'))[0])]) {
      assert.equal(run('gzip', ['-t', f]).code, 0, `gzip -t ${f}`);
      assert.ok(run('zcat', [f]).stdoutBuf.equals(gunzipSync(fs.readFileSync(f))), `zcat ${f}`);
      if (have('ncdu')) {
        // (ncdu exports what it read: the last file of the last piece is in it)
        const r = run('sh', ['-c', 'zcat "$1" | ncdu -f - -o -', 'sh', f]);
        assert.equal(r.code, 0, r.stderr);
        assert.ok(r.stdout.includes('{"name":"f0039999"'), `ncdu did not read all of ${f}`);
      }
    }
  });
});

// ------------------------------------------------------------------------------------------ reader

interface Seen {
  name: string;
  asize: number | bigint;
  dsize: number | bigint;
  ino: number | bigint;
  nlink: number;
  uid: number;
  mode: number;
  mtime: number;
}

async function read(text: string, chunk: number): Promise<Seen[] | string> {
  const seen: Seen[] = [];
  const keep = (e: Entry) => seen.push({ name: Buffer.from(e.name).toString('latin1'), asize: e.asize, dsize: e.dsize, ino: e.ino, nlink: e.nlink, uid: e.uid, mode: e.mode, mtime: e.mtime });
  const sink: Sink = { enterDir: keep, addEntry: keep, leaveDir: () => undefined, finish: () => undefined };
  const data = Buffer.from(text, 'latin1');
  const parts: Buffer[] = [];
  for (let o = 0; o < data.length; o += chunk) parts.push(Buffer.from(data.subarray(o, o + chunk)));
  try {
    await importExport(Readable.from(parts), sink);
    return seen;
  } catch (e) {
    return (e as Error).message;
  }
}

describe('export reader: quick keys, names and integers', () => {
  const head = '[1,2,{"progname":"t"},\n[{"name":"/r"},\n';
  const good: [string, Partial<Seen>][] = [
    ['{"name":"plain","asize":0,"dsize":123456789012345,"uid":7,"mode":33188,"mtime":1795969668}', { name: 'plain', asize: 0, dsize: 123456789012345, uid: 7, mode: 33188, mtime: 1795969668 }],
    ['{"name":"sixteen","asize":1234567890123456,"dsize":9007199254740993}', { asize: 1234567890123456, dsize: 9007199254740993n }],
    ['{"name":"u64","asize":18446744073709551615,"ino":18446744073709551614,"nlink":2,"hlnkc":true}', { asize: 18446744073709551615n, ino: 18446744073709551614n, nlink: 2 }],
    ['{"name":"esc\\"aped\\\\\\u00e9\\n","asize":5}', { name: 'esc"aped\\\xc3\xa9\n', asize: 5 }],
    ['{"n\\u0061me":"k-escaped","\\u0061size":8}', { name: 'k-escaped', asize: 8 }],
    ['{ "name" : "spaced" , "asize" : 9 , "dsize" :\n10 }', { name: 'spaced', asize: 9, dsize: 10 }],
    ['{"nam":"x","name":"unknown-key-first","names":1,"asizes":2,"asize":3}', { name: 'unknown-key-first', asize: 3 }],
    ['{"name":"\xff\xfe raw bytes \x7f","mtime":0}', { name: '\xff\xfe raw bytes \x7f', mtime: 0 }],
  ];
  for (const [obj, want] of good) {
    it(`reads ${JSON.stringify(obj.slice(0, 40))}... the same in every chunking`, async () => {
      const text = head + obj + ']]\n';
      for (const chunk of [1, 2, 3, 5, 8, 13, 21, 64, text.length]) {
        const got = await read(text, chunk);
        assert.ok(Array.isArray(got), `chunk ${chunk}: ${got}`);
        const e = got[1];
        for (const [k, v] of Object.entries(want)) assert.equal(e[k as keyof Seen], v, `chunk ${chunk}: ${k}`);
      }
    });
  }
  const bad: [string, RegExp][] = [
    ['{"name":"x","asize":01}', /unexpected '1'/],
    ['{"name":"x","asize":1.0}', /invalid value for "asize"/],
    ['{"name":"x","asize":1e3}', /invalid value for "asize"/],
    ['{"name":"x","asize":-1}', /invalid value for "asize"/],
    ['{"name":"x","uid":9007199254740993}', /invalid value for "uid"/],
    ['{"name":"x","asize":18446744073709551616}', /below 2\^64/],
    ['{"name":"x\ty"}', /raw control character/],
    ['{"name":"x","mode":"1"}', /invalid value for "mode"/],
  ];
  for (const [obj, re] of bad) {
    it(`refuses ${JSON.stringify(obj)} the same in every chunking`, async () => {
      const text = head + obj + ']]\n';
      const first = await read(text, text.length);
      assert.equal(typeof first, 'string');
      assert.match(first as string, re);
      for (const chunk of [1, 2, 3, 7, 16]) assert.equal(await read(text, chunk), first, `chunk ${chunk}`);
    });
  }
});
