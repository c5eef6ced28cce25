/**
 * What `forecast` says on first contact (no usage samples of the volume): text for a person (local
 * time), JSON for a script (ISO 8601 UTC), and the words `check` uses. Pure but for the time zone.
 */
import type { FirstContactReport } from '../app/firstcontact.js';
import type { BackupSet, FirstContactForecast } from '../forecast/firstcontact.js';
import { clock, effectiveFill, patternText, rate, relative, span, type NagiosState } from './forecast.js';
import { escapeName, exactName } from '../util/escape.js';
import type { GrowthDrivers } from '../store/drivers.js';
import { size } from '../util/format.js';
import { wrap } from './peak.js';

const DAY = 86_400_000;
const iso = (ms: number | null | undefined): string | null => (ms === null || ms === undefined || !Number.isFinite(ms) ? null : new Date(ms).toISOString());

/** "kept 14 days", "growing without bound", "retention unknown" */
export function retentionText(s: BackupSet): string {
  return s.retention === 'kept' ? `kept ${s.keptDays} days (${s.copies} copies)` : s.retention === 'growing' ? 'growing without bound' : 'retention unknown';
}

function cadenceText(s: BackupSet): string {
  return s.cadence === 'nightly' ? 'one a night' : s.cadence === 'weekly' ? 'one a week' : s.cadence === 'hourly' ? 'one an hour' : `one every ${span(s.cadenceMs)}`;
}

/** The fill range in words: "between 2026-12-01 ... and 2027-02-03 ..." or "not within a year". */
export function rangeText(f: FirstContactForecast, now: number): string {
  if (f.earliest === null) return 'not within a year (nothing recent grows)';
  const e = `${clock(f.earliest)} (${relative(f.earliest, now)})`;
  if (f.latest !== null && f.latest - f.earliest < 3_600_000) return `about ${e} (the fast and the slow case agree)`;
  return f.latest === null ? `from ${e} to not within a year` : `between ${e} and ${clock(f.latest)} (${relative(f.latest, now)})`;
}

/** The report as JSON: times ISO 8601 UTC. */
export function firstContactJson(r: FirstContactReport) {
  const f = r.tree.forecast;
  const sf = r.sysstat.forecast;
  return {
    mount: r.mount,
    device: r.device,
    fsType: r.fsType,
    source: 'first-contact',
    // the model's own status: the store has not enough history of the volume
    status: 'not-enough-data',
    storeSamples: r.store.samples,
    storeSince: iso(r.store.since),
    now: iso(r.now),
    sizeBytes: r.sample.usedBytes + r.sample.freeBytes,
    usedBytes: r.sample.usedBytes,
    sources: r.sources,
    tree: {
      source: r.tree.source,
      root: r.tree.root,
      time: iso(r.tree.time),
      ...(r.tree.snapshot !== undefined ? { snapshot: r.tree.snapshot } : {}),
      ...(r.tree.incomplete ? { incomplete: true } : {}),
      ...(r.tree.why !== undefined ? { why: r.tree.why } : {}),
      forecast: f && {
        label: f.label,
        asOf: iso(f.asOf),
        earliest: iso(f.earliest),
        latest: iso(f.latest),
        withinHorizon: f.earliest !== null,
        fastBytesPerDay: f.fastPerDay,
        slowBytesPerDay: f.slowPerDay,
        fastFrom: f.fastFrom,
        oldestMtime: iso(f.oldestMtime),
        sizeBytes: f.sizeBytes,
        usedBytes: f.usedBytes,
        freeBytes: f.freeBytes,
        windows: f.windows.map((w) => ({ name: w.name, seconds: w.ms / 1000, bytes: w.bytes, files: w.files, bytesPerDay: w.bytesPerDay })),
        kinds: f.kinds,
        dirs: f.dirs,
        backupSets: f.sets.map((s) => ({ ...s, cadenceSeconds: s.cadenceMs / 1000, cadenceMs: undefined, oldest: iso(s.oldest), newest: iso(s.newest) })),
        files: f.files,
        notes: f.notes,
      },
    },
    sysstat: {
      dir: r.sysstat.dir,
      files: r.sysstat.files,
      points: r.sysstat.points,
      from: iso(r.sysstat.from),
      to: iso(r.sysstat.to),
      precisionBytes: 1024 * 1024,
      forecast: sf && {
        status: sf.status,
        fillsAt: iso(sf.fillsAt),
        earliest: iso(sf.earliest),
        latest: iso(sf.latest),
        pattern: sf.pattern,
        growthBytesPerDay: sf.growthBytesPerDay,
        nextRisk: sf.nextRisk ? { ...sf.nextRisk, at: iso(sf.nextRisk.at) } : null,
        notes: sf.notes,
      },
      notes: r.sysstat.notes,
    },
    textfiles: {
      dir: r.textfiles.dir,
      points: r.textfiles.points.map((p) => ({ file: p.file, time: iso(p.t), usedBytes: p.used, sizeBytes: p.size, bytesPerDay: p.perDay, fillsAt: iso(p.fillsAt) })),
      notes: r.textfiles.notes,
    },
    history: { needs: f?.needs ?? 'sample every 5 min; a weekly pattern needs 2 weeks', trendReady: iso(r.ready.trend), weeklyReady: iso(r.ready.weekly) },
  };
}

/**
 * The report as text: local times, names escaped. `width`: the columns a row may take (the CLI:
 * 80; a longer row goes on under its value, cut at spaces); Infinity (the Forecast view, which
 * cuts its lines itself): one line a row.
 */
export function firstContactText(r: FirstContactReport, drivers: GrowthDrivers | null = null, width = Infinity): string {
  const L: string[] = [];
  const row = (k: string, s: string) => {
    const lines = 15 + s.length > width ? wrap(s, Math.max(20, width - 15)) : [s];
    lines.forEach((l, i) => L.push(`  ${(i ? '' : k).padEnd(12)} ${l}`));
  };
  const free = r.sample.freeBytes;
  const sz = r.sample.usedBytes + free;
  const why = r.store.samples ? `${r.store.samples} usage sample${r.store.samples === 1 ? '' : 's'} in the store since ${clock(r.store.since!)}, not enough for the model yet` : 'no usage samples in the store';
  const head = `${escapeName(r.mount)}  (${escapeName(r.device)}, ${escapeName(r.fsType)})  first contact`;
  if (head.length + 2 + why.length > width) L.push(head, ...wrap(why, width - 2).map((l) => `  ${l}`));
  else L.push(`${head}: ${why}`);
  row('Now', `${size(r.sample.usedBytes)} used of ${size(sz)} (${sz > 0 ? ((100 * r.sample.usedBytes) / sz).toFixed(1) : '0.0'}%), ${size(free)} free, at ${clock(r.now)}`);
  row('Sources', r.sources.length ? r.sources.join('; ') : 'none (no tree, no sysstat, no textfile)');
  const f = r.tree.forecast;
  if (f) {
    const from = r.tree.source === 'snapshot' ? `snapshot ${r.tree.snapshot} of ${clock(r.tree.time!)}` : `scan of ${clock(r.tree.time!)}`;
    row('Fills', `${rangeText(f, r.now)}  [${f.label}]`);
    row('Rates', `fast ${rate(f.fastPerDay)} (${f.fastFrom ? `the last ${f.fastFrom}'s writes` : 'backup sets'}), slow ${rate(f.slowPerDay)} (what surely grows, the rest at its average since ${f.oldestMtime !== null ? clock(f.oldestMtime) : 'the start'})`);
    row('Written', f.windows.map((w) => `last ${w.name} ${size(w.bytes)}`).join(', ') + ` (files that still exist, by modification time; ${from})`);
    if (f.kinds.length) row('By kind', f.kinds.map((k) => `${escapeName(k.name)} ${size(k.weekBytes)}/week`).join(', '));
    if (f.dirs.length) {
      row('Directories', 'written in the last week (last 30 days):');
      for (const d of f.dirs) row('', `${size(d.weekBytes).padStart(10)} (${size(d.monthBytes)})  ${escapeName(d.name)}`);
    }
    for (const s of f.sets) {
      row(
        'Backup set',
        `${escapeName(s.dir)}/${escapeName(s.pattern)}: ${s.copies} ${s.dirs ? 'directories' : 'copies'} of ~${size(s.copyBytes)}, ${cadenceText(s)}, ${retentionText(s)} (${rate(s.costPerDay)} if none were removed): ${escapeName(s.evidence)}`,
      );
    }
    for (const n of f.notes) row('Note', n);
  } else row('Tree', escapeName(r.tree.why ?? 'not read'));
  const sf = r.sysstat.forecast;
  if (sf) {
    const eff = effectiveFill(sf);
    const what = sf.status !== 'ok' ? `not enough data (${sf.notes[0] ?? 'too short'})` : eff === null ? `not filling within the horizon (${rate(sf.growthBytesPerDay)})` : `fills ${clock(eff.at)} (${relative(eff.at, r.now)}), ${patternText(sf.pattern)}, ${rate(sf.growthBytesPerDay)}`;
    row('sysstat', `${r.sysstat.points} points from ${clock(r.sysstat.from!)} to ${clock(r.sysstat.to!)} (sar -F, to 1 MiB): ${what}`);
  } else if (r.sysstat.dir !== null) row('sysstat', r.sysstat.notes[0] ?? 'too few points');
  if (drivers) {
    const per = drivers.perDay === null ? '' : ` (${rate(drivers.perDay)})`;
    row('Snapshots', `of ${escapeName(drivers.root)} from ${clock(Date.parse(drivers.from))} to ${clock(Date.parse(drivers.to))}: ${drivers.netDiskBytes >= 0 ? '+' : ''}${size(drivers.netDiskBytes)}${per}`);
    for (const x of drivers.dirs) row('', `${('+' + size(x.delta)).padStart(11)}  ${escapeName(exactName(x.path, x.pathBase64))}`);
  }
  for (const p of r.textfiles.points) {
    const at = p.fillsAt === null ? 'no fill within a year at that rate' : `fills ${clock(p.fillsAt)} at that rate`;
    row('Textfile', `${escapeName(p.file)}: ${size(p.used)} used at ${clock(p.t)}, now ${size(r.sample.usedBytes)}: ${p.perDay === null ? 'no rate (same time)' : rate(p.perDay)}; ${at} (two points)`);
  }
  for (const n of [...r.sysstat.notes.slice(sf ? 0 : 1), ...r.textfiles.notes]) row('Note', escapeName(n));
  row('History', `${f?.needs ?? 'sample every 5 min; a weekly pattern needs 2 weeks'}: sampling ${r.store.since !== null ? `since ${clock(r.store.since)}` : 'from now'} gives a trend by ${clock(r.ready.trend)}, a weekly pattern by ${clock(r.ready.weekly)}`);
  row('', 'diskblame forecast on a terminal offers to install a sampler every 5 min (a systemd timer or a crontab line); or the diskblame-sample.timer the package installs (every 15 min)');
  return L.join('\n') + '\n';
}

/**
 * `check` on first contact: WARNING only when even the slow case fills within `warnMs` (the
 * rates are lower bounds of writes but the slow one is what surely grows); never CRITICAL
 * without a history; else UNKNOWN (no history), with the range in the text.
 */
export function firstContactCheck(r: FirstContactReport, warnMs: number): { state: NagiosState; text: string } {
  const f = r.tree.forecast;
  const m = escapeName(r.mount);
  if (!f) return { state: 'UNKNOWN', text: `${m}: ${r.store.samples ? 'too few usage samples' : 'no usage samples'} (record them with diskblame sample)` };
  const range = f.earliest === null ? 'not filling within a year' : f.latest === null ? `fills from ${clock(f.earliest)} to beyond a year` : `fills between ${clock(f.earliest)} and ${clock(f.latest)}`;
  const none = r.store.samples ? 'too few usage samples' : 'no usage samples';
  if (f.latest !== null && f.latest - r.now <= warnMs) return { state: 'WARNING', text: `${m}: ${none}; first contact (${f.label}): ${range}` };
  return { state: 'UNKNOWN', text: `${m}: ${none}; first contact: ${range}` };
}

