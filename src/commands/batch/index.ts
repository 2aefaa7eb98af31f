// aoai batch: many requests from one JSONL file, online within the deployment's quota (run) or
// through Azure Global Batch. This file only registers the verbs.
import type { Command } from 'commander';
import type { CommandContext } from '../../cli/context.ts';
import { registerBatchPrepare } from './prepare.ts';
import { registerBatchRun } from './run.ts';
import { registerBatchSubmit } from './submit.ts';
import { registerBatchGet } from './get.ts';
import { registerBatchList } from './list.ts';
import { registerBatchCancel } from './cancel.ts';
import { registerBatchResults } from './results.ts';

export function registerBatch(program: Command, ctx: CommandContext): void {
  const batch = program
    .command('batch')
    .description('run many requests from one file: online within quota, or via Azure Global Batch')
    .addHelpText(
      'after',
      `
Input: one request per line, {"custom_id", "method": "POST", "url": "/v1/responses", "body": {...}}
(Global Batch's format), or prompts (a line of text each, or {"custom_id", "input"} JSON lines)
with the usual create flags. Docs: docs/batch.md

Examples:
  cat questions.txt | aoai batch run -m gpt-4.1-mini --instructions "Answer in one word" > answers.jsonl
  aoai batch run requests.jsonl -o results.jsonl --rpm 1000 --tpm 1000000
  aoai batch prepare -m gpt-4.1-mini --instructions "Answer in one word" questions.txt > requests.jsonl
  aoai batch submit requests.jsonl --wait -o results.jsonl`,
    );
  registerBatchPrepare(batch, ctx);
  registerBatchRun(batch, ctx);
  registerBatchSubmit(batch, ctx);
  registerBatchGet(batch, ctx);
  registerBatchList(batch, ctx);
  registerBatchCancel(batch, ctx);
  registerBatchResults(batch, ctx);
}
