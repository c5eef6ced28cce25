/**
 * Command-line arguments: every option that takes a value refuses a missing or empty one (exit 2,
 * one line, before any work), and every file argument that is read refuses a directory or a device
 * ("not a regular file") while a pipe (process substitution) is read.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { assertOneLineError, CLI, run, runCli, runCliOk } from './helpers/run.js';
import { makeTmp, rmrf } from './helpers/fs.js';
import { assertTerminalSafe } from './helpers/hostile.js';

/** a directory name hostile to terminals (valid UTF-8: it travels as an argument) */
const EVIL = 'dir\x1b]0;owned\x07\u202e\x9b2J';

/** The options of a command that take a value, from its --help: [long name, short alias or null, type]. */
function valueOptions(cmd: string[]): [string, string | null, string][] {
  const h = runCliOk([...cmd, '--help']).stdout;
  const opts = h.slice(h.indexOf('\nOptions:'));
  // one block per option: its first line names it, the type tag may be on a wrapped line below
  const blocks = opts.split(/\n(?= {2}(?:-\w, | {4})--[\w-]+)/).slice(1);
  const found: [string, string | null, string][] = [];
  for (const b of blocks) {
    const m = /^ {2}(?:-(\w), | {4})--([\w-]+)/.exec(b)!;
    const t = /\[(string|number|array)\]/.exec(b);
    if (t) found.push([m[2], m[1] ?? null, t[1]]);
  }
  return found;
}

const COMMANDS = [[], ['scan'], ['tree'], ['snapshot'], ['snapshots'], ['prune'], ['owners'], ['sample'], ['forecast'], ['check'], ['metrics'], ['diff'], ['fleet'], ['volumes']];

describe('options that take a value', () => {
  let cwd: string;
  let store: string;
  before(() => {
    cwd = makeTmp('args-cwd');
    store = makeTmp('args-store');
  });
  after(() => {
    rmrf(cwd);
    rmrf(store);
  });

  it('every option of every command that takes a value refuses none or an empty one: exit 2 (check: 3), one line, nothing done', () => {
    const env = { ...process.env, DISKBLAME_STORE: store, DISKBLAME_DEBUG: '' };
    let tried = 0;
    for (const cmd of COMMANDS) {
      const opts = valueOptions(cmd);
      if (cmd[0] !== 'snapshots') assert.ok(opts.length >= 2, `${cmd.join(' ') || '(default)'}: options not found in --help`);
      opts.forEach(([long, short], i) => {
        const spellings = short ? [`-${short}`, `--${long}`] : [`--${long}`];
        for (const s of spellings) {
          // in turn: at the end of the line, an empty word, `--x=`, followed by another option
          const other = opts[(i + 1) % opts.length][0];
          let form = [[s], [s, ''], [`${s}=`], [s, `--${other}`, 'x']][tried % 4];
          if (s.length === 2 && form[0] !== s) form = [s, ' ']; // (yargs reads -o= as -o and -=)
          {
            const args = [...cmd, ...form];
            const r = run(process.execPath, [CLI, ...args], { cwd, env, timeoutMs: 30_000 });
            const line = assertOneLineError(r, cmd[0] === 'check' ? 3 : 2);
            assert.equal(line, `diskblame: ${s} wants a value${cmd[0] === 'check' ? '' : ' (see diskblame --help)'}`, JSON.stringify(args));
            tried++;
          }
        }
      });
    }
    assert.ok(tried >= 40, `only ${tried} cases`);
    assert.deepEqual(fs.readdirSync(cwd), [], 'a run wrote into the working directory');
    assert.deepEqual(fs.readdirSync(store), [], 'a run did work (a usage sample, a snapshot)');
  });

  it('every single-valued option of every command given twice: exit 2 (check: 3), one line, nothing done', () => {
    const env = { ...process.env, DISKBLAME_STORE: store, DISKBLAME_DEBUG: '' };
    let tried = 0;
    for (const cmd of COMMANDS) {
      for (const [long, , type] of valueOptions(cmd)) {
        if (type === 'array') continue; // one value per use, as often as wanted (--exclude, --mount)
        const args = [...cmd, `--${long}`, '1', `--${long}`, '2'];
        const r = run(process.execPath, [CLI, ...args], { cwd, env, timeoutMs: 30_000 });
        const line = assertOneLineError(r, cmd[0] === 'check' ? 3 : 2);
        assert.match(line, new RegExp(`--${long} was given 2 times; it takes one value`), JSON.stringify(args));
        tried++;
      }
    }
    assert.ok(tried >= 20, `only ${tried} cases`);
    assert.deepEqual(fs.readdirSync(cwd), [], 'a run wrote into the working directory');
    assert.deepEqual(fs.readdirSync(store), [], 'a run did work (a usage sample, a snapshot)');
  });

  it('a number option refuses a word; an array option takes one value per use (the PATH after it is the PATH)', () => {
    const tree = makeTmp('args-tree');
    const empty = makeTmp('args-empty');
    try {
      fs.writeFileSync(path.join(tree, 'a.log'), 'x'.repeat(5000));
      fs.writeFileSync(path.join(tree, 'b.txt'), 'x'.repeat(300));
      for (const [args, msg] of [
        [['scan', tree, '--top', 'many'], '--top wants a number'],
        [['owners', tree, '--sample-ms', 'x'], '--sample-ms wants a number'],
        [['prune', '--keep', 'all'], '--keep wants a number'],
      ] as const) {
        const line = assertOneLineError(runCli([...args]), 2);
        assert.ok(line.startsWith(`diskblame: ${msg}`), line);
      }
      const j = JSON.parse(runCliOk(['scan', '--exclude', '*.log', tree, '--json'], { cwd: empty }).stdout);
      assert.equal(j.root, tree, 'the PATH after --exclude GLOB was taken as a second glob');
      assert.equal(j.excluded, 1);
      assert.equal(j.apparentBytes, 300 + fs.statSync(tree).size);
      // after --, words are the positionals: a directory whose name starts with -
      fs.mkdirSync(path.join(empty, '-o'));
      fs.writeFileSync(path.join(empty, '-o', 'f'), 'x'.repeat(700));
      const dash = JSON.parse(runCliOk(['scan', '--json', '--', '-o'], { cwd: empty }).stdout);
      assert.equal(dash.root, path.join(empty, '-o'));
      // (scan takes several roots: `scan -- -o more` scans two; snapshot takes one)
      const extra = assertOneLineError(runCli(['snapshot', '--', '-o', 'more'], { cwd: empty }), 2);
      assert.match(extra, /unexpected argument more/);
      assert.deepEqual(fs.readdirSync(empty), ['-o']);
      // values that look like options' neighbours still work: -o - and -f -
      const exp = runCliOk(['scan', tree, '-o', '-']).stdoutBuf;
      const back = JSON.parse(runCliOk(['scan', '-f', '-', '--json'], { input: exp }).stdout);
      assert.equal(back.apparentBytes, 5000 + 300 + fs.statSync(tree).size);
    } finally {
      rmrf(tree);
      rmrf(empty);
    }
  });
});

describe('file arguments: not a regular file', () => {
  let dir: string;
  let exp: string;
  let csv: string;
  let devnull: string;
  let devzero: string;
  let nodes = false;
  before(() => {
    dir = makeTmp('args-files');
    exp = path.join(dir, 'e.json');
    fs.writeFileSync(exp, '[1,0,{"progname":"t"},[{"name":"/x"},{"name":"f","asize":10,"dsize":4096}]]');
    csv = path.join(dir, 'h.csv');
    fs.writeFileSync(csv, '2026-01-01T00:00:00Z,100,1000\n');
    fs.mkdirSync(path.join(dir, EVIL));
    // device nodes of our own (never the machine's /dev): null and zero
    devnull = path.join(dir, 'null');
    devzero = path.join(dir, 'zero');
    nodes = run('mknod', [devnull, 'c', '1', '3']).code === 0 && run('mknod', [devzero, 'c', '1', '5']).code === 0;
  });
  after(() => rmrf(dir));

  /** the cases: [description, path, kind in the message] */
  const bad = (): [string, string][] => [
    [path.join(dir, EVIL), 'a directory'],
    ...(nodes ? ([[devnull, 'a character device'], [devzero, 'a character device']] as [string, string][]) : []),
  ];

  it('-f (scan and the default command), the diff sides, --history, --rules: a directory or a device is refused, one line', (t) => {
    if (!nodes) t.diagnostic('mknod failed: directories only');
    for (const [p, kind] of bad()) {
      for (const [args, code] of [
        [['scan', '-f', p], 1],
        [['-f', p], 1],
        [['diff', exp, p], 1],
        [['diff', p, exp], 1],
        [['forecast', '--history', p], 1],
        [['metrics', '--history', p], 1],
        [['check', '--history', p], 3],
        [['owners', dir, '--rules', p], 1],
        [['diff', exp, exp, '--rules', p], 1],
      ] as [string[], number][]) {
        const r = runCli(args, { timeoutMs: 30_000 });
        const line = assertOneLineError(r, code);
        assert.ok(line.includes(`not a regular file (${kind})`), `${args.join(' ')}: ${line}`);
        assertTerminalSafe(r.stderr, args.join(' '));
      }
    }
  });

  it('a pipe is read: -f <(cat export), diff A <(cat export), --history <(cat csv)', () => {
    const sh = (cmd: string) => run('bash', ['-c', cmd], { timeoutMs: 30_000 });
    const q = (s: string) => `'${s}'`;
    const node = `${q(process.execPath)} ${q(CLI)}`;
    let r = sh(`${node} scan -f <(cat ${q(exp)}) --json`);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).apparentBytes, 10);
    r = sh(`${node} diff ${q(exp)} <(cat ${q(exp)}) --json`);
    assert.equal(r.code, 0, r.stderr);
    r = sh(`${node} forecast --history <(cat ${q(csv)}) --json`);
    assert.equal(r.code, 0, r.stderr);
  });
});
