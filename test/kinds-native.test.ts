/**
 * The kinds pass with the addon (ncduparse.c kindsMarks, kindsOrder, kindsSums: src/owners/kinds.ts
 * MarkedWalk) against the reference walk (categorize's native: false, as DISKBLAME_NATIVE=0): the
 * same categories, bytes, counts, oldest/newest, biggest items and labels, on real trees with hostile
 * names, hard links and user rules of every shape. And the prefilter alone against a model of the
 * literal tests it must pass (it may never leave out a name a test would take), over generated names
 * and literals. Seeded; bounded by counts, not by time.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { BUILTIN_RULES, categorize, kindsPrefilterApplies, kindsSpec, loadRules, type CategoryRule, type Rules } from '../src/owners/kinds.js';
import { rng } from '../src/forecast/synth.js';
import { ncduParseAddon } from '../src/import/native-parse.js';
import { makeTmp, rmrf } from './helpers/fs.js';
import { scanTree } from './helpers/tree.js';
import type { Tree } from '../src/tree/tree.js';

const addon = ncduParseAddon();
const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
// where the directory reader was built, this one was too (one install script, one compiler)
const built = fs.existsSync(path.join(ROOT, 'build', 'Release', 'dirscan.node')) && process.env.DISKBLAME_NATIVE !== '0';
const skip = addon === null ? 'the addon is not built or disabled (DISKBLAME_NATIVE=0): nothing to compare' : false;

/** pieces of names: the rules' literals, glob characters, bytes that are not UTF-8, newlines */
const PIECES: (string | number[])[] = [
  'core', 'core.', '12', '7', '.log', '.log.', '.log-', '20240101', '.bak', '.old', '~', '.orig', '.dump', '.sql', '.sql.gz', '.tar',
  '.tar.gz', '.tgz', '.zip', '.tmp', '.temp', '.swp', '.gz', 'config', 'README', 'data', 'a', 'b', 'x*y', '*', '.', '..x', '\n', '?',
  '[1]', '{a,b}', 'é', [0xff], [0xe9], [0xc3], [0x80, 0x2e], 'foo', 'bar', 'cache', 'log', 'logs', '_cacache', 'Trash', '.Trash-1000',
];
const DIRNAMES = ['log', 'logs', 'cache', 'caches', '.cache', '_cacache', 'tmp', 'data', 'index', 'keys', 'snapshots', 'x', 'é', 'sub', 'a*b', '.Trash-0'];

function nameBytes(r: () => number): Buffer {
  for (;;) {
    const parts: Buffer[] = [];
    const n = 1 + Math.floor(r() * 4);
    for (let k = 0; k < n; k++) {
      const p = PIECES[Math.floor(r() * PIECES.length)];
      parts.push(typeof p === 'string' ? Buffer.from(p, 'utf8') : Buffer.from(p));
    }
    const b = Buffer.concat(parts);
    const s = b.toString('latin1');
    if (s !== '.' && s !== '..' && !s.includes('/') && b.length <= 200) return b;
  }
}

/**
 * A tree of ~60 directories (some of the rules' directories: var/log, var/cache, var/backups, tmp,
 * a home's .cache and Trash, a restic-like repository) and ~700 files of generated names and sizes,
 * with hard links within and across directories.
 */
function buildTree(root: string, seed: number): void {
  const r = rng(seed);
  const dirs: Buffer[] = [];
  const mk = (rel: string | Buffer) => {
    const p = Buffer.concat([Buffer.from(root + '/'), Buffer.isBuffer(rel) ? rel : Buffer.from(rel)]);
    fs.mkdirSync(p, { recursive: true });
    dirs.push(p);
    return p;
  };
  for (const d of ['var/log/nginx', 'var/cache/apt', 'var/backups', 'tmp/x', 'home/u/.cache/pip', 'home/u/.local/share/Trash/files', 'srv/repo/data', 'srv/repo/index', 'srv/repo/keys', 'srv/repo/snapshots', 'opt'])
    mk(d);
  fs.writeFileSync(path.join(root, 'srv/repo/config'), 'x');
  for (let k = 0; k < 45; k++) {
    const parent = dirs[Math.floor(r() * dirs.length)];
    const name = r() < 0.5 ? Buffer.from(DIRNAMES[Math.floor(r() * DIRNAMES.length)]) : nameBytes(r);
    const p = Buffer.concat([parent, Buffer.from('/'), name]);
    try {
      fs.mkdirSync(p);
      dirs.push(p);
    } catch {
      // (a name taken)
    }
  }
  const files: Buffer[] = [];
  for (let k = 0; k < 700; k++) {
    const dir = dirs[Math.floor(r() * dirs.length)];
    const p = Buffer.concat([dir, Buffer.from('/'), nameBytes(r)]);
    if (fs.existsSync(p)) continue;
    // sizes with ties (the biggest items keep the first seen) and without
    const size = r() < 0.3 ? 4096 : Math.floor(r() * 20000);
    fs.writeFileSync(p, Buffer.alloc(size, 0x61));
    if (r() < 0.1) fs.utimesSync(p, 1_000_000 + Math.floor(r() * 1e6), 1_000_000 + Math.floor(r() * 1e6));
    files.push(p);
  }
  for (let k = 0; k < 40; k++) {
    const from = files[Math.floor(r() * files.length)];
    const dir = dirs[Math.floor(r() * dirs.length)];
    const p = Buffer.concat([dir, Buffer.from('/'), nameBytes(r)]);
    if (!fs.existsSync(p)) fs.linkSync(from, p);
  }
}

/** what a user could write: exact names, *suffixes, prefixes, literals, pure-regex globs, path globs */
function userPatterns(r: () => number, names: string[]): string[] {
  const pick = <T>(a: T[]) => a[Math.floor(r() * a.length)];
  // a name of the tree as text (names that are not UTF-8 cannot be written in a rules file)
  const aName = () => {
    for (let k = 0; k < 20; k++) {
      const n = pick(names);
      const b = Buffer.from(n, 'latin1');
      const s = b.toString('utf8');
      if (Buffer.from(s, 'utf8').equals(b) && s.length) return s;
    }
    return 'config';
  };
  const shapes: (() => string)[] = [
    () => aName(),
    () => '*' + aName().slice(-1 - Math.floor(r() * 5)),
    () => aName().slice(0, 2 + Math.floor(r() * 4)) + '*',
    () => aName().slice(0, 2 + Math.floor(r() * 3)) + '*.' + pick(['gz', 'log', '[0-9]', '*']),
    () => '*' + aName().slice(1, 3 + Math.floor(r() * 3)) + '*',
    () => '?' + aName().slice(1, 4) + '*',
    () => pick(['*', '?*', '[a-z]*', '*[0-9]', '!(*.log)', '@(a|b)*', '+([0-9])']),
    () => pick(['core', 'config', 'README', '*.log', '*.bak', '*~', 'core.+([0-9])', '*.log.[0-9]*', 'é*', '*é', '*.tar.gz']),
    () => pick(['/var/log/**', '**/cache/**', '/home/*/.cache/**', '**/log/**/*.gz', '/tmp/**/*.tmp', '**/x*/**', '/var/**/*.old', '/srv/repo/data/**', '**/logs/*', '/opt/*', '{var,tmp}/**/*.gz', '/var/{log,cache}/**']),
  ];
  const out: string[] = [];
  for (let k = 1 + Math.floor(r() * 4); k > 0; k--) out.push(pick(shapes)());
  return out;
}

function randomRules(r: () => number, names: string[], dir: string, k: number): Rules {
  const base = r() < 0.7 ? structuredClone(BUILTIN_RULES) as Rules : { categories: [] };
  const cats: CategoryRule[] = [];
  for (let n = Math.floor(r() * 4); n > 0; n--) cats.push({ name: `user${cats.length}`, patterns: userPatterns(r, names) });
  if (r() < 0.2) cats.push({ name: 'guarded', patterns: userPatterns(r, names), guarded: { patterns: userPatterns(r, names).filter((p) => !p.includes('/')), notUnder: ['log', 'cache', '/var/backups'] } });
  if (r() < 0.2 && base.categories.length) base.categories[0].patterns.push(...userPatterns(r, names)); // a built-in extended
  if (r() < 0.3) {
    // through a rules file, as a user gives them
    const file = path.join(dir, `rules${k}.json`);
    fs.writeFileSync(file, JSON.stringify({ categories: cats.filter((c) => !c.guarded).map((c) => ({ name: c.name, patterns: c.patterns })) }));
    return loadRules(file);
  }
  base.categories.unshift(...cats);
  return base;
}

/** both passes; throws when they differ */
function same(tree: Tree, rules: Rules, prefix: string | undefined, top: number, what: string): void {
  const la = new Int32Array(tree.count);
  const lb = new Int32Array(tree.count);
  let a: unknown;
  let b: unknown;
  try {
    a = categorize(tree, rules, { prefix, top, labels: la });
  } catch (e) {
    a = `threw ${(e as Error).message}`;
  }
  try {
    b = categorize(tree, rules, { prefix, top, labels: lb, native: false });
  } catch (e) {
    b = `threw ${(e as Error).message}`;
  }
  assert.deepEqual(a, b, `${what}: ${JSON.stringify(rules.categories.map((c) => c.patterns))}`);
  assert.deepEqual(la, lb, `${what}: the labels`);
}

describe('the kinds pass with the addon', { skip }, () => {
  let dir = '';
  before(() => {
    dir = makeTmp('kinds-native');
  });
  after(() => rmrf(dir));

  it('has the functions (built here)', () => {
    if (built) for (const f of ['kindsMarks', 'kindsOrder', 'kindsKeys', 'kindsInherit', 'kindsSums'] as const) assert.equal(typeof addon?.[f], 'function', f);
  });

  it('gives the reference results on generated trees with hostile names, hard links and random rules (3 trees x 70 rule sets)', async () => {
    let prefiltered = 0;
    let total = 0;
    for (const seed of [1, 2, 3]) {
      const root = path.join(dir, `tree${seed}`);
      fs.mkdirSync(root);
      buildTree(root, seed);
      const tree = await scanTree(root);
      const names: string[] = [];
      for (let i = 1; i < tree.count; i++) names.push(Buffer.from(tree.nameOf(i)).toString('latin1'));
      const r = rng(seed * 7919);
      same(tree, BUILTIN_RULES, root, 3, `tree ${seed}, the built-in rules`);
      same(tree, BUILTIN_RULES, root, 0, `tree ${seed}, the built-in rules, no items`);
      for (let k = 0; k < 70; k++) {
        const rules = randomRules(r, names, dir, k);
        const top = [0, 0, 1, 5][k & 3];
        same(tree, rules, root, top, `tree ${seed}, rule set ${k}, top ${top}`);
        total++;
        if (kindsPrefilterApplies(rules)) prefiltered++;
      }
      // the tree's own path (no prefix): everything below /tmp is temp, a forced category
      same(tree, BUILTIN_RULES, undefined, 0, `tree ${seed}, its real path`);
    }
    // (most rule sets must have taken the native path, or this compared the reference with itself)
    assert.ok(prefiltered > total / 2, `the prefilter applied to ${prefiltered} of ${total} rule sets`);
  });

  it('fails loudly, not silently, on a tree whose names table does not fit', () => {
    const names = Buffer.from('abc');
    const mark = new Uint8Array(2);
    assert.throws(() => addon!.kindsMarks(names, Uint32Array.of(0, 2), Uint32Array.of(3, 5), new Uint8Array(2), new Uint32Array(2), 2, new Uint8Array(0), mark), TypeError);
    assert.throws(() => addon!.kindsMarks(names, Uint32Array.of(0), Uint32Array.of(3), new Uint8Array(1), new Uint32Array(1), 1, Uint8Array.of(1, 9, 0, 0, 0), mark), TypeError);
    // kindsKeys: the root and the directories marked MK_DIR (2) or MK_MARKER (4), in order's order
    const keys = new Uint32Array(4);
    assert.equal(addon!.kindsKeys!(Uint32Array.of(0, 3, 1, 2), Uint8Array.of(0, 8, 4, 2), keys), 3);
    assert.deepEqual([...keys.subarray(0, 3)], [0, 3, 2]);
    assert.throws(() => addon!.kindsKeys!(Uint32Array.of(0, 5), new Uint8Array(2), keys), /out of range/);
    assert.throws(() => addon!.kindsKeys!(Uint32Array.of(0, 1, 2), Uint8Array.of(0, 2, 2), new Uint32Array(2)), /too short/);
  });
});

/** the literal tests as kindsMarks takes them (the spec's records) and as the kinds pass checks them */
type Lit = [kind: number, text: string];
const FEXACT = 1;
const FSUFFIX = 2;
const FPREFIX = 3;
const FLIT = 4;
const DEXACT = 5;
const DPREFIX = 6;
const DLIT = 7;

function passes(lits: Lit[], name: string, dir: boolean): boolean {
  for (const [kind, t] of lits) {
    const k = dir ? kind - 4 : kind;
    if (k === FEXACT && name === t) return true;
    if (k === FSUFFIX && !dir && name.endsWith(t)) return true;
    if (k === (dir ? FSUFFIX : FPREFIX) && name.startsWith(t)) return true;
    if (k === (dir ? FPREFIX : FLIT) && name.includes(t)) return true;
  }
  return false;
}

describe('the kinds prefilter (kindsMarks) against the tests it stands for', { skip }, () => {
  it('marks exactly the names passing an exact name, suffix, prefix or literal (4000 generated cases)', () => {
    const r = rng(42);
    const alphabet = [0x2e, 0x6c, 0x6f, 0x67, 0x2d, 0x61, 0x7e, 0x2a, 0x0a, 0x80, 0xe9, 0xff, 0x30, 0x31, 0x63, 0x67];
    const word = (max: number) => {
      const n = Math.floor(r() * max);
      let s = '';
      for (let k = 0; k < n; k++) s += String.fromCharCode(alphabet[Math.floor(r() * alphabet.length)]);
      return s;
    };
    for (let round = 0; round < 40; round++) {
      const lits: Lit[] = [];
      for (let k = Math.floor(r() * 9); k > 0; k--) {
        const kind = 1 + Math.floor(r() * 7);
        // (an empty text only for exact names: the pass never makes an empty suffix, prefix or literal)
        const t = kind === FEXACT || kind === DEXACT ? word(4) : word(4) || '.';
        lits.push([kind, t]);
      }
      const n = 100;
      const names: string[] = [];
      const fl = new Uint8Array(n);
      const parent = new Uint32Array(n);
      for (let i = 0; i < n; i++) {
        // names built around the literals too, so that some pass
        const l = lits.length && r() < 0.5 ? lits[Math.floor(r() * lits.length)][1] : '';
        names.push(i === 0 ? 'root' : word(3) + l + word(3));
        fl[i] = i === 0 || r() < 0.3 ? 1 : r() < 0.1 ? 0x10 : r() < 0.1 ? 2 : r() < 0.2 ? 0x04 : 0;
        parent[i] = i === 0 ? 0 : Math.floor(r() * i);
      }
      const bytes = Buffer.from(names.join(''), 'latin1');
      const off = new Uint32Array(n);
      const len = new Uint32Array(n);
      for (let i = 0, o = 0; i < n; i++) {
        off[i] = o;
        len[i] = names[i].length;
        o += names[i].length;
      }
      const mark = new Uint8Array(n).fill(0xff);
      const files = addon!.kindsMarks(bytes, off, len, fl, parent, n, kindsSpec(lits), mark);
      let want = 0;
      for (let i = 0; i < n; i++) {
        const type = fl[i] & 0x73;
        const isFile = type === 0 && passes(lits.filter(([k]) => k <= FLIT), names[i], false);
        const isDir = type === 1 && passes(lits.filter(([k]) => k >= DEXACT), names[i], true);
        if (isFile) want++;
        assert.equal((mark[i] & 1) !== 0, isFile, `file ${JSON.stringify(names[i])} with ${JSON.stringify(lits)}`);
        assert.equal((mark[i] & 2) !== 0, isDir, `directory ${JSON.stringify(names[i])} with ${JSON.stringify(lits)}`);
        assert.equal((mark[i] & 32) !== 0, type === 0 && (fl[i] & 0x04) !== 0, 'a hard link');
        const kids = [...parent.keys()].filter((k) => k > 0 && parent[k] === i && (fl[k] & 0x73) === 0);
        assert.equal((mark[i] & 8) !== 0, kids.some((k) => (mark[k] & 1) !== 0), 'holds a marked file');
        assert.equal((mark[i] & 16) !== 0, kids.some((k) => (fl[k] & 0x04) !== 0), 'holds a hard link');
      }
      assert.equal(files, want);
    }
  });
});
