// After the last response of a command: is the model waiting for something (function output, MCP
// approvals)? Then say what, print the calls where a script reads them, and exit 5.
import type { Response as ApiResponse } from 'openai/resources/responses/responses';
import { ActionRequiredError } from '../core/errors.ts';
import type { IO } from '../io/io.ts';
import { approveCommand, pendingApprovals } from '../mcp/approvals.ts';
import { compactJson, functionCallLine, functionCalls } from '../render/tools.ts';

export function throwIfActionRequired(io: IO, response: Pick<ApiResponse, 'id' | 'output' | 'status'>, options: { json: boolean }): void {
  if (response.status !== 'completed') return;
  const calls = functionCalls(response);
  const approvals = pendingApprovals(response);
  if (calls.length === 0 && approvals.length === 0) return;
  if (!options.json) for (const call of calls) io.out(functionCallLine(call));
  if (approvals.length && !options.json) {
    for (const request of approvals) {
      io.err(`MCP approval needed: ${request.server_label} ${request.name}(${compactJson(request.arguments)})  request ${request.id}\n`);
      io.err(`  approve: ${approveCommand(response.id, [request.id])}\n`);
    }
  }
  if (calls.length) {
    const first = calls[0]!;
    throw new ActionRequiredError(
      `${response.id} is waiting for the output of ${calls.length} function call${calls.length === 1 ? '' : 's'} (${[...new Set(calls.map((c) => c.name))].join(', ')})`,
      `answer: aoai create --previous ${response.id} --function-output ${first.call_id}=JSON${calls.length > 1 ? ' …' : ''} (or run them with --exec NAME=COMMAND)`,
    );
  }
  throw new ActionRequiredError(
    `${response.id} is waiting for ${approvals.length} MCP approval${approvals.length === 1 ? '' : 's'}`,
    `approve all: ${approveCommand(response.id)}   (deny: add --deny)`,
  );
}
