/**
 * The tree browser: ncdu's screen and keys. Renders only the visible rows; sorted orders come
 * from a per-directory cache, so a keypress never walks the tree.
 */
import React, { useMemo, useRef, useState } from 'react';
import { Box, Text } from 'ink';
import { useKeys } from './keys.js';
import { viewHeader } from './header.js';
import { Tree } from '../tree/tree.js';
import { EntryType } from '../model/entry.js';
import { deletionPlan, FilteredTree, TreeView } from '../tree/filter.js';
import { deleteEntries, deleteEntry, deleteOwnerEntries, emptyEntries, trashEntries, TreeDeleteResult } from '../tree/delete.js';
import { count, size } from '../util/format.js';
import { escapeName } from '../util/escape.js';
import { DEFAULT_PREFS, GRAPH_CYCLE, hiddenCount, NewestMtimes, pathText, pressSort, rowText, SortCache, ViewPrefs } from './model.js';
import { fit } from './text.js';
import { Help, Info, Confirm, ConfirmMany, helpPages, type Op } from './overlays.js';
import { kindInfo, kindSource } from '../app/kind-info.js';

export interface BrowserProps {
  tree: Tree;
  /** the starting view preferences (DEFAULT_PREFS fills what is not given) */
  prefs?: Partial<ViewPrefs>;
  width: number;
  height: number;
  readOnly: boolean;
  /** the scan was interrupted: the tree is partial */
  incomplete: boolean;
  color: boolean;
  volume: string;
  /**
   * rescan directory `dir`; resolves when the tree has been updated, rejects (tree untouched) with
   * the reason. Absent: the tree cannot be rescanned (read from an export), r says so.
   */
  rescan?: (dir: number) => Promise<void>;
  /** leave the program */
  quit: () => void;
  /** tabs of the other views, drawn in the header */
  tabs: string;
  /** false while another view is shown: keeps its place, takes no keys, draws nothing */
  active?: boolean;
  /** show only one owner's entries (set from the Owners view) */
  filter?: FilteredTree | null;
  /** f or Esc with a filter on */
  clearFilter?: () => void;
  /** put the cursor on this entry (in its directory) when `seq` changes: "show in the browser" */
  focus?: { entry: number; seq: number } | null;
  /**
   * delete entry i (under `filter`: only the owner's entries at or below it) where the tree was
   * scanned, and update the tree; default: here (tree/delete.ts). Rejects only on a bug or a
   * broken channel (shown as "delete failed: ...").
   */
  remove?: (i: number, filter: FilteredTree | null) => Promise<TreeDeleteResult>;
  /** a line shown until the first key (a remote scan whose connection dropped) */
  notice?: string | null;
  /** the tree is on another host (--remote): D, E and b are not available */
  remote?: boolean;
  /**
   * b: run a shell in directory `dir` (absolute, exact bytes), the tree's entry `entry`, with the
   * browser suspended; resolves when it has exited (then the directory is rescanned), rejects with a
   * one-line reason (shown). Absent: b says the shell is not available.
   */
  shell?: (dir: Buffer, entry: number) => Promise<void>;
  /** D: where the trash is looked for ($XDG_DATA_HOME, $HOME); default process.env (tests) */
  env?: NodeJS.ProcessEnv;
  /**
   * h, Left, Backspace or < in the top directory (where they do nothing otherwise): leave the
   * browser for what opened it (the volumes view, as gdu). Absent: those keys stay at the top.
   */
  upFromTop?: () => void;
}

const INV = '\x1b[7m';
const INV_OFF = '\x1b[27m';

type Overlay = null | 'help' | 'info' | 'confirm' | 'busy' | 'deleting';

export function Browser(props: BrowserProps): React.ReactElement | null {
  const { tree, width, height } = props;
  const filter = props.filter ?? null;
  filter?.refresh(); // after a deletion or a rescan
  /** what the screen shows: the tree, or the owner's part of it */
  const view: TreeView = filter ?? tree;
  const caches = useRef(new WeakMap<TreeView, SortCache>()).current;
  let cache = caches.get(view);
  if (!cache) caches.set(view, (cache = new SortCache(view)));
  // where we are: updated functionally, so that keys arriving faster than frames all count
  const [nav, setNav] = useState({ dir: 0, sel: 0, top: 0 });
  const [prefs, setPrefsState] = useState<ViewPrefs>(() => ({ ...DEFAULT_PREFS, ...props.prefs }));
  const prefsRef = useRef(prefs);
  const setPrefs = (f: (p: ViewPrefs) => ViewPrefs) => {
    prefsRef.current = f(prefsRef.current);
    setPrefsState(prefsRef.current);
  };
  const [overlay, setOverlayState] = useState<Overlay>(null);
  // the input handler reads the overlay from here: a key arriving before the re-render that a
  // state change asked for must already see the new state (no key is lost after a rescan)
  const overlayRef = useRef<Overlay>(null);
  const setOverlay = (o: Overlay) => {
    overlayRef.current = o;
    setOverlayState(o);
  };
  const [message, setMessage] = useState<string | null>(props.notice ?? null);
  const [helpPage, setHelpPage] = useState(0);
  const [, setTick] = useState(0); // re-render after the tree changes (delete, rescan)
  // where the cursor was in each directory, to come back to it (ncdu does)
  const remembered = useRef(new Map<number, number>()).current;
  // the marked entries (space), all in the directory shown: leaving it clears them (as gdu)
  const marksRef = useRef({ dir: 0, set: new Set<number>() });
  const newest = useRef<NewestMtimes | null>(null);

  const listH = Math.max(1, height - (filter ? 5 : 4));
  // a new filter starts at the top (or at the entry to show); clearing one keeps the place
  const [seen, setSeen] = useState<{ filter: FilteredTree | null; focus: number }>({ filter, focus: props.focus?.seq ?? -1 });
  if (seen.filter !== filter || (props.focus && props.focus.seq !== seen.focus)) {
    setSeen({ filter, focus: props.focus?.seq ?? seen.focus });
    const fe = props.focus && props.focus.seq !== seen.focus ? props.focus.entry : -1;
    if (fe > 0 && tree.parent[fe] !== 0xffffffff && view.children(tree.parent[fe]).includes(fe)) {
      const d = tree.parent[fe];
      const c = Math.max(0, cache.get(d, prefs).indexOf(fe));
      setNav({ dir: d, sel: c, top: Math.max(0, c - Math.floor(listH / 2)) });
    } else if (filter && seen.filter !== filter) setNav({ dir: 0, sel: 0, top: 0 });
  }

  const { dir } = nav;
  if (marksRef.current.dir !== dir) marksRef.current = { dir, set: new Set() };
  const marks = marksRef.current.set;
  const order = cache.get(dir, prefs);
  if (marks.size) {
    // gone (deleted, rescanned), or no longer listed (hidden by e, outside the filter): unmarked
    const listed = new Set(order);
    for (const m of marks) if (!listed.has(m)) marks.delete(m);
  }
  const n = order.length;
  const cur = Math.min(nav.sel, Math.max(0, n - 1));
  const top = nav.top;
  const selected = n ? order[cur] : -1;
  // what the last render showed, for handlers: a key may reach a handler of an earlier render
  // (Ink's useInput resubscribes in an effect, after the commit), whose closure is a key behind
  const live = useRef({ selected, order, dir });
  live.current = { selected, order, dir };
  const parentTotal = prefs.apparent ? view.sizeA(dir) : view.sizeD(dir);
  const maxSibling = useMemo(() => {
    let m = 0;
    for (let k = 0; k < order.length; k++) m = Math.max(m, prefs.apparent ? view.sizeA(order[k]) : view.sizeD(order[k]));
    return m;
  }, [order, prefs.apparent, view]);

  /** move the cursor: `f` gets the current position and the list length */
  const moveTo = (f: (sel: number, n: number) => number) =>
    setNav((p) => {
      const len = cache.get(p.dir, prefsRef.current).length;
      const c = Math.max(0, Math.min(len - 1, f(p.sel, len)));
      let t = p.top;
      if (c < t) t = c;
      else if (c >= t + listH) t = c - listH + 1;
      return { ...p, sel: c, top: Math.max(0, t) };
    });
  /** open directory `d` (or the selection, when d is undefined), with the cursor on `cursorEntry` */
  const enterFrom = (p: typeof nav, d: number, cursorEntry?: number) => {
    const from = cache.get(p.dir, prefsRef.current);
    if (from.length) remembered.set(p.dir, from[Math.min(p.sel, from.length - 1)]);
    const o = cache.get(d, prefsRef.current);
    const want = cursorEntry ?? remembered.get(d);
    let c = want === undefined ? 0 : o.indexOf(want);
    if (c < 0) c = 0;
    return { dir: d, sel: c, top: Math.max(0, Math.min(c - Math.floor(listH / 2), o.length - listH)) };
  };
  const openSelected = () =>
    setNav((p) => {
      const o = cache.get(p.dir, prefsRef.current);
      const i = o.length ? o[Math.min(p.sel, o.length - 1)] : -1;
      if (i < 0 || !tree.isDir(i) || tree.excluded(i) !== 0) return p;
      return enterFrom(p, i);
    });
  const up = () =>
    setNav((p) => {
      const par = tree.parent[p.dir];
      if (p.dir === 0 || par === 0xffffffff) return p;
      return enterFrom(p, par, p.dir);
    });
  /**
   * change the order of the list keeping the cursor on the entry it was on (as ncdu does): a sort
   * never leaves another entry selected under the cursor, where d would then delete it
   */
  const resort = (f: (p: ViewPrefs) => ViewPrefs) => {
    const old = prefsRef.current;
    setPrefs(f);
    const now = prefsRef.current;
    setNav((p) => {
      const before = cache.get(p.dir, old);
      if (!before.length) return p;
      const c = Math.max(0, cache.get(p.dir, now).indexOf(before[Math.min(p.sel, before.length - 1)]));
      let t = p.top;
      if (c < t) t = c;
      else if (c >= t + listH) t = c - listH + 1;
      return { ...p, sel: c, top: Math.max(0, t) };
    });
  };
  const flash = (m: string) => setMessage(m);
  /** the tree was read from an export: nothing here is on this machine's disk to delete or rescan */
  const imported = !props.rescan;
  /** the selected file's kind of data for the `i` panel: looked up once per file and tree version */
  const infoKind = useMemo(() => (overlay === 'info' && selected >= 0 ? kindInfo(tree, selected, kindSource(tree, props.remote)) : null), [overlay, selected, tree, tree.version, props.remote]);

  /** rescan `d`, busy meanwhile; `done` gets the error text, or null; never throws, never rejects */
  const rescanThen = (d: number, done: (err: string | null) => void) => {
    const rescan = props.rescan;
    if (!rescan) return done('rescan is disabled: this tree was read from an export, not scanned here');
    setOverlay('busy');
    let p: Promise<void>;
    try {
      p = rescan(d);
    } catch (e) {
      p = Promise.reject(e);
    }
    p.then(
      () => null,
      // the scanner's messages hold raw paths: escaped here, once
      (e: unknown) => escapeName(e instanceof Error ? e.message : String(e)),
    )
      .then((err) => {
        setOverlay(null);
        done(err);
        setTick((x) => x + 1);
      })
      .catch(() => setOverlay(null));
  };

  /** what d, D or E asked to confirm: the operation and its targets (the marked entries, else the selection) */
  const pending = useRef<{ op: Op; targets: number[] } | null>(null);
  /** the operation under way (for the busy line) */
  const running = useRef<Op>('delete');
  const ask = (op: Op) => {
    const { order, selected } = live.current;
    const marks = marksRef.current.set;
    const targets = marks.size ? Array.from(order).filter((i) => marks.has(i)) : selected > 0 ? [selected] : [];
    if (!targets.length) return;
    if (op === 'empty') {
      const bad = targets.find((i) => tree.type(i) !== EntryType.File);
      if (bad !== undefined)
        return flash(`E empties regular files only: ${fit(escapeName(tree.nameOf(bad)), 40).trimEnd()} is ${tree.isDir(bad) ? 'a directory' : 'not a regular file'}`);
    }
    pending.current = { op, targets };
    setOverlay('confirm');
  };

  const doDelete = () => {
    const job = pending.current;
    setOverlay(null);
    pending.current = null;
    if (!job || !job.targets.length) return;
    const { op, targets } = job;
    running.current = op;
    const i = targets[0];
    const many = targets.length > 1;
    const name = many ? `${count(targets.length)} marked entries` : escapeName(tree.pathOf(i));
    let p: Promise<TreeDeleteResult>;
    try {
      if (op === 'trash') p = Promise.resolve(trashEntries(tree, targets, props.env));
      else if (op === 'empty') p = Promise.resolve(emptyEntries(tree, targets));
      else if (!many) p = props.remove ? props.remove(i, filter) : Promise.resolve(filter ? deleteOwnerEntries(filter, i) : deleteEntry(tree, i));
      else if (props.remove || filter) {
        // one entry at a time (another host's deleter, or an owner's files only): the results added up
        const one = (k: number) => (props.remove ? props.remove(k, filter) : Promise.resolve(deleteOwnerEntries(filter!, k)));
        p = targets.reduce<Promise<TreeDeleteResult>>(
          (acc, k) => acc.then(async (r) => addResults(r, await one(k))),
          Promise.resolve({ deleted: 0, freed: 0, failed: 0, failures: [], refused: null, removed: 0, stale: false }),
        );
      } else p = Promise.resolve(deleteEntries(tree, targets));
    } catch (e) {
      p = Promise.reject(e);
    }
    if (op !== 'delete') {
      p.then(
        (r) => {
          setOverlay(null);
          marksRef.current.set.clear();
          flash(opMessage(op, r, name));
          setTick((x) => x + 1);
        },
        (e: unknown) => {
          setOverlay(null);
          flash(`${op === 'trash' ? 'moving to the trash' : 'emptying'} failed: ${escapeName(e instanceof Error ? e.message : String(e))}`);
          setTick((x) => x + 1);
        },
      );
      setOverlay('deleting');
      return;
    }
    marksRef.current.set.clear();
    setOverlay('deleting');
    p.then(
      (r) => {
        setOverlay(null);
        const msg = deleteMessage(r, name, filter?.title);
        flash(msg);
        setTick((x) => x + 1);
        // part of a directory went: show what is left of it
        if (r.stale) rescanThen(many ? dir : i, (err) => flash(err ? `${msg}; rescan failed: ${err}` : msg));
      },
      (e: unknown) => {
        setOverlay(null);
        flash(`delete failed: ${escapeName(e instanceof Error ? e.message : String(e))}`);
        setTick((x) => x + 1);
      },
    );
  };

  useKeys(
    (input, key) => {
    const overlay = overlayRef.current;
    if (overlay === 'busy' || overlay === 'deleting') return;
    if (key.ctrl && input === 'c') return props.quit();
    if (overlay === 'help') {
      const pages = helpPages(width, listH).length;
      if (input === 'q' || input === '?' || key.escape || key.return) setOverlay(null);
      else if (input === ' ' || key.pageDown || key.downArrow || input === 'j' || input === 'n')
        setHelpPage((k) => (k + 1 < pages ? k + 1 : k));
      else if (key.pageUp || key.upArrow || input === 'k' || input === 'p' || key.backspace || key.delete) setHelpPage((k) => Math.max(0, k - 1));
      return;
    }
    if (overlay === 'info') {
      if (input === 'i' || input === 'q' || key.escape || key.return) setOverlay(null);
      return;
    }
    if (overlay === 'confirm') {
      if (input === 'y' || input === 'Y') doDelete();
      else {
        pending.current = null;
        setOverlay(null);
      }
      return;
    }
    setMessage(null);
    if (key.upArrow || input === 'k') moveTo((c) => c - 1);
    else if (key.downArrow || input === 'j') moveTo((c) => c + 1);
    else if (key.pageUp) moveTo((c) => c - listH);
    else if (key.pageDown) moveTo((c) => c + listH);
    else if (key.home) moveTo(() => 0);
    else if (key.end) moveTo((_c, len) => len - 1);
    else if (key.return || key.rightArrow || input === 'l') openSelected();
    else if (key.leftArrow || input === 'h' || key.backspace || key.delete || input === '<') {
      if (nav.dir === 0 && props.upFromTop) props.upFromTop();
      else up();
    }
    else if (input === 's') resort((p) => pressSort(p, 'size'));
    else if (input === 'n') resort((p) => pressSort(p, 'name'));
    else if (input === 'C') resort((p) => pressSort(p, 'items'));
    else if (input === 'M') resort((p) => pressSort(p, 'mtime'));
    else if (input === 'a') resort((p) => ({ ...p, apparent: !p.apparent }));
    else if (input === 'c') setPrefs((p) => ({ ...p, showItems: !p.showItems }));
    else if (input === 'g')
      setPrefs((p) => ({ ...p, graph: GRAPH_CYCLE[(GRAPH_CYCLE.indexOf(p.graph) + 1) % GRAPH_CYCLE.length] }));
    else if (input === 'e') resort((p) => ({ ...p, showHidden: !p.showHidden }));
    else if (input === 't') resort((p) => ({ ...p, dirsFirst: !p.dirsFirst }));
    else if (input === 'm') setPrefs((p) => ({ ...p, showMtime: !p.showMtime }));
    else if (input === ' ') {
      const { selected } = live.current;
      const marks = marksRef.current.set;
      if (selected >= 0) {
        if (marks.has(selected)) marks.delete(selected);
        else marks.add(selected);
        setTick((x) => x + 1);
        moveTo((c) => c + 1);
      }
    } else if (input === 'i') {
      if (selected >= 0) setOverlay('info');
    } else if (input === '?') {
      setHelpPage(0);
      setOverlay('help');
    } else if (input === 'q') props.quit();
    else if (filter && (input === 'f' || key.escape)) props.clearFilter?.();
    else if (input === 'f') flash('no filter on: in the Owners view (2), press f on an owner to show only its files');
    else if (input === 'r' && imported) flash('rescan is disabled: this tree was read from an export, not scanned here');
    else if (input === 'r') {
      rescanThen(dir, (err) =>
        flash(
          err !== null
            ? `rescan failed: ${err}`
            : filter
              ? 'rescanned (entries new since the Owners view was gathered are outside the filter)'
              : 'rescanned',
        ),
      );
    } else if (input === 'd' || input === 'D' || input === 'E') {
      const what = input === 'd' ? 'deleting' : input === 'D' ? 'moving to the trash' : 'emptying files';
      if (imported) flash(`read-only mode: ${what} is disabled (this tree was read from an export)`);
      else if (props.readOnly) flash(`read-only mode (--read-only): ${what} is disabled`);
      else if (input !== 'd' && props.remote) flash(`${what} is not available over --remote (d deletes there)`);
      else if (input === 'D' && filter) flash('D is off under an owner filter (it would move the files the filter hides too): f clears it');
      else ask(input === 'd' ? 'delete' : input === 'D' ? 'trash' : 'empty');
    } else if (input === 'b') {
      if (imported) flash('no shell: this tree was read from an export, its directories are not here');
      else if (props.readOnly) flash('read-only mode (--read-only): the shell (b) is disabled');
      else if (props.remote) flash('no shell over --remote: the directories are on the other host');
      else if (!props.shell) flash('no shell here');
      else if (process.env.DISKBLAME_LEVEL)
        flash(`already in a shell started by diskblame (DISKBLAME_LEVEL=${escapeName(process.env.DISKBLAME_LEVEL).slice(0, 8)}): exit it to go back`);
      else {
        const { selected, dir } = live.current;
        const d = selected >= 0 && tree.isDir(selected) && tree.excluded(selected) === 0 ? selected : dir;
        const sh = props.shell;
        setOverlay('busy');
        let p: Promise<void>;
        try {
          p = sh(tree.pathOf(d), d);
        } catch (e) {
          p = Promise.reject(e);
        }
        p.then(
          () => {
            setOverlay(null);
            rescanThen(d, (err) => flash(err ? `back from the shell; rescan failed: ${err}` : 'back from the shell; rescanned'));
          },
          (e: unknown) => {
            setOverlay(null);
            flash(`shell failed: ${escapeName(e instanceof Error ? e.message : String(e))}`);
          },
        );
      }
    }
    },
    { isActive: props.active !== false },
  );
  if (props.active === false) return null;

  // ------------------------------------------------------------------ drawing
  const filterLine = filter
    ? fit(` filter: ${filter.title} — ${size(filter.bytes)} in ${count(filter.files)} files   (f or Esc: show everything)`, width)
    : null;
  // the path first; the volume's figures only where they fit beside it
  const hidden = prefs.showHidden ? 0 : hiddenCount(view, dir);
  const inc = (props.incomplete ? ' (INCOMPLETE: scan interrupted)' : '') + (hidden ? ` (${count(hidden)} hidden: e shows)` : '');
  const fullPath = pathText(tree, dir, 100_000);
  const room = width - 5 - inc.length;
  const showVol = props.volume && fullPath.length + props.volume.length + 2 <= room;
  const header2 = showVol
    ? fit(`--- ${fullPath}${inc} `, width - props.volume.length - 1) + ' ' + props.volume
    : fit(`--- ${pathText(tree, dir, Math.max(10, room))}${inc} `, width);
  const rows: React.ReactElement[] = [];
  for (let r = 0; r < listH; r++) {
    const k = top + r;
    if (k >= n) {
      const empty = filter ? `   (nothing of ${filter.title} here)` : '   (empty directory)';
      rows.push(<Text key={r}>{n === 0 && r === 0 ? fit(empty, width) : ' '}</Text>);
      continue;
    }
    const i = order[k];
    const line = rowText(view, i, parentTotal, maxSibling, prefs, width, {
      marked: marks.has(i),
      mtime: prefs.showMtime && tree.isDir(i) ? (newest.current ??= new NewestMtimes(tree)).of(i) : undefined,
    });
    // the cursor is reverse video, written directly: it is not a colour, so it stays with NO_COLOR
    // and on terminals chalk thinks colourless
    rows.push(<Text key={r}>{k === cur ? INV + line + INV_OFF : line}</Text>);
  }
  const totalLine = INV + fit(
    ` ${filter ? 'Filtered disk' : 'Disk'}: ${size(view.sizeD(dir))}  Apparent: ${size(view.sizeA(dir))}  Items: ${count(view.items(dir))}  Sort: ${prefs.sort} ${prefs.desc ? 'desc' : 'asc'}${prefs.apparent ? '  [apparent sizes]' : ''}`,
    width,
  ) + INV_OFF;
  let marked = 0;
  for (const m of marks) marked += prefs.apparent ? view.sizeA(m) : view.sizeD(m);
  const markLine = marks.size ? ` ${count(marks.size)} marked, ${size(marked)}${prefs.apparent ? ' apparent' : ''}: d delete  D trash  E empty  (space unmarks)` : null;
  const footer2 = fit(message ?? markLine ?? (filter ? ' Enter open  Left up  s/n/C/M sort  i info  d delete shown  f/Esc unfilter' : ' Enter open  Left up  s/n/C/M sort  a apparent  i info  ' + (imported ? '(an export: read-only)' : props.readOnly ? 'r rescan  (read-only)' : 'd delete  r rescan')), width);

  let body: React.ReactElement;
  if (overlay === 'help') body = <Help width={width} height={listH} page={helpPage} />;
  else if (overlay === 'info' && selected >= 0) body = <Info tree={view} i={selected} width={width} height={listH} kind={infoKind} />;
  else if (overlay === 'confirm' && pending.current && (pending.current.op !== 'delete' || pending.current.targets.length > 1)) {
    const job = pending.current;
    body = <ConfirmMany tree={view} op={job.op} targets={job.targets} apparent={prefs.apparent} width={width} height={listH} />;
  } else if (overlay === 'confirm' && selected >= 0) {
    const plan = filter && tree.isDir(selected) ? deletionPlan(filter, selected) : null;
    body = (
      <Confirm
        tree={view}
        i={selected}
        width={width}
        height={listH}
        filtered={plan && filter ? { title: filter.title, files: plan.files.length, dirs: plan.dirs.length, bytes: plan.bytes } : undefined}
      />
    );
  }
  else if (overlay === 'busy') body = <Text>{fit(' rescanning…', width)}</Text>;
  else if (overlay === 'deleting') body = <Text>{fit(running.current === 'trash' ? ' moving to the trash…' : running.current === 'empty' ? ' emptying…' : ' deleting…', width)}</Text>;
  else body = <Box flexDirection="column">{rows}</Box>;

  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text>{viewHeader(props.tabs, width)}</Text>
      <Text>{header2}</Text>
      {filterLine !== null ? <Text color={props.color ? 'yellow' : undefined}>{filterLine}</Text> : null}
      <Box flexDirection="column" height={listH}>
        {body}
      </Box>
      <Text>{totalLine}</Text>
      <Text color={props.color && message ? 'yellow' : undefined}>{footer2}</Text>
    </Box>
  );
}

/**
 * The status line after a deletion: what went (entries, bytes freed), or why not; the first failure
 * with its reason. `name` (the selection's path) is already escaped; `owner`: the filter's title.
 */
export function deleteMessage(r: TreeDeleteResult, name: string, owner?: string): string {
  if (r.refused !== null) return `not deleted: ${r.refused}`;
  const first = r.failures[0];
  const why = first ? `${escapeName(first.path)}: ${first.reason}` : '';
  if (r.deleted === 0) return first ? `not deleted: ${why}` : owner ? `nothing of ${owner} deleted below ${name}` : 'nothing deleted';
  const n = `${count(r.deleted)} ${r.deleted === 1 ? 'entry' : 'entries'}`;
  let m = owner ? `deleted ${n} of ${owner} below ${name} (${size(r.freed)} freed)` : `deleted ${name} (${n}, ${size(r.freed)} freed)`;
  if (r.failed) m += `; ${count(r.failed)} not deleted, first: ${why}`;
  return m;
}

/** Two results of deletions added up (several marked entries deleted one at a time). */
export function addResults(a: TreeDeleteResult, b: TreeDeleteResult): TreeDeleteResult {
  return {
    deleted: a.deleted + b.deleted,
    freed: a.freed + b.freed,
    failed: a.failed + b.failed + (b.refused !== null ? 1 : 0),
    failures: [...a.failures, ...b.failures].slice(0, 20),
    refused: a.refused ?? null,
    removed: a.removed + b.removed,
    stale: a.stale || b.stale,
  };
}

/**
 * The status line after D (moved to the trash) or E (emptied): how many, the bytes (E: freed), or
 * why not; the first failure with its reason. `name` is already escaped.
 */
export function opMessage(op: Op, r: TreeDeleteResult, name: string): string {
  if (op === 'delete') return deleteMessage(r, name);
  const verb = op === 'trash' ? 'moved to the trash' : 'emptied';
  if (r.refused !== null) return `not ${verb}: ${r.refused}`;
  const first = r.failures[0];
  const why = first ? `${escapeName(first.path)}: ${first.reason}` : '';
  if (r.deleted === 0) return first ? `not ${verb}: ${why}` : `nothing ${verb}`;
  let m = op === 'trash' ? `moved ${name} to the trash (${count(r.deleted)} ${r.deleted === 1 ? 'entry' : 'entries'})` : `emptied ${name} (${size(r.freed)} freed)`;
  if (r.failed) m += `; ${count(r.failed)} not ${verb}, first: ${why}`;
  return m;
}
