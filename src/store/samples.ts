/**
 * Usage samples: one line of JSON per sample in <store>/samples.jsonl, appended. A torn or
 * corrupt line (a crash, a full disk mid-append) is skipped by the reader, never fatal.
 * These are the forecast's history.
 *
 * Limit: the reader holds one line at a time, and a line longer than SAMPLE_LINE_MAX (64 KiB; a
 * sample is a few hundred bytes) is skipped as corrupt without being kept, so a damaged file of one
 * 10 GB line costs no memory. The samples themselves are data: one per volume per `sample` run.
 */
import fs from 'node:fs';
import os from 'node:os';
import { jsonName } from '../util/escape.js';
import path from 'node:path';
import { UserError } from '../util/errors.js';
import { escapeName } from '../util/escape.js';
import { readLinesSync } from '../util/read.js';
import { appendLines, openNoFollow } from '../util/write.js';
import { checkStore, ensureDir, writeErrorText } from './store.js';

/** A volume and its statfs figures (what a snapshot records of its volume too). */
export interface VolumeUsage {
  mount: string;
  device: string;
  fsType: string;
  sizeBytes: number;
  usedBytes: number;
  /** available to unprivileged users (df's Avail) */
  freeBytes: number;
}

export interface UsageSample extends VolumeUsage {
  /** ISO 8601 UTC */
  time: string;
  inodes: number;
  inodesFree: number;
  /** the exact bytes of the mount point, base64, when `mount` (UTF-8 text) is lossy */
  mountBase64?: string;
  /** the host sampled (`sample --remote`, a scan --remote); absent: the host of the store */
  host?: string;
}

export const SAMPLES_FILE = 'samples.jsonl';
/** the longest line of samples.jsonl read; a longer one is skipped as corrupt */
export const SAMPLE_LINE_MAX = 64 * 1024;

/**
 * statfs of a mount point as a sample (used = blocks - bfree, as df). `mount`: the path as text, or
 * its exact bytes (a mount point that is not valid UTF-8: then `mountBase64` keeps them).
 */
export function sampleOf(mount: string | Uint8Array, device: string, fsType: string, when = new Date()): UsageSample {
  const s = fs.statfsSync(typeof mount === 'string' ? mount : Buffer.from(mount));
  const m: { path: string; pathBase64?: string } = typeof mount === 'string' ? { path: mount } : jsonName(mount);
  return {
    time: when.toISOString(),
    mount: m.path,
    ...(m.pathBase64 !== undefined ? { mountBase64: m.pathBase64 } : {}),
    device,
    fsType,
    sizeBytes: s.blocks * s.bsize,
    usedBytes: (s.blocks - s.bfree) * s.bsize,
    freeBytes: s.bavail * s.bsize,
    inodes: s.files,
    inodesFree: s.ffree,
  };
}

/**
 * Append samples with one write (util/write.ts appendLines: O_APPEND|O_NOFOLLOW, concurrent
 * writers never interleave lines, a torn append is cut off or kept on a line of its own).
 * Throws a UserError of one line (an unsafe store, a full disk, samples.jsonl a link).
 */
export function appendSamples(store: string, samples: UsageSample[]): void {
  if (samples.length === 0) return;
  ensureDir(store);
  const file = path.join(store, SAMPLES_FILE);
  const text = samples.map((s) => JSON.stringify(s)).join('\n') + '\n';
  try {
    appendLines(file, text, 0o600);
  } catch (e) {
    throw new UserError(`cannot record a usage sample in ${escapeName(file)}: ${writeErrorText(e)}`);
  }
}

function isSample(o: unknown): o is UsageSample {
  const s = o as UsageSample;
  return (
    !!s && typeof s.time === 'string' && !Number.isNaN(Date.parse(s.time)) && typeof s.mount === 'string' &&
    Number.isFinite(s.sizeBytes) && Number.isFinite(s.usedBytes)
  );
}

/**
 * All samples in the store of `host` (default this one: samples without a host are this host's),
 * optionally of one mount point, oldest first; unparseable lines (a torn
 * append) skipped and counted. Throws a UserError of one line: an unsafe store (checkStore),
 * samples.jsonl a link or not a regular file, unreadable.
 */
export function readSamples(store: string, mount?: string, host = os.hostname()): { samples: UsageSample[]; skipped: number } {
  checkStore(store);
  const samples: UsageSample[] = [];
  let skipped = 0;
  const onLine = (line: string | null): void => {
    if (line === null) {
      skipped++;
      return;
    }
    if (!line.trim()) return;
    try {
      const o = JSON.parse(line);
      if (isSample(o)) {
        // another host's samples (taken with --remote) are not this host's history
        if ((mount === undefined || o.mount === mount) && (o.host === undefined || o.host === host)) samples.push(o);
      } else skipped++;
    } catch {
      skipped++;
    }
  };
  let fd = -1;
  try {
    fd = openNoFollow(path.join(store, SAMPLES_FILE));
    readLinesSync(fd, { maxLine: SAMPLE_LINE_MAX, tooLong: 'skip' }, onLine);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { samples: [], skipped: 0 };
    throw new UserError(`cannot read ${escapeName(path.join(store, SAMPLES_FILE))}: ${writeErrorText(e)}`);
  } finally {
    if (fd >= 0) fs.closeSync(fd);
  }
  samples.sort((a, b) => Date.parse(a.time) - Date.parse(b.time));
  return { samples, skipped };
}
