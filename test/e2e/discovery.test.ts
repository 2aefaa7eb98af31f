// `aoai models`, `aoai deployments` (Azure Resource Manager, served by the emulator on loopback)
// and `aoai auth status`, end to end.
import { describe, expect, it } from 'vitest';
import { CANARY_API_KEY, CANARY_ENTRA_TOKEN } from '../helpers/canaries.ts';
import { recordSecret } from '../helpers/captures.ts';
import { runAoai, sandbox, unusedPort } from '../helpers/cli.ts';
import { startTestEmulator, useEmulator } from '../helpers/emulator.ts';
import { fakeAz } from '../helpers/fake-az.ts';

const ctx = useEmulator({ deployments: [] });
const armRequests = () => ctx.emulator.requests.filter((r) => r.path.startsWith('/subscriptions'));

async function armControl(body: object): Promise<void> {
  const response = await fetch(`${ctx.emulator.url}/_emulator/arm`, { method: 'POST', body: JSON.stringify(body) });
  expect(response.status).toBe(200);
}

/** Entra through a fake az (its token is the canary the emulator accepts), ARM at the emulator. */
function entraBox(extra: Record<string, string | undefined> = {}) {
  const az = fakeAz({ token: CANARY_ENTRA_TOKEN });
  const box = sandbox({ AZURE_OPENAI_ENDPOINT: ctx.emulator.url, AOAI_ARM_ENDPOINT: ctx.emulator.url, PATH: `${az.dir}:${process.env.PATH}`, ...extra });
  return { az, box };
}

describe('aoai models', () => {
  it('lists the models the endpoint serves: rows, --jsonl, --json; the dated form calls /openai/models', async () => {
    const rows = await runAoai(['models'], { env: ctx.env });
    expect(rows.code).toBe(0);
    expect(rows.stdout.split('\n')[0]).toBe('gpt-4.1\t2025-04-14\tgenerally-available');
    expect(ctx.emulator.requests.at(-1)).toMatchObject({ method: 'GET', path: '/openai/v1/models' });
    const lines = (await runAoai(['models', '--jsonl'], { env: ctx.env })).stdout.trim().split('\n');
    expect(lines.length).toBeGreaterThan(3);
    expect(JSON.parse(lines[0]!)).toMatchObject({ id: 'gpt-4.1', object: 'model' });
    const json = JSON.parse((await runAoai(['models', '--json', '--api-version', '2025-04-01-preview'], { env: ctx.env })).stdout) as { data: unknown[] };
    expect(json.data).toHaveLength(lines.length);
    expect(ctx.emulator.requests.at(-1)).toMatchObject({ path: '/openai/models', query: { 'api-version': '2025-04-01-preview' } });
  });
});

describe('aoai deployments (Azure Resource Manager on the emulator)', { timeout: 120_000 }, () => {
  it('finds the resource from the endpoint and lists every page of deployments with model, version, SKU and capacity', async () => {
    const { az, box } = entraBox({ AZURE_OPENAI_API_KEY: CANARY_API_KEY });
    await armControl({ pageSize: 2 });
    try {
      const before = armRequests().length;
      const result = await runAoai(['deployments'], { env: box.env });
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(result.stdout.split('\n').filter(Boolean)).toEqual([
        'gpt-4.1\tgpt-4.1\t2025-04-14\tGlobalStandard\t100',
        'gpt-4.1-mini\tgpt-4.1-mini\t2025-04-14\tStandard\t50',
        'o4-mini\to4-mini\t2025-04-16\tDataZoneStandard\t20',
        'gpt-5\tgpt-5\t2025-08-07\tProvisionedManaged\t15',
        'gpt-4.1-batch\tgpt-4.1\t2025-04-14\tGlobalBatch\t1000',
        'gpt-image-1\tgpt-image-1\t2025-04-15\tGlobalStandard\t5',
      ]);
      const calls = armRequests().slice(before);
      // subscriptions, accounts, then three pages of deployments, each with the Entra token (never the key).
      expect(calls.map((r) => r.path.split('/').slice(-1)[0])).toEqual(['subscriptions', 'accounts', 'deployments', 'deployments', 'deployments']);
      expect(calls.every((r) => r.headers.authorization === `Bearer ${CANARY_ENTRA_TOKEN}` && r.headers['api-key'] === undefined)).toBe(true);
      // The token was asked for Resource Manager's scope, not the data plane's.
      expect(az.argv().map((a) => a[a.indexOf('--resource') + 1])).toEqual(['https://management.azure.com']);
      const jsonl = await runAoai(['deployments', '--jsonl', '--subscription', '00000000-0000-0000-0000-0000000000e1', '--resource-group', 'rg-emulator', '--account', 'emulator'], { env: box.env });
      expect(jsonl.stdout.trim().split('\n').map((l) => (JSON.parse(l) as { name: string }).name)).toHaveLength(6);
      expect(armRequests().slice(-1)[0]!.path).toMatch(/\/resourceGroups\/rg-emulator\/providers\/Microsoft\.CognitiveServices\/accounts\/emulator\/deployments$/);
    } finally {
      await armControl({});
      box.cleanup();
    }
  });

  it('a 403 from Resource Manager names the missing permission and a role that grants it, exit 3', async () => {
    const { box } = entraBox();
    await armControl({ forbidden: true });
    try {
      const result = await runAoai(['deployments'], { env: box.env });
      expect(result.code).toBe(3);
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(
        /^aoai: Azure Resource Manager: HTTP 403 \(AuthorizationFailed\): the signed-in identity may not Microsoft\.CognitiveServices\/accounts\/deployments\/read on \/subscriptions\/\S+\/accounts\/emulator\nhint: it needs a role that allows Microsoft\.CognitiveServices\/accounts\/deployments\/read, e\.g\. "Cognitive Services Usages Reader" or "Reader"/,
      );
    } finally {
      await armControl({});
      box.cleanup();
    }
  });

  it('no resource matches: says so and how to name it', async () => {
    const { box } = entraBox({ AZURE_OPENAI_ENDPOINT: 'https://elsewhere.openai.azure.com' });
    const result = await runAoai(['deployments'], { env: box.env });
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/^aoai: no Azure OpenAI resource named 'elsewhere' with endpoint https:\/\/elsewhere\.openai\.azure\.com in the 1 subscription this identity can see\nhint: pass --subscription/);
    box.cleanup();
  });

  it('Resource Manager out of reach: one line naming it and why (connection refused)', async () => {
    const port = await unusedPort();
    const { box } = entraBox({ AOAI_ARM_ENDPOINT: `http://127.0.0.1:${port}` });
    const result = await runAoai(['deployments'], { env: box.env });
    expect(result.stderr).toMatch(new RegExp(`^aoai: cannot reach Azure Resource Manager at http://127\\.0\\.0\\.1:${port}/?: connection refused\\nhint: check the network, or the arm-endpoint setting \\(AOAI_ARM_ENDPOINT\\)\\n$`));
    expect(result.code).toBe(1);
    box.cleanup();
  });

  it('404 DeploymentNotFound from create hints aoai deployments', async () => {
    const strict = await startTestEmulator({ deployments: ['gpt-4.1'] });
    try {
      const result = await runAoai(['create', '-m', 'no-such-deployment', 'hi'], { env: { ...ctx.env, AZURE_OPENAI_ENDPOINT: strict.url } });
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/^aoai: HTTP 404 \(DeploymentNotFound\): .*\nhint: check the deployment name given to -m\/--model; list the deployments: aoai deployments\n$/);
    } finally {
      await strict.close();
    }
  });
});

describe('aoai auth status', { timeout: 120_000 }, () => {
  it('API key: endpoint, version, auth and their sources; a live check; exit 0', async () => {
    const result = await runAoai(['auth', 'status'], { env: ctx.env });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^endpoint +http:\/\/127\.0\.0\.1:\d+ +\(from the AZURE_OPENAI_ENDPOINT environment variable\)\n/);
    expect(result.stdout).toMatch(/\nauth +API key \*\*\*\*[0-9a-f]{4} +\(from the AZURE_OPENAI_API_KEY environment variable\)\n/);
    expect(result.stdout).toMatch(/\nproxy +direct \(no proxy configured\)\n/);
    expect(result.stdout).toMatch(/\ncheck +ok: GET models answered HTTP 200 in \d+ ms\n$/);
    expect(result.stdout + result.stderr).not.toContain(CANARY_API_KEY);
  });

  it('Entra through the Azure CLI: the credential that issued the token, its tenant and expiry, never the token', async () => {
    const { box } = entraBox();
    const result = await runAoai(['auth', 'status', '--json'], { env: box.env });
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as { auth: { mode: string; credential: string }; token: { issued_by: string; expires_at: string; from: string }; check: { ok: boolean } };
    expect(report.auth).toMatchObject({ mode: 'entra', credential: 'DefaultAzureCredential' });
    expect(report.token).toMatchObject({ issued_by: 'AzureCliCredential', from: 'sign-in' });
    expect(Date.parse(report.token.expires_at)).toBeGreaterThan(Date.now());
    expect(report.check.ok).toBe(true);
    expect(result.stdout + result.stderr).not.toContain(CANARY_ENTRA_TOKEN);
    box.cleanup();
  });

  it('Entra through a loopback managed identity: tenant from the token', async () => {
    const box = sandbox({ AZURE_OPENAI_ENDPOINT: ctx.emulator.url, AZURE_TOKEN_CREDENTIALS: 'ManagedIdentityCredential', IDENTITY_ENDPOINT: ctx.emulator.identityEndpoint, IDENTITY_HEADER: ctx.emulator.identityHeader });
    const result = await runAoai(['auth', 'status'], { env: box.env });
    const bearer = ctx.emulator.requests.at(-1)?.headers.authorization ?? '';
    if (bearer) recordSecret(bearer.replace(/^Bearer /, ''));
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/\ntoken +issued by ManagedIdentityCredential, tenant 00000000-0000-0000-0000-00000000e111, expires \S+ \(in \d+ min\), from sign-in\n/);
    box.cleanup();
  });

  it('a broken key: the report, then the 401 line; exit 3', async () => {
    const result = await runAoai(['auth', 'status'], { env: { ...ctx.env, AZURE_OPENAI_API_KEY: 'broken-key-0000000000' } });
    expect(result.code).toBe(3);
    expect(result.stdout).toMatch(/\ncheck +FAILED: HTTP 401: Access denied/);
    expect(result.stderr).toMatch(/^aoai: HTTP 401: /);
  });

  it('an unreachable endpoint: exit 1; no endpoint at all: exit 3', async () => {
    const port = await unusedPort();
    const unreachable = await runAoai(['auth', 'status'], { env: { ...ctx.env, AZURE_OPENAI_ENDPOINT: `http://127.0.0.1:${port}` } });
    expect(unreachable.code).toBe(1);
    expect(unreachable.stdout).toMatch(/\ncheck +FAILED: cannot reach http:\/\/127\.0\.0\.1:\d+: connection refused\n$/);
    const none = await runAoai(['auth', 'status'], { env: { ...ctx.env, AZURE_OPENAI_ENDPOINT: undefined } });
    expect(none.code).toBe(3);
    expect(none.stdout).toMatch(/^endpoint +not set\n/);
    expect(none.stderr).toMatch(/^aoai: no endpoint is set\n/);
  });
});
