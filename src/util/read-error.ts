/**
 * Why a file named for reading could not be read, in one line: the one wording of every command
 * that reads a file it is given (an --exclude-from list, a rules file, the config file, a bearer
 * token, password or CA file, an export with -f or a diff side, a --history CSV, a textfile
 * collector's file). A module of its own: util/errors.ts (errnoText) is among the modules
 * `diskblame --version` loads, whose size test/startup.test.ts caps, and nothing here is needed
 * there.
 */
import { errnoText } from './errors.js';
import { FileTooLargeError } from './read.js';

/**
 * The reason, in the words du, ls and cat use (errnoText; and "is a directory" for EISDIR,
 * "input/output error" for EIO, "stale file handle" for ESTALE): "no such file or directory",
 * "permission denied", "not a directory", "too many levels of symbolic links". A
 * FileTooLargeError (util/read.ts readFileCapped, readRegularCapped) says its own "larger than N
 * bytes"; another errno code is itself ("EMFILE"); an error without one, its message. Never throws.
 *
 * @param e what the read threw (an fs error, FileTooLargeError, anything)
 */
export function readErrorText(e: unknown): string {
  if (e instanceof FileTooLargeError) return e.message;
  const code = (e as NodeJS.ErrnoException | null | undefined)?.code;
  switch (code) {
    case 'EISDIR':
      return 'is a directory';
    case 'EIO':
      return 'input/output error';
    case 'ESTALE': // (errnoText's ESTALE is the scan's: a directory replaced between listing and opening)
      return 'stale file handle';
    case undefined:
      return e instanceof Error ? e.message : String(e);
    default:
      return errnoText(code);
  }
}
