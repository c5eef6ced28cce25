// npm run bundle: three things in dist/, all from src/cli/main.ts.
// - dist/diskblame-core.mjs, the whole program in one file that runs with a bare `node` >= 18.17
//   (copy it to a server; --remote sends it to the other host's Node);
// - dist/lib/, the same program in pieces (esbuild's code splitting), twice: ES modules, main.mjs
//   the entry, which worker threads run; and CommonJS scripts, main.cjs the entry, which the bin
//   runs with V8's code cache (scripts/bin.cjs). Each import() in src/ is a piece loaded when
//   reached: `--version` loads almost nothing, `scan` no Ink, React, owners or forecast;
// - dist/diskblame.cjs, the package's bin (scripts/bin.cjs): a CommonJS script (no ES module
//   loader at start) that any Node from 10 up parses, which says which Node is needed on an older
//   one, and otherwise runs lib/'s CommonJS pieces (or lib/main.mjs, or the one-file core).
import { build, transform } from 'esbuild';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { banner, builtinsPlugin, fileURLPlugin, lazyStartPlugin, noTopLevelAwaitPlugin, programOptions } from './bundle-plugins.mjs';

const core = 'dist/diskblame-core.mjs';
const lib = 'dist/lib'; // src/util/self.ts: SPLIT_DIR, SPLIT_ENTRY
const loader = 'dist/diskblame.cjs'; // package.json "bin"
const oldLoader = 'dist/diskblame.mjs'; // (the bin before it was CommonJS: not left behind)
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
// the same pieces as CommonJS scripts, lib/*.cjs, that the bin (scripts/bin.cjs) runs with V8's
// code cache: the bin's way in on this Node. Built as ES module pieces, then each made CommonJS
// (esbuild's transform: its imports become require() of the other pieces, its import() a
// require() when reached). They are pieces of lib/ for src/util/self.ts (__DISKBLAME_SPLIT__):
// worker threads run lib/main.mjs, the addon is ../../build/Release/. A piece's import.meta.url
// (and its dependencies') is its own file URL, a parameter of the function that the bin wraps it
// in; ink's and yoga's top-level awaits are made synchronous as for the standalone binary's
// CommonJS build (noTopLevelAwaitPlugin).
const cjs = await build({
  ...options,
  format: 'esm',
  splitting: true,
  write: false,
  outdir: fresh,
  entryNames: 'main',
  chunkNames: '[name]-[hash]',
  outExtension: { '.js': '.cjs' },
  define: { ...options.define, __DISKBLAME_SPLIT__: 'true', 'import.meta.url': '__diskblame_program_url', 'import.meta.resolve': 'undefined' },
  plugins: [noTopLevelAwaitPlugin, lazyStartPlugin, fileURLPlugin],
});
const pieces = [];
const pieceEnd = '//diskblame piece end\n'; // scripts/bin.cjs END
if (!readFileSync('scripts/bin.cjs', 'utf8').includes(`var END = '${pieceEnd.replace('\n', '\\n')}';`)) throw new Error('scripts/bin.cjs checks another last line of the pieces');
for (const f of cjs.outputFiles) {
  const t = await transform(f.text.replace(/^#!.*\n/, ''), {
    format: 'cjs',
    supported: { 'dynamic-import': false },
    platform: 'node',
    target,
    minify: true,
    legalComments: 'none',
    logLevel: 'warning',
  });
  // (its last line, which the bin checks: a piece cut short where what is left parses would run as
  // a program that does nothing)
  pieces.push({ path: f.path, text: `${t.code}${pieceEnd}` });
}
pieces.sort((a, b) => (a.path < b.path ? -1 : 1));
if (!pieces.some((p) => p.path.endsWith('/main.cjs'))) throw new Error('no lib/main.cjs among the CommonJS pieces');
// the cache's key: these pieces and the bin that runs them (V8 itself compares only the source's length)
const binText = readFileSync('scripts/bin.cjs', 'utf8');
const hash = createHash('sha256').update(binText);
for (const p of pieces) hash.update(p.path.slice(fresh.length)).update('\0').update(p.text);
const programHash = hash.digest('hex').slice(0, 16);
mkdirSync(fresh, { recursive: true });
for (const p of pieces) writeFileSync(p.path, p.text);

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
// (a program started in between finds no lib/main.cjs or main.mjs for an instant: the bin then takes the core)
rmSync(`${lib}.old`, { recursive: true, force: true });
if (existsSync(lib)) renameSync(lib, `${lib}.old`);
renameSync(fresh, lib);
rmSync(`${lib}.old`, { recursive: true, force: true });
if (process.env.DISKBLAME_BUNDLE_META) writeFileSync(process.env.DISKBLAME_BUNDLE_META, JSON.stringify(split.metafile, null, 1).replaceAll(`${fresh}/`, `${lib}/`));

// The bin keeps main.ts's shebang (its V8 flags); scripts/bin.cjs is written so that Node 10
// parses it, and nothing of the program may load (a SyntaxError there prints a screenful of
// minified source) before the version is checked.
const shebang = readFileSync('src/cli/main.ts', 'utf8').split('\n')[0];
if (!shebang.startsWith('#!')) throw new Error('src/cli/main.ts has no shebang line');
if (!binText.includes("'__DISKBLAME_PROGRAM_HASH__'")) throw new Error('scripts/bin.cjs has no place for the build key');
writeFileSync(loader, `${shebang}\n${binText.replace("'__DISKBLAME_PROGRAM_HASH__'", `'${programHash}'`)}`);
chmodSync(loader, 0o755);
rmSync(oldLoader, { force: true });
console.log(`wrote ${core}, ${lib}/, ${loader}`);
