/**
 * `--remote [USER@]HOST[:PORT]` and `--ssh-option OPT`: the options of the commands that can
 * work on another host (scan, the browser, owners, snapshot, sample). Not a command.
 */
import type { Argv } from 'yargs';
import { UserError } from '../../util/errors.js';

export function remoteOptions<T>(y: Argv<T>) {
  return y
    .option('remote', { type: 'string', describe: 'work on [USER@]HOST[:PORT] over ssh (your ssh config, agent and known_hosts apply)' })
    .option('ssh-option', { type: 'string', array: true, describe: 'hand OPT to ssh as one argument (repeatable), e.g. --ssh-option=-F/path/to/ssh_config' });
}

/** an option that means a file or a setting here, refused with --remote (exit 2) */
export function notWithRemote(a: { remote?: string }, given: boolean, what: string): void {
  if (a.remote !== undefined && given) throw new UserError(`${what} cannot be used with --remote`, 2);
}
