/**
 * The export against the real readers and writers of the format: ncdu 1.18's own export of the same
 * tree, ncdu -f and gdu -f reading ours, gzip, stdout, and broken inputs for -f.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { assertOneLineError, have, run, runCli, runCliOk, scanJson } from './helpers/run.js';
import { BAD_UTF8, BAD_UTF8_DIR, WEIRD_NAMES, buildRichTree, makeTmp, rmrf, type RichTree } from './helpers/fs.js';
import { comparableTotals, dirTotals, get, indexTree, key, loadExport, scanTree, sorted, type Tree } from './helpers/tree.js';

const haveNcdu = have('ncdu');
const haveGdu = have('gdu');

/** The export with its volatile part (the metadata timestamp) blanked out. */
function normalized(b: Buffer): Buffer {
  const s = b.toString('latin1');
  const nl = s.indexOf('\n');
  assert.ok(nl > 0, 'export has no first line');
  return Buffer.from(s.slice(0, nl).replace(/"timestamp":\d+/, '"timestamp":0') + s.slice(nl), 'latin1');
}

/** Entries by path: kind (symlink and other merged when the producer cannot tell them apart) and own sizes. */
function entries(t: Tree, mergeNotreg: boolean): [string, string][] {
  const m = new Map<string, string>();
  for (const [k, n] of indexTree(t)) {
    const kind = mergeNotreg && (n.kind === 'symlink' || n.kind === 'other') ? 'notreg' : n.kind;
    m.set(k, `${kind} a=${n.ownA} d=${n.ownD}${n.hardlink ? ' hardlink' : ''}${n.excluded ? ` excl=${n.excluded}` : ''}${n.readError ? ' err' : ''}`);
  }
  return sorted(m);
}

describe('exports vs ncdu and gdu', () => {
  let rich: RichTree;
  let root: string;
  let outside: string;
  let work: string;
  let ours: Tree; // library scan
  const f = (name: string) => path.join(work, name);

  before(async () => {
    root = makeTmp('exp');
    outside = makeTmp('exp-outside');
    work = makeTmp('exp-work');
    rich = buildRichTree(root, outside);
    ours = await scanTree(root);
  });
  after(() => {
    rmrf(root);
    rmrf(outside);
    rmrf(work);
  });

  // ---------------------------------------------------------------------------------- requirement 2
  for (const flags of [['-x'], ['-x', '-e']]) {
    it(`ncdu ${flags.join(' ')} -o: its export of the same tree has our totals, directory sizes and entries`, async (t) => {
      if (!haveNcdu) return t.skip('ncdu not installed');
      const out = f(`ncdu${flags.join('')}.json`);
      // -0: no progress UI, so stderr carries only errors
      const r = run('ncdu', ['-0', ...flags, '-o', out, root]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stderr, '');
      const nc = await loadExport(out);
      assert.deepEqual(comparableTotals(ours), comparableTotals(nc), 'totals: ours (library scan) vs ncdu');
      assert.deepEqual(sorted(dirTotals(indexTree(ours))), sorted(dirTotals(indexTree(nc))), 'directory [apparent, disk, items]: ours vs ncdu');
      const extended = flags.includes('-e'); // with modes, symlinks and FIFOs can be told apart
      assert.deepEqual(entries(ours, !extended), entries(nc, !extended), 'every entry: kind and own sizes');
      const j = scanJson(root);
      assert.equal(j.apparentBytes, nc.sizeA(0));
      assert.equal(j.diskBytes, nc.sizeD(0));
      assert.equal(j.entries, nc.count);
    });
  }

  for (const threads of ['1', '4']) {
    it(`our export (--threads ${threads}) equals ncdu's export of the same tree, directory by directory`, async (t) => {
      if (!haveNcdu) return t.skip('ncdu not installed');
      const nce = f('ncdu-ref.json');
      assert.equal(run('ncdu', ['-0', '-x', '-e', '-o', nce, root]).code, 0);
      const out = f(`ours-t${threads}.json`);
      runCliOk(['scan', root, '--threads', threads, '-o', out]);
      const mine = await loadExport(out);
      const nc = await loadExport(nce);
      assert.deepEqual(sorted(dirTotals(indexTree(mine))), sorted(dirTotals(indexTree(nc))), 'directory [apparent, disk, items]: our export vs ncdu');
      assert.deepEqual(entries(mine, false), entries(nc, false), 'every entry: our export vs ncdu -e');
    });
  }

  it('--threads 1 export: directories carry their own names (not bytes of a recycled buffer)', async () => {
    const small = makeTmp('names');
    try {
      for (const d of ['alpha/beta', 'gamma', 'delta-directory/e']) fs.mkdirSync(path.join(small, d), { recursive: true });
      fs.writeFileSync(path.join(small, 'gamma', 'file'), 'x');
      const r = runCliOk(['scan', small, '--threads', '1', '-o', '-']);
      const keys = [...indexTree(await loadExport(r.stdoutBuf)).keys()].sort();
      assert.deepEqual(keys, ['', 'alpha', 'alpha/beta', 'delta-directory', 'delta-directory/e', 'gamma', 'gamma/file']);
    } finally {
      rmrf(small);
    }
  });

  // ---------------------------------------------------------------------------------- requirement 3
  it('ncdu -f reads our export without a complaint; re-exported, it has our totals and names, byte for byte', async (t) => {
    if (!haveNcdu) return t.skip('ncdu not installed');
    const out = f('ours.json');
    runCliOk(['scan', root, '-o', out]);
    const re = f('ours-re.json');
    const r = run('ncdu', ['-0', '-f', out, '-o', re]);
    assert.equal(r.code, 0);
    assert.equal(r.stderr, '', 'ncdu 1.x reports import errors on stderr (and exits 0)');
    const back = await loadExport(re);
    assert.deepEqual(comparableTotals(back), comparableTotals(ours), 'totals after ncdu -f -o');
    assert.deepEqual(sorted(dirTotals(indexTree(back))), sorted(dirTotals(indexTree(ours))), 'directory sizes after ncdu -f -o');
    // names: raw bytes in the file, identical bytes after the round trip
    const raw = fs.readFileSync(re);
    for (const nm of [BAD_UTF8, BAD_UTF8_DIR])
      assert.ok(raw.includes(Buffer.concat([Buffer.from('{"name":"'), nm, Buffer.from('"')])), `raw name ${nm.toString('hex')} in ncdu's re-export`);
    const m = indexTree(back);
    assert.equal(get(m, key('names', BAD_UTF8)).ownA, 7);
    assert.equal(get(m, key('names', BAD_UTF8_DIR, 'inner')).ownA, 5000);
    for (const n of WEIRD_NAMES) assert.equal(get(m, key('names', n)).ownA, 100, JSON.stringify(n));
    assert.equal(indexTree(back).size, rich.expect.entries);
  });

  /*
   * gdu 5.22 -n (non-interactive) -p (no progress) -s (total only) --no-prefix (bytes) -f FILE prints
   * "<bytes> <root basename>". Its import sums the directories' own sizes too and counts a hard-linked
   * inode once in the whole tree, so its total is du -sB1's (with -a: du -sb's), which is ours.
   */
  it('gdu -n -p -f reads our export: exit 0, no stderr, same totals (disk and apparent)', (t) => {
    if (!haveGdu) return t.skip('gdu not installed');
    const out = f('for-gdu.json');
    const j = JSON.parse(runCliOk(['scan', root, '--json', '-o', out]).stdout) as { diskBytes: number; apparentBytes: number };
    const total = (extra: string[]) => {
      const r = run('gdu', ['-n', '-p', '-s', '--no-prefix', ...extra, '-f', out]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stderr, '');
      const m = /^\s*(\d+)\s+(.*)$/.exec(r.stdout.trim());
      assert.ok(m, `gdu printed ${JSON.stringify(r.stdout)}`);
      assert.equal(m[2], path.basename(root));
      return Number(m[1]);
    };
    assert.equal(total([]), j.diskBytes, 'gdu total (disk) vs ours');
    assert.equal(total(['-a']), j.apparentBytes, 'gdu -a total (apparent) vs ours');
    // the listing of the root's children: directory names and a link-free directory's size
    const r = run('gdu', ['-n', '-p', '--no-prefix', '-f', out]);
    assert.equal(r.code, 0);
    assert.equal(r.stderr, '');
    const listed = new Map<string, number>();
    for (const l of r.stdout.split('\n')) {
      const m = /^\s*(\d+)\s+\/(\S+)$/.exec(l);
      if (m) listed.set(m[2], Number(m[1]));
    }
    for (const d of ['data', 'other', 'plain', 'empty1', 'nest', 'names']) assert.ok(listed.has(d), `gdu does not list directory /${d}: ${r.stdout}`);
    assert.equal(listed.get('plain'), get(indexTree(ours), 'plain').sizeD, 'gdu size of /plain');
  });

  it('.gz export: gunzips to the plain export; zcat | ncdu -f - reads it', async (t) => {
    const plain = f('p.json');
    const gz = f('p.json.gz');
    runCliOk(['scan', root, '-o', plain]);
    runCliOk(['scan', root, '-o', gz]);
    const z = fs.readFileSync(gz);
    assert.deepEqual([z[0], z[1]], [0x1f, 0x8b], 'not gzip');
    assert.ok(normalized(gunzipSync(z)).equals(normalized(fs.readFileSync(plain))), 'gunzipped export differs from the plain one');
    assert.deepEqual(comparableTotals(await loadExport(gz)), comparableTotals(ours));
    if (!haveNcdu) return t.skip('ncdu not installed: zcat | ncdu -f - not checked');
    const re = f('gz-re.json');
    const r = run('bash', ['-c', 'set -o pipefail; zcat -- "$1" | ncdu -0 -f - -o "$2"', 'sh', gz, re]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    const back = await loadExport(re);
    assert.deepEqual(comparableTotals(back), comparableTotals(ours), 'totals after zcat | ncdu -f -');
  });

  it('-o - writes the export to stdout (the same bytes as -o FILE), nothing else', async () => {
    const file = f('s.json');
    runCliOk(['scan', root, '--threads', '1', '-o', file]);
    const r = runCliOk(['scan', root, '--threads', '1', '-o', '-']);
    assert.ok(r.stdoutBuf.subarray(0, 5).equals(Buffer.from('[1,2,')), 'stdout does not start like an export');
    assert.ok(r.stdoutBuf.subarray(-2).equals(Buffer.from(']\n')), 'stdout does not end like an export');
    assert.ok(normalized(r.stdoutBuf).equals(normalized(fs.readFileSync(file))), 'stdout export differs from the file export');
    assert.deepEqual(comparableTotals(await loadExport(r.stdoutBuf)), comparableTotals(ours));
  });

  it('no temporary file is left next to an export; an unwritable destination is one error line', () => {
    const before = new Set(fs.readdirSync(work));
    runCliOk(['scan', root, '-o', f('clean.json')]);
    const added = fs.readdirSync(work).filter((n) => !before.has(n));
    assert.deepEqual(added, ['clean.json']);
    assertOneLineError(runCli(['scan', root, '-o', path.join(work, 'no', 'such', 'dir', 'x.json')]), 1);
  });

  it('scan -f reads our export and ncdu\'s: the same summary as the scan', (t) => {
    const j = scanJson(root);
    const out = f('sum.json');
    runCliOk(['scan', root, '-o', out]);
    const pick = (x: Record<string, unknown>) => {
      const { root: _r, elapsedMs: _e, source: _s, producer: _p, topDirs: _d, topFiles: _f, ...rest } = x;
      return rest;
    };
    const fromOurs = JSON.parse(runCliOk(['scan', '-f', out, '--json']).stdout);
    assert.deepEqual(pick(fromOurs), pick(j as never), 'scan -f ours vs scan');
    if (!haveNcdu) return t.skip('ncdu not installed');
    const nce = f('sum-ncdu.json');
    assert.equal(run('ncdu', ['-0', '-x', '-e', '-o', nce, root]).code, 0);
    const fromNcdu = JSON.parse(runCliOk(['scan', '-f', nce, '--json']).stdout);
    assert.deepEqual(pick(fromNcdu), pick(j as never), 'scan -f ncdu -e export vs scan');
  });

  // ---------------------------------------------------------------------------------- requirement 9
  describe('-f with a broken export: exit 1, one line with the byte offset', () => {
    let good: Buffer;
    before(() => {
      runCliOk(['scan', root, '-o', f('good.json')]);
      good = fs.readFileSync(f('good.json'));
    });

    it('truncated', () => {
      const n = Math.floor(good.length / 2);
      fs.writeFileSync(f('trunc.json'), good.subarray(0, n));
      const l = assertOneLineError(runCli(['scan', '-f', f('trunc.json')]), 1);
      assert.match(l, new RegExp(`\\bbyte ${n}\\b`), 'offset of the end of input');
    });

    it('corrupt (a letter where a number belongs)', () => {
      const at = good.indexOf('"asize":', good.indexOf('\n', good.indexOf('\n') + 1)) + '"asize":'.length;
      assert.ok(at > 20);
      const bad = Buffer.from(good);
      bad[at] = 0x78; // 'x'
      fs.writeFileSync(f('corrupt.json'), bad);
      const l = assertOneLineError(runCli(['scan', '-f', f('corrupt.json')]), 1);
      assert.match(l, new RegExp(`\\bbyte ${at}\\b`), `offset of the bad byte (${at})`);
      // also when converting with -o
      assertOneLineError(runCli(['scan', '-f', f('corrupt.json'), '-o', f('never.json')]), 1);
      assert.ok(!fs.existsSync(f('never.json')), 'a failed conversion left an output file');
    });

    it('truncated gzip', () => {
      const gz = runCliOk(['scan', root, '-o', '-']).stdoutBuf;
      const z = gzipSync(gz);
      fs.writeFileSync(f('trunc.json.gz'), z.subarray(0, Math.floor(z.length / 2)));
      const l = assertOneLineError(runCli(['scan', '-f', f('trunc.json.gz')]), 1);
      assert.match(l, /\bbyte \d+/);
    });

    it('not an export, and a missing file', () => {
      fs.writeFileSync(f('hello.txt'), 'hello\n');
      assert.match(assertOneLineError(runCli(['scan', '-f', f('hello.txt')]), 1), /\bbyte 0\b/);
      assertOneLineError(runCli(['scan', '-f', f('missing.json')]), 1);
    });
  });
});
