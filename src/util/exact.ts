/**
 * Exact byte counts and their JSON.
 *
 * A byte count (`Bytes`) is an integer held as a `number` while its magnitude is at most
 * Number.MAX_SAFE_INTEGER (2^53 - 1) and as a `bigint` above. That is the canonical form: every
 * function here returns it, so `===` is true for equal counts and the common case stays a plain
 * number (no allocation, no BigInt arithmetic). Sparse files, and totals over many large files,
 * can pass 2^53; ncdu's exports go up to 2^64 - 1.
 *
 * Relational operators (`<`, `>`) work across number and bigint; arithmetic goes through
 * addBytes / subBytes. `Number(b)` is the nearest double: for sorting, shares and drawing.
 */

export type Bytes = number | bigint;
/** Any exact integer in the same canonical form (inode numbers: overlayfs and some network filesystems pass 2^53). */
export type ExactInt = Bytes;

const SAFE = Number.MAX_SAFE_INTEGER;
const BIG_SAFE = BigInt(SAFE);

/** The canonical form of the integer `v`: a number when it is safe, else the bigint. */
export function normBytes(v: bigint): Bytes {
  return v <= BIG_SAFE && v >= -BIG_SAFE ? Number(v) : v;
}

/** True when `b` is held as a bigint (its magnitude is 2^53 or more). */
export function isBigBytes(b: Bytes): b is bigint {
  return typeof b === 'bigint';
}

/** a + b, exactly. Both must be integers (a number that is not one throws RangeError). */
export function addBytes(a: Bytes, b: Bytes): Bytes {
  if (typeof a === 'number' && typeof b === 'number') {
    const s = a + b;
    // both safe: a float sum within the safe range is exact; beyond it, redo it in BigInt
    if (s <= SAFE && s >= -SAFE) return s;
  }
  return normBytes(BigInt(a) + BigInt(b));
}

/** a - b, exactly. */
export function subBytes(a: Bytes, b: Bytes): Bytes {
  if (typeof a === 'number' && typeof b === 'number') {
    const s = a - b;
    if (s <= SAFE && s >= -SAFE) return s;
  }
  return normBytes(BigInt(a) - BigInt(b));
}

/** Sum of several counts, exactly. */
export function sumBytes(list: Iterable<Bytes>): Bytes {
  let s: Bytes = 0;
  for (const v of list) s = addBytes(s, v);
  return s;
}

/** |b| */
export function absBytes(b: Bytes): Bytes {
  return b < 0 ? subBytes(0, b) : b;
}

/**
 * round(b * mul / div) for rates such as bytes per day: exact for integers `mul` and `div` > 0,
 * halves rounded up as Math.round does; else as doubles.
 */
export function mulDivRound(b: Bytes, mul: number, div: number): Bytes {
  if (typeof b === 'number') {
    const p = b * mul;
    if (Math.abs(p) <= SAFE) return Math.round(p / div) + 0;
  }
  if (!Number.isInteger(mul) || !Number.isInteger(div)) return Math.round((Number(b) * mul) / div) + 0; // a rate: no exact digits to keep
  // floor((2n + d) / 2d): halves up, as Math.round (BigInt division truncates toward zero)
  const num = 2n * BigInt(b) * BigInt(mul) + BigInt(div);
  const den = 2n * BigInt(div);
  let q = num / den;
  if (num % den !== 0n && num < 0n) q -= 1n;
  return normBytes(q);
}

/** Parse a decimal integer string (optional '-') into Bytes; null when it is not one. */
export function parseBytes(s: string): Bytes | null {
  if (!/^-?(0|[1-9][0-9]*)$/.test(s)) return null;
  return s.length <= 15 ? Number(s) : normBytes(BigInt(s));
}

function nonce(): string {
  // a marker no real string in the value can be mistaken for (names are hostile input)
  return '\u0001exact' + Math.random().toString(36).slice(2) + Date.now().toString(36) + ':';
}

/**
 * JSON.stringify that writes bigints as their exact digits (JSON numbers have no length limit;
 * JSON.stringify itself throws on a bigint). Same arguments otherwise; no replacer.
 */
export function stringifyExact(value: unknown, space?: number): string {
  let mark: string | null = null;
  const text = JSON.stringify(
    value,
    (_k, v) => {
      if (typeof v !== 'bigint') return v;
      mark ??= nonce();
      return mark + v.toString();
    },
    space,
  );
  if (mark === null) return text;
  // the marker starts with U+0001, which JSON.stringify writes as the escape \u0001
  const m = JSON.stringify(mark).slice(1, -1);
  return text.split(`"${m}`).map((part, k) => (k === 0 ? part : part.replace(/^(-?[0-9]+)"/, '$1'))).join('');
}

/** what a value that JSON leaves out (undefined, a function, a symbol) resolves to */
const OMIT = Symbol('omit');

/**
 * A value as JSON.stringify sees it before writing it: its toJSON(key) called (a Date's ISO
 * text), a Number, String, Boolean or BigInt object unwrapped, OMIT for what JSON leaves out
 * (undefined, functions, symbols). (ECMA-262 SerializeJSONProperty, steps 2-4.)
 */
function jsonValue(v: unknown, key: string): unknown {
  if (v !== null && (typeof v === 'object' || typeof v === 'bigint')) {
    const f = (v as { toJSON?: unknown }).toJSON;
    if (typeof f === 'function') v = f.call(v, key);
  }
  if (typeof v === 'object' && v !== null) {
    if (v instanceof Number) v = Number(v);
    else if (v instanceof String) v = String(v);
    else if (v instanceof Boolean || v instanceof BigInt) v = v.valueOf();
  }
  return v === undefined || typeof v === 'function' || typeof v === 'symbol' ? OMIT : v;
}

/**
 * Is `x` written the same by JSON.stringify as by stringifyExact, and as one row of a report: a
 * string, number, boolean or null, or an object of Object's own making whose values are all of
 * those or undefined (nothing with a toJSON, no bigint, nothing nested)? Its text's length at
 * least (its strings' lengths; 1 for anything else), or -1 when it is not.
 */
function plainRow(x: unknown): number {
  if (x === null) return 1;
  const t = typeof x;
  if (t === 'string') return (x as string).length;
  if (t === 'number' || t === 'boolean') return 1;
  if (t !== 'object' || Object.getPrototypeOf(x) !== Object.prototype) return -1;
  let n = 1;
  for (const k in x as Record<string, unknown>) {
    const y = (x as Record<string, unknown>)[k];
    const u = typeof y;
    if (u === 'string') n += k.length + (y as string).length;
    else if (y === null || u === 'number' || u === 'boolean' || u === 'undefined') n += k.length;
    else return -1;
  }
  return n;
}

/** how many plain rows of an array one JSON.stringify writes at once (see stringifyExactPieces) */
const ROWS_AT_ONCE = 2048;

/**
 * stringifyExact(value, space) + `end`, handed to `emit` in pieces instead of as one string: for
 * output that can grow with a tree or a count the user gives (millions of rows), which as one
 * string could pass V8's limit (2^29 - 24 characters: "Invalid string length"). Each piece is
 * `chunk` characters or a little more (one row, or one string value, may make it longer), cut between tokens, never inside a string; their concatenation is exactly
 * stringifyExact(value, space) + end (the rules of JSON.stringify: toJSON, what is left out,
 * `space` up to 10 spaces; bigints as their digits). Runs of plain rows in an array (plainRow)
 * are written by JSON.stringify itself, ROWS_AT_ONCE at a time, and re-indented: its speed, where
 * a walk here would take about three times as long. Nothing is emitted for a value JSON leaves
 * out (undefined), not even `end`. A cycle is not detected (our reports have none).
 */
export function stringifyExactPieces(value: unknown, space: number, emit: (piece: string) => void, end = '', chunk = 1 << 20): void {
  const gap = ' '.repeat(Math.max(0, Math.min(10, Math.floor(space))));
  const colon = gap === '' ? ':' : ': ';
  // JSON.stringify's text of an array of rows, without its brackets and the layout around them
  const cutFrom = gap === '' ? 1 : 2 + gap.length;
  const cutTo = gap === '' ? -1 : -2;
  let buf = '';
  const put = (s: string): void => {
    buf += s;
    if (buf.length >= chunk) {
      emit(buf);
      buf = '';
    }
  };
  // `v` resolved by jsonValue (never OMIT)
  const write = (v: unknown, indent: string): void => {
    if (typeof v === 'bigint') return put(v.toString());
    if (typeof v !== 'object' || v === null) return put(JSON.stringify(v));
    const inner = indent + gap;
    const open = gap === '' ? '' : '\n' + inner;
    const sep = ',' + open;
    const close = gap === '' ? '' : '\n' + indent;
    if (Array.isArray(v)) {
      if (v.length === 0) return put('[]');
      put('[' + open);
      for (let i = 0; i < v.length; ) {
        if (i > 0) put(sep);
        // (at most ROWS_AT_ONCE rows, and about `chunk` characters: rows of long paths stay pieces of their size)
        let j = i;
        for (let size = 0, r = 0; j < v.length && j - i < ROWS_AT_ONCE && size < chunk && (r = plainRow(v[j])) >= 0; j++) size += r;
        if (j > i) {
          // (the only newlines in JSON.stringify's text are its layout's: one in a string is \n)
          const rows = JSON.stringify(v.slice(i, j), null, gap).slice(cutFrom, cutTo);
          put(indent === '' ? rows : rows.replaceAll('\n', '\n' + indent));
          i = j;
          continue;
        }
        const x = jsonValue(v[i], String(i));
        if (x === OMIT) put('null');
        else write(x, inner);
        i++;
      }
      return put(close + ']');
    }
    let n = 0;
    for (const k of Object.keys(v)) {
      const x = jsonValue((v as Record<string, unknown>)[k], k);
      if (x === OMIT) continue;
      put((n++ === 0 ? '{' + open : sep) + JSON.stringify(k) + colon);
      write(x, inner);
    }
    put(n === 0 ? '{}' : close + '}');
  };
  const top = jsonValue(value, '');
  if (top === OMIT) return;
  write(top, '');
  emit(buf + end);
}

/**
 * JSON.parse that keeps integers beyond 2^53 - 1 exact: they come back as bigint, everything else
 * as JSON.parse gives it. Throws SyntaxError like JSON.parse.
 */
export function parseExact(text: string): unknown {
  // quote every integer literal of 16 or more digits (outside strings), then turn them back
  let mark: string | null = null;
  let out = '';
  let last = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      // skip a string
      for (i++; i < n; i++) {
        const d = text.charCodeAt(i);
        if (d === 0x5c) i++;
        else if (d === 0x22) break;
      }
      continue;
    }
    if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
      let j = i + (c === 0x2d ? 1 : 0);
      const d0 = j;
      while (j < n && text.charCodeAt(j) >= 0x30 && text.charCodeAt(j) <= 0x39) j++;
      const next = j < n ? text.charCodeAt(j) : 0;
      const isInt = next !== 0x2e && next !== 0x65 && next !== 0x45;
      if (isInt && j - d0 >= 16) {
        mark ??= nonce();
        out += text.slice(last, i) + JSON.stringify(mark + text.slice(i, j));
        last = j;
      }
      // skip the rest of the number token
      while (j < n && /[0-9.eE+-]/.test(text[j])) j++;
      i = j - 1;
    }
  }
  if (mark === null) return JSON.parse(text);
  const m: string = mark;
  return JSON.parse(out + text.slice(last), (_k, v) => (typeof v === 'string' && v.startsWith(m) ? normBytes(BigInt(v.slice(m.length))) : v));
}
