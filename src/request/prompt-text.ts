// The user's words in a request: what generated images are named after and what the local log
// keeps as the prompt. Pure, and small enough to load with any command.
import type { ResponseInputItem } from 'openai/resources/responses/responses';

/** The user's words in a request's input, for naming its images (the last user message's text). */
export function promptOf(input: string | ResponseInputItem[] | null | undefined): string | undefined {
  if (typeof input === 'string') return input;
  for (const item of [...(input ?? [])].reverse()) {
    if (!('role' in item) || item.role !== 'user') continue;
    const content = item.content;
    if (typeof content === 'string') return content;
    const text = content.map((part) => (part.type === 'input_text' ? part.text : '')).join(' ').trim();
    if (text) return text;
  }
  return undefined;
}
