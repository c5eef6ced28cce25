#!/usr/bin/env node
// Whether dist/ is what a build of the sources there now made: `npm run build` starts with
// `build-key.mjs begin` (a hash of what the build reads: src/, scripts/, package.json,
// package-lock.json, tsconfig.json, taken before it reads them, so an edit during the build is not
// counted as built) and ends with `build-key.mjs write`, which records that hash and one of every
// file the build left in dist/ (dist/.build-key). The `prepare` script runs `build-key.mjs check ||
// npm run build`, so that a reinstall of the same checkout (npx runs the package's install and
// prepare scripts again for its own bin) does not rebuild what is there; a source changed, a file
// of dist/ changed, added or missing (a failed build's leftovers) makes the build run.
// check: exit 0 (and one line) when both hashes match, else exit 1.
// An optional second argument names the package root (default: this script's).
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const [what, rootArg] = process.argv.slice(2);
const root = rootArg ? path.resolve(rootArg) : path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const KEY = path.join(root, 'dist', '.build-key');
const PENDING = path.join(root, 'dist', '.build-key.pending');
/** the files the bin runs (scripts/bundle.mjs, tsc): all there, or the build is redone */
const OUTPUTS = ['dist/diskblame.cjs', 'dist/diskblame-core.mjs', 'dist/lib/main.cjs', 'dist/lib/main.mjs', 'dist/cli/main.js'];
/** in dist/ but not made by `npm run build`: the key's own files, the standalone binary (npm run binary), the Debian package (npm run deb) */
const NOT_BUILT = /^(\.build-key(\.pending)?|diskblame-linux-[^/]*|diskblame_[^/]*\.deb)$/;

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

/** a hash of the files' paths and bytes (a missing one hashed as missing) */
function hashOf(list) {
  const h = createHash('sha256');
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

const sourcesKey = () => hashOf([...files('src'), ...files('scripts'), 'package.json', 'package-lock.json', 'tsconfig.json']);
const outputsKey = () => hashOf(fs.existsSync(path.join(root, 'dist')) ? files('dist').filter((f) => !NOT_BUILT.test(path.relative('dist', f))) : []);

function writeAtomic(file, text) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
}

if (what === 'begin') {
  fs.rmSync(KEY, { force: true });
  writeAtomic(PENDING, `${sourcesKey()}\n`);
} else if (what === 'write') {
  // the sources as they were when the build began (without begin: as they are now)
  let sources;
  try {
    sources = fs.readFileSync(PENDING, 'utf8').trim();
  } catch {
    sources = sourcesKey();
  }
  writeAtomic(KEY, `${sources} ${outputsKey()}\n`);
  fs.rmSync(PENDING, { force: true });
} else if (what === 'check') {
  let ok = false;
  try {
    ok = OUTPUTS.every((f) => fs.existsSync(path.join(root, f))) && fs.readFileSync(KEY, 'utf8').trim() === `${sourcesKey()} ${outputsKey()}`;
  } catch {
    ok = false;
  }
  if (ok) process.stdout.write('diskblame: dist/ is up to date with the sources (npm run build rebuilds it)\n');
  process.exitCode = ok ? 0 : 1;
} else {
  process.stderr.write('usage: build-key.mjs begin|write|check [ROOT]\n');
  process.exitCode = 2;
}
