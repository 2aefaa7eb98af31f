// Image flags → the Responses API request: the image_generation tool, and a user message with the
// prompt and any --edit images. Pure apart from reading --edit files, so it is unit-tested directly.
import { statSync } from 'node:fs';
import type { ResponseInputItem } from 'openai/resources/responses/responses';
import { UsageError } from '../core/errors.ts';
import { describeFsError, readLocalBytes } from '../core/local-input.ts';
import { MIME_TYPES, sniffFormat } from './formats.ts';

export const IMAGE_DEPLOYMENT_HEADER = 'x-ms-oai-image-generation-deployment';
export const OUTPUT_FORMATS = ['png', 'jpeg', 'webp'] as const;
export const QUALITIES = ['low', 'medium', 'high', 'auto'] as const;
export const BACKGROUNDS = ['transparent', 'opaque', 'auto'] as const;

export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** The flags that become fields of the image_generation tool. */
export interface ImageToolFlags {
  size?: string | undefined;
  quality?: (typeof QUALITIES)[number] | undefined;
  format?: OutputFormat | undefined;
  compression?: number | undefined;
  background?: (typeof BACKGROUNDS)[number] | undefined;
  /** 1–3; turns streaming on. */
  partialImages?: number | undefined;
}

export interface ImageGenerationTool {
  type: 'image_generation';
  size?: string;
  quality?: string;
  output_format?: OutputFormat;
  output_compression?: number;
  background?: string;
  partial_images?: number;
}

/** WIDTHxHEIGHT or auto; the service checks which sizes the deployment supports. */
export function parseSize(value: string): string {
  const size = value.trim().toLowerCase().replace('×', 'x');
  if (size === 'auto' || /^[1-9]\d{1,4}x[1-9]\d{1,4}$/.test(size)) return size;
  throw new UsageError(`invalid --size '${value}': expected WIDTHxHEIGHT (e.g. 1024x1024, 1536x1024, 1024x1536) or auto`);
}

export function buildImageTool(flags: ImageToolFlags): ImageGenerationTool {
  if (flags.compression !== undefined && (flags.format ?? 'png') === 'png') {
    throw new UsageError('--compression applies to jpeg and webp output', 'add --format jpeg or --format webp');
  }
  if (flags.background === 'transparent' && flags.format === 'jpeg') {
    throw new UsageError('--background transparent needs png or webp: jpeg has no transparency');
  }
  const tool: ImageGenerationTool = { type: 'image_generation' };
  if (flags.size !== undefined) tool.size = parseSize(flags.size);
  if (flags.quality !== undefined) tool.quality = flags.quality;
  if (flags.format !== undefined) tool.output_format = flags.format;
  if (flags.compression !== undefined) tool.output_compression = flags.compression;
  if (flags.background !== undefined) tool.background = flags.background;
  if (flags.partialImages !== undefined) tool.partial_images = flags.partialImages;
  return tool;
}

/** The largest input image the service takes. */
const MAX_EDIT_BYTES = 50 * 1024 * 1024;

type InputImagePart = { type: 'input_image'; detail: 'auto'; image_url?: string; file_id?: string };

/** --edit PATH|URL|FILE_ID → an input_image part (a local file goes inline as a data: URL). */
export function editPart(value: string, readFile: (path: string) => Buffer = (path) => readLocalBytes(path, '--edit', MAX_EDIT_BYTES)): InputImagePart {
  if (/^https?:\/\//i.test(value)) return { type: 'input_image', detail: 'auto', image_url: value };
  if (/^data:image\/[a-z+.-]+;base64,/i.test(value)) return { type: 'input_image', detail: 'auto', image_url: value };
  if (/^(file|assistant)-[A-Za-z0-9_-]+$/.test(value) && !exists(value)) return { type: 'input_image', detail: 'auto', file_id: value };
  let data: Buffer;
  try {
    if (statSync(value).size > MAX_EDIT_BYTES) throw new UsageError(`--edit ${value}: larger than 50 MB, the service's limit for an input image`);
    data = readFile(value);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`--edit: cannot read ${value}: ${describeFsError(error)}`, 'give a PNG/JPEG/WebP/GIF file, an https:// URL, or a file id (file-…)');
  }
  const format = sniffFormat(data);
  if (!format) throw new UsageError(`--edit ${value}: not a PNG, JPEG, WebP or GIF image`);
  return { type: 'input_image', detail: 'auto', image_url: `data:${MIME_TYPES[format]};base64,${data.toString('base64')}` };
}

function exists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}

/** The one user message: the prompt, then the images to edit. */
export function imageInput(prompt: string, edits: readonly string[], readFile?: (path: string) => Buffer): ResponseInputItem[] {
  const content = [{ type: 'input_text' as const, text: prompt }, ...edits.map((edit) => editPart(edit, readFile))];
  return [{ role: 'user', content } as ResponseInputItem];
}
