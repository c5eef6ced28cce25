/**
 * The interactive program: a scanning screen, then the views. Views are registered in VIEWS:
 * adding one (owners, changes, forecast) is adding a component and a line there.
 */
import fs from 'node:fs';
import React, { useEffect, useState } from 'react';
import { Box, Text, useApp, useStdin, useStdout } from 'ink';
import { runShellIn } from './shell.js';
import { Tree } from '../tree/tree.js';
import { ScanOptions } from '../scan/scanner.js';
import { estimateEntries } from '../scan/estimate.js';
import { LocalPlace, type Place, type ScanJob } from '../app/place.js';
import { deleteInTree } from '../app/delete.js';
import type { RemoteScanResult } from '../app/remote.js';
import { count, duration, size } from '../util/format.js';
import { escapeName, terminalText } from '../util/escape.js';
import { Browser } from './Browser.js';
import type { ViewPrefs } from './model.js';
import { OwnersView, type Gathered } from './OwnersView.js';
import type { FilteredTree } from '../tree/filter.js';
import { ForecastPane } from './ForecastView.js';
import { ChangesView } from './ChangesView.js';
import { ChangesData, ChangesModel } from './changes.js';
import { fit, truncate } from './text.js';
import { KeysProvider, useKeys } from './keys.js';
import { viewHeader } from './header.js';
import { KeyHelp, VIEW_HELP } from './overlays.js';

export interface AppProps {
  /** a tree already loaded (an export, or a test), or null to scan `root` */
  tree: Tree | null;
  /** the directory to scan: a path, or its exact bytes (absolute; a name that is not UTF-8) */
  root: string | Uint8Array;
  scanOptions: ScanOptions;
  readOnly: boolean;
  /** for tests: fixed size instead of the terminal's */
  size?: { width: number; height: number };
  /** the Forecast view reads this CSV instead of the store's samples */
  history?: string;
  /** the store whose samples the Forecast view reads and its offer records into (default: store/store.ts storeDir) */
  store?: string;
  onExit?: (code: number) => void;
  /** for tests: the Owners view's data instead of /proc and the package lists */
  gatherOwners?: (tree: Tree, root: string) => Promise<Gathered>;
  /** a comparison (diskblame diff --browse): adds the Changes view and opens it; `tree` is the after side */
  changes?: ChangesData;
  /** where `root` is scanned, deleted in and rescanned (default: here); another host with --remote */
  place?: Place;
  /** the browser's starting view preferences (the config file's sort, columns, ...); DEFAULT_PREFS fills the rest */
  prefs?: Partial<ViewPrefs>;
  /** b may start a shell on the terminal (runUI: yes; tests: no) */
  shell?: boolean;
  /** colours (--color, the config's "color"); default: none when NO_COLOR is set */
  color?: boolean;
  /**
   * opened from the volumes view: h, Left, Backspace or < in the top directory call this and end
   * the program (onExit is not called), to go back to the list. Absent: they stay at the top.
   */
  onBack?: () => void;
}

interface ViewDef {
  key: string;
  name: string;
  /** listed only with a comparison */
  needsChanges?: boolean;
}
/** The views, by key. Only what exists is listed. */
export const VIEWS: ViewDef[] = [
  { key: '1', name: 'Browse' },
  { key: '2', name: 'Owners' },
  { key: '3', name: 'Changes', needsChanges: true },
  { key: '4', name: 'Forecast' },
];

function viewsFor(changes: boolean): ViewDef[] {
  return VIEWS.filter((v) => changes || !v.needsChanges);
}

function tabsText(current: string, changes: boolean): string {
  return viewsFor(changes).map((v) => (v.key === current ? `[${v.key} ${v.name}]` : ` ${v.key} ${v.name} `)).join('');
}

function useTerminalSize(fixed?: { width: number; height: number }): { width: number; height: number } {
  const { stdout } = useStdout();
  const read = () => ({ width: stdout.columns || 80, height: stdout.rows || 24 });
  const [sz, setSz] = useState(read);
  useEffect(() => {
    if (fixed) return;
    const on = () => setSz(read());
    stdout.on('resize', on);
    return () => {
      stdout.off('resize', on);
    };
  }, [stdout]);
  return fixed ?? sz;
}

/** the volume line of the browser's header for path `p` (text or exact bytes); '' when statfs fails */
export function volumeText(p: string | Uint8Array): string {
  try {
    const s = fs.statfsSync(typeof p === 'string' ? p : Buffer.from(p));
    const total = s.blocks * s.bsize;
    const free = s.bavail * s.bsize;
    const used = (s.blocks - s.bfree) * s.bsize;
    return `volume ${size(total)}, used ${size(used)}, free ${size(free)}`;
  } catch {
    return '';
  }
}

function Scanning({ scanner, width, started, where, color, root }: { scanner: ScanJob; width: number; started: number; where: string; color: boolean; root: string | Uint8Array }): React.ReactElement {
  const [, setTick] = useState(0);
  useEffect(() => {
    const t = setInterval(() => setTick((x) => x + 1), 100);
    return () => clearInterval(t);
  }, []);
  const p = scanner.progress();
  const secs = (performance.now() - started) / 1000;
  return (
    <Box flexDirection="column" borderStyle="single" width={Math.min(width, 78)} paddingX={1}>
      {/* (exact bytes escaped when the root was given as bytes: scanner.root is their lossy text) */}
      <Text>{truncate(`Scanning ${escapeName(typeof root === 'string' ? scanner.root : root)}${where}`, Math.min(width, 78) - 4)}</Text>
      <Text>
        {`Entries: ${count(p.entries)}   Size: ${size(p.bytes)}   Rate: ${count(secs > 0 ? Math.round(p.entries / secs) : 0)}/s   Elapsed: ${duration(secs * 1000)}`}
      </Text>
      <Text>{truncate(`Reading: ${escapeName(p.current)}`, Math.min(width, 78) - 4, true)}</Text>
      <Text dimColor={color}>Ctrl-C: stop and browse what was found so far</Text>
    </Box>
  );
}

/** The Owners view over --remote: processes and packages are there, not here */
function remoteOwners(place: Place): (tree: Tree, root: string) => Promise<Gathered> {
  return async () => {
    throw new Error(`not available over --remote: run diskblame owners --remote ${place.label}`);
  };
}

/** The program: its views take keys one at a time, however many arrive in one read (keys.tsx). */
export function App(props: AppProps): React.ReactElement {
  return (
    <KeysProvider>
      <Views {...props} />
    </KeysProvider>
  );
}

function Views(props: AppProps): React.ReactElement {
  const { exit } = useApp();
  const { stdin } = useStdin();
  const { stdout } = useStdout();
  const { width, height } = useTerminalSize(props.size);
  const [tree, setTree] = useState<Tree | null>(props.tree);
  const [incomplete, setIncomplete] = useState(props.tree?.info?.incomplete ?? false);
  const [error, setError] = useState<string | null>(null);
  const [place] = useState<Place>(() => props.place ?? new LocalPlace());
  const [job] = useState(() => {
    if (props.tree) return null;
    const t = place.remote ? new Tree() : new Tree(estimateEntries(typeof props.root === 'string' ? props.root : Buffer.from(props.root)));
    // workers scan, the main thread draws the progress screen
    return { tree: t, scanner: place.scan(props.root, t, { ...props.scanOptions, mainThreadScans: false }) };
  });
  // the volume's figures: statfs here, or asked of the remote host once its tree is in
  const [volume, setVolume] = useState<string | null>(null);
  const [lost, setLost] = useState<string | null>(null);
  const scanner = job?.scanner ?? null;
  const [started] = useState(() => performance.now());
  const color = props.color ?? !process.env.NO_COLOR;
  const [view, setView] = useState(props.changes ? '3' : '1');
  // the browser shows only one owner's files while this is set (f in the Owners view)
  const [filter, setFilter] = useState<FilteredTree | null>(null);
  const [focus, setFocus] = useState<{ entry: number; seq: number } | null>(null);
  const [changes] = useState(() => (props.changes ? new ChangesModel(props.changes) : null));
  // the help of the Owners, Changes or Forecast view (the browser has its own)
  const [help, setHelp] = useState(false);

  const quit = (code = 0) => {
    props.onExit?.(code);
    exit();
  };

  useEffect(() => {
    if (!job) return;
    job.scanner.done.then(
      (r) => {
        setIncomplete(r.incomplete);
        const why = (r as RemoteScanResult).lost;
        if (why) setLost(why);
        setTree(job.tree);
      },
      (e: Error) => {
        setError(e.message);
        props.onExit?.(1);
        exit();
      },
    );
  }, [job]);

  useKeys(
    (input, key) => {
      if (key.ctrl && input === 'c') scanner?.abort();
      else if (input === 'q') {
        scanner?.abort();
        quit(0);
      }
    },
    { isActive: tree === null },
  );

  // view keys: a digit switches views (the browser keeps its place); ? and q in the views that
  // have no handling of their own (the browser has; the Changes view quits itself)
  useKeys(
    (input, key) => {
      if (help) {
        if (input === 'q' || input === '?' || key.escape || key.return) setHelp(false);
        else if (key.ctrl && input === 'c') quit(0);
        return;
      }
      if (viewsFor(!!changes).some((v) => v.key === input)) setView(input);
      else if (view !== '1' && input === '?') setHelp(true);
      else if ((view === '2' || view === '4') && (input === 'q' || (key.ctrl && input === 'c'))) quit(0);
    },
    { isActive: tree !== null },
  );

  useEffect(() => {
    if (!tree || !place.remote) return;
    let live = true;
    place.volume(Buffer.from(tree.pathOf(0)).toString()).then(
      (v) => live && setVolume(`volume ${size(v.sizeBytes)}, used ${size(v.usedBytes)}, free ${size(v.freeBytes)}`),
      () => live && setVolume(''),
    );
    return () => {
      live = false;
    };
  }, [tree]);

  if (error) return <Text>{terminalText(`diskblame: ${error}`)}</Text>;
  if (!tree) return scanner ? <Scanning scanner={scanner} width={width} started={started} where={place.remote ? ` on ${escapeName(place.label)}` : ''} color={color} root={props.root} /> : <Text>loading…</Text>;
  const tabs = tabsText(view, !!changes);
  const rootPath = Buffer.from(tree.pathOf(0)).toString();
  const views = viewsFor(!!changes);
  const viewHelp = help && view !== '1' ? VIEW_HELP[view as keyof typeof VIEW_HELP] : null;
  return (
    <Box flexDirection="column">
      {viewHelp ? (
        <Box flexDirection="column" width={width} height={height}>
          <Text>{viewHeader(tabs, width)}</Text>
          <KeyHelp lines={viewHelp} views={views.map((v) => `${v.key} ${v.name}`)} width={width} height={height - 1} />
        </Box>
      ) : null}
      {view === '2' && !help ? <Text>{viewHeader(tabs, width)}</Text> : null}
      {/* mounted while hidden: it keeps what it gathered and where it was */}
      <OwnersView
        tree={tree}
        root={rootPath}
        width={width}
        height={height}
        active={view === '2' && !help}
        gather={props.gatherOwners ?? (place.remote ? remoteOwners(place) : undefined)}
        onFilter={(f, entry) => {
          setFilter(f);
          setFocus(entry === undefined ? null : { entry, seq: (focus?.seq ?? 0) + 1 });
          setView('1');
        }}
      />
      {view === '2' && !help ? <Text>{fit(' Up/Down move  Enter its paths  f filter the browser to it  Esc/Left back  1 browser', width)}</Text> : null}
      {view === '4' && !help ? (
        <Box flexDirection="column" width={width} height={height}>
          <Text>{viewHeader(tabs, width)}</Text>
          {place.remote && !props.history ? (
            <Box height={height - 2}>
              <Text>{fit(` not available over --remote: the forecast reads this host's samples (diskblame forecast on ${escapeName(place.label)})`, width)}</Text>
            </Box>
          ) : (
            <ForecastPane root={rootPath} history={props.history} store={props.store} tree={tree} width={width} height={height - 2} active />
          )}
          <Text>{fit(' 1 back to the browser', width)}</Text>
        </Box>
      ) : null}
      {changes ? <ChangesView model={changes} width={width} height={height} active={view === '3' && !help} tabs={tabs} quit={() => quit(0)} /> : null}
      <Browser
      active={view === '1'}
      tree={tree}
      width={width}
      height={height}
      readOnly={props.readOnly}
      incomplete={incomplete}
      color={color}
      volume={fit(place.remote ? volume ?? '' : volumeText(tree.pathOf(0)), 48).trimEnd()}
      notice={lost ? `connection lost: ${escapeName(lost)}` : null}
      tabs={tabs}
      filter={filter}
      clearFilter={() => setFilter(null)}
      prefs={props.prefs}
      focus={focus}
      quit={() => quit(0)}
      upFromTop={
        props.onBack
          ? () => {
              props.onBack?.();
              exit();
            }
          : undefined
      }
      rescan={place.rescanner(tree, props.scanOptions) ?? undefined}
      remove={place.remote ? (i, f) => deleteInTree(place, tree, i, f) : undefined}
      remote={!!place.remote}
      shell={props.shell ? (_d, i) => runShellIn(tree, i, { stdin: stdin as NodeJS.ReadStream, stdout: stdout as NodeJS.WriteStream }) : undefined}
    />
    </Box>
  );
}
