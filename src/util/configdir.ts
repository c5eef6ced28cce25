/**
 * Where diskblame's configuration lives: the config file (cli/config.ts) and the owners' rules file
 * (owners/kinds.ts). Not in util/cachedir.ts: that module is part of what `--version` loads (its
 * pieces have a size budget, test/startup.test.ts), and this one is not needed there.
 */
import fs from 'node:fs';
import path from 'node:path';
import { homeDir } from './cachedir.js';

/**
 * The configuration directory's path (not created; nothing checked): `$XDG_CONFIG_HOME/diskblame`
 * when XDG_CONFIG_HOME is an absolute path (a relative one is ignored, the XDG Base Directory rule,
 * as for the cache), else `~/.config/diskblame`; null with neither (no home: see homeDir).
 */
export function configDir(env: NodeJS.ProcessEnv = process.env): string | null {
  const xdg = env.XDG_CONFIG_HOME;
  if (xdg && path.isAbsolute(xdg)) return path.join(xdg, 'diskblame');
  const home = homeDir();
  return home === null ? null : path.join(home, '.config', 'diskblame');
}

/**
 * Whether a read of `file` at its usual place in the configuration directory (not one the user
 * named) that failed with errno `code` means "no such file here": ENOENT or ENOTDIR, and EACCES when
 * lstat cannot see the file either (a directory on its path this user may not search: another
 * user's XDG_CONFIG_HOME kept by setpriv or su; nothing can be known of a file there). A file the
 * user sees but cannot read is not absent: the caller reports it.
 */
export function absentAtUsualPlace(file: string, code: string | undefined): boolean {
  if (code === 'ENOENT' || code === 'ENOTDIR') return true;
  if (code !== 'EACCES') return false;
  try {
    fs.lstatSync(file);
    return false;
  } catch {
    return true;
  }
}
