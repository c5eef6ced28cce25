/**
 * Issue 16's labelled fixture: a tree standing for `/` (dir/root) with the layouts the tools really
 * make (restic, borg, rsnapshot, rsync --link-dest, duplicity, Bareos, Timeshift, pg_dump,
 * mysqldump, Debian's /var/backups, logrotate, journald, CACHEDIR.TAG, XDG and package managers'
 * caches, a core dump the kernel wrote, systemd-coredump, apport, temp and trash), decoys (files
 * fake dpkg lists say a package installed, and unowned look-alikes), every regular file labelled
 * with the kind an operator would give it and why. Then the measuring side: classifyFixture (the
 * project's scan and src/owners/kinds.ts categorize, as `owners` runs them) and scoreKinds
 * (precision and recall per kind), used by test/kinds-fixture.test.ts and the bench's `kinds`
 * section.
 *
 * Deterministic (a seeded generator) but for the core dumps, which are real: made by the kernel
 * (a child killed by SIGABRT under `ulimit -c`, when core_pattern writes into the working
 * directory), else by gdb's gcore, else left out (coreMade null, said in `notes`).
 *
 * Left out on purpose (an operator could call them either way): a `logs` directory holding a
 * .tar.gz (archived logs or a backup?), MySQL binary logs (logs, but purged through the server),
 * /var/lib/dpkg/status-old (dpkg's database or a backup?), debconf's /var/cache/debconf/config.dat
 * (in /var/cache, but not disposable), Timeshift's rsync-log, a log or a core in /tmp (temp?),
 * versioned releases (/opt/app/releases/app-1.0.tar.gz ...).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import crypto from 'node:crypto';
import { spawn, spawnSync } from 'node:child_process';
import { rng } from '../../src/forecast/synth.js';
import { Tree } from '../../src/tree/tree.js';
import { localScan } from '../../src/app/place.js';
import { EntryType } from '../../src/model/entry.js';
import { categorize, loadRules } from '../../src/owners/kinds.js';
import { loadPackageMap, ownedMask } from '../../src/owners/packages.js';

/** the kinds of issue 16 */
export type Kind = 'backups' | 'logs' | 'caches' | 'core dumps' | 'temp' | 'trash';
export const KINDS: readonly Kind[] = ['backups', 'logs', 'caches', 'core dumps', 'temp', 'trash'];

/** issue 16's targets, on every kind */
export const PRECISION_TARGET = 0.98;
export const RECALL_TARGET = 0.95;

/** the exact signature line of a CACHEDIR.TAG (https://bford.info/cachedir/) */
export const CACHEDIR_SIGNATURE = 'Signature: 8a477f597d28d172789f06886806bc55';

export interface KindsFixture {
  /** the directory standing for `/` (dir/root) */
  root: string;
  /** the fake dpkg info directory (root/var/lib/dpkg/info) */
  infoDir: string;
  /** every regular file below root, by its path from root with a leading '/': its kind, null for none (a decoy) */
  labels: Map<string, Kind | null>;
  /** why an operator calls each labelled file so (one line) */
  reasons: Map<string, string>;
  /** the files a fake dpkg list names: path in the tree -> [package, path as listed] (merged-/usr aliases differ) */
  owned: Map<string, { pkg: string; listed: string }>;
  /** the raw ELF core dumps (paths from root): made by the kernel, or gcore */
  cores: string[];
  /** how the core dumps were made; null: neither way worked, they are left out (see notes) */
  coreMade: 'kernel' | 'gcore' | null;
  /** what was left out of this build and why (no core, no zstd) */
  notes: string[];
  /** hard-linked groups (paths from root) the layouts make: rsnapshot, rsync --link-dest, Timeshift */
  hardLinked: string[][];
  /** how long the build took (ms) */
  buildMs: number;
}

/** the fixture's "now" and its dates (2026-11-20 ... 2026-11-24) */
export const NOW = Date.UTC(2026, 10, 24, 6, 25);
export const DAY = 86_400_000;
export const day = (d: number, h = 3, m = 0, s = 0) => Date.UTC(2026, 10, d, h, m, s);

/** builds the tree: every regular file goes through file() with its label and reason */
export class Builder {
  readonly labels = new Map<string, Kind | null>();
  readonly reasons = new Map<string, string>();
  readonly owned = new Map<string, { pkg: string; listed: string }>();
  readonly hardLinked: string[][] = [];
  private readonly lists = new Map<string, string[]>();
  private readonly mtimes: [string, number][] = [];
  readonly r: () => number;

  constructor(readonly root: string, seed: number) {
    this.r = rng(seed);
  }
  abs(p: string): string {
    return path.join(this.root, p);
  }
  /** a regular file at p (from root), labelled; mtime in ms since the epoch (default NOW) */
  file(p: string, kind: Kind | null, why: string, data: Buffer | string, mtime = NOW): void {
    if (this.labels.has(p)) throw new Error(`kinds fixture: ${p} made twice`);
    fs.mkdirSync(path.dirname(this.abs(p)), { recursive: true });
    fs.writeFileSync(this.abs(p), data);
    this.label(p, kind, why);
    this.mtimes.push([p, mtime]);
  }
  label(p: string, kind: Kind | null, why: string): void {
    this.labels.set(p, kind);
    this.reasons.set(p, why);
  }
  /** a file a package installed (a decoy): listed in <pkg>.list as `listed` (a merged-/usr alias may differ) */
  pkg(pkg: string, p: string, why: string, data: Buffer | string, listed = p): void {
    this.file(p, null, `${pkg}'s: ${why}`, data);
    this.owned.set(p, { pkg, listed });
    const l = this.lists.get(pkg) ?? [];
    l.push(listed);
    this.lists.set(pkg, l);
  }
  /** a list entry for a file that is not a regular file here (a symlink the package ships) */
  listOnly(pkg: string, listed: string): void {
    const l = this.lists.get(pkg) ?? [];
    l.push(listed);
    this.lists.set(pkg, l);
  }
  /** the same inode under more names, each labelled like the first */
  links(first: string, more: string[]): void {
    for (const p of more) {
      fs.mkdirSync(path.dirname(this.abs(p)), { recursive: true });
      fs.linkSync(this.abs(first), this.abs(p));
      this.label(p, this.labels.get(first)!, this.reasons.get(first)!);
    }
    this.hardLinked.push([first, ...more]);
  }
  symlink(target: string, p: string): void {
    fs.mkdirSync(path.dirname(this.abs(p)), { recursive: true });
    fs.symlinkSync(target, this.abs(p));
  }
  dir(p: string): void {
    fs.mkdirSync(this.abs(p), { recursive: true });
  }
  /** the dpkg lists, as dpkg writes them: `/.`, every directory then the files, one a line */
  writeLists(infoDir: string): void {
    for (const [pkg, paths] of this.lists) {
      const lines = new Set<string>(['/.']);
      for (const p of [...paths].sort()) {
        const parts = p.split('/');
        for (let k = 2; k < parts.length; k++) lines.add(parts.slice(0, k).join('/'));
        lines.add(p);
      }
      this.file(path.posix.join('/', path.relative(this.root, infoDir), `${pkg}.list`), null, "dpkg's database: the files of a package", [...lines].join('\n') + '\n');
    }
  }
  /** the mtimes, last (a file written into a directory changes only the directory's) */
  stamp(): void {
    for (const [p, t] of this.mtimes) fs.utimesSync(this.abs(p), t / 1000, t / 1000);
  }

  // ------------------------------------------------------------------------------ content
  bytes(n: number): Buffer {
    const b = Buffer.alloc(n);
    for (let i = 0; i < n; i++) b[i] = Math.floor(this.r() * 256);
    return b;
  }
  hex(n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) s += Math.floor(this.r() * 16).toString(16);
    return s;
  }
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.r() * (hi - lo + 1));
  }
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.r() * xs.length)];
  }
  /** lines from `line(i)` up to about n bytes */
  text(n: number, line: (i: number) => string): string {
    let s = '';
    for (let i = 0; s.length < n; i++) s += line(i) + '\n';
    return s;
  }
}

// ------------------------------------------------------------------------------------ formats

const CRC_TABLE = Int32Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c;
});
export function crc32(b: Buffer): number {
  let c = -1;
  for (let i = 0; i < b.length; i++) c = CRC_TABLE[(c ^ b[i]) & 0xff] ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}

/** a ustar archive (GNU tar's 10240-byte records) of [name, data] */
export function tar(files: [string, Buffer | string][], mtime: number): Buffer {
  const out: Buffer[] = [];
  for (const [name, d] of files) {
    const data = Buffer.from(d);
    const h = Buffer.alloc(512);
    h.write(name, 0, 100);
    h.write('0000644\0', 100);
    h.write('0000000\0', 108);
    h.write('0000000\0', 116);
    h.write(data.length.toString(8).padStart(11, '0') + '\0', 124);
    h.write(Math.floor(mtime / 1000).toString(8).padStart(11, '0') + '\0', 136);
    h.write('        ', 148);
    h.write('0', 156);
    h.write('ustar\0' + '00', 257);
    h.write('root', 265);
    h.write('root', 297);
    let sum = 0;
    for (const x of h) sum += x;
    h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148);
    out.push(h, data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  out.push(Buffer.alloc(1024));
  const n = out.reduce((s, b) => s + b.length, 0);
  out.push(Buffer.alloc((10240 - (n % 10240)) % 10240));
  return Buffer.concat(out);
}

/** a zip archive of stored (uncompressed) entries */
export function zip(files: [string, Buffer | string][]): Buffer {
  const local: Buffer[] = [];
  const central: Buffer[] = [];
  let off = 0;
  for (const [name, d] of files) {
    const data = Buffer.from(d);
    const nm = Buffer.from(name);
    const crc = crc32(data);
    const h = Buffer.alloc(30);
    h.writeUInt32LE(0x04034b50, 0);
    h.writeUInt16LE(20, 4);
    h.writeUInt16LE(0x5a21, 10); // 11:09:02
    h.writeUInt16LE(0x5d78, 12); // 2026-11-24
    h.writeUInt32LE(crc, 14);
    h.writeUInt32LE(data.length, 18);
    h.writeUInt32LE(data.length, 22);
    h.writeUInt16LE(nm.length, 26);
    const c = Buffer.alloc(46);
    c.writeUInt32LE(0x02014b50, 0);
    c.writeUInt16LE(0x031e, 4);
    c.writeUInt16LE(20, 6);
    h.copy(c, 10, 8, 28); // method, time, date, crc, sizes
    c.writeUInt16LE(nm.length, 28);
    c.writeUInt32LE(0o100644 * 0x10000, 38);
    c.writeUInt32LE(off, 42);
    local.push(h, nm, data);
    central.push(c, nm);
    off += h.length + nm.length + data.length;
  }
  const cd = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(off, 16);
  return Buffer.concat([...local, cd, end]);
}

function pngChunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}

/** a w x h RGB PNG of these pixels' bytes */
export function png(w: number, h: number, pixels: Buffer): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8;
  ihdr[9] = 2;
  const rows: Buffer[] = [];
  for (let y = 0; y < h; y++) rows.push(Buffer.from([0]), pixels.subarray(y * w * 3, (y + 1) * w * 3));
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), pngChunk('IHDR', ihdr), pngChunk('IDAT', zlib.deflateSync(Buffer.concat(rows))), pngChunk('IEND', Buffer.alloc(0))]);
}

/** a git loose object: its path below objects/ and its bytes */
export function gitBlob(content: string): [string, Buffer] {
  const body = Buffer.concat([Buffer.from(`blob ${Buffer.byteLength(content)}\0`), Buffer.from(content)]);
  const id = crypto.createHash('sha1').update(body).digest('hex');
  return [`${id.slice(0, 2)}/${id.slice(2)}`, zlib.deflateSync(body)];
}

/** journald's file header (src/libsystemd/sd-journal/journal-def.h): "LPKSHHRH", flags, state, ids; then entries (here noise) */
export function journal(b: Builder, machineId: string, n: number, state: number): Buffer {
  const h = Buffer.alloc(64);
  h.write('LPKSHHRH', 0, 'latin1');
  h.writeUInt32LE(0x1f, 12); // incompatible flags: compressed (xz|lz4|zstd), keyed hash, compact
  h[16] = state; // 0 offline, 1 online, 2 archived
  b.bytes(16).copy(h, 24); // file id
  Buffer.from(machineId, 'hex').copy(h, 40);
  b.bytes(8).copy(h, 56);
  return Buffer.concat([h, b.bytes(n - h.length)]);
}

/** a Bareos file volume: a block header (12 bytes, then "BB02"), the volume label record, data records */
export function bareosVolume(b: Builder, name: string, pool: string, n: number): Buffer {
  const label = Buffer.from(`Bareos 2.0 immortal\n\0${name}\0\0${pool}\0Backup\0File\0backup1\0bareos-sd\0 23.0.1 (28 January 2024)\0`, 'latin1');
  const rec = Buffer.alloc(12);
  rec.writeInt32BE(-2, 0); // FileIndex VOL_LABEL
  rec.writeInt32BE(0, 4);
  rec.writeUInt32BE(label.length, 8);
  const body = Buffer.concat([rec, label, b.bytes(n - 24 - rec.length - label.length)]);
  const h = Buffer.alloc(24);
  h.writeUInt32BE(crc32(body), 0);
  h.writeUInt32BE(n, 4); // block size
  h.writeUInt32BE(1, 8); // block number
  h.write('BB02', 12, 'latin1');
  h.writeUInt32BE(b.int(1, 40), 16); // VolSessionId
  h.writeUInt32BE(1763600000, 20); // VolSessionTime
  return Buffer.concat([h, body]);
}

/** pg_dump's custom format: "PGDMP", version 1.14.0, int and offset sizes, archCustom; then the TOC and data (noise) */
export function pgCustom(b: Builder, n: number): Buffer {
  return Buffer.concat([Buffer.from('PGDMP', 'latin1'), Buffer.from([1, 14, 0, 4, 8, 1]), b.bytes(n - 11)]);
}

export function pgPlain(b: Builder, db: string, rows: number, t: number): string {
  const head = `--\n-- PostgreSQL database dump\n--\n\n-- Dumped from database version 15.5 (Debian 15.5-0+deb12u1)\n-- Dumped by pg_dump version 15.5 (Debian 15.5-0+deb12u1)\n\nSET statement_timeout = 0;\nSET lock_timeout = 0;\nSET client_encoding = 'UTF8';\nSET standard_conforming_strings = on;\nSELECT pg_catalog.set_config('search_path', '', false);\n\n--\n-- Name: orders; Type: TABLE; Schema: public; Owner: ${db}\n--\n\nCREATE TABLE public.orders (\n    id integer NOT NULL,\n    customer_id integer,\n    total numeric(10,2),\n    created_at timestamp without time zone\n);\n\nCOPY public.orders (id, customer_id, total, created_at) FROM stdin;\n`;
  let body = '';
  for (let i = 1; i <= rows; i++) body += `${i}\t${b.int(1, 900)}\t${b.int(1, 40000) / 100}\t${new Date(t - b.int(0, 30 * DAY)).toISOString().slice(0, 19).replace('T', ' ')}\n`;
  return head + body + '\\.\n\n--\n-- PostgreSQL database dump complete\n--\n\n';
}

export function mysqlDump(b: Builder, db: string, rows: number): string {
  let v = '';
  for (let i = 1; i <= rows; i++) v += `${i > 1 ? ',' : ''}(${i},${b.int(1, 900)},${b.int(1, 40000) / 100},'2026-11-${b.int(10, 20)} ${b.int(10, 23)}:00:00')`;
  return `-- MySQL dump 10.13  Distrib 8.0.35, for Linux (x86_64)\n--\n-- Host: localhost    Database: ${db}\n-- ------------------------------------------------------\n-- Server version\t8.0.35\n\n/*!40101 SET @OLD_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT */;\n/*!40101 SET NAMES utf8mb4 */;\n/*!40014 SET @OLD_UNIQUE_CHECKS=@@UNIQUE_CHECKS, UNIQUE_CHECKS=0 */;\n\n--\n-- Table structure for table \`orders\`\n--\n\nDROP TABLE IF EXISTS \`orders\`;\nCREATE TABLE \`orders\` (\n  \`id\` int NOT NULL AUTO_INCREMENT,\n  \`customer_id\` int DEFAULT NULL,\n  \`total\` decimal(10,2) DEFAULT NULL,\n  \`created_at\` datetime DEFAULT NULL,\n  PRIMARY KEY (\`id\`)\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;\n\nLOCK TABLES \`orders\` WRITE;\nINSERT INTO \`orders\` VALUES ${v};\nUNLOCK TABLES;\n-- Dump completed on 2026-11-20  3:00:12\n`;
}

export const syslogTime = (t: number) => new Date(t).toISOString().replace('Z', '+00:00').replace(/\.(\d{3})/, '.$1123');
export const clf = (t: number) => {
  const d = new Date(t);
  const mon = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][d.getUTCMonth()];
  return `${String(d.getUTCDate()).padStart(2, '0')}/${mon}/${d.getUTCFullYear()}:${d.toISOString().slice(11, 19)} +0000`;
};

// ------------------------------------------------------------------------------------ the tree

/**
 * A new tree standing for `/` at dir/root (dir must exist and hold no `root`), with a Builder of
 * this seed: merged /usr as Debian 12 has it (/bin -> usr/bin, /sbin, /lib, /lib64: the lists'
 * /bin/x and /lib/x are /usr/bin/x and /usr/lib/x) and dpkg's info directory (root/var/lib/dpkg/info).
 */
export function startTree(dir: string, seed: number): { root: string; b: Builder; infoDir: string } {
  const root = path.join(dir, 'root');
  fs.mkdirSync(root);
  const b = new Builder(root, seed);
  for (const d of ['bin', 'sbin', 'lib', 'lib64']) {
    b.dir(`/usr/${d}`);
    b.symlink(`usr/${d}`, `/${d}`);
  }
  const infoDir = path.join(root, 'var/lib/dpkg/info');
  fs.mkdirSync(infoDir, { recursive: true });
  return { root, b, infoDir };
}

/** the regular files below `root` (links not followed), each by its path from root with a leading '/' */
export function regularFiles(root: string): string[] {
  const found: string[] = [];
  const walk = (rel: string) => {
    for (const e of fs.readdirSync(path.join(root, rel), { withFileTypes: true })) {
      const p = `${rel}/${e.name}`;
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) found.push(p);
    }
  };
  walk('');
  return found;
}

/**
 * Build the labelled tree under `dir/root` (dir must exist and be empty of `root`):
 * about 400 regular files of bytes to a few KiB each (the core dumps: a few hundred KiB), their mtimes in
 * 2026-11-20 ... 24, hard links where the tools make them, the dpkg lists in root/var/lib/dpkg/info
 * (what loadPackageMap reads), merged-/usr symlinks (/bin -> usr/bin ...), a FIFO and a symlink
 * to it among the core dumps (never labelled: not regular files). Needs `sh` with `ulimit` and
 * `sleep` for the kernel's core dumps (else gdb's gcore, else none), `zstd` for systemd-coredump's
 * compressed files (else Compress=no's plain file), `mkfifo`.
 */
export async function buildKindsFixture(dir: string): Promise<KindsFixture> {
  const t0 = performance.now();
  const { root, b, infoDir } = startTree(dir, 16);
  const notes: string[] = [];

  backups(b);
  logs(b);
  caches(b);
  const core = await coreDumps(b, notes);
  tempAndTrash(b);
  decoys(b);
  b.writeLists(infoDir);
  b.stamp();
  return { root, infoDir, labels: b.labels, reasons: b.reasons, owned: b.owned, cores: core.cores, coreMade: core.made, notes, hardLinked: b.hardLinked, buildMs: performance.now() - t0 };
}

function backups(b: Builder): void {
  const B = 'backups';
  // restic (https://restic.readthedocs.io/en/stable/100_references.html#repository-format): config, keys/, data/xx/, index/, snapshots/, locks/
  const restic = '/srv/restic-repo';
  b.file(`${restic}/config`, B, 'restic repository: its encrypted config', b.bytes(155), day(20, 2));
  b.file(`${restic}/keys/${b.hex(64)}`, B, 'restic repository: a key file', JSON.stringify({ created: '2026-11-20T02:00:01.43Z', username: 'root', hostname: 'web1', kdf: 'scrypt', N: 32768, r: 8, p: 6, salt: b.bytes(64).toString('base64'), data: b.bytes(160).toString('base64') }, null, 2), day(20, 2));
  for (let k = 0; k < 4; k++) {
    const id = b.hex(64);
    b.file(`${restic}/data/${id.slice(0, 2)}/${id}`, B, 'restic repository: a pack of file contents', b.bytes(b.int(3000, 4000)), day(20 + (k % 4), 2, 1));
  }
  for (let k = 0; k < 2; k++) b.file(`${restic}/index/${b.hex(64)}`, B, 'restic repository: an index', b.bytes(b.int(600, 700)), day(20 + k, 2, 2));
  for (let k = 0; k < 3; k++) b.file(`${restic}/snapshots/${b.hex(64)}`, B, 'restic repository: a snapshot', b.bytes(b.int(280, 320)), day(20 + k, 2, 2));
  b.file(`${restic}/locks/${b.hex(64)}`, B, 'restic repository: a stale lock', b.bytes(190), day(23, 2, 2));

  // borg 1.x (https://borgbackup.readthedocs.io/en/1.2-maint/internals/data-structures.html)
  const borg = '/srv/borg/web1';
  b.file(`${borg}/README`, B, 'borg repository: its README', 'This is a Borg Backup repository.\nSee https://borgbackup.readthedocs.io/\n', day(20, 1));
  b.file(`${borg}/config`, B, 'borg repository: [repository] config', `[repository]\nversion = 1\nsegments_per_dir = 1000\nmax_segment_size = 524288000\nappend_only = 0\nstorage_quota = 0\nadditional_free_space = 0\nid = ${b.hex(64)}\nkey = ${b.bytes(300).toString('base64')}\n\n`, day(20, 1));
  for (const seg of [1, 3, 5, 7]) b.file(`${borg}/data/0/${seg}`, B, 'borg repository: a segment', Buffer.concat([Buffer.from('BORG_SEG'), b.bytes(seg === 1 ? 9 : b.int(3000, 4000))]), day(20 + (seg >> 1), 1, 5));
  b.file(`${borg}/hints.7`, B, 'borg repository: compaction hints', b.bytes(212), day(23, 1, 5));
  b.file(`${borg}/index.7`, B, 'borg repository: its index', Buffer.concat([Buffer.from('BORG_IDX'), b.bytes(1024)]), day(23, 1, 5));
  b.file(`${borg}/integrity.7`, B, 'borg repository: integrity data', `{"algorithm": "XXH64", "digests": {"final": "${b.hex(16)}", "HashHeader": "${b.hex(16)}"}}`, day(23, 1, 5));
  b.file(`${borg}/nonce`, B, 'borg repository: the nonce', b.hex(16), day(23, 1, 5));

  // rsnapshot's snapshot_root (/var/cache/rsnapshot by default): alpha.0 newest, unchanged files hard links
  const rsnap = '/var/cache/rsnapshot';
  const files: [string, number][] = [['localhost/etc/hostname', 10], ['localhost/etc/fstab', 700], ['localhost/etc/nginx/nginx.conf', 1500], ['localhost/home/alice/notes.txt', 2000], ['localhost/var/log/syslog.1', 3000]];
  const snaps = ['alpha.0', 'alpha.1', 'beta.0'];
  for (const [f, n] of files) {
    const changes = f.endsWith('notes.txt') || f.endsWith('syslog.1');
    if (!changes) {
      b.file(`${rsnap}/beta.0/${f}`, B, 'rsnapshot: a file of a snapshot (in /var/cache, still a backup)', b.text(n, () => b.hex(40)), day(20, 4));
      b.links(`${rsnap}/beta.0/${f}`, snaps.slice(0, 2).map((s) => `${rsnap}/${s}/${f}`));
    } else for (const [k, s] of snaps.entries()) b.file(`${rsnap}/${s}/${f}`, B, 'rsnapshot: a file of a snapshot (a changed one: its own copy)', b.text(n, () => b.hex(40)), day(23 - k, 4));
  }

  // rsync --link-dest=../PREVIOUS: one directory a day, unchanged files hard linked
  const rs = '/srv/backup/web1';
  const www: [string, number][] = [['var/www/html/index.html', 1200], ['var/www/html/app.js', 3500], ['etc/nginx/sites-enabled/site', 600]];
  const days = [20, 21, 22];
  for (const [f, n] of www) {
    const first = `${rs}/2026-11-20/${f}`;
    b.file(first, B, 'rsync --link-dest daily tree: a copy of the site', b.text(n, () => b.hex(60)), day(20, 1));
    b.links(first, days.slice(1).map((d) => `${rs}/2026-11-${d}/${f}`));
  }
  b.file(`${rs}/2026-11-22/var/www/html/upload.json`, B, 'rsync --link-dest daily tree: a file new that day', b.text(800, () => b.hex(60)), day(23, 1));
  b.symlink('2026-11-22', `${rs}/latest`);

  // duplicity (https://duplicity.us/stable/duplicity.1.html#file-naming): full and incremental sets
  const dup = '/srv/duplicity/web1';
  const full = '20261120T030000Z';
  b.file(`${dup}/duplicity-full.${full}.vol1.difftar.gpg`, B, 'duplicity: a full set volume', Buffer.concat([Buffer.from([0x8c, 0x0d, 0x04, 0x09]), b.bytes(4000)]), day(20));
  b.file(`${dup}/duplicity-full.${full}.manifest.gpg`, B, "duplicity: a full set's manifest", b.bytes(420), day(20));
  b.file(`${dup}/duplicity-full-signatures.${full}.sigtar.gpg`, B, "duplicity: a full set's signatures", b.bytes(1500), day(20));
  for (const [a, z] of [[20, 21], [21, 22]]) {
    const span = `2026112${a % 10}T030000Z.to.2026112${z % 10}T030000Z`;
    b.file(`${dup}/duplicity-inc.${span}.vol1.difftar.gpg`, B, 'duplicity: an incremental volume', b.bytes(b.int(1000, 1200)), day(z));
    b.file(`${dup}/duplicity-inc.${span}.manifest.gpg`, B, "duplicity: an incremental's manifest", b.bytes(b.int(300, 340)), day(z));
    b.file(`${dup}/duplicity-new-signatures.${span}.sigtar.gpg`, B, "duplicity: an incremental's signatures", b.bytes(b.int(500, 560)), day(z));
  }

  // Bareos file storage (/var/lib/bareos/storage, volumes named by the pools' LabelFormat)
  for (const [name, pool, d] of [['Full-0001', 'Full', 20], ['Incremental-0002', 'Incremental', 21], ['Differential-0003', 'Differential', 23]] as const)
    b.file(`/var/lib/bareos/storage/${name}`, B, 'Bareos file volume: block header BB02, volume label', bareosVolume(b, name, pool, b.int(3800, 4096)), day(d, 23));

  // Timeshift, rsync mode: /timeshift/snapshots/<date_time>/{info.json, exclude.list, localhost/...}
  const ts = ['2026-11-20_10-00-01', '2026-11-22_10-00-01'];
  for (const s of ts) {
    const t = Date.parse(s.replace('_', 'T').replace(/-(\d\d)-(\d\d)$/, ':$1:$2') + 'Z');
    b.file(`/timeshift/snapshots/${s}/info.json`, B, 'Timeshift snapshot: its info', JSON.stringify({ id: s, name: s, created: String(t / 1000), sys_uuid: `${b.hex(8)}-${b.hex(4)}-${b.hex(4)}-${b.hex(4)}-${b.hex(12)}`, sys_distro: 'Debian GNU/Linux 12 (bookworm)', app_version: '22.11.2', tags: 'D', comments: '' }, null, 2), t);
    b.file(`/timeshift/snapshots/${s}/exclude.list`, B, 'Timeshift snapshot: its exclude list', '+ /etc/***\n- /home/*/.cache/***\n- /var/cache/***\n- /tmp/***\n- /var/tmp/***\n', t);
  }
  for (const [f, n] of [['etc/default/grub', 1300], ['home/alice/.bashrc', 3500], ['var/log/dpkg.log', 2500]] as const) {
    const first = `/timeshift/snapshots/${ts[0]}/localhost/${f}`;
    b.file(first, B, 'Timeshift snapshot: a copy of the system (logs included)', b.text(n, () => b.hex(50)), day(20, 10));
    b.links(first, [`/timeshift/snapshots/${ts[1]}/localhost/${f}`]);
  }

  // pg_dump: a daily series gzipped, a lone plain dump (its header says so), custom-format dumps
  for (const d of [20, 21, 22, 23]) b.file(`/srv/pgdump/db-2026-11-${d}.sql.gz`, B, 'pg_dump | gzip, one a day: a series', zlib.gzipSync(pgPlain(b, 'shop', 60, day(d))), day(d));
  b.file('/var/lib/postgresql/shop.sql', B, 'pg_dump plain output ("-- PostgreSQL database dump")', pgPlain(b, 'shop', 40, day(19)), day(19, 14));
  for (const d of [21, 22, 23]) b.file(`/var/lib/postgresql/dumps/shop-2026-11-${d}.dump`, B, 'pg_dump -Fc (starts "PGDMP"), one a day', pgCustom(b, b.int(2200, 2400)), day(d, 2));
  b.file('/home/alice/prod.pgdump', B, 'pg_dump -Fc output (starts "PGDMP")', pgCustom(b, 2300), day(18, 16));
  // mysqldump
  for (const d of [22, 23]) b.file(`/srv/mysql/shop-2026-11-${d}.sql`, B, 'mysqldump ("-- MySQL dump 10.13"), one a day', mysqlDump(b, 'shop', 30), day(d, 1));
  b.file('/root/all-databases.sql', B, 'mysqldump --all-databases output ("-- MySQL dump")', mysqlDump(b, 'mysql', 25), day(17, 9));

  // /var/backups as Debian's dpkg-db-backup and passwd's cron job fill it
  const vb = (n: string, why: string, data: Buffer | string, d = 24) => b.file(`/var/backups/${n}`, B, `/var/backups: ${why}`, data, day(d, 0, 0));
  const status = () => b.text(3000, (i) => `Package: pkg${i}\nStatus: install ok installed\nVersion: 1.${i}\n`);
  vb('dpkg.status.0', "dpkg's status, yesterday's", status());
  for (let k = 1; k <= 2; k++) vb(`dpkg.status.${k}.gz`, "dpkg's status, older (gzipped)", zlib.gzipSync(status()), 24 - k);
  vb('dpkg.diversions.0', "dpkg's diversions", 'diversion of /bin/sh to /bin/sh.distrib by dash\n');
  vb('dpkg.statoverride.0', "dpkg's statoverrides", 'root crontab 2755 /usr/bin/crontab\n');
  vb('dpkg.arch.0', "dpkg's architectures", 'amd64\n');
  vb('apt.extended_states.0', "apt's extended states", b.text(1200, (i) => `Package: lib${i}\nArchitecture: amd64\nAuto-Installed: 1\n`));
  vb('apt.extended_states.1.gz', "apt's extended states, older", zlib.gzipSync(b.text(1200, (i) => `Package: lib${i}\nArchitecture: amd64\nAuto-Installed: 1\n`)), 23);
  vb('alternatives.tar.0', 'update-alternatives state', tar([['editor', 'auto\n/usr/bin/editor\n'], ['pager', 'auto\n/usr/bin/pager\n']], day(24)));
  vb('alternatives.tar.1.gz', 'update-alternatives state, older', zlib.gzipSync(tar([['editor', 'auto\n/usr/bin/editor\n']], day(23))), 23);
  for (const f of ['passwd', 'group', 'shadow']) vb(`${f}.bak`, `${f}, copied by the daily job`, b.text(f === 'passwd' ? 1400 : 700, (i) => `user${i}:x:${1000 + i}:${1000 + i}::/home/user${i}:/bin/bash`));

  // a series of tarballs, and a tarball rotated beside itself
  for (const d of [20, 21, 22, 23]) b.file(`/srv/dumps/site-2026-11-${d}.tar.gz`, B, 'a nightly tarball of the site: a dated series', zlib.gzipSync(tar([['site/index.html', b.text(2000, () => b.hex(60))], ['site/app.js', b.bytes(1500).toString('base64')]], day(d))), day(d, 4));
  b.file('/home/alice/site.tar.gz', B, "the newest of a rotated series (site.tar.gz.1 .2 .3 beside it)", zlib.gzipSync(tar([['site/index.html', b.text(2000, () => b.hex(60))]], day(23))), day(23, 5));
  for (let k = 1; k <= 3; k++) b.file(`/home/alice/site.tar.gz.${k}`, B, 'a tarball rotated by number (site.tar.gz.N)', zlib.gzipSync(tar([['site/index.html', b.text(2000, () => b.hex(60))]], day(23 - k))), day(23 - k, 5));

  // editors' and package managers' leftovers
  b.file('/home/alice/notes.txt~', B, "an editor's backup copy (name~)", b.text(1800, () => 'remember to rotate the keys'), day(22, 15));
  b.file('/etc/hosts~', B, "an editor's backup copy (name~)", '127.0.0.1 localhost\n10.0.0.5 db1\n');
  b.file('/srv/app/config.yml.bak', B, 'a copy kept before an edit (.bak)', b.text(900, (i) => `key${i}: value${i}`));
  b.file('/etc/nginx/sites-available/default.bak', B, 'a copy kept before an edit (.bak)', b.text(1500, (i) => `    location /p${i} { proxy_pass http://127.0.0.1:${8000 + i}; }`));
  b.file('/home/bob/.bashrc.old', B, 'a copy kept before an edit (.old)', b.text(3500, (i) => `alias a${i}='ls -l'`));
  b.file('/etc/nginx/nginx.conf.dpkg-old', B, "dpkg kept the admin's conffile on upgrade (.dpkg-old)", b.text(1500, (i) => `# old ${i}`));
  b.file('/etc/nginx/nginx.conf.dpkg-dist', B, "dpkg's new conffile, not installed (.dpkg-dist)", b.text(1500, (i) => `# new ${i}`));
  b.file('/etc/logrotate.d/rsyslog.dpkg-bak', B, 'dpkg-maintscript-helper kept a removed conffile (.dpkg-bak)', '/var/log/syslog\n{\n\trotate 7\n\tdaily\n}\n');
  b.file('/etc/ssh/sshd_config.ucf-old', B, "ucf kept the admin's file on upgrade (.ucf-old)", b.text(3200, (i) => `#Option${i} no`));
  b.file('/etc/default/grub.ucf-dist', B, "ucf's new file, not installed (.ucf-dist)", b.text(1300, (i) => `#GRUB_OPT${i}=""`));

  // etckeeper: /etc's history in /etc/.git, metadata in /etc/.etckeeper
  b.file('/etc/.etckeeper', B, "etckeeper's metadata of /etc", b.text(1500, (i) => `maybe chmod 0644 './file${i}'`));
  for (const [n, d] of [['HEAD', 'ref: refs/heads/master\n'], ['config', '[core]\n\trepositoryformatversion = 0\n\tfilemode = true\n\tbare = false\n'], ['description', "Unnamed repository; edit this file 'description' to name the repository.\n"], ['refs/heads/master', b.hex(40) + '\n']] as const)
    b.file(`/etc/.git/${n}`, B, "etckeeper: /etc's history (/etc/.git)", d);
  b.file('/etc/.git/index', B, "etckeeper: /etc's history (/etc/.git)", Buffer.concat([Buffer.from('DIRC'), b.bytes(2000)]));
  b.file('/etc/.git/logs/HEAD', B, "etckeeper: /etc's history (a reflog, not a log to rotate)", b.text(600, () => `${b.hex(40)} ${b.hex(40)} root <root@web1> 1763700000 +0000\tcommit: daily autocommit`));
  for (let k = 0; k < 3; k++) {
    const [p, z] = gitBlob(b.text(b.int(500, 2500), (i) => `setting${i}=${b.hex(8)}`));
    b.file(`/etc/.git/objects/${p}`, B, "etckeeper: /etc's history (a git object)", z);
  }
}

function logs(b: Builder): void {
  const L = 'logs';
  const host = 'web1';
  const sys = (t: number) => (i: number) => `${syslogTime(t + i * 61_000)} ${host} ${b.pick(['CRON[2211]: (root) CMD (command -v debian-sa1 > /dev/null && debian-sa1 1 1)', 'systemd[1]: Started session-42.scope - Session 42 of User alice.', 'kernel: [ 4211.123456] TCP: request_sock_TCP: Possible SYN flooding on port 443.', 'rsyslogd: [origin software="rsyslogd"] rsyslogd was HUPed'])}`;
  const vl = (n: string, why: string, data: Buffer | string, t = NOW) => b.file(`/var/log/${n}`, L, why, data, t);
  // rsyslog + logrotate (rotate 7, daily, compress, delaycompress: .1 plain, .2.gz ...)
  vl('syslog', 'the live syslog', b.text(3000, sys(day(24, 0))));
  vl('syslog.1', 'syslog rotated by logrotate (.1, delaycompress)', b.text(3000, sys(day(23, 0))), day(24, 0));
  for (let k = 2; k <= 3; k++) vl(`syslog.${k}.gz`, 'syslog rotated and compressed (.N.gz)', zlib.gzipSync(b.text(3000, sys(day(24 - k, 0)))), day(25 - k, 0));
  const auth = (t: number) => (i: number) => `${syslogTime(t + i * 97_000)} ${host} sshd[${2000 + i}]: Accepted publickey for alice from 10.0.0.${i % 250} port ${40000 + i} ssh2: ED25519 SHA256:${b.hex(43)}`;
  vl('auth.log', 'the live auth log', b.text(2000, auth(day(24, 0))));
  vl('auth.log.1', 'auth.log rotated', b.text(2000, auth(day(23, 0))), day(24, 0));
  vl('auth.log.2.gz', 'auth.log rotated and compressed', zlib.gzipSync(b.text(2000, auth(day(22, 0)))), day(23, 0));
  vl('kern.log', 'the live kernel log', b.text(1500, sys(day(24, 1))));
  const dpkg = (t: number) => (i: number) => `${new Date(t + i * 1000).toISOString().slice(0, 19).replace('T', ' ')} status installed lib${i}:amd64 1.${i}-1`;
  vl('dpkg.log', "dpkg's log", b.text(2500, dpkg(day(22, 9))));
  vl('dpkg.log.1', "dpkg's log rotated (monthly)", b.text(2500, dpkg(day(1, 9))), day(20, 0));
  vl('dpkg.log.2.gz', "dpkg's log rotated and compressed", zlib.gzipSync(b.text(2500, dpkg(Date.UTC(2026, 9, 1)))), day(1, 0));
  vl('alternatives.log', 'update-alternatives log', b.text(500, (i) => `update-alternatives 2026-11-22 09:00:0${i % 10}: run with --install /usr/bin/editor editor /usr/bin/vim.basic ${i}`));
  vl('fontconfig.log', "Debian's fontconfig log", b.text(300, (i) => `/usr/share/fonts/truetype/font${i}: caching, new cache contents: 0 fonts, 1 dirs`));
  vl('cloud-init.log', "cloud-init's log", b.text(2500, (i) => `2026-11-20 06:00:0${i % 10},123 - util.py[DEBUG]: Running command ['ip', 'addr'] with allowed return codes [0]`), day(20, 6));
  vl('wtmp', 'login records (last reads them), rotated by logrotate', b.bytes(384 * 6));
  vl('apt/history.log', "apt's history", b.text(1500, (i) => `Start-Date: 2026-11-22  09:00:${String(i % 60).padStart(2, '0')}\nCommandline: apt-get install -y pkg${i}\nEnd-Date: 2026-11-22  09:01:00\n`));
  vl('apt/history.log.1.gz', "apt's history rotated", zlib.gzipSync(b.text(1500, (i) => `Start-Date: 2026-10-22  09:00:0${i % 10}\nCommandline: apt-get upgrade\n`)), day(1, 0));
  vl('apt/term.log', "apt's terminal log", b.text(2000, (i) => `Setting up pkg${i} (1.${i}) ...`));
  // nginx, logrotate with dateext + delaycompress
  const acc = (t: number) => (i: number) => `10.0.${i % 4}.${i % 250} - - [${clf(t + i * 7000)}] "GET /api/items?page=${i % 40} HTTP/1.1" 200 ${b.int(200, 9000)} "-" "Mozilla/5.0"`;
  vl('nginx/access.log', "nginx's live access log", b.text(3500, acc(day(24, 0))));
  vl('nginx/access.log-20261124', 'nginx access log rotated with dateext', b.text(3500, acc(day(23, 0))), day(24, 0));
  for (const d of [21, 22, 23]) vl(`nginx/access.log-202611${d}.gz`, 'nginx access log rotated with dateext, compressed', zlib.gzipSync(b.text(3500, acc(day(d - 1, 0)))), day(d, 0));
  vl('nginx/error.log', "nginx's live error log", b.text(800, (i) => `2026/11/24 06:0${i % 10}:00 [error] 1234#1234: *${i} connect() failed (111: Connection refused) while connecting to upstream`));
  vl('postgresql/postgresql-15-main.log', "PostgreSQL's cluster log", b.text(2000, (i) => `2026-11-24 06:0${i % 10}:00.123 UTC [${3000 + i}] LOG:  checkpoint complete: wrote ${i} buffers`));
  vl('postgresql/postgresql-15-main.log.1', "PostgreSQL's cluster log rotated", b.text(2000, (i) => `2026-11-23 06:0${i % 10}:00.123 UTC [${3000 + i}] LOG:  checkpoint starting: time`), day(24, 0));
  vl('unattended-upgrades/unattended-upgrades.log', "unattended-upgrades' log", b.text(900, (i) => `2026-11-24 06:${String(i % 60).padStart(2, '0')}:00,123 INFO No packages found that can be upgraded unattended`));
  vl('rsnapshot.log', "rsnapshot's log", b.text(700, (i) => `[2026-11-2${i % 5}T04:00:00] /usr/bin/rsnapshot alpha: completed successfully`));

  // journald (journal-file.c names): the live files, archived ones (name@seqnum_id-head_seqnum-head_realtime), a dirty one (.journal~)
  const mid = b.hex(32);
  const jd = `/var/log/journal/${mid}`;
  const seqId = b.hex(32);
  b.file(`${jd}/system.journal`, L, "journald's live system journal", journal(b, mid, 4096, 1));
  for (const [k, d] of [[1, 21], [2, 22], [3, 23]]) b.file(`${jd}/system@${seqId}-${(k * 40000).toString(16).padStart(16, '0')}-${(day(d) * 1000).toString(16).padStart(16, '0')}.journal`, L, "journald's archived system journal", journal(b, mid, 4096, 2), day(d + 1));
  b.file(`${jd}/user-1000.journal`, L, "journald's live journal of user 1000", journal(b, mid, 2048, 1));
  b.file(`${jd}/user-1000@${seqId}-${(50000).toString(16).padStart(16, '0')}-${(day(22) * 1000).toString(16).padStart(16, '0')}.journal`, L, "journald's archived user journal", journal(b, mid, 2048, 2), day(23));
  b.file(`${jd}/system@${(day(21, 8) * 1000).toString(16).padStart(16, '0')}-${b.hex(16)}.journal~`, L, 'journald: a journal found dirty and set aside (.journal~)', journal(b, mid, 4096, 1), day(21, 8));

  // applications' logs outside /var/log: *.log, *.log.N, *.N.gz beside a live log
  const app = (t: number) => (i: number) => `${new Date(t + i * 1300).toISOString().replace('T', ' ').slice(0, 23)} INFO worker.${i % 4} processed job ${80000 + i} in ${b.int(5, 90)} ms`;
  b.file('/srv/app/logs/app.log', L, "the app's live log", b.text(3000, app(day(24, 0))));
  b.file('/srv/app/logs/app.log.1', L, "the app's log rotated (.log.1)", b.text(3000, app(day(23, 0))), day(24, 0));
  for (const k of [2, 3]) b.file(`/srv/app/logs/app.log.${k}.gz`, L, "the app's log rotated and compressed (.log.N.gz)", zlib.gzipSync(b.text(3000, app(day(24 - k, 0)))), day(25 - k, 0));
  b.file('/srv/app/out', L, "the app's stdout, rotated beside itself (out.1, out.2.gz)", b.text(2000, app(day(24, 1))));
  b.file('/srv/app/out.1', L, "the app's stdout rotated (.1 beside the live out)", b.text(2000, app(day(23, 1))), day(24, 0));
  for (const k of [2, 3]) b.file(`/srv/app/out.${k}.gz`, L, "the app's stdout rotated and compressed (.N.gz beside the live out)", zlib.gzipSync(b.text(2000, app(day(24 - k, 1)))), day(25 - k, 0));
  const cat = (d: number) => (i: number) => `${d}-Nov-2026 06:00:0${i % 10}.123 INFO [main] org.apache.catalina.startup.Catalina.start Server startup in [${1000 + i}] milliseconds`;
  b.file('/opt/tomcat/logs/catalina.out', L, "Tomcat's console log", b.text(2500, cat(24)));
  for (const d of [22, 23]) b.file(`/opt/tomcat/logs/catalina.2026-11-${d}.log`, L, "Tomcat's dated log", b.text(2000, cat(d)), day(d + 1, 0));
  for (const d of [22, 23]) b.file(`/opt/tomcat/logs/localhost_access_log.2026-11-${d}.txt`, L, "Tomcat's dated access log", b.text(2000, acc(day(d))), day(d + 1, 0));
  b.file('/home/bob/.pm2/logs/api-out.log', L, "pm2's log of a process's stdout", b.text(1500, app(day(24, 2))));
  b.file('/home/bob/.pm2/logs/api-error.log', L, "pm2's log of a process's stderr", b.text(500, (i) => `Error: ECONNRESET ${i}`));
  b.file('/home/bob/.pm2/logs/api-out__2026-11-23_00-00-00.log', L, "pm2-logrotate's rotated log", b.text(1500, app(day(23, 2))), day(24, 0));
  const cid = b.hex(64);
  const dlog = (t: number) => (i: number) => JSON.stringify({ log: `GET /health ${i} 200\n`, stream: 'stdout', time: new Date(t + i * 5000).toISOString() });
  b.file(`/var/lib/docker/containers/${cid}/${cid}-json.log`, L, "docker's json-file log of a container", b.text(3000, dlog(day(24, 0))));
  b.file(`/var/lib/docker/containers/${cid}/${cid}-json.log.1`, L, "docker's json-file log, rotated (max-file)", b.text(3000, dlog(day(23, 0))), day(24, 0));
  b.file(`/var/lib/docker/containers/${cid}/config.v2.json`, null, "a container's config, not a log", JSON.stringify({ ID: cid, Config: { Image: 'api:1.4', Env: ['PORT=8080'] } }));
  b.file(`/var/lib/docker/containers/${cid}/hostconfig.json`, null, "a container's host config, not a log", JSON.stringify({ LogConfig: { Type: 'json-file', Config: { 'max-file': '2', 'max-size': '10m' } } }));
  for (const d of [23, 24]) b.file(`/var/lib/postgresql/15/main/log/postgresql-2026-11-${d}_000000.log`, L, "PostgreSQL's logging collector", b.text(1500, (i) => `2026-11-${d} 0${i % 10}:00:00.000 UTC [${i}] LOG:  duration: ${i}.1 ms`), day(d, 23));
  b.file('/root/.npm/_logs/2026-11-23T09_12_44_123Z-debug-0.log', L, "npm's debug log (in ~/.npm, still a log)", b.text(1200, (i) => `${i} verbose cli /usr/bin/node /usr/bin/npm`), day(23, 9));
}

export function cachedirTag(b: Builder, dir: string, who: string): void {
  b.file(`${dir}/CACHEDIR.TAG`, 'caches', `CACHEDIR.TAG by ${who}: the directory is a cache (ncdu --exclude-caches leaves it all out)`, `${CACHEDIR_SIGNATURE}\n# This file is a cache directory tag created by ${who}.\n# For information about cache directory tags, see:\n#\thttps://bford.info/cachedir/\n`);
}

function caches(b: Builder): void {
  const C = 'caches';
  // CACHEDIR.TAG anywhere
  cachedirTag(b, '/srv/build/.buildcache', 'buildcache');
  for (let k = 0; k < 3; k++) b.file(`/srv/build/.buildcache/${b.hex(2)}/${b.hex(30)}.o`, C, 'below a valid CACHEDIR.TAG', b.bytes(b.int(1500, 2500)));
  cachedirTag(b, '/home/bob/thing-cache', 'thing');
  for (let k = 0; k < 3; k++) b.file(`/home/bob/thing-cache/blob-${k}`, C, 'below a valid CACHEDIR.TAG', b.bytes(b.int(800, 1200)));
  cachedirTag(b, '/srv/rust/api/target', 'cargo');
  for (const f of ['debug/api', 'debug/deps/api-3f1e2d.d', 'debug/.fingerprint/api-3f1e2d/bin-api', 'debug/incremental/api-1x/s-abc/query-cache.bin'])
    b.file(`/srv/rust/api/target/${f}`, C, "cargo's target directory (CACHEDIR.TAG)", b.bytes(b.int(1000, 3000)));
  // XDG: ~/.cache
  const ac = '/home/alice/.cache';
  b.file(`${ac}/mozilla/firefox/x1y2z3.default-release/cache2/entries/${b.hex(40).toUpperCase()}`, C, '~/.cache (XDG): Firefox cache', b.bytes(2500));
  for (let k = 0; k < 2; k++) b.file(`${ac}/thumbnails/normal/${b.hex(32)}.png`, C, '~/.cache (XDG): thumbnails', png(16, 16, b.bytes(16 * 16 * 3)));
  cachedirTag(b, `${ac}/fontconfig`, 'fontconfig');
  b.file(`${ac}/fontconfig/${b.hex(32)}-le64.cache-9`, C, "~/.cache (XDG): fontconfig's cache", b.bytes(1400));
  b.file(`${ac}/pip/http-v2/${b.hex(1)}/${b.hex(1)}/${b.hex(1)}/${b.hex(1)}/${b.hex(1)}/${b.hex(56)}`, C, "pip's HTTP cache", b.bytes(3000));
  b.file(`${ac}/pip/http-v2/${b.hex(1)}/${b.hex(1)}/${b.hex(1)}/${b.hex(1)}/${b.hex(1)}/${b.hex(56)}.body`, C, "pip's HTTP cache", zip([['requests/__init__.py', b.text(1500, () => b.hex(60))]]));
  b.file(`${ac}/pip/wheels/${b.hex(2)}/${b.hex(2)}/${b.hex(56)}/PyYAML-6.0.1-cp311-cp311-linux_x86_64.whl`, C, "pip's wheel cache (a .whl is a zip, still a cache)", zip([['yaml/__init__.py', b.text(2000, () => b.hex(60))]]));
  b.file(`${ac}/yarn/v6/npm-lodash-4.17.21-${b.hex(40)}-integrity/node_modules/lodash/package.json`, C, "yarn's cache", JSON.stringify({ name: 'lodash', version: '4.17.21' }));
  b.file(`${ac}/yarn/v6/npm-lodash-4.17.21-${b.hex(40)}-integrity/node_modules/lodash/lodash.js`, C, "yarn's cache", b.text(3500, () => b.hex(70)));
  for (let k = 0; k < 2; k++) {
    const id = b.hex(64);
    b.file(`${ac}/go-build/${id.slice(0, 2)}/${id}-${k ? 'd' : 'a'}`, C, "go's build cache", b.bytes(b.int(300, 2000)));
  }
  b.file(`${ac}/go-build/README`, C, "go's build cache (its README)", 'This directory holds cached build artifacts from the Go build system.\nRun "go clean -cache" if the directory is getting too large.\n');
  b.file(`${ac}/go-build/trim.txt`, C, "go's build cache (its trim stamp)", '1763900000');
  // duplicity's archive dir and borg's and restic's client caches: caches, whatever the tool
  b.file(`${ac}/duplicity/${b.hex(32)}/duplicity-full-signatures.20261120T030000Z.sigtar.gz`, C, "duplicity's archive dir (~/.cache/duplicity: a local cache of the remote's metadata)", zlib.gzipSync(b.bytes(1200)));
  b.file(`${ac}/duplicity/${b.hex(32)}/duplicity-full.20261120T030000Z.manifest`, C, "duplicity's archive dir (a cached manifest)", b.text(400, (i) => `Volume ${i}:\n    StartingPath   .\n`));
  const borgId = b.hex(64);
  b.file(`${ac}/borg/${borgId}/README`, C, "borg's client cache (not a repository: ~/.cache/borg)", 'This is a Borg Backup cache.\nSee https://borgbackup.readthedocs.io/\n');
  b.file(`${ac}/borg/${borgId}/config`, C, "borg's client cache config ([cache])", `[cache]\nversion = 1\nrepository = ${borgId}\nmanifest = ${b.hex(64)}\n`);
  b.file(`${ac}/borg/${borgId}/chunks`, C, "borg's client cache: the chunks index", Buffer.concat([Buffer.from('BORG_IDX'), b.bytes(2000)]));
  cachedirTag(b, '/root/.cache/restic', 'restic');
  const rid = b.hex(64);
  for (const d of ['data', 'index', 'snapshots']) {
    const id = b.hex(64);
    b.file(`/root/.cache/restic/${rid}/${d}/${d === 'data' ? id.slice(0, 2) + '/' : ''}${id}`, C, "restic's local cache (no config, no keys: not a repository)", b.bytes(b.int(300, 1500)));
  }
  // package managers
  for (const [p, v] of [['nginx-common', '1.22.1-9'], ['libssl3', '3.0.11-1~deb12u2'], ['curl', '7.88.1-10+deb12u5']])
    b.file(`/var/cache/apt/archives/${p}_${v}_${p === 'nginx-common' ? 'all' : 'amd64'}.deb`, C, "apt's downloaded packages (apt-get clean)", Buffer.concat([Buffer.from('!<arch>\ndebian-binary   1700000000  0     0     100644  4         `\n2.0\n'), b.bytes(b.int(2500, 3500))]));
  b.file('/var/cache/apt/archives/lock', C, "apt's archives lock (empty, in its cache)", '');
  b.file('/var/cache/apt/pkgcache.bin', C, "apt's package cache", b.bytes(3000));
  b.file('/var/cache/apt/srcpkgcache.bin', C, "apt's source package cache", b.bytes(2800));
  b.file('/var/cache/man/index.db', C, "man-db's cache", b.bytes(2000));
  cachedirTag(b, '/var/cache/fontconfig', 'fontconfig');
  b.file(`/var/cache/fontconfig/${b.hex(32)}-le64.cache-9`, C, "fontconfig's system cache", b.bytes(1800));
  const npm = '/home/alice/.npm/_cacache';
  for (let k = 0; k < 2; k++) {
    const h = b.hex(128);
    b.file(`${npm}/content-v2/sha512/${h.slice(0, 2)}/${h.slice(2, 4)}/${h.slice(4)}`, C, "npm's cache (_cacache)", zlib.gzipSync(tar([['package/index.js', b.text(1500, () => b.hex(60))]], day(20))));
    const i = b.hex(64);
    b.file(`${npm}/index-v5/${i.slice(0, 2)}/${i.slice(2, 4)}/${i.slice(4)}`, C, "npm's cache index (_cacache)", `${b.hex(40)}\t${JSON.stringify({ key: `make-fetch-happen:request-cache:https://registry.npmjs.org/pkg${k}`, integrity: `sha512-${b.bytes(64).toString('base64')}` })}\n`);
  }
  const gm = '/home/bob/go/pkg/mod';
  b.file(`${gm}/github.com/pkg/errors@v0.9.1/errors.go`, C, "go's module cache (~/go/pkg/mod)", b.text(3000, (i) => `// line ${i}`));
  b.file(`${gm}/github.com/pkg/errors@v0.9.1/stack.go`, C, "go's module cache (~/go/pkg/mod)", b.text(2000, (i) => `// line ${i}`));
  b.file(`${gm}/cache/download/github.com/pkg/errors/@v/v0.9.1.zip`, C, "go's module download cache (a .zip, still a cache)", zip([['github.com/pkg/errors@v0.9.1/errors.go', b.text(3000, (i) => `// ${i}`)]]));
  b.file(`${gm}/cache/download/github.com/pkg/errors/@v/v0.9.1.mod`, C, "go's module download cache", 'module github.com/pkg/errors\n');
  b.file(`${gm}/cache/download/github.com/pkg/errors/@v/v0.9.1.info`, C, "go's module download cache", '{"Version":"v0.9.1","Time":"2020-01-14T19:47:44Z"}');
  cachedirTag(b, '/home/bob/.ccache', 'ccache');
  for (let k = 0; k < 3; k++) b.file(`/home/bob/.ccache/${b.hex(1)}/${b.hex(1)}/${b.hex(30)}R`, C, "ccache's cache (~/.ccache)", b.bytes(b.int(1500, 2500)));
  b.file('/srv/app/node_modules/.cache/babel-loader/' + b.hex(32) + '.json', C, 'node_modules/.cache (find-cache-dir: babel, eslint)', JSON.stringify({ code: b.text(1500, () => b.hex(40)) }));
  // docker's build cache (docker builder prune)
  const bk = '/var/lib/docker/buildkit';
  for (const f of ['cache.db', 'metadata_v2.db', 'snapshots.db']) b.file(`${bk}/${f}`, C, "docker's BuildKit cache (docker builder prune)", b.bytes(b.int(2000, 4000)));
  for (let k = 0; k < 1; k++) b.file(`${bk}/content/blobs/sha256/${b.hex(64)}`, C, "docker's BuildKit cache: a blob", zlib.gzipSync(tar([['app/server.js', b.text(2000, () => b.hex(60))]], day(20))));
  // a CACHEDIR.TAG whose signature is wrong: not a cache (the tag is the contract)
  b.file('/srv/data/important/CACHEDIR.TAG', null, 'a CACHEDIR.TAG with a wrong signature: no mark at all', 'Signature: 8a477f597d28d172789f06886806bc5\n');
  b.file('/srv/data/important/accounts.csv', null, 'data beside an invalid CACHEDIR.TAG', b.text(2000, (i) => `${i},acct${i},${b.int(0, 9999)}`));
}

/**
 * A core dump the kernel writes into `dir` (core_pattern a plain name, like this machine's `core`):
 * sh with `ulimit -c unlimited` execs sleep, which is killed by SIGABRT. Returns the file's name
 * (the pattern may add the pid) and the crashed process's pid, null when none appeared (a pattern
 * that pipes or names another directory is not tried: the dump would go elsewhere on the machine).
 */
export async function kernelCore(dir: string): Promise<{ name: string; pid: number } | null> {
  let pattern = '';
  try {
    pattern = fs.readFileSync('/proc/sys/kernel/core_pattern', 'utf8').trim();
  } catch {
    return null;
  }
  if (pattern === '' || pattern.startsWith('|') || pattern.includes('/')) return null;
  fs.mkdirSync(dir, { recursive: true });
  const before = new Set(fs.readdirSync(dir));
  const child = spawn('sh', ['-c', 'ulimit -c unlimited 2>/dev/null || ulimit -c "$(ulimit -H -c)"; exec sleep 30'], { cwd: dir, stdio: 'ignore' });
  const exited = new Promise<NodeJS.Signals | null>((res) => child.once('exit', (_c, sig) => res(sig)));
  // wait for the exec (the dump is sleep's, not the shell's): bounded
  for (let k = 0; k < 200; k++) {
    let comm = '';
    try {
      comm = fs.readFileSync(`/proc/${child.pid}/comm`, 'utf8').trim();
    } catch {
      break;
    }
    if (comm === 'sleep') break;
    await new Promise((r) => setTimeout(r, 10));
  }
  child.kill('SIGABRT');
  if ((await exited) !== 'SIGABRT') return null;
  const made = fs.readdirSync(dir).filter((n) => !before.has(n) && isCore(path.join(dir, n)));
  return made.length === 1 ? { name: made[0], pid: child.pid! } : null;
}

/** gdb's gcore of a live sleep into dir/core.PID (its name and the pid); null without gcore or when it fails */
export async function gcoreOf(dir: string): Promise<{ name: string; pid: number } | null> {
  if (spawnSync('sh', ['-c', 'command -v gcore'], { stdio: 'ignore' }).status !== 0) return null;
  fs.mkdirSync(dir, { recursive: true });
  const child = spawn('sleep', ['30'], { stdio: 'ignore' });
  try {
    const r = spawnSync('gcore', ['-o', path.join(dir, 'core'), String(child.pid)], { stdio: 'ignore', timeout: 60_000 });
    const name = `core.${child.pid}`;
    return r.status === 0 && isCore(path.join(dir, name)) ? { name, pid: child.pid! } : null;
  } finally {
    child.kill('SIGKILL');
  }
}

/** whether a regular file (not followed) starts with an ELF header of type ET_CORE (a bounded read) */
export function isCore(p: string): boolean {
  let fd = -1;
  try {
    fd = fs.openSync(p, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK);
    if (!fs.fstatSync(fd).isFile()) return false;
    const h = Buffer.alloc(18);
    if (fs.readSync(fd, h, 0, 18, 0) !== 18) return false;
    const type = h[5] === 2 ? h.readUInt16BE(16) : h.readUInt16LE(16);
    return h.subarray(0, 4).equals(Buffer.from([0x7f, 0x45, 0x4c, 0x46])) && type === 4;
  } catch {
    return false;
  } finally {
    if (fd >= 0) fs.closeSync(fd);
  }
}

async function coreDumps(b: Builder, notes: string[]): Promise<{ cores: string[]; made: 'kernel' | 'gcore' | null }> {
  const D = 'core dumps';
  const cores: string[] = [];
  let made: 'kernel' | 'gcore' | null = null;
  // where programs crashed: the app's working directory, a developer's project, a game's
  for (const d of ['/srv/app', '/home/bob/proj', '/opt/game']) {
    let core = made !== 'gcore' ? await kernelCore(b.abs(d)) : null;
    if (core) made = 'kernel';
    else if (made !== 'kernel' && (core = await gcoreOf(b.abs(d)))) made = 'gcore';
    if (!core) continue;
    const p = `${d}/${core.name}`;
    b.label(p, D, made === 'kernel' ? 'a core dump the kernel wrote (ELF, e_type ET_CORE)' : "a core dump by gdb's gcore (ELF, e_type ET_CORE)");
    cores.push(p);
  }
  if (!made) notes.push('no core dump: core_pattern pipes or names another directory, or ulimit -c is 0, and gcore is missing or failed; the raw cores and systemd-coredump files are left out');
  const boot = b.hex(32);
  if (cores.length) {
    const raw = fs.readFileSync(b.abs(cores[0]));
    const zstd = spawnSync('zstd', ['-q', '-c', b.abs(cores[0])], { maxBuffer: 1 << 28 });
    const z = zstd.status === 0 ? zstd.stdout : null;
    if (!z) notes.push('no zstd: systemd-coredump files stored uncompressed (Compress=no), no .zst');
    // core.COMM.UID.BOOTID.PID.USEC[.zst] (coredump.c)
    for (const [pid, d, comm, uid] of [[4242, 21, 'sleep', 0], [5120, 22, 'python3', 1000], [6001, 23, 'nginx', 33]] as const)
      b.file(`/var/lib/systemd/coredump/core.${comm}.${uid}.${boot}.${pid}.${day(d, 14) * 1000}${z ? '.zst' : ''}`, D, "systemd-coredump's stored core", z ?? raw, day(d, 14));
  }
  // apport's reports (/var/crash/<path with _>.<uid>.crash), the core inside when there is one
  for (const [exe, uid, d] of [['/usr/bin/sleep', 0, 22], ['/opt/app/bin/server', 1000, 23]] as const) {
    const coreField = cores.length ? `CoreDump: base64\n ${zlib.gzipSync(fs.readFileSync(b.abs(cores[0]))).toString('base64').replace(/(.{76})/g, '$1\n ')}\n` : '';
    b.file(`/var/crash/${exe.replace(/\//g, '_')}.${uid}.crash`, D, "apport's crash report (/var/crash)", `ProblemType: Crash\nArchitecture: amd64\nDate: Sun Nov ${d} 14:00:00 2026\nDistroRelease: Ubuntu 24.04\nExecutablePath: ${exe}\nProcCmdline: ${exe}\nSignal: 6\nUname: Linux 6.8.0-49-generic x86_64\n${coreField}`, day(d, 14));
  }
  // hostile: a FIFO where a crash report would be, and a symlink named like a stored core pointing at it (not regular files: unlabelled)
  const fifo = b.abs('/var/crash/_usr_bin_hang.0.crash');
  const r = spawnSync('mkfifo', ['--', fifo]);
  if (r.status !== 0) throw new Error(`mkfifo ${fifo}: ${r.stderr}`);
  b.symlink('../../../crash/_usr_bin_hang.0.crash', `/var/lib/systemd/coredump/core.hang.0.${boot}.1.${day(24) * 1000}.zst`);
  return { cores, made };
}

function tempAndTrash(b: Builder): void {
  const T = 'temp';
  b.file(`/tmp/tmp.${'k3J9aQ2xZp'}`, T, 'mktemp in /tmp', b.text(600, (i) => `row ${i}`));
  b.file(`/tmp/systemd-private-${b.hex(32)}-nginx.service-Hk2pQa/tmp/upload-1`, T, "a service's PrivateTmp in /tmp", b.bytes(1500));
  b.file('/tmp/hsperfdata_root/12345', T, "the JVM's perf data in /tmp", b.bytes(2048));
  b.file('/tmp/pip-install-a1b2c3d4/pyyaml_9f8e/setup.py', T, "pip's build dir in /tmp", b.text(1200, (i) => `# ${i}`));
  b.file('/tmp/cc4Xq1Zs.s', T, "gcc's intermediate in /tmp", b.text(2000, (i) => `\tmovq %rsp, %rbp # ${i}`));
  b.file('/tmp/magick-8a7sd6f5', T, "ImageMagick's temporary in /tmp", b.bytes(2500));
  b.file('/tmp/sess_5f2a9c3b1e', T, 'a PHP session file in /tmp', 'user|s:5:"alice";');
  b.file('/tmp/report-draft.txt', T, 'anything in /tmp is temporary (tmpfiles cleans it)', b.text(900, (i) => `para ${i}`));
  b.file(`/var/tmp/systemd-private-${b.hex(32)}-chrony.service-Zx81aB/tmp/drift.new`, T, "a service's PrivateTmp in /var/tmp", '12.345 0.678\n');
  b.file('/var/tmp/mkinitramfs_AbC123/conf/initramfs.conf', T, "mkinitramfs' work dir in /var/tmp", b.text(800, (i) => `OPT${i}=y`));
  b.file('/var/tmp/mkinitramfs_AbC123/init', T, "mkinitramfs' work dir in /var/tmp", b.text(2500, (i) => `echo step ${i}`));
  b.file('/var/tmp/vi.recover.x8Fq2', T, 'a file left in /var/tmp', b.bytes(700));
  b.file('/srv/app/uploads/upload_8f2a91.tmp', T, 'an upload in progress (.tmp)', b.bytes(3000));
  b.file('/home/alice/.mozilla/firefox/x1y2z3.default-release/sessionstore.jsonlz4.tmp', T, "Firefox's write in progress (.tmp)", b.bytes(1500));
  b.file('/var/lib/apt/lists/partial/deb.debian.org_debian_dists_bookworm_InRelease.tmp', T, "apt's download in progress (.tmp)", b.text(2000, (i) => `SHA256: ${b.hex(64)} ${i}`));
  b.file('/home/alice/.notes.md.swp', T, "vim's swap file (.swp)", Buffer.concat([Buffer.from('b0VIM 9.0'), b.bytes(4087)]));
  b.file('/etc/nginx/sites-available/.default.swp', T, "vim's swap file of an /etc file (.swp)", Buffer.concat([Buffer.from('b0VIM 9.0'), b.bytes(4087)]));
  b.file('/srv/app/.config.yml.swp', T, "vim's swap file (.swp)", Buffer.concat([Buffer.from('b0VIM 9.0'), b.bytes(4087)]));
  b.file('/srv/app/.config.yml.swo', T, "vim's second swap file (.swo)", Buffer.concat([Buffer.from('b0VIM 9.0'), b.bytes(4087)]));

  // trash (the FreeDesktop trash spec): files/ and info/*.trashinfo, in the home and per volume
  const X = 'trash';
  const trash = (top: string, items: [string, Buffer | string][], from: string) => {
    for (const [rel, data] of items) {
      b.file(`${top}/files/${rel}`, X, `in the trash (${top}/files)`, data, day(18, 14));
      const name = rel.split('/')[0];
      if (!b.labels.has(`${top}/info/${name}.trashinfo`))
        b.file(`${top}/info/${name}.trashinfo`, X, 'the trash\'s record of a deleted item', `[Trash Info]\nPath=${encodeURI(`${from}/${name}`)}\nDeletionDate=2026-11-18T14:03:22\n`, day(18, 14));
    }
  };
  trash('/home/alice/.local/share/Trash', [
    ['old-report.pdf', Buffer.concat([Buffer.from('%PDF-1.7\n'), b.bytes(3500)])],
    ['Résumé final.odt', zip([['content.xml', b.text(2000, (i) => `<p>${i}</p>`)]])],
    ['db-2026-10-01.sql.gz', zlib.gzipSync(pgPlain(b, 'shop', 40, day(1)))],
    ['app.log', b.text(1500, (i) => `old log line ${i}`)],
    ['screenshots/shot-1.png', png(16, 16, b.bytes(768))],
    ['screenshots/shot-2.png', png(16, 16, b.bytes(768))],
    ['core', b.text(300, (i) => `{"$id": "not a dump ${i}"}`)],
  ], '/home/alice');
  trash('/root/.local/share/Trash', [['nginx.conf.orig', b.text(1500, (i) => `# ${i}`)]], '/etc/nginx');
  trash('/mnt/data/.Trash-1000', [
    ['holiday.mkv', b.bytes(4000)],
    ['backup-2026-09.tar', tar([['x', b.text(1000, (i) => `${i}`)]], day(1))],
  ], '/mnt/data');
}

function decoys(b: Builder): void {
  // packages' files (the fake dpkg lists): never a kind of the host's data
  const pg = '/usr/share/postgresql/15/extension';
  const ext: [string, string[]][] = [['hstore', ['1.4', '1.4--1.5', '1.5--1.6', '1.6--1.7', '1.7--1.8']], ['pg_trgm', ['1.3', '1.3--1.4', '1.4--1.5', '1.5--1.6']]];
  for (const [e, vs] of ext) {
    for (const v of vs) b.pkg('postgresql-15', `${pg}/${e}--${v}.sql`, 'an extension script (*.sql), not a dump', `/* contrib/${e}/${e}--${v}.sql */\n\n-- complain if script is sourced in psql, rather than via CREATE EXTENSION\n\\echo Use "CREATE EXTENSION ${e}" to load this file. \\quit\n\n` + b.text(b.int(800, 3000), (i) => `CREATE FUNCTION ${e}_f${i}(internal) RETURNS internal AS 'MODULE_PATHNAME' LANGUAGE C STRICT;`));
    b.pkg('postgresql-15', `${pg}/${e}.control`, "an extension's control file", `# ${e} extension\ncomment = '${e}'\ndefault_version = '${vs[0]}'\nmodule_pathname = '$libdir/${e}'\nrelocatable = true\n`);
  }
  const jdk = '/usr/lib/jvm/java-17-openjdk-amd64';
  b.pkg('openjdk-17-jdk-headless:amd64', `${jdk}/lib/src.zip`, "the JDK's sources (a zip, not a backup)", zip([['java.base/java/lang/Object.java', b.text(3000, (i) => `// ${i}`)]]));
  b.pkg('openjdk-17-jdk:amd64', '/usr/share/doc/openjdk-17-jre-headless/test-amd64/jtreg-summary-hotspot.log', "the JDK's test summary shipped as documentation (*.log)", b.text(2000, (i) => `Passed: hotspot/test${i}.java`));
  b.pkg('openjdk-17-jre-headless:amd64', `${jdk}/legal/java.sql/LICENSE`, "a license in a directory named java.sql", b.text(600, (i) => `license ${i}`));
  const pt = '/usr/lib/python3.11/test';
  b.pkg('libpython3.11-testsuite', `${pt}/testtar.tar`, "Python's test data (a tar, not a backup)", tar([['ustar/regtype', b.text(700, (i) => `${i}`)], ['ustar/conttype', b.text(700, (i) => `${i}`)]], day(1)));
  b.pkg('libpython3.11-testsuite', `${pt}/zipdir.zip`, "Python's test data (a zip)", zip([['a/b/c', 'x']]));
  b.pkg('libpython3.11-testsuite', `${pt}/ziptestdata/exe_with_zip`, "Python's test data", b.bytes(800));
  b.pkg('libpython3.11-testsuite', `${pt}/test_tarfile.py`, "Python's tests", b.text(3000, (i) => `    def test_${i}(self): pass`));
  b.pkg('nginx-doc', '/usr/share/doc/nginx-doc/html.tar.gz', 'documentation shipped as a tarball', zlib.gzipSync(tar([['html/index.html', b.text(3000, (i) => `<p>${i}</p>`)]], day(1))));
  for (const p of ['libc6:amd64', 'borgbackup'])
    b.pkg(p, `/usr/share/doc/${p.replace(/:.*/, '')}/changelog.Debian.gz`, 'a changelog (*.gz), not a rotated log', zlib.gzipSync(b.text(b.int(1500, 2500), (i) => `  * change ${i}`)));
  b.pkg('manpages', '/usr/share/man/man5/core.5.gz', 'core(5), a man page (core.5.gz)', zlib.gzipSync(b.text(2000, (i) => `.SH CORE ${i}`)));
  b.pkg('python3.11-dev', '/usr/share/doc/python3.11/pybench.log', 'a benchmark log shipped as documentation (*.log)', b.text(1500, (i) => `Test ${i}: 35ms 36ms +1.2%`));
  for (let v = 5; v <= 8; v++) b.pkg('lynx-common', `/usr/share/doc/lynx-common/docs/CHANGES2.${v}.gz`, 'old change notes, numbered .N.gz (not a rotated log)', zlib.gzipSync(b.text(b.int(1800, 2200), (i) => `  * 2.${v} change ${i}`)));
  b.pkg('freeipmi-common', '/usr/share/doc/freeipmi-common/ChangeLog.0.gz', 'an old changelog (.0.gz)', zlib.gzipSync(b.text(2000, (i) => `  * ${i}`)));
  b.pkg('rsyslog', '/etc/rsyslog.conf', 'a conffile', b.text(1500, (i) => `*.* /var/log/f${i}`));
  b.pkg('rsyslog', '/etc/logrotate.d/rsyslog', "a conffile (logrotate's config)", '/var/log/syslog\n{\n\trotate 7\n\tdaily\n\tcompress\n\tdelaycompress\n}\n');
  b.pkg('nginx-common', '/etc/nginx/nginx.conf', 'a conffile (its .dpkg-old/.dpkg-dist siblings are backups)', b.text(1500, (i) => `# nginx ${i}`));
  b.pkg('nginx-common', '/etc/logrotate.d/nginx', 'a conffile', '/var/log/nginx/*.log {\n\tdaily\n\tdateext\n}\n');
  b.pkg('openssh-server', '/etc/ssh/sshd_config', 'a ucf-managed config', b.text(3200, (i) => `#Option${i} yes`));
  b.pkg('python3-jsonschema-specifications', '/usr/lib/python3/dist-packages/jsonschema_specifications/schemas/draft202012/vocabularies/core', 'a JSON schema named core', JSON.stringify({ $schema: 'https://json-schema.org/draft/2020-12/schema', $id: 'https://json-schema.org/draft/2020-12/meta/core', title: 'Core vocabulary meta-schema' }, null, 4));
  b.pkg('python3-jsonschema-specifications', '/usr/lib/python3/dist-packages/jsonschema_specifications/schemas/draft202012/vocabularies/applicator', 'a JSON schema', JSON.stringify({ title: 'Applicator vocabulary meta-schema' }, null, 4));
  for (const f of ['archive.py', 'repository.py', 'cache.py']) b.pkg('borgbackup', `/usr/lib/python3/dist-packages/borg/${f}`, "borg's code, not a repository", b.text(3000, (i) => `# ${f} ${i}`));
  // merged /usr: the list says /lib/..., the file is /usr/lib/...
  b.pkg('zlib1g:amd64', '/usr/lib/x86_64-linux-gnu/libz.so.1.2.13', 'a versioned library (listed as /lib/..., merged /usr)', Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]), b.bytes(3000)]), '/lib/x86_64-linux-gnu/libz.so.1.2.13');
  b.symlink('libz.so.1.2.13', '/usr/lib/x86_64-linux-gnu/libz.so.1');
  b.listOnly('zlib1g:amd64', '/lib/x86_64-linux-gnu/libz.so.1');
  if (fs.existsSync('/usr/bin/true')) b.pkg('coreutils', '/usr/bin/true', 'a program (listed as /bin/true, merged /usr)', fs.readFileSync('/usr/bin/true'), '/bin/true');
  const gsdk = '/usr/lib/google-cloud-sdk/platform';
  for (const k of [1, 2]) b.pkg('google-cloud-cli', `${gsdk}/gsutil/third_party/httplib2/ref/img${k}.old`, 'a documentation image a package ships named .old', png(20, 20, b.bytes(1200)));
  b.pkg('google-cloud-cli', `${gsdk}/anthoscli_licenses/lib.zip`, 'licenses shipped as a zip', zip([['LICENSE', b.text(2000, (i) => `license ${i}`)]]));
  b.pkg('google-cloud-cli', `${gsdk}/kpt_licenses/lib.zip`, 'licenses shipped as a zip', zip([['LICENSE', b.text(1900, (i) => `license ${i}`)]]));

  // unowned look-alikes
  b.file('/home/alice/.local/lib/python3.11/site-packages/jsonschema_specifications/schemas/draft201909/vocabularies/core', null, 'a JSON schema named core (pip --user), not a dump', JSON.stringify({ $id: 'https://json-schema.org/draft/2019-09/meta/core', title: 'Core vocabulary meta-schema' }, null, 4));
  if (fs.existsSync('/usr/bin/true')) b.file('/opt/tool/bin/core', null, 'an executable named core (ELF, e_type not ET_CORE)', fs.readFileSync('/usr/bin/true'));
  b.file('/srv/app/src/core/index.js', null, "a project's source in a directory named core", b.text(1500, (i) => `export const f${i} = () => ${i};`));
  b.file('/srv/app/node_modules/@babel/core/package.json', null, 'a dependency in a directory named core', JSON.stringify({ name: '@babel/core', version: '7.23.5' }));
  b.file('/srv/app/db/schema.sql', null, "a project's schema (*.sql), not a dump", b.text(1500, (i) => `CREATE TABLE t${i} (id serial primary key, name text);`));
  b.file('/srv/app/db/seeds.sql', null, "a project's seed data (*.sql)", b.text(1200, (i) => `INSERT INTO t${i} VALUES (${i}, 'x');`));
  for (let k = 1; k <= 4; k++) b.file(`/srv/app/db/migrations/000${k}_${['init', 'add_users', 'add_orders', 'index_orders'][k - 1]}.sql`, null, 'a migration: numbered, sizes alike, not a backup series', `-- migrate:up\n${b.text(1000, (i) => `ALTER TABLE t${k} ADD COLUMN c${i} int;`)}-- migrate:down\n`);
  b.file('/srv/app/.git/HEAD', null, "a project's git repository (not etckeeper)", 'ref: refs/heads/main\n');
  b.file('/srv/app/.git/config', null, "a project's git repository", '[core]\n\trepositoryformatversion = 0\n[remote "origin"]\n\turl = git@example.com:app.git\n');
  b.file('/srv/app/.git/logs/HEAD', null, "a git reflog, not a log to rotate", b.text(700, () => `${b.hex(40)} ${b.hex(40)} dev <dev@example.com> 1763700000 +0000\tcommit: work`));
  for (let k = 0; k < 2; k++) {
    const [p, z] = gitBlob(b.text(b.int(500, 2500), (i) => `line ${i} ${b.hex(8)}`));
    b.file(`/srv/app/.git/objects/${p}`, null, "a project's git object", z);
  }
  b.file('/srv/app/build/main.o', null, 'a build output', Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0]), b.bytes(2500)]));
  b.file('/srv/app/dist/bundle.js', null, 'a build output', b.text(3500, (i) => `var a${i}=${i};`));
  b.file('/srv/app/dist/bundle.js.map', null, 'a build output', JSON.stringify({ version: 3, mappings: b.hex(2000) }));
  b.file('/home/alice/Downloads/tool-1.2.tar.gz', null, 'a lone downloaded archive, not a backup', zlib.gzipSync(tar([['tool-1.2/README', b.text(2000, (i) => `${i}`)]], day(10))));
  b.file('/home/alice/Downloads/photos.zip', null, 'a lone archive', zip([['IMG_0001.jpg', b.bytes(3000)]]));
  b.file('/usr/local/lib/python3.11/dist-packages/fixtures/tests/data/sample.tar.gz', null, "a library's test data (unowned, /usr/local)", zlib.gzipSync(tar([['a.txt', 'a']], day(1))));
  for (let k = 1; k <= 6; k++) b.file(`/home/alice/render/frame-${String(k).padStart(4, '0')}.png`, null, 'numbered frames: a series by name and size, not backups', png(24, 24, b.bytes(24 * 24 * 3)));
  for (const v of ['1', '1.2', '1.2.3']) b.file(`/opt/vendor/lib/libx.so.${v}`, null, 'a versioned library (.so.N), not a rotated file', Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 0]), b.bytes(3000)]));
  b.file('/srv/www/static/app.min.js.gz', null, 'a precompressed asset (*.gz, no log beside it)', zlib.gzipSync(b.text(3000, (i) => `var b${i}=${i};`)));
  b.file('/srv/www/static/style.css.gz', null, 'a precompressed asset', zlib.gzipSync(b.text(1500, (i) => `.c${i}{margin:${i}px}`)));
  b.file('/var/lib/mysql/ibdata1', null, "InnoDB's system tablespace", b.bytes(4096));
  b.file('/var/lib/mysql/ib_logfile0', null, "InnoDB's redo log: the database's, not a log to rotate", b.bytes(4096));
  b.file('/var/lib/mysql/shop/orders.ibd', null, 'a table', b.bytes(4096));
  for (let k = 1; k <= 2; k++) b.file(`/var/lib/postgresql/15/main/pg_wal/00000001000000000000000${k}`, null, "PostgreSQL's WAL: numbered and alike, the database's own", b.bytes(4096));
  b.file('/var/lib/docker/overlay2/' + b.hex(64) + '/diff/app/server.js', null, "an image layer's file, not a cache", b.text(2000, (i) => `app.get('/r${i}')`));
  b.file('/var/lib/dpkg/status', null, "dpkg's database", b.text(3000, (i) => `Package: pkg${i}\nStatus: install ok installed\n`));
  b.file('/etc/passwd', null, 'a config file (its copy in /var/backups is the backup)', b.text(1400, (i) => `user${i}:x:${1000 + i}:${1000 + i}::/home/user${i}:/bin/bash`));
  b.file('/home/alice/notes.txt', null, 'a document (its notes.txt~ is the backup)', b.text(1800, () => 'remember to rotate the keys'));
  b.file('/home/alice/.bash_history', null, 'a shell history, not a log', b.text(1500, (i) => `ls -l /srv/${i}`));
}

// ------------------------------------------------------------------------------------ measuring

export interface Classified {
  /** every regular file of the tree (path from root, leading '/'): the kind the classifier gave it, null for none */
  predicted: Map<string, Kind | null>;
  /** files the mask says a package owns */
  ownedFiles: number;
  /** ms: the scan; the owned mask (lists loaded and matched); categorize */
  scanMs: number;
  ownedMs: number;
  categorizeMs: number;
}

/** the classifier's category names -> issue 16's kinds (rotated and live logs are both logs); others: none */
const CATEGORY_KIND: Record<string, Kind> = { backups: 'backups', 'rotated logs': 'logs', 'live logs': 'logs', caches: 'caches', 'core dumps': 'core dumps', temp: 'temp', trash: 'trash' };

/**
 * The classifier on the fixture, as `owners` runs it: the scanner (src/app/place.ts localScan, one
 * thread as the tests scan in process), the package map of the fixture's lists with its root (for
 * the merged-/usr aliases), the owned mask, then categorize with the built-in rules (no user rules
 * file: loadRules() with XDG_CONFIG_HOME pointed at an empty directory for the call) and the
 * fixture's root as the prefix standing for `/`.
 */
export async function classifyFixture(fx: KindsFixture): Promise<Classified> {
  let t = performance.now();
  const tree = new Tree();
  const job = localScan(fx.root, tree, { threads: 1 });
  if ((await job.done).incomplete) throw new Error(`kinds fixture: the scan of ${fx.root} is incomplete`);
  const scanMs = performance.now() - t;

  t = performance.now();
  const map = loadPackageMap({ infoDir: fx.infoDir, root: fx.root });
  const owned = ownedMask(tree, map, { prefix: fx.root });
  const ownedMs = performance.now() - t;

  const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'diskblame-no-rules-'));
  const saved = process.env.XDG_CONFIG_HOME;
  let rules: ReturnType<typeof loadRules>;
  try {
    process.env.XDG_CONFIG_HOME = empty;
    rules = loadRules();
  } finally {
    if (saved === undefined) delete process.env.XDG_CONFIG_HOME;
    else process.env.XDG_CONFIG_HOME = saved;
    fs.rmSync(empty, { recursive: true, force: true });
  }
  t = performance.now();
  const labels = new Int32Array(tree.count);
  const cats = categorize(tree, rules, { prefix: fx.root, labels, owned });
  const categorizeMs = performance.now() - t;

  const predicted = new Map<string, Kind | null>();
  const rel = relPaths(tree);
  let ownedFiles = 0;
  for (let i = 1; i < tree.count; i++) {
    if (tree.type(i) !== EntryType.File) continue;
    if (owned[i]) ownedFiles++;
    predicted.set(rel[i], labels[i] >= 0 ? CATEGORY_KIND[cats[labels[i]].name] ?? null : null);
  }
  return { predicted, ownedFiles, scanMs, ownedMs, categorizeMs };
}

/** every entry's path from the root ('/' joined, leading '/'; the names' bytes decoded as UTF-8) */
function relPaths(tree: Tree): string[] {
  const raw: string[] = new Array(tree.count);
  raw[0] = '';
  for (let i = 1; i < tree.count; i++) raw[i] = raw[tree.parent[i]] + '/' + Buffer.from(tree.nameOf(i)).toString('latin1');
  return raw.map((p) => Buffer.from(p, 'latin1').toString('utf8'));
}

export interface KindScore {
  /** labelled this kind and classified so */
  tp: number;
  /** classified this kind, labelled another or none */
  fp: number;
  /** labelled this kind, classified another or none */
  fn: number;
  /** tp / (tp + fp); 1 when nothing was classified this kind */
  precision: number;
  /** tp / (tp + fn); 1 when nothing is labelled this kind */
  recall: number;
  labelled: number;
  /** the paths of the false positives and of the misses, sorted */
  falsePositives: string[];
  misses: string[];
}

/**
 * Precision and recall per kind over the labelled files. A labelled file the classifier did not
 * report counts as classified none; files it reported that carry no label are not scored.
 */
export function scoreKinds(labels: Map<string, Kind | null>, predicted: Map<string, Kind | null>): Record<Kind, KindScore> {
  const out = {} as Record<Kind, KindScore>;
  for (const k of KINDS) out[k] = { tp: 0, fp: 0, fn: 0, precision: 1, recall: 1, labelled: 0, falsePositives: [], misses: [] };
  for (const [p, want] of labels) {
    const got = predicted.get(p) ?? null;
    if (want !== null) out[want].labelled++;
    if (want !== null && got === want) out[want].tp++;
    else {
      if (want !== null) {
        out[want].fn++;
        out[want].misses.push(p);
      }
      if (got !== null) {
        out[got].fp++;
        out[got].falsePositives.push(p);
      }
    }
  }
  for (const k of KINDS) {
    const s = out[k];
    if (s.tp + s.fp) s.precision = s.tp / (s.tp + s.fp);
    if (s.tp + s.fn) s.recall = s.tp / (s.tp + s.fn);
    s.misses.sort();
    s.falsePositives.sort();
  }
  return out;
}

/** whether a kind meets issue 16's targets */
export const meetsTargets = (s: KindScore): boolean => s.precision >= PRECISION_TARGET && s.recall >= RECALL_TARGET;

/**
 * The score as lines of text: a table (kind, labelled files, precision, recall, target met), then
 * per kind up to `max` misses and false positives with what each was labelled / classified as.
 */
export function scoreLines(score: Record<Kind, KindScore>, fx: Pick<KindsFixture, 'labels' | 'reasons'>, predicted: Map<string, Kind | null>, max = 5): string[] {
  const lines = [`${'kind'.padEnd(11)} labelled  precision  recall  targets (p >= ${PRECISION_TARGET}, r >= ${RECALL_TARGET})`];
  for (const k of KINDS) {
    const s = score[k];
    lines.push(`${k.padEnd(11)} ${String(s.labelled).padStart(8)}  ${s.precision.toFixed(3).padStart(9)}  ${s.recall.toFixed(3).padStart(6)}  ${meetsTargets(s) ? 'met' : 'NOT met'} (tp ${s.tp}, fp ${s.fp}, fn ${s.fn})`);
  }
  const more = (xs: string[]) => (xs.length > max ? [`    ... ${xs.length - max} more`] : []);
  for (const k of KINDS) {
    const s = score[k];
    if (s.misses.length) lines.push(`${k}: missed ${s.misses.length}:`, ...s.misses.slice(0, max).map((p) => `    ${p} (got ${predicted.get(p) ?? 'none'}; ${fx.reasons.get(p)})`), ...more(s.misses));
    if (s.falsePositives.length) lines.push(`${k}: false positives ${s.falsePositives.length}:`, ...s.falsePositives.slice(0, max).map((p) => `    ${p} (labelled ${fx.labels.get(p) ?? 'none'}: ${fx.reasons.get(p)})`), ...more(s.falsePositives));
  }
  return lines;
}
