/**
 * The kinds of data an operator can trust: what the name and location globs of kinds.ts proposed,
 * checked against what the files are. Runs after the globs' pass, over its labels, in this order
 * (each step can overrule the ones before it; the README's table "Kinds of data" lists them):
 *
 *  1. a file a package lists (dpkg, merged-/usr aliases: packages.ts ownedMask) is in no kind;
 *  2. directory marks put whole trees in a kind: a valid CACHEDIR.TAG (caches; bford.info/cachedir),
 *     then rsnapshot's interval directories (alpha.0, daily.3: backups), rsync --link-dest trees
 *     (dated sibling directories sharing hard links: backups), etckeeper's /etc/.git, and the files
 *     backup tools leave in a backup (xtrabackup_checkpoints, backup_label, kopia.repository.f...:
 *     kinds.ts TRUST_HINTS: also Proxmox Backup Server's .chunks, bup's .midx, mydumper's metadata
 *     and pg_dump -Fd's toc.dat by their first bytes); a directory named for backups, kept snapshots,
 *     caches or temp files puts its files there; none of these in a source tree (a git work tree,
 *     site-packages, node_modules, plugins...; but a tool's hidden cache there, .angular/cache);
 *     trash stays trash; rsync's .NAME.XXXXXX is temp with a random-looking six; the previous run's
 *     log X.old is a rotated log;
 *  3. content, a few bytes read only of candidates (readHead: never a FIFO, device or link):
 *     `core`, `core.*`, `core-*`, `vmcore*`, `*.core` count as core dumps only with an ELF header of
 *     type ET_CORE (4) or makedumpfile's; `*.sql`, `*.sql.gz`, `*.dump`, `*.pgdump` as backups only
 *     with pg_dump's or mysqldump's header; names without a dot ending in a digit (Bacula/Bareos
 *     volumes: Vol0001, Full-0001) only with a volume block header ("BB01"/"BB02"); any file below a
 *     directory named for core dumps with an ELF core header; then names that say backup, dump or
 *     snapshot (archives, or dated); then test data (in a source tree, or below testdata/), programs'
 *     data named like logs (Kafka, Cassandra, Dovecot) and logs in a language's packages are in no kind;
 *  4. siblings, for files no rule has taken: logrotate's output beside its live file (X.1,
 *     X.2.gz, X-20261120 beside X: rotated logs, X a live log), numbered or dated copies of a file
 *     (X.1, X.20261120: backups; X.ext.2026-11-21 alone too), and series of archives or dumps whose
 *     names differ by a date or a counter and whose sizes are alike (backups).
 *
 * Pure over the tree, the labels and the `read` function (the only I/O, injected); every decision
 * made here keeps its reason (`why`).
 */
import zlib from 'node:zlib';
import type { Tree } from '../tree/tree.js';
import { EntryType } from '../model/entry.js';
import { EF_EXCL, EF_TYPE, type TreeNames } from './packages.js';
import { ncduParseAddon } from '../import/native-parse.js';
import { escapeName } from '../util/escape.js';

/** the categories these rules put files in: indexes into the rules' categories, -1 when absent */
export interface TrustCats {
  core: number;
  trash: number;
  backups: number;
  rotated: number;
  live: number;
  caches: number;
  temp: number;
  /** kinds.ts TRUST_HINTS' categories: below a directory named for backups; a backup tool's mark */
  hintDirs: number;
  hintCaches: number;
  hintMarks: number;
  hintTemp: number;
  /** below a directory named for temp files */
  hintTempDirs: number;
  /** below a directory named for core dumps (cores, coredumps, crash): the header decides */
  hintCoreDirs: number;
}

export interface TrustInput {
  tree: Tree;
  names: TreeNames;
  /** entryFlags(tree) */
  fl: Uint8Array;
  /** category index per entry (-1: none), from the globs' pass; changed in place */
  lab: Int32Array;
  cats: TrustCats;
  /** 1 for each entry a package lists; null: ownership unknown (nothing dropped for it) */
  owned: Uint8Array | null;
  /** the first `max` bytes of a file (readHead), null when unreadable; null: no content checks */
  read: ((file: Buffer, max: number) => Buffer | null) | null;
  /** collectCandidates' result for these labels, when made already (else made here) */
  candidates?: Candidates;
  /** the most headers read (default MAX_HEADER_READS); the candidates past it stay unchecked */
  maxReads?: number;
  /** entry i's path on disk (bytes) */
  diskPath(i: number): Buffer;
  /** entry i's path as reported (latin1 of its bytes, from `/` or the prefix) */
  shownPath(i: number): string;
}

/** What the pass decided beyond the globs: a reason per entry it touched, and its counts. */
export interface TrustResult {
  /** the reason this pass gives entry i (a decision or a failed check), null: none (the globs' or no rule's) */
  why(i: number): string | null;
  /** the reason is the decision (else a check that did not hold, and the kind, if any, is the globs') */
  decided(i: number): boolean;
  /** the entries this pass put in a kind (some more than once) */
  took: number[];
  /** files dropped because a package lists them */
  ownedDropped: number;
  /** candidates whose header was read */
  headersRead: number;
  /** candidates left unchecked over MAX_HEADER_READS */
  unchecked: number;
}

/** a reason that is a note (a check that did not hold), not the decision */
const NOTE = 1 << 30;

/** the most candidate headers read in one pass (each at most DUMP_HEAD bytes) */
export const MAX_HEADER_READS = 20000;
/** bytes read of a dump candidate (its first lines; a gzip's first block) */
const DUMP_HEAD = 4096;
/** an ELF header up to e_type */
const ELF_HEAD = 18;
/** a Bacula/Bareos block header: checksum, length, block number, then the id "BB02" */
const BACULA_HEAD = 16;
/** entries walked below one dated directory looking for hard links (link-dest), and its depth */
export const LINKDEST_WALK = 20000;
export const LINKDEST_DEPTH = 8;

const CACHEDIR_SIG = Buffer.from('Signature: 8a477f597d28d172789f06886806bc55');
/** rsnapshot's interval names: `retain NAME N` of its documentation and default config */
const RSNAPSHOT_INTERVAL = /^(?:hourly|daily|weekly|monthly|yearly|alpha|beta|gamma|delta)\.\d{1,4}$/;
/** a date in a name: 2026-11-20, 20261120, 2026_11_20, with an optional time (T030000Z, _10-00-01) */
export const DATE_RE = /(?:19|20)\d\d([-_.]?)(?:0[1-9]|1[0-2])\1(?:0[1-9]|[12]\d|3[01])(?:[T_ -]?\d\d[-:._]?\d\d(?:[-:._]?\d\d)?Z?)?/;
/** names of archives and dumps: what a series of backups is made of */
export const ARCHIVE_RE = /\.(?:tar|tgz|tbz2?|txz|tzst|zip|7z|rar|cpio|gz|bz2|xz|zst|lz4|lzma|sql|dump|pgdump|bak|img|qcow2|vmdk|vdi|vma|gpg|age|enc|db|sqlite3?|rdb|jsonlz4|bson|wpress|vbk|vib)$/;
/** archives and dumps proper, not any compressed file: what a counted series is made of */
const STRONG_ARCHIVE_RE = /\.(?:tar(?:\.(?:gz|bz2|xz|zst|lz4))?|tgz|tbz2?|txz|tzst|zip|7z|rar|sql(?:\.(?:gz|bz2|xz|zst))?|dump|pgdump|bak|img|qcow2|vmdk|vdi)$/;
/** the files backup tools leave in a backup, and the tool (kinds.ts TRUST_HINTS' marks) */
const MARK_TOOLS = new Map([
  ['xtrabackup_checkpoints', 'a Percona XtraBackup backup (xtrabackup_checkpoints)'],
  ['backup_label', "pg_basebackup's copy of a data directory (backup_label)"],
  ['backup_manifest', "pg_basebackup's backup (backup_manifest)"],
  ['backup.manifest', "a pgBackRest backup (backup.manifest)"],
  ['backup.info', "a pgBackRest repository (backup.info)"],
  ['kopia.repository.f', 'a Kopia repository (kopia.repository.f)'],
  ['index.latest', 'an Elasticsearch snapshot repository (index.latest)'],
  ['clonezilla-img', 'a Clonezilla image (clonezilla-img)'],
]);
/** a directory named for backups, and one named to say the opposite */
const BACKUP_DIR_RE = /backups?$|^backups?[-_.]|snapshots$/i;
/** a container runtime's layers (io.containerd.snapshotter.v1.overlayfs/snapshots): live, not kept snapshots */
const SNAPSHOTTER_RE = /snapshotter/i;
const NO_BACKUP_RE = /^no[-_.]?backups?$/i;
const CACHE_DIR_RE = /(?:^|[-_.])caches?$|^(?:app|depot|shader)cache$/i;
/** a directory of temp files: tmp, temp, .tmp, _temp, pgsql_tmp, client_temp, Jenkins' WORKSPACE@tmp */
const TEMP_DIR_RE = /^(?:\.?tmp|\.?temp|_temp|_tmp|.+_tmp|.+_temp|.+@tmp|\.rsync-partial|tmp\..+|.+\.tmp)$/i;
/** language package directories: their files are code, whatever a directory in them is called */
const SOURCE_DIRS = new Set(['site-packages', 'dist-packages', 'node_modules', 'vendor', 'gems', '.git', 'plugins', 'mu-plugins', 'themes']);
/** directories of test data in a source tree */
const TEST_DIRS = new Set(['test', 'tests', 'testdata', 'test-data', 'fixtures', '__tests__', '__fixtures__', 'spec', 'testing']);
/** of those, the names only test inputs have: test data even outside a git work tree */
const TEST_DATA_DIRS = new Set(['testdata', 'test-data', '__fixtures__']);
/**
 * logs that are a program's data, not logs to rotate: Kafka's segments and indexes (20 digits),
 * Cassandra's commit log, Dovecot's transaction logs of its index; and a README in a log directory
 */
const DATA_LOG_RE = /^(?:\d{20}\.(?:log|index|timeindex)|CommitLog-\d+-\d+\.log|dovecot(?:\.list)?\.index\.log(?:\.\d+)?|README(?:\.\w+)?)$/;
/** names that say backup, dump or snapshot as a word (pg_dump's, mongodump's too) */
const BACKUP_WORD_RE = /(?:^|[^a-zA-Z])(?:backups?|dump|snapshot)(?:[^a-zA-Z]|$)|(?:pg|mongo|my|sql)dump/i;
/** code, configuration and media: a name saying backup there is a program, a setting or a picture */
const NOT_BACKUP_EXT = /\.(?:c|h|cc|cpp|hpp|go|rs|py|rb|pl|pm|php|js|mjs|ts|java|kt|scala|cs|sh|bash|zsh|ps1|service|timer|conf|cfg|ini|ya?ml|json|toml|xml|html?|css|md|rst|pdf|png|jpe?g|gif|svg|webp|mp4|mp3|so|o|a|jar|pyc|deb|rpm)$/i;
/** documentation: foo.1 there is a man page, changelog.1 an old changelog */
const DOC_DIR_RE = /(?:^|\/)(?:doc|docs|man|man\d\w*)(?:\/|$)/;
/** a directory of logs: a part of its path named log or logs */
const LOG_DIR_RE = /(?:^|\/)(?:log|logs)(?:\/|$)/;
const COMPRESSED_RE = /\.(?:gz|xz|bz2|zst|lz4|Z)$/;
/** logrotate's names: X.N, X-YYYYMMDD (dateext), X.YYYY-MM-DD (an admin's dated copy), each maybe compressed */
const ROTATED_RE = /^(.+?)(?:\.(\d{1,3})|[-._]((?:19|20)\d\d([-_]?)(?:0[1-9]|1[0-2])\4(?:0[1-9]|[12]\d|3[01])(?:\d{2})?))(\.(?:gz|xz|bz2|zst|lz4|Z))?$/;
/** a base with an extension (pg_hba.conf, site.tar): X.DATE alone is a dated copy of it */
const HAS_EXT_RE = /.\.[A-Za-z][A-Za-z0-9]{0,5}$/;
/** rsync's temporary file (kinds.ts RSYNC_TMP): `.NAME.` and six letters or digits */
const RSYNC_TMP_RE = /^\..+\.([A-Za-z0-9]{6})$/;
/** mkstemp's six: a mixture of lower case, upper case and digits, not a word (`backup`, `Backup`) */
function randomSix(s: string): boolean {
  const lower = /[a-z]/.test(s);
  const upper = /[A-Z]/.test(s);
  const digit = /[0-9]/.test(s);
  return (lower ? 1 : 0) + (upper ? 1 : 0) + (digit ? 1 : 0) >= 2 && !/^[A-Z][a-z]{5}$/.test(s);
}
/** libraries and objects: libx.so.1 beside libx.so is a version, never a copy or a rotation */
const LIB_RE = /\.(?:so|a|o|pyc|dll|dylib)$|\.so\./;
/** shared libraries and such, never a log's base: libx.so (libx.so.1 is a library, not a rotation) */
const NOT_LOG_BASE = /\.(?:so|a|o|py|pyc|js|jar|dll|dylib|conf|cfg|ini|json|xml|ya?ml|toml)$|\.so\./;

/**
 * Run the pass (see the file's comment) over `inp.lab`, in place. Directory marks need the tree's
 * child index (built here when missing). Reads at most MAX_HEADER_READS headers.
 */
export function refineKinds(inp: TrustInput): TrustResult {
  const { tree, names, fl, lab, cats, owned } = inp;
  const n = tree.count;
  const reasons: string[] = [];
  const ids = new Map<string, number>();
  let why: Int32Array | null = null;
  /** give entry i a reason: the decision that put it in its kind, or (NOTE) a check that did not */
  const because = (i: number, text: string, note = 0) => {
    let id = ids.get(text);
    if (id === undefined) {
      id = reasons.length;
      reasons.push(text);
      ids.set(text, id);
    }
    (why ??= new Int32Array(n).fill(-1))[i] = id | note;
    if (note === 0) took.push(i);
  };
  const took: number[] = [];
  const isFile = (i: number) => (fl[i] & (EF_TYPE | EF_EXCL)) === EntryType.File;
  const isDir = (i: number) => (fl[i] & (EF_TYPE | EF_EXCL)) === EntryType.Dir;
  const free = (i: number) => owned === null || owned[i] === 0;
  const { bytes: nb, off, len } = names;
  const parent = tree.parent;

  // 1. package files out; the candidates of the later steps (collected before the mask was known)
  const cand = inp.candidates ?? collectCandidates(tree, names, fl, lab, true, owned);
  let ownedDropped = 0;
  if (owned !== null) {
    for (const i of cand.labelled)
      if (owned[i] !== 0 && lab[i] >= 0) {
        lab[i] = -1;
        ownedDropped++;
      }
  }
  const keep = (l: number[]) => (owned === null ? l : l.filter((i) => owned[i] === 0));
  const cores = keep(cand.cores);
  const dumps = keep(cand.dumps);
  const volumes = keep(cand.volumes);
  const tags = keep(cand.tags);
  const sib = keep(cand.sib);
  const { gitDirs, datedDirs, intervalDirs } = cand;

  let headersRead = 0;
  let unchecked = 0;
  const head = (i: number, max: number): Buffer | null | undefined => {
    if (inp.read === null) return undefined;
    if (headersRead >= (inp.maxReads ?? MAX_HEADER_READS)) {
      unchecked++;
      return undefined;
    }
    headersRead++;
    return inp.read(inp.diskPath(i), max);
  };

  // 2. directory marks: whole trees
  const mark = (d: number, cat: number, text: string) => {
    if (cat < 0) return;
    const st = [d];
    while (st.length) {
      const k = st.pop()!;
      const kids = tree.children(k);
      for (let j = 0; j < kids.length; j++) {
        const c = kids[j];
        if (isDir(c)) st.push(c);
        else if (isFile(c) && free(c) && lab[c] !== cats.trash) {
          lab[c] = cat;
          because(c, text);
        }
      }
    }
  };
  const dirPath = (d: number) => inp.shownPath(d);
  // (in a reason: its bytes escaped as escapeName shows every name)
  const dirText = (d: number) => escapeName(inp.diskPath(d));
  // source trees: a git work tree (a .git directory beside, not etckeeper's), or a language's
  // package directory; memoized per directory (1: in one, 0: not), `srcAt` the tree's top
  const gitTops = new Set<number>();
  for (const g of cand.gitDirs) if (!tree.children(parent[g]).some((k) => isFile(k) && len[k] === 10 && names.one(k) === '.etckeeper')) gitTops.add(parent[g]);
  const srcMemo = new Map<number, number>();
  const sourceTop = (d: number): number => {
    const seen: number[] = [];
    let top = -1;
    for (let a = d; ; a = parent[a]) {
      const m = srcMemo.get(a);
      if (m !== undefined) {
        top = m;
        break;
      }
      seen.push(a);
      if (gitTops.has(a) || (a !== 0 && SOURCE_DIRS.has(names.one(a)))) {
        top = a;
        break;
      }
      if (a === 0) break;
    }
    for (const a of seen) srcMemo.set(a, top);
    return top;
  };
  const sourceTree = (d: number) => sourceTop(d) >= 0;
  /** a package lists a file below directory d (memoized; the walk stops at the first) */
  const pkgMemo = new Map<number, boolean>();
  const packageBelow = (d: number): boolean => {
    if (owned === null) return false;
    let r = pkgMemo.get(d);
    if (r !== undefined) return r;
    r = false;
    const st = [d];
    while (st.length && !r) {
      for (const k of tree.children(st.pop()!)) {
        if (isDir(k)) st.push(k);
        else if (owned[k] !== 0) {
          r = true;
          break;
        }
      }
    }
    pkgMemo.set(d, r);
    return r;
  };
  const sourceWhy = (d: number) => {
    const t = sourceTop(d);
    return gitTops.has(t) ? `a git work tree at ${dirText(t)}` : `${dirText(t)}, a language's packages`;
  };
  for (const t of tags) {
    const h = head(t, CACHEDIR_SIG.length);
    if (h === undefined) because(t, 'a CACHEDIR.TAG whose signature was not read: no mark', NOTE);
    else if (h !== null && h.equals(CACHEDIR_SIG)) mark(parent[t], cats.caches, `below a valid CACHEDIR.TAG in ${dirText(parent[t])} (the Cache Directory Tagging Specification)`);
    else because(t, "a CACHEDIR.TAG without the specification's signature line: no mark", NOTE);
  }
  // rsnapshot: a directory with two interval directories, or one and rsnapshot's .sync
  const byParent = (list: number[], test: (name: string) => boolean) => {
    const m = new Map<number, number[]>();
    for (const d of list) {
      if (!test(names.one(d))) continue;
      const p = parent[d];
      const l = m.get(p);
      if (l) l.push(d);
      else m.set(p, [d]);
    }
    return m;
  };
  for (const [p, ds] of byParent(intervalDirs, (s) => RSNAPSHOT_INTERVAL.test(s))) {
    const sync = tree.children(p).some((k) => isDir(k) && names.one(k) === '.sync');
    if (ds.length < 2 && !sync) continue;
    const list = ds.map((d) => names.one(d)).sort().slice(0, 4).map(nameText).join(', ');
    for (const d of ds) mark(d, cats.backups, `an rsnapshot snapshot: ${dirText(p)} holds its interval directories (${list}${ds.length > 4 ? ', ...' : ''})`);
  }
  // rsync --link-dest: dated sibling directories that share hard links
  for (const [p, ds] of byParent(datedDirs, (s) => DATE_RE.test(s))) {
    if (ds.length < 2) continue;
    const shared = sharedInode(tree, ds, fl);
    if (shared === null) continue;
    const list = ds.map((d) => names.one(d)).sort();
    const text = `an rsync --link-dest snapshot: ${dirText(p)} holds ${ds.length} dated copies (${nameText(list[0])} ... ${nameText(list[list.length - 1])}) sharing hard links (${shared})`;
    for (const d of ds) mark(d, cats.backups, text);
  }
  for (const g of gitDirs) {
    const p = parent[g];
    const meta = tree.children(p).find((k) => isFile(k) && len[k] === 10 && names.one(k) === '.etckeeper');
    if (meta !== undefined) {
      const text = `etckeeper's history of ${dirText(p)} (${dirText(p)}/.etckeeper beside .git)`;
      mark(g, cats.backups, text);
      if (free(meta) && lab[meta] !== cats.trash && cats.backups >= 0) {
        lab[meta] = cats.backups;
        because(meta, text);
      }
    }
  }

  // backup tools' marks: the directory holding one is a backup (not in a source tree)
  const nameOf = (i: number) => names.one(i);
  for (const i of cand.labelled) {
    if (lab[i] !== cats.hintMarks || !free(i)) continue;
    const n0 = nameOf(i);
    let d = parent[i];
    let tool = MARK_TOOLS.get(n0) ?? null;
    if (tool === null && /\.bson(?:\.gz)?$/.test(n0)) {
      const meta = n0.replace(/\.bson(\.gz)?$/, '.metadata.json');
      if (tree.children(d).some((k) => isFile(k) && (names.one(k) === meta || names.one(k) === meta + '.gz'))) tool = 'mongodump output (NAME.bson beside NAME.metadata.json)';
    }
    if (tool === null && n0 === 'metadata') {
      // mydumper's output directory: its metadata file starts "Started dump at:" (0.12 and later: "# Started dump at:")
      const h = head(i, 24);
      if (h === undefined) because(i, "named like mydumper's metadata; its header was not read", NOTE);
      else if (h !== null && /^(?:# )?Started dump at:/.test(h.toString('latin1'))) tool = "mydumper's output (metadata: \"Started dump at\")";
    }
    if (tool === null && n0 === 'toc.dat') {
      // pg_dump's directory format (-Fd): its table of contents is a custom-format header
      const h = head(i, 5);
      if (h === undefined) because(i, "named like pg_dump's table of contents; its header was not read", NOTE);
      else if (h !== null && h.toString('latin1') === 'PGDMP') tool = "pg_dump's directory format (toc.dat: PGDMP)";
    }
    if (tool === null && n0.endsWith('.midx') && nameOf(d) === 'pack' && d !== 0 && nameOf(parent[d]) === 'objects' && parent[d] !== 0) {
      // bup's own multi-index (git's is `multi-pack-index`): BUP_DIR is the parent of objects/
      d = parent[parent[d]];
      tool = "a bup repository (objects/pack/*.midx, bup's multi-index)";
    }
    if (tool === null && d !== 0 && /^[0-9a-f]{4}$/.test(nameOf(d)) && parent[d] !== 0 && nameOf(parent[d]) === '.chunks') {
      // Proxmox Backup Server: the datastore holds .chunks/XXXX/SHA256 and the snapshots' indexes
      d = parent[parent[d]];
      tool = "a Proxmox Backup Server datastore (.chunks/XXXX/)";
    }
    if (tool === null) {
      // below rdiff-backup-data: its parent is the mirror
      let a = d;
      while (a !== 0 && nameOf(a) !== 'rdiff-backup-data') a = parent[a];
      if (a !== 0 || nameOf(0).endsWith('/rdiff-backup-data')) {
        d = a === 0 ? 0 : parent[a];
        tool = 'rdiff-backup (its rdiff-backup-data directory)';
      }
    }
    // (once marked, the directory's other mark files are backups already: a datastore's million chunks are not walked again)
    if (tool !== null && lab[i] === cats.hintMarks && !sourceTree(d)) mark(d, cats.backups, `a backup: ${dirText(d)} holds ${tool}`);
  }
  // below a directory named for backups (backup, backups, db-backups, bookmarkbackups...), not in a source tree
  // below a directory named for backups or caches (cache, *-cache...): not in a source tree
  const lastPart = (d: number) => {
    const n = nameOf(d);
    return d === 0 ? n.slice(n.lastIndexOf('/') + 1) : n;
  };
  for (const i of cand.labelled) {
    const h = lab[i];
    if (h !== cats.hintDirs && h !== cats.hintCaches && h !== cats.hintMarks && h !== cats.hintTempDirs) continue;
    lab[i] = -1;
    if (h === cats.hintMarks) continue;
    const [re, kind, cat] =
      h === cats.hintDirs ? [BACKUP_DIR_RE, 'backups', cats.backups] : h === cats.hintCaches ? [CACHE_DIR_RE, 'caches', cats.caches] : [TEMP_DIR_RE, 'temp files', cats.temp];
    let a = parent[i];
    while (a !== 0 && !re.test(lastPart(a))) a = parent[a];
    if (!re.test(lastPart(a)) || NO_BACKUP_RE.test(lastPart(a)) || !free(i) || cat < 0) continue;
    if (h === cats.hintDirs && /snapshots$/i.test(lastPart(a)) && a !== 0 && SNAPSHOTTER_RE.test(lastPart(parent[a]))) continue;
    // (a build tool's own hidden directory in a project is its cache: .angular/cache, .parcel-cache)
    const toolCache = h === cats.hintCaches && a !== 0 && hiddenTool(a);
    if (sourceTree(a) && !toolCache) because(i, `below ${dirText(a)}, named for ${kind}, but in a source tree (${sourceWhy(a)}): not taken as ${kind}`, NOTE);
    else if (packageBelow(a)) because(i, `below ${dirText(a)}, named for ${kind}, but a package installed files there (its code, not the host's ${kind})`, NOTE);
    else {
      lab[i] = cat;
      because(i, `below ${dirText(a)}, a directory named for ${kind}`);
    }
  }

  /** directory d or its parent is a tool's hidden directory (.angular, .parcel-cache; not .git), not a language's packages */
  function hiddenTool(d: number): boolean {
    for (const x of [d, parent[d]]) {
      const nm = lastPart(x);
      if (x !== 0 && nm.length > 1 && nm.charCodeAt(0) === 0x2e && nm !== '.git' && !SOURCE_DIRS.has(nm)) return sourceTop(x) !== x;
    }
    return false;
  }

  // rsync's .NAME.XXXXXX (a hint: no rule took it) is temp only with a random-looking six (a
  // mixture of cases or digits: `.vimrc.backup` is not one); X.old of a log, the previous run's
  // log (Xorg.0.log.old, .xsession-errors.old), is a rotated log, not a backup, but below a
  // directory named for backups (/var/backups, db-backups)
  for (const i of cand.labelled) {
    const k = lab[i];
    if (k < 0 || (k !== cats.hintTemp && k !== cats.backups) || !free(i)) continue;
    const nm = nameOf(i);
    if (k === cats.hintTemp) {
      lab[i] = -1;
      const m = RSYNC_TMP_RE.exec(nm);
      if (m === null || cats.temp < 0) continue;
      if (randomSix(m[1])) take(i, cats.temp, `rsync's temporary file of ${nameText(nm.slice(1, -7))} (.NAME.XXXXXX): a transfer in progress or cut off`);
      else because(i, `named like rsync's temporary file (.NAME.XXXXXX) but ${nameText(m[1])} is no mkstemp suffix: not temp`, NOTE);
    } else if (cats.rotated >= 0 && nm.length > 4 && nm.endsWith('.old') && !(why !== null && why[i] >= 0)) {
      const base = nm.slice(0, -4);
      const live = fileIn(parent[i], base);
      const liveLog = live !== undefined && (lab[live] === cats.live || lab[live] === cats.rotated);
      if (!liveLog && !/\.log$/i.test(base)) continue;
      let a = parent[i];
      while (a !== 0 && !BACKUP_DIR_RE.test(lastPart(a))) a = parent[a];
      if (BACKUP_DIR_RE.test(lastPart(a))) continue;
      take(i, cats.rotated, `the previous run's log${liveLog ? `, beside the live ${nameText(base)}` : ` (${nameText(base)} is a .log)`}: a rotated log, not a backup`);
    }
  }

  // 3. content: a few bytes of each candidate
  const backupMarked = (i: number) => why !== null && why[i] >= 0 && (why[i] & NOTE) === 0 && lab[i] === cats.backups;
  // the files below a directory named for core dumps, whatever their names (core_pattern's %E:
  // /var/spool/cores/!usr!bin!sleep.2183): a core dump with an ELF core header, else nothing said
  const coreNamed = new Set(cores);
  for (const i of cand.labelled) {
    if (lab[i] !== cats.hintCoreDirs) continue;
    lab[i] = -1;
    if (!free(i) || coreNamed.has(i) || cats.core < 0) continue;
    const h = head(i, ELF_HEAD);
    if (h === undefined) because(i, 'in a directory named for core dumps; its header was not read', NOTE);
    else if (h !== null && (elfCore(h) || kdumpFile(h))) {
      lab[i] = cats.core;
      because(i, `${elfCore(h) ? 'an ELF core file (e_type ET_CORE)' : "a kernel crash dump (makedumpfile's format)"} in ${dirText(parent[i])}, a directory named for core dumps: a core dump`);
    }
  }
  for (const i of cores) {
    if (lab[i] === cats.trash || backupMarked(i) || cats.core < 0) continue;
    const h = head(i, ELF_HEAD);
    if (h === undefined) because(i, 'named like a core dump; its header was not read', NOTE);
    else if (h !== null && elfCore(h)) {
      lab[i] = cats.core;
      because(i, 'an ELF core file (e_type ET_CORE): a core dump');
    } else if (h !== null && kdumpFile(h)) {
      lab[i] = cats.core;
      because(i, "a kernel crash dump (makedumpfile's " + (h[0] === 0x4b ? 'KDUMP' : 'flattened') + ' format): a core dump');
    } else because(i, `named like a core dump but ${h === null ? 'unreadable' : h.length >= 4 && h[0] === 0x7f && h[1] === 0x45 && h[2] === 0x4c && h[3] === 0x46 ? 'an ELF file of another type' : 'not an ELF file'}: not a core dump`, NOTE);
  }
  for (const i of dumps) {
    if (lab[i] === cats.trash || backupMarked(i) || cats.backups < 0) continue;
    const h = head(i, DUMP_HEAD);
    if (h === undefined) {
      because(i, 'named like a database dump; its header was not read', NOTE);
      continue;
    }
    const tool = h === null ? null : dumpTool(h, names.one(i).endsWith('.gz'));
    if (tool !== null) {
      lab[i] = cats.backups;
      because(i, `${tool} output (its header): a database dump`);
    } else because(i, `named like a database dump but without pg_dump's or mysqldump's header${h === null ? ' (unreadable)' : ''}: not a backup`, NOTE);
  }
  for (const i of volumes) {
    if (lab[i] >= 0 || cats.backups < 0) continue;
    const h = head(i, BACULA_HEAD);
    if (h === undefined) because(i, 'named like a Bacula/Bareos volume; its header was not read', NOTE);
    else if (h !== null && h.length === BACULA_HEAD && h[12] === 0x42 && h[13] === 0x42 && h[14] === 0x30 && (h[15] === 0x31 || h[15] === 0x32)) {
      lab[i] = cats.backups;
      because(i, 'a Bacula/Bareos volume (block header BB0' + String.fromCharCode(h[15]) + ')');
    }
  }

  // names that say backup, dump or snapshot, among the names no rule took that end in an archive's
  // extension or a digit (step 4's candidates: no pass of their own): backups when an archive, or
  // dated (etcd-snapshot-node1-1795305600); never code, configuration or media (backup.sh,
  // snapshot.png), a program, or in a source tree; a dump's or a core's name is decided by its
  // header (shop.dump without pg_dump's is no backup)
  const byHeader = new Set([...cores, ...dumps]);
  for (const i of sib) {
    if (lab[i] >= 0 || byHeader.has(i) || cats.backups < 0) continue;
    const nm = nameOf(i);
    if (!BACKUP_WORD_RE.test(nm) || NOT_BACKUP_EXT.test(nm) || executable(i)) continue;
    // (an archive proper; a database file only when the name says backup: redis' dump.rdb is its data)
    const archive = STRONG_ARCHIVE_RE.test(nm) || /\.(?:gz|xz|bz2|zst|lz4|tzst|iso|gpg|age|enc|zip\.aes|tar\.aes)$/.test(nm) || (/backup|bkp/i.test(nm) && ARCHIVE_RE.test(nm));
    const dated = DATE_RE.test(nm) || /(?:^|\D)1\d{9}(?:\d{3})?(?:\D|$)/.test(nm);
    if (!archive && !dated) continue;
    if (sourceTree(parent[i])) {
      because(i, `named for a backup but in a source tree (${sourceWhy(parent[i])}): not taken as backups`, NOTE);
      continue;
    }
    take(i, cats.backups, `its name says it is a backup or a dump (${nameText(nm)}), ${archive ? 'an archive' : 'with a date'}: backups`);
  }

  // test data (in a source tree, or below testdata/), and logs that are a program's data (Kafka's
  // segments, Cassandra's commit log, Dovecot's index logs, a README in /var/log): no kind
  for (const list of [cand.labelled, took]) {
    for (const i of list) {
      const k = lab[i];
      if (k < 0 || k === cats.trash) continue;
      if ((k === cats.live || k === cats.rotated) && DATA_LOG_RE.test(nameOf(i))) {
        lab[i] = -1;
        const nm = nameOf(i);
        because(
          i,
          nm.startsWith('README')
            ? 'a README in a log directory: documentation, not a log'
            : `${nm.startsWith('Commit') ? "Cassandra's commit log" : nm.startsWith('dovecot') ? "Dovecot's transaction log of its index" : 'a Kafka log segment (NNN.log)'}: the program's data, not a log to clean`,
          NOTE,
        );
        continue;
      }
      if (k === cats.live || k === cats.rotated) {
        // a log-named file in a language's packages is their data (botocore's data/logs/...json.gz)
        const t = sourceTop(parent[i]);
        if (t > 0 && !gitTops.has(t)) {
          lab[i] = -1;
          because(i, `in ${sourceWhy(parent[i])}: the package's data, not the host's log`, NOTE);
          continue;
        }
      }
      let a = parent[i];
      while (a !== 0 && !TEST_DIRS.has(nameOf(a))) a = parent[a];
      if (a === 0) continue;
      if (gitTops.size > 0 && gitTops.has(sourceTop(a))) {
        lab[i] = -1;
        because(i, `test data in ${sourceWhy(a)} (below ${dirText(a)}): not the host's data`, NOTE);
      } else if (k !== cats.temp && TEST_DATA_DIRS.has(nameOf(a))) {
        lab[i] = -1;
        because(i, `test data (below ${dirText(a)}, a directory of test inputs): not the host's data`, NOTE);
      }
    }
  }

  // 4. siblings: rotations beside their live file, series of archives
  const groups = new Map<number, number[]>();
  for (const i of sib) {
    if (lab[i] >= 0) continue;
    const p = parent[i];
    const l = groups.get(p);
    if (l) l.push(i);
    else groups.set(p, [i]);
  }
  for (const [p, files] of groups) siblings(p, files);

  function siblings(p: number, files: number[]): void {
    // (a package's file too: the live file of a copy can be a conffile, pg_hba.conf beside pg_hba.conf.1)
    // rotations: X.1, X.2.gz, X-20261120 beside X (or two of them)
    const rot = new Map<string, number[]>();
    const inRot = new Set<number>();
    for (const i of files) {
      const m = ROTATED_RE.exec(names.one(i));
      // a base ending in a digit is a version (pypy-2.0.1, idle3.10), not a rotation
      if (!m || LIB_RE.test(m[1]) || isDigit(m[1].charCodeAt(m[1].length - 1)) || executable(i)) continue;
      const l = rot.get(m[1]);
      if (l) l.push(i);
      else rot.set(m[1], [i]);
    }
    for (const [base, rs] of rot) {
      const live = fileIn(p, base);
      // logrotate numbers from 1 (0 for some): pip3.10 and pip3.11 beside pip3 are versions
      const nums = rs.map((i) => ROTATED_RE.exec(names.one(i))![2]).filter((x) => x !== undefined);
      if (nums.length && !nums.some((x) => x === '1' || x === '0')) continue;
      // beside the live file, or without it two rotations one of them compressed (logrotate's compress),
      // or one dated copy of a file with an extension, the way admins keep one (pg_hba.conf.2026-11-21)
      const datedCopy = live === undefined && rs.length === 1 && ROTATED_RE.exec(names.one(rs[0]))![3] !== undefined && HAS_EXT_RE.test(base) && !NOT_BACKUP_EXT.test(names.one(rs[0]));
      if (!datedCopy && (live === undefined || executable(live)) && (rs.length < 2 || !rs.some((i) => COMPRESSED_RE.test(names.one(i))))) continue;
      // a log's rotations: the live file is a log (a glob took it), sits in a log directory, or
      // logrotate compressed some; else numbered copies of a file (ucf's hashfile.N, site.tar.gz.1)
      const logLike =
        !NOT_LOG_BASE.test(base) && ((live !== undefined && (lab[live] === cats.live || lab[live] === cats.rotated)) || LOG_DIR_RE.test(dirPath(p)) || rs.some((i) => COMPRESSED_RE.test(names.one(i))));
      if (!logLike || ARCHIVE_RE.test(base)) {
        // copies: two or more, or one beside the file with a size within a quarter of its (a man
        // page foo.1 beside its program foo, a changelog.1 beside changelog are not copies)
        if ((live !== undefined && executable(live)) || DOC_DIR_RE.test(dirPath(p))) continue;
        if (datedCopy) {
          take(rs[0], cats.backups, `a dated copy of ${nameText(base)} in ${dirText(p)} (${nameText(names.one(rs[0]))}): backups`);
          inRot.add(rs[0]);
          continue;
        }
        if (rs.length === 1) {
          const a = tree.ownA(rs[0]);
          const b = live === undefined ? -1 : tree.ownA(live);
          if (b < 0 || Math.abs(a - b) > 0.25 * Math.max(a, b)) continue;
        }
        const text = `one of ${rs.length + (live === undefined ? 0 : 1)} numbered copies of ${nameText(base)} in ${dirText(p)} (${nameText(names.one(rs[0]))}...): backups`;
        for (const i of rs) take(i, cats.backups, text);
        if (live !== undefined && lab[live] < 0 && free(live) && ARCHIVE_RE.test(base)) take(live, cats.backups, text);
      } else {
        const text = `rotated by logrotate: ${rs.length} rotations of ${nameText(base)} in ${dirText(p)}${live === undefined ? '' : ' beside the live file'}`;
        for (const i of rs) take(i, cats.rotated, text);
        if (live !== undefined && lab[live] < 0 && free(live)) take(live, cats.live, `a live log: ${rs.length} rotations of it beside it (${nameText(names.one(rs[0]))})`);
      }
      for (const i of rs) inRot.add(i);
    }
    // series: archive names alike but for a date (two or more) or a counter (three or more), sizes alike
    const series = new Map<string, number[]>();
    for (const i of files) {
      if (inRot.has(i) || lab[i] >= 0) continue;
      const name = names.one(i);
      if (!ARCHIVE_RE.test(name)) continue;
      // (what else differs from file to file: an epoch's or a hash's long run of digits or letters)
      let key = name.replace(DATE_RE, '\0date').replace(/\d{6,}/g, '\0n').replace(/[A-Za-z0-9]{16,}/g, (r) => (/\d/.test(r) && /[A-Za-z]/.test(r) ? '\0h' : r));
      if (!key.includes('\0date')) {
        key = name;
        // a counter: only in archives proper (backup-003.tar.gz; eu-west-3.json.gz is data)
        if (!STRONG_ARCHIVE_RE.test(name)) continue;
        const m = /\d+(?!.*\d)/.exec(name);
        if (!m) continue;
        key = name.slice(0, m.index) + '\0n' + name.slice(m.index + m[0].length);
      }
      const l = series.get(key);
      if (l) l.push(i);
      else series.set(key, [i]);
    }
    for (const [key, fs] of series) {
      const dated = key.includes('\0date');
      if (fs.length < (dated ? 2 : 3)) continue;
      let lo = Infinity;
      let hi = 0;
      for (const i of fs) {
        const s = tree.ownA(i);
        lo = Math.min(lo, s);
        hi = Math.max(hi, s);
      }
      if (hi > 4 * lo + 65536) {
        for (const i of fs) because(i, `names a series (${nameText(shownKey(key))}) but the sizes differ too much (${lo} to ${hi} bytes): not taken as backups`, NOTE);
        continue;
      }
      const text = `one of a series of ${fs.length} files ${nameText(shownKey(key))} in ${dirText(p)} (sizes ${lo} to ${hi} bytes): backups`;
      for (const i of fs) take(i, cats.backups, text);
    }
  }
  /**
   * the regular file `name` (latin1 of its bytes) in directory d, a package's too; names are
   * compared by length first: a directory of thousands of files decodes no name but the one's
   */
  function fileIn(d: number, name: string): number | undefined {
    const kids = tree.children(d);
    for (let j = 0; j < kids.length; j++) {
      const k = kids[j];
      if (len[k] === name.length && isFile(k) && names.one(k) === name) return k;
    }
    return undefined;
  }
  /** a mode with an execute bit (a program, never a log); unknown modes are not */
  function executable(i: number): boolean {
    const m = tree.modeOf(i);
    return m > 0 && (m & 0o111) !== 0;
  }
  function take(i: number, cat: number, text: string): void {
    if (cat < 0) return;
    lab[i] = cat;
    because(i, text);
  }

  return {
    why: (i) => (why !== null && why[i] >= 0 ? reasons[why[i] & ~NOTE] : null),
    decided: (i) => why !== null && why[i] >= 0 && (why[i] & NOTE) === 0,
    took,
    ownedDropped,
    headersRead,
    unchecked,
  };
}

/** the extensions of names step 4 looks at (with a name ending in a digit: X.1, X-20261120) */
const SIBLING_EXT = new Set(['gz', 'xz', 'bz2', 'zst', 'lz4', 'lzma', 'Z', 'tar', 'tgz', 'tbz', 'tbz2', 'txz', 'tzst', 'zip', '7z', 'rar', 'cpio', 'sql', 'dump', 'pgdump', 'bak', 'img', 'qcow2', 'vmdk', 'vdi', 'gpg', 'age', 'enc', 'db', 'sqlite', 'sqlite3']);

const CAND_CORE = 1;
const CAND_DUMP = 2;
const CAND_DIGIT = 4;
const CAND_EXT = 8;
const CAND_TAG = 16;
/** by a name's last byte, which candidates it can be (`*.core`, dumps, digits, SIBLING_EXT, CACHEDIR.TAG) */
const LAST_BYTE = (() => {
  const t = new Uint8Array(256);
  t[0x65] |= CAND_CORE; // core, *.core
  t[0x6c] |= CAND_DUMP; // .sql
  t[0x7a] |= CAND_DUMP; // .sql.gz
  t[0x70] |= CAND_DUMP; // .dump, .pgdump
  for (let d = 0x30; d <= 0x39; d++) t[d] |= CAND_DIGIT;
  for (const e of SIBLING_EXT) t[e.charCodeAt(e.length - 1)] |= CAND_EXT;
  t[0x47] |= CAND_TAG;
  return t;
})();

/** the name's extension (after its last dot, at most 7 bytes), '' when none */
function extOf(b: Uint8Array, o: number, l: number): string {
  for (let j = o + l - 1; j >= o && j >= o + l - 8; j--) if (b[j] === 0x2e) return String.fromCharCode.apply(null, b.subarray(j + 1, o + l) as unknown as number[]);
  return '';
}

/** What refineKinds looks at, found by one pass over the names before the package files are known. */
export interface Candidates {
  /** files a glob put in a kind (a package's among them are dropped) */
  labelled: number[];
  cores: number[];
  dumps: number[];
  volumes: number[];
  tags: number[];
  /** files no glob took whose names end in a digit or an archive's extension (rotations, series) */
  sib: number[];
  gitDirs: number[];
  datedDirs: number[];
  intervalDirs: number[];
}

/** classes of candidateClasses (ncduparse.c kindsCandidates: the same bits) */
const KC_CORE = 1;
const KC_DUMP = 2;
const KC_VOLUME = 4;
const KC_SIB = 8;
const KC_TAG = 16;
const KC_LABELLED = 32;
const KC_GIT = 64;
const KC_DATED = 128;
const KC_INTERVAL = 256;
const TAG_NAME = Buffer.from('CACHEDIR.TAG');
const COREDUMP = Buffer.from('coredump');

/**
 * The entries refineKinds' checks look at, with their classes (KC_*), in index order: one flat
 * pass over every entry's name bytes (no string made). With the addon (ncduparse.c
 * kindsCandidates), the same pass in C; `native: false`: this reference loop. `owned` (the
 * package files, when known): a package's file keeps only KC_LABELLED (no check looks at it,
 * refineKinds only drops its label).
 */
export function candidateClasses(tree: Tree, names: TreeNames, fl: Uint8Array, lab: Int32Array, native = true, owned: Uint8Array | null = null): { idx: Uint32Array; cls: Uint16Array } {
  const n = tree.count;
  const addon = native ? ncduParseAddon() : null;
  if (addon !== null && typeof addon.kindsCandidates === 'function') {
    const idx = new Uint32Array(n);
    const cls = new Uint16Array(n);
    const k = addon.kindsCandidates([names.bytes, names.off, names.len, fl, lab, idx, cls, owned ?? new Uint8Array(0)], n);
    return { idx: idx.subarray(0, k), cls: cls.subarray(0, k) };
  }
  const { bytes: nb, off, len } = names;
  const idx: number[] = [];
  const cls: number[] = [];
  for (let i = 0; i < n; i++) {
    const f = fl[i] & (EF_TYPE | EF_EXCL);
    if (f !== EntryType.Dir && f !== EntryType.File) continue;
    if (f === EntryType.Dir && i === 0) continue; // (the root's name is its path)
    let o = off[i];
    let l = len[i];
    let c = 0;
    if (f === EntryType.Dir) {
      if (l === 4 && nb[o] === 0x2e && nb[o + 1] === 0x67 && nb[o + 2] === 0x69 && nb[o + 3] === 0x74) c = KC_GIT;
      else if (l >= 6 && hasDigitRun(nb, o, l, 4)) c = KC_DATED;
      else if (l >= 6 && ((nb[o + l - 1] - 0x30) >>> 0) < 10) c = KC_INTERVAL;
    } else {
      if (lab[i] >= 0) c = KC_LABELLED;
      if (i === 0) {
        // a root that is a file: its name is its path, the last part counts
        let s = l ? l - 1 : 0;
        while (s > 0 && nb[o + s - 1] !== 0x2f) s--;
        o += s;
        l -= s;
      }
      if (l > 0) {
        // (most names end in a byte no candidate ends in: one table lookup, no call)
        const want = LAST_BYTE[nb[o + l - 1]] | (nb[o] === 0x63 || nb[o] === 0x76 ? CAND_CORE : 0);
        if (want !== 0) {
          if (want & CAND_TAG && l === 12 && Buffer.compare(TAG_NAME, nb.subarray(o, o + l)) === 0) c |= KC_TAG;
          if (want & CAND_CORE && coreName(nb, o, l)) c |= KC_CORE;
          else if (want & CAND_DUMP && (endsWith(nb, o, l, '.sql') || endsWith(nb, o, l, '.sql.gz') || endsWith(nb, o, l, '.dump') || endsWith(nb, o, l, '.pgdump'))) c |= KC_DUMP;
          else if (want & CAND_DIGIT && l >= 4 && nb.subarray(o, o + l).indexOf(0x2e) < 0) c |= KC_VOLUME; // (Bacula/Bareos volume names: Vol0001, Full-0001, a label with a date)
          if (lab[i] < 0 && (want & CAND_DIGIT || (want & CAND_EXT && SIBLING_EXT.has(extOf(nb, o, l))))) c |= KC_SIB;
        }
      }
      if (owned !== null && owned[i]) c &= KC_LABELLED;
    }
    if (c !== 0) {
      idx.push(i);
      cls.push(c);
    }
  }
  return { idx: Uint32Array.from(idx), cls: Uint16Array.from(cls) };
}

/** The candidates of refineKinds' checks, by class (candidateClasses; a package's file among them only as labelled when `owned` is given). */
export function collectCandidates(tree: Tree, names: TreeNames, fl: Uint8Array, lab: Int32Array, native = true, owned: Uint8Array | null = null): Candidates {
  const { idx, cls } = candidateClasses(tree, names, fl, lab, native, owned);
  const c: Candidates = { labelled: [], cores: [], dumps: [], volumes: [], tags: [], sib: [], gitDirs: [], datedDirs: [], intervalDirs: [] };
  for (let k = 0; k < idx.length; k++) {
    const i = idx[k];
    const x = cls[k];
    if (x & KC_LABELLED) c.labelled.push(i);
    if (x & KC_TAG) c.tags.push(i);
    if (x & KC_CORE) c.cores.push(i);
    if (x & KC_DUMP) c.dumps.push(i);
    if (x & KC_VOLUME) c.volumes.push(i);
    if (x & KC_SIB) c.sib.push(i);
    if (x & KC_GIT) c.gitDirs.push(i);
    if (x & KC_DATED) c.datedDirs.push(i);
    if (x & KC_INTERVAL) c.intervalDirs.push(i);
  }
  return c;
}

/** a name in a reason (names.one's latin1 of its bytes), escaped as every name shown is (escapeName) */
const nameText = (s: string): string => escapeName(Buffer.from(s, 'latin1'));

/** a series' key as said: <date>, <n> (a counter, an epoch), <hash> */
function shownKey(key: string): string {
  return key.replace(/\0date/g, '<date>').replace(/\0n/g, '<n>').replace(/\0h/g, '<hash>');
}

function isDigit(b: number): boolean {
  return b >= 0x30 && b <= 0x39;
}

/** a run of at least k digits in the name */
function hasDigitRun(b: Uint8Array, o: number, l: number, k: number): boolean {
  let run = 0;
  for (let j = o, e = o + l; j < e; j++) {
    // (inline: this runs once per directory, before V8 has optimized anything)
    if (((b[j] - 0x30) >>> 0) < 10) {
      if (++run >= k) return true;
    } else run = 0;
  }
  return false;
}

function endsWith(b: Uint8Array, o: number, l: number, s: string): boolean {
  if (l < s.length) return false;
  for (let j = 0; j < s.length; j++) if (b[o + l - s.length + j] !== s.charCodeAt(j)) return false;
  return true;
}

/**
 * The names core_pattern makes and kdump's: `core`, `core.*`, `core-*` (core.%p, core.%e.%p,
 * core-%e-%p-%t), `*.core`, `vmcore*`; valgrind's `vgcore.*`, `coredump`, `coredump-*`, `coredump.*`. Only a
 * candidate: the header decides (core.5.gz, a man page, is not one).
 */
function coreName(b: Uint8Array, o: number, l: number): boolean {
  if (l >= 4 && b[o] === 0x63 && b[o + 1] === 0x6f && b[o + 2] === 0x72 && b[o + 3] === 0x65) {
    if (l === 4 || b[o + 4] === 0x2e || b[o + 4] === 0x2d) return true;
  }
  if (l >= 6 && b[o] === 0x76 && b[o + 1] === 0x6d && b[o + 2] === 0x63 && b[o + 3] === 0x6f && b[o + 4] === 0x72 && b[o + 5] === 0x65) return true;
  // valgrind's vgcore.PID, abrt's problem directory's `coredump`, `coredumpctl dump -o coredump-PID`
  if (l >= 7 && b[o] === 0x76 && b[o + 1] === 0x67 && b[o + 2] === 0x63 && b[o + 3] === 0x6f && b[o + 4] === 0x72 && b[o + 5] === 0x65 && b[o + 6] === 0x2e) return true;
  if (l >= 8 && b[o] === 0x63 && Buffer.compare(COREDUMP, b.subarray(o, o + 8)) === 0 && (l === 8 || b[o + 8] === 0x2d || b[o + 8] === 0x2e)) return true;
  return l > 5 && endsWith(b, o, l, '.core');
}

/** makedumpfile's output (kdump's vmcore): its compressed format ("KDUMP   ") or its flattened one ("makedumpfile") */
export function kdumpFile(h: Uint8Array): boolean {
  const t = Buffer.from(h.buffer, h.byteOffset, Math.min(h.length, 12)).toString('latin1');
  return t.startsWith('KDUMP   ') || t === 'makedumpfile';
}

/**
 * An ELF header whose e_type (bytes 16-17, in the byte order EI_DATA says) is ET_CORE (4): the
 * kernel's and gcore's core files (elf(5)).
 */
export function elfCore(h: Uint8Array): boolean {
  if (h.length < ELF_HEAD || h[0] !== 0x7f || h[1] !== 0x45 || h[2] !== 0x4c || h[3] !== 0x46) return false;
  if (h[4] !== 1 && h[4] !== 2) return false;
  const type = h[5] === 1 ? h[16] | (h[17] << 8) : h[5] === 2 ? (h[16] << 8) | h[17] : -1;
  return type === 4;
}

/**
 * Which tool wrote this dump, from its first bytes (gunzipped first when `gz`): pg_dump's custom
 * format starts with "PGDMP"; its plain output and pg_dumpall's have "-- PostgreSQL database dump"
 * or "-- PostgreSQL database cluster dump" in the first lines; mysqldump's "-- MySQL dump" or
 * "-- MariaDB dump". null for anything else.
 */
export function dumpTool(h: Buffer, gz: boolean): string | null {
  let b = h;
  if (gz) {
    if (h.length < 2 || h[0] !== 0x1f || h[1] !== 0x8b) return null;
    try {
      // (the first KiB: deflate expands at most 1032 times, so no more than ~1 MiB comes out, never
      // past the limit; a first line is always in it)
      b = zlib.gunzipSync(h.subarray(0, 1024), { finishFlush: zlib.constants.Z_SYNC_FLUSH, maxOutputLength: 2 << 20 });
    } catch {
      return null;
    }
  }
  if (b.length >= 5 && b.toString('latin1', 0, 5) === 'PGDMP') return 'pg_dump (custom format)';
  const t = b.toString('latin1', 0, Math.min(b.length, DUMP_HEAD));
  if (/^-- PostgreSQL database (?:cluster )?dump/m.test(t)) return /cluster/.test(t) ? 'pg_dumpall' : 'pg_dump';
  if (/^-- (?:MySQL|MariaDB) dump/m.test(t)) return 'mysqldump';
  return null;
}

/**
 * Whether two of the dated directories hold the same inode (a hard link between them: what rsync
 * --link-dest and rsnapshot make), looking at most LINKDEST_WALK entries LINKDEST_DEPTH levels deep
 * below each. Returns an example's description, or null.
 */
function sharedInode(tree: Tree, dirs: number[], fl: Uint8Array): string | null {
  const seen = new Map<string, number>();
  for (let di = 0; di < dirs.length; di++) {
    let walked = 0;
    const st: [number, number][] = [[dirs[di], 0]];
    while (st.length && walked < LINKDEST_WALK) {
      const [k, depth] = st.pop()!;
      for (const c of tree.children(k)) {
        if (++walked > LINKDEST_WALK) break;
        const t = fl[c] & (EF_TYPE | EF_EXCL);
        if (t === EntryType.Dir && depth + 1 < LINKDEST_DEPTH) st.push([c, depth + 1]);
        else if (t === EntryType.File && tree.isHardlink(c)) {
          const key = tree.devOf(c) + ':' + tree.inoOf(c);
          const other = seen.get(key);
          if (other !== undefined && other !== di) return `inode ${tree.inoOf(c)} in two of them`;
          if (other === undefined) seen.set(key, di);
        }
      }
    }
  }
  return null;
}
