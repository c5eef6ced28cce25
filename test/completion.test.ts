/**
 * Shell completion (`diskblame completion bash|zsh`), for real: the bash script is sourced in a
 * bash that calls its function with COMP_WORDS as readline would; the zsh script is loaded by
 * compinit from $fpath in a zsh in tmux (our own -L socket) where TAB is pressed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CLI, runCli } from './helpers/run.js';
import { haveTmux, tmuxUi } from './helpers/tmux.js';
import type { CommandInfo } from '../src/cli/describe.js';
import { bashScript, zshScript } from '../src/cli/completion.js';

const have = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'diskblame-completion-'));
process.on('exit', () => fs.rmSync(work, { recursive: true, force: true }));

function cli(...args: string[]): string {
  const r = runCli(args);
  assert.equal(r.code, 0, `${r.cmd}: ${r.stderr}`);
  return r.stdout;
}

const commands = (JSON.parse(cli('completion', '--json')) as { commands: CommandInfo[] }).commands;
const bashFile = path.join(work, 'diskblame.bash');
fs.writeFileSync(bashFile, cli('completion', 'bash'));

/** the option names `diskblame CMD --help` lists (its Options: section), e.g. --exclude, -o */
function helpOptions(name: string): Set<string> {
  const help = cli(...(name ? [name] : []), '--help');
  const opts = help.slice(help.indexOf('\nOptions:'));
  return new Set([...opts.matchAll(/^ {2}(?:(-\w), | {4})(--[\w-]+)/gm)].flatMap((m) => (m[1] ? [m[1], m[2]] : [m[2]])));
}

/**
 * What bash completes for the command line WORDS (the last one is being completed), in a
 * bash with no startup files that sources the script: the words of COMPREPLY, sorted.
 */
function bashComplete(words: string[], cwd = work): string[] {
  const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  const script = `source ${q(bashFile)}
COMP_WORDS=(${words.map(q).join(' ')}); COMP_CWORD=${words.length - 1}; COMPREPLY=()
_diskblame
printf '%s\\n' "\${COMPREPLY[@]}"`;
  const r = spawnSync('bash', ['--norc', '--noprofile', '-c', script], { encoding: 'utf8', cwd, timeout: 20_000 });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.split('\n').filter(Boolean).sort();
}

test('completion: bash or zsh is required (usage error), fish is not offered', () => {
  const none = runCli(['completion']);
  assert.equal(none.code, 2);
  assert.match(none.stderr, /^diskblame: completion wants a shell: bash or zsh/);
  assert.equal(none.stderr.trim().split('\n').length, 1);
  const fish = runCli(['completion', 'fish']);
  assert.equal(fish.code, 2);
  assert.match(fish.stderr, /fish/);
});

test('completion --json: every command of --help, each with exactly the options its --help lists', () => {
  const top = cli('--help');
  const listed = [...top.slice(0, top.indexOf('\nOptions:')).matchAll(/^ {2}diskblame ([a-z][\w-]*)/gm)].map((m) => m[1]);
  assert.deepEqual(
    commands.filter((c) => c.name).map((c) => c.name),
    listed,
  );
  assert.ok(listed.includes('completion') && listed.includes('scan'));
  for (const c of commands) {
    const fromTables = new Set(c.options.flatMap((o) => [o.name, ...o.aliases].map((n) => (n.length === 1 ? `-${n}` : `--${n}`))));
    assert.deepEqual([...fromTables].sort(), [...helpOptions(c.name)].sort(), `diskblame ${c.usage}`);
  }
});

test('bash: the script parses, registers _diskblame for diskblame, and bash -n finds nothing', () => {
  assert.equal(spawnSync('bash', ['-n', bashFile]).status, 0);
  const r = spawnSync('bash', ['--norc', '--noprofile', '-c', `source '${bashFile}'; complete -p diskblame`], { encoding: 'utf8' });
  assert.equal(r.stdout.trim(), 'complete -F _diskblame diskblame');
});

test('bash: diskblame sc<TAB> -> scan; diskblame s<TAB> -> the commands in s and the directories in s', () => {
  fs.mkdirSync(path.join(work, 'srv'), { recursive: true });
  fs.writeFileSync(path.join(work, 'stuff.txt'), 'x');
  assert.deepEqual(bashComplete(['diskblame', 'sc']), ['scan']);
  assert.deepEqual(bashComplete(['diskblame', 's']), ['sample', 'scan', 'snapshot', 'snapshots', 'srv']);
  assert.deepEqual(bashComplete(['diskblame', 'comp']), ['completion']);
});

test('bash: diskblame scan --exclude-f<TAB> -> --exclude-from, --ex<TAB> -> the four; every option of every command completes from its first letters', () => {
  assert.deepEqual(bashComplete(['diskblame', 'scan', '--exclude-f']), ['--exclude-from']);
  assert.deepEqual(bashComplete(['diskblame', 'scan', '--ex']), ['--exclude', '--exclude-caches', '--exclude-from', '--extended']);
  assert.ok(bashComplete(['diskblame', 'scan', '--no-']).includes('--no-progress'));
  for (const c of commands) {
    const words = ['diskblame', ...(c.name ? [c.name] : [])];
    const all = bashComplete([...words, '-']);
    for (const o of c.options) {
      const long = `--${o.name}`;
      assert.ok(all.includes(long), `diskblame ${c.usage}: ${long} not offered`);
      assert.ok(bashComplete([...words, long.slice(0, -1)]).includes(long), `diskblame ${c.usage} ${long.slice(0, -1)}<TAB>`);
    }
    // and nothing --help does not list (--no-X aside)
    const help = helpOptions(c.name);
    for (const w of all) assert.ok(help.has(w) || (w.startsWith('--no-') && help.has(`--${w.slice(5)}`)), `diskblame ${c.usage}: ${w} offered`);
  }
});

test('bash: an option with choices completes its choices, a number nothing, a file option the files, a PATH the directories', () => {
  fs.mkdirSync(path.join(work, 'dir1'), { recursive: true });
  fs.writeFileSync(path.join(work, 'file1.json'), '[]');
  for (const c of commands) {
    const words = ['diskblame', ...(c.name ? [c.name] : [])];
    for (const o of c.options) {
      if (!o.choices.length) continue;
      assert.deepEqual(bashComplete([...words, `--${o.name}`, '']), [...o.choices].sort(), `${c.usage} --${o.name}`);
      // --opt=<TAB>: bash splits the word at the =
      assert.deepEqual(bashComplete([...words, `--${o.name}`, '=', '']), [...o.choices].sort(), `${c.usage} --${o.name}=`);
    }
  }
  // values we check ourselves, not yargs' choices: offered all the same (before: file names)
  assert.deepEqual(bashComplete(['diskblame', '--color', '']), ['dark', 'dark-bg', 'off']);
  assert.deepEqual(bashComplete(['diskblame', '--color', 'd']), ['dark', 'dark-bg']);
  assert.deepEqual(bashComplete(['diskblame', 'volumes', '--sort', '']), ['fill', 'mount', 'size', 'used']);
  // the completion command's own positional: bash or zsh
  assert.deepEqual(bashComplete(['diskblame', 'completion', '']), ['bash', 'zsh']);
  assert.deepEqual(bashComplete(['diskblame', 'completion', 'z']), ['zsh']);
  assert.deepEqual(bashComplete(['diskblame', 'scan', '--top', '']), []);
  assert.deepEqual(bashComplete(['diskblame', 'scan', '-f', 'fi']), ['file1.json']);
  assert.deepEqual(bashComplete(['diskblame', 'scan', '--file', '=', 'fi']), ['file1.json']);
  assert.deepEqual(bashComplete(['diskblame', 'scan', 'di']), ['dir1']);
  assert.deepEqual(bashComplete(['diskblame', 'scan', 'fi']), [], 'scan PATH: directories only');
  assert.deepEqual(bashComplete(['diskblame', 'scan', '--store', 'd']), ['dir1']);
});

test('zsh: zsh -f with compinit loads _diskblame from $fpath (autoloaded, #compdef), and the script parses', { skip: !have('zsh') && 'zsh not installed' }, () => {
  const fdir = path.join(work, 'zfunc');
  fs.mkdirSync(fdir, { recursive: true });
  fs.writeFileSync(path.join(fdir, '_diskblame'), cli('completion', 'zsh'));
  assert.equal(spawnSync('zsh', ['-n', path.join(fdir, '_diskblame')]).status, 0);
  const r = spawnSync(
    'zsh',
    ['-fc', `fpath=(${fdir} $fpath); autoload -U compinit; compinit -u -D; print -r -- "comps=$_comps[diskblame]"; autoload +X _diskblame; (( $+functions[_diskblame] )) && print defined; (( $+functions[_diskblame_cmd_scan] )) || print helpers-not-yet`],
    { encoding: 'utf8', env: { ...process.env, HOME: work } },
  );
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^comps=_diskblame$/m);
  assert.match(r.stdout, /^defined$/m);
});

test('zsh in tmux: diskblame sc<TAB> -> scan, scan --exclude-f<TAB> -> --exclude-from=, completion <TAB> -> bash zsh', { skip: (!have('zsh') && 'zsh not installed') || (!haveTmux && 'tmux not installed') }, async () => {
  const fdir = path.join(work, 'zfunc2');
  fs.mkdirSync(fdir, { recursive: true });
  fs.writeFileSync(path.join(fdir, '_diskblame'), cli('completion', 'zsh'));
  // diskblame on the PATH (compinit completes the command word's function for it either way)
  const bin = path.join(work, 'bin');
  fs.mkdirSync(bin, { recursive: true });
  fs.writeFileSync(path.join(bin, 'diskblame'), `#!/bin/sh\nexec ${process.execPath} ${CLI} "$@"\n`, { mode: 0o755 });
  const zdot = path.join(work, 'zdot');
  fs.mkdirSync(zdot, { recursive: true });
  fs.writeFileSync(path.join(zdot, '.zshrc'), `fpath=(${fdir} $fpath)\nautoload -U compinit && compinit -u -D\nPROMPT='%% '\nPATH=${bin}:$PATH\n`);
  const { tmux, waitFor, keys } = tmuxUi(`diskblame-completion-${process.pid}`, 300);
  try {
    tmux('kill-server');
    tmux('new-session', '-d', '-s', 'ui', '-c', work, '-x', '200', '-y', '30', `env ZDOTDIR=${zdot} HOME=${work} zsh -i`);
    await waitFor(/^% ?$/m); // (capture-pane drops the trailing space)
    await keys('-l', 'diskblame sc');
    await keys('Tab');
    await waitFor(/^% diskblame scan ?$/m, 10_000);
    await keys('-l', '--', '--exclude-f');
    await keys('Tab');
    await waitFor(/^% diskblame scan --exclude-from=$/m, 10_000);
    await keys('C-u');
    await keys('-l', 'diskblame completion ');
    await keys('Tab');
    const s = await waitFor(/bash +zsh/, 10_000);
    assert.match(s, /% diskblame completion/);
  } finally {
    tmux('kill-server');
  }
});

test('the scripts for options and commands still to come: --color off|dark completes its values, [paths..] any number of directories, a number nothing', () => {
  // (bashScript and zshScript on tables of the shape describeCommands returns)
  const table: CommandInfo[] = [
    {
      name: '',
      usage: '[paths..]',
      desc: 'scan',
      positionals: [{ name: 'paths', desc: 'directories', optional: true, variadic: true, choices: [] }],
      options: [{ name: 'color', aliases: [], type: 'string', choices: ['off', 'dark'], default: undefined, desc: "colours [on] it's: off or dark" }],
    },
    {
      name: 'tree',
      usage: 'tree [path]',
      desc: 'a tree: sizes',
      positionals: [{ name: 'path', desc: '', optional: true, variadic: false, choices: [] }],
      options: [{ name: 'depth', aliases: ['d'], type: 'number', choices: [], default: 3, desc: 'levels' }],
    },
  ];
  const file = path.join(work, 'future.bash');
  fs.writeFileSync(file, bashScript(table));
  const complete = (words: string[]) => {
    const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
    const r = spawnSync('bash', ['--norc', '--noprofile', '-c', `source ${q(file)}; COMP_WORDS=(${words.map(q).join(' ')}); COMP_CWORD=${words.length - 1}; _diskblame; printf '%s\\n' "\${COMPREPLY[@]}"`], { encoding: 'utf8', cwd: work });
    assert.equal(r.status, 0, r.stderr);
    return r.stdout.split('\n').filter(Boolean).sort();
  };
  for (const d of ['dir1', 'dir2']) fs.mkdirSync(path.join(work, d), { recursive: true });
  assert.deepEqual(complete(['diskblame', '--color', '']), ['dark', 'off']);
  assert.deepEqual(complete(['diskblame', '--color', '=', 'd']), ['dark']);
  assert.deepEqual(complete(['diskblame', 'dir2', 'dir']), ['dir1', 'dir2']);
  assert.deepEqual(complete(['diskblame', 'tree', '-d', '']), []);
  assert.deepEqual(complete(['diskblame', 't']), ['tree']);
  const z = path.join(work, '_future');
  fs.writeFileSync(z, zshScript(table));
  if (have('zsh')) assert.equal(spawnSync('zsh', ['-n', z]).status, 0);
  assert.match(fs.readFileSync(z, 'utf8'), /'--color=\[colours \\\[on\\\] it'\\''s: off or dark\]:string:\(off dark\)'/);
  assert.match(fs.readFileSync(z, 'utf8'), /'\*:paths:_files -\/'/);
});
