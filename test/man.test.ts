/**
 * The man page dist/diskblame.1, written by every `npm run build` (scripts/man.mjs) from the
 * tables `--help` is rendered from: real groff and man render it without a warning, and for every
 * command `diskblame --help` lists, the options of its subsection are exactly the options its
 * `diskblame CMD --help` shows (both ways): an option added to a builder shows up on the page at
 * the next build, or this fails naming it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO, runCli } from './helpers/run.js';
import { manPage } from '../src/cli/man.js';

const PAGE = path.join(REPO, 'dist', 'diskblame.1');
const have = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;

function help(...args: string[]): string {
  const r = runCli([...args, '--help']);
  assert.equal(r.code, 0, r.stderr);
  return r.stdout;
}

/** the option names a --help text lists in its Options: section: --exclude, -o */
function helpOptions(text: string): string[] {
  const opts = text.slice(text.indexOf('\nOptions:'));
  const end = opts.search(/\n\n/);
  return [...(end > 0 ? opts.slice(0, end) : opts).matchAll(/^ {2}(?:(-\w), | {4})(--[\w-]+)/gm)].flatMap((m) => (m[1] ? [m[1], m[2]] : [m[2]])).sort();
}

/** the page's subsections: usage after `diskblame` -> the option names of its tagged paragraphs */
function pageOptions(roff: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const sections = roff.split(/^\.S[SH] /m).slice(1);
  for (const s of sections) {
    const m = /^"diskblame ([^"]*)"/.exec(s);
    if (!m) continue;
    const usage = m[1].replace(/\\-/g, '-');
    const names: string[] = [];
    for (const tp of s.split(/^\.TP\n/m).slice(1)) {
      const tag = tp.split('\n')[0];
      for (const n of tag.matchAll(/\\fB((?:\\-){1,2}[\w\\-]+)\\fR/g)) names.push(n[1].replace(/\\-/g, '-'));
    }
    out.set(usage, names.sort());
  }
  return out;
}

/** the commands `diskblame --help` lists: their usage after `diskblame` ('[path]', 'scan [path]') */
function listedCommands(): string[] {
  const top = help();
  const block = top.slice(top.indexOf('\nCommands:'), top.indexOf('\nOptions:'));
  return [...block.matchAll(/^ {2}diskblame (\S.*?)(?: {2,}|$)/gm)].map((m) => m[1].trim());
}

test('man: the build wrote dist/diskblame.1, and groff -man -ww finds nothing to warn about', () => {
  assert.ok(fs.existsSync(PAGE), 'npm run build writes dist/diskblame.1');
  const r = spawnSync('groff', ['-man', '-ww', '-Tutf8', PAGE], { encoding: 'utf8' });
  assert.equal(r.status, 0);
  assert.equal(r.stderr, '', 'groff warnings');
  if (have('mandoc')) {
    const lint = spawnSync('mandoc', ['-T', 'lint', PAGE], { encoding: 'utf8' }); // (style notes included)
    assert.equal(lint.stdout + lint.stderr, '', 'mandoc -T lint');
  }
});

test('man -l renders the page: every section, every command, the version', { skip: !have('man') && 'man not installed' }, () => {
  const r = spawnSync('man', ['-l', PAGE], { encoding: 'utf8', env: { ...process.env, MANWIDTH: '200', MANPAGER: 'cat', PAGER: 'cat', MAN_KEEP_FORMATTING: '' } });
  assert.equal(r.status, 0, r.stderr);
  const text = r.stdout.replace(/.\x08/g, '');
  for (const s of ['NAME', 'SYNOPSIS', 'DESCRIPTION', 'COMMANDS', 'FILES', 'ENVIRONMENT', 'EXIT STATUS', 'EXAMPLES', 'SEE ALSO']) assert.match(text, new RegExp(`^${s}$`, 'm'), s);
  for (const usage of listedCommands()) assert.ok(text.includes(`diskblame ${usage}`), `diskblame ${usage}`);
  const version = runCli(['--version']).stdout.split('\n')[0].trim();
  assert.ok(text.includes(version.split(' ').pop()!), `version ${version}`);
  for (const v of ['DISKBLAME_STORE', 'XDG_STATE_HOME', 'XDG_CACHE_HOME', 'XDG_CONFIG_HOME', 'NO_COLOR', 'DISKBLAME_DEBUG']) assert.ok(text.includes(v), v);
  for (const s of ['du(1)', 'ncdu(1)', 'gdu(1)', 'df(1)', 'lsof(8)']) assert.ok(text.includes(s), s);
});

test('man: every command of --help has its subsection, whose options are exactly those its --help shows (both ways)', () => {
  const page = pageOptions(fs.readFileSync(PAGE, 'utf8'));
  const listed = listedCommands();
  assert.ok(listed.length >= 12, listed.join(', '));
  assert.deepEqual([...page.keys()].sort(), [...listed].sort(), 'the subsections are the commands');
  for (const usage of listed) {
    const name = usage.startsWith('[') ? [] : [usage.split(' ')[0]];
    assert.deepEqual(page.get(usage), helpOptions(help(...name)), `diskblame ${usage}`);
  }
});

test('man: the examples are those of diskblame --help, in order', () => {
  const top = help();
  const examples = [...top.slice(top.indexOf('\nExamples:')).matchAll(/^ {2}(diskblame\S*(?: \S+)*)/gm)].map((m) => m[1]);
  const roff = fs.readFileSync(PAGE, 'utf8');
  const section = roff.slice(roff.indexOf('.SH EXAMPLES'), roff.indexOf('.SH SEE ALSO'));
  const onPage = [...section.matchAll(/^\\fB(.*)\\fR$/gm)].map((m) => m[1].replace(/\\-/g, '-'));
  assert.ok(examples.length >= 5);
  assert.deepEqual(onPage, examples);
});

test('man: a description that looks like roff (a request, an escape) is printed as text by groff', () => {
  const page = manPage({
    version: '1.0',
    date: '2026-12-01',
    examples: [['diskblame .x', "'quoted"]],
    commands: [
      {
        name: 'evil',
        usage: 'evil [path]',
        desc: '.so /etc/passwd',
        positionals: [{ name: 'path', desc: "'\\fBbold", optional: true, variadic: false, choices: [] }],
        options: [{ name: 'x', aliases: [], type: 'string', choices: [], default: '.x', desc: '.TH OOPS \\n(.t' }],
      },
    ],
  });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'diskblame-man-'));
  try {
    fs.writeFileSync(path.join(dir, 'evil.1'), page);
    const r = spawnSync('groff', ['-man', '-ww', '-Tutf8', path.join(dir, 'evil.1')], { encoding: 'utf8' });
    assert.equal(r.stderr, '');
    const text = r.stdout.replace(/.\x08/g, '');
    for (const s of ['.so /etc/passwd', "'\\fBbold", '.TH OOPS \\n(.t', '(default: ".x")', 'diskblame .x', "'quoted"]) assert.ok(text.includes(s), `${s} in\n${text}`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('man: BROWSER KEYS has the help overlay\'s lines as they are (the same source: ui/help-lines.ts), within 80 columns', { skip: !have('man') && 'man not installed' }, async () => {
  const { HELP_LINES } = await import('../src/ui/help-lines.js');
  const r = spawnSync('man', ['-l', PAGE], { encoding: 'utf8', env: { ...process.env, MANWIDTH: '80', MANPAGER: 'cat', PAGER: 'cat', MAN_KEEP_FORMATTING: '' } });
  assert.equal(r.status, 0, r.stderr);
  const text = r.stdout.replace(/.\x08/g, '');
  const start = text.indexOf('\nBROWSER KEYS\n');
  assert.ok(start > 0, 'a BROWSER KEYS section');
  const section = text.slice(start, text.indexOf('\nFILES\n', start)).split('\n');
  // every line of the help, in order, columns kept (as `man` on an 80-column terminal shows it)
  let at = 0;
  for (const l of HELP_LINES.filter((x) => x.trim())) {
    const k = section.indexOf(l, at);
    assert.ok(k >= at, `the help line ${JSON.stringify(l)} is on the page, in order`);
    at = k + 1;
  }
  for (const l of section) assert.ok(l.length <= 80, l);
  assert.ok(HELP_LINES.some((l) => /^ {3}D {2}move it to the trash/.test(l)) && HELP_LINES.some((l) => /^ {3}b {2}a shell/.test(l)));
});
