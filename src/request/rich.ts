// The flags beyond a plain prompt: attachments, tools, tool outputs, structured output and a local
// conversation file, resolved into what buildCreateBody merges into the request.
import type { ResponseInputContent, ResponseInputItem } from 'openai/resources/responses/responses';
import { UsageError } from '../core/errors.ts';
import { attachmentParts } from './attachments.ts';
import { readConversation } from './conversation.ts';
import { readSchemaFormat } from './schema.ts';
import { toolFields, type ToolFlags } from './tools.ts';
import { readLocalText } from '../core/local-input.ts';

export const DEFAULT_MAX_TOOL_ROUNDS = 10;

export interface RichFlags {
  images?: string[] | undefined;
  files?: string[] | undefined;
  tools?: ToolFlags | undefined;
  /** --function-output CALL_ID=JSON|@file */
  functionOutputs?: string[] | undefined;
  /** --exec NAME=COMMAND */
  exec?: string[] | undefined;
  maxToolRounds?: number | undefined;
  schema?: string | undefined;
  schemaName?: string | undefined;
  conversation?: string | undefined;
}

export interface ResolvedRich {
  /** Content parts added to the user message (images, files). */
  attachments: ResponseInputContent[];
  /** Items sent before the prompt: the conversation file, then function outputs. */
  items: ResponseInputItem[];
  /** Request fields: tools, tool_choice, parallel_tool_calls, text.format, include. */
  fields: Record<string, unknown>;
  /** The items read from the --conversation file (a subset of `items`). */
  history: ResponseInputItem[];
}

export async function resolveRich(
  flags: RichFlags | undefined,
  context: { env: NodeJS.ProcessEnv; previous: string | undefined; store: boolean | undefined; include: string[] | undefined },
): Promise<ResolvedRich> {
  const resolved: ResolvedRich = { attachments: [], items: [], fields: {}, history: [] };
  if (!flags) return resolved;
  resolved.attachments = await attachmentParts(flags.images ?? [], flags.files ?? []);
  if (flags.conversation !== undefined) {
    if (context.previous !== undefined) throw new UsageError('--conversation carries the history itself; drop --previous');
    resolved.history = readConversation(flags.conversation);
    resolved.items.push(...resolved.history);
    // Without stored responses, reasoning can only be carried forward encrypted.
    if (context.store === false) addInclude(resolved, context.include, 'reasoning.encrypted_content');
  }
  const outputs = functionOutputItems(flags.functionOutputs ?? []);
  if (outputs.length && context.previous === undefined && flags.conversation === undefined) {
    throw new UsageError('--function-output answers a response: add --previous RESPONSE_ID (or --conversation FILE)');
  }
  resolved.items.push(...outputs);
  Object.assign(resolved.fields, toolFields(flags.tools ?? {}, context.env));
  // The code and its logs are what a person wants to see of a code-interpreter run.
  if (flags.tools?.codeInterpreter) addInclude(resolved, context.include, 'code_interpreter_call.outputs');
  if (flags.schema !== undefined) resolved.fields.text = { format: readSchemaFormat(flags.schema, flags.schemaName) };
  else if (flags.schemaName !== undefined) throw new UsageError('--schema-name needs --schema FILE');
  return resolved;
}

function addInclude(resolved: ResolvedRich, flagged: string[] | undefined, value: string): void {
  const current = (resolved.fields.include as string[] | undefined) ?? flagged ?? [];
  if (!current.includes(value)) resolved.fields.include = [...current, value];
}

/** `CALL_ID=OUTPUT` or `CALL_ID=@file` → function_call_output items. */
export function functionOutputItems(specs: readonly string[]): ResponseInputItem[] {
  return specs.map((spec) => {
    const eq = spec.indexOf('=');
    const callId = eq > 0 ? spec.slice(0, eq) : '';
    if (!/^[A-Za-z0-9_-]+$/.test(callId)) throw new UsageError(`invalid --function-output '${spec.slice(0, 40)}': expected CALL_ID=JSON or CALL_ID=@file`);
    const value = spec.slice(eq + 1);
    let output = value;
    if (value.startsWith('@')) {
      output = readLocalText(value.slice(1), `--function-output ${callId}`).replace(/\r?\n$/, '');
    }
    return { type: 'function_call_output', call_id: callId, output };
  });
}
