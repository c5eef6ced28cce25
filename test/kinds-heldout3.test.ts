/**
 * Issue 16's third held-out fixture (test/helpers/kinds-heldout3.ts, written without reading the
 * classifier's rules and never run through the classifier by its author): that it is what it
 * claims (every file labelled or said unscored, none a path of the tuned fixture nor of the first
 * two held-out ones, the tools' formats, real core dumps, the hard links, the package decoys in
 * the dpkg lists); then the classifier runs on it and its score per kind is printed
 * (diagnostics), with no target asserted: the lead decides, and records the first run's figures.
 *
 * The validation tests are named "fixture: ...", the scoring one "score: ...": to check the
 * fixture alone, run with --test-name-pattern='fixture:'.
 *
 * First run, 2026-12-02 (by the lead, on main at 67da317: the classifier after the second blind
 * set's misses were fixed by kind), before any change for this set:
 *   backups 0.971 / 0.642 (tp 34, fp 1, fn 19), logs 1.000 / 0.955 (42, 0, 2), caches 0.968 /
 *   0.789 (30, 1, 8), core dumps 1.000 / 0.700 (7, 0, 3), temp 1.000 / 0.591 (13, 0, 9), trash
 *   1.000 / 0.846 (11, 0, 2) (precision / recall). Its author had seen the second set's first-run
 *   figures (not the rules). These are the honest estimate for layouts none of the fixtures has.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { spawnSync } from 'node:child_process';
import { makeTmp, rmrf } from './helpers/fs.js';
import { checkAccounted, checkHardLinks, checkNoPathOf, checkPackageDecoys, fileHead, scoreDiagnostics } from './helpers/kinds-checks.js';
import { buildKindsFixture, CACHEDIR_SIGNATURE, isCore } from './helpers/kinds-fixture.js';
import { buildHeldoutFixture, type HeldoutFixture } from './helpers/kinds-heldout.js';
import { buildHeldout2Fixture } from './helpers/kinds-heldout2.js';
import { buildHeldout3Fixture, MAGIC } from './helpers/kinds-heldout3.js';

describe('issue 16: the third held-out kinds fixture (written blind)', () => {
  let dir: string;
  let fx: HeldoutFixture;
  const at = (p: string) => path.join(fx.root, p);
  const head = (p: string, n: number) => fileHead(fx.root, p, n);
  const all = () => [...fx.labels.keys(), ...fx.unscored.keys()];
  const paths = (re: RegExp) => all().filter((p) => re.test(p));
  const one = (re: RegExp) => {
    const ps = paths(re);
    assert.equal(ps.length, 1, `one file matching ${re}: ${ps.join(', ')}`);
    return ps[0];
  };
  /** the tool's output of `tool -d -c FILE`, or null when the tool was missing at build time (said in notes) */
  const unpack = (tool: string, p: string): Buffer | null => {
    if (fx.notes.some((n) => n.startsWith(`no ${tool}`))) return null;
    const r = spawnSync(tool, ['-q', '-d', '-c', at(p)], { maxBuffer: 1 << 26 });
    assert.equal(r.status, 0, `${p}: ${tool} -d`);
    return r.stdout;
  };
  before(async () => {
    dir = makeTmp('kinds-heldout3');
    fx = await buildHeldout3Fixture(dir);
  });
  after(() => rmrf(dir));

  it('fixture: every regular file below the root is labelled or said unscored, each with a reason', (t) => {
    t.diagnostic(checkAccounted(fx, { min: 200, max: 260, perKind: 9, decoys: 60 }));
  });

  it('fixture: holds no path of the tuned fixture nor of the first two held-out ones', () => checkNoPathOf(fx, [buildKindsFixture, buildHeldoutFixture, buildHeldout2Fixture]));

  it('fixture: the core dumps are real (ELF, ET_CORE), named as the core_pattern, container and libvirt cases say; the stored and reported ones hold a core', (t) => {
    if (fx.coreMade === null) return t.skip(`no core dump could be made here: ${fx.notes.join('; ')}`);
    t.diagnostic(`core dumps made by ${fx.coreMade}: ${fx.cores.join(', ')}`);
    assert.equal(fx.cores.length, 6);
    for (const c of fx.cores) {
      assert.ok(isCore(at(c)), `${c}: not an ELF core`);
      assert.equal(fx.labels.get(c), 'core dumps');
    }
    assert.match(fx.cores[0], /^\/var\/lib\/cores\/\d{10}-sleep-\d+\.core$/);
    assert.match(fx.cores[1], /^\/var\/lib\/coredumps\/core-sleep-sig6-user0-group0-pid\d+-time\d{10}$/);
    assert.match(fx.cores[2], /^\/var\/spool\/cores\/!usr!bin!sleep\.\d+$/);
    assert.match(fx.cores[3], /\/containers\/c1\/rootfs\/srv\/app\/core$/);
    assert.match(fx.cores[4], /^\/var\/lib\/machines\/build1\/home\/ci\/work\/core\.\d+$/);
    assert.equal(fx.cores[5], '/var/lib/libvirt/qemu/dump/web1-2026-11-22-14:00:01');
    const elfCore = (b: Buffer, what: string) => {
      assert.deepEqual([...b.subarray(0, 4)], [0x7f, 0x45, 0x4c, 0x46], what);
      assert.equal(b.readUInt16LE(16), 4, `${what}: ET_CORE`);
    };
    const xz = one(/^\/var\/lib\/systemd\/coredump\/core\.sleep\.1000\.[0-9a-f]{32}\.\d+\.\d{16}\.xz$/);
    const raw = unpack('xz', xz);
    if (raw) elfCore(raw, xz);
    assert.ok(isCore(at(one(/^\/var\/lib\/systemd\/coredump\/core\.gsd-xsettings\.1000\.[0-9a-f]{32}\.\d+\.\d{16}$/))));
    assert.ok(isCore(at('/home/bob/crash-analysis/coredump-4242')));
    const crash = fs.readFileSync(at('/var/crash/_snap_firefox_5361_usr_lib_firefox_firefox.1000.crash'), 'utf8');
    assert.match(crash, /^ProblemType: Crash\n/);
    const b64 = crash.split('CoreDump: base64\n')[1].split('\n').map((l) => l.trim()).join('');
    elfCore(zlib.gunzipSync(Buffer.from(b64, 'base64')), "the apport report's CoreDump field");
  });

  it('fixture: files claimed compressed or archived are: .gz, .xz, .zst, .lz4, .bz2 unpack; tars have ustar headers; zips start PK', () => {
    for (const p of paths(/\.(gz|mbz)$/)) assert.doesNotThrow(() => zlib.gunzipSync(fs.readFileSync(at(p))), p);
    for (const [re, tool] of [[/\.xz$/, 'xz'], [/\.zst$/, 'zstd'], [/\.lz4$/, 'lz4'], [/\.bz2$/, 'bzip2']] as const) {
      const ps = paths(re).filter((p) => !p.includes('/.#core.'));
      assert.ok(ps.length >= 1, `a ${tool} file`);
      for (const p of ps) {
        const raw = unpack(tool, p);
        if (raw && /\.tar\.[a-z0-9]+$/.test(p)) assert.equal(raw.subarray(257, 263).toString('latin1'), 'ustar\0', p);
      }
    }
    for (const p of paths(/\.(tar|gem)$/)) assert.equal(head(p, 263).subarray(257, 263).toString('latin1'), 'ustar\0', p);
    for (const p of paths(/\.(tar\.gz|snap|mbz)$/).filter((p) => !p.endsWith('.snap.partial'))) assert.equal(zlib.gunzipSync(fs.readFileSync(at(p))).subarray(257, 263).toString('latin1'), 'ustar\0', p);
    for (const p of paths(/\.(zip|jar|odt|xlsx|docx|pth)$/)) assert.equal(head(p, 4).toString('latin1'), 'PK\x03\x04', p);
  });

  it("fixture: the tools' formats: dumps, streams, images, device backups, trash records, cache tags", () => {
    const starts = (p: string, magic: string | Buffer) => {
      const m = typeof magic === 'string' ? Buffer.from(magic, 'latin1') : magic;
      assert.ok(head(p, m.length).equals(m), `${p}: starts ${JSON.stringify(m.toString('latin1'))}`);
    };
    starts(one(/\.xbstream$/), MAGIC.xbstream);
    const zfs = fs.readFileSync(at(one(/\.zfs$/)));
    assert.equal(zfs.readUInt32LE(0), 0, 'DRR_BEGIN');
    assert.equal(zfs.readBigUInt64LE(8), MAGIC.zfsSend);
    assert.match(zfs.subarray(56, 312).toString('latin1'), /^tank\/data@autosnap_2026-11-22[^\0]*\0/);
    starts(one(/\.btrfs$/), MAGIC.btrfsSend);
    starts(one(/\.xfsdump$/), MAGIC.xfsdump);
    starts(one(/\.vhdx$/), MAGIC.vhdx);
    starts('/root/luks-header-sda3.img', MAGIC.luks);
    starts('/home/bob/phone/backup-2026-11-20.ab', MAGIC.androidBackup);
    starts('/home/carol/Documents/Passwords.old.kdbx', MAGIC.kdbx);
    starts(one(/\.jpa$/), MAGIC.jpa);
    starts(one(/^\/var\/lib\/prometheus\/snapshots\/.*\/chunks\/000001$/), MAGIC.promChunks);
    for (const p of [one(/\/toc\.dat$/), '/var/lib/pgsql/backups/shop-2026-11-22.dump']) starts(p, 'PGDMP');
    assert.match(zlib.gunzipSync(fs.readFileSync(at(one(/\/backup_data\/shop\.sql\.gz$/)))).toString(), /^-- MySQL dump /);
    assert.match(fs.readFileSync(at(one(/\/var\/backups\/\d+_db\.sql$/)), 'utf8'), /^-- MySQL dump /);
    assert.match(fs.readFileSync(at('/var/lib/bacula/bacula.sql'), 'utf8'), /^--\n-- PostgreSQL database dump\n/);
    assert.match(fs.readFileSync(at('/srv/ldap-backup/ldap-20261122.ldif'), 'utf8'), /^dn: dc=example,dc=com\n/);
    for (const p of paths(/\.snap$/)) {
      const t = zlib.gunzipSync(fs.readFileSync(at(p)));
      assert.equal(t.subarray(0, 9).toString('latin1'), 'meta.json', `${p}: a snapshot's tar starts with meta.json`);
    }
    for (const p of [one(/\/Manifest\.db$/), one(/com\.plexapp\.plugins\.library\.db$/)]) starts(p, 'SQLite format 3\0');
    // Windows XP's recycle bin: INFO2 version 5 with records of 800 bytes, naming the deleted file; DcN.doc an OLE file
    const info2 = fs.readFileSync(at(one(/\/RECYCLER\/S-1-5-21-[\d-]+\/INFO2$/)));
    assert.equal(info2.readUInt32LE(0), 5);
    assert.equal(info2.readUInt32LE(12), 800);
    assert.equal(info2.length, 20 + 800);
    assert.match(info2.subarray(20, 280).toString('latin1'), /^C:\\Documents and Settings\\carol\\My Documents\\letter\.doc\0/);
    starts(one(/\/RECYCLER\/.*\/Dc1\.doc$/), MAGIC.ole);
    // every .trashinfo names an item present in its trash's files/
    const infos = paths(/\/info\/[^/]+\.trashinfo$/);
    assert.ok(infos.length >= 3);
    for (const p of infos) {
      assert.match(fs.readFileSync(at(p), 'utf8'), /^\[Trash Info\]\nPath=\/.+\nDeletionDate=\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\n$/);
      const item = path.posix.join(path.posix.dirname(path.posix.dirname(p)), 'files', path.posix.basename(p, '.trashinfo'));
      assert.ok(fs.existsSync(at(item)), `${p}: no ${item}`);
    }
    // the real cache tag has the exact signature, the near miss does not
    assert.equal(fs.readFileSync(at('/data/ci/objstore/CACHEDIR.TAG'), 'latin1').split('\n')[0], CACHEDIR_SIGNATURE);
    assert.equal(fx.labels.get('/data/ci/objstore/CACHEDIR.TAG'), 'caches');
    const miss = fs.readFileSync(at('/home/carol/Videos/raw/CACHEDIR.TAG'), 'latin1');
    assert.ok(!miss.startsWith(CACHEDIR_SIGNATURE) && miss.startsWith(CACHEDIR_SIGNATURE.slice(0, -1)), 'a near miss of the signature');
    assert.equal(fx.labels.get('/home/carol/Videos/raw/CACHEDIR.TAG'), null);
  });

  it("fixture: hard links (ClickHouse's FREEZE) are one inode; the programs named trash and coredump-upload are executable; kubelet's current certificate is a symlink to the dated one", () => {
    checkHardLinks(fx);
    for (const g of fx.hardLinked) assert.deepEqual(g.map((p) => fx.labels.get(p)), [null, 'backups']);
    for (const p of ['/usr/local/bin/trash', '/usr/local/bin/coredump-upload']) assert.notEqual(fs.statSync(at(p)).mode & 0o111, 0, p);
    assert.equal(fs.readlinkSync(at('/var/lib/kubelet/pki/kubelet-client-current.pem')), 'kubelet-client-2026-11-22-03-00-01.pem');
  });

  it('fixture: the package decoys are in the dpkg lists, no labelled kind is', () => checkPackageDecoys(fx, 8));

  it('score: the classifier on it, per kind (printed, no target asserted: the lead sets it)', async (t) => {
    await scoreDiagnostics(fx, (l) => t.diagnostic(l));
  });
});
