// aoai log show ID|-N: one record in full (prompt, output, usage) from the local copy, which
// outlives the service's (deleted, expired, or never stored).
import type { Command } from 'commander';
import type { CommandContext } from '../../cli/context.ts';
import { UsageError } from '../../core/errors.ts';
import type { Factory } from '../../core/factory.ts';
import { isId } from '../../core/ids.ts';

export interface LogShowOptions {
  /** A response id, or how far back: 1 is the newest record. */
  which: { id: string } | { back: number };
  json: boolean;
  profile: string | undefined;
}

export function registerLogShow(log: Command, ctx: CommandContext): void {
  log
    .command('show')
    .description('print one record in full: prompt, output, usage (works after the response was deleted)')
    .argument('<id>', 'a response id (resp_…), or -1 for the newest record, -2 for the one before…')
    .option('--json', 'print the record as JSON')
    .addHelpText('after', '\nExamples:\n  aoai log show -1\n  aoai log show resp_123 --json | jq -r .output')
    .action(async (which: string, _values: unknown, cmd: Command) => {
      const values = cmd.optsWithGlobals<{ json?: boolean; profile?: string }>();
      await runLogShow(toLogShowOptions(which, values), ctx.factory(cmd));
    });
}

export function toLogShowOptions(which: string, values: { json?: boolean; profile?: string }): LogShowOptions {
  const back = /^-(\d+)$/.exec(which);
  let target: LogShowOptions['which'];
  if (back && Number(back[1]) >= 1) target = { back: Number(back[1]) };
  else if (isId('response', which)) target = { id: which };
  else throw new UsageError(`'${which}' is not a response id or -N`, 'give resp_… or -1 for the newest record (aoai log lists them)');
  return { which: target, json: Boolean(values.json), profile: values.profile };
}

export async function runLogShow(options: LogShowOptions, f: Factory): Promise<void> {
  const { logFiles, recordsNewestFirst } = await import('../../log/file.ts');
  const { which } = options;
  let seen = 0;
  for (const record of recordsNewestFirst(logFiles(f.paths.state))) {
    if (options.profile !== undefined && record.profile !== options.profile) continue;
    if ('id' in which ? record.id !== which.id : ++seen < which.back) continue;
    if (options.json) {
      const { printJson } = await import('../../render/json.ts');
      printJson(f.io, JSON.stringify(record));
    } else {
      const { recordDetails } = await import('../../log/format.ts');
      f.io.out(recordDetails(record, Date.now()));
    }
    return;
  }
  const what = 'id' in which ? `record of ${which.id}` : which.back === 1 ? 'records' : `record -${which.back} (it holds ${seen})`;
  throw new UsageError(`the log has no ${what}${options.profile !== undefined ? ` for profile '${options.profile}'` : ''}`, 'aoai log lists the records it holds');
}
