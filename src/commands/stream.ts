// aoai stream [input...]: like create, with the text printed as it arrives.
import type { Command } from 'commander';
import type { CommandContext } from '../cli/context.ts';
import { followUpFor } from '../cli/follow-up.ts';
import { addContinueOption, addModelOptions, addNoLogOption, addStreamOptions, continueFrom, requestFlagsFrom, type ModelOptionValues, type StreamOptionValues } from '../cli/request-options.ts';
import type { Factory } from '../core/factory.ts';
import { addInputOptions, addToolOptions, type ToolOptionValues } from '../cli/tool-options.ts';
import { buildRequest, type RequestInput } from '../responses/request.ts';

export type StreamValues = ModelOptionValues & ToolOptionValues & StreamOptionValues & { continue?: true | string; json?: boolean; imageDeployment?: string };

export interface StreamOptions extends RequestInput {
  display: StreamOptionValues & { json: boolean };
  imageDeployment?: string | undefined;
}

export function registerStream(program: Command, ctx: CommandContext): void {
  const command = program
    .command('stream')
    .description('create a response and print its text as it arrives')
    .argument('[input...]', "the prompt; '-' or a pipe reads stdin");
  addNoLogOption(addContinueOption(addStreamOptions(addToolOptions(addInputOptions(addModelOptions(command))))))
    .option('--json', 'print every event as received, one JSON object per line (NDJSON)')
    .option('--image-deployment <name>', 'image model deployment for an image_generation tool in --tools (default: $AZURE_OPENAI_IMAGE_DEPLOYMENT or profile image-deployment); images are saved as aoai image saves them')
    .addHelpText(
      'after',
      `
Reasoning summaries go to stderr; a background stream that drops is resumed automatically.
Examples:
  aoai stream -m o4-mini "Tell me about neural text degeneration" --reasoning-summary detailed
  aoai stream -m o3 --background "Write me a very long story"
  aoai stream -c "Go on"                # continue the latest response (aoai log)
  aoai stream -m gpt-4.1 "hi" --json | jq -c 'select(.type=="response.output_text.delta") | .delta'`,
    )
    .action(async (input: string[], values: StreamValues, cmd: Command) => {
      await runStreamCommand(toStreamOptions(input, values), ctx.factory(cmd));
    });
}

export function toStreamOptions(input: string[], values: StreamValues): StreamOptions {
  const continued = continueFrom(values, input);
  return {
    input: continued.input,
    continueFrom: continued.ref,
    request: requestFlagsFrom(values),
    inputItems: values.inputItems,
    body: values.body,
    display: { reasoning: values.reasoning, usage: values.usage, cancelOnInterrupt: values.cancelOnInterrupt, maxResumes: values.maxResumes, json: Boolean(values.json) },
    imageDeployment: values.imageDeployment,
  };
}

export async function runStreamCommand(options: StreamOptions, f: Factory): Promise<void> {
  const { body, rich } = await buildRequest(f, options);
  const turns = { io: f.io, rich: options.request.rich, history: rich.history, json: options.display.json, followUp: followUpFor(f) };
  const [{ runTurns }, { streamToTerminal }, { imageDeploymentHeaders }] = await Promise.all([
    import('../tools/turns.ts'),
    import('../responses/stream-command.ts'),
    import('../image/results.ts'),
  ]);
  const headers = await imageDeploymentHeaders(f, body.tools, options.imageDeployment);
  await runTurns(body, turns, (next) => streamToTerminal(f, { kind: 'create', body: next }, options.display, headers));
}
