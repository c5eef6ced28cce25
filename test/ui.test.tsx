/**
 * The browser as a component (ink-testing-library): navigation, sorting, info, help, delete
 * confirmation, read-only, escaping of hostile names, layout at 80 columns.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import React from 'react';
import { render } from 'ink-testing-library';
import { Entry, EntryType, Excluded, emptyEntry } from '../src/model/entry.js';
import { Tree } from '../src/tree/tree.js';
import { Scanner } from '../src/scan/scanner.js';
import { Browser } from '../src/ui/Browser.js';
import { sortChildren, DEFAULT_PREFS, pressSort } from '../src/ui/model.js';
import { fit, truncate, width } from '../src/ui/text.js';

function ent(name: string | Uint8Array, type: EntryType, dsize: number, mtime = 1_700_000_000): Entry {
  return { ...emptyEntry(), name: typeof name === 'string' ? Buffer.from(name) : name, type, asize: dsize, dsize, mtime, uid: 0, gid: 0, mode: type === EntryType.Dir ? 0o40755 : 0o100644 };
}

/** /root with big/ (3 files), small/ (1 file), and some files, one with a hostile name */
function sampleTree(): Tree {
  const t = new Tree();
  t.enterDir(ent('/root', EntryType.Dir, 4096));
  t.enterDir(ent('big', EntryType.Dir, 4096));
  t.addEntry(ent('a.bin', EntryType.File, 1_000_000));
  t.addEntry(ent('b.bin', EntryType.File, 2_000_000, 1_600_000_000));
  t.addEntry(ent('c.bin', EntryType.File, 3_000_000));
  t.leaveDir();
  t.enterDir(ent('small', EntryType.Dir, 4096));
  t.addEntry(ent('tiny', EntryType.File, 4096));
  t.leaveDir();
  t.addEntry(ent('zzz.log', EntryType.File, 500_000, 1_800_000_000));
  t.addEntry(ent('evil\x1b[31mred\nline', EntryType.File, 8192));
  t.addEntry(ent(Buffer.from([0x62, 0x61, 0x64, 0xff]), EntryType.File, 8192));
  t.addEntry({ ...ent('mnt', EntryType.Dir, 0), excluded: Excluded.OtherFs });
  t.leaveDir();
  t.finish({ timestamp: 0, producer: 'test', incomplete: false });
  return t;
}

const tick = () => new Promise((r) => setTimeout(r, 60));

function mount(tree: Tree, extra: Partial<React.ComponentProps<typeof Browser>> = {}) {
  let quit = 0;
  const r = render(
    <Browser
      tree={tree}
      width={80}
      height={24}
      readOnly={false}
      incomplete={false}
      color={false}
      volume="volume 1 GiB"
      tabs="[1 Browse]"
      rescan={async () => {}}
      quit={() => quit++}
      {...extra}
    />,
  );
  return { ...r, quits: () => quit };
}

/** the row the cursor is on: Ink marks it inverse; ink-testing-library keeps the escapes */
function selectedRow(frame: string): string {
  const line = frame.split('\n').find((l) => l.includes('\x1b[7m') && !l.includes('diskblame [') && !l.includes('Disk:'));
  return line ?? '';
}

test('lists the directory sorted by size, largest first, with bars and percentages', async () => {
  const r = mount(sampleTree());
  await tick();
  const f = r.lastFrame()!;
  const lines = f.split('\n');
  assert.match(lines[0], /diskblame \[1 Browse\]/);
  assert.match(lines[1], /--- \/root/);
  const big = lines.findIndex((l) => l.includes('big/'));
  const zzz = lines.findIndex((l) => l.includes('zzz.log'));
  assert.ok(big > 1 && zzz > big, 'big/ above zzz.log');
  assert.match(lines[big], /\[##########\]/);
  assert.match(lines[big], /%/);
  assert.match(f, />.*mnt\//, 'otherfs flag');
  for (const l of lines) assert.ok(width(l.replace(/\x1b\[[0-9;]*m/g, '')) <= 80, `line wider than 80: ${l}`);
  r.unmount();
});

test('hostile names are escaped, never raw escape sequences', async () => {
  const r = mount(sampleTree());
  await tick();
  const f = r.lastFrame()!;
  assert.ok(f.includes('evil\\x1b[31mred\\nline'), 'ESC and newline shown escaped');
  assert.ok(f.includes('bad\\xff'), 'invalid UTF-8 byte shown as \\xff');
  assert.ok(!f.includes('\x1b[31m'), 'the name reached the terminal as an escape sequence');
  r.unmount();
});

test('navigation: down, open, up returns to the same entry; j/k and arrows', async () => {
  const r = mount(sampleTree());
  await tick();
  assert.match(selectedRow(r.lastFrame()!), /big\//);
  r.stdin.write('\r'); // Enter opens big/
  await tick();
  assert.match(r.lastFrame()!.split('\n')[1], /--- \/root\/big/);
  assert.match(selectedRow(r.lastFrame()!), /c\.bin/);
  r.stdin.write('j');
  await tick();
  assert.match(selectedRow(r.lastFrame()!), /b\.bin/);
  r.stdin.write('h'); // up
  await tick();
  assert.match(r.lastFrame()!.split('\n')[1], /--- \/root /);
  assert.match(selectedRow(r.lastFrame()!), /big\//, 'cursor back on the directory we came from');
  // down arrow until small/ (entries of equal size are in name order)
  for (let k = 0; k < 8 && !/small\//.test(selectedRow(r.lastFrame()!)); k++) {
    r.stdin.write('\x1b[B');
    await tick();
  }
  assert.match(selectedRow(r.lastFrame()!), /small\//);
  r.stdin.write('k'); // and back up one
  await tick();
  assert.doesNotMatch(selectedRow(r.lastFrame()!), /small\//);
  r.stdin.write('j');
  await tick();
  r.stdin.write('l');
  await tick();
  assert.match(r.lastFrame()!, /tiny/);
  r.stdin.write('\x7f'); // backspace: up
  await tick();
  assert.match(selectedRow(r.lastFrame()!), /small\//);
  r.unmount();
});

test('sorting: n by name, again reverses; M by mtime; s back to size; a apparent', async () => {
  const t = sampleTree();
  const r = mount(t);
  await tick();
  r.stdin.write('n');
  await tick();
  let rows = r.lastFrame()!.split('\n').slice(2, 10).join('\n');
  assert.ok(rows.indexOf('bad') < rows.indexOf('big/') && rows.indexOf('big/') < rows.indexOf('zzz.log'), rows);
  r.stdin.write('n');
  await tick();
  rows = r.lastFrame()!.split('\n').slice(2, 10).join('\n');
  assert.ok(rows.indexOf('zzz.log') < rows.indexOf('big/'), 'reversed');
  r.stdin.write('M');
  await tick();
  assert.match(selectedRow(r.lastFrame()!), /zzz\.log/, 'newest first');
  r.stdin.write('s');
  await tick();
  assert.match(selectedRow(r.lastFrame()!), /zzz\.log|big\//);
  assert.match(r.lastFrame()!, /Sort: size desc/);
  r.stdin.write('a');
  await tick();
  assert.match(r.lastFrame()!, /\[apparent sizes\]/);
  assert.match(r.lastFrame()!.split('\n').find((l) => l.includes('big/'))!, / 3 +big\//, 'item count column, on by default');
  r.stdin.write('c');
  await tick();
  assert.doesNotMatch(r.lastFrame()!.split('\n').find((l) => l.includes('big/'))!, / 3 +big\//, 'c hides it');
  r.stdin.write('g');
  await tick();
  assert.doesNotMatch(r.lastFrame()!.split('\n').find((l) => l.includes('big/'))!, /%/, 'g: graph only');
  r.unmount();
});

test('sorted orders are pure and stable', () => {
  const t = sampleTree();
  const bySize = Array.from(sortChildren(t, 0, DEFAULT_PREFS)).map((i) => Buffer.from(t.nameOf(i)).toString('latin1'));
  assert.deepEqual(bySize.slice(0, 2), ['big', 'zzz.log']);
  // equal sizes: by name
  assert.ok(bySize.indexOf('small') > bySize.indexOf('bad\xff'));
  const byName = Array.from(sortChildren(t, 0, pressSort(DEFAULT_PREFS, 'name'))).map((i) => Buffer.from(t.nameOf(i)).toString('latin1'));
  assert.deepEqual(byName, [...byName].sort());
});

test('i shows the details panel; ? shows help; q quits', async () => {
  const r = mount(sampleTree());
  await tick();
  r.stdin.write('i');
  await tick();
  assert.match(r.lastFrame()!, /Path: +\/root\/big/);
  assert.match(r.lastFrame()!, /Items below: +3\n/);
  assert.match(r.lastFrame()!, /Owner: +root:root|Owner: +\d+/);
  r.stdin.write('i');
  await tick();
  r.stdin.write('?');
  await tick();
  assert.match(r.lastFrame()!, /sort by size/);
  r.stdin.write('q');
  await tick();
  assert.equal(r.quits(), 0, 'q closes the help first');
  r.stdin.write('q');
  await tick();
  assert.equal(r.quits(), 1);
  r.unmount();
});

test('d asks first, names the entry and its size; only y deletes; totals update', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'diskblame-ui-'));
  try {
    fs.mkdirSync(path.join(dir, 'keep'));
    fs.writeFileSync(path.join(dir, 'keep', 'k'), 'x'.repeat(10000));
    fs.mkdirSync(path.join(dir, 'victim'));
    fs.writeFileSync(path.join(dir, 'victim', 'v'), 'x'.repeat(50000));
    fs.symlinkSync(path.join(dir, 'keep'), path.join(dir, 'victim', 'link-to-keep'));
    const t = new Tree();
    await new Scanner(dir, t, { threads: 1 }).run();
    const before = t.sizeD(0);
    const r = mount(t);
    await tick();
    assert.match(selectedRow(r.lastFrame()!), /victim\//);
    r.stdin.write('d');
    await tick();
    assert.match(r.lastFrame()!, /Delete this from the disk\?/);
    assert.ok(r.lastFrame()!.includes(path.join(dir, 'victim')));
    assert.match(r.lastFrame()!, /on disk, directory with 2 items/);
    r.stdin.write('n');
    await tick();
    assert.ok(fs.existsSync(path.join(dir, 'victim')), 'n kept it');
    r.stdin.write('d');
    await tick();
    r.stdin.write('y');
    await tick();
    assert.ok(!fs.existsSync(path.join(dir, 'victim')), 'y deleted it');
    assert.ok(fs.existsSync(path.join(dir, 'keep', 'k')), 'the symlink target survived');
    assert.match(r.lastFrame()!, /deleted /);
    assert.ok(t.sizeD(0) < before, 'totals updated');
    assert.doesNotMatch(r.lastFrame()!, /victim\//);
    r.unmount();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('--read-only: d says so and deletes nothing', async () => {
  const r = mount(sampleTree(), { readOnly: true });
  await tick();
  r.stdin.write('d');
  await tick();
  assert.match(r.lastFrame()!, /read-only mode/);
  assert.doesNotMatch(r.lastFrame()!, /Delete this/);
  r.unmount();
});

test('a directory of 100,000 entries: keypresses do not re-sort, PgDn/End reach the end', async () => {
  const t = new Tree();
  t.enterDir(ent('/big', EntryType.Dir, 4096));
  for (let k = 0; k < 100_000; k++) t.addEntry(ent(`f${k}`, EntryType.File, ((k * 7919) % 100_000) * 512));
  t.leaveDir();
  t.finish({ timestamp: 0, producer: 'test', incomplete: false });
  const r = mount(t);
  await tick();
  r.stdin.write('\x1b[F'); // End
  await tick();
  assert.match(selectedRow(r.lastFrame()!), /0 B/, 'the smallest last');
  r.stdin.write('\x1b[H'); // Home
  await tick();
  assert.match(selectedRow(r.lastFrame()!), /48\.8 MiB/);
  r.stdin.write('\x1b[6~'); // PgDn
  await tick();
  const rows = r.lastFrame()!.split('\n').slice(2, 22);
  assert.equal(rows.length, 20);
  r.unmount();
});

test('r rescans the current directory: new files appear, totals follow', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'diskblame-rescan-'));
  try {
    fs.mkdirSync(path.join(dir, 'sub'));
    fs.writeFileSync(path.join(dir, 'sub', 'old'), 'x'.repeat(5000));
    fs.writeFileSync(path.join(dir, 'gone'), 'x'.repeat(7000));
    const t = new Tree();
    await new Scanner(dir, t, { threads: 1 }).run();
    const r = mount(t, {
      rescan: async (d: number) => {
        const sub = new Tree();
        await new Scanner(t.pathOf(d).toString(), sub, { threads: 1 }).run();
        t.replaceChildren(d, sub);
      },
    });
    await tick();
    fs.writeFileSync(path.join(dir, 'sub', 'new-file'), 'x'.repeat(300_000));
    fs.rmSync(path.join(dir, 'gone'));
    assert.doesNotMatch(r.lastFrame()!, /new-file/);
    r.stdin.write('r'); // at the root: rescans everything below it
    for (let k = 0; k < 50 && !/rescanned/.test(r.lastFrame()!); k++) await tick();
    assert.match(r.lastFrame()!, /rescanned/);
    assert.doesNotMatch(r.lastFrame()!, /gone/);
    const du = Number(spawnSync('du', ['-sB1', dir], { encoding: 'utf8' }).stdout.split('\t')[0]);
    assert.equal(t.sizeD(0), du, 'totals after the rescan equal du');
    // Enter opens sub/; wait for the frame rather than a fixed time
    r.stdin.write('\r');
    for (let k = 0; k < 50 && !/new-file/.test(r.lastFrame()!); k++) await tick();
    assert.match(r.lastFrame()!, /new-file/);
    r.unmount();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('keys typed faster than frames all count (held-down j)', async () => {
  const t = new Tree();
  t.enterDir(ent('/r', EntryType.Dir, 4096));
  for (let k = 0; k < 100; k++) t.addEntry(ent('f' + String(k).padStart(3, '0'), EntryType.File, (1000 - k) * 512));
  t.leaveDir();
  t.finish({ timestamp: 0, producer: 'test', incomplete: false });
  const r = mount(t);
  await tick();
  for (let k = 0; k < 25; k++) r.stdin.write('j');
  for (let k = 0; k < 20 && !/f025/.test(selectedRow(r.lastFrame()!)); k++) await tick();
  assert.match(selectedRow(r.lastFrame()!), /f025/);
  r.unmount();
});

test('wide characters: measured as two columns, cut without breaking the layout', () => {
  assert.equal(width('日本語'), 6);
  assert.equal(width('abc'), 3);
  const t = truncate('日本語のファイル名.txt', 9);
  assert.ok(width(t) <= 9, t);
  assert.ok(t.endsWith('…'));
  assert.equal(width(fit('日本語', 8)), 8);
  const p = truncate('/very/long/path/日本語/file', 12, true);
  assert.ok(p.startsWith('…') && p.endsWith('file') && width(p) <= 12, p);
});

// ------------------------------------------------------------------ keys arriving together, every view

/** wait (a tick at a time, up to ~10 s on a busy machine) until the last frame satisfies `ok` */
async function until(r: { lastFrame: () => string | undefined }, ok: (frame: string) => boolean): Promise<string> {
  for (let k = 0; k < 160 && !ok(r.lastFrame() ?? ''); k++) await tick();
  return r.lastFrame() ?? '';
}

test('keys that arrive in one read all count, in order: jjj moves three rows, with arrows and Enter between', async () => {
  const { App } = await import('../src/ui/App.js');
  // by size, then name: big/, zzz.log, bad\xff, evil..., small/, mnt/
  // alone (Ink's input, split into keys)
  const alone = mount(sampleTree());
  await tick();
  alone.stdin.write('jjj');
  assert.match(selectedRow(await until(alone, (f) => /evil/.test(selectedRow(f)))), /evil/, 'three rows down from big/');
  alone.unmount();
  // in the App (one key per render)
  const r = render(<App tree={sampleTree()} root="/root" scanOptions={{}} readOnly size={{ width: 80, height: 24 }} />);
  await until(r, (f) => /big\//.test(selectedRow(f)));
  r.stdin.write('jjj');
  assert.match(selectedRow(await until(r, (f) => /evil/.test(selectedRow(f)))), /evil/, 'the App moved three rows too');
  r.stdin.write('kkk\x1b[B\x1b[Ak'); // up 3, down, up, up: big/
  assert.match(selectedRow(await until(r, (f) => /big\//.test(selectedRow(f)))), /big\//);
  r.stdin.write('jjjj\rjj'); // small/, open it, and move in it (one entry: stays)
  let f = await until(r, (x) => /--- \/root\/small/.test(x.split('\n')[1]) && /tiny/.test(selectedRow(x)));
  assert.match(f.split('\n')[1], /--- \/root\/small/);
  assert.match(selectedRow(f), /tiny/);
  r.stdin.write('hki'); // back (cursor on small/), up one, details of that row: each key sees the state the others made
  f = await until(r, (x) => /Name: /.test(x));
  assert.match(f, /Name: +evil/);
  assert.match(f, /Type: +file/);
  r.unmount();
});

test('every view: the header names the same views, ? shows help, q quits; keys typed ahead switch views and move there', async () => {
  const { App } = await import('../src/ui/App.js');
  const { DiffSink } = await import('../src/diff/diff.js');
  const { KindMatcher, BUILTIN_RULES } = await import('../src/owners/kinds.js');
  const { replayTree } = await import('../src/tree/tree.js');
  const before = sampleTree();
  const after = sampleTree();
  const sink = new DiffSink(before, { top: 10, kinds: new KindMatcher(BUILTIN_RULES), keepDeltas: true });
  await replayTree(after, sink);
  sink.result({ time: 0 }, { time: 0 });
  const changes = { before, after, ...sink.deltaArrays()!, labels: { before: 'a', after: 'b' } };
  const gatherOwners = async () => ({
    rec: { volumeUsedBytes: 0, scannedBytes: 0, deletedOpenBytes: 0, unexplainedBytes: 0, scannedWholeVolume: true, mountPoint: '/', notes: [] },
    rows: [{ title: 'Users' }, { bytes: 1000, label: 'alice' }, { bytes: 500, label: 'bob' }],
  });
  const store = fs.mkdtempSync(path.join(os.tmpdir(), 'diskblame-views-'));
  const saved = process.env.DISKBLAME_STORE;
  process.env.DISKBLAME_STORE = store;
  const HELP = /Press \? or q to close/;
  try {
    for (const view of ['1', '2', '3', '4']) {
      let code = -1;
      const r = render(
        <App tree={after} root="/root" scanOptions={{}} readOnly size={{ width: 80, height: 24 }} changes={changes} gatherOwners={gatherOwners} onExit={(c) => (code = c)} />,
      );
      await tick();
      r.stdin.write(view);
      const head = (await until(r, (f) => f.split('\n')[0].includes(`[${view} `))).split('\n')[0];
      assert.ok(head.includes(`[${view} `), `view ${view} is not shown: ${head}`);
      for (const v of ['1 Browse', '2 Owners', '3 Changes', '4 Forecast']) assert.ok(head.includes(v), `view ${view}: the header lacks ${v}: ${head}`);
      assert.match(head, /\? help {2}q quit/, `view ${view}: ${head}`);
      r.stdin.write('?');
      assert.match(await until(r, (f) => HELP.test(f)), HELP, `view ${view}: ? shows help`);
      r.stdin.write('q');
      assert.doesNotMatch(await until(r, (f) => !HELP.test(f)), HELP, `view ${view}: q closes the help`);
      assert.equal(code, -1, `view ${view}: q closed the help and quit`);
      r.stdin.write('q');
      for (let k = 0; k < 160 && code === -1; k++) await tick();
      assert.equal(code, 0, `view ${view}: q quits`);
      r.unmount();
    }
    // typed ahead: to the Owners view and down one row in one read; back to the browser and down
    const r = render(<App tree={after} root="/root" scanOptions={{}} readOnly size={{ width: 80, height: 24 }} gatherOwners={gatherOwners} />);
    await tick();
    r.stdin.write('2');
    const sel = (f: string) => f.split('\n').find((l) => l.includes('\x1b[7m') && !l.includes('diskblame ') && !l.includes('Disk:')) ?? '';
    await until(r, (f) => /alice/.test(sel(f)));
    r.stdin.write('1');
    await until(r, (f) => /big\//.test(selectedRow(f)));
    r.stdin.write('2j');
    assert.match(sel(await until(r, (f) => /bob/.test(sel(f)))), /bob/, 'the j after 2 moved the Owners view');
    r.stdin.write('1j');
    assert.match(selectedRow(await until(r, (f) => /zzz\.log/.test(selectedRow(f)))), /zzz\.log/, 'the j after 1 moved the browser');
    r.unmount();
  } finally {
    if (saved === undefined) delete process.env.DISKBLAME_STORE;
    else process.env.DISKBLAME_STORE = saved;
    fs.rmSync(store, { recursive: true, force: true });
  }
});
