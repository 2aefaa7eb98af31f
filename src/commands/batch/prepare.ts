// aoai batch prepare [FILE]: prompts (plain lines of text, or JSONL with custom_id/input) plus the
// ordinary create flags → Global Batch request lines, checked as `batch run` and `batch submit`
// check them. Nothing is sent.
import type { Command } from 'commander';
import type { CommandContext } from '../../cli/context.ts';
import { batchInputVerb, toBatchRequestOptions, type BatchRequestValues } from '../../cli/batch-options.ts';
import { FileWriteError, openAtomic, type AtomicWriter } from '../../core/atomic-write.ts';
import { UsageError } from '../../core/errors.ts';
import type { Factory } from '../../core/factory.ts';
import { openBatchInput } from '../../batch/input.ts';
import { checkInput, requestConverter, requestLineJson, requestLines, type BatchRequestOptions } from '../../batch/prepare.ts';
import { BatchValidator } from '../../batch/validate.ts';

export interface BatchPrepareOptions extends BatchRequestOptions {
  file: string;
  /** Write here (replaced whole, only once every line is valid); undefined: stdout. */
  output: string | undefined;
  force: boolean;
}

type BatchPrepareValues = BatchRequestValues & { output?: string; force?: boolean };

/** Lines written to stdout between waits for the reader (keeps memory flat on a slow pipe). */
const STDOUT_CHUNK_LINES = 256;

export function registerBatchPrepare(batch: Command, ctx: CommandContext): void {
  const { command, requestFlags } = batchInputVerb(batch, 'prepare', 'turn prompts (text lines or {"custom_id","input"} JSONL) and create flags into batch request lines', 'prompts file');
  command
    .option('-o, --output <file>', 'write the request lines to FILE (default: stdout)')
    .option('--force', 'with --output: replace an existing file')
    .addHelpText(
      'after',
      `
A text line becomes one request with custom_id "line-N" (N: its line number); a JSON line
{"custom_id": "q1", "input": "…", …} keeps its id, and its other fields override the flags.
Every line is checked first; nothing is written if one is invalid (exit 2).

Examples:
  aoai batch prepare -m gpt-4.1-mini --instructions "Answer in one word" questions.txt -o requests.jsonl
  aoai batch prepare -m gpt-4.1 --schema person.schema.json people.jsonl > requests.jsonl`,
    )
    .action(async (file: string, values: BatchPrepareValues, cmd: Command) => {
      await runBatchPrepare(toBatchPrepareOptions(file, values, requestFlags), ctx.factory(cmd));
    });
}

export function toBatchPrepareOptions(file: string, values: BatchPrepareValues, requestFlags: Map<string, string>): BatchPrepareOptions {
  if (values.force && values.output === undefined) throw new UsageError('--force needs --output');
  return { ...toBatchRequestOptions(file, values, requestFlags), file, output: values.output, force: Boolean(values.force) };
}

export async function runBatchPrepare(options: BatchPrepareOptions, f: Factory): Promise<void> {
  let writer: AtomicWriter | undefined;
  if (options.output !== undefined && options.output !== '-') {
    try {
      writer = openAtomic(options.output, { exclusive: !options.force });
    } catch (error) {
      if (error instanceof FileWriteError && error.errno === 'EEXIST') throw new UsageError(`${options.output} already exists`, 'pass --force to replace it');
      throw error;
    }
  }
  const input = await openBatchInput(f.io, options.file);
  try {
    const convert = await requestConverter(f, input, options);
    const checked = await checkInput(f.io, input, convert);
    let count = 0;
    let pending: string[] = [];
    for await (const { request } of requestLines(input, convert, new BatchValidator({ duplicates: false }))) {
      pending.push(requestLineJson(request));
      count++;
      if (pending.length >= STDOUT_CHUNK_LINES) {
        await emit(f, writer, pending);
        pending = [];
      }
    }
    await emit(f, writer, pending);
    writer?.commit();
    if (f.io.stderrIsTTY) f.io.err(`✓ ${count} request line${count === 1 ? '' : 's'} for ${checked.model ?? 'the deployment'}${writer ? ` in ${options.output}` : ''}\n`);
  } catch (error) {
    writer?.abort();
    throw error;
  } finally {
    input.dispose();
  }
}

async function emit(f: Factory, writer: AtomicWriter | undefined, lines: string[]): Promise<void> {
  if (lines.length === 0) return;
  const text = `${lines.join('\n')}\n`;
  if (writer) {
    writer.write(text);
    return;
  }
  f.io.out(text);
  await f.io.flush();
}
