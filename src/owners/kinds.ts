/**
 * Kinds of data: backups, logs, caches, core dumps, trash, temp files. Each category is a list of
 * globs (picomatch, dot: true): a glob without a `/` is matched against the file's name, one with a
 * `/` against its path from the filesystem root (a leading `/` is optional). Plus directory
 * recognisers (restic and borg repositories). The first category that matches a file wins.
 *
 * Matching is one depth-first pass with no per-file regular expression in the common case:
 *  - name globs are split into exact names (by length), `*suffix` globs (by the last character)
 *    and the rest (regular expressions behind a required-substring check);
 *  - path globs `D/**`, `D/B` and `D/** /B` are evaluated once per directory (is this directory D, or
 *    below it?) and leave a per-directory context: a category forced on everything below, or name
 *    globs B active in it. Directory globs are only tried on directories whose name can match D's last
 *    part (a map of literal last parts).
 * Globs that cannot be split that way (a `/` inside braces) fall back to matching the whole path.
 *
 * With the addon (ncduparse.c), flat passes in C do what needs no rule's logic (MarkedWalk): marking
 * the few names that could pass a name test (the literals above), listing the directories in the
 * walk's order, and summing the files a directory's forced category takes; the walk here then
 * makes a string only of the names it tests. The walk without it (Walk) is the reference.
 *
 * Paths are latin1 strings of their raw bytes while matching (globs are converted to the same form),
 * and decoded as UTF-8 (lossy) for the items reported.
 */
import fs from 'node:fs';
import { FileTooLargeError, readFileCapped } from '../util/read.js';
import { readErrorText } from '../util/read-error.js';
import { readHead } from '../util/head.js';
import { ARCHIVE_RE, collectCandidates, refineKinds, type Candidates } from './kinds-trust.js';
import path from 'node:path';
import picomatch from 'picomatch';
import { jsonName } from '../util/escape.js';
import type { ChildSpan, Tree } from '../tree/tree.js';
import { ncduParseAddon } from '../import/native-parse.js';
import { EntryType } from '../model/entry.js';
import type { Category, CategoryItem } from './types.js';
import { UserError } from '../util/errors.js';
import { checkInputFile } from '../util/input.js';
import { escapeName } from '../util/escape.js';
import { absentAtUsualPlace, configDir } from '../util/configdir.js';
import { EF_EXCL, EF_TYPE, entryFlags, relabel, treeNames, treeRootPath, type TreeNames } from './packages.js';

/** directory recognisers: every file below a matching directory belongs to the category */
export type Marker = 'restic' | 'borg';

export interface CategoryRule {
  name: string;
  /** without a `/`: matched against the name; with one: against the path from `/` */
  patterns: string[];
  /** more patterns that count only outside the directories `notUnder` matches (and below them) */
  guarded?: { patterns: string[]; notUnder: string[] };
  markers?: Marker[];
}

/** categories in the order they are tried */
export interface Rules {
  categories: CategoryRule[];
}

/** a WAL segment's name: 24 hex digits (timeline, log, segment; a timeline below 65536: 0000 first) */
const WAL = '0000' + '[0-9A-F]'.repeat(20);
/** rsync's temporary file: `.NAME.` and mkstemp's six letters and digits (rsync's receiver.c get_tmpname) */
const RSYNC_TMP = '.?*.' + '[A-Za-z0-9]'.repeat(6);

/**
 * The kinds an operator would name, by name and location. kinds-trust.ts then checks them against
 * the files (package files out, marks, headers, siblings): a file named `core` is a core dump only
 * with an ELF core header, a `*.sql` a backup only with a dump's header, a lone archive is no backup.
 * The README's table "Kinds of data" lists both.
 */
export const BUILTIN_RULES: Rules = deepFreeze({
  categories: [
    // where systemd-coredump, apport and kdump keep them; `core*`, `vmcore*`, `*.core` by content (kinds-trust.ts)
    // (and abrt's problem directories on RHEL, libvirt's dumps of crashed guests)
    { name: 'core dumps', patterns: ['/var/lib/systemd/coredump/**', '/var/crash/**', '/var/lib/apport/coredump/**', '/var/spool/abrt/**', '/var/tmp/abrt/**', '/var/lib/libvirt/qemu/dump/**'] },
    {
      name: 'trash',
      // freedesktop.org's home and per-volume trash ($topdir/.Trash/$uid, .Trash-$uid), macOS's, Nextcloud's, Samba's recycle bin
      // and Windows' on a mounted NTFS or FAT volume ($RECYCLE.BIN/SID/$R..., XP's RECYCLER), Synology's and QNAP's
      patterns: ['**/.Trash-*/**', '**/.local/share/Trash/**', '**/.Trash/**', '**/.Trashes/**', '**/files_trashbin/**', '**/.recycle/**', '**/$RECYCLE.BIN/**', '**/RECYCLER/**', '**/#recycle/**', '**/@Recycle/**'],
    },
    {
      name: 'backups',
      patterns: [
        // editors', admins' and package managers' leftovers
        '*.bak',
        '*.orig',
        '*_orig',
        '*.backup',
        '*.bkp',
        '*.save',
        // (not a dotfile named .pre-...: pre-commit's .pre-commit-hooks.yaml)
        '?*.pre-*',
        // DKMS' initramfs before a rebuild, do-release-upgrade's sources lists
        '*.old-dkms',
        '*.distUpgrade',
        '*.dpkg-old',
        '*.dpkg-dist',
        '*.dpkg-bak',
        '*.ucf-old',
        '*.ucf-dist',
        // rpm's: the admin's edited file kept when the package went or changed it, the file it found
        '*.rpmsave',
        '*.rpmorig',
        '*.rpmnew',
        // shadow's tools keep the previous file with a '-'; dpkg its databases with '-old'
        '/etc/passwd-',
        '/etc/group-',
        '/etc/shadow-',
        '/etc/gshadow-',
        '/etc/subuid-',
        '/etc/subgid-',
        '/var/lib/dpkg/*-old',
        '/var/backups/**',
        // LVM's metadata archive and backup
        '/etc/lvm/archive/**',
        '/etc/lvm/backup/**',
        // Timeshift's rsync and btrfs snapshots
        '**/timeshift/snapshots/**',
        '**/timeshift-btrfs/snapshots/**',
        // Proxmox's vzdump, GitLab's, WordPress plugins' (UpdraftPlus, All-in-One WP Migration), Amanda's holding disk and vtapes, pgBackRest's repository
        '/var/lib/vz/dump/**',
        'vzdump-*',
        '*_gitlab_backup.tar',
        '/var/opt/gitlab/backups/**',
        '**/wp-content/updraft/**',
        '**/wp-content/ai1wm-backups/**',
        '*.wpress',
        '/var/lib/amanda/holding/**',
        '/var/lib/amanda/vtapes/**',
        '/var/lib/pgbackrest/**',
        // BackupPC's pool and hosts, Plesk's backups, k3s' and RKE2's etcd snapshots, Duplicati's volumes,
        // Cassandra's snapshots (nodetool snapshot: hard links kept until clearsnapshot)
        '/var/lib/backuppc/**',
        '/var/lib/BackupPC/**',
        // Time Machine's bundles on a share, WAL-G's base backups and WAL archive, ClickHouse's FREEZE
        // (shadow/), Prometheus' snapshots (admin API), libvirt's saved guests
        '**/*.sparsebundle/**',
        '**/*.backupbundle/**',
        '**/basebackups_005/**',
        '**/wal_005/**',
        '/var/lib/clickhouse/shadow/**',
        '/var/lib/prometheus/**/snapshots/**',
        '/var/lib/psa/dumps/**',
        '**/server/db/snapshots/**',
        'duplicati-*.zip.aes',
        'duplicati-*.zip',
        '/var/lib/cassandra/data/**/snapshots/**',
        // Clonezilla's image repository
        '/home/partimag/**',
        // Veeam's full and incremental backup files and metadata
        '*.vbk',
        '*.vib',
        '*.vrb',
        '*.vbm',
      ],
      // editors' backups, *.old and duplicity's volumes, but for journald's and the system's log
      // directories (system.journal~, Xorg.0.log.old: logs) and ~/.cache (duplicity's archive dir: a cache)
      // and archived WAL segments (24 hex digits), but for PostgreSQL's own pg_wal (its live data)
      guarded: {
        patterns: ['*~', '*.old', '*.OLD', '?*.old.*', 'duplicity-full.*', 'duplicity-inc.*', 'duplicity-full-signatures.*', 'duplicity-new-signatures.*', WAL, WAL + '.partial', WAL + '.gz', WAL + '.zst', WAL + '.lz4', WAL + '.*.backup'],
        notUnder: ['/var/log', '/run/log/journal', '.cache', 'pg_wal', 'pg_xlog'],
      },
      markers: ['restic', 'borg'],
    },
    {
      name: 'rotated logs',
      patterns: [
        '*.log.[0-9]*',
        '*.log.*.gz',
        '*.log.gz',
        '*.log.xz',
        '*.log.zst',
        '*.log.bz2',
        '*.log-[0-9]*',
        '**/log/**/*.[0-9].gz',
        '**/logs/**/*.gz',
        // Plesk's logs counted by its statistics, rotated (access_log.processed.1.gz)
        '*_log.processed.*',
        '/var/log/**/*.gz',
        '/var/log/**/*.[0-9]',
        '/var/log/**/*.old',
        // logrotate's dateext (messages-20240101)
        '/var/log/**/*-[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]',
        // journald's archived and dirty files (system@....journal, *.journal~)
        '*@*.journal',
        '*.journal~',
      ],
    },
    {
      name: 'live logs',
      patterns: [
        '*.log',
        '*.journal',
        '/var/log/**',
        // Tomcat's catalina.out and access logs, nohup's output, Apache's error_log/access_log (RHEL's
        // names), the X session's log, PostgreSQL's csvlog, Jenkins' build logs, MySQL's error log
        'catalina.out',
        'nohup.out',
        '*_access_log.*.txt',
        'error_log',
        'access_log',
        // Plesk's per-domain logs (access_ssl_log, proxy_error_log, their .processed), cPanel's domlogs,
        // text logs in a logs directory (Steam's, games', tools')
        '*access_log',
        '*access_ssl_log',
        '*error_log',
        '*_log.processed',
        '**/domlogs/**',
        '**/logs/*.txt',
        '**/log/*.txt',
        // programs' console output kept in a logs directory (ZooKeeper's zookeeper-USER-server-HOST.out), GNU screen's -L
        '**/logs/*.out',
        '**/log/*.out',
        'screenlog.[0-9]*',
        '.xsession-errors',
        '**/log/postgresql-*.csv',
        '**/pg_log/**',
        '**/builds/**/log',
        '/var/lib/mysql/*.err',
      ],
    },
    {
      name: 'caches',
      patterns: [
        '**/.cache/**',
        '/var/cache/**',
        '**/.npm/_cacache/**',
        '**/node_modules/.cache/**',
        '**/.gradle/caches/**',
        '**/.gradle/wrapper/dists/**',
        '**/.m2/repository/**',
        '**/.cargo/registry/**',
        '**/.cargo/git/**',
        '**/.ccache/**',
        '**/go/pkg/mod/**',
        '/usr/local/share/.cache/**',
        '/var/lib/docker/buildkit/**',
        // pnpm's and yarn's stores, Composer, NuGet, conda's packages
        '**/.local/share/pnpm/store/**',
        '**/.pnpm-store/**',
        '**/.yarn/berry/cache/**',
        '**/.yarn/cache/**',
        '**/.composer/cache/**',
        '**/.nuget/packages/**',
        '**/conda/pkgs/**',
        '**/anaconda3/pkgs/**',
        '**/miniconda3/pkgs/**',
        '**/.conda/pkgs/**',
        // Chrome's and Electron apps' caches under ~/.config
        '**/.config/**/Cache/**',
        '**/.config/**/Code Cache/**',
        '**/.config/**/GPUCache/**',
        '**/.config/**/CachedData/**',
        '**/.config/**/CacheStorage/**',
        // thumbnails (the old place), build tools' caches
        '**/.thumbnails/**',
        '.eslintcache',
        '**/.next/cache/**',
        // apt's package lists, snapd's downloads, Nextcloud's previews
        '/var/lib/apt/lists/*',
        '/var/lib/snapd/cache/**',
        '**/appdata_*/preview/**',
        // fontconfig's old per-user place, Windows' thumbnails on a share, Vite's pre-bundling, the GitHub
        // runner's tool cache, Squid's cache_dir, Dovecot's cache file, Drupal's compiled Twig
        '**/.fontconfig/**',
        'Thumbs.db',
        '**/node_modules/.vite/**',
        '**/_work/_tool/**',
        '/var/spool/squid/**',
        '/var/spool/squid3/**',
        'dovecot.index.cache',
        // cabal's and SDKMAN's downloads, result and icon caches (*.cache: .phpunit.result.cache, icon-theme.cache)
        '**/.cabal/packages/**',
        '**/.sdkman/archives/**',
        '*.cache',
        'dovecot.list.index.cache',
        '**/files/php/twig/**',
      ],
      // Python's bytecode, but for the system's (/usr: what the packages' postinst compiled, theirs)
      guarded: { patterns: ['**/__pycache__/**'], notUnder: ['/usr'] },
    },
    {
      name: 'temp',
      patterns: [
        '/tmp/**',
        '/var/tmp/**',
        '*.temp',
        // editors' swap and lock files, partial downloads (browsers, qBittorrent, curl/wget -c, WinSCP),
        // sed -i's temp, GIO's atomic writes (.goutputstream-XXXXXX), FUSE's files deleted while open
        '*.swp',
        '*.swo',
        '*.kate-swp',
        '.~lock.*#',
        '#*#',
        '*.part',
        '*.crdownload',
        '*.!qB',
        '*.filepart',
        'sed[A-Za-z0-9][A-Za-z0-9][A-Za-z0-9][A-Za-z0-9][A-Za-z0-9][A-Za-z0-9]',
        '.goutputstream-*',
        '.fuse_hidden*',
        // JetBrains IDEs' safe write, Office's owner file, aria2's control file, rpm's file being
        // installed (NAME;HEX), MySQL's intermediate tables of an ALTER (#sql-...), redis' BGSAVE file
        '*___jb_tmp___',
        '*___jb_old___',
        '~$*',
        '*.aria2',
        '*;' + '[0-9a-f]'.repeat(8),
        '#sql-*',
        '#sql2-*',
        'temp-*.rdb',
        // nginx's buffered bodies (Debian), containerd's and Steam's downloads in progress
        '/var/lib/nginx/**',
        // InnoDB's temporary tablespace, yt-dlp's and snapd's downloads in progress, Exim's scan dirs
        'ibtmp1',
        '*.ytdl',
        '*.partial',
        '/var/spool/exim4/scan/**',
        '/var/spool/exim/scan/**',
        '**/io.containerd.content.v1.content/ingest/**',
        '**/steamapps/downloading/**',
      ],
      // but for write-ahead logs' directories: etcd's preallocated next segment (member/wal/0.tmp) is its data
      guarded: { patterns: ['*.tmp'], notUnder: ['wal'] },
    },
  ],
});

/**
 * Hints for kinds-trust.ts, matched by the same pass after every category (so that a file a
 * category takes is not one): their files are not counted as such, the checks decide. `backup
 * dirs`: files below a directory named for backups (not in a source tree); `backup marks`: the
 * files backup tools leave in their backups (the directory holding one is a backup); `temp names`:
 * names of temp files that a check of the name confirms (rsync's .NAME.XXXXXX).
 */
export const TRUST_HINTS: CategoryRule[] = [
  {
    name: '\0backup dirs',
    patterns: [
      '**/*backup/**',
      '**/*backups/**',
      '**/*Backup/**',
      '**/*Backups/**',
      '**/backup[-_.]*/**',
      '**/backups[-_.]*/**',
      '**/Backup[-_.]*/**',
      '**/Backups[-_.]*/**',
      // snapshots kept (consul's, vault's, Prometheus', snapper's .snapshots; not containerd's snapshotter: kinds-trust.ts)
      '**/*snapshots/**',
      '**/*Snapshots/**',
    ],
  },
  // (cache as a word: not memcache/ or elasticache/, code directories of those services' clients)
  {
    name: '\0cache dirs',
    patterns: ['**/cache/**', '**/caches/**', '**/Cache/**', '**/Caches/**', '**/*[-_.]cache/**', '**/*[-_.]caches/**', '**/*[-_.]Cache/**', '**/appcache/**', '**/depotcache/**', '**/shadercache/**'],
  },
  {
    name: '\0backup marks',
    patterns: [
      'xtrabackup_checkpoints',
      'backup_label',
      'backup_manifest',
      'backup.manifest',
      'backup.info',
      'kopia.repository.f',
      'index.latest',
      'clonezilla-img',
      '*.bson',
      '*.bson.gz',
      '**/rdiff-backup-data/**',
      // Proxmox Backup Server's datastore (.chunks/XXXX/SHA256), bup's multi-index (objects/pack/*.midx)
      '**/.chunks/**',
      '*.midx',
      // mydumper's and pg_dump's directory format (their content says)
      'metadata',
      'toc.dat',
    ],
  },
  // directories of temp files (tmp, temp, .tmp, _temp, pgsql_tmp, Jenkins' WORKSPACE@tmp), as the
  // cache dirs: not in a source tree, not where a package installed files
  // (and rsync's --partial-dir, dpkg's tmp.ci, GitLab Runner's PROJECT.tmp, MongoDB's _tmp)
  {
    name: '\0temp dirs',
    patterns: ['**/tmp/**', '**/temp/**', '**/.tmp/**', '**/.temp/**', '**/_temp/**', '**/_tmp/**', '**/*_tmp/**', '**/*_temp/**', '**/*@tmp/**', '**/.rsync-partial/**', '**/tmp.*/**', '**/*.tmp/**'],
  },
  // directories of core dumps (core_pattern /var/spool/cores/%E.%p...): ELF cores there whatever their name
  { name: '\0core dirs', patterns: ['**/cores/**', '**/coredumps/**', '**/core-dumps/**', '**/crash/**', '**/crashes/**'] },
  // rsync's file in transfer (.NAME.XXXXXX): temp when the six look random (kinds-trust.ts randomSix)
  { name: '\0temp names', patterns: [RSYNC_TMP] },
];

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object') {
    for (const v of Object.values(o)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}

// ------------------------------------------------------------------------------------------------ config

/**
 * the rules file used when none is named: $XDG_CONFIG_HOME/diskblame/rules.json or ~/.config/...;
 * null when there is neither (no XDG_CONFIG_HOME and no home: the built-in rules)
 */
export function defaultRulesPath(): string | null {
  const dir = configDir();
  return dir === null ? null : path.join(dir, 'rules.json');
}

/**
 * The built-in rules, changed by a user's rules file:
 *   { "categories": [{ "name": "...", "patterns": ["glob", ...], "replace"?: boolean }] }
 * A category with a built-in's name adds its patterns to it (with `replace: true`, they replace the
 * built-in's patterns, guarded patterns and directory recognisers); a new name adds a category,
 * tried before the built-ins (in the file's order). With no path, a missing default file means the
 * built-ins; a named file must exist. Any problem throws a one-line UserError naming the file.
 */
/** the largest rules file read (a rules file is a few KiB; /dev/zero must not fill memory) */
export const RULES_MAX = 1 << 20;

export function loadRules(configPath?: string): Rules {
  const file = configPath ?? defaultRulesPath();
  if (file === null) return cloneRules(BUILTIN_RULES);
  checkInputFile(file, `rules file ${escapeName(file)}`); // a directory, /dev/null, /dev/zero: not read
  let text: string;
  try {
    text = readFileCapped(file, RULES_MAX, 'utf8');
  } catch (e) {
    if (configPath === undefined && absentAtUsualPlace(file, (e as NodeJS.ErrnoException).code)) return cloneRules(BUILTIN_RULES);
    throw new UserError(`rules file ${file}: ${e instanceof FileTooLargeError ? e.message : `cannot read it (${readErrorText(e)})`}`);
  }
  const bad = (what: string): never => {
    throw new UserError(`rules file ${file}: ${what}`);
  };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    bad(`not valid JSON (${oneLine((e as Error).message)})`);
  }
  if (!json || typeof json !== 'object' || Array.isArray(json)) bad('expected an object like {"categories": [...]}');
  const top = json as Record<string, unknown>;
  for (const k of Object.keys(top)) if (k !== 'categories') bad(`unknown key "${oneLine(k)}" (expected "categories")`);
  const cats = top.categories;
  if (!Array.isArray(cats)) bad('"categories" must be an array');
  const rules = cloneRules(BUILTIN_RULES);
  const added: CategoryRule[] = [];
  (cats as unknown[]).forEach((c, i) => {
    const at = `categories[${i}]`;
    if (!c || typeof c !== 'object' || Array.isArray(c)) bad(`${at} must be an object with "name" and "patterns"`);
    const o = c as Record<string, unknown>;
    for (const k of Object.keys(o))
      if (k !== 'name' && k !== 'patterns' && k !== 'replace') bad(`${at}: unknown key "${oneLine(k)}" (expected name, patterns, replace)`);
    if (typeof o.name !== 'string' || !o.name.trim()) bad(`${at}: "name" must be a non-empty string`);
    if (!Array.isArray(o.patterns) || !o.patterns.every((p) => typeof p === 'string' && p !== ''))
      bad(`${at} (${oneLine(String(o.name))}): "patterns" must be an array of non-empty strings`);
    if (o.replace !== undefined && typeof o.replace !== 'boolean') bad(`${at} (${oneLine(String(o.name))}): "replace" must be true or false`);
    const name = (o.name as string).trim();
    const patterns = o.patterns as string[];
    for (const p of patterns) {
      try {
        picomatch.makeRe(p, { dot: true });
      } catch (e) {
        bad(`${at} (${oneLine(name)}): bad pattern ${JSON.stringify(p)}: ${oneLine((e as Error).message)}`);
      }
      if (repeatsRepetition(p))
        bad(`${at} (${oneLine(name)}): bad pattern ${JSON.stringify(p)}: a group repeated by *(...) or +(...) holds only characters and classes, no *, ?, |, braces or group of its own (matching such a repeat of a repeat can take exponential time)`);
    }
    const old = rules.categories.find((r) => r.name === name) ?? added.find((r) => r.name === name);
    if (old) {
      if (o.replace) {
        old.patterns = [...patterns];
        delete old.guarded;
        delete old.markers;
      } else old.patterns.push(...patterns);
    } else added.push({ name, patterns: [...patterns] });
  });
  rules.categories.unshift(...added);
  return rules;
}

/**
 * Whether a glob has an extglob repeat (`*(...)`, `+(...)`) of something that repeats or chooses
 * (`*(*)`, `+(a|aa)`): picomatch makes it a nested quantifier, `(?:[^/]*?)*`, which backtracks
 * exponentially in the name's length (`*(*)a**b` against 26 a's: 0.1 s, 40: hours).
 */
function repeatsRepetition(glob: string): boolean {
  for (let i = 0; i + 1 < glob.length; i++) {
    const c = glob[i];
    if (c === '\\') i++;
    else if ((c === '*' || c === '+') && glob[i + 1] === '(') {
      let depth = 1;
      for (let j = i + 2; j < glob.length && depth > 0; j++) {
        const d = glob[j];
        if (d === '\\') j++;
        else if (d === ')') depth--;
        else if (d === '(' || d === '*' || d === '?' || d === '|' || d === '+' || d === '{') return true;
      }
    }
  }
  return false;
}

function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

function cloneRules(r: Rules): Rules {
  return {
    categories: r.categories.map((c) => ({
      name: c.name,
      patterns: [...c.patterns],
      ...(c.guarded ? { guarded: { patterns: [...c.guarded.patterns], notUnder: [...c.guarded.notUnder] } } : {}),
      ...(c.markers ? { markers: [...c.markers] } : {}),
    })),
  };
}

// ------------------------------------------------------------------------------------------------ compiling

/** no category (a small integer: V8 keeps it, and the Ctx fields holding it, unboxed) */
const NO_CAT = 0x3fffffff;
const GLOB_CHARS = /[*?[\]{}()!+@\\|]/;

/** a test on a name (no `/`) */
interface NameTest {
  cat: number;
  /** index of the guard that can switch it off, -1: none */
  guard: number;
  test: (name: string) => boolean;
}

interface Effect {
  kind: 'force' | 'names' | 'suppress';
  cat: number;
  guard: number;
  /** for 'names' */
  test: NameTest | null;
  /** applies to the matched directory and everything below (else to its own files only) */
  deep: boolean;
}

/** "is this directory D": tried on directories whose name passes `last` */
interface DirRule {
  /** the whole directory path (relative to `/`, no leading slash); null: the name test decides */
  full: ((rel: string) => boolean) | null;
  effect: Effect;
}

interface Compiled {
  names: string[];
  /** exact names, by length (sorted by category) */
  exact: ({ name: string; cat: number; guard: number }[] | undefined)[];
  /** `*suffix` globs, by the suffix's last char code (0-255: latin1) */
  suffix: ({ suffix: string; cat: number; guard: number }[] | null)[];
  /** other name globs, grouped by a literal every match starts with (`prefix`) or contains (`lit`) */
  other: OtherGroup[];
  /** directory rules by the literal last part of D */
  dirByName: Map<string, DirRule[]>;
  /** directory rules whose last part is a glob */
  dirByGlob: { re: Matcher; prefix: string | null; lit: string | null; rule: DirRule }[];
  /** rules for `/` itself */
  rootRules: DirRule[];
  /** globs matched against whole paths (those that could not be split) */
  pathTests: { cat: number; guard: number; test: (rel: string) => boolean }[];
  /** category index of each marker, NO_CAT when unused */
  restic: number;
  borg: number;
}

interface OtherGroup {
  prefix: string | null;
  lit: string | null;

  items: { cat: number; guard: number; re: Matcher }[];
  /** the smallest cat of the items */
  cat: number;
}

/** a glob's text in the latin1-of-UTF-8 form the paths are matched in */
function toBytesForm(s: string): string {
  return Buffer.from(s, 'utf8').toString('latin1');
}

/** what a glob is tested with: a regular expression, or StarGlob */
interface Matcher {
  test(s: string): boolean;
}

function makeRe(glob: string): Matcher {
  const re = picomatch.makeRe(glob, { dot: true });
  if (!/\*[^*/]+\*/.test(glob)) return re;
  if (STAR_GLOB.test(glob)) return new StarGlob(glob, re);
  const parts = glob.split('/');
  return parts.every((p) => p !== '' && p !== '.' && p !== '..' && p !== '**' && (STAR_GLOB.test(p) || !GLOB_CHARS.test(p))) ? new PathGlob(parts) : re;
}

/**
 * A path glob whose parts are literals or StarGlob's globs (no `**`, `.`, `..` or empty part), as
 * picomatch matches it: as many parts in the path, each matching its own (StarGlob's time bound).
 */
class PathGlob implements Matcher {
  private readonly parts: (string | Matcher)[];
  constructor(parts: string[]) {
    this.parts = parts.map((p) => (GLOB_CHARS.test(p) ? new StarGlob(p, picomatch.makeRe(p, { dot: true })) : p));
  }
  test(s: string): boolean {
    const got = s.split('/');
    const parts = this.parts;
    if (got.length !== parts.length) return false;
    for (let k = 0; k < parts.length; k++) {
      const p = parts[k];
      if (typeof p === 'string' ? p !== got[k] : !p.test(got[k])) return false;
    }
    return true;
  }
}

/** a glob of literal characters, `*` and `?` only, with no `/` */
const STAR_GLOB = /^[^*?[\]{}()!+@\\|/]*(?:[*?][^*?[\]{}()!+@\\|/]*)+$/;

/**
 * A glob of two `*`s or more with something between them (`*a*b*`, `*-*.log`), matched as picomatch's
 * expression would match it (dot: true: `*` any run of characters but `/`, `?` one of them) in time
 * at most the glob's length times the string's: picomatch's expression backtracks, polynomially in
 * the `*`s (a 60-character name against `*a*a*a*a*a*a*a*a*b` took 105 s). '', '.' and '..' (never a
 * name) are left to the expression; as it, a name starting with a line break passes no glob starting
 * with `*` or `?` (its `(?=.)`).
 */
class StarGlob implements Matcher {
  /** picomatch's expression starts with (?=.) (a glob starting with `*` or `?`): no match starts with \n or \r */
  private readonly lineStart: boolean;
  constructor(
    private readonly glob: string,
    private readonly re: RegExp,
  ) {
    this.lineStart = re.source.includes('(?=.)');
  }
  test(s: string): boolean {
    if (s.length < 3 && (s === '' || s === '.' || s === '..')) return this.re.test(s);
    if (s.includes('/')) return false;
    if (this.lineStart && (s.charCodeAt(0) === 0x0a || s.charCodeAt(0) === 0x0d)) return false;
    const p = this.glob;
    let i = 0;
    let j = 0;
    let star = -1;
    let from = 0;
    while (j < s.length) {
      const c = i < p.length ? p.charCodeAt(i) : -1;
      if (c === 0x2a) {
        star = ++i;
        from = j;
      } else if (c === 0x3f || (c === s.charCodeAt(j) && c >= 0)) {
        i++;
        j++;
      } else if (star >= 0) {
        i = star;
        j = ++from;
      } else return false;
    }
    while (i < p.length && p.charCodeAt(i) === 0x2a) i++;
    return i === p.length;
  }
}

/** the longest run of literal characters every match must contain, or null */
function requiredLiteral(glob: string): string | null {
  if (glob.startsWith('!')) return null;
  let best = '';
  let cur = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '[' || c === '{' || c === '(') {
      const close = c === '[' ? ']' : c === '{' ? '}' : ')';
      let depth = 1;
      let j = i + 1;
      for (; j < glob.length && depth > 0; j++) {
        if (glob[j] === '\\') j++;
        else if (glob[j] === c) depth++;
        else if (glob[j] === close) depth--;
      }
      i = j - 1;
      if (cur.length > best.length) best = cur;
      cur = '';
      // an extglob's leading ?, *, +, @, ! was already cut
    } else if (c === '\\' || GLOB_CHARS.test(c)) {
      if (c === '\\') i++;
      if (cur.length > best.length) best = cur;
      cur = '';
    } else cur += c;
  }
  if (cur.length > best.length) best = cur;
  return best || null;
}

/** what every match of a glob starts with (2 chars or more), else a run of chars it contains */
function literals(glob: string): [prefix: string | null, lit: string | null] {
  const lead = glob.startsWith('!') ? '' : /^[^*?[\]{}()!+@\\|]*/.exec(glob)![0];
  // (a lone `.` is a prefix too: dotfiles are few, while a name with a dot somewhere is nearly
  // every file: rsync's `.?*.XXXXXX` as a literal "." made /usr's kinds pass 130 ms slower)
  if (lead.length >= 2 || lead === '.') return [lead, null];
  return [null, requiredLiteral(glob)];
}

/** the index of the last `/` outside brackets, braces and parentheses; -2 when a `/` is inside one */
function lastTopSlash(glob: string): number {
  let depth = 0;
  let last = -1;
  let inner = false;
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '\\') i++;
    else if (c === '[' || c === '{' || c === '(') depth++;
    else if ((c === ']' || c === '}' || c === ')') && depth > 0) depth--;
    else if (c === '/') {
      if (depth === 0) last = i;
      else inner = true;
    }
  }
  return inner ? -2 : last;
}

function nameTest(glob: string, cat: number, guard: number): NameTest {
  if (!GLOB_CHARS.test(glob)) return { cat, guard, test: (n) => n === glob };
  if (glob[0] === '*' && glob.length > 1 && !GLOB_CHARS.test(glob.slice(1))) {
    const suf = glob.slice(1);
    return { cat, guard, test: (n) => n.endsWith(suf) };
  }
  const re = makeRe(glob);
  const lit = requiredLiteral(glob);
  return { cat, guard, test: lit ? (n) => n.includes(lit) && re.test(n) : (n) => re.test(n) };
}

function compile(rules: Rules): Compiled {
  const c: Compiled = {
    names: rules.categories.map((r) => r.name),
    exact: [],
    suffix: new Array<null>(256).fill(null),
    other: [],
    dirByName: new Map(),
    dirByGlob: [],
    rootRules: [],
    pathTests: [],
    restic: NO_CAT,
    borg: NO_CAT,
  };
  let guards = 0;
  const addName = (glob: string, cat: number, guard: number) => {
    if (!GLOB_CHARS.test(glob)) {
      while (c.exact.length <= glob.length) c.exact.push(undefined);
      (c.exact[glob.length] ??= []).push({ name: glob, cat, guard });
    } else if (glob[0] === '*' && glob.length > 1 && !GLOB_CHARS.test(glob.slice(1))) {
      const suffix = glob.slice(1);
      (c.suffix[suffix.charCodeAt(suffix.length - 1) & 0xff] ??= []).push({ suffix, cat, guard });
    } else {
      const [prefix, lit] = literals(glob);
      let g = c.other.find((o) => o.prefix === prefix && o.lit === lit);
      if (!g) c.other.push((g = { prefix, lit, items: [], cat }));
      g.items.push({ cat, guard, re: makeRe(glob) });
      g.cat = Math.min(g.cat, cat);
    }
  };
  /** a rule "directory D (and, deep, below)" → effect; D relative to `/`, no leading slash */
  const addDir = (dir: string, effect: Effect) => {
    if (dir === '' || dir === '**') {
      // `/` itself; `**` = every directory, the same as `/` and below when deep
      if (dir === '**' && !effect.deep) effect = { ...effect, deep: true };
      c.rootRules.push({ full: null, effect });
      return;
    }
    const cut = lastTopSlash(dir);
    const last = cut >= 0 ? dir.slice(cut + 1) : dir;
    let full: ((rel: string) => boolean) | null;
    if (!GLOB_CHARS.test(dir)) full = (rel) => rel === dir;
    else if (cut >= 0 && dir.slice(0, cut) === '**' && !last.includes('**')) full = null;
    else {
      const re = makeRe(dir);
      full = (rel) => re.test(rel);
    }
    const rule: DirRule = { full, effect };
    if (cut === -2 || last.includes('**')) {
      // odd shapes: try the whole path on every directory
      c.dirByGlob.push({ re: /(?:)/, prefix: null, lit: null, rule: { full: full ?? ((rel) => makeRe(dir).test(rel)), effect } });
    } else if (!GLOB_CHARS.test(last)) {
      let l = c.dirByName.get(last);
      if (!l) c.dirByName.set(last, (l = []));
      l.push(rule);
    } else {
      const [prefix, lit] = literals(last);
      c.dirByGlob.push({ re: makeRe(last), prefix, lit, rule });
    }
  };
  /** a glob with a `/` */
  const addPath = (glob: string, cat: number, guard: number) => {
    const g = glob.replace(/^\/+/, '');
    const cut = lastTopSlash(g);
    if (cut === -2) {
      const re = makeRe(g);
      c.pathTests.push({ cat, guard, test: (rel) => re.test(rel) });
      return;
    }
    let d = cut >= 0 ? g.slice(0, cut) : '';
    const b = cut >= 0 ? g.slice(cut + 1) : g;
    if (b === '**' || b === '') {
      // everything below D
      while (d.endsWith('/**')) d = d.slice(0, -3);
      addDir(d, { kind: 'force', cat, guard, test: null, deep: true });
      return;
    }
    if (b.includes('**')) {
      const re = makeRe(g);
      c.pathTests.push({ cat, guard, test: (rel) => re.test(rel) });
      return;
    }
    let deep = false;
    while (d === '**' || d.endsWith('/**')) {
      deep = true;
      if (d === '**') {
        d = '';
        break;
      }
      d = d.slice(0, -3);
    }
    if (deep && d === '') {
      addName(b, cat, guard); // `**/B`: B anywhere
      return;
    }
    addDir(d, { kind: 'names', cat, guard, test: nameTest(b, cat, guard), deep });
  };
  const addGlob = (raw: string, cat: number, guard: number) => {
    const glob = toBytesForm(raw);
    if (glob.includes('/')) addPath(glob, cat, guard);
    else addName(glob, cat, guard);
  };
  rules.categories.forEach((r, cat) => {
    for (const p of r.patterns) addGlob(p, cat, -1);
    if (r.guarded && r.guarded.patterns.length) {
      const g = guards++;
      if (g >= 31) throw new UserError('too many guarded pattern groups in the rules');
      for (const p of r.guarded.patterns) addGlob(p, cat, g);
      for (const u of r.guarded.notUnder) {
        const ug = toBytesForm(u);
        const eff: Effect = { kind: 'suppress', cat, guard: g, test: null, deep: true };
        if (ug.includes('/')) {
          let d = ug.replace(/^\/+/, '');
          while (d.endsWith('/**')) d = d.slice(0, -3);
          addDir(d, eff);
        } else addDir('**/' + ug, eff);
      }
    }
    for (const m of r.markers ?? []) {
      if (m === 'restic' && c.restic === NO_CAT) c.restic = cat;
      if (m === 'borg' && c.borg === NO_CAT) c.borg = cat;
    }
  });
  for (const l of c.exact) l?.sort((x, y) => x.cat - y.cat);
  return c;
}

/** what holds in a directory: inherited from its parent, plus what its own rules add (one shape) */
class Ctx {
  constructor(
    readonly forced: number,
    /** guards switched off (bit per guard) */
    readonly mask: number,
    /** name tests active here and below */
    readonly deep: NameTest[],
    /** name tests for the files of this directory: deep plus this directory's own */
    readonly here: NameTest[],
  ) {}
}

const EMPTY: NameTest[] = [];
const START = new Ctx(NO_CAT, 0, EMPTY, EMPTY);

/**
 * The context of directory `name` (path `dirPath`, from `/` or the prefix: made only when a rule
 * of the directory tests the whole path, when given as a function), its parent's being `parent`.
 */
function dirCtx(c: Compiled, parent: Ctx, name: string, dirPath: string | (() => string), isRoot: boolean, marker: number): Ctx {
  let rules: DirRule[] | undefined = c.dirByName.get(name);
  if (c.dirByGlob.length) {
    for (const g of c.dirByGlob)
      if ((g.prefix === null || name.startsWith(g.prefix)) && (g.lit === null || name.includes(g.lit)) && g.re.test(name))
        (rules = rules ? [...rules] : []).push(g.rule);
  }
  if (isRoot && c.rootRules.length) rules = rules ? [...rules, ...c.rootRules] : c.rootRules;
  if (!rules && marker === NO_CAT) return parent.here === parent.deep ? parent : new Ctx(parent.forced, parent.mask, parent.deep, parent.deep);
  let forced = Math.min(parent.forced, marker);
  let mask = parent.mask;
  let deep = parent.deep;
  let own: NameTest[] | null = null;
  if (rules) {
    let rel: string | null = null;
    const relOf = () => {
      if (rel === null) {
        const p = typeof dirPath === 'string' ? dirPath : dirPath();
        rel = p.length && p.charCodeAt(0) === 0x2f ? p.slice(1) : p;
      }
      return rel;
    };
    // the guards this directory switches off first: they hold for its own rules too
    for (const r of rules) if (r.effect.kind === 'suppress' && (!r.full || r.full(relOf()))) mask |= 1 << r.effect.guard;
    for (const r of rules) {
      if (r.full && !r.full(relOf())) continue;
      const e = r.effect;
      if (e.kind === 'force') {
        if (e.guard < 0 || (mask & (1 << e.guard)) === 0) forced = Math.min(forced, e.cat);
      } else if (e.kind === 'suppress') continue;
      else if (e.deep) deep = deep === parent.deep ? [...deep, e.test!] : (deep.push(e.test!), deep);
      else (own ??= []).push(e.test!);
    }
  }
  return new Ctx(forced, mask, deep, own ? [...deep, ...own] : deep);
}

/** the category of a file named `name` in a directory with context x (NO_CAT: none) */
function classify(c: Compiled, x: Ctx, name: string): number {
  let best = x.forced;
  if (best === 0) return 0;
  const mask = x.mask;
  const len = name.length;
  const ex = len < c.exact.length ? c.exact[len] : undefined;
  if (ex !== undefined)
    for (const e of ex)
      if (e.cat < best && e.name === name && (e.guard < 0 || (mask & (1 << e.guard)) === 0)) {
        best = e.cat;
        break;
      }
  if (len) {
    const sl = c.suffix[name.charCodeAt(len - 1) & 0xff];
    if (sl !== null)
      for (const e of sl)
        if (e.cat < best && name.endsWith(e.suffix) && (e.guard < 0 || (mask & (1 << e.guard)) === 0)) best = e.cat;
  }
  const ot = c.other;
  for (let k = 0; k < ot.length; k++) {
    const g = ot[k];
    if (g.cat >= best) continue;
    if (g.prefix !== null ? !name.startsWith(g.prefix) : g.lit !== null && !name.includes(g.lit)) continue;
    for (const e of g.items)
      if (e.cat < best && (e.guard < 0 || (mask & (1 << e.guard)) === 0) && e.re.test(name)) best = e.cat;
  }
  const h = x.here;
  for (let k = 0; k < h.length; k++) {
    const t = h[k];
    if (t.cat < best && (t.guard < 0 || (mask & (1 << t.guard)) === 0) && t.test(name)) best = t.cat;
  }
  return best;
}

// ------------------------------------------------------------------------------------------------ the pass

export interface CategorizeOptions {
  /** biggest items kept per category (default 5) */
  top?: number;
  /** a directory standing for `/`: the tree's paths are taken relative to it (fixture trees) */
  prefix?: string;
  /** filled (length tree.count at least) with each counted file's index in the returned list, else -1 */
  labels?: Int32Array;
  /** the tree's names (packages.ts treeNames), when the caller has them already */
  names?: TreeNames;
  /**
   * false: every file's name is made and tested here (the reference); else (the default) the
   * addon's prefilter (ncduparse.c kindsMarks) picks the few files whose name could match, where it
   * loads. The same results either way.
   */
  native?: boolean;
}

interface Top {
  bytes: number;
  mtime: number;
  /** the entry (its path is made for the result) */
  i: number;
}

/**
 * Regular files by kind of data: disk bytes, count, oldest and newest mtime, the biggest items.
 * Categories in rule order; those with no files are left out. A hard-linked inode counts once per
 * category. Directories, symlinks and excluded entries are not counted. The globs' pass, then the
 * checks of kinds-trust.ts (package files out with `owned`; headers read with `read`): classifyKinds.
 */
export function categorize(tree: Tree, rules: Rules, opts: KindsOptions = {}): Category[] {
  return classifyKinds(tree, rules, opts).categories;
}

/**
 * The globs' pass alone (no package files dropped, no header read, no marks or series), in slices:
 * each next() walks about SLICE_DIRS directories (a fraction of a millisecond), the last one returns
 * the categories. For the snapshot's kinds (written while the gzip thread is busy): names and
 * locations only, so the candidates kinds-trust.ts would check count nowhere here.
 */
export function* categorizeSteps(tree: Tree, rules: Rules, opts: CategorizeOptions = {}): Generator<void, Category[], void> {
  const top = Math.max(0, Math.floor(opts.top ?? 5));
  if (tree.count === 0) return [];
  const c = compile(rules);
  const acc = new Totals(tree, c.names.length, top, opts.labels ?? null);
  opts.labels?.fill(-1);
  const names = opts.names ?? treeNames(tree);
  const { path: rootPath, outPrefix } = treeRootPath(tree, opts.prefix);
  const w = globWalk(tree, c, names, acc, rootPath, opts.native, top === 0);
  while (w !== null && w.step(SLICE_DIRS)) yield;
  const out = acc.result(c.names, outPrefix, (i) => entryPath(tree, names, rootPath, i));
  if (opts.labels) relabelKinds(opts.labels, tree.count, acc.count, c.names.length);
  return out;
}

/** labels by category index rewritten to positions among the categories that have files */
function relabelKinds(labels: Int32Array, n: number, count: Float64Array, cats: number): void {
  const ids: number[] = [];
  for (let k = 0; k < cats; k++) if (count[k] > 0) ids.push(k);
  relabel(labels, n, ids, cats);
}

/**
 * The globs' walk of the tree into `acc` (a root that is a file is taken here: null is returned);
 * step() it to the end. `sums`: no biggest items are kept (the addon may sum forced categories).
 */
function globWalk(tree: Tree, c: Compiled, names: TreeNames, acc: Totals, rootPath: string, native: boolean | undefined, sums: boolean): Walk | MarkedWalk | null {
  // the root's ancestors first: /var/log/** holds for a scan of /var/log/nginx
  const ctx = ancestorsCtx(c, rootPath, false);
  if (!tree.isDir(0)) {
    if (tree.type(0) === EntryType.File && !tree.excluded(0)) {
      const cut = rootPath.lastIndexOf('/');
      const cat = pathCat(c, ctx, classify(c, ctx, rootPath.slice(cut + 1)), rootPath.slice(0, cut), rootPath.slice(cut + 1));
      if (cat !== NO_CAT) acc.take(0, cat);
    }
    return null;
  }
  const fl = entryFlags(tree);
  const pre = native === false ? null : prefilter(tree, c, names, fl);
  return pre !== null ? new MarkedWalk(tree, c, names, fl, pre.marks, pre.order, acc, rootPath, ctx, sums) : new Walk(tree, c, names, fl, acc, rootPath, ctx);
}

/** the context of `rootPath`'s parent (whole: of rootPath itself), from `/` down ('' is `/`) */
function ancestorsCtx(c: Compiled, rootPath: string, whole: boolean): Ctx {
  if (rootPath === '') return whole ? dirCtx(c, START, '', '', true, NO_CAT) : START;
  let ctx = dirCtx(c, START, '', '', true, NO_CAT);
  const parts = rootPath.split('/');
  let p = '';
  for (let k = 1; k < parts.length - (whole ? 0 : 1); k++) {
    p += '/' + parts[k];
    ctx = dirCtx(c, ctx, parts[k], p, false, NO_CAT);
  }
  return ctx;
}

export interface KindsOptions extends CategorizeOptions {
  /**
   * 1 for each entry a package lists (packages.ts ownedMask): such a file is in no kind. Absent:
   * ownership unknown, nothing is dropped for it.
   */
  owned?: Uint8Array | null;
  /**
   * How a candidate's first bytes are read for the content checks (default readHead of its path on
   * disk: the prefix, then the tree's path); null: no content is read (an imported tree), and the
   * candidates that need their header count nowhere.
   */
  read?: ((file: Buffer, max: number) => Buffer | null) | null;
  /** the most headers read (kinds-trust.ts MAX_HEADER_READS by default) */
  maxReads?: number;
}

/** The globs' pass over a tree, waiting for finishKinds (which may have the package files by then). */
export interface KindsPass {
  tree: Tree;
  rules: Rules;
  c: Compiled;
  names: TreeNames;
  rootPath: string;
  outPrefix: string;
  /** category index per entry, -1: none */
  lab: Int32Array;
  opts: KindsOptions;
}

/** What classifyKinds finds: the categories and, per entry, its category and why. */
export interface KindsResult {
  categories: Category[];
  /** each entry's category as an index into the rules' categories (not into `categories`), -1: none */
  cat: Int32Array;
  /** why entry i is in its kind (or in none): the rule, mark, header or series; one line of text */
  why(i: number): string;
  trust: KindChecks;
}

/** What the kinds' checks did: files a package lists that a glob had taken (dropped), headers read, candidates left unchecked past the bound */
export interface KindChecks {
  ownedDropped: number;
  headersRead: number;
  unchecked: number;
}

/** The globs' pass (on this thread: no I/O); then finishKinds. */
export function startKinds(tree: Tree, rules: Rules, opts: KindsOptions = {}): KindsPass {
  const n = tree.count;
  const lab = new Int32Array(n).fill(-1);
  // (with kinds-trust.ts's hints, after every category)
  const c = compile({ categories: [...rules.categories, ...TRUST_HINTS] });
  const names = opts.names ?? treeNames(tree);
  const { path: rootPath, outPrefix } = treeRootPath(tree, opts.prefix);
  if (n > 0) {
    const w = globWalk(tree, c, names, new Totals(tree, c.names.length, 0, lab), rootPath, opts.native, true);
    while (w !== null && w.step(1 << 30));
  }
  return { tree, rules, c, names, rootPath, outPrefix, lab, opts };
}

/**
 * The checks of kinds-trust.ts over the globs' labels (package files out, marks, headers, series),
 * then the totals. `more` overrides the pass's options (the package files known only now). The
 * checks' candidates are found here, once the package files are known (a package's file is no
 * candidate: /usr's ~28,000 names ending in a digit or an archive's extension are nearly all one).
 */
export function finishKinds(pass: KindsPass, more: Pick<KindsOptions, 'owned' | 'read' | 'top' | 'labels' | 'maxReads'> = {}): KindsResult {
  const { tree, rules, c, names, rootPath, outPrefix, lab } = pass;
  const opts = { ...pass.opts, ...more };
  const top = Math.max(0, Math.floor(opts.top ?? 5));
  const n = tree.count;
  const pathOf = (i: number) => entryPath(tree, names, rootPath, i);
  const owned = opts.owned ?? null;
  const read = opts.read === undefined ? readHead : opts.read;
  const idx = (name: string) => c.names.indexOf(name);
  const cats = {
    core: idx('core dumps'),
    trash: idx('trash'),
    backups: idx('backups'),
    rotated: idx('rotated logs'),
    live: idx('live logs'),
    caches: idx('caches'),
    temp: idx('temp'),
    hintDirs: idx('\0backup dirs'),
    hintCaches: idx('\0cache dirs'),
    hintMarks: idx('\0backup marks'),
    hintTemp: idx('\0temp names'),
    hintTempDirs: idx('\0temp dirs'),
    hintCoreDirs: idx('\0core dirs'),
  };
  const shown = (i: number) => Buffer.from(outPrefix + (pathOf(i) || '/'), 'latin1').toString('utf8');
  const fl = n > 0 ? entryFlags(tree) : null;
  const candidates = fl !== null ? collectCandidates(tree, names, fl, lab, true, owned) : null;
  const trust =
    fl !== null && candidates !== null
      ? refineKinds({ tree, names, fl, lab, cats, owned, read, maxReads: opts.maxReads, candidates, diskPath: (i) => Buffer.from(outPrefix + (pathOf(i) || '/'), 'latin1'), shownPath: shown })
      : { why: () => null, decided: () => false, took: [], ownedDropped: 0, headersRead: 0, unchecked: 0 };
  const acc = new Totals(tree, c.names.length, top, null);
  if (candidates !== null) {
    // only the files a glob or a check labelled, in index order (not a loop over every entry)
    const list = Uint32Array.from([...candidates.labelled, ...trust.took]).sort();
    for (let k = 0; k < list.length; k++) {
      const i = list[k];
      if ((k === 0 || list[k - 1] !== i) && lab[i] >= 0) acc.take(i, lab[i]);
    }
  } else for (let i = 0; i < n; i++) if (lab[i] >= 0) acc.take(i, lab[i]);
  const categories = acc.result(c.names, outPrefix, pathOf);
  if (opts.labels) {
    opts.labels.set(lab);
    relabelKinds(opts.labels, n, acc.count, c.names.length);
  }
  return {
    categories,
    cat: lab,
    why(i) {
      if (i < 0 || i >= n) return 'not an entry of the tree';
      if (tree.isDir(i)) return 'a directory: kinds count files';
      if (tree.excluded(i)) return 'excluded from the scan';
      if (tree.type(i) !== EntryType.File) return 'not a regular file: kinds count regular files';
      if (owned !== null && owned[i]) return 'a file an installed package lists: a package\'s file is in no kind (it belongs to the package)';
      const w = trust.why(i);
      if (w !== null && (trust.decided(i) || lab[i] < 0)) return w;
      // a check that did not hold, then the glob that holds: both
      if (w !== null) return `${w}; ${explainGlob(pass, i)}`;
      if (lab[i] < 0) return ARCHIVE_RE.test(pathOf(i)) ? 'an archive or dump alone: not a backup without a series, a mark or a backup location' : 'no rule of the kinds matches it';
      return explainGlob(pass, i);
    },
    trust: { ownedDropped: trust.ownedDropped, headersRead: trust.headersRead, unchecked: trust.unchecked },
  };
}

/** startKinds then finishKinds, in one go. */
export function classifyKinds(tree: Tree, rules: Rules, opts: KindsOptions = {}): KindsResult {
  return finishKinds(startKinds(tree, rules, opts));
}

/**
 * Which pattern (or directory recogniser) of its category put entry i there: the reference
 * matching of the rules, pattern by pattern with picomatch, for one file (the pass's own matching
 * is split for speed; this says the same in words).
 */
function explainGlob(pass: KindsPass, i: number): string {
  const { tree, rules, c, names, rootPath, lab } = pass;
  const r = rules.categories[lab[i]];
  const full = entryPath(tree, names, rootPath, i);
  const rel = full.replace(/^\/+/, '');
  const name = full.slice(full.lastIndexOf('/') + 1);
  const shown = (g: string) => `${r.name}: ${g.includes('/') ? 'its path' : 'its name'} matches ${JSON.stringify(g)}`;
  const test = (g: string) => {
    const b = toBytesForm(g);
    return b.includes('/') ? picomatch.isMatch(rel, b.replace(/^\/+/, ''), { dot: true }) || picomatch.isMatch(rel, b.replace(/^\/+/, '') + '/**', { dot: true }) : picomatch.isMatch(name, b, { dot: true });
  };
  for (const g of r.patterns) if (test(g)) return shown(g);
  for (const g of r.guarded?.patterns ?? []) if (test(g)) return shown(g);
  if (r.markers?.length && i !== 0) {
    const fl = entryFlags(tree);
    for (let d = tree.parent[i]; ; d = tree.parent[d]) {
      const repo = repoOf(markerBits(tree.children(d), fl, names));
      if (repo !== null && markerOf(c, tree.children(d), fl, names) === lab[i]) return `${r.name}: inside a ${repo} repository at ${escapeName(Buffer.from(pass.outPrefix + (entryPath(tree, names, rootPath, d) || '/'), 'latin1'))}`;
      if (d === 0) break;
    }
  }
  return `${r.name}: a rule of the category`;
}

/** directories walked between two yields of categorizeSteps */
const SLICE_DIRS = 256;

/**
 * The depth-first pass's state: an explicit stack of directories with their paths, names and
 * contexts. Children are read from the tree's child index (no array per directory), a file's name
 * is made once. The loop is a plain method rather than the generator's own (V8 optimizes it sooner).
 */
class Walk {
  private readonly stI: number[] = [0];
  private readonly stP: string[];
  private readonly stN: string[];
  private readonly stX: Ctx[];
  /** repositories hold a file named config: only its directories need a closer look */
  private readonly candidates: Set<number> | null;
  private readonly span: ChildSpan = { first: 0, count: 0, list: null };
  constructor(
    private readonly tree: Tree,
    private readonly c: Compiled,
    private readonly names: TreeNames,
    private readonly fl: Uint8Array,
    private readonly acc: Totals,
    rootPath: string,
    ctx: Ctx,
  ) {
    this.stP = [rootPath];
    this.stN = [rootPath.slice(rootPath.lastIndexOf('/') + 1)];
    this.stX = [ctx];
    this.candidates = c.restic !== NO_CAT || c.borg !== NO_CAT ? parentsNamed(tree, names, fl, CONFIG) : null;
    tree.children(0); // (the child index, built once)
  }

  /** walk up to `dirs` directories; false once the walk is over */
  step(dirs: number): boolean {
    const { tree, c, names, fl, acc, stI, stP, stN, stX, candidates, span } = this;
    const paths = c.pathTests.length > 0;
    for (let left = dirs; left > 0 && stI.length; left--) {
      const d = stI.pop()!;
      const dp = stP.pop()!;
      const dn = stN.pop()!;
      const x = dirCtx(c, stX.pop()!, dn, dp, d === 0 && dp === '', candidates !== null && candidates.has(d) ? markerOf(c, tree.children(d), fl, names) : NO_CAT);
      const { first, count: n, list } = tree.childSpan(d, span);
      for (let j = 0; j < n; j++) {
        const k = list === null ? first + j : list[first + j];
        const t = fl[k] & (EF_TYPE | EF_EXCL);
        if (t === EntryType.Dir) {
          const name = names.name(k);
          stI.push(k);
          stP.push(dp + '/' + name);
          stN.push(name);
          stX.push(x);
        } else if (t === EntryType.File) {
          const name = names.name(k);
          let cat = classify(c, x, name);
          if (paths) cat = pathCat(c, x, cat, dp, name);
          if (cat !== NO_CAT) acc.take(k, cat);
        }
      }
    }
    return stI.length > 0;
  }
}

/**
 * Walk's pass with the addon (ncduparse.c): the same results, the same files counted in the same
 * order, but
 *  - the directories come in the walk's order from kindsOrder (no loop here over every child);
 *  - a context is worked out only for the root and the directories the prefilter marked (kindsMarks:
 *    their names could pass a directory rule, or they hold a repository's config file), the "key"
 *    directories, their names and paths made then from the tree; kindsInherit gives every other
 *    directory its nearest key ancestor's (a directory without rules of its own inherits its
 *    parent's) and lists the directories whose files need a look here;
 *  - a file's name is made and classified only when it is marked or its directory's context has name
 *    tests of its own; any other file gets the context's forced category (or none);
 *  - without biggest items to keep (`sums`), the files a directory's forced category takes are left
 *    to one flat pass at the end (kindsSums: sums, in whatever order), but the marked ones and the
 *    hard links (the first seen counts, in the walk's order), taken here.
 */
class MarkedWalk {
  /** 0: the key directories' contexts, 1: the directories kindsInherit listed, 2: done */
  private phase = 0;
  private pos = 0;
  /** the key directories' contexts, by key number, and their inherited form (made when needed) */
  private readonly keys: Ctx[] = [];
  private readonly below: (Ctx | null)[] = [];
  /** by directory number: its key number (its own, or its nearest key ancestor's); -1 not yet known */
  private readonly keyOf: Int32Array;
  /** the category of the files left to kindsSums, by directory number (-1: none); null: none are */
  private readonly dirCat: Int32Array | null;
  private visits: Uint32Array = new Uint32Array(0);
  /** the root and the key directories, in the walk's order (keyDirs) */
  private keyOrder: Uint32Array | null = null;
  /** key directories' contexts that depend on their parent's and their name alone (ctxOf) */
  private readonly made = new Map<Ctx, Map<string, Ctx>>();
  private readonly span: ChildSpan = { first: 0, count: 0, list: null };
  constructor(
    private readonly tree: Tree,
    private readonly c: Compiled,
    private readonly names: TreeNames,
    private readonly fl: Uint8Array,
    private readonly mk: Uint8Array,
    private readonly order: Uint32Array,
    private readonly acc: Totals,
    private readonly rootPath: string,
    private readonly rootCtx: Ctx,
    sums: boolean,
  ) {
    this.keyOf = new Int32Array(tree.dirCount).fill(-1);
    this.dirCat = sums ? new Int32Array(tree.dirCount).fill(-1) : null;
  }

  /** go through up to `dirs` directories (many more key-directory checks); false once the pass is over */
  step(dirs: number): boolean {
    if (this.phase === 0) {
      const { mk, keyOf, keys, tree } = this;
      const { asize32, parent } = tree;
      // the key directories in the walk's order (kindsKeys: not a loop here over every directory)
      const order = (this.keyOrder ??= keyDirs(this.order, mk));
      let pos = this.pos;
      for (const end = Math.min(order.length, pos + dirs * 64); pos < end; pos++) {
        const d = order[pos];
        if (d !== 0 && (mk[d] & (MK_DIR | MK_MARKER)) === 0) continue;
        // its parent's context: that of its nearest key ancestor (those between inherit it)
        let px = this.rootCtx;
        if (d !== 0) {
          let p = parent[d];
          while (keyOf[asize32[p]] < 0) p = parent[p];
          px = keys[keyOf[asize32[p]]];
        }
        keyOf[asize32[d]] = keys.length;
        keys.push(this.ctxOf(d, px, mk[d]));
        this.below.push(null);
      }
      this.pos = pos;
      if (pos < order.length) return true;
      this.inherit();
      this.phase = 1;
      this.pos = 0;
      return true;
    }
    if (this.phase === 1) {
      const { visits, keys, below, keyOf, mk, tree } = this;
      const asize32 = tree.asize32;
      let pos = this.pos;
      for (const end = Math.min(visits.length, pos + dirs); pos < end; pos++) {
        const d = visits[pos];
        const k = keyOf[asize32[d]];
        const x = d === 0 || (mk[d] & (MK_DIR | MK_MARKER)) !== 0 ? keys[k] : (below[k] ??= inherited(keys[k]));
        const forced = x.forced;
        const sums = this.dirCat !== null && forced !== NO_CAT;
        this.files(d, x, forced, x.here.length > 0 || (forced !== NO_CAT && !sums) ? 0xff : sums ? MK_FILE | MK_LINK : MK_FILE);
      }
      this.pos = pos;
      if (pos < visits.length) return true;
      if (this.dirCat !== null) this.flat(this.dirCat);
      this.phase = 2;
    }
    return false;
  }

  /** every directory's key (kindsInherit), the directories to go through, the categories left to kindsSums */
  private inherit(): void {
    const { keys, tree } = this;
    const n = keys.length;
    const forced = new Int32Array(n);
    const deep = new Uint8Array(n);
    const here = new Uint8Array(n);
    for (let k = 0; k < n; k++) {
      forced[k] = keys[k].forced;
      deep[k] = keys[k].deep.length > 0 ? 1 : 0;
      here[k] = keys[k].here.length > 0 ? 1 : 0;
    }
    const visits = new Uint32Array(this.order.length);
    const arrays = [this.order, tree.parent, tree.asize32, this.mk, this.keyOf, forced, deep, here, this.dirCat ?? new Int32Array(0), visits];
    const v = ncduParseAddon()!.kindsInherit(arrays, NO_CAT);
    this.visits = visits.subarray(0, v);
  }

  /**
   * directory d's context (a key directory: see dirCtx), its parent's being px. Its path is made
   * only for a rule that tests it; when none did (and no repository's config is there), the
   * context depends on px and the name alone and is made once for them: /usr's ~3,000
   * __pycache__ directories, under a few contexts, are key directories (a cache but below /usr).
   */
  private ctxOf(d: number, px: Ctx, m: number): Ctx {
    const { tree, c, names, fl, rootPath: rp } = this;
    const dn = d === 0 ? rp.slice(rp.lastIndexOf('/') + 1) : names.one(d);
    const plain = d !== 0 && (m & MK_MARKER) === 0;
    const seen = plain ? this.made.get(px)?.get(dn) : undefined;
    if (seen !== undefined) return seen;
    let pathUsed = false;
    const x = dirCtx(c, px, dn, () => ((pathUsed = true), entryPath(tree, names, rp, d)), d === 0 && rp === '', (m & MK_MARKER) !== 0 ? markerOf(c, tree.children(d), fl, names) : NO_CAT);
    if (plain && !pathUsed) {
      let byName = this.made.get(px);
      if (byName === undefined) this.made.set(px, (byName = new Map()));
      byName.set(dn, x);
    }
    return x;
  }

  /**
   * take directory d's files whose marks have a bit of `want` (0xff: every file): a marked one (or
   * any, when the context has name tests of its own) by its name, any other one in the category
   * forced on it (or none)
   */
  private files(d: number, x: Ctx, forced: number, want: number): void {
    const { tree, c, names, fl, mk, acc, span } = this;
    const all = x.here.length > 0;
    const { first, count: n, list } = tree.childSpan(d, span);
    for (let j = 0; j < n; j++) {
      const k = list === null ? first + j : list[first + j];
      if (want !== 0xff && (mk[k] & want) === 0) continue;
      if ((fl[k] & (EF_TYPE | EF_EXCL)) !== EntryType.File) continue;
      const cat = all || (mk[k] & MK_FILE) !== 0 ? classify(c, x, names.one(k)) : forced;
      if (cat !== NO_CAT) acc.take(k, cat);
    }
  }

  /** the files left to kindsSums; those whose size is in the tree's spill map are taken here */
  private flat(dirCat: Int32Array): void {
    const { tree, acc } = this;
    const t = tree.textTables();
    const big = new Uint32Array(tree.spillD.size);
    const arrays = [this.fl, tree.parent, tree.asize32, dirCat, tree.dsize32, tree.attr, t.dk, tree.mtime, t.mtimes, acc.bytes, acc.count, acc.oldest, acc.newest, acc.labels ?? new Int32Array(0), big, this.mk];
    const nbig = ncduParseAddon()!.kindsSums(arrays, tree.count, tree.mtimeRaw);
    if (nbig > big.length) throw new Error('kinds: more files of a spilled size than the spill map holds');
    for (let j = 0; j < nbig; j++) acc.take(big[j], dirCat[tree.asize32[tree.parent[big[j]]]]);
  }
}

/** the root and the directories marked MK_DIR or MK_MARKER among `order`, in its order (ncduparse.c kindsKeys; `order` itself with an addon without it) */
function keyDirs(order: Uint32Array, mk: Uint8Array): Uint32Array {
  const addon = ncduParseAddon();
  if (typeof addon?.kindsKeys !== 'function') return order;
  const keys = new Uint32Array(order.length);
  return keys.subarray(0, addon.kindsKeys(order, mk, keys));
}

/** the context of a directory no rule of its own applies to, below one with context x (as dirCtx) */
function inherited(x: Ctx): Ctx {
  return x.here === x.deep ? x : new Ctx(x.forced, x.mask, x.deep, x.deep);
}

/** marks of kindsMarks (ncduparse.c) */
const MK_FILE = 1;
const MK_DIR = 2;
const MK_MARKER = 4;
const MK_HASFILE = 8;
const MK_HASLINK = 16;
const MK_LINK = 32;

/** the records of kindsMarks' spec (ncduparse.c) */
const KM_FEXACT = 1;
const KM_FSUFFIX = 2;
const KM_FPREFIX = 3;
const KM_FLIT = 4;
const KM_DEXACT = 5;
const KM_DPREFIX = 6;
const KM_DLIT = 7;
const KM_DANY = 8;
const KM_MARKER = 9;

/**
 * The literals classify and dirCtx check before anything else, as kindsMarks' spec: the exact
 * names, `*suffix`es and the other name globs' required prefix or literal; the directory rules'
 * literal last parts and their globs' prefix or literal; the directory recognisers' file name.
 * null when some test has nothing to check (a name glob with no literal: every file would pass) or
 * a glob is matched against whole paths (pathTests: every file's path is tested).
 */
function prefilterSpec(c: Compiled): Uint8Array | null {
  if (c.pathTests.length) return null;
  const recs: [number, string][] = [];
  for (const l of c.exact) for (const e of l ?? []) recs.push([KM_FEXACT, e.name]);
  for (const l of c.suffix) for (const e of l ?? []) recs.push([KM_FSUFFIX, e.suffix]);
  for (const g of c.other) {
    if (g.prefix !== null) recs.push([KM_FPREFIX, g.prefix]);
    else if (g.lit !== null) recs.push([KM_FLIT, g.lit]);
    else return null;
  }
  for (const name of c.dirByName.keys()) recs.push([KM_DEXACT, name]);
  for (const g of c.dirByGlob) recs.push(g.prefix !== null ? [KM_DPREFIX, g.prefix] : g.lit !== null ? [KM_DLIT, g.lit] : [KM_DANY, '']);
  if (c.restic !== NO_CAT || c.borg !== NO_CAT) recs.push([KM_MARKER, 'config']);
  return kindsSpec(recs);
}

/** kindsMarks' spec (ncduparse.c) of records [kind (KM_*), text (latin1 of the bytes)] */
export function kindsSpec(recs: [kind: number, text: string][]): Uint8Array {
  let n = 0;
  for (const [, text] of recs) n += 5 + text.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const [kind, text] of recs) {
    const l = text.length;
    out[o] = kind;
    out[o + 1] = l & 0xff;
    out[o + 2] = (l >>> 8) & 0xff;
    out[o + 3] = (l >>> 16) & 0xff;
    out[o + 4] = l >>> 24;
    o += 5;
    for (let k = 0; k < l; k++) out[o++] = text.charCodeAt(k) & 0xff;
  }
  return out;
}

/**
 * What MarkedWalk needs from the addon: its marks (ncduparse.c kindsMarks: one flat pass over the
 * names, no string per name), one byte an entry (MK_*), and the directories in the walk's order
 * (kindsOrder); null when there is no addon (or an older one without these functions) or the rules
 * leave nothing to prefilter (prefilterSpec).
 */
function prefilter(tree: Tree, c: Compiled, names: TreeNames, fl: Uint8Array): { marks: Uint8Array; order: Uint32Array } | null {
  const addon = ncduParseAddon();
  if (addon === null || typeof addon.kindsInherit !== 'function') return null;
  const spec = prefilterSpec(c);
  if (spec === null) return null;
  const marks = new Uint8Array(tree.count);
  addon.kindsMarks(names.bytes, names.off, names.len, fl, tree.parent, tree.count, spec, marks);
  tree.ensureKids();
  const order = new Uint32Array(Math.max(1, tree.dirCount));
  const n = addon.kindsOrder(fl, tree.asize32, tree.kidFirst, tree.kidN, tree.kidScattered, tree.kids, tree.count, order);
  return { marks, order: order.subarray(0, n) };
}

/**
 * Whether categorize takes the addon's path for these rules (the addon loads, with the kinds
 * functions, and every name test has a literal to check: see prefilterSpec). For tests and reports.
 */
export function kindsPrefilterApplies(rules: Rules): boolean {
  const addon = ncduParseAddon();
  return addon !== null && typeof addon.kindsInherit === 'function' && prefilterSpec(compile(rules)) !== null;
}

/** entry i's path as matched (latin1 of its bytes): the root's path, then a `/` and a name a level */
function entryPath(tree: Tree, names: TreeNames, rootPath: string, i: number): string {
  const up: string[] = [];
  for (let k = i; k !== 0; k = tree.parent[k]) up.push(names.one(k));
  let p = rootPath;
  for (let k = up.length - 1; k >= 0; k--) p += '/' + up[k];
  return p;
}

/** what is counted per category */
class Totals {
  bytes: Float64Array;
  count: Float64Array;
  oldest: Float64Array;
  newest: Float64Array;
  tops: Top[][];
  links: (Set<string> | null)[];
  constructor(
    readonly tree: Tree,
    n: number,
    readonly top: number,
    readonly labels: Int32Array | null,
  ) {
    this.bytes = new Float64Array(n);
    this.count = new Float64Array(n);
    this.oldest = new Float64Array(n).fill(Infinity);
    this.newest = new Float64Array(n).fill(-1);
    this.tops = Array.from({ length: n }, () => []);
    this.links = Array.from({ length: n }, () => null);
  }

  /** count regular file i in category cat */
  take(i: number, cat: number): void {
    const tree = this.tree;
    if (this.labels !== null) this.labels[i] = cat;
    if (tree.isHardlink(i)) {
      const key = tree.devOf(i) + ':' + tree.inoOf(i);
      const s = (this.links[cat] ??= new Set());
      if (s.has(key)) return;
      s.add(key);
    }
    const b = tree.ownD(i);
    this.bytes[cat] += b;
    this.count[cat]++;
    const m = tree.mtimeOf(i);
    if (m >= 0) {
      if (m < this.oldest[cat]) this.oldest[cat] = m;
      if (m > this.newest[cat]) this.newest[cat] = m;
    }
    const top = this.top;
    if (top > 0) {
      const t = this.tops[cat];
      if (t.length < top) t.push({ bytes: b, mtime: m, i });
      else if (b > t[top - 1].bytes) t[top - 1] = { bytes: b, mtime: m, i };
      else return;
      // keep it sorted, biggest first (ties: first seen first)
      for (let k = t.length - 1; k > 0 && t[k - 1].bytes < t[k].bytes; k--) {
        const tmp = t[k - 1];
        t[k - 1] = t[k];
        t[k] = tmp;
      }
    }
  }

  /** the categories with their biggest items, whose paths `pathOf` makes (latin1 of the bytes, from `/` or the prefix) */
  result(names: string[], outPrefix: string, pathOf: (i: number) => string): Category[] {
    const out: Category[] = [];
    for (let k = 0; k < names.length; k++) {
      if (this.count[k] === 0) continue;
      out.push({
        name: names[k],
        bytes: this.bytes[k],
        count: this.count[k],
        oldest: this.oldest[k] === Infinity ? -1 : this.oldest[k],
        newest: this.newest[k],
        biggest: this.tops[k].map(
          (t): CategoryItem => ({ ...jsonName(Buffer.from(outPrefix + pathOf(t.i), 'latin1')), bytes: t.bytes, mtime: t.mtime }),
        ),
      });
    }
    return out;
  }
}

/** the category after the globs matched against whole paths (those that could not be split) */
function pathCat(c: Compiled, x: Ctx, cat: number, dir: string, name: string): number {
  if (!c.pathTests.length) return cat;
  const full = dir + '/' + name;
  const rel = full.charCodeAt(0) === 0x2f ? full.slice(1) : full;
  for (const t of c.pathTests) if (t.cat < cat && (t.guard < 0 || (x.mask & (1 << t.guard)) === 0) && t.test(rel)) cat = t.cat;
  return cat;
}

const CONFIG = Uint8Array.from(Buffer.from('config'));

/**
 * The directories holding a regular file of this name: one flat pass over the names (cheaper than
 * looking at every directory's children, above all before V8 has optimized the pass).
 */
function parentsNamed(tree: Tree, names: TreeNames, fl: Uint8Array, name: Uint8Array): Set<number> {
  const out = new Set<number>();
  const { bytes, off, len } = names;
  const n = name.length;
  const first = name[0];
  const parent = tree.parent;
  for (let i = 1; i < tree.count; i++) {
    if (len[i] !== n || bytes[off[i]] !== first) continue;
    let k = 1;
    while (k < n && bytes[off[i] + k] === name[k]) k++;
    if (k === n && (fl[i] & (EF_TYPE | EF_EXCL)) === EntryType.File) out.add(parent[i]);
  }
  return out;
}

/** which repository files and directories a directory holds (bits: see repoOf) */
function markerBits(kids: Uint32Array, fl: Uint8Array, names: TreeNames): number {
  const len = names.len;
  let has = 0;
  for (let j = 0; j < kids.length; j++) {
    const k = kids[j];
    const l = len[k];
    if (l !== 4 && l !== 5 && l !== 6 && l !== 9) continue;
    const t = fl[k] & (EF_TYPE | EF_EXCL);
    if (t === EntryType.Dir) {
      const n = names.one(k);
      if (n === 'data') has |= 1;
      else if (n === 'index') has |= 2;
      else if (n === 'keys') has |= 4;
      else if (n === 'snapshots') has |= 8;
      else if (n === 'chunks') has |= 64;
    } else if (t === EntryType.File) {
      const n = names.one(k);
      if (n === 'config') has |= 16;
      else if (n === 'README') has |= 32;
    }
  }
  return has;
}

/** the repository a directory is, from markerBits: restic (config + data/ index/ keys/ snapshots/), borg (README + config + data/), duplicacy (config + chunks/ + snapshots/) */
function repoOf(has: number): 'restic' | 'borg' | 'duplicacy' | null {
  if ((has & 31) === 31) return 'restic';
  if ((has & 49) === 49) return 'borg';
  if ((has & 88) === 88) return 'duplicacy';
  return null;
}

/** the category a repository's files are in (restic's stands for duplicacy's), NO_CAT: none */
function markerOf(c: Compiled, kids: Uint32Array, fl: Uint8Array, names: TreeNames): number {
  const r = repoOf(markerBits(kids, fl, names));
  return r === null ? NO_CAT : r === 'borg' ? c.borg : c.restic;
}

// ------------------------------------------------------------------------------------------------ one file at a time

/** a directory's context for KindMatcher (opaque) */
export type KindCtx = Ctx;

/**
 * The same rules, one file at a time, for a caller that walks a tree its own way (the diff streams
 * one side): it asks for a directory's context as it descends (only for directories that hold
 * something to classify) and classifies files in it. Paths are latin1 strings of the raw bytes,
 * absolute, without a trailing slash ('' for `/`). Directory recognisers (restic, borg) need a
 * directory's children before its files and are not applied here.
 */
export class KindMatcher {
  readonly names: string[];
  private readonly c: Compiled;
  constructor(rules: Rules) {
    this.c = compile(rules);
    this.names = this.c.names;
  }
  /** the context of the root directory of a walk, `rootPath` as above */
  rootCtx(rootPath: string): KindCtx {
    return ancestorsCtx(this.c, rootPath, true);
  }
  /** the context of directory `name` (path `dirPath`) inside a directory with context `parent` */
  enter(parent: KindCtx, name: string, dirPath: string): KindCtx {
    return dirCtx(this.c, parent, name, dirPath, false, NO_CAT);
  }
  /** the category index (into `names`) of a regular file, -1 when none */
  file(ctx: KindCtx, dirPath: string, name: string): number {
    let cat = classify(this.c, ctx, name);
    if (this.c.pathTests.length) cat = pathCat(this.c, ctx, cat, dirPath, name);
    return cat === NO_CAT ? -1 : cat;
  }
}
