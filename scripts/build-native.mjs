#!/usr/bin/env node
// The `install` script (npm install, npm ci): builds the native directory reader
// (src/native/dirscan.c, binding.gyp) into build/Release/dirscan.node with npm's own node-gyp,
// against the headers of the Node running this script (<prefix>/include/node: never downloaded).
// It never fails the install: without a C compiler, python3 or the headers, or when the build
// fails, it says so in one line and exits 0, and the scanner uses its JavaScript reader
// (src/scan/native.ts decides; `diskblame --version` says which). The build runs in a temp
// directory and the result replaces build/Release/dirscan.node only once it is built (a failed
// rebuild keeps the one that was there). DISKBLAME_DEBUG=1 prints node-gyp's output on failure.
// A build is skipped when the addons there were built from the same sources, for the same Node
// (ABI and headers) and compiler (build/Release/.diskblame-key; npx reinstalls the package and
// reruns this): `--force` builds anyway.
// libdeflate: when its static library and header are there (Debian's libdeflate-dev: see
// findLibdeflate), ncduparse.node is built with it linked in (DISKBLAME_LIBDEFLATE: the export
// writer gzips with it, src/export/gzip.ts), needing nothing at run time; without them, or when that
// build fails, it is built as before and the writer uses Node's zlib (the line printed says which).
// DISKBLAME_LIBDEFLATE=0 builds without it.
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const OUT = path.join(root, 'build', 'Release', 'dirscan.node');
/** binding.gyp's sources; the second target, ncduparse.node, is the export reader's fast path (src/import/native-parse.ts) */
const SOURCES = ['dirscan.c', 'ncduparse.c'];
const PARSE_OUT = path.join(root, 'build', 'Release', 'ncduparse.node');

/** what the addons in build/Release were built from (see buildKey) */
const KEY_FILE = path.join(root, 'build', 'Release', '.diskblame-key');

/**
 * libdeflate's static library and header, for linking into ncduparse.node: { lib, include } (the
 * library's path, the header's directory), or null (none, or DISKBLAME_LIBDEFLATE=0). The library is
 * looked for where the compiler looks (cc -print-file-name: Debian's multiarch directory), then in
 * pkg-config's libdir and the usual prefixes; the header beside it (<prefix>/include) or in
 * pkg-config's includedir, /usr/include, /usr/local/include. A static library only: the addon, and the
 * standalone binary carrying it, must load where libdeflate is not installed.
 */
function findLibdeflate(cc) {
  if (process.env.DISKBLAME_LIBDEFLATE === '0') return null;
  const ask = (cmd, args) => {
    const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 10_000 });
    return r.status === 0 ? (r.stdout ?? '').trim() : '';
  };
  const [ccCmd, ...ccArgs] = cc.split(' ').filter(Boolean);
  const printed = ask(ccCmd, [...ccArgs, '-print-file-name=libdeflate.a']);
  const pcLib = onPath('pkg-config') ? ask('pkg-config', ['--variable=libdir', 'libdeflate']) : '';
  const pcInc = onPath('pkg-config') ? ask('pkg-config', ['--variable=includedir', 'libdeflate']) : '';
  const libs = [printed.includes('/') ? path.resolve(printed) : '', pcLib && path.join(pcLib, 'libdeflate.a')];
  const multiarch = { x64: 'x86_64-linux-gnu', arm64: 'aarch64-linux-gnu' }[process.arch];
  for (const d of ['/usr/local/lib', multiarch && `/usr/lib/${multiarch}`, '/usr/lib64', '/usr/lib']) if (d) libs.push(path.join(d, 'libdeflate.a'));
  const lib = libs.find((f) => f && fs.existsSync(f));
  if (!lib) return null;
  // the header of the same prefix first (…/lib/<multiarch>/libdeflate.a -> …/include)
  let prefix = path.dirname(lib);
  while (prefix !== '/' && path.basename(prefix) !== 'lib' && path.basename(prefix) !== 'lib64') prefix = path.dirname(prefix);
  const incs = [path.join(path.dirname(prefix), 'include'), pcInc, '/usr/include', '/usr/local/include'];
  const include = incs.find((d) => d && fs.existsSync(path.join(d, 'libdeflate.h')));
  return include ? { lib, include } : null;
}

/** a hash of the sources, this script, the Node (version, ABI, headers' directory), the compiler and libdeflate (its library and header, or none) */
function buildKey(nodedir, cc, libdeflate) {
  const h = createHash('sha256');
  for (const f of ['binding.gyp', 'scripts/build-native.mjs', ...SOURCES.map((c) => `src/native/${c}`)]) h.update(`${f}\0`).update(fs.readFileSync(path.join(root, f))).update('\0');
  h.update(`${process.version}\0${process.versions.modules}\0${process.arch}\0${nodedir}\0${cc}`);
  for (const v of ['CFLAGS', 'CPPFLAGS', 'LDFLAGS', 'CXXFLAGS']) h.update(`\0${v}=${process.env[v] ?? ''}`);
  // the compiler itself: its version line (another compiler under the same name builds again)
  const version = spawnSync(cc.split(' ')[0], ['--version'], { encoding: 'utf8', timeout: 10_000 });
  h.update(`\0${(version.stdout ?? '').split('\n')[0]}`);
  // libdeflate found or not, where, and its bytes (another version installed builds again)
  h.update(`\0libdeflate=${libdeflate ? `${libdeflate.lib}\0${libdeflate.include}` : 'none'}`);
  if (libdeflate) for (const f of [libdeflate.lib, path.join(libdeflate.include, 'libdeflate.h')]) h.update('\0').update(fs.readFileSync(f));
  return h.digest('hex');
}

/** both addons are there, built from `key`, and both load */
function upToDate(key) {
  try {
    if (fs.readFileSync(KEY_FILE, 'utf8').trim() !== key) return false;
    const m = { exports: {} };
    process.dlopen(m, OUT);
    const p = { exports: {} };
    process.dlopen(p, PARSE_OUT);
    return typeof m.exports.fill === 'function' && typeof p.exports.fast === 'function';
  } catch {
    return false;
  }
}

class Skip extends Error {}
/** give up: the reason goes in the one line printed at the end (temp files are removed first) */
function skip(reason) {
  throw new Skip(reason);
}

function onPath(cmd) {
  if (cmd.includes('/')) return fs.existsSync(cmd) ? cmd : null;
  for (const d of (process.env.PATH ?? '').split(':')) {
    const f = path.join(d || '.', cmd);
    try {
      fs.accessSync(f, fs.constants.X_OK);
      if (fs.statSync(f).isFile()) return f;
    } catch {
      /* not here */
    }
  }
  return null;
}

/** npm's bundled node-gyp: the one npm names to its scripts, else beside the running node's npm */
function findNodeGyp() {
  const cands = [process.env.npm_config_node_gyp];
  const prefix = path.resolve(path.dirname(process.execPath), '..');
  cands.push(path.join(prefix, 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'));
  if (process.env.npm_execpath) cands.push(path.join(path.dirname(process.env.npm_execpath), '..', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'));
  return cands.find((f) => f && fs.existsSync(f)) ?? null;
}

function main() {
  if (process.platform !== 'linux') skip('the native reader is for Linux');
  if (process.env.DISKBLAME_NATIVE === '0') skip('DISKBLAME_NATIVE=0');
  const cc = process.env.CC || 'cc';
  if (!onPath(cc.split(' ')[0])) skip(`no C compiler: ${cc} not found`);
  if (!onPath('python3') && !onPath('python')) skip('no python3 for node-gyp');
  if (!onPath('make')) skip('no make');
  const nodedir = process.env.DISKBLAME_NODEDIR || path.resolve(path.dirname(process.execPath), '..');
  if (!fs.existsSync(path.join(nodedir, 'include', 'node', 'node_api.h'))) skip(`no Node headers in ${path.join(nodedir, 'include', 'node')}`);
  const gyp = findNodeGyp();
  if (!gyp) skip("npm's node-gyp not found");
  const libdeflate = findLibdeflate(cc);
  const key = buildKey(nodedir, cc, libdeflate);
  if (!process.argv.includes('--force') && upToDate(key)) {
    process.stdout.write(`diskblame: native reader up to date (${path.relative(root, OUT)}; --force rebuilds it)\n`);
    return;
  }

  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'diskblame-native-'));
  try {
    fs.copyFileSync(path.join(root, 'binding.gyp'), path.join(work, 'binding.gyp'));
    fs.mkdirSync(path.join(work, 'src', 'native'), { recursive: true });
    for (const c of SOURCES) fs.copyFileSync(path.join(root, 'src', 'native', c), path.join(work, 'src', 'native', c));
    const gypBuild = (defines) => {
      fs.rmSync(path.join(work, 'build'), { recursive: true, force: true });
      return spawnSync(process.execPath, [gyp, 'rebuild', `--nodedir=${nodedir}`, '--loglevel=warn', '--', ...defines], {
        cwd: work,
        encoding: 'utf8',
        // node-gyp's own cache (no download happens with --nodedir) stays in the temp directory
        env: { ...process.env, npm_config_devdir: path.join(work, '.gyp') },
        timeout: 300_000,
        maxBuffer: 64 << 20,
      });
    };
    const built = path.join(work, 'build', 'Release', 'dirscan.node');
    const parse = path.join(work, 'build', 'Release', 'ncduparse.node');
    const ok = (r) => !r.error && r.status === 0 && fs.existsSync(built);
    // with libdeflate when it is there; that build failing (a header of another version...), without
    let gzip = process.env.DISKBLAME_LIBDEFLATE === '0' ? 'zlib: DISKBLAME_LIBDEFLATE=0' : 'zlib: no libdeflate-dev';
    let r = null;
    if (libdeflate) {
      r = gypBuild([`-Dlibdeflate_lib=${libdeflate.lib}`, `-Dlibdeflate_include=${libdeflate.include}`]);
      let why = null;
      if (!ok(r)) why = 'the build with it failed';
      else {
        try {
          const p = { exports: {} };
          process.dlopen(p, parse);
          if (typeof p.exports.gzipPiece !== 'function') why = 'built without gzipPiece';
        } catch (e) {
          why = `it does not load: ${String(e?.message ?? e).split('\n')[0]}`;
        }
      }
      if (why === null) gzip = `libdeflate: ${libdeflate.lib}`;
      else {
        if (process.env.DISKBLAME_DEBUG) process.stderr.write(`${r.stdout ?? ''}${r.stderr ?? ''}`);
        gzip = `zlib: libdeflate found, but ${why}`;
        r = null;
      }
    }
    if (r === null) r = gypBuild([]);
    if (!ok(r)) {
      if (process.env.DISKBLAME_DEBUG) process.stderr.write(`${r.stdout ?? ''}${r.stderr ?? ''}`);
      const text = `${r.stderr ?? ''}\n${r.stdout ?? ''}`;
      const first = text.split('\n').find((l) => /\berror\b/i.test(l) && !/^gyp (ERR|info)/.test(l));
      skip(r.error ? `node-gyp: ${r.error.message}` : `the build failed${first ? `: ${first.trim().slice(0, 160)}` : `, exit ${r.status}`}`);
    }
    // proof that it loads in this Node before it replaces anything
    try {
      const m = { exports: {} };
      process.dlopen(m, built);
      if (typeof m.exports.fill !== 'function') throw new Error('no fill()');
    } catch (e) {
      skip(`the built addon does not load: ${String(e?.message ?? e).split('\n')[0]}`);
    }
    fs.mkdirSync(path.dirname(OUT), { recursive: true });
    const tmp = `${OUT}.${process.pid}.tmp`;
    fs.copyFileSync(built, tmp);
    fs.renameSync(tmp, OUT);
    if (fs.existsSync(parse)) {
      fs.copyFileSync(parse, `${PARSE_OUT}.${process.pid}.tmp`);
      fs.renameSync(`${PARSE_OUT}.${process.pid}.tmp`, PARSE_OUT);
    }
    fs.writeFileSync(`${KEY_FILE}.${process.pid}.tmp`, `${key}\n`);
    fs.renameSync(`${KEY_FILE}.${process.pid}.tmp`, KEY_FILE);
    process.stdout.write(`diskblame: native reader built (${path.relative(root, OUT)}; gzip by ${gzip})\n`);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

try {
  main();
} catch (e) {
  const reason = e instanceof Skip ? e.message : String(e?.message ?? e).split('\n')[0];
  process.stderr.write(`diskblame: native reader not built (${reason}); the JavaScript reader will be used\n`);
}
process.exitCode = 0;
