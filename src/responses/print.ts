// Print a response the way every command does: --json passes the service's JSON through; text
// mode prints the output text, and the exit code says whether the response completed.
import type { IO } from '../io/io.ts';
import { printJson } from '../render/json.ts';
import { isTerminal, notCompletedError, outputText, refusals, withTrailingNewline } from '../render/response.ts';
import { stderrStyle } from '../render/style.ts';
import { containerFileLines, containerFiles, toolItemBlock } from '../render/tools.ts';
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
    const style = stderrStyle(io);
    for (const item of response.output ?? []) {
      const block = toolItemBlock(item as unknown as Record<string, unknown>, style);
      if (block) io.err(block);
    }
    io.out(withTrailingNewline(outputText(response)));
    io.err(containerFileLines(containerFiles(response)));
    for (const refusal of refusals(response)) io.err(`refusal: ${refusal}\n`);
  }
  const error = notCompletedError(response);
  if (error) throw error;
}
