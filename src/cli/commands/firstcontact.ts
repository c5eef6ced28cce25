/**
 * `forecast` and `check` on first contact: when the store has no usage samples of the volume (or
 * none at all), what the tree and the host's own histories say (app/firstcontact.ts), and on a
 * terminal the offer to start sampling (app/timer.ts). Only wiring: the volumes are chosen by the
 * forecast use case (app/forecast.ts forecastVolumes, from its one read and one fit of the store).
 *
 * Which volumes:
 *  - `--volume PATH` with no samples of its volume: that volume, scanned (one file system, progress
 *    on stderr when a terminal) unless the store has a snapshot of it from the last 24 h;
 *  - no --volume and no samples at all: every real mounted file system, but NOT scanned (on a
 *    server a scan of every volume can take hours, and nobody asked for one): each gets its recent
 *    snapshot, sysstat and textfiles, and the text says to name a volume to scan it;
 *  - `check` never scans (a plugin must answer within its timeout): snapshot, sysstat, textfiles.
 */
import type { Argv } from 'yargs';
import type { SourceArgs } from '../../store/forecasts.js';
import { storeDir } from '../../store/store.js';
import { firstContact, FirstContactReport, FirstContactVolume } from '../../app/firstcontact.js';
import { firstContactCheck, firstContactJson, firstContactText } from '../../report/firstcontact.js';
import { checkVolume, EXIT, pctCheck, NagiosState, perfdata, Thresholds, VolumeCheck, VolumeForecast } from '../../report/forecast.js';
import { offerSampling } from './offer.js';
import { errLine, outJson, outText } from '../output.js';
import { escapeName } from '../../util/escape.js';
import { growthDrivers, type GrowthDrivers } from '../../store/drivers.js';

export interface FirstContactArgs extends SourceArgs {
  'sysstat-dir'?: string;
  'textfile-dir'?: string;
  scan?: boolean;
  offer?: boolean;
  progress?: boolean;
}

/** The options of the first-contact sources (forecast and check). */
export function firstContactOptions<T>(y: Argv<T>) {
  return y
    .option('sysstat-dir', { requiresArg: true, type: 'string', describe: "with no samples: sysstat's sa files (default /var/log/sysstat, else /var/log/sa), read with sadf" })
    .option('textfile-dir', { requiresArg: true, type: 'string', describe: 'with no samples: node_exporter textfiles written by diskblame metrics -o (default /var/lib/prometheus/node-exporter)' })
    .option('scan', { type: 'boolean', describe: 'with no samples of --volume: scan it for a first-contact forecast (default; --no-scan: a recent snapshot only)' })
    .option('offer', { type: 'boolean', describe: 'on a terminal with no samples: offer to install the sampling timer (default; --no-offer: never ask)' })
    .option('progress', { type: 'boolean', describe: 'progress of a first-contact scan on stderr when a terminal (--no-progress: none)' });
}

async function reports(a: FirstContactArgs, vols: FirstContactVolume[], scan: boolean): Promise<FirstContactReport[]> {
  const out: FirstContactReport[] = [];
  for (const v of vols) {
    out.push(
      await firstContact({ volume: v.mount, store: a.store, scan, sysstatDir: a['sysstat-dir'], textfileDir: a['textfile-dir'], progress: a.progress, samples: v.samples, since: v.since }),
    );
  }
  return out;
}

/** `forecast` with no samples: the first contact of `vols` (app/forecast.ts forecastVolumes chose them); the exit code. */
export async function firstContactForecast(a: FirstContactArgs, vols: FirstContactVolume[]): Promise<number> {
  const single = a.volume !== undefined;
  const rs = await reports(a, vols, single && a.scan !== false);
  // two snapshots of the volume are a history too: what grew between them (store/drivers.ts)
  const drivers = new Map<string, GrowthDrivers | null>();
  for (const r of rs) {
    try {
      drivers.set(r.mount, await growthDrivers(storeDir(a.store), r.mount));
    } catch (e) {
      errLine(`note: comparing the snapshots of ${escapeName(r.mount)} failed: ${(e as Error).message}`);
    }
  }
  if (a.json) {
    const j = rs.map((r) => ({ ...firstContactJson(r), drivers: drivers.get(r.mount) ?? null }));
    outJson(single ? j[0] : j);
    return 0;
  }
  let text = rs.map((r) => firstContactText(r, drivers.get(r.mount) ?? null, 80)).join('\n');
  if (!single) {
    const some = vols.some((v) => v.samples > 0);
    text += `\n${some ? 'Too few usage samples in the store yet' : 'No usage samples in the store yet'}: these volumes were not scanned\n(it can take long). For a first-contact forecast from the tree, name one:\ndiskblame forecast --volume MOUNT\n`;
  }
  outText(text);
  if (a.offer !== false) await offerSampling(storeDir(a.store));
  return 0;
}

/**
 * `check` with no samples, of `vols` (app/forecast.ts forecastVolumes chose them). A sysstat
 * history long enough for the model is checked as a history; else the first contact (never a
 * scan) gives WARNING only when even its slow case fills within --warn, and UNKNOWN otherwise.
 */
export async function firstContactChecks(a: FirstContactArgs, t: Thresholds, vols: FirstContactVolume[]): Promise<{ state: NagiosState; code: number; line: string; volumes: unknown[]; samples: number }> {
  const rs = await reports(a, vols, false);
  const SEV: Record<NagiosState, number> = { OK: 0, UNKNOWN: 1, WARNING: 2, CRITICAL: 3 };
  const checks = rs.map((r): VolumeCheck & { source: 'sysstat' | 'first-contact' } => {
    const sf = r.sysstat.forecast;
    if (sf && sf.status === 'ok') {
      const v: VolumeForecast = { mount: r.mount, device: r.device, fsType: r.fsType, source: 'history', from: 'sysstat', forecast: sf, now: r.now };
      const c = checkVolume(v, t);
      return { ...c, text: `${c.text} (from sysstat)`, source: 'sysstat' };
    }
    const c = firstContactCheck(r, t.warnMs);
    const sizeBytes = r.sample.usedBytes + r.sample.freeBytes;
    // --warn-pct / --crit-pct need no history: a volume past them says so from the first run
    const pct = pctCheck(r.sample.usedBytes, sizeBytes, t);
    const state = pct.state !== 'OK' && SEV[pct.state] > SEV[c.state] ? pct.state : c.state;
    const text = pct.text ? `${c.text}; ${pct.text}` : c.text;
    return { mount: r.mount, state, text, usedBytes: r.sample.usedBytes, sizeBytes, hoursToFull: null, source: 'first-contact' };
  });
  const state = checks.reduce<NagiosState>((s, c) => (SEV[c.state] > SEV[s] ? c.state : s), checks.length ? 'OK' : 'UNKNOWN');
  const order = [...checks].sort((x, y) => SEV[y.state] - SEV[x.state]);
  const text = order.map((c) => (checks.length > 1 ? `${c.state} ${c.text}` : c.text)).join('; ') || 'no volumes';
  const perf = checks.map((c) => perfdata(c, t, checks.length > 1 ? c.mount : '')).join(' ');
  return { state, code: EXIT[state], line: `DISKBLAME ${state} - ${text.replace(/\|/g, '/').replace(/\s*\n\s*/g, ' ')} | ${perf}`, volumes: checks, samples: vols.reduce((n, v) => n + v.samples, 0) };
}

/** check's output of firstContactChecks; an UNKNOWN also says on stderr how to get a history */
export function printCheck(r: { state: NagiosState; line: string }, json: boolean, store: string, samples = 0): void {
  if (json) outJson(r);
  else outText(r.line + '\n');
  if (r.state === 'UNKNOWN')
    errLine(`${samples ? 'too few' : 'no'} usage samples in ${escapeName(store)}: record some with \`diskblame sample\` (cron, or the diskblame-sample.timer the package installs)`);
}
