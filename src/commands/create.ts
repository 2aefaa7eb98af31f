// aoai create [input...]: one Responses API request; prints the output text (or --json).
import type { Command } from 'commander';
import type { CommandContext } from '../cli/context.ts';
import { followUpFor } from '../cli/follow-up.ts';
import { addContinueOption, addModelOptions, addNoLogOption, addStreamOptions, continueFrom, requestFlagsFrom, type ModelOptionValues, type StreamOptionValues } from '../cli/request-options.ts';
import { addInputOptions, addToolOptions, type ToolOptionValues } from '../cli/tool-options.ts';
import { positiveNumber } from '../cli/parse.ts';
import { UsageError } from '../core/errors.ts';
import type { Factory } from '../core/factory.ts';
import type { PrintedResultOptions, StreamDisplay } from '../responses/create.ts';
import { buildRequest, type RequestInput } from '../responses/request.ts';
import { DEFAULT_POLL_SECONDS } from '../responses/wait.ts';

export interface CreateOptions extends RequestInput {
  wait: boolean;
  pollIntervalMs: number;
  json: boolean;
  display: PrintedResultOptions['display'];
  imageDeployment: string | undefined;
  /** --stream: print the text as it arrives (as `aoai stream` does). */
  stream: StreamDisplay | undefined;
}

type CreateValues = ModelOptionValues & ToolOptionValues & StreamOptionValues & { continue?: true | string; wait?: boolean; pollInterval?: number; json?: boolean; stream?: boolean; imageDeployment?: string };

export function registerCreate(program: Command, ctx: CommandContext): void {
  const command = program
    .command('create')
    .description('create a response and print its output text')
    .argument('[input...]', "the prompt; '-' or a pipe reads stdin");
  addNoLogOption(addContinueOption(addStreamOptions(addToolOptions(addInputOptions(addModelOptions(command))))))
    .option('--stream', 'print the text as it arrives (same as aoai stream)')
    .option('--wait', 'with --background: wait until the job finishes, then print it')
    .option('--poll-interval <seconds>', `seconds between status checks for --wait (default ${DEFAULT_POLL_SECONDS})`, positiveNumber)
    .option('--json', "print the API's JSON response unchanged (with --stream: every event, as NDJSON)")
    .option('--image-deployment <name>', 'image model deployment for an image_generation tool in --tools (default: $AZURE_OPENAI_IMAGE_DEPLOYMENT or profile image-deployment); images are saved as aoai image saves them')
    .addHelpText(
      'after',
      `
Examples:
  aoai create -m gpt-4.1-nano "This is a test"
  aoai create -c "Now say it in French"          # continue the latest response (aoai log)
  echo "Summarise this" | aoai create -m gpt-4.1-nano --json | jq -r .id
  aoai create -m o3 --background "Write me a very long story"
  aoai create -m o3 --background --wait "Write me a very long story"
  aoai create -m gpt-4.1 --image photo.jpg --file report.pdf "Does the photo match the report?"
  aoai create -m gpt-4.1 --function @weather.json --exec get_weather=./weather.sh "Weather in Paris?"
  aoai create -m gpt-4.1 --schema person.schema.json "Ada Lovelace, 36" | jq -r .name
Tools and inputs: docs/tools.md, docs/inputs.md. Exit code 5: the model waits for function output or MCP approval.`,
    )
    .action(async (input: string[], values: CreateValues, cmd: Command) => {
      await runCreate(toCreateOptions(input, values), ctx.factory(cmd));
    });
}

export function toCreateOptions(input: string[], values: CreateValues): CreateOptions {
  if (values.stream && values.wait) throw new UsageError('--stream already follows the response to its end; drop --wait');
  const continued = continueFrom(values, input);
  return {
    input: continued.input,
    continueFrom: continued.ref,
    request: requestFlagsFrom(values),
    inputItems: values.inputItems,
    body: values.body,
    wait: Boolean(values.wait),
    pollIntervalMs: (values.pollInterval ?? DEFAULT_POLL_SECONDS) * 1000,
    json: Boolean(values.json),
    display: { reasoning: values.reasoning, usage: values.usage },
    imageDeployment: values.imageDeployment,
    stream: values.stream
      ? { reasoning: values.reasoning, usage: values.usage, cancelOnInterrupt: values.cancelOnInterrupt, maxResumes: values.maxResumes, json: Boolean(values.json) }
      : undefined,
  };
}

export async function runCreate(options: CreateOptions, f: Factory): Promise<void> {
  const { body, rich } = await buildRequest(f, options);
  const turns = { io: f.io, rich: options.request.rich, history: rich.history, json: options.stream?.json ?? options.json, followUp: followUpFor(f) };
  const { runRequestTurns } = await import('../responses/create.ts');
  await runRequestTurns(f, body, turns, options);
}
