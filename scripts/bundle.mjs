// npm run bundle: dist/diskblame-core.mjs, the whole program in one file that runs with a bare
// `node` >= 18.17 (copy it to a server), and dist/diskblame.mjs, the package's bin: a few lines
// that any Node from 10 up parses, which say which Node is needed on an older one, and otherwise
// load the core.
import { build } from 'esbuild';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { banner, builtinsPlugin, fileURLPlugin } from './bundle-plugins.mjs';

const core = 'dist/diskblame-core.mjs';
const loader = 'dist/diskblame.mjs';
const target = 'node18.17';
// the package-list worker (src/owners/package-worker.ts) as one script, carried inside the bundle
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
});
await build({
  define: {
    __DISKBLAME_PACKAGE_WORKER__: JSON.stringify(worker.outputFiles[0].text),
    // src/util/self.ts: this is the bundle (worker threads and remote hosts run it again)
    __DISKBLAME_BUNDLED__: 'true',
    // React's production build: its development build diffs every render's props (slow, and the
    // heap grows with the tree)
    'process.env.NODE_ENV': '"production"',
  },
  entryPoints: ['src/cli/main.ts'],
  outfile: core,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target,
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
chmodSync(core, 0o755);

// The loader keeps main.ts's shebang (its V8 flags) and is written in ES5 plus import(): Node 10
// runs a .mjs file as CommonJS, so this must parse both ways, and nothing of the core may load
// (a SyntaxError there prints a screenful of minified source) before the version is checked.
const shebang = readFileSync('src/cli/main.ts', 'utf8').split('\n')[0];
if (!shebang.startsWith('#!')) throw new Error('src/cli/main.ts has no shebang line');
writeFileSync(
  loader,
  `${shebang}
// diskblame: check the Node version, then load the program (diskblame-core.mjs beside this file).
var v = process.versions.node.split('.').map(Number);
if (v[0] < 18 || (v[0] === 18 && v[1] < 17)) {
  process.stderr.write('diskblame needs Node.js 18.17 or newer (this is v' + process.versions.node + '); or use the standalone binary\\n');
  process.exit(1);
} else {
  import('./diskblame-core.mjs').catch(function (e) {
    process.stderr.write('diskblame: cannot load diskblame-core.mjs: ' + String((e && e.message) || e).split('\\n')[0] + '\\n');
    process.exit(1);
  });
}
`,
);
chmodSync(loader, 0o755);
console.log(`wrote ${core}, ${loader}`);
