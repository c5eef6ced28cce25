/** An error meant for the user: printed as one line, no stack trace. */
export class UserError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

/**
 * Standard output was closed by its reader (`| head`, `| true`): the program ends quietly with
 * exit 0 (cli.ts errorExit), as out() does when it meets EPIPE. (du and ls die of SIGPIPE there;
 * Node ignores that signal, and a line on stderr about a reader that had enough is noise.)
 */
export class StdoutClosed extends Error {
  constructor() {
    super('standard output closed by its reader');
  }
}

/** What an errno code means, in the words du and ls use. */
export function errnoText(code: string | undefined): string {
  switch (code) {
    case 'ENOENT':
      return 'no such file or directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ENOTDIR':
      return 'not a directory';
    case 'ELOOP':
      return 'too many levels of symbolic links';
    case 'ESTALE': // the scan engine's word for a directory replaced between its listing and its opening
      return 'replaced during the scan';
    default:
      return code ?? 'unknown error';
  }
}
