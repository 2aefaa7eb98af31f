// Sovereign clouds and the Entra token cache: the scope follows the endpoint's cloud (checked
// with a fake `az` that records the --resource it is asked for), each scope has its own cache
// entry, and signing in as someone else never reuses the previous identity's token.
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CANARY_ENTRA_TOKEN } from '../helpers/canaries.ts';
import { runAoai, sandbox } from '../helpers/cli.ts';
import { useEmulator } from '../helpers/emulator.ts';
import { fakeAz } from '../helpers/fake-az.ts';
import { runInNetns } from '../helpers/netns.ts';

// Several sign-ins per test, one after another: longer timeouts than the default 30 s below.
const ctx = useEmulator();

function resourcesAskedFor(argv: string[][]): string[] {
  return argv.map((args) => args[args.indexOf('--resource') + 1] ?? '');
}

describe('the token scope follows the endpoint (private network namespace)', { timeout: 120_000 }, () => {
  it('public, US Government and China endpoints each get their own scope and cache entry; token-scope overrides', () => {
    const az = fakeAz({ token: CANARY_ENTRA_TOKEN });
    const box = sandbox({ PATH: `${az.dir}:${process.env.PATH}` });
    const create = (endpoint: string, env: Record<string, string> = {}) => ({ args: ['create', '-m', 'gpt-4.1', '--max-retries', '0', '--endpoint', endpoint, 'hi'], env });
    const { results } = runInNetns({
      baseEnv: box.env,
      runs: [
        create('https://pub.openai.azure.com'),
        create('https://pub.cognitiveservices.azure.com'),
        create('https://gov.openai.azure.us'),
        create('https://cn.openai.azure.cn'),
        create('https://gateway.contoso.example', { AOAI_TOKEN_SCOPE: 'api://contoso-gateway/.default' }),
      ],
    });
    // Every run signs in, then fails to resolve the host (no network in the namespace).
    for (const result of results) expect(result.stderr).toMatch(/^aoai: cannot reach https:\/\/\S+: (host not found|DNS lookup failed)/);
    expect(resourcesAskedFor(az.argv())).toEqual([
      'https://cognitiveservices.azure.com',
      'https://cognitiveservices.azure.us',
      'https://cognitiveservices.azure.cn',
      'api://contoso-gateway',
    ]);
    expect(readdirSync(join(box.home, '.cache', 'aoai', 'tokens'))).toHaveLength(4);
    box.cleanup();
  });
});

describe('identity changes invalidate cached tokens', { timeout: 120_000 }, () => {
  function azureProfile(dir: string, user: string) {
    mkdirSync(dir, { recursive: true });
    const profile = { subscriptions: [{ id: 'sub-1', tenantId: 'tenant-1', isDefault: true, user: { name: user, type: 'user' } }] };
    writeFileSync(join(dir, 'azureProfile.json'), `\uFEFF${JSON.stringify(profile)}`);
  }

  it('after az login as another user, the previous token is not used', async () => {
    const az = fakeAz({ token: CANARY_ENTRA_TOKEN });
    const box = sandbox({ AZURE_OPENAI_ENDPOINT: ctx.emulator.url, PATH: `${az.dir}:${process.env.PATH}` });
    const azureDir = join(box.home, 'azure-cli');
    box.env.AZURE_CONFIG_DIR = azureDir;
    azureProfile(azureDir, 'alice@contoso.com');
    expect((await runAoai(['create', '-m', 'gpt-4.1', 'hi'], { env: box.env })).code).toBe(0);
    expect((await runAoai(['create', '-m', 'gpt-4.1', 'hi'], { env: box.env })).code).toBe(0);
    expect(az.calls()).toBe(1); // the second run used the cache
    azureProfile(azureDir, 'bob@contoso.com');
    expect((await runAoai(['create', '-m', 'gpt-4.1', 'hi'], { env: box.env })).code).toBe(0);
    expect(az.calls()).toBe(2);
    // A different managed identity / service principal (AZURE_CLIENT_ID) is a different identity too.
    expect((await runAoai(['create', '-m', 'gpt-4.1', 'hi'], { env: { ...box.env, AZURE_CLIENT_ID: 'other-client' } })).code).toBe(0);
    expect(az.calls()).toBe(3);
    box.cleanup();
  });
});

describe('Entra failures are one clear line', { timeout: 120_000 }, () => {
  it('the developer chain names each credential and its reason; --debug shows the full text', async () => {
    const az = fakeAz({ fail: 'login' });
    const box = sandbox({ AZURE_OPENAI_ENDPOINT: ctx.emulator.url, AZURE_TOKEN_CREDENTIALS: 'dev', PATH: `${az.dir}:/usr/bin:/bin` });
    const result = await runAoai(['create', '-m', 'gpt-4.1', 'hi'], { env: box.env });
    expect(result.code).toBe(3);
    const lines = result.stderr.split('\n').filter(Boolean);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^aoai: could not sign in with Microsoft Entra ID \(DefaultAzureCredential \(AZURE_TOKEN_CREDENTIALS=dev\)\): tried .*Azure CLI: not logged in \(run 'az login'\)/);
    expect(lines[0]).not.toMatch(/\.\.\.|https:\/\/aka\.ms/);
    const debug = await runAoai(['create', '-m', 'gpt-4.1', '--debug', 'hi'], { env: box.env });
    expect(debug.stderr).toMatch(/\* entra: sign-in failed; full text: ChainedTokenCredential authentication failed\./);
    box.cleanup();
  });
});
