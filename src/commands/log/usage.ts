// aoai log usage [--since …]: tokens summed by day and deployment, from the local log: the
// figure quota planning needs, without a metrics query.
import type { Command } from 'commander';
import type { CommandContext } from '../../cli/context.ts';
import { UsageError } from '../../core/errors.ts';
import type { Factory } from '../../core/factory.ts';
import type { RecordFilter } from '../../log/filter.ts';
import { addFilterOptions } from './list.ts';

export interface LogUsageOptions {
  filter: RecordFilter;
  format: 'text' | 'json' | 'jsonl';
}

interface LogUsageValues {
  since?: Date;
  model?: string;
  status?: string;
  json?: boolean;
  jsonl?: boolean;
  profile?: string;
}

export function registerLogUsage(log: Command, ctx: CommandContext): void {
  const usage = log.command('usage').description('sum token usage by day and deployment (for quota planning)');
  addFilterOptions(usage, 'responses')
    .option('--json', 'print the rows as one JSON array')
    .option('--jsonl', 'print one row per line as JSON (NDJSON)')
    .addHelpText(
      'after',
      `
Days are local calendar days. Counts only what this machine logged (not other machines, not
responses made with the log off or --no-log). A batch run counts as its number of requests.
Examples:
  aoai log usage --since 7d
  aoai log usage --since 2026-11-01 --model gpt-4.1 --jsonl | jq .total_tokens`,
    )
    .action(async (_values: unknown, cmd: Command) => {
      await runLogUsage(toLogUsageOptions(cmd.optsWithGlobals<LogUsageValues>()), ctx.factory(cmd));
    });
}

export function toLogUsageOptions(values: LogUsageValues): LogUsageOptions {
  if (values.json && values.jsonl) throw new UsageError('--json and --jsonl are alternatives; pick one');
  return {
    filter: { since: values.since, model: values.model, status: values.status, profile: values.profile },
    format: values.json ? 'json' : values.jsonl ? 'jsonl' : 'text',
  };
}

export async function runLogUsage(options: LogUsageOptions, f: Factory): Promise<void> {
  const [{ logFiles, recordsNewestFirst }, { matching }, { usageRows, usageTable }, { printJson, printJsonLine }] = await Promise.all([
    import('../../log/file.ts'),
    import('../../log/filter.ts'),
    import('../../log/format.ts'),
    import('../../render/json.ts'),
  ]);
  const rows = usageRows(matching(recordsNewestFirst(logFiles(f.paths.state)), options.filter));
  const { io } = f;
  if (options.format === 'json') return printJson(io, JSON.stringify(rows));
  if (options.format === 'jsonl') {
    for (const row of rows) printJsonLine(io, row);
    return;
  }
  if (rows.length === 0) {
    if (io.stderrIsTTY) io.err('no usage in the log for that period\n');
    return;
  }
  io.out(usageTable(rows, io.stdoutIsTTY).map((line) => `${line}\n`).join(''));
}
