/**
 * b in the browser: a shell in a directory with the browser suspended, as ncdu's b. The terminal
 * is handed over whole: raw mode off, the alternate screen left, the cursor shown; the shell runs
 * with spawnSync (the event loop stops, so nothing here reads the terminal meanwhile) and SIGINT
 * ignored by us (Ctrl-C belongs to the shell); then raw mode and the alternate screen come back
 * and the caller redraws. DISKBLAME_LEVEL in the shell's environment says it was started from
 * diskblame (ncdu's NCDU_LEVEL): the browser refuses b again inside it.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { openDirAsScanned } from '../tree/delete.js';
import type { Tree } from '../tree/tree.js';
import { escapeName } from '../util/escape.js';

export interface ShellTerminal {
  /** the terminal's input stream Ink reads (process.stdin, or /dev/tty with -f -) */
  stdin: NodeJS.ReadStream;
  stdout: NodeJS.WriteStream;
}

/**
 * Run $SHELL (else /bin/sh) in `dir` (absolute, exact bytes: shown, and the shell's $PWD when it is
 * UTF-8) on the terminal; resolves when it has exited, whatever its status. `dirFd`: that directory
 * held open (tree/delete.ts openDirAsScanned), the child's working directory is the held one
 * (`/proc/self/fd/<dirFd>`, entered before the exec), never the path looked up again; without it the
 * path is used, and must be UTF-8. Rejects with a one-line reason when the shell cannot be started.
 */
export function runShell(dir: Buffer, term: ShellTerminal, env: NodeJS.ProcessEnv = process.env, dirFd?: number): Promise<void> {
  const text = dir.toString('utf8');
  const utf8 = Buffer.from(text, 'utf8').equals(dir);
  if (dirFd === undefined && !utf8) return Promise.reject(new Error('the directory name is not UTF-8: no shell there'));
  const cwd = dirFd === undefined ? text : `/proc/self/fd/${dirFd}`;
  // $PWD: the path as the user knows it (the shell keeps it when it names the directory it is in)
  const childEnv: NodeJS.ProcessEnv = { ...env, PWD: text };
  if (!utf8) delete childEnv.PWD;
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
        const r = spawnSync(shell, [], { cwd, stdio: 'inherit', env: { ...childEnv, DISKBLAME_LEVEL: String(level + 1) } });
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

/**
 * b's shell in directory entry `i` of `tree` (0: the root) as it was scanned: the directory is
 * reached again from the root as a deletion reaches it (openDirAsScanned: a directory swapped for a
 * symbolic link, another directory or a mount since the scan is refused), held open while the
 * shell runs there (runShell), then closed. Rejects with the reason, one line, no path (the caller
 * shows which directory).
 */
export async function runShellIn(tree: Tree, i: number, term: ShellTerminal, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  let fd: number;
  try {
    fd = openDirAsScanned(tree, i);
  } catch (e) {
    const why = (e as Error).message.replace(/: (not deleted|left alone)$/, '');
    throw new Error(`not the directory scanned: ${why}`);
  }
  try {
    await runShell(tree.pathOf(i), term, env, fd);
  } finally {
    fs.closeSync(fd);
  }
}
