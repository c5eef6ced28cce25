/**
 * Fresh synthetic usage histories of every pattern, from a seed: the held-out set for the backtest
 * (the model must hold on histories it has never seen, not only on ../shared/traces). Pure.
 */
import { DAY, HOUR } from './linear.js';
import type { Trace } from './backtest.js';
import type { Point } from './types.js';

export const SYNTH_PATTERNS = [
  'linear', 'logrotate', 'weekly_batch', 'backup_retention', 'retention_broken', 'regime_change',
  'accelerating', 'resize', 'cleanups', 'gappy', 'never', 'tmp_bursts',
] as const;
export type SynthPattern = (typeof SYNTH_PATTERNS)[number];

/** mulberry32: small, fast, deterministic. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const GIB = 2 ** 30;
const T0 = Date.UTC(2026, 0, 31);

export interface SynthOptions {
  /** days the trace may run at most (default 110 for never/resize, else 200: until it fills) */
  maxDays?: number;
}

/** One trace of a pattern. The trace ends a few hours after used first reaches size, or at maxDays. */
export function synthTrace(pattern: SynthPattern, seed: number, opts: SynthOptions = {}): Trace {
  const r = rng(seed * 7919 + SYNTH_PATTERNS.indexOf(pattern) * 104729 + 1);
  const uni = (a: number, b: number): number => a + (b - a) * r();
  const gauss = (): number => Math.sqrt(-2 * Math.log(r() + 1e-12)) * Math.cos(2 * Math.PI * r());
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  // never and resize traces run their window; the others run until they fill (well within 200 days)
  const maxDays = opts.maxDays ?? (pattern === 'never' || pattern === 'resize' ? 110 : 200);
  let size = pick([50, 100, 200, 500, 1000, 2000]) * GIB;
  const u0 = uni(0.35, 0.6) * size;
  const daysToFill = uni(20, 80);
  const noise = uni(0.0005, 0.003) * size;
  const step = uni(5, 30) * 60_000;
  // a smooth random walk on top (real usage wanders a little)
  let wander = 0;
  const wanderSig = uni(0, 0.0008) * size;

  // pattern parameters
  const rate = ((size - u0) * uni(0.85, 0.98)) / daysToFill; // bytes/day of the base trend
  const sawAmp = uni(0.015, 0.05) * size;
  const sawPhase = uni(0, DAY);
  const weekPhase = uni(0, 7 * DAY);
  const peakHeight = uni(0.05, 0.12) * size;
  const peakHold = uni(2, 10) * HOUR;
  const backupSize = uni(0.01, 0.03) * size;
  const keepDays = Math.floor(uni(3, 8));
  const backupHour = uni(0, 6) * HOUR;
  const breakDay = uni(10, 35);
  const jumpFactor = uni(3, 8);
  const accelG = uni(0.03, 0.08); // per day
  const resizeFactor = pick([2, 2.5, 3]);
  const cleanups: Array<{ at: number; frac: number }> = [];
  // one to three manual cleanups, all well before the volume would fill
  for (let i = 0, n = 1 + Math.floor(r() * 3); i < n; i++) cleanups.push({ at: uni(3, 0.6 * daysToFill) * DAY, frac: uni(0.03, 0.1) });
  cleanups.sort((a, b) => a.at - b.at);
  const resizeDay = uni(8, 40);
  const gaps: Array<[number, number]> = [];
  for (let d = uni(3, 8); d < maxDays; d += uni(6, 14)) gaps.push([d * DAY, d * DAY + uni(0.5, 3) * DAY]);
  const bursts: Array<{ at: number; len: number; h: number }> = [];
  for (let t = uni(0, DAY); t < maxDays * DAY; t += uni(0.3, 2) * DAY) bursts.push({ at: t, len: uni(0.3, 3) * HOUR, h: uni(0.01, 0.1) * size });

  // used at elapsed time e (ms since start); size may change (resize)
  const baseRate = pattern === 'never' ? (size - u0) / uni(500, 3000) : pattern === 'regime_change' ? rate / jumpFactor : rate;
  let resizedAt = -1;
  let cleaned = 0;
  let ci = 0;
  const usedAt = (e: number): number => {
    const d = e / DAY;
    let u: number;
    switch (pattern) {
      case 'regime_change':
        u = u0 + baseRate * Math.min(d, breakDay) + baseRate * jumpFactor * Math.max(d - breakDay, 0);
        break;
      case 'accelerating': {
        const g = accelG;
        // starts near flat, speeds up: the slope after daysToFill days is several times the start
        const a = ((size - u0) * 0.97) / (Math.exp(g * daysToFill) - 1);
        u = u0 + a * (Math.exp(g * d) - 1);
        break;
      }
      case 'backup_retention':
      case 'retention_broken': {
        const tb = e - backupHour;
        const nightly = tb < 0 ? 0 : Math.floor(tb / DAY) + Math.min((tb % DAY) / HOUR, 1);
        const broken = pattern === 'retention_broken' && d > breakDay;
        const kept = broken ? Math.min(nightly, keepDays) + (nightly - Math.max(breakDay, keepDays)) : Math.min(nightly, keepDays);
        u = u0 + (pattern === 'retention_broken' ? rate * 0.15 : rate * 0.6) * d + backupSize * Math.max(kept, 0);
        break;
      }
      default:
        u = u0 + baseRate * d;
    }
    if (pattern === 'logrotate' || pattern === 'never' || (pattern === 'gappy' && seed % 2 === 0)) {
      u += sawAmp * (((e + sawPhase) % DAY) / DAY);
    }
    if (pattern === 'weekly_batch') {
      const w = (e + weekPhase) % (7 * DAY);
      const ramp = 3 * HOUR;
      if (w < ramp) u += (peakHeight * w) / ramp;
      else if (w < ramp + peakHold) u += peakHeight;
    }
    if (pattern === 'tmp_bursts') {
      for (const b of bursts) if (e >= b.at && e < b.at + b.len) u += b.h;
    }
    if (pattern === 'cleanups') {
      while (ci < cleanups.length && cleanups[ci]!.at <= e) {
        cleaned += cleanups[ci]!.frac * (u - cleaned);
        ci++;
      }
      u -= cleaned;
    }
    return u;
  };

  const points: Point[] = [];
  let fillsAt: number | null = null;
  for (let e = 0; e <= maxDays * DAY; e += step * uni(0.7, 1.3)) {
    if (pattern === 'gappy' && gaps.some(([a, b]) => e >= a && e < b)) continue;
    wander += wanderSig * gauss() * 0.1;
    let used = usedAt(e) + noise * gauss() + wander;
    if (pattern === 'resize' && resizedAt < 0 && (used >= 0.9 * size || e >= resizeDay * DAY)) {
      resizedAt = e;
      size *= resizeFactor;
    }
    used = Math.min(Math.max(used, 0), size);
    const t = T0 + Math.round(e);
    points.push({ t, used: Math.round(used), size });
    if (fillsAt === null && used >= size) fillsAt = t;
    if (fillsAt !== null && t - fillsAt > 6 * HOUR) break;
  }
  return { name: `synth-${pattern}-${seed}`, pattern, points, fillsAt };
}

/** `perPattern` traces of every pattern, seeds seed, seed+1, ... */
export function synthSet(seed: number, perPattern: number): Trace[] {
  const out: Trace[] = [];
  for (let i = 0; i < perPattern; i++) for (const p of SYNTH_PATTERNS) out.push(synthTrace(p, seed + i));
  return out;
}
