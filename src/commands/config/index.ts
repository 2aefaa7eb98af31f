// aoai config: profiles in the config file. This file only registers the verbs.
import type { Command } from 'commander';
import { usesGlobalOptions } from '../../cli/help.ts';
import type { CommandContext } from '../../cli/context.ts';
import { CONFIG_KEYS, CONFIG_KEY_NAMES } from '../../core/config-keys.ts';
import { registerConfigSet } from './set.ts';
import { registerConfigGet } from './get.ts';
import { registerConfigUnset } from './unset.ts';
import { registerConfigList } from './list.ts';
import { registerConfigPath } from './path.ts';

export function registerConfig(program: Command, ctx: CommandContext): void {
  const keys = CONFIG_KEY_NAMES.map((key) => `  ${key.padEnd(17)} ${CONFIG_KEYS[key].description}`).join('\n');
  const headerKey = `  ${'header.NAME'.padEnd(17)} gateway header sent with every request (secret-looking names are masked)`;
  const config = program
    .command('config')
    .description('read and write settings profiles (--profile NAME; default "default")')
    .addHelpText('after', `\nKeys:\n${keys}\n${headerKey}\n\nExamples:\n  aoai config set endpoint https://myres.openai.azure.com\n  aoai config set deployment gpt-4.1 --profile work\n  printf '%s' "$KEY" | aoai config set api-key\n  printf '%s' "$APIM_KEY" | aoai config set header.Ocp-Apim-Subscription-Key\n  aoai config list`);
  usesGlobalOptions(config, ['--profile']);
  registerConfigSet(config, ctx);
  registerConfigGet(config, ctx);
  registerConfigUnset(config, ctx);
  registerConfigList(config, ctx);
  registerConfigPath(config, ctx);
}
