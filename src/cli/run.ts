// Parse argv, run the command, turn whatever it throws into one line and an exit code.
import { CommanderError } from 'commander';
import { CliError, ExitCode, UsageError, formatCliError, oneLine, MAX_ERROR_LINE, truncate } from '../core/errors.ts';
import { removePendingTemporaryFiles } from '../core/atomic-write.ts';
import { newRequestRecord, type RequestRecord } from '../core/request-record.ts';
import type { Factory } from '../core/factory.ts';
import { writeCommandLog, writeCommandLogNow } from '../log/write.ts';
import { processIO, type IO } from '../io/io.ts';
import { stopAllSpinners } from '../io/spinner.ts';
import { buildProgram } from './program.ts';
import { neutralise } from '../render/terminal-text.ts';
import { interrupts } from '../io/interrupts.ts';

export async function runCli(argv: string[]): Promise<number> {
  const io = processIO({ noColor: argv.includes('--no-color') });
  interrupts.install(io);
  let requests: RequestRecord | undefined;
  let factory: Factory | undefined;
  try {
    const program = buildProgram(io, (built) => {
      factory = built;
      requests = built.requests;
      // A signal that ends the process outright still leaves the command's record.
      interrupts.onExit((code) => writeCommandLogNow(built, code, code === ExitCode.Interrupted ? 'interrupted' : 'terminated by a signal'));
    });
    await program.parseAsync(argv, { from: 'user' });
    await writeLog(factory, ExitCode.Ok);
    await io.flush();
    return ExitCode.Ok;
  } catch (error) {
    stopAllSpinners();
    removePendingTemporaryFiles();
    // The error line comes after everything already printed, also on a shared pipe (2>&1) whose
    // reader is slow: stdout's queue goes first.
    await io.flush();
    const code = await reportError(io, error, requests);
    await writeLog(factory, code, error);
    await io.flush();
    return code;
  }
}

/** The command's record in the local log (aoai log), when it created or continued a response. */
async function writeLog(factory: Factory | undefined, exit: number, error?: unknown): Promise<void> {
  if (!factory?.log.pending) return;
  // Imported up front, not lazily: a lazy import is a chunk file of its own to read at the end of
  // every command that made a request (measured: milliseconds, against a 2 ms budget).
  const started = performance.now();
  await writeCommandLog(factory, exit, error);
  // What the record cost the command (npm run bench reads it; the budget is 2 ms).
  factory.debug(`log: record written in ${(performance.now() - started).toFixed(2)} ms`);
}

/** The one place an error becomes a stderr line and an exit code (exported for its unit test). */
export async function reportError(io: IO, error: unknown, requests: RequestRecord | undefined): Promise<number> {
  if (error instanceof CommanderError) {
    if (['commander.helpDisplayed', 'commander.version', 'commander.help', 'commander.executeSubCommandAsync'].includes(error.code)) {
      return ExitCode.Ok;
    }
    const message = error.message.replace(/^error:\s*/, '');
    io.err(formatCliError(new UsageError(message, "run 'aoai --help' (or 'aoai COMMAND --help') for usage")));
    return ExitCode.Usage;
  }
  if (error instanceof CliError) {
    io.err(formatCliError(error));
    return error.exitCode;
  }
  const { fromSdkError } = await import('../core/api-errors.ts');
  // Before any command built its factory there was no request: an empty record.
  const mapped = fromSdkError(error, requests ?? newRequestRecord());
  if (mapped) {
    io.err(formatCliError(mapped));
    return mapped.exitCode;
  }
  // A bug, not a user error: still one line, plus where to look, never a raw stack trace
  // (set AOAI_DEBUG=1 for the trace).
  const detail = error instanceof Error ? error.message : String(error);
  io.err(`aoai: unexpected error: ${neutralise(truncate(oneLine(detail), MAX_ERROR_LINE))}\n`);
  if (io.env.AOAI_DEBUG === '1' && error instanceof Error && error.stack) io.err(`${neutralise(error.stack)}\n`);
  return ExitCode.ApiError;
}
