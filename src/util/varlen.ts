/**
 * The length code the tree's name buffer and the import thread's chunks share: a length below
 * 2^21 in 1 to 3 bytes, 7 bits a byte, low bits first, the high bit set on every byte but the last.
 */

/** Write `n` (0 <= n < 2^21) at `b[p]`; returns the offset after it. No bounds check: room for 3 bytes is the caller's. */
export function putLength(b: Uint8Array, p: number, n: number): number {
  if (n < 0x80) b[p++] = n;
  else if (n < 0x4000) {
    b[p++] = 0x80 | (n & 0x7f);
    b[p++] = n >>> 7;
  } else {
    b[p++] = 0x80 | (n & 0x7f);
    b[p++] = 0x80 | ((n >>> 7) & 0x7f);
    b[p++] = n >>> 14;
  }
  return p;
}
