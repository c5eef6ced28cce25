/**
 * Where the work runs: here (LocalPlace) or on another host over a channel (RemotePlace in
 * remote.ts). The commands and the browser get a Place and do not care which: a scan feeds the
 * same sinks (the tree is always built here), and the answers (volume, deleted-but-open bytes,
 * samples, the owners report, deletions) come back as the same data.
 */
import os from 'node:os';
import type { Sink, UnorderedSink } from '../model/entry.js';
import { Scanner, ScanOptions, ScanResult } from '../scan/scanner.js';
import { rescanDir, canRescan } from '../scan/rescan.js';
import type { Tree } from '../tree/tree.js';
import { volumeOf, VolumeInfo } from '../util/volume.js';
import { sampleOf, UsageSample } from '../store/samples.js';
import { checkRoot } from './check.js';
import type { OwnersOptions, OwnersResult } from './owners.js';
import { sampleMounts, SampleMountsResult } from './sample.js';
import type { DeleteRequest, DeleteReply } from './delete.js';

/** A scan that is running: its progress, a way to stop it early (partial result), its end. */
export interface ScanJob {
  /** entries and disk bytes so far, and the directory being read (for a progress display) */
  progress(): ScanProgress;
  /** the root as given (absolute once the scan resolved it) */
  readonly root: string;
  /** stop early: `done` then resolves with incomplete: true and what was found so far */
  abort(): void;
  /** resolves when the sink has been finished; rejects with a ScanError or UserError of one line */
  readonly done: Promise<ScanResult>;
}

/** A running scan's figures: entries and disk bytes so far, the directory being read. */
export interface ScanProgress {
  entries: number;
  bytes: number;
  current: string | Uint8Array;
}

/** What a long job there tells its caller: the scan it started (to show its progress, to abort it). */
export interface JobHooks {
  onScan?: (job: Pick<ScanJob, 'progress' | 'abort'>) => void;
}

export interface Place {
  /** true when the work runs on another host */
  readonly remote: boolean;
  /** for messages: 'here', or the --remote spec */
  readonly label: string;
  /** the host name there (os.hostname() of that host): the key of its snapshots and samples */
  readonly hostname: string;
  /** a directory that can be scanned there, else a UserError of one line ("cannot scan X: no such file or directory") */
  checkRoot(root: string): Promise<void>;
  /**
   * Scan `root` there into `sink` here. Local scans may feed an unordered sink (a Tree); remote
   * ones feed the same events in depth-first order.
   */
  scan(root: string | Uint8Array, sink: Sink | Tree, opts: ScanOptions): ScanJob;
  /** the volume holding `root` (statfs, mountinfo); rejects with the errno error's text */
  volume(root: string): Promise<VolumeInfo>;
  /** bytes held by deleted-but-open files on device `dev` (partial: not every process was readable) */
  deletedOpen(dev: number): Promise<{ bytes: number; partial: boolean }>;
  /** a usage sample of the volume holding `root`, or null when it cannot be read (the root vanished) */
  volumeSample(root: string): Promise<UsageSample | null>;
  /** `diskblame sample`: a sample of every real mounted filesystem there (and those holding `extra`) */
  sampleMounts(extra: string[], when: Date): Promise<SampleMountsResult>;
  /** `diskblame owners`: the whole attribution runs there (processes, packages, services, users are there) */
  owners(root: string, opts: OwnersOptions, hooks?: JobHooks): Promise<OwnersResult>;
  /** delete entries below a scanned root there (util/delete.ts RootedDeleter rules) */
  delete(req: DeleteRequest): Promise<DeleteReply>;
  /** rescan a directory of `tree` (a tree this place scanned), else null when not possible */
  rescanner(tree: Tree, opts: ScanOptions): ((dir: number) => Promise<void>) | null;
  /** end the channel (nothing for a LocalPlace) */
  close(): Promise<void>;
}

/** The scanner as a ScanJob. */
export function localScan(root: string | Uint8Array, sink: Sink | UnorderedSink, opts: ScanOptions): ScanJob {
  const scanner = new Scanner(root, sink, opts);
  const done = scanner.run();
  return {
    get root() {
      return scanner.root;
    },
    abort: () => scanner.abort(),
    progress: () => scanner.progress(),
    done,
  };
}

/**
 * This machine. What a scan does not need (the processes, the owners report, deleting) is loaded
 * when first asked for: a scan starts without it.
 */
export class LocalPlace implements Place {
  readonly remote = false;
  readonly label = 'here';
  get hostname(): string {
    return os.hostname();
  }
  async checkRoot(root: string): Promise<void> {
    checkRoot(root);
  }
  scan(root: string | Uint8Array, sink: Sink | Tree, opts: ScanOptions): ScanJob {
    return localScan(root, sink, opts);
  }
  async volume(root: string): Promise<VolumeInfo> {
    return volumeOf(root);
  }
  async deletedOpen(dev: number): Promise<{ bytes: number; partial: boolean }> {
    const { deletedOpen, deletedOpenBytes, readProcesses } = await import('../owners/procs.js');
    const snap = await readProcesses();
    return { bytes: deletedOpenBytes(deletedOpen(snap, dev)), partial: !snap.complete };
  }
  async volumeSample(root: string): Promise<UsageSample | null> {
    try {
      const v = volumeOf(root);
      return sampleOf(v.mountPoint, v.device, v.fsType);
    } catch {
      return null;
    }
  }
  async sampleMounts(extra: string[], when: Date): Promise<SampleMountsResult> {
    return sampleMounts(extra, when);
  }
  async owners(root: string, opts: OwnersOptions, hooks?: JobHooks): Promise<OwnersResult> {
    return (await import('./owners.js')).gatherOwners(root, opts, hooks);
  }
  async delete(req: DeleteRequest): Promise<DeleteReply> {
    return (await import('./delete.js')).deleteAt(req);
  }
  rescanner(tree: Tree, opts: ScanOptions): ((dir: number) => Promise<void>) | null {
    return canRescan(tree) ? (dir) => rescanDir(tree, dir, opts) : null;
  }
  async close(): Promise<void> {}
}
