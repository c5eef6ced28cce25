/**
 * `diskblame tree`: the pure renderer (report/tree.ts) on trees scanned from real directories, and
 * the command, whose sizes are du's, whose lines fit the width (80 piped, COLUMNS honoured) and
 * whose names are escaped.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { layoutTree, renderTree, treeJson, type TreeNode } from '../src/report/tree.js';
import { width } from '../src/ui/text.js';
import { assertOneLineError, du, duOk, runCli, runCliOk } from './helpers/run.js';
import { makeTmp, rmrf } from './helpers/fs.js';
import { assertTerminalSafe, HOSTILE } from './helpers/hostile.js';
import { scanTree } from './helpers/tree.js';

/** root/big (files of 400, 300, 200, 100, 50, 10 KiB), root/mid/{x,y}/..., root/small, hostile names */
function buildTree(root: string): void {
  fs.mkdirSync(path.join(root, 'big'));
  for (const [n, k] of [
    ['a', 400],
    ['b', 300],
    ['c', 200],
    ['d', 100],
    ['e', 50],
    ['f', 10],
  ] as const)
    fs.writeFileSync(path.join(root, 'big', n), Buffer.alloc(k * 1024, 1));
  fs.mkdirSync(path.join(root, 'mid', 'x', 'deeper', 'deepest'), { recursive: true });
  fs.writeFileSync(path.join(root, 'mid', 'x', 'deeper', 'deepest', 'bottom'), Buffer.alloc(120 * 1024, 1));
  fs.mkdirSync(path.join(root, 'mid', 'y'));
  fs.writeFileSync(path.join(root, 'mid', 'y', 'z'), Buffer.alloc(30 * 1024, 1));
  fs.writeFileSync(path.join(root, 'small'), Buffer.alloc(2000, 1));
  for (const h of HOSTILE.slice(0, 4)) fs.writeFileSync(path.join(Buffer.from(root).toString(), 'h-' + h.bytes.toString('latin1').replace(/\//g, '_')), Buffer.alloc(9000, 1));
}

/** every node of a layout, depth first */
function nodes(n: TreeNode): TreeNode[] {
  return [n, ...n.children.flatMap(nodes)];
}

describe('tree', () => {
  let root: string;
  before(() => {
    root = makeTmp('treecmd');
    buildTree(root);
  });
  after(() => rmrf(root));

  it('layout: the largest first, top N per level, the rest folded with its exact sizes, depth bounded', async () => {
    const t = await scanTree(root);
    const l = layoutTree(t, { depth: 2, top: 3, apparent: false });
    const big = l.children.find((c) => Buffer.from(t.nameOf(c.index)).toString() === 'big')!;
    assert.deepEqual(
      big.children.map((c) => Buffer.from(t.nameOf(c.index)).toString()),
      ['a', 'b', 'c'],
    );
    assert.equal(big.more?.count, 3);
    const folded = ['d', 'e', 'f'].map((n) => fs.statSync(path.join(root, 'big', n)).blocks * 512).reduce((a, b) => a + b);
    assert.equal(big.more?.diskBytes, folded);
    // at most top children each, none below depth 2
    for (const n of nodes(l)) {
      assert.ok(n.children.length <= 3);
      assert.ok(t.depthOf(n.index) <= 2, 'an entry below --depth was drawn');
    }
    // the root's shown children and its folded rest add up to the root's own total, less its own blocks
    const rootKids = l.children.reduce((s, c) => s + t.sizeD(c.index), 0) + Number(l.more?.diskBytes ?? 0);
    assert.equal(rootKids + t.ownD(t.root), t.sizeD(t.root));
    // depth 0: the root alone, nothing folded
    const only = layoutTree(t, { depth: 0, top: 5, apparent: false });
    assert.equal(only.children.length, 0);
    assert.equal(only.more, null);
  });

  it('render: every line within the width, bars and shares of the root, hostile names escaped', async () => {
    const t = await scanTree(root);
    for (const w of [30, 60, 80, 200]) {
      const text = renderTree(t, layoutTree(t, { depth: 3, top: 20, apparent: false }), { width: w, apparent: false, exact: false });
      assertTerminalSafe(text, `tree at ${w} columns`);
      const lines = text.trimEnd().split('\n');
      for (const line of lines) assert.ok(width(line) <= w, `over ${w} columns: ${JSON.stringify(line)}`);
      if (w >= 80) {
        assert.match(lines[0], /^\s*\S+ \S+ 100\.0% \[##########\] \//);
        assert.ok(lines[0].endsWith(root), lines[0]);
        assert.ok(lines.some((l) => /[├└]── big\/$/.test(l)), text);
        assert.ok(text.includes('h-esc\\x1b[31mred\\x1b[0m'), text);
      }
    }
    // the root 100%, big/ about 1 MiB of 1.2 MiB: a share and a bar to match
    const text = renderTree(t, layoutTree(t, { depth: 1, top: 1, apparent: true }), { width: 80, apparent: true, exact: true });
    const lines = text.trimEnd().split('\n');
    assert.equal(lines.length, 3, text);
    const share = (100 * t.sizeA(t.children(t.root).find((c) => Buffer.from(t.nameOf(c)).toString() === 'big')!)) / t.sizeA(t.root);
    assert.ok(lines[1].includes(`${share.toFixed(1)}%`), text);
    assert.ok(lines[1].includes(`[${'#'.repeat(Math.round(share / 10))}${' '.repeat(10 - Math.round(share / 10))}]`), text);
    assert.match(lines[2], /└── \(\d+ more\)$/);
  });

  it('the command: sizes are du\'s (disk and apparent), --json, -f an export draws the same tree', () => {
    const j = JSON.parse(runCliOk(['tree', root, '--json', '--depth', '2', '--top', '10']).stdout);
    assert.equal(j.tree.path, root);
    assert.equal(j.tree.diskBytes, duOk(['-sB1'], root));
    assert.equal(j.tree.apparentBytes, duOk(['-sb'], root));
    const byName = new Map<string, { diskBytes: number; apparentBytes: number; children?: unknown[] }>(j.tree.children.map((c: { name: string }) => [c.name, c]));
    for (const d of ['big', 'mid']) {
      assert.equal(byName.get(d)!.diskBytes, duOk(['-sB1'], path.join(root, d)), d);
      assert.equal(byName.get(d)!.apparentBytes, duOk(['-sb'], path.join(root, d)), d);
    }
    assert.equal(byName.get('small')!.apparentBytes, 2000);
    // -b text: the same digits as du
    const text = runCliOk(['tree', root, '-b', '--depth', '1']).stdout;
    assert.match(text.split('\n')[0], new RegExp(`^${duOk(['-sB1'], root)} +100\\.0% `));
    // an export (scan -o) drawn with -f: the same tree
    const exp = path.join(makeTmp('treecmd-exp'), 'e.json');
    try {
      runCliOk(['scan', root, '-o', exp, '--no-sample']);
      const k = JSON.parse(runCliOk(['tree', '-f', exp, '--json', '--depth', '2', '--top', '10']).stdout);
      assert.deepEqual(k.tree, j.tree);
    } finally {
      rmrf(path.dirname(exp));
    }
  });

  it('the scanning flags of scan: -L (du -L), --exclude-caches, -X; not with -f', () => {
    const d = makeTmp('treecmd-flags');
    try {
      fs.mkdirSync(path.join(d, 'data', 'cache'), { recursive: true });
      fs.mkdirSync(path.join(d, 'links'));
      fs.writeFileSync(path.join(d, 'data', 'keep'), Buffer.alloc(50_000, 1));
      fs.writeFileSync(path.join(d, 'data', 'cache', 'CACHEDIR.TAG'), 'Signature: 8a477f597d28d172789f06886806bc55\n');
      fs.writeFileSync(path.join(d, 'data', 'cache', 'blob'), Buffer.alloc(300_000, 1));
      fs.mkdirSync(path.join(d, 'elsewhere'));
      fs.writeFileSync(path.join(d, 'elsewhere', 'file'), Buffer.alloc(70_000, 1));
      fs.symlinkSync('../elsewhere/file', path.join(d, 'links', 'to-file'));
      fs.symlinkSync('../data', path.join(d, 'links', 'to-dir'));
      const tree = (...a: string[]) => JSON.parse(runCliOk(['tree', path.join(d, 'links'), '--json', ...a]).stdout).tree;
      assert.equal(tree('-L').diskBytes, duOk(['-sLxB1'], path.join(d, 'links')));
      assert.equal(tree('-L').apparentBytes, duOk(['-sLxb'], path.join(d, 'links')));
      assert.ok(tree('-L').diskBytes > tree().diskBytes + 300_000, 'the links were followed');
      // the cache's contents and -X's names are left out (listed, as scan does)
      fs.writeFileSync(path.join(d, 'x.lst'), 'keep\n');
      const cut = tree('-L', '--exclude-caches', '-X', path.join(d, 'x.lst'));
      assert.ok(cut.diskBytes < tree('-L').diskBytes - 300_000, JSON.stringify(cut));
      const exp = path.join(d, 'e.json');
      runCliOk(['scan', d, '-o', exp, '--no-sample']);
      assert.match(assertOneLineError(runCli(['tree', '-f', exp, '-L']), 2), /-L apply to scans, not to --file/);
    } finally {
      rmrf(d);
    }
  });

  it('the command: 80 columns piped, COLUMNS honoured, names escaped', () => {
    for (const [env, w] of [
      [{}, 80],
      [{ COLUMNS: '45' }, 45],
      [{ COLUMNS: '150' }, 150],
    ] as const) {
      const r = runCliOk(['tree', root, '--depth', '5', '--top', '20'], { env: { ...process.env, COLUMNS: undefined, ...env } });
      assertTerminalSafe(r.stdout, 'tree');
      const lines = r.stdout.trimEnd().split('\n');
      for (const line of lines) assert.ok(width(line) <= w, `over ${w}: ${line}`);
      if (w === 150) assert.ok(lines.some((l) => l.endsWith('└── bottom')), r.stdout);
    }
  });

  it('bad arguments: one line, exit 2', () => {
    for (const [args, re] of [
      [['tree', root, '--depth', 'abc'], /--depth wants a number, not abc/],
      [['tree', root, '--top', '-1'], /--top wants a whole number >= 0, not -1/],
      [['tree', root, '-f', '/nonexistent'], /either PATH or --file/],
      [['tree', root, '-0', '-2'], /give one of -0, -2/],
    ] as const) {
      const line = assertOneLineError(runCli([...args]), 2);
      assert.match(line, re);
    }
    const r = runCli(['tree', path.join(root, 'nope')]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /no such file or directory/);
    assert.equal(du(['-s'], root).code, 0);
  });

  it('--json names a non-UTF-8 name with its bytes', async () => {
    const d = makeTmp('treecmd-bytes');
    try {
      fs.writeFileSync(Buffer.concat([Buffer.from(d + '/bad'), Buffer.from([0xff])]), 'x');
      const t = await scanTree(d);
      const j = treeJson(t, layoutTree(t, { depth: 1, top: 5, apparent: false }));
      const kid = (j.children as { name: string; nameBase64?: string }[])[0];
      assert.equal(Buffer.from(kid.nameBase64!, 'base64').toString('latin1'), 'bad\xff');
    } finally {
      rmrf(d);
    }
  });
});
