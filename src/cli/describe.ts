/**
 * The command line as data: every command of cli.ts's COMMANDS table with its positionals and
 * options, read from the yargs tables its builder declares: the very tables yargs renders
 * `--help` from. The man page (man.ts, written at build time by scripts/man.mjs) and the shell
 * completion scripts (completion.ts) are made from this, so neither can list an option that
 * `--help` does not, nor miss one a helper adds to a builder.
 */
import yargs from 'yargs';
import { globalOptions } from './options.js';

/** one option of a command, as yargs knows it */
export interface OptionInfo {
  /** the long name, without dashes: `output` */
  name: string;
  /** the other spellings, without dashes: `o` */
  aliases: string[];
  /** the value it takes: none for boolean and count */
  type: 'boolean' | 'count' | 'string' | 'number' | 'array';
  /** the values it accepts, when yargs was given them (`choices`) */
  choices: string[];
  /** its default value as yargs shows it (`[default: 10]`), or undefined */
  default: unknown;
  /** the description `--help` shows */
  desc: string;
}

/** one positional argument of a command: `[path]` */
export interface PositionalInfo {
  name: string;
  desc: string;
  /** `[path]` rather than `<path>` */
  optional: boolean;
  /** `[paths..]`: any number */
  variadic: boolean;
  /** the values it accepts, when yargs was given them (`choices`) */
  choices: string[];
}

/** one command of the command line */
export interface CommandInfo {
  /** the word that names it (`scan`), or '' for the default command (`diskblame [path]`) */
  name: string;
  /** its usage after `diskblame`: `scan [path]`, `[path]` */
  usage: string;
  desc: string;
  positionals: PositionalInfo[];
  /** its options in the order `--help` lists them, --help and --version included */
  options: OptionInfo[];
}

/** a yargs description: its built-in ones are keys of its locale strings (`__yargsString__:Show help`) */
function plain(desc: unknown): string {
  return String(desc ?? '').replace(/^__yargsString__:/, '');
}

/** the positionals a yargs command string declares: '$0 [path]', 'diff <a> [b..]' */
function positionalsOf(cmd: string): { name: string; optional: boolean; variadic: boolean }[] {
  return [...cmd.matchAll(/([<[])([^\]>|]+?)(\.\.)?[\]>]/g)].map((m) => ({ name: m[2], optional: m[1] === '[', variadic: !!m[3] }));
}

interface YargsTables {
  key: Record<string, unknown>;
  alias: Record<string, string[]>;
  boolean: string[];
  count: string[];
  string: string[];
  number: string[];
  array: string[];
  choices: Record<string, unknown[]>;
  default: Record<string, unknown>;
  hiddenOptions: string[];
}

/**
 * The values of options we check ourselves rather than with yargs' `choices` (whose message would
 * come before ours: see --color in cli/commands/scan.ts), by command name ('' the default command)
 * and option: the completion offers them and the man page lists them, as for `choices`.
 */
async function ownChoices(): Promise<Record<string, Record<string, readonly string[]>>> {
  // (through cli.js, which has config.js already: an import of config.js here would split the
  // bundle's pieces again, and --version would read more of them: test/startup.test.ts)
  const { COLOR_SCHEMES } = await import('./cli.js');
  const { SORTS } = await import('./commands/volumes.js');
  return { '': { color: COLOR_SCHEMES }, volumes: { sort: SORTS } };
}

/**
 * The commands, in the order of `diskblame --help`, each with what `diskblame CMD --help` lists.
 * Loads every command's module (its builder). Hidden options (yargs `hidden`) are left out, as
 * `--help` leaves them out. Throws only if a command's module does not load.
 */
export async function describeCommands(): Promise<CommandInfo[]> {
  const { COMMANDS } = await import('./cli.js');
  const own = await ownChoices();
  const out: CommandInfo[] = [];
  for (const c of COMMANDS) {
    const loaded = await c.load();
    const y = yargs([]);
    // the options every command has (cli.ts: .version() and .alias('h', 'help'), and options.ts globalOptions)
    globalOptions(y.version('0').alias('h', 'help'));
    const b = loaded.builder(y) as unknown as { getOptions(): YargsTables; getInternalMethods(): { getUsageInstance(): { getDescriptions(): Record<string, unknown> } } };
    const t = b.getOptions();
    const descs = b.getInternalMethods().getUsageInstance().getDescriptions();
    const usage = c.cmd.replace(/^\$0\s*/, '');
    const name = c.cmd.startsWith('$0') ? '' : c.cmd.split(' ')[0];
    const ownHere = own[name] ?? {};
    const pos = positionalsOf(c.cmd);
    const posNames = new Set(pos.map((p) => p.name));
    const hidden = new Set(t.hiddenOptions);
    const typeOf = (k: string): OptionInfo['type'] =>
      t.array.includes(k) ? 'array' : t.count.includes(k) ? 'count' : t.boolean.includes(k) ? 'boolean' : t.number.includes(k) ? 'number' : 'string';
    // yargs keeps an alias one way, as declared: { output: ['o'] }, or { h: ['help'] } for .alias('h', 'help')
    const spellingsOf = (k: string): string[] => [...new Set([k, ...(t.alias[k] ?? []), ...Object.keys(t.alias).filter((a) => t.alias[a].includes(k))])];
    const seen = new Set<string>();
    const options: OptionInfo[] = [];
    for (const k of Object.keys(t.key)) {
      if (seen.has(k) || posNames.has(k)) continue;
      const all = spellingsOf(k);
      for (const n of all) seen.add(n);
      if (all.some((n) => hidden.has(n))) continue;
      // the name: the longest spelling (--output rather than -o), the first declared among equals
      const name = all.reduce((a, b2) => (b2.length > 1 && a.length === 1 ? b2 : a));
      const of = (table: Record<string, unknown>) => all.map((n) => table[n]).find((v) => v !== undefined);
      options.push({
        name,
        aliases: all.filter((n) => n !== name),
        type: typeOf(name),
        choices: ((of(t.choices) as unknown[] | undefined) ?? ownHere[name] ?? []).map(String),
        default: of(t.default),
        desc: plain(of(descs)),
      });
    }
    // --help last, as yargs lists it
    options.sort((a, b2) => Number(a.name === 'help') - Number(b2.name === 'help'));
    out.push({ name, usage, desc: c.desc, positionals: pos.map((p) => ({ ...p, desc: plain(descs[p.name]), choices: (t.choices[p.name] ?? []).map(String) })), options });
  }
  return out;
}

/** how `--help` spells an option's names: `-o, --output` (one letter: one dash) */
export function spellings(o: Pick<OptionInfo, 'name' | 'aliases'>): string[] {
  return [...o.aliases.filter((a) => a.length === 1), o.name, ...o.aliases.filter((a) => a.length > 1)].map((n) => (n.length === 1 ? `-${n}` : `--${n}`));
}
