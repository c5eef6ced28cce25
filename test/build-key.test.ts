/**
 * scripts/build-key.mjs: `prepare` skips the build when dist/ was built from the sources there now
 * (npx reinstalls the package it runs and reruns its scripts: the README's first `npx diskblame`
 * took 20-40 s rebuilding). On a copy of the sources: the key written by the build matches them;
 * a changed byte in src/, a new file, a changed, stray or missing file in dist/ (a failed build's
 * leftovers) or an edit made while the build ran makes `check` fail (the build runs).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { REPO, run } from './helpers/run.js';
import { makeTmp, rmrf } from './helpers/fs.js';

const SCRIPT = path.join(REPO, 'scripts', 'build-key.mjs');
const OUTPUTS = ['dist/diskblame.cjs', 'dist/diskblame-core.mjs', 'dist/lib/main.cjs', 'dist/lib/main.mjs', 'dist/cli/main.js'];

test('build-key: check passes on the sources dist/ was built from, fails on any change or a missing output', () => {
  // npm test builds first: the repository's own dist/ is up to date
  const own = run(process.execPath, [SCRIPT, 'check']);
  assert.equal(own.code, 0, own.stdout + own.stderr);
  assert.match(own.stdout, /^diskblame: dist\/ is up to date/);
  const root = makeTmp('build-key');
  try {
    for (const f of ['src', 'scripts', 'package.json', 'package-lock.json', 'tsconfig.json']) fs.cpSync(path.join(REPO, f), path.join(root, f), { recursive: true });
    for (const f of OUTPUTS) {
      fs.mkdirSync(path.dirname(path.join(root, f)), { recursive: true });
      fs.writeFileSync(path.join(root, f), '');
    }
    const check = () => run(process.execPath, [SCRIPT, 'check', root]).code;
    assert.equal(check(), 1, 'no key yet');
    assert.equal(run(process.execPath, [SCRIPT, 'write', root]).code, 0);
    assert.equal(check(), 0);
    const sourcesKey = (r: string) => fs.readFileSync(path.join(r, 'dist', '.build-key'), 'utf8').split(' ')[0];
    assert.equal(sourcesKey(root), sourcesKey(REPO), 'the same sources, the same key');
    const v = path.join(root, 'src', 'version.ts');
    const text = fs.readFileSync(v);
    fs.writeFileSync(v, Buffer.concat([text, Buffer.from(' ')]));
    assert.equal(check(), 1, 'a changed source');
    fs.writeFileSync(v, text);
    assert.equal(check(), 0);
    fs.writeFileSync(path.join(root, 'src', 'new.ts'), '');
    assert.equal(check(), 1, 'a new source');
    fs.rmSync(path.join(root, 'src', 'new.ts'));
    // what a failed build left (tsc writes before it fails), a stray or a missing file in dist/
    fs.writeFileSync(path.join(root, 'dist', 'cli', 'main.js'), 'changed');
    assert.equal(check(), 1, 'a changed output');
    fs.writeFileSync(path.join(root, 'dist', 'cli', 'main.js'), '');
    assert.equal(check(), 0);
    fs.writeFileSync(path.join(root, 'dist', 'app.js'), '');
    assert.equal(check(), 1, 'a file no build made');
    fs.rmSync(path.join(root, 'dist', 'app.js'));
    fs.writeFileSync(path.join(root, 'dist', 'diskblame-linux-x64'), 'a standalone binary: not the build\'s');
    assert.equal(check(), 0);
    fs.rmSync(path.join(root, 'dist', 'lib', 'main.cjs'));
    assert.equal(check(), 1, 'a missing output');
    // an edit while the build runs: the key is of the sources as the build began
    assert.equal(run(process.execPath, [SCRIPT, 'begin', root]).code, 0);
    fs.writeFileSync(v, Buffer.concat([text, Buffer.from('// edited during the build')]));
    fs.writeFileSync(path.join(root, 'dist', 'lib', 'main.cjs'), '');
    assert.equal(run(process.execPath, [SCRIPT, 'write', root]).code, 0);
    assert.equal(check(), 1, 'the edit made during the build is not built');
    fs.writeFileSync(v, text);
    assert.equal(check(), 0);
  } finally {
    rmrf(root);
  }
});
