/**
 * The program's two sinks: stdout (out, outText; outJson and outLines for reports that grow with
 * the tree or a count given) and the lines on stderr (errLine). Text bound for a terminal goes
 * through the escaping of util/escape.ts here, whatever built it.
 */
import { jsonTerminalSafe, terminalLines, terminalText } from '../util/escape.js';
import { UserError } from '../util/errors.js';
import { stringifyExactPieces } from '../util/exact.js';
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

/**
 * about how many characters outJson and outLines hand to out at once: a report of millions of rows
 * is never one string (V8's limit: 2^29 - 24 characters, "Invalid string length"; escaping one of
 * more than ~134M characters that has a character to escape hit its limit on an array's length,
 * "Invalid array length"), nor all in memory as text
 */
const PIECE = 1 << 20;

/**
 * Write `value` as JSON to stdout: the bytes of out(stringifyExact(value, 2) + '\n') (two spaces,
 * bigints as their exact digits; JSON.stringify's text where there is no bigint), written in
 * pieces of about a megabyte as they are made (util/exact.ts stringifyExactPieces). Errors as out.
 */
export function outJson(value: unknown): void {
  stringifyExactPieces(value, 2, out, '\n', PIECE);
}

/**
 * Write a text report given line by line (each without its '\n', a generator's as they come):
 * the bytes of outText(the lines joined with '\n' + '\n'), in pieces of whole lines of about a
 * megabyte. Errors as out.
 */
export function outLines(lines: Iterable<string>): void {
  let piece = '';
  let none = true;
  for (const l of lines) {
    piece += l + '\n';
    none = false;
    if (piece.length >= PIECE) {
      outText(piece);
      piece = '';
    }
  }
  if (piece !== '' || none) outText(none ? '\n' : piece);
}
