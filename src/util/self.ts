/**
 * The program's own code, for the places that run it again: worker threads (the diff reader), and
 * another host's Node (`--remote`). Four ways to be running:
 * - the bin's build in pieces, `dist/lib/main.mjs` and the pieces it loads as needed (what worker
 *   threads run); the whole program in one file is still beside it. The bin itself
 *   (`dist/diskblame.cjs`, from scripts/bin.cjs) runs the same pieces made CommonJS
 *   (`dist/lib/main.cjs`...) with V8's code cache: there too split() is true, and import.meta.url
 *   is the piece's own file URL in dist/lib/, so every URL below is the same as from an ES piece;
 * - the bundle, `dist/diskblame-core.mjs`: the whole program in one file (what --remote runs on
 *   another host, from a `data:` URL; what the bin loads when dist/lib/ is missing);
 * - the standalone binary: the program built as one CommonJS script (scripts/binary.mjs), where
 *   `import.meta.url` is `diskblame:standalone`; it carries the bundle as an asset, for --remote
 *   (its entry sets `globalThis.__DISKBLAME_SEA__` first);
 * - the tsc build or tsx (tests, bench), where the bundle is the one `npm run build` wrote beside it.
 */
import fs from 'node:fs';
import { createRequire, isBuiltin } from 'node:module';
import { pathToFileURL } from 'node:url';

/** set by scripts/bundle.mjs in the bundle; absent from the tsc build */
declare const __DISKBLAME_BUNDLED__: boolean | undefined;
/**
 * set by scripts/bundle.mjs: true in the bin's build in pieces (dist/lib/: main.mjs, the entry, and
 * the pieces it loads when needed, all in that one directory), false in the one-file bundle
 */
declare const __DISKBLAME_SPLIT__: boolean | undefined;

/** the bundle's file name in dist/ */
export const CORE_BUNDLE = 'diskblame-core.mjs';

/** the bin's build in pieces: its directory in dist/, and its entry there */
export const SPLIT_DIR = 'lib';
export const SPLIT_ENTRY = 'main.mjs';

/** true in the build in pieces (dist/lib/), where import.meta.url is the URL of one piece */
export function split(): boolean {
  return typeof __DISKBLAME_SPLIT__ === 'boolean' && __DISKBLAME_SPLIT__;
}

declare global {
  // eslint-disable-next-line no-var
  /**
   * set by the standalone binary's entry (scripts/sea-entry.cjs): `source`, the ES module bundle's
   * text (for --remote); `program`, the binary's own CommonJS program text (for worker threads);
   * `native`, the native directory reader's bytes, `ncduparse` the export reader's fast path's
   * (null: built without it)
   */
  var __DISKBLAME_SEA__: { source: string; program?: string; native?: Uint8Array | null; ncduparse?: Uint8Array | null } | undefined;
}

/** true inside the bundle (a file or the standalone binary's asset), false in the tsc build and under tsx */
export function bundled(): boolean {
  return typeof __DISKBLAME_BUNDLED__ === 'boolean' && __DISKBLAME_BUNDLED__;
}

/** true inside the standalone binary (dist/diskblame-linux-ARCH) */
export function standalone(): boolean {
  return globalThis.__DISKBLAME_SEA__ !== undefined;
}

/**
 * A URL that runs this program again in a worker thread: in the bundle, the bundle itself (a
 * `file:` URL, or a `data:` URL on a remote host); in the build in pieces, its entry; elsewhere the script the process was started
 * with (the tsc build's dist/cli/main.js). Not in the standalone binary, whose program is no
 * module at a URL: a worker runs its text (`__DISKBLAME_SEA__.program`, with `eval: true`).
 */
export function selfURL(): URL {
  if (split()) return new URL(`./${SPLIT_ENTRY}`, import.meta.url);
  if (bundled()) return new URL(import.meta.url);
  return pathToFileURL(process.argv[1]);
}

/**
 * the one-file bundle's location when it is a file (dist/diskblame-core.mjs, also from the build in
 * pieces), else null (the standalone binary)
 */
export function bundleFileURL(): URL | null {
  if (standalone()) return null;
  if (split()) return new URL(`../${CORE_BUNDLE}`, import.meta.url);
  if (bundled()) return new URL(import.meta.url);
  // dist/util/self.js -> dist/diskblame-core.mjs; src/util/self.ts (tsx) -> dist/diskblame-core.mjs
  return new URL(import.meta.url.endsWith('.ts') ? `../../dist/${CORE_BUNDLE}` : `../${CORE_BUNDLE}`, import.meta.url);
}

/**
 * The bundle's text (UTF-8), to run on another host's Node. Throws the fs error (ENOENT: the
 * bundle was not built: `npm run build`) when it is a file that cannot be read.
 */
export function bundleText(): Buffer {
  const sea = globalThis.__DISKBLAME_SEA__;
  if (sea) return Buffer.from(sea.source, 'utf8');
  return fs.readFileSync(bundleFileURL()!);
}

/**
 * A `require` for Node's built-in modules (`node:fs`...), for code that is handed one (the scan
 * engine). From a file it is that file's own `require`; in the standalone binary, from a
 * `data:` URL and in a script with no import.meta (the package worker) there is no file: there it loads built-in modules only and throws for anything else
 * (nothing is loaded from the disk beside the binary).
 */
export function builtinRequire(): NodeJS.Require {
  // (undefined in a script built apart as CommonJS: the owners' package worker)
  const url = import.meta.url as string | undefined;
  if (typeof url === 'string' && url.startsWith('file:')) return createRequire(url);
  const req = createRequire(process.execPath);
  const only = ((id: string) => {
    if (!isBuiltin(id)) throw new Error(`not a built-in module: ${id}`);
    return req(id);
  }) as NodeJS.Require;
  return Object.assign(only, { resolve: req.resolve, cache: req.cache, main: req.main, extensions: req.extensions });
}

/**
 * Node's built-in module `id` (`'node:crypto'`), loaded on its first use: for a module that needs it
 * only on some paths, which keeps its load (crypto: ~7 ms) off every command's start-up.
 * `lazyBuiltin<typeof import('node:crypto')>('node:crypto')()` is the module.
 */
export function lazyBuiltin<T>(id: string): () => T {
  let mod: T | undefined;
  return () => (mod ??= builtinRequire()(id) as T);
}
