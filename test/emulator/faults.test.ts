// Fault injection: each SPEC key, the matchers, and the header form.
import { describe, expect, it } from 'vitest';
import { parseFault } from '../../src/emulator/index.ts';
import { KEY, parseSse, useTestEmulator } from './helpers.ts';

const ctx = useTestEmulator();
const post = (body: Record<string, unknown>, fault?: string) =>
  fetch(`${ctx.emulator.url}/openai/v1/responses`, {
    method: 'POST',
    headers: { 'api-key': KEY, 'content-type': 'application/json', ...(fault ? { 'x-emulator-fault': fault } : {}) },
    body: JSON.stringify({ model: 'gpt-4.1', input: 'Write 30 words', ...body }),
  });

describe('fault specs', () => {
  it('parses every key and rejects unknown ones', () => {
    expect(parseFault('status=429,retry-after=2,retry-after-ms=1500,times=3,method=post,path=/responses,stream')).toEqual({
      status: 429, retryAfter: 2, retryAfterMs: 1500, times: 3, method: 'POST', path: '/responses', stream: true,
    });
    expect(parseFault('drop-after=5,stall-after=6,error-event-after=7,delay-ms=8,fail,reset,body=html,content-type=text/plain')).toMatchObject({
      dropAfter: 5, stallAfter: 6, errorEventAfter: 7, delayMs: 8, fail: true, reset: true, body: 'html', contentType: 'text/plain',
    });
    expect(() => parseFault('explode')).toThrow(/unknown fault 'explode'/);
    expect(() => parseFault('status=abc')).toThrow(/whole number/);
    expect(() => parseFault('body=xml')).toThrow(/html or truncated/);
  });
});

describe('HTTP faults', () => {
  it('status=429 with retry-after headers and the service body', async () => {
    const res = await post({}, 'status=429,retry-after=7,retry-after-ms=7000');
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('7');
    expect(res.headers.get('retry-after-ms')).toBe('7000');
    expect(await res.json()).toEqual({ error: { code: '429', message: 'Requests to the Responses API have exceeded call rate limit. Please retry after 7 seconds.' } });
  });

  it.each([500, 502, 503, 504])('status=%i gives an Azure-shaped error', async (status) => {
    const res = await post({}, `status=${status}`);
    expect(res.status).toBe(status);
    expect(((await res.json()) as { error: { code: string; message: string } }).error.message).toBeTruthy();
  });

  it('reset destroys the connection before answering', async () => {
    await expect(post({}, 'reset')).rejects.toThrow();
    expect(ctx.emulator.requests.at(-1)!.status).toBe(0);
  });

  it('body=html, body=truncated and content-type give broken answers', async () => {
    const html = await post({}, 'body=html');
    expect(html.status).toBe(502);
    expect(html.headers.get('content-type')).toBe('text/html');
    expect(await html.text()).toContain('<h1>502 Bad Gateway</h1>');
    const truncated = await post({}, 'body=truncated');
    expect(truncated.status).toBe(200);
    await expect(truncated.json()).rejects.toThrow();
    const plain = await post({}, 'content-type=text/plain');
    expect(plain.headers.get('content-type')).toBe('text/plain');
  });

  it('fail ends the response failed with a server_error', async () => {
    const body = (await (await post({}, 'fail')).json()) as { status: string; error: { code: string } };
    expect(body).toMatchObject({ status: 'failed', error: { code: 'server_error' } });
  });

  it('a bad header spec is a 400 naming the problem', async () => {
    const res = await post({}, 'bogus=1');
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/^x-emulator-fault: unknown fault 'bogus'/);
  });
});

describe('queued faults and matchers', () => {
  it('times=N applies to N matching requests, then stops; method and path narrow it', async () => {
    ctx.emulator.addFault('status=503,times=2,method=POST,path=/responses');
    const get = await fetch(`${ctx.emulator.url}/openai/v1/responses/resp_x`, { headers: { 'api-key': KEY } });
    expect(get.status).toBe(404);
    expect((await post({})).status).toBe(503);
    expect((await post({})).status).toBe(503);
    expect((await post({})).status).toBe(200);
  });

  it('times=0 applies until cleared; stream-only rules skip plain requests', async () => {
    ctx.emulator.addFault('status=500,times=0,stream');
    expect((await post({})).status).toBe(200);
    expect((await post({ stream: true })).status).toBe(500);
    expect((await post({ stream: true })).status).toBe(500);
    ctx.emulator.clearFaults();
    expect((await post({ stream: true })).status).toBe(200);
  });
});

describe('stream faults', () => {
  it('drop-after=K cuts the connection after K events', async () => {
    const text = await readUntilDropped(await post({ stream: true }, 'drop-after=5'));
    expect(parseSse(text)).toHaveLength(5);
  });

  it('stall-after=K goes silent after K events, keeping the connection open', async () => {
    const controller = new AbortController();
    const res = await post({ stream: true }, 'stall-after=4');
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    const timer = setTimeout(() => controller.abort(), 300);
    controller.signal.addEventListener('abort', () => void reader.cancel());
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
    clearTimeout(timer);
    expect(controller.signal.aborted).toBe(true);
    expect(parseSse(text)).toHaveLength(4);
  });

  it('error-event-after=K sends the nested error event, then response.failed', async () => {
    const events = parseSse(await (await post({ stream: true }, 'error-event-after=6')).text());
    expect(events).toHaveLength(8);
    expect(events[6]!.data).toEqual({ type: 'error', sequence_number: 6, error: { type: 'server_error', code: 'server_error', message: expect.any(String), param: null } });
    expect(events[7]!.event).toBe('response.failed');
    expect(events[7]!.data.response).toMatchObject({ status: 'failed', error: { code: 'server_error' } });
  });

  it('delay-ms=D paces the events', async () => {
    const started = Date.now();
    const events = parseSse(await (await post({ stream: true, input: 'a b c d e' }, 'delay-ms=20')).text());
    expect(Date.now() - started).toBeGreaterThanOrEqual((events.length - 1) * 20 - 20);
  });

  it('a dropped background stream resumes with starting_after and loses nothing', async () => {
    ctx.emulator.addFault('drop-after=7,stream');
    const partial = parseSse(await readUntilDropped(await post({ stream: true, background: true })));
    expect(partial).toHaveLength(7);
    const id = (partial[0]!.data.response as { id: string }).id;
    const rest = parseSse(await (await fetch(`${ctx.emulator.url}/openai/v1/responses/${id}?stream=true&starting_after=6`, { headers: { 'api-key': KEY } })).text());
    const all = [...partial, ...rest];
    expect(all.map((e) => e.data.sequence_number)).toEqual(all.map((_, i) => i));
    expect(all.at(-1)!.event).toBe('response.completed');
  });
});

/** Read a body that must end in a dropped connection; returns what arrived before the drop. */
async function readUntilDropped(res: Response): Promise<string> {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  for (;;) {
    let chunk: Awaited<ReturnType<typeof reader.read>>;
    try {
      chunk = await reader.read();
    } catch {
      return text;
    }
    if (chunk.done) throw new Error('the stream ended cleanly; expected a dropped connection');
    text += decoder.decode(chunk.value, { stream: true });
  }
}
