/**
 * The tree's compact per-entry storage gives back exactly what was added: front-coded names (read
 * in index order, backwards, at random, after the name buffer grew, through allNames and through a
 * copy for another thread), and the attribute table (mode, owner, disk-size kind) past 256 and
 * 65,536 distinct triples, with disk sizes of every kind (none, the apparent size rounded up to
 * 4 KiB, other multiples of 512, odd, past 2^32 blocks, past 2^53); each directory's children,
 * whether they are one run of entries (no index kept) or scattered, before and after removals.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Tree, treeData, treeFromData } from '../src/tree/tree.js';
import { ncduParseAddon } from '../src/import/native-parse.js';
import { emptyEntry, EntryType, type Entry } from '../src/model/entry.js';
import type { Bytes } from '../src/util/exact.js';
import { NF, R_ASIZE, R_DEV, R_DSIZE, R_FLAGS, R_GID, R_INO, R_MODE, R_MTIME, R_NLINK, R_UID, RF_BIG, RF_EXCL_SHIFT, RF_READERR } from '../src/scan/worker.js';

/** a small deterministic generator (the same trees on every run) */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const enc = new TextEncoder();

/** names with long shared prefixes, none, lengths across the varint steps (0x80, 0x4000) */
function makeName(r: () => number, prev: Uint8Array, k: number): Uint8Array {
  const pick = r();
  if (pick < 0.35 && prev.length > 0) {
    // the previous name with another tail (a prefix up to its whole length, more than 255 bytes too)
    const keep = Math.floor(r() * (prev.length + 1));
    const tail = enc.encode(`.${k}`);
    const out = new Uint8Array(keep + tail.length);
    out.set(prev.subarray(0, keep));
    out.set(tail, keep);
    return out;
  }
  if (pick < 0.4) return prev.slice(); // the same name again (another directory's)
  const lens = [1, 2, 5, 19, 127, 128, 129, 300, 0x3fff, 0x4000, 0x4001];
  const len = pick < 0.45 ? lens[Math.floor(r() * lens.length)] : 1 + Math.floor(r() * 40);
  const out = new Uint8Array(len);
  for (let j = 0; j < len; j++) out[j] = 1 + Math.floor(r() * 255); // any byte but NUL, '/' too
  return out;
}

function entry(name: Uint8Array, type: EntryType, asize: Bytes, dsize: Bytes, mode: number, uid: number, gid: number): Entry {
  return { ...emptyEntry(), name, type, asize, dsize, mode, uid, gid, mtime: 1_700_000_000 };
}

interface Want {
  name: Uint8Array;
  asize: Bytes;
  dsize: Bytes;
  mode: number;
  uid: number;
  gid: number;
}

/** a tree of `n` entries (every 9th a directory) and what each entry should read back */
function build(n: number, seed: number, attrs: (k: number) => { mode: number; uid: number; gid: number }): { tree: Tree; want: Want[] } {
  const r = rng(seed);
  const tree = new Tree(); // no capacity hint: the name buffer and the arrays grow while adding
  const want: Want[] = [];
  const dirs: number[] = [];
  let prev = enc.encode('/a/root/path');
  const root = tree.addRoot(entry(prev, EntryType.Dir, 4096, 4096, 0o40755, 0, 0));
  want.push({ name: prev, asize: 4096, dsize: 4096, mode: 0o40755, uid: 0, gid: 0 });
  dirs.push(root);
  for (let k = 1; k < n; k++) {
    const name = makeName(r, prev, k);
    prev = name;
    const isDir = k % 9 === 0;
    const asize = Math.floor(r() * 100_000);
    const kind = r();
    const dsize: Bytes =
      kind < 0.3 ? 0
      : kind < 0.8 ? Math.ceil(asize / 4096) * 4096
      : kind < 0.9 ? 512 * Math.floor(r() * 1000)
      : kind < 0.94 ? 1 + Math.floor(r() * 5000) // not blocks (an import's)
      : kind < 0.97 ? 2 ** 44 + 512 // past 2^32 blocks
      : 2n ** 60n + 3n; // past 2^53
    const a = attrs(k);
    const parent = dirs[Math.floor(r() * dirs.length)];
    const i = tree.addUnder(parent, entry(name, isDir ? EntryType.Dir : EntryType.File, asize, dsize, a.mode, a.uid, a.gid));
    assert.equal(i, k);
    if (isDir) dirs.push(i);
    want.push({ name, asize, dsize, ...a });
  }
  tree.finish({ timestamp: 0, producer: 'test', incomplete: false });
  return { tree, want };
}

function check(tree: Tree, want: Want[], order: number[], label: string): void {
  for (const i of order) {
    assert.deepEqual(Buffer.from(tree.nameOf(i)), Buffer.from(want[i].name), `${label}: name of ${i}`);
    assert.equal(tree.exactOwnD(i), want[i].dsize, `${label}: disk usage of ${i}`);
    assert.equal(tree.ownD(i), Number(want[i].dsize), `${label}: disk usage (double) of ${i}`);
    assert.equal(tree.exactOwnA(i), want[i].asize, `${label}: apparent size of ${i}`);
    assert.equal(tree.modeOf(i), want[i].mode, `${label}: mode of ${i}`);
    assert.equal(tree.uidOf(i), want[i].uid, `${label}: uid of ${i}`);
    assert.equal(tree.gidOf(i), want[i].gid, `${label}: gid of ${i}`);
  }
}

describe('tree: compact names and attributes', () => {
  it('front-coded names and every disk-size kind read back exactly, in any order', () => {
    const { tree, want } = build(6000, 1, (k) => ({ mode: 0o100644 | (k % 3), uid: 1000 + (k % 5), gid: 100 }));
    const n = want.length;
    const fwd = Array.from({ length: n }, (_, i) => i);
    check(tree, want, fwd, 'in order');
    check(tree, want, fwd.slice().reverse(), 'backwards');
    const r = rng(7);
    check(tree, want, Array.from({ length: 20_000 }, () => Math.floor(r() * n)), 'at random');
    // the same entry twice in a row, and a name held while others are read: each answer stands alone
    const held = tree.nameOf(5);
    tree.nameOf(6);
    tree.nameOf(5);
    tree.nameOf(4);
    assert.deepEqual(Buffer.from(held), Buffer.from(want[5].name));
    // the addon's decoder where it loads, and this one's own
    for (const native of [true, false]) {
      const all = tree.allNames(native);
      for (let i = 0; i < n; i++)
        assert.deepEqual(Buffer.from(all.bytes.subarray(all.off[i], all.off[i] + all.len[i])), Buffer.from(want[i].name), `allNames ${i} (native ${native})`);
    }
    // the copy for another thread reads the same
    const { fields } = treeData(tree);
    check(treeFromData(structuredClone(fields)), want, fwd, 'treeData copy');
    assert.ok(tree.namesLen < want.reduce((s, w) => s + w.name.length, 0), 'shared prefixes are stored once');
  });

  it('the attribute table widens past 256 and 65,536 distinct (mode, owner, disk-size kind) triples', () => {
    // 70,000 distinct owners, each entry's own: the attribute array becomes 16 then 32 bits wide
    const { tree, want } = build(70_000, 2, (k) => ({ mode: k % 2 ? 0o100600 : -1, uid: k, gid: k % 7 }));
    const n = want.length;
    check(tree, want, Array.from({ length: n }, (_, i) => i), 'wide');
    assert.ok(tree.attr instanceof Uint32Array, 'the attribute array is 32 bits wide');
    assert.equal(tree.modeOf(2), -1, 'an unknown mode stays unknown');
    // as many devices as directories (an import's): the device index widens too
    const t = new Tree();
    t.addRoot({ ...entry(enc.encode('/r'), EntryType.Dir, 0, 0, 0o40755, 0, 0), dev: 7 });
    for (let k = 1; k <= 70_000; k++) t.addUnder(0, { ...entry(enc.encode(`d${k}`), EntryType.Dir, 0, 0, 0o40755, 0, 0), dev: 2 ** 40 + k });
    t.addUnder(70_000, entry(enc.encode('f'), EntryType.File, 1, 4096, 0o100644, 0, 0));
    t.finish({ timestamp: 0, producer: 'test', incomplete: false });
    assert.ok(t.dirDevIx instanceof Uint32Array, 'the device index is 32 bits wide');
    assert.equal(t.devOf(0), 7);
    for (let k = 1; k <= 70_000; k += 997) assert.equal(t.devOf(k), 2 ** 40 + k, `device of ${k}`);
    assert.equal(t.devOf(70_001), 2 ** 40 + 70_000, "a file's device is its directory's");
  });

  it('children: runs of entries without an index, scattered ones listed, removals and additions after the scan', () => {
    /** every directory's children by brute force (parent links), ascending */
    const brute = (t: Tree, i: number): number[] => {
      const out: number[] = [];
      for (let k = 1; k < t.count; k++) if (t.parent[k] === i && !t.removed(k)) out.push(k);
      return out;
    };
    const all = (t: Tree, label: string) => {
      for (let i = 0; i < t.count; i++)
        if (t.isDir(i) && !t.removed(i)) assert.deepEqual(Array.from(t.children(i)), brute(t, i), `${label}: children of ${i}`);
    };
    const { tree } = build(3000, 3, () => ({ mode: 0o100644, uid: 0, gid: 0 })); // random parents: scattered
    all(tree, 'scattered');
    assert.ok(tree.kids.length > 0, 'scattered children are listed');
    // a scan's shape: each directory's listing in one block
    const t = new Tree();
    const dir = (name: string) => entry(enc.encode(name), EntryType.Dir, 4096, 4096, 0o40755, 0, 0);
    const file = (name: string) => entry(enc.encode(name), EntryType.File, 10, 4096, 0o100644, 0, 0);
    t.addRoot(dir('/r'));
    const a = t.addUnder(0, dir('a'));
    t.addUnder(0, file('x'));
    const b = t.addUnder(0, dir('b'));
    for (let k = 0; k < 5; k++) t.addUnder(a, file(`a${k}`));
    for (let k = 0; k < 3; k++) t.addUnder(b, file(`b${k}`));
    t.finish({ timestamp: 0, producer: 'test', incomplete: false });
    all(t, 'runs');
    assert.equal(t.kids.length, 0, 'no child index for runs');
    const { fields } = treeData(t);
    all(treeFromData(structuredClone(fields)), 'runs, treeData copy');
    t.removeSubtree(5); // a1: a's children are no longer one run
    all(t, 'after a removal');
    assert.ok(t.kidScattered[t.asize32[a]] === 1);
    const sub = new Tree();
    sub.addRoot(dir('/r/b'));
    sub.addUnder(0, file('new'));
    sub.finish({ timestamp: 0, producer: 'test', incomplete: false });
    t.replaceChildren(b, sub);
    all(t, 'after a rescan of b');
    assert.deepEqual(Array.from(t.children(b)).map((k) => Buffer.from(t.nameOf(k)).toString()), ['new']);
  });

  it('the child index: the export addon (ncduparse.c kidsIndex) builds the same arrays as the JavaScript reference, scattered, runs and after removals', () => {
    const addon = ncduParseAddon();
    const idx = (t: Tree, native: boolean) => {
      (t as unknown as { buildKids(native: boolean): void }).buildKids(native);
      return { first: Array.from(t.kidFirst), n: Array.from(t.kidN), scattered: Array.from(t.kidScattered), kids: Array.from(t.kids) };
    };
    const same = (t: Tree, label: string) => {
      const js = idx(t, false);
      const native = idx(t, true);
      assert.deepEqual(native, js, label);
      return js;
    };
    const { tree } = build(40_000, 7, () => ({ mode: 0o100644, uid: 0, gid: 0 })); // random parents: scattered
    assert.ok(same(tree, 'scattered').kids.length > 0);
    // a scan's shape past the addon's threshold: runs, then a removal in the middle of one
    const t = new Tree();
    const dir = (name: string) => entry(enc.encode(name), EntryType.Dir, 4096, 4096, 0o40755, 0, 0);
    const file = (name: string) => entry(enc.encode(name), EntryType.File, 10, 4096, 0o100644, 0, 0);
    t.addRoot(dir('/r'));
    const dirs: number[] = [];
    for (let d = 0; d < 50; d++) dirs.push(t.addUnder(0, dir(`d${d}`)));
    for (const d of dirs) for (let k = 0; k < 200; k++) t.addUnder(d, file(`f${k}`));
    t.finish({ timestamp: 0, producer: 'test', incomplete: false });
    assert.equal(same(t, 'runs').kids.length, 0);
    t.removeSubtree(dirs[3] + 10);
    t.removeSubtree(dirs[7]);
    assert.ok(same(t, 'after removals').kids.length > 0);
    if (addon === null) return; // (no addon: the JavaScript reference was compared with itself)
    assert.equal(typeof addon.kidsIndex, 'function', 'the export addon has kidsIndex');
    // a parent out of range is a TypeError, never a write out of bounds
    const n = t.count;
    const bad = Uint32Array.from(t.parent.subarray(0, n));
    bad[n - 1] = n + 5;
    const dc = t.dirCount;
    assert.throws(() => addon.kidsIndex!(t.flags, bad, t.asize32, n, 0x70, 0x70, new Uint32Array(dc), new Uint32Array(dc), new Uint8Array(dc), null), TypeError);
  });

  it('a scanned system stores no disk-size slot when every size is 0 or rounded up to 4 KiB', () => {
    const tree = new Tree();
    tree.addRoot(entry(enc.encode('/r'), EntryType.Dir, 4096, 4096, 0o40755, 0, 0));
    for (let k = 1; k < 100; k++) tree.addUnder(0, entry(enc.encode(`f${k}`), EntryType.File, k * 1000, k % 4 ? Math.ceil((k * 1000) / 4096) * 4096 : 0, 0o100644, 0, 0));
    assert.equal(tree.dsize32.length, 0, 'no dsize32 slots');
    tree.addUnder(0, entry(enc.encode('sparse'), EntryType.File, 10_000_000, 8192, 0o100644, 0, 0));
    assert.ok(tree.dsize32.length > 0, 'the first other size allocates them');
    tree.finish({ timestamp: 0, producer: 'test', incomplete: false });
    assert.equal(tree.exactOwnD(100), 8192);
    assert.equal(tree.exactOwnD(4), 0);
    assert.equal(tree.exactOwnD(5), 8192);
  });

  it('mtimes: 16-bit indexes into a table of the distinct ones, the seconds themselves past 65,536', () => {
    const t = new Tree();
    const want: number[] = [];
    const add = (mtime: number) => {
      const k = want.length;
      const e = { ...entry(enc.encode(`f${k}`), k ? EntryType.File : EntryType.Dir, 1, 4096, 0o100644, 0, 0), mtime };
      if (k) t.addUnder(0, e);
      else t.addRoot(e);
      want.push(mtime < 0 ? -1 : Math.trunc(Math.min(mtime, 0xfffffffe)));
    };
    // runs of one time, times seen before, unknown ones, past 2^32
    for (let k = 0; k < 1000; k++) add([1_700_000_000 + (k >> 4), 5, -1, 2 ** 33, 1_600_000_000 + (k % 7)][k % 5]);
    assert.ok(t.mtime instanceof Uint16Array && !t.mtimeRaw, 'indexes while few');
    assert.ok(t.mtimes.length < 300);
    for (let i = 0; i < want.length; i++) assert.equal(t.mtimeOf(i), want[i], `mtime of ${i}`);
    // every file its own time: past 65,536 distinct ones the array holds the seconds
    for (let k = 0; k < 80_000; k++) add(k % 10 === 0 ? -1 : 1_000_000 + k * 3);
    t.finish({ timestamp: 0, producer: 'test', incomplete: false });
    assert.ok(t.mtime instanceof Uint32Array && t.mtimeRaw, 'the seconds past 65,536 distinct times');
    for (let i = 0; i < want.length; i++) assert.equal(t.mtimeOf(i), want[i], `mtime of ${i} (raw)`);
    const copy = treeFromData(structuredClone(treeData(t).fields));
    for (let i = 0; i < want.length; i += 13) assert.equal(copy.mtimeOf(i), want[i], `copy: mtime of ${i}`);
    const few = new Tree();
    few.addRoot({ ...entry(enc.encode('/r'), EntryType.Dir, 0, 0, 0o40755, 0, 0), mtime: 77 });
    const fc = treeFromData(structuredClone(treeData(few).fields));
    assert.equal(fc.mtimeOf(0), 77, 'copy of an indexed tree');
  });

  it("addListing takes the scan engine's packed records: the same tree as adding each entry", () => {
    // the entries of a random tree, as records (scan/worker.ts layout), each parent's run in one listing
    const { tree: ref, want } = build(4000, 5, (k) => ({ mode: k % 11 ? 0o100644 : -1, uid: k % 3, gid: 7 }));
    const n = want.length;
    const nums = new Float64Array(n * NF);
    const names = Buffer.alloc(n * 2 + want.reduce((s, w) => s + w.name.length, 0));
    const big: [number, bigint, bigint, bigint][] = [];
    const offs: number[] = [];
    let no = 0;
    const e = emptyEntry();
    for (let i = 0; i < n; i++) {
      ref.entryOf(i, e);
      // some entries unreadable, some excluded, some hard links: their flags travel too
      const readErr = i % 17 === 3;
      const excl = i % 29 === 5 ? 2 : 0;
      const nlink = i % 13 === 4 && !ref.isDir(i) ? 3 : 1;
      const o = i * NF;
      nums[o + R_ASIZE] = Number(e.asize);
      nums[o + R_DSIZE] = Number(e.dsize);
      nums[o + R_DEV] = 5;
      nums[o + R_INO] = 1000 + i;
      nums[o + R_NLINK] = nlink;
      nums[o + R_MTIME] = 1_700_000_000 + (i % 100);
      nums[o + R_UID] = e.uid;
      nums[o + R_GID] = e.gid;
      nums[o + R_MODE] = e.mode;
      let rf = e.type | (readErr ? RF_READERR : 0) | (excl << RF_EXCL_SHIFT);
      if (typeof e.asize !== 'number' || typeof e.dsize !== 'number') {
        rf |= RF_BIG;
        big.push([i, BigInt(e.asize), BigInt(e.dsize), BigInt(1000 + i)]);
      }
      nums[o + R_FLAGS] = rf;
      offs.push(no);
      names[no] = e.name.length & 0xff;
      names[no + 1] = e.name.length >> 8;
      names.set(e.name, no + 2);
      no += 2 + e.name.length;
    }
    const one = new Tree();
    const batch = new Tree();
    for (let i = 0; i < n; i++) {
      const o = i * NF;
      const rf = nums[o + R_FLAGS];
      const b = big.find((x) => x[0] === i);
      const en: Entry = {
        name: want[i].name,
        type: rf & 3,
        asize: b ? b[1] <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(b[1]) : b[1] : nums[o + R_ASIZE],
        dsize: b ? b[2] <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(b[2]) : b[2] : nums[o + R_DSIZE],
        dev: 5,
        ino: 1000 + i,
        nlink: nums[o + R_NLINK],
        mtime: nums[o + R_MTIME],
        uid: nums[o + R_UID],
        gid: nums[o + R_GID],
        mode: nums[o + R_MODE],
        readError: (rf & RF_READERR) !== 0,
        excluded: (rf >> RF_EXCL_SHIFT) & 7,
      };
      if (i === 0) one.addRoot(en);
      else one.addUnder(ref.parent[i], en);
    }
    batch.addRoot(one.entryOf(0, emptyEntry()));
    for (let i = 1; i < n; ) {
      let j = i + 1;
      while (j < n && ref.parent[j] === ref.parent[i]) j++;
      assert.equal(batch.addListing(ref.parent[i], nums, names, i, j - i, offs[i], big), i, 'the first entry of a listing');
      i = j;
    }
    for (const t of [one, batch]) t.finish({ timestamp: 0, producer: 'test', incomplete: false });
    assert.deepEqual(Buffer.from(batch.names.subarray(0, batch.namesLen)), Buffer.from(one.names.subarray(0, one.namesLen)), 'the same name bytes');
    const ea = emptyEntry();
    const eb = emptyEntry();
    for (let i = 0; i < n; i++) {
      assert.deepEqual(batch.entryOf(i, eb), one.entryOf(i, ea), `entry ${i}`);
      assert.equal(batch.parent[i], one.parent[i]);
      assert.equal(batch.isHardlink(i), one.isHardlink(i), `hard link ${i}`);
      assert.equal(batch.exactSizeD(i), one.exactSizeD(i), `total of ${i}`);
    }
    assert.ok(one.linkCount > 0 && big.length > 0, 'hard links and exact values were there');
    assert.deepEqual(batch.totals(), one.totals());
  });
});

describe('the largest files and directories', () => {
  it('are those a sort of every entry by ownA / ownD (files) and sizeA / sizeD (directories) finds, ties in index order', () => {
    const r = rng(13);
    const t = new Tree();
    t.addRoot(entry(enc.encode('/r'), EntryType.Dir, 4096, 4096, 0o40755, 0, 0));
    // sizes of every kind: rounded to 4 KiB, none, odd blocks, past 2^32 (spilled), past 2^53, many ties
    const sizes: [Bytes, Bytes][] = [
      [10, 4096],
      [5000, 8192],
      [5000, 0],
      [2 ** 33 + 5, 2 ** 33 + 4096],
      [2n ** 60n + 3n, 2n ** 60n + 4096n],
      [4096, 4096],
      [123456, 1024],
      [2 ** 32 - 1, 2 ** 32],
      [7, 512],
    ];
    let dirs = 0;
    for (let k = 0; k < 3000; k++) {
      const [a, d] = sizes[Math.floor(r() * sizes.length)];
      if (r() < 0.1) {
        if (dirs++ > 0) t.leaveDir();
        t.enterDir(entry(enc.encode(`d${k}`), EntryType.Dir, 4096, 4096, 0o40755, 0, 0));
      } else t.addEntry(entry(enc.encode(`f${k}`), r() < 0.9 ? EntryType.File : EntryType.Symlink, a, d, 0o100644, 0, 0));
    }
    t.finish({ timestamp: 0, producer: 'test', incomplete: false });
    const rank = (idx: number[], key: (i: number) => number, n: number) =>
      idx
        .map((i) => [i, key(i)] as const)
        .sort((x, y) => y[1] - x[1] || x[0] - y[0])
        .slice(0, n)
        .map((x) => x[0]);
    const all = Array.from({ length: t.count }, (_, i) => i);
    const files = all.filter((i) => t.type(i) === EntryType.File);
    const below = all.filter((i) => i > 0 && t.isDir(i));
    for (const n of [0, 1, 10, 50, 5000]) {
      assert.deepEqual(t.largestFiles(n, false), rank(files, (i) => t.ownD(i), n), `files by disk usage, ${n}`);
      assert.deepEqual(t.largestFiles(n, true), rank(files, (i) => t.ownA(i), n), `files by apparent size, ${n}`);
      assert.deepEqual(t.largestDirs(n, false), rank(below, (i) => t.sizeD(i), n), `directories by disk usage, ${n}`);
      assert.deepEqual(t.largestDirs(n, true), rank(below, (i) => t.sizeA(i), n), `directories by apparent size, ${n}`);
    }
  });
});
