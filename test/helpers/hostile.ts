/**
 * The hostile-names fixture: one tree of names that attack terminals, JSON writers and path
 * handling, used by every command's tests. Each name is a file of a distinct size (so a test can
 * find it in any output by its size) in `root/hostile/`, plus one directory of the same kind.
 *
 * What a safe output must show: no raw control byte (C0, DEL, C1), no ESC, no OSC/CSI sequence,
 * no bidi control or zero-width/format character, no invalid UTF-8 on a terminal; JSON output
 * carries the exact bytes (`pathBase64` where the text is lossy).
 */
import fs from 'node:fs';
import path from 'node:path';

export interface HostileName {
  /** what the name attacks */
  label: string;
  /** the exact bytes of the name */
  bytes: Buffer;
  /** apparent size of the file with this name (distinct for every name) */
  size: number;
}

const u = (s: string) => Buffer.from(s, 'utf8');

/** The names, as exact bytes. All are valid file names (no '/', no NUL, at most 255 bytes). */
export const HOSTILE: { label: string; bytes: Buffer }[] = [
  { label: 'CSI colour', bytes: u('esc\x1b[31mred\x1b[0m') },
  { label: 'OSC title (BEL)', bytes: u('osc\x1b]0;pwned\x07title') },
  { label: 'OSC title (ST)', bytes: u('osc2\x1b]2;pwned\x1b\\st') },
  { label: 'OSC 52 clipboard', bytes: u('clip\x1b]52;c;cm0gLXJmIC8K\x07') },
  { label: 'clear screen', bytes: u('clear\x1b[2J\x1b[H') },
  { label: 'C1 CSI (8-bit)', bytes: Buffer.concat([u('c1'), Buffer.from([0x9b]), u('31m')]) },
  { label: 'C1 CSI as UTF-8', bytes: u('c1u\u009b31mx') },
  { label: 'newline', bytes: u('new\nline') },
  { label: 'carriage return', bytes: u('cr\roverwrite') },
  { label: 'tab', bytes: u('tab\there') },
  { label: 'backspace', bytes: u('bs\b\b\bxx') },
  { label: 'DEL', bytes: u('del\x7fchar') },
  { label: 'bidi RLO', bytes: u('bidi\u202egnp.exe') },
  { label: 'bidi isolate', bytes: u('iso\u2066x\u2069') },
  { label: 'zero-width space', bytes: u('zw\u200bsp') },
  { label: 'zero-width joiner alone', bytes: u('zwj\u200dx') },
  { label: 'BOM', bytes: u('\ufeffbom') },
  { label: 'soft hyphen', bytes: u('soft\u00adhyphen') },
  { label: 'word joiner', bytes: u('wj\u2060x') },
  { label: 'invalid UTF-8', bytes: Buffer.from([0x66, 0xff, 0xfe, 0x2e, 0x62, 0x69, 0x6e]) },
  { label: 'overlong slash', bytes: Buffer.from([0x6f, 0xc0, 0xaf, 0x78]) },
  { label: 'lone surrogate (CESU)', bytes: Buffer.from([0x73, 0xed, 0xa0, 0x80, 0x78]) },
  { label: 'U+FFFD literal', bytes: u('rep\ufffdchar') },
  { label: 'backslash x escape lookalike', bytes: u('look\\xff') },
  { label: 'quote and backslash', bytes: u('q"u\\o\'te') },
  { label: 'emoji with variation selector', bytes: u('vs\u2764\ufe0f\u2601\ufe0f') },
  { label: 'emoji ZWJ family', bytes: u('fam\u{1f468}\u200d\u{1f469}\u200d\u{1f467}\u200d\u{1f466}') },
  { label: 'keycap', bytes: u('key1\ufe0f\u20e3#\ufe0f\u20e3') },
  { label: 'flag', bytes: u('flag\u{1f1e9}\u{1f1ea}') },
  { label: 'skin tone', bytes: u('tone\u{1f44d}\u{1f3fd}') },
  { label: 'wide CJK', bytes: u('宽字符文件名') },
  { label: 'combining', bytes: u('e\u0301\u0301\u0301combining') },
  { label: 'leading dash', bytes: u('-rf') },
  { label: 'spaces', bytes: u('  two  spaces  ') },
  { label: '255 bytes', bytes: Buffer.alloc(255, 0x6c) },
  { label: '255 bytes of emoji', bytes: Buffer.concat([Buffer.from(Array(63).fill('\u{1f600}').join('')), u('abc')]) },
  { label: 'line separator', bytes: u('ls\u2028ps\u2029x') },
  { label: 'invisible fillers', bytes: u('fill\u3164\u115f\u034f\u180ex') },
  { label: 'private use and unassigned', bytes: u('pua\ue000\u{10fffd}\u0378x') },
  { label: 'tags outside a flag, annotation', bytes: u('tag\u{e0041}\u{e007f}\ufff9x') },
  { label: 'emoji ZWJ after VS16 (heart on fire)', bytes: u('fire\u2764\ufe0f\u200d\u{1f525}') },
];

/** A directory of the same kind (its child is a plain file). */
export const HOSTILE_DIR = Buffer.concat([u('dir\x1b]0;owned\x07'), Buffer.from([0xff]), u('\u202e')]);

export interface HostileTree {
  /** the directory holding the names (root/hostile) */
  dir: string;
  names: HostileName[];
  /** total apparent bytes of the files made */
  apparentBytes: number;
}

/** Build root/hostile with one file per hostile name (sizes 1001, 1002, ...) and HOSTILE_DIR/inner. */
export function makeHostileTree(root: string): HostileTree {
  const dir = path.join(root, 'hostile');
  fs.mkdirSync(dir);
  const names: HostileName[] = [];
  let apparentBytes = 0;
  HOSTILE.forEach((h, k) => {
    const size = 1001 + k;
    fs.writeFileSync(Buffer.concat([Buffer.from(dir + '/'), h.bytes]), Buffer.alloc(size, 0x61));
    names.push({ ...h, size });
    apparentBytes += size;
  });
  const sub = Buffer.concat([Buffer.from(dir + '/'), HOSTILE_DIR]);
  fs.mkdirSync(sub);
  fs.writeFileSync(Buffer.concat([sub, Buffer.from('/inner')]), Buffer.alloc(777, 0x62));
  apparentBytes += 777;
  return { dir, names, apparentBytes };
}

/**
 * Throws when `out` (text bound for a terminal) holds anything a terminal would act on or hide:
 * ESC, C0 other than \n (and \t when allowed), DEL, C1, bidi controls, zero-width and other format
 * characters (Cf), line and paragraph separators, default-ignorable characters (fillers, variation
 * selectors, tags), private-use and unassigned code points, lone surrogates, or bytes that are not
 * UTF-8. Only inside an emoji sequence are a ZWJ (between emoji), VS15/VS16 (after an emoji base)
 * and tag characters (a 🏴 tag flag) allowed.
 */
export function assertTerminalSafe(out: string | Buffer, what = 'output', allowTab = false): void {
  const buf = Buffer.isBuffer(out) ? out : Buffer.from(out, 'utf8');
  const text = buf.toString('utf8');
  if (!Buffer.from(text, 'utf8').equals(buf)) throw new Error(`${what}: not valid UTF-8`);
  const chars = Array.from(text);
  const pict = /^\p{Extended_Pictographic}$/u;
  const joinsAfter = /^[\p{Extended_Pictographic}\p{Emoji_Modifier}\ufe0f]$/u;
  const emojiBase = /^\p{Emoji}$/u;
  const hidden = /^[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}\p{Co}\p{Cn}\p{Default_Ignorable_Code_Point}]$/u;
  let inFlag = false;
  for (let k = 0; k < chars.length; k++) {
    const ch = chars[k];
    const cp = ch.codePointAt(0)!;
    if (cp === 0x1f3f4) inFlag = true;
    else if (!(cp >= 0xe0020 && cp <= 0xe007f)) inFlag = false;
    if (cp === 0x0a || (allowTab && cp === 0x09) || !hidden.test(ch)) continue;
    // a zero-width joiner between two emoji is part of an emoji sequence, not a hidden character
    if (cp === 0x200d && k > 0 && k + 1 < chars.length && joinsAfter.test(chars[k - 1]) && pict.test(chars[k + 1])) continue;
    if ((cp === 0xfe0f || cp === 0xfe0e) && k > 0 && emojiBase.test(chars[k - 1])) continue;
    if (inFlag && cp >= 0xe0020 && cp <= 0xe007f) continue;
    const at = text.indexOf(ch);
    throw new Error(`${what}: raw U+${cp.toString(16).padStart(4, '0')} near ${JSON.stringify(text.slice(Math.max(0, at - 30), at + 30))}`);
  }
}
