// --json prints the API's JSON unchanged. On a terminal it is indented for reading; on a pipe
// the exact bytes the service sent are passed through.
import type { IO } from '../io/io.ts';

export function printJson(io: IO, raw: string): void {
  if (io.stdoutIsTTY) {
    try {
      io.out(`${JSON.stringify(JSON.parse(raw), null, 2)}\n`);
      return;
    } catch {
      // Not JSON after all: fall through and print it as it came.
    }
  }
  io.out(raw.endsWith('\n') ? raw : `${raw}\n`);
}

/** One value per line (NDJSON), for lists and streams. */
export function printJsonLine(io: IO, value: unknown): void {
  io.out(`${JSON.stringify(value)}\n`);
}
