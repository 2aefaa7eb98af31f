// aoai log: the local record of the responses this machine created (src/log/, docs/log.md). The
// noun lists on its own (list.ts); show, usage and purge are its verbs. This file only registers.
import type { Command } from 'commander';
import { usesGlobalOptions } from '../../cli/help.ts';
import type { CommandContext } from '../../cli/context.ts';
import { registerLogList } from './list.ts';
import { registerLogShow } from './show.ts';
import { registerLogUsage } from './usage.ts';
import { registerLogPurge } from './purge.ts';

export function registerLog(program: Command, ctx: CommandContext): void {
  const log = program.command('log').description('list the responses aoai created here, newest first (a local log)');
  usesGlobalOptions(log, ['--profile']);
  registerLogList(log, ctx);
  registerLogShow(log, ctx);
  registerLogUsage(log, ctx);
  registerLogPurge(log, ctx);
}
