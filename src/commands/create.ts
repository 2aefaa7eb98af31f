// aoai create [input...]: one Responses API request; prints the output text (or --json).
import type { Command } from 'commander';
import { followUpFor } from '../cli/follow-up.ts';
import type { CommandContext } from '../cli/program.ts';
import { addModelOptions, addStreamOptions, requestFlagsFrom, type ModelOptionValues, type StreamOptionValues } from '../cli/request-options.ts';
import { addInputOptions, addToolOptions, type ToolOptionValues } from '../cli/tool-options.ts';
import { positiveNumber } from '../cli/parse.ts';
import { UsageError } from '../core/errors.ts';
import type { Factory } from '../core/factory.ts';
import { buildCreateBody, type CreateBody, type RequestFlags } from '../request/create-params.ts';
import { readBody, readInputItems, readInputText } from '../request/input.ts';
import { startSpinner } from '../io/spinner.ts';
import { fetchRaw, waitForTerminal } from '../responses/wait.ts';
import { printResponse } from '../responses/print.ts';
import { isTerminal } from '../render/response.ts';
import { prepareRequest } from '../responses/session.ts';
import { streamToTerminal } from '../responses/stream-command.ts';
import { resolveRich, type ResolvedRich } from '../request/rich.ts';
import { runTurns, type TurnRunner } from '../tools/turns.ts';

export interface CreateOptions {
  input: string[];
  request: RequestFlags;
  inputItems: string | undefined;
  body: string | undefined;
  wait: boolean;
  pollIntervalMs: number;
  json: boolean;
  /** --stream: print the text as it arrives (as `aoai stream` does). */
  stream: (StreamOptionValues & { json: boolean }) | undefined;
}

type CreateValues = ModelOptionValues & ToolOptionValues & StreamOptionValues & { wait?: boolean; pollInterval?: number; json?: boolean; stream?: boolean };

export const DEFAULT_POLL_SECONDS = 2;

export function registerCreate(program: Command, ctx: CommandContext): void {
  const command = program
    .command('create')
    .description('create a response and print its output text')
    .argument('[input...]', "the prompt; '-' or a pipe reads stdin");
  addStreamOptions(addToolOptions(addInputOptions(addModelOptions(command))))
    .option('--stream', 'print the text as it arrives (same as aoai stream)')
    .option('--wait', 'with --background: wait until the job finishes, then print it')
    .option('--poll-interval <seconds>', `seconds between status checks for --wait (default ${DEFAULT_POLL_SECONDS})`, positiveNumber)
    .option('--json', "print the API's JSON response unchanged (with --stream: every event, as NDJSON)")
    .addHelpText(
      'after',
      `
Examples:
  aoai create -m gpt-4.1-nano "This is a test"
  echo "Summarise this" | aoai create -m gpt-4.1-nano --json | jq -r .id
  aoai create -m o3 --background "Write me a very long story"
  aoai create -m o3 --background --wait "Write me a very long story"
  aoai create -m gpt-4.1 --image photo.jpg --file report.pdf "Does the photo match the report?"
  aoai create -m gpt-4.1 --function @weather.json --exec get_weather=./weather.sh "Weather in Paris?"
  aoai create -m gpt-4.1 --schema person.schema.json "Ada Lovelace, 36" | jq -r .name
Tools and inputs: docs/tools.md, docs/inputs.md. Exit code 5: the model waits for function output or MCP approval.`,
    )
    .action(async (input: string[], values: CreateValues, cmd: Command) => {
      await runCreate(toCreateOptions(input, values), ctx.factory(cmd));
    });
}

export function toCreateOptions(input: string[], values: CreateValues): CreateOptions {
  if (values.stream && values.wait) throw new UsageError('--stream already follows the response to its end; drop --wait');
  return {
    input,
    request: requestFlagsFrom(values),
    inputItems: values.inputItems,
    body: values.body,
    wait: Boolean(values.wait),
    pollIntervalMs: (values.pollInterval ?? DEFAULT_POLL_SECONDS) * 1000,
    json: Boolean(values.json),
    stream: values.stream
      ? { reasoning: values.reasoning, usage: values.usage, cancelOnInterrupt: values.cancelOnInterrupt, maxResumes: values.maxResumes, json: Boolean(values.json) }
      : undefined,
  };
}

/** Read the input (args, stdin, --input-items, --body, attachments, tools) and build the request body. */
export async function buildRequestBody(f: Factory, options: Pick<CreateOptions, 'input' | 'request' | 'inputItems' | 'body'>): Promise<CreateBody> {
  return (await buildRequest(f, options)).body;
}

/** The request body, and what the rich flags resolved to (the turn loop needs the history). */
export async function buildRequest(f: Factory, options: Pick<CreateOptions, 'input' | 'request' | 'inputItems' | 'body'>): Promise<{ body: CreateBody; rich: ResolvedRich }> {
  const { request } = options;
  // Attachments and tool files are checked before stdin is read or anything is sent.
  const rich = await resolveRich(request.rich, { env: f.io.env, previous: request.previous, store: request.store, include: request.include });
  const settings = await f.settings();
  const items = await readInputItems(f.io, options.inputItems);
  const text = await readInputText(f.io, options.input, {
    stdinTaken: Boolean(f.flags.apiKeyStdin) || options.inputItems === '-',
    allowEmpty: items.length + rich.items.length + rich.attachments.length > 0,
  });
  const body = buildCreateBody({
    flags: options.request,
    defaultDeployment: settings.deployment?.value,
    items: [...items, ...rich.items],
    text,
    body: readBody(f.io, options.body),
    attachments: rich.attachments,
    fields: rich.fields,
  });
  return { body, rich };
}

export async function runCreate(options: CreateOptions, f: Factory): Promise<void> {
  const { body, rich } = await buildRequest(f, options);
  const turns = { io: f.io, rich: options.request.rich, history: rich.history, json: options.stream?.json ?? options.json, followUp: followUpFor(f) };
  const stream = options.stream;
  if (stream) return runTurns(body, turns, (next) => streamToTerminal(f, { kind: 'create', body: next }, stream));
  await runTurns(body, turns, await createAndPrint(f, options));
}

/**
 * One non-streamed turn: create, wait for a background job when asked, print. Returns the
 * Response once it is final (undefined while a background job still runs).
 */
export async function createAndPrint(f: Factory, options: Pick<CreateOptions, 'wait' | 'pollIntervalMs' | 'json'>): Promise<TurnRunner> {
  const client = await prepareRequest(f);
  return async (body) => {
    const spinner = await startSpinner(f.io, body.background ? 'submitting background job…' : `waiting for ${body.model}…`);
    let result;
    try {
      result = await fetchRaw(client.responses.create({ ...body, stream: false }));
    } finally {
      spinner.stop();
    }
    if (body.store !== false) (await import('../core/recent-ids.ts')).rememberResponseId(f.paths.state, result.response.id);
    if (options.wait && result.response.background) {
      result = await waitForTerminal({ client, io: f.io, initial: result, intervalMs: options.pollIntervalMs, include: body.include ?? undefined });
    }
    printResponse(f.io, result, { json: options.json, followHint: true, followUp: followUpFor(f) });
    return isTerminal(result.response.status) ? result.response : undefined;
  };
}
