// What `aoai models` and `aoai deployments` need from the emulator: the data-plane model list
// (GET /openai/v1/models, or /openai/models?api-version= in the dated form) and the slice of
// Azure Resource Manager that finds the resource and lists its deployments, paged with nextLink
// as ARM pages. ARM accepts Entra tokens only (never the API key), like the real one.
// Test control: POST /_emulator/arm {"forbidden": true, "pageSize": 2} (or {} to reset).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AuthPolicy } from './auth.ts';
import type { Route } from './context.ts';
import { azureError, HttpError, sendError, sendJson } from './http.ts';

export const EMULATOR_SUBSCRIPTION = '00000000-0000-0000-0000-0000000000e1';
export const EMULATOR_RESOURCE_GROUP = 'rg-emulator';
export const EMULATOR_ACCOUNT = 'emulator';
const ARM_VERSIONS = /^\d{4}-\d{2}-\d{2}(-preview)?$/;

interface DeploymentSpec {
  name: string;
  model: string;
  version: string;
  sku: 'Standard' | 'GlobalStandard' | 'GlobalBatch' | 'DataZoneStandard' | 'ProvisionedManaged';
  capacity: number;
}

const DEFAULT_DEPLOYMENTS: DeploymentSpec[] = [
  { name: 'gpt-4.1', model: 'gpt-4.1', version: '2025-04-14', sku: 'GlobalStandard', capacity: 100 },
  { name: 'gpt-4.1-mini', model: 'gpt-4.1-mini', version: '2025-04-14', sku: 'Standard', capacity: 50 },
  { name: 'o4-mini', model: 'o4-mini', version: '2025-04-16', sku: 'DataZoneStandard', capacity: 20 },
  { name: 'gpt-5', model: 'gpt-5', version: '2025-08-07', sku: 'ProvisionedManaged', capacity: 15 },
  { name: 'gpt-4.1-batch', model: 'gpt-4.1', version: '2025-04-14', sku: 'GlobalBatch', capacity: 1000 },
  { name: 'gpt-image-1', model: 'gpt-image-1', version: '2025-04-15', sku: 'GlobalStandard', capacity: 5 },
];

const MODELS = ['gpt-4.1', 'gpt-4.1-mini', 'gpt-4.1-nano', 'gpt-5', 'gpt-5-mini', 'o3', 'o4-mini', 'gpt-image-1', 'text-embedding-3-large'];

export interface ManagementApi {
  /** True when the request was an ARM or model-list call and has been answered. */
  handle(req: IncomingMessage, res: ServerResponse, url: URL, method: string, rawBody: Buffer): boolean;
}

export function createManagementApi(policy: AuthPolicy, deploymentNames: ReadonlySet<string>): ManagementApi {
  let forbidden = false;
  let pageSize = 100;
  const deployments = deploymentNames.size
    ? [...deploymentNames].map((name): DeploymentSpec => ({ name, model: name, version: '1', sku: 'Standard', capacity: 10 }))
    : DEFAULT_DEPLOYMENTS;

  function requireEntra(req: IncomingMessage): string {
    const authorization = req.headers.authorization;
    const token = typeof authorization === 'string' ? /^Bearer\s+(.+)$/i.exec(authorization.trim())?.[1] : undefined;
    if (!token) throw azureError(401, 'AuthenticationFailed', "Authentication failed. The 'Authorization' header is missing.");
    if (!policy.acceptTokens.has(token) && !policy.issuer.verify(token)) {
      throw azureError(401, 'InvalidAuthenticationToken', 'The access token is invalid.');
    }
    return token;
  }

  function checkVersion(url: URL): void {
    const version = url.searchParams.get('api-version');
    if (!version) throw azureError(400, 'MissingApiVersionParameter', "The api-version query parameter (?api-version=) is required for all requests.");
    if (!ARM_VERSIONS.test(version)) throw azureError(400, 'InvalidApiVersionParameter', `The api-version '${version}' is invalid.`);
  }

  function denied(action: string, scope: string): HttpError {
    return azureError(
      403,
      'AuthorizationFailed',
      `The client '00000000-0000-0000-0000-00000000a0a1' with object id '00000000-0000-0000-0000-00000000a0a1' does not have authorization to perform action '${action}' over scope '${scope}' or the scope is invalid. If access was recently granted, please refresh your credentials.`,
    );
  }

  function page<T>(url: URL, origin: string, items: T[]): { value: T[]; nextLink?: string } {
    const skip = Number(url.searchParams.get('$skipToken') ?? 0) || 0;
    const value = items.slice(skip, skip + pageSize);
    if (skip + pageSize >= items.length) return { value };
    const next = new URL(`${url.pathname}${url.search}`, origin);
    next.searchParams.set('$skipToken', String(skip + pageSize));
    return { value, nextLink: next.href };
  }

  const accountId = `/subscriptions/${EMULATOR_SUBSCRIPTION}/resourceGroups/${EMULATOR_RESOURCE_GROUP}/providers/Microsoft.CognitiveServices/accounts/${EMULATOR_ACCOUNT}`;

  function account(origin: string) {
    return {
      id: accountId,
      name: EMULATOR_ACCOUNT,
      type: 'Microsoft.CognitiveServices/accounts',
      kind: 'OpenAI',
      location: 'emulator',
      sku: { name: 'S0' },
      properties: { endpoint: `${origin}/`, provisioningState: 'Succeeded', customSubDomainName: EMULATOR_ACCOUNT },
    };
  }

  function deploymentBody(d: DeploymentSpec) {
    return {
      id: `${accountId}/deployments/${d.name}`,
      name: d.name,
      type: 'Microsoft.CognitiveServices/accounts/deployments',
      sku: { name: d.sku, capacity: d.capacity },
      properties: { model: { format: 'OpenAI', name: d.model, version: d.version }, provisioningState: 'Succeeded', capabilities: { responses: 'true' } },
    };
  }

  function answer(req: IncomingMessage, res: ServerResponse, url: URL, method: string): void {
    const origin = `http://${req.headers.host ?? '127.0.0.1'}`;
    const path = url.pathname.replace(/\/+$/, '');
    if (method !== 'GET') throw azureError(405, 'MethodNotAllowed', 'The emulator serves read-only ARM calls.');
    checkVersion(url);
    requireEntra(req);
    if (path === '/subscriptions') {
      sendJson(res, 200, page(url, origin, [{ id: `/subscriptions/${EMULATOR_SUBSCRIPTION}`, subscriptionId: EMULATOR_SUBSCRIPTION, displayName: 'Emulator subscription', state: 'Enabled' }]));
      return;
    }
    if (path === `/subscriptions/${EMULATOR_SUBSCRIPTION}/providers/Microsoft.CognitiveServices/accounts`) {
      sendJson(res, 200, page(url, origin, [account(origin)]));
      return;
    }
    if (path.toLowerCase() === `${accountId}/deployments`.toLowerCase()) {
      if (forbidden) throw denied('Microsoft.CognitiveServices/accounts/deployments/read', accountId);
      sendJson(res, 200, page(url, origin, deployments.map(deploymentBody)));
      return;
    }
    if (/^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.CognitiveServices\/accounts\/[^/]+\/deployments$/i.test(path)) {
      throw azureError(404, 'ResourceNotFound', `The Resource '${path.split('/').slice(-3, -1).join('/')}' under resource group was not found.`);
    }
    throw azureError(404, 'InvalidResourceType', `The resource path '${path}' is not served by the emulator.`);
  }

  return {
    handle(req, res, url, method, rawBody) {
      if (url.pathname === '/_emulator/arm' && method === 'POST') {
        const body = rawBody.length ? (JSON.parse(rawBody.toString('utf8')) as { forbidden?: boolean; pageSize?: number }) : {};
        forbidden = Boolean(body.forbidden);
        pageSize = body.pageSize && body.pageSize > 0 ? body.pageSize : 100;
        sendJson(res, 200, { forbidden, pageSize });
        return true;
      }
      if (!url.pathname.startsWith('/subscriptions')) return false;
      try {
        answer(req, res, url, method);
      } catch (error) {
        if (!(error instanceof HttpError)) throw error;
        sendError(res, error);
      }
      return true;
    },
  };
}

/** GET /models for the data plane: the models the resource can deploy, OpenAI's list shape. */
export function modelList(): unknown {
  const created = 1_744_588_800;
  return {
    object: 'list',
    data: MODELS.map((id) => ({ id, object: 'model', created, owned_by: 'system', lifecycle_status: 'generally-available', capabilities: { chat_completion: !id.startsWith('text-embedding') && !id.startsWith('gpt-image'), embeddings: id.startsWith('text-embedding') } })),
  };
}

export const modelRoutes: Route[] = [{ method: 'GET', pattern: /^\/models$/, handler: (ctx) => sendJson(ctx.res, 200, modelList()) }];
