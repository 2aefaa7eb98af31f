// The chat prompt on a fake terminal: multi-line entries, bracketed paste, Ctrl-C, questions,
// and the history file.
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { LineReader } from '../../src/chat/line-reader.ts';
import type { IO } from '../../src/io/io.ts';
import { tempDir } from '../helpers/temp.ts';

const open: LineReader[] = [];
afterEach(() => {
  for (const reader of open.splice(0)) reader.close();
});

function terminal(historyFile?: string) {
  const stdin = Object.assign(new PassThrough(), { isTTY: true, setRawMode: () => stdin });
  const stderr = Object.assign(new PassThrough(), { isTTY: true, columns: 80 });
  let screen = '';
  stderr.on('data', (chunk: Buffer) => (screen += chunk.toString()));
  const io = { stdin, stderr, stderrIsTTY: true, err: (text: string) => stderr.write(text) } as unknown as IO;
  const reader = new LineReader({ io, prompt: '> ', continuation: '… ', historyFile, exitHint: '(exit hint)' });
  open.push(reader);
  return { reader, type: (text: string) => stdin.write(text), screen: () => screen };
}

describe('LineReader', () => {
  it('sends a line on Enter, and joins lines ending in a backslash', async () => {
    const { reader, type } = terminal();
    const first = reader.read();
    type('hello\r');
    expect(await first).toBe('hello');
    const second = reader.read();
    type('one \\\rtwo\\\rthree\r');
    expect(await second).toBe('one \ntwo\nthree');
  });

  it('takes a """ block as one entry, blank lines included', async () => {
    const { reader, type } = terminal();
    const entry = reader.read();
    type('"""\rfirst\r\rsecond\r"""\r');
    expect(await entry).toBe('first\n\nsecond');
    const inline = reader.read();
    type('"""just this"""\r');
    expect(await inline).toBe('just this');
  });

  it('keeps the newlines of a bracketed paste; Enter sends it with what was typed after', async () => {
    const { reader, type } = terminal();
    const entry = reader.read();
    type('\u001b[200~line a\rline b\r\u001b[201~');
    type('typed\r');
    expect(await entry).toBe('line a\nline b\ntyped');
  });

  it('Ctrl-C clears the line, or at an empty prompt shows how to exit; Ctrl-D ends', async () => {
    const { reader, type, screen } = terminal();
    const entry = reader.read();
    type('half\u0003');
    type('\u0003');
    expect(screen()).toContain('^C');
    expect(screen()).toContain('(exit hint)');
    type('whole\r');
    expect(await entry).toBe('whole');
    const end = reader.read();
    type('\u0004');
    expect(await end).toBeNull();
  });

  it('asks questions outside the history; Ctrl-C answers null', async () => {
    const dir = tempDir('aoai-history-');
    const file = join(dir, 'chat', 'default.history');
    const { reader, type } = terminal(file);
    const entry = reader.read();
    type('kept\r');
    await entry;
    const answer = reader.ask('allow? ');
    type('y\r');
    expect(await answer).toBe('y');
    const cancelled = reader.ask('output? ');
    type('\u0003');
    expect(await cancelled).toBeNull();
    reader.close();
    expect(readFileSync(file, 'utf8')).toBe('kept\n');
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('loads the history newest first, so Up recalls the last entry', async () => {
    const dir = tempDir('aoai-history-');
    const file = join(dir, 'h');
    writeFileSync(file, 'older\nnewest\n');
    const { reader, type } = terminal(file);
    const entry = reader.read();
    type('\u001b[A\r');
    expect(await entry).toBe('newest');
  });
});
