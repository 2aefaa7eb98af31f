// --schema: a strict json_schema text format; stdout is exactly the JSON document, ready for jq.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, runAoai } from '../helpers/cli.ts';
import { recordCapture } from '../helpers/captures.ts';
import { useEmulator } from '../helpers/emulator.ts';
import { tempDir } from '../helpers/temp.ts';

const ctx = useEmulator();
const run = (args: string[], options: Parameters<typeof runAoai>[1] = {}) => runAoai(args, { env: ctx.env, ...options });
const lastBody = () => ctx.emulator.requests.filter((r) => r.method === 'POST').at(-1)?.body as Record<string, unknown>;
const dir = tempDir('aoai-schema-');

const PERSON = {
  title: 'person',
  type: 'object',
  properties: {
    name: { type: 'string' },
    age: { type: 'integer', minimum: 0, maximum: 150 },
    role: { type: 'string', enum: ['admin', 'user'] },
    email: { type: ['string', 'null'], format: 'email' },
    tags: { type: 'array', items: { type: 'string' }, minItems: 2 },
    address: { type: 'object', properties: { city: { type: 'string' }, zip: { type: 'string' } }, required: ['city', 'zip'], additionalProperties: false },
  },
  required: ['name', 'age', 'role', 'email', 'tags', 'address'],
  additionalProperties: false,
};
const schemaFile = join(dir, 'person.schema.json');
writeFileSync(schemaFile, JSON.stringify(PERSON));

function sh(command: string): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', command], { env: ctx.env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', () => resolve({ stdout, stderr }));
  });
}

describe('--schema', () => {
  it('sends a strict json_schema format named from the file, and stdout is exactly one JSON document', async () => {
    const result = await run(['create', '-m', 'gpt-4.1', '--schema', schemaFile, 'Extract: name: Ada, age: 36, city: London']);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(lastBody().text).toEqual({ format: { type: 'json_schema', name: 'person', schema: PERSON, strict: true } });
    expect(result.stdout.endsWith('}\n')).toBe(true);
    const value = JSON.parse(result.stdout);
    // Valid against the schema: every required property with the right type and constraints.
    expect(Object.keys(value).sort()).toEqual(Object.keys(PERSON.properties).sort());
    expect(value).toMatchObject({ name: 'Ada', age: 36, role: 'admin', email: 'user@example.com', address: { city: 'London' } });
    expect(value.tags).toHaveLength(2);
    expect(typeof value.address.zip).toBe('string');
  });

  it('pipes straight into jq, streamed or not', async () => {
    for (const verb of ['create', 'stream']) {
      // Async: the emulator runs in this process, so a blocking spawn would stall it.
      const shell = await sh(`"${BIN}" ${verb} -m gpt-4.1 --schema "${schemaFile}" "name: Grace age: 85" | jq -r '.name + " " + (.age|tostring)'`);
      recordCapture(`aoai ${verb} --schema | jq`, shell.stdout + shell.stderr);
      expect(shell.stderr).toBe('');
      expect(shell.stdout).toBe('Grace 85\n');
    }
  });

  it('accepts the API wrapper {name, schema, strict} and --schema-name', async () => {
    const wrapped = join(dir, 'wrapped.json');
    writeFileSync(wrapped, JSON.stringify({ name: 'answer', description: 'An answer', schema: { type: 'object', properties: { ok: { type: 'boolean' } }, required: ['ok'], additionalProperties: false } }));
    const result = await run(['create', '-m', 'gpt-4.1', '--schema', wrapped, 'ok?']);
    expect(JSON.parse(result.stdout)).toEqual({ ok: true });
    expect(lastBody().text).toMatchObject({ format: { name: 'answer', description: 'An answer', strict: true } });
    await run(['create', '-m', 'gpt-4.1', '--schema', wrapped, '--schema-name', 'verdict', 'ok?']);
    expect(lastBody().text).toMatchObject({ format: { name: 'verdict' } });
  });

  it('rejects unreadable, invalid and non-object schemas before sending', async () => {
    const before = ctx.emulator.requests.length;
    const notJson = join(dir, 'bad.json');
    writeFileSync(notJson, '{ nope');
    expect((await run(['create', '-m', 'gpt-4.1', '--schema', notJson, 'x'])).stderr).toMatch(/^aoai: --schema: .*bad\.json is not valid JSON/);
    const arraySchema = join(dir, 'array.json');
    writeFileSync(arraySchema, JSON.stringify({ type: 'array', items: { type: 'string' } }));
    const array = await run(['create', '-m', 'gpt-4.1', '--schema', arraySchema, 'x']);
    expect(array).toMatchObject({ code: 2 });
    expect(array.stderr).toContain(`the schema's top level must be {"type": "object", …}`);
    expect((await run(['create', '-m', 'gpt-4.1', '--schema', join(dir, 'missing.json'), 'x'])).stderr).toContain('no such file');
    expect((await run(['create', '-m', 'gpt-4.1', '--schema-name', 'x', 'x'])).stderr).toContain('--schema-name needs --schema FILE');
    expect(ctx.emulator.requests.length).toBe(before);
  });
});
