#!/usr/bin/env node
// The man page dist/diskblame.1, written at the end of `npm run build` (after tsc, from its output
// in dist/cli/): the commands and their options from the yargs tables `--help` is rendered from
// (src/cli/describe.ts), the examples from `diskblame --help` itself, the roff from src/cli/man.ts.
// A command or an option added to src/cli/ is on the page at the next build, with no edit here.
// The date is SOURCE_DATE_EPOCH's when set (reproducible packages), else today's (UTC).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist');
const { describeCommands } = await import(path.join(dist, 'cli', 'describe.js'));
const { manPage, helpExamples } = await import(path.join(dist, 'cli', 'man.js'));
const { VERSION } = await import(path.join(dist, 'version.js'));
const { HELP_LINES } = await import(path.join(dist, 'ui', 'help-lines.js'));

// (the tsc build's entry: no code cache written beside the bin; 80 columns, as piped)
const help = spawnSync(process.execPath, [path.join(dist, 'cli', 'main.js'), '--help'], { encoding: 'utf8', env: { ...process.env, COLUMNS: '80' } });
if (help.status !== 0) {
  process.stderr.write(`man: diskblame --help failed (exit ${help.status ?? help.signal}): ${help.stderr}\n`);
  process.exit(1);
}
const epoch = Number(process.env.SOURCE_DATE_EPOCH);
const date = (Number.isFinite(epoch) && epoch > 0 ? new Date(epoch * 1000) : new Date()).toISOString().slice(0, 10);
const page = manPage({ commands: await describeCommands(), version: VERSION, date, examples: helpExamples(help.stdout), keys: HELP_LINES });
const out = path.join(dist, 'diskblame.1');
fs.writeFileSync(`${out}.tmp`, page);
fs.renameSync(`${out}.tmp`, out);
console.log(`wrote ${path.relative(root, out)}`);
