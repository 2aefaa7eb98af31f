// Entra access tokens cached on disk (mode 0600 in the user's cache directory), keyed by the
// credential, tenant and scope, so a second invocation does not run the credential chain again.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../atomic-write.ts';

export interface CachedToken {
  token: string;
  /** Epoch milliseconds. */
  expiresOn: number;
  /** Epoch milliseconds when it was obtained. */
  obtainedAt: number;
  /** The credential class that issued it, for `auth status`. */
  issuedBy?: string | undefined;
}

/** Refresh this long before expiry so a token never expires mid-request. */
const REFRESH_MARGIN_MS = 5 * 60 * 1000;

export interface TokenCacheKeyParts {
  credential: string;
  tenantId?: string | undefined;
  clientId?: string | undefined;
  scope: string;
  /** What identifies the signed-in account (see auth/identity.ts), so a new login never reuses an old token. */
  identity?: string | undefined;
  authority?: string | undefined;
}

export function tokenCacheKey(parts: TokenCacheKeyParts): string {
  return createHash('sha256')
    .update([parts.credential, parts.tenantId ?? '', parts.clientId ?? '', parts.scope, parts.identity ?? '', parts.authority ?? ''].join('\n'))
    .digest('hex')
    .slice(0, 32);
}

export function isFresh(token: CachedToken, now = Date.now()): boolean {
  const lifetime = token.expiresOn - token.obtainedAt;
  const margin = Math.min(REFRESH_MARGIN_MS, Math.max(0, lifetime / 2));
  return token.expiresOn - margin > now;
}

export class TokenCache {
  constructor(private readonly dir: string) {}

  private file(key: string): string {
    return join(this.dir, 'tokens', `${key}.json`);
  }

  read(key: string): CachedToken | undefined {
    try {
      const data = JSON.parse(readFileSync(this.file(key), 'utf8')) as Partial<CachedToken>;
      if (typeof data.token === 'string' && typeof data.expiresOn === 'number' && typeof data.obtainedAt === 'number') {
        return data as CachedToken;
      }
    } catch {
      // Missing or unreadable: a cache miss, never an error.
    }
    return undefined;
  }

  write(key: string, token: CachedToken): void {
    try {
      mkdirSync(join(this.dir, 'tokens'), { recursive: true, mode: 0o700 });
      writeFileAtomic(this.file(key), JSON.stringify(token), { mode: 0o600 });
    } catch {
      // A read-only cache directory costs speed, not correctness.
    }
  }

  remove(key: string): void {
    try {
      unlinkSync(this.file(key));
    } catch {
      // Already gone.
    }
  }
}
