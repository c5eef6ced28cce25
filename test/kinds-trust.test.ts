/**
 * Kinds an operator can trust (issue 16): the checks of src/owners/kinds-trust.ts on real trees in
 * a temp dir standing for `/` (the `prefix`), with package lists of a fake dpkg info directory:
 * package files out, core dumps by ELF header, dumps by their header, Bacula volumes, marks
 * (CACHEDIR.TAG, rsnapshot, link-dest, etckeeper), rotations and series; each with its reason; and
 * `owners --why` saying the same as the whole pass.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { classifyKinds, loadRules, startKinds, BUILTIN_RULES, type KindsResult } from '../src/owners/kinds.js';
import { entryFlags, loadPackageMap, ownedMask, treeNames } from '../src/owners/packages.js';
import { candidateClasses, dumpTool, elfCore } from '../src/owners/kinds-trust.js';
import { ncduParseAddon } from '../src/import/native-parse.js';
import { makeHostileTree } from './helpers/hostile.js';
import { whyKind } from '../src/app/why.js';
import { readHead } from '../src/util/head.js';
import { makeTmp, mkfifo, rmrf } from './helpers/fs.js';
import { scanTree, type Tree } from './helpers/tree.js';
import { elfHeader, ET_CORE, ET_DYN, ET_EXEC } from './helpers/elf.js';
import { runCli as run } from './helpers/run.js';

const PG_HEAD = '--\n-- PostgreSQL database dump\n--\n\n-- Dumped from database version 15.8\n\nSET statement_timeout = 0;\n';
const MY_HEAD = '-- MySQL dump 10.13  Distrib 8.0.36, for Linux (x86_64)\n--\n-- Host: localhost    Database: shop\n';

/** the files of the tree: path below the root → content (a Buffer, or a size of 'x's) */
const FILES: Record<string, Buffer | string | number> = {
  'srv/crash/core': elfHeader(ET_CORE, 4096),
  'srv/crash/core.4242': elfHeader(ET_CORE, 8192),
  'srv/bin/core': elfHeader(ET_EXEC, 4096),
  'srv/lib/py/vocabularies/core': '{"$schema": "https://json-schema.org/draft/2020-12/schema"}',
  'tmp/core': 'not elf at all',
  'usr/lib/pkg/core': elfHeader(ET_CORE, 4096), // a package ships it: no kind
  'srv/dumps/shop.sql': PG_HEAD + 'CREATE TABLE t (id int);\n',
  'srv/dumps/shop.sql.gz': zlib.gzipSync(PG_HEAD + 'x'.repeat(20000)),
  'srv/dumps/shop.dump': Buffer.concat([Buffer.from('PGDMP'), Buffer.alloc(400, 1)]),
  'srv/dumps/my.sql': MY_HEAD + 'DROP TABLE IF EXISTS `t`;\n',
  'srv/app/db/schema.sql': 'CREATE TABLE users (id serial primary key);\n',
  'srv/app/db/fake.sql.gz': 'not gzip',
  'usr/share/postgresql/15/extension/plpgsql--1.0.sql': 'CREATE FUNCTION x();\n',
  'srv/bareos/Full-0001': Buffer.concat([Buffer.alloc(12, 7), Buffer.from('BB02'), Buffer.alloc(200, 0)]),
  'srv/bareos/Vol-0002': Buffer.alloc(300, 0),
  'srv/app/out': 3000,
  'srv/app/out.1': 2900,
  'srv/app/out.2.gz': 700,
  'srv/py/test/cfgparser.1': 100,
  'srv/py/test/cfgparser.2': 100,
  'srv/py/test/cfgparser.3': 100,
  'srv/py/shims/pip3': 90,
  'srv/py/shims/pip3.10': 90,
  'srv/py/shims/pip3.11': 90,
  'var/lib/ucf/hashfile': 500,
  'var/lib/ucf/hashfile.0': 500,
  'var/lib/ucf/hashfile.1': 500,
  'srv/nightly/db-2026-11-20.sql.gz': 5000,
  'srv/nightly/db-2026-11-21.sql.gz': 5100,
  'srv/nightly/db-2026-11-22.sql.gz': 5300,
  'srv/nightly/backup-001.tar.gz': 9000,
  'srv/nightly/backup-002.tar.gz': 9100,
  'srv/nightly/backup-003.tar.gz': 9300,
  'srv/data/eu-west-1.json.gz': 300,
  'srv/data/eu-west-2.json.gz': 310,
  'srv/data/eu-west-3.json.gz': 320,
  'srv/odd/img-2026-11-20.tar': 100,
  'srv/odd/img-2026-11-21.tar': 900_000,
  'home/alice/Downloads/tool-1.2.tar.gz': 4000,
  'home/alice/site.tar.gz': 2000,
  'home/alice/site.tar.gz.1': 2000,
  'home/alice/site.tar.gz.2': 2100,
  'srv/build/cache/CACHEDIR.TAG': 'Signature: 8a477f597d28d172789f06886806bc55\n# made by a tool\n',
  'srv/build/cache/objs/a.o': 1000,
  'srv/build/faketag/CACHEDIR.TAG': 'Signature: 00000000000000000000000000000000\n',
  'srv/build/faketag/b.o': 1000,
  'var/cache/rsnapshot/alpha.0/localhost/etc/hosts': 200,
  'var/cache/rsnapshot/alpha.1/localhost/etc/hosts': 200,
  'var/cache/apt/archives/x.deb': 5000,
  'srv/backup/web1/2026-11-20/www/index.html': 700,
  'srv/backup/web1/2026-11-21/www/index.html': 700,
  'srv/photos/2026-11-20/a.jpg': 900,
  'srv/photos/2026-11-21/b.jpg': 900,
  'etc/.etckeeper': 'etckeeper',
  'etc/.git/HEAD': 'ref: refs/heads/master\n',
  'etc/.git/objects/ab/cdef': 300,
  'etc/app.conf': 100,
  'etc/app.conf.dpkg-old': 100,
  'usr/share/app/thing.log': 100, // a package's log-named file
  'srv/lone/notes.txt': 100,
  // rsync's file in transfer (.NAME.XXXXXX), and names like it that are no mkstemp suffix
  'srv/mirror/.debian.iso.Xy7Zq1': 4000,
  'srv/mirror/.notes.txt.a8b2k9': 300,
  'home/alice/.vimrc.backup': 100,
  'home/alice/.vimrc.Backup': 100,
  'home/alice/.config.origin': 100,
  'home/alice/.goutputstream-QW3ZK2': 200,
  // the previous run's log: beside the live one, or a .log; in a backup directory, a backup
  'home/alice/.xsession-errors': 500,
  'home/alice/.xsession-errors.old': 500,
  'home/alice/.local/share/xorg/Xorg.0.log.old': 500,
  'home/alice/notes.txt.old': 100,
  'srv/db-backups/app.log.old': 100,
  // a write-ahead log's preallocated segment (etcd) is its data; elsewhere *.tmp is temp
  'var/lib/etcd/member/wal/0.tmp': 4096,
  'srv/app/upload.tmp': 100,
  // directories named for temp files; one in a source tree is the project's
  'var/lib/postgresql/15/main/base/pgsql_tmp/pgsql_tmp31337.0': 2000,
  'var/lib/jenkins/workspace/api@tmp/durable-1/script.sh': 100,
  'srv/src/site/.git/HEAD': 'ref: refs/heads/main\n',
  'srv/src/site/tmp/keep.txt': 10,
  // names that say backup, dump or snapshot: archives or dated; not code, not redis' own dump.rdb
  'root/backup.tar': 3000,
  'root/crontab-backup-2026-11-20.txt': 300,
  'var/lib/rancher/etcd-snapshot-node1-1795305600': 5000,
  'usr/local/sbin/backup.sh': '#!/bin/sh\n',
  'var/lib/redis/dump.rdb': 4000,
  'srv/dumps/capture.dump': 'not a dump header',
  // a dated copy alone; valgrind's core; test data outside a git tree; a program's logs that are data
  'etc/postgresql/15/main/pg_hba.conf.2026-11-21': 900,
  'home/bob/src/engine/vgcore.2850': elfHeader(ET_CORE, 4096),
  'srv/src/crashtool/testdata/core.x86_64': elfHeader(ET_CORE, 4096),
  'home/alice/Maildir/dovecot.index.log': 800,
  'var/log/README': 'see journalctl\n',
  'var/lib/cassandra/commitlog/CommitLog-7-1795147200000.log': 5000,
  // Proxmox Backup Server's datastore, mydumper's output, Windows' recycle bin and thumbnails
  'mnt/datastore/store1/.chunks/2550/2550249911a3d79465c05d0125c16b2348906865518d12b6a93d36d8686a7966': 3000,
  'mnt/datastore/store1/vm/100/2026-11-22T03:00:01Z/index.json.blob': 300,
  'srv/mydumper/export-20261122-030001/metadata': 'Started dump at: 2026-11-22 03:00:01\n',
  'srv/mydumper/export-20261122-030001/shop.orders-schema.sql': 'CREATE TABLE `orders` (id int);\n',
  'srv/notes/metadata': 'title: notes\n',
  'media/win/$RECYCLE.BIN/S-1-5-21-1/$R8K2J4Q.docx': 2000,
  'srv/samba/photos/Thumbs.db': 700,
  'home/alice/logs/example.com-Nov-2026.gz': 400,
  'srv/py/lib/python3.11/site-packages/botocore/data/logs/2014-03-28/service-2.json.gz': 400,
  // ELF cores in a directory named for them whatever their names; coredumpctl's output
  'var/spool/cores/!usr!bin!sleep.2183': elfHeader(ET_CORE, 4096),
  'var/spool/cores/README': 'cores land here\n',
  'home/bob/crash-analysis/coredump-4242': elfHeader(ET_CORE, 4096),
  // kept snapshots are backups; a container runtime's layers are not
  'opt/consul/snapshots/consul-20261122-0300.snap': 3000,
  'var/lib/containerd/io.containerd.snapshotter.v1.overlayfs/snapshots/12/fs/etc/hostname': 10,
  // a build tool's hidden cache in a project; pre-commit's clone in ~/.cache (not *.pre-*)
  'home/carol/src/webapp/.git/HEAD': 'ref: refs/heads/main\n',
  'home/carol/src/webapp/.angular/cache/17.0.0/babel/ab.json': 300,
  'home/carol/src/webapp/src/app/cache/lru.ts': 300,
  'home/carol/.cache/pre-commit/repo1/.pre-commit-hooks.yaml': 100,
  // pg_dump's directory format, rsync's --partial-dir
  'srv/pg/dumps/shop-20261122.dir/toc.dat': Buffer.concat([Buffer.from('PGDMP'), Buffer.alloc(200, 1)]),
  'srv/pg/dumps/shop-20261122.dir/3456.dat.gz': zlib.gzipSync('1\tx\n'),
  'srv/isos/.rsync-partial/rocky.iso': 5000,
};

/** what an operator calls each file (null: no kind) */
const EXPECT: Record<string, string | null> = {
  'srv/crash/core': 'core dumps',
  'srv/crash/core.4242': 'core dumps',
  'srv/bin/core': null,
  'srv/lib/py/vocabularies/core': null,
  'tmp/core': 'temp',
  'usr/lib/pkg/core': null,
  'srv/dumps/shop.sql': 'backups',
  'srv/dumps/shop.sql.gz': 'backups',
  'srv/dumps/shop.dump': 'backups',
  'srv/dumps/my.sql': 'backups',
  'srv/app/db/schema.sql': null,
  'srv/app/db/fake.sql.gz': null,
  'usr/share/postgresql/15/extension/plpgsql--1.0.sql': null,
  'srv/bareos/Full-0001': 'backups',
  'srv/bareos/Vol-0002': null,
  'srv/app/out': 'live logs',
  'srv/app/out.1': 'rotated logs',
  'srv/app/out.2.gz': 'rotated logs',
  'srv/py/test/cfgparser.1': null,
  'srv/py/test/cfgparser.2': null,
  'srv/py/test/cfgparser.3': null,
  'srv/py/shims/pip3': null,
  'srv/py/shims/pip3.10': null,
  'srv/py/shims/pip3.11': null,
  'var/lib/ucf/hashfile': null,
  'var/lib/ucf/hashfile.0': 'backups',
  'var/lib/ucf/hashfile.1': 'backups',
  'srv/nightly/db-2026-11-20.sql.gz': 'backups',
  'srv/nightly/db-2026-11-21.sql.gz': 'backups',
  'srv/nightly/db-2026-11-22.sql.gz': 'backups',
  'srv/nightly/backup-001.tar.gz': 'backups',
  'srv/nightly/backup-002.tar.gz': 'backups',
  'srv/nightly/backup-003.tar.gz': 'backups',
  'srv/data/eu-west-1.json.gz': null,
  'srv/data/eu-west-2.json.gz': null,
  'srv/data/eu-west-3.json.gz': null,
  'srv/odd/img-2026-11-20.tar': null,
  'srv/odd/img-2026-11-21.tar': null,
  'home/alice/Downloads/tool-1.2.tar.gz': null,
  'home/alice/site.tar.gz': 'backups',
  'home/alice/site.tar.gz.1': 'backups',
  'home/alice/site.tar.gz.2': 'backups',
  'srv/build/cache/CACHEDIR.TAG': 'caches',
  'srv/build/cache/objs/a.o': 'caches',
  'srv/build/faketag/CACHEDIR.TAG': null,
  'srv/build/faketag/b.o': null,
  'var/cache/rsnapshot/alpha.0/localhost/etc/hosts': 'backups',
  'var/cache/rsnapshot/alpha.1/localhost/etc/hosts': 'backups',
  'var/cache/apt/archives/x.deb': 'caches',
  'srv/backup/web1/2026-11-20/www/index.html': 'backups',
  'srv/backup/web1/2026-11-21/www/index.html': 'backups',
  'srv/photos/2026-11-20/a.jpg': null,
  'srv/photos/2026-11-21/b.jpg': null,
  'etc/.etckeeper': 'backups', // etckeeper's own metadata, beside its .git
  'etc/.git/HEAD': 'backups',
  'etc/.git/objects/ab/cdef': 'backups',
  'etc/app.conf': null,
  'etc/app.conf.dpkg-old': 'backups',
  'usr/share/app/thing.log': null,
  'srv/lone/notes.txt': null,
  'srv/mirror/.debian.iso.Xy7Zq1': 'temp',
  'srv/mirror/.notes.txt.a8b2k9': 'temp',
  'home/alice/.vimrc.backup': 'backups', // *.backup
  'home/alice/.vimrc.Backup': null,
  'home/alice/.config.origin': null,
  'home/alice/.goutputstream-QW3ZK2': 'temp',
  'home/alice/.xsession-errors': 'live logs',
  'home/alice/.xsession-errors.old': 'rotated logs',
  'home/alice/.local/share/xorg/Xorg.0.log.old': 'rotated logs',
  'home/alice/notes.txt.old': 'backups',
  'srv/db-backups/app.log.old': 'backups',
  'var/lib/etcd/member/wal/0.tmp': null,
  'srv/app/upload.tmp': 'temp',
  'var/lib/postgresql/15/main/base/pgsql_tmp/pgsql_tmp31337.0': 'temp',
  'var/lib/jenkins/workspace/api@tmp/durable-1/script.sh': 'temp',
  'srv/src/site/.git/HEAD': null,
  'srv/src/site/tmp/keep.txt': null,
  'root/backup.tar': 'backups',
  'root/crontab-backup-2026-11-20.txt': null, // (a .txt is no candidate of the name check: its cost over every name was 15 ms on /usr)
  'var/lib/rancher/etcd-snapshot-node1-1795305600': 'backups',
  'usr/local/sbin/backup.sh': null,
  'var/lib/redis/dump.rdb': null,
  'srv/dumps/capture.dump': null,
  'etc/postgresql/15/main/pg_hba.conf.2026-11-21': 'backups',
  'home/bob/src/engine/vgcore.2850': 'core dumps',
  'srv/src/crashtool/testdata/core.x86_64': null,
  'home/alice/Maildir/dovecot.index.log': null,
  'var/log/README': null,
  'var/lib/cassandra/commitlog/CommitLog-7-1795147200000.log': null,
  'mnt/datastore/store1/.chunks/2550/2550249911a3d79465c05d0125c16b2348906865518d12b6a93d36d8686a7966': 'backups',
  'mnt/datastore/store1/vm/100/2026-11-22T03:00:01Z/index.json.blob': 'backups',
  'srv/mydumper/export-20261122-030001/metadata': 'backups',
  'srv/mydumper/export-20261122-030001/shop.orders-schema.sql': 'backups',
  'srv/notes/metadata': null,
  'media/win/$RECYCLE.BIN/S-1-5-21-1/$R8K2J4Q.docx': 'trash',
  'srv/samba/photos/Thumbs.db': 'caches',
  'home/alice/logs/example.com-Nov-2026.gz': 'rotated logs',
  'srv/py/lib/python3.11/site-packages/botocore/data/logs/2014-03-28/service-2.json.gz': null,
  'var/spool/cores/!usr!bin!sleep.2183': 'core dumps',
  'var/spool/cores/README': null,
  'home/bob/crash-analysis/coredump-4242': 'core dumps',
  'opt/consul/snapshots/consul-20261122-0300.snap': 'backups',
  'var/lib/containerd/io.containerd.snapshotter.v1.overlayfs/snapshots/12/fs/etc/hostname': null,
  'home/carol/src/webapp/.git/HEAD': null,
  'home/carol/src/webapp/.angular/cache/17.0.0/babel/ab.json': 'caches',
  'home/carol/src/webapp/src/app/cache/lru.ts': null,
  'home/carol/.cache/pre-commit/repo1/.pre-commit-hooks.yaml': 'caches',
  'srv/pg/dumps/shop-20261122.dir/toc.dat': 'backups',
  'srv/pg/dumps/shop-20261122.dir/3456.dat.gz': 'backups',
  'srv/isos/.rsync-partial/rocky.iso': 'temp',
};

const PACKAGE_FILES = ['/usr/lib/pkg/core', '/usr/share/postgresql/15/extension/plpgsql--1.0.sql', '/usr/share/app/thing.log', '/etc/app.conf'];

function build(root: string): void {
  for (const [rel, c] of Object.entries(FILES)) {
    const p = path.join(root, rel);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, typeof c === 'number' ? Buffer.alloc(c, 0x78) : c);
  }
  // rsnapshot and link-dest trees share inodes between their copies
  fs.rmSync(path.join(root, 'var/cache/rsnapshot/alpha.1/localhost/etc/hosts'));
  fs.linkSync(path.join(root, 'var/cache/rsnapshot/alpha.0/localhost/etc/hosts'), path.join(root, 'var/cache/rsnapshot/alpha.1/localhost/etc/hosts'));
  fs.rmSync(path.join(root, 'srv/backup/web1/2026-11-21/www/index.html'));
  fs.linkSync(path.join(root, 'srv/backup/web1/2026-11-20/www/index.html'), path.join(root, 'srv/backup/web1/2026-11-21/www/index.html'));
  fs.chmodSync(path.join(root, 'srv/py/shims/pip3'), 0o755);
  fs.chmodSync(path.join(root, 'srv/py/shims/pip3.10'), 0o755);
  fs.chmodSync(path.join(root, 'srv/py/shims/pip3.11'), 0o755);
  const info = path.join(root, 'var/lib/dpkg/info');
  fs.mkdirSync(info, { recursive: true });
  fs.writeFileSync(path.join(info, 'fakepkg.list'), ['/.', '/usr', '/usr/lib', ...PACKAGE_FILES].join('\n') + '\n');
}

describe('kinds you can trust: the checks on a real tree', () => {
  let root: string;
  let tree: Tree;
  let k: KindsResult;
  let index: Map<string, number>;
  let reads: string[];
  before(async () => {
    root = path.join(makeTmp('trust'), 'root');
    fs.mkdirSync(root);
    build(root);
    tree = await scanTree(root);
    const owned = ownedMask(tree, loadPackageMap({ infoDir: path.join(root, 'var/lib/dpkg/info'), root }), { prefix: root });
    reads = [];
    k = classifyKinds(tree, BUILTIN_RULES, {
      prefix: root,
      owned,
      top: 50,
      read: (f, max) => {
        reads.push(f.toString());
        return readHead(f, max);
      },
    });
    index = new Map();
    for (let i = 0; i < tree.count; i++) index.set(path.relative(root, tree.pathOf(i).toString()), i);
  });
  after(() => rmrf(path.dirname(root)));

  it('every file is in the kind an operator would name, each with a reason', () => {
    const wrong: string[] = [];
    for (const [rel, want] of Object.entries(EXPECT)) {
      const i = index.get(rel);
      assert.ok(i !== undefined, `${rel} is in the tree`);
      const got = k.cat[i] >= 0 ? BUILTIN_RULES.categories[k.cat[i]].name : null;
      if (got !== want) wrong.push(`${rel}: ${got} (expected ${want}): ${k.why(i)}`);
      assert.ok(k.why(i).length > 10, `${rel} has a reason`);
    }
    assert.deepEqual(wrong, []);
    // the totals count exactly the labelled files, a hard-linked inode once (alpha.1's hosts, web1's second copy)
    const labelled = Object.values(EXPECT).filter((v) => v !== null).length;
    assert.equal(k.categories.reduce((s, c) => s + c.count, 0), labelled - 2);
  });

  it('the reasons name the evidence', () => {
    const why = (rel: string) => k.why(index.get(rel)!);
    assert.match(why('srv/crash/core'), /ELF core file \(e_type ET_CORE\)/);
    assert.match(why('srv/bin/core'), /an ELF file of another type/);
    assert.match(why('srv/lib/py/vocabularies/core'), /not an ELF file/);
    assert.match(why('usr/lib/pkg/core'), /package/);
    assert.match(why('srv/dumps/shop.sql.gz'), /^pg_dump output/);
    assert.match(why('srv/dumps/shop.dump'), /custom format/);
    assert.match(why('srv/dumps/my.sql'), /^mysqldump/);
    assert.match(why('srv/app/db/schema.sql'), /without pg_dump's or mysqldump's header/);
    assert.match(why('srv/bareos/Full-0001'), /Bacula\/Bareos volume/);
    assert.match(why('srv/app/out.2.gz'), /rotated by logrotate: 2 rotations of out/);
    assert.match(why('srv/nightly/db-2026-11-21.sql.gz'), /series of 3 files db-<date>\.sql\.gz/);
    assert.match(why('srv/odd/img-2026-11-21.tar'), /sizes differ too much/);
    assert.match(why('home/alice/Downloads/tool-1.2.tar.gz'), /an archive or dump alone/);
    assert.match(why('srv/build/cache/objs/a.o'), /CACHEDIR\.TAG/);
    assert.match(why('srv/build/faketag/CACHEDIR.TAG'), /without the specification's signature/);
    assert.match(why('var/cache/rsnapshot/alpha.0/localhost/etc/hosts'), /rsnapshot snapshot/);
    assert.match(why('srv/backup/web1/2026-11-20/www/index.html'), /rsync --link-dest snapshot: .* sharing hard links/);
    assert.match(why('etc/.git/HEAD'), /etckeeper/);
    assert.match(why('etc/app.conf.dpkg-old'), /"\*\.dpkg-old"/);
    assert.match(why('var/cache/apt/archives/x.deb'), /caches: its path matches "\/var\/cache\/\*\*"/);
    assert.match(why('srv/mirror/.debian.iso.Xy7Zq1'), /^rsync's temporary file of debian\.iso/);
    assert.match(why('home/alice/.config.origin'), /origin is no mkstemp suffix: not temp/);
    assert.match(why('home/alice/.xsession-errors.old'), /previous run's log, beside the live \.xsession-errors/);
    assert.match(why('home/alice/.local/share/xorg/Xorg.0.log.old'), /previous run's log \(Xorg\.0\.log is a \.log\)/);
    assert.match(why('var/lib/etcd/member/wal/0.tmp'), /no rule of the kinds matches it/);
    assert.match(why('var/lib/jenkins/workspace/api@tmp/durable-1/script.sh'), /below .*api@tmp, a directory named for temp files/);
    assert.match(why('srv/src/site/tmp/keep.txt'), /named for temp files, but in a source tree \(a git work tree/);
    assert.match(why('var/lib/rancher/etcd-snapshot-node1-1795305600'), /its name says it is a backup or a dump .*with a date/);
    assert.match(why('etc/postgresql/15/main/pg_hba.conf.2026-11-21'), /a dated copy of pg_hba\.conf/);
    assert.match(why('srv/src/crashtool/testdata/core.x86_64'), /test data \(below .*testdata, a directory of test inputs\)/);
    assert.match(why('home/alice/Maildir/dovecot.index.log'), /Dovecot's transaction log/);
    assert.match(why('mnt/datastore/store1/vm/100/2026-11-22T03:00:01Z/index.json.blob'), /Proxmox Backup Server datastore/);
    assert.match(why('srv/mydumper/export-20261122-030001/shop.orders-schema.sql'), /mydumper's output/);
  });

  it('headers are read only of unowned candidates, a few bytes each', () => {
    const rel = reads.map((r) => path.relative(root, r)).sort();
    assert.deepEqual(rel, [
      'home/bob/crash-analysis/coredump-4242',
      'home/bob/src/engine/vgcore.2850',
      'srv/app/db/fake.sql.gz',
      'srv/app/db/schema.sql',
      'srv/bareos/Full-0001',
      'srv/bareos/Vol-0002',
      'srv/bin/core',
      'srv/build/cache/CACHEDIR.TAG',
      'srv/build/faketag/CACHEDIR.TAG',
      'srv/crash/core',
      'srv/crash/core.4242',
      'srv/dumps/capture.dump',
      'srv/dumps/my.sql',
      'srv/dumps/shop.dump',
      'srv/dumps/shop.sql',
      'srv/dumps/shop.sql.gz',
      'srv/lib/py/vocabularies/core',
      'srv/mydumper/export-20261122-030001/metadata', // (a file named metadata: mydumper's?)
      'srv/nightly/db-2026-11-20.sql.gz',
      'srv/nightly/db-2026-11-21.sql.gz',
      'srv/nightly/db-2026-11-22.sql.gz',
      'srv/notes/metadata',
      'srv/pg/dumps/shop-20261122.dir/toc.dat',
      'srv/py/shims/pip3', // (no dot, a digit last: a Bacula/Bareos volume's name)
      'srv/src/crashtool/testdata/core.x86_64',
      'tmp/core',
      'var/lib/rancher/etcd-snapshot-node1-1795305600',
      'var/spool/cores/!usr!bin!sleep.2183',
      'var/spool/cores/README',
    ]);
  });

  it('a bound on the headers read: the candidates past it stay out, and say so', () => {
    let n = 0;
    const r = classifyKinds(tree, BUILTIN_RULES, { prefix: root, maxReads: 2, read: (f, max) => (n++, readHead(f, max)) });
    assert.equal(n, 2);
    assert.ok(r.trust.unchecked > 0);
    // each says so, but those a series took afterwards (the nightly db-<date>.sql.gz)
    const notRead = [...index.values()].filter((i) => /was not read/.test(r.why(i)));
    // (and a Bacula/Bareos volume's name that its date took as a backup: etcd-snapshot-node1-1795305600)
    const series = [...index.values()].filter(
      (i) => (/series of/.test(r.why(i)) && /\.sql\.gz$/.test(tree.pathOf(i).toString())) || (/its name says/.test(r.why(i)) && !path.basename(tree.pathOf(i).toString()).includes('.')),
    );
    assert.equal(notRead.length + series.length, r.trust.unchecked, `${notRead.length} + ${series.length}`);
    // no header read at all (an imported tree): no core dump, no dump
    const none = classifyKinds(tree, BUILTIN_RULES, { prefix: root, read: null });
    assert.equal(none.categories.find((c) => c.name === 'core dumps'), undefined);
  });

  it('never a FIFO, a device or a link: only regular files are read, without following', () => {
    const d = makeTmp('trust-hostile');
    try {
      mkfifo(path.join(d, 'core'));
      fs.symlinkSync('/dev/zero', path.join(d, 'x.sql'));
      fs.writeFileSync(path.join(d, 'real'), elfHeader(ET_CORE, 64));
      fs.symlinkSync(path.join(d, 'real'), path.join(d, 'core.7'));
      assert.equal(readHead(path.join(d, 'core'), 18), null, 'a FIFO is not opened for reading (O_NONBLOCK, fstat)');
      assert.equal(readHead(path.join(d, 'x.sql'), 18), null, 'a link is not followed (O_NOFOLLOW)');
      assert.equal(readHead(d, 18), null, 'a directory is not read');
    } finally {
      rmrf(d);
    }
  });

  it('the names whose content is checked, as FIFOs in a scanned tree: never offered to read', async () => {
    const d = path.join(makeTmp('trust-fifos'), 'root');
    try {
      for (const rel of ['srv/x/metadata', 'srv/x/toc.dat', 'var/spool/cores/a', 'srv/c/coredump', 'srv/c/vgcore.1', 'srv/c/core', 'srv/b/CACHEDIR.TAG', 'srv/v/Vol-0001']) {
        fs.mkdirSync(path.join(d, path.dirname(rel)), { recursive: true });
        mkfifo(path.join(d, rel));
      }
      const t = await scanTree(d);
      const read: string[] = [];
      classifyKinds(t, BUILTIN_RULES, { prefix: d, read: (f, max) => (read.push(f.toString()), readHead(f, max)) });
      assert.deepEqual(read, []);
    } finally {
      rmrf(path.dirname(d));
    }
  });

  it('the candidates: the addon (ncduparse.c kindsCandidates) and the reference loop agree entry for entry', async (t) => {
    const addon = ncduParseAddon();
    if (!addon?.kindsCandidates) return t.skip('no addon');
    const hostile = makeTmp('trust-names');
    try {
      makeHostileTree(hostile);
      for (const n of ['core', 'core.1', 'core.12a', 'x.core', '.core', 'CACHEDIR.TAG', 'a.sql', 'a.sql.gz', 'a.dump', 'a.pgdump', 'Full-0001', '-0001', 'x.1', 'x.tar.Z', 'x.sqlite3', 'x.qcow2', 'noext', 'a.b.c.d.e.f.g.h.tar', 'x.' + 'y'.repeat(9)])
        fs.writeFileSync(path.join(hostile, n), 'x');
      for (const d of ['.git', '2026-11-20', 'daily.0', 'beta.0', 'abc12', 'x123456']) fs.mkdirSync(path.join(hostile, d));
      let dropped = 0;
      for (const tr of [tree, await scanTree(hostile)]) {
        const pass = startKinds(tr, BUILTIN_RULES, { prefix: root });
        const names = treeNames(tr);
        const fl = entryFlags(tr);
        const c = candidateClasses(tr, names, fl, pass.lab, true);
        const js = candidateClasses(tr, names, fl, pass.lab, false);
        assert.deepEqual([...c.idx], [...js.idx]);
        assert.deepEqual([...c.cls], [...js.cls]);
        assert.ok(c.idx.length > 0);
        // with package files known (every other entry here): they keep only their label (class 32)
        const owned = Uint8Array.from({ length: tr.count }, (_, i) => i % 2);
        const co = candidateClasses(tr, names, fl, pass.lab, true, owned);
        const jo = candidateClasses(tr, names, fl, pass.lab, false, owned);
        assert.deepEqual([...co.idx], [...jo.idx]);
        assert.deepEqual([...co.cls], [...jo.cls]);
        const kept = [...c.idx].map((i, k) => [i, owned[i] && (fl[i] & 3) === 0 ? c.cls[k] & 32 : c.cls[k]]).filter(([, x]) => x !== 0);
        assert.deepEqual([...co.idx].map((i, k) => [i, co.cls[k]]), kept);
        dropped += c.idx.length - co.idx.length;
      }
      assert.ok(dropped > 0, 'no package file dropped');
    } finally {
      rmrf(hostile);
    }
  });

  it('the header checks, byte by byte', () => {
    assert.equal(elfCore(elfHeader(ET_CORE, 18)), true);
    assert.equal(elfCore(elfHeader(ET_DYN, 18)), false);
    assert.equal(elfCore(elfHeader(ET_CORE, 18).subarray(0, 17)), false, 'a truncated header');
    const be = elfHeader(0, 18);
    be[5] = 2; // big-endian: e_type 0x0004
    be[16] = 0;
    be[17] = 4;
    assert.equal(elfCore(be), true);
    assert.equal(dumpTool(Buffer.from('--\n-- PostgreSQL database cluster dump\n--\n'), false), 'pg_dumpall');
    assert.equal(dumpTool(zlib.gzipSync(MY_HEAD + 'INSERT INTO t VALUES (1);\n'.repeat(5000)).subarray(0, 200), true), 'mysqldump', 'a gzip cut short still says its first line');
    assert.equal(dumpTool(Buffer.from('-- MariaDB dump 10.19\n'), false), 'mysqldump');
    assert.equal(dumpTool(Buffer.from('SELECT 1; -- PostgreSQL database dump'), false), null, 'the words must start a line');
    assert.equal(dumpTool(Buffer.from([0x1f, 0x8b, 0, 0]), true), null, 'a broken gzip');
  });

  it('owners --why FILE says what the whole pass says, for every file (the same rules on a small tree)', () => {
    // without a prefix: the paths as they are (under the temp dir, so /tmp's rule applies to both)
    const owned = ownedMask(tree, loadPackageMap(), {});
    const bulk = classifyKinds(tree, loadRules(), { owned });
    const diff: string[] = [];
    for (const rel of Object.keys(EXPECT)) {
      const i = index.get(rel)!;
      const w = whyKind(path.join(root, rel));
      const want = bulk.cat[i] >= 0 ? BUILTIN_RULES.categories[bulk.cat[i]].name : null;
      if (w.kind !== want || w.reason !== bulk.why(i)) diff.push(`${rel}: why ${w.kind} (${w.reason}) / owners ${want} (${bulk.why(i)})`);
    }
    assert.deepEqual(diff, []);
  });
});

describe('owners --why on the command line', () => {
  let d: string;
  before(() => {
    d = makeTmp('why-cli');
    fs.writeFileSync(path.join(d, 'core'), elfHeader(ET_CORE, 4096));
    fs.writeFileSync(path.join(d, 'bad\x1b[31m'), 'x');
  });
  after(() => rmrf(d));

  it('text and --json', () => {
    const r = run(['owners', '--why', path.join(d, 'core')]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /: core dumps\n {2}why: an ELF core file \(e_type ET_CORE\): a core dump\n {2}package: none lists it\n$/);
    const j = JSON.parse(run(['owners', '--why', path.join(d, 'core'), '--json']).stdout);
    assert.deepEqual(j, { path: path.join(d, 'core'), kind: 'core dumps', reason: 'an ELF core file (e_type ET_CORE): a core dump', package: null });
    const ls = JSON.parse(run(['owners', '--why', '/usr/bin/ls', '--json']).stdout);
    assert.equal(ls.kind, null);
    assert.match(ls.package, /^coreutils/);
  });

  it('bad input: one line, non-zero; hostile names escaped', () => {
    const miss = run(['owners', '--why', path.join(d, 'nope')]);
    assert.equal(miss.code, 1);
    assert.equal(miss.stderr.trim().split('\n').length, 1, miss.stderr);
    assert.match(miss.stderr, /no such file/);
    const both = run(['owners', d, '--why', path.join(d, 'core')]);
    assert.equal(both.code, 2);
    const hostile = run(['owners', '--why', path.join(d, 'bad\x1b[31m')]);
    assert.equal(hostile.code, 0, hostile.stderr);
    assert.ok(!hostile.stdout.includes('\x1b'), JSON.stringify(hostile.stdout));
  });
});
