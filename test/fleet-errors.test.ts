/**
 * `diskblame fleet`'s hard error cases (issue 14), against real servers on 127.0.0.1: a real
 * prometheus behind TLS and basic auth (--web.config.file, a CA and a certificate made by openssl,
 * a bcrypt hash), a real prometheus behind a node:http proxy that wants a bearer token, and servers
 * that misbehave (test/helpers/httpfakes.ts): one that never answers, a web page, an endless body,
 * a 502. Every failure is one line on stderr, exit 1, no stack trace, nothing a terminal would act
 * on, and no secret in it.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { assertTerminalSafe } from './helpers/hostile.js';
import {
  bcryptFor, bearerProxy, endlessJson, hangingServer, htmlPage, httpServer, makeTls, runCliAsync, statusPage,
  type AsyncRun, type Fake, type TlsFiles,
} from './helpers/httpfakes.js';
import { createBlocks, freePort, promAvailable, startPrometheus, writeOpenMetrics, type TestPrometheus, type VolumeSeries } from './helpers/prometheus.js';
import { assertOneLineError } from './helpers/run.js';

const HOUR = 3_600_000;
const GIB = 2 ** 30;
/** the data's end: `fleet --at` */
const END = Date.UTC(2026, 9, 1);
const AT = new Date(END).toISOString();

/** Two volumes of two instances, two days at 5 min: one fills in about ten days, one holds. */
function series(): VolumeSeries[] {
  const mk = (instance: string, mountpoint: string, used0: number, perDay: number): VolumeSeries => {
    const t: number[] = [];
    const size: number[] = [];
    const avail: number[] = [];
    for (let x = END - 2 * 24 * HOUR; x <= END; x += 5 * 60_000) {
      const used = used0 + (perDay * (x - (END - 2 * 24 * HOUR))) / (24 * HOUR) + ((x / 60_000) % 7) * 4096;
      t.push(x);
      size.push(100 * GIB);
      avail.push(100 * GIB - Math.round(used / 4096) * 4096);
    }
    return { labels: { instance, mountpoint, device: '/dev/vda1', fstype: 'ext4', env: 'test' }, t, size, avail };
  };
  return [mk('alpha:9100', '/', 60 * GIB, 4 * GIB), mk('beta:9100', '/srv', 30 * GIB, 0.01 * GIB)];
}

/** the secrets: none may ever reach stderr or stdout (the password is the fallback hash's where libcrypt has no bcrypt) */
let PASSWORD = `pw-${Math.random().toString(36).slice(2)}-s3cr3t`;
const TOKEN = `tok-${Math.random().toString(36).slice(2)}-s3cr3t`;
const USER = 'diskblame';

function assertFails(r: AsyncRun, pattern: RegExp, secrets: string[] = [PASSWORD, TOKEN], code = 1): string {
  const line = assertOneLineError(r, code);
  assert.match(line, pattern, `${r.cmd}: ${line}`);
  assertTerminalSafe(r.stderr, `${r.cmd}: stderr`);
  for (const s of secrets) {
    assert.ok(!r.stderr.includes(s), `${r.cmd}: a secret on stderr: ${line}`);
    assert.ok(!r.stdout.includes(s), `${r.cmd}: a secret on stdout`);
  }
  if (process.env.DISKBLAME_TEST_VERBOSE) process.stderr.write(`${r.cmd}\n  -> ${line} (${r.wallMs} ms${r.maxRssKB !== null ? `, peak RSS ${Math.round(r.maxRssKB / 1024)} MiB` : ''})\n`);
  return line;
}

interface FleetOut {
  volumes: Array<{ instance: string; mountpoint: string; fillsAt: unknown; reason: string | null }>;
}

function volumesOf(r: AsyncRun): string {
  assert.equal(r.signal, null, `${r.cmd}: killed`);
  assert.equal(r.code, 0, `${r.cmd}: exit ${r.code}: ${r.stderr}`);
  const j = JSON.parse(r.stdout) as FleetOut;
  return JSON.stringify(j.volumes.map((v) => [v.instance, v.mountpoint, v.fillsAt, v.reason]).sort());
}

const skip = promAvailable();

describe('fleet: hard errors against real servers', { skip: skip ?? false, timeout: 600_000 }, () => {
  let dir: string;
  let tls: TlsFiles;
  let plain: TestPrometheus;
  let secure: TestPrometheus;
  const fakes: Fake[] = [];
  /** the plain server's answer: what every authenticated run must give */
  let expected: string;
  let secretDir: string;

  const fleet = (url: string, extra: string[] = [], env: NodeJS.ProcessEnv = {}, opts: { timeoutMs?: number; rss?: boolean } = {}) =>
    runCliAsync(['fleet', '--prometheus', url, '--json', '--at', AT, '--range', '2d', ...extra], {
      env: { ...process.env, DISKBLAME_DEBUG: '', ...env },
      timeoutMs: opts.timeoutMs ?? 120_000,
      rss: opts.rss,
    });
  const fake = async (f: Promise<Fake>): Promise<Fake> => {
    const x = await f;
    fakes.push(x);
    return x;
  };

  before(async () => {
    dir = fs.mkdtempSync(path.join(tmpdir(), 'diskblame-fleet-errors-'));
    secretDir = path.join(dir, 'secrets');
    fs.mkdirSync(secretDir, { mode: 0o700 });
    tls = makeTls(dir);
    const hash = bcryptFor(PASSWORD);
    PASSWORD = hash.password;
    const web = path.join(dir, 'web.yml');
    fs.writeFileSync(web, `tls_server_config:\n  cert_file: ${tls.serverCert}\n  key_file: ${tls.serverKey}\nbasic_auth_users:\n  ${USER}: '${hash.hash}'\n`);
    // one set of blocks, copied for the second server (a data directory has one owner)
    const data = path.join(dir, 'data-plain');
    await createBlocks(writeOpenMetrics(path.join(dir, 'om'), series(), { chunkMs: 54 * HOUR }), data, 2, { maxBlockHours: 54 });
    fs.cpSync(data, path.join(dir, 'data-secure'), { recursive: true });
    plain = await startPrometheus({ dataDir: data });
    secure = await startPrometheus({
      dataDir: path.join(dir, 'data-secure'),
      webConfigFile: web,
      ca: fs.readFileSync(tls.caCert, 'utf8'),
      readyHeaders: { authorization: `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}` },
    });
    assert.match(secure.url, /^https:/);
    fs.writeFileSync(path.join(secretDir, 'password'), PASSWORD + '\n', { mode: 0o600 });
    fs.writeFileSync(path.join(secretDir, 'wrong'), 'not-the-password\n', { mode: 0o600 });
    fs.writeFileSync(path.join(secretDir, 'token'), TOKEN + '\n', { mode: 0o600 });
    expected = volumesOf(await fleet(plain.url));
    assert.equal(JSON.parse(expected).length, 2, `the plain server's volumes: ${expected}`);
  });

  after(async () => {
    for (const f of fakes) await f.close();
    await plain?.stop();
    await secure?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  // ---- TLS and basic auth on a real prometheus (--web.config.file) ----

  test('basic auth: the password from a file, the CA from --ca-file: the same volumes as the plain server', async () => {
    const r = await fleet(secure.url, ['--ca-file', tls.caCert, '--basic-auth-user', USER, '--basic-auth-password-file', path.join(secretDir, 'password')]);
    assert.equal(volumesOf(r), expected);
    assert.ok(!r.stdout.includes(PASSWORD) && !r.stderr.includes(PASSWORD));
  });

  test('basic auth: the password from the environment', async () => {
    const r = await fleet(secure.url, ['--ca-file', tls.caCert, '--basic-auth-user', USER], { DISKBLAME_PROMETHEUS_PASSWORD: PASSWORD });
    assert.equal(volumesOf(r), expected);
  });

  test('a wrong password: 401, and neither password echoed', async () => {
    const r = await fleet(secure.url, ['--ca-file', tls.caCert, '--basic-auth-user', USER, '--basic-auth-password-file', path.join(secretDir, 'wrong')]);
    assertFails(r, /401|unauthori[sz]ed/i, [PASSWORD, 'not-the-password']);
  });

  test('no password at all: 401', async () => {
    assertFails(await fleet(secure.url, ['--ca-file', tls.caCert]), /401|unauthori[sz]ed/i);
  });

  test('no --ca-file: the certificate is not trusted', async () => {
    const r = await fleet(secure.url, ['--basic-auth-user', USER, '--basic-auth-password-file', path.join(secretDir, 'password')]);
    const line = assertFails(r, /certificate is not trusted/i);
    assert.match(line, /--ca-file/, line);
  });

  test('a CA that did not sign the certificate: not trusted', async () => {
    const r = await fleet(secure.url, ['--ca-file', tls.otherCaCert, '--basic-auth-user', USER, '--basic-auth-password-file', path.join(secretDir, 'password')]);
    assertFails(r, /certificate is not trusted/i);
  });

  test("a CA file that is not there: one line naming it", async () => {
    assertFails(await fleet(secure.url, ['--ca-file', path.join(dir, 'no-such-ca.pem')]), /--ca-file .*no-such-ca\.pem.*ENOENT|no such file/i);
  });

  test('plain http to the TLS port: the server\'s own words (an HTTP request to an HTTPS server)', async () => {
    assertFails(await fleet(secure.url.replace(/^https:/, 'http:')), /400.*HTTPS server/i);
  });

  test('https to a plain http port: the server does not speak https there', async () => {
    assertFails(await fleet(plain.url.replace(/^http:/, 'https:'), ['--ca-file', tls.caCert]), /does not speak https|TLS/i);
  });

  test('a password in the URL is refused (a bad command line: exit 2), and not echoed', async () => {
    const u = new URL(secure.url);
    u.username = USER;
    u.password = PASSWORD;
    const r = await fleet(u.href, ['--ca-file', tls.caCert]);
    assertFails(r, /password|credential|user/i, [PASSWORD, TOKEN], 2);
  });

  // ---- bearer token (through a proxy in front of the plain server) ----

  test('bearer token from a file through a proxy that checks it: the same volumes; a wrong or missing one: 401', async () => {
    const seen = { forwarded: 0, refused: 0, authorization: [] as string[] };
    const proxy = await fake(httpServer(bearerProxy(plain.url, TOKEN, seen)));
    const ok = await fleet(proxy.url, ['--bearer-token-file', path.join(secretDir, 'token')]);
    assert.equal(volumesOf(ok), expected);
    assert.ok(seen.forwarded >= 2, `the proxy forwarded ${seen.forwarded} requests`);
    assert.equal(seen.refused, 0, `refused: ${seen.authorization.join(', ')}`);
    const env = await fleet(proxy.url, [], { DISKBLAME_PROMETHEUS_TOKEN: TOKEN });
    assert.equal(volumesOf(env), expected);
    assertFails(await fleet(proxy.url, ['--bearer-token-file', path.join(secretDir, 'wrong')]), /401|unauthori[sz]ed/i, [TOKEN, 'not-the-password']);
    assertFails(await fleet(proxy.url), /401|unauthori[sz]ed/i);
  });

  test('secrets are refused on the command line (no such options: exit 2), and not echoed', async () => {
    assertFails(await fleet(plain.url, ['--password', PASSWORD]), /unknown argument/i, [PASSWORD, TOKEN], 2);
    assertFails(await fleet(plain.url, ['--bearer-token', TOKEN]), /unknown argument/i, [PASSWORD, TOKEN], 2);
  });

  // ---- servers that misbehave ----

  test('a server that accepts and never answers, --timeout 2: a timeout line within seconds', async () => {
    const hang = await fake(hangingServer());
    const r = await fleet(hang.url, ['--timeout', '2'], {}, { timeoutMs: 60_000 });
    assertFails(r, /tim(ed|e) ?out/i);
    assert.ok(r.wallMs < 20_000, `took ${r.wallMs} ms with --timeout 2`);
    assert.ok(hang.stats.connections >= 1);
  });

  test('a server that sends its headers and half a body, then stalls, --timeout 2: a timeout line', async () => {
    const stall = await fake(
      httpServer((_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"status":"success","data":[{"__name__":"node_filesystem_size_bytes",');
      }),
    );
    const r = await fleet(stall.url, ['--timeout', '2'], {}, { timeoutMs: 60_000 });
    assertFails(r, /tim(ed|e) ?out|no answer within 2 s/i);
    assert.ok(r.wallMs < 20_000, `took ${r.wallMs} ms with --timeout 2`);
  });

  test('a secret or CA file that never ends (a zero device made in the test dir): one line, memory bounded', async () => {
    const zero = path.join(dir, 'zero');
    execFileSync('mknod', [zero, 'c', '1', '5']);
    try {
      const ca = await fleet(secure.url, ['--ca-file', zero]);
      assertFails(ca, /--ca-file .*zero.*larger than/i);
      assert.ok(ca.maxRssKB === null || ca.maxRssKB < 300 * 1024, `--ca-file: peak RSS ${ca.maxRssKB} KiB`);
      const tok = await fleet(plain.url, ['--bearer-token-file', zero]);
      assertFails(tok, /--bearer-token-file .*zero.*larger than/i, [], 2);
      const pw = await fleet(secure.url, ['--ca-file', tls.caCert, '--basic-auth-user', USER, '--basic-auth-password-file', zero]);
      assertFails(pw, /--basic-auth-password-file .*zero.*larger than/i, [], 2);
    } finally {
      fs.rmSync(zero, { force: true });
    }
  });

  test('a port nobody listens on: refused', async () => {
    const port = await freePort();
    assertFails(await fleet(`http://127.0.0.1:${port}`), /refused/i);
  });

  test('an unknown host name: a DNS line', async () => {
    // (a generous --timeout: a slow resolver still ends in EAI_AGAIN, "host not found")
    assertFails(await fleet('http://no-such-host.invalid:9090', ['--timeout', '60'], {}, { timeoutMs: 120_000 }), /resolve|not found|DNS|unknown host|ENOTFOUND|EAI_AGAIN/i);
  });

  test('a web page where the API should be: not a Prometheus API answer', async () => {
    const web = await fake(httpServer(htmlPage));
    assertFails(await fleet(web.url), /not a Prometheus API answer|did not answer \/api\/v1\/\w+ as Prometheus does .*not JSON/i);
  });

  test('a 502 from a proxy whose upstream is gone: the status, escaped', async () => {
    const bad = await fake(httpServer(statusPage(502, '<html><body>502 Bad Gateway\x1b[2J\x1b]0;owned\x07</body></html>', 'text/html')));
    assertFails(await fleet(bad.url), /502/);
  });

  test('a 503 with a Prometheus-shaped error body: its error text', async () => {
    const bad = await fake(httpServer(statusPage(503, JSON.stringify({ status: 'error', errorType: 'unavailable', error: 'too many queries \x1b[31min flight' }), 'application/json')));
    assertFails(await fleet(bad.url), /503|too many queries/);
  });

  test("a bad --match: prometheus' own 400 and its error text, escaped", async () => {
    const r = await fleet(plain.url, ['--match', '{job="node\x1b[2J",env=~"("}']);
    const line = assertFails(r, /400|bad_data|parse|invalid/i);
    assert.match(line, /parse|invalid|unexpected|missing|error/i, `prometheus' error text: ${line}`);
  });

  test('an endless /api/v1/series body: stops at the cap with one line, memory bounded', async () => {
    const endless = await fake(httpServer(endlessJson('series')));
    const r = await fleet(endless.url, [], {}, { rss: true, timeoutMs: 120_000 });
    const line = assertFails(r, /larger than|too (large|big)|cap|limit/i);
    assert.match(line, /\/api\/v1\/series/, line);
    assert.ok(r.maxRssKB !== null && r.maxRssKB < 400 * 1024, `peak RSS ${r.maxRssKB} kB`);
    // the client stopped reading and hung up: the server is not writing any more
    await new Promise((res) => setTimeout(res, 500));
    const sent = endless.stats.bytesSent;
    await new Promise((res) => setTimeout(res, 500));
    assert.equal(endless.stats.bytesSent, sent, 'the endless server is still writing');
  });

  test('an endless query_range body: stops at the cap, memory bounded, one line', async () => {
    const endless = await fake(httpServer(endlessJson('values')));
    const r = await fleet(endless.url, [], {}, { rss: true, timeoutMs: 120_000 });
    const line = assertFails(r, /larger than|too (large|big)|cap|limit/i);
    assert.match(line, /\/api\/v1\/query/, `the history's query hit the cap, not the discovery: ${line}`);
    assert.ok(r.maxRssKB !== null && r.maxRssKB < 400 * 1024, `peak RSS ${r.maxRssKB} kB`);
  });
});
