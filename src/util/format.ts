import type { Bytes } from './exact.js';

/** --si: sizes in powers of 1000 (kB, MB, GB as `du --si` and `ncdu --si`), set once at start-up (setSi) */
let si = false;

/**
 * Make every size() from now on write powers of 1000 (`true`: kB, MB, GB, as `du --si`) or of
 * 1024 (`false`, the default: KiB, MiB, GiB). Called once by the command line (--si, the config
 * file's "si") before any output; JSON keeps bytes either way.
 */
export function setSi(on: boolean): void {
  si = on;
}

/** whether size() writes powers of 1000 (see setSi) */
export function siUnits(): boolean {
  return si;
}

/**
 * A byte count the way du -h users read it (binary units: KiB, MiB, GiB, ... EiB, then ZiB and YiB
 * for the absurd; powers of 1000 after setSi(true): kB, MB, GB...), or with exact = true its exact
 * decimal digits (du -b style, also for bigints).
 */
export function size(n: Bytes, exact = false): string {
  if (exact) return String(n);
  return si ? unitSize(Number(n), 1000, SI_UNITS) : unitSize(Number(n), 1024, BINARY_UNITS);
}

const BINARY_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB', 'ZiB', 'YiB'];
/** (pretty-bytes' and ncdu's spelling: a lower-case k for 1000) */
const SI_UNITS = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB', 'ZB', 'YB'];

/**
 * `bytes` (a finite number; a negative one gets a '-') as pretty-bytes writes it with `{ binary: true,
 * maximumFractionDigits: 1 }` (base 1024; with base 1000 and the SI units as without `binary`): the largest binary unit that keeps the figure at 1 or more, one
 * decimal cut off (not rounded; none when it is 0), no digit grouping. Not pretty-bytes itself:
 * it formats with toLocaleString, and the first call loads ICU's number formatting (tens of ms of a
 * `scan`'s start-up). Same digits: ICU cuts the shortest decimal that reads back as the double,
 * which is String()'s (test/format.test.ts compares the two over many values).
 */
function unitSize(bytes: number, base: number, units: readonly string[]): string {
  if (bytes < 0) return `-${unitSize(-bytes, base, units)}`;
  let exponent = 0;
  if (bytes >= 1) exponent = Math.min(Math.floor(Math.log(bytes) / Math.log(base)), units.length - 1);
  let x = bytes / base ** exponent;
  // (just below a unit's boundary the logarithm may round up to it; at a power of 1000, down: log(1e6) / log(1000) < 2)
  if (x < 1 && exponent > 0) {
    x *= base;
    exponent -= 1;
  } else if (x >= base && exponent < units.length - 1) {
    x /= base;
    exponent += 1;
  }
  const s = String(x);
  const point = s.indexOf('.');
  const digits = point < 0 || s[point + 1] === '0' ? (point < 0 ? s : s.slice(0, point)) : s.slice(0, point + 2);
  return `${digits} ${units[exponent]}`;
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
export function counted(n: Bytes, one: string, many = one + 's'): string {
  return `${count(n)} ${Number(n) === 1 ? one : many}`;
}
