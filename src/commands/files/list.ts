// aoai files list: uploaded files, newest first; --jsonl for jq.
import type { Command } from 'commander';
import type { FileObject } from 'openai/resources/files';
import type { CommandContext } from '../../cli/context.ts';
import { CursorGuard } from '../../core/cursor-guard.ts';
import type { Factory } from '../../core/factory.ts';
import { printJsonLine } from '../../render/json.ts';
import { prepareRequest } from '../../responses/session.ts';
import { fileRow } from '../../render/files.ts';

export interface FilesListOptions {
  purpose: string | undefined;
  jsonl: boolean;
}

export function registerFilesList(files: Command, ctx: CommandContext): void {
  files
    .command('list')
    .description('list uploaded files (id, purpose, bytes, created, filename)')
    .option('--purpose <purpose>', 'only files with this purpose')
    .option('--jsonl', 'one file object per line as JSON (NDJSON)')
    .addHelpText('after', '\nExamples:\n  aoai files list\n  aoai files list --jsonl | jq -r \'select(.filename|endswith(".pdf")) | .id\'')
    .action(async (values: { purpose?: string; jsonl?: boolean }, cmd: Command) => {
      await runFilesList({ purpose: values.purpose, jsonl: Boolean(values.jsonl) }, ctx.factory(cmd));
    });
}

export async function runFilesList(options: FilesListOptions, f: Factory): Promise<void> {
  const client = await prepareRequest(f);
  const query = options.purpose !== undefined ? { purpose: options.purpose } : {};
  let count = 0;
  const cursors = new CursorGuard('files');
  const first = await client.files.list(query);
  for await (const page of first.iterPages()) {
    for (const file of page.data) {
      count++;
      if (options.jsonl) await printJsonLine(f.io, file);
      else f.io.out(`${fileRow(file as FileObject, f.io.stdoutIsTTY)}\n`);
    }
    // The SDK's next page starts after the last file's id.
    const cursor = page.data.at(-1)?.id;
    if (page.hasNextPage() && cursor) cursors.follow(cursor);
  }
  if (count === 0 && !options.jsonl && f.io.stderrIsTTY) f.io.err('no files\n');
}
