/**
 * A Place on another host: every operation is a request to the agent there (remote/agent.ts)
 * over the channel a launcher opened (ssh, or the loopback of remote/local.ts). A scan's export
 * streams back gzip'd and is parsed as it arrives, through the importer, into the caller's sink:
 * the tree is built here while the remote scans. Ctrl-C (abort) asks the agent to stop: what
 * arrived is kept, marked incomplete; a dropped connection keeps what arrived the same way
 * (the open directories are closed by finishing the sink).
 */
import { PassThrough } from 'node:stream';
import type { Entry, Sink, SourceInfo } from '../model/entry.js';
import type { ScanOptions, ScanResult } from '../scan/scanner.js';
import { Tree } from '../tree/tree.js';
import type { VolumeInfo } from '../owners/reconcile.js';
import type { UsageSample } from '../store/samples.js';
import { importExport, ImportError } from '../import/ncdu-reader.js';
import { UserError } from '../util/errors.js';
import { AgentClient, ConnectionLost } from '../remote/client.js';
import type { AgentProcess, LaunchOptions, RemoteTarget } from '../remote/types.js';
import type { JobHooks, Place, ScanJob, ScanProgress } from './place.js';
import type { OwnersOptions, OwnersResult } from './owners.js';
import type { SampleMountsResult } from './sample.js';
import type { DeleteReply, DeleteRequest } from './delete.js';

/** how long an agent may go on sending after a stop (Ctrl-C) before the channel is cut, ms */
const STOP_GRACE_MS = 10_000;

/** A scan's result over the channel: `lost` says why it is incomplete when the connection dropped. */
export interface RemoteScanResult extends ScanResult {
  lost?: string;
}

/** Counts what arrived (the progress of a remote scan) and passes it on; remembers how deep it is. */
class Arrivals implements Sink {
  entries = 0;
  bytes = 0;
  current: Uint8Array = new Uint8Array(0);
  depth = 0;
  rootSeen = false;
  finished = false;
  /** merged into the source's info at the end (the agent's verdict: incomplete) */
  override: Partial<SourceInfo> = {};
  constructor(private readonly next: Sink) {}
  enterDir(dir: Entry): void {
    this.entries++;
    this.bytes += Number(dir.dsize);
    this.current = dir.name.slice();
    this.depth++;
    this.rootSeen = true;
    this.next.enterDir(dir);
  }
  addEntry(e: Entry): void {
    this.entries++;
    this.bytes += Number(e.dsize);
    this.next.addEntry(e);
  }
  leaveDir(): void {
    this.depth--;
    this.next.leaveDir();
  }
  async finish(info: SourceInfo): Promise<void> {
    if (this.finished) return;
    this.finished = true;
    const o = this.override;
    await this.next.finish({ ...info, ...o, incomplete: info.incomplete || !!o.incomplete, meta: { ...info.meta, ...o.meta } });
  }
}

export class RemotePlace implements Place {
  readonly remote = true;

  private constructor(
    private readonly client: AgentClient,
    readonly label: string,
  ) {}

  /**
   * Launch the agent on `target` and read its hello. `launcher` is remote/launch.ts's launchAgent
   * over ssh (or the loopback). Rejects with a UserError of one line.
   */
  static async open(
    target: RemoteTarget,
    launcher: (t: RemoteTarget, o?: LaunchOptions) => Promise<AgentProcess>,
    opts: LaunchOptions = {},
  ): Promise<RemotePlace> {
    const proc = await launcher(target, opts);
    try {
      return new RemotePlace(await AgentClient.open(proc, target.spec), target.spec);
    } catch (e) {
      proc.kill();
      throw e;
    }
  }

  get hostname(): string {
    return this.client.hello.host;
  }
  /** bytes received from the agent so far (for the benchmarks: bytes per entry) */
  get bytesReceived(): number {
    return this.client.bytesReceived;
  }
  get bytesSent(): number {
    return this.client.bytesSent;
  }
  /** the agent's program version */
  get agentVersion(): string {
    return this.client.hello.version;
  }

  async checkRoot(root: string): Promise<void> {
    await this.client.request('checkRoot', { root });
  }

  scan(root: string | Uint8Array, sink: Sink | Tree, opts: ScanOptions): ScanJob {
    const client = this.client;
    const arrivals = new Arrivals(sink as Sink);
    const pass = new PassThrough({ highWaterMark: 1 << 20 });
    pass.on('drain', () => client.resume());
    const args: Record<string, unknown> = {
      ...(typeof root === 'string' ? { root } : { root: Buffer.from(root).toString('utf8'), rootBase64: Buffer.from(root).toString('base64') }),
      exclude: opts.exclude,
      crossMounts: !!opts.crossMounts,
      threads: opts.threads,
      ...(opts.excludeCaches ? { excludeCaches: true } : {}),
      ...(opts.followSymlinks ? { followSymlinks: true } : {}),
      ...(opts.expectRoot ? { expectRoot: opts.expectRoot } : {}),
    };
    const started = performance.now();
    let cutTimer: NodeJS.Timeout | undefined;
    let given = typeof root === 'string' ? root : Buffer.from(root).toString('utf8');
    const request = client.request('scan', args, {
      onData: (chunk) => {
        if (broken) return; // the parse failed: the rest is not read
        if (!pass.write(chunk)) client.pause();
      },
    });
    let broken = false;
    const parsed = importExport(pass, arrivals, { label: `the export from ${this.label}` });
    // damaged data: stop the scan there and keep reading the channel to its answer (awaited below)
    parsed.catch(() => {
      broken = true;
      client.resume();
      client.abort();
    });
    const done = (async (): Promise<RemoteScanResult> => {
      let r: { root: string; incomplete: boolean; elapsedMs: number };
      try {
        r = (await request) as typeof r;
        clearTimeout(cutTimer); // the answer came: the channel stays (the browser deletes over it)
      } catch (e) {
        clearTimeout(cutTimer);
        pass.end();
        await parsed.catch(() => undefined);
        if (!(e instanceof ConnectionLost) || !arrivals.rootSeen) throw e;
        // the connection dropped mid-scan: keep what arrived, marked incomplete
        if (!arrivals.finished) {
          // the directories the stream left open are closed, as the end of a scan would
          while (arrivals.depth > 0) arrivals.leaveDir();
          arrivals.override = { incomplete: true, meta: { x_lost: e.message } };
          await arrivals.finish({ timestamp: Math.floor(Date.now() / 1000), producer: 'scan', incomplete: true });
        }
        return { root: given, incomplete: true, elapsedMs: performance.now() - started, lost: e.message };
      }
      if (!r || typeof r.root !== 'string') throw new UserError(`${this.label}: the agent's answer to the scan is damaged`);
      given = r.root;
      arrivals.override = { incomplete: r.incomplete === true, meta: { x_remote: this.hostname } };
      pass.end();
      try {
        await parsed;
      } catch (e) {
        if (e instanceof ImportError) throw new UserError(`${this.label}: the scan's data is damaged: ${e.message}`);
        throw e;
      }
      return { root: r.root, incomplete: r.incomplete === true, elapsedMs: performance.now() - started };
    })();
    return {
      get root() {
        return given;
      },
      abort: () => {
        client.abort();
        // an agent that goes on sending after the stop (a broken or hostile one) is cut off, so
        // that what is read here stays bounded; what arrived is kept, as for a dropped connection
        if (!cutTimer) cutTimer = setTimeout(() => client.kill(), STOP_GRACE_MS).unref();
      },
      progress: (): ScanProgress => ({ entries: arrivals.entries, bytes: arrivals.bytes, current: arrivals.current }),
      done,
    };
  }

  async volume(root: string): Promise<VolumeInfo> {
    const v = (await this.client.request('volume', { root })) as VolumeInfo;
    const sizes = v && [v.dev, v.sizeBytes, v.usedBytes, v.freeBytes, v.reservedBytes];
    if (!sizes || !sizes.every((n) => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0) || typeof v.mountPoint !== 'string' || typeof v.device !== 'string' || typeof v.fsType !== 'string')
      throw new UserError(`${this.label}: the agent's answer about the volume is damaged`);
    return v;
  }
  async deletedOpen(dev: number): Promise<{ bytes: number; partial: boolean }> {
    return (await this.client.request('deletedOpen', { dev })) as { bytes: number; partial: boolean };
  }
  async volumeSample(root: string): Promise<UsageSample | null> {
    return (await this.client.request('volumeSample', { root })) as UsageSample | null;
  }
  async sampleMounts(extra: string[], when: Date): Promise<SampleMountsResult> {
    return (await this.client.request('sampleMounts', { extra, when: when.toISOString() })) as SampleMountsResult;
  }
  async owners(root: string, opts: OwnersOptions, hooks: JobHooks = {}): Promise<OwnersResult> {
    let last: ScanProgress = { entries: 0, bytes: 0, current: root };
    hooks.onScan?.({ progress: () => last, abort: () => this.client.abort() });
    const v = await this.client.request(
      'owners',
      { root, options: opts },
      {
        onProgress: (p) => {
          last = { entries: Number(p.entries) || 0, bytes: Number(p.bytes) || 0, current: String(p.current ?? '') };
        },
      },
    );
    return v as OwnersResult;
  }
  async delete(req: DeleteRequest): Promise<DeleteReply> {
    return (await this.client.request('delete', req as unknown as Record<string, unknown>)) as DeleteReply;
  }
  rescanner(tree: Tree, opts: ScanOptions): ((dir: number) => Promise<void>) | null {
    if (tree.info?.meta?.x_remote !== this.hostname || tree.dirInoOf(0) === 0) return null;
    return (dir) => this.rescan(tree, dir, opts);
  }
  private async rescan(tree: Tree, dir: number, opts: ScanOptions): Promise<void> {
    if (dir < 0 || dir >= tree.count || !tree.isDir(dir) || tree.removed(dir)) throw new UserError('cannot rescan: not a directory of the tree');
    const sub = new Tree();
    const r = await this.scan(tree.pathOf(dir), sub, { ...opts, expectRoot: { dev: tree.devOf(dir), ino: tree.dirInoOf(dir) } }).done;
    if (r.incomplete) throw new UserError('rescan interrupted: the tree is left as it was');
    tree.replaceChildren(dir, sub);
  }
  async close(): Promise<void> {
    await this.client.close();
  }
  /** cut the channel now (tests: a dropped connection) */
  kill(): void {
    this.client.kill();
  }
}
