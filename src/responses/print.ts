// Print a response the way every command does: --json passes the service's JSON through; text
// mode prints the output text, and the exit code says whether the response completed.
import { plainFollowUp, type FollowUp } from '../cli/follow-up.ts';
import { serviceId } from '../core/ids.ts';
import type { IO } from '../io/io.ts';
import { printJson } from '../render/json.ts';
import { isTerminal, notCompletedError, outputText, reasoningSummaries, reasoningSummaryBlock, refusals, usageLine, withTrailingNewline } from '../render/response.ts';
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
  /** --reasoning (default show): reasoning summaries on stderr, as stream shows them. */
  reasoning?: 'show' | 'hide';
  /** --usage: the status, id and usage line on stderr at the end (always on a terminal). */
  usage?: boolean;
  /** The request's prompt, to name generated images after (as `aoai image` does). */
  prompt?: string | undefined;
  /** Hears the paths of images saved from the response (for the local log). */
  onSaved?: ((paths: string[]) => void) | undefined;
}

export async function printResponse(io: IO, { raw, response }: RawResponse, options: PrintOptions): Promise<void> {
  const aoai = options.followUp ?? plainFollowUp;
  // What stdout gets from the service: exact on a pipe, shown-not-obeyed on a terminal.
  const data = (text: string) => (io.stdoutIsTTY ? neutralise(text) : text);
  if (options.json) await printJson(io, raw);
  if (!isTerminal(response.status)) {
    const id = serviceId('response', response.id, 'response id');
    if (!options.json) io.out(`${id} ${data(String(response.status))}\n`);
    if (options.followHint && io.stderrIsTTY) io.err(`Follow it with: ${aoai(['get', id, '--wait'])}\n`);
    return;
  }
  const style = stderrStyle(io);
  if (!options.json) {
    // Stderr shows what `stream` shows, in output order: reasoning summaries, then tool activity.
    for (const item of response.output ?? []) {
      if (item.type === 'reasoning') {
        if (options.reasoning !== 'hide') for (const text of reasoningSummaries({ output: [item] })) io.err(reasoningSummaryBlock(text, style));
        continue;
      }
      const block = toolItemBlock(item as unknown as Record<string, unknown>, style);
      if (block) io.err(block);
    }
    io.out(data(withTrailingNewline(outputText(response))));
    io.err(containerFileLines(containerFiles(response), aoai));
    for (const refusal of refusals(response)) io.err(`refusal: ${neutralise(refusal)}\n`);
  }
  if (response.output?.some((item) => item.type === 'image_generation_call')) {
    const { saveResponseImages } = await import('../image/results.ts');
    const saved = saveResponseImages(io, response, { prompt: options.prompt, json: options.json });
    options.onSaved?.(saved.map((image) => image.path));
  }
  if (options.usage || io.stderrIsTTY) io.err(usageLine(response.status, response.id, response.usage, style));
  const error = notCompletedError(response);
  if (error) throw error;
}
