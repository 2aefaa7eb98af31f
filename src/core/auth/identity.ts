// What identifies the account a credential signs in as, read cheaply without signing in, so the
// token cache can be keyed by it: after `az login` as someone else, `az account set`, or a new
// AZURE_CLIENT_ID / managed-identity endpoint, the previous identity's token is never reused.
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { CredentialKind } from '../config-keys.ts';

/** Variables that change who a non-interactive credential signs in as. */
const IDENTITY_VARIABLES = [
  'AZURE_CLIENT_ID',
  'AZURE_TENANT_ID',
  'AZURE_CLIENT_SECRET',
  'AZURE_CLIENT_CERTIFICATE_PATH',
  'AZURE_USERNAME',
  'AZURE_FEDERATED_TOKEN_FILE',
  'IDENTITY_ENDPOINT',
  'MSI_ENDPOINT',
  'AZURE_POD_IDENTITY_AUTHORITY_HOST',
];

export function identityFingerprint(kind: CredentialKind, env: NodeJS.ProcessEnv): string {
  const parts = IDENTITY_VARIABLES.map((name) => `${name}=${env[name] ?? ''}`);
  // The Azure CLI's signed-in account: only the CLI (alone or in the default chain) depends on it.
  if (kind === 'cli' || kind === 'default') parts.push(`az=${azureCliAccount(env)}`);
  return parts.join('\n');
}

/** The default subscription's user, tenant and id in the Azure CLI's profile ('' when there is none). */
export function azureCliAccount(env: NodeJS.ProcessEnv): string {
  const dir = env.AZURE_CONFIG_DIR || join(env.HOME || homedir(), '.azure');
  let text: string;
  try {
    text = readFileSync(join(dir, 'azureProfile.json'), 'utf8');
  } catch {
    return '';
  }
  try {
    // The CLI writes this file with a byte-order mark.
    const data = JSON.parse(text.replace(/^\uFEFF/, '')) as { subscriptions?: Array<Record<string, unknown>> };
    const current = data.subscriptions?.find((s) => s.isDefault === true);
    if (!current) return 'no-default-subscription';
    const user = (current.user ?? {}) as { name?: unknown; type?: unknown };
    return [user.type, user.name, current.tenantId, current.id].map((v) => String(v ?? '')).join('|');
  } catch {
    // Unparsable: key by its content, so any change still means a new identity.
    return `raw:${text}`;
  }
}
