// The one place that touches process.stdin/stdout/stderr. Everything else receives an IO.
import type { Readable, Writable } from 'node:stream';
import { redactSecrets } from '../core/redact.ts';

export interface IO {
  readonly stdin: Readable & { isTTY?: boolean; setRawMode?: (mode: boolean) => unknown };
  readonly stdout: Writable;
  readonly stderr: Writable;
  readonly stdinIsTTY: boolean;
  readonly stdoutIsTTY: boolean;
  readonly stderrIsTTY: boolean;
  /**
   * Colour on stdout: on a TTY or with FORCE_COLOR, never with NO_COLOR (non-empty) or --no-color.
   * The chalk instance for each stream is built from this decision (render/style.ts).
   */
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
  /** Resolves once stdout has accepted everything written so far. */
  flush(): Promise<void>;
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
  exitQuietlyOnBrokenPipe(stderr, () => undefined);
  return {
    stdin,
    stdout,
    stderr,
    stdinIsTTY,
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
      return new Promise((resolve) => {
        if (brokenPipeHandled || stdout.writableLength === 0) resolve();
        else stdout.write('', () => resolve());
      });
    },
  };
}

/** Wire a SIGINT handler that lets the running command clean up before exiting 130. */
export function onInterrupt(handler: () => void): () => void {
  process.on('SIGINT', handler);
  return () => process.off('SIGINT', handler);
}

/** Terminate the process. Only main.ts and the broken-pipe path call this. */
export function exitProcess(code: number): never {
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
