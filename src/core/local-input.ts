// Every local input is bounded: files named by flags, stdin. A file flag pointed at /dev/zero, a
// terminal or a FIFO nobody writes must fail fast with one line, not eat memory or hang; text that
// is not UTF-8 is an error naming the byte offset, never silently turned into U+FFFD.
import { closeSync, fstatSync, openSync, readSync, constants } from 'node:fs';
import { isUtf8 } from 'node:buffer';
import { UsageError } from './errors.ts';
import { sleepSync } from './sleep-sync.ts';

const MiB = 1024 * 1024;

/** Caps on what aoai reads locally (generous: a request body is far smaller in practice). */
export const INPUT_LIMITS = {
  /** A prompt on stdin, a JSON file (--body, --schema, --tools, --input-items), an @FILE value. */
  text: 32 * MiB,
  /** --api-key-stdin and `config set api-key` on stdin. */
  secret: 64 * 1024,
} as const;

/** How long a pipe (`--schema <(generate)`) may stay silent before aoai gives up on it. */
const PIPE_IDLE_TIMEOUT_MS = 30_000;

export function describeFsError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'is a directory';
  return (error as Error).message;
}

function megabytes(bytes: number): string {
  return bytes >= MiB ? `${bytes / MiB} MB` : `${bytes / 1024} KB`;
}

/**
 * A file's bytes, for `flag` (named in every error). Regular files and pipes (read with the cap
 * and an idle timeout) are accepted; directories, terminals, /dev/zero and other devices are not.
 */
export function readLocalBytes(path: string, flag: string, limit: number = INPUT_LIMITS.text): Buffer {
  let fd: number;
  try {
    // Non-blocking: opening a FIFO with no writer must not wait forever.
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  } catch (error) {
    throw new UsageError(`${flag}: cannot read ${path}: ${describeFsError(error)}`);
  }
  try {
    const info = fstatSync(fd);
    if (info.isDirectory()) throw new UsageError(`${flag}: cannot read ${path}: is a directory`);
    if (info.isCharacterDevice() || info.isBlockDevice() || info.isSocket()) {
      const kind = info.isCharacterDevice() ? 'a character device (a terminal, /dev/zero…)' : info.isSocket() ? 'a socket' : 'a block device';
      throw new UsageError(`${flag}: ${path} is ${kind}, not a file`, 'pass a regular file, or pipe the content in');
    }
    if (info.isFile() && info.size > limit) throw tooLarge(flag, path, limit);
    return readBounded(fd, path, flag, limit, info.isFIFO());
  } finally {
    closeSync(fd);
  }
}

function readBounded(fd: number, path: string, flag: string, limit: number, pipe: boolean): Buffer {
  const chunks: Buffer[] = [];
  let total = 0;
  let idleSince = Date.now();
  for (;;) {
    const chunk = Buffer.allocUnsafe(64 * 1024);
    let read: number;
    try {
      read = readSync(fd, chunk, 0, chunk.length, null);
      // A named FIFO whose writer has not opened it yet reads as an immediate end: wait for it.
      if (pipe && read === 0 && total === 0) throw Object.assign(new Error('no writer yet'), { code: 'EAGAIN' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw new UsageError(`${flag}: cannot read ${path}: ${describeFsError(error)}`);
      if (Date.now() - idleSince > PIPE_IDLE_TIMEOUT_MS) {
        throw new UsageError(`${flag}: nothing arrived from ${path} for ${PIPE_IDLE_TIMEOUT_MS / 1000} s`, 'is the program writing to it still running?');
      }
      sleepSync(10);
      continue;
    }
    if (read === 0) break;
    total += read;
    if (total > limit) throw tooLarge(flag, path, limit);
    chunks.push(chunk.subarray(0, read));
    if (pipe) idleSince = Date.now();
  }
  return Buffer.concat(chunks, total);
}

/** A text file for `flag`: bounded (see readLocalBytes), UTF-8 (a leading BOM is dropped). */
export function readLocalText(path: string, flag: string, limit: number = INPUT_LIMITS.text): string {
  return decodeUtf8(readLocalBytes(path, flag, limit), `${flag}: ${path}`);
}

/** All of a stream (stdin), at most `limit` bytes, as UTF-8. `what` names it in errors. */
export async function readStreamText(stream: NodeJS.ReadableStream, what: string, limit: number = INPUT_LIMITS.text): Promise<string> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    total += bytes.length;
    if (total > limit) {
      // Stop reading at once: /dev/zero never ends.
      (stream as NodeJS.ReadableStream & { destroy?: () => void }).destroy?.();
      throw tooLarge(what, undefined, limit);
    }
    chunks.push(bytes);
  }
  return decodeUtf8(Buffer.concat(chunks, total), what);
}

function tooLarge(flag: string, path: string | undefined, limit: number): UsageError {
  return new UsageError(`${flag}: ${path === undefined ? 'input' : path} is larger than ${megabytes(limit)}`, 'aoai reads at most that much from a local input');
}

/** Bytes → text, refusing anything that is not UTF-8 with the offset of the first bad byte. */
export function decodeUtf8(bytes: Buffer, what: string): string {
  if (!isUtf8(bytes)) {
    const offset = invalidUtf8Offset(bytes);
    throw new UsageError(
      `${what} is not valid UTF-8 (byte offset ${offset}: 0x${bytes[offset]!.toString(16).padStart(2, '0')})`,
      'convert it first, e.g. iconv -f LATIN1 -t UTF-8 FILE',
    );
  }
  const text = bytes.toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** The offset where the first malformed UTF-8 sequence starts. */
export function invalidUtf8Offset(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const lead = bytes[i]!;
    if (lead < 0x80) {
      i++;
      continue;
    }
    const length = lead >= 0xc2 && lead <= 0xdf ? 2 : lead >= 0xe0 && lead <= 0xef ? 3 : lead >= 0xf0 && lead <= 0xf4 ? 4 : 0;
    if (length === 0) return i;
    // The second byte's range excludes overlong forms, surrogates and code points past U+10FFFF.
    const second = bytes[i + 1];
    const [low, high] = lead === 0xe0 ? [0xa0, 0xbf] : lead === 0xed ? [0x80, 0x9f] : lead === 0xf0 ? [0x90, 0xbf] : lead === 0xf4 ? [0x80, 0x8f] : [0x80, 0xbf];
    if (second === undefined || second < low || second > high) return i;
    for (let k = 2; k < length; k++) {
      const next = bytes[i + k];
      if (next === undefined || (next & 0xc0) !== 0x80) return i;
    }
    i += length;
  }
  return -1;
}
