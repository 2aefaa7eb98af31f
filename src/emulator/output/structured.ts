// Structured output: with text.format json_schema, the message is one JSON document that
// validates against the schema (values chosen by schema-value.ts from the user's text).
import type { Reply } from '../model.ts';
import { tokenize } from '../model.ts';
import type { Run } from '../run.ts';
import { schemaValue } from '../schema-value.ts';

export function structuredReply(run: Run): Reply | undefined {
  const format = (run.input.request.text as { format?: { type?: string; schema?: unknown } } | undefined)?.format;
  if (format?.type === 'json_schema') {
    const json = JSON.stringify(schemaValue(format.schema ?? { type: 'object', properties: {} }, run.input.userText));
    return { tokens: () => tokenize(json) };
  }
  if (format?.type === 'json_object') {
    const json = JSON.stringify({ answer: run.input.userText });
    return { tokens: () => tokenize(json) };
  }
  return undefined;
}
