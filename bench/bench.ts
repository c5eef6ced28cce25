/**
 * diskblame's benchmark: `npm run bench [-- --runs N --skip-usr --tree DIR --shape DIR --entries N]`.
 *
 * The headline section, realShape, prints issue 13's target table: /usr and /usr's shape copied
 * to about 1M entries (bench/realtree.ts builds and caches that copy), each against du, ncdu and
 * gdu, quiet and with every core kept busy, plus bytes per entry, `--version` CPU, snapshot vs
 * scan and import vs `ncdu -f`; totals are checked against du's on every tree.
 *
 * Times diskblame against du / ncdu / gdu on the same tree (warm cache), records wall time and
 * peak RSS (GNU time), and writes bench/out/latest.json + bench/out/latest.md (the table for the
 * README's Performance section).
 *
 * Structure: each section is one async function `(ctx) => SectionResult` listed in SECTIONS at
 * the bottom. To add a section (import speed, UI latency, ...) write such a function and add it
 * to that list: it gets the shared helpers (measure(), tool lookup, output paths) through `ctx`,
 * prints its own table, and returns its JSON data and Markdown.
 *
 * Only Node built-ins. Missing tools are skipped with a note; a failing section is reported and
 * the others still run.
 */
import { spawn, spawnSync, SpawnSyncReturns } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

// ---------------------------------------------------------------------------------------------
// options

interface Options {
  runs: number;
  skipUsr: boolean;
  tree: string;
  /** hidden, for testing the tree builder: dirs per level and files per leaf (default 100) */
  fanout: number;
  /** run only these sections (ids), all when empty */
  only: string[];
  /** the real tree whose shape the realShape section copies (default /usr) */
  shape: string;
  /** about how many entries the real-shaped tree gets (default 1,000,000) */
  entries: number;
  /** where the real-shaped tree is kept (default: beside the reference tree, named after the shape) */
  realTree: string | null;
}

const USAGE = `usage: npm run bench -- [--runs N] [--skip-usr] [--tree DIR] [--only ID]
  --only ID    run only this section (realShape, referenceTree, usr, ui, owners, kinds, sample, diff, snapshot, binary, remote, fleet); repeatable
  --runs N     timed runs per command (default 3; median wall time, max peak RSS)
  --skip-usr   skip the /usr section
  --tree DIR   reference tree location (default $DISKBLAME_BENCH_DIR or /tmp/diskblame-bench/tree);
               built there if missing (about 4 GB on disk, 1,010,101 entries)
  --shape DIR  the real tree whose shape realShape copies (default /usr)
  --entries N  about how many entries the real-shaped copy gets (default 1000000)
  --realtree DIR  where that copy is kept (default: beside the reference tree); sparse files, a
               few hundred MB of metadata; reused while its stamp matches the shape`;

function parseArgs(argv: string[]): Options {
  const o: Options = {
    runs: 3,
    skipUsr: false,
    tree: process.env.DISKBLAME_BENCH_DIR || '/tmp/diskblame-bench/tree',
    fanout: 100,
    only: [],
    shape: '/usr',
    entries: 1_000_000,
    realTree: null,
  };
  const bad = (msg: string): never => {
    process.stderr.write(`bench: ${msg}\n${USAGE}\n`);
    process.exit(2);
  };
  const int = (name: string, v: string | undefined, min: number, max: number): number => {
    const n = Number(v);
    if (v === undefined || !Number.isInteger(n) || n < min || n > max) bad(`${name} wants a whole number from ${min} to ${max}, not ${v}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    let a = argv[i]!;
    let v: string | undefined;
    const eq = a.indexOf('=');
    if (a.startsWith('--') && eq > 0) [a, v] = [a.slice(0, eq), a.slice(eq + 1)];
    const val = () => (v !== undefined ? v : argv[++i]);
    switch (a) {
      case '--runs': o.runs = int('--runs', val(), 1, 100); break;
      case '--skip-usr': o.skipUsr = true; break;
      case '--only': { const t = val(); if (!t) bad('--only wants a section id'); o.only.push(t!); break; }
      case '--tree': { const t = val(); if (!t) bad('--tree wants a directory'); o.tree = t!; break; }
      case '--fanout': o.fanout = int('--fanout', val(), 1, 100); break;
      case '--shape': { const t = val(); if (!t) bad('--shape wants a directory'); o.shape = path.resolve(t!); break; }
      case '--entries': o.entries = int('--entries', val(), 1, 100_000_000); break;
      case '--realtree': { const t = val(); if (!t) bad('--realtree wants a directory'); o.realTree = path.resolve(t!); break; }
      case '-h': case '--help': process.stdout.write(USAGE + '\n'); process.exit(0);
      default: bad(`unknown argument ${a}`);
    }
  }
  o.tree = path.resolve(o.tree);
  return o;
}

// ---------------------------------------------------------------------------------------------
// context shared by the sections

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const OUT_DIR = path.join(REPO, 'bench', 'out');
// what a user runs: the bin (dist/diskblame.cjs, package.json "bin"; its shebang's node flags
// included), else the tsc build when the bundle was not made
const BIN = path.join(REPO, 'dist', 'diskblame.cjs');
const CLI = fs.existsSync(BIN) ? BIN : path.join(REPO, 'dist', 'cli', 'main.js');

interface Ctx {
  opts: Options;
  repo: string;
  cli: string;
  /** GNU time, or null (then no RSS) */
  timeBin: string | null;
  /** scratch dir, deleted at the end */
  tmp: string;
  /** the node the CLI's shebang (`/usr/bin/env -S node ...`) resolves to */
  nodeOnPath: string | null;
  notes: string[];
}

interface SectionResult {
  title: string;
  /** anything JSON-able, written to latest.json under the section's id */
  data: unknown;
  /** Markdown for latest.md */
  markdown: string;
}

type Section = { id: string; title: string; run: (ctx: Ctx) => Promise<SectionResult | null> };

// ---------------------------------------------------------------------------------------------
// small helpers

function findExe(name: string): string | null {
  if (name.includes('/')) {
    try {
      fs.accessSync(name, fs.constants.X_OK);
      return name;
    } catch {
      return null;
    }
  }
  for (const dir of (process.env.PATH ?? '').split(':')) {
    if (!dir) continue;
    const p = path.join(dir, name);
    try {
      fs.accessSync(p, fs.constants.X_OK);
      if (fs.statSync(p).isFile()) return p;
    } catch {
      /* next */
    }
  }
  return null;
}

/** First line of `cmd args` (stdout or stderr), or null if it does not run. */
function firstLine(cmd: string, args: string[]): string | null {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 10_000, stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.error) return null;
  const s = `${r.stdout ?? ''}\n${r.stderr ?? ''}`.split('\n').map((l) => l.trim()).find((l) => l);
  return s ?? null;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const fmt = (x: number | null | undefined, digits = 2): string => (x === null || x === undefined || !Number.isFinite(x) ? '–' : x.toFixed(digits));
const thousands = (n: number): string => n.toLocaleString('en-US');
const log = (s = ''): void => void process.stdout.write(s + '\n');
const info = (s: string): void => void process.stderr.write(`  · ${s}\n`);

/** Busy CPU time of the whole machine so far, in seconds (from /proc/stat), or null. */
function machineBusyS(): number | null {
  try {
    const f = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal ...
    const busy = f[0]! + f[1]! + f[2]! + (f[5] ?? 0) + (f[6] ?? 0) + (f[7] ?? 0);
    return busy / 100; // USER_HZ is 100 on Linux
  } catch {
    return null;
  }
}

const loadavg1 = (): number => os.loadavg()[0]!;

// ---------------------------------------------------------------------------------------------
// measuring commands

interface Cmd {
  id: string;
  /** shown in tables: the command as a user would type it */
  label: string;
  argv: string[];
  /** 'capture': keep stdout (for parsing); 'null': stdout goes to /dev/null */
  stdout: 'capture' | 'null';
  /** more environment for the command (on top of the bench's own) */
  env?: Record<string, string>;
  /** keep each run's stderr (RunSample.stderr) */
  keepStderr?: boolean;
}

interface RunSample {
  wallS: number;
  rssKB: number | null;
  cpuS: number | null;
  /** CPU seconds the rest of the machine used during this run (other processes): noise */
  otherCpuS: number | null;
  exit: number | null;
  /** the run's stderr, when its Cmd keeps it */
  stderr?: string;
}

interface Measured {
  id: string;
  label: string;
  argv: string[];
  samples: RunSample[];
  medianWallS: number | null;
  maxRssKB: number | null;
  /** (max - min) / median of wall times */
  spread: number | null;
  /** stdout of the last run when captured */
  stdout?: string;
  /** set when skipped or failed */
  note?: string;
  ok: boolean;
}

let devNullFd = -1;

function runOnce(ctx: Ctx, c: Cmd): { sample: RunSample; r: SpawnSyncReturns<string> } {
  if (devNullFd < 0) devNullFd = fs.openSync('/dev/null', 'w');
  const timeOut = path.join(ctx.tmp, 'time.out');
  const argv = ctx.timeBin ? [ctx.timeBin, '-f', '%e %M %U %S', '-o', timeOut, ...c.argv] : c.argv;
  const busy0 = machineBusyS();
  const t0 = process.hrtime.bigint();
  const r = spawnSync(argv[0]!, argv.slice(1), {
    encoding: 'utf8',
    stdio: ['ignore', c.stdout === 'null' ? devNullFd : 'pipe', 'pipe'],
    maxBuffer: 256 * 1024 * 1024,
    timeout: 600_000,
    cwd: ctx.tmp,
    ...(c.env ? { env: { ...process.env, ...c.env } } : {}),
  });
  const wallS = Number(process.hrtime.bigint() - t0) / 1e9;
  const busy1 = machineBusyS();
  let rssKB: number | null = null;
  let cpuS: number | null = null;
  if (ctx.timeBin) {
    try {
      // GNU time writes "Command exited with non-zero status N" before the format line
      const last = fs.readFileSync(timeOut, 'utf8').trim().split('\n').pop()!.trim().split(/\s+/).map(Number);
      if (last.length >= 4 && last.every(Number.isFinite)) {
        rssKB = last[1]!;
        cpuS = last[2]! + last[3]!;
      }
    } catch {
      /* no time output: the command did not start */
    }
  }
  const otherCpuS = busy0 !== null && busy1 !== null && cpuS !== null ? Math.max(0, busy1 - busy0 - cpuS) : null;
  return { sample: { wallS, rssKB, cpuS, otherCpuS, exit: r.status, ...(c.keepStderr ? { stderr: r.stderr ?? '' } : {}) }, r };
}

/**
 * Time each command `runs` times, interleaved (run 1 of every command, then run 2, ...) so that
 * background load drifting over time hits every tool alike. Commands whose program is missing
 * are skipped with a note; a command that fails is reported, not thrown. `swap`: two commands' ids
 * that trade places every other run (a pair compared with each other: neither always runs first,
 * right after the same other tool).
 */
function measure(ctx: Ctx, cmds: Cmd[], runs: number, okExits: number[] = [0], swap?: [string, string]): Map<string, Measured> {
  const res = new Map<string, Measured>();
  for (const c of cmds) {
    const m: Measured = { id: c.id, label: c.label, argv: c.argv, samples: [], medianWallS: null, maxRssKB: null, spread: null, ok: true };
    if (!findExe(c.argv[0]!)) {
      m.ok = false;
      m.note = `skipped: ${c.argv[0]} not installed`;
    }
    res.set(c.id, m);
  }
  const a = swap ? cmds.findIndex((c) => c.id === swap[0]) : -1;
  const b = swap ? cmds.findIndex((c) => c.id === swap[1]) : -1;
  const swapped = [...cmds];
  if (a >= 0 && b >= 0) [swapped[a], swapped[b]] = [cmds[b]!, cmds[a]!];
  for (let run = 1; run <= runs; run++) {
    for (const c of run % 2 === 0 ? swapped : cmds) {
      const m = res.get(c.id)!;
      if (!m.ok) continue;
      process.stderr.write(`  run ${run}/${runs}: ${c.label} ... `);
      const { sample, r } = runOnce(ctx, c);
      process.stderr.write(`${fmt(sample.wallS)} s, ${sample.rssKB === null ? '?' : fmt(sample.rssKB / 1024, 1)} MiB\n`);
      if (r.error || sample.exit === null || !okExits.includes(sample.exit)) {
        const why = r.error ? r.error.message : sample.exit === null ? `killed by ${r.signal}` : `exit ${sample.exit}`;
        const err = (r.stderr ?? '').trim().split('\n').filter((l) => l && !/exited with non-zero status/.test(l))[0];
        m.ok = false;
        m.note = `failed: ${why}${err ? `: ${err.slice(0, 200)}` : ''}`;
        continue;
      }
      m.samples.push(sample);
      if (c.stdout === 'capture') m.stdout = r.stdout;
    }
  }
  for (const m of res.values()) {
    if (!m.samples.length) continue;
    const walls = m.samples.map((s) => s.wallS);
    m.medianWallS = median(walls);
    const rss = m.samples.map((s) => s.rssKB).filter((x): x is number => x !== null);
    m.maxRssKB = rss.length ? Math.max(...rss) : null;
    m.spread = (Math.max(...walls) - Math.min(...walls)) / m.medianWallS;
  }
  return res;
}

// ---------------------------------------------------------------------------------------------
// the reference tree: root / dNN (fanout) / dNN (fanout) / fNN (fanout files of 0..63 bytes)

const expectedEntries = (f: number): number => 1 + f + f * f + f * f * f;
const markerPath = (tree: string): string => path.join(path.dirname(tree), `${path.basename(tree)}.diskblame-bench.json`);
const nm = (p: string, i: number): string => p + String(i).padStart(2, '0');

/** Builder run in worker threads (plain JS: workers do not get tsx's loader). Idempotent. */
const BUILDER = `
const fs = require('node:fs');
const { workerData, parentPort } = require('node:worker_threads');
const { root, dirs, fan } = workerData;
const buf = Buffer.alloc(64, 120);
const nm = (p, i) => p + String(i).padStart(2, '0');
for (const i of dirs) {
  const d1 = root + '/' + nm('d', i);
  fs.mkdirSync(d1, { recursive: true });
  for (let j = 0; j < fan; j++) {
    const d2 = d1 + '/' + nm('d', j);
    fs.mkdirSync(d2, { recursive: true });
    for (let k = 0; k < fan; k++) {
      const fd = fs.openSync(d2 + '/' + nm('f', k), 'w');
      const size = (i + j + k) % 64; // deterministic, 0..63 bytes
      if (size) fs.writeSync(fd, buf, 0, size);
      fs.closeSync(fd);
    }
  }
  parentPort.postMessage(i);
}
`;

/** Entries under and including `dir`, not following symlinks: GNU du --inodes, else a walk. */
function countEntries(dir: string): number {
  if (findExe('du')) {
    const r = spawnSync('du', ['-s', '--inodes', dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const n = Number((r.stdout ?? '').split(/\s/)[0]);
    if (r.status === 0 && Number.isInteger(n)) return n;
  }
  let n = 1;
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      n++;
      if (e.isDirectory()) walk(path.join(d, e.name));
    }
  };
  walk(dir);
  return n;
}

async function buildTree(tree: string, fan: number): Promise<void> {
  fs.mkdirSync(tree, { recursive: true });
  const nWorkers = Math.min(fan, 4); // creating files is kernel-bound; a few threads hide I/O waits
  const started = performance.now();
  let done = 0;
  await Promise.all(
    Array.from({ length: nWorkers }, (_, w) => {
      const dirs = Array.from({ length: fan }, (_, i) => i).filter((i) => i % nWorkers === w);
      return new Promise<void>((resolve, reject) => {
        const wk = new Worker(BUILDER, { eval: true, workerData: { root: tree, dirs, fan } });
        wk.on('message', () => {
          done++;
          if (done % 10 === 0 || done === fan) info(`building ${tree}: ${done}/${fan} top-level dirs, ${fmt((performance.now() - started) / 1000, 0)} s`);
        });
        wk.on('error', reject);
        wk.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`builder worker exited with ${code}`))));
      });
    }),
  );
}

/** Make sure the reference tree exists and is complete; returns how it was obtained. */
async function ensureTree(ctx: Ctx): Promise<string> {
  const { tree, fanout } = ctx.opts;
  const want = expectedEntries(fanout);
  const rel = path.relative(ctx.repo, tree);
  if (!rel.startsWith('..') && !path.isAbsolute(rel)) throw new Error(`the bench tree must not be inside the repository (${tree})`);
  const marker = markerPath(tree);
  const last = path.join(tree, nm('d', fanout - 1), nm('d', fanout - 1), nm('f', fanout - 1));
  const lastSize = (3 * (fanout - 1)) % 64;
  try {
    const m = JSON.parse(fs.readFileSync(marker, 'utf8')) as { entries?: number; fanout?: number };
    if (m.entries === want && m.fanout === fanout && fs.lstatSync(last).size === lastSize) return `reused (marker ${marker})`;
  } catch {
    /* no marker or stale: check below */
  }
  let names: string[] = [];
  try {
    names = fs.readdirSync(tree);
  } catch {
    /* missing: build */
  }
  if (names.length) {
    const have = countEntries(tree);
    if (have === want && fs.existsSync(last)) return `reused (no marker; counted ${thousands(have)} entries)`;
    const foreign = names.filter((n) => !/^d\d\d$/.test(n));
    if (foreign.length) throw new Error(`${tree} has ${thousands(have)} entries, not ${thousands(want)}, and is not a bench tree (${foreign[0]}): use another --tree`);
    info(`${tree} has ${thousands(have)} entries, want ${thousands(want)}: completing it`);
  }
  try {
    fs.unlinkSync(marker);
  } catch {
    /* none */
  }
  const t0 = performance.now();
  await buildTree(tree, fanout);
  const secs = (performance.now() - t0) / 1000;
  info('flushing the new tree to disk (sync), so that writeback does not disturb the timings');
  spawnSync('sync', [], { stdio: 'ignore' });
  const have = countEntries(tree);
  if (have !== want) throw new Error(`built ${tree} but it has ${thousands(have)} entries, not ${thousands(want)} (stray files? remove the directory)`);
  fs.writeFileSync(marker, JSON.stringify({ entries: want, fanout, built: new Date().toISOString(), buildSeconds: Math.round(secs) }) + '\n');
  return `built in ${fmt(secs, 1)} s`;
}

// ---------------------------------------------------------------------------------------------
// scan comparison: the same tools on one tree (used by the reference-tree and /usr sections)

interface ScanCompareOpts {
  title: string;
  tree: string;
  runs: number;
  /** compare to the targets (reference tree only) */
  targets: boolean;
  describe: string;
}

interface Targets {
  wallRatio: { max: number; goal: number };
  bytesPerEntry: { max: number; goal: number };
}
const TARGETS: Targets = { wallRatio: { max: 1.5, goal: 1.0 }, bytesPerEntry: { max: 64, goal: 40 } };

const verdict = (v: number | null, t: { max: number; goal: number }): string =>
  v === null ? '?' : v <= t.goal ? 'meets goal' : v <= t.max ? 'within target' : 'OVER target';

function emptyDir(ctx: Ctx): string {
  const d = path.join(ctx.tmp, 'empty');
  fs.mkdirSync(d, { recursive: true });
  return d;
}

function scanCommands(ctx: Ctx, tree: string): Cmd[] {
  return [
    { id: 'du', label: 'du -sx', argv: ['du', '-sx', tree], stdout: 'capture' },
    { id: 'du-b', label: 'du -sbx', argv: ['du', '-sbx', tree], stdout: 'capture' },
    { id: 'ncdu', label: 'ncdu -0 -x -o /dev/null', argv: ['ncdu', '-0', '-x', '-o', '/dev/null', tree], stdout: 'null' },
    { id: 'gdu', label: 'gdu -n -p -x', argv: ['gdu', '-n', '-p', '-x', tree], stdout: 'null' },
    { id: 'ours', label: 'diskblame scan --json --top 10', argv: [ctx.cli, 'scan', tree, '--json', '--top', '10', '--no-progress'], stdout: 'capture' },
    { id: 'ours-o', label: 'diskblame scan -o - (> /dev/null)', argv: [ctx.cli, 'scan', tree, '-o', '-', '--no-progress'], stdout: 'null' },
    { id: 'node', label: 'node -e 0 (baseline)', argv: ['node', '-e', '0'], stdout: 'null' },
    // our fixed cost (startup, worker threads), to tell it from the per-entry cost
    { id: 'ours-empty', label: 'diskblame scan --json (empty dir)', argv: [ctx.cli, 'scan', emptyDir(ctx), '--json', '--top', '10', '--no-progress'], stdout: 'null' },
  ];
}

interface OurJson {
  entries: number;
  apparentBytes: number;
  diskBytes: number;
  errors: number;
  incomplete: boolean;
}

async function scanCompare(ctx: Ctx, o: ScanCompareOpts): Promise<SectionResult> {
  log(`\n== ${o.title}: ${o.tree} (${o.describe})`);
  const notes: string[] = [];
  const hasDu = !!findExe('du');
  if (hasDu) {
    info('warming the cache: du -s');
    spawnSync('du', ['-sx', o.tree], { stdio: 'ignore' });
  } else notes.push('du not installed: no warm-up pass, no ratios to du, no size check');

  const load0 = loadavg1();
  const cmds = scanCommands(ctx, o.tree);
  if (!findExe(ctx.cli)) notes.push(`${ctx.cli} is missing or not executable: run npm run build`);
  const m = measure(ctx, cmds, o.runs, [0]);
  const load1 = loadavg1();

  const get = (id: string): Measured => m.get(id)!;
  let ours: OurJson | null = null;
  const oursM = get('ours');
  if (oursM.ok && oursM.stdout) {
    try {
      ours = JSON.parse(oursM.stdout) as OurJson;
    } catch (e) {
      notes.push(`could not parse diskblame's JSON: ${(e as Error).message}`);
    }
  }
  const entries = ours?.entries ?? null;

  // sizes check against du
  let check: { ok: boolean; text: string } | null = null;
  if (hasDu && ours) {
    const duB = Number((get('du-b').stdout ?? '').split(/\s/)[0]);
    const r = spawnSync('du', ['-sx', '-B1', o.tree], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const duB1 = Number((r.stdout ?? '').split(/\s/)[0]);
    const okA = ours.apparentBytes === duB;
    const okD = ours.diskBytes === duB1;
    check = {
      ok: okA && okD,
      text:
        `${okA && okD ? 'OK' : 'MISMATCH'}: apparent ${thousands(ours.apparentBytes)} vs du -sb ${Number.isFinite(duB) ? thousands(duB) : '?'}` +
        `${okA ? '' : ' (differs)'}, disk ${thousands(ours.diskBytes)} vs du -sB1 ${Number.isFinite(duB1) ? thousands(duB1) : '?'}${okD ? '' : ' (differs)'}` +
        `${ours.errors ? `, ${ours.errors} errors` : ''}${ours.incomplete ? ', INCOMPLETE' : ''}`,
    };
  }

  const du = get('du').medianWallS;
  const node = get('node').maxRssKB;
  const ratio = (x: number | null, base: number | null): number | null => (x !== null && base ? x / base : null);
  const bpe = (id: string): number | null => {
    const r = get(id).maxRssKB;
    return r !== null && node !== null && entries ? ((r - node) * 1024) / entries : null;
  };

  interface Row {
    id: string;
    tool: string;
    medianWallS: number | null;
    minWallS: number | null;
    vsDu: number | null;
    peakRssMiB: number | null;
    bytesPerEntry: number | null;
    spread: number | null;
    note?: string;
  }
  const rows: Row[] = cmds.map((c) => {
    const x = get(c.id);
    return {
      id: c.id,
      tool: c.label,
      medianWallS: x.medianWallS,
      minWallS: x.samples.length ? Math.min(...x.samples.map((s) => s.wallS)) : null,
      vsDu: c.id === 'node' || c.id === 'ours-empty' ? null : ratio(x.medianWallS, du),
      peakRssMiB: x.maxRssKB === null ? null : x.maxRssKB / 1024,
      bytesPerEntry: c.id === 'ours' || c.id === 'ours-o' ? bpe(c.id) : null,
      spread: x.spread,
      ...(x.note ? { note: x.note } : {}),
    };
  });

  const scanRatio = ratio(get('ours').medianWallS, du);
  const exportRatio = ratio(get('ours-o').medianWallS, du);
  const vsNcdu = ratio(get('ours').medianWallS, get('ncdu').medianWallS);
  const vsGdu = ratio(get('ours').medianWallS, get('gdu').medianWallS);
  const exportVsNcdu = ratio(get('ours-o').medianWallS, get('ncdu').medianWallS);
  const targetFor = (r: Row): string => {
    if (!o.targets) return '';
    if (r.id === 'ours')
      return `wall ≤ ${TARGETS.wallRatio.max}× du (goal ${TARGETS.wallRatio.goal}×): ${verdict(r.vsDu, TARGETS.wallRatio)}; ≤ ${TARGETS.bytesPerEntry.max} B/entry (goal ${TARGETS.bytesPerEntry.goal}): ${verdict(r.bytesPerEntry, TARGETS.bytesPerEntry)}`;
    if (r.id === 'ours-o') return `≤ ${TARGETS.bytesPerEntry.max} B/entry (goal ${TARGETS.bytesPerEntry.goal}): ${verdict(r.bytesPerEntry, TARGETS.bytesPerEntry)}`;
    return '';
  };

  // noise: CPU used by other processes during our runs, and the spread of the wall times
  const all = [...m.values()].flatMap((x) => x.samples).filter((s) => s.otherCpuS !== null);
  const otherCores = all.length ? all.reduce((a, s) => a + s.otherCpuS!, 0) / all.reduce((a, s) => a + s.wallS, 0) : null;
  // (short commands excluded: a few ms of scheduling jitter is a large share of 0.1 s)
  const maxSpread = Math.max(0, ...rows.filter((r) => (r.medianWallS ?? 0) >= 0.3).map((r) => r.spread ?? 0));
  const noisy = (otherCores !== null && otherCores > 0.25) || maxSpread > 0.2;
  const noise =
    `other processes used ${fmt(otherCores)} cores on average during the runs; largest wall-time spread ${fmt(maxSpread * 100, 0)}%; ` +
    `load avg ${fmt(load0)} → ${fmt(load1)}`;

  // print
  const head = ['tool', 'median s', 'min s', '× du', 'peak RSS MiB', 'B/entry', 'spread', 'target'];
  const body = rows.map((r) =>
    r.note
      ? [r.tool, '', '', '', '', '', '', r.note]
      : [
          r.tool,
          fmt(r.medianWallS),
          fmt(r.minWallS),
          fmt(r.vsDu),
          fmt(r.peakRssMiB, 1),
          r.bytesPerEntry === null ? '' : fmt(r.bytesPerEntry, 1),
          r.spread === null ? '' : `${fmt(r.spread * 100, 0)}%`,
          targetFor(r),
        ],
  );
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 || i === cells.length - 1 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd();
  log(line(head));
  for (const b of body) log(line(b));
  const empty = get('ours-empty').maxRssKB;
  const marginal = (id: string): number | null => {
    const r = get(id).maxRssKB;
    return r !== null && empty !== null && entries ? ((r - empty) * 1024) / entries : null;
  };
  log(
    `entries (from diskblame's JSON): ${entries === null ? '?' : thousands(entries)}; bare node ${node === null ? '?' : fmt(node / 1024, 1)} MiB; ` +
      `diskblame on an empty dir ${empty === null ? '?' : fmt(empty / 1024, 1)} MiB, so per entry beyond that: ${fmt(marginal('ours'), 1)} B (--json), ${fmt(marginal('ours-o'), 1)} B (-o)`,
  );
  log(`ours vs du ${fmt(scanRatio)}×, vs ncdu ${fmt(vsNcdu)}×, vs gdu ${fmt(vsGdu)}× (scan --json); export -o vs du ${fmt(exportRatio)}×, vs ncdu -o ${fmt(exportVsNcdu)}×`);
  if (check) log(`sizes: ${check.text}`);
  log(`noise: ${noise}${noisy ? ' — NOISY: timings disturbed by other work (multi-threaded tools, ours and gdu, suffer most; see min s and the per-run samples in latest.json)' : ''}`);
  for (const n of notes) log(`note: ${n}`);

  // markdown
  const md: string[] = [];
  // (the reference tree's location is local detail: only a real tree's path means something to readers)
  md.push(`**${o.title}**: ${o.targets ? '' : `\`${o.tree}\`, `}${o.describe}${entries !== null ? `, ${thousands(entries)} entries` : ''}. Median of ${o.runs} run${o.runs > 1 ? 's' : ''}, warm cache.`);
  md.push('');
  md.push('| tool | wall (s) | × du | peak RSS (MiB) | bytes/entry over bare node |');
  md.push('|---|---:|---:|---:|---:|');
  for (const r of rows) {
    if (r.note) md.push(`| \`${r.tool}\` | ${r.note} | | | |`);
    else md.push(`| \`${r.tool}\` | ${fmt(r.medianWallS)} | ${fmt(r.vsDu)} | ${fmt(r.peakRssMiB, 1)} | ${r.bytesPerEntry === null ? '' : fmt(r.bytesPerEntry, 0)} |`);
  }
  md.push('');
  if (o.targets)
    md.push(
      `Targets: scan wall ≤ ${TARGETS.wallRatio.max}× du (goal ${TARGETS.wallRatio.goal}×): **${fmt(scanRatio)}×** (${verdict(scanRatio, TARGETS.wallRatio)}); ` +
        `memory ≤ ${TARGETS.bytesPerEntry.max} B/entry (goal ${TARGETS.bytesPerEntry.goal}): **${fmt(bpe('ours'), 0)}** with \`--json\` (${verdict(bpe('ours'), TARGETS.bytesPerEntry)}), ` +
        `**${fmt(bpe('ours-o'), 0)}** with \`-o\` (${verdict(bpe('ours-o'), TARGETS.bytesPerEntry)}).`,
    );
  else md.push(`diskblame \`scan --json\`: ${fmt(scanRatio)}× du, ${fmt(vsNcdu)}× ncdu, ${fmt(vsGdu)}× gdu.`);
  if (empty !== null && node !== null)
    md.push(
      '',
      `Fixed cost: diskblame on an empty directory peaks at ${fmt(empty / 1024, 1)} MiB (bare node ${fmt(node / 1024, 1)} MiB); ` +
        `beyond that, ${fmt(marginal('ours'), 0)} bytes/entry with \`--json\`, ${fmt(marginal('ours-o'), 0)} with \`-o\`.`,
    );
  if (check) md.push('', `Totals vs du: ${check.ok ? 'identical' : check.text}.`);
  if (noisy) md.push('', `_Timings were disturbed by other work on the machine (${noise})._`);

  return {
    title: o.title,
    data: {
      tree: o.tree,
      runs: o.runs,
      entries,
      bareNodeRssKB: node,
      emptyScanRssKB: empty,
      bytesPerEntryBeyondEmptyScan: { scan: marginal('ours'), export: marginal('ours-o') },
      rows,
      ratios: { scanVsDu: scanRatio, scanVsNcdu: vsNcdu, scanVsGdu: vsGdu, exportVsDu: exportRatio, exportVsNcdu },
      targets: o.targets
        ? {
            ...TARGETS,
            scanWallRatio: verdict(scanRatio, TARGETS.wallRatio),
            scanBytesPerEntry: verdict(bpe('ours'), TARGETS.bytesPerEntry),
            exportBytesPerEntry: verdict(bpe('ours-o'), TARGETS.bytesPerEntry),
          }
        : undefined,
      sizeCheck: check,
      noise: { otherCores, maxSpread, loadavg: [load0, load1], noisy },
      notes,
      samples: Object.fromEntries([...m.values()].map((x) => [x.id, { argv: x.argv, samples: x.samples }])),
    },
    markdown: md.join('\n'),
  };
}

// ---------------------------------------------------------------------------------------------
// sections

async function referenceTreeSection(ctx: Ctx): Promise<SectionResult> {
  const f = ctx.opts.fanout;
  const how = await ensureTree(ctx);
  info(`reference tree ${ctx.opts.tree}: ${how}`);
  const desc = `${f} × ${f} dirs × ${f} files of 0–63 bytes`;
  const r = await scanCompare(ctx, { title: 'Reference tree', tree: ctx.opts.tree, runs: ctx.opts.runs, targets: true, describe: desc });
  const data = r.data as { entries: number | null; treeStatus?: string };
  data.treeStatus = how;
  if (data.entries !== null && data.entries !== expectedEntries(f))
    log(`WARNING: diskblame found ${thousands(data.entries)} entries, the tree should have ${thousands(expectedEntries(f))}: remove ${markerPath(ctx.opts.tree)} to recheck it`);
  return r;
}

async function usrSection(ctx: Ctx): Promise<SectionResult | null> {
  if (ctx.opts.skipUsr) {
    log('\n== /usr: skipped (--skip-usr)');
    return null;
  }
  if (!fs.existsSync('/usr')) {
    log('\n== /usr: skipped (no /usr)');
    return null;
  }
  return scanCompare(ctx, { title: 'Real tree (/usr)', tree: '/usr', runs: ctx.opts.runs, targets: false, describe: 'a real system tree' });
}

async function uiSection(_ctx: Ctx): Promise<SectionResult> {
  log('\n== Browser: keypress to frame (1M-entry tree, a directory of 100,000 entries, 80x24)');
  const { measureUiLatency } = await import('./ui-latency.js');
  const r = await measureUiLatency();
  const lines = ['| action | runs | median (ms) | max (ms) |', '|---|---:|---:|---:|'];
  log(`${'action'.padEnd(56)} runs  median ms  max ms`);
  for (const x of r.rows) {
    log(`${x.action.padEnd(56)} ${String(x.runs).padStart(4)}  ${fmt(x.medianMs, 1).padStart(9)}  ${fmt(x.maxMs, 1).padStart(6)}`);
    lines.push(`| ${x.action} | ${x.runs} | ${fmt(x.medianMs, 1)} | ${fmt(x.maxMs, 1)} |`);
  }
  return {
    title: 'Browser latency',
    data: r,
    markdown: [`**Browser: keypress to frame**, ${thousands(r.entries)} entries in memory, a directory of 100,000 entries, 80x24 (ink-testing-library).`, '', ...lines].join('\n'),
  };
}

async function ownersSection(ctx: Ctx): Promise<SectionResult> {
  log('\n== Owners: attribution cost on /usr, reading /proc');
  const { measureOwnersCost } = await import('./owners-cost.js');
  const r = await measureOwnersCost('/usr', ctx.opts.runs);
  const lines = [
    `commands end to end, median of ${r.commands.runs} alternated runs: \`scan /usr --json\` ${fmt(r.commands.scanMs, 0)} ms, \`owners /usr --json --sample-ms 0\` ${fmt(r.commands.ownersMs, 0)} ms: +${fmt(r.commands.overheadPct, 1)}% (target: at most 20%; package table cached)`,
    `in process: scan of /usr (${thousands(r.entries)} entries) ${fmt(r.scanMs, 0)} ms; loading rules, units and users ${fmt(r.loadMs, 0)} ms (the package table: read from its cache during the scan); attribution ${fmt(r.attributeMs, 0)} ms: +${fmt(r.overheadPct, 1)}%`,
    ...r.procs.map((p) => `reading /proc: ${thousands(p.processes)} processes, ${thousands(p.fds)} fds in ${fmt(p.ms, 0)} ms (target: 100,000 fds under 1 s)`),
  ];
  for (const l of lines) log(l);
  return { title: 'Owners', data: r, markdown: ['**Owners**', '', ...lines.map((l) => `- ${l}`)].join('\n') };
}

/** `diskblame sample` (run every 15 min by a timer): wall time beside node's and the CLI's start-up. */
async function sampleSection(ctx: Ctx): Promise<SectionResult> {
  log('\n== sample: one usage sample of every real mount (target: well under 100 ms of its own)');
  const store = path.join(ctx.tmp, 'sample-store');
  const node = ctx.nodeOnPath ?? process.execPath;
  const bundle = path.join(ctx.repo, 'dist', 'diskblame.cjs');
  const cmds: Cmd[] = [
    { id: 'node', label: 'node -e 0', argv: [node, '-e', '0'], stdout: 'null' },
    { id: 'version', label: 'diskblame --version', argv: [node, ctx.cli, '--version'], stdout: 'null' },
    { id: 'sample', label: 'diskblame sample', argv: [node, ctx.cli, 'sample', '-q', '--store', store], stdout: 'null' },
  ];
  if (fs.existsSync(bundle)) cmds.push({ id: 'bundle', label: 'diskblame.cjs sample (the bin)', argv: [node, bundle, 'sample', '-q', '--store', store], stdout: 'null' });
  const res = measure(ctx, cmds, Math.max(5, ctx.opts.runs));
  const own: number[] = [];
  for (let k = 0; k < 5; k++) {
    const r = spawnSync(node, [ctx.cli, 'sample', '--json', '--store', store], { encoding: 'utf8' });
    try {
      own.push((JSON.parse(r.stdout) as { elapsedMs: number }).elapsedMs);
    } catch {
      /* reported below as missing */
    }
  }
  const ms = (id: string) => (res.get(id)?.medianWallS ?? NaN) * 1000;
  const lines = [
    ...[...res.values()].map((m) => `${m.label}: ${m.medianWallS === null ? m.note ?? 'failed' : `${fmt(m.medianWallS * 1000, 0)} ms`} (median wall)`),
    `sample's own work (statfs of each mount, one append), in process: ${own.length ? `${fmt(median(own), 1)} ms median` : 'not measured'}`,
    `sample beyond the CLI's start-up: ${fmt(ms('sample') - ms('version'), 0)} ms`,
  ];
  for (const l of lines) log(l);
  return { title: 'sample', data: { wall: Object.fromEntries([...res].map(([k, m]) => [k, m.medianWallS])), inProcessMs: own }, markdown: ['**sample**', '', ...lines.map((l) => `- ${l}`)].join('\n') };
}

async function diffSection(ctx: Ctx): Promise<SectionResult> {
  log('\n== Diff: two snapshots of the reference tree');
  const how = await ensureTree(ctx);
  info(`reference tree ${ctx.opts.tree}: ${how}`);
  const a = path.join(ctx.tmp, 'a.json.gz');
  const b = path.join(ctx.tmp, 'b.json.gz');
  const r0 = spawnSync(ctx.cli, ['scan', ctx.opts.tree, '-o', a, '--no-progress'], { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  if (r0.status !== 0) throw new Error(`exporting the reference tree failed: ${r0.stderr.trim()}`);
  const { makeChangedExport } = await import('./diff-inputs.js');
  const ch = await makeChangedExport(a, b);
  const changes = `${ch.removedDir}/ removed, ${thousands(ch.grown)} files grown, ${thousands(ch.emptied)} emptied, ${thousands(ch.added)} added`;
  log(`B = A with ${changes}; A ${fmt(fs.statSync(a).size / 2 ** 20, 1)} MiB, B ${fmt(fs.statSync(b).size / 2 ** 20, 1)} MiB gzip`);
  const m = measure(ctx, [
    { id: 'load', label: 'diskblame scan -f A --json (one tree loaded)', argv: [ctx.cli, 'scan', '-f', a, '--json', '--no-progress'], stdout: 'null' },
    { id: 'diff', label: 'DISKBLAME_DIFF_THREADS=2 diskblame diff A B --json (B read in a second thread)', argv: ['env', 'DISKBLAME_DIFF_THREADS=2', ctx.cli, 'diff', a, b, '--json', '--no-progress'], stdout: 'capture' },
    { id: 'diff-seq', label: 'DISKBLAME_DIFF_THREADS=1 diskblame diff A B --json (one thread)', argv: ['env', 'DISKBLAME_DIFF_THREADS=1', ctx.cli, 'diff', a, b, '--json', '--no-progress'], stdout: 'null' },
  ], ctx.opts.runs);
  const load0 = loadavg1();
  const load = m.get('load')!;
  const diff = m.get('diff')!;
  if (!diff.ok) throw new Error(`diff ${diff.note ?? 'failed'}`);
  const j = JSON.parse(diff.stdout ?? '{}') as { netDiskBytes?: number; counts?: Record<string, number>; entriesBefore?: number; entriesAfter?: number };
  const seq = m.get('diff-seq')!;
  const ratioOf = (x: Measured) => (x.maxRssKB !== null && load.maxRssKB ? x.maxRssKB / load.maxRssKB : null);
  const ratio = ratioOf(diff);
  const within = (x: Measured) => x.medianWallS !== null && x.medianWallS < 5 && ratioOf(x) !== null && ratioOf(x)! < 2;
  const ok = within(diff) || within(seq);
  const lines = [
    `${thousands(j.entriesBefore ?? 0)} -> ${thousands(j.entriesAfter ?? 0)} entries; ${changes}; counted: ${JSON.stringify(j.counts)}`,
    `loading one tree (scan -f A --json): wall ${fmt(load.medianWallS)} s, peak RSS ${fmt((load.maxRssKB ?? 0) / 1024, 1)} MiB`,
    `diff (two threads, the default when a core is free): wall ${fmt(diff.medianWallS)} s (target < 5 s), peak RSS ${fmt((diff.maxRssKB ?? 0) / 1024, 1)} MiB = ${fmt(ratio)}x one tree (target < 2): ${within(diff) ? 'within targets' : 'OVER target'}`,
    `diff (one thread, the default on a busy machine): wall ${fmt(seq.medianWallS)} s, peak RSS ${fmt((seq.maxRssKB ?? 0) / 1024, 1)} MiB = ${fmt(ratioOf(seq))}x one tree: ${within(seq) ? 'within targets' : 'OVER target'}`,
    `load average ${fmt(load0, 1)} on ${os.cpus().length} cores while measuring`,
  ];
  for (const l of lines) log(l);
  return {
    title: 'Diff',
    data: { changes: ch, result: { netDiskBytes: j.netDiskBytes, counts: j.counts }, load, diff, diffOneThread: seq, rssRatio: ratio, rssRatioOneThread: ratioOf(seq), loadavg: load0, withinTargets: ok },
    markdown: ['**Diff**: two snapshots of the reference tree (B = A changed on the way through its export), median of runs, warm cache.', '', ...lines.map((l) => `- ${l}`)].join('\n'),
  };
}

async function snapshotSection(ctx: Ctx): Promise<SectionResult> {
  const how = await ensureTree(ctx);
  const tree = ctx.opts.tree;
  log(`\n== Snapshots: the reference tree (${how})`);
  if (findExe('du')) spawnSync('du', ['-sx', tree], { stdio: 'ignore' });
  const store = path.join(ctx.tmp, 'cli-store');
  const first = spawnSync(ctx.cli, ['snapshot', tree, '--store', store, '--json', '--no-progress'], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (first.status !== 0) throw new Error(`diskblame snapshot failed: ${first.stderr.trim()}`);
  const snapFile = (JSON.parse(first.stdout) as { path: string }).path;
  const cmds: Cmd[] = [
    { id: 'scan', label: 'diskblame scan --json', argv: [ctx.cli, 'scan', tree, '--json', '--no-progress'], stdout: 'null' },
    { id: 'snapshot', label: 'diskblame snapshot --json', argv: [ctx.cli, 'snapshot', tree, '--store', store, '--json', '--no-progress'], stdout: 'null' },
    { id: 'load', label: 'diskblame scan -f SNAPSHOT --json (load)', argv: [ctx.cli, 'scan', '-f', snapFile, '--json', '--no-progress'], stdout: 'null' },
    { id: 'list', label: 'diskblame snapshots --json', argv: [ctx.cli, 'snapshots', '--store', store, '--json'], stdout: 'null' },
  ];
  const m = measure(ctx, cmds, ctx.opts.runs);
  const { measureSnapshotCost } = await import('./snapshot-cost.js');
  info('in-process breakdown (one run)');
  const c = await measureSnapshotCost(tree, ctx.tmp);
  const w = (id: string) => m.get(id)?.medianWallS ?? null;
  const rss = (id: string) => { const r = m.get(id)?.maxRssKB; return r == null ? null : r / 1024; };
  const MB = 2 ** 20;
  const lines = [
    `CLI, median of ${ctx.opts.runs}: scan ${fmt(w('scan'))} s (${fmt(rss('scan'), 0)} MiB), snapshot ${fmt(w('snapshot'))} s (${fmt(rss('snapshot'), 0)} MiB): ×${fmt(w('snapshot') && w('scan') ? w('snapshot')! / w('scan')! : null)} a scan; ` +
      `loading the snapshot ${fmt(w('load'))} s (${fmt(rss('load'), 0)} MiB) vs rescanning ${fmt(w('scan'))} s: ${w('load') !== null && w('scan') !== null ? (w('load')! < w('scan')! ? 'faster' : 'NOT faster') : '?'}`,
    `snapshot file: ${fmt(c.fileBytes / MB, 1)} MiB for ${thousands(c.entries)} entries (${fmt(c.bytesPerEntry, 1)} B/entry; target < 20 MB: ${c.fileBytes < 20e6 ? 'met' : 'NOT met'})`,
    `in-process: scan ${fmt(c.scanMs, 0)} ms; then volume ${fmt(c.costMs.volume, 0)} ms, kinds ${fmt(c.costMs.kinds, 0)} ms, deleted-open (/proc) ${fmt(c.costMs.deletedOpen, 0)} ms, write (JSON + gzip + fsync) ${fmt(c.costMs.write, 0)} ms, usage sample ${fmt(c.costMs.sample, 0)} ms; load into a tree ${fmt(c.loadMs, 0)} ms`,
    `gzip trade-off: ${c.variants.map((v) => `${v.label} ${fmt(v.bytes / MB, 1)} MiB in ${fmt(v.ms, 0)} ms`).join('; ')}`,
    `listing ${c.listCount} snapshots of ${thousands(c.entries)} entries (head and tail of each file): ${fmt(c.listMs, 0)} ms${c.listBad ? `, ${c.listBad} BAD` : ''}`,
  ];
  for (const l of lines) log(l);
  return {
    title: 'Snapshots',
    data: { cli: Object.fromEntries([...m.values()].map((x) => [x.id, { label: x.label, medianWallS: x.medianWallS, maxRssKB: x.maxRssKB, note: x.note }])), inProcess: c },
    markdown: ['**Snapshots** (reference tree)', '', ...lines.map((l) => `- ${l}`)].join('\n'),
  };
}

/**
 * Issue 16: the kinds of data on its labelled fixture (test/helpers/kinds-fixture.ts, built in the
 * scratch dir): precision and recall per kind (targets: precision >= 0.98 and recall >= 0.95 on
 * every kind), up to 5 misses and false positives each, the fixture's build time and the
 * classification's (scan, owned mask, categorize: median of --runs). Then the same on the held-out
 * fixture (test/helpers/kinds-heldout.ts: other cases of the same kinds, which the classifier was
 * not tuned on), a second table; and on the second held-out fixture
 * (test/helpers/kinds-heldout2.ts, written without reading the rules, first run 2026-12-02), a
 * third, with all its misses and false positives; and on the third (test/helpers/kinds-heldout3.ts,
 * also written blind, not run by its author), a fourth, the same columns and all its misses.
 */
async function kindsSection(ctx: Ctx): Promise<SectionResult> {
  const k = await import('../test/helpers/kinds-fixture.js');
  const h = await import('../test/helpers/kinds-heldout.js');
  const h2 = await import('../test/helpers/kinds-heldout2.js');
  const h3 = await import('../test/helpers/kinds-heldout3.js');
  log(`\n== Kinds of data on the labelled fixture (issue 16; targets: precision >= ${k.PRECISION_TARGET}, recall >= ${k.RECALL_TARGET} on every kind)`);
  /** one fixture built in dir, classified --runs times: its lines of text, its markdown table and data; up to `max` misses and false positives listed per kind */
  const measure = async (name: string, build: (dir: string) => Promise<Parameters<typeof k.classifyFixture>[0]>, max = 5) => {
    const dir = path.join(ctx.tmp, name);
    fs.mkdirSync(dir);
    const fx = await build(dir);
    const runs: Awaited<ReturnType<typeof k.classifyFixture>>[] = [];
    for (let r = 0; r < Math.max(1, ctx.opts.runs); r++) runs.push(await k.classifyFixture(fx));
    const c = runs[0];
    const ms = { scan: median(runs.map((x) => x.scanMs)), owned: median(runs.map((x) => x.ownedMs)), categorize: median(runs.map((x) => x.categorizeMs)) };
    const score = k.scoreKinds(fx.labels, c.predicted);
    const decoys = [...fx.labels.values()].filter((v) => v === null).length;
    const head = [
      `fixture: ${thousands(fx.labels.size)} regular files (${decoys} decoys, ${fx.owned.size} of them in dpkg lists), built in ${fmt(fx.buildMs, 0)} ms; core dumps: ${fx.coreMade ?? 'none'}${fx.notes.length ? ` (${fx.notes.join('; ')})` : ''}`,
      `classification, median of ${runs.length}: ${fmt(ms.scan + ms.owned + ms.categorize, 1)} ms (scan ${fmt(ms.scan, 1)}, owned mask ${fmt(ms.owned, 1)}, categorize ${fmt(ms.categorize, 1)})`,
    ];
    for (const l of [...head, ...k.scoreLines(score, fx, c.predicted, max)]) log(l);
    const md = ['| kind | labelled files | precision | recall | targets |', '|---|---:|---:|---:|---|'];
    for (const kind of k.KINDS) {
      const x = score[kind];
      md.push(`| ${kind} | ${x.labelled} | ${fmt(x.precision, 3)} | ${fmt(x.recall, 3)} | ${k.meetsTargets(x) ? 'met' : 'NOT met'} |`);
    }
    const listed = (what: string, xs: string[]) => (xs.length ? [`- ${what} (${xs.length}): ${xs.slice(0, max).map((p) => `\`${p}\``).join(', ')}${xs.length > max ? ', ...' : ''}`] : []);
    md.push('');
    for (const kind of k.KINDS) md.push(...listed(`${kind} missed`, score[kind].misses), ...listed(`${kind} false positives`, score[kind].falsePositives));
    const data = {
      files: fx.labels.size,
      decoys,
      coreMade: fx.coreMade,
      notes: fx.notes,
      buildMs: fx.buildMs,
      classifyMs: ms,
      runs: runs.length,
      kinds: Object.fromEntries(k.KINDS.map((kind) => { const x = score[kind]; return [kind, { labelled: x.labelled, tp: x.tp, fp: x.fp, fn: x.fn, precision: x.precision, recall: x.recall, met: k.meetsTargets(x), misses: x.misses, falsePositives: x.falsePositives }]; })),
    };
    return { data, markdown: [...head.map((l) => `- ${l}`), '', ...md] };
  };
  const tuned = await measure('kinds', k.buildKindsFixture);
  log('\n-- held out (test/helpers/kinds-heldout.ts: written apart from the rules, then tuned on: see the README for its first run)');
  const heldOut = await measure('kinds-heldout', h.buildHeldoutFixture);
  const blind = 'held out 2 (written blind, then tuned on: first run in its test file)';
  log(`\n-- ${blind}: test/helpers/kinds-heldout2.ts, all misses`);
  const heldOut2 = await measure('kinds-heldout2', h2.buildHeldout2Fixture, 1000);
  const blind3 = 'held out 3 (written blind, then tuned on: first run in its test file)';
  log(`\n-- ${blind3}: test/helpers/kinds-heldout3.ts, all misses`);
  const heldOut3 = await measure('kinds-heldout3', h3.buildHeldout3Fixture, 1000);
  return {
    title: 'Kinds of data',
    data: { ...tuned.data, heldOut: heldOut.data, heldOut2: heldOut2.data, heldOut3: heldOut3.data },
    markdown: ['**Kinds of data** (issue 16, the labelled fixture of test/helpers/kinds-fixture.ts)', '', ...tuned.markdown, '', '**Held out** (test/helpers/kinds-heldout.ts: other cases of the same kinds, not tuned on)', '', ...heldOut.markdown, '', `**${blind[0].toUpperCase()}${blind.slice(1)}** (test/helpers/kinds-heldout2.ts)`, '', ...heldOut2.markdown, '', `**${blind3[0].toUpperCase()}${blind3.slice(1)}** (test/helpers/kinds-heldout3.ts)`, '', ...heldOut3.markdown].join('\n'),
  };
}

/** Add a section here: `{ id, title, run }`; run returns null when it skips itself. */
/** The standalone binary: start-up against the bundle, sizes (binary, .xz, bundle). */
async function binarySection(ctx: Ctx): Promise<SectionResult> {
  log('\n== Standalone binary: start-up of --version against the bundle (alternated runs)');
  const { measureBinaryStartup } = await import('./binary-startup.js');
  const r = await measureBinaryStartup({ runs: Math.max(15, ctx.opts.runs * 5) });
  for (const l of r.lines) log(l);
  return { title: 'Standalone binary', data: r, markdown: ['**Standalone binary**', '', ...r.lines.map((l) => `- ${l}`)].join('\n') };
}

/**
 * `--remote` to this machine over a real sshd on 127.0.0.1 (started here, as the tests start it,
 * root's login: the bundle streamed to its node) against a local scan of the same tree, whole
 * commands alternated; and the bytes the channel carried per entry (in process).
 */
async function remoteSection(ctx: Ctx): Promise<SectionResult | null> {
  log('\n== --remote over ssh to 127.0.0.1 against a local scan (the channel\'s overhead)');
  const { sshdAvailable, startSshd } = await import('../test/helpers/sshd.js');
  const why = sshdAvailable();
  if (why) {
    log(`skipped: ${why}`);
    return null;
  }
  const { measureRemoteCost } = await import('./remote-cost.js');
  const { launchAgent } = await import('../src/remote/launch.js');
  const sshd = await startSshd();
  const rows: string[] = [];
  const data: Record<string, unknown> = {};
  try {
    const spec = `root@127.0.0.1:${sshd.port}`;
    const trees = [ctx.opts.tree, ...(ctx.opts.skipUsr ? [] : ['/usr'])];
    for (const tree of trees) {
      if (!fs.existsSync(tree)) continue;
      const cmds: Cmd[] = [
        { id: 'local', label: 'scan --json', argv: [ctx.cli, 'scan', tree, '--json', '--no-progress', '--no-sample'], stdout: 'capture' },
        {
          id: 'remote',
          label: 'scan --remote root@127.0.0.1 --json',
          argv: [ctx.cli, 'scan', tree, '--remote', spec, `--ssh-option=-F${sshd.config}`, '--json', '--no-progress', '--no-sample'],
          stdout: 'capture',
        },
      ];
      const m = measure(ctx, cmds, ctx.opts.runs);
      const l = m.get('local')!;
      const rm = m.get('remote')!;
      const same = l.stdout && rm.stdout ? (JSON.parse(l.stdout) as OurJson).diskBytes === (JSON.parse(rm.stdout) as OurJson).diskBytes : false;
      const cost = await measureRemoteCost(tree, (_t, o) => launchAgent(sshd.target('root'), o));
      const line =
        `${tree} (${thousands(cost.entries)} entries): local ${fmt(l.medianWallS)} s, --remote ${fmt(rm.medianWallS)} s ` +
        `(${l.medianWallS && rm.medianWallS ? fmt(rm.medianWallS / l.medianWallS, 2) : '?'}×, median of ${ctx.opts.runs} alternated runs); ` +
        `${thousands(cost.bytesReceived)} bytes over the channel = ${fmt(cost.bytesPerEntry, 2)} B/entry; totals ${same && cost.same ? 'equal' : 'DIFFER'}`;
      log(line);
      rows.push(line);
      data[tree] = { local: l, remote: rm, cost, same };
    }
  } finally {
    sshd.stop();
  }
  return { title: '--remote', data, markdown: ['**--remote over ssh to 127.0.0.1**', '', ...rows.map((r) => `- ${r}`)].join('\n') };
}

// ---------------------------------------------------------------------------------------------
// fleet: issue 14's scale, `fleet --prometheus URL` over 1,000 volumes x 30 days at 5 minutes

/** CPU seconds (user + sys) process PID has used so far, from /proc, or null. */
function procCpuS(pid: number): number | null {
  try {
    const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const rest = f.slice(f.lastIndexOf(')') + 2).split(' ');
    return (Number(rest[11]) + Number(rest[12])) / 100;
  } catch {
    return null;
  }
}

/** Resets process PID's peak RSS (VmHWM) to its current RSS (Linux 4.0+, /proc/PID/clear_refs); false when it cannot. */
function resetPeak(pid: number): boolean {
  try {
    fs.writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/** VmHWM of process PID (kB): its peak RSS since it started or since resetPeak, or null. */
function procPeakKB(pid: number): number | null {
  try {
    const m = /^VmHWM:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

const quantile = (xs: number[], q: number): number | null => {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))]!;
};

/** What the bench reads from `fleet --json` (the FleetResult of src/fleet/types.ts, as the command prints it). */
interface FleetJson {
  volumes: Array<{ instance: string; mountpoint: string; fillsAt?: string | number | null; reason?: string | null; modelMs?: number; points?: number }>;
  stepSeconds?: number;
  durationMs?: number;
  queryMs?: number;
  modelMs?: number;
  serverQueryMs?: number | null;
  queries?: number;
  series?: number;
  errors?: string[];
}

/**
 * The fleet's bench: a real prometheus (test/helpers/prometheus.ts) on the TSDB of fleet-data.ts
 * (built once under the bench tree's parent, reused while its key matches), `fleet --json` timed
 * against the same end and range after a warm-up run, then a bare fetch of the same history by
 * curl (one query_range per metric over every series: what Prometheus alone takes to answer). Per
 * run: wall, CPU, peak RSS of ours, CPU and peak RSS of the prometheus process (VmHWM reset before
 * each run); from --json: volumes, series, queries, the per-volume model time (median, p95), the
 * time in the model and Prometheus' own evaluation time.
 */
async function fleetSection(ctx: Ctx): Promise<SectionResult | null> {
  log('\n== fleet: `fleet --prometheus URL --json` on 1,000 volumes x 30 days at 5 min (a real prometheus)');
  for (const t of ['prometheus', 'promtool']) {
    if (!findExe(t)) {
      log(`skipped: ${t} not installed (apt-get install prometheus)`);
      return null;
    }
  }
  const { ensureFleetTsdb, FLEET_BENCH_SPEC } = await import('./fleet-data.js');
  const { startPrometheus } = await import('../test/helpers/prometheus.js');
  const spec = FLEET_BENCH_SPEC;
  const root = path.dirname(ctx.opts.tree);
  fs.mkdirSync(root, { recursive: true });
  const tsdb = await ensureFleetTsdb(root, spec, firstLine('promtool', ['--version']) ?? '?', info);
  info(`fleet TSDB ${tsdb.dir}: ${tsdb.how}`);
  const prom = await startPrometheus({ dataDir: tsdb.dir, interval: '1h' });
  try {
    const at = new Date(spec.end).toISOString();
    const fleetArgv = [ctx.cli, 'fleet', '--prometheus', prom.url, '--json', '--at', at, '--range', `${spec.days}d`];
    info('warm-up run (prometheus reads its blocks into the page cache)');
    const warm = spawnSync(fleetArgv[0]!, fleetArgv.slice(1), { encoding: 'utf8', maxBuffer: 1 << 28, timeout: 600_000 });
    if (warm.status !== 0) throw new Error(`fleet failed (exit ${warm.status}): ${(warm.stderr ?? '').trim().split('\n')[0]}`);
    const w = JSON.parse(warm.stdout) as FleetJson;
    const step = w.stepSeconds ?? spec.scrapeS;
    const q = (metric: string): string =>
      `${prom.url}/api/v1/query_range?${new URLSearchParams({ query: metric, start: String((spec.end - spec.days * 86_400_000) / 1000), end: String(spec.end / 1000), step: String(step) })}`;
    const cmds: Cmd[] = [
      { id: 'fleet', label: `diskblame fleet --json --range ${spec.days}d`, argv: fleetArgv, stdout: 'capture' },
      {
        id: 'curl',
        label: 'curl: query_range of size and avail, every series, one query each (Prometheus alone)',
        argv: ['curl', '-sS', '--fail', '-o', '/dev/null', q('node_filesystem_size_bytes'), '-o', '/dev/null', q('node_filesystem_avail_bytes')],
        stdout: 'null',
      },
    ];
    const load0 = loadavg1();
    type Sample = RunSample & { promCpuS: number | null; promPeakKB: number | null };
    const samples = new Map<string, Sample[]>(cmds.map((c) => [c.id, []]));
    const jsons: FleetJson[] = [];
    const notes: string[] = [];
    // the fleet's runs first, then curl's: a Go process keeps the memory of curl's big answers
    // (its RSS stays near its peak), which would stand in the fleet runs' peak otherwise
    for (const c of cmds) {
      for (let run = 1; run <= ctx.opts.runs; run++) {
        const reset = resetPeak(prom.pid);
        const p0 = procCpuS(prom.pid);
        const m = measure(ctx, [c], 1).get(c.id)!;
        const p1 = procCpuS(prom.pid);
        const promPeakKB = reset ? procPeakKB(prom.pid) : null;
        if (!m.ok) {
          notes.push(`${c.label}: ${m.note}`);
          continue;
        }
        const s = m.samples[0]!;
        const promCpuS = p0 !== null && p1 !== null ? p1 - p0 : null;
        // the rest of the machine, less the prometheus serving this run
        samples.get(c.id)!.push({ ...s, promCpuS, promPeakKB, otherCpuS: s.otherCpuS !== null && promCpuS !== null ? Math.max(0, s.otherCpuS - promCpuS) : s.otherCpuS });
        if (c.id === 'fleet' && m.stdout) jsons.push(JSON.parse(m.stdout) as FleetJson);
      }
    }
    const load1 = loadavg1();
    const sum = (id: string) => {
      const xs = samples.get(id)!;
      const med = (f: (s: Sample) => number | null) => {
        const v = xs.map(f).filter((x): x is number => x !== null);
        return v.length ? median(v) : null;
      };
      return {
        runs: xs.length,
        wallS: med((s) => s.wallS),
        cpuS: med((s) => s.cpuS),
        maxRssKB: xs.some((s) => s.rssKB !== null) ? Math.max(...xs.map((s) => s.rssKB ?? 0)) : null,
        promCpuS: med((s) => s.promCpuS),
        promPeakKB: xs.some((s) => s.promPeakKB !== null) ? Math.max(...xs.map((s) => s.promPeakKB ?? 0)) : null,
        otherCores: med((s) => (s.otherCpuS === null ? null : s.otherCpuS / s.wallS)),
        walls: xs.map((s) => s.wallS),
      };
    };
    const f = sum('fleet');
    const c = sum('curl');
    const last = jsons[jsons.length - 1] ?? w;
    const vols = last.volumes ?? [];
    const perVolume = jsons.flatMap((j) => j.volumes.map((v) => v.modelMs).filter((x): x is number => typeof x === 'number'));
    const forecast = vols.filter((v) => !v.reason).length;
    const jm = (k: 'durationMs' | 'queryMs' | 'modelMs' | 'serverQueryMs') => {
      const v = jsons.map((j) => j[k]).filter((x): x is number => typeof x === 'number');
      return v.length ? median(v) : null;
    };
    const key = tsdb.key;
    // the fstype rule and discovery: exactly the data's real volumes, the tmpfs left out
    if (key.volumes !== undefined && vols.length !== key.volumes) notes.push(`MISMATCH: fleet read ${vols.length} volumes, the data has ${key.volumes}`);
    const wallOk = f.wallS !== null && f.wallS < 60;
    const rssOk = f.maxRssKB !== null && f.maxRssKB < 500 * 1024;
    const lines = [
      `data: ${thousands(key.volumes ?? 0)} volumes (${spec.instances} instances x ${spec.mountsPerInstance} mount points, plus a tmpfs /run each the fstype rule skips) x ${spec.days} days at ${spec.scrapeS / 60} min, ` +
        `${thousands(key.samples ?? 0)} samples in ${thousands(key.series ?? 0)} series (size, avail, free); TSDB ${tsdb.how}`,
      `fleet --json, median of ${f.runs} runs: **${fmt(f.wallS, 1)} s** wall (target < 60 s: ${wallOk ? 'met' : 'NOT met'}), ${fmt(f.cpuS, 1)} s CPU, peak RSS **${fmt((f.maxRssKB ?? 0) / 1024, 0)} MiB** (target < 500 MB: ${rssOk ? 'met' : 'NOT met'}); prometheus used ${fmt(f.promCpuS, 1)} s of CPU per run, peak RSS ${f.promPeakKB === null ? '?' : fmt(f.promPeakKB / 1024, 0)} MiB`,
      `it read ${thousands(vols.length)} volumes (${thousands(forecast)} forecast, ${thousands(vols.length - forecast)} with a reason), ${thousands(last.series ?? 0)} series in ${thousands(last.queries ?? 0)} queries at a ${step} s step; errors: ${(last.errors ?? []).length}`,
      `its own account (medians): whole ${fmt(jm('durationMs'), 0)} ms, in the model ${fmt(jm('modelMs'), 0)} ms (the main thread), waiting on queries ${fmt(jm('queryMs'), 0)} ms (summed over the requests in flight, overlapping the model); Prometheus' own evaluation of the queries (its stats, evalTotalTime) ${fmt(jm('serverQueryMs'), 0)} ms`,
      `model time per volume: median ${fmt(quantile(perVolume, 0.5), 1)} ms, p95 ${fmt(quantile(perVolume, 0.95), 1)} ms, max ${fmt(perVolume.length ? Math.max(...perVolume) : null, 1)} ms (${thousands(perVolume.length)} forecasts over the runs)`,
      `Prometheus alone (curl: two query_range over every series, to /dev/null): ${fmt(c.wallS, 1)} s wall, prometheus CPU ${fmt(c.promCpuS, 1)} s, peak RSS ${c.promPeakKB === null ? '?' : fmt(c.promPeakKB / 1024, 0)} MiB`,
      `load average ${fmt(load0, 1)} -> ${fmt(load1, 1)} on ${os.cpus().length} cores; other processes used ${fmt(f.otherCores, 2)} cores during the fleet runs (median; prometheus not counted)`,
      ...notes,
    ];
    for (const l of lines) log(l.replace(/\*\*/g, ''));
    return {
      title: 'fleet',
      data: { spec, tsdb: { dir: tsdb.dir, how: tsdb.how, key }, fleet: f, curl: c, perVolumeModelMs: { median: quantile(perVolume, 0.5), p95: quantile(perVolume, 0.95), n: perVolume.length }, json: { durationMs: jm('durationMs'), queryMs: jm('queryMs'), modelMs: jm('modelMs'), serverQueryMs: jm('serverQueryMs'), queries: last.queries, series: last.series, volumes: vols.length, forecast, errors: last.errors }, loadavg: [load0, load1], targets: { wallOk, rssOk }, notes },
      markdown: ['**fleet** (`npm run bench -- --only fleet`)', '', ...lines.map((l) => `- ${l}`)].join('\n'),
    };
  } finally {
    await prom.stop();
  }
}

// ---------------------------------------------------------------------------------------------
// realShape: issue 13's target table, on /usr and on /usr's shape copied to about 1M entries

/** One row of issue 13's targets: the figure before the work, the minimum and the goal (lower is better; null: none). */
interface IssueTarget {
  today: string;
  min: number | null;
  goal: number | null;
  /** the figures are ratios (printed with an x) */
  ratio: boolean;
}
const ISSUE13: Record<'usr' | 'usrBusy' | 'real' | 'realBusy' | 'bytesPerEntry' | 'version' | 'snapshot' | 'import', IssueTarget> = {
  usr: { today: '1.8x', min: 1.3, goal: 1.0, ratio: true },
  usrBusy: { today: '3.5x', min: null, goal: null, ratio: true },
  real: { today: '1.2x', min: 1.0, goal: 0.7, ratio: true },
  realBusy: { today: '2.1x', min: null, goal: null, ratio: true },
  bytesPerEntry: { today: '122', min: 64, goal: 48, ratio: false },
  version: { today: '2.2x', min: 1.5, goal: 1.2, ratio: true },
  snapshot: { today: '1.3-2x', min: 1.2, goal: 1.1, ratio: true },
  import: { today: '2.4x', min: 1.5, goal: 1.0, ratio: true },
};

const against = (v: number | null, t: IssueTarget): string =>
  v === null ? '?' : t.goal !== null && v <= t.goal ? 'meets goal' : t.min === null ? '' : v <= t.min ? 'meets minimum' : 'OVER minimum';

/** A CPU-bound loop that ends itself when its parent is gone (its parent id changes). */
const BUSY_LOOP = 'const p = process.ppid; for (;;) { for (let i = 0; i < 1e7; i++); if (process.ppid !== p) process.exit(0); }';

/**
 * Keep `n` cores busy (one CPU-bound process each) until the returned stop() runs (the caller's
 * finally); also stopped when this process exits. On a signal no JS handler could run while a
 * measured command holds the thread (spawnSync), so none is installed: SIGINT / SIGTERM end the
 * bench at once as usual, and each loop then ends itself within milliseconds (BUSY_LOOP).
 */
function startBusy(n: number): () => void {
  const kids = Array.from({ length: n }, () => spawn(process.execPath, ['-e', BUSY_LOOP], { stdio: 'ignore' }));
  const stop = (): void => {
    for (const k of kids) if (k.exitCode === null && k.signalCode === null) k.kill('SIGKILL');
    process.off('exit', stop);
  };
  process.on('exit', stop);
  return stop;
}

/** `du -sbx` and `du -sx -B1` of `tree` (bytes), or null without du. */
function duTotals(tree: string): { apparent: number; disk: number } | null {
  if (!findExe('du')) return null;
  const one = (args: string[]): number => Number(spawnSync('du', [...args, tree], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).stdout?.split(/\s/)[0]);
  return { apparent: one(['-sbx']), disk: one(['-sx', '-B1']) };
}

/** Our totals (the JSON of `scan --json`) against du's before and after the runs; ok null: not checkable. */
function checkTotals(what: string, stdout: string | undefined, before: ReturnType<typeof duTotals>, after: ReturnType<typeof duTotals>): { ok: boolean | null; text: string } {
  if (!before || !after) return { ok: null, text: `${what}: not checked (no du)` };
  if (before.apparent !== after.apparent || before.disk !== after.disk) return { ok: null, text: `${what}: not checked (the tree changed during the runs: du ${thousands(before.apparent)} then ${thousands(after.apparent)} bytes)` };
  let j: OurJson;
  try {
    j = JSON.parse(stdout ?? '') as OurJson;
  } catch {
    return { ok: false, text: `${what}: no JSON to check` };
  }
  const ok = j.apparentBytes === before.apparent && j.diskBytes === before.disk && !j.incomplete && !j.errors;
  return {
    ok,
    text: `${what}: ${ok ? 'equal to du' : 'DIFFERS from du'} (apparent ${thousands(j.apparentBytes)} vs du -sbx ${thousands(before.apparent)}, disk ${thousands(j.diskBytes)} vs du -sx -B1 ${thousands(before.disk)}${j.errors ? `, ${j.errors} errors` : ''}${j.incomplete ? ', incomplete' : ''})`,
  };
}

interface ScanRow {
  tree: string;
  busy: boolean;
  entries: number | null;
  duWallS: number | null;
  /** wall time over du's */
  ours: number | null;
  oursThreads1: number | null;
  /**
   * busy rows: the default's wall time over --threads 1's, run by run (the two alternate, so each
   * pair met the same load), median of the runs
   */
  pairedThreads1: number | null;
  /** busy rows: scanning threads the default started, in each run (DISKBLAME_SCAN_STATS) */
  threadsStarted: number[];
  ncdu: number | null;
  gdu: number | null;
  /** (peak RSS of `scan --json` - peak RSS of `node -e 0`) / entries, when node was measured beside */
  bytesPerEntry: number | null;
  /** CPU seconds per second the rest of the machine used during the runs */
  otherCores: number | null;
  checks: { ok: boolean | null; text: string }[];
  measured: Record<string, { label: string; medianWallS: number | null; maxRssKB: number | null; note?: string }>;
}

/** the median of a/b run by run (runs paired in order), or null */
function pairedRatio(a: Measured | undefined, b: Measured | undefined): number | null {
  if (!a || !b || !a.ok || !b.ok) return null;
  const n = Math.min(a.samples.length, b.samples.length);
  const r: number[] = [];
  for (let i = 0; i < n; i++) r.push(a.samples[i]!.wallS / b.samples[i]!.wallS);
  return r.length ? median(r) : null;
}

/** du, ncdu, gdu and us on `tree`, alternated (plus `--threads 1` when busy, `node -e 0` when asked). */
function scanRow(ctx: Ctx, tree: string, busy: boolean, withNode: boolean): ScanRow {
  const ours = (id: string, extra: string[]): Cmd => ({
    id,
    label: `diskblame scan --json${extra.length ? ' ' + extra.join(' ') : ''}`,
    argv: [ctx.cli, 'scan', tree, '--json', '--top', '10', '--no-progress', '--no-sample', ...extra],
    stdout: 'capture',
    // busy: each run says which scanning threads it started (a line per thread on stderr)
    ...(busy ? { env: { DISKBLAME_SCAN_STATS: '1' }, keepStderr: true } : {}),
  });
  const cmds: Cmd[] = [
    { id: 'du', label: 'du -sx', argv: ['du', '-sx', tree], stdout: 'null' },
    { id: 'ncdu', label: 'ncdu -0 -x -o /dev/null', argv: ['ncdu', '-0', '-x', '-o', '/dev/null', tree], stdout: 'null' },
    { id: 'gdu', label: 'gdu -n -p -x', argv: ['gdu', '-n', '-p', '-x', tree], stdout: 'null' },
    ours('ours', []),
    ...(busy ? [ours('ours-t1', ['--threads', '1'])] : []),
    ...(withNode ? [{ id: 'node', label: 'node -e 0', argv: [ctx.nodeOnPath ?? process.execPath, '-e', '0'], stdout: 'null' } as Cmd] : []),
  ];
  if (findExe('du')) spawnSync('du', ['-sx', tree], { stdio: 'ignore' }); // warm the cache
  const before = duTotals(tree);
  // the default and --threads 1 trade places every other run (the one after gdu is not always ours)
  const m = measure(ctx, cmds, ctx.opts.runs, [0], busy ? ['ours', 'ours-t1'] : undefined);
  const after = duTotals(tree);
  const w = (id: string): number | null => m.get(id)?.medianWallS ?? null;
  const du = w('du');
  const r = (id: string): number | null => (w(id) !== null && du ? w(id)! / du : null);
  let entries: number | null = null;
  try {
    entries = (JSON.parse(m.get('ours')?.stdout ?? '') as OurJson).entries;
  } catch {
    /* failed: reported by its note */
  }
  const rss = m.get('ours')?.maxRssKB ?? null;
  const node = m.get('node')?.maxRssKB ?? null;
  const all = [...m.values()].flatMap((x) => x.samples).filter((s) => s.otherCpuS !== null);
  const checks = [checkTotals(`${tree}${busy ? ' (busy)' : ''}`, m.get('ours')?.stdout, before, after)];
  if (busy) checks.push(checkTotals(`${tree} --threads 1 (busy)`, m.get('ours-t1')?.stdout, before, after));
  for (const x of m.values()) if (!x.ok && x.note && (x.id === 'ours' || x.id === 'ours-t1')) checks.push({ ok: false, text: `${x.label} on ${tree}: ${x.note}` });
  return {
    tree,
    busy,
    entries,
    duWallS: du,
    ours: r('ours'),
    oursThreads1: busy ? r('ours-t1') : null,
    pairedThreads1: busy ? pairedRatio(m.get('ours'), m.get('ours-t1')) : null,
    threadsStarted: busy ? (m.get('ours')?.samples ?? []).map((s) => (s.stderr ?? '').split('\n').filter((l) => /^ {2}worker \d+: started at/.test(l)).length) : [],
    ncdu: r('ncdu'),
    gdu: r('gdu'),
    bytesPerEntry: rss !== null && node !== null && entries ? ((rss - node) * 1024) / entries : null,
    otherCores: all.length ? all.reduce((a, s) => a + s.otherCpuS!, 0) / all.reduce((a, s) => a + s.wallS, 0) : null,
    checks,
    measured: Object.fromEntries([...m.values()].map((x) => [x.id, { label: x.label, medianWallS: x.medianWallS, maxRssKB: x.maxRssKB, ...(x.note ? { note: x.note } : {}) }])),
  };
}

/**
 * CPU time (user + system, seconds) per run of each command, alternated: `rounds` rounds, each
 * running every command `k` times in a row under bash (its `times` reports the children's CPU to
 * the millisecond, finer than GNU time's 10 ms). Median per command; null when it failed.
 */
function cpuPerRun(cmds: { id: string; argv: string[] }[], rounds: number, k: number): Map<string, number | null> {
  const per = new Map<string, number[]>(cmds.map((c) => [c.id, []]));
  const script = `for ((i = 0; i < ${k}; i++)); do "$@" > /dev/null 2>&1 || exit 1; done; times`;
  for (let r = 0; r < rounds; r++)
    for (const c of cmds) {
      const x = spawnSync('bash', ['-c', script, 'cpu', ...c.argv], { encoding: 'utf8' });
      const t = (x.stdout ?? '').trim().split('\n')[1]?.match(/(\d+)m([\d.]+)s\s+(\d+)m([\d.]+)s/);
      if (x.status === 0 && t) per.get(c.id)!.push((Number(t[1]) * 60 + Number(t[2]) + Number(t[3]) * 60 + Number(t[4])) / k);
    }
  return new Map([...per].map(([id, xs]) => [id, xs.length === rounds ? median(xs) : null]));
}

/** The reader the CLI says it uses: the second line of `--version` ("reader: ..."), else "unknown". */
function readerInUse(ctx: Ctx): string {
  const r = spawnSync(ctx.nodeOnPath ?? process.execPath, [ctx.cli, '--version'], { encoding: 'utf8' });
  const m = /^reader:\s*(.+)$/.exec((r.stdout ?? '').split('\n')[1]?.trim() ?? '');
  return m ? m[1]! : 'unknown';
}

async function realShapeSection(ctx: Ctx): Promise<SectionResult> {
  const { ensureRealTree, defaultDest } = await import('./realtree.js');
  const shape = ctx.opts.shape;
  const dest = ctx.opts.realTree ?? defaultDest(shape, path.dirname(ctx.opts.tree));
  const rel = path.relative(ctx.repo, dest);
  if (!rel.startsWith('..') && !path.isAbsolute(rel)) throw new Error(`the real-shaped tree must not be inside the repository (${dest})`);
  const reader = readerInUse(ctx);
  log(`\n== Real-shaped trees (issue 13's targets): ${shape} and its shape copied to about ${thousands(ctx.opts.entries)} entries; reader: ${reader}`);
  const rt = ensureRealTree({ shape, dest, entries: ctx.opts.entries, linkEvery: 250, progress: info });
  if (rt.how.startsWith('built')) {
    info('flushing the new tree to disk (sync), so that writeback does not disturb the timings');
    spawnSync('sync', [], { stdio: 'ignore' });
  }
  const describe = `${shape}'s shape × ${rt.copies} = ${thousands(rt.entries)} entries, sparse files, ${thousands(rt.plannedLinks)} planned hard links (${rt.how})`;
  log(describe);
  const node = ctx.nodeOnPath ?? process.execPath;

  info(`quiet machine (as quiet as it is): ${shape}`);
  const usr = scanRow(ctx, shape, false, false);
  info(`quiet machine: ${dest}`);
  const real = scanRow(ctx, dest, false, true);

  info('--version CPU against node -e 0 (alternated, bash times)');
  const bundle = path.join(ctx.repo, 'dist', 'diskblame.cjs');
  const vcmds = [
    { id: 'node', argv: [node, '-e', '0'] },
    { id: 'bundle', argv: [node, bundle, '--version'] },
    { id: 'cli', argv: [node, path.join(ctx.repo, 'dist', 'cli', 'main.js'), '--version'] },
  ].filter((c) => c.id !== 'bundle' || fs.existsSync(bundle));
  const cpu = cpuPerRun(vcmds, Math.max(7, ctx.opts.runs * 3), 5);
  const cpuRatio = (id: string): number | null => (cpu.get(id) != null && cpu.get('node') ? cpu.get(id)! / cpu.get('node')! : null);

  info(`snapshot against scan: ${dest}`);
  const store = path.join(ctx.tmp, 'realshape-store');
  const sm = measure(ctx, [
    { id: 'scan', label: 'diskblame scan --json', argv: [ctx.cli, 'scan', dest, '--json', '--no-progress', '--no-sample'], stdout: 'null' },
    { id: 'snapshot', label: 'diskblame snapshot --json', argv: [ctx.cli, 'snapshot', dest, '--store', store, '--json', '--no-progress'], stdout: 'null' },
  ], ctx.opts.runs);
  const sw = (id: string): number | null => sm.get(id)?.medianWallS ?? null;
  const snapRatio = sw('scan') && sw('snapshot') !== null ? sw('snapshot')! / sw('scan')! : null;

  info(`import: scan -f of ${dest}'s ncdu export against ncdu -f`);
  const exportFile = path.join(ctx.tmp, 'realshape-ncdu.json');
  const hasNcdu = !!findExe('ncdu');
  const ex = hasNcdu
    ? spawnSync('ncdu', ['-0', '-x', '-o', exportFile, dest], { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' })
    : spawnSync(ctx.cli, ['scan', dest, '-o', exportFile, '--no-progress', '--no-sample'], { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  if (ex.status !== 0) throw new Error(`exporting ${dest} failed: ${(ex.stderr ?? '').trim().split('\n')[0]}`);
  const exportMade = `${hasNcdu ? 'ncdu -0 -x -o' : 'diskblame scan -o (no ncdu)'}: ${fmt(fs.statSync(exportFile).size / 2 ** 20, 1)} MiB`;
  const duAtExport = duTotals(dest);
  const im = measure(ctx, [
    { id: 'ncdu', label: 'ncdu -f FILE -o /dev/null', argv: ['ncdu', '-f', exportFile, '-o', '/dev/null'], stdout: 'null' },
    { id: 'ours', label: 'diskblame scan -f FILE --json', argv: [ctx.cli, 'scan', '-f', exportFile, '--json', '--no-progress', '--no-sample'], stdout: 'capture' },
  ], ctx.opts.runs);
  const iw = (id: string): number | null => im.get(id)?.medianWallS ?? null;
  const importRatio = iw('ncdu') && iw('ours') !== null ? iw('ours')! / iw('ncdu')! : null;
  const importCheck = checkTotals(`scan -f of ${dest}'s export`, im.get('ours')?.stdout, duAtExport, duAtExport);

  const cores = os.cpus().length;
  info(`busy machine: a CPU-bound loop on each of ${cores} cores`);
  let usrBusy: ScanRow;
  let realBusy: ScanRow;
  const stop = startBusy(cores);
  try {
    usrBusy = scanRow(ctx, shape, true, false);
    realBusy = scanRow(ctx, dest, true, false);
  } finally {
    stop();
  }

  // the table
  const x = (v: number | null): string => (v === null ? '–' : `${fmt(v)}x`);
  interface Line {
    target: string;
    t: IssueTarget;
    ours: string;
    value: number | null;
    ncdu?: string;
    gdu?: string;
    threads1?: string;
    verdict: string;
  }
  // The default against --threads 1, by the median of the paired runs. When the default started no
  // scanning thread in any run, it ran --threads 1's scan (plus its looks at the idle processors):
  // a gap is then the busy machine's noise, and the verdict says so rather than calling it slower.
  const threadsVerdict = (s: ScanRow): string => {
    if (s.pairedThreads1 === null) return '?';
    const paired = `paired median ${s.pairedThreads1.toFixed(2)}`;
    if (s.pairedThreads1 <= 1) return `default ≤ --threads 1 (${paired})`;
    const none = s.threadsStarted.length > 0 && s.threadsStarted.every((t) => t === 0);
    return none
      ? `no thread started (${s.threadsStarted.length}/${s.threadsStarted.length} runs): --threads 1's own scan, ${paired} is noise`
      : `default SLOWER than --threads 1 (${paired}; threads started ${s.threadsStarted.join('/')})`;
  };
  const shapeName = shape;
  const big = ctx.opts.entries === 1_000_000 ? '1M real-shaped' : `${thousands(rt.entries)}-entry real-shaped`;
  const lines: Line[] = [
    { target: `${shapeName}, wall vs \`du -sx\``, t: ISSUE13.usr, ours: x(usr.ours), value: usr.ours, ncdu: x(usr.ncdu), gdu: x(usr.gdu), verdict: against(usr.ours, ISSUE13.usr) },
    { target: `${shapeName} BUSY, wall vs \`du -sx\``, t: ISSUE13.usrBusy, ours: x(usrBusy.ours), value: usrBusy.ours, ncdu: x(usrBusy.ncdu), gdu: x(usrBusy.gdu), threads1: x(usrBusy.oursThreads1), verdict: threadsVerdict(usrBusy) },
    { target: `${big}, wall vs \`du -sx\``, t: ISSUE13.real, ours: x(real.ours), value: real.ours, ncdu: x(real.ncdu), gdu: x(real.gdu), verdict: against(real.ours, ISSUE13.real) },
    { target: `${big} BUSY, wall vs \`du -sx\``, t: ISSUE13.realBusy, ours: x(realBusy.ours), value: realBusy.ours, ncdu: x(realBusy.ncdu), gdu: x(realBusy.gdu), threads1: x(realBusy.oursThreads1), verdict: threadsVerdict(realBusy) },
    { target: `${big}, bytes per entry over bare node`, t: ISSUE13.bytesPerEntry, ours: fmt(real.bytesPerEntry, 0), value: real.bytesPerEntry, verdict: against(real.bytesPerEntry, ISSUE13.bytesPerEntry) },
    { target: '`--version` CPU vs `node -e 0`', t: ISSUE13.version, ours: `${x(cpuRatio('bundle'))} (tsc build ${x(cpuRatio('cli'))})`, value: cpuRatio('bundle'), verdict: against(cpuRatio('bundle'), ISSUE13.version) },
    { target: `\`snapshot\` vs \`scan\` (${big})`, t: ISSUE13.snapshot, ours: x(snapRatio), value: snapRatio, verdict: against(snapRatio, ISSUE13.snapshot) },
    { target: `\`scan -f\` of the ${big} tree's ncdu export vs \`ncdu -f\``, t: ISSUE13.import, ours: x(importRatio), value: importRatio, verdict: against(importRatio, ISSUE13.import) },
  ];
  const num = (v: number | null, t: IssueTarget): string => (v === null ? '–' : t.ratio ? `${v.toFixed(1)}x` : `${v}`);
  const head = ['target', 'today', 'minimum', 'goal', 'diskblame', '--threads 1', 'ncdu', 'gdu', 'verdict'];
  const cells = lines.map((l) => [l.target.replace(/`/g, ''), l.t.today, num(l.t.min, l.t), num(l.t.goal, l.t), l.ours, l.threads1 ?? '', l.ncdu ?? '', l.gdu ?? '', l.verdict]);
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const row = (c: string[]): string => c.map((v, i) => (i === 0 || i === c.length - 1 ? v.padEnd(widths[i]!) : v.padStart(widths[i]!))).join('  ').trimEnd();
  log(row(head));
  for (const c of cells) log(row(c));

  const checks = [...usr.checks, ...real.checks, ...usrBusy.checks, ...realBusy.checks, importCheck];
  const failed = checks.filter((c) => c.ok === false);
  const noise = [usr, real, usrBusy, realBusy].map((s) => `${s.busy ? 'busy ' : ''}${s.tree === dest ? '1M' : s.tree} ${fmt(s.otherCores)}`).join(', ');
  const notes = [
    `reader: ${reader}; ${thousands(usr.entries ?? 0)} entries in ${shape}, ${thousands(real.entries ?? 0)} in the real-shaped tree (${rt.how})`,
    `du -sx took ${fmt(usr.duWallS)} s on ${shape}, ${fmt(real.duWallS)} s on the 1M tree (quiet); ${fmt(usrBusy.duWallS)} s and ${fmt(realBusy.duWallS)} s busy`,
    `--version CPU per run: node -e 0 ${fmt((cpu.get('node') ?? NaN) * 1000, 0)} ms, bundle ${fmt((cpu.get('bundle') ?? NaN) * 1000, 0)} ms, tsc build ${fmt((cpu.get('cli') ?? NaN) * 1000, 0)} ms`,
    `snapshot ${fmt(sw('snapshot'))} s vs scan ${fmt(sw('scan'))} s; import: ${exportMade}, ncdu -f ${fmt(iw('ncdu'))} s vs scan -f ${fmt(iw('ours'))} s`,
    `other processes' CPU (cores) during the runs: ${noise}${cores <= 2 ? ` (${cores} cores: other work on the machine moves these ratios)` : ''}`,
    ...checks.map((c) => `totals: ${c.text}`),
  ];
  for (const n of notes) log(n);
  if (failed.length) {
    log(`FAILED: totals differ from du on ${failed.length} check${failed.length > 1 ? 's' : ''}: ${failed.map((c) => c.text).join('; ')}`);
    process.exitCode = 1;
  }

  const md = [
    `**Real-shaped trees (issue 13's targets)**: \`${shape}\` and its shape copied ${rt.copies} times (${thousands(rt.entries)} entries, sparse files, a hard link every 250 files in copies 2..${rt.copies}); ` +
      `ratios of medians of ${ctx.opts.runs} alternated runs, warm cache; BUSY: a CPU-bound loop on each of the ${cores} cores; reader: ${reader}.`,
    '',
    '| target | today | minimum | goal | diskblame | `--threads 1` | ncdu | gdu | verdict |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---|',
    ...lines.map((l) => `| ${l.target} | ${l.t.today} | ${l.t.min === null ? '' : num(l.t.min, l.t)} | ${l.t.goal === null ? '' : num(l.t.goal, l.t)} | ${l.ours} | ${l.threads1 ?? ''} | ${l.ncdu ?? ''} | ${l.gdu ?? ''} | ${l.verdict} |`),
    '',
    ...notes.map((n) => `- ${n}`),
    ...(failed.length ? ['', `**FAILED: totals differ from du**: ${failed.map((c) => c.text).join('; ')}`] : []),
  ];
  return {
    title: 'Real-shaped trees',
    data: {
      reader,
      tree: rt,
      targets: ISSUE13,
      rows: lines.map((l) => ({ target: l.target, today: l.t.today, min: l.t.min, goal: l.t.goal, value: l.value, ours: l.ours, threads1: l.threads1 ?? null, ncdu: l.ncdu ?? null, gdu: l.gdu ?? null, verdict: l.verdict })),
      scans: { usr, real, usrBusy, realBusy },
      versionCpuS: Object.fromEntries(cpu),
      snapshot: Object.fromEntries([...sm.values()].map((m) => [m.id, { medianWallS: m.medianWallS, maxRssKB: m.maxRssKB, note: m.note }])),
      import: { exportMade, check: importCheck, ...Object.fromEntries([...im.values()].map((m) => [m.id, { medianWallS: m.medianWallS, maxRssKB: m.maxRssKB, note: m.note }])) },
      totalsOk: failed.length === 0,
      checks,
    },
    markdown: md.join('\n'),
  };
}

const SECTIONS: Section[] = [
  { id: 'realShape', title: 'Real-shaped trees', run: realShapeSection },
  { id: 'referenceTree', title: 'Reference tree', run: referenceTreeSection },
  { id: 'usr', title: '/usr', run: usrSection },
  { id: 'ui', title: 'Browser latency', run: uiSection },
  { id: 'owners', title: 'Owners', run: ownersSection },
  { id: 'kinds', title: 'Kinds of data', run: kindsSection },
  { id: 'sample', title: 'sample', run: sampleSection },
  { id: 'diff', title: 'Diff', run: diffSection },
  { id: 'snapshot', title: 'Snapshots', run: snapshotSection },
  { id: 'binary', title: 'Standalone binary', run: binarySection },
  { id: 'remote', title: '--remote', run: remoteSection },
  { id: 'fleet', title: 'fleet', run: fleetSection },
];

// ---------------------------------------------------------------------------------------------
// main

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'diskblame-bench-'));
  const timeBin = findExe('/usr/bin/time') && /GNU/.test(firstLine('/usr/bin/time', ['--version']) ?? '') ? '/usr/bin/time' : null;
  const ctx: Ctx = { opts, repo: REPO, cli: CLI, timeBin, tmp, nodeOnPath: findExe('node'), notes: [] };
  if (!timeBin) ctx.notes.push('GNU time (/usr/bin/time) not found: no peak RSS');
  // Node reads and parses the certificates NODE_EXTRA_CA_CERTS names at every start, before any
  // program code (35-40 ms of CPU for Debian's bundle): a cost of this environment, not of the
  // tools compared (node -e 0 pays it as well). Every command here runs without it, and says so.
  if (process.env.NODE_EXTRA_CA_CERTS) {
    delete process.env.NODE_EXTRA_CA_CERTS;
    ctx.notes.push('NODE_EXTRA_CA_CERTS was set: unset for every command measured (Node parses that file at every start, node -e 0 included)');
  }

  const date = new Date().toISOString();
  const cpus = os.cpus();
  const nodeVersion = ctx.nodeOnPath ? firstLine(ctx.nodeOnPath, ['--version']) ?? process.version : process.version;
  if (nodeVersion !== process.version) ctx.notes.push(`the CLI runs ${nodeVersion} (PATH), this script runs ${process.version}`);
  const tools = {
    du: findExe('du') ? firstLine('du', ['--version']) : null,
    ncdu: findExe('ncdu') ? firstLine('ncdu', ['-v']) : null,
    gdu: findExe('gdu') ? firstLine('gdu', ['--version'])?.replace(/^Version:\s*/, 'gdu ') ?? null : null,
    time: timeBin ? firstLine(timeBin, ['--version']) : null,
  };
  let diskblameVersion: string | null = null;
  try {
    diskblameVersion = (JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { version?: string }).version ?? null;
  } catch {
    /* none */
  }
  const commit = firstLine('git', ['-C', REPO, 'rev-parse', '--short', 'HEAD']);
  const dirty = spawnSync('git', ['-C', REPO, 'status', '--porcelain', '--untracked-files=no'], { encoding: 'utf8' }).stdout?.trim() ? '+dirty' : '';

  log(`bench: ${date} node ${nodeVersion} ${cpus.length} cores`);
  log(`  ${cpus[0]?.model ?? '?'}, ${fmt(os.totalmem() / 2 ** 30, 1)} GiB RAM, ${os.type()} ${os.release()}, diskblame ${diskblameVersion ?? '?'} (${commit ?? '?'}${dirty})`);
  log(`  ${Object.entries(tools).map(([k, v]) => v ?? `${k}: not installed`).join('; ')}`);
  for (const n of ctx.notes) log(`note: ${n}`);

  const results: Record<string, unknown> = {};
  const md: string[] = [];
  const started = performance.now();
  try {
    for (const s of SECTIONS) {
      if (opts.only.length && !opts.only.includes(s.id)) continue;
      try {
        const r = await s.run(ctx);
        if (!r) {
          results[s.id] = { skipped: true };
          continue;
        }
        results[s.id] = r.data;
        md.push(r.markdown, '');
      } catch (e) {
        const msg = (e as Error).message ?? String(e);
        log(`\n== ${s.title}: FAILED: ${msg}`);
        results[s.id] = { error: msg };
        md.push(`**${s.title}**: failed: ${msg}`, '');
      }
    }
  } finally {
    if (devNullFd >= 0) fs.closeSync(devNullFd);
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  const totalS = (performance.now() - started) / 1000;

  const meta = {
    date,
    node: nodeVersion,
    cores: cpus.length,
    cpu: cpus[0]?.model ?? null,
    memGiB: os.totalmem() / 2 ** 30,
    os: `${os.type()} ${os.release()}`,
    diskblame: diskblameVersion,
    commit: commit ? commit + dirty : null,
    tools,
    options: opts,
    seconds: totalS,
    notes: ctx.notes,
  };
  fs.mkdirSync(OUT_DIR, { recursive: true });
  fs.writeFileSync(path.join(OUT_DIR, 'latest.json'), JSON.stringify({ meta, sections: results }, null, 2) + '\n');
  const header =
    `<!-- npm run bench, ${date.slice(0, 10)} -->\n` +
    `Measured ${date.slice(0, 10)} on ${cpus.length} cores (${cpus[0]?.model?.trim() ?? '?'}), Node ${nodeVersion}, ` +
    `${[tools.du, tools.ncdu, tools.gdu].filter(Boolean).join(', ')}; diskblame ${diskblameVersion ?? '?'} (${commit ?? '?'}${dirty}). ` +
    `Wall time is the median, peak RSS the maximum (GNU time) over the runs; bytes/entry = (peak RSS − bare \`node -e 0\` RSS) / entries.\n`;
  fs.writeFileSync(path.join(OUT_DIR, 'latest.md'), header + '\n' + md.join('\n').trimEnd() + '\n');
  log(`\nwrote ${path.relative(process.cwd(), path.join(OUT_DIR, 'latest.json'))} and latest.md (${fmt(totalS, 0)} s)`);
}

main().catch((e) => {
  process.stderr.write(`bench: ${(e as Error)?.stack ?? String(e)}\n`);
  process.exit(1);
});
