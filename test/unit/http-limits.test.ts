// The bounds on what a server can make aoai read (src/core/http-limits.ts), on hand-made
// Responses; the e2e side against a real hostile server is test/e2e/hostile.test.ts.
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { boundResponse, errorBodyNote, MB, ResponseLimitError, type HttpLimits } from '../../src/core/http-limits.ts';
import { errorFields } from '../../src/core/api-errors.ts';
import { formatCliError, ApiError, MAX_ERROR_LINE } from '../../src/core/errors.ts';
import { decodePng } from '../../src/image/png-decode.ts';
import { canShow } from '../../src/image/preview.ts';
import { imageInfo } from '../../src/image/formats.ts';
import { CONFIG_KEYS } from '../../src/core/config-keys.ts';
import type { ProfileValues } from '../../src/core/config-store.ts';
import { resolveSettings } from '../../src/core/settings.ts';
import { hugePng, ODD_ERROR_BODIES } from '../helpers/hostile-server.ts';

const limits: HttpLimits = { timeoutMs: 60_000, maxResponseBytes: 1000, maxErrorBytes: 100, maxEventLineBytes: 50, maxSpoolBytes: 10_000 };
const url = new URL('http://127.0.0.1:1/openai/v1/responses');

function chunked(parts: Array<string | Uint8Array>, headers: Record<string, string>, status = 200): Response {
  const queue = parts.map((p) => (typeof p === 'string' ? new TextEncoder().encode(p) : p));
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      const next = queue.shift();
      if (next) controller.enqueue(next);
      else controller.close();
    },
  });
  return new Response(body, { status, headers });
}

describe('boundResponse', () => {
  it('passes a body within the caps through unchanged', async () => {
    const bounded = await boundResponse(chunked(['{"a":', '1}'], { 'content-type': 'application/json' }), url, limits, Date.now() + 60_000);
    expect(await bounded.text()).toBe('{"a":1}');
  });

  it('fails a JSON body past the cap, naming the cap and the setting that raises it', async () => {
    const bounded = await boundResponse(chunked(['x'.repeat(600), 'x'.repeat(600)], { 'content-type': 'application/json' }), url, limits, Date.now() + 60_000);
    const error = await bounded.text().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResponseLimitError);
    expect((error as Error).message).toMatch(/the response from 127\.0\.0\.1:1 is larger than .* MB \(max-response-mb\)/);
    expect((error as ApiError).hint).toMatch(/AOAI_MAX_RESPONSE_MB=\d+.*aoai config set max-response-mb \d+/);
  });

  it('fails a body still arriving at the deadline', async () => {
    const never = new ReadableStream<Uint8Array>({ start: (c) => c.enqueue(new TextEncoder().encode('{')) });
    const bounded = await boundResponse(new Response(never, { headers: { 'content-type': 'application/json' } }), url, { ...limits, timeoutMs: 50 }, Date.now() + 50);
    const error = await bounded.text().catch((e: unknown) => e);
    expect((error as Error).message).toBe('the response from 127.0.0.1:1 did not finish within 0.05 s (1 bytes received)');
  });

  it('keeps no deadline on an event stream, only the line cap', async () => {
    const stream = chunked(['data: {"a":1}\n\n', 'data: {"b":', '2}\n\n'], { 'content-type': 'text/event-stream' });
    const bounded = await boundResponse(stream, url, { ...limits, timeoutMs: 1 }, Date.now() - 1000);
    expect(await bounded.text()).toBe('data: {"a":1}\n\ndata: {"b":2}\n\n');
    const long = chunked(['data: ', 'y'.repeat(30), 'y'.repeat(30), '\n\n'], { 'content-type': 'text/event-stream' });
    const error = await (await boundResponse(long, url, limits, 0)).text().catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/event-stream line .* is larger than .* \(max-event-mb\)/);
    // A long line inside one chunk, between two short ones, is caught too.
    const inside = chunked([`a\n${'z'.repeat(80)}\nb\n`], { 'content-type': 'text/event-stream' });
    expect(await (await boundResponse(inside, url, limits, 0)).text().catch((e: unknown) => (e as Error).message)).toMatch(/max-event-mb/);
  });

  it('reads an error body ahead, at most the cap, and notes the cut', async () => {
    const bounded = await boundResponse(chunked(['{"error":', 'e'.repeat(500)], { 'content-type': 'application/json' }, 500), url, limits, Date.now() + 60_000);
    expect(bounded.status).toBe(500);
    expect((await bounded.text()).length).toBe(100);
    expect(errorBodyNote(bounded.headers)).toMatchObject({ truncatedAt: 100 });
  });

  it('counts decoded bytes: a gzip bomb stops at the cap', async () => {
    // Undici decodes content-encoding before the body reaches aoai; here the body is decoded by hand.
    const bomb = gzipSync(Buffer.alloc(10 * MB, ' '));
    expect(bomb.length).toBeLessThan(20_000);
    const decoded = new Response(bomb).body!.pipeThrough(new DecompressionStream('gzip'));
    const bounded = await boundResponse(new Response(decoded, { headers: { 'content-type': 'application/json' } }), url, { ...limits, maxResponseBytes: MB }, Date.now() + 60_000);
    await expect(bounded.text()).rejects.toThrow(/larger than 1 MB/);
  });
});

describe('error bodies of odd shapes', () => {
  it('are described, never [object Object]', () => {
    const described = Object.fromEntries(Object.entries(ODD_ERROR_BODIES).map(([shape, body]) => [shape, errorFields(JSON.parse(body))]));
    expect(described).toEqual({
      array: { message: 'a JSON array of 2 items: [{"code":"A1","message":"first problem"},{"code":"A2","message":"second problem"}]', code: undefined },
      number: { message: 'the JSON value 42', code: undefined },
      string: { message: 'quota exhausted for this key', code: undefined },
      'message-object': { message: 'nested text', code: undefined },
      nested: { message: 'deep message', code: 'Inner' },
      'error-message-object': { message: '{"reason":"an object instead of text"}', code: 'Odd' },
      gateway: { message: 'Rate limit is exceeded. Try again in 1 seconds.', code: undefined },
      empty: { message: undefined, code: undefined },
      null: { message: undefined, code: undefined },
    });
    for (const value of Object.values(described)) expect(JSON.stringify(value)).not.toContain('[object');
  });

  it('an error line is bounded however long the message', () => {
    const line = formatCliError(new ApiError(`HTTP 400: ${'word '.repeat(100_000)}`));
    expect(line.length).toBeLessThanOrEqual(MAX_ERROR_LINE + 'aoai: '.length + 1);
    expect(line).toMatch(/…\n$/);
  });
});

describe('preview pixel budget', () => {
  it('a 16000×16000 PNG is refused from its header, before any pixel is decoded', () => {
    const png = hugePng();
    expect(png.length).toBeLessThan(1 * MB);
    const info = imageInfo(png)!;
    expect(info).toMatchObject({ width: 16000, height: 16000 });
    expect(canShow('sixel', info)).toBe(false);
    expect(canShow('kitty', info)).toBe(false);
    const before = process.memoryUsage().rss;
    expect(() => decodePng(png)).toThrow('a 16000×16000 PNG is larger than 16777216 pixels');
    expect(process.memoryUsage().rss - before).toBeLessThan(100 * MB);
  });

  it('the hostile PNG generator makes a valid PNG (a small one decodes)', () => {
    const small = decodePng(hugePng(300));
    expect(small).toMatchObject({ width: 300, height: 300 });
    expect(small.rgba.every((v, i) => (i % 4 === 3 ? v === 255 : v === 0))).toBe(true);
  });
});

describe('size cap settings', () => {
  const key = { AZURE_OPENAI_API_KEY: 'k'.repeat(10) };
  const resolve = (env: NodeJS.ProcessEnv, profile: ProfileValues = {}) => resolveSettings({ flags: {}, env: { ...key, ...env }, profileName: 'default', profile });

  it('default to 64 MB, 1 MB and 16 MB; the environment beats the profile; fractions allowed', () => {
    expect(resolve({}).limits).toEqual({ maxResponseBytes: 64 * MB, maxErrorBytes: MB, maxEventLineBytes: 16 * MB, maxSpoolBytes: 2048 * MB });
    const both = resolve({ AOAI_MAX_RESPONSE_MB: '2' }, { 'max-response-mb': '8', 'max-error-mb': '0.5', 'max-event-mb': '32' });
    expect(both.limits).toEqual({ maxResponseBytes: 2 * MB, maxErrorBytes: MB / 2, maxEventLineBytes: 32 * MB, maxSpoolBytes: 2048 * MB });
  });

  it('refuses nonsense and anything past 500 MB, naming where it came from', () => {
    expect(() => resolve({ AOAI_MAX_EVENT_MB: '0' })).toThrow(/invalid max-event-mb '0': expected a positive number \(from the AOAI_MAX_EVENT_MB environment variable\)/);
    expect(() => resolve({}, { 'max-response-mb': '1000' })).toThrow(/invalid max-response-mb '1000': at most 500 .*\(from profile 'default' \(max-response-mb\)\)/);
    expect(CONFIG_KEYS['max-error-mb'].validate('3')).toBe('3');
  });
});
