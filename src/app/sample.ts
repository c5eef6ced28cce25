/**
 * Usage samples: of every real mounted filesystem (`diskblame sample`, here or on a remote host)
 * and of the volume a scan read (recorded by every scan, best effort). The samples are taken
 * where the volumes are and always appended to the store here.
 */
import fs from 'node:fs';
import { parseMountinfo, realMounts } from '../store/mounts.js';
import { appendSamples, sampleOf, UsageSample } from '../store/samples.js';
import { storeDir, writeErrorText } from '../store/store.js';
import { volumeOf } from '../util/volume.js';
import { errnoText, UserError } from '../util/errors.js';
import { escapeName } from '../util/escape.js';
import type { Place } from './place.js';

interface Target {
  mount: string;
  /** the mount point's exact bytes, when they are not what `mount` says (not valid UTF-8) */
  mountBytes?: Buffer;
  device: string;
  fsType: string;
}

/** What `sample` recorded and what it could not (a mount whose statfs failed). */
export interface SampleMountsResult {
  samples: UsageSample[];
  failed: { mount: string; mountBase64?: string; error: string }[];
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
      throw new UserError(`--mount ${escapeName(p)}: ${errnoText((e as NodeJS.ErrnoException).code)}`);
    }
    if (!list.some((t) => t.mount === v.mountPoint)) list.push({ mount: v.mountPoint, device: v.device, fsType: v.fsType });
  }
  return list;
}

/**
 * statfs of every real mounted filesystem on this machine, and of those holding the `extra`
 * paths, at `when`. Empty filesystems (size 0) are left out. Throws a UserError of one line when
 * mountinfo cannot be read (and no extra path was given) or an extra path is bad.
 */
export function sampleMounts(extra: string[], when: Date): SampleMountsResult {
  const samples: UsageSample[] = [];
  const failed: SampleMountsResult['failed'] = [];
  for (const t of targets(extra)) {
    try {
      const s = sampleOf(t.mountBytes ?? t.mount, t.device, t.fsType, when);
      if (s.sizeBytes > 0) samples.push(s);
    } catch (e) {
      failed.push({ mount: t.mount, ...(t.mountBytes ? { mountBase64: t.mountBytes.toString('base64') } : {}), error: writeErrorText(e) });
    }
  }
  return { samples, failed };
}

/** A remote host's samples carry its name (the local forecast reads only this host's). */
export function keyedByHost(place: Place, samples: UsageSample[]): UsageSample[] {
  if (!place.remote) return samples;
  return samples.map((s) => ({ ...s, host: place.hostname }));
}

/**
 * Whether a scan records a usage sample (quiet by default: a plain scan writes nothing the user
 * did not ask for): `asked` true (--sample) yes, false (--no-sample) no; not given: only when the
 * store directory already exists (the user ran `sample`, `snapshot` or `--save` once). A store
 * that cannot be resolved (no home) counts as missing.
 */
export function scanShouldSample(asked: boolean | undefined, store?: string): boolean {
  if (asked !== undefined) return asked;
  try {
    return fs.statSync(storeDir(store)).isDirectory();
  } catch {
    return false;
  }
}

/**
 * The sample a scan of `root` records: its volume (there), now, in the store here, when
 * scanShouldSample(`asked`, `store`). Never fails the scan: a store that cannot be written is one
 * warning on `warn`.
 */
export async function recordScanSample(place: Place, root: string, warn: (msg: string) => void, store: string | undefined, asked: boolean | undefined): Promise<void> {
  if (!scanShouldSample(asked, store)) return;
  let s: UsageSample | null;
  try {
    s = await place.volumeSample(root);
  } catch {
    return; // the channel failed: the scan reports what matters
  }
  if (!s) return; // the root vanished
  try {
    appendSamples(storeDir(store), keyedByHost(place, [s]));
  } catch (e) {
    warn(`warning: ${(e as Error).message}`);
  }
}

