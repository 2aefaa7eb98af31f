// The request log (/_emulator/requests) is shown to people and pasted into bug reports, so it
// redacts what the CLI redacts: secret-looking headers (the CLI's own rule, plus the managed-
// identity header) and every header value an MCP tool carries in the request body (those are
// bearer tokens for the MCP server). The in-process `requests` array keeps the raw values for tests.
import { isSecretHeader } from '../core/redact.ts';

export const REDACTED = '[redacted]';

interface LoggedRequest {
  headers: Record<string, string>;
  body: unknown;
}

function isSecretName(name: string): boolean {
  return isSecretHeader(name) || name.toLowerCase() === 'x-identity-header';
}

/** An MCP tool with its header values replaced; other tools as they are. */
function redactTool(tool: unknown): unknown {
  if (typeof tool !== 'object' || tool === null) return tool;
  const record = tool as Record<string, unknown>;
  if (record.type !== 'mcp' || typeof record.headers !== 'object' || record.headers === null) return tool;
  return { ...record, headers: Object.fromEntries(Object.keys(record.headers).map((name) => [name, REDACTED])) };
}

export function redactLogEntry<T extends LoggedRequest>(entry: T): T {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(entry.headers)) headers[name] = isSecretName(name) ? REDACTED : value;
  let body = entry.body;
  if (typeof body === 'object' && body !== null && Array.isArray((body as Record<string, unknown>).tools)) {
    const record = body as Record<string, unknown>;
    body = { ...record, tools: (record.tools as unknown[]).map(redactTool) };
  }
  return { ...entry, headers, body };
}
