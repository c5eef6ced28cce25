/**
 * Small habits of issue 15 found by trying it as a new user: the confirmations of d, D and E say
 * what they act on in plain words (a file has nothing "below" it; emptying a hard-linked file
 * empties every name of it), byte counts are singular for 1, and `-f -` with standard input a
 * terminal says what it wants instead of waiting for text typed in.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import React from 'react';
import { render } from 'ink-testing-library';
import { ConfirmMany } from '../src/ui/overlays.js';
import { scanTree } from './helpers/tree.js';
import { makeTmp, rmrf } from './helpers/fs.js';
import { runCliOk } from './helpers/run.js';

const BIN = path.resolve(import.meta.dirname, '..', 'dist', 'diskblame.cjs');

test('confirmations: one file has nothing below it; E on a hard-linked file says every name is emptied', async () => {
  const d = makeTmp('habits');
  try {
    fs.writeFileSync(path.join(d, 'log'), Buffer.alloc(10_000, 1));
    fs.linkSync(path.join(d, 'log'), path.join(d, 'log.link'));
    fs.writeFileSync(path.join(d, 'single'), Buffer.alloc(5_000, 1));
    fs.mkdirSync(path.join(d, 'dir'));
    fs.writeFileSync(path.join(d, 'dir', 'inner'), 'x');
    const tree = await scanTree(d);
    const child = (name: string) => {
      for (const c of tree.children(0)) if (Buffer.from(tree.nameOf(c)).toString() === name) return c;
      throw new Error(name);
    };
    const frame = (op: 'delete' | 'trash' | 'empty', names: string[]) =>
      render(<ConfirmMany tree={tree} op={op} targets={names.map(child)} apparent={false} width={80} height={24} />).lastFrame()!;
    const one = frame('delete', ['single']);
    assert.match(one, /1 entry, /);
    assert.doesNotMatch(one, /with everything below/);
    assert.match(frame('trash', ['dir']), /1 entry \(2 with everything below\)/);
    assert.match(frame('empty', ['log']), /It has other hard links: the file is emptied under every name/);
    assert.match(frame('empty', ['log', 'single']), /1 of them have other hard links/);
    assert.doesNotMatch(frame('empty', ['single']), /hard link/);
  } finally {
    rmrf(d);
  }
});

test('byte counts: "(1 byte)", "(2 bytes)"', () => {
  const d = makeTmp('habits-bytes');
  try {
    // an export whose whole tree is one byte apparent, two on disk
    const e = path.join(d, 'e.json');
    fs.writeFileSync(e, '[1,0,{"progname":"x","progver":"1"},[{"name":"/r","asize":0,"dsize":0},{"name":"f","asize":1,"dsize":2}]]');
    const text = runCliOk(['scan', '-f', e]).stdout;
    assert.match(text, /Apparent size {2}1 B {2}\(1 byte\)/, text);
    assert.match(text, /Disk usage {5}2 B {2}\(2 bytes\)/, text);
  } finally {
    rmrf(d);
  }
});

test('-f - with standard input a terminal: one line, exit 2 (not a wait for typed text)', (t) => {
  if (spawnSync('script', ['--version']).status !== 0) return t.skip('needs script (util-linux)');
  // script gives the command a terminal for stdin and stdout
  const r = spawnSync('script', ['-qec', `${process.execPath} ${BIN} scan -f -`, '/dev/null'], { encoding: 'utf8', timeout: 30_000, input: '' });
  assert.equal(r.signal, null, 'it waited');
  assert.equal(r.status, 2, r.stdout);
  assert.match(r.stdout, /diskblame: - reads standard input, which is this terminal: pipe the file in/);
});
