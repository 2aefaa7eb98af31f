// aoai batch list: Global Batch jobs, newest first; --all follows the cursor through every page.
import type { Command } from 'commander';
import type { Batch } from 'openai/resources/batches';
import type { CommandContext } from '../../cli/context.ts';
import { followUpFor } from '../../cli/follow-up.ts';
import { batchId, intInRange } from '../../cli/parse.ts';
import { CursorGuard } from '../../core/cursor-guard.ts';
import { UsageError } from '../../core/errors.ts';
import { serviceId } from '../../core/ids.ts';
import type { Factory } from '../../core/factory.ts';
import { printJson, printJsonLine } from '../../render/json.ts';
import { parseJsonBody } from '../../responses/wait.ts';
import { prepareRequest } from '../../responses/session.ts';
import { batchRow } from '../../batch/global/view.ts';

export interface BatchListOptions {
  limit: number | undefined;
  after: string | undefined;
  all: boolean;
  format: 'text' | 'json' | 'jsonl';
}

interface BatchListValues {
  limit?: number;
  after?: string;
  all?: boolean;
  json?: boolean;
  jsonl?: boolean;
}

interface BatchPage {
  object: 'list';
  data: Batch[];
  first_id?: string | null;
  last_id?: string | null;
  has_more: boolean;
}

export function registerBatchList(batch: Command, ctx: CommandContext): void {
  batch
    .command('list')
    .description('list Global Batch jobs, newest first (id, status, done/total, created, model)')
    .option('--limit <n>', 'jobs per page, 1–100 (default 20)', intInRange(1, 100))
    .option('--after <id>', 'start after this batch id (the cursor)', batchId)
    .option('--all', 'follow has_more and fetch every page')
    .option('--json', "print the API's list object (with --all: one list holding every job)")
    .option('--jsonl', 'print one batch object per line as JSON (NDJSON)')
    .addHelpText('after', '\nExamples:\n  aoai batch list\n  aoai batch list --all --jsonl | jq -r \'select(.status == "completed") | .id\'')
    .action(async (values: BatchListValues, cmd: Command) => {
      await runBatchList(toBatchListOptions(values), ctx.factory(cmd));
    });
}

export function toBatchListOptions(values: BatchListValues): BatchListOptions {
  if (values.json && values.jsonl) throw new UsageError('--json and --jsonl are alternatives; pick one');
  return { limit: values.limit, after: values.after, all: Boolean(values.all), format: values.json ? 'json' : values.jsonl ? 'jsonl' : 'text' };
}

export async function runBatchList(options: BatchListOptions, f: Factory): Promise<void> {
  const client = await prepareRequest(f);
  const collected: Batch[] = [];
  const cursors = new CursorGuard('batches', options.after);
  let after = options.after;
  let count = 0;
  let last: BatchPage | undefined;
  for (;;) {
    const query: { limit?: number; after?: string } = {};
    if (options.limit !== undefined) query.limit = options.limit;
    if (after !== undefined) query.after = after;
    const http = await client.batches.list(query).asResponse();
    const raw = await http.text();
    const page = parseJsonBody<BatchPage>(http, raw);
    last = page;
    if (options.format === 'json' && !options.all) {
      printJson(f.io, raw);
      return;
    }
    const data = Array.isArray(page.data) ? page.data : [];
    count += data.length;
    for (const batch of data) {
      if (options.format === 'json') collected.push(batch);
      else if (options.format === 'jsonl') printJsonLine(f.io, batch);
      else f.io.out(`${batchRow(batch, f.io.stdoutIsTTY)}\n`);
    }
    const cursor = data.at(-1)?.id;
    if (!options.all || !page.has_more || !cursor) break;
    // The next page's URL carries this id: it must be one.
    cursors.follow(serviceId('batch', cursor, 'batch id'));
    after = cursor;
  }
  if (options.format === 'json') {
    printJson(f.io, JSON.stringify({ object: 'list', data: collected, first_id: collected[0]?.id ?? null, last_id: collected.at(-1)?.id ?? null, has_more: false }));
    return;
  }
  if (f.io.stderrIsTTY && options.format === 'text') {
    if (count === 0) f.io.err('no batch jobs\n');
    else if (!options.all && last?.has_more && last.data.at(-1)?.id) {
      f.io.err(`more: ${followUpFor(f)(['batch', 'list', '--after', serviceId('batch', last.data.at(-1)!.id, 'batch id'), ...(options.limit ? ['--limit', String(options.limit)] : [])])} (or --all)\n`);
    }
  }
}
