/**
 * ncdu's and gdu's flags and the config file (issue 15): --si, --color off|dark|dark-bg, -0/-1/-2,
 * `$XDG_CONFIG_HOME/diskblame/config.json` and --no-config / DISKBLAME_CONFIG, and the help fixes
 * (no literal $0, a bad number echoed, an unknown flag named once).
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import prettyBytes from 'pretty-bytes';
import { setSi, size } from '../src/util/format.js';
import { browserPrefs, colorOn, configPath, loadConfig, parseConfig, progressStyle, withConfig } from '../src/cli/config.js';
import { assertOneLineError, runCli, runCliOk } from './helpers/run.js';
import { makeTmp, rmrf } from './helpers/fs.js';
import { haveTmux, tmuxUi } from './helpers/tmux.js';

const BIN = path.resolve(import.meta.dirname, '..', 'dist', 'diskblame.cjs');

describe('--si', () => {
  it('size() in powers of 1000 writes what pretty-bytes writes without `binary`, digit for digit', () => {
    const values = new Set<number>([0, 1, 999, 1000, 1001, 1499, 1500, 999_999, 1e6, 1e9, 1e12 - 1, 1e15, 1e18, 1e21, 1e24, 1e27]);
    for (let e = 1; e <= 8; e++) for (const k of [0.9995, 1, 1.05, 1.25, 9.95, 99.95, 999.95, 999.99]) values.add(Math.round(1000 ** e * k));
    let seed = 20261201;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let i = 0; i < 20_000; i++) values.add(Math.floor(next() * 2 ** (next() * 64)));
    try {
      setSi(true);
      for (const n of values) assert.equal(size(n), prettyBytes(n, { maximumFractionDigits: 1 }), `size(${n})`);
      assert.equal(size(2_500_000), '2.5 MB');
      assert.equal(size(2_500_000, true), '2500000');
    } finally {
      setSi(false);
    }
    assert.equal(size(2_500_000), '2.3 MiB');
  });

  it('scan --si: kB/MB in the text, the same bytes in JSON; the config sets it, --no-si wins', () => {
    const d = makeTmp('si');
    const cfg = makeTmp('si-cfg');
    try {
      fs.writeFileSync(path.join(d, 'f'), Buffer.alloc(2_500_000, 1));
      const si = runCliOk(['scan', d, '--si', '--no-sample']).stdout;
      assert.match(si, /Apparent size {2}2\.5 MB {2}\(2,50\d,\d{3} bytes\)/);
      assert.doesNotMatch(si, /[KMG]iB/);
      const plain = runCliOk(['scan', d, '--no-sample']).stdout;
      assert.match(plain, /Apparent size {2}2\.3 MiB/);
      const strip = (s: string) => ({ ...JSON.parse(s), elapsedMs: 0 });
      assert.deepEqual(strip(runCliOk(['scan', d, '--si', '--json', '--no-sample']).stdout), strip(runCliOk(['scan', d, '--json', '--no-sample']).stdout));
      // from the config file; the command line's --no-si wins over it
      fs.mkdirSync(path.join(cfg, 'diskblame'));
      fs.writeFileSync(path.join(cfg, 'diskblame', 'config.json'), '{"si": true}');
      const env = { ...process.env, XDG_CONFIG_HOME: cfg };
      assert.match(runCliOk(['scan', d, '--no-sample'], { env }).stdout, /2\.5 MB/);
      assert.match(runCliOk(['scan', d, '--no-sample', '--no-si'], { env }).stdout, /2\.3 MiB/);
      assert.match(runCliOk(['scan', d, '--no-sample', '--no-config'], { env }).stdout, /2\.3 MiB/);
    } finally {
      rmrf(d);
      rmrf(cfg);
    }
  });
});

describe('the config file', () => {
  let dir: string;
  before(() => (dir = makeTmp('config')));
  after(() => rmrf(dir));

  it('parseConfig: every key checked; an unknown key or a bad value is one line naming the file and the key', () => {
    const all = {
      sort: 'mtime',
      order: 'asc',
      showItems: false,
      showMtime: true,
      graph: 'percent',
      apparent: true,
      showHidden: false,
      dirsFirst: true,
      color: 'off',
      exclude: ['*.log', 'node_modules'],
      si: true,
      threads: 2,
      progress: 0,
    };
    assert.deepEqual(parseConfig(JSON.stringify(all), '/c.json'), all);
    assert.deepEqual(parseConfig('{}', '/c.json'), {});
    for (const [text, re] of [
      ['{"colour": "off"}', /^config file \/c\.json: unknown key "colour" \(known: sort, order, /],
      ['{"sort": "big"}', /^config file \/c\.json: "sort" wants one of "size", "name", "items", "mtime", not "big"$/],
      ['{"threads": 0}', /"threads" wants a whole number from 1 to 16, not 0$/],
      ['{"threads": 2.5}', /"threads" wants a whole number from 1 to 16, not 2\.5$/],
      ['{"si": "yes"}', /"si" wants true or false, not "yes"$/],
      ['{"exclude": "*.log"}', /"exclude" wants a list of non-empty glob strings/],
      ['{"exclude": [""]}', /"exclude" wants a list/],
      ['{"progress": 3}', /"progress" wants one of 0, 1, 2, not 3$/],
      ['{"color": "light"}', /"color" wants one of "off", "dark", "dark-bg", not "light"$/],
      ['[1]', /^config file \/c\.json: wants a JSON object/],
      ['{"si": true', /^config file \/c\.json: not JSON \(/],
      ['{"__proto__": 1}', /unknown key "__proto__"/],
      ['{"toString": 1}', /unknown key "toString"/],
    ] as const) {
      assert.throws(
        () => parseConfig(text, '/c.json'),
        (e: Error & { exitCode?: number }) => re.test(e.message) && e.exitCode === 2 && !e.message.includes('\n'),
        text,
      );
    }
  });

  it('where: DISKBLAME_CONFIG, an absolute XDG_CONFIG_HOME, else ~/.config; a missing file at the usual place is no config', () => {
    assert.deepEqual(configPath({ DISKBLAME_CONFIG: '/x/y.json', XDG_CONFIG_HOME: '/xdg' }), { file: '/x/y.json', named: true });
    assert.equal(configPath({ DISKBLAME_CONFIG: '' }), null);
    assert.deepEqual(configPath({ XDG_CONFIG_HOME: '/xdg' }), { file: '/xdg/diskblame/config.json', named: false });
    const rel = configPath({ XDG_CONFIG_HOME: 'relative/dir' });
    assert.ok(rel && rel.file.endsWith('/.config/diskblame/config.json') && path.isAbsolute(rel.file), String(rel?.file));
    assert.deepEqual(loadConfig({ XDG_CONFIG_HOME: path.join(dir, 'none') }), {});
    assert.throws(() => loadConfig({ DISKBLAME_CONFIG: path.join(dir, 'none.json') }), /config file .*none\.json: no such file or directory \(named by DISKBLAME_CONFIG\)/);
  });

  it('as another user: the usual place in a directory it cannot search is no config; a file it sees but cannot read is an error', (t) => {
    if (process.getuid?.() !== 0 || spawnSync('setpriv', ['--version']).status !== 0) return t.skip('needs root and setpriv');
    const xdg = makeTmp('cfg-closed');
    try {
      fs.mkdirSync(path.join(xdg, 'diskblame'));
      fs.writeFileSync(path.join(xdg, 'diskblame', 'config.json'), '{"si": true}');
      fs.chmodSync(xdg, 0o755);
      const as = (mode: number) => {
        fs.chmodSync(path.join(xdg, 'diskblame'), mode);
        fs.chmodSync(path.join(xdg, 'diskblame', 'config.json'), mode === 0o700 ? 0o644 : 0o600);
        return spawnSync('setpriv', ['--reuid', '65534', '--regid', '65534', '--clear-groups', process.execPath, BIN, 'snapshots', '--json'], {
          encoding: 'utf8',
          env: { ...process.env, XDG_CONFIG_HOME: xdg, DISKBLAME_STORE: path.join(xdg, 'store') },
          timeout: 60_000,
        });
      };
      // (the tests' own XDG_CONFIG_HOME is such a directory for nobody: scan's nobody tests ran into it)
      const closed = as(0o700);
      assert.equal(closed.status, 0, closed.stderr);
      const unreadable = as(0o755);
      assert.equal(unreadable.status, 2, unreadable.stderr);
      assert.match(unreadable.stderr, /config file .*config\.json: permission denied/);
    } finally {
      rmrf(xdg);
    }
  });

  it('snapshot takes the config file\'s excludes, as scan does; --no-config none', () => {
    const t = makeTmp('cfg-snap');
    try {
      fs.mkdirSync(path.join(t, 'tree'));
      fs.writeFileSync(path.join(t, 'tree', 'big.bin'), Buffer.alloc(500_000, 1));
      fs.writeFileSync(path.join(t, 'c.json'), '{"exclude": ["big.bin"]}');
      const env = { ...process.env, DISKBLAME_CONFIG: path.join(t, 'c.json'), DISKBLAME_STORE: path.join(t, 'store') };
      const snap = (...a: string[]) => JSON.parse(runCliOk(['snapshot', path.join(t, 'tree'), '--json', ...a], { env }).stdout);
      assert.ok(snap().apparentBytes < 100_000, 'big.bin excluded');
      assert.ok(snap('--no-config').apparentBytes >= 500_000, 'big.bin counted');
    } finally {
      rmrf(t);
    }
  });

  it('read with a cap, a regular file only (a FIFO is never opened), a symbolic link followed', () => {
    const big = path.join(dir, 'big.json');
    fs.writeFileSync(big, '{"si": true}' + ' '.repeat(70_000));
    assert.throws(() => loadConfig({ DISKBLAME_CONFIG: big }), /big\.json: larger than 65536 bytes/);
    const fifo = path.join(dir, 'fifo.json');
    assert.equal(spawnSync('mkfifo', [fifo]).status, 0);
    // (a FIFO opened for reading would wait for a writer: the run would hang until the timeout)
    const r = runCli(['scan', dir, '--no-sample'], { env: { ...process.env, DISKBLAME_CONFIG: fifo }, timeoutMs: 15_000 });
    assert.equal(r.signal, null, 'hung on the FIFO');
    assert.match(assertOneLineError(r, 2), /config file .*fifo\.json: not a regular file/);
    const real = path.join(dir, 'real.json');
    fs.writeFileSync(real, '{"threads": 3}');
    fs.symlinkSync(real, path.join(dir, 'link.json'));
    assert.deepEqual(loadConfig({ DISKBLAME_CONFIG: path.join(dir, 'link.json') }), { threads: 3 });
  });

  it('the command line: a bad file is one line and exit 2, for every command; --no-config runs', () => {
    const xdg = path.join(dir, 'xdg');
    fs.mkdirSync(path.join(xdg, 'diskblame'), { recursive: true });
    fs.writeFileSync(path.join(xdg, 'diskblame', 'config.json'), '{"threads": 99}');
    const env = { ...process.env, XDG_CONFIG_HOME: xdg };
    for (const args of [['scan', dir], ['tree', dir], ['snapshots']]) {
      const line = assertOneLineError(runCli([...args, '--no-sample'].filter((w) => args[0] === 'scan' || w !== '--no-sample'), { env }), 2);
      assert.equal(line, `diskblame: config file ${path.join(xdg, 'diskblame', 'config.json')}: "threads" wants a whole number from 1 to 16, not 99`);
    }
    // the Nagios plugin: UNKNOWN (3), its status line on stdout
    const chk = runCli(['check', '--volume', '/'], { env });
    assert.equal(chk.code, 3, chk.stderr);
    assert.match(chk.stdout, /^DISKBLAME UNKNOWN - config file .*"threads" wants a whole number from 1 to 16, not 99\n$/);
    runCliOk(['scan', dir, '--no-sample', '--no-config', '--json'], { env });
    runCliOk(['scan', dir, '--no-sample', '--json'], { env: { ...env, DISKBLAME_CONFIG: '' } });
  });

  it('excludes add to the command line\'s; --apparent and --threads from the file unless given; not with -f', () => {
    const d = makeTmp('config-ex');
    try {
      fs.writeFileSync(path.join(d, 'a.log'), Buffer.alloc(50_000, 1));
      fs.writeFileSync(path.join(d, 'b.tmp'), Buffer.alloc(30_000, 1));
      fs.writeFileSync(path.join(d, 'c.txt'), Buffer.alloc(10_000, 1));
      const cfg = path.join(dir, 'ex.json');
      fs.writeFileSync(cfg, JSON.stringify({ exclude: ['*.log'], apparent: true }));
      const env = { ...process.env, DISKBLAME_CONFIG: cfg };
      const j = JSON.parse(runCliOk(['scan', d, '--json', '--no-sample', '--exclude', '*.tmp'], { env }).stdout);
      assert.equal(j.excluded, 2);
      assert.equal(j.apparentBytes, 10_000 + fs.statSync(d).size);
      // the text ranks by apparent size (the file's "apparent")
      assert.match(runCliOk(['scan', d, '--no-sample'], { env }).stdout, /Largest files \(by apparent size\)/);
      // an export read with -f is not refused for the file's excludes (they apply to scans)
      const exp = path.join(dir, 'ex-export.json');
      runCliOk(['scan', d, '-o', exp, '--no-sample', '--no-config']);
      assert.equal(JSON.parse(runCliOk(['scan', '-f', exp, '--json'], { env }).stdout).excluded, 0);
    } finally {
      rmrf(d);
    }
  });

  it('the browser\'s starting prefs and colours from the file; flags win', () => {
    assert.deepEqual(browserPrefs(undefined, { sort: 'name' }), { sort: 'name', desc: false });
    assert.deepEqual(browserPrefs(true, { sort: 'size', order: 'asc', showHidden: false, dirsFirst: true, showMtime: true, graph: 'none', showItems: false }), {
      sort: 'size',
      desc: false,
      apparent: true,
      showHidden: false,
      dirsFirst: true,
      showMtime: true,
      graph: 'none',
      showItems: false,
    });
    assert.equal(colorOn(undefined, {}, {}), true);
    assert.equal(colorOn(undefined, {}, { NO_COLOR: '1' }), false);
    assert.equal(colorOn('dark', {}, { NO_COLOR: '1' }), true);
    assert.equal(colorOn(undefined, { color: 'off' }, {}), false);
    assert.equal(colorOn('dark-bg', { color: 'off' }, {}), true);
    assert.equal(colorOn('off', { color: 'dark' }, {}), false);
    // -0/-1/-2 and the file's "progress"
    assert.equal(withConfig({ '0': true }, {}).progress, false);
    assert.equal(withConfig({}, { progress: 0 }).progress, false);
    assert.equal(withConfig({ '1': true }, { progress: 0 }).progress, undefined);
    assert.equal(progressStyle({ '2': true }, { progress: 1 }), 2);
    assert.throws(() => progressStyle({ '0': true, '1': true }, {}), /give one of -0, -1/);
    assert.deepEqual(withConfig({ threads: 1, exclude: ['b'] }, { threads: 4, exclude: ['a'] }), { threads: 1, exclude: ['a', 'b'], apparent: undefined, progress: undefined });
    assert.deepEqual(withConfig({ file: 'x', exclude: undefined }, { exclude: ['a'] }).exclude, undefined);
  });
});

describe('the browser: --color, -1, the config\'s view (tmux)', { skip: !haveTmux && 'tmux not installed' }, () => {
  const SOCKET = `diskblame-cliflags-${process.pid}`;
  const { tmux, waitFor, keys } = tmuxUi(SOCKET);
  let d: string;
  before(() => {
    d = makeTmp('cf-tui');
    fs.mkdirSync(path.join(d, 'zdir'));
    fs.writeFileSync(path.join(d, 'zdir', 'f'), Buffer.alloc(200_000, 1));
    fs.writeFileSync(path.join(d, 'afile'), Buffer.alloc(100_000, 1));
    fs.writeFileSync(path.join(d, '.hidden'), Buffer.alloc(300_000, 1));
  });
  after(() => {
    tmux('kill-server');
    rmrf(d);
  });
  /** the screen with its escape sequences (capture-pane -e) */
  const raw = () => tmux('capture-pane', '-e', '-p', '-t', 'ui');
  const start = (cmd: string) => {
    tmux('kill-server');
    tmux('new-session', '-d', '-s', 'ui', '-x', '100', '-y', '30', `env -u CI -u CONTINUOUS_INTEGRATION ${cmd}; echo EXIT=$?; sleep 5`);
  };

  it('--color off: no colour escapes at all; --color dark: the yellow message (even with NO_COLOR)', async () => {
    // (a colour is an SGR 30-37, 38;..., 90-97 or dim (2); reverse video, the cursor, is not a colour)
    const colour = /\x1b\[(?:[0-9;]*;)?(?:3[0-8]|9[0-7]|2)(?:;[0-9;]*)?m/;
    start(`${BIN} -r --color off --no-sample ${d}`);
    await waitFor(/\[1 Browse\][\s\S]*zdir\//);
    await keys('d');
    await waitFor(/read-only mode/);
    assert.doesNotMatch(raw(), colour, raw());
    await keys('q');
    await waitFor(/EXIT=0/);
    start(`NO_COLOR=1 ${BIN} -r --color dark --no-sample ${d}`);
    await waitFor(/\[1 Browse\][\s\S]*zdir\//);
    await keys('d');
    await waitFor(/read-only mode/);
    assert.match(raw(), /\x1b\[33m[^\n]*read-only mode/, raw());
    await keys('q');
    await waitFor(/EXIT=0/);
  });

  it('-1 scans first, then browses; the config\'s sort, hidden files and directories first reach the browser; --si its sizes', async () => {
    const cfg = path.join(d, '..', path.basename(d) + '.json');
    fs.writeFileSync(cfg, JSON.stringify({ sort: 'name', showHidden: false, dirsFirst: true, color: 'off' }));
    try {
      start(`DISKBLAME_CONFIG=${cfg} ${BIN} -1 --si --no-sample ${d}`);
      const s = await waitFor(/\[1 Browse\][\s\S]*zdir\//);
      // by name (the config's "sort": "name"), the directory first ("dirsFirst"), no .hidden ("showHidden": false)
      assert.ok(s.includes('afile') && s.indexOf('zdir/') < s.indexOf('afile'), s);
      assert.ok(!s.includes('.hidden'), s);
      assert.match(s, /Sort: name asc/);
      // scanned here, not an export: deleting and rescanning stay on
      assert.match(s, /d delete {2}r rescan/);
      // e shows the hidden file: the file's setting was a starting point, not a lock
      await keys('e');
      assert.match(await waitFor(/\.hidden/), /\.hidden/);
      // --si in the browser too: powers of 1000
      assert.match(s, /\d kB /);
      assert.doesNotMatch(s, /KiB|MiB/);
      await keys('q');
      await waitFor(/EXIT=0/);
    } finally {
      fs.rmSync(cfg, { force: true });
    }
  });
});

describe('help and argument errors', () => {
  /** the commands --help lists (the first word after "diskblame " in its Commands section) */
  const commands = () => {
    const h = runCliOk(['--help']).stdout;
    const names = [...h.matchAll(/^ {2}diskblame (\w+)/gm)].map((m) => m[1]);
    assert.ok(names.includes('tree') && names.includes('scan') && names.length >= 12, names.join(' '));
    return names;
  };

  it('no literal $0 in the --help of any command', () => {
    for (const c of [[], ...commands().map((n) => [n])]) {
      const r = runCliOk([...c, '--help']);
      assert.ok(!r.stdout.includes('$0'), `diskblame ${c.join(' ')} --help shows $0`);
      assert.match(r.stdout, /diskblame/);
    }
  });

  it('a bad number echoes the bad value', () => {
    for (const [args, msg] of [
      [['--top', 'abc'], '--top wants a number, not abc'],
      [['scan', '.', '--top=12x'], '--top wants a number, not 12x'],
      [['tree', '.', '-n', 'five'], '--top wants a number, not five'],
      [['scan', '.', '--threads', 'lots'], '--threads wants a number, not lots'],
      // every scanning command checks the range (owners took 0 and 99)
      [['owners', '.', '--threads', '0'], '--threads wants a whole number from 1 to 16, not 0'],
      [['owners', '.', '--threads', '99'], '--threads wants a whole number from 1 to 16, not 99'],
      [['snapshot', '.', '--threads', '17'], '--threads wants a whole number from 1 to 16, not 17'],
      [['prune', '--keep', 'all'], '--keep wants a number, not all'],
      [['scan', '.', '--top', 'a\x1b[2Jb'], '--top wants a number, not a\\x1b[2Jb'],
      [['.', '--color', 'blue'], '--color wants off, dark or dark-bg, not blue'],
    ] as const) {
      const line = assertOneLineError(runCli([...args]), 2);
      assert.ok(line.startsWith(`diskblame: ${msg}`), line);
    }
  });

  it('an unknown flag is named once', () => {
    for (const [args, named] of [
      [['--bogus'], ['--bogus']],
      [['--bogus-flag'], ['--bogus-flag']],
      [['scan', '--bogus-flag', '--bogus-flag'], ['--bogus-flag']],
      [['--bogus-flag=3'], ['--bogus-flag']],
      [['-Z'], ['-Z']],
      [['-ZZ'], ['-Z']],
      [['scan', '-bZ'], ['-Z']],
      [['-Zq'], ['-Z', '-q']],
      [['tree', '--no-bogus-flag'], ['--no-bogus-flag']],
      // a digit option a command lacks (was named as "", yargs gives it as "-5")
      [['owners', '.', '-5'], ['-5']],
      [['forecast', '-0'], ['-0']],
    ] as const) {
      const line = assertOneLineError(runCli([...args]), 2);
      const m = /Unknown arguments?: (.*) \(see diskblame --help\)$/.exec(line);
      assert.ok(m, line);
      assert.deepEqual(m[1].split(', '), named, line);
    }
  });
});
