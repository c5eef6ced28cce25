#!/usr/bin/env node
// Whether dist/ was built from the sources there now: `npm run build` ends with `build-key.mjs
// write`, which records a hash of what the build reads (src/, scripts/, package.json,
// package-lock.json, tsconfig.json) in dist/.build-key; the `prepare` script runs `build-key.mjs
// check || npm run build`, so that a reinstall of the same checkout (npx runs the package's
// install and prepare scripts again for its own bin) does not rebuild what is there.
// check: exit 0 (and one line) when the key matches and the bin's files are there, else exit 1.
// An optional second argument names the package root (default: this script's).
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const [what, rootArg] = process.argv.slice(2);
const root = rootArg ? path.resolve(rootArg) : path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const KEY = path.join(root, 'dist', '.build-key');
/** the files the bin runs (scripts/bundle.mjs, tsc): all there, or the build is redone */
const OUTPUTS = ['dist/diskblame.mjs', 'dist/diskblame-core.mjs', 'dist/lib/program.cjs', 'dist/lib/start.mjs', 'dist/lib/main.mjs', 'dist/cli/main.js'];

/** every regular file below `dir` (relative to root), sorted; symbolic links are not followed */
function files(dir) {
  const out = [];
  const walk = (rel) => {
    for (const e of fs.readdirSync(path.join(root, rel), { withFileTypes: true })) {
      const r = path.join(rel, e.name);
      if (e.isDirectory()) walk(r);
      else if (e.isFile()) out.push(r);
    }
  };
  walk(dir);
  return out.sort();
}

function key() {
  const h = createHash('sha256');
  const list = [...files('src'), ...files('scripts'), 'package.json', 'package-lock.json', 'tsconfig.json'];
  for (const f of list) {
    h.update(`${f}\0`);
    try {
      h.update(fs.readFileSync(path.join(root, f)));
    } catch {
      h.update('(missing)');
    }
    h.update('\0');
  }
  return h.digest('hex');
}

if (what === 'write') {
  const tmp = `${KEY}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${key()}\n`);
  fs.renameSync(tmp, KEY);
} else if (what === 'check') {
  let ok = false;
  try {
    ok = OUTPUTS.every((f) => fs.existsSync(path.join(root, f))) && fs.readFileSync(KEY, 'utf8').trim() === key();
  } catch {
    ok = false;
  }
  if (ok) process.stdout.write('diskblame: dist/ is up to date with the sources (npm run build rebuilds it)\n');
  process.exitCode = ok ? 0 : 1;
} else {
  process.stderr.write('usage: build-key.mjs write|check [ROOT]\n');
  process.exitCode = 2;
}
