// aoai log [-n N] [--since …] [--model …] [--status …] [-q TEXT]: records newest first, read
// backwards from the end of the file so the newest cost the same however long the log is.
import { Option, type Command } from 'commander';
import type { CommandContext } from '../../cli/context.ts';
import { intInRange, pointInTime } from '../../cli/parse.ts';
import { UsageError } from '../../core/errors.ts';
import type { Factory } from '../../core/factory.ts';
import { printJsonLine } from '../../render/json.ts';
import type { RecordFilter } from '../../log/filter.ts';

/** Statuses a record can have: the service's, and 'error' for a request that failed without one. */
export const RECORD_STATUSES = ['completed', 'incomplete', 'failed', 'cancelled', 'queued', 'in_progress', 'error'] as const;
export const DEFAULT_LIST_COUNT = 20;

export interface LogListOptions {
  limit: number;
  filter: RecordFilter;
  format: 'text' | 'json' | 'jsonl';
}

export interface LogListValues {
  limit?: number;
  since?: Date;
  model?: string;
  status?: string;
  query?: string;
  json?: boolean;
  jsonl?: boolean;
  profile?: string;
}

/** The filter flags, shared by the list and `log usage`. */
export function addFilterOptions(command: Command, what: string): Command {
  return command
    .option('--since <when>', `only ${what} since then: 30m, 2h, 7d, 2w, or a date (2026-11-30, 2026-11-30T14:00)`, (value: string) => pointInTime(value))
    .option('--model <deployment>', `only ${what} of this deployment`)
    .addOption(new Option('--status <status>', `only ${what} with this status`).choices(RECORD_STATUSES));
}

export function registerLogList(log: Command, ctx: CommandContext): void {
  addFilterOptions(log, 'records')
    .option('-n, --limit <n>', `show at most N records (default ${DEFAULT_LIST_COUNT})`, intInRange(1, 10_000_000))
    .option('-q, --query <text>', 'only records whose prompt or output contains TEXT (ignoring case)')
    .option('--json', 'print the records as one JSON array')
    .option('--jsonl', 'print one record per line as JSON (NDJSON)')
    .addHelpText(
      'after',
      `
Columns: id, age, deployment, status, tokens, first line of the prompt (on a pipe: id, time,
profile, deployment, status, total tokens, exit code, prompt; tab-separated). --profile NAME keeps
one profile's records (default: every profile). What is stored and where: docs/log.md.
Examples:
  aoai log
  aoai log -n 5 --since 2h --model gpt-4.1
  aoai log -q invoice --jsonl | jq -r .id
  aoai log show -1
  aoai create -c "and in French?"        # continue the latest response`,
    )
    .action(async (values: LogListValues, cmd: Command) => {
      await runLogList(toLogListOptions(values, cmd.optsWithGlobals<{ profile?: string }>().profile), ctx.factory(cmd));
    });
}

export function toLogListOptions(values: LogListValues, profile: string | undefined): LogListOptions {
  if (values.json && values.jsonl) throw new UsageError('--json and --jsonl are alternatives; pick one');
  return {
    limit: values.limit ?? DEFAULT_LIST_COUNT,
    filter: { since: values.since, model: values.model, status: values.status, text: values.query, profile },
    format: values.json ? 'json' : values.jsonl ? 'jsonl' : 'text',
  };
}

export async function runLogList(options: LogListOptions, f: Factory): Promise<void> {
  const started = performance.now();
  const [{ logFiles, recordsNewestFirst }, { matching }] = await Promise.all([import('../../log/file.ts'), import('../../log/filter.ts')]);
  const { io } = f;
  const records = [];
  for (const record of matching(recordsNewestFirst(logFiles(f.paths.state)), options.filter)) {
    records.push(record);
    if (records.length >= options.limit) break;
  }
  // The reading alone, without start-up (npm run bench reads it).
  f.debug(`log: ${records.length} records read in ${(performance.now() - started).toFixed(2)} ms`);
  if (options.format === 'json') {
    const { printJson } = await import('../../render/json.ts');
    printJson(io, JSON.stringify(records));
    return;
  }
  if (options.format === 'jsonl') {
    for (const record of records) printJsonLine(io, record);
    return;
  }
  if (records.length === 0) {
    if (io.stderrIsTTY) io.err(`${await emptyNote(f, options.filter)}\n`);
    return;
  }
  const format = await import('../../log/format.ts');
  if (!io.stdoutIsTTY) {
    io.out(records.map((record) => `${format.pipeRow(record)}\n`).join(''));
    return;
  }
  const { columnWidth, truncateToColumns } = await import('../../render/columns.ts');
  const lines = format.terminalRows(records, Date.now(), { width: columnWidth, cut: truncateToColumns, columns: io.columns });
  io.out(lines.map((line) => `${line}\n`).join(''));
}

async function emptyNote(f: Factory, filter: RecordFilter): Promise<string> {
  const filtered = Object.values(filter).some((value) => value !== undefined);
  if (filtered) return 'no records match';
  const { profileLogMode } = await import('../../log/write.ts');
  return profileLogMode(f) === 'off' ? `the log is empty (it is off for profile '${f.profileName}')` : 'the log is empty';
}
