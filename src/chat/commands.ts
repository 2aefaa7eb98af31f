// Slash commands: each is a name, a usage line, and what it does to the session. Unknown ones get
// a one-line answer; `//text` sends `/text` as a message.
import { REASONING_EFFORTS, REASONING_SUMMARIES, type RequestFlags } from '../request/create-params.ts';
import { columnWidth, padToColumns, wrapToColumns } from '../render/columns.ts';
import type { Conversation } from './conversation.ts';

export interface SlashContext {
  conversation: Conversation;
  /** A notice for the person at the terminal (stderr). */
  notice(text: string): void;
  /** Data (stdout): /id prints the id so `aoai chat | tee` keeps it. */
  data(text: string): void;
  /** Write the transcript; returns the path written, or throws a message. */
  save(path: string): string;
  /** The terminal's width in columns (/help wraps to it). */
  columns: number;
}

export interface SlashCommand {
  name: string;
  usage: string;
  help: string;
  /** Returns 'exit' to end the session. */
  run(ctx: SlashContext, argument: string): Promise<'exit' | void> | 'exit' | void;
}

export type SlashOutcome = { kind: 'message'; text: string } | { kind: 'handled' } | { kind: 'exit' };

const EFFORTS = REASONING_EFFORTS as readonly string[];
const SUMMARIES = [...REASONING_SUMMARIES, 'off'] as readonly string[];

export function coreCommands(): SlashCommand[] {
  return [
    { name: 'help', usage: '/help', help: 'this list', run: () => undefined },
    {
      name: 'new',
      usage: '/new',
      help: 'start a new conversation (same settings)',
      run(ctx) {
        ctx.conversation.reset();
        ctx.notice('new conversation');
      },
    },
    {
      name: 'model',
      usage: '/model NAME',
      help: 'use another deployment from the next turn',
      run(ctx, name) {
        if (!name) return ctx.notice(`model: ${ctx.conversation.flags.model}`);
        if (/\s/.test(name)) return ctx.notice('usage: /model NAME (a deployment name has no spaces)');
        ctx.conversation.flags.model = name;
        ctx.notice(`model: ${name}`);
      },
    },
    {
      name: 'instructions',
      usage: '/instructions TEXT',
      help: 'set the instructions (empty clears them)',
      run(ctx, text) {
        ctx.conversation.flags.instructions = text || undefined;
        ctx.notice(text ? 'instructions set' : 'instructions cleared');
      },
    },
    {
      name: 'effort',
      usage: '/effort low|medium|high',
      help: 'reasoning effort for reasoning models',
      run(ctx, level) {
        if (!EFFORTS.includes(level)) return ctx.notice(`usage: /effort ${EFFORTS.join('|')}`);
        ctx.conversation.flags.reasoningEffort = level as RequestFlags['reasoningEffort'];
        ctx.notice(`reasoning effort: ${level}`);
      },
    },
    {
      name: 'summary',
      usage: '/summary auto|concise|detailed|off',
      help: 'reasoning summaries (shown on stderr)',
      run(ctx, mode) {
        if (!SUMMARIES.includes(mode)) return ctx.notice(`usage: /summary ${SUMMARIES.join('|')}`);
        ctx.conversation.flags.reasoningSummary = mode === 'off' ? undefined : (mode as RequestFlags['reasoningSummary']);
        ctx.notice(`reasoning summary: ${mode}`);
      },
    },
    {
      name: 'save',
      usage: '/save FILE',
      help: 'write the transcript as Markdown (never overwrites)',
      run(ctx, path) {
        if (!path) return ctx.notice('usage: /save FILE');
        if (ctx.conversation.transcript.length === 0) return ctx.notice('nothing to save yet');
        ctx.notice(`saved ${ctx.save(path)}`);
      },
    },
    {
      name: 'id',
      usage: '/id',
      help: 'print the id of the response the conversation continues from',
      run(ctx) {
        const id = ctx.conversation.previousId;
        if (!id) return ctx.notice('no response yet');
        ctx.data(`${id}\n`);
        if (!ctx.conversation.stored) ctx.notice('not stored (--no-store): aoai get and --previous cannot fetch it; the chat keeps the conversation itself');
      },
    },
    { name: 'exit', usage: '/exit', help: 'end the session (or Ctrl-D)', run: () => 'exit' },
  ];
}

export function helpText(commands: readonly SlashCommand[], columns: number): string {
  const width = Math.max(...commands.map((c) => columnWidth(c.usage)));
  // Descriptions wrap between words under their own column, not at the terminal's edge; on a
  // narrow terminal they go under their command instead.
  const lineWidth = columns - 1;
  const lines =
    lineWidth - (width + 4) >= 24
      ? commands.map((c) => `  ${padToColumns(c.usage, width)}  ${wrapToColumns(c.help, lineWidth, ' '.repeat(width + 4))}`)
      : commands.map((c) => `  ${c.usage}\n      ${wrapToColumns(c.help, lineWidth, '      ')}`);
  const input = 'Enter sends; end a line with \\ to continue it, or wrap several lines in """ … """; pasted text keeps its newlines (Enter sends it). Ctrl-C cancels a reply, Ctrl-D exits.';
  return ['commands:', ...lines, `input: ${wrapToColumns(input, lineWidth, '       ')}`, ''].join('\n');
}

/** A message, or a slash command run against the session. */
export async function handleInput(line: string, commands: readonly SlashCommand[], ctx: SlashContext): Promise<SlashOutcome> {
  if (line.startsWith('//')) return { kind: 'message', text: line.slice(1) };
  const match = /^\/(\S+)\s*([\s\S]*)$/.exec(line.trim());
  if (!line.startsWith('/') || !match) return { kind: 'message', text: line };
  const [, name, argument] = match;
  const command = commands.find((c) => c.name === name);
  if (!command) {
    ctx.notice(`unknown command /${name}; /help lists them (start with // to send a message that begins with /)`);
    return { kind: 'handled' };
  }
  if (command.name === 'help') {
    ctx.notice(helpText(commands, ctx.columns));
    return { kind: 'handled' };
  }
  return (await command.run(ctx, argument!.trim())) === 'exit' ? { kind: 'exit' } : { kind: 'handled' };
}
