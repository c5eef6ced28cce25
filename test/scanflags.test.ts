/**
 * ncdu's, gdu's and du's scanning flags (issue 15): -x, -X/--exclude-from, --exclude-caches,
 * -L/--follow-symlinks, -e, and several roots at once. Real trees in temp dirs, compared with the
 * real tools: du (GNU coreutils) for -L and the roots' totals, ncdu 1.x for -X, --exclude-caches
 * and -e. Both directory readers (the native one and the JavaScript one, DISKBLAME_NATIVE=0) must
 * give the same export with --exclude-caches, the native scanning threads included.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { assertOneLineError, du, have, run, runCli, runCliOk, type ScanJson } from './helpers/run.js';
import { makeTmp, mkfifo, rmrf, writeSized } from './helpers/fs.js';

const SIG = 'Signature: 8a477f597d28d172789f06886806bc55';
const haveNcdu = have('ncdu');

function scanJ(args: string[], env?: NodeJS.ProcessEnv): ScanJson {
  const r = runCliOk(['scan', '--json', '--no-sample', ...args], env ? { env: { ...process.env, DISKBLAME_DEBUG: '', ...env } } : {});
  return JSON.parse(r.stdout) as ScanJson;
}

/** `scan DIR -o - ARGS`, the header's scan time blanked */
function exportOf(dir: string, args: string[], env: NodeJS.ProcessEnv = {}): string {
  const r = runCliOk(['scan', dir, '--no-sample', '-o', '-', ...args], { env: { ...process.env, DISKBLAME_DEBUG: '', ...env } });
  return r.stdout.replace(/"timestamp":\d+/, '"timestamp":0');
}

/** the totals of an export (ncdu's or ours) as our reader sums them */
function totalsOfExport(file: string): ScanJson {
  return JSON.parse(runCliOk(['scan', '-f', file, '--json', '--top', '0']).stdout) as ScanJson;
}

/** every entry of an ncdu export: path -> its info object */
function entriesOf(json: string): Map<string, Record<string, unknown>> {
  const doc = JSON.parse(json) as unknown[];
  const m = new Map<string, Record<string, unknown>>();
  const walk = (n: unknown, pre: string): void => {
    if (Array.isArray(n)) {
      const h = n[0] as Record<string, unknown>;
      m.set(pre + String(h.name), h);
      for (const c of n.slice(1)) walk(c, pre + String(h.name) + '/');
    } else m.set(pre + String((n as Record<string, unknown>).name), n as Record<string, unknown>);
  };
  walk(doc[3], '');
  return m;
}

/** `scan DIR ARGS` and `ncdu -x ARGS -o EXPORT DIR` (read back by ours) give the same totals */
function sameAsNcdu(d: string, args: string[]): void {
  const mine = scanJ([d, ...args]);
  const exp = path.join(d, '..', path.basename(d) + '.ncdu.json');
  try {
    const r = run('ncdu', ['-x', ...args, '-o', exp, d]);
    assert.equal(r.code, 0, r.stderr);
    const theirs = totalsOfExport(exp);
    for (const k of ['entries', 'files', 'dirs', 'excluded', 'diskBytes', 'apparentBytes'] as const) assert.equal(mine[k], theirs[k], `${args.join(' ')}: ${k}`);
  } finally {
    fs.rmSync(exp, { force: true });
  }
}

describe('-x: our default, accepted', () => {
  let d: string;
  before(() => {
    d = makeTmp('sfx');
    fs.mkdirSync(path.join(d, 'a'));
    writeSized(path.join(d, 'a/f'), 12_345);
  });
  after(() => rmrf(d));

  it('gives the same totals as without it, as du -x', () => {
    const a = scanJ([d, '-x']);
    const b = scanJ([d, '--one-file-system']);
    const c = scanJ([d]);
    for (const s of [a, b]) {
      assert.equal(s.diskBytes, c.diskBytes);
      assert.equal(s.entries, c.entries);
    }
    assert.equal(a.diskBytes, du(['-sx', '-B1'], d).bytes);
  });

  it('with --cross-mounts is a usage error', () => {
    assert.match(assertOneLineError(runCli(['scan', d, '-x', '--cross-mounts']), 2), /-x .*--cross-mounts/);
  });

  it('is accepted by snapshot and owners too (their option tables)', () => {
    for (const cmd of ['snapshot', 'owners']) {
      const r = runCli([cmd, '--help']);
      assert.equal(r.code, 0);
      assert.match(r.stdout, /-x, --one-file-system/, cmd);
      assert.match(r.stdout, /-X, --exclude-from/, cmd);
    }
  });
});

describe('-X FILE / --exclude-from FILE', () => {
  let d: string;
  before(() => {
    d = makeTmp('sfX');
    fs.mkdirSync(path.join(d, 'logs/old'), { recursive: true });
    fs.mkdirSync(path.join(d, 'src'));
    writeSized(path.join(d, 'logs/a.log'), 50_000);
    writeSized(path.join(d, 'logs/old/b.log'), 70_000);
    writeSized(path.join(d, 'logs/keep.txt'), 9_000);
    writeSized(path.join(d, 'src/main.c'), 3_000);
    writeSized(path.join(d, 'src/main.o'), 30_000);
    // blank lines, a CRLF line, two patterns; a second file adds a third
    fs.writeFileSync(path.join(d, 'ex1'), '*.log\n\n\r\nsrc/*.o\r\n');
    fs.writeFileSync(path.join(d, 'ex2'), 'old\n');
  });
  after(() => rmrf(d));

  it('reads one pattern a line, blank lines ignored, repeatable: as the same --exclude patterns', () => {
    const x = scanJ([d, '-X', path.join(d, 'ex1'), '--exclude-from', path.join(d, 'ex2')]);
    const e = scanJ([d, '--exclude', '*.log', '--exclude', 'src/*.o', '--exclude', 'old']);
    assert.equal(x.diskBytes, e.diskBytes);
    assert.equal(x.apparentBytes, e.apparentBytes);
    assert.equal(x.excluded, e.excluded);
    assert.equal(x.excluded, 3); // a.log, main.o, old (and not b.log: inside old)
    assert.equal(x.files, 4); // keep.txt, main.c, ex1, ex2
  });

  it('with --remote the patterns are sent (the file is read here): the same totals', () => {
    const args = [d, '-X', path.join(d, 'ex1'), '-X', path.join(d, 'ex2')];
    const local = scanJ(args);
    const remote = scanJ([...args, '--remote', 'localhost'], { DISKBLAME_REMOTE_LOOPBACK: '1' });
    for (const k of ['entries', 'excluded', 'diskBytes', 'apparentBytes'] as const) assert.equal(remote[k], local[k], k);
  });

  it('agrees with ncdu -X', { skip: !haveNcdu && 'no ncdu' }, () => {
    // (ncdu 1.x: one -X per file, as ours)
    sameAsNcdu(d, ['-X', path.join(d, 'ex1'), '-X', path.join(d, 'ex2')]);
  });

  it('a missing file, a directory, a file over 1 MiB: one line naming it, exit 2', () => {
    assert.match(assertOneLineError(runCli(['scan', d, '-X', path.join(d, 'nope')]), 2), /--exclude-from .*nope: no such file or directory$/);
    assert.match(assertOneLineError(runCli(['scan', d, '-X', d]), 2), /--exclude-from .*: is a directory$/);
    const big = path.join(d, '..', path.basename(d) + '.big');
    try {
      writeSized(big, (1 << 20) + 1, 0x0a);
      assert.match(assertOneLineError(runCli(['scan', d, '-X', big]), 2), /larger than 1048576 bytes/);
    } finally {
      fs.rmSync(big, { force: true });
    }
  });
});

describe('--exclude-caches', () => {
  let d: string;
  let many: string;
  before(() => {
    d = makeTmp('sfc');
    const mk = (rel: string, tag?: string | Buffer) => {
      fs.mkdirSync(path.join(d, rel, 'sub'), { recursive: true });
      writeSized(path.join(d, rel, 'sub/data'), 40_000);
      if (tag !== undefined) fs.writeFileSync(path.join(d, rel, 'CACHEDIR.TAG'), tag);
    };
    mk('valid', SIG + '\n# a cache\n');
    mk('exact', SIG); // the 43 bytes alone
    mk('wrongsig', 'Signature: 8a477f597d28d172789f06886806bc56\n');
    mk('short', SIG.slice(0, 42));
    mk('notag');
    mk('nested/inner', SIG + '\n');
    // a case-different name is not the tag
    mk('lower');
    fs.writeFileSync(path.join(d, 'lower/cachedir.tag'), SIG);
    // many directories, half of them caches: enough for the native scanning threads to start
    many = path.join(d, 'many');
    for (let k = 0; k < 40; k++) {
      const sub = path.join(many, `d${k}`);
      fs.mkdirSync(sub, { recursive: true });
      for (let f = 0; f < 60; f++) fs.writeFileSync(path.join(sub, `f${f}`), 'x'.repeat(f * 10));
      if (k % 2 === 0) fs.writeFileSync(path.join(sub, 'CACHEDIR.TAG'), SIG + '\n');
    }
  });
  after(() => rmrf(d));

  it('lists a tagged directory excluded (sizes 0, contents not listed); wrong or short tags do not count', () => {
    const plain = scanJ([d]);
    const c = scanJ([d, '--exclude-caches']);
    const m = entriesOf(exportOf(d, ['--exclude-caches']));
    for (const rel of ['valid', 'exact', 'nested/inner'].concat(Array.from({ length: 20 }, (_, k) => `many/d${k * 2}`))) {
      const e = m.get(path.join(d, rel));
      assert.ok(e, rel);
      assert.equal(e.excluded, 'pattern', rel);
      assert.equal(e.dsize, undefined, rel);
      assert.ok(!m.has(path.join(d, rel, 'sub')), `${rel}: its contents are not listed`);
    }
    for (const rel of ['wrongsig', 'short', 'notag', 'lower', 'nested', 'many/d1']) {
      assert.equal(m.get(path.join(d, rel))?.excluded, undefined, rel);
      assert.ok(m.has(path.join(d, rel, 'sub')) || rel === 'nested' || rel === 'many/d1', rel);
    }
    assert.equal(c.excluded, 23);
    assert.ok(c.diskBytes < plain.diskBytes);
  });

  it('--remote passes it on: the same totals', () => {
    const local = scanJ([d, '--exclude-caches']);
    const remote = scanJ([d, '--exclude-caches', '--remote', 'localhost'], { DISKBLAME_REMOTE_LOOPBACK: '1' });
    for (const k of ['entries', 'excluded', 'diskBytes', 'apparentBytes'] as const) assert.equal(remote[k], local[k], k);
  });

  it('agrees with ncdu --exclude-caches', { skip: !haveNcdu && 'no ncdu' }, () => {
    sameAsNcdu(d, ['--exclude-caches']);
  });

  it('the native reader (its threads too) and the JavaScript reader give the same export', () => {
    const nat = exportOf(d, ['--exclude-caches']);
    const js = exportOf(d, ['--exclude-caches'], { DISKBLAME_NATIVE: '0' });
    assert.equal(nat, js);
    // on the native scanning threads (--threads: as soon as the scan is big enough)
    const r = runCli(['scan', many, '--no-sample', '-o', '-', '--exclude-caches', '--threads', '3'], {
      env: { ...process.env, DISKBLAME_DEBUG: '', DISKBLAME_SCAN_STATS: '1' },
    });
    assert.equal(r.code, 0, r.stderr);
    const threaded = r.stdout.replace(/"timestamp":\d+/, '"timestamp":0');
    assert.equal(threaded, exportOf(many, ['--exclude-caches'], { DISKBLAME_NATIVE: '0' }));
    assert.ok(!/"name":"sub"/.test(threaded.split('"name":"d0"')[1]?.split('"name":"d1')[0] ?? 'x'));
    if (process.env.DISKBLAME_NATIVE !== '0') assert.match(r.stderr, /scanning threads: native/);
  });

  it('never follows a tag that is a symbolic link, never opens a FIFO or reads a directory as a tag', () => {
    const h = makeTmp('sfch');
    try {
      fs.writeFileSync(path.join(h, 'realtag'), SIG + '\n');
      for (const n of ['link', 'fifo', 'dir']) {
        fs.mkdirSync(path.join(h, n, 'sub'), { recursive: true });
        writeSized(path.join(h, n, 'sub/data'), 10_000);
      }
      fs.symlinkSync('../realtag', path.join(h, 'link/CACHEDIR.TAG'));
      mkfifo(path.join(h, 'fifo/CACHEDIR.TAG'));
      fs.mkdirSync(path.join(h, 'dir/CACHEDIR.TAG'));
      for (const env of [{}, { DISKBLAME_NATIVE: '0' }]) {
        const m = entriesOf(exportOf(h, ['--exclude-caches'], env)); // (a FIFO opened for reading would hang: the run's timeout)
        for (const n of ['link', 'fifo', 'dir']) {
          assert.equal(m.get(path.join(h, n))?.excluded, undefined, `${n} ${JSON.stringify(env)}`);
          assert.ok(m.has(path.join(h, n, 'sub/data')), n);
        }
      }
    } finally {
      rmrf(h);
    }
  });

  it('does not go with --file', () => {
    assert.match(assertOneLineError(runCli(['scan', '-f', '/nonexistent.json', '--exclude-caches']), 2), /--exclude-caches/);
  });
});

describe('-L / --follow-symlinks: totals as du -L -sx', () => {
  let d: string;
  before(() => {
    d = makeTmp('sfL');
    const p = (r: string) => path.join(d, r);
    fs.mkdirSync(p('t/sub/deeper'), { recursive: true });
    writeSized(p('t/file'), 30_000);
    writeSized(p('t/sub/f2'), 5_000);
    writeSized(p('t/sub/deeper/f3'), 70_001);
    writeSized(p('hl1'), 8_192);
    fs.linkSync(p('hl1'), p('t/hl2')); // a hard link
    fs.mkdirSync(p('links'));
    fs.symlinkSync('../t/file', p('links/tofile')); // to a file
    fs.symlinkSync('../t/file', p('links/tofile-again')); // the same target twice
    fs.symlinkSync('../t/sub', p('links/todir')); // to a directory
    fs.symlinkSync('../t/sub', p('links/todir-again'));
    fs.symlinkSync('.', p('links/loop')); // a loop: a -> .
    fs.symlinkSync('../..', p('t/sub/up')); // a loop through an ancestor
    fs.symlinkSync('missing', p('links/dangling'));
    fs.symlinkSync('../hl1', p('links/tohardlink'));
    fs.symlinkSync('/proc', p('links/otherfs')); // leaving the filesystem (not entered with -x)
    mkfifo(p('fifo'));
    fs.symlinkSync('../fifo', p('links/tofifo')); // a FIFO: stat()ed, never opened
    fs.mkdirSync(p('outside-target'));
    writeSized(p('outside-target/big'), 123_456);
  });
  after(() => rmrf(d));

  it('counts what the links point at, each file and directory once, loops cut: du -L -sx to the byte', () => {
    const s = scanJ([d, '-L']);
    assert.equal(s.diskBytes, du(['-L', '-sx', '-B1'], d).bytes, 'disk usage');
    assert.equal(s.apparentBytes, du(['-L', '-sx', '-b'], d).bytes, 'apparent size');
    // the dangling link: an error, as du -L says it cannot access it
    assert.equal(s.errors, 1);
    const e = entriesOf(exportOf(d, ['-L']));
    assert.equal(e.get(path.join(d, 'links/dangling'))?.read_error, true);
    assert.equal(e.get(path.join(d, 'links/otherfs'))?.excluded, 'otherfs');
    // one of the two links to t/sub (or t/sub itself) was descended into, the others not
    const descended = ['t/sub', 'links/todir', 'links/todir-again'].filter((r) => e.has(path.join(d, r, 'f2')));
    assert.equal(descended.length, 1, descended.join(' '));
  });

  it('the same with a link as a root, and a root reached through a link', () => {
    fs.symlinkSync('links', path.join(d, 'rootlink'));
    try {
      const s = scanJ([path.join(d, 'rootlink'), '-L']);
      assert.equal(s.diskBytes, du(['-L', '-sx', '-B1'], path.join(d, 'links')).bytes);
    } finally {
      fs.unlinkSync(path.join(d, 'rootlink'));
    }
  });

  it('without -L nothing is followed: du -sx', () => {
    const s = scanJ([d]);
    assert.equal(s.diskBytes, du(['-sx', '-B1'], d).bytes);
    assert.equal(s.apparentBytes, du(['-sx', '-b'], d).bytes);
    assert.equal(s.errors, 0);
    assert.equal(s.symlinks, 10);
  });

  it('the same export with the native reader built or not (-L reads with the JavaScript one)', () => {
    const a = exportOf(d, ['-L']);
    assert.equal(a, exportOf(d, ['-L'], { DISKBLAME_NATIVE: '0' }));
  });

  it('--remote passes -L on (the agent scans on a worker thread): the same totals', () => {
    const local = scanJ([d, '-L']);
    const remote = scanJ([d, '-L', '--remote', 'localhost'], { DISKBLAME_REMOTE_LOOPBACK: '1' });
    for (const k of ['entries', 'errors', 'excluded', 'diskBytes', 'apparentBytes'] as const) assert.equal(remote[k], local[k], k);
  });
});

describe('-e / --extended', () => {
  let d: string;
  before(() => {
    d = makeTmp('sfe');
    fs.mkdirSync(path.join(d, 'a'));
    writeSized(path.join(d, 'a/f'), 1000);
    fs.chmodSync(path.join(d, 'a/f'), 0o640);
    fs.utimesSync(path.join(d, 'a/f'), 1_700_000_000, 1_700_000_000);
  });
  after(() => rmrf(d));

  it('exports carry uid, gid, mode and mtime with and without -e (always on), read back by ncdu -e -f', () => {
    const withE = exportOf(d, ['-e']);
    assert.equal(withE, exportOf(d, []));
    const st = fs.statSync(path.join(d, 'a/f'));
    const f = entriesOf(withE).get(path.join(d, 'a/f'))!;
    assert.deepEqual([f.uid, f.gid, f.mode, f.mtime], [st.uid, st.gid, st.mode, 1_700_000_000]);
    if (!haveNcdu) return;
    const src = path.join(d, '..', path.basename(d) + '.ours.json');
    const back = path.join(d, '..', path.basename(d) + '.ncdu.json');
    try {
      fs.writeFileSync(src, withE);
      const r = run('ncdu', ['-e', '-f', src, '-o', back]);
      assert.equal(r.code, 0, r.stderr);
      const theirs = entriesOf(fs.readFileSync(back, 'utf8'));
      for (const [p, mine] of entriesOf(withE))
        for (const k of ['uid', 'gid', 'mode', 'mtime']) assert.equal(theirs.get(p)?.[k], mine[k], `${p} ${k}`);
    } finally {
      fs.rmSync(src, { force: true });
      fs.rmSync(back, { force: true });
    }
  });
});

describe('several roots: scan A B', () => {
  let d: string;
  before(() => {
    d = makeTmp('sfr');
    for (const r of ['var/log', 'home/u', 'other']) fs.mkdirSync(path.join(d, r), { recursive: true });
    writeSized(path.join(d, 'var/log/syslog'), 200_000);
    writeSized(path.join(d, 'var/x'), 3_000);
    writeSized(path.join(d, 'home/u/doc'), 50_000);
    writeSized(path.join(d, 'other/o'), 7_000);
    fs.linkSync(path.join(d, 'var/log/syslog'), path.join(d, 'home/u/syslog-link')); // one inode in two roots
  });
  after(() => rmrf(d));

  interface Multi {
    roots: ScanJson[];
    countedElsewhere: { path: string; countedIn: string; how: string }[];
    total: { diskBytes: number; apparentBytes: number; roots: number; entries: number };
  }
  const multi = (args: string[]): Multi => JSON.parse(runCliOk(['scan', '--json', '--no-sample', '--top', '3', ...args]).stdout) as Multi;

  it('each root and a grand total, as du -s A B (a file hard-linked into both counted once)', () => {
    const v = path.join(d, 'var');
    const h = path.join(d, 'home');
    const j = multi([v, h]);
    assert.deepEqual(
      j.roots.map((r) => r.root),
      [v, h],
    );
    assert.equal(j.roots[0].diskBytes, du(['-s', '-B1'], v).bytes);
    const duTotal = run('du', ['-s', '-B1', '-c', v, h]);
    assert.equal(j.total.diskBytes, Number(/(\d+)\ttotal/.exec(duTotal.stdout)![1]));
    const duA = run('du', ['-s', '-b', '-c', v, h]);
    assert.equal(j.total.apparentBytes, Number(/(\d+)\ttotal/.exec(duA.stdout)![1]));
    assert.equal(j.total.roots, 2);
    // the text: each root's summary, the roots and the total
    const t = runCliOk(['scan', '--no-sample', '-b', v, h]).stdout;
    assert.match(t, /^Roots \(by disk usage\)$/m);
    assert.match(t, new RegExp(`^\\s+${j.total.diskBytes}  total of 2 roots`, 'm'));
  });

  it('a root inside another, or the same root twice, is counted once and named', () => {
    const v = path.join(d, 'var');
    const j = multi([path.join(d, 'var/log'), v, path.join(d, 'other'), v + '/', path.join(d, 'other/../other')]);
    assert.deepEqual(
      j.roots.map((r) => r.root),
      [v, path.join(d, 'other')],
    );
    const duTotal = run('du', ['-s', '-B1', '-c', path.join(d, 'var/log'), v, path.join(d, 'other')]);
    assert.equal(j.total.diskBytes, Number(/(\d+)\ttotal/.exec(duTotal.stdout)![1]));
    assert.deepEqual(
      j.countedElsewhere.map((c) => [c.path, c.how]),
      [
        [path.join(d, 'var/log'), 'inside'],
        [v + '/', 'same'],
        [path.join(d, 'other/../other'), 'same'],
      ],
    );
  });

  it('after --, every word is a root (a name that starts with -)', () => {
    fs.mkdirSync(path.join(d, '-odd'));
    try {
      const j = JSON.parse(runCliOk(['scan', '--json', '--no-sample', '--', '-odd', 'other'], { cwd: d }).stdout) as Multi;
      assert.deepEqual(
        j.roots.map((r) => r.root),
        [path.join(d, '-odd'), path.join(d, 'other')],
      );
    } finally {
      fs.rmdirSync(path.join(d, '-odd'));
    }
  });

  it('-o, --save and snapshot take one root; a missing root is one line', () => {
    const v = path.join(d, 'var');
    assert.match(assertOneLineError(runCli(['scan', v, d, '-o', path.join(d, 'x.json')]), 2), /one root/);
    assert.ok(!fs.existsSync(path.join(d, 'x.json')));
    assert.match(assertOneLineError(runCli(['scan', v, d, '--save']), 2), /one root/);
    assertOneLineError(runCli(['snapshot', v, d]), 2);
    assert.match(assertOneLineError(runCli(['scan', v, path.join(d, 'nope')]), 1), /cannot scan .*nope: no such file or directory/);
  });
});

describe('the scanning flags: one declaration (cli/commands/scan-flags.ts scanFlagOptions)', () => {
  const SCANNING = ['-x', '--one-file-system', '-X', '--exclude-from', '--exclude', '--exclude-caches', '--cross-mounts', '-L', '--follow-symlinks', '-e', '--extended', '--threads', '--progress', '-0', '--progress-none', '-1', '--progress-line', '-2', '--progress-screen'];
  const EVERY = ['-x', '--one-file-system', '-X', '--exclude-from', '--exclude', '--threads', '--progress'];
  /** the options of `diskblame CMD --help`'s Options: section, each with its help text (wrapped lines joined) */
  const optionsOf = (cmd: string[]): Map<string, string> => {
    const r = runCliOk([...cmd, '--help'], { env: { ...process.env, COLUMNS: '80', DISKBLAME_DEBUG: '' } });
    const text = r.stdout.slice(r.stdout.indexOf('\nOptions:'));
    const m = new Map<string, string>();
    let last: string[] = [];
    for (const line of text.split('\n').slice(2)) {
      const o = /^ {2}(?:(-\w), | {4})(--[\w-]+)\s+(.*)$/.exec(line);
      if (o) {
        last = o[1] ? [o[1], o[2]!] : [o[2]!];
        for (const n of last) m.set(n, o[3]!);
      } else if (/^ {20,}\S/.test(line)) for (const n of last) m.set(n, `${m.get(n)} ${line.trim()}`);
    }
    return m;
  };
  const commands: [string[], string[]][] = [
    [[], SCANNING],
    [['scan'], SCANNING],
    [['tree'], SCANNING],
    [['snapshot'], SCANNING.filter((f) => !/^-[012]$|--progress-/.test(f))],
    [['owners'], EVERY],
  ];

  it('each command takes the ones it took before, no more, with one help text for each flag', () => {
    const texts = new Map<string, string>();
    for (const [cmd, want] of commands) {
      const opts = optionsOf(cmd);
      assert.deepEqual([...opts.keys()].filter((k) => SCANNING.includes(k)).sort(), [...want].sort(), cmd.join(' ') || '(default)');
      for (const f of want) {
        // (-x says where the way out is: owners has none)
        if (f === '-x' || f === '--one-file-system') continue;
        const t = opts.get(f)!;
        if (!texts.has(f)) texts.set(f, t);
        assert.equal(t, texts.get(f), `${cmd.join(' ') || '(default)'} ${f}`);
      }
    }
    assert.match(optionsOf(['owners']).get('-x')!, /always here: no --cross-mounts/);
  });

  it('a flag a command does not take is still refused: one line, exit 2', () => {
    const d = makeTmp('sfset');
    try {
      for (const [cmd, flag] of [
        ['owners', '--cross-mounts'],
        ['owners', '--exclude-caches'],
        ['owners', '-L'],
        ['owners', '-1'],
        ['snapshot', '-0'],
        ['snapshot', '--progress-screen'],
      ] as const)
        assert.match(assertOneLineError(runCli([cmd, d, flag]), 2), /Unknown argument/, `${cmd} ${flag}`);
    } finally {
      rmrf(d);
    }
  });
});

describe('-f FILE with the scanning flags: one check (scan-flags.ts checkFileSource) for the default command, scan and tree', () => {
  let d: string;
  let exp: string;
  before(() => {
    d = makeTmp('sffile');
    exp = path.join(d, 'e.json');
    fs.writeFileSync(exp, '[1,0,{"progname":"test"},[{"name":"/r"},{"name":"f","dsize":4096}]]');
    fs.writeFileSync(path.join(d, 'patterns'), 'x\n');
  });
  after(() => rmrf(d));

  it('PATH, --remote or a flag for scans with -f: one line, exit 2, the same words from each; a directory as FILE: exit 1', () => {
    const cases: [string[], RegExp][] = [
      [[d], /give either PATH or --file, not both/],
      [['--remote', 'nowhere.invalid'], /--file reads an export here: it does not go with --remote/],
      [['--exclude', 'x'], /--exclude and --cross-mounts apply to scans, not to --file/],
      [['-X', path.join(d, 'patterns')], /--exclude and --cross-mounts apply to scans, not to --file/],
      [['--cross-mounts'], /--exclude and --cross-mounts apply to scans, not to --file/],
      [['--exclude-caches'], /--exclude-caches and -L apply to scans, not to --file/],
      [['-L'], /--exclude-caches and -L apply to scans, not to --file/],
    ];
    for (const cmd of [[], ['scan'], ['tree']]) {
      for (const [extra, want] of cases) assert.match(assertOneLineError(runCli([...cmd, '-f', exp, ...extra]), 2), want, [...cmd, ...extra].join(' '));
      assert.match(assertOneLineError(runCli([...cmd, '-f', d]), 1), /not a regular file \(a directory\)/, cmd.join(' '));
      // and the export itself is read
      assert.equal(runCli([...cmd, '-f', exp, ...(cmd.length ? [] : ['--no-ui'])]).code, 0, cmd.join(' '));
    }
  });
});
