/**
 * A scanning thread of the native reader (src/native/dirscan.c, startThread): a pthread with its own
 * reader, no JavaScript isolate. It takes batches of tasks and gives back the scan engine's messages
 * (src/scan/worker.ts: WorkerMessage), so that the scanner (scanner.ts) drives it as it drives a
 * worker thread: send(tasks), a message per full buffer and one at each batch's end, recycle(buffers)
 * once a message is used, stop() at the end.
 *
 * The records (NF doubles each) and names (u16 length + bytes) are written by the thread into
 * buffers of the addon's own, seen here as ArrayBuffers without a copy; a message's pieces arrive
 * as numbers, and this side makes each subdirectory's path (the task's path + '/' + its name, or
 * /proc/self/fd/N + '/' + name below a directory the thread anchored, as the engine does) only for
 * the subdirectories to scan.
 *
 * It cannot take what needs JavaScript: --exclude patterns, mount points inside the root (by name,
 * from mountinfo). The scanner uses worker threads then (nativeThreadsFor).
 */
import { isUtf8 } from 'node:buffer';
import os from 'node:os';
import { loadAddon } from './native.js';
import { NF, type Piece, type Task, type WorkerConfig, type WorkerMessage } from './worker.js';

/** numbers per piece in a message's pieces (dirscan.c PIECE_F) */
const PIECE_F = 8;
const PROC_FD = '/proc/self/fd/';

/** a buffer of the addon's: its records, names, pieces and subdirectories (see dirscan.c) */
interface Buf {
  nums: ArrayBuffer;
  names: ArrayBuffer;
  pieces: Float64Array;
  subs: Uint32Array;
}

/** the addon's functions for scanning threads (see the comment above start_thread in dirscan.c) */
interface ThreadAddon {
  startThread(
    rootDev: number,
    crossMounts: boolean,
    kernfs: number[],
    longPath: number,
    onMessage: (
      buf: number,
      nums: ArrayBuffer | undefined,
      names: ArrayBuffer | undefined,
      pieces: ArrayBuffer | undefined,
      subs: ArrayBuffer | undefined,
      records: number,
      nameBytes: number,
      pieceNums: number,
      subNums: number,
      big: [number, bigint, bigint, bigint][] | null,
      end: boolean,
    ) => void,
    excludeCaches?: boolean,
  ): unknown;
  /** true when startThread takes excludeCaches (a build older than --exclude-caches: absent) */
  excludeCaches?: boolean;
  send(thread: unknown, paths: (string | Uint8Array)[], nums: Float64Array): void;
  recycle(thread: unknown, buf: number): void;
  busy(thread: unknown): number;
  stop(thread: unknown): [number, number];
}

/**
 * Whether this scan's directories can all be read on native threads: the addon is there and has
 * them, and nothing needs JavaScript (no --exclude pattern, no mount point inside the root).
 */
export function nativeThreadsFor(cfg: WorkerConfig): boolean {
  // (-L: the JavaScript reader, one engine: see WorkerConfig.follow)
  if (!cfg.native || cfg.patterns.length || (cfg.mountPoints?.length ?? 0) > 0 || cfg.follow) return false;
  try {
    const addon = loadAddon(cfg.native) as unknown as Partial<ThreadAddon>;
    return typeof addon.startThread === 'function' && (!cfg.excludeCaches || addon.excludeCaches === true);
  } catch {
    return false;
  }
}

// errno -> its code ('EACCES'), as fs errors say it (the first name of a number: EAGAIN, not EWOULDBLOCK)
let errnoNames: Map<number, string> | undefined;
function errnoName(n: number): string {
  if (!errnoNames) {
    errnoNames = new Map();
    for (const [k, v] of Object.entries(os.constants.errno as Record<string, number>)) if (!errnoNames.has(v)) errnoNames.set(v, k);
  }
  return errnoNames.get(n) ?? 'EIO';
}

/** A native scanning thread (see above). Throws when the addon cannot start one. */
export class NativeScanThread {
  private readonly addon: ThreadAddon;
  private readonly handle: unknown;
  /**
   * The path of a task sent and not finished, by id (the scanner's: it keeps its tasks until their
   * last piece is taken); their subdirectories' paths start with them. (A Map of its own here
   * had its table rebuilt as the tasks in flight came and went: garbage for V8's old generation.)
   */
  private readonly pathOf: (id: number) => string | Uint8Array;
  /** the addon's buffers by id (their memory: kept while the thread lives), and their ids by ArrayBuffer */
  private readonly bufs: Buf[] = [];
  private readonly ids = new Map<ArrayBuffer, number>();
  private readonly started = performance.now();
  private stopped = false;

  /**
   * @param cfg the scan's engine configuration (cfg.native: the addon's file)
   * @param onMessage gets each message, in the order the thread wrote them
   * @param pathOf the path of a task sent and not finished (by its id)
   * @param onFail told once when the thread ran out of memory: it scans no more, and the batches it
   *   had will not end
   */
  constructor(cfg: WorkerConfig, onMessage: (m: WorkerMessage) => void, onFail: (err: Error) => void, pathOf: (id: number) => string | Uint8Array) {
    this.pathOf = pathOf;
    this.addon = loadAddon(cfg.native!) as unknown as ThreadAddon;
    this.handle = this.addon.startThread(cfg.rootDev, cfg.crossMounts, cfg.kernfs, cfg.longPath, (id, n, m, p, s, records, nameBytes, pieceNums, subNums, big, end) => {
      if (this.stopped) return;
      if (id < 0) {
        onFail(new Error('a scanning thread ran out of memory'));
        return;
      }
      if (n && m && p && s) {
        this.bufs[id] = { nums: n, names: m, pieces: new Float64Array(p), subs: new Uint32Array(s) };
        this.ids.set(n, id);
      }
      onMessage(this.message(this.bufs[id], records, nameBytes, pieceNums, big, end));
    }, !!cfg.excludeCaches);
  }

  private message(buf: Buf, records: number, nameBytes: number, pieceNums: number, big: WorkerMessage['big'], end: boolean): WorkerMessage {
    const names = Buffer.from(buf.names, 0, nameBytes);
    const pm = buf.pieces;
    const subs = buf.subs;
    const pieces: Piece[] = [];
    for (let o = 0; o < pieceNums; o += PIECE_F) {
      const id = pm[o];
      const anchor = pm[o + 5];
      const last = pm[o + 3] === 1;
      const err = pm[o + 4] ? errnoName(pm[o + 4]) : null;
      const p: Piece = { id, start: pm[o + 1], count: pm[o + 2], subs: [], last, err, anchor };
      const n = pm[o + 7];
      if (n) {
        const base = anchor >= 0 ? PROC_FD + anchor : this.pathOf(id);
        const baseStr = typeof base === 'string' ? base + '/' : null;
        const baseBuf = baseStr === null ? Buffer.concat([base as Uint8Array, Buffer.from('/')]) : null;
        for (let s = pm[o + 6], e = s + n * 2; s < e; s += 2) {
          const no = subs[s + 1];
          const a = no + 2;
          const z = a + (names[no] | (names[no + 1] << 8));
          // an ASCII name (nearly all) is text as it is: no view of it to check, no decoding
          let ascii = baseStr !== null;
          for (let k = a; ascii && k < z; k++) if (names[k] > 0x7f) ascii = false;
          let path: string | Uint8Array;
          if (ascii) path = baseStr + names.toString('latin1', a, z);
          else if (baseStr !== null && isUtf8(names.subarray(a, z))) path = baseStr + names.toString('utf8', a, z);
          else path = Buffer.concat([baseBuf ?? Buffer.from(baseStr!), names.subarray(a, z)]);
          p.subs.push([subs[s], path, null]);
        }
      }
      pieces.push(p);
    }
    return { nums: new Float64Array(buf.nums, 0, records * NF), names, pieces, big, end };
  }

  /** Queue a batch of directories to scan (their records come back in messages, in this order). */
  send(tasks: Task[]): void {
    const nums = new Float64Array(tasks.length * 3);
    const paths: (string | Uint8Array)[] = [];
    for (let k = 0; k < tasks.length; k++) {
      const t = tasks[k];
      paths.push(t.path);
      nums[k * 3] = t.id;
      nums[k * 3 + 1] = t.dev;
      nums[k * 3 + 2] = t.ino;
    }
    this.addon.send(this.handle, paths, nums);
  }

  /** A message's buffers are used: the thread may write them again. */
  recycle(nums: ArrayBuffer): void {
    const id = this.ids.get(nums);
    if (id !== undefined && !this.stopped) this.addon.recycle(this.handle, id);
  }

  /** The share of its life the thread spent scanning so far (0..1). */
  busy(): number {
    const life = performance.now() - this.started;
    return life > 0 ? Math.min(1, this.addon.busy(this.handle) / life) : 0;
  }

  /**
   * Stop: the thread finishes the entry in hand and ends, its directories' fds are closed; messages
   * not delivered yet are dropped. Returns its opens relative to a cached parent's fd and by whole
   * path. Idempotent.
   */
  stop(): [number, number] {
    this.stopped = true;
    const opened = this.addon.stop(this.handle);
    // (the thread is gone: its buffers' memory may go with the ArrayBuffers)
    this.bufs.length = 0;
    this.ids.clear();
    return opened;
  }
}
