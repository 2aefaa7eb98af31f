// A finished job's results, as one file: the output file's lines and then the error file's, both
// in Global Batch's output-line shape `{id, custom_id, response, error}` (the shape `aoai batch run`
// writes), streamed to disk (all or nothing: core/atomic-write.ts) or to stdout, never whole in
// memory. With --order input they come in the input file's order instead (ordered.ts).
import type { Batch } from 'openai/resources/batches';
import type { Client } from '../../core/client.ts';
import { openAtomic, type AtomicWriter } from '../../core/atomic-write.ts';
import { serviceId } from '../../core/ids.ts';
import type { IO } from '../../io/io.ts';
import { terminalJson } from '../../render/terminal-text.ts';

/** Where results go: a file (written whole or not at all) or stdout ('-'). */
export type ResultsTarget = { kind: 'file'; path: string; force: boolean } | { kind: 'stdout' };

export interface ResultsSummary {
  /** Lines of the output file (answered requests). */
  succeeded: number;
  /** Lines of the error file (requests that failed). */
  failed: number;
  bytes: number;
}

/** The files a job left behind, each id held to the service's shape before it goes into a URL. */
export function resultFileIds(batch: Batch): Array<{ id: string; kind: 'output' | 'error' }> {
  const files: Array<{ id: string; kind: 'output' | 'error' }> = [];
  if (batch.output_file_id) files.push({ id: serviceId('file', batch.output_file_id, 'output file id'), kind: 'output' });
  if (batch.error_file_id) files.push({ id: serviceId('file', batch.error_file_id, 'error file id'), kind: 'error' });
  return files;
}

/** A sink that counts lines per source file and makes sure each file's last line ends. */
export interface LineSink {
  write(chunk: Uint8Array): void;
  /** Finish one source file: a missing final newline is added so the next file starts a line. */
  endSource(): void;
  commit(): Promise<void>;
  abort(): void;
  readonly bytes: number;
}

export function openSink(target: ResultsTarget, io: IO): LineSink {
  if (target.kind === 'stdout') {
    // On a terminal the JSON is shown, never obeyed (DEL and C1 escaped); on a pipe, byte-exact.
    const decoder = io.stdoutIsTTY ? new TextDecoder() : undefined;
    return lineSink((chunk) => io.out(decoder ? terminalJson(decoder.decode(chunk, { stream: true })) : chunk), () => io.flush(), () => undefined);
  }
  const writer: AtomicWriter = openAtomic(target.path, { exclusive: !target.force });
  return lineSink((chunk) => writer.write(chunk), async () => writer.commit(), () => writer.abort());
}

function lineSink(write: (chunk: Uint8Array) => void, commit: () => Promise<void>, abort: () => void): LineSink {
  let lastByte = 0x0a;
  let bytes = 0;
  const put = (chunk: Uint8Array) => {
    if (chunk.length === 0) return;
    write(chunk);
    bytes += chunk.length;
    lastByte = chunk[chunk.length - 1]!;
  };
  return {
    get bytes() {
      return bytes;
    },
    write: put,
    endSource: () => {
      if (lastByte !== 0x0a) put(Buffer.from('\n'));
    },
    commit,
    abort,
  };
}

/** Counts newline-terminated lines in a stream of chunks (and a last line without one). */
export class LineCounter {
  lines = 0;
  private pending = false;
  push(chunk: Uint8Array): void {
    for (const byte of chunk) {
      if (byte === 0x0a) {
        this.lines++;
        this.pending = false;
      } else {
        this.pending = true;
      }
    }
  }
  end(): number {
    if (this.pending) this.lines++;
    this.pending = false;
    return this.lines;
  }
}

/** Open the target, let `fill` write it, then commit it; on any failure it is aborted (an old file stays as it was). */
export async function fillTarget(target: ResultsTarget, io: IO, fill: (sink: LineSink) => Promise<void>): Promise<number> {
  const sink = openSink(target, io);
  try {
    await fill(sink);
    await sink.commit();
  } catch (error) {
    sink.abort();
    throw error;
  }
  return sink.bytes;
}

/** Download the jobs' output and error files into `target`: each job's output lines, then its error lines. */
export async function downloadResults(client: Client, batches: readonly Batch[], target: ResultsTarget, io: IO): Promise<ResultsSummary> {
  const summary: ResultsSummary = { succeeded: 0, failed: 0, bytes: 0 };
  summary.bytes = await fillTarget(target, io, async (sink) => {
    for (const file of batches.flatMap(resultFileIds)) {
      const http = await client.files.content(file.id);
      const counter = new LineCounter();
      for await (const chunk of (http.body ?? []) as AsyncIterable<Uint8Array>) {
        counter.push(chunk);
        sink.write(chunk);
      }
      sink.endSource();
      summary[file.kind === 'output' ? 'succeeded' : 'failed'] += counter.end();
    }
  });
  return summary;
}
