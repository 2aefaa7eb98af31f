// aoai files: the Files API (uploads the model can read as input_file / file_id, and container
// files the code interpreter wrote). This file only registers the verbs.
import type { Command } from 'commander';
import type { CommandContext } from '../../cli/context.ts';
import { registerFilesUpload } from './upload.ts';
import { registerFilesList } from './list.ts';
import { registerFilesGet } from './get.ts';
import { registerFilesDelete } from './delete.ts';

export function registerFiles(program: Command, ctx: CommandContext): void {
  const files = program
    .command('files')
    .description('upload, list, show, download and delete files')
    .addHelpText(
      'after',
      `
Examples:
  aoai files upload report.pdf                 # prints: file-…
  aoai create -m gpt-4.1 --file file-abc123 "Summarise this report"
  aoai files list --jsonl | jq -r .filename
  aoai files get file-abc123 --output copy.pdf
  aoai files delete file-abc123`,
    );
  registerFilesUpload(files, ctx);
  registerFilesList(files, ctx);
  registerFilesGet(files, ctx);
  registerFilesDelete(files, ctx);
}
