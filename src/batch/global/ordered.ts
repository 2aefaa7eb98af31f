// Results in the input file's order (--order input). The service returns lines in any order, so
// the output and error files are first downloaded to a private temporary directory; an index of
// custom_id → byte range is built while they stream past (the lines themselves stay on disk), then
// the input file is read line by line and each request's result copied across. Memory grows with
// the number of custom_ids only, never with the size of the answers. Results whose custom_id is not
// in the input (the wrong --input file?) follow at the end, in the service's order.
import { closeSync, mkdtempSync, openSync, readSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Batch } from 'openai/resources/batches';
import { saveDownload } from '../../core/download.ts';
import type { Client } from '../../core/client.ts';
import type { IO } from '../../io/io.ts';
import { readFileLines } from '../input.ts';
import { fillTarget, resultFileIds, type ResultsSummary, type ResultsTarget } from './results.ts';

interface Located {
  file: number;
  start: number;
  length: number;
}

export async function downloadInInputOrder(client: Client, batches: readonly Batch[], target: ResultsTarget, inputPath: string, io: IO): Promise<ResultsSummary> {
  const directory = mkdtempSync(join(tmpdir(), 'aoai-results-'));
  const descriptors: number[] = [];
  try {
    const summary: ResultsSummary = { succeeded: 0, failed: 0, bytes: 0 };
    const index = new Map<string, Located>();
    const unmatched: Located[] = [];
    for (const [number, file] of batches.flatMap(resultFileIds).entries()) {
      const path = join(directory, `${number}-${file.kind}.jsonl`);
      const http = await client.files.content(file.id);
      await saveDownload((http.body ?? []) as AsyncIterable<Uint8Array>, path, { exclusive: true });
      descriptors[number] = openSync(path, 'r');
      for await (const line of readFileLines(path)) {
        if (line.end === line.start) continue;
        summary[file.kind === 'output' ? 'succeeded' : 'failed']++;
        const located = { file: number, start: line.start, length: line.end - line.start };
        const id = customIdOf(line.text);
        if (id === undefined || index.has(id)) unmatched.push(located);
        else index.set(id, located);
      }
    }
    summary.bytes = await fillTarget(target, io, async (sink) => {
      const copy = (located: Located) => {
        const bytes = Buffer.alloc(located.length);
        let read = 0;
        while (read < located.length) {
          const n = readSync(descriptors[located.file]!, bytes, read, located.length - read, located.start + read);
          if (n === 0) break;
          read += n;
        }
        sink.write(bytes.subarray(0, read));
        sink.endSource();
      };
      for await (const line of readFileLines(inputPath)) {
        const id = customIdOf(line.text);
        const located = id === undefined ? undefined : index.get(id);
        if (!located) continue;
        copy(located);
        index.delete(id!);
      }
      // What the input did not name keeps the service's order (by position in the files).
      const rest = [...unmatched, ...index.values()].sort((a, b) => a.file - b.file || a.start - b.start);
      for (const located of rest) copy(located);
    });
    return summary;
  } finally {
    for (const fd of descriptors) if (fd !== undefined) closeSync(fd);
    rmSync(directory, { recursive: true, force: true });
  }
}

/** The custom_id of a request or result line; undefined when the line is not one. */
function customIdOf(text: string | undefined): string | undefined {
  if (!text) return undefined;
  try {
    const value = JSON.parse(text) as { custom_id?: unknown };
    return typeof value?.custom_id === 'string' ? value.custom_id : undefined;
  } catch {
    return undefined;
  }
}
