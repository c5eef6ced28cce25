/**
 * The Forecast view as a component (ink-testing-library): the plot fits 80x24 with sizes and
 * dates on its axes, the history solid and the projection to the fill, the fill date and range,
 * the pattern; honest messages without data; the App's '4' key opens it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import React from 'react';
import { render } from 'ink-testing-library';
import { ForecastView } from '../src/ui/ForecastView.js';
import { plot } from '../src/ui/plot.js';
import { App } from '../src/ui/App.js';
import { forecast } from '../src/forecast/model.js';
import type { Forecast, Point } from '../src/forecast/types.js';
import type { VolumeForecast } from '../src/report/forecast.js';
import { Tree } from '../src/tree/tree.js';
import { EntryType, emptyEntry } from '../src/model/entry.js';
import { width as colWidth } from '../src/ui/text.js';
import { assertTerminalSafe } from './helpers/hostile.js';

process.env.TZ = 'UTC';
const DAY = 86_400_000;
const GIB = 2 ** 30;
const END = Date.parse('2026-03-10T00:00:00Z');
const tick = () => new Promise((r) => setTimeout(r, 80));

/** 20 days of steady growth every 30 min, 100 GiB volume, filling 10 days after the end */
function steady(): Point[] {
  const pts: Point[] = [];
  for (let t = END - 20 * DAY; t <= END; t += 30 * 60_000) pts.push({ t, used: 40 * GIB + (60 * GIB * (t - (END - 20 * DAY))) / (30 * DAY), size: 100 * GIB });
  return pts;
}

function vol(points: Point[], f: Forecast = forecast(points)): VolumeForecast {
  return { mount: '/var', device: '/dev/sda2', source: 'history', from: 'var.csv', forecast: f, now: points.length ? points[points.length - 1].t : END };
}

const BRAILLE = /[\u2801-\u28ff]/;

test('forecast view: fits 80x24, fill date and range, pattern, braille plot with labelled axes', () => {
  const points = steady();
  const v = vol(points);
  const r = render(<ForecastView data={{ volume: v, points }} width={80} height={22} />);
  const frame = r.lastFrame()!;
  const L = frame.split('\n');
  assert.ok(L.length <= 22, `${L.length} lines`);
  for (const l of L) assert.ok(colWidth(l) <= 80, `too wide: ${l}`);
  assert.match(L[0], /\/var {2}\(\/dev\/sda2\) {2}from var\.csv/);
  const fill = new Date(v.forecast.fillsAt!).toISOString().slice(0, 10);
  assert.match(frame, new RegExp(`fills ${fill} \\d\\d:\\d\\d UTC \\(last sample \\+ (9|10) days`));
  assert.match(frame, /range \d{4}-\d\d-\d\d \d\d:\d\d UTC \.\. \d{4}-\d\d-\d\d/);
  assert.match(frame, /steady growth, trend \+2 GiB\/day/);
  assert.match(frame, BRAILLE);
  assert.match(frame, /100 GiB ┤/, 'the size labelled on the y axis');
  assert.match(frame, /0 B ┤/);
  assert.match(frame, /└┬─+┬─+/);
  assert.match(frame, /02-18 .*now 03-10 .* 03-2\d/, 'dates: start, now, end');
  assert.match(frame, /x/, 'the fill marked');
  r.unmount();
});

test('plot: the history rises left to right, the projection reaches the size line at the fill', () => {
  const points = steady();
  const f = forecast(points);
  const lines = plot({ points, forecast: f, width: 70, height: 16 });
  assert.equal(lines.length, 16);
  for (const l of lines) assert.equal(colWidth(l), 70);
  const canvas = lines.slice(0, 14).map((l) => l.slice(10));
  // the lowest row with dots: higher (a smaller row index) in a later column than in an early one
  const sizeRow = canvas.findIndex((l) => l.includes('x'));
  assert.ok(sizeRow >= 0, 'fill marker on the size line');
  const early = canvas.map((l) => l[1]);
  const late = canvas.map((l) => l[25]);
  const lowest = (col: string[]) => col.reduce((acc, c, k) => (BRAILLE.test(c) && k !== sizeRow ? k : acc), -1);
  assert.ok(lowest(early) > lowest(late), `history should rise: ${lowest(early)} vs ${lowest(late)}`);
  // a next peak that will not fit is marked !
  const risky: Forecast = { ...f, nextRisk: { at: f.asOf + 2 * DAY, expectedUsed: 104 * GIB, fits: false, what: 'weekly peak' } };
  assert.ok(plot({ points, forecast: risky, width: 70, height: 16 }).some((l) => l.includes('!')));
  // no history: says so, still the asked size
  const empty = plot({ points: [], forecast: null, width: 40, height: 8 });
  assert.equal(empty.length, 8);
  assert.ok(empty.some((l) => l.includes('no history yet')));
});

test('forecast view: not enough data and errors are said plainly', () => {
  const few: Point[] = [
    { t: END - 3_600_000, used: GIB, size: 10 * GIB },
    { t: END, used: GIB, size: 10 * GIB },
  ];
  const r = render(<ForecastView data={{ volume: vol(few), points: few }} width={80} height={20} />);
  assert.match(r.lastFrame()!, /not enough data to forecast/);
  r.unmount();
  const e = render(<ForecastView data={null} error="no usage samples in /x/samples.jsonl: record some" width={80} height={20} />);
  assert.match(e.lastFrame()!, /no usage samples/);
  e.unmount();
  const l = render(<ForecastView data={null} width={80} height={20} />);
  assert.match(l.lastFrame()!, /reading the usage samples/);
  l.unmount();
});

test('forecast view: a hostile mount, device, source and error are drawn terminal-safe, within 80 columns', () => {
  const points = steady();
  const v = { ...vol(points), mount: '/mnt/osc\x1b]0;pwned\x07\u202e\u200b', device: '/dev/x\x1b[2J\u{1f44d}\u{1f3fd}', from: 'f\x9b31m.csv' };
  for (const el of [<ForecastView data={{ volume: v, points }} width={80} height={22} />, <ForecastView error={"cannot read '/tmp/a\x1b]0;x\x07': EACCES"} width={80} height={22} />]) {
    const r = render(el);
    const frame = r.lastFrame()!;
    assertTerminalSafe(frame.replace(/\x1b\[(7|27|2|22|39|49)m/g, ''), 'forecast view');
    for (const l of frame.split('\n')) assert.ok(colWidth(l) <= 80, `too wide: ${l}`);
    assert.match(frame, /osc\\x1b\]0;pwned\\x07\\u\{202e\}\\u\{200b\}|a\\x1b\]0;x\\x07/);
    r.unmount();
  }
});

test("App: '4' opens the Forecast view of the browsed root's volume (from the store)", async () => {
  const store = fs.mkdtempSync(path.join(os.tmpdir(), 'diskblame-fview-'));
  const saved = process.env.DISKBLAME_STORE;
  process.env.DISKBLAME_STORE = store;
  try {
    const t = new Tree();
    t.enterDir({ ...emptyEntry(), name: Buffer.from(os.tmpdir()), type: EntryType.Dir, mode: 0o40755 });
    t.leaveDir();
    t.finish({ timestamp: 0, producer: 'test', incomplete: false });
    const r = render(<App tree={t} root={os.tmpdir()} scanOptions={{}} readOnly size={{ width: 80, height: 24 }} />);
    await tick();
    assert.match(r.lastFrame()!, /4 Forecast/);
    r.stdin.write('4');
    // the view reads the store (and the volume) after its first paint: wait for what it found, a
    // tick at a time (two fixed ticks were too few when the machine is loaded)
    for (let k = 0; k < 150 && !/no usage samples of /.test(r.lastFrame()!); k++) await tick();
    const f = r.lastFrame()!;
    assert.match(f, /\[4 Forecast\]/);
    assert.match(f, /no usage samples of .* in .*samples\.jsonl/);
    r.stdin.write('1');
    await tick();
    assert.match(r.lastFrame()!, /\[1 Browse\]/);
    r.unmount();
    // the store named on the command line (diskblame PATH --store DIR), not the environment's
    const named = fs.mkdtempSync(path.join(os.tmpdir(), 'dbfv-'));
    try {
      const n = render(<App tree={t} root={os.tmpdir()} scanOptions={{}} readOnly store={named} size={{ width: 80, height: 24 }} />);
      await tick();
      n.stdin.write('4');
      for (let k = 0; k < 150 && !/no usage samples of /.test(n.lastFrame()!); k++) await tick();
      assert.match(n.lastFrame()!.replace(/\s*\n\s*/g, ''), new RegExp(`no usage samples of .* in ${named}/samples\\.jsonl`));
      n.unmount();
    } finally {
      fs.rmSync(named, { recursive: true, force: true });
    }
  } finally {
    if (saved === undefined) delete process.env.DISKBLAME_STORE;
    else process.env.DISKBLAME_STORE = saved;
    fs.rmSync(store, { recursive: true, force: true });
  }
});

test('every help screen fits 80 columns uncut', async () => {
  const { HELP_LINES, VIEW_HELP } = await import('../src/ui/overlays.js');
  for (const l of [...HELP_LINES, ...Object.values(VIEW_HELP).flat()]) assert.ok(colWidth(l) <= 80, `over 80 columns (${colWidth(l)}): ${l}`);
});
