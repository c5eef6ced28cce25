/**
 * `diskblame volumes` (and `diskblame` with no PATH on a terminal): every mounted filesystem, as
 * `df`, `duf` and `gdu -d` show them, with the bytes deleted-but-open files hold and the fill
 * forecast. On a terminal the view (Enter browses the selected volume); piped, a table; --json for
 * scripts. The work is app/volumes.ts and report/volumes.ts.
 */
import type { Argv } from 'yargs';
import { gatherVolumes } from '../../app/volumes.js';
import { sortVolumes, volumeJson, volumeRows, volumesText, type VolumeSort } from '../../report/volumes.js';
import { UserError } from '../../util/errors.js';
import { errLine, outJson, outText } from '../output.js';
import { storeOption } from './store-options.js';
// (static: Enter browses a volume through them. A command that reached the store without the
// scanner's modules made esbuild split util/cachedir.ts out of the scanner loader's piece, and
// `--version` read 80 bytes more of the bundle's pieces than test/startup.test.ts allows)
import { openPlace } from '../../app/places.js';
import { recordScanSample } from '../../app/sample.js';
import { checkRoot } from '../../app/check.js';
import { browserPrefs, colorOn, withConfig } from '../config.js';
import type { ScanOptions } from '../../scan/scanner.js';
import type { VolumeSort as Sort } from '../../report/volumes.js';

export interface VolumesArgs {
  json?: boolean;
  all?: boolean;
  bytes?: boolean;
  sort?: string;
  store?: string;
  ui?: boolean;
  'read-only'?: boolean;
  /** the browser Enter opens: --color and --apparent of plain `diskblame` (the config file's otherwise) */
  color?: string;
  apparent?: boolean;
  /**
   * the scan Enter starts: plain `diskblame`'s scanning flags (--exclude, -X, --exclude-caches, -L,
   * --threads, --cross-mounts: the config file's folded in); `diskblame volumes`: the config file's
   */
  scanOptions?: ScanOptions;
}

/** --sort's values (checked by sortOf, not by yargs' choices; describe.ts gives them to the completion) */
export const SORTS: VolumeSort[] = ['mount', 'size', 'used', 'fill'];

export function volumesOptions<T>(y: Argv<T>) {
  return y
    .option('json', { type: 'boolean', describe: 'print the volumes as JSON (bytes, not formatted)' })
    .option('all', { type: 'boolean', describe: 'also memory and kernel filesystems with a size (tmpfs, devtmpfs, ...), as plain df shows them' })
    .option('bytes', { alias: 'b', type: 'boolean', describe: 'exact byte counts instead of KiB/MiB/GiB' })
    .option('sort', { type: 'string', describe: `order: ${SORTS.join(', ')} (default: mount, df's order)` })
    .option('store', storeOption)
    .option('read-only', { alias: 'r', type: 'boolean', describe: 'the browser Enter opens: disable deleting' })
    .option('ui', { type: 'boolean', default: true, describe: 'open the view on a terminal (--no-ui: print the table)' });
}

function sortOf(a: VolumesArgs): VolumeSort {
  if (a.sort === undefined) return 'mount';
  if (!(SORTS as string[]).includes(a.sort)) throw new UserError(`--sort wants one of ${SORTS.join(', ')}, not ${JSON.stringify(a.sort)}`, 2);
  return a.sort as VolumeSort;
}

/** `diskblame volumes`: the view on a terminal, else the table (or JSON). */
export async function volumesCommand(a: VolumesArgs): Promise<number> {
  const by = sortOf(a);
  const tty = process.stdout.isTTY === true && process.stdin.isTTY === true;
  if (tty && a.ui !== false && !a.json) return volumesView(a, by);
  const g = await gatherVolumes({ all: a.all, store: a.store });
  for (const n of g.notes) errLine(`note: ${n}`);
  const rows = sortVolumes(volumeRows(g.volumes), by);
  if (a.json) {
    outJson({ time: new Date(g.now).toISOString(), deletedOpenComplete: g.deletedOpenComplete, volumes: rows.map(volumeJson) });
  } else {
    outText(volumesText(rows, g.now, !!a.bytes));
    if (!g.deletedOpenComplete) errLine('note: Deleted counts only the processes whose open files could be read (run as root for all)');
  }
  return 0;
}

/**
 * The view; Enter on a volume scans it and opens the browser there (as `diskblame MOUNTPOINT`,
 * the mount point's exact bytes, UTF-8 or not); going up from the browser's top comes back to the
 * list (read again, the cursor on that volume, the order kept), as gdu does; q quits from either.
 * Also what `diskblame` with no PATH opens on a terminal. Resolves with the exit code.
 */
export async function volumesView(a: VolumesArgs, by: VolumeSort = sortOf(a)): Promise<number> {
  const { importUI } = await import('../../app/ui.js');
  await importUI(); // (Ink loaded as the browser loads it: see app/ui.ts)
  const { runVolumes } = await import('../../ui/run-volumes.js');
  let sort: Sort = by;
  let selected: Uint8Array | null = null;
  let notice: string | null = null;
  for (;;) {
    const picked = await runVolumes({ gather: () => gatherVolumes({ all: a.all, store: a.store }), sort, exact: !!a.bytes, selected, notice });
    if (picked === null) return 0;
    ({ sort, mount: selected } = picked);
    // only this scope holds the browser's tree: once runUI resolves, nothing refers to it, and the
    // next volume's scan does not keep the first one alive
    const r = await browseVolume(a, Buffer.from(picked.mount));
    if (typeof r === 'number') return r;
    notice = r.notice;
  }
}

/**
 * Scan `mount` (exact bytes) and browse it until the user quits (the exit code) or goes up from
 * the top ({ notice: null }); a mount point that cannot be scanned (permission, gone) comes back
 * to the list with the reason ({ notice }).
 */
/** the config file's excludes and threads, for `diskblame volumes` (cli/config.ts withConfig) */
function configScanOptions(): ScanOptions {
  const c = withConfig<{ exclude?: string[]; threads?: number }>({});
  return { exclude: c.exclude, threads: c.threads };
}

async function browseVolume(a: VolumesArgs, mount: Buffer): Promise<number | { notice: string | null }> {
  const text = mount.toString('utf8');
  const utf8 = Buffer.from(text).equals(mount);
  try {
    checkRoot(utf8 ? text : mount);
  } catch (e) {
    if (e instanceof UserError) return { notice: e.message };
    throw e;
  }
  const place = await openPlace({});
  try {
    // (the store keys samples by the mount point as text: none for a name that is not UTF-8)
    if (utf8) await recordScanSample(place, text, errLine, a.store, undefined);
    const { runUI } = await (await import('../../app/ui.js')).importUI();
    let back = false;
    const code = await runUI({
      tree: null,
      root: utf8 ? text : mount,
      scanOptions: a.scanOptions ?? configScanOptions(),
      readOnly: !!a['read-only'],
      place,
      store: a.store,
      onBack: () => (back = true),
      // the look `diskblame MOUNTPOINT` would have: the config file's sort and columns, its colours
      prefs: browserPrefs(a.apparent),
      color: colorOn(a.color),
    });
    return back ? { notice: null } : code;
  } finally {
    await place.close().catch(() => undefined);
  }
}
