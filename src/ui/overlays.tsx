/** The browser's panels: help, the selected entry's details, the delete confirmation. */
import { PASSWD_MAX } from '../owners/users.js';
import { readFileCapped } from '../util/read.js';
import React from 'react';
import { Box, Text } from 'ink';
import { EntryType, EXCLUDED_NAMES } from '../model/entry.js';
import type { TreeView } from '../tree/filter.js';
import { Tree } from '../tree/tree.js';
import { count, counted, size } from '../util/format.js';
import { clock } from '../report/time.js';
import { escapeName, terminalText } from '../util/escape.js';
import { fit, truncate, wrapColumns } from './text.js';
import { HELP_LINES } from './help-lines.js';
import type { KindInfo } from '../app/kind-info.js';

function lines(text: string[], width: number, height: number): React.ReactElement {
  const shown = text.slice(0, height);
  return (
    <Box flexDirection="column">
      {shown.map((l, k) => (
        <Text key={k}>{fit(l, width)}</Text>
      ))}
    </Box>
  );
}

export { HELP_LINES };

/**
 * The help cut into pages of `height` rows (terminal rows for the list), each ending with the line
 * that says how to page and close; one page when it all fits.
 */
export function helpPages(width: number, height: number): string[][] {
  return keyHelpPages(HELP_LINES, width, height);
}

/**
 * Any view's help `text` in pages of `height` rows, as helpPages cuts the browser's (the volumes
 * view's help on a short terminal). Pure.
 */
export function keyHelpPages(text: readonly string[], width: number, height: number): string[][] {
  const per = Math.max(1, height - 1);
  if (text.length + 1 <= height) return [[...text, ' Press ? or q to close.']];
  const pages: string[][] = [];
  for (let k = 0; k < text.length; k += per) pages.push(text.slice(k, k + per));
  return pages.map((p, k) => [
    ...p,
    ...Array(per - p.length).fill(''),
    fit(` -- page ${k + 1}/${pages.length} (${k + 1 < pages.length ? 'Space/PgDn: more' : 'PgUp: back'}) --  Press ? or q to close.`, width),
  ]);
}

/** lines of text, each cut or padded to `width`, at most `height` of them */
export function TextLines({ text, width, height }: { text: string[]; width: number; height: number }): React.ReactElement {
  return lines(text, width, height);
}

export function Help({ width, height, page = 0 }: { width: number; height: number; page?: number }): React.ReactElement {
  const pages = helpPages(width, height);
  return lines(pages[Math.min(page, pages.length - 1)], width, height);
}

/** The confirmations of d on several entries, D and E: what the keys do to what. */
export type Op = 'delete' | 'trash' | 'empty';

/**
 * The confirmation of an operation on `targets` (entries of one directory): the count, the bytes
 * (disk usage, or apparent sizes with `apparent`) and the first names, escaped.
 */
export function ConfirmMany(props: { tree: TreeView; op: Op; targets: number[]; apparent: boolean; width: number; height: number }): React.ReactElement {
  const { tree, op, targets, width, height } = props;
  let bytes = 0;
  let items = 0;
  for (const i of targets) {
    bytes += props.apparent ? tree.sizeA(i) : tree.sizeD(i);
    items += tree.isDir(i) ? tree.items(i) + 1 : 1;
  }
  const n = targets.length;
  const what = n === 1 ? (tree.isDir(targets[0]) ? 'this directory' : 'this file') : `these ${count(n)} entries`;
  const head =
    op === 'delete'
      ? ` Delete ${what} from the disk? This cannot be undone.`
      : op === 'trash'
        ? ` Move ${what} to the trash? (freedesktop.org trash, on the same filesystem)`
        : ` Empty ${n === 1 ? 'this file' : `these ${count(n)} files`} in place (to 0 bytes)? This cannot be undone.`;
  const room = Math.max(1, height - 6);
  const shown = targets.slice(0, n > room ? room - 1 : room).map((i) => `   ${truncate(escapeName(tree.pathOf(i)), width - 4, true)}`);
  if (n > shown.length) shown.push(`   ... and ${count(n - shown.length)} more`);
  const sum =
    op === 'empty'
      ? `   ${counted(n, 'file')}, ${size(bytes)}${props.apparent ? ' apparent' : ' on disk'} to free`
      : `   ${counted(n, 'entry', 'entries')}${items > n ? ` (${count(items)} with everything below)` : ''}, ${size(bytes)}${props.apparent ? ' apparent' : ' on disk'}`;
  // emptying a file empties it under all its names (a hard link is one file): say so before y
  const linked = op === 'empty' ? targets.filter((i) => tree.isHardlink(i)).length : 0;
  const links = linked ? [`   ${n === 1 ? 'It has' : `${count(linked)} of them have`} other hard links: the file is emptied under every name`] : [];
  const key = op === 'delete' ? 'delete' : op === 'trash' ? 'move to the trash' : 'empty';
  return lines([head, '', ...shown, sum, ...links, '', ` y: ${key}   any other key: keep ${n === 1 ? 'it' : 'them'}`], width, height);
}

/** The keys of the other views (by view key), shown by ? in them; the view and quit keys follow. */
export const VIEW_HELP = {
  '2': [
    ' Keys (Owners view)',
    '   Up/Down, j/k        move          PgUp/PgDn, Home/End  page, first, last',
    "   Enter, Right, l     the selected owner's paths (its files, largest first)",
    '   Esc, Left, h        back from the paths',
    '   f  show the browser filtered to the selected owner (its files only)',
  ],
  '3': [
    ' Keys (Changes view: the tree by growth between the two sides)',
    '   Up/Down, j/k        move          PgUp/PgDn, Home/End  page, first, last',
    '   Enter, Right, l     open dir      Left, h, Backspace   parent directory',
    '   s  by growth (again: by shrink)   S  by size           n  by name',
    '   u  changed entries only           N  new  D  gone (flags in the list)',
  ],
  '4': [
    ' Forecast view',
    '   the volume\'s usage history and its projection, the fill date and range,',
    '   the pattern, the growth and the next risky peak (from the store\'s samples:',
    '   diskblame sample); with too few samples: a first contact from the browsed',
    '   tree (a lower bound: deleted files are not seen); i shows how to record',
    '   samples every 5 min, y installs it; Up/Down, PgUp/PgDn scroll it',
  ],
};

/** A view's help: its lines, then the keys every view takes (`views`: "1 Browse", ...). */
export function KeyHelp({ lines: own, views, width, height }: { lines: string[]; views: string[]; width: number; height: number }): React.ReactElement {
  const text = [...own, '', ` Views: ${views.join(', ')} (press the digit)`, '   ?  this help        q  quit', '', ' Press ? or q to close.'];
  return lines(text, width, height);
}

let users: Map<number, string> | null = null;
let groups: Map<number, string> | null = null;
function idNames(file: string): Map<number, string> {
  const m = new Map<number, string>();
  try {
    for (const line of readFileCapped(file, PASSWD_MAX, 'utf8').split('\n')) {
      const f = line.split(':');
      if (f.length > 2 && /^\d+$/.test(f[2])) m.set(Number(f[2]), f[0]);
    }
  } catch {
    /* no names: numbers only */
  }
  return m;
}
export function userName(uid: number): string {
  users ??= idNames('/etc/passwd');
  return users.get(uid) ?? String(uid);
}
export function groupName(gid: number): string {
  groups ??= idNames('/etc/group');
  return groups.get(gid) ?? String(gid);
}

export function modeString(mode: number): string {
  if (mode < 0) return '?';
  const types: Record<number, string> = { 0o040000: 'd', 0o120000: 'l', 0o010000: 'p', 0o140000: 's', 0o060000: 'b', 0o020000: 'c' };
  let s = types[mode & 0o170000] ?? '-';
  const rwx = 'rwxrwxrwx';
  for (let k = 0; k < 9; k++) s += mode & (1 << (8 - k)) ? rwx[k] : '-';
  return s;
}

const TYPE_NAMES = ['file', 'directory', 'symlink', 'FIFO, socket or device'];

/** the kind of data of the entry and why (app/kind-info.ts), for infoLines */
export type InfoKind = KindInfo;

/**
 * The `i` panel's lines for entry i at `width` columns, terminal-safe (names escaped): name, path,
 * type, sizes (bytes), owner, mode, mtime, hard link, errors, and for a regular file `kind` (null:
 * no such lines): its kind of data, why (wrapped under its label), the package listing it, and
 * what could not be looked at.
 */
export function infoLines(tree: TreeView, i: number, width: number, kind: InfoKind | null = null): string[] {
  const L = [
    ` Name:     ${escapeName(tree.nameOf(i))}`,
    ` Path:     ${truncate(escapeName(tree.pathOf(i)), width - 12, true)}`,
    ` Type:     ${TYPE_NAMES[tree.type(i)]}`,
    // the exact byte counts of the whole tree (past 2^53 too); a filtered view's sums are doubles
    ` Disk usage:    ${size(tree.sizeD(i))} (${counted(tree instanceof Tree ? tree.exactSizeD(i) : tree.sizeD(i), 'byte')})`,
    ` Apparent size: ${size(tree.sizeA(i))} (${counted(tree instanceof Tree ? tree.exactSizeA(i) : tree.sizeA(i), 'byte')})`,
  ];
  if (tree.type(i) === EntryType.Dir) L.push(` Items below:   ${count(tree.items(i))}`);
  const uid = tree.uidOf(i);
  if (uid >= 0) L.push(` Owner:    ${userName(uid)}:${groupName(tree.gidOf(i))} (${uid}:${tree.gidOf(i)})`);
  if (tree.modeOf(i) >= 0) L.push(` Mode:     ${modeString(tree.modeOf(i))}`);
  const mt = tree.mtimeOf(i);
  if (mt >= 0) L.push(` Modified: ${clock(mt * 1000, { seconds: true })}`);
  if (tree.isHardlink(i)) L.push(` Hard link: inode ${tree.inoOf(i)}, ${tree.nlinkOf(i)} links (counted once)`);
  if (tree.readError(i)) L.push(' Error:    could not be read');
  if (tree.excluded(i)) L.push(` Excluded: ${EXCLUDED_NAMES[tree.excluded(i)]}`);
  if (kind) {
    // (the reason names paths: terminal-safe, then wrapped under its label)
    const under = (label: string, text: string) => wrapColumns(terminalText(text), Math.max(20, width - 12)).forEach((l, k) => L.push((k ? '' : label).padEnd(11) + l));
    L.push(` Kind:     ${terminalText(kind.kind ?? 'none')}`);
    under(' Why:', kind.reason);
    if (kind.package !== null) L.push(` Package:  ${terminalText(kind.package)}`);
    if (kind.note) under('', `(${kind.note})`);
  }
  L.push('', ' Press i or q to close.');
  return L;
}

export function Info({ tree, i, width, height, kind }: { tree: TreeView; i: number; width: number; height: number; kind?: InfoKind | null }): React.ReactElement {
  return lines(infoLines(tree, i, width, kind ?? null), width, height);
}

/** what a deletion under an owner filter removes (see deletionPlan) */
export interface FilteredDeletion {
  title: string;
  files: number;
  dirs: number;
  bytes: number;
}

export function Confirm(props: { tree: TreeView; i: number; width: number; height: number; filtered?: FilteredDeletion }): React.ReactElement {
  const { tree, i, width, height, filtered } = props;
  if (filtered && tree.isDir(i))
    return lines(
      [
        ` Delete the files of ${filtered.title} shown below this directory? This cannot be undone.`,
        '',
        `   ${truncate(escapeName(tree.pathOf(i)), width - 4, true)}`,
        `   ${count(filtered.files)} files, ${size(filtered.bytes)} on disk` +
          (filtered.dirs ? `; ${count(filtered.dirs)} of its directories, removed only if left empty` : ''),
        '   Files the filter hides stay where they are.',
        '',
        ' y: delete   any other key: keep it',
      ],
      width,
      height,
    );
  const what = tree.isDir(i) ? `directory with ${count(tree.items(i))} items` : TYPE_NAMES[tree.type(i)];
  return lines(
    [
      ' Delete this from the disk? This cannot be undone.',
      '',
      `   ${truncate(escapeName(tree.pathOf(i)), width - 4, true)}`,
      `   ${size(tree.sizeD(i))} on disk, ${what}`,
      '',
      ' y: delete   any other key: keep it',
    ],
    width,
    height,
  );
}
