/**
 * Bench section: what attribution adds to a scan of /usr (target: at most 20%), and how long
 * reading /proc takes (target: 1,000 processes with 100,000 open fds in under a second; here:
 * whatever this machine runs, plus a synthetic load of held fds when asked).
 */
import { spawn } from 'node:child_process';
import { Tree } from '../src/tree/tree.js';
import { Scanner } from '../src/scan/scanner.js';
import { estimateEntries } from '../src/scan/estimate.js';
import { attributeAll, loadOwnerData } from '../src/owners/attribute.js';
import { readProcesses } from '../src/owners/procs.js';

export interface OwnersCost {
  tree: string;
  entries: number;
  scanMs: number;
  loadMs: number;
  attributeMs: number;
  overheadPct: number;
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
    const t0 = performance.now();
    await new Scanner(root, t, {}).run();
    scans.push(performance.now() - t0);
    entries = t.count;
    const data = loadOwnerData();
    loads.push(data.loadMs);
    const t1 = performance.now();
    attributeAll(t, data, 10);
    attrs.push(performance.now() - t1);
  }
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
  return { tree: root, entries, scanMs, loadMs, attributeMs, overheadPct: (100 * (loadMs + attributeMs)) / scanMs, procs };
}
