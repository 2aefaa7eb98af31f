import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { BIN, runAoai } from '../helpers/cli.ts';
import { useEmulator } from '../helpers/emulator.ts';
import { recordCapture } from '../helpers/captures.ts';

const ctx = useEmulator();

function shell(command: string, env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('bash', ['-c', `set -o pipefail; ${command}`], { env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => {
      recordCapture(command, stdout + stderr);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('stdout carries data only', () => {
  it('`aoai … | head -1` exits quietly with 0', async () => {
    const result = await shell(`'${BIN}' create -m gpt-4.1 'Write 200000 words' | head -c 20`, ctx.env);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toHaveLength(20);
  });

  it('--debug logs request and response lines on stderr, secrets redacted, stdout untouched', async () => {
    const result = await runAoai(['create', '-m', 'gpt-4.1', '--debug', '-H', 'X-Trace: abc', '-H', 'X-My-Token: tok-secret-value-99', 'hi'], { env: ctx.env });
    expect(result.stdout).toBe('Echo: hi\n');
    expect(result.stderr).toMatch(new RegExp(`> POST ${ctx.emulator.url}/openai/v1/responses`));
    expect(result.stderr).toContain('> api-key: [redacted]');
    expect(result.stderr).toContain('> x-my-token: [redacted]');
    expect(result.stderr).toContain('> x-trace: abc');
    expect(result.stderr).toMatch(/< 200 OK \(\d+ ms, request id [0-9a-f-]{36}, application\/json\)/);
    expect(result.stderr).not.toContain('tok-secret-value-99');
    expect(ctx.emulator.requests.at(-1)!.headers['x-trace']).toBe('abc');
  });

  it('--version and --help print to stdout and exit 0', async () => {
    const version = await runAoai(['--version']);
    expect(version.stdout).toMatch(/^\d+\.\d+\.\d+/);
    const help = await runAoai(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: aoai');
    const sub = await runAoai(['create', '--help']);
    expect(sub.stdout).toContain('--reasoning-summary');
  });

  it('an unknown command is a usage error with a suggestion', async () => {
    const result = await runAoai(['craete']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/unknown command 'craete'.*create/);
  });

  it('refuses to send a key over plain http to a non-loopback host', async () => {
    // An address literal: no name to resolve (name resolution is tested in a private network namespace).
    const result = await runAoai(['create', '-m', 'x', '--endpoint', 'http://192.0.2.1', 'hi'], { env: ctx.env });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/refusing to send credentials over plain http:\/\/ to 192\.0\.2\.1/);
  });
});
