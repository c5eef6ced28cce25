/**
 * Reports larger than V8 can hold as one string (2^29 - 24 characters): `scan --top N` (JSON and
 * text) of an export whose 250,000 files have paths of ~2,210 bytes (8 levels of 250-byte names below the root,
 * as a real tree within PATH_MAX can have) is ~560 MB, written to stdout in pieces as it is made
 * (cli/output.ts outJson, outLines) where it was built whole ("Invalid string length", or "Invalid
 * array length" when escaping it). `tree` of an export of 200,000 short names in one directory draws 200,000 rows (its width was
 * Math.max(...rows): "Maximum call stack size exceeded" past ~120,000). The output is read as it
 * comes (a string of it could not be made here either) and checked row by row: every path, in
 * order, whole, and a name holding U+202E (a bidi override) escaped as the terminal needs it.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { CLI } from './helpers/run.js';
import { makeTmp, rmrf } from './helpers/fs.js';

const FILES = 250_000;
/** the export's root and its 8 directories below it, each name 250 bytes */
const ROOT = '/big';
const DIRS = Array.from({ length: 8 }, (_, k) => `d${k}`.padEnd(250, 'x'));
const DEEP = ROOT + '/' + DIRS.join('/');
/** file i's name (200 bytes; file 77 holds U+202E); file i has (FILES - i) * 512 bytes: the first is the largest */
const nameOf = (i: number) => `f${String(i).padStart(7, '0')}${i === 77 ? '\u202e' : ''}`.padEnd(200, 'y');
const BIDI = 77;

/** the tree test's export: 200,000 files in /wide, file i named w<i> with (WIDE - i) * 512 bytes */
const WIDE = 200_000;
const wideName = (i: number) => `w${String(i).padStart(7, '0')}`;

let dir = '';
let file = '';
let wide = '';

before(() => {
  dir = makeTmp('big-output');
  file = path.join(dir, 'big.json');
  const fd = fs.openSync(file, 'w');
  let s = `[1,2,{"progname":"test","progver":"1","timestamp":1700000000},\n[{"name":${JSON.stringify(ROOT)}}`;
  for (const d of DIRS) s += `,\n[{"name":"${d}"}`;
  for (let i = 0; i < FILES; i++) {
    s += `,\n{"name":${JSON.stringify(nameOf(i))},"asize":${(FILES - i) * 512},"dsize":${(FILES - i) * 512}}`;
    if (s.length > 1 << 20) {
      fs.writeSync(fd, s);
      s = '';
    }
  }
  fs.writeSync(fd, s + ']'.repeat(DIRS.length) + ']]\n');
  fs.closeSync(fd);
  wide = path.join(dir, 'wide.json');
  const rows = Array.from({ length: WIDE }, (_, i) => `{"name":"${wideName(i)}","asize":${(WIDE - i) * 512},"dsize":${(WIDE - i) * 512}}`);
  fs.writeFileSync(wide, `[1,2,{"progname":"test","progver":"1","timestamp":1700000000},\n[{"name":"/wide"},\n${rows.join(',\n')}]]\n`);
});

after(() => rmrf(dir));

interface Streamed {
  code: number | null;
  stderr: string;
  bytes: number;
  lines: number;
}

/**
 * Run the CLI with `args`, handing each line of its stdout (without '\n', as a Buffer) to `onLine`
 * as it comes; nothing of it is kept.
 */
function streamCli(args: string[], onLine: (line: Buffer) => void, env: NodeJS.ProcessEnv = {}): Promise<Streamed> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, DISKBLAME_DEBUG: '', ...env } });
    let carry: Buffer = Buffer.alloc(0);
    let bytes = 0;
    let lines = 0;
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => {
      bytes += b.length;
      let buf = carry.length ? Buffer.concat([carry, b]) : b;
      let at = 0;
      for (let nl = buf.indexOf(10, at); nl >= 0; nl = buf.indexOf(10, at)) {
        onLine(buf.subarray(at, nl));
        lines++;
        at = nl + 1;
      }
      carry = Buffer.from(buf.subarray(at));
      buf = carry;
    });
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (carry.length) {
        onLine(carry);
        lines++;
      }
      resolve({ code, stderr, bytes, lines });
    });
  });
}

/** file i's path as the output writes it: in JSON (U+202E as \u202e), or as text (\u{202e}) */
function shownPath(i: number, json: boolean): string {
  const p = `${DEEP}/${nameOf(i)}`;
  return i === BIDI ? p.replace('\u202e', json ? '\\u202e' : '\\u{202e}') : p;
}

test('scan --json --top of 250,000 paths of ~2.2 KB: ~570 MB of JSON, every row in order', { timeout: 120_000 }, async () => {
  const paths: string[] = [];
  let inFiles = false;
  let last = '';
  const r = await streamCli(['scan', '-f', file, '--json', '--top', String(FILES + 100), '--no-progress'], (line) => {
    if (line.length < 64) {
      const s = line.toString();
      if (s === '  "topFiles": [') inFiles = true;
      else if (s === '  ],') inFiles = false;
      last = s;
    } else if (inFiles) {
      const s = line.toString();
      const m = /^ {6}"path": "(.*)",$/.exec(s);
      if (m) paths.push(m[1]);
    }
  });
  assert.equal(r.stderr, '');
  assert.equal(r.code, 0);
  assert.ok(r.bytes > 2 ** 29, `${r.bytes} bytes: more than one string can hold`);
  assert.equal(last, '}');
  assert.equal(paths.length, FILES);
  // the largest first: file 0 to the last
  for (let k = 0; k < FILES; k++) if (paths[k] !== shownPath(k, true)) assert.fail(`row ${k}: ${paths[k].slice(-40)}, not ${shownPath(k, true).slice(-40)}`);
});

test('scan --top of the same as text: ~560 MB of lines, every row in order', { timeout: 120_000 }, async () => {
  const paths: string[] = [];
  let inFiles = false;
  const r = await streamCli(['scan', '-f', file, '--top', String(FILES + 100), '--no-progress'], (line) => {
    if (line.length < 64) {
      const s = line.toString();
      if (s.startsWith('Largest files')) inFiles = true;
    } else if (inFiles) {
      const s = line.toString();
      paths.push(s.slice(s.indexOf(ROOT + '/')));
    }
  });
  assert.equal(r.stderr, '');
  assert.equal(r.code, 0);
  assert.ok(r.bytes > 2 ** 29, `${r.bytes} bytes: more than one string can hold`);
  assert.equal(paths.length, FILES);
  for (let k = 0; k < FILES; k++) if (paths[k] !== shownPath(k, false)) assert.fail(`row ${k}: ${paths[k].slice(-40)}, not ${shownPath(k, false).slice(-40)}`);
});

test('tree of 200,000 rows, text and JSON: every file drawn, in order', { timeout: 120_000 }, async () => {
  for (const json of [false, true]) {
    const names: string[] = [];
    const r = await streamCli(['tree', '-f', wide, '-d', '1', '-n', String(WIDE), '--no-progress', ...(json ? ['--json'] : [])], (line) => {
      const m = (json ? /^ +"name": "(w\d+)",$/ : /── (w\d+)$/).exec(line.toString());
      if (m) names.push(m[1]);
    });
    assert.equal(r.stderr, '');
    assert.equal(r.code, 0);
    assert.equal(names.length, WIDE);
    for (let k = 0; k < WIDE; k++) if (names[k] !== wideName(k)) assert.fail(`${json ? 'JSON' : 'text'} row ${k}: ${names[k]}, not ${wideName(k)}`);
  }
});
