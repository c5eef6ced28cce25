'use strict';
// The standalone binary's entry (dist/diskblame-linux-ARCH, built by scripts/binary.mjs): these lines,
// then the whole program as one CommonJS script (built for the binary: Node's single executable
// applications run a CommonJS main, and its V8 code cache in the blob, useCodeCache, covers all
// of it: start-up compiles nothing). Nothing is written to disk, so the binary runs on a read-only
// or full root filesystem and with a noexec /tmp, leaves nothing behind, and never runs a file
// another user could have replaced. Two assets ride along, read only when asked for, through
// globalThis.__DISKBLAME_SEA__ (src/util/self.ts):
// - source: the ES module bundle dist/diskblame-core.mjs (UTF-8), what --remote runs on another host;
// - program: this script's own text, what the diff reader thread runs (a worker with eval: true).
// Wrapped in a function: the program's top-level names are its own.
(() => {
  const { getAsset } = require('node:sea');
  const { isMainThread } = require('node:worker_threads');
  const text = (key) => Buffer.from(getAsset(key)).toString('utf8'); // (getAsset(key, 'utf8') is slower)
  let source, program;
  globalThis.__DISKBLAME_SEA__ = {
    get source() {
      return (source ??= text('diskblame-core.mjs'));
    },
    get program() {
      return (program ??= text('diskblame.cjs'));
    },
  };
  if (!isMainThread) return;
  /**
   * An error that escaped the program: one line on stderr and exit 1, as its own errors (Node would
   * print the line of source it came from: minified code). DISKBLAME_DEBUG=1: the whole trace.
   */
  function crash(e) {
    const debug = !!process.env.DISKBLAME_DEBUG;
    let s = String((debug ? e?.stack : e?.message) ?? e);
    if (!debug) s = s.split('\n')[0];
    process.stderr.write(`diskblame: ${s.replace(/[\x00-\x08\x0b-\x1f\x7f-\x9f]/g, '?')}\n`);
    process.exit(1);
  }
  process.on('uncaughtException', crash);
})();
