// Poll a background response until it reaches a terminal status, with a spinner on stderr.
import type { Response as ApiResponse } from 'openai/resources/responses/responses';
import { plainFollowUp, type FollowUp } from '../cli/follow-up.ts';
import type { Client } from '../core/client.ts';
import { serviceId } from '../core/ids.ts';
import { ApiError, InterruptedError, describeReceived } from '../core/errors.ts';
import type { IO } from '../io/io.ts';
import { startSpinner } from '../io/spinner.ts';
import { interrupts } from '../io/interrupts.ts';
import { isTerminal } from '../render/response.ts';
import { neutralise } from '../render/terminal-text.ts';

export interface RawResponse {
  /** The body exactly as the service sent it. */
  raw: string;
  response: ApiResponse;
}

export async function fetchRaw(promise: { asResponse(): Promise<Response> }): Promise<RawResponse> {
  const { raw, value } = await fetchRawJson<ApiResponse>(promise);
  return { raw, response: value };
}

/** An SDK call's answer as the service sent it (for --json) and parsed (see parseJsonBody). */
export async function fetchRawJson<T>(promise: { asResponse(): Promise<Response> }): Promise<{ raw: string; value: T }> {
  const http = await promise.asResponse();
  const raw = await http.text();
  return { raw, value: parseJsonBody<T>(http, raw) };
}

/**
 * The JSON object in a successful answer. A truncated body or a proxy's page (HTML, plain text)
 * becomes one line naming what arrived, instead of a parser's stack trace.
 */
export function parseJsonBody<T>(http: Response, raw: string): T {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    value = undefined;
  }
  if (typeof value === 'object' && value !== null) return value as T;
  const type = http.headers.get('content-type') ?? undefined;
  throw new ApiError(`expected a JSON response but received ${describeReceived(type, raw)}${type?.includes('json') ? ' (not valid JSON: cut short?)' : ''}`, {
    status: http.status,
    requestId: http.headers.get('apim-request-id') ?? http.headers.get('x-request-id') ?? undefined,
  });
}

/** Seconds between status checks of a background job, unless --poll-interval says otherwise. */
export const DEFAULT_POLL_SECONDS = 2;

export interface WaitOptions {
  client: Client;
  io: IO;
  initial: RawResponse;
  intervalMs: number;
  include?: string[] | undefined;
  /** Builds the commands printed in hints (same profile and connection flags). */
  followUp?: FollowUp | undefined;
}

export async function waitForTerminal({ client, io, initial, intervalMs, include, followUp }: WaitOptions): Promise<RawResponse> {
  let current = initial;
  if (isTerminal(current.response.status)) return current;
  // Polled by URL and named in hints: it must be an id, not whatever the service sent.
  const id = serviceId('response', current.response.id, 'response id');
  const aoai = followUp ?? plainFollowUp;
  const started = Date.now();
  const label = () => `${id} ${neutralise(String(current.response.status ?? 'unknown'))} · ${Math.round((Date.now() - started) / 1000)} s`;
  const spinner = await startSpinner(io, label());
  let interrupted = false;
  let wake: (() => void) | undefined;
  const release = interrupts.push(() => {
    interrupted = true;
    wake?.();
  });
  try {
    while (!isTerminal(current.response.status)) {
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, intervalMs);
      });
      if (interrupted) {
        throw new InterruptedError(`stopped waiting; ${id} is still ${current.response.status}`, `follow it again: ${aoai(['get', id, '--wait'])} (or stop it: ${aoai(['cancel', id])})`);
      }
      current = await fetchRaw(client.responses.retrieve(id, include?.length ? { include: include as never } : {}));
      spinner.update(label());
    }
    return current;
  } finally {
    spinner.stop();
    release();
  }
}
