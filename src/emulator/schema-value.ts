// A value that satisfies a JSON Schema, chosen deterministically from the user's text. Used for
// function-call arguments and json_schema output. The rule (documented in docs/tools.md):
//   const / enum      → the const, or the first enum value
//   string            → `name: value` / `name=value` in the text, else the last word of the text
//                       (formats date, date-time, email, uri get a fixed valid example)
//   integer / number  → `name: 12` in the text, else the n-th number in the text for the n-th numeric
//                       property (the first when there are fewer), else the minimum (or 1),
//                       clamped to minimum/maximum
//   boolean           → true
//   array             → minItems (at least 1) copies of the item value
//   object            → every property (strict schemas require all of them), additionalProperties ignored
//   anyOf / oneOf     → the first branch; a type list → its first non-null type
export type Schema = Record<string, unknown>;

export function schemaValue(schema: unknown, text: string, name = '', depth = 0, ordinal = 0): unknown {
  if (typeof schema !== 'object' || schema === null || depth > 8) return null;
  const s = schema as Schema;
  if ('const' in s) return s.const;
  if (Array.isArray(s.enum) && s.enum.length) return s.enum[0];
  const branches = (Array.isArray(s.anyOf) ? s.anyOf : Array.isArray(s.oneOf) ? s.oneOf : undefined) as unknown[] | undefined;
  if (branches?.length) {
    const nonNull = branches.find((branch) => (branch as Schema).type !== 'null') ?? branches[0];
    return schemaValue(nonNull, text, name, depth + 1);
  }
  const type = Array.isArray(s.type) ? ((s.type as string[]).find((t) => t !== 'null') ?? 'null') : (s.type as string | undefined) ?? (s.properties ? 'object' : 'string');
  switch (type) {
    case 'object': {
      const properties = (s.properties ?? {}) as Record<string, unknown>;
      const value: Record<string, unknown> = {};
      // The n-th numeric property takes the n-th number of the text ("add 2 and 3" → a=2, b=3).
      let numbers = 0;
      for (const [key, sub] of Object.entries(properties)) {
        const numeric = ['number', 'integer'].includes(String((sub as Schema | null)?.type));
        value[key] = schemaValue(sub, text, key, depth + 1, numeric ? numbers++ : 0);
      }
      return value;
    }
    case 'array': {
      const count = Math.max(1, typeof s.minItems === 'number' ? s.minItems : 1);
      const item = schemaValue(s.items ?? { type: 'string' }, text, name, depth + 1);
      return Array.from({ length: typeof s.maxItems === 'number' ? Math.min(count, s.maxItems) : count }, () => item);
    }
    case 'integer':
    case 'number':
      return numberFor(s, text, name, type === 'integer', ordinal);
    case 'boolean':
      return true;
    case 'null':
      return null;
    default:
      return stringFor(s, text, name);
  }
}

function namedValue(text: string, name: string): string | undefined {
  if (!name) return undefined;
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const match = new RegExp(`\\b${escaped}\\s*[:=]\\s*("([^"]*)"|[^\\s,;]+)`, 'i').exec(text);
  return match ? (match[2] ?? match[1]) : undefined;
}

function stringFor(s: Schema, text: string, name: string): string {
  switch (s.format) {
    case 'date':
      return '2025-01-01';
    case 'date-time':
      return '2025-01-01T00:00:00Z';
    case 'email':
      return 'user@example.com';
    case 'uri':
      return 'https://example.com/';
    default:
  }
  const words = text.match(/[\p{L}\p{N}][\p{L}\p{N}'_-]*/gu) ?? [];
  let value = namedValue(text, name) ?? words.at(-1) ?? 'text';
  if (typeof s.maxLength === 'number' && value.length > s.maxLength) value = value.slice(0, s.maxLength);
  if (typeof s.minLength === 'number' && value.length < s.minLength) value = value.padEnd(s.minLength, 'x');
  return value;
}

function numberFor(s: Schema, text: string, name: string, integer: boolean, ordinal: number): number {
  const named = namedValue(text, name);
  const numbers = text.match(/-?\d+(?:\.\d+)?/g) ?? [];
  const found = named !== undefined && Number.isFinite(Number(named)) ? Number(named) : Number(numbers[ordinal] ?? numbers[0] ?? NaN);
  let value = Number.isFinite(found) ? found : typeof s.minimum === 'number' ? s.minimum : 1;
  if (typeof s.minimum === 'number' && value < s.minimum) value = s.minimum;
  if (typeof s.exclusiveMinimum === 'number' && value <= s.exclusiveMinimum) value = s.exclusiveMinimum + 1;
  if (typeof s.maximum === 'number' && value > s.maximum) value = s.maximum;
  if (typeof s.exclusiveMaximum === 'number' && value >= s.exclusiveMaximum) value = s.exclusiveMaximum - 1;
  return integer ? Math.round(value) : value;
}
