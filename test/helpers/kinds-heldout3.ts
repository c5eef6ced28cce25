/**
 * Issue 16's third held-out fixture, written blind: its author had not read the classifier's
 * rules (src/owners/), its explanations or its README table, nor run the classifier on this tree;
 * only the other fixtures' builder API and their paths, to cover other cases. Same builder, formats
 * and core makers (test/helpers/kinds-fixture.ts), same result shape (HeldoutFixture), scored the
 * same way (test/kinds-heldout3.test.ts, the bench's kinds section).
 *
 * Cases the three others lack: backups of BackupPC 3's mangled tree, Holland, xbstream, mariabackup,
 * pg_dump's directory format, RHEL's /var/lib/pgsql/backups, WAL-G, Consul and Vault snapshots,
 * Zimbra, mailcow, Jira and Confluence, Home Assistant, pfSense, LXD exports, virtnbdbackup, zfs
 * and btrfs send streams, xfsdump, Windows' image backup, a Time Machine sparsebundle on a Samba
 * share, an iPhone backup (idevicebackup2), adb backup, KeePassXC, Ansible's backup=yes, shadow's
 * shadow-, dpkg's status-old, DKMS' .old-dkms, sfdisk and LUKS header backups, slapcat,
 * doveadm backup, samba-tool and ipa-backup, a Prometheus snapshot, InfluxDB, ClickHouse (FREEZE's
 * hard links, clickhouse-backup), dirvish, Back In Time, WPvivid, BackupBuddy, Akeeba, Magento,
 * Backup and Migrate, Moodle, ssh-keygen's known_hosts.old, ucf, do-release-upgrade; logs of
 * per-vhost nginx, RHEL's syslog files (cron, secure with dateext), RHEL httpd's ssl_request_log,
 * php-fpm, logrotate's `extension`, a log host's per-device file, ufw, fail2ban, the installer,
 * apt's EIPP (xz), Dovecot, Kafka, ZooKeeper, Caddy, gunicorn, Celery, Shopware, Magento,
 * Nextcloud, rootless Xorg, a Jenkins agent, GNU screen, runit's svlogd (current, @TAI64N.s),
 * GitLab, MySQL, PostgreSQL on RHEL (postgresql-Sun.log), Elasticsearch's rolled JSON, Cassandra's
 * zipped rotation, RabbitMQ, Asterisk, BIND, Proxmox's task logs (UPID:...), wtmp.1, cloud-init,
 * dmesg, a backup job's log, Plex; caches of yum and dnf, catman, pbuilder, apt-cacher-ng,
 * cachefilesd, locate, Mesa, Hugging Face, torch, pre-commit, deno, Playwright, helm, coursier,
 * gem, cabal, SDKMAN, Gradle's build cache, Brave, Spotify (Flatpak), Autoptimize,
 * Magento, Joomla, Moodle, nginx's fastcgi_cache, a GitLab Runner cache volume, kubectl's HTTP
 * cache, projects' .gradle, .parcel-cache, .angular, PHPUnit, clangd, bootsnap, Plex, a
 * CACHEDIR.TAG under a name that says nothing; core dumps under other core_pattern names (%t-%e-%p,
 * sig/user/group, %E's !path!), in an LXD container's rootfs and an nspawn machine, a guest's memory
 * dump by libvirt, systemd-coredump's .xz and Compress=no, apport's report of a snap, coredumpctl's
 * output; temp files of Python's tempfile, PHP uploads, sort, JNA, snaps' private /tmp, Ansible,
 * dpkg's tmp.ci, rsync's partial dir, yt-dlp, InnoDB, MongoDB, PostgreSQL's pg_stat_tmp, nginx's
 * fastcgi and proxy temp, Exim's scan dir, GitLab Runner's PROJECT.tmp, GLib's atomic write,
 * OSTree's staging, snapd's .partial, Docker, Word; trash
 * under /home/.Trash-UID, a name clash in the home trash, Windows XP's RECYCLER, Synology's #recycle,
 * QNAP's @Recycle, Samba's flat .recycle, Nextcloud's trashed folder and versions. Decoys: source
 * named like kinds (backup.rs, trash.rs, logrotate/main.go), the placeholder of a Rails app's log/,
 * test fixtures named like logs and dumps, programs and configs named like kinds, live data of
 * MySQL (#ib_16384_0.dblwr, #innodb_redo), MongoDB, InfluxDB (a WAL), RabbitMQ, ClickHouse, Kafka,
 * PostgreSQL in a Docker volume, kubelet's dated certificate, spools (cron, at, CUPS, anacron),
 * documents named like kinds, a near-miss CACHEDIR.TAG, and package files in fake dpkg lists (one
 * listed under a merged-/usr alias).
 *
 * No path of it is a path of the tuned, the first or the second held-out fixture
 * (test/kinds-heldout3.test.ts checks).
 *
 * Present but not scored (`unscored`): see each one's reason (each says what operators would
 * disagree on). Left out altogether: /dev/shm, /run, sockets and FIFOs, emptyDir volumes, a
 * registry used as a pull-through mirror, Thunderbird's .msf summaries, Rails' tmp/pids.
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { spawnSync } from 'node:child_process';
import { Builder, NOW, cachedirTag, startTree, clf, day, mysqlDump, pgCustom, pgPlain, syslogTime, tar, zip } from './kinds-fixture.js';
import { epoch, placeCores, squeezer, unscored, type HeldoutFixture, type Squeeze } from './kinds-heldout.js';

/** an ELF header of a shared object or program (e_type 3 or 2), then noise: not a core */
const elf = (b: Builder, n: number, type = 3) => Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, type, 0, 62, 0]), b.bytes(n)]);
/** a uuid made of the builder's hex */
const uuid = (b: Builder) => `${b.hex(8)}-${b.hex(4)}-4${b.hex(3)}-a${b.hex(3)}-${b.hex(12)}`;
/** SQLite's header, then noise */
const sqlite = (b: Builder, n: number) => Buffer.concat([Buffer.from('SQLite format 3\0'), b.bytes(n)]);
/** RFC 3164's timestamp (RHEL's rsyslog files) */
const bsd = (t: number) => {
  const d = new Date(t);
  return `${['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${d.toISOString().slice(11, 19)}`;
};

/** magic numbers the format checks of test/kinds-heldout3.test.ts read back */
export const MAGIC = {
  xbstream: 'XBSTCK01',
  /** DMU_BACKUP_MAGIC of a zfs send stream's DRR_BEGIN record (little-endian at byte 8) */
  zfsSend: 0x2f5bacbacn,
  btrfsSend: 'btrfs-stream\0',
  xfsdump: 'xFSdump0',
  vhdx: 'vhdxfile',
  luks: Buffer.from([0x4c, 0x55, 0x4b, 0x53, 0xba, 0xbe]),
  androidBackup: 'ANDROID BACKUP\n',
  kdbx: Buffer.from([0x03, 0xd9, 0xa2, 0x9a, 0x67, 0xfb, 0x4b, 0xb5]),
  jpa: 'JPA',
  /** Prometheus' chunks file (tsdb/chunks: 0x85BD40DD big-endian, then version 1) */
  promChunks: Buffer.from([0x85, 0xbd, 0x40, 0xdd, 1]),
  ole: Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]),
} as const;

/**
 * Build the third held-out tree under `dir/root` (dir must exist and hold no `root`): about 240
 * labelled regular files of bytes to a few KiB (core dumps: the kernel's, a few hundred KiB each),
 * mtimes in 2026-11-01 ... 24, one group of hard links (ClickHouse's FREEZE), the dpkg lists in
 * root/var/lib/dpkg/info, merged-/usr symlinks. Needs sh, sleep (the kernel's cores, else gdb's
 * gcore, else none: said in `notes`); xz, zstd, lz4, bzip2 (each missing one: its data stored
 * plain, said in `notes`).
 */
export async function buildHeldout3Fixture(dir: string): Promise<HeldoutFixture> {
  const t0 = performance.now();
  const { root, b, infoDir } = startTree(dir, 3917);
  const notes: string[] = [];
  const u = new Map<string, string>();
  const z = squeezer(notes);

  backups(b, u, z);
  logs(b, u, z);
  caches(b, u);
  const core = await coreDumps(b, u, notes, z);
  temp(b, u);
  trash(b);
  decoys(b, u);
  b.writeLists(infoDir);
  b.stamp();
  return { root, infoDir, labels: b.labels, reasons: b.reasons, owned: b.owned, cores: core.cores, coreMade: core.made, notes, hardLinked: b.hardLinked, buildMs: performance.now() - t0, unscored: u };
}

function backups(b: Builder, u: Map<string, string>, z: Squeeze): void {
  const B = 'backups';
  // BackupPC 3 (RHEL: /var/lib/BackupPC): pc/HOST/NUM/ with mangled names (f%2f for "/", an f before each name) and attrib files
  const bpc = '/var/lib/BackupPC/pc/db1/12/f%2f/fetc';
  b.file(`${bpc}/fhosts`, B, "BackupPC 3: a file of backup 12 of host db1 (pc/HOST/NUM/f%2f/fetc/fhosts: mangled names)", zlib.deflateSync('127.0.0.1 localhost\n10.0.0.5 db1\n'), day(22, 1, 10));

  // Holland (holland-mysqldump): /var/spool/holland/SET/YYYYMMDD_HHMMSS/backup_data/DB.sql.gz and backup.conf
  const hol = '/var/spool/holland/default/20261122_030001';
  b.file(`${hol}/backup_data/shop.sql.gz`, B, "Holland's mysqldump backup of a database (backup_data/DB.sql.gz)", zlib.gzipSync(mysqlDump(b, 'shop', 30)), day(22, 3, 4));

  // Percona XtraBackup's --stream=xbstream output; mariabackup's target dir (10.11+: mariadb_backup_checkpoints)
  const xb = Buffer.concat([Buffer.from(MAGIC.xbstream, 'latin1'), Buffer.from([0, 0x50]), Buffer.from([23, 0, 0, 0]), Buffer.from('xtrabackup_checkpoints\0', 'latin1').subarray(0, 23), b.bytes(3500)]);
  b.file('/backups/mysql/db1-full-2026-11-22.xbstream', B, "Percona XtraBackup's streamed full backup (xbstream: XBSTCK01 chunks)", xb, day(22, 2, 40));
  const mb = '/var/mariadb/backup/2026-11-22_02-30';
  b.file(`${mb}/mariadb_backup_checkpoints`, B, "mariabackup's target directory: its checkpoints file", 'backup_type = full-prepared\nfrom_lsn = 0\nto_lsn = 48213377\nlast_lsn = 48213386\n', day(22, 2, 34));

  // pg_dump -Fd (a directory: toc.dat starts PGDMP, one DUMPID.dat.gz per table); RHEL's backups dir of the postgres user
  const fd = '/srv/pg/dumps/shop-20261122.dir';
  b.file(`${fd}/toc.dat`, B, "pg_dump's directory format: the table of contents (toc.dat, PGDMP)", pgCustom(b, 1800), day(22, 1, 5));
  b.file(`${fd}/3456.dat.gz`, B, "pg_dump's directory format: a table's data (DUMPID.dat.gz)", zlib.gzipSync(b.text(2000, (i) => `${i}\t${b.int(1, 900)}\t${b.int(1, 40000) / 100}`)), day(22, 1, 5));
  b.file('/var/lib/pgsql/backups/shop-2026-11-22.dump', B, "pg_dump -Fc into RHEL's postgres backups directory (/var/lib/pgsql/backups)", pgCustom(b, 3200), day(22, 1, 10));

  // WAL-G to a file storage (WALG_FILE_PREFIX): basebackups_005/, wal_005/
  const wg = '/srv/walg/pg1';
  const bb = 'base_000000010000000000000009';
  b.file(`${wg}/basebackups_005/${bb}_backup_stop_sentinel.json`, B, "WAL-G: a base backup's sentinel (basebackups_005/NAME_backup_stop_sentinel.json)", JSON.stringify({ LSN: 150994984, FinishLSN: 150995312, PgVersion: 150005, StartTime: '2026-11-22T03:00:01Z', FinishTime: '2026-11-22T03:04:12Z', Hostname: 'pg1', CompressedSize: 31457, UncompressedSize: 104857 }), day(22, 3, 4));
  b.file(`${wg}/basebackups_005/${bb}/tar_partitions/part_1.tar.lz4`, B, 'WAL-G: a part of the base backup (tar_partitions/part_N.tar.lz4)', z('lz4', tar([['base/5/16384', b.bytes(2000)]], day(22)), "WAL-G's parts"), day(22, 3, 4));
  b.file(`${wg}/wal_005/00000001000000000000000B.lz4`, B, 'WAL-G: an archived WAL segment (wal_005/SEGMENT.lz4)', z('lz4', b.bytes(3000), "WAL-G's WAL"), day(22, 9, 30));

  // Consul and Vault (raft) snapshots: gzip'd tar of meta.json, state.bin, SHA256SUMS
  const snapTar = (what: string, t: number) => zlib.gzipSync(tar([['meta.json', JSON.stringify({ ID: `2-${b.int(1000, 9999)}-${t}`, Size: 2048, Index: b.int(1000, 99999), Term: 2, Version: 1 })], ['state.bin', b.bytes(2048)], ['SHA256SUMS', `${b.hex(64)}  meta.json\n${b.hex(64)}  state.bin\n`]], t));
  b.file('/opt/consul/snapshots/consul-20261122-0300.snap', B, '`consul snapshot save`, nightly (a gzip tar: meta.json, state.bin)', snapTar('consul', day(22)), day(22, 3));
  b.file('/srv/vault-snapshots/raft-20261122T030000.snap', B, '`vault operator raft snapshot save`, nightly', snapTar('vault', day(22)), day(22, 3));

  // Zimbra's backup sessions; mailcow's backup script (backup_and_restore.sh: mailcow-DATE/backup_*.tar.*)
  const zs = '/opt/zimbra/backup/sessions/full-20261122.030001.123';
  b.file(`${zs}/session.xml`, B, "Zimbra's full backup session: its description", `<?xml version="1.0" encoding="UTF-8"?>\n<backupSession label="full-20261122.030001.123" type="full" start="${day(22, 3, 0, 1)}" end="${day(22, 3, 40)}"/>\n`, day(22, 3, 40));
  const mc = '/opt/backup/mailcow-2026-11-22-03-00-01';
  b.file(`${mc}/backup_vmail.tar.zst`, B, "mailcow's backup of the mailboxes (mailcow-DATE/backup_vmail.tar.zst)", z('zstd', tar([['vmail/example.com/alice/Maildir/cur/1.eml', b.text(1500, (i) => `line ${i}`)]], day(22)), "mailcow's backup"), day(22, 3, 20));

  // Jira's and Confluence's scheduled backups; Home Assistant; pfSense's config history; an LXD export
  b.file('/var/atlassian/application-data/jira/export/2026-Nov-22--0300.zip', B, "Jira's scheduled XML backup (export/YYYY-Mon-DD--HHMM.zip)", zip([['entities.xml', b.text(2500, (i) => `<Issue id="${10000 + i}" key="OPS-${i}"/>`)]]), day(22, 3, 1));
  b.file('/var/atlassian/application-data/confluence/backups/backup-2026_11_22.zip', B, "Confluence's daily backup (backups/backup-YYYY_MM_DD.zip)", zip([['entities.xml', b.text(2500, (i) => `<object class="Page" id="${i}"/>`)]]), day(22, 2, 1));
  b.file(`/srv/homeassistant/config/backups/${b.hex(8)}.tar`, B, "Home Assistant's backup (config/backups/SLUG.tar: an unhinting name, backup.json inside)", tar([['backup.json', JSON.stringify({ slug: 'x', name: 'Automatic backup 2026.11.3', date: '2026-11-22T03:00:00Z', type: 'full' })], ['homeassistant.tar.gz', zlib.gzipSync(b.bytes(1500))]], day(22, 3)), day(22, 3, 2));
  b.file(`/cf/conf/backup/config-${epoch(21, 14, 12)}.xml`, B, "pfSense's previous configuration (/cf/conf/backup/config-EPOCH.xml, kept on every change)", `<?xml version="1.0"?>\n<pfsense>\n\t<version>22.9</version>\n\t<lastchange/>\n${b.text(2000, (i) => `\t<rule><tracker>${1700000000 + i}</tracker><type>pass</type></rule>`)}</pfsense>\n`, day(21, 14, 12));
  b.file('/srv/lxd-exports/web1-2026-11-22.tar.gz', B, '`lxc export web1` (a tarball: backup/index.yaml, backup/container/...)', zlib.gzipSync(tar([['backup/index.yaml', 'name: web1\nbackend: dir\npool: default\noptimized: false\n'], ['backup/container/rootfs/etc/hostname', 'web1\n']], day(22))), day(22, 4));

  // virtnbdbackup's target dir (DISK.full.data, vmconfig.virtnbdbackup.N.xml); block-level streams of zfs, btrfs, xfsdump
  const vb = '/srv/vmbackup/web1';
  b.file(`${vb}/sda.full.data`, B, "virtnbdbackup: a disk's full backup (DISK.full.data)", Buffer.concat([Buffer.from('{"virtnbdbackup":"2.4"}\n'), b.bytes(3800)]), day(22, 1, 30));
  const zfs = Buffer.alloc(312 + 3000);
  zfs.writeUInt32LE(0, 0); // DRR_BEGIN
  zfs.writeBigUInt64LE(MAGIC.zfsSend, 8);
  zfs.writeBigUInt64LE(BigInt(epoch(22, 0)), 24);
  zfs.write('tank/data@autosnap_2026-11-22_00:00:01_daily', 56, 'latin1');
  b.bytes(3000).copy(zfs, 312);
  b.file('/mnt/usb/zfs/tank_data@autosnap_2026-11-22.zfs', B, '`zfs send` of a snapshot to a file on a USB disk (DRR_BEGIN, DMU_BACKUP_MAGIC)', zfs, day(22, 0, 30));
  b.file('/mnt/usb/btrfs/home.20261122.btrfs', B, '`btrfs send` of a read-only snapshot to a file (btrfs-stream)', Buffer.concat([Buffer.from(MAGIC.btrfsSend, 'latin1'), Buffer.from([1, 0, 0, 0]), b.bytes(3200)]), day(22, 0, 40));
  b.file('/mnt/backup/root.level0.xfsdump', B, 'xfsdump of the root filesystem, level 0 (xFSdump0)', Buffer.concat([Buffer.from(MAGIC.xfsdump, 'latin1'), b.bytes(3600)]), day(20, 2));

  // desktops and devices: Windows' image backup on an NTFS disk, Time Machine on a Samba share, an iPhone, an Android phone, KeePassXC
  b.file(`/media/carol/WINBACK/WindowsImageBackup/DESKTOP-7K2/Backup 2026-11-20 030012/${uuid(b)}.vhdx`, B, "Windows' system image backup (WindowsImageBackup/PC/Backup DATE/GUID.vhdx)", Buffer.concat([Buffer.from(MAGIC.vhdx, 'latin1'), Buffer.from('Microsoft Windows 10.0.19045.0', 'utf16le'), b.bytes(3000)]), day(20, 3, 30));
  const tm = '/srv/timemachine/carol/MacBook Pro.sparsebundle';
  b.file(`${tm}/Info.plist`, B, "Time Machine's sparse bundle on a Samba share (fruit:time machine): its Info.plist", '<?xml version="1.0" encoding="UTF-8"?>\n<plist version="1.0">\n<dict>\n\t<key>CFBundleInfoDictionaryVersion</key>\n\t<string>6.0</string>\n\t<key>band-size</key>\n\t<integer>8388608</integer>\n\t<key>diskimage-bundle-type</key>\n\t<string>com.apple.diskimage.sparsebundle</string>\n</dict>\n</plist>\n', day(10, 22));
  const ios = `/home/carol/iphone-backup/00008110-${b.hex(16).toUpperCase()}`;
  b.file(`${ios}/Manifest.db`, B, "an iPhone backup by idevicebackup2: its manifest (SQLite)", sqlite(b, 3000), day(21, 20));
  b.file('/home/bob/phone/backup-2026-11-20.ab', B, '`adb backup` of an Android phone (ANDROID BACKUP header, zlib)', Buffer.concat([Buffer.from(`${MAGIC.androidBackup}5\n1\nnone\n`, 'latin1'), zlib.deflateSync(b.bytes(2500))]), day(20, 19));
  b.file('/home/carol/Documents/Passwords.old.kdbx', B, "KeePassXC's copy of the database before a save (\"Backup database file before saving\": NAME.old.kdbx)", Buffer.concat([MAGIC.kdbx, Buffer.from([1, 0, 4, 0]), b.bytes(2500)]), day(23, 9));

  // admins' and tools' copies: Ansible's backup=yes, shadow's NAME-, dpkg's status-old, DKMS' initrd, sfdisk, LUKS header, slapcat, known_hosts.old, ucf, do-release-upgrade
  b.file('/etc/chrony/chrony.conf.48213.2026-11-22@03:00:01~', B, "Ansible's copy before changing a file (backup: yes: NAME.PID.DATE@TIME~)", b.text(800, (i) => `server ${i}.pool.ntp.org iburst`), day(22, 3));
  b.file('/etc/shadow-', B, "shadow's copy of the previous /etc/shadow (shadow-: written by passwd, useradd ...)", b.text(600, (i) => `user${i}:$y$j9T$${b.hex(20)}:19700:0:99999:7:::`), day(21, 10));
  b.file('/var/lib/dpkg/status-old', B, "dpkg's copy of its status file before the last run (status-old)", b.text(3000, (i) => `Package: lib${i}\nStatus: install ok installed\nVersion: 1.${i}\n`), day(22, 9));
  b.file('/boot/initrd.img-6.1.0-27-amd64.old-dkms', B, "DKMS' copy of the initramfs before rebuilding it (.old-dkms)", zlib.gzipSync(b.bytes(3000)), day(19, 6));
  b.file('/root/sfdisk-sda-0x00000000.bak', B, '`sfdisk --backup`: the sectors it overwrote (sfdisk-DEVICE-OFFSET.bak)', Buffer.concat([b.bytes(446), b.bytes(64), Buffer.from([0x55, 0xaa])]), day(12, 15));
  b.file('/root/luks-header-sda3.img', B, '`cryptsetup luksHeaderBackup` of an encrypted volume (LUKS\\xba\\xbe, version 2)', Buffer.concat([MAGIC.luks, Buffer.from([0, 2]), b.bytes(4000)]), day(12, 15, 5));
  b.file('/srv/ldap-backup/ldap-20261122.ldif', B, '`slapcat` of the directory, nightly (LDIF)', `dn: dc=example,dc=com\nobjectClass: top\nobjectClass: dcObject\nobjectClass: organization\no: Example\ndc: example\n\n${b.text(2000, (i) => `dn: uid=user${i},ou=people,dc=example,dc=com\nobjectClass: inetOrgPerson\nuid: user${i}\ncn: User ${i}\nsn: ${i}\n`)}`, day(22, 2));
  b.file('/home/carol/.ssh/known_hosts.old', B, "`ssh-keygen -R` keeps the previous known_hosts (known_hosts.old)", b.text(900, (i) => `|1|${b.bytes(20).toString('base64')}|${b.bytes(20).toString('base64')} ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI${b.hex(20)}`), day(18, 11));
  b.file('/var/lib/ucf/hashfile.0', B, "ucf's previous hash file (hashfile.N, rotated at each run)", b.text(1200, (i) => `${b.hex(32)}  /etc/default/file${i}`), day(19, 6));
  b.file('/etc/apt/sources.list.d/docker.list.distUpgrade', B, "do-release-upgrade's copy of a sources list before the upgrade (.distUpgrade)", 'deb [arch=amd64] https://download.docker.com/linux/ubuntu jammy stable\n', day(8, 10));
  unscored(b, u, '/etc/apt/sources.list.d/docker.list.save', "apt-add-repository's/software-properties' copy (.save) beside the live list: a backup, or a state file of the tool?", 'deb [arch=amd64] https://download.docker.com/linux/ubuntu jammy stable\n', day(8, 10));

  // mail: doveadm backup to an mdbox; Samba AD and FreeIPA's own backups
  b.file('/srv/mailbackup/alice/storage/m.1', B, '`doveadm backup` of a mailbox to an mdbox (storage/m.N)', `2 M1E C${b.hex(8)}\n${b.text(2500, (i) => `Received: from mx${i}.example.com`)}`, day(22, 4));
  b.file('/srv/samba-backups/samba-backup-dc1.example.com-2026-11-22T03-00-01.123456.tar.bz2', B, '`samba-tool domain backup offline` (samba-backup-HOST-DATE.tar.bz2)', z('bzip2', tar([['backup.txt', 'backup date: 2026-11-22T03:00:01\nbackup type: offline\n'], ['private/sam.ldb', b.bytes(1500)]], day(22)), "samba-tool's backup"), day(22, 3, 1));
  const ipa = '/var/lib/ipa/backup/ipa-full-2026-11-22-03-00-01';
  b.file(`${ipa}/ipa-full.tar`, B, "`ipa-backup`: the full backup's archive (ipa-full-DATE/ipa-full.tar)", tar([['etc/ipa/default.conf', '[global]\nrealm = EXAMPLE.COM\n'], ['var/lib/dirsrv/slapd-EXAMPLE-COM/ldif/EXAMPLE-COM-userRoot.ldif', 'dn: dc=example,dc=com\n']], day(22)), day(22, 3, 6));

  // time series and analytics: a Prometheus TSDB snapshot, InfluxDB 1.x portable backup, ClickHouse (clickhouse-backup; FREEZE makes hard links in shadow/)
  const ps = `/var/lib/prometheus/snapshots/20261122T030000Z-${b.hex(16)}/01J${b.hex(23).toUpperCase()}`;
  b.file(`${ps}/chunks/000001`, B, "Prometheus' snapshot (admin API: snapshots/DATE-RAND/BLOCK/chunks), kept for a backup", Buffer.concat([MAGIC.promChunks, Buffer.alloc(3), b.bytes(3000)]), day(22, 3));
  const inf = '/srv/influx-backup';
  b.file(`${inf}/20261122T030001Z.s1.tar.gz`, B, '`influxd backup -portable`: a shard (DATE.sN.tar.gz)', zlib.gzipSync(tar([['telegraf/autogen/1/000000001-000000001.tsm', b.bytes(2000)]], day(22))), day(22, 3, 2));
  b.file('/var/lib/clickhouse/backup/2026-11-22T03-00-01/metadata.json', B, "clickhouse-backup's local backup (backup/NAME/metadata.json)", JSON.stringify({ backup_name: '2026-11-22T03-00-01', disks: { default: '/var/lib/clickhouse' }, version: '2.4.0', creation_date: '2026-11-22T03:00:01Z', tables: [{ database: 'default', table: 'events' }] }), day(22, 3, 1));
  const part = `store/${b.hex(3)}/${uuid(b)}/all_1_1_0/data.bin`;
  b.file(`/var/lib/clickhouse/${part}`, null, "ClickHouse's live data part (store/.../PART/data.bin): the table's data", b.bytes(3000), day(20, 4));
  b.dir(path.posix.dirname(`/var/lib/clickhouse/shadow/1/${part}`));
  fs.linkSync(b.abs(`/var/lib/clickhouse/${part}`), b.abs(`/var/lib/clickhouse/shadow/1/${part}`));
  b.label(`/var/lib/clickhouse/shadow/1/${part}`, B, "ClickHouse's ALTER TABLE ... FREEZE: a hard link of the part in shadow/N, kept as a backup until removed by hand");
  b.hardLinked.push([`/var/lib/clickhouse/${part}`, `/var/lib/clickhouse/shadow/1/${part}`]);

  // dirvish's vault (BANK/VAULT/DATE/tree, summary), Back In Time (backintime/HOST/USER/PROFILE/DATE/backup/...)
  const dv = '/backup/dirvish/web1/2026-11-22';
  b.file(`${dv}/tree/etc/hosts`, B, "dirvish: a file in an image's tree (BANK/VAULT/IMAGE/tree/...)", '127.0.0.1 localhost\n10.0.0.8 web1\n', day(22, 2, 10));
  unscored(b, u, `${dv}/log.gz`, "dirvish's rsync log of that image, expired with it: a log, or part of the backup?", zlib.gzipSync(b.text(1500, (i) => `etc/file${i}`)), day(22, 2, 10));
  const bit = '/media/carol/USB/backintime/laptop/carol/1/20261122-090001-123/backup';
  b.file(`${bit}/home/carol/Documents/cv.odt`, B, "Back In Time: a file of a snapshot (backintime/HOST/USER/PROFILE/DATE/backup/...)", zip([['content.xml', b.text(1500, (i) => `<text:p>${i}</text:p>`)]]), day(22, 9, 5));

  // web apps: WPvivid, BackupBuddy, Akeeba (Joomla), Magento's setup:backup, Drupal's Backup and Migrate, Moodle's course backups
  b.file('/var/www/html/wp-content/wpvivid_backups/example_wpvivid-6561f3c2d4e5f_2026-11-22-03-00_backup_all.zip', B, "WPvivid's backup of a WordPress site (wp-content/wpvivid_backups)", zip([['wp-config.php', b.text(800, (i) => `define('K${i}', 1);`)], ['example_backup_db.sql', mysqlDump(b, 'wp', 8)]]), day(22, 3, 3));
  b.file('/var/www/blog3/wp-content/uploads/backupbuddy_backups/backup-blog3_example_com-2026_11_21-03_00am-full-k3j9aq2xzp.zip', B, "BackupBuddy's full backup (uploads/backupbuddy_backups)", zip([['wp-content/uploads/backupbuddy_temp/k3j9aq2xzp/db_1.sql', mysqlDump(b, 'blog3', 6)]]), day(21, 3, 3));
  b.file('/var/www/joomla/administrator/components/com_akeebabackup/backup/site-www.example.com-20261122-030001utc-k3J9aQ2x.jpa', B, "Akeeba Backup's archive of a Joomla site (.jpa)", Buffer.concat([Buffer.from(MAGIC.jpa, 'latin1'), Buffer.from([19, 0, 1, 2]), b.bytes(3000)]), day(22, 3, 1));
  b.file(`/var/www/magento/var/backups/${epoch(21, 2)}_db.sql`, B, "Magento's `setup:backup --db` (var/backups/EPOCH_db.sql)", mysqlDump(b, 'magento', 15), day(21, 2, 1));
  b.file('/var/www/drupal10/sites/default/files/private/backup_migrate/scheduled/site-2026-11-22T03-00-00.mysql.gz', B, "Drupal's Backup and Migrate, a scheduled database backup", zlib.gzipSync(mysqlDump(b, 'drupal', 8)), day(22, 3));
  b.file('/srv/moodle-backups/backup-moodle2-course-12-intro-20261122-0300.mbz', B, "Moodle's automated course backup (.mbz: a gzip'd tar)", zlib.gzipSync(tar([['moodle_backup.xml', '<?xml version="1.0" encoding="UTF-8"?>\n<moodle_backup><information><name>backup-moodle2-course-12-intro-20261122-0300.mbz</name></information></moodle_backup>\n']], day(22))), day(22, 3, 5));
  unscored(b, u, '/var/lib/libvirt/qemu/save/web1.save', "libvirt's managed save of a VM (virsh managedsave: its memory, restored at next start): a backup, or the VM's state?", Buffer.concat([Buffer.from('LibvirtQemudSave'), b.bytes(3500)]), day(20, 18));
  unscored(b, u, '/var/lib/bacula/bacula.sql', "make_catalog_backup's dump of the catalog, written before the catalog job and deleted after it: a backup, or temp?", pgPlain(b, 'bacula', 15, day(22)), day(22, 23, 10));
}

function logs(b: Builder, u: Map<string, string>, z: Squeeze): void {
  const L = 'logs';
  const vl = (n: string, why: string, data: Buffer | string, t = NOW) => b.file(`/var/log/${n}`, L, why, data, t);
  const acc = (host: string, t: number) => (i: number) => `203.0.113.${i % 250} - - [${clf(t + i * 7000)}] "GET /${host}/p/${i % 90} HTTP/1.1" ${i % 17 ? 200 : 404} ${b.int(200, 9000)} "-" "Mozilla/5.0 (X11; Linux x86_64)"`;
  const cron = (t: number) => (i: number) => `${bsd(t + i * 60_000)} app1 CROND[${20000 + i}]: (root) CMD (/usr/lib64/sa/sa1 1 1)`;
  // nginx per-vhost (Debian layout), RHEL httpd's ssl_request_log, php-fpm, logrotate's `extension .log` with dateext
  vl('nginx/shop.example.com.access.log', "nginx's per-vhost access log", b.text(2500, acc('shop', day(24, 0))));
  vl('nginx/shop.example.com.access.log.3.gz', "nginx's per-vhost access log rotated and compressed", zlib.gzipSync(b.text(2500, acc('shop', day(21, 0)))), day(22, 0));
  vl('nginx/shop.example.com.error.log', "nginx's per-vhost error log", b.text(900, (i) => `2026/11/24 06:0${i % 10}:00 [error] 812#812: *${i} open() "/var/www/shop/favicon${i}.ico" failed (2: No such file or directory)`));
  vl('httpd/ssl_request_log-20261122', "RHEL httpd's SSL request log rotated (dateext)", b.text(1500, (i) => `[${clf(day(21) + i * 9000)}] 10.0.0.${i % 250} TLSv1.3 TLS_AES_256_GCM_SHA384 "GET /${i} HTTP/2.0" ${b.int(200, 9000)}`), day(22, 3));
  const fpm = (t: number) => (i: number) => `[${new Date(t + i * 30_000).toUTCString().slice(5, 25).replace(' ', '-').replace(' ', '-')}] NOTICE: [pool www] child ${30000 + i} started`;
  vl('php8.2-fpm.log.1', "php-fpm's log rotated (delaycompress)", b.text(1200, fpm(day(17, 0))), day(24, 0));
  vl('myapp/api-20261122.log.gz', "logrotate with dateext and `extension .log` (NAME-DATE.log.gz)", zlib.gzipSync(b.text(1800, (i) => `2026-11-21T0${i % 10}:00:00Z INFO api request id=${b.hex(8)} status=200`)), day(22, 0));
  // a log host's per-device file; RHEL's rsyslog files (cron, maillog, secure with dateext); dnf; Debian's daemon.log, ufw, fail2ban; the installer; apt's EIPP
  vl('network/switch1.log', "rsyslog's per-device file on a log host (a switch's syslog)", b.text(1500, (i) => `${bsd(day(24) + i * 40_000)} switch1 %LINK-3-UPDOWN: Interface GigabitEthernet1/0/${i % 48}, changed state to up`));
  vl('cron', "RHEL's cron log (/var/log/cron)", b.text(1500, cron(day(24, 0))));
  vl('cron-20261122', "RHEL's cron log rotated (dateext, no compression)", b.text(1500, cron(day(21, 0))), day(22, 3));
  vl('secure-20261122', "RHEL's auth log rotated (secure-YYYYMMDD)", b.text(1500, (i) => `${bsd(day(21) + i * 50_000)} app1 sshd[${5000 + i}]: Accepted publickey for deploy from 10.0.0.${i % 250} port ${40000 + i} ssh2`), day(22, 3));
  vl('daemon.log.1', "Debian's daemon.log rotated", b.text(1500, (i) => `${syslogTime(day(23) + i * 45_000)} web3 systemd[1]: Started session-${i}.scope - Session ${i} of User deploy.`), day(24, 0));
  vl('ufw.log', "ufw's log", b.text(1500, (i) => `${syslogTime(day(24) + i * 20_000)} web3 kernel: [UFW BLOCK] IN=eth0 OUT= SRC=198.51.100.${i % 250} DST=10.0.0.3 PROTO=TCP SPT=${40000 + i} DPT=23`));
  vl('fail2ban.log.2.gz', "fail2ban's log rotated and compressed", zlib.gzipSync(b.text(1500, (i) => `2026-11-10 0${i % 10}:00:00,123 fail2ban.actions [812]: NOTICE [sshd] Ban 198.51.100.${i % 250}`)), day(17, 0));
  vl('installer/syslog', "the Debian installer's syslog, kept after installation", b.text(2000, (i) => `Nov  2 10:0${i % 10}:00 main-menu[${300 + i}]: INFO: Menu item 'partman' selected`), day(2, 10, 40));
  vl('apt/eipp.log.xz', "apt's EIPP log (the planner's input), xz", z('xz', b.text(2000, (i) => `Package: lib${i}\nArchitecture: amd64\nVersion: 1.${i}\n`), "apt's EIPP log"), day(22, 9));
  vl('dovecot.log', "Dovecot's own log (log_path)", b.text(1200, (i) => `Nov 24 06:0${i % 10}:00 imap-login: Info: Login: user=<user${i}>, method=PLAIN, rip=10.0.0.${i % 250}, lip=10.0.0.2, mpid=${7000 + i}, TLS`));
  // JVM servers: Kafka (log4j hourly DailyRollingFileAppender), ZooKeeper's .out, Hadoop
  b.file('/opt/kafka/logs/server.log.2026-11-23-05', L, "Kafka's server log rolled hourly (server.log.YYYY-MM-DD-HH)", b.text(2000, (i) => `[2026-11-23 05:0${i % 10}:00,123] INFO [Log partition=events-${i % 8}, dir=/data/kafka-logs] Rolled new log segment at offset ${i * 1000} (kafka.log.Log)`), day(23, 6));
  b.file('/opt/zookeeper/logs/zookeeper-zk-server-zk1.out', L, "ZooKeeper's console output file (zookeeper-USER-server-HOST.out)", b.text(1200, (i) => `2026-11-24 06:0${i % 10}:00,123 [myid:1] - INFO  [NIOWorkerThread-${i % 4}:NIOServerCnxn@514] - Processing stat command`));
  // web front ends: Varnish, Caddy (lumberjack rotation), forever, gunicorn, Celery
  vl('caddy/access-2026-11-22T03-00-00.000.log.gz', "Caddy's access log rolled and compressed (NAME-TIME.log.gz)", zlib.gzipSync(b.text(2000, (i) => JSON.stringify({ level: 'info', ts: epoch(21) + i, logger: 'http.log.access', msg: 'handled request', status: 200 }))), day(22, 3));
  vl('gunicorn/error.log.1', "gunicorn's error log rotated", b.text(1200, (i) => `[2026-11-23 06:0${i % 10}:00 +0000] [${800 + i}] [INFO] Booting worker with pid: ${800 + i}`), day(24, 0));
  vl('celery/w1-1.log', "a Celery worker's log (--logfile=%n%I.log: one per process)", b.text(1200, (i) => `[2026-11-24 06:0${i % 10}:00,123: INFO/ForkPoolWorker-1] Task shop.tasks.send_mail[${uuid(b)}] succeeded in 0.0${i}s: None`));
  // PHP apps: Shopware (Monolog's rotating handler), Magento, Nextcloud
  b.file('/srv/shopware/var/log/prod-2026-11-23.log', L, "Shopware's log (Monolog RotatingFileHandler: ENV-DATE.log)", b.text(1500, (i) => `[2026-11-23T06:0${i % 10}:00.123456+00:00] request.INFO: Matched route "frontend.home.page". {"route":"frontend.home.page","request_uri":"/${i}"} []`), day(23, 23));
  b.file('/var/www/magento/var/log/exception.log', L, "Magento's exception log (var/log)", b.text(1500, (i) => `[2026-11-24T06:0${i % 10}:00.123456+00:00] main.CRITICAL: Unable to send mail ${i} {"exception":"[object] (Magento\\\\Framework\\\\Exception\\\\MailException(code: 0))"} []`));
  b.file('/var/www/nextcloud/data/nextcloud.log', L, "Nextcloud's log (data/nextcloud.log, JSON lines)", b.text(1500, (i) => JSON.stringify({ reqId: b.hex(20), level: 2, time: new Date(day(24) + i * 60_000).toISOString(), remoteAddr: `10.0.0.${i % 250}`, app: 'core', message: `Login failed: user${i}` })));
  // desktops and CI: rootless Xorg's log, a Jenkins agent's remoting log, GNU screen's log
  b.file('/home/carol/.local/share/xorg/Xorg.0.log', L, "a rootless X server's log (~/.local/share/xorg/Xorg.N.log)", b.text(2000, (i) => `[    ${i}.${b.int(100, 999)}] (II) AMDGPU(0): Output DisplayPort-${i % 3} connected`));
  b.file('/home/jenkins/agent/remoting/logs/remoting.log.0', L, "a Jenkins agent's remoting log (remoting/logs/remoting.log.N)", b.text(1200, (i) => `Nov 24, 2026 6:0${i % 10}:00 AM hudson.remoting.Launcher$CuiListener status\nINFO: Connected ${i}`));
  b.file('/home/carol/screenlog.0', L, "GNU screen's session log (screenlog.N, screen -L)", b.text(1200, (i) => `carol@web3:~$ tail -f /var/log/syslog # ${i}`), day(23, 22));
  // runit's svlogd (GitLab Omnibus): current and the rotated @TAI64N.s; GitLab's JSON log
  const tai = `@4000000065${b.hex(6)}${b.hex(8)}`;
  vl('gitlab/sidekiq/current', "runit's svlogd live log (current)", b.text(2000, (i) => `{"severity":"INFO","time":"2026-11-24T06:0${i % 10}:00.123Z","class":"PipelineProcessWorker","jid":"${b.hex(24)}","job_status":"done"}`));
  vl(`gitlab/sidekiq/${tai}.s`, "svlogd's rotated log (@TAI64N.s: the time it was rotated)", b.text(2000, (i) => `{"severity":"INFO","time":"2026-11-22T06:0${i % 10}:00.123Z","class":"ExpireBuildArtifactsWorker"}`), day(23, 0));
  vl('gitlab/gitlab-rails/production_json.log', "GitLab's Rails log (JSON)", b.text(2000, (i) => JSON.stringify({ method: 'GET', path: `/api/v4/projects/${i}`, status: 200, duration_s: 0.05, time: new Date(day(24) + i * 1000).toISOString() })));
  // databases: MySQL's error and slow logs (Debian), MariaDB on RHEL, PostgreSQL on RHEL (postgresql-%a.log), Elasticsearch's rolled JSON, Cassandra's zipped rotation, RabbitMQ
  vl('mysql/error.log', "MySQL's error log (Debian: /var/log/mysql/error.log)", b.text(1200, (i) => `2026-11-24T06:0${i % 10}:00.123456Z ${i} [Warning] [MY-010055] [Server] IP address '10.0.0.${i % 250}' could not be resolved`));
  vl('mysql/mysql-slow.log.1.gz', "MySQL's slow query log rotated and compressed", zlib.gzipSync(b.text(2000, (i) => `# Time: 2026-11-23T06:0${i % 10}:00.123456Z\n# Query_time: 3.${i}  Lock_time: 0.000  Rows_sent: 1  Rows_examined: 900000\nSELECT * FROM orders WHERE note LIKE '%${i}%';`)), day(24, 0));
  b.file('/var/lib/pgsql/15/data/log/postgresql-Sun.log', L, "PostgreSQL's log on RHEL (log_filename postgresql-%a.log, a week's rotation by truncation)", b.text(1800, (i) => `2026-11-22 06:0${i % 10}:00.123 UTC [${3000 + i}] LOG:  checkpoint complete: wrote ${i} buffers`), day(22, 23, 59));
  vl('elasticsearch/prod-2026-11-22-1.json.gz', "Elasticsearch's server log rolled and compressed (CLUSTER-DATE-N.json.gz)", zlib.gzipSync(b.text(2000, (i) => JSON.stringify({ '@timestamp': new Date(day(22) + i * 4000).toISOString(), 'log.level': 'INFO', message: `[node-1] added {node-${i}}` }))), day(23, 0));
  vl('cassandra/system.log.1.zip', "Cassandra's system log rotated by logback (system.log.N.zip)", zip([['system.log.1', b.text(2000, (i) => `INFO  [CompactionExecutor:${i}] 2026-11-22 06:0${i % 10}:00,123 CompactionTask.java:241 - Compacted ${i} sstables`)]]), day(23, 0));
  vl('rabbitmq/rabbit@mq1.log', "RabbitMQ's node log (rabbit@HOST.log)", b.text(1500, (i) => `2026-11-24 06:0${i % 10}:00.123456+00:00 [info] <0.${700 + i}.0> accepting AMQP connection 10.0.0.${i % 250}:${40000 + i} -> 10.0.0.4:5672`));
  // telephony, DNS, printing, virtualisation
  vl('asterisk/full.1', "Asterisk's full log rotated by its logger (full.N)", b.text(1500, (i) => `[Nov 23 06:0${i % 10}:00] VERBOSE[${2000 + i}][C-0000${i % 10}] pbx.c: Executing [100@internal:1] Dial("PJSIP/20${i % 10}-0000", "PJSIP/100") in new stack`), day(24, 0));
  vl('named/query.log.0', "BIND's query log rotated by named itself (versions: NAME.N)", b.text(1800, (i) => `23-Nov-2026 06:0${i % 10}:00.123 client @0x7f${b.hex(8)} 10.0.0.${i % 250}#${40000 + i} (www.example.com): query: www.example.com IN A +E(0) (10.0.0.53)`), day(24, 0));
  vl(`pve/tasks/3/UPID:pve1:00001A2B:0004C5D6:${b.hex(8).toUpperCase()}:vzdump::root@pam:`, "Proxmox VE's task log (pve/tasks/N/UPID:...: no extension)", b.text(1200, (i) => `INFO: starting new backup job: vzdump 100 --mode snapshot ${i}`), day(22, 3, 20));
  // login records, cloud-init, dmesg, a backup job's log, Plex
  vl('wtmp.1', 'login records rotated (wtmp.1, monthly)', b.bytes(384 * 6), day(1, 0));
  vl('cloud-init-output.log', "cloud-init's output log", b.text(1500, (i) => `Cloud-init v. 24.1 running 'modules:config' at Mon, 02 Nov 2026 10:00:0${i % 10} +0000. Up ${i}.12 seconds.`), day(2, 10));
  vl('dmesg.0', "the previous boot's kernel messages (Ubuntu: /var/log/dmesg.0)", b.text(2000, (i) => `[    ${i}.${b.int(100000, 999999)}] kernel: usb 1-${i % 4}: new high-speed USB device number ${i} using xhci_hcd`), day(20, 7));
  vl('backup-nightly.log', "the nightly backup job's log (a log, named for backups)", b.text(1200, (i) => `2026-11-24 03:0${i % 10}:00 restic: processed ${i * 100} files, 1.2 GiB in 0:${String(i % 60).padStart(2, '0')}`));
  const plex = '/var/lib/plexmediaserver/Library/Application Support/Plex Media Server';
  b.file(`${plex}/Logs/Plex Media Server.1.log`, L, "Plex's previous log (NAME.N.log)", b.text(1500, (i) => `Nov 23, 2026 06:0${i % 10}:00.123 [0x7f${b.hex(8)}] INFO - Scanning section 1`), day(24, 0));
  unscored(b, u, '/var/lib/mongodb/diagnostic.data/metrics.2026-11-23T06-00-00Z-00000', "MongoDB's full-time diagnostic data capture (diagnostic.data/metrics.*, rotated by size): logs, or the server's data?", b.bytes(3000), day(24, 6));
  unscored(b, u, '/var/log/ntpstats/loopstats.20261123', "ntpd's statistics file in /var/log (loopstats.DATE): a log, or measurements kept as data?", b.text(1500, (i) => `61367 ${i * 64}.123 0.000012${i % 10} 2.345 0.000003 0.001 10`), day(24, 0));
}

function caches(b: Builder, u: Map<string, string>): void {
  const C = 'caches';
  // package managers and system caches: yum's keepcache, dnf's solv files, ldconfig's aux-cache, catman pages, CUPS' job cache, pbuilder's apt cache, apt-cacher-ng, cachefilesd, nscd, locate
  b.file('/var/cache/yum/x86_64/7/base/packages/bash-4.2.46-35.el7_9.x86_64.rpm', C, "yum's package cache (keepcache=1: /var/cache/yum/ARCH/REL/REPO/packages)", Buffer.concat([Buffer.from([0xed, 0xab, 0xee, 0xdb, 3, 0, 0, 0]), b.bytes(3000)]));
  b.file('/var/cache/dnf/appstream.solv', C, "dnf's solver cache of a repository (/var/cache/dnf/REPO.solv)", Buffer.concat([Buffer.from('SOLV'), b.bytes(3000)]));
  b.file('/var/cache/man/cat1/ls.1.gz', C, "man-db's formatted page cache (catman: /var/cache/man/catN)", zlib.gzipSync(b.text(1500, (i) => `LS(1) User Commands ${i}`)));
  b.file('/var/cache/pbuilder/aptcache/libc6_2.36-9+deb12u4_amd64.deb', C, "pbuilder's apt cache (/var/cache/pbuilder/aptcache)", Buffer.concat([Buffer.from('!<arch>\ndebian-binary   '), b.bytes(2500)]));
  b.file('/var/cache/apt-cacher-ng/debrep/pool/main/c/curl/curl_7.88.1-10+deb12u5_amd64.deb', C, "apt-cacher-ng's proxy cache of a package", Buffer.concat([Buffer.from('!<arch>\ndebian-binary   '), b.bytes(2800)]));
  b.file(`/var/cache/fscache/cache/@4a/I03nfs/@e2/Jc0000000000000${b.hex(3)}`, C, "cachefilesd's cache of an NFS mount (FS-Cache, /var/cache/fscache)", b.bytes(4096));
  b.file('/var/cache/locate/locatedb', C, "findutils' file name database (rebuilt daily by updatedb)", Buffer.concat([Buffer.from('\0LOCATE02\0'), b.bytes(3000)]));
  // home caches below ~/.cache: GPU shader caches, GStreamer, ML models, pre-commit, deno, Playwright's browsers, node-gyp's headers, helm, coursier
  const hc = '/home/carol/.cache';
  b.file(`${hc}/mesa_shader_cache/${b.hex(2)}/${b.hex(38)}`, C, "Mesa's shader cache (~/.cache/mesa_shader_cache)", b.bytes(2000));
  b.file(`${hc}/huggingface/hub/models--bert-base-uncased/blobs/${b.hex(64)}`, C, "Hugging Face's hub cache (a downloaded model's blob)", b.bytes(4000));
  b.file(`${hc}/torch/hub/checkpoints/resnet50-0676ba61.pth`, C, "torch.hub's downloaded checkpoint (~/.cache/torch/hub/checkpoints)", zip([['archive/data.pkl', b.bytes(2000)]]));
  b.file(`${hc}/pre-commit/repo${b.hex(8)}/.pre-commit-hooks.yaml`, C, "pre-commit's clone of a hook repository (~/.cache/pre-commit)", '- id: trailing-whitespace\n  name: trim trailing whitespace\n  entry: trailing-whitespace-fixer\n  language: python\n');
  b.file(`${hc}/deno/deps/https/deno.land/${b.hex(64)}`, C, "deno's remote module cache (DENO_DIR/deps)", b.text(1500, (i) => `export function f${i}() {}`));
  b.file(`${hc}/ms-playwright/chromium-1091/chrome-linux/chrome`, C, "Playwright's downloaded browser (~/.cache/ms-playwright)", elf(b, 3800, 2));
  b.file(`${hc}/helm/repository/bitnami-index.yaml`, C, "helm's repository index cache (~/.cache/helm/repository)", b.text(2500, (i) => `  chart${i}:\n  - apiVersion: v2\n    version: 1.${i}.0`));
  b.file(`${hc}/coursier/v1/https/repo1.maven.org/maven2/org/typelevel/cats-core_2.13/2.10.0/cats-core_2.13-2.10.0.jar`, C, "coursier's download cache (~/.cache/coursier/v1)", zip([['cats/Functor.class', b.bytes(1500)]]));
  // language package caches outside ~/.cache: gem, cabal, SDKMAN, Gradle's build cache; Flutter's bin/cache (unscored)
  b.file('/home/carol/.local/share/gem/ruby/3.1.0/cache/rake-13.1.0.gem', C, "RubyGems' cache of a downloaded gem (GEM_HOME/cache)", tar([['metadata.gz', zlib.gzipSync('--- !ruby/object:Gem::Specification\nname: rake\n')]], day(5)));
  b.file('/home/carol/.cabal/packages/hackage.haskell.org/aeson/2.1.2.1/aeson-2.1.2.1.tar.gz', C, "cabal's package download cache (~/.cabal/packages)", zlib.gzipSync(tar([['aeson-2.1.2.1/aeson.cabal', 'name: aeson\n']], day(5))));
  b.file('/home/carol/.sdkman/archives/java-21.0.1-tem.zip', C, "SDKMAN's downloaded archives (`sdk flush archives`)", zip([['jdk-21.0.1+12/release', 'JAVA_VERSION="21.0.1"\n']]));
  b.file(`/home/bob/.gradle/caches/build-cache-1/${b.hex(32)}`, C, "Gradle's local build cache (caches/build-cache-1)", zlib.gzipSync(tar([['tree-classes/App.class', b.bytes(1200)]], day(20))));
  unscored(b, u, '/home/bob/flutter/bin/cache/dart-sdk/bin/dart', "the Dart SDK Flutter downloads into its bin/cache (flutter precache): a cache, or the SDK's install?", elf(b, 3800, 2));
  // browsers and desktop apps
  b.file('/home/carol/.cache/BraveSoftware/Brave-Browser/Default/Cache/Cache_Data/data_1', C, "Brave's disk cache", b.bytes(3000));
  b.file(`/home/carol/.var/app/com.spotify.Client/cache/spotify/Data/${b.hex(2)}/${b.hex(38)}.file`, C, "Spotify's (Flatpak) streaming cache", b.bytes(3500));
  // web apps' caches: Autoptimize, Magento's file and page caches, Joomla, MediaWiki, Moodle, nginx's fastcgi_cache, Apache's mod_cache_disk
  b.file(`/var/www/html/wp-content/cache/autoptimize/js/autoptimize_${b.hex(32)}.js`, C, "Autoptimize's aggregated scripts (wp-content/cache/autoptimize)", b.text(2500, (i) => `!function(){var a${i}=${i}}();`));
  b.file(`/var/www/magento/var/cache/mage--${b.hex(1)}/mage---${b.hex(3)}_CONFIG_SCOPES`, C, "Magento's file cache (var/cache/mage--X)", b.text(1500, (i) => `a:${i}:{}`));
  b.file(`/var/www/magento/var/page_cache/mage--${b.hex(1)}/mage---${b.hex(3)}_${b.hex(32).toUpperCase()}`, C, "Magento's full-page cache (var/page_cache)", b.text(2000, (i) => `<div>${i}</div>`));
  b.file(`/var/www/joomla/cache/com_content/${b.hex(32)}.php`, C, "Joomla's cache (cache/COMPONENT)", `<?php die("Access Denied"); ?>#x#${b.text(1500, (i) => `a:${i}:{}`)}`);
  b.file(`/var/moodledata/cache/cachestore_file/default_application/core_string/${b.hex(40)}.cache`, C, "Moodle's application cache (moodledata/cache/cachestore_file)", b.text(1500, (i) => `s:${i}:"x";`));
  b.file(`/var/cache/nginx/fcgi/${b.hex(1)}/${b.hex(2)}/${b.hex(32)}`, C, "nginx's fastcgi_cache (levels=1:2)", Buffer.concat([b.bytes(40), Buffer.from(`\nKEY: httpsGETshop.example.com/product/42\nStatus: 200 OK\r\nContent-Type: text/html\r\n\r\n${b.text(1500, (i) => `<p>${i}</p>`)}`)]));
  // CI and Kubernetes: a GitLab Runner cache volume, kubectl's HTTP cache
  b.file(`/var/lib/docker/volumes/runner-k3j9aq2x-project-42-concurrent-0-cache-${b.hex(32)}/_data/shop/web/.npm/_cacache/content-v2/sha512/${b.hex(2)}/${b.hex(2)}/${b.hex(124)}`, C, "GitLab Runner's (docker executor) cache volume (runner-...-cache-HASH)", b.bytes(2500));
  b.file(`/home/bob/.kube/cache/http/${b.hex(64)}`, C, "kubectl's HTTP cache (~/.kube/cache/http)", b.text(1200, (i) => `HTTP/1.1 200 OK ${i}`));
  // projects' tool caches
  const pj = '/home/carol/src/webapp';
  b.file(`${pj}/.gradle/8.5/fileHashes/fileHashes.bin`, C, "Gradle's project cache directory (.gradle/VERSION/fileHashes)", b.bytes(2000));
  b.file(`${pj}/.parcel-cache/${b.hex(16)}`, C, "Parcel's cache (.parcel-cache)", b.bytes(1800));
  b.file(`${pj}/.angular/cache/17.0.0/babel-webpack/${b.hex(64)}.json`, C, "the Angular CLI's cache (.angular/cache)", JSON.stringify({ code: b.text(800, (i) => `var x${i};`) }));
  b.file(`${pj}/.phpunit.result.cache`, C, "PHPUnit's result cache (.phpunit.result.cache)", JSON.stringify({ version: 1, defects: {}, times: { 'Tests\\Unit\\CartTest::testTotal': 0.012 } }));
  b.file(`${pj}/.cache/clangd/index/cart.cpp.${b.hex(16).toUpperCase()}.idx`, C, "clangd's background index (.cache/clangd/index)", Buffer.concat([Buffer.from('RIFF'), b.bytes(1500)]));
  b.file(`${pj}/tmp/cache/bootsnap/compile-cache-iseq/${b.hex(2)}/${b.hex(14)}`, C, "bootsnap's compile cache in a Rails app (tmp/cache/bootsnap)", b.bytes(1500));
  b.file(`/var/lib/plexmediaserver/Library/Application Support/Plex Media Server/Cache/PhotoTranscoder/${b.hex(2)}/${b.hex(40)}.jpg`, C, "Plex's transcoded image cache (Cache/PhotoTranscoder)", Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), b.bytes(2500)]));
  // a CACHEDIR.TAG (ccache writes one) under a name that says nothing
  cachedirTag(b, '/data/ci/objstore', 'ccache');
  b.file(`/data/ci/objstore/${b.hex(1)}/${b.hex(1)}/${b.hex(30)}R`, C, 'a ccache result file below its CACHEDIR.TAG (CCACHE_DIR=/data/ci/objstore)', Buffer.concat([Buffer.from('cCrS'), b.bytes(2000)]));
  unscored(b, u, '/var/cache/debconf/config.dat', "debconf's database of answers, in /var/cache by history: a cache, or state whose loss forgets the answers?", b.text(1500, (i) => `Name: pkg${i}/question\nTemplate: pkg${i}/question\nValue: true\nOwners: pkg${i}\n`));
  unscored(b, u, '/var/cache/bind/db.example.net', "a secondary zone BIND transferred (Debian keeps named's directory in /var/cache/bind): a cache, or served data?", b.text(900, (i) => `host${i}\t3600\tIN\tA\t192.0.2.${i % 250}`));
  unscored(b, u, `/var/tmp/dnf-carol-${b.hex(8)}/appstream-${b.hex(16)}/repodata/repomd.xml`, "dnf's per-user metadata cache in /var/tmp (dnf run as a user): a cache, or temp?", '<?xml version="1.0" encoding="UTF-8"?>\n<repomd><revision>1732000000</revision></repomd>\n', day(20, 9));
}

async function coreDumps(b: Builder, u: Map<string, string>, notes: string[], z: Squeeze): Promise<{ cores: string[]; made: 'kernel' | 'gcore' | null }> {
  const D = 'core dumps';
  const cores: string[] = [];
  let bytes: Buffer | null = null;
  // the kernel's core (this machine's core_pattern writes into the cwd), renamed as other patterns and tools name them: the bytes stay the kernel's
  const named: [dir: string, name: (pid: number) => string, why: string][] = [
    ['/var/lib/cores', (pid) => `${epoch(22, 14)}-sleep-${pid}.core`, 'core_pattern /var/lib/cores/%t-%e-%p.core'],
    ['/var/lib/coredumps', (pid) => `core-sleep-sig6-user0-group0-pid${pid}-time${epoch(22, 15)}`, 'core_pattern core-%e-sig%s-user%u-group%g-pid%p-time%t'],
    ['/var/spool/cores', (pid) => `!usr!bin!sleep.${pid}`, "core_pattern /var/spool/cores/%E.%p (%E: the program's path, / as !)"],
    ['/var/snap/lxd/common/lxd/storage-pools/default/containers/c1/rootfs/srv/app', () => 'core', "a process in an LXD container dumped core into its cwd (the container's rootfs)"],
    ['/var/lib/machines/build1/home/ci/work', (pid) => `core.${pid}`, 'a process in a systemd-nspawn machine dumped core (the machine\'s tree)'],
    ['/var/lib/libvirt/qemu/dump', () => `web1-2026-11-22-14:00:01`, "libvirt's automatic dump of a crashed guest (on_crash coredump-destroy: an ELF core of its memory)"],
  ];
  const placed = await placeCores(b, named.map(([d, name]) => (pid) => `${d}/${name(pid)}`));
  const made = placed.made;
  for (const [k, p] of placed.paths.entries()) {
    if (p === null) continue;
    b.label(p, D, `a core dump ${made === 'kernel' ? 'the kernel wrote' : "gdb's gcore wrote"} (ELF, ET_CORE): ${named[k][2]}`);
    cores.push(p);
    bytes ??= fs.readFileSync(b.abs(p));
  }
  if (!made) notes.push('no core dump: core_pattern pipes or names another directory, or ulimit -c is 0, and gcore is missing or failed; the raw cores are left out');
  if (bytes) {
    const boot = b.hex(32);
    // xz at its fastest preset (-0): the default one takes a few hundred ms on a core of 450 KiB
    const fast = spawnSync('xz', ['-0', '-q', '-c'], { input: bytes, maxBuffer: 1 << 26 });
    const xzCore = fast.status === 0 && fast.stdout.length > 0 ? fast.stdout : (notes.push("no xz: systemd-coredump's .xz core stored uncompressed"), bytes);
    b.file(`/var/lib/systemd/coredump/core.sleep.1000.${boot}.5151.${day(21, 10) * 1000}.xz`, D, "systemd-coredump's stored core, xz-compressed (core.COMM.UID.BOOT.PID.USEC.xz)", xzCore, day(21, 10));
    b.file(`/var/lib/systemd/coredump/core.gsd-xsettings.1000.${boot}.2718.${day(20, 16) * 1000}`, D, "systemd-coredump's stored core with Compress=no (no suffix)", bytes, day(20, 16));
    const coreField = `CoreDump: base64\n ${zlib.gzipSync(bytes).toString('base64').replace(/(.{76})/g, '$1\n ')}\n`;
    b.file('/var/crash/_snap_firefox_5361_usr_lib_firefox_firefox.1000.crash', D, "apport's crash report of a snap's program (its core inside)", `ProblemType: Crash\nArchitecture: amd64\nDate: Mon Nov 23 11:20:00 2026\nDistroRelease: Ubuntu 24.04\nExecutablePath: /snap/firefox/5361/usr/lib/firefox/firefox\nSignal: 11\nSnap: firefox 132.0-1\n${coreField}`, day(23, 11, 20));
    b.file('/home/bob/crash-analysis/coredump-4242', D, '`coredumpctl dump 4242 -o coredump-4242`: a core taken out of the journal for analysis', bytes, day(22, 16));
    unscored(b, u, `/var/lib/systemd/coredump/.#core.sleep.0.${boot}.6161.${day(23, 9) * 1000}.zst${b.hex(16)}`, "systemd-coredump's file being written (.#NAME + random), left by a crash of the writer: a core dump, or temp?", z('zstd', bytes.subarray(0, 4096), "systemd-coredump's partial core"), day(23, 9));
  }
  unscored(b, u, '/var/crash/127.0.0.1-2026-11-21-04:10:33/vmcore-incomplete', "kdump's vmcore left incomplete (the save did not finish): a core dump, or temp to remove?", Buffer.concat([Buffer.from('KDUMP   '), b.bytes(3500)]), day(21, 4, 12));
  return { cores, made };
}

function temp(b: Builder, u: Map<string, string>): void {
  const T = 'temp';
  // /tmp: Python's tempfile, a PHP upload, GNU sort, JNA, a snap's private /tmp, Chromium, yarn
  b.file('/tmp/tmp8x_2k3la.json', T, "Python's tempfile (NamedTemporaryFile(suffix='.json', delete=False): tmpXXXXXXXX)", JSON.stringify({ batch: b.int(1, 99), rows: [1, 2, 3] }), day(23, 14));
  b.file('/tmp/phpK3j9aQ', T, "PHP's upload temporary file (upload_tmp_dir: phpXXXXXX)", b.bytes(2500), day(24, 4));
  b.file('/tmp/sortQ2xZpA', T, "GNU sort's spill file (sortXXXXXX)", b.text(3000, (i) => `${b.hex(12)}\t${i}`), day(23, 2));
  b.file(`/tmp/jna--1712093/jna${b.int(1e17, 9e17)}.tmp`, T, "JNA's unpacked native library (/tmp/jna--HASH/jnaNNN.tmp)", elf(b, 3000), day(22, 8));
  b.file('/tmp/snap-private-tmp/snap.firefox/tmp/tmpaddon', T, "a snap's private /tmp (snap-private-tmp/snap.NAME/tmp): Firefox's add-on download", zip([['manifest.json', '{"name":"x"}']]), day(23, 19));
  // deploys and packaging: Ansible's remote_tmp, dpkg's tmp.ci, rsync's --partial-dir, yt-dlp's fragment state, OSTree's staging, snapd's download, Docker's tmp
  b.file(`/home/deploy/.ansible/tmp/ansible-tmp-${epoch(23, 9)}.12-4242-${b.int(1e14, 9e14)}/AnsiballZ_apt.py`, T, "Ansible's remote temp dir of a task (~/.ansible/tmp/ansible-tmp-*), left by an interrupted run", b.text(1500, (i) => `# ${b.hex(60)} ${i}`), day(23, 9));
  b.file('/var/lib/dpkg/tmp.ci/control', T, "dpkg's temporary control dir of a package being installed (tmp.ci), left by an interrupted run", 'Package: nginx-common\nVersion: 1.22.1-9\nArchitecture: all\n', day(21, 9));
  b.file('/srv/isos/.rsync-partial/rocky-9.3-x86_64-dvd.iso', T, "rsync's --partial-dir: an interrupted transfer (.rsync-partial/NAME)", b.bytes(4000), day(22, 23));
  b.file('/home/carol/Videos/conference-talk.f137.mp4.ytdl', T, "yt-dlp's state of an unfinished fragmented download (.ytdl)", JSON.stringify({ downloader: { current_fragment: { index: 12 } } }), day(23, 21));
  b.file(`/home/carol/.local/share/flatpak/repo/tmp/staging-${uuid(b)}-K3j9aq/${b.hex(2)}/${b.hex(62)}.file`, T, "OSTree's staging dir of a pull in progress (repo/tmp/staging-BOOTID-XXXXXX)", b.bytes(2000), day(22, 20));
  b.file('/var/lib/snapd/snaps/firefox_5361.snap.partial', T, "snapd's download in progress (NAME_REV.snap.partial)", Buffer.concat([Buffer.from('hsqs'), b.bytes(3500)]), day(24, 2));
  b.file(`/var/lib/docker/tmp/GetImageBlob${b.int(100000000, 999999999)}`, T, "Docker's temporary file of a layer download (/var/lib/docker/tmp)", b.bytes(3000), day(23, 7));
  b.file('/srv/samba/projects/~WRL0001.tmp', T, "Word's temporary file of a save on a share (~WRLNNNN.tmp)", Buffer.concat([MAGIC.ole, b.bytes(2000)]), day(23, 15));
  b.file('/home/carol/.local/share/recently-used.xbel.K3J9AQ', T, "GLib's atomic write in progress (g_file_set_contents: NAME.XXXXXX), left by a crash", b.text(1200, (i) => `<bookmark href="file:///home/carol/doc${i}.odt"/>`), day(23, 12));
  // servers: InnoDB's temporary tablespaces, MongoDB's and ClickHouse's spill files, PostgreSQL's stats temp dir, nginx's fastcgi and proxy temp, Exim's scan dir, GitLab Runner's PROJECT.tmp
  b.file('/var/lib/mysql/#innodb_temp/temp_1.ibt', T, "InnoDB's session temporary tablespace (#innodb_temp/temp_N.ibt: recreated at start)", b.bytes(4096), day(24, 1));
  b.file('/var/lib/mysql/ibtmp1', T, "InnoDB's global temporary tablespace (ibtmp1: removed at shutdown, recreated at start)", b.bytes(4096), day(24, 1));
  b.file('/var/lib/mongodb/_tmp/extsort-sort-executor.1', T, "MongoDB's external sort spill file (dbPath/_tmp)", b.bytes(3000), day(24, 3));
  b.file('/var/lib/postgresql/13/main/pg_stat_tmp/global.stat', T, "PostgreSQL's statistics temporary directory (pg_stat_tmp, before version 15)", b.bytes(1500), day(24, 6));
  b.file('/var/lib/nginx/fastcgi/3/07/0000000073', T, "nginx's buffered FastCGI response (fastcgi_temp_path: /var/lib/nginx/fastcgi)", b.bytes(3000), day(24, 5));
  b.file('/var/lib/nginx/proxy/1/02/0000000021', T, "nginx's buffered upstream response (proxy_temp_path: /var/lib/nginx/proxy)", b.bytes(3000), day(24, 5));
  const scan = `1t${b.hex(4)}-000${b.hex(3)}-AB`;
  b.file(`/var/spool/exim4/scan/${scan}/${scan}.eml`, T, "Exim's malware scan work dir of a message (spool/scan/ID, removed after the scan)", `From: x@example.org\nSubject: invoice\n\n${b.text(1200, (i) => `line ${i}`)}`, day(23, 8));
  b.file('/home/gitlab-runner/builds/Zx81aB3c/0/shop/web.tmp/CI_SERVER_TLS_CA_FILE', T, "GitLab Runner's PROJECT.tmp beside a build dir: the job's file variables, temporary", '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n', day(23, 12));
  unscored(b, u, '/var/lib/mysql/#innodb_redo/#ib_redo13_tmp', "InnoDB's spare redo file (#ib_redoN_tmp): temp by name, but preallocated by the running server: temp?", b.bytes(4096), day(24, 1));
  unscored(b, u, '/tmp/.s.PGSQL.5432.lock', "PostgreSQL's lock of its socket in /tmp (removed at shutdown): temp, or part of the running server?", '3101\n/var/lib/postgresql/15/main\n1795300000\n5432\n/tmp\n', day(20, 6));
}

function trash(b: Builder): void {
  const X = 'trash';
  const info = (top: string, name: string, from: string, d: number) => b.file(`${top}/info/${name}.trashinfo`, X, "the trash's record of a deleted item (info/NAME.trashinfo)", `[Trash Info]\nPath=${encodeURI(from)}\nDeletionDate=2026-11-${String(d).padStart(2, '0')}T11:02:43\n`, day(d, 11));
  // the home trash with a name clash (a second report.pdf gets report.2.pdf), a deleted folder
  const ht = '/home/carol/.local/share/Trash';
  b.file(`${ht}/files/report.2.pdf`, X, 'in the home trash: a second item of the same name (Trash/files/NAME.2.EXT)', Buffer.concat([Buffer.from('%PDF-1.7\n'), b.bytes(2500)]), day(21, 11));
  info(ht, 'report.2.pdf', '/home/carol/Documents/report.pdf', 21);
  b.file(`${ht}/files/old-webapp/config/database.yml`, X, 'in the home trash: a deleted folder', 'production:\n  adapter: postgresql\n', day(19, 11));
  info(ht, 'old-webapp', '/home/carol/src/old-webapp', 19);
  // /home as its own filesystem: its top directory's .Trash-UID
  b.file('/home/.Trash-1002/files/draft.odt', X, "in the trash of the /home volume (/home/.Trash-UID: another user's file deleted there)", zip([['content.xml', b.text(1500, (i) => `<text:p>${i}</text:p>`)]]), day(18, 11));
  info('/home/.Trash-1002', 'draft.odt', '/home/shared/draft.odt', 18);
  // Windows XP's recycle bin on a FAT/NTFS disk: RECYCLER/SID/DcN.ext and INFO2
  const rc = '/media/carol/OLDXP/RECYCLER/S-1-5-21-1177238915-1957994488-725345543-1003';
  b.file(`${rc}/Dc1.doc`, X, "Windows XP's recycle bin (RECYCLER/SID/DcN.EXT: a deleted file)", Buffer.concat([MAGIC.ole, b.bytes(2500)]), day(14, 12));
  const rec = Buffer.alloc(20 + 800);
  rec.writeUInt32LE(5, 0);
  rec.writeUInt32LE(800, 12);
  rec.write('C:\\Documents and Settings\\carol\\My Documents\\letter.doc', 20, 'latin1');
  rec.writeUInt32LE(1, 20 + 260);
  rec.writeUInt32LE(2, 20 + 264);
  rec.write('C:\\Documents and Settings\\carol\\My Documents\\letter.doc', 20 + 280, 'utf16le');
  b.file(`${rc}/INFO2`, X, "Windows XP's recycle bin: its index of deleted files (INFO2)", rec, day(14, 12));
  // NAS recycle bins: Synology's #recycle, QNAP's @Recycle, Samba's vfs_recycle without a per-user level
  b.file('/volume1/projects/#recycle/budget-2025.xlsx', X, "Synology's recycle bin of a shared folder (#recycle)", zip([['xl/workbook.xml', b.text(1500, (i) => `<sheet name="S${i}"/>`)]]), day(17, 12));
  b.file('/share/CACHEDEV1_DATA/Public/@Recycle/old-contract.docx', X, "QNAP's network recycle bin (@Recycle)", zip([['word/document.xml', b.text(1500, (i) => `<w:p>${i}</w:p>`)]]), day(16, 12));
  b.file('/srv/samba/public/.recycle/minutes-2026-10.docx', X, "Samba's vfs_recycle (recycle:repository = .recycle, no per-user level)", zip([['word/document.xml', b.text(1200, (i) => `<w:p>${i}</w:p>`)]]), day(15, 12));
  // Nextcloud: a deleted folder and a deleted file's versions
  const nt = '/var/www/nextcloud/data/carol/files_trashbin';
  b.file(`${nt}/files/Photos.d${epoch(20, 12)}/IMG_0042.jpg`, X, "Nextcloud's trash bin: a file of a deleted folder (files_trashbin/files/NAME.dEPOCH/...)", Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe1]), b.bytes(2500)]), day(20, 12));
  b.file(`${nt}/versions/notes.md.v${epoch(18, 9)}.d${epoch(20, 12)}`, X, "Nextcloud's trash bin: the versions of a deleted file (files_trashbin/versions)", b.text(900, (i) => `- note ${i}`), day(20, 12));
}

function decoys(b: Builder, u: Map<string, string>): void {
  // source code and projects: names like kinds, a logs/ and tmp/ of a git work tree, test fixtures
  const v = '/home/carol/src/vault';
  b.file(`${v}/.git/HEAD`, null, "a project's git repository", 'ref: refs/heads/main\n');
  b.file(`${v}/src/backup.rs`, null, 'source code named backup.rs', b.text(2500, (i) => `pub fn backup_step_${i}() -> u32 { ${i} }`));
  b.file(`${v}/src/trash.rs`, null, 'source code named trash.rs', b.text(1500, (i) => `pub fn move_to_trash_${i}() {}`));
  b.file('/home/carol/src/rotator/cmd/logrotate/main.go', null, 'source code of a command named logrotate (cmd/logrotate/main.go)', `package main\n\n${b.text(2000, (i) => `func rotate${i}() {}`)}`);
  b.file('/home/carol/src/rotator/.git/HEAD', null, "a project's git repository", 'ref: refs/heads/main\n');
  const pj = '/home/carol/src/webapp';
  b.file(`${pj}/.git/HEAD`, null, "a project's git repository", 'ref: refs/heads/main\n');
  b.file(`${pj}/log/.keep`, null, "an empty placeholder that keeps a Rails app's log/ in git", '');
  b.file(`${pj}/app/services/cache_warmer.rb`, null, 'source code named cache_warmer.rb', b.text(1500, (i) => `  def warm_${i}; end`));
  b.file(`${pj}/spec/fixtures/files/production.log`, null, "a test fixture named like a log (spec/fixtures/files)", b.text(1500, (i) => `Started GET "/${i}" for 127.0.0.1 at 2020-01-01 00:00:00 +0000`));
  b.file(`${pj}/spec/fixtures/files/dump.sql`, null, 'a test fixture named like a dump (spec/fixtures/files)', mysqlDump(b, 'test', 3));
  b.file(`${pj}/config/database.yml.tmpl`, null, 'a config template (.tmpl)', 'production:\n  adapter: postgresql\n  database: <%= ENV["DB"] %>\n');
  b.file('/home/bob/proj/web/node_modules/core-js/modules/es.array.at.js', null, "a library's code in a package named core-js", b.text(1200, (i) => `'use strict'; var $${i} = require('../internals/export');`));
  // programs and configs named like kinds
  b.file('/usr/local/bin/trash', null, 'a program named trash (a script, mode 755)', '#!/usr/bin/python3\nfrom trashcli.put import main\nmain()\n');
  fs.chmodSync(b.abs('/usr/local/bin/trash'), 0o755);
  b.file('/usr/local/bin/coredump-upload', null, 'a script that uploads core dumps (is not one)', '#!/bin/sh\nfor f in /var/lib/cores/*; do curl -T "$f" https://crash.example.com/; done\n');
  fs.chmodSync(b.abs('/usr/local/bin/coredump-upload'), 0o755);
  b.file('/etc/cron.daily/backup-db', null, 'a cron job that makes backups (a script)', '#!/bin/sh\npg_dump -Fc shop > /var/lib/pgsql/backups/shop-$(date +%F).dump\n');
  b.file('/etc/logrotate.d/myapp', null, "a logrotate rule (a config, not a log)", '/var/log/myapp/*.log {\n\tdaily\n\tdateext\n\textension .log\n\tcompress\n}\n');
  b.file('/etc/rsyslog.d/50-remote.conf', null, "rsyslog's config of remote logs", '$template PerHost,"/var/log/network/%HOSTNAME%.log"\n*.* ?PerHost\n');
  b.file('/etc/tmpfiles.d/myapp.conf', null, 'a tmpfiles.d rule (a config named for temp)', 'd /run/myapp 0755 myapp myapp -\nd /var/tmp/myapp 0700 myapp myapp 7d\n');
  b.file('/etc/bacula/bacula-dir.conf', null, "Bacula's director config", 'Director {\n  Name = backup1-dir\n  DIRport = 9101\n}\n');
  b.file('/etc/cron.d/empty-trash', null, 'a cron job that empties the trash', '0 4 * * * root /usr/bin/trash-empty 30\n');
  b.file('/root/.config/rclone/rclone.conf', null, "rclone's config (remotes for backups)", '[b2]\ntype = b2\naccount = 000\nkey = xxx\n');
  b.file('/var/lib/logrotate/logrotate.status', null, "logrotate's state file (RHEL's name): not a log", `logrotate state -- version 2\n${b.text(800, (i) => `"/var/log/app${i}.log" 2026-11-24-3:0:0`)}`);
  // databases' live files that look like temp, logs or backups
  b.file('/var/lib/mysql/#ib_16384_0.dblwr', null, "InnoDB's doublewrite buffer file (#ib_...dblwr, MySQL 8.0.20+): the server's data, not temp", b.bytes(4096));
  b.file('/var/lib/mysql/#innodb_redo/#ib_redo12', null, "InnoDB's redo log (#innodb_redo, MySQL 8.0.30+): the server's data, not a log to rotate", b.bytes(4096));
  b.file('/var/lib/mongodb/collection-0-8123456789012345678.wt', null, "MongoDB's collection file (WiredTiger)", b.bytes(3000));
  b.file('/var/lib/influxdb/wal/telegraf/autogen/1/_00001.wal', null, "InfluxDB's write-ahead log: its data, not a log", b.bytes(2500));
  b.file(`/var/lib/rabbitmq/mnesia/rabbit@mq1/msg_stores/vhosts/${b.hex(32).toUpperCase()}/msg_store_persistent/0.rdq`, null, "RabbitMQ's persistent message store", b.bytes(2500));
  b.file('/data/kafka-logs/events-0/00000000000000001234.log', null, "Kafka's log segment: a topic's data, not a log to rotate", b.bytes(3000));
  b.file('/var/lib/pgsql/15/data/pg_xact/0000', null, "PostgreSQL's commit log (pg_xact, once pg_clog): data", b.bytes(4096));
  b.file('/var/lib/docker/volumes/pgdata/_data/base/16384/2619', null, "PostgreSQL's data in a Docker volume", b.bytes(4096));
  b.file('/var/lib/docker/volumes/pgdata/_data/pg_wal/000000010000000000000003', null, "PostgreSQL's live WAL in a Docker volume: not a log, not a backup", b.bytes(4096));
  b.file(`${'/var/lib/plexmediaserver/Library/Application Support/Plex Media Server'}/Plug-in Support/Databases/com.plexapp.plugins.library.db`, null, "Plex's library database (SQLite)", sqlite(b, 3000));
  // state and spools named like kinds
  b.file('/var/lib/kubelet/pki/kubelet-client-2026-11-22-03-00-01.pem', null, "kubelet's current client certificate (dated: kubelet-client-current.pem points at it)", '-----BEGIN CERTIFICATE-----\nMIIC\n-----END CERTIFICATE-----\n-----BEGIN EC PRIVATE KEY-----\nMHc\n-----END EC PRIVATE KEY-----\n');
  b.symlink('kubelet-client-2026-11-22-03-00-01.pem', '/var/lib/kubelet/pki/kubelet-client-current.pem');
  b.file('/var/spool/cron/crontabs/root', null, "root's crontab (a spool, not temp)", '0 3 * * * /usr/local/sbin/nightly\n');
  b.file('/var/spool/at/a0000101b2c3d4', null, 'a job queued by at', '#!/bin/sh\n# atrun uid=0 gid=0\ncd /root\nreboot\n');
  b.file('/var/spool/cups/c00042', null, "CUPS' control file of a queued job", b.bytes(600));
  b.file('/var/spool/anacron/cron.daily', null, "anacron's timestamp of the daily jobs", '20261124\n');
  b.file('/var/lib/systemd/random-seed', null, "systemd's saved random seed", b.bytes(512));
  b.file('/home/carol/.thunderbird/k3j9aq2x.default-release/ImapMail/imap.example.com/INBOX', null, 'a mail folder (mbox) kept offline by Thunderbird', `From - Mon Nov 23 10:00:00 2026\nSubject: hi\n\n${b.text(1500, (i) => `line ${i}`)}`);
  // documents and media named like kinds
  b.file('/home/carol/Documents/disaster-recovery/restore-runbook.md', null, 'a document about restoring backups', b.text(1500, (i) => `${i}. restore step`));
  b.file('/home/carol/Documents/Core Java Volume I.pdf', null, 'a book titled Core ...', Buffer.concat([Buffer.from('%PDF-1.6\n'), b.bytes(3500)]));
  b.file('/srv/weather/data/temperature-2026-11.csv', null, 'measurements named temperature (temp...)', b.text(1500, (i) => `2026-11-${String((i % 24) + 1).padStart(2, '0')},${(i % 20) - 3}.5`));
  // a near-miss cache tag (one digit short: not the CACHEDIR.TAG signature) and what is beside it
  b.file('/home/carol/Videos/raw/CACHEDIR.TAG', null, 'a CACHEDIR.TAG whose signature is wrong (one digit short): no tag', 'Signature: 8a477f597d28d172789f06886806bc5\n');
  b.file('/home/carol/Videos/raw/clip-0001.mov', null, "footage beside that file: the user's data", Buffer.concat([Buffer.from([0, 0, 0, 0x14]), Buffer.from('ftypqt  '), b.bytes(3500)]));
  // web apps' code named like kinds
  b.file('/var/www/magento/vendor/magento/module-backup/Model/Backup.php', null, "Magento's Backup module (code)", b.text(2000, (i) => `    public function step${i}() {}`));
  b.file('/var/www/joomla/libraries/src/Cache/Cache.php', null, "Joomla's cache library (code in a directory named Cache)", b.text(2000, (i) => `    public function get${i}() {}`));
  b.file('/var/www/nextcloud/core/templates/login.php', null, "Nextcloud's own code in its directory named core", b.text(1500, (i) => `<?php /* login ${i} */ ?>`));
  b.file('/var/www/html/wp-content/plugins/wpvivid-backuprestore/wpvivid-backuprestore.php', null, "a backup plugin's code", b.text(2000, (i) => `<?php // WPvivid ${i}`));
  unscored(b, u, '/home/carol/src/webapp/log/development.log', "a Rails app's development log in a git work tree (ignored by git): a log, or the project's?", b.text(1500, (i) => `Started GET "/${i}" for ::1 at 2026-11-23 10:00:0${i % 10} +0000`), day(23, 18));

  // packages' files (fake dpkg lists)
  b.pkg('systemd-coredump', '/usr/bin/coredumpctl', 'the program that lists core dumps', elf(b, 3000, 3));
  b.pkg('systemd-coredump', '/usr/lib/sysctl.d/50-coredump.conf', "a config named coredump (sets core_pattern)", 'kernel.core_pattern=|/usr/lib/systemd/systemd-coredump %P %u %g %s %t 9223372036854775808 %h\n');
  b.pkg('systemd', '/usr/lib/systemd/system/systemd-tmpfiles-clean.timer', 'a unit named for temp files', '[Timer]\nOnBootSec=15min\nOnUnitActiveSec=1d\n');
  b.pkg('debianutils', '/usr/bin/tempfile', 'a program named tempfile', elf(b, 2500, 3));
  b.pkg('python3.11-minimal', '/usr/lib/python3.11/tempfile.py', "Python's tempfile module", b.text(3000, (i) => `# tempfile ${i}`));
  b.pkg('libpython3.11-stdlib', '/usr/lib/python3.11/logging/handlers.py', "Python's log handlers (rotation code)", b.text(3000, (i) => `# RotatingFileHandler ${i}`));
  b.pkg('openjdk-17-jre-headless', '/usr/lib/jvm/java-17-openjdk-amd64/lib/server/classes.jsa', "the JVM's class data sharing archive (looks like a cache, ships in the package)", b.bytes(3500));
  b.pkg('postgresql-15', '/usr/lib/postgresql/15/bin/pg_basebackup', 'the program that makes base backups', elf(b, 3000, 2));
  b.pkg('xfsdump', '/usr/sbin/xfsdump', 'the XFS backup program (listed under /sbin: merged /usr)', elf(b, 3000, 2), '/sbin/xfsdump');
  b.pkg('adwaita-icon-theme', '/usr/share/icons/Adwaita/scalable/places/user-trash.svg', 'an icon named user-trash', '<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16"><path d="M0 0h16v16H0z"/></svg>\n');
}
