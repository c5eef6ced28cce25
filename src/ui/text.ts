/**
 * Terminal text: widths of wide characters, truncation that never breaks the layout.
 *
 * Terminals disagree on emoji sequences: a ZWJ family is 2 columns in a terminal that joins
 * graphemes (kitty, WezTerm; string-width, which Ink measures with, says 2) and 8 in one that adds
 * up code points (xterm, VTE); tmux 3.3 joins the family (2) but shows a skin-tone modifier as its
 * own 2 columns (👍🏽 = 4, string-width: 2) and ❤️ or the keycap 1️⃣ as 1 column (string-width: 2).
 * A row drawn wider than the terminal wraps and scrolls the whole screen, so width() takes, for each
 * grapheme cluster, the larger of the two readings: never less than Ink measures (Ink never wraps
 * one of our rows) and never less than any terminal draws (the terminal never wraps it either). On a
 * terminal that draws a cluster narrower, the row merely ends a column or two early; names are the
 * last column of every row, so sizes stay beside their names.
 */
import { stripVTControlCharacters } from 'node:util';
import stringWidth from 'string-width';
import { terminalText } from '../util/escape.js';

/** made on first use, not when the module loads (ICU's break iterator is costly to start) */
let graphemes_: Intl.Segmenter | undefined;
const graphemes = {
  segment: (s: string) => (graphemes_ ??= new Intl.Segmenter(undefined, { granularity: 'grapheme' })).segment(s),
};
const clusterWidths = new Map<string, number>();

/** code units segmented at once (see segments) */
const WINDOW = 1024;

/**
 * The grapheme clusters of `s`, in order. V8's segment iterator is quadratic in the length of the
 * string it walks (80,000 characters: 1 s; a label value from Prometheus has no length limit), so
 * a long string is segmented a window at a time: each window's last cluster, maybe cut at the
 * window's end, is segmented again at the start of the next window (a window starts on a cluster
 * boundary and never splits a surrogate pair, so the clusters are ICU's). A single cluster longer
 * than a window is cut in pieces.
 */
function* segments(s: string): Generator<string> {
  let pos = 0;
  while (pos < s.length) {
    let end = s.length - pos <= 2 * WINDOW ? s.length : pos + WINDOW;
    // never between the halves of a surrogate pair (ICU would end the cluster before the lone half)
    const c = s.charCodeAt(end - 1);
    if (end < s.length && c >= 0xd800 && c <= 0xdbff) end--;
    let last = '';
    let lastAt = 0;
    for (const x of graphemes.segment(end === s.length && pos === 0 ? s : s.slice(pos, end))) {
      if (last) yield last;
      last = x.segment;
      lastAt = x.index;
    }
    if (end === s.length || lastAt === 0) {
      yield last;
      pos = end;
    } else pos += lastAt;
  }
}

/** Columns of one grapheme cluster: the larger of string-width's and the sum over its code points. */
function clusterWidth(g: string): number {
  if (g.length === 1) {
    const c = g.charCodeAt(0);
    if (c >= 0x20 && c < 0x7f) return 1;
  }
  let w = clusterWidths.get(g);
  if (w !== undefined) return w;
  w = stringWidth(g);
  let sum = 0;
  for (const ch of g) sum += stringWidth(ch);
  if (sum > w) w = sum;
  if (clusterWidths.size >= 4096) clusterWidths.clear();
  clusterWidths.set(g, w);
  return w;
}

/** The grapheme clusters of `s` (an emoji ZWJ sequence, a keycap, a letter with its accents: one each). */
export function clusters(s: string): string[] {
  return Array.from(segments(s));
}

/**
 * Display width in columns (wide CJK = 2, combining = 0, emoji sequences as described above), never
 * less than what Ink measures. SGR and other escape sequences count 0. Names reaching here are
 * already escaped.
 */
export function width(s: string): number {
  // fast path: printable ASCII is one column a character
  let ascii = true;
  for (let k = 0; k < s.length; k++) {
    const c = s.charCodeAt(k);
    if (c < 0x20 || c > 0x7e) {
      ascii = false;
      break;
    }
  }
  if (ascii) return s.length;
  if (s.includes('\x1b') || s.includes('\x9b')) s = stripVTControlCharacters(s);
  let w = 0;
  for (const g of segments(s)) w += clusterWidth(g);
  return w;
}

/**
 * Cut `s` to at most `w` columns, keeping its end if `keepEnd` (paths), marking the cut with '…'.
 * Cuts only between grapheme clusters: an emoji sequence, keycap or accented letter is kept whole
 * or dropped whole. The result is terminal-safe: `s` goes through terminalText first, so every line
 * a view draws with truncate or fit (rows, headers, status messages quoting an error) is safe
 * whatever it embeds. `s` must not hold escape sequences of our own (add SGR around the result).
 */
export function truncate(s: string, w: number, keepEnd = false): string {
  if (w <= 0) return '';
  s = terminalText(s);
  if (width(s) <= w) return s;
  if (w === 1) return '…';
  const parts = clusters(s);
  let out = '';
  let used = 0;
  if (keepEnd) {
    for (let k = parts.length - 1; k >= 0; k--) {
      const cw = clusterWidth(parts[k]);
      if (used + cw > w - 1) break;
      out = parts[k] + out;
      used += cw;
    }
    return '…' + out;
  }
  for (const g of parts) {
    const cw = clusterWidth(g);
    if (used + cw > w - 1) break;
    out += g;
    used += cw;
  }
  return out + '…';
}

/** Exactly `w` columns of terminal-safe text (see truncate): truncated or padded with spaces. */
export function fit(s: string, w: number, keepEnd = false): string {
  const t = truncate(s, w, keepEnd);
  const pad = w - width(t);
  return pad > 0 ? t + ' '.repeat(pad) : t;
}

/** `s` right-aligned in `w` columns (never cut). */
export function padLeft(s: string, w: number): string {
  const pad = w - width(s);
  return pad > 0 ? ' '.repeat(pad) + s : s;
}

/** `s` left-aligned in `w` columns (never cut). */
export function padRight(s: string, w: number): string {
  const pad = w - width(s);
  return pad > 0 ? s + ' '.repeat(pad) : s;
}

/** an escape escapeName or terminalText writes (\\, \xNN, \u{N}, \n, \t): one piece when a word is cut */
const ESCAPE = /(\\\\|\\x[0-9a-fA-F]{2}|\\u\{[0-9a-fA-F]+\}|\\[nt])/;

/**
 * Terminal-safe text `s` in lines of at most `w` columns (w >= 1): cut at spaces; a word wider
 * than `w` (a long path in a message) cut between grapheme clusters, never inside an escape,
 * rather than left to be truncated.
 */
export function wrapColumns(s: string, w: number): string[] {
  const out: string[] = [];
  let cur = '';
  let used = 0;
  for (const word of s.split(' ')) {
    const ww = width(word);
    if (cur && used + 1 + ww <= w) {
      cur += ' ' + word;
      used += 1 + ww;
      continue;
    }
    if (cur) out.push(cur);
    cur = '';
    used = 0;
    if (ww <= w) {
      cur = word;
      used = ww;
      continue;
    }
    for (const g of word.split(ESCAPE).flatMap((x, k) => (k % 2 ? [x] : clusters(x)))) {
      const cw = clusterWidth(g);
      if (cur && used + cw > w) {
        out.push(cur);
        cur = '';
        used = 0;
      }
      cur += g;
      used += cw;
    }
  }
  if (cur) out.push(cur);
  return out;
}
