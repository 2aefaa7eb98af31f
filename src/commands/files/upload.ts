// aoai files upload PATH...: upload files; prints each new file id (or its JSON with --json).
import { createReadStream } from 'node:fs';
import { serviceId } from '../../core/ids.ts';
import { stat } from 'node:fs/promises';
import { Option, type Command } from 'commander';
import type { CommandContext } from '../../cli/context.ts';
import { UsageError } from '../../core/errors.ts';
import type { Factory } from '../../core/factory.ts';
import { describeFsError } from '../../core/local-input.ts';
import { prepareRequest } from '../../responses/session.ts';
import { compactJson } from '../../render/json.ts';

/** The purposes the service accepts for an upload (vision: images for image edits). */
export const UPLOAD_PURPOSES = ['assistants', 'batch', 'fine-tune', 'vision', 'user_data', 'evals'] as const;
export const MAX_UPLOAD_BYTES = 512 * 1024 * 1024;

export interface FilesUploadOptions {
  paths: string[];
  purpose: (typeof UPLOAD_PURPOSES)[number];
  json: boolean;
}

export function registerFilesUpload(files: Command, ctx: CommandContext): void {
  files
    .command('upload')
    .description('upload files; prints each file id')
    .argument('<path...>', 'files to upload')
    .addOption(
      new Option('--purpose <purpose>', 'what the file is for: assistants (input_file / --file ids), vision (images, e.g. for --edit), user_data, batch, fine-tune or evals')
        .choices(UPLOAD_PURPOSES)
        .default('assistants'),
    )
    .option('--json', 'print the file object for each upload, one JSON per line')
    .addHelpText('after', '\nExamples:\n  aoai files upload report.pdf\n  aoai create -m gpt-4.1 --file "$(aoai files upload report.pdf)" "Summarise it"')
    .action(async (paths: string[], values: { purpose: FilesUploadOptions['purpose']; json?: boolean }, cmd: Command) => {
      await runFilesUpload({ paths, purpose: values.purpose, json: Boolean(values.json) }, ctx.factory(cmd));
    });
}

export async function runFilesUpload(options: FilesUploadOptions, f: Factory): Promise<void> {
  // Check every file before the first upload: a typo in the third path should not leave two uploads behind.
  for (const path of options.paths) {
    let info;
    try {
      info = await stat(path);
    } catch (error) {
      throw new UsageError(`cannot read ${path}: ${describeFsError(error)}`);
    }
    if (!info.isFile()) throw new UsageError(`${path} is not a regular file`);
    if (info.size === 0) throw new UsageError(`${path} is empty`);
    if (info.size > MAX_UPLOAD_BYTES) throw new UsageError(`${path} is ${Math.ceil(info.size / 1024 / 1024)} MB; the service accepts at most 512 MB per file`);
  }
  const client = await prepareRequest(f);
  for (const path of options.paths) {
    const http = await client.files.create({ file: createReadStream(path), purpose: options.purpose as never }).asResponse();
    const raw = await http.text();
    // The id is meant for `--file "$(aoai files upload …)"`: it must be one.
    f.io.out(options.json ? `${compactJson(raw)}\n` : `${serviceId('file', (JSON.parse(raw) as { id?: unknown }).id, 'file id')}\n`);
  }
}
