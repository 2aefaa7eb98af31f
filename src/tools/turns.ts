// One command, possibly several responses: run a turn, record it in the --conversation file, and
// while the model calls functions that --exec covers, run them and send their output back, up to
// --max-tool-rounds. Whatever is left waiting at the end (calls without --exec, MCP approvals)
// becomes exit code 5 with the command that continues.
import type { Response as ApiResponse, ResponseInputItem } from 'openai/resources/responses/responses';
import type { FollowUp } from '../cli/follow-up.ts';
import { ActionRequiredError } from '../core/errors.ts';
import type { IO } from '../io/io.ts';
import type { CreateBody } from '../request/create-params.ts';
import { appendConversation, asInputItems } from '../request/conversation.ts';
import { withRefetchHint } from '../responses/refetch.ts';
import { DEFAULT_MAX_TOOL_ROUNDS, type RichFlags } from '../request/rich.ts';
import { functionCalls } from '../render/tools.ts';
import { styleFor } from '../render/style.ts';
import { neutralise } from '../render/terminal-text.ts';
import { execFunctionCall, parseExecSpecs } from './exec.ts';
import { answerHint, throwIfActionRequired } from './pending.ts';

/** Sends one request and prints its result; the final Response, or undefined while it still runs. */
export type TurnRunner = (body: CreateBody) => Promise<ApiResponse | undefined>;

export interface TurnOptions {
  io: IO;
  rich: RichFlags | undefined;
  /** Items that came from the --conversation file (already in the file, so not appended again). */
  history: readonly ResponseInputItem[];
  json: boolean;
  /** Builds the commands printed in hints (same profile and connection flags). */
  followUp?: FollowUp | undefined;
}

export async function runTurns(body: CreateBody, options: TurnOptions, round: TurnRunner): Promise<void> {
  const { io, rich } = options;
  const commands = parseExecSpecs(rich?.exec ?? []);
  const maxRounds = rich?.maxToolRounds ?? DEFAULT_MAX_TOOL_ROUNDS;
  const conversation = rich?.conversation;
  const style = styleFor(io.colorStderr);
  const known = new Set<unknown>(options.history);
  let newInput = inputItems(body.input).filter((item) => !known.has(item));
  for (let rounds = 0; ; rounds++) {
    const response = await round(body);
    if (!response) return;
    if (conversation !== undefined) {
      try {
        appendConversation(conversation, [...newInput, ...asInputItems(response.output)]);
      } catch (error) {
        throw withRefetchHint(error, response.id, body.store !== false);
      }
    }
    const calls = response.status === 'completed' ? functionCalls(response) : [];
    const runnable = calls.length > 0 && calls.every((call) => commands.has(call.name));
    if (!runnable) {
      throwIfActionRequired(io, response, { json: options.json, followUp: options.followUp, model: body.model, store: body.store, conversation });
      return;
    }
    if (rounds + 1 >= maxRounds) {
      throw new ActionRequiredError(
        `stopped after ${maxRounds} round${maxRounds === 1 ? '' : 's'} of function calls; ${response.id} is still calling functions`,
        `raise --max-tool-rounds, or continue by hand: ${answerHint(response.id, calls, { json: options.json, followUp: options.followUp, model: body.model, store: body.store, conversation })}`,
      );
    }
    const outputs: ResponseInputItem[] = [];
    for (const call of calls) {
      const command = commands.get(call.name)!;
      if (io.stderrIsTTY) io.err(style.dim(`· running ${neutralise(`${call.name} (${call.call_id})`)}: ${command}\n`));
      const result = await execFunctionCall(command, call, { env: io.env });
      if (result.stderr) io.err(result.stderr.endsWith('\n') ? result.stderr : `${result.stderr}\n`);
      if (result.exitCode !== 0) io.err(`aoai: warning: --exec ${call.name} exited with code ${String(result.exitCode)}; the error was sent to the model\n`);
      outputs.push({ type: 'function_call_output', call_id: call.call_id, output: result.output });
    }
    body = nextBody(body, response, outputs, conversation !== undefined);
    newInput = outputs;
  }
}

/** The follow-up request: by previous_response_id, or (stateless) the whole history again. */
export function nextBody(body: CreateBody, response: ApiResponse, outputs: ResponseInputItem[], stateless: boolean): CreateBody {
  if (stateless || body.store === false) {
    return { ...body, input: [...inputItems(body.input), ...asInputItems(response.output), ...outputs] };
  }
  const { input: _input, ...rest } = body;
  void _input;
  return { ...rest, previous_response_id: response.id, input: outputs };
}

function inputItems(input: CreateBody['input']): ResponseInputItem[] {
  if (input === undefined || input === null) return [];
  if (typeof input === 'string') return [{ role: 'user', content: input }];
  return input;
}
