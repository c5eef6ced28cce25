/**
 * Shell completion scripts for bash and zsh, from the command line as data (describe.ts): the
 * commands, each command's options (and `--no-X` for the booleans that are on by default or say
 * they can be turned off), the values of options and positionals that have `choices`, directories
 * for a PATH, file names for other values, nothing for numbers. Pure: text in, text out.
 */
import { type CommandInfo, type OptionInfo, type PositionalInfo, spellings } from './describe.js';

/** the shells we write a script for */
export const SHELLS = ['bash', 'zsh'] as const;
export type Shell = (typeof SHELLS)[number];

/** what a value is completed with */
type ValueKind = { kind: 'none' } | { kind: 'hosts' } | { kind: 'files' } | { kind: 'dirs' } | { kind: 'words'; words: string[] };

/** an option's value: its choices, nothing for a number, else file names (a directory for --store-like DIR options) */
function optionValue(o: OptionInfo): ValueKind | null {
  if (o.type === 'boolean' || o.type === 'count') return null;
  if (o.choices.length) return { kind: 'words', words: o.choices };
  if (o.type === 'number') return { kind: 'none' };
  if (o.name === 'remote' || o.name === 'host') return { kind: 'hosts' };
  if (/\bdirectory\b|\bDIR\b/.test(o.desc) && !/\bfile\b/i.test(o.desc)) return { kind: 'dirs' };
  return { kind: 'files' };
}

/** a positional's value: its choices, directories for a path, else file names */
function positionalValue(p: PositionalInfo): ValueKind {
  if (p.choices.length) return { kind: 'words', words: p.choices };
  return /path|dir/.test(p.name) ? { kind: 'dirs' } : { kind: 'files' };
}

/** the spellings offered for an option: its names, and --no-NAME when it is on by default or says so */
function offered(o: OptionInfo): string[] {
  const names = spellings(o);
  if (o.type === 'boolean' && (o.default === true || o.desc.includes(`--no-${o.name}`))) names.push(`--no-${o.name}`);
  return names;
}

/** a word safe inside single quotes in a shell script */
function sq(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** a shell function name's part for a command: scan -> scan, '' -> default */
function fname(c: CommandInfo): string {
  return c.name === '' ? 'default' : c.name.replace(/[^A-Za-z0-9]/g, '_');
}

/** The bash script: `source` it, or put it in /usr/share/bash-completion/completions/diskblame. */
export function bashScript(commands: CommandInfo[]): string {
  const names = commands.filter((c) => c.name).map((c) => c.name);
  const L: string[] = [
    '# bash completion for diskblame                             -*- shell-script -*-',
    '# Written by `diskblame completion bash` from the command line\'s own tables: do not edit.',
    '',
    '_diskblame() {',
    '  local cur=${COMP_WORDS[COMP_CWORD]} prev="" cmd="" i w',
    '  COMPREPLY=()',
    '  ((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD-1]}',
    '  # --opt=value: bash splits it at the = (COMP_WORDBREAKS)',
    '  if [[ $cur == = ]]; then cur=""',
    '  elif [[ $prev == = ]] && ((COMP_CWORD > 1)); then prev=${COMP_WORDS[COMP_CWORD-2]}',
    '  fi',
    '  # the command: the first word that is not an option (the default command when it names none)',
    '  for ((i = 1; i < COMP_CWORD; i++)); do',
    '    w=${COMP_WORDS[i]}',
    '    [[ $w == -* || $w == = ]] && continue',
    `    case $w in ${names.join('|')}) cmd=$w ;; esac`,
    '    break',
    '  done',
    '  local opts="" pos=""',
    '  case $cmd in',
  ];
  const emit = (v: ValueKind): string => {
    switch (v.kind) {
      case 'none':
        return 'return 0';
      case 'hosts':
        return 'COMPREPLY=($(compgen -A hostname -- "$cur")); return 0';
      case 'words':
        return `COMPREPLY=($(compgen -W ${sq(v.words.join(' '))} -- "$cur")); return 0`;
      case 'dirs':
        return 'compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -d -- "$cur")); return 0';
      case 'files':
        return 'compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -f -- "$cur")); return 0';
    }
  };
  const posOf = (c: CommandInfo): string => {
    const p = c.positionals[0];
    if (!p) return 'none';
    const v = positionalValue(p);
    return v.kind === 'words' ? `words:${v.words.join(' ')}` : v.kind;
  };
  for (const c of commands) {
    L.push(`    ${c.name === '' ? "''" : c.name})`);
    L.push(`      opts=${sq(c.options.flatMap(offered).join(' '))}`);
    L.push(`      pos=${sq(posOf(c))}`);
    // the value of the option before the cursor
    const byValue = new Map<string, string[]>();
    for (const o of c.options) {
      const v = optionValue(o);
      if (!v) continue;
      const key = emit(v);
      byValue.set(key, [...(byValue.get(key) ?? []), ...spellings(o)]);
    }
    if (byValue.size) {
      L.push('      case $prev in');
      for (const [action, flags] of byValue) L.push(`        ${flags.join('|')}) ${action} ;;`);
      L.push('      esac');
    }
    L.push('      ;;');
  }
  L.push(
    '  esac',
    '  if [[ $cur == -* ]]; then',
    '    COMPREPLY=($(compgen -W "$opts" -- "$cur"))',
    '    return 0',
    '  fi',
    `  [[ -z $cmd ]] && COMPREPLY=($(compgen -W ${sq(names.join(' '))} -- "$cur"))`,
    '  case $pos in',
    '    words:*) COMPREPLY+=($(compgen -W "${pos#words:}" -- "$cur")) ;;',
    '    dirs) compopt -o filenames 2>/dev/null; COMPREPLY+=($(compgen -d -- "$cur")) ;;',
    '    files) compopt -o filenames 2>/dev/null; COMPREPLY+=($(compgen -f -- "$cur")) ;;',
    '  esac',
    '  return 0',
    '}',
    'complete -F _diskblame diskblame',
    '',
  );
  return L.join('\n');
}

/** text for a zsh _arguments description: its brackets and backslashes quoted */
function zdesc(s: string): string {
  return s.replace(/\s+/g, ' ').replace(/[\\[\]]/g, (m) => `\\${m}`);
}

/** a zsh action for a value */
function zaction(v: ValueKind, what: string): string {
  switch (v.kind) {
    case 'none':
      return `:${what}: `;
    case 'hosts':
      return `:${what}:_hosts`;
    case 'words':
      return `:${what}:(${v.words.map((w) => w.replace(/[\\()\s]/g, (m) => `\\${m}`)).join(' ')})`;
    case 'dirs':
      return `:${what}:_files -/`;
    case 'files':
      return `:${what}:_files`;
  }
}

/** one option's _arguments specs */
function zspecs(o: OptionInfo): string[] {
  const v = optionValue(o);
  const names = spellings(o);
  const repeat = o.type === 'array' || o.type === 'count';
  // (a value in the same word after = or a short option's letter, or in the next word)
  const spelled = names.map((n) => (v ? (n.startsWith('--') ? `${n}=` : `${n}+`) : n));
  const action = v ? zaction(v, o.type === 'array' ? 'value' : o.type) : '';
  const desc = `[${zdesc(o.desc)}]`;
  const specs: string[] = [];
  if (repeat) for (const n of spelled) specs.push(sq(`*${n}${desc}${action}`));
  else if (spelled.length > 1) specs.push(`${sq(`(${names.join(' ')})`)}{${spelled.join(',')}}${sq(`${desc}${action}`)}`);
  else specs.push(sq(`${spelled[0]}${desc}${action}`));
  for (const n of offered(o).filter((x) => !names.includes(x))) specs.push(sq(`${n}[${zdesc(`turn ${names[names.length - 1]} off`)}]`));
  return specs;
}

/** The zsh script: `#compdef diskblame`, for a directory of $fpath as `_diskblame` (or `source` after compinit). */
export function zshScript(commands: CommandInfo[]): string {
  const named = commands.filter((c) => c.name);
  const L: string[] = ['#compdef diskblame', '# zsh completion for diskblame. Written by `diskblame completion zsh` from the command line\'s own tables: do not edit.', ''];
  for (const c of commands) {
    L.push(`_diskblame_cmd_${fname(c)}() {`, '  _arguments -s -S \\');
    for (const o of c.options) for (const s of zspecs(o)) L.push(`    ${s} \\`);
    c.positionals.forEach((p, i) => {
      const spec = `${p.variadic ? '*' : `${i + 1}${p.optional ? ':' : ''}`}${zaction(positionalValue(p), p.name)}`;
      L.push(`    ${sq(spec)} \\`);
    });
    L[L.length - 1] = L[L.length - 1].replace(/ \\$/, '');
    L.push('}', '');
  }
  L.push(
    '_diskblame() {',
    '  local -a cmds',
    `  cmds=(${named.map((c) => sq(`${c.name}:${c.desc.replace(/\s+/g, ' ')}`)).join(' ')})`,
    `  if (( CURRENT > 2 )) && (( \${+functions[_diskblame_cmd_\${words[2]//[^A-Za-z0-9]/_}]} )) && [[ \${words[2]} != default ]]; then`,
    '    local f=_diskblame_cmd_${words[2]//[^A-Za-z0-9]/_}',
    '    shift words',
    '    (( CURRENT-- ))',
    '    $f',
    '    return',
    '  fi',
    '  local ret=1',
    "  if (( CURRENT == 2 )) && [[ $PREFIX != -* ]]; then _describe -t commands 'diskblame command' cmds && ret=0; fi",
    '  _diskblame_cmd_default && ret=0',
    '  return ret',
    '}',
    '',
    'if [[ $zsh_eval_context[-1] == loadautofunc ]]; then',
    '  _diskblame "$@"',
    'else',
    '  compdef _diskblame diskblame',
    'fi',
    '',
  );
  return L.join('\n');
}
