// What a finished job means for the exit code: a job that failed (its validation errors listed
// with their line numbers), expired or was cancelled exits 4; one whose requests partly failed
// exits 1 once its results are written. Shared by `batch get --wait`, `batch results` and
// `batch submit --wait`.
import type { Batch } from 'openai/resources/batches';
import type { FollowUp } from '../../cli/follow-up.ts';
import { ApiError, NotCompletedError } from '../../core/errors.ts';
import type { IO } from '../../io/io.ts';
import { shellQuote } from '../../render/shell-quote.ts';
import { neutralise } from '../../render/terminal-text.ts';
import type { ResultsSummary } from './results.ts';
import { errorLines, MAX_SHOWN_ERRORS } from './view.ts';

/** Where the job's input lines came from, so the service's line numbers can name the user's file. */
export interface InputOrigin {
  name: string;
  /** The input line of the job's line N (a --split part starts further down; blank lines were left out). */
  inputLine(line: number): number | undefined;
}

/**
 * The service's validation errors, one stderr line each: `aoai: requests.jsonl:12: duplicate_custom_id: …`
 * when the input file is known (the line mapped back through a --split part), else `aoai: batch_…: line 12: …`.
 */
export function printBatchErrors(io: IO, batch: Batch, origin?: InputOrigin): void {
  const errors = Array.isArray(batch.errors?.data) ? batch.errors.data : [];
  for (const [index, error] of errors.entries()) {
    if (index === MAX_SHOWN_ERRORS) {
      io.err(`aoai: … and ${errors.length - MAX_SHOWN_ERRORS} more\n`);
      break;
    }
    const text = neutralise(`${error.code ? `${error.code}: ` : ''}${error.message ?? 'no message'}`.replace(/\s*\r?\n\s*/g, ' '));
    const inputLine = typeof error.line === 'number' ? origin?.inputLine(error.line) : undefined;
    if (inputLine !== undefined) io.err(`aoai: ${neutralise(origin!.name)}:${inputLine}: ${text}\n`);
    else io.err(`aoai: ${neutralise(batch.id)}: ${errorLines({ errors: { data: [error] } } as Batch)[0] ?? text}\n`);
  }
}

/** Throws for a job that did not complete (after printing its errors); returns for a completed one. */
export function throwIfNotCompleted(io: IO, batch: Batch, followUp: FollowUp, origin?: InputOrigin): void {
  if (batch.status === 'completed') return;
  const id = batch.id;
  const status = neutralise(String(batch.status));
  if (batch.status === 'failed') {
    printBatchErrors(io, batch, origin);
    const count = batch.errors?.data?.length ?? 0;
    const quota = batch.errors?.data?.some((error) => error.code === 'token_limit_exceeded');
    throw new NotCompletedError(
      `${id} failed${count ? ` (${count} error${count === 1 ? '' : 's'} from the service)` : ''}`,
      quota ? 'the enqueued-token quota is in use by earlier jobs; submit again once they finish (aoai batch submit --split --wait does this by itself)' : 'fix the input and submit it again',
    );
  }
  if (batch.status === 'cancelled' || batch.status === 'expired') {
    throw new NotCompletedError(`${id} was ${status}${batch.output_file_id || batch.error_file_id ? '; the requests it finished are in its results' : ''}`, batch.output_file_id || batch.error_file_id ? `fetch them: ${followUp(['batch', 'results', id, '-o', 'results.jsonl'])}` : undefined);
  }
  throw new NotCompletedError(`${id} is still ${status}; no results yet`, `wait for it: ${followUp(['batch', 'get', id, '--wait'])}`);
}

/** After the results are written: some requests failed → exit 1, saying where they are. */
export function throwIfRequestsFailed(summary: ResultsSummary, where: string): void {
  if (summary.failed === 0) return;
  const total = summary.failed + summary.succeeded;
  throw new ApiError(`${summary.failed} of ${total} request${total === 1 ? '' : 's'} failed; their lines in ${where} have "error" set`, {
    hint: where === 'stdout' ? undefined : `list them: jq -c 'select(.error != null)' ${shellQuote(where)}`,
  });
}
