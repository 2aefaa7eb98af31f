// An image_generation_call item: output_item.added, image_generation_call.in_progress,
// .generating, .partial_image × partial_images, output_item.done, as the recorded Azure stream
// shows (OpenAI adds an image_generation_call.completed event; Azure does not). `result` is a real image in the requested format and size, drawn
// deterministically from the prompt (src/emulator/image/); partial images are coarser versions.
import type { ResponseOutputItem } from 'openai/resources/responses/responses';
import { invalidRequest, HttpError } from '../http.ts';
import { newId } from '../ids.ts';
import { drawPicture } from '../image/picture.ts';
import { encodeJpeg } from '../image/jpeg.ts';
import { encodePng } from '../image/png.ts';
import { encodeWebp } from '../image/webp.ts';
import type { CreateRequest } from '../request.ts';
import type { OutputProducer } from '../run.ts';

export const IMAGE_DEPLOYMENT_HEADER = 'x-ms-oai-image-generation-deployment';

type ImageCall = Extract<ResponseOutputItem, { type: 'image_generation_call' }>;

export interface ImageToolSettings {
  width: number;
  height: number;
  format: 'png' | 'jpeg' | 'webp';
  quality: 'low' | 'medium' | 'high';
  background: 'transparent' | 'opaque';
  compression: number;
  partialImages: number;
}

/** The request's image_generation tool, if it has one. */
export function imageTool(request: CreateRequest): Record<string, unknown> | undefined {
  if (!Array.isArray(request.tools)) return undefined;
  const tools = request.tools as unknown[];
  return tools.find((tool): tool is Record<string, unknown> => typeof tool === 'object' && tool !== null && (tool as { type?: unknown }).type === 'image_generation');
}

/** The emulator's rule for a text-only answer despite the tool: the prompt says "no image". */
export function wantsImage(userText: string, request: CreateRequest): boolean {
  const forced = (request.tool_choice as { type?: unknown } | null | undefined)?.type === 'image_generation';
  return imageTool(request) !== undefined && request.tool_choice !== 'none' && (forced || !/\bno image\b/i.test(userText));
}

/**
 * Checks made before anything is generated: the deployment header Azure requires, and the
 * tool's settings (the emulator also accepts any WIDTHxHEIGHT from 16 to 4096, to keep tests fast).
 */
export function validateImageRequest(request: CreateRequest, headers: Record<string, string | undefined>): void {
  const tool = imageTool(request);
  if (!tool) return;
  if (!headers[IMAGE_DEPLOYMENT_HEADER]) {
    throw new HttpError(400, {
      error: {
        message: `imagegen deployment must be provided through header: ${IMAGE_DEPLOYMENT_HEADER}`,
        type: 'image_generation_user_error',
        param: 'tools',
        code: 'invalid_request_error',
      },
    });
  }
  imageSettings(tool);
}

const SIZES = ['auto', '1024x1024', '1024x1536', '1536x1024'];

function invalidValue(field: string, value: unknown, allowed: string[]): HttpError {
  return invalidRequest(
    `Invalid value: '${String(value)}'. Supported values are: ${allowed.map((v) => `'${v}'`).join(', ')}.`,
    `tools[0].${field}`,
    'invalid_value',
  );
}

export function imageSettings(tool: Record<string, unknown>): ImageToolSettings {
  const size = tool.size ?? 'auto';
  let width = 1024;
  let height = 1024;
  if (size !== 'auto') {
    const match = typeof size === 'string' ? /^(\d{2,4})x(\d{2,4})$/.exec(size) : null;
    if (!match || Number(match[1]) < 16 || Number(match[2]) < 16 || Number(match[1]) > 4096 || Number(match[2]) > 4096) throw invalidValue('size', size, SIZES);
    width = Number(match[1]);
    height = Number(match[2]);
  }
  const format = tool.output_format ?? 'png';
  if (format !== 'png' && format !== 'jpeg' && format !== 'webp') throw invalidValue('output_format', format, ['png', 'jpeg', 'webp']);
  const quality = tool.quality ?? 'auto';
  if (quality !== 'auto' && quality !== 'low' && quality !== 'medium' && quality !== 'high') throw invalidValue('quality', quality, ['low', 'medium', 'high', 'auto']);
  const background = tool.background ?? 'auto';
  if (background !== 'auto' && background !== 'transparent' && background !== 'opaque') throw invalidValue('background', background, ['transparent', 'opaque', 'auto']);
  if (background === 'transparent' && format === 'jpeg') {
    throw invalidRequest('Transparent background is not supported for jpeg output. Use png or webp.', 'tools[0].background', 'invalid_value');
  }
  const compression = tool.output_compression ?? 100;
  if (typeof compression !== 'number' || !Number.isInteger(compression) || compression < 0 || compression > 100) {
    throw invalidRequest(`Invalid 'tools[0].output_compression': expected an integer from 0 to 100, but got ${JSON.stringify(compression)} instead.`, 'tools[0].output_compression', 'invalid_value');
  }
  const partialImages = tool.partial_images ?? 0;
  if (typeof partialImages !== 'number' || !Number.isInteger(partialImages) || partialImages < 0 || partialImages > 3) {
    throw invalidRequest(`Invalid 'tools[0].partial_images': expected an integer from 0 to 3, but got ${JSON.stringify(partialImages)} instead.`, 'tools[0].partial_images', 'invalid_value');
  }
  return { width, height, format, quality: quality === 'auto' ? 'medium' : quality, background: background === 'transparent' ? 'transparent' : 'opaque', compression, partialImages };
}

export function encodeImage(prompt: string, settings: ImageToolSettings, block = 1): Buffer {
  const alpha = settings.background === 'transparent';
  const picture = drawPicture(prompt, settings.width, settings.height, { transparent: alpha, block });
  if (settings.format === 'jpeg') return encodeJpeg(picture, Math.max(1, settings.compression));
  if (settings.format === 'webp') return encodeWebp(picture, { alpha });
  return encodePng(picture, { alpha });
}

/**
 * The image_generation tool as Azure echoes it in the response: every setting spelled out, the
 * image model (the tool's `model`, else the deployment header) included.
 */
export function echoImageTool(tool: Record<string, unknown>, headers: Record<string, string | undefined>): Record<string, unknown> {
  return {
    type: 'image_generation',
    background: 'auto',
    model: headers[IMAGE_DEPLOYMENT_HEADER] ?? 'gpt-image-1',
    moderation: 'auto',
    n: 1,
    output_compression: 100,
    output_format: 'png',
    quality: 'auto',
    size: 'auto',
    ...tool,
  };
}

/** How the emulator "revises" a prompt: deterministic, and it says what it drew. */
export function revisePrompt(userText: string, history: readonly string[], inputImages: number): string {
  const edits = inputImages > 0 ? ` Based on ${inputImages} input image${inputImages === 1 ? '' : 's'}.` : '';
  const earlier = history.length > 0 ? ` Continues: ${history.map((h) => JSON.stringify(h)).join(', ')}.` : '';
  return `${userText.trim()}: a calm landscape with a sun over rolling hills, soft gradient sky.${edits}${earlier}`;
}

export function imageGenerationOutput(): OutputProducer {
  return function* (run) {
    const { request, userText, history, inputItems } = run.input;
    const settings = imageSettings(imageTool(request)!);
    const inputImages = inputItems.reduce(
      (count, item) => count + (Array.isArray(item.content) ? (item.content as Array<{ type?: string }>).filter((part) => part.type === 'input_image').length : 0),
      0,
    );
    const seed = [...history, userText].join('\n');
    const outputIndex = run.response.output.length;
    const id = newId('ig');
    // Azure's added item has no `result` key at all (OpenAI's has `result: null`).
    const live = { id, type: 'image_generation_call', status: 'in_progress' } as ImageCall;
    run.response.output.push(live);
    yield { type: 'response.output_item.added', output_index: outputIndex, item: { ...live } };
    yield { type: 'response.image_generation_call.in_progress', output_index: outputIndex, item_id: id };
    live.status = 'generating';
    yield { type: 'response.image_generation_call.generating', output_index: outputIndex, item_id: id };
    const size = `${settings.width}x${settings.height}`;
    for (let index = 0; index < settings.partialImages; index++) {
      const block = 2 ** (settings.partialImages - index + 2);
      yield {
        type: 'response.image_generation_call.partial_image',
        output_index: outputIndex,
        item_id: id,
        partial_image_index: index,
        partial_image_b64: encodeImage(seed, settings, block).toString('base64'),
        size,
        quality: settings.quality,
        background: settings.background,
        output_format: settings.format,
      };
    }
    // Azure sends no image_generation_call.completed event, and its finished item keeps the status
    // `generating` (azure-image-generation-tool.1.chunks.txt); OpenAI's says `completed`.
    Object.assign(live, {
      status: 'generating',
      background: settings.background,
      output_format: settings.format,
      quality: settings.quality,
      result: encodeImage(seed, settings).toString('base64'),
      revised_prompt: revisePrompt(userText, history, inputImages),
      size,
    });
    yield { type: 'response.output_item.done', output_index: outputIndex, item: { ...live } };
    return 'done';
  };
}
