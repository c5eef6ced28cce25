/**
 * A client of Prometheus' HTTP API (issue 14), node:http/https only: `/api/v1/series`,
 * `/api/v1/query_range`, `/api/v1/query`. Each call is one request (GET with URL-encoded
 * parameters; a POST form when the URL would be long), with a timeout, the response's bytes
 * capped, bearer token or basic auth, a CA file for https. Every failure is a UserError of one
 * line naming the server: unreachable, timed out, HTTP 4xx/5xx (with Prometheus' own `error`
 * text, escaped), an answer that is not Prometheus' JSON. How many calls run at once is the
 * caller's business. Prometheus' own evaluation time (`stats=all`) is summed when it reports it.
 */
import http from 'node:http';
import https from 'node:https';
import { UserError } from '../util/errors.js';
import { terminalText } from '../util/escape.js';
import { readFileCapped } from '../util/read.js';
import { readErrorText } from '../util/read-error.js';

/** the largest response read (bytes): beyond, the request fails with one clear error */
export const MAX_RESPONSE_BYTES = 256 * 1024 * 1024;
/** an answer nested deeper is refused before JSON.parse (Prometheus' own answers are ~6 deep) */
export const MAX_JSON_DEPTH = 64;
/** an answer with more objects and arrays is refused before JSON.parse (16 million: ~1.6 GB parsed) */
export const MAX_JSON_CONTAINERS = 16_000_000;
/** a longer URL is sent as a POST form instead (proxies and servers limit request lines to 8-16 KiB) */
const MAX_GET_URL = 6000;

export interface PromClientOptions {
  /** base URL (http or https; a path prefix such as /prometheus is kept); no user:password in it */
  url: string;
  bearerToken?: string;
  basicAuth?: { username: string; password: string };
  /** PEM file of the CA(s) to trust (https) */
  caFile?: string;
  /** per request, connect to last byte (ms) */
  timeoutMs: number;
  /** response cap (bytes), default MAX_RESPONSE_BYTES */
  maxBytes?: number;
}

/** One series of a matrix: its labels, sample times (unix ms) and values, oldest first. */
export interface MatrixSeries {
  metric: Record<string, string>;
  t: number[];
  v: number[];
}

/** a URL as shown in messages: no query, terminal-safe */
function shown(u: URL): string {
  return terminalText(`${u.protocol}//${u.host}${u.pathname.replace(/\/+$/, '')}`);
}

/**
 * Checks and normalizes a Prometheus base URL: http(s) only, no credentials in it (they would
 * be on argv and in `ps`: use --bearer-token-file or --basic-auth-*), no query or fragment.
 * Throws UserError (exit 2).
 */
export function parseBaseUrl(raw: string): URL {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new UserError(`--prometheus ${JSON.stringify(terminalText(raw))}: not a URL (e.g. http://prometheus:9090)`, 2);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new UserError(`--prometheus: ${terminalText(u.protocol)} URLs are not supported (http or https)`, 2);
  if (u.password || u.username)
    throw new UserError('--prometheus: a URL with a user or password in it is refused (secrets on the command line show in ps): use --basic-auth-user with --basic-auth-password-file or $DISKBLAME_PROMETHEUS_PASSWORD', 2);
  if (u.search || u.hash) throw new UserError('--prometheus: the base URL takes no query or fragment', 2);
  if (!u.pathname.endsWith('/')) u.pathname += '/';
  return u;
}

/** Prometheus' answer: `{status: "success", data}` or `{status: "error", errorType, error}` */
interface ApiAnswer {
  status?: unknown;
  data?: unknown;
  error?: unknown;
  errorType?: unknown;
}

/** the largest --ca-file read (bytes) */
const CA_FILE_MAX = 4 * 1024 * 1024;

export class PromClient {
  readonly base: URL;
  private readonly auth: string | undefined;
  private readonly ca: Buffer | undefined;
  private readonly agent: http.Agent;
  /** requests sent */
  queries = 0;
  /** Prometheus' own evaluation time of our queries (ms), summed; null until a response reports it */
  serverQueryMs: number | null = null;

  /** Throws UserError: a bad URL (exit 2), an unreadable CA file (or one past 4 MiB). */
  constructor(private readonly opts: PromClientOptions) {
    this.base = parseBaseUrl(opts.url);
    if (opts.bearerToken !== undefined) this.auth = `Bearer ${opts.bearerToken}`;
    else if (opts.basicAuth) this.auth = 'Basic ' + Buffer.from(`${opts.basicAuth.username}:${opts.basicAuth.password}`).toString('base64');
    if (opts.caFile !== undefined) {
      try {
        // bounded: a CA bundle is a few hundred KiB (Debian's whole set: 220 KiB); /dev/zero is not
        this.ca = readFileCapped(opts.caFile, CA_FILE_MAX);
      } catch (e) {
        throw new UserError(`--ca-file ${terminalText(opts.caFile)}: ${readErrorText(e)}`);
      }
    }
    const mod = this.base.protocol === 'https:' ? https : http;
    this.agent = new mod.Agent({ keepAlive: true, maxSockets: 8 });
  }

  /** close the kept-alive connections */
  close(): void {
    this.agent.destroy();
  }

  /**
   * `/api/v1/series`: the label sets of the series matching any of MATCHERS (selectors such as
   * `node_filesystem_size_bytes{job="node"}`) with samples in [start, end] (unix ms).
   */
  async series(matchers: string[], start: number, end: number): Promise<Record<string, string>[]> {
    const params: [string, string][] = matchers.map((m) => ['match[]', m]);
    params.push(['start', secs(start)], ['end', secs(end)]);
    const data = await this.call('series', params);
    if (!Array.isArray(data) || !data.every(isLabels)) throw this.notProm('series', 'data is not a list of label sets');
    return data as Record<string, string>[];
  }

  /** `/api/v1/query_range`: QUERY over [start, end] (unix ms) at STEPSEC; a matrix. */
  async queryRange(query: string, start: number, end: number, stepSec: number): Promise<MatrixSeries[]> {
    const data = await this.call('query_range', [
      ['query', query],
      ['start', secs(start)],
      ['end', secs(end)],
      ['step', String(stepSec)],
    ]);
    return this.matrix('query_range', data);
  }

  /**
   * `/api/v1/query` at TIME (unix ms) of a range-vector QUERY (`sel[30m]`): the raw samples at
   * their own times, as a matrix. (A query that gives an instant vector is refused as not a matrix.)
   */
  async queryMatrix(query: string, time: number): Promise<MatrixSeries[]> {
    const data = await this.call('query', [
      ['query', query],
      ['time', secs(time)],
    ]);
    return this.matrix('query', data);
  }

  /** `/api/v1/query` at TIME (unix ms) of an instant-vector QUERY: each series' labels and value. */
  async queryVector(query: string, time: number): Promise<{ metric: Record<string, string>; value: number }[]> {
    const data = (await this.call('query', [
      ['query', query],
      ['time', secs(time)],
    ])) as { resultType?: unknown; result?: unknown } | null;
    if (!data || data.resultType !== 'vector' || !Array.isArray(data.result)) throw this.notProm('query', 'not a vector');
    return data.result.map((r: { metric?: unknown; value?: unknown }) => {
      if (!isLabels(r?.metric) || !Array.isArray(r.value) || r.value.length !== 2) throw this.notProm('query', 'a malformed sample');
      return { metric: r.metric as Record<string, string>, value: num(String(r.value[1])) };
    });
  }

  private matrix(what: string, data: unknown): MatrixSeries[] {
    const d = data as { resultType?: unknown; result?: unknown; [LEAN]?: MatrixSeries[] } | null;
    if (d && d[LEAN]) return d[LEAN];
    if (!d || d.resultType !== 'matrix' || !Array.isArray(d.result)) throw this.notProm(what, 'not a matrix');
    return d.result.map((r: { metric?: unknown; values?: unknown }) => {
      if (!isLabels(r?.metric) || !Array.isArray(r.values)) throw this.notProm(what, 'a malformed series');
      const n = r.values.length;
      const t = new Array<number>(n);
      const v = new Array<number>(n);
      for (let i = 0; i < n; i++) {
        const p = r.values[i] as unknown;
        if (!Array.isArray(p) || p.length !== 2 || typeof p[0] !== 'number' || typeof p[1] !== 'string') throw this.notProm(what, 'a malformed sample');
        t[i] = Math.round(p[0] * 1000);
        v[i] = num(p[1]);
      }
      return { metric: r.metric as Record<string, string>, t, v };
    });
  }

  private notProm(what: string, why: string): UserError {
    return new UserError(`${shown(this.base)} did not answer /api/v1/${what} as Prometheus does (${why}): is it a Prometheus server?`);
  }

  /** one API call: the `data` of a success, else a UserError */
  private async call(endpoint: string, params: [string, string][]): Promise<unknown> {
    const u = new URL(`api/v1/${endpoint}`, this.base);
    const body = new URLSearchParams([...params, ['stats', 'all']]).toString();
    const get = u.href.length + 1 + body.length <= MAX_GET_URL;
    if (get) u.search = body;
    this.queries++;
    const { status, type, text } = await this.request(u, get ? undefined : body);
    let a: ApiAnswer | null = status >= 200 && status <= 299 ? leanMatrix(text) : null;
    if (a === null) {
      const why = jsonTooBig(text);
      if (why !== null) throw this.notProm(endpoint, why);
      try {
        a = JSON.parse(text) as ApiAnswer;
      } catch {
        /* not JSON */
      }
    }
    const isApi = a !== null && typeof a === 'object' && (a.status === 'success' || a.status === 'error');
    if (status < 200 || status > 299) {
      const why =
        isApi && typeof a!.error === 'string'
          ? `: ${clip(a!.error)}`
          : status === 401 || status === 403
            ? ' (check the bearer token or basic auth)'
            : plainText(type, text)
              ? `: ${clip(text)}`
              : '';
      throw new UserError(`${shown(this.base)}: HTTP ${status} ${terminalText(http.STATUS_CODES[status] ?? '')} on /api/v1/${endpoint}${why}`);
    }
    if (!isApi) throw this.notProm(endpoint, a === null ? `got ${terminalText(type || 'no content type')}, not JSON` : 'no "status"');
    if (a!.status !== 'success') throw new UserError(`${shown(this.base)}: /api/v1/${endpoint} failed: ${clip(String(a!.error ?? a!.errorType ?? 'unknown error'))}`);
    if (!('data' in a!)) throw this.notProm(endpoint, 'no "data"');
    const d = a!.data as { stats?: { timings?: { evalTotalTime?: unknown } } } | null;
    const ev = d && typeof d === 'object' && !Array.isArray(d) ? d.stats?.timings?.evalTotalTime : undefined;
    if (typeof ev === 'number' && Number.isFinite(ev)) this.serverQueryMs = (this.serverQueryMs ?? 0) + ev * 1000;
    return a!.data;
  }

  /**
   * GET (or POST BODY as a form) U: the status, content type and text; UserError on transport
   * failures. A request sent on a kept-alive connection that the server closed meanwhile (reset
   * before any answer: the race of an idle timeout with our next request) is sent once more, on a
   * new connection.
   */
  private request(u: URL, body: string | undefined, retried = false): Promise<{ status: number; type: string; text: string }> {
    const mod = u.protocol === 'https:' ? https : http;
    const max = this.opts.maxBytes ?? MAX_RESPONSE_BYTES;
    const headers: Record<string, string> = { Accept: 'application/json', 'User-Agent': 'diskblame' };
    if (this.auth) headers.Authorization = this.auth;
    if (body !== undefined) {
      headers['Content-Type'] = 'application/x-www-form-urlencoded';
      headers['Content-Length'] = String(Buffer.byteLength(body));
    }
    const where = shown(this.base);
    const secsText = `${Math.round(this.opts.timeoutMs / 100) / 10} s`;
    return new Promise((resolve, reject) => {
      let done = false;
      let answered = false;
      const fail = (e: UserError) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        req.destroy();
        reject(e);
      };
      const req = mod.request(u, { method: body !== undefined ? 'POST' : 'GET', headers, agent: this.agent, ca: this.ca }, (res) => {
        const chunks: Buffer[] = [];
        let n = 0;
        res.on('data', (c: Buffer) => {
          n += c.length;
          if (n > max) return fail(new UserError(`${where}: the answer to /api/v1/${u.pathname.split('/').pop()} is larger than ${max >= 1048576 ? `${Math.round(max / 1048576)} MiB` : `${max} bytes`} (narrow it with --match, or a shorter --range)`));
          chunks.push(c);
        });
        res.on('error', (e) => fail(transportError(where, e)));
        res.on('end', () => {
          if (done) return;
          done = true;
          clearTimeout(timer);
          resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type'] ?? ''), text: Buffer.concat(chunks).toString('utf8') });
        });
      });
      const timer = setTimeout(() => fail(new UserError(`${where}: no answer within ${secsText} (--timeout)`)), this.opts.timeoutMs);
      req.on('response', () => (answered = true));
      req.on('error', (e) => {
        const code = (e as NodeJS.ErrnoException).code;
        if (!done && !retried && !answered && req.reusedSocket && (code === 'ECONNRESET' || code === 'EPIPE')) {
          done = true;
          clearTimeout(timer);
          req.destroy();
          return resolve(this.request(u, body, true));
        }
        fail(transportError(where, e));
      });
      req.end(body);
    });
  }
}

/** where leanMatrix puts the series it read (data.result is then []) */
const LEAN = Symbol('lean matrix');
const MATRIX_HEAD = '{"status":"success","data":{"resultType":"matrix","result":[';

/**
 * A large matrix answer read without building an array and a string per sample (JSON.parse's
 * garbage was most of the memory of a 1,000-volume refresh): the answer exactly as Prometheus
 * writes it, `{"status":"success","data":{"resultType":"matrix","result":[{"metric":{...},
 * "values":[[1777593602.75,"123"],...]},...]...}}`; its envelope (everything but the series) is
 * parsed by JSON.parse with `result` emptied, the series are under data[LEAN]. null for anything
 * else (small, another shape, a histogram, a malformed sample): the caller parses it all.
 */
export function leanMatrix(text: string): ApiAnswer | null {
  if (text.length < 65536 || !text.startsWith(MATRIX_HEAD)) return null;
  const out: MatrixSeries[] = [];
  let i = MATRIX_HEAD.length;
  const expect = (lit: string) => {
    if (!text.startsWith(lit, i)) return false;
    i += lit.length;
    return true;
  };
  if (text[i] !== ']') {
    for (;;) {
      if (!expect('{"metric":{')) return null;
      // the labels: an object of strings, its end the first unquoted '}'
      const m0 = i - 1;
      let q = false;
      for (; i < text.length; i++) {
        const c = text.charCodeAt(i);
        if (q) {
          if (c === 92) i++; // backslash: skip the escaped character
          else if (c === 34) q = false;
        } else if (c === 34) q = true;
        else if (c === 125) break; // }
        else if (c === 123 || c === 91) return null; // { [: not labels
      }
      if (i >= text.length) return null;
      i++;
      let metric: unknown;
      try {
        metric = JSON.parse(text.slice(m0, i));
      } catch {
        return null;
      }
      if (!isLabels(metric)) return null;
      if (!expect(',"values":[')) return null;
      const t: number[] = [];
      const v: number[] = [];
      if (text[i] !== ']') {
        for (;;) {
          if (text.charCodeAt(i) !== 91) return null; // [
          const comma = text.indexOf(',"', i);
          const close = comma < 0 ? -1 : text.indexOf('"]', comma + 2);
          if (close < 0) return null;
          const ts = close - comma < 64 && comma > i + 1 ? Number(text.slice(i + 1, comma)) : NaN;
          const val = text.slice(comma + 2, close);
          const x = close - comma < 64 && close > comma + 2 ? num(val) : NaN;
          if (!Number.isFinite(ts) || (Number.isNaN(x) && val !== 'NaN')) return null;
          t.push(Math.round(ts * 1000));
          v.push(x);
          i = close + 2;
          if (text.charCodeAt(i) === 44) i++; // ,
          else break;
        }
      }
      if (!expect(']}')) return null;
      out.push({ metric: metric as Record<string, string>, t, v });
      if (text.charCodeAt(i) === 44) i++;
      else break;
    }
  }
  if (text[i] !== ']') return null;
  if (jsonTooBig(text, i) !== null) return null;
  let a: ApiAnswer & { data?: { [LEAN]?: MatrixSeries[] } };
  try {
    a = JSON.parse(MATRIX_HEAD + text.slice(i)) as typeof a;
  } catch {
    return null;
  }
  if (!a || typeof a.data !== 'object' || a.data === null) return null;
  a.data[LEAN] = out;
  return a;
}

/**
 * Why TEXT (from FROM on) would be too costly for JSON.parse, or null: nested more than
 * MAX_JSON_DEPTH deep, or more than MAX_JSON_CONTAINERS objects and arrays. (Under the 256 MiB
 * cap, 240 MB of nested brackets took JSON.parse past the 4 GB heap: a crash with V8's native
 * stack.) One pass over the text, strings skipped; no check of the JSON itself.
 */
export function jsonTooBig(text: string, from = 0): string | null {
  let depth = 0;
  let containers = 0;
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34) {
      // a string: to its closing quote, past escaped characters
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === 92) i++;
        else if (d === 34) break;
      }
    } else if (c === 123 || c === 91) {
      if (++depth > MAX_JSON_DEPTH) return `nested more than ${MAX_JSON_DEPTH} deep`;
      if (++containers > MAX_JSON_CONTAINERS) return `more than ${MAX_JSON_CONTAINERS.toLocaleString('en-US')} objects and arrays`;
    } else if (c === 125 || c === 93) depth--;
  }
  return null;
}

/**
 * Whether an error body is a short plain sentence worth quoting (Go's "Client sent an HTTP request
 * to an HTTPS server.", a proxy's "upstream connect error"): at most 300 bytes, no markup, text/plain
 * or no content type.
 */
function plainText(type: string, text: string): boolean {
  return (type === '' || /^text\/plain\b/i.test(type)) && text.trim() !== '' && text.length <= 300 && !/[<>{}]/.test(text);
}

/** Prometheus' error text, one line, terminal-safe, at most 300 characters */
function clip(s: string): string {
  const t = terminalText(s.replace(/\s+/g, ' ').trim());
  return t.length > 300 ? t.slice(0, 300) + '...' : t;
}

function transportError(where: string, e: Error): UserError {
  const code = (e as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ECONNREFUSED':
      return new UserError(`cannot reach ${where}: connection refused`);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_NONAME':
      return new UserError(`cannot reach ${where}: host not found`);
    case 'ECONNRESET':
    case 'EPIPE':
      return new UserError(`${where}: connection closed by the server`);
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'ETIMEDOUT':
      return new UserError(`cannot reach ${where}: ${code === 'ETIMEDOUT' ? 'connection timed out' : 'no route to host'}`);
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'UNABLE_TO_GET_ISSUER_CERT':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'CERT_UNTRUSTED':
      return new UserError(`${where}: TLS: the server's certificate is not trusted (${terminalText(e.message)}): --ca-file names the CA that signed it`);
    default:
      if (code && /CERT|SSL|TLS|SELF_SIGNED|ERR_SSL/.test(code)) return new UserError(`${where}: TLS: ${terminalText(e.message)} (--ca-file names the CA to trust)`);
      if (/wrong version number|packet length too long/i.test(e.message)) return new UserError(`${where}: TLS: the server does not speak https there`);
      return new UserError(`${where}: ${terminalText(e.message)}${code ? ` (${code})` : ''}`);
  }
}

/** a sample value as Prometheus writes it: a number, "+Inf", "-Inf", "NaN" */
function num(s: string): number {
  return s === '+Inf' ? Infinity : s === '-Inf' ? -Infinity : Number(s);
}

function secs(ms: number): string {
  return (ms / 1000).toFixed(3).replace(/\.?0+$/, '');
}

function isLabels(x: unknown): boolean {
  return x !== null && typeof x === 'object' && !Array.isArray(x) && Object.values(x as object).every((v) => typeof v === 'string');
}
