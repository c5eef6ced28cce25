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

export async function runUI(opts: { tree: Tree | null; root: string; scanOptions: ScanOptions; readOnly: boolean; changes?: ChangesData }): Promise<number> {
  let code = 0;
  process.stdout.write('\x1b[?1049h\x1b[H'); // alternate screen, like ncdu: the shell's screen comes back after
  const inst = render(React.createElement(App, { ...opts, onExit: (c: number) => (code = c) }), {
    exitOnCtrlC: false,
    patchConsole: false,
  });
  try {
    await inst.waitUntilExit();
  } finally {
    inst.cleanup();
    process.stdout.write('\x1b[?1049l');
  }
  return code;
}
