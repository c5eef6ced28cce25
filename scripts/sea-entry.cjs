'use strict';
// The standalone binary's entry (dist/diskblame-linux-ARCH, built by scripts/binary.mjs): these lines,
// then the whole program as one CommonJS script (built for the binary: Node's single executable
// applications run a CommonJS main, and its V8 code cache in the blob, useCodeCache, covers all
// of it: start-up compiles nothing). Nothing is written to disk but, once, the native directory
// reader in the user's cache (when that cannot be written or loaded, the JavaScript reader runs), so
// the binary runs on a read-only or full root filesystem and with a noexec /tmp, and never runs a
// file another user could have replaced. The assets ride along, read only when asked for, through
// globalThis.__DISKBLAME_SEA__ (src/util/self.ts):
// - source: the ES module bundle dist/diskblame-core.mjs (UTF-8), what --remote runs on another host;
// - program: this script's own text, what the diff reader thread runs (a worker with eval: true);
// - native (when built): the native directory reader, which src/scan/native.ts writes once to
//   ~/.cache/diskblame/native/<sha256>.node to load it (the only files the binary may write);
// - ncduparse (when built): the export reader's native fast path, written and loaded the same way
//   by src/import/native-parse.ts.
// Wrapped in a function: the program's top-level names are its own.
(() => {
  const { getAsset } = require('node:sea');
  const { isMainThread } = require('node:worker_threads');
  const text = (key) => Buffer.from(getAsset(key)).toString('utf8'); // (getAsset(key, 'utf8') is slower)
  let source, program, native, ncduparse;
  const bytes = (key) => {
    try {
      return new Uint8Array(getAsset(key));
    } catch {
      return null;
    }
  };
  globalThis.__DISKBLAME_SEA__ = {
    // the native directory reader (build/Release/dirscan.node), when the binary was built with one:
    // src/scan/native.ts writes it to the cache once to dlopen() it
    get native() {
      return native === undefined ? (native = bytes('dirscan.node')) : native;
    },
    // the export reader's fast path (build/Release/ncduparse.node), likewise (src/import/native-parse.ts)
    get ncduparse() {
      return ncduparse === undefined ? (ncduparse = bytes('ncduparse.node')) : ncduparse;
    },
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
