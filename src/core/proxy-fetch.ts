// fetch through the configured proxy. Loaded (with undici's ProxyAgent) only when a proxy is
// configured. Node's own fetch does the request; undici's agent is its dispatcher, so bodies
// (FormData uploads, streams) behave exactly as on a direct run. Plain http:// targets are sent
// to the proxy in absolute form (as curl does); https:// targets go through a CONNECT tunnel.
import ProxyAgent from 'undici/lib/dispatcher/proxy-agent.js';
import Agent from 'undici/lib/dispatcher/agent.js';
import Dispatcher from 'undici/lib/dispatcher/dispatcher.js';
import connect from 'undici/lib/api/api-connect.js';
import { ApiError, oneLine } from './errors.ts';
import { displayProxy, proxyFor, type Proxy, type ProxyRoutes } from './proxy.ts';
import { describeSource } from './settings.ts';

export type FetchFunction = typeof fetch;

// undici's index adds request/connect/… to every dispatcher; ProxyAgent's tunnel needs connect
// (the rest would bring in undici's own fetch and body parsers, which aoai never uses).
Object.assign(Dispatcher.prototype, { connect });

export function createProxiedFetch(routes: ProxyRoutes, debug?: (line: string) => void): FetchFunction {
  const agents = new Map<string, InstanceType<typeof ProxyAgent>>();
  let direct: InstanceType<typeof Agent> | undefined;
  const agentFor = (proxy: Proxy) => {
    let agent = agents.get(proxy.url.href);
    if (!agent) {
      agent = new ProxyAgent({ uri: proxy.url.href, proxyTunnel: false });
      agents.set(proxy.url.href, agent);
    }
    return agent;
  };
  return async (input, init) => {
    const target = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    const proxy = proxyFor(target, routes);
    if (debug) debug(proxy ? `route: ${target.host} through proxy ${displayProxy(proxy.url)} (from ${describeSource(proxy.source)})` : `route: ${target.host} direct (NO_PROXY)`);
    const dispatcher = proxy ? agentFor(proxy) : (direct ??= new Agent());
    let response: Response;
    try {
      // Node's fetch takes an undici dispatcher; its bundled undici types differ from the package's.
      response = await fetch(input, { ...init, dispatcher } as unknown as RequestInit);
    } catch (error) {
      if (proxy && !init?.signal?.aborted) throw proxyFailure(proxy, target, error);
      throw error;
    }
    if (proxy && response.status === 407) {
      await response.body?.cancel();
      throw new ProxyError(`proxy ${displayProxy(proxy.url)} asks for credentials (HTTP 407 Proxy Authentication Required)`, proxy);
    }
    if (proxy && answeredByProxy(response)) {
      await response.body?.cancel();
      throw new ProxyError(`proxy ${displayProxy(proxy.url)} refused the request to ${target.host} (HTTP ${response.status}, ${response.headers.get('content-type')?.split(';')[0] ?? 'no content type'})`, proxy);
    }
    return response;
  };
}

/**
 * A refusal written by the proxy itself rather than the service: an error status with none of
 * the headers every Azure OpenAI answer carries (a request id) and no JSON body.
 */
function answeredByProxy(response: Response): boolean {
  if (![403, 502, 503, 504].includes(response.status)) return false;
  const headers = response.headers;
  if (headers.has('apim-request-id') || headers.has('x-request-id') || headers.has('x-ms-request-id')) return false;
  return !/json/i.test(headers.get('content-type') ?? '');
}

/** A proxy that refused or failed: one line naming the proxy and where that setting came from. */
export class ProxyError extends ApiError {
  constructor(message: string, proxy: Proxy) {
    super(message, {
      hint: `check the proxy (from ${describeSource(proxy.source)}); credentials go in the URL: http://USER:PASSWORD@HOST:PORT, hosts to reach directly in NO_PROXY`,
    });
  }
}

function proxyFailure(proxy: Proxy, target: URL, error: unknown): Error {
  // fetch wraps undici's error ("fetch failed"); the reason is somewhere down the cause chain.
  const chain: unknown[] = [];
  for (let e: unknown = error; e && chain.length < 5; e = (e as { cause?: unknown }).cause) chain.push(e);
  const code = chain.map((e) => (e as NodeJS.ErrnoException).code).find((c) => typeof c === 'string' && c !== '');
  const message = oneLine(chain.map((e) => (e instanceof Error ? e.message : String(e))).join(' / '));
  const shown = displayProxy(proxy.url);
  // undici reports a refused CONNECT as "Proxy response (403) !== 200 when HTTP Tunneling".
  const tunnel = /Proxy response \((\d+)\)/.exec(message);
  if (tunnel?.[1] === '407' || /Proxy Authentication Required/.test(message)) {
    return new ProxyError(`proxy ${shown} asks for credentials (HTTP 407 Proxy Authentication Required)`, proxy);
  }
  if (tunnel) return new ProxyError(`proxy ${shown} refused to connect to ${target.host} (HTTP ${tunnel[1]} to CONNECT)`, proxy);
  if (code === 'ECONNREFUSED') return new ProxyError(`cannot reach proxy ${shown}: connection refused`, proxy);
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return new ProxyError(`cannot reach proxy ${shown}: host not found`, proxy);
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET') return new ProxyError(`proxy ${shown} closed the connection to ${target.host}`, proxy);
  if (code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'ETIMEDOUT') return new ProxyError(`cannot reach proxy ${shown}: connection timed out`, proxy);
  return new ProxyError(`request to ${target.host} through proxy ${shown} failed: ${code ?? message.slice(0, 200)}`, proxy);
}
