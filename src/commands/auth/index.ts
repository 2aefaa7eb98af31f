// aoai auth: what aoai signs in with. This file only registers the verbs.
import type { Command } from 'commander';
import type { CommandContext } from '../../cli/context.ts';
import { registerAuthStatus } from './status.ts';

export function registerAuth(program: Command, ctx: CommandContext): void {
  const auth = program.command('auth').description('show how aoai authenticates, and check it (auth status)');
  registerAuthStatus(auth, ctx);
}
