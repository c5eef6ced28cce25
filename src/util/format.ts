import type { Bytes } from './exact.js';

/**
 * A byte count the way du -h users read it (binary units: KiB, MiB, GiB, ... EiB, then ZiB and YiB
 * for the absurd), or with exact = true its exact decimal digits (du -b style, also for bigints).
 */
export function size(n: Bytes, exact = false): string {
  if (exact) return String(n);
  return binarySize(Number(n));
}

const BINARY_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB', 'ZiB', 'YiB'];

/**
 * `bytes` (a finite number; a negative one gets a '-') as pretty-bytes writes it with `{ binary: true,
 * maximumFractionDigits: 1 }`: the largest binary unit that keeps the figure at 1 or more, one
 * decimal cut off (not rounded; none when it is 0), no digit grouping. Not pretty-bytes itself:
 * it formats with toLocaleString, and the first call loads ICU's number formatting (tens of ms of a
 * `scan`'s start-up). Same digits: ICU cuts the shortest decimal that reads back as the double,
 * which is String()'s (test/format.test.ts compares the two over many values).
 */
function binarySize(bytes: number): string {
  if (bytes < 0) return `-${binarySize(-bytes)}`;
  let exponent = 0;
  if (bytes >= 1) exponent = Math.min(Math.floor(Math.log(bytes) / Math.log(1024)), BINARY_UNITS.length - 1);
  let x = bytes / 1024 ** exponent;
  // (just below a unit's boundary the logarithm may round up to it)
  if (x < 1 && exponent > 0) {
    x *= 1024;
    exponent -= 1;
  }
  const s = String(x);
  const point = s.indexOf('.');
  const digits = point < 0 || s[point + 1] === '0' ? (point < 0 ? s : s.slice(0, point)) : s.slice(0, point + 2);
  return `${digits} ${BINARY_UNITS[exponent]}`;
}

/** 1234567 -> "1,234,567", exact for bigints too (not toLocaleString: loading ICU costs ~8 MB and tens of ms at start-up) */
export function count(n: Bytes): string {
  const s = typeof n === 'bigint' ? n.toString() : String(Math.trunc(n));
  return s.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

export function duration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)} min ${s % 60} s`;
}

/** part / whole as a percentage, `" 12.3%"` (counts as doubles: a share needs no exact digits) */
export function pct(part: Bytes, whole: Bytes): string {
  if (whole <= 0) return '  0.0%';
  return `${((100 * Number(part)) / Number(whole)).toFixed(1).padStart(5)}%`;
}

/** `n` and the noun for it, singular for exactly 1: counted(1, 'file') = "1 file", counted(1234, 'file') = "1,234 files", counted(2, 'process', 'processes') */
export function counted(n: number, one: string, many = one + 's'): string {
  return `${count(n)} ${n === 1 ? one : many}`;
}
