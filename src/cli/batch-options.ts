// The request flags of `aoai batch prepare` and `aoai batch run`: the ordinary create flags (declared
// once, in request-options.ts and tool-options.ts), minus the ones a batch line cannot use.
import { Option, type Command } from 'commander';
import { UsageError } from '../core/errors.ts';
import { INPUT_FORMATS, type BatchRequestOptions, type InputFormat } from '../batch/prepare.ts';
import { addModelOptions, requestFlagsFrom, type ModelOptionValues } from './request-options.ts';
import { addInputOptions, addToolOptions, type ToolOptionValues } from './tool-options.ts';

export type BatchRequestValues = ModelOptionValues & ToolOptionValues & { inputFormat?: InputFormat };

/** Flags a line of a batch cannot use: each needs a live turn with the user or the service. */
const NOT_IN_BATCH: Record<string, string> = {
  background: '--background (batch requests run to their end; Global Batch is the asynchronous mode)',
  exec: '--exec (a batch runs no local commands)',
  functionOutput: '--function-output (answers one response, not a batch)',
  conversation: '--conversation (a batch line carries its own input)',
  maxToolRounds: '--max-tool-rounds (a batch runs no local commands)',
};

/** A batch verb that reads a batch input (FILE, '-' or none: stdin) and takes the create flags. */
export function batchInputVerb(batch: Command, name: string, description: string, fileHelp: string): { command: Command; requestFlags: Map<string, string> } {
  const command = batch.command(name).description(description).argument('[file]', `${fileHelp} ('-' or none: stdin)`, '-');
  return { command, requestFlags: addBatchRequestOptions(command) };
}

/** Declare the create flags on a batch verb; returns attribute name → flag, for the ones added. */
export function addBatchRequestOptions(command: Command): Map<string, string> {
  const before = new Set(command.options.map((option) => option.attributeName()));
  addToolOptions(addInputOptions(addModelOptions(command)));
  const added = new Map<string, string>();
  for (const option of command.options) {
    const name = option.attributeName();
    if (!before.has(name) && !added.has(name)) added.set(name, option.long ?? option.flags);
  }
  command.addOption(new Option('--input-format <format>', 'requests (Global Batch lines), prompts (JSONL with input), text (a prompt per line), or auto').choices(INPUT_FORMATS).default('auto'));
  return added;
}

export function toBatchRequestOptions(file: string, values: BatchRequestValues, requestFlags: Map<string, string>): BatchRequestOptions {
  for (const [name, why] of Object.entries(NOT_IN_BATCH)) {
    if ((values as Record<string, unknown>)[name] !== undefined) throw new UsageError(`batch requests cannot use ${why}`);
  }
  if (file === '-' && values.inputItems === '-') throw new UsageError('--input-items - and the batch input both want standard input', 'give one of them as a file');
  const given: string[] = [];
  for (const [name, flag] of requestFlags) {
    if ((values as Record<string, unknown>)[name] !== undefined && !given.includes(flag)) given.push(flag);
  }
  return {
    format: values.inputFormat ?? 'auto',
    request: requestFlagsFrom(values),
    inputItems: values.inputItems,
    body: values.body,
    requestFlagsGiven: given,
  };
}
