// A reasoning item, with summary parts when the request asked for them. Each reasoning item spends
// a fixed 64 hidden reasoning tokens, plus the summary's, so usage shows reasoning_tokens.
import type { ResponseReasoningItem } from 'openai/resources/responses/responses';
import { newId } from '../ids.ts';
import { summaryParts, tokenize } from '../model.ts';
import type { OutputProducer } from '../run.ts';

const HIDDEN_REASONING_TOKENS = 64;

/** Opaque to clients, but the emulator can read it back when a stateless turn carries it. */
export function encryptReasoning(summary: string[]): string {
  return `gAAAAAB${Buffer.from(JSON.stringify({ emulator: 1, summary })).toString('base64url')}`;
}

export function decryptReasoning(encrypted: string): string[] | undefined {
  if (!encrypted.startsWith('gAAAAAB')) return undefined;
  try {
    const value = JSON.parse(Buffer.from(encrypted.slice(7), 'base64url').toString('utf8')) as { emulator?: number; summary?: unknown };
    return value.emulator === 1 && Array.isArray(value.summary) ? (value.summary as string[]) : undefined;
  } catch {
    return undefined;
  }
}

export function reasoningOutput(options: { summary: string | null | undefined; encrypted: boolean }): OutputProducer {
  return function* (run) {
    const outputIndex = run.response.output.length;
    const id = newId('rs');
    const texts = options.summary ? summaryParts(run.input.userText, options.summary) : [];
    const encrypted = options.encrypted ? { encrypted_content: encryptReasoning(texts) } : {};
    // Current Azure deployments send `content: []` on reasoning items (the gpt-5.5 recording).
    const live: ResponseReasoningItem = { id, type: 'reasoning', content: [], ...encrypted, summary: [] };
    run.response.output.push(live);
    run.reasoningTokens += HIDDEN_REASONING_TOKENS;
    yield { type: 'response.output_item.added', output_index: outputIndex, item: { ...live, summary: [] } };
    for (const [summaryIndex, text] of texts.entries()) {
      const part = { type: 'summary_text' as const, text: '' };
      live.summary.push(part);
      yield { type: 'response.reasoning_summary_part.added', item_id: id, output_index: outputIndex, summary_index: summaryIndex, part: { type: 'summary_text', text: '' } };
      for (const token of tokenize(text)) {
        part.text += token;
        run.reasoningTokens++;
        yield {
          type: 'response.reasoning_summary_text.delta',
          item_id: id,
          output_index: outputIndex,
          summary_index: summaryIndex,
          delta: token,
          ...run.obfuscation(token),
        };
      }
      yield { type: 'response.reasoning_summary_text.done', item_id: id, output_index: outputIndex, summary_index: summaryIndex, text };
      yield { type: 'response.reasoning_summary_part.done', item_id: id, output_index: outputIndex, summary_index: summaryIndex, part: { type: 'summary_text', text } };
    }
    yield { type: 'response.output_item.done', output_index: outputIndex, item: { ...live, summary: live.summary.map((p) => ({ ...p })) } };
    return 'done';
  };
}
