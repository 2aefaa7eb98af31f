// aoai batch results ID: a finished job's output and error files, joined into one JSONL file (or
// stdout) in Global Batch's output-line shape; --order input puts them in the input file's order.
import type { Command } from 'commander';
import { Option } from 'commander';
import type { Batch } from 'openai/resources/batches';
import type { CommandContext } from '../../cli/context.ts';
import { followUpFor } from '../../cli/follow-up.ts';
import { batchId } from '../../cli/parse.ts';
import { assertWritable, FileWriteError } from '../../core/atomic-write.ts';
import type { Client } from '../../core/client.ts';
import { formatCliError, UsageError, type CliError } from '../../core/errors.ts';
import type { Factory } from '../../core/factory.ts';
import { printJsonLine } from '../../render/json.ts';
import { prepareRequest } from '../../responses/session.ts';
import { downloadResults, type ResultsSummary, type ResultsTarget } from '../../batch/global/results.ts';
import { throwIfNotCompleted, throwIfRequestsFailed, type InputOrigin } from '../../batch/global/outcome.ts';
import { fetchBatch } from '../../batch/global/wait.ts';
import { isTerminalBatch } from '../../batch/global/view.ts';
import { openBatchInput } from '../../batch/input.ts';

/** Where a job's results go, and in what order. */
export interface ResultsRequest {
  target: ResultsTarget;
  /** --order input: the input file whose custom_id order the results follow. */
  order: { inputPath: string } | undefined;
  /** --json: a summary object on stdout once the file is written. */
  json?: boolean;
  /** Each job's input (by batch id), so the service's line numbers name the user's file. */
  origins?: ReadonlyMap<string, InputOrigin> | undefined;
}

export interface BatchResultsOptions extends ResultsRequest {
  id: string;
}

interface BatchResultsValues {
  output?: string;
  force?: boolean;
  order?: 'service' | 'input';
  input?: string;
  json?: boolean;
}

export function registerBatchResults(batch: Command, ctx: CommandContext): void {
  batch
    .command('results')
    .description("write a finished job's results (output and error lines joined) to a file or stdout")
    .argument('<id>', 'batch id (batch_…)', batchId)
    .option('-o, --output <file>', "write to FILE, whole or not at all ('-' or omitted: stdout)")
    .option('--force', 'replace an existing file')
    .addOption(new Option('--order <order>', 'service: as the service returned them (any order); input: in the order of --input').choices(['service', 'input']).default('service'))
    .option('--input <file>', "with --order input: the job's input file")
    .option('--json', 'with --output FILE: print a summary object (counts, bytes) on stdout')
    .addHelpText(
      'after',
      `
Each line: {"id", "custom_id", "response": {"status_code", "request_id", "body"}, "error"}.
Exit 0 when every request succeeded; 1 when some failed (their lines have "error" set);
4 when the job failed, expired or was cancelled (its finished requests are still written).

Examples:
  aoai batch results batch_abc123 -o results.jsonl
  aoai batch results batch_abc123 --order input --input requests.jsonl -o results.jsonl
  aoai batch results batch_abc123 | jq -r '[.custom_id, .response.body.output[-1].content[0].text] | @tsv'`,
    )
    .action(async (id: string, values: BatchResultsValues, cmd: Command) => {
      await runBatchResults(toBatchResultsOptions(id, values), ctx.factory(cmd));
    });
}

export function resultsTarget(output: string | undefined, force: boolean): ResultsTarget {
  if (output === undefined || output === '-') {
    if (force) throw new UsageError('--force replaces an --output file; there is none');
    return { kind: 'stdout' };
  }
  return { kind: 'file', path: output, force };
}

export function toBatchResultsOptions(id: string, values: BatchResultsValues): BatchResultsOptions {
  const target = resultsTarget(values.output, Boolean(values.force));
  if (values.order === 'input' && values.input === undefined) throw new UsageError('--order input needs --input FILE (the input file whose order to follow)');
  if (values.input !== undefined && values.order !== 'input') throw new UsageError('--input is the order to follow: add --order input');
  if (values.json && target.kind === 'stdout') throw new UsageError('--json prints a summary on stdout, where the results would go: add --output FILE');
  return { id, target, order: values.order === 'input' ? { inputPath: values.input! } : undefined, json: Boolean(values.json) };
}

/** The words that ask for the same results again (`-o FILE --force`), for printed commands. */
export function resultsWords(request: ResultsRequest | undefined): string[] {
  if (request?.target.kind !== 'file') return [];
  return ['-o', request.target.path, ...(request.target.force ? ['--force'] : [])];
}

/** Before any request: the output file must be writable (and new, without --force). */
export function checkResultsTarget(request: ResultsRequest): void {
  if (request.target.kind !== 'file') return;
  try {
    assertWritable(request.target.path, { exclusive: !request.target.force });
  } catch (error) {
    if (error instanceof FileWriteError && error.errno === 'EEXIST') throw new UsageError(`${request.target.path} already exists`, 'pass --force to replace it');
    throw error;
  }
}

export async function runBatchResults(options: BatchResultsOptions, f: Factory): Promise<void> {
  checkResultsTarget(options);
  // The input is checked (and stdin kept) before anything is fetched.
  const input = options.order ? await openBatchInput(f.io, options.order.inputPath) : undefined;
  try {
    const client = await prepareRequest(f);
    const { batch } = await fetchBatch(client.batches.retrieve(options.id));
    await writeBatchResults(client, [batch], { ...options, order: input ? { inputPath: input.path } : undefined }, f);
  } finally {
    input?.dispose();
  }
}

/**
 * Write the jobs' results where asked, then exit as the jobs ended: 4 when one did not complete
 * (a running job writes nothing; a failed one lists its errors; a cancelled or expired one still
 * has its finished requests written), 1 when some requests failed.
 */
export async function writeBatchResults(client: Client, batches: readonly Batch[], request: ResultsRequest, f: Factory): Promise<ResultsSummary | undefined> {
  const followUp = followUpFor(f);
  for (const batch of batches) if (!isTerminalBatch(batch)) throwIfNotCompleted(f.io, batch, followUp, request.origins?.get(batch.id));
  const where = request.target.kind === 'file' ? request.target.path : 'stdout';
  const withResults = batches.filter((batch) => batch.output_file_id || batch.error_file_id || batch.status === 'completed');
  let summary: ResultsSummary | undefined;
  if (withResults.length > 0) {
    summary = request.order
      ? await (await import('../../batch/global/ordered.ts')).downloadInInputOrder(client, withResults, request.target, request.order.inputPath, f.io)
      : await downloadResults(client, withResults, request.target, f.io);
    if (request.json) {
      for (const batch of batches) printJsonLine(f.io, { id: batch.id, status: batch.status, output: where, ...(batches.length === 1 ? { succeeded: summary.succeeded, failed: summary.failed, bytes: summary.bytes } : {}) });
    }
    if (f.io.stderrIsTTY && request.target.kind === 'file') {
      f.io.err(`✓ wrote ${summary.succeeded + summary.failed} results (${summary.succeeded} succeeded, ${summary.failed} failed) to ${where}\n`);
    }
  }
  // Every job that did not complete is told, in order; the last one's error ends the command (all exit 4).
  const unfinished = batches.filter((batch) => batch.status !== 'completed');
  for (const [index, batch] of unfinished.entries()) {
    try {
      throwIfNotCompleted(f.io, batch, followUp, request.origins?.get(batch.id));
    } catch (error) {
      if (index === unfinished.length - 1) throw error;
      f.io.err(formatCliError(error as CliError));
    }
  }
  if (summary) throwIfRequestsFailed(summary, where);
  return summary;
}
