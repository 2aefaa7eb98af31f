// aoai mcp approve RESPONSE_ID [REQUEST_ID...]: answer a response's MCP approval requests. The
// follow-up reuses the response's model, instructions and tools, and continues from it with one
// mcp_approval_response per request; its result streams or prints as `create` would.
import type { Command } from 'commander';
import { serviceId } from '../../core/ids.ts';
import { neutralise } from '../../render/terminal-text.ts';
import { followUpFor } from '../../cli/follow-up.ts';
import type { Response as ApiResponse, ResponseInputItem } from 'openai/resources/responses/responses';
import type { CommandContext } from '../../cli/context.ts';
import { approvalRequestId, collect, positiveNumber, responseId } from '../../cli/parse.ts';
import { addNoLogOption, addStreamOptions, type StreamOptionValues } from '../../cli/request-options.ts';
import { UsageError } from '../../core/errors.ts';
import type { Factory } from '../../core/factory.ts';
import { approvalResponses, pendingApprovals, type McpApprovalRequest } from '../../mcp/approvals.ts';
import type { CreateBody } from '../../request/create-params.ts';
import { parseMcpHeader } from '../../request/tools.ts';
import { compactJson } from '../../render/tools.ts';
import type { PrintedResultOptions, StreamDisplay } from '../../responses/create.ts';
import { prepareRequest } from '../../responses/session.ts';
import { DEFAULT_POLL_SECONDS } from '../../responses/wait.ts';

export interface McpApproveOptions {
  responseId: string;
  requestIds: string[];
  all: boolean;
  deny: boolean;
  reason: string | undefined;
  /** Headers to send again: the service never returns them with the response's tools. */
  mcpHeaders: string[];
  json: boolean;
  wait: boolean;
  pollIntervalMs: number;
  display: PrintedResultOptions['display'];
  stream: StreamDisplay | undefined;
}

type ApproveValues = StreamOptionValues & { all?: boolean; deny?: boolean; reason?: string; mcpHeader?: string[]; json?: boolean; stream?: boolean; wait?: boolean; pollInterval?: number };

export function registerMcpApprove(mcp: Command, ctx: CommandContext): void {
  const command = mcp
    .command('approve')
    .description("approve (or --deny) a response's MCP tool calls and continue it")
    .argument('<response-id>', 'the response waiting for approval (resp_…)', responseId)
    .argument('[request-id...]', 'approval request ids (mcpr_…); none: all with --all, or choose on a terminal')
    .option('--all', 'answer every approval request of the response')
    .option('--deny', 'deny instead of approve')
    .option('--reason <text>', 'reason sent with the decision')
    .option('--mcp-header <label:name=value>', 'send this header to server LABEL again ($VAR/${VAR} read the environment; never printed) (repeatable)', collect)
    .option('--stream', 'print the result as it arrives');
  addNoLogOption(addStreamOptions(command))
    .option('--wait', 'if the response runs in the background: wait until it finishes')
    .option('--poll-interval <seconds>', `seconds between status checks for --wait (default ${DEFAULT_POLL_SECONDS})`, positiveNumber)
    .option('--json', "print the API's JSON response unchanged (with --stream: every event, as NDJSON)")
    .addHelpText(
      'after',
      `
On a terminal with no request ids and no --all, aoai asks which calls to approve (the others are
denied). In a script, name the ids or pass --all.
Examples:
  aoai mcp approve resp_123 --all
  aoai mcp approve resp_123 mcpr_456 mcpr_789
  aoai mcp approve resp_123 --all --deny --reason "not now"`,
    )
    .action(async (id: string, requestIds: string[], values: ApproveValues, cmd: Command) => {
      await runMcpApprove(toMcpApproveOptions(id, requestIds, values), ctx.factory(cmd));
    });
}

export function toMcpApproveOptions(id: string, requestIds: string[], values: ApproveValues): McpApproveOptions {
  if (values.all && requestIds.length) throw new UsageError('give request ids or --all, not both');
  if (values.stream && values.wait) throw new UsageError('--stream already follows the response to its end; drop --wait');
  return {
    responseId: id,
    requestIds: requestIds.map((requestId) => approvalRequestId(requestId)),
    all: Boolean(values.all),
    deny: Boolean(values.deny),
    reason: values.reason,
    mcpHeaders: values.mcpHeader ?? [],
    json: Boolean(values.json),
    wait: Boolean(values.wait),
    pollIntervalMs: (values.pollInterval ?? DEFAULT_POLL_SECONDS) * 1000,
    display: { reasoning: values.reasoning, usage: values.usage },
    stream: values.stream ? { reasoning: values.reasoning, usage: values.usage, cancelOnInterrupt: values.cancelOnInterrupt, maxResumes: values.maxResumes, json: Boolean(values.json) } : undefined,
  };
}

export async function runMcpApprove(options: McpApproveOptions, f: Factory): Promise<void> {
  const client = await prepareRequest(f);
  const response = await client.responses.retrieve(options.responseId);
  const pending = pendingApprovals(response);
  if (pending.length === 0) throw new UsageError(`${options.responseId} has no MCP approval requests`);
  const input = await chooseAnswers(f, options, pending);
  const body = followUp(response, input, options.mcpHeaders, f.io.env);
  const turns = { io: f.io, rich: undefined, history: [], json: options.stream?.json ?? options.json, followUp: followUpFor(f) };
  const { runRequestTurns } = await import('../../responses/create.ts');
  await runRequestTurns(f, body, turns, options);
}

async function chooseAnswers(f: Factory, options: McpApproveOptions, pending: McpApprovalRequest[]): Promise<ResponseInputItem[]> {
  const decision = { approve: !options.deny, reason: options.reason };
  if (options.all) return approvalResponses(pending, decision);
  if (options.requestIds.length) {
    const chosen = options.requestIds.map((id) => {
      const request = pending.find((p) => p.id === id);
      if (!request) throw new UsageError(`${options.responseId} has no approval request ${id}`, `its requests: ${pending.map((p) => serviceId('approvalRequest', p.id, 'approval request id')).join(', ')}`);
      return request;
    });
    return approvalResponses(chosen, decision);
  }
  if (!f.io.canPrompt()) {
    throw new UsageError(
      `${options.responseId} has ${pending.length} approval request${pending.length === 1 ? '' : 's'}; name them or pass --all (aoai asks only on a terminal)`,
      followUpFor(f)(['mcp', 'approve', options.responseId, ...pending.map((p) => serviceId('approvalRequest', p.id, 'approval request id'))]),
    );
  }
  const { default: checkbox } = await import('@inquirer/checkbox');
  const verb = options.deny ? 'Deny' : 'Approve';
  const picked = await checkbox(
    {
      message: `${verb} which MCP tool calls? (the others are ${options.deny ? 'approved' : 'denied'})`,
      choices: pending.map((request) => ({ name: neutralise(`${request.server_label} ${request.name}(${compactJson(request.arguments)})`), value: request.id })),
    },
    { input: f.io.stdin, output: f.io.stderr },
  );
  const chosen = pending.filter((request) => picked.includes(request.id));
  const others = pending.filter((request) => !picked.includes(request.id));
  return [...approvalResponses(chosen, decision), ...approvalResponses(others, { approve: !decision.approve, reason: options.reason })];
}

type Json = Record<string, unknown>;

/** The follow-up request: the response's model and settings, its tools with headers supplied again. */
export function followUp(response: ApiResponse, input: ResponseInputItem[], headerSpecs: readonly string[], env: NodeJS.ProcessEnv): CreateBody {
  const tools = (response.tools ?? []).map((tool) => {
    const copy: Json = {};
    for (const [key, value] of Object.entries(tool as unknown as Json)) if (value !== null) copy[key] = value;
    return copy;
  });
  for (const spec of headerSpecs) {
    const { label, name, value } = parseMcpHeader(spec, env);
    const server = tools.find((tool) => tool.type === 'mcp' && tool.server_label === label);
    if (!server) throw new UsageError(`--mcp-header: ${response.id} has no MCP server labelled '${label}'`);
    server.headers = { ...((server.headers as Record<string, string> | undefined) ?? {}), [name]: value };
  }
  const body: Json = { model: response.model, previous_response_id: response.id, input, tools };
  if (response.instructions != null) body.instructions = response.instructions;
  if (response.text?.format && response.text.format.type !== 'text') body.text = { format: response.text.format };
  if (response.tool_choice != null && response.tool_choice !== 'auto') body.tool_choice = response.tool_choice;
  if (response.parallel_tool_calls === false) body.parallel_tool_calls = false;
  if (response.max_output_tokens != null) body.max_output_tokens = response.max_output_tokens;
  // A background response continues in the background (follow it with --wait or --stream).
  if (response.background) body.background = true;
  if (response.reasoning?.effort) body.reasoning = { effort: response.reasoning.effort, ...(response.reasoning.summary ? { summary: response.reasoning.summary } : {}) };
  return body as CreateBody;
}
