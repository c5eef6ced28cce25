/**
 * Prometheus text exposition (format 0.0.4) for node_exporter's textfile collector. Pure.
 *
 * Every series is a gauge labelled by mountpoint (and device). Choices for alert rules:
 * - diskblame_time_to_full_seconds is +Inf when a forecast was made and nothing fills within the
 *   horizon (so `diskblame_time_to_full_seconds < 3 * 86400` is simply false), and absent when no
 *   forecast could be made (diskblame_forecast_available 0). It counts a next peak that will not
 *   fit as the fill, as `check` does. Seconds, not hours: promtool's lint wants base units.
 * - diskblame_fill_timestamp_seconds (and earliest/latest) are absent when no fill is predicted.
 * - The snapshot part (bytes per kind, deleted-but-open bytes) is present only when given.
 * - Never empty, so a textfile never goes silently stale: diskblame_forecast_available is there for
 *   every volume, 0 for one without samples or with too few, and with no labels at all (value 0)
 *   when there is no volume (an empty store); diskblame_last_run_timestamp_seconds says when the
 *   file was written (`time() - diskblame_last_run_timestamp_seconds > 3600` finds a stopped timer).
 */
import type { Forecast } from '../forecast/types.js';
import { effectiveFill } from './forecast.js';
import { terminalLines } from '../util/escape.js';

export interface MetricsSnapshot {
  kinds: Record<string, number>;
  deletedOpenBytes?: number;
  /** ISO 8601 */
  time: string;
}

export interface MetricsVolume {
  mount: string;
  device?: string;
  /**
   * more labels of this volume's families, after mountpoint and device (the fleet's `instance`,
   * `fstype`); values are escaped like the mount point's
   */
  labels?: Record<string, string>;
  /** null: no forecast could be made (only diskblame_forecast_available 0 is exposed, the reason nowhere) */
  forecast: Forecast | null;
  /** unix ms that time_to_full is counted from */
  now: number;
  snapshot?: MetricsSnapshot;
}

export interface MetricsInput {
  volumes: MetricsVolume[];
  /**
   * Volumes asked for that have no samples at all: each still gets diskblame_forecast_available 0
   * (so an alert on it fires instead of the series vanishing).
   */
  missing?: string[];
  /** unix ms of this run: diskblame_last_run_timestamp_seconds (always given by the command) */
  runAt?: number;
}

export interface MetricSample {
  labels: Record<string, string>;
  value: number;
}

export interface MetricFamily {
  name: string;
  help: string;
  /** a counter's name ends in _total */
  type: 'gauge' | 'counter';
  samples: MetricSample[];
}

/**
 * A label value as exposition text. The format escapes only backslash, double quote and newline;
 * every other control, format or invisible character is first written as text (\xNN, \u{NNNN}:
 * terminalLines, which keeps the newlines), so no raw control byte leaves in a label. The value
 * Prometheus stores is the mount point itself, but for those characters.
 */
function lv(s: string): string {
  return terminalLines(s).replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function value(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Infinity) return '+Inf';
  if (n === -Infinity) return '-Inf';
  return String(n);
}

const sec = (ms: number) => Math.round(ms / 1000);

/** The metric families, each with its samples (in the order they are exposed). */
export function metricFamilies(input: MetricsInput): MetricFamily[] {
  const families = new Map<string, MetricFamily>();
  const add = (name: string, help: string, labels: Record<string, string>, v: number) => {
    let f = families.get(name);
    if (!f) families.set(name, (f = { name, help, type: 'gauge', samples: [] }));
    f.samples.push({ labels, value: v });
  };
  const AVAILABLE = '1 when a fill forecast could be made for the volume, 0 when there is not enough history (or none)';
  if (input.volumes.length === 0 && !input.missing?.length) add('diskblame_forecast_available', AVAILABLE, {}, 0);
  for (const mount of input.missing ?? []) add('diskblame_forecast_available', AVAILABLE, { mountpoint: mount }, 0);
  for (const v of input.volumes) {
    const f = v.forecast;
    const l: Record<string, string> = { mountpoint: v.mount, ...(v.device !== undefined ? { device: v.device } : {}), ...v.labels };
    const ok = f?.status === 'ok';
    add('diskblame_forecast_available', AVAILABLE, l, ok ? 1 : 0);
    if (f === null) continue;
    if (f.samplesUsed > 0) {
      add('diskblame_used_bytes', 'Bytes used on the volume at the last sample (as df)', l, f.usedBytes);
      add('diskblame_size_bytes', 'Usable size of the volume at the last sample (used + available, as df)', l, f.sizeBytes);
      add('diskblame_last_sample_timestamp_seconds', 'Unix time of the last usage sample the forecast is based on', l, sec(f.asOf));
    }
    if (!ok) continue;
    add('diskblame_growth_bytes_per_day', 'Underlying growth of used bytes per day (the trend, without transient peaks)', l, Math.round(f.growthBytesPerDay));
    if (f.fillsAt !== null) add('diskblame_fill_timestamp_seconds', 'Predicted unix time the volume fills; absent when not within the horizon', l, sec(f.fillsAt));
    if (f.earliest !== null) add('diskblame_fill_earliest_timestamp_seconds', 'Earliest plausible fill time (unix seconds)', l, sec(f.earliest));
    if (f.latest !== null) add('diskblame_fill_latest_timestamp_seconds', 'Latest plausible fill time (unix seconds)', l, sec(f.latest));
    const eff = effectiveFill(f);
    add(
      'diskblame_time_to_full_seconds',
      'Seconds until the volume fills or a peak does not fit, whichever comes first; +Inf when neither is predicted within the horizon',
      l,
      eff === null ? Infinity : Math.max(0, sec(eff.at - v.now)),
    );
    if (f.nextRisk) {
      add('diskblame_next_peak_timestamp_seconds', 'Unix time of the next expected usage peak', l, sec(f.nextRisk.at));
      add('diskblame_next_peak_expected_used_bytes', 'Expected used bytes at the next peak', l, Math.round(f.nextRisk.expectedUsed));
      add('diskblame_next_peak_fits', '1 when the next expected peak fits in the volume, 0 when it will not', l, f.nextRisk.fits ? 1 : 0);
    }
    if (f.backtestError !== null) add('diskblame_forecast_backtest_error_ratio', "Median relative error of the model on this volume's own history", l, f.backtestError);
  }
  for (const v of input.volumes) {
    const s = v.snapshot;
    if (!s) continue;
    for (const [kind, bytes] of Object.entries(s.kinds).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      add('diskblame_kind_bytes', 'Bytes per kind of data on the volume, from the latest snapshot', { mountpoint: v.mount, kind }, bytes);
    }
    if (s.deletedOpenBytes !== undefined) {
      add('diskblame_deleted_open_bytes', 'Bytes held by deleted but still open files on the volume, from the latest snapshot', { mountpoint: v.mount }, s.deletedOpenBytes);
    }
    const t = Date.parse(s.time);
    if (Number.isFinite(t)) add('diskblame_snapshot_timestamp_seconds', 'Unix time of the latest snapshot of the volume', { mountpoint: v.mount }, sec(t));
  }
  if (input.runAt !== undefined) add('diskblame_last_run_timestamp_seconds', 'Unix time diskblame metrics last ran (and wrote this)', {}, sec(input.runAt));
  return [...families.values()];
}

/** The text exposition of metricFamilies(input). */
export function renderMetrics(input: MetricsInput): string {
  return renderFamilies(metricFamilies(input));
}

/** The text exposition (format 0.0.4) of metric families, in their order; '' when there are none. */
export function renderFamilies(families: MetricFamily[]): string {
  const L: string[] = [];
  for (const f of families) {
    L.push(`# HELP ${f.name} ${f.help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}`, `# TYPE ${f.name} ${f.type}`);
    for (const x of f.samples) {
      const labels = Object.entries(x.labels).map(([k, v]) => `${k}="${lv(v)}"`);
      L.push(`${f.name}${labels.length ? `{${labels.join(',')}}` : ''} ${value(x.value)}`);
    }
  }
  return L.length ? L.join('\n') + '\n' : '';
}
