/**
 * How an agent gets running on a remote host: one connection with the system `ssh` (so
 * ~/.ssh/config, agents, ProxyJump and known_hosts work as users expect), nothing installed there
 * but the cached binary. With Node >= 18.17 on the remote PATH the bundle is streamed to it (no
 * file written); without, the standalone binary for the remote's architecture is copied once into
 * `${XDG_CACHE_HOME:-$HOME/.cache}/diskblame/bin/SHA256` and reused. See script.ts for the exchange.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { UserError } from '../util/errors.js';
import { escapeName, terminalText } from '../util/escape.js';
import { bundleText } from '../util/self.js';
import { archOfUname, findBinary, missingBinaryText, packBinary, type LocalBinary } from './binaries.js';
import { remoteCommand, remoteScript } from './script.js';
import type { AgentProcess, LaunchOptions, RemoteTarget } from './types.js';

/** the oldest Node the bundle runs on */
export const MIN_NODE: readonly [number, number] = [18, 17];

/** at most this much of the remote login's own output (motd, rc files) is skipped before the marker */
const MAX_JUNK = 1 << 20;
const STDERR_TAIL = 4096;
/** the upload is written in pieces of this size, each one a progress step */
const UPLOAD_STEP = 1 << 20;

/** true for `vMAJOR.MINOR.PATCH` at least MIN_NODE */
export function nodeSuitable(version: string): boolean {
  const m = /^v(\d+)\.(\d+)\./.exec(version);
  if (!m) return false;
  const [major, minor] = [+m[1], +m[2]];
  return major > MIN_NODE[0] || (major === MIN_NODE[0] && minor >= MIN_NODE[1]);
}

/** did the user give ssh option NAME (`-oName=..`, `-o Name ...`), case-insensitively */
function userGaveOption(opts: string[], name: string): boolean {
  const re = new RegExp(`^(-o\\s*)?${name}\\s*[= ]`, 'i');
  return opts.some((o) => re.test(o));
}

/**
 * The ssh command line for TARGET running COMMAND: the user's --ssh-options first (ssh keeps the
 * first value it gets for an option, so theirs win over ours), then ours: no tty, no X11 or agent
 * forwarding, none of the config's port forwardings (they could only fail or collide), and
 * BatchMode=yes when there is no terminal to answer a password or host-key prompt (ssh asks on
 * /dev/tty, not on the pipe we hold; with nobody there it would wait forever).
 */
export function sshArgs(target: RemoteTarget, command: string, interactive: boolean): string[] {
  const args = [...target.sshOptions, '-T', '-x', '-a', '-o', 'ClearAllForwardings=yes'];
  if (!interactive && !userGaveOption(target.sshOptions, 'BatchMode')) args.push('-o', 'BatchMode=yes');
  if (target.port !== undefined) args.push('-p', String(target.port));
  if (target.user !== undefined) args.push('-l', target.user);
  args.push('--', target.host, command);
  return args;
}

/** The last non-empty line of TEXT, or '' */
function lastLine(text: string): string {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  return lines.length ? lines[lines.length - 1] : '';
}

/**
 * The one line for a transport that ended (ssh's own last stderr line: "Connection refused",
 * "Permission denied (publickey).", "Host key verification failed."), escaped for the terminal.
 */
export function transportErrorText(target: RemoteTarget, ended: { code: number | null; signal: NodeJS.Signals | null; stderr: string }): string {
  const line = lastLine(ended.stderr);
  const why = line ? escapeName(line) : ended.signal ? `ssh ended by ${ended.signal}` : `ssh exited with status ${ended.code}`;
  return `${escapeName(target.spec)}: ${why}`;
}

/** A line-oriented reader of the remote's stdout that skips everything up to the marker. */
class MarkerReader {
  private buf: Buffer = Buffer.alloc(0);
  private skipped = 0;
  private waiting: { resolve: (words: string[]) => void; reject: (e: Error) => void } | null = null;
  private ended: Error | null = null;
  private readonly needle: Buffer;

  constructor(
    private readonly stream: Readable,
    marker: string,
    private readonly onEnd: () => Error,
  ) {
    this.needle = Buffer.from(`\n${marker} `);
    stream.on('data', this.onData);
    stream.on('end', this.onStreamEnd);
  }

  private onData = (chunk: Buffer): void => {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    this.pump();
  };

  private onStreamEnd = (): void => {
    this.ended ??= this.onEnd();
    this.pump();
  };

  /** the transport is gone (ssh exited or never started: its stdout may never say 'end') */
  abort(): void {
    this.onStreamEnd();
  }

  private pump(): void {
    if (!this.waiting) return;
    const at = this.buf.indexOf(this.needle);
    if (at >= 0) {
      const eol = this.buf.indexOf(0x0a, at + this.needle.length);
      if (eol >= 0) {
        const line = this.buf.subarray(at + this.needle.length, eol).toString('utf8');
        this.buf = this.buf.subarray(eol + 1);
        const w = this.waiting;
        this.waiting = null;
        w.resolve(line.split(' ').filter((x) => x !== ''));
        return;
      }
    } else if (this.buf.length > this.needle.length) {
      // junk from the login (rc files): drop it, keeping what could be the start of the marker
      const drop = this.buf.length - this.needle.length;
      this.skipped += drop;
      this.buf = this.buf.subarray(drop);
      if (this.skipped > MAX_JUNK) {
        this.fail(new Error('the remote login printed more than 1 MiB without starting the program'));
        return;
      }
    }
    if (this.ended) this.fail(this.ended);
  }

  private fail(e: Error): void {
    const w = this.waiting;
    this.waiting = null;
    w?.reject(e);
  }

  /** the words of the next marker line */
  next(): Promise<string[]> {
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
      this.pump();
    });
  }

  /**
   * Stop reading: the rest of the stream (what arrived after the last marker line, then everything
   * else) flows into a fresh stream, as a child process's stdout would (not flowing until read).
   */
  release(): PassThrough {
    this.stream.removeListener('data', this.onData);
    this.stream.removeListener('end', this.onStreamEnd);
    const out = new PassThrough();
    if (this.buf.length) out.write(this.buf);
    this.buf = Buffer.alloc(0);
    (this.stream as unknown as Readable).pipe(out);
    return out;
  }
}

/**
 * Write DATA to STREAM in steps, waiting for each to drain (or for GONE: ssh ended, nothing will
 * drain); onStep gets the bytes written so far.
 */
async function writeInSteps(stream: NodeJS.WritableStream, data: Buffer, gone: Promise<unknown>, onStep: (done: number) => void): Promise<void> {
  let ended = false;
  void gone.then(() => (ended = true));
  for (let off = 0; off < data.length && !ended; off += UPLOAD_STEP) {
    const piece = data.subarray(off, Math.min(off + UPLOAD_STEP, data.length));
    if (!stream.write(piece)) await Promise.race([new Promise<void>((r) => stream.once('drain', r)), gone]);
    onStep(off + piece.length);
  }
}

/** the first executable NAME in $PATH's directories, or null */
function findOnPath(name: string): string | null {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    if (!dir) continue;
    const f = path.join(dir, name);
    try {
      fs.accessSync(f, fs.constants.X_OK);
      if (fs.statSync(f).isFile()) return f;
    } catch {
      /* not here */
    }
  }
  return null;
}

function mib(n: number): string {
  return `${(n / 1048576).toFixed(1)} MiB`;
}

/**
 * Start `diskblame ARGS` (default `__agent`) on TARGET over ssh and hand back its stdin and
 * stdout once the launcher's handshake is over (nothing the remote login printed comes through).
 * Status lines go to opts.onStatus: 'connecting to HOST', 'starting node v18.19.0 on HOST',
 * 'uploading 31.2 MiB to HOST'.
 *
 * Errors (UserError, exit 1, one line): ssh could not connect or authenticate (ssh's own last
 * line, escaped), the remote has no Node >= 18.17 and no binary for its architecture is at hand
 * here (how to build one), or the remote refused the cache or the upload (its line).
 */
export async function launchAgent(target: RemoteTarget, opts: LaunchOptions = {}): Promise<AgentProcess> {
  const status = opts.onStatus ?? (() => {});
  const args = opts.args ?? ['__agent'];
  const host = escapeName(target.host);
  const marker = `DISKBLAME-${randomBytes(12).toString('hex')}`;
  const script = Buffer.from(remoteScript(marker, args), 'utf8');
  const interactive = process.stdin.isTTY === true || process.stderr.isTTY === true;

  status(`connecting to ${host}`);
  // ssh starts with SIGINT and SIGQUIT ignored (it keeps them so: OpenSSH installs its handlers
  // only for signals that were not ignored): a Ctrl-C on the terminal reaches us, and we ask the
  // agent to stop over the channel, while ssh keeps the terminal for password and host-key prompts
  // (a new session, `detached`, would take those away)
  const ssh = findOnPath('ssh');
  if (!ssh) throw new UserError('no ssh client here: --remote runs the system ssh (install openssh-client)');
  const child: ChildProcessWithoutNullStreams = spawn(
    '/bin/sh',
    ['-c', 'trap "" INT QUIT; exec "$0" "$@"', ssh, ...sshArgs(target, remoteCommand(script.length), interactive)],
    { stdio: ['pipe', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (s: string) => {
    stderr = (stderr + s).slice(-STDERR_TAIL);
  });
  // a write after ssh is gone (EPIPE) shows up as the transport ending instead
  child.stdin.on('error', () => {});
  let spawnError: Error | null = null;
  const closed = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) => {
    child.on('error', (e) => {
      spawnError = e;
      resolve({ code: null, signal: null, stderr });
    });
    child.on('close', (code, signal) => resolve({ code, signal, stderr }));
  });

  // the bundle is compressed while ssh connects (~50 ms of CPU, wasted only when the remote has no Node)
  const gzBundle = (async () => promisify(zlib.gzip)(opts.bundle ?? bundleText(), { level: 9 }))();
  gzBundle.catch(() => {});
  const endedError = (): Error => new Error('ended');
  const reader = new MarkerReader(child.stdout, marker, endedError);
  void closed.then(() => reader.abort());
  const fail = async (e: unknown): Promise<never> => {
    child.kill('SIGTERM');
    if (e instanceof UserError) throw e;
    const ended = await Promise.race([closed, new Promise<null>((r) => setTimeout(() => r(null), 2000))]);
    if (spawnError) {
      const code = (spawnError as NodeJS.ErrnoException).code;
      throw new UserError(code === 'ENOENT' ? 'no ssh client here: --remote runs the system ssh (install openssh-client)' : `ssh: ${terminalText(String(spawnError.message))}`);
    }
    if (e instanceof Error && e.message === 'ended') throw new UserError(transportErrorText(target, ended ?? { code: null, signal: null, stderr }));
    throw new UserError(`${escapeName(target.spec)}: ${terminalText(e instanceof Error ? e.message : String(e))}`);
  };

  try {
    child.stdin.write(script);
    const hello = await reader.next();
    if (hello[0] !== 'hello' || hello.length < 4) throw new Error(`unexpected answer from the remote shell`);
    const [, machine, xz, nodeVersion, ...cached] = hello;
    const remoteErr = (words: string[]): never => {
      if (words[0] === 'error') throw new UserError(`${escapeName(target.spec)}: ${escapeName(words.slice(1).join(' '))}`);
      throw new Error(`unexpected answer from the remote shell`);
    };

    let how = '';
    if (nodeSuitable(nodeVersion)) {
      status(`starting node ${escapeName(nodeVersion)} on ${host}`);
      const gz = await gzBundle;
      child.stdin.write(`node ${gz.length}\n`);
      child.stdin.write(gz);
      const go = await reader.next();
      if (go[0] !== 'go') remoteErr(go);
      how = `node ${nodeVersion}`;
    } else {
      const arch = archOfUname(machine);
      const why = nodeVersion === '-' ? 'has no node on its PATH' : `has node ${nodeVersion} (diskblame needs ${MIN_NODE.join('.')} or newer)`;
      if (!arch) throw new UserError(`${escapeName(target.spec)} ${why}, and no standalone binary is built for its architecture (${escapeName(machine)}): install Node.js ${MIN_NODE.join('.')} or newer there`);
      const bin: LocalBinary | null = await findBinary(arch);
      if (!bin) throw new UserError(missingBinaryText(escapeName(target.spec), escapeName(machine), arch, why));
      let answer: string[] = ['missing'];
      if (cached.includes(bin.sha256)) {
        status(`starting diskblame on ${host}`);
        child.stdin.write(`run ${bin.sha256}\n`);
        answer = await reader.next();
        how = 'binary (cached)';
      }
      if (answer[0] === 'missing') {
        const packed = await packBinary(bin, xz === '1');
        const total = mib(packed.data.length);
        status(`uploading ${total} (${packed.format}) to ${host}`);
        child.stdin.write(`put ${bin.sha256} ${packed.data.length} ${packed.format}\n`);
        await writeInSteps(child.stdin, packed.data, closed, (done) => {
          if (done < packed.data.length) status(`uploading ${mib(done)} of ${total} (${packed.format}) to ${host}`);
        });
        status(`starting diskblame on ${host}`);
        answer = await reader.next();
        how = 'binary (uploaded)';
      }
      if (answer[0] !== 'go') remoteErr(answer);
    }
    return {
      stdin: child.stdin,
      stdout: reader.release(),
      closed,
      how,
      kill: () => {
        child.kill('SIGTERM');
      },
    };
  } catch (e) {
    return fail(e);
  }
}
