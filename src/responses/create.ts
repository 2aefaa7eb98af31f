// Send a request and show its result, the way create, stream, mcp approve and the tool loop all
// do: streamed as it arrives, or created (waiting for a background job when asked) and printed.
import { followUpFor } from '../cli/follow-up.ts';
import type { StreamOptionValues } from '../cli/request-options.ts';
import type { Factory } from '../core/factory.ts';
import { startSpinner } from '../io/spinner.ts';
import type { CreateBody } from '../request/create-params.ts';
import { isTerminal } from '../render/response.ts';
import { runTurns, type TurnOptions, type TurnRunner } from '../tools/turns.ts';
import { printResponse } from './print.ts';
import { prepareRequest } from './session.ts';
import { streamToTerminal } from './stream-command.ts';
import { fetchRaw, waitForTerminal } from './wait.ts';

export interface PrintedResultOptions {
  wait: boolean;
  pollIntervalMs: number;
  json: boolean;
  /** --reasoning and --usage: shown for a printed response as a streamed one shows them. */
  display: Pick<StreamOptionValues, 'reasoning' | 'usage'>;
  /** --image-deployment, for a request with an image_generation tool. */
  imageDeployment?: string | undefined;
}

export type StreamDisplay = StreamOptionValues & { json: boolean };

/** Run the request (and the tool rounds that follow it): streamed when `stream` is set, else printed. */
export async function runRequestTurns(f: Factory, body: CreateBody, turns: TurnOptions, options: PrintedResultOptions & { stream: StreamDisplay | undefined }): Promise<void> {
  const stream = options.stream;
  const { imageDeploymentHeaders } = await import('../image/results.ts');
  const headers = await imageDeploymentHeaders(f, body.tools, options.imageDeployment);
  if (stream) return runTurns(body, turns, (next) => streamToTerminal(f, { kind: 'create', body: next }, stream, headers));
  await runTurns(body, turns, await createAndPrint(f, options, headers));
}

/**
 * One non-streamed turn: create, wait for a background job when asked, print. Returns the
 * Response once it is final (undefined while a background job still runs).
 */
async function createAndPrint(f: Factory, options: PrintedResultOptions, headers: Record<string, string> | undefined): Promise<TurnRunner> {
  const client = await prepareRequest(f, headers);
  const followUp = followUpFor(f);
  return async (body) => {
    const spinner = await startSpinner(f.io, body.background ? 'submitting background job…' : `waiting for ${body.model}…`);
    let result;
    // For the local log (aoai log): what was asked, what came back, what was saved.
    f.log.sent(body);
    try {
      result = await fetchRaw(client.responses.create({ ...body, stream: false }));
    } finally {
      spinner.stop();
    }
    f.log.responded(result.response);
    if (options.wait && result.response.background) {
      result = await waitForTerminal({ client, io: f.io, initial: result, intervalMs: options.pollIntervalMs, include: body.include ?? undefined, followUp });
      f.log.responded(result.response);
    }
    const { promptOf } = await import('../image/results.ts');
    await printResponse(f.io, result, { json: options.json, followHint: true, followUp, ...options.display, prompt: promptOf(body.input), onSaved: (paths) => f.log.saved(paths) });
    return isTerminal(result.response.status) ? result.response : undefined;
  };
}
