/**
 * Gzip and write on another thread, for the export writer (ncdu-writer.ts): the main thread builds
 * the JSON text while a worker compresses the previous pieces and writes them to the output's
 * descriptor, in order. The writer's events are synchronous (a scan or a tree replay calls them
 * in a loop), so the hand-over is too: a piece is copied into one of MAX_QUEUED shared slots, and
 * when MAX_QUEUED pieces wait, the main thread blocks (Atomics.wait) until the worker is done with
 * one: memory stays bounded (MAX_QUEUED pieces), whatever the export's size.
 *
 * Each piece becomes one gzip member, made by the library and level the writer's own thread uses
 * (gzip.ts: libdeflate, from this thread's own instance of the export addon, else zlib): the file is
 * the same, byte for byte, as the writer makes on its own thread.
 *
 * The worker is a small program of its own (no module of ours in it): it starts in a few
 * milliseconds, in the bundle and the standalone binary alike.
 */
import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker } from 'node:worker_threads';
import { reholdYoungGeneration } from '../util/young.js';
import { GZIP_OUT_CHUNK, gzipThreadLib } from './gzip.js';

/** slots of the shared state */
const DONE = 0; // pieces the worker finished with (written, skipped or failed)
const FAILED = 1; // 1: a write failed; its error was posted on the port
const STOP = 2; // 1: the writer gave up; pieces still queued are skipped
const STARTED = 3; // 1: the worker runs (set by its first line)

/**
 * How long the writer waits for a worker that has not started (ms). A worker that cannot start
 * (threads or memory exhausted) reports it as an event the blocked main thread would never see:
 * the wait is bounded instead, and the export fails with one line.
 */
const START_TIMEOUT_MS = 60_000;

/** pieces handed over and not yet written before the writer waits */
export const MAX_QUEUED = 3;

/** pieces between two garbage collections of the worker (see PROGRAM) */
const GC_EVERY = 8;

/**
 * The worker: gzip each piece, write it all (waiting out EAGAIN as util/write.ts writeAllSync does).
 * With `lib` (gzip.ts gzipThreadLib: the export addon's file and libdeflate's level), its own
 * instance of the addon's gzipPiece, into one buffer reused; else zlib at `level`. (Should the addon
 * not load here, from the file it loaded from on the main thread, zlib too: a valid file, other
 * bytes; test/export-fast.test.ts checks every member's maker.)
 */
const PROGRAM = `
const { workerData } = require('node:worker_threads');
const zlib = require('node:zlib');
const fs = require('node:fs');
const { fd, level, lib, state, bytes, port } = workerData;
const nap = new Int32Array(new SharedArrayBuffer(4));
let gz = null;
if (lib) {
  try {
    const m = { exports: {} };
    process.dlopen(m, lib.file);
    if (typeof m.exports.gzipPiece === 'function') gz = m.exports.gzipPiece;
  } catch {}
}
let out = new Uint8Array(0);
function gzip(src) {
  if (gz === null) return zlib.gzipSync(src, { level, chunkSize: ${GZIP_OUT_CHUNK} });
  let n = gz(lib.level, src, src.length, out);
  if (n < 0) {
    out = new Uint8Array(-n);
    n = gz(lib.level, src, src.length, out);
  }
  return out.subarray(0, n);
}
// With zlib, each piece leaves garbage outside this thread's heap (zlib's output buffers, ~2x the
// gzip'd piece), while the heap itself hardly grows: V8 would collect it only after tens of MiB, so
// the thread's memory grew with the export. A minor collection every ${GC_EVERY} pieces keeps it bounded:
// the buffers die young, a scavenge frees them. (A full one did the same for 20% more of this
// thread's CPU: 420 against 350 ms for 97 MB of text at level 3, the same peak. The way Jest
// reaches gc(); the flag is put back at once.) The pieces handed over gzip'd (writeGzipped) leave
// theirs too.
let collect = null;
try {
  require('node:v8').setFlagsFromString('--expose-gc');
  collect = require('node:vm').runInNewContext('gc');
} catch {}
try {
  require('node:v8').setFlagsFromString('--no-expose-gc');
} catch {}
let pieces = 0;
Atomics.store(state, ${STARTED}, 1);
Atomics.notify(state, ${DONE});
function writeAll(data) {
  let off = 0;
  while (off < data.length) {
    try {
      off += fs.writeSync(fd, data, off, data.length - off);
    } catch (e) {
      if (e.code !== 'EAGAIN' && e.code !== 'EWOULDBLOCK') throw e;
      Atomics.wait(nap, 0, 0, 5);
    }
  }
}
port.on('message', (m) => {
  if (m === null) return port.close();
  if (Atomics.load(state, ${FAILED}) === 0 && Atomics.load(state, ${STOP}) === 0) {
    try {
      const data = m.gz ? new Uint8Array(m.buf, 0, m.len) : m.len > 0 ? gzip(new Uint8Array(m.buf, 0, m.len)) : new Uint8Array(0);
      writeAll(data);
      bytes[0] += data.length;
    } catch (e) {
      port.postMessage({ code: e && e.code, message: String(e && e.message) });
      Atomics.store(state, ${FAILED}, 1);
    }
  }
  Atomics.add(state, ${DONE}, 1);
  Atomics.notify(state, ${DONE});
  if (collect !== null && ++pieces % ${GC_EVERY} === 0) collect({ type: 'minor' });
});
`;

/** A write that failed on the gzip thread: its errno code and message, as fs gives them. */
export interface ThreadWriteError {
  code?: string;
  message: string;
}

export class GzipThread {
  private readonly state = new Int32Array(new SharedArrayBuffer(16));
  private readonly bytes = new Float64Array(new SharedArrayBuffer(8));
  private readonly port: MessagePort;
  private readonly worker: Worker;
  private posted = 0;
  private closed = false;
  /**
   * The pieces' memory, shared with the worker and reused: nothing per piece is left for either
   * thread's garbage collector (transferred pieces piled up in the worker's heap until it ran).
   */
  private readonly slots: SharedArrayBuffer[] = [];

  /**
   * @param fd the open output (written by the worker from now on: the caller writes nothing to it
   *   until drain() returned)
   * @param level gzip level, zlib's 1-9 (gzip.ts maps it to libdeflate's)
   */
  constructor(fd: number, level: number) {
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    this.worker = new Worker(PROGRAM, {
      eval: true,
      workerData: { fd, level, lib: gzipThreadLib(level), state: this.state, bytes: this.bytes, port: port2 },
      transferList: [port2],
    });
    // its isolate's start resets V8's young-generation flag: a scan streaming into the writer holds it again
    this.worker.once('online', reholdYoungGeneration);
    this.worker.unref();
    this.port.unref();
  }

  /**
   * Hand a copy of `buf[0..len)` over to be gzip'd and written after the pieces before it (the
   * caller may reuse `buf` at once). Blocks while MAX_QUEUED pieces wait. Throws the errno error
   * of an earlier piece's failed write.
   */
  write(buf: Buffer, len: number): void {
    this.throwFailure();
    this.waitBelow(MAX_QUEUED);
    // piece p goes in slot p % MAX_QUEUED: free, since piece p - MAX_QUEUED is done
    const k = this.posted % MAX_QUEUED;
    let slot = this.slots[k];
    if (slot === undefined || slot.byteLength < len) slot = this.slots[k] = new SharedArrayBuffer(Math.max(len, buf.length));
    new Uint8Array(slot, 0, len).set(buf.subarray(0, len));
    this.port.postMessage({ buf: slot, len });
    this.posted++;
  }

  /**
   * Hand over a piece gzip'd by the caller (gzip.ts gzipPiece at this thread's level: the bytes this
   * thread would make of it), to be written after the pieces before it. Does not wait: the caller
   * keeps to one such piece beyond MAX_QUEUED (see `waiting`). Throws the errno error of an
   * earlier piece's failed write.
   */
  writeGzipped(data: Uint8Array): void {
    this.throwFailure();
    const buf = new ArrayBuffer(data.length);
    new Uint8Array(buf).set(data);
    this.port.postMessage({ buf, len: data.length, gz: true }, [buf]);
    this.posted++;
  }

  /** Pieces handed over and not yet written. */
  get waiting(): number {
    return this.posted - Atomics.load(this.state, DONE);
  }

  /** Wait until every piece handed over is written; throws the error of a failed write. */
  drain(): void {
    this.waitBelow(1);
    this.throwFailure();
  }

  /** As many pieces wait as write() takes before it blocks: the next write() would wait. */
  get full(): boolean {
    return this.waiting >= MAX_QUEUED;
  }

  /** gzip'd bytes written so far (all of them after drain()). */
  get written(): number {
    return this.bytes[0];
  }

  /**
   * Give up: pieces not started yet are skipped; returns once the worker no longer writes (the
   * descriptor may then be closed). Never throws.
   */
  cancel(): void {
    Atomics.store(this.state, STOP, 1);
    try {
      this.waitBelow(1);
    } catch {
      // a worker that never started writes nothing
    }
    this.close();
  }

  /** Let the worker go (after drain() or cancel()). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.port.postMessage(null);
    this.port.close();
  }

  /** Block until fewer than `n` pieces are waiting or being written. */
  private waitBelow(n: number): void {
    const since = performance.now(); // (monotonic: a clock set back or forward moves no deadline)
    for (;;) {
      const done = Atomics.load(this.state, DONE);
      if (this.posted - done < n) return;
      if (Atomics.load(this.state, STARTED) === 1) {
        Atomics.wait(this.state, DONE, done);
        continue;
      }
      // not started yet: wait in slices, and give up if it never does
      if (performance.now() - since > START_TIMEOUT_MS) {
        Atomics.store(this.state, STOP, 1);
        throw new Error(`the gzip thread did not start within ${START_TIMEOUT_MS / 1000} s`);
      }
      Atomics.wait(this.state, DONE, done, 100);
    }
  }

  private throwFailure(): void {
    if (Atomics.load(this.state, FAILED) === 0) return;
    const m = receiveMessageOnPort(this.port)?.message as ThreadWriteError | undefined;
    throw Object.assign(new Error(m?.message ?? 'write failed'), { code: m?.code });
  }
}
