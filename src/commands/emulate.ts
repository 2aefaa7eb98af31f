// aoai emulate: a local Azure OpenAI Responses API on loopback, for trying aoai (and your own
// scripts) offline. Prints the endpoint and key as `export` lines on stdout, and optionally writes
// them to a file (atomically, before it reports ready) so a script can wait for that file.
import { unlinkSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { usesGlobalOptions } from '../cli/help.ts';
import type { CommandContext } from '../cli/context.ts';
import { collect, intInRange } from '../cli/parse.ts';
import { writeFileAtomic } from '../core/atomic-write.ts';
import { CliError, UsageError } from '../core/errors.ts';
import type { Factory } from '../core/factory.ts';
import { interrupts } from '../io/interrupts.ts';

export interface EmulateOptions {
  port: number;
  host: string;
  key: string | undefined;
  queueMs: number;
  eventDelayMs: number;
  deployments: string[];
  faults: string[];
  rateLimits: string[];
  /** Stored responses kept at most; undefined: the store's default (emulator/store.ts). */
  maxStored: number | undefined;
  quiet: boolean;
  writeEnv: string | undefined;
  /** Batch jobs' clock, quota and timestamp style (emulator/batches-api.ts). */
  batch: { validatingMs: number; finalizingMs: number; lineMs: number; tokenLimit: number; timestamps: 'unix' | 'iso' };
}

interface EmulateValues {
  batchPhaseMs?: number;
  batchLineMs?: number;
  batchTokenLimit?: number;
  batchTimestamps?: 'unix' | 'iso';
  port?: number;
  host?: string;
  key?: string;
  queueMs?: number;
  eventDelayMs?: number;
  deployment?: string[];
  fault?: string[];
  rateLimit?: string[];
  maxStored?: number;
  quiet?: boolean;
  writeEnv?: string;
}

export function registerEmulate(program: Command, ctx: CommandContext): void {
  const emulate = program.command('emulate');
  // It serves requests rather than sending them: endpoint, auth and request flags mean nothing here.
  usesGlobalOptions(emulate, []);
  emulate
    .description('run a local emulator of the Azure OpenAI Responses API (loopback only)')
    .option('-p, --port <port>', 'port to listen on (default: a free one)', intInRange(0, 65535))
    .option('--host <address>', 'loopback address to bind (default 127.0.0.1)')
    .option('--key <key>', 'API key to accept (default: a random one, printed)')
    .option('--queue-ms <ms>', 'how long background jobs stay queued (default 500)', intInRange(0, 3_600_000))
    .option('--event-delay-ms <ms>', 'pause between streamed events (default 15)', intInRange(0, 60_000))
    .option('--deployment <name>', 'accept only these deployments (repeatable; default: any)', collect)
    .option('--fault <spec>', "inject a fault, e.g. 'status=429,retry-after=2' or 'drop-after=5,times=3' (repeatable)", collect)
    .option('--max-stored <n>', 'stored responses kept in memory; past it the oldest answer 404, as expired ones do (default 10000)', intInRange(1, 100_000_000))
    .option('--rate-limit <spec>', "simulate a deployment quota: 'rpm=6000,tpm=1000000' for each deployment, 'NAME:rpm=60' for one (repeatable)", collect)
    .option('--batch-phase-ms <ms>', 'how long a batch job stays validating, and finalizing (default 500)', intInRange(0, 3_600_000))
    .option('--batch-line-ms <ms>', 'time a batch job spends on each line (default 20)', intInRange(0, 60_000))
    .option('--batch-token-limit <tokens>', 'enqueued-token quota per deployment; a batch over it fails with token_limit_exceeded (default: none)', intInRange(1, Number.MAX_SAFE_INTEGER))
    .addOption(new Option('--batch-timestamps <style>', 'batch timestamps as Unix seconds or ISO strings (both occur on Azure)').choices(['unix', 'iso']).default('unix'))
    .option('-q, --quiet', 'do not log requests to stderr')
    // Not --env-file: Node 20 reads that flag from anywhere in argv, even after the script name.
    .option('--write-env <path>', 'also write the export lines to PATH (whole, before serving; removed on exit)')
    .addHelpText(
      'after',
      `
Stdout gets export lines; paste them into another shell (or eval them):
  export AZURE_OPENAI_ENDPOINT=http://127.0.0.1:PORT
  export AZURE_OPENAI_API_KEY=emu-…
  export IDENTITY_ENDPOINT=…  export IDENTITY_HEADER=…   (managed identity, for Entra sign-in)
In a script, start it in the background and wait for the file, which appears whole:
  rm -f emu.env; aoai emulate --quiet --write-env emu.env &
  until [ -s emu.env ]; do sleep 0.1; done; . ./emu.env
The model is deterministic: "Echo: <your text>", "Write 500 words" gives 500 words,
"story" gives a story; o-series and gpt-5 deployments reason. See docs/emulator.md.`,
    )
    .action(async (values: EmulateValues, cmd: Command) => {
      await runEmulate(toEmulateOptions(values), ctx.factory(cmd));
    });
}

export function toEmulateOptions(values: EmulateValues): EmulateOptions {
  const host = values.host ?? '127.0.0.1';
  if (!['127.0.0.1', 'localhost', '::1'].includes(host) && !host.startsWith('127.')) {
    throw new UsageError(`--host ${host}: the emulator binds loopback addresses only`);
  }
  return {
    port: values.port ?? 0,
    host,
    key: values.key,
    queueMs: values.queueMs ?? 500,
    eventDelayMs: values.eventDelayMs ?? 15,
    deployments: values.deployment ?? [],
    faults: values.fault ?? [],
    rateLimits: values.rateLimit ?? [],
    maxStored: values.maxStored,
    quiet: Boolean(values.quiet),
    writeEnv: values.writeEnv,
    batch: {
      validatingMs: values.batchPhaseMs ?? 500,
      finalizingMs: values.batchPhaseMs ?? 500,
      lineMs: values.batchLineMs ?? 20,
      tokenLimit: values.batchTokenLimit ?? 0,
      timestamps: values.batchTimestamps ?? 'unix',
    },
  };
}

export async function runEmulate(options: EmulateOptions, f: Factory): Promise<void> {
  const { startEmulator } = await import('../emulator/index.ts');
  const { io } = f;
  let emulator;
  try {
    emulator = await startEmulator({
      host: options.host,
      port: options.port,
      apiKey: options.key,
      queueMs: options.queueMs,
      eventDelayMs: options.eventDelayMs,
      deployments: options.deployments,
      faults: options.faults,
      rateLimits: options.rateLimits,
      maxStored: options.maxStored,
      batch: options.batch,
      onRequest: options.quiet
        ? undefined
        : (entry) => io.err(`${new Date().toISOString().slice(11, 23)} ${entry.method} ${entry.path} ${entry.status || 'dropped'} ${Date.now() - entry.startedAt} ms\n`),
    });
  } catch (error) {
    const { FaultSpecError } = await import('../emulator/faults.ts');
    if (error instanceof FaultSpecError) throw new UsageError(`--fault: ${error.message}`, "e.g. --fault 'status=429,retry-after=2' or --fault 'drop-after=5,times=3'");
    const { RateLimitSpecError } = await import('../emulator/rate-limits.ts');
    if (error instanceof RateLimitSpecError) throw new UsageError(`--rate-limit: ${error.message}`, "e.g. --rate-limit 'rpm=6000,tpm=1000000' or --rate-limit 'gpt-4.1:rpm=60'");
    // The atomic writer may already say what went wrong, in one line.
    if (error instanceof CliError) throw new UsageError(`--write-env: ${error.message}`, error.hint);
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new UsageError(`port ${options.port} is in use; pick another with --port, or omit it`);
    if (code === 'EACCES') throw new UsageError(`cannot listen on port ${options.port}: permission denied`);
    throw error;
  }
  const exports = exportLines({
    AZURE_OPENAI_ENDPOINT: emulator.url,
    AZURE_OPENAI_API_KEY: emulator.apiKey,
    IDENTITY_ENDPOINT: emulator.identityEndpoint,
    IDENTITY_HEADER: emulator.identityHeader,
  });
  try {
    // Written whole (temporary file + rename) before anything says "ready": a script waiting
    // for the file to exist never reads half of it. 0600: it holds the key.
    if (options.writeEnv) writeFileAtomic(options.writeEnv, exports, { mode: 0o600 });
  } catch (error) {
    await emulator.close();
    // The atomic writer may already say what went wrong, in one line.
    if (error instanceof CliError) throw new UsageError(`--write-env: ${error.message}`, error.hint);
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such directory' : code === 'EACCES' ? 'permission denied' : (code ?? (error as Error).message);
    throw new UsageError(`--write-env ${options.writeEnv}: cannot write the file (${reason})`);
  }
  io.out(exports);
  if (io.stderrIsTTY) io.err(`emulator listening on ${emulator.url} (Ctrl-C to stop)\n`);
  await interrupts.untilStopped();
  // A stale file would let the next script's wait loop pass before its emulator is up.
  if (options.writeEnv) removeQuietly(options.writeEnv);
  await emulator.close();
}

/** `export NAME=value` lines that work pasted into sh, bash or zsh, or sourced with `.`. */
export function exportLines(variables: Record<string, string>): string {
  return Object.entries(variables)
    .map(([name, value]) => `export ${name}=${shellWord(value)}\n`)
    .join('');
}

function shellWord(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replaceAll("'", "'\\''")}'`;
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Already gone.
  }
}
