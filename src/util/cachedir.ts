/**
 * Where diskblame keeps what it can rebuild (the package table, the standalone binary's native
 * reader): `$XDG_CACHE_HOME/diskblame` when XDG_CACHE_HOME is an absolute path (the XDG Base
 * Directory rule: a relative one is ignored), else `~/.cache/diskblame`. The remote launcher's
 * shell script (remote/script.ts) applies the same rule on the other host.
 */
import os from 'node:os';
import path from 'node:path';

/**
 * The user's home directory (an absolute path), or null when there is none: os.homedir() ($HOME,
 * else the passwd entry's) throws for a user with no HOME and no passwd entry (a uid of a
 * container or a `setpriv`). A relative HOME is passed over for the passwd entry's (as a relative
 * XDG_CACHE_HOME is ignored: it would put the store and the caches below the current directory).
 * Not created or checked.
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
  return absolute(() => os.homedir()) ?? absolute(() => os.userInfo().homedir);
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
