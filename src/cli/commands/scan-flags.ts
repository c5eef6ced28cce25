/**
 * The scanning flags of ncdu, gdu and du habits, declared here once for `diskblame [PATH]`,
 * `scan`, `tree`, `snapshot` and `owners` (the ones that apply to each: ScanFlagSet): `-x` (our
 * default, accepted), `-X FILE`/`--exclude-from FILE`, `--exclude GLOB`, `--exclude-caches`,
 * `--cross-mounts`, `-L`/`--follow-symlinks`, `-e`/`--extended`, `--threads`, `--progress`,
 * `-0`/`-1`/`-2`. Not a command: options and their checks, given to the scanner through
 * app/scan.ts (ScanRequest).
 */
import type { Argv } from 'yargs';
import { UserError } from '../../util/errors.js';
import { escapeName } from '../../util/escape.js';
import { checkInputFile } from '../../util/input.js';
import { readFileCapped } from '../../util/read.js';
import { readErrorText } from '../../util/read-error.js';
import { checkThreads } from '../../app/check.js';

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
  threads?: number;
  progress?: boolean;
  /** -0, -1, -2: ncdu's progress styles (cli/config.ts progressStyle), where the command takes them */
  '0'?: boolean;
  '1'?: boolean;
  '2'?: boolean;
}

/** Which of the scanning flags a command takes, besides the ones every scanning command takes. */
export interface ScanFlagSet {
  /** --cross-mounts (not owners: it explains the one volume holding PATH) */
  crossMounts: boolean;
  /** --exclude-caches, -L, -e: what the scan reads and how an export says it (not owners) */
  reading: boolean;
  /** -0, -1, -2: ncdu's progress styles (the browser's and one-line; not snapshot, owners) */
  progressStyles: boolean;
}

/** `diskblame [PATH]`, `scan`, `tree`: every scanning flag */
export const ALL_SCAN_FLAGS: ScanFlagSet = { crossMounts: true, reading: true, progressStyles: true };

/** --progress, as every command that scans declares it (diff's `live` side too) */
export const progressOption = { type: 'boolean', default: true, describe: 'show progress on stderr when it is a terminal (--no-progress: never)' } as const;

/**
 * The scanning flags of a command, declared once for all (ncdu's, gdu's and du's habits; checked
 * by applyScanFlags): every scanning command takes -x, -X FILE, --exclude GLOB, --threads N and
 * --progress; `takes` says which others (ScanFlagSet). The help lists them in two runs with the
 * command's own options (`own`) between: ncdu's reading habits (-x, -X, --exclude-caches, -L, -e)
 * first, then the scan's tuning (--exclude, --cross-mounts, --threads, --progress, -0, -1, -2).
 */
export function scanFlagOptions<T>(y: Argv<T>, takes: ScanFlagSet, own: (y: Argv<T>) => Argv<T> = (o) => o): Argv<T> {
  let o: Argv<T> = y
    .option('one-file-system', {
      alias: 'x',
      type: 'boolean',
      describe: `stay on the filesystem of PATH, like du -x and ncdu -x (${takes.crossMounts ? 'the default; --cross-mounts is the way out' : 'always here: no --cross-mounts'})`,
    })
    .option('exclude-from', { alias: 'X', type: 'string', array: true, describe: 'skip the patterns listed in FILE, one a line as --exclude (blank lines ignored; repeatable), as ncdu -X' });
  if (takes.reading)
    o = o
      .option('exclude-caches', { type: 'boolean', describe: 'skip the contents of directories holding a valid CACHEDIR.TAG (listed as excluded), as ncdu' })
      .option('follow-symlinks', { alias: 'L', type: 'boolean', describe: 'follow symbolic links (each file and directory counted once, loops cut), totals as du -L; scans in one thread' })
      .option('extended', { alias: 'e', type: 'boolean', describe: 'ncdu -e: exports carry uid, gid, mode and mtime (always on; accepted for ncdu habits)' });
  o = own(o).option('exclude', { type: 'string', array: true, describe: 'skip names or paths matching GLOB (repeatable)' });
  if (takes.crossMounts) o = o.option('cross-mounts', { type: 'boolean', default: false, describe: 'cross into other filesystems (default: stay on the one of PATH, like du -x)' });
  o = o
    .option('threads', { type: 'number', describe: 'scanning threads (default: one more while a core is free, at most 4)' })
    .option('progress', progressOption);
  if (takes.progressStyles)
    o = o
      .option('progress-none', { alias: '0', type: 'boolean', describe: 'no progress output while scanning (ncdu -0; as --no-progress)' })
      .option('progress-line', { alias: '1', type: 'boolean', describe: 'progress on one line of stderr while scanning (ncdu -1; the default outside the browser)' })
      .option('progress-screen', { alias: '2', type: 'boolean', describe: "the browser's full-screen scanning screen (ncdu -2; the browser's default); without the browser, as -1" });
  return o;
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
 * gets patterns, never the file; `a['exclude-from']` is emptied, a second call adds nothing). `-x` with `--cross-mounts`, or `--threads` not a whole number from 1 to 16, is a usage error (exit 2).
 */
export function applyScanFlags(a: ScanFlagArgs): void {
  checkThreads(a.threads);
  if (a['one-file-system'] && a['cross-mounts']) throw new UserError('-x (stay on one filesystem) and --cross-mounts: one or the other', 2);
  if (a['exclude-from']?.length) a.exclude = [...(a.exclude ?? []), ...readExcludeFrom(a['exclude-from'])];
  // folded once: the browser's piped path checks its arguments again in scan's own handler
  delete a['exclude-from'];
}

/**
 * `-f FILE` (`diskblame`, `scan`, `tree`) reads an export instead of scanning: not with PATH, with
 * --remote (the file is here), or with a flag that applies to scans (--exclude, -X, --cross-mounts,
 * --exclude-caches, -L): each a UserError of one line, exit 2. Then FILE itself must be one that
 * can be read (util/input.ts checkInputFile: a directory or a device is "not a regular file", exit 1).
 * Call after applyScanFlags (-X's patterns are in `a.exclude` by then).
 */
export function checkFileSource(a: ScanFlagArgs & { file?: string; path?: string; remote?: string }): void {
  if (a.file === undefined) return;
  if (a.path !== undefined) throw new UserError('give either PATH or --file, not both', 2);
  if (a.remote !== undefined) throw new UserError('--file reads an export here: it does not go with --remote', 2);
  if (a.exclude?.length || a['cross-mounts']) throw new UserError('--exclude and --cross-mounts apply to scans, not to --file', 2);
  if (a['exclude-caches'] || a['follow-symlinks']) throw new UserError('--exclude-caches and -L apply to scans, not to --file', 2);
  checkInputFile(a.file);
}
