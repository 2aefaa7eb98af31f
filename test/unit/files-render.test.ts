// `files list` rows and `files get` details print a file's creation time the same way.
import { describe, expect, it } from 'vitest';
import type { FileObject } from 'openai/resources/files';
import { fileDetails, fileRow } from '../../src/render/files.ts';

const file = { id: 'file-abc', object: 'file', bytes: 10, created_at: 1_780_000_000, filename: 'a.pdf', purpose: 'assistants', status: 'processed' } as FileObject;

describe('file timestamps', () => {
  it('list and get format the same created_at identically (ISO 8601 UTC, to the second)', () => {
    const listed = fileRow(file, false).split('\t')[3];
    const shown = /created: +(\S+)/.exec(fileDetails(file))?.[1];
    expect(listed).toBe('2026-05-28T20:26:40Z');
    expect(shown).toBe(listed);
    expect(fileRow(file, true)).toContain(listed);
  });
});
