/**
 * Deleting without the UI (src/util/delete.ts through src/tree/delete.ts): never outside the
 * scanned root whatever is swapped in meanwhile (symlinks, renamed or replaced directories, mounts),
 * exact bytes, iterative (chains far deeper than the stack, with few fds), failures as results.
 * Rescan by exact bytes (src/scan/rescan.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { Tree } from '../src/tree/tree.js';
import { FilteredTree } from '../src/tree/filter.js';
import { deleteEntry, deleteOwnerEntries } from '../src/tree/delete.js';
import { RootedDeleter } from '../src/util/delete.js';
import { canRescan, rescanDir } from '../src/scan/rescan.js';
import { entryAt } from '../src/tree/filter.js';
import { bpath, makeChain, makeTmp, rmrf, writeSized } from './helpers/fs.js';
import { scanTree, loadExport } from './helpers/tree.js';
import { HOSTILE_DIR, makeHostileTree } from './helpers/hostile.js';
import { REPO, isRoot, run } from './helpers/run.js';

/** entry index by path below the root */
function at(t: Tree, root: string, rel: string | Buffer): number {
  const i = entryAt(t, typeof rel === 'string' ? path.join(root, rel) : bpath(root, rel));
  assert.ok(i > 0, `no ${String(rel)} in the tree`);
  return i;
}

/** root/parent/victim/{v1, sub/v2} and root/keep/k; a canary directory outside the root */
function fixture(): { base: string; root: string; outside: string } {
  const base = makeTmp('del');
  const root = path.join(base, 'root');
  const outside = path.join(base, 'elsewhere');
  fs.mkdirSync(path.join(root, 'parent', 'victim', 'sub'), { recursive: true });
  writeSized(path.join(root, 'parent', 'victim', 'v1'), 10_000);
  writeSized(path.join(root, 'parent', 'victim', 'sub', 'v2'), 20_000);
  fs.mkdirSync(path.join(root, 'keep'));
  writeSized(path.join(root, 'keep', 'k'), 5_000);
  // the canary: what a path-based delete would remove after the swap
  fs.mkdirSync(path.join(outside, 'victim', 'sub'), { recursive: true });
  writeSized(path.join(outside, 'victim', 'canary'), 3_000);
  writeSized(path.join(outside, 'victim', 'sub', 'v2'), 3_000);
  return { base, root, outside };
}

/** base/\xff and base/\uFFFD (what a lossy decoding of the first one gives) */
function twins(base: string): { ff: Buffer; repl: string } {
  const ff = bpath(base, [0xff]);
  const repl = path.join(base, '\uFFFD');
  fs.mkdirSync(ff);
  fs.mkdirSync(repl);
  return { ff, repl };
}

function assertCanary(outside: string): void {
  assert.ok(fs.existsSync(path.join(outside, 'victim', 'canary')), 'the canary outside the root survived');
  assert.ok(fs.existsSync(path.join(outside, 'victim', 'sub', 'v2')), 'the canary outside the root survived');
}

test('a directory with everything in it: gone from the disk and the tree; a symlink inside is removed, never followed', async () => {
  const { base, root, outside } = fixture();
  try {
    fs.symlinkSync(outside, path.join(root, 'parent', 'victim', 'link-out'));
    const t = await scanTree(root);
    const before = t.sizeD(0);
    const i = at(t, root, 'parent/victim');
    const r = deleteEntry(t, i);
    assert.equal(r.refused, null);
    assert.deepEqual(r.failures, []);
    assert.equal(r.deleted, 5, 'victim, sub, v1, v2, link-out');
    assert.ok(r.freed >= 30_000, `freed ${r.freed}`);
    assert.equal(r.stale, false);
    assert.ok(!fs.existsSync(path.join(root, 'parent', 'victim')));
    assert.ok(fs.existsSync(path.join(root, 'keep', 'k')));
    assertCanary(outside);
    assert.ok(t.removed(i), 'gone from the tree');
    assert.ok(t.sizeD(0) < before, 'totals follow');
  } finally {
    rmrf(base);
  }
});

test('the race: parent swapped for a symlink to a canary outside after the scan: refused, nothing removed', async () => {
  const { base, root, outside } = fixture();
  try {
    const t = await scanTree(root);
    const i = at(t, root, 'parent/victim');
    fs.renameSync(path.join(root, 'parent'), path.join(root, 'parent.real'));
    fs.symlinkSync(outside, path.join(root, 'parent'));
    const r = deleteEntry(t, i);
    assert.equal(r.deleted, 0);
    assert.equal(r.failed, 1);
    assert.match(r.failures[0].reason, /symbolic link/);
    assert.ok(r.failures[0].path.equals(Buffer.from(path.join(root, 'parent'))), r.failures[0].path.toString());
    assertCanary(outside);
    assert.ok(fs.existsSync(path.join(root, 'parent.real', 'victim', 'v1')), 'the real victim stays too (it moved)');
    assert.ok(!t.removed(i), 'the tree keeps it');
  } finally {
    rmrf(base);
  }
});

test('a directory replaced by another of the same name (or the victim itself swapped): refused by inode', async () => {
  const { base, root, outside } = fixture();
  try {
    const t = await scanTree(root);
    // an ancestor replaced: a fresh parent/ holding a fresh victim/
    fs.renameSync(path.join(root, 'parent'), path.join(root, 'parent.old'));
    fs.mkdirSync(path.join(root, 'parent', 'victim'), { recursive: true });
    writeSized(path.join(root, 'parent', 'victim', 'new'), 100);
    let r = deleteEntry(t, at(t, root, 'parent/victim'));
    assert.equal(r.deleted, 0);
    assert.match(r.failures[0].reason, /replaced since the scan/);
    assert.ok(fs.existsSync(path.join(root, 'parent', 'victim', 'new')));
    // the victim itself replaced by a directory moved in from outside the root
    rmrf(path.join(root, 'parent'));
    fs.renameSync(path.join(root, 'parent.old'), path.join(root, 'parent'));
    fs.renameSync(path.join(root, 'parent', 'victim'), path.join(base, 'victim.real'));
    fs.renameSync(path.join(outside, 'victim'), path.join(root, 'parent', 'victim'));
    r = deleteEntry(t, at(t, root, 'parent/victim'));
    assert.equal(r.deleted, 0);
    assert.match(r.failures[0].reason, /replaced since the scan/);
    assert.ok(fs.existsSync(path.join(root, 'parent', 'victim', 'canary')));
    // a file replaced by a symlink to the canary: the kind is checked
    const t2 = await scanTree(root);
    fs.rmSync(path.join(root, 'keep', 'k'));
    fs.symlinkSync(path.join(root, 'parent', 'victim', 'canary'), path.join(root, 'keep', 'k'));
    r = deleteEntry(t2, at(t2, root, 'keep/k'));
    assert.equal(r.deleted, 0);
    assert.match(r.failures[0].reason, /is a symbolic link now, was a file/);
    assert.ok(fs.lstatSync(path.join(root, 'keep', 'k')).isSymbolicLink());
  } finally {
    rmrf(base);
  }
});

test('the scanned root itself moved away and replaced: the whole deletion is refused', async () => {
  const { base, root, outside } = fixture();
  try {
    const t = await scanTree(root);
    fs.renameSync(root, path.join(base, 'root.moved'));
    fs.symlinkSync(outside, root);
    let r = deleteEntry(t, at(t, root, 'parent/victim'));
    assert.match(r.refused ?? '', /cannot open the scanned directory/);
    fs.rmSync(root);
    fs.mkdirSync(path.join(root, 'parent', 'victim'), { recursive: true });
    r = deleteEntry(t, at(t, root, 'parent/victim'));
    assert.match(r.refused ?? '', /replaced since the scan/);
    assert.ok(fs.existsSync(path.join(root, 'parent', 'victim')));
    assertCanary(outside);
    assert.equal(deleteEntry(t, 0).refused, 'not an entry below the scanned directory', 'never the root');
  } finally {
    rmrf(base);
  }
});

test('vanished before the delete: a failure with its reason, nothing thrown, tree kept', async () => {
  const { base, root } = fixture();
  try {
    const t = await scanTree(root);
    const i = at(t, root, 'parent/victim/v1');
    rmrf(path.join(root, 'parent'));
    const r = deleteEntry(t, i);
    assert.equal(r.deleted, 0);
    assert.equal(r.failures[0].reason, 'no longer there');
    assert.ok(!t.removed(i));
  } finally {
    rmrf(base);
  }
});

test('never crosses a mount: a bind mount of the same filesystem and a tmpfs below the victim are left alone', { skip: !isRoot() && 'needs root (mount)' }, async () => {
  const { base, root, outside } = fixture();
  const bind = path.join(root, 'parent', 'victim', 'bind');
  const tmp = path.join(root, 'parent', 'victim', 'tmp');
  const mounted: string[] = [];
  try {
    fs.mkdirSync(bind);
    fs.mkdirSync(tmp);
    assert.equal(run('mount', ['--bind', outside, bind]).code, 0);
    mounted.push(bind);
    assert.equal(run('mount', ['-t', 'tmpfs', 'none', tmp]).code, 0);
    mounted.push(tmp);
    writeSized(path.join(tmp, 'on-tmpfs'), 100);
    const t = await scanTree(root);
    const r = deleteEntry(t, at(t, root, 'parent/victim'));
    assert.equal(r.refused, null);
    const reasons = r.failures.map((f) => `${f.path.toString()}: ${f.reason}`).join('\n');
    assert.match(reasons, /bind: a mount point \(another mount of the same filesystem\)/);
    assert.match(reasons, /tmp: on another filesystem/);
    assertCanary(outside);
    assert.ok(fs.existsSync(path.join(tmp, 'on-tmpfs')));
    assert.ok(!fs.existsSync(path.join(root, 'parent', 'victim', 'v1')), 'the rest went');
    assert.equal(r.stale, true, 'part of it stays: the caller rescans');
    // a mount point as the selection itself
    const r2 = deleteEntry(t, at(t, root, 'parent/victim/bind'));
    assert.equal(r2.deleted, 0);
    assertCanary(outside);
  } finally {
    for (const m of mounted.reverse()) run('umount', ['-l', m]);
    rmrf(base);
  }
});

test('exact bytes: deleting a directory named \\xff leaves the one named \\uFFFD; hostile names are deleted by their bytes', async () => {
  const base = makeTmp('del-bytes');
  try {
    const { ff, repl } = twins(base);
    writeSized(bpath(ff, 'a'), 100);
    writeSized(path.join(repl, 'a'), 100);
    makeHostileTree(base);
    const t = await scanTree(base);
    let r = deleteEntry(t, at(t, base, Buffer.from([0xff])));
    assert.equal(r.deleted, 2);
    assert.ok(!fs.existsSync(ff));
    assert.ok(fs.existsSync(path.join(repl, 'a')), 'the \\uFFFD directory stays');
    r = deleteEntry(t, at(t, base, Buffer.concat([Buffer.from('hostile/'), HOSTILE_DIR])));
    assert.deepEqual(r.failures, []);
    assert.equal(r.deleted, 2);
    assert.ok(!fs.existsSync(bpath(path.join(base, 'hostile'), HOSTILE_DIR)));
    assert.ok(fs.readdirSync(path.join(base, 'hostile')).length > 10, 'the other hostile names stay');
  } finally {
    rmrf(base);
  }
});

test('a hard link replaced by another file of the same name: refused by inode', async () => {
  const base = makeTmp('del-hl');
  try {
    writeSized(path.join(base, 'a'), 4096);
    fs.linkSync(path.join(base, 'a'), path.join(base, 'b'));
    const t = await scanTree(base);
    fs.rmSync(path.join(base, 'b'));
    writeSized(path.join(base, 'b'), 10);
    const r = deleteEntry(t, at(t, base, 'b'));
    assert.equal(r.deleted, 0);
    assert.match(r.failures[0].reason, /another inode/);
    assert.ok(fs.existsSync(path.join(base, 'b')));
  } finally {
    rmrf(base);
  }
});

test('owner filter: only the owner\'s files go, through the same checks (the swap is refused there too)', async () => {
  const { base, root, outside } = fixture();
  try {
    writeSized(path.join(root, 'parent', 'victim', 'x.bak'), 7_000);
    writeSized(path.join(root, 'keep', 'y.bak'), 7_000);
    const t = await scanTree(root);
    const labels = new Int32Array(t.count).fill(-1);
    for (let k = 0; k < t.count; k++) if (Buffer.from(t.nameOf(k)).toString().endsWith('.bak')) labels[k] = 0;
    const f = new FilteredTree(t, { title: 'kind backups', labels, k: 0 });
    // swap parent/ for a symlink: x.bak is refused, keep/y.bak goes
    fs.renameSync(path.join(root, 'parent'), path.join(root, 'parent.real'));
    fs.symlinkSync(outside, path.join(root, 'parent'));
    writeSized(path.join(outside, 'victim', 'x.bak'), 1);
    const r = deleteOwnerEntries(f, at(t, root, 'keep'));
    assert.equal(r.deleted, 1);
    assert.ok(!fs.existsSync(path.join(root, 'keep', 'y.bak')));
    assert.ok(fs.existsSync(path.join(root, 'keep', 'k')), 'not the owner\'s: stays');
    assert.ok(fs.existsSync(path.join(root, 'keep')), 'not empty: stays, and that is no failure');
    assert.equal(r.failed, 0);
    f.refresh();
    const r2 = deleteOwnerEntries(f, at(t, root, 'parent'));
    assert.equal(r2.deleted, 0);
    assert.match(r2.failures[0].reason, /symbolic link/);
    assert.ok(fs.existsSync(path.join(outside, 'victim', 'x.bak')), 'the canary outside stays');
    assert.ok(fs.existsSync(path.join(root, 'parent.real', 'victim', 'x.bak')));
  } finally {
    rmrf(base);
  }
});

test('a file replaced since the scan by another user\'s file of the same name: refused by its owner (plain files keep no inode)', { skip: !isRoot() && 'needs root (chown)' }, async () => {
  const base = makeTmp('del-owner');
  try {
    fs.mkdirSync(path.join(base, 'd'));
    writeSized(path.join(base, 'd', 'n1'), 20_000);
    fs.chownSync(path.join(base, 'd', 'n1'), 65534, 65534);
    writeSized(path.join(base, 'd', 'r1'), 10_000);
    const t = await scanTree(base);
    // "user nobody's files" in the Owners view: n1
    const labels = new Int32Array(t.count).fill(-1);
    for (let k = 0; k < t.count; k++) if (t.type(k) !== 1 && t.uidOf(k) === 65534) labels[k] = 0;
    const f = new FilteredTree(t, { title: 'user nobody', labels, k: 0 });
    // meanwhile n1 is moved away and root's file takes its name
    fs.renameSync(path.join(base, 'd', 'n1'), path.join(base, 'n1.saved'));
    writeSized(path.join(base, 'd', 'n1'), 30_000);
    const r = deleteOwnerEntries(f, at(t, base, 'd'));
    assert.equal(r.deleted, 0);
    assert.match(r.failures[0].reason, /owner changed since the scan \(now 0:0, was 65534:65534\)/);
    assert.equal(fs.statSync(path.join(base, 'd', 'n1')).size, 30_000, 'root\'s file stays');
    // the same through a plain delete of the entry
    const r2 = deleteEntry(t, at(t, base, 'd/n1'));
    assert.equal(r2.deleted, 0);
    assert.match(r2.failures[0].reason, /owner changed/);
    assert.ok(fs.existsSync(path.join(base, 'd', 'r1')));
  } finally {
    rmrf(base);
  }
});

test('an imported tree: no deletion (no inodes), no rescan', async () => {
  const { base, root } = fixture();
  try {
    const exp = path.join(base, 'e.json');
    assert.equal(run(process.execPath, [path.join(REPO, 'dist', 'cli', 'main.js'), 'scan', root, '-o', exp]).code, 0);
    const t = await loadExport(exp);
    assert.equal(canRescan(t), false);
    await assert.rejects(rescanDir(t, 0, { threads: 1 }), /read from an export/);
    const r = deleteEntry(t, at(t, root, 'parent/victim'));
    assert.match(r.refused ?? '', /inode of the scanned directory is unknown/);
    assert.ok(fs.existsSync(path.join(root, 'parent', 'victim', 'v1')));
  } finally {
    rmrf(base);
  }
});

test('rescan addresses the directory by its exact bytes (\\xff beside \\uFFFD), and refuses one moved or replaced', async () => {
  const base = makeTmp('rescan-bytes');
  try {
    const { ff, repl } = twins(base);
    writeSized(path.join(repl, 'in-replacement-char'), 100);
    const t = await scanTree(base);
    assert.equal(canRescan(t), true);
    writeSized(bpath(ff, 'new-in-ff'), 100);
    const d = at(t, base, Buffer.from([0xff]));
    await rescanDir(t, d, { threads: 1 });
    const names = Array.from(t.children(d), (k) => Buffer.from(t.nameOf(k)).toString());
    assert.deepEqual(names, ['new-in-ff']);
    // moved away, and something else put at its path: refused, the tree untouched
    fs.renameSync(ff, bpath(base, 'moved'));
    fs.symlinkSync(repl, ff);
    await assert.rejects(rescanDir(t, d, { threads: 1 }), /moved or replaced since the scan/);
    assert.deepEqual(Array.from(t.children(d), (k) => Buffer.from(t.nameOf(k)).toString()), ['new-in-ff']);
    fs.rmSync(ff);
    fs.mkdirSync(ff);
    await assert.rejects(rescanDir(t, d, { threads: 1 }), /moved or replaced since the scan/);
    fs.rmdirSync(ff);
    await assert.rejects(rescanDir(t, d, { threads: 1 }), /no such file or directory/);
    // what a rescan found carries its identity: a directory new since the scan can be deleted
    fs.mkdirSync(path.join(repl, 'newdir'));
    await rescanDir(t, 0, { threads: 1 });
    const nd = at(t, base, '\uFFFD/newdir');
    assert.ok(t.dirInoOf(nd) > 0);
    assert.equal(deleteEntry(t, nd).deleted, 1);
    assert.ok(!fs.existsSync(path.join(repl, 'newdir')));
  } finally {
    rmrf(base);
  }
});

test('iterative and fd-bounded: a file 12,000 levels down is reached, then the chain is removed whole, with at most 256 open files', async () => {
  const base = makeTmp('del-deep');
  // on tmpfs when we may mount: removing 12,000 nested directories on a busy disk's journal takes
  // half a minute (rm -rf as long), on tmpfs a second
  const mounted = isRoot() && run('mount', ['-t', 'tmpfs', '-o', 'size=256m', 'none', base]).code === 0;
  const depth = 12_000;
  try {
    const root = path.join(base, 'root');
    fs.mkdirSync(root);
    makeChain(root, depth, 'd', 1000);
    fs.mkdirSync(path.join(root, 'other'));
    // the tree, built by walking down with chdir (no path longer than a name): root 0, top 1,
    // the levels 2.., bottom, other
    const script = `
      import fs from 'node:fs';
      import { Tree } from './src/tree/tree.ts';
      import { emptyEntry } from './src/model/entry.ts';
      import { deleteEntry } from './src/tree/delete.ts';
      const [root, depth] = [process.argv[1], Number(process.argv[2])];
      const t = new Tree();
      const e = (name, p) => { const st = fs.lstatSync(p); return { ...emptyEntry(), name: Buffer.from(name), type: 1, dev: st.dev, ino: st.ino }; };
      const cwd = process.cwd();
      t.enterDir(e(root, root));
      process.chdir(root);
      t.enterDir(e('top', 'top'));
      process.chdir('top');
      for (let k = 0; k < depth; k++) { t.enterDir(e('d', 'd')); process.chdir('d'); }
      const bottom = t.count;
      t.addEntry({ ...emptyEntry(), name: Buffer.from('bottom'), type: 0 });
      for (let k = 0; k <= depth; k++) t.leaveDir();
      process.chdir(cwd);
      t.enterDir(e('other', root + '/other')); t.leaveDir(); t.leaveDir();
      t.finish({ timestamp: 0, producer: 'scan', incomplete: false });
      const show = (r) => ({ deleted: r.deleted, failed: r.failed, failures: r.failures.map((f) => f.reason), refused: r.refused });
      const one = show(deleteEntry(t, bottom));
      const all = show(deleteEntry(t, 1));
      console.log(JSON.stringify({ one, all }));
    `;
    const r = spawnSync('sh', ['-c', 'ulimit -n 256 && exec "$0" --import tsx --input-type=module -e "$1" "$2" "$3"', process.execPath, script, root, String(depth)], {
      cwd: REPO,
      encoding: 'utf8',
      timeout: 300_000,
    });
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout.trim().split('\n').pop()!);
    const ok = (deleted: number) => ({ deleted, failed: 0, failures: [], refused: null });
    assert.deepEqual(out, { one: ok(1), all: ok(depth + 1) }, 'the bottom file; then top and its 12,000 levels');
    assert.ok(!fs.existsSync(path.join(root, 'top')));
    assert.ok(fs.existsSync(path.join(root, 'other')));
  } finally {
    if (mounted) run('umount', ['-l', base]);
    rmrf(base);
  }
});

test('RootedDeleter: a name that is not one plain component is refused', () => {
  const base = makeTmp('del-names');
  try {
    fs.mkdirSync(path.join(base, 'a'));
    const st = fs.statSync(base);
    const d = RootedDeleter.open(Buffer.from(base), { dev: st.dev, ino: st.ino });
    try {
      for (const name of ['..', '.', 'a/..', '']) assert.equal(d.remove([], { name: Buffer.from(name), kind: 'dir', ino: 1, recursive: true }), false, name);
      assert.equal(d.result.failed, 4);
      for (const f of d.result.failures) assert.match(f.reason, /not a plain file name/);
      const a = fs.statSync(path.join(base, 'a'));
      assert.equal(d.remove([{ name: Buffer.from('..'), dev: st.dev, ino: st.ino }], { name: Buffer.from('a'), kind: 'dir', ino: a.ino }), false);
    } finally {
      d.close();
    }
    assert.ok(fs.existsSync(path.join(base, 'a')));
    assert.ok(fs.existsSync(base));
  } finally {
    rmrf(base);
  }
});
