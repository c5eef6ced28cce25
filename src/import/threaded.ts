/**
 * Reading an export into a Tree with the parse on a worker thread: the worker runs the streaming
 * reader (ncdu-reader.ts, unchanged: every limit and every error as on the main thread) and packs
 * its sink events into records; the main thread only adds them to the tree. On two cores the
 * parse (about 60% of an import's time) and the tree's building overlap; not used by default (see
 * threadWorthIt: the thread's own cost ate the overlap's gain where measured).
 *
 * The records: see records.ts.
 *
 * Chunks are written in place in MAX_IN_FLIGHT (4) slots of shared memory, used in turn (the
 * message only names the slot): nothing is allocated per chunk. A counter in shared memory says how
 * many are posted and not yet added to the tree; the worker waits while all slots are: its lead,
 * hence the memory, stays bounded however slow the tree's side is.
 *
 * The worker runs the CLI's own script (dist/cli/main.js, the bundle, or the standalone binary's
 * program) with workerData.role = IMPORT_ROLE: main.ts hands such a thread to workerMain.
 */
import { closeSync, fstatSync, openSync, readSync, statSync } from 'node:fs';
import os from 'node:os';
import { parentPort, Worker } from 'node:worker_threads';
import { emptyEntry, type Entry, type Sink, type SourceInfo } from '../model/entry.js';
import type { Tree } from '../tree/tree.js';
import { putLength } from '../util/varlen.js';
import { importExport, ImportError } from './ncdu-reader.js';
import {
  ADD, decode, decodeState, type DecodeState, ENTER, F_ASIZE, F_DEV, F_DSIZE, F_INO, F_MODE, F_MTIME, F_NLINK, F_OWNER, LEAVE,
} from './records.js';

export const IMPORT_ROLE = 'import-parse';

/** bytes of records per chunk (a chunk is posted when either array is nearly full) */
const U8_CHUNK = 256 << 10;
/** numbers per chunk */
const F64_CHUNK = 32 << 10;
/** chunks posted and not yet added to the tree, at most */
const MAX_IN_FLIGHT = 4;
/** a record's bytes besides its name, at most (tag, mask, a 3-byte length) */
const RECORD_HEAD = 5;

/** what the worker posts */
type Msg =
  | { slot: number; u8Len: number; big: bigint[] }
  | { done: SourceInfo }
  | { error: string; offset: number; importError: boolean };

/** The shared memory of the chunks: slot k is u8[k] (U8_CHUNK bytes) and f64[k] (F64_CHUNK numbers). */
export interface Slots {
  u8: SharedArrayBuffer[];
  f64: SharedArrayBuffer[];
}

/** MAX_IN_FLIGHT slots. */
export function makeSlots(): Slots {
  const slots: Slots = { u8: [], f64: [] };
  for (let k = 0; k < MAX_IN_FLIGHT; k++) {
    slots.u8.push(new SharedArrayBuffer(U8_CHUNK));
    slots.f64.push(new SharedArrayBuffer(F64_CHUNK * 8));
  }
  return slots;
}

/** The worker's sink: packs events into chunks and posts them (see the module header). Exported for the bench. */
export class Encoder implements Sink {
  private slot = 0;
  private u8: Uint8Array;
  private p = 0;
  private f64: Float64Array;
  private q = 0;
  private big: bigint[] = [];
  // the previous record's values (the decoder's reused Entry starts as emptyEntry() too)
  private readonly prev: Entry = emptyEntry();

  constructor(
    private readonly post: (m: Msg) => void,
    private readonly ctl: Int32Array,
    private readonly slots: Slots,
  ) {
    this.u8 = new Uint8Array(slots.u8[0]);
    this.f64 = new Float64Array(slots.f64[0]);
  }

  /** Post what is packed; waits while every slot is still unread. */
  flush(): void {
    if (this.p === 0) return;
    // (the numbers of this chunk are the first q: the decoder reads exactly as many as the bytes say)
    this.post({ slot: this.slot, u8Len: this.p, big: this.big });
    this.p = 0;
    this.q = 0;
    this.big = [];
    const ctl = this.ctl;
    // short waits: a thread being terminated gets back to JavaScript, where termination happens
    for (let n = Atomics.add(ctl, 0, 1) + 1; n >= MAX_IN_FLIGHT; n = Atomics.load(ctl, 0)) Atomics.wait(ctl, 0, n, 100);
    // the next slot is free now: the posted ones are the last fewer than MAX_IN_FLIGHT
    this.slot = (this.slot + 1) % MAX_IN_FLIGHT;
    this.u8 = new Uint8Array(this.slots.u8[this.slot]);
    this.f64 = new Float64Array(this.slots.f64[this.slot]);
  }

  private num(v: number | bigint): void {
    if (typeof v === 'number') this.f64[this.q++] = v;
    else {
      this.f64[this.q++] = NaN;
      this.big.push(v);
    }
  }

  private record(kind: number, e: Entry): void {
    const name = e.name;
    const len = name.length;
    if (this.p + len + RECORD_HEAD > this.u8.length || this.q + 9 > F64_CHUNK) {
      this.flush();
      // (the reader's names are at most LIMITS.name bytes, far below a slot)
      if (len + RECORD_HEAD > this.u8.length) throw new Error(`a name of ${len} bytes does not fit a chunk`);
    }
    const b = this.u8;
    let p = this.p;
    b[p++] = kind | (e.type << 2) | (e.readError ? 16 : 0) | (e.excluded << 5);
    const prev = this.prev;
    let m = 0;
    if (e.asize !== prev.asize) {
      m |= F_ASIZE;
      this.num((prev.asize = e.asize));
    }
    if (e.dsize !== prev.dsize) {
      m |= F_DSIZE;
      this.num((prev.dsize = e.dsize));
    }
    if (e.dev !== prev.dev) {
      m |= F_DEV;
      this.num((prev.dev = e.dev));
    }
    if (e.ino !== prev.ino) {
      m |= F_INO;
      this.num((prev.ino = e.ino));
    }
    if (e.nlink !== prev.nlink) {
      m |= F_NLINK;
      this.num((prev.nlink = e.nlink));
    }
    if (e.mtime !== prev.mtime) {
      m |= F_MTIME;
      this.num((prev.mtime = e.mtime));
    }
    if (e.uid !== prev.uid || e.gid !== prev.gid) {
      m |= F_OWNER;
      this.num((prev.uid = e.uid));
      this.num((prev.gid = e.gid));
    }
    if (e.mode !== prev.mode) {
      m |= F_MODE;
      this.num((prev.mode = e.mode));
    }
    b[p++] = m;
    p = putLength(b, p, len);
    if (len > 32) b.set(name, p);
    else for (let k = 0; k < len; k++) b[p + k] = name[k];
    this.p = p + len;
  }

  enterDir(e: Entry): void {
    this.record(ENTER, e);
  }
  addEntry(e: Entry): void {
    this.record(ADD, e);
  }
  leaveDir(): void {
    if (this.p + 1 > this.u8.length) this.flush();
    this.u8[this.p++] = LEAVE;
  }
  finish(): void {
    this.flush();
  }
}

/** The worker's side: read the file, post the chunks, then `done` or `error`. */
export async function workerMain(data: { file: string; label: string; ctl: SharedArrayBuffer; slots: Slots }): Promise<void> {
  const port = parentPort!;
  const enc = new Encoder((m) => port.postMessage(m), new Int32Array(data.ctl), data.slots);
  let m: Msg;
  try {
    m = { done: await importExport(data.file, enc, { label: data.label }) };
  } catch (e) {
    const err = e as Error & { offset?: number };
    m = { error: err?.message ?? String(e), offset: err?.offset ?? 0, importError: e instanceof ImportError };
  }
  port.postMessage(m);
}

/**
 * Bytes per entry of an ncdu JSON export, about the fewest real exports use: ncdu's own without -e
 * write about 47 on a tree shaped like /usr, with -e about 100 (a tree sized for more entries than
 * arrive costs address space, not memory: see Tree's constructor).
 */
const EXPORT_BYTES_PER_ENTRY = 40;

/**
 * The size of the export `file` in bytes, and about how many entries it holds at most (to size the
 * tree): from its size for a plain export; 0 (the tree grows as they come) for a gzip'd one, whose
 * entries the compressed size does not tell (its trailer's uncompressed size would, roughly: no
 * gain measured over growing). {bytes: null, entries: 0} for stdin,
 * anything but a regular file, or a file that cannot be read (the reader then says why).
 */
export function exportSize(file: string): { bytes: number | null; entries: number } {
  const none = { bytes: null, entries: 0 };
  if (file === '-') return none;
  let fd = -1;
  try {
    // opened only once known to be a regular file: a FIFO's open would wait for a writer
    if (!statSync(file).isFile()) return none;
    fd = openSync(file, 'r');
    const st = fstatSync(fd);
    if (!st.isFile()) return none;
    const head = Buffer.alloc(2);
    const gz = readSync(fd, head, 0, 2, 0) === 2 && head[0] === 0x1f && head[1] === 0x8b;
    return { bytes: st.size, entries: gz ? 0 : Math.ceil(st.size / EXPORT_BYTES_PER_ENTRY) };
  } catch {
    return none;
  } finally {
    if (fd >= 0) closeSync(fd);
  }
}

/**
 * how long the machine is watched for a free core before the worker starts (ms): the counters
 * move by clock ticks (10 ms), 6 of them on two processors
 */
const LOOK_MS = 30;
/**
 * processors idle over that look that make a core free for the worker: this thread's (idle while
 * it waits) and most of another (one busy tick of six allowed)
 */
const FREE_FOR_WORKER = 1.4;

/**
 * Whether to read `file` on a worker thread. Not by default: on the 1M real-shaped export the
 * thread's own cost (its start, about 0.13 s of CPU, and packing and unpacking the records) ate
 * what the overlap saved (2026-11-30, a busy 2-core machine, alternated: 1.12-1.3x the wall time of
 * the one-thread import, also at nice -19). DISKBLAME_IMPORT_THREADS=2 forces the thread, =auto
 * starts it for a file (not stdin) of at least 1 MiB when there is a way to start the program
 * again in a thread, two processors or more, and a free core: the processors' idle time over
 * LOOK_MS (scan/cpu.ts; where that cannot be read, the load average below the count of processors
 * minus one).
 * @param size the file's size in bytes (null when unknown)
 */
export async function threadWorthIt(file: string, size: number | null, script: URL | string | null): Promise<boolean> {
  if (file === '-' || script === null) return false;
  const asked = process.env.DISKBLAME_IMPORT_THREADS;
  if (asked === '2') return true;
  if (asked !== 'auto') return false;
  const cores = os.availableParallelism();
  if (size === null || size < 1 << 20 || cores < 2) return false;
  const { IdleMeter } = await import('../scan/cpu.js');
  const meter = new IdleMeter();
  await new Promise((resolve) => setTimeout(resolve, LOOK_MS));
  const free = meter.freeCores();
  return free !== null ? free >= FREE_FOR_WORKER : os.loadavg()[0] <= cores - 1;
}

/**
 * Reads the export `file` (a path; not stdin) into `tree` with the parse on a worker thread running
 * `script` (see selfURL in util/self.ts), then calls tree.finish. Resolves with the export's
 * SourceInfo. Errors in the input reject with the ImportError the reader gave (same message and
 * byte offset as without the thread); a thread that could not start or died rejects with an Error.
 * `progress()` counts what has been added so far (entries; bytes on disk; the last directory's name).
 */
export function importInThread(script: URL | string, file: string, tree: Tree, label: string) {
  const ctlBuf = new SharedArrayBuffer(4);
  const ctl = new Int32Array(ctlBuf);
  const slots = makeSlots();
  const u8s = slots.u8.map((b) => new Uint8Array(b));
  const f64s = slots.f64.map((b) => new Float64Array(b));
  // a small young generation keeps the worker's resident memory low (as the scanner's workers);
  // none of this process's node options (a loader the program itself does not need, e.g. under tests)
  const options = {
    workerData: { role: IMPORT_ROLE, file, label, ctl: ctlBuf, slots },
    resourceLimits: { maxYoungGenerationSizeMb: 4 },
    execArgv: [],
  };
  // the standalone binary is a CommonJS script, not a module at a URL: its text runs in the worker
  const program = globalThis.__DISKBLAME_SEA__?.program;
  const s: DecodeState = decodeState();
  const done = new Promise<SourceInfo>((resolve, reject) => {
    let settled = false;
    const w = program ? new Worker(program, { ...options, eval: true }) : new Worker(script, options);
    const fail = (err: Error) => {
      if (settled) return;
      settled = true;
      void w.terminate();
      reject(err);
    };
    w.on('message', (m: Msg) => {
      if (settled) return;
      try {
        if ('slot' in m) {
          decode(tree, s, u8s[m.slot].subarray(0, m.u8Len), f64s[m.slot], m.big);
          Atomics.sub(ctl, 0, 1);
          Atomics.notify(ctl, 0);
        } else if ('done' in m) {
          settled = true;
          void w.terminate();
          Promise.resolve(tree.finish(m.done)).then(() => resolve(m.done), reject);
        } else {
          fail(m.importError ? new ImportError(m.error, m.offset) : new Error(m.error));
        }
      } catch (err) {
        fail(err as Error);
      }
    });
    w.on('error', (err) => fail(err));
    w.on('exit', () => fail(new Error(`the thread reading ${label} ended early`)));
  });
  return {
    done,
    progress: () => ({ entries: tree.count, bytes: s.bytes, current: s.lastDir >= 0 ? tree.nameOf(s.lastDir) : '' }),
  };
}
