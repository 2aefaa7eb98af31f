// aoai batch get ID: a Global Batch job's status and counts; --wait polls it to its end (once a
// minute by default, as Azure asks) and, with -o, downloads its results.
import type { Command } from 'commander';
import type { CommandContext } from '../../cli/context.ts';
import { followUpFor } from '../../cli/follow-up.ts';
import { batchId, positiveNumber } from '../../cli/parse.ts';
import { UsageError } from '../../core/errors.ts';
import type { Factory } from '../../core/factory.ts';
import { printJson } from '../../render/json.ts';
import { prepareRequest } from '../../responses/session.ts';
import { DEFAULT_BATCH_POLL_SECONDS, fetchBatch, pollWords, waitForBatch } from '../../batch/global/wait.ts';
import { batchDetails } from '../../batch/global/view.ts';
import { throwIfNotCompleted } from '../../batch/global/outcome.ts';
import { checkResultsTarget, resultsTarget, resultsWords, writeBatchResults, type ResultsRequest } from './results.ts';

export interface BatchGetOptions {
  id: string;
  json: boolean;
  wait: boolean;
  pollIntervalMs: number;
  /** With --wait: where the results go once the job ends. */
  results: ResultsRequest | undefined;
}

interface BatchGetValues {
  json?: boolean;
  wait?: boolean;
  pollInterval?: number;
  output?: string;
  force?: boolean;
}

export function registerBatchGet(batch: Command, ctx: CommandContext): void {
  batch
    .command('get')
    .description("show a Global Batch job's status and request counts; --wait follows it to its end")
    .argument('<id>', 'batch id (batch_…)', batchId)
    .option('--json', "print the API's batch object unchanged")
    .option('--wait', 'poll until the job completes, fails, expires or is cancelled (progress on stderr)')
    .option('--poll-interval <seconds>', `seconds between status checks (default ${DEFAULT_BATCH_POLL_SECONDS}, as Azure asks)`, positiveNumber)
    .option('-o, --output <file>', "with --wait: then write the results to FILE ('-' for stdout)")
    .option('--force', 'with --output: replace an existing file')
    .addHelpText('after', '\nExamples:\n  aoai batch get batch_abc123\n  aoai batch get batch_abc123 --wait -o results.jsonl\n  aoai batch get batch_abc123 --json | jq .request_counts')
    .action(async (id: string, values: BatchGetValues, cmd: Command) => {
      await runBatchGet(toBatchGetOptions(id, values), ctx.factory(cmd));
    });
}

export function toBatchGetOptions(id: string, values: BatchGetValues): BatchGetOptions {
  if (values.output !== undefined && !values.wait) throw new UsageError('--output needs --wait (for a job that has ended, use aoai batch results)');
  if (values.force && values.output === undefined) throw new UsageError('--force needs --output');
  if (values.pollInterval !== undefined && !values.wait) throw new UsageError('--poll-interval needs --wait');
  if (values.json && values.output === '-') throw new UsageError('--json and --output - both print to stdout; pick one');
  return {
    id,
    json: Boolean(values.json),
    wait: Boolean(values.wait),
    pollIntervalMs: (values.pollInterval ?? DEFAULT_BATCH_POLL_SECONDS) * 1000,
    results: values.output !== undefined ? { target: resultsTarget(values.output, Boolean(values.force)), order: undefined } : undefined,
  };
}

export async function runBatchGet(options: BatchGetOptions, f: Factory): Promise<void> {
  if (options.results) checkResultsTarget(options.results);
  const client = await prepareRequest(f);
  let current = await fetchBatch(client.batches.retrieve(options.id));
  const followUp = followUpFor(f);
  if (options.wait) {
    const resumeWords = ['batch', 'get', options.id, '--wait', ...pollWords(options.pollIntervalMs), ...resultsWords(options.results)];
    current = await waitForBatch({ client, io: f.io, initial: current, intervalMs: options.pollIntervalMs, followUp, resumeWords });
  }
  if (options.json) printJson(f.io, current.raw);
  else if (options.results?.target.kind !== 'stdout') f.io.out(batchDetails(current.batch));
  if (options.results) await writeBatchResults(client, [current.batch], options.results, f);
  // Waited for, a job that did not complete is a failure for the script that waited.
  else if (options.wait) throwIfNotCompleted(f.io, current.batch, followUp);
}
