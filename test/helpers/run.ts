/**
 * Running things for the tests: our CLI (the built dist/), du, ncdu, gdu, python3, as root or as
 * user nobody. Everything is synchronous and bounded by a timeout, so a hang (a FIFO opened by
 * mistake) fails the test instead of stalling the suite.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
// scans record usage samples in the store: a test must never write them to ~ (children inherit this)
process.env.DISKBLAME_STORE ??= mkdtempSync(join(tmpdir(), 'diskblame-test-store-'));
/** the CLI under test: the build, or another one (e.g. the bundle) named by DISKBLAME_TEST_CLI */
export const CLI = process.env.DISKBLAME_TEST_CLI || join(REPO, 'dist', 'cli', 'main.js');

/** setpriv arguments that drop to user and group nobody with no supplementary groups */
export const AS_NOBODY = ['--reuid=65534', '--regid=65534', '--clear-groups'];

export interface RunOptions {
  input?: string | Buffer;
  /** default 60 s */
  timeoutMs?: number;
  asNobody?: boolean;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

export interface RunResult {
  /** exit status, null when killed */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stdoutBuf: Buffer;
  stderr: string;
  /** for assertion messages */
  cmd: string;
}

let nobodyDir: string | null = null;
function nobodyStore(): string {
  if (!nobodyDir) {
    nobodyDir = mkdtempSync(join(tmpdir(), 'diskblame-nobody-store-'));
    chmodSync(nobodyDir, 0o1777);
    process.on('exit', () => rmSync(nobodyDir!, { recursive: true, force: true }));
  }
  return join(nobodyDir, 'store');
}

export function run(cmd: string, args: string[], opts: RunOptions = {}): RunResult {
  const [file, argv] = opts.asNobody ? ['setpriv', [...AS_NOBODY, cmd, ...args]] : [cmd, args];
  // user nobody cannot write the tests' store (root's, mode 0700): give it one of its own
  const env = opts.env ?? { ...process.env, DISKBLAME_DEBUG: '' };
  if (opts.asNobody) env.DISKBLAME_STORE = nobodyStore();
  const r = spawnSync(file, argv, {
    input: opts.input,
    timeout: opts.timeoutMs ?? 60_000,
    killSignal: 'SIGKILL',
    maxBuffer: 1 << 30,
    cwd: opts.cwd,
    env,
    stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
  });
  if (r.error && (r.error as NodeJS.ErrnoException).code !== 'ETIMEDOUT') throw r.error;
  const stdoutBuf = r.stdout ?? Buffer.alloc(0);
  return {
    code: r.status,
    signal: r.signal,
    stdout: stdoutBuf.toString('utf8'),
    stdoutBuf,
    stderr: (r.stderr ?? Buffer.alloc(0)).toString('utf8'),
    cmd: [file, ...argv].join(' '),
  };
}

/** Run `node dist/cli/main.js ARGS`. */
export function runCli(args: string[], opts: RunOptions = {}): RunResult {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: build first (npx tsc -p tsconfig.json)`);
  return run(process.execPath, [CLI, ...args], opts);
}

/** A CLI run that must succeed quietly: exit 0, nothing on stderr, not killed by the timeout. */
export function runCliOk(args: string[], opts: RunOptions = {}): RunResult {
  const r = runCli(args, opts);
  assert.equal(r.signal, null, `${r.cmd}: killed by ${r.signal} (hung?)`);
  assert.equal(r.code, 0, `${r.cmd}: exit ${r.code}, stderr: ${r.stderr}`);
  assert.equal(r.stderr, '', `${r.cmd}: unexpected stderr`);
  return r;
}

/** The JSON summary fields of `scan --json` (see src/cli/commands/scan.ts). */
export interface ScanJson {
  root: string;
  entries: number;
  files: number;
  dirs: number;
  symlinks: number;
  others: number;
  hardlinks: number;
  apparentBytes: number;
  diskBytes: number;
  errors: number;
  excluded: number;
  incomplete: boolean;
  elapsedMs: number;
  topDirs: { path: string; pathBase64?: string; diskBytes: number; apparentBytes: number; items?: number }[];
  topFiles: { path: string; pathBase64?: string; diskBytes: number; apparentBytes: number }[];
}

/** `scan DIR --json ...extra`, which must succeed; returns the parsed summary. */
export function scanJson(dir: string, extra: string[] = [], opts: RunOptions = {}): ScanJson {
  const r = runCliOk(['scan', dir, '--json', ...extra], opts);
  return JSON.parse(r.stdout) as ScanJson;
}

export interface DuResult {
  bytes: number;
  /** the total's exact digits (bytes rounds past 2^53) */
  exact: bigint;
  code: number | null;
  stderr: string;
}

/** GNU du with `args` (e.g. ['-x', '-sb']) on one path: the total in bytes of the last line. */
export function du(args: string[], path: string, opts: RunOptions = {}): DuResult {
  const r = run('du', [...args, '--', path], opts);
  assert.equal(r.signal, null, `${r.cmd}: killed`);
  const lines = r.stdout.trimEnd().split('\n');
  const m = /^(\d+)\t/.exec(lines[lines.length - 1] ?? '');
  assert.ok(m, `${r.cmd}: no total in ${JSON.stringify(r.stdout)} (stderr ${r.stderr})`);
  return { bytes: Number(m[1]), exact: BigInt(m[1]), code: r.code, stderr: r.stderr };
}

/** du that must succeed (exit 0, no stderr). */
export function duOk(args: string[], path: string, opts: RunOptions = {}): number {
  const r = du(args, path, opts);
  assert.equal(r.code, 0, `du ${args.join(' ')} ${path}: exit ${r.code}: ${r.stderr}`);
  return r.bytes;
}

export function have(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

export function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

/** stderr split into lines (no trailing empty line). */
export function lines(s: string): string[] {
  return s.split('\n').filter((l, i, a) => !(i === a.length - 1 && l === ''));
}

/**
 * Assert a user error: the exit code, and exactly one line on stderr that starts with
 * "diskblame:" and has no stack trace. Returns that line.
 */
export function assertOneLineError(r: RunResult, code: number): string {
  assert.equal(r.signal, null, `${r.cmd}: killed`);
  assert.equal(r.code, code, `${r.cmd}: exit ${r.code} (want ${code}), stderr: ${r.stderr}`);
  const l = lines(r.stderr);
  assert.equal(l.length, 1, `${r.cmd}: want exactly one line on stderr, got ${JSON.stringify(r.stderr)}`);
  assert.match(l[0], /^diskblame: \S/, `${r.cmd}: stderr line should start with "diskblame:"`);
  assert.doesNotMatch(r.stderr, /^\s+at .+[:(]/m, `${r.cmd}: stack trace on stderr`);
  return l[0];
}

/**
 * python3 -c SCRIPT ARGS..., which must succeed. The tests' scripts build trees (100,000 or
 * 200,000 files: seconds on a quiet machine, past two minutes on a loaded 2-core one where other
 * tests write to the same disk): the default timeout only catches a hang.
 */
export function py(script: string, args: string[], timeoutMs = 600_000): void {
  const r = run('python3', ['-c', script, ...args], { timeoutMs });
  assert.equal(r.signal, null, `python3 killed (${r.signal}) after ${timeoutMs} ms: ${r.stderr}`);
  assert.equal(r.code, 0, `python3 failed: ${r.stderr}`);
}

/** Whether process `pid` has its working directory or an open fd on something below `dir` (Linux /proc). */
export function usesDir(pid: number, dir: string): boolean {
  const links = [`/proc/${pid}/cwd`];
  try {
    for (const fd of readdirSync(`/proc/${pid}/fd`)) links.push(`/proc/${pid}/fd/${fd}`);
  } catch {
    return false;
  }
  return links.some((l) => {
    try {
      return readlinkSync(l).startsWith(dir);
    } catch {
      return false;
    }
  });
}
