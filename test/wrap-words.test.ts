import { test } from 'node:test';
import assert from 'node:assert/strict';
import { wrap } from '../src/report/peak.js';

test('wrap: a time, "as of" and a number with its unit are never cut; lines fit', () => {
  const s = 'used 97.5 GiB of 200 GiB (48.8%), 102.5 GiB free, as of 2026-11-30 03:30 +05:30, fills in 4 days 13 h at 22:00 UTC';
  for (const w of [20, 30, 40, 65]) {
    const lines = wrap(s, w);
    assert.equal(lines.join(' '), s);
    // a line longer than the width is one unit: 'as of 2026-11-30 03:30 +05:30,' (31)
    for (const l of lines) assert.ok(l.length <= Math.max(w, 31), `${w}: ${l}`);
    const text = lines.join('\n');
    for (const whole of ['97.5 GiB', '200 GiB', 'as of 2026-11-30 03:30 +05:30', '4 days', '13 h', 'at 22:00 UTC']) assert.ok(lines.some((l) => l.includes(whole)), `${w}: ${whole} cut in\n${text}`);
  }
  assert.deepEqual(wrap('a b c', 3), ['a b', 'c']);
});
