/**
 * Issue 15's browser keys end to end in a real terminal (tmux on a socket of this process's own):
 * b (a shell in the directory, back in the browser, rescanned), space marks with D (the trash, in
 * a temp $XDG_DATA_HOME) and E (emptied in place), the help's pages at 80x15, and
 * `cat export | diskblame -f -` browsing with keys from the terminal.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { haveTmux, tmuxUi } from './helpers/tmux.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const BIN = path.join(ROOT, 'dist/diskblame.cjs');
const SOCKET = `diskblame-keys-${process.pid}`;
const { tmux, waitFor, keys } = tmuxUi(SOCKET);
const skip = !haveTmux && 'tmux not installed';

/** base/root: logs/app.log (300 KB), logs/old.log (100 KB), sub/, a.bin (50 KB); base/xdg for the trash */
function tree(): { base: string; root: string; xdg: string } {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'diskblame-keys-'));
  const root = path.join(base, 'root');
  fs.mkdirSync(path.join(root, 'logs'), { recursive: true });
  fs.mkdirSync(path.join(root, 'sub'));
  fs.writeFileSync(path.join(root, 'logs', 'app.log'), Buffer.alloc(300_000, 1));
  fs.writeFileSync(path.join(root, 'logs', 'old.log'), Buffer.alloc(100_000, 1));
  fs.writeFileSync(path.join(root, 'a.bin'), Buffer.alloc(50_000, 1));
  return { base, root, xdg: path.join(base, 'xdg') };
}

/** `body` with a fresh tree; the tmux server and the tree are gone after it, whatever happens */
async function withTree(body: (t: ReturnType<typeof tree>) => Promise<void>): Promise<void> {
  const t = tree();
  try {
    await body(t);
  } finally {
    tmux('kill-server');
    fs.rmSync(t.base, { recursive: true, force: true });
  }
}

/** q, then the exit status 0 on the shell's screen */
async function quit(): Promise<string> {
  await keys('q');
  const s = await waitFor(/EXIT=/);
  assert.match(s, /EXIT=0/);
  return s;
}

/** run `cmd` in the session "ui" (w x h), its exit status written after it as EXIT=N */
function start(cmd: string, w = 80, h = 24): void {
  tmux('kill-server');
  tmux('new-session', '-d', '-s', 'ui', '-x', String(w), '-y', String(h), `${cmd}; echo EXIT=$?; sleep 30`);
}

test('tmux: b opens a shell in the selected directory (DISKBLAME_LEVEL=1); touch x; exit: the browser is back with x', { skip }, () =>
  withTree(async ({ base, root }) => {
    start(`cd ${base} && env -u CI -u DISKBLAME_LEVEL SHELL=/bin/sh ${BIN} --no-sample ${root}`);
    await waitFor(/\[1 Browse\][\s\S]*logs\//);
    await keys('b'); // the cursor is on logs/, the largest
    await waitFor(/a shell in .*\/root\/logs; exit it/);
    await keys('-l', 'touch x; echo LEVEL=$DISKBLAME_LEVEL > level; pwd > where; exit');
    await keys('Enter');
    let s = await waitFor(/back from the shell; rescanned/);
    assert.match(s, /\[1 Browse\]/);
    assert.equal(fs.readFileSync(path.join(root, 'logs', 'level'), 'utf8'), 'LEVEL=1\n');
    assert.equal(fs.readFileSync(path.join(root, 'logs', 'where'), 'utf8'), path.join(root, 'logs') + '\n');
    await keys('Enter'); // into logs/: the new files are in the tree
    s = await waitFor(/ x\s*$/m);
    assert.match(s, / level\s*$/m);
    await quit();
    // --read-only: no shell, one line
    start(`env -u CI ${BIN} --no-sample --read-only ${root}`);
    await waitFor(/\[1 Browse\][\s\S]*logs\//);
    await keys('b');
    await waitFor(/read-only mode \(--read-only\): the shell \(b\) is disabled/);
    await quit();
  }));

test('tmux: b refuses a directory swapped for a symbolic link (or another directory) since the scan; a non-UTF-8 name gets its shell', { skip }, () =>
  withTree(async ({ base, root }) => {
    const outside = path.join(base, 'outside');
    fs.mkdirSync(outside);
    // a directory whose name is not UTF-8: the shell starts in the held directory, not at a text path
    const odd = Buffer.concat([Buffer.from(root + '/'), Buffer.from([0x6f, 0xff, 0x64, 0x64])]);
    fs.mkdirSync(odd);
    fs.writeFileSync(Buffer.concat([odd, Buffer.from('/big')]), Buffer.alloc(900_000, 1));
    start(`cd ${base} && env -u CI -u DISKBLAME_LEVEL SHELL=/bin/sh ${BIN} --no-sample ${root}`);
    await waitFor(/\[1 Browse\][\s\S]*o\\xffdd\//);
    await keys('b'); // the cursor is on o\xffdd/, the largest
    await waitFor(/a shell in .*\/root\/o\\xffdd; exit it/);
    await keys('-l', 'pwd > ../where; exit');
    await keys('Enter');
    await waitFor(/back from the shell; rescanned/);
    assert.ok(Buffer.from(fs.readFileSync(path.join(root, 'where'))).equals(Buffer.concat([odd, Buffer.from('\n')])));
    await keys('j'); // logs/
    // logs/ swapped for a link to a directory outside the root: no shell there (before: a shell in outside/)
    fs.renameSync(path.join(root, 'logs'), path.join(base, 'logs.real'));
    fs.symlinkSync(outside, path.join(root, 'logs'));
    await keys('b');
    await waitFor(/shell failed: not the directory scanned: is a symbolic link now: not followed/);
    // another directory by that name: refused too
    fs.unlinkSync(path.join(root, 'logs'));
    fs.mkdirSync(path.join(root, 'logs'));
    await keys('b');
    let s = await waitFor(/shell failed: not the directory scanned: replaced since the scan/);
    assert.doesNotMatch(s, /a shell in/);
    // the scanned one back: its shell
    fs.rmdirSync(path.join(root, 'logs'));
    fs.renameSync(path.join(base, 'logs.real'), path.join(root, 'logs'));
    await keys('b');
    await waitFor(/a shell in .*\/root\/logs; exit it/);
    await keys('-l', 'pwd > where; exit');
    await keys('Enter');
    s = await waitFor(/back from the shell; rescanned/);
    assert.equal(fs.readFileSync(path.join(root, 'logs', 'where'), 'utf8'), path.join(root, 'logs') + '\n');
    assert.deepEqual(fs.readdirSync(outside), []);
    await quit();
  }));

test('tmux: space marks two files, D moves both to the trash (.trashinfo written), E empties a file in place', { skip }, () =>
  withTree(async ({ root, xdg }) => {
    start(`env -u CI XDG_DATA_HOME=${xdg} ${BIN} --no-sample ${root}`);
    await waitFor(/\[1 Browse\][\s\S]*logs\//);
    await keys('Enter'); // logs/
    await waitFor(/app\.log/);
    await keys('Space');
    await keys('Space');
    let s = await waitFor(/2 marked, 39\d(\.\d)? KiB/);
    assert.equal(s.split('\n').filter((l) => /^.\*/.test(l)).length, 2, s);
    await keys('D');
    s = await waitFor(/Move these 2 entries to the trash\?/);
    assert.ok(s.includes(path.join(root, 'logs', 'app.log')) && s.includes(path.join(root, 'logs', 'old.log')), s);
    await keys('y');
    s = await waitFor(/moved 2 marked entries to the trash \(2 entries\)/);
    assert.deepEqual(fs.readdirSync(path.join(root, 'logs')), []);
    assert.deepEqual(fs.readdirSync(path.join(xdg, 'Trash', 'files')).sort(), ['app.log', 'old.log']);
    assert.match(fs.readFileSync(path.join(xdg, 'Trash', 'info', 'app.log.trashinfo'), 'utf8'), new RegExp(`Path=${root}/logs/app\\.log\\n`));
    await keys('Left');
    await waitFor(/a\.bin/);
    // the cursor comes back on logs/ (now 4 KiB, below a.bin): up to a.bin
    for (let k = 0; k < 3; k++) {
      const cur = tmux('capture-pane', '-p', '-e', '-t', 'ui').split('\n').slice(2).find((l) => l.includes('\x1b[7m') && !l.includes('Disk:')) ?? '';
      if (/a\.bin/.test(cur)) break;
      await keys('k');
    }
    await keys('E');
    await waitFor(/Empty this file in place/);
    await keys('y');
    await waitFor(/emptied .*a\.bin/);
    assert.equal(fs.statSync(path.join(root, 'a.bin')).size, 0);
    await quit();
  }));

test('tmux 80x15: the help pages (Space, PgUp), no line over 80 columns; q closes it', { skip }, () =>
  withTree(async ({ root }) => {
    start(`env -u CI ${BIN} --no-sample ${root}`, 80, 15);
    await waitFor(/\[1 Browse\][\s\S]*logs\//);
    await keys('?');
    let s = await waitFor(/page 1\/\d/);
    const pages = Number(/page 1\/(\d)/.exec(s)![1]);
    assert.ok(pages >= 3, s);
    for (let k = 2; k <= pages; k++) {
      await keys('Space');
      s = await waitFor(new RegExp(`page ${k}/${pages}`));
      for (const l of s.split('\n')) assert.ok(l.length <= 80, l);
    }
    assert.match(s, /\*  \(second column\) marked with space/);
    await keys('PPage');
    await waitFor(new RegExp(`page ${pages - 1}/${pages}`));
    await keys('q');
    s = await waitFor(/logs\/[\s\S]*Disk:/);
    assert.doesNotMatch(s, /page \d/);
    await quit();
  }));

test('tmux: cat export | diskblame -f - browses the export with keys from the terminal; q quits 0; piped output still summarises', { skip }, () =>
  withTree(async ({ base, root }) => {
    const exp = path.join(base, 'x.json');
    const w = spawnSync(process.execPath, [BIN, '--no-sample', root, '-o', exp], { encoding: 'utf8' });
    assert.equal(w.status, 0, w.stderr);
    start(`cat ${exp} | env -u CI ${BIN} -f -`);
    let s = await waitFor(/\[1 Browse\][\s\S]*logs\//);
    assert.ok(s.includes(`--- ${root}`), s);
    assert.match(s, /an export: read-only/);
    await keys('Enter');
    await waitFor(/app\.log/);
    s = await quit();
    assert.doesNotMatch(s, /\[1 Browse\]/, 'the alternate screen is left');
    // stdout a pipe: the summary, as before
    const p = spawnSync('sh', ['-c', `cat ${exp} | ${process.execPath} ${BIN} -f - | cat`], { encoding: 'utf8' });
    assert.equal(p.status, 0, p.stderr);
    assert.match(p.stdout, /Disk usage/);
  }));
