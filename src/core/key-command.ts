// api-key-command: the key is fetched by a command (a keychain, `pass`, `az keyvault secret show
// … -o tsv`) each run, so no key needs to sit in a file. The command's first line of output is
// the key; it is registered as a secret at once.
import { spawnSync } from 'node:child_process';
import { ConfigError, oneLine } from './errors.ts';
import { registerSecret } from './redact.ts';
import { describeSource, type Valued } from './settings.ts';

const KEY_COMMAND_TIMEOUT_MS = 60_000;
const MAX_OUTPUT_BYTES = 64 * 1024;

export function runKeyCommand(command: Valued<string>, env: NodeJS.ProcessEnv): string {
  const from = describeSource(command.source);
  // stdin is not passed on: it may carry the prompt for aoai. Password prompts (gpg's pinentry,
  // a keychain dialog) use the terminal directly.
  const result = spawnSync(command.value, {
    shell: true,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: KEY_COMMAND_TIMEOUT_MS,
    maxBuffer: MAX_OUTPUT_BYTES,
    encoding: 'utf8',
  });
  const hint = `check the command (from ${from}); it must print the key on standard output`;
  if (result.error) {
    const code = (result.error as NodeJS.ErrnoException).code;
    if (code === 'ETIMEDOUT') throw new ConfigError(`api-key-command did not finish within ${KEY_COMMAND_TIMEOUT_MS / 1000} s`, hint);
    if (code === 'ENOBUFS') throw new ConfigError(`api-key-command printed more than ${MAX_OUTPUT_BYTES / 1024} KB`, hint);
    throw new ConfigError(`api-key-command could not run: ${code ?? oneLine(result.error.message)}`, hint);
  }
  const key = (result.stdout ?? '').split(/\r?\n/).find((line) => line.trim() !== '')?.trim() ?? '';
  registerSecret(key);
  if (result.status !== 0) {
    const said = oneLine(result.stderr ?? '').slice(0, 200);
    const how = result.signal ? `was killed by ${result.signal}` : `exited with status ${result.status}`;
    throw new ConfigError(`api-key-command ${how}${said ? `: ${said}` : ''}`, hint);
  }
  if (!key) throw new ConfigError('api-key-command printed no key', hint);
  if (/\s/.test(key)) throw new ConfigError('api-key-command printed more than one word on its first line; expected the key alone', hint);
  return key;
}
