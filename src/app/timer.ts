/**
 * Installing the sampler (`diskblame sample` every 5 min) for the user who asked: a systemd timer
 * (the system's when root, the user's under ~/.config/systemd/user otherwise) when systemd is
 * running, else a crontab line (through crontab(1)). The plan is plain data (shown before anything
 * is done); installSampling carries it out and says what was done and what failed.
 */
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { writeFileAtomic } from '../util/write.js';
import { standalone } from '../util/self.js';
import { homeDir } from '../util/cachedir.js';

export interface SamplingPlan {
  how: 'systemd-system' | 'systemd-user' | 'cron';
  /** why this way, in a few words */
  why: string;
  /** the unit files to write (systemd) */
  files: { path: string; text: string }[];
  /** the commands run after the files are written (systemd), each an argv */
  commands: string[][];
  /** the crontab line (cron) */
  cronLine: string | null;
  /** the same as shell commands, to show (or to run by hand) */
  shell: string[];
}

/** a word for sh: single-quoted unless plain */
export function shQuote(s: string): string {
  return /^[A-Za-z0-9_./:=@%+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** a value for a systemd unit line (spaces and quotes quoted, % doubled) */
function unitWord(s: string): string {
  const e = s.replace(/%/g, '%%');
  return /[\s"'\\]/.test(e) ? `"${e.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"` : e;
}

/** the command that runs this program again: the standalone binary, or node and the script */
export function selfCommand(): string[] {
  if (standalone()) return [process.execPath];
  const script = process.argv[1] ? fs.realpathSync(process.argv[1]) : 'diskblame';
  return [process.execPath, script];
}

interface Env {
  /** running as root */
  root: boolean;
  /** systemd is the init (sd_booted: /run/systemd/system exists) */
  systemd: boolean;
  /** the user's systemd instance is reachable ($XDG_RUNTIME_DIR/systemd/private) */
  userSystemd: boolean;
  /** null: there is none (no HOME, no passwd entry) */
  home: string | null;
}

/** this machine's answers for samplingPlan */
export function hostEnv(): Env {
  const rt = process.env.XDG_RUNTIME_DIR;
  return {
    root: process.getuid?.() === 0,
    systemd: fs.existsSync('/run/systemd/system'),
    userSystemd: !!rt && fs.existsSync(path.join(rt, 'systemd', 'private')),
    home: homeDir(),
  };
}

/** Every 5 min into `store`, by the best way this host offers. Pure given `env` and `self`. */
export function samplingPlan(store: string, env: Env = hostEnv(), self: string[] = selfCommand()): SamplingPlan {
  const exec = [...self, 'sample', '--quiet'];
  const service = [
    '# written by diskblame: a usage sample of every real mounted file system (the forecast\'s history)',
    '[Unit]',
    'Description=diskblame: record disk usage samples for the fill forecast',
    '',
    '[Service]',
    'Type=oneshot',
    `Environment=${unitWord(`DISKBLAME_STORE=${store}`)}`,
    `ExecStart=${exec.map(unitWord).join(' ')}`,
    'Nice=19',
    'IOSchedulingClass=idle',
    'TimeoutStartSec=60',
    '',
  ].join('\n');
  const timer = [
    '# written by diskblame: a usage sample every 5 minutes (see diskblame-sample.service)',
    '[Unit]',
    'Description=diskblame: disk usage sample every 5 minutes',
    '',
    '[Timer]',
    'OnCalendar=*:0/5',
    'Persistent=true',
    'AccuracySec=30s',
    '',
    '[Install]',
    'WantedBy=timers.target',
    '',
  ].join('\n');
  const systemd = (how: 'systemd-system' | 'systemd-user', dir: string, why: string): SamplingPlan => {
    const user = how === 'systemd-user' ? ['--user'] : [];
    const files = [
      { path: path.join(dir, 'diskblame-sample.service'), text: service },
      { path: path.join(dir, 'diskblame-sample.timer'), text: timer },
    ];
    const commands = [
      ['systemctl', ...user, 'daemon-reload'],
      ['systemctl', ...user, 'enable', '--now', 'diskblame-sample.timer'],
    ];
    return { how, why, files, commands, cronLine: null, shell: [`mkdir -p ${shQuote(dir)}`, ...files.map((f) => `# write ${f.path}`), ...commands.map((c) => c.join(' '))] };
  };
  if (env.systemd && env.root) return systemd('systemd-system', '/etc/systemd/system', 'systemd is running: a system timer');
  if (env.systemd && env.userSystemd && env.home !== null) return systemd('systemd-user', path.join(env.home, '.config', 'systemd', 'user'), 'systemd is running: a timer of your user (runs while you are logged in, or always with loginctl enable-linger)');
  const cronLine = `*/5 * * * * DISKBLAME_STORE=${shQuote(store)} ${exec.map(shQuote).join(' ')} >/dev/null 2>&1`;
  const why = env.systemd ? 'no systemd user instance reachable: a crontab line instead' : 'systemd is not running here (a container?): a crontab line instead';
  return { how: 'cron', why, files: [], commands: [], cronLine, shell: [`( crontab -l 2>/dev/null; echo ${shQuote(cronLine)} ) | crontab -`] };
}

/** What installSampling did: the steps done, and the one that failed (null: none). */
export interface InstallResult {
  done: string[];
  failed: string | null;
}

function runStep(argv: string[], input?: string): string | null {
  const r = spawnSync(argv[0], argv.slice(1), { input, encoding: 'utf8', timeout: 30_000, stdio: ['pipe', 'pipe', 'pipe'] });
  if (r.error) return (r.error as NodeJS.ErrnoException).code === 'ENOENT' ? `${argv[0]} is not installed` : r.error.message;
  if (r.status !== 0) return `${argv.join(' ')}: ${(r.stderr || r.stdout || `exit ${r.status}`).trim().split('\n')[0]}`;
  return null;
}

/** Carry out a plan. Files go through util/write.ts; the crontab through crontab(1) (a line added once). */
export function installSampling(plan: SamplingPlan): InstallResult {
  const done: string[] = [];
  try {
    for (const f of plan.files) {
      fs.mkdirSync(path.dirname(f.path), { recursive: true });
      writeFileAtomic(f.path, f.text, 0o644);
      done.push(`wrote ${f.path}`);
    }
  } catch (e) {
    return { done, failed: (e as Error).message };
  }
  for (const c of plan.commands) {
    const err = runStep(c);
    if (err) return { done, failed: err };
    done.push(`ran ${c.join(' ')}`);
  }
  if (plan.cronLine !== null) {
    const cur = spawnSync('crontab', ['-l'], { encoding: 'utf8', timeout: 30_000 });
    if (cur.error) return { done, failed: (cur.error as NodeJS.ErrnoException).code === 'ENOENT' ? 'crontab is not installed (package cron): add the line yourself' : cur.error.message };
    const old = cur.status === 0 ? cur.stdout : '';
    if (old.split('\n').includes(plan.cronLine)) {
      done.push('the crontab already has the line');
      return { done, failed: null };
    }
    const err = runStep(['crontab', '-'], (old && !old.endsWith('\n') ? old + '\n' : old) + plan.cronLine + '\n');
    if (err) return { done, failed: err };
    done.push('added the line to your crontab (crontab -l shows it)');
  }
  return { done, failed: null };
}
