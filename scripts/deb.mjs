#!/usr/bin/env node
// npm run deb: a Debian package, dist/diskblame_VERSION-1_ARCH.deb, with dpkg-deb alone (no
// debhelper, no fakeroot: --root-owner-group). After `npm run build` (package.json's "deb" runs it
// first), which wrote the bundle and the man page dist/diskblame.1.
// - the program: the standalone binary (scripts/binary.mjs, built here when missing or older than
//   the bundle) as /usr/bin/diskblame, Depends on the libraries it links (libc6 at the version its
//   symbols need); or, with --bundle or where no binary can be built (Node older than 20.12), the
//   bundle and the native addons in /usr/lib/diskblame with a /usr/bin/diskblame wrapper that runs
//   /usr/bin/node, Depends: nodejs (>= 18.17);
// - the man page (gzip -9n) in /usr/share/man/man1, the completions (`diskblame completion bash`,
//   `zsh`) in /usr/share/bash-completion/completions/diskblame and
//   /usr/share/zsh/vendor-completions/_diskblame, the sampling pair contrib/diskblame-sample.service
//   and .timer in /lib/systemd/system (Debian 12 keeps units there; /usr/lib is the same directory
//   on a merged /usr), not enabled: no maintainer scripts at all;
// - /usr/share/doc/diskblame: README.md.gz, copyright (machine-readable: the program's MIT licence
//   and those of what the binary or bundle holds: Node.js, the npm dependencies), changelog.Debian.gz.
// SOURCE_DATE_EPOCH (else the last commit's time) dates the changelog and every file: the same
// sources make the same package. DEBEMAIL / DEBFULLNAME name the maintainer.
// --out=FILE writes the package there. Prints the package's path and size, and the time of each step.
import { execFileSync, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import { steps } from './steps.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const ARCH = { x64: 'amd64', arm64: 'arm64' }[process.arch];
const DEBIAN_REVISION = '1';
const version = `${pkg.version}-${DEBIAN_REVISION}`;
const forceBundle = process.argv.includes('--bundle');

const { fail, run, step, t0 } = steps('deb');

if (process.platform !== 'linux') fail('a Debian package is built on Linux');
if (!ARCH) fail(`no Debian architecture for ${process.arch}`);
for (const f of ['diskblame.cjs', 'diskblame-core.mjs', 'diskblame.1', 'cli/main.js']) if (!fs.existsSync(path.join(dist, f))) fail(`dist/${f} is missing: run npm run build first`);
if (spawnSync('dpkg-deb', ['--version'], { stdio: 'ignore' }).status !== 0) fail('dpkg-deb is not installed (apt-get install dpkg)');

const epoch = Number(process.env.SOURCE_DATE_EPOCH) || Number(spawnSync('git', ['-C', root, 'log', '-1', '--format=%ct'], { encoding: 'utf8' }).stdout.trim()) || Math.floor(Date.now() / 1000);
const maintainer = `${process.env.DEBFULLNAME || 'diskblame developers'} <${process.env.DEBEMAIL || 'diskblame@users.noreply.github.com'}>`;

// --- the program: the standalone binary, or the bundle with a wrapper
const binary = path.join(dist, `diskblame-linux-${process.arch}`);
const bundleFile = path.join(dist, 'diskblame-core.mjs');
let mode = forceBundle ? 'bundle' : 'binary';
if (mode === 'binary') {
  const [major, minor] = process.versions.node.split('.').map(Number);
  const stale = !fs.existsSync(binary) || fs.statSync(binary).mtimeMs < fs.statSync(bundleFile).mtimeMs;
  if (stale && (major > 20 || (major === 20 && minor >= 12))) {
    run(process.execPath, [path.join(root, 'scripts', 'binary.mjs'), '--no-xz'], 'scripts/binary.mjs', { cwd: root });
    step(`built ${path.relative(root, binary)}`);
  }
  if (!fs.existsSync(binary) || fs.statSync(binary).mtimeMs < fs.statSync(bundleFile).mtimeMs) {
    console.log(`no standalone binary (it needs Node 20.12 or newer to build; this is ${process.version}): the bundle, run by the system's nodejs`);
    mode = 'bundle';
  }
}

const stage = fs.mkdtempSync(path.join(os.tmpdir(), 'diskblame-deb-'));
process.on('exit', () => fs.rmSync(stage, { recursive: true, force: true }));
const pkgRoot = path.join(stage, 'root');

/** write a file of the package (dirs made 0755), mode 0644 unless told */
function put(rel, data, mode = 0o644) {
  const p = path.join(pkgRoot, rel);
  fs.mkdirSync(path.dirname(p), { recursive: true, mode: 0o755 });
  fs.writeFileSync(p, data, { mode });
  fs.chmodSync(p, mode);
}
/** copy a file into the package */
function copy(from, rel, mode = 0o644) {
  put(rel, fs.readFileSync(from), mode);
}
const gzip = (data) => zlib.gzipSync(data, { level: 9 }); // (node's gzip: no name, no time in the header: as gzip -9n)

/** the libraries an ELF file needs: [soname] */
function needed(file) {
  return [...run('objdump', ['-p', file], `objdump -p ${file}`).matchAll(/^\s+NEEDED\s+(\S+)$/gm)].map((m) => m[1]);
}
/** the newest GLIBC_x.y symbol version an ELF file uses, as "x.y", or null */
function glibcNeeded(file) {
  const vs = [...run('objdump', ['-T', file], `objdump -T ${file}`).matchAll(/GLIBC_(\d+)\.(\d+)/g)].map((m) => [Number(m[1]), Number(m[2])]);
  if (!vs.length) return null;
  vs.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  return vs[vs.length - 1].join('.');
}
/** the Debian package holding a shared library (by ldconfig's path), or null */
function packageOf(soname) {
  const m = new RegExp(`^\\s+${soname.replace(/[.+]/g, '\\$&')} \\(([^)]*)\\) => (\\S+)$`, 'm').exec(run('/sbin/ldconfig', ['-p'], 'ldconfig -p'));
  if (!m || !m[1].includes(process.arch === 'x64' ? 'x86-64' : 'AArch64')) return null;
  // (a merged /usr: dpkg may know /lib/x86_64-linux-gnu/... where the real path is /usr/lib/..., or the reverse)
  const toggle = (p) => (p.startsWith('/usr/') ? p.slice(4) : `/usr${p}`);
  const real = fs.realpathSync(m[2]);
  for (const p of new Set([m[2], real, toggle(m[2]), toggle(real)])) {
    const r = spawnSync('dpkg-query', ['-S', p], { encoding: 'utf8' });
    if (r.status === 0) return r.stdout.split(':')[0];
  }
  return null;
}
/** Depends for ELF files: each needed library's package, libc6 at the version the symbols need */
function elfDepends(files) {
  const deps = new Map();
  let glibc = null;
  for (const f of files) {
    for (const so of needed(f)) {
      const p = packageOf(so);
      if (p) deps.set(p, '');
    }
    const g = glibcNeeded(f);
    const [a, b] = [g, glibc].map((v) => (v ?? '0.0').split('.').map(Number));
    if (g && (a[0] - b[0] || a[1] - b[1]) > 0) glibc = g;
  }
  if (glibc) deps.set('libc6', ` (>= ${glibc})`);
  return [...deps].sort(([a], [b]) => a.localeCompare(b)).map(([p, v]) => p + v);
}

let depends;
let bundled;
if (mode === 'binary') {
  copy(binary, 'usr/bin/diskblame', 0o755);
  depends = elfDepends([binary]);
  bundled = `Node.js ${process.version} (MIT; its own bundled libraries under their licences: https://github.com/nodejs/node/blob/${process.version}/LICENSE), and`;
} else {
  const lib = 'usr/lib/diskblame';
  // (a script with a #! line is executable, as in dist/)
  const script = (from, rel) => copy(from, rel, fs.readFileSync(from).subarray(0, 2).toString() === '#!' ? 0o755 : 0o644);
  script(path.join(dist, 'diskblame.cjs'), `${lib}/dist/diskblame.cjs`);
  script(bundleFile, `${lib}/dist/diskblame-core.mjs`);
  for (const f of fs.readdirSync(path.join(dist, 'lib'))) script(path.join(dist, 'lib', f), `${lib}/dist/lib/${f}`);
  const addons = fs.existsSync(path.join(root, 'build', 'Release')) ? fs.readdirSync(path.join(root, 'build', 'Release')).filter((f) => f.endsWith('.node')) : [];
  for (const f of addons) {
    copy(path.join(root, 'build', 'Release', f), `${lib}/build/Release/${f}`);
    // (symbols and debug information are not needed to run)
    run('strip', ['--strip-unneeded', '--remove-section=.comment', '--remove-section=.note', path.join(pkgRoot, lib, 'build', 'Release', f)], `strip ${f}`);
  }
  // lintian: the export addon links libdeflate-dev's static library when it is there (scripts/build-native.mjs): lintian reads it as an embedded zlib
  if (addons.includes('ncduparse.node') && /libdeflate/.test(run('strings', [path.join(pkgRoot, lib, 'build', 'Release', 'ncduparse.node')], 'strings')))
    put('usr/share/lintian/overrides/diskblame', `# libdeflate, linked in statically by npm install when libdeflate-dev is there, not zlib\nembedded-library zlib [${lib}/build/Release/ncduparse.node]\n`);
  put('usr/bin/diskblame', `#!/bin/sh\n# diskblame: the bundle in /usr/lib/diskblame, run by the system's Node.js\nexec /usr/bin/node /${lib}/dist/diskblame.cjs "$@"\n`, 0o755);
  depends = [...new Set(['nodejs (>= 18.17)', ...elfDepends(addons.map((f) => path.join(root, 'build', 'Release', f)))])];
  bundled = '';
}
step(`the program: ${mode === 'binary' ? `the standalone binary ${path.relative(root, binary)}` : 'the bundle and the addons, run by /usr/bin/node'}`);

// --- the man page, the completions (made by the program the package holds: the build's tsc output)
const cli = (...args) => run(process.execPath, [path.join(dist, 'cli', 'main.js'), ...args], `diskblame ${args.join(' ')}`);
put('usr/share/man/man1/diskblame.1.gz', gzip(fs.readFileSync(path.join(dist, 'diskblame.1'))));
put('usr/share/bash-completion/completions/diskblame', cli('completion', 'bash'));
put('usr/share/zsh/vendor-completions/_diskblame', cli('completion', 'zsh'));

// --- the sampling timer, not enabled
const UNITS = 'lib/systemd/system';
for (const f of ['diskblame-sample.service', 'diskblame-sample.timer']) {
  const text = fs.readFileSync(path.join(root, 'contrib', f), 'utf8');
  if (f.endsWith('.service') && !/^ExecStart=\/usr\/bin\/diskblame /m.test(text)) fail(`contrib/${f}: ExecStart does not run /usr/bin/diskblame, where the package puts it`);
  put(`${UNITS}/${f}`, text);
}

// lintian: Node.js links its own copy of zlib into its executable, and the standalone binary is
// that executable (its own zlib is what it inflates exports with): not a library to unbundle here
if (mode === 'binary') put('usr/share/lintian/overrides/diskblame', '# the standalone binary is Node.js, which has its own zlib built in\nembedded-library zlib [usr/bin/diskblame]\n');

// --- documentation
const doc = 'usr/share/doc/diskblame';
put(`${doc}/README.md.gz`, gzip(fs.readFileSync(path.join(root, 'README.md'))));
const changelogDate = new Date(epoch * 1000).toUTCString().replace(/GMT$/, '+0000').replace(/^(\w+), (\d) /, '$1, 0$2 ');
const commit = spawnSync('git', ['-C', root, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).stdout.trim();
put(
  `${doc}/changelog.Debian.gz`,
  gzip(`diskblame (${version}) unstable; urgency=medium\n\n  * Built by npm run deb from the diskblame sources${commit ? ` (commit ${commit})` : ''}.\n\n -- ${maintainer}  ${changelogDate}\n`),
);

/** the npm packages the program is built with (package-lock.json, not dev): "name version (licence)" */
function npmPackages() {
  const lock = JSON.parse(fs.readFileSync(path.join(root, 'package-lock.json'), 'utf8'));
  return Object.entries(lock.packages ?? {})
    .filter(([p, v]) => p.startsWith('node_modules/') && !v.dev && !v.optional)
    .map(([p, v]) => `${p.slice(p.lastIndexOf('node_modules/') + 13)} ${v.version} (${v.license ?? 'see its package'})`)
    .sort();
}
const MIT = `Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:
.
The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.
.
THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.`;
const indent = (s) =>
  s
    .split('\n')
    .map((l) => ` ${l}`)
    .join('\n');
put(
  `${doc}/copyright`,
  `Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: diskblame
Comment: ${mode === 'binary' ? '/usr/bin/diskblame' : '/usr/lib/diskblame'} also holds ${bundled} these npm packages, built in:
${indent(npmPackages().join('\n'))}

Files: *
Copyright: ${new Date(epoch * 1000).getUTCFullYear()} the diskblame authors
License: ${pkg.license}

License: MIT
${indent(MIT)}
`,
);
step('man page, completions, units, documentation');

// --- DEBIAN/: control, md5sums
const files = [];
const walk = (rel) => {
  for (const e of fs.readdirSync(path.join(pkgRoot, rel), { withFileTypes: true })) {
    const r = path.join(rel, e.name);
    if (e.isDirectory()) {
      fs.chmodSync(path.join(pkgRoot, r), 0o755);
      walk(r);
    } else files.push(r);
  }
};
walk('.');
files.sort();
const kib = files.reduce((n, f) => n + Math.ceil(fs.statSync(path.join(pkgRoot, f)).size / 1024), 0);
const md5 = files.map((f) => `${crypto.createHash('md5').update(fs.readFileSync(path.join(pkgRoot, f))).digest('hex')}  ${f.replace(/^\.\//, '')}`).join('\n') + '\n';
const description = `${pkg.description.replace(/\.$/, '').replace(/^Disk-usage/, 'disk-usage')}`;
const control = `Package: diskblame
Version: ${version}
Architecture: ${ARCH}
Maintainer: ${maintainer}
Installed-Size: ${kib}
Depends: ${depends.join(', ')}
Section: admin
Priority: optional
Description: ${description.length <= 80 ? description : 'disk-usage forensics for the command line'}
 diskblame scans a directory tree as exactly as du and shows where the space
 went: on a terminal in a browser with ncdu's keys, otherwise as a summary.
 It reads and writes ncdu exports, explains who owns the space of a volume
 (deleted-but-open files, processes, services, packages, users), compares
 snapshots, and forecasts when a filesystem fills from usage samples, with a
 Nagios check and Prometheus metrics.
 .
 The package installs a systemd timer that records a usage sample every 15
 minutes; it is not enabled: systemctl enable --now diskblame-sample.timer
`;
for (const l of control.split('\n')) if (l.length > 80) fail(`control: a line longer than 80 characters: ${l}`);
put('DEBIAN/control', control);
put('DEBIAN/md5sums', md5);

// the files' times: SOURCE_DATE_EPOCH (dpkg-deb clamps what is newer to it too)
const touch = (rel) => {
  const p = path.join(pkgRoot, rel);
  if (fs.statSync(p).isDirectory()) for (const e of fs.readdirSync(p)) touch(path.join(rel, e));
  fs.utimesSync(p, epoch, epoch);
};
touch('.');

const outArg = process.argv.find((a) => a.startsWith('--out='));
const out = outArg ? path.resolve(outArg.slice(6)) : path.join(dist, `diskblame_${version}_${ARCH}.deb`);
fs.rmSync(out, { force: true });
// gzip -9: the 90 MB binary in 10.5 s of CPU (32.9 MB); xz -6 took 60.5 s of CPU (22.3 MB), 192 s
// of wall time on the loaded 2-core machine (load 8): too slow for CI's budget, for 10 MB less
execFileSync('dpkg-deb', ['--root-owner-group', '-Zgzip', '-z9', '--build', pkgRoot, out], {
  stdio: ['ignore', 'ignore', 'inherit'],
  env: { ...process.env, SOURCE_DATE_EPOCH: String(epoch) },
});
step(`dpkg-deb --build`);
console.log(`wrote ${path.relative(root, out)}: ${(fs.statSync(out).size / 1e6).toFixed(1)} MB, ${mode}, Depends: ${depends.join(', ')} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
