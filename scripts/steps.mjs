// A build script's few helpers (scripts/binary.mjs, scripts/deb.mjs): fail with one line, run a
// program showing its output only when it fails, print a step with the seconds it took.
import { spawnSync } from 'node:child_process';

/**
 * The helpers of the script NAME (its lines start `NAME: `): fail(msg) exits 1; run(file, args,
 * what, spawnOptions) returns stdout or fails with its stderr; step(msg) prints msg and the seconds
 * since the last step (or the start).
 */
export function steps(name) {
  const fail = (msg) => {
    process.stderr.write(`${name}: ${msg}\n`);
    process.exit(1);
  };
  const run = (file, args, what, opts = {}) => {
    const r = spawnSync(file, args, { encoding: 'utf8', maxBuffer: 64 << 20, ...opts });
    if (r.error) fail(`${what}: ${r.error.message}`);
    if (r.status !== 0) fail(`${what} failed (exit ${r.status ?? r.signal}):\n${(r.stderr || r.stdout).trim()}`);
    return r.stdout;
  };
  const t0 = Date.now();
  let last = t0;
  const step = (msg) => {
    const now = Date.now();
    console.log(`${msg} (${((now - last) / 1000).toFixed(1)} s)`);
    last = now;
  };
  return { fail, run, step, t0 };
}
