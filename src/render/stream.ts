// Stream events in, terminal bytes out. Pure: a list of events and the options fully determine
// what is written to the two sinks, so it is tested against the recorded real streams.
import type { Response as ApiResponse, ResponseStreamEvent } from 'openai/resources/responses/responses';
import { reasoningSummaryLabel, usageLine } from './response.ts';
import { styleFor, type Style } from './style.ts';
import { NeutralisingStream, neutralise, terminalJson } from './terminal-text.ts';
import { toolItemBlock, truncate } from './tools.ts';

export interface StreamSink {
  out(text: string): void;
  err(text: string): void;
}

export interface StreamRenderOptions {
  /** --json: every event as one JSON line on stdout, nothing else there. */
  json: boolean;
  /** Show reasoning summaries on stderr (the default when they were asked for). */
  reasoning: 'show' | 'hide';
  /** stderr is a terminal: progress status lines are shown (they are noise in a log). */
  statusLines: boolean;
  /** Colour on stderr. */
  color: boolean;
  /** stdout and stderr share one terminal, so switching between them needs a line break. */
  sharedTerminal: boolean;
  /**
   * stdout is a terminal: the model's text is neutralised there (control characters shown, not
   * obeyed). On a pipe it is passed through byte for byte. stderr is for people, so remote text
   * written there is always neutralised.
   */
  stdoutIsTerminal?: boolean;
}

/** An event whose type the CLI may not know: newer services send newer events. */
export type AnyStreamEvent = ResponseStreamEvent | { type: string; sequence_number?: number; [key: string]: unknown };

export interface StreamState {
  responseId: string | undefined;
  status: string | undefined;
  background: boolean;
  /** The highest sequence_number handled; -1 before any. */
  lastSequence: number;
  eventCount: number;
  /** The Response from response.completed / failed / incomplete. */
  final: ApiResponse | undefined;
  /** A nested `error` event, if one arrived. */
  errorEvent: { code: string | null; message: string; type?: string } | undefined;
  /** Text was written to stdout. */
  wroteText: boolean;
}

const TERMINAL_EVENTS = new Set(['response.completed', 'response.failed', 'response.incomplete']);

export class StreamRenderer {
  readonly state: StreamState = {
    responseId: undefined,
    status: undefined,
    background: false,
    lastSequence: -1,
    eventCount: 0,
    final: undefined,
    errorEvent: undefined,
    wroteText: false,
  };
  private readonly style: Style;
  /** A high surrogate that ended a delta; its pair starts the next one. */
  private pendingSurrogate = '';
  private pendingSummarySurrogate = '';
  /** Undefined on a pipe, where the text is written exactly as it came. */
  private readonly textNeutraliser: NeutralisingStream | undefined;
  private readonly summaryNeutraliser = new NeutralisingStream();
  /** stdout's data so far ends with a newline (or is empty). */
  private stdoutEndsLine = true;
  private stderrEndsLine = true;
  /** On a shared terminal: the cursor is at the start of a line, whichever stream wrote last. */
  private cursorAtLineStart = true;
  private currentTextPart: string | undefined;
  private inSummary = false;
  private refusal = '';

  constructor(
    private readonly sink: StreamSink,
    private readonly options: StreamRenderOptions,
  ) {
    this.style = styleFor(options.color);
    this.textNeutraliser = options.stdoutIsTerminal ? new NeutralisingStream() : undefined;
  }

  /** True once a terminal event (completed, failed, incomplete) has been handled. */
  get terminal(): boolean {
    return this.state.final !== undefined;
  }

  /**
   * Handle one event. Events at or below the last handled sequence number are skipped, so a
   * resumed stream that replays some events prints nothing twice.
   */
  handle(event: AnyStreamEvent): void {
    const sequence = typeof event.sequence_number === 'number' ? event.sequence_number : undefined;
    if (sequence !== undefined) {
      if (sequence <= this.state.lastSequence) return;
      this.state.lastSequence = sequence;
    }
    this.state.eventCount++;
    if (this.options.json) {
      const line = JSON.stringify(event);
      this.sink.out(`${this.options.stdoutIsTerminal ? terminalJson(line) : line}\n`);
      this.track(event);
      return;
    }
    this.track(event);
    this.render(event);
  }

  /** Record what the runner needs whatever the output mode. */
  private track(event: AnyStreamEvent): void {
    const e = event as Record<string, unknown>;
    if (e.type === 'error') {
      const nested = (e.error ?? e) as { code?: string | null; message?: string; type?: string };
      this.state.errorEvent = { code: nested.code ?? null, message: nested.message ?? 'stream error', type: nested.type };
      return;
    }
    const response = e.response as ApiResponse | undefined;
    if (response && typeof response === 'object' && typeof response.id === 'string') {
      this.state.responseId = response.id;
      this.state.status = response.status;
      this.state.background = Boolean(response.background);
      if (TERMINAL_EVENTS.has(String(e.type))) this.state.final = response;
    }
  }

  private render(event: AnyStreamEvent): void {
    const e = event as Record<string, unknown>;
    switch (e.type) {
      case 'response.output_text.delta': {
        const part = `${String(e.item_id)}:${String(e.content_index)}`;
        if (this.currentTextPart !== undefined && this.currentTextPart !== part && !this.stdoutEndsLine) this.writeOut('\n');
        this.currentTextPart = part;
        this.writeText(String(e.delta ?? ''));
        return;
      }
      case 'response.refusal.delta':
        this.refusal += String(e.delta ?? '');
        return;
      case 'response.refusal.done':
        this.writeErr(`${this.style.yellow('refusal:')} ${neutralise(String(e.refusal ?? this.refusal))}\n`);
        this.refusal = '';
        return;
      case 'response.reasoning_summary_part.added':
        if (this.options.reasoning === 'hide') return;
        this.inSummary = true;
        this.writeErr(reasoningSummaryLabel(this.style));
        return;
      case 'response.reasoning_summary_text.delta': {
        if (this.options.reasoning === 'hide') return;
        const joined = joinSurrogates(this.pendingSummarySurrogate, String(e.delta ?? ''));
        this.pendingSummarySurrogate = joined.pending;
        const text = this.summaryNeutraliser.push(joined.text);
        if (text) this.writeErr(this.style.dim(text));
        return;
      }
      case 'response.reasoning_summary_part.done': {
        if (this.options.reasoning === 'hide' || !this.inSummary) return;
        this.inSummary = false;
        const rest = this.summaryNeutraliser.end();
        if (rest) this.writeErr(this.style.dim(rest));
        this.writeErr(this.stderrEndsLine ? '\n' : '\n\n');
        return;
      }
      case 'response.output_item.done': {
        // MCP and code-interpreter activity is content, not progress: shown whole, even in a log.
        const block = toolItemBlock((e.item ?? {}) as Record<string, unknown>, this.style);
        if (block) this.writeErr(block);
        else this.renderStatus(e);
        return;
      }
      default:
        this.renderStatus(e);
    }
  }

  /** Short progress lines for tools, only on a terminal. */
  private renderStatus(e: Record<string, unknown>): void {
    if (!this.options.statusLines) return;
    const item = e.item as Record<string, unknown> | undefined;
    let line: string | undefined;
    switch (e.type) {
      case 'response.output_item.added':
        if (item?.type === 'function_call') line = `calling ${String(item.name)}…`;
        else if (item?.type === 'mcp_call') line = `mcp ${String(item.server_label)}: calling ${String(item.name)}…`;
        else if (item?.type === 'mcp_list_tools') line = `mcp ${String(item.server_label)}: listing tools…`;
        else if (item?.type === 'web_search_call') line = 'searching the web…';
        else if (item?.type === 'file_search_call') line = 'searching files…';
        break;
      case 'response.output_item.done':
        if (item?.type === 'function_call') line = `function call ${String(item.name)}(${truncate(String(item.arguments ?? ''), 120)})`;
        else if (item?.type === 'mcp_approval_request') line = `mcp ${String(item.server_label)}: approval needed for ${String(item.name)}`;
        // Azure sends no response.image_generation_call.completed; the finished item comes on both services.
        else if (item?.type === 'image_generation_call') line = 'image: done';
        break;
      case 'response.code_interpreter_call.in_progress':
        line = 'code interpreter: writing code…';
        break;
      case 'response.code_interpreter_call.interpreting':
        line = 'code interpreter: running…';
        break;
      case 'response.code_interpreter_call.completed':
        line = 'code interpreter: done';
        break;
      case 'response.image_generation_call.in_progress':
        line = 'image: queued…';
        break;
      case 'response.image_generation_call.generating':
        line = 'image: generating…';
        break;
      case 'response.image_generation_call.partial_image':
        line = `image: partial image ${Number(e.partial_image_index) + 1}`;
        break;
      case 'response.mcp_call.failed':
        line = 'mcp: call failed';
        break;
      default:
        return;
    }
    // The line names remote things (function names, MCP labels, arguments): shown, not obeyed.
    if (line) this.writeErr(`${this.style.dim(`· ${neutralise(line)}`)}\n`);
  }

  /** Flush a held surrogate and end the text with a newline, as `create` does. */
  finish(): void {
    if (this.pendingSurrogate) {
      this.writeOut(this.textNeutraliser ? this.textNeutraliser.push(this.pendingSurrogate) : this.pendingSurrogate);
      this.pendingSurrogate = '';
    }
    if (this.textNeutraliser) this.writeOut(this.textNeutraliser.end());
    if (!this.options.json && this.state.wroteText && !this.stdoutEndsLine) this.writeOut('\n');
  }

  /** `✓ completed · resp_… · input 12 · output 40 (reasoning 16) tokens` */
  summaryLine(): string {
    const response = this.state.final;
    return usageLine(response?.status ?? this.state.status, this.state.responseId, response?.usage, this.style);
  }

  private writeText(delta: string): void {
    const joined = joinSurrogates(this.pendingSurrogate, delta);
    this.pendingSurrogate = joined.pending;
    const text = this.textNeutraliser ? this.textNeutraliser.push(joined.text) : joined.text;
    if (text) {
      this.writeOut(text);
      this.state.wroteText = true;
    }
  }

  private writeOut(text: string): void {
    if (!text) return;
    this.sink.out(text);
    this.stdoutEndsLine = text.endsWith('\n');
    this.cursorAtLineStart = this.stdoutEndsLine;
  }

  /** Write to stderr, first ending stdout's line when both share a terminal. */
  writeErr(text: string): void {
    if (!text) return;
    if (this.options.sharedTerminal && !this.cursorAtLineStart && this.stderrEndsLine) this.sink.err('\n');
    this.sink.err(text);
    this.stderrEndsLine = text.endsWith('\n');
    this.cursorAtLineStart = this.stderrEndsLine;
  }
}

/**
 * A character outside the BMP may arrive split across two deltas (a high surrogate ending one, its
 * low surrogate starting the next): hold the first half until its pair comes.
 */
export function joinSurrogates(pending: string, delta: string): { text: string; pending: string } {
  const text = pending + delta;
  const last = text.charCodeAt(text.length - 1);
  if (last >= 0xd800 && last <= 0xdbff) return { text: text.slice(0, -1), pending: text.slice(-1) };
  return { text, pending: '' };
}

