/**
 * File names are hostile input. Before a name reaches a terminal: bytes that are not valid UTF-8
 * and control characters (C0, DEL, C1) become \xNN, and bidirectional overrides become \u{NNNN},
 * so no name can move the cursor, change colours or reorder what is shown around it.
 */
const decoder = new TextDecoder('utf-8', { fatal: true });

function isDangerous(cp: number): boolean {
  return (
    cp < 0x20 ||
    (cp >= 0x7f && cp <= 0x9f) ||
    (cp >= 0x202a && cp <= 0x202e) ||
    (cp >= 0x2066 && cp <= 0x2069) ||
    cp === 0x200e ||
    cp === 0x200f ||
    cp === 0x061c ||
    cp === 0xfeff
  );
}

function hex2(b: number): string {
  return '\\x' + b.toString(16).padStart(2, '0');
}

function escapeString(s: string): string {
  let out = '';
  let plainFrom = 0;
  let k = 0;
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (isDangerous(cp) || ch === '\\') {
      out += s.slice(plainFrom, k);
      if (ch === '\\') out += '\\\\';
      else if (cp === 0x0a) out += '\\n';
      else if (cp === 0x09) out += '\\t';
      else if (cp < 0x100) out += hex2(cp);
      else out += `\\u{${cp.toString(16)}}`;
      plainFrom = k + ch.length;
    }
    k += ch.length;
  }
  return out + s.slice(plainFrom);
}

/** A name or path (raw bytes) as safe text for a terminal. */
export function escapeName(b: Uint8Array | string): string {
  if (typeof b === 'string') return escapeString(b);
  try {
    return escapeString(decoder.decode(b));
  } catch {
    // not valid UTF-8: decode the valid runs, escape every byte of the invalid ones
    let out = '';
    let i = 0;
    while (i < b.length) {
      const n = utf8SeqLen(b, i);
      if (n === 0) {
        out += hex2(b[i]);
        i++;
      } else {
        out += escapeString(Buffer.from(b.subarray(i, i + n)).toString('utf8'));
        i += n;
      }
    }
    return out;
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
