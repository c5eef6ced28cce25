/**
 * What `diskblame --version` prints, for main.ts (which answers a bare `--version` before anything
 * else is loaded) and cli.ts (yargs' --version). Keep this module's imports few and cheap: it is
 * all that `--version` loads besides the entry.
 */
import { VERSION } from '../version.js';
import { readerInUse } from '../scan/native.js';
import { gzipInUse } from '../import/native-parse.js';

/**
 * the text of `--version`, without the final newline: the version (src/version.ts) first, then
 * which directory reader a scan would use and why, its scanning threads, and which library gzips
 * exports and snapshots (libdeflate or zlib) and why (a stat and a dlopen for each addon, no worker)
 */
export function versionText(): string {
  const r = readerInUse();
  const threads = r.threads === 'native' ? 'native (worker threads for --exclude or mount points inside the root)' : 'worker';
  const g = gzipInUse();
  return `${VERSION}\nreader: ${r.reader} (${r.why})\nthreads: ${threads}\ngzip: ${g.gzip} (${g.why})`;
}
