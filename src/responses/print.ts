// Print a response the way every command does: --json passes the service's JSON through; text
// mode prints the output text, and the exit code says whether the response completed.
import { plainFollowUp, type FollowUp } from '../cli/follow-up.ts';
import { serviceId } from '../core/ids.ts';
import type { IO } from '../io/io.ts';
import { printJson } from '../render/json.ts';
import { isTerminal, notCompletedError, outputText, refusals, withTrailingNewline } from '../render/response.ts';
import { stderrStyle } from '../render/style.ts';
import { neutralise } from '../render/terminal-text.ts';
import { containerFileLines, containerFiles, toolItemBlock } from '../render/tools.ts';
import type { RawResponse } from './wait.ts';

export interface PrintOptions {
  json: boolean;
  /** What to show for a response still queued/in progress: the command that follows it. */
  followHint?: boolean;
  /** Builds printed commands with the same profile and connection flags. */
  followUp?: FollowUp | undefined;
}

export function printResponse(io: IO, { raw, response }: RawResponse, options: PrintOptions): void {
  const aoai = options.followUp ?? plainFollowUp;
  // What stdout gets from the service: exact on a pipe, shown-not-obeyed on a terminal.
  const data = (text: string) => (io.stdoutIsTTY ? neutralise(text) : text);
  if (options.json) printJson(io, raw);
  if (!isTerminal(response.status)) {
    const id = serviceId('response', response.id, 'response id');
    if (!options.json) io.out(`${id} ${data(String(response.status))}\n`);
    if (options.followHint && io.stderrIsTTY) io.err(`Follow it with: ${aoai(['get', id, '--wait'])}\n`);
    return;
  }
  if (!options.json) {
    const style = stderrStyle(io);
    for (const item of response.output ?? []) {
      const block = toolItemBlock(item as unknown as Record<string, unknown>, style);
      if (block) io.err(block);
    }
    io.out(data(withTrailingNewline(outputText(response))));
    io.err(containerFileLines(containerFiles(response), aoai));
    for (const refusal of refusals(response)) io.err(`refusal: ${neutralise(refusal)}\n`);
  }
  const error = notCompletedError(response);
  if (error) throw error;
}
