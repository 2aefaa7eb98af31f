// aoai batch run FILE|-: every request of a batch input, online, within the deployment's quota;
// results appended as they finish (Global Batch's output-line shape), resumable with the same -o.
import { Option, type Command } from 'commander';
import type { CommandContext } from '../../cli/context.ts';
import { batchInputVerb, toBatchRequestOptions, type BatchRequestValues } from '../../cli/batch-options.ts';
import { intInRange, positiveNumber } from '../../cli/parse.ts';
import { addNoLogOption } from '../../cli/request-options.ts';
import type { Factory } from '../../core/factory.ts';
import type { BatchRunOptions } from '../../batch/online/run.ts';

type BatchRunValues = BatchRequestValues & {
  output?: string;
  errors?: string;
  order?: 'finish' | 'input';
  concurrency?: number;
  rpm?: number;
  tpm?: number;
  retries?: number;
  json?: boolean;
};

export const DEFAULT_BATCH_RETRIES = 8;

export function registerBatchRun(batch: Command, ctx: CommandContext): void {
  const { command, requestFlags } = batchInputVerb(batch, 'run', 'send every request of FILE now, as fast as the quota allows; results as they finish', 'batch input: request lines, prompt JSONL or text lines');
  command
    .option('-o, --output <file>', 'append results to FILE; run again with the same FILE to resume (default: stdout)')
    .option('--errors <file>', 'write failed lines here instead (rewritten each run; the next run retries them)')
    .addOption(new Option('--order <order>', 'finish: write each result when it arrives; input: in input order (bounded buffering)').choices(['finish', 'input']).default('finish'))
    .option('--concurrency <n>', 'requests in flight at most (default 50; with --rpm, 10 seconds of it, up to 1000)', intInRange(1, 10_000))
    .option('--rpm <n>', "the deployment's requests-per-minute quota (default: profile rpm, $AOAI_RPM)", positiveNumber)
    .option('--tpm <n>', "the deployment's tokens-per-minute quota (default: profile tpm, $AOAI_TPM)", positiveNumber)
    .option('--retries <n>', `retries per request for 429, 5xx, timeouts and dropped connections (default ${DEFAULT_BATCH_RETRIES})`, intInRange(0, 100))
    .option('--json', 'print a JSON summary on stdout at the end (needs -o)');
  addNoLogOption(command, 'leave this run out of the local log (aoai log)')
    .addHelpText(
      'after',
      `
Each result line is {"id", "custom_id", "response": {"status_code", "request_id", "body"}, "error"},
as Global Batch writes them, so the same jq works on both. A summary goes to stderr at the end.
Ctrl-C stops starting requests and lets the ones in flight finish (twice: abandons them); re-run
with the same -o FILE to resume. Exit 0: every request succeeded; 1: some failed; 130: interrupted.

Examples:
  cat questions.txt | aoai batch run -m gpt-4.1-mini --instructions "Answer in one word" > answers.jsonl
  aoai batch run requests.jsonl -o results.jsonl --errors failed.jsonl --rpm 1000 --tpm 1000000
  jq -r 'select(.error == null) | [.custom_id, .response.body.output[-1].content[0].text] | @tsv' results.jsonl`,
    )
    .action(async (file: string, values: BatchRunValues, cmd: Command) => {
      await runBatchRun(toBatchRunOptions(file, values, requestFlags, typedWords(cmd)), ctx.factory(cmd));
    });
}

/** The words of the command line as typed (after `aoai`), to print the command that resumes the run. */
function typedWords(cmd: Command): string[] {
  let root = cmd;
  while (root.parent) root = root.parent;
  // commander keeps the words it parsed on the root command (cli/run.ts parses them `from: 'user'`).
  return [...((root as unknown as { rawArgs?: string[] }).rawArgs ?? [])];
}

export function toBatchRunOptions(file: string, values: BatchRunValues, requestFlags: Map<string, string>, commandWords: string[]): BatchRunOptions {
  return {
    ...toBatchRequestOptions(file, values, requestFlags),
    file,
    output: values.output === '-' ? undefined : values.output,
    errors: values.errors,
    order: values.order ?? 'finish',
    concurrency: values.concurrency,
    rpm: values.rpm,
    tpm: values.tpm,
    retries: values.retries ?? DEFAULT_BATCH_RETRIES,
    json: Boolean(values.json),
    commandWords,
  };
}

export async function runBatchRun(options: BatchRunOptions, f: Factory): Promise<void> {
  const { runBatchOnline } = await import('../../batch/online/run.ts');
  await runBatchOnline(options, f);
}
