/**
 * Bench section: keypress-to-frame time of the browser on a 1M-entry tree whose largest directory
 * holds 100,000 entries (built in memory: the scan has its own section). Rendered through
 * ink-testing-library at 80x24; a frame counts when Ink has written it.
 */
import React from 'react';
import { render } from 'ink-testing-library';
import { emptyEntry, EntryType } from '../src/model/entry.js';
import { Tree } from '../src/tree/tree.js';
import { Browser } from '../src/ui/Browser.js';

export interface LatencyRow {
  action: string;
  runs: number;
  medianMs: number;
  maxMs: number;
}

function buildTree(): Tree {
  const t = new Tree(1_020_000);
  const e = { ...emptyEntry(), uid: 0, gid: 0, mode: 0o100644, mtime: 1_700_000_000 };
  t.enterDir({ ...e, name: Buffer.from('/bench'), type: EntryType.Dir, dsize: 4096, asize: 4096, mode: 0o40755 });
  t.enterDir({ ...e, name: Buffer.from('huge'), type: EntryType.Dir, dsize: 4096, asize: 4096, mode: 0o40755 });
  for (let k = 0; k < 100_000; k++) {
    const sz = ((k * 7919) % 100_003) * 512;
    t.addEntry({ ...e, name: Buffer.from(`file-${k}.dat`), type: EntryType.File, dsize: sz, asize: sz, mtime: 1_700_000_000 + ((k * 31) % 86400) });
  }
  t.leaveDir();
  for (let d = 0; d < 9000; d++) {
    t.enterDir({ ...e, name: Buffer.from(`d${d}`), type: EntryType.Dir, dsize: 4096, asize: 4096, mode: 0o40755 });
    for (let k = 0; k < 100; k++) t.addEntry({ ...e, name: Buffer.from(`f${k}`), type: EntryType.File, dsize: 4096, asize: k });
    t.leaveDir();
  }
  t.leaveDir();
  t.finish({ timestamp: 0, producer: 'bench', incomplete: false });
  return t;
}

export async function measureUiLatency(): Promise<{ entries: number; rows: LatencyRow[] }> {
  const tree = buildTree();
  const inst = render(
    <Browser tree={tree} width={80} height={24} readOnly incomplete={false} color={false} volume="" tabs="[1 Browse]" rescan={async () => {}} quit={() => {}} />,
  );
  const frames = inst.stdout.frames;
  const settle = () => new Promise((r) => setTimeout(r, 5));
  await settle();
  /** time from writing `key` to the next frame */
  const press = async (key: string): Promise<number> => {
    const before = frames.length;
    const t0 = performance.now();
    inst.stdin.write(key);
    while (frames.length === before) {
      await new Promise((r) => setImmediate(r));
      if (performance.now() - t0 > 10_000) throw new Error(`no frame after ${JSON.stringify(key)}`);
    }
    const ms = performance.now() - t0;
    await settle();
    return ms;
  };
  const rows: LatencyRow[] = [];
  const stat = (action: string, xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    rows.push({ action, runs: xs.length, medianMs: s[Math.floor(s.length / 2)], maxMs: s[s.length - 1] });
  };
  // the root lists huge/ first (largest): open it, the first sort of its 100,000 entries
  stat('open the 100,000-entry directory (first sort by size)', [await press('\r')]);
  const down: number[] = [];
  for (let k = 0; k < 30; k++) down.push(await press('j'));
  stat('j / Down: move the cursor', down);
  const pg: number[] = [];
  for (let k = 0; k < 10; k++) pg.push(await press('\x1b[6~'));
  stat('PgDn', pg);
  stat('End', [await press('\x1b[F')]);
  stat('Home', [await press('\x1b[H')]);
  stat('n: sort 100,000 by name (new order)', [await press('n')]);
  stat('n again: reverse (new order)', [await press('n')]);
  stat('M: sort by mtime (new order)', [await press('M')]);
  const cached: number[] = [];
  for (let k = 0; k < 5; k++) {
    cached.push(await press('s'));
    cached.push(await press('n'));
  }
  stat('s / n again: re-sort, cached orders', cached);
  const updown: number[] = [];
  for (let k = 0; k < 5; k++) {
    updown.push(await press('h'));
    updown.push(await press('\r'));
  }
  stat('up and back into the 100,000-entry directory', updown);
  inst.unmount();
  return { entries: tree.count, rows };
}
