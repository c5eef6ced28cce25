/**
 * The fleet bench's data (issue 14): 1,000 volumes (250 instances x 4 mount points, plus a tmpfs
 * /run on each that the fleet's fstype rule must skip) x 30 days at a 5-minute scrape, in
 * node_exporter's names and labels, as Prometheus TSDB blocks built once with
 * `promtool tsdb create-blocks-from openmetrics` and reused while their key file matches.
 *
 * Each volume's history is a 30-day window of a trace from the model's generators
 * (src/forecast/synth.ts and families*.ts, so the fleet holds every pattern the model knows and
 * the held-out shapes), cut somewhere before it fills and sampled on the instance's scrape grid.
 * The OpenMetrics text (~5 GB) is written by the harness' writer (test/helpers/prometheus.ts) in
 * 1 MiB pieces, one file per block range, from the volumes' samples held as Float64Arrays
 * (~350 MB); it is deleted once the blocks are made.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createBlocks, writeOpenMetrics, type VolumeSeries } from '../test/helpers/prometheus.js';
import type { Trace } from '../src/forecast/backtest.js';
import { synthTrace, SYNTH_PATTERNS, rng } from '../src/forecast/synth.js';
import { familyTrace, FAMILY_NAMES } from '../src/forecast/families.js';
import { family2Trace, FAMILY2_NAMES } from '../src/forecast/families2.js';
import { family3Trace, FAMILY3_NAMES } from '../src/forecast/families3.js';
import { family4Trace, FAMILY4_NAMES } from '../src/forecast/families4.js';
import { family5Trace, FAMILY5_NAMES } from '../src/forecast/families5.js';

/** Bump when anything below changes what is written: the blocks are rebuilt on a new key. */
export const FLEET_DATA_VERSION = 2;

/**
 * promtool's block length for the fleet (hours): one of TSDB's ranges (2 h x 3^k), so that a 30-day
 * history is one or two blocks, each file read once (promtool reads its whole input once per block).
 */
export const BLOCK_HOURS = 1458;

const DAY_MS = 86_400_000;

export interface FleetDataSpec {
  instances: number;
  /** real mount points per instance (1..4) */
  mountsPerInstance: number;
  days: number;
  /** scrape interval (seconds) */
  scrapeS: number;
  /** the end of the data (unix ms): `fleet --at` */
  end: number;
  seed: number;
}

export const FLEET_BENCH_SPEC: FleetDataSpec = {
  instances: 250,
  mountsPerInstance: 4,
  days: 30,
  scrapeS: 300,
  end: Date.UTC(2026, 10, 1),
  seed: 14,
};

/** One series set of node_exporter (size, avail, free share these labels). */
export interface FleetVolumeSpec {
  instance: string;
  mountpoint: string;
  device: string;
  fstype: string;
  job: string;
  env: string;
  /** the generator and pattern the history came from ('' for a tmpfs) */
  source: string;
}

const ROLES = ['web', 'api', 'db', 'cache', 'batch', 'log', 'ci', 'mail'] as const;
const MOUNTS: Array<{ mountpoint: string; device: string; fstype: string; reserved: number }> = [
  { mountpoint: '/', device: '/dev/nvme0n1p2', fstype: 'ext4', reserved: 0.05 },
  { mountpoint: '/var/log', device: '/dev/mapper/vg0-log', fstype: 'xfs', reserved: 0 },
  { mountpoint: '/srv/data', device: '/dev/nvme1n1', fstype: 'xfs', reserved: 0 },
  { mountpoint: '/home', device: '/dev/mapper/vg0-home', fstype: 'ext4', reserved: 0.05 },
];

type Gen = (seed: number) => Trace;
/** every generator the model's checks use, one entry per pattern or family */
const GENERATORS: Array<{ name: string; gen: Gen }> = [
  ...SYNTH_PATTERNS.map((p) => ({ name: `synth:${p}`, gen: (s: number) => synthTrace(p, s) })),
  ...FAMILY_NAMES.map((f) => ({ name: `families:${f}`, gen: (s: number) => familyTrace(f, s) })),
  ...FAMILY2_NAMES.map((f) => ({ name: `families2:${f}`, gen: (s: number) => family2Trace(f, s) })),
  ...FAMILY3_NAMES.map((f) => ({ name: `families3:${f}`, gen: (s: number) => family3Trace(f, s) })),
  ...FAMILY4_NAMES.map((f) => ({ name: `families4:${f}`, gen: (s: number) => family4Trace(f, s) })),
  ...FAMILY5_NAMES.map((f) => ({ name: `families5:${f}`, gen: (s: number) => family5Trace(f, s) })),
];

/** The fleet's series sets: instance by instance, its real mounts then its tmpfs /run. */
export function fleetLayout(spec: FleetDataSpec): FleetVolumeSpec[] {
  const out: FleetVolumeSpec[] = [];
  for (let i = 0; i < spec.instances; i++) {
    const role = ROLES[i % ROLES.length]!;
    const instance = `${role}-${String(Math.floor(i / ROLES.length) + 1).padStart(3, '0')}.dc${1 + (i % 3)}.example:9100`;
    const env = i % 5 === 4 ? 'staging' : 'prod';
    for (let m = 0; m < spec.mountsPerInstance; m++) {
      const k = i * spec.mountsPerInstance + m;
      const g = GENERATORS[k % GENERATORS.length]!;
      out.push({ instance, ...MOUNTS[m]!, job: 'node', env, source: g.name });
    }
    out.push({ instance, mountpoint: '/run', device: 'tmpfs', fstype: 'tmpfs', job: 'node', env, source: '' });
  }
  return out;
}

/** A volume's samples on its scrape grid: t0 + k * scrape (+ NaN where the scrape missed). */
export interface VolumeSamples {
  /** the first grid time (unix ms) */
  t0: number;
  stepMs: number;
  used: Float64Array;
  size: Float64Array;
  /** bytes kept for root (ext4's 5%): avail = size - used - reserved */
  reservedFrac: number;
}

const round4k = (x: number): number => Math.round(x / 4096) * 4096;

/**
 * The samples of volume `k` of the layout: its generator's trace (seed from spec.seed and k), a
 * window of spec.days ending at a cut before the trace fills, shifted to end at spec.end and
 * interpolated on the instance's grid (a gap over 2 h in the trace: no samples there). A tmpfs
 * holds a few MiB, flat.
 */
export function volumeSamples(spec: FleetDataSpec, v: FleetVolumeSpec, k: number): VolumeSamples {
  const stepMs = spec.scrapeS * 1000;
  const n = Math.floor((spec.days * DAY_MS) / stepMs);
  const r = rng(spec.seed * 1_000_003 + k);
  // each instance scrapes at its own offset within the interval (whole seconds)
  const inst = Math.floor(k / (spec.mountsPerInstance + 1));
  const offset = (((inst * 7919) % spec.scrapeS) - spec.scrapeS + 1) * 1000;
  const t0 = spec.end - (n - 1) * stepMs + offset;
  const used = new Float64Array(n);
  const size = new Float64Array(n);
  const mount = MOUNTS.find((m) => m.mountpoint === v.mountpoint);
  if (!v.source) {
    const sz = round4k((1 + (inst % 4)) * 0.4 * 2 ** 30);
    const u = round4k((1 + r() * 8) * 2 ** 20);
    size.fill(sz);
    used.fill(u);
    return { t0, stepMs, used, size, reservedFrac: 0 };
  }
  const gen = GENERATORS.find((g) => g.name === v.source)!;
  const tr = gen.gen(spec.seed * 1000 + k);
  const pts = tr.points;
  const first = pts[0]!.t;
  const last = (tr.fillsAt ?? pts[pts.length - 1]!.t) - 2 * 3_600_000;
  const win = spec.days * DAY_MS;
  // the cut: at least a window into the trace when it is that long, 20-95% of the rest
  const lo = Math.min(first + win, last);
  const cut = lo + (last - lo) * (0.2 + 0.75 * r());
  const shift = spec.end - cut;
  let j = 0;
  for (let i = 0; i < n; i++) {
    const t = t0 + i * stepMs - shift;
    while (j + 1 < pts.length && pts[j + 1]!.t <= t) j++;
    const a = pts[j]!;
    const b = pts[j + 1];
    if (t < a.t || !b || b.t - a.t > 2 * 3_600_000) {
      used[i] = NaN;
      size[i] = NaN;
      continue;
    }
    const f = (t - a.t) / (b.t - a.t);
    const sz = round4k(a.size);
    size[i] = sz;
    used[i] = Math.min(sz, Math.max(0, round4k(a.used + (b.used - a.used) * f)));
  }
  return { t0, stepMs, used, size, reservedFrac: mount?.reserved ?? 0 };
}

/**
 * The fleet as the harness' series (test/helpers/prometheus.ts VolumeSeries): every volume's scrape
 * grid less its missed scrapes, avail = size - used - reserved (root's 5% on ext4), free = size - used.
 */
export function fleetSeries(spec: FleetDataSpec, progress?: (s: string) => void): { series: VolumeSeries[]; volumes: number; samples: number } {
  const layout = fleetLayout(spec);
  const series: VolumeSeries[] = [];
  let samples = 0;
  layout.forEach((v, k) => {
    if (progress && k % 250 === 0) progress(`generating histories: ${k}/${layout.length}`);
    const s = volumeSamples(spec, v, k);
    let n = 0;
    for (let i = 0; i < s.used.length; i++) if (!Number.isNaN(s.used[i]!)) n++;
    const t = new Float64Array(n);
    const size = new Float64Array(n);
    const avail = new Float64Array(n);
    const free = new Float64Array(n);
    for (let i = 0, j = 0; i < s.used.length; i++) {
      if (Number.isNaN(s.used[i]!)) continue;
      t[j] = s.t0 + i * s.stepMs;
      size[j] = s.size[i]!;
      free[j] = s.size[i]! - s.used[i]!;
      avail[j] = Math.max(0, free[j]! - round4k(s.size[i]! * s.reservedFrac));
      j++;
    }
    samples += 3 * n;
    const { instance, mountpoint, device, fstype, job, env } = v;
    series.push({ labels: { job, instance, mountpoint, device, fstype, env }, t, size, avail, free });
  });
  return { series, volumes: layout.filter((v) => v.source).length, samples };
}

export interface FleetTsdb {
  /** the TSDB directory (blocks) to start prometheus on */
  dir: string;
  /** 'reused (key ...)' or 'built in N s (...)' */
  how: string;
  key: FleetTsdbKey;
}

interface FleetTsdbKey {
  version: number;
  spec: FleetDataSpec;
  promtool: string;
  built?: string;
  buildSeconds?: { generate: number; write: number; promtool: number };
  openMetricsBytes?: number;
  samples?: number;
  series?: number;
  volumes?: number;
}

const sameKey = (a: FleetTsdbKey, b: FleetTsdbKey): boolean =>
  a.version === b.version && a.promtool === b.promtool && JSON.stringify(a.spec) === JSON.stringify(b.spec);

/**
 * The fleet's TSDB under `root` (root/fleet-tsdb + root/fleet-tsdb.key.json), built when missing or
 * when its key (generator version, spec, promtool version) differs. Building writes the OpenMetrics
 * files in root/fleet-om (deleted after), then runs `promtool tsdb create-blocks-from openmetrics
 * --max-block-duration=1458h` on each (one block per file, the file read once). Progress lines go
 * to `progress`. Throws when promtool fails (its last lines in the message).
 */
export async function ensureFleetTsdb(root: string, spec: FleetDataSpec, promtoolVersion: string, progress: (s: string) => void): Promise<FleetTsdb> {
  const dir = path.join(root, 'fleet-tsdb');
  const keyFile = path.join(root, 'fleet-tsdb.key.json');
  const want: FleetTsdbKey = { version: FLEET_DATA_VERSION, spec, promtool: promtoolVersion };
  try {
    const have = JSON.parse(fs.readFileSync(keyFile, 'utf8')) as FleetTsdbKey;
    const blocks = fs.readdirSync(dir).filter((n) => /^[0-9A-Z]{26}$/.test(n));
    if (sameKey(have, want) && blocks.length) return { dir, how: `reused (key ${keyFile}, built ${have.built} in ${have.buildSeconds ? Math.round(have.buildSeconds.generate + have.buildSeconds.write + have.buildSeconds.promtool) : '?'} s)`, key: have };
  } catch {
    /* no key or no blocks: build */
  }
  fs.rmSync(keyFile, { force: true });
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const omDir = path.join(root, 'fleet-om');
  fs.rmSync(omDir, { recursive: true, force: true });
  progress(`building the fleet's TSDB in ${dir} (a minute or two)`);
  const t0 = performance.now();
  const { series, volumes, samples } = fleetSeries(spec, progress);
  const generateMs = performance.now() - t0;
  // one file per block range: promtool reads each once (a block of BLOCK_HOURS, not 2 h)
  const files = writeOpenMetrics(omDir, series, { chunkMs: BLOCK_HOURS * 3_600_000 });
  const writeMs = performance.now() - t0 - generateMs;
  const bytes = files.reduce((a, f) => a + fs.statSync(f).size, 0);
  progress(`OpenMetrics: ${files.length} file(s), ${(bytes / 2 ** 30).toFixed(2)} GiB, ${samples.toLocaleString('en-US')} samples, generated in ${(generateMs / 1000).toFixed(1)} s, written in ${(writeMs / 1000).toFixed(1)} s; promtool ...`);
  const p0 = performance.now();
  try {
    await createBlocks(files, dir, 1, { maxBlockHours: BLOCK_HOURS });
  } finally {
    fs.rmSync(omDir, { recursive: true, force: true });
  }
  const promtoolMs = performance.now() - p0;
  const w = { generateMs, writeMs, bytes, samples, series: series.length * 3, volumes };
  const key: FleetTsdbKey = {
    ...want,
    built: new Date().toISOString(),
    buildSeconds: { generate: w.generateMs / 1000, write: w.writeMs / 1000, promtool: promtoolMs / 1000 },
    openMetricsBytes: w.bytes,
    samples: w.samples,
    series: w.series,
    volumes: w.volumes,
  };
  fs.writeFileSync(keyFile, JSON.stringify(key, null, 2) + '\n');
  const secs = (generateMs + writeMs + promtoolMs) / 1000;
  return { dir, how: `built in ${secs.toFixed(0)} s (histories ${(w.generateMs / 1000).toFixed(0)} s, OpenMetrics ${(w.writeMs / 1000).toFixed(0)} s, promtool ${(promtoolMs / 1000).toFixed(0)} s)`, key };
}
