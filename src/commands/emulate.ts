// aoai emulate: a local Azure OpenAI Responses API on loopback, for trying aoai (and your own
// scripts) offline. Prints the endpoint and key as shell assignments on stdout.
import type { Command } from 'commander';
import type { CommandContext } from '../cli/context.ts';
import { collect, intInRange } from '../cli/parse.ts';
import { UsageError } from '../core/errors.ts';
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
  quiet: boolean;
}

interface EmulateValues {
  port?: number;
  host?: string;
  key?: string;
  queueMs?: number;
  eventDelayMs?: number;
  deployment?: string[];
  fault?: string[];
  quiet?: boolean;
}

export function registerEmulate(program: Command, ctx: CommandContext): void {
  program
    .command('emulate')
    .description('run a local emulator of the Azure OpenAI Responses API (loopback only)')
    .option('-p, --port <port>', 'port to listen on (default: a free one)', intInRange(0, 65535))
    .option('--host <address>', 'loopback address to bind (default 127.0.0.1)')
    .option('--key <key>', 'API key to accept (default: a random one, printed)')
    .option('--queue-ms <ms>', 'how long background jobs stay queued (default 500)', intInRange(0, 3_600_000))
    .option('--event-delay-ms <ms>', 'pause between streamed events (default 15)', intInRange(0, 60_000))
    .option('--deployment <name>', 'accept only these deployments (repeatable; default: any)', collect)
    .option('--fault <spec>', "inject a fault, e.g. 'status=429,retry-after=2' or 'drop-after=5,times=3' (repeatable)", collect)
    .option('-q, --quiet', 'do not log requests to stderr')
    .addHelpText(
      'after',
      `
Stdout gets shell assignments, so another terminal can use it right away:
  AZURE_OPENAI_ENDPOINT=http://127.0.0.1:PORT
  AZURE_OPENAI_API_KEY=emu-…
  IDENTITY_ENDPOINT=… IDENTITY_HEADER=…   (a managed-identity endpoint for Entra sign-in)
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
    quiet: Boolean(values.quiet),
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
      onRequest: options.quiet
        ? undefined
        : (entry) => io.err(`${new Date().toISOString().slice(11, 23)} ${entry.method} ${entry.path} ${entry.status || 'dropped'} ${Date.now() - entry.startedAt} ms\n`),
    });
  } catch (error) {
    const { FaultSpecError } = await import('../emulator/faults.ts');
    if (error instanceof FaultSpecError) throw new UsageError(`--fault: ${error.message}`, "e.g. --fault 'status=429,retry-after=2' or --fault 'drop-after=5,times=3'");
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new UsageError(`port ${options.port} is in use; pick another with --port, or omit it`);
    if (code === 'EACCES') throw new UsageError(`cannot listen on port ${options.port}: permission denied`);
    throw error;
  }
  io.out(
    [
      `AZURE_OPENAI_ENDPOINT=${emulator.url}`,
      `AZURE_OPENAI_API_KEY=${emulator.apiKey}`,
      `IDENTITY_ENDPOINT=${emulator.identityEndpoint}`,
      `IDENTITY_HEADER=${emulator.identityHeader}`,
      '',
    ].join('\n'),
  );
  if (io.stderrIsTTY) io.err(`emulator listening on ${emulator.url} (Ctrl-C to stop)\n`);
  await interrupts.untilStopped();
  await emulator.close();
}
