// Poll a background response until it reaches a terminal status, with a spinner on stderr.
import type { Response as ApiResponse } from 'openai/resources/responses/responses';
import type { Client } from '../core/client.ts';
import { ApiError, InterruptedError, describeReceived } from '../core/errors.ts';
import type { IO } from '../io/io.ts';
import { startSpinner } from '../io/spinner.ts';
import { interrupts } from '../io/interrupts.ts';
import { isTerminal } from '../render/response.ts';

export interface RawResponse {
  /** The body exactly as the service sent it. */
  raw: string;
  response: ApiResponse;
}

export async function fetchRaw(promise: { asResponse(): Promise<Response> }): Promise<RawResponse> {
  const http = await promise.asResponse();
  const raw = await http.text();
  const type = http.headers.get('content-type') ?? undefined;
  let response: ApiResponse | undefined;
  try {
    response = JSON.parse(raw) as ApiResponse;
  } catch {
    // A truncated body, or a proxy's page: say what arrived instead of a parser's stack trace.
  }
  if (!response || typeof response !== 'object' || !type?.includes('json')) {
    throw new ApiError(`expected a JSON response but received ${describeReceived(type, raw)}${response ? '' : type?.includes('json') ? ' (not valid JSON: cut short?)' : ''}`, {
      status: http.status,
      requestId: http.headers.get('apim-request-id') ?? http.headers.get('x-request-id') ?? undefined,
    });
  }
  return { raw, response };
}

export interface WaitOptions {
  client: Client;
  io: IO;
  initial: RawResponse;
  intervalMs: number;
  include?: string[] | undefined;
}

export async function waitForTerminal({ client, io, initial, intervalMs, include }: WaitOptions): Promise<RawResponse> {
  let current = initial;
  if (isTerminal(current.response.status)) return current;
  const id = current.response.id;
  const started = Date.now();
  const label = () => `${id} ${current.response.status ?? 'unknown'} · ${Math.round((Date.now() - started) / 1000)} s`;
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
        throw new InterruptedError(`stopped waiting; ${id} is still ${current.response.status}`, `follow it again: aoai get ${id} --wait (or stop it: aoai cancel ${id})`);
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
