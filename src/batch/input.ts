// Batch input files are read a line at a time, never whole: a Global Batch file may be 200 MB and
// 100,000 lines, and `aoai batch run` must stay flat in memory however long the file is. Every
// line is bounded, and every problem names its line number.
import { createWriteStream, fstatSync, mkdtempSync, openSync, closeSync, rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import type { Readable } from 'node:stream';
import { UsageError } from '../core/errors.ts';
import { describeFsError } from '../core/local-input.ts';
import type { IO } from '../io/io.ts';

const MiB = 1024 * 1024;

/**
 * The longest line read. A request line carries a whole request body (base64 images included), so
 * this matches the cap on any other local input; the service itself rejects far smaller bodies.
 */
export const MAX_LINE_BYTES = 32 * MiB;

/** The most standard input is spooled to a temporary file (it is read twice: checked, then sent). */
export const MAX_SPOOLED_STDIN_BYTES = 4096 * MiB;

export interface InputLine {
  /** 1-based, as editors and error messages count. */
  number: number;
  /** The line without its newline (and without a trailing \r); undefined when it was too long or not UTF-8. */
  text: string | undefined;
  /** Why `text` is missing. */
  problem?: string;
  /** Byte offsets of the line in the file: [start, end), the newline excluded. */
  start: number;
  end: number;
  /** False for a last line with no newline after it (a torn write, in a file aoai appends to). */
  terminated: boolean;
}

const NEWLINE = 0x0a;

/**
 * The lines of a stream, one at a time. A line longer than `maxLineBytes` is skipped to its end
 * (reported as a problem, never buffered whole), so one bad line cannot exhaust memory.
 */
export async function* readLines(stream: AsyncIterable<Uint8Array>, maxLineBytes = MAX_LINE_BYTES): AsyncGenerator<InputLine> {
  let parts: Buffer[] = [];
  let partBytes = 0;
  let tooLong = false;
  let lineStart = 0;
  let offset = 0;
  let number = 0;
  const finish = (end: number, terminated: boolean): InputLine => {
    number++;
    const line: InputLine = { number, text: undefined, start: lineStart, end, terminated };
    if (tooLong) {
      line.problem = `longer than ${maxLineBytes / MiB} MB`;
    } else {
      let bytes = parts.length === 1 ? parts[0]! : Buffer.concat(parts, partBytes);
      if (bytes.length > 0 && bytes[bytes.length - 1] === 0x0d) bytes = bytes.subarray(0, bytes.length - 1);
      const text = decodeStrictUtf8(bytes);
      if (text === undefined) line.problem = 'not valid UTF-8';
      else line.text = text;
    }
    parts = [];
    partBytes = 0;
    tooLong = false;
    return line;
  };
  for await (const chunk of stream) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
    let from = 0;
    while (from < buffer.length) {
      const newline = buffer.indexOf(NEWLINE, from);
      const to = newline === -1 ? buffer.length : newline;
      if (!tooLong) {
        if (partBytes + (to - from) > maxLineBytes) {
          tooLong = true;
          parts = [];
          partBytes = 0;
        } else if (to > from) {
          // A line that goes on into the next chunk keeps a copy: the reader may reuse its buffer.
          parts.push(newline === -1 ? Buffer.from(buffer.subarray(from, to)) : buffer.subarray(from, to));
          partBytes += to - from;
        }
      }
      if (newline === -1) break;
      yield finish(offset + newline, true);
      lineStart = offset + newline + 1;
      from = newline + 1;
    }
    offset += buffer.length;
  }
  if (offset > lineStart) yield finish(offset, false);
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function decodeStrictUtf8(bytes: Uint8Array): string | undefined {
  try {
    return utf8.decode(bytes);
  } catch {
    return undefined;
  }
}

/** Bytes read from a file at a time. */
const READ_CHUNK_BYTES = 64 * 1024;

/** The lines of a file on disk (for the second and later passes over an input, and for resume). */
export function readFileLines(path: string, maxLineBytes = MAX_LINE_BYTES): AsyncGenerator<InputLine> {
  return readLines(fileChunks(path), maxLineBytes);
}

/**
 * A file's bytes, read into one buffer over and over. A stream would allocate a new buffer for each
 * chunk, and 200 MB of them, outside the JavaScript heap, are collected late: memory would grow
 * with the size of the input instead of staying flat.
 */
async function* fileChunks(path: string): AsyncGenerator<Uint8Array> {
  const file = await open(path, 'r');
  try {
    const buffer = Buffer.allocUnsafe(READ_CHUNK_BYTES);
    for (;;) {
      const { bytesRead } = await file.read(buffer, 0, buffer.length, null);
      if (bytesRead === 0) return;
      yield buffer.subarray(0, bytesRead);
    }
  } finally {
    await file.close();
  }
}

/** A batch input that can be read more than once: a file, or standard input spooled to a temporary file. */
export interface BatchInput {
  /** What messages call it: the path as given, or "stdin". */
  readonly name: string;
  /** A regular file to read from. */
  readonly path: string;
  /** The argument as given ('-' for stdin), for printed commands. */
  readonly argument: string;
  /** Remove the spool file, if any. */
  dispose(): void;
}

/**
 * Open FILE or '-' as a re-readable batch input. Standard input is copied to a private temporary
 * file as it arrives (bounded), because the input is checked in full before anything is sent and
 * then read again to send it.
 */
export async function openBatchInput(io: IO, argument: string): Promise<BatchInput> {
  if (argument !== '-') {
    let fd: number;
    try {
      fd = openSync(argument, 'r');
    } catch (error) {
      throw new UsageError(`cannot read ${argument}: ${describeFsError(error)}`);
    }
    try {
      const info = fstatSync(fd);
      if (info.isDirectory()) throw new UsageError(`cannot read ${argument}: is a directory`);
      if (!info.isFile()) throw new UsageError(`${argument} is not a regular file`, "pipe it in instead: aoai batch … - < FILE, or cat FILE | aoai batch … -");
    } finally {
      closeSync(fd);
    }
    return { name: argument, path: argument, argument, dispose() {} };
  }
  if (io.stdinIsTTY) throw new UsageError('the batch input is read from standard input, which is a terminal', 'give a file: aoai batch run FILE, or pipe it in: cat FILE | aoai batch run -');
  return spoolStdin(io.stdin);
}

async function spoolStdin(stdin: Readable): Promise<BatchInput> {
  const directory = mkdtempSync(join(tmpdir(), 'aoai-batch-'));
  const path = join(directory, 'stdin.jsonl');
  const dispose = () => rmSync(directory, { recursive: true, force: true });
  // A run cut short by a signal exits without unwinding; the spool goes with the process.
  process.once('exit', dispose);
  try {
    const out = createWriteStream(path, { mode: 0o600 });
    let bytes = 0;
    for await (const chunk of stdin) {
      bytes += (chunk as Buffer).length;
      if (bytes > MAX_SPOOLED_STDIN_BYTES) throw new UsageError(`standard input is larger than ${MAX_SPOOLED_STDIN_BYTES / MiB} MB`, 'split it into several files');
      if (!out.write(chunk)) await once(out, 'drain');
    }
    out.end();
    await once(out, 'close');
  } catch (error) {
    dispose();
    if (error instanceof UsageError) throw error;
    throw new UsageError(`cannot keep a copy of standard input in ${directory}: ${describeFsError(error)}`, 'give the input as a file: aoai batch run FILE');
  }
  return {
    name: 'stdin',
    path,
    argument: '-',
    dispose() {
      process.removeListener('exit', dispose);
      dispose();
    },
  };
}
