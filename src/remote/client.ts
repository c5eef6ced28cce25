/**
 * Our side of the channel to an agent (protocol.ts): the hello, one request at a time, its data
 * and progress frames, its end; byte counters for the benchmarks. A dropped connection, garbage
 * from the other side or an agent of another protocol version ends every request with one line.
 */
import { VERSION } from '../version.js';
import { escapeName } from '../util/escape.js';
import { UserError } from '../util/errors.js';
import { Frame, FrameReader, frameJson, Hello, jsonFrame, Op, PROTO, ProtocolError } from './protocol.js';
import type { AgentProcess } from './types.js';

/** The channel ended (or was cut) before the request's end: what arrived is all there is. */
export class ConnectionLost extends UserError {}

export interface RequestHooks {
  /** a data frame of the request (a scan's gzip'd export) */
  onData?: (chunk: Buffer) => void;
  /** a progress frame of the request */
  onProgress?: (p: Record<string, unknown>) => void;
}

interface Pending {
  id: number;
  hooks: RequestHooks;
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
}

/** last line of a transport's stderr, escaped, for a message */
function lastLine(stderr: string): string {
  const lines = stderr.split('\n').map((l) => l.trim()).filter(Boolean);
  return lines.length ? escapeName(lines[lines.length - 1]).slice(0, 300) : '';
}

export class AgentClient {
  /** the agent's hello */
  hello!: Hello;
  /** bytes received from the agent (everything on its stdout) */
  get bytesReceived(): number {
    return this.reader.bytes;
  }
  /** bytes sent to the agent */
  bytesSent = 0;

  private readonly reader = new FrameReader(['H', 'D', 'P', 'R'], true);
  private pending: Pending | null = null;
  private nextId = 1;
  private failure: Error | null = null;
  private helloWait: { resolve: () => void; reject: (e: Error) => void } | null = null;
  private paused = false;

  private constructor(
    private readonly proc: AgentProcess,
    /** the target as written, for messages */
    private readonly label: string,
  ) {}

  /** Connect: wait for the agent's hello. Rejects with a UserError of one line. */
  static async open(proc: AgentProcess, label: string): Promise<AgentClient> {
    const c = new AgentClient(proc, label);
    await c.start();
    return c;
  }

  private start(): Promise<void> {
    const p = new Promise<void>((resolve, reject) => (this.helloWait = { resolve, reject }));
    this.proc.stdout.on('data', (chunk: Buffer) => {
      if (this.failure) return;
      let frames: Frame[];
      try {
        frames = this.reader.push(chunk);
        for (const f of frames) this.onFrame(f);
      } catch (e) {
        const msg = e instanceof ProtocolError ? e.message : (e as Error).message;
        this.fail(new UserError(`${this.label}: ${msg}`));
        this.proc.kill();
      }
    });
    this.proc.stdin.on('error', () => {
      /* a closed pipe: reported by `closed` */
    });
    this.proc.closed.then(
      (c) => {
        const tail = lastLine(c.stderr);
        const how = c.signal ? `ended by ${c.signal}` : `exit status ${c.code}`;
        this.fail(new ConnectionLost(`${this.label}: the connection ended (${how})${tail ? `: ${tail}` : ''}`));
      },
      (e: Error) => this.fail(new ConnectionLost(`${this.label}: ${e.message}`)),
    );
    return p;
  }

  private fail(e: Error): void {
    if (this.failure) return;
    this.failure = e;
    this.helloWait?.reject(e);
    this.helloWait = null;
    const p = this.pending;
    this.pending = null;
    p?.reject(e);
  }

  private onFrame(f: Frame): void {
    if (f.type === 'H') {
      const h = frameJson(f);
      if (h.proto !== PROTO) throw new ProtocolError(`the agent speaks protocol ${escapeName(String(h.proto))} (diskblame ${escapeName(String(h.version))}); this is ${PROTO} (diskblame ${VERSION})`);
      this.hello = { proto: PROTO, version: String(h.version), host: String(h.host ?? '') };
      this.helloWait?.resolve();
      this.helloWait = null;
      return;
    }
    if (!this.hello) throw new ProtocolError(`a ${f.type} message before the hello`);
    const p = this.pending;
    if (!p) throw new ProtocolError(`a ${f.type} message with no request`);
    if (f.type === 'D') p.hooks.onData?.(f.payload);
    else if (f.type === 'P') p.hooks.onProgress?.(frameJson(f));
    else {
      const r = frameJson(f);
      if (r.id !== p.id) throw new ProtocolError(`an answer to request ${escapeName(String(r.id))}, not ${p.id}`);
      this.pending = null;
      if (r.ok === true) p.resolve(r.value);
      else {
        const err = (r.error ?? {}) as { message?: unknown; code?: unknown };
        const code = typeof err.code === 'number' && Number.isInteger(err.code) && err.code > 0 && err.code < 256 ? err.code : 1;
        // the remote's own message, as it said it (escaped when printed: errLine)
        p.reject(new UserError(String(err.message ?? 'failed').slice(0, 4096), code));
      }
    }
  }

  /**
   * Send request `op` and wait for its end: resolves with the agent's value, rejects with its
   * error (a UserError with its message and exit code) or ConnectionLost. Requests are sent one
   * at a time, in order.
   */
  request(op: Op, args: Record<string, unknown>, hooks: RequestHooks = {}): Promise<unknown> {
    // one at a time: a request waits for the one before it to end
    const run = () => this.send(op, args, hooks);
    const p = this.queue.then(run, run);
    this.queue = p.catch(() => undefined);
    return p;
  }

  private queue: Promise<unknown> = Promise.resolve();

  private send(op: Op, args: Record<string, unknown>, hooks: RequestHooks): Promise<unknown> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending = { id, hooks, resolve, reject };
      this.write(jsonFrame('Q', { id, op, args }));
    });
  }

  /** Ask the agent to stop the request in progress (a scan ends with what was found so far). */
  abort(): void {
    if (this.pending && !this.failure) this.write(jsonFrame('X', { id: this.pending.id }));
  }

  /** Stop reading while the consumer is behind (back-pressure over the channel); resume() after. */
  pause(): void {
    if (!this.paused) this.proc.stdout.pause();
    this.paused = true;
  }
  resume(): void {
    if (this.paused) this.proc.stdout.resume();
    this.paused = false;
  }

  private write(b: Buffer): void {
    this.bytesSent += b.length;
    try {
      this.proc.stdin.write(b);
    } catch {
      /* reported by `closed` */
    }
  }

  /** End the channel: the agent's stdin ends, it exits; waits for the transport to close. */
  async close(): Promise<void> {
    this.failure ??= new ConnectionLost(`${this.label}: closed`);
    try {
      this.proc.stdin.end();
    } catch {
      /* already gone */
    }
    const t = setTimeout(() => this.proc.kill(), 5000);
    try {
      await this.proc.closed;
    } finally {
      clearTimeout(t);
    }
  }

  /** Cut the channel now (as a dropped connection would). */
  kill(): void {
    this.proc.kill();
  }
}
