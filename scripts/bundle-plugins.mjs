// Plugins for scripts/bundle.mjs. The bundle also runs from a data: URL (the standalone binary imports it
// from memory, scripts/sea-entry.cjs), where import.meta.url is that URL. Dependencies turn it into
// a file path (yargs: fileURLToPath, createRequire) and throw on anything else. Their
// import.meta.url becomes __diskblame_file_url: the bundle's own file URL, or in the binary the
// binary's. Our own code (src/util/self.ts) keeps the real one: worker threads run the bundle again.
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
