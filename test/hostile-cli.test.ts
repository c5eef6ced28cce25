/**
 * Nothing raw reaches a terminal, command by command: the hostile-names fixture through every text
 * output that prints names (scan, owners, diff, snapshots, forecast, check), every error line on
 * stderr (one escaped line, whatever path or error it quotes), and the Prometheus exposition
 * (label values with control characters, still valid for promtool).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { makeTmp, rmrf } from './helpers/fs.js';
import { storeWith } from './helpers/samples.js';
import { assertOneLineError, have, run, runCli, RunOptions } from './helpers/run.js';
import { HOSTILE_DIR, assertTerminalSafe, makeHostileTree } from './helpers/hostile.js';
import { escapeName } from '../src/util/escape.js';
import { width } from '../src/ui/text.js';
import { renderMetrics } from '../src/report/metrics.js';
import type { Forecast } from '../src/forecast/types.js';

const DAY = 86_400_000;
const GIB = 2 ** 30;
const tmp = makeTmp('hostile-cli');
const store = path.join(tmp, 'store');
const env = { ...process.env, DISKBLAME_DEBUG: '', DISKBLAME_STORE: store, TZ: 'UTC' };
const cli = (args: string[], o: RunOptions = {}) => runCli(args, { env, ...o });
const root = path.join(tmp, 'root');
fs.mkdirSync(root);
fs.writeFileSync(path.join(root, 'plain.txt'), 'x'.repeat(100));
// the export taken before the hostile names arrive: `diff before live` shows each of them as new
const before = path.join(tmp, 'before.json');
assert.equal(runCli(['scan', root, '-o', before], { env }).code, 0);
const tree = makeHostileTree(root);
test.after(() => rmrf(tmp));

/** exit 0, nothing on stderr, stdout terminal-safe */
function safe(args: string[], o: RunOptions = {}): string {
  const r = cli(args, o);
  assert.equal(r.code, 0, `${r.cmd}: exit ${r.code}: ${r.stderr}`);
  assertTerminalSafe(r.stdoutBuf, r.cmd);
  assertTerminalSafe(r.stderr, `${r.cmd} (stderr)`);
  return r.stdout;
}

test('scan: every hostile name on its own line beside its own size, escaped', () => {
  const out = safe(['scan', root, '--top', '100', '--apparent', '--bytes']);
  for (const x of tree.names) {
    const shown = `${escapeName(tree.dir)}/${escapeName(x.bytes)}`;
    const line = out.split('\n').find((l) => l.endsWith(shown));
    assert.ok(line, `${x.label}: no line ending in ${shown}`);
    assert.match(line, new RegExp(`^\\s+${x.size}\\s`), `${x.label}: not beside its size: ${line}`);
  }
  assert.ok(out.includes(escapeName(HOSTILE_DIR)), 'the hostile directory');
});

test('owners: the kinds, paths and a writer process named with an OSC sequence, escaped', { skip: !have('bash') && 'no bash' }, async () => {
  // a process whose name sets the title, holding a file open for writing in the scanned tree
  const held = path.join(root, 'held.log');
  const p = spawn('bash', ['-c', 'exec 3>>"$1"; head -c 5000000 /dev/zero >&3; exec -a $\'osc\\e]0;pwned\\a\\u200bname\' sleep 30', 'bash', held], { stdio: 'ignore' });
  try {
    // the writer is in place once its exec under the hostile name has happened (after head's 5 MB):
    // /proc/PID/cmdline says so; a fixed pause after fd 3 appeared was too short on a loaded machine
    const named = () => {
      try {
        return fs.readFileSync(`/proc/${p.pid}/cmdline`, 'latin1').startsWith('osc\x1b]0;') && fs.existsSync(`/proc/${p.pid}/fd/3`);
      } catch {
        return false;
      }
    };
    for (let k = 0; k < 600 && !named(); k++) await new Promise((r) => setTimeout(r, 50));
    const out = safe(['owners', root]);
    assert.ok(out.includes(escapeName(tree.dir) + '/'), 'hostile paths listed');
    assert.ok(fs.readFileSync(`/proc/${p.pid}/cmdline`, 'latin1').startsWith('osc\x1b]0;'), 'the writer runs under its hostile name');
    assert.ok(out.includes('osc\\x1b]0;pwned\\x07\\u{200b}'), `the process name escaped:\n${out}`);
  } finally {
    p.kill('SIGKILL');
    fs.rmSync(held, { force: true });
  }
});

test('diff: an export against live, every new hostile name escaped on its own line', () => {
  const out = safe(['diff', before, 'live', '--bytes', '--top', '100'], { env: { ...env, COLUMNS: '80' } });
  // piped, nothing is cut even with COLUMNS set (issue 15: cut to the terminal only on a
  // terminal): every hostile name whole, escaped, on its own line
  for (const x of tree.names) {
    const shown = escapeName(x.bytes);
    assert.ok(out.split('\n').some((l) => l.startsWith('            +4096  ') && l.endsWith(shown)), `${x.label}: no line ending in ${shown}:\n${out}`);
  }
});

test('snapshot and snapshots: a hostile root is one escaped row', () => {
  const st = path.join(tmp, 'snap-store');
  // a root named to attack: title, bidi, zero-width, newline (valid UTF-8: a root is given as text)
  const hostileRoot = path.join(tmp, 'snap\x1b]0;t\x07\u202e\u200b\nx');
  fs.mkdirSync(hostileRoot);
  fs.writeFileSync(path.join(hostileRoot, 'f'), 'x');
  try {
    const s = safe(['snapshot', hostileRoot, '--store', st]);
    assert.match(s, /^snapshot /m);
    // and a root of wide characters and emoji: the columns after ROOT stay aligned
    const wide = path.join(tmp, '宽字符\u{1f44d}\u{1f3fd}');
    fs.mkdirSync(wide);
    safe(['snapshot', wide, '--store', st]);
    const list = safe(['snapshots', '--store', st]);
    const rows = list.trimEnd().split('\n');
    assert.equal(rows.length, 3, `header and two rows:\n${list}`);
    assert.ok(list.includes('snap\\x1b]0;t\\x07\\u{202e}\\u{200b}\\nx'), list);
    const host = escapeName(os.hostname());
    const at = rows.map((r) => width(r.slice(0, r.indexOf(r === rows[0] ? 'HOST' : `  ${host}  `) + (r === rows[0] ? 0 : 2))));
    assert.ok(at.every((x) => x === at[0]), `HOST at columns ${at}:\n${list}`);
    rmrf(wide);
  } finally {
    rmrf(hostileRoot);
  }
});

const MOUNT = '/mnt/osc\x1b]0;pwned\x07\nline"q\\b\u202e\u200b\x9b31m';

test('forecast, check: a mount point with control, bidi and zero-width characters, escaped', () => {
  const st = path.join(tmp, 'fc-store');
  storeWith(st, MOUNT, 10, '/dev/x\x1b[2J');
  const f = safe(['forecast', '--store', st]);
  assert.ok(f.includes(escapeName(MOUNT)), f);
  const c = cli(['check', '--store', st, '--warn', '30d', '--crit', '1d']);
  assert.equal(c.code, 1, c.stdout + c.stderr);
  assertTerminalSafe(c.stdoutBuf, 'check');
  assert.equal(c.stdout.trimEnd().split('\n').length, 1, `one line: ${c.stdout}`);
  assert.ok(c.stdout.includes('osc\\x1b]0;pwned\\x07'), c.stdout);
});

test('stderr: a command-line path with an OSC sequence is one escaped line, for every command', () => {
  const bad = '/nonexist\x1b]0;x\x07\u202e';
  for (const args of [['scan', bad], ['owners', bad], ['snapshot', bad], ['scan', '-f', bad], ['diff', bad, 'live'], ['forecast', '--history', bad], [bad]]) {
    const r = cli(args, { input: '' });
    const l = assertOneLineError(r, r.code ?? 1);
    assert.notEqual(r.code, 0, r.cmd);
    assertTerminalSafe(r.stderr, r.cmd);
    assert.ok(l.includes('nonexist\\x1b]0;x\\x07\\u{202e}'), `${r.cmd}: ${l}`);
  }
  // an error from deep inside (Node's own message quoting the path) goes through the same sink
  const r = cli(['scan', root, '-o', path.join(root, 'no\x1b[2Jdir', 'out.json')]);
  assertOneLineError(r, r.code ?? 1);
  assertTerminalSafe(r.stderr, r.cmd);
});

test('Prometheus: label values with newline, ESC, quote, backslash, C1 and bidi are valid exposition with no raw control byte', { skip: !have('promtool') && 'promtool not installed' }, () => {
  const now = Date.now();
  const fc: Forecast = {
    status: 'ok', notes: [], fillsAt: now + 9 * DAY, earliest: now + 8 * DAY, latest: now + 11 * DAY, pattern: 'steady', growthBytesPerDay: GIB,
    nextRisk: null, backtestError: 0.05, asOf: now, samplesUsed: 100, regimeStart: now - 20 * DAY, sizeBytes: 100 * GIB, usedBytes: 70 * GIB,
  };
  const text = renderMetrics({ volumes: [{ mount: MOUNT, device: 'dev\x00\x07\t\r', forecast: fc, now, snapshot: { kinds: { 'k\x1bind': 1 }, time: new Date(now).toISOString() } }] });
  assertTerminalSafe(text, 'metrics');
  const p = run('promtool', ['check', 'metrics'], { input: text });
  assert.equal(p.code, 0, `promtool: ${p.stdout}${p.stderr}\n${text}`);
  // the exposition escapes \\, \" and \n; the other controls are text
  assert.ok(text.includes('mountpoint="/mnt/osc\\\\x1b]0;pwned\\\\x07\\nline\\"q\\\\b\\\\u{202e}\\\\u{200b}\\\\u{9b}31m"'), text);
  assert.ok(text.includes('device="dev\\\\x00\\\\x07\\\\t\\\\x0d"'), text);
  assert.ok(text.includes('kind="k\\\\x1bind"'), text);
  // the metrics command's output too
  const st = path.join(tmp, 'metrics-store');
  storeWith(st, MOUNT, 10, '/dev/x\x1b[2J');
  const m = cli(['metrics', '--store', st]);
  assert.equal(m.code, 0, m.stderr);
  assertTerminalSafe(m.stdoutBuf, 'metrics command');
  assert.equal(run('promtool', ['check', 'metrics'], { input: m.stdout }).code, 0, m.stdout);
});

test('JSON on a terminal: the hidden characters as \\u escapes, the same values', () => {
  for (const args of [['scan', root, '--json', '--top', '100'], ['diff', before, 'live', '--json', '--top', '100']]) {
    const r = cli(args);
    assert.equal(r.code, 0, r.stderr);
    assertTerminalSafe(r.stdoutBuf, r.cmd);
    const text = r.stdout;
    const values = JSON.stringify(JSON.parse(text));
    for (const x of tree.names) {
      const s = x.bytes.toString('utf8');
      if (!Buffer.from(s).equals(x.bytes)) continue; // not UTF-8: pathBase64 carries it
      assert.ok(values.includes(JSON.stringify(s).slice(1, -1)), `${r.cmd}: ${x.label} not among the values`);
    }
  }
});
