/** Checks made before a long job, so that a bad argument is one line before any work. */
import fs from 'node:fs';
import { errnoText, UserError } from '../util/errors.js';
import { escapeName } from '../util/escape.js';

/**
 * `root` (a path, or its exact bytes) is a directory that can be read and entered; else a UserError of one line
 * ("cannot scan ROOT: no such file or directory", "... not a directory"), exit 1.
 */
export function checkRoot(root: string | Buffer): void {
  const fail = (e: unknown): never => {
    throw new UserError(`cannot scan ${escapeName(root)}: ${errnoText((e as NodeJS.ErrnoException).code)}`);
  };
  let st: fs.Stats;
  try {
    st = fs.statSync(root);
  } catch (e) {
    fail(e);
  }
  // (a file first: access() would call a plain file "permission denied", even for root)
  if (!st!.isDirectory()) throw new UserError(`cannot scan ${escapeName(root)}: not a directory`);
  try {
    fs.accessSync(root, fs.constants.R_OK | fs.constants.X_OK);
  } catch (e) {
    fail(e);
  }
}

/** --threads: a whole number from 1 to 16 (UserError, exit 2) */
export function checkThreads(threads: number | undefined): void {
  if (threads !== undefined && (!Number.isInteger(threads) || threads < 1 || threads > 16))
    throw new UserError(`--threads wants a whole number from 1 to 16, not ${threads}`, 2);
}
