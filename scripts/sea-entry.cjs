'use strict';
// The standalone binary's entry (dist/diskblame-linux-ARCH, built by scripts/binary.mjs). Node's
// single executable applications run a CommonJS main only, and the program is an ES module (Ink
// and yoga use top-level await): the bundle rides along as an asset, a data: URL, and is imported
// from memory. Nothing is written to disk, so the binary runs on a read-only or full root
// filesystem and with a noexec /tmp, leaves nothing behind, and never runs a file another user
// could have replaced. src/util/self.ts reads globalThis.__DISKBLAME_SEA__ (the bundle's text, for
// --remote); worker threads run the same data: URL (selfURL()).

const { getAsset } = require('node:sea');

// (Buffer's latin1 decoding: getAsset(key, 'latin1') goes through TextDecoder, ~10 ms more)
const url = Buffer.from(getAsset('diskblame.url')).toString('latin1');
const PREFIX = 'data:text/javascript;base64,';
let source;
globalThis.__DISKBLAME_SEA__ = {
  /** the bundle's text (UTF-8), decoded from the URL when first asked for */
  get source() {
    return (source ??= Buffer.from(url.slice(PREFIX.length), 'base64').toString('utf8'));
  },
};

// The module's file name in a stack trace is that URL (a megabyte per line): `diskblame` stands for
// it. Errors build their trace when made (yargs makes some on every run), so this is start-up time too.
const { toString } = Error.prototype;
Error.prepareStackTrace = (err, frames) => {
  let s = toString.call(err);
  for (const f of frames) {
    const file = f.getFileName();
    if (file === undefined || file === null || !file.startsWith('data:')) s += `\n    at ${f}`;
    else s += `\n    at ${f.getFunctionName() ?? '<anonymous>'} (diskblame:${f.getLineNumber()}:${f.getColumnNumber()})`;
  }
  return s;
};

/**
 * An error that escaped the program: one line on stderr and exit 1, as its own errors (Node would
 * print the line of source it came from: the minified bundle). DISKBLAME_DEBUG=1: the whole trace.
 */
function crash(e) {
  const debug = !!process.env.DISKBLAME_DEBUG;
  let text = String((debug ? e?.stack : e?.message) ?? e).replace(/data:text\/javascript[^\s:)]*/g, 'diskblame');
  if (!debug) text = text.split('\n')[0];
  process.stderr.write(`diskblame: ${text.replace(/[\x00-\x08\x0b-\x1f\x7f-\x9f]/g, '?')}\n`);
  process.exit(1);
}
process.on('uncaughtException', crash);
import(url).catch(crash);
