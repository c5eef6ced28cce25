/**
 * The scanning flags of ncdu, gdu and du habits, for `diskblame [PATH]`, `scan`, `snapshot` (and
 * `owners`, the ones that apply there): `-x` (our default, accepted), `-X FILE`/`--exclude-from
 * FILE`, `--exclude-caches`, `-L`/`--follow-symlinks`, `-e`/`--extended`. Not a command: options
 * and their checks, given to the scanner through app/scan.ts (ScanRequest).
 */
import type { Argv } from 'yargs';
import { UserError } from '../../util/errors.js';
import { escapeName } from '../../util/escape.js';
import { readFileCapped } from '../../util/read.js';
import { readErrorText } from '../../util/read-error.js';

/** an --exclude-from file's size at most (bytes): a list of patterns, not a data file */
export const EXCLUDE_FROM_MAX = 1 << 20;

export interface ScanFlagArgs {
  exclude?: string[];
  'exclude-from'?: string[];
  'one-file-system'?: boolean;
  'cross-mounts'?: boolean;
  'exclude-caches'?: boolean;
  'follow-symlinks'?: boolean;
  extended?: boolean;
}

/** -x and -X (every scanning command) */
export function excludeFlagOptions<T>(y: Argv<T>) {
  return y
    .option('one-file-system', { alias: 'x', type: 'boolean', describe: 'stay on the filesystem of PATH, like du -x and ncdu -x (the default; --cross-mounts is the way out)' })
    .option('exclude-from', { alias: 'X', type: 'string', array: true, describe: 'skip the patterns listed in FILE, one a line as --exclude (blank lines ignored; repeatable), as ncdu -X' });
}

/** -x, -X, --exclude-caches, -L, -e: `diskblame [PATH]`, `scan`, `snapshot` */
export function scanFlagOptions<T>(y: Argv<T>) {
  return excludeFlagOptions(y)
    .option('exclude-caches', { type: 'boolean', describe: 'skip the contents of directories holding a valid CACHEDIR.TAG (listed as excluded), as ncdu' })
    .option('follow-symlinks', { alias: 'L', type: 'boolean', describe: 'follow symbolic links (each file and directory counted once, loops cut), totals as du -L; scans in one thread' })
    .option('extended', { alias: 'e', type: 'boolean', describe: 'ncdu -e: exports carry uid, gid, mode and mtime (always on; accepted for ncdu habits)' });
}

/**
 * The patterns of the --exclude-from files, in order: one per line, a line's '\n' (and a '\r'
 * before it) cut, blank lines skipped, as ncdu -X reads them. Each file is read with a cap
 * (EXCLUDE_FROM_MAX bytes). Throws UserError, one line naming the file: missing or unreadable
 * (exit 2), larger than the cap (exit 2).
 */
export function readExcludeFrom(files: readonly string[]): string[] {
  const out: string[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = readFileCapped(file, EXCLUDE_FROM_MAX, 'utf8');
    } catch (e) {
      throw new UserError(`--exclude-from ${escapeName(file)}: ${readErrorText(e)}`, 2);
    }
    for (const line of text.split('\n')) {
      const p = line.endsWith('\r') ? line.slice(0, -1) : line;
      if (p !== '') out.push(p);
    }
  }
  return out;
}

/**
 * Check the flags and fold -X's patterns into `a.exclude` (so the scan, here or with --remote,
 * gets patterns, never the file; `a['exclude-from']` is emptied, a second call adds nothing). `-x` with `--cross-mounts` is a usage error (exit 2).
 */
export function applyScanFlags(a: ScanFlagArgs): void {
  if (a['one-file-system'] && a['cross-mounts']) throw new UserError('-x (stay on one filesystem) and --cross-mounts: one or the other', 2);
  if (a['exclude-from']?.length) a.exclude = [...(a.exclude ?? []), ...readExcludeFrom(a['exclude-from'])];
  // folded once: the browser's piped path checks its arguments again in scan's own handler
  delete a['exclude-from'];
}
