// aoai deployments: the resource's deployments (name, model, version, SKU, capacity) from Azure
// Resource Manager, signed in with the same Entra credential as the API. The subscription,
// resource group and account are found from the endpoint (an account list per subscription), or
// given by flags or the profile.
import type { Command } from 'commander';
import type { CommandContext } from '../cli/context.ts';
import { ConfigError } from '../core/errors.ts';
import type { Factory } from '../core/factory.ts';
import { printJsonLine } from '../render/json.ts';

export interface DeploymentsOptions {
  subscription: string | undefined;
  resourceGroup: string | undefined;
  account: string | undefined;
  json: boolean;
  jsonl: boolean;
}

interface ArmDeployment {
  name: string;
  sku?: { name?: string; capacity?: number };
  properties?: { model?: { name?: string; version?: string; format?: string }; provisioningState?: string };
}

interface ArmAccount {
  id: string;
  name: string;
  properties?: { endpoint?: string; endpoints?: Record<string, string>; customSubDomainName?: string };
}

export function registerDeployments(program: Command, ctx: CommandContext): void {
  program
    .command('deployments')
    .description("list the resource's deployments (the names -m takes) with model, version, SKU and capacity")
    .option('--subscription <id>', 'subscription of the resource (default: found from the endpoint)')
    .option('--resource-group <name>', 'resource group of the resource (default: found from the endpoint)')
    .option('--account <name>', 'resource (account) name (default: from the endpoint)')
    .option('--json', "print Resource Manager's JSON ({\"value\": [...]})")
    .option('--jsonl', 'one deployment per line as JSON (NDJSON)')
    .addHelpText(
      'after',
      `
Reads Azure Resource Manager with Microsoft Entra ID (an API key cannot list deployments): the
identity needs a role such as "Cognitive Services Usages Reader" or "Reader" on the resource.
Examples:
  aoai deployments
  aoai deployments --jsonl | jq -r .name
  aoai deployments --subscription SUB --resource-group RG --account myres`,
    )
    .action(async (values: { subscription?: string; resourceGroup?: string; account?: string; json?: boolean; jsonl?: boolean }, cmd: Command) => {
      await runDeployments(
        { subscription: values.subscription, resourceGroup: values.resourceGroup, account: values.account, json: Boolean(values.json), jsonl: Boolean(values.jsonl) },
        ctx.factory(cmd),
      );
    });
}

export async function runDeployments(options: DeploymentsOptions, f: Factory): Promise<void> {
  const settings = await f.settings();
  const { createArmClient, SUBSCRIPTIONS_API_VERSION } = await import('../core/arm.ts');
  const arm = await createArmClient(f);
  const endpoint = settings.endpoint?.value;
  let subscription = options.subscription ?? settings.subscription?.value;
  let resourceGroup = options.resourceGroup ?? settings.resourceGroup?.value;
  let account = options.account ?? accountNameFrom(endpoint);

  if (!subscription || !resourceGroup || !account) {
    if (!endpoint && !account) {
      throw new ConfigError('no endpoint is set, so the resource cannot be found', 'set AZURE_OPENAI_ENDPOINT, or pass --subscription, --resource-group and --account');
    }
    const subscriptions: string[] = [];
    if (subscription) subscriptions.push(subscription);
    else for await (const s of arm.list<{ subscriptionId: string }>('/subscriptions', SUBSCRIPTIONS_API_VERSION)) subscriptions.push(s.subscriptionId);
    let found: ArmAccount | undefined;
    for (const sub of subscriptions) {
      for await (const candidate of arm.list<ArmAccount>(`/subscriptions/${encodeURIComponent(sub)}/providers/Microsoft.CognitiveServices/accounts`)) {
        if (matchesAccount(candidate, endpoint, account)) {
          found = candidate;
          break;
        }
      }
      if (found) break;
    }
    if (!found) {
      throw new ConfigError(
        `no Azure OpenAI resource${account ? ` named '${account}'` : ''}${endpoint ? ` with endpoint ${endpoint}` : ''} in the ${subscriptions.length} subscription${subscriptions.length === 1 ? '' : 's'} this identity can see`,
        'pass --subscription, --resource-group and --account (or: aoai config set subscription ID; aoai config set resource-group NAME)',
      );
    }
    const parts = /\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.CognitiveServices\/accounts\/([^/]+)/i.exec(found.id);
    if (!parts) throw new ConfigError(`Azure Resource Manager returned an account id of an unexpected shape: ${found.id}`);
    [, subscription, resourceGroup, account] = parts as unknown as [string, string, string, string];
    f.debug(`deployments: found ${found.id}`);
  }

  const path = `/subscriptions/${encodeURIComponent(subscription)}/resourceGroups/${encodeURIComponent(resourceGroup)}/providers/Microsoft.CognitiveServices/accounts/${encodeURIComponent(account)}/deployments`;
  const all: ArmDeployment[] = [];
  for await (const deployment of arm.list<ArmDeployment>(path)) {
    if (options.jsonl) await printJsonLine(f.io, deployment);
    else all.push(deployment);
  }
  if (options.jsonl) return;
  if (options.json) {
    f.io.out(`${JSON.stringify({ value: all }, null, f.io.stdoutIsTTY ? 2 : undefined)}\n`);
    return;
  }
  if (all.length === 0) {
    if (f.io.stderrIsTTY) f.io.err(`no deployments in ${account}\n`);
    return;
  }
  const rows = all.map((d) => [d.name, d.properties?.model?.name ?? '-', d.properties?.model?.version ?? '-', d.sku?.name ?? '-', d.sku?.capacity === undefined ? '-' : String(d.sku.capacity)]);
  if (!f.io.stdoutIsTTY) {
    for (const row of rows) f.io.out(`${row.map(tsvField).join('\t')}\n`);
    return;
  }
  const header = ['NAME', 'MODEL', 'VERSION', 'SKU', 'CAPACITY'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
  f.io.out(`${line(header)}\n${rows.map((r) => line(r.map(tsvField))).join('\n')}\n`);
}

/** `https://NAME.openai.azure.com` (and the cognitiveservices / sovereign forms) → NAME. */
export function accountNameFrom(endpoint: string | undefined): string | undefined {
  if (!endpoint) return undefined;
  const host = new URL(endpoint).hostname.toLowerCase();
  const match = /^([a-z0-9][a-z0-9-]*)\.(openai|cognitiveservices)\.azure\.(com|us|cn)$/.exec(host);
  return match?.[1];
}

function matchesAccount(candidate: ArmAccount, endpoint: string | undefined, name: string | undefined): boolean {
  if (name && candidate.name.toLowerCase() === name.toLowerCase()) return true;
  if (!endpoint) return false;
  const want = new URL(endpoint).origin;
  const endpoints = [candidate.properties?.endpoint, ...Object.values(candidate.properties?.endpoints ?? {})].filter((e): e is string => typeof e === 'string');
  return endpoints.some((e) => {
    try {
      return new URL(e).origin === want;
    } catch {
      return false;
    }
  });
}

/** Names come from the service: tabs, newlines and control characters cannot forge rows. */
function tsvField(value: string): string {
  return value.replace(/[\t\n\r]/g, ' ').replace(/\p{Cc}/gu, '?');
}
