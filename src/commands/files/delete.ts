// aoai files delete ID...: delete uploaded files; prints each deleted id. Carries on past
// failures and exits with the first failure's code, as `aoai delete` does.
import type { Command } from 'commander';
import type { CommandContext } from '../../cli/context.ts';
import { fileId } from '../../cli/parse.ts';
import { forEachId } from '../../cli/each-id.ts';
import type { Factory } from '../../core/factory.ts';
import { prepareRequest } from '../../responses/session.ts';
import { compactJson } from '../../render/json.ts';

export interface FilesDeleteOptions {
  ids: string[];
  json: boolean;
}

export function registerFilesDelete(files: Command, ctx: CommandContext): void {
  files
    .command('delete')
    .description('delete uploaded files; prints the ids deleted')
    .argument('<id...>', 'file ids (file-… or assistant-…)')
    .option('--json', "print the API's deletion object for each, one JSON per line")
    .addHelpText('after', '\nExample:\n  aoai files delete file-abc123 file-def456')
    .action(async (ids: string[], values: { json?: boolean }, cmd: Command) => {
      await runFilesDelete({ ids: ids.map((id) => fileId(id)), json: Boolean(values.json) }, ctx.factory(cmd));
    });
}

export async function runFilesDelete(options: FilesDeleteOptions, f: Factory): Promise<void> {
  const client = await prepareRequest(f);
  await forEachId(
    f,
    options.ids,
    async (id) => {
      const raw = await (await client.files.delete(id).asResponse()).text();
      f.io.out(options.json ? `${compactJson(raw)}\n` : `${id}\n`);
    },
    'some files were not deleted',
  );
}
