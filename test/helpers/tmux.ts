/**
 * The browser in tmux for the tests: a private tmux server (its own socket), one session "ui",
 * its screen as text, keys sent to it. `env -u CI -u CONTINUOUS_INTEGRATION` in the session's
 * command lets Ink draw (see importUI in src/cli/commands/scan.ts).
 */
import { spawnSync } from 'node:child_process';

export const haveTmux = spawnSync('tmux', ['-V']).status === 0;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface TmuxUi {
  /** tmux ARGS on this server; kill-server returns once the server is gone */
  tmux(...args: string[]): string;
  /** the session's screen as text */
  screen(): string;
  /** the screen once it matches RE; throws (with the screen) after MS milliseconds */
  waitFor(re: RegExp, ms?: number): Promise<string>;
  /** send KEYS (tmux send-keys names), then give the program PAUSE ms to draw */
  keys(...keys: string[]): Promise<void>;
}

/** A tmux server on socket SOCKET (tmux -L) for session "ui"; `pause` ms after keys (default 250) */
export function tmuxUi(socket: string, pause = 250, waitMs = 20_000): TmuxUi {
  const tmux = (...args: string[]): string => {
    const r = spawnSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
    if (args[0] === 'kill-server') {
      // kill-server returns before the server is gone: a session started now could land on the
      // dying server and vanish with it
      const end = Date.now() + 3000;
      while (Date.now() < end && spawnSync('tmux', ['-L', socket, 'ls'], { stdio: 'ignore' }).status === 0)
        spawnSync('sleep', ['0.05']);
    }
    return r.stdout;
  };
  const screen = () => tmux('capture-pane', '-p', '-t', 'ui');
  return {
    tmux,
    screen,
    async waitFor(re: RegExp, ms = waitMs): Promise<string> {
      const end = Date.now() + ms;
      let s = '';
      while (Date.now() < end) {
        s = screen();
        if (re.test(s)) return s;
        await sleep(100);
      }
      throw new Error(`screen never matched ${re}:\n${s}`);
    },
    async keys(...k: string[]): Promise<void> {
      tmux('send-keys', '-t', 'ui', ...k);
      await sleep(pause);
    },
  };
}
