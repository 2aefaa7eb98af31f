import { describe, expect, it } from 'vitest';
import { isSecretHeader, maskSecret, redactSecrets, registerSecret } from '../../src/core/redact.ts';

describe('secret redaction', () => {
  it('scrubs registered secrets wherever they appear', () => {
    registerSecret('super-secret-value-1');
    expect(redactSecrets('key=super-secret-value-1; again super-secret-value-1')).toBe('key=***; again ***');
  });
  it('ignores values too short to be secrets', () => {
    registerSecret('abc');
    expect(redactSecrets('abc')).toBe('abc');
  });
  it('masks for display', () => {
    expect(maskSecret('0123456789abcdef')).toBe('****cdef');
    expect(maskSecret('short')).toBe('****');
  });
  it('knows secret header names', () => {
    for (const name of ['api-key', 'Authorization', 'x-custom-token', 'X-Secret', 'Ocp-Apim-Subscription-Key']) expect(isSecretHeader(name)).toBe(true);
    for (const name of ['content-type', 'x-ms-oai-image-generation-deployment', 'accept']) expect(isSecretHeader(name)).toBe(false);
  });
});
