// --exec NAME=COMMAND: run a local command for a function call. The arguments JSON goes to the
// command's stdin and its stdout becomes the function_call_output. Nothing runs unless the user
// named the function with --exec; the command runs through /bin/sh (as `make` and `npm run` do),
// so pipes and quoting behave as they would in a terminal.
import { spawn } from 'node:child_process';
import { UsageError } from '../core/errors.ts';

export interface ExecCall {
  name: string;
  call_id: string;
  arguments: string;
}

export interface ExecResult {
  /** What is sent back to the model. */
  output: string;
  /** The command's exit code (null when it was killed). */
  exitCode: number | null;
  /** The command's stderr, for the user (never sent to the model when the command succeeded). */
  stderr: string;
}

export const EXEC_TIMEOUT_MS = 120_000;
export const MAX_EXEC_OUTPUT_BYTES = 1024 * 1024;

/** `NAME=COMMAND` pairs → a map; a name given twice is a mistake. */
export function parseExecSpecs(specs: readonly string[]): Map<string, string> {
  const commands = new Map<string, string>();
  for (const spec of specs) {
    const eq = spec.indexOf('=');
    const name = eq > 0 ? spec.slice(0, eq).trim() : '';
    const command = eq > 0 ? spec.slice(eq + 1).trim() : '';
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(name) || command === '') {
      throw new UsageError(`invalid --exec '${spec}': expected NAME=COMMAND`, "e.g. --exec get_weather='./weather.sh'");
    }
    if (commands.has(name)) throw new UsageError(`--exec ${name} is given twice`);
    commands.set(name, command);
  }
  return commands;
}

/**
 * Run COMMAND for one call. A command that fails is reported to the model as an error object (so
 * it can react, as it would to any tool error) rather than ending the run.
 */
export function execFunctionCall(command: string, call: ExecCall, options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('/bin/sh', ['-c', command], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...(options.env ?? process.env), AOAI_FUNCTION_NAME: call.name, AOAI_CALL_ID: call.call_id },
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let outBytes = 0;
    let truncated = false;
    let timedOut = false;
    child.stdout.on('data', (chunk: Buffer) => {
      if (outBytes + chunk.length > MAX_EXEC_OUTPUT_BYTES) {
        truncated = true;
        out.push(chunk.subarray(0, MAX_EXEC_OUTPUT_BYTES - outBytes));
        outBytes = MAX_EXEC_OUTPUT_BYTES;
        child.kill('SIGTERM');
        return;
      }
      outBytes += chunk.length;
      out.push(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    // A command that does not read its stdin must not fail the run with EPIPE.
    child.stdin.on('error', () => undefined);
    child.stdin.end(call.arguments);
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs ?? EXEC_TIMEOUT_MS);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new UsageError(`--exec ${call.name}: cannot run '${command}': ${error.message}`));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      const stdout = Buffer.concat(out).toString('utf8').replace(/\r?\n$/, '');
      const stderr = Buffer.concat(err).toString('utf8');
      if (timedOut) {
        resolve({ output: JSON.stringify({ error: `the command timed out after ${Math.round((options.timeoutMs ?? EXEC_TIMEOUT_MS) / 1000)} s` }), exitCode: code, stderr });
      } else if (truncated) {
        resolve({ output: stdout, exitCode: code, stderr: `${stderr}(output cut at ${MAX_EXEC_OUTPUT_BYTES} bytes)\n` });
      } else if (code !== 0) {
        resolve({ output: JSON.stringify({ error: `the command exited with code ${String(code)}`, stderr: stderr.trim().slice(-2000) }), exitCode: code, stderr });
      } else {
        resolve({ output: stdout, exitCode: code, stderr });
      }
    });
  });
}
