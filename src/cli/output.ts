/**
 * The program's two sinks: stdout (out, outText) and the lines on stderr (errLine). Text bound for
 * a terminal goes through the escaping of util/escape.ts here, whatever built it.
 */
import { jsonTerminalSafe, terminalLines, terminalText } from '../util/escape.js';
import { UserError } from '../util/errors.js';
import { writeAllSync, writeErrorText } from '../util/write.js';

/** Write a text report to stdout, every line terminal-safe (see terminalLines); JSON goes through out. */
export function outText(s: string): void {
  out(terminalLines(s));
}

/**
 * One line on stderr, `diskblame: MSG`: a message spanning lines is joined into one, and anything
 * a terminal would act on is escaped (terminalText), whatever path or error text the message embeds.
 */
export function errLine(msg: string): void {
  process.stderr.write(`diskblame: ${terminalText(msg.replace(/\s*\n\s*/g, ' '))}\n`);
}

/**
 * Write to stdout; a closed pipe (`| head`) ends the program quietly instead of crashing it, any
 * other failure (a full disk: `> /dev/full`) is a UserError of one line.
 * What it writes is terminal-safe: text reports come through outText already, and in JSON the
 * dangerous characters (which can only stand inside its strings) become \uXXXX escapes, the same
 * JSON value (jsonTerminalSafe).
 */
export function out(s: string): void {
  try {
    writeAllSync(1, Buffer.from(jsonTerminalSafe(s)));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EPIPE') process.exit(0);
    throw new UserError(`cannot write to standard output: ${writeErrorText(e)}`);
  }
}
