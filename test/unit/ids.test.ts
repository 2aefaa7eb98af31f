import { describe, expect, it } from 'vitest';
import { ApiError, ExitCode, UsageError } from '../../src/core/errors.ts';
import { isId, serviceId, userId } from '../../src/core/ids.ts';

describe('id shapes', () => {
  it('accepts the ids the service and Azure mint', () => {
    expect(isId('response', 'resp_68c42d1d0878819d8266007cd3d1402c08fbf9b1584184ff')).toBe(true);
    expect(isId('file', 'file-4wDz5b167pAf72nx1h9eiN')).toBe(true);
    expect(isId('file', 'assistant-Fq1ZVbY7vHpS5PUk87ZEkj')).toBe(true);
    expect(isId('containerFile', 'cfile_682e0e8a43c88191a7978f477a09bdf5')).toBe(true);
    expect(isId('container', 'cntr_68c3509aa0348191ad0bfefe24878dbb0deaa35a4e39052e')).toBe(true);
    expect(isId('approvalRequest', 'mcpr_04a97b4fce127879006949a83ac9308195a7f7b69ea82e91fe')).toBe(true);
    expect(isId('call', 'call_kL0PCQV7M2WMoVX8V8OtYSAL')).toBe(true);
    expect(isId('batch', 'batch_abc123')).toBe(true);
  });

  it('refuses shell metacharacters, path pieces, controls, other prefixes and huge ids', () => {
    for (const bad of ['resp_2$(touch x)', 'resp_a/../../files', 'resp_', 'resp_a b', 'resp_\x1b]0;x', 'file-abc', 'RESP_abc', `resp_${'a'.repeat(201)}`, 'resp_a\n']) {
      expect(isId('response', bad), bad).toBe(false);
    }
    expect(isId('file', 'file-a;b')).toBe(false);
    // Each kind holds to its own prefix.
    expect(isId('containerFile', 'file-4wDz5b167pAf72nx1h9eiN')).toBe(false);
    expect(isId('container', 'cfile_682e0e8a43c88191a7978f477a09bdf5')).toBe(false);
    expect(isId('batch', 'resp_abc123')).toBe(false);
    expect(isId('call', 'call_$(x)')).toBe(false);
    expect(isId('response', 42)).toBe(false);
  });

  it('a malformed id from the user is a usage error; from the service an API error, shown escaped', () => {
    expect(() => userId('response', 'resp_2$(x)', 'response id')).toThrow(UsageError);
    let error: unknown;
    try {
      serviceId('response', 'resp_2$(touch x)\x1b]0;t\x07', 'response id');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).exitCode).toBe(ExitCode.ApiError);
    expect((error as ApiError).message).toContain('"resp_2$(touch x)\\u001b]0;t\\u0007"');
  });
});
