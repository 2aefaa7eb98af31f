// Print a response the way every command does: --json passes the service's JSON through; text
// mode prints the output text, and the exit code says whether the response completed.
import type { IO } from '../io/io.ts';
import { printJson } from '../render/json.ts';
import { isTerminal, notCompletedError, outputText, refusals, withTrailingNewline } from '../render/response.ts';
import type { RawResponse } from './wait.ts';

export interface PrintOptions {
  json: boolean;
  /** What to show for a response still queued/in progress: the command that follows it. */
  followHint?: boolean;
}

export function printResponse(io: IO, { raw, response }: RawResponse, options: PrintOptions): void {
  if (options.json) printJson(io, raw);
  if (!isTerminal(response.status)) {
    if (!options.json) io.out(`${response.id} ${response.status}\n`);
    if (options.followHint && io.stderrIsTTY) io.err(`Follow it with: aoai get ${response.id} --wait\n`);
    return;
  }
  if (!options.json) {
    io.out(withTrailingNewline(outputText(response)));
    for (const refusal of refusals(response)) io.err(`refusal: ${refusal}\n`);
  }
  const error = notCompletedError(response);
  if (error) throw error;
}
