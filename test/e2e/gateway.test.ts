// Gateways (API Management) and keys kept out of files: -H / --mcp-header values with $VAR
// anywhere inside, headers stored in a profile (header.NAME), secret-looking header values
// registered as secrets, and api-key-command.
import { describe, expect, it } from 'vitest';
import { CANARY_API_KEY, CANARY_MCP_HEADER } from '../helpers/canaries.ts';
import { recordSecret } from '../helpers/captures.ts';
import { runAoai, sandbox } from '../helpers/cli.ts';
import { useEmulator } from '../helpers/emulator.ts';

const ctx = useEmulator();
const lastRequest = () => ctx.emulator.requests.at(-1)!;
const APIM_KEY = 'CANARY-APIM-KEY-0f9e8d7c6b5a49382716';
recordSecret(APIM_KEY);

describe('$VAR in header values', () => {
  it('-H expands $VAR and ${VAR} anywhere in the value', async () => {
    const env = { ...ctx.env, TRACE_ID: 'abc123', TENANT: 'contoso' };
    const result = await runAoai(['create', '-m', 'gpt-4.1', '-H', 'X-Trace: id-$TRACE_ID/${TENANT}-x', '-H', 'X-Price: \\$5', 'hi'], { env });
    expect(result).toMatchObject({ code: 0, stdout: 'Echo: hi\n' });
    expect(lastRequest().headers['x-trace']).toBe('id-abc123/contoso-x');
    expect(lastRequest().headers['x-price']).toBe('$5');
  });

  it('an unset variable is a usage error naming the variable, before anything is sent', async () => {
    const before = ctx.emulator.requests.length;
    const result = await runAoai(['create', '-m', 'gpt-4.1', '-H', 'Authorization: Bearer $NOT_SET_ANYWHERE', 'hi'], { env: ctx.env });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^aoai: -H Authorization: environment variable NOT_SET_ANYWHERE is not set\nhint: /);
    expect(ctx.emulator.requests.length).toBe(before);
  });

  it('--mcp-header expands a $VAR inside the value and never prints it (even with --debug)', async () => {
    const env = { ...ctx.env, MCP_TOKEN: CANARY_MCP_HEADER };
    const result = await runAoai(['create', '-m', 'gpt-4.1', '--debug', '--json', '--mcp', 'docs=https://mcp.example.com/mcp', '--mcp-header', 'docs:Authorization=Bearer $MCP_TOKEN', '--mcp-approval', 'never', 'hi'], { env });
    expect(result.code).toBe(0);
    const tools = (lastRequest().body as { tools: Array<{ headers?: Record<string, string> }> }).tools;
    expect(tools[0]!.headers).toEqual({ Authorization: `Bearer ${CANARY_MCP_HEADER}` });
    expect(result.stderr + result.stdout).not.toContain(CANARY_MCP_HEADER);
  });

  it('--mcp-header with an unset variable: exit 2', async () => {
    const result = await runAoai(['create', '-m', 'gpt-4.1', '--mcp', 'docs=https://mcp.example.com/mcp', '--mcp-header', 'docs:Authorization=Bearer ${NOPE_NOT_SET}', 'hi'], { env: ctx.env });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^aoai: --mcp-header docs:Authorization: environment variable NOPE_NOT_SET is not set/);
  });
});

describe('gateway headers in a profile', () => {
  it('config set header.NAME is sent with every request; a secret-looking value is masked and never printed', async () => {
    const box = sandbox({ AZURE_OPENAI_ENDPOINT: ctx.emulator.url, AZURE_OPENAI_API_KEY: CANARY_API_KEY });
    const onArgv = await runAoai(['config', 'set', 'header.Ocp-Apim-Subscription-Key', 'typed-on-argv-0123456789'], { env: box.env });
    expect(onArgv.code).toBe(2);
    expect(onArgv.stderr).toMatch(/refusing to take header\.ocp-apim-subscription-key on the command line/);
    expect((await runAoai(['config', 'set', 'header.Ocp-Apim-Subscription-Key'], { env: box.env, input: APIM_KEY })).code).toBe(0);
    expect((await runAoai(['config', 'set', 'header.X-Team', 'search'], { env: box.env })).code).toBe(0);
    const listed = await runAoai(['config', 'list'], { env: box.env });
    expect(listed.stdout).toContain('default\theader.x-team\tsearch\n');
    expect(listed.stdout).toContain('default\theader.ocp-apim-subscription-key\t****2716\n');
    const result = await runAoai(['create', '-m', 'gpt-4.1', '--debug', 'hi'], { env: box.env });
    expect(result.code).toBe(0);
    expect(lastRequest().headers['ocp-apim-subscription-key']).toBe(APIM_KEY);
    expect(lastRequest().headers['x-team']).toBe('search');
    expect(result.stderr).toContain('> ocp-apim-subscription-key: [redacted]');
    expect(result.stderr + result.stdout + listed.stdout).not.toContain(APIM_KEY);
    // -H overrides the profile's value for one run.
    await runAoai(['create', '-m', 'gpt-4.1', '-H', 'X-Team: ads', 'hi'], { env: box.env });
    expect(lastRequest().headers['x-team']).toBe('ads');
    box.cleanup();
  });

  it("a profile header may hold a '$VAR' reference, read at each run", async () => {
    const box = sandbox({ AZURE_OPENAI_ENDPOINT: ctx.emulator.url, AZURE_OPENAI_API_KEY: CANARY_API_KEY });
    expect((await runAoai(['config', 'set', 'header.Ocp-Apim-Subscription-Key', '$APIM_KEY'], { env: box.env })).code).toBe(0);
    const result = await runAoai(['create', '-m', 'gpt-4.1', 'hi'], { env: { ...box.env, APIM_KEY } });
    expect(result.code).toBe(0);
    expect(lastRequest().headers['ocp-apim-subscription-key']).toBe(APIM_KEY);
    const unset = await runAoai(['create', '-m', 'gpt-4.1', 'hi'], { env: box.env });
    expect(unset.code).toBe(2);
    expect(unset.stderr).toMatch(/header ocp-apim-subscription-key \(profile 'default'\): environment variable APIM_KEY is not set/);
    box.cleanup();
  });
});

describe('api-key-command', () => {
  it('runs the command for the key, so no key sits in a file', async () => {
    const box = sandbox({ AZURE_OPENAI_ENDPOINT: ctx.emulator.url, SECRET_STORE_VALUE: CANARY_API_KEY });
    expect((await runAoai(['config', 'set', 'api-key-command', 'printf "%s\\n" "$SECRET_STORE_VALUE"'], { env: box.env })).code).toBe(0);
    const result = await runAoai(['create', '-m', 'gpt-4.1', 'hi'], { env: box.env });
    expect(result).toMatchObject({ code: 0, stdout: 'Echo: hi\n' });
    expect(lastRequest().headers['api-key']).toBe(CANARY_API_KEY);
    box.cleanup();
  });

  it('a failing command is one line with its status and what it said, exit 3', async () => {
    const box = sandbox({ AZURE_OPENAI_ENDPOINT: ctx.emulator.url, AOAI_API_KEY_COMMAND: 'echo "vault is sealed" >&2; exit 4' });
    const result = await runAoai(['create', '-m', 'gpt-4.1', 'hi'], { env: box.env });
    expect(result.code).toBe(3);
    expect(result.stderr).toBe(
      'aoai: api-key-command exited with status 4: vault is sealed\nhint: check the command (from the AOAI_API_KEY_COMMAND environment variable); it must print the key on standard output\n',
    );
    const empty = await runAoai(['create', '-m', 'gpt-4.1', 'hi'], { env: { ...box.env, AOAI_API_KEY_COMMAND: 'true' } });
    expect(empty.code).toBe(3);
    expect(empty.stderr).toMatch(/^aoai: api-key-command printed no key\n/);
    box.cleanup();
  });
});
