/**
 * The bench's real-shaped tree builder (bench/realtree.ts) on a small shape made here: odd names
 * (invalid UTF-8, a newline), hard links, symlinks (one dangling), a FIFO, a sparse file. Each
 * copy must be an exact structural copy (names, types, apparent sizes, mtimes, link targets),
 * with the link counts the plan says and no FIFO.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { copyName, countNames, ensureRealTree, readShape, stampPath } from '../bench/realtree.js';

let tmp = '';
let shape = '';
const B = (...parts: (string | Buffer)[]): Buffer => Buffer.concat(parts.map((p, i) => Buffer.concat([i ? Buffer.from('/') : Buffer.alloc(0), Buffer.from(p)])));
const ODD = Buffer.from([0x6f, 0xff, 0xfe, 0x0a, 0x64]); // o, two bytes that are not UTF-8, a newline, d

before(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'diskblame-realtree-'));
  shape = path.join(tmp, 'shape');
  const S = Buffer.from(shape);
  fs.mkdirSync(path.join(shape, 'a', 'b'), { recursive: true });
  fs.mkdirSync(B(S, ODD));
  fs.mkdirSync(path.join(shape, 'empty'));
  // regular files of several sizes, enough for planned links every 3rd file
  for (let i = 0; i < 10; i++) fs.writeFileSync(path.join(shape, 'a', `f${i}`), 'x'.repeat(i * 7));
  fs.writeFileSync(B(S, ODD, ODD), 'odd name\n');
  fs.writeFileSync(path.join(shape, 'a', 'b', '-dash and space'), 'y');
  // a sparse file: 64 MiB apparent, nothing written
  const fd = fs.openSync(path.join(shape, 'a', 'b', 'sparse'), 'w');
  fs.ftruncateSync(fd, 64 * 2 ** 20);
  fs.closeSync(fd);
  // hard links: three names of one inode
  fs.writeFileSync(path.join(shape, 'a', 'hl'), 'hard');
  fs.linkSync(path.join(shape, 'a', 'hl'), path.join(shape, 'a', 'b', 'hl2'));
  fs.linkSync(path.join(shape, 'a', 'hl'), B(S, ODD, 'hl3'));
  // symlinks: to a file, dangling, to a directory, with odd target bytes
  fs.symlinkSync('../a/f1', path.join(shape, 'empty', 'to-f1'));
  fs.symlinkSync('/nonexistent/target', path.join(shape, 'dangling'));
  fs.symlinkSync('a', path.join(shape, 'to-a'));
  fs.symlinkSync(ODD, B(S, 'odd-target'));
  // a FIFO: never copied
  const mk = spawnSync('mkfifo', [path.join(shape, 'a', 'fifo')]);
  assert.equal(mk.status, 0, 'mkfifo');
  // mtimes from the past, children before parents
  let t = 1_600_000_000.25;
  const walk = (p: Buffer): void => {
    const st = fs.lstatSync(p);
    if (st.isDirectory()) for (const n of fs.readdirSync(p, { encoding: 'buffer' })) walk(B(p, n));
    fs.lutimesSync(p, t, t);
    t += 3600.5;
  };
  walk(S);
});

after(() => {
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

interface Seen {
  type: string;
  size: number;
  mtimeMs: number;
  target?: string;
  ino: number;
  nlink: number;
  blocks: number;
}

/** Every name under `root` (relative, as hex of its bytes) with what the builder must copy. */
function snapshot(root: string): Map<string, Seen> {
  const out = new Map<string, Seen>();
  const walk = (abs: Buffer, rel: Buffer): void => {
    const st = fs.lstatSync(abs);
    const type = st.isDirectory() ? 'dir' : st.isFile() ? 'file' : st.isSymbolicLink() ? 'symlink' : st.isFIFO() ? 'fifo' : 'other';
    out.set(rel.toString('hex'), {
      type,
      size: type === 'dir' ? 0 : st.size,
      mtimeMs: st.mtimeMs,
      ...(type === 'symlink' ? { target: fs.readlinkSync(abs, { encoding: 'buffer' }).toString('hex') } : {}),
      ino: st.ino,
      nlink: st.nlink,
      blocks: st.blocks,
    });
    if (type === 'dir') for (const n of fs.readdirSync(abs, { encoding: 'buffer' })) walk(B(abs, n), rel.length ? B(rel, n) : n);
  };
  walk(Buffer.from(root), Buffer.alloc(0));
  return out;
}

test('the builder copies the shape exactly, sparse, with the planned hard links and no FIFO', () => {
  const dest = path.join(tmp, 'cache', 'rt');
  const s = readShape(shape, 3);
  assert.equal(s.skippedSpecial, 1, 'the FIFO is skipped');
  const src = snapshot(shape);
  const perCopy = src.size - 1; // minus the FIFO
  assert.equal(s.entries.length, perCopy);

  const r = ensureRealTree({ shape, dest, entries: perCopy * 3, linkEvery: 3 });
  assert.equal(r.copies, 3);
  assert.equal(r.entries, 1 + 3 * perCopy);
  assert.match(r.how, /^built/);
  assert.equal(countNames(dest), r.entries);
  assert.deepEqual(fs.readdirSync(dest).sort(), [copyName(0), copyName(1), copyName(2)]);

  // the plan: regular files with one link, every 3rd in the walk's (byte-sorted) order
  const singles = [...src.values()].filter((e) => e.type === 'file' && e.nlink === 1).length;
  const planned = s.entries.filter((e) => e.planned);
  assert.equal(planned.length, Math.floor(singles / 3));
  assert.ok(planned.length >= 3);
  assert.equal(r.plannedLinks, planned.length * 2);
  const plannedHex = new Set(planned.map((e) => e.rel.toString('hex')));

  const copies = [0, 1, 2].map((c) => snapshot(path.join(dest, copyName(c))));
  for (const [c, copy] of copies.entries()) {
    assert.equal(copy.size, perCopy, `copy ${c}: same number of names`);
    for (const [rel, want] of src) {
      const got = copy.get(rel);
      if (want.type === 'fifo') {
        assert.equal(got, undefined, 'no FIFO copied');
        continue;
      }
      assert.ok(got, `copy ${c} has ${Buffer.from(rel, 'hex').toString()}`);
      assert.equal(got.type, want.type, rel);
      assert.equal(got.size, want.size, rel);
      assert.equal(got.target, want.target, rel);
      assert.ok(Math.abs(got.mtimeMs - want.mtimeMs) < 1, `mtime of ${rel}: ${got.mtimeMs} vs ${want.mtimeMs}`);
      if (want.type !== 'file') continue;
      assert.ok(got.blocks * 512 <= Math.max(want.size, 4096), `${rel} is sparse (${got.blocks} blocks for ${got.size} bytes)`);
      if (want.nlink > 1) assert.equal(got.nlink, want.nlink, `the shape's own hard link ${rel}`);
      else if (plannedHex.has(rel)) {
        assert.equal(got.nlink, 3, `planned link ${rel}: copy 0's file and two links`);
        assert.equal(got.ino, copies[0]!.get(rel)!.ino, `planned link ${rel} is copy 0's inode`);
      } else assert.equal(got.nlink, 1, rel);
    }
  }
  // the shape's own hard links stay within each copy: one inode per copy
  const hl = Buffer.from('a/hl').toString('hex');
  assert.equal(new Set(copies.map((c) => c.get(hl)!.ino)).size, 3);
  assert.equal(copies[1]!.get(B('a/b/hl2').toString('hex'))!.ino, copies[1]!.get(hl)!.ino);
  assert.equal(copies[2]!.get(B(ODD, 'hl3').toString('hex'))!.ino, copies[2]!.get(hl)!.ino);
  // the sparse file costs (almost) nothing
  const sp = copies[2]!.get(Buffer.from('a/b/sparse').toString('hex'))!;
  assert.equal(sp.size, 64 * 2 ** 20);
  assert.ok(sp.blocks <= 8, `sparse copy has ${sp.blocks} blocks`);

  // reused while the stamp matches; rebuilt when the shape changes
  assert.match(ensureRealTree({ shape, dest, entries: perCopy * 3, linkEvery: 3 }).how, /^reused/);
  fs.writeFileSync(path.join(shape, 'a', 'new'), 'new');
  const r2 = ensureRealTree({ shape, dest, entries: perCopy * 3, linkEvery: 3 });
  assert.match(r2.how, /^built/);
  assert.equal(r2.shapeEntries, perCopy + 1);
  assert.equal(countNames(dest), 1 + 3 * (perCopy + 1));
  assert.deepEqual(fs.readFileSync(path.join(dest, copyName(2), 'a', 'new')), Buffer.alloc(3), 'only the size is copied: a hole, no contents');
  fs.unlinkSync(path.join(shape, 'a', 'new'));
  const stamp = JSON.parse(fs.readFileSync(stampPath(dest), 'utf8')) as { state: string; copies: number };
  assert.equal(stamp.state, 'complete');
  assert.equal(stamp.copies, 3);
});

test('a directory that is not a real-shaped tree is never removed', () => {
  const dest = path.join(tmp, 'foreign');
  fs.mkdirSync(dest);
  fs.writeFileSync(path.join(dest, 'keep'), 'mine');
  assert.throws(() => ensureRealTree({ shape, dest, entries: 10, linkEvery: 250 }), /not a real-shaped bench tree/);
  assert.equal(fs.readFileSync(path.join(dest, 'keep'), 'utf8'), 'mine');
});
