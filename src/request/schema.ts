// --schema FILE: structured output. The file holds a JSON Schema, or the Responses API's own
// `{name, schema, description?, strict?}` wrapper; either way the request gets a strict
// `json_schema` text format, so the reply is exactly one JSON document.
import { basename, extname } from 'node:path';
import { UsageError } from '../core/errors.ts';
import { readLocalText } from '../core/local-input.ts';

export interface JsonSchemaFormat {
  type: 'json_schema';
  name: string;
  schema: Record<string, unknown>;
  strict: boolean;
  description?: string;
}

const NAME = /^[A-Za-z0-9_-]{1,64}$/;

export function readSchemaFormat(path: string, nameFlag?: string): JsonSchemaFormat {
  const text = readLocalText(path, '--schema');
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--schema: ${path} is not valid JSON (${(error as Error).message})`);
  }
  return schemaFormat(data, { path, name: nameFlag });
}

/** Pure: the parsed file → the text.format object. */
export function schemaFormat(data: unknown, options: { path: string; name?: string | undefined }): JsonSchemaFormat {
  if (!isObject(data)) throw new UsageError(`--schema: ${options.path} must hold a JSON object (a JSON Schema)`);
  const wrapped = isObject(data.schema) && (typeof data.name === 'string' || data.type === 'json_schema');
  const schema = wrapped ? (data.schema as Record<string, unknown>) : data;
  if (schema.type !== 'object') {
    throw new UsageError(`--schema: the schema's top level must be {"type": "object", …} (structured output requires it)`);
  }
  const fromFile = wrapped ? data.name : schema.title;
  const name = options.name ?? (typeof fromFile === 'string' && NAME.test(fromFile) ? fromFile : fileStem(options.path));
  if (!NAME.test(name)) throw new UsageError(`--schema-name '${name}': use 1–64 letters, digits, _ or -`);
  const format: JsonSchemaFormat = { type: 'json_schema', name, schema, strict: wrapped && data.strict === false ? false : true };
  const description = wrapped ? data.description : schema.description;
  if (typeof description === 'string') format.description = description;
  return format;
}

function fileStem(path: string): string {
  const stem = basename(path, extname(path)).replace(/\.schema$/, '').replace(/[^A-Za-z0-9_-]+/g, '_').slice(0, 64);
  return stem || 'output';
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
