// npm run bundle: one file, diskblame.mjs, that runs with a bare `node` (copy it to a server).
import { build } from 'esbuild';
import { chmodSync } from 'node:fs';
import { banner, builtinsPlugin, fileURLPlugin } from './bundle-plugins.mjs';

const outfile = 'dist/diskblame.mjs';
// the package-list worker (src/owners/package-worker.ts) as one script, carried inside the bundle
const worker = await build({
  entryPoints: ['src/owners/package-worker.ts'],
  bundle: true,
  write: false,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  minify: true,
  legalComments: 'none',
  logLevel: 'warning',
});
await build({
  define: {
    __DISKBLAME_PACKAGE_WORKER__: JSON.stringify(worker.outputFiles[0].text),
    // React's production build: its development build diffs every render's props (slow, and the
    // heap grows with the tree)
    'process.env.NODE_ENV': '"production"',
    // src/util/self.ts: this is the bundle (its workers run the bundle itself)
    __DISKBLAME_BUNDLED__: 'true',
  },
  entryPoints: ['src/cli/main.ts'],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  minify: true, // less source text for V8 to hold: faster start-up
  legalComments: 'none',
  // some dependencies still call require(); dependencies' import.meta.url must be a file: URL (the
  // standalone binary imports the bundle as a data: URL)
  banner: { js: banner },
  plugins: [fileURLPlugin, builtinsPlugin],
  // Ink loads React's devtools only when DEV=true: a no-op stands in for it
  alias: { 'react-devtools-core': './scripts/devtools-stub.mjs' },
  logLevel: 'warning',
});
chmodSync(outfile, 0o755);
console.log(`wrote ${outfile}`);
