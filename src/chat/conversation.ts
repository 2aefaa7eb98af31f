// What a chat remembers between turns, and the request body for the next turn. Pure: no IO.
// Stored responses chain with previous_response_id; with --no-store the conversation's items
// travel with every request instead, reasoning included as encrypted content (the service cannot
// look it up), so the model keeps its train of thought.
import type { Response as ApiResponse, ResponseInputItem } from 'openai/resources/responses/responses';
import { buildCreateBody, userMessage, type CreateBody, type RequestFlags } from '../request/create-params.ts';
import { outputText } from '../render/response.ts';

export const ENCRYPTED_REASONING = 'reasoning.encrypted_content';

export interface TranscriptEntry {
  role: 'user' | 'assistant';
  text: string;
  model?: string;
  responseId?: string;
}

export interface ConversationSetup {
  /** The request flags as given on the command line (model already resolved). */
  flags: RequestFlags & { model: string };
  /** --input-items: sent before the first prompt of each conversation. */
  initialItems: ResponseInputItem[];
  /** --body: merged under every request. */
  body: Record<string, unknown> | undefined;
}

export class Conversation {
  /** The settings slash commands change (/model, /instructions, /effort, /summary). */
  readonly flags: RequestFlags & { model: string };
  /** The last response of the conversation; the next turn continues from it when stored. */
  previousId: string | undefined;
  /** Every input and output item so far (--no-store mode). */
  private items: ResponseInputItem[] = [];
  readonly transcript: TranscriptEntry[] = [];
  turns = 0;

  constructor(private readonly setup: ConversationSetup) {
    this.flags = { ...setup.flags };
    this.previousId = setup.flags.previous;
  }

  get stored(): boolean {
    return this.flags.store !== false;
  }

  /** The request for a turn: the user's text plus any extra content parts (attachments). */
  bodyFor(text: string, parts: ResponseInputItem[] = []): CreateBody {
    const first = this.previousId === undefined && this.items.length === 0;
    const items = [...(first ? this.setup.initialItems : []), ...(this.stored ? [] : this.items), ...parts];
    const include = this.stored ? this.flags.include : [...new Set([...(this.flags.include ?? []), ENCRYPTED_REASONING])];
    return buildCreateBody({
      flags: { ...this.flags, previous: this.stored ? this.previousId : undefined, include },
      items,
      text,
      body: this.setup.body,
    });
  }

  /**
   * A turn ended with this response (completed, or incomplete with usable output): the next
   * turn continues from it.
   */
  record(body: CreateBody, userText: string, response: ApiResponse): void {
    this.turns++;
    this.previousId = response.id;
    if (!this.stored) {
      const input = typeof body.input === 'string' ? [userMessage(body.input)] : ((body.input ?? []) as ResponseInputItem[]);
      // The request's input already holds the earlier items; keep it whole, then add the output.
      this.items = [...input, ...response.output.map(asInputItem)];
    }
    this.transcript.push({ role: 'user', text: userText });
    this.transcript.push({ role: 'assistant', text: outputText(response), model: response.model, responseId: response.id });
  }

  /** /new: forget the conversation, keep the settings. */
  reset(): void {
    this.previousId = undefined;
    this.items = [];
    this.turns = 0;
  }
}

/** Output items go back as input unchanged, except fields the service rejects on input. */
function asInputItem(item: ApiResponse['output'][number]): ResponseInputItem {
  const copy = { ...item } as Record<string, unknown>;
  if (copy.type === 'reasoning' && copy.status == null) delete copy.status;
  return copy as unknown as ResponseInputItem;
}
