/**
 * Servers that misbehave, for the fleet's error tests (issue 14), all on 127.0.0.1 with a free port,
 * in the test's own process (so the CLI is run with `runCliAsync`: spawnSync would stop them): one
 * that accepts and never answers, a plain web page, a body that never ends, a status from a proxy,
 * and a reverse proxy in front of a real prometheus that wants a bearer token. Also what a real
 * prometheus needs for TLS and basic auth: a CA and a server certificate made with openssl, and a
 * bcrypt hash of a password (libcrypt's through perl, else a precomputed one).
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import path from 'node:path';
import { CLI, type RunResult } from './run.js';

export interface Fake {
  /** http://127.0.0.1:PORT */
  url: string;
  port: number;
  /** bytes written to clients so far, connections accepted, and connections the client ended */
  stats: { bytesSent: number; connections: number; closedByClient: number };
  /** closes the listener and every connection */
  close(): Promise<void>;
}

function listen(server: net.Server, stats: Fake['stats']): Promise<Fake> {
  const socks = new Set<net.Socket>();
  server.on('connection', (s: net.Socket) => {
    stats.connections++;
    socks.add(s);
    s.on('close', () => socks.delete(s));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      resolve({
        url: `http://127.0.0.1:${port}`,
        port,
        stats,
        close: () =>
          new Promise<void>((r) => {
            for (const s of socks) s.destroy();
            server.close(() => r());
          }),
      });
    });
  });
}

/** A TCP server that accepts, reads whatever comes, and never answers. */
export function hangingServer(): Promise<Fake> {
  const stats = { bytesSent: 0, connections: 0, closedByClient: 0 };
  const server = net.createServer((s) => {
    s.on('data', () => {});
    s.on('error', () => {});
    s.on('end', () => stats.closedByClient++);
  });
  return listen(server, stats);
}

export type Handler = (req: http.IncomingMessage, res: http.ServerResponse, stats: Fake['stats']) => void;

/** A node:http server running HANDLER. */
export function httpServer(handler: Handler): Promise<Fake> {
  const stats = { bytesSent: 0, connections: 0, closedByClient: 0 };
  const server = http.createServer((req, res) => {
    res.on('error', () => {});
    req.on('error', () => {});
    handler(req, res, stats);
  });
  return listen(server, stats);
}

/** 200 with a web page, whatever the path (a login page, a wrong port): not a Prometheus API. */
export const htmlPage: Handler = (_req, res) => {
  const body = '<!DOCTYPE html>\n<html><head><title>Sign in</title></head><body><h1>Welcome</h1><form method="post"><input name="user"></form></body></html>\n';
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  res.end(body);
};

/** A fixed status and body (e.g. 502 from a proxy whose upstream is gone). */
export function statusPage(status: number, body: string, contentType = 'text/plain; charset=utf-8'): Handler {
  return (_req, res) => {
    res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(body) });
    res.end(body);
  };
}

/**
 * 200 application/json whose body never ends: a Prometheus answer that opens and keeps going, chunk
 * after chunk (64 KiB each, written as fast as the client reads, none buffered beyond the socket's),
 * until the client hangs up. `series`: `/api/v1/series` is the endless one (a list of series, each
 * a new volume). `values`: /api/v1/series answers one ordinary volume and a `count_over_time` probe
 * its count (8,640 samples), and the query for the history (any other) is an endless matrix.
 */
export function endlessJson(which: 'series' | 'values'): Handler {
  const labels = { instance: 'big:9100', job: 'node', mountpoint: '/', device: '/dev/sda1', fstype: 'ext4' };
  return (req, res, stats) => {
    const u = new URL(req.url ?? '/', 'http://x');
    const series = u.pathname.endsWith('/api/v1/series');
    const ordinary = (data: unknown): void => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: 'success', data }));
    };
    if (which === 'values' && series)
      return ordinary(['node_filesystem_size_bytes', 'node_filesystem_avail_bytes', 'node_filesystem_free_bytes'].map((n) => ({ __name__: n, ...labels })));
    if (which === 'values' && /count_over_time/.test(u.searchParams.get('query') ?? ''))
      return ordinary({ resultType: 'vector', result: [{ metric: labels, value: [Number(u.searchParams.get('time') ?? 0), '8640'] }] });
    res.writeHead(200, { 'content-type': 'application/json' });
    const head = series
      ? '{"status":"success","data":['
      : `{"status":"success","data":{"resultType":"matrix","result":[{"metric":${JSON.stringify({ __name__: 'node_filesystem_avail_bytes', ...labels })},"values":[`;
    let n = 0;
    let closed = false;
    res.on('close', () => {
      closed = true;
      stats.closedByClient++;
    });
    const item = (): string =>
      series
        ? `{"__name__":"node_filesystem_size_bytes","instance":"host-${n}:9100","job":"node","mountpoint":"/data/${n}","device":"/dev/sd${n}","fstype":"ext4"},`
        : `[${1_700_000_000 + n * 300},"${1e12 - n}"],`;
    const pump = (): void => {
      while (!closed) {
        let chunk = n === 0 ? head : '';
        while (chunk.length < 65_536) {
          chunk += item();
          n++;
        }
        stats.bytesSent += chunk.length;
        if (!res.write(chunk)) {
          res.once('drain', pump);
          return;
        }
      }
    };
    pump();
  };
}

/**
 * A reverse proxy to TARGET (a real prometheus, http) that lets a request through only with
 * `Authorization: Bearer TOKEN` (else 401 with a JSON error, as a gateway would), forwarding the
 * path and query as they came. Counts the requests it forwarded.
 */
export function bearerProxy(target: string, token: string, seen: { forwarded: number; refused: number; authorization: string[] }): Handler {
  const t = new URL(target);
  return (req, res) => {
    const auth = req.headers.authorization ?? '';
    seen.authorization.push(auth);
    if (auth !== `Bearer ${token}`) {
      seen.refused++;
      const body = '{"error":"invalid or missing bearer token"}';
      res.writeHead(401, { 'content-type': 'application/json', 'www-authenticate': 'Bearer realm="prometheus"', 'content-length': body.length });
      res.end(body);
      return;
    }
    seen.forwarded++;
    const up = http.request({ host: t.hostname, port: t.port, method: req.method, path: req.url, headers: { ...req.headers, host: t.host, authorization: '' } }, (ur) => {
      res.writeHead(ur.statusCode ?? 502, ur.headers);
      ur.pipe(res);
    });
    up.on('error', (e) => {
      res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`bad gateway: ${e.message}\n`);
    });
    req.pipe(up);
  };
}

/** What a prometheus needs to serve https: a CA, and a server certificate it signed for 127.0.0.1 and localhost. */
export interface TlsFiles {
  caCert: string;
  serverCert: string;
  serverKey: string;
  /** a second CA, which signed nothing the server shows */
  otherCaCert: string;
}

/** Makes the CA and the server certificate with openssl (P-256 keys, valid two days) in DIR. */
export function makeTls(dir: string): TlsFiles {
  const f = (n: string) => path.join(dir, n);
  const ossl = (args: string[]): void => {
    const r = spawnSync('openssl', args, { encoding: 'utf8', cwd: dir, timeout: 60_000 });
    assert.equal(r.status, 0, `openssl ${args.join(' ')}: ${r.stderr}`);
  };
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  ossl(['req', '-x509', ...ec, '-keyout', f('ca.key'), '-out', f('ca.crt'), '-days', '2', '-subj', '/CN=diskblame test CA']);
  ossl(['req', '-x509', ...ec, '-keyout', f('other-ca.key'), '-out', f('other-ca.crt'), '-days', '2', '-subj', '/CN=another test CA']);
  ossl(['req', ...ec, '-keyout', f('server.key'), '-out', f('server.csr'), '-subj', '/CN=127.0.0.1']);
  fs.writeFileSync(f('ext.cnf'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
  ossl(['x509', '-req', '-in', f('server.csr'), '-CA', f('ca.crt'), '-CAkey', f('ca.key'), '-CAcreateserial', '-out', f('server.crt'), '-days', '2', '-extfile', f('ext.cnf')]);
  return { caCert: f('ca.crt'), serverCert: f('server.crt'), serverKey: f('server.key'), otherCaCert: f('other-ca.crt') };
}

/** the precomputed hash's password (bcrypt, cost 5), for machines whose libcrypt has no bcrypt */
export const FALLBACK_PASSWORD = 'correct horse \u00e9 battery';
const FALLBACK_HASH = '$2b$05$abcdefghijklmnopqrstuucIt5AlV2lPRHbSVNGRRcy/oatNcgHK.';

/**
 * A bcrypt hash of PASSWORD for prometheus' basic_auth_users: libcrypt's (perl's crypt, `$2b$`)
 * with a fresh salt; where that has no bcrypt, the precomputed hash of FALLBACK_PASSWORD (then
 * PASSWORD must be that one). Returns the hash and the password it is for.
 */
export function bcryptFor(password: string): { hash: string; password: string } {
  const salt = Buffer.from(Array.from({ length: 16 }, () => Math.floor(Math.random() * 256))).toString('base64').replace(/\+/g, '.').replace(/=+$/, '').slice(0, 22);
  const r = spawnSync('perl', ['-e', 'print crypt($ENV{PW}, $ENV{SALT})'], { encoding: 'utf8', env: { ...process.env, PW: password, SALT: `$2b$05$${salt}` }, timeout: 30_000 });
  if (r.status === 0 && /^\$2b\$05\$.{53}$/.test(r.stdout)) return { hash: r.stdout, password };
  return { hash: FALLBACK_HASH, password: FALLBACK_PASSWORD };
}

/** GET URL over https trusting CA, with basic auth: the status (for the harness' readiness check). */
export function httpsStatus(url: string, ca: string, auth?: string): Promise<number> {
  return new Promise((resolve) => {
    const req = https.get(url, { ca: fs.readFileSync(ca), auth, timeout: 5000 }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', () => resolve(0));
  });
}

export interface AsyncRun extends RunResult {
  /** the CLI's peak RSS (kB, GNU time), when asked for */
  maxRssKB: number | null;
  wallMs: number;
}

/**
 * `node dist/cli/main.js ARGS` without blocking this process (its servers keep answering), stdin
 * closed, killed (SIGKILL) after `timeoutMs` (default 60 s: then `signal` is SIGKILL). With
 * `rss`, run under GNU time for the peak RSS.
 */
export function runCliAsync(args: string[], opts: { env?: NodeJS.ProcessEnv; timeoutMs?: number; rss?: boolean } = {}): Promise<AsyncRun> {
  const dir = fs.mkdtempSync(path.join(process.env.TMPDIR ?? '/tmp', 'diskblame-run-'));
  const timeFile = path.join(dir, 'time');
  const argv = opts.rss ? ['/usr/bin/time', '-f', '%M', '-o', timeFile, process.execPath, CLI, ...args] : [process.execPath, CLI, ...args];
  const t0 = Date.now();
  const child = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'], env: opts.env ?? { ...process.env, DISKBLAME_DEBUG: '' } });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout!.on('data', (d: Buffer) => out.push(d));
  child.stderr!.on('data', (d: Buffer) => err.push(d));
  const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      let maxRssKB: number | null = null;
      if (opts.rss) {
        const last = fs.readFileSync(timeFile, 'utf8').trim().split('\n').pop()!;
        maxRssKB = Number(last);
      }
      fs.rmSync(dir, { recursive: true, force: true });
      const stdoutBuf = Buffer.concat(out);
      resolve({
        code,
        signal,
        stdout: stdoutBuf.toString('utf8'),
        stdoutBuf,
        stderr: Buffer.concat(err).toString('utf8'),
        cmd: ['diskblame', ...args].join(' '),
        maxRssKB,
        wallMs: Date.now() - t0,
      });
    });
  });
}
