/**
 * The browser's `i` panel says a file's kind of data and why (issue 16, app/kind-info.ts), and the
 * Owners view's kinds (attributeAll): from the disk for a tree scanned here, from the tree alone
 * (no header read, no package lists) for an export or another host's tree; hostile names escaped.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { Tree } from '../src/tree/tree.js';
import { Scanner } from '../src/scan/scanner.js';
import { emptyEntry, EntryType } from '../src/model/entry.js';
import { kindInfo, kindSource } from '../src/app/kind-info.js';
import { infoLines } from '../src/ui/overlays.js';
import { width, wrapColumns } from '../src/ui/text.js';
import { escapeName } from '../src/util/escape.js';
import { attributeAll, attributePrepared, loadOwnerData, prepareOwnerData } from '../src/owners/attribute.js';
import { classifyKinds, loadRules } from '../src/owners/kinds.js';
import { gather } from '../src/ui/OwnersView.js';

/** the first 18 bytes of an ELF core file (64-bit, little-endian, e_type ET_CORE), then zeros */
function elfCore(size: number): Buffer {
  const b = Buffer.alloc(size);
  Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]).copy(b);
  b[16] = 4;
  return b;
}

/** a tree built in memory as an import of another machine's export (producer ncdu) */
function importedTree(rootName: string, files: { dir?: Buffer; name: Buffer; size: number }[]): Tree {
  const t = new Tree();
  const entry = (name: Buffer, type: EntryType, size: number) => {
    const e = emptyEntry();
    e.name = name;
    e.type = type;
    e.asize = size;
    e.dsize = Math.ceil(size / 4096) * 4096;
    e.mode = type === EntryType.Dir ? 0o40755 : 0o100644;
    e.mtime = 1_790_000_000;
    return e;
  };
  const root = t.addRoot(entry(Buffer.from(rootName), EntryType.Dir, 4096));
  const dirs = new Map<string, number>();
  for (const f of files) {
    let at = root;
    if (f.dir) {
      const k = f.dir.toString('latin1');
      if (!dirs.has(k)) dirs.set(k, t.addUnder(root, entry(f.dir, EntryType.Dir, 4096)));
      at = dirs.get(k)!;
    }
    t.addUnder(at, entry(f.name, EntryType.File, f.size));
  }
  t.finish({ timestamp: 1_790_000_000, producer: 'ncdu 1.18', incomplete: false });
  return t;
}

const byName = (t: Tree, name: Buffer | string) => {
  const want = Buffer.from(name);
  for (let i = 0; i < t.count; i++) if (Buffer.from(t.nameOf(i)).equals(want)) return i;
  throw new Error(`no entry ${escapeName(want)}`);
};

/** the text after the label of a panel's line (and of the lines continuing it, 11 columns in, but the note) */
function field(lines: string[], label: string): string | null {
  const k = lines.findIndex((l) => l.startsWith(` ${label}:`));
  if (k < 0) return null;
  const out = [lines[k].slice(11)];
  for (let j = k + 1; j < lines.length && /^ {11}\S/.test(lines[j]) && !/^ {11}\((an imported|another host)/.test(lines[j]); j++) out.push(lines[j].slice(11));
  return out.join(' ');
}

// every C0 and C1 control, DEL: none may reach the terminal as itself
const CONTROL = /[\x00-\x1f\x7f-\x9f]/;

test('infoLines on an imported tree (read: null): kind, why and what was not looked at; hostile names in the why escaped as the Name line has them; lines fit', () => {
  const dir = Buffer.from('logs\x1b]0;pwned\x07\xfe', 'latin1');
  const base = Buffer.from('app\x1b[2J\xff\x9b\\x', 'latin1'); // ESC, invalid UTF-8, a C1 CSI, a literal backslash
  const t = importedTree('/srv/site', [
    { dir, name: base, size: 9000 },
    { dir, name: Buffer.concat([base, Buffer.from('.1')]), size: 8000 },
    { dir, name: Buffer.concat([base, Buffer.from('.2.gz')]), size: 700 },
    { name: Buffer.from('core'), size: 50_000 },
    { name: Buffer.from('notes.txt'), size: 10 },
  ]);
  assert.equal(kindSource(t), 'imported');
  const live = byName(t, base);
  const rot = byName(t, Buffer.concat([base, Buffer.from('.1')]));
  for (const w of [40, 80, 120]) {
    for (const [i, kind] of [
      [live, 'live logs'],
      [rot, 'rotated logs'],
    ] as const) {
      const k = kindInfo(t, i, 'imported')!;
      const L = infoLines(t, i, w, k);
      assert.equal(field(L, 'Kind'), kind);
      // the rotation check's words, with the name and the directory as escapeName shows them (a
      // word wider than the line is cut without a space: compared without spaces)
      const why = field(L, 'Why')!.replace(/ /g, '');
      const has = (x: string) => assert.ok(why.includes(x.replace(/ /g, '')), `${w}: ${x} in ${why}`);
      has(`rotations of ${i === live ? 'it beside it' : escapeName(base)}`);
      has(i === live ? `(${escapeName(Buffer.concat([base, Buffer.from('.1')]))})` : `in /srv/site/${escapeName(dir)}`);
      // no Why line ends inside an escape (a backslash not itself escaped, then part of \xNN or \u{N})
      for (let j = L.findIndex((l) => l.startsWith(' Why:')); L[j] !== ''; j++) assert.doesNotMatch(L[j], /(?<!\\)(\\\\)*\\(x[0-9a-f]?|u\{[0-9a-f]*)?$/, `${w}: ${JSON.stringify(L[j])}`);
      assert.ok(escapeName(base).endsWith('\\x1b[2J\\xff\\x9b\\\\x'), 'escapeName: controls and bad bytes as \\x, the backslash doubled');
      assert.ok(L.join(' ').replace(/ +/g, ' ').includes('(an imported tree: no header read, no package lists)'), L.join('\n'));
      assert.equal(field(L, 'Package'), null, 'no package lists for an export');
      for (const l of L) assert.doesNotMatch(l, CONTROL, `a control character reached the panel: ${JSON.stringify(l)}`);
      // the why and the note wrap to the width (the Name line is cut by the overlay itself)
      const from = L.findIndex((l) => l.startsWith(' Why:'));
      for (let j = from; j < L.length && L[j] !== ''; j++) assert.ok(width(L[j]) <= Math.max(w, 32), `${w}: ${JSON.stringify(L[j])}`);
    }
    // a core named so: its header is not read for an import, and the panel says so
    const c = infoLines(t, byName(t, 'core'), w, kindInfo(t, byName(t, 'core'), 'imported'));
    assert.equal(field(c, 'Kind'), 'none');
    assert.equal(field(c, 'Why'), 'named like a core dump; its header was not read');
    assert.equal(field(infoLines(t, byName(t, 'notes.txt'), w, kindInfo(t, byName(t, 'notes.txt'), 'imported')), 'Why'), 'no rule of the kinds matches it');
  }
  // a directory has no kind lines
  assert.equal(kindInfo(t, 0, 'imported'), null);
  assert.equal(field(infoLines(t, 0, 80, null), 'Kind'), null);
});

test('kindInfo: a scanned tree reads the file on disk (an ELF core is a core dump); the same files as an export or another host\'s tree are not read', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'diskblame-kindinfo-'));
  try {
    fs.writeFileSync(path.join(dir, 'core'), elfCore(30_000));
    fs.writeFileSync(path.join(dir, 'x.log'), 'a\n'.repeat(500));
    const bad = Buffer.from('core\xff\x1b[2J', 'latin1'); // not UTF-8: looked up by its bytes
    fs.writeFileSync(Buffer.concat([Buffer.from(dir + '/'), bad]), elfCore(20_000));
    const t = new Tree();
    await new Scanner(dir, t, { threads: 1 }).run();
    assert.equal(kindSource(t), 'disk');
    assert.equal(kindSource(t, true), 'remote');
    const core = byName(t, 'core');
    assert.deepEqual(kindInfo(t, core, 'disk'), { kind: 'core dumps', reason: 'an ELF core file (e_type ET_CORE): a core dump', package: null });
    const imp = kindInfo(t, core, 'imported')!;
    assert.notEqual(imp.kind, 'core dumps');
    assert.match(imp.reason, /^named like a core dump; its header was not read/);
    const rem = kindInfo(t, core, 'remote')!;
    assert.equal(rem.reason, imp.reason);
    assert.equal(rem.note, "another host's tree: no header read here, no package lists");
    const b = kindInfo(t, byName(t, bad), 'disk')!;
    assert.doesNotMatch(b.reason, /cannot look at/, b.reason);
    assert.notEqual(b.kind, null);
    // a file gone since the scan: said, no throw
    fs.rmSync(path.join(dir, 'x.log'));
    assert.match(kindInfo(t, byName(t, 'x.log'), 'disk')!.reason, /cannot look at .*x\.log: /);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('kindInfo on an export: the whole tree classified once per tree version, not once per file', async () => {
  const t = importedTree('/srv/a', [
    { name: Buffer.from('a.log'), size: 10 },
    { name: Buffer.from('a.log.1'), size: 10 },
  ]);
  // (the names of the tree, which every pass reads, are kept only until the current task ends)
  const nextTask = () => new Promise((r) => setImmediate(r));
  const rules = loadRules();
  const first = kindInfo(t, 1, 'imported')!;
  const again = kindInfo(t, 2, 'imported')!;
  assert.equal(first.kind, 'live logs');
  assert.equal(again.kind, 'rotated logs');
  assert.equal(again.reason, classifyKinds(t, rules, { read: null, owned: null, top: 0 }).why(2));
  let passes = 0;
  const orig = t.allNames.bind(t);
  t.allNames = () => {
    passes++;
    return orig();
  };
  for (let k = 0; k < 5; k++) {
    await nextTask();
    kindInfo(t, 1 + (k % 2), 'imported');
  }
  assert.equal(passes, 0, 'no pass over the tree while its version stands');
  t.version++;
  await nextTask();
  kindInfo(t, 1, 'imported');
  assert.equal(passes, 1, 'a new version: classified again, once');
});

test("attributeAll: the Owners view's kinds read no header of a tree not on this disk; on a scanned tree they are owners' rows, and each file's row is the i panel's kind", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'diskblame-kindrows-'));
  try {
    fs.writeFileSync(path.join(dir, 'core'), elfCore(40_000));
    fs.writeFileSync(path.join(dir, 'core.77'), Buffer.alloc(20_000, 0x41)); // named so, not ELF
    fs.writeFileSync(path.join(dir, 'x.log'), 'a\n'.repeat(5000));
    fs.writeFileSync(path.join(dir, 'x.log.1'), 'a\n'.repeat(4000));
    fs.writeFileSync(path.join(dir, 'x.log.2.gz'), zlib.gzipSync('a\n'.repeat(3000)));
    fs.writeFileSync(path.join(dir, 'db.sql'), '-- PostgreSQL database dump\n\nSET x = 1;\n');
    const t = new Tree();
    await new Scanner(dir, t, { threads: 1 }).run();
    const data = loadOwnerData();
    const onDisk = attributeAll(t, data, 10, true);
    const owners = await attributePrepared(t, prepareOwnerData(), 10);
    assert.deepEqual(onDisk.categories, owners.categories, "the Owners view's kinds are owners' kinds");
    assert.ok(onDisk.categories.some((c) => c.name === 'core dumps' && c.count === 1), 'the ELF core, by its header');
    const notOnDisk = attributeAll(t, data, 10, true, { notOnDisk: true });
    assert.ok(!notOnDisk.categories.some((c) => c.name === 'core dumps'), 'no header read: no core dump');
    // each file's row in the view is the kind the i panel says, either way
    for (const [att, source] of [
      [onDisk, 'disk'],
      [notOnDisk, 'imported'],
    ] as const) {
      for (let i = 1; i < t.count; i++) {
        const k = att.labels.categories[i];
        assert.equal(k >= 0 ? att.categories[k].name : null, kindInfo(t, i, source)!.kind, `${source}: ${escapeName(t.nameOf(i))}`);
      }
    }
    // the view itself: its kinds rows from the disk for the scan, from the tree alone once it is an export's
    const kindRows = async () => (await gather(t, dir)).rows.map((r) => r.label ?? '').filter((l) => /^core dumps /.test(l));
    assert.deepEqual(await kindRows(), ['core dumps  (1 file)']);
    t.info = { ...t.info!, producer: 'ncdu 1.18' };
    assert.deepEqual(await kindRows(), []);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('wrapColumns: lines of at most w columns, cut at spaces; a word wider than w (a path) cut between clusters; wide characters count 2', () => {
  assert.deepEqual(wrapColumns('a b c', 3), ['a b', 'c']);
  assert.deepEqual(wrapColumns('', 10), []);
  const p = '/var/lib/postgresql/backups/nightly/db-2026-11-30.sql.gz';
  const l = wrapColumns(`one of a series in ${p} (sizes 1 to 2 bytes)`, 20);
  assert.equal(l.join('').replace(/ /g, ''), `one of a series in ${p} (sizes 1 to 2 bytes)`.replace(/ /g, ''), 'no character lost');
  for (const x of l) assert.ok(width(x) <= 20, x);
  assert.ok(l.some((x) => x.startsWith('/var/lib/postgresql')), 'the long word starts its own line');
  // never inside an escape: \x07 and \\ stay whole on one line
  const esc = wrapColumns('in /srv/logs\\x1b]0;pwned\\x07\\xfe\\\\q/x beside', 16);
  assert.deepEqual(esc, ['in', '/srv/logs\\x1b]0;', 'pwned\\x07\\xfe\\\\q', '/x beside']);
  assert.deepEqual(wrapColumns('ab\\x07cd', 3), ['ab', '\\x07', 'cd']);
  const wide = wrapColumns('日本語の名前のファイル.log.1 beside it', 9);
  for (const x of wide) assert.ok(width(x) <= 9, x);
  assert.equal(wide.join('').replace(/ /g, ''), '日本語の名前のファイル.log.1besideit');
});
