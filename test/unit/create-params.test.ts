import { describe, expect, it } from 'vitest';
import { buildCreateBody, deepMerge, parseMetadata, validateIncludes } from '../../src/request/create-params.ts';
import { UsageError } from '../../src/core/errors.ts';

describe('flags → create request', () => {
  it('maps every model flag to its request field', () => {
    const body = buildCreateBody({
      flags: {
        model: 'gpt-4.1',
        instructions: 'Be brief',
        previous: 'resp_1',
        maxOutputTokens: 100,
        temperature: 0.2,
        topP: 0.9,
        reasoningEffort: 'high',
        reasoningSummary: 'detailed',
        store: false,
        metadata: ['a=1', 'b=x=y'],
        include: ['reasoning.encrypted_content'],
      },
      items: [],
      text: 'hello',
    });
    expect(body).toEqual({
      model: 'gpt-4.1',
      input: 'hello',
      instructions: 'Be brief',
      previous_response_id: 'resp_1',
      max_output_tokens: 100,
      temperature: 0.2,
      top_p: 0.9,
      reasoning: { effort: 'high', summary: 'detailed' },
      store: false,
      metadata: { a: '1', b: 'x=y' },
      include: ['reasoning.encrypted_content'],
    });
  });

  it('falls back to the default deployment and requires one', () => {
    expect(buildCreateBody({ flags: {}, defaultDeployment: 'dep', items: [], text: 'x' }).model).toBe('dep');
    expect(() => buildCreateBody({ flags: {}, items: [], text: 'x' })).toThrow(/no deployment/);
  });

  it('requires input unless continuing a previous response', () => {
    expect(() => buildCreateBody({ flags: { model: 'm' }, items: [], text: undefined })).toThrow(/no input/);
    expect(buildCreateBody({ flags: { model: 'm', previous: 'resp_1' }, items: [], text: undefined })).toEqual({ model: 'm', previous_response_id: 'resp_1' });
  });

  it('puts --input-items before the prompt', () => {
    const items = [{ role: 'user' as const, content: 'first' }, { role: 'assistant' as const, content: 'reply' }];
    expect(buildCreateBody({ flags: { model: 'm' }, items, text: 'second' }).input).toEqual([...items, { role: 'user', content: 'second' }]);
  });

  it('merges --body under the flags, deeply', () => {
    const body = buildCreateBody({
      flags: { model: 'm', reasoningEffort: 'low' },
      items: [],
      text: 'x',
      body: { model: 'ignored', reasoning: { summary: 'auto' }, truncation: 'auto', text: { verbosity: 'low' } },
    });
    expect(body).toMatchObject({ model: 'm', reasoning: { effort: 'low', summary: 'auto' }, truncation: 'auto', text: { verbosity: 'low' } });
  });

  it('takes the model from --body when -m is absent', () => {
    expect(buildCreateBody({ flags: {}, items: [], text: 'x', body: { model: 'from-body' }, defaultDeployment: 'dep' }).model).toBe('from-body');
  });

  it('refuses --background with --no-store before sending anything', () => {
    expect(() => buildCreateBody({ flags: { model: 'm', background: true, store: false }, items: [], text: 'x' })).toThrow(UsageError);
  });

  it('validates metadata and include values', () => {
    expect(() => parseMetadata(['novalue'])).toThrow(/key=value/);
    expect(() => parseMetadata(Array.from({ length: 17 }, (_, i) => `k${i}=v`))).toThrow(/at most 16/);
    expect(() => validateIncludes(['reasoning.encrypted'])).toThrow(/invalid --include/);
    expect(validateIncludes(['reasoning.encrypted_content', 'reasoning.encrypted_content'])).toEqual(['reasoning.encrypted_content']);
  });

  it('deepMerge replaces arrays and scalars, merges objects', () => {
    expect(deepMerge({ a: { b: 1, c: [1] }, d: 1 }, { a: { c: [2] }, d: 2 })).toEqual({ a: { b: 1, c: [2] }, d: 2 });
  });
});

describe('UsageError exit code', () => {
  it('is 2', () => expect(new UsageError('x').exitCode).toBe(2));
});
