/**
 * Files named on the command line for reading (an export with -f, the sides of a diff, a --history
 * CSV, a --rules file). A regular file is read; so is a FIFO, which is only ever there on purpose:
 * a pipe such as a shell's process substitution (`-f <(zcat x.gz)`, /dev/fd/63) or /dev/stdin fed
 * by one. A directory, a character device (/dev/null, /dev/zero, /dev/urandom, a terminal, or
 * worse: opening some devices acts on hardware), a block device or a socket is refused as "not a
 * regular file", by its type from stat, before it is opened.
 */
import fs from 'node:fs';
import tty from 'node:tty';
import { UserError } from './errors.js';
import { escapeName } from './escape.js';

/** What kind of file `st` is, in words (for messages): "a directory", "a character device", ... */
export function fileKind(st: fs.Stats): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  if (st.isFIFO()) return 'a pipe';
  if (st.isSymbolicLink()) return 'a symbolic link';
  return st.isFile() ? 'a regular file' : 'an unknown kind of file';
}

/** Whether a file of this kind may be read as input: a regular file or a FIFO (see above). */
export function readableInput(st: fs.Stats): boolean {
  return st.isFile() || st.isFIFO();
}

/** The one-line reason a file of this kind is refused, e.g. "not a regular file (a directory)". */
export function notRegularText(st: fs.Stats): string {
  return `not a regular file (${fileKind(st)})`;
}

/**
 * Refuse an input file by its type, before opening it: throws UserError("NAME: not a regular file
 * (a directory)", exit 1) for a directory, device or socket. A path that cannot be stat'ed (missing,
 * no permission) is left to the reader, whose message says why. `-` (stdin) when standard input is
 * a terminal: UserError, exit 2 (a pipe or a file is read).
 *
 * @param file the path as given
 * @param what how to name it in the message (default: the path itself)
 */
export function checkInputFile(file: string, what = escapeName(file)): void {
  if (file === '-') {
    // (read from a terminal, the reader would wait for text typed in, under "reading: 0 entries")
    if (tty.isatty(0)) throw new UserError('- reads standard input, which is this terminal: pipe the file in (e.g. zcat var.json.gz | diskblame -f -)', 2);
    return;
  }
  let st: fs.Stats;
  try {
    st = fs.statSync(file);
  } catch {
    return;
  }
  if (!readableInput(st)) throw new UserError(`${what}: ${notRegularText(st)}`);
}
