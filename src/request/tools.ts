// Tool flags → the request's `tools`, `tool_choice` and `parallel_tool_calls`: function tools
// (--function, --tools), remote MCP servers (--mcp…) and the code interpreter. Files named with
// @ are read here; everything else is a pure mapping, unit-tested directly.
import type { Tool } from 'openai/resources/responses/responses';
import { UsageError } from '../core/errors.ts';
import { registerSecret } from '../core/redact.ts';
import { readLocalText } from '../core/local-input.ts';

export const MCP_APPROVALS = ['never', 'always'] as const;

export interface ToolFlags {
  functions?: string[] | undefined;
  toolsFile?: string | undefined;
  toolChoice?: string | undefined;
  parallelToolCalls?: boolean | undefined;
  mcp?: string[] | undefined;
  mcpApproval?: (typeof MCP_APPROVALS)[number] | undefined;
  mcpAllowedTools?: string[] | undefined;
  mcpHeaders?: string[] | undefined;
  codeInterpreter?: boolean | undefined;
  containerFiles?: string[] | undefined;
}

export interface ToolFields {
  tools?: Tool[];
  tool_choice?: unknown;
  parallel_tool_calls?: boolean;
}

type Json = Record<string, unknown>;

const NAME = /^[A-Za-z0-9_-]{1,64}$/;

/** The request fields the tool flags stand for (empty when none were given). */
export function toolFields(flags: ToolFlags, env: NodeJS.ProcessEnv): ToolFields {
  const tools: Tool[] = [];
  if (flags.toolsFile !== undefined) tools.push(...readToolsFile(flags.toolsFile));
  for (const spec of flags.functions ?? []) tools.push(functionTool(readJsonSpec(spec, '--function'), '--function'));
  tools.push(...mcpTools(flags, env));
  if (flags.containerFiles?.length && !flags.codeInterpreter) throw new UsageError('--container-file needs --code-interpreter');
  if (flags.codeInterpreter) {
    const fileIds = flags.containerFiles ?? [];
    tools.push({ type: 'code_interpreter', container: { type: 'auto', ...(fileIds.length ? { file_ids: fileIds } : {}) } } as Tool);
  }
  checkUniqueNames(tools);
  const fields: ToolFields = {};
  if (tools.length) fields.tools = tools;
  if (flags.toolChoice !== undefined) fields.tool_choice = toolChoice(flags.toolChoice, tools);
  if (flags.parallelToolCalls !== undefined) fields.parallel_tool_calls = flags.parallelToolCalls;
  return fields;
}

/** `{...}` inline, or `@path` to a JSON file. */
function readJsonSpec(spec: string, flag: string): unknown {
  const fromFile = spec.startsWith('@');
  const text = fromFile ? readLocalText(spec.slice(1), flag) : spec;
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${flag}: ${fromFile ? spec.slice(1) : 'the value'} is not valid JSON (${(error as Error).message})`, fromFile ? undefined : `pass inline JSON or @file.json`);
  }
}


function readToolsFile(path: string): Tool[] {
  const data = readJsonSpec(`@${path}`, '--tools');
  if (!Array.isArray(data)) throw new UsageError(`--tools: ${path} must hold a JSON array of tool definitions`);
  return data.map((tool, index) => {
    if (!isObject(tool) || (typeof tool.type !== 'string' && !isObject(tool.function))) {
      throw new UsageError(`--tools: entry ${index} of ${path} is not a tool definition (it needs a "type")`);
    }
    return tool.type === 'function' || tool.type === undefined ? functionTool(tool, `--tools entry ${index}`) : (tool as unknown as Tool);
  });
}

/**
 * A function tool from the Responses shape `{type, name, parameters}`, or the Chat Completions
 * shape `{type, function: {name, parameters}}` that many existing tool files use.
 */
export function functionTool(spec: unknown, flag: string): Tool {
  if (!isObject(spec)) throw new UsageError(`${flag}: expected a JSON object with "name" and "parameters"`);
  const inner = isObject(spec.function) ? spec.function : spec;
  const name = inner.name;
  if (typeof name !== 'string' || !NAME.test(name)) {
    throw new UsageError(`${flag}: "name" must be 1–64 letters, digits, _ or - (got ${JSON.stringify(name ?? null)})`);
  }
  const parameters = inner.parameters ?? { type: 'object', properties: {} };
  if (!isObject(parameters)) throw new UsageError(`${flag}: "parameters" of ${name} must be a JSON Schema object`);
  const tool: Json = { type: 'function', name, parameters, strict: typeof inner.strict === 'boolean' ? inner.strict : false };
  if (typeof inner.description === 'string') tool.description = inner.description;
  return tool as unknown as Tool;
}

function mcpTools(flags: ToolFlags, env: NodeJS.ProcessEnv): Tool[] {
  const servers = new Map<string, Json>();
  for (const spec of flags.mcp ?? []) {
    const eq = spec.indexOf('=');
    const label = eq > 0 ? spec.slice(0, eq) : '';
    const url = eq > 0 ? spec.slice(eq + 1) : '';
    if (!NAME.test(label) || !/^https?:\/\/\S+$/i.test(url)) {
      throw new UsageError(`invalid --mcp '${spec}': expected LABEL=URL`, 'e.g. --mcp docs=https://learn.microsoft.com/api/mcp');
    }
    if (servers.has(label)) throw new UsageError(`--mcp ${label} is given twice`);
    const tool: Json = { type: 'mcp', server_label: label, server_url: url };
    if (flags.mcpApproval !== undefined) tool.require_approval = flags.mcpApproval;
    servers.set(label, tool);
  }
  const serverFor = (label: string, flag: string): Json => {
    const server = servers.get(label);
    if (!server) throw new UsageError(`${flag}: no --mcp server labelled '${label}'`, servers.size ? `labels: ${[...servers.keys()].join(', ')}` : 'add one with --mcp LABEL=URL');
    return server;
  };
  if (flags.mcpApproval !== undefined && servers.size === 0) throw new UsageError('--mcp-approval needs --mcp LABEL=URL');
  for (const spec of flags.mcpAllowedTools ?? []) {
    const eq = spec.indexOf('=');
    if (eq <= 0) throw new UsageError(`invalid --mcp-allowed-tools '${spec}': expected LABEL=tool1,tool2`);
    const names = spec.slice(eq + 1).split(',').map((name) => name.trim()).filter(Boolean);
    if (names.length === 0) throw new UsageError(`invalid --mcp-allowed-tools '${spec}': no tool names`);
    const server = serverFor(spec.slice(0, eq), '--mcp-allowed-tools');
    server.allowed_tools = [...new Set([...((server.allowed_tools as string[] | undefined) ?? []), ...names])];
  }
  for (const spec of flags.mcpHeaders ?? []) {
    const { label, name, value } = parseMcpHeader(spec, env);
    const server = serverFor(label, '--mcp-header');
    server.headers = { ...((server.headers as Record<string, string> | undefined) ?? {}), [name]: value };
  }
  return [...servers.values()] as unknown as Tool[];
}

/**
 * `LABEL:Name=Value`, where Value may be `$VAR` (read from the environment, so the secret stays
 * out of shell history). The value is registered as a secret: it is scrubbed from stderr and
 * debug output, and error messages here never include it.
 */
export function parseMcpHeader(spec: string, env: NodeJS.ProcessEnv): { label: string; name: string; value: string } {
  const match = /^([A-Za-z0-9_-]{1,64}):([!#$%&'*+.^_`|~0-9A-Za-z-]+)=(.*)$/s.exec(spec);
  if (!match) {
    const shown = spec.includes('=') ? `${spec.slice(0, spec.indexOf('='))}=…` : spec;
    throw new UsageError(`invalid --mcp-header '${shown}': expected LABEL:Name=Value`, 'e.g. --mcp-header github:Authorization=\'$GITHUB_AUTH\' (a $VAR value is read from the environment)');
  }
  const [, label, name, raw] = match as unknown as [string, string, string, string];
  let value = raw;
  if (/^\$[A-Za-z_][A-Za-z0-9_]*$/.test(raw)) {
    const fromEnv = env[raw.slice(1)];
    if (fromEnv === undefined || fromEnv === '') throw new UsageError(`--mcp-header ${label}:${name}: environment variable ${raw.slice(1)} is not set`);
    value = fromEnv;
  }
  if (/[\r\n]/.test(value)) throw new UsageError(`--mcp-header ${label}:${name}: the value contains a line break`);
  registerSecret(value);
  return { label: label, name, value };
}

function toolChoice(choice: string, tools: Tool[]): unknown {
  if (choice === 'auto' || choice === 'none' || choice === 'required') return choice;
  if (choice.startsWith('{')) return readJsonSpec(choice, '--tool-choice');
  const names = tools.filter((tool) => tool.type === 'function').map((tool) => (tool as { name: string }).name);
  if (!names.includes(choice)) {
    throw new UsageError(`--tool-choice '${choice}': expected auto, none, required, or the name of a --function`, names.length ? `functions: ${names.join(', ')}` : undefined);
  }
  return { type: 'function', name: choice };
}

function checkUniqueNames(tools: Tool[]): void {
  const seen = new Set<string>();
  for (const tool of tools) {
    if (tool.type !== 'function') continue;
    const name = (tool as { name: string }).name;
    if (seen.has(name)) throw new UsageError(`function '${name}' is defined twice (--function / --tools)`);
    seen.add(name);
  }
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
