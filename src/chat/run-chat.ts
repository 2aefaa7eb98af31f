// The chat loop: read an entry, run a slash command or stream a turn, repeat until Ctrl-D or
// /exit. A failed or cancelled turn prints one line and leaves the session as it was.
import type { Response as ApiResponse } from 'openai/resources/responses/responses';
import type { Client } from '../core/client.ts';
import { CliError, InterruptedError, UsageError, formatCliError, oneLine } from '../core/errors.ts';
import type { Factory } from '../core/factory.ts';
import type { StreamOptionValues } from '../cli/request-options.ts';
import { interrupts } from '../io/interrupts.ts';
import type { CreateBody, RequestFlags } from '../request/create-params.ts';
import { readBody, readInputItems, describeFsError } from '../request/input.ts';
import { StreamRenderer } from '../render/stream.ts';
import { styleFor, type Style } from '../render/style.ts';
import { DEFAULT_MAX_RESUMES } from '../responses/stream-command.ts';
import { prepareRequest } from '../responses/session.ts';
import { runStream } from '../responses/stream.ts';
import { coreCommands, handleInput, type SlashCommand, type SlashContext } from './commands.ts';
import { Conversation } from './conversation.ts';
import { chatFiles, readLastResponse, writeLastResponse, type ChatFiles } from './history.ts';
import { LineReader } from './line-reader.ts';
import { MarkdownStream } from './markdown.ts';
import { saveTranscript } from './transcript.ts';

export interface ChatOptions {
  request: RequestFlags;
  inputItems: string | undefined;
  body: string | undefined;
  display: StreamOptionValues;
  /** Continue the profile's last conversation. */
  resume: boolean;
}

export const EXIT_HINT = '(to exit, press Ctrl-D or type /exit)';

interface Session {
  f: Factory;
  client: Client;
  conversation: Conversation;
  files: ChatFiles;
  options: ChatOptions;
  style: Style;
  idleTimeoutMs: number;
}

export async function runChat(options: ChatOptions, f: Factory): Promise<void> {
  const { io } = f;
  if (!io.stdinIsTTY) {
    throw new UsageError('aoai chat needs an interactive terminal, but standard input is not one', 'for one request from a pipe or a script, use: aoai create … or aoai stream …');
  }
  if (options.resume && options.request.store === false) throw new UsageError('--resume continues a stored conversation; it cannot be combined with --no-store');
  if (options.resume && options.request.previous) throw new UsageError('--resume and --previous both choose where to continue; give one');
  if (options.inputItems === '-') throw new UsageError('--input-items -: chat reads the terminal, not a pipe; give a file');

  const settings = await f.settings();
  const initialItems = await readInputItems(io, options.inputItems);
  const body = readBody(io, options.body);
  const files = chatFiles(f.paths.state, f.profileName);
  const style = styleFor(io.colorStderr);
  const notice = (text: string) => io.err(`${style.dim(text)}\n`);
  const client = await prepareRequest(f);

  let model = options.request.model;
  let previous = options.request.previous;
  if (options.resume) {
    const last = readLastResponse(files.last);
    if (!last) {
      notice(`no earlier conversation for profile ${f.profileName}; starting a new one`);
    } else {
      // The deployment it used still serves the new conversation if the old one is gone.
      model ??= last.model;
      if (await exists(client, last.id)) {
        previous = last.id;
        notice(`resuming ${last.id}`);
      } else {
        notice(`the last conversation (${last.id}) no longer exists (deleted, or older than 30 days); starting a new one`);
      }
    }
  } else if (previous && !(await exists(client, previous))) {
    throw new UsageError(`--previous ${previous}: no such stored response (deleted, expired, or created with --no-store)`);
  }
  model ??= settings.deployment?.value;
  if (!model) throw new UsageError('no deployment: pass -m/--model DEPLOYMENT', 'or set AZURE_OPENAI_DEPLOYMENT, or run: aoai config set deployment NAME');

  const conversation = new Conversation({ flags: { ...options.request, model, previous }, initialItems, body });
  const session: Session = { f, client, conversation, files, options, style, idleTimeoutMs: settings.timeoutMs };
  const commands: SlashCommand[] = coreCommands();
  const startedAt = new Date();
  const slash: SlashContext = {
    conversation,
    notice,
    data: (text) => io.out(text),
    save: (path) => {
      try {
        return saveTranscript(path, conversation.transcript, startedAt);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        throw new UsageError(code === 'EEXIST' ? `${path} exists; /save never overwrites, choose another name` : `cannot write ${path}: ${describeFsError(error)}`);
      }
    },
  };

  const reader = new LineReader({
    io,
    prompt: style.bold(style.cyan('> ')),
    continuation: style.dim('… '),
    historyFile: files.history,
    exitHint: EXIT_HINT,
  });
  notice(`aoai chat · ${model}${conversation.stored ? '' : ' · not stored'} · /help for commands, Ctrl-D to exit`);
  try {
    for (;;) {
      const entry = await reader.read();
      if (entry === null) break;
      if (entry.trim() === '') continue;
      let outcome;
      try {
        outcome = await handleInput(entry, commands, slash);
      } catch (error) {
        if (!(error instanceof CliError)) throw error;
        io.err(formatCliError(error));
        continue;
      }
      if (outcome.kind === 'exit') break;
      if (outcome.kind === 'message') await runTurn(session, reader, outcome.text);
    }
  } finally {
    reader.close();
  }
  io.err('\n');
}

async function exists(client: Client, id: string): Promise<boolean> {
  try {
    await client.responses.retrieve(id);
    return true;
  } catch (error) {
    if ((error as { status?: number }).status === 404) return false;
    throw error;
  }
}

/** One turn: the request, streamed and rendered; the conversation moves on only if it produced output. */
async function runTurn(session: Session, reader: LineReader, text: string): Promise<void> {
  const { f, conversation, options } = session;
  const { io } = f;
  let body: CreateBody;
  try {
    body = conversation.bodyFor(text);
  } catch (error) {
    if (!(error instanceof CliError)) throw error;
    io.err(formatCliError(error));
    return;
  }
  const markdown = io.stdoutIsTTY && io.colorStdout ? new MarkdownStream({ color: true, columns: io.columns }) : undefined;
  const renderer = new StreamRenderer(
    { out: (chunk) => io.out(markdown ? markdown.write(chunk) : chunk), err: (chunk) => io.err(chunk) },
    {
      json: false,
      reasoning: options.display.reasoning ?? 'show',
      statusLines: io.stderrIsTTY,
      color: io.colorStderr,
      sharedTerminal: io.stdoutIsTTY && io.stderrIsTTY,
    },
  );
  const resume = reader.suspend();
  // Until the stream claims Ctrl-C, a Ctrl-C only ends this turn, never the session.
  let cancelledEarly = false;
  const release = interrupts.push(() => {
    cancelledEarly = true;
  });
  let failure: unknown;
  try {
    await runStream({
      client: session.client,
      io,
      renderer,
      start: { kind: 'create', body },
      cancelOnInterrupt: Boolean(options.display.cancelOnInterrupt),
      idleTimeoutMs: session.idleTimeoutMs,
      maxResumes: options.display.maxResumes ?? DEFAULT_MAX_RESUMES,
      usageLine: Boolean(options.display.usage) || io.stderrIsTTY,
      debug: (line) => f.debug(line),
    });
  } catch (error) {
    failure = error;
  } finally {
    release();
    if (markdown) io.out(markdown.end());
    resume();
  }
  const final = renderer.state.final;
  if (final && continuesFrom(final)) {
    conversation.record(body, text, final);
    if (conversation.stored) saveLast(session, final);
  }
  if (failure === undefined && cancelledEarly) failure = new InterruptedError();
  if (failure !== undefined) await reportTurnError(session, failure);
}

/** Completed, or cut short with output worth continuing from (max_output_tokens). */
function continuesFrom(response: ApiResponse): boolean {
  return response.status === 'completed' || (response.status === 'incomplete' && response.output.length > 0);
}

function saveLast(session: Session, response: ApiResponse): void {
  try {
    writeLastResponse(session.files.last, { id: response.id, model: session.conversation.flags.model });
  } catch (error) {
    session.f.debug(`could not record the last response for --resume: ${describeFsError(error)}`);
  }
}

async function reportTurnError(session: Session, error: unknown): Promise<void> {
  const { io } = session.f;
  if (error instanceof InterruptedError) {
    // runStream says what became of a background job: "interrupted; cancelled resp_…" or "… is still running".
    const detail = error.message.replace(/^interrupted;?\s*/, '');
    const what = detail === '' ? 'cancelled' : detail.startsWith('cancelled') ? detail : `cancelled (${detail})`;
    io.err(`${session.style.dim(`${what}; this turn is not part of the conversation`)}\n`);
    if (error.hint) io.err(`${session.style.dim(`hint: ${error.hint}`)}\n`);
    return;
  }
  if (error instanceof CliError) {
    io.err(formatCliError(error));
    return;
  }
  const { fromSdkError } = await import('../core/api-errors.ts');
  const mapped = fromSdkError(error);
  if (mapped) {
    io.err(formatCliError(mapped));
    return;
  }
  io.err(`aoai: unexpected error: ${oneLine(error instanceof Error ? error.message : String(error))}\n`);
}
