/**
 * The config file: defaults a user would otherwise type every time (sort, columns, colours,
 * excludes, --si, threads), `$XDG_CONFIG_HOME/diskblame/config.json` (an absolute XDG_CONFIG_HOME,
 * else `~/.config/diskblame/config.json`; the home as util/cachedir.ts finds it), or the file
 * DISKBLAME_CONFIG names. Command-line flags win over it; `--no-config` (or DISKBLAME_CONFIG='')
 * ignores it. A missing file at the usual place is no config; anything wrong in one that exists is
 * one line naming the file, the key and what is wrong (UserError, exit 2).
 *
 * parseConfig is pure (text in, Config out); loadConfig reads the file (at most CONFIG_MAX_BYTES,
 * a regular file only: a FIFO or a device there is an error, never opened).
 */
import fs from 'node:fs';
import path from 'node:path';
import { absentAtUsualPlace, configDir } from '../util/configdir.js';
import { escapeName } from '../util/escape.js';
import { UserError } from '../util/errors.js';
import { readRegularCapped } from '../util/read.js';
import { readErrorText } from '../util/read-error.js';
import type { ViewPrefs } from '../ui/model.js';

/** the largest config file read, in bytes */
export const CONFIG_MAX_BYTES = 64 * 1024;

/** --color's and the config's "color" values (ncdu 2's names) */
export const COLOR_SCHEMES: readonly string[] = ['off', 'dark', 'dark-bg'];
export type ColorScheme = 'off' | 'dark' | 'dark-bg';

/** What a config file may set; every key is optional (absent: the built-in default). */
export interface Config {
  /** the browser's sort: size, name, items, mtime */
  sort?: 'size' | 'name' | 'items' | 'mtime';
  /** the sort's direction: desc (largest, newest, Z first) or asc; default: the sort's natural one */
  order?: 'desc' | 'asc';
  /** the browser's items-count column */
  showItems?: boolean;
  /** the browser's modification-time column */
  showMtime?: boolean;
  /** the browser's graph column: both (bar and percentage), graph, percent, none */
  graph?: 'both' | 'graph' | 'percent' | 'none';
  /** rank and show by apparent size instead of disk usage (-a) */
  apparent?: boolean;
  /** list names beginning with a dot in the browser */
  showHidden?: boolean;
  /** directories above files in the browser */
  dirsFirst?: boolean;
  /** the browser's colours (--color) */
  color?: ColorScheme;
  /** globs skipped by every scan (added to the command line's --exclude) */
  exclude?: string[];
  /** sizes in powers of 1000 (--si) */
  si?: boolean;
  /** scanning threads, 1 to 16 (--threads) */
  threads?: number;
  /** progress style while scanning: 0, 1 or 2 (-0, -1, -2) */
  progress?: 0 | 1 | 2;
}

type Check = (v: unknown) => string | null;

const oneOf =
  (...allowed: (string | number)[]): Check =>
  (v) =>
    allowed.includes(v as string | number) ? null : `wants one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}`;
const bool: Check = (v) => (typeof v === 'boolean' ? null : 'wants true or false');

/** each key, and what its value must be (null: fine; else the words of what is wrong) */
const SCHEMA: Record<keyof Config, Check> = {
  sort: oneOf('size', 'name', 'items', 'mtime'),
  order: oneOf('desc', 'asc'),
  showItems: bool,
  showMtime: bool,
  graph: oneOf('both', 'graph', 'percent', 'none'),
  apparent: bool,
  showHidden: bool,
  dirsFirst: bool,
  color: oneOf(...COLOR_SCHEMES),
  exclude: (v) =>
    Array.isArray(v) && v.every((g) => typeof g === 'string' && g.trim() !== '') ? null : 'wants a list of non-empty glob strings, as ["*.log", "node_modules"]',
  si: bool,
  threads: (v) => (typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= 16 ? null : 'wants a whole number from 1 to 16'),
  progress: oneOf(0, 1, 2),
};

/** the keys a config file may hold, in the README's order */
export const CONFIG_KEYS = Object.keys(SCHEMA) as (keyof Config)[];

/** a value as the message shows it: JSON, cut short, terminal-safe */
function shown(v: unknown): string {
  const s = JSON.stringify(v) ?? String(v);
  return escapeName(s.length > 40 ? `${s.slice(0, 40)}...` : s);
}

/**
 * The config in `text` (the file's contents; `file` names it in the errors): a JSON object whose
 * keys are CONFIG_KEYS. Throws UserError (exit 2) for text that is not JSON, a value that is not an
 * object, an unknown key or a bad value: "config file F: "sort" wants one of ..., not "big"".
 */
export function parseConfig(text: string, file: string): Config {
  const where = `config file ${escapeName(file)}`;
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new UserError(`${where}: not JSON (${(e as Error).message})`, 2);
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new UserError(`${where}: wants a JSON object ({"key": value, ...}), not ${shown(v)}`, 2);
  for (const [k, val] of Object.entries(v)) {
    const check = (SCHEMA as Record<string, Check>)[k];
    if (!Object.prototype.hasOwnProperty.call(SCHEMA, k) || !check) throw new UserError(`${where}: unknown key ${shown(k)} (known: ${CONFIG_KEYS.join(', ')})`, 2);
    const wrong = check(val);
    if (wrong) throw new UserError(`${where}: ${shown(k)} ${wrong}, not ${shown(val)}`, 2);
  }
  return v as Config;
}

/**
 * Where the config file is looked for: DISKBLAME_CONFIG when set (the empty string: none), else
 * `$XDG_CONFIG_HOME/diskblame/config.json` for an absolute XDG_CONFIG_HOME (a relative one is
 * ignored, as the XDG rule says), else `~/.config/diskblame/config.json`; null with no home.
 * `named`: the file was named by the user (DISKBLAME_CONFIG), so it must exist.
 */
export function configPath(env: NodeJS.ProcessEnv = process.env): { file: string; named: boolean } | null {
  const named = env.DISKBLAME_CONFIG;
  if (named !== undefined) return named === '' ? null : { file: named, named: true };
  const dir = configDir(env);
  return dir === null ? null : { file: path.join(dir, 'config.json'), named: false };
}

/**
 * Read and check the config file (see configPath): {} when there is none (a missing file at the
 * usual place, or one in a directory this user cannot search, or no home). Throws UserError (exit 2) naming the file: unreadable, not a regular
 * file (a FIFO or a device is never opened), over CONFIG_MAX_BYTES, or wrong (parseConfig); a
 * file named by DISKBLAME_CONFIG that does not exist.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const where = configPath(env);
  if (!where) return {};
  const fail = (why: string): never => {
    throw new UserError(`config file ${escapeName(where.file)}: ${why}${where.named ? ' (named by DISKBLAME_CONFIG)' : ''}`, 2);
  };
  let text: string | null = null;
  try {
    // (a symbolic link is followed, as dotfile managers make them; the file it names must be regular)
    text = readRegularCapped(fs.realpathSync(where.file), CONFIG_MAX_BYTES);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (!where.named && absentAtUsualPlace(where.file, code)) return {};
    fail(readErrorText(e)); // (over CONFIG_MAX_BYTES: "larger than N bytes", FileTooLargeError's own)
  }
  if (text === null) fail('not a regular file');
  return parseConfig(text!, where.file);
}

let current: Config = {};

/** Set the config the commands read (the command line does, once, before a command runs). */
export function setConfig(c: Config): void {
  current = c;
}

/** The config loaded for this run ({} with --no-config or none). */
export function config(): Config {
  return current;
}

/** The scan options the config file gives defaults for, as the command line spells them. */
export interface ScanFlags {
  file?: string;
  apparent?: boolean;
  exclude?: string[];
  threads?: number;
  progress?: boolean;
  '0'?: boolean;
  '1'?: boolean;
  '2'?: boolean;
}

/**
 * The progress style asked for: -0 (none), -1 (one line on stderr), -2 (the browser's full
 * scanning screen), else the config's "progress", else undefined (each command's default: the
 * browser's screen, the others' one line). Two of them at once is a UserError (exit 2).
 */
export function progressStyle(a: ScanFlags, c: Config = current): 0 | 1 | 2 | undefined {
  const given = ([0, 1, 2] as const).filter((n) => a[String(n) as '0' | '1' | '2']);
  if (given.length > 1) throw new UserError(`give one of ${given.map((n) => `-${n}`).join(', ')}, not ${given.length}`, 2);
  return given[0] ?? c.progress;
}

/**
 * `a` with the config's defaults where the command line gave none: --apparent, --threads, the
 * progress style (-0 is --no-progress), and the config's excludes before the command line's (both
 * apply: as ncdu's config and command line add up). Not the excludes when reading an export
 * (--file): they apply to scans. Throws what progressStyle throws.
 */
export function withConfig<T extends ScanFlags>(a: T, c: Config = current): T {
  const style = progressStyle(a, c);
  return {
    ...a,
    apparent: a.apparent ?? c.apparent,
    threads: a.threads ?? c.threads,
    progress: style === 0 ? false : a.progress,
    exclude: a.file === undefined && c.exclude?.length ? [...c.exclude, ...(a.exclude ?? [])] : a.exclude,
  };
}

/**
 * The browser's starting view (ui/model.ts ViewPrefs, Partial: the rest are the defaults) from the
 * config, and --apparent (`apparent`: the command line's or the config's, see withConfig).
 */
export function browserPrefs(apparent: boolean | undefined, c: Config = current): Partial<ViewPrefs> {
  const p: Partial<ViewPrefs> = {};
  if (c.sort !== undefined) p.sort = c.sort;
  if (c.order !== undefined) p.desc = c.order === 'desc';
  else if (c.sort !== undefined) p.desc = c.sort !== 'name'; // (the sort's natural direction: model.ts defaultDesc)
  if (apparent !== undefined) p.apparent = apparent;
  if (c.showItems !== undefined) p.showItems = c.showItems;
  if (c.graph !== undefined) p.graph = c.graph;
  if (c.showHidden !== undefined) p.showHidden = c.showHidden;
  if (c.dirsFirst !== undefined) p.dirsFirst = c.dirsFirst;
  if (c.showMtime !== undefined) p.showMtime = c.showMtime;
  return p;
}

/**
 * Whether the browser draws colours: --color (`flag`) else the config's "color": "off" none, "dark"
 * and "dark-bg" yes (ncdu's names; our few colours read on both backgrounds); neither: none when
 * NO_COLOR is set (https://no-color.org), else yes.
 */
export function colorOn(flag: string | undefined, c: Config = current, env: NodeJS.ProcessEnv = process.env): boolean {
  const scheme = flag ?? c.color;
  if (scheme !== undefined) return scheme !== 'off';
  return !env.NO_COLOR;
}
