// dist/diskblame.cjs, the package's bin (scripts/bundle.mjs writes it from this file, after
// src/cli/main.ts's shebang, with the build's key filled in). A CommonJS script, so that no ES
// module loader runs before the program (~5 ms of every start); written so that any Node from 10 up
// parses it (no ?. or ??, no catch without its binding), which says which Node is needed on an
// older one, before anything else loads.
//
// On a Node that can run it, it runs the program from dist/lib/'s CommonJS pieces (main.cjs, the
// entry, and the pieces it requires: esbuild's code splitting, made CommonJS by scripts/bundle.mjs).
// Each piece is read and compiled only when the program first reaches it (`--version` needs ~20 kB
// of the program's megabyte, `scan` no Ink, React, owners or forecast), through vm.Script with V8's
// code cache, so that a start neither parses nor compiles what an earlier run of the same kind of
// command compiled (Node 18-21 keep no compile cache of their own). The ES module pieces beside
// them (lib/main.mjs...) are what worker threads run (src/util/self.ts selfURL), and the fallback
// here when lib/main.cjs is missing; without lib/ the bin runs the one-file core.
//
// The cache: <cache>/diskblame/code/<key>-<kind>.bin, <cache> being $XDG_CACHE_HOME when absolute,
// else ~/.cache (src/util/cachedir.ts); <key> names this build of the program (a hash of its text,
// made at build time), Node's version, the architecture and Node's options (V8 refuses a cache
// made under other flags); <kind> the command line's kind (`scan`, `scan-f`, `snapshot`,
// `version`, ...: each compiles other functions). One file holds the data of every piece that
// runs of that kind had loaded: a first line `MAGIC | key | piece=length,...`, then the pieces'
// data in that order. It is read only from a directory of ours that no one else can write, never
// through a symbolic link, only a regular file of ours that starts with this key and holds the
// lengths it says; V8 itself refuses a cache of another V8, other flags or another source
// (cachedDataRejected). What is refused is ignored (the piece runs compiled from its source). The
// file is written again at exit (by the program, src/cli/code-cache.ts, through src/util/write.ts)
// when a piece had no data in it or V8 refused some: with what this run compiled, and the data of
// the pieces this run did not load.
// DISKBLAME_CODE_CACHE=0: no cache read or written (the program still runs from the pieces).
// DISKBLAME_DEBUG_CODE_CACHE=1: a line on stderr at exit, `code cache: used|none|rejected|off FILE`
// (`used`: the file was there and V8 took its data; a piece not in it yet is then added).

/** filled in by scripts/bundle.mjs: the first 16 hex digits of the sha256 of this file (as in scripts/) and the pieces */
var BUILD = '__DISKBLAME_PROGRAM_HASH__';
/** the start of a cache file's first line */
var MAGIC = 'diskblame-code-cache 2';
var COMMANDS = ['scan', 'snapshot', 'snapshots', 'prune', 'owners', 'sample', 'forecast', 'check', 'metrics', 'diff'];
/** the last line of every piece (scripts/bundle.mjs pieceEnd): one without it was cut short */
var END = '//diskblame piece end\n';
/** the largest cache file read, in bytes (a whole program's is ~3 MB): a larger one is not (read whole, it would be that much memory) */
var MAX_CACHE_BYTES = 64 * 1024 * 1024;
/** a piece's name as the pieces require it (scripts/bundle.mjs: chunkNames, the entry) */
var PIECE = /^\.\/([A-Za-z0-9_-]+\.cjs)$/;

var v = process.versions.node.split('.').map(Number);
if (v[0] < 18 || (v[0] === 18 && v[1] < 17)) {
  process.stderr.write('diskblame needs Node.js 18.17 or newer (this is v' + process.versions.node + '); or use the standalone binary\n');
  process.exit(1);
} else {
  start();
}

function start() {
  var fs = require('fs');
  var path = require('path');
  var lib = path.join(__dirname, 'lib');
  var entry = path.join(lib, 'main.cjs');
  var text;
  try {
    text = fs.readFileSync(entry, 'utf8');
  } catch (e) {
    // (a build without the CommonJS pieces: the ES module ones; without lib/, the one-file core)
    var file = 'lib/main.mjs';
    import('./lib/main.mjs')
      .catch(function (e) {
        if (!e || e.code !== 'ERR_MODULE_NOT_FOUND') throw e;
        file = 'diskblame-core.mjs';
        return import('./diskblame-core.mjs');
      })
      .catch(function (e) {
        process.stderr.write('diskblame: cannot load ' + file + ': ' + String((e && e.message) || e).split('\n')[0] + '\n');
        process.exit(1);
      });
    return;
  }
  try {
    run(fs, path, lib, text);
  } catch (e) {
    process.stderr.write('diskblame: cannot load lib/main.cjs: ' + String((e && e.message) || e).split('\n')[0] + '\n');
    process.exit(1);
  }
}

/** the kind of command line `args` is: the command's name (+ '-f' for an export read), 'version', or 'default' */
function kindOf(args) {
  if (args.length === 1 && args[0] === '--version') return 'version';
  var name = COMMANDS.indexOf(args[0]) >= 0 ? args[0] : 'default';
  return args.some(function (a) { return a === '-f' || a.indexOf('--file') === 0; }) ? name + '-f' : name;
}

/**
 * 8 hex digits for Node's options of this process (the command line's, the shebang's and
 * NODE_OPTIONS): V8 refuses a cache made under other flags (--cpu-prof, --max-semi-space-size...),
 * so each set of options has its own (FNV-1a of their text)
 */
function flagsHash() {
  var text = process.execArgv.join('\0') + '\n' + (process.env.NODE_OPTIONS || '');
  var h = 0x811c9dc5;
  for (var i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(16).padStart(8, '0');
}

/**
 * the cache directory (src/util/cachedir.ts's rule), or null when there is no home to put it in
 * (no HOME, or a relative one, and a user with no passwd entry: os.homedir() throws): the program
 * then runs uncached
 */
function codeDir(path, fs) {
  var xdg = process.env.XDG_CACHE_HOME;
  if (xdg && path.isAbsolute(xdg)) return path.join(xdg, 'diskblame', 'code');
  var os = require('os');
  var passwd = function () { return os.userInfo().homedir; };
  var home = absolute(path, function () { return os.homedir(); });
  // root with another user's HOME (sudo without -H): root's own home, as cachedir.ts homeDir does
  if (home !== null && process.geteuid && process.geteuid() === 0) {
    try {
      if (fs.statSync(home).uid !== 0) home = absolute(path, passwd) || home;
    } catch (e) {
      /* unreadable: kept */
    }
  }
  home = home || absolute(path, passwd);
  return home === null ? null : path.join(home, '.cache', 'diskblame', 'code');
}

/** what `get` returns when it is an absolute path, else null (also when it throws) */
function absolute(path, get) {
  try {
    var p = get();
    return p && path.isAbsolute(p) ? p : null;
  } catch (e) {
    return null;
  }
}

/**
 * the pieces' V8 data in `file` (a Map of piece name to bytes) when the file is ours and whole,
 * else null: the directory is a directory of ours that only we can write, the file a regular file
 * of ours (never through a link) of at most MAX_CACHE_BYTES whose first line has MAGIC, `key` and the pieces' lengths, which
 * add up to what follows it
 */
function readCache(fs, dir, file, key) {
  var euid = process.geteuid ? process.geteuid() : -1;
  try {
    var d = fs.lstatSync(dir);
    if (!d.isDirectory() || d.uid !== euid || (d.mode & 18) !== 0) return null; // (18: 0o022)
    var fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK);
    var buf;
    try {
      var st = fs.fstatSync(fd);
      if (!st.isFile() || st.uid !== euid || st.size > MAX_CACHE_BYTES) return null;
      buf = fs.readFileSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    var nl = buf.indexOf(10);
    if (nl < 0 || nl > 16384) return null;
    var head = buf.subarray(0, nl).toString('latin1').split(' | ');
    if (head.length !== 3 || head[0] !== MAGIC || head[1] !== key) return null;
    var data = new Map();
    var at = nl + 1;
    var parts = head[2] ? head[2].split(',') : [];
    for (var i = 0; i < parts.length; i++) {
      var m = /^([A-Za-z0-9_-]+\.cjs)=(\d+)$/.exec(parts[i]);
      if (!m || at + Number(m[2]) > buf.length) return null;
      data.set(m[1], buf.subarray(at, at + Number(m[2])));
      at += Number(m[2]);
    }
    return at === buf.length ? data : null;
  } catch (e) {
    return null;
  }
}

/** run the program from `lib`'s pieces, `text` being its entry's (main.cjs) */
function run(fs, path, lib, text) {
  var vm = require('vm');
  var url = require('url');
  // Node's built-in modules through this file's own require (what the pieces require, besides each
  // other); anything else, were it ever asked for, from lib/ (a require made for it: ~0.4 ms)
  var builtins = new Set(require('module').builtinModules);
  var libRequire = null;
  // the pieces' file URLs: lib/'s, and their names, which need no escaping (PIECE); one
  // pathToFileURL instead of one per piece (~25 us each, ~37 pieces in a scan)
  var libHref = url.pathToFileURL(lib).href + '/';
  var dir = process.env.DISKBLAME_CODE_CACHE !== '0' ? codeDir(path, fs) : null;
  var key = BUILD + '-node' + process.versions.node + '-' + process.arch + '-' + flagsHash();
  var file = dir === null ? null : path.join(dir, key + '-' + kindOf(process.argv.slice(2)) + '.bin');
  var old = dir === null ? null : readCache(fs, dir, file, key);
  /** piece name -> its module ({ exports }, loading: true while it runs) */
  var modules = new Map();
  /** the pieces run, in order: [name, vm.Script] */
  var loaded = [];
  var rejected = false;
  var missing = false;

  function load(name, source) {
    var m = modules.get(name);
    if (m) {
      // (esbuild's chunks import each other without cycles: one would be a broken build)
      if (m.loading) throw new Error('lib/' + name + ' requires itself through other pieces');
      return m.exports;
    }
    var filename = path.join(lib, name);
    if (source === undefined) source = fs.readFileSync(filename, 'utf8');
    if (!source.endsWith(END)) throw new Error((name === 'main.cjs' ? 'it' : 'lib/' + name) + ' is cut short (an incomplete install?): install diskblame again');
    var cachedData = old === null ? undefined : old.get(name);
    if (old !== null && cachedData === undefined) missing = true;
    // (the piece's own file URL is its import.meta.url, and its dependencies': scripts/bundle.mjs)
    var script = new vm.Script('(function (require, module, exports, __filename, __dirname, __diskblame_program_url, __diskblame_file_url) {' + source + '\n})', {
      filename: filename,
      cachedData: cachedData,
    });
    if (cachedData !== undefined && script.cachedDataRejected) rejected = true;
    loaded.push([name, script]);
    m = { exports: {}, loading: true };
    modules.set(name, m);
    var href = libHref + name;
    try {
      script.runInThisContext()(pieceRequire, m, m.exports, filename, lib, href, href);
    } catch (e) {
      modules.delete(name); // (as Node's require: a piece that threw is run again if asked for again)
      throw e;
    }
    m.loading = false;
    return m.exports;
  }
  function pieceRequire(id) {
    var p = PIECE.exec(id);
    if (p) return load(p[1]);
    if (id.indexOf('node:') === 0 || builtins.has(id)) return require(id);
    if (libRequire === null) libRequire = require('module').createRequire(path.join(lib, 'main.cjs'));
    return libRequire(id);
  }

  if (dir !== null) {
    // what the program needs to write the cache again at exit (src/cli/code-cache.ts)
    globalThis.__DISKBLAME_CODE_CACHE__ = {
      dir: dir,
      file: file,
      key: key,
      stale: function () {
        return old === null || rejected || missing;
      },
      contents: function () {
        var names = [];
        var datas = [];
        var fresh = new Set();
        loaded.forEach(function (l) {
          names.push(l[0]);
          datas.push(l[1].createCachedData());
          fresh.add(l[0]);
        });
        // (the pieces other runs of this kind loaded: their data as read, unless V8 refused some)
        if (old !== null && !rejected)
          old.forEach(function (data, name) {
            if (!fresh.has(name)) {
              names.push(name);
              datas.push(data);
            }
          });
        var head = MAGIC + ' | ' + key + ' | ' + names.map(function (n, i) { return n + '=' + datas[i].length; }).join(',') + '\n';
        return Buffer.concat([Buffer.from(head, 'latin1')].concat(datas));
      },
    };
  }
  // DISKBLAME_DEBUG_CODE_CACHE=1: one line on stderr at exit saying what became of the cache (for the tests)
  if (process.env.DISKBLAME_DEBUG_CODE_CACHE)
    process.on('exit', function () {
      var what = dir === null ? 'off' : old === null ? 'none' : rejected ? 'rejected' : 'used';
      process.stderr.write('code cache: ' + what + ' ' + (file === null ? '-' : path.basename(file)) + (what === 'used' && missing ? ' (pieces added)' : '') + '\n');
    });
  // (no worker thread runs this file: they run the ES module pieces, src/util/self.ts selfURL)
  globalThis.__DISKBLAME_BIN_MAIN__ = true;
  load('main.cjs', text);
}
