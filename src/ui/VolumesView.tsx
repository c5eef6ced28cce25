/**
 * The volumes view (`diskblame volumes`, `diskblame` with no PATH on a terminal), as `gdu -d` and
 * `duf`: one line per mounted filesystem; arrows or j/k move, Enter (or l, Right) browses the
 * selected one, s/u/f/n sort by size, used %, fill time, mount order; r reads again; ? the keys;
 * q quits. Fits 80 columns: below 100 the device column gives way, and the selected volume's device
 * is on the status line.
 */
import React, { useState } from 'react';
import { Box, Text } from 'ink';
import { rowCells, sortVolumes, VOLUME_HEADERS, VOLUME_RIGHT, volumeRows, type VolumeRow, type VolumeSort } from '../report/volumes.js';
import type { GatheredVolumes } from '../app/volumes.js';
import { escapeName, terminalText } from '../util/escape.js';
import { size } from '../util/format.js';
import { useKeys } from './keys.js';
import { keyHelpPages, TextLines } from './overlays.js';
import { fit, padLeft, truncate } from './text.js';

/** the hint on the header line: what the view takes, and how ncdu's habit (the current directory) is had */
export const VOLUMES_HINT = 'Enter open  s/u/f/n sort  ? help  q quit';

/** the view's keys, for its ? overlay (each line within 80 columns) */
export const VOLUMES_HELP = [
  ' Keys (volumes view, as gdu -d)',
  '   Up/Down, j/k        move          Home/End, g/G        first, last',
  '   Enter, Right, l     scan the selected volume and browse it; in the browser,',
  '                       Left, h, Backspace or < at its top come back here',
  '   s  by size          u  by used %  f  by fill time      n  mount order (df)',
  '   r  read the volumes again (sizes, deleted-but-open files, forecasts)',
  '',
  ' Columns',
  '   Use%, Inode%  the blocks and inodes in use, rounded up as df does',
  '   Deleted  bytes held by deleted files some process still has open',
  '            (diskblame owners says which)',
  '   Fills    when the volume fills at its recorded growth (diskblame sample',
  '            records the history; blank without one)',
  '   `diskblame .` browses the current directory (ncdu\'s habit)',
  '',
  '   ?  this help        q  quit',
];
export const VOLUMES_DOT_HINT = '`diskblame .` browses the current directory';

const SORT_KEYS: Record<string, VolumeSort> = { s: 'size', u: 'used', f: 'fill', n: 'mount' };
const SORT_WORDS: Record<VolumeSort, string> = { mount: 'mount order', size: 'size', used: 'used %', fill: 'fill time' };

/** the fixed columns' widths (Type .. Fills), for the terminal */
const FIXED = [6, 10, 4, 10, 6, 10, 7];

/**
 * The table's lines for a terminal `width` columns wide: the column header, then one line per row
 * (the device column only from 100 columns). Every line is exactly `width` columns. Pure.
 */
export function volumeLines(rows: readonly VolumeRow[], now: number, width: number, exact = false): string[] {
  const withDevice = width >= 100;
  const fixed = FIXED.reduce((a, b) => a + b + 1, 0);
  const devW = withDevice ? Math.min(24, Math.max(6, ...rows.map((r) => escapeName(r.device).length))) : 0;
  const mountW = Math.max(10, width - fixed - (withDevice ? devW + 1 : 0));
  const line = (cells: string[]) => {
    const parts: string[] = [];
    if (withDevice) parts.push(fit(cells[0], devW));
    parts.push(fit(cells[1], mountW, true));
    FIXED.forEach((w, k) => parts.push(VOLUME_RIGHT[k + 2] ? padLeft(truncate(cells[k + 2], w), w) : fit(cells[k + 2], w)));
    return fit(parts.join(' '), width);
  };
  return [line(VOLUME_HEADERS.map((h) => (h === 'Inodes' ? 'Inode%' : h === 'Used' ? 'Use%' : h))), ...rows.map((r) => line(rowCells(r, now, exact)))];
}

export interface VolumesViewProps {
  gathered: GatheredVolumes;
  sort: VolumeSort;
  exact?: boolean;
  width: number;
  height: number;
  /** Enter on a volume: its mount point (exact bytes), and the order the list had then */
  onPick: (mount: Uint8Array, sort: VolumeSort) => void;
  /** the mount point to put the cursor on at first (coming back from the browser) */
  selected?: Uint8Array | null;
  /** a line for the status line until the first key (why the last Enter could not browse) */
  notice?: string | null;
  onQuit: () => void;
  /** r: read the volumes again */
  onRefresh?: () => void;
}

export function VolumesView({ gathered, sort: sort0, exact = false, width, height, onPick, onQuit, onRefresh, selected, notice }: VolumesViewProps): React.ReactElement {
  const [sort, setSort] = useState<VolumeSort>(sort0);
  const rows = sortVolumes(volumeRows(gathered.volumes), sort);
  const [cursor, setCursor] = useState(() => (selected ? Math.max(0, rows.findIndex((r) => Buffer.from(r.mountPoint).equals(Buffer.from(selected)))) : 0));
  const [message, setMessage] = useState(notice ? terminalText(notice) : '');
  const [help, setHelp] = useState(false);
  const [helpPage, setHelpPage] = useState(0);
  const n = rows.length;
  const cur = Math.min(cursor, Math.max(0, n - 1));
  // the help in pages of the terminal's height (as the browser's on a short terminal)
  const pages = keyHelpPages(VOLUMES_HELP, width, height - 1);
  useKeys((input, key) => {
    if (help) {
      if (input === 'q' || input === '?' || key.escape || key.return) setHelp(false);
      else if (input === ' ' || key.pageDown || key.downArrow || input === 'j') setHelpPage((k) => Math.min(pages.length - 1, k + 1));
      else if (key.pageUp || key.upArrow || input === 'k' || key.backspace) setHelpPage((k) => Math.max(0, k - 1));
      else if (key.ctrl && input === 'c') onQuit();
      return;
    }
    setMessage('');
    if (input === '?') {
      setHelpPage(0);
      return setHelp(true);
    }
    if (input === 'q' || key.escape) return onQuit();
    if (key.downArrow || input === 'j') return setCursor(Math.min(n - 1, cur + 1));
    if (key.upArrow || input === 'k') return setCursor(Math.max(0, cur - 1));
    if (key.home || input === 'g') return setCursor(0);
    if (key.end || input === 'G') return setCursor(Math.max(0, n - 1));
    if (SORT_KEYS[input]) {
      const sel = rows[cur];
      const next = sortVolumes(volumeRows(gathered.volumes), SORT_KEYS[input]);
      setSort(SORT_KEYS[input]);
      if (sel) setCursor(Math.max(0, next.findIndex((r) => r.mountPoint === sel.mountPoint)));
      return;
    }
    if (input === 'r' && onRefresh) return onRefresh();
    if (key.return || key.rightArrow || input === 'l') {
      const r = rows[cur];
      if (!r) return;
      return onPick(r.mountPoint, sort);
    }
  });
  if (help)
    return (
      <Box flexDirection="column" width={width} height={height}>
        <Text>{'\x1b[7m' + fit(' diskblame volumes: help', width) + '\x1b[27m'}</Text>
        <TextLines text={pages[Math.min(helpPage, pages.length - 1)]} width={width} height={height - 1} />
      </Box>
    );
  const [head, ...lines] = volumeLines(rows, gathered.now, width, exact);
  // header, column header, rows, status line, hint line
  const room = Math.max(1, height - 4);
  const top = Math.min(Math.max(0, cur - room + 1), Math.max(0, n - room));
  const sel = rows[cur];
  const status = message
    ? message
    : sel
      ? `${escapeName(sel.device)} on ${escapeName(sel.mountPoint)} (${escapeName(sel.fsType)}): ${size(sel.usedBytes, exact)} used, ${size(sel.freeBytes, exact)} free` +
        (sel.deletedOpenBytes ? `, ${size(sel.deletedOpenBytes, exact)} held by deleted files` : '')
      : gathered.notes[0] ?? 'no volumes';
  const title = `diskblame volumes: ${n}, by ${SORT_WORDS[sort]}`;
  return (
    <Box flexDirection="column" width={width}>
      <Text>{'\x1b[7m' + fit(title, Math.max(0, width - VOLUMES_HINT.length - 1)) + ' ' + VOLUMES_HINT + '\x1b[27m'}</Text>
      <Text bold>{head}</Text>
      {lines.slice(top, top + room).map((l, k) => (
        <Text key={top + k} inverse={top + k === cur}>
          {l}
        </Text>
      ))}
      <Text>{fit(status, width)}</Text>
      <Text dimColor>{fit(`${gathered.deletedOpenComplete ? '' : 'Deleted: your processes only (not root)  '}${VOLUMES_DOT_HINT}`, width)}</Text>
    </Box>
  );
}
