/**
 * First contact against a hostile host (all in temp dirs): a `sadf` in PATH that never exits must
 * not cost its timeout once per sysstat file, and a node_exporter textfile swapped for a FIFO
 * between the look and the open must not hang the read.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { readSysstat, readTextfiles } from '../src/app/firstcontact.js';
import { findBackupSets } from '../src/forecast/firstcontact.js';
import { REPO } from './helpers/run.js';
import { makeTmp, rmrf } from './helpers/fs.js';

const tmp = makeTmp('fchostile');
test.after(() => rmrf(tmp));

test('a sadf that never exits is waited for once, not once per sysstat file', () => {
  const bin = path.join(tmp, 'bin');
  const sa = path.join(tmp, 'sa');
  const log = path.join(tmp, 'sadf.log');
  fs.mkdirSync(bin);
  fs.mkdirSync(sa);
  for (const d of ['01', '02', '03']) fs.writeFileSync(path.join(sa, `sa${d}`), 'not really sysstat\n');
  // exec: the process killed at the timeout is the sleep itself
  fs.writeFileSync(path.join(bin, 'sadf'), `#!/bin/sh\necho "$@" >> '${log}'\nexec sleep 600\n`, { mode: 0o755 });
  const old = process.env.PATH;
  process.env.PATH = `${bin}:${old}`;
  try {
    const h = readSysstat('/', 0, sa);
    const runs = fs.readFileSync(log, 'utf8').trim().split('\n');
    assert.equal(runs.length, 1, runs.join('\n'));
    assert.ok(h.notes.some((n) => /timed out/.test(n)), h.notes.join('\n'));
    assert.ok(h.notes.some((n) => /other sysstat files not read/.test(n)), h.notes.join('\n'));
    assert.equal(h.points.length, 0);
  } finally {
    process.env.PATH = old;
  }
});

test('a textfile swapped for a FIFO (and back) while read never hangs the read', async () => {
  const dir = path.join(tmp, 'textfiles');
  fs.mkdirSync(dir);
  const prom = 'diskblame_used_bytes{mountpoint="/srv"} 10\ndiskblame_size_bytes{mountpoint="/srv"} 100\ndiskblame_last_sample_timestamp_seconds{mountpoint="/srv"} 1700000000\n';
  // a swapper renames a regular file and a FIFO over x.prom in turn, as fast as it can
  const swapper = spawn('python3', ['-c', `
import os, sys
d = sys.argv[1]; p = os.path.join(d, 'x.prom')
while True:
    open(os.path.join(d, 'f.tmp'), 'w').write(sys.argv[2]); os.rename(os.path.join(d, 'f.tmp'), p)
    os.mkfifo(os.path.join(d, 'q.tmp')); os.rename(os.path.join(d, 'q.tmp'), p)
`, dir, prom], { stdio: 'ignore' });
  try {
    // (once the swapper runs: a python slow to start on a loaded machine left the child nothing to read)
    for (let k = 0; k < 600 && !fs.existsSync(path.join(dir, 'x.prom')); k++) await new Promise((res) => setTimeout(res, 50));
    // a child reads it many times under a deadline: a blocking open of the FIFO would hang it
    const script = `import { readTextfiles } from ${JSON.stringify(path.join(REPO, 'src', 'app', 'firstcontact.ts'))};
      let got = 0;
      for (let i = 0; i < 20000; i++) got += readTextfiles('/srv', ${JSON.stringify(dir)}).points.length;
      console.log(got);`;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: REPO, timeout: 120_000, encoding: 'utf8', killSignal: 'SIGKILL' });
    assert.equal(r.signal, null, 'the read hung on the FIFO (killed at the deadline)');
    assert.equal(r.status, 0, r.stderr);
    assert.ok(Number(r.stdout) > 0, `the regular file was read sometimes: ${r.stdout}`);
  } finally {
    swapper.kill('SIGKILL');
    await new Promise((res) => (swapper.exitCode !== null || swapper.signalCode !== null ? res(null) : swapper.on('exit', res)));
  }
});

test('a directory of 300,000 numbered copies is one backup set, not a stack overflow', () => {
  const now = Date.UTC(2026, 10, 29);
  const kids = [];
  // one an hour back from now, numbered 1.. (every copy there: growing)
  for (let i = 0; i < 300_000; i++) kids.push({ name: String(i + 1), bytes: 4096, mtime: now - (300_000 - i) * 3_600_000, dir: false, kind: null });
  const sets = findBackupSets('/srv/dump', kids);
  assert.equal(sets.length, 1);
  assert.equal(sets[0]!.copies, 300_000);
  assert.equal(sets[0]!.retention, 'growing');
});

test('a textfile whose sample time is beyond Date\'s range (or in the future) is ignored with a note, not a point', () => {
  const dir = path.join(tmp, 'textfiles-time');
  fs.mkdirSync(dir);
  const prom = (t: string) => `diskblame_used_bytes{mountpoint="/srv"} 5\ndiskblame_size_bytes{mountpoint="/srv"} 100\ndiskblame_last_sample_timestamp_seconds{mountpoint="/srv"} ${t}\n`;
  fs.writeFileSync(path.join(dir, 'a.prom'), prom('99999999999999'));
  fs.writeFileSync(path.join(dir, 'b.prom'), prom(String(Math.floor(Date.now() / 1000) + 30 * 86_400)));
  fs.writeFileSync(path.join(dir, 'c.prom'), prom('1700000000'));
  const r = readTextfiles('/srv', dir);
  assert.deepEqual(r.points.map((p) => path.basename(p.file)), ['c.prom']);
  assert.equal(r.notes.filter((n) => /in the future: ignored/.test(n)).length, 2, r.notes.join('\n'));
});

test('a sysstat row dated beyond Date\'s range (a sadf that prints garbage) is ignored with a note', () => {
  const bin = path.join(tmp, 'bin-garbage');
  const sa = path.join(tmp, 'sa-garbage');
  fs.mkdirSync(bin);
  fs.mkdirSync(sa);
  fs.writeFileSync(path.join(sa, 'sa01'), 'x\n');
  const rows = ['99999999999999', '1700000000', '1700000600'].map((t, k) => `h;600;${t};/srv;10;${5 + k};1;1;1;1;1`);
  fs.writeFileSync(path.join(bin, 'sadf'), `#!/bin/sh\nprintf '${rows.join('\\n')}\\n'\n`, { mode: 0o755 });
  const old = process.env.PATH;
  process.env.PATH = `${bin}:${old}`;
  try {
    const h = readSysstat('/srv', 0, sa);
    assert.deepEqual(h.points.map((p) => p.t), [1_700_000_000_000, 1_700_000_600_000]);
    assert.ok(h.notes.some((n) => /1 sysstat row\(s\) dated in the future/.test(n)), h.notes.join('\n'));
  } finally {
    process.env.PATH = old;
  }
});
