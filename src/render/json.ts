// --json prints the API's JSON unchanged. On a terminal it is indented for reading; on a pipe
// the exact bytes the service sent are passed through. Large images the fetch layer held on disk
// (core/spool.ts) are streamed back in place of their tokens, so stdout is the service's JSON
// whatever the image's size, and memory stays at one chunk.
import { once } from 'node:events';
import { oneLine } from '../core/errors.ts';
import { hasSpoolTokens, inlinedPieces } from '../core/spool.ts';
import type { IO } from '../io/io.ts';
import { neutralise, terminalJson } from './terminal-text.ts';

export async function printJson(io: IO, raw: string): Promise<void> {
  if (io.stdoutIsTTY) {
    let pretty: string;
    try {
      pretty = terminalJson(JSON.stringify(JSON.parse(raw), null, 2));
    } catch {
      // Not JSON after all: print it as it came, shown not obeyed.
      io.out(`${neutralise(raw.replace(/\n$/, ''))}\n`);
      return;
    }
    await writeJson(io, `${pretty}\n`);
    return;
  }
  await writeJson(io, raw.endsWith('\n') ? raw : `${raw}\n`);
}

/** One value per line (NDJSON), for lists and streams; the same JSON, C1 escaped, on a terminal. */
export async function printJsonLine(io: IO, value: unknown): Promise<void> {
  const line = JSON.stringify(value);
  await writeJson(io, `${io.stdoutIsTTY ? terminalJson(line) : line}\n`);
}

/** JSON text to stdout, each spool token replaced by the string it stands for, read from disk. */
async function writeJson(io: IO, text: string): Promise<void> {
  if (!hasSpoolTokens(text)) {
    io.out(text);
    return;
  }
  for (const piece of jsonPieces(text, io.stdoutIsTTY)) {
    io.out(piece);
    await drained(io);
  }
}

/** JSON text for stdout in pieces, spooled strings read back from disk (C1-escaped on a terminal). */
export function jsonPieces(text: string, terminal: boolean): Generator<string | Buffer> {
  return inlinedPieces(text, terminal ? terminalJson : undefined);
}

/** Wait while stdout's buffer is full, so a slow reader does not make aoai hold the whole image. */
async function drained(io: IO): Promise<void> {
  const stdout = io.stdout as IO['stdout'] & { writableNeedDrain?: boolean };
  if (!stdout.writableNeedDrain || stdout.destroyed) return;
  const stop = new AbortController();
  // Whichever comes first; the other listeners go with the signal (a long image waits thousands of times).
  await Promise.race(['drain', 'close', 'error'].map((event) => once(stdout, event, { signal: stop.signal }).catch(() => undefined)));
  stop.abort();
}

/**
 * JSON text on one line (for NDJSON and for showing arguments inline), whatever formatting the
 * service used; text that is not JSON is folded onto one line as it is.
 */
export function compactJson(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text));
  } catch {
    return oneLine(text);
  }
}
