// aoai completion bash|zsh|fish: a completion script generated from the command tree itself
// (subcommands, flags, the values of flags declared with .choices()), so it cannot drift from
// the commands. Response ids come from the local log (aoai log) through the hidden
// `aoai __complete-ids`, the only part that runs aoai on TAB.
import { Argument, type Command } from 'commander';
import type { Shell } from '../cli/completion-script.ts';
import { usesGlobalOptions } from '../cli/help.ts';
import type { CommandContext } from '../cli/context.ts';
import type { Factory } from '../core/factory.ts';
import { isId } from '../core/ids.ts';

/** Response ids offered on TAB: the newest stored ones. */
export const MAX_COMPLETED_IDS = 50;

export const SHELLS = ['bash', 'zsh', 'fish'] as const satisfies readonly Shell[];

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
Response ids complete from the last 50 stored responses in the local log (aoai log).`,
    )
    .action(async (shell: Shell, _values: unknown, cmd: Command) => {
      await runCompletion({ shell }, ctx.factory(cmd), program);
    });
  program
    .command('__complete-ids', { hidden: true })
    .description('print recent response ids, newest first (used by the completion scripts)')
    .action(async (_values: unknown, cmd: Command) => {
      await runCompleteIds(ctx.factory(cmd));
    });
}

export async function runCompletion(options: { shell: Shell }, f: Factory, program: Command): Promise<void> {
  const { completionScript } = await import('../cli/completion-script.ts');
  f.io.out(completionScript(options.shell, program));
}

export async function runCompleteIds(f: Factory): Promise<void> {
  const { logFiles, recordsNewestFirst } = await import('../log/file.ts');
  const ids = new Set<string>();
  // Only ids a shell may see: the log is local, but a record is still text from a file.
  for (const record of recordsNewestFirst(logFiles(f.paths.state))) {
    if (record.stored && isId('response', record.id)) ids.add(record.id);
    if (ids.size >= MAX_COMPLETED_IDS) break;
  }
  if (ids.size) f.io.out(`${[...ids].join('\n')}\n`);
}
