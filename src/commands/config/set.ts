// aoai config set KEY [VALUE]: secrets are read from stdin or a hidden prompt, never from argv,
// where they would land in shell history and `ps` output.
import type { Command } from 'commander';
import type { CommandContext } from '../../cli/context.ts';
import { CONFIG_KEYS, CONFIG_KEY_NAMES, isConfigKey, type ConfigKey } from '../../core/config-keys.ts';
import { UsageError } from '../../core/errors.ts';
import type { Factory } from '../../core/factory.ts';
import { INPUT_LIMITS, readStreamText } from '../../core/local-input.ts';

export interface ConfigSetOptions {
  key: string;
  value: string | undefined;
}

export function registerConfigSet(config: Command, ctx: CommandContext): void {
  config
    .command('set')
    .description('set a key in the profile (api-key: from stdin or a hidden prompt)')
    .argument('<key>', `one of: ${CONFIG_KEY_NAMES.join(', ')}`)
    .argument('[value]', 'the value (omit for api-key)')
    .action(async (key: string, value: string | undefined, _values: unknown, cmd: Command) => {
      await runConfigSet({ key, value }, ctx.factory(cmd));
    });
}

export function requireConfigKey(key: string): ConfigKey {
  if (!isConfigKey(key)) throw new UsageError(`unknown config key '${key}'`, `keys: ${CONFIG_KEY_NAMES.join(', ')}`);
  return key;
}

export async function runConfigSet(options: ConfigSetOptions, f: Factory): Promise<void> {
  const key = requireConfigKey(options.key);
  const spec = CONFIG_KEYS[key] as { secret?: boolean; validate?: (value: string) => string };
  let value = options.value;
  if (spec.secret) {
    if (value !== undefined) {
      throw new UsageError(
        `refusing to take ${key} on the command line (it would stay in your shell history)`,
        `pipe it: printf '%s' "$KEY" | aoai config set ${key}   (or run it on a terminal for a hidden prompt)`,
      );
    }
    value = await readSecret(f, key);
  }
  if (value === undefined || value === '') throw new UsageError(`config set ${key}: a value is required`);
  const stored = spec.validate ? spec.validate(value) : value;
  const store = f.configStore();
  await store.update((data) => {
    const profile = (data.profiles[f.profileName] ??= {});
    profile[key] = stored;
    // endpoint and resource say the same thing; keeping both would make one silently win.
    if (key === 'endpoint') delete profile.resource;
    if (key === 'resource') delete profile.endpoint;
  });
  if (f.io.stderrIsTTY) f.io.err(`✓ Set ${key} in profile '${f.profileName}' (${store.path})\n`);
}

async function readSecret(f: Factory, key: string): Promise<string> {
  if (f.io.stdinIsTTY) {
    if (!f.io.canPrompt()) throw new UsageError(`config set ${key}: pipe the value on stdin`);
    const { password } = await import('@inquirer/prompts');
    return (await password({ message: `${key}:`, mask: true }, { input: f.io.stdin, output: f.io.stderr })).trim();
  }
  const text = (await readStreamText(f.io.stdin, `config set ${key}: stdin`, INPUT_LIMITS.secret)).trim();
  if (!text) throw new UsageError(`config set ${key}: standard input was empty`);
  return text;
}
