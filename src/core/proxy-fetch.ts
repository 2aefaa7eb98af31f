// fetch through the configured proxy, with the undici that Node's own fetch already carries:
// no second HTTP stack (and no second llhttp WebAssembly to compile) is loaded for a proxied run.
// Plain http:// targets are sent to the proxy in absolute form (as curl does); https:// targets
// go through a CONNECT tunnel that this module opens itself and hands to Node's agent as the
// connection, so TLS to the service, keep-alive and bodies behave exactly as on a direct run.
import { connect as netConnect, isIP, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { ApiError, oneLine } from './errors.ts';
import { displayProxy, proxyFor, type Proxy, type ProxyRoutes } from './proxy.ts';
import { nodeAgentClass, type Dispatcher, type DispatchOptions } from './node-dispatcher.ts';
import { describeSource } from './settings.ts';

export type FetchFunction = typeof fetch;

/** Bound on a proxy's answer to CONNECT (status line and headers). */
const MAX_TUNNEL_HEADER_BYTES = 16 * 1024;
const TUNNEL_TIMEOUT_MS = 30_000;

/** The proxy's own refusal: a CONNECT answered with something other than 200, or a 407. */
class TunnelRefused extends Error {
  constructor(readonly statusCode: number) {
    super(`proxy answered with HTTP ${statusCode}`);
  }
}

export function createProxiedFetch(routes: ProxyRoutes, debug?: (line: string) => void): FetchFunction {
  const tunnels = new Map<string, Promise<Dispatcher>>();
  let plainAgent: Promise<Dispatcher> | undefined;
  return async (input, init) => {
    const target = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    const proxy = proxyFor(target, routes);
    if (debug) debug(proxy ? `route: ${target.host} through proxy ${displayProxy(proxy.url)} (from ${describeSource(proxy.source)})` : `route: ${target.host} direct (NO_PROXY)`);
    if (!proxy) return fetch(input, init);
    const answered: { status?: number } = {};
    let dispatcher: Dispatcher;
    if (target.protocol === 'https:') {
      let tunnel = tunnels.get(proxy.url.href);
      if (!tunnel) tunnels.set(proxy.url.href, (tunnel = tunnellingAgent(proxy.url)));
      dispatcher = await tunnel;
    } else {
      plainAgent ??= nodeAgentClass().then((Agent) => new Agent());
      dispatcher = absoluteFormDispatcher(await plainAgent, proxy.url, answered);
    }
    let response: Response;
    try {
      // Node's fetch takes a dispatcher; the DOM typings of RequestInit do not know it.
      response = await fetch(input, { ...init, dispatcher } as unknown as RequestInit);
    } catch (error) {
      if (init?.signal?.aborted || causeChain(error).some((e) => (e as { insideTunnel?: boolean }).insideTunnel)) throw error;
      throw proxyFailure(proxy, target, answered.status === 407 ? new TunnelRefused(407) : error);
    }
    if (answeredByProxy(response)) {
      await response.body?.cancel();
      throw new ProxyError(`proxy ${displayProxy(proxy.url)} refused the request to ${target.host} (HTTP ${response.status}, ${response.headers.get('content-type')?.split(';')[0] ?? 'no content type'})`, proxy);
    }
    return response;
  };
}

/** Proxy-Authorization for credentials in the proxy URL (Basic, as curl sends them). */
function proxyAuthorization(proxyUrl: URL): string | undefined {
  if (!proxyUrl.username) return undefined;
  const user = decodeURIComponent(proxyUrl.username);
  const password = decodeURIComponent(proxyUrl.password);
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

/**
 * http:// targets: the request goes to the proxy's origin with the whole target URL as its path
 * (absolute form) and the target in Host, on Node's agent. One per request, because fetch turns a
 * 407 into a bare network error: the dispatcher notes the status so the failure can name it.
 */
function absoluteFormDispatcher(agent: Dispatcher, proxyUrl: URL, answered: { status?: number }): Dispatcher {
  const authorization = proxyAuthorization(proxyUrl);
  return {
    dispatch(options, handler) {
      const origin = new URL(String(options.origin));
      const headers: Record<string, string | string[]> = { ...headerObject(options.headers), host: origin.host };
      if (authorization) headers['proxy-authorization'] = authorization;
      return agent.dispatch({ ...options, origin: proxyUrl.origin, path: `${origin.origin}${options.path}`, headers }, noteStatus(handler, answered));
    },
  };
}

/** The handler as it was, except that the status it is given (either handler style) is noted. */
function noteStatus(handler: unknown, answered: { status?: number }): unknown {
  return new Proxy(handler as object, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      if (property === 'onHeaders') {
        return (status: number, ...rest: unknown[]) => {
          answered.status = status;
          return (value as (...args: unknown[]) => unknown).call(target, status, ...rest);
        };
      }
      if (property === 'onResponseStart') {
        return (controller: unknown, status: number, ...rest: unknown[]) => {
          answered.status = status;
          return (value as (...args: unknown[]) => unknown).call(target, controller, status, ...rest);
        };
      }
      return (value as (...args: unknown[]) => unknown).bind(target);
    },
  });
}

/** fetch hands headers as an object; undici also accepts a flat [name, value, …] list. */
function headerObject(headers: DispatchOptions['headers']): Record<string, string | string[]> {
  if (!headers) return {};
  if (!Array.isArray(headers)) return { ...headers };
  const object: Record<string, string> = {};
  for (let i = 0; i + 1 < headers.length; i += 2) object[headers[i]!.toLowerCase()] = headers[i + 1]!;
  return object;
}

/** https:// targets: Node's agent, whose connections are CONNECT tunnels through the proxy. */
async function tunnellingAgent(proxyUrl: URL): Promise<Dispatcher> {
  const Agent = await nodeAgentClass();
  const authorization = proxyAuthorization(proxyUrl);
  return new Agent({
    connect(options, callback) {
      const servername = options.servername || (isIP(options.hostname) ? undefined : options.hostname);
      const port = options.port || '443';
      openTunnel(proxyUrl, `${bracketed(options.hostname)}:${port}`, authorization).then(
        (socket) => {
          const secure = tlsConnect({ socket, servername, ALPNProtocols: ['http/1.1'] });
          // The service's TLS, not the proxy's doing: reported as on a direct run.
          const fail = (error: Error) => callback(Object.assign(error, { insideTunnel: true }), null);
          secure.once('error', fail);
          secure.once('secureConnect', () => {
            secure.removeListener('error', fail);
            callback(null, secure);
          });
        },
        (error: Error) => callback(error, null),
      );
    },
  });
}

function bracketed(hostname: string): string {
  return isIP(hostname) === 6 && !hostname.startsWith('[') ? `[${hostname}]` : hostname;
}

/** A socket to the proxy (TLS for an https:// proxy) after a 200 answer to CONNECT authority. */
function openTunnel(proxyUrl: URL, authority: string, authorization: string | undefined): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const port = Number(proxyUrl.port) || (proxyUrl.protocol === 'https:' ? 443 : 80);
    const host = proxyUrl.hostname.replace(/^\[|\]$/g, '');
    const socket: Socket =
      proxyUrl.protocol === 'https:'
        ? tlsConnect({ host, port, servername: isIP(host) ? undefined : host, ALPNProtocols: ['http/1.1'] })
        : netConnect({ host, port });
    let received = Buffer.alloc(0);
    const done = (error?: Error) => {
      socket.removeListener('data', onData);
      socket.removeListener('error', done);
      socket.removeListener('end', onEnd);
      socket.setTimeout(0);
      if (error) {
        socket.destroy();
        reject(error);
      } else resolve(socket);
    };
    const onEnd = () => done(Object.assign(new Error('proxy closed the connection during CONNECT'), { code: 'ECONNRESET' }));
    const onData = (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      const end = received.indexOf('\r\n\r\n');
      if (end < 0) {
        if (received.length > MAX_TUNNEL_HEADER_BYTES) done(new Error('proxy answer to CONNECT is too long'));
        return;
      }
      const status = /^HTTP\/1\.[01] (\d{3})/.exec(received.subarray(0, end).toString('latin1'));
      if (!status) return done(new Error('proxy answered CONNECT with something that is not HTTP'));
      if (status[1] !== '200') return done(new TunnelRefused(Number(status[1])));
      // Bytes after the answer belong to the tunnel; a proxy sends none before the client speaks.
      if (received.length > end + 4) socket.unshift(received.subarray(end + 4));
      done();
    };
    socket.setTimeout(TUNNEL_TIMEOUT_MS, () => done(Object.assign(new Error('proxy did not answer CONNECT'), { code: 'ETIMEDOUT' })));
    socket.once('error', done);
    socket.once('end', onEnd);
    socket.on('data', onData);
    socket.once(proxyUrl.protocol === 'https:' ? 'secureConnect' : 'connect', () => {
      const lines = [`CONNECT ${authority} HTTP/1.1`, `Host: ${authority}`];
      if (authorization) lines.push(`Proxy-Authorization: ${authorization}`);
      socket.write(`${lines.join('\r\n')}\r\n\r\n`);
    });
  });
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

/** fetch wraps undici's error ("fetch failed"); the reason is somewhere down the cause chain. */
function causeChain(error: unknown): unknown[] {
  const chain: unknown[] = [];
  for (let e: unknown = error; e && chain.length < 5; e = (e as { cause?: unknown }).cause) chain.push(e);
  return chain;
}

function proxyFailure(proxy: Proxy, target: URL, error: unknown): Error {
  const chain = causeChain(error);
  const code = chain.map((e) => (e as NodeJS.ErrnoException).code).find((c) => typeof c === 'string' && c !== '');
  const message = oneLine(chain.map((e) => (e instanceof Error ? e.message : String(e))).join(' / '));
  const shown = displayProxy(proxy.url);
  const tunnel = chain.find((e): e is TunnelRefused => e instanceof TunnelRefused);
  if (tunnel?.statusCode === 407) return new ProxyError(`proxy ${shown} asks for credentials (HTTP 407 Proxy Authentication Required)`, proxy);
  if (tunnel) return new ProxyError(`proxy ${shown} refused to connect to ${target.host} (HTTP ${tunnel.statusCode} to CONNECT)`, proxy);
  if (code === 'ECONNREFUSED') return new ProxyError(`cannot reach proxy ${shown}: connection refused`, proxy);
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return new ProxyError(`cannot reach proxy ${shown}: host not found`, proxy);
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET') return new ProxyError(`proxy ${shown} closed the connection to ${target.host}`, proxy);
  if (code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'ETIMEDOUT') return new ProxyError(`cannot reach proxy ${shown}: connection timed out`, proxy);
  return new ProxyError(`request to ${target.host} through proxy ${shown} failed: ${code ?? message.slice(0, 200)}`, proxy);
}
