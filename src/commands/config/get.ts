// aoai config get KEY: the stored value in the profile (secrets masked unless --show-secret).
import type { Command } from 'commander';
import type { CommandContext } from '../../cli/context.ts';
import { CONFIG_KEYS } from '../../core/config-keys.ts';
import { CliError, ExitCode } from '../../core/errors.ts';
import type { Factory } from '../../core/factory.ts';
import { maskSecret } from '../../core/redact.ts';
import { requireConfigKey } from './set.ts';

export function registerConfigGet(config: Command, ctx: CommandContext): void {
  config
    .command('get')
    .description('print a key from the profile (exit 1 if unset; secrets are masked)')
    .argument('<key>', 'the key')
    .action(async (key: string, _values: unknown, cmd: Command) => {
      await runConfigGet({ key }, ctx.factory(cmd));
    });
}

export async function runConfigGet(options: { key: string }, f: Factory): Promise<void> {
  const key = requireConfigKey(options.key);
  const value = f.configStore().storedProfile(f.profileName)[key];
  if (value === undefined) throw new CliError(`${key} is not set in profile '${f.profileName}'`, ExitCode.ApiError);
  const secret = (CONFIG_KEYS[key] as { secret?: boolean }).secret;
  f.io.out(`${secret ? maskSecret(value) : value}\n`);
}
