// Writing records: the mode the profile chose (off / ids-only / full, or --no-log), the record built
// from what the command noted, and the append. Best effort: a log that cannot be written never
// fails the command that paid for the response (--debug says why).
import { CliError, ExitCode } from '../core/errors.ts';
import type { Factory } from '../core/factory.ts';
import { isLogMode, type LogMode } from '../core/config-keys.ts';
import { appendRecordLine, logFiles, maxLogBytes, recordsNewestFirst } from './file.ts';
import type { PendingEntry } from './notes.ts';
// Static, not lazy: both are loaded by every command that noted a request, and a lazy import of
// a module is a chunk file of its own, read at the end of the command (measured: milliseconds).
import { promptOf } from '../request/prompt-text.ts';
import { isTerminal, outputText } from '../render/response.ts';
import { addUsage, recordForMode, usageOf, type LogRecord } from './record.ts';

/** The log mode for this command: --no-log, then the profile's mode. */
export function logModeFor(f: Pick<Factory, 'flags' | 'io' | 'profileName' | 'configStore'>): LogMode {
  return f.flags.log === false ? 'off' : profileLogMode(f);
}

/** The profile's log mode: AOAI_LOG, then its `log` setting, then full. */
export function profileLogMode(f: Pick<Factory, 'io' | 'profileName' | 'configStore'>): LogMode {
  const fromEnv = f.io.env.AOAI_LOG;
  if (fromEnv && isLogMode(fromEnv)) return fromEnv;
  try {
    const value = f.configStore().profile(f.profileName).log;
    if (value && isLogMode(value)) return value;
  } catch {
    // An unreadable config already failed the command with its own message.
  }
  return 'full';
}

/**
 * Append one record to the log, as the profile's mode keeps it (nothing when off). For commands
 * that build their own record, such as `batch run` (one record per run): fill in a LogRecord
 * (command 'batch run', requests, summed usage) and hand it here.
 */
export function appendLogRecord(f: Factory, record: LogRecord): void {
  const mode = logModeFor(f);
  if (mode === 'off') return;
  try {
    appendRecordLine(logFiles(f.paths.state), JSON.stringify(recordForMode(record, mode)), maxLogBytes(f.io.env));
  } catch (error) {
    f.debug(`could not write the log record: ${(error as Error).message}`);
  }
}

/** How many of the newest records `aoai get` looks through for the one a background job wrote. */
const COMPLETION_LOOKBACK = 1000;

/**
 * A response the log holds as still running (a background job, logged `queued` when created) was
 * seen at its end by `aoai get`: its record is written again, complete (status, output, usage), so
 * `aoai log`, `log show` and `log usage` see how it ended. The new record adds no response to the
 * counts (requests: 0): the command that created it counted it. Nothing is written for a response
 * whose newest record is already final, or that the newest COMPLETION_LOOKBACK records do not name.
 * Only a background response can have been logged before its end: for any other, the log is not read.
 */
export function recordCompletion(f: Factory, response: { id: string; background?: boolean | null | undefined; status?: string | null | undefined; output?: unknown; usage?: Parameters<typeof usageOf>[0] | null | undefined }): void {
  if (response.background !== true || !isTerminal(response.status ?? undefined) || logModeFor(f) === 'off') return;
  let earlier: LogRecord | undefined;
  try {
    let seen = 0;
    for (const record of recordsNewestFirst(logFiles(f.paths.state))) {
      if (record.id === response.id) {
        earlier = record;
        break;
      }
      if (++seen >= COMPLETION_LOOKBACK) break;
    }
  } catch (error) {
    f.debug(`could not read the log: ${(error as Error).message}`);
    return;
  }
  if (!earlier || isTerminal(earlier.status)) return;
  const status = response.status!;
  const record: LogRecord = { ...earlier, time: new Date().toISOString(), command: f.command, status, usage: usageOf(response.usage ?? undefined), exit: status === 'completed' ? ExitCode.Ok : ExitCode.NotCompleted, requests: 0 };
  delete record.error;
  record.output = outputText(response as Parameters<typeof outputText>[0]);
  appendLogRecord(f, record);
}

/**
 * Write the command's noted entry, if any, with how it ended: its exit code and error (the exit
 * code is worked out from the error when not given). Chat calls this after each turn.
 */
export async function writeCommandLog(f: Factory, exit: number | undefined, error?: unknown): Promise<void> {
  if (!f.log.pending) return;
  const ended = error === undefined ? { exit: exit ?? ExitCode.Ok, message: undefined } : await endingOf(f, error, exit);
  writeCommandLogNow(f, ended.exit, ended.message);
}

/** The same, synchronously, for a process a signal is ending (Ctrl-C, SIGTERM, SIGHUP). */
export function writeCommandLogNow(f: Factory, exit: number, message?: string): void {
  const entry = f.log.take();
  if (!entry || logModeFor(f) === 'off') return;
  appendLogRecord(f, recordOf(f, entry, { exit, message }));
}

/** The exit code and one-line message an error ends a command (or a chat turn) with. */
async function endingOf(f: Factory, error: unknown, exit: number | undefined): Promise<{ exit: number; message: string }> {
  if (error instanceof CliError) return { exit: exit ?? error.exitCode, message: error.message };
  const { fromSdkError } = await import('../core/api-errors.ts');
  const mapped = fromSdkError(error, f.requests);
  return { exit: exit ?? mapped?.exitCode ?? ExitCode.ApiError, message: mapped?.message ?? (error instanceof Error ? error.message : String(error)) };
}

function recordOf(f: Factory, entry: PendingEntry, ended: { exit: number; message: string | undefined }): LogRecord {
  const { request } = entry;
  const responses = [...entry.responses.values()];
  const last = entry.last;
  let usage = null;
  for (const response of responses) usage = addUsage(usage, usageOf(response.final?.usage));
  const record = commandRecord(f, {
    deployment: request.model ?? last?.final?.model ?? null,
    id: last?.id ?? null,
    status: last?.final?.status ?? last?.status ?? 'error',
    previous_response_id: request.previous_response_id ?? null,
    stored: request.store !== false,
    usage,
    exit: ended.exit,
  });
  const prompt = promptOf(request.input ?? undefined);
  if (prompt !== undefined) record.prompt = prompt;
  if (last?.final) record.output = outputText(last.final);
  if (entry.files.length) record.files = entry.files;
  if (ended.message !== undefined) record.error = ended.message;
  return record;
}

/**
 * A record of this command: time, command, profile and endpoint host filled in from the factory,
 * the rest as given. For commands that write their own record, such as `batch run`:
 *   appendLogRecord(f, commandRecord(f, { deployment, status: 'completed', exit: 0, usage, requests: 120, prompt: 'requests.jsonl' }))
 */
export function commandRecord(f: Factory, fields: Omit<LogRecord, 'v' | 'time' | 'command' | 'profile' | 'endpoint' | 'id' | 'previous_response_id' | 'stored' | 'usage' | 'deployment'> & Partial<LogRecord>): LogRecord {
  return {
    v: 1,
    time: new Date().toISOString(),
    command: f.command,
    profile: f.profileName,
    endpoint: hostOf(f.requests.endpoint),
    deployment: null,
    id: null,
    previous_response_id: null,
    stored: true,
    usage: null,
    ...fields,
  };
}

/** The host of an endpoint settings already normalised (`https://host[:port][/path]`); a regex, not URL: this runs on every command. */
function hostOf(endpoint: string | undefined): string | null {
  return (endpoint && /^[a-z][a-z0-9+.-]*:\/\/(?:[^/?#@]*@)?([^/?#@]+)/i.exec(endpoint)?.[1]) || null;
}
