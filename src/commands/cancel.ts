// aoai cancel ID: stop a background response. Idempotent: cancelling a finished job is not an error.
import type { Command } from 'commander';
import type { CommandContext } from '../cli/context.ts';
import { neutralise } from '../render/terminal-text.ts';
import { responseId } from '../cli/parse.ts';
import type { Factory } from '../core/factory.ts';
import { printJson } from '../render/json.ts';
import { fetchRaw } from '../responses/wait.ts';
import { prepareRequest } from '../responses/session.ts';

export interface CancelOptions {
  id: string;
  json: boolean;
}

export function registerCancel(program: Command, ctx: CommandContext): void {
  program
    .command('cancel')
    .description('cancel a background response (idempotent)')
    .argument('<id>', 'response id (resp_…)', responseId)
    .option('--json', "print the API's JSON response unchanged")
    .addHelpText('after', '\nOnly background responses can be cancelled; the service refuses others.\n\nExample:\n  aoai cancel resp_123')
    .action(async (id: string, values: { json?: boolean }, cmd: Command) => {
      await runCancel({ id, json: Boolean(values.json) }, ctx.factory(cmd));
    });
}

export async function runCancel(options: CancelOptions, f: Factory): Promise<void> {
  const client = await prepareRequest(f);
  const { raw, response } = await fetchRaw(client.responses.cancel(options.id)).catch(async (error: unknown) => {
    // The service refuses to cancel a job that has already ended; for a script that only wants
    // the job stopped, that is done, not a failure: report the job as it ended.
    if (!alreadyEnded(error)) throw error;
    return fetchRaw(client.responses.retrieve(options.id));
  });
  if (options.json) await printJson(f.io, raw);
  // The service's words: exact on a pipe, shown-not-obeyed on a terminal (and always on stderr).
  else f.io.out(`${f.io.stdoutIsTTY ? neutralise(`${response.id} ${response.status}`) : `${response.id} ${response.status}`}\n`);
  if (response.status !== 'cancelled' && f.io.stderrIsTTY) {
    f.io.err(`${neutralise(`${response.id} had already ended (${response.status})`)}; nothing to cancel\n`);
  }
}

/** 400 "Cannot cancel a completed response." (likewise failed, incomplete, cancelled). */
function alreadyEnded(error: unknown): boolean {
  const { status, message } = (error ?? {}) as { status?: unknown; message?: unknown };
  return status === 400 && typeof message === 'string' && /cannot cancel a (completed|failed|incomplete|cancelled) response/i.test(message);
}
