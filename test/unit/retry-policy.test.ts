import { describe, expect, it } from 'vitest';
import { MAX_RETRY_AFTER_SECONDS, requestedWaitMs } from '../../src/core/client.ts';
import { describeReceived } from '../../src/core/errors.ts';

describe('requestedWaitMs: what the service asked for', () => {
  it.each([
    [{ 'retry-after-ms': '250' }, 250],
    [{ 'retry-after-ms': '1500.5' }, 1500.5],
    [{ 'retry-after': '7' }, 7000],
    [{ 'retry-after': '0.5' }, 500],
    [{ 'retry-after-ms': '100', 'retry-after': '9' }, 100],
    [{ 'retry-after-ms': 'soon', 'retry-after': '2' }, 2000],
    [{ 'retry-after': '-3' }, 0],
    [{ 'retry-after': 'tomorrow-ish' }, undefined],
    [{}, undefined],
  ])('%j → %s', (headers, expected) => {
    expect(requestedWaitMs(new Headers(headers as Record<string, string>))).toBe(expected);
  });

  it('reads an HTTP date', () => {
    const date = new Date(Date.now() + 30_000).toUTCString();
    const wait = requestedWaitMs(new Headers({ 'retry-after': date }))!;
    expect(wait).toBeGreaterThan(28_000);
    expect(wait).toBeLessThanOrEqual(30_000);
  });

  it('bounds what aoai sleeps through at a minute', () => {
    expect(MAX_RETRY_AFTER_SECONDS).toBe(60);
  });
});

describe('describeReceived: naming an unexpected body', () => {
  it.each([
    ['text/html', '<html><head><title>502 Bad Gateway</title></head></html>', 'text/html: an HTML page titled "502 Bad Gateway"'],
    ['text/plain', 'upstream connect error', 'text/plain, 22 bytes: "upstream connect error"'],
    [undefined, '', 'no content type, empty body'],
    ['application/json', '{"id":', 'application/json, 6 bytes: "{\\"id\\":"'],
  ])('%s %j', (type, body, expected) => {
    expect(describeReceived(type, body)).toBe(expected);
  });

  it('keeps a long body to one short excerpt', () => {
    const text = describeReceived('text/plain', `line one\nline two ${'x'.repeat(500)}`);
    expect(text).not.toContain('\n');
    expect(text.length).toBeLessThan(140);
    expect(text.endsWith('…')).toBe(true);
  });
});
