/**
 * The one module that makes text safe for a terminal. File names, paths, error messages and
 * anything else from outside are hostile input: before they reach a terminal, every character a
 * terminal would act on or hide is written as visible text instead:
 *
 * - bytes that are not valid UTF-8, C0 controls and DEL become \xNN (\n and \t as \n and \t),
 *   C1 controls (U+0080-U+009F) \u{NN}, so nothing can move the cursor, set the title (OSC),
 *   change colours or clear, and \xNN always means one raw byte (a byte 0x9b and the character
 *   U+009B never look alike);
 * - invisible and format characters become \u{NNNN}: general categories Cf (zero-width space,
 *   bidi marks, overrides and isolates, word joiner, BOM, soft hyphen, U+061C, interlinear
 *   annotations, tag characters...), Zl and Zp (U+2028/2029), every Default_Ignorable_Code_Point
 *   (Hangul fillers, combining grapheme joiner, variation selectors, U+180B-180F...), lone
 *   surrogates (Cs), private use (Co: font-dependent glyphs of unknown width) and unassigned code
 *   points (Cn: no terminal knows their width; this follows the Unicode version of the running
 *   Node);
 * - except where they are part of an emoji: a zero-width joiner between two emoji (a ZWJ
 *   sequence), VS15/VS16 right after a character that can be an emoji (❤️, the keycap 1️⃣), and
 *   the tag characters of a complete emoji tag sequence (the flag of Scotland: U+1F3F4, tags,
 *   U+E007F cancel tag). Anywhere else they are escaped like the rest.
 *
 * Three functions, one convention:
 * - escapeName(name) for a name or path: the above, plus every backslash doubled, so the escaped
 *   form is unambiguous (a name holding the text "\x1b" shows as "\\x1b"). Names are escaped where
 *   they enter a message or a row.
 * - terminalText(message) for a whole message (a status line, a line on stderr, an error that may
 *   embed a path): the same escapes, but backslashes are left alone, so the names escapeName put
 *   into the message are not escaped twice. Every sink (stderr lines, status lines, text reports)
 *   passes its text through terminalText (or terminalLines for many lines), so a raw name that
 *   slipped into a message (a Node error quoting a path) still cannot reach the terminal raw.
 * - jsonTerminalSafe(json) for JSON text: the same characters as JSON \uXXXX escapes, so the JSON
 *   value is unchanged (stdout's writer applies it to everything it writes).
 */
/**
 * The decoder and the Unicode property classes, made on first use: every command loads this
 * module, and making them (ICU's property sets) is ~0.5 ms of a start that may print no name
 */
let made: { decoder: InstanceType<typeof TextDecoder>; suspect: RegExp; suspectOrBackslash: RegExp; pictograph: RegExp; emoji: RegExp; modifier: RegExp } | undefined;
function tables(): NonNullable<typeof made> {
  return (made ??= {
    decoder: new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }),
    /** candidates: anything escapeText may have to touch (the emoji exceptions are decided after) */
    suspect: /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}\p{Co}\p{Cn}\p{Default_Ignorable_Code_Point}]/u,
    suspectOrBackslash: /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}\p{Co}\p{Cn}\p{Default_Ignorable_Code_Point}\\]/u,
    pictograph: /^\p{Extended_Pictographic}$/u,
    emoji: /^\p{Emoji}$/u,
    modifier: /^\p{Emoji_Modifier}$/u,
  });
}

/**
 * Text with nothing outside printable ASCII (in JSON, its layout's newlines too) has nothing to
 * escape: these find what may have, without compiling the Unicode property classes (~0.5 ms of
 * every summary, whose text and JSON are nearly always plain)
 */
const NOT_PLAIN = /[^\x20-\x7e]/;
const NOT_PLAIN_OR_BACKSLASH = /[^\x20-\x5b\x5d-\x7e]/;
const NOT_PLAIN_JSON = /[^\n\x20-\x7e]/;

const ZWJ = 0x200d;
const BLACK_FLAG = 0x1f3f4;
const CANCEL_TAG = 0xe007f;

/**
 * True for a code point that must never reach a terminal as itself (see the module comment);
 * the emoji exceptions depend on the neighbours and are decided by escapeText.
 */
export function isDangerous(cp: number): boolean {
  if (cp >= 0x20 && cp < 0x7f) return false;
  if (cp < 0xa0) return true; // C0, DEL, C1
  return tables().suspect.test(String.fromCodePoint(cp));
}

function hex2(b: number): string {
  return '\\x' + b.toString(16).padStart(2, '0');
}

function escapeChar(cp: number): string {
  if (cp === 0x0a) return '\\n';
  if (cp === 0x09) return '\\t';
  // \xNN only for what is one byte: C0 and DEL; a C1 control is the code point U+0080-U+009F (two
  // bytes in UTF-8), written \u{NN} so that it never looks like a raw byte 0x80-0x9f of a name
  if (cp < 0x80) return hex2(cp);
  return `\\u{${cp.toString(16)}}`;
}

/** A dangerous character as a JSON string escape (\uXXXX, a surrogate pair above U+FFFF). */
function jsonEscape(cp: number): string {
  const u = (n: number) => '\\u' + n.toString(16).padStart(4, '0');
  if (cp < 0x10000) return u(cp);
  const v = cp - 0x10000;
  return u(0xd800 + (v >> 10)) + u(0xdc00 + (v & 0x3ff));
}

/**
 * `s` with every dangerous character escaped (and every backslash doubled when `backslashes`); in
 * `json` mode as JSON escapes, newlines (the layout of pretty JSON) kept.
 */
function escapeText(s: string, backslashes: boolean, json = false): string {
  if (!(json ? NOT_PLAIN_JSON : backslashes ? NOT_PLAIN_OR_BACKSLASH : NOT_PLAIN).test(s)) return s;
  const t = tables();
  if (!(backslashes ? t.suspectOrBackslash : t.suspect).test(s)) return s;
  const chars = Array.from(s);
  let out = '';
  // whether the previous character was kept and is part of an emoji that a ZWJ may continue
  let joinable = false;
  // whether the previous character was kept and can take a variation selector
  let emojiBase = false;
  // the index of the cancel tag ending the tag sequence we are in, or -1
  let tagsEnd = -1;
  for (let k = 0; k < chars.length; k++) {
    const ch = chars[k];
    const cp = ch.codePointAt(0)!;
    if (ch === '\\') {
      out += backslashes ? '\\\\' : '\\';
      joinable = emojiBase = false;
      continue;
    }
    if (!isDangerous(cp)) {
      out += ch;
      joinable = t.pictograph.test(ch) || t.modifier.test(ch);
      emojiBase = cp >= 0x80 ? t.emoji.test(ch) : cp === 0x23 || cp === 0x2a || (cp >= 0x30 && cp <= 0x39);
      if (cp === BLACK_FLAG) tagsEnd = tagSequenceEnd(chars, k + 1);
      continue;
    }
    let keep = false;
    if (cp === 0xfe0f || cp === 0xfe0e) {
      keep = emojiBase;
      joinable = keep && cp === 0xfe0f;
    } else if (cp === ZWJ) {
      keep = joinable && k + 1 < chars.length && t.pictograph.test(chars[k + 1]);
      joinable = false;
    } else if (cp >= 0xe0020 && cp <= CANCEL_TAG && k <= tagsEnd) {
      keep = true;
      joinable = cp === CANCEL_TAG;
    } else joinable = false;
    emojiBase = false;
    out += keep || (json && cp === 0x0a) ? ch : json ? jsonEscape(cp) : escapeChar(cp);
  }
  return out;
}

/** The index of the cancel tag ending a tag sequence that starts at `from`, or -1 when there is none. */
function tagSequenceEnd(chars: string[], from: number): number {
  let k = from;
  while (k < chars.length) {
    const cp = chars[k].codePointAt(0)!;
    if (cp === CANCEL_TAG) return k > from ? k : -1;
    if (cp < 0xe0020 || cp > 0xe007e) return -1;
    k++;
  }
  return -1;
}

/**
 * A whole message (one line) as safe text for a terminal: dangerous characters escaped as in
 * escapeName (a newline as \n, so the result is always one line), backslashes left as they are
 * (the names in the message were escaped by escapeName where they entered it).
 */
export function terminalText(s: string): string {
  return escapeText(s, false);
}

/** Many lines (a text report) as safe text: terminalText on each line, the newlines kept. */
export function terminalLines(s: string): string {
  if (!NOT_PLAIN_JSON.test(s) || !tables().suspect.test(s)) return s; // (plain lines: as the newlines of JSON)
  return s.split('\n').map(terminalText).join('\n');
}

/**
 * JSON text (as JSON.stringify writes it) made terminal-safe without changing its value: every
 * dangerous character, which in JSON can only stand inside a string, becomes its \uXXXX escape;
 * emoji sequences and the newlines of the layout stay as they are.
 */
export function jsonTerminalSafe(json: string): string {
  return escapeText(json, false, true);
}

/** A name or path (raw bytes, or text) as safe text for a terminal; backslashes doubled. */
export function escapeName(b: Uint8Array | string): string {
  if (typeof b === 'string') return escapeText(b, true);
  try {
    return escapeText(tables().decoder.decode(b), true);
  } catch {
    // not valid UTF-8: decode the valid runs, escape every byte of the invalid ones
    let out = '';
    let i = 0;
    let run = '';
    while (i < b.length) {
      const n = utf8SeqLen(b, i);
      if (n === 0) {
        out += escapeText(run, true) + hex2(b[i]);
        run = '';
        i++;
      } else {
        run += Buffer.from(b.subarray(i, i + n)).toString('utf8');
        i += n;
      }
    }
    return out + escapeText(run, true);
  }
}

/** Length of the valid UTF-8 sequence starting at i, or 0 when the byte there starts none. */
function utf8SeqLen(b: Uint8Array, i: number): number {
  const c = b[i];
  if (c < 0x80) return 1;
  let n: number;
  let min: number;
  if (c >= 0xc2 && c <= 0xdf) {
    n = 2;
    min = 0x80;
  } else if (c >= 0xe0 && c <= 0xef) {
    n = 3;
    min = 0x800;
  } else if (c >= 0xf0 && c <= 0xf4) {
    n = 4;
    min = 0x10000;
  } else return 0;
  if (i + n > b.length) return 0;
  let cp = c & (0xff >> (n + 1));
  for (let k = 1; k < n; k++) {
    const d = b[i + k];
    if ((d & 0xc0) !== 0x80) return 0;
    cp = (cp << 6) | (d & 0x3f);
  }
  if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 0;
  return n;
}

/** A name or path for JSON: the text (invalid bytes as U+FFFD), plus the exact bytes when lossy. */
export function jsonName(b: Uint8Array): { path: string; pathBase64?: string } {
  const buf = Buffer.from(b.buffer, b.byteOffset, b.byteLength);
  const text = buf.toString('utf8');
  if (Buffer.byteLength(text) === b.length && Buffer.from(text).equals(buf)) return { path: text };
  return { path: text, pathBase64: buf.toString('base64') };
}

/**
 * The exact bytes behind a `jsonName`-style pair: `base64` decoded when present (the text was
 * lossy), else the text itself. For printing such a name with escapeName.
 */
export function exactName(text: string, base64?: string): Uint8Array | string {
  return base64 === undefined ? text : Buffer.from(base64, 'base64');
}
