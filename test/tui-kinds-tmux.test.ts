/**
 * Issue 16 end to end in a real terminal: the browser's `i` panel says each file's kind of data and
 * why. tmux runs `diskblame DIR` on a temp dir holding a logrotate set (x.log, x.log.1, a gzipped
 * x.log.2.gz), a real ELF core file's header named core.4242, and a file named `core` that is no
 * ELF core; then `diskblame -f` on that scan's export, its root renamed, where no header is read
 * and the rotations of a hostile name are said with the name escaped.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { haveTmux, tmuxUi } from './helpers/tmux.js';
import { escapeName } from '../src/util/escape.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const BIN = path.join(ROOT, 'dist/diskblame.cjs');
const SOCKET = `diskblame-kinds-${process.pid}`;
const { tmux, waitFor, keys } = tmuxUi(SOCKET);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** a name that would clear the screen, with a byte that is not UTF-8 */
const HOSTILE = Buffer.from('ev\x1b[2Jil\xff', 'latin1');
const SHOWN = escapeName(HOSTILE); // ev\x1b[2Jil\xff

/** the files, largest first on disk (the browser's order); each in its own 4 KiB blocks */
function buildTree(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'diskblame-kinds-tui-'));
  const core = Buffer.alloc(60_000);
  Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]).copy(core); // ELF, 64-bit, little-endian
  core[16] = 4; // e_type ET_CORE
  fs.writeFileSync(path.join(d, 'core.4242'), core);
  fs.writeFileSync(path.join(d, 'core'), Buffer.alloc(50_000, 0x7b)); // a file named core, no ELF header
  fs.writeFileSync(path.join(d, 'x.log'), 'GET / 200\n'.repeat(4000));
  fs.writeFileSync(path.join(d, 'x.log.1'), 'GET / 200\n'.repeat(3000));
  fs.writeFileSync(path.join(d, 'x.log.2.gz'), zlib.gzipSync(crypto.randomBytes(20_000)));
  const at = (suffix: string) => Buffer.concat([Buffer.from(d + '/'), HOSTILE, Buffer.from(suffix)]);
  fs.writeFileSync(at(''), 'x'.repeat(12_000));
  fs.writeFileSync(at('.1'), 'x'.repeat(8_000));
  fs.writeFileSync(at('.2.gz'), zlib.gzipSync(crypto.randomBytes(2_000)));
  return d;
}

/** i on the selected row: the panel once it names `name`; then i closes it and j moves down */
async function info(name: string): Promise<string> {
  await keys('i');
  const s = await waitFor(new RegExp(`Name: +${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\n[\\s\\S]*Press i or q to close`));
  await keys('i');
  await keys('j');
  return s;
}

/** the panel's Why text, its continuation lines joined */
function why(s: string): string {
  const L = s.split('\n');
  const k = L.findIndex((l) => l.startsWith(' Why:'));
  assert.ok(k >= 0, s);
  const out = [L[k].slice(11).trimEnd()];
  for (let j = k + 1; /^ {11}\S/.test(L[j]) && !L[j].trimStart().startsWith('('); j++) out.push(L[j].trim());
  return out.join(' ');
}

const kind = (s: string) => /^ Kind: +(.*?) *$/m.exec(s)?.[1];

async function exited(done: string): Promise<string> {
  const end = Date.now() + 30_000;
  while (!fs.existsSync(done) && Date.now() < end) await sleep(100);
  return fs.readFileSync(done, 'utf8').trim();
}

test('tmux: i says the kind and why of a logrotate set and of files named core, read from disk; of an export, from the tree alone (no header read), hostile names escaped', { skip: !haveTmux && 'tmux not installed' }, async () => {
  const dir = buildTree();
  const done = dir + '.exit';
  const exp = dir + '.json';
  try {
    tmux('kill-server');
    tmux('new-session', '-d', '-s', 'ui', '-x', '100', '-y', '30', `${BIN} ${dir}; echo $? > ${done}; sleep 5`);
    await waitFor(/\[1 Browse\][\s\S]*x\.log\.2\.gz/);

    let s = await info('core.4242');
    assert.equal(kind(s), 'core dumps', s);
    assert.equal(why(s), 'an ELF core file (e_type ET_CORE): a core dump');
    assert.doesNotMatch(s, /Package:|imported tree/);

    s = await info('core');
    // its first bytes were read: no ELF header, so no core dump (under /tmp, a temp file)
    assert.match(why(s), /^named like a core dump but not an ELF file: not a core dump(; temp: its path matches "\/tmp\/\*\*")?$/);
    assert.equal(kind(s), why(s).includes('temp:') ? 'temp' : 'none');

    s = await info('x.log');
    assert.equal(kind(s), 'live logs');
    assert.equal(why(s), 'live logs: its name matches "*.log"');
    for (const name of ['x.log.1', 'x.log.2.gz']) {
      s = await info(name);
      assert.equal(kind(s), 'rotated logs', name);
      assert.equal(why(s), 'rotated logs: its name matches "*.log.[0-9]*"', name);
    }
    await keys('q');
    assert.equal(await exited(done), '0');
    fs.rmSync(done);

    // the scan's export, its root renamed as if from another machine's /srv/app: nothing of it is read here
    const r = spawnSync(process.execPath, [BIN, 'scan', dir, '-o', exp], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const text = fs.readFileSync(exp);
    const rootName = Buffer.from(`{"name":${JSON.stringify(dir)},`);
    const at = text.indexOf(rootName);
    assert.ok(at > 0, 'the root in the export');
    fs.writeFileSync(exp, Buffer.concat([text.subarray(0, at), Buffer.from('{"name":"/srv/app",'), text.subarray(at + rootName.length)]));
    tmux('kill-server');
    tmux('new-session', '-d', '-s', 'ui', '-x', '100', '-y', '30', `${BIN} -f ${exp}; echo $? > ${done}; sleep 5`);
    await waitFor(/\[1 Browse\][\s\S]*x\.log\.2\.gz/);

    s = await info('core.4242');
    assert.equal(kind(s), 'none');
    assert.equal(why(s), 'named like a core dump; its header was not read');
    assert.match(s, /^ {11}\(an imported tree: no header read, no package lists\)/m);
    s = await info('core');
    assert.equal(why(s), 'named like a core dump; its header was not read');
    for (const name of ['x.log', 'x.log.1', 'x.log.2.gz']) await info(name);
    // the hostile name's logrotate set: outside /tmp, the rotations check says it, the name escaped
    s = await info(SHOWN);
    assert.equal(kind(s), 'live logs');
    assert.equal(why(s), `a live log: 2 rotations of it beside it (${SHOWN}.1)`);
    s = await info(`${SHOWN}.1`);
    assert.equal(kind(s), 'rotated logs');
    assert.equal(why(s), `rotated by logrotate: 2 rotations of ${SHOWN} in /srv/app beside the live file`);
    assert.match(s, /diskblame \[1 Browse\]/, 'the screen was not cleared by the name');
    await keys('q');
    assert.equal(await exited(done), '0');
  } finally {
    tmux('kill-server');
    fs.rmSync(dir, { recursive: true, force: true });
    for (const f of [done, exp]) fs.rmSync(f, { force: true });
  }
});
