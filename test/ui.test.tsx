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
import { rescanDir } from '../src/scan/rescan.js';
import { entryAt } from '../src/tree/filter.js';
import { Browser, deleteMessage } from '../src/ui/Browser.js';
import { assertTerminalSafe, HOSTILE } from './helpers/hostile.js';
import { sortChildren, DEFAULT_PREFS, pressSort } from '../src/ui/model.js';
import { clusters, fit, padLeft, truncate, width } from '../src/ui/text.js';
import { escapeName } from '../src/util/escape.js';
import stringWidth from 'string-width';
import { HOSTILE, HOSTILE_DIR, assertTerminalSafe, makeHostileTree } from './helpers/hostile.js';
import { size } from '../src/util/format.js';

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

/** The SGR sequences Ink and the browser emit themselves (reverse video, dim, default colours): everything else is the names' */
const OWN_SGR = /\x1b\[(7|27|2|22|39|49)m/g;

/** Every frame terminal-safe, exactly `h` lines, none wider than `w` columns (as Ink measures, and as a terminal adding up code points draws) */
function assertFrame(frame: string, w: number, h: number, what: string): void {
  const plain = frame.replace(OWN_SGR, '');
  assertTerminalSafe(plain, what);
  const lines = plain.split('\n');
  assert.equal(lines.length, h, `${what}: ${lines.length} lines, not ${h}`);
  for (const l of lines) {
    const perCodePoint = Array.from(l).reduce((n, c) => n + stringWidth(c), 0);
    assert.ok(stringWidth(l) <= w && perCodePoint <= w, `${what}: line wider than ${w}: ${JSON.stringify(l)}`);
  }
}

/** the hostile fixture scanned into a tree: root/hostile/ */
async function hostileTree(): Promise<{ dir: string; t: Tree }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'diskblame-ui-hostile-'));
  makeHostileTree(dir);
  const t = new Tree();
  await new Scanner(path.join(dir, 'hostile'), t, { threads: 1 }).run();
  return { dir, t };
}

/** /hostile with one file for every name of the fixture, sizes (k+1) * 10,000 bytes: each row's size tells whose it is */
function hostileNamesTree(): Tree {
  const t = new Tree();
  t.enterDir(ent('/hostile', EntryType.Dir, 4096));
  HOSTILE.forEach((x, k) => t.addEntry(ent(x.bytes, EntryType.File, (k + 1) * 10_000)));
  t.addEntry(ent(HOSTILE_DIR, EntryType.Dir, 4096));
  t.leaveDir();
  t.finish({ timestamp: 0, producer: 'test', incomplete: false });
  return t;
}

for (const [w, h] of [
  [80, 24],
  [60, 16],
]) {
  test(`hostile fixture at ${w}x${h}: every frame terminal-safe, ${h} lines, none wider than ${w}; each name beside its own size`, async () => {
    const r = mount(hostileNamesTree(), { width: w, height: h });
    await tick();
    const rows = new Map<string, string>();
    // walk down every row (the list scrolls), with the info panel of some
    for (let k = 0; k < HOSTILE.length + 2; k++) {
      const f = r.lastFrame()!;
      assertFrame(f, w, h, `frame ${k}`);
      for (const l of f.replace(OWN_SGR, '').split('\n').slice(2, h - 2)) rows.set(l.slice(0, 12), l);
      if (k % 4 === 0) {
        r.stdin.write('i');
        await tick();
        assertFrame(r.lastFrame()!, w, h, `info ${k}`);
        r.stdin.write('i');
        await tick();
      }
      r.stdin.write('j');
      await tick();
    }
    HOSTILE.forEach((x, k) => {
      const row = rows.get(`  ${padLeft(size((k + 1) * 10_000), 10)}`);
      assert.ok(row, `no row with the size of ${x.label}`);
      const start = truncate(escapeName(x.bytes), 6).replace(/…$/, '');
      assert.ok(row.includes(start), `${x.label}: its size beside ${JSON.stringify(row)}, not ${start}`);
    });
    r.unmount();
  });
}

test('truncation keeps emoji sequences, keycaps and flags whole', () => {
  for (const x of HOSTILE) {
    const shown = escapeName(x.bytes);
    const parts = clusters(shown);
    for (let w = 2; w <= width(shown) + 1; w++) {
      for (const keepEnd of [false, true]) {
        const t = truncate(shown, w, keepEnd);
        assert.ok(width(t) <= w, `${x.label} at ${w}: ${t}`);
        if (t === shown) continue;
        const kept = clusters(keepEnd ? t.slice(1) : t.slice(0, -1));
        const expect = keepEnd ? parts.slice(parts.length - kept.length) : parts.slice(0, kept.length);
        assert.deepEqual(kept, expect, `${x.label} at ${w}${keepEnd ? ' (end)' : ''}: cut inside a cluster`);
      }
    }
  }
  // the family is one cluster: kept whole or dropped whole
  assert.equal(truncate('fam\u{1f468}\u200d\u{1f469}\u200d\u{1f467}\u200d\u{1f466}', 10), 'fam…');
  // never narrower than Ink (string-width) nor than a terminal adding up code points (tmux: 👍🏽 is 4)
  assert.equal(width('\u{1f44d}\u{1f3fd}'), 4);
  assert.equal(width('1\ufe0f\u20e3'), 2);
  assert.equal(width('\u2764\ufe0f'), 2);
});

test('a failed delete of a name with an OSC title sequence: the status line shows it escaped', async () => {
  const { dir, t } = await hostileTree();
  try {
    const r = mount(t, { width: 200, height: 60 });
    await tick();
    const victim = HOSTILE.find((x) => x.label === 'OSC title (BEL)')!;
    const shown = escapeName(victim.bytes);
    for (let k = 0; k < HOSTILE.length + 2 && !selectedRow(r.lastFrame()!).includes(shown); k++) {
      r.stdin.write('j');
      await tick();
    }
    assert.ok(selectedRow(r.lastFrame()!).includes(shown), 'the cursor on the OSC name');
    // gone from the disk since the scan: the delete fails, and its error quotes the path
    fs.rmSync(Buffer.concat([Buffer.from(path.join(dir, 'hostile') + '/'), victim.bytes]));
    r.stdin.write('d');
    await tick();
    assertFrame(r.lastFrame()!, 200, 60, 'confirm');
    r.stdin.write('y');
    for (let k = 0; k < 20 && !/not deleted|fail|refus|gone|changed/i.test(r.lastFrame()!.split('\n').at(-1)!); k++) await tick();
    const f = r.lastFrame()!;
    assertFrame(f, 200, 60, 'after the failed delete');
    const footer = f.split('\n').at(-1)!;
    assert.match(footer, /not deleted|fail|refus|gone|changed/i, footer);
    assert.ok(footer.includes('osc\\x1b]0;pwned\\x07'), `the name escaped in the status line: ${footer}`);
    r.unmount();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
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
  assert.match(r.lastFrame()!.split('\n')[2], /zzz\.log/, 'newest first');
  assert.match(selectedRow(r.lastFrame()!), /big\//, 'the cursor stays on its entry');
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

test('r: without a rescan (an import) says it is disabled; a failing rescan is a status message, never a rejection', async () => {
  let r = mount(sampleTree(), { rescan: undefined });
  await tick();
  r.stdin.write('r');
  await tick();
  assert.match(r.lastFrame()!, /rescan is disabled: this tree was read from an export/);
  r.unmount();
  const rejections: unknown[] = [];
  const on = (e: unknown) => rejections.push(e);
  process.on('unhandledRejection', on);
  try {
    r = mount(sampleTree(), { rescan: () => Promise.reject(new Error('cannot scan /root: no such file or directory')) });
    await tick();
    r.stdin.write('r');
    for (let k = 0; k < 50 && !/rescan failed/.test(r.lastFrame()!); k++) await tick();
    assert.match(r.lastFrame()!, /rescan failed: cannot scan \/root: no such file or directory/);
    assert.doesNotMatch(r.lastFrame()!, /rescanning/, 'not left busy');
    r.stdin.write('j'); // still answers keys
    await tick();
    assert.match(selectedRow(r.lastFrame()!), /zzz\.log/);
    // a rescan that throws instead of rejecting
    r.unmount();
    r = mount(sampleTree(), {
      rescan: () => {
        throw new Error('boom\x1b[2J'); // the scanner's messages hold raw paths
      },
    });
    await tick();
    r.stdin.write('r');
    for (let k = 0; k < 50 && !/rescan failed/.test(r.lastFrame()!); k++) await tick();
    assert.ok(r.lastFrame()!.includes('rescan failed: boom\\x1b[2J'), 'escaped');
    r.unmount();
    await tick();
    assert.deepEqual(rejections, []);
  } finally {
    process.off('unhandledRejection', on);
  }
});

test('the delete status line: counts and bytes, the first failure with its path escaped, refusals', () => {
  const base = { refused: null, removed: 0, stale: false };
  // what escapeName covers today: C0, ESC sequences, C1, DEL, bidi overrides, bytes that are not UTF-8
  const kinds = /CSI|OSC|clear|newline|carriage|backspace|DEL|bidi|invalid UTF-8/;
  const hostile = Buffer.concat([Buffer.from('/srv/'), ...HOSTILE.filter((h) => kinds.test(h.label)).map((h) => h.bytes)]);
  let m = deleteMessage({ ...base, deleted: 3, freed: 8192, failed: 1, failures: [{ path: hostile, reason: 'permission denied' }] }, '/srv/x');
  assert.match(m, /^deleted \/srv\/x \(3 entries, 8 KiB freed\); 1 not deleted, first: \/srv\/esc\\x1b\[31mred.*: permission denied$/);
  assertTerminalSafe(m, 'status line');
  m = deleteMessage({ ...base, deleted: 0, freed: 0, failed: 1, failures: [{ path: hostile, reason: 'is a symbolic link now: not followed' }] }, '/srv/x');
  assert.match(m, /^not deleted: \/srv\/esc.*: is a symbolic link now: not followed$/);
  assertTerminalSafe(m, 'status line');
  m = deleteMessage({ ...base, refused: 'the scanned directory was replaced since the scan', deleted: 0, freed: 0, failed: 0, failures: [] }, '/srv/x');
  assert.equal(m, 'not deleted: the scanned directory was replaced since the scan');
  m = deleteMessage({ ...base, deleted: 1, freed: 4096, failed: 0, failures: [] }, '/srv/x', 'kind backups');
  assert.equal(m, 'deleted 1 entry of kind backups below /srv/x (4 KiB freed)');
});

test('d on a directory that can only partly go (a mount below): the status line says what stayed and why; it is rescanned', { skip: process.getuid?.() !== 0 && 'needs root (mount)' }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'diskblame-ui-part-'));
  const mnt = path.join(dir, 'victim', 'mnt');
  let mounted = false;
  try {
    fs.mkdirSync(mnt, { recursive: true });
    fs.writeFileSync(path.join(dir, 'victim', 'v'), 'x'.repeat(50_000));
    mounted = spawnSync('mount', ['-t', 'tmpfs', 'none', mnt]).status === 0;
    assert.ok(mounted, 'mount tmpfs');
    fs.writeFileSync(path.join(mnt, 'on-tmpfs'), 'x');
    const t = new Tree();
    await new Scanner(dir, t, { threads: 1 }).run();
    const rescanned: number[] = [];
    const r = mount(t, {
      width: 200, // the whole status line
      rescan: async (d: number) => {
        rescanned.push(d);
        await rescanDir(t, d, { threads: 1 });
      },
    });
    await tick();
    assert.match(selectedRow(r.lastFrame()!), /victim\//);
    const victim = entryAt(t, path.join(dir, 'victim'));
    r.stdin.write('d');
    for (let k = 0; k < 50 && !/Delete this/.test(r.lastFrame()!); k++) await tick();
    await tick();
    r.stdin.write('y');
    for (let k = 0; k < 50 && !/rescanned|not deleted/.test(r.lastFrame()!); k++) await tick();
    for (let k = 0; k < 50 && /rescanning/.test(r.lastFrame()!); k++) await tick();
    const frame = r.lastFrame()!;
    assert.ok(frame.includes(`deleted ${dir}/victim (1 entry, `), frame);
    assert.match(frame, /1 not deleted, first: .*victim\/mnt: on another filesystem/);
    assert.deepEqual(rescanned, [victim], 'the directory is rescanned');
    assert.ok(!fs.existsSync(path.join(dir, 'victim', 'v')));
    assert.ok(fs.existsSync(path.join(mnt, 'on-tmpfs')));
    assert.deepEqual(Array.from(t.children(victim), (k) => Buffer.from(t.nameOf(k)).toString()), ['mnt'], 'the tree says what stayed');
    r.unmount();
  } finally {
    if (mounted) spawnSync('umount', ['-l', mnt]);
    fs.rmSync(dir, { recursive: true, force: true });
  }
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

test('a sort keeps the cursor on its entry (as ncdu does): d after n, s, M, a still names that entry', async () => {
  const r = mount(sampleTree());
  await tick();
  // by size: big/, zzz.log, bad\xff, evil..., small/, mnt/
  r.stdin.write('j');
  await tick();
  assert.match(selectedRow(r.lastFrame()!), /zzz\.log/);
  for (const k of ['n', 'n', 's', 'M', 'a', 's', 'C']) {
    r.stdin.write(k);
    await tick();
    assert.match(selectedRow(r.lastFrame()!), /zzz\.log/, `after ${k} the cursor left zzz.log: ${selectedRow(r.lastFrame()!)}`);
  }
  r.stdin.write('d');
  await tick();
  assert.match(r.lastFrame()!, /Delete this from the disk\?[\s\S]*zzz\.log/);
  r.stdin.write('n');
  await tick();
  r.unmount();
});

test('an imported tree: d and r say why they are off, the footer offers neither', async () => {
  const r = mount(sampleTree(), { rescan: undefined, readOnly: true });
  await tick();
  assert.doesNotMatch(r.lastFrame()!, /d delete|r rescan/);
  assert.match(r.lastFrame()!, /an export: read-only/);
  r.stdin.write('d');
  await tick();
  assert.match(r.lastFrame()!, /deleting is disabled \(this tree was read from an export\)/);
  assert.doesNotMatch(r.lastFrame()!, /--read-only/);
  r.stdin.write('r');
  await tick();
  assert.match(r.lastFrame()!, /rescan is disabled: this tree was read from an export/);
  assert.doesNotMatch(r.lastFrame()!, /rescan failed/);
  r.unmount();
});

// ------------------------------------------------------------------ issue 15: e, t, m, marks, D, E, b, help pages

/** the names of the list rows, top to bottom (the row's last field) */
function rowNames(frame: string): string[] {
  const lines = frame.replace(OWN_SGR, '').split('\n').slice(2, -2);
  return lines.map((l) => l.trimEnd().split(/\s+/).at(-1)!).filter((n) => n && !n.startsWith('('));
}

/** /root: .cache/ (big), .profile, docs/ (1 file, newest 1,800,000,000), b.bin, a.txt */
function dotTree(): Tree {
  const t = new Tree();
  t.enterDir(ent('/root', EntryType.Dir, 4096));
  t.enterDir(ent('.cache', EntryType.Dir, 4096, 1_500_000_000));
  t.addEntry(ent('blob', EntryType.File, 5_000_000, 1_600_000_000));
  t.leaveDir();
  t.addEntry(ent('.profile', EntryType.File, 900_000));
  t.enterDir(ent('docs', EntryType.Dir, 4096, 1_000_000_000));
  t.addEntry(ent('new.md', EntryType.File, 8192, 1_800_000_000));
  t.leaveDir();
  t.addEntry(ent('b.bin', EntryType.File, 2_000_000));
  t.addEntry(ent('a.txt', EntryType.File, 100_000));
  t.leaveDir();
  t.finish({ timestamp: 0, producer: 'test', incomplete: false });
  return t;
}

test('e hides names beginning with a dot (the header says how many, the totals stay whole); again shows them', async () => {
  const t = dotTree();
  const r = mount(t);
  await tick();
  assert.deepEqual(rowNames(r.lastFrame()!), ['.cache/', 'b.bin', '.profile', 'a.txt', 'docs/']);
  const total = r.lastFrame()!.split('\n').at(-2)!;
  r.stdin.write('e');
  await tick();
  let f = r.lastFrame()!;
  assert.deepEqual(rowNames(f), ['b.bin', 'a.txt', 'docs/']);
  assert.match(f.split('\n')[1], /\(2 hidden: e shows\)/);
  assert.equal(f.split('\n').at(-2), total, 'the directory totals count the hidden entries');
  assert.match(selectedRow(f), /b\.bin/, 'the cursor on a hidden entry moves to the first row');
  assertFrame(f, 80, 24, 'hidden');
  r.stdin.write('e');
  await tick();
  f = r.lastFrame()!;
  assert.deepEqual(rowNames(f), ['.cache/', 'b.bin', '.profile', 'a.txt', 'docs/']);
  assert.doesNotMatch(f.split('\n')[1], /hidden/);
  r.unmount();
  // the starting preference (the config file's), as the contract on main gives it
  const r2 = mount(dotTree(), { prefs: { showHidden: false } });
  await tick();
  assert.deepEqual(rowNames(r2.lastFrame()!), ['b.bin', 'a.txt', 'docs/']);
  r2.unmount();
});

test('t puts directories first within the current sort (sizes, then names), the cursor stays on its entry', async () => {
  const r = mount(dotTree());
  await tick();
  r.stdin.write('j'); // b.bin
  await tick();
  r.stdin.write('t');
  await tick();
  assert.deepEqual(rowNames(r.lastFrame()!), ['.cache/', 'docs/', 'b.bin', '.profile', 'a.txt']);
  assert.match(selectedRow(r.lastFrame()!), /b\.bin/);
  r.stdin.write('n'); // by name, directories still first
  await tick();
  assert.deepEqual(rowNames(r.lastFrame()!), ['.cache/', 'docs/', '.profile', 'a.txt', 'b.bin']);
  r.stdin.write('t');
  await tick();
  assert.deepEqual(rowNames(r.lastFrame()!), ['.cache/', '.profile', 'a.txt', 'b.bin', 'docs/']);
  r.unmount();
  // the pure core: sortChildren with both toggles
  const t = dotTree();
  const names = (o: Uint32Array) => Array.from(o).map((i) => Buffer.from(t.nameOf(i)).toString());
  assert.deepEqual(names(sortChildren(t, 0, { ...DEFAULT_PREFS, dirsFirst: true, showHidden: false })), ['docs', 'b.bin', 'a.txt']);
});

test('m: an mtime column (a directory shows the newest mtime below it; unknown is blank), within 80 columns', async () => {
  const saved = process.env.TZ;
  process.env.TZ = 'UTC';
  try {
    const t = dotTree();
    const r = mount(t);
    await tick();
    r.stdin.write('m');
    await tick();
    const f = r.lastFrame()!;
    assertFrame(f, 80, 24, 'mtime column');
    const row = (name: string) => f.replace(OWN_SGR, '').split('\n').find((l) => l.trimEnd().endsWith(name))!.trimEnd();
    // docs/ itself 2001, its file 2027-01-15: the newest
    assert.match(row('docs/'), /2027-01-15 08:00 +docs\/$/);
    assert.match(row('.cache/'), /2020-09-13 12:26 +\.cache\/$/);
    assert.match(row('b.bin'), /2023-11-14 22:13 +b\.bin$/);
    r.stdin.write('m');
    await tick();
    assert.doesNotMatch(r.lastFrame()!, /2027-01-15/);
    r.unmount();
  } finally {
    if (saved === undefined) delete process.env.TZ;
    else process.env.TZ = saved;
  }
  // a long name is cut, the columns stay: 80 columns with every column on
  const t = new Tree();
  t.enterDir(ent('/r', EntryType.Dir, 4096));
  t.addEntry(ent('n'.repeat(200), EntryType.File, 4096));
  t.addEntry({ ...ent('nomtime', EntryType.File, 4096), mtime: -1 });
  t.leaveDir();
  t.finish({ timestamp: 0, producer: 'test', incomplete: false });
  const r = mount(t, { prefs: { showMtime: true } });
  await tick();
  const f = r.lastFrame()!;
  assertFrame(f, 80, 24, 'long name with the mtime column');
  assert.match(f, /\d{4}-\d\d-\d\d \d\d:\d\d +n+…/);
  assert.match(f, /\s{17} nomtime/, 'an unknown mtime is blank');
  r.unmount();
});

test('space marks and moves down; the line counts them and their bytes; d asks once for all of them (names escaped) and deletes them', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'diskblame-ui-marks-'));
  try {
    fs.writeFileSync(path.join(dir, 'one'), 'x'.repeat(300_000));
    fs.writeFileSync(path.join(dir, 'two\x1b[31m'), 'x'.repeat(200_000));
    fs.writeFileSync(path.join(dir, 'keep'), 'x'.repeat(100_000));
    fs.mkdirSync(path.join(dir, 'sub'));
    const t = new Tree();
    await new Scanner(dir, t, { threads: 1 }).run();
    const r = mount(t);
    await tick();
    r.stdin.write(' ');
    await tick();
    r.stdin.write(' ');
    await tick();
    let f = r.lastFrame()!;
    assert.match(selectedRow(f), /keep/, 'the cursor moved down past both');
    const marked = f.replace(OWN_SGR, '').split('\n').filter((l) => l[1] === '*');
    assert.equal(marked.length, 2, f);
    assert.match(f.split('\n').at(-1)!, /2 marked, 492 KiB: d delete {2}D trash {2}E empty/);
    r.stdin.write('k');
    await tick();
    r.stdin.write(' '); // unmark two, mark it again
    await tick();
    assert.match(r.lastFrame()!.split('\n').at(-1)!, /1 marked/);
    r.stdin.write('k');
    await tick();
    r.stdin.write(' '); // two again
    await tick();
    assert.match(selectedRow(r.lastFrame()!), /keep/);
    await tick();
    r.stdin.write('d');
    await tick();
    f = r.lastFrame()!;
    assertFrame(f, 80, 24, 'confirm marked');
    assert.match(f, /Delete these 2 entries from the disk\?/);
    assert.match(f, /2 entries, 492 KiB on disk/);
    assert.ok(f.includes('two\\x1b[31m'), 'the name escaped');
    assert.ok(f.includes(path.join(dir, 'one')));
    r.stdin.write('y');
    f = await until(r, (x) => /deleted 2 marked entries/.test(x));
    assert.match(f, /deleted 2 marked entries \(2 entries, 492 KiB freed\)/);
    assert.deepEqual(fs.readdirSync(dir).sort(), ['keep', 'sub']);
    assert.doesNotMatch(f, /marked,/);
    // marks clear on leaving the directory (as gdu)
    r.stdin.write(' ');
    await tick();
    assert.match(r.lastFrame()!, /1 marked/);
    r.stdin.write('j');
    await tick();
    r.stdin.write('\r'); // into sub/
    await tick();
    r.stdin.write('h');
    await tick();
    assert.doesNotMatch(r.lastFrame()!, /marked/);
    r.unmount();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('E empties the selected file (the sizes follow), refuses a directory with a line; D moves to the trash; both off read-only and for an export', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'diskblame-ui-ed-'));
  try {
    const root = path.join(dir, 'root');
    fs.mkdirSync(path.join(root, 'd'), { recursive: true });
    fs.writeFileSync(path.join(root, 'app.log'), 'x'.repeat(400_000));
    fs.writeFileSync(path.join(root, 'old'), 'x'.repeat(50_000));
    const t = new Tree();
    await new Scanner(root, t, { threads: 1 }).run();
    const env = { XDG_DATA_HOME: path.join(dir, 'xdg') };
    for (const [extra, why] of [
      [{ readOnly: true }, /read-only mode \(--read-only\): emptying files is disabled/],
      [{ rescan: undefined }, /emptying files is disabled \(this tree was read from an export\)/],
      [{ remote: true }, /not available over --remote/],
    ] as const) {
      const r = mount(t, { ...extra, env });
      await tick();
      r.stdin.write('E');
      await tick();
      assert.match(r.lastFrame()!.split('\n').at(-1)!, why);
      r.stdin.write('D');
      await tick();
      assert.match(r.lastFrame()!.split('\n').at(-1)!, /trash/);
      r.unmount();
    }
    assert.equal(fs.statSync(path.join(root, 'app.log')).size, 400_000);
    const r = mount(t, { env });
    await tick();
    assert.match(selectedRow(r.lastFrame()!), /app\.log/);
    r.stdin.write('E');
    await tick();
    assert.match(r.lastFrame()!, /Empty this file in place \(to 0 bytes\)\?/);
    r.stdin.write('y');
    let f = await until(r, (x) => /emptied/.test(x));
    assert.match(f.split('\n').at(-1)!, /emptied .*app\.log \(39\d(\.\d)? KiB freed\)/);
    assert.equal(fs.statSync(path.join(root, 'app.log')).size, 0);
    assert.match(f, /0 B +0\.0% .* app\.log/);
    // a directory: one line, nothing asked
    for (let k = 0; k < 3 && !/ d\//.test(selectedRow(r.lastFrame()!)); k++) {
      r.stdin.write('j');
      await tick();
    }
    assert.match(selectedRow(r.lastFrame()!), /d\//);
    r.stdin.write('E');
    await tick();
    assert.match(r.lastFrame()!.split('\n').at(-1)!, /E empties regular files only: d is a directory/);
    // D on old
    r.stdin.write('k');
    await tick();
    assert.match(selectedRow(r.lastFrame()!), /old/);
    r.stdin.write('D');
    await tick();
    assert.match(r.lastFrame()!, /Move this file to the trash\?/);
    r.stdin.write('y');
    f = await until(r, (x) => /to the trash \(1 entry\)/.test(x));
    assert.ok(!fs.existsSync(path.join(root, 'old')));
    assert.ok(fs.existsSync(path.join(dir, 'xdg', 'Trash', 'files', 'old')));
    assert.ok(!/ old\s*$/m.test(f.replace(OWN_SGR, '')), 'gone from the list');
    r.unmount();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('b: a line says why not read-only, for an export, over --remote, inside a shell diskblame started, or without a shell', async () => {
  const saved = process.env.DISKBLAME_LEVEL;
  try {
    for (const [extra, why] of [
      [{ readOnly: true, shell: async () => {} }, /read-only mode \(--read-only\): the shell \(b\) is disabled/],
      [{ rescan: undefined, shell: async () => {} }, /no shell: this tree was read from an export/],
      [{ remote: true, shell: async () => {} }, /no shell over --remote/],
      [{}, /no shell here/],
    ] as const) {
      const r = mount(sampleTree(), extra);
      await tick();
      r.stdin.write('b');
      await tick();
      assert.match(r.lastFrame()!.split('\n').at(-1)!, why);
      r.unmount();
    }
    process.env.DISKBLAME_LEVEL = '1';
    let called = 0;
    const r = mount(sampleTree(), { shell: async () => void called++ });
    await tick();
    r.stdin.write('b');
    await tick();
    assert.match(r.lastFrame()!.split('\n').at(-1)!, /already in a shell started by diskblame/);
    assert.equal(called, 0);
    r.unmount();
    delete process.env.DISKBLAME_LEVEL;
    // the shell gets the selected directory, then the directory is rescanned
    const dirs: string[] = [];
    const rescans: number[] = [];
    const t = sampleTree();
    const r2 = mount(t, { shell: async (d: Buffer) => void dirs.push(d.toString()), rescan: async (d: number) => void rescans.push(d) });
    await tick();
    r2.stdin.write('b');
    const f = await until(r2, (x) => /back from the shell/.test(x));
    assert.deepEqual(dirs, ['/root/big']);
    assert.deepEqual(rescans, [entryAt(t, '/root/big')]);
    assert.match(f.split('\n').at(-1)!, /back from the shell; rescanned/);
    r2.unmount();
  } finally {
    if (saved === undefined) delete process.env.DISKBLAME_LEVEL;
    else process.env.DISKBLAME_LEVEL = saved;
  }
});

for (const h of [24, 15]) {
  test(`help at 80x${h}: pages, every line within 80 columns, every key on some page, Space/PgUp page, q closes`, async () => {
    const { HELP_LINES } = await import('../src/ui/overlays.js');
    const r = mount(sampleTree(), { height: h });
    await tick();
    r.stdin.write('?');
    await tick();
    const seen: string[] = [];
    let f = r.lastFrame()!;
    const pages = Number(/page 1\/(\d+)/.exec(f)?.[1]);
    assert.ok(pages >= 2, `more than one page at 80x${h}: ${f}`);
    for (let k = 1; k <= pages; k++) {
      assertFrame(f, 80, h, `help page ${k}`);
      assert.match(f, new RegExp(`page ${k}/${pages}.*Press \\? or q to close`));
      seen.push(...f.split('\n'));
      r.stdin.write(' ');
      await tick();
      f = r.lastFrame()!;
    }
    for (const l of HELP_LINES) if (l.trim()) assert.ok(seen.some((s) => s.trimEnd() === l.trimEnd()), `not shown: ${l}`);
    for (const k of ['e ', 't ', 'm ', 'space', 'd ', 'D ', 'E ', 'b ', '? ', 'q ']) assert.ok(HELP_LINES.some((l) => l.includes(`   ${k}`)), `key ${k} listed`);
    assert.match(f, new RegExp(`page ${pages}/${pages}`), 'Space stops at the last page');
    r.stdin.write('\x1b[5~'); // PgUp
    await tick();
    assert.match(r.lastFrame()!, new RegExp(`page ${pages - 1}/${pages}`));
    r.stdin.write('q');
    await tick();
    assert.doesNotMatch(r.lastFrame()!, /Press \? or q/);
    assert.equal(r.quits(), 0);
    r.unmount();
  });
}

test('runShell (b): $SHELL runs in the directory with DISKBLAME_LEVEL one more; the line before it is escaped; a name that is not UTF-8 is refused', async () => {
  const { runShell } = await import('../src/ui/shell.js');
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'diskblame-ui-shell-'));
  try {
    const dir = path.join(base, 'esc\x1b[31m');
    fs.mkdirSync(dir);
    const script = path.join(base, 'sh');
    const out = path.join(base, 'out');
    fs.writeFileSync(script, '#!/bin/sh\npwd > "$OUT"\necho "level=$DISKBLAME_LEVEL" >> "$OUT"\n', { mode: 0o755 });
    const written: string[] = [];
    const stdout = { write: (s: string) => (written.push(s), true) } as unknown as NodeJS.WriteStream;
    const stdin = { isTTY: false } as unknown as NodeJS.ReadStream;
    await runShell(Buffer.from(dir), { stdin, stdout }, { SHELL: script, OUT: out, DISKBLAME_LEVEL: '2', PATH: process.env.PATH });
    assert.equal(fs.readFileSync(out, 'utf8'), `${dir}\nlevel=3\n`);
    const text = written.join('');
    assert.ok(text.includes('a shell in ' + path.join(base, 'esc\\x1b[31m') + ';'), text);
    assert.ok(!text.includes('\x1b[31m'), 'the name is escaped');
    assert.ok(text.startsWith('\x1b[?25h\x1b[?1049l') && text.endsWith('\x1b[?1049h\x1b[2J\x1b[H\x1b[?25l'), 'the screen is handed over and taken back');
    await assert.rejects(runShell(Buffer.concat([Buffer.from(base + '/'), Buffer.from([0xff])]), { stdin, stdout }, { SHELL: script }), /not UTF-8/);
  } finally {
    fs.rmSync(base, { recursive: true, force: true });
  }
});

test('upFromTop (the browser opened from the volumes view): h, Left, Backspace and < at the top call it; below the top they go up; without it the top stays', async () => {
  let ups = 0;
  const r = mount(sampleTree(), { upFromTop: () => ups++ });
  await tick();
  for (const k of ['h', '\x1b[D', '\x7f', '<']) {
    r.stdin.write(k);
    await tick();
  }
  assert.equal(ups, 4, 'each key at the top');
  r.stdin.write('\r'); // into big/, the largest
  await tick();
  assert.match(r.lastFrame()!, /--- \/root\/big/);
  r.stdin.write('h');
  await tick();
  assert.equal(ups, 4, 'h below the top goes up in the tree');
  assert.match(r.lastFrame()!, /--- \/root\s/);
  assert.equal(r.quits(), 0);
  r.unmount();
  const plain = mount(sampleTree());
  await tick();
  plain.stdin.write('h');
  await tick();
  assert.match(plain.lastFrame()!, /--- \/root\s/, 'no upFromTop: h at the top stays');
  assert.equal(plain.quits(), 0);
  plain.unmount();
});

test('i on a file: its kind of data and why (issue 16), from the disk for a scanned tree, from the tree for an export', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'diskblame-ui-kind-'));
  try {
    // sizes set the order (largest first): core, x.log, x.log.1, x.log.2.gz
    fs.writeFileSync(path.join(dir, 'core'), Buffer.alloc(40_000, 0x7b));
    fs.writeFileSync(path.join(dir, 'x.log'), Buffer.alloc(30_000, 0x61));
    fs.writeFileSync(path.join(dir, 'x.log.1'), Buffer.alloc(20_000, 0x61));
    fs.writeFileSync(path.join(dir, 'x.log.2.gz'), Buffer.alloc(10_000, 0x61));
    const t = new Tree();
    await new Scanner(dir, t, { threads: 1 }).run();
    const r = mount(t);
    await tick();
    r.stdin.write('i');
    await tick();
    assert.match(r.lastFrame()!, /Kind: +temp\n/);
    assert.match(r.lastFrame()!, /Why: +named like a core dump but not an ELF file: not a core dump; temp:\s+its path matches "\/tmp\/\*\*"/);
    r.stdin.write('i');
    await tick();
    r.stdin.write('\x1b[B');
    await tick();
    r.stdin.write('\x1b[B');
    await tick();
    r.stdin.write('i');
    await tick();
    assert.match(r.lastFrame()!, /Name: +x\.log\.1\n/);
    assert.match(r.lastFrame()!, /Kind: +rotated logs\n/);
    assert.match(r.lastFrame()!, /Why: +rotated logs: its name matches "\*\.log\.\[0-9\]\*"/);
    r.unmount();
    // the same tree scanned on another host (--remote): its files are not on this disk, not read here
    const rem = mount(t, { remote: true });
    await tick();
    rem.stdin.write('i');
    await tick();
    assert.match(rem.lastFrame()!, /Why: +named like a core dump; its header was not read/);
    assert.match(rem.lastFrame()!, /another host's tree: no header read here/);
    rem.unmount();
    // the same tree as an export (its producer not a scan, no rescan): no header read, and it says so
    t.info = { ...t.info!, producer: 'ncdu 1.18' };
    const imp = mount(t, { rescan: undefined });
    await tick();
    imp.stdin.write('i');
    await tick();
    assert.match(imp.lastFrame()!, /Why: +named like a core dump; its header was not read/);
    assert.match(imp.lastFrame()!, /imported tree: no header read/);
    imp.unmount();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
