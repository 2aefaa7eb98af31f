// The pure and file-level pieces of the local log: reading backwards across chunk boundaries,
// torn lines, trimming text to bytes, modes, --since times, the row and usage renderers.
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pointInTime } from '../../src/cli/parse.ts';
import { appendRecordLine, linesNewestFirst, logFiles, purgeRecords, recordsNewestFirst } from '../../src/log/file.ts';
import { matching } from '../../src/log/filter.ts';
import { ageOf, pipeRow, terminalRows, usageRows, usageTable } from '../../src/log/format.ts';
import { addUsage, parseRecord, recordForMode, startOfText, usageOf, type LogRecord } from '../../src/log/record.ts';
import { registerSecret } from '../../src/core/redact.ts';
import { continueRef } from '../../src/log/continue-ref.ts';
import { appendLogRecord, commandRecord } from '../../src/log/write.ts';
import { CommandLog } from '../../src/log/notes.ts';
import { ConfigStore } from '../../src/core/config-store.ts';
import { newRequestRecord } from '../../src/core/request-record.ts';
import type { Factory } from '../../src/core/factory.ts';
import { tempDir } from '../helpers/temp.ts';

function record(overrides: Partial<LogRecord> = {}): LogRecord {
  return { v: 1, time: '2026-11-30T12:00:00.000Z', command: 'create', profile: 'default', endpoint: 'x.openai.azure.com', deployment: 'gpt-4.1', id: 'resp_1', status: 'completed', previous_response_id: null, stored: true, usage: { input_tokens: 3, output_tokens: 4, total_tokens: 7 }, exit: 0, ...overrides };
}

describe('reading backwards', () => {
  it('yields every line, last first, whatever their lengths against the 64 KB chunks', () => {
    const dir = tempDir('aoai-log-unit-');
    const path = join(dir, 'lines');
    const lines = Array.from({ length: 400 }, (_, i) => `${i}:${'ü'.repeat((i * 997) % 3000)}`);
    writeFileSync(path, `${lines.join('\n')}\n`);
    expect([...linesNewestFirst(path)]).toEqual([...lines].reverse());
    expect([...linesNewestFirst(join(dir, 'missing'))]).toEqual([]);
  });

  it('skips torn and foreign lines, keeps records', () => {
    const dir = tempDir('aoai-log-unit-');
    const files = logFiles(dir);
    writeFileSync(files.current, `${JSON.stringify(record({ id: 'resp_a' }))}\n{"v":1,"time":"2026-11-30T12:0\nnot json\n${JSON.stringify(record({ id: 'resp_b' }))}\n`);
    expect([...recordsNewestFirst(files)].map((r) => r.id)).toEqual(['resp_b', 'resp_a']);
    expect(parseRecord('{"v":2}')).toBeUndefined();
  });

  it('appends one line per record and rotates past the cap; the newest come first across both files', () => {
    const dir = join(tempDir('aoai-log-unit-'), 'state');
    const files = logFiles(dir);
    for (let i = 0; i < 30; i++) appendRecordLine(files, JSON.stringify(record({ id: `resp_${i}` })), 1000);
    const ids = [...recordsNewestFirst(files)].map((r) => r.id);
    expect(ids[0]).toBe('resp_29');
    expect(ids).toEqual([...ids].sort((a, b) => Number(b!.slice(5)) - Number(a!.slice(5))));
    expect(ids.length).toBeLessThan(30);
  });

  it('purge keeps what the predicate keeps, in order, in one file', () => {
    const dir = tempDir('aoai-log-unit-');
    const files = logFiles(dir);
    mkdirSync(dir, { recursive: true });
    writeFileSync(files.rotated, `${JSON.stringify(record({ id: 'resp_old', time: '2020-01-01T00:00:00Z' }))}\n`);
    appendFileSync(files.current, `${JSON.stringify(record({ id: 'resp_new1' }))}\n${JSON.stringify(record({ id: 'resp_new2' }))}\n`);
    expect(purgeRecords(files, (r) => r.time > '2021')).toEqual({ removed: 1, kept: 2 });
    expect([...recordsNewestFirst(files)].map((r) => r.id)).toEqual(['resp_new2', 'resp_new1']);
  });
});

describe('records', () => {
  it('startOfText never splits a character and fits the byte budget', () => {
    expect(startOfText('abc', 10)).toBe('abc');
    expect(startOfText('ééé', 5)).toBe('éé');
    expect(startOfText('a😀b', 3)).toBe('a');
    expect(startOfText('a😀b', 5)).toBe('a😀');
  });

  it('ids-only keeps ids, status and usage; full scrubs registered secrets and cuts long text', () => {
    registerSecret('SECRET-VALUE-123456');
    const full = record({ prompt: 'key SECRET-VALUE-123456', output: 'x'.repeat(9000), files: ['a.png'], error: 'boom' });
    const idsOnly = recordForMode(full, 'ids-only');
    expect(idsOnly).toEqual(record());
    const kept = recordForMode(full, 'full');
    expect(kept.prompt).toBe('key ***');
    expect(kept.output).toHaveLength(8192);
    expect(kept.truncated).toEqual(['output']);
  });

  it('usage: counts kept, junk dropped, sums add up', () => {
    const usage = usageOf({ input_tokens: 10, output_tokens: 5, total_tokens: 15, output_tokens_details: { reasoning_tokens: 2 }, input_tokens_details: { cached_tokens: 'many' } });
    expect(usage).toEqual({ input_tokens: 10, output_tokens: 5, total_tokens: 15, reasoning_tokens: 2 });
    expect(addUsage(usage, { input_tokens: 1, output_tokens: 1, total_tokens: 2 })).toEqual({ input_tokens: 11, output_tokens: 6, total_tokens: 17, reasoning_tokens: 2 });
    expect(usageOf(null)).toBeNull();
  });

  it('--continue values: nothing is the latest, digits the Nth, resp_… an id, other words are prompt', () => {
    expect(continueRef(true)).toEqual({ latest: 1 });
    expect(continueRef('2')).toEqual({ latest: 2 });
    expect(continueRef('resp_abc')).toEqual({ id: 'resp_abc' });
    expect(continueRef('and in French?')).toBeUndefined();
    expect(() => continueRef('0')).toThrow(/--continue 0/);
  });
});

describe('times and filters', () => {
  const now = Date.parse('2026-11-30T12:00:00Z');

  it('--since: durations back from now, local days, ISO times; nothing else', () => {
    expect(pointInTime('2h', now).toISOString()).toBe('2026-11-30T10:00:00.000Z');
    expect(pointInTime('7d', now).toISOString()).toBe('2026-11-23T12:00:00.000Z');
    expect(pointInTime('2026-11-01', now).getDate()).toBe(1);
    expect(pointInTime('2026-11-30T14:00:00Z', now).toISOString()).toBe('2026-11-30T14:00:00.000Z');
    for (const bad of ['yesterday', '2h ago', '-2h', '2026-13-01', '2026-02-30', '']) expect(() => pointInTime(bad, now), bad).toThrow(/expected a duration/);
  });

  it('filters stop reading once well past --since', () => {
    let read = 0;
    function* source() {
      for (let i = 0; i < 1000; i++) {
        read++;
        yield record({ id: `resp_${i}`, time: new Date(now - i * 3_600_000).toISOString() });
      }
    }
    const found = [...matching(source(), { since: new Date(now - 3 * 3_600_000) })];
    expect(found.map((r) => r.id)).toEqual(['resp_0', 'resp_1', 'resp_2', 'resp_3']);
    expect(read).toBeLessThan(10);
  });

  it('ages: seconds to years', () => {
    expect(ageOf('2026-11-30T11:59:30Z', now)).toBe('30s');
    expect(ageOf('2026-11-30T09:00:00Z', now)).toBe('3h');
    expect(ageOf('2026-11-20T12:00:00Z', now)).toBe('10d');
    expect(ageOf('2026-09-01T12:00:00Z', now)).toBe('12w');
  });
});

describe('rendering', () => {
  it('pipe rows escape tabs and newlines so a prompt cannot forge a column or a row', () => {
    const row = pipeRow(record({ prompt: 'a\tb\nsecond line', deployment: 'x\ty' }));
    expect(row.split('\t')).toEqual(['resp_1', '2026-11-30T12:00:00.000Z', 'default', 'x\\ty', 'completed', '7', '0', 'a\\tb']);
  });

  it('terminal rows align, show no live escape, and fit the width', () => {
    const rows = terminalRows([record({ prompt: '\u001b[31mred\u001b[0m and a long prompt '.repeat(5) }), record({ id: null, status: 'error', exit: 1, usage: null })], Date.parse('2026-11-30T12:05:00Z'), { width: (t) => t.length, cut: (t, max) => (t.length <= max ? t : `${t.slice(0, max - 1)}…`), columns: 100 });
    expect(rows[0]).toMatch(/^ID +AGE +DEPLOYMENT +STATUS +TOKENS +PROMPT$/);
    expect(rows[1]).toMatch(/^resp_1 +5m +gpt-4\.1 +completed +7 +\^\[\[31mred/);
    expect(rows[2]).toMatch(/^- +5m +gpt-4\.1 +error +-$/);
    for (const row of rows) expect(row.length).toBeLessThanOrEqual(100);
    expect(rows.join('\n')).not.toContain('\u001b');
  });

  it('usage by day and deployment, with a total line on a terminal', () => {
    const rows = usageRows([record(), record({ id: 'resp_2' }), record({ deployment: 'o4-mini', usage: { input_tokens: 1, output_tokens: 1, total_tokens: 2, reasoning_tokens: 1 } }), record({ requests: 10, id: null })]);
    expect(rows.map((row) => [row.deployment, row.responses, row.total_tokens])).toEqual([
      ['gpt-4.1', 12, 21],
      ['o4-mini', 1, 2],
    ]);
    const table = usageTable(rows, true);
    expect(table[0]).toMatch(/^DAY +DEPLOYMENT +RESPONSES +INPUT +OUTPUT +REASONING +CACHED +TOTAL$/);
    expect(table.at(-1)).toMatch(/^total +13 +10 +13 +1 +0 +23$/);
    expect(usageTable(rows, false)[0]).toMatch(/^\d{4}-\d{2}-\d{2}\tgpt-4\.1\t12\t9\t12\t0\t0\t21$/);
  });
});

describe('appendLogRecord, for commands that write their own record (batch run)', () => {
  function factory(env: Record<string, string> = {}, flags: Record<string, unknown> = {}) {
    const dir = tempDir('aoai-log-unit-');
    const store = new ConfigStore(join(dir, 'config.json'));
    return {
      io: { env },
      flags,
      profileName: 'default',
      command: 'batch run',
      log: new CommandLog(),
      requests: { ...newRequestRecord(), endpoint: 'https://myres.openai.azure.com/gateway' },
      paths: { state: join(dir, 'state'), config: join(dir, 'config.json'), cache: dir },
      configStore: () => store,
      debug: () => undefined,
    } as unknown as Factory;
  }

  it('fills in time, command, profile and host; the mode decides what is kept', () => {
    const f = factory();
    appendLogRecord(f, commandRecord(f, { deployment: 'gpt-4.1', status: 'completed', exit: 0, requests: 120, usage: { input_tokens: 1, output_tokens: 2, total_tokens: 3 }, prompt: 'requests.jsonl' }));
    const [written] = [...recordsNewestFirst(logFiles(f.paths.state))];
    expect(written).toMatchObject({ v: 1, command: 'batch run', profile: 'default', endpoint: 'myres.openai.azure.com', id: null, requests: 120, prompt: 'requests.jsonl', stored: true });
    const idsOnly = factory({ AOAI_LOG: 'ids-only' });
    appendLogRecord(idsOnly, commandRecord(idsOnly, { status: 'completed', exit: 0, prompt: 'words' }));
    expect([...recordsNewestFirst(logFiles(idsOnly.paths.state))][0]).not.toHaveProperty('prompt');
    const off = factory({}, { log: false });
    appendLogRecord(off, commandRecord(off, { status: 'completed', exit: 0 }));
    expect([...recordsNewestFirst(logFiles(off.paths.state))]).toEqual([]);
  });
});
