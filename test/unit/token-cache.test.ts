import { statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TokenCache, isFresh, tokenCacheKey } from '../../src/core/auth/token-cache.ts';
import { tempDir } from '../helpers/temp.ts';

describe('Entra token cache', () => {
  it('keys by credential, tenant, client and scope', () => {
    const base = { credential: 'cli', tenantId: 't', clientId: undefined, scope: 's' };
    expect(tokenCacheKey(base)).toBe(tokenCacheKey({ ...base }));
    expect(tokenCacheKey(base)).not.toBe(tokenCacheKey({ ...base, tenantId: 'u' }));
    expect(tokenCacheKey(base)).not.toBe(tokenCacheKey({ ...base, scope: 'other' }));
    expect(tokenCacheKey(base)).not.toBe(tokenCacheKey({ ...base, credential: 'default' }));
  });

  it('is fresh until five minutes before expiry (half the lifetime for short tokens)', () => {
    const now = 1_000_000_000_000;
    const hour = { token: 't', obtainedAt: now, expiresOn: now + 3_600_000 };
    expect(isFresh(hour, now + 3_600_000 - 6 * 60_000)).toBe(true);
    expect(isFresh(hour, now + 3_600_000 - 4 * 60_000)).toBe(false);
    const short = { token: 't', obtainedAt: now, expiresOn: now + 60_000 };
    expect(isFresh(short, now + 29_000)).toBe(true);
    expect(isFresh(short, now + 31_000)).toBe(false);
  });

  it('round-trips through a 0600 file and forgets on remove', () => {
    const cache = new TokenCache(tempDir('aoai-cache-'));
    const token = { token: 'abc', obtainedAt: 1, expiresOn: 2 };
    cache.write('k', token);
    expect(cache.read('k')).toEqual(token);
    expect(statSync(join((cache as unknown as { dir: string }).dir, 'tokens', 'k.json')).mode & 0o777).toBe(0o600);
    cache.remove('k');
    expect(cache.read('k')).toBeUndefined();
  });
});
