/**
 * The first-contact tests' pattern: an old system, a nightly backup set kept 7 nights, one that
 * never deletes, a growing log; described as directories (forecast/firstcontact.ts DirChild) and
 * its true fill time when continued (simulated hour by hour). Times from a given `now`.
 */
import type { DirChild } from '../../src/forecast/firstcontact.js';

const MIN = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
const MIB = 1 << 20;

/** 02:00 UTC (plus a few minutes) of the night `k` days before `now` (k = 0: the last one) */
export function nightOf(now: number): (k: number) => number {
  const d = new Date(now);
  const base = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), 2, 0);
  const last = base <= now - 20 * MIN ? base : base - DAY;
  return (k: number) => last - k * DAY + ((k * 7) % 11) * MIN;
}
export const ymd = (t: number) => new Date(t).toISOString().slice(0, 10);
/** a size near `b`: +-4%, fixed by k, a multiple of 4 KiB (a tmpfs counts pages) */
const near = (b: number, k: number) => Math.round((b * (1 + (((k * 37) % 9) - 4) / 100)) / 4096) * 4096;

/** n copies made on the nights 0, every, 2*every, ... before now, named by `name(k, i)` */
export function copiesOf(now: number, n: number, name: (k: number, i: number) => string, bytes: number, every = 1): DirChild[] {
  const night = nightOf(now);
  return Array.from({ length: n }, (_x, i) => {
    const k = i * every;
    return { name: name(k, i), bytes: near(bytes, k), mtime: night(k), dir: false, kind: 'backups' };
  });
}

/**
 * The pattern of the tests: an old system (static files 400 days old), a set kept 7 nights, a set
 * that never deletes (started `sinceB` days ago), a log appended `logPerDay` bytes a day for 60
 * days. Its true fill: step the continued pattern hour by hour (the set adds its copy at 02:00).
 */
export function fcPattern(NOW: number, named: 'identifiable' | 'dated', size: number) {
  const night = nightOf(NOW);
  const copies = (n: number, name: (k: number, i: number) => string, bytes: number) => copiesOf(NOW, n, name, bytes);
  const logPerDay = 200 * 1024; // 60 days of it: 12000 KiB, a multiple of 4 KiB
  const sinceB = 20;
  const dirs = new Map<string, DirChild[]>();
  dirs.set('/v/usr', [{ name: 'static.bin', bytes: 8 * MIB, mtime: NOW - 400 * DAY, dir: false, kind: null }]);
  const a = named === 'identifiable' ? copies(7, (_k, i) => `db.sql.${i + 1}.gz`, MIB) : copies(7, (k) => `db-${ymd(night(k))}.sql.gz`, MIB);
  const b = named === 'identifiable' ? copies(sinceB, (_k, i) => `site-${sinceB - i}.tar`, MIB / 2) : copies(sinceB, (k) => `site-${ymd(night(k))}.tar`, MIB / 2);
  dirs.set('/v/backups', [...a, ...b]);
  dirs.set('/v/log', [{ name: 'app.log', bytes: 60 * logPerDay, mtime: NOW - 5 * MIN, dir: false, kind: 'live logs' }]);
  let used = 0;
  for (const kids of dirs.values()) for (const c of kids) used += c.bytes;
  return { dirs, used, trueFill: trueFill(NOW, used, size) };
}

/**
 * The pattern continued from `used` bytes at `now` on a volume of `size` bytes: +200 KiB a day
 * (the log), +512 KiB each night at 02:00 (the set that never deletes; the kept one is net 0).
 * The first hour it reaches `size` (unix ms), stepped hour by hour.
 */
export function trueFill(now: number, used: number, size: number): number {
  let t = now;
  let u = used;
  while (u < size && t < now + 400 * DAY) {
    t += HOUR;
    u += (200 * 1024) / 24;
    if (new Date(t).getUTCHours() === 2) u += MIB / 2;
  }
  return t;
}

