// aoai image, as a function other commands can call too (chat's /image): build the request with the
// image_generation tool and the deployment header, stream it when partial images are wanted,
// save every image atomically, preview it on a capable terminal, and list the saved paths.
import type { Response as ApiResponse, ResponseOutputItem } from 'openai/resources/responses/responses';
import { ConfigError, InterruptedError, NotCompletedError, UsageError } from '../core/errors.ts';
import type { Factory } from '../core/factory.ts';
import { configSetCommand, followUpFor, notInherited } from '../cli/follow-up.ts';
import { neutralise } from '../render/terminal-text.ts';
import type { IO } from '../io/io.ts';
import { startSpinner } from '../io/spinner.ts';
import { buildCreateBody } from '../request/create-params.ts';
import { readInputText } from '../request/input.ts';
import { printJson } from '../render/json.ts';
import type { AnyStreamEvent } from '../render/stream.ts';
import { notCompletedError, outputText, withTrailingNewline } from '../render/response.ts';
import { prepareRequest } from '../responses/session.ts';
import { imageInfo } from './formats.ts';
import { ImagePreview, detectProtocol, type PreviewSink } from './preview.ts';
import { buildImageTool, imageInput, IMAGE_DEPLOYMENT_HEADER, type ImageToolFlags } from './request.ts';
import { imageBytes } from './image-data.ts';
import { assertPlanWritable, planOutput, PREVIEW_KEEP_BYTES, saveImage, type SavedImage } from './save.ts';

export type { ImageToolFlags } from './request.ts';
export type { SavedImage } from './save.ts';

export interface ImageOptions {
  /** The prompt as words; '-' among them (or a pipe with no words) reads stdin. */
  prompt: string[];
  /** The deployment of the model that calls the tool (-m); default: the configured deployment. */
  model?: string | undefined;
  /** --image-deployment; default: $AZURE_OPENAI_IMAGE_DEPLOYMENT or config image-deployment. */
  imageDeployment?: string | undefined;
  /** --previous: continue (edit) from a stored response. */
  previous?: string | undefined;
  tool: ImageToolFlags;
  /** --edit PATH|URL|FILE_ID, in order. */
  edits: string[];
  /** -o/--output: a file, or a directory (existing, or ending in '/'). */
  output?: string | undefined;
  force: boolean;
  savePartials: boolean;
  /** --json: the response JSON on stdout, each base64 result replaced by its saved path. */
  json: boolean;
  /** --raw (with --json): keep the base64 results. */
  raw: boolean;
  /** --preview / --no-preview; undefined: on when stderr is a terminal that can show images. */
  preview?: boolean | undefined;
  /** Abandons a non-streamed request (chat's Ctrl-C): nothing is saved, and InterruptedError is thrown. */
  signal?: AbortSignal | undefined;
}

export interface ImageRunResult {
  response: ApiResponse;
  /** The final images, in output order. */
  saved: SavedImage[];
  /** Partial images saved with --save-partials. */
  partials: SavedImage[];
}

type ImageCall = Extract<ResponseOutputItem, { type: 'image_generation_call' }>;

export async function runImage(options: ImageOptions, f: Factory): Promise<ImageRunResult> {
  const { io } = f;
  const settings = await f.settings();
  const deployment = options.imageDeployment ?? settings.imageDeployment?.value;
  if (!deployment) {
    throw new ConfigError(
      'no image deployment: pass --image-deployment NAME',
      `or set AZURE_OPENAI_IMAGE_DEPLOYMENT, or run: ${configSetCommand(settings.profile, 'image-deployment', 'NAME')}${notInherited(settings.profile)}`,
    );
  }
  const tool = buildImageTool(options.tool);
  const plan = planOutput(options.output, options.force);
  assertPlanWritable(plan);
  const prompt = await readInputText(io, options.prompt, { stdinTaken: Boolean(f.flags.apiKeyStdin) });
  if (prompt === undefined || prompt.trim() === '') {
    throw new UsageError('no prompt: describe the image as arguments, or pipe it on stdin');
  }
  const body = buildCreateBody({
    flags: { model: options.model, previous: options.previous },
    defaultDeployment: settings.deployment?.value,
    profile: settings.profile,
    items: imageInput(prompt, options.edits),
    text: undefined,
  });
  body.tools = [tool as never];

  const client = await prepareRequest(f, { [IMAGE_DEPLOYMENT_HEADER]: deployment });
  const terminal = terminalSink(io);
  const protocol = io.stderrIsTTY && options.preview !== false ? detectProtocol(io.env) : undefined;
  const preview = protocol ? new ImagePreview(protocol, terminal, Math.min(io.columns, 64)) : undefined;
  const partials: SavedImage[] = [];

  let response: ApiResponse;
  let raw: string | undefined;
  // For the local log (aoai log): the prompt, the response, the saved paths (never the image data).
  f.log.sent(body);
  if (tool.partial_images) {
    response = await streamImages({ f, client, body, terminal, onPartial });
  } else {
    const spinner = await startSpinner(io, `generating an image with ${String(body.model)} and ${deployment}…`);
    try {
      const { fetchRaw } = await import('../responses/wait.ts');
      ({ raw, response } = await fetchRaw(client.responses.create({ ...body, stream: false }, { signal: options.signal })));
    } catch (error) {
      if (options.signal?.aborted) throw new InterruptedError('interrupted; no image was saved');
      throw error;
    } finally {
      spinner.stop();
    }
  }

  f.log.responded(response);
  const calls = response.output.filter((item): item is ImageCall => item.type === 'image_generation_call');
  const saved: SavedImage[] = [];
  const pathsById = new Map<string, string>();
  for (const [index, call] of calls.entries()) {
    if (!call.result) continue;
    const image = saveImage(plan, { prompt, responseId: response.id, imageIndex: index }, call.result, { keepForPreview: preview !== undefined });
    saved.push(image);
    f.log.saved([image.path]);
    pathsById.set(call.id, image.path);
    // An image too large to keep in memory is not previewed (nor would its pixels fit the budget).
    const shown = (image.data && preview?.show(image.data, image.info, { partial: false, name: image.path })) ?? false;
    if (!shown && (io.stderrIsTTY || options.preview)) terminal.write(`${describeSaved(image)}\n`);
    if (call.revised_prompt) terminal.write(`revised prompt: ${neutralise(String(call.revised_prompt))}\n`);
  }
  // The assistant's text comes after the images: a preview replaced in place would erase it.
  const text = outputText(response);
  if (text) terminal.write(withTrailingNewline(neutralise(text)));

  if (options.json) {
    await printJson(io, options.raw ? (raw ?? JSON.stringify(response)) : JSON.stringify(withPaths(response, pathsById)));
  } else {
    for (const image of saved) terminal.out(`${image.path}\n`);
  }

  const error = notCompletedError(response);
  if (error) throw error;
  if (saved.length === 0) {
    throw new NotCompletedError(`response ${response.id} has no image: the model answered with text only`, 'rephrase the prompt as a request for a picture');
  }
  return { response, saved, partials };

  function onPartial(event: PartialImageEvent, responseId: string, imageIndex: number): void {
    if (options.savePartials) {
      const image = saveImage(plan, { prompt: prompt!, responseId, imageIndex, partialIndex: event.partial_image_index }, event.partial_image_b64, { keepForPreview: preview !== undefined });
      partials.push(image);
      f.log.saved([image.path]);
      if (!options.json) terminal.out(`${image.path}\n`);
      if (image.data) preview?.show(image.data, image.info, { partial: true });
      return;
    }
    // A large partial image is held on disk (core/spool.ts): read back only if small enough to show.
    const data = preview ? previewBytes(event.partial_image_b64) : undefined;
    if (data) preview?.show(data, imageInfo(data), { partial: true });
  }
}

/** The bytes of an image result for a preview, or undefined when larger than a preview keeps. */
function previewBytes(result: string): Buffer | undefined {
  const chunks: Buffer[] = [];
  let bytes = 0;
  for (const chunk of imageBytes(result)) {
    bytes += chunk.length;
    if (bytes > PREVIEW_KEEP_BYTES) return undefined;
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks);
}

/** `cat-0a1b2c3d.png (1024×1024 png, 1.2 MB)` */
export function describeSaved(image: SavedImage): string {
  const size = image.bytes >= 1024 * 1024 ? `${(image.bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.max(1, Math.round(image.bytes / 1024))} KB`;
  const info = image.info ? `${image.info.width}×${image.info.height} ${image.info.format}, ` : '';
  return `${image.path} (${info}${size})`;
}

/** The response with each image_generation_call's base64 result replaced by the saved path. */
function withPaths(response: ApiResponse, pathsById: Map<string, string>): ApiResponse {
  const copy = structuredClone(response);
  for (const item of copy.output) {
    if (item.type === 'image_generation_call' && item.result) item.result = pathsById.get(item.id) ?? item.result;
  }
  return copy;
}

interface Terminal extends PreviewSink {
  /** Data on stdout; its lines count too when stdout shares the terminal with stderr. */
  out(text: string): void;
}

/** stderr, counting the lines written since the last mark (for replacing a preview in place). */
function terminalSink(io: IO): Terminal {
  let lines = 0;
  const count = (text: string) => {
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lines++;
  };
  return {
    write(text) {
      if (!text) return;
      io.err(text);
      count(text);
    },
    out(text) {
      io.out(text);
      if (io.stdoutIsTTY) count(text);
    },
    linesSinceMark: () => lines,
    mark() {
      lines = 0;
    },
  };
}

interface PartialImageEvent {
  item_id: string;
  partial_image_index: number;
  partial_image_b64: string;
}

interface StreamImagesInput {
  f: Factory;
  client: Awaited<ReturnType<typeof prepareRequest>>;
  body: ReturnType<typeof buildCreateBody>;
  terminal: Terminal;
  onPartial(event: PartialImageEvent, responseId: string, imageIndex: number): void;
}

/**
 * Stream through the shared machinery. The renderer's text output is dropped: the assistant's text
 * is printed from the final response after the images, on stderr (stdout is for paths).
 */
async function streamImages({ f, client, body, terminal, onPartial }: StreamImagesInput): Promise<ApiResponse> {
  const { io } = f;
  const settings = await f.settings();
  const { StreamRenderer } = await import('../render/stream.ts');
  const { runStream } = await import('../responses/stream.ts');
  const { DEFAULT_MAX_RESUMES } = await import('../responses/stream-command.ts');
  const imageCalls: string[] = [];
  let saveError: unknown;

  class ImageStreamRenderer extends StreamRenderer {
    override handle(event: AnyStreamEvent): void {
      const sequence = typeof event.sequence_number === 'number' ? event.sequence_number : undefined;
      if (sequence !== undefined && sequence <= this.state.lastSequence) return;
      super.handle(event);
      if (event.type !== 'response.image_generation_call.partial_image') return;
      const partial = event as unknown as PartialImageEvent;
      if (!imageCalls.includes(partial.item_id)) imageCalls.push(partial.item_id);
      try {
        onPartial(partial, this.state.responseId ?? 'resp_unknown', imageCalls.indexOf(partial.item_id));
      } catch (error) {
        // Thrown inside the stream loop it would look like a dropped connection: report it at the end.
        saveError ??= error;
      }
    }
  }

  const renderer = new ImageStreamRenderer(
    { out: () => undefined, err: (text) => terminal.write(text) },
    { json: false, reasoning: 'show', statusLines: io.stderrIsTTY, color: io.colorStderr, sharedTerminal: false },
  );
  await runStream({
    client,
    io,
    renderer,
    start: { kind: 'create', body },
    cancelOnInterrupt: false,
    idleTimeoutMs: settings.timeoutMs,
    maxResumes: DEFAULT_MAX_RESUMES,
    usageLine: false,
    debug: (line) => f.debug(line),
    followUp: followUpFor(f),
  });
  if (saveError) throw saveError;
  return renderer.state.final!;
}

