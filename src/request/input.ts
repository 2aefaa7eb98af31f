// Where a request's input comes from: arguments, stdin (piped, or `-`), --input-items, --body.
import { readFileSync } from 'node:fs';
import type { ResponseInputItem } from 'openai/resources/responses/responses';
import { UsageError } from '../core/errors.ts';
import { readAll } from '../core/factory.ts';
import type { IO } from '../io/io.ts';

/**
 * The prompt text. Arguments are joined with spaces; `-` among them stands for stdin. With no
 * arguments, a piped stdin is read. stdin is never read when arguments were given without `-`:
 * CI runners leave stdin open, and waiting on it would hang the script.
 */
export async function readInputText(io: IO, args: string[], options: { stdinTaken?: boolean; allowEmpty?: boolean } = {}): Promise<string | undefined> {
  const dashes = args.filter((a) => a === '-').length;
  if (dashes > 1) throw new UsageError("'-' (read stdin) may appear only once");
  const wantsStdin = dashes === 1 || (args.length === 0 && !io.stdinIsTTY && !options.allowEmpty);
  if (wantsStdin && options.stdinTaken) {
    throw new UsageError('stdin is already used (--api-key-stdin or --input-items -); give the prompt as arguments');
  }
  if (dashes === 1 && io.stdinIsTTY) {
    throw new UsageError("'-' reads the prompt from stdin, but stdin is a terminal", 'pipe the text in, e.g. echo "…" | aoai create -');
  }
  let stdinText: string | undefined;
  if (wantsStdin) {
    stdinText = await readAll(io.stdin);
    if (dashes === 0 && stdinText.trim() === '') return undefined;
  }
  if (args.length === 0) return stdinText;
  return args.map((a) => (a === '-' ? (stdinText ?? '') : a)).join(' ');
}

export function readJsonFile(path: string, what: string, io: IO, stdinText?: string): unknown {
  let text: string;
  if (path === '-') {
    if (stdinText === undefined) throw new UsageError(`${what}: stdin was not read`);
    text = stdinText;
  } else {
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      throw new UsageError(`${what}: cannot read ${path}: ${describeFsError(error)}`);
    }
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${what}: ${path === '-' ? 'stdin' : path} is not valid JSON (${(error as Error).message})`);
  }
  void io;
}

export function describeFsError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'is a directory';
  return (error as Error).message;
}

/** --input-items FILE|-: a JSON array of input items (e.g. a previous turn's output). */
export async function readInputItems(io: IO, path: string | undefined): Promise<ResponseInputItem[]> {
  if (path === undefined) return [];
  let stdinText: string | undefined;
  if (path === '-') {
    if (io.stdinIsTTY) throw new UsageError('--input-items -: stdin is a terminal; pipe the JSON in');
    stdinText = await readAll(io.stdin);
  }
  const data = readJsonFile(path, '--input-items', io, stdinText);
  const items = Array.isArray(data) ? data : isRecord(data) && Array.isArray(data.data) ? data.data : undefined;
  if (!items) throw new UsageError('--input-items: expected a JSON array of input items (or a list object with "data")');
  for (const [i, item] of items.entries()) {
    if (!isRecord(item)) throw new UsageError(`--input-items: item ${i} is not an object`);
    if (typeof item.type !== 'string' && typeof item.role !== 'string') {
      throw new UsageError(`--input-items: item ${i} has neither "type" nor "role"`);
    }
  }
  return items as ResponseInputItem[];
}

/** --body FILE|-: raw JSON object merged into the request, for fields without a flag. */
export function readBody(io: IO, path: string | undefined): Record<string, unknown> | undefined {
  if (path === undefined) return undefined;
  if (path === '-') throw new UsageError('--body reads a file; use --input-items - for stdin');
  const data = readJsonFile(path, '--body', io);
  if (!isRecord(data)) throw new UsageError('--body: expected a JSON object');
  return data;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
