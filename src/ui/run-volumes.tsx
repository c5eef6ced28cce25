/**
 * Running the volumes view on the terminal's alternate screen (as ui/run.ts runs the browser):
 * resolves with the mount point picked with Enter, or null when the user quit. Load it after
 * app/ui.ts importUI (Ink must be loaded as that loads it).
 */
import React, { useEffect, useState } from 'react';
import { render, useApp, useStdout } from 'ink';
import type { GatheredVolumes } from '../app/volumes.js';
import type { VolumeSort } from '../report/volumes.js';
import { escapeName } from '../util/escape.js';
import { KeysProvider } from './keys.js';
import { VolumesView } from './VolumesView.js';

interface Props {
  first: GatheredVolumes;
  gather: () => Promise<GatheredVolumes>;
  sort: VolumeSort;
  exact: boolean;
  done: (mount: string | null) => void;
}

function VolumesApp({ first, gather, sort, exact, done }: Props): React.ReactElement {
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
  const finish = (m: string | null) => {
    done(m);
    exit();
  };
  return (
    <KeysProvider>
      <VolumesView
        gathered={g}
        sort={sort}
        exact={exact}
        width={sz.width}
        height={sz.height}
        onPick={(m) => finish(m)}
        onQuit={() => finish(null)}
        onRefresh={() => void gather().then(setG, () => undefined)}
      />
    </KeysProvider>
  );
}

/**
 * Gather the volumes (`gather`), show them until the user picks one (its mount point) or quits
 * (null). Errors of the gathering are thrown before the screen is taken over.
 */
export async function runVolumes(opts: { gather: () => Promise<GatheredVolumes>; sort: VolumeSort; exact: boolean }): Promise<string | null> {
  const first = await opts.gather();
  let picked: string | null = null;
  process.stdout.write('\x1b[?1049h\x1b[H');
  const inst = render(React.createElement(VolumesApp, { first, gather: opts.gather, sort: opts.sort, exact: opts.exact, done: (m) => (picked = m) }), {
    exitOnCtrlC: true,
    patchConsole: false,
  });
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
