// The emulator's HTTP server: request log, URL forms, api-version, auth, faults, then routes.
import { createManagementApi, modelRoutes } from './management-api.ts';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { authenticate, managedIdentityToken, TokenIssuer, type AuthPolicy } from './auth.ts';
import type { EmulatorSettings, RequestContext, Route } from './context.ts';
import { FaultQueue, FaultSpecError, parseFault, PROXY_ERROR_PAGE, statusFaultAnswer, type FaultRule } from './faults.ts';
import { azureError, HttpError, notFound, readBody, sendError, sendJson, standardHeaders } from './http.ts';
import { randomHex } from './ids.ts';
import { redactLogEntry } from './redact-log.ts';
import { responseRoutes } from './responses-api.ts';
import { fileRoutes } from './files-api.ts';
import { batchRoutes, clearBatches, DEFAULT_BATCH_SETTINGS, type BatchSettings } from './batches-api.ts';
import { ResponseStore } from './store.ts';
import { quotaExceededAnswer, SimulatedQuota } from './rate-limits.ts';
import type { WireResponse } from './types.ts';

export interface EmulatorOptions {
  /** Loopback address to bind; default 127.0.0.1. */
  host?: string;
  /** Default 0: a free port. */
  port?: number;
  /** Default: 'emu-' and 32 random hex characters. */
  apiKey?: string;
  /** The managed-identity endpoint's secret header value; default random. */
  identityHeader?: string;
  /** Bearer tokens accepted verbatim (besides the key and tokens the emulator issued). */
  acceptTokens?: string[];
  /** When non-empty, any other `model` gets 404 DeploymentNotFound. */
  deployments?: string[];
  /** How long background jobs stay queued (default 100 ms). */
  queueMs?: number;
  /** Pause between streamed and background events (default 0). */
  eventDelayMs?: number;
  /** Batch jobs: their clock, the enqueued-token quota and the timestamp style (batches-api.ts). */
  batch?: Partial<BatchSettings>;
  /** Fault rules queued at start, in the SPEC syntax. */
  faults?: string[];
  /** Simulated RPM/TPM quotas, e.g. 'rpm=6000,tpm=1000000' or 'gpt-4.1:rpm=60' (rate-limits.ts). */
  rateLimits?: string[];
  /** The clock of the simulated quotas (tests drive it); default Date.now. */
  quotaClock?: () => number;
  /** Stored responses kept at most (default DEFAULT_MAX_STORED); the oldest go first. */
  maxStored?: number;
  /** Called after each request is answered (or its connection dropped). */
  onRequest?: (entry: RecordedRequest) => void;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  /** Raw headers with lower-case names (tests check which auth header came). */
  headers: Record<string, string>;
  /** Parsed JSON, the raw text when it is not JSON, or undefined when empty. */
  body: unknown;
  /** Status sent; 0 when the connection was reset or dropped before an answer. */
  status: number;
  startedAt: number;
}

export interface Emulator {
  /** The Azure "endpoint": http://127.0.0.1:PORT */
  readonly url: string;
  readonly apiKey: string;
  readonly identityEndpoint: string;
  readonly identityHeader: string;
  readonly requests: RecordedRequest[];
  addFault(spec: string | FaultRule): void;
  clearFaults(): void;
  issueToken(options?: { expiresInSeconds?: number; tenantId?: string }): { token: string; expiresOn: number };
  getStored(id: string): WireResponse | undefined;
  close(): Promise<void>;
}

/** Requests the log (GET /_emulator/requests) keeps: the latest ones; bodies included, so bounded. */
export const MAX_REQUEST_LOG = 10_000;
const REQUEST_LOG_SLACK = 1000;

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|localhost|::1)$/;

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const host = options.host ?? '127.0.0.1';
  if (!LOOPBACK.test(host)) throw new Error(`the emulator binds loopback addresses only, not ${host}`);
  const apiKey = options.apiKey ?? `emu-${randomHex(16)}`;
  const identityHeader = options.identityHeader ?? randomHex(16);
  const issuer = new TokenIssuer();
  const policy: AuthPolicy = { apiKey, issuer, acceptTokens: new Set(options.acceptTokens ?? []) };
  const settings: EmulatorSettings = {
    queueMs: options.queueMs ?? 100,
    eventDelayMs: options.eventDelayMs ?? 0,
    deployments: new Set(options.deployments ?? []),
    batch: { ...DEFAULT_BATCH_SETTINGS, ...options.batch },
  };
  const store = new ResponseStore(options.maxStored);
  const faults = new FaultQueue();
  for (const spec of options.faults ?? []) faults.add(spec);
  const quota = new SimulatedQuota(options.rateLimits ?? [], options.quotaClock);
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  const routes: Route[] = [...responseRoutes, ...fileRoutes, ...batchRoutes, ...modelRoutes];
  const management = createManagementApi(policy, settings.deployments);

  const server = createServer((req, res) => {
    void handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { error: { code: 'EmulatorError', message: (error as Error).message } });
      else res.destroy();
    });
  });
  // Azure's front end keeps an idle connection open for minutes; Node's default (5 s) would make a
  // busy client that reuses a connection a moment late meet "other side closed" all the time.
  server.keepAliveTimeout = 120_000;
  server.headersTimeout = 125_000;
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://emulator');
    const entry: RecordedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: flattenHeaders(req),
      body: undefined,
      status: 0,
      startedAt: Date.now(),
    };
    // The log is API traffic; the admin routes that read it stay out of it.
    if (!url.pathname.startsWith('/_emulator/')) {
      requests.push(entry);
      // The log keeps the latest MAX_REQUEST_LOG requests (cut in steps, not one at a time).
      if (requests.length > MAX_REQUEST_LOG + REQUEST_LOG_SLACK) requests.splice(0, requests.length - MAX_REQUEST_LOG);
    }
    res.once('close', () => {
      entry.status = res.headersSent && res.writableFinished ? res.statusCode : res.headersSent ? res.statusCode : 0;
      options.onRequest?.(entry);
    });
    try {
      const rawBody = await readBody(req);
      entry.body = parseLoggedBody(rawBody);
      if (management.handle(req, res, url, entry.method, rawBody)) return;
      if (url.pathname.startsWith('/_emulator/')) return handleAdmin(url, entry.method, rawBody, res);
      if (url.pathname === '/msi/token' && entry.method === 'GET') {
        const fault = takeFault(req, entry, false);
        if (fault && (await answerImmediateFault(fault, req, res))) return;
        sendJson(res, 200, managedIdentityToken(url.searchParams, req.headers, identityHeader, issuer));
        return;
      }
      const located = locate(url);
      if (!located) throw notFound();
      const { route, params, subPath } = matchRoute(routes, entry.method, located.subPath);
      checkApiVersion(located.form, url.searchParams);
      authenticate(req.headers, policy);
      const streaming = route.isStream?.({ url, body: entry.body }) ?? false;
      const fault = takeFault(req, entry, streaming);
      if (fault && (await answerImmediateFault(fault, req, res))) return;
      if (quota.enabled && entry.method === 'POST' && located.subPath === '/responses' && !chargeQuota(entry.body, res)) return;
      const ctx: RequestContext = { req, res, url, subPath, params, rawBody, headers: entry.headers, store, settings, fault };
      await route.handler(ctx);
    } catch (error) {
      if (!(error instanceof HttpError)) throw error;
      if (res.headersSent) res.destroy();
      else sendError(res, error);
    }
  }

  /** Charge a create request to its deployment's simulated quota; false when it was answered 429. */
  function chargeQuota(body: unknown, res: ServerResponse): boolean {
    const request = typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
    const decision = quota.admit(typeof request.model === 'string' ? request.model : '', request);
    if (!decision.allowed) {
      const answer = quotaExceededAnswer(decision);
      sendJson(res, answer.status, answer.body, answer.headers);
      return false;
    }
    for (const [name, value] of Object.entries(decision.headers)) res.setHeader(name, value);
    return true;
  }

  function takeFault(req: IncomingMessage, entry: RecordedRequest, stream: boolean): FaultRule | undefined {
    const header = req.headers['x-emulator-fault'];
    if (typeof header === 'string' && header.trim()) {
      try {
        return parseFault(header);
      } catch (error) {
        if (error instanceof FaultSpecError) throw azureError(400, 'EmulatorFaultInvalid', `x-emulator-fault: ${error.message}`);
        throw error;
      }
    }
    return faults.take({ method: entry.method, path: entry.path, stream });
  }

  function handleAdmin(url: URL, method: string, rawBody: Buffer, res: ServerResponse): void {
    const path = url.pathname;
    if (path === '/_emulator/requests' && method === 'GET') {
      sendJson(res, 200, requests.map(redactLogEntry));
    } else if (path === '/_emulator/faults' && method === 'POST') {
      const text = rawBody.toString('utf8').trim();
      try {
        faults.add(text.startsWith('{') ? (JSON.parse(text) as FaultRule) : text);
      } catch (error) {
        throw azureError(400, 'EmulatorFaultInvalid', (error as Error).message);
      }
      sendJson(res, 200, { ok: true });
    } else if (path === '/_emulator/faults' && method === 'DELETE') {
      faults.clear();
      sendJson(res, 200, { ok: true });
    } else if (path === '/_emulator/reset' && method === 'POST') {
      store.clear();
      clearBatches(store);
      faults.clear();
      requests.length = 0;
      sendJson(res, 200, { ok: true });
    } else {
      throw notFound();
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the emulator could not determine its port');
  const url = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;

  return {
    url,
    apiKey,
    identityEndpoint: `${url}/msi/token`,
    identityHeader,
    requests,
    addFault: (spec) => faults.add(spec),
    clearFaults: () => faults.clear(),
    issueToken: (tokenOptions) => issuer.issue(tokenOptions),
    getStored: (id) => store.get(id)?.response,
    close: async () => {
      store.clear();
      clearBatches(store);
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}

/** `/openai/v1/…` (v1) or `/openai/…` (dated api-version); anything else is not an API path. */
function locate(url: URL): { form: 'v1' | 'dated'; subPath: string } | undefined {
  const path = url.pathname.replace(/\/+$/, '');
  if (path.startsWith('/openai/v1/')) return { form: 'v1', subPath: path.slice('/openai/v1'.length) };
  if (path.startsWith('/openai/')) return { form: 'dated', subPath: path.slice('/openai'.length) };
  return undefined;
}

function matchRoute(routes: Route[], method: string, subPath: string): { route: Route; params: string[]; subPath: string } {
  for (const route of routes) {
    if (route.method !== method) continue;
    const match = route.pattern.exec(subPath);
    if (match) return { route, params: match.slice(1).map((p) => decodeURIComponent(p)), subPath };
  }
  throw notFound();
}

function checkApiVersion(form: 'v1' | 'dated', query: URLSearchParams): void {
  const version = query.get('api-version');
  if (form === 'v1') {
    if (version !== null && version !== 'v1' && version !== 'preview') throw azureError(400, 'BadRequest', 'API version not supported');
    return;
  }
  if (version === null || !/^\d{4}-\d{2}-\d{2}(-preview)?$/.test(version)) throw notFound();
  // The Responses API exists from the 2025-03-01-preview API version on.
  if (version < '2025-03-01') throw notFound();
}

async function answerImmediateFault(fault: FaultRule, req: IncomingMessage, res: ServerResponse): Promise<boolean> {
  if (fault.reset) {
    req.socket.destroy();
    return true;
  }
  if (fault.status !== undefined) {
    if (fault.delayMs) await sleep(fault.delayMs);
    const answer = statusFaultAnswer(fault);
    sendJson(res, answer.status, answer.body, answer.headers);
    return true;
  }
  if (fault.body === 'html') {
    res.writeHead(502, { ...standardHeaders(), 'content-type': 'text/html' });
    res.end(PROXY_ERROR_PAGE);
    return true;
  }
  if (fault.body === 'truncated') {
    const whole = JSON.stringify({ id: 'resp_truncated', object: 'response', status: 'completed', output: [{ type: 'message', content: [] }] });
    const half = whole.slice(0, Math.floor(whole.length / 2));
    res.writeHead(200, { ...standardHeaders(), 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(half)) });
    res.end(half);
    return true;
  }
  if (fault.contentType !== undefined) {
    const body = 'The upstream service answered with something that is not JSON.\n';
    res.writeHead(200, { ...standardHeaders(), 'content-type': fault.contentType, 'content-length': String(Buffer.byteLength(body)) });
    res.end(body);
    return true;
  }
  return false;
}

function flattenHeaders(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

function parseLoggedBody(raw: Buffer): unknown {
  if (raw.length === 0) return undefined;
  const text = raw.toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
