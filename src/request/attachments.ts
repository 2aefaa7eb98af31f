// --image and --file: a reference (local path, URL or uploaded file id) → one input content part.
// Local files are checked before anything is sent: the type comes from the file's first bytes (a
// .png that is really a JPEG is sent as image/jpeg), and unsupported, unreadable or oversized
// files fail with one clear line instead of a 400 after the upload.
import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { ResponseInputContent } from 'openai/resources/responses/responses';
import { UsageError } from '../core/errors.ts';
import { describeFsError } from '../core/local-input.ts';
import { MIME_TYPES, sniffFormat } from '../image/formats.ts';

export type AttachmentKind = 'image' | 'file';

/** The service's per-image limit. */
export const MAX_IMAGE_BYTES = 20 * 1024 * 1024;
/** The service's limit for an inline file (file_data); bigger files go through `aoai files upload`. */
export const MAX_FILE_BYTES = 32 * 1024 * 1024;

const FILE_ID = /^(file|assistant)-[A-Za-z0-9_-]+$/;
const URL_SCHEME = /^https?:\/\//i;

/** The MIME type of an image or PDF from its first bytes; undefined for anything else. */
export function sniffMime(bytes: Uint8Array): string | undefined {
  const image = sniffFormat(bytes);
  if (image) return MIME_TYPES[image];
  return Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.length, 5)).toString('latin1') === '%PDF-' ? 'application/pdf' : undefined;
}

export function isFileId(ref: string): boolean {
  return FILE_ID.test(ref);
}

/** One --image or --file value → the input content part it stands for. */
export async function attachmentPart(ref: string, kind: AttachmentKind): Promise<ResponseInputContent> {
  const flag = kind === 'image' ? '--image' : '--file';
  if (ref.trim() === '') throw new UsageError(`${flag}: expected a path, URL or file id`);
  if (URL_SCHEME.test(ref)) {
    return kind === 'image' ? { type: 'input_image', detail: 'auto', image_url: ref } : { type: 'input_file', file_url: ref };
  }
  if (/^data:/i.test(ref)) {
    if (kind === 'image') return { type: 'input_image', detail: 'auto', image_url: ref };
    throw new UsageError(`${flag}: data: URLs are accepted only by --image`, 'pass the PDF file itself');
  }
  const local = await readLocal(ref, flag);
  if (local === undefined) {
    if (isFileId(ref)) return kind === 'image' ? { type: 'input_image', detail: 'auto', file_id: ref } : { type: 'input_file', file_id: ref };
    throw new UsageError(`${flag}: cannot read ${ref}: no such file`, 'give a local path, an https:// URL, or an uploaded file id (file-…)');
  }
  const mime = sniffMime(local.bytes);
  const limit = kind === 'image' ? MAX_IMAGE_BYTES : MAX_FILE_BYTES;
  if (kind === 'image') {
    if (!mime?.startsWith('image/')) {
      throw new UsageError(`${flag}: ${ref} is not a PNG, JPEG, WEBP or GIF image${mime ? ` (it is ${mime})` : ''}`, mime === 'application/pdf' ? 'attach PDFs with --file' : undefined);
    }
  } else if (mime !== 'application/pdf') {
    throw new UsageError(
      `${flag}: ${ref} is not a PDF${mime ? ` (it is ${mime})` : ''}; only PDFs can be attached inline`,
      mime?.startsWith('image/') ? 'attach images with --image' : 'for other files: aoai files upload PATH, then --file file-…',
    );
  }
  if (local.size > limit) {
    throw new UsageError(
      `${flag}: ${ref} is ${megabytes(local.size)}; the service accepts at most ${megabytes(limit)}`,
      kind === 'file' ? 'upload it instead: aoai files upload PATH, then --file file-…' : 'shrink or recompress the image',
    );
  }
  const dataUrl = `data:${mime};base64,${local.bytes.toString('base64')}`;
  return kind === 'image'
    ? { type: 'input_image', detail: 'auto', image_url: dataUrl }
    : { type: 'input_file', filename: basename(ref), file_data: dataUrl };
}

/** Every --image then every --file, in order. */
export async function attachmentParts(images: readonly string[], files: readonly string[]): Promise<ResponseInputContent[]> {
  const parts: ResponseInputContent[] = [];
  for (const ref of images) parts.push(await attachmentPart(ref, 'image'));
  for (const ref of files) parts.push(await attachmentPart(ref, 'file'));
  return parts;
}

/**
 * The file's bytes (only its first bytes when it is too big to send anyway) and size; undefined
 * when there is no such file (the reference may be a file id).
 */
async function readLocal(path: string, flag: string): Promise<{ bytes: Buffer; size: number } | undefined> {
  try {
    const info = await stat(path);
    if (info.isDirectory()) throw new UsageError(`${flag}: ${path} is a directory`);
    // /dev/zero, a terminal or a FIFO never ends (or never starts): only regular files are attached.
    if (!info.isFile()) throw new UsageError(`${flag}: ${path} is not a regular file`, 'save the content to a file first');
    // A 4 GB video should fail fast on its size, not fill memory first.
    if (info.size > Math.max(MAX_FILE_BYTES, MAX_IMAGE_BYTES)) return { bytes: await readHead(path), size: info.size };
    return { bytes: await readFile(path), size: info.size };
  } catch (error) {
    if (error instanceof UsageError) throw error;
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new UsageError(`${flag}: cannot read ${path}: ${describeFsError(error)}`);
  }
}

async function readHead(path: string): Promise<Buffer> {
  const { open } = await import('node:fs/promises');
  const handle = await open(path, 'r');
  try {
    const head = Buffer.alloc(16);
    const { bytesRead } = await handle.read(head, 0, 16, 0);
    return head.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

function megabytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1).replace(/\.0$/, '')} MB`;
}
