/**
 * `owners --why PATH`: why a file is in its kind of data (or in none), with the same rules and
 * checks as `owners` (kinds.ts, kinds-trust.ts) run over a small tree of what they look at: every
 * ancestor's entries (a repository's config and data/, a CACHEDIR.TAG, rsnapshot's alpha.0, the
 * file's siblings for a rotation or a series), and below dated sibling directories the entries the
 * link-dest check walks (kinds-trust.ts's bounds). Each entry is lstat'ed, never followed.
 */
import fs from 'node:fs';
import { Tree } from '../tree/tree.js';
import { emptyEntry, EntryType, type Entry } from '../model/entry.js';
import { classifyKinds, loadRules } from '../owners/kinds.js';
import { attributePackages, loadPackageMap, NO_PACKAGE, type PackageMap } from '../owners/packages.js';
import { DATE_RE, LINKDEST_DEPTH, LINKDEST_WALK } from '../owners/kinds-trust.js';
import { escapeName, jsonName } from '../util/escape.js';
import { errnoText, UserError } from '../util/errors.js';
import { readHead } from '../util/head.js';

/** What `owners --why PATH --json` prints. */
export interface KindWhy {
  /** the absolute path looked at (UTF-8 text; invalid bytes as U+FFFD) */
  path: string;
  /** its exact bytes, base64, when `path` is lossy */
  pathBase64?: string;
  /** the kind of data it counts in, null: none */
  kind: string | null;
  /** why: the rule, mark, header or series (or why none); one line of text */
  reason: string;
  /** the installed package that lists it (dpkg's name), null: none */
  package: string | null;
}

/** the package lists, read once per process (the browser asks for many files) */
let packageMap: PackageMap | null = null;

/** the most of the file's siblings whose headers are read */
const SIBLING_READS = 1000;

/** the most entries listed of one directory (the file's own chain is always kept) */
const LIST_MAX = 100_000;

/**
 * Explain PATH's kind. `rules`: a rules file (default: the user's, else the built-ins). Throws a
 * one-line UserError when PATH cannot be looked at or the rules file is bad.
 */
export function whyKind(p: string | Buffer, o: { rules?: string } = {}): KindWhy {
  const rules = loadRules(o.rules);
  // as given, not normalized: `link/..` is the kernel's '..' (the link's target's parent)
  let given = typeof p === 'string' ? Buffer.from(p) : p;
  if (given[0] !== 0x2f) given = Buffer.concat([Buffer.from(process.cwd() + '/'), given]);
  while (given.length > 1 && given[given.length - 1] === 0x2f) given = given.subarray(0, given.length - 1);
  const shown = escapeName(given);
  // the directories as the kernel resolves them (realpath(3): /bin/ls is /usr/bin/ls on merged /usr,
  // link/.. the target's parent); the file itself not followed ('.' and '..' last: the directory)
  const cut = given.lastIndexOf(0x2f);
  const last = given.subarray(cut + 1).toString('latin1');
  let abs: Buffer;
  try {
    if (last === '.' || last === '..' || last === '') abs = fs.realpathSync.native(given, { encoding: 'buffer' });
    else {
      const dir = fs.realpathSync.native(cut > 0 ? given.subarray(0, cut) : Buffer.from('/'), { encoding: 'buffer' });
      abs = Buffer.concat([dir, dir.length > 1 ? Buffer.from('/') : Buffer.alloc(0), given.subarray(cut + 1)]);
    }
  } catch (e) {
    throw new UserError(`cannot look at ${shown}: ${errnoText((e as NodeJS.ErrnoException).code)}`);
  }
  try {
    fs.lstatSync(abs);
  } catch (e) {
    throw new UserError(`cannot look at ${shown}: ${errnoText((e as NodeJS.ErrnoException).code)}`);
  }
  const tree = new Tree();
  const entry = (name: Uint8Array, s: fs.Stats): Entry => {
    const e = emptyEntry();
    e.name = name;
    e.type = s.isFile() ? EntryType.File : s.isDirectory() ? EntryType.Dir : s.isSymbolicLink() ? EntryType.Symlink : EntryType.Other;
    e.asize = s.size;
    e.dsize = s.blocks * 512;
    e.dev = s.dev;
    e.ino = s.ino;
    e.nlink = s.nlink;
    e.mtime = Math.floor(s.mtimeMs / 1000);
    e.uid = s.uid;
    e.gid = s.gid;
    e.mode = s.mode;
    return e;
  };
  const parts = abs.toString('latin1').split('/').filter((x) => x !== '');
  const root = tree.addRoot(entry(Buffer.from('/'), fs.lstatSync('/')));
  const join = (dir: Buffer, n: Uint8Array) => Buffer.concat([dir, dir.length > 1 ? Buffer.from('/') : Buffer.alloc(0), n]);
  /** directory `dir`'s entries (lstat'ed) under index `at`, at most `budget.left` of them (`keep` always): each with its path */
  const add = (dir: Buffer, at: number, budget: { left: number }, keep: string | null): { k: number; name: string; path: Buffer; dir: boolean }[] => {
    let names: Buffer[];
    try {
      names = fs.readdirSync(dir, { encoding: 'buffer' });
    } catch {
      tree.markReadError(at);
      names = [];
    }
    if (keep !== null && !names.some((n) => n.toString('latin1') === keep)) names.push(Buffer.from(keep, 'latin1'));
    const out: { k: number; name: string; path: Buffer; dir: boolean }[] = [];
    for (const n of names) {
      const name = n.toString('latin1');
      if (budget.left-- <= 0 && name !== keep) continue;
      const child = join(dir, n);
      let s: fs.Stats;
      try {
        s = fs.lstatSync(child);
      } catch {
        continue;
      }
      out.push({ k: tree.addUnder(at, entry(n, s)), name, path: child, dir: s.isDirectory() });
    }
    return out;
  };
  /** the entries below a dated directory that the link-dest check walks */
  const walk = (dir: Buffer, at: number, depth: number, budget: { left: number }) => {
    for (const c of add(dir, at, budget, null)) if (c.dir && depth < LINKDEST_DEPTH) walk(c.path, c.k, depth + 1, budget);
  };
  /** an ancestor's entries, the next one of the chain among them (its index returned, -1: gone) */
  const list = (dir: Buffer, at: number, next: string): number => {
    const kids = add(dir, at, { left: LIST_MAX }, next);
    const dated = kids.filter((c) => c.dir && DATE_RE.test(c.name));
    if (dated.length >= 2) for (const c of dated) if (c.name !== next) walk(c.path, c.k, 1, { left: LINKDEST_WALK });
    return kids.find((c) => c.name === next)?.k ?? -1;
  };
  let at = root;
  let dir = Buffer.from('/');
  for (let j = 0; j < parts.length; j++) {
    const k = list(dir, at, parts[j]);
    if (k < 0) throw new UserError(`cannot look at ${shown}: it vanished`);
    at = k;
    dir = join(dir, Buffer.from(parts[j], 'latin1'));
    if (j < parts.length - 1 && !tree.isDir(k)) throw new UserError(`cannot look at ${shown}: ${errnoText('ENOTDIR')}`);
  }
  tree.finish({ timestamp: Math.floor(Date.now() / 1000), producer: 'scan', incomplete: false });
  const target = at;
  const map = (packageMap ??= loadPackageMap());
  const labels = new Int32Array(tree.count);
  const owned = new Uint8Array(tree.count);
  const rows = attributePackages(tree, map, { labels, owned });
  // the headers read: the file's own, its siblings' (a dump or a core beside it changes a series),
  // at most SIBLING_READS of them, and the CACHEDIR.TAGs of its ancestors; never the rest of
  // each ancestor's entries (a directory of 20,001 cores above it must not use up the bound)
  const dirOf = abs.subarray(0, Math.max(1, abs.lastIndexOf(0x2f)));
  let siblingReads = 0;
  const read = (f: Buffer, max: number): Buffer | null => {
    if (f.equals(abs)) return readHead(f, max);
    const cutF = f.lastIndexOf(0x2f);
    if (f.subarray(cutF + 1).toString('latin1') === 'CACHEDIR.TAG') return readHead(f, max);
    if (f.subarray(0, Math.max(1, cutF)).equals(dirOf) && siblingReads++ < SIBLING_READS) return readHead(f, max);
    return null;
  };
  const k = classifyKinds(tree, rules, { owned, top: 0, read, maxReads: Infinity });
  const pkg = labels[target] >= 0 ? rows[labels[target]].name : null;
  return {
    ...jsonName(abs),
    kind: k.cat[target] >= 0 ? rules.categories[k.cat[target]].name : null,
    reason: k.why(target),
    package: pkg === NO_PACKAGE ? null : pkg,
  };
}
