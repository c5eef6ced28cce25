/**
 * Attribution of a scanned tree: packages (real dpkg data and fixture lists with merged-/usr
 * aliases), kinds of data (fixture trees, user rules files, glob semantics against picomatch),
 * users (files chowned to nobody) and services (a fixture /var). Expected bytes come from GNU du.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import picomatch from 'picomatch';
import { Tree } from '../src/tree/tree.js';
import { emptyEntry, EntryType, type Entry } from '../src/model/entry.js';
import { attributePackages, buildPackageTable, loadPackageMap, NO_PACKAGE, packageLookups, packageMapFromTable, type PackageMap } from '../src/owners/packages.js';
import { startPackageTable } from '../src/owners/load-async.js';
import { ncduParseAddon } from '../src/import/native-parse.js';
import { BUILTIN_RULES, categorize, loadRules, type Rules } from '../src/owners/kinds.js';
import { attributeUsers, loadUserNames } from '../src/owners/users.js';
import { attributeServices, loadServiceHints } from '../src/owners/services.js';
import { UserError } from '../src/util/errors.js';
import { isRoot, run } from './helpers/run.js';
import { makeTmp, rmrf, writeSized } from './helpers/fs.js';
import { scanTree } from './helpers/tree.js';
import { rng } from '../src/forecast/synth.js';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');

// ------------------------------------------------------------------------------------------------ helpers

/** disk bytes of the paths together (GNU du -B1 -c: a hard-linked inode once), 0 for none */
function duBytes(paths: string[], summarize = false): number {
  if (!paths.length) return 0;
  const r = run('du', ['-B1', '-c', ...(summarize ? ['-s'] : []), '--', ...paths]);
  assert.equal(r.code, 0, `${r.cmd}: ${r.stderr}`);
  const m = /^(\d+)\ttotal$/m.exec(r.stdout);
  assert.ok(m, `no total from du: ${r.stdout}`);
  return Number(m[1]);
}

/** Write files (relative path → size) below root, making their directories. */
function writeFiles(root: string, files: Record<string, number>): void {
  for (const [rel, n] of Object.entries(files)) {
    const p = path.join(root, rel);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    writeSized(p, n);
  }
}

/** disk bytes of the directories below root (and root), by stat: what `du` adds for them */
function dirBytes(root: string): number {
  let total = 0;
  const walk = (p: string) => {
    const st = fs.lstatSync(p);
    total += st.blocks * 512;
    for (const d of fs.readdirSync(p, { withFileTypes: true })) if (d.isDirectory()) walk(path.join(p, d.name));
  };
  walk(root);
  return total;
}

/**
 * A tree from a list of file paths through the sink API (no disk): root ROOT, each file `size`
 * apparent and disk bytes (rounded up to 512 for disk), directories made on the way. Names are
 * encoded with `enc` (latin1: strings that stand for bytes, as PackageMap keys).
 */
function sinkTree(root: string, files: [string, number][], enc: BufferEncoding = 'utf8'): Tree {
  const t = new Tree();
  const e = (name: string, type: EntryType, size = 0): Entry => ({
    ...emptyEntry(),
    name: Buffer.from(name, enc),
    type,
    asize: size,
    dsize: Math.ceil(size / 512) * 512,
    mtime: 1_700_000_000,
    uid: 0,
    gid: 0,
    nlink: 1,
  });
  t.enterDir(e(root, EntryType.Dir));
  const open: string[] = [];
  for (const [p, size] of [...files].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    const parts = p.split('/');
    const dirs = parts.slice(0, -1);
    let common = 0;
    while (common < open.length && common < dirs.length && open[common] === dirs[common]) common++;
    while (open.length > common) {
      t.leaveDir();
      open.pop();
    }
    for (let k = common; k < dirs.length; k++) {
      t.enterDir(e(dirs[k], EntryType.Dir));
      open.push(dirs[k]);
    }
    t.addEntry(e(parts[parts.length - 1], EntryType.File, size));
  }
  while (open.length) {
    t.leaveDir();
    open.pop();
  }
  t.leaveDir();
  t.finish({ timestamp: 0, producer: 'test', incomplete: false });
  return t;
}

/** disk bytes of the non-directory entries, a hard-linked inode once: the tree's total minus its directories' own */
function fileBytesOf(t: Tree): number {
  let dirs = 0;
  for (let i = 0; i < t.count; i++) if (t.isDir(i) && !t.removed(i)) dirs += t.ownD(i);
  return t.sizeD(0) - dirs;
}

function sum<T>(rows: T[], f: (r: T) => number): number {
  return rows.reduce((s, r) => s + f(r), 0);
}

const DPKG_INFO = '/var/lib/dpkg/info';
const haveDpkg = fs.existsSync(path.join(DPKG_INFO, 'coreutils.list'));

// ------------------------------------------------------------------------------------------------ packages

describe('packages: real dpkg data', { skip: !haveDpkg && 'no dpkg database' }, () => {
  let map: PackageMap;
  before(() => {
    map = loadPackageMap();
  });

  it('dpkg itself says coreutils owns ls (the data this test relies on)', () => {
    const r = run('dpkg-query', ['-S', fs.lstatSync('/bin').isSymbolicLink() ? '/bin/ls' : '/usr/bin/ls']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^coreutils(:\w+)?: /);
  });

  it('/usr/bin/ls is coreutils, whether the list says /bin/ls (merged /usr) or /usr/bin/ls', () => {
    assert.equal(map.get('/usr/bin/ls'), 'coreutils');
    const list = fs.readFileSync(path.join(DPKG_INFO, 'coreutils.list'), 'utf8').split('\n');
    if (list.includes('/bin/ls') && fs.lstatSync('/bin').isSymbolicLink()) {
      // the alias case: only /bin/ls is listed, /usr/bin/ls must come from resolving /bin -> usr/bin
      assert.ok(!list.includes('/usr/bin/ls'));
      assert.equal(map.get('/bin/ls'), 'coreutils');
    }
    // directories are not stored
    assert.equal(map.get('/usr/bin'), undefined);
    assert.equal(map.get('/usr'), undefined);
  });

  it('a tree holding /usr/bin/ls puts its bytes under coreutils', () => {
    const st = fs.statSync('/usr/bin/ls');
    const t = sinkTree('/usr/bin', [['ls', st.size]]);
    assert.deepEqual(attributePackages(t, map), [{ name: 'coreutils', bytes: t.ownD(1), files: 1 }]);
    const t2 = sinkTree('/usr/bin', [['surely-no-package-ships-this', 100]]);
    assert.deepEqual(attributePackages(t2, map), [{ name: NO_PACKAGE, bytes: 512, files: 1 }]);
  });

  it('the lookup table agrees with the map: every listed path below /usr, as a tree, lands in its package', () => {
    const fresh = loadPackageMap(); // attributed before its strings are ever read
    const want = new Map<string, number>();
    const files: [string, number][] = [];
    for (const [p, pkg] of map) {
      if (!p.startsWith('/usr/')) continue;
      files.push([p.slice(5), 1000]);
      want.set(pkg, (want.get(pkg) ?? 0) + 1);
    }
    assert.ok(files.length > 1000, `only ${files.length} paths below /usr`);
    const t = sinkTree('/usr', files, 'latin1'); // (the keys are latin1 strings of the paths' bytes)
    const got = attributePackages(t, fresh);
    assert.equal(got.find((r) => r.name === NO_PACKAGE), undefined, 'a listed path not found');
    assert.deepEqual(new Map(got.map((r) => [r.name, r.files])), want);
    for (const r of got) assert.equal(r.bytes, r.files * 1024);
  });

  it('a real scan of /usr/bin: coreutils holds exactly its listed files, rows add up to the files (hard links once)', async () => {
    const t = await scanTree('/usr/bin');
    const rows = attributePackages(t, map);
    // biggest first
    for (let k = 1; k < rows.length; k++) assert.ok(rows[k - 1].bytes >= rows[k].bytes, 'not sorted');
    const total = fileBytesOf(t);
    assert.equal(sum(rows, (r) => r.bytes), total, 'package rows + (no package) != file bytes of the scan');
    // independent of the tree: du of /usr/bin minus its directories
    assert.equal(total, duBytes(['/usr/bin'], true) - dirBytes('/usr/bin'));

    // coreutils: its listed files that are in /usr/bin (either spelling), from the list and lstat
    const listed = new Set<string>();
    for (const l of fs.readFileSync(path.join(DPKG_INFO, 'coreutils.list'), 'utf8').split('\n')) {
      const m = /^(?:\/usr)?\/bin\/([^/]+)$/.exec(l);
      if (m) listed.add(m[1]);
    }
    let bytes = 0;
    let files = 0;
    const inodes = new Set<number>();
    for (const n of listed) {
      let st: fs.Stats;
      try {
        st = fs.lstatSync(path.join('/usr/bin', n));
      } catch {
        continue;
      }
      if (st.isDirectory()) continue;
      if (inodes.has(st.ino)) continue;
      inodes.add(st.ino);
      bytes += st.blocks * 512;
      files++;
    }
    const cu = rows.find((r) => r.name === 'coreutils');
    assert.ok(cu, 'no coreutils row');
    assert.deepEqual(cu, { name: 'coreutils', bytes, files });
  });
});

describe('packages: fixture lists, merged-/usr aliases, hard links', () => {
  let root: string;
  let info: string;
  let tree: string;
  before(() => {
    root = makeTmp('pkgroot');
    info = path.join(root, 'var/lib/dpkg/info');
    fs.mkdirSync(info, { recursive: true });
    fs.mkdirSync(path.join(root, 'usr/bin'), { recursive: true });
    fs.mkdirSync(path.join(root, 'sbin'));
    fs.symlinkSync('usr/bin', path.join(root, 'bin')); // relative, as Debian makes it
    fs.symlinkSync('/usr/lib64', path.join(root, 'lib64')); // absolute
    fs.symlinkSync('/elsewhere/lib', path.join(root, 'lib')); // not into /usr: no alias
    fs.writeFileSync(
      path.join(info, 'foo.list'),
      ['/.', '/bin', '/bin/foo', '/bin/foo2', '/bin/sub', '/bin/sub/tool', '/sbin', '/sbin/bar', '/usr', '/usr/share', '/usr/share/doc', '/usr/share/doc/foo', '/usr/share/doc/foo/README', '/usr/share/doc/foo/d\u00e9j\u00e0', '/usr/share/doc/foo/d\u00e9j\u00e0/\u00fc.txt', ''].join('\n'),
    );
    fs.writeFileSync(path.join(info, 'baz:amd64.list'), '/lib64\n/lib64/ld.so\n/lib/x.so\n/usr/share/doc\n');
    fs.writeFileSync(path.join(info, 'notalist.md5sums'), '/usr/bin/nope\n');
    tree = makeTmp('pkgtree');
    writeFiles(tree, { 'usr/bin/foo': 5000, 'usr/bin/other': 30_000, 'usr/share/doc/foo/README': 700, 'usr/share/doc/foo/d\u00e9j\u00e0/\u00fc.txt': 300, 'usr/lib64/ld.so': 100_000 });
    fs.linkSync(path.join(tree, 'usr/bin/foo'), path.join(tree, 'usr/bin/foo2'));
    fs.linkSync(path.join(tree, 'usr/bin/foo'), path.join(tree, 'usr/bin/foo-unlisted'));
  });
  after(() => {
    rmrf(root);
    rmrf(tree);
  });

  it('lists are read with their aliases; directories and other files are not', () => {
    const m = loadPackageMap({ infoDir: info, root });
    assert.equal(m.get('/bin/foo'), 'foo');
    assert.equal(m.get('/usr/bin/foo'), 'foo', '/bin -> usr/bin not resolved');
    assert.equal(m.get('/usr/lib64/ld.so'), 'baz:amd64', '/lib64 -> /usr/lib64 not resolved (or the arch suffix lost)');
    assert.equal(m.get('/sbin/bar'), 'foo');
    assert.equal(m.get('/usr/sbin/bar'), undefined, '/sbin is a real directory here: no alias');
    assert.equal(m.get('/lib/x.so'), 'baz:amd64');
    assert.equal(m.get('/usr/lib/x.so'), undefined, '/lib points outside /usr: no alias');
    assert.equal(m.get('/usr/share/doc/foo/README'), 'foo');
    // keys are latin1 strings of the paths' bytes
    assert.equal(m.get(Buffer.from('/usr/share/doc/foo/d\u00e9j\u00e0/\u00fc.txt').toString('latin1')), 'foo');
    assert.equal(m.get('/usr/bin/sub/tool'), 'foo');
    for (const d of ['/bin', '/bin/sub', '/usr/bin/sub', '/usr', '/usr/share/doc', '/usr/share/doc/foo', '/lib64', '/.']) assert.equal(m.get(d), undefined, d);
    assert.equal(m.get('/usr/bin/nope'), undefined, 'read a file that is not a .list');
    // without the root's symlinks: no aliases
    const plain = loadPackageMap({ infoDir: info, root: tree });
    assert.equal(plain.get('/usr/bin/foo'), undefined);
  });

  it("the lookups in C (ncduparse.c packagePass) give what the walk gives: rows, labels, the package mask (this machine's /usr/share/doc too)", async (t) => {
    if (!ncduParseAddon()?.packagePass) return t.skip('no addon');
    const cases: [Tree, PackageMap, string | undefined][] = [
      [await scanTree(tree), loadPackageMap({ infoDir: info, root }), tree],
      [await scanTree('/usr/share/doc'), loadPackageMap(), undefined],
    ];
    for (const [tr, map, prefix] of cases) {
      const run = (addon: null | undefined) => {
        const labels = new Int32Array(tr.count);
        const owned = new Uint8Array(tr.count);
        return { rows: attributePackages(tr, map, { prefix, labels, owned, addon }), labels: [...labels], owned: [...owned] };
      };
      const c = run(undefined);
      assert.deepEqual(c, run(null));
      assert.ok(c.owned.some((x) => x === 1), 'some files are a package\'s');
      // without labels the sums are C's too (ncduparse.c groupSums): the same rows and mask
      const owned = new Uint8Array(tr.count);
      assert.deepEqual({ rows: attributePackages(tr, map, { prefix, owned }), owned: [...owned] }, { rows: c.rows, owned: c.owned });
      // and the lookups done on libuv's pool (packagePassAsync) while this thread goes on
      const pending = packageLookups(tr, map, { prefix });
      assert.ok(pending !== null, 'the addon does the lookups off this thread');
      const lookups = await pending;
      assert.ok(lookups !== null);
      const owned2 = new Uint8Array(tr.count);
      assert.deepEqual({ rows: attributePackages(tr, map, { prefix, owned: owned2, lookups }), owned: [...owned2] }, { rows: c.rows, owned: c.owned });
      // its arguments are checked at once: a TypeError, no promise
      const a = ncduParseAddon()!;
      const u8 = new Uint8Array(4);
      const u32 = new Uint32Array(4);
      assert.throws(() => a.packagePassAsync!([u8, u32, u32, u8, u32, new Int32Array(4 * 1024), new Int32Array(4)], 5, 1023, 0), /packagePassAsync: arguments out of range/);
      assert.throws(() => a.packagePassAsync!([u8, Uint32Array.of(0, 9, 0, 0), u32, u8, u32, new Int32Array(4 * 1024), new Int32Array(4)], 4, 1023, 0), /a name out of range/);
    }
  });

  it("the sums in C (ncduparse.c groupSums) are attributeUsers' loop's: every owner, hard links once (this machine's /usr/bin too)", async (t) => {
    if (!ncduParseAddon()?.groupSums) return t.skip('no addon');
    for (const tr of [await scanTree(tree), await scanTree('/usr/bin')]) {
      const names = loadUserNames();
      assert.deepEqual(attributeUsers(tr, names), attributeUsers(tr, names, new Int32Array(tr.count)), 'C sums differ from the loop');
    }
  });

  it('groupSums: the disk-size kinds, directories, excluded entries, hard links and spilled sizes left to the caller, groups by entry or by attribute; bounds', (t) => {
    const addon = ncduParseAddon();
    if (!addon?.groupSums) return t.skip('no addon');
    // entries: 0 a directory (dir 0, own 5000 B), 1 a file DK_OWN 8 blocks, 2 a file DK_ROUND 5000 B,
    // 3 a file DK_ZERO, 4 a hard-linked file, 5 a spilled size (BIG), 6 excluded, 7 a symlink DK_OWN 1 block
    const fl = Uint8Array.from([1, 0, 0, 0, 0x04, 0, 0x10, 2]);
    const attr = Uint8Array.from([1, 0, 1, 2, 0, 0, 0, 0]);
    const dk = Uint8Array.from([2, 1, 0]); // by attribute: DK_OWN, DK_ROUND, DK_ZERO
    const asize = Uint32Array.from([0, 100, 5000, 7, 100, 100, 100, 10]);
    const dsize = Uint32Array.from([0, 8, 0, 0, 8, 0xffffffff, 8, 1]);
    const dirA = Uint32Array.from([5000]);
    const byEntry = Int32Array.from([0, 0, 1, -1, 1, 0, 0, 1]);
    const sums = (group: Int32Array, how: number, later = new Uint32Array(8), owned = new Uint8Array(8)) => {
      const bytes = new Float64Array(3);
      const files = new Float64Array(3);
      const k = addon.groupSums!([fl, attr, dk, asize, dsize, dirA, group, bytes, files, later, owned], 8, how);
      return { bytes: [...bytes], files: [...files], later: [...later.subarray(0, Math.min(k, later.length))], k, owned: [...owned] };
    };
    assert.deepEqual(sums(byEntry, 0), { bytes: [4096, 8192 + 512, 0], files: [1, 2, 1], later: [4, 5], k: 2, owned: [0, 1, 1, 0, 1, 1, 0, 1] });
    // directories too (their own apparent size rounded, for DK_ROUND), and groups by attribute
    assert.deepEqual(sums(Int32Array.from([0, 1, -1]), 3), { bytes: [4096 + 512, 8192 + 8192, 0], files: [2, 1, 1], later: [4, 5], k: 2, owned: [0, 1, 1, 0, 1, 1, 0, 1] });
    // a later list too short: the count still says how many, nothing written past it
    assert.equal(sums(byEntry, 0, new Uint32Array(1)).k, 2);
    assert.throws(() => sums(Int32Array.from([0, 0, 3, 0, 0, 0, 0, 0]), 0), /group out of range/);
    assert.throws(() => sums(Int32Array.from([0]), 1), /attribute out of range/);
    assert.throws(() => addon.groupSums!([fl, attr, dk, asize, dsize, dirA, byEntry, new Float64Array(3), new Float64Array(3), new Uint32Array(8), new Uint8Array(0)], 9, 0), /out of range/);
  });

  it('the package table built in the worker (and cached), then read from the cache off the main thread, gives the same rows; a stale or corrupt cache is rebuilt', async () => {
    const t = await scanTree(tree);
    const want = attributePackages(t, loadPackageMap({ infoDir: info, root }), { prefix: tree });
    const cacheFile = path.join(root, 'cache', 'packages.bin');
    const viaWorker = await startPackageTable({ infoDir: info, root, cacheFile }).map();
    assert.equal(viaWorker.source, 'worker');
    assert.deepEqual(attributePackages(t, viaWorker.map, { prefix: tree }), want, 'worker-built table differs');
    assert.ok(fs.existsSync(cacheFile), 'no cache written');
    const viaCache = await startPackageTable({ infoDir: info, root, cacheFile }).map();
    assert.equal(viaCache.source, 'cache');
    assert.deepEqual(attributePackages(t, viaCache.map, { prefix: tree }), want, 'cached table differs');
    const hit = buildPackageTable({ infoDir: info, root, cacheFile });
    assert.equal(hit.cached, true, 'cache not used');
    assert.equal(packageMapFromTable(hit, { infoDir: info, root }).get('/usr/bin/foo'), 'foo', 'the strings of a table-built map are read on demand');
    assert.deepEqual(attributePackages(t, packageMapFromTable(hit, { infoDir: info, root }), { prefix: tree }), want);
    // a package installed since: the info directory changed, the cache is stale
    const extra = path.join(info, 'other.list');
    fs.writeFileSync(extra, '/usr/bin/other\n');
    try {
      const stale = await startPackageTable({ infoDir: info, root, cacheFile }).map();
      assert.equal(stale.source, 'worker', 'a stale cache was used');
      assert.equal(attributePackages(t, stale.map, { prefix: tree }).find((r) => r.name === 'other')?.files, 1);
      fs.writeFileSync(cacheFile, 'stale'); // (the worker rewrote it)
      const fresh = buildPackageTable({ infoDir: info, root, cacheFile });
      assert.equal(fresh.cached, false, 'a stale cache was used');
      const rows = attributePackages(t, packageMapFromTable(fresh, { infoDir: info, root }), { prefix: tree });
      assert.equal(rows.find((r) => r.name === 'other')?.files, 1);
    } finally {
      fs.unlinkSync(extra);
    }
    // corrupt and truncated caches: rebuilt, same answer
    for (const bad of [Buffer.from('garbage'), fs.readFileSync(cacheFile).subarray(0, 100)]) {
      buildPackageTable({ infoDir: info, root, cacheFile }); // (re)written for the current lists
      fs.writeFileSync(cacheFile, bad);
      const async = await startPackageTable({ infoDir: info, root, cacheFile }).map();
      assert.equal(async.source, 'worker');
      assert.deepEqual(attributePackages(t, async.map, { prefix: tree }), want);
      fs.writeFileSync(cacheFile, bad);
      const again = buildPackageTable({ infoDir: info, root, cacheFile });
      assert.equal(again.cached, false);
      assert.deepEqual(attributePackages(t, packageMapFromTable(again, { infoDir: info, root }), { prefix: tree }), want);
    }
    assert.deepEqual(fs.readdirSync(path.dirname(cacheFile)), ['packages.bin'], 'temp files left behind');
  });

  it('a fixture tree (prefix standing for /): bytes per package from du, a hard-linked file once per package', async () => {
    const m = loadPackageMap({ infoDir: info, root });
    const t = await scanTree(tree);
    const rows = attributePackages(t, m, { prefix: tree });
    const p = (r: string) => path.join(tree, r);
    assert.deepEqual(rows, [
      { name: 'baz:amd64', bytes: duBytes([p('usr/lib64/ld.so')]), files: 1 },
      // other, and foo-unlisted: the same inode as foo, but (no package) is another owner
      { name: NO_PACKAGE, bytes: duBytes([p('usr/bin/other')]) + duBytes([p('usr/bin/foo')]), files: 2 },
      // foo and foo2 are one inode (both listed for foo): counted once; README; a name that is not ASCII
      { name: 'foo', bytes: duBytes([p('usr/bin/foo'), p('usr/share/doc/foo/README'), p('usr/share/doc/foo/d\u00e9j\u00e0/\u00fc.txt')]), files: 3 },
    ]);
    // the same tree without the prefix: its paths are /tmp/...: nothing is packaged
    const none = attributePackages(t, m);
    assert.deepEqual(none.map((r) => r.name), [NO_PACKAGE]);
    assert.equal(none[0].files, 5); // foo, foo2 and foo-unlisted are one inode
    assert.equal(none[0].bytes, fileBytesOf(t));
  });
});

// ------------------------------------------------------------------------------------------------ kinds

/** relative path → [size, expected category (null: none)] */
const KIND_FILES: Record<string, [number, string | null]> = {
  'var/log/app.log.1': [20_000, 'rotated logs'],
  'var/log/syslog.2.gz': [3000, 'rotated logs'],
  'var/log/nginx/access.log-20240101': [2500, 'rotated logs'],
  'var/log/messages-20240101': [1500, 'rotated logs'],
  'var/log/old.tar.gz': [1200, 'rotated logs'], // an archive in a log dir is not a backup
  'srv/app/logs/x.3.gz': [900, 'rotated logs'],
  'var/log/syslog': [17_000, 'live logs'],
  'var/log/nginx/access.log': [5000, 'live logs'],
  'srv/app/app.log': [800, 'live logs'],
  'home/u/db.dump': [50_000, null], // no pg_dump header: not a backup (kinds-trust.ts)
  'home/u/site.tar.gz': [4000, null], // a lone archive is an archive, not a backup
  'home/u/notes.txt~': [100, 'backups'],
  'home/u/x.sql.gz': [300, null], // not even gzip: no dump header
  'home/u/x.bak': [300, 'backups'],
  'var/backups/passwd.1': [600, 'backups'],
  'home/u/.cache/old.bak': [200, 'backups'], // backups are tried before caches
  'backup/repo/config': [155, 'backups'],
  'backup/repo/data/00/0a1b': [30_000, 'backups'],
  'backup/repo/index/i1': [400, 'backups'],
  'backup/repo/keys/k1': [450, 'backups'],
  'backup/repo/snapshots/s1': [250, 'backups'],
  'backup/borg/README': [50, 'backups'],
  'backup/borg/config': [160, 'backups'],
  'backup/borg/hints.1': [40, 'backups'],
  'backup/borg/data/0/1': [12_000, 'backups'],
  'home/u/.cache/x': [10_000, 'caches'],
  'home/u/.cache/pip/wheel.whl': [6000, 'caches'],
  'home/u/.cache/pkg.zip': [3500, 'caches'], // an archive in a cache dir is not a backup
  'var/cache/apt/pkgcache.bin': [25_000, 'caches'],
  'home/u/proj/node_modules/.cache/babel/y.json': [700, 'caches'],
  'home/u/.m2/repository/a.jar': [1100, 'caches'],
  'home/u/core.1234': [40_000, null], // no ELF core header: not a core dump (a real one: test/kinds-fixture)
  'home/u/core': [1000, null],
  'usr/share/man/man5/core.5.gz': [1000, null], // a man page, not a core dump
  'var/crash/app.crash': [2000, 'core dumps'],
  'var/lib/systemd/coredump/core.x.zst': [3000, 'core dumps'],
  'home/u/.local/share/Trash/files/z.txt': [8000, 'trash'],
  'data/.Trash-0/files/y': [900, 'trash'],
  'data/.Trash-0/files/y.log': [500, 'trash'], // trash is tried before logs
  'tmp/x.dat': [1300, 'temp'],
  'var/tmp/foo': [1400, 'temp'],
  'home/u/x.tmp': [9000, 'temp'],
  'home/u/.x.swp': [1600, 'temp'],
  'home/u/readme.txt': [1700, null],
  'home/u/logbook/entry.1': [1800, null], // not a log dir: no rotated-log match
  'home/u/restic-lookalike/config': [100, null], // config + data/ only: not a repository
  'home/u/restic-lookalike/data/d': [100, null],
};

describe('kinds of data: the built-in rules on a fixture tree', () => {
  let root: string;
  let tree: Tree;
  const t0 = 1_600_000_000;
  before(async () => {
    root = makeTmp('kinds');
    let k = 0;
    for (const [rel, [n]] of Object.entries(KIND_FILES)) {
      writeFiles(root, { [rel]: n });
      fs.utimesSync(path.join(root, rel), t0 + k * 1000, t0 + k * 1000);
      k++;
    }
    // a second name for one inode: counted once
    fs.linkSync(path.join(root, 'home/u/x.bak'), path.join(root, 'home/u/x2.bak'));
    tree = await scanTree(root);
  });
  after(() => rmrf(root));

  it('every file lands in its category; bytes from du, counts, ages, biggest items', () => {
    const cats = categorize(tree, BUILTIN_RULES, { prefix: root, top: 3 });
    const expected = new Map<string, { files: string[]; mtimes: number[] }>();
    let k = 0;
    for (const [rel, [, cat]] of Object.entries(KIND_FILES)) {
      if (cat) {
        const e = expected.get(cat) ?? { files: [], mtimes: [] };
        e.files.push(rel);
        e.mtimes.push(t0 + k * 1000);
        expected.set(cat, e);
      }
      k++;
    }
    // in rule order, empty ones left out
    const order = BUILTIN_RULES.categories.map((c) => c.name).filter((n) => expected.has(n));
    assert.deepEqual(cats.map((c) => c.name), order);
    for (const c of cats) {
      const e = expected.get(c.name)!;
      const abs = e.files.map((f) => path.join(root, f));
      assert.equal(c.count, e.files.length, `${c.name}: count`); // (x2.bak not among them: once)
      assert.equal(c.bytes, duBytes(abs), `${c.name}: bytes`);
      assert.equal(c.oldest, Math.min(...e.mtimes), `${c.name}: oldest`);
      assert.equal(c.newest, Math.max(...e.mtimes), `${c.name}: newest`);
      const bySize = abs.map((p) => ({ path: p, bytes: fs.statSync(p).blocks * 512 })).sort((a, b) => b.bytes - a.bytes);
      assert.equal(c.biggest.length, Math.min(3, abs.length));
      assert.deepEqual(
        c.biggest.map((b) => b.bytes),
        bySize.slice(0, 3).map((b) => b.bytes),
        `${c.name}: biggest`,
      );
      // the single biggest is the right file (sizes differ enough to make it unique)
      assert.equal(c.biggest[0].path, bySize[0].path);
      assert.equal(c.biggest[0].mtime, fs.statSync(bySize[0].path).mtimeMs / 1000);
    }
  });

  it('without a prefix paths are real: the fixture lives in /tmp, so everything unmatched is temp', (t) => {
    if (!root.startsWith('/tmp/')) return t.skip('the temp dir is not below /tmp');
    const cats = categorize(tree, BUILTIN_RULES);
    const temp = cats.find((c) => c.name === 'temp');
    assert.ok(temp);
    const unmatched = Object.entries(KIND_FILES).filter(([, [, c]]) => c === null || c === 'temp').map(([r]) => path.join(root, r));
    // what only rules anchored at / put elsewhere (/var/log/**, /var/cache/**...) is temp too
    const nowTemp = [...unmatched, ...['var/log/syslog', 'var/log/messages-20240101', 'var/log/old.tar.gz', 'var/backups/passwd.1', 'var/cache/apt/pkgcache.bin', 'var/crash/app.crash', 'var/lib/systemd/coredump/core.x.zst'].map((r) => path.join(root, r))];
    assert.equal(temp.count, nowTemp.length);
    assert.equal(temp.bytes, duBytes(nowTemp));
  });

  it('a scan of a subdirectory keeps the rules of its ancestors (/var/log/** for a scan of /var/log/nginx)', async () => {
    const sub = await scanTree(path.join(root, 'var/log/nginx'));
    const cats = categorize(sub, BUILTIN_RULES, { prefix: root });
    assert.deepEqual(
      cats.map((c) => [c.name, c.count, c.biggest.map((b) => b.path)]),
      [
        ['rotated logs', 1, [path.join(root, 'var/log/nginx/access.log-20240101')]],
        ['live logs', 1, [path.join(root, 'var/log/nginx/access.log')]],
      ],
    );
    // a rule for / and everything below holds for it too
    const all = categorize(sub, { categories: [{ name: 'all', patterns: ['/**'] }] }, { prefix: root });
    assert.deepEqual(all.map((c) => [c.name, c.count]), [['all', 2]]);
  });

  it('top: 0 keeps no items, and a name that is not UTF-8 comes out lossy', async () => {
    const d = makeTmp('kinds8');
    try {
      fs.writeFileSync(Buffer.concat([Buffer.from(d + '/bad'), Buffer.from([0xff]), Buffer.from('.bak')]), 'x');
      const t = await scanTree(d);
      const [c] = categorize(t, BUILTIN_RULES, { prefix: d });
      assert.equal(c.name, 'backups');
      assert.equal(c.biggest[0].path, d + '/bad\ufffd.bak');
      assert.deepEqual(categorize(t, BUILTIN_RULES, { prefix: d, top: 0 })[0].biggest, []);
    } finally {
      rmrf(d);
    }
  });
});

describe('kinds of data: globs behave as picomatch (dot: true) on names and on paths from /', () => {
  const paths = [
    'var/log/syslog',
    'var/log/a/b.gz',
    'var/log/x.1',
    'var/logs/y.gz',
    'var/log.gz',
    'home/u/.cache/a/b',
    '.cache/top',
    'home/u/cache/c',
    'core',
    'core.12',
    'home/core.x',
    'home/core.9a',
    'man/core.5.gz',
    'a/b/c/d.txt',
    'a/x/c/d.txt',
    'a/x/y/c/d.txt',
    'x/1/y/2/z.z',
    'x/y/w.z',
    'q/x/r/y/s.z',
    'foo/a',
    'bar/b/c',
    'baz/c',
    'data/a/f.bin',
    'data/b/c/f.bin',
    'data/b/f.bin',
    'p.jpg',
    'd/p.png',
    'd/.hidden.png',
    'etc/a.conf',
    'etc/sub/b.conf',
    'build/out',
    'src/build/o2',
    'src/build/deep/o3',
    'srv/app/logs/x.3.gz',
    'srv/log/deep/er/y.7.gz',
    'x.log.2024-01.gz',
  ];
  const patterns = [
    '*.log',
    '/var/log/**',
    '**/.cache/**',
    '/var/log/**/*.gz',
    '/var/log/*.[0-9]',
    '**/log/**/*.[0-9].gz',
    'core.[0-9]*',
    'core.+([0-9])',
    '/core',
    'core',
    'a/*/c/*.txt',
    '**/x/**/y/*.z',
    '{foo,bar}/**',
    'data/{a,b/c}/*.bin',
    '*.{jpg,png}',
    '**/*.png',
    '/etc/*.conf',
    '**/build/*',
    '**/build/**',
    '*.log.*.gz',
    'var/log*',
  ];
  const tree = sinkTree('/', paths.map((p) => [p, 1000]));
  for (const pat of patterns) {
    it(pat, () => {
      const isPath = pat.includes('/');
      const m = picomatch(isPath ? pat.replace(/^\/+/, '') : pat, { dot: true });
      const want = paths.filter((p) => m(isPath ? p : p.slice(p.lastIndexOf('/') + 1))).map((p) => '/' + p).sort();
      const rules: Rules = { categories: [{ name: 'x', patterns: [pat] }] };
      const got = categorize(tree, rules, { top: 1000 });
      assert.deepEqual(got.length ? got[0].biggest.map((b) => b.path).sort() : [], want);
    });
  }
});

describe('kinds of data: globs of several stars take time linear in the name, as picomatch matches them', () => {
  // picomatch makes `*a*a*...*b` a regular expression that backtracks: a 60-byte name of a's took
  // 105 s against 8 stars, so one file named by anyone stalled `owners` and `snapshot` for good
  const stars = ['*a*a*a*a*a*a*a*a*b', '*-*-*-*.log', '?*?*x*', 'a**b**c', '*.*.*.*.*.gz', '*é*é*', '\n*a*b', '.*.*'];
  it('the same files as picomatch on short names (where its expressions are quick)', () => {
    const r = rng(99);
    const alpha = ['a', 'b', 'c', '-', '.', 'x', 'é', 'gz', 'log', '\n', '\r', '*', '?'];
    const names = new Set<string>(['a', 'ab', '.', '..', 'x.log', '-.-.-.log', 'a.b.c.d.e.gz']);
    while (names.size < 400) {
      let n = '';
      for (let k = 1 + Math.floor(r() * 10); k > 0; k--) n += alpha[Math.floor(r() * alpha.length)];
      if (n !== '.' && n !== '..') names.add(n);
    }
    const list = [...names];
    const tree = sinkTree('/', list.map((n, k) => [`d${k}/${n}`, 1000]));
    for (const pat of stars) {
      const m = picomatch(Buffer.from(pat, 'utf8').toString('latin1'), { dot: true });
      const want = list.map((n, k) => [n, k] as const).filter(([n]) => m(Buffer.from(n, 'utf8').toString('latin1'))).map(([n, k]) => `/d${k}/${n}`).sort();
      for (const native of [undefined, false]) {
        const got = categorize(tree, { categories: [{ name: 'x', patterns: [pat] }] }, { top: 1000, native });
        const paths = got.length ? got[0].biggest.map((b) => b.path).sort() : [];
        assert.deepEqual(paths, want, `${pat}, native ${native}: ${JSON.stringify(paths.filter((p) => !want.includes(p)))} ${JSON.stringify(want.filter((p) => !paths.includes(p)))}`);
      }
    }
  });
  // the same in a path glob: a directory of a's (anyone's) below srv/ held every directory named x
  const pathStars = ['/srv/*a*a*a*a*a*a*b/x/**', 'srv/*-*-*.d/*.log', '/?*?*/*a*b*', 'd*1*/*.*.*'];
  it('in path globs too: the same files as picomatch on short paths', () => {
    const r = rng(7);
    const alpha = ['a', 'b', '-', '.', 'x', 'é', 'log', 'd', '1', '\n', '*'];
    const word = () => {
      let n = '';
      for (let k = 1 + Math.floor(r() * 7); k > 0; k--) n += alpha[Math.floor(r() * alpha.length)];
      return n === '.' || n === '..' ? 'z' : n;
    };
    const paths = new Set<string>(['srv/aab/x/f', 'srv/a-b-c.d/x.log', 'd1/a.b.c', 'srv/aaaaaab/x/y/z']);
    while (paths.size < 500) paths.add([r() < 0.5 ? 'srv' : word(), word(), ...(r() < 0.5 ? ['x'] : []), word()].join('/'));
    const list = [...paths];
    const tree = sinkTree('/', list.map((p) => [p, 1000]));
    for (const pat of pathStars) {
      const m = picomatch(Buffer.from(pat.replace(/^\/+/, ''), 'utf8').toString('latin1'), { dot: true });
      const want = list.filter((p) => m(Buffer.from(p, 'utf8').toString('latin1'))).map((p) => '/' + p).sort();
      for (const native of [undefined, false]) {
        const got = categorize(tree, { categories: [{ name: 'x', patterns: [pat] }] }, { top: 1000, native });
        const paths = got.length ? got[0].biggest.map((b) => b.path).sort() : [];
        assert.deepEqual(paths, want, `${pat}, native ${native}: ${JSON.stringify(paths.filter((p) => !want.includes(p)))} ${JSON.stringify(want.filter((p) => !paths.includes(p)))}`);
      }
    }
  });
  it('a 255-byte name against them: done at once (a child process, killed after 60 s)', () => {
    const code = `import { categorize } from ${JSON.stringify(path.join(ROOT, 'src/owners/kinds.ts'))};
      import { scanTree } from ${JSON.stringify(path.join(ROOT, 'test/helpers/tree.ts'))};
      const t = await scanTree(process.argv[1]);
      for (const p of ${JSON.stringify([...stars, ...pathStars])}) for (const native of [undefined, false]) categorize(t, { categories: [{ name: 'x', patterns: [p] }] }, { prefix: process.argv[1], native });
      console.log('done');`;
    const dir = makeTmp('stars');
    try {
      for (const c of ['a', '-', '.', 'x']) fs.writeFileSync(path.join(dir, c.repeat(255)), 'x');
      fs.writeFileSync(path.join(dir, 'é'.repeat(127)), 'x');
      fs.mkdirSync(path.join(dir, 'srv', 'a'.repeat(255), 'x'), { recursive: true });
      fs.writeFileSync(path.join(dir, 'srv', 'a'.repeat(255), 'x', 'f.log'), 'x');
      const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code, dir], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
      assert.equal(r.stdout.trim(), 'done', `signal ${r.signal}, stderr ${r.stderr}`);
    } finally {
      rmrf(dir);
    }
  });
});

describe('kinds of data: the rules file', () => {
  let dir: string;
  let data: string;
  let tree: Tree;
  before(async () => {
    dir = makeTmp('rules');
    data = makeTmp('rulesdata');
    writeFiles(data, { 'v/a.mp4': 9000, 'home/u/.cache/b.mp4': 4000, 'home/u/db.bak': 3000, 'home/u/x.snapshot': 2000, 'srv/media/m.bin': 1000 });
    tree = await scanTree(data);
  });
  after(() => {
    rmrf(dir);
    rmrf(data);
  });
  const write = (name: string, text: string) => {
    const p = path.join(dir, name);
    fs.writeFileSync(p, text);
    return p;
  };
  const counts = (r: Rules) => Object.fromEntries(categorize(tree, r, { prefix: data }).map((c) => [c.name, c.count]));

  it('a new category comes before the built-ins (videos in .cache are videos)', () => {
    const r = loadRules(write('videos.json', '{"categories":[{"name":"videos","patterns":["*.mp4"]},{"name":"media","patterns":["/srv/media/**"]}]}'));
    assert.deepEqual(r.categories.map((c) => c.name).slice(0, 3), ['videos', 'media', 'core dumps']);
    assert.equal(r.categories.length, BUILTIN_RULES.categories.length + 2);
    const cats = categorize(tree, r, { prefix: data });
    const v = cats.find((c) => c.name === 'videos')!;
    assert.equal(v.count, 2);
    assert.equal(v.bytes, duBytes([path.join(data, 'v/a.mp4'), path.join(data, 'home/u/.cache/b.mp4')]));
    assert.deepEqual(counts(r), { videos: 2, media: 1, backups: 1 });
    // the built-ins are untouched
    assert.deepEqual(counts(BUILTIN_RULES), { backups: 1, caches: 1 });
  });

  it('a built-in name extends it; replace: true replaces it', () => {
    const ext = loadRules(write('ext.json', '{"categories":[{"name":"backups","patterns":["*.snapshot"]}]}'));
    assert.equal(ext.categories.length, BUILTIN_RULES.categories.length);
    assert.deepEqual(counts(ext), { backups: 2, caches: 1 });
    const rep = loadRules(write('rep.json', '{"categories":[{"name":"backups","patterns":["*.snapshot"],"replace":true}]}'));
    assert.deepEqual(rep.categories.find((c) => c.name === 'backups')!.patterns, ['*.snapshot']);
    const cats = categorize(tree, rep, { prefix: data });
    assert.deepEqual(
      cats.map((c) => [c.name, c.biggest.map((b) => path.relative(data, b.path))]),
      [
        ['backups', ['home/u/x.snapshot']],
        ['caches', ['home/u/.cache/b.mp4']],
      ],
    );
  });

  it('no file at the default place: the built-ins; one there: read', () => {
    const xdg = makeTmp('xdg');
    const saved = process.env.XDG_CONFIG_HOME;
    try {
      process.env.XDG_CONFIG_HOME = xdg;
      assert.deepEqual(loadRules(), BUILTIN_RULES);
      fs.mkdirSync(path.join(xdg, 'diskblame'));
      fs.writeFileSync(path.join(xdg, 'diskblame/rules.json'), '{"categories":[{"name":"isos","patterns":["*.iso"]}]}');
      assert.equal(loadRules().categories[0].name, 'isos');
      fs.writeFileSync(path.join(xdg, 'diskblame/rules.json'), '{"categories": [');
      assert.throws(() => loadRules(), (e: Error) => e instanceof UserError && e.message.includes(path.join(xdg, 'diskblame/rules.json')));
    } finally {
      if (saved === undefined) delete process.env.XDG_CONFIG_HOME;
      else process.env.XDG_CONFIG_HOME = saved;
      rmrf(xdg);
    }
  });

  const broken: [string, string, RegExp][] = [
    ['bad.json', '{"categories": [{"name": "x", "patterns": ["*.a"]}', /not valid JSON/],
    ['arr.json', '[]', /expected an object/],
    ['nocats.json', '{"categorys": []}', /unknown key "categorys"/],
    ['notarray.json', '{"categories": {}}', /"categories" must be an array/],
    ['noname.json', '{"categories": [{"patterns": ["*.a"]}]}', /categories\[0\]: "name" must be a non-empty string/],
    ['nopat.json', '{"categories": [{"name": "x"}]}', /categories\[0\] \(x\): "patterns" must be an array/],
    ['patnum.json', '{"categories": [{"name": "x", "patterns": [1]}]}', /"patterns" must be an array of non-empty strings/],
    ['typo.json', '{"categories": [{"name": "x", "pattern": ["*.a"]}]}', /unknown key "pattern"/],
    ['replace.json', '{"categories": [{"name": "x", "patterns": [], "replace": "yes"}]}', /"replace" must be true or false/],
    // a repeated group of something that repeats: picomatch's (?:[^/]*?)* backtracks exponentially (40 bytes: minutes)
    ['nested.json', '{"categories": [{"name": "x", "patterns": ["*(*)a**b"]}]}', /bad pattern "\*\(\*\)a\*\*b": .*repeat/],
    ['nested2.json', '{"categories": [{"name": "x", "patterns": ["+(a|aa)b"]}]}', /bad pattern "\+\(a\|aa\)b": .*repeat/],
  ];
  for (const [name, text, re] of broken) {
    it(`a broken file (${name}): one line naming the file and the problem`, () => {
      const p = write(name, text);
      assert.throws(
        () => loadRules(p),
        (e: Error) => {
          assert.ok(e instanceof UserError, 'not a UserError');
          assert.ok(e.message.includes(p), `file not named: ${e.message}`);
          assert.match(e.message, re);
          assert.ok(!e.message.includes('\n'), 'more than one line');
          return true;
        },
      );
    });
  }

  it('a named file that is missing is an error, not the built-ins', () => {
    const p = path.join(dir, 'missing.json');
    assert.throws(() => loadRules(p), (e: Error) => e instanceof UserError && e.message.includes(p) && /no such file/.test(e.message));
  });
});

// ------------------------------------------------------------------------------------------------ users

describe('users', () => {
  it('loadUserNames reads a passwd file', () => {
    const d = makeTmp('passwd');
    try {
      const p = path.join(d, 'passwd');
      fs.writeFileSync(p, 'root:x:0:0:root:/root:/bin/bash\n# comment\nbroken line\nnobody:x:65534:65534::/:/bin/false\ndup:x:0:0::/:/bin/sh\n');
      assert.deepEqual([...loadUserNames(p)], [
        [0, 'root'],
        [65534, 'nobody'],
      ]);
      assert.equal(loadUserNames(path.join(d, 'none')).size, 0);
    } finally {
      rmrf(d);
    }
  });

  it('bytes and files per uid (files chowned to nobody), a hard link once; the rows add up to the scan', { skip: !isRoot() && 'needs root (chown)' }, async () => {
    const d = makeTmp('users');
    try {
      writeFiles(d, { 'a/n1': 10_000, 'a/n2': 3000, 'b/r1': 7000, 'b/sub/n3': 500 });
      for (const f of ['a/n1', 'a/n2', 'b/sub/n3', 'b/sub']) fs.chownSync(path.join(d, f), 65534, 65534);
      fs.linkSync(path.join(d, 'a/n1'), path.join(d, 'b/n1-again'));
      const t = await scanTree(d);
      const names = loadUserNames();
      const rows = attributeUsers(t, names);
      const p = (r: string) => path.join(d, r);
      const nobodyBytes = duBytes([p('a/n1'), p('a/n2'), p('b/sub/n3')]) + fs.statSync(p('b/sub')).blocks * 512;
      assert.deepEqual(rows.find((r) => r.uid === 65534), { uid: 65534, user: names.get(65534) ?? '65534', bytes: nobodyBytes, files: 3 });
      const rootRow = rows.find((r) => r.uid === 0)!;
      assert.equal(rootRow.files, 1);
      assert.equal(rootRow.bytes, duBytes([d], true) - nobodyBytes);
      assert.equal(rows.length, 2);
      assert.equal(sum(rows, (r) => r.bytes), t.sizeD(0));
      assert.ok(rows[0].bytes >= rows[1].bytes, 'not sorted biggest first');
    } finally {
      rmrf(d);
    }
  });

  it('a uid with no name is shown by number', () => {
    const t = sinkTree('/x', [['f', 1000]]);
    assert.deepEqual(attributeUsers(t, new Map()), [{ uid: 0, user: '0', bytes: 1024, files: 1 }]);
  });
});

// ------------------------------------------------------------------------------------------------ services

describe('services: a fixture / with /var, unit files, docker and podman metadata', () => {
  let root: string;
  const ID = 'a'.repeat(64);
  const ID2 = 'b'.repeat(64);
  const PID = 'c'.repeat(64);
  before(() => {
    root = makeTmp('svc');
    writeFiles(root, {
      'var/lib/nginx/body/x': 3000,
      'var/log/nginx/access.log': 5000,
      'var/cache/nginx/c1': 2000,
      'var/spool/cron/crontabs/root': 600,
      'var/lib/private/dyn/state': 700,
      'var/lib/foo/unowned': 800,
      'var/lib/postgresql/15/main/PG_VERSION': 3,
      'var/lib/postgresql/15/main/base/1/1259': 16_384,
      'srv/pgdata/PG_VERSION': 3,
      'srv/pgdata/base/5/100': 8192,
      'srv/notpg/PG_VERSION': 3, // no base/: not a data directory
      'var/lib/mysql/ibdata1': 12_000,
      'srv/my/mysql.ibd': 4000,
      'srv/my/mysql/general_log.CSM': 100,
      'srv/my/shop/orders.ibd': 6000,
      'srv/notmy/shop/orders.ibd': 6000, // *.ibd without mysql/: not a data directory
      'var/log/journal/abc/system.journal': 40_000,
      [`var/lib/docker/containers/${ID}/${ID}-json.log`]: 9000,
      [`var/lib/docker/containers/${ID2}/hostname`]: 10,
      'var/lib/docker/overlay2/l1/diff/bin/sh': 20_000,
      'var/lib/docker/volumes/v1/_data/f': 1500,
      'var/lib/docker/engine-id': 36,
      'var/lib/containers/storage/overlay/l2/diff/x': 11_000,
      [`var/lib/containers/storage/overlay-containers/${PID}/userdata/config.json`]: 900,
      'usr/lib/systemd/system/nginx.service': 100,
      'usr/lib/systemd/system/crond.service': 100,
      'usr/lib/systemd/system/docker.service': 100,
      'usr/lib/systemd/system/getty@.service': 100,
      'etc/systemd/system/dyn.service': 100,
      'etc/systemd/system/foo.timer': 100,
    });
    fs.symlinkSync('usr/lib', path.join(root, 'lib'));
    // one inode in two of nginx's directories: counted once
    fs.linkSync(path.join(root, 'var/lib/nginx/body/x'), path.join(root, 'var/log/nginx/x-again'));
    fs.writeFileSync(path.join(root, 'etc/systemd/system/dyn.service'), '[Service]\nDynamicUser=yes\nStateDirectory=dyn other/sub\n');
    fs.writeFileSync(path.join(root, `var/lib/docker/containers/${ID}/config.v2.json`), JSON.stringify({ ID, Name: '/web' }));
    fs.writeFileSync(path.join(root, `var/lib/docker/containers/${ID2}/config.v2.json`), '{not json');
    fs.writeFileSync(
      path.join(root, 'var/lib/containers/storage/overlay-containers/containers.json'),
      JSON.stringify([{ id: PID, names: ['db-pod'], image: 'x' }]),
    );
  });
  after(() => rmrf(root));

  it('loadServiceHints: unit names, declared directories, container names', () => {
    const h = loadServiceHints({ root });
    assert.deepEqual([...h.units].sort(), ['crond.service', 'docker.service', 'dyn.service', 'getty@.service', 'nginx.service']);
    assert.equal(h.unitDirs.get('/var/lib/dyn'), 'dyn.service');
    assert.equal(h.unitDirs.get('/var/lib/private/dyn'), 'dyn.service');
    assert.equal(h.unitDirs.get('/var/lib/other/sub'), 'dyn.service');
    assert.deepEqual([...h.docker], [[ID, 'web']]);
    assert.deepEqual([...h.podman], [[PID, 'db-pod']]);
    const none = loadServiceHints({ root: path.join(root, 'srv') });
    assert.equal(none.units.size + none.docker.size + none.podman.size + none.unitDirs.size, 0);
  });

  it('attributeServices: units, journal, containers, databases (by path and by what they hold); bytes from du', async () => {
    const t = await scanTree(root);
    const rows = attributeServices(t, loadServiceHints({ root }), { prefix: root });
    const p = (r: string) => path.join(root, r);
    /** non-directories below the directories, a hard-linked inode once */
    const files = (dirs: string[]) => {
      const r = run('find', [...dirs.map(p), '!', '-type', 'd', '-printf', '%D:%i\n']);
      return new Set(r.stdout.split('\n').filter(Boolean)).size;
    };
    const expect = (kind: string, name: string, dirs: string[], bytes = duBytes(dirs.map(p), true)) => ({
      kind,
      name,
      bytes,
      files: files(dirs),
      paths: dirs.map(p),
    });
    const storage = 'var/lib/containers/storage';
    const podmanDir = `${storage}/overlay-containers/${PID}`;
    // docker.service: /var/lib/docker but what is counted for containers, layers and volumes (the
    // containers directory itself is its)
    const dockerRest =
      duBytes([p('var/lib/docker')], true) -
      duBytes([p('var/lib/docker/containers'), p('var/lib/docker/overlay2'), p('var/lib/docker/volumes')], true) +
      fs.statSync(p('var/lib/docker/containers')).blocks * 512;
    const want = [
      expect('journal', 'systemd-journald.service', ['var/log/journal']),
      expect('database', 'postgresql', ['var/lib/postgresql', 'srv/pgdata']),
      expect('container', 'docker images/layers', ['var/lib/docker/overlay2']),
      expect('database', 'mysql', ['var/lib/mysql', 'srv/my']),
      expect('container', 'podman storage', [storage], duBytes([p(storage)], true) - duBytes([p(podmanDir)], true)),
      expect('unit', 'nginx.service', ['var/cache/nginx', 'var/lib/nginx', 'var/log/nginx']),
      expect('container', 'web', [`var/lib/docker/containers/${ID}`]),
      expect('container', 'docker volumes', ['var/lib/docker/volumes']),
      expect('unit', 'dyn.service', ['var/lib/private/dyn']),
      expect('unit', 'crond.service', ['var/spool/cron']),
      expect('container', ID2.slice(0, 12), [`var/lib/docker/containers/${ID2}`]),
      expect('container', 'db-pod', [podmanDir]),
    ];
    want.push({ kind: 'unit', name: 'docker.service', bytes: dockerRest, files: 1, paths: [p('var/lib/docker')] });
    // the podman storage row holds the rest of the storage: its files are those not in the container
    want.find((w) => w.name === 'podman storage')!.files = files([storage]) - files([podmanDir]);
    const byName = (a: { name: string }, b: { name: string }) => (a.name < b.name ? -1 : 1);
    const norm = (r: { name: string; paths: string[] }[]) => r.map((x) => ({ ...x, paths: [...x.paths].sort() })).sort(byName);
    assert.deepEqual(norm(rows), norm(want));
    for (let k = 1; k < rows.length; k++) assert.ok(rows[k - 1].bytes >= rows[k].bytes, 'not sorted biggest first');
    assert.ok(!rows.some((r) => r.paths.some((x) => /var\/lib\/foo|srv\/not/.test(x))));
  });

  it('a scan below a service directory still belongs to it; without the prefix only the recognisers apply', async () => {
    const sub = await scanTree(path.join(root, 'var/lib/nginx/body'));
    const rows = attributeServices(sub, loadServiceHints({ root }), { prefix: root });
    assert.deepEqual(rows, [
      { kind: 'unit', name: 'nginx.service', bytes: duBytes([path.join(root, 'var/lib/nginx/body')], true), files: 1, paths: [path.join(root, 'var/lib/nginx/body')] },
    ]);
    const t = await scanTree(root);
    const plain = attributeServices(t, loadServiceHints({ root }));
    assert.deepEqual(plain.map((r) => r.name).sort(), ['mysql', 'postgresql']);
  });

  it('the hints given as loadServiceHints itself: read only for a tree below /var or holding it, the same rows', async () => {
    let calls = 0;
    const lazy = () => (calls++, loadServiceHints({ root }));
    for (const [rel, reads] of [['', 1], ['var/lib', 1], ['var/lib/nginx/body', 1], ['srv', 0], ['usr', 0]] as const) {
      const t = await scanTree(path.join(root, rel));
      calls = 0;
      assert.deepEqual(attributeServices(t, lazy, { prefix: root }), attributeServices(t, loadServiceHints({ root }), { prefix: root }), rel);
      assert.equal(calls, reads, `${rel || '/'}: the hints read ${calls} times`);
    }
  });
});
