// Everything a request command reads before it sends: the prompt (args or stdin), --input-items,
// --body, attachments and tool files, turned into one request body.
import type { Factory } from '../core/factory.ts';
import { buildCreateBody, type CreateBody, type RequestFlags } from '../request/create-params.ts';
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
  const text = await readInputText(f.io, options.input, {
    stdinTaken: Boolean(f.flags.apiKeyStdin) || options.inputItems === '-',
    allowEmpty: items.length + rich.items.length + rich.attachments.length > 0,
  });
  const body = buildCreateBody({
    flags: request,
    defaultDeployment: settings.deployment?.value,
    profile: settings.profile,
    items: [...items, ...rich.items],
    text,
    body: readBody(f.io, options.body),
    attachments: rich.attachments,
    fields: rich.fields,
  });
  return { body, rich };
}
