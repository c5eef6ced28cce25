/**
 * Mount points as the kernel sees them: /proc/self/mountinfo parsed into exact bytes (one parser
 * for scan, owners and sample), and the scanner treating every mount point below its root as
 * another filesystem, including a bind mount of the same filesystem (same st_dev), as gdu does.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { mountsBelow, parseMountinfo, readMountinfo, unescapeOctal } from '../src/util/mountinfo.js';
import { parseMountinfo as parseMountRows } from '../src/store/mounts.js';
import { CLI, duOk, have, isRoot, run, runCliOk, scanJson } from './helpers/run.js';
import { assertTerminalSafe } from './helpers/hostile.js';
import { makeTmp, rmrf, writeSized } from './helpers/fs.js';
import { Excluded, get, indexTree, key, scanTree } from './helpers/tree.js';

describe('mountinfo parser', () => {
  it('octal escapes (space, tab, newline, backslash) undone into exact bytes; other bytes kept raw', () => {
    const line = Buffer.concat([
      Buffer.from('41 22 254:0 /src/a\\040b /mnt/x\\011y\\012z\\134w'),
      Buffer.from([0xff, 0xfe]),
      Buffer.from(' rw,relatime shared:5 master:2 - ext4 /dev/my\\040disk rw\n'),
      Buffer.from('garbage\n42 41 0:50 / /mnt/x/t rw - tmpfs tmpfs rw\n'),
    ]);
    const rows = parseMountinfo(line);
    assert.equal(rows.length, 2);
    const [a, b] = rows;
    assert.equal(a.mountId, 41);
    assert.equal(a.parentId, 22);
    assert.equal(a.devId, '254:0');
    assert.deepEqual(a.root, Buffer.from('/src/a b'));
    assert.deepEqual(a.mountPoint, Buffer.concat([Buffer.from('/mnt/x\ty\nz\\w'), Buffer.from([0xff, 0xfe])]));
    assert.equal(a.fsType, 'ext4');
    assert.deepEqual(a.source, Buffer.from('/dev/my disk'));
    assert.equal(b.mountId, 42);
    assert.equal(b.fsType, 'tmpfs');
    // a backslash not followed by three octal digits stays
    assert.deepEqual(unescapeOctal(Buffer.from('a\\09b\\1')), Buffer.from('a\\09b\\1'));
    // sample's rows come from the same parser
    assert.equal(parseMountRows(line)[0].device, '/dev/my disk');
  });

  it('mountsBelow: strictly below the root, by whole path components', () => {
    const rows = parseMountinfo(
      ['1 0 8:1 / / rw - ext4 /dev/sda1 rw', '2 1 8:1 /x /srv/a rw - ext4 /dev/sda1 rw', '3 1 0:9 / /srv/ab rw - tmpfs t rw', '4 2 0:9 / /srv/a/b/c rw - tmpfs t rw'].join('\n'),
    );
    const pts = (root: string) => mountsBelow(rows, root).map((m) => m.mountPoint.toString());
    assert.deepEqual(pts('/srv/a'), ['/srv/a/b/c']);
    assert.deepEqual(pts('/srv/a/'), ['/srv/a/b/c']);
    assert.deepEqual(pts('/srv'), ['/srv/a', '/srv/ab', '/srv/a/b/c']);
    assert.deepEqual(pts('/'), ['/srv/a', '/srv/ab', '/srv/a/b/c']);
  });

  it('reads this process\'s mount table: / is in it', () => {
    const rows = readMountinfo();
    assert.ok(rows && rows.some((m) => m.mountPoint.equals(Buffer.from('/'))));
    assert.equal(readMountinfo('/nonexistent/mountinfo'), null);
  });
});

/** mount --bind SRC DST (DST as exact bytes, through bash's $'...' so it may be any bytes); false when mount fails */
function bindMount(src: string, dst: Buffer): boolean {
  const r = run('bash', ['-c', 'mount --bind -- "$1" "$(printf "%b" "$2")"', 'bind', src, escapeForPrintf(dst)]);
  return r.code === 0;
}

function unmount(dst: Buffer): void {
  const arg = escapeForPrintf(dst);
  const r = run('bash', ['-c', 'umount -- "$(printf "%b" "$1")"', 'umount', arg]);
  if (r.code !== 0) run('bash', ['-c', 'umount -l -- "$(printf "%b" "$1")"', 'umount', arg]);
}

/** every byte as \0NNN for printf %b */
function escapeForPrintf(b: Buffer): string {
  return [...b].map((c) => '\\0' + c.toString(8).padStart(3, '0')).join('');
}

describe('a bind mount of the same filesystem inside the tree is another mount', () => {
  it('default: otherfs (export, tree, totals = du -x without the mount); --cross-mounts descends, totals = du', async (t) => {
    if (!isRoot()) return t.skip('needs root to mount');
    const tmp = makeTmp('bind');
    const root = path.join(tmp, 'root');
    const src = path.join(tmp, 'a');
    fs.mkdirSync(path.join(root, 'c'), { recursive: true });
    fs.mkdirSync(path.join(src, 'sub'), { recursive: true });
    writeSized(path.join(src, 'sub', 'big'), 200_000);
    writeSized(path.join(root, 'c', 'g'), 30_000);
    // one plain mount point, one whose name needs every mountinfo escape and is not UTF-8, one
    // inside a directory whose name is not UTF-8
    const plain = Buffer.from(path.join(root, 'b'));
    const odd = Buffer.concat([Buffer.from(root + '/sp ace\ttab\nnl\\bs'), Buffer.from([0xff])]);
    const inBad = Buffer.concat([Buffer.from(root + '/d'), Buffer.from([0xfe]), Buffer.from('/in ner')]);
    fs.mkdirSync(plain);
    fs.mkdirSync(odd);
    fs.mkdirSync(inBad, { recursive: true });
    const mounted: Buffer[] = [];
    t.after(() => {
      for (const m of mounted.reverse()) unmount(m);
      rmrf(tmp); // only once nothing is mounted: rm -rf would empty the bind source through the mount
    });
    for (const m of [plain, odd, inBad]) {
      if (!bindMount(src, m)) return t.skip('mount --bind failed');
      mounted.push(m);
    }
    assert.equal(fs.statSync(plain).dev, fs.statSync(root).dev, 'a bind mount of the same filesystem has the same st_dev');
    assert.ok(fs.existsSync(path.join(root, 'b', 'sub', 'big')), 'the bind mount is not there');

    const j = scanJson(root);
    assert.equal(j.excluded, 3, 'every mount point excluded');
    // du -x does not see a same-filesystem bind mount (same st_dev): it counts it. Leaving the mount
    // points out of du gives what a scan that stays on one mount finds.
    const glob = (b: Buffer) => b.toString('latin1').replace(/[^\x21-\x5b\x5d-\x7e]/g, '?');
    const duArgs = ['-x', ...[plain, odd, inBad].map((b) => `--exclude=${glob(b)}`)];
    assert.equal(j.apparentBytes, duOk([...duArgs, '-sb'], root), 'apparent vs du -x without the mounts');
    assert.equal(j.diskBytes, duOk([...duArgs, '-sB1'], root), 'disk vs du -x without the mounts');
    assert.ok(duOk(['-x', '-sb'], root) > j.apparentBytes + 3 * 200_000 - 1, 'du -x counts the same-fs bind mounts');

    const tree = indexTree(await scanTree(root));
    for (const m of ['b', key(odd.subarray(root.length + 1)), key(inBad.subarray(root.length + 1))]) {
      assert.equal(get(tree, m).excluded, Excluded.OtherFs);
      assert.equal(get(tree, m).sizeA, 0);
    }
    assert.ok(!tree.has('b/sub'), 'descended into the bind mount');

    const exp = path.join(tmp, 'x.json');
    runCliOk(['scan', root, '-o', exp]);
    assert.match(fs.readFileSync(exp, 'latin1'), /\{"name":"b"[^}]*"excluded":"otherfs"/, 'export: b as excluded otherfs');

    // --cross-mounts: into all, like du without -x (which counts the bind source twice too:
    // its files have one link each, and neither du nor we deduplicate those)
    const c = scanJson(root, ['--cross-mounts']);
    assert.equal(c.excluded, 0);
    assert.equal(c.apparentBytes, duOk(['-sb'], root), 'apparent vs du -sb');
    assert.equal(c.diskBytes, duOk(['-sB1'], root), 'disk vs du -sB1');
    const ct = indexTree(await scanTree(root, { crossMounts: true }));
    assert.equal(get(ct, 'b/sub/big').ownA, 200_000);
  });

  it('a file mounted over a file (from another filesystem, or this one): otherfs, as du -x; --cross-mounts counts it', async (t) => {
    if (!isRoot()) return t.skip('needs root to mount');
    const tmp = makeTmp('bind-file');
    const root = path.join(tmp, 'root');
    const tfs = path.join(tmp, 'tmpfs');
    fs.mkdirSync(root);
    fs.mkdirSync(tfs);
    const mounted: Buffer[] = [];
    t.after(() => {
      for (const m of mounted.reverse()) unmount(m);
      rmrf(tmp);
    });
    if (run('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', tfs]).code !== 0) return t.skip('mount tmpfs failed');
    mounted.push(Buffer.from(tfs));
    writeSized(path.join(tfs, 'big'), 100_000);
    writeSized(path.join(root, 'src'), 50_000);
    writeSized(path.join(root, 'other'), 0);
    writeSized(path.join(root, 'same'), 0);
    for (const [src, dst] of [
      [path.join(tfs, 'big'), path.join(root, 'other')],
      [path.join(root, 'src'), path.join(root, 'same')],
    ]) {
      if (!bindMount(src, Buffer.from(dst))) return t.skip('mount --bind failed');
      mounted.push(Buffer.from(dst));
    }
    const j = scanJson(root);
    assert.equal(j.excluded, 2);
    // du -x leaves out the file of the other filesystem, and counts the same-filesystem one
    assert.equal(j.apparentBytes, duOk(['-x', `--exclude=${path.join(root, 'same')}`, '-sb'], root));
    assert.equal(j.apparentBytes, duOk(['-x', '-sb'], root) - 50_000);
    const tree = indexTree(await scanTree(root));
    assert.equal(get(tree, 'other').excluded, Excluded.OtherFs);
    assert.equal(get(tree, 'same').excluded, Excluded.OtherFs);
    assert.equal(get(tree, 'other').ownA, 0);
    const c = scanJson(root, ['--cross-mounts']);
    assert.equal(c.excluded, 0);
    assert.equal(c.apparentBytes, duOk(['-sb'], root));
  });

  it('a bind mount deeper than the anchored-path limit (2048 bytes) is found through its mnt_id', async (t) => {
    if (!isRoot()) return t.skip('needs root to mount');
    const tmp = makeTmp('bind-deep');
    const root = path.join(tmp, 'root');
    const src = path.join(tmp, 'a');
    fs.mkdirSync(src);
    writeSized(path.join(src, 'big'), 100_000);
    const parts = Array.from({ length: 12 }, (_, k) => String(k).padStart(3, '0') + 'd'.repeat(197));
    const deep = path.join(root, ...parts);
    fs.mkdirSync(path.join(deep, 'm'), { recursive: true });
    writeSized(path.join(deep, 'f'), 5000);
    const mp = Buffer.from(path.join(deep, 'm'));
    assert.ok(mp.length > 2048);
    let mounted = false;
    t.after(() => {
      if (mounted) unmount(mp);
      rmrf(tmp);
    });
    if (!bindMount(src, mp)) return t.skip('mount --bind failed');
    mounted = true;
    const j = scanJson(root);
    assert.equal(j.excluded, 1);
    assert.equal(j.apparentBytes, duOk(['-x', `--exclude=${mp}`, '-sb'], root));
    const tree = indexTree(await scanTree(root));
    assert.equal(get(tree, [...parts, 'm'].join('/')).excluded, Excluded.OtherFs);
    assert.equal(get(tree, [...parts, 'f'].join('/')).ownA, 5000);
  });
});

describe('sample: a mount point that is not UTF-8 keeps its exact bytes', () => {
  it('sample --json: mountBase64; text: escaped, terminal-safe', (t) => {
    if (!isRoot() || !have('mkfs.ext4')) return t.skip('needs root and mkfs.ext4 (a loop-mounted ext4: sample skips tmpfs)');
    const tmp = makeTmp('sample-mnt');
    const store = path.join(tmp, 'store');
    const img = path.join(tmp, 'img');
    const mp = Buffer.concat([Buffer.from(tmp + '/m\x1b[31m '), Buffer.from([0xff, 0xfe]), Buffer.from('\ttab')]);
    fs.mkdirSync(mp);
    let mounted = false;
    t.after(() => {
      if (mounted) unmount(mp);
      rmrf(tmp);
    });
    fs.writeFileSync(img, Buffer.alloc(0));
    fs.truncateSync(img, 16 << 20);
    if (run('mkfs.ext4', ['-q', img]).code !== 0) return t.skip('mkfs.ext4 failed');
    const r = run('bash', ['-c', 'mount -o loop -- "$1" "$(printf "%b" "$2")"', 'mount', img, escapeForPrintf(mp)]);
    if (r.code !== 0) return t.skip(`loop mount failed: ${r.stderr.trim()}`);
    mounted = true;

    const j = JSON.parse(runCliOk(['sample', '--json', '--store', store]).stdout) as {
      samples: { mount: string; mountBase64?: string; fsType: string; sizeBytes: number }[];
    };
    const mine = j.samples.filter((s) => s.mountBase64 !== undefined && Buffer.from(s.mountBase64, 'base64').equals(mp));
    assert.equal(mine.length, 1, `no sample with the exact bytes of the mount point: ${JSON.stringify(j.samples.map((s) => s.mount))}`);
    assert.equal(mine[0].fsType, 'ext4');
    assert.ok(mine[0].sizeBytes > 0);
    const txt = runCliOk(['sample', '--store', store]);
    assertTerminalSafe(txt.stdoutBuf, 'sample text');
    assert.ok(txt.stdout.includes('m\\x1b[31m \\xff\\xfe\\ttab'), txt.stdout);

    // the forecast of those samples names the volume by the same bytes
    const fc = run(process.execPath, [CLI, 'forecast', '--json', '--store', store]);
    assert.equal(fc.signal, null);
    assert.equal(fc.code, 0, fc.stderr);
    const vols = [JSON.parse(fc.stdout)].flat() as { mount: string; mountBase64?: string }[];
    assert.equal(vols.filter((v) => v.mountBase64 !== undefined && Buffer.from(v.mountBase64, 'base64').equals(mp)).length, 1, fc.stdout.slice(0, 300));
    const ft = run(process.execPath, [CLI, 'forecast', '--store', store]);
    assertTerminalSafe(ft.stdoutBuf, 'forecast text');
    assert.ok(ft.stdout.includes('m\\x1b[31m \\xff\\xfe\\ttab'), ft.stdout);
  });
});
