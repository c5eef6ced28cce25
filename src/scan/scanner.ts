/**
 * The scanner: a source. Scanning threads list directories and stat their entries; this main-side
 * scheduler hands them directories in (nearly) depth-first order and turns their results into sink
 * events in exact depth-first order, so that streaming sinks (the export writer) need no tree.
 *
 * The threads: with the native reader, the addon's own pthreads (nthread.ts: no JavaScript isolate,
 * no start-up, records written into buffers the main thread reads without a copy); for what needs
 * JavaScript (--exclude patterns, mount points inside the root) or without the addon, worker threads
 * running the engine of worker.ts. Either way a thread is a Slot, fed tasks and giving messages.
 *
 * Memory stays bounded: results that arrive ahead of the depth-first emission are held only up to
 * a limit; past it, only the directory the emission waits for is dispatched.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type * as WorkerThreads from 'node:worker_threads';
import picomatch from 'picomatch';
import { emptyEntry, Entry, EntryType, Excluded, isUnorderedSink, Sink, UnorderedSink } from '../model/entry.js';
import { builtinRequire } from '../util/self.js';
import { NF, Piece, R_DEV, R_DSIZE, R_INO, RF_BIG, scanEngine, ScanEngine, Task, WorkerConfig, WorkerMessage, workerMain } from './worker.js';
import { KERNFS_MAGICS } from './kernfs.js';
import { holdMallocTrim, nativeForScan } from './native.js';
import { mountsBelow, readMountinfo } from '../util/mountinfo.js';
import { errnoText } from '../util/errors.js';
import { childKey, DfsQueue } from './dfsqueue.js';
import { Bytes, normBytes } from '../util/exact.js';
import { IdleMeter } from './cpu.js';
import { NativeScanThread, nativeThreadsFor } from './nthread.js';
import { collectIfGrown, holdYoungGeneration, releaseYoungGeneration } from '../util/young.js';

export interface ScanOptions {
  /** cross filesystem boundaries (default false: stay on the root's filesystem, like du -x) */
  crossMounts?: boolean;
  /** glob patterns (picomatch syntax) to exclude; matched against names and trailing parts of paths */
  exclude?: string[];
  /**
   * Scanning threads, the main thread included (a tree) or not (an export, only workers):
   * exactly this many once the scan passes SPAWN_ENTRIES. Default: the main thread, and one
   * worker more at each look that finds a processor idle, up to min(4, cores) threads.
   */
  threads?: number;
  /**
   * Let the main thread scan too (default true). An interactive screen sets false: then only
   * workers scan and the main thread stays free to draw (a directory listed on the main thread
   * blocks it until done, seconds on a cold cache).
   */
  mainThreadScans?: boolean;
  /**
   * A rescan: the root must still be this directory (dev, inode), reached by exactly the path given
   * (no symbolic link in it); else the scan fails with a ScanError and reads nothing.
   */
  expectRoot?: { dev: number; ino: number };
  /**
   * --exclude-caches: directories holding a valid CACHEDIR.TAG are listed excluded (as --exclude
   * matches are) and not descended into, as ncdu does (see WorkerConfig.excludeCaches)
   */
  excludeCaches?: boolean;
  /**
   * -L: follow symbolic links, totals as GNU du -L (see WorkerConfig.follow). The scan then runs
   * in one thread with the JavaScript reader, whatever `threads` says.
   */
  followSymlinks?: boolean;
}

export interface ScanResult {
  root: string;
  incomplete: boolean;
  elapsedMs: number;
}

/** A user-facing error: printed as one line, exit code 1. */
export class ScanError extends Error {}

const CHUNK = 4096; // records per worker message at most
const LONG_PATH = 2048; // bytes of path above which a directory is addressed through an open fd
const PENDING_LIMIT = 64 * 1024; // records held ahead of the emission before throttling
// Tasks are sized by entries, not directories: directories per task = these entries over the
// entries per directory seen so far (a tree of small directories gets bigger batches).
const WORKER_ENTRIES = 2048; // per task a worker gets
const LOCAL_ENTRIES = 512; // per batch the main thread scans between its other work
const MAX_DIRS = 512; // directories per task at most
const MAX_OUT = 3; // task messages in flight per worker: it finds the next one waiting
const SPAWN_QUEUE = 64; // directories waiting, or
const SPAWN_ENTRIES = 20_000; // entries seen, before a worker thread is worth its start (~40 ms, ~12 MB)
// a native scanning thread (nthread.ts) costs a pthread and its buffers (~0.1 ms, 1.6 MB of address
// space, touched as written): worth starting as soon as a few directories wait
const NATIVE_SPAWN_QUEUE = 8;
const NATIVE_SPAWN_ENTRIES = 2000;
const LOOK_MS = 100; // between looks at the machine's idle processors
const FIRST_LOOK_MS = 25; // between looks while no scanning thread runs
// processors free beside our own busy threads (on average since the last look; cpu.ts
// freeCoresBeside) that make a free core; DISKBLAME_FREE_CORE
// sets it for the tests (0: every look finds one, so the default starts its workers on a busy machine)
const FREE_CORE = Number(process.env.DISKBLAME_FREE_CORE ?? 0.6);
const WORKER_YOUNG_MB = 4;
/**
 * Directories listed from which the scan's end makes a full collection (util/young.ts
 * collectIfGrown(true)) before the sink finishes. What the collection frees lowers the peak only
 * by what is allocated after it, which grows with the directories (a tree's totals and child
 * index, ~29 bytes a directory), and it is made only once the old generation has grown by 2 MiB:
 * below ~72k directories what comes after it is smaller than that. On /usr (15.8k directories)
 * it cost ~5 ms of the scan's end for the same max RSS; the 1M real-shaped tree (110k) still
 * collects.
 */
const END_COLLECT_DIRS = 72_000;
/**
 * DISKBLAME_SCAN_STATS=1: when a scan ends, one line on stderr per thread: the share of its life
 * each worker was busy (its event loop's utilization), the entries it scanned, when it started;
 * the main thread's shares scanning and taking results (building the tree, writing the export);
 * with the default threads, the looks at the idle processors (how many, the free cores they found:
 * smallest, median, largest); when the scan ran in the process's life (ms since its start) and,
 * at exit, when the process ended (what comes before and after the scan). For measuring the
 * scheduling and the fixed costs; the scan's output is unchanged.
 */
const STATS = process.env.DISKBLAME_SCAN_STATS === '1';
/** the exit's stats line is hooked (printStats) */
let exitStatsHooked = false;

/** a worker message, with what is needed to give its buffers back once all its pieces are used */
type Msg = WorkerMessage & { left: number; from: Slot; _no?: number; _ni?: number };

/** Somewhere to scan: a worker thread, or the main thread itself between events. */
interface Slot {
  /** the main thread's own slot */
  local: boolean;
  /** task messages in flight */
  out: number;
  max: number;
  /** entries it listed and tasks it got (for DISKBLAME_SCAN_STATS) */
  entries: number;
  tasks: number;
  /** when it started, ms after the scan's start */
  since: number;
  /** the share of its life it was busy so far (0..1), -1 when not known */
  busy(): number;
  send(tasks: Task[]): void;
  giveBack(nums: ArrayBuffer, names: ArrayBuffer): void;
  stop(): Promise<unknown>;
}

/**
 * A directory to scan. It is its own Task (id, path, rel, dev, ino: st_ino as the parent's listing
 * saw it, the directory opened must still be that one): handed as it is to the native threads and
 * the main thread's engine, copied only for a worker thread (a message).
 */
interface TaskState extends Task {
  /** the anchor fd this task's path goes through (-1: none) */
  anchorRef: number;
  /** the anchor opened by the worker for this directory itself */
  ownAnchor: number;
  dispatched: boolean;
  /** depth-first order key (dropped once dispatched) */
  key: string;
  /** subdirectories seen so far */
  kidN: number;
  /** unordered mode: the directory's handle in the sink */
  handle: number;
  pieces: { msg: Msg; piece: Piece }[];
  done: boolean;
  err: string | null;
}

interface Frame {
  id: number;
  entry: Entry;
  entered: boolean;
  pieceIdx: number;
  subs: { entry: Entry; id: number }[];
  subPos: number;
}

function statToEntry(st: fs.Stats, name: Uint8Array): Entry {
  const fmt = st.mode & fs.constants.S_IFMT;
  let asize: Bytes = st.size;
  let dsize: Bytes = st.blocks * 512;
  if (asize > Number.MAX_SAFE_INTEGER || dsize > Number.MAX_SAFE_INTEGER) {
    // rounded: the exact sizes from a bigint lstat of the same path (gone since: the rounded ones)
    const bs = fs.lstatSync(Buffer.from(name), { bigint: true, throwIfNoEntry: false });
    if (bs) {
      asize = normBytes(bs.size);
      dsize = normBytes(bs.blocks * 512n);
    }
  }
  return {
    name,
    type:
      fmt === fs.constants.S_IFDIR
        ? EntryType.Dir
        : fmt === fs.constants.S_IFREG
          ? EntryType.File
          : fmt === fs.constants.S_IFLNK
            ? EntryType.Symlink
            : EntryType.Other,
    asize,
    dsize,
    dev: st.dev,
    ino: st.ino,
    nlink: st.nlink,
    mtime: Math.floor(st.mtimeMs / 1000),
    uid: st.uid,
    gid: st.gid,
    mode: st.mode,
    readError: false,
    excluded: Excluded.None,
  };
}

/** Compile --exclude globs for the workers (RegExp sources cross the thread boundary). */
export function compilePatterns(globs: string[]): WorkerConfig['patterns'] {
  return globs.map((g) => {
    const re = picomatch.makeRe(g, { dot: true });
    return { source: re.source, flags: re.flags, slash: g.includes('/') };
  });
}

/**
 * The mount points strictly below `root`, read once from /proc/self/mountinfo, for the workers: a
 * directory there is another mount (otherfs) even when st_dev says the same filesystem (a bind
 * mount), as gdu does. The IDs of those deeper than LONG_PATH bytes, whose paths the workers see
 * only through an anchor fd. Nothing when mountinfo cannot be read (then st_dev alone decides).
 */
function mountsInside(root: string | Uint8Array): Pick<WorkerConfig, 'mountPoints' | 'deepMountIds'> {
  const below = mountsBelow(readMountinfo() ?? [], root);
  return {
    mountPoints: below.map((m) => new Uint8Array(m.mountPoint)),
    deepMountIds: below.filter((m) => m.mountPoint.length > LONG_PATH).map((m) => m.mountId),
  };
}

export class Scanner {
  readonly root: string;
  private readonly sink: Sink | UnorderedSink;
  /** the sink takes entries as they come (the tree): no depth-first emission, nothing held back */
  private readonly unordered: boolean;
  private entries = 0;
  private bytes = 0;
  private current: string | Uint8Array = '';
  private readonly opts: ScanOptions;
  private workers: Slot[] = [];
  /**
   * Directories queued, being scanned or being emitted, by id (ids are handed out in order: a
   * task's slot is the array's next one; a finished task's slot is emptied, not removed). An array
   * rather than a Map: a Map's table is rebuilt each time the frontier grows past its capacity or
   * shrinks below a quarter of it, and those tables (up to hundreds of KiB) were a quarter of what
   * the scan promoted to V8's old generation; the array costs a pointer (8 bytes) per directory.
   */
  private tasks: (TaskState | undefined)[] = [];
  private queue = new DfsQueue();
  private frames: Frame[] = [];
  private pending = 0;
  private anchors = new Map<number, number>();
  private aborted = false;
  private settled = false;
  private resolve!: (r: ScanResult) => void;
  private reject!: (e: unknown) => void;
  private started = 0;
  /** the main thread's own scanning slot (null: only workers scan) */
  private local: Slot | null = null;
  /** worker threads that may still be started */
  private spawnLeft = 0;
  /** --threads given: start them all once the scan is big enough, whatever the load */
  private forced = false;
  private startWorker: () => void = () => {};
  /** the scanning threads are the native reader's (nthread.ts), not worker threads */
  private nativeThreads = false;
  /** idle processors, for starting workers (null: no looks) */
  private meter: IdleMeter | null = null;
  /** when the next look at the idle processors is due (performance.now() ms) */
  private nextLook = 0;
  /** directories listed and their entries, for sizing tasks by entries */
  private dirsListed = 0;
  private entriesListed = 0;
  /** main thread ms spent scanning, and taking results (DISKBLAME_SCAN_STATS) */
  private localMs = 0;
  private takeMs = 0;
  /** the free cores each look found, and the looks too soon to tell (DISKBLAME_SCAN_STATS) */
  private looks: number[] = [];
  private looksTooSoon = 0;
  /** the working directory to restore after a scan that changed it (null: relative lookups off) */
  private cwd: string | null = null;
  private readonly e: Entry = emptyEntry();

  /** the root as given: bytes address a directory exactly (names that are not UTF-8) */
  private readonly rootArg: string | Buffer;

  /** @param root a path, or its exact bytes (absolute) */
  constructor(root: string | Uint8Array, sink: Sink | UnorderedSink, opts: ScanOptions = {}) {
    this.rootArg = typeof root === 'string' ? path.resolve(root) : Buffer.from(root);
    this.root = typeof root === 'string' ? (this.rootArg as string) : this.rootArg.toString();
    this.sink = sink;
    this.unordered = isUnorderedSink(sink);
    this.opts = opts;
  }

  /** Stop as soon as possible; the sink gets what was emitted so far, marked incomplete. */
  abort(): void {
    if (this.settled || this.aborted) return;
    this.aborted = true;
    queueMicrotask(() => this.finish(true));
  }

  run(): Promise<ScanResult> {
    this.started = performance.now();
    let rootPath: string | Buffer;
    let st: fs.Stats;
    try {
      const arg = this.rootArg;
      // bytes: the native realpath (the JS one decodes them lossily)
      rootPath = typeof arg === 'string' ? fs.realpathSync(arg) : fs.realpathSync.native(arg, { encoding: 'buffer' });
      st = fs.lstatSync(rootPath);
    } catch (e) {
      return Promise.reject(new ScanError(`cannot scan ${this.root}: ${errnoText((e as NodeJS.ErrnoException).code)}`));
    }
    if (!st.isDirectory()) return Promise.reject(new ScanError(`cannot scan ${this.root}: not a directory`));
    const want = this.opts.expectRoot;
    if (want && (st.dev !== want.dev || st.ino !== want.ino || !Buffer.from(rootPath).equals(Buffer.from(this.rootArg))))
      return Promise.reject(new ScanError(`cannot rescan ${this.root}: moved or replaced since the scan`));
    if (typeof rootPath !== 'string') {
      // bytes stay bytes unless they are plain UTF-8 (string paths allow relative lookups)
      const s = rootPath.toString();
      if (Buffer.from(s).equals(rootPath)) rootPath = s;
    }
    try {
      fs.accessSync(rootPath, fs.constants.R_OK | fs.constants.X_OK);
    } catch (e) {
      return Promise.reject(new ScanError(`cannot read ${rootPath}: ${errnoText((e as NodeJS.ErrnoException).code)}`));
    }
    if (typeof rootPath === 'string') (this as { root: string }).root = rootPath;
    if (process.env.DISKBLAME_NO_CHDIR === undefined) {
      try {
        this.cwd = process.cwd();
      } catch {
        this.cwd = null; // the current directory is gone: no relative lookups, nothing to restore
      }
    }
    const patterns = compilePatterns(this.opts.exclude ?? []);
    const cfg: WorkerConfig = {
      patterns,
      crossMounts: !!this.opts.crossMounts,
      rootDev: st.dev,
      chunk: CHUNK,
      longPath: LONG_PATH,
      kernfs: KERNFS_MAGICS,
      ...(this.opts.crossMounts ? {} : mountsInside(rootPath)),
      native: nativeForScan(),
      ...(this.opts.excludeCaches ? { excludeCaches: true } : {}),
      ...(this.opts.followSymlinks ? { follow: true } : {}),
    };
    // Scanning threads. Threads scan; the main thread takes their results (builds the tree, or
    // writes the export) and scans only what they leave: all of a small tree, and a short batch
    // whenever every thread already has its next tasks waiting. A worker thread costs ~40 ms of CPU
    // and ~12 MB to start, a native one almost nothing; either is only worth it beside a busy main
    // thread when it gets a core of its own: by default one starts when the scan has proved big
    // enough AND the machine has had a processor idle since the last look (every LOOK_MS, all
    // through the scan), up to min(4, cores) threads in all. --threads N asks for exactly N: N-1 workers beside the main thread for a tree
    // (N for an export, whose writing keeps the main thread busy), as soon as the scan is big enough.
    const mainScans = this.opts.mainThreadScans !== false;
    // -L: one engine, which holds the (dev, ino) seen (WorkerConfig.follow)
    const asked = this.opts.followSymlinks ? 1 : this.opts.threads;
    const cap = asked ?? Math.min(4, os.availableParallelism());
    const n = Math.max(1, Math.min(cap, 16));
    const local = mainScans && (asked === undefined || this.unordered || n === 1);
    if (local) this.workers.push((this.local = this.localSlot(cfg)));
    this.spawnLeft = local ? n - 1 : n;
    this.forced = asked !== undefined;
    // the functions' own source; __name covers transpilers that wrap functions in a naming helper
    let src = '';
    // native threads when every directory can be read on one (no --exclude, no mount point inside)
    this.nativeThreads = nativeThreadsFor(cfg);
    this.startWorker = () => {
      this.spawnLeft--;
      if (this.nativeThreads) {
        this.workers.push(this.nativeSlot(cfg));
        return;
      }
      src ||= `var __name = (f) => f; (${workerMain.toString()})(${JSON.stringify(scanEngine.toString())}, require)`;
      // (node:worker_threads loaded here, for the first worker: native scanning threads and a scan
      // the main thread does alone never need it, and loading it is ~2 ms of every start)
      const { Worker } = builtinRequire()('node:worker_threads') as typeof WorkerThreads;
      const w = new Worker(src, {
        eval: true,
        workerData: cfg,
        // a worker holds little: a small young generation keeps its resident memory low
        resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_MB },
        // the fds a worker opens for deep paths are closed by the main thread, when no task needs them
        trackUnmanagedFds: false,
      });
      const slot: Slot = {
        local: false,
        out: 0,
        // one task while it starts (the main thread may do the rest meanwhile), then MAX_OUT
        max: 1,
        entries: 0,
        tasks: 0,
        since: performance.now() - this.started,
        busy: () => {
          try {
            return w.performance.eventLoopUtilization().utilization;
          } catch {
            return -1; // gone
          }
        },
        send: (tasks) => w.postMessage({ tasks: tasks.map(({ id, path, rel, dev, ino }) => ({ id, path, rel, dev, ino })) }),
        giveBack: (a, b) => w.postMessage({ recycle: [a, b] }, [a, b]),
        stop: () => w.terminate(),
      };
      w.once('online', () => {
        // a new isolate resets the flag (util/young.ts): hold again once it is up
        if (!this.settled) holdYoungGeneration();
        slot.max = MAX_OUT;
        this.schedule();
      });
      w.on('message', (m: Msg) => this.deliver(slot, m));
      w.on('error', (err) => this.fail(err));
      this.workers.push(slot);
    };
    // the main thread's young generation stays small (util/young.ts): a tree or an export; what
    // threads free goes back to the system (native.ts holdMallocTrim)
    holdYoungGeneration();
    holdMallocTrim();
    if (!local) {
      // only workers scan: the first starts now (all of them when asked for)
      this.startWorker();
      while (this.forced && this.spawnLeft > 0) this.startWorker();
    }
    if (this.spawnLeft > 0 && !this.forced) this.meter = new IdleMeter();
    const rootEntry = statToEntry(st, Buffer.from(rootPath));
    const rootTask = this.newTask(0, rootPath, patterns.length ? '' : null, st.dev, st.ino, -1);
    this.tasks.push(rootTask); // id 0
    this.queue.push('', 0);
    if (this.unordered) rootTask.handle = (this.sink as UnorderedSink).addRoot(rootEntry);
    else this.frames.push({ id: 0, entry: rootEntry, entered: false, pieceIdx: 0, subs: [], subPos: 0 });
    this.entries = 1;
    this.bytes = Number(rootEntry.dsize);
    return new Promise<ScanResult>((res, rej) => {
      this.resolve = res;
      this.reject = rej;
      this.schedule();
    });
  }

  /** A native scanning thread (nthread.ts): no isolate, no start-up; at full speed at once. */
  private nativeSlot(cfg: WorkerConfig): Slot {
    const since = performance.now() - this.started;
    let slot: Slot;
    let opened: [number, number] | null = null;
    const th = new NativeScanThread(
      cfg,
      (m) => this.deliver(slot, m as Msg),
      (err) => this.fail(err),
      (id) => this.tasks[id]!.path,
    );
    slot = {
      local: false,
      out: 0,
      max: MAX_OUT,
      entries: 0,
      tasks: 0,
      since,
      busy: () => th.busy(),
      send: (tasks) => th.send(tasks),
      giveBack: (a) => th.recycle(a),
      stop: () => {
        opened ??= th.stop();
        return Promise.resolve(opened);
      },
    };
    return slot;
  }

  /** The main thread's own share of the scanning: one batch per turn of the event loop. */
  private localSlot(cfg: WorkerConfig): Slot {
    const out: WorkerMessage[] = [];
    // the main thread may stand in each directory it lists (relative lookups, like du's fstatat);
    // the working directory is put back when the scan ends (restoreCwd)
    const engine: ScanEngine = scanEngine(
      { ...cfg, chdir: this.cwd !== null },
      (m) => out.push(m),
      builtinRequire(),
    );
    let next: Task[] | null = null;
    let stopped = false;
    const slot: Slot = {
      local: true,
      out: 0,
      max: 1,
      entries: 0,
      tasks: 0,
      since: 0,
      busy: () => -1,
      send: (tasks) => {
        next = tasks;
        setImmediate(() => {
          if (stopped || !next) return;
          const batch = next;
          next = null;
          const t0 = STATS ? performance.now() : 0;
          engine.scanBatch(batch);
          if (STATS) this.localMs += performance.now() - t0;
          const msgs = out.splice(0);
          for (const m of msgs) this.deliver(slot, m as Msg);
        });
      },
      giveBack: (a, b) => engine.recycle(a, b),
      stop: () => {
        stopped = true;
        const opened = engine.end(); // the native reader's cached directory fds
        if (STATS && opened)
          process.stderr.write(`  main thread: ${opened[0]} directories opened relative to their parent's fd, ${opened[1]} by whole path\n`);
        return Promise.resolve();
      },
    };
    return slot;
  }

  private deliver(slot: Slot, m: Msg): void {
    if (m.end) slot.out--;
    collectIfGrown();
    m.left = m.pieces.length;
    m.from = slot;
    for (const p of m.pieces) {
      this.entriesListed += p.count;
      if (p.last) this.dirsListed++;
    }
    if (!STATS) return this.onMessage(m);
    slot.entries += m.nums.length / NF;
    const t0 = performance.now();
    this.onMessage(m);
    this.takeMs += performance.now() - t0;
  }

  private newTask(id: number, p: string | Uint8Array, rel: string | null, dev: number, ino: number, anchorRef: number): TaskState {
    return { id, path: p, rel, dev, ino, anchorRef, ownAnchor: -1, dispatched: false, key: '', kidN: 0, handle: -1, pieces: [], done: false, err: null };
  }

  private schedule(): void {
    if (this.aborted || this.settled) return;
    if (this.spawnLeft > 0) this.considerWorkers();
    // the directory the emission waits for goes first, whatever the throttle says
    const f = this.frames[this.frames.length - 1];
    const awaited = f ? this.tasks[f.id] : undefined;
    // workers first, so that they never wait; the main thread takes what they leave
    let full = true;
    for (const slot of this.workers) {
      if (slot.local) continue;
      while (slot.out < slot.max && this.send(slot, WORKER_ENTRIES, f, awaited));
      if (slot.out < slot.max) full = false;
    }
    const local = this.local;
    if (local && local.out < local.max && full) this.send(local, LOCAL_ENTRIES, f, awaited);
  }

  /**
   * Send `slot` one task: the awaited directory if not yet dispatched, then directories in
   * depth-first order, about `entries` entries' worth (unless throttled). False: nothing to send.
   */
  private send(slot: Slot, entries: number, f: Frame | undefined, awaited: TaskState | undefined): boolean {
    const batch: Task[] = [];
    if (awaited && !awaited.dispatched) {
      awaited.dispatched = true;
      batch.push(awaited);
    }
    if (this.pending <= PENDING_LIMIT) {
      // entries per directory so far (9 in /usr), starting from a guess of 8
      const perDir = (this.entriesListed + 32) / (this.dirsListed + 4);
      const dirs = Math.max(1, Math.min(MAX_DIRS, Math.round(entries / perDir)));
      while (batch.length < dirs && this.queue.size) {
        const id = this.queue.pop();
        const t = this.tasks[id];
        if (!t || t.dispatched) continue;
        t.dispatched = true;
        batch.push(t);
      }
    }
    if (!batch.length) return false;
    slot.out++;
    slot.tasks++;
    slot.send(batch);
    return true;
  }

  /**
   * Start a worker when the scan is big enough and (unless --threads was given) a processor has
   * been idle since the last look; looks are LOOK_MS apart, all through the scan.
   */
  private considerWorkers(): void {
    if (this.nativeThreads ? this.entries < NATIVE_SPAWN_ENTRIES && this.queue.size < NATIVE_SPAWN_QUEUE : this.entries < SPAWN_ENTRIES && this.queue.size < SPAWN_QUEUE) return;
    if (this.forced) {
      while (this.spawnLeft > 0) this.startWorker();
      return;
    }
    const now = performance.now();
    if (now < this.nextLook) return;
    // the main thread and the scanning threads already started each keep a processor busy
    let running = 1;
    for (const w of this.workers) if (!w.local) running++;
    const free = this.meter!.freeCoresBeside(running);
    if (STATS) {
      if (free === null) this.looksTooSoon++;
      else this.looks.push(free);
    }
    // too soon to tell (under a clock tick per processor): look again shortly; until a thread
    // runs, every FIRST_LOOK_MS (a small tree is done in a few hundred ms: /usr's 146k entries)
    this.nextLook = now + (free === null ? LOOK_MS / 10 : running === 1 ? FIRST_LOOK_MS : LOOK_MS);
    // one worker per free core (3 at once on a quiet 4-core machine), at most those left
    if (free !== null && free >= FREE_CORE)
      for (let k = Math.floor(free - FREE_CORE) + 1; k > 0 && this.spawnLeft > 0; k--) this.startWorker();
  }

  /** Progress counters: entries and disk bytes seen, and the directory last listed. */
  progress(): { entries: number; bytes: number; current: string | Uint8Array } {
    return { entries: this.entries, bytes: this.bytes, current: this.current };
  }

  private onMessage(m: Msg): void {
    if (this.settled) return;
    if (this.unordered) {
      try {
        this.takeUnordered(m);
      } catch (err) {
        this.fail(err);
        return;
      }
      this.schedule();
      return;
    }
    for (const piece of m.pieces) {
      const t = this.tasks[piece.id];
      if (!t) continue;
      const via = this.takeAnchor(t, piece);
      for (const sub of piece.subs)
        (sub as unknown as unknown[])[3] = this.queueChild(t, sub, m.nums[sub[0] * NF + 2], m.nums[sub[0] * NF + 3], via, -1);
      t.pieces.push({ msg: m, piece });
      this.pending += piece.count;
      if (piece.err) t.err = piece.err;
      if (piece.last) {
        t.done = true;
        t.key = ''; // its children have theirs
        if (t.ownAnchor >= 0) this.release(t.ownAnchor);
        if (t.anchorRef >= 0) this.release(t.anchorRef);
      }
    }
    try {
      this.pump();
    } catch (err) {
      this.fail(err);
      return;
    }
    this.schedule();
  }

  /**
   * Unordered mode: hand every listing to the sink now (its packed records as they are: no Entry,
   * no view per name), queue the subdirectories, recycle the buffers.
   */
  private takeUnordered(m: Msg): void {
    const sink = this.sink as UnorderedSink;
    const nums = m.nums;
    const names = m.names;
    let no = 0;
    for (const piece of m.pieces) {
      const t = this.tasks[piece.id];
      const at = no;
      // the disk bytes (progress) and the next piece's names
      let bytes = 0;
      for (let r = piece.start; r < piece.start + piece.count; r++) {
        bytes += nums[r * NF + R_DSIZE];
        no += 2 + (names[no] | (names[no + 1] << 8));
      }
      if (!t) continue;
      if (piece.err) {
        if (piece.id === 0) throw new ScanError(`cannot read ${this.root}: ${errnoText(piece.err)}`);
        sink.markReadError(t.handle);
      }
      const via = this.takeAnchor(t, piece);
      // record piece.start + k is entry first + k
      const first = sink.addListing(t.handle, nums, names, piece.start, piece.count, at, m.big);
      for (const sub of piece.subs) {
        const o = sub[0] * NF;
        this.queueChild(t, sub, nums[o + R_DEV], nums[o + R_INO], via, first + sub[0] - piece.start);
      }
      this.bytes += bytes;
      this.entries += piece.count;
      if (piece.last) {
        this.current = t.path;
        if (t.ownAnchor >= 0) this.release(t.ownAnchor);
        if (t.anchorRef >= 0) this.release(t.anchorRef);
        this.tasks[piece.id] = undefined;
      }
    }
    this.recycle(m);
    if (this.queue.size === 0 && this.workers.every((w) => w.out === 0)) this.finish(false);
  }

  /** Note the fd a worker opened for this directory; returns the anchor its children's paths go through. */
  private takeAnchor(t: TaskState, piece: Piece): number {
    if (piece.anchor >= 0) {
      t.ownAnchor = piece.anchor;
      this.anchors.set(piece.anchor, 1);
    }
    return t.ownAnchor >= 0 ? t.ownAnchor : t.anchorRef;
  }

  /** Queue subdirectory `sub` of `t` for scanning, in depth-first order; returns its task id. */
  private queueChild(t: TaskState, sub: Piece['subs'][number], dev: number, ino: number, via: number, handle: number): number {
    const id = this.tasks.length;
    const kid = this.newTask(id, sub[1], sub[2], dev, ino, via);
    if (via >= 0) this.anchors.set(via, (this.anchors.get(via) ?? 0) + 1);
    kid.key = childKey(t.key, t.kidN++);
    kid.handle = handle;
    this.tasks.push(kid); // at index id
    this.queue.push(kid.key, id);
    return id;
  }

  private recycle(msg: Msg): void {
    const a = msg.nums.buffer as ArrayBuffer;
    const b = msg.names.buffer as ArrayBuffer;
    msg.from.giveBack(a, b);
  }

  private release(fd: number): void {
    const r = (this.anchors.get(fd) ?? 1) - 1;
    if (r > 0) this.anchors.set(fd, r);
    else {
      this.anchors.delete(fd);
      try {
        fs.closeSync(fd);
      } catch {
        /* already closed */
      }
    }
  }

  /** Emit sink events as far as the results that arrived allow. */
  private pump(): void {
    const sink = this.sink as Sink;
    const e = this.e;
    while (this.frames.length) {
      const f = this.frames[this.frames.length - 1];
      const t = this.tasks[f.id]!;
      if (!f.entered) {
        if (!t.pieces.length && !t.done) return;
        if (t.err && f.id === 0) throw new ScanError(`cannot read ${this.root}: ${errnoText(t.err)}`);
        f.entry.readError = t.err !== null;
        sink.enterDir(f.entry);
        f.entered = true;
        this.current = t.path;
      }
      while (f.pieceIdx < t.pieces.length) {
        const { msg, piece } = t.pieces[f.pieceIdx];
        t.pieces[f.pieceIdx++] = undefined as never;
        const names = msg.names;
        // name offsets: walk the names buffer from the message start up to this piece
        let no = nameOffset(msg, piece.start);
        let sub = 0;
        for (let r = piece.start; r < piece.start + piece.count; r++) {
          const len = names[no] | (names[no + 1] << 8);
          const name = names.subarray(no + 2, no + 2 + len);
          no += 2 + len;
          e.name = name;
          const flags = readRecord(msg, r, e);
          this.entries++;
          this.bytes += Number(e.dsize);
          if (flags & 64) {
            const s = piece.subs[sub++] as unknown as [number, unknown, unknown, number];
            f.subs.push({ entry: { ...e, name: new Uint8Array(name) }, id: s[3] }); // a copy: the buffer is recycled
          } else sink.addEntry(e);
        }
        this.pending -= piece.count;
        if (--msg.left === 0) this.recycle(msg);
      }
      if (!t.done) return;
      if (f.subPos < f.subs.length) {
        const s = f.subs[f.subPos];
        f.subs[f.subPos++] = undefined as never;
        this.frames.push({ id: s.id, entry: s.entry, entered: false, pieceIdx: 0, subs: [], subPos: 0 });
        continue;
      }
      sink.leaveDir();
      this.frames.pop();
      this.tasks[f.id] = undefined;
    }
    this.finish(false);
  }

  private finish(incomplete: boolean): void {
    if (this.settled) return;
    this.settled = true;
    if (STATS) this.printStats();
    // let the workers go first: their memory is free before the sink builds its indexes
    const stopped = Promise.all(this.workers.map((w) => w.stop()));
    this.closeAnchors();
    this.restoreCwd();
    try {
      if (incomplete && !this.unordered) {
        // stopped before the root's first listing arrived: the result is still a tree, the root alone
        // (else the sink gets no directory at all: an export without a tree, which its readers refuse)
        const root = this.frames[0];
        if (root && root.id === 0 && !root.entered) {
          (this.sink as Sink).enterDir(root.entry);
          root.entered = true;
        }
        for (let k = this.frames.length - 1; k >= 0; k--) if (this.frames[k].entered) (this.sink as Sink).leaveDir();
      }
    } catch (err) {
      this.reject(err);
      return;
    }
    this.frames = [];
    this.tasks = [];
    stopped
      .then(() => {
        // the scan's garbage collected before the sink's indexes and totals are made (the peak),
        // when they are big enough for it to lower the peak (see END_COLLECT_DIRS)
        if (this.dirsListed >= END_COLLECT_DIRS) collectIfGrown(true);
        return this.sink.finish({ timestamp: Math.floor(Date.now() / 1000), producer: 'scan', incomplete });
      })
      .finally(() => releaseYoungGeneration())
      .then(
        () => this.resolve({ root: this.root, incomplete, elapsedMs: performance.now() - this.started }),
        (err) => this.reject(err),
      );
  }

  /** DISKBLAME_SCAN_STATS=1: how the threads spent the scan, on stderr (see STATS) */
  private printStats(): void {
    const life = performance.now() - this.started;
    const pc = (x: number) => `${Math.round(x * 100)}%`;
    const lines = [
      `scan stats: ${this.entries} entries, ${this.dirsListed} directories in ${Math.round(life)} ms (from ${Math.round(this.started)} to ${Math.round(this.started + life)} ms of the process)`,
    ];
    if (!exitStatsHooked) {
      // once per process (the browser rescans: one line at exit, not one per scan)
      exitStatsHooked = true;
      process.once('exit', () => process.stderr.write(`  the process exits at ${Math.round(performance.now())} ms\n`));
    }
    if (this.local)
      lines.push(
        `  main thread: scanned ${this.local.entries} entries in ${this.local.tasks} tasks; ${pc(this.localMs / life)} of its time scanning, ${pc(this.takeMs / life)} taking results`,
      );
    else lines.push(`  main thread: ${pc(this.takeMs / life)} of its time taking results`);
    if (this.meter) {
      const f = [...this.looks].sort((a, b) => a - b);
      const at = (q: number): string => (f.length ? f[Math.min(f.length - 1, Math.floor(q * f.length))].toFixed(2) : '-');
      lines.push(`  looks at the idle processors: ${f.length} (and ${this.looksTooSoon} too soon to tell), free cores ${at(0)} / ${at(0.5)} / ${at(1)} (smallest / median / largest)`);
    }
    if (this.workers.some((w) => !w.local)) lines.push(`  scanning threads: ${this.nativeThreads ? 'native' : 'worker'}`);
    let k = 0;
    for (const w of this.workers)
      if (!w.local) lines.push(`  worker ${++k}: started at ${Math.round(w.since)} ms, scanned ${w.entries} entries in ${w.tasks} tasks, busy ${pc(w.busy())} of its life`);
    process.stderr.write(lines.join('\n') + '\n');
  }

  private restoreCwd(): void {
    if (this.cwd === null) return;
    try {
      process.chdir(this.cwd);
    } catch {
      process.chdir('/'); // it vanished during the scan
    }
  }

  private closeAnchors(): void {
    for (const fd of this.anchors.keys()) {
      try {
        fs.closeSync(fd);
      } catch {
        /* ignore */
      }
    }
    this.anchors.clear();
  }

  private fail(err: unknown): void {
    if (this.settled) return;
    this.settled = true;
    releaseYoungGeneration();
    for (const w of this.workers) void w.stop();
    this.closeAnchors();
    this.restoreCwd();
    this.reject(err);
  }
}

/** Fill `e` (all but the name) from record `r` of `msg`; returns the record's flags. */
function readRecord(msg: WorkerMessage, r: number, e: Entry): number {
  const nums = msg.nums;
  const o = r * NF;
  const flags = nums[o + 9];
  e.type = (flags & 3) as EntryType;
  e.asize = nums[o];
  e.dsize = nums[o + 1];
  e.dev = nums[o + 2];
  e.ino = nums[o + 3];
  e.nlink = nums[o + 4];
  e.mtime = nums[o + 5];
  e.uid = nums[o + 6];
  e.gid = nums[o + 7];
  e.mode = nums[o + 8];
  e.readError = (flags & 4) !== 0;
  e.excluded = ((flags >> 3) & 7) as Excluded;
  if (flags & RF_BIG) {
    const b = msg.big?.find((x) => x[0] === r);
    if (b) {
      e.asize = normBytes(b[1]);
      e.dsize = normBytes(b[2]);
      e.ino = normBytes(b[3]);
    }
  }
  return flags;
}

/** Offset in msg.names of record `index` (records before it are walked once per piece). */
function nameOffset(msg: Msg, index: number): number {
  let no = 0;
  let ni = 0;
  if (msg._ni !== undefined && msg._ni <= index) {
    no = msg._no!;
    ni = msg._ni;
  }
  const names = msg.names;
  while (ni < index) {
    no += 2 + (names[no] | (names[no + 1] << 8));
    ni++;
  }
  msg._ni = ni;
  msg._no = no;
  return no;
}

/** Scan `root` into `sink`. Convenience wrapper. */
export function scan(root: string, sink: Sink | UnorderedSink, opts: ScanOptions = {}): { scanner: Scanner; done: Promise<ScanResult> } {
  const scanner = new Scanner(root, sink, opts);
  return { scanner, done: scanner.run() };
}
