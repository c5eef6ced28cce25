/**
 * Issue 16's held-out fixture: other cases of the same kinds than the fixture the classifier was
 * tuned on (test/helpers/kinds-fixture.ts), built the same way (its Builder, formats and core
 * makers), returned in the same shape (KindsFixture) and scored with the same classifyFixture and
 * scoreKinds. Layouts as the tools make them: Proxmox vzdump, GitLab, Nextcloud's updater,
 * UpdraftPlus and All-in-One WP Migration, Bacula volumes under other label formats, restic and
 * borg under other names, Kopia, Duplicacy, Amanda's vtapes and holding disk, Veeam's agent,
 * Percona XtraBackup, mongodump, redis and etcd snapshot series, pg_basebackup (tar and plain), a
 * WAL archive, pgBackRest, rdiff-backup, Clonezilla, LVM's metadata archive, Elasticsearch's
 * snapshot repository, admins' copies (.backup, .bkp, name.20261120); logs of httpd (RHEL names),
 * PM2, Docker (json-file, local), Kubernetes, supervisor, volatile journald, Java GC, MySQL,
 * log4j/logback/lumberjack/Python rotations, PostgreSQL's csvlog, Jenkins builds; caches of pnpm,
 * Bazel, Composer, Gradle's wrapper, cargo's git db, apt's lists, snapd, ~/.thumbnails, Chrome
 * and Electron under ~/.config, __pycache__, pytest/mypy (CACHEDIR.TAG), Next.js, conda, NuGet,
 * yarn berry; core dumps the kernel wrote under core_pattern names (core.%e.%p, core-%e-%p-%t,
 * %e.core, apport's coredump dir), kdump's vmcores; temp files of browsers, editors, rsync, sed,
 * torrent clients; trash of the spec's $topdir/.Trash/$uid, Nextcloud, Samba, macOS volumes; and
 * decoys: dated migrations, photos, man pages beside their program, versioned libraries, wheels,
 * tarballs in node_modules, git packs, test data named core/backup/log (a pg_dump fixture with
 * its header), a `backup` directory of source code, SQLite, redis, etcd, Kafka, Prometheus and
 * MongoDB data, installed snaps, and package files in fake dpkg lists.
 *
 * No path of it is a path of the tuned fixture (test/kinds-heldout.test.ts checks).
 *
 * Present but not scored (`unscored`, operators would disagree): the logs a backup tool writes
 * beside its archives (vzdump's .log, UpdraftPlus' log.*.txt, rdiff-backup's backup.log: a log,
 * or part of the backup set removed with it?), the files UpdraftPlus puts in its directory to
 * guard it (index.html, .htaccess), MySQL's binary logs (logs, but only PURGE BINARY LOGS may
 * remove them).
 * Left out altogether: /dev/shm (tmpfs of running programs: temp?), supervisor's child logs in
 * /tmp (temp or logs?), Kerberos ticket caches in /tmp, a Java heap dump (java_pid1234.hprof) and
 * hs_err_pid.log (core dumps? logs?), snapper's /.snapshots (snapshots are not always called
 * backups), dpkg's .dpkg-new left by an interrupted upgrade (temp? backup?), nano's .save files,
 * Nextcloud's files_versions (backups?), a Thunderbird Trash mbox (a mail folder), yarn's
 * zero-install .yarn/cache committed to git (a cache, but the project's), /var/log/sysstat/saNN
 * (activity data in /var/log), PHP sessions in /var/lib/php/sessions.
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { spawnSync } from 'node:child_process';
import { Builder, NOW, cachedirTag, startTree, clf, day, gcoreOf, gitBlob, journal, kernelCore, mysqlDump, pgPlain, png, tar, zip, type KindsFixture } from './kinds-fixture.js';

export interface HeldoutFixture extends KindsFixture {
  /** files present (the layouts have them) but scored in no kind: operators would disagree; path -> why */
  unscored: Map<string, string>;
}

/** seconds since the epoch of day(d, h, m, s) */
export const epoch = (d: number, h = 3, m = 0, s = 0) => Math.floor(day(d, h, m, s) / 1000);

/** `tool -q -c` of data (zstd, lz4, xz, bzip2), null when the tool is missing or fails */
export function squeeze(tool: string, data: Buffer): Buffer | null {
  const r = spawnSync(tool, ['-q', '-c'], { input: data, maxBuffer: 1 << 28 });
  return r.status === 0 && r.stdout.length > 0 ? r.stdout : null;
}

/** `tool -q -c` of data as a Squeeze: when the tool is missing or fails, the data as it is and a line in notes */
export function squeezer(notes: string[]): Squeeze {
  return (tool, data, what) => {
    const out = squeeze(tool, Buffer.from(data));
    if (out !== null) return out;
    notes.push(`no ${tool}: ${what} stored uncompressed`);
    return Buffer.from(data);
  };
}

/** a file present but not scored (operators would disagree): written, left out of labels and reasons, its why in u */
export function unscored(b: Builder, u: Map<string, string>, p: string, why: string, data: Buffer | string, mtime = NOW): void {
  b.file(p, null, why, data, mtime);
  b.labels.delete(p);
  b.reasons.delete(p);
  u.set(p, why);
}

/**
 * Build the held-out tree under `dir/root` (dir must exist and hold no `root`): about 240
 * labelled regular files of bytes to a few KiB (core dumps: the kernel's, a few hundred KiB), their
 * mtimes in 2026-11-17 ... 24, the dpkg lists in root/var/lib/dpkg/info, merged-/usr symlinks.
 * Needs what the tuned fixture needs (sh, sleep, mkfifo; zstd, lz4 and xz for some archives, else
 * said in `notes` and the data stored as it is).
 */
export async function buildHeldoutFixture(dir: string): Promise<HeldoutFixture> {
  const t0 = performance.now();
  const { root, b, infoDir } = startTree(dir, 1616);
  const notes: string[] = [];
  const u = new Map<string, string>();
  const z = squeezer(notes);

  backups(b, u, z);
  logs(b, u);
  caches(b);
  const core = await coreDumps(b, notes, z);
  tempAndTrash(b);
  decoys(b);
  b.writeLists(infoDir);
  b.stamp();
  return { root, infoDir, labels: b.labels, reasons: b.reasons, owned: b.owned, cores: core.cores, coreMade: core.made, notes, hardLinked: b.hardLinked, buildMs: performance.now() - t0, unscored: u };
}

/** compresses data with a tool (zstd, lz4, xz); `what` names the data in notes when it cannot */
export type Squeeze = (tool: string, data: Buffer | string, what: string) => Buffer;

function backups(b: Builder, u: Map<string, string>, z: Squeeze): void {
  const B = 'backups';
  // Proxmox vzdump (dumpdir /var/lib/vz/dump): vzdump-{qemu,lxc}-VMID-YYYY_MM_DD-HH_MM_SS.{vma,tar}.zst + .log + .notes
  const vz = '/var/lib/vz/dump';
  const vma = (n: number) => Buffer.concat([Buffer.from('VMA\0'), Buffer.from([0, 0, 0, 1]), b.bytes(n)]);
  for (const [kind, id, d, ext] of [['qemu', 100, 20, 'vma'], ['qemu', 100, 21, 'vma'], ['lxc', 101, 20, 'tar']] as const) {
    const stamp = `2026_11_${d}-03_${id === 100 ? '00' : '10'}_0${d - 19}`;
    const base = `${vz}/vzdump-${kind}-${id}-${stamp}`;
    const data = ext === 'vma' ? vma(b.int(3000, 3300)) : tar([['./etc/hostname', 'ct101\n'], ['./etc/os-release', b.text(600, (i) => `X${i}=y`)]], day(d));
    b.file(`${base}.${ext}.zst`, B, `Proxmox vzdump: a ${kind} guest's archive (vzdump-${kind}-VMID-date.${ext}.zst)`, z('zstd', data, 'vzdump archives'), day(d, 3, 12));
    unscored(b, u, `${base}.log`, "vzdump's task log beside its archive: a log, or part of the backup removed with it?", b.text(900, (i) => `2026-11-${d} 03:0${i % 10}:00 INFO: status: ${i}% (${i * 40}MiB of 32GiB)`), day(d, 3, 12));
    if (d === 20) b.file(`${base}.${ext}.zst.notes`, B, "vzdump's notes of a backup (--notes-template): removed with it", `${kind === 'qemu' ? 'web1' : 'ct101'} nightly\n`, day(d, 3, 12));
  }

  // GitLab: backup_path /var/opt/gitlab/backups, EPOCH_YYYY_MM_DD_VERSION_gitlab_backup.tar; gitlab-ctl backup-etc
  for (const d of [21, 22]) {
    const ts = `${epoch(d, 2)}_2026_11_${d}_17.5.1`;
    b.file(`/var/opt/gitlab/backups/${ts}_gitlab_backup.tar`, B, 'GitLab backup (TIMESTAMP_gitlab_backup.tar in backup_path)', tar([['backup_information.yml', `:db_version: 20241105000000\n:backup_created_at: 2026-11-${d} 02:00:00 UTC\n:gitlab_version: 17.5.1\n`], ['db/database.sql.gz', zlib.gzipSync(pgPlain(b, 'gitlabhq_production', 20, day(d)))], ['uploads.tar.gz', b.bytes(b.int(700, 800))]], day(d, 2)), day(d, 2, 20));
  }

  // Nextcloud's updater keeps the old code before an upgrade: data/updater-INSTANCEID/backups/nextcloud-VERSION-TIME/
  const nc = `/var/www/nextcloud/data/updater-oc${b.hex(10)}/backups/nextcloud-27.1.3.2-${epoch(18, 22)}`;
  for (const [f, n] of [['lib/base.php', 3500]] as const)
    b.file(`${nc}/${f}`, B, "Nextcloud updater's backup of the old install (backups/nextcloud-VERSION-TIME)", b.text(n, (i) => `<?php // ${f} ${i}`), day(18, 22));

  // WordPress: UpdraftPlus (wp-content/updraft/backup_DATE-HHMM_SITE_NONCE-ENTITY.zip, -db.gz), All-in-One WP Migration
  const up = '/var/www/blog/wp-content/updraft';
  const nonce = b.hex(12);
  for (const d of [20]) {
    const set = `${up}/backup_2026-11-${d}-0300_My_Blog_${nonce}`;
    b.file(`${set}-db.gz`, B, "UpdraftPlus: the site's database (backup_...-db.gz)", zlib.gzipSync(mysqlDump(b, 'wordpress', 20)), day(d, 3, 2));
    for (const e of ['uploads']) b.file(`${set}-${e}.zip`, B, `UpdraftPlus: the site's ${e} (backup_...-${e}.zip)`, zip([[`${e}/index.php`, b.text(b.int(1500, 1700), () => b.hex(50))]]), day(d, 3, 2));
  }
  unscored(b, u, `${up}/log.${nonce}.txt`, "UpdraftPlus' log of a backup run: a log, or part of the backup set?", b.text(1200, (i) => `00${i % 10}.0 (0) Opened log file at time: Fri, 20 Nov 2026 03:00:0${i % 10} +0000`), day(21, 3, 2));
  unscored(b, u, `${up}/index.html`, 'UpdraftPlus guards its directory with an index.html: part of the backup set, or nothing of it?', '<html><body><a href="https://updraftplus.com">WordPress backups by UpdraftPlus</a></body></html>\n', day(20));
  unscored(b, u, `${up}/.htaccess`, 'UpdraftPlus guards its directory with a .htaccess: part of the backup set, or nothing of it?', 'deny from all\n', day(20));
  b.file('/var/www/blog/wp-content/ai1wm-backups/myblog-20261122-030001-k3j9aq.wpress', B, 'All-in-One WP Migration export (ai1wm-backups/*.wpress)', Buffer.concat([Buffer.from('package.json\0'), b.bytes(3000)]), day(22, 3));

  // Bacula (Bareos' parent) file volumes named by other LabelFormats: "Vol" (Vol0001), ${Job}-${Year}-${Month}-${Day}
  const baculaVol = (name: string, n: number) => {
    const label = Buffer.from(`Bacula 1.0 immortal\n\0${name}\0\0File\0Backup\0FileStorage\0backup1-sd\0 13.0.3 (12 March 2023)\0`, 'latin1');
    const rec = Buffer.alloc(12);
    rec.writeInt32BE(-2, 0);
    rec.writeUInt32BE(label.length, 8);
    const h = Buffer.alloc(24);
    h.writeUInt32BE(n, 4);
    h.writeUInt32BE(1, 8);
    h.write('BB02', 12, 'latin1');
    h.writeUInt32BE(1, 16);
    h.writeUInt32BE(1763600000, 20);
    const body = Buffer.concat([rec, label, b.bytes(n - 24 - 12 - label.length)]);
    return Buffer.concat([h, body]);
  };
  for (const v of ['Vol0001']) b.file(`/srv/bacula/volumes/${v}`, B, 'Bacula file volume, LabelFormat "Vol" (block header BB02)', baculaVol(v, b.int(3800, 4000)), day(20 + Number(v.slice(-1)), 23));
  b.file('/srv/bacula/volumes/BackupCatalog-2026-11-22', B, 'Bacula file volume, LabelFormat "${Job}-${Year}-${Month}-${Day}" (BB02)', baculaVol('BackupCatalog-2026-11-22', 3900), day(22, 23));

  // restic and borg repositories under other names (rest-server's per-user dir, a .borg dir on a NAS)
  const rr = '/srv/rest-server/alice';
  b.file(`${rr}/config`, B, "restic repository (rest-server's per-user path): its config", b.bytes(155), day(19, 2));
  b.file(`${rr}/keys/${b.hex(64)}`, B, 'restic repository: a key', JSON.stringify({ created: '2026-11-19T02:00:00Z', username: 'alice', kdf: 'scrypt', N: 32768, r: 8, p: 6, salt: b.bytes(64).toString('base64') }), day(19, 2));
  const rid = b.hex(64);
  b.file(`${rr}/data/${rid.slice(0, 2)}/${rid}`, B, 'restic repository: a pack', b.bytes(3500), day(21, 2));
  b.dir(`${rr}/index`); // restic init makes every directory; no index written yet
  b.dir(`${rr}/locks`);
  b.file(`${rr}/snapshots/${b.hex(64)}`, B, 'restic repository: a snapshot', b.bytes(300), day(21, 2));
  const bg = '/mnt/nas/laptop.borg';
  b.file(`${bg}/README`, B, 'borg repository (named *.borg): its README', 'This is a Borg Backup repository.\nSee https://borgbackup.readthedocs.io/\n', day(18));
  b.file(`${bg}/config`, B, 'borg repository: its config', `[repository]\nversion = 1\nsegments_per_dir = 1000\nmax_segment_size = 524288000\nappend_only = 0\nid = ${b.hex(64)}\n`, day(18));
  for (const seg of [4]) b.file(`${bg}/data/0/${seg}`, B, 'borg repository: a segment', Buffer.concat([Buffer.from('BORG_SEG'), b.bytes(b.int(3000, 3600))]), day(18 + seg));
  b.file(`${bg}/index.4`, B, 'borg repository: its index', Buffer.concat([Buffer.from('BORG_IDX'), b.bytes(900)]), day(22));

  // Kopia's filesystem repository (sharded since 0.9): kopia.repository.f, blobs as PREFIX+2/3 chars/REST.f
  const kp = '/srv/kopia';
  b.file(`${kp}/kopia.repository.f`, B, "Kopia repository's format blob", JSON.stringify({ tool: 'https://github.com/kopia/kopia', buildVersion: '0.15.0', uniqueID: b.bytes(32).toString('base64'), keyAlgo: 'scrypt-65536-8-1', encryption: 'AES256-GCM-HMAC-SHA256' }), day(18));
  for (const [pre, n] of [['p', 3600]] as const) {
    const id = b.hex(32);
    b.file(`${kp}/${pre}${id.slice(0, 2)}/${id.slice(2, 5)}/${id.slice(5)}.f`, B, `Kopia repository: a ${pre === 'p' ? 'data' : 'metadata'} pack blob`, b.bytes(n), day(21));
  }

  // Duplicacy's storage: config, chunks/XX/..., snapshots/ID/REVISION
  const dc = '/srv/duplicacy-storage';
  b.file(`${dc}/config`, B, "Duplicacy storage's config", b.bytes(400), day(18));
  for (let k = 0; k < 1; k++) {
    const id = b.hex(64);
    b.file(`${dc}/chunks/${id.slice(0, 2)}/${id.slice(2)}`, B, 'Duplicacy storage: a chunk', b.bytes(b.int(3000, 3500)), day(20 + k));
  }
  for (const r of [1]) b.file(`${dc}/snapshots/web1/${r}`, B, 'Duplicacy storage: a revision of snapshot web1', b.bytes(b.int(280, 320)), day(20 + r));

  // Amanda: vtapes (changer "chg-disk:/var/lib/amanda/vtapes/DailySet1": slotN/FILENO.LABEL or .HOST.DISK.LEVEL) and the holding disk
  const amanda = (head: string, n: number) => Buffer.concat([Buffer.from(head + '\n\x0c\n', 'latin1'), Buffer.alloc(32768 - head.length - 3, 0), b.bytes(n)]);
  const vt = '/var/lib/amanda/vtapes/DailySet1';
  for (const s of [1]) {
    const d = 19 + s;
    const date = `2026112${d - 20}030001`;
    b.file(`${vt}/slot${s}/00001.web1._etc.${s - 1}`, B, 'Amanda vtape: a dump of web1:/etc (32 KiB header, then the dump)', amanda(`AMANDA: SPLIT_FILE ${date} web1 /etc lev ${s - 1} part 1/-1 comp .gz program /bin/tar`, b.int(1800, 2000)), day(d, 3));
  }
  b.file('/var/lib/amanda/holding/20261122030001/web1._var_www.0', B, "Amanda's holding disk: a dump waiting for a tape", amanda('AMANDA: FILE 20261122030001 web1 /var/www lev 0 comp .gz program /bin/tar', 2500), day(22, 3));

  // Veeam Agent for Linux, a local repository: JOB/JOBNAMEDATE.vbk (full), .vib (incremental), JOBNAME.vbm (metadata)
  const vm = '/mnt/backup/VeeamBackup/web1 BackupJob1';
  b.file(`${vm}/BackupJob12026-11-20T030012.vbk`, B, 'Veeam Agent: a full backup (.vbk)', b.bytes(4000), day(20, 3, 30));
  for (const d of [21]) b.file(`${vm}/BackupJob12026-11-${d}T030011.vib`, B, 'Veeam Agent: an incremental backup (.vib)', b.bytes(b.int(1200, 1400)), day(d, 3, 30));
  b.file(`${vm}/BackupJob1.vbm`, B, 'Veeam Agent: the backup chain metadata (.vbm)', `<BackupMeta Version="2"><Storages>${b.hex(200)}</Storages></BackupMeta>`, day(22, 3, 30));

  // Percona XtraBackup: a full backup directory and an incremental one (xtrabackup_checkpoints, *.delta/.meta)
  const xb = '/data/backups/mysql/2026-11-20_03-00-01';
  b.file(`${xb}/xtrabackup_checkpoints`, B, 'XtraBackup full backup: its checkpoints', 'backup_type = full-backuped\nfrom_lsn = 0\nto_lsn = 15188961605\nlast_lsn = 15188961605\nflushed_lsn = 15188961605\n', day(20, 3, 20));
  b.file(`${xb}/shop/orders.ibd`, B, 'XtraBackup full backup: a table, copied', b.bytes(4096), day(20, 3, 20));
  const xi = '/data/backups/mysql/inc-2026-11-21_03-00-01';
  b.file(`${xi}/xtrabackup_checkpoints`, B, 'XtraBackup incremental backup: its checkpoints', 'backup_type = incremental\nfrom_lsn = 15188961605\nto_lsn = 15189350111\nlast_lsn = 15189350111\n', day(21, 3, 5));
  b.file(`${xi}/shop/orders.ibd.delta`, B, 'XtraBackup incremental backup: the pages changed (.delta)', b.bytes(1600), day(21, 3, 5));

  // mongodump: dump/DB/COLL.bson + COLL.metadata.json (default ./dump), and --gzip into dated dirs
  const bson = (n: number) => {
    const docs: Buffer[] = [];
    let size = 0;
    for (let k = 0; size < n; k++) {
      const s = Buffer.from(`order-${k}-${b.hex(20)}\0`);
      const doc = Buffer.alloc(4 + 1 + 5 + 4 + s.length + 1);
      doc.writeInt32LE(doc.length, 0);
      doc[4] = 0x02; // string
      doc.write('name\0', 5, 'latin1');
      doc.writeInt32LE(s.length, 10);
      s.copy(doc, 14);
      docs.push(doc);
      size += doc.length;
    }
    return Buffer.concat(docs);
  };
  const meta = (db: string, c: string) => JSON.stringify({ indexes: [{ v: 2, key: { _id: 1 }, name: '_id_' }], uuid: b.hex(32), collectionName: c, type: 'collection', ns: `${db}.${c}` });
  for (const c of ['orders']) {
    b.file(`/root/dump/shop/${c}.bson`, B, 'mongodump output (./dump/DB/COLL.bson)', bson(b.int(1500, 2500)), day(21, 1));
    b.file(`/root/dump/shop/${c}.metadata.json`, B, "mongodump output: a collection's metadata", meta('shop', c), day(21, 1));
  }
  for (const c of ['orders']) {
    b.file(`/srv/mongo-dumps/2026-11-22/shop/${c}.bson.gz`, B, 'mongodump --gzip into a dated directory', zlib.gzipSync(bson(2000)), day(22, 1));
    b.file(`/srv/mongo-dumps/2026-11-22/shop/${c}.metadata.json.gz`, B, 'mongodump --gzip: the metadata', zlib.gzipSync(meta('shop', c)), day(22, 1));
  }

  // copies of redis' RDB snapshot and etcd snapshots, kept by cron: series
  const rdb = () => Buffer.concat([Buffer.from('REDIS0011'), Buffer.from([0xfa, 9]), Buffer.from('redis-ver'), b.bytes(b.int(2600, 2800))]);
  for (const d of [20, 21, 22]) b.file(`/srv/backup/redis/dump-2026-11-${d}.rdb`, B, "a nightly copy of redis' dump.rdb (a dated series)", rdb(), day(d, 4));
  for (const d of [21, 22]) b.file(`/srv/etcd-backup/snapshot-2026-11-${d}T030000.db`, B, "etcdctl snapshot save, nightly (bbolt db, a dated series)", Buffer.concat([b.bytes(16), Buffer.from([0xed, 0xda, 0x0c, 0xed]), b.bytes(b.int(3000, 3200))]), day(d, 3));

  // pg_basebackup: -Ft -z (base.tar.gz, pg_wal.tar.gz, backup_manifest) and -Fp (a copy of the data directory)
  for (const d of [21]) {
    const pb = `/srv/pgbackup/2026-11-${d}`;
    b.file(`${pb}/base.tar.gz`, B, 'pg_basebackup -Ft -z: the cluster', zlib.gzipSync(tar([['PG_VERSION', '15\n'], ['backup_label', `START WAL LOCATION: 0/2000028 (file 000000010000000000000002)\nLABEL: pg_basebackup base backup\nSTART TIME: 2026-11-${d} 03:00:01 UTC\n`], ['global/pg_control', b.bytes(1500)]], day(d))), day(d, 3, 5));
    b.file(`${pb}/pg_wal.tar.gz`, B, 'pg_basebackup -Ft -z: the WAL it needs', zlib.gzipSync(tar([['000000010000000000000002', b.bytes(1500)]], day(d))), day(d, 3, 5));
    b.file(`${pb}/backup_manifest`, B, "pg_basebackup's manifest", JSON.stringify({ 'PostgreSQL-Backup-Manifest-Version': 1, Files: [{ Path: 'PG_VERSION', Size: 3, 'Last-Modified': `2026-11-${d} 03:00:00 GMT`, 'Checksum-Algorithm': 'CRC32C', Checksum: b.hex(8) }] }), day(d, 3, 5));
  }
  const pp = '/var/lib/postgresql/basebackup-plain';
  b.file(`${pp}/PG_VERSION`, B, 'pg_basebackup -Fp: a copy of the data directory', '15\n', day(22, 3));
  b.file(`${pp}/backup_label`, B, "pg_basebackup -Fp: the backup's label (a base backup, not a live cluster)", 'START WAL LOCATION: 0/5000028 (file 000000010000000000000005)\nCHECKPOINT LOCATION: 0/5000060\nBACKUP METHOD: streamed\nBACKUP FROM: primary\nSTART TIME: 2026-11-22 03:00:01 UTC\nLABEL: pg_basebackup base backup\n', day(22, 3));
  b.file(`${pp}/global/pg_control`, B, 'pg_basebackup -Fp: a copy of pg_control', b.bytes(1200), day(22, 3));
  // a WAL archive (archive_command 'cp %p /srv/wal_archive/%f'): segments, a .backup marker, a timeline history
  for (let k = 4; k <= 5; k++) b.file(`/srv/wal_archive/00000001000000000000000${k}`, B, 'a WAL archive: an archived segment (for point-in-time recovery)', b.bytes(4096), day(19 + k, 3));
  b.file('/srv/wal_archive/000000010000000000000004.00000028.backup', B, "a WAL archive: a base backup's start/stop marker", 'START WAL LOCATION: 0/4000028 (file 000000010000000000000004)\nSTOP WAL LOCATION: 0/4000100 (file 000000010000000000000004)\nLABEL: nightly\n', day(23, 3));

  // pgBackRest's repository (repo1-path /var/lib/pgbackrest): backup/STANZA/LABEL/..., archive/STANZA/...
  const pr = '/var/lib/pgbackrest';
  const info = (what: string) => `[backrest]\nbackrest-checksum="${b.hex(40)}"\nbackrest-format=5\nbackrest-version="2.49"\n\n[db]\ndb-id=1\ndb-system-id=7312345678901234567\ndb-version="15"\n\n[${what}]\n`;
  b.file(`${pr}/backup/main/20261120-030001F/backup.manifest`, B, "pgBackRest: a full backup's manifest", info('backup') + 'backup-label="20261120-030001F"\n', day(20, 3, 10));
  b.file(`${pr}/backup/main/20261120-030001F/pg_data/base/5/16384.gz`, B, 'pgBackRest: a full backup, a table (gzipped)', zlib.gzipSync(b.bytes(3000)), day(20, 3, 10));
  b.file(`${pr}/archive/main/15-1/0000000100000000/000000010000000000000006-${b.hex(40)}.gz`, B, 'pgBackRest: an archived WAL segment', zlib.gzipSync(b.bytes(3000)), day(23, 3));

  // rdiff-backup: the mirror, then rdiff-backup-data/ (increments, statistics)
  const rd = '/srv/rdiff/web1';
  b.file(`${rd}/etc/nginx/nginx.conf`, B, "rdiff-backup: the mirror's copy of a file", b.text(1500, (i) => `# conf ${i}`), day(22, 2));
  b.file(`${rd}/rdiff-backup-data/increments/etc/nginx/nginx.conf.2026-11-21T02:00:01Z.diff.gz`, B, "rdiff-backup's data: a reverse increment", zlib.gzipSync(b.bytes(400)), day(22, 2));
  unscored(b, u, `${rd}/rdiff-backup-data/backup.log`, "rdiff-backup's log inside its data dir: a log, or part of the backup?", b.text(600, (i) => `2026-11-22 02:00:0${i % 10} Processing changed file etc/f${i}`), day(22, 2));

  // Clonezilla's saved image: /home/partimag/IMAGE/ (partclone images split in .aa, the partition table, info)
  const cz = '/home/partimag/2026-11-20-03-img';
  b.file(`${cz}/sda1.ext4-ptcl-img.gz.aa`, B, "Clonezilla image: a partition's partclone image", zlib.gzipSync(Buffer.concat([Buffer.from('partclone-image\0'), b.bytes(3500)])), day(20, 3, 40));
  b.file(`${cz}/sda-pt.sf`, B, "Clonezilla image: the disk's partition table (sfdisk)", 'label: dos\nlabel-id: 0x1a2b3c4d\ndevice: /dev/sda\nunit: sectors\n\n/dev/sda1 : start= 2048, size= 41940992, type=83, bootable\n', day(20, 3, 40));

  // LVM's metadata backups (backup_dir /etc/lvm/backup, archive_dir /etc/lvm/archive: VG_NNNNN-RANDOM.vg)
  const vg = (seq: number) => `# Generated by LVM2 version 2.03.16(2) (2022-05-18): Fri Nov 20 03:00:00 2026\n\ncontents = "Text Format Volume Group"\nversion = 1\n\ndescription = "Created *before* executing 'lvextend -L+1G vg0/data'"\n\nvg0 {\n\tid = "${b.hex(6)}-${b.hex(4)}-${b.hex(4)}"\n\tseqno = ${seq}\n\tformat = "lvm2"\n\textent_size = 8192\n}\n`;
  for (const [n, seq] of [['vg0_00011-1543125671.vg', 11], ['vg0_00012-0873345812.vg', 12]] as const) b.file(`/etc/lvm/archive/${n}`, B, "LVM's metadata archive (archive_dir: VG_NNNNN-N.vg)", vg(seq), day(10 + seq));
  b.file('/etc/lvm/backup/vg0', B, "LVM's metadata backup of the volume group (backup_dir)", vg(13), day(23));

  // Elasticsearch's fs snapshot repository (path.repo): index-N, index.latest, snap-UUID.dat, meta-UUID.dat, indices/...
  const es = '/mnt/es-backups/nightly';
  const sid = 'WbjaeQk1T4u2JrGfsWlHsw';
  b.file(`${es}/index-19`, B, 'Elasticsearch snapshot repository: its RepositoryData (index-N)', JSON.stringify({ min_version: '8.11.0', uuid: b.hex(22), snapshots: [{ name: 'nightly-2026.11.22', uuid: sid, state: 1 }] }), day(22, 1));
  b.file(`${es}/index.latest`, B, 'Elasticsearch snapshot repository: its latest generation', Buffer.from([0, 0, 0, 0, 0, 0, 0, 0x13]), day(22, 1));
  b.file(`${es}/snap-${sid}.dat`, B, 'Elasticsearch snapshot repository: a snapshot\'s info (SMILE)', Buffer.concat([Buffer.from(':)\n\x03', 'latin1'), b.bytes(400)]), day(22, 1));
  const ix = `${es}/indices/Uxom82JcSfORXgbtZ4jLSg`;

  // pgBackRest-less habits: Firefox's own bookmark backups, Home Assistant's /backup, archives in a backups directory
  const ff = '/home/alice/.mozilla/firefox/x1y2z3.default-release/bookmarkbackups';
  for (const d of [21, 22]) b.file(`${ff}/bookmarks-2026-11-${d}_${1200 + d}_${b.bytes(16).toString('base64url').slice(0, 22)}.jsonlz4`, B, "Firefox's daily bookmark backups (bookmarkbackups/)", Buffer.concat([Buffer.from('mozLz40\0'), b.bytes(b.int(2000, 2200))]), day(d, 9));
  for (const s of ['a1b2c3d4', 'e5f6a7b8']) b.file(`/backup/${s}.tar`, B, "Home Assistant's backups (/backup/SLUG.tar)", tar([['backup.json', JSON.stringify({ slug: s, name: `Automatic backup 2026.11.${s === 'a1b2c3d4' ? 1 : 2}`, type: 'full' })], ['homeassistant.tar.gz', b.bytes(1500)]], day(21)), day(s === 'a1b2c3d4' ? 21 : 22, 4));
  b.file('/home/bob/backups/laptop-home.tar.gz', B, 'a lone archive, but in a directory named backups', zlib.gzipSync(tar([['home/bob/.bashrc', b.text(1500, (i) => `alias a${i}=ls`)]], day(15))), day(15, 20));
  b.file('/srv/backups/old-server/etc.tar.xz', B, 'a lone archive in /srv/backups (the old server, kept)', z('xz', tar([['etc/fstab', b.text(700, (i) => `UUID=${b.hex(8)} /m${i} ext4 defaults 0 2`)]], day(2)), 'xz archives'), day(2, 12));
  // pg_dumpall | xz, nightly; automysqlbackup's names (DB_DATE_TIME.WEEKDAY.sql.gz)
  for (const d of [21, 22]) b.file(`/var/lib/postgresql/backups/all-202611${d}.sql.xz`, B, 'pg_dumpall | xz, nightly (a dated series)', z('xz', pgPlain(b, 'postgres', 30, day(d)), 'pg_dumpall output'), day(d, 2));
  for (const [d, wd] of [[20, 'Friday'], [21, 'Saturday']] as const) b.file(`/var/lib/automysqlbackup/daily/shop/shop_2026-11-${d}_03h00m.${wd}.sql.gz`, B, "automysqlbackup's daily dump (mysqldump, gzipped)", zlib.gzipSync(mysqlDump(b, 'shop', 25)), day(d, 3));

  // the admin's own copies, by habits the tuned fixture does not have
  b.file('/etc/fstab.backup', B, 'a copy kept before an edit (.backup)', b.text(700, (i) => `UUID=${b.hex(8)} /d${i} ext4 defaults 0 2`), day(17, 11));
  b.file('/etc/network/interfaces.bkp', B, 'a copy kept before an edit (.bkp)', b.text(400, (i) => `iface eth${i} inet dhcp`), day(16, 11));
  b.file('/etc/haproxy/haproxy.cfg', null, 'the live config (its dated copy beside it is the backup)', b.text(1500, (i) => `    server s${i} 10.0.0.${i % 250}:80 check`));
  b.file('/etc/haproxy/haproxy.cfg.20261120', B, "cp haproxy.cfg haproxy.cfg.$(date +%Y%m%d): a dated copy", b.text(1500, (i) => `    server s${i} 10.0.1.${i % 250}:80 check`), day(20, 10));
  b.file('/etc/apt/sources.list.save', B, 'software-properties kept the previous sources.list (.save)', 'deb http://deb.debian.org/debian bookworm main\n', day(14, 10));
  b.file('/etc/postfix/main.cf_orig', B, "a copy of the original before an edit (_orig)", b.text(1200, (i) => `smtpd_opt${i} = yes`), day(13, 10));
  b.file('/home/alice/.zshrc.pre-oh-my-zsh', B, "oh-my-zsh's installer kept the previous .zshrc", b.text(900, (i) => `export V${i}=1`), day(12, 10));
}

function logs(b: Builder, u: Map<string, string>): void {
  const L = 'logs';
  const acc = (t: number) => (i: number) => `10.1.${i % 4}.${i % 250} - - [${clf(t + i * 9000)}] "GET /shop/item/${i % 90} HTTP/1.1" 200 ${b.int(200, 9000)} "-" "curl/8.4.0"`;
  const app = (t: number) => (i: number) => `${new Date(t + i * 1700).toISOString()} INFO  [worker-${i % 3}] handled request ${60000 + i} in ${b.int(3, 80)}ms`;
  // httpd on RHEL: access_log, error_log, dateext rotations (access_log-20261122)
  b.file('/var/log/httpd/access_log', L, "httpd's live access log (RHEL's name)", b.text(2500, acc(day(24, 0))));
  for (const d of [23]) b.file(`/var/log/httpd/access_log-202611${d}`, L, "httpd's access log rotated with dateext", b.text(2500, acc(day(d - 1, 0))), day(d, 3));
  // httpd's logs kept with the site (outside /var/log)
  const site = '/srv/www/example.com/logs';
  b.file(`${site}/access_log`, L, "a vhost's live access log in the site's logs directory", b.text(2000, acc(day(24, 0))));
  b.file(`${site}/access_log-20261123`, L, "a vhost's access log rotated with dateext", b.text(2000, acc(day(22, 0))), day(23, 3));
  b.file(`${site}/error_log`, L, "a vhost's live error log", b.text(500, (i) => `[Tue Nov 24 06:00:0${i % 10} 2026] [php:warn] PHP Warning: Undefined variable $x${i}`));
  // PM2 (~/.pm2/logs/NAME-out.log, NAME-error.log; pm2-logrotate NAME-out__DATE.log, compressed), pm2's own log
  const pm = '/root/.pm2';
  b.file(`${pm}/logs/worker-out.log`, L, "pm2's log of a process's stdout", b.text(1800, app(day(24, 1))));
  b.file(`${pm}/logs/worker-out__2026-11-23_00-00-00.log`, L, "pm2-logrotate's rotated log", b.text(1800, app(day(23, 1))), day(24, 0));
  b.file(`${pm}/logs/worker-out__2026-11-22_00-00-00.log.gz`, L, "pm2-logrotate's rotated log, compressed", zlib.gzipSync(b.text(1800, app(day(22, 1)))), day(23, 0));
  // Docker: json-file with max-file 3 and compress (.log.1, .log.2.gz); the local driver (local-logs/container.log)
  const cid = b.hex(64);
  const dl = (t: number) => (i: number) => JSON.stringify({ log: `POST /api/orders ${i} 201\n`, stream: 'stdout', time: new Date(t + i * 4000).toISOString() });
  b.file(`/var/lib/docker/containers/${cid}/${cid}-json.log`, L, "docker's json-file log", b.text(2200, dl(day(24, 0))));
  b.file(`/var/lib/docker/containers/${cid}/${cid}-json.log.2.gz`, L, "docker's json-file log rotated and compressed (compress: true)", zlib.gzipSync(b.text(2200, dl(day(22, 0)))), day(23, 0));
  const lid = b.hex(64);
  b.file(`/var/lib/docker/containers/${lid}/local-logs/container.log`, L, "docker's local log driver (local-logs/container.log)", b.bytes(2500));
  // Kubernetes: kubelet's container logs /var/log/pods/NS_POD_UID/CONTAINER/N.log and its rotations N.log.DATE-TIME(.gz)
  const pod = `/var/log/pods/shop_api-7d9f8c6b5-x2x4q_${b.hex(8)}-${b.hex(4)}-${b.hex(4)}-${b.hex(4)}-${b.hex(12)}/api`;
  b.file(`${pod}/0.log`, L, "kubelet's container log", b.text(2000, (i) => `${new Date(day(24, 0) + i * 3000).toISOString()} stdout F GET /healthz ${i}`));
  b.file(`${pod}/0.log.20261122-030000.gz`, L, "kubelet's container log rotated and compressed", zlib.gzipSync(b.text(2000, (i) => `stdout F GET /healthz ${i}`)), day(22, 3));
  // supervisor: its own log and the children's (childlogdir /var/log/supervisor: NAME-stdout---supervisor-XXXXXX.log)
  b.file('/var/log/supervisor/api-stdout---supervisor-k3j9aq.log', L, "supervisor's log of a child's stdout", b.text(1500, app(day(24, 2))));
  b.file('/var/log/supervisor/api-stdout---supervisor-k3j9aq.log.1', L, "supervisor's log of a child's stdout, rotated (stdout_logfile_backups)", b.text(1500, app(day(23, 2))), day(24, 0));
  // journald, volatile (Storage=volatile or auto without /var/log/journal): /run/log/journal/MACHINEID/
  const mid = b.hex(32);
  b.file(`/run/log/journal/${mid}/system@${b.hex(32)}-${(40000).toString(16).padStart(16, '0')}-${(day(23) * 1000).toString(16).padStart(16, '0')}.journal`, L, "journald's volatile archived journal", journal(b, mid, 4096, 2), day(24));
  // Java GC logs, JDK 8 rotation (-XX:+UseGCLogFileRotation: NAME.N and NAME.N.current), in the app's directory
  const gc = (i: number) => `2026-11-24T06:00:0${i % 10}.123+0000: ${i}.456: [GC (Allocation Failure) [PSYoungGen: ${i}K->0K(76288K)] ${i}K->${i}K(251392K), 0.0012345 secs]`;
  for (const [n, d] of [['gc.log.0', 22], ['gc.log.1', 23], ['gc.log.2.current', 24]] as const) b.file(`/opt/search/${n}`, L, `the JVM's GC log with rotation (${n.endsWith('.current') ? 'the file being written' : 'a finished one'})`, b.text(2000, gc), day(d, 6));
  // MySQL: the error log and the slow log in the data directory (HOSTNAME.err, HOSTNAME-slow.log), binary logs unscored
  b.file('/var/lib/mysql/db1.err', L, "MySQL's error log in its datadir (HOSTNAME.err)", b.text(1200, (i) => `2026-11-24T06:00:0${i % 10}.123456Z 0 [Warning] [MY-010068] [Server] CA certificate ca.pem is self signed.`));
  b.file('/var/lib/mysql/db1-slow.log', L, "MySQL's slow query log in its datadir", b.text(1500, (i) => `# Query_time: ${i}.000123  Lock_time: 0.000010 Rows_sent: ${i}  Rows_examined: ${i * 1000}\nSELECT * FROM orders WHERE note LIKE '%${i}%';`));
  for (let k = 1; k <= 3; k++) unscored(b, u, `/var/lib/mysql/binlog.00000${k}`, "MySQL's binary log: a log, or the server's data (only PURGE BINARY LOGS may remove it)?", Buffer.concat([Buffer.from([0xfe, 0x62, 0x69, 0x6e]), b.bytes(3000)]), day(20 + k));
  unscored(b, u, '/var/lib/mysql/binlog.index', "MySQL's binary log index: a log's, or the server's data?", [1, 2, 3].map((k) => `./binlog.00000${k}`).join('\n') + '\n');
  // applications' own rotations: log4j (NAME.log.DATE), logback (NAME.DATE.N.log.gz), lumberjack, Python's TimedRotatingFileHandler, Ruby's Logger
  b.file('/opt/app/logs/app.log', L, "log4j's live log", b.text(1800, app(day(24, 3))));
  b.file('/opt/app/logs/app.log.2026-11-23', L, "log4j's DailyRollingFileAppender rotation (app.log.DATE)", b.text(1800, app(day(23, 3))), day(24, 0));
  b.file('/srv/api/log/api.log', L, "logback's live log", b.text(1800, app(day(24, 4))));
  for (const d of [22, 23]) b.file(`/srv/api/log/api.2026-11-${d}.0.log.gz`, L, "logback's SizeAndTimeBasedRollingPolicy rotation (NAME.DATE.N.log.gz)", zlib.gzipSync(b.text(1800, app(day(d, 4)))), day(d + 1, 0));
  b.file('/srv/gateway/gateway.log', L, 'a Go service\'s live log (lumberjack)', b.text(1800, app(day(24, 5))));
  b.file('/srv/gateway/gateway-2026-11-23T03-00-00.000.log', L, "lumberjack's rotation (NAME-TIMESTAMP.log)", b.text(1800, app(day(23, 5))), day(23, 3));
  b.file('/srv/gateway/gateway-2026-11-22T03-00-00.000.log.gz', L, "lumberjack's rotation, compressed", zlib.gzipSync(b.text(1800, app(day(22, 5)))), day(22, 3));
  b.file('/srv/worker/worker.log', L, "a Python worker's live log", b.text(1500, app(day(24, 6))));
  b.file('/srv/worker/worker.log.2026-11-23', L, "Python's TimedRotatingFileHandler rotation (NAME.DATE)", b.text(1500, app(day(23, 6))), day(24, 0));
  b.file('/srv/rails/log/production.log', L, "Rails' live log", b.text(1500, (i) => `I, [2026-11-24T06:00:0${i % 10}.123456 #${4000 + i}]  INFO -- : Completed 200 OK in ${i}ms`));
  b.file('/srv/rails/log/production.log.0', L, "Ruby Logger's size rotation (NAME.log.0)", b.text(1500, (i) => `I, [2026-11-23T06:00:0${i % 10}.123456 #${4000 + i}]  INFO -- : Completed 200 OK`), day(24, 0));
  b.file('/var/www/shop/storage/logs/laravel-2026-11-23.log', L, "Laravel's daily log", b.text(1200, (i) => `[2026-11-23 06:00:0${i % 10}] production.INFO: order ${i} paid`), day(23, 23));
  b.file(`/srv/app/uwsgi.log.${epoch(22, 3)}`, L, "uWSGI's log rotated by --log-maxsize (NAME.EPOCH)", b.text(1500, (i) => `[pid: ${5000 + i}|app: 0|req: ${i}/${i}] 10.0.0.1 () {40 vars} [Sun Nov 22 03:00:00 2026] GET /`), day(22, 3));
  // PostgreSQL's csvlog (log_destination csvlog: log/postgresql-DATE.csv)
  for (const d of [22, 23]) b.file(`/var/lib/postgresql/16/main/log/postgresql-2026-11-${d}_000000.csv`, L, "PostgreSQL's logging collector, csvlog", b.text(1500, (i) => `2026-11-${d} 00:0${i % 10}:00.000 UTC,"app","shop",${3000 + i},"10.0.0.5:4${i}",${b.hex(8)}.${b.hex(4)},${i},"SELECT",2026-11-${d} 00:00:00 UTC,3/${i},0,LOG,00000,"duration: ${i}.1 ms",,,,,,,,,"","client backend",,0`), day(d, 23));
  // Jenkins' build logs (jobs/JOB/builds/N/log)
  for (const n of [41, 42]) b.file(`/var/lib/jenkins/jobs/api/builds/${n}/log`, L, "Jenkins' console log of a build (builds/N/log)", b.text(2000, (i) => `[Pipeline] sh\n+ make test ${i}`), day(20 + n - 40, 12));
  // X's session log and its previous one
  b.file('/home/alice/.xsession-errors', L, "the X session's log (~/.xsession-errors)", b.text(1500, (i) => `(gnome-shell:${2000 + i}): Gjs-WARNING **: 06:00:0${i % 10}.123: JS ERROR: TypeError`));
  b.file('/home/alice/.xsession-errors.old', L, "the previous X session's log (.old)", b.text(1500, (i) => `(nautilus:${2100 + i}): GLib-GIO-CRITICAL **: 05:00:0${i % 10}.123`), day(23, 18));
  b.file('/srv/shop/yarn-error.log', L, "yarn's error log of a failed install", b.text(900, (i) => `Trace: \n  Error: https://registry.yarnpkg.com/pkg${i}: ETIMEDOUT`), day(21, 14));
}

function caches(b: Builder): void {
  const C = 'caches';
  // pnpm's content-addressable store (~/.local/share/pnpm/store/v3 on Linux: not ~/.cache)
  const ps = '/home/alice/.local/share/pnpm/store/v3/files';
  for (const [sfx, n] of [['-exec', 1800], ['-index.json', 600]] as const) {
    const h = b.hex(128);
    b.file(`${ps}/${h.slice(0, 2)}/${h.slice(2)}${sfx}`, C, "pnpm's store (pnpm store prune)", sfx === '-index.json' ? JSON.stringify({ name: 'lodash', version: '4.17.21', files: {} }) : b.bytes(n));
  }
  // Bazel: the output base under ~/.cache/bazel, and a --disk_cache elsewhere (ac/ and cas/)
  const ob = `/home/bob/.cache/bazel/_bazel_bob/${b.hex(32)}`;
  b.file(`${ob}/execroot/_main/bazel-out/k8-fastbuild/bin/app/app`, C, "Bazel's output base: build outputs", b.bytes(3000));
  for (const d of ['ac', 'cas']) {
    const h = b.hex(64);
    b.file(`/srv/bazel-disk-cache/${d}/${h.slice(0, 2)}/${h}`, C, `Bazel's --disk_cache (${d}/)`, b.bytes(b.int(800, 3000)));
  }
  b.file(`/home/bob/.cache/sccache/${b.hex(1)}/${b.hex(1)}/${b.hex(64)}`, C, "sccache's local cache (~/.cache/sccache)", b.bytes(2000));
  // Composer's cache in its legacy home (~/.composer/cache)
  b.file(`/home/alice/.composer/cache/files/monolog/monolog/${b.hex(40)}.zip`, C, "Composer's download cache (~/.composer/cache)", zip([['monolog/src/Logger.php', b.text(2000, (i) => `// ${i}`)]]));
  b.file('/home/alice/.composer/cache/repo/https---repo.packagist.org/provider-monolog~monolog.json', C, "Composer's repository metadata cache", JSON.stringify({ packages: { 'monolog/monolog': [{ version: '3.5.0' }] } }));
  // Gradle: its caches (a rule) and the wrapper's downloaded distributions
  b.file(`/home/bob/.gradle/caches/modules-2/files-2.1/org.slf4j/slf4j-api/2.0.9/${b.hex(40)}/slf4j-api-2.0.9.jar`, C, "Gradle's dependency cache", zip([['org/slf4j/Logger.class', b.bytes(1500)]]));
  b.file(`/home/bob/.gradle/wrapper/dists/gradle-8.5-bin/${b.hex(25)}/gradle-8.5-bin.zip`, C, "the Gradle wrapper's downloaded distribution (~/.gradle/wrapper/dists)", zip([['gradle-8.5/bin/gradle', b.text(2500, (i) => `# ${i}`)]]));
  // Maven in root's home, cargo's registry and git db/checkouts
  b.file('/root/.m2/repository/org/slf4j/slf4j-api/2.0.9/slf4j-api-2.0.9.pom', C, "Maven's local repository (~/.m2/repository)", b.text(1500, (i) => `<!-- ${i} -->`));
  b.file('/home/bob/.cargo/registry/cache/index.crates.io-6f17d22bba15001f/serde-1.0.193.crate', C, "cargo's registry cache", zlib.gzipSync(tar([['serde-1.0.193/Cargo.toml', '[package]\nname = "serde"\n']], day(1))));
  b.file(`/home/bob/.cargo/git/db/tokio-${b.hex(16)}/objects/pack/pack-${b.hex(40)}.pack`, C, "cargo's git dependencies' clones (~/.cargo/git/db)", Buffer.concat([Buffer.from('PACK'), b.bytes(3000)]));
  b.file(`/home/bob/.cargo/git/checkouts/tokio-${b.hex(16)}/${b.hex(7)}/Cargo.toml`, C, "cargo's git dependencies' checkouts (~/.cargo/git/checkouts)", '[workspace]\nmembers = ["tokio"]\n');
  b.file(`/root/.cache/pip/wheels/${b.hex(2)}/${b.hex(2)}/${b.hex(56)}/psycopg2-2.9.9-cp311-cp311-linux_x86_64.whl`, C, "pip's wheel cache (root's ~/.cache/pip)", zip([['psycopg2/__init__.py', b.text(1500, (i) => `# ${i}`)]]));
  // apt's package lists (apt-get update fetches them again; the usual Dockerfile removes them)
  const al = '/var/lib/apt/lists';
  b.file(`${al}/deb.debian.org_debian_dists_bookworm_InRelease`, C, "apt's package lists (/var/lib/apt/lists)", b.text(2500, (i) => ` ${b.hex(64)} ${1000 + i} main/binary-amd64/Packages`));
  b.file(`${al}/deb.debian.org_debian_dists_bookworm_main_binary-amd64_Packages.lz4`, C, "apt's package lists (compressed with lz4)", Buffer.concat([Buffer.from([0x04, 0x22, 0x4d, 0x18]), b.bytes(3500)]));
  // snapd's download cache (/var/lib/snapd/cache/SHA3-384), one a hard link of an installed snap
  const snap = '/var/lib/snapd/snaps/core22_1033.snap';
  const snapCache = `/var/lib/snapd/cache/${b.hex(96)}`;
  b.file(snap, null, 'an installed snap (squashfs): mounted, not a cache', Buffer.concat([Buffer.from('hsqs'), b.bytes(3500)]));
  b.dir(path.dirname(snapCache));
  fs.linkSync(b.abs(snap), b.abs(snapCache));
  b.label(snapCache, C, "snapd's download cache (a hard link of the installed snap)");
  b.hardLinked.push([snap, snapCache]);
  b.file(`/var/lib/snapd/cache/${b.hex(96)}`, C, "snapd's download cache (a revision no longer installed)", Buffer.concat([Buffer.from('hsqs'), b.bytes(3400)]));
  // thumbnails in the old place (~/.thumbnails), Chrome's and Electron apps' caches under ~/.config
  for (const s of ['normal', 'large']) b.file(`/home/alice/.thumbnails/${s}/${b.hex(32)}.png`, C, 'thumbnails in the pre-XDG place (~/.thumbnails)', png(16, 16, b.bytes(768)));
  b.file(`/home/alice/.cache/google-chrome/Default/Cache/Cache_Data/f_0000${b.hex(2)}`, C, "Chrome's disk cache (~/.cache/google-chrome)", b.bytes(2500));
  const gc = '/home/alice/.config/google-chrome/Default';
  b.file(`${gc}/Code Cache/js/${b.hex(16)}_0`, C, "Chrome's compiled-code cache (Code Cache, under ~/.config)", b.bytes(2000));
  b.file(`${gc}/Service Worker/CacheStorage/${b.hex(40)}/${b.hex(8)}-${b.hex(4)}-${b.hex(4)}-${b.hex(4)}-${b.hex(12)}/${b.hex(16)}_0`, C, "Chrome's service-worker cache storage", b.bytes(1800));
  b.file(`/home/alice/.config/Code/Cache/Cache_Data/f_0000${b.hex(2)}`, C, "VS Code's (Electron) HTTP cache under ~/.config/Code/Cache", b.bytes(2200));
  b.file(`/home/alice/.config/Code/CachedData/${b.hex(40)}/chrome/js/${b.hex(16)}_0`, C, "VS Code's cached compiled code (CachedData)", b.bytes(2400));
  // Python's bytecode cache and tools' caches in a project (pytest and mypy write CACHEDIR.TAG)
  for (const m of ['models', 'views']) b.file(`/srv/shop/src/shop/__pycache__/${m}.cpython-311.pyc`, C, "Python's bytecode cache (__pycache__, PEP 3147)", Buffer.concat([Buffer.from([0xa7, 0x0d, 0x0d, 0x0a]), b.bytes(1500)]));
  cachedirTag(b, '/srv/shop/.pytest_cache', 'pytest');
  b.file('/srv/shop/.pytest_cache/v/cache/lastfailed', C, "pytest's cache (below its CACHEDIR.TAG)", JSON.stringify({ 'tests/test_orders.py::test_refund': true }));
  cachedirTag(b, '/srv/shop/.mypy_cache', 'mypy');
  b.file('/srv/shop/.mypy_cache/3.11/shop/models.data.json', C, "mypy's incremental cache", JSON.stringify({ '.class': 'MypyFile', _fullname: 'shop.models', names: {} }));
  b.file('/srv/web/.eslintcache', C, "ESLint's cache file (--cache)", JSON.stringify([{ '/srv/web/src/index.js': { size: 1200, mtime: 1763700000000 } }]));
  b.file('/srv/web/.next/cache/webpack/client-production/0.pack', C, "Next.js' build cache (.next/cache)", b.bytes(3000));
  // conda's package cache, NuGet's global packages folder, yarn berry's global cache, Nextcloud's previews
  b.file('/opt/conda/pkgs/numpy-1.26.2-py311h64a7726_0.conda', C, "conda's package cache (conda clean)", zip([['info-numpy-1.26.2.tar.zst', b.bytes(2500)]]));
  b.file('/home/bob/.nuget/packages/newtonsoft.json/13.0.3/newtonsoft.json.13.0.3.nupkg', C, "NuGet's global packages folder (dotnet nuget locals all --clear)", zip([['lib/net6.0/Newtonsoft.Json.dll', b.bytes(2500)]]));
  b.file(`/home/alice/.yarn/berry/cache/lodash-npm-4.17.21-6382451519-${b.hex(10)}.zip`, C, "yarn berry's global cache (~/.yarn/berry/cache)", zip([['node_modules/lodash/package.json', '{"name":"lodash"}']]));
  const ncp = `/var/www/nextcloud/data/appdata_oc${b.hex(10)}/preview/${b.hex(1)}/${b.hex(1)}/${b.hex(1)}/1234`;
  for (const s of ['1024-768-max.jpg']) b.file(`${ncp}/${s}`, C, "Nextcloud's generated previews (appdata_*/preview: made again on demand)", Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), b.bytes(s.startsWith('256') ? 1200 : 3000)]));
}

/**
 * Real core dumps at the paths `at(pid)` gives (from b's root), one a target: each made by the kernel
 * (kernelCore, in root/.making-core, then renamed: the bytes stay the kernel's), else all by gdb's
 * gcore (gcoreOf), never a mix. paths[k] is null where none could be made; made says how (null: none).
 */
export async function placeCores(b: Builder, at: ((pid: number) => string)[]): Promise<{ made: 'kernel' | 'gcore' | null; paths: (string | null)[] }> {
  let made: 'kernel' | 'gcore' | null = null;
  const paths: (string | null)[] = [];
  const tmp = '/.making-core';
  for (const target of at) {
    let core = made !== 'gcore' ? await kernelCore(b.abs(tmp)) : null;
    if (core) made = 'kernel';
    else if (made !== 'kernel' && (core = await gcoreOf(b.abs(tmp)))) made = 'gcore';
    if (core) {
      const p = target(core.pid);
      b.dir(path.posix.dirname(p));
      fs.renameSync(b.abs(`${tmp}/${core.name}`), b.abs(p));
      paths.push(p);
    } else paths.push(null);
    fs.rmSync(b.abs(tmp), { recursive: true, force: true });
  }
  return { made, paths };
}

async function coreDumps(b: Builder, notes: string[], z: Squeeze): Promise<{ cores: string[]; made: 'kernel' | 'gcore' | null }> {
  const D = 'core dumps';
  const cores: string[] = [];
  // the kernel writes `core` here (this machine's core_pattern); renamed as other patterns name them
  // (core(5): %e the command, %p the pid, %t the time): the bytes stay the kernel's
  const named: [dir: string, name: (pid: number) => string, why: string][] = [
    ['/srv/api', (pid) => `core.sleep.${pid}`, 'core_pattern core.%e.%p'],
    ['/var/cores', (pid) => `core-sleep-${pid}-${epoch(22, 14)}`, 'core_pattern /var/cores/core-%e-%p-%t'],
    ['/home/bob/game', () => 'sleep.core', 'core_pattern %e.core'],
    ['/var/lib/apport/coredump', (pid) => `core._usr_bin_sleep.0.${b.hex(8)}-${b.hex(4)}-${b.hex(4)}-${b.hex(4)}-${b.hex(12)}.${pid}.${epoch(23, 9)}`, "apport's own core dir (Ubuntu 22.04+: /var/lib/apport/coredump)"],
  ];
  const placed = await placeCores(b, named.map(([d, name]) => (pid) => `${d}/${name(pid)}`));
  const made = placed.made;
  for (const [k, p] of placed.paths.entries()) {
    if (p === null) continue;
    b.label(p, D, `a core dump ${made === 'kernel' ? 'the kernel wrote' : 'gdb\'s gcore wrote'} (ELF, ET_CORE), named as ${named[k][2]} names it`);
    cores.push(p);
  }
  if (!made) notes.push('no core dump: core_pattern pipes or names another directory, or ulimit -c is 0, and gcore is missing or failed; the raw cores are left out');
  // kdump: makedumpfile's compressed format ("KDUMP   " then the header), RHEL's and Ubuntu's directories, one outside /var/crash
  const kdump = (n: number) => {
    const h = Buffer.alloc(64);
    h.write('KDUMP   ', 0, 'latin1');
    h.writeInt32LE(6, 8); // header_version
    h.write('Linux', 12, 'latin1');
    return Buffer.concat([h, b.bytes(n)]);
  };
  const dmesg = (i: number) => `[ ${4211 + i}.123456] BUG: kernel NULL pointer dereference, address: 00000000000000${(i % 90).toString(16).padStart(2, '0')}`;
  b.file('/var/crash/127.0.0.1-2026-11-22-03:00:01/vmcore', D, "kdump's vmcore (RHEL: /var/crash/IP-DATE/vmcore, makedumpfile's format)", kdump(4000), day(22, 3, 2));
  b.file('/var/crash/127.0.0.1-2026-11-22-03:00:01/vmcore-dmesg.txt', D, "kdump's dmesg of the crashed kernel, saved with its vmcore", b.text(1500, dmesg), day(22, 3, 2));
  b.file('/var/crash/202611230400/dump.202611230400', D, "kdump-tools' dump (Ubuntu: /var/crash/STAMP/dump.STAMP)", kdump(3800), day(23, 4, 2));
  b.file('/var/crash/202611230400/dmesg.202611230400', D, "kdump-tools' dmesg saved with the dump", b.text(1400, dmesg), day(23, 4, 2));
  b.file('/srv/crash/10.0.0.5-2026-11-23-04:00:00/vmcore', D, "kdump's vmcore where kdump.conf's `path /srv/crash` puts it", kdump(3900), day(23, 4, 5));
  // systemd-coredump with the older lz4 compression (.lz4)
  if (cores.length) {
    const lz = z('lz4', fs.readFileSync(b.abs(cores[0])), "systemd-coredump's .lz4 core");
    b.file(`/var/lib/systemd/coredump/core.nginx.33.${b.hex(32)}.7001.${day(21, 14) * 1000}.lz4`, D, "systemd-coredump's stored core (lz4, older systemd)", lz, day(21, 14));
  }
  return { cores, made };
}

function tempAndTrash(b: Builder): void {
  const T = 'temp';
  b.file('/home/alice/Downloads/debian-12.8.0-amd64-netinst.iso.part', T, "Firefox's download in progress (.part)", b.bytes(4000));
  b.file('/home/alice/Downloads/Unconfirmed 482913.crdownload', T, "Chrome's download in progress (.crdownload)", b.bytes(3500));
  b.file('/home/alice/Downloads/big-movie.mkv.!qB', T, "qBittorrent's incomplete file (.!qB)", b.bytes(3800));
  b.file('/home/alice/Documents/.~lock.report.odt#', T, "LibreOffice's lock file (.~lock.NAME#)", ',Alice,laptop,24.11.2026 09:12,file:///home/alice/.config/libreoffice/4;\n');
  b.file('/home/bob/proj/#main.c#', T, "Emacs' auto-save file (#NAME#)", b.text(1500, (i) => `int f${i}(void) { return ${i}; }`));
  b.file('/home/alice/notes/.todo.md.kate-swp', T, "Kate's swap file (.kate-swp)", b.bytes(600));
  b.file(`/srv/mirror/debian/.debian-12.8.0-amd64-DVD-1.iso.${'Xy7Zq1'}`, T, "rsync's temporary file of a transfer in progress (.NAME.XXXXXX)", b.bytes(4000));
  b.file('/etc/nginx/sedAbC12d', T, "sed -i's temporary file left by an interrupted run (sedXXXXXX)", b.text(1500, (i) => `# ${i}`));
  b.file('/var/tmp/dracut.Ab12Cd/initramfs/init', T, "dracut's work dir in /var/tmp", b.text(1500, (i) => `echo ${i}`));
  b.file('/var/tmp/rpm-tmp.k3J9aQ', T, "rpm's scriptlet in /var/tmp", b.text(300, (i) => `#!/bin/sh\n# ${i}`));
  b.file('/tmp/go-build2847261938/b001/_pkg_.a', T, "go build's work dir in /tmp", b.bytes(3000));
  b.file('/tmp/npm-4242-5f2a9c3b/registry.npmjs.org/lodash/-/lodash-4.17.21.tgz', T, "npm's temporary download in /tmp", zlib.gzipSync(tar([['package/package.json', '{"name":"lodash"}']], day(1))));
  b.file('/srv/app/storage/framework/cache/data/ab/cd/upload-chunk.temp', T, 'a chunk being assembled (.temp)', b.bytes(2000));

  const X = 'trash';
  const trashinfo = (p: string) => `[Trash Info]\nPath=${encodeURI(p)}\nDeletionDate=2026-11-19T10:03:22\n`;
  // the trash spec's first method: $topdir/.Trash/$uid (a sticky .Trash made by the admin)
  b.file('/srv/data/.Trash/1000/files/q3-report.pdf', X, 'in the trash ($topdir/.Trash/$uid/files, the trash spec)', Buffer.concat([Buffer.from('%PDF-1.7\n'), b.bytes(3000)]), day(19, 10));
  b.file('/srv/data/.Trash/1000/info/q3-report.pdf.trashinfo', X, "the trash's record of a deleted item ($topdir/.Trash/$uid/info)", trashinfo('/srv/data/q3-report.pdf'), day(19, 10));
  b.file('/media/alice/USB/.Trash-1000/files/old-photos.zip', X, "in a removable volume's trash (.Trash-$uid)", zip([['IMG_0001.jpg', b.bytes(2500)]]), day(18, 16));
  b.file('/media/alice/USB/.Trash-1000/info/old-photos.zip.trashinfo', X, "the trash's record of a deleted item", trashinfo('/media/alice/USB/old-photos.zip'), day(18, 16));
  b.file('/home/alice/.local/share/Trash/expunged/3141592653/draft.odt', X, 'the trash being emptied (Trash/expunged)', zip([['content.xml', b.text(1500, (i) => `<p>${i}</p>`)]]), day(20, 9));
  b.file('/home/alice/.local/share/Trash/directorysizes', X, "the trash's cache of directory sizes", '12288 1763600000000 screenshots\n', day(20, 9));
  b.file('/media/alice/MACUSB/.Trashes/501/old-invoice.docx', X, "a macOS volume's trash (.Trashes/UID)", zip([['word/document.xml', b.text(1500, (i) => `<w:p>${i}</w:p>`)]]), day(17, 12));
  b.file(`/var/www/nextcloud/data/alice/files_trashbin/files/budget.ods.d${epoch(19, 15)}`, X, "Nextcloud's trash bin (files_trashbin/files/NAME.dTIME)", zip([['content.xml', b.text(1800, (i) => `<table:row>${i}</table:row>`)]]), day(19, 15));
  b.file('/srv/samba/projects/.recycle/bob/spec-v2.docx', X, "Samba's recycle bin (vfs_recycle: .recycle/USER)", zip([['word/document.xml', b.text(1600, (i) => `<w:p>${i}</w:p>`)]]), day(20, 17));
}

function decoys(b: Builder): void {
  // dated and numbered files that are no backups, no logs
  for (const [ts, what] of [['20261120093000', 'create_users'], ['20261121101500', 'add_email_to_users'], ['20261122080000', 'create_orders']] as const)
    b.file(`/srv/rails/db/migrate/${ts}_${what}.rb`, null, 'a dated Rails migration: source code, sizes alike, not a series of backups', `class ${what.replace(/(^|_)(\w)/g, (_m, _a, c: string) => c.toUpperCase())} < ActiveRecord::Migration[7.1]\n${b.text(900, (i) => `    add_column :t, :c${i}, :string`)}end\n`);
  for (const [v, what] of [['V20261120_0930', 'init'], ['V20261121_1015', 'add_orders']] as const)
    b.file(`/srv/api/src/main/resources/db/migration/${v}__${what}.sql`, null, "a dated Flyway migration (*.sql without a dump's header)", b.text(1000, (i) => `ALTER TABLE orders ADD COLUMN c${i} int;`));
  for (const t of ['20261120_093012', '20261121_101500']) b.file(`/home/alice/Pictures/2026/IMG_${t}.jpg`, null, 'photos named by date, sizes alike: not a series of backups', Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe1]), b.bytes(b.int(3000, 3200))]));
  for (const t of ['2026-11-20 09-30-12']) b.file(`/home/alice/Pictures/Screenshots/Screenshot from ${t}.png`, null, 'screenshots named by date', png(20, 20, b.bytes(1200)));
  // man pages beside their program (neofetch's layout: NAME and NAME.1), one unpacked from a zip without its x bit
  b.file('/srv/src/neofetch/neofetch', null, 'a program (a shell script, mode 755)', '#!/usr/bin/env bash\n' + b.text(3000, (i) => `# line ${i}`));
  fs.chmodSync(b.abs('/srv/src/neofetch/neofetch'), 0o755);
  b.file('/srv/src/neofetch/neofetch.1', null, 'its man page (NAME.1 beside NAME): not a rotation', b.text(2000, (i) => `.TP\n.B \\-\\-opt${i}`));
  b.file('/home/alice/Downloads/fetchtool-7.1.0/fetchtool', null, 'a script unpacked from a zip without its x bit', '#!/usr/bin/env bash\n' + b.text(2800, (i) => `# line ${i}`));
  b.file('/home/alice/Downloads/fetchtool-7.1.0/fetchtool.1', null, 'its man page beside it: not a rotation of it', b.text(1900, (i) => `.TP\n.B \\-\\-opt${i}`));
  b.file('/srv/src/tool/doc/changelog', null, "a project's changelog", b.text(2000, (i) => `* 1.${i}: fixes`));
  b.file('/srv/src/tool/doc/changelog.1', null, "a man page (changelog.1) beside the project's changelog: not a copy of it", b.text(1800, (i) => `.SH CHANGELOG ${i}`));
  // versioned libraries, wheels, a package mirror, tarballs of a package's tests in node_modules
  for (const l of ['libpython3.11.so.1.0', 'libfoo.so.0', 'libfoo.so.1']) b.file(`/opt/app/lib/${l}`, null, 'a versioned shared library (.so.N), not a rotation', Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 0]), b.bytes(b.int(2800, 3000))]));
  for (const w of ['numpy-1.26.2-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl', 'requests-2.31.0-py3-none-any.whl']) b.file(`/srv/wheelhouse/${w}`, null, 'a wheelhouse for offline installs: artifacts, not backups', zip([[`${w.split('-')[0]}/__init__.py`, b.text(2000, (i) => `# ${i}`)]]));
  for (const v of ['5.4.1', '6.0', '6.0.1']) b.file(`/srv/pypi-mirror/packages/PyYAML-${v}.tar.gz`, null, 'a package mirror: versions of a release, not backups', zlib.gzipSync(tar([[`PyYAML-${v}/setup.py`, b.text(2000, (i) => `# ${i}`)]], day(1))));
  for (const f of ['name-is-100.tar']) b.file(`/srv/shop/node_modules/tar-stream/test/fixtures/${f}`, null, "a package's test fixtures (tarballs in node_modules)", tar([[f.replace('.tar', '.txt'), b.text(600, (i) => `${i}`)]], day(1)));
  // a project's git repository: packs and their index, ORIG_HEAD
  for (let k = 0; k < 1; k++) {
    const id = b.hex(40);
    b.file(`/srv/shop/.git/objects/pack/pack-${id}.pack`, null, "a git pack: the project's history, not a backup", Buffer.concat([Buffer.from('PACK\0\0\0\x02', 'latin1'), b.bytes(b.int(3000, 3300))]));
  }
  b.file('/srv/shop/.git/ORIG_HEAD', null, "git's previous HEAD", b.hex(40) + '\n');
  const [blob, body] = gitBlob(b.text(900, (i) => `def f${i}(): pass`));
  b.file(`/srv/shop/.git/objects/${blob}`, null, 'a git loose object', body);
  // test data named core, backup, log, dump (one a pg_dump fixture with the real header)
  const fx = '/srv/shop/tests/fixtures';
  b.file(`${fx}/core`, null, 'test data named core (JSON): not a dump', JSON.stringify({ core: true, modules: ['orders', 'users'] }));
  b.file(`${fx}/backup.tar`, null, "a parser's test archive named backup.tar", tar([['a.txt', 'a\n']], day(1)));
  b.file(`${fx}/sample.log`, null, "a log parser's test input (*.log in tests/fixtures): not a log of this host", b.text(800, (i) => `2020-01-01 00:00:0${i % 10} INFO sample ${i}`));
  b.file(`${fx}/sample.log.1`, null, "a log parser's test input (a rotated name)", b.text(800, (i) => `2019-12-31 00:00:0${i % 10} INFO sample ${i}`));
  b.file(`${fx}/pg_dump_sample.sql`, null, "a dump parser's test input: pg_dump's header, but test data", pgPlain(b, 'fixture', 5, day(1)));
  // a directory named backup holding source code
  for (const f of ['restore.py', 'scheduler.py', 'templates/backup_email.html']) b.file(`/srv/shop/src/backup/${f}`, null, "source code in a directory named backup (the app's backup feature)", b.text(b.int(600, 1800), (i) => `# ${f} ${i}`));
  // databases' own files: SQLite, redis, etcd, Kafka, Prometheus, MongoDB
  b.file('/var/lib/grafana/grafana.db', null, "Grafana's SQLite database", Buffer.concat([Buffer.from('SQLite format 3\0'), b.bytes(4000)]));
  b.file('/home/alice/.mozilla/firefox/x1y2z3.default-release/places.sqlite', null, "Firefox's history database", Buffer.concat([Buffer.from('SQLite format 3\0'), b.bytes(4000)]));
  b.file('/var/lib/redis/dump.rdb', null, "redis' own RDB snapshot: its data (what it loads at start), not a backup", Buffer.concat([Buffer.from('REDIS0011'), b.bytes(3000)]));
  b.file('/var/lib/redis/appendonlydir/appendonly.aof.1.incr.aof', null, "redis' append-only file, its increments: data, not a log to rotate", b.text(1500, (i) => `*3\r\n$3\r\nSET\r\n$4\r\nk${String(i).padStart(3, '0')}\r\n$1\r\nv\r\n`));
  b.file('/var/lib/etcd/member/wal/0000000000000000-0000000000000000.wal', null, "etcd's write-ahead log: its data", b.bytes(4096));
  b.file('/var/lib/etcd/member/wal/0.tmp', null, "etcd's preallocated next WAL file (0.tmp): its data, not a temp file to clean", b.bytes(4096));
  for (const e of ['log', 'index']) b.file(`/var/lib/kafka/data/orders-0/00000000000000000000.${e}`, null, `a Kafka segment (.${e}): the topic's data, not a log to clean`, b.bytes(e === 'log' ? 4000 : 800));
  b.file('/var/lib/prometheus/wal/00000012', null, "Prometheus' write-ahead log segment: its data", b.bytes(3000));
  b.file('/var/lib/mongodb/journal/WiredTigerLog.0000000001', null, "WiredTiger's journal: the database's, not a log to rotate", b.bytes(4000));
  b.file('/var/lib/snapd/snaps/lxd_26200.snap', null, 'an installed snap (squashfs)', Buffer.concat([Buffer.from('hsqs'), b.bytes(3500)]));
  b.file('/var/lib/logrotate/status', null, "logrotate's state file: not a log", b.text(600, (i) => `"/var/log/app${i}.log" 2026-11-24-6:25:0`));
  b.file(`/var/lib/jenkins/jobs/api/builds/42/changelog.xml`, null, "a build's SCM changelog (named changelog, not a log)", `<?xml version='1.0'?><changelog>${b.text(600, (i) => `<c${i}/>`)}</changelog>`);

  // packages' files (fake dpkg lists)
  b.pkg('mariadb-server', '/usr/share/mysql/mysql_system_tables.sql', "the server's bootstrap SQL (*.sql)", b.text(3000, (i) => `CREATE TABLE IF NOT EXISTS t${i} (id int);`));
  b.pkg('mariadb-server', '/usr/share/mysql/fill_help_tables.sql', "the server's help tables (*.sql)", b.text(3500, (i) => `INSERT INTO help_topic VALUES (${i},'x');`));
  b.pkg('systemd-coredump', '/usr/lib/systemd/systemd-coredump', 'the program that stores core dumps (listed as /lib/..., merged /usr)', Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 0]), b.bytes(3000)]), '/lib/systemd/systemd-coredump');
  b.pkg('gitlab-ce', '/opt/gitlab/embedded/service/gitlab-rails/lib/backup/database.rb', "GitLab's backup code (a directory named backup)", b.text(2500, (i) => `# backup ${i}`));
  b.pkg('gitlab-ce', '/opt/gitlab/embedded/lib/ruby/gems/3.1.0/cache/rake-13.0.6.gem', "gems shipped in a directory named cache: the package's", tar([['metadata.gz', b.bytes(600)]], day(1)));
  for (const ts of ['20241105000000_add_index']) b.pkg('gitlab-ce', `/opt/gitlab/embedded/service/gitlab-rails/db/migrate/${ts}.rb`, 'a dated migration shipped by the package', b.text(800, (i) => `# ${i}`));
  b.pkg('python3-pytest', '/usr/lib/python3/dist-packages/_pytest/cacheprovider.py', "pytest's cache code (named cache)", b.text(3000, (i) => `# ${i}`));
  b.pkg('redis-server', '/etc/redis/redis.conf', 'a conffile', b.text(3000, (i) => `# save ${i} 1`));
  b.pkg('nginx-common', '/var/www/html/index.nginx-debian.html', 'a package file under /var', '<html><body><h1>Welcome to nginx!</h1></body></html>\n');
  b.pkg('kdump-tools', '/usr/share/doc/kdump-tools/examples/kdump.conf.gz', 'an example config shipped gzipped', zlib.gzipSync(b.text(1200, (i) => `#path /var/crash/${i}`)));
}

