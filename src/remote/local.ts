/**
 * The loopback launcher: the agent run on this machine, as a child process of this program
 * (`node <this program> __agent`, or the standalone binary with `__agent`), with the same
 * AgentProcess shape as one launched over ssh. For development, the protocol tests and the
 * channel's benchmarks (its cost without ssh).
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { bundleFileURL, bundled, standalone } from '../util/self.js';
import type { AgentProcess, LaunchOptions } from './types.js';

/** how much of the agent's stderr is kept (its tail) */
const STDERR_TAIL = 4096;

export interface LocalLaunchOptions extends LaunchOptions {
  /** the script to run with `__agent` (default: this program: the bundle, or the script this process runs) */
  script?: string;
  /** extra environment for the agent */
  env?: Record<string, string>;
  /** for messages */
  label?: string;
}

/** The command that runs this program again: [executable, ...arguments before `__agent`]. */
export function selfCommand(script?: string): [string, string[]] {
  if (standalone()) return [process.execPath, []];
  if (script) return [process.execPath, [script]];
  const url = bundled() ? bundleFileURL() : null;
  return [process.execPath, [url ? fileURLToPath(url) : process.argv[1]]];
}

/** Start `diskblame __agent` here. Resolves once it runs (its hello is read by the client). */
export async function launchLocal(opts: LocalLaunchOptions = {}): Promise<AgentProcess> {
  const [cmd, pre] = selfCommand(opts.script);
  opts.onStatus?.('starting a local agent');
  const child = spawn(cmd, [...pre, '__agent'], {
    stdio: ['pipe', 'pipe', 'pipe'],
    // its own process group: a Ctrl-C at the terminal is ours to pass on (as an abort), not a kill
    detached: true,
    env: { ...process.env, ...opts.env },
  });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (s: string) => {
    stderr = (stderr + s).slice(-STDERR_TAIL);
  });
  const closed = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) => {
    child.on('error', (e) => {
      stderr += `\n${e.message}`;
    });
    child.on('close', (code, signal) => resolve({ code, signal, stderr }));
  });
  return {
    stdin: child.stdin,
    stdout: child.stdout,
    closed,
    how: 'local',
    kill: () => {
      child.kill('SIGKILL');
    },
  };
}
