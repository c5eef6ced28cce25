/**
 * A plain `scan` command line is read without yargs (options.ts plainScanArgs): it must give the
 * handler what yargs gives it, and every other command line must go through yargs.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import yargs from 'yargs';
import { plainScanArgs, valuesRequired } from '../src/cli/options.js';
import { scanOptions } from '../src/cli/commands/scan.js';
import { saveOptions } from '../src/cli/commands/store-options.js';
import { runCli } from './helpers/run.js';
import { makeTmp, rmrf } from './helpers/fs.js';

/** what yargs hands `scan`'s handler for `args` (the command set up as cli.ts does) */
async function viaYargs(args: string[]): Promise<Record<string, unknown>> {
  let got: Record<string, unknown> | undefined;
  await yargs(args)
    .command(
      'scan [path]',
      '',
      (b) => valuesRequired(saveOptions(scanOptions(b)), ['path'], args),
      (a) => {
        got = a as Record<string, unknown>;
      },
    )
    .strict()
    .fail((msg, err) => {
      throw err ?? new Error(msg);
    })
    .parseAsync();
  return got!;
}

/** the keys scan's handler reads (cli/commands/scan.ts, app/scan.ts, app/places.ts) */
const READ = ['path', 'file', 'output', 'json', 'top', 'bytes', 'apparent', 'exclude', 'cross-mounts', 'threads', 'progress', 'sample', 'save', 'store', 'remote', 'ssh-option'];

const PLAIN = [
  ['scan'],
  ['scan', '/usr'],
  ['scan', '/usr', '--json', '--top', '10', '--no-progress', '--no-sample'],
  ['scan', '--json', '/usr', '--top=0'],
  ['scan', 'some dir', '-a', '-b', '--threads', '1', '--cross-mounts'],
  ['scan', '--apparent', '--bytes', '--progress', '--sample', '123'],
  ['scan', '--top', '999999999', '.'],
];
const NOT_PLAIN = [
  ['scan', '/usr', '--top', '10', '--top', '5'],
  ['scan', '/a', '/b'],
  ['scan', ''],
  ['scan', '-'],
  ['scan', '--top'],
  ['scan', '--top', '-1'],
  ['scan', '--top', '1e3'],
  ['scan', '--top', '010'],
  ['scan', '--top', ''],
  ['scan', '--json=true'],
  ['scan', '--no-json'],
  ['scan', '-ab'],
  ['scan', '--help'],
  ['scan', '--', '-x'],
  ['scan', '-o', 'x.json'],
  ['scan', '--exclude', '*.log'],
  ['scan', '--remote', 'host'],
  ['scan', '--save'],
  ['scan', '-f', 'x.json'],
  ['snapshot', '/usr'],
  ['/usr', '--json'],
];

describe('plain scan command lines', () => {
  it('give the handler what yargs gives it', async () => {
    for (const args of PLAIN) {
      const plain = plainScanArgs(args);
      assert.ok(plain, `plain: ${args.join(' ')}`);
      const y = await viaYargs(args);
      for (const k of READ) assert.deepEqual(plain[k] ?? undefined, y[k] ?? undefined, `${args.join(' ')}: ${k}`);
    }
  });

  it('anything else goes through yargs', () => {
    for (const args of NOT_PLAIN) assert.equal(plainScanArgs(args), null, args.join(' '));
  });

  describe('end to end', () => {
    let dir: string;
    before(() => {
      dir = makeTmp('plain');
      fs.mkdirSync(path.join(dir, 'a/b'), { recursive: true });
      fs.writeFileSync(path.join(dir, 'a/b/f'), 'x'.repeat(10000));
      fs.writeFileSync(path.join(dir, 'g'), 'y'.repeat(100));
    });
    after(() => rmrf(dir));

    it('prints what the same scan through yargs prints', () => {
      // (--exclude of nothing: the same scan, read by yargs)
      const fast = runCli(['scan', dir, '--json', '--top', '3', '--no-progress', '--no-sample']);
      const slow = runCli(['scan', dir, '--json', '--top', '3', '--no-progress', '--no-sample', '--exclude', 'no-such-name']);
      assert.equal(fast.code, 0, fast.stderr);
      assert.equal(slow.code, 0, slow.stderr);
      const strip = (s: string) => s.replace(/"elapsedMs": \d+/, '');
      assert.equal(strip(fast.stdout), strip(slow.stdout));
      const bad = runCli(['scan', dir, '--threads', '0', '--no-sample']);
      assert.equal(bad.code, 2);
      assert.match(bad.stderr, /threads/);
    });
  });
});
