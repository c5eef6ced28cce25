/**
 * The scan worker: lists directories and lstat()s their entries, packing the results into
 * transferable typed arrays. It runs in a worker thread created with `eval: true` from
 * `scanWorkerMain.toString()`, so it must be self-contained: no imports, no outer variables
 * (that keeps the single-file bundle working with no separate worker file).
 *
 * Protocol (main -> worker): { tasks: Task[] }  Task = { id, path, rel, dev, ino }
 *   path: string (all of it valid UTF-8) or Uint8Array (raw bytes); rel: path below the root
 *   for --exclude matching (or null when there are no patterns); dev, ino: the directory's st_dev
 *   and st_ino as its parent's listing saw them. Whatever is opened at `path` is listed only if it is
 *   that directory: one swapped for a symbolic link or another directory since (a race with
 *   whoever writes the tree) is a read error ('ESTALE'), never followed. Both readers check this.
 * (worker -> main): { nums: Float64Array, names: Uint8Array, pieces: Piece[], big }
 *   nums: NF numbers per record; names: u16 length + bytes per record;
 *   big: [recordIndex, asize, dsize, ino][] (bigints) for the rare records flagged RF_BIG, whose
 *   sizes (sparse files) or hard-link inode numbers (overlayfs xino) are 2^53 or more and so
 *   rounded in nums (ncdu and du count them exactly);
 *   Piece = { id, start, count, subs: [recordIndex, path, rel][], last, err, anchor }
 *
 * The native reader's own threads (src/scan/nthread.ts, dirscan.c startThread) give the same
 * messages for the same tasks (but no rel: they take no --exclude pattern), written by C; this
 * engine still runs on the main thread, and in worker threads for what needs JavaScript (--exclude,
 * mount points inside the root) or when the addon is not there.
 */

/** numbers per record in `nums` */
export const NF = 10;
// record field offsets
export const R_ASIZE = 0,
  R_DSIZE = 1,
  R_DEV = 2,
  R_INO = 3,
  R_NLINK = 4,
  R_MTIME = 5,
  R_UID = 6,
  R_GID = 7,
  R_MODE = 8,
  R_FLAGS = 9;
// R_FLAGS bits: type (2 bits) | readError << 2 | excluded (3 bits) << 3 | descend << 6
export const RF_READERR = 4,
  RF_EXCL_SHIFT = 3,
  RF_DESCEND = 64,
  /** the record's sizes or inode number are 2^53 or more: the exact values are in the message's `big` list */
  RF_BIG = 128;

export interface WorkerConfig {
  patterns: { source: string; flags: string; slash: boolean }[];
  crossMounts: boolean;
  rootDev: number;
  chunk: number;
  longPath: number;
  kernfs: number[];
  /**
   * Look entries up relative to the current directory (chdir into each directory first), as du's
   * fstatat does: the kernel resolves one name instead of the whole path. Only for the main thread:
   * workers cannot chdir, and the caller restores the working directory afterwards.
   */
  chdir?: boolean;
  /**
   * The mount points strictly below the root, from /proc/self/mountinfo (exact bytes). A directory
   * found at one of them is another mount even on the same st_dev (a bind mount): otherfs unless
   * crossMounts. Paths through an anchor (/proc/self/fd/N/...) do not say where they are: for them,
   * when some mount point is that deep (`deepMountIds` non-empty), the directory's mnt_id (from
   * /proc/self/fdinfo) is compared with these mount IDs instead.
   */
  mountPoints?: Uint8Array[];
  deepMountIds?: number[];
  /**
   * The native reader's file (build/Release/dirscan.node, see src/scan/native.ts): each thread
   * dlopen()s it and lists directories with it; absent, or failing to load: the JavaScript reader.
   */
  native?: string;
  /**
   * --exclude-caches: a subdirectory holding a valid CACHEDIR.TAG (a regular file beginning with
   * the 43-byte signature of https://bford.info/cachedir/) is listed excluded (Excluded.Pattern,
   * sizes 0) and not descended into, as ncdu does. Both readers check it the same way.
   */
  excludeCaches?: boolean;
  /**
   * -L: follow symbolic links (stat, not lstat): a link is recorded as what it points at, a link
   * to a directory descended into; a dangling link stays a link. Every directory and every file of
   * one link is counted once by (dev, ino), as GNU du -L does (a second sight: listed, sizes 0, not
   * descended into; that also ends loops such as `a -> .`); files of several links are left to the
   * tree's hard-link rule (one count per inode). Only the JavaScript reader, in one engine (the
   * set of what was seen is its own): the native reader never follows by design.
   */
  follow?: boolean;
}

export interface Task {
  id: number;
  path: string | Uint8Array;
  rel: string | null;
  dev: number;
  /** st_ino (a double: rounded from 2^53 up, as in the records) */
  ino: number;
}

export interface Piece {
  id: number;
  start: number;
  count: number;
  subs: [number, string | Uint8Array, string | null][];
  last: boolean;
  err: string | null;
  anchor: number;
}

export interface WorkerMessage {
  nums: Float64Array;
  names: Uint8Array;
  pieces: Piece[];
  /** exact values of the records flagged RF_BIG: [record index in this message, asize, dsize, ino] */
  big: [number, bigint, bigint, bigint][] | null;
  /** the last message of a task batch */
  end: boolean;
}

/** What the engine hands back: a message (and the buffers to transfer, when crossing threads). */
export type Post = (msg: WorkerMessage, transfer: ArrayBuffer[]) => void;

export interface ScanEngine {
  /** list and stat these directories, posting results as buffers fill and once at the end */
  scanBatch(tasks: Task[]): void;
  /** give back the buffers of a message that has been used */
  recycle(nums: ArrayBuffer, names: ArrayBuffer): void;
  /**
   * The scan is over: close the directories the native reader keeps open (its fd cache). Returns
   * how many directories it opened relative to a cached parent and by whole path (null: JS reader).
   */
  end(): [number, number] | null;
}

/**
 * The scan engine. Self-contained (see above): `req` is `require`, passed in so that the same
 * function runs in a worker (eval'd from its source) and on the main thread.
 */
export function scanEngine(cfg: WorkerConfig, post: Post, req: (id: string) => any): ScanEngine {
  /* eslint-disable */
  const fs = req('node:fs');
  const isUtf8: (b: Uint8Array) => boolean = req('node:buffer').isUtf8;
  const NFIELDS = 10;
  const CHUNK: number = cfg.chunk;
  const LONG: number = cfg.longPath;
  const res: RegExp[] = cfg.patterns.map((p: { source: string; flags: string }) => new RegExp(p.source, p.flags));
  const slash: boolean[] = cfg.patterns.map((p: { slash: boolean }) => p.slash);
  const kern = new Set(cfg.kernfs);
  // a name's or path's key: the text when it is valid UTF-8 (as the scan's string names and paths
  // are), else NUL (in no name) and the bytes as latin1 (the scan's Buffer names and paths)
  const keyOf = (p: string | Uint8Array): string => {
    if (typeof p === 'string') return p;
    return isUtf8(p) ? Buffer.from(p).toString('utf8') : '\0' + Buffer.from(p).toString('latin1');
  };
  // a directory path's key: the scan joins "/" + "/" + name below the root "/"
  const dirKey = (p: string | Uint8Array): string => {
    const k = keyOf(p);
    return k.startsWith('//') ? k.slice(1) : k.startsWith('\0//') ? '\0' + k.slice(2) : k;
  };
  // mount points by directory: parent path key -> name keys
  let mountsIn: Map<string, Set<string>> | null = null;
  for (const mp of cfg.mountPoints ?? []) {
    const b = Buffer.from(mp);
    const cut = b.lastIndexOf(0x2f);
    if (cut < 0 || cut === b.length - 1) continue;
    const parent = dirKey(cut === 0 ? b.subarray(0, 1) : b.subarray(0, cut));
    mountsIn ??= new Map();
    let names = mountsIn.get(parent);
    if (!names) mountsIn.set(parent, (names = new Set()));
    names.add(keyOf(b.subarray(cut + 1)));
  }
  const deepIds: Set<number> | null = cfg.deepMountIds && cfg.deepMountIds.length ? new Set(cfg.deepMountIds) : null;
  const fdinfoBuf = Buffer.alloc(1024);
  /** the mount ID of the directory at p (its fd's mnt_id), -1 when it cannot be told */
  const mntIdOf = (p: string | Uint8Array): number => {
    let fd = -1;
    try {
      fd = fs.openSync(p, fs.constants.O_RDONLY | fs.constants.O_DIRECTORY | fs.constants.O_NOFOLLOW);
      const info = fs.openSync('/proc/self/fdinfo/' + fd, 'r');
      let n = 0;
      try {
        n = fs.readSync(info, fdinfoBuf, 0, fdinfoBuf.length, null);
      } finally {
        fs.closeSync(info);
      }
      const m = /(?:^|\n)mnt_id:\s*(\d+)/.exec(fdinfoBuf.toString('latin1', 0, n));
      return m ? Number(m[1]) : -1;
    } catch {
      return -1;
    } finally {
      if (fd >= 0) fs.closeSync(fd);
    }
  };
  const S_IFMT = 0o170000,
    S_IFDIR = 0o040000,
    S_IFREG = 0o100000,
    S_IFLNK = 0o120000;
  const FOLLOW = cfg.follow === true;
  // -L: a directory reached through a link is opened through it (checked after to be the one expected)
  const OPEN_DIR = fs.constants.O_RDONLY | fs.constants.O_DIRECTORY | (FOLLOW ? 0 : fs.constants.O_NOFOLLOW);
  const CACHES = cfg.excludeCaches === true;
  /** -L: the (dev, ino) of every directory and single-link file seen (cfg.follow) */
  const seen: Set<string> | null = FOLLOW ? new Set() : null;
  const TAG_SIG = Buffer.from('Signature: 8a477f597d28d172789f06886806bc55');
  const tagBuf = Buffer.alloc(TAG_SIG.length);
  /**
   * Does directory `p` hold a valid CACHEDIR.TAG? The directory opened O_NOFOLLOW (-L: followed),
   * the tag O_NOFOLLOW | O_NONBLOCK through it (/proc/self/fd when there is one), checked with
   * fstat to be a regular file before its first 43 bytes are read (never a FIFO or a device).
   */
  const hasCachedirTag = (p: string | Uint8Array): boolean => {
    let d = -1;
    let f = -1;
    try {
      let tag: string | Uint8Array;
      if (haveProcFd) {
        d = fs.openSync(p, OPEN_DIR);
        tag = PROC_FD + d + '/CACHEDIR.TAG';
      } else tag = typeof p === 'string' ? p + '/CACHEDIR.TAG' : Buffer.concat([p, Buffer.from('/CACHEDIR.TAG')]);
      f = fs.openSync(tag, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK | fs.constants.O_NOCTTY);
      if (!fs.fstatSync(f).isFile()) return false;
      let got = 0;
      while (got < TAG_SIG.length) {
        const k = fs.readSync(f, tagBuf, got, TAG_SIG.length - got, null);
        if (k <= 0) break;
        got += k;
      }
      return got === TAG_SIG.length && tagBuf.equals(TAG_SIG);
    } catch {
      return false;
    } finally {
      if (f >= 0) fs.closeSync(f);
      if (d >= 0) fs.closeSync(d);
    }
  };
  const SL = Buffer.from('/');
  const PROC_FD = '/proc/self/fd/';
  const haveProcFd = (() => {
    try {
      fs.statSync('/proc/self/fd');
      return true;
    } catch {
      return false;
    }
  })();

  // lstat without building a Stats object (4 Dates each): Node's internal binding fills a shared
  // Float64Array [dev, mode, nlink, uid, gid, rdev, blksize, ino, size, blocks, atime s, ns, mtime s, ns].
  // Used only if it answers exactly like fs.lstatSync on a known file; otherwise fs.lstatSync.
  type StatArr = ArrayLike<number>;
  const slowLstat = (p: string | Uint8Array): StatArr | undefined => {
    const st = fs.lstatSync(p, { throwIfNoEntry: false });
    if (!st) return undefined;
    return [st.dev, st.mode, st.nlink, st.uid, st.gid, 0, 0, st.ino, st.size, st.blocks, 0, 0, Math.floor(st.mtimeMs / 1000), 0];
  };
  let lstat: (p: string | Uint8Array) => StatArr | undefined = slowLstat;
  /**
   * -L: stat (the link's target), or lstat for a dangling link (a link still: the record makes it
   * a read error of no size, as du -L says "cannot access" and counts nothing for it)
   */
  const followStat = (p: string | Uint8Array): StatArr | undefined => {
    const st = fs.statSync(p, { throwIfNoEntry: false });
    if (!st) return lstat(p);
    return [st.dev, st.mode, st.nlink, st.uid, st.gid, 0, 0, st.ino, st.size, st.blocks, 0, 0, Math.floor(st.mtimeMs / 1000), 0];
  };
  try {
    const b = (process as any).binding('fs');
    const fast = (p: string | Uint8Array): StatArr | undefined => b.lstat(p, false, undefined, false);
    const probe = (p: string) => {
      const a = fast(p);
      const r = slowLstat(p)!;
      if (!a || a.length < 14) return false;
      for (const k of [0, 1, 2, 3, 4, 7, 8, 9, 12]) if (a[k] !== r[k]) return false;
      return true;
    };
    const dir = req('node:path').dirname(process.execPath);
    if (probe(dir) && probe(process.execPath) && fast(dir + '/.diskblame-probe-' + process.pid + '-missing') === undefined)
      lstat = fast;
  } catch {
    lstat = slowLstat;
  }

  // the native reader (src/native/dirscan.c): one per engine, the same module for every engine of
  // a thread (a thread dlopen()s a file once). Not loading is not an error: the JavaScript reader.
  let nat: any = null;
  let rd: unknown = null;
  if (cfg.native) {
    try {
      const g = globalThis as any;
      const cache = (g.__diskblameDirscan ??= {});
      if (!cache[cfg.native]) {
        const m = { exports: {} as any };
        process.dlopen(m, cfg.native);
        cache[cfg.native] = m.exports;
      }
      // -L: the JavaScript reader (see cfg.follow); --exclude-caches: a build that checks the tag
      if (cfg.follow || (cfg.excludeCaches && cache[cfg.native].excludeCaches !== true)) throw new Error('not this reader');
      rd = cache[cfg.native].create(cfg.rootDev, cfg.crossMounts, cfg.kernfs, !!cfg.excludeCaches);
      nat = cache[cfg.native];
    } catch {
      nat = null;
    }
  }
  // errno -> its code ('EACCES'), as fs errors say it (the first name of a number: EAGAIN, not EWOULDBLOCK)
  const errnoName = new Map<number, string>();
  for (const [k, v] of Object.entries(req('node:os').constants.errno as Record<string, number>)) if (!errnoName.has(v)) errnoName.set(v, k);
  const natOut = new Float64Array(3);

  let nums: Float64Array = new Float64Array(0);
  let names: Buffer = Buffer.alloc(0);
  let namesLen = 0;
  let count = 0;
  let pieces: any[] = [];
  let piece: any = null;
  let big: [number, bigint, bigint, bigint][] | null = null;

  // buffers come back from the main thread once it has used them: no garbage per message
  const poolNums: Float64Array[] = [];
  const poolNames: Buffer[] = [];
  function fresh(expect: number) {
    const n = Math.max(64, Math.min(CHUNK, expect));
    const pn = poolNums.pop();
    nums = pn && pn.length >= n * NFIELDS ? pn : new Float64Array(Math.max(n, CHUNK / 4) * NFIELDS);
    const pm = poolNames.pop();
    names = pm ?? Buffer.allocUnsafeSlow(Math.max(n, CHUNK / 4) * 16 + 512);
    namesLen = 0;
    count = 0;
    pieces = [];
    big = null;
  }
  /** make room for `n` more records (about): grow the buffers up to CHUNK records, else send them */
  function reserve(n: number, id: number | null) {
    const cap = nums.length / NFIELDS;
    if (count + n <= cap) return;
    if (count + n <= CHUNK || count === 0) {
      const m = new Float64Array(Math.min(Math.max(CHUNK, n), Math.max(cap * 2, count + n)) * NFIELDS);
      m.set(nums.subarray(0, count * NFIELDS));
      nums = m;
      return;
    }
    flush();
    fresh(n);
    if (id !== null) beginPiece(id, -1);
  }
  function reserveNames(bytes: number, id: number) {
    if (namesLen + bytes <= names.length) return;
    const b = Buffer.allocUnsafeSlow(Math.max(names.length * 2, namesLen + bytes + 256));
    names.copy(b, 0, 0, namesLen);
    names = b;
  }
  function flush(end = false) {
    if (piece) pieces.push(piece);
    post({ nums: nums.subarray(0, count * NFIELDS), names: names.subarray(0, namesLen), pieces, big, end }, [
      nums.buffer as ArrayBuffer,
      names.buffer as ArrayBuffer,
    ]);
    piece = null;
  }
  function beginPiece(id: number, anchor: number) {
    piece = { id, start: count, count: 0, subs: [], last: false, err: null, anchor };
  }
  function putName(nm: string | Uint8Array) {
    let len: number;
    if (typeof nm === 'string') len = names.write(nm, namesLen + 2, 'utf8');
    else {
      names.set(nm, namesLen + 2);
      len = nm.length;
    }
    names[namesLen] = len & 0xff;
    names[namesLen + 1] = len >>> 8;
    namesLen += len + 2;
  }
  function byteLen(p: string | Uint8Array): number {
    return typeof p === 'string' ? Buffer.byteLength(p) : p.length;
  }
  function excludedByPattern(name: string, rel: string): boolean {
    for (let k = 0; k < res.length; k++) {
      const re = res[k];
      if (re.test(name)) return true;
      if (slash[k]) {
        // like ncdu: the pattern may match any trailing part of the path
        if (re.test(rel)) return true;
        for (let s = rel.indexOf('/'); s >= 0; s = rel.indexOf('/', s + 1)) if (re.test(rel.slice(s + 1))) return true;
      }
    }
    return false;
  }

  /** the directory could not be listed: one final piece that says why */
  function errorPiece(id: number, anchor: number, code: string | undefined) {
    beginPiece(id, anchor);
    piece.err = code || 'EIO';
    piece.last = true;
    pieces.push(piece);
    piece = null;
  }

  function join(baseStr: string | null, baseBuf: Buffer | null, nm: string | Uint8Array): string | Uint8Array {
    if (baseStr !== null && typeof nm === 'string') return baseStr + nm;
    return Buffer.concat([baseBuf ?? Buffer.from(baseStr as string), typeof nm === 'string' ? Buffer.from(nm) : nm]);
  }

  function scanDir(t: Task) {
    if (seen !== null) seen.add(t.dev + ':' + t.ino); // (the root: its own subdirectories' were added when listed)
    let base: string | Uint8Array = t.path;
    let anchor = -1;
    if (haveProcFd && byteLen(base) > LONG) {
      // too deep for a plain path: hold the directory open and address its entries through /proc/self/fd
      try {
        anchor = fs.openSync(base, OPEN_DIR);
        base = PROC_FD + anchor;
      } catch (e: any) {
        errorPiece(t.id, -1, e.code);
        return;
      }
    }
    // the native reader: all but a directory reached through an anchor when some mount point is that
    // deep (its subdirectories' mnt_id are read from /proc/self/fdinfo, below)
    const viaAnchor = deepIds !== null && (anchor >= 0 || (typeof t.path === 'string' && t.path.startsWith('/proc/self/fd/')));
    if (nat !== null && !viaAnchor) {
      scanDirNative(t, base, anchor);
      return;
    }
    // relative lookups when we can stand in the directory (string paths only: chdir takes no bytes).
    // Never in a directory reached through /proc/self/fd (its own or an ancestor's anchor): its real
    // path is longer than PATH_MAX, and a working directory that getcwd() cannot name (ERANGE) makes
    // every process.cwd() throw, including the one Node runs when a worker thread starts.
    let here = cfg.chdir === true && typeof base === 'string' && anchor < 0 && !base.startsWith(PROC_FD);
    if (here) {
      try {
        process.chdir(base as string);
      } catch {
        here = false; // listable but not searchable (r without x), say: whole paths, like du
      }
    }
    // the directory listed is the one the parent's listing saw (chdir and readdir follow symbolic
    // links): standing in it, '.' is what is listed; else our own fd on it (O_NOFOLLOW), listed
    // through /proc/self/fd (exactly that directory), and its subdirectories checked through it too
    let own = -1;
    let at: string | Uint8Array = here ? '.' : base;
    try {
      let same: boolean;
      try {
        if (here) same = sameDir(lstat('.'), t);
        else if (anchor >= 0) same = sameDir(fstatArr(anchor), t);
        else if (haveProcFd) {
          own = fs.openSync(base, OPEN_DIR);
          same = sameDir(fstatArr(own), t);
          at = PROC_FD + own;
        } else same = sameDir(lstat(base), t); // no /proc: checked before listing only
      } catch (e: any) {
        return errorPiece(t.id, anchor, e.code);
      }
      if (!same) return errorPiece(t.id, anchor, 'ESTALE');
      scanDirJs(t, base, anchor, viaAnchor, here, at, own);
    } finally {
      if (own >= 0) fs.closeSync(own);
    }
  }

  /** is this stat (lstat's array) the directory task t expects? */
  function sameDir(st: StatArr | undefined, t: Task): boolean {
    return st !== undefined && (st[1] & S_IFMT) === S_IFDIR && st[0] === t.dev && st[7] === t.ino;
  }
  function fstatArr(fd: number): StatArr {
    const st = fs.fstatSync(fd);
    return [st.dev, st.mode, st.nlink, st.uid, st.gid, 0, 0, st.ino];
  }

  /**
   * One directory through the JavaScript reader, checked to be the expected one (scanDir): listed at
   * `at`; its entries lstat()ed by name when standing in it (`here`), else by whole path; with `own`
   * (an fd on it) each subdirectory to scan is lstat()ed again through it, and one that is not what
   * the path said (a parent swapped meanwhile) is a read error.
   */
  function scanDirJs(
    t: Task,
    base: string | Uint8Array,
    anchor: number,
    viaAnchor: boolean,
    here: boolean,
    at: string | Uint8Array,
    own: number,
  ) {
    const ownPre = own >= 0 ? PROC_FD + own + '/' : null;
    let list: (string | Buffer)[];
    try {
      list = fs.readdirSync(at);
      for (let k = 0; k < list.length; k++)
        if ((list[k] as string).includes('\ufffd')) {
          // a name that is not valid UTF-8: list again as raw bytes
          list = fs.readdirSync(at, { encoding: 'buffer' });
          break;
        }
    } catch (e: any) {
      errorPiece(t.id, anchor, e.code);
      return;
    }
    reserve(Math.min(list.length, CHUNK), null);
    beginPiece(t.id, anchor);
    const baseStr = typeof base === 'string' ? base + '/' : null;
    const baseBuf = typeof base === 'string' ? null : Buffer.concat([base, SL]);
    const relPre = t.rel === null ? null : t.rel === '' ? '' : t.rel + '/';
    // the names of mount points in this directory (from mountinfo, by its real path); a directory
    // reached through an anchor fd has no real path here: its subdirectories' mnt_id tell instead
    const mountNames = mountsIn === null ? undefined : mountsIn.get(dirKey(t.path));
    for (let k = 0; k < list.length; k++) {
      let nm: string | Uint8Array = list[k];
      if (typeof nm !== 'string' && isUtf8(nm)) nm = (nm as Buffer).toString('utf8');
      const nlen = typeof nm === 'string' ? nm.length * 3 : nm.length;
      if (count * NFIELDS >= nums.length) reserve(Math.min(list.length - k, CHUNK), t.id);
      reserveNames(nlen + 2, t.id);
      // what the fs calls get: the bare name when standing in the directory, else the whole path
      const p: string | Uint8Array = here ? nm : join(baseStr, baseBuf, nm);
      const o = count * NFIELDS;
      putName(nm);
      count++;
      piece.count++;
      let rel: string | null = null;
      if (relPre !== null) {
        const s = typeof nm === 'string' ? nm : Buffer.from(nm).toString('utf8');
        rel = relPre + s;
        if (excludedByPattern(s, rel)) {
          nums.fill(0, o, o + NFIELDS);
          nums[o + 4] = 1;
          nums[o + 5] = -1;
          nums[o + 6] = -1;
          nums[o + 7] = -1;
          nums[o + 8] = -1;
          nums[o + 9] = 1 << 3; // type File (unknown), excluded pattern
          continue;
        }
      }
      let st: StatArr | undefined;
      try {
        st = FOLLOW ? followStat(p) : lstat(p);
        if (st && ownPre !== null && (st[1] & S_IFMT) === S_IFDIR) {
          const q = typeof nm === 'string' ? ownPre + nm : Buffer.concat([Buffer.from(ownPre), nm]);
          const again = FOLLOW ? followStat(q) : lstat(q);
          if (!again || again[0] !== st[0] || again[7] !== st[7]) st = undefined;
        }
      } catch {
        st = undefined;
      }
      if (!st) {
        // vanished between readdir and lstat, or not permitted: recorded as an error
        nums.fill(0, o, o + NFIELDS);
        nums[o + 4] = 1;
        nums[o + 5] = -1;
        nums[o + 6] = -1;
        nums[o + 7] = -1;
        nums[o + 8] = -1;
        nums[o + 9] = 4;
        continue;
      }
      const mode = st[1];
      const fmt = mode & S_IFMT;
      const type = fmt === S_IFREG ? 0 : fmt === S_IFDIR ? 1 : fmt === S_IFLNK ? 2 : 3;
      let flags = type;
      const dev = st[0];
      if (FOLLOW && type === 2) flags |= 4; // -L: a link left is dangling (or a loop of links): unreadable, as du -L
      // -L: seen before (through another link, or a loop back to a directory being scanned)
      let again = false;
      if (seen !== null && (type === 1 || st[2] <= 1)) {
        const id = dev + ':' + st[7];
        if (seen.has(id)) again = true;
        else seen.add(id);
      }
      nums[o] = st[8];
      nums[o + 1] = st[9] * 512;
      nums[o + 2] = dev;
      nums[o + 3] = st[7];
      nums[o + 4] = st[2];
      nums[o + 5] = st[12];
      nums[o + 6] = st[3];
      nums[o + 7] = st[4];
      nums[o + 8] = mode;
      // a mount point (mountinfo): another mount even on this st_dev (a bind mount of this filesystem)
      const mnt =
        (mountNames !== undefined && mountNames.has(keyOf(nm))) ||
        (type === 1 && viaAnchor && deepIds!.has(mntIdOf(here ? join(baseStr, baseBuf, nm) : p)));
      if (type !== 1) {
        // a file, link or device mounted here from another filesystem (a file bind mount): not
        // counted while staying on one filesystem, as du -x
        if (!cfg.crossMounts && (mnt || dev !== cfg.rootDev)) {
          flags |= 2 << 3;
          nums[o] = 0;
          nums[o + 1] = 0;
        } else if (again || (flags & 4) !== 0) {
          nums[o] = 0;
          nums[o + 1] = 0;
        }
      } else {
        let excl = 0;
        if (dev !== t.dev || mnt) {
          if (!cfg.crossMounts && (dev !== cfg.rootDev || mnt)) excl = 2;
          else {
            try {
              if (kern.has(fs.statfsSync(p).type)) excl = 3;
            } catch {
              /* not fatal: scan it */
            }
          }
        }
        if (!excl && CACHES && hasCachedirTag(p)) excl = 1; // --exclude-caches: listed, excluded as ncdu does
        if (excl) {
          flags |= excl << 3;
          nums[o] = 0;
          nums[o + 1] = 0;
        } else if (again) {
          nums[o] = 0; // counted where it was seen first: listed, not descended into
          nums[o + 1] = 0;
        } else {
          flags |= 64;
          piece.subs.push([count - 1, here ? join(baseStr, baseBuf, nm) : p, rel]);
        }
      }
      // 2^53 bytes or more (2^44 blocks), or the inode number of a hard link from 2^53 up: the
      // doubles above are rounded; the rare exact path
      const bigSize = (st[8] >= 9007199254740992 || st[9] >= 17592186044416) && (nums[o] !== 0 || nums[o + 1] !== 0);
      if (bigSize || (st[7] >= 9007199254740992 && st[2] > 1 && type !== 1)) {
        try {
          const bs = fs.lstatSync(p, { bigint: true });
          (big ??= []).push([count - 1, bigSize ? bs.size : BigInt(nums[o]), bigSize ? bs.blocks * 512n : BigInt(nums[o + 1]), bs.ino]);
          flags |= 128;
        } catch {
          /* vanished since: keep the rounded values */
        }
      }
      nums[o + 9] = flags;
    }
    piece.last = true;
    pieces.push(piece);
    piece = null;
  }

  /**
   * One directory through the native reader: the same records as scanDir's loop, written by the
   * addon into `nums` and `names` (no string per name). The --exclude patterns and the mount points
   * by name are decided here (a mask: 1 excluded, 2 a mount point) when this directory needs them.
   */
  function scanDirNative(t: Task, base: string | Uint8Array, anchor: number) {
    const n: number = nat.open(rd, anchor >= 0 ? anchor : base, t.dev, t.ino);
    if (n < 0) {
      errorPiece(t.id, anchor, errnoName.get(-n));
      return;
    }
    const relPre = t.rel === null ? null : t.rel === '' ? '' : t.rel + '/';
    const mountNames = mountsIn === null ? undefined : mountsIn.get(dirKey(t.path));
    let mask: Uint8Array | null = null;
    if (relPre !== null || mountNames !== undefined) {
      const list: Buffer[] = nat.names(rd);
      mask = new Uint8Array(n);
      for (let k = 0; k < n; k++) {
        const s = list[k].toString('utf8');
        if (relPre !== null && excludedByPattern(s, relPre + s)) mask[k] = 1;
        else if (mountNames !== undefined && mountNames.has(keyOf(list[k]))) mask[k] = 2;
      }
    }
    reserve(Math.min(n, CHUNK), null);
    beginPiece(t.id, anchor);
    const baseStr = typeof base === 'string' ? base + '/' : null;
    const baseBuf = typeof base === 'string' ? null : Buffer.concat([base, SL]);
    let left = n;
    while (left > 0) {
      if (count * NFIELDS >= nums.length) reserve(Math.min(left, CHUNK), t.id);
      reserveNames(258, t.id); // a name is 255 bytes at most
      const r0 = count;
      const no0 = namesLen;
      const b: [number, bigint, bigint, bigint][] | undefined = nat.fill(rd, nums, count, nums.length / NFIELDS - count, names, namesLen, natOut, mask);
      const got = natOut[0];
      count += got;
      piece.count += got;
      namesLen = natOut[1];
      left -= got;
      if (b) (big ??= []).push(...b);
      if (got === 0) break; // cannot happen: room for a record and its name was made above
      if (natOut[2] === 0) continue;
      // the subdirectories to scan: their paths (and for --exclude, their paths below the root)
      for (let r = r0, no = no0; r < r0 + got; r++) {
        const len = names[no] | (names[no + 1] << 8);
        if (nums[r * NFIELDS + 9] & 64) {
          // an ASCII name (nearly all) is text as it is: no view of it to check, no decoding
          let ascii = true;
          for (let k = no + 2; ascii && k < no + 2 + len; k++) if (names[k] > 0x7f) ascii = false;
          const raw = ascii ? null : names.subarray(no + 2, no + 2 + len);
          const nm = raw === null ? names.toString('latin1', no + 2, no + 2 + len) : isUtf8(raw) ? names.toString('utf8', no + 2, no + 2 + len) : raw;
          const rel = relPre === null ? null : relPre + (typeof nm === 'string' ? nm : Buffer.from(nm).toString('utf8'));
          piece.subs.push([r, join(baseStr, baseBuf, nm), rel]);
        }
        no += 2 + len;
      }
    }
    nat.close(rd);
    piece.last = true;
    pieces.push(piece);
    piece = null;
  }

  return {
    scanBatch(tasks: Task[]) {
      fresh(256);
      for (const t of tasks) scanDir(t);
      flush(true);
    },
    recycle(a: ArrayBuffer, b: ArrayBuffer) {
      poolNums.push(new Float64Array(a));
      poolNames.push(Buffer.from(b));
    },
    end() {
      return nat !== null ? nat.release(rd) : null;
    },
  };
}

/**
 * The worker thread's body: wires the engine to the message port. Self-contained too; `req` is the
 * worker's own `require`, passed from the eval'd source text (a bundler would rewrite a literal one).
 */
export function workerMain(engineSource: string, req: (id: string) => any): void {
  const wt = req('node:worker_threads');
  const make = (0, eval)('var __name = (f) => f; (' + engineSource + ')');
  const engine = make(wt.workerData, (m: unknown, tr: ArrayBuffer[]) => wt.parentPort.postMessage(m, tr), req);
  wt.parentPort.on('message', (msg: { tasks?: Task[]; recycle?: [ArrayBuffer, ArrayBuffer] }) => {
    if (msg.recycle) engine.recycle(msg.recycle[0], msg.recycle[1]);
    else if (msg.tasks) engine.scanBatch(msg.tasks);
  });
}
