// Help that behaves like gh's: `aoai help create` and `aoai files help upload` both work, a bare
// `aoai` (or `aoai files`) prints its help on stdout and exits 0, and a command's help lists only
// the global options that mean something to it.
import { Help, type Command, type Option } from 'commander';
import { UsageError } from '../core/errors.ts';

/** Global options a command declared it uses (by long flag); commands not listed use them all. */
const globalOptionsUsed = new WeakMap<Command, readonly string[]>();

/** Declare which of the program's options apply to `command` and its subcommands (for --help). */
export function usesGlobalOptions(command: Command, longFlags: readonly string[]): void {
  globalOptionsUsed.set(command, longFlags);
}

/** The global options `command`'s help should list: the ones it (or its nearest ancestor) declared. */
export function visibleGlobalOptions(command: Command, options: Option[]): Option[] {
  // -V/--version is the program's own flag; under a subcommand it is an unknown option.
  const withoutVersion = options.filter((option) => option.long !== '--version');
  for (let current: Command | null = command; current; current = current.parent) {
    const used = globalOptionsUsed.get(current);
    if (used) return withoutVersion.filter((option) => option.long !== undefined && used.includes(option.long));
  }
  return withoutVersion;
}

/** Help settings shared by the program and every subcommand. */
export function helpSettings(width: number): Partial<Help> {
  return {
    showGlobalOptions: true,
    sortSubcommands: false,
    helpWidth: width,
    visibleGlobalOptions(this: Help, command: Command): Option[] {
      return visibleGlobalOptions(command, Help.prototype.visibleGlobalOptions.call(this, command));
    },
  };
}

/**
 * A noun run without a verb (`aoai`, `aoai files`) shows its help on stdout and exits 0, as gh
 * does, instead of commander's default of stderr and exit 1: nothing went wrong, help was the answer.
 */
export function helpOnStdoutWhenBare(command: Command): void {
  const show = command.help.bind(command);
  command.help = ((context?: { error?: boolean }) => show({ ...context, error: false })) as Command['help'];
}

/** `aoai help [COMMAND...]`: the help of any command, e.g. `aoai help files upload`. */
export function addHelpCommand(program: Command): void {
  const help = program.command('help');
  usesGlobalOptions(help, []);
  help
    .description('show help for a command, e.g. aoai help files upload')
    .argument('[command...]', 'the command')
    .action((names: string[]) => {
      let target = program;
      for (const name of names) {
        const next = target.commands.find((candidate) => candidate.name() === name || candidate.aliases().includes(name));
        if (!next || next.name() === 'help') throw new UsageError(`unknown command '${[...names.slice(0, names.indexOf(name)), name].join(' ')}'`, "run 'aoai help' for the list of commands");
        target = next;
      }
      target.outputHelp();
    });
}
