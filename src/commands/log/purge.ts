// aoai log purge [--before WHEN]: delete records from the local log (all of them, or the older ones).
import type { Command } from 'commander';
import type { CommandContext } from '../../cli/context.ts';
import { pointInTime } from '../../cli/parse.ts';
import { ExitCode } from '../../core/errors.ts';
import type { Factory } from '../../core/factory.ts';
import { FileWriteError } from '../../core/atomic-write.ts';

export interface LogPurgeOptions {
  /** Delete records older than this; undefined: every record. */
  before: Date | undefined;
  /** Only this profile's records (--profile); undefined: every profile's. */
  profile: string | undefined;
}

export function registerLogPurge(log: Command, ctx: CommandContext): void {
  log
    .command('purge')
    .description('delete records from the local log: all, or those older than --before')
    .option('--before <when>', 'only records older than this: 30d, 2w, or a date (2026-11-01)', (value: string) => pointInTime(value))
    .addHelpText('after', '\nThe responses themselves stay on the service (aoai delete removes one there).\nExamples:\n  aoai log purge --before 30d\n  aoai log purge --profile work\n  aoai log purge')
    .action(async (_values: unknown, cmd: Command) => {
      const values = cmd.optsWithGlobals<{ before?: Date; profile?: string }>();
      await runLogPurge({ before: values.before, profile: values.profile }, ctx.factory(cmd));
    });
}

export async function runLogPurge(options: LogPurgeOptions, f: Factory): Promise<void> {
  const { logFiles, purgeRecords } = await import('../../log/file.ts');
  const files = logFiles(f.paths.state);
  const before = options.before?.getTime();
  let result;
  try {
    result = purgeRecords(files, (record) => (options.profile !== undefined && record.profile !== options.profile) || (before !== undefined && Date.parse(record.time) >= before));
  } catch (error) {
    throw new FileWriteError(files.current, error, undefined, ExitCode.WriteFailed);
  }
  if (f.io.stderrIsTTY) f.io.err(`removed ${result.removed} record${result.removed === 1 ? '' : 's'}; ${result.kept} kept\n`);
}
