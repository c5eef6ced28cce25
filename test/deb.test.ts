/**
 * The Debian package (npm run deb: scripts/deb.mjs), built once here from the build in dist/:
 * its files and fields, lintian with no error, installed into a private root (dpkg --root) and
 * run from there, removed and purged with nothing left. With DISKBLAME_TEST_DEB_INSTALL=1 (CI:
 * .ci/run sets it; as root, the package not already installed) it is also installed on the machine
 * itself with dpkg -i: diskblame --version from /usr/bin, man -w diskblame, systemd-analyze verify
 * on the installed units, the timer not enabled; then dpkg -r and dpkg -P leave nothing.
 * DISKBLAME_TEST_LINTIAN=0 skips lintian (20-70 s on a 2-core machine).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { REPO, runCli } from './helpers/run.js';

const have = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
const skip = (!have('dpkg-deb') && 'dpkg-deb not installed') || (process.platform !== 'linux' && 'not Linux');
const pkg = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { version: string };
const ARCH = process.arch === 'x64' ? 'amd64' : process.arch;
const DEB = path.join(REPO, 'dist', `diskblame_${pkg.version}-1_${ARCH}.deb`);

interface Out {
  code: number | null;
  stdout: string;
  stderr: string;
}
function sh(file: string, args: string[], opts: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Out {
  const r = spawnSync(file, args, { encoding: 'utf8', maxBuffer: 1 << 28, timeout: opts.timeoutMs ?? 120_000, env: opts.env ?? process.env });
  if (r.error) throw r.error;
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
function ok(file: string, args: string[], opts: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): string {
  const r = sh(file, args, opts);
  assert.equal(r.code, 0, `${file} ${args.join(' ')}: exit ${r.code}\n${r.stderr}${r.stdout}`);
  return r.stdout;
}

let built: { seconds: number; log: string } | null = null;
/** the package, built once (scripts/deb.mjs on the current dist/) */
function deb(): string {
  if (!built) {
    const t = Date.now();
    const log = ok(process.execPath, [path.join(REPO, 'scripts', 'deb.mjs')], { timeoutMs: 600_000 });
    built = { seconds: (Date.now() - t) / 1000, log };
    process.stderr.write(`# deb: built in ${built.seconds.toFixed(1)} s: ${log.trim().split('\n').pop()}\n`);
  }
  return DEB;
}

/** the package's files: path (no leading ./) -> [mode string, size] */
function contents(file: string): Map<string, [string, number]> {
  const out = new Map<string, [string, number]>();
  for (const l of ok('dpkg-deb', ['-c', file]).trim().split('\n')) {
    const f = l.split(/\s+/);
    out.set(f.slice(5).join(' ').replace(/^\.\//, '').replace(/\/$/, ''), [f[0], Number(f[2])]);
  }
  return out;
}

/** a file of the package, extracted */
function extract(file: string, rel: string): Buffer {
  const r = spawnSync('sh', ['-c', `dpkg-deb --fsys-tarfile "$1" | tar -xOf - "./$2"`, 'sh', file, rel], { maxBuffer: 1 << 28 });
  assert.equal(r.status, 0, r.stderr.toString());
  return r.stdout;
}

test('deb: the files where Debian looks for them, with their modes; control fields; no maintainer scripts', { skip }, () => {
  const file = deb();
  const c = contents(file);
  const want: [string, string][] = [
    ['usr/bin/diskblame', '-rwxr-xr-x'],
    ['usr/share/man/man1/diskblame.1.gz', '-rw-r--r--'],
    ['usr/share/bash-completion/completions/diskblame', '-rw-r--r--'],
    ['usr/share/zsh/vendor-completions/_diskblame', '-rw-r--r--'],
    ['lib/systemd/system/diskblame-sample.service', '-rw-r--r--'],
    ['lib/systemd/system/diskblame-sample.timer', '-rw-r--r--'],
    ['usr/share/doc/diskblame/copyright', '-rw-r--r--'],
    ['usr/share/doc/diskblame/changelog.Debian.gz', '-rw-r--r--'],
    ['usr/share/doc/diskblame/README.md.gz', '-rw-r--r--'],
  ];
  for (const [p, mode] of want) assert.equal(c.get(p)?.[0], mode, p);
  for (const l of ok('dpkg-deb', ['-c', file]).trim().split('\n')) assert.match(l, /^\S+ root\/root /, l);
  const fields = ok('dpkg-deb', ['-f', file]);
  assert.match(fields, /^Package: diskblame$/m);
  assert.match(fields, new RegExp(`^Version: ${pkg.version.replace(/\./g, '\\.')}-1$`, 'm'));
  assert.match(fields, new RegExp(`^Architecture: ${ARCH}$`, 'm'));
  // the binary's libraries, libc6 at the version its symbols need; or the system's node for the bundle
  assert.match(fields, /^Depends: .*(libc6 \(>= 2\.\d+\)|nodejs \(>= 18\.17\))/m);
  const info = ok('dpkg-deb', ['-I', file]);
  for (const s of ['preinst', 'postinst', 'prerm', 'postrm']) assert.ok(!new RegExp(`\\b${s}\\b`).test(info), `${s}: the timer is not enabled by the package`);
});

test('deb: the man page is the build\'s, gzip -9n; the completions are the program\'s; the service runs /usr/bin/diskblame; copyright is machine-readable', { skip }, () => {
  const file = deb();
  const man = extract(file, 'usr/share/man/man1/diskblame.1.gz');
  // gzip -n: no name (FLG 0), no time (MTIME 0); -9: XFL 2
  assert.equal(man[3], 0, 'no file name in the gzip header');
  assert.equal(man.readUInt32LE(4), 0, 'no time in the gzip header');
  assert.equal(man[8], 2, 'maximum compression');
  assert.equal(zlib.gunzipSync(man).toString(), fs.readFileSync(path.join(REPO, 'dist', 'diskblame.1'), 'utf8'));
  assert.equal(extract(file, 'usr/share/bash-completion/completions/diskblame').toString(), runCli(['completion', 'bash']).stdout);
  assert.equal(extract(file, 'usr/share/zsh/vendor-completions/_diskblame').toString(), runCli(['completion', 'zsh']).stdout);
  const service = extract(file, 'lib/systemd/system/diskblame-sample.service').toString();
  assert.match(service, /^ExecStart=\/usr\/bin\/diskblame sample --quiet$/m);
  assert.equal(service, fs.readFileSync(path.join(REPO, 'contrib', 'diskblame-sample.service'), 'utf8'));
  const copyright = extract(file, 'usr/share/doc/diskblame/copyright').toString();
  assert.match(copyright, /^Format: https:\/\/www\.debian\.org\/doc\/packaging-manuals\/copyright-format\/1\.0\/$/m);
  assert.match(copyright, /^Files: \*\nCopyright: .+\nLicense: MIT$/m);
  assert.match(copyright, /^ yargs \d/m, 'the bundled npm packages are named');
  const changelog = zlib.gunzipSync(extract(file, 'usr/share/doc/diskblame/changelog.Debian.gz')).toString();
  assert.match(changelog, new RegExp(`^diskblame \\(${pkg.version.replace(/\./g, '\\.')}-1\\) unstable; urgency=medium$`, 'm'));
  assert.match(changelog, /^ -- .+ <.+@.+>  \w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} \+0000$/m);
});

test('deb: lintian finds no error', { skip: skip || (!have('lintian') && 'lintian not installed') || (process.env.DISKBLAME_TEST_LINTIAN === '0' && 'DISKBLAME_TEST_LINTIAN=0') }, () => {
  const file = deb();
  const t = Date.now();
  const r = sh('lintian', ['--tag-display-limit', '0', file], { timeoutMs: 300_000 });
  process.stderr.write(`# lintian: ${((Date.now() - t) / 1000).toFixed(1)} s\n${r.stdout}`);
  assert.ok(r.code === 0 || r.code === 2, `lintian exit ${r.code}: ${r.stderr}`);
  const errors = r.stdout.split('\n').filter((l) => l.startsWith('E: '));
  assert.deepEqual(errors, []);
});

test('deb: installed into a private root (dpkg --root), it runs; removed and purged, nothing is left', { skip }, () => {
  const file = deb();
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'diskblame-deb-root-'));
  try {
    fs.mkdirSync(path.join(root, 'var/lib/dpkg/info'), { recursive: true });
    fs.mkdirSync(path.join(root, 'var/lib/dpkg/updates'));
    fs.writeFileSync(path.join(root, 'var/lib/dpkg/status'), '');
    // (an empty root has none of the package's dependencies: the machine's own libraries run it)
    const dpkg = (...args: string[]) => ok('dpkg', [`--root=${root}`, '--force-depends', '--force-script-chrootless', '--force-not-root', ...args]);
    dpkg('-i', file);
    const listed = dpkg('-L', 'diskblame');
    assert.ok(listed.includes('/usr/bin/diskblame'));
    const version = ok(path.join(root, 'usr/bin/diskblame'), ['--version']);
    assert.equal(version.split('\n')[0], pkg.version);
    assert.equal(ok('man', ['-M', path.join(root, 'usr/share/man'), '-w', 'diskblame']).trim(), path.join(root, 'usr/share/man/man1/diskblame.1.gz'));
    // the timer is not enabled: no link to it anywhere in the root
    assert.equal(ok('find', [root, '-type', 'l', '-name', 'diskblame-sample*']).trim(), '');
    dpkg('-r', 'diskblame');
    assert.ok(!fs.existsSync(path.join(root, 'usr/bin/diskblame')));
    dpkg('-P', 'diskblame');
    const left = ok('find', [root, '-path', path.join(root, 'var/lib/dpkg'), '-prune', '-o', '-type', 'f', '-print']).trim();
    assert.equal(left, '', 'files left after purge');
    assert.equal(sh('dpkg', [`--root=${root}`, '-s', 'diskblame']).code, 1, 'the package is gone from the database');
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

const installSkip =
  skip ||
  (process.env.DISKBLAME_TEST_DEB_INSTALL !== '1' && 'installs on this machine: DISKBLAME_TEST_DEB_INSTALL=1 (CI)') ||
  (process.getuid?.() !== 0 && 'not root') ||
  (spawnSync('dpkg', ['-s', 'diskblame'], { stdio: 'ignore' }).status === 0 && 'a diskblame package is installed already: not touched');

test('deb: dpkg -i on this machine: diskblame --version, man -w, systemd-analyze verify, not enabled; dpkg -r and -P leave nothing', { skip: installSkip }, () => {
  const file = deb();
  const t = Date.now();
  ok('dpkg', ['-i', file]);
  try {
    const env = { ...process.env, PATH: `/usr/bin:/bin:/usr/sbin:/sbin` };
    assert.equal(ok('sh', ['-c', 'command -v diskblame'], { env }).trim(), '/usr/bin/diskblame');
    assert.equal(ok('diskblame', ['--version'], { env }).split('\n')[0], pkg.version);
    assert.equal(ok('man', ['-w', 'diskblame'], { env }).trim(), '/usr/share/man/man1/diskblame.1.gz');
    if (have('systemd-analyze')) {
      const units = ['diskblame-sample.service', 'diskblame-sample.timer'].map((u) => (fs.existsSync(`/lib/systemd/system/${u}`) ? `/lib/systemd/system/${u}` : `/usr/lib/systemd/system/${u}`));
      const v = sh('systemd-analyze', ['verify', ...units], { env });
      assert.equal(v.code, 0, `systemd-analyze verify: ${v.stderr}${v.stdout}`);
      assert.equal(v.stderr.trim(), '', 'systemd-analyze verify says nothing');
    }
    for (const d of ['/etc/systemd/system/timers.target.wants', '/etc/systemd/system/multi-user.target.wants']) assert.ok(!fs.existsSync(path.join(d, 'diskblame-sample.timer')), 'not enabled');
    // bash loads the completion on demand from its directory
    if (fs.existsSync('/usr/share/bash-completion/bash_completion')) {
      const r = ok('bash', ['--norc', '--noprofile', '-c', '. /usr/share/bash-completion/bash_completion; _completion_loader diskblame; complete -p diskblame'], { env });
      assert.match(r, /complete -F _diskblame diskblame/);
    }
  } finally {
    const listed = sh('dpkg', ['-L', 'diskblame']).stdout.trim().split('\n');
    ok('dpkg', ['-r', 'diskblame']);
    ok('dpkg', ['-P', 'diskblame']);
    const left = listed.filter((p) => p !== '/.' && fs.existsSync(p) && !fs.statSync(p).isDirectory());
    assert.deepEqual(left, [], 'files of the package left after purge');
    assert.ok(!fs.existsSync('/usr/bin/diskblame'));
    assert.notEqual(sh('dpkg', ['-s', 'diskblame']).code, 0, 'the package is gone');
    process.stderr.write(`# dpkg -i, checks, -r, -P: ${((Date.now() - t) / 1000).toFixed(1)} s\n`);
  }
});

test('deb --bundle (no binary: the bundle on the system\'s node): the bundle, stripped addons and a wrapper; lintian finds no error; it runs from a private root', { skip: skip || (!fs.existsSync('/usr/bin/node') && 'no /usr/bin/node') }, () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'diskblame-deb-bundle-'));
  try {
    const file = path.join(work, 'bundle.deb');
    ok(process.execPath, [path.join(REPO, 'scripts', 'deb.mjs'), '--bundle', `--out=${file}`], { timeoutMs: 300_000 });
    assert.match(ok('dpkg-deb', ['-f', file, 'Depends']), /^nodejs \(>= 18\.17\)/);
    const c = contents(file);
    assert.equal(c.get('usr/bin/diskblame')?.[0], '-rwxr-xr-x');
    assert.match(extract(file, 'usr/bin/diskblame').toString(), /^exec \/usr\/bin\/node \/usr\/lib\/diskblame\/dist\/diskblame\.cjs "\$@"$/m);
    for (const p of ['usr/lib/diskblame/dist/diskblame.cjs', 'usr/lib/diskblame/dist/lib/main.cjs', 'usr/lib/diskblame/dist/lib/main.mjs', 'usr/lib/diskblame/dist/diskblame-core.mjs', 'usr/share/man/man1/diskblame.1.gz', 'lib/systemd/system/diskblame-sample.timer'])
      assert.ok(c.has(p), p);
    if (fs.existsSync(path.join(REPO, 'build/Release/dirscan.node'))) {
      assert.ok(c.has('usr/lib/diskblame/build/Release/dirscan.node'));
      assert.ok(c.get('usr/lib/diskblame/build/Release/dirscan.node')![1] < fs.statSync(path.join(REPO, 'build/Release/dirscan.node')).size, 'stripped');
    }
    if (have('lintian') && process.env.DISKBLAME_TEST_LINTIAN !== '0') {
      const r = sh('lintian', ['--tag-display-limit', '0', file], { timeoutMs: 300_000 });
      assert.deepEqual(r.stdout.split('\n').filter((l) => l.startsWith('E: ')), [], r.stdout);
    }
    const root = path.join(work, 'root');
    ok('dpkg-deb', ['-x', file, root]);
    // the wrapper names /usr/lib/diskblame; here the same files under the root, run by /usr/bin/node
    const v = ok('/usr/bin/node', [path.join(root, 'usr/lib/diskblame/dist/diskblame.cjs'), '--version']);
    assert.equal(v.split('\n')[0], pkg.version);
    if (c.has('usr/lib/diskblame/build/Release/dirscan.node')) assert.match(v, /^reader: native/m, 'the addon is found beside the bundle');
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
});
