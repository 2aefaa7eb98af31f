// Where a request's input comes from: arguments, stdin (piped, or `-`), --input-items, --body.
import type { ResponseInputItem } from 'openai/resources/responses/responses';
import { UsageError } from '../core/errors.ts';
import { readLocalText, readStreamText } from '../core/local-input.ts';
import type { IO } from '../io/io.ts';

/** How long piped text may take to start before aoai looks at who holds the pipe. */
const STDIN_FIRST_LOOK_MS = 200;
/** Where that cannot be known (macOS, a socket pair): how long a silent stdin is waited for. */
export const STDIN_GRACE_MS = 1000;

/**
 * The prompt text. Arguments are joined with spaces; `-` among them stands for stdin. With no
 * arguments, a piped stdin is read. With arguments and piped text, the request gets both, as
 * `llm` does: the piped content first, then a blank line, then the arguments (the instruction).
 * An open stdin nobody writes (CI runners, a parent that spawned aoai with a pipe) must not hang
 * the script: see readPipedContent.
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
  if (!wantsStdin && args.length > 0 && !options.stdinTaken) {
    const piped = await readPipedContent(io);
    const instruction = args.join(' ');
    return piped === undefined ? instruction : `${piped.replace(/\n+$/, '')}\n\n${instruction}`;
  }
  let stdinText: string | undefined;
  if (wantsStdin) {
    stdinText = await readStreamText(io.stdin, 'the prompt on stdin');
    if (dashes === 0 && stdinText.trim() === '') return undefined;
  }
  if (args.length === 0) return stdinText;
  return args.map((a) => (a === '-' ? (stdinText ?? '') : a)).join(' ');
}

/**
 * Text piped or redirected into stdin alongside prompt arguments; undefined when there is none.
 * A file (`< notes.txt`) is read. A pipe is read when text (or its end) arrives at once, or when
 * a process other than aoai's ancestors holds it open for writing (`producer | aoai "…"`: the text
 * is coming, however long it takes). A pipe only an ancestor holds (a CI runner's idle stdin) is
 * not waited on; where the writer cannot be known, a silent stdin is given STDIN_GRACE_MS.
 */
async function readPipedContent(io: IO): Promise<string | undefined> {
  const kind = io.stdinKind ?? (io.stdinIsTTY ? 'terminal' : 'none');
  if (kind !== 'pipe' && kind !== 'file') return undefined; // a terminal, /dev/null, or closed
  if (kind === 'pipe' && !(await arrivesWithin(io.stdin, STDIN_FIRST_LOOK_MS))) {
    const { stdinPipeWriters } = await import('../io/pipe-writers.ts');
    const writers = stdinPipeWriters();
    // 'none': no other process can write, yet the end has not arrived (aoai holds the write end itself).
    const waitFor = writers === 'producer' || (writers === 'unknown' && (await arrivesWithin(io.stdin, STDIN_GRACE_MS - STDIN_FIRST_LOOK_MS)));
    if (!waitFor) {
      io.stdin.destroy();
      if (io.stderrIsTTY) io.err(`aoai: note: stdin is open but nothing arrived; sending the arguments only (add - to wait for stdin)\n`);
      return undefined;
    }
  }
  const text = await readStreamText(io.stdin, 'the text on stdin');
  return text.trim() === '' ? undefined : text;
}

/** Resolves true once the stream has data or has ended, false if neither happens within `ms`. */
function arrivesWithin(stream: IO['stdin'], ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const settle = (arrived: boolean) => {
      clearTimeout(timer);
      stream.off('readable', onReady);
      stream.off('end', onReady);
      stream.off('error', onReady);
      resolve(arrived);
    };
    const onReady = () => settle(true);
    const timer = setTimeout(() => settle(false), ms);
    stream.once('readable', onReady);
    stream.once('end', onReady);
    stream.once('error', onReady);
  });
}

export function readJsonFile(path: string, what: string, io: IO, stdinText?: string): unknown {
  let text: string;
  if (path === '-') {
    if (stdinText === undefined) throw new UsageError(`${what}: stdin was not read`);
    text = stdinText;
  } else {
    text = readLocalText(path, what);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${what}: ${path === '-' ? 'stdin' : path} is not valid JSON (${(error as Error).message})`);
  }
  void io;
}


/** --input-items FILE|-: a JSON array of input items (e.g. a previous turn's output). */
export async function readInputItems(io: IO, path: string | undefined): Promise<ResponseInputItem[]> {
  if (path === undefined) return [];
  let stdinText: string | undefined;
  if (path === '-') {
    if (io.stdinIsTTY) throw new UsageError('--input-items -: stdin is a terminal; pipe the JSON in');
    stdinText = await readStreamText(io.stdin, '--input-items -: stdin');
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
