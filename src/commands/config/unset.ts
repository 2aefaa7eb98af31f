// aoai config unset KEY: remove a key from the profile (no error if it was not set).
import type { Command } from 'commander';
import type { CommandContext } from '../../cli/context.ts';
import type { Factory } from '../../core/factory.ts';
import { requireConfigKey } from './set.ts';

export function registerConfigUnset(config: Command, ctx: CommandContext): void {
  config
    .command('unset')
    .description('remove a key from the profile')
    .argument('<key>', 'the key')
    .action(async (key: string, _values: unknown, cmd: Command) => {
      await runConfigUnset({ key }, ctx.factory(cmd));
    });
}

export async function runConfigUnset(options: { key: string }, f: Factory): Promise<void> {
  const key = requireConfigKey(options.key);
  const store = f.configStore();
  if (store.storedProfile(f.profileName)[key] === undefined) return;
  await store.update((data) => {
    const profile = data.profiles[f.profileName];
    if (!profile) return;
    delete profile[key];
    if (Object.keys(profile).length === 0) delete data.profiles[f.profileName];
  });
  if (f.io.stderrIsTTY) f.io.err(`✓ Removed ${key} from profile '${f.profileName}'\n`);
}
