/**
 * Checks the held-out kinds fixtures' tests share (test/kinds-heldout.test.ts,
 * test/kinds-heldout2.test.ts, test/kinds-heldout3.test.ts): each throws an AssertionError naming
 * the file at fault.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { makeTmp, rmrf } from './fs.js';
import { classifyFixture, KINDS, regularFiles, scoreKinds, scoreLines, type KindsFixture } from './kinds-fixture.js';
import type { HeldoutFixture } from './kinds-heldout.js';

/** the first n bytes (fewer at the end) of the file at p, a path from root with a leading '/' */
export function fileHead(root: string, p: string, n: number): Buffer {
  const b = Buffer.alloc(n);
  const fd = fs.openSync(path.join(root, p), 'r');
  try {
    return b.subarray(0, fs.readSync(fd, b, 0, n, 0));
  } finally {
    fs.closeSync(fd);
  }
}

/** every group of fx.hardLinked is one inode (lstat's ino), at least one group */
export function checkHardLinks(fx: Pick<KindsFixture, 'root' | 'hardLinked'>): void {
  assert.ok(fx.hardLinked.length >= 1);
  for (const g of fx.hardLinked) {
    const st = g.map((p) => fs.lstatSync(path.join(fx.root, p)));
    for (const s of st) assert.equal(s.ino, st[0].ino, `${g.join(' ')}: not one inode`);
  }
}

/**
 * The package decoys (at least minOwned) are labelled none and listed in their package's dpkg list
 * (fx.infoDir/PKG.list) as fx.owned says, one under a merged-/usr alias; no file labelled a kind is
 * in any list.
 */
export function checkPackageDecoys(fx: KindsFixture, minOwned: number): void {
  const listed = new Map<string, Set<string>>();
  for (const f of fs.readdirSync(fx.infoDir).filter((f) => f.endsWith('.list'))) listed.set(f.slice(0, -5), new Set(fs.readFileSync(path.join(fx.infoDir, f), 'utf8').split('\n')));
  assert.ok(fx.owned.size >= minOwned, `${fx.owned.size} package decoys (want ${minOwned})`);
  for (const [p, { pkg, listed: as }] of fx.owned) {
    assert.equal(fx.labels.get(p), null, `${p}: a package's file labelled a kind`);
    assert.ok(listed.get(pkg)?.has(as), `${p}: not in ${pkg}.list as ${as}`);
  }
  assert.ok([...fx.owned].some(([p, o]) => o.listed !== p), 'a merged-/usr alias among the decoys');
  const all = new Set([...listed.values()].flatMap((s) => [...s]));
  for (const [p, k] of fx.labels) if (k !== null) assert.ok(!all.has(p), `${p} (${k}) is in a dpkg list`);
}

/**
 * The classifier on the fixture (classifyFixture): every labelled file is in the scan, the score
 * per kind's lines (scoreLines, up to 200 misses and false positives each) go to `say`; no target
 * is asserted. Returns the score.
 */
export async function scoreDiagnostics(fx: KindsFixture, say: (line: string) => void): Promise<ReturnType<typeof scoreKinds>> {
  const c = await classifyFixture(fx);
  for (const p of fx.labels.keys()) assert.ok(c.predicted.has(p), `${p}: not in the scan`);
  const score = scoreKinds(fx.labels, c.predicted);
  for (const l of scoreLines(score, fx, c.predicted, 200)) say(l);
  for (const k of KINDS) assert.equal(score[k].tp + score[k].fn, score[k].labelled, k);
  return score;
}

/**
 * A held-out fixture's files are all accounted for: every regular file below fx.root is labelled
 * or said unscored (never both), each labelled one has a reason, each unscored one's reason asks
 * ('?': what operators would disagree on); labelled files number want.min to want.max, at least
 * want.perKind of each kind (core dumps only when some could be made), at least want.decoys of
 * them decoys (labelled none). Returns a line to print: the counts, the build time (ms), how the
 * core dumps were made and the notes.
 */
export function checkAccounted(fx: HeldoutFixture, want: { min: number; max: number; perKind: number; decoys: number }): string {
  const at = (p: string) => path.join(fx.root, p);
  const found = regularFiles(fx.root);
  assert.deepEqual(found.filter((p) => !fx.labels.has(p) && !fx.unscored.has(p)), [], 'files neither labelled nor unscored');
  for (const p of [...fx.labels.keys(), ...fx.unscored.keys()]) assert.ok(fs.lstatSync(at(p)).isFile(), `${p}: not a regular file`);
  for (const p of fx.unscored.keys()) assert.ok(!fx.labels.has(p), `${p}: both labelled and unscored`);
  assert.equal(found.length, fx.labels.size + fx.unscored.size);
  assert.ok(fx.labels.size >= want.min && fx.labels.size <= want.max, `${fx.labels.size} labelled files (want ${want.min}-${want.max})`);
  const n = (k: string | null) => [...fx.labels.values()].filter((v) => v === k).length;
  for (const k of KINDS) if (k !== 'core dumps' || fx.coreMade) assert.ok(n(k) >= want.perKind, `too few files labelled ${k}: ${n(k)}`);
  assert.ok(n(null) >= want.decoys, `too few decoys: ${n(null)}`);
  for (const p of fx.labels.keys()) assert.ok(fx.reasons.get(p), `${p}: no reason`);
  for (const [p, why] of fx.unscored) assert.ok(why.includes('?'), `${p}: an unscored file says what operators would disagree on`);
  return `${fx.labels.size} labelled, ${fx.unscored.size} unscored, built in ${fx.buildMs.toFixed(0)} ms; core dumps: ${fx.coreMade ?? 'none'} ${fx.notes.join('; ')}`;
}

/**
 * No path of fx (labelled or unscored) is a path of the fixtures `builds` make (each built in a
 * temp dir of its own, removed after), the dpkg lists aside: other cases, not the same files.
 */
export async function checkNoPathOf(fx: HeldoutFixture, builds: ((dir: string) => Promise<KindsFixture>)[]): Promise<void> {
  const ours = [...fx.labels.keys(), ...fx.unscored.keys()];
  for (const build of builds) {
    const other = makeTmp('kinds-other');
    try {
      const o = await build(other);
      const theirs = new Set([...o.labels.keys(), ...('unscored' in o ? (o as HeldoutFixture).unscored.keys() : [])]);
      assert.deepEqual(ours.filter((p) => theirs.has(p) && !p.startsWith('/var/lib/dpkg/info/')), [], build.name);
    } finally {
      rmrf(other);
    }
  }
}
