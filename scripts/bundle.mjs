// npm run bundle: three things in dist/, all from src/cli/main.ts.
// - dist/diskblame-core.mjs, the whole program in one file that runs with a bare `node` >= 18.17
//   (copy it to a server; --remote sends it to the other host's Node);
// - dist/lib/, the same program in pieces for the bin (esbuild's code splitting): main.mjs, the
//   entry, loads only what the command line asks for (each import() in src/ is a piece loaded when
//   reached): `--version` loads almost nothing, `scan` no Ink, React, owners or forecast; worker
//   threads run these pieces. The bin runs lib/program.cjs, the program as one script, through
//   lib/start.mjs, which keeps V8's code cache for it (scripts/code-cache-start.mjs): in one script
//   every module is still evaluated only when first used;
// - dist/diskblame.mjs, the package's bin: a few lines that any Node from 10 up parses, which say
//   which Node is needed on an older one, and otherwise load dist/lib/start.mjs (or, when dist/lib/
//   is not there, the one-file core).
import { build } from 'esbuild';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { banner, builtinsPlugin, fileURLPlugin, lazyStartPlugin, noTopLevelAwaitPlugin, programOptions } from './bundle-plugins.mjs';

const core = 'dist/diskblame-core.mjs';
const lib = 'dist/lib'; // src/util/self.ts: SPLIT_DIR, SPLIT_ENTRY
const loader = 'dist/diskblame.mjs';
const target = 'node18.17';
const options = await programOptions(target);
// some dependencies still call require(); dependencies' import.meta.url must be a file: URL (the
// program also runs from a data: URL or a standalone binary)
const common = { ...options, format: 'esm', banner: { js: banner }, plugins: [lazyStartPlugin, fileURLPlugin, builtinsPlugin] };
await build({ ...common, outfile: core });
chmodSync(core, 0o755);

// the pieces, built beside dist/lib/ and swapped in whole: no piece of an older build left in it
const fresh = `${lib}.new`;
rmSync(fresh, { recursive: true, force: true });
const split = await build({
  ...common,
  define: { ...options.define, __DISKBLAME_SPLIT__: 'true' },
  // DISKBLAME_BUNDLE_META=FILE: esbuild's metafile of the pieces (which modules each piece holds)
  metafile: !!process.env.DISKBLAME_BUNDLE_META,
  // (built-in modules stay ES imports here: builtinsPlugin is for a data: URL, and here it would make
  // a piece of each)
  plugins: [lazyStartPlugin, fileURLPlugin],
  banner: undefined, // (below: only in the pieces that use it)
  outdir: fresh,
  splitting: true,
  entryNames: 'main', // (one entry)
  chunkNames: '[name]-[hash]',
  outExtension: { '.js': '.mjs' },
  write: false,
});
// the same program as one CommonJS-shaped script, lib/program.cjs, that lib/start.mjs runs with
// V8's code cache (scripts/code-cache-start.mjs): the bin's way in on this Node. It is a piece of
// lib/ for src/util/self.ts (__DISKBLAME_SPLIT__): worker threads run lib/main.mjs, the addon is
// ../../build/Release/. Its import.meta.url is its own file URL, a parameter of the function that
// start.mjs wraps it in; ink's and yoga's top-level awaits are made synchronous as for the
// standalone binary's CommonJS build (noTopLevelAwaitPlugin).
const program = await build({
  ...options,
  write: false,
  format: 'cjs',
  define: { ...options.define, __DISKBLAME_SPLIT__: 'true', 'import.meta.url': '__diskblame_program_url', 'import.meta.resolve': 'undefined' },
  banner: { js: 'const __diskblame_file_url = __diskblame_program_url;' },
  plugins: [noTopLevelAwaitPlugin, lazyStartPlugin, fileURLPlugin],
});
const programText = program.outputFiles[0].text.replace(/^#!.*\n/, '');
// the cache's key: this program and the start that wraps it (V8 itself compares only the source's length)
const start = readFileSync('scripts/code-cache-start.mjs', 'utf8');
const programHash = createHash('sha256').update(start).update(programText).digest('hex').slice(0, 16);
mkdirSync(fresh, { recursive: true });
writeFileSync(`${fresh}/program.cjs`, programText);
writeFileSync(`${fresh}/start.mjs`, start.replace('__DISKBLAME_PROGRAM_HASH__', programHash));

// the banner (a require(), the file URL for dependencies) costs a createRequire() in each piece
// that has it: only the pieces that name either get it (after main.mjs's shebang)
mkdirSync(fresh, { recursive: true });
for (const f of split.outputFiles) {
  let text = f.text;
  if (/\brequire\b|\b__diskblame_file_url\b/.test(text)) {
    const shebang = text.startsWith('#!') ? text.slice(0, text.indexOf('\n') + 1) : '';
    text = `${shebang}${banner}\n${text.slice(shebang.length)}`;
  }
  writeFileSync(f.path, text);
}
// (a program started in between finds no lib/main.mjs for an instant: the loader then takes the core)
rmSync(`${lib}.old`, { recursive: true, force: true });
if (existsSync(lib)) renameSync(lib, `${lib}.old`);
renameSync(fresh, lib);
rmSync(`${lib}.old`, { recursive: true, force: true });
if (process.env.DISKBLAME_BUNDLE_META) writeFileSync(process.env.DISKBLAME_BUNDLE_META, JSON.stringify(split.metafile, null, 1).replaceAll(`${fresh}/`, `${lib}/`));

// The loader keeps main.ts's shebang (its V8 flags) and is written in ES5 plus import(): Node 10
// runs a .mjs file as CommonJS, so this must parse both ways, and nothing of the core may load
// (a SyntaxError there prints a screenful of minified source) before the version is checked.
const shebang = readFileSync('src/cli/main.ts', 'utf8').split('\n')[0];
if (!shebang.startsWith('#!')) throw new Error('src/cli/main.ts has no shebang line');
writeFileSync(
  loader,
  `${shebang}
// diskblame: check the Node version, then load the program (lib/main.mjs beside this file, in
// pieces, started by lib/start.mjs from one script with V8's code cache; or the whole of it in one
// file, diskblame-core.mjs, when lib/ is not there).
var v = process.versions.node.split('.').map(Number);
if (v[0] < 18 || (v[0] === 18 && v[1] < 17)) {
  process.stderr.write('diskblame needs Node.js 18.17 or newer (this is v' + process.versions.node + '); or use the standalone binary\\n');
  process.exit(1);
} else {
  var file = 'lib/start.mjs';
  import('./lib/start.mjs').catch(function (e) {
    if (!e || e.code !== 'ERR_MODULE_NOT_FOUND') throw e;
    file = 'diskblame-core.mjs';
    return import('./diskblame-core.mjs');
  }).catch(function (e) {
    process.stderr.write('diskblame: cannot load ' + file + ': ' + String((e && e.message) || e).split('\\n')[0] + '\\n');
    process.exit(1);
  });
}
`,
);
chmodSync(loader, 0o755);
console.log(`wrote ${core}, ${lib}/, ${loader}`);
