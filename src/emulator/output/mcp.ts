// Remote MCP items, shaped as in the recorded openai-mcp-tool*.chunks.txt streams: mcp_list_tools
// (in_progress, completed), mcp_call (in_progress, arguments delta/done, completed or failed) and
// mcp_approval_request. The emulator never contacts the server: every label serves the same
// small catalogue below, and headers sent for it are accepted but never echoed.
import type { ResponseOutputItem } from 'openai/resources/responses/responses';
import { newId } from '../ids.ts';
import type { OutputProducer } from '../run.ts';
import type { PendingEvent } from '../types.ts';

export interface McpToolDefinition {
  name: string;
  description: string;
  input_schema: Record<string, unknown>;
  annotations: { read_only: boolean };
}

/** The emulated server's tools. */
export const MCP_CATALOGUE: McpToolDefinition[] = [
  {
    name: 'echo',
    description: 'Echo the given text back',
    input_schema: { type: 'object', properties: { text: { type: 'string', description: 'Text to echo' } }, required: ['text'], additionalProperties: false },
    annotations: { read_only: true },
  },
  {
    name: 'add',
    description: 'Add two numbers',
    input_schema: { type: 'object', properties: { a: { type: 'number' }, b: { type: 'number' } }, required: ['a', 'b'], additionalProperties: false },
    annotations: { read_only: true },
  },
  {
    name: 'broken',
    description: 'A tool that always fails (for testing error handling)',
    input_schema: { type: 'object', properties: {}, additionalProperties: false },
    annotations: { read_only: false },
  },
];

/** What the emulated server answers: output text, or an error. */
export function callMcpTool(name: string, args: string): { output: string } | { error: { type: 'mcp_tool_execution_error'; content: unknown[] } } {
  let parsed: Record<string, unknown> = {};
  try {
    parsed = JSON.parse(args) as Record<string, unknown>;
  } catch {
    // The model produced the arguments; they are JSON.
  }
  switch (name) {
    case 'echo':
      return { output: String(parsed.text ?? '') };
    case 'add':
      return { output: String(Number(parsed.a ?? 0) + Number(parsed.b ?? 0)) };
    default:
      return { error: { type: 'mcp_tool_execution_error', content: [{ type: 'text', text: `Tool ${name} failed: the emulated server always fails it` }] } };
  }
}

export function mcpListToolsOutput(serverLabel: string, allowed: readonly string[] | undefined): OutputProducer {
  return function* (run) {
    const outputIndex = run.response.output.length;
    const id = newId('mcpl');
    const tools = MCP_CATALOGUE.filter((tool) => !allowed || allowed.includes(tool.name));
    const live = { id, type: 'mcp_list_tools' as const, server_label: serverLabel, tools: [] as McpToolDefinition[] };
    run.response.output.push(live as never);
    yield { type: 'response.output_item.added', output_index: outputIndex, item: { ...live, tools: [] } } as PendingEvent;
    yield { type: 'response.mcp_list_tools.in_progress', output_index: outputIndex, item_id: id } as PendingEvent;
    live.tools = tools.map((tool) => structuredClone(tool));
    yield { type: 'response.mcp_list_tools.completed', output_index: outputIndex, item_id: id } as PendingEvent;
    yield { type: 'response.output_item.done', output_index: outputIndex, item: structuredClone(live) } as PendingEvent;
    return 'done';
  };
}

export function mcpApprovalRequestOutput(request: { serverLabel: string; name: string; arguments: string }): OutputProducer {
  return function* (run) {
    const outputIndex = run.response.output.length;
    const item = { id: newId('mcpr'), type: 'mcp_approval_request' as const, arguments: request.arguments, name: request.name, server_label: request.serverLabel };
    run.response.output.push(item);
    yield { type: 'response.output_item.added', output_index: outputIndex, item: { ...item } };
    yield { type: 'response.output_item.done', output_index: outputIndex, item: { ...item } };
    return 'done';
  };
}

export function mcpCallOutput(call: { serverLabel: string; name: string; arguments: string; approvalRequestId: string | null }): OutputProducer {
  return function* (run) {
    const outputIndex = run.response.output.length;
    const id = newId('mcp');
    const live: ResponseOutputItem.McpCall = {
      id,
      type: 'mcp_call',
      status: 'in_progress',
      approval_request_id: call.approvalRequestId,
      arguments: '',
      error: null,
      name: call.name,
      output: null,
      server_label: call.serverLabel,
    };
    run.response.output.push(live);
    yield { type: 'response.output_item.added', output_index: outputIndex, item: { ...live } };
    yield { type: 'response.mcp_call.in_progress', output_index: outputIndex, item_id: id } as PendingEvent;
    yield { type: 'response.mcp_call_arguments.delta', output_index: outputIndex, item_id: id, delta: call.arguments, ...run.obfuscation(call.arguments) } as PendingEvent;
    live.arguments = call.arguments;
    yield { type: 'response.mcp_call_arguments.done', output_index: outputIndex, item_id: id, arguments: call.arguments } as PendingEvent;
    const result = callMcpTool(call.name, call.arguments);
    if ('output' in result) {
      live.output = result.output;
      live.status = 'completed';
      yield { type: 'response.mcp_call.completed', output_index: outputIndex, item_id: id } as PendingEvent;
    } else {
      live.error = result.error as never;
      live.status = 'failed';
      yield { type: 'response.mcp_call.failed', output_index: outputIndex, item_id: id } as PendingEvent;
    }
    yield { type: 'response.output_item.done', output_index: outputIndex, item: { ...live } };
    return 'done';
  };
}
