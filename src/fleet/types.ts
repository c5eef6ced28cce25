/**
 * The fleet's contract (issue 14): every volume Prometheus watches through node_exporter
 * (node_filesystem_size_bytes, _avail_bytes), each history through the forecast model. Plain data:
 * the client (fleet/promclient.ts) fills FleetSeries, the use case (app/fleet.ts) makes FleetResult,
 * the shells print it (cli/commands/fleet.ts) or serve it (fleet/serve.ts, report/fleet-metrics.ts).
 * Times are unix ms unless a name says seconds.
 */
import type { Forecast, Point } from '../forecast/types.js';

/** One filesystem of one host, as node_exporter labels it. */
export interface VolumeKey {
  /** the `instance` label (host:port of the exporter) */
  instance: string;
  /** the `mountpoint` label */
  mountpoint: string;
  /** the `device` label ('' when absent) */
  device: string;
  /** the `fstype` label ('' when absent) */
  fstype: string;
  /** the series' other labels (job, env, ...), for --json and the served metrics' context */
  labels: Record<string, string>;
}

/** A volume's history read back from Prometheus. */
export interface FleetSeries extends VolumeKey {
  /** used = size - avail (as df), oldest first; one point per sample at its own time */
  points: Point[];
}

/** One volume's forecast in the fleet. */
export interface FleetVolume extends VolumeKey {
  /** the model's answer; null when the series could not be forecast (see `reason`) */
  forecast: Forecast | null;
  /** why no forecast (too few points, no size, the query failed), else null */
  reason: string | null;
  /** points the model saw */
  points: number;
  /** the model's time on this series (ms) */
  modelMs: number;
  /** "now" of the forecast: the end of the queried range (unix ms) */
  now: number;
}

export interface FleetRequest {
  /** the Prometheus server's base URL (http or https; a path prefix is kept) */
  url: string;
  /** series selectors to narrow the volumes, e.g. '{job="node",env="prod"}' (empty: all) */
  match: string[];
  /** the history's length (ms), default 30 days */
  rangeMs: number;
  /** the query resolution (seconds); null: one that fits the range */
  stepSeconds: number | null;
  /** the end of the range (unix ms), default now */
  at: number;
  /** auth and TLS (never from argv: from files or the environment) */
  bearerToken?: string;
  basicAuth?: { username: string; password: string };
  /** PEM file of the CA(s) to trust for https */
  caFile?: string;
  /** per-request timeout (ms) */
  timeoutMs: number;
  /** queries in flight at once (2-4) */
  concurrency: number;
}

/** A refresh of the whole fleet. */
export interface FleetResult {
  /** ranked by fill time: soonest first (a peak that will not fit counts), then no fill, then no forecast */
  volumes: FleetVolume[];
  /** the range asked (unix ms) and the step used (seconds) */
  start: number;
  end: number;
  stepSeconds: number;
  /** when the refresh started (unix ms) and what it took (ms): all, in queries (wall), in the model (CPU of the main thread) */
  startedAt: number;
  durationMs: number;
  queryMs: number;
  modelMs: number;
  /** Prometheus' own time evaluating our queries (ms, summed from its stats; null when not reported) */
  serverQueryMs: number | null;
  /** queries sent, and series read */
  queries: number;
  series: number;
  /** failures that did not stop the refresh (a batch that failed: its volumes have a reason) */
  errors: string[];
}
