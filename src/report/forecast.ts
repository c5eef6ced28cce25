/**
 * What `forecast` and `check` print, from a Forecast: text for a person, JSON for a script, one
 * Nagios line for a monitoring system. Pure: plain data in, strings out (time zone aside).
 */
import type { Forecast, JobMatch } from '../forecast/types.js';
import type { GrowthDrivers } from '../store/drivers.js';
import { escapeName, exactName } from '../util/escape.js';
import { count, size } from '../util/format.js';
import { checkPeakText, jobJson, jobTag, otherPeaks, otherPeakText, peakJson, peakParts, riskJson, wrap } from './peak.js';
import { clock, localTimes } from './time.js';

const MIN = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

/** One volume's forecast with where it came from. */
export interface VolumeForecast {
  /** the mount point (or, for --history FILE, --volume's name or the file) */
  mount: string;
  /** the exact bytes of the mount point, base64, when `mount` (UTF-8 text) is lossy */
  mountBase64?: string;
  device?: string;
  fsType?: string;
  source: 'store' | 'history';
  /** the store's samples file or the CSV, for the text */
  from: string;
  forecast: Forecast;
  /** "now" for relative times: the wall clock for the store, the last sample for a CSV */
  now: number;
  /** what grew between the two newest snapshots on the volume (forecast only; null: fewer than two) */
  drivers?: GrowthDrivers | null;
  /** the job that starts each of `forecast.peaks` (as that list; null: none matched); absent: not looked for */
  peakJobs?: (JobMatch | null)[];
}

// ---- time and size words ----------------------------------------------------------------------

// clock: "2026-02-20 09:40 +01:00" (report/time.ts, re-exported here for the callers of old)
export { clock };

/** A span as a person says it: "3 days 4 h", "5 h 12 min", "40 min", "now". */
export function span(ms: number): string {
  if (ms < MIN) return 'less than a minute';
  const d = Math.floor(ms / DAY);
  const h = Math.floor((ms % DAY) / HOUR);
  const m = Math.floor((ms % HOUR) / MIN);
  if (d >= 60) return `${d} days`;
  if (d >= 1) return `${d} day${d === 1 ? '' : 's'}${h ? ` ${h} h` : ''}`;
  if (h >= 1) return `${h} h${m ? ` ${m} min` : ''}`;
  return `${m} min`;
}

/** "in 3 days 4 h" or "2 h ago" from `now`. */
export function relative(at: number, now: number): string {
  return at >= now ? `in ${span(at - now)}` : `${span(now - at)} ago`;
}

export function rate(bytesPerDay: number): string {
  const sign = bytesPerDay > 0 ? '+' : bytesPerDay < 0 ? '-' : '';
  return `${sign}${size(Math.round(Math.abs(bytesPerDay)))}/day`;
}

function usedPct(f: Forecast): number {
  return f.sizeBytes > 0 ? (100 * f.usedBytes) / f.sizeBytes : 0;
}

const PATTERN_WORDS: Record<Forecast['pattern'], string> = {
  steady: 'steady growth',
  sawtooth: 'sawtooth (growth with regular cleanups, e.g. log rotation)',
  'periodic-peaks': 'periodic peaks (a recurring job needs transient space)',
  steps: 'steps (growth in jumps)',
  accelerating: 'accelerating growth',
  flat: 'flat',
  shrinking: 'shrinking',
  irregular: 'irregular',
};

export function patternText(p: Forecast['pattern']): string {
  return PATTERN_WORDS[p] ?? p;
}

/**
 * The moment that counts for alerting: the predicted fill, or the next risky peak when it will
 * not fit and comes first (or at the same moment). null: nothing within the horizon.
 */
export function effectiveFill(f: Forecast): { at: number; why: 'fill' | 'peak' } | null {
  if (f.status !== 'ok') return null;
  const peak = f.nextRisk && !f.nextRisk.fits ? f.nextRisk.at : null;
  // a fill AT the peak that does not fit is that peak (the model may date the fill by it): named so
  if (peak !== null && (f.fillsAt === null || peak <= f.fillsAt)) return { at: peak, why: 'peak' };
  return f.fillsAt === null ? null : { at: f.fillsAt, why: 'fill' };
}

// ---- JSON ------------------------------------------------------------------------------------

const iso = (ms: number | null): string | null => (ms === null || !Number.isFinite(ms) ? null : new Date(ms).toISOString());

/** The Forecast with its times as ISO 8601 strings (null stays null), plus where it is from. */
export function forecastJson(v: VolumeForecast) {
  const f = v.forecast;
  return {
    mount: v.mount,
    ...(v.mountBase64 !== undefined ? { mountBase64: v.mountBase64 } : {}),
    ...(v.device !== undefined ? { device: v.device } : {}),
    ...(v.fsType !== undefined ? { fsType: v.fsType } : {}),
    source: v.source,
    from: v.from,
    status: f.status,
    fillsAt: iso(f.fillsAt),
    earliest: iso(f.earliest),
    latest: iso(f.latest),
    pattern: f.pattern,
    growthBytesPerDay: f.growthBytesPerDay,
    nextRisk: f.nextRisk ? riskJson(f.nextRisk) : null,
    // every recurring peak, each with its job when looked for
    peaks: (f.peaks ?? []).map((p, k) => ({ ...peakJson(p), ...(v.peakJobs ? { job: jobJson(v.peakJobs[k] ?? null) } : {}) })),
    backtestError: f.backtestError,
    notes: f.notes,
    asOf: iso(f.asOf),
    regimeStart: iso(f.regimeStart),
    samplesUsed: f.samplesUsed,
    sizeBytes: f.sizeBytes,
    usedBytes: f.usedBytes,
    ...(v.drivers !== undefined ? { drivers: v.drivers } : {}),
  };
}

// ---- text ------------------------------------------------------------------------------------

export function forecastText(v: VolumeForecast): string {
  const f = v.forecast;
  const L: string[] = [];
  const head = [v.device, v.fsType].filter(Boolean).map((s) => escapeName(s!)).join(', ');
  // "from FILE" unless the name shown is that file (--history without --volume)
  const from = v.from !== v.mount ? `  from ${escapeName(v.from)}` : '';
  L.push(`${escapeName(exactName(v.mount, v.mountBase64))}${head ? `  (${head})` : ''}${from}`);
  // a row longer than 80 columns goes on under its value (a directory's row, padded, is short)
  const row = (k: string, s: string) => (15 + s.length > 80 ? wrap(s, 80 - 15) : [s]).forEach((l, i) => L.push(`  ${(i ? '' : k).padEnd(12)} ${l}`));
  if (f.samplesUsed > 0 || f.sizeBytes > 0) {
    row('Now', `${size(f.usedBytes)} used of ${size(f.sizeBytes)} (${usedPct(f).toFixed(1)}%), ${size(Math.max(0, f.sizeBytes - f.usedBytes))} free, as of ${clock(f.asOf)}`);
  }
  const stale = v.source === 'store' && v.now - f.asOf > DAY;
  if (stale) row('Warning', `the last sample is ${span(v.now - f.asOf)} old: is the sampler (diskblame sample) running?`);
  if (f.status !== 'ok') {
    row('Forecast', 'not enough data');
    for (const n of f.notes) row('', localTimes(n, f.asOf));
    if (v.source === 'store') row('', 'keep sampling (diskblame sample every 15 min: cron, or the diskblame-sample.timer the package installs) and ask again');
    return L.join('\n') + '\n';
  }
  if (f.fillsAt === null) row('Fills', 'not within the forecast horizon');
  else if (f.fillsAt <= v.now && f.usedBytes >= f.sizeBytes) row('Fills', `FULL NOW (reached ${clock(f.fillsAt)})`);
  // the forecast's fill has come but the volume is not full (a burst that will not fit may come at any time)
  else if (f.fillsAt <= v.now) row('Fills', `now (forecast for ${clock(f.fillsAt)}; ${usedPct(f).toFixed(1)}% used at the last sample)`);
  else row('Fills', `${clock(f.fillsAt)}  (${v.source === 'history' ? `${span(f.fillsAt - v.now)} after the last sample` : relative(f.fillsAt, v.now)})`);
  if (f.earliest !== null || f.latest !== null) {
    row('Range', `${f.earliest !== null ? clock(f.earliest) : 'now'}  to  ${f.latest !== null ? clock(f.latest) : 'beyond the horizon'}`);
  }
  row('Pattern', patternText(f.pattern));
  row('Growth', `${rate(f.growthBytesPerDay)} (the trend, without transient peaks)`);
  if (f.nextRisk) {
    const r = f.nextRisk;
    const fit = r.fits
      ? `fits (${size(r.expectedUsed)} of ${size(f.sizeBytes)})`
      : `will NOT fit: needs ${size(r.expectedUsed)} of ${size(f.sizeBytes)}`;
    const words = peakParts(r, f);
    if (words) {
      // the peak in local time and the job behind it, wrapped to 80 columns
      row('Next risk', `${clock(r.at)} (${relative(r.at, v.now)}): ${r.fits ? 'fits' : 'will NOT fit'}`);
      wrap(words.join('; '), 80 - 15).forEach((l, k) => row(k ? '' : 'Peak', l));
    } else row('Next risk', `${clock(r.at)} (${relative(r.at, v.now)}): ${localTimes(r.what, r.at)}; ${fit}`);
  } else row('Next risk', 'none expected before the fill');
  // the other recurring peaks (a nightly job besides the weekly one), one each
  for (const o of otherPeaks(f.peaks, f.nextRisk, v.peakJobs)) wrap(otherPeakText(o.peak, o.job), 80 - 15).forEach((l, k) => row(k ? '' : f.nextRisk?.peak ? 'Other peak' : 'Peak', l));
  row('Backtest', f.backtestError === null ? 'history too short to score the model on it' : `median relative error ${f.backtestError.toFixed(2)} on this history's own past`);
  row('History', `${count(f.samplesUsed)} samples since ${clock(f.regimeStart)}`);
  for (const n of f.notes) row('Note', localTimes(n, f.asOf));
  const d = v.drivers;
  if (d) {
    const per = (x: number | null) => (x === null ? '' : ` (${rate(x)})`);
    row('Driving it', `snapshots of ${escapeName(d.root)} from ${clock(Date.parse(d.from))} to ${clock(Date.parse(d.to))}: ${d.netDiskBytes >= 0 ? '+' : ''}${size(d.netDiskBytes)}${per(d.perDay)}`);
    for (const x of d.dirs) row('', `${('+' + size(x.delta)).padStart(11)}  ${escapeName(exactName(x.path, x.pathBase64))}${per(x.perDay)}`);
    if (d.kinds.length) row('', `by kind: ${d.kinds.map((k) => `${k.name} +${size(k.delta)}`).join(', ')}`);
    if (d.users.length) row('', `by user: ${d.users.map((u) => `${escapeName(u.user)} +${size(u.delta)}`).join(', ')}`);
  } else if (v.source === 'store' && d === null) row('Driving it', 'take snapshots (diskblame snapshot PATH) to see which directories and owners grow');
  return L.join('\n') + '\n';
}

// ---- check (Nagios) --------------------------------------------------------------------------

export type NagiosState = 'OK' | 'WARNING' | 'CRITICAL' | 'UNKNOWN';
export const EXIT: Record<NagiosState, number> = { OK: 0, WARNING: 1, CRITICAL: 2, UNKNOWN: 3 };
/** worst first, as check_disk's max_state_alt: CRITICAL > WARNING > UNKNOWN > OK */
const SEVERITY: Record<NagiosState, number> = { OK: 0, UNKNOWN: 1, WARNING: 2, CRITICAL: 3 };

export interface Thresholds {
  warnMs: number;
  critMs: number;
  warnPct?: number;
  critPct?: number;
}

/** "30m", "12h", "3d", "2w", "90s" -> ms; null when not a duration. */
export function parseDuration(s: string): number | null {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(s|m|min|h|d|w)\s*$/i.exec(s);
  if (!m) return null;
  const unit: Record<string, number> = { s: 1000, m: MIN, min: MIN, h: HOUR, d: DAY, w: 7 * DAY };
  return Number(m[1]) * unit[m[2].toLowerCase()];
}

export interface VolumeCheck {
  mount: string;
  state: NagiosState;
  /** why, in a few words */
  text: string;
  usedBytes: number;
  sizeBytes: number;
  /** hours until the effective fill (0 when full), null when none within the horizon or no forecast */
  hoursToFull: number | null;
  /** --json: the effective fill (the fill, or the peak that will not fit first) as ISO 8601 UTC; null: none */
  fillsAt?: string | null;
  /** --json: what fills it: the trend ('fill') or a peak that will not fit ('peak'); null: nothing */
  fillsBy?: 'fill' | 'peak' | null;
}

function worse(a: NagiosState, b: NagiosState): NagiosState {
  return SEVERITY[b] > SEVERITY[a] ? b : a;
}

/**
 * --warn-pct / --crit-pct on a volume's use (bytes; size = used + available, as df's Use%): the
 * state they give (OK when neither is passed or set) and the text ("used 23.0% >= 20%"; '' for a
 * size of 0). For every check, with a forecast or without one (first contact, too few samples).
 */
export function pctCheck(usedBytes: number, sizeBytes: number, t: Thresholds): { state: NagiosState; text: string } {
  const pctUsed = sizeBytes > 0 ? (100 * usedBytes) / sizeBytes : 0;
  let state: NagiosState = 'OK';
  if (t.critPct !== undefined && pctUsed >= t.critPct) state = 'CRITICAL';
  else if (t.warnPct !== undefined && pctUsed >= t.warnPct) state = 'WARNING';
  const limit = state === 'CRITICAL' ? ` >= ${t.critPct}%` : state === 'WARNING' ? ` >= ${t.warnPct}%` : '';
  return { state, text: sizeBytes > 0 ? `used ${pctUsed.toFixed(1)}%${limit}` : '' };
}

export function checkVolume(v: VolumeForecast, t: Thresholds): VolumeCheck {
  const f = v.forecast;
  const mount = escapeName(exactName(v.mount, v.mountBase64));
  let state: NagiosState = 'OK';
  const why: string[] = [];
  const eff = effectiveFill(f);
  let hoursToFull: number | null = null;
  if (f.status !== 'ok') {
    state = 'UNKNOWN';
    why.push(`not enough history to forecast${f.notes.length ? ` (${localTimes(f.notes[0], f.asOf)})` : ''}`);
  } else if (eff === null) {
    why.push(`not filling within the horizon (trend ${rate(f.growthBytesPerDay)})`);
  } else {
    const left = Math.max(0, eff.at - v.now);
    hoursToFull = left / HOUR;
    state = left <= t.critMs ? 'CRITICAL' : left <= t.warnMs ? 'WARNING' : 'OK';
    const when = left === 0 ? 'now' : `in ${span(left)} (${clock(eff.at)})`;
    why.push(eff.why === 'peak' ? `${checkPeakText(f.nextRisk!, f) ?? `${localTimes(f.nextRisk!.what, f.nextRisk!.at)}${jobTag(f.nextRisk)}`} will not fit ${when}` : `fills ${when}`);
  }
  const pct = pctCheck(f.usedBytes, f.sizeBytes, t);
  if (pct.text) why.push(pct.text);
  if (pct.state !== 'OK') state = worse(state, pct.state);
  return { mount: v.mount, state, text: `${mount}: ${why.join(', ')}`, usedBytes: f.usedBytes, sizeBytes: f.sizeBytes, hoursToFull, fillsAt: iso(eff?.at ?? null), fillsBy: eff?.why ?? null };
}

/** A perfdata label: quoted, ' doubled, = not allowed (Nagios plugin guidelines). */
function label(s: string): string {
  return `'${escapeName(s).replace(/=/g, '_').replace(/'/g, "''")}'`;
}

const num = (n: number) => String(Math.round(n * 100) / 100);

export function perfdata(c: VolumeCheck, t: Thresholds, prefix: string): string {
  const p = prefix ? `${prefix} ` : '';
  const pctBytes = (pct?: number) => (pct === undefined ? '' : String(Math.floor((pct / 100) * c.sizeBytes)));
  const parts = [`${label(p + 'used')}=${c.usedBytes}B;${pctBytes(t.warnPct)};${pctBytes(t.critPct)};0;${c.sizeBytes}`];
  // time thresholds alert when the value is BELOW them: the range "N:" (outside N..inf)
  parts.push(`${label(p + 'hours_to_full')}=${c.hoursToFull === null ? 'U' : num(c.hoursToFull)};${num(t.warnMs / HOUR)}:;${num(t.critMs / HOUR)}:;0;`);
  return parts.join(' ');
}

export interface CheckResult {
  state: NagiosState;
  code: number;
  /** the one line for Nagios */
  line: string;
  volumes: VolumeCheck[];
}

/** All volumes into one Nagios line: the worst state, the worst volumes first. */
export function checkAll(vols: VolumeForecast[], t: Thresholds): CheckResult {
  const checks = vols.map((v) => checkVolume(v, t));
  const state = checks.reduce<NagiosState>((s, c) => worse(s, c.state), 'OK');
  const order = [...checks].sort((a, b) => SEVERITY[b.state] - SEVERITY[a.state]);
  const text = order.map((c) => (checks.length > 1 && c.state !== 'OK' ? `${c.state} ${c.text}` : c.text)).join('; ');
  const perf = checks.map((c) => perfdata(c, t, checks.length > 1 ? c.mount : '')).join(' ');
  return { state, code: EXIT[state], line: `DISKBLAME ${state} - ${text.replace(/\|/g, '/')} | ${perf}`, volumes: checks };
}

/** The line for a check that could not run. */
export function unknownLine(msg: string): string {
  return `DISKBLAME UNKNOWN - ${msg.replace(/\s*\n\s*/g, ' ').replace(/\|/g, '/')}`;
}
