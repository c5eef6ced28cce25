/**
 * `diskblame completion bash|zsh`: print the shell completion script (completion.ts), made from
 * the same option tables as `--help` (describe.ts). `--json`: those tables, for other tools.
 */
import type { Argv } from 'yargs';
import { describeCommands } from '../describe.js';
import { bashScript, SHELLS, type Shell, zshScript } from '../completion.js';
import { out, outJson } from '../output.js';
import { UserError } from '../../util/errors.js';

export interface CompletionArgs {
  shell?: Shell;
  json?: boolean;
}

export function completionOptions<T>(y: Argv<T>) {
  return y
    .positional('shell', { type: 'string', choices: SHELLS, describe: 'the shell to complete for' })
    .option('json', { type: 'boolean', describe: 'print the commands and their options (what the scripts are made from) as JSON' })
    .epilogue(
      'Install: diskblame completion bash > ~/.local/share/bash-completion/completions/diskblame; ' +
        'zsh: diskblame completion zsh > DIR/_diskblame, DIR a directory of $fpath before compinit runs ' +
        '(the Debian package installs both).',
    );
}

/** Prints the script (or the tables); a missing shell is a usage error (exit 2). Resolves to 0. */
export async function completionCommand(a: CompletionArgs): Promise<number> {
  const commands = await describeCommands();
  if (a.json) {
    outJson({ commands });
    return 0;
  }
  if (!a.shell) throw new UserError(`completion wants a shell: ${SHELLS.join(' or ')} (see diskblame completion --help)`, 2);
  out(a.shell === 'bash' ? bashScript(commands) : zshScript(commands));
  return 0;
}
