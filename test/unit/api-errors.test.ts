// The one line (and hint) a failed request becomes, from the openai SDK's own error classes.
import { APIError } from 'openai';
import { describe, expect, it } from 'vitest';
import { fromSdkError } from '../../src/core/api-errors.ts';
import { newRequestRecord, type RequestRecord } from '../../src/core/request-record.ts';

const ENDPOINT = 'https://example-resource.openai.azure.com';

function record(extra: Partial<RequestRecord> = {}): RequestRecord {
  return { ...newRequestRecord(), endpoint: ENDPOINT, credential: 'API key from the AZURE_OPENAI_API_KEY environment variable', attempts: 1, ...extra };
}

function failed(status: number, body: unknown, headers: Record<string, string> = {}, extra: Partial<RequestRecord> = {}) {
  const error = fromSdkError(APIError.generate(status, body as object | undefined, undefined, new Headers(headers)), record(extra));
  expect(error).toBeDefined();
  return { message: error!.message, hint: error!.hint };
}

describe('fromSdkError: HTTP failures', () => {
  it('a 404 "Resource not found" points at the endpoint and the api-version; another 404 does not', () => {
    expect(failed(404, { error: { code: '404', message: 'Resource not found' } })).toEqual({ message: 'HTTP 404: Resource not found', hint: 'check the endpoint and --api-version' });
    expect(failed(404, { error: { code: 'NotFound', message: 'No response with id resp_1' } }).hint).toBeUndefined();
  });

  it('a failure without a message is named by its status text', () => {
    expect(failed(504, undefined, {}, { maxRetries: 0 }).message).toBe('HTTP 504: Gateway Timeout (received no content type, empty body)');
    expect(failed(502, undefined, {}, { maxRetries: 0 }).message).toBe('HTTP 502: Bad Gateway (received no content type, empty body)');
  });

  it('a retryable failure says how hard aoai tried: one attempt, or several', () => {
    expect(failed(503, { error: { message: 'busy' } }, {}, { attempts: 1, maxRetries: 0 }).hint).toBe('the service failed; gave up after 1 attempt (--max-retries 0)');
    expect(failed(429, { error: { message: 'slow down' } }, { 'retry-after': '2' }, { attempts: 3, maxRetries: 2 }).hint).toBe(
      'rate limited; the service asks to wait 2 s (retry-after); gave up after 3 attempts (--max-retries 2)',
    );
  });
});
