// The bulk transport (src/core/bulk-fetch.ts), against loopback servers that answer in every shape
// a service (or something pretending to be one) may: it must hand the SDK what fetch would.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bulkFetch } from '../../src/core/bulk-fetch.ts';
import { boundResponse, MB, ResponseLimitError } from '../../src/core/http-limits.ts';

type Handler = (request: IncomingMessage, response: ServerResponse, body: string) => void;
const routes = new Map<string, Handler>();
let server: Server;
let base: string;
const sockets = new Set<Socket>();

beforeAll(async () => {
  server = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (body += chunk));
    request.on('end', () => routes.get(request.url!)!(request, response, body));
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => server.close(resolve));
});

const fallbackCalls: string[] = [];
const fallback: typeof fetch = (input, init) => {
  fallbackCalls.push(String(input instanceof Request ? input.url : input));
  return fetch(input, init);
};
const send = bulkFetch({ fallback, goesDirect: (target) => target.hostname !== 'proxied.test', maxBufferedBytes: 64 * 1024 });
const limits = { timeoutMs: 60_000, maxResponseBytes: MB, maxErrorBytes: 1000, maxEventLineBytes: MB, maxSpoolBytes: 10 * MB };

function route(path: string, handler: Handler): string {
  routes.set(path, handler);
  return `${base}${path}`;
}

describe('bulkFetch', () => {
  it('sends the method, headers and body; a small answer comes back whole, already bounded', async () => {
    const url = route('/small', (request, response, body) => {
      response.setHeader('content-type', 'application/json');
      response.setHeader('x-ratelimit-remaining-requests', '41');
      response.end(JSON.stringify({ method: request.method, key: request.headers['api-key'], length: request.headers['content-length'], body }));
    });
    const response = await send(url, { method: 'post', headers: new Headers({ 'api-key': 'k1', 'content-type': 'application/json' }), body: '{"é":1}' });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-ratelimit-remaining-requests')).toBe('41');
    // boundResponse hands it on as it is: it was read within the caps already.
    expect(await boundResponse(response, new URL(url), limits, Date.now() + 1000)).toBe(response);
    expect(await response.json()).toEqual({ method: 'POST', key: 'k1', length: '8', body: '{"é":1}' });
  });

  it('a large, chunked or compressed answer is a stream that boundedFetch then guards', async () => {
    const big = 'x'.repeat(200 * 1024);
    const chunkedUrl = route('/chunked', (_request, response) => {
      response.write('{"a":"');
      setTimeout(() => response.end('b"}'), 20);
    });
    const chunked = await send(chunkedUrl, {});
    expect(await (await boundResponse(chunked, new URL(chunkedUrl), limits, Date.now() + 1000)).text()).toBe('{"a":"b"}');
    const largeUrl = route('/large', (_request, response) => response.end(JSON.stringify({ big })));
    const large = await send(largeUrl, {});
    const bounded = await boundResponse(large, new URL(largeUrl), { ...limits, maxResponseBytes: 100 * 1024 }, Date.now() + 1000);
    expect(bounded).not.toBe(large);
    await expect(bounded.text()).rejects.toBeInstanceOf(ResponseLimitError);
    // A gzip answer nobody asked for is undone, as fetch does; the cap counts what it decodes to.
    const gzipUrl = route('/gzip', (_request, response) => {
      response.setHeader('content-encoding', 'gzip');
      response.end(gzipSync(JSON.stringify({ big })));
    });
    expect((await (await send(gzipUrl, {})).json()) as unknown).toEqual({ big });
    const bomb = await boundResponse(await send(gzipUrl, {}), new URL(gzipUrl), { ...limits, maxResponseBytes: 1000 }, Date.now() + 1000);
    await expect(bomb.text()).rejects.toBeInstanceOf(ResponseLimitError);
  });

  it('an error answer, an empty one and an odd status line come back as fetch gives them', async () => {
    const errorUrl = route('/error', (_request, response) => {
      response.writeHead(429, { 'retry-after-ms': '250', 'content-type': 'application/json' });
      response.end('{"error":{"code":"429"}}');
    });
    const limited = await send(errorUrl, {});
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after-ms')).toBe('250');
    expect(await limited.text()).toBe('{"error":{"code":"429"}}');
    const emptyUrl = route('/empty', (_request, response) => {
      response.writeHead(204);
      response.end();
    });
    const empty = await send(emptyUrl, {});
    expect(empty.status).toBe(204);
    expect(empty.body).toBeNull();
    // Node's server will not write such a status line: it goes on the socket by hand.
    const oddUrl = route('/odd', (_request, response) => {
      response.socket!.end('HTTP/1.1 200 OK\x7f\x01\r\ncontent-length: 2\r\nconnection: close\r\n\r\n{}');
    });
    expect((await send(oddUrl, {})).statusText).toBe('');
    // A status no Response can have is a failed fetch (TypeError), as with fetch itself.
    const impossibleUrl = route('/impossible', (_request, response) => {
      response.writeHead(999);
      response.end('{}');
    });
    await expect(send(impossibleUrl, {})).rejects.toThrow(TypeError);
    // A redirect is answered, not followed: it must not carry the key elsewhere.
    const redirectUrl = route('/redirect', (_request, response) => {
      response.writeHead(307, { location: 'http://127.0.0.1:9/elsewhere' });
      response.end();
    });
    expect((await send(redirectUrl, {})).status).toBe(307);
  });

  it('a connection that drops, or refuses, fails as fetch does: a TypeError with the system error as its cause', async () => {
    const dropUrl = route('/drop', (_request, response) => {
      response.writeHead(200, { 'content-length': '100' });
      response.write('{"partial":');
      setTimeout(() => response.socket?.destroy(), 10);
    });
    const dropped = await send(dropUrl, {}).catch((error: unknown) => error);
    expect(dropped).toBeInstanceOf(TypeError);
    expect(((dropped as Error).cause as NodeJS.ErrnoException).code).toBe('ECONNRESET');
    const streamDropUrl = route('/stream-drop', (_request, response) => {
      response.write('{"partial":');
      setTimeout(() => response.socket?.destroy(), 10);
    });
    const streaming = await send(streamDropUrl, {});
    await expect(streaming.text()).rejects.toThrow(TypeError);
    const refused = await send('http://127.0.0.1:9/refused', {}).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(TypeError);
    expect(((refused as Error).cause as NodeJS.ErrnoException).code).toBe('ECONNREFUSED');
  });

  it('an abort before the answer rejects with the signal reason; during a streamed body, the body fails', async () => {
    const slowUrl = route('/slow', (_request, response) => setTimeout(() => response.end('{}'), 2000));
    const controller = new AbortController();
    const pending = send(slowUrl, { signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    const error = await pending.catch((e: unknown) => e);
    expect((error as Error).name).toBe('AbortError');
    const trickleUrl = route('/trickle', (_request, response) => {
      response.write('{"a":');
      setTimeout(() => response.end('1}'), 2000);
    });
    const later = new AbortController();
    const streamed = await send(trickleUrl, { signal: later.signal });
    setTimeout(() => later.abort(), 20);
    const bodyError = await streamed.text().catch((e: unknown) => e);
    expect((bodyError as Error).name).toBe('AbortError');
    const already = new AbortController();
    already.abort();
    await expect(send(slowUrl, { signal: already.signal })).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('hands a proxy route, a Request object or a form body to the ordinary transport', async () => {
    fallbackCalls.length = 0;
    const url = route('/fallback', (_request, response) => response.end('{}'));
    await send(new Request(url), {});
    const form = new FormData();
    form.set('purpose', 'batch');
    await send(url, { method: 'POST', body: form });
    await send('http://proxied.test:1/x', {}).catch(() => undefined);
    expect(fallbackCalls).toEqual([url, url, 'http://proxied.test:1/x']);
  });
});
