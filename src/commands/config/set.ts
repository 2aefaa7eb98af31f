// aoai config set KEY [VALUE]: secrets are read from stdin or a hidden prompt, never from argv,
// where they would land in shell history and `ps` output.
import type { Command } from 'commander';
import type { CommandContext } from '../../cli/context.ts';
import { CONFIG_KEY_NAMES, configKeySpec, type ConfigKeySpec } from '../../core/config-keys.ts';
import { UsageError } from '../../core/errors.ts';
import type { Factory } from '../../core/factory.ts';
import { INPUT_LIMITS, readStreamText } from '../../core/local-input.ts';
import { isSecretHeader } from '../../core/redact.ts';

export interface ConfigSetOptions {
  key: string;
  value: string | undefined;
}

export function registerConfigSet(config: Command, ctx: CommandContext): void {
  config
    .command('set')
    .description('set a key in the profile (api-key: from stdin or a hidden prompt)')
    .argument('<key>', `one of: ${CONFIG_KEY_NAMES.join(', ')}, or header.NAME (a gateway header)`)
    .argument('[value]', 'the value (omit for api-key)')
    .action(async (key: string, value: string | undefined, _values: unknown, cmd: Command) => {
      await runConfigSet({ key, value }, ctx.factory(cmd));
    });
}

/** A fixed key, or `header.NAME` (its spec says whether the value is secret). */
export function requireConfigKey(key: string): { key: string; spec: ConfigKeySpec } {
  const spec = configKeySpec(key, isSecretHeader);
  if (!spec) throw new UsageError(`unknown config key '${key}'`, `keys: ${CONFIG_KEY_NAMES.join(', ')}, header.NAME`);
  // Header names are case-insensitive: store one spelling so set/unset always meet.
  return { key: key.toLowerCase().startsWith('header.') ? `header.${key.slice('header.'.length).toLowerCase()}` : key, spec };
}

/** `$VAR` references keep the secret in the environment, so they may be given on the command line. */
const ENV_REFERENCE = /\$(\{[A-Za-z_][A-Za-z0-9_]*\}|[A-Za-z_][A-Za-z0-9_]*)/;

export async function runConfigSet(options: ConfigSetOptions, f: Factory): Promise<void> {
  const { key, spec } = requireConfigKey(options.key);
  let value = options.value;
  const referencesOnly = key.startsWith('header.') && value !== undefined && ENV_REFERENCE.test(value);
  if (spec.secret && !referencesOnly) {
    if (value !== undefined) {
      throw new UsageError(
        `refusing to take ${key} on the command line (it would stay in your shell history)`,
        `pipe it: printf '%s' "$KEY" | aoai config set ${key}   (or run it on a terminal for a hidden prompt${key.startsWith('header.') ? ", or store a reference: aoai config set " + key + " '$VAR'" : ''})`,
      );
    }
    value = await readSecret(f, key);
  }
  if (value === undefined || value === '') throw new UsageError(`config set ${key}: a value is required`);
  const stored = spec.validate ? spec.validate(value) : value;
  const store = f.configStore();
  await store.update((data) => {
    const profile: Record<string, string | undefined> = (data.profiles[f.profileName] ??= {});
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
    const { default: password } = await import('@inquirer/password');
    return (await password({ message: `${key}:`, mask: true }, { input: f.io.stdin, output: f.io.stderr })).trim();
  }
  const text = (await readStreamText(f.io.stdin, `config set ${key}: stdin`, INPUT_LIMITS.secret)).trim();
  if (!text) throw new UsageError(`config set ${key}: standard input was empty`);
  return text;
}
