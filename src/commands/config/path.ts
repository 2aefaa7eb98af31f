// aoai config path: where the config file lives (it may not exist yet).
import type { Command } from 'commander';
import type { CommandContext } from '../../cli/context.ts';
import type { Factory } from '../../core/factory.ts';

export function registerConfigPath(config: Command, ctx: CommandContext): void {
  config
    .command('path')
    .description('print the config file path')
    .action(async (_values: unknown, cmd: Command) => {
      await runConfigPath(ctx.factory(cmd));
    });
}

export async function runConfigPath(f: Factory): Promise<void> {
  f.io.out(`${f.configStore().path}\n`);
}
