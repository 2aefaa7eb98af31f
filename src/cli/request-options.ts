// The model and input flags shared by create, stream (and later image, chat): declared once so
// they read the same everywhere, mapped once to RequestFlags.
import { Option, type Command } from 'commander';
import { UsageError } from '../core/errors.ts';
import { readLocalText } from '../core/local-input.ts';
import { continueRef, type ContinueRef } from '../log/continue-ref.ts';
import { REASONING_EFFORTS, REASONING_SUMMARIES, type RequestFlags } from '../request/create-params.ts';
import { collect, collectList, intInRange, numberInRange, responseId } from './parse.ts';
import { richFlagsFrom, type ToolOptionValues } from './tool-options.ts';

export function addModelOptions(command: Command): Command {
  return command
    .option('-m, --model <deployment>', 'deployment name (default: $AZURE_OPENAI_DEPLOYMENT or profile deployment)')
    .option('--instructions <text>', 'system/developer instructions; @FILE reads them from a file')
    .option('--previous <id>', 'continue from a stored response (previous_response_id)', responseId)
    .option('--max-output-tokens <n>', 'upper bound on output tokens, reasoning included', intInRange(1, 10_000_000))
    .option('--temperature <t>', 'sampling temperature, 0–2', numberInRange(0, 2))
    .option('--top-p <p>', 'nucleus sampling, 0–1', numberInRange(0, 1))
    .addOption(new Option('--reasoning-effort <level>', 'reasoning effort for reasoning models').choices(REASONING_EFFORTS))
    .addOption(new Option('--reasoning-summary <mode>', 'ask for a reasoning summary').choices(REASONING_SUMMARIES))
    .option('--store', 'store the response so get/items/--previous can use it (the service default)')
    .option('--no-store', 'do not store the response')
    .option('--background', 'run as a background job; prints its id and status (needs store)')
    .option('--metadata <key=value>', 'attach metadata (repeatable, at most 16)', collect)
    .option('--include <field>', 'extra output fields, e.g. reasoning.encrypted_content (repeatable)', collectList)
    .option('--input-items <file>', "JSON array of input items sent before the prompt ('-' for stdin)")
    .option('--body <file>', 'JSON object merged into the request, for fields without a flag');
}

export interface ModelOptionValues {
  model?: string;
  instructions?: string;
  previous?: string;
  maxOutputTokens?: number;
  temperature?: number;
  topP?: number;
  reasoningEffort?: RequestFlags['reasoningEffort'];
  reasoningSummary?: RequestFlags['reasoningSummary'];
  store?: boolean;
  background?: boolean;
  metadata?: string[];
  include?: string[];
  inputItems?: string;
  body?: string;
}

export function requestFlagsFrom(values: ModelOptionValues & ToolOptionValues): RequestFlags {
  return {
    model: values.model,
    instructions: values.instructions === undefined ? undefined : readAtFile(values.instructions, '--instructions'),
    previous: values.previous,
    maxOutputTokens: values.maxOutputTokens,
    temperature: values.temperature,
    topP: values.topP,
    reasoningEffort: values.reasoningEffort,
    reasoningSummary: values.reasoningSummary,
    store: values.store,
    background: values.background,
    metadata: values.metadata,
    include: values.include,
    rich: richFlagsFrom(values),
  };
}

/** `@path` reads the file (as curl does); `@@text` is a literal leading @. */
function readAtFile(value: string, flag: string): string {
  if (value.startsWith('@@')) return value.slice(1);
  if (!value.startsWith('@')) return value;
  return readLocalText(value.slice(1), flag);
}

/** How a stream is shown: shared by stream, create --stream and get --stream. */
export function addStreamOptions(command: Command): Command {
  return command
    .addOption(new Option('--reasoning <mode>', 'show or hide reasoning summaries on stderr').choices(['show', 'hide']).default('show'))
    .option('--usage', 'print status, id and token usage on stderr at the end (always on a terminal)')
    .option('--cancel-on-interrupt', 'Ctrl-C cancels a background job instead of leaving it running')
    .option('--max-resumes <n>', 'times to resume a dropped background stream without progress (default 5)', intInRange(0, 100));
}

export interface StreamOptionValues {
  reasoning?: 'show' | 'hide';
  usage?: boolean;
  cancelOnInterrupt?: boolean;
  maxResumes?: number;
}

/** --no-log, on every command that creates a response: this one stays out of the local log. */
export function addNoLogOption(command: Command, description = 'leave this response out of the local log (aoai log)'): Command {
  return command.option('--no-log', description);
}

/** -c/--continue [ref]: continue a response from the local log (create, stream; chat has its own wording). */
export function addContinueOption(command: Command): Command {
  return command.option('-c, --continue [id]', "continue this profile's latest response in the local log (aoai log); or the Nth latest (-c 2), or an id");
}

export interface ContinueValues {
  continue?: true | string;
  previous?: string;
  conversation?: string;
}

/**
 * What -c/--continue asks for, and the prompt words: `-c "next question"` takes the words as the
 * option's value (commander cannot know), so a value that is neither a number nor an id is the
 * prompt's first word.
 */
export function continueFrom(values: ContinueValues, input: string[]): { ref: ContinueRef | undefined; input: string[] } {
  if (values.continue === undefined) return { ref: undefined, input };
  if (values.previous !== undefined) throw new UsageError('--continue and --previous both choose the response to continue; give one');
  if (values.conversation !== undefined) throw new UsageError('--continue chains on the service (previous_response_id); --conversation sends the history itself: give one');
  const ref = continueRef(values.continue);
  if (ref) return { ref, input };
  return { ref: { latest: 1 }, input: [values.continue as string, ...input] };
}
