// aoai config list: every profile's keys, secrets masked. --json for scripts.
import type { Command } from 'commander';
import type { CommandContext } from '../../cli/context.ts';
import { CONFIG_KEYS, isConfigKey } from '../../core/config-keys.ts';
import type { Factory } from '../../core/factory.ts';
import { maskSecret } from '../../core/redact.ts';

export function registerConfigList(config: Command, ctx: CommandContext): void {
  config
    .command('list')
    .description('list profiles and their keys (secrets masked)')
    .option('--json', 'print as JSON')
    .action(async (values: { json?: boolean }, cmd: Command) => {
      await runConfigList({ json: Boolean(values.json), onlyProfile: cmd.optsWithGlobals().profile as string | undefined }, ctx.factory(cmd));
    });
}

export async function runConfigList(options: { json: boolean; onlyProfile: string | undefined }, f: Factory): Promise<void> {
  const { profiles } = f.configStore().read();
  const masked: Record<string, Record<string, string>> = {};
  for (const [name, values] of Object.entries(profiles)) {
    if (options.onlyProfile && name !== options.onlyProfile) continue;
    masked[name] = {};
    for (const [key, value] of Object.entries(values)) {
      if (value === undefined) continue;
      const secret = isConfigKey(key) && (CONFIG_KEYS[key] as { secret?: boolean }).secret;
      masked[name][key] = secret ? maskSecret(value) : value;
    }
  }
  if (options.json) {
    f.io.out(`${JSON.stringify({ profiles: masked }, null, f.io.stdoutIsTTY ? 2 : undefined)}\n`);
    return;
  }
  const names = Object.keys(masked);
  if (names.length === 0 && f.io.stderrIsTTY) f.io.err(`no settings yet; try: aoai config set endpoint https://RESOURCE.openai.azure.com\n`);
  for (const name of names) {
    for (const [key, value] of Object.entries(masked[name] ?? {})) f.io.out(`${name}\t${key}\t${value}\n`);
  }
}
