// Who may call the emulator: the API key (in `api-key`, or as a Bearer token, both of which Azure
// accepts), Entra-style access tokens the emulator issued itself (HMAC-signed JWTs, handed out by
// its managed-identity endpoint), and tokens a test passes in verbatim (`acceptTokens`).
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { azureError, HttpError } from './http.ts';

export const COGNITIVE_SERVICES_AUDIENCE = 'https://cognitiveservices.azure.com';

const MISSING_KEY =
  'Access denied due to missing subscription key. Make sure to include subscription key when making requests to an API.';
const INVALID_KEY =
  'Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.';
const INVALID_TOKEN =
  'Unauthorized. Access token is missing, invalid, audience is incorrect (https://cognitiveservices.azure.com), or have expired.';

export interface IssuedToken {
  token: string;
  /** Epoch seconds. */
  expiresOn: number;
}

export class TokenIssuer {
  private readonly secret = randomBytes(32);

  issue(options: { expiresInSeconds?: number; tenantId?: string } = {}): IssuedToken {
    const now = Math.floor(Date.now() / 1000);
    const expiresOn = now + (options.expiresInSeconds ?? 3600);
    const header = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
    const payload = base64url(
      JSON.stringify({
        aud: COGNITIVE_SERVICES_AUDIENCE,
        iss: 'https://sts.windows.net/emulator/',
        tid: options.tenantId ?? '00000000-0000-0000-0000-00000000e111',
        oid: '00000000-0000-0000-0000-00000000a0a1',
        iat: now,
        nbf: now,
        exp: expiresOn,
      }),
    );
    return { token: `${header}.${payload}.${this.sign(`${header}.${payload}`)}`, expiresOn };
  }

  verify(token: string): boolean {
    const parts = token.split('.');
    if (parts.length !== 3) return false;
    const [header, payload, signature] = parts as [string, string, string];
    const expected = Buffer.from(this.sign(`${header}.${payload}`));
    const given = Buffer.from(signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return false;
    try {
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { aud?: string; exp?: number };
      return claims.aud === COGNITIVE_SERVICES_AUDIENCE && typeof claims.exp === 'number' && claims.exp > Date.now() / 1000;
    } catch {
      return false;
    }
  }

  private sign(data: string): string {
    return createHmac('sha256', this.secret).update(data).digest('base64url');
  }
}

function base64url(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url');
}

export interface AuthPolicy {
  apiKey: string;
  issuer: TokenIssuer;
  acceptTokens: ReadonlySet<string>;
}

/** Throws the 401 the service sends, or returns how the caller authenticated. */
export function authenticate(headers: IncomingHttpHeaders, policy: AuthPolicy): 'api-key' | 'bearer-key' | 'entra' {
  const key = single(headers['api-key']);
  const authorization = single(headers.authorization);
  if (key !== undefined) {
    if (safeEqual(key, policy.apiKey)) return 'api-key';
    throw azureError(401, '401', INVALID_KEY);
  }
  if (authorization === undefined) throw azureError(401, '401', MISSING_KEY);
  const match = /^Bearer\s+(.+)$/i.exec(authorization.trim());
  const token = match?.[1];
  if (!token) throw azureError(401, '401', INVALID_TOKEN);
  if (safeEqual(token, policy.apiKey)) return 'bearer-key';
  if (policy.acceptTokens.has(token) || policy.issuer.verify(token)) return 'entra';
  throw azureError(401, '401', INVALID_TOKEN);
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * The App Service managed-identity endpoint (`IDENTITY_ENDPOINT` + `IDENTITY_HEADER`), as
 * @azure/identity (through msal-node) calls it: GET ?api-version=2019-08-01&resource=… with the
 * header `X-IDENTITY-HEADER`.
 */
export function managedIdentityToken(query: URLSearchParams, headers: IncomingHttpHeaders, identityHeader: string, issuer: TokenIssuer): unknown {
  const given = single(headers['x-identity-header']);
  if (given === undefined || !safeEqual(given, identityHeader)) {
    throw new HttpError(401, { error: 'unauthorized', error_description: 'The X-IDENTITY-HEADER header is missing or wrong.' });
  }
  const resource = (query.get('resource') ?? '').replace(/\/\.default$/, '').replace(/\/$/, '');
  if (resource !== COGNITIVE_SERVICES_AUDIENCE) {
    throw new HttpError(400, {
      error: 'invalid_resource',
      error_description: `The emulator issues tokens for ${COGNITIVE_SERVICES_AUDIENCE} only, not '${query.get('resource') ?? ''}'.`,
    });
  }
  const { token, expiresOn } = issuer.issue();
  return {
    access_token: token,
    expires_on: String(expiresOn),
    resource: query.get('resource'),
    token_type: 'Bearer',
    client_id: query.get('client_id') ?? '00000000-0000-0000-0000-00000000c1d0',
  };
}
