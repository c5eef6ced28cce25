// npm run bundle: dist/diskblame-core.mjs, the whole program in one file that runs with a bare
// `node` >= 18.17 (copy it to a server), and dist/diskblame.mjs, the package's bin: a few lines
// that any Node from 10 up parses, which say which Node is needed on an older one, and otherwise
// load the core.
import { build } from 'esbuild';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { banner, builtinsPlugin, fileURLPlugin, programOptions } from './bundle-plugins.mjs';

const core = 'dist/diskblame-core.mjs';
const loader = 'dist/diskblame.mjs';
const target = 'node18.17';
await build({
  ...(await programOptions(target)),
  outfile: core,
  format: 'esm',
  // some dependencies still call require(); dependencies' import.meta.url must be a file: URL (the
  // program also runs from a data: URL or a standalone binary)
  banner: { js: banner },
  plugins: [fileURLPlugin, builtinsPlugin],
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
