/**
 * The volumes view (`diskblame volumes`, `diskblame` with no PATH on a terminal), as `gdu -d` and
 * `duf`: one line per mounted filesystem; arrows or j/k move, Enter (or l, Right) browses the
 * selected one, s/u/f/n sort by size, used %, fill time, mount order; r reads again; q quits.
 * Fits 80 columns: below 100 the device column gives way, and the selected volume's device
 * is on the status line.
 */
import React, { useState } from 'react';
import { Box, Text } from 'ink';
import { rowCells, sortVolumes, VOLUME_HEADERS, VOLUME_RIGHT, volumeRows, type VolumeRow, type VolumeSort } from '../report/volumes.js';
import type { GatheredVolumes } from '../app/volumes.js';
import { escapeName } from '../util/escape.js';
import { size } from '../util/format.js';
import { useKeys } from './keys.js';
import { fit, padLeft, truncate } from './text.js';

/** the hint on the header line: what the view takes, and how ncdu's habit (the current directory) is had */
export const VOLUMES_HINT = 'Enter browse  s/u/f/n sort  q quit';
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
  /** Enter on a volume: its mount point as text */
  onPick: (mount: string) => void;
  onQuit: () => void;
  /** r: read the volumes again */
  onRefresh?: () => void;
}

export function VolumesView({ gathered, sort: sort0, exact = false, width, height, onPick, onQuit, onRefresh }: VolumesViewProps): React.ReactElement {
  const [sort, setSort] = useState<VolumeSort>(sort0);
  const [cursor, setCursor] = useState(0);
  const [message, setMessage] = useState('');
  const rows = sortVolumes(volumeRows(gathered.volumes), sort);
  const n = rows.length;
  const cur = Math.min(cursor, Math.max(0, n - 1));
  useKeys((input, key) => {
    setMessage('');
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
      const text = Buffer.from(r.mountPoint).toString('utf8');
      // a mount point that is not valid UTF-8 cannot be named by the text the browser takes
      if (!Buffer.from(text).equals(Buffer.from(r.mountPoint))) return setMessage(`cannot browse ${escapeName(r.mountPoint)}: its name is not valid UTF-8`);
      return onPick(text);
    }
  });
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
