// fetch for `aoai batch run`: thousands of small JSON requests sent over Node's own http/https
// agent rather than its fetch. Node's fetch (undici) spends about half a millisecond of CPU on
// each request before a byte is sent (a Request object, a clone of it, the body turned into a
// stream and written in pieces, a web stream for the answer); at 50 requests in flight that CPU,
// not the network, sets the pace. Measured over 5,000 requests: 7.7 s of CPU through fetch, 5.1 s
// through the agent (docs/performance.md, Batch).
//
// It handles what the batch client sends (a method, headers, a string body) on a direct or pinned
// route; anything else (a proxy route, a stream or form body, a Request object) goes to the
// ordinary transport. What comes back is a standard Response, bounded as any other
// (http-limits.ts): a small answer of known length is read whole before the Response is handed
// over (the SDK's per-attempt timeout covers it, and it cannot hold an image worth spooling); a
// larger, chunked or compressed one is handed over as a stream for boundedFetch to guard.
import http from 'node:http';
import https from 'node:https';
import type { Readable } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import type { PinnedHost } from './address-trust.ts';
import { markBounded } from './http-limits.ts';
import { pinnedLookup } from './pinned-fetch.ts';

export interface BulkFetchOptions {
  /** The ordinary transport, for whatever this one does not handle. */
  fallback: typeof fetch;
  /** False for a URL that must go through a proxy (then `fallback` sends it). */
  goesDirect: (target: URL) => boolean;
  /** http:// to this name connects to its checked addresses only (pinned-fetch.ts). */
  pin?: PinnedHost | undefined;
  /** A successful answer of known length up to this is read whole before the Response resolves. */
  maxBufferedBytes: number;
}

/** Statuses whose Response may not have a body (the fetch standard's null body statuses). */
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

export function bulkFetch(options: BulkFetchOptions): typeof fetch {
  const agents = { 'http:': new http.Agent({ keepAlive: true }), 'https:': new https.Agent({ keepAlive: true }) };
  const lookup = options.pin ? pinnedLookup(options.pin) : undefined;
  return (input, init) => {
    const body = init?.body;
    if ((typeof input !== 'string' && !(input instanceof URL)) || !(body === undefined || body === null || typeof body === 'string')) return options.fallback(input, init);
    const target = new URL(input);
    if ((target.protocol !== 'http:' && target.protocol !== 'https:') || !options.goesDirect(target)) return options.fallback(input, init);
    const pinned = lookup && target.protocol === 'http:' && target.hostname.toLowerCase() === options.pin!.hostname;
    return send(target, init ?? {}, body ?? undefined, {
      agent: agents[target.protocol],
      lookup: pinned ? lookup : undefined,
      maxBufferedBytes: options.maxBufferedBytes,
    });
  };
}

interface SendOptions {
  agent: http.Agent;
  lookup: ReturnType<typeof pinnedLookup> | undefined;
  maxBufferedBytes: number;
}

function send(target: URL, init: RequestInit, body: string | undefined, options: SendOptions): Promise<Response> {
  return new Promise((resolve, reject) => {
    const signal = init.signal ?? undefined;
    if (signal?.aborted) {
      reject(abortReason(signal));
      return;
    }
    const payload = body === undefined ? undefined : Buffer.from(body);
    const headers = headerRecord(init.headers);
    if (payload) headers['content-length'] = String(payload.length);
    const method = (init.method ?? 'GET').toUpperCase();
    let settled = false;
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      outcome();
    };
    const request = (target.protocol === 'https:' ? https : http).request({
      protocol: target.protocol,
      // The URL writes an IPv6 address in brackets; the agent wants it bare.
      hostname: target.hostname.replace(/^\[(.*)\]$/, '$1'),
      port: target.port || undefined,
      path: `${target.pathname}${target.search}`,
      method,
      headers,
      agent: options.agent,
      ...(options.lookup ? { lookup: options.lookup as never } : {}),
    });
    let response: http.IncomingMessage | undefined;
    const onAbort = () => {
      const reason = abortReason(signal!);
      // Before the answer: the promise rejects; after it, the body being read ends with the reason.
      settle(() => reject(reason));
      request.destroy(reason as Error);
      response?.destroy(reason as Error);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    const forget = () => signal?.removeEventListener('abort', onAbort);
    request.on('error', (error) => {
      forget();
      settle(() => reject(signal?.aborted ? abortReason(signal) : fetchFailed(error)));
    });
    request.on('response', (answer) => {
      response = answer;
      const status = answer.statusCode ?? 0;
      const responseInit = { status, statusText: validStatusText(answer.statusMessage), headers: responseHeaders(answer.rawHeaders) };
      const encoding = (answer.headers['content-encoding'] ?? '').trim().toLowerCase();
      const length = Number(answer.headers['content-length'] ?? NaN);
      answer.on('close', forget);
      // A Response the constructor refuses (an odd status from a hostile server) rejects as fetch
      // would, and the rest of the answer is not waited for.
      const refuse = (error: unknown) => {
        answer.destroy();
        reject(fetchFailed(error));
      };
      if (method === 'HEAD' || NULL_BODY_STATUSES.has(status)) {
        answer.resume();
        settle(() => resolveWith(resolve, refuse, () => new Response(null, responseInit)));
        return;
      }
      if (status >= 200 && status < 300 && (encoding === '' || encoding === 'identity') && Number.isSafeInteger(length) && length <= options.maxBufferedBytes) {
        const chunks: Buffer[] = [];
        answer.on('data', (chunk: Buffer) => chunks.push(chunk));
        answer.on('end', () => settle(() => resolveWith(resolve, refuse, () => markBounded(new Response(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks), responseInit)))));
        answer.on('error', (error) => settle(() => reject(signal?.aborted ? abortReason(signal) : fetchFailed(error))));
        // The connection closed before the body's last byte ('end' never comes).
        answer.on('close', () => {
          if (!answer.complete) settle(() => reject(signal?.aborted ? abortReason(signal) : fetchFailed(Object.assign(new Error('the connection closed before the answer ended'), { code: 'ECONNRESET' }))));
        });
        return;
      }
      const decoded = decode(answer, encoding);
      settle(() => resolveWith(resolve, refuse, () => new Response(webBody(decoded, answer), responseInit)));
    });
    request.end(payload);
  });
}

function resolveWith(resolve: (response: Response) => void, refuse: (error: unknown) => void, make: () => Response): void {
  let response: Response;
  try {
    response = make();
  } catch (error) {
    refuse(error);
    return;
  }
  resolve(response);
}

/** How much of a streamed body may wait, read from the socket, for its reader. */
const STREAM_HIGH_WATER_BYTES = 64 * 1024;

/**
 * A Node stream as a web stream that reads from the socket only as fast as its reader takes
 * (a huge answer must not pile up in memory ahead of the guard that spools or caps it).
 */
function webBody(source: Readable, answer: http.IncomingMessage): ReadableStream<Uint8Array> {
  let finished = false;
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        source.pause();
        source.on('data', (chunk: Buffer) => {
          controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
          if ((controller.desiredSize ?? 0) <= 0) source.pause();
        });
        source.on('end', () => {
          if (finished) return;
          finished = true;
          controller.close();
        });
        const fail = (error: unknown) => {
          if (finished) return;
          finished = true;
          controller.error(error instanceof Error && error.name === 'AbortError' ? error : fetchFailed(error));
        };
        source.on('error', fail);
        // The connection closed before the last byte: not an end, whatever the stream says.
        source.on('close', () => {
          if (!answer.complete) fail(Object.assign(new Error('the connection closed before the answer ended'), { code: 'ECONNRESET' }));
        });
      },
      pull() {
        source.resume();
      },
      cancel() {
        finished = true;
        source.destroy();
        answer.destroy();
      },
    },
    { highWaterMark: STREAM_HIGH_WATER_BYTES, size: (chunk) => chunk.byteLength },
  );
}

/** Undo a content-encoding as fetch does, so the caps count decoded bytes; an unknown one passes as it came. */
function decode(answer: http.IncomingMessage, encoding: string): Readable {
  const decoder = encoding === 'gzip' || encoding === 'x-gzip' ? createGunzip() : encoding === 'deflate' ? createInflate() : encoding === 'br' ? createBrotliDecompress() : undefined;
  if (!decoder) return answer;
  answer.on('error', (error) => decoder.destroy(error));
  decoder.on('close', () => answer.destroy());
  return answer.pipe(decoder);
}

function headerRecord(headers: RequestInit['headers']): Record<string, string> {
  const record: Record<string, string> = {};
  if (!headers) return record;
  const entries = headers instanceof Headers ? headers.entries() : Array.isArray(headers) ? headers : Object.entries(headers);
  for (const [name, value] of entries as Iterable<[string, string]>) {
    if (value === undefined || value === null) continue;
    record[name.toLowerCase()] = String(value);
  }
  return record;
}

function responseHeaders(raw: string[]): Headers {
  const headers = new Headers();
  for (let i = 0; i + 1 < raw.length; i += 2) {
    try {
      headers.append(raw[i]!, raw[i + 1]!);
    } catch {
      // A header fetch would not carry either (a name or value it rejects): left out.
    }
  }
  return headers;
}

/** A reason phrase as the Response constructor accepts it (HTTP's own rule), else none. */
function validStatusText(text: string | undefined): string {
  return text !== undefined && /^[\t\x20-\x7e\x80-\xff]*$/.test(text) ? text : '';
}

/** What fetch rejects with when the connection fails: a TypeError whose cause is the system error. */
function fetchFailed(cause: unknown): TypeError {
  return new TypeError('fetch failed', { cause });
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('This operation was aborted', 'AbortError');
}
