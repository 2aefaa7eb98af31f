// After the last response of a command: is the model waiting for something (function output, MCP
// approvals)? Then say what, print the calls where a script reads them, and exit 5. The command
// that continues is printed so it runs as is: same deployment, store mode, profile and flags.
import type { Response as ApiResponse } from 'openai/resources/responses/responses';
import { plainFollowUp, type FollowUp } from '../cli/follow-up.ts';
import { ActionRequiredError } from '../core/errors.ts';
import { serviceId } from '../core/ids.ts';
import type { IO } from '../io/io.ts';
import { pendingApprovals } from '../mcp/approvals.ts';
import { neutralise } from '../render/terminal-text.ts';
import { compactJson, functionCallLine, functionCalls, type FunctionCallLike } from '../render/tools.ts';

/** What the request that got this response looked like, so the printed next step matches it. */
export interface ContinueContext {
  json: boolean;
  followUp?: FollowUp | undefined;
  /** The deployment the request used (the next one needs it too, whatever set it). */
  model?: unknown;
  /** false for --no-store: there is no stored response to continue from. */
  store?: boolean | null | undefined;
  /** --conversation FILE: the history lives there, not in a stored response. */
  conversation?: string | undefined;
}

export function throwIfActionRequired(io: IO, response: Pick<ApiResponse, 'id' | 'output' | 'status'>, context: ContinueContext): void {
  if (response.status !== 'completed') return;
  const calls = functionCalls(response);
  const approvals = pendingApprovals(response);
  if (calls.length === 0 && approvals.length === 0) return;
  const aoai = context.followUp ?? plainFollowUp;
  const id = serviceId('response', response.id, 'response id');
  const stored = context.store !== false;
  if (!context.json) for (const call of calls) io.out(functionCallLine(call));
  if (approvals.length && !context.json) {
    for (const request of approvals) {
      const requestId = serviceId('approvalRequest', request.id, 'approval request id');
      io.err(`MCP approval needed: ${neutralise(`${request.server_label} ${request.name}(${compactJson(request.arguments)})`)}  request ${requestId}\n`);
      if (stored) io.err(`  approve: ${aoai(['mcp', 'approve', id, requestId])}\n`);
    }
  }
  if (calls.length) {
    throw new ActionRequiredError(
      `${id} is waiting for the output of ${calls.length} function call${calls.length === 1 ? '' : 's'} (${[...new Set(calls.map((c) => c.name))].join(', ')})`,
      answerHint(id, calls, context),
    );
  }
  throw new ActionRequiredError(
    `${id} is waiting for ${approvals.length} MCP approval${approvals.length === 1 ? '' : 's'}`,
    stored
      ? `approve all: ${aoai(['mcp', 'approve', id, '--all'])}   (deny: add --deny)`
      : 'with --no-store the response was not kept, so it cannot be approved later; run it again stored, or give the MCP server --mcp-approval never',
  );
}

/** `aoai create -m DEPLOYMENT --previous resp_… --function-output call_…=JSON …` for every call. */
export function answerHint(responseId: string, calls: readonly FunctionCallLike[], context: ContinueContext): string {
  const aoai = context.followUp ?? plainFollowUp;
  const id = serviceId('response', responseId, 'response id');
  const outputs = calls.flatMap((call) => ['--function-output', `${serviceId('call', call.call_id, 'function call id')}=JSON`]);
  const model = context.model ? ['-m', String(context.model)] : [];
  let from: string[];
  if (context.conversation !== undefined) from = [...(context.store === false ? ['--no-store'] : []), '--conversation', context.conversation];
  else if (context.store !== false) from = ['--previous', id];
  else return 'with --no-store there is no stored response to continue from: keep the history in a file with --conversation FILE, or run the functions with --exec NAME=COMMAND';
  return `answer: ${aoai(['create', ...model, ...from, ...outputs])}   (JSON: each call's result; or run them with --exec NAME=COMMAND)`;
}
