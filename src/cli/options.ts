/**
 * Option values: every option of every command that takes a value (string, number or array
 * options) must be given one. `-o` alone, `--top` at the end of the line or followed by another
 * option, `--exclude=` or `--top ''` are usage errors (exit 2, one line) before any work, instead of
 * a default, `true`, an empty string that names the current directory, or 0.
 */
import type { Argv } from 'yargs';
import { escapeName } from '../util/escape.js';

/** How an option was spelled on the command line: `-o` for one letter, else `--name`. */
export function flag(name: string): string {
  return name.length === 1 ? `-${name}` : `--${name}`;
}

/**
 * yargs' message for an option that takes a value and has none ("Not enough arguments following:
 * o") in our words ("-o wants a value"); other messages unchanged.
 */
export function usageMessage(msg: string, args: readonly string[] = []): string {
  const m = /^Not enough arguments following: (\S+)$/.exec(msg);
  if (m) return `${flag(m[1])} wants a value`;
  // yargs names unknown options without their dashes ("Unknown argument: bogus" for --bogus, "d"
  // for a letter of -odd): spelled as on the command line; an extra positional word stays as it is
  const u = /^Unknown arguments?: (.*)$/s.exec(msg);
  if (u) {
    const names = u[1].split(', ');
    // (yargs names an unknown --foo-bar twice: also as fooBar)
    // (and a word that is its own camel case, -5 or -0 given to a command without them, is kept)
    const camel = (n: string) => n.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
    const kebab = new Set(names.filter((n) => n.includes('-') && camel(n) !== n).map(camel));
    const shown = [...new Set(names.filter((n) => !kebab.has(n)).map((n) => spelledAs(n, args)))];
    return `Unknown argument${shown.length > 1 ? 's' : ''}: ${shown.join(', ')}`;
  }
  return msg;
}

/**
 * `name` as the command line gave it: an extra word given as such stays as it is; else `--name`
 * (or `--no-name`), or `-n` alone or in a cluster of letters; else the name itself
 */
function spelledAs(name: string, args: readonly string[]): string {
  const end = args.indexOf('--');
  const words = end >= 0 ? args.slice(0, end) : args;
  if (words.includes(name)) return name;
  for (const w of words) {
    if (w === `--${name}` || w.startsWith(`--${name}=`) || w === `--no-${name}`) return w.split('=')[0];
    if (name.length === 1 && /^-[^-]/.test(w) && w.slice(1).split('=')[0].includes(name)) return `-${name}`;
  }
  return name;
}

/**
 * The options every command has, declared on the top-level yargs (global: true) by cli.ts and on
 * each command's own by describe.ts (the man page and the completions list what --help lists):
 * --si (sizes in powers of 1000) and --config (--no-config: no config file; cli/config.ts).
 */
export function globalOptions<T>(y: Argv<T>) {
  return y
    .option('si', { type: 'boolean', global: true, describe: 'sizes in powers of 1000 (kB, MB, GB, as du --si) instead of 1024 (KiB, MiB, GiB)' })
    .option('config', { type: 'boolean', global: true, default: true, describe: 'read the config file (--no-config: ignore it; DISKBLAME_CONFIG=FILE names another)' });
}

/** A bad command line found by our checks: main's `.fail()` treats it as yargs' own usage errors (exit 2). */
export class UsageError extends Error {
  override name = 'UsageError';
}

/**
 * The first option in `args` (raw command-line words) that is given an empty or blank value: `--x=`,
 * `--x ''`, `-x ''`. `takesValue` says which spellings (without dashes: `output`, `o`) take a value.
 * Words after `--` are not options. Returns the option as spelled (`--top`, `-o`) or null.
 */
export function emptyValueOption(args: readonly string[], takesValue: (name: string) => boolean): string | null {
  for (let i = 0; i < args.length; i++) {
    const w = args[i];
    if (w === '--') break;
    const m = /^(--?)([^=-][^=]*)(=(.*))?$/s.exec(w);
    if (!m || !takesValue(m[2])) continue;
    const spelled = m[1] + m[2];
    if (m[3] !== undefined) {
      if (m[4].trim() === '') return spelled;
    } else if (i + 1 < args.length) {
      if (args[i + 1].trim() === '') return spelled;
      i++; // the value, whatever it looks like, is not an option
    }
  }
  return null;
}

/**
 * The value the last use of an option took on the command line `args` (raw words), as typed: `--top
 * abc`, `--top=abc`, `-t abc` (`names`: the option's spellings without dashes). Null when none is
 * found (a cluster such as `-bt5`, or the option not given).
 */
export function givenValue(args: readonly string[], names: readonly string[]): string | null {
  let found: string | null = null;
  for (let i = 0; i < args.length; i++) {
    const w = args[i];
    if (w === '--') break;
    const m = /^(--?)([^=-][^=]*)(=(.*))?$/s.exec(w);
    if (!m || !names.includes(m[2]) || (m[1] === '-') !== (m[2].length === 1)) continue;
    if (m[3] !== undefined) found = m[4];
    else if (i + 1 < args.length) found = args[++i];
  }
  return found;
}

/**
 * The words after `--` (yargs' `populate--`: argv['--']) are the command's positionals, in order,
 * for the ones not given before it: `diskblame scan -- -odd-name`. Sets them on `argv`; returns the
 * first word left over (the command takes no more), or null.
 */
export function positionalsAfterDashes(argv: Record<string, unknown>, positionals: readonly string[]): string | null {
  const rest = Array.isArray(argv['--']) ? (argv['--'] as unknown[]).map(String) : [];
  delete argv['--'];
  for (const p of positionals) {
    // a variadic positional (`scan [path] [more..]`: [] when none came before `--`) takes the rest
    if (Array.isArray(argv[p]) && (argv[p] as unknown[]).length === 0) argv[p] = rest.splice(0);
    else if (argv[p] === undefined && rest.length) argv[p] = rest.shift();
  }
  return rest.length ? rest[0] : null;
}

/**
 * Make every option of the command built on `y` that takes a value require one: yargs' requiresArg
 * for all string and number options, exactly one value per use of an array option (the
 * `positionals` are not options), and a check, before the handler, that no value is empty or blank,
 * no number option is NaN and no single-valued option is given twice. Call it after the command's options are declared. The words after
 * `--` fill the positionals (see positionalsAfterDashes). The failures reach `.fail()` as usage
 * errors (exit 2).
 *
 * @param args the raw command-line words (to see `--top ''`, which yargs turns into 0)
 */
export function valuesRequired<T>(y: Argv<T>, positionals: readonly string[], args: readonly string[]): Argv<T> {
  // yargs' declared options (getOptions() is public in yargs 17, missing from its types)
  const o = (y as unknown as { getOptions(): unknown }).getOptions() as {
    string: string[];
    number: string[];
    array: string[];
    boolean: string[];
    alias: Record<string, string[]>;
  };
  const skip = new Set([...positionals, ...o.boolean]);
  const keys = [...new Set([...o.string, ...o.number, ...o.array])].filter((k) => !skip.has(k));
  const spellings = new Set<string>();
  for (const k of keys) {
    spellings.add(k);
    for (const a of o.alias[k] ?? []) spellings.add(a);
  }
  const numbers = new Set(o.number);
  // an array option takes one value per use (`--exclude A --exclude B`), like ncdu's and du's:
  // yargs' arrays would also eat the words after it, the PATH of `scan --exclude '*.log' /var` too
  const arrays = new Set(o.array);
  const single = keys.filter((k) => !arrays.has(k));
  if (single.length) y.requiresArg(single);
  for (const k of keys) if (arrays.has(k)) y.nargs(k, 1);
  return y.check((argv) => {
    const extra = positionalsAfterDashes(argv as Record<string, unknown>, positionals);
    if (extra !== null) throw new UsageError(`unexpected argument ${escapeName(extra)}`);
    const empty = emptyValueOption(args, (n) => spellings.has(n));
    if (empty) throw new UsageError(`${empty} wants a value`);
    for (const k of keys) {
      const v = (argv as Record<string, unknown>)[k];
      if (typeof v === 'number' && numbers.has(k) && Number.isNaN(v)) {
        const given = givenValue(args, [k, ...(o.alias[k] ?? [])]);
        throw new UsageError(`${flag(k)} wants a number${given === null ? '' : `, not ${escapeName(given)}`}`);
      }
      // an option that takes one value given twice (`-o a -o b`): yargs makes an array of it
      if (Array.isArray(v) && !arrays.has(k)) throw new UsageError(`${flag(k)} was given ${v.length} times; it takes one value`);
    }
    return true;
  });
}
