// A finished (or unfinished) Response → what text mode prints. Pure functions of the object.
import type { Response as ApiResponse } from 'openai/resources/responses/responses';
import { NotCompletedError } from '../core/errors.ts';
import type { Style } from './style.ts';
import { neutralise } from './terminal-text.ts';

export type ResponseLike = Pick<ApiResponse, 'id' | 'status' | 'output'> &
  Partial<Pick<ApiResponse, 'error' | 'incomplete_details' | 'usage' | 'background'>>;

export const TERMINAL_STATUSES = ['completed', 'failed', 'cancelled', 'incomplete'] as const;

export function isTerminal(status: string | undefined): boolean {
  return (TERMINAL_STATUSES as readonly string[]).includes(status ?? '');
}

/** The assistant's text: every output_text part of every message, in order. */
export function outputText(response: Pick<ApiResponse, 'output'>): string {
  let text = '';
  for (const item of response.output ?? []) {
    if (item.type !== 'message') continue;
    for (const part of item.content ?? []) {
      if (part.type === 'output_text') text += part.text;
    }
  }
  return text;
}

export function refusals(response: Pick<ApiResponse, 'output'>): string[] {
  const found: string[] = [];
  for (const item of response.output ?? []) {
    if (item.type !== 'message') continue;
    for (const part of item.content ?? []) if (part.type === 'refusal') found.push(part.refusal);
  }
  return found;
}

/** Text plus a final newline, unless it is empty or already ends in one. */
export function withTrailingNewline(text: string): string {
  return text === '' || text.endsWith('\n') ? text : `${text}\n`;
}

/**
 * The error for a response that did not complete, with its reason; undefined when it completed
 * (or is still running, which is not an error for `get`).
 */
export function notCompletedError(response: ResponseLike): NotCompletedError | undefined {
  switch (response.status) {
    case 'failed': {
      const error = response.error;
      const reason = error ? `${error.code ? `${error.code}: ` : ''}${error.message}` : 'no reason given';
      return new NotCompletedError(`response ${response.id} failed: ${reason}`);
    }
    case 'incomplete': {
      const reason = response.incomplete_details?.reason ?? 'no reason given';
      const hint = reason === 'max_output_tokens' ? 'raise --max-output-tokens' : reason === 'content_filter' ? 'the content filter stopped the output' : undefined;
      return new NotCompletedError(`response ${response.id} is incomplete: ${reason}`, hint);
    }
    case 'cancelled':
      return new NotCompletedError(`response ${response.id} was cancelled`);
    default:
      return undefined;
  }
}

/** `✓ completed · resp_… · input 12 · output 40 (reasoning 16) tokens`: the last stderr line of stream and create. */
export function usageLine(status: string | undefined, id: string | undefined, usage: ApiResponse['usage'] | null | undefined, style: Style): string {
  const state = status ?? 'unknown';
  const mark = state === 'completed' ? style.green('✓') : style.red('✗');
  return `${mark} ${neutralise(`${state} · ${id ?? 'no id'} · ${formatUsage(usage)}`)}\n`;
}

/** The label a reasoning summary is shown under, on stderr. */
export function reasoningSummaryLabel(style: Style): string {
  return `${style.dim(style.italic('reasoning summary'))}\n`;
}

/** A whole reasoning summary part as stream shows it: the label, the text dimmed, a blank line. */
export function reasoningSummaryBlock(text: string, style: Style): string {
  return `${reasoningSummaryLabel(style)}${style.dim(text)}${text.endsWith('\n') ? '\n' : '\n\n'}`;
}

/** The text of every reasoning summary part in the output, in order. */
export function reasoningSummaries(response: Pick<ApiResponse, 'output'>): string[] {
  const texts: string[] = [];
  for (const item of response.output ?? []) {
    if (item.type !== 'reasoning') continue;
    for (const part of item.summary ?? []) if (part.text) texts.push(part.text);
  }
  return texts;
}

/** `input 12 · output 40 (reasoning 16) tokens` */
export function formatUsage(usage: ApiResponse['usage'] | null | undefined): string {
  if (!usage) return 'no usage reported';
  const reasoning = usage.output_tokens_details?.reasoning_tokens;
  return `input ${usage.input_tokens} · output ${usage.output_tokens}${reasoning ? ` (reasoning ${reasoning})` : ''} tokens`;
}
