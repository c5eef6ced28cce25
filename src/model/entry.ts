/**
 * The one record every source produces and every sink consumes.
 *
 * Sources (the scanner, the importers) emit a depth-first stream of events:
 *   enterDir(dir) ... children ... leaveDir()
 * where each child is either addEntry(e) (anything not descended into: files, symlinks, devices,
 * excluded or unreadable-and-empty directories) or a nested enterDir/leaveDir pair.
 * The root is the first enterDir; its name is the absolute path (bytes).
 *
 * Entry objects passed to sinks are reused by the source: a sink must copy what it keeps.
 */
import type { Bytes, ExactInt } from '../util/exact.js';

export const enum EntryType {
  File = 0,
  Dir = 1,
  Symlink = 2,
  /** FIFO, socket, block or character device: never opened */
  Other = 3,
}

/** Why an entry was not descended into / not counted. Values match the order of EXCLUDED_NAMES. */
export const enum Excluded {
  None = 0,
  /** matched --exclude */
  Pattern = 1,
  /** another filesystem (mount point) while staying on one filesystem */
  OtherFs = 2,
  /** a kernel pseudo filesystem (/proc, /sys, ...) */
  KernFs = 3,
  /** excluded by firmlink (macOS; only read from imports) */
  FrmLnk = 4,
}

/** ncdu's spelling of each Excluded value (index = enum value). */
export const EXCLUDED_NAMES = ['', 'pattern', 'otherfs', 'kernfs', 'frmlnk'] as const;

export interface Entry {
  /** the name's raw bytes (the root's: its absolute path). May be a view into a shared buffer: copy it. */
  name: Uint8Array;
  type: EntryType;
  /** apparent size in bytes (st_size); exact: a bigint from 2^53 up (see util/exact.ts) */
  asize: Bytes;
  /** disk usage in bytes (st_blocks * 512); exact: a bigint from 2^53 up */
  dsize: Bytes;
  dev: number;
  /** inode number; exact: a bigint from 2^53 up (only hard links need it: their identity is (dev, ino)) */
  ino: ExactInt;
  nlink: number;
  /** seconds since the epoch, or -1 when unknown */
  mtime: number;
  /** -1 when unknown */
  uid: number;
  /** -1 when unknown */
  gid: number;
  /** st_mode, or -1 when unknown */
  mode: number;
  /** the directory could not be read, or the entry could not be stat'ed (vanished, permission) */
  readError: boolean;
  excluded: Excluded;
}

export function emptyEntry(): Entry {
  return {
    name: new Uint8Array(0),
    type: EntryType.File,
    asize: 0,
    dsize: 0,
    dev: 0,
    ino: 0,
    nlink: 1,
    mtime: -1,
    uid: -1,
    gid: -1,
    mode: -1,
    readError: false,
    excluded: Excluded.None,
  };
}

/** True when this entry is a hard link whose size must be counted once per (dev, ino). */
export function isHardlinked(e: Entry): boolean {
  return e.type !== EntryType.Dir && e.nlink > 1;
}

/** What a source knows about the whole run, passed to Sink.finish. */
export interface SourceInfo {
  /** unix seconds when the scan started / the export was made */
  timestamp: number;
  /** 'scan' or the producer of an import (e.g. 'ncdu 1.18', 'gdu 5.22.0', 'diskblame 0.1.0') */
  producer: string;
  /** the scan was interrupted (Ctrl-C): the tree is partial */
  incomplete: boolean;
  /** extra metadata keys read from an import or attached by the scanner (x_ prefixed in exports) */
  meta?: Record<string, unknown>;
}

export interface Sink {
  enterDir(dir: Entry): void;
  addEntry(e: Entry): void;
  leaveDir(): void;
  /** called once after the last leaveDir (or early, when a scan is interrupted: then open dirs are left first) */
  finish(info: SourceInfo): void | Promise<void>;
}

/**
 * A sink that can take entries in any order, as long as a directory comes before its children
 * (the in-memory tree). Parallel scans feed it as results arrive, with nothing held back.
 */
export interface UnorderedSink {
  /** add the root directory; returns its handle */
  addRoot(dir: Entry): number;
  /** add `e` as a child of the directory `parent`; returns its handle */
  addUnder(parent: number, e: Entry): number;
  /** addUnder with the name given as bytes[start, start + len) instead of e.name: no view per name */
  addUnderNamed(parent: number, e: Entry, bytes: Uint8Array, start: number, len: number): number;
  /**
   * Add records r0 .. r0 + count - 1 of a scan engine's message (scan/worker.ts WorkerMessage: nums,
   * names from byte offset `no`, big) as children of `parent`; returns the first one's handle, the
   * others following it (record r0 + k: first + k).
   */
  addListing(
    parent: number,
    nums: Float64Array,
    names: Uint8Array,
    r0: number,
    count: number,
    no: number,
    big: [number, bigint, bigint, bigint][] | null,
  ): number;
  /** the directory `handle` could not be read */
  markReadError(handle: number): void;
  finish(info: SourceInfo): void | Promise<void>;
}

export function isUnorderedSink(s: unknown): s is UnorderedSink {
  return typeof (s as UnorderedSink).addUnder === 'function';
}

/** Feeds several sinks from one source. */
export class TeeSink implements Sink {
  constructor(private readonly sinks: Sink[]) {}
  enterDir(dir: Entry): void {
    for (const s of this.sinks) s.enterDir(dir);
  }
  addEntry(e: Entry): void {
    for (const s of this.sinks) s.addEntry(e);
  }
  leaveDir(): void {
    for (const s of this.sinks) s.leaveDir();
  }
  async finish(info: SourceInfo): Promise<void> {
    for (const s of this.sinks) await s.finish(info);
  }
}
