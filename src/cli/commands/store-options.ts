/**
 * The store's options, shared by `scan` (--save, --store) and the snapshot commands (--store): a
 * module of its own, so that `scan` declares them without loading the snapshot commands.
 */
import type { Argv } from 'yargs';

/** --store DIR */
export const storeOption = {
  type: 'string',
  describe: 'the store directory: usage samples, snapshots (default: $DISKBLAME_STORE, else $XDG_STATE_HOME/diskblame or ~/.local/state/diskblame)',
} as const;

/** `scan`'s --save and --store */
export function saveOptions<T>(y: Argv<T>) {
  return y
    .option('save', { type: 'boolean', describe: 'also save the scan as a snapshot in the store (as `diskblame snapshot`)' })
    .option('store', storeOption);
}
