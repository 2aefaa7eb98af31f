// Spawn the real bin/aoai (shebang and all) with an isolated home, config and cache.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { captureLogFiles, recordCapture } from './captures.ts';
import { tempDir } from './temp.ts';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const BIN = join(REPO_ROOT, 'bin', 'aoai');

export interface RunOptions {
  env?: Record<string, string | undefined>;
  /** Written to stdin, which is then closed. Without it stdin is /dev/null. */
  input?: string | Buffer;
  /** Leave stdin an open pipe that never ends (as some CI runners do). */
  openStdin?: boolean;
  cwd?: string;
  timeoutMs?: number;
  /** Called with the child once spawned (to send signals). */
  onSpawn?: (child: ChildProcess) => void;
  /**
   * 'none': run inside a private network namespace (`unshare -n`) with no interface up, for tests
   * that name a non-loopback host: not even a DNS query can leave the machine.
   */
  network?: 'none';
  /** Called with each stdout chunk as it arrives. */
  onStdout?: (chunk: Buffer, child: ChildProcess) => void;
  /** Run bin/aoai through this command (e.g. nsenter into a mount namespace with a small disk). */
  via?: string[];
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  stdoutBytes: Buffer;
}

/** Variables from the developer's own shell (or the CI runner's) that would leak into the tests. */
const SCRUBBED_PREFIXES = ['AZURE_', 'OPENAI_', 'AOAI_', 'IDENTITY_', 'MSI_', 'IMDS_', 'NO_COLOR', 'FORCE_COLOR'];
/**
 * Terminal facts the CLI reads: CI runners set `CI` (which turns spinners off, as ora does) and may
 * leave TERM unset or run inside tmux; the tests say what terminal they mean themselves.
 */
const SCRUBBED_NAMES = new Set(['CI', 'TMUX', 'TMUX_PANE', 'TERM_PROGRAM', 'TERM_PROGRAM_VERSION', 'COLUMNS', 'LINES', 'COLORTERM', 'KITTY_WINDOW_ID', 'ITERM_SESSION_ID', 'WT_SESSION']);

export function cleanEnv(extra: Record<string, string | undefined> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value === undefined) continue;
    if (SCRUBBED_PREFIXES.some((prefix) => key.startsWith(prefix)) && key !== 'AOAI_TEST_CAPTURE_DIR') continue;
    if (SCRUBBED_NAMES.has(key)) continue;
    env[key] = value;
  }
  env.TERM = 'xterm-256color';
  // State (the local log) never goes to the developer's real home, even for a run without a sandbox.
  env.XDG_STATE_HOME = fallbackStateDir();
  for (const [key, value] of Object.entries(extra)) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  return env;
}

let stateDir: string | undefined;

/** One throwaway state directory for the runs of this test file that have no sandbox of their own. */
function fallbackStateDir(): string {
  stateDir ??= tempDir('aoai-state-');
  return stateDir;
}

export interface Sandbox {
  home: string;
  env: Record<string, string>;
  cleanup(): void;
}

/** A throwaway HOME with its own config, cache and state directories. */
export function sandbox(extra: Record<string, string | undefined> = {}): Sandbox {
  const home = tempDir('aoai-test-');
  const env = cleanEnv({
    HOME: home,
    XDG_CONFIG_HOME: join(home, '.config'),
    XDG_CACHE_HOME: join(home, '.cache'),
    XDG_STATE_HOME: join(home, '.local', 'state'),
    // Tests must never reach the instance-metadata service; pin the Entra chain unless a test says otherwise.
    AZURE_TOKEN_CREDENTIALS: 'AzureCliCredential',
    ...extra,
  });
  return {
    home,
    env,
    cleanup: () => {
      captureLogFiles(home);
      rmSync(home, { recursive: true, force: true });
    },
  };
}

export function runAoai(args: string[], options: RunOptions = {}): Promise<RunResult> {
  // bin/aoai runs dist/; `npm test` builds it first.
  if (!existsSync(join(REPO_ROOT, 'dist', 'main.js'))) throw new Error('dist/ is missing: run `npm run build` (or `npm test`, which builds first)');
  return new Promise((resolve, reject) => {
    const via = options.network === 'none' ? ['unshare', '--net', '--', ...(options.via ?? [])] : (options.via ?? []);
    const [command, ...prefix] = [...via, BIN];
    const child = spawn(command!, [...prefix, ...args], {
      cwd: options.cwd ?? REPO_ROOT,
      env: options.env ?? cleanEnv(),
      stdio: [options.input !== undefined || options.openStdin ? 'pipe' : 'ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout!.on('data', (chunk: Buffer) => {
      out.push(chunk);
      options.onStdout?.(chunk, child);
    });
    child.stderr!.on('data', (chunk: Buffer) => err.push(chunk));
    if (options.input !== undefined) child.stdin!.end(options.input);
    options.onSpawn?.(child);
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`aoai ${args.join(' ')} timed out; stderr so far: ${Buffer.concat(err).toString()}`));
    }, options.timeoutMs ?? 20_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const stdoutBytes = Buffer.concat(out);
      const stderr = Buffer.concat(err).toString('utf8');
      recordCapture(`aoai ${args.join(' ')} (stdout)`, stdoutBytes);
      recordCapture(`aoai ${args.join(' ')} (stderr)`, stderr);
      resolve({ code, signal, stdout: stdoutBytes.toString('utf8'), stderr, stdoutBytes });
    });
  });
}

/** A loopback port nothing listens on (bound, then released), for "connection refused" cases. */
export async function unusedPort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address() as { port: number };
      server.close(() => resolve(address.port));
    });
  });
}

/**
 * An onSpawn that sends the child SIGINT once `ready()` says so (checked every 20 ms): interrupt
 * when the command is doing something (polling, streaming), not at a fixed time.
 */
export function interruptWhen(ready: () => boolean): (child: ChildProcess) => void {
  return (child) => {
    const timer = setInterval(() => {
      if (!ready()) return;
      clearInterval(timer);
      child.kill('SIGINT');
    }, 20);
    child.on('exit', () => clearInterval(timer));
  };
}
