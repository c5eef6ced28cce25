/** The diff as text (80 columns, names escaped) and as JSON. Pure: strings from a DiffResult. */
import { escapeName, jsonName } from '../util/escape.js';
import { count, size } from '../util/format.js';
import { clock } from '../report/time.js';
import { truncate, padLeft } from '../ui/text.js';
import type { DiffResult, DirChange, FileChange, GroupDelta } from './diff.js';
import { absBytes, Bytes, mulDivRound } from '../util/exact.js';

export interface Labels {
  before: string;
  after: string;
}

/** A signed byte count: +1.5 GiB / -200 KiB / 0 B (exact: +123456, exact digits for bigints too) */
export function signedSize(n: Bytes, exact = false): string {
  if (n === 0) return exact ? '0' : '0 B';
  return (n > 0 ? '+' : '-') + size(absBytes(n), exact);
}

function when(t: number): string {
  if (t <= 0) return 'time unknown';
  return clock(t * 1000);
}

function days(s: number): string {
  const d = s / 86400;
  if (d >= 1) return `${d.toFixed(1)} days`;
  const h = s / 3600;
  return h >= 1 ? `${h.toFixed(1)} hours` : `${Math.round(s / 60)} minutes`;
}

function userName(users: Map<number, string>, uid: number): string {
  if (uid < 0) return '(unknown)';
  return users.get(uid) ?? String(uid);
}

/** The diff as text: diffLines' lines joined, ending in '\n'. */
export function diffText(r: DiffResult, labels: Labels, o: { exact: boolean; users: Map<number, string>; width: number }): string {
  return [...diffLines(r, labels, o)].join('\n') + '\n';
}

/** The diff's text line by line (each without its '\n', cut to `o.width` columns), made as they are taken. */
export function* diffLines(r: DiffResult, labels: Labels, o: { exact: boolean; users: Map<number, string>; width: number }): Generator<string> {
  const W = o.width;
  const ex = o.exact;
  const line = (s: string) => truncate(s, W);
  const sz = (n: Bytes) => signedSize(n, ex);
  const col = ex ? 15 : 10;
  yield line(`diskblame diff: ${escapeName(r.after.root)}${sameRoot(r) ? '' : `  (before: ${escapeName(r.before.root)})`}`);
  const side = (tag: string, lab: string, s: DiffResult['before']) =>
    line(`  ${tag}  ${when(s.time)}  ${escapeName(lab)}${s.incomplete ? '  INCOMPLETE' : ''}`);
  yield side('before', labels.before, r.before);
  yield side('after ', labels.after, r.after);
  if (r.intervalSeconds !== null) yield line(`  interval ${r.intervalSeconds >= 0 ? days(r.intervalSeconds) : `${days(-r.intervalSeconds)} (after is OLDER than before)`}`);
  yield '';
  // rates over less than an hour say nothing about days
  const rated = r.intervalSeconds !== null && r.intervalSeconds >= 3600;
  const perDay = rated ? mulDivRound(r.netDiskBytes, 86400, r.intervalSeconds!) : null;
  yield line(`  Disk usage     ${sz(r.netDiskBytes)}  (${size(r.before.diskBytes, ex)} -> ${size(r.after.diskBytes, ex)})${perDay !== null ? `  ${sz(perDay)}/day` : ''}`);
  yield line(`  Apparent size  ${sz(r.netApparentBytes)}  (${size(r.before.apparentBytes, ex)} -> ${size(r.after.apparentBytes, ex)})`);
  const de = r.entriesAfter - r.entriesBefore;
  yield line(`  Entries        ${de >= 0 ? '+' : ''}${count(de)}  (${count(r.entriesBefore)} -> ${count(r.entriesAfter)})`);
  const c = r.counts;
  yield line(`  Files          ${count(c.added)} added, ${count(c.removed)} removed, ${count(c.grown)} grown, ${count(c.shrunk)} shrunk`);

  function* dirList(title: string, l: DirChange[]): Generator<string> {
    if (!l.length) return;
    yield* ['', title];
    for (const d of l) {
      const rate = rated && d.perDay !== null ? padLeft(sz(d.perDay) + '/d', col + 2) : '';
      const tag = d.status === 'changed' ? '' : ` (${d.status})`;
      const head = `  ${padLeft(sz(d.delta), col)} ${rate}  `;
      yield head + truncate(escapeName(d.path) + tag, W - head.length, true);
    }
  }
  yield* dirList('Directories that grew most', r.grewDirs);
  yield* dirList('Directories that shrank most', r.shrankDirs);

  function* fileList(title: string, l: FileChange[], both: boolean): Generator<string> {
    if (!l.length) return;
    yield* ['', title];
    for (const f of l) {
      const ba = both ? `${padLeft(size(f.before, ex), col)} -> ${padLeft(size(f.after, ex), col)}  ` : '';
      const head = `  ${padLeft(sz(f.delta === 0 ? f.apparentDelta : f.delta), col)}  ${ba}`;
      yield head + truncate(escapeName(f.path), W - head.length, true);
    }
  }
  yield* fileList('Files added', r.added, false);
  yield* fileList('Files removed', r.removed, false);
  yield* fileList('Files grown (before -> after)', r.grown, true);
  yield* fileList('Files shrunk (before -> after)', r.shrunk, true);

  function* groups(title: string, l: GroupDelta[]): Generator<string> {
    if (!l.length) return;
    yield* ['', title];
    for (const g of l.slice(0, 10))
      yield line(`  ${padLeft(sz(g.delta), col)}  ${escapeName(g.name)}  (${count(g.files)} files changed; +${size(g.grew, ex)} / -${size(g.shrank, ex)})`);
  }
  yield* groups('By kind of data', r.kinds);
  yield* groups('By package', r.packages);
  if (r.users.length) {
    yield* ['', 'By user'];
    for (const u of r.users.slice(0, 10)) yield line(`  ${padLeft(sz(u.delta), col)}  ${escapeName(userName(o.users, u.uid))}  (${count(u.files)} files changed)`);
  }
  if (r.netDiskBytes === 0 && c.added + c.removed + c.grown + c.shrunk === 0) yield* ['', 'No changes.'];
}

function sameRoot(r: DiffResult): boolean {
  const a = r.before.root;
  const b = r.after.root;
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

export function diffJson(r: DiffResult, labels: Labels, users: Map<number, string>) {
  const file = (f: FileChange) => ({
    ...jsonName(f.path),
    before: f.before,
    after: f.after,
    delta: f.delta,
    apparentBefore: f.apparentBefore,
    apparentAfter: f.apparentAfter,
    apparentDelta: f.apparentDelta,
    ...(f.kind ? { kind: f.kind } : {}),
  });
  const dir = (d: DirChange) => ({
    ...jsonName(d.path),
    before: d.before,
    after: d.after,
    delta: d.delta,
    apparentDelta: d.apparentDelta,
    bytesPerDay: d.perDay,
    status: d.status,
    largestChildShare: Math.round(d.largestChildShare * 1000) / 1000,
  });
  const side = (s: DiffResult['before'], lab: string) => ({
    source: lab,
    ...jsonName(s.root),
    time: s.time > 0 ? new Date(s.time * 1000).toISOString() : null,
    producer: s.producer,
    entries: s.entries,
    diskBytes: s.diskBytes,
    apparentBytes: s.apparentBytes,
    incomplete: s.incomplete,
  });
  return {
    before: side(r.before, labels.before),
    after: side(r.after, labels.after),
    intervalSeconds: r.intervalSeconds,
    netDiskBytes: r.netDiskBytes,
    netApparentBytes: r.netApparentBytes,
    netDiskBytesPerDay: r.intervalSeconds !== null && r.intervalSeconds > 0 ? mulDivRound(r.netDiskBytes, 86400, r.intervalSeconds) : null,
    entriesBefore: r.entriesBefore,
    entriesAfter: r.entriesAfter,
    counts: r.counts,
    grewDirs: r.grewDirs.map(dir),
    shrankDirs: r.shrankDirs.map(dir),
    added: r.added.map(file),
    removed: r.removed.map(file),
    grown: r.grown.map(file),
    shrunk: r.shrunk.map(file),
    kinds: r.kinds,
    packages: r.packages,
    users: r.users.map((u) => ({ ...u, user: userName(users, u.uid) })),
  };
}
