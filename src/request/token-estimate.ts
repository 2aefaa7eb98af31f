// How many tokens a request counts against a tokens-per-minute quota before it runs: its input
// (about four characters a token) plus the most it may write. Azure estimates the same way at
// admission; a real tokenizer would be exact for text but not for images or tools, and the
// service's x-ratelimit-remaining-tokens header corrects the drift anyway.

/** Output tokens assumed when a request sets no max_output_tokens. */
export const DEFAULT_OUTPUT_TOKEN_ESTIMATE = 256;

const CHARS_PER_TOKEN = 4;

/** Fields of a create request that the model reads as input. */
const INPUT_FIELDS = ['input', 'instructions', 'tools', 'text'] as const;

export function estimateRequestTokens(body: Record<string, unknown>): number {
  let chars = 0;
  for (const field of INPUT_FIELDS) {
    const value = body[field];
    if (value === undefined) continue;
    chars += typeof value === 'string' ? value.length : JSON.stringify(value).length;
  }
  const output = typeof body.max_output_tokens === 'number' && body.max_output_tokens > 0 ? body.max_output_tokens : DEFAULT_OUTPUT_TOKEN_ESTIMATE;
  return Math.ceil(chars / CHARS_PER_TOKEN) + output;
}
