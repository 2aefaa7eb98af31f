// Where images go and how they get there: names derived from the prompt and response id (never
// outside the chosen directory), the extension from the format, atomic writes streamed from the
// decoded data (a huge image never sits in memory), and no overwrite without --force.
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { basename, dirname, extname, join, relative, resolve, isAbsolute } from 'node:path';
import { FileWriteError, assertDirectoryWritable, assertWritable, isSpecialFile, openAtomic, type AtomicWriter } from '../core/atomic-write.ts';
import { UsageError } from '../core/errors.ts';
import { withRefetchHint } from '../responses/refetch.ts';
import { EXTENSIONS, imageInfo, sniffFormat, type ImageInfo } from './formats.ts';
import { imageBytes } from './image-data.ts';

const MAX_SLUG = 48;

/** A file-name-safe slug of the prompt: lower-case ASCII words joined by '-', or 'image'. */
export function slugify(prompt: string): string {
  const words = prompt
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
  let slug = '';
  for (const word of words) {
    const next = slug ? `${slug}-${word}` : word;
    if (next.length > MAX_SLUG) break;
    slug = next;
  }
  return slug || (words[0]?.slice(0, MAX_SLUG) ?? '') || 'image';
}

/** The short, distinctive tail of a response id (`resp_…0a1b2c3d` → `0a1b2c3d`). */
export function shortId(responseId: string): string {
  const tail = responseId.replace(/^[a-z]+_/, '').replace(/[^A-Za-z0-9]/g, '');
  return tail.slice(-8) || 'image';
}

/** Where the images of one response go. */
export interface SavePlan {
  /** The directory files are written into. */
  directory: string;
  /** An explicit file name (-o FILE) for the first image; otherwise names are derived. */
  fileName: string | undefined;
  force: boolean;
  /** -o names a FIFO or device (/dev/null): every image is written through it, never beside it. */
  device?: boolean;
}

/** -o/--output: an existing directory, or a path ending in '/', is a directory; anything else a file. */
export function planOutput(output: string | undefined, force: boolean, cwd = process.cwd()): SavePlan {
  if (output === undefined || output === '') return { directory: cwd, fileName: undefined, force };
  const target = resolve(cwd, output);
  const isDirectory = /[\\/]$/.test(output) || (existsSync(target) && statSync(target).isDirectory());
  if (isDirectory) return { directory: target, fileName: undefined, force };
  if (isSpecialFile(target)) return { directory: dirname(target), fileName: basename(target), force: true, device: true };
  if (existsSync(target) && !force) {
    throw new UsageError(`${output} already exists`, 'pass --force to overwrite it, or choose another -o path');
  }
  return { directory: dirname(target), fileName: basename(target), force };
}

/** Before the request: the directory (created if needed) accepts files, or the -o file can be written. */
export function assertPlanWritable(plan: SavePlan): void {
  if (plan.fileName !== undefined) {
    mkdirForPlan(plan);
    assertWritable(join(plan.directory, plan.fileName), { exclusive: !plan.force });
  } else {
    assertDirectoryWritable(plan.directory, plan.directory, true);
  }
}

function mkdirForPlan(plan: SavePlan): void {
  try {
    mkdirSync(plan.directory, { recursive: true });
  } catch {
    // Reported by the probe that follows, with the path.
  }
}

export interface ImageTarget {
  prompt: string;
  responseId: string;
  /** 0 for the first image of the response, 1 for the second… */
  imageIndex: number;
  /** For partial images: the partial_image_index. */
  partialIndex?: number | undefined;
  extension: string;
}

/** The path for one image (or partial image) under the plan, guaranteed inside its directory. */
export function targetPath(plan: SavePlan, target: ImageTarget): string {
  if (plan.device && plan.fileName !== undefined) return join(plan.directory, plan.fileName);
  let stem: string;
  let extension = target.extension;
  if (plan.fileName !== undefined) {
    const given = extname(plan.fileName);
    stem = given ? plan.fileName.slice(0, -given.length) : plan.fileName;
    if (given) extension = given.slice(1);
  } else {
    stem = `${slugify(target.prompt)}-${shortId(target.responseId)}`;
  }
  if (target.imageIndex > 0) stem += `-${target.imageIndex + 1}`;
  if (target.partialIndex !== undefined) stem += `.partial-${target.partialIndex + 1}`;
  const path = join(plan.directory, `${stem}.${extension}`);
  const inside = relative(plan.directory, path);
  if (!inside || inside.startsWith('..') || isAbsolute(inside) || dirname(inside) !== '.') {
    throw new UsageError(`refusing to write outside ${plan.directory}: ${path}`);
  }
  return path;
}

export interface SavedImage {
  /** Relative to the current directory when inside it, else absolute. */
  path: string;
  info: ImageInfo | undefined;
  bytes: number;
  /** The image's bytes, when asked to keep them for a preview and at most PREVIEW_KEEP_BYTES. */
  data: Buffer | undefined;
}

/** Enough of an image's start to read its format and dimensions (a JPEG's SOF may follow a large EXIF block). */
const HEAD_BYTES = 256 * 1024;
/** Images up to this size stay in memory after saving, for a preview; larger ones are not previewed from memory. */
export const PREVIEW_KEEP_BYTES = 32 * 1024 * 1024;

/**
 * Decode and write one image whole (temporary file, then rename); existing files need --force.
 * `result` is the image field's value: base64, or a spool token for a large image, which is
 * decoded from disk as it is written, so memory stays small however large the image.
 */
export function saveImage(plan: SavePlan, target: Omit<ImageTarget, 'extension'>, result: string, options: { keepForPreview?: boolean } = {}): SavedImage {
  const chunks = imageBytes(result);
  let path: string | undefined;
  let writer: AtomicWriter | undefined;
  try {
    // The format (and so the file name) comes from the first bytes.
    const head: Buffer[] = [];
    let headBytes = 0;
    let next = chunks.next();
    while (!next.done && headBytes < HEAD_BYTES) {
      // Copied: a chunk is a view of a buffer the next chunk reuses.
      head.push(Buffer.from(next.value));
      headBytes += next.value.length;
      next = chunks.next();
    }
    const start = Buffer.concat(head);
    const format = sniffFormat(start);
    const info = imageInfo(start);
    path = targetPath(plan, { ...target, extension: format ? EXTENSIONS[format] : 'bin' });
    mkdirSync(plan.directory, { recursive: true });
    writer = openAtomic(path, { exclusive: !plan.force });
    writer.write(start);
    let kept: Buffer[] | undefined = options.keepForPreview && start.length <= PREVIEW_KEEP_BYTES ? [start] : undefined;
    for (; !next.done; next = chunks.next()) {
      writer.write(next.value);
      if (kept && writer.bytesWritten <= PREVIEW_KEEP_BYTES) kept.push(Buffer.from(next.value));
      else kept = undefined;
    }
    writer.commit();
    return { path: displayPath(path), info, bytes: writer.bytesWritten, data: kept && Buffer.concat(kept) };
  } catch (error) {
    writer?.abort();
    chunks.return(undefined);
    if (error instanceof UsageError) throw error;
    if (error instanceof FileWriteError && error.errno === 'EEXIST') {
      throw new UsageError(`${path} already exists; the image was not saved`, `pass --force to overwrite, or -o to choose another path; the image is in response ${target.responseId}`);
    }
    throw withRefetchHint(error instanceof FileWriteError ? error : new FileWriteError(path ?? plan.directory, error), target.responseId);
  }
}

function displayPath(path: string, cwd = process.cwd()): string {
  const inside = relative(cwd, path);
  return inside && !inside.startsWith('..') && !isAbsolute(inside) ? inside : path;
}
