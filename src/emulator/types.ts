// Wire shapes the emulator sends, typed with the openai SDK's own types so that drift in the
// SDK fails `tsc`. Where the live service differs from the SDK's types (Azure's extra
// `content_filters`, `user: null`, the nested `error` event, `obfuscation` on deltas), the
// difference is spelled out here rather than hidden behind `any`.
import type {
  Response,
  ResponseStreamEvent,
  ResponseUsage,
} from 'openai/resources/responses/responses';

export interface ContentFilterResult {
  blocked: boolean;
  source_type: 'prompt' | 'completion';
  content_filter_raw: unknown[];
  content_filter_results: Record<string, { filtered: boolean; severity?: 'safe'; detected?: boolean }>;
  content_filter_offsets: { start_offset: number; end_offset: number; check_offset: number };
}

/** Usage as the service sends it (the SDK's type also lists `cache_write_tokens`, which the wire lacks). */
export type WireUsage = Omit<ResponseUsage, 'input_tokens_details'> & { input_tokens_details: { cached_tokens: number } };

/** The Response object as Azure sends it (no `output_text`: that is an SDK convenience). */
export type WireResponse = Omit<Response, 'output_text' | 'access_programs' | 'user' | 'usage'> & {
  status: NonNullable<Response['status']>;
  user: string | null;
  store: boolean;
  usage: WireUsage | null;
  content_filters: ContentFilterResult[] | null;
  /** Echoed by current Azure deployments (the gpt-5.5 recording), not in the SDK's type. */
  frequency_penalty: number;
  presence_penalty: number;
  moderation: string | null;
};

type LifecycleType = 'response.created' | 'response.queued' | 'response.in_progress' | 'response.completed' | 'response.incomplete' | 'response.failed';

export interface LifecycleEvent {
  type: LifecycleType;
  sequence_number: number;
  response: WireResponse;
}

/** The live service nests the error (the spec shows it flat; openai-node accepts both). */
export interface WireErrorEvent {
  type: 'error';
  sequence_number: number;
  error: { type: string; code: string | null; message: string; param: string | null };
}

export type WireEvent =
  | (Exclude<ResponseStreamEvent, { type: LifecycleType | 'error' }> & { obfuscation?: string })
  | LifecycleEvent
  | WireErrorEvent;

/** An event before the run stamps its sequence number. */
export type Unsequenced<E> = E extends unknown ? Omit<E, 'sequence_number'> : never;
export type PendingEvent = Unsequenced<WireEvent>;

/** A stored input item (ItemResource shape: every item has an id). */
export type StoredItem = { id: string; type: string } & Record<string, unknown>;
