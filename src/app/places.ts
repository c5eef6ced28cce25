/**
 * Choosing the Place a command works at: here, or `--remote [USER@]HOST[:PORT]` (with
 * `--ssh-option`s) over an agent launched on that host.
 */
import type { AgentProcess, LaunchOptions, RemoteTarget } from '../remote/types.js';
import { UserError } from '../util/errors.js';
import { terminalText } from '../util/escape.js';
import { truncate } from '../ui/text.js';
import { LocalPlace, Place } from './place.js';

/** Starts `diskblame __agent` on a target; its stdio then speaks the protocol (remote/protocol.ts). */
export type Launcher = (target: RemoteTarget, opts?: LaunchOptions) => Promise<AgentProcess>;

/** what --remote and --ssh-option look like in a command's arguments */
export interface RemoteArgs {
  remote?: string;
  'ssh-option'?: string[];
}

/**
 * The launcher of remote agents: over the system ssh, src/remote/launch.ts (launchAgent);
 * DISKBLAME_REMOTE_LOOPBACK=1 runs the agent on this machine instead (tests, benchmarks of the
 * channel without ssh).
 */
export function defaultLauncher(): Launcher {
  // (the remote modules are loaded only with --remote)
  if (process.env.DISKBLAME_REMOTE_LOOPBACK === '1') return async (t, o) => (await import('../remote/local.js')).launchLocal({ ...o, label: t.spec });
  return async (t, o) => (await import('../remote/launch.js')).launchAgent(t, o);
}

/**
 * The place of a command: here, or the --remote host (the agent launched and its hello read).
 * Throws a UserError of one line: a bad spec (exit 2), an unreachable host, a failed launch.
 */
export async function openPlace(a: RemoteArgs, launcher: Launcher = defaultLauncher(), onStatus?: (text: string) => void): Promise<Place> {
  if (a.remote === undefined) {
    if (a['ssh-option']?.length) throw new UserError('--ssh-option goes with --remote', 2);
    return new LocalPlace();
  }
  const [{ parseRemoteSpec }, { RemotePlace }] = await Promise.all([import('../remote/target.js'), import('./remote.js')]);
  const target = parseRemoteSpec(a.remote, a['ssh-option'] ?? []);
  // the launcher's status (connecting, uploading) on one line of a terminal, gone once connected
  const tty = process.stderr.isTTY === true;
  let shown = false;
  const status =
    onStatus ??
    ((text: string) => {
      if (!tty) return;
      shown = true;
      process.stderr.write('\r\x1b[K' + truncate(terminalText(text), (process.stderr.columns || 80) - 1));
    });
  try {
    return await RemotePlace.open(target, launcher, { onStatus: status });
  } finally {
    if (shown) process.stderr.write('\r\x1b[K');
  }
}

/** Run `f` at the place of `a`, closing the channel after (whatever happens). */
export async function withPlace<T>(a: RemoteArgs, f: (p: Place) => Promise<T>): Promise<T> {
  const place = await openPlace(a);
  try {
    return await f(place);
  } finally {
    await place.close().catch(() => undefined);
  }
}
