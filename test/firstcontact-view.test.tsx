/**
 * The Forecast view's first contact (FirstContactPane, ink-testing-library) at 80x24 (the App gives
 * the view 22 rows): a real tree with recent writes in many directories, backups and logs; every
 * line within 80 columns and none cut (the report is wrapped, not truncated), what does not fit
 * scrolls above the offer, which stays in sight, and scrolling to the end shows the last line.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import React from 'react';
import { render } from 'ink-testing-library';
import { FirstContactPane, firstContactLines } from '../src/ui/FirstContactView.js';
import { firstContactOfTree } from '../src/app/firstcontact.js';
import { width as colWidth } from '../src/ui/text.js';
import { makeTmp, rmrf } from './helpers/fs.js';
import { scanTree } from './helpers/tree.js';

const DAY = 86_400_000;
const tmp = makeTmp('fc-view');
test.after(() => rmrf(tmp));
const tick = () => new Promise((r) => setTimeout(r, 80));
const PGDN = '\u001b[6~';
const END_KEY = '\u001b[F';

/** a tree with writes of the last hour, day, week and month in a dozen directories, a nightly backup set, a log */
function build(root: string): void {
  const now = Date.now();
  const put = (rel: string, bytes: number, ageMs: number) => {
    const p = path.join(root, rel);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, Buffer.alloc(bytes, 0x61));
    const t = new Date(now - ageMs);
    fs.utimesSync(p, t, t);
  };
  for (let d = 0; d < 12; d++) for (let k = 0; k < 3; k++) put(`srv/project-with-a-long-name-${d}/data/part-${k}.bin`, 200_000 + d * 10_000, (d + k) * 2 * DAY + 3_600_000);
  for (let k = 0; k < 7; k++) put(`var/backups/nightly/db-2026-11-${String(20 + k).padStart(2, '0')}.sql.gz`, 1_000_000, (7 - k) * DAY);
  put('var/log/app/debug.log', 3_000_000, 60_000);
  put('old/static.bin', 500_000, 400 * DAY);
}

const WHY = 'no usage samples of /some/mount/point/that/is/long in /home/someone/.local/state/diskblame/samples.jsonl: record some with `diskblame sample` (cron, or the diskblame-sample.timer the package installs), or give --history FILE';

test('first contact at 80x24: wrapped within 80 columns, nothing cut, the rest scrolls under a line that says so, the offer stays', async () => {
  const root = path.join(tmp, 'tree');
  build(root);
  const tree = await scanTree(root);
  const W = 80;
  const H = 22;
  // the lines the view has to show, from the same report
  const report = firstContactOfTree(tree, root);
  const { body, tail } = firstContactLines({ report, error: null, why: WHY, offer: { step: 'idle' }, width: W });
  assert.ok(body.length + tail.length > H, `the report is ${body.length} lines: too short to test the scrolling`);
  for (const l of [...body, ...tail]) assert.ok(colWidth(l) <= W, `wider than ${W}: ${l}`);
  // the words of the unwrapped report are all there, in order
  const flat = (ls: string[]) => ls.join(' ').replace(/\s+/g, ' ').trim();
  const words = flat(body).split(' ');
  assert.ok(words.includes('first') && flat(body).includes('diskblame-sample.timer the package installs (every 15 min)'), flat(body));

  // the pane is given the same report: made twice, its time line (to the minute) and the volume's free
  // bytes (other tests write to it) could differ between the two
  const r = render(<FirstContactPane tree={tree} root={root} why={WHY} width={W} height={H} active report={report} />);
  try {
    await tick();
    await tick();
    const seen: string[] = [];
    let frame = r.lastFrame()!;
    for (let page = 0; page < 10; page++) {
      const lines = frame.split('\n');
      assert.ok(lines.length <= H, `${lines.length} rows`);
      for (const l of lines) assert.ok(colWidth(l) <= W, `wider than ${W}: ${l}`);
      // nothing cut: each shown line is one of the wrapped lines whole (no ellipsis)
      assert.ok(!frame.includes('…'), frame);
      assert.match(frame, /-- lines \d+-\d+ of \d+: Up\/Down, PgUp\/PgDn scroll --/);
      // the offer, whole, at the bottom
      assert.deepEqual(lines.slice(-tail.length).map((l) => l.trimEnd()), tail);
      for (const l of lines.slice(0, -tail.length - 1)) seen.push(l.trimEnd());
      if (/-- lines \d+-(\d+) of \1:/.test(frame)) break;
      r.stdin.write(PGDN);
      await tick();
      frame = r.lastFrame()!;
    }
    // every line of the report was seen, whole, paging down
    for (const l of body) assert.ok(seen.includes(l.trimEnd()), `never shown whole: ${l}`);
    r.stdin.write('\u001b[H'); // Home
    await tick();
    assert.match(r.lastFrame()!, /-- lines 1-/);
    r.stdin.write(END_KEY);
    await tick();
    assert.match(r.lastFrame()!, /diskblame-sample\.timer the package installs/);
    // the offer still answers: i asks first, any other key is a no
    r.stdin.write('i');
    await tick();
    assert.match(r.lastFrame()!, /Install it now\? y: yes, any other key: no/);
    r.stdin.write('n');
    await tick();
    assert.match(r.lastFrame()!, /Nothing installed\./);
  } finally {
    r.unmount();
  }
});

test('first contact that fits: no scroll line', () => {
  const { body, tail } = firstContactLines({ report: null, error: null, why: 'no usage samples', offer: { step: 'idle' }, width: 80 });
  assert.deepEqual(body, [' no usage samples', ' reading the tree…']);
  assert.deepEqual(tail, [' i: record a usage sample every 5 min from now on (shows what it installs', '     first)']);
});
