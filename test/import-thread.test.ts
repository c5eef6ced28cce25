/**
 * import/threaded.ts: an export read with the parse on a worker thread gives the same tree as the
 * reader on this thread (every array of the tree, and the export written back from it, byte for
 * byte), and the same errors (message and byte offset); `scan -f` with and without the thread
 * prints the same, and bad input is one line and a non-zero exit either way. The worker runs the
 * tsc build (dist/cli/main.js): build first.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { execFileSync, spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { importExport, ImportError } from '../src/import/ncdu-reader.js';
import { exportSize, importInThread, threadWorthIt } from '../src/import/threaded.js';
import { replayTree, Tree } from '../src/tree/tree.js';
import { NcduWriter } from '../src/export/ncdu-writer.js';
import { CLI, runCli } from './helpers/run.js';

const SCRIPT = pathToFileURL(CLI);

/**
 * An export with everything a record carries: sizes and inode numbers from 2^53 up (exact as
 * bigints), hard links, owners, modes, times, devices that change, excluded and unreadable entries,
 * escaped and non-UTF-8 names, names of 128 bytes and more (a longer length field), directories 300
 * deep (past the decoder's first stack), and enough files to fill many chunks.
 */
function bigExport(files: number): Buffer {
  const parts: (string | Buffer)[] = [];
  parts.push('[1,2,{"progname":"test","progver":"1","timestamp":1700000000,"__proto__":{"x":1},"note":"\\u00e9"},\n');
  parts.push('[{"name":"/root/of/it","asize":4096,"dsize":4096,"dev":2049,"ino":2,"uid":0,"gid":0,"mode":16877,"mtime":1700000000},\n');
  parts.push('{"name":"huge","asize":1152921504606846976,"dsize":36028797018963968,"ino":4611686018427387904,"nlink":2,"uid":1000,"gid":1000,"mode":33188,"mtime":1},\n');
  parts.push('{"name":"huge-link","asize":1152921504606846976,"dsize":36028797018963968,"ino":4611686018427387904,"nlink":2},\n');
  parts.push('{"name":"esc\\n\\"\\\\\\u0001\\ud83d\\ude00\\udc00","asize":1},\n');
  parts.push(Buffer.from('{"name":"raw-\xff\xfe-latin","asize":2},\n', 'latin1'));
  parts.push(`{"name":"${'L'.repeat(200)}","asize":3,"dsize":4096},\n`);
  parts.push(`{"name":"${'M'.repeat(5000).slice(0, 4000)}","asize":3,"dsize":4096},\n`);
  parts.push('{"name":"mnt","excluded":"otherfs","dev":77},\n');
  parts.push('{"name":"pat","excluded":"pattern"},\n');
  parts.push('{"name":"sock","notreg":true,"mode":49645},\n');
  parts.push('{"name":"sym","mode":41471,"asize":10},\n');
  parts.push('[{"name":"unreadable","read_error":true}],\n');
  parts.push('[{"name":"otherdev","asize":4096,"dev":99},{"name":"f","asize":5,"dsize":4096}],\n');
  let deep = '';
  for (let d = 0; d < 300; d++) deep += `[{"name":"d${d}","asize":4096,"dsize":4096},\n{"name":"f","asize":${d},"dsize":512},\n`;
  parts.push(deep + '{"name":"bottom"}' + ']'.repeat(300) + ',\n');
  parts.push('[{"name":"many","asize":4096,"dsize":4096},\n');
  const many: string[] = [];
  for (let k = 0; k < files; k++) {
    const ext = k % 7 === 0 ? `,"uid":${k % 5},"gid":${k % 3},"mode":33188,"mtime":${1600000000 + k}` : '';
    const link = k % 250 === 0 ? `,"ino":${100000 + (k % 1000)},"nlink":3,"hlnkc":true` : '';
    many.push(`{"name":"file-${k}.txt","asize":${(k * 7919) % 100000},"dsize":${(k % 9) * 4096}${ext}${link}}`);
  }
  parts.push(many.join(',\n') + ']]]\n');
  return Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : p)));
}

/** The export of a finished tree, written back (extended fields, directory inodes), its own time left out. */
async function exported(tree: Tree): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const w = new NcduWriter('(test)', {
    extended: true,
    dirInodes: true,
    gzip: false,
    target: { write: (d) => void chunks.push(Buffer.from(d)), commit: () => '(test)', abort: () => undefined },
  });
  await replayTree(tree, w);
  const all = Buffer.concat(chunks);
  const head = all.indexOf('\n');
  assert.match(all.subarray(0, head).toString(), /"timestamp":\d+/);
  return Buffer.concat([Buffer.from(all.subarray(0, head).toString().replace(/"timestamp":\d+/, '')), all.subarray(head)]);
}

/** Everything the tree answers about every entry (through its accessors: its layout may change), for a deep comparison. */
function contents(t: Tree): unknown {
  const rows: unknown[] = [];
  for (let i = 0; i < t.count; i++) {
    const dir = t.isDir(i);
    rows.push([
      Buffer.from(t.nameOf(i)).toString('latin1'),
      t.depthOf(i),
      t.type(i),
      t.exactOwnA(i),
      t.exactOwnD(i),
      t.exactSizeA(i),
      t.exactSizeD(i),
      t.items(i),
      t.mtimeOf(i),
      t.modeOf(i),
      t.uidOf(i),
      t.gidOf(i),
      t.devOf(i),
      t.inoOf(i),
      t.nlinkOf(i),
      t.isHardlink(i),
      t.readError(i),
      t.subtreeError(i),
      t.excluded(i),
      dir ? t.dirInoOf(i) : null,
      dir ? [...t.children(i)] : null,
    ]);
  }
  return { rows, info: t.info, totals: t.totals() };
}

async function here(file: string): Promise<Tree> {
  const t = new Tree();
  await importExport(file, t, { label: file });
  return t;
}

async function threaded(file: string): Promise<Tree> {
  const t = new Tree();
  const job = importInThread(SCRIPT, file, t, file);
  await job.done;
  assert.equal(job.progress().entries, t.count);
  return t;
}

async function errorOf(p: Promise<unknown>): Promise<ImportError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof ImportError, `an ImportError, not ${String(e)}`);
    return e;
  }
  assert.fail('no error');
}

describe('import on a worker thread', () => {
  let dir: string;
  let good: string;
  let data: Buffer;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'diskblame-import-thread-'));
    data = bigExport(60000);
    good = join(dir, 'good.json');
    writeFileSync(good, data);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('gives the same tree as the reader on this thread, plain and gzip', async () => {
    const a = await here(good);
    const b = await threaded(good);
    assert.ok(a.count > 60000);
    assert.deepEqual(contents(b), contents(a));
    assert.ok(typeof a.exactOwnA(1) === 'bigint' && typeof a.inoOf(1) === 'bigint', 'bigints crossed the thread');
    assert.ok((await exported(b)).equals(await exported(a)));
    const gz = join(dir, 'good.json.gz');
    writeFileSync(gz, gzipSync(data));
    assert.deepEqual(contents(await threaded(gz)), contents(a));
  });

  it('an empty root and a one-entry export', async () => {
    for (const text of ['[1,0,{},[{"name":"/x"}]]', '[1,0,{},[{"name":"/x"},{"name":"a","asize":1}]]']) {
      const f = join(dir, 'small.json');
      writeFileSync(f, text);
      assert.deepEqual(contents(await threaded(f)), contents(await here(f)));
    }
  });

  it('gives the same errors, with their byte offsets', async () => {
    const cases: [string, Buffer][] = [
      ['truncated', data.subarray(0, data.length - 5000)],
      ['bad-value', Buffer.concat([data.subarray(0, data.length - 4), Buffer.from(',{"name":"x","asize":-1}]]]\n')])],
      ['long-name', Buffer.concat([data.subarray(0, data.length - 4), Buffer.from(`,{"name":"${'n'.repeat(5000)}"}]]]\n`)])],
      ['trailing', Buffer.concat([data, Buffer.from('x')])],
      ['not-export', Buffer.from('hello')],
    ];
    for (const [name, bytes] of cases) {
      const f = join(dir, `${name}.json`);
      writeFileSync(f, bytes);
      const a = await errorOf(here(f));
      const b = await errorOf(threaded(f));
      assert.equal(b.message, a.message, name);
      assert.equal(b.offset, a.offset, name);
    }
    const missing = join(dir, 'missing.json');
    assert.equal((await errorOf(threaded(missing))).message, (await errorOf(here(missing))).message);
  });

  it('scan -f prints the same with and without the thread; bad input is one line, exit 1', () => {
    const out = (threads: string, file: string) => {
      const r = runCli(['scan', '-f', file, '--json', '--no-progress', '--no-sample', '--top', '20'], { env: { ...process.env, DISKBLAME_IMPORT_THREADS: threads } });
      return { ...r, stdout: r.stdout.replace(/"elapsedMs": \d+/, '') };
    };
    const one = out('1', good);
    const two = out('2', good);
    assert.equal(one.code, 0, one.stderr);
    assert.equal(two.code, 0, two.stderr);
    assert.equal(two.stdout, one.stdout);
    assert.match(two.stdout, /"entries": 60\d{3}/);
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, data.subarray(0, data.length - 5000));
    const e1 = out('1', bad);
    const e2 = out('2', bad);
    assert.equal(e2.code, e1.code);
    assert.notEqual(e2.code, 0);
    assert.equal(e2.stderr, e1.stderr);
    assert.equal(e2.stderr.trim().split('\n').length, 1, e2.stderr);
    assert.match(e2.stderr, /truncated/);
  });

  it('sizes the tree from the file: plain by its size, not gzip; nothing for stdin, a FIFO, a directory', () => {
    assert.deepEqual(exportSize(good), { bytes: data.length, entries: Math.ceil(data.length / 40) });
    const gz = join(dir, 'sized.json.gz');
    writeFileSync(gz, gzipSync(data));
    assert.deepEqual(exportSize(gz), { bytes: statSync(gz).size, entries: 0 });
    const fifo = join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    for (const f of ['-', fifo, dir, join(dir, 'missing')]) assert.deepEqual(exportSize(f), { bytes: null, entries: 0 }, f);
  });

  it('starts the thread when told, or (auto) for a file of 1 MiB or more with a core free', async () => {
    const old = process.env.DISKBLAME_IMPORT_THREADS;
    try {
      delete process.env.DISKBLAME_IMPORT_THREADS;
      assert.equal(await threadWorthIt(good, data.length, SCRIPT), false, 'not by default');
      process.env.DISKBLAME_IMPORT_THREADS = 'auto';
      assert.equal(await threadWorthIt('-', null, SCRIPT), false);
      assert.equal(await threadWorthIt(good, 1000, SCRIPT), false);
      assert.equal(await threadWorthIt(good, data.length, null), false);
      // every processor kept busy: no core is free
      const hogs = Array.from({ length: availableParallelism() }, () => spawn(process.execPath, ['-e', 'for (;;);'], { stdio: 'ignore' }));
      try {
        await new Promise((r) => setTimeout(r, 300));
        assert.equal(await threadWorthIt(good, data.length, SCRIPT), false);
      } finally {
        for (const h of hogs) h.kill();
      }
      process.env.DISKBLAME_IMPORT_THREADS = '2';
      assert.equal(await threadWorthIt(good, data.length, SCRIPT), true);
      process.env.DISKBLAME_IMPORT_THREADS = '1';
      assert.equal(await threadWorthIt(good, data.length, SCRIPT), false);
    } finally {
      if (old === undefined) delete process.env.DISKBLAME_IMPORT_THREADS;
      else process.env.DISKBLAME_IMPORT_THREADS = old;
    }
  });
});
