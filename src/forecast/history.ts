/**
 * A volume's usage history as CSV text: `timestamp,used_bytes,size_bytes`, one sample a line.
 * Timestamps are ISO 8601 (`2026-01-31T00:00:24Z`) or unix seconds (`1769817624`, fractions allowed;
 * a number of 1e12 or more is taken as unix milliseconds). A header line is optional, blank lines
 * and CRLF line ends are accepted. Pure: text (or lines) in, points out.
 *
 * Limits (HISTORY_LIMITS), so that a file or pipe that never ends stops with one line: a line is
 * at most 4 KiB (a sample line is under 100 bytes; the reader enforces it, see util/read.ts), a
 * history at most 1,000,000 samples (a sample a minute for two years; thin a longer one), 2,000,000
 * lines and 128 MiB (after gunzip: a gzip bomb, or a pipe of endless blank lines, stops there too).
 */
import type { Point } from './types.js';
import { escapeName } from '../util/escape.js';

/** how much of a bad line a message quotes, in characters */
const EXCERPT = 60;

/**
 * A line as a message quotes it: its first EXCERPT characters (whole code points, an ellipsis when
 * cut), escaped for a terminal (escapeName: control characters as \xNN, never a raw byte).
 */
export function lineExcerpt(text: string): string {
  const cps = Array.from(text.replace(/\r$/, ''));
  return escapeName(cps.length > EXCERPT ? cps.slice(0, EXCERPT).join('') + '…' : cps.join(''));
}

/**
 * A line that is not a sample; `line` is 1-based, `text` the line as read. The message is one
 * line: "line 12: bad used_bytes "x" (a number of bytes, 0 to 2^64) (<the line, escaped, cut>)".
 */
export class HistoryParseError extends Error {
  constructor(
    readonly line: number,
    readonly reason: string,
    readonly text?: string,
  ) {
    super(`line ${line}: ${reason}${text !== undefined ? ` (${lineExcerpt(text)})` : ''}`);
    this.name = 'HistoryParseError';
  }
}

const ISO_RE = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$/i;
const NUM_RE = /^[+]?(\d+(\.\d*)?|\.\d+)([eE][+]?\d+)?$/;

function unquote(s: string): string {
  const t = s.trim();
  return t.length >= 2 && t.startsWith('"') && t.endsWith('"') ? t.slice(1, -1).trim() : t;
}

/** the latest instant a sample may have: 9999-12-31T23:59:59.999Z (ms), as far as ISO 8601's 4-digit years go */
const MAX_MS = 253402300799999;

/** Do the calendar fields of an ISO date-time name a real day and time (no 2026-02-30, no 25:00)? */
function realCalendar(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?/i.exec(s)!;
  const [y, mo, d, h = 0, mi = 0, sec = 0] = m.slice(1).map((x) => (x === undefined ? 0 : Number(x)));
  const t = new Date(Date.UTC(y, mo - 1, d, h, mi, sec));
  return t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d && t.getUTCHours() === h && t.getUTCMinutes() === mi && t.getUTCSeconds() === sec;
}

/**
 * Unix ms of a timestamp field, or null: unix seconds (or ms from 1e12 up), or ISO 8601 (a
 * date-time without a zone is UTC); a day or time that does not exist, or an instant before 1970 or
 * after the year 9999, is null.
 */
export function parseTimestamp(field: string): number | null {
  const s = unquote(field);
  if (NUM_RE.test(s)) {
    const n = Number(s);
    if (!Number.isFinite(n)) return null;
    const ms = n >= 1e12 ? n : n * 1000;
    return ms <= MAX_MS ? ms : null;
  }
  if (!ISO_RE.test(s) || !realCalendar(s)) return null;
  // A date-time without a zone is taken as UTC (the traces and `date -u -Iseconds` are UTC).
  const withZone = /[T ]/.test(s) && !/(Z|[+-]\d{2}:?\d{2})$/i.test(s) ? s + 'Z' : s;
  const ms = Date.parse(withZone.replace(' ', 'T'));
  return Number.isNaN(ms) || ms < 0 || ms > MAX_MS ? null : ms;
}

/** the most bytes a field may count: 2^64, df's own limit (statvfs counts in 64 bits) */
const MAX_BYTES = 2 ** 64;

/** A byte count from 0 to MAX_BYTES, or null (a larger one made the model's sums overflow to Infinity). */
function parseBytes(field: string): number | null {
  const s = unquote(field);
  if (!NUM_RE.test(s)) return null;
  const n = Number(s);
  return Number.isFinite(n) && n <= MAX_BYTES ? n : null;
}

export const HISTORY_LIMITS = {
  /** the longest line, in bytes */
  line: 4096,
  /** the most bytes in all (after gunzip for a .gz): a million samples of up to 128 bytes */
  bytes: 128 << 20,
  /** the most samples */
  samples: 1_000_000,
  /** the most lines, samples or not (blank lines and comments are cheap, but not free) */
  lines: 2_000_000,
} as const;

/**
 * A history read a line at a time: line(text, no) for each line (1-based numbers), then points().
 * line() throws HistoryParseError on a bad line, or on more than HISTORY_LIMITS.samples samples.
 */
export class HistoryCsvParser {
  private readonly pts: Point[] = [];
  private seenContent = false;

  line(text: string, no: number): void {
    if (no > HISTORY_LIMITS.lines) throw new HistoryParseError(no, `more than ${HISTORY_LIMITS.lines} lines (a history CSV has one sample a line)`);
    const line = text.replace(/\r$/, '').trim();
    if (line === '' || line.startsWith('#')) return;
    if (line.includes('\0')) throw new HistoryParseError(no, 'a NUL byte: binary, or UTF-16 text (save the CSV as UTF-8)', text);
    const first = !this.seenContent;
    this.seenContent = true;
    const cols = line.split(',');
    if (first && /^[\s"]*[a-z_]/i.test(cols[0]!) && parseTimestamp(cols[0]!) === null) {
      // a header line (e.g. timestamp,used_bytes,size_bytes)
      return;
    }
    if (cols.length !== 3) {
      throw new HistoryParseError(no, `expected 3 fields (timestamp,used_bytes,size_bytes), found ${cols.length}`, text);
    }
    const t = parseTimestamp(cols[0]!);
    if (t === null) throw new HistoryParseError(no, `bad timestamp ${JSON.stringify(unquote(cols[0]!).slice(0, 40))} (ISO 8601 or unix seconds)`, text);
    const used = parseBytes(cols[1]!);
    if (used === null) throw new HistoryParseError(no, `bad used_bytes ${JSON.stringify(unquote(cols[1]!).slice(0, 40))} (a number of bytes, 0 to 2^64)`, text);
    const size = parseBytes(cols[2]!);
    if (size === null || size <= 0) {
      throw new HistoryParseError(no, `bad size_bytes ${JSON.stringify(unquote(cols[2]!).slice(0, 40))} (a number of bytes, above 0, at most 2^64)`, text);
    }
    if (used > size) throw new HistoryParseError(no, `used_bytes ${used} is more than size_bytes ${size}`, text);
    if (this.pts.length >= HISTORY_LIMITS.samples) {
      throw new HistoryParseError(no, `more than ${HISTORY_LIMITS.samples} samples (thin the history, e.g. one a minute)`);
    }
    this.pts.push({ t, used, size });
  }

  /** The samples so far, sorted by time. */
  points(): Point[] {
    return sortedByTime(this.pts);
  }
}

/** Parse the whole text; throws HistoryParseError on the first bad line. Points come out sorted by time. */
export function parseHistoryCsv(text: string): Point[] {
  const p = new HistoryCsvParser();
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) p.line(lines[i]!, i + 1);
  return p.points();
}

function sortedByTime(points: Point[]): Point[] {
  // Stable sort: out-of-order lines (merged files) are tolerated.
  let sorted = true;
  for (let i = 1; i < points.length; i++) if (points[i]!.t < points[i - 1]!.t) sorted = false;
  if (!sorted) points.sort((a, b) => a.t - b.t);
  return points;
}

/** Points as CSV text with a header (ISO 8601 UTC, seconds). */
export function formatHistoryCsv(points: readonly Point[]): string {
  const out = ['timestamp,used_bytes,size_bytes'];
  for (const p of points) out.push(`${new Date(p.t).toISOString().replace(/\.\d{3}Z$/, 'Z')},${Math.round(p.used)},${Math.round(p.size)}`);
  return out.join('\n') + '\n';
}
