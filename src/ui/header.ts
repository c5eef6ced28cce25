/** The first line of every view. */
import { fit } from './text.js';

/** what every view's header offers, whichever view it is */
export const HEADER_HINT = '? help  q quit';

/**
 * The header line (reverse video, `width` columns): the program, the views of this session with
 * the current one in brackets (`tabs`, the same in every view), and the keys every view takes.
 */
export function viewHeader(tabs: string, width: number): string {
  return '\x1b[7m' + fit(`diskblame ${tabs}`, Math.max(0, width - HEADER_HINT.length)) + HEADER_HINT + '\x1b[27m';
}
