/**
 * Saving a scanned tree as a snapshot in the store here (`snapshot`, `scan --save`), whichever
 * host was scanned: the volume's statfs and the deleted-but-open bytes come from where the scan
 * ran (the Place), the kinds of data are computed over the tree here, and the snapshot is keyed
 * by the scanned host's name.
 */
import { Tree } from '../tree/tree.js';
import type { VolumeInfo } from '../owners/reconcile.js';
import { categorizeSteps, loadRules } from '../owners/kinds.js';
import { treeNames } from '../owners/packages.js';
import { appendSamples } from '../store/samples.js';
import { PendingSnapshot, SaveInput, SnapshotMeta, startSnapshot } from '../store/snapshots.js';
import { escapeName } from '../util/escape.js';
import { count, size } from '../util/format.js';
import { errnoText, UserError } from '../util/errors.js';
import { Progress } from '../cli/progress.js';
import type { Place } from './place.js';
import { keyedByHost } from './sample.js';

export interface Saved {
  meta: SnapshotMeta;
  fileBytes: number;
  /** what was left out of the metadata, and why */
  notes: string[];
  /**
   * milliseconds spent on each extra step after the scan, in order: the volume, decoding the names,
   * the entries' text (handed to the gzip thread, with slices of the kinds pass while that thread
   * has all it takes), the rest of the kinds pass, /proc, the write (waiting for the gzip thread,
   * the head, the file in place), the sample
   */
  costMs: { volume: number; names: number; text: number; kinds: number; deletedOpen: number; write: number; sample: number };
}

/**
 * Save a tree scanned at `place` as a snapshot in `store`, with the volume's statfs, the kinds of
 * data and the deleted-but-open bytes, and record a usage sample of the volume. Kinds and /proc
 * are optional extras: when they fail, they are left out with a note. Throws a UserError of one
 * line when the volume cannot be read or the snapshot cannot be written.
 */
export async function saveScanned(place: Place, tree: Tree, root: string, started: Date, store: string, progress = false): Promise<Saved> {
  // Ctrl-C from here on (the scan is done): nothing is saved, nothing left behind, one line (exit
  // 130). The signal is seen between the steps (each ends with a turn of the event loop).
  let interrupted = false;
  const onInt = () => {
    interrupted = true;
  };
  process.on('SIGINT', onInt);
  let pending: PendingSnapshot | undefined;
  try {
    return await saveSteps(place, tree, root, started, store, progress, async () => {
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (interrupted) throw new UserError('interrupted: no snapshot saved', 130);
    }, (p) => (pending = p));
  } catch (e) {
    pending?.abort();
    throw e;
  } finally {
    process.removeListener('SIGINT', onInt);
  }
}

/**
 * For a command that ends once its snapshot is saved (`snapshot`, `scan --save`: their process
 * exits at the end): from now on Ctrl-C does not kill the process, so that one that comes after
 * the snapshot is saved (saveScanned takes it until then) still lets the command say what it
 * saved and end normally. Never removed: call it only in such a command.
 */
export function ignoreInterruptsToTheEnd(): void {
  process.on('SIGINT', () => undefined);
}

/** saveScanned's steps; `checkpoint` between them throws when interrupted; `started` gets the pending snapshot */
async function saveSteps(
  place: Place,
  tree: Tree,
  root: string,
  started: Date,
  store: string,
  progress: boolean,
  checkpoint: () => Promise<void>,
  begun: (p: PendingSnapshot) => void,
): Promise<Saved> {
  const notes: string[] = [];
  let t = performance.now();
  const lap = () => {
    const now = performance.now();
    const d = now - t;
    t = now;
    return Math.round(d * 10) / 10;
  };
  let vol: VolumeInfo;
  try {
    vol = await place.volume(root);
  } catch (e) {
    if (e instanceof UserError) throw e;
    throw new UserError(`cannot read the volume of ${escapeName(root)}: ${errnoText((e as NodeJS.ErrnoException).code)}`);
  }
  const input: SaveInput = {
    root,
    started,
    host: place.hostname,
    volume: {
      mount: vol.mountPoint,
      device: vol.device,
      fsType: vol.fsType,
      sizeBytes: vol.sizeBytes,
      usedBytes: vol.usedBytes,
      freeBytes: vol.freeBytes,
    },
  };
  const volumeMs = lap();
  await checkpoint();
  // every name decoded once, for the write and the kinds pass (by startSnapshot, once the gzip
  // thread is starting)
  let names: ReturnType<typeof treeNames> | null = null;
  let namesMs = 0;
  const decodeNames = () => {
    const t0 = performance.now();
    names = treeNames(tree);
    namesMs = Math.round((performance.now() - t0) * 10) / 10;
    return names;
  };
  // the kinds pass in slices: run while the gzip thread has all the text it takes (below), the
  // rest after the text
  const kinds: Record<string, number> = {};
  let kindsLeft = true;
  let steps: ReturnType<typeof categorizeSteps> | null = null;
  const kindsSlice = (): boolean => {
    if (!kindsLeft) return false;
    try {
      steps ??= categorizeSteps(tree, loadRules(), { top: 0, names: names ?? decodeNames() });
      const r = steps.next();
      if (r.done) {
        for (const c of r.value) kinds[c.name] = c.bytes;
        input.kinds = kinds;
        kindsLeft = false;
      }
    } catch (e) {
      notes.push(`kinds of data left out: ${(e as Error).message}`);
      kindsLeft = false;
    }
    return kindsLeft;
  };
  // the entries first: their text here, gzip'd on another thread while the kinds pass and /proc
  // are read here; the metadata (with the kinds) goes in the head at the end (startSnapshot)
  const disk = tree.count ? tree.sizeD(0) : 0;
  const counter = { entries: 0, tick: () => shown.tick() };
  const shown = new Progress('saving', { progress: () => ({ entries: counter.entries, bytes: disk, current: root }) }, progress);
  let pending: PendingSnapshot;
  try {
    const table = () => {
      const n = decodeNames();
      return { bytes: n.bytes, off: n.off, len: n.len };
    };
    pending = startSnapshot(store, tree, { ...input, names: table, counter: progress ? counter : undefined, whileFull: kindsSlice });
  } finally {
    shown.stop();
  }
  begun(pending);
  const textMs = Math.round((lap() - namesMs) * 10) / 10;
  await checkpoint();
  while (kindsSlice());
  const kindsMs = lap();
  await checkpoint();
  // (it never throws: a failure is a note)
  try {
    const held = await place.deletedOpen(vol.dev);
    input.deletedOpenBytes = held.bytes;
    if (held.partial) {
      input.deletedOpenPartial = true;
      notes.push("deleted-but-open bytes: other users' processes were not visible (not root), the figure is a lower bound");
    }
  } catch (e) {
    notes.push(`deleted-but-open bytes left out: cannot read /proc (${(e as Error).message})`);
  }
  const procsMs = lap();
  await checkpoint();
  const saved = pending.finish({ kinds: input.kinds, deletedOpenBytes: input.deletedOpenBytes, deletedOpenPartial: input.deletedOpenPartial });
  const headMs = lap();
  try {
    const s = await place.volumeSample(root);
    if (!s) throw new Error('the volume cannot be read');
    appendSamples(store, keyedByHost(place, [s]));
  } catch (e) {
    notes.push(`usage sample not recorded: ${(e as Error).message}`);
  }
  const sampleMs = lap();
  return {
    meta: saved.meta,
    fileBytes: saved.fileBytes,
    notes,
    costMs: { volume: volumeMs, names: namesMs, text: textMs, kinds: kindsMs, deletedOpen: procsMs, write: headMs, sample: sampleMs },
  };
}

/** JSON of a snapshot's metadata, with the file as `path` (as `snapshots --json` lists it). */
export function snapshotJson(m: SnapshotMeta) {
  const { file, ...rest } = m;
  return { ...rest, path: file };
}

/** The lines `snapshot` and `scan --save` print about a saved snapshot. */
export function savedText(s: Saved, exact: boolean): string {
  const m = s.meta;
  const v = m.volume;
  const L = [
    `snapshot ${escapeName(m.id)}`,
    `  file      ${escapeName(m.file)} (${size(s.fileBytes, exact)})`,
    `  root      ${escapeName(m.root)}`,
    `  entries   ${count(m.entries)}${m.errors ? ` (${count(m.errors)} unreadable)` : ''}`,
    `  disk      ${size(m.diskBytes, exact)}   apparent ${size(m.apparentBytes, exact)}`,
    `  volume    ${escapeName(v.mount)} (${escapeName(v.fsType)}): ${size(v.usedBytes, exact)} used of ${size(v.sizeBytes, exact)}, ${size(v.freeBytes, exact)} free`,
  ];
  return L.join('\n') + '\n';
}
