// --conversation FILE.jsonl: multi-turn without stored responses. The file holds one input item
// per line; each run sends all of them before the new input, then appends the new input items and
// the response's output items (reasoning included, encrypted, as store:false requires).
import { existsSync } from 'node:fs';
import type { ResponseInputItem } from 'openai/resources/responses/responses';
import { assertWritable, writeFileAtomic } from '../core/atomic-write.ts';
import { UsageError } from '../core/errors.ts';
import { readLocalText } from '../core/local-input.ts';

/** The history so far; the file must be writable too, checked before the request is sent. */
export function readConversation(path: string): ResponseInputItem[] {
  assertWritable(path);
  if (!existsSync(path)) return [];
  const text = readLocalText(path, '--conversation');
  const items: ResponseInputItem[] = [];
  for (const [index, line] of text.split('\n').entries()) {
    if (line.trim() === '') continue;
    let item: unknown;
    try {
      item = JSON.parse(line);
    } catch {
      throw new UsageError(`--conversation: line ${index + 1} of ${path} is not valid JSON`, 'the file holds one JSON input item per line');
    }
    if (typeof item !== 'object' || item === null || Array.isArray(item) || (typeof (item as { type?: unknown }).type !== 'string' && typeof (item as { role?: unknown }).role !== 'string')) {
      throw new UsageError(`--conversation: line ${index + 1} of ${path} is not an input item`);
    }
    items.push(item as ResponseInputItem);
  }
  return items;
}

/** Output items as the next request's input: the fields the service returns but does not accept are dropped. */
export function asInputItems(output: readonly unknown[]): ResponseInputItem[] {
  return output.map((item) => {
    const copy = { ...(item as Record<string, unknown>) };
    if (copy.type === 'reasoning' && copy.status == null) delete copy.status;
    return copy as unknown as ResponseInputItem;
  });
}

/** Append items (one JSON per line), replacing the file whole so an interrupted run never half-writes it. */
export function appendConversation(path: string, items: readonly unknown[]): void {
  if (items.length === 0) return;
  let existing = existsSync(path) ? readLocalText(path, '--conversation') : '';
  if (existing !== '' && !existing.endsWith('\n')) existing += '\n';
  const lines = items.map((item) => `${JSON.stringify(item)}\n`).join('');
  writeFileAtomic(path, existing + lines, { mode: 0o600 });
}
