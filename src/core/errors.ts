import { neutralise } from '../render/terminal-text.ts';

// One table of exit codes for the whole CLI, documented in docs/scripting.md (and docs/exit-codes.md).
export const ExitCode = {
  /** The command did what was asked. */
  Ok: 0,
  /** The service answered with an error, or could not be reached. */
  ApiError: 1,
  /** Bad flags, arguments or input files; nothing was sent. */
  Usage: 2,
  /** No endpoint, no credential, sign-in failed, access denied (401/403), unreadable config. */
  AuthConfig: 3,
  /** The response ended failed, incomplete or cancelled. */
  NotCompleted: 4,
  /** The model is waiting for you: function-call output or MCP approvals are pending. */
  ActionRequired: 5,
  /** A result could not be written to disk (full, read-only, no permission); the hint names the response id. */
  WriteFailed: 6,
  /** Hung up (SIGHUP): the terminal closed. */
  HungUp: 129,
  /** Interrupted by Ctrl-C (SIGINT). */
  Interrupted: 130,
  /** Terminated (SIGTERM). */
  Terminated: 143,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** An error the CLI reports as one line (plus an optional hint) and a specific exit code. */
export class CliError extends Error {
  readonly exitCode: ExitCodeValue;
  readonly hint: string | undefined;
  constructor(message: string, exitCode: ExitCodeValue, hint?: string) {
    super(message);
    this.name = new.target.name;
    this.exitCode = exitCode;
    this.hint = hint;
  }
}

export class UsageError extends CliError {
  constructor(message: string, hint?: string) {
    super(message, ExitCode.Usage, hint);
  }
}

export class ConfigError extends CliError {
  constructor(message: string, hint?: string) {
    super(message, ExitCode.AuthConfig, hint);
  }
}

export class AuthError extends CliError {
  constructor(message: string, hint?: string) {
    super(message, ExitCode.AuthConfig, hint);
  }
}

export class ApiError extends CliError {
  readonly status: number | undefined;
  readonly code: string | undefined;
  readonly requestId: string | undefined;
  constructor(
    message: string,
    details: { status?: number; code?: string; requestId?: string; hint?: string; exitCode?: ExitCodeValue } = {},
  ) {
    super(message, details.exitCode ?? ExitCode.ApiError, details.hint);
    this.status = details.status;
    this.code = details.code;
    this.requestId = details.requestId;
  }
}

/** A response that ended failed, incomplete or cancelled; its text (if any) is already printed. */
export class NotCompletedError extends CliError {
  constructor(message: string, hint?: string) {
    super(message, ExitCode.NotCompleted, hint);
  }
}

export class ActionRequiredError extends CliError {
  constructor(message: string, hint?: string) {
    super(message, ExitCode.ActionRequired, hint);
  }
}

export class InterruptedError extends CliError {
  constructor(message = 'interrupted', hint?: string) {
    super(message, ExitCode.Interrupted, hint);
  }
}

/**
 * The longest message or hint line printed: a server can put a megabyte in an error message, and
 * a terminal full of it hides what went wrong.
 */
export const MAX_ERROR_LINE = 1000;

/**
 * Format an error as the one stderr line (plus hint) the user sees. Messages carry the service's
 * words (and ids, file names…), so control characters are shown, never obeyed.
 */
export function formatCliError(error: CliError): string {
  const lines = [`aoai: ${neutralise(truncate(oneLine(error.message), MAX_ERROR_LINE))}`];
  if (error.hint) lines.push(`hint: ${neutralise(truncate(oneLine(error.hint), MAX_ERROR_LINE))}`);
  return `${lines.join('\n')}\n`;
}

/** Messages from servers and libraries can span lines; the contract is one line. */
export function oneLine(text: string): string {
  return text.replace(/\s*\r?\n\s*/g, ' ').trim();
}

/** At most `max` characters, ending in '…' when cut; never splits a surrogate pair. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max - 1;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return `${text.slice(0, end)}…`;
}

/**
 * Name what the service sent when it was not what we expected: the content type, an HTML page's
 * title, or the start of the text. Never more than a short excerpt.
 */
export function describeReceived(contentType: string | undefined, body: string): string {
  const type = contentType || 'no content type';
  const trimmed = body.trim();
  if (!trimmed) return `${type}, empty body`;
  const title = /<title>([^<]{1,100})<\/title>/i.exec(trimmed)?.[1];
  if (title) return `${type}: an HTML page titled "${oneLine(title)}"`;
  const excerpt = oneLine(trimmed).slice(0, 80);
  return `${type}, ${Buffer.byteLength(trimmed)} bytes: ${JSON.stringify(excerpt)}${trimmed.length > 80 ? '…' : ''}`;
}
