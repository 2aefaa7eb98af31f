// aoai chat: an interactive conversation in the terminal (src/chat/ holds the session).
import type { Command } from 'commander';
import type { CommandContext } from '../cli/program.ts';
import { addModelOptions, addStreamOptions, requestFlagsFrom, type ModelOptionValues, type StreamOptionValues } from '../cli/request-options.ts';
import type { Factory } from '../core/factory.ts';
import type { ChatOptions } from '../chat/run-chat.ts';

type ChatValues = ModelOptionValues & StreamOptionValues & { resume?: boolean };

export function registerChat(program: Command, ctx: CommandContext): void {
  const command = program.command('chat').description('talk with a model in the terminal: streamed replies, history, slash commands');
  addStreamOptions(addModelOptions(command))
    .option('--resume', "continue this profile's last conversation")
    .addHelpText(
      'after',
      `
Type a message and press Enter. End a line with \\ to continue it, or wrap several lines in """;
pasted text keeps its newlines. Ctrl-C cancels a reply in progress, Ctrl-D or /exit ends the chat.
Commands: /help /new /model NAME /instructions TEXT /effort LEVEL /summary MODE /save FILE /id /exit
Turns chain with previous_response_id; with --no-store the conversation is sent again each turn.
Examples:
  aoai chat -m gpt-4.1
  aoai chat -m o4-mini --reasoning-summary auto
  aoai chat --resume`,
    )
    .action(async (values: ChatValues, cmd: Command) => {
      await runChatCommand(toChatOptions(values), ctx.factory(cmd));
    });
}

export function toChatOptions(values: ChatValues): ChatOptions {
  return {
    request: requestFlagsFrom(values),
    inputItems: values.inputItems,
    body: values.body,
    display: { reasoning: values.reasoning, usage: values.usage, cancelOnInterrupt: values.cancelOnInterrupt, maxResumes: values.maxResumes },
    resume: Boolean(values.resume),
  };
}

async function runChatCommand(options: ChatOptions, f: Factory): Promise<void> {
  // The session (readline, markdown, the turn loop) loads only when chat runs.
  const { runChat } = await import('../chat/run-chat.ts');
  await runChat(options, f);
}
