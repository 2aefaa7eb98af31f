// The Files API (multipart upload, list, retrieve, content, delete) and container file content,
// shaped like Azure's: purposes assistants, batch, fine-tune, vision, user_data and evals, ids `file-…`,
// status `processed`. Uploaded ids are accepted as input `file_id`s.
import type { RequestContext, Route } from './context.ts';
import { azureError, invalidRequest, sendJson, standardHeaders } from './http.ts';
import { randomHex } from './ids.ts';
import { containerFile } from './output/code-interpreter.ts';
import type { ResponseStore } from './store.ts';
import type { StoredItem } from './types.ts';

export const FILE_PURPOSES = ['assistants', 'batch', 'fine-tune', 'vision', 'user_data', 'evals'] as const;
const MAX_UPLOAD_BYTES = 512 * 1024 * 1024;

export interface StoredFile {
  object: 'file';
  id: string;
  purpose: string;
  filename: string;
  bytes: number;
  created_at: number;
  status: 'processed';
  status_details: null;
  /** Set when the file was uploaded (or, for batch output, created) with an expiry. */
  expires_at?: number;
  content: Buffer;
}

/** Azure's range for a batch file's `expires_after.seconds` (14 to 30 days); OpenAI's for other purposes. */
export const BATCH_EXPIRY_SECONDS = { min: 1_209_600, max: 2_592_000 } as const;
const OTHER_EXPIRY_SECONDS = { min: 3600, max: 2_592_000 } as const;

/** Files live beside the responses of one emulator instance. */
const filesByStore = new WeakMap<ResponseStore, Map<string, StoredFile>>();

export function filesOf(store: ResponseStore): Map<string, StoredFile> {
  let files = filesByStore.get(store);
  if (!files) filesByStore.set(store, (files = new Map()));
  return files;
}

const ID = '([^/]+)';

export const fileRoutes: Route[] = [
  { method: 'POST', pattern: /^\/files$/, handler: uploadFile },
  { method: 'GET', pattern: /^\/files$/, handler: listFiles },
  { method: 'GET', pattern: new RegExp(`^/files/${ID}$`), handler: retrieveFile },
  { method: 'GET', pattern: new RegExp(`^/files/${ID}/content$`), handler: fileContent },
  { method: 'DELETE', pattern: new RegExp(`^/files/${ID}$`), handler: deleteFile },
  { method: 'GET', pattern: new RegExp(`^/containers/${ID}/files/${ID}/content$`), handler: containerFileContent },
];

function publicFile(file: StoredFile): Omit<StoredFile, 'content'> {
  const { content: _content, ...rest } = file;
  void _content;
  return rest;
}

function uploadFile(ctx: RequestContext): void {
  const type = ctx.req.headers['content-type'] ?? '';
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(type);
  if (!type.toLowerCase().startsWith('multipart/form-data') || !boundary) {
    throw invalidRequest("Invalid Content-Type header: expected 'multipart/form-data'.", null, 'invalid_content_type', 415);
  }
  const parts = parseMultipart(ctx.rawBody, boundary[1] ?? boundary[2]!);
  const purpose = parts.find((part) => part.name === 'purpose')?.data.toString('utf8');
  const file = parts.find((part) => part.name === 'file');
  if (!purpose) throw invalidRequest("Missing required parameter: 'purpose'.", 'purpose', 'missing_required_parameter');
  if (!(FILE_PURPOSES as readonly string[]).includes(purpose)) {
    throw invalidRequest(`Invalid value for purpose: '${purpose}'. Supported values are: ${FILE_PURPOSES.map((p) => `'${p}'`).join(', ')}.`, 'purpose', 'invalid_value');
  }
  if (!file || file.filename === undefined) throw invalidRequest("Missing required parameter: 'file'.", 'file', 'missing_required_parameter');
  if (file.data.length === 0) throw invalidRequest('The file is empty.', 'file', 'empty_file');
  if (file.data.length > MAX_UPLOAD_BYTES) throw azureError(413, 'RequestEntityTooLarge', 'The file exceeds the 512 MB limit.');
  const field = (name: string) => parts.find((part) => part.name === name)?.data.toString('utf8');
  const anchor = field('expires_after[anchor]');
  const seconds = field('expires_after[seconds]');
  const expiresAfter = anchor === undefined && seconds === undefined ? undefined : checkExpiresAfter('expires_after', anchor, seconds, purpose === 'batch' ? BATCH_EXPIRY_SECONDS : OTHER_EXPIRY_SECONDS);
  const stored = storeFile(ctx.store, { purpose, filename: file.filename, content: file.data, expiresAfterSeconds: expiresAfter });
  sendJson(ctx.res, 200, publicFile(stored));
}

/**
 * An `expires_after` (`{anchor, seconds}`), from a multipart upload or a JSON body: the anchor must
 * be `created_at` and the seconds a whole number in range. Returns the seconds.
 */
export function checkExpiresAfter(param: string, anchor: unknown, seconds: unknown, range: { min: number; max: number }): number {
  if (anchor !== 'created_at') {
    throw invalidRequest(`Invalid value for '${param}.anchor': ${JSON.stringify(anchor ?? null)}. Supported values are: 'created_at'.`, `${param}.anchor`, 'invalid_value');
  }
  const value = typeof seconds === 'string' && /^-?\d+$/.test(seconds) ? Number(seconds) : seconds;
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw invalidRequest(`Invalid type for '${param}.seconds': expected an integer, but got ${JSON.stringify(seconds ?? null)} instead.`, `${param}.seconds`, 'invalid_type');
  }
  if (value < range.min) {
    throw invalidRequest(`Invalid '${param}.seconds': integer below minimum value. Expected a value >= ${range.min}, but got ${value} instead.`, `${param}.seconds`, 'integer_below_min_value');
  }
  if (value > range.max) {
    throw invalidRequest(`Invalid '${param}.seconds': integer above maximum value. Expected a value <= ${range.max}, but got ${value} instead.`, `${param}.seconds`, 'integer_above_max_value');
  }
  return value;
}

/** Keep a new file (an upload, or a batch's output) and return it. */
export function storeFile(store: ResponseStore, file: { purpose: string; filename: string; content: Buffer; expiresAfterSeconds?: number | undefined }): StoredFile {
  const createdAt = Math.floor(Date.now() / 1000);
  const stored: StoredFile = {
    object: 'file',
    id: `file-${randomHex(16)}`,
    purpose: file.purpose,
    filename: file.filename,
    bytes: file.content.length,
    created_at: createdAt,
    status: 'processed',
    status_details: null,
    ...(file.expiresAfterSeconds !== undefined ? { expires_at: createdAt + file.expiresAfterSeconds } : {}),
    content: file.content,
  };
  filesOf(store).set(stored.id, stored);
  return stored;
}

/** A file by id, or undefined when there is none or it has expired (the service deletes expired files). */
export function liveFile(store: ResponseStore, id: string): StoredFile | undefined {
  const file = filesOf(store).get(id);
  if (file?.expires_at !== undefined && file.expires_at * 1000 <= Date.now()) {
    filesOf(store).delete(id);
    return undefined;
  }
  return file;
}

function listFiles(ctx: RequestContext): void {
  const query = ctx.url.searchParams;
  const purpose = query.get('purpose');
  const order = query.get('order') ?? 'desc';
  const limit = Math.min(10_000, Math.max(1, Number(query.get('limit') ?? 10_000) || 10_000));
  let files = [...filesOf(ctx.store).values()].filter((file) => purpose === null || file.purpose === purpose);
  if (order === 'desc') files.reverse();
  const after = query.get('after');
  if (after !== null) files = files.slice(files.findIndex((file) => file.id === after) + 1);
  const page = files.slice(0, limit).map(publicFile);
  sendJson(ctx.res, 200, { object: 'list', data: page, first_id: page[0]?.id ?? null, last_id: page.at(-1)?.id ?? null, has_more: files.length > page.length });
}

function storedFile(ctx: RequestContext): StoredFile {
  const id = ctx.params[0]!;
  const file = liveFile(ctx.store, id);
  if (!file) throw invalidRequest(`No such File object: ${id}`, 'id', null, 404);
  return file;
}

function retrieveFile(ctx: RequestContext): void {
  sendJson(ctx.res, 200, publicFile(storedFile(ctx)));
}

function sendBytes(ctx: RequestContext, data: Buffer): void {
  ctx.res.writeHead(200, { ...standardHeaders(), 'content-type': 'application/octet-stream', 'content-length': String(data.length) });
  ctx.res.end(data);
}

function fileContent(ctx: RequestContext): void {
  sendBytes(ctx, storedFile(ctx).content);
}

function deleteFile(ctx: RequestContext): void {
  const file = storedFile(ctx);
  filesOf(ctx.store).delete(file.id);
  sendJson(ctx.res, 200, { object: 'file', id: file.id, deleted: true });
}

/** Container files are what the emulated code interpreter wrote (output/code-interpreter.ts). */
function containerFileContent(ctx: RequestContext): void {
  const [containerId, fileId] = ctx.params as [string, string];
  const content = containerFile(containerId, fileId);
  if (!content) throw invalidRequest(`No such file ${fileId} in container ${containerId}.`, null, null, 404);
  sendBytes(ctx, content);
}

const IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/webp', 'image/gif'];
const DATA_URL = /^data:([^;,]+);base64,([A-Za-z0-9+/]*={0,2})$/;

/**
 * The service's checks on input parts: a file id must name a file uploaded to this emulator that
 * still exists (the service answers 404 for any other id, `assistant-…` ids included), and inline
 * images and files must be base64 data URLs of a supported type.
 */
export function checkInputParts(store: ResponseStore, items: readonly StoredItem[]): void {
  const files = filesOf(store);
  for (const [index, item] of items.entries()) {
    if (item.type !== 'message' || !Array.isArray(item.content)) continue;
    for (const [partIndex, part] of (item.content as Array<Record<string, unknown>>).entries()) {
      const where = `input[${index}].content[${partIndex}]`;
      const id = part.file_id;
      if ((part.type === 'input_file' || part.type === 'input_image') && typeof id === 'string' && !files.has(id)) {
        throw invalidRequest(`The file '${id}' was not found.`, 'input', 'file_not_found', 404);
      }
      if (part.type === 'input_image' && typeof part.image_url === 'string' && part.image_url.startsWith('data:')) {
        const match = DATA_URL.exec(part.image_url);
        if (!match || !IMAGE_TYPES.includes(match[1]!)) {
          const got = match ? `unsupported MIME type '${match[1]}'` : 'an invalid data URL';
          throw invalidRequest(
            `Invalid '${where}.image_url'. Expected a base64-encoded data URL with an image MIME type (e.g. 'data:image/png;base64,aW1nIGJ5dGVzIGhlcmU='), but got ${got}.`,
            `${where}.image_url`,
            'invalid_value',
          );
        }
      }
      if (part.type === 'input_file' && typeof part.file_data === 'string') {
        const match = DATA_URL.exec(part.file_data);
        if (!match) throw invalidRequest(`Invalid '${where}.file_data'. Expected a base64-encoded data URL.`, `${where}.file_data`, 'invalid_value');
        if (typeof part.filename !== 'string') throw invalidRequest(`Missing required parameter: '${where}.filename'.`, `${where}.filename`, 'missing_required_parameter');
      }
    }
  }
}

interface Part {
  name: string | undefined;
  filename: string | undefined;
  data: Buffer;
}

/** A multipart/form-data body → its parts (enough of RFC 7578 for what HTTP clients send). */
export function parseMultipart(body: Buffer, boundary: string): Part[] {
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: Part[] = [];
  let start = body.indexOf(delimiter);
  while (start !== -1) {
    start += delimiter.length;
    if (body.subarray(start, start + 2).toString() === '--') break;
    const next = body.indexOf(delimiter, start);
    if (next === -1) break;
    // Each part: CRLF, headers, CRLF CRLF, data, CRLF, then the next delimiter.
    const section = body.subarray(start + 2, next - 2);
    const headerEnd = section.indexOf('\r\n\r\n');
    if (headerEnd !== -1) {
      const headers = section.subarray(0, headerEnd).toString('utf8');
      const disposition = /content-disposition:([^\r\n]*)/i.exec(headers)?.[1] ?? '';
      const name = /\bname="([^"]*)"/i.exec(disposition)?.[1];
      const filename = /\bfilename="([^"]*)"/i.exec(disposition)?.[1];
      parts.push({ name, filename, data: Buffer.from(section.subarray(headerEnd + 4)) });
    }
    start = next;
  }
  return parts;
}
