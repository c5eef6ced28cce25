/**
 * Filtering the browser to one owner: the labels the attribution passes leave per entry, the
 * filtered tree (membership, sums, hard links), deletion under a filter, and the screens (Owners
 * view: Enter → paths, f → filtered browser; the browser: header, keys, clearing).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import React from 'react';
import { render } from 'ink-testing-library';
import { Entry, EntryType, emptyEntry } from '../src/model/entry.js';
import { Tree } from '../src/tree/tree.js';
import { Scanner } from '../src/scan/scanner.js';
import { deletionPlan, entryAt, FilteredTree, memberFiles } from '../src/tree/filter.js';
import { attributePackages } from '../src/owners/packages.js';
import { attributeServices } from '../src/owners/services.js';
import { categorize, BUILTIN_RULES } from '../src/owners/kinds.js';
import { attributeUsers } from '../src/owners/users.js';
import { Browser } from '../src/ui/Browser.js';
import { App } from '../src/ui/App.js';
import { size } from '../src/util/format.js';
import { makeTmp, rmrf, writeSized } from './helpers/fs.js';

function ent(name: string, type: EntryType, dsize: number, extra: Partial<Entry> = {}): Entry {
  return { ...emptyEntry(), name: Buffer.from(name), type, asize: dsize, dsize, mtime: 1_700_000_000, uid: 0, gid: 0, mode: type === EntryType.Dir ? 0o40755 : 0o100644, ...extra };
}

/**
 * /srv: olds (a.bak, b.old, deep/c.bak), logs (x.log, y.log.1), data (z.bin, hard-linked
 * h.bak twice: one inode), var/lib/foo (a service's directory, owned by uid 1000).
 */
function fixture(): Tree {
  const t = new Tree();
  t.enterDir(ent('/srv', EntryType.Dir, 4096));
  t.enterDir(ent('olds', EntryType.Dir, 4096));
  t.addEntry(ent('a.bak', EntryType.File, 100 * 4096));
  t.addEntry(ent('b.old', EntryType.File, 20 * 4096));
  t.enterDir(ent('deep', EntryType.Dir, 4096));
  t.addEntry(ent('c.bak', EntryType.File, 3 * 4096));
  t.addEntry(ent('keep.txt', EntryType.File, 50 * 4096));
  t.leaveDir();
  t.leaveDir();
  t.enterDir(ent('logs', EntryType.Dir, 4096));
  t.addEntry(ent('x.log', EntryType.File, 7 * 4096));
  t.addEntry(ent('y.log.1', EntryType.File, 9 * 4096));
  t.leaveDir();
  t.enterDir(ent('data', EntryType.Dir, 4096));
  t.addEntry(ent('z.bin', EntryType.File, 400 * 4096));
  t.addEntry(ent('h.bak', EntryType.File, 30 * 4096, { nlink: 2, dev: 1, ino: 77 }));
  t.enterDir(ent('sub', EntryType.Dir, 4096));
  t.addEntry(ent('h2.bak', EntryType.File, 30 * 4096, { nlink: 2, dev: 1, ino: 77 }));
  t.leaveDir();
  t.leaveDir();
  t.leaveDir();
  t.finish({ timestamp: 0, producer: 'test', incomplete: false });
  return t;
}

test('labels: every row of every attribution equals the filtered tree of its label', () => {
  const t = fixture();
  const lab = new Int32Array(t.count);
  const cats = categorize(t, BUILTIN_RULES, { labels: lab });
  assert.ok(cats.length >= 3);
  for (const [k, c] of cats.entries()) {
    const f = new FilteredTree(t, { title: c.name, labels: lab, k });
    assert.equal(f.bytes, c.bytes, `category ${c.name}: bytes`);
    assert.equal(f.files, c.count, `category ${c.name}: files`);
    assert.equal(f.sizeD(0), c.bytes);
  }
  const pl = new Int32Array(t.count);
  const pk = attributePackages(t, new Map([['/srv/data/z.bin', 'big'], ['/srv/logs/x.log', 'logger']]), { labels: pl });
  for (const [k, p] of pk.entries()) {
    const f = new FilteredTree(t, { title: p.name, labels: pl, k });
    assert.equal(f.bytes, p.bytes, `package ${p.name}`);
    assert.equal(f.files, p.files, `package ${p.name}: files`);
  }
  const ul = new Int32Array(t.count);
  const us = attributeUsers(t, new Map([[0, 'root']]), ul);
  assert.equal(us.length, 1);
  assert.equal(new FilteredTree(t, { title: 'root', labels: ul, k: 0 }).bytes, us[0].bytes);
  const sl = new Int32Array(t.count);
  const sv = attributeServices(t, { units: new Set(['logs.service']), unitDirs: new Map([['/srv/logs', 'logs.service']]), docker: new Map(), podman: new Map() }, { labels: sl });
  // /srv/logs is not under /var: declared unit directories still count
  for (const [k, s] of sv.entries()) assert.equal(new FilteredTree(t, { title: s.name, labels: sl, k }).bytes, s.bytes, s.name);
});

test('filtered tree: only members and the directories leading to them; sums of members only; a hard link once', () => {
  const t = fixture();
  const lab = new Int32Array(t.count);
  const cats = categorize(t, BUILTIN_RULES, { labels: lab });
  const k = cats.findIndex((c) => c.name === 'backups');
  const f = new FilteredTree(t, { title: 'kind backups', labels: lab, k });
  const names = (d: number) => Array.from(f.children(d), (i) => Buffer.from(t.nameOf(i)).toString()).sort();
  assert.deepEqual(names(0), ['data', 'olds']);
  const backups = entryAt(t, '/srv/olds');
  assert.deepEqual(names(backups), ['a.bak', 'b.old', 'deep']);
  assert.deepEqual(names(entryAt(t, '/srv/olds/deep')), ['c.bak']);
  assert.equal(f.sizeD(backups), (100 + 20 + 3) * 4096, 'directories count no own bytes, and not keep.txt');
  const data = entryAt(t, '/srv/data');
  assert.equal(f.sizeD(data), 30 * 4096, 'the hard-linked inode once');
  assert.equal(f.sizeD(0), (123 + 30) * 4096);
  assert.equal(f.files, 4, 'a.bak b.old c.bak and the one inode of h.bak/h2.bak');
  assert.equal(f.items(backups), 4);
  assert.ok(!f.visible(entryAt(t, '/srv/logs')) && !f.visible(entryAt(t, '/srv/olds/deep/keep.txt')));
  assert.ok(f.member(entryAt(t, '/srv/olds/a.bak')) && !f.member(backups));
  // the owner's files, largest first
  assert.deepEqual(Array.from(memberFiles(f), (i) => Buffer.from(t.nameOf(i)).toString()).slice(0, 3), ['a.bak', 'h.bak', 'h2.bak']);
  // deleting under a filter: only members, never keep.txt; the directory goes only if empty
  const plan = deletionPlan(f, backups);
  assert.deepEqual(plan.files.map((i) => Buffer.from(t.nameOf(i)).toString()).sort(), ['a.bak', 'b.old', 'c.bak']);
  assert.deepEqual(plan.dirs, [], 'directories are no kind of data');
  assert.equal(plan.bytes, 123 * 4096);
  // after a change to the tree the filter follows
  t.removeSubtree(entryAt(t, '/srv/olds/a.bak'));
  f.refresh();
  assert.equal(f.sizeD(0), (23 + 30) * 4096);
});

test('a 100,000-entry tree: the filter is built in one pass (time printed)', () => {
  const t = new Tree();
  t.enterDir(ent('/big', EntryType.Dir, 4096));
  for (let d = 0; d < 1000; d++) {
    t.enterDir(ent(`d${d}`, EntryType.Dir, 4096));
    for (let k = 0; k < 100; k++) t.addEntry(ent(k % 10 === 0 ? `f${k}.bak` : `f${k}`, EntryType.File, 4096 * (1 + (k % 7))));
    t.leaveDir();
  }
  t.leaveDir();
  t.finish({ timestamp: 0, producer: 'test', incomplete: false });
  const lab = new Int32Array(t.count);
  const cats = categorize(t, BUILTIN_RULES, { labels: lab });
  const f = new FilteredTree(t, { title: 'kind backups', labels: lab, k: 0 });
  assert.equal(f.bytes, cats[0].bytes);
  assert.equal(f.files, 10_000);
  console.log(`# filter over ${t.count} entries built in ${f.buildMs.toFixed(1)} ms`);
});

const tick = () => new Promise((r) => setTimeout(r, 60));
async function until(r: { lastFrame: () => string | undefined }, re: RegExp, what: string): Promise<string> {
  for (let k = 0; k < 100; k++) {
    // one more tick: Ink registers the new key handlers after the frame is drawn
    if (re.test(r.lastFrame() ?? '')) return tick().then(() => r.lastFrame()!);
    await tick();
  }
  assert.fail(`${what}: no ${re} in\n${r.lastFrame()}`);
}
function selectedRow(frame: string): string {
  return frame.split('\n').find((l) => l.includes('\x1b[7m') && !l.includes('diskblame ') && !l.includes('Disk:')) ?? '';
}

test('browser with a filter: header, only the owner\'s rows, sums, sort and info keys, f and Esc clear', async () => {
  const t = fixture();
  const lab = new Int32Array(t.count);
  const cats = categorize(t, BUILTIN_RULES, { labels: lab });
  const k = cats.findIndex((c) => c.name === 'backups');
  const f = new FilteredTree(t, { title: 'kind backups', labels: lab, k });
  let cleared = 0;
  const el = (filter: FilteredTree | null) => (
    <Browser tree={t} width={80} height={24} readOnly={false} incomplete={false} color={false} volume="" tabs="[1 Browse]"
      rescan={async () => {}} quit={() => {}} filter={filter} clearFilter={() => cleared++} />
  );
  const r = render(el(f));
  await tick();
  let fr = r.lastFrame()!;
  assert.match(fr, new RegExp(`filter: kind backups — ${size(cats[k].bytes).replace('.', '\\.')} in 4 files`));
  assert.match(fr, /olds\//);
  assert.match(fr, /data\//);
  assert.doesNotMatch(fr, /logs\//, 'nothing of the owner in logs/');
  assert.match(selectedRow(fr), new RegExp(`${size(123 * 4096).replace('.', '\\.')}.*olds/`), 'largest first, filtered size');
  assert.match(fr, /Filtered disk: /);
  r.stdin.write('\r');
  fr = await until(r, /a\.bak/, 'open olds/');
  assert.doesNotMatch(fr, /keep\.txt/);
  r.stdin.write('n'); // by name
  await tick();
  assert.match(selectedRow(r.lastFrame()!), /a\.bak/);
  r.stdin.write('i');
  fr = await until(r, /Name: +a\.bak/, 'info');
  r.stdin.write('i');
  await tick();
  r.stdin.write('d');
  fr = await until(r, /Delete this from the disk\?/, 'confirm');
  r.stdin.write('n');
  await tick();
  r.stdin.write('\x1b');
  await tick();
  assert.equal(cleared, 1, 'Esc clears the filter');
  r.stdin.write('f');
  await tick();
  assert.equal(cleared, 2, 'f clears it too');
  // without a filter: everything, and f explains where filters come from
  r.rerender(el(null));
  await tick();
  fr = r.lastFrame()!;
  assert.doesNotMatch(fr, /filter: /);
  assert.match(fr, /--- \/srv\/olds/, 'the place is kept when the filter goes');
  assert.match(fr, /Disk: 700 KiB .*Items: 5 /, 'unfiltered sums again');
  r.stdin.write('f');
  await until(r, /Owners view/, 'f without a filter');
  r.unmount();
});

/** a real tree with *.bak, *.log and other files */
function realFixture(): string {
  const dir = makeTmp('ofilter');
  fs.mkdirSync(path.join(dir, 'app', 'logs'), { recursive: true });
  fs.mkdirSync(path.join(dir, 'app', 'old'));
  fs.mkdirSync(path.join(dir, 'data'));
  writeSized(path.join(dir, 'app', 'logs', 'app.log'), 60_000);
  writeSized(path.join(dir, 'app', 'logs', 'err.log'), 20_000);
  writeSized(path.join(dir, 'app', 'old', 'db.bak'), 300_000);
  writeSized(path.join(dir, 'app', 'old', 'notes.txt'), 90_000);
  writeSized(path.join(dir, 'data', 'conf.bak'), 12_000);
  writeSized(path.join(dir, 'data', 'big.bin'), 500_000);
  return dir;
}

async function toRow(r: ReturnType<typeof render>, re: RegExp): Promise<void> {
  for (let k = 0; k < 60 && !re.test(selectedRow(r.lastFrame()!)); k++) {
    r.stdin.write('j');
    await tick();
  }
  assert.match(selectedRow(r.lastFrame()!), re);
}

test('Owners view: Enter shows the owner\'s paths, largest first; f filters the browser; Enter on a path shows it there; d deletes only what is shown', async () => {
  const dir = realFixture();
  try {
    const t = new Tree();
    await new Scanner(dir, t, { threads: 1 }).run();
    const r = render(<App tree={t} root={dir} scanOptions={{}} readOnly={false} size={{ width: 100, height: 30 }} />);
    await tick();
    r.stdin.write('2');
    await until(r, /Kinds of data/, 'owners gathered');
    await toRow(r, /backups/);
    const bytes = (await import('../src/owners/kinds.js')).categorize(t, BUILTIN_RULES).find((c) => c.name === 'backups')!.bytes;
    r.stdin.write('\r');
    let fr = await until(r, /kind backups — /, 'paths screen');
    assert.match(fr, new RegExp(`kind backups — ${size(bytes).replace('.', '\\.')} in 2 files`));
    const lines = fr.split('\n');
    const a = lines.findIndex((l) => l.includes('/app/old/db.bak'));
    const b = lines.findIndex((l) => l.includes('/data/conf.bak'));
    assert.ok(a > 0 && b > a, 'largest first');
    assert.doesNotMatch(fr, /big\.bin|notes\.txt|app\.log/);
    r.stdin.write('j');
    await tick();
    assert.match(selectedRow(r.lastFrame()!), /conf\.bak/);
    r.stdin.write('\x1b'); // back to the list
    await until(r, /Kinds of data/, 'list again');
    r.stdin.write('f');
    fr = await until(r, /filter: kind backups/, 'filtered browser');
    assert.match(fr, /app\//);
    assert.match(fr, /data\//);
    assert.match(fr, new RegExp(`Filtered disk: ${size(bytes).replace('.', '\\.')}`), 'the root sums the owner\'s bytes');
    r.stdin.write('\r'); // into app/: old/ only
    fr = await until(r, /--- \S*\/app( |\n)/, 'app/ opened');
    assert.match(fr, /old\//);
    assert.doesNotMatch(fr, /logs\//);
    r.stdin.write('h');
    await until(r, /data\//, 'back');
    // d on app/ deletes db.bak only: notes.txt and the logs are not shown and stay
    await toRow(r, /app\//);
    r.stdin.write('d');
    fr = await until(r, /Delete the files of kind backups shown below this directory/, 'filtered confirm');
    assert.match(fr, /1 files, /);
    r.stdin.write('y');
    fr = await until(r, /deleted 1 entry of kind backups/, 'deleted');
    assert.ok(!fs.existsSync(path.join(dir, 'app', 'old', 'db.bak')));
    for (const keep of ['app/old/notes.txt', 'app/logs/app.log', 'data/conf.bak', 'data/big.bin']) assert.ok(fs.existsSync(path.join(dir, keep)), keep);
    assert.doesNotMatch(fr, /app\//, 'nothing of the owner left in app/');
    // Esc: the whole tree again
    r.stdin.write('\x1b');
    fr = await until(r, /big\.bin|data\//, 'unfiltered');
    assert.doesNotMatch(fr, /filter: /);
    assert.match(fr, /app\//);
    // back to Owners: Enter on a path opens the browser filtered, at that file
    r.stdin.write('2');
    await until(r, /Kinds of data/, 'owners again');
    r.stdin.write('\r');
    await until(r, /conf\.bak/, 'paths');
    r.stdin.write('\r');
    fr = await until(r, /filter: kind backups/, 'shown in the browser');
    assert.match(selectedRow(fr), /conf\.bak/);
    assert.match(fr, /--- .*\/data/);
    r.unmount();
  } finally {
    rmrf(dir);
  }
});
