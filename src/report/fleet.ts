/**
 * The fleet's words (issue 14): a FleetResult as JSON (times as ISO 8601, as `forecast --json`)
 * and as a table for 80 columns. Pure: no I/O. Every label value shown goes through escapeName.
 */
import type { FleetResult, FleetVolume } from '../fleet/types.js';
import { escapeName } from '../util/escape.js';
import { size } from '../util/format.js';
import { fit, padLeft, width } from '../ui/text.js';
import { effectiveFill, forecastJson } from './forecast.js';

const iso = (ms: number | null): string | null => (ms === null || !Number.isFinite(ms) ? null : new Date(ms).toISOString());

/** `forecast --json`'s keys, in its order, all null: a volume without a forecast has the same keys as one with */
const NO_FORECAST = {
  status: null,
  fillsAt: null,
  earliest: null,
  latest: null,
  pattern: null,
  growthBytesPerDay: null,
  nextRisk: null,
  peaks: null,
  backtestError: null,
  notes: null,
  asOf: null,
  regimeStart: null,
  samplesUsed: null,
  sizeBytes: null,
  usedBytes: null,
} as const;

/**
 * One volume as JSON: its labels, then the forecast as `forecast --json` gives it (fillsAt,
 * earliest, latest, pattern, nextRisk, growthBytesPerDay, usedBytes, sizeBytes, peaks,
 * backtestError, notes, ...; null when there is none), its `reason`, the points and model time (ms).
 */
export function fleetVolumeJson(v: FleetVolume) {
  const base = { instance: v.instance, mountpoint: v.mountpoint, device: v.device, fstype: v.fstype, labels: v.labels };
  const eff = v.forecast ? effectiveFill(v.forecast) : null;
  const f = v.forecast
    ? (({ mount: _m, source: _s, from: _f, ...rest }) => rest)(forecastJson({ mount: v.mountpoint, source: 'history', from: '', forecast: v.forecast, now: v.now }))
    : NO_FORECAST;
  return { ...base, ...f, effectiveFill: eff ? { at: iso(eff.at), why: eff.why } : null, reason: v.reason, points: v.points, modelMs: round(v.modelMs), now: iso(v.now) };
}

/** the whole result as JSON (see fleetVolumeJson); times ISO 8601, durations ms */
export function fleetJson(r: FleetResult) {
  return {
    volumes: r.volumes.map(fleetVolumeJson),
    start: iso(r.start),
    end: iso(r.end),
    stepSeconds: r.stepSeconds,
    startedAt: iso(r.startedAt),
    durationMs: round(r.durationMs),
    queryMs: round(r.queryMs),
    serverQueryMs: r.serverQueryMs === null ? null : round(r.serverQueryMs),
    modelMs: round(r.modelMs),
    queries: r.queries,
    series: r.series,
    errors: r.errors,
  };
}

const round = (ms: number) => Math.round(ms * 10) / 10;

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

/** a span in a few columns: "45m", "30h", "12d", "14mo", "3y" */
export function shortSpan(ms: number): string {
  if (ms < HOUR) return `${Math.max(0, Math.floor(ms / MIN))}m`;
  if (ms < 2 * DAY) return `${Math.floor(ms / HOUR)}h`;
  if (ms < 60 * DAY) return `${Math.floor(ms / DAY)}d`;
  if (ms < 730 * DAY) return `${Math.floor(ms / (30.44 * DAY))}mo`;
  return `${Math.floor(ms / (365.25 * DAY))}y`;
}

/** per day, in a few columns: "1.2 GiB", "-300 MiB" */
function perDay(b: number): string {
  return b === 0 ? '0' : size(Math.round(b));
}

const COLS = { used: 4, fills: 6, range: 9, pattern: 9, peak: 7, growth: 9 };

/** the pattern in the table's few columns */
const SHORT_PATTERN: Record<string, string> = { 'periodic-peaks': 'peaks', accelerating: 'accel.' };

/**
 * The table: one row per volume, in the result's order (soonest fill first). Columns: instance,
 * mount point (its end kept), used %, FILLS (the time to the fill from the range's end, or to a
 * peak that will not fit: "5d!"; FULL when used = size, "now" when the fill time has come before; "-" none within the horizon), RANGE (earliest-latest),
 * PATTERN (the model's word, shortened), PEAK (the next risky peak: "fits", "5h NO": it will not fit, "-"), GROWTH a day. Volumes without a
 * forecast show their reason instead. `width`: the line's columns (80).
 */
export function fleetTable(r: FleetResult, cols = 80): string {
  const fixed = COLS.used + COLS.fills + COLS.range + COLS.pattern + COLS.peak + COLS.growth + 7;
  const flex = Math.max(16, cols - fixed);
  const wi = Math.ceil(flex * 0.55);
  const wm = flex - wi;
  const L: string[] = [];
  let peakFirst = false;
  L.push(
    [fit('INSTANCE', wi), fit('MOUNT', wm), padLeft('USED', COLS.used), padLeft('FILLS', COLS.fills), fit('RANGE', COLS.range), fit('PATTERN', COLS.pattern), fit('PEAK', COLS.peak), padLeft('GROWTH/D', COLS.growth)].join(' '),
  );
  for (const v of r.volumes) {
    const f = v.forecast;
    const head = [fit(escapeName(v.instance), wi), fit(escapeName(v.mountpoint), wm, true)];
    const used = f && f.sizeBytes > 0 ? `${Math.round((100 * f.usedBytes) / f.sizeBytes)}%` : '-';
    if (!f || f.status !== 'ok') {
      const rest = cols - width(head.join(' ')) - COLS.used - 2;
      L.push([...head, padLeft(used, COLS.used), fit(`(${v.reason ?? 'no forecast'})`, rest)].join(' ').trimEnd());
      continue;
    }
    const eff = effectiveFill(f);
    // a fill at or before now: FULL when it is (used = size), else "now" (the model's fill has
    // come, e.g. a burst that would not fit may come at any time: the volume is not full yet)
    const fills = eff === null ? '-' : eff.at <= v.now ? (f.usedBytes >= f.sizeBytes ? 'FULL' : 'now' + (eff.why === 'peak' ? '!' : '')) : shortSpan(eff.at - v.now) + (eff.why === 'peak' ? '!' : '');
    if (eff !== null && eff.at > v.now && eff.why === 'peak') peakFirst = true;
    const range =
      f.earliest === null && f.latest === null ? '' : `${f.earliest === null ? 'now' : shortSpan(Math.max(0, f.earliest - v.now))}-${f.latest === null ? '...' : shortSpan(Math.max(0, f.latest - v.now))}`;
    const risk = f.nextRisk;
    const peak = !risk ? '-' : risk.fits ? 'fits' : `${shortSpan(Math.max(0, risk.at - v.now))} NO`;
    L.push(
      [
        ...head,
        padLeft(used, COLS.used),
        padLeft(fills, COLS.fills),
        fit(range, COLS.range),
        fit(SHORT_PATTERN[f.pattern] ?? f.pattern, COLS.pattern),
        fit(peak, COLS.peak),
        padLeft(perDay(f.growthBytesPerDay), COLS.growth),
      ]
        .join(' ')
        .trimEnd(),
    );
  }
  const foot: string[] = [];
  if (peakFirst) foot.push('FILLS "!": the next peak will not fit, before the trend fills it');
  foot.push(`${r.volumes.length} volume${r.volumes.length === 1 ? '' : 's'}, ${new Date(r.start).toISOString().slice(0, 16)}Z to ${new Date(r.end).toISOString().slice(0, 16)}Z, step ${r.stepSeconds} s`);
  for (const e of r.errors.slice(0, 5)) foot.push(`error: ${e}`);
  if (r.errors.length > 5) foot.push(`and ${r.errors.length - 5} more errors`);
  return L.join('\n') + '\n' + foot.map((l) => fit(l, cols).trimEnd()).join('\n') + '\n';
}
