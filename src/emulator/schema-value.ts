// A value that satisfies a JSON Schema, chosen deterministically from the user's text. Used for
// function-call arguments and json_schema output. The rule (documented in docs/tools.md):
//   const / enum      → the const, or the first enum value
//   string            → `name: value` / `name=value` in the text; else by the property's name:
//                       a person's name (name, full_name, author, …) → the first run of
//                       capitalised words that does not start the text ("Ada Lovelace");
//                       a place (location, city, country, place, …) → the capitalised words after
//                       in/at/from/to/for, else the last capitalised run ("San Francisco");
//                       email, url, phone → a fixed valid example; description, summary, query,
//                       question, prompt, reason, topic → the whole text; else the last word
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
  let value = namedValue(text, name) ?? valueForName(text, name) ?? words.at(-1) ?? 'text';
  if (typeof s.maxLength === 'number' && value.length > s.maxLength) value = value.slice(0, s.maxLength);
  if (typeof s.minLength === 'number' && value.length < s.minLength) value = value.padEnd(s.minLength, 'x');
  return value;
}

const PERSON = /^(name|full_?name|first_?name|last_?name|person|author|user_?name|customer|contact|employee|owner|.*_name)$/i;
const PLACE = /^(location|city|town|place|country|region|destination|origin|capital|address|state|area)$/i;
const WHOLE_TEXT = /^(description|summary|query|question|prompt|reason|topic)$/i;
/** Runs of capitalised words ("Ada Lovelace", "San Francisco"), with where each starts. */
const CAPITALISED_RUN = /\p{Lu}[\p{L}'-]*(?:\s+\p{Lu}[\p{L}'-]*)*/gu;
const PLACE_AFTER = /\b(?:in|at|from|to|for|near)\s+(\p{Lu}[\p{L}'-]*(?:\s+\p{Lu}[\p{L}'-]*)*)/u;

/** A value that fits what the property's name says it holds, when the text has one. */
function valueForName(text: string, name: string): string | undefined {
  const key = name.replace(/([a-z])([A-Z])/g, '$1_$2');
  if (/e-?mail/i.test(key)) return 'user@example.com';
  if (/^(url|uri|link|website|homepage|.*_url)$/i.test(key)) return 'https://example.com/';
  if (/phone/i.test(key)) return '+1 555 0100';
  if (WHOLE_TEXT.test(key)) return text.trim() || undefined;
  const runs = [...text.matchAll(CAPITALISED_RUN)].filter((run) => !/^(I|What|Who|Where|When|Which|How|Why|Is|Are|Can|Please|Extract|Find|Get|Tell|Give|Show|The|A|An)$/.test(run[0]));
  if (PERSON.test(key)) {
    const inner = runs.filter((run) => run.index !== 0 || run[0].includes(' '));
    return (inner.find((run) => run[0].includes(' ')) ?? inner[0])?.[0];
  }
  if (PLACE.test(key)) return PLACE_AFTER.exec(text)?.[1] ?? runs.at(-1)?.[0];
  return undefined;
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
