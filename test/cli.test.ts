/**
 * The command line as a user meets it: the single-file bundle on a bare node, help, the default
 * command, progress only on a terminal, Ctrl-C keeping a partial result.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..');
const CLI = path.join(ROOT, 'dist/cli/main.js');

function tmpTree(files = 50): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'diskblame-cli-'));
  fs.mkdirSync(path.join(d, 'a/b'), { recursive: true });
  for (let k = 0; k < files; k++) fs.writeFileSync(path.join(d, 'a/b', `f${k}`), 'x'.repeat(k * 100));
  return d;
}

function duBytes(dir: string, flag: string): number {
  const r = spawnSync('du', ['-x', '-s', flag, dir], { encoding: 'utf8' });
  return Number(r.stdout.split('\t')[0]);
}

test('the bundle runs with a bare node from another directory and agrees with du', () => {
  const b = spawnSync('npm', ['run', '--silent', 'bundle'], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(b.status, 0, b.stderr);
  const away = fs.mkdtempSync(path.join(os.tmpdir(), 'diskblame-bundle-'));
  const tree = tmpTree();
  try {
    // the bin (a version check) and the bundle it loads, side by side
    const copy = path.join(away, 'diskblame.cjs');
    fs.copyFileSync(path.join(ROOT, 'dist/diskblame.cjs'), copy);
    fs.copyFileSync(path.join(ROOT, 'dist/diskblame-core.mjs'), path.join(away, 'diskblame-core.mjs'));
    const r = spawnSync(process.execPath, [copy, 'scan', tree, '--json'], { cwd: away, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const j = JSON.parse(r.stdout);
    assert.equal(j.apparentBytes, duBytes(tree, '-b'));
    assert.equal(j.diskBytes, duBytes(tree, '-B1'));
    assert.equal(j.entries, 53);
    // executable on its own too (shebang)
    const r2 = spawnSync(copy, ['--version'], { cwd: away, encoding: 'utf8' });
    assert.equal(r2.status, 0, r2.stderr);
    assert.match(r2.stdout, /^\d+\.\d+\.\d+/);
  } finally {
    fs.rmSync(away, { recursive: true, force: true });
    fs.rmSync(tree, { recursive: true, force: true });
  }
});

test('diskblame PATH is the scan summary; --help lists the commands', () => {
  const tree = tmpTree();
  try {
    const r = spawnSync(CLI, [tree], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /Disk usage/);
    assert.match(r.stdout, /Largest directories/);
    assert.ok(r.stdout.includes(path.join(tree, 'a/b')));
    assert.equal(r.stderr, '', 'no progress when stderr is not a terminal');
    const h = spawnSync(CLI, ['--help'], { encoding: 'utf8' });
    assert.equal(h.status, 0);
    assert.match(h.stdout, /scan \[path\]/);
  } finally {
    fs.rmSync(tree, { recursive: true, force: true });
  }
});

test('--bytes prints exact numbers equal to du', () => {
  const tree = tmpTree();
  try {
    const r = spawnSync(CLI, ['scan', tree, '--bytes'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`Disk usage\\s+${duBytes(tree, '-B1')}\\n`));
    assert.match(r.stdout, new RegExp(`Apparent size\\s+${duBytes(tree, '-b')}\\n`));
  } finally {
    fs.rmSync(tree, { recursive: true, force: true });
  }
});

test('progress is drawn on a terminal (script pty) and cleared before the summary', { skip: !fs.existsSync('/usr/bin/script') }, () => {
  const tree = tmpTree(2000);
  try {
    // `script` gives the command a pseudo-terminal: stderr is a TTY there
    const r = spawnSync('script', ['-qec', `${CLI} scan ${tree} --top 1`, '/dev/null'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /Disk usage/);
    // the progress line, if a frame was drawn, is erased with CR + clear-line; never left as text
    assert.doesNotMatch(r.stdout.replace(/\r\x1b\[K/g, ''), /scanning: .*entries.*\n.*Disk usage/);
  } finally {
    fs.rmSync(tree, { recursive: true, force: true });
  }
});

/** a tree of 120,060 empty files, cold in the dentry cache: a scan of it is still running when a signal comes */
function slowTree(): string {
  const tree = fs.mkdtempSync(path.join(os.tmpdir(), 'diskblame-int-'));
  const py = `import os\nfor a in range(60):\n  d='${tree}/d%d'%a; os.mkdir(d)\n  for b in range(2000):\n    os.close(os.open(d+'/f%d'%b, os.O_CREAT|os.O_WRONLY))\n`;
  assert.equal(spawnSync('python3', ['-c', py]).status, 0);
  // drop the dentry cache so that the scan is slow enough to interrupt
  spawnSync('sh', ['-c', 'sync; echo 2 > /proc/sys/vm/drop_caches'], { stdio: 'ignore' });
  return tree;
}

/** run the CLI with `args` on `tree`, SIGINT it once it is under way; its exit code and output */
async function interrupted(tree: string, args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  const child = spawn(CLI, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  // once the scan is under way (the process has a directory of the tree open or as its working
  // directory: its SIGINT handler is installed by then), before it can end on a cold cache
  const inTree = () => {
    const links = [`/proc/${child.pid}/cwd`];
    try {
      for (const fd of fs.readdirSync(`/proc/${child.pid}/fd`)) links.push(`/proc/${child.pid}/fd/${fd}`);
    } catch {
      return false;
    }
    return links.some((l) => {
      try {
        return fs.readlinkSync(l).startsWith(tree);
      } catch {
        return false;
      }
    });
  };
  for (let waited = 0; !inTree() && child.exitCode === null && waited < 30_000; waited += 5) await new Promise((r) => setTimeout(r, 5));
  child.kill('SIGINT');
  const code = await new Promise<number | null>((r) => child.on('close', r));
  return { code, out, err };
}

test('Ctrl-C during a scan prints the partial result, marked incomplete, exit 130', async () => {
  const tree = slowTree();
  try {
    const { code, out, err } = await interrupted(tree, ['scan', tree, '--json', '--threads', '1']);
    if (code === 0) {
      // the scan beat the signal: nothing to check about interruption on this machine
      assert.equal(JSON.parse(out).incomplete, false);
      return;
    }
    assert.equal(code, 130, err);
    const j = JSON.parse(out);
    assert.equal(j.incomplete, true);
    assert.ok(j.entries >= 1 && j.entries <= 120_061, `entries ${j.entries}`);
  } finally {
    fs.rmSync(tree, { recursive: true, force: true });
  }
});

test('Ctrl-C during scan -o FILE: nothing written, the export already under that name untouched, no temp file left, exit 130', async () => {
  const tree = slowTree();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'diskblame-int-out-'));
  try {
    const file = path.join(dir, 'good.json');
    const good = '[1,2,{"progname":"ncdu","progver":"1.18","timestamp":1},\n[{"name":"/kept"}]]\n';
    fs.writeFileSync(file, good);
    const { code, out, err } = await interrupted(tree, ['scan', tree, '-o', file, '--json', '--threads', '1', '--no-sample']);
    if (code === 0) {
      assert.equal(JSON.parse(out).incomplete, false);
      return;
    }
    assert.equal(code, 130, err);
    assert.equal(fs.readFileSync(file, 'utf8'), good, 'the previous export was replaced');
    assert.deepEqual(fs.readdirSync(dir), ['good.json']);
    assert.match(err, new RegExp(`^diskblame: interrupted: nothing written to ${file.replace(/[.]/g, '\\.')} `, 'm'));
    const j = JSON.parse(out);
    assert.equal(j.incomplete, true);
    assert.equal(j.output, null);
  } finally {
    fs.rmSync(tree, { recursive: true, force: true });
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('stdout on a full device (a mknod\'d /dev/full in a temp dir): one line, exit 1', { skip: process.getuid?.() !== 0 && 'mknod needs root' }, () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'diskblame-full-'));
  try {
    const full = path.join(dir, 'full');
    assert.equal(spawnSync('mknod', [full, 'c', '1', '7']).status, 0);
    const fd = fs.openSync(full, 'w');
    try {
      for (const args of [['scan', dir, '--json'], ['scan', dir]]) {
        const r = spawnSync(process.execPath, [CLI, ...args, '--no-progress'], { stdio: ['ignore', fd, 'pipe'], encoding: 'utf8' });
        assert.equal(r.status, 1, r.stderr);
        assert.equal(r.stderr, 'diskblame: cannot write to standard output: no space left on the device\n');
      }
    } finally {
      fs.closeSync(fd);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a bad command line names what it did not know as it was spelled, and a mistyped command as a command', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'diskblame-usage-'));
  try {
    const cli = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { cwd: dir, encoding: 'utf8' });
    const cases: [string[], string][] = [
      [['scan', '--bogus', '--other=x'], 'diskblame: Unknown arguments: --bogus, --other (see diskblame --help)\n'],
      [['scan', '-Z'], 'diskblame: Unknown argument: -Z (see diskblame --help)\n'],
      // (scan takes several roots: snapshot takes one)
      [['snapshot', 'a', 'b'], 'diskblame: Unknown argument: b (see diskblame --help)\n'],
      // an extra word beside a valid letter option of the same name; a kebab-case option named once
      [['snapshot', 'a', 'b', '-b'], 'diskblame: Unknown argument: b (see diskblame --help)\n'],
      [['scan', '--foo-bar'], 'diskblame: Unknown argument: --foo-bar (see diskblame --help)\n'],
      [['snapshto'], 'diskblame: no command or directory "snapshto": did you mean `diskblame snapshot`? (diskblame ./snapshto scans a directory of that name)\n'],
      [['scna', '--no-ui'], 'diskblame: no command or directory "scna": did you mean `diskblame scan`? (diskblame ./scna scans a directory of that name)\n'],
    ];
    for (const [args, err] of cases) {
      const r = cli(...args);
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.equal(r.stderr, err);
    }
    // a plain file is "not a directory" for every command that scans (access() said "permission denied" to snapshot)
    fs.writeFileSync(path.join(dir, 'plain.txt'), 'x');
    for (const cmd of [['scan'], ['snapshot', '--store', path.join(dir, 'store')], ['owners']]) {
      const r = cli(...cmd, 'plain.txt');
      assert.match(r.stderr, /^diskblame: cannot scan (\S+\/)?plain\.txt: not a directory\n$/, cmd[0]);
      assert.equal(r.status, 1, cmd[0]);
    }
    // a word that names a directory there is a path, as before; a word far from any command too
    // a dangling symbolic link of that name is a path too
    fs.symlinkSync('nowhere', path.join(dir, 'sampel'));
    assert.match(cli('sampel', '--no-ui').stderr, /^diskblame: cannot scan /);
    fs.mkdirSync(path.join(dir, 'snapshto'));
    assert.equal(cli('snapshto', '--no-ui', '--no-sample').status, 0);
    assert.equal(cli('nothing-here', '--no-ui').stderr, `diskblame: cannot scan ${fs.realpathSync(dir)}/nothing-here: no such file or directory\n`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('scan -f X -o Y of an export that says it is incomplete converts it (only a scan interrupted here is not written)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'diskblame-conv-'));
  try {
    const x = path.join(dir, 'x.json');
    fs.writeFileSync(x, '[1,2,{"progname":"diskblame","progver":"0","timestamp":1,"x_incomplete":true},\n[{"name":"/r"},{"name":"f","asize":5,"dsize":4096}]]\n');
    const y = path.join(dir, 'y.json');
    const r = spawnSync(process.execPath, [CLI, 'scan', '-f', x, '-o', y], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stderr, '');
    assert.match(fs.readFileSync(y, 'utf8'), /\{"name":"f","asize":5,"dsize":4096/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('Ctrl-C at any moment of a snapshot: saved whole, or one line, exit 130 and nothing left in the store', async () => {
  const tree = fs.mkdtempSync(path.join(os.tmpdir(), 'diskblame-int-snap-'));
  const store = fs.mkdtempSync(path.join(os.tmpdir(), 'diskblame-int-store-'));
  try {
    const py = `import os\nfor a in range(60):\n  d='${tree}/d%d'%a; os.mkdir(d)\n  for b in range(1500):\n    os.close(os.open(d+'/file-number-%d.log'%b, os.O_CREAT|os.O_WRONLY))\n`;
    assert.equal(spawnSync('python3', ['-c', py]).status, 0);
    // how long a whole snapshot takes here, then signals spread over that time (the scan, then
    // the names, the text, the kinds pass, /proc and the head)
    const t0 = Date.now();
    const whole = spawnSync(process.execPath, [CLI, 'snapshot', tree, '--store', store, '--no-progress', '--json'], { encoding: 'utf8' });
    assert.equal(whole.status, 0, whole.stderr);
    const took = Date.now() - t0;
    fs.rmSync(path.join(store, 'snapshots'), { recursive: true, force: true });
    const outcomes = new Set<string>();
    for (let k = 1; k <= 12; k++) {
      const child = spawn(process.execPath, [CLI, 'snapshot', tree, '--store', store, '--no-progress'], { stdio: ['ignore', 'pipe', 'pipe'] });
      let err = '';
      child.stderr.on('data', (d) => (err += d));
      const exited = new Promise<number | null>((r) => child.on('close', (code, signal) => r(code ?? (signal === 'SIGINT' ? -2 : null))));
      await new Promise((r) => setTimeout(r, Math.round((took * k) / 12)));
      child.kill('SIGINT');
      const code = await exited;
      const left = fs.existsSync(path.join(store, 'snapshots')) ? fs.readdirSync(path.join(store, 'snapshots')) : [];
      if (code === 0) {
        assert.equal(left.filter((f) => f.endsWith('.json.gz')).length, 1, left.join(' '));
        outcomes.add('saved');
      } else if (code === -2) {
        // the signal came while Node was still starting, before the program could take it: the
        // default action, and nothing was begun
        assert.deepEqual(left, []);
        outcomes.add('not begun');
      } else {
        assert.equal(code, 130, `signal at ${k}/12: ${err}`);
        assert.equal(err, 'diskblame: interrupted: no snapshot saved\n');
        outcomes.add('interrupted');
      }
      assert.deepEqual(left.filter((f) => !f.endsWith('.json.gz')), [], `left behind at ${k}/12`);
      fs.rmSync(path.join(store, 'snapshots'), { recursive: true, force: true });
    }
    assert.ok(outcomes.has('interrupted'), 'no signal came in time');
  } finally {
    fs.rmSync(tree, { recursive: true, force: true });
    fs.rmSync(store, { recursive: true, force: true });
  }
});
