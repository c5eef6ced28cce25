/**
 * The fleet exporter (`diskblame fleet --prometheus URL --serve ADDR`, issue 14): refreshes the
 * fleet's forecasts on an interval and serves them back to Prometheus (node:http, no framework).
 *
 * - A first refresh at start, then one every `intervalMs` counted from each start; never two at
 *   once (one that overruns the interval is followed by the next as soon as it ends).
 * - A refresh that throws (the server unreachable, a 5xx, a non-Prometheus answer), or whose every
 *   query failed, is a failed refresh: counted, diskblame_fleet_up 0, the last good forecasts stay
 *   served. A refresh with some failed queries (FleetResult.errors) keeps, for each volume it could
 *   not forecast, the earlier refresh's forecast (so a critical alert does not resolve because one
 *   batch timed out); diskblame_fleet_kept_volumes counts them.
 * - GET/HEAD only (else 405 with Allow); a URL over 4 KiB 414; a request with a body 413; headers
 *   bounded by node's maxHeaderSize (8 KiB here); slow requests cut after 10 s.
 *   /metrics        text/plain; version=0.0.4 (report/fleet-metrics.ts)
 *   /volume?instance=I&mountpoint=M[&device=D&fstype=F]   one volume as JSON: its forecast (as
 *                   `forecast --json` words it), its peaks, and its points thinned for a chart
 *                   (read back from Prometheus on demand over the same range, one read at a time,
 *                   at most 8 waiting, else 503; the last 32 kept until the next refresh)
 *   /-/healthy      200 "OK" while serving (the refresh's health is in /metrics)
 *   /               a short index
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Forecast, Point } from '../forecast/types.js';
import { effectiveFill, forecastJson } from '../report/forecast.js';
import { renderFleetMetrics, volumeLabels, type FleetHealth } from '../report/fleet-metrics.js';
import { UserError } from '../util/errors.js';
import type { FleetResult, FleetVolume } from './types.js';

/** A listen address: host ('' for every interface) and port (0: any free one). */
export interface ListenAddr {
  host: string;
  port: number;
}

/**
 * Parse ADDR as host:port, [v6]:port or :port (every interface). Throws UserError (one line) on
 * anything else: no port, a port out of 0-65535, an IPv6 address not in brackets.
 */
export function parseListenAddr(s: string): ListenAddr {
  const bad = (why: string) => new UserError(`--serve ${JSON.stringify(s)}: ${why} (want host:port, [ipv6]:port or :port, e.g. 127.0.0.1:9477)`);
  const m = /^(?:\[([0-9A-Fa-f:.%a-zA-Z0-9]+)\]|([^:[\]\s/]*)):(\d{1,5})$/.exec(s);
  if (!m) {
    if (/^[^[\]]*:[^[\]]*:/.test(s)) throw bad('an IPv6 address goes in brackets');
    throw bad('not an address');
  }
  const port = Number(m[3]);
  if (port > 65535) throw bad('the port is above 65535');
  return { host: m[1] ?? m[2]!, port };
}

/** What the exporter calls to do its work (injected: the CLI passes fleetForecast and the client). */
export interface ServeDeps {
  /** one refresh of the whole fleet; rejects when it failed as a whole */
  refresh: () => Promise<FleetResult>;
  /**
   * the points of one volume over the result's range (what the model saw), for /volume's chart;
   * absent: /volume has no points
   */
  history?: (v: FleetVolume, r: FleetResult) => Promise<Point[]>;
  /** a line for the log (stderr on a TTY or with --verbose); escaped by the caller */
  log?: (line: string) => void;
  /** a failed refresh's line (stderr always: a service's journal gets its failures); default: log */
  warn?: (line: string) => void;
}

export interface ServeOptions {
  addr: ListenAddr;
  /** between refresh starts (ms) */
  intervalMs: number;
  /** the most points /volume returns (default 500) */
  chartPoints?: number;
}

const MAX_URL = 4096;
/** /volume requests waiting for Prometheus at once (one reads, the others queue); beyond, 503 */
const MAX_HISTORY_WAITING = 8;

/**
 * At most `max` points of `points` for a chart, in time order: the series cut into max/2 buckets of
 * equal time, each giving its lowest and its highest point (so a peak and a cleanup survive).
 */
export function thinPoints(points: Point[], max: number): Point[] {
  if (points.length <= max) return points.slice();
  const buckets = Math.max(1, Math.floor(max / 2));
  const t0 = points[0]!.t;
  const span = points[points.length - 1]!.t - t0 || 1;
  const out: Point[] = [];
  let i = 0;
  for (let b = 0; b < buckets && i < points.length; b++) {
    const end = b === buckets - 1 ? Infinity : t0 + (span * (b + 1)) / buckets;
    let lo: Point | null = null;
    let hi: Point | null = null;
    for (; i < points.length && points[i]!.t < end; i++) {
      const p = points[i]!;
      if (lo === null || p.used < lo.used) lo = p;
      if (hi === null || p.used > hi.used) hi = p;
    }
    if (lo === null || hi === null) continue;
    if (lo === hi) out.push(lo);
    else out.push(...(lo.t < hi.t ? [lo, hi] : [hi, lo]));
  }
  return out;
}

/** The exporter: start() listens and begins refreshing; close() stops both. */
export class FleetServer {
  private server: http.Server | null = null;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private closed = false;
  private result: FleetResult | null = null;
  private generation = 0;
  private health: FleetHealth;
  /** /volume reads one history at a time; a small cache per refresh */
  private historyQueue: Promise<unknown> = Promise.resolve();
  private historyWaiting = 0;
  private historyCache = new Map<string, Point[]>();
  /** /metrics' text, rendered once per state (it changes only when a refresh ends: ~33 ms per 1,000 volumes) */
  private rendered: string | null = null;

  constructor(private readonly opts: ServeOptions, private readonly deps: ServeDeps) {
    this.health = { intervalMs: opts.intervalMs, refreshes: 0, failures: 0, up: false, lastRefreshAt: null, lastDurationMs: null, lastSuccessAt: null, failedVolumes: 0, keptVolumes: 0 };
  }

  /**
   * Listen on the address, then start the first refresh (not awaited: /metrics answers meanwhile,
   * with diskblame_fleet_up 0). Resolves to the bound address; a port in use, an address not on
   * this host or a name that does not resolve reject with a UserError (one line).
   */
  async start(): Promise<AddressInfo> {
    const server = http.createServer({ maxHeaderSize: 8192 }, (req, res) => this.handle(req, res));
    server.requestTimeout = 10_000;
    server.headersTimeout = 10_000;
    server.keepAliveTimeout = 5_000;
    const { host, port } = this.opts.addr;
    await new Promise<void>((resolve, reject) => {
      server.once('error', (e: NodeJS.ErrnoException) => {
        const where = `${host.includes(':') ? `[${host}]` : host}:${port}`;
        const why =
          e.code === 'EADDRINUSE' ? 'the port is in use' :
          e.code === 'EADDRNOTAVAIL' ? 'not an address of this host' :
          e.code === 'EACCES' ? 'permission denied (a port below 1024 needs privileges)' :
          e.code === 'ENOTFOUND' || e.code === 'EAI_AGAIN' ? 'the host name does not resolve' :
          e.message;
        reject(new UserError(`--serve ${where}: cannot listen: ${why}`));
      });
      server.listen({ host: host || undefined, port }, () => resolve());
    });
    server.on('error', (e) => this.deps.log?.(`server error: ${e.message}`));
    this.server = server;
    this.running = this.refreshLoop();
    return server.address() as AddressInfo;
  }

  /** Stop refreshing and close the server and its connections (an ongoing refresh is not awaited). */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    const s = this.server;
    if (!s) return;
    await new Promise<void>((resolve) => {
      s.close(() => resolve());
      s.closeAllConnections();
    });
  }

  /** the current state (for tests and the log) */
  state(): { result: FleetResult | null; health: FleetHealth } {
    return { result: this.result, health: { ...this.health } };
  }

  /** resolves when the refresh under way (if any) has ended */
  async settled(): Promise<void> {
    await this.running;
  }

  private async refreshLoop(): Promise<void> {
    const started = Date.now();
    await this.refreshOnce();
    if (this.closed) return;
    const wait = Math.max(0, started + this.opts.intervalMs - Date.now());
    this.timer = setTimeout(() => {
      this.running = this.refreshLoop();
    }, wait);
    this.timer.unref?.();
  }

  private async refreshOnce(): Promise<void> {
    const t0 = Date.now();
    const h = this.health;
    let r: FleetResult;
    try {
      r = await this.deps.refresh();
      const forecast = r.volumes.filter((v) => v.forecast !== null).length;
      if (r.volumes.length > 0 && forecast === 0 && r.errors.length > 0) throw new Error(`every query failed: ${r.errors[0]}`);
    } catch (e) {
      const end = Date.now();
      Object.assign(h, { refreshes: h.refreshes + 1, failures: h.failures + 1, up: false, lastRefreshAt: end, lastDurationMs: end - t0 });
      this.rendered = null;
      (this.deps.warn ?? this.deps.log)?.(`refresh failed after ${((end - t0) / 1000).toFixed(1)} s: ${(e as Error).message ?? String(e)}${this.result ? ' (the last good forecasts stay served)' : ''}`);
      return;
    }
    // no forecast: a failed query (forecast null) or too little history (the model's not-enough-data)
    const failed = r.volumes.filter((v) => v.forecast?.status !== 'ok').length;
    let kept = 0;
    if (r.errors.length > 0 && this.result !== null && failed > 0) {
      const before = new Map(this.result.volumes.filter((v) => v.forecast !== null).map((v) => [volumeLabels(v), v]));
      const volumes = r.volumes.map((v) => {
        const old = v.forecast === null ? before.get(volumeLabels(v)) : undefined;
        if (!old) return v;
        kept++;
        return old;
      });
      r = { ...r, volumes };
    }
    const end = Date.now();
    this.result = r;
    this.generation++;
    this.historyCache.clear();
    this.rendered = null;
    Object.assign(h, { refreshes: h.refreshes + 1, up: true, lastRefreshAt: end, lastDurationMs: end - t0, lastSuccessAt: end, failedVolumes: failed, keptVolumes: kept });
    this.deps.log?.(
      `refresh: ${r.volumes.length} volumes (${failed} without a forecast${kept ? `, ${kept} kept from the refresh before` : ''}), ${r.series} series, ${r.queries} queries, ${((end - t0) / 1000).toFixed(1)} s` +
        (r.errors.length ? `; ${r.errors.length} failed: ${r.errors[0]}` : ''),
    );
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const send = (code: number, type: string, body: string, headers: Record<string, string> = {}) => {
      res.writeHead(code, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body), 'Cache-Control': 'no-store', ...headers });
      res.end(body);
    };
    const text = (code: number, body: string, headers?: Record<string, string>) => send(code, 'text/plain; charset=utf-8', body + '\n', headers);
    const json = (code: number, v: unknown) => send(code, 'application/json', JSON.stringify(v, (_k, x) => (typeof x === 'number' && !Number.isFinite(x) ? null : x), 2) + '\n');
    if ((req.url ?? '').length > MAX_URL) return text(414, 'URI too long');
    const chunked = /chunked/i.test(req.headers['transfer-encoding'] ?? '');
    if (chunked || Number(req.headers['content-length'] ?? 0) > 0) {
      res.setHeader('Connection', 'close');
      return text(413, 'no request body is accepted');
    }
    let url: URL;
    try {
      // the request target is a path (origin form): appended, never resolved against a base, where
      // "//metrics" would be read as a host named "metrics" and the path "/" (the index, not a 404)
      const target = req.url ?? '/';
      if (!target.startsWith('/')) return text(400, 'bad request');
      url = new URL(`http://exporter${target}`);
    } catch {
      return text(400, 'bad request');
    }
    const paths = ['/', '/metrics', '/volume', '/-/healthy'];
    if (!paths.includes(url.pathname)) return text(404, 'not found; see /');
    if (req.method !== 'GET' && req.method !== 'HEAD') return text(405, 'method not allowed (GET or HEAD)', { Allow: 'GET, HEAD' });
    switch (url.pathname) {
      case '/':
        return send(200, 'text/html; charset=utf-8', INDEX);
      case '/-/healthy':
        return text(200, 'OK');
      case '/metrics':
        this.rendered ??= renderFleetMetrics({ result: this.result, health: this.health });
        return send(200, 'text/plain; version=0.0.4; charset=utf-8', this.rendered);
      case '/volume':
        this.volume(url.searchParams).then(
          ([code, v]) => json(code, v),
          (e) => json(502, { error: `reading the volume's history failed: ${(e as Error).message ?? String(e)}` }),
        );
        return;
    }
  }

  /** /volume's answer: [status, JSON] */
  private async volume(q: URLSearchParams): Promise<[number, unknown]> {
    const instance = q.get('instance');
    const mountpoint = q.get('mountpoint');
    if (instance === null || mountpoint === null) return [400, { error: 'want ?instance=...&mountpoint=... (and device=, fstype= when several match)' }];
    const r = this.result;
    if (r === null) return [503, { error: 'no refresh has worked yet' }];
    const device = q.get('device');
    const fstype = q.get('fstype');
    const found = r.volumes.filter((v) => v.instance === instance && v.mountpoint === mountpoint && (device === null || v.device === device) && (fstype === null || v.fstype === fstype));
    if (found.length === 0) return [404, { error: 'no such volume' }];
    const v = found[0]!;
    const max = this.opts.chartPoints ?? 500;
    let points: Point[] | null = null;
    if (this.deps.history) {
      const key = volumeLabels(v);
      const gen = this.generation;
      points = this.historyCache.get(key) ?? null;
      if (points === null) {
        if (this.historyWaiting >= MAX_HISTORY_WAITING) return [503, { error: `${MAX_HISTORY_WAITING} volume histories are being read already; try again` }];
        this.historyWaiting++;
        const read = this.historyQueue.then(() => this.deps.history!(v, r));
        this.historyQueue = read.catch(() => undefined);
        try {
          points = thinPoints(await read, max);
        } finally {
          this.historyWaiting--;
        }
        if (gen === this.generation) {
          if (this.historyCache.size >= 32) this.historyCache.delete(this.historyCache.keys().next().value!);
          this.historyCache.set(key, points);
        }
      }
    }
    const forecast = v.forecast ? volumeForecastJson({ ...v, forecast: v.forecast }) : null;
    const eff = v.forecast?.status === 'ok' ? effectiveFill(v.forecast) : null;
    return [
      200,
      {
        instance: v.instance,
        mountpoint: v.mountpoint,
        device: v.device,
        fstype: v.fstype,
        labels: v.labels,
        now: new Date(v.now).toISOString(),
        available: v.forecast?.status === 'ok',
        reason: v.reason,
        forecast,
        /** diskblame_time_to_full_seconds: null when nothing fills within the horizon (or no forecast) */
        timeToFullSeconds: eff === null ? null : Math.max(0, Math.round((eff.at - v.now) / 1000)),
        range: { start: new Date(r.start).toISOString(), end: new Date(r.end).toISOString(), stepSeconds: r.stepSeconds },
        modelPoints: v.points,
        /** [unix ms, used bytes, size bytes], oldest first */
        points: points?.map((p) => [p.t, p.used, p.size]) ?? null,
        ...(found.length > 1 ? { others: found.length - 1 } : {}),
      },
    ];
  }
}

/** a volume's forecast as `forecast --json` words it, less what /volume says itself */
function volumeForecastJson(v: FleetVolume & { forecast: Forecast }) {
  const { source: _s, from: _f, mount: _m, device: _d, fsType: _t, ...rest } = forecastJson({ mount: v.mountpoint, source: 'history', from: '', forecast: v.forecast, now: v.now });
  return rest;
}

const INDEX = `<!doctype html>
<html><head><meta charset="utf-8"><title>diskblame fleet exporter</title></head>
<body><h1>diskblame fleet exporter</h1>
<ul>
<li><a href="metrics">/metrics</a>: the fleet's forecasts and the exporter's health (Prometheus text format)</li>
<li>/volume?instance=I&amp;mountpoint=M: one volume's forecast, peaks and history (JSON)</li>
<li><a href="-/healthy">/-/healthy</a>: 200 while serving</li>
</ul></body></html>
`;
