// aoai batch submit FILE: send a file of request lines to Azure Global Batch. Checked first (each
// problem named by its line, exit 2, nothing sent), held to the service's limits (100,000 requests
// and 200 MB per job, one deployment per file) or, with --split, cut into several jobs recorded in
// a manifest; uploaded with purpose batch and an expiry; one job per part. Prints the batch ids, or
// with --wait follows the jobs (queueing parts as the enqueued-token quota frees up) and writes the
// results.
import type { Command } from 'commander';
import { Option } from 'commander';
import type { CommandContext } from '../../cli/context.ts';
import { followUpFor } from '../../cli/follow-up.ts';
import { collect, intInRange, positiveNumber } from '../../cli/parse.ts';
import { UsageError } from '../../core/errors.ts';
import type { Factory } from '../../core/factory.ts';
import { compactJson } from '../../render/json.ts';
import { parseMetadata } from '../../request/create-params.ts';
import { prepareRequest } from '../../responses/session.ts';
import { openBatchInput } from '../../batch/input.ts';
import { checkInput, lineConverter, resolveFormat } from '../../batch/prepare.ts';
import { cutIntoParts, GLOBAL_BATCH_LIMITS, type CutInput } from '../../batch/global/parts.ts';
import { loadManifest, newManifest, saveManifest } from '../../batch/global/manifest.ts';
import { Submission } from '../../batch/global/submit.ts';
import { DEFAULT_BATCH_POLL_SECONDS, InterruptibleWait, pollWords } from '../../batch/global/wait.ts';
import type { InputOrigin } from '../../batch/global/outcome.ts';
import { checkResultsTarget, resultsTarget, resultsWords, writeBatchResults, type ResultsRequest } from './results.ts';

const DAY = 24 * 3600;
/** Azure's range for batch file expiry, in days. */
const EXPIRY_DAYS = { min: 14, max: 30 } as const;

export interface BatchSubmitOptions {
  file: string;
  split: boolean;
  /** Requests per part with --split (at most the service's 100,000). */
  partLines: number;
  manifest: string | undefined;
  fileExpiryDays: number;
  outputExpiryDays: number;
  metadata: Record<string, string> | undefined;
  json: boolean;
  wait: boolean;
  pollIntervalMs: number;
  /** With --wait: where the results go, and in what order. */
  results: ResultsRequest | undefined;
  order: 'service' | 'input';
}

interface BatchSubmitValues {
  split?: boolean;
  partLines?: number;
  manifest?: string;
  fileExpiry?: number;
  outputExpiry?: number;
  metadata?: string[];
  json?: boolean;
  wait?: boolean;
  pollInterval?: number;
  output?: string;
  force?: boolean;
  order?: 'service' | 'input';
}

export function registerBatchSubmit(batch: Command, ctx: CommandContext): void {
  batch
    .command('submit')
    .description('send a file of request lines to Azure Global Batch (half price, 24 h); prints the batch id')
    .argument('<file>', "request lines, {\"custom_id\", \"method\", \"url\", \"body\"} ('-': stdin)")
    .option('--split', 'cut a file over the limits (100,000 requests, 200 MB) into several jobs, recorded in a manifest')
    .option('--part-lines <n>', `with --split: requests per job (default ${GLOBAL_BATCH_LIMITS.lines.toLocaleString('en-US')})`, intInRange(1, GLOBAL_BATCH_LIMITS.lines))
    .option('--manifest <file>', 'with --split: the manifest to write, or to resume from (default FILE.batches.json)')
    .option('--file-expiry <days>', `days until the uploaded input expires, ${EXPIRY_DAYS.min}–${EXPIRY_DAYS.max} (default ${EXPIRY_DAYS.min})`, intInRange(EXPIRY_DAYS.min, EXPIRY_DAYS.max))
    .option('--output-expiry <days>', `days until the output and error files expire, ${EXPIRY_DAYS.min}–${EXPIRY_DAYS.max} (default ${EXPIRY_DAYS.max})`, intInRange(EXPIRY_DAYS.min, EXPIRY_DAYS.max))
    .option('--metadata <key=value>', "the job's metadata (repeatable, at most 16)", collect)
    .option('--json', "print the API's batch object for each job, one JSON per line (with --wait and -o: a summary per job)")
    .option('--wait', 'follow the jobs to their end (progress on stderr), then write the results')
    .option('--poll-interval <seconds>', `with --wait: seconds between status checks (default ${DEFAULT_BATCH_POLL_SECONDS}, as Azure asks)`, positiveNumber)
    .option('-o, --output <file>', "with --wait: write the results to FILE (default: stdout)")
    .option('--force', 'with --output: replace an existing file')
    .addOption(new Option('--order <order>', 'with --wait: results as the service returns them, or in input order').choices(['service', 'input']).default('service'))
    .addHelpText(
      'after',
      `
The file holds request lines (make them from prompts with aoai batch prepare); every line
must name the same deployment (body.model: a Global-Batch deployment). Nothing is sent if a
line is invalid (exit 2). Azure runs the job within 24 hours at half the price, under its own
enqueued-token quota; with --wait, parts beyond that quota are queued and retried.
A --split run cut short resumes when run again with the same manifest.

Examples:
  aoai batch submit requests.jsonl
  aoai batch submit requests.jsonl --wait -o results.jsonl
  aoai batch prepare -m gpt-4.1-batch questions.txt | aoai batch submit - --metadata run=nightly
  aoai batch submit big.jsonl --split --wait --order input -o results.jsonl`,
    )
    .action(async (file: string, values: BatchSubmitValues, cmd: Command) => {
      await runBatchSubmit(toBatchSubmitOptions(file, values), ctx.factory(cmd));
    });
}

export function toBatchSubmitOptions(file: string, values: BatchSubmitValues): BatchSubmitOptions {
  if (values.partLines !== undefined && !values.split) throw new UsageError('--part-lines needs --split');
  if (values.manifest !== undefined && !values.split) throw new UsageError('--manifest needs --split');
  if (values.split && file === '-' && values.manifest === undefined) throw new UsageError('--split on standard input needs --manifest FILE (where the jobs are recorded)');
  for (const [flag, given] of [['--poll-interval', values.pollInterval], ['--output', values.output], ['--force', values.force]] as const) {
    if (given !== undefined && !values.wait) throw new UsageError(`${flag} needs --wait`);
  }
  if (values.order === 'input' && !values.wait) throw new UsageError('--order input needs --wait (for a job that has ended: aoai batch results --order input)');
  const target = values.wait ? resultsTarget(values.output, Boolean(values.force)) : undefined;
  if (values.json && target?.kind === 'stdout') throw new UsageError('with --wait the results go to stdout: add -o FILE to get --json summaries');
  return {
    file,
    split: Boolean(values.split),
    partLines: values.partLines ?? GLOBAL_BATCH_LIMITS.lines,
    manifest: values.split ? (values.manifest ?? `${file}.batches.json`) : undefined,
    fileExpiryDays: values.fileExpiry ?? EXPIRY_DAYS.min,
    outputExpiryDays: values.outputExpiry ?? EXPIRY_DAYS.max,
    metadata: values.metadata?.length ? parseMetadata(values.metadata) : undefined,
    json: Boolean(values.json),
    wait: Boolean(values.wait),
    pollIntervalMs: (values.pollInterval ?? DEFAULT_BATCH_POLL_SECONDS) * 1000,
    results: target ? { target, order: undefined, json: Boolean(values.json) } : undefined,
    order: values.order ?? 'service',
  };
}

const MB = 1024 * 1024;

export async function runBatchSubmit(options: BatchSubmitOptions, f: Factory): Promise<void> {
  if (options.results) checkResultsTarget(options.results);
  const input = await openBatchInput(f.io, options.file);
  let cut: CutInput | undefined;
  let interrupt: InterruptibleWait | undefined;
  try {
    if ((await resolveFormat(input, 'auto')) !== 'requests') {
      throw new UsageError(`${input.name} holds prompts; Global Batch takes request lines ({"custom_id", "method", "url", "body"})`, 'make them first with aoai batch prepare (see: aoai batch prepare --help), then submit its output');
    }
    const convert = lineConverter('requests', undefined);
    const checked = await checkInput(f.io, input, convert, { sameModel: true });
    if (checked.requestCount === 0) throw new UsageError(`${input.name} holds no requests; nothing was sent`);
    cut = await cutIntoParts(input, convert, { lines: options.split ? options.partLines : GLOBAL_BATCH_LIMITS.lines, bytes: GLOBAL_BATCH_LIMITS.bytes });
    if (cut.parts.length > 1 && !options.split) {
      const bytes = cut.parts.reduce((sum, part) => sum + part.bytes, 0);
      throw new UsageError(
        `${input.name} has ${checked.requestCount.toLocaleString('en-US')} requests (${Math.ceil(bytes / MB)} MB); one Global Batch job takes at most ${GLOBAL_BATCH_LIMITS.lines.toLocaleString('en-US')} requests and ${GLOBAL_BATCH_LIMITS.bytes / MB} MB; nothing was sent`,
        `add --split to send it as ${cut.parts.length} jobs`,
      );
    }
    const fresh = newManifest(input.argument, cut, checked.model);
    const manifest = (options.manifest ? loadManifest(options.manifest, fresh) : undefined) ?? fresh;
    if (options.manifest) saveManifest(options.manifest, manifest);
    const client = await prepareRequest(f);
    const followUp = followUpFor(f);
    interrupt = new InterruptibleWait();
    const submission = new Submission(
      client,
      f.io,
      cut,
      manifest,
      options.manifest,
      { fileExpirySeconds: options.fileExpiryDays * DAY, outputExpirySeconds: options.outputExpiryDays * DAY, metadata: options.metadata },
      interrupt,
      (current) => resumeHint(options, current, followUp),
    );
    await submission.upload();
    await submission.refreshRecorded();
    if (!options.wait) {
      await submission.createAll();
      for (const raw of submission.raws) f.io.out(options.json ? `${compactJson(raw!.raw)}\n` : `${raw!.batch.id}\n`);
      if (f.io.stderrIsTTY) {
        const ids = submission.raws.map((raw) => raw!.batch.id);
        f.io.err(ids.length === 1 ? `follow it: ${followUp(['batch', 'get', ids[0]!, '--wait'])}\n` : `${ids.length} jobs, recorded in ${options.manifest}; follow one: ${followUp(['batch', 'get', ids[0]!, '--wait'])}\n`);
      }
      return;
    }
    const resultsRequest = options.results!;
    await submission.followToEnd(options.pollIntervalMs);
    const origins = new Map<string, InputOrigin>();
    for (const [index, batch] of submission.batches.entries()) {
      const part = cut.parts[index]!;
      origins.set(batch!.id, { name: input.name, inputLine: (line) => part.inputLines[line - 1] });
    }
    await writeBatchResults(client, submission.batches as NonNullable<(typeof submission.batches)[number]>[], { ...resultsRequest, order: options.order === 'input' ? { inputPath: input.path } : undefined, origins }, f);
  } finally {
    interrupt?.end();
    cut?.dispose();
    input.dispose();
  }
}

/** How to go on after Ctrl-C: the same command (a --split run resumes from its manifest), or get --wait for one job. */
function resumeHint(options: BatchSubmitOptions, submission: Submission, followUp: ReturnType<typeof followUpFor>): string {
  const output = resultsWords(options.results);
  const only = submission.batches.length === 1 ? submission.batches[0] : undefined;
  if (!options.split) {
    if (!only) return 'nothing was created yet; run the same command again';
    return options.wait ? `wait again: ${followUp(['batch', 'get', only.id, '--wait', ...pollWords(options.pollIntervalMs), ...output])}` : `follow it: ${followUp(['batch', 'get', only.id, '--wait'])}`;
  }
  const words = ['batch', 'submit', options.file, '--split', '--manifest', options.manifest!, ...(options.wait ? ['--wait', ...pollWords(options.pollIntervalMs), ...output] : [])];
  if (options.partLines !== GLOBAL_BATCH_LIMITS.lines) words.push('--part-lines', String(options.partLines));
  if (options.order === 'input') words.push('--order', 'input');
  if (options.fileExpiryDays !== EXPIRY_DAYS.min) words.push('--file-expiry', String(options.fileExpiryDays));
  if (options.outputExpiryDays !== EXPIRY_DAYS.max) words.push('--output-expiry', String(options.outputExpiryDays));
  for (const [key, value] of Object.entries(options.metadata ?? {})) words.push('--metadata', `${key}=${value}`);
  return `resume (parts already uploaded or created are not sent again): ${followUp(words)}`;
}
