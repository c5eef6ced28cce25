/**
 * The browser's keys and flags as its help overlay (? in the browser: overlays.tsx) shows them, one
 * line of at most 80 columns each: plain data, no UI, so that the man page (cli/man.ts, written by
 * scripts/man.mjs at build time) prints the same lines and the two never disagree.
 */
export const HELP_LINES = [
  ' Keys (as in ncdu; space marks as in gdu)',
  '   Up/Down, j/k        move          PgUp/PgDn, Home/End  page, first, last',
  '   Enter, Right, l     open dir      Left, h, Backspace   parent directory',
  '   s  sort by size     n  by name    C  by item count     M  by mtime (modified)',
  '                       (pressing the same sort key again reverses it)',
  '   t  directories first (on/off)     e  hidden files (names with a dot) on/off',
  '   a  apparent size / disk usage     c  item count column  g  percentage / graph',
  '   m  modification time column (a directory: the newest mtime below it)',
  '   i  information on the selection   r  rescan this directory',
  '   space  mark / unmark the selection and move down (not m: m is the mtime',
  '          column, as in ncdu 2 and gdu); d, D and E then act on all marked',
  '          entries; leaving the directory clears the marks (as gdu)',
  '   d  delete the selection (asks first; off with --read-only)',
  '   D  move it to the trash (freedesktop.org: ~/.local/share/Trash on the same',
  "      mount, else the volume's .Trash-UID; renamed, never copied; asks first)",
  '   E  empty a file in place: truncate to 0 bytes (a log still held open)',
  '   b  a shell ($SHELL) in the selected directory; exit it to come back (the',
  '      directory is rescanned); off with --read-only',
  '   f, Esc  clear the owner filter (set it in the Owners view, 2: f on an owner)',
  "        filtered: only that owner's files and the directories leading to them,",
  '        sizes count its files only, d deletes only the files shown',
  '   ?  this help        q  quit',
  '',
  ' Flags',
  '   !  could not be read              .  an error somewhere below',
  '   <  excluded (--exclude)           >  another filesystem (mount point)',
  '   ^  kernel filesystem              @  symlink, FIFO, socket or device',
  '   H  hard link (counted once)       e  empty directory',
  '   *  (second column) marked with space',
];
