// One response being generated: its live snapshot (what GET shows mid-run), the sequence
// counter, and the token budget. Output producers (output/*.ts) push items into the snapshot and
// yield the events that describe each change, so the stream and the stored object never disagree.
import { mulberry32 } from './model.ts';
import type { CreateRequest } from './request.ts';
import type { ContentFilterResult, LifecycleEvent, PendingEvent, StoredItem, WireEvent, WireResponse, WireUsage } from './types.ts';

export interface RunInput {
  request: CreateRequest;
  response: WireResponse;
  inputItems: StoredItem[];
  /** Text of the last user message of this request. */
  userText: string;
  /** Earlier user messages across the previous_response_id chain, oldest first. */
  history: string[];
  /** Characters of instructions and input across the chain, for usage. */
  inputCharacters: number;
  /** Request headers (lower-case), for tools that read them (e.g. the image deployment). */
  headers: Record<string, string | undefined>;
  /** The previous_response_id response, for turns that answer its tool calls. */
  previous?: WireResponse | undefined;
}

const OBFUSCATION_ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

export class Run {
  readonly response: WireResponse;
  private sequence = 0;
  private outputTokens = 0;
  reasoningTokens = 0;
  private readonly random: () => number;
  private readonly obfuscate: boolean;

  constructor(readonly input: RunInput) {
    this.response = input.response;
    this.random = mulberry32(input.userText.length + 17);
    // Background responses' deltas carry no obfuscation (test_background_mode_streaming_… recording).
    this.obfuscate = input.request.stream_options?.include_obfuscation !== false && input.request.background !== true;
  }

  get lastSequence(): number {
    return this.sequence - 1;
  }

  /** Stamp the next sequence number (placed right after `type`, as the service orders it). */
  stamp(event: PendingEvent): WireEvent {
    const { type, ...rest } = event;
    return { type, sequence_number: this.sequence++, ...rest } as WireEvent;
  }

  lifecycle(type: LifecycleEvent['type'], snapshot: boolean): PendingEvent {
    // Early lifecycle events carry a copy: the live snapshot keeps changing after they are sent.
    return { type, response: snapshot ? structuredClone(this.response) : this.response } as PendingEvent;
  }

  /** Count one output token; false once max_output_tokens is used up. */
  spendToken(): boolean {
    const max = this.response.max_output_tokens;
    if (typeof max === 'number' && this.outputTokens + this.reasoningTokens >= max) return false;
    this.outputTokens++;
    return true;
  }

  /** The padding real deltas carry (off with stream_options.include_obfuscation=false). */
  obfuscation(delta: string): { obfuscation?: string } {
    if (!this.obfuscate) return {};
    const length = Math.max(2, 16 - (delta.length % 14));
    let text = '';
    for (let i = 0; i < length; i++) text += OBFUSCATION_ALPHABET[Math.floor(this.random() * OBFUSCATION_ALPHABET.length)];
    return { obfuscation: text };
  }

  usage(): WireUsage {
    const input = Math.max(1, Math.ceil(this.input.inputCharacters / 4));
    const output = this.outputTokens + this.reasoningTokens;
    return {
      input_tokens: input,
      input_tokens_details: { cached_tokens: 0 },
      output_tokens: output,
      output_tokens_details: { reasoning_tokens: this.reasoningTokens },
      total_tokens: input + output,
    };
  }

  contentFilters(): ContentFilterResult[] {
    const safe = { filtered: false, severity: 'safe' as const };
    const outputLength = this.response.output.reduce((sum, item) => sum + (item.type === 'message' ? item.content.reduce((n, part) => n + ('text' in part ? part.text.length : 0), 0) : 0), 0);
    return [
      {
        blocked: false,
        source_type: 'prompt',
        content_filter_raw: [],
        content_filter_results: { hate: safe, jailbreak: { filtered: false, detected: false }, self_harm: safe, sexual: safe, violence: safe },
        content_filter_offsets: { start_offset: 0, end_offset: this.input.inputCharacters, check_offset: 0 },
      },
      {
        blocked: false,
        source_type: 'completion',
        content_filter_raw: [],
        content_filter_results: {
          hate: safe,
          protected_material_code: { filtered: false, detected: false },
          protected_material_text: { filtered: false, detected: false },
          self_harm: safe,
          sexual: safe,
          violence: safe,
        },
        content_filter_offsets: { start_offset: 0, end_offset: outputLength, check_offset: 0 },
      },
    ];
  }
}

/** What an output producer reports when it stops. */
export type ProducerOutcome = 'done' | 'incomplete';

/** Produces one or more output items: mutates run.response.output and yields their events. */
export type OutputProducer = (run: Run) => Generator<PendingEvent, ProducerOutcome>;
