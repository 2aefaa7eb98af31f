// The chat loop: read an entry, run a slash command or stream a turn, repeat until Ctrl-D or
// /exit. A turn may take several responses: when the model asks for MCP approvals or function
// output, they are answered in the chat and the turn goes on. A failed or cancelled turn prints
// one line and leaves the conversation as it was before it.
import type { Response as ApiResponse } from 'openai/resources/responses/responses';
import type { Client } from '../core/client.ts';
import { CliError, ConfigError, InterruptedError, UsageError, formatCliError, oneLine } from '../core/errors.ts';
import type { Factory } from '../core/factory.ts';
import { configSetCommand, followUpFor, notInherited } from '../cli/follow-up.ts';
import type { StreamOptionValues } from '../cli/request-options.ts';
import { interrupts } from '../io/interrupts.ts';
import type { CreateBody, RequestFlags } from '../request/create-params.ts';
import { readBody, readInputItems } from '../request/input.ts';
import { describeFsError } from '../core/local-input.ts';
import { FileWriteError } from '../core/atomic-write.ts';
import { DEFAULT_MAX_TOOL_ROUNDS, resolveRich } from '../request/rich.ts';
import { pendingApprovals } from '../mcp/approvals.ts';
import { StreamRenderer } from '../render/stream.ts';
import { functionCalls } from '../render/tools.ts';
import { stderrStyle, type Style } from '../render/style.ts';
import { neutralise } from '../render/terminal-text.ts';
import { DEFAULT_MAX_RESUMES } from '../responses/stream-command.ts';
import { prepareRequest } from '../responses/session.ts';
import { runStream } from '../responses/stream.ts';
import { execFunctionCall, parseExecSpecs } from '../tools/exec.ts';
import { chatAttachment, expandHome, type Attachment } from './attach.ts';
import { coreCommands, handleInput, type SlashCommand, type SlashContext } from './commands.ts';
import { Conversation } from './conversation.ts';
import { chatFiles, readLastResponse, writeLastResponse, type ChatFiles } from './history.ts';
import { LineReader } from './line-reader.ts';
import { MarkdownStream } from './markdown.ts';
import { softWrappedSink } from '../render/columns.ts';
import { ToolAnswerer } from './tool-answers.ts';
import { saveTranscript } from './transcript.ts';
import type { ContinueRef } from '../log/continue-ref.ts';

export interface ChatOptions {
  request: RequestFlags;
  inputItems: string | undefined;
  body: string | undefined;
  display: StreamOptionValues;
  /** Continue the profile's last conversation. */
  resume: boolean;
  /** -c/--continue: a response from the local log to continue. */
  continueFrom?: ContinueRef | undefined;
  /** For /image: the image model deployment (default: env or profile). */
  imageDeployment: string | undefined;
}

export const EXIT_HINT = '(to exit, press Ctrl-D or type /exit)';

interface Session {
  f: Factory;
  client: Client;
  reader: LineReader;
  conversation: Conversation;
  answerer: ToolAnswerer;
  maxToolRounds: number;
  /** /attach: parts waiting for the next message. */
  attachments: Attachment[];
  files: ChatFiles;
  options: ChatOptions;
  style: Style;
  notice(text: string): void;
  idleTimeoutMs: number;
  /** Why the last turn failed (for its record in the local log). */
  turnError: unknown;
  /** For /image: --image-deployment, then /image-deployment NAME (default: env or profile). */
  imageDeployment: string | undefined;
}

export async function runChat(options: ChatOptions, f: Factory): Promise<void> {
  const { io } = f;
  if (!io.stdinIsTTY) {
    throw new UsageError('aoai chat needs an interactive terminal, but standard input is not one', 'for one request from a pipe or a script, use: aoai create … or aoai stream …');
  }
  if (options.resume && options.request.store === false) throw new UsageError('--resume continues a stored conversation; it cannot be combined with --no-store');
  if (options.resume && options.request.previous) throw new UsageError('--resume and --previous both choose where to continue; give one');
  if (options.inputItems === '-') throw new UsageError('--input-items -: chat reads the terminal, not a pipe; give a file');

  if (options.continueFrom) {
    const { resolveContinue } = await import('../log/continue.ts');
    const continued = resolveContinue(f, options.continueFrom);
    options = { ...options, request: { ...options.request, previous: continued.id, model: options.request.model ?? continued.deployment } };
  }

  // Everything that can be checked locally is checked before the first request.
  const settings = await f.settings();
  const initialItems = await readInputItems(io, options.inputItems);
  const body = readBody(io, options.body);
  // Tools are resolved once (tool files read, MCP header values taken from the environment).
  const rich = await resolveRich(options.request.rich, { env: io.env, previous: undefined, store: options.request.store, include: undefined });
  const execs = parseExecSpecs(options.request.rich?.exec ?? []);
  const files = chatFiles(f.paths.state, f.profileName);
  const last = options.resume ? readLastResponse(files.last) : undefined;
  // Resumed, the deployment the conversation used still serves it (even if it has to start over).
  const model = options.request.model ?? last?.model ?? settings.deployment?.value;
  if (!model) {
    throw new UsageError('no deployment: pass -m/--model DEPLOYMENT', `or set AZURE_OPENAI_DEPLOYMENT, or run: ${configSetCommand(f.profileName, 'deployment', 'NAME')}${notInherited(f.profileName)}`);
  }
  const style = stderrStyle(io);
  // Notices name remote things (ids, file names, tool names): shown, never obeyed.
  const notice = (text: string) => io.err(`${style.dim(neutralise(text))}\n`);
  const client = await prepareRequest(f);

  let previous = options.request.previous;
  if (options.resume) {
    if (!last) {
      notice(`no earlier conversation for profile ${f.profileName}; starting a new one`);
    } else if (await exists(client, last.id)) {
      previous = last.id;
      notice(`resuming ${last.id}`);
    } else {
      notice(`the last conversation (${last.id}) no longer exists (deleted, or older than 30 days); starting a new one`);
    }
  } else if (previous && !(await exists(client, previous))) {
    throw new UsageError(`--previous ${previous}: no such stored response (deleted, expired, or created with --no-store)`);
  }

  // Resumed, the /summary and /effort settings come back too, unless a flag says otherwise.
  const reasoningSummary = options.request.reasoningSummary ?? (previous === last?.id ? last?.reasoningSummary : undefined);
  const reasoningEffort = options.request.reasoningEffort ?? (previous === last?.id ? last?.reasoningEffort : undefined);
  const conversation = new Conversation({ flags: { ...options.request, rich: undefined, model, previous, reasoningSummary, reasoningEffort }, initialItems, body, fields: rich.fields });
  const startedAt = new Date();
  const slash: SlashContext = {
    conversation,
    notice,
    data: (text) => io.out(io.stdoutIsTTY ? neutralise(text) : text),
    columns: io.columns,
    save: (path) => {
      try {
        return saveTranscript(expandHome(path, io.env), conversation.transcript, startedAt);
      } catch (error) {
        if (error instanceof FileWriteError && error.errno === 'EEXIST') throw new UsageError(`${path} exists; /save never overwrites, choose another name`);
        throw new UsageError(error instanceof FileWriteError ? error.message : `cannot write ${path}: ${describeFsError(error)}`);
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
  const session: Session = {
    f,
    client,
    reader,
    conversation,
    answerer: new ToolAnswerer({ ask: (question) => reader.ask(neutralise(question)), notice, execs, run: (command, call) => execFunctionCall(command, call, { env: io.env }) }),
    maxToolRounds: options.request.rich?.maxToolRounds ?? DEFAULT_MAX_TOOL_ROUNDS,
    attachments: [],
    files,
    options,
    style,
    notice,
    idleTimeoutMs: settings.timeoutMs,
    turnError: undefined,
    imageDeployment: options.imageDeployment,
  };
  const core = coreCommands();
  // /exit stays last in /help.
  const commands: SlashCommand[] = [...core.slice(0, -1), attachCommand(session), imageCommand(session), imageDeploymentCommand(session, settings.imageDeployment?.value), ...core.slice(-1)];
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
      if (outcome.kind === 'message') await runTurn(session, outcome.text);
      await logTurn(session);
    }
  } finally {
    reader.close();
  }
  io.err('\n');
  if (conversation.stored && conversation.previousId) notice(`to go on later: ${followUpFor(f)(['chat', '--resume'])}`);
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

/**
 * One turn: the message, streamed; then, while the model waits for approvals or function output,
 * the answers and the next response. Abandoned half-way, the conversation goes back to before it.
 */
async function runTurn(session: Session, text: string): Promise<void> {
  const { conversation } = session;
  const attachments = session.attachments.splice(0);
  const before = conversation.snapshot();
  let userText: string | undefined = attachments.length ? `${text}\n\n(attached: ${attachments.map((a) => a.ref).join(', ')})` : text;
  let body: CreateBody;
  try {
    body = conversation.bodyFor(text, { attachments: attachments.map((a) => a.part) });
  } catch (error) {
    if (!(error instanceof CliError)) throw error;
    session.f.io.err(formatCliError(error));
    return;
  }
  for (let round = 1; ; round++) {
    const { final, failure } = await streamResponse(session, body);
    if (final && continuesFrom(final)) {
      conversation.record(body, userText, final);
      if (conversation.stored) saveLast(session, final);
    }
    userText = undefined;
    if (failure !== undefined) {
      if (round > 1) conversation.restore(before);
      return reportTurnError(session, failure, round > 1);
    }
    if (!final || final.status !== 'completed') return;
    const answers = await session.answerer.answer(final);
    if (answers === 'cancelled') {
      conversation.restore(before);
      session.notice('cancelled; this turn is not part of the conversation');
      return;
    }
    if (answers.length === 0) return;
    if (round >= session.maxToolRounds) {
      conversation.restore(before);
      session.notice(`stopped after ${round} rounds of tool calls (--max-tool-rounds); this turn is not part of the conversation`);
      return;
    }
    body = conversation.bodyFor(undefined, { items: answers });
  }
}

/** One response, streamed to the terminal (handed back to cooked mode, so Ctrl-C cancels it). */
async function streamResponse(session: Session, body: CreateBody): Promise<{ final: ApiResponse | undefined; failure: unknown }> {
  const { f, options } = session;
  const { io } = f;
  const markdown = io.stdoutIsTTY && io.colorStdout ? new MarkdownStream({ color: true, columns: io.columns }) : undefined;
  // A waiting line until the first thing is written (a reasoning model can think for a while).
  // Static, not an animated spinner: nothing redraws the terminal while the reply streams.
  const spinner = waitingLine(session, `waiting for ${String(body.model)}…`);
  // Break lines between words (measured in columns), after markdown has styled them.
  const terminal = io.stdoutIsTTY ? softWrappedSink({ out: (text) => io.out(text), err: (text) => io.err(text) }, io.columns) : { out: (text: string) => io.out(text), err: (text: string) => io.err(text), end: () => undefined };
  const renderer = new StreamRenderer(
    {
      out: (chunk) => {
        spinner.stop();
        terminal.out(markdown ? markdown.write(chunk) : chunk);
      },
      err: (chunk) => {
        spinner.stop();
        terminal.err(chunk);
      },
    },
    {
      json: false,
      reasoning: options.display.reasoning ?? 'show',
      statusLines: io.stderrIsTTY,
      color: io.colorStderr,
      sharedTerminal: io.stdoutIsTTY && io.stderrIsTTY,
      stdoutIsTerminal: io.stdoutIsTTY,
    },
  );
  const resume = session.reader.suspend();
  // Until the stream claims Ctrl-C, a Ctrl-C only ends this turn, never the session.
  let cancelledEarly = false;
  const release = interrupts.push(() => {
    cancelledEarly = true;
  });
  let failure: unknown;
  f.log.sent(body);
  try {
    await runStream({
      client: session.client,
      io,
      renderer,
      start: { kind: 'create', body },
      cancelOnInterrupt: Boolean(options.display.cancelOnInterrupt),
      idleTimeoutMs: session.idleTimeoutMs,
      maxResumes: options.display.maxResumes ?? DEFAULT_MAX_RESUMES,
      // Written below: not for a response that waits for approvals or function output, whose
      // "✓ completed" would make the turn look finished while the question is still to come.
      usageLine: false,
      debug: (line) => f.debug(line),
      followUp: followUpFor(f),
    });
  } catch (error) {
    failure = error;
  } finally {
    spinner.stop();
    release();
    if (markdown) terminal.out(markdown.end());
    terminal.end();
    const final = renderer.state.final;
    f.log.received({ id: renderer.state.responseId, status: renderer.state.status, final });
    if ((options.display.usage || io.stderrIsTTY) && final && !waitsForAnswers(final)) renderer.writeErr(renderer.summaryLine());
    resume();
  }
  if (failure === undefined && cancelledEarly) failure = new InterruptedError();
  return { final: renderer.state.final, failure };
}

/** A dim line on stderr, erased by the first output (or at the end). */
function waitingLine(session: Session, text: string): { stop(): void } {
  const { io } = session.f;
  if (!io.stderrIsTTY) return { stop: () => undefined };
  io.err(session.style.dim(text));
  let shown = true;
  return {
    stop() {
      if (!shown) return;
      shown = false;
      io.err('\r\u001b[2K');
    },
  };
}

/** /attach PATH|URL|FILE_ID: checked now, sent with the next message. */
function attachCommand(session: Session): SlashCommand {
  return {
    name: 'attach',
    usage: '/attach PATH',
    help: 'attach an image or a PDF (path, URL or file id) to the next message',
    async run(ctx, ref) {
      if (!ref) {
        const waiting = session.attachments.map((a) => a.ref);
        return ctx.notice(waiting.length ? `attached for the next message: ${waiting.join(', ')}` : 'usage: /attach PATH|URL|FILE_ID');
      }
      const attachment = await chatAttachment(ref, session.f.io.env);
      session.attachments.push(attachment);
      ctx.notice(`attached ${attachment.kind === 'image' ? 'image' : 'file'} ${attachment.ref}; it goes with your next message`);
    },
  };
}

/** /image PROMPT: generate, save and preview as `aoai image` does, in the conversation's context. */
function imageCommand(session: Session): SlashCommand {
  return {
    name: 'image',
    usage: '/image PROMPT',
    help: 'generate an image (saved in the current directory, previewed where the terminal can)',
    async run(ctx, prompt) {
      if (!prompt) return ctx.notice('usage: /image PROMPT');
      const { conversation, f } = session;
      const { runImage } = await import('../image/run-image.ts');
      const resume = session.reader.suspend();
      // Ctrl-C abandons the request (the service may still finish it; nothing is saved) and keeps the session.
      const abandon = new AbortController();
      const release = interrupts.push(() => abandon.abort());
      try {
        const result = await runImage(
          {
            prompt: [prompt],
            model: conversation.flags.model,
            imageDeployment: session.imageDeployment,
            previous: conversation.stored ? conversation.previousId : undefined,
            tool: {},
            edits: [],
            output: undefined,
            force: false,
            savePartials: false,
            json: false,
            raw: false,
            preview: undefined,
            signal: abandon.signal,
          },
          f,
        );
        conversation.recordImage(prompt, result.response, result.saved.map((image) => image.path));
        if (conversation.stored) saveLast(session, result.response);
      } catch (error) {
        // Inside the chat, the flag named by the hint can no longer be passed: name the command.
        if (error instanceof ConfigError && error.message.startsWith('no image deployment')) {
          return ctx.notice('no image deployment: set one with /image-deployment NAME (or start chat with --image-deployment NAME)');
        }
        await reportTurnError(session, error, false);
      } finally {
        release();
        resume();
      }
    },
  };
}

/** The model asked for MCP approvals or function output: the turn goes on after the answers. */
function waitsForAnswers(response: ApiResponse): boolean {
  return response.status === 'completed' && (functionCalls(response).length > 0 || pendingApprovals(response).length > 0);
}

/** /image-deployment NAME: the image model deployment /image uses from now on. */
function imageDeploymentCommand(session: Session, configured: string | undefined): SlashCommand {
  return {
    name: 'image-deployment',
    usage: '/image-deployment NAME',
    help: 'the image model deployment /image uses',
    run(ctx, name) {
      if (!name) {
        const current = session.imageDeployment ?? configured;
        return ctx.notice(current ? `image deployment: ${current}` : 'no image deployment yet; usage: /image-deployment NAME');
      }
      if (/\s/.test(name)) return ctx.notice('usage: /image-deployment NAME (a deployment name has no spaces)');
      session.imageDeployment = name;
      ctx.notice(`image deployment: ${name}`);
    },
  };
}

/** Completed, or cut short with output worth continuing from (max_output_tokens). */
function continuesFrom(response: ApiResponse): boolean {
  return response.status === 'completed' || (response.status === 'incomplete' && response.output.length > 0);
}

function saveLast(session: Session, response: ApiResponse): void {
  try {
    const { flags } = session.conversation;
    writeLastResponse(session.files.last, { id: response.id, model: flags.model, reasoningSummary: flags.reasoningSummary, reasoningEffort: flags.reasoningEffort });
  } catch (error) {
    session.f.debug(`could not record the last response for --resume: ${describeFsError(error)}`);
  }
}

/** One record per turn (or /image) in the local log, with how the turn ended. */
async function logTurn(session: Session): Promise<void> {
  if (!session.f.log.pending) return;
  const error = session.turnError;
  session.turnError = undefined;
  const { writeCommandLog } = await import('../log/write.ts');
  await writeCommandLog(session.f, undefined, error);
}

async function reportTurnError(session: Session, error: unknown, abandoned: boolean): Promise<void> {
  session.turnError = error;
  const { io } = session.f;
  if (error instanceof InterruptedError) {
    // runStream says what became of a background job: "interrupted; cancelled resp_…" or "… is still running".
    const detail = error.message.replace(/^interrupted;?\s*/, '');
    const what = detail === '' ? 'cancelled' : detail.startsWith('cancelled') ? detail : `cancelled (${detail})`;
    io.err(`${session.style.dim(neutralise(`${what}; this turn is not part of the conversation`))}\n`);
    if (error.hint) io.err(`${session.style.dim(neutralise(`hint: ${error.hint}`))}\n`);
    return;
  }
  const { fromSdkError } = await import('../core/api-errors.ts');
  const known = error instanceof CliError ? error : fromSdkError(error, session.f.requests);
  io.err(known ? formatCliError(known) : `aoai: unexpected error: ${neutralise(oneLine(error instanceof Error ? error.message : String(error)))}\n`);
  if (abandoned) session.notice('this turn is not part of the conversation');
}
