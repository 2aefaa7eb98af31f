// aoai chat: an interactive conversation in the terminal (src/chat/ holds the session).
import { Command } from 'commander';
import type { CommandContext } from '../cli/context.ts';
import { addModelOptions, addNoLogOption, addStreamOptions, requestFlagsFrom, type ModelOptionValues, type StreamOptionValues } from '../cli/request-options.ts';
import { addToolOptions, type ToolOptionValues } from '../cli/tool-options.ts';
import type { Factory } from '../core/factory.ts';
import type { ChatOptions } from '../chat/run-chat.ts';
import { UsageError } from '../core/errors.ts';
import { continueRef, type ContinueRef } from '../log/continue-ref.ts';

type ChatValues = ModelOptionValues & StreamOptionValues & ToolOptionValues & { resume?: boolean; continue?: true | string; imageDeployment?: string };

/**
 * The tool flags that make sense in a conversation. Attachments (/attach), tool outputs (answered
 * in the chat), --schema and --conversation (chat keeps the conversation) are left out.
 */
const CHAT_TOOL_FLAGS = new Set([
  '--function',
  '--tools',
  '--tool-choice',
  '--parallel-tool-calls',
  '--no-parallel-tool-calls',
  '--exec',
  '--max-tool-rounds',
  '--mcp',
  '--mcp-approval',
  '--mcp-allowed-tools',
  '--mcp-header',
  '--code-interpreter',
  '--container-file',
]);

/** Declared once in cli/tool-options.ts; chat takes the ones above. */
function addChatToolOptions(command: Command): Command {
  for (const option of addToolOptions(new Command()).options) if (option.long && CHAT_TOOL_FLAGS.has(option.long)) command.addOption(option);
  return command;
}

export function registerChat(program: Command, ctx: CommandContext): void {
  const command = program.command('chat').description('talk with a model in the terminal: streamed replies, history, slash commands');
  addNoLogOption(addChatToolOptions(addStreamOptions(addModelOptions(command))))
    .option('--image-deployment <name>', 'image model deployment for /image (default: $AZURE_OPENAI_IMAGE_DEPLOYMENT or profile image-deployment)')
    .option('--resume', "continue this profile's last conversation")
    .option('-c, --continue [id]', "continue this profile's latest response in the local log (aoai log): from create, stream or chat; or the Nth latest (-c 2), or an id")
    .addHelpText(
      'after',
      `
Type a message and press Enter. End a line with \\ to continue it, or wrap several lines in """;
pasted text keeps its newlines. Ctrl-C cancels a reply in progress, Ctrl-D or /exit ends the chat.
Commands: /help /new /model NAME /instructions TEXT /effort LEVEL /summary MODE /attach PATH
/image PROMPT /save FILE /id /exit. MCP approvals are asked in the chat; function calls run
through --exec NAME=COMMAND, or you type their output.
Turns chain with previous_response_id; with --no-store the conversation is sent again each turn.
Examples:
  aoai chat -m gpt-4.1
  aoai chat -m o4-mini --reasoning-summary auto
  aoai chat --resume
  aoai chat -c                    # continue the latest response of aoai create/stream/chat`,
    )
    .action(async (values: ChatValues, cmd: Command) => {
      await runChatCommand(toChatOptions(values), ctx.factory(cmd));
    });
}

export function toChatOptions(values: ChatValues): ChatOptions {
  let continued: ContinueRef | undefined;
  if (values.continue !== undefined) {
    if (values.resume) throw new UsageError('--continue and --resume both choose where to continue; give one');
    if (values.previous !== undefined) throw new UsageError('--continue and --previous both choose the response to continue; give one');
    continued = continueRef(values.continue);
    if (!continued) throw new UsageError(`--continue ${values.continue}: expected a number (1: the latest response) or a response id (resp_…)`);
  }
  return {
    continueFrom: continued,
    request: requestFlagsFrom(values),
    inputItems: values.inputItems,
    body: values.body,
    display: { reasoning: values.reasoning, usage: values.usage, cancelOnInterrupt: values.cancelOnInterrupt, maxResumes: values.maxResumes },
    resume: Boolean(values.resume),
    imageDeployment: values.imageDeployment,
  };
}

async function runChatCommand(options: ChatOptions, f: Factory): Promise<void> {
  // The session (readline, markdown, the turn loop) loads only when chat runs.
  const { runChat } = await import('../chat/run-chat.ts');
  await runChat(options, f);
}
