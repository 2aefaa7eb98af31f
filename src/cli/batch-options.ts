// The request flags of `aoai batch prepare` and `aoai batch run`: the ordinary create flags (declared
// once, in request-options.ts and tool-options.ts), minus the ones a batch line cannot use.
import { Option, type Command } from 'commander';
import { UsageError } from '../core/errors.ts';
import { INPUT_FORMATS, type BatchRequestOptions, type InputFormat } from '../batch/prepare.ts';
import { addModelOptions, requestFlagsFrom, type ModelOptionValues } from './request-options.ts';
import { addInputOptions, addToolOptions, type ToolOptionValues } from './tool-options.ts';

export type BatchRequestValues = ModelOptionValues & ToolOptionValues & { inputFormat?: InputFormat };

/**
 * Create flags a batch line cannot use, each needing a live turn with the user or the service:
 * not declared on the batch verbs at all (Global Batch is the asynchronous mode, not --background).
 */
const NOT_IN_BATCH = new Set(['background', 'exec', 'functionOutput', 'conversation', 'maxToolRounds']);

/** A batch verb that reads a batch input (FILE, '-' or none: stdin) and takes the create flags. */
export function batchInputVerb(batch: Command, name: string, description: string, fileHelp: string): { command: Command; requestFlags: Map<string, string> } {
  const command = batch.command(name).description(description).argument('[file]', `${fileHelp} ('-' or none: stdin)`, '-');
  return { command, requestFlags: addBatchRequestOptions(command) };
}

/** Declare the create flags on a batch verb; returns attribute name → flag, for the ones added. */
export function addBatchRequestOptions(command: Command): Map<string, string> {
  const before = new Set(command.options.map((option) => option.attributeName()));
  addToolOptions(addInputOptions(addModelOptions(command)));
  // commander has no way to leave out some of a shared set of options; drop them after the fact.
  for (let i = command.options.length - 1; i >= 0; i--) {
    if (NOT_IN_BATCH.has(command.options[i]!.attributeName())) (command.options as Option[]).splice(i, 1);
  }
  const added = new Map<string, string>();
  for (const option of command.options) {
    const name = option.attributeName();
    if (!before.has(name) && !added.has(name)) added.set(name, option.long ?? option.flags);
  }
  command.addOption(new Option('--input-format <format>', 'requests (Global Batch lines), prompts (JSONL with input), text (a prompt per line), or auto').choices(INPUT_FORMATS).default('auto'));
  return added;
}

export function toBatchRequestOptions(file: string, values: BatchRequestValues, requestFlags: Map<string, string>): BatchRequestOptions {
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
