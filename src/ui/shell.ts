/**
 * b in the browser: a shell in a directory with the browser suspended, as ncdu's b. The terminal
 * is handed over whole: raw mode off, the alternate screen left, the cursor shown; the shell runs
 * with spawnSync (the event loop stops, so nothing here reads the terminal meanwhile) and SIGINT
 * ignored by us (Ctrl-C belongs to the shell); then raw mode and the alternate screen come back
 * and the caller redraws. DISKBLAME_LEVEL in the shell's environment says it was started from
 * diskblame (ncdu's NCDU_LEVEL): the browser refuses b again inside it.
 */
import { spawnSync } from 'node:child_process';
import { escapeName } from '../util/escape.js';

export interface ShellTerminal {
  /** the terminal's input stream Ink reads (process.stdin, or /dev/tty with -f -) */
  stdin: NodeJS.ReadStream;
  stdout: NodeJS.WriteStream;
}

/**
 * Run $SHELL (else /bin/sh) in `dir` (absolute, exact bytes) on the terminal; resolves when it has
 * exited, whatever its status. Rejects with a one-line reason when `dir` is not UTF-8 (a working
 * directory is given to the child as text) or the shell cannot be started.
 */
export function runShell(dir: Buffer, term: ShellTerminal, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const cwd = dir.toString('utf8');
  if (!Buffer.from(cwd, 'utf8').equals(dir)) return Promise.reject(new Error('the directory name is not UTF-8: no shell there'));
  const shell = env.SHELL && env.SHELL.startsWith('/') ? env.SHELL : '/bin/sh';
  return new Promise((resolve, reject) => {
    // a moment for the last frame to be written before the screen is handed over
    setTimeout(() => {
      const { stdin, stdout } = term;
      const raw = stdin.isTTY ? stdin.isRaw : false;
      const ignore = () => {};
      process.on('SIGINT', ignore);
      process.on('SIGQUIT', ignore);
      let err: Error | undefined;
      try {
        if (stdin.isTTY) stdin.setRawMode(false);
        stdout.write('\x1b[?25h\x1b[?1049l');
        stdout.write(`diskblame: a shell in ${escapeName(dir)}; exit it to go back to the browser\n`);
        const level = Number(env.DISKBLAME_LEVEL ?? 0) || 0;
        const r = spawnSync(shell, [], { cwd, stdio: 'inherit', env: { ...env, DISKBLAME_LEVEL: String(level + 1) } });
        if (r.error) err = new Error(`${escapeName(shell)}: ${(r.error as NodeJS.ErrnoException).code ?? r.error.message}`);
      } finally {
        stdout.write('\x1b[?1049h\x1b[2J\x1b[H\x1b[?25l');
        if (stdin.isTTY) stdin.setRawMode(raw);
        process.off('SIGINT', ignore);
        process.off('SIGQUIT', ignore);
      }
      if (err) reject(err);
      else resolve();
    }, 100);
  });
}
