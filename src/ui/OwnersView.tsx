/**
 * The Owners view: the df/du reconciliation at the top, then deleted-but-open files, packages,
 * services, kinds of data and users as one navigable list. Enter shows an owner's paths (largest
 * first), f hands the owner to the browser as a filter. Gathered when first opened (reading /proc
 * and attributing takes a moment).
 */
import React, { useEffect, useRef, useState } from 'react';
import { Box, Text } from 'ink';
import { useKeys } from './keys.js';
import { Tree } from '../tree/tree.js';
import { volumeOf, reconcile } from '../owners/reconcile.js';
import { readProcesses, deletedByProcess, deletedOpen, deletedOpenBytes } from '../owners/procs.js';
import { attributeAll, loadOwnerData } from '../owners/attribute.js';
import { kindSource } from '../app/kind-info.js';
import type { Reconciliation } from '../owners/types.js';
import { entryAt, FilteredTree, memberFiles, OwnerFilter } from '../tree/filter.js';
import { escapeName, exactName } from '../util/escape.js';
import { counted, size } from '../util/format.js';
import { fit, padLeft, truncate } from './text.js';

interface Row {
  /** section title rows are not selectable */
  title?: string;
  bytes?: number;
  label?: string;
  /** the owner as a filter over the tree (built when asked for); null: nothing of it is in the tree */
  owner?: () => OwnerFilter | null;
  /** lines shown above the owner's files on its paths screen */
  notes?: string[];
}

export interface Gathered {
  rec: Reconciliation;
  rows: Row[];
}

/** one filter over the tree for entries found by path (a process's open files) */
function pathsFilter(tree: Tree, title: string, paths: (string | Uint8Array)[]): OwnerFilter | null {
  const labels = new Int32Array(tree.count).fill(-1);
  let any = false;
  for (const p of paths) {
    const i = entryAt(tree, p);
    if (i >= 0 && !tree.isDir(i)) {
      labels[i] = 0;
      any = true;
    }
  }
  return any ? { title, labels, k: 0 } : null;
}

export async function gather(tree: Tree, root: string): Promise<Gathered> {
  const vol = volumeOf(root);
  const snap = await readProcesses({ sampleMs: 0 });
  const del = deletedOpen(snap, vol.dev);
  const byProcess = new Map(deletedByProcess(del).map((g) => [g.pid, g]));
  const rec = reconcile(vol, root, tree.sizeD(0), deletedOpenBytes(del), snap.complete);
  // an export's files are not these on disk: no header read for its kinds (as the i panel)
  const att = attributeAll(tree, loadOwnerData(), 10, true, { notOnDisk: kindSource(tree) !== 'disk' });
  const { labels } = att;
  const rows: Row[] = [];
  const section = (title: string, items: Row[]) => {
    if (!items.length) return;
    rows.push({ title });
    rows.push(...items);
  };
  const label = (l: Int32Array, k: number, title: string) => () => ({ title, labels: l, k });
  section(
    'Deleted but still open',
    del.map((d) => {
      const who = `process ${d.pid} ${escapeName(exactName(d.command, d.commandBase64))}`;
      const mine = byProcess.get(d.pid)!;
      const written = snap.files.filter((f) => f.pid === d.pid && !f.deleted).map((f) => exactName(f.path, f.pathBase64));
      return {
        bytes: d.diskBytes,
        label: `pid ${d.pid} ${escapeName(exactName(d.command, d.commandBase64))} (${escapeName(d.user)}${d.unit ? ', ' + escapeName(d.unit) : ''})`,
        owner: () => pathsFilter(tree, `${who} (its files open for writing)`, written),
        notes: [
          `${who}, user ${escapeName(d.user)}${d.unit ? ', unit ' + escapeName(d.unit) : ''}: deleted files it holds open`,
          ...mine.rows.map((x) => `  ${padLeft(size(x.diskBytes), 10)}  ${x.fd >= 0 ? `fd ${x.fd}` : 'mmap'}  ${escapeName(exactName(x.path, x.pathBase64))} (deleted)`),
          // one fix for the process, after its files
          ...mine.fix.split('\n').map((l, k) => `  ${k ? '     ' : 'fix: '}${escapeName(l)}`),
          written.length ? 'its files open for writing, in the scanned tree:' : 'no file it has open for writing is in the scanned tree',
        ],
      };
    }),
  );
  section(
    'Packages',
    att.packages.slice(0, 20).map((p, k) => ({
      bytes: p.bytes,
      label: `${escapeName(p.name)}  (${counted(p.files, 'file')})`,
      owner: label(labels.packages, k, `package ${escapeName(p.name)}`),
    })),
  );
  section(
    'Services, containers, databases',
    att.services.map((s, k) => ({
      bytes: s.bytes,
      label: `${escapeName(s.name)} [${s.kind}]`,
      owner: label(labels.services, k, `${s.kind} ${escapeName(s.name)}`),
      notes: s.paths.map((x, k) => `directory ${escapeName(exactName(x, s.pathsBase64?.[k]))}`),
    })),
  );
  section(
    'Kinds of data',
    // largest first (the labels keep each kind's index in the rules' order)
    att.categories
      .map((c, k) => ({ c, k }))
      .sort((a, b) => b.c.bytes - a.c.bytes)
      .map(({ c, k }) => ({
        bytes: c.bytes,
        label: `${escapeName(c.name)}  (${counted(c.count, 'file')})`,
        owner: label(labels.categories, k, `kind ${escapeName(c.name)}`),
      })),
  );
  section(
    'Users',
    att.users.slice(0, 20).map((u, k) => ({
      bytes: u.bytes,
      label: `${escapeName(u.user)} (${u.uid}), ${counted(u.files, 'file')}`,
      owner: label(labels.users, k, `user ${escapeName(u.user)}`),
    })),
  );
  return { rec, rows };
}

/** an owner's paths screen */
interface Paths {
  title: string;
  filtered: FilteredTree | null;
  /** notes first, then the owner's files (largest first) */
  notes: string[];
  files: Uint32Array;
  sel: number;
}

export interface OwnersViewProps {
  tree: Tree;
  root: string;
  width: number;
  height: number;
  active: boolean;
  /** show the browser filtered to an owner, the cursor on `focus` when given */
  onFilter?: (f: FilteredTree, focus?: number) => void;
  /** for tests: what to show instead of gathering from /proc and the package lists */
  gather?: (tree: Tree, root: string) => Promise<Gathered>;
}

export function OwnersView(props: OwnersViewProps): React.ReactElement | null {
  const { width, height, tree } = props;
  const [data, setData] = useState<Gathered | null>(null);
  const [error, setError] = useState<string | null>(null);
  // the key handler reads these through refs: a key arriving before the re-render that the previous
  // one asked for (Ink registers the new handler after the frame) must see the new state
  const [sel, setSelState] = useState(0);
  const selRef = useRef(0);
  const setSel = (v: number) => setSelState((selRef.current = v));
  const [paths, setPathsState] = useState<Paths | null>(null);
  const pathsRef = useRef<Paths | null>(null);
  const setPaths = (f: Paths | null | ((p: Paths | null) => Paths | null)) =>
    setPathsState((pathsRef.current = typeof f === 'function' ? f(pathsRef.current) : f));
  const [message, setMessage] = useState<string | null>(null);
  useEffect(() => {
    if (!props.active || data || error) return;
    (props.gather ?? gather)(tree, props.root).then(
      (d) => {
        setData(d);
        setSel(Math.max(0, d.rows.findIndex((x) => !x.title)));
      },
      (e: Error) => setError(e.message),
    );
  }, [props.active]);

  // the list's lines above the rows, and the room for rows
  const headLines = data ? 1 + Math.min(2, data.rec.notes.length) : 1;
  const room = Math.max(1, height - 3 - headLines);
  const pathRoom = Math.max(1, height - 5);

  const filterOf = (row: Row): FilteredTree | null => {
    const o = row.owner?.() ?? null;
    return o ? new FilteredTree(tree, o) : null;
  };
  const openPaths = (row: Row) => {
    const f = filterOf(row);
    const title = f ? `${f.title} — ${size(f.bytes)} in ${counted(f.files, 'file')}` : (row.label ?? '');
    setPaths({ title, filtered: f, notes: row.notes ?? [], files: f ? memberFiles(f) : new Uint32Array(0), sel: 0 });
  };
  const filterBy = (f: FilteredTree | null, focus?: number) => {
    if (!f || f.files === 0) setMessage('nothing of it is in the scanned tree: no filter to show');
    else props.onFilter?.(f, focus);
  };

  const selectable = data ? data.rows.map((r, k) => (r.title ? -1 : k)).filter((k) => k >= 0) : [];
  useKeys(
    (input, key) => {
      if (!data) return;
      setMessage(null);
      const paths = pathsRef.current;
      const sel = selRef.current;
      if (paths) {
        const total = paths.notes.length + paths.files.length;
        const move = (to: number) => setPaths((p) => (p ? { ...p, sel: Math.max(0, Math.min(total - 1, to)) } : p));
        if (key.downArrow || input === 'j') move(paths.sel + 1);
        else if (key.upArrow || input === 'k') move(paths.sel - 1);
        else if (key.pageDown) move(paths.sel + pathRoom);
        else if (key.pageUp) move(paths.sel - pathRoom);
        else if (key.home) move(0);
        else if (key.end) move(total - 1);
        else if (key.leftArrow || input === 'h' || key.escape) setPaths(null);
        else if (input === 'f') filterBy(paths.filtered);
        else if (key.return || key.rightArrow || input === 'l') {
          const k = paths.sel - paths.notes.length;
          if (k >= 0 && k < paths.files.length) filterBy(paths.filtered, paths.files[k]);
        }
        return;
      }
      const pos = Math.max(0, selectable.indexOf(sel));
      const row = data.rows[sel];
      if (key.downArrow || input === 'j') setSel(selectable[Math.min(selectable.length - 1, pos + 1)] ?? 0);
      else if (key.upArrow || input === 'k') setSel(selectable[Math.max(0, pos - 1)] ?? 0);
      else if (key.pageDown) setSel(selectable[Math.min(selectable.length - 1, pos + room)] ?? 0);
      else if (key.pageUp) setSel(selectable[Math.max(0, pos - room)] ?? 0);
      else if (key.home) setSel(selectable[0] ?? 0);
      else if (key.end) setSel(selectable[selectable.length - 1] ?? 0);
      else if (row && (key.return || key.rightArrow || input === 'l')) openPaths(row);
      else if (row && input === 'f') filterBy(filterOf(row));
    },
    { isActive: props.active },
  );
  if (!props.active) return null;

  const lines: React.ReactElement[] = [];
  const push = (s: string, inv = false) =>
    lines.push(<Text key={lines.length}>{inv ? '\x1b[7m' + fit(s, width) + '\x1b[27m' : fit(s, width)}</Text>);
  if (error) push(` could not gather owners: ${error}`);
  else if (!data) push(' reading /proc and attributing the scanned files…');
  else if (paths) {
    push(` ${paths.title}`);
    push(fit(' Enter show it in the browser  f filter the browser to this owner  Esc back', width));
    const total = paths.notes.length + paths.files.length;
    if (total === 0) push('   (no paths to show)');
    const start = Math.max(0, Math.min(paths.sel - Math.floor(pathRoom / 2), total - pathRoom));
    for (let k = start; k < Math.min(total, start + pathRoom); k++) {
      let text: string;
      if (k < paths.notes.length) text = ` ${paths.notes[k]}`;
      else {
        const i = paths.files[k - paths.notes.length];
        text = `  ${padLeft(size(tree.ownD(i)), 10)}  ${truncate(escapeName(tree.pathOf(i)), width - 15, true)}`;
      }
      push(text, k === paths.sel);
    }
  } else {
    const r = data.rec;
    push(` df used ${size(r.volumeUsedBytes)} = scan ${size(r.scannedBytes)} + deleted-open ${size(r.deletedOpenBytes)} + unexplained ${size(r.unexplainedBytes)}`);
    for (const n of r.notes.slice(0, 2)) push(` note: ${n}`);
    const body = data.rows.map((x, k) =>
      x.title ? { text: ` ${x.title}`, inv: false } : { text: `  ${padLeft(size(x.bytes ?? 0), 10)}  ${x.label}`, inv: k === sel },
    );
    const at = body.findIndex((b) => b.inv);
    const start = Math.max(0, Math.min(at - Math.floor(room / 2), body.length - room));
    for (const b of body.slice(start, start + room)) push(b.text, b.inv);
  }
  if (message) push(` ${message}`);
  return (
    <Box flexDirection="column" width={width} height={height - 2}>
      {lines}
    </Box>
  );
}
