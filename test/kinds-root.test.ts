/**
 * Issue 16 on this machine's own root: `owners / --json` (the built bin) lists no file a package
 * installed in any kind. Every path among each category's biggest (--top 100) is looked up with
 * dpkg (one dpkg-query -S for all of them, each with its merged-/usr alias: /bin/x <-> /usr/bin/x
 * where / has that symlink). The per-kind counts are the diagnostic (for the README's before and
 * after). It failed before issue 16 (google-cloud-sdk's lib.zip, PostgreSQL's *.sql, a JDK's
 * test tarballs as backups).
 */
import { it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { have, REPO, run } from './helpers/run.js';

const BIN = path.join(REPO, 'dist', 'diskblame.cjs');
const MERGED = ['/bin', '/sbin', '/lib', '/lib32', '/lib64', '/libx32'];

interface Category {
  name: string;
  bytes: number;
  count: number;
  biggest: { path: string; pathBase64?: string; bytes: number }[];
}

/** the other name of a path under a merged-/usr directory of this root (/bin/x <-> /usr/bin/x), else null */
function alias(p: string, merged: Set<string>): string | null {
  for (const d of merged) {
    if (p.startsWith(d + '/')) return '/usr' + p;
    if (p.startsWith('/usr' + d + '/')) return p.slice(4);
  }
  return null;
}

/**
 * The paths dpkg lists, of those asked (and their aliases): one dpkg-query -S for all, each path
 * escaped (it takes glob patterns). Lines are `pkg[, pkg...]: /path`; diversions are not ownership.
 */
function dpkgListed(paths: string[]): Map<string, string> {
  const out = new Map<string, string>();
  if (!paths.length) return out;
  const r = spawnSync('dpkg-query', ['-S', ...paths.map((p) => p.replace(/[*?[\]\\]/g, '\\$&'))], { encoding: 'utf8', maxBuffer: 1 << 26, timeout: 300_000 });
  assert.ok(r.status === 0 || r.status === 1, `dpkg-query -S: exit ${r.status} ${r.signal ?? ''}: ${r.stderr.slice(0, 500)}`);
  for (const line of r.stdout.split('\n')) {
    if (!line || /^(?:local )?diversion /.test(line)) continue;
    const m = /^(.+?): (\/.*)$/.exec(line);
    if (m) out.set(m[2], m[1]);
  }
  return out;
}

it("owners / --json: no package's file in any kind (dpkg -S on every category's biggest 100)", { timeout: 900_000 }, (t) => {
  if (!have('dpkg-query') || !fs.existsSync('/var/lib/dpkg/info')) return t.skip('no dpkg here: nothing to check ownership against');
  const r = run(process.execPath, [BIN, 'owners', '/', '--json', '--sample-ms', '0', '--top', '100'], { timeoutMs: 900_000 });
  assert.equal(r.signal, null, `${r.cmd}: killed (${r.signal})`);
  assert.equal(r.code, 0, `${r.cmd}: exit ${r.code}: ${r.stderr}`);
  const cats = (JSON.parse(r.stdout) as { categories: Category[] }).categories;
  for (const c of cats) t.diagnostic(`${c.name}: ${c.count} files, ${c.bytes} bytes`);
  assert.ok(cats.length > 0, 'no category at all on a whole root');

  const merged = new Set(MERGED.filter((d) => fs.lstatSync(d, { throwIfNoEntry: false })?.isSymbolicLink() && fs.readlinkSync(d).replace(/^\//, '') === `usr${d}`));
  const rows: { cat: string; path: string }[] = [];
  let lossy = 0;
  for (const c of cats)
    for (const b of c.biggest) {
      if (b.pathBase64 !== undefined) lossy++; // not UTF-8: no argument can name it to dpkg-query
      else rows.push({ cat: c.name, path: b.path });
    }
  if (lossy) t.diagnostic(`${lossy} paths are not UTF-8: not looked up`);
  const ask = new Set<string>();
  for (const { path: p } of rows) {
    ask.add(p);
    const a = alias(p, merged);
    if (a) ask.add(a);
  }
  const listed = dpkgListed([...ask]);
  const owned = rows.flatMap(({ cat, path: p }) => {
    const a = alias(p, merged);
    const pkg = listed.get(p) ?? (a !== null ? listed.get(a) : undefined);
    return pkg === undefined ? [] : [`${cat}: ${p} (${pkg})`];
  });
  t.diagnostic(`${rows.length} paths looked up, ${owned.length} a package's`);
  assert.deepEqual(owned, [], `package files in kinds:\n${owned.slice(0, 40).join('\n')}${owned.length > 40 ? `\n... ${owned.length - 40} more` : ''}`);
});
