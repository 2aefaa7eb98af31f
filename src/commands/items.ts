// aoai items ID: the input items of a stored response, one page or (--all) every page.
import { Option, type Command } from 'commander';
import type { ResponseItem } from 'openai/resources/responses/responses';
import type { CommandContext } from '../cli/context.ts';
import { intInRange, responseId } from '../cli/parse.ts';
import { CursorGuard } from '../core/cursor-guard.ts';
import { UsageError } from '../core/errors.ts';
import type { Factory } from '../core/factory.ts';
import { printJson, printJsonLine } from '../render/json.ts';
import { prepareRequest } from '../responses/session.ts';
import { parseJsonBody } from '../responses/wait.ts';

export interface ItemsOptions {
  id: string;
  limit: number | undefined;
  after: string | undefined;
  order: 'asc' | 'desc' | undefined;
  all: boolean;
  format: 'text' | 'json' | 'jsonl';
}

interface ItemsValues {
  limit?: number;
  after?: string;
  order?: 'asc' | 'desc';
  all?: boolean;
  json?: boolean;
  jsonl?: boolean;
}

interface ItemPage {
  object: 'list';
  data: ResponseItem[];
  first_id: string | null;
  last_id: string | null;
  has_more: boolean;
}

export function registerItems(program: Command, ctx: CommandContext): void {
  program
    .command('items')
    .description('list the input items of a stored response')
    .argument('<id>', 'response id (resp_…)', responseId)
    .option('--limit <n>', 'items per page, 1–100 (service default 20)', intInRange(1, 100))
    .option('--after <item-id>', 'start after this item id (a cursor from a previous page)')
    .addOption(new Option('--order <order>', 'asc (oldest first) or desc (service default)').choices(['asc', 'desc']))
    .option('--all', 'follow has_more and fetch every page')
    .option('--json', "print the API's list object (with --all: one list holding every item)")
    .option('--jsonl', 'print one item per line as JSON (NDJSON)')
    .addHelpText('after', '\nExamples:\n  aoai items resp_123\n  aoai items resp_123 --all --jsonl | jq -r .type')
    .action(async (id: string, values: ItemsValues, cmd: Command) => {
      await runItems(toItemsOptions(id, values), ctx.factory(cmd));
    });
}

export function toItemsOptions(id: string, values: ItemsValues): ItemsOptions {
  if (values.json && values.jsonl) throw new UsageError('--json and --jsonl are alternatives; pick one');
  return {
    id,
    limit: values.limit,
    after: values.after,
    order: values.order,
    all: Boolean(values.all),
    format: values.json ? 'json' : values.jsonl ? 'jsonl' : 'text',
  };
}

export async function runItems(options: ItemsOptions, f: Factory): Promise<void> {
  const client = await prepareRequest(f);
  const collected: ResponseItem[] = [];
  let after = options.after;
  let first: ItemPage | undefined;
  let last: ItemPage | undefined;
  const cursors = new CursorGuard(`the items of ${options.id}`, options.after);
  for (;;) {
    const query: Record<string, unknown> = {};
    if (options.limit !== undefined) query.limit = options.limit;
    if (options.order !== undefined) query.order = options.order;
    if (after !== undefined) query.after = after;
    const http = await client.responses.inputItems.list(options.id, query).asResponse();
    const raw = await http.text();
    const page = parseJsonBody<ItemPage>(http, raw);
    first ??= page;
    last = page;
    if (options.format === 'json' && !options.all) {
      await printJson(f.io, raw);
      return;
    }
    if (options.format === 'json') collected.push(...page.data);
    else {
      // Loaded here, not at start-up: row widths need string-width.
      const { formatItemRow } = await import('../render/items.ts');
      for (const item of page.data) {
        if (options.format === 'jsonl') await printJsonLine(f.io, item);
        else f.io.out(`${formatItemRow(item, { tty: f.io.stdoutIsTTY, width: f.io.columns })}\n`);
      }
    }
    if (!options.all || !page.has_more || !page.last_id || page.data.length === 0) break;
    cursors.follow(page.last_id);
    after = page.last_id;
  }
  if (options.format === 'json') {
    const merged: ItemPage = {
      object: 'list',
      data: collected,
      first_id: collected.length ? (first?.first_id ?? null) : null,
      last_id: collected.length ? (last?.last_id ?? null) : null,
      has_more: false,
    };
    await printJson(f.io, JSON.stringify(merged));
  }
}
