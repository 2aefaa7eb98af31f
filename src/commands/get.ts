// aoai get ID: retrieve a stored response; --wait follows a background job to its end.
import type { Command } from 'commander';
import type { CommandContext } from '../cli/context.ts';
import { followUpFor } from '../cli/follow-up.ts';
import { collectList, intInRange, positiveNumber, responseId } from '../cli/parse.ts';
import { addStreamOptions, type StreamOptionValues } from '../cli/request-options.ts';
import { UsageError } from '../core/errors.ts';
import type { Factory } from '../core/factory.ts';
import { validateIncludes } from '../request/create-params.ts';
import { DEFAULT_POLL_SECONDS, fetchRaw, waitForTerminal } from '../responses/wait.ts';
import { prepareRequest } from '../responses/session.ts';

export interface GetOptions {
  id: string;
  wait: boolean;
  pollIntervalMs: number;
  include: string[];
  json: boolean;
  /** --reasoning and --usage for the printed response. */
  display: { reasoning: 'show' | 'hide' | undefined; usage: boolean | undefined };
  /** --stream [--after N]: replay a background response's events (resume by hand). */
  stream: (StreamOptionValues & { json: boolean; after: number | undefined }) | undefined;
}

interface GetValues extends StreamOptionValues {
  stream?: boolean;
  after?: number;
  wait?: boolean;
  pollInterval?: number;
  include?: string[];
  json?: boolean;
}

export function registerGet(program: Command, ctx: CommandContext): void {
  const command = program
    .command('get')
    .description('show a stored response: its output text, or its status while it runs')
    .argument('<id>', 'response id (resp_…)', responseId)
    .option('--stream', "replay a background response's events and follow it live (resume by hand)")
    .option('--after <n>', 'with --stream: only events after this sequence number', intInRange(-1, Number.MAX_SAFE_INTEGER));
  addStreamOptions(command)
    .option('--wait', 'poll a background response until it completes, fails or is cancelled')
    .option('--poll-interval <seconds>', `seconds between status checks (default ${DEFAULT_POLL_SECONDS})`, positiveNumber)
    .option('--include <field>', 'extra output fields (repeatable)', collectList)
    .option('--json', "print the API's JSON response unchanged")
    .addHelpText('after', '\nExamples:\n  aoai get resp_123\n  aoai get resp_123 --wait\n  aoai get resp_123 --stream --after 42\n  aoai get resp_123 --json | jq .usage')
    .action(async (id: string, values: GetValues, cmd: Command) => {
      await runGet(toGetOptions(id, values), ctx.factory(cmd));
    });
}

export function toGetOptions(id: string, values: GetValues): GetOptions {
  if (values.after !== undefined && !values.stream) throw new UsageError('--after needs --stream');
  if (values.stream && values.wait) throw new UsageError('--stream already follows the response to its end; drop --wait');
  return {
    id,
    wait: Boolean(values.wait),
    pollIntervalMs: (values.pollInterval ?? DEFAULT_POLL_SECONDS) * 1000,
    include: validateIncludes(values.include ?? []),
    json: Boolean(values.json),
    display: { reasoning: values.reasoning, usage: values.usage },
    stream: values.stream
      ? { reasoning: values.reasoning, usage: values.usage, cancelOnInterrupt: values.cancelOnInterrupt, maxResumes: values.maxResumes, json: Boolean(values.json), after: values.after }
      : undefined,
  };
}

export async function runGet(options: GetOptions, f: Factory): Promise<void> {
  // A response waiting for function output or MCP approvals prints the calls and exits 5, as
  // create and stream do for the same response.
  if (options.stream) {
    const [{ streamToTerminal }, { throwIfActionRequired }] = await Promise.all([import('../responses/stream-command.ts'), import('../tools/pending.ts')]);
    const final = await streamToTerminal(f, { kind: 'resume', id: options.id, after: options.stream.after }, options.stream);
    if (final) {
      (await import('../log/write.ts')).recordCompletion(f, final);
      throwIfActionRequired(f.io, final, { json: options.stream.json });
    }
    return;
  }
  const client = await prepareRequest(f);
  const query = options.include.length ? { include: options.include as never } : {};
  let result = await fetchRaw(client.responses.retrieve(options.id, query));
  if (options.wait) {
    result = await waitForTerminal({ client, io: f.io, initial: result, intervalMs: options.pollIntervalMs, include: options.include, followUp: followUpFor(f) });
  }
  const [{ printResponse }, { throwIfActionRequired }, { recordCompletion }] = await Promise.all([import('../responses/print.ts'), import('../tools/pending.ts'), import('../log/write.ts')]);
  // A background job the log still holds as running has ended: its record is completed.
  recordCompletion(f, result.response);
  await printResponse(f.io, result, { json: options.json, followHint: !options.wait, followUp: followUpFor(f), ...options.display });
  throwIfActionRequired(f.io, result.response, { json: options.json });
}
