// dist/lib/start.mjs (scripts/bundle.mjs copies this file there, with the build's key filled in):
// what the bin (dist/diskblame.mjs) loads on a Node that can run the program. It runs the whole
// program, dist/lib/program.cjs (one script, CommonJS-shaped: every module of it is evaluated only
// when first used, as in the pieces), through vm.Script with V8's code cache for it, so that a start
// neither parses nor compiles what an earlier run of the same kind of command compiled. Node 18-21
// have no compile cache for ES modules; the pieces in dist/lib/ (main.mjs...) stay for the worker
// threads that run the program (src/util/self.ts selfURL) and as the fallback here.
//
// The cache: <cache>/diskblame/code/<key>-<kind>.bin, <cache> being $XDG_CACHE_HOME when absolute,
// else ~/.cache (src/util/cachedir.ts); <key> names this build of the program (a hash of its text,
// made at build time), Node's version, the architecture and Node's options (V8 refuses a cache
// made under other flags); <kind> the command line's kind (`scan`,
// `scan-f`, `snapshot`, `version`, ...: each compiles other functions). It is read only from a
// directory of ours that no one else can write, never through a symbolic link, only a regular file of
// ours that starts with this key and holds the length it says; V8 itself refuses a cache of another
// V8, other flags or another source (cachedDataRejected). What is refused is ignored (the program
// runs compiled from its source) and written again. Writing is the program's (src/cli/code-cache.ts,
// through src/util/write.ts, at exit), only when there was no usable cache.
// DISKBLAME_CODE_CACHE=0: no cache read or written (the program still runs from program.cjs).
// DISKBLAME_DEBUG_CODE_CACHE=1: a line on stderr, `code cache: used|none|rejected|off FILE`.
import { createRequire } from 'node:module';

// Node's modules through require(): an ES import of a built-in module makes its ES facade, which
// reads every export (node:fs's getters load its streams: ms at every start)
const require = createRequire(import.meta.url);
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { fileURLToPath } = require('node:url');
const vm = require('node:vm');

/** filled in by scripts/bundle.mjs: the first 16 hex digits of the sha256 of this file (as in scripts/) and program.cjs */
const BUILD = '__DISKBLAME_PROGRAM_HASH__';
/** the header of a cache file, before V8's data: the key, then the data's length */
const MAGIC = 'diskblame-code-cache 1';

const COMMANDS = ['scan', 'snapshot', 'snapshots', 'prune', 'owners', 'sample', 'forecast', 'check', 'metrics', 'diff'];

/** the kind of command line `args` is: the command's name (+ '-f' for an export read), 'version', or 'default' */
function kindOf(args) {
  if (args.length === 1 && args[0] === '--version') return 'version';
  const name = COMMANDS.includes(args[0]) ? args[0] : 'default';
  return args.some((a) => a === '-f' || a.startsWith('--file')) ? `${name}-f` : name;
}

/**
 * 8 hex digits for Node's options of this process (the command line's, the shebang's and
 * NODE_OPTIONS): V8 refuses a cache made under other flags (--cpu-prof, --max-semi-space-size...),
 * so each set of options has its own (FNV-1a of their text)
 */
function flagsHash() {
  const text = `${process.execArgv.join('\0')}\n${process.env.NODE_OPTIONS || ''}`;
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(16).padStart(8, '0');
}

/**
 * the cache directory (src/util/cachedir.ts's rule), or null when there is no home to put it in
 * (no HOME and a user with no passwd entry: os.homedir() throws): the program then runs uncached
 */
function codeDir() {
  const xdg = process.env.XDG_CACHE_HOME;
  if (xdg && path.isAbsolute(xdg)) return path.join(xdg, 'diskblame', 'code');
  try {
    return path.join(os.homedir(), '.cache', 'diskblame', 'code');
  } catch {
    return null;
  }
}

/**
 * V8's data from `file` when it is ours and whole, else undefined: the directory is a directory of
 * ours that only we can write, the file a regular file of ours (never through a link) with
 * MAGIC, `key` and the length of what follows on its first line.
 */
function readCache(dir, file, key) {
  const euid = process.geteuid ? process.geteuid() : -1;
  try {
    const d = fs.lstatSync(dir);
    if (!d.isDirectory() || d.uid !== euid || (d.mode & 0o022) !== 0) return undefined;
    const fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK);
    let buf;
    try {
      const st = fs.fstatSync(fd);
      if (!st.isFile() || st.uid !== euid) return undefined;
      buf = fs.readFileSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    const nl = buf.indexOf(10);
    if (nl < 0 || nl > 200) return undefined;
    const [magic, k, len] = buf.subarray(0, nl).toString('latin1').split(' | ');
    if (magic !== MAGIC || k !== key || Number(len) !== buf.length - nl - 1) return undefined;
    return buf.subarray(nl + 1);
  } catch {
    return undefined;
  }
}

const here = new URL('.', import.meta.url);
const programURL = new URL('program.cjs', here);
const programPath = fileURLToPath(programURL);
let source;
try {
  source = fs.readFileSync(programPath, 'utf8');
} catch {
  source = undefined;
}
if (source === undefined) {
  // (a build without program.cjs: the pieces)
  await import('./main.mjs');
} else {
  const dir = process.env.DISKBLAME_CODE_CACHE !== '0' ? codeDir() : null;
  const use = dir !== null;
  const key = `${BUILD}-node${process.versions.node}-${process.arch}-${flagsHash()}`;
  const file = `${key}-${kindOf(process.argv.slice(2))}.bin`;
  const cachedData = use ? readCache(dir, path.join(dir, file), key) : undefined;
  // (the program's own import.meta.url is the last parameter: scripts/bundle.mjs)
  const script = new vm.Script(`(function (require, module, exports, __filename, __dirname, __diskblame_program_url) {${source}\n})`, {
    filename: programPath,
    cachedData,
  });
  // what the program needs to write a new cache at exit (src/cli/code-cache.ts); nothing when it was used
  const fresh = use && (cachedData === undefined || script.cachedDataRejected);
  if (fresh) globalThis.__DISKBLAME_CODE_CACHE__ = { script, dir, file: path.join(dir, file), header: `${MAGIC} | ${key} | ` };
  // DISKBLAME_DEBUG_CODE_CACHE=1: one line on stderr saying what became of the cache (for the tests)
  if (process.env.DISKBLAME_DEBUG_CODE_CACHE) {
    const what = !use ? 'off' : cachedData === undefined ? 'none' : script.cachedDataRejected ? 'rejected' : 'used';
    process.stderr.write(`code cache: ${what} ${file}\n`);
  }
  // (no worker thread runs this file: they run the pieces, src/util/self.ts selfURL)
  globalThis.__DISKBLAME_BIN_MAIN__ = true;
  const module = { exports: {} };
  script.runInThisContext()(createRequire(programURL), module, module.exports, programPath, path.dirname(programPath), programURL.href);
}
