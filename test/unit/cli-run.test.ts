import { describe, expect, it } from 'vitest';
import { CommanderError } from 'commander';
import { reportError } from '../../src/cli/run.ts';
import { ApiError, ExitCode, UsageError } from '../../src/core/errors.ts';
import type { IO } from '../../src/io/io.ts';

function memoryIO(env: NodeJS.ProcessEnv = {}) {
  let err = '';
  const io = { env, err: (text: string) => (err += text) } as unknown as IO;
  return { io, stderr: () => err };
}

describe('reportError: any failure becomes one line and a non-zero exit code', () => {
  it('a bug (an unexpected exception) exits 1 with one line, no stack trace', async () => {
    const { io, stderr } = memoryIO();
    const code = await reportError(io, new TypeError("Cannot read properties of undefined (reading 'x')\n    at somewhere"), undefined);
    expect(code).toBe(ExitCode.ApiError);
    expect(stderr()).toBe("aoai: unexpected error: Cannot read properties of undefined (reading 'x') at somewhere\n");
  });

  it('a thrown non-Error value still exits non-zero', async () => {
    const { io, stderr } = memoryIO();
    expect(await reportError(io, 'a string', undefined)).toBe(ExitCode.ApiError);
    expect(stderr()).toBe('aoai: unexpected error: a string\n');
  });

  it('AOAI_DEBUG=1 adds the stack trace for a bug', async () => {
    const { io, stderr } = memoryIO({ AOAI_DEBUG: '1' });
    await reportError(io, new Error('boom'), undefined);
    expect(stderr()).toMatch(/^aoai: unexpected error: boom\nError: boom\n\s+at /);
  });

  it('a CliError keeps its own exit code and hint', async () => {
    const { io, stderr } = memoryIO();
    expect(await reportError(io, new UsageError('bad flag', 'try --help'), undefined)).toBe(ExitCode.Usage);
    expect(stderr()).toBe('aoai: bad flag\nhint: try --help\n');
    expect(await reportError(memoryIO().io, new ApiError('HTTP 500', { status: 500 }), undefined)).toBe(ExitCode.ApiError);
  });

  it('a commander usage error exits 2; --help and --version exit 0', async () => {
    const { io, stderr } = memoryIO();
    expect(await reportError(io, new CommanderError(2, 'commander.unknownOption', "error: unknown option '--nope'"), undefined)).toBe(ExitCode.Usage);
    expect(stderr()).toMatch(/^aoai: unknown option '--nope'\nhint: /);
    expect(await reportError(memoryIO().io, new CommanderError(0, 'commander.helpDisplayed', '(outputHelp)'), undefined)).toBe(ExitCode.Ok);
    expect(await reportError(memoryIO().io, new CommanderError(0, 'commander.version', '0.1.0'), undefined)).toBe(ExitCode.Ok);
  });
});
