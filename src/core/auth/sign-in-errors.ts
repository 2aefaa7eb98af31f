// A failed Entra sign-in as one line: which credentials were tried and the one reason that
// matters for each ("Azure CLI: not logged in — run az login; managed identity: not available on
// this machine"), instead of the SDK's multi-paragraph dump. --debug shows the full text.
import type { CredentialKind } from '../config-keys.ts';
import { oneLine } from '../errors.ts';

export interface SignInFailure {
  reason: string;
  hint?: string | undefined;
}

interface Member {
  /** The class name as @azure/identity reports it. */
  className: string;
  label: string;
  /** How its messages read: not all of them name the class. */
  recognise: RegExp;
}

const MEMBERS: Member[] = [
  { className: 'EnvironmentCredential', label: 'environment', recognise: /EnvironmentCredential/ },
  { className: 'WorkloadIdentityCredential', label: 'workload identity', recognise: /WorkloadIdentityCredential|federated token/i },
  { className: 'ManagedIdentityCredential', label: 'managed identity', recognise: /ManagedIdentityCredential|managed identity|IMDS/i },
  { className: 'VisualStudioCodeCredential', label: 'VS Code', recognise: /Visual Studio Code|VisualStudioCodeCredential/ },
  { className: 'AzureDeveloperCliCredential', label: 'Azure Developer CLI', recognise: /Azure Developer CLI|AzureDeveloperCliCredential|azd /i },
  { className: 'AzureCliCredential', label: 'Azure CLI', recognise: /AzureCliCredential|Azure CLI|az login|az account/i },
  { className: 'AzurePowerShellCredential', label: 'Azure PowerShell', recognise: /PowerShell/i },
  { className: 'BrokerCredential', label: 'broker', recognise: /BrokerCredential|broker/i },
];

/** The one reason that matters, recognised from the SDK's wording; else its first sentence. */
function reasonFor(member: Member | undefined, message: string): string {
  const text = oneLine(message);
  const label = member?.label;
  if (/could not be found|couldn't be found|Unable to execute|not installed|is not recognized|ENOENT|command not found/i.test(text)) return 'not installed';
  if (label === 'Azure CLI' && /az login|not logged in|please run/i.test(text)) return "not logged in (run 'az login')";
  if (label === 'Azure Developer CLI' && /azd auth login|not logged in|please run/i.test(text)) return "not logged in (run 'azd auth login')";
  if (label === 'Azure PowerShell' && /Connect-AzAccount|login|logged in/i.test(text)) return 'not logged in (run Connect-AzAccount)';
  if (label === 'environment' && /not fully configured|environment variables|No underlying credential/i.test(text)) return 'AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET are not set';
  if (label === 'workload identity' && /federated|token file|not configured|AZURE_FEDERATED_TOKEN_FILE/i.test(text)) return 'not configured (AZURE_FEDERATED_TOKEN_FILE is not set)';
  if (label === 'managed identity' && /unavailable|not available|no response|network|ENETUNREACH|EHOSTUNREACH|timed? ?out|IMDS/i.test(text)) return 'not available on this machine';
  if (label === 'VS Code' && /broker|plugin|not available|unavailable/i.test(text)) return 'not signed in (or the extension is missing)';
  if (label === 'broker' && /broker|plugin|unavailable/i.test(text)) return 'not available';
  if (/AADSTS50076|AADSTS50079|multi-factor/i.test(text)) return 'multi-factor authentication is required (sign in again interactively)';
  if (/AADSTS700016|application.*not found/i.test(text)) return 'the client id is not known in this tenant';
  if (/AADSTS90002|tenant.*not found/i.test(text)) return 'the tenant was not found';
  if (/AADSTS7000215|invalid client secret/i.test(text)) return 'the client secret is wrong';
  if (/AADSTS700024|expired/i.test(text)) return 'the credential has expired';
  // Strip the class-name prefix the SDK repeats, keep the first sentence.
  const withoutName = (member ? text.replace(new RegExp(`^${member.className}(:| is unavailable\\.?)\\s*`), '') : text).replace(/^Error:\s*/, '');
  const sentence = /^(.{1,160}?[.!?])(\s|$)/.exec(withoutName)?.[1] ?? withoutName.slice(0, 160);
  return sentence.trim() || 'failed';
}

function memberOf(error: unknown, message: string): Member | undefined {
  const name = (error as { name?: string } | undefined)?.name ?? '';
  return MEMBERS.find((m) => name.startsWith(m.className)) ?? MEMBERS.find((m) => m.recognise.test(message));
}

const KIND_MEMBER: Record<Exclude<CredentialKind, 'default'>, string> = {
  cli: 'AzureCliCredential',
  'managed-identity': 'ManagedIdentityCredential',
  'workload-identity': 'WorkloadIdentityCredential',
  environment: 'EnvironmentCredential',
};

export function describeSignInFailure(error: unknown, kind: CredentialKind): SignInFailure {
  const inner = (error as { errors?: unknown[] } | undefined)?.errors;
  if (Array.isArray(inner) && inner.length > 0) {
    const seen = new Set<string>();
    const parts: string[] = [];
    for (const each of inner) {
      const message = each instanceof Error ? each.message : String(each);
      const member = memberOf(each, message);
      const part = `${member?.label ?? 'credential'}: ${reasonFor(member, message)}`;
      if (!seen.has(part)) parts.push(part);
      seen.add(part);
    }
    return { reason: `tried ${parts.join('; ')}` };
  }
  const message = error instanceof Error ? error.message : String(error);
  const member = memberOf(error, message) ?? (kind === 'default' ? undefined : MEMBERS.find((m) => m.className === KIND_MEMBER[kind]));
  return { reason: reasonFor(member, message) };
}
