// What a chat remembers between turns, and the request body for the next turn. Pure: no IO.
// Stored responses chain with previous_response_id; with --no-store the conversation's items
// travel with every request instead, reasoning included as encrypted content (the service cannot
// look it up), so the model keeps its train of thought.
import type { Response as ApiResponse, ResponseInputContent, ResponseInputItem } from 'openai/resources/responses/responses';
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
  /** Request fields from the tool flags (tools, tool_choice, include…). */
  fields?: Record<string, unknown> | undefined;
}

export interface TurnInput {
  /** Items after the conversation's, before the text: tool answers. */
  items?: ResponseInputItem[];
  /** /attach parts, added to the user message. */
  attachments?: ResponseInputContent[];
}

interface Snapshot {
  previousId: string | undefined;
  items: ResponseInputItem[];
  turns: number;
  transcript: number;
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

  /** The request for a turn: the user's text (none when answering tools), tool answers, attachments. */
  bodyFor(text: string | undefined, input: TurnInput = {}): CreateBody {
    const first = this.previousId === undefined && this.items.length === 0;
    const items = [...(first ? this.setup.initialItems : []), ...(this.stored ? [] : this.items), ...(input.items ?? [])];
    const fields = { ...this.setup.fields };
    const include = [...(this.flags.include ?? []), ...((fields.include as string[] | undefined) ?? []), ...(this.stored ? [] : [ENCRYPTED_REASONING])];
    delete fields.include;
    return buildCreateBody({
      flags: { ...this.flags, previous: this.stored ? this.previousId : undefined, include: include.length ? [...new Set(include)] : undefined },
      items,
      text,
      body: this.setup.body,
      attachments: input.attachments,
      fields,
    });
  }

  /**
   * A turn ended with this response (completed, or incomplete with usable output): the next
   * turn continues from it.
   */
  record(body: CreateBody, userText: string | undefined, response: ApiResponse): void {
    this.turns++;
    this.previousId = response.id;
    if (!this.stored) {
      const input = typeof body.input === 'string' ? [userMessage(body.input)] : ((body.input ?? []) as ResponseInputItem[]);
      // The request's input already holds the earlier items; keep it whole, then add the output.
      this.items = [...input, ...response.output.map(asInputItem)];
    }
    if (userText !== undefined) this.transcript.push({ role: 'user', text: userText });
    const text = outputText(response);
    if (text) this.transcript.push({ role: 'assistant', text, model: response.model, responseId: response.id });
  }

  /** /image: stored, the conversation continues from the image's response (to refine it). */
  recordImage(prompt: string, response: ApiResponse, paths: readonly string[]): void {
    if (this.stored) {
      this.turns++;
      this.previousId = response.id;
    }
    this.transcript.push({ role: 'user', text: `/image ${prompt}` });
    this.transcript.push({ role: 'assistant', text: paths.map((path) => `![image](${path})`).join('\n'), model: response.model, responseId: response.id });
  }

  /** Where the conversation stands, to go back to if a turn is abandoned half-way. */
  snapshot(): Snapshot {
    return { previousId: this.previousId, items: this.items, turns: this.turns, transcript: this.transcript.length };
  }

  restore(snapshot: Snapshot): void {
    this.previousId = snapshot.previousId;
    this.items = snapshot.items;
    this.turns = snapshot.turns;
    this.transcript.length = snapshot.transcript;
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
