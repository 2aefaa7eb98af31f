// Everything a request command reads before it sends: the prompt (args or stdin), --input-items,
// --body, attachments and tool files, turned into one request body.
import type { Factory } from '../core/factory.ts';
import { buildCreateBody, deepMerge, type CreateBody, type RequestFlags } from '../request/create-params.ts';
import { readBody, readInputItems, readInputText } from '../request/input.ts';
import { resolveRich, type ResolvedRich } from '../request/rich.ts';
import type { ContinueRef } from '../log/continue-ref.ts';

/** What `create`, `stream` and `create --stream` take from the command line to build a request. */
export interface RequestInput {
  input: string[];
  request: RequestFlags;
  inputItems: string | undefined;
  body: string | undefined;
  /** -c/--continue: the response to continue, found in the local log (instead of --previous). */
  continueFrom?: ContinueRef | undefined;
}

/** The request body, and what the rich flags resolved to (the turn loop needs the history). */
export async function buildRequest(f: Factory, options: RequestInput): Promise<{ body: CreateBody; rich: ResolvedRich }> {
  const { rich, build, items } = await resolveRequestFlags(f, options);
  const text = await readInputText(f.io, options.input, {
    stdinTaken: Boolean(f.flags.apiKeyStdin) || options.inputItems === '-',
    allowEmpty: items.length + rich.items.length + rich.attachments.length > 0,
  });
  return { body: build(text), rich };
}

/** Builds one request body of many made from the same flags. */
export type RequestTemplate = (input: string | unknown[], lineFields?: Record<string, unknown>) => CreateBody;

/**
 * Many requests from the same flags (aoai batch): attachments, tool files, --input-items and --body
 * are read once; the template then makes the body for each prompt (text, or input items).
 * `lineFields` (a batch line's own request fields) are the most specific, so they win over flags.
 */
export async function requestTemplate(f: Factory, options: Omit<RequestInput, 'input'>): Promise<RequestTemplate> {
  const { build } = await resolveRequestFlags(f, options);
  return (input, lineFields) => {
    const body = typeof input === 'string' ? build(input) : build(undefined, { input });
    return lineFields ? (deepMerge(body, lineFields) as CreateBody) : body;
  };
}

async function resolveRequestFlags(f: Factory, options: Omit<RequestInput, 'input'>) {
  let { request } = options;
  if (options.continueFrom) {
    const { resolveContinue } = await import('../log/continue.ts');
    const continued = resolveContinue(f, options.continueFrom);
    // The conversation goes on with the deployment it used, unless -m says otherwise.
    request = { ...request, previous: continued.id, model: request.model ?? continued.deployment };
  }
  // Attachments and tool files are checked before stdin is read or anything is sent.
  const rich = await resolveRich(request.rich, { env: f.io.env, previous: request.previous, store: request.store, include: request.include });
  const settings = await f.settings();
  const items = await readInputItems(f.io, options.inputItems);
  const body = readBody(f.io, options.body);
  const build = (text: string | undefined, extraBody?: Record<string, unknown>) =>
    buildCreateBody({
      flags: request,
      defaultDeployment: settings.deployment?.value,
      profile: settings.profile,
      items: [...items, ...rich.items],
      text,
      body: extraBody ? { ...body, ...extraBody } : body,
      attachments: rich.attachments,
      fields: rich.fields,
    });
  return { rich, items, build };
}
