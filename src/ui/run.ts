/**
 * Starting the interactive program: the terminal's alternate screen (as ncdu), Ink, and the exit
 * code. Only when stdin and stdout are terminals; the CLI decides.
 */
import React from 'react';
import { render } from 'ink';
import { App } from './App.js';
import { Tree } from '../tree/tree.js';
import { ScanOptions } from '../scan/scanner.js';
import type { ChangesData } from './changes.js';
import type { Place } from '../app/place.js';
import type { ViewPrefs } from './model.js';
import { escapeName } from '../util/escape.js';

/**
 * Run the browser until the user leaves; resolves with the exit code. `tree` null: scan `root` at
 * `place` (default here) first, with the scanning screen. Deletions and rescans go to `place` too.
 * `stdin`: where keys come from instead of process.stdin (a tty stream of /dev/tty). `root` may be
 * exact bytes (a name that is not UTF-8). `onBack`: the browser was opened from the volumes view:
 * going up from the top calls it and resolves (0), the tree left behind for the collector.
 */
export async function runUI(opts: { tree: Tree | null; root: string | Uint8Array; scanOptions: ScanOptions; readOnly: boolean; changes?: ChangesData; place?: Place; store?: string; prefs?: Partial<ViewPrefs>; stdin?: NodeJS.ReadStream; color?: boolean; onBack?: () => void }): Promise<number> {
  let code = 0;
  const { stdin, ...appProps } = opts;
  process.stdout.write('\x1b[?1049h\x1b[H'); // alternate screen, like ncdu: the shell's screen comes back after
  const inst = render(React.createElement(App, { ...appProps, shell: true, onExit: (c: number) => (code = c) }), {
    exitOnCtrlC: false,
    patchConsole: false,
    // the keys: the terminal (stdin, or /dev/tty when stdin carried an export: -f -)
    ...(stdin ? { stdin } : {}),
  });
  let restored = false;
  const restore = () => {
    if (restored) return;
    restored = true;
    try {
      inst.unmount();
      inst.cleanup();
    } catch {
      // the terminal comes back all the same
    }
    process.stdout.write('\x1b[?25h\x1b[?1049l'); // cursor shown, the shell's screen back
  };
  // a bug anywhere (an error nothing caught) must not leave the terminal on the alternate screen
  // with a stack trace: the screen comes back, one line says what happened, exit 1
  const fatal = (e: unknown) => {
    restore();
    const msg = e instanceof Error ? e.message : String(e);
    process.stderr.write(`diskblame: internal error: ${escapeName(msg)}\n`);
    process.exit(1);
  };
  process.on('uncaughtException', fatal);
  process.on('unhandledRejection', fatal);
  try {
    await inst.waitUntilExit();
  } finally {
    restore();
    process.off('uncaughtException', fatal);
    process.off('unhandledRejection', fatal);
  }
  return code;
}
