/**
 * A forecast on first contact (no usage samples of the volume in the store): the volume's tree
 * (a scan, or the store's newest snapshot of it when recent) through forecast/firstcontact.ts, and
 * the histories the host already keeps: sysstat's `sar -F` files (read with sadf, never parsed
 * here) through the normal model, and node_exporter textfiles of our own `metrics -o` runs (one
 * point each, a rate against the volume now). I/O shell; the words are report/firstcontact.ts.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync, SpawnSyncReturns } from 'node:child_process';
import { forecast } from '../forecast/model.js';
import type { Forecast, Point } from '../forecast/types.js';
import { BackupSet, DirChild, FirstContactBuilder, FirstContactForecast, historyReadyAt, SeenSet, twoPointRate } from '../forecast/firstcontact.js';
import { KindMatcher, KindCtx, loadRules } from '../owners/kinds.js';
import { EntryType, Excluded } from '../model/entry.js';
import { Tree } from '../tree/tree.js';
import { volumeOf } from '../owners/reconcile.js';
import { sampleOf, UsageSample } from '../store/samples.js';
import { parseMountinfo, realMounts } from '../store/mounts.js';
import { hostSnapshots, loadSnapshot } from '../store/snapshots.js';
import { ensureDir, storeDir } from '../store/store.js';
import { writeFileAtomic } from '../util/write.js';
import { LocalPlace } from './place.js';
import { runScan, treeFor } from './scan.js';
import { readFileCapped, readRegularCapped } from '../util/read.js';
import { readErrorText } from '../util/read-error.js';
import { errnoText, UserError } from '../util/errors.js';
import { escapeName } from '../util/escape.js';

const MIB = 1024 * 1024;
const HOUR = 3_600_000;
const DAY = 86_400_000;

// ---- the tree ----------------------------------------------------------------------------------

/**
 * Feed a finished tree to a FirstContactBuilder: every directory with its files (disk bytes,
 * mtime, kind from `matcher`) and subdirectories (subtree disk bytes). Excluded entries (other
 * file systems, --exclude) and removed ones are skipped; a hard-linked file counts once.
 */
export function summarizeTree(tree: Tree, b: FirstContactBuilder, matcher: KindMatcher): void {
  if (tree.count === 0) return;
  const root = tree.root;
  const rootBytes = Buffer.from(tree.pathOf(root));
  const seen = new Set<string>();
  const stack: { i: number; text: string; raw: string; ctx: KindCtx }[] = [];
  const rawRoot = rootBytes.toString('latin1').replace(/\/+$/, '');
  stack.push({ i: root, text: rootBytes.toString('utf8').replace(/\/+$/, '') || '/', raw: rawRoot, ctx: matcher.rootCtx(rawRoot) });
  while (stack.length) {
    const d = stack.pop()!;
    const kids: DirChild[] = [];
    for (const k of tree.children(d.i)) {
      if (tree.removed(k) || tree.excluded(k) !== Excluded.None) continue;
      const nameBytes = Buffer.from(tree.nameOf(k));
      const name = nameBytes.toString('utf8');
      const m = tree.mtimeOf(k);
      const mtime = m >= 0 ? m * 1000 : null;
      if (tree.isDir(k)) {
        const raw = d.raw + '/' + nameBytes.toString('latin1');
        stack.push({ i: k, text: (d.text === '/' ? '' : d.text) + '/' + name, raw, ctx: matcher.enter(d.ctx, nameBytes.toString('latin1'), raw) });
        kids.push({ name, bytes: tree.sizeD(k), mtime, dir: true });
      } else if (tree.type(k) === EntryType.File) {
        if (tree.isHardlink(k)) {
          const key = tree.devOf(k) + ':' + String(tree.inoOf(k));
          if (seen.has(key)) continue;
          seen.add(key);
        }
        const cat = matcher.file(d.ctx, d.raw, nameBytes.toString('latin1'));
        kids.push({ name, bytes: tree.ownD(k), mtime, dir: false, kind: cat < 0 ? null : matcher.names[cat] });
      }
    }
    b.directory(d.text, kids);
  }
}

// ---- sysstat -------------------------------------------------------------------------------------

/** where sysstat keeps its daily files: Debian's, then Red Hat's */
export const SYSSTAT_DIRS = ['/var/log/sysstat', '/var/log/sa'];
/** at most this many daily files are read (sysstat keeps 7 to 28 by default) */
const SYSSTAT_MAX_FILES = 31;
/** sadf's output per file is capped (a day every 10 min of 50 file systems is ~0.5 MB) */
const SADF_MAX_OUTPUT = 32 * MIB;
const SADF_TIMEOUT_MS = 20_000;

/** sadf's answers by file, size and mtime: one run per file however many volumes are read */
const sadfCache = new Map<string, SpawnSyncReturns<string>>();

function sadf(file: string): SpawnSyncReturns<string> {
  let key = file;
  try {
    const st = fs.statSync(file);
    key = `${file}\0${st.size}\0${st.mtimeMs}`;
  } catch {
    // read by sadf, which says why
  }
  let r = sadfCache.get(key);
  if (!r) {
    r = spawnSync('sadf', ['-d', '-U', file, '--', '-F', 'MOUNT'], {
      encoding: 'utf8',
      timeout: SADF_TIMEOUT_MS,
      maxBuffer: SADF_MAX_OUTPUT,
      killSignal: 'SIGKILL',
      env: { ...process.env, LC_ALL: 'C', S_TIME_FORMAT: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    sadfCache.set(key, r);
  }
  return r;
}

export interface SysstatHistory {
  /** the directory read, null when none exists */
  dir: string | null;
  /** the files sadf read (with rows of this mount) */
  files: string[];
  /** points of the mount, oldest first (used and size to 1 MiB: sysstat's unit) */
  points: Point[];
  /** why nothing came of it, or what went wrong with a file */
  notes: string[];
}

/**
 * The `sar -F` history of the file system mounted at `mount`: every daily file (saDD, saYYYYMMDD)
 * in `dir` (default: the first of SYSSTAT_DIRS that exists) read with `sadf -d -U FILE -- -F MOUNT`
 * (the files are binary and versioned: sysstat's own tool reads them). sysstat counts MiB: used =
 * MBfsused MiB (blocks - bfree), size = (MBfsfree + MBfsused) MiB less `reservedBytes` (the root
 * reserve now, so that "full" is df's; within 2 MiB of `sizeNow`, `sizeNow`), each to +-1 MiB.
 * Never throws: problems are notes.
 */
export function readSysstat(mount: string, reservedBytes: number, dir?: string, sizeNow?: number): SysstatHistory {
  const h: SysstatHistory = { dir: null, files: [], points: [], notes: [] };
  const dirs = dir !== undefined ? [dir] : SYSSTAT_DIRS;
  let names: string[] = [];
  for (const d of dirs) {
    try {
      names = fs.readdirSync(d);
      h.dir = d;
      break;
    } catch (e) {
      if (dir !== undefined) h.notes.push(`cannot read ${escapeName(d)}: ${errnoText((e as NodeJS.ErrnoException).code)}`);
    }
  }
  if (h.dir === null) return h;
  const files: { file: string; mtime: number }[] = [];
  for (const n of names) {
    if (!/^sa(?:[0-9]{2}|[0-9]{8})$/.test(n)) continue;
    const file = path.join(h.dir, n);
    try {
      const st = fs.lstatSync(file);
      if (st.isFile()) files.push({ file, mtime: st.mtimeMs });
    } catch {
      // gone since the listing
    }
  }
  if (!files.length) {
    h.notes.push(`no sysstat files (sa*) in ${escapeName(h.dir)}`);
    return h;
  }
  files.sort((a, b) => a.mtime - b.mtime);
  const byT = new Map<number, Point>();
  let future = 0;
  for (const { file } of files.slice(-SYSSTAT_MAX_FILES)) {
    const r = sadf(file);
    if (r.error) {
      const code = (r.error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') {
        h.notes.push(`sysstat files are in ${escapeName(h.dir)} but sadf (package sysstat) is not installed to read them`);
        return h;
      }
      h.notes.push(`sadf ${escapeName(file)}: ${code === 'ETIMEDOUT' ? 'timed out' : code === 'ENOBUFS' ? 'too much output' : (r.error as Error).message}`);
      // a sadf that hangs on one file hangs on the next: 31 files would be 10 minutes
      if (code === 'ETIMEDOUT') {
        h.notes.push(`sadf timed out after ${SADF_TIMEOUT_MS / 1000} s: the other sysstat files not read`);
        break;
      }
      continue;
    }
    if (r.status !== 0) {
      const why = (r.stderr ?? '').split('\n').find((l) => l.trim()) ?? `exit ${r.status}`;
      h.notes.push(`sadf ${escapeName(file)}: ${escapeName(why.trim().slice(0, 200))}`);
      continue;
    }
    let rows = 0;
    for (const line of (r.stdout ?? '').split('\n')) {
      if (!line || line.startsWith('#')) continue;
      const f = line.split(';');
      // hostname;interval;timestamp;MOUNTPOINT;MBfsfree;MBfsused;%fsused;%ufsused;Ifree;Iused;%Iused
      if (f.length !== 11 || f[3] !== mount) continue;
      const t = Number(f[2]) * 1000;
      const free = Number(f[4]);
      const used = Number(f[5]);
      if (![t, free, used].every((x) => Number.isFinite(x) && x >= 0) || !/^[0-9]+$/.test(f[4]) || !/^[0-9]+$/.test(f[5])) continue;
      // a row dated in the future (a clock's error, or beyond Date's range: every report threw "Invalid time value")
      if (t > Date.now() + DAY) {
        future++;
        continue;
      }
      let size = (free + used) * MIB - reservedBytes;
      // MBfsfree and MBfsused are each rounded down: a size within 2 MiB of now's is now's (not a resize)
      if (sizeNow !== undefined && Math.abs(size - sizeNow) <= 2 * MIB) size = sizeNow;
      if (size <= 0) continue;
      byT.set(t, { t, used: used * MIB, size });
      rows++;
    }
    if (rows) h.files.push(file);
  }
  if (future) h.notes.push(`${future} sysstat row(s) dated in the future: ignored`);
  h.points = [...byT.values()].sort((a, b) => a.t - b.t);
  if (!h.points.length) h.notes.push(`sysstat has no rows of ${escapeName(mount)} (sar -F records file systems on /dev devices only, when sadc runs with -S XDISK)`);
  return h;
}

// ---- node_exporter textfiles ---------------------------------------------------------------------

/** Debian's node_exporter textfile directory (prometheus-node-exporter) */
export const TEXTFILE_DIR = '/var/lib/prometheus/node-exporter';
const TEXTFILE_MAX = 4 * MIB;
const TEXTFILES_MAX = 500;

/** One point from a textfile of `diskblame metrics -o`. */
export interface TextfilePoint {
  file: string;
  /** diskblame_last_sample_timestamp_seconds, as unix ms */
  t: number;
  used: number;
  size: number;
}

/** A label set of the exposition format: `a="x",b="y\"z"`; null when malformed. */
function parseLabels(s: string): Record<string, string> | null {
  const out: Record<string, string> = {};
  const re = /\s*([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*(,|$)/y;
  let at = 0;
  while (at < s.length) {
    re.lastIndex = at;
    const m = re.exec(s);
    if (!m) return null;
    out[m[1]] = m[2].replace(/\\(.)/g, (_x, c: string) => (c === 'n' ? '\n' : c));
    at = re.lastIndex;
    if (m[3] === '') break;
  }
  return out;
}

/**
 * The points of `mount` in the *.prom files of `dir` written by our `metrics` (used, size and the
 * time of the sample they came from). Regular files only (no link followed), each at most 4 MiB,
 * at most 500 files; anything else in them is ignored. Never throws: problems are notes.
 */
export function readTextfiles(mount: string, dir = TEXTFILE_DIR): { dir: string; points: TextfilePoint[]; notes: string[] } {
  const notes: string[] = [];
  let names: string[];
  try {
    names = fs.readdirSync(dir).filter((n) => n.endsWith('.prom')).sort().slice(0, TEXTFILES_MAX);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return { dir, points: [], notes: code === 'ENOENT' ? [] : [`cannot read ${escapeName(dir)}: ${errnoText(code)}`] };
  }
  const points: TextfilePoint[] = [];
  for (const n of names) {
    const file = path.join(dir, n);
    let text: string;
    try {
      const t = readRegularCapped(file, TEXTFILE_MAX);
      if (t === null) continue;
      text = t;
    } catch (e) {
      notes.push(`cannot read ${escapeName(file)}: ${readErrorText(e)}`);
      continue;
    }
    const got: Record<string, number> = {};
    for (const line of text.split('\n')) {
      const m = /^(diskblame_(?:used_bytes|size_bytes|last_sample_timestamp_seconds))\{(.*)\}\s+(\S+)\s*$/.exec(line);
      if (!m) continue;
      const labels = parseLabels(m[2]);
      const v = Number(m[3]);
      if (!labels || labels.mountpoint !== mount || !Number.isFinite(v) || v < 0) continue;
      got[m[1]] = v;
    }
    const t = got.diskblame_last_sample_timestamp_seconds;
    const used = got.diskblame_used_bytes;
    const size = got.diskblame_size_bytes;
    if (t === undefined || used === undefined || size === undefined || !(size > 0)) continue;
    // a time out of Date's range made every report throw ("Invalid time value"); one in the future is a clock's error
    if (!(t * 1000 <= Date.now() + DAY)) {
      notes.push(`${escapeName(file)}: its sample time ${t} s is in the future: ignored`);
      continue;
    }
    points.push({ file, t: t * 1000, used, size });
  }
  points.sort((a, b) => a.t - b.t);
  return { dir, points, notes };
}

// ---- the use case ----------------------------------------------------------------------------------

/** A volume a first contact covers, with the store's (too short) history of it. */
export interface FirstContactVolume {
  mount: string;
  /** usage samples of it in the store, and the time of the first (unix ms; null: none) */
  samples: number;
  since: number | null;
}

/**
 * A store history the model cannot forecast from yet: none, or a short one (a week at most) it
 * says is not enough. `fit`: the model's forecast of these samples (made once, by the caller).
 */
function tooShort(samples: readonly UsageSample[], fit: () => Forecast): boolean {
  if (!samples.length) return true;
  if (Date.parse(samples[samples.length - 1].time) - Date.parse(samples[0].time) > 7 * DAY) return false;
  return fit().status !== 'ok';
}

/**
 * The volumes a first contact covers, or null when the store's samples answer (the normal path):
 * `volume` (--volume, resolved: store/forecasts.ts resolveVolume) when the store has no samples of
 * it or too few for the model (a scan records one); with no `volume`, every real mount when no
 * volume's history is long enough yet. A `volume` not found, or not a directory here (sampled
 * elsewhere, gone), is left to the normal path (its error). `byMount`: the store's samples by
 * mount; `fit(mount)`: the model's forecast of a mount's samples, which the caller makes once
 * (only asked for of histories of a week at most). Reads /proc/self/mountinfo, never the store.
 */
export function firstContactVolumes(
  byMount: ReadonlyMap<string, readonly UsageSample[]>,
  fit: (mount: string) => Forecast,
  volume?: { mount: string; found: boolean },
): FirstContactVolume[] | null {
  const vol = (mount: string): FirstContactVolume => {
    const l = byMount.get(mount) ?? [];
    return { mount, samples: l.length, since: l.length ? Date.parse(l[0].time) : null };
  };
  if (volume !== undefined) {
    const m = volume.mount;
    if (!byMount.has(m) && !volume.found) return null;
    // a volume sampled elsewhere or no longer there cannot be looked at: the normal path says what the store has
    if (!fs.lstatSync(m, { throwIfNoEntry: false })?.isDirectory()) return null;
    return tooShort(byMount.get(m) ?? [], () => fit(m)) ? [vol(m)] : null;
  }
  for (const [m, l] of byMount) if (!tooShort(l, () => fit(m))) return null;
  let text: Buffer;
  try {
    text = fs.readFileSync('/proc/self/mountinfo');
  } catch {
    return null;
  }
  // every real mount, and the mounts the store has (too few) samples of that are still mounted
  // (a tmpfs sampled with --mount or by a snapshot is not a real mount but is asked about)
  const mounts = parseMountinfo(text);
  const mounted = new Set(mounts.map((r) => r.mountPoint));
  const sampled = [...byMount.keys()].filter((m) => mounted.has(m));
  // a sampled volume that cannot be looked at by its name here (not UTF-8: the name is lossy; gone):
  // the normal path reports every sampled volume, by its exact bytes, with what the model needs
  if ([...byMount.entries()].some(([m, l]) => l.some((x) => x.mountBase64 !== undefined) || !fs.lstatSync(m, { throwIfNoEntry: false })?.isDirectory())) return null;
  return [...new Set([...realMounts(mounts).map((r) => r.mountPoint), ...sampled])].map(vol);
}

export interface FirstContactRequest {
  /** the volume: its mount point or any path on it */
  volume: string;
  store?: string;
  /** may the volume be scanned (false: a recent snapshot or nothing; `check` must stay quick) */
  scan: boolean;
  /** a snapshot of the volume at most this old (ms) is used instead of a scan (default 24 h) */
  snapshotMaxAgeMs?: number;
  /** sysstat's directory (default SYSSTAT_DIRS), node_exporter's textfile directory (default TEXTFILE_DIR) */
  sysstatDir?: string;
  textfileDir?: string;
  /** progress of the scan on stderr (a terminal) */
  progress?: boolean;
  /** the store's samples of the volume (too few for the model) and the first one's time (unix ms) */
  samples?: number;
  since?: number | null;
}
export interface FirstContactReport {
  mount: string;
  device: string;
  fsType: string;
  /** unix ms */
  now: number;
  /** the volume now (statfs) */
  sample: UsageSample;
  tree: {
    source: 'scan' | 'snapshot' | 'none';
    root: string | null;
    /** when the tree was read (unix ms) */
    time: number | null;
    snapshot?: string;
    incomplete?: boolean;
    forecast: FirstContactForecast | null;
    /** why there is no tree */
    why?: string;
  };
  sysstat: { dir: string | null; files: string[]; points: number; from: number | null; to: number | null; forecast: Forecast | null; notes: string[] };
  textfiles: { dir: string; points: (TextfilePoint & { perDay: number | null; fillsAt: number | null })[]; notes: string[] };
  /** the sources that said something, in words: "a scan of /srv", "sysstat (3 files)", ... */
  sources: string[];
  /** the store's samples of the volume (too few for the model) and the first one's time (unix ms) */
  store: { samples: number; since: number | null };
  /** when the history sampled since `store.since` (or from now) will be good enough (unix ms) */
  ready: { trend: number; weekly: number };
}

// ---- the sets an earlier look saw ----------------------------------------------------------------

/** the store's file of the backup sets first contacts saw: { "v": 1, "looks": { "HOST\u0000MOUNT": SeenSet[] } } */
export const SEEN_FILE = 'firstcontact-sets.json';
const SEEN_MAX = 1 << 20;
/** a set's earlier look is kept this long (ms; a weekly set needs one more copy), then replaced */
const SEEN_KEEP_MS = 8 * DAY;

function readSeenAll(store: string): Record<string, SeenSet[]> {
  try {
    const j = JSON.parse(readFileCapped(path.join(store, SEEN_FILE), SEEN_MAX, 'utf8')) as { v?: unknown; looks?: unknown };
    if (j?.v !== 1 || !j.looks || typeof j.looks !== 'object') return {};
    const out: Record<string, SeenSet[]> = {};
    for (const [k, list] of Object.entries(j.looks as Record<string, unknown>)) {
      if (!Array.isArray(list)) continue;
      out[k] = list.filter(
        (x): x is SeenSet =>
          !!x && typeof x.dir === 'string' && typeof x.pattern === 'string' && [x.copies, x.oldest, x.at].every((n) => typeof n === 'number' && Number.isFinite(n)),
      );
    }
    return out;
  } catch {
    return {}; // none yet, or not ours: a first look
  }
}

/**
 * The sets an earlier first contact of `mount` saw (none when the file is missing or damaged),
 * and the function that records this look's `sets` at `at` (an earlier look of a set is kept for
 * SEEN_KEEP_MS, so that a look tomorrow compares with today's). Recording is best effort: it
 * returns the one-line reason it failed, else null.
 */
export function seenSets(store: string, mount: string): { before: SeenSet[]; record: (sets: readonly BackupSet[], at: number) => string | null } {
  const key = `${os.hostname()}\u0000${mount}`;
  const before = readSeenAll(store)[key] ?? [];
  const record = (sets: readonly BackupSet[], at: number): string | null => {
    const all = readSeenAll(store);
    const kept = (all[key] ?? []).filter((x) => at - x.at < SEEN_KEEP_MS && x.at <= at);
    const next = [...kept];
    for (const s of sets) if (!kept.some((x) => x.dir === s.dir && x.pattern === s.pattern)) next.push({ dir: s.dir, pattern: s.pattern, copies: s.copies, oldest: s.oldest, at });
    all[key] = next.slice(0, 200);
    try {
      ensureDir(store);
      writeFileAtomic(path.join(store, SEEN_FILE), JSON.stringify({ v: 1, looks: all }) + '\n', { mode: 0o600, noFollow: true, privateFile: true });
      return null;
    } catch (e) {
      return (e as Error).message;
    }
  };
  return { before, record };
}

/** the report's volume part */
function head(v: { mountPoint: string; device: string; fsType: string }, now: number, sample: UsageSample) {
  return { mount: v.mountPoint, device: v.device, fsType: v.fsType, now, sample };
}

/** the first-contact forecast of a finished tree, the volume then being `size` and `used` bytes at `asOf` (unix ms) */
function treeForecast(t: Tree, asOf: number, size: number, used: number, root: string, before: readonly SeenSet[] = []): FirstContactForecast {
  const b = new FirstContactBuilder({ asOf, sizeBytes: size, usedBytes: used }, root);
  summarizeTree(t, b, new KindMatcher(loadRules()));
  return b.result(undefined, before);
}

/**
 * The first contact from a tree already in memory (the browser's scan of `root`, which may be
 * part of its volume): the volume holding `root` now, no other source (nothing is spawned).
 * `store`: the store's samples of the volume (too few for the model) and the first one's time.
 * Throws the errno error when `root` is gone.
 */
export function firstContactOfTree(t: Tree, root: string, store: { samples: number; since: number | null } = { samples: 0, since: null }): FirstContactReport {
  const v = volumeOf(root);
  const now = Date.now();
  const sample = sampleOf(v.mountPoint, v.device, v.fsType, new Date(now));
  const part = root === v.mountPoint ? '' : ` (part of ${escapeName(v.mountPoint)})`;
  return {
    ...head(v, now, sample),
    tree: { source: 'scan', root, time: now, forecast: treeForecast(t, now, sample.usedBytes + sample.freeBytes, sample.usedBytes, root) },
    sysstat: { dir: null, files: [], points: 0, from: null, to: null, forecast: null, notes: [] },
    textfiles: { dir: TEXTFILE_DIR, points: [], notes: [] },
    sources: [`the browsed tree of ${escapeName(root)}${part}`],
    store,
    ready: historyReadyAt(store.since, now),
  };
}

/** a snapshot of the volume's whole tree taken at most `maxAge` ms ago, newest first, else null */
function recentSnapshot(store: string, mount: string, maxAge: number, now: number) {
  const snaps = hostSnapshots(store).snapshots.filter((s) => s.volume?.mount === mount && s.root === mount);
  const s = snaps[0];
  return s && now - Date.parse(s.time) <= maxAge ? s : null;
}

/**
 * The first-contact forecast of the volume holding `req.volume`. Throws a UserError of one line
 * when the path is not there; a failed scan is one line too; the other sources never fail it.
 */
export async function firstContact(req: FirstContactRequest): Promise<FirstContactReport> {
  let v;
  try {
    v = volumeOf(path.resolve(req.volume));
  } catch (e) {
    throw new UserError(`${escapeName(req.volume)}: ${errnoText((e as NodeJS.ErrnoException).code)}`);
  }
  const now = Date.now();
  const sample = sampleOf(v.mountPoint, v.device, v.fsType, new Date(now));
  const st = fs.statfsSync(v.mountPoint);
  const reserved = Math.max(0, (st.bfree - st.bavail) * st.bsize);
  const size = sample.usedBytes + sample.freeBytes;
  const sources: string[] = [];

  // the tree: a recent snapshot, else a scan (when allowed)
  const store = storeDir(req.store);
  const snap = recentSnapshot(store, v.mountPoint, req.snapshotMaxAgeMs ?? 24 * HOUR, now);
  const tree: FirstContactReport['tree'] = { source: 'none', root: null, time: null, forecast: null };
  let t: Tree | null = null;
  if (snap) {
    try {
      t = await loadSnapshot(snap.file);
      Object.assign(tree, { source: 'snapshot', root: snap.root, time: Date.parse(snap.time), snapshot: snap.id });
      sources.push(`the store's snapshot ${snap.id} of ${escapeName(snap.root)}`);
    } catch (e) {
      tree.why = `the snapshot ${snap.id} could not be read: ${(e as Error).message}`;
    }
  }
  if (!t && req.scan) {
    t = treeFor(new LocalPlace(), v.mountPoint);
    const r = await runScan(new LocalPlace(), { path: v.mountPoint, progress: req.progress }, t, `scanning ${v.mountPoint}`);
    Object.assign(tree, { source: 'scan', root: v.mountPoint, time: now, incomplete: r.incomplete || undefined });
    sources.push(`a scan of ${escapeName(v.mountPoint)}${r.incomplete ? ' (stopped early: incomplete)' : ''}`);
  } else if (!t) tree.why ??= 'no recent snapshot of the volume; not scanned (name it: forecast --volume MOUNT)';
  if (t) {
    // the volume as the tree saw it: the snapshot's statfs, else now's
    const sv = snap && tree.source === 'snapshot' ? snap.volume : null;
    // a second look at the backup sets tells their retention where the names could not
    const seen = seenSets(store, v.mountPoint);
    tree.forecast = treeForecast(t, tree.time!, sv ? sv.usedBytes + sv.freeBytes : size, sv ? sv.usedBytes : sample.usedBytes, v.mountPoint, seen.before);
    const failed = tree.forecast.sets.length ? seen.record(tree.forecast.sets, tree.time!) : null;
    if (failed) tree.forecast.notes.push(`the backup sets seen could not be kept for a second look: ${failed}`);
  }

  // sysstat through the model, with the volume now as the last point
  const sy = readSysstat(v.mountPoint, reserved, req.sysstatDir, size);
  const pts = [...sy.points];
  if (pts.length && pts[pts.length - 1].t < now) pts.push({ t: now, used: sample.usedBytes, size });
  const syF = sy.points.length >= 3 ? forecast(pts) : null;
  if (syF) sources.push(`sysstat (${sy.files.length} file${sy.files.length === 1 ? '' : 's'}, ${sy.points.length} points)`);

  // textfiles: each point against now
  const tx = readTextfiles(v.mountPoint, req.textfileDir);
  const tpts = tx.points.map((p) => ({ ...p, ...twoPointRate(p, { t: now, used: sample.usedBytes, size }) }));
  if (tpts.length) sources.push(`node_exporter textfile${tpts.length === 1 ? '' : 's'} of diskblame metrics in ${escapeName(tx.dir)}`);

  return {
    ...head(v, now, sample),
    tree,
    sysstat: { dir: sy.dir, files: sy.files, points: sy.points.length, from: sy.points[0]?.t ?? null, to: sy.points.at(-1)?.t ?? null, forecast: syF, notes: sy.notes },
    textfiles: { dir: tx.dir, points: tpts, notes: tx.notes },
    sources,
    store: { samples: req.samples ?? 0, since: req.since ?? null },
    ready: historyReadyAt(req.since ?? null, now),
  };
}
