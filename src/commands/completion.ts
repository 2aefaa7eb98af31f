// aoai completion bash|zsh|fish: a completion script generated from the command tree itself
// (subcommands, flags, the values of flags declared with .choices()), so it cannot drift from
// the commands. Response ids come from the local recent-ids list through the hidden
// `aoai __complete-ids`, the only part that runs aoai on TAB.
import { Argument, type Command, type Option } from 'commander';
import { usesGlobalOptions } from '../cli/help.ts';
import type { CommandContext } from '../cli/context.ts';
import { CONFIG_KEY_NAMES } from '../core/config-keys.ts';
import type { Factory } from '../core/factory.ts';

export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];

export function registerCompletion(program: Command, ctx: CommandContext): void {
  const completion = program.command('completion');
  usesGlobalOptions(completion, []);
  completion
    .description('print a shell completion script (bash, zsh or fish)')
    .addArgument(new Argument('<shell>', 'the shell').choices(SHELLS))
    .addHelpText(
      'after',
      `
Load it in the current shell, or install it for every new one:
  source <(aoai completion bash)        # bash: add this line to ~/.bashrc
  source <(aoai completion zsh)         # zsh: add to ~/.zshrc, after compinit
  aoai completion fish > ~/.config/fish/completions/aoai.fish
Response ids complete from the last 50 stored responses aoai created on this machine.`,
    )
    .action(async (shell: Shell, _values: unknown, cmd: Command) => {
      runCompletion({ shell }, ctx.factory(cmd), program);
    });
  program
    .command('__complete-ids', { hidden: true })
    .description('print recent response ids, newest first (used by the completion scripts)')
    .action(async (_values: unknown, cmd: Command) => {
      await runCompleteIds(ctx.factory(cmd));
    });
}

export function runCompletion(options: { shell: Shell }, f: Factory, program: Command): void {
  const tree = completionTree(program);
  const script = options.shell === 'bash' ? bashScript(tree) : options.shell === 'zsh' ? zshScript(tree) : fishScript(tree);
  f.io.out(script);
}

export async function runCompleteIds(f: Factory): Promise<void> {
  const { readRecentIds } = await import('../core/recent-ids.ts');
  const ids = readRecentIds(f.paths.state);
  if (ids.length) f.io.out(`${ids.join('\n')}\n`);
}

/** What a word can be: one of a list, a file name, a response id, or anything (no suggestions). */
export type Values = { kind: 'words'; words: string[] } | { kind: 'files' } | { kind: 'ids' } | { kind: 'none' };

export interface CompletionOption {
  long: string | undefined;
  short: string | undefined;
  description: string;
  /** undefined for a boolean flag. */
  values: Values | undefined;
}

export interface CompletionNode {
  /** "" for aoai itself, "config set" for a nested verb. */
  path: string;
  description: string;
  subcommands: CompletionNode[];
  options: CompletionOption[];
  /** What each positional argument is. */
  args: Values[];
  /** The last argument repeats (aoai delete ID...). */
  variadic: boolean;
}

const NONE: Values = { kind: 'none' };
const IDS: Values = { kind: 'ids' };

function valuesOf(placeholder: string | undefined, choices: readonly string[] | undefined, description: string): Values {
  if (choices?.length) return { kind: 'words', words: [...choices] };
  if (placeholder === 'file' || placeholder === 'dir' || placeholder === 'path') return { kind: 'files' };
  // <id> of a response (resp_…), not of a tenant or an item.
  if ((placeholder === 'id' || placeholder === 'id...') && /response/i.test(description)) return IDS;
  if (placeholder === 'key') return { kind: 'words', words: [...CONFIG_KEY_NAMES] };
  return NONE;
}

function optionOf(option: Option): CompletionOption {
  const placeholder = /[<[]([^>\]]+)[>\]]/.exec(option.flags)?.[1];
  const takesValue = option.required || option.optional;
  return {
    long: option.long,
    short: option.short,
    description: option.description,
    values: takesValue ? valuesOf(placeholder, option.argChoices, option.description) : undefined,
  };
}

const HELP: CompletionOption = { long: '--help', short: '-h', description: 'show help', values: undefined };

/** The visible command tree; every command also accepts the program's (global) options. */
export function completionTree(program: Command): CompletionNode {
  const visible = (options: readonly Option[]) => options.filter((o) => !o.hidden).map(optionOf);
  // --version belongs to aoai itself; subcommands reject it.
  const globals = visible(program.options.filter((o) => o.long !== '--version'));
  const visit = (command: Command, path: string): CompletionNode => {
    const own = command === program ? visible(program.options.filter((o) => o.long === '--version')) : visible(command.options);
    return {
      path,
      description: command.description(),
      subcommands: command.commands
        .filter((sub) => !(sub as unknown as { _hidden: boolean })._hidden)
        .map((sub) => visit(sub, path ? `${path} ${sub.name()}` : sub.name())),
      options: [...own, ...globals, HELP],
      args: command.registeredArguments.map((argument) => valuesOf(argument.name(), argument.argChoices, argument.description)),
      variadic: command.registeredArguments.at(-1)?.variadic ?? false,
    };
  };
  return visit(program, '');
}

function allNodes(node: CompletionNode): CompletionNode[] {
  return [node, ...node.subcommands.flatMap(allNodes)];
}

const namesOf = (option: CompletionOption) => [option.short, option.long].filter((n): n is string => Boolean(n));
const shellWord = (values: Values) => (values.kind === 'words' ? values.words.join(' ') : values.kind === 'files' ? '@files' : values.kind === 'ids' ? '@ids' : '');
const quote = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;
/** fish: inside single quotes only \\ and \' are escapes. */
const fishQuote = (text: string) => `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/**
 * Lookup functions shared by the bash and zsh scripts (the syntax is valid in both): for a
 * command path, its subcommands, its flags, which flags take a value, the values of a flag, and
 * the values of the n-th argument. `@files` and `@ids` stand for file names and response ids.
 */
function lookupFunctions(tree: CompletionNode): string {
  const nodes = allNodes(tree);
  const cases = (body: (node: CompletionNode) => string | undefined) =>
    nodes
      .map((node) => [node, body(node)] as const)
      .filter(([, text]) => text !== undefined && text !== '')
      .map(([node, text]) => `    ${quote(node.path)}) ${text} ;;`)
      .join('\n');
  const valueCases = nodes.flatMap((node) =>
    node.options
      .filter((o) => o.values && o.values.kind !== 'none')
      .map((o) => `    ${namesOf(o).map((n) => quote(`${node.path}|${n}`)).join('|')}) echo ${quote(shellWord(o.values!))} ;;`),
  );
  const argCases = nodes.flatMap((node) =>
    node.args.flatMap((values, index) => (values.kind === 'none' ? [] : [`    ${quote(`${node.path}|${index}`)}) echo ${quote(shellWord(values))} ;;`])),
  );
  // A variadic id list (aoai delete ID...) completes ids at every position.
  const variadicIds = nodes.filter((node) => node.variadic && node.args.at(-1)?.kind === 'ids').map((node) => `    ${quote(`${node.path}|`)}*) echo @ids ;;`);
  return `_aoai_subs() {
  case "$1" in
${cases((node) => (node.subcommands.length ? `echo ${quote(node.subcommands.map((s) => s.path.split(' ').at(-1)).join(' '))}` : undefined))}
  esac
}
_aoai_opts() {
  case "$1" in
${cases((node) => `echo ${quote(node.options.flatMap(namesOf).join(' '))}`)}
  esac
}
_aoai_valued() {
  local valued
  case "$1" in
${cases((node) => {
  const names = node.options.filter((o) => o.values).flatMap(namesOf);
  return names.length ? `valued=${quote(` ${names.join(' ')} `)}` : undefined;
})}
  esac
  [[ "$valued" == *" $2 "* ]]
}
_aoai_values() {
  case "$1|$2" in
${valueCases.join('\n')}
  esac
}
_aoai_args() {
  case "$1|$2" in
${argCases.join('\n')}
${variadicIds.join('\n')}
  esac
}`;
}

/** The loop that finds the command path and what the word under the cursor is, in bash/zsh syntax. */
function scanWords(words: string, first: number, current: string): string {
  return `  local cmdpath="" word i skip=0 npos=0 candidates
  for ((i = ${first}; i < ${current}; i++)); do
    word="\${${words}[i]}"
    if ((skip)); then skip=0; continue; fi
    case "$word" in
      -*=*) ;;
      -*) _aoai_valued "$cmdpath" "$word" && skip=1 ;;
      *) if [[ " $(_aoai_subs "$cmdpath") " == *" $word "* ]] && ((npos == 0)); then cmdpath="\${cmdpath:+$cmdpath }$word"; else npos=$((npos + 1)); fi ;;
    esac
  done
  if ((skip)); then candidates="$(_aoai_values "$cmdpath" "\${${words}[${current}-1]}")"
  elif [[ "$cur" == -* ]]; then candidates="$(_aoai_opts "$cmdpath")"
  elif ((npos == 0)) && [[ -n "$(_aoai_subs "$cmdpath")" ]]; then candidates="$(_aoai_subs "$cmdpath")"
  else candidates="$(_aoai_args "$cmdpath" "$npos")"; fi`;
}

export function bashScript(tree: CompletionNode): string {
  return `# bash completion for aoai, generated by \`aoai completion bash\` from its command tree.
# Load it now:   source <(aoai completion bash)
# Or for good:   aoai completion bash > ~/.local/share/bash-completion/completions/aoai
${lookupFunctions(tree)}
_aoai() {
  local cur="\${COMP_WORDS[COMP_CWORD]}"
${scanWords('COMP_WORDS', 1, 'COMP_CWORD')}
  case "$candidates" in
    @files) compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -f -- "$cur")) ;;
    @ids) COMPREPLY=($(compgen -W "$("\${COMP_WORDS[0]}" __complete-ids 2>/dev/null)" -- "$cur")) ;;
    *) COMPREPLY=($(compgen -W "$candidates" -- "$cur")) ;;
  esac
}
complete -F _aoai aoai
`;
}

export function zshScript(tree: CompletionNode): string {
  return `#compdef aoai
# zsh completion for aoai, generated by \`aoai completion zsh\` from its command tree.
# Load it now (after compinit):  source <(aoai completion zsh)
# Or for good:                   aoai completion zsh > "\${fpath[1]}/_aoai"
${lookupFunctions(tree)}
_aoai() {
  local cur="\${words[CURRENT]}"
${scanWords('words', 2, 'CURRENT')}
  case "$candidates" in
    @files) _files ;;
    @ids) compadd -- \${(f)"$("\${words[1]}" __complete-ids 2>/dev/null)"} ;;
    *) compadd -- \${=candidates} ;;
  esac
}
if [[ "\${funcstack[1]}" == "_aoai" ]]; then
  _aoai "$@"
else
  compdef _aoai aoai
fi
`;
}

export function fishScript(tree: CompletionNode): string {
  const nodes = allNodes(tree);
  const lines: string[] = [
    '# fish completion for aoai, generated by `aoai completion fish` from its command tree.',
    '# Install: aoai completion fish > ~/.config/fish/completions/aoai.fish',
    'function __aoai_subs',
    '    switch "$argv[1]"',
    ...nodes.filter((n) => n.subcommands.length).map((n) => `        case ${fishQuote(n.path)}\n            printf '%s\\n' ${n.subcommands.map((s) => fishQuote(s.path.split(' ').at(-1)!)).join(' ')}`),
    '    end',
    'end',
    'function __aoai_valued',
    '    switch "$argv[1]"',
    ...nodes.map((n) => `        case ${fishQuote(n.path)}\n            printf '%s\\n' ${n.options.filter((o) => o.values).flatMap(namesOf).map(quote).join(' ')}`),
    '    end',
    'end',
    '# The command path so far ("config set"), skipping flag values.',
    'function __aoai_path',
    '    set -l cmdpath',
    '    set -l skip 0',
    '    set -l npos 0',
    '    for word in (commandline -opc)[2..-1]',
    '        if test $skip = 1',
    '            set skip 0',
    '            continue',
    '        end',
    '        switch $word',
    "            case '-*=*'",
    "            case '-*'",
    '                if contains -- $word (__aoai_valued "$cmdpath")',
    '                    set skip 1',
    '                end',
    "            case '*'",
    '                if test $npos = 0; and contains -- $word (__aoai_subs "$cmdpath")',
    '                    set cmdpath (string trim -- "$cmdpath $word")',
    '                else',
    '                    set npos (math $npos + 1)',
    '                end',
    '        end',
    '    end',
    '    echo $cmdpath',
    'end',
    'function __aoai_at',
    '    set -l here (__aoai_path)',
    '    test "$here" = "$argv[1]"',
    'end',
    'complete -c aoai -f',
  ];
  const valueArgs = (values: Values | undefined): string => {
    if (!values) return '';
    if (values.kind === 'words') return ` -x -a ${fishQuote(values.words.join(' '))}`;
    if (values.kind === 'files') return ' -r -F';
    if (values.kind === 'ids') return " -x -a '(aoai __complete-ids)'";
    return ' -x';
  };
  for (const node of nodes) {
    const at = `-n "__aoai_at '${node.path}'"`;
    for (const sub of node.subcommands) lines.push(`complete -c aoai ${at} -a ${fishQuote(sub.path.split(' ').at(-1)!)} -d ${fishQuote(sub.description)}`);
    for (const option of node.options) {
      const names = `${option.short ? ` -s ${option.short.slice(1)}` : ''}${option.long ? ` -l ${option.long.slice(2)}` : ''}`;
      lines.push(`complete -c aoai ${at}${names}${valueArgs(option.values)} -d ${fishQuote(option.description)}`);
    }
    const first = node.args[0];
    if (first?.kind === 'ids') lines.push(`complete -c aoai ${at} -a '(aoai __complete-ids)'`);
    else if (first?.kind === 'words') lines.push(`complete -c aoai ${at} -a ${fishQuote(first.words.join(' '))}`);
  }
  return `${lines.join('\n')}\n`;
}
