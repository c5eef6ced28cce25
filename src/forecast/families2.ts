/**
 * A SECOND held-out set of usage-history families (issue 12), written after the first
 * (families.ts) and kept from the model's author until the model was done: shapes that neither
 * the twelve patterns of synth.ts nor the first families cover. Same trace semantics, same fairness
 * rules and the same renderer (families.ts `generateTrace`). Pure: no I/O, no clock.
 *
 * - six_hourly_growing_peak: a job every 6 h whose transient need grows.
 * - biweekly_growing_peak: a job every two weeks whose need grows.
 * - dst_cron_peak: a daily or weekly cron job at a fixed LOCAL time in a zone with daylight saving
 *   (EU or US rules): the onsets move by an hour in UTC twice a year; its need grows.
 * - weekday_job: a nightly job on weekdays only (local time), growing need.
 * - snapshots: copy-on-write snapshots (hourly or daily) each holding the blocks overwritten while it
 *   was the newest, the oldest pruned beyond K; the fill variant's pruning stops.
 * - rotated_growing_log: a log rotated daily (compressed archives kept N days) whose daily volume
 *   grows: the top of the saw fills the volume.
 * - leak_then_purge: a slow leak, one sudden mass deletion, the leak goes on (fills later, or not).
 * - regime_changes: 3-6 straight segments of different rates (growing, flat, shrinking).
 * - gap_fill: long sampling gaps (the collector was down for 1-4 days), the fill inside one of them.
 * - heavy_tail_noise: growth with heavy-tailed (Pareto) noise and rare reporting glitches (low).
 * - two_jobs: a nightly job of fixed need and a weekly one whose need grows, half a day apart.
 * - job_fixed: a nightly or weekly job whose need grew, then was fixed (never fills: no alarm after).
 * - resize_then_fill: a growing volume resized (x1.5-3) that goes on growing and fills the new size.
 * - cache_eviction: a cache filling to its limit and evicting down to a low mark, over slowly growing
 *   data: a fast climb to a high level every cycle (never fills), or the data grows until a
 *   climb no longer fits.
 */
import type { Trace } from './backtest.js';
import { DAY, HOUR } from './linear.js';
import { rng } from './synth.js';
import {
  setOf, traceOf, drawProfile, everyPeriod, firstCut, growingPeaks, lastAtOrBefore, MIN, onsetsBeforeFirstCut, pickSize,
  withPeaks, WEEK, type Builder,
} from './families.js';

export const FAMILY2_NAMES = [
  'six_hourly_growing_peak', 'biweekly_growing_peak', 'dst_cron_peak', 'weekday_job', 'snapshots', 'rotated_growing_log',
  'leak_then_purge', 'regime_changes', 'gap_fill', 'heavy_tail_noise', 'two_jobs', 'job_fixed', 'resize_then_fill',
  'cache_eviction',
] as const;
export type Family2Name = (typeof FAMILY2_NAMES)[number];

/** Whether daylight saving time is in force at unix ms t under EU or US rules. */
export function isDst(t: number, rule: 'eu' | 'us', stdOffsetH: number): boolean {
  const y = new Date(t).getUTCFullYear();
  const nthSunday = (m: number, n: number): number => {
    const first = new Date(Date.UTC(y, m, 1)).getUTCDay();
    return 1 + ((7 - first) % 7) + 7 * (n - 1);
  };
  const lastSunday = (m: number): number => {
    const last = new Date(Date.UTC(y, m + 1, 0));
    return last.getUTCDate() - last.getUTCDay();
  };
  if (rule === 'eu') return t >= Date.UTC(y, 2, lastSunday(2), 1) && t < Date.UTC(y, 9, lastSunday(9), 1);
  // US: 02:00 local standard time on the second Sunday of March to 02:00 local daylight time on the first Sunday of November
  return t >= Date.UTC(y, 2, nthSunday(2, 2), 2) - stdOffsetH * HOUR && t < Date.UTC(y, 10, nthSunday(10, 1), 1) - stdOffsetH * HOUR;
}

/** Onsets of a job at local hh:mm every day (or on the given weekdays, 0 = Sunday) in a DST zone. */
export function localOnsets(t0: number, end: number, msOfDay: number, zone: { rule: 'eu' | 'us' | 'none'; std: number }, weekdays?: readonly number[]): number[] {
  const out: number[] = [];
  for (let day = Math.floor(t0 / DAY) * DAY - DAY; day < end + DAY; day += DAY) {
    if (weekdays && !weekdays.includes(new Date(day).getUTCDay())) continue;
    const guess = day + msOfDay - zone.std * HOUR;
    const off = zone.rule !== 'none' && isDst(guess, zone.rule, zone.std) ? zone.std + 1 : zone.std;
    const t = day + msOfDay - off * HOUR;
    if (t >= t0 && t < end) out.push(t);
  }
  return out;
}

const sixHourly: Builder = (d, c) => {
  const prof = drawProfile(d, c, 15 * MIN, 2.5 * HOUR);
  if (prof.ramp + prof.hold + prof.decay > 5 * HOUR) return null;
  return growingPeaks(d, c, (end) => everyPeriod(c.t0 + d.u(0, 6 * HOUR), 6 * HOUR, end), [20, 120], prof, 20);
};

const biweekly: Builder = (d, c) => {
  const prof = drawProfile(d, c, 2 * HOUR, 30 * HOUR);
  return growingPeaks(d, c, (end) => everyPeriod(c.t0 + d.u(0, 2 * WEEK), 2 * WEEK, end), [75, 250], prof, 3);
};

const ZONES = [{ rule: 'eu', std: 1 }, { rule: 'eu', std: 0 }, { rule: 'eu', std: 2 }, { rule: 'us', std: -5 }, { rule: 'us', std: -8 }, { rule: 'us', std: -6 }] as const;

const dstCron: Builder = (d, c) => {
  const zone = d.pick(ZONES);
  const weekly = d.chance(0.35);
  const at = d.pick([1, 2, 2, 3, 4, 5]) * HOUR + d.pick([0, 15, 30, 45]) * MIN;
  const prof = drawProfile(d, c, 30 * MIN, weekly ? 12 * HOUR : 5 * HOUR);
  const dow = d.int(0, 6);
  const shape = growingPeaks(d, c, (end) => localOnsets(c.t0, end, at, zone, weekly ? [dow] : undefined), weekly ? [45, 200] : [20, 200], prof, weekly ? 3 : 7);
  return shape && { ...shape, variant: `${shape.variant}-${weekly ? 'weekly' : 'daily'}-${zone.rule}${zone.std}` };
};

const weekdayJob: Builder = (d, c) => {
  const tz = d.int(-8, 10);
  const at = d.pick([19, 20, 21, 22, 23, 0, 1, 2]) * HOUR + d.pick([0, 30]) * MIN;
  const prof = drawProfile(d, c, 30 * MIN, 6 * HOUR);
  const shape = growingPeaks(d, c, (end) => localOnsets(c.t0, end, at, { rule: 'none', std: tz }, [1, 2, 3, 4, 5]), [25, 150], prof, 5);
  return shape && { ...shape, variant: `${shape.variant}-utc${tz}` };
};

/**
 * Copy-on-write snapshots every P (1 h..1 d) kept K at a time: snapshot i holds the data
 * overwritten while it was the newest (churn c bytes/day), freed when it is pruned. Steady state:
 * live + about c·K·P. Fill variant: pruning stops 2+ weeks before the earliest cut, snapshots pile up.
 */
const snapshots: Builder = (d, c) => {
  const size = pickSize(d, c);
  const fills = d.chance(0.6);
  const P = d.pick([HOUR, 4 * HOUR, 6 * HOUR, 12 * HOUR, DAY]);
  const keepDays = d.u(2, 30);
  const K = Math.max(2, Math.round((keepDays * DAY) / P));
  const live0 = d.u(0.2, 0.6) * size;
  const liveRate = d.chance(0.3) ? 0 : (size * d.u(0.05, 0.3)) / d.u(100, 400); // bytes/day
  const days = fills ? 250 : d.u(50, 150);
  const stopDay = d.u(10, 60);
  // never: pruning keeps 5-35% of the size; fills: 20-120 days after the stop the pile reaches the size
  let churn = (size * d.u(0.05, 0.35)) / ((K * P) / DAY); // bytes/day
  if (fills) {
    const F = stopDay + d.u(20, 120);
    churn = (size * d.u(1.0, 1.01) - live0 - liveRate * F) / ((K * P) / DAY + (F - stopDay));
    if (churn <= 0 || live0 + liveRate * stopDay + (churn * K * P) / DAY > 0.85 * size) return null;
  } else if (live0 + liveRate * days + ((churn * K * P) / DAY) * 1.1 > 0.9 * size) return null;
  const stop = c.t0 + stopDay * DAY;
  const phase = d.u(0, P);
  const used = (t: number): number => {
    const x = (t - c.t0) / DAY;
    // snapshots start at c.t0 + phase + i·P (some existed before: the history opens in the steady state)
    const i = Math.floor((t - c.t0 - phase) / P); // the newest snapshot
    // retained: snapshots newer than i - K (while pruning works); each older than the newest holds churn·P
    const oldest = fills && t >= stop ? Math.min(i - K + 1, Math.floor((stop - c.t0 - phase) / P) - K + 1) : i - K + 1;
    const full = Math.max(0, i - oldest); // complete deltas
    const partial = (t - c.t0 - phase - i * P) / P; // the newest snapshot's delta so far
    return live0 + liveRate * x + ((churn * P) / DAY) * (full + partial);
  };
  return {
    variant: `${fills ? 'fills-pruning-stops' : 'never'}-every${Math.round(P / HOUR)}h-keep${K}`, fills, size, days, used,
    fair: (tr) => !fills || firstCut(tr) >= stop + 2 * WEEK,
  };
};

/**
 * A log rotated daily at local hh:00: the active file grows through the day at a(d) bytes/day, the
 * rotated one is compressed (5-15%) and kept N days. Fill variant: the daily volume grows
 * (linearly or compounding) until the top of the saw does not fit; never: constant volume.
 */
const rotatedGrowingLog: Builder = (d, c) => {
  const size = pickSize(d, c);
  const fills = d.chance(0.7);
  const days = fills ? 250 : d.u(45, 150);
  const ratio = d.u(0.05, 0.15);
  const N = d.int(3, 30);
  const base = d.u(0.1, 0.5) * size;
  const rot = d.u(0, DAY);
  const compound = d.chance(0.4);
  const F = d.u(25, 180);
  const topAt = (a: number): number => a * (1 + ratio * N); // the top of the saw for a daily volume a (ignoring growth within N days)
  const aF = ((size - base) * d.u(1.0, 1.02)) / (1 + ratio * N);
  const a0 = fills ? aF * d.u(0.2, 0.7) : ((size - base) * d.u(0.1, 0.8)) / (1 + ratio * N);
  if (!fills && base + topAt(a0) > 0.9 * size) return null;
  const rate = (x: number): number => (!fills ? a0 : compound ? a0 * (aF / a0) ** (x / F) : a0 + ((aF - a0) * x) / F); // bytes/day on day x
  const used = (t: number): number => {
    const x = (t - c.t0 - rot) / DAY;
    const day = Math.floor(x);
    let u = base + rate(Math.max(day, 0)) * (x - day);
    for (let k = 1; k <= N; k++) u += ratio * rate(Math.max(day - k, 0));
    return u;
  };
  return { variant: fills ? `fills-${compound ? 'compound' : 'linear'}-keep${N}` : `never-keep${N}`, fills, size, days, used };
};

/** A slow leak, one mass deletion (20-70% of used) 3+ days before every cut, the leak goes on. */
const leakThenPurge: Builder = (d, c) => {
  const size = pickSize(d, c);
  const fills = d.chance(0.55);
  const u0 = d.u(0.3, 0.8) * size;
  const purgeShare = d.u(0.2, 0.7);
  let days: number, r: number, at: number;
  if (fills) {
    const F = d.u(30, 250);
    at = c.t0 + d.u(0.05, 0.7) * F * DAY;
    const atDay = (at - c.t0) / DAY;
    // before the purge: u0 + r·atDay, then x(1 - purgeShare), then r·(F - atDay) more reaches size
    r = (size * d.u(1, 1.005) - u0 * (1 - purgeShare)) / (atDay * (1 - purgeShare) + (F - atDay));
    if (u0 + r * atDay > 0.97 * size) return null;
    days = F + 30;
  } else {
    days = d.u(50, 150);
    at = c.t0 + d.u(0.1, 0.42) * days * DAY;
    r = ((size - u0) / d.u(20, 200)) * (d.chance(0.3) ? 0.1 : 1);
    const atDay = (at - c.t0) / DAY;
    const before = u0 + r * atDay;
    if (before > 0.95 * size || before * (1 - purgeShare) + r * days * 3 > size) return null;
  }
  const len = d.lu(10 * MIN, 6 * HOUR);
  const used = (t: number): number => {
    const x = (t - c.t0) / DAY;
    const atDay = (at - c.t0) / DAY;
    const leak = u0 + r * Math.min(x, atDay);
    const p = Math.min(1, Math.max(0, (t - at) / len));
    return leak * (1 - purgeShare * p) + r * Math.max(0, x - atDay);
  };
  return {
    variant: fills ? 'fills' : 'never', fills, size, days, used,
    fair: (tr) => firstCut(tr) >= at + len + 3 * DAY,
  };
};

/** 3-6 straight segments of different rates; the last change 5+ days before every cut. */
const regimeChanges: Builder = (d, c) => {
  const size = pickSize(d, c);
  const fills = d.chance(0.65);
  const n = d.int(3, 6);
  const u0 = d.u(0.1, 0.5) * size;
  const lens: number[] = [], rates: number[] = [];
  let u = u0;
  for (let i = 0; i < n - 1; i++) {
    const len = d.u(4, 30);
    const kind = d.pick(['up', 'up', 'flat', 'down', 'steep']);
    const free = size - u;
    const rr = kind === 'flat' ? 0 : kind === 'down' ? -d.u(0.001, 0.01) * u : kind === 'steep' ? (free * d.u(0.1, 0.35)) / len : (free * d.u(0.02, 0.15)) / len;
    lens.push(len);
    rates.push(rr);
    u += rr * len;
    if (u > 0.9 * size || u < 0.05 * size) return null;
  }
  const start = lens.reduce((a, b) => a + b, 0);
  let days: number;
  if (fills) {
    const D = d.u(10, 150);
    rates.push((size * d.u(1, 1.005) - u) / D);
    days = start + D + 30;
  } else {
    days = Math.max((start + 6) / 0.5, d.u(50, 150));
    rates.push(d.chance(0.5) ? 0 : ((size - u) / (days * d.lu(3, 10))) * (d.chance(0.3) ? -1 : 1));
  }
  lens.push(Infinity);
  const used = (t: number): number => {
    let x = (t - c.t0) / DAY, v = u0;
    for (let i = 0; i < lens.length && x > 0; i++) {
      const s = Math.min(x, lens[i]!);
      v += rates[i]! * s;
      x -= s;
    }
    return v;
  };
  const last = c.t0 + start * DAY;
  return {
    variant: `${fills ? 'fills' : 'never'}-${n}`, fills, size, days, used,
    fair: (tr) => firstCut(tr) >= last + 5 * DAY,
  };
};

/**
 * Growth (straight or with a nightly saw) sampled with long gaps: every 6-20 days the collector is
 * down 1-4 days; in the fill variant the crossing falls inside a gap of 12-36 h (fillsAt is then the
 * first sample after it, as the README defines it: a right forecast is early by up to a day and a half).
 */
const gapFill: Builder = (d, c) => {
  const size = pickSize(d, c);
  const fills = d.chance(0.7);
  const u0 = d.u(0.1, 0.6) * size;
  const saw = d.chance(0.5) ? d.u(0.01, 0.05) * size : 0;
  const rot = d.u(0, DAY);
  const F = fills ? d.u(25, 200) : Infinity;
  const days = fills ? F + 30 : d.u(50, 150);
  // fills: the top of the saw (or the line) reaches the size on day F, inside a gap
  const r = fills ? (size - u0 - saw) / F : ((size - u0 - saw) / days) * d.u(0.05, 0.4);
  const gaps: Array<[number, number]> = [];
  for (let x = d.u(3, 12); x < days; x += d.u(6, 20)) gaps.push([c.t0 + x * DAY, c.t0 + (x + d.u(1, 4)) * DAY]);
  if (fills) {
    // the collector is down from a little before the crossing for 12-36 h
    const a = c.t0 + (F - d.u(0.05, 0.25)) * DAY;
    gaps.push([a, a + d.u(0.5, 1.5) * DAY]);
    gaps.sort((p, q) => p[0] - q[0]);
  }
  const starts = gaps.map((g) => g[0]);
  return {
    variant: `${fills ? 'fills-in-gap' : 'never'}${saw ? '-saw' : ''}`, fills, size, days,
    used: (t) => u0 + (r * (t - c.t0)) / DAY + saw * (((t - c.t0 + rot) % DAY) / DAY),
    fair: (tr) => {
      if (!fills) return true;
      const i = tr.points.findIndex((p) => p.t === tr.fillsAt);
      return i > 0 && tr.fillsAt! - tr.points[i - 1]!.t >= 10 * HOUR;
    },
    skip: (t) => {
      const i = lastAtOrBefore(starts, t);
      return i >= 0 && t < gaps[i]![1];
    },
  };
};

/**
 * Growth with heavy-tailed noise (signed Pareto, alpha 2-3.5: now and then a sample 10-50x the usual
 * deviation, upward too — as with real short bursts, one may be what first reaches the size) and
 * rare glitches (a sample reading far too low: the file system read while not mounted).
 */
const heavyTail: Builder = (d, c) => {
  const size = pickSize(d, c);
  const fills = d.chance(0.6);
  const u0 = d.u(0.1, 0.6) * size;
  const F = d.u(25, 200);
  const days = fills ? F + 30 : d.u(50, 150);
  const r = fills ? (size - u0) / F : ((size - u0) / days) * d.u(0, 0.35);
  const alpha = d.u(2, 3.5);
  const scale = d.lu(0.0003, 0.002) * size;
  const glitch = d.lu(0.0005, 0.01);
  const seed = Math.floor(d.u(0, 2 ** 31));
  const used = (t: number): number => {
    const h = rng((seed ^ Math.floor(t / 1000)) >>> 0);
    const trend = u0 + (r * (t - c.t0)) / DAY;
    let n = (h() < 0.5 ? -1 : 1) * scale * ((1 - h()) ** (-1 / alpha) - 1);
    if (h() < glitch) n = -trend * h() * 0.9; // the file system read while not mounted, a half-written report...
    return trend + n;
  };
  return { variant: `${fills ? 'fills' : 'never'}-a${alpha.toFixed(1)}`, fills, size, days, used, noise: 0.0002 };
};

/**
 * A nightly job of fixed need and a weekly job whose need grows, half a day apart, on a slow trend.
 * Fill variant: the weekly run on or after day 45-180 does not fit; never: its heights would reach
 * the size only 3-8 windows on.
 */
const twoJobs: Builder = (d, c) => {
  const size = pickSize(d, c);
  const fills = d.chance(0.7);
  const days = fills ? 200 : d.u(50, 150);
  const target = fills ? d.u(45, 180) : days * d.lu(3, 8);
  const weekly = everyPeriod(c.t0 + d.u(0, WEEK), WEEK, c.t0 + (Math.max(target, days) + 20) * DAY);
  const nightly = everyPeriod(weekly[0]! - 6 * DAY - 12 * HOUR, DAY, c.t0 + (Math.max(target, days) + 20) * DAY);
  const K = weekly.findIndex((t) => t >= c.t0 + target * DAY);
  if (K < 3) return null;
  const u0 = d.u(0.15, 0.5) * size;
  const rate = d.chance(0.3) ? 0 : (size - u0) / (target * d.lu(1.3, 8));
  const trend = (t: number): number => u0 + (rate * (t - c.t0)) / DAY;
  const profW = drawProfile(d, c, HOUR, 8 * HOUR), profN = drawProfile(d, c, 20 * MIN, 4 * HOUR);
  const need = size - trend(weekly[K]! + profW.ramp);
  const hK = need * d.u(1.003, 1.02);
  if (hK < 0.05 * size || hK > 0.75 * size) return null;
  const h0 = hK * d.u(0.15, 0.7);
  const hN = need * d.u(0.1, 0.5);
  const heights = weekly.map((_, k) => (h0 + ((hK - h0) * k) / K) * (1 + 0.01 * d.g()));
  return {
    variant: fills ? 'fills' : 'never', fills, size, days,
    used: withPeaks(withPeaks(trend, weekly, heights, profW), nightly, nightly.map(() => hN * (1 + 0.02 * d.g())), profN),
    fair: (tr) => !fills || onsetsBeforeFirstCut(tr, weekly) >= 3,
  };
};

/**
 * A nightly or weekly job whose need grew (it would have filled the volume within 0.8-1.5 windows),
 * then was fixed: from 2-3 periods before the 50% cut its runs need 20-60% of the first one's.
 * Never fills.
 */
const jobFixed: Builder = (d, c) => {
  const size = pickSize(d, c);
  const weekly = d.chance(0.5);
  const P = weekly ? WEEK : DAY;
  const days = d.u(weekly ? 60 : 40, 150);
  const onsets = everyPeriod(c.t0 + d.u(0, P), P, c.t0 + days * DAY);
  const u0 = d.u(0.15, 0.5) * size;
  const rate = d.chance(0.4) ? 0 : (size - u0) / (days * d.lu(4, 12));
  const trend = (t: number): number => u0 + (rate * (t - c.t0)) / DAY;
  const cross = c.t0 + days * d.u(0.8, 1.5) * DAY;
  const hCross = size - trend(cross);
  const h0 = hCross * d.u(0.15, 0.5);
  const fixAt = c.t0 + days * 0.5 * DAY - (weekly ? d.u(2, 3) * WEEK : d.u(2, 10) * DAY);
  if (fixAt < c.t0 + (weekly ? 3 * WEEK : 7 * DAY)) return null;
  const heights = onsets.map((t) => (t < fixAt ? h0 + ((hCross - h0) * (t - c.t0)) / (cross - c.t0) : h0 * d.u(0.2, 0.6)));
  // the grown runs before the fix must still fit
  if (onsets.some((t, k) => t < fixAt && trend(t) + heights[k]! > 0.95 * size)) return null;
  const prof = drawProfile(d, c, weekly ? HOUR : 20 * MIN, weekly ? 12 * HOUR : 5 * HOUR);
  return { variant: `never-${weekly ? 'weekly' : 'nightly'}`, fills: false, size, days, used: withPeaks(trend, onsets, heights, prof) };
};

/**
 * A growing volume resized (x1.5-3, when 75-97% full) at least a week before every cut; it goes on
 * growing (at 0.5-2x the rate) and fills the new size.
 */
const resizeThenFill: Builder = (d, c) => {
  const size = pickSize(d, c);
  const factor = d.pick([1.5, 2, 2, 2.5, 3]);
  const big = c.wholeGiB ? Math.round((size * factor) / 2 ** 30) * 2 ** 30 : Math.round((size * factor) / 4096) * 4096;
  const u0 = d.u(0.3, 0.7) * size;
  const atFrac = d.u(0.75, 0.97);
  const r1 = (size - u0) / d.u(20, 120); // bytes/day before the resize
  const atDay = (atFrac * size - u0) / r1;
  if (atDay < 3) return null;
  const r2 = r1 * d.lu(0.5, 2);
  const F = atDay + (big - atFrac * size) / r2;
  if (F > 400) return null;
  const at = c.t0 + atDay * DAY;
  return {
    variant: `fills-x${factor}`, fills: true, size, days: F + 30,
    used: (t) => {
      const x = (t - c.t0) / DAY;
      return u0 + r1 * Math.min(x, atDay) + r2 * Math.max(0, x - atDay);
    },
    sizeAt: (t) => (t < at ? size : big),
    fair: (tr) => firstCut(tr) >= at + 7 * DAY,
  };
};

/**
 * A cache that fills at c bytes/day up to its limit M and evicts down to 50-85% of it (cycles of
 * 0.5-10 days) over slowly growing other data. Never: data + M stays 5+% under the size. Fill: the
 * data grows until a climb does not fit.
 */
const cacheEviction: Builder = (d, c) => {
  const size = pickSize(d, c);
  const fills = d.chance(0.55);
  const lo = d.u(0.5, 0.85);
  const M = d.u(0.1, 0.6) * size;
  const cycle = d.lu(0.5, 10); // days
  const cr = ((1 - lo) * M) / cycle;
  const b0 = d.u(0.05, 0.3) * size;
  let days: number, r: number;
  if (fills) {
    const F = d.u(30, 200);
    r = (size - b0 - M * d.u(0.97, 0.995)) / F;
    days = F + 30;
  } else {
    days = d.u(50, 150);
    r = d.chance(0.4) ? 0 : ((size * 0.95 - b0 - M) / days) * d.u(0, 0.6);
  }
  if (r < 0 || b0 + M > (fills ? 0.97 : 0.95) * size) return null;
  const phase = d.u(0, cycle);
  return {
    variant: `${fills ? 'fills' : 'never'}-cycle${cycle.toFixed(1)}d`, fills, size, days,
    used: (t) => {
      const x = (t - c.t0) / DAY;
      return b0 + r * x + lo * M + cr * ((x + phase) % cycle);
    },
    fair: (tr) => !fills || firstCut(tr) - tr.points[0]!.t >= 3 * cycle * DAY,
  };
};

const BUILDERS2: Record<Family2Name, Builder> = {
  six_hourly_growing_peak: sixHourly,
  biweekly_growing_peak: biweekly,
  dst_cron_peak: dstCron,
  weekday_job: weekdayJob,
  snapshots,
  rotated_growing_log: rotatedGrowingLog,
  leak_then_purge: leakThenPurge,
  regime_changes: regimeChanges,
  gap_fill: gapFill,
  heavy_tail_noise: heavyTail,
  two_jobs: twoJobs,
  job_fixed: jobFixed,
  resize_then_fill: resizeThenFill,
  cache_eviction: cacheEviction,
};

/** One trace of a second-set family, deterministic in (name, seed); `name` is `fam2-<family>-<variant>-<seed>`. */
export const family2Trace: (name: Family2Name, seed: number) => Trace = traceOf(FAMILY2_NAMES, BUILDERS2, { offset: 1000, prefix: 'fam2' });

/** `perFamily` traces of every second-set family: seeds seed, seed+1, ... */
export function family2Set(seed: number, perFamily: number): Trace[] {
  return setOf(FAMILY2_NAMES, family2Trace, seed, perFamily);
}
