// A checked input cut into the files Global Batch takes: at most 100,000 requests and 200 MB each.
// The parts are written, one request line at a time, to a private temporary directory (so the input
// is never held in memory), and each part remembers which input line each of its lines came from,
// so the service's line numbers can be told back as the user's.
import { closeSync, mkdtempSync, openSync, renameSync, rmSync } from 'node:fs';
import { writeAll } from '../../core/atomic-write.ts';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { BatchInput } from '../input.ts';
import { requestLineJson, requestLines, type LineConverter } from '../prepare.ts';
import { BatchValidator } from '../validate.ts';

/** The service's limits on one input file. */
export const GLOBAL_BATCH_LIMITS = { lines: 100_000, bytes: 200 * 1024 * 1024 } as const;

export interface Part {
  /** 1-based. */
  number: number;
  /** The part's file (in the temporary directory), named after the input. */
  path: string;
  requests: number;
  bytes: number;
  /** inputLines[k] is the input line of the part's line k + 1. */
  inputLines: Uint32Array;
}

export interface CutInput {
  parts: Part[];
  /** SHA-256 of every request line written, in order: what a manifest is matched against. */
  sha256: string;
  directory: string;
  /** Remove the temporary directory. */
  dispose(): void;
}

export async function cutIntoParts(input: BatchInput, convert: LineConverter, limits: { lines: number; bytes: number }): Promise<CutInput> {
  const directory = mkdtempSync(join(tmpdir(), 'aoai-submit-'));
  const dispose = () => rmSync(directory, { recursive: true, force: true });
  // Cut short by a signal, the process exits without unwinding; the parts go with it.
  process.once('exit', dispose);
  const stem = input.argument === '-' ? 'stdin' : basename(input.name).replace(/\.jsonl?$/i, '') || 'requests';
  const hash = createHash('sha256');
  const parts: Part[] = [];
  let fd: number | undefined;
  let current: { part: Part; lines: number[] } | undefined;
  const close = () => {
    if (fd !== undefined) closeSync(fd);
    fd = undefined;
    if (current) current.part.inputLines = Uint32Array.from(current.lines);
  };
  try {
    for await (const { line, request } of requestLines(input, convert, new BatchValidator({ duplicates: false }))) {
      const text = `${requestLineJson(request)}\n`;
      const bytes = Buffer.byteLength(text);
      if (!current || current.part.requests >= limits.lines || current.part.bytes + bytes > limits.bytes) {
        close();
        const number = parts.length + 1;
        const path = join(directory, `${stem}.part-${String(number).padStart(3, '0')}.jsonl`);
        current = { part: { number, path, requests: 0, bytes: 0, inputLines: new Uint32Array() }, lines: [] };
        parts.push(current.part);
        fd = openSync(path, 'wx', 0o600);
      }
      writeAll(fd!, text);
      hash.update(text);
      current.part.requests++;
      current.part.bytes += bytes;
      current.lines.push(line);
    }
    close();
    // One part is uploaded under the input's own name (the filename the service shows).
    if (parts.length === 1) {
      const whole = join(directory, `${stem}.jsonl`);
      renameSync(parts[0]!.path, whole);
      parts[0]!.path = whole;
    }
  } catch (error) {
    close();
    dispose();
    throw error;
  }
  return {
    parts,
    sha256: hash.digest('hex'),
    directory,
    dispose() {
      process.removeListener('exit', dispose);
      dispose();
    },
  };
}
