/**
 * `diskblame sample`: one usage sample of every real mounted filesystem into the store, for cron
 * or a systemd timer (contrib/diskblame-sample.{service,timer}). Fast and light: statfs per mount,
 * one append; this module loads no UI and no scanner. With --remote the samples are of that host's
 * filesystems, recorded in the store here under its name. The work is app/sample.ts.
 */
import type { Argv } from 'yargs';
import { appendSamples, SAMPLES_FILE } from '../../store/samples.js';
import { storeDir } from '../../store/store.js';
import { escapeName, exactName } from '../../util/escape.js';
import { padRight, width } from '../../ui/text.js';
import { duration, pct, size } from '../../util/format.js';
import { errLine, outJson, outText } from '../output.js';
import { keyedByHost } from '../../app/sample.js';
import { RemoteArgs, withPlace } from '../../app/places.js';
import { remoteOptions } from './remote-options.js';

export interface SampleArgs extends RemoteArgs {
  store?: string;
  json?: boolean;
  mount?: string[];
  quiet?: boolean;
}

export function sampleOptions<T>(y: Argv<T>) {
  return remoteOptions(y)
    .option('store', { requiresArg: true, type: 'string', describe: 'the store directory (default: $DISKBLAME_STORE, else $XDG_STATE_HOME/diskblame, else ~/.local/state/diskblame)' })
    .option('mount', { requiresArg: true, type: 'string', array: true, describe: 'also sample the filesystem holding PATH, even one skipped by default (tmpfs, NFS, ...) (repeatable)' })
    .option('quiet', { alias: 'q', type: 'boolean', describe: 'print nothing on success (cron)' })
    .option('json', { type: 'boolean', describe: 'print the recorded samples as JSON' });
}

export async function sampleCommand(a: SampleArgs): Promise<number> {
  const started = performance.now();
  const store = storeDir(a.store);
  const when = new Date();
  const { samples, failed } = await withPlace(a, async (place) => {
    const r = await place.sampleMounts(a.mount ?? [], when);
    return { samples: keyedByHost(place, r.samples), failed: r.failed };
  });
  appendSamples(store, samples);
  const elapsedMs = performance.now() - started;
  for (const f of failed) errLine(`cannot sample ${escapeName(exactName(f.mount, f.mountBase64))}: ${f.error}`);
  if (a.json) {
    outJson({ store, time: when.toISOString(), samples, failed, elapsedMs: Math.round(elapsedMs * 10) / 10 });
  } else if (!a.quiet) {
    const L = [`recorded ${samples.length} sample${samples.length === 1 ? '' : 's'} in ${escapeName(store)}/${SAMPLES_FILE} (${duration(elapsedMs)})`];
    // (a loop, not Math.max(...): past ~120,000 samples the arguments overflow the stack)
    let w = 5;
    for (const s of samples) w = Math.max(w, width(escapeName(exactName(s.mount, s.mountBase64))));
    w = Math.min(30, w);
    for (const s of samples) {
      const usable = s.usedBytes + s.freeBytes;
      L.push(`  ${padRight(escapeName(exactName(s.mount, s.mountBase64)), w)}  ${s.fsType.padEnd(6)}  ${size(s.usedBytes).padStart(10)} used of ${size(usable).padStart(10)} ${pct(s.usedBytes, usable)}  ${escapeName(s.device)}`);
    }
    outText(L.join('\n') + '\n');
  }
  return samples.length === 0 && failed.length > 0 ? 1 : 0;
}
