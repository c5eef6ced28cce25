/**
 * Issue 16's held-out fixture (test/helpers/kinds-heldout.ts): that it is what it claims (every
 * file labelled or said unscored, none a path of the tuned fixture, the tools' formats, real core
 * dumps, exact CACHEDIR.TAG signatures, hard links, the package decoys in the dpkg lists); then the
 * classifier runs on it and its score per kind is printed (diagnostics), with no target asserted:
 * the lead decides the target for held-out cases.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { makeTmp, rmrf } from './helpers/fs.js';
import { checkHardLinks, checkPackageDecoys, fileHead, scoreDiagnostics } from './helpers/kinds-checks.js';
import { buildKindsFixture, CACHEDIR_SIGNATURE, isCore, KINDS, regularFiles } from './helpers/kinds-fixture.js';
import { buildHeldoutFixture, type HeldoutFixture } from './helpers/kinds-heldout.js';

describe('issue 16: the held-out kinds fixture', () => {
  let dir: string;
  let fx: HeldoutFixture;
  const at = (p: string) => path.join(fx.root, p);
  const head = (p: string, n: number) => fileHead(fx.root, p, n);
  const paths = (re: RegExp) => [...fx.labels.keys()].filter((p) => re.test(p));
  before(async () => {
    dir = makeTmp('kinds-heldout');
    fx = await buildHeldoutFixture(dir);
  });
  after(() => rmrf(dir));

  it('every regular file below the root is labelled or said unscored, each with a reason', () => {
    const found = regularFiles(fx.root);
    assert.deepEqual(found.filter((p) => !fx.labels.has(p) && !fx.unscored.has(p)), [], 'files neither labelled nor unscored');
    for (const p of [...fx.labels.keys(), ...fx.unscored.keys()]) assert.ok(fs.lstatSync(at(p)).isFile(), `${p}: not a regular file`);
    for (const p of fx.unscored.keys()) assert.ok(!fx.labels.has(p), `${p}: both labelled and unscored`);
    assert.equal(found.length, fx.labels.size + fx.unscored.size);
    assert.ok(fx.labels.size >= 150 && fx.labels.size <= 270, `${fx.labels.size} labelled files (want about 150-250)`);
    const n = (k: string | null) => [...fx.labels.values()].filter((v) => v === k).length;
    for (const k of KINDS) assert.ok(n(k) >= (k === 'core dumps' ? (fx.coreMade ? 8 : 4) : 9), `too few files labelled ${k}: ${n(k)}`);
    assert.ok(n(null) >= 50, `too few decoys: ${n(null)}`);
    for (const p of fx.labels.keys()) assert.ok(fx.reasons.get(p), `${p}: no reason`);
    for (const [p, why] of fx.unscored) assert.ok(why.includes('?'), `${p}: an unscored file says what operators would disagree on`);
  });

  it('holds no path of the tuned fixture (held out: other cases, not the same files)', async () => {
    const tunedDir = makeTmp('kinds-tuned');
    try {
      const tuned = await buildKindsFixture(tunedDir);
      const same = [...fx.labels.keys(), ...fx.unscored.keys()].filter((p) => tuned.labels.has(p) && !p.startsWith('/var/lib/dpkg/info/'));
      assert.deepEqual(same, []);
    } finally {
      rmrf(tunedDir);
    }
  });

  it("the core dumps are real (ELF, ET_CORE), named as core_pattern's other patterns name them", (t) => {
    if (fx.coreMade === null) return t.skip(`no core dump could be made here: ${fx.notes.join('; ')}`);
    t.diagnostic(`core dumps made by ${fx.coreMade}: ${fx.cores.join(', ')}`);
    assert.equal(fx.cores.length, 4);
    for (const c of fx.cores) {
      assert.ok(isCore(at(c)), `${c}: not an ELF core`);
      assert.equal(fx.labels.get(c), 'core dumps');
    }
    const names = fx.cores.map((c) => path.basename(c));
    assert.match(names[0], /^core\.sleep\.\d+$/);
    assert.match(names[1], /^core-sleep-\d+-\d{10}$/);
    assert.equal(names[2], 'sleep.core');
    assert.match(names[3], /^core\._usr_bin_sleep\.0\.[0-9a-f-]{36}\.\d+\.\d{10}$/);
    for (const p of paths(/\/(vmcore|dump\.\d{12})$/)) assert.equal(head(p, 8).toString('latin1'), 'KDUMP   ', `${p}: makedumpfile's signature`);
  });

  it("the tools' formats: zstd vzdump archives, Bacula's BB02, Amanda's 32 KiB header, XtraBackup, redis, CACHEDIR.TAG, journald", () => {
    for (const p of paths(/vzdump-.*\.zst$/)) {
      if (fx.notes.some((n) => n.startsWith('no zstd'))) break;
      assert.deepEqual([...head(p, 4)], [0x28, 0xb5, 0x2f, 0xfd], `${p}: a zstd frame`);
      const r = spawnSync('zstd', ['-q', '-d', '-c', at(p)]);
      assert.equal(r.status, 0);
      if (p.includes('qemu')) assert.equal(r.stdout.subarray(0, 4).toString('latin1'), 'VMA\0');
    }
    const vols = paths(/^\/srv\/bacula\/volumes\//);
    assert.ok(vols.length >= 2);
    for (const v of vols) {
      const h = head(v, 64);
      assert.equal(h.subarray(12, 16).toString('latin1'), 'BB02', v);
      assert.match(h.subarray(36).toString('latin1'), /^Bacula 1\.0 immortal\n/);
    }
    for (const p of paths(/^\/var\/lib\/amanda\//)) {
      assert.match(head(p, 16).toString('latin1'), /^AMANDA: /, p);
      assert.ok(fs.statSync(at(p)).size >= 32768, `${p}: Amanda's header is 32 KiB`);
    }
    assert.match(fs.readFileSync(at('/data/backups/mysql/2026-11-20_03-00-01/xtrabackup_checkpoints'), 'utf8'), /^backup_type = full-backuped\nfrom_lsn = 0\nto_lsn = \d+\n/);
    for (const p of paths(/\.rdb$/)) assert.match(head(p, 9).toString('latin1'), /^REDIS00\d\d$/, p);
    const tags = paths(/\/CACHEDIR\.TAG$/);
    assert.ok(tags.length >= 2);
    for (const p of tags) assert.equal(fs.readFileSync(at(p), 'latin1').split('\n')[0], CACHEDIR_SIGNATURE, p);
    for (const p of paths(/\.journal$/)) assert.equal(head(p, 8).toString('latin1'), 'LPKSHHRH', p);
    assert.match(fs.readFileSync(at('/srv/shop/tests/fixtures/pg_dump_sample.sql'), 'utf8'), /^--\n-- PostgreSQL database dump\n/, 'the decoy really has the header');
  });

  it('hard links are hard links; the program beside its man page is executable', () => {
    checkHardLinks(fx);
    assert.notEqual(fs.statSync(at('/srv/src/neofetch/neofetch')).mode & 0o111, 0);
    assert.equal(fs.statSync(at('/home/alice/Downloads/fetchtool-7.1.0/fetchtool')).mode & 0o111, 0);
  });

  it('the package decoys are in the dpkg lists, no labelled kind is', () => checkPackageDecoys(fx, 8));

  it('the classifier on it: the score per kind (printed, no target asserted: the lead sets it)', async (t) => {
    await scoreDiagnostics(fx, (l) => t.diagnostic(l));
  });
});
