// What the emulated model does with tools, decided from the request alone (rules in docs/tools.md):
//   - a turn that carries function_call_output / mcp_approval_response items answers them;
//   - otherwise, each MCP server's tools are listed (once per chain), and a tool whose name the
//     user's text mentions is called (or, unless require_approval is "never", approval is asked);
//   - a function is called when the text mentions it (its name, or a word of its name of 4+
//     letters that is not a generic verb), or when tool_choice requires it; parallel_tool_calls
//     false keeps only the first call; the arguments satisfy the function's schema; a forced
//     tool_choice calls again even on a turn that answers calls (so --exec loops are bounded);
//   - the code interpreter runs when the text mentions python, code, calculate, compute, solve,
//     an equation, Fibonacci or a factorial, or when tool_choice asks for it;
//   - tool_choice {type: "mcp", server_label, name?} calls that server's tool; a function whose
//     description shares two distinctive words with the text is called like a mentioned one.
// A turn that ends with function calls or approval requests has no message: the model waits.
import { invalidRequest } from './http.ts';
import { codeInterpreterOutput, codeInterpreterPlan, codeInterpreterReply, wantsCode } from './output/code-interpreter.ts';
import { functionCallOutput } from './output/function-call.ts';
import { echoImageTool } from './output/image-generation.ts';
import { callMcpTool, MCP_CATALOGUE, mcpApprovalRequestOutput, mcpCallOutput, mcpListToolsOutput } from './output/mcp.ts';
import type { CreateRequest } from './request.ts';
import type { OutputProducer, Run } from './run.ts';
import { schemaValue } from './schema-value.ts';
import type { StoredItem, WireResponse } from './types.ts';

type Json = Record<string, unknown>;

export interface ToolTurn {
  /** mcp_list_tools items: output before anything else, reasoning included. */
  listings: OutputProducer[];
  producers: OutputProducer[];
  /** Hosted calls (mcp_call): a reasoning model reasons again after each one (as recorded). */
  hostedCalls: Set<OutputProducer>;
  /** The model waits for function output or approvals: no message this turn. */
  waiting: boolean;
  /** The message text, when the tools decided it. */
  reply: string | undefined;
  /** Annotations of the message text (container file citations). */
  annotations: Json[];
}

const GENERIC_WORDS = new Set(['get', 'set', 'list', 'make', 'create', 'fetch', 'find', 'read', 'write', 'update', 'delete', 'call', 'send', 'tool', 'data', 'info', 'with', 'from']);

function toolsOf(request: CreateRequest): Json[] {
  return Array.isArray(request.tools) ? (request.tools as Json[]).filter((tool) => typeof tool === 'object' && tool !== null) : [];
}

/** Every item the model can see: the previous response's output, then this request's input. */
function visibleItems(run: Run): Json[] {
  return [...((run.input.previous?.output ?? []) as unknown as Json[]), ...(run.input.inputItems as Json[])];
}

export function mentions(text: string, name: string): boolean {
  const lower = text.toLowerCase();
  if (new RegExp(`\\b${name.toLowerCase().replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`).test(lower)) return true;
  const words = name
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .split(/[\s_-]+/)
    .map((word) => word.toLowerCase())
    .filter((word) => word.length >= 4 && !GENERIC_WORDS.has(word));
  return words.some((word) => new RegExp(`\\b${word}`).test(lower));
}

const STOP_WORDS = new Set(['about', 'their', 'there', 'these', 'those', 'which', 'where', 'while', 'would', 'should', 'could', 'other', 'given', 'using', 'value', 'returns', 'return']);

/** The prompt uses two or more distinctive words (5+ letters) of the function's description. */
export function describes(text: string, description: unknown): boolean {
  if (typeof description !== 'string') return false;
  const lower = text.toLowerCase();
  const words = new Set((description.toLowerCase().match(/\p{L}{5,}/gu) ?? []).filter((word) => !STOP_WORDS.has(word) && !GENERIC_WORDS.has(word)));
  return [...words].filter((word) => new RegExp(`\\b${word}`).test(lower)).length >= 2;
}

export function planToolTurn(run: Run): ToolTurn {
  const { request, inputItems, userText } = run.input;
  const turn: ToolTurn = { listings: [], producers: [], hostedCalls: new Set(), waiting: false, reply: undefined, annotations: [] };
  const tools = toolsOf(request);
  const choice = request.tool_choice;
  const functions = tools.filter((tool) => tool.type === 'function' && typeof tool.name === 'string');
  const choiceType = typeof choice === 'object' && choice !== null ? String((choice as Json).type) : undefined;
  const named = choiceType === 'function' ? String((choice as Json).name) : undefined;
  const answers = inputItems.filter((item) => item.type === 'function_call_output' || item.type === 'mcp_approval_response');
  if (answers.length) {
    // tool_choice required (or a named function) forces a call on every turn, as on the service.
    const forced = named ? functions.filter((fn) => fn.name === named) : choice === 'required' ? functions.slice(0, 1) : [];
    if (forced.length && answers.some((item) => item.type === 'function_call_output')) {
      const outputText = answers.map((item) => (typeof item.output === 'string' ? item.output : JSON.stringify(item.output ?? ''))).join(' ');
      for (const fn of forced) turn.producers.push(functionCallOutput({ name: String(fn.name), arguments: JSON.stringify(schemaValue(fn.parameters ?? { type: 'object', properties: {} }, outputText)) }));
      turn.waiting = true;
      return turn;
    }
    answerTurn(run, answers, turn);
    return turn;
  }
  if (tools.length === 0) return turn;
  const replies: string[] = [];

  for (const server of tools.filter((tool) => tool.type === 'mcp')) {
    const label = String(server.server_label);
    const allowed = allowedTools(server);
    const listed = visibleItems(run).some((item) => item.type === 'mcp_list_tools' && item.server_label === label);
    if (!listed) turn.listings.push(mcpListToolsOutput(label, allowed));
    if (choice === 'none') continue;
    const available = MCP_CATALOGUE.filter((t) => !allowed || allowed.includes(t.name));
    let called = available.filter((t) => mentions(userText, t.name));
    // tool_choice {type: "mcp", server_label, name?} makes the model call that server's tool.
    const forced = choiceType === 'mcp' && (choice as Json).server_label === label;
    if (forced) called = (choice as Json).name ? available.filter((t) => t.name === (choice as Json).name) : called.length ? called : available.slice(0, 1);
    for (const tool of called) {
      const args = JSON.stringify(schemaValue(tool.input_schema, userText));
      if (server.require_approval === 'never') {
        pushHostedCall(turn, mcpCallOutput({ serverLabel: label, name: tool.name, arguments: args, approvalRequestId: null }));
        replies.push(mcpResultText(label, tool.name, args));
      } else {
        turn.producers.push(mcpApprovalRequestOutput({ serverLabel: label, name: tool.name, arguments: args }));
        turn.waiting = true;
      }
    }
  }

  if (functions.length && choice !== 'none') {
    let chosen = named ? functions.filter((fn) => fn.name === named) : functions.filter((fn) => mentions(userText, String(fn.name)) || describes(userText, fn.description));
    if (chosen.length === 0 && choice === 'required') chosen = functions.slice(0, 1);
    if (request.parallel_tool_calls === false) chosen = chosen.slice(0, 1);
    for (const fn of chosen) {
      turn.producers.push(functionCallOutput({ name: String(fn.name), arguments: JSON.stringify(schemaValue(fn.parameters ?? { type: 'object', properties: {} }, userText)) }));
      turn.waiting = true;
    }
  }

  const interpreter = tools.find((tool) => tool.type === 'code_interpreter');
  const forcedInterpreter = choiceType === 'code_interpreter' || (choice === 'required' && turn.producers.length === 0);
  if (interpreter && !turn.waiting && choice !== 'none' && (forcedInterpreter || wantsCode(userText))) {
    const include = Array.isArray(request.include) ? (request.include as string[]) : [];
    const plan = codeInterpreterPlan(userText, interpreter.container);
    turn.producers.push(codeInterpreterOutput({ text: userText, ...plan, includeOutputs: include.includes('code_interpreter_call.outputs') }));
    replies.push(codeInterpreterReply(userText));
    if (plan.file) {
      const before = replies.join(' ');
      const start = before.lastIndexOf(plan.file.filename);
      turn.annotations.push({ type: 'container_file_citation', container_id: plan.containerId, file_id: plan.file.fileId, filename: plan.file.filename, start_index: start, end_index: start + plan.file.filename.length });
    }
  }
  if (replies.length && !turn.waiting) turn.reply = replies.join(' ');
  return turn;
}

function pushHostedCall(turn: ToolTurn, producer: OutputProducer): void {
  turn.producers.push(producer);
  turn.hostedCalls.add(producer);
}

function allowedTools(server: Json): string[] | undefined {
  const allowed = server.allowed_tools;
  if (Array.isArray(allowed)) return allowed as string[];
  if (allowed && typeof allowed === 'object' && Array.isArray((allowed as Json).tool_names)) return (allowed as Json).tool_names as string[];
  return undefined;
}

function mcpResultText(label: string, name: string, args: string): string {
  const result = callMcpTool(name, args);
  return 'output' in result ? `The ${name} tool on ${label} returned: ${result.output}` : `The ${name} tool on ${label} failed.`;
}

/** A turn that answers function calls or approval requests. */
function answerTurn(run: Run, answers: StoredItem[], turn: ToolTurn): void {
  const visible = visibleItems(run);
  const replies: string[] = [];
  for (const answer of answers) {
    if (answer.type === 'function_call_output') {
      const call = visible.find((item) => item.type === 'function_call' && item.call_id === answer.call_id);
      const output = typeof answer.output === 'string' ? answer.output : JSON.stringify(answer.output);
      replies.push(`${String(call?.name ?? 'The function')} returned: ${output}`);
      continue;
    }
    const request = visible.find((item) => item.type === 'mcp_approval_request' && item.id === answer.approval_request_id);
    if (!request) continue;
    const label = String(request.server_label);
    const name = String(request.name);
    if (answer.approve === true) {
      pushHostedCall(turn, mcpCallOutput({ serverLabel: label, name, arguments: String(request.arguments), approvalRequestId: String(request.id) }));
      replies.push(mcpResultText(label, name, String(request.arguments)));
    } else {
      replies.push(`I did not call ${name} on ${label}: the call was not approved${typeof answer.reason === 'string' && answer.reason ? ` (${answer.reason})` : ''}.`);
    }
  }
  turn.reply = replies.join(' ');
}

/** The service's checks on tool answers, before anything is generated. */
export function validateToolTurn(inputItems: readonly StoredItem[], previous: WireResponse | undefined): void {
  const visible: Json[] = [...((previous?.output ?? []) as unknown as Json[]), ...inputItems];
  for (const item of inputItems) {
    if (item.type === 'function_call_output' && !visible.some((v) => v.type === 'function_call' && v.call_id === item.call_id)) {
      throw invalidRequest(`No tool call found for function call output with call_id ${String(item.call_id)}.`, 'input', null);
    }
    if (item.type === 'mcp_approval_response' && !visible.some((v) => v.type === 'mcp_approval_request' && v.id === item.approval_request_id)) {
      throw invalidRequest(`No approval request found with id ${String(item.approval_request_id)}.`, 'input', null);
    }
  }
  for (const call of (previous?.output ?? []) as unknown as Json[]) {
    if (call.type === 'function_call' && !inputItems.some((item) => item.type === 'function_call_output' && item.call_id === call.call_id)) {
      throw invalidRequest(`No tool output found for function call ${String(call.call_id)}.`, 'input', null);
    }
  }
}

/** The tools as the response shows them: MCP headers and authorization are never echoed. */
export function publicTools(tools: unknown, headers: Record<string, string | undefined>): unknown[] {
  if (!Array.isArray(tools)) return [];
  return tools.map((tool) => {
    if (typeof tool === 'object' && tool !== null && (tool as Json).type === 'image_generation') return echoImageTool(tool as Json, headers);
    if (typeof tool !== 'object' || tool === null || (tool as Json).type !== 'mcp') return tool as unknown;
    const { headers: _headers, authorization: _authorization, ...rest } = tool as Json;
    void _headers;
    void _authorization;
    return { allowed_tools: null, headers: null, require_approval: 'always', server_description: null, ...rest };
  });
}
