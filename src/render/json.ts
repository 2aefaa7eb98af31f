// --json prints the API's JSON unchanged. On a terminal it is indented for reading; on a pipe
// the exact bytes the service sent are passed through.
import { oneLine } from '../core/errors.ts';
import type { IO } from '../io/io.ts';
import { neutralise, terminalJson } from './terminal-text.ts';

export function printJson(io: IO, raw: string): void {
  if (io.stdoutIsTTY) {
    try {
      io.out(`${terminalJson(JSON.stringify(JSON.parse(raw), null, 2))}\n`);
      return;
    } catch {
      // Not JSON after all: print it as it came, shown not obeyed.
      io.out(`${neutralise(raw.replace(/\n$/, ''))}\n`);
      return;
    }
  }
  io.out(raw.endsWith('\n') ? raw : `${raw}\n`);
}

/** One value per line (NDJSON), for lists and streams; the same JSON, C1 escaped, on a terminal. */
export function printJsonLine(io: IO, value: unknown): void {
  const line = JSON.stringify(value);
  io.out(`${io.stdoutIsTTY ? terminalJson(line) : line}\n`);
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
