/**
 * Start-up (issue 13): a command loads only what it uses. A resolve hook (module.register, given
 * with --import) writes down every module the program imports; the tsc build (dist/, one file per
 * module of src/) shows which of our modules and packages a command line loaded, and the bin's
 * build in pieces (dist/lib/) how much of it `--version` reads. Nothing here is timed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { VERSION } from '../src/version.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const DIST = path.join(ROOT, 'dist');
const CLI = path.join(DIST, 'cli/main.js');
const BIN = path.join(DIST, 'diskblame.cjs');

/** the hooks: every resolved URL, one a line, appended to the file $DISKBLAME_TEST_MODULES names */
const HOOKS = `import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const r = await next(specifier, context);
  appendFileSync(process.env.DISKBLAME_TEST_MODULES, r.url + '\\n');
  return r;
}`;
const REGISTER = `import { register } from 'node:module'; register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(HOOKS)}`)});`;

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
  /** the files of dist/ it loaded, relative to dist/ ('cli/main.js', 'lib/main.mjs') */
  ours: string[];
  /** the packages it loaded ('yargs', 'ink') */
  packages: string[];
}

/** run `script` (in dist/) with `args`, and say which modules it loaded */
function loads(script: string, args: string[], cwd = os.tmpdir()): Run {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'diskblame-startup-'));
  const list = path.join(dir, 'modules');
  fs.writeFileSync(list, '');
  try {
    const r = spawnSync(process.execPath, ['--import', `data:text/javascript,${encodeURIComponent(REGISTER)}`, script, ...args], {
      cwd,
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...process.env, DISKBLAME_TEST_MODULES: list, CI: 'true' },
    });
    const files = fs
      .readFileSync(list, 'utf8')
      .split('\n')
      .filter((u) => u.startsWith('file:'))
      .map((u) => fileURLToPath(u));
    const ours = new Set<string>();
    const packages = new Set<string>();
    for (const f of files) {
      const pkg = /[\\/]node_modules[\\/]((?:@[^\\/]+[\\/])?[^\\/]+)/.exec(f);
      if (pkg) packages.add(pkg[1]);
      else if (f.startsWith(DIST + path.sep)) ours.add(path.relative(DIST, f));
    }
    return { status: r.status, stdout: r.stdout, stderr: r.stderr, ours: [...ours].sort(), packages: [...packages].sort() };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** the modules of `r` under one of `dirs` (of dist/: 'ui/', 'owners/'), besides the `allowed` ones */
function under(r: Run, dirs: string[], allowed: string[] = []): string[] {
  return r.ours.filter((f) => dirs.some((d) => f.startsWith(d)) && !allowed.includes(f));
}

/** what no scan loads: the browser (Ink, React), the owners, the forecast, remote hosts, the diff */
const NOT_FOR_A_SCAN = ['ui/', 'owners/', 'forecast/', 'remote/', 'diff/', 'jobs/', 'app/owners', 'app/remote', 'app/forecast', 'app/firstcontact', 'app/delete'];
/** (the widths of terminal text, for the progress line: no Ink in it) */
const SCAN_MAY = ['ui/text.js'];
const UI_PACKAGES = ['ink', 'react', 'react-reconciler', 'yoga-layout', 'scheduler', 'simple-statistics', 'fast-glob'];

function tree(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'diskblame-startup-tree-'));
  fs.mkdirSync(path.join(d, 'a/b'), { recursive: true });
  for (let k = 0; k < 20; k++) fs.writeFileSync(path.join(d, 'a/b', `f${k}`), 'x'.repeat(k * 10));
  return d;
}

test('--version loads the entry and the version, nothing of the command line', () => {
  const r = loads(CLI, ['--version']);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.split('\n')[0], VERSION);
  assert.deepEqual(r.packages, [], 'no package (yargs...) for --version');
  assert.ok(r.ours.includes('cli/main.js') && r.ours.includes('cli/version.js'), r.ours.join(' '));
  // the reader line comes from the scanner's native module (only that part of scan/), which writes
  // the standalone binary's addon to its cache through the one writer (util/write.js and its helpers)
  const helpers = ['util/write.js', 'util/errors.js', 'util/escape.js', 'util/read.js', 'util/self.js', 'util/cachedir.js'];
  // (and the bin's code cache's writer, which does nothing outside the bin: scripts/bin.cjs); the
  // gzip line from the export addon's module (import/native-parse.js; no export code, no zlib)
  const gzip = ['import/native-parse.js'];
  const extra = r.ours.filter((f) => !['cli/main.js', 'cli/version.js', 'cli/code-cache.js', 'version.js', ...helpers, ...gzip].includes(f) && !/^scan\/native/.test(f) && !/^native\//.test(f));
  assert.deepEqual(extra, [], `--version loaded more: ${extra.join(' ')}`);
});

test('the bin imports no ES module: it runs a few small CommonJS pieces of lib/ for --version (the ones its code cache lists)', () => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'diskblame-startup-cache-'));
  try {
    const r = spawnSync(process.execPath, [BIN, '--version'], { encoding: 'utf8', env: { ...process.env, XDG_CACHE_HOME: home } });
    assert.equal(r.status, 0, r.stderr);
    const viaHook = loads(BIN, ['--version']);
    assert.equal(viaHook.stdout.split('\n')[0], VERSION);
    assert.deepEqual(viaHook.ours, ['diskblame.cjs'], 'a module of dist/ besides the bin went through the module loader');
    assert.deepEqual(viaHook.packages, []);
    // the pieces it ran: the cache file's first line names each (scripts/bin.cjs)
    const dir = path.join(home, 'diskblame', 'code');
    const [file] = fs.readdirSync(dir).filter((f) => f.endsWith('-version.bin'));
    assert.ok(file, fs.readdirSync(dir).join(' '));
    const bytes = fs.readFileSync(path.join(dir, file!));
    const pieces = bytes.subarray(0, bytes.indexOf(10)).toString('latin1').split(' | ')[2]!.split(',').map((p) => p.split('=')[0]!);
    assert.equal(pieces[0], 'main.cjs');
    const size = pieces.reduce((n, f) => n + fs.statSync(path.join(DIST, 'lib', f)).size, 0);
    // (as the ES module pieces below, and each carries esbuild's few lines of CommonJS interop)
    assert.ok(size < 32 * 1024, `--version ran ${size} bytes of pieces: ${pieces.join(' ')}`);
    const all = fs.readdirSync(path.join(DIST, 'lib')).filter((f) => f.endsWith('.cjs')).reduce((n, f) => n + fs.statSync(path.join(DIST, 'lib', f)).size, 0);
    assert.ok(all > 20 * size, `the CommonJS pieces (${all} bytes) should be far more than what --version runs (${size})`);
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
});

test('the ES module pieces (lib/main.mjs: worker threads, a build without the CommonJS ones) answer --version from a few small ones, not the one-file core', () => {
  const r = loads(path.join(DIST, 'lib/main.mjs'), ['--version']);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.split('\n')[0], VERSION);
  assert.ok(r.ours.includes('lib/main.mjs'), r.ours.join(' '));
  assert.ok(!r.ours.includes('diskblame-core.mjs'), 'the core was loaded');
  const pieces = r.ours.filter((f) => f.startsWith('lib/'));
  const bytes = pieces.reduce((n, f) => n + fs.statSync(path.join(DIST, f)).size, 0);
  // the whole program is a megabyte; --version needs the entry, the version, the reader's module
  // and the few helpers it uses (the cache directory's rule among them)
  assert.ok(bytes < 24 * 1024, `--version read ${bytes} bytes of pieces: ${pieces.join(' ')}`);
  const all = fs.readdirSync(path.join(DIST, 'lib')).filter((f) => f.endsWith('.mjs')).reduce((n, f) => n + fs.statSync(path.join(DIST, 'lib', f)).size, 0);
  assert.ok(all > 20 * bytes, `the pieces (${all} bytes) should be far more than what --version reads (${bytes})`);
});

test('the bin, the one-file bundle and the tsc build name the same directory reader', () => {
  const said = [BIN, path.join(DIST, 'diskblame-core.mjs'), CLI].map((s) => loads(s, ['--version']).stdout.split('\n')[1]);
  assert.match(said[0]!, /^reader: (native|javascript) \(/);
  assert.deepEqual(said, [said[0], said[0], said[0]]);
  // where the addon was built (npm install with a C compiler), every build finds it
  if (fs.existsSync(path.join(ROOT, 'build/Release/dirscan.node')) && process.env.DISKBLAME_NATIVE !== '0') assert.match(said[0]!, /^reader: native /);
});

test('scan, scan --json, scan -o and the piped browser load no UI, owners, forecast or remote code', () => {
  const t = tree();
  const out = path.join(t, 'export.json');
  try {
    for (const args of [['scan', t], ['scan', '--json', t], ['scan', '-o', out, t], [t], ['scan', '--json', '--exclude', '*.x', t]]) {
      const r = loads(CLI, args);
      assert.equal(r.status, 0, `${args.join(' ')}: ${r.stderr}`);
      const what = args.join(' ');
      assert.deepEqual(under(r, NOT_FOR_A_SCAN, SCAN_MAY), [], `${what} loaded ${under(r, NOT_FOR_A_SCAN, SCAN_MAY).join(' ')}`);
      assert.deepEqual(
        r.packages.filter((p) => UI_PACKAGES.includes(p)),
        [],
        `${what} loaded the packages ${r.packages.join(' ')}`,
      );
      // the ncdu reader only with -f, the writer only with -o, the snapshot store only with --save
      assert.equal(r.ours.includes('import/ncdu-reader.js'), false, `${what} loaded the ncdu reader`);
      assert.equal(r.ours.includes('export/ncdu-writer.js'), args.includes('-o'), `${what}: the ncdu writer`);
      assert.equal(r.ours.includes('store/snapshots.js'), false, `${what} loaded the snapshot store`);
      assert.ok(r.ours.includes('scan/scanner.js'), `${what} did not scan? ${r.ours.join(' ')}`);
    }
    // (what was written is an export with the tree in it)
    assert.match(fs.readFileSync(out, 'utf8'), /"f19"/);
  } finally {
    fs.rmSync(t, { recursive: true, force: true });
  }
});

test('each command loads its own module only; --help lists them all', () => {
  const help = loads(CLI, ['--help']);
  assert.equal(help.status, 0, help.stderr);
  for (const c of ['scan', 'snapshot', 'snapshots', 'prune', 'owners', 'sample', 'forecast', 'check', 'metrics', 'diff', 'volumes']) assert.match(help.stdout, new RegExp(`diskblame ${c}\\b`));
  assert.match(help.stdout, /--exclude/, 'the default command (the browser) shows its options');
  assert.deepEqual(under(help, NOT_FOR_A_SCAN, SCAN_MAY), [], `--help loaded ${under(help, NOT_FOR_A_SCAN, SCAN_MAY).join(' ')}`);
  const commands = (r: Run) => r.ours.filter((f) => f.startsWith('cli/commands/')).sort();
  const store = fs.mkdtempSync(path.join(os.tmpdir(), 'diskblame-startup-store-'));
  try {
    const snaps = loads(CLI, ['snapshots', '--store', store, '--json']);
    assert.equal(snaps.status, 0, snaps.stderr);
    // (snapshot.js's options: the remote, store and scanning flags' small modules, not scan.js)
    assert.deepEqual(commands(snaps), ['cli/commands/snapshot.js', 'cli/commands/remote-options.js', 'cli/commands/scan-flags.js', 'cli/commands/store-options.js'].sort());
    // options before the command's name: yargs still finds it, and its module is loaded then
    const late = loads(CLI, ['--store', store, 'snapshots', '--json']);
    assert.equal(late.status, 0, late.stderr);
    assert.deepEqual(JSON.parse(late.stdout), JSON.parse(snaps.stdout));
    const bad = loads(CLI, ['check', '--bogus']);
    assert.equal(bad.status, 3, 'a Nagios plugin\'s bad arguments are UNKNOWN');
    assert.match(bad.stdout, /^DISKBLAME UNKNOWN - /);
    assert.ok(!commands(bad).includes('cli/commands/scan.js'), commands(bad).join(' '));
  } finally {
    fs.rmSync(store, { recursive: true, force: true });
  }
});
