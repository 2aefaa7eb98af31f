// What the program hands every command when it registers: the IO, and a way to build the factory
// from the global flags as parsed for that command. Its own module so that commands never import
// the program that imports them.
import type { Command } from 'commander';
import type { Factory } from '../core/factory.ts';
import type { IO } from '../io/io.ts';

export interface CommandContext {
  io: IO;
  /** The factory for a command, built from the global flags as parsed for it. */
  factory(command: Command): Factory;
}
