// aoai models: the models the endpoint serves (GET /openai/v1/models, or /openai/models?api-version=
// in the dated form). These are model names; the name -m takes is a deployment (aoai deployments).
import type { Command } from 'commander';
import type { CommandContext } from '../cli/context.ts';
import type { Factory } from '../core/factory.ts';
import { printJsonLine } from '../render/json.ts';
import { prepareRequest } from '../responses/session.ts';

export interface ModelsOptions {
  json: boolean;
  jsonl: boolean;
}

interface Model {
  id: string;
  created?: number;
  owned_by?: string;
  lifecycle_status?: string;
}

export function registerModels(program: Command, ctx: CommandContext): void {
  program
    .command('models')
    .description('list the models the endpoint serves (to deploy; -m takes a deployment name: aoai deployments)')
    .option('--json', 'print the list as JSON ({"object": "list", "data": [...]})')
    .option('--jsonl', 'one model per line as JSON (NDJSON)')
    .addHelpText('after', '\nExamples:\n  aoai models\n  aoai models --jsonl | jq -r .id')
    .action(async (values: { json?: boolean; jsonl?: boolean }, cmd: Command) => {
      await runModels({ json: Boolean(values.json), jsonl: Boolean(values.jsonl) }, ctx.factory(cmd));
    });
}

export async function runModels(options: ModelsOptions, f: Factory): Promise<void> {
  const client = await prepareRequest(f);
  const models: Model[] = [];
  for await (const model of client.models.list()) {
    if (options.jsonl) await printJsonLine(f.io, model);
    else models.push(model as Model);
  }
  if (options.jsonl) return;
  if (options.json) {
    f.io.out(`${JSON.stringify({ object: 'list', data: models }, null, f.io.stdoutIsTTY ? 2 : undefined)}\n`);
    return;
  }
  if (models.length === 0 && f.io.stderrIsTTY) f.io.err('no models\n');
  for (const model of models) {
    const created = typeof model.created === 'number' ? new Date(model.created * 1000).toISOString().slice(0, 10) : '-';
    const fields = [model.id, created, model.lifecycle_status ?? model.owned_by ?? '-'].map((v) => String(v).replace(/[\t\n\r]/g, ' ').replace(/\p{Cc}/gu, '?'));
    f.io.out(`${fields.join('\t')}\n`);
  }
}
