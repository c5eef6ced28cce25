/**
 * The Owners view: the df/du reconciliation at the top, then deleted-but-open files, packages,
 * services, kinds of data and users as one navigable list; Enter shows an owner's paths.
 * Gathered when first opened (reading /proc and attributing takes a moment).
 */
import React, { useEffect, useState } from 'react';
import { Box, Text, useInput } from 'ink';
import { Tree } from '../tree/tree.js';
import { volumeOf, reconcile } from '../owners/reconcile.js';
import { readProcesses, deletedOpen, deletedOpenBytes } from '../owners/procs.js';
import { attributeAll, loadOwnerData } from '../owners/attribute.js';
import type { Reconciliation } from '../owners/types.js';
import { escapeName } from '../util/escape.js';
import { count, size } from '../util/format.js';
import { fit, padLeft } from './text.js';

interface Row {
  /** section title rows are not selectable */
  title?: string;
  bytes?: number;
  label?: string;
  details?: string[];
}

interface Gathered {
  rec: Reconciliation;
  rows: Row[];
}

async function gather(tree: Tree, root: string): Promise<Gathered> {
  const vol = volumeOf(root);
  const snap = await readProcesses({ sampleMs: 0 });
  const del = deletedOpen(snap, vol.dev);
  const rec = reconcile(vol, root, tree.sizeD(0), deletedOpenBytes(del), snap.complete);
  const att = attributeAll(tree, loadOwnerData(), 10);
  const rows: Row[] = [];
  const section = (title: string, items: Row[]) => {
    if (!items.length) return;
    rows.push({ title });
    rows.push(...items);
  };
  section(
    'Deleted but still open',
    del.map((d) => ({
      bytes: d.diskBytes,
      label: `pid ${d.pid} ${escapeName(d.command)} (${d.user}${d.unit ? ', ' + d.unit : ''})`,
      details: [escapeName(d.path), `fix: ${d.fix}`],
    })),
  );
  section('Packages', att.packages.slice(0, 20).map((p) => ({ bytes: p.bytes, label: `${p.name}  (${count(p.files)} files)` })));
  section('Services, containers, databases', att.services.map((s) => ({ bytes: s.bytes, label: `${s.name} [${s.kind}]`, details: s.paths.map((x) => escapeName(x)) })));
  section(
    'Kinds of data',
    att.categories.map((c) => ({
      bytes: c.bytes,
      label: `${c.name}  (${count(c.count)} files)`,
      details: c.biggest.map((b) => `${size(b.bytes)}  ${escapeName(b.path)}`),
    })),
  );
  section('Users', att.users.slice(0, 20).map((u) => ({ bytes: u.bytes, label: `${u.user} (${u.uid}), ${count(u.files)} files` })));
  return { rec, rows };
}

export function OwnersView(props: { tree: Tree; root: string; width: number; height: number; active: boolean }): React.ReactElement | null {
  const { width, height } = props;
  const [data, setData] = useState<Gathered | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [sel, setSel] = useState(0);
  const [open, setOpen] = useState(false);
  useEffect(() => {
    if (!props.active || data || error) return;
    gather(props.tree, props.root).then(
      (d) => {
        setData(d);
        setSel(Math.max(0, d.rows.findIndex((x) => !x.title)));
      },
      (e: Error) => setError(e.message),
    );
  }, [props.active]);

  const selectable = data ? data.rows.map((r, k) => (r.title ? -1 : k)).filter((k) => k >= 0) : [];
  useInput(
    (input, key) => {
      if (!data) return;
      const pos = Math.max(0, selectable.indexOf(sel));
      if (key.downArrow || input === 'j') setSel(selectable[Math.min(selectable.length - 1, pos + 1)] ?? 0);
      else if (key.upArrow || input === 'k') setSel(selectable[Math.max(0, pos - 1)] ?? 0);
      else if (key.return || key.rightArrow || input === 'l') setOpen((o) => !o);
      else if (key.leftArrow || input === 'h' || key.escape) setOpen(false);
    },
    { isActive: props.active },
  );
  if (!props.active) return null;

  const lines: React.ReactElement[] = [];
  const push = (s: string, inv = false) =>
    lines.push(<Text key={lines.length}>{inv ? '\x1b[7m' + fit(s, width) + '\x1b[27m' : fit(s, width)}</Text>);
  if (error) push(` could not gather owners: ${error}`);
  else if (!data) push(' reading /proc and attributing the scanned files…');
  else {
    const r = data.rec;
    push(` df used ${size(r.volumeUsedBytes)} = scan ${size(r.scannedBytes)} + deleted-open ${size(r.deletedOpenBytes)} + unexplained ${size(r.unexplainedBytes)}`);
    for (const n of r.notes.slice(0, 2)) push(` note: ${n}`);
    const cur = sel;
    const body: { text: string; inv: boolean }[] = [];
    data.rows.forEach((x, k) => {
      if (x.title) body.push({ text: ` ${x.title}`, inv: false });
      else {
        body.push({ text: `  ${padLeft(size(x.bytes ?? 0), 10)}  ${x.label}`, inv: k === cur });
        if (k === cur && open) for (const d of x.details ?? ['(no paths to show)']) body.push({ text: `              ${d}`, inv: false });
      }
    });
    const room = height - 2 - lines.length;
    const at = body.findIndex((b) => b.inv);
    const start = Math.max(0, Math.min(at - Math.floor(room / 2), body.length - room));
    for (const b of body.slice(start, start + room)) push(b.text, b.inv);
  }
  return (
    <Box flexDirection="column" width={width} height={height - 2}>
      {lines}
    </Box>
  );
}
