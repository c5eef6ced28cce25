/**
 * Loaded with `--import` by `npm test` (the runner and every test file's process): usage samples,
 * snapshots and the package-table cache go (and the config file is looked for) to temporary directories, never to the home of whoever
 * runs the tests. The runner sets them first; the test processes inherit them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const made: string[] = [];
for (const [k, prefix] of [
  ['DISKBLAME_STORE', 'diskblame-test-store-'],
  ['XDG_CACHE_HOME', 'diskblame-test-cache-'],
  // (an empty one: the config file of whoever runs the tests must not change what the CLI prints)
  ['XDG_CONFIG_HOME', 'diskblame-test-config-'],
] as const) {
  if (process.env[k] && process.env.DISKBLAME_TEST_ISOLATED) continue;
  process.env[k] = mkdtempSync(join(tmpdir(), prefix));
  made.push(process.env[k]!);
}
process.env.DISKBLAME_TEST_ISOLATED = '1';
process.on('exit', () => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});
