/**
 * `diskblame sample`: one usage sample of every real mounted filesystem into the store, for cron
 * or a systemd timer (contrib/diskblame-sample.{service,timer}). Fast and light: statfs per mount,
 * one append; this module loads no UI and no scanner.
 * Also `recordScanSample`: the sample every scan of a real path records (best effort).
 */
import fs from 'node:fs';
import type { Argv } from 'yargs';
import { parseMountinfo, realMounts } from '../../store/mounts.js';
import { appendSamples, sampleOf, SAMPLES_FILE, UsageSample } from '../../store/samples.js';
import { storeDir, writeErrorText } from '../../store/store.js';
import { volumeOf } from '../../owners/reconcile.js';
import { escapeName, exactName } from '../../util/escape.js';
import { padRight, width } from '../../ui/text.js';
import { errnoText, UserError } from '../../util/errors.js';
import { duration, pct, size } from '../../util/format.js';
import { errLine, out, outText } from '../output.js';

export interface SampleArgs {
  store?: string;
  json?: boolean;
  mount?: string[];
  quiet?: boolean;
}

export function sampleOptions<T>(y: Argv<T>) {
  return y
    .option('store', { requiresArg: true, type: 'string', describe: 'the store directory (default: $DISKBLAME_STORE, else $XDG_STATE_HOME/diskblame, else ~/.local/state/diskblame)' })
    .option('mount', { requiresArg: true, type: 'string', array: true, describe: 'also sample the filesystem holding PATH, even one skipped by default (tmpfs, NFS, ...) (repeatable)' })
    .option('quiet', { alias: 'q', type: 'boolean', describe: 'print nothing on success (cron)' })
    .option('json', { type: 'boolean', describe: 'print the recorded samples as JSON' });
}

interface Target {
  mount: string;
  /** the mount point's exact bytes, when they are not what `mount` says (not valid UTF-8) */
  mountBytes?: Buffer;
  device: string;
  fsType: string;
}

function targets(extra: string[]): Target[] {
  let text: string | Buffer = '';
  try {
    text = fs.readFileSync('/proc/self/mountinfo');
  } catch (e) {
    if (!extra.length) throw new UserError(`cannot read /proc/self/mountinfo: ${writeErrorText(e)} (name filesystems with --mount)`);
  }
  const list: Target[] = realMounts(parseMountinfo(text)).map((r) => ({
    mount: r.mountPoint,
    ...(Buffer.from(r.mountPoint).equals(r.mountPointBytes) ? {} : { mountBytes: r.mountPointBytes }),
    device: r.device,
    fsType: r.fsType,
  }));
  for (const p of extra) {
    let v;
    try {
      v = volumeOf(p);
    } catch (e) {
      throw new UserError(`--mount ${p}: ${errnoText((e as NodeJS.ErrnoException).code)}`);
    }
    if (!list.some((t) => t.mount === v.mountPoint)) list.push({ mount: v.mountPoint, device: v.device, fsType: v.fsType });
  }
  return list;
}

export async function sampleCommand(a: SampleArgs): Promise<number> {
  const started = performance.now();
  const store = storeDir(a.store);
  const when = new Date();
  const samples: UsageSample[] = [];
  const failed: { mount: string; mountBase64?: string; error: string }[] = [];
  for (const t of targets(a.mount ?? [])) {
    try {
      const s = sampleOf(t.mountBytes ?? t.mount, t.device, t.fsType, when);
      if (s.sizeBytes > 0) samples.push(s);
    } catch (e) {
      failed.push({ mount: t.mount, ...(t.mountBytes ? { mountBase64: t.mountBytes.toString('base64') } : {}), error: writeErrorText(e) });
    }
  }
  appendSamples(store, samples);
  const elapsedMs = performance.now() - started;
  for (const f of failed) errLine(`cannot sample ${escapeName(exactName(f.mount, f.mountBase64))}: ${f.error}`);
  if (a.json) {
    out(JSON.stringify({ store, time: when.toISOString(), samples, failed, elapsedMs: Math.round(elapsedMs * 10) / 10 }, null, 2) + '\n');
  } else if (!a.quiet) {
    const L = [`recorded ${samples.length} sample${samples.length === 1 ? '' : 's'} in ${escapeName(store)}/${SAMPLES_FILE} (${duration(elapsedMs)})`];
    const w = Math.min(30, Math.max(...samples.map((s) => width(escapeName(exactName(s.mount, s.mountBase64)))), 5));
    for (const s of samples) {
      const usable = s.usedBytes + s.freeBytes;
      L.push(`  ${padRight(escapeName(exactName(s.mount, s.mountBase64)), w)}  ${s.fsType.padEnd(6)}  ${size(s.usedBytes).padStart(10)} used of ${size(usable).padStart(10)} ${pct(s.usedBytes, usable)}  ${escapeName(s.device)}`);
    }
    outText(L.join('\n') + '\n');
  }
  return samples.length === 0 && failed.length > 0 ? 1 : 0;
}

/**
 * The sample a scan of `root` records: its volume, now. Never fails the scan: a store that cannot
 * be written is one warning line on stderr.
 */
export function recordScanSample(root: string, store?: string): void {
  let s: UsageSample;
  try {
    const v = volumeOf(root);
    s = sampleOf(v.mountPoint, v.device, v.fsType);
  } catch {
    return; // the root vanished: the scan reports what matters
  }
  try {
    appendSamples(storeDir(store), [s]);
  } catch (e) {
    errLine(`warning: ${(e as Error).message}`);
  }
}
