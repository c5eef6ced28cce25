/**
 * The seam between "how an agent gets running on a host" (launch.ts: ssh, the bundle streamed to
 * the host's Node or the standalone binary from the host's cache) and "what is said to it"
 * (protocol.ts, agent.ts). After launch, the agent's stdin and stdout belong to the protocol alone.
 */
import type { Readable, Writable } from 'node:stream';

/** `--remote [USER@]HOST[:PORT]` (an IPv6 address in brackets: `[::1]:2222`), with `--ssh-option`s */
export interface RemoteTarget {
  /** as the user wrote it, for messages */
  spec: string;
  user?: string;
  host: string;
  port?: number;
  /** each handed to ssh as one argument, before the host */
  sshOptions: string[];
}

/** A running agent: `diskblame __agent` on the target, its stdio connected to us. */
export interface AgentProcess {
  /** requests to the agent */
  stdin: Writable;
  /** the agent's replies (nothing before the launcher's handshake is ever seen here) */
  stdout: Readable;
  /**
   * Resolves once the transport has ended: the exit status of ssh (or the local agent), the
   * signal that ended it, and the tail of its stderr (at most 4 KiB, raw: escape before printing).
   */
  closed: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
  /** how it runs there, for messages and tests: e.g. 'node v18.19.0', 'binary (uploaded)', 'binary (cached)', 'local' */
  how: string;
  /** end the transport now (a dropped connection looks the same to the protocol) */
  kill(): void;
}

export interface LaunchOptions {
  /** one line of status for progress on a terminal ('connecting to HOST', 'uploading 38.2 MiB') */
  onStatus?: (text: string) => void;
  /** the agent's command line on the remote host (default `['__agent']`) */
  args?: string[];
  /**
   * the ES module text a remote Node runs (default: this program's bundle, bundleText()); for the
   * bench and tests, which stream other programs through the same launcher
   */
  bundle?: Buffer;
}
