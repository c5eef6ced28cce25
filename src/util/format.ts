import prettyBytes from 'pretty-bytes';
import type { Bytes } from './exact.js';

/**
 * A byte count the way du -h users read it (binary units: KiB, MiB, GiB, ... EiB, then ZiB and YiB
 * for the absurd), or with exact = true its exact decimal digits (du -b style, also for bigints).
 */
export function size(n: Bytes, exact = false): string {
  if (exact) return String(n);
  return prettyBytes(Number(n), { binary: true, maximumFractionDigits: 1 });
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
