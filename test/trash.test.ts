/**
 * The browser's D and E without the UI: src/util/trash.ts (the freedesktop.org trash: which trash,
 * .trashinfo, unique names, rename from held fds) through src/tree/delete.ts trashEntries, and
 * emptying a file in place (RootedDeleter.truncate through emptyEntries). Real trees in temp dirs;
 * the home trash is a temp dir too ($XDG_DATA_HOME given to the functions, never the machine's).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { entryAt } from '../src/tree/filter.js';
import { emptyEntries, trashEntries } from '../src/tree/delete.js';
import { Tree } from '../src/tree/tree.js';
import { encodeTrashPath, homeTrash, putInTrash, topdirTrash, trashDate, trashFor, trashInfoText } from '../src/util/trash.js';
import { bpath, makeTmp, mkfifo, rmrf, writeSized } from './helpers/fs.js';
import { scanTree } from './helpers/tree.js';
import { isRoot, run } from './helpers/run.js';

function at(t: Tree, root: string, rel: string): number {
  const i = entryAt(t, path.join(root, rel));
  assert.ok(i > 0, `no ${rel} in the tree`);
  return i;
}

test('trash: Path= percent-encoded bytes, DeletionDate= local time, home trash from XDG_DATA_HOME or HOME', () => {
  assert.equal(encodeTrashPath(Buffer.from('/a b/c%d/é')), '/a%20b/c%25d/%C3%A9');
  assert.equal(encodeTrashPath(Buffer.from([0x2f, 0xff, 0x0a])), '/%FF%0A');
  assert.equal(encodeTrashPath(Buffer.from("/keep-_.!~*'()")), "/keep-_.!~*'()");
  assert.equal(trashDate(new Date(2026, 0, 2, 3, 4, 5)), '2026-01-02T03:04:05');
  assert.equal(trashInfoText(Buffer.from('/x/y z'), new Date(2026, 11, 1, 4, 40, 0)), '[Trash Info]\nPath=/x/y%20z\nDeletionDate=2026-12-01T04:40:00\n');
  assert.equal(homeTrash({ XDG_DATA_HOME: '/d', HOME: '/h' }), '/d/Trash');
  assert.equal(homeTrash({ HOME: '/h' }), '/h/.local/share/Trash');
  assert.equal(homeTrash({ XDG_DATA_HOME: 'relative', HOME: '/h' }), '/h/.local/share/Trash', 'a relative XDG_DATA_HOME is ignored (the spec)');
  assert.equal(homeTrash({}), null);
});

test('trash: topdir rules: .Trash with the sticky bit -> .Trash/UID; a .Trash that is a link or not sticky -> .Trash-UID (0700)', () => {
  const base = makeTmp('topdir');
  try {
    const uid = process.geteuid!();
    // no .Trash: .Trash-UID, made 0700
    const a = path.join(base, 'a');
    fs.mkdirSync(a);
    assert.equal(topdirTrash(a, uid), path.join(a, `.Trash-${uid}`));
    assert.equal(fs.statSync(path.join(a, `.Trash-${uid}`)).mode & 0o777, 0o700);
    // a sticky .Trash: .Trash/UID
    const b = path.join(base, 'b');
    fs.mkdirSync(path.join(b, '.Trash'), { recursive: true });
    fs.chmodSync(path.join(b, '.Trash'), 0o1777);
    assert.equal(topdirTrash(b, uid), path.join(b, '.Trash', String(uid)));
    assert.equal(fs.statSync(path.join(b, '.Trash', String(uid))).mode & 0o777, 0o700);
    // .Trash without the sticky bit: not used
    const c = path.join(base, 'c');
    fs.mkdirSync(path.join(c, '.Trash'), { recursive: true });
    fs.chmodSync(path.join(c, '.Trash'), 0o777);
    assert.equal(topdirTrash(c, uid), path.join(c, `.Trash-${uid}`));
    assert.deepEqual(fs.readdirSync(path.join(c, '.Trash')), [], 'nothing made in the non-sticky .Trash');
    // .Trash a symbolic link to a sticky directory elsewhere: not followed, not used
    const d = path.join(base, 'd');
    const elsewhere = path.join(base, 'elsewhere');
    fs.mkdirSync(d);
    fs.mkdirSync(elsewhere);
    fs.chmodSync(elsewhere, 0o1777);
    fs.symlinkSync(elsewhere, path.join(d, '.Trash'));
    assert.equal(topdirTrash(d, uid), path.join(d, `.Trash-${uid}`));
    assert.deepEqual(fs.readdirSync(elsewhere), [], 'nothing made through the link');
    // .Trash-UID itself a link: refused
    const e = path.join(base, 'e');
    fs.mkdirSync(e);
    fs.symlinkSync(elsewhere, path.join(e, `.Trash-${uid}`));
    assert.throws(() => topdirTrash(e, uid), /symbolic link: refusing/);
  } finally {
    rmrf(base);
  }
});

test('trash: putInTrash claims unique names (NAME, NAME.2) and moves a symbolic link as a link', () => {
  const base = makeTmp('put');
  try {
    const trash = path.join(base, 'Trash');
    const src = path.join(base, 'src');
    fs.mkdirSync(src);
    writeSized(path.join(src, 'same'), 1000);
    const fd = fs.openSync(src, fs.constants.O_RDONLY | fs.constants.O_DIRECTORY);
    try {
      const when = new Date(2026, 11, 1, 5, 0, 0);
      assert.equal(putInTrash(trash, fd, Buffer.from('same'), Buffer.from(path.join(src, 'same')), when), 'same');
      writeSized(path.join(src, 'same'), 2000);
      assert.equal(putInTrash(trash, fd, Buffer.from('same'), Buffer.from(path.join(src, 'same')), when), 'same.2');
      assert.equal(fs.statSync(path.join(trash, 'files', 'same')).size, 1000);
      assert.equal(fs.statSync(path.join(trash, 'files', 'same.2')).size, 2000);
      assert.equal(fs.readFileSync(path.join(trash, 'info', 'same.2.trashinfo'), 'utf8'), trashInfoText(Buffer.from(path.join(src, 'same')), when));
      assert.equal(fs.statSync(path.join(trash, 'files')).mode & 0o777, 0o700);
      assert.equal(fs.statSync(path.join(trash, 'info')).mode & 0o777, 0o700);
      // a link is moved as itself, its target untouched
      const target = path.join(base, 'target');
      writeSized(target, 500);
      fs.symlinkSync(target, path.join(src, 'link'));
      putInTrash(trash, fd, Buffer.from('link'), Buffer.from(path.join(src, 'link')), when);
      assert.ok(fs.lstatSync(path.join(trash, 'files', 'link')).isSymbolicLink());
      assert.equal(fs.statSync(target).size, 500);
      // a name that is not UTF-8: files/ and info/ get its percent-encoded form, Path= the bytes
      fs.writeFileSync(bpath(src, [0x62, 0xff]), 'x');
      assert.equal(putInTrash(trash, fd, Buffer.from([0x62, 0xff]), bpath(src, [0x62, 0xff]), when), 'b%FF');
      assert.match(fs.readFileSync(path.join(trash, 'info', 'b%FF.trashinfo'), 'utf8'), /Path=.*\/src\/b%FF\n/);
      // no temp file left in info/
      assert.deepEqual(fs.readdirSync(path.join(trash, 'info')).sort(), ['b%FF.trashinfo', 'link.trashinfo', 'same.2.trashinfo', 'same.trashinfo']);
      assert.deepEqual(fs.readdirSync(src), []);
    } finally {
      fs.closeSync(fd);
    }
  } finally {
    rmrf(base);
  }
});

test('trash: trashFor picks the home trash on the same mount; D (trashEntries) moves marked entries and drops them from the tree', async () => {
  const base = makeTmp('trash-tree');
  try {
    const root = path.join(base, 'root');
    const xdg = path.join(base, 'xdg');
    fs.mkdirSync(path.join(root, 'dir', 'sub'), { recursive: true });
    writeSized(path.join(root, 'dir', 'sub', 'f'), 40_000);
    writeSized(path.join(root, 'a.log'), 10_000);
    writeSized(path.join(root, 'keep'), 5_000);
    const env = { XDG_DATA_HOME: xdg, HOME: '/nonexistent' };
    const fd = fs.openSync(root, fs.constants.O_RDONLY | fs.constants.O_DIRECTORY);
    try {
      assert.equal(trashFor(fd, env), path.join(xdg, 'Trash'));
    } finally {
      fs.closeSync(fd);
    }
    const t = await scanTree(root);
    const before = t.sizeD(0);
    const dir = at(t, root, 'dir');
    const log = at(t, root, 'a.log');
    const dirBytes = t.sizeD(dir) + t.sizeD(log);
    const r = trashEntries(t, [dir, log], env);
    assert.equal(r.refused, null);
    assert.deepEqual(r.failures, []);
    assert.equal(r.deleted, 2);
    assert.equal(r.removed, 4, 'dir, sub, f and a.log left the tree');
    assert.equal(r.freed, 0, 'nothing freed: the bytes are in the trash');
    assert.ok(t.removed(dir) && t.removed(log));
    assert.equal(t.sizeD(0), before - dirBytes);
    assert.ok(fs.existsSync(path.join(xdg, 'Trash', 'files', 'dir', 'sub', 'f')));
    assert.ok(fs.existsSync(path.join(xdg, 'Trash', 'files', 'a.log')));
    assert.match(fs.readFileSync(path.join(xdg, 'Trash', 'info', 'dir.trashinfo'), 'utf8'), new RegExp(`^\\[Trash Info\\]\\nPath=${root}/dir\\nDeletionDate=\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\n$`));
    assert.ok(!fs.existsSync(path.join(root, 'dir')) && fs.existsSync(path.join(root, 'keep')));
  } finally {
    rmrf(base);
  }
});

test('trash: an entry replaced since the scan (a link, or another directory) is not moved; the trash is not used', async () => {
  const base = makeTmp('trash-swap');
  try {
    const root = path.join(base, 'root');
    const outside = path.join(base, 'outside');
    const xdg = path.join(base, 'xdg');
    fs.mkdirSync(path.join(root, 'victim'), { recursive: true });
    fs.mkdirSync(outside);
    writeSized(path.join(outside, 'canary'), 100);
    const t = await scanTree(root);
    const v = at(t, root, 'victim');
    fs.rmSync(path.join(root, 'victim'), { recursive: true });
    fs.symlinkSync(outside, path.join(root, 'victim'));
    const r = trashEntries(t, [v], { XDG_DATA_HOME: xdg });
    assert.equal(r.deleted, 0);
    assert.match(r.failures[0].reason, /symbolic link now/);
    assert.ok(fs.lstatSync(path.join(root, 'victim')).isSymbolicLink(), 'the link stays');
    assert.ok(fs.existsSync(path.join(outside, 'canary')));
    assert.ok(!t.removed(v), 'still in the tree');
  } finally {
    rmrf(base);
  }
});

test('trash: what is in the trash already (its files, the trash itself) is not moved into it again: the trash stays as it was', async () => {
  const base = makeTmp('trash-in-trash');
  try {
    // the scanned root holds the home trash (as ~ does): xdg/Trash/{files,info}
    const root = path.join(base, 'home');
    const xdg = path.join(root, 'xdg');
    fs.mkdirSync(root);
    writeSized(path.join(root, 'old.log'), 20_000);
    const env = { XDG_DATA_HOME: xdg, HOME: '/nonexistent' };
    const t0 = await scanTree(root);
    assert.equal(trashEntries(t0, [at(t0, root, 'old.log')], env).deleted, 1);
    const trash = path.join(xdg, 'Trash');
    const listing = () => [...fs.readdirSync(path.join(trash, 'files')), ...fs.readdirSync(path.join(trash, 'info'))].sort();
    assert.deepEqual(listing(), ['old.log', 'old.log.trashinfo']);
    const t = await scanTree(root);
    for (const rel of ['xdg/Trash/files/old.log', 'xdg/Trash/info/old.log.trashinfo', 'xdg/Trash/files', 'xdg/Trash']) {
      const i = at(t, root, rel);
      const r = trashEntries(t, [i], env);
      assert.equal(r.deleted, 0, rel);
      assert.equal(r.failures.length, 1, rel);
      assert.match(r.failures[0].reason, /in the trash already|is the trash/, rel);
      assert.ok(!t.removed(i), `${rel} still in the tree`);
      assert.deepEqual(listing(), ['old.log', 'old.log.trashinfo'], `${rel}: the trash unchanged`);
    }
    // the directory holding the trash: refused with words, not EINVAL
    const r = trashEntries(t, [at(t, root, 'xdg')], env);
    assert.equal(r.deleted, 0);
    assert.match(r.failures[0].reason, /holds the trash/);
    assert.deepEqual(listing(), ['old.log', 'old.log.trashinfo']);
  } finally {
    rmrf(base);
  }
});

test('E: emptyEntries truncates a file in place (a writer holding it open keeps its inode), sizes follow; directories, FIFOs and links are refused', async () => {
  const base = makeTmp('empty');
  try {
    const root = path.join(base, 'root');
    fs.mkdirSync(path.join(root, 'logs'), { recursive: true });
    writeSized(path.join(root, 'logs', 'app.log'), 200_000);
    writeSized(path.join(root, 'logs', 'other'), 8_000);
    writeSized(path.join(root, 'swapped'), 8_000);
    writeSized(path.join(root, 'linked'), 8_000);
    writeSized(path.join(base, 'outside'), 9_000);
    const t = await scanTree(root);
    const log = at(t, root, 'logs/app.log');
    const logs = at(t, root, 'logs');
    const ino = fs.statSync(path.join(root, 'logs', 'app.log')).ino;
    const held = fs.openSync(path.join(root, 'logs', 'app.log'), 'a');
    try {
      const total = t.sizeD(0);
      const was = t.sizeD(log);
      const r = emptyEntries(t, [log]);
      assert.equal(r.refused, null);
      assert.deepEqual(r.failures, []);
      assert.equal(r.deleted, 1);
      assert.equal(r.freed, was);
      const st = fs.statSync(path.join(root, 'logs', 'app.log'));
      assert.equal(st.size, 0);
      assert.equal(st.ino, ino, 'the same inode');
      assert.equal(t.sizeD(log), 0);
      assert.equal(t.sizeA(log), 0);
      assert.equal(t.sizeD(0), total - was, 'the totals above follow');
      assert.ok(!t.removed(log));
      fs.writeSync(held, 'more\n');
      assert.equal(fs.statSync(path.join(root, 'logs', 'app.log')).size, 5, 'the writer goes on in the same file');
    } finally {
      fs.closeSync(held);
    }
    // a directory: refused, nothing touched
    const d = emptyEntries(t, [logs]);
    assert.equal(d.deleted, 0);
    assert.match(d.failures[0].reason, /only a regular file can be emptied/);
    assert.equal(fs.statSync(path.join(root, 'logs', 'other')).size, 8_000);
    // a FIFO swapped in for a file: never opened (no hang), refused
    const sw = at(t, root, 'swapped');
    fs.rmSync(path.join(root, 'swapped'));
    mkfifo(path.join(root, 'swapped'));
    const f = emptyEntries(t, [sw]);
    assert.equal(f.deleted, 0);
    assert.match(f.failures[0].reason, /is a special file now/);
    // a link swapped in: not followed, the file outside keeps its bytes
    const ln = at(t, root, 'linked');
    fs.rmSync(path.join(root, 'linked'));
    fs.symlinkSync(path.join(base, 'outside'), path.join(root, 'linked'));
    const l = emptyEntries(t, [ln]);
    assert.equal(l.deleted, 0);
    assert.match(l.failures[0].reason, /symbolic link now/);
    assert.equal(fs.statSync(path.join(base, 'outside')).size, 9_000);
  } finally {
    rmrf(base);
  }
});

test('E: a file replaced by another one (another inode) since the scan is not emptied', async () => {
  const base = makeTmp('empty2');
  try {
    const root = path.join(base, 'root');
    fs.mkdirSync(root);
    // two links: the tree keeps the inode of a hard-linked file
    writeSized(path.join(root, 'x'), 4_000);
    fs.linkSync(path.join(root, 'x'), path.join(root, 'x2'));
    const t = await scanTree(root);
    const x = at(t, root, 'x');
    fs.rmSync(path.join(root, 'x'));
    writeSized(path.join(root, 'x'), 6_000);
    const r = emptyEntries(t, [x]);
    assert.equal(r.deleted, 0);
    assert.match(r.failures[0].reason, /replaced since the scan/);
    assert.equal(fs.statSync(path.join(root, 'x')).size, 6_000);
    assert.equal(spawnSync('true').status, 0);
  } finally {
    rmrf(base);
  }
});

test('trash: an item on another mount goes to that mount\'s trash (.Trash-UID; .Trash/UID when sticky), never copied to the home trash', { skip: !isRoot() && 'needs root (mount)' }, async () => {
  const base = makeTmp('trash-mnt');
  const mnt = path.join(base, 'mnt');
  const bind = path.join(base, 'bind');
  const xdg = path.join(base, 'xdg');
  const mounted: string[] = [];
  try {
    fs.mkdirSync(mnt);
    fs.mkdirSync(path.join(base, 'bound'));
    fs.mkdirSync(bind);
    assert.equal(run('mount', ['-t', 'tmpfs', 'none', mnt]).code, 0);
    mounted.push(mnt);
    // the same filesystem as the home trash, through another mount: a rename would say EXDEV
    assert.equal(run('mount', ['--bind', path.join(base, 'bound'), bind]).code, 0);
    mounted.push(bind);
    fs.mkdirSync(path.join(mnt, 'data'));
    writeSized(path.join(mnt, 'data', 'a'), 10_000);
    writeSized(path.join(mnt, 'data', 'b'), 10_000);
    writeSized(path.join(bind, 'c'), 10_000);
    const env = { XDG_DATA_HOME: xdg };
    const uid = process.geteuid!();
    let t = await scanTree(mnt);
    let r = trashEntries(t, [at(t, mnt, 'data/a')], env);
    assert.deepEqual(r.failures, []);
    assert.equal(r.deleted, 1);
    assert.ok(fs.existsSync(path.join(mnt, `.Trash-${uid}`, 'files', 'a')));
    assert.match(fs.readFileSync(path.join(mnt, `.Trash-${uid}`, 'info', 'a.trashinfo'), 'utf8'), new RegExp(`Path=${mnt}/data/a\n`));
    assert.ok(!fs.existsSync(path.join(xdg, 'Trash', 'files', 'a')), 'not in the home trash');
    // a shared .Trash with the sticky bit: .Trash/UID
    fs.mkdirSync(path.join(mnt, '.Trash'));
    fs.chmodSync(path.join(mnt, '.Trash'), 0o1777);
    t = await scanTree(mnt);
    r = trashEntries(t, [at(t, mnt, 'data/b')], env);
    assert.equal(r.deleted, 1);
    assert.ok(fs.existsSync(path.join(mnt, '.Trash', String(uid), 'files', 'b')));
    // a bind mount: the home trash's filesystem but not its mount: the mount's own trash
    t = await scanTree(bind);
    r = trashEntries(t, [at(t, bind, 'c')], env);
    assert.deepEqual(r.failures, []);
    assert.ok(fs.existsSync(path.join(bind, `.Trash-${uid}`, 'files', 'c')));
  } finally {
    for (const m of mounted.reverse()) run('umount', [m]);
    rmrf(base);
  }
});
