// The OpenAI OpenAPI spec (test/fixtures/openapi/openapi.yaml, a copy of the shared reference) as a JSON-Schema
// validator for the emulator's answers and stream events. Loaded once per test file (parsing
// the 3 MB YAML takes a second or two).
//
// Two rewrites make the spec usable as a validator, and the patches below fix where it is wrong
// about the wire. Every deliberate difference from the spec is listed in docs/emulator.md
// ("Known differences"); the conformance test checks that list and this one agree.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { parse } from 'yaml';
import { REPO_ROOT } from '../../helpers/cli.ts';

export const SPEC_PATH = join(REPO_ROOT, 'test', 'fixtures', 'openapi', 'openapi.yaml');

type Json = Record<string, unknown>;

/**
 * Where the spec is wrong about the wire: `Schema.field` → fix. Each patch is a row of kind `spec`
 * in docs/emulator.md ("Known differences"), with the recording that proves it; the conformance
 * test checks the two lists are the same.
 */
export const SPEC_PATCHES: Record<string, (schemas: Record<string, Json>) => void> = {
  // Azure accepts and returns approval responses without `request_id`; the spec requires a
  // property it does not even define.
  'MCPApprovalResponse.request_id': (schemas) => dropRequired(schemas.MCPApprovalResponse!, 'request_id'),
  'MCPApprovalResponseResource.request_id': (schemas) => dropRequired(schemas.MCPApprovalResponseResource!, 'request_id'),
  // Every recorded Response carries `user: null`.
  'ModelResponseProperties.user': (schemas) => allowNull(schemas.ModelResponseProperties!, 'user'),
  // The recorded `error` event nests {type, code, message, param} under `error`.
  'ResponseErrorEvent.error': (schemas) => {
    schemas.ResponseErrorEvent = {
      type: 'object',
      properties: {
        type: { enum: ['error'] },
        sequence_number: { type: 'integer' },
        error: {
          type: 'object',
          properties: { type: { type: 'string' }, code: { type: ['string', 'null'] }, message: { type: 'string' }, param: { type: ['string', 'null'] } },
          required: ['type', 'code', 'message', 'param'],
        },
      },
      required: ['type', 'sequence_number', 'error'],
    };
  },
  // Recorded function_call_arguments.done events carry no `name`.
  'ResponseFunctionCallArgumentsDoneEvent.name': (schemas) => dropRequired(schemas.ResponseFunctionCallArgumentsDoneEvent!, 'name'),
  // Azure's output_item.added for an image_generation_call has no `result` key.
  'ImageGenToolCall.result': (schemas) => dropRequired(schemas.ImageGenToolCall!, 'result'),
  // Recorded usage has only `cached_tokens` in input_tokens_details.
  'ResponseUsage.input_tokens_details.cache_write_tokens': (schemas) => {
    dropRequired((schemas.ResponseUsage!.properties as Record<string, Json>).input_tokens_details!, 'cache_write_tokens');
  },
  // Recorded in-progress and failed Responses carry `usage: null`.
  'ResponseUsage.null': (schemas) => {
    schemas.ResponseUsage = { anyOf: [schemas.ResponseUsage, { type: 'null' }] };
  },
  // The recorded MCP tool echo carries `server_description: null` when none was sent (pydantic-ai MCP recording).
  'MCPTool.server_description': (schemas) => allowNull(schemas.MCPTool!, 'server_description'),
  // The service's file objects carry `status_details: null`.
  'OpenAIFile.status_details': (schemas) => allowNull(schemas.OpenAIFile!, 'status_details'),
};

function dropRequired(schema: Json, name: string): void {
  const before = schema.required as string[];
  if (!before.includes(name)) throw new Error(`spec patch: ${name} is no longer required; drop the patch`);
  schema.required = before.filter((entry) => entry !== name);
}

function allowNull(schema: Json, name: string): void {
  const properties = schema.properties as Record<string, Json>;
  properties[name] = { anyOf: [properties[name], { type: 'null' }] };
}

/** The spec's `oneOf` branches overlap (a message matches several item shapes): validate as `anyOf`. */
function oneOfAsAnyOf(node: unknown): void {
  if (Array.isArray(node)) {
    for (const entry of node) oneOfAsAnyOf(entry);
    return;
  }
  if (typeof node !== 'object' || node === null) return;
  const object = node as Json;
  if ('oneOf' in object) {
    object.anyOf = object.oneOf;
    delete object.oneOf;
  }
  // OpenAPI's discriminator is advice for code generators, not a JSON-Schema keyword.
  delete object.discriminator;
  for (const value of Object.values(object)) oneOfAsAnyOf(value);
}

export interface SpecValidator {
  /** Errors (empty when valid) of `value` against components.schemas[name]. */
  check(name: string, value: unknown): string[];
  /** The schema name of a stream event type (e.g. response.output_text.delta → ResponseTextDeltaEvent). */
  eventSchema(type: string): string | undefined;
  schemas: Record<string, Json>;
}

export function loadSpec(): SpecValidator {
  const document = parse(readFileSync(SPEC_PATH, 'utf8')) as { components: { schemas: Record<string, Json> } };
  const schemas = document.components.schemas;
  for (const patch of Object.values(SPEC_PATCHES)) patch(schemas);
  oneOfAsAnyOf(schemas);
  const ajv = new Ajv2020({ strict: false, allErrors: false, validateFormats: false, logger: false });
  ajv.addSchema({ $id: 'spec', components: { schemas } });
  const compiled = new Map<string, ValidateFunction>();
  const eventSchemas = new Map<string, string>();
  for (const branch of (schemas.ResponseStreamEvent!.anyOf as Array<{ $ref: string }>)) {
    const name = branch.$ref.split('/').at(-1)!;
    const types = ((schemas[name]?.properties as Json | undefined)?.type as { enum?: string[] } | undefined)?.enum ?? [];
    for (const type of types) eventSchemas.set(type, name);
  }
  return {
    schemas,
    eventSchema: (type) => eventSchemas.get(type),
    check(name, value) {
      let validate = compiled.get(name);
      if (!validate) {
        if (!schemas[name]) throw new Error(`no schema ${name} in the spec`);
        validate = ajv.compile({ $ref: `spec#/components/schemas/${name}` });
        compiled.set(name, validate);
      }
      if (validate(value)) return [];
      return (validate.errors ?? []).map((error) => `${name}${error.instancePath} ${error.message ?? ''} ${JSON.stringify(error.params)}`);
    },
  };
}
