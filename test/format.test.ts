/**
 * util/format's size(): the same text as pretty-bytes with `{ binary: true, maximumFractionDigits: 1 }`
 * (what it used before; it formats through toLocaleString, whose first call loads ICU's number
 * formatting at start-up), over unit boundaries, the values just below them, halves and tenths that
 * a double cannot hold exactly, and many random sizes of every magnitude.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import prettyBytes from 'pretty-bytes';
import { counted, size } from '../src/util/format.js';

const reference = (n: number) => prettyBytes(n, { binary: true, maximumFractionDigits: 1 });

test('size() writes what pretty-bytes wrote, digit for digit', () => {
  const values = new Set<number>([0, 1, 2, 9, 10, 99, 100, 999, 1000, 1023, 1024, 1025, 1536, 1587, 1638, 2 ** 53, 2 ** 53 + 2, 2 ** 64, 2 ** 70, 2 ** 80, 2 ** 90]);
  for (let e = 1; e <= 8; e++) {
    const u = 1024 ** e;
    for (const k of [1, 1.05, 1.1, 1.15, 1.25, 1.3, 2.3, 9.95, 9.99, 10, 99.95, 512, 1000, 1023, 1023.95, 1023.99]) {
      values.add(Math.round(u * k));
      values.add(Math.round(u * k) - 1);
      values.add(Math.round(u * k) + 1);
    }
    values.add(u - 1);
  }
  // pseudo-random sizes of every magnitude (a fixed seed: the same values each run)
  let seed = 20261130;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  for (let i = 0; i < 20_000; i++) values.add(Math.floor(next() * 2 ** (next() * 64)));
  let checked = 0;
  for (const n of values) {
    assert.equal(size(n), reference(n), `${n}`);
    assert.equal(size(-n), reference(-n), `-${n}`);
    checked++;
  }
  assert.ok(checked > 5_000, `${checked} values`);
  // bigints go through the same path (their double)
  assert.equal(size(2n ** 64n - 1n), reference(2 ** 64));
  assert.equal(size(12345n, true), '12345');
});

test('counted: singular for exactly one, plural otherwise, digits grouped', () => {
  assert.equal(counted(1, 'file'), '1 file');
  assert.equal(counted(0, 'file'), '0 files');
  assert.equal(counted(1234, 'file'), '1,234 files');
  assert.equal(counted(1, 'process', 'processes'), '1 process');
  assert.equal(counted(2, 'process', 'processes'), '2 processes');
});
