/**
 * Issue 16's second held-out fixture, written blind: its author had not read the classifier's
 * rules (src/owners/), its explanations or its README table, only the two other fixtures' builder
 * API and their paths, to cover other cases. Same builder, formats and core makers
 * (test/helpers/kinds-fixture.ts), same result shape (HeldoutFixture), scored the same way.
 *
 * Hosts the other fixtures miss: a mail server (Postfix and Exim queues and logs, Maildir with
 * Dovecot's index files, amavis), CI runners (GitLab Runner's cache, Jenkins' ThinBackup, its git
 * caches and durable-task temp dirs, a GitHub Actions runner's _work/_tool, _temp and _diag),
 * Kubernetes nodes (kubelet's pod logs, k3s' containerd log, the API server's audit log, RKE2/k3s
 * etcd snapshots, containerd's ingest, Velero's backups kept in MinIO), databases (mydumper,
 * mongodump --archive, Percona Backup for MongoDB, barman, SQL Server's .bak, Cassandra's
 * snapshots and incremental backups as hard links of live sstables, Redis, Elasticsearch,
 * ZooKeeper and etcd data), web hosting (cPanel and Plesk backups and logs, Duplicator, BackWPup,
 * WP Super Cache, W3 Total Cache, Laravel, Symfony, Drupal), desktops (snap and Flatpak browsers'
 * caches, Steam, Electron apps, the pre-XDG ~/.fontconfig), developers' caches (ivy, nvm, Terraform's
 * plugin cache, bun, pub, Android, minikube, kubectl, ruff with its CACHEDIR.TAG, Vite, Turborepo),
 * backup tools' layouts (BackupPC 4, UrBackup, Duplicati, Proxmox Backup Server, ReaR, bup, Déjà Dup,
 * restic and borg repositories under names that say nothing, a git bundle, a docker volume's tar),
 * admins' copies (.orig, .rpmsave, .rpmorig, Emacs' numbered .~N~, .OLD, dated), logrotate's
 * variants (dateext -%Y%m%d on RHEL, olddir, a dateformat with %s), syslog-ng and rsyslog per-host
 * logs, auditd's plain numbered rotation, Apache, Plesk and cPanel per-vhost logs (some with no
 * extension), Samba's per-client logs, nohup.out, real core dumps the kernel wrote under other
 * names (core.PID in a cwd, core in MySQL's datadir, core.%e.%p.%h.%t, abrt's problem dir, a
 * container's layer, valgrind's vgcore.PID, systemd-coredump's escaped name), temp files of editors
 * (JetBrains' safe write, GIO's .goutputstream), Office's ~$ owner files, aria2, Steam, rpm, nginx,
 * PostgreSQL and MySQL; trash under .Trash-UID on other volumes, KDE's metadata, Windows'
 * $RECYCLE.BIN. Decoys: source named backup.c, log.go, cache.go, a `logs` package in a git work
 * tree, a program named `cache`, backup scripts and units, test fixtures named like logs and a real
 * ELF core kept as a crash tool's test data, Drupal's `core/`, plugins' code named backup and cache,
 * databases' own commit logs and snapshots, queued mail, installed Flatpaks and games, and package
 * files in fake dpkg lists (one listed under a merged-/usr alias).
 *
 * No path of it is a path of the tuned or the first held-out fixture (test/kinds-heldout2.test.ts).
 *
 * Present but not scored (`unscored`): see each one's reason (they all say what operators would
 * disagree on). Left out altogether: Synology's #recycle, snapper, Dropbox's .dropbox.cache, emptyDir
 * volumes, Vagrant boxes, icon-theme.cache and other generated files below /usr.
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { Builder, NOW, cachedirTag, crc32, startTree, clf, day, journal, mysqlDump, syslogTime, tar, zip } from './kinds-fixture.js';
import { epoch, placeCores, squeezer, unscored, type HeldoutFixture, type Squeeze } from './kinds-heldout.js';

/** an ELF header of a shared object or program (e_type 3 or 2), then noise: not a core */
const elf = (b: Builder, n: number, type = 3) => Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, type, 0]), b.bytes(n)]);
/** a uuid made of the builder's hex */
const uuid = (b: Builder) => `${b.hex(8)}-${b.hex(4)}-4${b.hex(3)}-a${b.hex(3)}-${b.hex(12)}`;
/** RFC 3164's timestamp (rsyslog's traditional format, RHEL's /var/log/messages) */
const bsd = (t: number) => {
  const d = new Date(t);
  return `${['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${d.toISOString().slice(11, 19)}`;
};

/**
 * Build the second held-out tree under `dir/root` (dir must exist and hold no `root`): about 250
 * labelled regular files of bytes to a few KiB (core dumps: the kernel's, a few hundred KiB each),
 * mtimes in 2026-11-14 ... 24, a few hard links, the dpkg lists in root/var/lib/dpkg/info,
 * merged-/usr symlinks. Needs sh, sleep (the kernel's cores, else gdb's gcore, else none: said in
 * `notes`), zstd (else stored plain, said in `notes`).
 */
export async function buildHeldout2Fixture(dir: string): Promise<HeldoutFixture> {
  const t0 = performance.now();
  const { root, b, infoDir } = startTree(dir, 2612);
  const notes: string[] = [];
  const u = new Map<string, string>();
  const z = squeezer(notes);

  backups(b, u, z);
  logs(b, u);
  caches(b, u, z);
  const core = await coreDumps(b, u, notes, z);
  temp(b, u);
  trash(b, u);
  decoys(b, u, core.testCore);
  b.writeLists(infoDir);
  b.stamp();
  return { root, infoDir, labels: b.labels, reasons: b.reasons, owned: b.owned, cores: core.cores, coreMade: core.made, notes, hardLinked: b.hardLinked, buildMs: performance.now() - t0, unscored: u };
}

function backups(b: Builder, u: Map<string, string>, z: Squeeze): void {
  const B = 'backups';
  // BackupPC 4 (TopDir /var/lib/backuppc): the compressed pool cpool/XX/YY/MD5 (XX, YY the digest's first bytes & 0xfe), a backup's attrib files, the host's backups list
  const md5 = b.hex(32);
  const lvl = (h: string) => (parseInt(h, 16) & 0xfe).toString(16).padStart(2, '0');
  b.file(`/var/lib/backuppc/cpool/${lvl(md5.slice(0, 2))}/${lvl(md5.slice(2, 4))}/${md5}`, B, "BackupPC 4's compressed pool: a file's contents (cpool/XX/YY/DIGEST, zlib)", zlib.deflateSync(b.text(3000, (i) => `line ${i} of /etc/ssl/openssl.cnf`)), day(22, 1));
  b.file('/var/lib/backuppc/pc/web1/backups', B, "BackupPC: the host's list of backups (pc/HOST/backups)", [56, 57].map((n) => `${n}\t${n === 56 ? 'full' : 'incr'}\t${epoch(n - 35, 1)}\t${epoch(n - 35, 1, 20)}\t1543\t98765432\t12\t4567\t0\t0\t0\t0\t0\t0\t0\t0\t${n === 56 ? 0 : 1}\t3\t0\t0\t4.4.0`).join('\n') + '\n', day(22, 1, 20));
  unscored(b, u, '/var/lib/backuppc/pc/web1/XferLOG.57.z', "BackupPC's transfer log of backup 57 (expired with it): a log, or part of that backup?", zlib.deflateSync(b.text(2000, (i) => `  create   644   0/0   ${i * 37} etc/f${i}`)), day(22, 1, 20));

  // UrBackup server (backupfolder /media/backup/urbackup): CLIENT/YYMMDD-HHMM/ file backups with .hashes, image backups Image_VOL_YYMMDD-HHMM.vhdz
  const ub = '/media/backup/urbackup/laptop';
  b.file(`${ub}/261122-0300/Documents/report.odt`, B, "UrBackup: a file of a client's file backup (CLIENT/YYMMDD-HHMM/...)", zip([['content.xml', b.text(2000, (i) => `<text:p>${i}</text:p>`)]]), day(20, 11));
  b.file(`${ub}/Image_C_261120-0300.vhdz`, B, "UrBackup: an image backup of the client's C: volume (.vhdz)", b.bytes(4000), day(20, 3, 40));

  // Duplicati to a local folder: duplicati-TIME.dlist.zip.aes, duplicati-bID.dblock.zip.aes, duplicati-iID.dindex.zip.aes (AES Crypt, "AES\x02\0")
  const aes = (n: number) => Buffer.concat([Buffer.from('AES\x02\x00', 'latin1'), Buffer.from([0, 0x18]), Buffer.from('CREATED_BY\0Duplicati', 'latin1'), b.bytes(n)]);
  const dq = '/mnt/usb/duplicati';
  b.file(`${dq}/duplicati-20261122T030000Z.dlist.zip.aes`, B, "Duplicati: a backup version's file list (.dlist.zip.aes)", aes(900), day(22, 3, 5));
  b.file(`${dq}/duplicati-b${b.hex(32)}.dblock.zip.aes`, B, 'Duplicati: a block volume (.dblock.zip.aes)', aes(3800), day(22, 3, 5));
  unscored(b, u, '/root/.config/Duplicati/RVNIQKDTPA.sqlite', "Duplicati's local database of a backup job (Repair rebuilds it from the remote, slowly): a cache, or part of the backup?", Buffer.concat([Buffer.from('SQLite format 3\0'), b.bytes(3000)]), day(22, 3, 5));

  // Proxmox Backup Server datastore: .chunks/XXXX/SHA256 (blobs), TYPE/ID/TIME/ (index.json.blob, *.fidx, *.conf.blob, client.log.blob)
  const blob = (data: Buffer, compressed: boolean) => {
    const crc = Buffer.alloc(4);
    crc.writeUInt32LE(crc32(data));
    return Buffer.concat([Buffer.from(compressed ? [49, 185, 88, 66, 111, 182, 163, 127] : [66, 171, 56, 7, 190, 131, 112, 161]), crc, data]);
  };
  const pbs = '/mnt/datastore/store1';
  const chunk = b.hex(64);
  b.file(`${pbs}/.chunks/${chunk.slice(0, 4)}/${chunk}`, B, 'Proxmox Backup Server: a chunk of the datastore (.chunks/XXXX/SHA256)', blob(z('zstd', b.bytes(3500), 'PBS chunks'), true), day(22, 3, 8));
  const snap = `${pbs}/vm/100/2026-11-22T03:00:01Z`;
  b.file(`${snap}/index.json.blob`, B, "Proxmox Backup Server: a snapshot's manifest (index.json.blob)", blob(Buffer.from(JSON.stringify({ 'backup-type': 'vm', 'backup-id': '100', 'backup-time': epoch(22, 3, 0, 1), files: [{ filename: 'drive-scsi0.img.fidx', crypt_mode: 'none', size: 34359738368, csum: b.hex(64) }] })), false), day(22, 3, 8));
  const fidx = Buffer.alloc(4096 + 64);
  Buffer.from([47, 127, 65, 237, 145, 253, 15, 205]).copy(fidx, 0);
  b.bytes(16).copy(fidx, 8);
  fidx.writeBigInt64LE(BigInt(epoch(22, 3, 0, 1)), 24);
  Buffer.from(chunk, 'hex').copy(fidx, 4096);
  b.file(`${snap}/drive-scsi0.img.fidx`, B, "Proxmox Backup Server: a VM disk's fixed index (.fidx)", fidx, day(22, 3, 8));
  b.file(`${snap}/client.log.blob`, B, "Proxmox Backup Server: the client's log stored in the snapshot as a blob (pruned with it)", blob(Buffer.from(b.text(600, (i) => `INFO: backup chunk ${i}`)), false), day(22, 3, 8));

  // ReaR (Relax-and-Recover) with OUTPUT=ISO BACKUP=NETFS: backup.tar.gz and the rescue ISO in NETFS_URL/HOSTNAME/
  const rear = '/srv/rear/web1';
  b.file(`${rear}/backup.tar.gz`, B, "ReaR's NETFS backup of the system (HOSTNAME/backup.tar.gz)", zlib.gzipSync(tar([['etc/hostname', 'web1\n'], ['etc/fstab', b.text(600, (i) => `UUID=${b.hex(8)} /d${i} xfs defaults 0 0`)]], day(21))), day(21, 2, 30));
  const iso = Buffer.alloc(0x8800);
  iso.write('\x01CD001\x01', 0x8000, 'latin1');
  iso.write('RELAXRECOVER', 0x8028, 'latin1');
  b.file(`${rear}/rear-web1.iso`, B, "ReaR's rescue image, kept with its backup (ISO 9660: CD001)", iso, day(21, 2, 30));
  unscored(b, u, `${rear}/rear-web1.log`, "ReaR's log of the run that made the backup beside it: a log, or part of the backup set?", b.text(900, (i) => `2026-11-21 02:2${i % 10}:00.000 Including output/ISO/Linux-i386/${i}_create_iso_image.sh`), day(21, 2, 30));

  // barman (barman_home /var/lib/barman): SERVER/base/BACKUP_ID/{backup.info,data/...}, SERVER/wals/TIMELINE+LOG/SEGMENT
  const bm = '/var/lib/barman/pg1';
  b.file(`${bm}/base/20261122T030001/backup.info`, B, "barman: a base backup's info", `backup_id=20261122T030001\nbackup_label='START WAL LOCATION: 0/9000028 (file 000000010000000000000009)'\nbegin_time=2026-11-22 03:00:01.123456+00:00\nstatus=DONE\nversion=150005\n`, day(22, 3, 6));
  b.file(`${bm}/wals/0000000100000000/00000001000000000000000A.gz`, B, "barman: an archived WAL segment (wals/, gzip)", zlib.gzipSync(b.bytes(3000)), day(22, 9));

  // mydumper's output directory (export-YYYYMMDD-HHMMSS): metadata, DB-schema-create.sql, DB.TABLE-schema.sql, DB.TABLE.NNNNN.sql.zst
  const md = '/srv/mydumper/export-20261122-030001';
  b.file(`${md}/metadata`, B, "mydumper: the dump's metadata (binlog position)", 'Started dump at: 2026-11-22 03:00:01\nSHOW MASTER STATUS:\n\tLog: mysql-bin.000123\n\tPos: 45678\n\tGTID:\n\nFinished dump at: 2026-11-22 03:00:09\n', day(22, 3, 0, 9));
  b.file(`${md}/shop.orders-schema.sql`, B, "mydumper: a table's schema", '/*!40101 SET NAMES binary*/;\n/*!40014 SET FOREIGN_KEY_CHECKS=0*/;\n\nCREATE TABLE `orders` (\n  `id` int NOT NULL AUTO_INCREMENT,\n  `total` decimal(10,2) DEFAULT NULL,\n  PRIMARY KEY (`id`)\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;\n', day(22, 3, 0, 9));
  b.file(`${md}/shop.orders.00000.sql.zst`, B, "mydumper: a table's rows (--compress, zstd)", z('zstd', mysqlDump(b, 'shop', 40), "mydumper's rows"), day(22, 3, 0, 9));

  // mongodump --archive --gzip (one stream; magic 0x8199e26d inside the gzip); Percona Backup for MongoDB on a filesystem storage
  const marchive = () => Buffer.concat([Buffer.from([0x6d, 0xe2, 0x99, 0x81]), b.bytes(2500)]);
  b.file('/data/mongo-archives/shop-20261122.archive.gz', B, 'mongodump --archive --gzip, nightly', zlib.gzipSync(marchive()), day(22, 1, 30));
  b.file('/data/pbm/2026-11-22T03:00:01Z.pbm.json', B, "Percona Backup for MongoDB: a backup's metadata (NAME.pbm.json)", JSON.stringify({ name: '2026-11-22T03:00:01Z', type: 'logical', compression: 's2', status: 'done', replsets: [{ name: 'rs0' }] }), day(22, 3, 5));
  b.file('/data/pbm/2026-11-22T03:00:01Z/rs0/shop.orders.s2', B, 'Percona Backup for MongoDB: a collection of the backup (s2-compressed)', b.bytes(2800), day(22, 3, 5));

  // cPanel: the backup system (/backup/DATE/accounts/USER.tar.gz, weekly/), a user's own full backup in the home
  b.file('/backup/2026-11-22/accounts/alice.tar.gz', B, "cPanel's daily account backup (/backup/DATE/accounts/USER.tar.gz)", zlib.gzipSync(tar([['alice/homedir/public_html/index.php', '<?php echo "hi";\n'], ['alice/mysql/alice_wp.sql', mysqlDump(b, 'alice_wp', 15)]], day(22))), day(22, 2, 15));
  b.file('/home/carol/backup-11.22.2026_03-00-01_carol.tar.gz', B, "cPanel: a user's full backup in the home (backup-MM.DD.YYYY_HH-MM-SS_USER.tar.gz)", zlib.gzipSync(tar([['carol/homedir/.bashrc', 'alias ll="ls -l"\n']], day(22))), day(22, 3, 1));
  // Plesk's server repository (/var/lib/psa/dumps): backup_info_YYMMDDHHMM.xml and the objects' parts
  b.file('/var/lib/psa/dumps/clients/alice/domains/example.com/backup_user-data_2611220300.tzst', B, "Plesk's backup: a domain's files (backup_user-data_YYMMDDHHMM.tzst)", z('zstd', tar([['httpdocs/index.html', b.text(1500, (i) => `<p>${i}</p>`)]], day(22)), "Plesk's parts"), day(22, 3, 20));

  // WordPress: Duplicator's package (wp-content/backups-dup-lite: NAME_HASH_TIME_archive.zip and _installer.php), BackWPup's archive
  const dup = '/var/www/shop/wp-content/backups-dup-lite/shop_a1b2c3d4e5f60718_20261122030001';
  b.file(`${dup}_archive.zip`, B, "Duplicator's package: the site's archive (backups-dup-lite/..._archive.zip)", zip([['wp-config.php', b.text(1500, (i) => `define('K${i}', '${b.hex(16)}');`)], ['dup-installer/dup-database__a1b2c3d4e5-22030001.sql', mysqlDump(b, 'shop_wp', 10)]]), day(22, 3, 2));
  b.file(`${dup}_installer.php`, B, "Duplicator's package: its installer, kept with the archive to restore it", b.text(2500, (i) => `<?php /* DUPLICATOR-LITE installer ${i} */`), day(22, 3, 2));
  b.file('/var/www/shop/wp-content/uploads/backwpup-ab12cd-backups/backwpup_ab12cd_2026-11-21_03-00-01.tar.gz', B, "BackWPup's archive (uploads/backwpup-HASH-backups/)", zlib.gzipSync(tar([['manifest.json', '{"blog_info":{"name":"Shop"}}']], day(21))), day(21, 3, 5));

  // gitea dump; Jenkins' ThinBackup (FULL-DATE and DIFF-DATE directories); RKE2 and k3s etcd snapshots; Velero's backup in a local MinIO
  b.file(`/home/git/gitea-dump-${epoch(22, 4)}.zip`, B, "`gitea dump` output (gitea-dump-EPOCH.zip)", zip([['app.ini', '[server]\nDOMAIN = git.example.com\n'], ['gitea-db.sql', b.text(2000, (i) => `INSERT INTO repository VALUES (${i});`)]]), day(22, 4, 2));
  b.file('/var/lib/jenkins-backup/FULL-2026-11-22_03-00/config.xml', B, "Jenkins ThinBackup: a full backup's copy of config.xml (FULL-DATE)", `<?xml version='1.1' encoding='UTF-8'?>\n<hudson><version>2.426.1</version><numExecutors>2</numExecutors></hudson>\n`, day(22, 3, 1));
  const bolt = (n: number) => Buffer.concat([b.bytes(16), Buffer.from([0xed, 0xda, 0x0c, 0xed]), b.bytes(n)]);
  b.file(`/var/lib/rancher/rke2/server/db/snapshots/etcd-snapshot-node1-${epoch(22, 0)}`, B, "RKE2's scheduled etcd snapshot (server/db/snapshots/etcd-snapshot-NODE-EPOCH)", bolt(3000), day(22, 0, 1));
  b.file(`/var/lib/rancher/k3s/server/db/snapshots/on-demand-node1-${epoch(23, 10)}`, B, "k3s' on-demand etcd snapshot (k3s etcd-snapshot save)", bolt(3100), day(23, 10, 1));
  b.file('/data/minio/velero/backups/nightly-20261122030000/nightly-20261122030000.tar.gz/xl.meta', B, "Velero's backup of the cluster, an object MinIO keeps as DIR/xl.meta (data inline)", Buffer.concat([Buffer.from('XL2 \x01\x00\x03\x00', 'latin1'), b.bytes(3000)]), day(22, 3, 1));

  // restic and borg repositories whose names say nothing (a USB disk mounted at /mnt/t7, /srv/repos)
  const rr = '/mnt/t7/web1';
  b.file(`${rr}/config`, B, 'restic repository (an unhinting name): its config', b.bytes(155), day(14, 2));
  b.file(`${rr}/keys/${b.hex(64)}`, B, 'restic repository: a key', JSON.stringify({ created: '2026-11-14T02:00:00Z', username: 'root', hostname: 'web1', kdf: 'scrypt', N: 32768, r: 8, p: 6, salt: b.bytes(64).toString('base64'), data: b.bytes(160).toString('base64') }), day(14, 2));
  const rid = b.hex(64);
  b.file(`${rr}/data/${rid.slice(0, 2)}/${rid}`, B, 'restic repository: a pack', b.bytes(3300), day(22, 2));
  const bg = '/srv/repos/web1';
  b.file(`${bg}/README`, B, 'borg repository (an unhinting name): its README', 'This is a Borg Backup repository.\nSee https://borgbackup.readthedocs.io/\n', day(15));
  b.file(`${bg}/config`, B, 'borg repository: its config', `[repository]\nversion = 1\nsegments_per_dir = 1000\nmax_segment_size = 524288000\nappend_only = 0\nstorage_quota = 0\nadditional_free_space = 0\nid = ${b.hex(64)}\n`, day(15));
  b.file(`${bg}/data/0/5`, B, 'borg repository: a segment', Buffer.concat([Buffer.from('BORG_SEG'), b.bytes(3400)]), day(22, 1));

  // bup (BUP_DIR /srv/bup: a git repository of packs and midx), Déjà Dup on a USB disk (duplicity, unencrypted), a git bundle, a docker volume's tar
  const bupPack = b.hex(40);
  b.file(`/srv/bup/objects/pack/pack-${bupPack}.pack`, B, "bup's repository: a pack of saved data (BUP_DIR/objects/pack)", Buffer.concat([Buffer.from('PACK\0\0\0\x02', 'latin1'), b.bytes(3600)]), day(22, 2));
  b.file(`/srv/bup/objects/pack/midx-${b.hex(40)}.midx`, B, "bup's repository: its multi-index (.midx, bup's own)", Buffer.concat([Buffer.from('MIDX\0\0\0\x04', 'latin1'), b.bytes(1200)]), day(22, 2));
  const dd = '/media/alice/BACKUP/deja-dup/laptop';
  b.file(`${dd}/duplicity-full.20261120T090000Z.vol1.difftar.gz`, B, "Déjà Dup's backup on a USB disk (duplicity, unencrypted): a full volume", zlib.gzipSync(tar([['snapshot/home/alice/notes.txt', b.text(2000, (i) => `note ${i}`)]], day(20))), day(20, 9, 10));
  b.file('/srv/git-backups/infra-2026-11-22.bundle', B, '`git bundle create --all`, nightly (a dated git bundle)', Buffer.concat([Buffer.from(`# v2 git bundle\n${b.hex(40)} refs/heads/main\n\n`), Buffer.from('PACK\0\0\0\x02', 'latin1'), b.bytes(2500)]), day(22, 4));
  b.file('/root/backup.tar', B, "a docker volume's backup as Docker's docs make it (docker run -v $(pwd):/backup ... tar cvf /backup/backup.tar /data)", tar([['data/PG_VERSION', '15\n'], ['data/global/pg_control', b.bytes(1200)]], day(19)), day(19, 17));
  // SQL Server on Linux: BACKUP DATABASE ... TO DISK in its default directory (Microsoft Tape Format: "TAPE")
  b.file('/var/opt/mssql/data/Shop_20261122.bak', B, "SQL Server's BACKUP DATABASE file (.bak, MTF: starts TAPE)", Buffer.concat([Buffer.from('TAPE', 'latin1'), b.bytes(3800)]), day(22, 2, 10));
  // Cassandra: nodetool snapshot and incremental_backups are hard links of live sstables (the live one is the table's data)
  const cas = `/var/lib/cassandra/data/shop/orders-${b.hex(32)}`;
  b.file(`${cas}/nb-1-big-Data.db`, null, "Cassandra's live sstable: the table's data", b.bytes(3500), day(20, 4));
  for (const [p, why] of [[`${cas}/snapshots/${day(22, 4)}/nb-1-big-Data.db`, 'Cassandra: nodetool snapshot (a hard link of the sstable, kept until clearsnapshot)'], [`${cas}/backups/nb-1-big-Data.db`, "Cassandra's incremental backup (incremental_backups: backups/, a hard link)"]] as const) {
    b.dir(path.dirname(p));
    fs.linkSync(b.abs(`${cas}/nb-1-big-Data.db`), b.abs(p));
    b.label(p, B, why);
  }
  b.hardLinked.push([`${cas}/nb-1-big-Data.db`, `${cas}/snapshots/${day(22, 4)}/nb-1-big-Data.db`, `${cas}/backups/nb-1-big-Data.db`]);

  // admins' copies, RHEL's rpm leftovers, Emacs' numbered backups (also `cp --backup=numbered`)
  b.file('/etc/httpd/conf/httpd.conf.orig', B, 'a copy of the original before an edit (.orig)', b.text(2500, (i) => `#Directive${i} On`), day(14, 10));
  b.file('/etc/httpd/conf/httpd.conf', null, 'the live config (its .orig beside it is the copy)', b.text(2600, (i) => `Directive${i} On`));
  b.file('/etc/my.cnf.rpmsave', B, "rpm saved the admin's modified conffile when the package went (.rpmsave)", b.text(600, (i) => `innodb_opt${i}=1`), day(16, 9));
  b.file('/etc/yum.repos.d/epel.repo.rpmorig', B, 'rpm kept the file it found before installing its own (.rpmorig)', '[epel]\nname=EPEL\nbaseurl=http://mirror.example.com/epel/9/\nenabled=1\n', day(15, 9));
  unscored(b, u, '/etc/ssh/sshd_config.rpmnew', "rpm's new conffile, not installed (.rpmnew): a backup, or the vendor's default waiting to be merged?", b.text(3000, (i) => `#Option${i} yes`), day(16, 9));
  for (const n of [1, 2]) b.file(`/home/alice/thesis/chapter1.tex.~${n}~`, B, "Emacs' numbered backup (version-control t: NAME.~N~)", b.text(2500 + n * 100, (i) => `\\section{Part ${i}}`), day(18 + n, 16));
  b.file('/home/alice/thesis/chapter1.tex', null, 'the document (its .~N~ beside it are the backups)', b.text(2800, (i) => `\\section{Part ${i}}`));
  b.file('/opt/app/bin/server.OLD', B, 'the previous binary kept by hand before an upgrade (.OLD)', elf(b, 3500, 2), day(17, 12));
  b.file('/root/crontab-backup-2026-11-20.txt', B, '`crontab -l > crontab-backup-DATE.txt` before an edit', b.text(400, (i) => `${i % 60} 3 * * * /usr/local/sbin/job${i}`), day(20, 10));
  b.file('/etc/postgresql/15/main/pg_hba.conf.2026-11-21', B, 'a dated copy (NAME.YYYY-MM-DD) before an edit', b.text(900, (i) => `host all all 10.0.${i}.0/24 scram-sha-256`), day(21, 10));
}

function logs(b: Builder, u: Map<string, string>): void {
  const L = 'logs';
  const mail = (t: number) => (i: number) => `${syslogTime(t + i * 45_000)} mx1 postfix/smtp[${3000 + i}]: ${b.hex(10).toUpperCase()}: to=<user${i}@example.org>, relay=mx.example.org[203.0.113.${i % 250}]:25, delay=0.4, status=sent (250 2.0.0 Ok)`;
  const vl = (n: string, why: string, data: Buffer | string, t = NOW) => b.file(`/var/log/${n}`, L, why, data, t);
  // a mail server: Postfix via rsyslog (mail.log), Exim's own logs (mainlog, no extension; rotated by exicyclog/logrotate)
  vl('mail.log', "Postfix's log (rsyslog's mail.log)", b.text(2500, mail(day(24, 0))));
  vl('mail.log.1', 'mail.log rotated (delaycompress)', b.text(2500, mail(day(23, 0))), day(24, 0));
  const exim = (t: number) => (i: number) => `${new Date(t + i * 30_000).toISOString().slice(0, 19).replace('T', ' ')} 1t${b.hex(4)}-000${b.hex(3)}-${b.hex(2)} <= user${i}@example.com H=(mail.example.com) [198.51.100.${i % 250}] P=esmtps S=${b.int(900, 9000)}`;
  vl('exim4/mainlog', "Exim's main log (no extension)", b.text(2500, exim(day(24, 0))));
  vl('exim4/mainlog.2.gz', "Exim's main log rotated and compressed", zlib.gzipSync(b.text(2500, exim(day(22, 0)))), day(23, 0));
  // RHEL: rsyslog's /var/log/messages and secure, logrotate's dateext (-%Y%m%d), no compression
  const msg = (t: number) => (i: number) => `${bsd(t + i * 50_000)} db1 systemd[1]: Started dnf-makecache.service - dnf makecache ${i}.`;
  vl('messages', "RHEL's live /var/log/messages", b.text(2500, msg(day(24, 0))));
  vl('messages-20261122', 'messages rotated with dateext (RHEL: NAME-YYYYMMDD, no compression)', b.text(2500, msg(day(21, 0))), day(22, 3));
  // logrotate's olddir, a dateformat with %s, syslog-ng's and rsyslog's per-host trees on a log server
  const acc = (t: number) => (i: number) => `10.2.${i % 4}.${i % 250} - - [${clf(t + i * 8000)}] "GET /shop/cart?id=${i % 70} HTTP/2.0" 200 ${b.int(200, 9000)} "-" "Mozilla/5.0"`;
  vl('archive/nginx/access.log-20261120.gz', "nginx's log moved by logrotate's olddir (/var/log/archive)", zlib.gzipSync(b.text(2500, acc(day(19, 0)))), day(20, 0));
  vl('haproxy.log', "HAProxy's log", b.text(1800, (i) => `${syslogTime(day(24) + i * 9000)} lb1 haproxy[900]: 10.0.0.${i % 250}:4${i} [24/Nov/2026:06:00:0${i % 10}.123] fe be/s${i % 3} 0/0/1/2/3 200 512 - - ---- 1/1/0/0/0 0/0 "GET / HTTP/1.1"`));
  vl(`haproxy.log-2026-11-22-${epoch(22, 0)}.gz`, 'haproxy.log rotated with dateformat -%Y-%m-%d-%s', zlib.gzipSync(b.text(1800, (i) => `${syslogTime(day(21) + i * 9000)} lb1 haproxy[900]: 10.0.0.${i % 250} GET /`)), day(22, 0));
  vl('hosts/web2/2026/11/23/messages', "syslog-ng's per-host, per-day file on a log server (hosts/HOST/Y/M/D/messages)", b.text(2000, (i) => `${bsd(day(23) + i * 40_000)} web2 nginx[812]: worker ${i} started`), day(23, 23, 59));
  vl('remote/db1/sshd.log', "rsyslog's per-host, per-program file (remote/%HOSTNAME%/%PROGRAMNAME%.log)", b.text(1500, (i) => `${syslogTime(day(24) + i * 60_000)} db1 sshd[${6000 + i}]: Connection closed by 10.0.0.${i % 250} port ${40000 + i}`));
  // auditd: max_log_file_action = ROTATE (audit.log.1 ... plain, no .gz)
  const audit = (t: number) => (i: number) => `type=SYSCALL msg=audit(${Math.floor((t + i * 2000) / 1000)}.${String(i % 1000).padStart(3, '0')}:${9000 + i}): arch=c000003e syscall=59 success=yes exit=0 a0=55d5 items=2 ppid=${1000 + i} pid=${2000 + i} auid=1000 uid=0 comm="sudo" exe="/usr/bin/sudo" key="exec"`;
  vl('audit/audit.log', "auditd's live log", b.text(3000, audit(day(24, 0))));
  vl('audit/audit.log.1', "auditd's own rotation (audit.log.N, plain)", b.text(3000, audit(day(23, 0))), day(24, 0));
  // Apache's per-vhost logs (Debian), Plesk's and cPanel's
  vl('apache2/shop.example.com-access.log', "Apache's per-vhost access log", b.text(2500, acc(day(24, 0))));
  vl('apache2/shop.example.com-error.log', "Apache's per-vhost error log", b.text(500, (i) => `[Tue Nov 24 06:00:0${i % 10}.123456 2026] [proxy_fcgi:error] [pid ${i}] AH01071: Got error 'Primary script unknown'`));
  vl('apache2/other_vhosts_access.log.2.gz', "Apache's log of vhosts without their own, rotated and compressed", zlib.gzipSync(b.text(2000, (i) => `blog.example.com:443 ${acc(day(22))(i)}`)), day(23, 0));
  const pl = '/var/www/vhosts/system/example.com/logs';
  b.file(`${pl}/access_ssl_log`, L, "Plesk's per-domain HTTPS access log (no extension)", b.text(2000, acc(day(24, 1))));
  b.file(`${pl}/access_ssl_log.processed`, L, "Plesk's access log already counted by its statistics (.processed)", b.text(2000, acc(day(23, 1))), day(24, 0));
  b.file('/usr/local/apache/domlogs/example.com', L, "cPanel's per-domain access log (domlogs/DOMAIN: no extension)", b.text(2000, acc(day(24, 2))));
  b.file('/home/alice/logs/example.com-Nov-2026.gz', L, "cPanel's archived access log in the user's home (logs/DOMAIN-Mon-YYYY.gz)", zlib.gzipSync(b.text(2000, acc(day(20)))), day(23, 0));
  // Kubernetes: a static pod's logs (N.log, N.log.TIME before compression), k3s' containerd log, the API server's audit log (lumberjack)
  const pod = `/var/log/pods/kube-system_etcd-node1_${uuid(b)}/etcd`;
  const etcdLine = (t: number) => (i: number) => `${new Date(t + i * 5000).toISOString()} stderr F {"level":"info","ts":"2026-11-24T06:00:0${i % 10}Z","msg":"compacted revision ${70000 + i}"}`;
  b.file(`${pod}/3.log`, L, "kubelet's log of a static pod's container (N.log)", b.text(2500, etcdLine(day(24, 0))));
  b.file(`${pod}/2.log.20261122-101500`, L, "kubelet's rotation of a container log, not yet compressed (N.log.TIME)", b.text(2500, etcdLine(day(22, 0))), day(22, 10, 15));
  b.file('/var/lib/rancher/k3s/agent/containerd/containerd.log', L, "k3s' containerd log (outside /var/log)", b.text(1500, (i) => `time="2026-11-24T06:00:0${i % 10}Z" level=info msg="RemoveContainer for ${b.hex(12)}"`));
  b.file('/var/log/kubernetes/audit/audit-2026-11-22T03-00-00.000.log', L, "the API server's audit log rotated (--audit-log-maxbackup: NAME-TIME.log)", b.text(2500, (i) => JSON.stringify({ kind: 'Event', apiVersion: 'audit.k8s.io/v1', level: 'Metadata', auditID: uuid(b), stage: 'ResponseComplete', verb: i % 2 ? 'get' : 'list' })), day(22, 3));
  // CI: Jenkins' own log and its tasks' logs, a GitHub Actions runner's _diag
  vl('jenkins/jenkins.log', "Jenkins' log (Debian's /var/log/jenkins)", b.text(1800, (i) => `2026-11-24 06:00:0${i % 10}.123+0000 [id=${40 + i}]\tINFO\thudson.model.AsyncPeriodicWork#lambda$doRun$1: Finished Download metadata. ${i} ms`));
  b.file('/var/lib/jenkins/logs/tasks/Fingerprint cleanup.log', L, "Jenkins' log of a periodic task (JENKINS_HOME/logs/tasks)", b.text(400, (i) => `Started Fingerprint cleanup ${i}\nFinished Fingerprint cleanup. 12 ms`));
  b.file('/home/runner/actions-runner/_diag/Runner_20261122-030001-utc.log', L, "the GitHub Actions runner's diagnostic log (_diag/Runner_TIME-utc.log)", b.text(2000, (i) => `[2026-11-22 03:00:0${i % 10}Z INFO JobDispatcher] Job request ${i} received.`), day(22, 3, 30));
  // databases: MongoDB (logRotate: rename → mongod.log.TIME), Redis, Elasticsearch (JSON logs, unified GC logging gc.log.NN), barman, MySQL's binary logs in /var/log (unscored)
  const mongo = (t: number) => (i: number) => JSON.stringify({ t: { $date: new Date(t + i * 3000).toISOString() }, s: 'I', c: 'NETWORK', id: 22943, ctx: 'listener', msg: 'Connection accepted', attr: { remote: `10.0.0.${i % 250}:5${i}` } });
  vl('mongodb/mongod.log', "MongoDB's log", b.text(2500, mongo(day(24, 0))));
  vl('mongodb/mongod.log.2026-11-22T03-00-01', "MongoDB's log after logRotate (rename: NAME.TIME)", b.text(2500, mongo(day(21, 0))), day(22, 3));
  vl('redis/redis-server.log.1.gz', "Redis' log rotated and compressed", zlib.gzipSync(b.text(1500, (i) => `812:M 23 Nov 2026 06:00:0${i % 10}.123 * ${i} changes in 3600 seconds. Saving...`)), day(24, 0));
  vl('elasticsearch/prod_server.json', "Elasticsearch's server log (CLUSTER_server.json)", b.text(2200, (i) => JSON.stringify({ '@timestamp': new Date(day(24) + i * 4000).toISOString(), 'log.level': 'INFO', message: `[gc][${i}] overhead, spent [312ms] collecting in the last [1s]`, 'service.name': 'ES_ECS', 'elasticsearch.cluster.name': 'prod' })));
  vl('elasticsearch/gc.log.00', "the JVM's unified GC log rotated (-Xlog:gc*:file=gc.log:...:filecount=32: gc.log.NN)", b.text(2200, (i) => `[2026-11-23T06:00:0${i % 10}.123+0000][${1000 + i}][gc] GC(${i}) Pause Young (Normal) (G1 Evacuation Pause) 512M->128M(1024M) 4.321ms`), day(23, 18));
  vl('barman/barman.log', "barman's log", b.text(1200, (i) => `2026-11-24 06:0${i % 10}:01,123 [${7000 + i}] barman.wal_archiver INFO: Found ${i} xlog segments from file archival for pg1`));
  for (const n of ['mysql-bin.000123', 'mysql-bin.000124']) unscored(b, u, `/var/log/mysql/${n}`, "MySQL's binary log where Debian's my.cnf puts it (/var/log/mysql): a log, or the server's data (only PURGE BINARY LOGS may remove it)?", Buffer.concat([Buffer.from([0xfe, 0x62, 0x69, 0x6e]), b.bytes(3000)]), n.endsWith('3') ? day(22) : NOW);
  unscored(b, u, '/var/log/mysql/mysql-bin.index', "MySQL's binary log index in /var/log/mysql: a log's, or the server's data?", './mysql-bin.000123\n./mysql-bin.000124\n');
  unscored(b, u, '/var/log/lastlog', 'the last-login database (a sparse file, never rotated): in /var/log, but a log?', b.bytes(2920));
  // Samba's per-client and per-daemon logs (log.%m, log.smbd, .old when max log size is hit)
  const smb = (i: number) => `[2026/11/24 06:00:0${i % 10}.123456,  0] ../../source3/smbd/server.c:1741(main)\n  smbd version 4.17.12-Debian started.`;
  vl('samba/log.smbd', "Samba's smbd log (log.smbd)", b.text(1200, smb));
  vl('samba/log.smbd.old', "Samba's smbd log set aside at max log size (.old)", b.text(1200, smb), day(22, 8));
  vl('samba/log.alice-laptop', "Samba's per-client log (log file = log.%m)", b.text(800, (i) => `[2026/11/24 06:00:0${i % 10}.123456,  1] ../../source3/smbd/service.c:1123(make_connection_snum)\n  alice-laptop (ipv4:10.0.0.77:5${i}) connect to service projects`));
  // desktops, games, small servers
  vl('Xorg.0.log.old', "the previous X server's log (Xorg.0.log.old)", b.text(2000, (i) => `[    ${i}.123] (II) modeset(0): Modeline "1920x1080"x60.0`), day(22, 8));
  b.file('/home/alice/.local/share/Steam/logs/content_log.txt', L, "Steam's content log (logs/*.txt)", b.text(1500, (i) => `[2026-11-24 06:00:0${i % 10}] AppID 570 update started : download ${i}/${i + 10}`));
  b.file('/opt/minecraft/logs/latest.log', L, "a Minecraft server's live log", b.text(1800, (i) => `[06:00:0${i % 10}] [Server thread/INFO]: Player${i} joined the game`));
  b.file('/opt/minecraft/logs/2026-11-22-1.log.gz', L, "a Minecraft server's rotated log (DATE-N.log.gz)", zlib.gzipSync(b.text(1800, (i) => `[06:00:0${i % 10}] [Server thread/INFO]: Player${i} left the game`)), day(22, 23, 59));
  vl('letsencrypt/letsencrypt.log.3', "certbot's own rotation (keeps letsencrypt.log.N)", b.text(1500, (i) => `2026-11-20 03:00:0${i % 10},123:DEBUG:certbot._internal.main:certbot version: 2.1.0 ${i}`), day(20, 3));
  vl('btmp.1', 'failed login records (lastb), rotated monthly', b.bytes(384 * 4), day(1, 0));
  vl('squid/access.log.0', "Squid's access log rotated by squid -k rotate (access.log.0)", b.text(2000, (i) => `${epoch(23) + i}.123    ${i} 10.0.0.${i % 250} TCP_MISS/200 ${b.int(300, 9000)} GET http://deb.debian.org/debian/dists/${i} - HIER_DIRECT/151.101.2.132 text/html`), day(24, 0));
  vl('journal/remote/remote-web2.journal', "systemd-journal-remote's journal of another host", journal(b, b.hex(32), 4096, 1));
  b.file('/home/bob/jobs/nohup.out', L, "nohup's output file of a background job", b.text(1500, (i) => `epoch ${i}: loss=${(1 / (i + 1)).toFixed(4)}`), day(23, 20));
  b.file('/var/www/shop/wp-content/debug.log', L, "WordPress' debug log (WP_DEBUG_LOG: wp-content/debug.log)", b.text(1500, (i) => `[24-Nov-2026 06:00:0${i % 10} UTC] PHP Notice:  Undefined index: cart_${i} in /var/www/shop/wp-content/themes/shop/functions.php on line ${i}`));
  b.file('/var/www/crm/storage/logs/laravel.log', L, "Laravel's single log (storage/logs/laravel.log)", b.text(1500, (i) => `[2026-11-24 06:00:0${i % 10}] production.ERROR: SQLSTATE[HY000] [2002] Connection refused ${i}`));
  b.file('/home/bob/.gradle/daemon/8.5/daemon-48211.out.log', L, "a Gradle daemon's log (~/.gradle/daemon/VERSION/daemon-PID.out.log)", b.text(2000, (i) => `2026-11-23T10:00:0${i % 10}.123+0000 [DEBUG] [org.gradle.launcher.daemon.server.Daemon] Daemon ${i} idle`), day(23, 18));
  b.file('/home/alice/.config/Code/logs/20261122T090011/main.log', L, "VS Code's log of a session (Code/logs/TIME/main.log)", b.text(900, (i) => `2026-11-22 09:00:1${i % 10}.123 [info] update#setState idle ${i}`), day(22, 18));
  b.file('/opt/wildfly/standalone/log/server.log.2026-11-22', L, "WildFly's periodic rotation (server.log.DATE)", b.text(1800, (i) => `2026-11-22 06:00:0${i % 10},123 INFO  [org.jboss.as] (Controller Boot Thread) WFLYSRV0025: started in ${1000 + i}ms`), day(23, 0));
}

function caches(b: Builder, u: Map<string, string>, z: Squeeze): void {
  const C = 'caches';
  // browsers packaged as snaps and Flatpaks keep their caches in the app's own home
  b.file(`/home/alice/snap/chromium/common/.cache/chromium/Default/Cache/Cache_Data/f_0000${b.hex(2)}`, C, "Chromium's disk cache (snap: ~/snap/chromium/common/.cache)", b.bytes(2600));
  b.file(`/home/alice/snap/firefox/common/.cache/mozilla/firefox/k9p2m4x1.default/cache2/entries/${b.hex(40).toUpperCase()}`, C, "Firefox's disk cache (snap: ~/snap/firefox/common/.cache)", b.bytes(2400));
  b.file(`/home/bob/.var/app/org.mozilla.firefox/cache/mozilla/firefox/q7w8e9r0.default-release/cache2/entries/${b.hex(40).toUpperCase()}`, C, "Firefox's disk cache (Flatpak: ~/.var/app/ID/cache)", b.bytes(2300));
  // Steam: the app info cache, compiled shaders, depot manifests
  const st = '/home/alice/.local/share/Steam';
  b.file(`${st}/appcache/appinfo.vdf`, C, "Steam's app info cache (appcache/)", Buffer.concat([Buffer.from([0x29, 0x44, 0x56, 0x07]), b.bytes(3000)]));
  b.file(`${st}/steamapps/shadercache/570/fozpipelinesv6/steamapprun_pipeline_cache.foz`, C, "Steam's shader pre-caching (steamapps/shadercache)", Buffer.concat([Buffer.from('\x81FOSSILIZEDB', 'latin1'), b.bytes(2500)]));
  b.file(`${st}/depotcache/228988_${b.int(1e18, 9e18)}.manifest`, C, "Steam's cached depot manifests (depotcache/)", b.bytes(1500));
  // Electron apps' Chromium caches under ~/.config; fontconfig's pre-XDG per-user cache
  b.file(`/home/alice/.config/Slack/Cache/Cache_Data/f_0000${b.hex(2)}`, C, "Slack's (Electron) HTTP cache under ~/.config/Slack/Cache", b.bytes(2100));
  b.file('/home/alice/.config/discord/GPUCache/data_1', C, "Discord's (Electron) GPU shader cache (GPUCache)", b.bytes(2048));
  b.file(`/home/bob/.fontconfig/${b.hex(32)}-le64.cache-7`, C, "fontconfig's per-user cache in the pre-XDG place (~/.fontconfig)", b.bytes(1600));
  // developers' download caches outside ~/.cache
  b.file('/home/bob/.ivy2/cache/org.scala-lang/scala-library/jars/scala-library-2.13.12.jar', C, "Ivy's (sbt's) dependency cache (~/.ivy2/cache)", zip([['scala/Predef.class', b.bytes(1800)]]));
  b.file('/home/bob/.nvm/.cache/bin/node-v20.10.0-linux-x64/node-v20.10.0-linux-x64.tar.xz', C, "nvm's download cache (nvm cache clear)", z('xz', tar([['node-v20.10.0-linux-x64/bin/node', b.bytes(3000)]], day(10)), "nvm's tarball"));
  b.file('/home/bob/.terraform.d/plugin-cache/registry.terraform.io/hashicorp/aws/5.30.0/linux_amd64/terraform-provider-aws_v5.30.0_x5', C, "Terraform's provider plugin cache (plugin_cache_dir)", elf(b, 3800, 2));
  b.file('/home/bob/.pub-cache/hosted/pub.dev/http-1.1.0/lib/http.dart', C, "Dart's pub cache (~/.pub-cache: flutter pub cache clean)", b.text(2000, (i) => `// http.dart ${i}`));
  b.file(`/home/bob/.android/cache/sdkbin-1_${b.hex(8)}-repository2-3_xml`, C, "the Android SDK manager's download cache (~/.android/cache)", b.text(1500, (i) => `<remotePackage path="platforms;android-${i}"/>`));
  b.file('/home/bob/.minikube/cache/images/amd64/registry.k8s.io/pause_3.9', C, "minikube's image cache (~/.minikube/cache)", tar([['manifest.json', '[{"Config":"sha256:e6f1","RepoTags":["registry.k8s.io/pause:3.9"]}]']], day(10)));
  b.file('/home/bob/.kube/cache/discovery/10.0.0.1_6443/apps/v1/serverresources.json', C, "kubectl's discovery cache (~/.kube/cache)", JSON.stringify({ kind: 'APIResourceList', groupVersion: 'apps/v1', resources: [{ name: 'deployments', namespaced: true }] }));
  // projects' tool caches: ruff (writes a CACHEDIR.TAG), Vite's pre-bundled deps, Turborepo's local cache
  cachedirTag(b, '/srv/src/monitor/.ruff_cache', 'ruff');
  b.file(`/srv/src/monitor/.ruff_cache/0.1.6/${b.int(1e15, 9e15)}`, C, "ruff's cache (below its CACHEDIR.TAG)", b.bytes(900));
  b.file('/srv/web/shop-ui/node_modules/.vite/deps/react.js', C, "Vite's pre-bundled dependencies (node_modules/.vite)", b.text(2500, (i) => `var r${i} = ${i};`));
  b.file(`/srv/web/shop-ui/.turbo/cache/${b.hex(16)}.tar.zst`, C, "Turborepo's local cache (.turbo/cache)", z('zstd', tar([['apps/web/.next/BUILD_ID', b.hex(21)], ['.turbo/turbo-build.log', 'build ok\n']], day(23)), "Turborepo's cache"));
  // CI: GitLab Runner's local cache, Jenkins' git caches, a GitHub runner's tool cache
  b.file('/home/gitlab-runner/cache/shop/api/default-protected/cache.zip', C, "GitLab Runner's local cache of a project (cache/GROUP/PROJECT/KEY/cache.zip)", zip([['node_modules/.package-lock.json', '{"lockfileVersion":3}']]));
  b.file(`/var/lib/jenkins/caches/git-${b.hex(32)}/objects/pack/pack-${b.hex(40)}.pack`, C, "Jenkins' git cache for branch sources (JENKINS_HOME/caches/git-HASH)", Buffer.concat([Buffer.from('PACK\0\0\0\x02', 'latin1'), b.bytes(3000)]));
  b.file('/home/runner/actions-runner/_work/_tool/node/20.10.0/x64/bin/node', C, "the GitHub Actions runner's tool cache (_work/_tool, RUNNER_TOOL_CACHE)", elf(b, 3800, 2));
  // web: WordPress page caches, Laravel's and Symfony's compiled caches, Drupal's compiled Twig, nginx's proxy_cache, Squid's cache_dir, dnf's cache
  b.file('/var/www/shop/wp-content/cache/supercache/shop.example.com/index-https.html', C, 'WP Super Cache: a cached page (wp-content/cache/supercache)', `<!DOCTYPE html><html><body>${b.text(2000, (i) => `<p>${i}</p>`)}</body></html>\n<!-- Dynamic page generated in 0.312 seconds. -->\n<!-- Cached page generated by WP-Super-Cache on 2026-11-24 06:00:00 -->\n`);
  b.file('/var/www/blog2/wp-content/cache/page_enhanced/blog2.example.com/2026/11/hello/_index_slash_ssl.html', C, 'W3 Total Cache: a cached page (wp-content/cache/page_enhanced)', b.text(2000, (i) => `<p>${i}</p>`));
  b.file('/var/www/crm/bootstrap/cache/config.php', C, "Laravel's config cache (php artisan config:cache; config:clear removes it)", `<?php return array (\n${b.text(1500, (i) => `  'k${i}' => 'v${i}',`)});\n`);
  b.file('/srv/symfony/var/cache/prod/ContainerAbc123/App_KernelProdContainer.php', C, "Symfony's cache (var/cache/ENV: cache:clear)", b.text(2500, (i) => `    protected function get${i}() { return new \\stdClass(); }`));
  b.file(`/var/www/drupal/sites/default/files/php/twig/${b.hex(13)}_page.html.twig_${b.hex(8)}/${b.hex(43)}.php`, C, "Drupal's compiled Twig templates (files/php/twig: drush cr)", b.text(1500, (i) => `<?php /* page.html.twig ${i} */`));
  b.file('/data/nginx/cache/c/29/b7f54b2df7773722d382f4809d65029c', C, "nginx's proxy_cache (levels=1:2: the key's MD5, as nginx's docs show)", Buffer.concat([b.bytes(40), Buffer.from(`\nKEY: httpGETshop.example.com/\nHTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n${b.text(1500, (i) => `<p>${i}</p>`)}`)]));
  b.file('/var/spool/squid/00/00/00000001', C, "Squid's cache_dir (ufs: /var/spool/squid/00/00/NNNNNNNN)", b.bytes(2600));
  b.file('/var/spool/squid/swap.state', C, "Squid's cache_dir index (swap.state)", b.bytes(800));
  b.file(`/var/cache/dnf/baseos-${b.hex(16)}/repodata/${b.hex(64)}-primary.xml.zst`, C, "dnf's metadata cache (RHEL: /var/cache/dnf)", z('zstd', `<?xml version="1.0" encoding="UTF-8"?>\n<metadata packages="1">${b.text(2500, (i) => `<package type="rpm"><name>pkg${i}</name></package>`)}</metadata>\n`, "dnf's metadata"));
  // a mail store's cache file, Cassandra's saved caches, Windows' thumbnail cache on a Samba share
  b.file('/home/alice/Maildir/dovecot.index.cache', C, "Dovecot's cache file (dovecot.index.cache: rebuilt when removed)", b.bytes(2800));
  b.file('/var/lib/cassandra/saved_caches/KeyCache-f.db', C, "Cassandra's saved key cache (saved_caches/)", b.bytes(1800), day(24, 4));
  b.file('/srv/samba/photos/2026/Thumbs.db', C, "Windows Explorer's thumbnail cache written on a share (Thumbs.db)", Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), b.bytes(3000)]));
  unscored(b, u, '/etc/ld.so.cache', "ldconfig's cache of libraries: made again by ldconfig, but the loader's: a cache to clean?", Buffer.concat([Buffer.from('glibc-ld.so.cache1.1'), b.bytes(3000)]));
  unscored(b, u, '/home/bob/.cache/JetBrains/IntelliJIdea2024.2/log/idea.log', "IntelliJ's log kept in its cache directory: a log, or part of the cache?", b.text(1500, (i) => `2026-11-24 06:00:0${i % 10},123 [ ${i}]   INFO - #c.i.i.StartupUtil - JNU charset: UTF-8`));
  unscored(b, u, `/var/lib/containerd/io.containerd.content.v1.content/blobs/sha256/${b.hex(64)}`, "containerd's content store (pulled image layers, `crictl rmi --prune`): a cache, or the node's images?", zlib.gzipSync(tar([['usr/bin/app', b.text(1500, (i) => `${i}`)]], day(10))), day(18));
  unscored(b, u, '/var/cache/apt/archives/partial/libc6_2.36-9+deb12u4_amd64.deb', "apt's partial download: in apt's cache, but a download in progress: cache or temp?", Buffer.concat([Buffer.from('!<arch>\n'), b.bytes(1500)]), day(23, 6));
}

async function coreDumps(b: Builder, u: Map<string, string>, notes: string[], z: Squeeze): Promise<{ cores: string[]; made: 'kernel' | 'gcore' | null; testCore: Buffer | null }> {
  const D = 'core dumps';
  const cores: string[] = [];
  let bytes: Buffer | null = null;
  // the kernel's core (core_pattern here writes into the cwd), renamed as other patterns and tools name them: the bytes stay the kernel's
  const named: [dir: string, name: (pid: number) => string, why: string][] = [
    ['/opt/jboss/bin', (pid) => `core.${pid}`, "the kernel's core.PID (core_uses_pid=1, RHEL's default) in the crashed server's cwd"],
    ['/var/lib/mysql', () => 'core', "mysqld's core (--core-file) in its datadir"],
    ['/var/coredumps', (pid) => `core.sleep.${pid}.web1.${epoch(22, 14)}`, 'core_pattern /var/coredumps/core.%e.%p.%h.%t'],
    [`/var/spool/abrt/ccpp-2026-11-22-14:03:11.482913-PID`, () => 'coredump', "abrt's problem directory (RHEL: /var/spool/abrt/ccpp-DATE-PID/coredump)"],
    [`/var/lib/docker/overlay2/${b.hex(64)}/diff/app`, () => 'core', "a container's process dumped core into its cwd: the file is in the container's writable layer"],
    ['/home/bob/src/engine', (pid) => `vgcore.${pid}`, "valgrind's core of the program it ran (vgcore.PID)"],
  ];
  const placed = await placeCores(b, named.map(([d, name]) => (pid) => `${d.replace('PID', String(pid))}/${name(pid)}`));
  const made = placed.made;
  for (const [k, p] of placed.paths.entries()) {
    if (p === null) continue;
    b.label(p, D, `a core dump ${made === 'kernel' ? 'the kernel wrote' : "gdb's gcore wrote"} (ELF, ET_CORE): ${named[k][2]}`);
    cores.push(p);
    bytes ??= fs.readFileSync(b.abs(p));
    if (p.startsWith('/var/spool/abrt/')) {
      const d = path.posix.dirname(p);
      b.file(`${d}/reason`, D, "abrt's problem directory: why it crashed (removed with the dump: abrt-cli rm)", 'sleep killed by SIGABRT\n', day(22, 14, 3));
      b.file(`${d}/cmdline`, D, "abrt's problem directory: the crashed command line", 'sleep 30\n', day(22, 14, 3));
    }
  }
  if (!made) notes.push('no core dump: core_pattern pipes or names another directory, or ulimit -c is 0, and gcore is missing or failed; the raw cores are left out');
  if (bytes) {
    // systemd-coredump escapes the comm's '.' (coredump.c: core.COMM.UID.BOOTID.PID.USEC.zst)
    b.file(`/var/lib/systemd/coredump/core.php-fpm8\\x2e2.33.${b.hex(32)}.21733.${day(23, 11) * 1000}.zst`, D, "systemd-coredump's stored core of php-fpm8.2 ('.' escaped as \\x2e, zstd)", z('zstd', bytes, "systemd-coredump's core"), day(23, 11));
    // apport's report of a daemon with its core (uid 112: mysql)
    const coreField = `CoreDump: base64\n ${zlib.gzipSync(bytes).toString('base64').replace(/(.{76})/g, '$1\n ')}\n`;
    b.file('/var/crash/_usr_sbin_mysqld.112.crash', D, "apport's crash report of a daemon (/var/crash/PATH.UID.crash, the core inside)", `ProblemType: Crash\nArchitecture: amd64\nDate: Sun Nov 22 14:10:00 2026\nDistroRelease: Ubuntu 24.04\nExecutablePath: /usr/sbin/mysqld\nSignal: 6\n${coreField}`, day(22, 14, 10));
  }
  unscored(b, u, '/var/crash/_usr_sbin_mysqld.112.uploaded', "whoopsie's marker that the report was sent: part of the crash report, or nothing?", `${b.hex(8)}-${b.hex(4)}-11ef-${b.hex(4)}-${b.hex(12)}`, day(22, 14, 12));
  unscored(b, u, '/opt/jboss/bin/hs_err_pid4242.log', "the JVM's fatal error report (hs_err_pidPID.log): a crash dump, or a log?", b.text(2000, (i) => `# A fatal error has been detected by the Java Runtime Environment:\n#  SIGSEGV (0xb) at pc=0x00007f${b.hex(10)}, pid=4242, tid=${4243 + i}`), day(22, 14));
  unscored(b, u, '/opt/jboss/bin/java_pid4242.hprof', 'a heap dump on OutOfMemoryError (java_pidPID.hprof): a core dump, or data kept for analysis?', Buffer.concat([Buffer.from('JAVA PROFILE 1.0.2\0'), b.bytes(3500)]), day(22, 13));
  unscored(b, u, `/home/alice/.config/google-chrome/Crash Reports/completed/${uuid(b)}.dmp`, "Chrome's minidump of a crash (MDMP): a core dump, or the browser's crash reports?", Buffer.concat([Buffer.from('MDMP\x93\xa7\0\0', 'latin1'), b.bytes(3000)]), day(21, 19));
  return { cores, made, testCore: bytes };
}

function temp(b: Builder, u: Map<string, string>): void {
  const T = 'temp';
  // CI: Jenkins' durable-task dir (workspace@tmp), the GitHub runner's _work/_temp
  b.file(`/var/lib/jenkins/workspace/api@tmp/durable-${b.hex(8)}/script.sh`, T, "Jenkins' temporary script of an sh step (WORKSPACE@tmp/durable-*)", '#!/bin/sh -xe\nmake test\n', day(23, 12));
  b.file(`/home/runner/actions-runner/_work/_temp/${uuid(b)}.sh`, T, "the GitHub runner's step script (_work/_temp: emptied after each job)", 'set -e\nnpm ci\nnpm test\n', day(22, 3, 31));
  // containerd's ingest (a pull in progress), amavis' work dir, a stale Maildir delivery, redis' BGSAVE temp file
  b.file(`/var/lib/containerd/io.containerd.content.v1.content/ingest/${b.hex(64)}/data`, T, "containerd's ingest: a layer being downloaded (ingest/REF/data)", b.bytes(3000), day(23, 7));
  b.file(`/var/lib/amavis/tmp/amavis-20261123T070000-${b.int(10000, 99999)}-${b.hex(8)}/parts/p001`, T, "amavis' per-message work dir (/var/lib/amavis/tmp/amavis-*)", b.text(1500, (i) => `Received: from mx${i}`), day(23, 7));
  b.file(`/home/alice/Maildir/tmp/${epoch(21, 4)}.M${b.int(100000, 999999)}P${b.int(1000, 9999)}.mx1`, T, "Maildir's tmp/: a delivery never moved to new/ (maildir(5): removed after 36 hours)", b.text(1200, (i) => `X-Header-${i}: x`), day(21, 4));
  b.file('/var/lib/redis/6380/temp-18231.rdb', T, "redis' BGSAVE temporary file left by a crash (temp-PID.rdb, renamed to dump.rdb when done)", Buffer.concat([Buffer.from('REDIS0011'), b.bytes(2000)]), day(23, 2));
  // editors' and tools' temporary files
  b.file('/home/bob/proj/api/main.go___jb_tmp___', T, "a JetBrains IDE's safe-write temporary file (NAME___jb_tmp___)", b.text(1500, (i) => `func f${i}() {}`), day(23, 17));
  b.file('/home/bob/proj/api/handlers.go___jb_old___', T, "a JetBrains IDE's safe-write leftover of the old version (NAME___jb_old___)", b.text(1500, (i) => `func h${i}() {}`), day(23, 17));
  b.file('/home/alice/Documents/.goutputstream-K3J9AQ', T, "GIO's temporary file of a save in progress (.goutputstream-XXXXXX)", b.text(1200, (i) => `line ${i}`), day(22, 15));
  b.file('/srv/samba/projects/~$budget.xlsx', T, "Office's owner file of a document open on a share (~$NAME)", Buffer.concat([Buffer.from([5]), Buffer.from('alice'), Buffer.alloc(48), b.bytes(108)]), day(24, 5));
  b.file('/home/alice/Downloads/ubuntu-24.04.1-desktop-amd64.iso.aria2', T, "aria2's control file of an unfinished download (.aria2)", b.bytes(1200), day(23, 21));
  b.file('/home/alice/.local/share/Steam/steamapps/downloading/570/game/bin/linuxsteamrt64/libserver.so', T, "Steam's download in progress (steamapps/downloading)", elf(b, 3000), day(24, 4));
  b.file('/usr/lib64/libcurl.so.4.8.0;6561f3c2', T, "rpm's temporary name of a file being installed (NAME;HEX), left by an interrupted transaction", elf(b, 3200), day(19, 4));
  b.file('/home/bob/Android/Sdk/.temp/PackageOperation01/unzip/platform-tools/adb', T, "the Android SDK manager's work dir (Sdk/.temp)", elf(b, 3000, 2), day(20, 14));
  b.file('/home/bob/.rustup/tmp/k3j9aq2xzp_file', T, "rustup's temporary download (~/.rustup/tmp)", b.bytes(2500), day(21, 14));
  b.file(`/var/tmp/flatpak-cache-${'AB12CD'}/org.gnome.Platform-${b.hex(12)}/objects/${b.hex(2)}/${b.hex(62)}.filez`, T, "flatpak's temporary pull dir in /var/tmp (flatpak-cache-XXXXXX)", b.bytes(2000), day(20, 18));
  // servers' temporary files: nginx's request bodies, PostgreSQL's query spill files, an ALTER TABLE's orphan
  b.file('/var/cache/nginx/client_temp/1/00/0000000001', T, "nginx's buffered request body (client_body_temp_path: in /var/cache on RHEL, still temp)", b.bytes(3000), day(24, 5));
  b.file('/var/lib/nginx/body/0000000042', T, "nginx's buffered request body (Debian: /var/lib/nginx/body)", b.bytes(2800), day(24, 5));
  b.file('/var/lib/postgresql/15/main/base/pgsql_tmp/pgsql_tmp31337.0', T, "PostgreSQL's temporary file of a big sort (base/pgsql_tmp: removed at restart)", b.bytes(3500), day(24, 5));
  b.file('/var/lib/mysql/shop/#sql-ib1234-3456789012.ibd', T, 'an intermediate table orphaned by a crashed ALTER TABLE (#sql-ib...)', b.bytes(4096), day(19, 3));
  unscored(b, u, `/srv/nfs/home/bob/.nfs0000000000${b.hex(6)}00000001`, 'an NFS silly-rename (a file deleted while open): temp, trash, or still in use?', b.bytes(1500), day(23, 9));
  unscored(b, u, '/home/runner/builds/abcd1234/0/shop/api/src/main.c', "GitLab Runner's checkout of a project (builds/, reused by later jobs): temp, cache, or the job's work?", b.text(1500, (i) => `int f${i}(void);`), day(22, 3));
  unscored(b, u, '/var/lib/jenkins/workspace/api/go.mod', "Jenkins' workspace of a job (kept between builds): temp, cache, or the job's work?", 'module example.com/api\n\ngo 1.21\n', day(23, 12));
  unscored(b, u, `/home/alice/.config/Code/Backups/${b.hex(32)}/file/${b.int(1e9, 9e9)}`, "VS Code's hot-exit copy of an unsaved editor: a backup, temp, or the user's work?", b.text(800, (i) => `draft ${i}`), day(24, 5));
}

function trash(b: Builder, u: Map<string, string>): void {
  const X = 'trash';
  const info = (top: string, name: string, from: string, d: number) => b.file(`${top}/info/${name}.trashinfo`, X, "the trash's record of a deleted item (info/NAME.trashinfo)", `[Trash Info]\nPath=${encodeURI(`${from}/${name}`)}\nDeletionDate=2026-11-${d}T16:20:11\n`, day(d, 16));
  // another user's trash on a NAS volume (.Trash-1001), a directory in it
  const nas = '/srv/nas/.Trash-1001';
  b.file(`${nas}/files/Q3 plan.xlsx`, X, "in a volume's trash (.Trash-UID/files, uid 1001)", zip([['xl/workbook.xml', b.text(1800, (i) => `<sheet name="S${i}"/>`)]]), day(20, 16));
  info(nas, 'Q3 plan.xlsx', '/srv/nas/team', 20);
  for (const n of [1001, 1002]) b.file(`${nas}/files/photos 2025/IMG_${n}.jpg`, X, 'a directory in the trash (.Trash-UID/files/DIR/...)', Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), b.bytes(2800)]), day(21, 16));
  info(nas, 'photos 2025', '/srv/nas/team', 21);
  // root's trash on a data volume (.Trash-0), a file moved there by a file manager run as root
  b.file('/data/.Trash-0/files/old-vm.qcow2', X, "in a volume's trash (.Trash-0: root's)", Buffer.concat([Buffer.from('QFI\xfb\0\0\0\x03', 'latin1'), b.bytes(3800)]), day(17, 16));
  info('/data/.Trash-0', 'old-vm.qcow2', '/data/images', 17);
  // bob's home trash, a project in it, and KDE's size cache of the trash
  const bt = '/home/bob/.local/share/Trash';
  b.file(`${bt}/files/old-project/src/main.c`, X, 'in the home trash: a deleted project (Trash/files/DIR/...)', b.text(2000, (i) => `int g${i} = ${i};`), day(19, 16));
  b.file(`${bt}/files/old-project/Makefile`, X, 'in the home trash: a deleted project', 'all:\n\tcc -o app src/main.c\n', day(19, 16));
  info(bt, 'old-project', '/home/bob/src', 19);
  b.file(`${bt}/metadata`, X, "KDE's cache of the trash's size (Trash/metadata)", '[Cached]\nSize=2341\n', day(19, 16));
  // Windows' recycle bin on an NTFS disk: $RECYCLE.BIN/SID/$RXXXXXX.ext (the file) and $IXXXXXX.ext (its record), desktop.ini
  const rb = '/media/alice/WINDOWS/$RECYCLE.BIN/S-1-5-21-3623811015-3361044348-30300820-1001';
  b.file(`${rb}/$R8K2J4Q.docx`, X, "Windows' recycle bin on an NTFS disk ($RECYCLE.BIN/SID/$R...: the file)", zip([['word/document.xml', b.text(1800, (i) => `<w:p>${i}</w:p>`)]]), day(18, 12));
  const orig = Buffer.from('C:\\Users\\alice\\Documents\\letter.docx\0', 'utf16le');
  const rec = Buffer.alloc(28);
  rec.writeBigInt64LE(2n, 0);
  rec.writeBigInt64LE(14_211n, 8);
  rec.writeBigInt64LE(BigInt(day(18, 12)) * 10_000n + 116_444_736_000_000_000n, 16);
  rec.writeUInt32LE(orig.length / 2, 24);
  b.file(`${rb}/$I8K2J4Q.docx`, X, "Windows' recycle bin: the deleted file's record ($I...: size, time, path)", Buffer.concat([rec, orig]), day(18, 12));
  b.file(`${rb}/desktop.ini`, X, "Windows' recycle bin: its desktop.ini", Buffer.from('\ufeff[.ShellClassInfo]\r\nCLSID={645FF040-5081-101B-9F08-00AA002F954E}\r\n', 'utf16le'), day(1, 12));
  unscored(b, u, `/home/alice/Maildir/.Trash/cur/${epoch(20, 9)}.M${b.int(100000, 999999)}P${b.int(1000, 9999)}.mx1:2,ST`, 'a mail in the IMAP Trash folder (Maildir .Trash, expunged by the server later): trash, or a mailbox?', `From: bob@example.com\nSubject: old thread\n\n${b.text(800, (i) => `line ${i}`)}`, day(20, 9));
}

function decoys(b: Builder, u: Map<string, string>, testCore: Buffer | null): void {
  // source code named like kinds, in git work trees
  const sv = '/srv/src/svc';
  b.file(`${sv}/.git/HEAD`, null, "a project's git repository", 'ref: refs/heads/main\n');
  b.file(`${sv}/internal/log/log.go`, null, 'source code of a package named log (log.go)', `package log\n\n${b.text(2000, (i) => `func L${i}(msg string) { println(msg) }`)}`);
  b.file(`${sv}/internal/cache/cache.go`, null, 'source code of a package named cache (cache.go)', `package cache\n\n${b.text(2000, (i) => `func Get${i}(k string) string { return k }`)}`);
  b.file('/srv/src/tool/src/backup.c', null, 'source code named backup.c', b.text(2500, (i) => `static int backup_step${i}(void) { return ${i}; }`));
  b.file('/srv/src/tool/src/core/dump.c', null, 'source code: dump.c in a directory named core', b.text(2000, (i) => `void dump${i}(void) {}`));
  const mon = '/srv/src/monitor';
  b.file(`${mon}/.git/HEAD`, null, "a project's git repository", 'ref: refs/heads/main\n');
  b.file(`${mon}/.git/logs/refs/heads/main`, null, "a branch's reflog: not a log to rotate", b.text(500, () => `${b.hex(40)} ${b.hex(40)} dev <dev@example.com> 1763700000 +0000\tcommit: work`));
  b.file(`${mon}/logs/parser.py`, null, 'a `logs` package of a project (source code in a directory named logs)', b.text(1800, (i) => `def parse_${i}(line): return line.split()`));
  b.file(`${mon}/logs/__init__.py`, null, 'a `logs` package of a project', 'from .parser import *\n');
  // log, dump and core test fixtures of projects
  const lp = '/srv/src/logparse/testdata';
  b.file(`${lp}/nginx-access.log`, null, "a log parser's test input (testdata/*.log)", b.text(1500, (i) => `127.0.0.1 - - [01/Jan/2020:00:00:0${i % 10} +0000] "GET /${i} HTTP/1.1" 200 12 "-" "test"`));
  b.file(`${lp}/rotated/syslog.2.gz`, null, "a log parser's test input under a rotated name", zlib.gzipSync(b.text(1200, (i) => `Jan  1 00:00:0${i % 10} host test[1]: line ${i}`)));
  b.file('/srv/src/logparse/.git/HEAD', null, "a project's git repository", 'ref: refs/heads/main\n');
  if (testCore) {
    b.file('/srv/src/crashtool/testdata/core.x86_64', null, "a crash analyser's test data: a real ELF core, committed in the project's tree", testCore);
  }
  // programs and units named like kinds (they make backups, they are not backups)
  b.file('/usr/local/bin/cache', null, 'a program named cache (a script, mode 755)', '#!/bin/sh\nexec redis-cli -n 1 "$@"\n');
  fs.chmodSync(b.abs('/usr/local/bin/cache'), 0o755);
  b.file('/usr/local/sbin/backup.sh', null, "the admin's backup script (makes backups, is not one)", `#!/bin/sh\nset -e\nrestic -r /mnt/t7/web1 backup /etc /srv\n`);
  b.file('/etc/systemd/system/backup.service', null, 'a unit named backup', '[Service]\nType=oneshot\nExecStart=/usr/local/sbin/backup.sh\n');
  b.file('/var/lib/systemd/timers/stamp-backup.timer', null, "systemd's stamp of a persistent timer named backup (empty)", '');
  b.file('/etc/borgmatic/config.yaml', null, "borgmatic's config", 'repositories:\n  - path: /srv/repos/web1\nsource_directories:\n  - /etc\n  - /srv\n');
  b.file('/var/log/README', null, 'a README in /var/log (points at journalctl): not a log', 'You are looking for the traditional text log files in /var/log, and they are gone?\nUse journalctl instead.\n');
  // web apps: Drupal's core/, plugins' code named backup and cache, a drop-in, uploads
  for (const f of ['core/lib/Drupal.php', 'core/modules/system/system.module', 'core/misc/drupal.js']) b.file(`/var/www/drupal/${f}`, null, "Drupal's own code in its directory named core", b.text(b.int(1200, 2500), (i) => `// ${f} ${i}`));
  b.file('/var/www/shop/wp-content/plugins/updraftplus/backup.php', null, "a backup plugin's code (backup.php)", b.text(2500, (i) => `<?php // UpdraftPlus_Backup ${i}`));
  b.file('/var/www/shop/wp-content/plugins/wp-super-cache/wp-cache.php', null, "a cache plugin's code (wp-cache.php)", b.text(2000, (i) => `<?php // wp-cache ${i}`));
  b.file('/var/www/shop/wp-content/advanced-cache.php', null, "WordPress' drop-in a cache plugin installs: code that runs on every request", "<?php\n// WP SUPER CACHE 1.2\nif ( ! defined( 'WPCACHEHOME' ) ) define( 'WPCACHEHOME', __DIR__ . '/plugins/wp-super-cache/' );\n");
  // databases' own files: commit logs, snapshots and dumps by name that are the live data
  b.file('/var/lib/redis/6380/dump.rdb', null, "a second redis instance's own RDB: its data, not a backup", Buffer.concat([Buffer.from('REDIS0011'), b.bytes(2800)]));
  b.file('/var/lib/redis/6380/appendonly.aof', null, "redis' append-only file: its data, not a log", b.text(1500, (i) => `*3\r\n$3\r\nSET\r\n$3\r\nk${String(i).padStart(2, '0')}\r\n$1\r\nv\r\n`));
  b.file(`/var/lib/elasticsearch/indices/${b.hex(22)}/0/translog/translog-1.tlog`, null, "Elasticsearch's translog: the index's data, not a log", b.bytes(2000));
  b.file('/var/lib/zookeeper/version-2/log.100000001', null, "ZooKeeper's transaction log: its data, not a log to rotate", b.bytes(4096));
  b.file('/var/lib/zookeeper/version-2/snapshot.100000000', null, "ZooKeeper's snapshot of its tree: its data, not a backup", b.bytes(3000));
  b.file(`/var/lib/cassandra/commitlog/CommitLog-7-${day(20, 4)}.log`, null, "Cassandra's commit log: the database's, not a log to rotate", b.bytes(4096));
  b.file('/var/lib/etcd/member/snap/0000000000000002-0000000000030d41.snap', null, "etcd's raft snapshot: its data, not a backup", b.bytes(2000));
  // mail: a queued message (not temp: it is someone's mail), delivered mails, Dovecot's transaction log
  b.file(`/var/spool/postfix/deferred/A/A${b.hex(9).toUpperCase()}`, null, "Postfix's deferred queue: mail waiting to be delivered", b.bytes(2000));
  unscored(b, u, `/var/spool/exim4/msglog/1t${b.hex(4)}-000${b.hex(3)}-CD`, "Exim's per-message delivery log (msglog/, removed when the message goes): a log, or part of the queue?", b.text(400, (i) => `2026-11-24 06:00:0${i % 10} == user${i}@example.net R=dnslookup T=remote_smtp defer (-44)`));
  b.file(`/home/alice/Maildir/cur/${epoch(20, 9)}.M${b.int(100000, 999999)}P${b.int(1000, 9999)}.mx1:2,S`, null, 'a delivered mail (Maildir/cur)', `From: bob@example.com\nSubject: hi\n\n${b.text(1200, (i) => `line ${i}`)}`);
  b.file('/home/alice/Maildir/dovecot.index.log', null, "Dovecot's transaction log of the index: the mailbox's state, not a log to rotate", b.bytes(1500));
  // SQLite databases, installed Flatpaks and games, an SDK, a build output
  b.file('/home/alice/.config/google-chrome/Default/History', null, "Chrome's history (SQLite)", Buffer.concat([Buffer.from('SQLite format 3\0'), b.bytes(3500)]));
  b.file(`/var/lib/flatpak/repo/objects/${b.hex(2)}/${b.hex(62)}.file`, null, "flatpak's OSTree repository: the installed apps' objects, not a cache", b.bytes(2500));
  b.file('/home/alice/.local/share/Steam/steamapps/common/dota 2 beta/game/bin/linuxsteamrt64/libclient.so', null, 'an installed game', elf(b, 3800));
  b.file('/home/alice/.local/share/Steam/steamapps/appmanifest_570.acf', null, "Steam's manifest of an installed game", '"AppState"\n{\n\t"appid"\t\t"570"\n\t"name"\t\t"Dota 2"\n}\n');
  b.file('/home/bob/proj/app/build/intermediates/dex/debug/classes.dex', null, "a build's output (not a cache: the build's product)", Buffer.concat([Buffer.from('dex\n035\0'), b.bytes(3000)]));
  b.file(`/var/lib/containerd/io.containerd.snapshotter.v1.overlayfs/snapshots/12/fs/usr/bin/app`, null, "an unpacked image layer's file (containerd's snapshotter)", elf(b, 3000, 2));
  b.file('/var/lib/jenkins/jobs/api/builds/43/build.xml', null, "a Jenkins build's record (build.xml: its result, kept with the build)", `<?xml version='1.1' encoding='UTF-8'?>\n<flow-build><result>SUCCESS</result><duration>${b.int(1000, 99999)}</duration></flow-build>\n`);
  // documents and media named like kinds
  b.file('/home/alice/Documents/backup-policy.odt', null, 'a document about backups', zip([['content.xml', b.text(2000, (i) => `<text:p>Rule ${i}: keep 7 dailies</text:p>`)]]));
  b.file('/home/alice/Documents/logbook.xlsx', null, 'a spreadsheet named logbook', zip([['xl/workbook.xml', b.text(1500, (i) => `<row r="${i}"/>`)]]));
  b.file('/home/alice/Music/Stone Temple Pilots/Core/01 Dead & Bloated.flac', null, 'music: an album called Core', Buffer.concat([Buffer.from('fLaC'), b.bytes(3800)]));

  // packages' files (fake dpkg lists)
  b.pkg('backup-manager', '/usr/bin/backup-manager', 'a backup program (a script)', '#!/bin/sh\n# backup-manager\n' + b.text(2000, (i) => `# ${i}`));
  b.pkg('rsnapshot', '/etc/rsnapshot.conf.default', 'the default config shipped beside the live one (.default)', b.text(2500, (i) => `#retain\talpha\t${i}`));
  b.pkg('logrotate', '/etc/logrotate.d/btmp', "a conffile named btmp (logrotate's rule for it)", '/var/log/btmp {\n\tmissingok\n\tmonthly\n\tcreate 0660 root utmp\n\trotate 1\n}\n');
  b.pkg('logrotate', '/usr/sbin/logrotate', 'the program that rotates logs', elf(b, 3000, 3));
  b.pkg('dump', '/usr/sbin/dump', 'the ext2/3/4 backup program named dump', elf(b, 3000, 3), '/sbin/dump');
  b.pkg('dump', '/usr/share/man/man8/dump.8.gz', 'its man page (dump.8.gz)', zlib.gzipSync(b.text(2000, (i) => `.SH DUMP ${i}`)));
  b.pkg('trash-cli', '/usr/bin/trash-empty', 'the program that empties the trash', '#!/usr/bin/python3\nfrom trashcli.empty import main\nmain()\n');
  b.pkg('systemd', '/usr/lib/tmpfiles.d/tmp.conf', 'a config named tmp.conf (how /tmp is cleaned)', 'q /tmp 1777 root root 10d\nq /var/tmp 1777 root root 30d\n');
  b.pkg('python3-cachecontrol', '/usr/lib/python3/dist-packages/cachecontrol/caches/file_cache.py', "a library's code in a directory named caches", b.text(2000, (i) => `# ${i}`));
  b.pkg('golang-1.21-src', '/usr/lib/go-1.21/src/log/log.go', "Go's standard library: log.go", b.text(3000, (i) => `// ${i}`));
  b.pkg('golang-1.21-src', '/usr/lib/go-1.21/src/cmd/go/internal/cache/cache.go', "the go command's cache code", b.text(3000, (i) => `// ${i}`));
}
