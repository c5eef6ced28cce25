/**
 * Where diskblame keeps what it can rebuild (the package table, the standalone binary's native
 * reader): `$XDG_CACHE_HOME/diskblame` when XDG_CACHE_HOME is an absolute path (the XDG Base
 * Directory rule: a relative one is ignored), else `~/.cache/diskblame`. The remote launcher's
 * shell script (remote/script.ts) applies the same rule on the other host.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * The user's home directory (an absolute path), or null when there is none: os.homedir() ($HOME,
 * else the passwd entry's) throws for a user with no HOME and no passwd entry (a uid of a
 * container or a `setpriv`). A relative HOME is passed over for the passwd entry's (as a relative
 * XDG_CACHE_HOME is ignored: it would put the store and the caches below the current directory),
 * and so is, for root, another user's home (sudo without -H: see foreignHomeOfRoot). Not created.
 */
export function homeDir(): string | null {
  const absolute = (h: () => string): string | null => {
    try {
      const p = h();
      return p && path.isAbsolute(p) ? p : null;
    } catch {
      return null;
    }
  };
  const passwd = () => absolute(() => os.userInfo().homedir);
  const home = absolute(() => os.homedir());
  if (home !== null && foreignHomeOfRoot(home)) return passwd() ?? home;
  return home ?? passwd();
}

/**
 * Is `home` a directory of another user while we run as root? `sudo` without -H (and `su` without
 * -) keeps the user's HOME: root's caches, store and code cache would land in that user's home as
 * root's files, which the user's own runs can neither replace nor remove. Root's own home (the
 * passwd entry's) is used then, as `sudo -H` would. False when `home` cannot be read.
 */
export function foreignHomeOfRoot(home: string): boolean {
  if (process.geteuid?.() !== 0) return false;
  try {
    return fs.statSync(home).uid !== 0;
  } catch {
    return false;
  }
}

/**
 * the cache directory's path (not created; nothing checked), or null when XDG_CACHE_HOME is not
 * set and there is no home (homeDir): then there is no cache
 */
export function cacheDir(): string | null {
  const xdg = process.env.XDG_CACHE_HOME;
  if (xdg && path.isAbsolute(xdg)) return path.join(xdg, 'diskblame');
  const home = homeDir();
  return home === null ? null : path.join(home, '.cache', 'diskblame');
}
