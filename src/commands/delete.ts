// aoai delete ID...: delete stored responses; prints each deleted id. Carries on past failures
// and exits with the first failure's code, as `rm a b c` does.
import type { Command } from 'commander';
import type { CommandContext } from '../cli/context.ts';
import { responseId } from '../cli/parse.ts';
import { forEachId } from '../cli/each-id.ts';
import type { Factory } from '../core/factory.ts';
import { compactJson } from '../render/json.ts';
import { prepareRequest } from '../responses/session.ts';

export interface DeleteOptions {
  ids: string[];
  json: boolean;
}

export function registerDelete(program: Command, ctx: CommandContext): void {
  program
    .command('delete')
    .description('delete stored responses; prints the ids deleted')
    .argument('<id...>', 'response ids (resp_…)')
    .option('--json', "print the API's deletion object for each, one JSON per line")
    .addHelpText('after', '\nExample:\n  aoai delete resp_123 resp_456')
    .action(async (ids: string[], values: { json?: boolean }, cmd: Command) => {
      await runDelete({ ids: ids.map((id) => responseId(id)), json: Boolean(values.json) }, ctx.factory(cmd));
    });
}

export async function runDelete(options: DeleteOptions, f: Factory): Promise<void> {
  const client = await prepareRequest(f);
  await forEachId(
    f,
    options.ids,
    async (id) => {
      const raw = await (await client.responses.delete(id).asResponse()).text();
      f.io.out(options.json ? `${compactJson(raw)}\n` : `${id}\n`);
    },
    `${countFailures(options.ids.length)} not deleted`,
  );
}

function countFailures(total: number): string {
  return total === 1 ? 'response' : 'some responses';
}
