// The one place that touches process.stdin/stdout/stderr. Everything else receives an IO.
import { fstatSync } from 'node:fs';
import type { Readable, Writable } from 'node:stream';
import { redactSecrets } from '../core/redact.ts';

export interface IO {
  readonly stdin: Readable & { isTTY?: boolean; setRawMode?: (mode: boolean) => unknown };
  readonly stdout: Writable;
  readonly stderr: Writable;
  readonly stdinIsTTY: boolean;
  /** What stdin is: a pipe, a regular file (`< file`), a device (/dev/null) or a terminal. */
  readonly stdinKind?: StdinKind;
  readonly stdoutIsTTY: boolean;
  readonly stderrIsTTY: boolean;
  /** Colour on stdout: only on a TTY, never with NO_COLOR or --no-color. */
  readonly colorStdout: boolean;
  /** Colour and decoration on stderr: spinners, dim summaries, ✓ lines. */
  readonly colorStderr: boolean;
  readonly env: NodeJS.ProcessEnv;
  /** Terminal width for wrapping, 80 when unknown. */
  readonly columns: number;
  /** Write data (results) to stdout. */
  out(text: string | Uint8Array): void;
  /** Write a notice to stderr. Known secrets are scrubbed from everything written here. */
  err(text: string): void;
  /** A prompt can be shown: stdin and stderr are terminals. */
  canPrompt(): boolean;
  /** Resolves once stdout and stderr have handed everything written so far to the system. */
  flush(): Promise<void>;
}

export type StdinKind = 'pipe' | 'file' | 'device' | 'terminal' | 'none';

function stdinKindOf(isTTY: boolean): StdinKind {
  if (isTTY) return 'terminal';
  try {
    const info = fstatSync(0);
    if (info.isFile()) return 'file';
    if (info.isFIFO() || info.isSocket()) return 'pipe';
    return 'device';
  } catch {
    return 'none'; // closed
  }
}

export interface ProcessIOOptions {
  noColor?: boolean;
}

export function colorAllowed(env: NodeJS.ProcessEnv, isTTY: boolean, noColorFlag = false): boolean {
  if (noColorFlag) return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false') return true;
  if (env.TERM === 'dumb') return false;
  return isTTY;
}

let brokenPipeHandled = false;

/**
 * A reader that stops consuming our stdout (`aoai … | head -1`) is a normal end, not an error:
 * exit quietly with 0, as `cat` and `gh` do.
 */
function exitQuietlyOnBrokenPipe(stream: Writable, exit: (code: number) => void): void {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED') {
      if (!brokenPipeHandled) {
        brokenPipeHandled = true;
        exit(0);
      }
      return;
    }
    throw error;
  });
}

export function processIO(options: ProcessIOOptions = {}): IO {
  const { stdin, stdout, stderr, env } = process;
  const stdinIsTTY = Boolean(stdin.isTTY);
  const stdoutIsTTY = Boolean(stdout.isTTY);
  const stderrIsTTY = Boolean(stderr.isTTY);
  exitQuietlyOnBrokenPipe(stdout, (code) => process.exit(code));
  let kind: StdinKind | undefined;
  exitQuietlyOnBrokenPipe(stderr, () => undefined);
  return {
    stdin,
    stdout,
    stderr,
    stdinIsTTY,
    get stdinKind() {
      return (kind ??= stdinKindOf(stdinIsTTY));
    },
    stdoutIsTTY,
    stderrIsTTY,
    colorStdout: colorAllowed(env, stdoutIsTTY, options.noColor),
    colorStderr: colorAllowed(env, stderrIsTTY, options.noColor),
    env,
    columns: stderr.columns || stdout.columns || 80,
    out(text) {
      if (brokenPipeHandled) return;
      stdout.write(text);
    },
    err(text) {
      stderr.write(redactSecrets(text));
    },
    canPrompt() {
      return stdinIsTTY && stderrIsTTY;
    },
    flush() {
      return drainStandardStreams();
    },
  };
}

/**
 * Wait until stdout and stderr have handed everything to the system. On Linux, writes to a pipe are
 * asynchronous: a slow reader (`aoai … 2>&1 | slow`) leaves them queued, and process.exit() would
 * drop the queue — the final `aoai: …` line with it.
 */
export function drainStandardStreams(): Promise<void> {
  return Promise.all([drain(process.stdout, brokenPipeHandled), drain(process.stderr, false)]).then(() => undefined);
}

function drain(stream: Writable, gone: boolean): Promise<void> {
  return new Promise((resolve) => {
    if (gone || stream.destroyed || stream.writableLength === 0) {
      resolve();
      return;
    }
    // The callback runs once this (empty) write, and so everything queued before it, is flushed;
    // an error (the reader went away) ends the wait too.
    stream.once('error', () => resolve());
    stream.write('', () => resolve());
  });
}

/** Wire a SIGINT handler that lets the running command clean up before exiting 130. */
export function onInterrupt(handler: () => void): () => void {
  process.on('SIGINT', handler);
  return () => process.off('SIGINT', handler);
}

/** SIGTERM (kill, a CI timeout) and SIGHUP (the terminal closed): clean up like Ctrl-C. */
export function onTermination(handler: (signal: 'SIGTERM' | 'SIGHUP') => void): () => void {
  const term = () => handler('SIGTERM');
  const hup = () => handler('SIGHUP');
  process.on('SIGTERM', term);
  process.on('SIGHUP', hup);
  return () => {
    process.off('SIGTERM', term);
    process.off('SIGHUP', hup);
  };
}

/** Terminate now, dropping queued output (after a hang-up nobody can read it). */
export function exitImmediately(code: number): never {
  process.exit(code);
}

/** Terminate the process once stdout and stderr are drained. Only main.ts and the signal handlers call this. */
export async function exitProcess(code: number): Promise<never> {
  await drainStandardStreams();
  process.exit(code);
}

/** Set the exit code without terminating, so buffered output drains. */
export function setExitCode(code: number): void {
  process.exitCode = code;
}

export function processArgv(): string[] {
  return process.argv.slice(2);
}

export function processEnv(): NodeJS.ProcessEnv {
  return process.env;
}
