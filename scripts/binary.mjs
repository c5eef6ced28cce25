#!/usr/bin/env node
// npm run binary: the standalone executable dist/diskblame-linux-ARCH (ARCH from process.arch: x64,
// arm64), one file that runs on a Linux server with no Node installed, and dist/diskblame-linux-ARCH.xz
// beside it. Built with Node's single executable application support from the `node` running this
// script (>= 20.12: SEA assets) and postject (a devDependency):
// - the main is scripts/sea-entry.cjs's few lines followed by the whole program built as one
//   CommonJS script (esbuild, from src/ as scripts/bundle.mjs builds the ES module bundle; the three
//   top-level awaits of ink and yoga-layout made synchronous: noTopLevelAwaitPlugin), with its V8
//   code cache in the blob (useCodeCache): the binary starts without parsing or compiling the
//   program, faster than `node dist/diskblame.cjs` (bench/binary-startup.ts). The ES module bundle
//   dist/diskblame-core.mjs rides along as an asset for --remote, and the main's text for the
//   diff reader thread; both are read only when needed;
// - the copy of node is stripped (symbols and debug info: not needed to run) before the injection.
// Options: --no-xz skips the compressed copy (and removes a stale one): the tests use it. XZ_OPT
// (xz's own variable) sets the compression level, -6 by default.
// Prints one line per step with its time, and the sizes.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { fileURLPlugin, lazyStartPlugin, noTopLevelAwaitPlugin, programOptions } from './bundle-plugins.mjs';
import { steps } from './steps.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist');
const out = path.join(dist, `diskblame-linux-${process.arch}`);
const FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';
const xz = !process.argv.includes('--no-xz');

const { fail, run, step, t0 } = steps('binary');
const mb = (n) => `${(n / 1e6).toFixed(1)} MB`;

if (process.platform !== 'linux') fail('the standalone binary is built on Linux, for Linux');
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 12)) fail(`needs Node.js 20.12 or newer to build (assets in the SEA config); this is ${process.version}`);
// the bundle: dist/diskblame-core.mjs, or dist/diskblame.mjs before the version-check loader existed
const bundle = ['diskblame-core.mjs', 'diskblame.mjs'].map((f) => path.join(dist, f)).find((f) => fs.existsSync(f));
if (!bundle) fail('no bundle in dist/: run npm run build first');
let postject;
try {
  postject = createRequire(path.join(root, 'package.json')).resolve('postject/dist/cli.js');
} catch {
  fail('postject is missing: npm install (a devDependency)');
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'diskblame-binary-'));
try {
  // the program as one CommonJS script after the entry's lines (scripts/sea-entry.cjs): the SEA main,
  // compiled when the blob is made (useCodeCache)
  const options = await programOptions(`node${process.versions.node}`);
  const cjs = await build({
    ...options,
    absWorkingDir: root,
    write: false,
    format: 'cjs',
    define: {
      ...options.define,
      // our own code (src/util/self.ts): not a file, no URL; dependencies: the binary's file URL
      'import.meta.url': '"diskblame:standalone"',
      // (only under tsx: src/owners/load-async.ts)
      'import.meta.resolve': 'undefined',
    },
    banner: { js: "const __diskblame_file_url = require('node:url').pathToFileURL(process.execPath).href;" },
    plugins: [noTopLevelAwaitPlugin, lazyStartPlugin, fileURLPlugin],
  });
  // (main.ts's shebang line is not for a script that comes second)
  const programText = cjs.outputFiles[0].text.replace(/^#!.*\n/, '');
  const main = path.join(tmp, 'diskblame.cjs');
  fs.writeFileSync(main, `${fs.readFileSync(path.join(root, 'scripts', 'sea-entry.cjs'), 'utf8')}\n${programText}`);
  step(`CommonJS program built (${mb(fs.statSync(main).size)})`);
  const config = path.join(tmp, 'sea-config.json');
  const addon = [path.join(root, 'build', 'Release', 'dirscan.node')].find((f) => fs.existsSync(f));
  step(addon ? `native reader: ${path.relative(root, addon)} (${mb(fs.statSync(addon).size)})` : 'native reader: not built (npm install builds it): the binary will use the JavaScript reader');
  const parser = [path.join(root, 'build', 'Release', 'ncduparse.node')].find((f) => fs.existsSync(f));
  step(parser ? `export reader's fast path: ${path.relative(root, parser)} (${mb(fs.statSync(parser).size)})` : "export reader's fast path: not built: the binary will read exports with the JavaScript parser");
  const blob = path.join(tmp, 'sea.blob');
  fs.writeFileSync(
    config,
    JSON.stringify({
      main,
      output: blob,
      disableExperimentalSEAWarning: true,
      useCodeCache: true,
      // the ES module bundle (for --remote), the main's own text (for worker threads) and, when
      // built, the native directory reader and the export reader's fast path (src/scan/native.ts
      // and src/import/native-parse.ts write them to the cache to load them)
      assets: {
        'diskblame-core.mjs': bundle,
        'diskblame.cjs': main,
        ...(addon ? { 'dirscan.node': addon } : {}),
        ...(parser ? { 'ncduparse.node': parser } : {}),
      },
    }),
  );
  run(process.execPath, ['--experimental-sea-config', config], 'node --experimental-sea-config');
  step(`blob with the code cache, and ${path.relative(root, bundle)} (${mb(fs.statSync(bundle).size)})`);

  const exe = path.join(tmp, 'diskblame');
  fs.copyFileSync(process.execPath, exe);
  fs.chmodSync(exe, 0o755);
  const full = fs.statSync(exe).size;
  // symbols and debug info only (the dynamic symbols native addons link against stay)
  run('strip', ['--strip-all', exe], 'strip');
  const stripped = fs.statSync(exe).size;
  step(`node ${process.version} copied and stripped: ${mb(full)} -> ${mb(stripped)}`);

  run(process.execPath, [postject, exe, 'NODE_SEA_BLOB', blob, '--sentinel-fuse', FUSE], 'postject');
  step('blob injected');

  // it runs, and is this program
  const version = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).version;
  // (the version is the first line; more may follow: which directory reader it has)
  const said = run(exe, ['--version'], 'the new binary').split('\n')[0].trim();
  if (said !== version) fail(`the new binary says ${JSON.stringify(said)} to --version, not ${version}`);

  // into dist/ atomically: a temporary name beside it, then rename
  const part = `${out}.part`;
  fs.copyFileSync(exe, part);
  fs.chmodSync(part, 0o755);
  fs.renameSync(part, out);
  const size = fs.statSync(out).size;
  step(`wrote ${path.relative(root, out)}: ${mb(size)}`);

  const xzFile = `${out}.xz`;
  if (xz) {
    const fd = fs.openSync(`${xzFile}.part`, 'w', 0o644);
    // -6 (xz's default): 22 MB, ~90 s on two cores; XZ_OPT chooses another (XZ_OPT=-2: 25 MB, half the time)
    const level = process.env.XZ_OPT ? [] : ['-6'];
    const r = spawnSync('xz', ['-T0', ...level, '-c', out], { stdio: ['ignore', fd, 'pipe'], encoding: 'utf8' });
    fs.closeSync(fd);
    if (r.error || r.status !== 0) {
      fs.rmSync(`${xzFile}.part`, { force: true });
      fail(`xz: ${r.error?.message ?? r.stderr.trim()}`);
    }
    fs.renameSync(`${xzFile}.part`, xzFile);
    step(`wrote ${path.relative(root, xzFile)}: ${mb(fs.statSync(xzFile).size)}`);
  } else fs.rmSync(xzFile, { force: true }); // never a compressed copy of another build

  // the newest glibc symbol version it links against: the oldest glibc it runs on
  const objdump = spawnSync('objdump', ['-T', out], { encoding: 'utf8', maxBuffer: 256 << 20 });
  const glibc = (objdump.stdout ?? '').match(/GLIBC_[0-9.]+/g) ?? [];
  const newest = [...new Set(glibc)].sort((a, b) => a.slice(6).localeCompare(b.slice(6), 'en', { numeric: true })).pop();
  if (newest) console.log(`needs ${newest.replace('_', ' ')} or newer`);
  console.log(`done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}
