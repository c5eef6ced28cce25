/**
 * `diskblame fleet --prometheus URL --serve ADDR`: the fleet exporter's shell (issue 14). Parses
 * --serve and --interval, runs fleet/serve.ts until SIGTERM or SIGINT (then exit 0), and logs each
 * refresh on stderr when it is a terminal or with --verbose; a failed refresh always (a service's
 * journal gets its failures, not a line per refresh).
 */
import type { Argv } from 'yargs';
import { FleetServer, parseListenAddr, type ListenAddr, type ServeDeps } from '../../fleet/serve.js';
import { parseDuration } from '../../report/forecast.js';
import { UserError } from '../../util/errors.js';
import { errLine } from '../output.js';

export interface ServeArgs {
  serve?: string;
  interval: string;
  verbose?: boolean;
}

/** the exporter's options, for the fleet command's builder */
export function serveOptions<T>(y: Argv<T>) {
  return y
    .option('serve', { type: 'string', requiresArg: true, describe: 'run as an exporter on ADDR (host:port, [ipv6]:port or :port, e.g. 127.0.0.1:9477): refresh every --interval, serve /metrics, /volume?instance=&mountpoint=, /-/healthy' })
    .option('interval', { type: 'string', requiresArg: true, default: '5m', describe: 'with --serve: time between refreshes (30s, 5m, 1h; at most 1d)' })
    .option('verbose', { type: 'boolean', describe: 'with --serve: log each refresh on stderr (the default on a terminal; a failed one is always logged)' });
}

/** --interval in ms: a duration from a second to a day; UserError otherwise */
export function serveInterval(s: string): number {
  const ms = parseDuration(s);
  // (a day at most: the forecasts would be stale long before, and timers stop at 24.8 days)
  if (ms === null || !(ms >= 1000 && ms <= 86_400_000)) throw new UserError(`--interval wants a duration from 1s to 1d like 30s, 5m or 1h, not ${JSON.stringify(s)}`);
  return ms;
}

/** Check --serve's address and --interval before any work (a UserError: one line, exit 1). */
export function serveSetup(a: ServeArgs): { addr: ListenAddr; intervalMs: number } {
  return { addr: parseListenAddr(a.serve ?? ''), intervalMs: serveInterval(a.interval) };
}

/**
 * Serve until SIGTERM or SIGINT; resolves to 0 then. A port in use, an address not on this host:
 * a UserError (one line, exit 1) before any refresh.
 */
export async function serveFleet(a: ServeArgs, deps: Omit<ServeDeps, 'log' | 'warn'>): Promise<number> {
  const { addr, intervalMs } = serveSetup(a);
  const loud = a.verbose === true || process.stderr.isTTY === true;
  const warn = (l: string) => errLine(`${new Date().toISOString().slice(0, 19)}Z ${l}`);
  const log = loud ? warn : undefined;
  const server = new FleetServer({ addr, intervalMs }, { ...deps, log, warn });
  const bound = await server.start();
  const host = bound.family === 'IPv6' ? `[${bound.address}]` : bound.address;
  log?.(`serving http://${host}:${bound.port}/metrics, a refresh every ${a.interval}`);
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
  });
  log?.(`${signal}: stopping`);
  await server.close();
  // a refresh under way holds its sockets open: do not wait for it
  process.exit(0);
}
