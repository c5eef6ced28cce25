import prettyBytes from 'pretty-bytes';

/** Sizes the way du -h users read them (binary units: KiB, MiB, GiB), or exact bytes. */
export function size(n: number, exact = false): string {
  if (exact) return String(n);
  return prettyBytes(n, { binary: true, maximumFractionDigits: 1 });
}

/** 1234567 -> "1,234,567" (not toLocaleString: loading ICU costs ~8 MB and tens of ms at start-up) */
export function count(n: number): string {
  const s = String(Math.trunc(n));
  return s.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

export function duration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)} min ${s % 60} s`;
}

export function pct(part: number, whole: number): string {
  if (whole <= 0) return '  0.0%';
  return `${((100 * part) / whole).toFixed(1).padStart(5)}%`;
}
