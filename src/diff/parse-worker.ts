/**
 * Reading snapshot B in a worker thread while the main thread loads snapshot A into the tree: the
 * two parses (most of a diff's time) run on two cores. The worker encodes B's sink events compactly
 * (about 12 bytes plus the name per entry, only the fields the diff uses) into 4 MB chunks and
 * transfers them; the main thread replays them into the diff sink once A is loaded. Errors in B
 * come back as ImportError with their message and offset.
 *
 * The worker runs the CLI's own script (dist/cli/main.js or the bundle) with workerData.role =
 * 'diff-parse': main.ts hands such a thread to workerMain instead of parsing arguments.
 */
import { parentPort, Worker } from 'node:worker_threads';
import { emptyEntry, Entry, Excluded, Sink, SourceInfo } from '../model/entry.js';
import { importExport, ImportError } from '../import/ncdu-reader.js';
import { Bytes, normBytes } from '../util/exact.js';

export const PARSE_ROLE = 'diff-parse';
const CHUNK = 4 << 20;
const ENTER = 1;
const ADD = 2;
const LEAVE = 3;

type Msg = { chunk: ArrayBuffer; len: number; entries: number; bytes: number } | { done: SourceInfo } | { error: string; offset: number; importError: boolean };

class Encoder implements Sink {
  private buf = new Uint8Array(CHUNK);
  private pos = 0;
  private entries = 0;
  private bytes = 0;
  constructor(private readonly post: (m: Msg, transfer: ArrayBuffer[]) => void) {}

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    this.flush();
    if (n > this.buf.length) this.buf = new Uint8Array(n + CHUNK);
  }
  flush(): void {
    if (this.pos === 0) return;
    const b = this.buf.buffer as ArrayBuffer;
    this.post({ chunk: b, len: this.pos, entries: this.entries, bytes: this.bytes }, [b]);
    this.buf = new Uint8Array(CHUNK);
    this.pos = 0;
  }
  private varint(v: number): void {
    const b = this.buf;
    let p = this.pos;
    if (!(v >= 0) || !Number.isFinite(v)) v = 0;
    while (v >= 128) {
      b[p++] = (v % 128) | 128;
      v = Math.floor(v / 128);
    }
    b[p++] = v;
    this.pos = p;
  }
  /** an exact integer (a byte count, an inode number): the same varint, continued in BigInt from 2^53 up */
  private bytesVarint(v: Bytes): void {
    if (typeof v === 'number') return this.varint(v);
    const b = this.buf;
    let p = this.pos;
    while (v >= 128n) {
      b[p++] = Number(v & 127n) | 128;
      v >>= 7n;
    }
    b[p++] = Number(v);
    this.pos = p;
  }
  private entry(tag: number, e: Entry): void {
    const name = e.name;
    this.ensure(name.length + 80);
    const b = this.buf;
    b[this.pos++] = tag;
    b[this.pos++] = (e.type & 3) | (e.readError ? 4 : 0) | ((e.excluded & 7) << 3);
    this.varint(name.length);
    b.set(name, this.pos);
    this.pos += name.length;
    this.bytesVarint(e.asize);
    this.bytesVarint(e.dsize);
    this.varint(e.nlink);
    this.varint(e.uid + 1);
    if (e.nlink > 1) {
      this.varint(e.dev);
      this.bytesVarint(e.ino);
    }
    this.entries++;
    if (e.excluded === Excluded.None) this.bytes += Number(e.dsize);
  }
  enterDir(e: Entry): void {
    this.entry(ENTER, e);
  }
  addEntry(e: Entry): void {
    this.entry(ADD, e);
  }
  leaveDir(): void {
    this.ensure(1);
    this.buf[this.pos++] = LEAVE;
  }
  finish(): void {
    this.flush();
  }
}

/** The worker's side: parse the file, post the chunks, then `done` or `error`. */
export async function workerMain(data: { file: string; label: string }): Promise<void> {
  const port = parentPort!;
  const enc = new Encoder((m, t) => port.postMessage(m, t));
  try {
    const info = await importExport(data.file, enc, { label: data.label });
    port.postMessage({ done: info } satisfies Msg);
  } catch (e) {
    const err = e as Error & { offset?: number };
    port.postMessage({ error: err.message ?? String(e), offset: err.offset ?? 0, importError: e instanceof ImportError } satisfies Msg);
  }
}

/** Replays encoded chunks into a sink. */
function replay(chunk: Uint8Array, sink: Sink, e: Entry): void {
  let p = 0;
  const n = chunk.length;
  const varint = (): number => {
    let v = 0;
    let mul = 1;
    for (;;) {
      const c = chunk[p++];
      v += (c & 127) * mul;
      if (c < 128) return v;
      mul *= 128;
    }
  };
  /** bytesVarint's value: numbers below 2^49 (7 groups), BigInt beyond */
  const bytes = (): Bytes => {
    const start = p;
    let v = 0;
    let mul = 1;
    for (let k = 0; k < 7; k++) {
      const c = chunk[p++];
      v += (c & 127) * mul;
      if (c < 128) return v;
      mul *= 128;
    }
    p = start;
    let big = 0n;
    let shift = 0n;
    for (;;) {
      const c = chunk[p++];
      big |= BigInt(c & 127) << shift;
      if (c < 128) return normBytes(big);
      shift += 7n;
    }
  };
  while (p < n) {
    const tag = chunk[p++];
    if (tag === LEAVE) {
      sink.leaveDir();
      continue;
    }
    const f = chunk[p++];
    const len = varint();
    e.name = chunk.subarray(p, p + len);
    p += len;
    e.type = f & 3;
    e.readError = (f & 4) !== 0;
    e.excluded = (f >> 3) & 7;
    e.asize = bytes();
    e.dsize = bytes();
    e.nlink = varint();
    e.uid = varint() - 1;
    if (e.nlink > 1) {
      e.dev = varint();
      e.ino = bytes();
    } else {
      e.dev = 0;
      e.ino = 0;
    }
    if (tag === ENTER) sink.enterDir(e);
    else sink.addEntry(e);
  }
}

/**
 * Start reading `file` in a worker running `script` (the CLI's own code: see selfURL in util/self.ts). `start(sink)` replays
 * what was read (and the rest as it arrives) into the sink and resolves with B's SourceInfo after
 * sink.finish; call it when the sink is ready. `progress` counts what the worker has read so far.
 */
export function readInWorker(script: string | URL, file: string, label: string) {
  // a small young generation keeps the worker's resident memory low (as the scanner's workers)
  const options = { workerData: { role: PARSE_ROLE, file, label }, resourceLimits: { maxYoungGenerationSizeMb: 4 } };
  // the standalone binary is a CommonJS script, not a module at a URL: its text runs in the worker
  const program = globalThis.__DISKBLAME_SEA__?.program;
  const w = program ? new Worker(program, { ...options, eval: true }) : new Worker(script, options);
  const queue: Msg[] = [];
  let wake: (() => void) | null = null;
  let failed: Error | null = null;
  const seen = { entries: 0, bytes: 0 };
  w.on('message', (m: Msg) => {
    if ('chunk' in m) {
      seen.entries = m.entries;
      seen.bytes = m.bytes;
    }
    queue.push(m);
    wake?.();
  });
  w.on('error', (err) => {
    failed = err;
    wake?.();
  });
  w.on('exit', () => {
    failed ??= new Error('the thread reading the second snapshot ended early');
    wake?.();
  });
  const next = async (): Promise<Msg> => {
    for (;;) {
      const m = queue.shift();
      if (m) return m;
      if (failed) throw failed;
      await new Promise<void>((res) => (wake = res));
      wake = null;
    }
  };
  return {
    progress: () => ({ entries: seen.entries, bytes: seen.bytes, current: label }),
    stop: () => void w.terminate(),
    async start(sink: Sink): Promise<SourceInfo> {
      const e = emptyEntry();
      try {
        for (;;) {
          const m = await next();
          if ('chunk' in m) replay(new Uint8Array(m.chunk, 0, m.len), sink, e);
          else if ('done' in m) {
            await sink.finish(m.done);
            return m.done;
          } else {
            if (m.importError) throw new ImportError(m.error, m.offset);
            throw new Error(m.error);
          }
        }
      } finally {
        void w.terminate();
      }
    },
  };
}
