/**
 * A real OpenSSH server for the --remote tests, started by the test on 127.0.0.1 with a free port,
 * everything in a temp dir: host key, client keys, authorized keys, its own sshd_config, and
 * ssh_config files for the client (passed with `--ssh-option=-F<file>`, so the user's ~/.ssh is
 * never read). The machine's /etc/ssh is never read or written: sshd runs in a private mount
 * namespace with a tmpfs on /run (its privilege-separation dir /run/sshd, utmp) and temp files bound
 * over /var/log/{wtmp,btmp,lastlog}, so logins are recorded nowhere real.
 *
 * Users: root (its PATH has node), and a test user created here (useradd, home in the temp dir,
 * removed by stop() with userdel -r) whose PATH is a dir of symlinks to the tools a shell needs but
 * not node (sshd_config `Match User` + `SetEnv PATH=`): /usr/bin/node exists, but nothing finds it.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { RemoteTarget } from '../../src/remote/types.js';
import { freePort } from './port.js';

/** the tools the test user's PATH holds (symlinks to /usr/bin or /bin) */
const TOOLS = [
  'sh', 'dash', 'bash', 'dd', 'uname', 'head', 'find', 'id', 'mkdir', 'chmod', 'mv', 'rm', 'gzip', 'xz',
  'sha256sum', 'cat', 'ls', 'env', 'sleep', 'printf', 'stat', 'true', 'false', 'touch', 'echo',
];

export interface TestUser {
  name: string;
  uid: number;
  home: string;
  /** its PATH: symlinks to TOOLS; tests may add (a fake `uname`, an old `node`) and remove files */
  bin: string;
}

export interface TestSshd {
  port: number;
  dir: string;
  /** ssh_config with the authorized key and a known_hosts holding the server's key */
  config: string;
  /** the same, with a key the server does not know */
  wrongKeyConfig: string;
  /** the authorized key, but a known_hosts holding another host key */
  wrongHostConfig: string;
  user: TestUser;
  /** a RemoteTarget for USER on this server, with `-F CONFIG` */
  target(user: string, config?: string): RemoteTarget;
  /** run COMMAND over plain ssh as USER (for assertions about the remote side) */
  ssh(user: string, command: string): { code: number | null; stdout: string; stderr: string };
  /** sshd's log (its stderr) so far */
  log(): string;
  stop(): void;
}

function sh(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 0, `${cmd} ${args.join(' ')}: ${r.stderr || r.error}`);
  return r.stdout;
}

/** true when this machine can run the tests: sshd installed, root, unshare works */
export function sshdAvailable(): string | null {
  if (!fs.existsSync('/usr/sbin/sshd')) return 'no /usr/sbin/sshd (apt-get install openssh-server)';
  if (process.getuid?.() !== 0) return 'needs root (useradd, a mount namespace for sshd)';
  return null;
}

/**
 * Resolves once OUR sshd listens on PORT: something there greets like an SSH server and `pidFile`
 * holds the child's pid (sshd writes it once its socket is bound: a banner alone could be another
 * server's, that took the port between freePort() and our bind). Rejects when the child exits.
 */
async function waitForBanner(port: number, child: ChildProcess, pidFile: string, log: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  const ours = () => {
    try {
      return fs.readFileSync(pidFile, 'utf8').trim() === String(child.pid);
    } catch {
      return false;
    }
  };
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`sshd exited (${child.exitCode}): ${log()}`);
    const ok = await new Promise<boolean>((resolve) => {
      const c = net.connect(port, '127.0.0.1');
      c.setTimeout(2000);
      c.once('data', (d) => {
        c.destroy();
        resolve(d.toString().startsWith('SSH-'));
      });
      c.once('error', () => resolve(false));
      c.once('timeout', () => {
        c.destroy();
        resolve(false);
      });
    });
    if (ok && ours() && child.exitCode === null) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`sshd did not answer on port ${port}: ${log()}`);
}

/** sshd's log says it could not bind its port (taken since freePort() found it free) */
const BIND_FAILED = /Address already in use|Cannot bind any address/;

export interface SshdOptions {
  /** the remote's host name: sshd runs in its own UTS namespace with this name (default: this machine's) */
  hostname?: string;
}

/** Start sshd and create the test user; call stop() in after(). */
export async function startSshd(opts: SshdOptions = {}): Promise<TestSshd> {
  const dir = fs.mkdtempSync(path.join(tmpdir(), 'diskblame-sshd-'));
  // the test user's home is inside: it must be able to walk there
  fs.chmodSync(dir, 0o755);
  const keygen = (file: string) => sh('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', path.basename(file), '-f', file]);
  keygen(path.join(dir, 'host_key'));
  keygen(path.join(dir, 'other_host_key'));
  keygen(path.join(dir, 'id_good'));
  keygen(path.join(dir, 'id_wrong'));

  const name = `dbl${process.pid.toString(36)}${Math.floor(Math.random() * 36 ** 3).toString(36)}`.slice(0, 16);
  const home = path.join(dir, 'home', name);
  fs.mkdirSync(path.dirname(home), { mode: 0o755 });
  sh('useradd', ['-M', '-d', home, '-s', '/bin/bash', name]);
  // UsePAM no: OpenSSH refuses an account whose password is locked ('!'); '*' is "no password"
  sh('usermod', ['-p', '*', name]);
  fs.mkdirSync(home, { mode: 0o700 });
  const uid = Number(sh('id', ['-u', name]).trim());
  const gid = Number(sh('id', ['-g', name]).trim());
  fs.chownSync(home, uid, gid);
  const bin = path.join(dir, 'userbin');
  fs.mkdirSync(bin, { mode: 0o755 });
  for (const t of TOOLS) {
    const real = ['/usr/bin/' + t, '/bin/' + t].find((p) => fs.existsSync(p));
    if (real) fs.symlinkSync(real, path.join(bin, t));
  }

  const keys = path.join(dir, 'authorized_keys');
  fs.mkdirSync(keys, { mode: 0o755 });
  const goodPub = fs.readFileSync(path.join(dir, 'id_good.pub'));
  for (const u of ['root', name]) fs.writeFileSync(path.join(keys, u), goodPub, { mode: 0o644 });
  for (const f of ['wtmp', 'btmp', 'lastlog']) fs.writeFileSync(path.join(dir, f), '');

  const sshdConfig = path.join(dir, 'sshd_config');
  const pidFile = path.join(dir, 'sshd.pid');
  const hostPub = fs.readFileSync(path.join(dir, 'host_key.pub'), 'utf8').trim().split(' ').slice(0, 2).join(' ');
  const otherPub = fs.readFileSync(path.join(dir, 'other_host_key.pub'), 'utf8').trim().split(' ').slice(0, 2).join(' ');
  /** the server's config and the clients' known hosts, for `port` */
  const writePortFiles = (port: number) => {
    fs.writeFileSync(
      sshdConfig,
      [
        `Port ${port}`,
        'ListenAddress 127.0.0.1',
        `HostKey ${dir}/host_key`,
        `PidFile ${pidFile}`,
        `AuthorizedKeysFile ${keys}/%u`,
        'StrictModes no',
        'UsePAM no',
        'PasswordAuthentication no',
        'KbdInteractiveAuthentication no',
        'PermitRootLogin prohibit-password',
        `AllowUsers root ${name}`,
        'PrintMotd no',
        'PrintLastLog no',
        'UseDNS no',
        'LogLevel VERBOSE',
        `Match User ${name}`,
        `  SetEnv PATH=${bin}`,
        '',
      ].join('\n'),
    );
    fs.writeFileSync(path.join(dir, 'known_hosts'), `[127.0.0.1]:${port} ${hostPub}\n`);
    fs.writeFileSync(path.join(dir, 'other_known_hosts'), `[127.0.0.1]:${port} ${otherPub}\n`);
  };
  const clientConfig = (file: string, identity: string, knownHosts: string) => {
    fs.writeFileSync(
      file,
      [
        'Host *',
        `  IdentityFile ${dir}/${identity}`,
        '  IdentitiesOnly yes',
        '  IdentityAgent none',
        `  UserKnownHostsFile ${dir}/${knownHosts}`,
        '  GlobalKnownHostsFile /dev/null',
        '  StrictHostKeyChecking yes',
        '  PasswordAuthentication no',
        '  KbdInteractiveAuthentication no',
        '  BatchMode yes',
        '  ConnectTimeout 30',
        '  LogLevel ERROR',
        '',
      ].join('\n'),
    );
    return file;
  };
  const config = clientConfig(path.join(dir, 'ssh_config'), 'id_good', 'known_hosts');
  const wrongKeyConfig = clientConfig(path.join(dir, 'ssh_config_wrong_key'), 'id_wrong', 'known_hosts');
  const wrongHostConfig = clientConfig(path.join(dir, 'ssh_config_wrong_host'), 'id_good', 'other_known_hosts');

  const mounts = ['mount -t tmpfs tmpfs /run', 'mkdir -m 755 /run/sshd'];
  if (opts.hostname !== undefined) {
    assert.match(opts.hostname, /^[a-z0-9-]+$/);
    mounts.unshift(`hostname ${opts.hostname}`);
  }
  for (const f of ['wtmp', 'btmp', 'lastlog']) if (fs.existsSync(`/var/log/${f}`)) mounts.push(`mount --bind ${dir}/${f} /var/log/${f}`);
  let child: ChildProcess | null = null;
  let log = '';
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    if (child && child.exitCode === null) child.kill('SIGTERM');
    // the test user's processes (an agent a failed test left running) end with it, by pid
    for (const pid of fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
      try {
        if (fs.statSync(`/proc/${pid}`).uid === uid) process.kill(+pid, 'SIGKILL');
      } catch {
        // gone already
      }
    }
    spawnSync('userdel', ['-r', '-f', name], { encoding: 'utf8' });
    fs.rmSync(dir, { recursive: true, force: true });
  };
  process.on('exit', stop);
  // the port is free when freePort() looks, but anything on the machine (an outgoing connection's
  // ephemeral port, another test's server: CI runs test files side by side) may take it before
  // sshd binds it; then sshd exits saying so, and another port is tried
  let port = 0;
  for (let attempt = 1; ; attempt++) {
    port = await freePort();
    writePortFiles(port);
    fs.rmSync(pidFile, { force: true });
    log = '';
    const c = spawn('unshare', ['-m', ...(opts.hostname !== undefined ? ['-u'] : []), '--propagation', 'private', 'sh', '-c', `${mounts.join(' && ')} && exec /usr/sbin/sshd -D -e -f ${sshdConfig}`], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    child = c;
    let closed = false;
    c.once('close', () => (closed = true));
    c.stderr!.setEncoding('utf8');
    c.stderr!.on('data', (s: string) => {
      if (child === c) log = (log + s).slice(-65536);
    });
    try {
      await waitForBanner(port, c, pidFile, () => log);
      break;
    } catch (e) {
      // its last words (the exit may come before its stderr is read)
      for (let k = 0; k < 100 && c.exitCode !== null && !closed; k++) await new Promise((r) => setTimeout(r, 20));
      if (attempt < 5 && c.exitCode !== null && BIND_FAILED.test(log)) continue;
      stop();
      throw e;
    }
  }

  return {
    port,
    dir,
    config,
    wrongKeyConfig,
    wrongHostConfig,
    user: { name, uid, home, bin },
    target: (user, cfg = config) => ({ spec: `${user}@127.0.0.1:${port}`, user, host: '127.0.0.1', port, sshOptions: [`-F${cfg}`] }),
    ssh: (user, command) => {
      const r = spawnSync('ssh', [`-F${config}`, '-T', '-p', String(port), '-l', user, '127.0.0.1', command], { encoding: 'utf8', timeout: 60_000 });
      return { code: r.status, stdout: r.stdout, stderr: r.stderr };
    },
    log: () => log,
    stop,
  };
}
