/**
 * The fleet exporter's /metrics (`diskblame fleet --serve`, issue 14): a FleetResult and the
 * exporter's own health as Prometheus text exposition (format 0.0.4). Pure.
 *
 * Per volume, the families of report/metrics.ts (metricFamilies: the same names, meanings and label
 * escaping as the textfile of `diskblame metrics`), each labelled `instance`, `mountpoint`,
 * `device` and `fstype` as node_exporter labels the filesystem; Prometheus must scrape it with
 * `honor_labels: true` (contrib/prometheus-scrape.yml), or the node's `instance` would be renamed
 * `exported_instance`. Beside them, the issue's names:
 * - diskblame_hours_to_full: diskblame_time_to_full_seconds / 3600. Both on purpose: the issue
 *   names hours for dashboards (a panel that shows "31.5" without a unit conversion), while the
 *   rules (contrib/) use the seconds, as Prometheus' conventions and promtool's lint want base
 *   units. That lint therefore reports this one name ("use base unit seconds instead of hours");
 *   it is the only finding (test/fleet-serve.test.ts checks).
 * - diskblame_forecast_error_ratio: the model's backtest error on the volume's own history (the
 *   textfile's diskblame_forecast_backtest_error_ratio, under the issue's name here, not twice).
 * - diskblame_fill_timestamp_seconds and diskblame_next_peak_fits: as in the textfile.
 * diskblame_time_to_full_seconds counts from the forecast's own moment (the end of the queried
 * range, `FleetVolume.now`), so rules stay right for an exporter run with --at in the past.
 * A volume with no forecast has diskblame_forecast_available 0 and nothing else: its reason is in
 * the exporter's /volume JSON and log, never in a label (unbounded, untrusted text).
 *
 * Health (unlabelled; the scrape adds the exporter's own job and instance):
 * diskblame_fleet_up (1 when the last refresh worked; 0 after a failed one and before the first
 * ends), diskblame_fleet_refreshes_total and diskblame_fleet_refresh_failures_total (counters),
 * diskblame_fleet_last_refresh_timestamp_seconds (the last one's end, worked or not),
 * diskblame_fleet_last_success_timestamp_seconds (absent until one worked),
 * diskblame_fleet_refresh_duration_seconds, diskblame_fleet_refresh_interval_seconds (for the
 * staleness rule), diskblame_fleet_volumes, _failed_volumes (the last refresh could not forecast
 * them), _kept_volumes (served from an earlier refresh: the last one's query for them failed),
 * _series, _queries, and the last good refresh's query, model and (when Prometheus reports it)
 * server query seconds.
 */
import type { FleetResult, FleetVolume } from '../fleet/types.js';
import { metricFamilies, renderFamilies, type MetricFamily, type MetricsVolume } from './metrics.js';

/** The exporter's own state, kept by fleet/serve.ts. Times: unix ms; durations: ms. */
export interface FleetHealth {
  /** the refresh interval */
  intervalMs: number;
  /** refreshes ended (worked or failed) and those that failed, since the start */
  refreshes: number;
  failures: number;
  /** did the last ended refresh work (false before the first ends) */
  up: boolean;
  /** when the last ended refresh ended, and what it took; null before the first ends */
  lastRefreshAt: number | null;
  lastDurationMs: number | null;
  /** when the last refresh that worked ended; null before one did */
  lastSuccessAt: number | null;
  /** volumes the last ended refresh could not forecast (a reason instead) */
  failedVolumes: number;
  /** volumes served with a forecast from an earlier refresh (their query failed in the last one) */
  keptVolumes: number;
}

export interface FleetExposition {
  /** the forecasts served (the last good refresh's, with kept volumes merged in); null before any */
  result: FleetResult | null;
  health: FleetHealth;
}

const sec = (ms: number) => ms / 1000;

/** The label set that names a volume's series on /metrics (and /volume's key). */
export function volumeLabels(v: Pick<FleetVolume, 'instance' | 'mountpoint' | 'device' | 'fstype'>): string {
  return JSON.stringify([v.instance, v.mountpoint, v.device, v.fstype]);
}

/**
 * The metric families of the fleet, volumes first (soonest to fill first, as ranked), then health.
 * Two volumes with the same instance, mountpoint, device and fstype (the same filesystem read by two
 * scrape jobs) would be duplicate series, which fails a whole scrape: the first (the soonest) wins.
 */
export function fleetFamilies(x: FleetExposition): MetricFamily[] {
  const seen = new Set<string>();
  const vols: MetricsVolume[] = [];
  for (const v of x.result?.volumes ?? []) {
    const key = volumeLabels(v);
    if (seen.has(key)) continue;
    seen.add(key);
    vols.push({ mount: v.mountpoint, device: v.device, labels: { instance: v.instance, fstype: v.fstype }, forecast: v.forecast, now: v.now });
  }
  const families: MetricFamily[] = [];
  if (vols.length > 0) {
    for (const f of metricFamilies({ volumes: vols })) {
      if (f.name === 'diskblame_forecast_backtest_error_ratio') {
        families.push({ ...f, name: 'diskblame_forecast_error_ratio' });
        continue;
      }
      families.push(f);
      if (f.name === 'diskblame_time_to_full_seconds')
        families.push({
          name: 'diskblame_hours_to_full',
          help: 'Hours until the volume fills or a peak does not fit (diskblame_time_to_full_seconds / 3600, for dashboards); +Inf when neither is predicted within the horizon',
          type: 'gauge',
          samples: f.samples.map((s) => ({ labels: s.labels, value: s.value / 3600 })),
        });
    }
  }
  const h = x.health;
  const r = x.result;
  const g = (name: string, help: string, value: number, type: MetricFamily['type'] = 'gauge') => families.push({ name, help, type, samples: [{ labels: {}, value }] });
  g('diskblame_fleet_up', '1 when the last refresh of the fleet forecasts worked, 0 when it failed or none has ended yet', h.up ? 1 : 0);
  g('diskblame_fleet_refreshes_total', 'Refreshes of the fleet forecasts ended since the exporter started (worked or failed)', h.refreshes, 'counter');
  g('diskblame_fleet_refresh_failures_total', 'Refreshes of the fleet forecasts that failed since the exporter started (the last good forecasts stay served)', h.failures, 'counter');
  g('diskblame_fleet_refresh_interval_seconds', 'Seconds between refreshes of the fleet forecasts (--interval)', sec(h.intervalMs));
  if (h.lastRefreshAt !== null) g('diskblame_fleet_last_refresh_timestamp_seconds', 'Unix time the last refresh ended, worked or not', Math.round(sec(h.lastRefreshAt)));
  if (h.lastDurationMs !== null) g('diskblame_fleet_refresh_duration_seconds', 'Seconds the last refresh took', sec(h.lastDurationMs));
  if (h.lastSuccessAt !== null) g('diskblame_fleet_last_success_timestamp_seconds', 'Unix time the last refresh that worked ended', Math.round(sec(h.lastSuccessAt)));
  g('diskblame_fleet_volumes', 'Volumes served (each with diskblame_forecast_available)', vols.length);
  g('diskblame_fleet_failed_volumes', 'Volumes the last refresh could not forecast (too little history, no size, a failed query)', h.failedVolumes);
  g('diskblame_fleet_kept_volumes', "Volumes served with an earlier refresh's forecast because the last refresh's query for them failed", h.keptVolumes);
  if (r !== null) {
    g('diskblame_fleet_series', 'Series read from Prometheus by the last good refresh', r.series);
    g('diskblame_fleet_queries', 'Queries sent to Prometheus by the last good refresh', r.queries);
    g('diskblame_fleet_range_end_timestamp_seconds', "Unix time of the end of the last good refresh's range: the forecasts' now", Math.round(sec(r.end)));
    g('diskblame_fleet_query_duration_seconds', "Wall seconds of the last good refresh's queries", sec(r.queryMs));
    g('diskblame_fleet_model_duration_seconds', "CPU seconds of the model in the last good refresh", sec(r.modelMs));
    if (r.serverQueryMs !== null) g('diskblame_fleet_server_query_duration_seconds', "Prometheus' own seconds evaluating the last good refresh's queries", sec(r.serverQueryMs));
  }
  return families;
}

/** The text exposition of fleetFamilies(x); never empty (the health is always there). */
export function renderFleetMetrics(x: FleetExposition): string {
  return renderFamilies(fleetFamilies(x));
}
