/**
 * Bench section helper: start-up of the standalone binary against the bundle run by node, both
 * `--version` (the whole program is loaded and yargs runs; nothing else), alternated run by run so
 * that background load hits both alike; medians of wall time and, with GNU time, of CPU time
 * (user + system: less sensitive to other processes). Also the file sizes (binary, its .xz, the
 * bundle). Builds the binary (scripts/binary.mjs --no-xz) when it is missing or older than the bundle.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface StartupRow {
  label: string;
  argv: string[];
  /** medians over the runs, milliseconds; cpuMs null without GNU time */
  wallMs: number;
  cpuMs: number | null;
  minWallMs: number;
}

export interface BinaryStartup {
  runs: number;
  binary: { path: string; bytes: number; xzBytes: number | null; built: boolean };
  bundle: { path: string; bytes: number };
  node: string;
  rows: { binary: StartupRow; bundle: StartupRow; node: StartupRow };
  /** binary median wall / bundle median wall (below 1: the binary starts faster) */
  ratio: number;
  loadavg: [number, number];
  /** for the bench's output: one line each */
  lines: string[];
}

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const median = (a: number[]) => {
  const s = [...a].sort((x, y) => x - y);
  return s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

/**
 * Measure `dist/diskblame-linux-ARCH --version` against `node dist/diskblame.cjs --version` (and
 * `node -e 0`, node's own start-up), `runs` alternated runs each (default 21). `node` is the node
 * that runs the bundle (default: this one). Throws when a command fails or the binary cannot be built.
 */
export async function measureBinaryStartup(opts: { runs?: number; node?: string } = {}): Promise<BinaryStartup> {
  const runs = opts.runs ?? 21;
  const node = opts.node ?? process.execPath;
  const dist = path.join(REPO, 'dist');
  const bin = path.join(dist, `diskblame-linux-${process.arch}`);
  const loader = path.join(dist, 'diskblame.cjs');
  const core = [path.join(dist, 'diskblame-core.mjs'), loader].find((f) => fs.existsSync(f));
  if (!core) throw new Error('no bundle in dist/: npm run build first');
  const stale = !fs.existsSync(bin) || fs.statSync(bin).mtimeMs < fs.statSync(core).mtimeMs;
  if (stale) {
    const b = spawnSync(node, [path.join(REPO, 'scripts', 'binary.mjs'), '--no-xz'], { cwd: REPO, encoding: 'utf8' });
    if (b.status !== 0) throw new Error(`building the binary failed: ${(b.stderr || b.stdout).trim()}`);
  }
  const tv = spawnSync('/usr/bin/time', ['--version'], { encoding: 'utf8' });
  const timeBin = /GNU/.test(`${tv.stdout}${tv.stderr}`) ? '/usr/bin/time' : null;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'diskblame-startup-'));
  const timeOut = path.join(tmp, 'time');
  const cmds = [
    { key: 'binary' as const, label: `${path.basename(bin)} --version`, argv: [bin, '--version'] },
    { key: 'bundle' as const, label: 'node dist/diskblame.cjs --version', argv: [node, loader, '--version'] },
    { key: 'node' as const, label: 'node -e 0', argv: [node, '-e', '0'] },
  ];
  const wall = new Map<string, number[]>(cmds.map((c) => [c.key, []]));
  const cpu = new Map<string, number[]>(cmds.map((c) => [c.key, []]));
  const load0 = os.loadavg()[0]!;
  try {
    // one warm-up run each (page cache), not counted
    for (const c of cmds) spawnSync(c.argv[0]!, c.argv.slice(1), { stdio: 'ignore' });
    for (let i = 0; i < runs; i++)
      for (const c of cmds) {
        const argv = timeBin ? [timeBin, '-f', '%U %S', '-o', timeOut, ...c.argv] : c.argv;
        const t0 = process.hrtime.bigint();
        const r = spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
        const ms = Number(process.hrtime.bigint() - t0) / 1e6;
        if (r.status !== 0) throw new Error(`${c.label}: exit ${r.status ?? r.signal}: ${r.stderr.trim().split('\n')[0]}`);
        wall.get(c.key)!.push(ms);
        if (timeBin) {
          const [u, s] = fs.readFileSync(timeOut, 'utf8').trim().split('\n').pop()!.split(/\s+/).map(Number);
          if (Number.isFinite(u) && Number.isFinite(s)) cpu.get(c.key)!.push((u! + s!) * 1000);
        }
      }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  const row = (c: (typeof cmds)[number]): StartupRow => ({
    label: c.label,
    argv: c.argv,
    wallMs: median(wall.get(c.key)!),
    cpuMs: cpu.get(c.key)!.length ? median(cpu.get(c.key)!) : null,
    minWallMs: Math.min(...wall.get(c.key)!),
  });
  const rows = { binary: row(cmds[0]!), bundle: row(cmds[1]!), node: row(cmds[2]!) };
  const xz = `${bin}.xz`;
  const xzBytes = fs.existsSync(xz) && fs.statSync(xz).mtimeMs >= fs.statSync(bin).mtimeMs ? fs.statSync(xz).size : null;
  const MB = (n: number) => `${(n / 1e6).toFixed(1)} MB`;
  const ms = (n: number | null) => (n === null ? '?' : `${n.toFixed(0)} ms`);
  const ratio = rows.binary.wallMs / rows.bundle.wallMs;
  const lines = [
    ...Object.values(rows).map((r) => `${r.label}: ${ms(r.wallMs)} wall, ${ms(r.cpuMs)} CPU (medians of ${runs} alternated runs; fastest ${ms(r.minWallMs)})`),
    `binary / bundle: ${ratio.toFixed(2)}x wall${rows.binary.cpuMs !== null && rows.bundle.cpuMs !== null ? `, ${(rows.binary.cpuMs / rows.bundle.cpuMs).toFixed(2)}x CPU` : ''} (target: at most 1)`,
    `sizes: ${path.basename(bin)} ${MB(fs.statSync(bin).size)}, .xz ${xzBytes === null ? 'not built (npm run binary)' : MB(xzBytes)}, bundle ${MB(fs.statSync(core).size)}`,
    `load average ${load0.toFixed(1)} -> ${os.loadavg()[0]!.toFixed(1)} on ${os.cpus().length} cores while measuring`,
  ];
  return {
    runs,
    binary: { path: bin, bytes: fs.statSync(bin).size, xzBytes, built: stale },
    bundle: { path: core, bytes: fs.statSync(core).size },
    node,
    rows,
    ratio,
    loadavg: [load0, os.loadavg()[0]!],
    lines,
  };
}

// `node --import tsx bench/binary-startup.ts [RUNS]`: this section alone
if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const r = await measureBinaryStartup({ runs: process.argv[2] ? Number(process.argv[2]) : undefined });
  for (const l of r.lines) console.log(l);
}
