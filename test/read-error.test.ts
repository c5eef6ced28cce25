/**
 * Why a file could not be read: one wording (util/read-error.ts readErrorText) for every command
 * that reads a file it is named. The reasons come from real reads of real files in a temp dir (a
 * missing one, a directory, a path through a file, a symlink loop, one over the cap, one this user
 * cannot read), then from the commands themselves: the same missing or unreadable file is said the
 * same way by --exclude-from, --rules, -f, --history, the fleet's secret and CA files and the config.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readErrorText } from '../src/util/read-error.js';
import { readFileCapped } from '../src/util/read.js';
import { assertOneLineError, isRoot, runCli, type RunOptions } from './helpers/run.js';

/** what reading `file` (at most `max` bytes) threw */
function thrown(file: string, max = 1 << 20): unknown {
  try {
    readFileCapped(file, max);
  } catch (e) {
    return e;
  }
  assert.fail(`${file} was read`);
}

let d: string;
before(() => {
  d = fs.mkdtempSync(path.join(os.tmpdir(), 'diskblame-read-error-'));
  fs.writeFileSync(path.join(d, 'plain'), 'x\n');
  fs.writeFileSync(path.join(d, 'big'), Buffer.alloc(4097, 0x0a));
  fs.symlinkSync('loop', path.join(d, 'loop'));
  fs.writeFileSync(path.join(d, 'secret'), 'token\n', { mode: 0o600 });
  fs.chmodSync(d, 0o755);
});
after(() => fs.rmSync(d, { recursive: true, force: true }));

describe('readErrorText', () => {
  it('says why, in the words du, ls and cat use, from real failed reads', () => {
    assert.equal(readErrorText(thrown(path.join(d, 'none'))), 'no such file or directory');
    assert.equal(readErrorText(thrown(d)), 'is a directory');
    assert.equal(readErrorText(thrown(path.join(d, 'plain', 'x'))), 'not a directory');
    assert.equal(readErrorText(thrown(path.join(d, 'loop'))), 'too many levels of symbolic links');
    assert.equal(readErrorText(thrown(path.join(d, 'big'), 4096)), 'larger than 4096 bytes');
  });

  it('an errno code it has no words for is the code; an error without one, its message', () => {
    assert.equal(readErrorText(Object.assign(new Error('EMFILE: too many open files, open x'), { code: 'EMFILE' })), 'EMFILE');
    assert.equal(readErrorText(new Error('the stream broke')), 'the stream broke');
    assert.equal(readErrorText('odd'), 'odd');
    assert.equal(readErrorText(null), 'null');
  });
});

describe('every command that reads a named file says the same reason', () => {
  /** each command, reading FILE: the line it must print (its own frame around the reason) */
  const commands = (file: string): [string[], NodeJS.ProcessEnv, (why: string) => RegExp][] => {
    const f = file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    return [
      [['scan', d, '-X', file], {}, (why) => new RegExp(`--exclude-from ${f}: ${why}$`)],
      [['owners', d, '--rules', file], {}, (why) => new RegExp(`rules file ${f}: cannot read it \\(${why}\\)$`)],
      [['-f', file, '--no-ui'], {}, (why) => new RegExp(`cannot open ${f}: ${why}$`)],
      [['forecast', '--history', file], {}, (why) => new RegExp(`cannot read ${f}: ${why}$`)],
      // (the secret is read before any request: nothing listens on port 9)
      [['fleet', '--prometheus', 'http://127.0.0.1:9', '--bearer-token-file', file], {}, (why) => new RegExp(`--bearer-token-file ${f}: ${why}$`)],
      [['fleet', '--prometheus', 'http://127.0.0.1:9', '--basic-auth-user', 'u', '--basic-auth-password-file', file], {}, (why) => new RegExp(`--basic-auth-password-file ${f}: ${why}$`)],
      [['fleet', '--prometheus', 'https://127.0.0.1:9', '--ca-file', file], {}, (why) => new RegExp(`--ca-file ${f}: ${why}$`)],
      [['scan', d], { DISKBLAME_CONFIG: file }, (why) => new RegExp(`config file ${f}: ${why} \\(named by DISKBLAME_CONFIG\\)$`)],
    ];
  };

  const check = (file: string, why: string, opts: RunOptions = {}) => {
    for (const [args, env, line] of commands(file)) {
      const r = runCli(args, { ...opts, env: { ...process.env, DISKBLAME_DEBUG: '', ...env } });
      assert.notEqual(r.code, 0, r.cmd);
      assert.match(assertOneLineError(r, r.code!), line(why), r.cmd);
    }
  };

  it('a missing file: "no such file or directory"', () => {
    check(path.join(d, 'none'), 'no such file or directory');
  });

  it('a file this user cannot read: "permission denied"', { skip: !isRoot() && 'needs root to run as nobody' }, () => {
    check(path.join(d, 'secret'), 'permission denied', { asNobody: true });
  });
});
