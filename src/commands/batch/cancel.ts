// aoai batch cancel ID...: stop Global Batch jobs. Idempotent: a job already cancelling or
// cancelled is reported as such, and one that already ended otherwise is not an error either (there
// is nothing left to stop); the finished requests stay in its results.
import type { Command } from 'commander';
import type { CommandContext } from '../../cli/context.ts';
import { forEachId } from '../../cli/each-id.ts';
import { batchId } from '../../cli/parse.ts';
import type { Factory } from '../../core/factory.ts';
import { printJson } from '../../render/json.ts';
import { neutralise } from '../../render/terminal-text.ts';
import { prepareRequest } from '../../responses/session.ts';
import { fetchBatch } from '../../batch/global/wait.ts';
import { isTerminalBatch } from '../../batch/global/view.ts';

export interface BatchCancelOptions {
  ids: string[];
  json: boolean;
}

export function registerBatchCancel(batch: Command, ctx: CommandContext): void {
  batch
    .command('cancel')
    .description('cancel Global Batch jobs (finished requests are kept); prints each id and its status')
    .argument('<id...>', 'batch ids (batch_…)')
    .option('--json', "print the API's batch object for each, one JSON per line")
    .addHelpText('after', '\nCancelling takes a while on the service (status cancelling, then cancelled).\n\nExample:\n  aoai batch cancel batch_abc123')
    .action(async (ids: string[], values: { json?: boolean }, cmd: Command) => {
      await runBatchCancel({ ids: ids.map((id) => batchId(id)), json: Boolean(values.json) }, ctx.factory(cmd));
    });
}

export async function runBatchCancel(options: BatchCancelOptions, f: Factory): Promise<void> {
  const client = await prepareRequest(f);
  await forEachId(
    f,
    options.ids,
    async (id) => {
      // A job that already ended cannot be cancelled (the service refuses); asking twice is fine.
      let current = await fetchBatch(client.batches.retrieve(id));
      if (!isTerminalBatch(current.batch) && current.batch.status !== 'cancelling') current = await fetchBatch(client.batches.cancel(id));
      if (options.json) printJson(f.io, current.raw);
      else f.io.out(`${id}\t${neutralise(String(current.batch.status))}\n`);
    },
    'some batch jobs were not cancelled',
  );
}
