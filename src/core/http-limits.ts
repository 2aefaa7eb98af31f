// Bounds on what a server can make aoai read: a whole-response deadline (headers and body) for
// everything but event streams, size caps on JSON bodies, error bodies and single event-stream
// lines. The caps count decoded bytes, after fetch has undone any content-encoding, so a gzip
// bomb stops at the cap however well it compressed. Event streams keep no deadline: the stream
// runner's idle timeout ends a stalled one, and a live one may run as long as it keeps sending.
import { FileWriteError } from './atomic-write.ts';
import { ApiError } from './errors.ts';
import { JsonStringSpooler } from './spool.ts';

export interface HttpLimits {
  /** Per attempt: the whole response, headers and body (not event streams). */
  timeoutMs: number;
  /** A successful non-stream body (JSON). */
  maxResponseBytes: number;
  /** The body of an error answer (status ≥ 400). */
  maxErrorBytes: number;
  /** One line of an event stream (one `data:` line holds one whole event). */
  maxEventLineBytes: number;
  /** Image data held on disk (core/spool.ts), over all responses of the run. */
  maxSpoolBytes: number;
}

export const MB = 1024 * 1024;

/** Each cap's setting, so the message that reports it can say how to raise it. */
export const LIMIT_SETTINGS = {
  response: { key: 'max-response-mb', env: 'AOAI_MAX_RESPONSE_MB', defaultMb: 64, what: 'response' },
  error: { key: 'max-error-mb', env: 'AOAI_MAX_ERROR_MB', defaultMb: 1, what: 'error body' },
  event: { key: 'max-event-mb', env: 'AOAI_MAX_EVENT_MB', defaultMb: 16, what: 'event-stream line' },
  spool: { key: 'max-spool-mb', env: 'AOAI_MAX_SPOOL_MB', defaultMb: 2048, what: 'image data' },
} as const;

/**
 * The largest cap a setting may ask for: a body is read into one string, and V8 cannot make a
 * string of more than about 512 Mi characters; beyond that the process would fail, not aoai.
 */
export const MAX_LIMIT_MB = 500;

/** Image data is spooled to disk, not held as a string: its cap is bounded by the disk only (1 TB). */
export const MAX_SPOOL_LIMIT_MB = 1024 * 1024;

/** The largest value a cap's setting accepts. */
export function maxLimitMb(kind: LimitKind): number {
  return kind === 'spool' ? MAX_SPOOL_LIMIT_MB : MAX_LIMIT_MB;
}

export type LimitKind = keyof typeof LIMIT_SETTINGS;

/** A server sent more than a cap allows, or took longer than the deadline. */
export class ResponseLimitError extends ApiError {}

export function formatMb(bytes: number): string {
  const mb = bytes / MB;
  return `${Number.isInteger(mb) ? mb : mb < 1 ? mb.toPrecision(2) : mb.toFixed(1)} MB`;
}

/** How to raise a cap that was hit: four times as much, for one run or for good. */
export function raiseCapHint(kind: LimitKind, cap: number): string {
  const setting = LIMIT_SETTINGS[kind];
  const suggestion = Math.min(Math.max(1, Math.ceil(cap / MB)) * 4, maxLimitMb(kind));
  return `raise the cap for one run with ${setting.env}=${suggestion}, or keep it: aoai config set ${setting.key} ${suggestion}`;
}

function tooLarge(kind: LimitKind, cap: number, from: string): ResponseLimitError {
  const setting = LIMIT_SETTINGS[kind];
  return new ResponseLimitError(`the ${setting.what} from ${from} is larger than ${formatMb(cap)} (${setting.key}); stopped reading it`, {
    hint: raiseCapHint(kind, cap),
  });
}

function tooSlow(timeoutMs: number, received: number, from: string): ResponseLimitError {
  return new ResponseLimitError(`the response from ${from} did not finish within ${timeoutMs / 1000} s (${received} bytes received)`, {
    hint: 'raise --timeout (seconds per attempt, for the whole response), or check the network',
  });
}

/** What happened to an error body read ahead of the SDK: its text, and whether it was cut. */
export interface ErrorBodyNote {
  text: string;
  /** Set when the body was larger than this many bytes and reading stopped there. */
  truncatedAt?: number;
  /** Set when the deadline passed while the body was still arriving. */
  timedOutAfterMs?: number;
}

// Keyed by the Headers object of the Response handed to the SDK: its APIError keeps that very
// object (error.headers), so api-errors.ts can tell a cut body from a server's odd one.
const errorBodies = new WeakMap<Headers, ErrorBodyNote>();

export function errorBodyNote(headers: Headers | undefined): ErrorBodyNote | undefined {
  return headers ? errorBodies.get(headers) : undefined;
}

/** fetch, with every response bounded by `limits`. */
export function boundedFetch(inner: typeof fetch, limits: HttpLimits): typeof fetch {
  return async (input, init) => {
    const deadline = Date.now() + limits.timeoutMs;
    const response = await inner(input, init);
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    return boundResponse(response, url, limits, deadline);
  };
}

// Responses a transport has already read whole within the caps (bulk-fetch.ts): passed as they are.
const alreadyBounded = new WeakSet<Response>();

/** Note that `response` holds a body read whole, smaller than every cap and the spool threshold. */
export function markBounded(response: Response): Response {
  alreadyBounded.add(response);
  return response;
}

export async function boundResponse(response: Response, url: URL, limits: HttpLimits, deadline: number): Promise<Response> {
  if (!response.body || alreadyBounded.has(response)) return response;
  const from = url.host;
  if (response.status >= 400) return readErrorAhead(response, limits, deadline);
  const type = response.headers.get('content-type') ?? '';
  let guard: Guard;
  if (type.includes('text/event-stream')) guard = { ...eventLineGuard(limits.maxEventLineBytes, from), ...spooledImages(limits, from, { lines: true }) };
  // File contents (files/{id}/content, containers/{id}/files/{id}/content) go to disk as they
  // arrive: the deadline bounds them, not a size cap.
  else if (/\/content\/?$/.test(url.pathname)) guard = { deadline, check: () => undefined, from, timeoutMs: limits.timeoutMs };
  else guard = { deadline, check: sizeCheck('response', limits.maxResponseBytes, from), from, timeoutMs: limits.timeoutMs, ...spooledImages(limits, from) };
  return new Response(guardedBody(response.body, guard), { status: response.status, statusText: response.statusText, headers: response.headers });
}

interface Guard {
  /** Epoch ms by which the body must have ended; undefined for event streams. */
  deadline?: number;
  timeoutMs?: number;
  from: string;
  /** Throws when a chunk breaks a cap. */
  check(chunk: Uint8Array, receivedBefore: number): void;
  /** Rewrites the body on its way (before the check, which counts what comes out). */
  rewrite?: BodyRewrite;
}

interface BodyRewrite {
  push(chunk: Uint8Array): Uint8Array;
  end(): Uint8Array;
  abort(): void;
}

/**
 * JSON bodies and event streams: image data larger than a threshold goes to a spool file as it
 * arrives (core/spool.ts), so the response and event-line caps count the JSON without it, and the
 * spool has its own cap.
 */
function spooledImages(limits: HttpLimits, from: string, options: { lines?: boolean } = {}): { rewrite: BodyRewrite } {
  const spooler = new JsonStringSpooler({ maxSpoolBytes: limits.maxSpoolBytes, tooLarge: () => tooLarge('spool', limits.maxSpoolBytes, from), ...options });
  const named = (error: unknown) => {
    if (!(error instanceof FileWriteError) || !spooler.responseId) return error;
    return error.withHint(`${error.hint ?? ''}; the image is in response ${spooler.responseId}`);
  };
  return {
    rewrite: {
      push(chunk) {
        try {
          return spooler.push(chunk);
        } catch (error) {
          throw named(error);
        }
      },
      end: () => spooler.end(),
      abort: () => spooler.abort(),
    },
  };
}

function sizeCheck(kind: LimitKind, cap: number, from: string): Guard['check'] {
  return (chunk, receivedBefore) => {
    if (receivedBefore + chunk.byteLength > cap) throw tooLarge(kind, cap, from);
  };
}

const LF = 10;
const CR = 13;

/** Event streams: no line may grow beyond the cap (a line held by the SSE parser is memory). */
function eventLineGuard(cap: number, from: string): Guard {
  let openLine = 0;
  return {
    from,
    check(chunk) {
      const buffer = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      const firstLf = buffer.indexOf(LF);
      const firstCr = buffer.indexOf(CR);
      const first = firstLf < 0 ? firstCr : firstCr < 0 ? firstLf : Math.min(firstLf, firstCr);
      if (first < 0) {
        openLine += buffer.length;
        if (openLine > cap) throw tooLarge('event', cap, from);
        return;
      }
      if (openLine + first > cap) throw tooLarge('event', cap, from);
      const last = Math.max(buffer.lastIndexOf(LF), buffer.lastIndexOf(CR));
      // Lines wholly inside one chunk are no longer than the chunk; only a tiny cap needs a look.
      if (last - first > cap) {
        let start = first + 1;
        for (let i = start; i <= last; i++) {
          if (buffer[i] !== LF && buffer[i] !== CR) continue;
          if (i - start > cap) throw tooLarge('event', cap, from);
          start = i + 1;
        }
      }
      openLine = buffer.length - last - 1;
      if (openLine > cap) throw tooLarge('event', cap, from);
    },
  };
}

/** The body, passed through chunk by chunk, failing once a cap or the deadline is broken. */
function guardedBody(source: ReadableStream<Uint8Array>, guard: Guard): ReadableStream<Uint8Array> {
  const reader = source.getReader();
  // Bytes passed on (what the caps count) and bytes that came from the server (what a timeout reports).
  let received = 0;
  let arrived = 0;
  let timer: NodeJS.Timeout | undefined;
  let settled = false;
  const fail = (controller: ReadableStreamDefaultController<Uint8Array>, error: unknown) => {
    if (settled) return;
    settled = true;
    clearTimeout(timer);
    guard.rewrite?.abort();
    controller.error(error);
    reader.cancel(error).catch(() => undefined);
  };
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        if (guard.deadline === undefined) return;
        const remaining = Math.max(0, guard.deadline - Date.now());
        timer = setTimeout(() => fail(controller, tooSlow(guard.timeoutMs ?? remaining, arrived, guard.from)), remaining);
        // An unread body must not keep the process alive.
        timer.unref();
      },
      async pull(controller) {
        try {
          // A rewrite may hold a whole chunk back: read on until there is something to pass on.
          for (;;) {
            const { done, value } = await reader.read();
            if (settled) return;
            if (done) {
              const rest = guard.rewrite?.end();
              if (rest?.byteLength) controller.enqueue(rest);
              settled = true;
              clearTimeout(timer);
              controller.close();
              return;
            }
            arrived += value.byteLength;
            const chunk = guard.rewrite ? guard.rewrite.push(value) : value;
            guard.check(chunk, received);
            received += chunk.byteLength;
            if (chunk.byteLength === 0) continue;
            controller.enqueue(chunk);
            return;
          }
        } catch (error) {
          fail(controller, error);
        }
      },
      cancel(reason) {
        settled = true;
        clearTimeout(timer);
        guard.rewrite?.abort();
        return reader.cancel(reason);
      },
    },
    // One chunk read ahead (the default): measured faster than pulling on demand, and still one chunk.
    { highWaterMark: 1 },
  );
}

/**
 * Error bodies are read here, before the SDK sees them: at most the cap, within the deadline. The
 * SDK gets what arrived (the status and headers unchanged, so its retry decision stands), and
 * api-errors.ts learns from errorBodyNote() whether the body was cut, and why.
 */
async function readErrorAhead(response: Response, limits: HttpLimits, deadline: number): Promise<Response> {
  const reader = response.body!.getReader();
  const chunks: Uint8Array[] = [];
  let received = 0;
  const note: Omit<ErrorBodyNote, 'text'> = {};
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), Math.max(0, deadline - Date.now()));
    timer.unref();
  });
  try {
    for (;;) {
      const next = await Promise.race([reader.read(), timedOut]);
      if (next === 'timeout') {
        note.timedOutAfterMs = limits.timeoutMs;
        break;
      }
      if (next.done) break;
      const room = limits.maxErrorBytes - received;
      if (next.value.byteLength > room) {
        if (room > 0) chunks.push(next.value.subarray(0, room));
        received += room;
        note.truncatedAt = limits.maxErrorBytes;
        break;
      }
      chunks.push(next.value);
      received += next.value.byteLength;
    }
  } catch {
    // The connection dropped mid-body: what arrived is all there is.
  } finally {
    clearTimeout(timer);
    if (note.truncatedAt !== undefined || note.timedOutAfterMs !== undefined) reader.cancel().catch(() => undefined);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  const headers = new Headers(response.headers);
  // The body handed on is already decoded, and may be shorter than the server said.
  headers.delete('content-encoding');
  headers.delete('content-length');
  const copy = new Response(text, { status: response.status, statusText: response.statusText, headers });
  errorBodies.set(copy.headers, { text, ...note });
  return copy;
}
