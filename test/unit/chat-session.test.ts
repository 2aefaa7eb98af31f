// The pure parts of a chat session: the request for each turn, what a turn leaves behind, slash
// commands, the transcript, and argv → options.
import { Command } from 'commander';
import type { Response as ApiResponse } from 'openai/resources/responses/responses';
import { describe, expect, it } from 'vitest';
import { coreCommands, handleInput, helpText, type SlashContext } from '../../src/chat/commands.ts';
import { Conversation } from '../../src/chat/conversation.ts';
import { chatFiles } from '../../src/chat/history.ts';
import { transcriptMarkdown } from '../../src/chat/transcript.ts';
import { registerChat, toChatOptions } from '../../src/commands/chat.ts';

function response(id: string, text: string, extra: ApiResponse['output'] = []): ApiResponse {
  return {
    id,
    model: 'gpt-4.1',
    status: 'completed',
    output: [...extra, { id: `msg_${id}`, type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text, annotations: [] }] }],
  } as unknown as ApiResponse;
}

function conversation(flags: Partial<ConstructorParameters<typeof Conversation>[0]['flags']> = {}, initialItems = []) {
  return new Conversation({ flags: { model: 'gpt-4.1', ...flags }, initialItems, body: undefined });
}

describe('Conversation', () => {
  it('stored turns chain with previous_response_id and resend the instructions', () => {
    const c = conversation({ instructions: 'Be brief' });
    const first = c.bodyFor('hi');
    expect(first).toEqual({ model: 'gpt-4.1', input: 'hi', instructions: 'Be brief' });
    c.record(first, 'hi', response('resp_1', 'Hello'));
    expect(c.bodyFor('again')).toEqual({ model: 'gpt-4.1', input: 'again', instructions: 'Be brief', previous_response_id: 'resp_1' });
    c.reset();
    expect(c.bodyFor('fresh')).not.toHaveProperty('previous_response_id');
  });

  it('--no-store carries every item, reasoning with its encrypted content, and asks for it', () => {
    const c = conversation({ store: false });
    const first = c.bodyFor('uno');
    expect(first).toEqual({ model: 'gpt-4.1', input: 'uno', store: false, include: ['reasoning.encrypted_content'] });
    const reasoning = { id: 'rs_1', type: 'reasoning', summary: [], encrypted_content: 'gAAAAABx', status: null };
    c.record(first, 'uno', response('resp_1', 'Echo: uno', [reasoning as unknown as ApiResponse['output'][number]]));
    const second = c.bodyFor('dos');
    expect(second).not.toHaveProperty('previous_response_id');
    expect(second.input).toEqual([
      { role: 'user', content: 'uno' },
      { id: 'rs_1', type: 'reasoning', summary: [], encrypted_content: 'gAAAAABx' },
      expect.objectContaining({ type: 'message', role: 'assistant', id: 'msg_resp_1' }),
      { role: 'user', content: 'dos' },
    ]);
    expect(c.previousId).toBe('resp_1');
  });

  it('--input-items go before the first prompt of each conversation only', () => {
    const items = [{ role: 'developer', content: 'context' }] as never;
    const c = conversation({}, items);
    const first = c.bodyFor('hi');
    expect(first.input).toEqual([{ role: 'developer', content: 'context' }, { role: 'user', content: 'hi' }]);
    c.record(first, 'hi', response('resp_1', 'ok'));
    expect(c.bodyFor('next').input).toBe('next');
    c.reset();
    expect(c.bodyFor('again').input).toEqual([{ role: 'developer', content: 'context' }, { role: 'user', content: 'again' }]);
  });
});

describe('slash commands', () => {
  function context(c = conversation()) {
    const notices: string[] = [];
    const data: string[] = [];
    const ctx: SlashContext = { conversation: c, notice: (t) => notices.push(t), data: (t) => data.push(t), save: (p) => `/abs/${p}`, columns: 80 };
    return { ctx, notices, data, c };
  }
  const commands = coreCommands();

  it('plain text and //escaped text are messages', async () => {
    const { ctx } = context();
    expect(await handleInput('hello', commands, ctx)).toEqual({ kind: 'message', text: 'hello' });
    expect(await handleInput('//etc/hosts', commands, ctx)).toEqual({ kind: 'message', text: '/etc/hosts' });
  });

  it('change the settings of the next turn', async () => {
    const { ctx, c, notices } = context();
    await handleInput('/model o4-mini', commands, ctx);
    await handleInput('/instructions Talk like a pirate', commands, ctx);
    await handleInput('/effort high', commands, ctx);
    await handleInput('/summary concise', commands, ctx);
    expect(c.bodyFor('x')).toMatchObject({ model: 'o4-mini', instructions: 'Talk like a pirate', reasoning: { effort: 'high', summary: 'concise' } });
    await handleInput('/summary off', commands, ctx);
    await handleInput('/instructions', commands, ctx);
    expect(c.bodyFor('x')).toEqual({ model: 'o4-mini', input: 'x', reasoning: { effort: 'high' } });
    expect(notices).toContain('instructions cleared');
  });

  it('reject bad arguments and unknown commands with one line, changing nothing', async () => {
    const { ctx, c, notices } = context();
    await handleInput('/effort max', commands, ctx);
    await handleInput('/summary loud', commands, ctx);
    await handleInput('/model two words', commands, ctx);
    await handleInput('/frobnicate', commands, ctx);
    expect(c.bodyFor('x')).toEqual({ model: 'gpt-4.1', input: 'x' });
    expect(notices).toEqual([
      'usage: /effort none|minimal|low|medium|high|xhigh',
      'usage: /summary auto|concise|detailed|off',
      'usage: /model NAME (a deployment name has no spaces)',
      'unknown command /frobnicate; /help lists them (start with // to send a message that begins with /)',
    ]);
  });

  it('/id prints the current response id on stdout; /new forgets it; /exit ends', async () => {
    const { ctx, c, data, notices } = context();
    await handleInput('/id', commands, ctx);
    expect(notices).toEqual(['no response yet']);
    c.record(c.bodyFor('hi'), 'hi', response('resp_9', 'yo'));
    await handleInput('/id', commands, ctx);
    expect(data).toEqual(['resp_9\n']);
    await handleInput('/new', commands, ctx);
    expect(c.previousId).toBeUndefined();
    expect(await handleInput('/exit', commands, ctx)).toEqual({ kind: 'exit' });
  });

  it('/save needs a name and something to save', async () => {
    const { ctx, c, notices } = context();
    await handleInput('/save', commands, ctx);
    await handleInput('/save t.md', commands, ctx);
    c.record(c.bodyFor('hi'), 'hi', response('resp_1', 'yo'));
    await handleInput('/save t.md', commands, ctx);
    expect(notices).toEqual(['usage: /save FILE', 'nothing to save yet', 'saved /abs/t.md']);
  });

  it('/help lists every command and how to enter several lines', () => {
    const help = helpText(commands, 80);
    for (const command of commands) expect(help).toContain(command.usage);
    expect(help).toContain('"""');
  });
});

describe('transcript', () => {
  it('is Markdown with one section per message', () => {
    const c = conversation();
    c.record(c.bodyFor('hi'), '## hi\n\nthere', response('resp_1', '# Hello\n\n- there'));
    expect(transcriptMarkdown(c.transcript, new Date('2026-01-02T03:04:05.678Z'))).toBe(
      '# aoai chat, 2026-01-02T03:04:05Z\n\n## You\n\n> ## hi\n>\n> there\n\n## Assistant (gpt-4.1, resp_1)\n\n# Hello\n\n- there\n',
    );
  });
});

describe('chat files', () => {
  it('one safe file name per profile, under <state>/chat', () => {
    expect(chatFiles('/s', 'default')).toEqual({ history: '/s/chat/default.history', last: '/s/chat/default.last.json' });
    expect(chatFiles('/s', '../x y').history).toBe('/s/chat/%2E.%2Fx%20y.history');
  });
});

describe('argv → options', () => {
  function parse(argv: string[]) {
    let captured: ReturnType<typeof toChatOptions> | undefined;
    const program = new Command().exitOverride();
    registerChat(program, { io: {} as never, factory: () => ({}) as never });
    const chat = program.commands[0]!;
    chat.action((values) => {
      captured = toChatOptions(values);
    });
    program.parse(['chat', ...argv], { from: 'user' });
    return captured!;
  }

  it('takes the model flags create takes, and --resume', () => {
    expect(parse(['-m', 'o3', '--instructions', 'hi', '--no-store', '--reasoning-summary', 'auto', '--reasoning', 'hide', '--resume'])).toMatchObject({
      request: { model: 'o3', instructions: 'hi', store: false, reasoningSummary: 'auto' },
      display: { reasoning: 'hide' },
      resume: true,
    });
    expect(parse([])).toMatchObject({ request: {}, resume: false });
  });
});
