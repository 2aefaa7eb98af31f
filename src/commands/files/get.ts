// aoai files get ID: a file's details, or its content with --output (also container files the
// code interpreter wrote: --container CONTAINER_ID).
import type { Command } from 'commander';
import { containerId } from '../../cli/parse.ts';
import { ID_SHAPES, isId } from '../../core/ids.ts';
import type { FileObject } from 'openai/resources/files';
import type { CommandContext } from '../../cli/context.ts';
import { FileWriteError, assertWritable } from '../../core/atomic-write.ts';
import { saveDownload } from '../../core/download.ts';
import { UsageError } from '../../core/errors.ts';
import type { Factory } from '../../core/factory.ts';
import { printJson } from '../../render/json.ts';
import { prepareRequest } from '../../responses/session.ts';
import { fileDetails } from '../../render/files.ts';

export interface FilesGetOptions {
  id: string;
  json: boolean;
  /** Download the content here ('-' for stdout). */
  output: string | undefined;
  container: string | undefined;
  force: boolean;
}

interface FilesGetValues {
  json?: boolean;
  output?: string;
  container?: string;
  force?: boolean;
}

export function registerFilesGet(files: Command, ctx: CommandContext): void {
  files
    .command('get')
    .description("show a file's details, or download it with --output")
    .argument('<id>', 'file id (file-… or, with --container, cfile_…)')
    .option('--json', "print the API's file object unchanged")
    .option('-o, --output <file>', "write the file's content to FILE ('-' for stdout)")
    .option('--container <id>', 'the file is in this code-interpreter container (cntr_…); needs --output', containerId)
    .option('--force', 'with --output: replace an existing file')
    .addHelpText('after', '\nExamples:\n  aoai files get file-abc123\n  aoai files get file-abc123 --output report.pdf\n  aoai files get cfile_123 --container cntr_456 --output chart.png')
    .action(async (id: string, values: FilesGetValues, cmd: Command) => {
      await runFilesGet(toFilesGetOptions(id, values), ctx.factory(cmd));
    });
}

export function toFilesGetOptions(id: string, values: FilesGetValues): FilesGetOptions {
  if (values.container !== undefined && values.output === undefined) throw new UsageError('--container downloads a container file: add --output FILE');
  if (values.json && values.output !== undefined) throw new UsageError('--json shows the details; --output downloads the content; pick one');
  if (values.force && values.output === undefined) throw new UsageError('--force needs --output');
  // A container holds cfile_… ids; the Files API file-…/assistant-… ids. Either goes into a URL.
  if (values.container !== undefined ? !isId('containerFile', id) : !isId('file', id)) {
    throw new UsageError(`${JSON.stringify(id)} is not a ${values.container !== undefined ? 'container file id (expected cfile_…)' : `file id (expected ${ID_SHAPES.file.looksLike})`}`);
  }
  return { id, json: Boolean(values.json), output: values.output, container: values.container, force: Boolean(values.force) };
}

export async function runFilesGet(options: FilesGetOptions, f: Factory): Promise<void> {
  // Find out now, not after the download, that the file cannot be written.
  if (options.output !== undefined && options.output !== '-') {
    try {
      assertWritable(options.output, { exclusive: !options.force });
    } catch (error) {
      throw refusedOverwrite(error, options.output);
    }
  }
  const client = await prepareRequest(f);
  if (options.output === undefined) {
    const http = await client.files.retrieve(options.id).asResponse();
    const raw = await http.text();
    if (options.json) await printJson(f.io, raw);
    else f.io.out(fileDetails(JSON.parse(raw) as FileObject));
    return;
  }
  const http = options.container !== undefined ? await client.containers.files.content.retrieve(options.id, { container_id: options.container }) : await client.files.content(options.id);
  // Streamed, never whole in memory: a file can be far larger than any JSON answer.
  const body = (http.body ?? []) as AsyncIterable<Uint8Array>;
  if (options.output === '-') {
    for await (const chunk of body) {
      f.io.out(chunk);
      await f.io.flush();
    }
    return;
  }
  let bytes: number;
  try {
    bytes = await saveDownload(body, options.output, { exclusive: !options.force });
  } catch (error) {
    // A FileWriteError names the path and the cause (full disk, read-only…); the service's own
    // failures mid-body (deadline, dropped connection) pass through with their message.
    throw refusedOverwrite(error, options.output);
  }
  if (f.io.stderrIsTTY) f.io.err(`✓ wrote ${bytes} bytes to ${options.output}\n`);
}

function refusedOverwrite(error: unknown, path: string): unknown {
  if (error instanceof FileWriteError && error.errno === 'EEXIST') return new UsageError(`${path} already exists`, 'pass --force to replace it');
  return error;
}
