// Small HTTP helpers: JSON answers with the headers every Azure answer carries, body reading, and
// the error bodies the service sends (Azure's `{error:{code,message}}` and OpenAI's
// `{error:{message,type,param,code}}`, which Azure passes through for request validation).
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(`HTTP ${status}`);
  }
}

/** Azure front-door style error: `{"error":{"code","message"}}`. */
export function azureError(status: number, code: string, message: string, headers?: Record<string, string>): HttpError {
  return new HttpError(status, { error: { code, message } }, headers);
}

/** OpenAI-style validation error, as Azure returns it for bad request bodies. */
export function invalidRequest(message: string, param: string | null = null, code: string | null = null, status = 400): HttpError {
  return new HttpError(status, { error: { message, type: 'invalid_request_error', param, code } });
}

export function notFound(): HttpError {
  return azureError(404, '404', 'Resource not found');
}

export function responseNotFound(id: string): HttpError {
  return invalidRequest(`Response with id '${id}' not found.`, null, null, 404);
}

export function standardHeaders(): Record<string, string> {
  return { 'apim-request-id': randomUUID(), 'x-request-id': randomUUID(), 'x-ms-region': 'emulator' };
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...standardHeaders(),
    'azureai-fe-is-streaming': 'False',
    'skip-error-remapping': 'true',
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(text)),
    ...headers,
  });
  res.end(text);
}

export function sendError(res: ServerResponse, error: HttpError): void {
  sendJson(res, error.status, error.body, error.headers);
}

const MAX_BODY_BYTES = 100 * 1024 * 1024;

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw azureError(413, 'RequestEntityTooLarge', `The request body exceeds ${MAX_BODY_BYTES / 1024 / 1024} MB.`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}
