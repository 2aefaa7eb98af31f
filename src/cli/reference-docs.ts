// docs/commands/*.md are generated from the command definitions themselves (npm run docs), and a
// test fails when the committed pages differ from what the definitions produce. The build uses the
// same definitions to write the help texts bin/aoai prints without loading the CLI (helpTexts).
import type { Command } from 'commander';
import { PassThrough } from 'node:stream';
import type { IO } from '../io/io.ts';
import { buildProgram } from './program.ts';

const HELP_WIDTH = 100;

/** An IO that collects help text instead of printing it, with a fixed width for stable output. */
function captureIO(columns = HELP_WIDTH): { io: IO; take(): string } {
  let buffer = '';
  const io = {
    stdin: new PassThrough(),
    stdout: new PassThrough(),
    stderr: new PassThrough(),
    stdinIsTTY: false,
    stdoutIsTTY: false,
    stderrIsTTY: false,
    colorStdout: false,
    colorStderr: false,
    env: {},
    columns,
    out(text: string | Uint8Array) {
      buffer += typeof text === 'string' ? text : Buffer.from(text).toString('utf8');
    },
    err() {},
    canPrompt: () => false,
    flush: async () => {},
  } satisfies IO;
  return {
    io,
    take() {
      const text = buffer;
      buffer = '';
      return text;
    },
  };
}

function commandPath(command: Command): string[] {
  const names: string[] = [];
  for (let c: Command | null = command; c; c = c.parent) names.unshift(c.name());
  return names;
}

function helpOf(command: Command, take: () => string): string {
  command.outputHelp();
  return take().replace(/[ \t]+$/gm, '').trimEnd();
}

/** File name → Markdown, one page per command (nested verbs get `noun-verb.md`). */
export function renderCommandDocs(): Map<string, string> {
  const { io, take } = captureIO();
  const program = buildProgram(io);
  const pages = new Map<string, string>();
  const index: string[] = ['# Command reference', '', 'Generated from the command definitions by `npm run docs`; do not edit by hand.', ''];

  const visit = (command: Command) => {
    for (const sub of command.commands) {
      // Hidden helpers (aoai __complete-ids) are plumbing for the completion scripts, not commands.
      if ((sub as unknown as { _hidden?: boolean })._hidden) continue;
      const path = commandPath(sub);
      const file = `${path.slice(1).join('-')}.md`;
      const title = path.join(' ');
      const children = sub.commands.map((c) => `- [\`${title} ${c.name()}\`](${[...path.slice(1), c.name()].join('-')}.md): ${c.description()}`);
      pages.set(
        file,
        [`# \`${title}\``, '', sub.description(), '', '```text', helpOf(sub, take), '```', ...(children.length ? ['', '## Subcommands', '', ...children] : []), '', 'See also: [all commands](README.md), [exit codes](../exit-codes.md).', ''].join('\n'),
      );
      index.push(`- [\`${title}\`](${file}): ${sub.description()}`);
      visit(sub);
    }
  };
  visit(program);
  index.push('', '## Global options', '', '```text', helpOf(program, take), '```', '');
  pages.set('README.md', index.join('\n'));
  return pages;
}

/**
 * Every command's `--help` output, byte for byte as the CLI prints it on a terminal of `columns`
 * columns, keyed by the command path after `aoai` ('' for aoai itself, 'files upload'…). Hidden
 * commands are included: the table must answer exactly what the CLI would.
 */
export function helpTexts(columns: number): Record<string, string> {
  const { io, take } = captureIO(columns);
  const texts: Record<string, string> = {};
  const visit = (command: Command) => {
    command.outputHelp();
    texts[commandPath(command).slice(1).join(' ')] = take();
    for (const sub of command.commands) visit(sub);
  };
  visit(buildProgram(io));
  return texts;
}
