// /attach PATH|URL|FILE_ID: an image or a PDF for the next message. The kind comes from the file's
// first bytes (or a URL's extension), and the checks are those of --image and --file.
import { closeSync, constants, openSync, readSync } from 'node:fs';
import { homedir } from 'node:os';
import type { ResponseInputContent } from 'openai/resources/responses/responses';
import { UsageError } from '../core/errors.ts';
import { attachmentPart, isFileId, sniffMime, type AttachmentKind } from '../request/attachments.ts';

export interface Attachment {
  ref: string;
  kind: AttachmentKind;
  part: ResponseInputContent;
}

export async function chatAttachment(input: string, env: NodeJS.ProcessEnv): Promise<Attachment> {
  const ref = expandHome(input, env);
  const kind = kindOf(ref);
  try {
    return { ref, kind, part: await attachmentPart(ref, kind) };
  } catch (error) {
    // The checks speak of --image/--file; here the user typed /attach.
    if (error instanceof UsageError) throw new UsageError(error.message.replace(/^--(image|file): /, '/attach: '), error.hint);
    throw error;
  }
}

/** `~/x` → `$HOME/x`: the shell is not there to do it for a slash command. */
export function expandHome(path: string, env: NodeJS.ProcessEnv): string {
  return path.replace(/^~(?=\/|$)/, env.HOME || homedir());
}

function kindOf(ref: string): AttachmentKind {
  if (/^https?:\/\//i.test(ref)) return /\.pdf(?:[?#]|$)/i.test(ref) ? 'file' : 'image';
  if (/^data:/i.test(ref)) return 'image';
  const head = readHead(ref);
  if (head === undefined) return isFileId(ref) ? 'file' : 'image';
  return sniffMime(head) === 'application/pdf' ? 'file' : 'image';
}

function readHead(path: string): Buffer | undefined {
  let fd: number | undefined;
  try {
    // Non-blocking: a FIFO nobody writes must not stall the chat (attachmentPart refuses it).
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
    const head = Buffer.alloc(16);
    return head.subarray(0, readSync(fd, head, 0, 16, 0));
  } catch {
    // Missing or unreadable: attachmentPart reports it properly.
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
