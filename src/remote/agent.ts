/**
 * The agent: `diskblame __agent`, started on the remote host (over ssh, or on this machine by the
 * loopback launcher, local.ts). Reads requests on stdin and answers on stdout in the framing of
 * protocol.ts; nothing else ever goes to stdout. It does the work where the data is, through the
 * same use cases as the commands (app/): a scan streams its ncdu-format export back gzip'd, with a
 * flush every FLUSH_MS so data arrives as it is scanned; owners, samples, the volume, deletions
 * answer with data. It ends when its stdin ends (the connection dropped: a running scan is
 * aborted first).
 */
import os from 'node:os';
import type { Entry, Sink, SourceInfo } from '../model/entry.js';
import { NcduWriter } from '../export/ncdu-writer.js';
import { localScan, LocalPlace, ScanJob } from '../app/place.js';
import type { DeleteRequest } from '../app/delete.js';
import type { OwnersOptions } from '../app/owners.js';
import { UserError } from '../util/errors.js';
import { escapeName } from '../util/escape.js';
import { writeAllSync } from '../util/write.js';
import { VERSION } from '../version.js';
import { encodeFrame, Frame, FrameReader, frameJson, jsonFrame, MAGIC, MAX_DATA, PROTO, ProtocolError } from './protocol.js';

/** how often a running scan's buffered export is sent even when not full (ms) */
const FLUSH_MS = 200;
/** how often progress goes out during a long request other than a scan (ms) */
const PROGRESS_MS = 250;

/** stdout, synchronously: frames never interleave, and a slow reader slows the scan (back-pressure) */
function send(b: Uint8Array): void {
  writeAllSync(1, b);
}

/** A scanned root: deletions are only ever below one of these. */
interface ScannedRoot {
  path: Buffer;
  dev: number;
  ino: number;
}

/** Remembers the root entry a scan emitted (its exact path and identity). */
class RootProbe implements Sink {
  root: ScannedRoot | null = null;
  constructor(private readonly next: Sink) {}
  enterDir(dir: Entry): void {
    if (!this.root) this.root = { path: Buffer.from(dir.name), dev: dir.dev, ino: Number(dir.ino) };
    this.next.enterDir(dir);
  }
  addEntry(e: Entry): void {
    this.next.addEntry(e);
  }
  leaveDir(): void {
    this.next.leaveDir();
  }
  finish(info: SourceInfo): void | Promise<void> {
    return this.next.finish(info);
  }
}

type Args = Record<string, unknown>;

function str(v: unknown, what: string): string {
  if (typeof v !== 'string') throw new ProtocolError(`bad request: ${what}`);
  return v;
}
function optNum(v: unknown, what: string): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new ProtocolError(`bad request: ${what}`);
  return v;
}
function strList(v: unknown, what: string): string[] | undefined {
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v) || v.length > 10_000 || v.some((x) => typeof x !== 'string')) throw new ProtocolError(`bad request: ${what}`);
  return v as string[];
}

/** The agent's main loop. Resolves when stdin has ended and the last request is answered. */
export async function runAgent(): Promise<number> {
  const place = new LocalPlace();
  process.on('SIGINT', () => {}); // stopping is asked over the channel (X), never by a signal from a terminal
  const roots: ScannedRoot[] = [];
  const hostName = process.env.DISKBLAME_AGENT_HOSTNAME || os.hostname();
  send(Buffer.concat([MAGIC, jsonFrame('H', { proto: PROTO, version: VERSION, host: hostName })]));

  const queue: { id: number; op: string; args: Args }[] = [];
  let current: { id: number; abort: () => void } | null = null;
  /** stop asked before the request started (a Ctrl-C right away): it starts stopped */
  const stopEarly = new Set<number>();
  let ended = false;
  let wake: (() => void) | null = null;
  const poke = () => {
    const w = wake;
    wake = null;
    w?.();
  };
  const reader = new FrameReader(['Q', 'X'], false);
  const onFrame = (f: Frame) => {
    const j = frameJson(f);
    const id = optNum(j.id, 'id') ?? 0;
    if (f.type === 'X') {
      if (current && current.id === id) current.abort();
      else if (stopEarly.size < 1024) stopEarly.add(id);
      return;
    }
    queue.push({ id, op: str(j.op, 'op'), args: (j.args && typeof j.args === 'object' ? j.args : {}) as Args });
    poke();
  };
  process.stdin.on('data', (c: Buffer) => {
    try {
      for (const f of reader.push(c)) onFrame(f);
    } catch (e) {
      // garbage from the other side: say so on stderr (ssh shows it there), stop
      process.stderr.write(`diskblame agent: ${escapeName((e as Error).message)}\n`);
      ended = true;
      current?.abort();
      process.stdin.destroy();
      poke();
    }
  });
  const onEnd = () => {
    ended = true;
    current?.abort(); // the connection dropped: a scan stops
    poke();
  };
  process.stdin.on('end', onEnd);
  process.stdin.on('error', onEnd);

  for (;;) {
    if (!queue.length) {
      if (ended) return 0;
      await new Promise<void>((r) => (wake = r));
      continue;
    }
    const q = queue.shift()!;
    let reply: unknown;
    try {
      const value = await handle(q.op, q.args, (abort) => {
        current = { id: q.id, abort };
        if (stopEarly.delete(q.id)) abort();
      });
      reply = { id: q.id, ok: true, value: value ?? null };
    } catch (e) {
      const err = e as Error;
      const code = e instanceof UserError ? e.exitCode : 1;
      reply = { id: q.id, ok: false, error: { message: err?.message ?? String(e), code } };
    } finally {
      current = null;
    }
    let frame: Buffer;
    try {
      frame = jsonFrame('R', reply);
    } catch (e) {
      // a result over the protocol's limit (owners --top in the hundreds of thousands): said, not dropped
      frame = jsonFrame('R', { id: q.id, ok: false, error: { message: `the result is too large to send back (${(e as Error).message}): ask for fewer rows (--top)`, code: 1 } });
    }
    try {
      send(frame);
    } catch {
      return 1; // the connection is gone
    }
  }

  /** run one request; `started` gets the way to stop it once it runs (a scan, owners) */
  async function handle(op: string, a: Args, started: (abort: () => void) => void): Promise<unknown> {
    switch (op) {
      case 'scan':
        return scan(a, started);
      case 'checkRoot':
        return place.checkRoot(str(a.root, 'root'));
      case 'volume':
        return place.volume(str(a.root, 'root'));
      case 'deletedOpen':
        return place.deletedOpen(optNum(a.dev, 'dev') ?? 0);
      case 'volumeSample':
        return place.volumeSample(str(a.root, 'root'));
      case 'sampleMounts':
        return place.sampleMounts(strList(a.extra, 'extra') ?? [], new Date(str(a.when, 'when')));
      case 'owners':
        return owners(a, started);
      case 'delete':
        return remove(a as unknown as DeleteRequest);
      default:
        throw new UserError(`the agent (diskblame ${VERSION}) does not know the request ${JSON.stringify(op).slice(0, 40)}`);
    }
  }

  async function scan(a: Args, started: (abort: () => void) => void): Promise<unknown> {
    const root = typeof a.rootBase64 === 'string' ? Buffer.from(a.rootBase64, 'base64') : str(a.root, 'root');
    const expect = a.expectRoot as { dev?: unknown; ino?: unknown } | undefined;
    const target = {
      write: (data: Uint8Array) => {
        for (let o = 0; o < data.length; o += MAX_DATA) send(encodeFrame('D', data.subarray(o, Math.min(data.length, o + MAX_DATA))));
      },
      commit: () => '-',
      abort: () => {},
    };
    const writer = new NcduWriter('-', { target, gzip: true, gzipLevel: 4, dirInodes: true, meta: { remote: hostName } });
    const probe = new RootProbe(writer);
    const job: ScanJob = localScan(root, probe, {
      exclude: strList(a.exclude, 'exclude'),
      crossMounts: a.crossMounts === true,
      threads: optNum(a.threads, 'threads'),
      excludeCaches: a.excludeCaches === true,
      followSymlinks: a.followSymlinks === true,
      // workers scan: the main thread stays free to send what was found (FLUSH_MS) and hear a stop
      mainThreadScans: false,
      ...(expect ? { expectRoot: { dev: optNum(expect.dev, 'dev') ?? 0, ino: optNum(expect.ino, 'ino') ?? 0 } } : {}),
    });
    started(() => job.abort());
    const timer = setInterval(() => writer.flushNow(), FLUSH_MS);
    try {
      const r = await job.done;
      if (probe.root && !roots.some((x) => x.path.equals(probe.root!.path) && x.ino === probe.root!.ino)) roots.push(probe.root);
      return { root: r.root, incomplete: r.incomplete, elapsedMs: r.elapsedMs };
    } catch (e) {
      writer.abort();
      throw e;
    } finally {
      clearInterval(timer);
    }
  }

  async function owners(a: Args, started: (abort: () => void) => void): Promise<unknown> {
    const o = (a.options ?? {}) as Record<string, unknown>;
    const opts: OwnersOptions = {
      top: optNum(o.top, 'top') ?? 10,
      sampleMs: optNum(o.sampleMs, 'sampleMs') ?? 300,
      exclude: strList(o.exclude, 'exclude'),
      threads: optNum(o.threads, 'threads'),
      rules: typeof o.rules === 'string' ? o.rules : undefined,
    };
    let timer: NodeJS.Timeout | null = null;
    try {
      return await place.owners(str(a.root, 'root'), opts, {
        onScan: (job) => {
          started(() => job.abort());
          timer = setInterval(() => {
            const p = job.progress();
            send(jsonFrame('P', { entries: p.entries, bytes: p.bytes, current: Buffer.from(p.current).toString('utf8').slice(-1024) }));
          }, PROGRESS_MS);
        },
      });
    } finally {
      if (timer) clearInterval(timer);
    }
  }

  async function remove(req: DeleteRequest): Promise<unknown> {
    const root = Buffer.from(str(req.root, 'root'), 'base64');
    const ino = optNum(req.rootId?.ino, 'root inode');
    // only below a root this agent scanned, as it was scanned
    if (!roots.some((r) => r.path.equals(root) && r.ino === ino && r.dev === req.rootId?.dev))
      throw new UserError(`not deleted: ${escapeName(root)} is not a directory this session scanned`);
    return place.delete(req);
  }
}
