/**
 * Running the volumes view on the terminal's alternate screen (as ui/run.ts runs the browser):
 * resolves with the mount point picked with Enter (and the list's order), or null when the user
 * quit. Load it after
 * app/ui.ts importUI (Ink must be loaded as that loads it).
 */
import React, { useEffect, useState } from 'react';
import { render, useApp, useStdout } from 'ink';
import type { GatheredVolumes } from '../app/volumes.js';
import type { VolumeSort } from '../report/volumes.js';
import { escapeName } from '../util/escape.js';
import { KeysProvider } from './keys.js';
import { VolumesView } from './VolumesView.js';

/** what Enter picked: the mount point's exact bytes, and the order the list was in */
export interface VolumePick {
  mount: Uint8Array;
  sort: VolumeSort;
}

interface Props {
  first: GatheredVolumes;
  gather: () => Promise<GatheredVolumes>;
  sort: VolumeSort;
  exact: boolean;
  selected: Uint8Array | null;
  notice: string | null;
  done: (pick: VolumePick | null) => void;
}

function VolumesApp({ first, gather, sort, exact, selected, notice, done }: Props): React.ReactElement {
  const { exit } = useApp();
  const { stdout } = useStdout();
  const read = () => ({ width: stdout.columns || 80, height: stdout.rows || 24 });
  const [sz, setSz] = useState(read);
  const [g, setG] = useState(first);
  useEffect(() => {
    const on = () => setSz(read());
    stdout.on('resize', on);
    return () => {
      stdout.off('resize', on);
    };
  }, [stdout]);
  const finish = (m: VolumePick | null) => {
    done(m);
    exit();
  };
  return (
    <KeysProvider>
      <VolumesView
        gathered={g}
        sort={sort}
        exact={exact}
        selected={selected}
        notice={notice}
        width={sz.width}
        height={sz.height}
        onPick={(mount, by) => finish({ mount, sort: by })}
        onQuit={() => finish(null)}
        onRefresh={() => void gather().then(setG, () => undefined)}
      />
    </KeysProvider>
  );
}

/**
 * Gather the volumes (`gather`), show them in order `sort` with the cursor on `selected` (a mount
 * point's bytes; the first row when absent or gone) and `notice` on the status line until the first
 * key, until the user picks one or quits (null).
 * Errors of the gathering are thrown before the screen is taken over.
 */
export async function runVolumes(opts: { gather: () => Promise<GatheredVolumes>; sort: VolumeSort; exact: boolean; selected?: Uint8Array | null; notice?: string | null }): Promise<VolumePick | null> {
  const first = await opts.gather();
  let picked: VolumePick | null = null;
  process.stdout.write('\x1b[?1049h\x1b[H');
  const inst = render(
    React.createElement(VolumesApp, { first, gather: opts.gather, sort: opts.sort, exact: opts.exact, selected: opts.selected ?? null, notice: opts.notice ?? null, done: (m) => (picked = m) }),
    {
      exitOnCtrlC: true,
      patchConsole: false,
    },
  );
  try {
    await inst.waitUntilExit();
  } catch (e) {
    process.stderr.write(`diskblame: internal error: ${escapeName((e as Error).message)}\n`);
  } finally {
    try {
      inst.unmount();
      inst.cleanup();
    } catch {
      /* the terminal comes back all the same */
    }
    process.stdout.write('\x1b[?25h\x1b[?1049l');
  }
  return picked;
}
