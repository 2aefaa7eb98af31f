import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readLines, type InputLine } from '../../src/batch/input.ts';
import { detectFormat, lineConverter } from '../../src/batch/prepare.ts';
import { BatchValidator } from '../../src/batch/validate.ts';

async function lines(chunks: (string | Buffer)[], max?: number): Promise<InputLine[]> {
  const result: InputLine[] = [];
  for await (const line of readLines(Readable.from(chunks.map((c) => Buffer.from(c))), max)) result.push(line);
  return result;
}

const request = (id: string, model = 'm', extra: Record<string, unknown> = {}) => JSON.stringify({ custom_id: id, method: 'POST', url: '/v1/responses', body: { model, input: 'hi' }, ...extra });

describe('batch line reader', () => {
  it('splits lines across chunk boundaries, numbers them, strips \\r, and marks an unterminated last line', async () => {
    const result = await lines(['ab', 'c\r\nde', 'f\n\ng']);
    expect(result.map((l) => [l.number, l.text, l.terminated])).toEqual([
      [1, 'abc', true],
      [2, 'def', true],
      [3, '', true],
      [4, 'g', false],
    ]);
    expect(result.map((l) => [l.start, l.end])).toEqual([
      [0, 4],
      [5, 8],
      [9, 9],
      [10, 11],
    ]);
  });

  it('reports a line longer than the cap without buffering it, and carries on with the next', async () => {
    const result = await lines(['x'.repeat(10), 'y'.repeat(10), '\nok\n'], 16);
    expect(result[0]).toMatchObject({ number: 1, text: undefined });
    expect(result[0]!.problem).toMatch(/^longer than/);
    expect(result[1]).toMatchObject({ number: 2, text: 'ok' });
  });

  it('reports bytes that are not UTF-8 by line', async () => {
    const result = await lines([Buffer.from([0x61, 0xff, 0x0a, 0x62, 0x0a]) as unknown as string]);
    expect(result[0]).toMatchObject({ number: 1, text: undefined, problem: 'not valid UTF-8' });
    expect(result[1]).toMatchObject({ number: 2, text: 'b' });
  });
});

describe('batch validation', () => {
  it('accepts good request lines and names every problem of a bad one by line', () => {
    const v = new BatchValidator();
    expect(v.checkLine(1, request('a'))).toBeDefined();
    expect(v.checkLine(2, '{oops')).toBeUndefined();
    expect(v.checkLine(3, request('a'))).toBeUndefined();
    expect(v.checkLine(4, JSON.stringify({ method: 'GET', url: '/v1/chat/completions', body: {} }))).toBeUndefined();
    expect(v.checkLine(5, '[1]')).toBeUndefined();
    expect(v.problems.map((p) => `${p.line}: ${p.message}`)).toEqual([
      expect.stringMatching(/^2: invalid JSON/),
      '3: duplicate custom_id "a" (first on line 1)',
      '4: missing custom_id',
      '4: method must be "POST", not "GET"',
      '4: url must be "/v1/responses", not "/v1/chat/completions"',
      '4: missing body.model (the deployment name)',
      '5: not a JSON object',
    ]);
    expect(v.requestCount).toBe(1);
  });

  it('with sameModel (Global Batch), a second deployment is a problem naming the first line', () => {
    const v = new BatchValidator({ sameModel: true });
    v.checkLine(1, request('a', 'gpt-4.1'));
    v.checkLine(2, request('b', 'gpt-4o'));
    expect(v.problems).toEqual([{ line: 2, message: 'body.model "gpt-4o" differs from "gpt-4.1" on line 1 (Global Batch runs one deployment per file)' }]);
    const loose = new BatchValidator();
    loose.checkLine(1, request('a', 'gpt-4.1'));
    expect(loose.checkLine(2, request('b', 'gpt-4o'))).toBeDefined();
  });

  it('lists at most the cap but counts every problem', () => {
    const v = new BatchValidator({ maxListed: 3 });
    for (let i = 1; i <= 10; i++) v.checkLine(i, 'nope');
    expect(v.problems).toHaveLength(3);
    expect(v.problemCount).toBe(10);
  });
});

describe('batch input formats', () => {
  it('detects request lines, prompt objects and text from the first line', () => {
    expect(detectFormat(request('a'))).toBe('requests');
    expect(detectFormat('{"custom_id": "q", "input": "hi"}')).toBe('prompts');
    expect(detectFormat('What is 2+2?')).toBe('text');
    expect(detectFormat('{broken')).toBe('requests');
  });

  it('turns text lines into requests with line-numbered ids and prompt objects with their own', () => {
    const template = (input: string | unknown[], fields?: Record<string, unknown>) => ({ model: 'm', input, ...fields }) as never;
    const v = new BatchValidator();
    expect(lineConverter('text', template)(7, 'hello', v)).toEqual({ custom_id: 'line-7', method: 'POST', url: '/v1/responses', body: { model: 'm', input: 'hello' } });
    const prompts = lineConverter('prompts', template);
    expect(prompts(1, '{"custom_id":"q1","input":"hi","temperature":0}', v)?.body).toEqual({ model: 'm', input: 'hi', temperature: 0 });
    expect(prompts(2, '{"custom_id":"q2"}', v)).toBeUndefined();
    expect(v.problems).toEqual([{ line: 2, message: 'missing input (a prompt string or an array of input items)' }]);
  });
});
