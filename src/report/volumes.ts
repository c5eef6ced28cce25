/**
 * The volumes table (`diskblame volumes`, and the view `diskblame` opens on a terminal with no
 * PATH): one row per mounted filesystem, as `df` and `duf` list them, with what they do not show:
 * the bytes held by deleted-but-open files and the fill forecast. Pure: facts in (app/volumes.ts
 * gathers them), rows, text and JSON out.
 */
import { escapeName, jsonName } from '../util/escape.js';
import { size } from '../util/format.js';

/** What is known of one mounted filesystem (app/volumes.ts gathers it). */
export interface VolumeFacts {
  /** mount source, exact bytes (/dev/sda1, tmpfs, ...) */
  device: Uint8Array;
  /** the mount point, exact bytes */
  mountPoint: Uint8Array;
  fsType: string;
  /** statfs, bytes: blocks * bsize; used = (blocks - bfree) * bsize (as df); free = bavail * bsize (df's Avail) */
  sizeBytes: number;
  usedBytes: number;
  freeBytes: number;
  /** statfs inodes (0 when the filesystem has no fixed count, as btrfs) and free inodes */
  inodes: number;
  inodesFree: number;
  /** disk bytes of deleted-but-open files on it, each inode once; null: not known (/proc unreadable) */
  deletedOpenBytes: number | null;
  /**
   * the store's fill forecast: null when there is no history of this mount; else its status and
   * the moment it counts for (report/forecast.ts effectiveFill: the fill or a risky peak, unix ms;
   * null: not within the forecast horizon)
   */
  forecast: { status: 'ok' | 'not-enough-data'; at: number | null; why: 'fill' | 'peak' | null } | null;
}

/** A row: the facts and the figures the table shows. */
export interface VolumeRow extends VolumeFacts {
  /** used / (used + free) in percent, rounded up as df's Use% (null: nothing usable, size 0) */
  usedPct: number | null;
  /** used inodes / inodes in percent, rounded up as df's IUse% (null: no inode count) */
  inodesUsedPct: number | null;
}

export type VolumeSort = 'mount' | 'size' | 'used' | 'fill';

/** a percentage rounded up, as df rounds (1 byte used of 1 TB is 1%, not 0%) */
function ceilPct(part: number, whole: number): number | null {
  if (!(whole > 0)) return null;
  return Math.ceil((100 * part) / whole);
}

/** The rows of `facts` (in the order given: mount order, as df). */
export function volumeRows(facts: readonly VolumeFacts[]): VolumeRow[] {
  return facts.map((f) => ({
    ...f,
    usedPct: ceilPct(f.usedBytes, f.usedBytes + f.freeBytes),
    inodesUsedPct: f.inodes > 0 ? ceilPct(f.inodes - f.inodesFree, f.inodes) : null,
  }));
}

/** the moment a row fills, for sorting: soonest first, no forecast last */
function fillKey(r: VolumeRow): number {
  if (!r.forecast) return Infinity;
  if (r.forecast.status !== 'ok') return Number.MAX_VALUE;
  return r.forecast.at ?? Number.MAX_VALUE / 2;
}

/**
 * `rows` sorted by `by` (a new array): 'mount' keeps the given order (df's), 'size' largest
 * first, 'used' fullest (used %) first, 'fill' soonest to fill first (then those not filling
 * within the horizon, then those with too little history, then those with none). Ties keep the
 * given order.
 */
export function sortVolumes(rows: readonly VolumeRow[], by: VolumeSort): VolumeRow[] {
  const idx = rows.map((r, i) => ({ r, i }));
  const key = (r: VolumeRow): number =>
    by === 'size' ? -r.sizeBytes : by === 'used' ? -(r.usedPct ?? -1) : by === 'fill' ? fillKey(r) : 0;
  idx.sort((a, b) => key(a.r) - key(b.r) || a.i - b.i);
  return idx.map((x) => x.r);
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * The fill column: blank without history; "too few" with too little of it; "> 1y" when it does
 * not fill within the horizon; else how long from `now` (unix ms): "6h", "12d", "3mo", a peak
 * that will not fit marked "!" ("2d!"); "full" when that moment has passed.
 */
export function fillText(f: VolumeFacts['forecast'], now: number): string {
  if (!f) return '';
  if (f.status !== 'ok') return 'too few';
  if (f.at === null) return '> 1y';
  const ms = f.at - now;
  const mark = f.why === 'peak' ? '!' : '';
  if (ms <= 0) return 'full' + mark;
  const t = ms < DAY ? `${Math.max(1, Math.round(ms / HOUR))}h` : ms < 60 * DAY ? `${Math.round(ms / DAY)}d` : ms < 365 * DAY ? `${Math.round(ms / (30 * DAY))}mo` : `${(ms / (365 * DAY)).toFixed(1)}y`;
  return t + mark;
}

/** The text cells of a row (names escaped for a terminal, sizes formatted: exact bytes with `exact`). */
export function rowCells(r: VolumeRow, now: number, exact = false): string[] {
  return [
    escapeName(r.device),
    escapeName(r.mountPoint),
    escapeName(r.fsType),
    size(r.sizeBytes, exact),
    r.usedPct === null ? '-' : `${r.usedPct}%`,
    size(r.freeBytes, exact),
    r.inodesUsedPct === null ? '-' : `${r.inodesUsedPct}%`,
    r.deletedOpenBytes === null ? '?' : r.deletedOpenBytes === 0 ? '0' : size(r.deletedOpenBytes, exact),
    fillText(r.forecast, now),
  ];
}

export const VOLUME_HEADERS = ['Device', 'Mounted on', 'Type', 'Size', 'Used', 'Free', 'Inodes', 'Deleted', 'Fills'];
/** the columns aligned right (numbers) */
export const VOLUME_RIGHT = [false, false, false, true, true, true, true, true, true];

/**
 * The table as text for a pipe or a log (`volumes` without a terminal): a header and one line per
 * row, columns aligned, every name whole (escaped), two spaces between columns. `now`: unix ms.
 */
export function volumesText(rows: readonly VolumeRow[], now: number, exact = false): string {
  const table = [VOLUME_HEADERS, ...rows.map((r) => rowCells(r, now, exact))];
  // (a loop, not Math.max(...): past ~120,000 rows the arguments overflow the stack)
  const w = VOLUME_HEADERS.map(() => 0);
  for (const l of table) l.forEach((cell, c) => (w[c] = Math.max(w[c], [...cell].length)));
  const lines = table.map((l) => l.map((cell, c) => (VOLUME_RIGHT[c] ? cell.padStart(w[c]) : c === l.length - 1 ? cell : cell.padEnd(w[c]))).join('  ').trimEnd());
  return lines.join('\n') + '\n';
}

/**
 * One row as JSON for scripts: bytes, not formatted; names as text with their exact bytes in
 * base64 beside them when the text is lossy (`deviceBase64`, `mountBase64`); `fillsAt` ISO 8601
 * or null.
 */
export function volumeJson(r: VolumeRow) {
  const d = jsonName(r.device);
  const m = jsonName(r.mountPoint);
  const f = r.forecast;
  return {
    device: d.path,
    ...(d.pathBase64 !== undefined ? { deviceBase64: d.pathBase64 } : {}),
    mount: m.path,
    ...(m.pathBase64 !== undefined ? { mountBase64: m.pathBase64 } : {}),
    fsType: r.fsType,
    sizeBytes: r.sizeBytes,
    usedBytes: r.usedBytes,
    freeBytes: r.freeBytes,
    usedPct: r.usedPct,
    inodes: r.inodes,
    inodesFree: r.inodesFree,
    inodesUsedPct: r.inodesUsedPct,
    deletedOpenBytes: r.deletedOpenBytes,
    forecast: f === null ? null : { status: f.status, fillsAt: f.at === null ? null : new Date(f.at).toISOString(), why: f.why },
  };
}

/** a mount row as the selection needs it (util/mountinfo.ts MountInfo has these) */
export interface MountLike {
  devId: string;
  root: Uint8Array;
  mountPoint: Uint8Array;
  fsType: string;
}

/**
 * The mounts the volumes table lists, as df lists them: of the filesystems `keep` accepts (real
 * ones: store/mounts.ts isRealFs; `--all`: isLocalFs), each once: a mount point mounted over
 * later in the table is hidden (the later one is what the path shows), and of the mounts of one
 * filesystem (bind mounts, the same device twice) the one of its root directory, then the
 * shortest mount point. In the table's order (mount order: / first). Pure.
 */
export function volumeMounts<M extends MountLike>(rows: readonly M[], keep: (fsType: string) => boolean): M[] {
  const key = (b: Uint8Array) => Buffer.from(b).toString('latin1');
  const lastAt = new Map<string, number>();
  rows.forEach((r, i) => lastAt.set(key(r.mountPoint), i));
  const best = new Map<string, M>();
  rows.forEach((r, i) => {
    if (!keep(r.fsType) || lastAt.get(key(r.mountPoint)) !== i) return;
    const cur = best.get(r.devId);
    if (!cur || betterMount(r, cur)) best.set(r.devId, r);
  });
  return rows.filter((r) => best.get(r.devId) === r);
}

function betterMount(a: MountLike, b: MountLike): boolean {
  const ar = a.root.length === 1 && a.root[0] === 0x2f;
  const br = b.root.length === 1 && b.root[0] === 0x2f;
  if (ar !== br) return ar;
  return a.mountPoint.length < b.mountPoint.length;
}
