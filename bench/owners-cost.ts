/**
 * Bench section: what attribution adds to a scan of /usr (target: at most 20%), and how long
 * reading /proc takes (target: 1,000 processes with 100,000 open fds in under a second; here:
 * whatever this machine runs, plus a synthetic load of held fds when asked).
 */
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Tree } from '../src/tree/tree.js';
import { Scanner } from '../src/scan/scanner.js';
import { estimateEntries } from '../src/scan/estimate.js';
import { attributePrepared, prepareOwnerData } from '../src/owners/attribute.js';
import { readProcesses } from '../src/owners/procs.js';

export interface OwnersCost {
  tree: string;
  entries: number;
  scanMs: number;
  loadMs: number;
  attributeMs: number;
  overheadPct: number;
  /** the commands end to end (the installed bundle): `scan PATH --json` and `owners PATH --json --sample-ms 0`, alternated */
  commands: { runs: number; scanMs: number; ownersMs: number; overheadPct: number; packageTableCached: boolean };
  procs: { processes: number; fds: number; ms: number }[];
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export async function measureOwnersCost(root = '/usr', runs = 3): Promise<OwnersCost> {
  const scans: number[] = [];
  const attrs: number[] = [];
  const loads: number[] = [];
  let entries = 0;
  for (let k = 0; k < runs; k++) {
    const t = new Tree(estimateEntries(root));
    const data = prepareOwnerData(); // as owners does: the package table is read (or built) during the scan
    loads.push(data.loadMs);
    const t0 = performance.now();
    await new Scanner(root, t, {}).run();
    scans.push(performance.now() - t0);
    entries = t.count;
    attrs.push((await attributePrepared(t, data, 10)).attributeMs);
  }
  // end to end: what an operator waits for (the package table cache is warm after the first run)
  const bundle = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'diskblame.cjs');
  const wall = (args: string[]) => {
    const t = performance.now();
    const r = spawnSync(process.execPath, [bundle, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    if (r.status !== 0) throw new Error(`diskblame ${args.join(' ')}: exit ${r.status}: ${r.stderr}`);
    return performance.now() - t;
  };
  wall(['owners', root, '--json', '--sample-ms', '0']);
  const cs: number[] = [];
  const co: number[] = [];
  const n = Math.max(5, runs);
  for (let k = 0; k < n; k++) {
    cs.push(wall(['scan', root, '--json', '--no-progress']));
    co.push(wall(['owners', root, '--json', '--sample-ms', '0', '--no-progress']));
  }
  const commands = { runs: n, scanMs: median(cs), ownersMs: median(co), overheadPct: (100 * (median(co) - median(cs))) / median(cs), packageTableCached: true };

  const procs: OwnersCost['procs'] = [];
  const read = async () => {
    const s = await readProcesses({ sampleMs: 0 });
    procs.push({ processes: s.scannedProcesses, fds: s.scannedFds, ms: s.elapsedMs });
  };
  await read();
  // a synthetic load: 50 processes holding 2,000 fds each (100,000 fds), then read again
  const kids = Array.from({ length: 50 }, () =>
    spawn('python3', ['-c', 'import os,sys,time\nfs=[os.open("/etc/hostname", os.O_RDONLY) for _ in range(2000)]\nprint("ok",flush=True)\ntime.sleep(60)'], { stdio: ['ignore', 'pipe', 'ignore'] }),
  );
  try {
    await Promise.all(kids.map((c) => new Promise((r) => c.stdout!.once('data', r))));
    await read();
  } finally {
    for (const c of kids) c.kill('SIGKILL');
  }
  const scanMs = median(scans);
  const loadMs = median(loads);
  const attributeMs = median(attrs);
  return { tree: root, entries, scanMs, loadMs, attributeMs, overheadPct: (100 * (loadMs + attributeMs)) / scanMs, commands, procs };
}
