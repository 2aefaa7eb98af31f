// aoai auth status: the effective endpoint, API version, auth mode and where each came from; the
// credential that issued the token, its tenant and expiry (never the token); the proxy route;
// and a live check (GET models, one attempt) with a verdict and the exit code of its failure.
import type { Command } from 'commander';
import type { CommandContext } from '../../cli/context.ts';
import { CliError, ExitCode } from '../../core/errors.ts';
import type { Factory } from '../../core/factory.ts';
import { maskSecret } from '../../core/redact.ts';
import { describeSource, type Settings, type Valued } from '../../core/settings.ts';

export interface AuthStatusOptions {
  json: boolean;
}

interface Field {
  value: string;
  source?: string;
}

interface StatusReport {
  endpoint: Field | null;
  api_version: Field;
  auth: { mode: 'key' | 'entra'; credential: string; source: string; key?: string };
  token: { issued_by: string | null; tenant: string | null; expires_at: string; from: string } | null;
  cloud: { name: string; token_scope: Field; authority_host: Field };
  proxy: { route: string };
  deployment: Field | null;
  check: { ok: boolean; detail: string; status: number | null; ms: number | null };
}

export function registerAuthStatus(auth: Command, ctx: CommandContext): void {
  auth
    .command('status')
    .description('show the endpoint, credential, token (tenant, expiry), proxy and where each came from; check them live')
    .option('--json', 'print the report as JSON')
    .addHelpText('after', '\nExit codes: 0 the check passed, 3 no endpoint/credential or access denied, 1 the endpoint could not be reached.\nExamples:\n  aoai auth status\n  aoai auth status --json | jq .check')
    .action(async (values: { json?: boolean }, cmd: Command) => {
      await runAuthStatus({ json: Boolean(values.json) }, ctx.factory(cmd));
    });
}

const field = (valued: Valued<string>): Field => ({ value: valued.value, source: describeSource(valued.source) });

export async function runAuthStatus(options: AuthStatusOptions, f: Factory): Promise<void> {
  const settings = await f.settings();
  const routes = await f.proxyRoutes();
  const { describeRoute } = await import('../../core/proxy.ts');
  const report: StatusReport = {
    endpoint: settings.endpoint ? field(settings.endpoint) : null,
    api_version: field(settings.apiVersion),
    auth: await describeAuth(settings),
    token: null,
    cloud: { name: settings.cloud.name, token_scope: field(settings.tokenScope), authority_host: field(settings.authorityHost) },
    proxy: { route: settings.endpoint ? describeRoute(new URL(settings.endpoint.value), routes) : routes ? 'proxy configured' : 'direct (no proxy configured)' },
    deployment: settings.deployment ? field(settings.deployment) : null,
    check: { ok: false, detail: 'not run', status: null, ms: null },
  };

  let failure: CliError | undefined;
  try {
    if (!settings.endpoint) {
      const { requireEndpoint } = await import('../../core/client.ts');
      requireEndpoint(settings);
    }
    const provider = await f.tokenProvider();
    if (provider) {
      const details = await provider.getTokenDetails();
      const claims = jwtClaims(details.token);
      report.token = {
        issued_by: details.issuedBy ?? null,
        tenant: typeof claims.tid === 'string' ? claims.tid : null,
        expires_at: new Date(details.expiresOn).toISOString(),
        from: details.from,
      };
    }
    const { prepareRequest } = await import('../../responses/session.ts');
    const client = await prepareRequest(f);
    const started = Date.now();
    const page = await client.models.list({ maxRetries: 0 }).withResponse();
    report.check = { ok: true, detail: `GET models answered HTTP ${page.response.status}`, status: page.response.status, ms: Date.now() - started };
  } catch (error) {
    failure = await toCliError(error, f);
    report.check = { ok: false, detail: failure.message, status: (failure as { status?: number }).status ?? null, ms: null };
  }

  if (options.json) f.io.out(`${JSON.stringify(report, null, f.io.stdoutIsTTY ? 2 : undefined)}\n`);
  else f.io.out(formatReport(report));
  // The failure's own line (and exit code) on stderr, as for any command.
  if (failure) throw failure;
}

async function describeAuth(settings: Settings): Promise<StatusReport['auth']> {
  if (settings.auth.mode === 'key') {
    return { mode: 'key', credential: 'API key', source: describeSource(settings.auth.apiKey.source), key: maskSecret(settings.auth.apiKey.value) };
  }
  const { CREDENTIAL_CLASS } = await import('../../core/auth/entra.ts');
  return { mode: 'entra', credential: CREDENTIAL_CLASS[settings.auth.credential], source: describeSource(settings.auth.requested) };
}

async function toCliError(error: unknown, f: Factory): Promise<CliError> {
  if (error instanceof CliError) return error;
  const { fromSdkError } = await import('../../core/api-errors.ts');
  return fromSdkError(error, f.requests) ?? new CliError(String((error as Error)?.message ?? error), ExitCode.ApiError);
}

/** The claims of a JWT access token, for its tenant; nothing is verified (the service does that). */
function jwtClaims(token: string): Record<string, unknown> {
  const payload = token.split('.')[1];
  if (!payload) return {};
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as unknown;
    return claims && typeof claims === 'object' ? (claims as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function formatReport(report: StatusReport): string {
  const from = (f: Field) => (f.source ? `  (from ${f.source})` : '');
  const rows: Array<[string, string]> = [
    ['endpoint', report.endpoint ? `${report.endpoint.value}${from(report.endpoint)}` : 'not set'],
    ['api version', `${report.api_version.value}${from(report.api_version)}`],
    ['auth', report.auth.mode === 'key' ? `API key ${report.auth.key}  (from ${report.auth.source})` : `Microsoft Entra ID via ${report.auth.credential}  (auth mode from ${report.auth.source})`],
  ];
  if (report.token) {
    const minutes = Math.round((Date.parse(report.token.expires_at) - Date.now()) / 60_000);
    rows.push(['token', `${report.token.issued_by ? `issued by ${report.token.issued_by}, ` : ''}tenant ${report.token.tenant ?? 'unknown'}, expires ${report.token.expires_at} (in ${minutes} min), from ${report.token.from}`]);
  }
  if (report.auth.mode === 'entra') rows.push(['token scope', `${report.cloud.token_scope.value}${from(report.cloud.token_scope)}`]);
  rows.push(['cloud', report.cloud.name]);
  rows.push(['proxy', report.proxy.route]);
  rows.push(['deployment', report.deployment ? `${report.deployment.value}${from(report.deployment)}` : 'not set (pass -m, or: aoai config set deployment NAME)']);
  rows.push(['check', report.check.ok ? `ok: ${report.check.detail} in ${report.check.ms} ms` : `FAILED: ${report.check.detail}`]);
  const width = Math.max(...rows.map(([name]) => name.length));
  return rows.map(([name, value]) => `${name.padEnd(width)}  ${value}\n`).join('');
}
