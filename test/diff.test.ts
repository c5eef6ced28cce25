/**
 * diskblame diff: real trees changed between two exports (ours, ncdu's, gdu's), the expected
 * numbers from du at the two moments; corrupt and truncated inputs; the diff core on trees in memory.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { spawnSync } from 'node:child_process';
import { makeTmp, rmrf, bpath, writeSized, makeChain, BAD_UTF8, BAD_UTF8_DIR } from './helpers/fs.js';
import { CLI, runCli, runCliOk, duOk, have, run, lines } from './helpers/run.js';
import { Tree, replayTree } from '../src/tree/tree.js';
import { DiffSink, DOMINANT } from '../src/diff/diff.js';
import { KindMatcher, BUILTIN_RULES } from '../src/owners/kinds.js';
import { Entry, EntryType, emptyEntry } from '../src/model/entry.js';

const tmps: string[] = [];
after(() => {
  for (const t of tmps) rmrf(t);
});

function sync(): void {
  // st_blocks settle at writeback (delayed allocation): the export and du must see the same numbers
  spawnSync('sync', [], { stdio: 'ignore' });
}

interface DiffJson {
  netDiskBytes: number;
  netApparentBytes: number;
  entriesBefore: number;
  entriesAfter: number;
  intervalSeconds: number | null;
  counts: { added: number; removed: number; grown: number; shrunk: number; unchanged: number };
  grewDirs: { path: string; pathBase64?: string; delta: number; status: string; largestChildShare: number }[];
  shrankDirs: { path: string; delta: number; status: string }[];
  added: { path: string; pathBase64?: string; delta: number; after: number }[];
  removed: { path: string; delta: number; before: number }[];
  grown: { path: string; before: number; after: number; delta: number; kind?: string }[];
  shrunk: { path: string; before: number; after: number; delta: number }[];
  kinds: { name: string; delta: number }[];
  users: { uid: number; delta: number }[];
}

function diffJson(a: string, b: string, extra: string[] = []): DiffJson {
  const r = runCliOk(['diff', a, b, '--json', '--top', '50', ...extra]);
  return JSON.parse(r.stdout) as DiffJson;
}

const bytesOf = (x: { path: string; pathBase64?: string }): Buffer => (x.pathBase64 ? Buffer.from(x.pathBase64, 'base64') : Buffer.from(x.path));

/**
 * The "before" tree:
 *   log/app.log 100,000 B        (grows to 1,000,000)
 *   data/a 50,000 B, data/b 70,000 B  (b is replaced by a hard link to a)
 *   old/x/big.bak 300,000 B, old/y 8,000 B   (old/ removed)
 *   keep/k 12,345 B              (unchanged)
 *   BAD_UTF8_DIR/BAD_UTF8 5,000 B (unchanged; later a sibling not UTF-8 is added)
 */
function beforeTree(root: string): void {
  for (const d of ['log', 'data', 'old/x', 'keep']) fs.mkdirSync(path.join(root, d), { recursive: true });
  writeSized(path.join(root, 'log/app.log'), 100_000);
  writeSized(path.join(root, 'data/a'), 50_000, 0x62);
  writeSized(path.join(root, 'data/b'), 70_000, 0x63);
  writeSized(path.join(root, 'old/x/big.bak'), 300_000);
  writeSized(path.join(root, 'old/y'), 8_000);
  writeSized(path.join(root, 'keep/k'), 12_345);
  const bad = bpath(root, BAD_UTF8_DIR);
  fs.mkdirSync(bad);
  writeSized(bpath(bad, BAD_UTF8), 5_000);
}

function change(root: string): void {
  fs.appendFileSync(path.join(root, 'log/app.log'), Buffer.alloc(900_000, 0x61));
  rmrf(path.join(root, 'old'));
  fs.unlinkSync(path.join(root, 'data/b'));
  fs.linkSync(path.join(root, 'data/a'), path.join(root, 'data/b'));
  fs.mkdirSync(path.join(root, 'new'));
  writeSized(path.join(root, 'new/n1.tmp'), 200_000);
  writeSized(path.join(root, 'new/n2'), 150_000);
  writeSized(bpath(bpath(root, BAD_UTF8_DIR), Buffer.from([0x67, 0xc3, 0x28])), 40_000);
}

/** before/after exports of a real tree made with `make(root, out)`, and du at both moments */
function twoMoments(tag: string, make: (root: string, out: string) => void) {
  const t = makeTmp(tag);
  tmps.push(t);
  const root = path.join(t, 'r');
  fs.mkdirSync(root);
  beforeTree(root);
  sync();
  const a = path.join(t, 'a.json');
  make(root, a);
  const duA = { B1: duOk(['-sB1'], root), b: duOk(['-sb'], root), data: duOk(['-sB1'], path.join(root, 'data')) };
  change(root);
  sync();
  const b = path.join(t, 'b.json');
  make(root, b);
  const duB = { B1: duOk(['-sB1'], root), b: duOk(['-sb'], root), data: duOk(['-sB1'], path.join(root, 'data')) };
  return { t, root, a, b, duA, duB };
}

const ours = (root: string, out: string) => void runCliOk(['scan', root, '-o', out + '.gz', '--no-progress']);

test('a real tree changed between two of our exports: net bytes equal du at the two moments', () => {
  const m = twoMoments('diff', (root, out) => ours(root, out));
  const j = diffJson(m.a + '.gz', m.b + '.gz');
  assert.equal(j.netDiskBytes, m.duB.B1 - m.duA.B1, 'netDiskBytes = du -sB1 after - before');
  assert.equal(j.netApparentBytes, m.duB.b - m.duA.b, 'netApparentBytes = du -sb after - before');
  assert.ok(j.netDiskBytes > 0);
  // entries: -old, -old/x, -big.bak, -old/y; +new, +n1.tmp, +n2, +the non-UTF-8 file
  assert.equal(j.entriesAfter - j.entriesBefore, 0);
  assert.deepEqual(j.counts, { added: 3, removed: 2, grown: 1, shrunk: 1, unchanged: 3 });

  const added = j.added.map(bytesOf);
  assert.ok(added.some((p) => p.equals(bpath(bpath(m.root, BAD_UTF8_DIR), Buffer.from([0x67, 0xc3, 0x28])))), 'the non-UTF-8 name, byte for byte');
  assert.ok(j.added.some((x) => x.path === path.join(m.root, 'new/n1.tmp') && x.delta === x.after && x.after > 0));
  const removed = j.removed.map((x) => x.path).sort();
  assert.deepEqual(removed, [path.join(m.root, 'old/x/big.bak'), path.join(m.root, 'old/y')]);
  const log = j.grown.find((x) => x.path === path.join(m.root, 'log/app.log'));
  assert.ok(log, 'the log grew');
  assert.equal(log.after - log.before, log.delta);
  assert.ok(log.delta >= 900_000 && log.delta < 1_000_000, `log delta ${log.delta}`);
  assert.equal(log.kind, 'live logs');
  // the file replaced by a hard link to another: the total shrank by its size (charged to the second link)
  const b = j.shrunk.find((x) => x.path === path.join(m.root, 'data/b'));
  assert.ok(b, 'data/b shrank (it is now a second link to data/a)');
  assert.equal(b.after, 0);
  assert.equal(m.duB.data - m.duA.data, -b.before, 'data/ shrank by b\'s old size, as du says');

  // directories: the log's directory (not the root: log/ explains most of its growth), new/ as added
  const grew = j.grewDirs.map((x) => x.path);
  assert.ok(grew.includes(path.join(m.root, 'log')), grew.join(','));
  assert.ok(!grew.includes(m.root), 'the root is explained by log/ and is not listed');
  assert.equal(j.grewDirs.find((x) => x.path === path.join(m.root, 'new'))?.status, 'added');
  for (const d of j.grewDirs) assert.ok(d.largestChildShare <= DOMINANT);
  const shrank = j.shrankDirs.map((x) => x.path);
  assert.ok(shrank.includes(path.join(m.root, 'old/x')), shrank.join(','));
  assert.ok(!shrank.includes(path.join(m.root, 'old')), 'old/ is explained by old/x');
  const data = j.shrankDirs.find((x) => x.path === path.join(m.root, 'data'));
  assert.equal(data?.delta, m.duB.data - m.duA.data, 'data/ delta = du -sB1 data/ difference');
  assert.ok(j.kinds.some((k) => k.name === 'backups' && k.delta < 0), 'the removed .bak counted as backups');

  // the text report, piped: nothing cut (paths and ids whole, to be copied), however long, even
  // with $COLUMNS set (a shell that exports it); names escaped
  const deep = path.join(path.dirname(m.a), 'a-directory-with-a-long-name-'.repeat(3), 'and-another-level-of-it');
  fs.mkdirSync(deep, { recursive: true });
  const longA = path.join(deep, path.basename(m.a) + '.gz');
  fs.copyFileSync(m.a + '.gz', longA);
  assert.ok(longA.length > 100);
  const txt = runCliOk(['diff', m.a + '.gz', m.b + '.gz'], { env: { ...process.env, DISKBLAME_DEBUG: '', COLUMNS: '80' } }).stdout;
  for (const env of [{ COLUMNS: '80' }, { COLUMNS: '' }]) {
    const whole = runCliOk(['diff', longA, m.b + '.gz'], { env: { ...process.env, DISKBLAME_DEBUG: '', ...env } }).stdout;
    assert.ok(whole.includes(`  ${longA}\n`), whole);
    assert.ok(whole.split('\n').some((l) => l.length > 80), 'lines longer than 80 columns kept whole');
    assert.ok(!whole.includes('…'), 'nothing cut');
  }
  // on a terminal (script(1) gives it one, 60 columns): every line cut to its width, the long id with '…'
  if (have('script')) {
    const ts = path.join(path.dirname(m.a), 'typescript');
    const q = (x: string) => `'${x.replace(/'/g, `'\\''`)}'`;
    const r = run('script', ['-q', '-e', '-c', `stty cols 60; ${q(process.execPath)} ${q(CLI)} diff ${q(longA)} ${q(m.b + '.gz')}`, ts], { env: { ...process.env, DISKBLAME_DEBUG: '' } });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const shown = r.stdout.split(/\r?\n/);
    assert.ok(shown.some((l) => l.includes('before') && l.includes('…')), r.stdout);
    for (const l of shown) assert.ok([...l].length <= 60, `wider than the terminal's 60 columns: ${l}`);
    assert.ok(!r.stdout.includes(longA), 'the long id cut on a terminal');
  }
  assert.match(txt, /Disk usage\s+\+/);
  assert.ok(txt.includes('g\\xc3('), 'the invalid UTF-8 byte shown escaped');
  assert.ok(!/[\x00-\x08\x0b-\x1f]/.test(txt), 'no raw control characters');

  // B read in a second thread or on the main thread: the same result
  const threads = (n: string) => runCliOk(['diff', m.a + '.gz', m.b + '.gz', '--json'], { env: { ...process.env, DISKBLAME_DEBUG: '', DISKBLAME_DIFF_THREADS: n } }).stdout;
  assert.equal(threads('1'), threads('2'));

  // and against a live scan: the same net change (nothing moved since the second export)
  const live = diffJson(m.a + '.gz', 'live');
  assert.equal(live.netDiskBytes, m.duB.B1 - m.duA.B1);
});

test('ncdu and gdu exports: the same changes, net bytes as du says', { skip: !have('ncdu') && 'ncdu missing' }, () => {
  const n = twoMoments('diff-ncdu', (root, out) => {
    const r = run('ncdu', ['-x', '-e', '-o', out, root]);
    assert.equal(r.code, 0, r.stderr);
  });
  const j = diffJson(n.a, n.b);
  assert.equal(j.netDiskBytes, n.duB.B1 - n.duA.B1);
  assert.equal(j.netApparentBytes, n.duB.b - n.duA.b);
  assert.deepEqual(j.counts, { added: 3, removed: 2, grown: 1, shrunk: 1, unchanged: 3 });
  // mixed producers: ncdu before, ours after
  ours(n.root, n.b + '.ours');
  const mixed = diffJson(n.a, n.b + '.ours.gz');
  assert.equal(mixed.netDiskBytes, n.duB.B1 - n.duA.B1);
  assert.equal(mixed.counts.unchanged, 3);

  if (!have('gdu')) return;
  const g = twoMoments('diff-gdu', (root, out) => {
    const r = run('gdu', ['-n', '-x', '-o', out, root]);
    assert.equal(r.code, 0, r.stderr);
  });
  const k = diffJson(g.a, g.b);
  // gdu leaves directories' own sizes out and counts a hard-linked inode once: only files differ
  const files = (x: DiffJson) => x.added.reduce((s, f) => s + f.delta, 0) + x.removed.reduce((s, f) => s + f.delta, 0) + x.grown.reduce((s, f) => s + f.delta, 0) + x.shrunk.reduce((s, f) => s + f.delta, 0);
  assert.equal(k.netDiskBytes, files(k), 'gdu: the net change is the files\' changes');
  assert.deepEqual(k.counts, { added: 3, removed: 2, grown: 1, shrunk: 1, unchanged: 3 });
  // gdu marks only a hard link's later links (hlnkc, ino), never the first: the link made between the two
  // moments is counted twice on gdu's side, once on ncdu's
  const linkBytes = fs.statSync(path.join(g.root, 'data/a')).blocks * 512;
  assert.equal(files(k), files(j) + linkBytes, 'gdu and ncdu see the same file changes, but for the hard link');
});

test('corrupt, truncated and missing inputs: one line, exit 1, no stack trace', () => {
  const t = makeTmp('diff-bad');
  tmps.push(t);
  const root = path.join(t, 'r');
  fs.mkdirSync(root);
  writeSized(path.join(root, 'f'), 10_000);
  const good = path.join(t, 'good.json.gz');
  runCliOk(['scan', root, '-o', good, '--no-progress']);
  const gz = fs.readFileSync(good);
  const cut = path.join(t, 'cut.json.gz');
  fs.writeFileSync(cut, gz.subarray(0, gz.length - 20));
  const plainCut = path.join(t, 'cut.json');
  const plain = zlib.gunzipSync(gz);
  fs.writeFileSync(plainCut, plain.subarray(0, plain.length - 10));
  const garbage = path.join(t, 'garbage.json');
  fs.writeFileSync(garbage, 'hello, not an export\n');
  for (const [a, b] of [
    [good, cut],
    [cut, good],
    [good, plainCut],
    [good, garbage],
    [good, path.join(t, 'missing.json')],
  ]) {
    for (const threads of ['1', '2']) {
      const r = runCli(['diff', a, b], { env: { ...process.env, DISKBLAME_DEBUG: '', DISKBLAME_DIFF_THREADS: threads } });
      assert.equal(r.code, 1, `${a} ${b}: exit ${r.code}: ${r.stderr}`);
      const l = lines(r.stderr);
      assert.equal(l.length, 1, r.stderr);
      assert.match(l[0], /^diskblame: /);
      assert.doesNotMatch(r.stderr, /\n\s+at /);
      assert.equal(r.stdout, '');
    }
  }
  // no sides and no snapshots in the store: one line saying what to do
  const empty = makeTmp('diffempty');
  tmps.push(empty);
  const r = runCli(['diff', '--store', empty]);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /^diskblame: no snapshots of this host in .*\n$/);
  const live = runCli(['diff', 'live', good]);
  assert.equal(live.code, 2, live.stderr);
});

// ------------------------------------------------------------------ the core, on trees in memory

function ent(name: string | Uint8Array, type: EntryType, dsize: number, extra: Partial<Entry> = {}): Entry {
  return { ...emptyEntry(), name: typeof name === 'string' ? Buffer.from(name) : name, type, asize: dsize, dsize, uid: 0, gid: 0, ...extra };
}

/** build a tree from [name, size] / [name, children] specs */
type Spec = [string, number | Spec[], Partial<Entry>?];
function treeOf(root: string, kids: Spec[], time = 1_700_000_000): Tree {
  const t = new Tree();
  const add = (s: Spec) => {
    if (Array.isArray(s[1])) {
      t.enterDir(ent(s[0], EntryType.Dir, 4096));
      for (const k of s[1]) add(k);
      t.leaveDir();
    } else t.addEntry(ent(s[0], EntryType.File, s[1], s[2]));
  };
  add([root, kids]);
  t.finish({ timestamp: time, producer: 'test', incomplete: false });
  return t;
}

async function diffTrees(a: Tree, b: Tree, keepDeltas = false) {
  const sink = new DiffSink(a, { top: 10, kinds: new KindMatcher(BUILTIN_RULES), keepDeltas });
  await replayTree(b, sink);
  return { r: sink.result({ time: a.info!.timestamp }, { time: b.info!.timestamp }), sink };
}

test('core: matching by raw bytes in any order, hard links once per subtree, per-day rates', async () => {
  const bad = Buffer.from([0x78, 0xff]).toString('latin1');
  const a = treeOf('/r', [
    ['z', 1000],
    ['d', [['f1', 4096], ['f2', 8192]]],
    ['h1', 40960, { nlink: 2, ino: 7, dev: 1 }],
    ['e', [['h2', 40960, { nlink: 2, ino: 7, dev: 1 }]]],
  ]);
  // b: children in another order, f2 grew, a name that is not UTF-8 (latin1 in the spec is turned into bytes below)
  const b = new Tree();
  b.enterDir(ent('/r', EntryType.Dir, 4096));
  b.enterDir(ent('e', EntryType.Dir, 4096));
  b.leaveDir();
  b.addEntry(ent('h1', EntryType.File, 40960, { nlink: 1, ino: 7, dev: 1 }));
  b.enterDir(ent('d', EntryType.Dir, 4096));
  b.addEntry(ent('f2', EntryType.File, 16384));
  b.addEntry(ent('f1', EntryType.File, 4096));
  b.addEntry(ent(Buffer.from(bad, 'latin1'), EntryType.File, 2048));
  b.leaveDir();
  b.addEntry(ent('z', EntryType.File, 1000));
  b.finish({ timestamp: 1_700_000_000 + 2 * 86400, producer: 'test', incomplete: false });

  const { r } = await diffTrees(a, b);
  assert.equal(r.netDiskBytes, b.sizeD(0) - a.sizeD(0));
  // the inode was counted once in A (two links), once in B: e/ lost its link, its delta is -40960
  assert.equal(r.netDiskBytes, 8192 + 2048);
  assert.deepEqual(r.counts, { added: 1, removed: 1, grown: 1, shrunk: 0, unchanged: 3 });
  assert.ok(r.added[0].path.equals(Buffer.concat([Buffer.from('/r/d/'), Buffer.from(bad, 'latin1')])));
  assert.equal(r.intervalSeconds, 2 * 86400);
  const d = r.grewDirs.find((x) => Buffer.from(x.path).toString() === '/r/d');
  assert.equal(d?.delta, 8192 + 2048);
  assert.equal(d?.perDay, (8192 + 2048) / 2);
  const e = r.shrankDirs.find((x) => Buffer.from(x.path).toString() === '/r/e');
  assert.equal(e?.delta, -40960, 'e/ held a link of the inode: du -s e/ counted it');
});

test('Changes view: sorted by growth, new and gone entries marked, navigable', async () => {
  const React = (await import('react')).default;
  const { render } = await import('ink-testing-library');
  const { ChangesView } = await import('../src/ui/ChangesView.js');
  const { ChangesModel } = await import('../src/ui/changes.js');
  const a = treeOf('/srv', [
    ['logs', [['app.log', 1_000_000], ['old.log', 50_000]]],
    ['cache', [['blob', 3_000_000]]],
    ['gone', [['x.bak', 700_000]]],
    ['same', 4096],
  ]);
  const b = treeOf('/srv', [
    ['logs', [['app.log', 9_000_000], ['old.log', 50_000], ['esc\x1b[31m', 4096]]],
    ['cache', [['blob', 1_000_000]]],
    ['fresh', [['n', 2_000_000]]],
    ['same', 4096],
  ]);
  const { sink } = await diffTrees(a, b, true);
  const arrays = sink.deltaArrays()!;
  const model = new ChangesModel({ before: a, after: b, ...arrays, labels: { before: 'a', after: 'b' } });
  let quits = 0;
  const r = render(React.createElement(ChangesView, { model, width: 80, height: 20, active: true, tabs: '[3 Changes]', quit: () => quits++ }));
  const tick = () => new Promise((res) => setTimeout(res, 60));
  await tick();
  let f = r.lastFrame()!;
  const rows = f.split('\n');
  const at = (s: string) => rows.findIndex((l) => l.includes(s));
  assert.ok(at('logs/') < at('fresh/') && at('fresh/') < at('same') && at('same') < at('gone/') && at('gone/') < at('cache/'), f);
  assert.match(rows[at('fresh/')], /^\S*N /, 'new marked N');
  assert.match(rows[at('gone/')], /D +-/, 'gone marked D');
  assert.match(rows[at('logs/')], /\+7\.6 MiB/);
  for (const l of rows) assert.ok(l.replace(/\x1b\[[0-9;]*m/g, '').length <= 80, l);
  // open logs/ (selected first), see the escaped name; back; go to gone/ and open it
  r.stdin.write('\r');
  await tick();
  f = r.lastFrame()!;
  assert.match(f, /--- \/srv\/logs/);
  assert.ok(f.includes('esc\\x1b[31m') && !f.includes('\x1b[31m'), 'names escaped');
  r.stdin.write('h');
  await tick();
  for (let k = 0; k < 3; k++) {
    r.stdin.write('j');
    await tick();
  }
  r.stdin.write('\r');
  await tick();
  f = r.lastFrame()!;
  assert.match(f, /--- \/srv\/gone\s+\(gone\)/, f);
  assert.match(f, /D +-\d.*x\.bak/);
  // s: shrinks first
  r.stdin.write('h');
  await tick();
  r.stdin.write('s');
  await tick();
  f = r.lastFrame()!;
  const rows2 = f.split('\n');
  assert.ok(rows2.findIndex((l) => l.includes('cache/')) < rows2.findIndex((l) => l.includes('logs/')), 'shrinks first after s');
  r.stdin.write('q');
  await tick();
  assert.equal(quits, 1);
  r.unmount();
});

test('snapshots in the store: diff with no sides takes the two newest of one root; ids and prefixes; one snapshot against live', () => {
  const store = makeTmp('diffstore');
  tmps.push(store);
  const snap = (root: string) => void runCliOk(['snapshot', root, '--store', store, '--json', '--no-progress']);
  const m = twoMoments('diffsnap', (root) => snap(root));
  const ids = (JSON.parse(runCliOk(['snapshots', '--store', store, '--json']).stdout) as { snapshots: { id: string; time: string }[] }).snapshots
    .sort((x, y) => (x.id < y.id ? -1 : 1))
    .map((s) => s.id);
  assert.equal(ids.length, 2);
  const byDefault = JSON.parse(runCliOk(['diff', '--store', store, '--json']).stdout) as DiffJson;
  assert.equal(byDefault.netDiskBytes, m.duB.B1 - m.duA.B1, 'diff of the two newest snapshots vs du');
  assert.equal(byDefault.netApparentBytes, m.duB.b - m.duA.b);
  const byId = diffJson(ids[0], ids[1], ['--store', store]);
  assert.equal(byId.netDiskBytes, byDefault.netDiskBytes);
  // the newest snapshot against a live scan after one more change
  writeSized(path.join(m.root, 'keep/later.bin'), 64_000);
  sync();
  const live = JSON.parse(runCliOk(['diff', ids[1], '--store', store, '--json']).stdout) as DiffJson;
  assert.equal(live.netDiskBytes, duOk(['-sB1'], m.root) - m.duB.B1);
  assert.deepEqual(live.added.map((x) => path.basename(x.path)), ['later.bin']);
  // an unknown id: one line, exit 1
  const bad = runCli(['diff', 'nosuchid', ids[1], '--store', store]);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /^diskblame: no snapshot nosuchid in .*\n$/);
});

test('a 30,000-level chain: diff of two exports, in one thread and two, and of the export against live (no recursion over depth)', () => {
  const dir = makeTmp('diff-deep');
  tmps.push(dir);
  const top = makeChain(dir, 30_000, 'd', 1000);
  const a = path.join(dir, 'a.json');
  runCliOk(['scan', top, '-o', a, '--no-progress'], { timeoutMs: 240_000 });
  // the bottom file grows between the two moments
  const bottom = Buffer.concat([Buffer.from(top), ...Array.from({ length: 30_000 }, () => Buffer.from('/d')), Buffer.from('/bottom')]);
  assert.ok(bottom.length > 4096, 'the chain is deeper than PATH_MAX');
  const b = path.join(dir, 'b.json');
  run('python3', ['-c', 'import os,sys\nos.chdir(sys.argv[1])\nfor _ in range(30000): os.chdir("d")\nopen("bottom","ab").write(b"x"*5000)', top]);
  sync();
  runCliOk(['scan', top, '-o', b, '--no-progress'], { timeoutMs: 240_000 });
  for (const threads of ['1', '2']) {
    const r = runCli(['diff', a, b, '--json', '--top', '5'], { env: { DISKBLAME_DIFF_THREADS: threads }, timeoutMs: 240_000 });
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout) as DiffJson;
    assert.equal(j.netApparentBytes, 5000, `threads ${threads}`);
    assert.equal(j.counts.grown, 1);
    assert.ok(bytesOf(j.grown[0]).equals(bottom), 'the grown file by its exact path');
  }
  const r = runCli(['diff', b, 'live', '--json'], { timeoutMs: 240_000 });
  assert.equal(r.code, 0, r.stderr);
  assert.equal((JSON.parse(r.stdout) as DiffJson).netApparentBytes, 0);
});
