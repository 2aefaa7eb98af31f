// The pure pieces of Global Batch output: both timestamp styles, counts, the progress line, the
// service's errors with line numbers, and rows/details that never let service text drive a terminal.
import type { Batch } from 'openai/resources/batches';
import { describe, expect, it } from 'vitest';
import { batchDetails, batchRow, countsText, duration, errorLines, formatTimestamp, isTerminalBatch, parseTimestamp, progressLine } from '../../src/batch/global/view.ts';

const base = {
  id: 'batch_1',
  object: 'batch',
  endpoint: '/v1/responses',
  input_file_id: 'file-1',
  completion_window: '24h',
  status: 'in_progress',
  created_at: 1_764_500_000,
  request_counts: { total: 10_000, completed: 1234, failed: 5 },
} as Batch;

describe('timestamps', () => {
  it('reads Unix seconds, numeric strings and ISO strings alike', () => {
    const iso = '2025-11-30T10:13:20.000Z';
    expect(parseTimestamp(1_764_497_600)?.toISOString()).toBe(iso);
    expect(parseTimestamp('1764497600')?.toISOString()).toBe(iso);
    expect(parseTimestamp('2025-11-30T10:13:20Z')?.toISOString()).toBe(iso);
    expect(parseTimestamp('2025-11-30T11:13:20.1234567+01:00')?.toISOString()).toBe('2025-11-30T10:13:20.123Z');
    expect(parseTimestamp('soon')).toBeUndefined();
    expect(parseTimestamp(null)).toBeUndefined();
  });

  it('formats either as ISO to the second; anything else escaped, null as -', () => {
    expect(formatTimestamp(1_764_497_600)).toBe('2025-11-30T10:13:20Z');
    expect(formatTimestamp('2025-11-30T10:13:20.5Z')).toBe('2025-11-30T10:13:20Z');
    expect(formatTimestamp('\x1b[2Jlater')).toBe('^[[2Jlater');
    expect(formatTimestamp(null)).toBe('-');
  });
});

describe('counts and progress', () => {
  it('says how far the job is', () => {
    expect(countsText(base)).toBe('1,239 of 10,000 done, 5 failed');
    expect(countsText({ request_counts: { total: 0, completed: 0, failed: 0 } })).toBe('no requests counted yet');
    expect(countsText({} as Batch)).toBe('no requests counted yet');
    expect(progressLine(base, 200_000)).toBe('batch_1 in_progress · 1,239 of 10,000 done, 5 failed · 3m 20s');
    expect(duration(3_725_000)).toBe('1h 2m');
    expect(isTerminalBatch(base)).toBe(false);
    expect(isTerminalBatch({ status: 'cancelled' })).toBe(true);
  });
});

describe("the service's errors", () => {
  it('carry their line numbers, are capped, and are shown escaped', () => {
    const data = Array.from({ length: 22 }, (_, i) => ({ code: 'invalid_json_line', message: `bad\x1b]0;owned\x07 line`, line: i + 1, param: null }));
    const lines = errorLines({ errors: { object: 'list', data } } as Batch);
    expect(lines).toHaveLength(21);
    expect(lines[0]).toBe('line 1: invalid_json_line: bad^[]0;owned^G line');
    expect(lines[20]).toBe('… and 2 more');
    expect(errorLines({ errors: { data: [{ code: 'token_limit_exceeded', message: 'quota', line: null }] } } as Batch)).toEqual(['token_limit_exceeded: quota']);
  });
});

describe('rows and details', () => {
  it('a row is tab-separated on a pipe, and a value cannot forge a column', () => {
    expect(batchRow({ ...base, model: 'gpt\t4.1\n' } as Batch, false)).toBe('batch_1\tin_progress\t1239\t10000\t5\t2025-11-30T10:53:20Z\tgpt\\t4.1\\n');
  });

  it('details list what is set, metadata included, escaped', () => {
    const text = batchDetails({ ...base, status: 'failed', metadata: { 'run\x1b': 'x\x9b' }, errors: { object: 'list', data: [{ code: 'duplicate_custom_id', message: 'dup', line: 3, param: null }] } } as Batch);
    expect(text).toMatch(/^status: +failed$/m);
    expect(text).toMatch(/^requests: +1,239 of 10,000 done, 5 failed$/m);
    expect(text).toContain('metadata run^[: x\\x9b\n');
    expect(text).toContain('errors:\n  line 3: duplicate_custom_id: dup\n');
    expect(text).not.toMatch(/completed:/);
  });
});
