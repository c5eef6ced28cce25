/**
 * Snapshots in the store, on real temp trees: `snapshot`, `snapshots`, `prune`, `scan --save`,
 * resolving ids, ncdu and gdu reading a snapshot, totals against du, names that are not UTF-8,
 * corrupt and truncated files, and a store on a full tmpfs.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import zlib, { gunzipSync, gzipSync } from 'node:zlib';
import crypto from 'node:crypto';
import { HEAD_ROOM, headRoomFill, NcduWriter } from '../src/export/ncdu-writer.js';
import { assertOneLineError, CLI, duOk, have, isRoot, lines, run, runCli, type RunResult } from './helpers/run.js';
import { BAD_UTF8, BAD_UTF8_DIR, bpath, makeTmp, rmrf, writeSized } from './helpers/fs.js';
import { comparableTotals, indexTree, key, loadExport, scanTree } from './helpers/tree.js';
import { gzipMembers } from './helpers/gzip.js';
import {
  listSnapshots,
  loadSnapshot,
  parseAge,
  planPrune,
  pruneSnapshots,
  readSnapshotMeta,
  resolveSnapshot,
  saveSnapshot,
  SNAPSHOT_GZIP_LEVEL,
  snapshotId,
  snapshotsDir,
  type SnapshotMeta,
  verifySnapshot,
} from '../src/store/snapshots.js';

interface SnapJson extends Omit<SnapshotMeta, 'file'> {
  path: string;
  fileBytes: number;
  notes: string[];
}

/** a volume for snapshots saved through the library (the listing and pruning do not look at it) */
const FAKE_VOL = { mount: '/', device: 'd', fsType: 't', sizeBytes: 1, usedBytes: 1, freeBytes: 0 };

/** A CLI run that must succeed; stderr may only hold notes (e.g. "not root: a lower bound"). */
function ok(args: string[], env: NodeJS.ProcessEnv = {}): RunResult {
  const r = runCli(args, { env: { ...process.env, DISKBLAME_DEBUG: '', ...env } });
  assert.equal(r.code, 0, `${r.cmd}: exit ${r.code}, stderr: ${r.stderr}`);
  for (const l of lines(r.stderr)) assert.match(l, /^diskblame: note: /, `${r.cmd}: unexpected stderr`);
  return r;
}

/** A tree with hard links, a log, nested directories and names that are not UTF-8. */
function buildTree(root: string): void {
  fs.mkdirSync(path.join(root, 'logs'));
  fs.mkdirSync(path.join(root, 'data', 'deep', 'deeper'), { recursive: true });
  writeSized(path.join(root, 'logs', 'app.log'), 50_000);
  writeSized(path.join(root, 'logs', 'app.log.1'), 30_000);
  writeSized(path.join(root, 'data', 'deep', 'deeper', 'blob.bin'), 200_000);
  writeSized(path.join(root, 'data', 'h1'), 12_345);
  fs.linkSync(path.join(root, 'data', 'h1'), path.join(root, 'data', 'deep', 'h2'));
  fs.writeFileSync(bpath(root, BAD_UTF8), 'seven!!');
  fs.mkdirSync(bpath(root, BAD_UTF8_DIR));
  writeSized(bpath(bpath(root, BAD_UTF8_DIR), 'inner'), 5000);
  fs.symlinkSync('data/h1', path.join(root, 'link'));
}

function countEntries(root: string): number {
  const r = run('find', [root]);
  assert.equal(r.code, 0);
  return r.stdoutBuf.toString('latin1').split('\n').filter(Boolean).length;
}

describe('snapshots', () => {
  let root: string;
  let store: string;
  let work: string;
  let first: SnapJson;
  const env = () => ({ DISKBLAME_STORE: store });

  before(() => {
    root = makeTmp('snap-tree');
    store = makeTmp('snap-store');
    work = makeTmp('snap-work');
    buildTree(root);
  });
  after(() => {
    rmrf(root);
    rmrf(store);
    rmrf(work);
  });

  it('snapshot PATH --json: entries and totals equal find and du -sB1 / du -sb; the file is in <store>/snapshots', () => {
    const r = ok(['snapshot', root, '--json'], env());
    first = JSON.parse(r.stdout) as SnapJson;
    assert.equal(first.root, root);
    assert.equal(first.entries, countEntries(root), 'entries = find | wc -l');
    assert.equal(first.diskBytes, duOk(['-sB1'], root), 'diskBytes = du -sB1');
    assert.equal(first.apparentBytes, duOk(['-sb'], root), 'apparentBytes = du -sb');
    assert.equal(path.dirname(first.path), snapshotsDir(store));
    assert.equal(path.basename(first.path), `${first.id}.json.gz`);
    assert.equal(first.id, snapshotId(new Date(first.time), first.host, root));
    assert.match(first.id, /^\d{8}T\d{6}Z-[A-Za-z0-9._-]+-[0-9a-f]{8}$/);
    assert.equal(fs.statSync(first.path).size, first.fileBytes);
    // the volume's statfs and the extras
    const st = fs.statfsSync(root);
    assert.equal(first.volume.sizeBytes, st.blocks * st.bsize);
    assert.ok(first.volume.usedBytes > 0 && first.volume.freeBytes >= 0);
    assert.ok(first.kinds, 'kinds of data recorded');
    assert.equal(first.kinds!['live logs'], fs.statSync(path.join(root, 'logs', 'app.log')).blocks * 512);
    assert.equal(first.kinds!['rotated logs'], fs.statSync(path.join(root, 'logs', 'app.log.1')).blocks * 512);
    assert.equal(typeof first.deletedOpenBytes, 'number');
    // a usage sample of the volume was recorded beside it
    const samples = fs.readFileSync(path.join(store, 'samples.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    assert.equal(samples.length, 1);
    assert.equal(samples[0].mount, first.volume.mount);
    // nothing else left in the snapshots directory (no temp file)
    assert.deepEqual(fs.readdirSync(snapshotsDir(store)), [path.basename(first.path)]);
  });

  it('snapshot PATH (text): id, file, its size, entries, totals', () => {
    const r = ok(['snapshot', root], env());
    const out = r.stdout;
    assert.match(out, /^snapshot \d{8}T\d{6}Z-/);
    assert.match(out, /\n {2}file {6}\S+\.json\.gz \(\d/);
    assert.match(out, new RegExp(`\\n  entries   ${countEntries(root)}\\n`));
    assert.match(out, /\n {2}disk {6}\S/);
  });

  it('the head is a gzip member of its own, written after the entries; a snapshot of the earlier layout (head and first entries in one member) lists, loads and verifies the same, and both read through ncdu and gdu', async (t) => {
    const tree = await scanTree(root);
    const s5 = makeTmp('snap-store5');
    try {
      const input = { root, started: new Date(Date.UTC(2026, 0, 2, 3, 4, 5)), host: 'layout', volume: FAKE_VOL, kinds: { 'live logs': 1 } };
      const now = (await saveSnapshot(s5, tree, input)).meta;
      // the earlier layout: the same export written in one go (the writer as it was before deferHead)
      const { id: _id, file: _file, ...stored } = now;
      const old = path.join(snapshotsDir(s5), '20260102T030405Z-layout-00000000.json.gz');
      const w = new NcduWriter(old, { gzip: true, gzipLevel: SNAPSHOT_GZIP_LEVEL, meta: { x_snapshot: stored } });
      w.writeTree(tree, tree.allNames(), undefined, false);
      const [zNew, zOld] = [fs.readFileSync(now.file), fs.readFileSync(old)];
      // the same text (but the head's timestamp, its second)
      const noStamp = (b: Buffer) => b.toString('latin1').replace(/"timestamp":\d+/, '');
      assert.equal(noStamp(gunzipSync(zNew)), noStamp(gunzipSync(zOld)));
      // new: the first member is the head alone; old: the head and the entries
      const firstMember = (z: Buffer) => zlib.inflateRawSync(z.subarray(10)).toString('latin1');
      assert.match(firstMember(zNew), /^\[1,2,\{[^\n]*"x_snapshot":\{.*\}\}$/);
      assert.match(firstMember(zOld), /\{"name":/);
      const { snapshots, bad } = listSnapshots(s5);
      assert.deepEqual(bad, []);
      assert.equal(snapshots.length, 2);
      for (const m of snapshots) {
        assert.deepEqual({ ...m, id: '', file: '' }, { ...now, id: '', file: '' }, `${m.file}: the metadata as saved`);
        assert.equal(await verifySnapshot(m), null, `${m.file} verifies`);
        assert.deepEqual(comparableTotals(await loadSnapshot(m.file)), comparableTotals(tree));
        if (have('ncdu')) {
          const r = run('sh', ['-c', 'zcat -- "$1" | ncdu -0 -f - -o /dev/null', 'sh', m.file]);
          assert.equal(r.code, 0);
          assert.equal(r.stderr, '', `ncdu reads ${m.file}`);
        }
        if (have('gdu')) {
          const r = run('sh', ['-c', 'zcat -- "$1" | gdu -n -p -s --no-prefix -f -', 'sh', m.file]);
          assert.equal(r.code, 0, r.stderr);
          assert.equal(Number(/^\s*(\d+)/.exec(r.stdout)?.[1]), duOk(['-sB1'], root), `gdu reads ${m.file}`);
        }
        // cut before its last member (the closing bracket alone): truncated
        const z = fs.readFileSync(m.file);
        const cut = path.join(snapshotsDir(s5), `20200101T000000Z-cut-${m.id.endsWith('00000000') ? 'o' : 'n'}.json.gz`);
        fs.writeFileSync(cut, z.subarray(0, gzipMembers(z).at(-1)!.at));
        assert.throws(() => readSnapshotMeta(cut), /truncated/);
        fs.unlinkSync(cut);
      }
      if (!have('ncdu') || !have('gdu')) t.diagnostic('ncdu or gdu not installed: not read through them');
    } finally {
      rmrf(s5);
    }
  });

  it('the snapshot loads into a tree equal to a scan: totals, every entry, names that are not UTF-8', async () => {
    const tree = await loadSnapshot(first.path);
    const scanned = await scanTree(root);
    assert.deepEqual(comparableTotals(tree), comparableTotals(scanned));
    const a = indexTree(tree);
    const b = indexTree(scanned);
    assert.deepEqual([...a.keys()].sort(), [...b.keys()].sort());
    assert.ok(a.has(key(BAD_UTF8)), 'the name f\\xff\\xfe survives');
    assert.ok(a.has(key(BAD_UTF8_DIR, 'inner')), 'the directory d\\xfe\\xff\\xc3 survives');
  });

  it('zcat snap | ncdu -f - reads it without a complaint; its re-export has the same totals and raw names', async (t) => {
    if (!have('ncdu')) return t.skip('ncdu not installed');
    const re = path.join(work, 're.json');
    const r = run('sh', ['-c', 'zcat -- "$1" | ncdu -0 -f - -o "$2"', 'sh', first.path, re]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '', 'ncdu 1.x reports import errors on stderr');
    const back = await loadExport(re);
    assert.deepEqual(comparableTotals(back), comparableTotals(await loadSnapshot(first.path)));
    const raw = fs.readFileSync(re);
    assert.ok(raw.includes(Buffer.concat([Buffer.from('{"name":"'), BAD_UTF8, Buffer.from('"')])), 'raw bytes of the name in ncdu\'s re-export');
  });

  it('zcat snap | gdu -f - reads it: same disk and apparent totals as du', (t) => {
    if (!have('gdu')) return t.skip('gdu not installed');
    for (const [extra, want] of [[[], duOk(['-sB1'], root)], [['-a'], duOk(['-sb'], root)]] as const) {
      const r = run('sh', ['-c', `zcat -- "$1" | gdu -n -p -s --no-prefix ${extra.join(' ')} -f -`, 'sh', first.path]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stderr, '');
      const m = /^\s*(\d+)/.exec(r.stdout);
      assert.ok(m, `gdu printed ${JSON.stringify(r.stdout)}`);
      assert.equal(Number(m[1]), want, `gdu ${extra.join(' ')}`);
    }
  });

  it('snapshots lists them (text and JSON: id, time, root, host, used, entries, path)', () => {
    const r = ok(['snapshots', '--json'], env());
    const j = JSON.parse(r.stdout) as { store: string; snapshots: SnapJson[]; bad: unknown[] };
    assert.equal(j.store, store);
    assert.equal(j.snapshots.length, 2);
    assert.deepEqual(j.bad, []);
    const s = j.snapshots[0];
    assert.equal(s.id, first.id);
    assert.equal(s.path, first.path);
    for (const k of ['time', 'root', 'host', 'entries', 'diskBytes', 'apparentBytes'] as const) assert.deepEqual(s[k], first[k], k);
    assert.deepEqual(s.volume, first.volume);
    assert.ok(Date.parse(j.snapshots[0].time) <= Date.parse(j.snapshots[1].time), 'oldest first');
    const txt = ok(['snapshots', '--store', store], { DISKBLAME_STORE: '/nonexistent' }).stdout;
    assert.match(txt, /^ID +TIME +ROOT +HOST +USED +ENTRIES +FILE\n/);
    assert.equal(lines(txt).length, 3);
    assert.ok(txt.includes(first.path));
    const verified = JSON.parse(ok(['snapshots', '--verify', '--json'], env()).stdout) as { snapshots: SnapJson[] };
    assert.equal(verified.snapshots.length, 2, '--verify: both read whole, totals as their metadata says');
  });

  it('resolveSnapshot: an id, a unique prefix, a file; an ambiguous or unknown prefix is one clear error', () => {
    const { snapshots } = listSnapshots(store);
    const [a, b] = snapshots;
    assert.equal(resolveSnapshot(store, a.id).file, a.file);
    assert.equal(resolveSnapshot(store, a.file).id, a.id);
    // the shortest prefix that tells them apart
    let n = 1;
    while (a.id.slice(0, n) === b.id.slice(0, n)) n++;
    if (n < a.id.length || a.id !== b.id.slice(0, a.id.length)) {
      assert.equal(resolveSnapshot(store, b.id.slice(0, n)).id, b.id);
    }
    assert.throws(() => resolveSnapshot(store, a.id.slice(0, 4)), /ambiguous: 2 snapshots match/);
    assert.throws(() => resolveSnapshot(store, 'zzz'), /no snapshot zzz in /);
    assert.throws(() => resolveSnapshot(store, path.join(work, 'missing.json.gz')), /no such file/);
  });

  it('scan PATH --save --json: the summary plus the saved snapshot, listed afterwards', () => {
    const s2 = makeTmp('snap-store2');
    try {
      const r = ok(['scan', root, '--save', '--store', s2, '--json']);
      const j = JSON.parse(r.stdout) as { entries: number; diskBytes: number; snapshot: SnapJson };
      assert.equal(j.snapshot.entries, j.entries);
      assert.equal(j.snapshot.diskBytes, j.diskBytes);
      assert.equal(j.snapshot.diskBytes, duOk(['-sB1'], root));
      assert.ok(fs.existsSync(j.snapshot.path));
      const { snapshots, bad } = listSnapshots(s2);
      assert.deepEqual(bad, []);
      assert.deepEqual(snapshots.map((s) => s.id), [j.snapshot.id]);
      const txt = ok(['scan', root, '--save', '--store', s2]).stdout;
      assert.match(txt, /\nsnapshot \d{8}T\d{6}Z-\S+\n {2}file /);
      assert.equal(listSnapshots(s2).snapshots.length, 2);
      assertOneLineError(runCli(['scan', '-f', first.path, '--save']), 2);
    } finally {
      rmrf(s2);
    }
  });

  it('corrupt and truncated files are reported (one line each) and skipped; the good ones are still listed', async () => {
    const s3 = makeTmp('snap-store3');
    try {
      const dir = snapshotsDir(s3);
      fs.mkdirSync(dir, { recursive: true });
      const good = fs.readFileSync(first.path);
      fs.writeFileSync(path.join(dir, path.basename(first.path)), good);
      fs.writeFileSync(path.join(dir, '20200101T000000Z-x-00000001.json.gz'), good.subarray(0, Math.floor(good.length / 2)));
      // cut exactly before the last gzip member (the closing bracket): every member is whole
      const last = gzipMembers(good).at(-1)!;
      assert.equal(last.text.toString(), ']\n', 'the writer ends with the closing bracket alone');
      fs.writeFileSync(path.join(dir, '20200101T000000Z-x-00000002.json.gz'), good.subarray(0, last.at));
      fs.writeFileSync(path.join(dir, '20200101T000000Z-x-00000003.json.gz'), Buffer.from('this is not gzip at all'));
      fs.writeFileSync(path.join(dir, '20200101T000000Z-x-00000004.json.gz'), gzipSync('{"not": "an export"}'));
      fs.writeFileSync(path.join(dir, '20200101T000000Z-x-00000005.json.gz'), Buffer.alloc(0));
      const garbled = Buffer.from(good);
      for (let i = 12; i < Math.min(80, garbled.length); i++) garbled[i] ^= 0x5a;
      fs.writeFileSync(path.join(dir, '20200101T000000Z-x-00000006.json.gz'), garbled);
      fs.writeFileSync(path.join(dir, '20200101T000000Z-x-00000007.json.gz'), gzipSync('[1,2,{"progname":"ncdu"},[{"name":"/x"}]]'));
      fs.writeFileSync(path.join(dir, '.20200101T000000Z-x-00000008.json.gz.123.tmp'), good.subarray(0, 10)); // a temp file: ignored

      const { snapshots, bad } = listSnapshots(s3);
      assert.deepEqual(snapshots.map((s) => s.id), [first.id]);
      const why = new Map(bad.map((b) => [/(\d\d)\.json\.gz$/.exec(b.file)![1], b.error]));
      assert.equal(bad.length, 7, JSON.stringify(bad));
      assert.match(why.get('01')!, /truncated/);
      assert.match(why.get('02')!, /truncated/);
      assert.match(why.get('03')!, /not an ncdu export/);
      assert.match(why.get('04')!, /not an ncdu export/);
      assert.match(why.get('05')!, /empty file/);
      assert.match(why.get('06')!, /corrupt/);
      assert.match(why.get('07')!, /not a diskblame snapshot/);

      const r = runCli(['snapshots', '--store', s3]);
      assert.equal(r.code, 0, 'exit 0 when some snapshot is listed');
      const errs = lines(r.stderr);
      assert.equal(errs.length, 7);
      for (const l of errs) assert.match(l, /^diskblame: skipped \S+\.json\.gz: \S/);
      assert.ok(r.stdout.includes(first.id));
      // only bad files: exit 1, still no crash
      fs.unlinkSync(path.join(dir, path.basename(first.path)));
      const r2 = runCli(['snapshots', '--store', s3, '--json']);
      assert.equal(r2.code, 1);
      assert.deepEqual(JSON.parse(r2.stdout).snapshots, []);
      assert.doesNotMatch(r2.stderr, /^\s+at /m);
      // resolving a bad file names the problem
      assert.throws(() => resolveSnapshot(s3, path.join(dir, '20200101T000000Z-x-00000001.json.gz')), /truncated/);
      // prune never touches bad files
      const p = runCli(['prune', '--store', s3, '--keep', '0']);
      assert.equal(p.code, 0, p.stderr);
      assert.equal(fs.readdirSync(dir).length, 8);
    } finally {
      rmrf(s3);
    }
  });

  it('damage in the middle of a snapshot: listed (only its head and tail are read), reported when loaded', async () => {
    const s4 = makeTmp('snap-store4');
    try {
      // a tree big enough for several gzip members
      const big = path.join(s4, 'tree');
      fs.mkdirSync(big);
      for (let d = 0; d < 80; d++) {
        fs.mkdirSync(path.join(big, `d${d}`));
        for (let f = 0; f < 250; f++) fs.writeFileSync(path.join(big, `d${d}`, `file-with-a-longish-name-${f}`), '');
      }
      const tree = await scanTree(big);
      const saved = await saveSnapshot(s4, tree, { root: big, started: new Date(), volume: FAKE_VOL });
      const buf = fs.readFileSync(saved.meta.file);
      assert.ok(gunzipSync(buf).length > 1.2 * (1 << 20), 'several gzip members (one per MiB of text)');
      // (in the middle of the entries: the first HEAD_ROOM bytes are the head and an empty member's
      // padding, which holds no data)
      const mid = HEAD_ROOM + Math.floor((buf.length - HEAD_ROOM) / 2);
      for (let i = mid; i < mid + 64; i++) buf[i] ^= 0xff;
      fs.writeFileSync(saved.meta.file, buf);
      assert.equal(listSnapshots(s4).snapshots.length, 1);
      await assert.rejects(loadSnapshot(saved.meta.file), (e: Error) => e.name === 'ImportError' && !e.message.includes('\n'));
      // snapshots --verify reads it whole and reports it
      const v = runCli(['snapshots', '--store', s4, '--verify', '--json']);
      assert.equal(v.code, 1, 'only a bad snapshot: exit 1');
      assert.deepEqual(JSON.parse(v.stdout).snapshots, []);
      assert.match(assertOneLineError(v, 1), /^diskblame: skipped \S+\.json\.gz: \S/);
      // beside a good one: the good one listed, and still exit 1 (a check that found damage)
      await saveSnapshot(s4, tree, { root: big, started: new Date(Date.now() + 60_000), volume: FAKE_VOL });
      const both = runCli(['snapshots', '--store', s4, '--verify', '--json']);
      assert.equal(both.code, 1, 'a damaged snapshot fails --verify');
      assert.equal(JSON.parse(both.stdout).snapshots.length, 1);
      assert.equal(runCli(['snapshots', '--store', s4, '--json']).code, 0, 'a listing (head and tail) lists both');
    } finally {
      rmrf(s4);
    }
  });

  it('prune --keep N keeps the N newest per root; --older-than; --dry-run removes nothing; nothing else is touched', async () => {
    const s5 = makeTmp('snap-store5');
    try {
      const tree = await scanTree(root);
      const day = 86400e3;
      const now = Date.now();
      const ids: Record<string, string[]> = { r1: [], r2: [] };
      for (const r of ['r1', 'r2'])
        for (const age of [40, 20, 10, 1]) {
          const s = await saveSnapshot(s5, tree, { root: `/srv/${r}`, started: new Date(now - age * day), volume: FAKE_VOL });
          ids[r].push(s.meta.id);
        }
      fs.writeFileSync(path.join(s5, 'samples.jsonl'), '');
      fs.writeFileSync(path.join(snapshotsDir(s5), 'README'), 'mine');

      const dry = runCli(['prune', '--store', s5, '--keep', '2', '--dry-run', '--json']);
      assert.equal(dry.code, 0, dry.stderr);
      const dj = JSON.parse(dry.stdout) as { removed: SnapJson[]; kept: SnapJson[] };
      assert.deepEqual(dj.removed.map((s) => s.id).sort(), [...ids.r1.slice(0, 2), ...ids.r2.slice(0, 2)].sort());
      assert.equal(listSnapshots(s5).snapshots.length, 8, 'dry run: nothing removed');

      const older = runCli(['prune', '--store', s5, '--older-than', '30d']);
      assert.equal(older.code, 0, older.stderr);
      assert.match(older.stdout, /^removed \S+/);
      assert.match(older.stdout, /removed 2 snapshots, kept 6\n$/);
      assert.deepEqual(listSnapshots(s5).snapshots.map((s) => s.id).sort(), [...ids.r1.slice(1), ...ids.r2.slice(1)].sort());

      const keep = runCli(['prune', '--store', s5, '--keep', '1', '--json']);
      assert.equal(keep.code, 0, keep.stderr);
      assert.deepEqual(listSnapshots(s5).snapshots.map((s) => s.id).sort(), [ids.r1[3], ids.r2[3]].sort());
      assert.ok(fs.existsSync(path.join(s5, 'samples.jsonl')) && fs.existsSync(path.join(snapshotsDir(s5), 'README')));

      // both rules: only what both let go
      const metas = [1, 5, 9, 40, 50].map((d, i) => ({ ...first, id: `s${i}`, time: new Date(now - d * day).toISOString() }));
      const plan = planPrune(metas, { keep: 2, olderThanMs: 7 * day, now });
      assert.deepEqual(plan.remove.map((s) => s.id).sort(), ['s2', 's3', 's4']);
      assert.deepEqual(pruneSnapshots(s5, { keep: 5 }).removed, []);

      assertOneLineError(runCli(['prune', '--store', s5]), 2);
      assertOneLineError(runCli(['prune', '--store', s5, '--older-than', 'soon']), 2);
      assertOneLineError(runCli(['prune', '--store', s5, '--keep', '-1']), 2);
    } finally {
      rmrf(s5);
    }
  });

  it('two snapshots of one root in the same second: the second gets -2, neither is replaced', async () => {
    const s7 = makeTmp('snap-store7');
    try {
      const tree = await scanTree(root);
      const when = new Date('2026-01-02T03:04:05.600Z');
      const a = await saveSnapshot(s7, tree, { root: '/srv/x', host: 'h', started: when, volume: FAKE_VOL });
      const b = await saveSnapshot(s7, tree, { root: '/srv/x', host: 'h', started: when, volume: FAKE_VOL });
      assert.equal(a.meta.id, snapshotId(when, 'h', '/srv/x'));
      assert.match(a.meta.id, /^20260102T030405Z-h-[0-9a-f]{8}$/);
      assert.equal(b.meta.id, `${a.meta.id}-2`);
      assert.deepEqual(listSnapshots(s7).snapshots.map((s) => s.id), [a.meta.id, b.meta.id]);
      assert.deepEqual(fs.readdirSync(snapshotsDir(s7)).sort(), [`${a.meta.id}.json.gz`, `${b.meta.id}.json.gz`].sort());
    } finally {
      rmrf(s7);
    }
  });

  it('the default store: $XDG_STATE_HOME/diskblame, else ~/.local/state/diskblame; DISKBLAME_STORE and --store override', () => {
    const home = makeTmp('snap-home');
    try {
      const base = { ...process.env, DISKBLAME_DEBUG: '' };
      delete base.DISKBLAME_STORE;
      delete base.XDG_STATE_HOME;
      const at = (env: NodeJS.ProcessEnv, extra: string[] = []) => {
        const r = runCli(['snapshot', root, '--json', ...extra], { env });
        assert.equal(r.code, 0, r.stderr);
        return path.dirname(path.dirname((JSON.parse(r.stdout) as SnapJson).path));
      };
      assert.equal(at({ ...base, HOME: home }), path.join(home, '.local', 'state', 'diskblame'));
      assert.equal(at({ ...base, HOME: home, XDG_STATE_HOME: path.join(home, 'xdg') }), path.join(home, 'xdg', 'diskblame'));
      assert.equal(at({ ...base, HOME: home, XDG_STATE_HOME: path.join(home, 'xdg'), DISKBLAME_STORE: path.join(home, 'env') }), path.join(home, 'env'));
      assert.equal(at({ ...base, HOME: home, DISKBLAME_STORE: path.join(home, 'env') }, ['--store', path.join(home, 'opt')]), path.join(home, 'opt'));
      const listed = runCli(['snapshots', '--json'], { env: { ...base, HOME: home } });
      assert.equal(JSON.parse(listed.stdout).snapshots.length, 1);
    } finally {
      rmrf(home);
    }
  });

  it('parseAge', () => {
    assert.equal(parseAge('30d'), 30 * 86400e3);
    assert.equal(parseAge('12h'), 12 * 3600e3);
    assert.equal(parseAge('2w'), 14 * 86400e3);
    assert.equal(parseAge('90m'), 90 * 60e3);
    assert.equal(parseAge('30'), null);
    assert.equal(parseAge('-1d'), null);
  });

  it('a head bigger than its room (thousands of kinds): the entries move up, the same text; listed, loaded, verified', async () => {
    const tree = await scanTree(root);
    const s6 = makeTmp('snap-store6');
    try {
      // 12,000 kinds of random names: a head of several hundred KiB that gzip cannot shrink below 64 KiB
      const kinds: Record<string, number> = {};
      for (let i = 0; i < 12_000; i++) kinds[`kind-${crypto.randomBytes(12).toString('hex')}`] = i;
      const input = { root, started: new Date(Date.UTC(2026, 0, 2, 3, 4, 5)), host: 'bighead', volume: FAKE_VOL, kinds };
      const now = (await saveSnapshot(s6, tree, input)).meta;
      const { id: _id, file: _file, ...stored } = now;
      const one = path.join(makeTmp('snap-one'), 'one.json.gz');
      const w = new NcduWriter(one, { gzip: true, gzipLevel: SNAPSHOT_GZIP_LEVEL, meta: { x_snapshot: stored } });
      w.writeTree(tree, tree.allNames(), undefined, false);
      const noStamp = (b: Buffer) => b.toString('latin1').replace(/"timestamp":\d+/, '');
      assert.equal(noStamp(gunzipSync(fs.readFileSync(now.file))), noStamp(gunzipSync(fs.readFileSync(one))));
      assert.ok(zlib.deflateRawSync(JSON.stringify(kinds)).length > HEAD_ROOM, 'the head does not fit its room');
      const { snapshots, bad } = listSnapshots(s6);
      assert.deepEqual(bad, []);
      assert.deepEqual(snapshots[0].kinds, kinds);
      assert.equal(await verifySnapshot(snapshots[0]), null);
      assert.deepEqual(comparableTotals(await loadSnapshot(now.file)), comparableTotals(tree));
      rmrf(path.dirname(one));
    } finally {
      rmrf(s6);
    }
  });

  it('headRoomFill: gzip members of exactly n bytes that decompress to nothing (zlib and zcat)', () => {
    for (const n of [0, 26, 27, 100, 65536, 65557, 65558, 65583, 65584, 200_000]) {
      const b = headRoomFill(n);
      assert.equal(b.length, n);
      const z = Buffer.concat([gzipSync('a'), b, gzipSync('b')]);
      assert.equal(gunzipSync(z).toString(), 'ab', `${n}`);
      if (have('zcat')) {
        const f = path.join(store, `fill-${n}.gz`);
        fs.writeFileSync(f, z);
        const r = run('zcat', [f]);
        assert.deepEqual([r.code, r.stdout, r.stderr], [0, 'ab', ''], `zcat ${n}`);
        fs.unlinkSync(f);
      }
    }
  });

  it('a store with room for the snapshot but not twice it takes the snapshot', (t) => {
    if (!isRoot()) return t.skip('needs root to mount a tmpfs');
    // a tree whose snapshot is a few hundred KiB: random names gzip does not shrink much
    const big = makeTmp('snap-room');
    const mnt = makeTmp('snap-room-tmpfs');
    try {
      for (let d = 0; d < 10; d++) {
        fs.mkdirSync(path.join(big, `d${d}`));
        for (let f = 0; f < 1500; f++) fs.writeFileSync(path.join(big, `d${d}`, crypto.randomBytes(24).toString('hex')), '');
      }
      const probe = makeTmp('snap-room-probe');
      const size = (JSON.parse(ok(['snapshot', big, '--store', probe, '--json']).stdout) as SnapJson & { fileBytes: number }).fileBytes;
      rmrf(probe);
      assert.ok(size > 2 * HEAD_ROOM, `${size}`);
      assert.equal(run('mount', ['-t', 'tmpfs', '-o', 'size=16m', 'tmpfs', mnt]).code, 0);
      const st = path.join(mnt, 'store');
      fs.mkdirSync(path.join(st, 'snapshots'), { recursive: true });
      // leave the snapshot's size and a quarter of it free (the store's sample line, the directory)
      const free = fs.statfsSync(mnt).bavail * fs.statfsSync(mnt).bsize;
      const leave = size + Math.max(HEAD_ROOM, size >> 2);
      fs.writeFileSync(path.join(mnt, 'fill'), Buffer.alloc(free - leave));
      assert.ok(fs.statfsSync(mnt).bavail * fs.statfsSync(mnt).bsize < 2 * size, 'less than twice the snapshot is free');
      const r = runCli(['snapshot', big, '--store', st, '--json']);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(listSnapshots(st).snapshots.length, 1);
    } finally {
      run('umount', [mnt]);
      rmrf(mnt);
      rmrf(big);
    }
  });

  it('a store on a full tmpfs: one line "no space left on the device", exit 1, no temp file, earlier snapshots intact', (t) => {
    if (!isRoot()) return t.skip('needs root to mount a tmpfs');
    const mnt = makeTmp('snap-tmpfs');
    const m = run('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', mnt]);
    if (m.code !== 0) {
      rmrf(mnt);
      return t.skip(`cannot mount a tmpfs: ${m.stderr.trim()}`);
    }
    try {
      const st = path.join(mnt, 'store');
      const r1 = ok(['snapshot', root, '--store', st, '--json']);
      const before = JSON.parse(r1.stdout) as SnapJson;
      const bytesBefore = fs.readFileSync(before.path);
      // fill the rest of the tmpfs
      run('dd', ['if=/dev/zero', `of=${path.join(mnt, 'fill')}`, 'bs=4096']);
      assert.ok(fs.statfsSync(mnt).bavail === 0, 'tmpfs is full');
      const r = runCli(['snapshot', root, '--store', st]);
      const line = assertOneLineError(r, 1);
      assert.match(line, /no space left on the device/);
      assert.deepEqual(fs.readdirSync(snapshotsDir(st)), [path.basename(before.path)], 'no temp file left');
      assert.ok(fs.readFileSync(before.path).equals(bytesBefore), 'the earlier snapshot is untouched');
      const list = ok(['snapshots', '--store', st, '--json']);
      assert.deepEqual(JSON.parse(list.stdout).snapshots.map((s: SnapJson) => s.id), [before.id]);
      // scan --save on the full store: the same one line
      assertOneLineError(runCli(['scan', root, '--save', '--store', st]), 1);
      assert.deepEqual(fs.readdirSync(snapshotsDir(st)), [path.basename(before.path)]);
      // a tree whose export is written in several pieces: the failure comes mid-stream, not at the end
      const big = makeTmp('snap-big');
      try {
        for (let d = 0; d < 15; d++) {
          fs.mkdirSync(path.join(big, `d${d}`));
          for (let f = 0; f < 1000; f++) fs.writeFileSync(path.join(big, `d${d}`, `a-rather-long-file-name-${f}`), '');
        }
        const rb = runCli(['snapshot', big, '--store', st]);
        assert.match(assertOneLineError(rb, 1), /no space left on the device/);
        assert.deepEqual(fs.readdirSync(snapshotsDir(st)), [path.basename(before.path)], 'no temp file left');
      } finally {
        rmrf(big);
      }
    } finally {
      run('umount', [mnt]);
      rmrf(mnt);
    }
  });

  it('on a terminal: progress while scanning and saving, cleared before the result; hostile root names escaped in the listing', (t) => {
    if (!fs.existsSync('/usr/bin/script')) return t.skip('no script(1)');
    const s6 = makeTmp('snap-store6');
    try {
      const big = path.join(s6, 'tree\nwith\x1b[31m');
      fs.mkdirSync(big);
      for (let d = 0; d < 20; d++) {
        fs.mkdirSync(path.join(big, `d${d}`));
        for (let f = 0; f < 1000; f++) fs.writeFileSync(path.join(big, `d${d}`, `f${f}`), '');
      }
      const st = path.join(s6, 'store');
      // script gives the command a pseudo-terminal; the path goes through the environment, not the shell
      const r2 = run('script', ['-qec', `"$NODE" "$CLI" snapshot "$TREE" --store "$STORE"`, '/dev/null'], {
        env: { ...process.env, NODE: process.execPath, CLI, TREE: big, STORE: st },
      });
      assert.equal(r2.code, 0, r2.stdout);
      // (a quick scan may end before its first progress frame; saving ticks every 16,384 entries)
      assert.match(r2.stdout, /saving: [\d,]+ entries/);
      assert.match(r2.stdout, /\r\x1b\[K(\r\n)?snapshot \d{8}T/, 'the progress line is cleared before the result');
      const list = ok(['snapshots', '--store', st]).stdout;
      assert.equal(lines(list).length, 2, 'one row: the newline in the root is escaped');
      assert.ok(!list.includes('\x1b'), 'no raw escape byte');
    } finally {
      rmrf(s6);
    }
  });

  it('bad input: a missing path, a store that cannot be created: one line, no stack trace', () => {
    assertOneLineError(runCli(['snapshot', path.join(work, 'missing')], { env: { ...process.env, ...env() } }), 1);
    const file = path.join(work, 'a-file');
    fs.writeFileSync(file, 'x');
    const l = assertOneLineError(runCli(['snapshot', root, '--store', path.join(file, 'store')]), 1);
    assert.match(l, /not a directory/);
    assert.equal(readSnapshotMeta(first.path)?.id, first.id);
  });
});
