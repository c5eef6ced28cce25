// Plugins and shared options for scripts/bundle.mjs (the ES module bundle) and scripts/binary.mjs (the
// standalone binary's CommonJS program). The bundle also runs from a data: URL (a remote host's Node
// imports it from memory, src/remote/script.ts), where import.meta.url is that URL. Dependencies
// turn it into a file path (yargs: fileURLToPath, createRequire) and throw on anything else. Their
// import.meta.url becomes __diskblame_file_url: the bundle's own file URL, or else the node
// executable's. Our own code (src/util/self.ts) keeps the real one.
import { build } from 'esbuild';
import { readFile } from 'node:fs/promises';
import { isBuiltin } from 'node:module';
import path from 'node:path';

/**
 * The bundle's first lines: __diskblame_file_url, and a require() for the dependencies that call it
 * (built-in modules). One static import: each is resolved against the bundle's URL (see builtinsPlugin).
 */
export const banner = [
  "import { createRequire as __cr } from 'node:module';",
  'const __diskblame_self = import.meta.url.startsWith(\'file:\');',
  'const require = __cr(__diskblame_self ? import.meta.url : process.execPath);',
  "const __diskblame_file_url = __diskblame_self ? import.meta.url : require('node:url').pathToFileURL(process.execPath).href;",
].join(' ');

/** esbuild plugin: import.meta.url in node_modules reads __diskblame_file_url */
export const fileURLPlugin = {
  name: 'diskblame-file-url',
  setup(build) {
    build.onLoad({ filter: /[\\/]node_modules[\\/].*\.m?js$/ }, async (args) => {
      const text = await readFile(args.path, 'utf8');
      if (!text.includes('import.meta.url')) return undefined;
      return { contents: text.replaceAll('import.meta.url', '__diskblame_file_url'), loader: 'js', resolveDir: path.dirname(args.path) };
    });
  },
};

/**
 * esbuild plugin: `import ... from 'node:fs'` (and every other built-in module) becomes a require()
 * of it. Each static import is resolved against the importing module's URL, parsed anew each time:
 * for the binary's data: URL (a megabyte) that is ~2 ms per distinct module, ~100 ms in all. Dynamic
 * import() is left alone (it runs only when reached).
 */
export const builtinsPlugin = {
  name: 'diskblame-builtins',
  setup(build) {
    build.onResolve({ filter: /^(node:)?[a-z_/]+$/ }, (args) =>
      args.kind === 'import-statement' && isBuiltin(args.path) ? { path: args.path, namespace: 'diskblame-builtin' } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'diskblame-builtin' }, (args) => ({
      contents: `module.exports = require(${JSON.stringify(args.path)});`,
      loader: 'js',
    }));
  },
};

/**
 * Replace `from` by `to` in `text`, exactly once: a dependency's source changed under us is a build
 * error, never a silently different program.
 */
function replaceOnce(text, from, to, file) {
  const n = text.split(from).length - 1;
  if (n !== 1) throw new Error(`${file}: expected ${JSON.stringify(from)} once, found it ${n} times (has the dependency changed?)`);
  return text.replace(from, () => to);
}

/**
 * esbuild plugin: work that dependencies do when they load, or that yargs does for every command
 * line, that the program does not need at start:
 * - yargs() calls .version() with no argument, which looks for a package.json from the current
 *   directory up to / (a readdir of each directory on the way, an AssertionError built when there
 *   is none): main.ts sets the version itself, so the guess is left out;
 * - string-width makes its Intl.Segmenter when it loads (ICU's break iterator: a fifth of a bare
 *   `node`'s start-up): it is made on first use instead.
 * - yargs' platform shim imports node:assert (two checks of its own invariants): loading assert
 *   costs ~1 ms at every start; here the checks are made inline, and assert is loaded only to throw
 *   its own error when one fails (Object.is is assert's strictEqual).
 * - yargs' platform shim reads process.stdout.columns when it loads: that makes process.stdout, a
 *   stream with its modules (net, stream...: ~5 ms of CPU when stdout is a pipe), which a command
 *   writing through fd 1 (cli/output.ts) never uses; here it is read when yargs asks for the width
 *   (help text), a getter.
 * The program's own source does neither (src/ui/text.ts makes its segmenter on first use too).
 */
export const lazyStartPlugin = {
  name: 'diskblame-lazy-start',
  setup(build) {
    build.onResolve({ filter: /^(node:)?assert$/ }, (args) =>
      /[\\/]node_modules[\\/]yargs[\\/]/.test(args.importer) ? { path: 'assert', namespace: 'diskblame-lazy-assert' } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'diskblame-lazy-assert' }, () => ({
      contents: [
        "export function strictEqual(a, b, m) { if (!Object.is(a, b)) require('node:assert').strictEqual(a, b, m); }",
        "export function notStrictEqual(a, b, m) { if (Object.is(a, b)) require('node:assert').notStrictEqual(a, b, m); }",
      ].join('\n'),
      loader: 'js',
    }));
    build.onLoad({ filter: /[\\/]node_modules[\\/]yargs[\\/]build[\\/]lib[\\/]yargs-factory\.js$/ }, async (args) => {
      const text = await readFile(args.path, 'utf8');
      return { contents: replaceOnce(text, '        yargs.version();\n', '', args.path), loader: 'js', resolveDir: path.dirname(args.path) };
    });
    build.onLoad({ filter: /[\\/]node_modules[\\/]yargs[\\/]lib[\\/]platform-shims[\\/]esm\.mjs$/ }, async (args) => {
      const text = await readFile(args.path, 'utf8');
      const from = "    stdColumns: typeof process.stdout.columns !== 'undefined' ? process.stdout.columns : null\n";
      const to = "    get stdColumns() { return typeof process.stdout.columns !== 'undefined' ? process.stdout.columns : null }\n";
      return { contents: replaceOnce(text, from, to, args.path), loader: 'js', resolveDir: path.dirname(args.path) };
    });
    build.onLoad({ filter: /[\\/]node_modules[\\/]string-width[\\/]index\.js$/ }, async (args) => {
      const text = await readFile(args.path, 'utf8');
      const lazy = 'let segmenter_;\nconst segmenter = { segment: (s) => (segmenter_ ??= new Intl.Segmenter()).segment(s) };\n';
      return { contents: replaceOnce(text, 'const segmenter = new Intl.Segmenter();\n', lazy, args.path), loader: 'js', resolveDir: path.dirname(args.path) };
    });
  },
};

/**
 * esbuild plugin for the standalone binary's CommonJS build (scripts/binary.mjs): CommonJS has no
 * top-level await, and three stand in its way.
 * - ink's reconciler awaits two imports when DEV=true (React devtools, its own package.json): not
 *   in the binary (as in the bundle, where devtools is a stub).
 * - yoga-layout awaits the instantiation of its WebAssembly: here it is instantiated synchronously
 *   (`new WebAssembly.Module` / `Instance`, through emscripten's `instantiateWasm` hook) from the same
 *   embedded bytes, so yoga is ready when its module has run, as before.
 */
export const noTopLevelAwaitPlugin = {
  name: 'diskblame-no-top-level-await',
  setup(build) {
    build.onLoad({ filter: /[\\/]node_modules[\\/]ink[\\/]build[\\/]reconciler\.js$/ }, async (args) => {
      let text = await readFile(args.path, 'utf8');
      text = replaceOnce(text, "await import('./devtools.js');", '/* no devtools in the binary */', args.path);
      text = replaceOnce(text, 'await loadPackageJson()', '{ name: undefined, version: undefined }', args.path);
      return { contents: text.replaceAll('import.meta.url', '__diskblame_file_url'), loader: 'js', resolveDir: path.dirname(args.path) };
    });
    // the emscripten module: its wasm (a data: URL) becomes a module-level export too
    build.onLoad({ filter: /[\\/]node_modules[\\/]yoga-layout[\\/]dist[\\/]binaries[\\/]yoga-wasm-base64-esm\.js$/ }, async (args) => {
      const text = await readFile(args.path, 'utf8');
      const m = text.match(/H="(data:application\/octet-stream;base64,[A-Za-z0-9+/=]+)"/g);
      if (m?.length !== 1) throw new Error(`${args.path}: the embedded wasm was not found once (has yoga-layout changed?)`);
      const url = m[0].slice(3, -1);
      let out = replaceOnce(text, m[0], 'H=__yoga_wasm_url', args.path);
      out = `const __yoga_wasm_url = ${JSON.stringify(url)};\nexport { __yoga_wasm_url };\n${out.replaceAll('import.meta.url', '__diskblame_file_url')}`;
      return { contents: out, loader: 'js', resolveDir: path.dirname(args.path) };
    });
    build.onLoad({ filter: /[\\/]node_modules[\\/]yoga-layout[\\/]dist[\\/]src[\\/]index\.js$/ }, async (args) => {
      const text = await readFile(args.path, 'utf8');
      replaceOnce(text, 'const Yoga = wrapAssembly(await loadYoga());', '', args.path); // the shape we replace
      const contents = `import loadYoga, { __yoga_wasm_url } from '../binaries/yoga-wasm-base64-esm.js';
import wrapAssembly from './wrapAssembly.js';
const bytes = Buffer.from(__yoga_wasm_url.slice(__yoga_wasm_url.indexOf(',') + 1), 'base64');
const lib = {
  instantiateWasm(imports, receive) {
    const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), imports);
    receive(instance);
    return instance.exports;
  },
};
loadYoga(lib);
if (!lib.calledRun) throw new Error('yoga-layout did not start synchronously');
const Yoga = wrapAssembly(lib);
export default Yoga;
export * from './generated/YGEnums.js';
`;
      return { contents, loader: 'js', resolveDir: path.dirname(args.path) };
    });
  },
};

/**
 * The esbuild options the program's builds share (scripts/bundle.mjs: the ES module bundle;
 * scripts/binary.mjs: the standalone binary's CommonJS program), for Node `target` (esbuild's
 * `node18.17`...): the entry, the defines (with the package-list worker built as one script), the
 * aliases. The caller adds the output, format, banner and plugins.
 */
export async function programOptions(target) {
  // the package-list worker (src/owners/package-worker.ts) as one script, carried inside the program
  const worker = await build({
    entryPoints: ['src/owners/package-worker.ts'],
    bundle: true,
    write: false,
    platform: 'node',
    format: 'cjs',
    target,
    minify: true,
    legalComments: 'none',
    logLevel: 'warning',
    // its imports reach src/util/self.ts (through the readers' modules), whose import.meta.url a
    // CommonJS script does not have: esbuild warned at every build (11 lines at a user's first
    // `npm install`). The worker never calls those functions (it reads package databases only);
    // were one reached, `new URL(..., undefined)` would throw, not point somewhere wrong.
    logOverride: { 'empty-import-meta': 'silent' },
  });
  return {
    define: {
      __DISKBLAME_PACKAGE_WORKER__: JSON.stringify(worker.outputFiles[0].text),
      // src/util/self.ts: this is the bundle (worker threads and remote hosts run it again), in one
      // file (scripts/bundle.mjs sets __DISKBLAME_SPLIT__ for the build in pieces)
      __DISKBLAME_BUNDLED__: 'true',
      __DISKBLAME_SPLIT__: 'false',
      // React's production build: its development build diffs every render's props (slow, and the
      // heap grows with the tree)
      'process.env.NODE_ENV': '"production"',
    },
    entryPoints: ['src/cli/main.ts'],
    bundle: true,
    platform: 'node',
    target,
    minify: true, // less source text for V8 to hold: faster start-up
    legalComments: 'none',
    // Ink loads React's devtools only when DEV=true: a no-op stands in for it
    alias: { 'react-devtools-core': './scripts/devtools-stub.mjs' },
    logLevel: 'warning',
  };
}
