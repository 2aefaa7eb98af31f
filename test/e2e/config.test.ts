import { existsSync, readFileSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CANARY_API_KEY } from '../helpers/canaries.ts';
import { BIN, runAoai, sandbox, unusedPort, type Sandbox } from '../helpers/cli.ts';
import { useEmulator } from '../helpers/emulator.ts';
import { answerPrompt, runOnPty } from '../helpers/pty.ts';

const ctx = useEmulator();
let box: Sandbox;
beforeEach(() => {
  box = sandbox();
});
afterEach(() => box.cleanup());
const run = (args: string[], extra: Parameters<typeof runAoai>[1] = {}) => runAoai(args, { env: box.env, ...extra });
const configPath = () => join(box.home, '.config', 'aoai', 'config.json');

describe('aoai config', () => {
  it('set/get/unset/path with a 0600 file', async () => {
    expect((await run(['config', 'path'])).stdout).toBe(`${configPath()}\n`);
    expect((await run(['config', 'set', 'endpoint', 'https://myres.openai.azure.com/openai/v1/'])).code).toBe(0);
    expect((await run(['config', 'get', 'endpoint'])).stdout).toBe('https://myres.openai.azure.com\n');
    expect(statSync(configPath()).mode & 0o777).toBe(0o600);
    expect((await run(['config', 'unset', 'endpoint'])).code).toBe(0);
    const missing = await run(['config', 'get', 'endpoint']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/endpoint is not set in profile 'default'/);
  });

  it('refuses an API key on argv, takes it from stdin, and masks it everywhere', async () => {
    const argv = await run(['config', 'set', 'api-key', 'abc123secretvalue']);
    expect(argv.code).toBe(2);
    expect(argv.stderr).toMatch(/refusing to take api-key on the command line/);
    expect((await run(['config', 'set', 'api-key'], { input: `${CANARY_API_KEY}\n` })).code).toBe(0);
    const list = await run(['config', 'list']);
    expect(list.stdout).toBe(`default\tapi-key\t****${CANARY_API_KEY.slice(-4)}\n`);
    const json = await run(['config', 'list', '--json']);
    expect(JSON.parse(json.stdout)).toEqual({ profiles: { default: { 'api-key': `****${CANARY_API_KEY.slice(-4)}` } } });
    expect((await run(['config', 'get', 'api-key'])).stdout).toBe(`****${CANARY_API_KEY.slice(-4)}\n`);
    expect(readFileSync(configPath(), 'utf8')).toContain(CANARY_API_KEY);
  });

  it('on a terminal, asks for the API key with a masked prompt (@inquirer/password)', async () => {
    const output = await answerPrompt(`'${BIN}' config set api-key`, { ...box.env, NO_COLOR: '1' }, 'api-key:', [CANARY_API_KEY, '\r']);
    expect(output).toContain(`api-key: ${'*'.repeat(CANARY_API_KEY.length)}`);
    expect(output).not.toContain(CANARY_API_KEY);
    expect(readFileSync(configPath(), 'utf8')).toContain(CANARY_API_KEY);
  });

  it('a terminal on stdin but not on stderr: no prompt (nowhere to show it), a usage error, nothing stored', async () => {
    const result = await runOnPty(['config', 'set', 'api-key'], { env: box.env, stderr: 'discard' });
    expect(result).toEqual({ code: 2, output: '' });
    expect(existsSync(configPath())).toBe(false);
  });

  it('a profile alone is enough to make requests', async () => {
    await run(['config', 'set', 'endpoint', ctx.emulator.url]);
    await run(['config', 'set', 'api-key'], { input: CANARY_API_KEY });
    await run(['config', 'set', 'deployment', 'gpt-from-profile']);
    const result = await run(['create', 'hi']);
    expect(result).toMatchObject({ code: 0, stdout: 'Echo: hi\n' });
    expect((ctx.emulator.requests.at(-1)!.body as { model: string }).model).toBe('gpt-from-profile');
  });

  it('precedence: flag > environment > profile', async () => {
    const dead = `http://127.0.0.1:${await unusedPort()}`;
    await run(['config', 'set', 'endpoint', dead]);
    await run(['config', 'set', 'deployment', 'profile-dep']);
    const env = { ...box.env, AZURE_OPENAI_API_KEY: CANARY_API_KEY };
    // profile endpoint (nothing listens there) loses to the environment
    const viaEnv = await runAoai(['create', 'hi'], { env: { ...env, AZURE_OPENAI_ENDPOINT: ctx.emulator.url, AZURE_OPENAI_DEPLOYMENT: 'env-dep' } });
    expect(viaEnv.code).toBe(0);
    expect((ctx.emulator.requests.at(-1)!.body as { model: string }).model).toBe('env-dep');
    // the flag beats a broken environment value
    const viaFlag = await runAoai(['create', '--endpoint', ctx.emulator.url, '-m', 'flag-dep', 'hi'], { env: { ...env, AZURE_OPENAI_ENDPOINT: dead } });
    expect(viaFlag.code).toBe(0);
    expect((ctx.emulator.requests.at(-1)!.body as { model: string }).model).toBe('flag-dep');
    // with nothing else, the profile's unreachable endpoint is used and named in the error
    const viaProfile = await runAoai(['create', '--max-retries', '0', 'hi'], { env });
    expect(viaProfile.code).toBe(1);
    expect(viaProfile.stderr).toContain(`cannot reach ${dead}: connection refused`);
  });

  it('named profiles via --profile and AOAI_PROFILE', async () => {
    await run(['config', 'set', 'deployment', 'work-dep', '--profile', 'work']);
    expect((await run(['config', 'get', 'deployment', '--profile', 'work'])).stdout).toBe('work-dep\n');
    expect((await run(['config', 'get', 'deployment'], { env: { ...box.env, AOAI_PROFILE: 'work' } })).stdout).toBe('work-dep\n');
    expect((await run(['config', 'get', 'deployment'])).code).toBe(1);
  });

  it('validates keys and values', async () => {
    expect((await run(['config', 'set', 'colour', 'blue'])).stderr).toMatch(/unknown config key 'colour'/);
    expect((await run(['config', 'set', 'auth', 'magic'])).code).toBe(2);
    expect((await run(['config', 'set', 'endpoint', 'nope'])).code).toBe(2);
    expect((await run(['config', 'set', 'api-version', '2025-04-01-preview'])).code).toBe(0);
  });

  it('a corrupt config file: exit 3, the file named, never overwritten', async () => {
    mkdirSync(join(box.home, '.config', 'aoai'), { recursive: true });
    writeFileSync(configPath(), '{ not json');
    const result = await run(['config', 'set', 'deployment', 'x']);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain(configPath());
    expect(readFileSync(configPath(), 'utf8')).toBe('{ not json');
    const create = await runAoai(['create', '-m', 'x', 'hi'], { env: { ...box.env, AZURE_OPENAI_ENDPOINT: ctx.emulator.url, AZURE_OPENAI_API_KEY: CANARY_API_KEY } });
    expect(create.code).toBe(3);
  });
});
