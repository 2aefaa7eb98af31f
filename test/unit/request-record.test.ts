// Each factory keeps its own request record (retry policy, attempts, endpoint): the error line of
// one command never reports another client's figures.
import { createServer } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { fromSdkError } from '../../src/core/api-errors.ts';
import { createFactory } from '../../src/core/factory.ts';
import type { IO } from '../../src/io/io.ts';
import { prepareRequest } from '../../src/responses/session.ts';

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function quietIO(env: NodeJS.ProcessEnv): IO {
  const sink = new PassThrough();
  return {
    stdin: new PassThrough(),
    stdout: sink,
    stderr: sink,
    stdinIsTTY: false,
    stdoutIsTTY: false,
    stderrIsTTY: false,
    colorStdout: false,
    colorStderr: false,
    env,
    columns: 80,
    out: () => undefined,
    err: () => undefined,
    canPrompt: () => false,
    flush: async () => undefined,
  };
}

describe('request record', () => {
  it('belongs to one factory: retries and attempts of one client do not show in another', async () => {
    const home = mkdtempSync(join(tmpdir(), 'aoai-record-'));
    const port = await closedPort();
    const env = { HOME: home, XDG_CONFIG_HOME: home, AZURE_OPENAI_ENDPOINT: `http://127.0.0.1:${port}`, AZURE_OPENAI_API_KEY: 'k' };
    const failing = createFactory(quietIO(env), { maxRetries: '1', timeout: '30' });
    const other = createFactory(quietIO(env), { maxRetries: '4', timeout: '7' });
    const client = await prepareRequest(failing);
    await prepareRequest(other);

    const error = await client.responses.retrieve('resp_1').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(failing.requests).toMatchObject({ attempts: 2, maxRetries: 1, timeoutMs: 30_000, endpoint: `http://127.0.0.1:${port}` });
    expect(other.requests).toMatchObject({ attempts: 0, maxRetries: 4, timeoutMs: 7000 });
    expect(fromSdkError(error, failing.requests)?.message).toMatch(/^cannot reach http:\/\/127\.0\.0\.1:\d+: connection refused \(2 attempts\)$/);
    expect(fromSdkError(error, other.requests)?.message).not.toMatch(/attempts/);
  });
});
