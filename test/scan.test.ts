/**
 * The scanner against real trees and real tools (GNU du): hard links, sparse files, symlinks,
 * FIFOs, sockets, hostile names, mount points, --exclude, trees deeper than PATH_MAX, huge
 * directories, unreadable directories (as user nobody), bad roots and bad flags, escaping.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {
  assertOneLineError,
  du,
  duOk,
  have,
  isRoot,
  run,
  runCli,
  runCliOk,
  scanJson,
  type ScanJson,
} from './helpers/run.js';
import {
  BAD_UTF8,
  BAD_UTF8_DIR,
  WEIRD_NAMES,
  buildRichTree,
  bpath,
  makeChain,
  makeManyFiles,
  makeTmp,
  rmrf,
  writeSized,
  type RichTree,
} from './helpers/fs.js';
import { Excluded, dirTotals, get, indexTree, key, loadExport, scanTree, show } from './helpers/tree.js';

const canNobody = isRoot() && have('setpriv');

// ------------------------------------------------------------------------------------------------
describe('requirement 1: totals equal du on a tree with links, sparse files, symlinks, FIFOs, odd names', () => {
  let rich: RichTree;
  let root: string;
  let outside: string;

  before(() => {
    root = makeTmp('rich');
    outside = makeTmp('outside');
    rich = buildRichTree(root, outside);
  });
  after(() => {
    rmrf(root);
    rmrf(outside);
  });

  it('the test tree is what it claims (sparse: disk << apparent; FIFO and loop exist)', () => {
    const st = fs.statSync(path.join(root, 'sparse.img'));
    assert.equal(st.size, 100 * 1024 * 1024);
    assert.ok(st.blocks * 512 < 1024 * 1024, `sparse.img uses ${st.blocks * 512} bytes: not sparse`);
    assert.ok(fs.lstatSync(path.join(root, 'fifo')).isFIFO());
    assert.equal(fs.lstatSync(path.join(root, 'h4')).nlink, 4);
  });

  for (const threads of [undefined, 1, 4]) {
    it(`CLI scan${threads ? ` --threads ${threads}` : ''}: apparentBytes = du -x -sb, diskBytes = du -x -sB1, counts exact`, () => {
      const j = scanJson(root, threads ? ['--threads', String(threads)] : [], { timeoutMs: 30_000 });
      assert.equal(j.root, root);
      assert.equal(j.apparentBytes, duOk(['-x', '-sb'], root), 'apparent bytes vs du -x -sb');
      assert.equal(j.diskBytes, duOk(['-x', '-sB1'], root), 'disk bytes vs du -x -sB1');
      // following link-out would add 2 MiB; counting the hard-linked inode 4 times would add 3 x 12345
      const e = rich.expect;
      assert.deepEqual(
        { entries: j.entries, files: j.files, dirs: j.dirs, symlinks: j.symlinks, others: j.others, hardlinks: j.hardlinks },
        { entries: e.entries, files: e.files, dirs: e.dirs, symlinks: e.symlinks, others: e.others, hardlinks: e.hardlinkEntries },
      );
      assert.equal(j.errors, 0);
      assert.equal(j.excluded, 0);
      assert.equal(j.incomplete, false);
    });
  }

  it('library scan: every entry present with lstat sizes, symlinks not followed, FIFO/socket as "other"', async () => {
    const m = indexTree(await scanTree(root));
    assert.equal(m.size, rich.expect.entries);
    // walk the real tree with lstat (Buffer paths: names that are not UTF-8 too)
    const seen = new Set<string>();
    const walk = (abs: Buffer, rel: string) => {
      const st = fs.lstatSync(abs);
      const n = get(m, rel);
      const kind = st.isDirectory() ? 'dir' : st.isFile() ? 'file' : st.isSymbolicLink() ? 'symlink' : 'other';
      assert.equal(n.kind, kind, `kind of ${show(rel)}`);
      assert.equal(n.ownA, st.size, `apparent size of ${show(rel)}`);
      assert.equal(n.ownD, st.blocks * 512, `disk size of ${show(rel)}`);
      assert.equal(n.hardlink, !st.isDirectory() && st.nlink > 1, `hard link flag of ${show(rel)}`);
      seen.add(rel);
      if (st.isDirectory())
        for (const nm of fs.readdirSync(abs, { encoding: 'buffer' })) walk(bpath(abs, nm), rel === '' ? key(nm) : rel + '/' + key(nm));
    };
    walk(Buffer.from(root), '');
    assert.deepEqual([...m.keys()].filter((k) => !seen.has(k)).map(show), [], 'entries the scan invented');
    for (const l of ['link-out', 'loop-a', 'loop-b', 'self', 'dangling', 'link-file']) {
      assert.equal(get(m, l).kind, 'symlink', l);
      assert.equal(get(m, l).items, 0);
    }
    assert.ok(![...m.keys()].some((k) => k.startsWith('link-out/')), 'the symlink to a directory was followed');
    assert.equal(get(m, 'fifo').kind, 'other');
    if (rich.socket) assert.equal(get(m, 'sock').kind, 'other');
    assert.ok(get(m, key('names', BAD_UTF8)), 'non-UTF-8 file name');
    assert.equal(get(m, key('names', BAD_UTF8_DIR, 'inner')).ownA, 5000, 'file below a non-UTF-8 directory');
    for (const n of WEIRD_NAMES) assert.equal(get(m, key('names', n)).ownA, 100, JSON.stringify(n));
  });

  it('library scan: every directory total equals du -sb / du -sB1 of that directory (hard links once per subtree)', async () => {
    const m = indexTree(await scanTree(root));
    let checked = 0;
    for (const [k, [a, d]] of dirTotals(m)) {
      const rel = Buffer.from(k, 'latin1');
      if (!Buffer.from(rel.toString('utf8')).equals(rel)) continue; // du's argv cannot carry these bytes
      const p = k === '' ? root : path.join(root, rel.toString('utf8'));
      assert.equal(a, duOk(['-x', '-sb'], p), `apparent total of ${show(k)}`);
      assert.equal(d, duOk(['-x', '-sB1'], p), `disk total of ${show(k)}`);
      checked++;
    }
    assert.equal(checked, rich.expect.dirs - 1, 'directories checked (all but the non-UTF-8 one)');
    // the inode with 4 links: once in data (2 links below it), once in other, once at the root
    assert.equal(get(m, 'data').sizeA, 4096 + 4096 + 12345 + 20000);
  });

  it('a real tree: /usr/share/doc totals equal du -x', (t) => {
    if (!fs.existsSync('/usr/share/doc')) return t.skip('no /usr/share/doc');
    const j = scanJson('/usr/share/doc', [], { timeoutMs: 60_000 });
    assert.equal(j.apparentBytes, duOk(['-x', '-sb'], '/usr/share/doc'));
    assert.equal(j.diskBytes, duOk(['-x', '-sB1'], '/usr/share/doc'));
    assert.ok(j.entries > 10, `only ${j.entries} entries`);
  });

  // requirement 10
  it('text output escapes names: ESC as \\x1b, newline as \\n, no raw control bytes on stdout', () => {
    const r = runCliOk(['scan', root, '--top', '100', '--bytes']);
    const out = r.stdoutBuf;
    for (let k = 0; k < out.length; k++) {
      const c = out[k];
      assert.ok(c === 0x0a || (c >= 0x20 && c !== 0x7f), `raw byte 0x${c.toString(16)} at ${k} of stdout`);
    }
    assert.ok(Buffer.from(out.toString('utf8')).equals(out), 'stdout is not valid UTF-8');
    const txt = r.stdout;
    assert.ok(txt.includes(`${root}/names/esc\\x1b[31mred`), 'ESC not shown as \\x1b');
    assert.ok(txt.includes(`${root}/names/new\\nline`), 'newline not shown as \\n');
    assert.ok(txt.includes(`${root}/names/tab\\there`), 'tab not shown as \\t');
    assert.ok(txt.includes(`${root}/names/back\\\\slash`), 'backslash not doubled');
    assert.ok(txt.includes(`${root}/names/del\\x7fchar`), 'DEL not escaped');
    assert.ok(txt.includes(`${root}/names/f\\xff\\xfe`), 'invalid UTF-8 bytes not shown as \\xNN');
    assert.ok(txt.includes(`${root}/names/d\\xfe\\xff\\xc3`), 'directory with invalid UTF-8 name');
    // one line per listed item (all directories below the root, all files): a name never adds a line
    const all = txt.split('\n');
    const from = all.findIndex((l) => l.startsWith('Largest directories'));
    assert.ok(from > 0, 'no "Largest directories" section');
    const body = all.slice(from).filter((l) => l !== '' && !l.startsWith('Largest '));
    for (const l of body) assert.ok(l.includes(`${root}/`), `a listing line without a path: ${JSON.stringify(l)}`);
    assert.equal(body.length, rich.expect.dirs - 1 + rich.expect.files, 'listed lines');
  });

  it('JSON output: exact bytes of a non-UTF-8 path in pathBase64', () => {
    const j = scanJson(root, ['--top', '100']);
    const want = bpath(path.join(root, 'names'), BAD_UTF8);
    const f = j.topFiles.find((x) => x.pathBase64 !== undefined && Buffer.from(x.pathBase64, 'base64').equals(want));
    assert.ok(f, `no topFiles entry with pathBase64 of ${want.toString('hex')}`);
    assert.equal(f.apparentBytes, 7);
    const weird = j.topFiles.find((x) => x.path === `${root}/names/esc\x1b[31mred`);
    assert.ok(weird && weird.pathBase64 === undefined, 'a valid UTF-8 path needs no pathBase64');
  });
});

// ------------------------------------------------------------------------------------------------
describe('requirement 4: one filesystem (tmpfs mounted inside the tree)', () => {
  it('default: mount point excluded as otherfs, totals = du -x; --cross-mounts: totals = du', async (t) => {
    if (!isRoot()) return t.skip('needs root to mount a tmpfs');
    const root = makeTmp('mnt');
    const out = makeTmp('mnt-out');
    t.after(() => {
      rmrf(root);
      rmrf(out);
    });
    const mnt = path.join(root, 'mnt');
    fs.mkdirSync(mnt);
    fs.mkdirSync(path.join(root, 'd'));
    writeSized(path.join(root, 'd', 'x'), 3333);
    const m = run('mount', ['-t', 'tmpfs', '-o', 'size=10m', 'tmpfs', mnt]);
    if (m.code !== 0) return t.skip(`mount failed: ${m.stderr.trim()}`);
    try {
      fs.mkdirSync(path.join(mnt, 'inner'));
      writeSized(path.join(mnt, 'inner', 'big'), 100_000);
      assert.notEqual(fs.statSync(mnt).dev, fs.statSync(root).dev, 'the tmpfs is not mounted');

      // default: stay on the root's filesystem
      const j = scanJson(root);
      assert.equal(j.apparentBytes, duOk(['-x', '-sb'], root), 'apparent vs du -x -sb');
      assert.equal(j.diskBytes, duOk(['-x', '-sB1'], root), 'disk vs du -x -sB1');
      assert.equal(j.excluded, 1);
      const tree = indexTree(await scanTree(root));
      assert.equal(get(tree, 'mnt').excluded, Excluded.OtherFs, 'Tree.excluded(mnt)');
      assert.equal(get(tree, 'mnt').sizeA, 0);
      assert.ok(!tree.has('mnt/inner'), 'descended into the other filesystem');

      const exp = path.join(out, 'x.json');
      runCliOk(['scan', root, '-o', exp]);
      const text = fs.readFileSync(exp, 'latin1');
      assert.match(text, /\[\{"name":"mnt"[^}]*"excluded":"otherfs"/, 'export: mnt as excluded otherfs');
      assert.equal(get(indexTree(await loadExport(exp)), 'mnt').excluded, Excluded.OtherFs);
      if (have('ncdu')) {
        const re = path.join(out, 're.json');
        const n = run('ncdu', ['-0', '-f', exp, '-o', re]);
        assert.equal(n.code, 0);
        assert.equal(n.stderr, '', 'ncdu -f complained about our otherfs export');
        assert.equal(get(indexTree(await loadExport(re)), 'mnt').excluded, Excluded.OtherFs, 'ncdu kept otherfs');
      }

      // --cross-mounts: everything, like du without -x
      const c = scanJson(root, ['--cross-mounts']);
      assert.equal(c.apparentBytes, duOk(['-sb'], root), 'apparent vs du -sb');
      assert.equal(c.diskBytes, duOk(['-sB1'], root), 'disk vs du -sB1');
      assert.equal(c.excluded, 0);
      assert.notEqual(c.apparentBytes, j.apparentBytes);
      const ct = indexTree(await scanTree(root, { crossMounts: true }));
      assert.equal(get(ct, 'mnt').excluded, Excluded.None);
      assert.equal(get(ct, 'mnt/inner/big').ownA, 100_000);
    } finally {
      const u = run('umount', [mnt]);
      if (u.code !== 0) run('umount', ['-l', mnt]);
    }
  });
});

// ------------------------------------------------------------------------------------------------
describe('kernel filesystems are never scanned (kernfs)', () => {
  it('a procfs mounted inside the tree is excluded as kernfs, even with --cross-mounts', async (t) => {
    if (!isRoot()) return t.skip('needs root to mount a procfs');
    const root = makeTmp('kernfs');
    const out = makeTmp('kernfs-out');
    t.after(() => {
      rmrf(root);
      rmrf(out);
    });
    const p = path.join(root, 'proc');
    fs.mkdirSync(p);
    writeSized(path.join(root, 'f'), 1234);
    const m = run('mount', ['-t', 'proc', 'proc', p]);
    if (m.code !== 0) return t.skip(`mount failed: ${m.stderr.trim()}`);
    try {
      assert.ok(fs.existsSync(path.join(p, 'self')), 'procfs is not mounted');
      const c = scanJson(root, ['--cross-mounts']);
      assert.equal(c.excluded, 1);
      // du -x counts neither the mount point nor what is below it: that is our total with kernfs left out
      assert.equal(c.apparentBytes, duOk(['-x', '-sb'], root));
      assert.equal(c.diskBytes, duOk(['-x', '-sB1'], root));
      const tree = indexTree(await scanTree(root, { crossMounts: true }));
      assert.equal(get(tree, 'proc').excluded, Excluded.KernFs);
      assert.ok(!tree.has('proc/self'), 'descended into procfs');
      const exp = path.join(out, 'k.json');
      runCliOk(['scan', root, '--cross-mounts', '-o', exp]);
      assert.match(fs.readFileSync(exp, 'latin1'), /\[\{"name":"proc"[^}]*"excluded":"kernfs"/);
    } finally {
      const u = run('umount', [p]);
      if (u.code !== 0) run('umount', ['-l', p]);
    }
  });
});

describe('requirement 5: --exclude', () => {
  let root: string;
  before(() => {
    root = makeTmp('excl');
    for (const d of ['sub/dir/deeper', 'other/sub/dir', 'x/sub/dirx', 'logs.log']) fs.mkdirSync(path.join(root, d), { recursive: true });
    const files: [string, number][] = [
      ['a.log', 1111],
      ['sub/b.log', 2222],
      ['sub/keep.txt', 3333],
      ['sub/dir/c.txt', 4444],
      ['sub/dir/deeper/d.txt', 5555],
      ['other/sub/dir/e.txt', 6666],
      ['x/sub/dirx/f.txt', 7777],
      ['x/g.log.txt', 8888],
      ['logs.log/h.txt', 9999],
    ];
    for (const [f, n] of files) writeSized(path.join(root, f), n);
  });
  after(() => rmrf(root));

  const GLOBS = ['*.log', 'sub/dir'];
  const duEx = GLOBS.map((g) => `--exclude=${g}`);

  it('CLI: excluded entries counted as excluded, not in totals; totals = du --exclude', () => {
    const j = scanJson(root, GLOBS.flatMap((g) => ['--exclude', g]));
    assert.equal(j.apparentBytes, duOk([...duEx, '-sb'], root), 'apparent vs du -sb --exclude');
    assert.equal(j.diskBytes, duOk([...duEx, '-sB1'], root), 'disk vs du -sB1 --exclude');
    // a.log, sub/b.log, logs.log (a directory, by name), sub/dir, other/sub/dir (by trailing path)
    assert.equal(j.excluded, 5);
    const all = scanJson(root);
    assert.equal(all.excluded, 0);
    assert.equal(all.apparentBytes, duOk(['-sb'], root));
    // the contents of excluded directories are not listed: h.txt, c.txt, deeper, d.txt, e.txt
    assert.equal(j.entries, all.entries - 5);
  });

  it('excluded entries are listed, not counted as files or directories: the same counts in --json, -o totals, the export read back and the text', () => {
    const args = GLOBS.flatMap((g) => ['--exclude', g]);
    const j = scanJson(root, args);
    // counted: sub/keep.txt, x/sub/dirx/f.txt, x/g.log.txt; root, sub, other, other/sub, x, x/sub, x/sub/dirx
    assert.equal(j.files, 3, 'files');
    assert.equal(j.dirs, 7, 'directories');
    assert.equal(j.excluded, 5);
    assert.equal(j.files + j.dirs + j.symlinks + j.others + j.excluded, j.entries, 'entries = the kinds + excluded');
    const pick = (x: ScanJson) => [x.entries, x.files, x.dirs, x.symlinks, x.others, x.excluded, x.apparentBytes, x.diskBytes];
    const tmp = makeTmp('excl-out');
    try {
      const exp = path.join(tmp, 'e.json');
      const o = JSON.parse(runCliOk(['scan', root, ...args, '-o', exp, '--json']).stdout) as ScanJson;
      assert.deepEqual(pick(o), pick(j), 'the -o totals');
      assert.deepEqual(pick(JSON.parse(runCliOk(['scan', '-f', exp, '--json']).stdout) as ScanJson), pick(j), 'the export read back');
      const text = runCliOk(['scan', root, ...args]).stdout;
      assert.match(text, new RegExp(`Entries +${j.entries} +\\(3 files, 7 directories, 5 excluded\\)`));
    } finally {
      rmrf(tmp);
    }
  });

  it('library: which entries are excluded (by name anywhere, by path suffix)', async () => {
    const m = indexTree(await scanTree(root, { exclude: GLOBS }));
    for (const k of ['a.log', 'sub/b.log', 'logs.log', 'sub/dir', 'other/sub/dir']) {
      assert.equal(get(m, k).excluded, Excluded.Pattern, `${k} should be excluded`);
      assert.equal(get(m, k).sizeA, 0, `${k} counted`);
    }
    for (const k of ['sub/keep.txt', 'x/sub/dirx', 'x/sub/dirx/f.txt', 'x/g.log.txt', 'other/sub'])
      assert.equal(get(m, k).excluded, Excluded.None, `${k} should not be excluded`);
    for (const k of ['sub/dir/c.txt', 'logs.log/h.txt', 'other/sub/dir/e.txt']) assert.ok(!m.has(k), `${k} listed below an excluded dir`);
  });

  it('export: excluded entries carry "excluded":"pattern" and no sizes', () => {
    const r = runCliOk(['scan', root, '--exclude', '*.log', '-o', '-']);
    const text = r.stdoutBuf.toString('latin1');
    assert.match(text, /\{"name":"a\.log","excluded":"pattern"[,}]/);
    assert.doesNotMatch(text, /"name":"a\.log"[^}]*"asize"/);
  });
});

// ------------------------------------------------------------------------------------------------
describe('requirement 6: deep nesting', () => {
  let base: string;
  before(() => {
    base = makeTmp('deep');
  });
  after(() => rmrf(base));

  it('300 levels of 20-char names (path > PATH_MAX): the file at the bottom is counted', async () => {
    const dir = path.join(base, 'p300');
    fs.mkdirSync(dir);
    const NAME = 'abcdefghij0123456789';
    const top = makeChain(dir, 300, NAME, 12345);
    assert.ok(top.length + 300 * 21 > 6000);
    const j = scanJson(top);
    assert.equal(j.entries, 302);
    assert.equal(j.files, 1);
    assert.equal(j.dirs, 301);
    assert.equal(j.errors, 0);
    assert.equal(j.apparentBytes, duOk(['-sb'], top), 'apparent vs du -sb');
    assert.equal(j.diskBytes, duOk(['-sB1'], top), 'disk vs du -sB1');
    assert.equal(j.topFiles[0]?.apparentBytes, 12345, 'the bottom file is the largest file');
    assert.ok(j.topFiles[0].path.endsWith(`/${NAME}/bottom`) && j.topFiles[0].path.length > 6000, 'its full path');
    // the same through the library (unordered) and the export (ordered) paths
    const m = indexTree(await scanTree(top));
    assert.equal(get(m, [...Array(300).fill(NAME), 'bottom'].join('/')).ownA, 12345);
    const r = runCli(['scan', top, '-o', '-']);
    assert.equal(r.code, 0);
    const t = await loadExport(r.stdoutBuf);
    assert.equal(t.count, 302);
    assert.equal(t.sizeA(0), j.apparentBytes);
    assert.equal(r.stderr, '', 'the export run printed to stderr');
  });

  it('a 10,000-level chain of 1-char names: no stack overflow, entries = 10,001 dirs + 1 file', async () => {
    const dir = path.join(base, 'p10k');
    fs.mkdirSync(dir);
    const top = makeChain(dir, 10_000, 'a', 1000);
    const j = scanJson(top, [], { timeoutMs: 90_000 });
    assert.equal(j.dirs, 10_001);
    assert.equal(j.files, 1);
    assert.equal(j.entries, 10_002);
    assert.equal(j.errors, 0);
    assert.equal(j.apparentBytes, duOk(['-sb'], top), 'apparent vs du -sb');
    assert.equal(j.diskBytes, duOk(['-sB1'], top), 'disk vs du -sB1');
    const r = runCli(['scan', top, '-o', '-'], { timeoutMs: 90_000 });
    assert.equal(r.code, 0);
    const t = await loadExport(r.stdoutBuf);
    assert.equal(t.count, 10_002);
    assert.equal(t.sizeD(0), j.diskBytes);
    assert.equal(t.depthOf(t.count - 1), 10_001, 'the file is at depth 10,001');
    assert.equal(r.stderr, '', 'the export run printed to stderr');
  });

  it('a 30,000-level chain with the default threads: workers start while the main thread is deep (no uv_cwd ERANGE), totals = du', () => {
    // 30,000 entries pass the point where worker threads start (20,000) while the main thread is
    // scanning below PATH_MAX: a working directory getcwd() cannot name made their start throw
    const dir = path.join(base, 'p30k');
    fs.mkdirSync(dir);
    const top = makeChain(dir, 30_000, 'a', 1000);
    // DISKBLAME_FREE_CORE=0: the default starts its worker even when the machine is busy
    const env = { ...process.env, DISKBLAME_DEBUG: '', DISKBLAME_FREE_CORE: '0' };
    const j = scanJson(top, [], { timeoutMs: 240_000, env }); // exit 0, or the error on stderr
    assert.equal(j.dirs, 30_001);
    assert.equal(j.files, 1);
    assert.equal(j.errors, 0);
    assert.equal(j.apparentBytes, duOk(['-sb'], top), 'apparent vs du -sb');
    assert.equal(j.diskBytes, duOk(['-sB1'], top), 'disk vs du -sB1');
  });
});

// ------------------------------------------------------------------------------------------------
describe('requirement 7: unreadable directories, vanished entries, bad roots', () => {
  let root: string;
  before(() => {
    root = makeTmp('perm');
    fs.chmodSync(root, 0o755);
    fs.mkdirSync(path.join(root, 'ok'));
    writeSized(path.join(root, 'ok', 'f'), 5000);
    fs.mkdirSync(path.join(root, 'locked'));
    fs.mkdirSync(path.join(root, 'locked', 'inner'));
    writeSized(path.join(root, 'locked', 'g'), 7000);
    // readable but not searchable: the names can be listed, not lstat'ed
    fs.mkdirSync(path.join(root, 'noexec'));
    writeSized(path.join(root, 'noexec', 'a'), 10);
    writeSized(path.join(root, 'noexec', 'b'), 20);
    fs.chmodSync(path.join(root, 'locked'), 0o000);
    fs.chmodSync(path.join(root, 'noexec'), 0o644);
  });
  after(() => rmrf(root));

  it('as nobody: errors counted, exit 0, totals = du -sb / -sB1 as nobody', (t) => {
    if (!canNobody) return t.skip('needs root and setpriv to run as nobody');
    const j = scanJson(root, [], { asNobody: true });
    const a = du(['-sb'], root, { asNobody: true });
    const d = du(['-sB1'], root, { asNobody: true });
    assert.equal(a.code, 1, 'du should fail on the unreadable directory');
    const duErrors = a.stderr.split('\n').filter((l) => l.startsWith('du: ')).length;
    assert.ok(j.errors >= 1);
    assert.equal(j.errors, duErrors, `errors: du reported ${duErrors}:\n${a.stderr}`);
    // named as du names them ("du: cannot read directory 'P'", "du: cannot access 'P'")
    const duNamed = a.stderr.split('\n').flatMap((l) => /^du: [^']*'(.*)': /.exec(l)?.[1] ?? []).sort();
    assert.deepEqual(((j as unknown as { unreadable: { path: string }[] }).unreadable).map((u) => u.path).sort(), duNamed);
    const text = runCli(['scan', root, '--no-sample'], { asNobody: true });
    for (const p of duNamed) assert.ok(text.stdout.includes(`\n    ${p}`), `${p} not named in:\n${text.stdout}`);
    assert.equal(j.apparentBytes, a.bytes, 'apparent vs du -sb (as nobody)');
    assert.equal(j.diskBytes, d.bytes, 'disk vs du -sB1 (as nobody)');
    assert.equal(j.incomplete, false);
  });

  it('as nobody: the unreadable directory is marked read_error in the export', async (t) => {
    if (!canNobody) return t.skip('needs root and setpriv to run as nobody');
    const r = runCliOk(['scan', root, '-o', '-'], { asNobody: true });
    const text = r.stdoutBuf.toString('latin1');
    assert.match(text, /\[\{"name":"locked"[^}]*"read_error":true[^}]*\}\]/, 'locked: read_error, no children');
    const m = indexTree(await loadExport(r.stdoutBuf));
    assert.equal(get(m, 'locked').readError, true);
    assert.equal(get(m, 'locked').items, 0);
    assert.equal(get(m, 'noexec/a').readError, true, 'an entry that cannot be lstat-ed');
    assert.equal(get(m, 'ok').readError, false);
    assert.equal(get(m, 'ok/f').ownA, 5000);
  });

  it('entries vanishing during the scan: exit 0, consistent output, ncdu reads the export', async (t) => {
    if (!have('python3')) return t.skip('needs python3');
    const churn = path.join(root, 'churn');
    fs.mkdirSync(churn);
    const script = [
      'import os, sys, time',
      'd = sys.argv[1]; end = time.time() + 20; i = 0',
      'while time.time() < end:',
      '    p = os.path.join(d, "c%d" % (i % 300)); f = os.path.join(d, "f%d" % (i % 2000))',
      '    try:',
      '        os.mkdir(p); open(os.path.join(p, "x"), "w").write("y" * 100)',
      '    except FileExistsError:',
      '        try: os.unlink(os.path.join(p, "x"))',
      '        except FileNotFoundError: pass',
      '        os.rmdir(p)',
      '    if i % 3: open(f, "w").write("z")',
      '    else:',
      '        try: os.unlink(f)',
      '        except FileNotFoundError: pass',
      '    i += 1',
    ].join('\n');
    const child = spawn('python3', ['-c', script, churn], { stdio: 'ignore' });
    const exited = new Promise((res) => child.once('exit', res));
    try {
      await new Promise((res) => setTimeout(res, 300));
      for (let k = 0; k < 4; k++) {
        const j = scanJson(root);
        assert.equal(j.incomplete, false);
        assert.ok(j.entries >= 7);
        const r = runCliOk(['scan', root, '-o', '-']);
        await loadExport(r.stdoutBuf); // throws when the export is malformed
        if (have('ncdu')) {
          const n = run('ncdu', ['-0', '-f', '-', '-o', '/dev/null'], { input: r.stdoutBuf });
          assert.equal(n.code, 0);
          assert.equal(n.stderr, '', 'ncdu rejected an export made while entries vanished');
        }
      }
    } finally {
      child.kill('SIGKILL');
      await exited;
      rmrf(churn);
    }
  });

  it('a missing root: exit 1, one line', () => {
    const l = assertOneLineError(runCli(['scan', path.join(root, 'no-such-dir')]), 1);
    assert.match(l, /no-such-dir/);
  });

  it('a root that is a file: exit 1, one line', () => {
    assertOneLineError(runCli(['scan', path.join(root, 'ok', 'f')]), 1);
    assertOneLineError(runCli(['scan', path.join(root, 'ok', 'f'), '-o', '-']), 1);
  });

  it('an unreadable root (as nobody): exit 1, one line', (t) => {
    if (!canNobody) return t.skip('needs root and setpriv to run as nobody');
    assertOneLineError(runCli(['scan', path.join(root, 'locked')], { asNobody: true }), 1);
    assertOneLineError(runCli(['scan', path.join(root, 'locked'), '--json'], { asNobody: true }), 1);
    assertOneLineError(runCli(['scan', path.join(root, 'noexec'), '-o', '-'], { asNobody: true }), 1);
  });
});

// ------------------------------------------------------------------------------------------------
describe('requirement 8: a directory with 200,000 entries', () => {
  const N = 200_000;
  let root: string;
  before(() => {
    root = makeTmp('many');
    makeManyFiles(root, N);
  });
  after(() => rmrf(root));

  it('counts match du, summary and export', async (ctx) => {
    const t0 = performance.now();
    // a hang fails at the timeout (killed: runCliOk says so). How long it took is reported, not
    // asserted (it was: under 30 s): 13 s were seen on this 2-core machine loaded by other tests,
    // where the time says more about them than about the scan
    const j = scanJson(root, [], { timeoutMs: 180_000 });
    const ms = performance.now() - t0;
    assert.equal(j.files, N);
    assert.equal(j.entries, N + 1);
    assert.equal(j.apparentBytes, duOk(['-sb'], root), 'apparent vs du -sb');
    assert.equal(j.diskBytes, duOk(['-sB1'], root), 'disk vs du -sB1');
    ctx.diagnostic(`scan of ${N} entries: ${Math.round(ms)} ms (wall, CLI start-up included)`);
    // the export path sends the directory in many chunks: every name must arrive intact, once
    const r = runCliOk(['scan', root, '-o', '-'], { timeoutMs: 180_000 });
    const t = await loadExport(r.stdoutBuf);
    assert.equal(t.count, N + 1);
    const names = Array.from(t.children(0), (i) => Buffer.from(t.nameOf(i)).toString('latin1')).sort();
    assert.equal(names.length, N);
    for (let k = 0; k < N; k++) if (names[k] !== `f${String(k).padStart(7, '0')}`) assert.fail(`name #${k}: ${show(names[k])}`);
    assert.equal(t.sizeD(0), j.diskBytes);
  });
});

// ------------------------------------------------------------------------------------------------
describe('requirement 9: bad flags', () => {
  let root: string;
  before(() => {
    root = makeTmp('flags');
  });
  after(() => rmrf(root));

  for (const args of [
    ['--top', '-1'],
    ['--top', 'many'],
    ['--bogus'],
    ['--threads', '0'],
    ['--threads', '17'],
  ]) {
    it(`scan ${args.join(' ')}: exit 2, one line`, () => {
      assertOneLineError(runCli(['scan', root, ...args]), 2);
    });
  }

  it('scan PATH -f FILE: exit 2, one line', () => {
    assertOneLineError(runCli(['scan', root, '-f', path.join(root, 'x.json')]), 2);
  });
});
