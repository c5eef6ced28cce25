/**
 * A FIFTH held-out set of usage-history families (issue 12), written by an author who has not read
 * the model (model.ts, peaks.ts, stats.ts), with mechanisms that families.ts, families2.ts,
 * families3.ts and families4.ts do not draw, so that the model can be scored at the end on
 * histories it was never tuned on. Same trace semantics, same fairness rules, same renderer
 * (families.ts `generateTrace`): a periodic job is seen at least 3 times before the first cut, a
 * fill variant really fills, a never variant never reaches the size. Pure: no I/O, no clock.
 *
 * Fills come from the mechanism (a cap raised over the free space, a cleanup that stops, a need
 * that grows, a season that lengthens the days, demand that crosses a capacity), never from an
 * event after the first cut; the never variants look alarming (climbs that stop at a cap, piles
 * pruned by hand, a backlog that drains every night) and hold.
 *
 * - ccache_lru_cap: a compiler cache at its max_size (LRU cleanup to 80-95%), the cap raised by hand
 *   (climbs that stop); fills: max_size set above the free space, the cache grows at the build rate.
 * - docker_manual_prune: image layers and build cache piling up, `docker system prune` run by hand
 *   when someone sees the volume over a threshold; fills: the admin is gone (no prune after S).
 * - jenkins_branch_workspaces: a workspace per branch (checkout, build outputs growing), deleted by
 *   a daily cleanup after the branch is deleted; fills: the orphan cleanup breaks, or the team grows.
 * - es_ilm_indices: daily Elasticsearch indices, force-merged when warm, deleted by age (ILM);
 *   fills: the delete age is raised past what fits, or ingest grows; never: a raise that fits.
 * - backup_target_clients: a backup server, one client per weekday, K copies kept per client (the
 *   new copy written before the oldest is deleted); fills: one client's data grows, or a new client's
 *   copies pile up week by week; never: steady.
 * - crashloop_coredumps: a service crash-looping from a random time, a core per crash; fills: no cap
 *   (core_pattern to a plain directory); never: systemd-coredump's MaxUse caps it, or the loop is
 *   fixed and the cores deleted.
 * - game_server_weekends: a game server, evening and weekend play, replays kept R days and
 *   persistent world data; fills: players grow, or a season launch brings more of them.
 * - sparse_vm_disk: thin (sparse) VM disks that grow as guests write fresh blocks; fills: overcommitted
 *   (the virtual sizes exceed the volume), or the weekly fstrim stops giving blocks back; never:
 *   trimmed weekly, or thin disks that fit.
 * - ml_checkpoints: training runs writing a checkpoint every P hours, keeping the last K; fills: a run
 *   without keep_last, or final checkpoints kept while the model grows run after run.
 * - cctv_daylight: a video recorder keeping N days, recording more in daylight (latitude, season),
 *   a nightly timelapse job at a local hour (DST) whose need is the day's length; fills in spring.
 * - transcode_backlog: uploads transcoded at a fixed capacity, originals deleted when done: a
 *   backlog that drains every night; fills: demand crosses the capacity, or the transcoder slows.
 * - point_release_overlap: a mirror's point release every 8-13 weeks, the old tree kept days after
 *   the new one is synced; fills: the trees grow until an overlap does not fit.
 * - hourly_gib_5: any of these sampled hourly and rounded to whole GiB.
 *
 * Time zones (with and without daylight saving), phases, sizes, rates and noise are drawn per
 * trace; a quarter of the traces have 1-3 sampling gaps of 1-24 h (`-gaps`).
 */
import { cutsOf, type Trace } from './backtest.js';
import { DAY, HOUR } from './linear.js';
import {
  setOf, traceOf, firstCut, lastAtOrBefore, MIN, onsetsBeforeFirstCut, pickSize, profileAt, solve, WEEK,
  type Builder, type Draw, type Profile,
} from './families.js';
import { localOnsets } from './families2.js';
import { withGaps } from './families3.js';
import {
  envelopeCalm, integral, itemsSum, localToUtc, maxOf, maxScale, offsetMs, otherData, pickZone, scaleFor, traffic, VARIANT_FILL, wall,
  zoneName, type Item,
} from './families4.js';

export const FAMILY5_NAMES = [
  'ccache_lru_cap', 'docker_manual_prune', 'jenkins_branch_workspaces', 'es_ilm_indices', 'backup_target_clients',
  'crashloop_coredumps', 'game_server_weekends', 'sparse_vm_disk', 'ml_checkpoints', 'cctv_daylight', 'transcode_backlog',
  'point_release_overlap', 'hourly_gib_5',
] as const;
export type Family5Name = (typeof FAMILY5_NAMES)[number];

// ---------------------------------------------------------------------------------------------
// Building blocks

/**
 * Days from t0 to a story's turn S such that every cut of a fill `g` days after S comes `margin`
 * days or more after S (the backtest cuts at F-30d..F-1d once 7 days of history exist); null when
 * no such S exists.
 */
function turnDay(d: Draw, g: number, margin: number): number | null {
  if (g >= 31 + margin) return d.u(2, 60);
  return margin <= 5 ? d.u(1, 6.9 - margin) : null;
}

/**
 * A state simulated on a grid of `step` ms over [from, to]: `next(t, dtDays, prev)` gives the value
 * at t from the one a step before; read back by linear interpolation (clamped at both ends).
 */
function simulate(from: number, to: number, step: number, v0: number, next: (t: number, dtDays: number, v: number) => number): (t: number) => number {
  const n = Math.max(1, Math.ceil((to - from) / step));
  const v = new Float64Array(n + 1);
  v[0] = v0;
  for (let i = 1; i <= n; i++) v[i] = next(from + i * step, step / DAY, v[i - 1]!);
  return (t) => {
    const x = Math.min(Math.max((t - from) / step, 0), n);
    const i = Math.min(Math.floor(x), n - 1);
    return v[i]! + (v[i + 1]! - v[i]!) * (x - i);
  };
}

// ---------------------------------------------------------------------------------------------
// Families

/**
 * ccache (or sccache) at its max_size: builds in working hours write cache misses; over the cap an
 * LRU cleanup trims it to 80-95% of it (a fine saw). The cap is raised by hand now and then (the
 * cache climbs to the new cap at the build rate and stops). fills-cap-over-disk: at S max_size is
 * set above the free space (or to 0, unlimited) and the cache grows until the volume is full (fair:
 * 5+ days of the climb before the first cut); never-cap-raised: 1-3 raises, the last climb over 2+
 * days before the 50% cut; never-at-cap.
 */
const ccacheLruCap: Builder = (d, c) => {
  const size = pickSize(d, c);
  const z = pickZone(d);
  const kind = d.pick(['fills-cap-over-disk', 'fills-cap-over-disk', 'fills-cap-over-disk', 'never-cap-raised', 'never-cap-raised', 'never-at-cap'] as const);
  const fills = VARIANT_FILL(kind);
  const m = traffic(d, z);
  const base = otherData(d, c, size, 0.03, 0.3);
  const trim = d.u(0.8, 0.95);
  const C0 = (0.7 * size - base(c.t0)) * d.u(0.15, 0.45);
  const G = d.u(10, 150);
  const sDay = fills ? turnDay(d, G, 5) : 0;
  if (sDay === null) return null;
  const S = c.t0 + sDay * DAY;
  const F = S + G * DAY;
  const days = fills ? (F - c.t0) / DAY + 30 : d.u(45, 180);
  const end = c.t0 + (days + 1) * DAY;
  // build rate (bytes a day, traffic-shaped): fills, the climb from the cap at S to the size takes G days
  const r = fills ? (size * d.u(1.003, 1.02) - base(F) - C0 * (1 + trim) / 2) / G : C0 * d.u(0.02, 0.3);
  if (!(r > 0)) return null;
  const caps: Array<[number, number]> = [[-Infinity, C0]];
  let cap = C0, climbEnd = c.t0;
  const nRaise = kind === 'never-cap-raised' ? d.int(1, 3) : fills ? d.int(0, 2) : 0;
  for (let k = 0, at = c.t0 + d.u(1, 10) * DAY; k < nRaise; k++) {
    const next = cap * d.u(1.2, 2);
    const climb = ((next - cap) / r) * DAY;
    const limit = fills ? S - 2 * DAY : c.t0 + 0.5 * days * DAY - 3 * DAY;
    if (at + climb > limit || next + base(end) > (fills ? 0.8 : 0.9) * size) break;
    caps.push([at, next]);
    cap = next;
    climbEnd = at + climb;
    at = climbEnd + d.u(1, 20) * DAY;
  }
  if (kind === 'never-cap-raised' && caps.length === 1) return null;
  if (fills) caps.push([S, Infinity]);
  const capTimes = caps.map((x) => x[0]);
  const cache = simulate(c.t0, end, 10 * MIN, C0 * d.u(trim, 1), (t, dt, v) => {
    const x = v + r * m(t) * dt;
    const cp = caps[lastAtOrBefore(capTimes, t)]![1];
    return x > cp ? trim * cp : x;
  });
  const used = (t: number): number => base(t) + cache(t);
  if (maxOf(used, c.t0, fills ? S : end) > (fills ? 0.85 : 0.93) * size) return null;
  return {
    variant: `${kind}-${zoneName(z)}`, fills, size, days, used,
    fair: (tr) => (fills ? firstCut(tr) >= S + 5 * DAY : climbEnd + 2 * DAY <= cutsOf(tr)[0]!.cut),
  };
};

/**
 * Docker's overlay store: pulls and builds (working hours) pile up image layers and build cache over
 * the images in use (growing slowly); someone looks at the volume on some working days and runs
 * `docker system prune` when it is over a threshold (60-85%), freeing 6-25 days of the pile.
 * fills-admin-gone: no prune after S (3+ prunes before, the last 3+ days before the first cut);
 * never: the prunes go on (the tops stay under the size).
 */
const dockerManualPrune: Builder = (d, c) => {
  const size = pickSize(d, c);
  const z = pickZone(d);
  const fills = d.chance(0.6);
  const m = traffic(d, z);
  const base = otherData(d, c, size, 0.1, 0.35);
  const theta = d.u(0.6, 0.85);
  const look = d.u(0.15, 0.7); // share of working days someone looks
  const G = d.u(34, 160);
  const r = fills ? (size * (1 - theta * d.u(0.85, 1))) / G : (size * d.u(0.003, 0.03));
  const amount = Math.min(0.3 * size, r * d.u(6, 25));
  const interval = amount / r;
  const S = c.t0 + (3.5 * interval + d.u(3, 30)) * DAY;
  const days = fills ? (S - c.t0) / DAY + G + 30 : d.u(60, 200);
  const end = c.t0 + (days + 1) * DAY;
  const looks = localOnsets(c.t0, end, 0, z, [1, 2, 3, 4, 5]).filter(() => d.chance(look)).map((t) => t + d.u(9, 17) * HOUR);
  const prunes: number[] = [];
  let li = 0;
  const pile = simulate(c.t0, end, 10 * MIN, Math.max(0, theta * size - base(c.t0) - d.u(0, 1) * amount), (t, dt, v) => {
    let x = v + r * m(t) * dt;
    while (li < looks.length && looks[li]! <= t) {
      if ((!fills || looks[li]! < S) && base(t) + x > theta * size) {
        x = Math.max(0, x - amount * d.u(0.7, 1.3));
        prunes.push(looks[li]!);
      }
      li++;
    }
    return x;
  });
  const used = (t: number): number => base(t) + pile(t);
  if (maxOf(used, c.t0, fills ? S : end) > (fills ? 0.88 : 0.95) * size) return null;
  const last = prunes[prunes.length - 1] ?? -Infinity;
  return {
    variant: `${fills ? 'fills-admin-gone' : 'never'}-at${Math.round(theta * 100)}-${zoneName(z)}`, fills, size, days, used,
    fair: (tr) => !fills || (firstCut(tr) >= last + 3 * DAY && onsetsBeforeFirstCut(tr, prunes) >= 3),
  };
};

/**
 * Jenkins multibranch workspaces: branches opened in working hours (3-20 a working day), living 4-60
 * days; each has a checkout and build outputs that grow over its first days; a daily cleanup at a
 * local hour deletes the workspaces of deleted branches. fills-cleanup-broken: from S (an upgrade)
 * they stay (fair: 7+ days before the first cut); fills-team-grows: 0.5-3% more branches a day;
 * never: steady.
 */
const jenkinsBranchWorkspaces: Builder = (d, c) => {
  const size = pickSize(d, c);
  const z = pickZone(d);
  const kind = d.pick(['fills-cleanup-broken', 'fills-cleanup-broken', 'fills-team-grows', 'fills-team-grows', 'never', 'never', 'never'] as const);
  const fills = VARIANT_FILL(kind);
  const lam = d.lu(3, 20);
  const g = kind === 'fills-team-grows' ? d.u(0.005, 0.03) : d.u(0, 0.001);
  const life = d.lu(4, 20), outputs = d.lu(0.3, 4);
  const G = kind === 'fills-cleanup-broken' ? d.u(38, 160) : d.u(25, 220);
  const sDay = kind === 'fills-cleanup-broken' ? turnDay(d, G, 7) : 0;
  if (sDay === null) return null;
  const S = kind === 'fills-cleanup-broken' ? c.t0 + sDay * DAY : Infinity;
  const F = (kind === 'fills-cleanup-broken' ? sDay + G : G);
  const days = fills ? F + 30 : d.u(45, 200);
  const end = c.t0 + (days + 2) * DAY;
  const cleanAt = d.int(0, 6) * HOUR + d.pick([0, 15, 30]) * MIN;
  const cleanups = localOnsets(c.t0 - 100 * DAY, end + 100 * DAY, cleanAt, z);
  const items: Item[] = [];
  for (let day = wall(c.t0 - 90 * DAY, z).day; day <= wall(end, z).day; day++) {
    const dow = (day + 4) % 7;
    if (dow === 0 || dow === 6) continue;
    const rate = lam * Math.max(0.2, 1 + g * (day - c.t0 / DAY));
    for (let x = -Math.log(d.u(1e-9, 1)) / rate; x < 1; x += -Math.log(d.u(1e-9, 1)) / rate) {
      const start = localToUtc(day, (9 + 9 * x) * HOUR, z);
      const deleted = start + Math.min(60, life * Math.exp(0.8 * d.g())) * DAY;
      const clean = cleanups[lastAtOrBefore(cleanups, deleted) + 1]! + d.u(1, 20) * MIN;
      const del = clean >= S ? Infinity : clean;
      const w = Math.exp(0.25 * d.g());
      items.push({ start, ramp: d.lu(3 * MIN, 30 * MIN), size: w, del });
      items.push({ start: start + HOUR, ramp: Math.min(del - start - HOUR, d.lu(0.5, 5) * DAY), size: w * outputs * Math.exp(0.3 * d.g()), del });
    }
  }
  const unit = itemsSum(items);
  const base = otherData(d, c, size, 0.02, 0.3);
  const s = scaleFor(d, c, size, base, unit, fills, { fillAt: c.t0 + F * DAY, calm: kind === 'fills-cleanup-broken' ? S : c.t0 + 14 * DAY, cap: 0.92, end, lo: 0.3 });
  if (s === null) return null;
  return {
    variant: `${kind}-${zoneName(z)}`, fills, size, days,
    used: (t) => base(t) + s * unit(t),
    fair: (tr) => kind !== 'fills-cleanup-broken' || firstCut(tr) >= S + 7 * DAY,
  };
};

/**
 * Elasticsearch daily indices (rolled over at UTC midnight) on one data node: ingest is
 * traffic-shaped, an index is force-merged at W days (5-30% smaller) and deleted at N days by ILM.
 * fills-retention-raised: at S the delete age goes from N to 1.5-4 N (compliance): the level climbs
 * for the extra days, and the new level does not fit (fair: 3+ days of the climb before the first
 * cut); fills-ingest-grows: 0.4-3% a day; never-retention-raised: the new level fits (the climb is
 * over 2+ days before the 50% cut); never-steady.
 */
const esIlmIndices: Builder = (d, c) => {
  const size = pickSize(d, c);
  const z = pickZone(d);
  const kind = d.pick(['fills-retention-raised', 'fills-retention-raised', 'fills-ingest-grows', 'fills-ingest-grows', 'never-retention-raised', 'never-steady', 'never-steady'] as const);
  const fills = VARIANT_FILL(kind);
  const m = traffic(d, z);
  const N1 = d.int(5, 30);
  const raised = kind.endsWith('retention-raised');
  const N2 = raised ? Math.min(180, Math.round(N1 * d.u(1.5, 4))) : N1;
  const W = d.int(1, Math.min(5, N1 - 1)), f = d.u(0.05, 0.3);
  const gi = kind === 'fills-ingest-grows' ? d.u(0.004, 0.03) : d.u(0, 0.001);
  const G = raised && fills ? d.u(3, 0.95 * (N2 - N1)) : d.u(25, 220);
  const sDay = raised ? (fills ? turnDay(d, G, 3) : d.u(3, 30)) : 0;
  if (sDay === null) return null;
  const S = raised ? c.t0 + sDay * DAY : Infinity;
  const F = raised ? sDay + G : G;
  const days = fills ? F + 30 : Math.max(d.u(45, 180), 2 * (sDay + N2 - N1 + 4));
  const end = c.t0 + (days + 2) * DAY;
  const J = integral((t) => m(t) * Math.max(0.2, 1 + (gi * (t - c.t0)) / DAY), c.t0 - (N2 + 10) * DAY, end);
  const dDel = d.u(1, 10) * MIN, dMerge = d.u(0.5, 6) * HOUR;
  const kS = Math.floor((S - dDel) / DAY) - N1;
  const unit = (t: number): number => {
    let kmin = Math.floor((t - dDel) / DAY) - N1;
    if (t >= S) kmin = Math.max(kS, Math.floor((t - dDel) / DAY) - N2);
    const from = J(kmin * DAY);
    const merged = Math.max(0, J(Math.max(kmin, Math.floor((t - dMerge) / DAY) - W) * DAY) - from);
    return J(t) - from - f * merged;
  };
  const base = otherData(d, c, size, 0.02, 0.2);
  let s: number | null;
  if (kind === 'never-retention-raised') {
    s = maxScale(0.93 * size, base, unit, c.t0, end) * d.u(0.8, 0.98);
    if (!(s > 0) || maxOf((t) => base(t) + s! * unit(t), c.t0, S) > 0.8 * size) return null;
  } else {
    s = scaleFor(d, c, size, base, unit, fills, { fillAt: c.t0 + F * DAY, calm: raised ? S : c.t0 + 14 * DAY, cap: 0.93, end, lo: 0.3 });
  }
  if (s === null) return null;
  const sc = s;
  const climbEnd = S + (N2 - N1) * DAY;
  return {
    variant: `${kind}-${N1}d${raised ? `-to${N2}d` : ''}-${zoneName(z)}`, fills, size, days,
    used: (t) => base(t) + sc * unit(t),
    fair: (tr) => (kind === 'fills-retention-raised' ? firstCut(tr) >= S + 3 * DAY : kind !== 'never-retention-raised' || climbEnd + 2 * DAY <= cutsOf(tr)[0]!.cut),
  };
};

/**
 * A backup server: 3-7 clients, each backed up on its own weekday at a local evening hour, K (1-4)
 * copies kept per client, the new copy written (1-10 h) before the oldest is deleted: a weekly
 * pattern of different heights. fills-client-grows: one client's data grows 0.4-3% a day (its
 * weekday's top fills; fair: 4 of its backups before the first cut); fills-client-added: a new
 * client from S keeps K' (3-8) copies: a step a week, the volume full at the j-th (fair: 2 of its
 * backups seen); never: steady.
 */
const backupTargetClients: Builder = (d, c) => {
  const size = pickSize(d, c);
  const z = pickZone(d);
  const kind = d.pick(['fills-client-grows', 'fills-client-grows', 'fills-client-added', 'fills-client-added', 'never', 'never', 'never'] as const);
  const fills = VARIANT_FILL(kind);
  const n = d.int(3, 7);
  const dows = [0, 1, 2, 3, 4, 5, 6].map((x) => [x, d.u(0, 1)] as const).sort((a, b) => a[1] - b[1]).map((x) => x[0]);
  const added = kind === 'fills-client-added';
  const j = added ? d.int(3, 8) : 0;
  const Kn = added ? d.int(j, 8) : 0;
  const sDay = added ? (7 * j >= 39 ? d.u(3, 50) : d.u(2, Math.max(2.5, 36 - 7 * j))) : 0;
  const S = c.t0 + sDay * DAY;
  const grower = d.int(0, n - 1);
  const F = added ? sDay + 7 * j : d.u(30, 220);
  const days = fills ? F + 30 : d.u(45, 200);
  const end = c.t0 + (days + 2) * DAY;
  const items: Item[] = [];
  const starts: number[][] = [];
  const clients = n + (added ? 1 : 0);
  for (let i = 0; i < clients; i++) {
    const isNew = added && i === n;
    const K = isNew ? Kn : d.int(1, 4);
    const sz = Math.exp(0.7 * d.g());
    const g = kind === 'fills-client-grows' && i === grower ? d.u(0.004, 0.03) : d.u(0, 0.001);
    const at = d.pick([18, 19, 20, 21, 22, 23, 0, 1, 2]) * HOUR + d.pick([0, 15, 30]) * MIN;
    const ramp = Math.max(0.5 * c.minPeakMs, d.lu(HOUR, 10 * HOUR));
    const runs = localOnsets(isNew ? S : c.t0 - 5 * WEEK, end, at, z, [dows[i % 7]!]);
    starts.push(runs);
    runs.forEach((t, k) => {
      const later = runs[k + K];
      items.push({ start: t, ramp, size: sz * Math.max(0.2, 1 + (g * (t - c.t0)) / DAY) * (1 + 0.02 * d.g()), del: later === undefined ? Infinity : later + ramp + d.u(1, 10) * MIN });
    });
  }
  const unit = itemsSum(items);
  const base = otherData(d, c, size, 0.02, 0.25);
  const newRuns = added ? starts[n]! : [];
  const fillAt = added ? newRuns[j - 1]! + 12 * HOUR : c.t0 + F * DAY;
  if (added && newRuns.length < j) return null;
  const s = scaleFor(d, c, size, base, unit, fills, { fillAt, calm: added ? S : c.t0 + 14 * DAY, cap: 0.93, end, lo: 0.4 });
  if (s === null) return null;
  return {
    variant: `${kind}-${n}clients-${zoneName(z)}`, fills, size, days,
    used: (t) => base(t) + s * unit(t),
    fair: (tr) => {
      if (added) return onsetsBeforeFirstCut(tr, newRuns.map((t) => t + 11 * HOUR)) >= 2;
      return kind !== 'fills-client-grows' || onsetsBeforeFirstCut(tr, starts[grower]!) >= 4;
    },
  };
};

/**
 * A service crash-looping from S: a crash every 5 min-6 h (lognormal), a core of about the
 * process's size each (written in 10 s-3 min). fills-no-cap: core_pattern writes to a plain
 * directory, nothing deletes them (fair: 2+ days of the loop before the first cut);
 * never-maxuse: systemd-coredump vacuums the oldest over MaxUse (5-30% of the size; the cap reached
 * 2+ days before the 50% cut); never-fixed: the loop is fixed after 0.5-10 days and the cores
 * deleted by hand days later (a share kept).
 */
const crashloopCoredumps: Builder = (d, c) => {
  const size = pickSize(d, c);
  const kind = d.pick(['fills-no-cap', 'fills-no-cap', 'fills-no-cap', 'never-maxuse', 'never-fixed', 'never-fixed'] as const);
  const fills = VARIANT_FILL(kind);
  const mu = d.lu(5 * MIN, 6 * HOUR);
  const G = d.lu(4, 150);
  const daysN = d.u(45, 160);
  const sDay = fills ? turnDay(d, G, 2) : d.u(1, 0.3 * daysN);
  if (sDay === null) return null;
  const S = c.t0 + sDay * DAY;
  const E = d.u(0.5, 10);
  const stop = kind === 'never-fixed' ? S + E * DAY : Infinity;
  const days = fills ? sDay + G + 30 : daysN;
  const end = c.t0 + (days + 2) * DAY;
  const items: Item[] = [];
  for (let t = S; t < Math.min(stop, end); t += mu * Math.exp(0.5 * d.g())) {
    items.push({ start: t, ramp: d.lu(10_000, 3 * MIN), size: Math.exp(0.25 * d.g()), del: Infinity });
  }
  if (items.length < 5) return null;
  const W = itemsSum(items);
  const base = otherData(d, c, size, 0.03, 0.5);
  if (fills) {
    const s = scaleFor(d, c, size, base, W, true, { fillAt: S + G * DAY, calm: S, cap: 1, end, lo: 1 });
    if (s === null) return null;
    return { variant: `${kind}-every${Math.round(mu / MIN)}min`, fills, size, days, used: (t) => base(t) + s * W(t), fair: (tr) => firstCut(tr) >= S + 2 * DAY };
  }
  let extra: (t: number) => number;
  let over: number;
  if (kind === 'never-maxuse') {
    const climb = d.lu(0.5, 10) * DAY;
    const Ncap = Math.max(3, climb / mu);
    const s = (size * d.u(0.05, 0.3)) / Ncap;
    extra = (t) => {
      const w = W(t);
      return s * (w <= Ncap ? w : Ncap - 1 + ((w - Ncap) % 1));
    };
    over = S + climb;
  } else {
    const delAt = stop + d.u(0.5, 10) * DAY, kept = d.chance(0.5) ? 0 : d.u(0, 0.3);
    const s = (size * d.u(0.1, 0.6)) / W(stop);
    extra = (t) => s * W(t) * (t >= delAt ? kept : 1);
    over = delAt;
  }
  const used = (t: number): number => base(t) + extra(t);
  if (maxOf(used, c.t0, end) > 0.93 * size || !envelopeCalm(used, c.t0, end, size)) return null;
  return {
    variant: `${kind}-every${Math.round(mu / MIN)}min`, fills, size, days, used,
    fair: (tr) => over + 2 * DAY <= cutsOf(tr)[0]!.cut,
  };
};

/**
 * A game server: play in the local evening (18-24 h) and on weekends (Friday evening to Sunday,
 * 1.5-4x), replays and logs kept R (3-14) days, world and player data kept (a share of the play).
 * fills-players-grow: 0.5-3% more players a day (the weekend top fills first); fills-season-launch:
 * at S a new season brings 1.5-3x the players (fair: 7+ days before the first cut); never: steady.
 * Fair: 3 weekends seen before the first cut.
 */
const gameServerWeekends: Builder = (d, c) => {
  const size = pickSize(d, c);
  const z = pickZone(d);
  const kind = d.pick(['fills-players-grow', 'fills-players-grow', 'fills-season-launch', 'fills-season-launch', 'never', 'never', 'never'] as const);
  const fills = VARIANT_FILL(kind);
  const peakH = d.u(19, 23), sd = d.u(1.5, 3.5), wk = d.u(1.5, 4), day0 = d.u(0.05, 0.4);
  const R = d.int(3, 14), alpha = d.lu(0.005, 0.2);
  const g = kind === 'fills-players-grow' ? d.u(0.005, 0.03) : d.u(0, 0.001);
  const jump = d.u(1.5, 3);
  const G = kind === 'fills-season-launch' ? d.u(38, 160) : d.u(25, 220);
  const sDay = kind === 'fills-season-launch' ? turnDay(d, G, 7) : 0;
  if (sDay === null) return null;
  const S = kind === 'fills-season-launch' ? c.t0 + sDay * DAY : Infinity;
  const F = kind === 'fills-season-launch' ? sDay + G : G;
  const days = fills ? F + 30 : d.u(45, 200);
  const end = c.t0 + (days + 2) * DAY;
  const play = (t: number): number => {
    const w = wall(t, z);
    const h = w.ms / HOUR;
    const dh = Math.min(Math.abs(h - peakH), 24 - Math.abs(h - peakH));
    const weekend = w.dow === 6 || w.dow === 0 || (w.dow === 5 && h >= 17) ? wk : 1;
    const players = Math.max(0.2, 1 + (g * (t - c.t0)) / DAY) * (t >= S ? jump : 1);
    return players * weekend * (day0 + Math.exp(-(dh * dh) / (2 * sd * sd)));
  };
  const J = integral(play, c.t0 - (R + 2) * DAY, end);
  const saturdays = localOnsets(c.t0, end, 23 * HOUR, z, [6]);
  const unit = (t: number): number => J(t) - J(t - R * DAY) + alpha * (J(t) - J(c.t0));
  const base = otherData(d, c, size, 0.03, 0.4);
  const s = scaleFor(d, c, size, base, unit, fills, { fillAt: c.t0 + F * DAY, calm: kind === 'fills-season-launch' ? S : c.t0 + 14 * DAY, cap: 0.93, end, lo: 0.4 });
  if (s === null) return null;
  return {
    variant: `${kind}-keep${R}d-${zoneName(z)}`, fills, size, days,
    used: (t) => base(t) + s * unit(t),
    fair: (tr) => !fills || (onsetsBeforeFirstCut(tr, saturdays) >= 3 && (kind !== 'fills-season-launch' || firstCut(tr) >= S + 7 * DAY)),
  };
};

/**
 * Thin (sparse) VM disks: 2-12 guests write at traffic-shaped rates; a write lands on a block never
 * written before with the chance that the block is still unallocated, so each disk's allocation
 * climbs towards its virtual size V and slows down. A weekly fstrim (Monday 00:00 local + up to
 * 100 min) gives the blocks the guest has freed back (down to its real data).
 * fills-overcommit: the virtual sizes exceed the free space, no trim; fills-trim-disabled: the trim
 * stops at S, 22-60 days in (fair: 10+ days before the first cut); never-trimmed; never-thin-fits (the virtual
 * sizes fit, the climb levels off).
 */
const sparseVmDisk: Builder = (d, c) => {
  const size = pickSize(d, c);
  const z = pickZone(d);
  const kind = d.pick(['fills-overcommit', 'fills-overcommit', 'fills-trim-disabled', 'fills-trim-disabled', 'never-trimmed', 'never-trimmed', 'never-thin-fits'] as const);
  const fills = VARIANT_FILL(kind);
  const m = traffic(d, z);
  const base = otherData(d, c, size, 0.02, 0.2);
  const b = base(c.t0);
  const n = d.int(2, 12);
  const shares = Array.from({ length: n }, () => Math.exp(0.6 * d.g()));
  const tot = shares.reduce((a, x) => a + x, 0);
  const sumV = kind === 'never-thin-fits' ? (0.93 * size - b) * d.u(0.6, 0.98) : (size - b) * d.u(1.15, 2.5);
  const V = shares.map((x) => (x / tot) * sumV);
  const real = V.map(() => d.u(0.15, 0.5));
  const gd = d.u(0, 0.002);
  const w = V.map(() => d.lu(0.3, 3)); // relative write rates
  const trims = kind === 'never-trimmed' || kind === 'fills-trim-disabled';
  const G = kind === 'fills-trim-disabled' ? d.u(41, 180) : d.u(25, 220);
  // fills-trim-disabled: 3+ weekly trims before S, and S 10+ days before the first cut (G >= 41)
  const sDay = kind === 'fills-trim-disabled' ? d.u(22, 60) : 0;
  const S = kind === 'fills-trim-disabled' ? c.t0 + sDay * DAY : Infinity;
  const F = kind === 'fills-trim-disabled' ? sDay + G : G;
  const days = fills ? F + 30 : d.u(45, 200);
  const end = c.t0 + (days + 2) * DAY;
  const trimTimes = trims ? localOnsets(c.t0 - 8 * DAY, end, 0, z, [1]).map((t) => t + d.u(0, 100) * MIN).filter((t) => t < S) : [];
  const J = integral(m, c.t0 - 8 * DAY, end);
  const D = (i: number, t: number): number => V[i]! * real[i]! * (1 + (gd * (t - c.t0)) / DAY);
  const a0 = V.map((v, i) => Math.min(v, v * real[i]! * d.u(1, trims ? 1.3 : 1.8)));
  if (a0.reduce((a, x) => a + x, 0) + b > 0.75 * size) return null;
  const alloc = (lam: number, t: number): number => {
    const k = lastAtOrBefore(trimTimes, t);
    const from = k >= 0 ? trimTimes[k]! : c.t0 - 8 * DAY;
    const x = J(t) - J(from);
    let a = 0;
    for (let i = 0; i < n; i++) {
      const start = k >= 0 ? D(i, from) : a0[i]!;
      a += V[i]! - (V[i]! - start) * Math.exp((-lam * w[i]! * x) / V[i]!);
    }
    return a;
  };
  let lam: number;
  if (fills) {
    const tF = c.t0 + F * DAY, target = size * d.u(1.003, 1.02) - base(tF);
    lam = solve((l) => alloc(l, tF) - target, 0, sumV * 50);
    if (!Number.isFinite(lam)) return null;
  } else if (kind === 'never-trimmed') {
    lam = sumV * d.lu(0.003, 0.1);
  } else {
    lam = sumV * d.lu(0.01, 0.1);
  }
  const used = (t: number): number => base(t) + alloc(lam, t);
  if (fills && maxOf(used, c.t0, Number.isFinite(S) ? S : c.t0 + 14 * DAY) > 0.85 * size) return null;
  if (!fills && (maxOf(used, c.t0, end) > 0.93 * size || !envelopeCalm(used, c.t0, end, size))) return null;
  return {
    variant: `${kind}-${n}vms-${zoneName(z)}`, fills, size, days, used,
    fair: (tr) => kind !== 'fills-trim-disabled' || firstCut(tr) >= S + 10 * DAY,
  };
};

/**
 * ML training: runs of 1-10 days with idle gaps, a checkpoint every 0.5-6 h (written in 2-20 min),
 * the last K (2-8) kept (the oldest deleted once the new one is written); at the end of a run a
 * final export (a third of a checkpoint) stays and the checkpoints are cleaned up within two days.
 * fills-no-keep-last: a run from S keeps every checkpoint (fair: 2+ days before the first cut);
 * fills-bigger-model: each run's model is 3-15% larger and the exports are kept (fair: 4 runs
 * before the first cut); never: same model size, exports moved away after 1-3 days.
 */
const mlCheckpoints: Builder = (d, c) => {
  const size = pickSize(d, c);
  const kind = d.pick(['fills-no-keep-last', 'fills-no-keep-last', 'fills-bigger-model', 'fills-bigger-model', 'never', 'never', 'never'] as const);
  const fills = VARIANT_FILL(kind);
  const P = Math.max(c.minPeakMs, d.lu(0.5 * HOUR, 6 * HOUR));
  const K = d.int(2, 8);
  const meanRun = d.lu(1, 10);
  const gamma = kind === 'fills-bigger-model' ? d.u(0.03, 0.15) : 0;
  const G = d.lu(4, 150);
  const sDay = kind === 'fills-no-keep-last' ? turnDay(d, G, 2) : 0;
  if (sDay === null) return null;
  const S = kind === 'fills-no-keep-last' ? c.t0 + sDay * DAY : Infinity;
  const F = kind === 'fills-no-keep-last' ? sDay + G : d.u(25, 220);
  const days = fills ? F + 30 : d.u(45, 200);
  const end = c.t0 + (days + 2) * DAY;
  const items: Item[] = [];
  const runStarts: number[] = [];
  let C = 1;
  for (let start = c.t0 - d.u(0, 5) * DAY; start < end;) {
    // the unbounded run starts at S (a run in progress is stopped there)
    const unlimited = start >= S;
    const len = unlimited ? Infinity : Math.max(P * 3, meanRun * Math.exp(0.5 * d.g()) * DAY);
    const runEnd = Math.min(start + len, S > start ? S : Infinity, end + DAY);
    runStarts.push(start);
    const ramp = d.lu(2 * MIN, 20 * MIN);
    const ck: number[] = [];
    for (let x = start + P; x < runEnd; x += P) ck.push(x);
    const cleanup = runEnd + d.lu(HOUR, 2 * DAY);
    ck.forEach((x, k) => {
      const later = ck[k + K];
      const del = unlimited ? Infinity : later !== undefined ? later + ramp + MIN : cleanup;
      items.push({ start: x, ramp, size: C, del });
    });
    if (!unlimited) items.push({ start: runEnd, ramp, size: C / 3, del: gamma > 0 ? Infinity : runEnd + d.u(1, 3) * DAY });
    C *= 1 + gamma * (1 + 0.2 * d.g());
    start = runEnd === S ? S : runEnd + d.lu(0.1, 3) * DAY;
    if (start > S && runEnd < S) start = S;
  }
  const unit = itemsSum(items);
  const base = otherData(d, c, size, 0.05, 0.4);
  const s = scaleFor(d, c, size, base, unit, fills, { fillAt: c.t0 + F * DAY, calm: Number.isFinite(S) ? S : runStarts[lastAtOrBefore(runStarts, c.t0) + 2] ?? c.t0, cap: 0.93, end, lo: 0.3 });
  if (s === null) return null;
  return {
    variant: `${kind}-every${Math.round(P / MIN)}min-keep${K}`, fills, size, days,
    used: (t) => base(t) + s * unit(t),
    fair: (tr) => (kind === 'fills-no-keep-last' ? firstCut(tr) >= S + 2 * DAY : kind !== 'fills-bigger-model' || onsetsBeforeFirstCut(tr, runStarts) >= 4),
  };
};

/** Hours of daylight at unix ms t at latitude `lat` degrees (negative: south). */
function dayLength(t: number, lat: number): number {
  const doy = (t - Date.UTC(new Date(t).getUTCFullYear(), 0, 1)) / DAY;
  const decl = (-23.44 * Math.PI / 180) * Math.cos((2 * Math.PI * (doy + 10)) / 365.24);
  const x = -Math.tan((lat * Math.PI) / 180) * Math.tan(decl);
  return (2 * Math.acos(Math.min(1, Math.max(-1, x))) * 12) / Math.PI;
}

/**
 * A video recorder (NVR): cameras record on motion, more in daylight (latitude 30-62 degrees north
 * or south, dawn and dusk over 40 min), a night rate of 10-60%, cloudy days lighter; recordings kept
 * N (7-60) days, so the level follows the season's day length. A nightly timelapse job at a local
 * hour (DST) renders yesterday's daylight (a transient need of its length) and keeps a small
 * archive. fills: the days lengthen in spring (the level and the nightly peaks rise until one does
 * not fit); never: headroom (the envelope calm).
 */
const cctvDaylight: Builder = (d, c) => {
  const size = pickSize(d, c);
  const z = d.chance(0.7) ? d.pick([{ rule: 'eu', std: 1 }, { rule: 'eu', std: 0 }, { rule: 'eu', std: 2 }, { rule: 'us', std: -5 }, { rule: 'us', std: -8 }] as const) : pickZone(d);
  const fills = d.chance(0.65);
  const lat = d.u(30, 62) * (d.chance(0.2) ? -1 : 1);
  const rho = d.u(0.1, 0.6), N = d.int(7, 60);
  const noon = d.u(11.5, 13) * HOUR;
  const arch = d.lu(0.002, 0.03);
  const F = d.u(25, 250);
  const days = fills ? F + 30 : d.u(45, 200);
  const end = c.t0 + (days + 2) * DAY;
  const day0 = wall(c.t0, z).day - N - 3;
  const cloud = Array.from({ length: Math.ceil(days) + N + 10 }, () => Math.exp(0.2 * d.g()));
  const light = (t: number): number => {
    const w = wall(t, z);
    const solar = w.ms - noon - (offsetMs(t, z) - z.std * HOUR);
    const half = (dayLength(t, lat) / 2) * HOUR;
    const edge = 20 * MIN;
    return Math.min(1, Math.max(0, (half - Math.abs(solar) + edge) / (2 * edge)));
  };
  const rate = (t: number): number => (cloud[wall(t, z).day - day0] ?? 1) * (rho + (1 - rho) * light(t));
  const J = integral(rate, c.t0 - (N + 2) * DAY, end);
  const at = d.pick([1, 2, 3]) * HOUR + d.pick([0, 15, 30]) * MIN;
  const h = d.u(0.02, 0.1) * N;
  const prof: Profile = { ramp: Math.max(c.minPeakMs * 0.6, d.lu(20 * MIN, 2 * HOUR)), hold: d.lu(5 * MIN, 40 * MIN), decay: d.lu(2 * MIN, 10 * MIN) };
  const runs = localOnsets(c.t0 - DAY, end, at, z).map((t) => ({ t, h: (h * dayLength(t - DAY, lat)) / 12 }));
  const runT = runs.map((r) => r.t);
  const unit = (t: number): number => {
    let u = J(t) - J(t - N * DAY) + arch * (J(t) - J(c.t0));
    const i = lastAtOrBefore(runT, t);
    if (i >= 0) u += runs[i]!.h * profileAt(prof, t - runT[i]!);
    return u;
  };
  const base = otherData(d, c, size, 0.02, 0.3);
  const s = scaleFor(d, c, size, base, unit, fills, { fillAt: c.t0 + F * DAY, calm: c.t0 + Math.min(0.5 * F, 30) * DAY, cap: 0.93, end, lo: 0.4, span: 21 * DAY });
  if (s === null) return null;
  return {
    variant: `${fills ? 'fills' : 'never'}-keep${N}d-lat${Math.round(lat)}-${zoneName(z)}`, fills, size, days,
    used: (t) => base(t) + s * unit(t),
    fair: (tr) => !fills || onsetsBeforeFirstCut(tr, runT.filter((t) => t >= c.t0)) >= 7,
  };
};

/**
 * A video platform's transcoding spool: uploads (traffic-shaped, local) wait as originals until a
 * transcoder working at a fixed capacity has done them, then are deleted; the outputs (5-50% of an
 * original) are kept on the origin for 3-30 days. The daily peak of uploads makes a backlog that drains at night.
 * fills-demand-grows: uploads grow past the capacity (crossing it on day 5-60): the backlog stops draining (fair:
 * 10+ days of it before the first cut); fills-transcoder-slower: at S a codec change cuts the
 * capacity below the demand (fair: 4+ days before the first cut); never: the capacity holds.
 */
const transcodeBacklog: Builder = (d, c) => {
  const size = pickSize(d, c);
  const z = pickZone(d);
  const kind = d.pick(['fills-demand-grows', 'fills-demand-grows', 'fills-transcoder-slower', 'fills-transcoder-slower', 'never', 'never', 'never'] as const);
  const fills = VARIANT_FILL(kind);
  const m = traffic(d, z);
  const eps = d.u(0.05, 0.5), R = d.int(3, 30);
  const K0 = fills ? d.u(1.15, 3) : d.u(1.5, 3.5); // capacity, in days of mean demand a day
  const X = d.u(5, 60); // fills-demand-grows: the day the mean demand crosses the capacity
  const g = kind === 'fills-demand-grows' ? (K0 - 1) / X : d.u(0, 0.0005);
  const G = kind === 'fills-demand-grows' ? X + d.u(15, 150) : d.u(20, 200);
  const sDay = kind === 'fills-transcoder-slower' ? turnDay(d, G, 4) : 0;
  if (sDay === null) return null;
  const S = kind === 'fills-transcoder-slower' ? c.t0 + sDay * DAY : Infinity;
  const K1 = K0 * d.u(0.2, 0.6);
  if (kind === 'fills-transcoder-slower' && K1 > 0.85) return null;
  const F = kind === 'fills-transcoder-slower' ? sDay + G : G;
  const days = fills ? F + 30 : d.u(45, 200);
  const end = c.t0 + (days + 2) * DAY;
  const demand = (t: number): number => m(t) * Math.max(0.2, 1 + (g * (t - c.t0)) / DAY);
  let done = 0;
  const cum: number[] = [0];
  const step = 10 * MIN;
  const Q = simulate(c.t0, end, step, 0, (t, dt, q) => {
    const cap = t >= S ? K1 : K0;
    const x = q + demand(t) * dt;
    const now = Math.min(x, cap * dt);
    done += now;
    cum.push(done);
    return x - now;
  });
  const P = (t: number): number => cum[Math.min(cum.length - 1, Math.max(0, Math.floor((t - c.t0) / step)))]!;
  // the outputs stay on the origin R days (those of the days before the history: at the first day's rate)
  const unit = (t: number): number => Q(t) + eps * (P(t) - P(t - R * DAY) + Math.max(0, c.t0 + R * DAY - t) / DAY * Math.min(1, K0));
  // the first day the backlog no longer drains
  let stuck = Infinity;
  for (let t = c.t0 + DAY; t < end; t += DAY) {
    let low = Infinity;
    for (let x = t - DAY; x < t; x += 30 * MIN) low = Math.min(low, Q(x));
    if (low > 0.05) { stuck = t - DAY; break; }
  }
  const base = otherData(d, c, size, 0.03, 0.4);
  const s = scaleFor(d, c, size, base, unit, fills, { fillAt: c.t0 + F * DAY, calm: Math.min(stuck, S, c.t0 + F * DAY), cap: 0.93, end, lo: 0.3 });
  if (s === null) return null;
  if (!fills && Number.isFinite(stuck) && stuck < end) return null;
  return {
    variant: `${kind}-${zoneName(z)}`, fills, size, days,
    used: (t) => base(t) + s * unit(t),
    fair: (tr) => {
      if (kind === 'fills-transcoder-slower') return firstCut(tr) >= S + 4 * DAY;
      return kind !== 'fills-demand-grows' || firstCut(tr) >= stuck + 10 * DAY;
    },
  };
};

/**
 * A distribution mirror's point releases: every 8-13 weeks (a Saturday, 10:00-16:00 local, a week
 * early or late at times) the new release tree is synced (2-12 h) and the old one kept 1-21 days
 * more for the clients still on it: an overlap of both trees every release; nightly updates synced
 * and superseded packages deleted 1-3 days later. fills: each release's tree is 3-15% larger, the
 * overlap of the 4th-7th release in the history does not fit (fair: 3 releases before the first
 * cut); never: trees that grow 0-3% and fit.
 */
const pointReleaseOverlap: Builder = (d, c) => {
  const size = pickSize(d, c);
  const z = pickZone(d);
  const fills = d.chance(0.65);
  const periodD = 7 * d.int(8, 13);
  const keep = d.u(1, 21) * DAY;
  const gamma = fills ? d.u(0.03, 0.15) : d.u(0, 0.03);
  const daysN = d.u(120, 400);
  const day0 = wall(c.t0, z).day + d.int(0, periodD - 1);
  const rel: number[] = [];
  for (let k = -1; k < 12; k++) {
    const day = day0 + k * periodD + 7 * (d.chance(0.2) ? d.pick([-1, 1]) : 0);
    rel.push(localToUtc(day + ((6 - ((day + 4) % 7) + 7) % 7), d.u(10, 16) * HOUR, z));
  }
  const K = d.int(4, 7); // index in rel (rel[0] is before the history)
  if (fills && rel[K]! - c.t0 > 400 * DAY) return null;
  const days = fills ? (rel[K]! - c.t0) / DAY + 30 : daysN;
  const end = c.t0 + (days + 2) * DAY;
  const items: Item[] = [];
  const ramps = rel.map(() => Math.max(c.minPeakMs, d.lu(2 * HOUR, 12 * HOUR)));
  rel.forEach((t, k) => {
    const next = rel[k + 1];
    items.push({ start: t, ramp: ramps[k]!, size: (1 + gamma) ** k * (1 + 0.02 * d.g()), del: next === undefined ? Infinity : next + ramps[k + 1]! + keep });
  });
  const upd = d.u(0.002, 0.02), keepUpd = d.u(1, 3) * DAY, at = d.int(0, 23) * HOUR;
  for (const t of localOnsets(c.t0 - 5 * DAY, end, at, z)) items.push({ start: t, ramp: d.lu(5 * MIN, HOUR), size: upd * Math.exp(0.4 * d.g()), del: t + keepUpd });
  const unit = itemsSum(items);
  const base = otherData(d, c, size, 0.02, 0.3);
  const s = scaleFor(d, c, size, base, unit, fills, { fillAt: rel[K]! + ramps[K]! + HOUR, calm: rel[2]!, calmMax: 0.8, cap: 0.93, end, lo: 0.4, span: periodD * DAY });
  if (s === null) return null;
  const inHistory = rel.filter((t) => t >= c.t0);
  return {
    variant: `${fills ? 'fills' : 'never'}-every${periodD / 7}w-overlap${Math.round(keep / DAY)}d-${zoneName(z)}`, fills, size, days,
    used: (t) => base(t) + s * unit(t),
    fair: (tr) => !fills || onsetsBeforeFirstCut(tr, inHistory) >= 3,
  };
};

const BUILDERS5: Record<Exclude<Family5Name, 'hourly_gib_5'>, Builder> = {
  ccache_lru_cap: ccacheLruCap,
  docker_manual_prune: dockerManualPrune,
  jenkins_branch_workspaces: jenkinsBranchWorkspaces,
  es_ilm_indices: esIlmIndices,
  backup_target_clients: backupTargetClients,
  crashloop_coredumps: crashloopCoredumps,
  game_server_weekends: gameServerWeekends,
  sparse_vm_disk: sparseVmDisk,
  ml_checkpoints: mlCheckpoints,
  cctv_daylight: cctvDaylight,
  transcode_backlog: transcodeBacklog,
  point_release_overlap: pointReleaseOverlap,
};

/** Shapes hourly_gib_5 samples hourly in whole GiB. */
const HOURLY5: ReadonlyArray<Exclude<Family5Name, 'hourly_gib_5'>> = [
  'ccache_lru_cap', 'docker_manual_prune', 'jenkins_branch_workspaces', 'es_ilm_indices', 'backup_target_clients',
  'crashloop_coredumps', 'game_server_weekends', 'sparse_vm_disk', 'ml_checkpoints', 'cctv_daylight', 'transcode_backlog',
  'point_release_overlap',
];

/**
 * One trace of a fifth-set family, deterministic in (name, seed); `name` is
 * `fam5-<family>-<variant>-<seed>`. Throws Error on an unknown family.
 */
export const family5Trace: (name: Family5Name, seed: number) => Trace = traceOf(FAMILY5_NAMES, BUILDERS5, {
  offset: 4000, prefix: 'fam5', hourly: { name: 'hourly_gib_5', shapes: HOURLY5 }, wrap: withGaps,
});

/** `perFamily` traces of every fifth-set family: seeds seed, seed+1, ... */
export function family5Set(seed: number, perFamily: number): Trace[] {
  return setOf(FAMILY5_NAMES, family5Trace, seed, perFamily);
}

/** Exposed for the sanity tests. */
export const _five = { dayLength, turnDay, simulate };
