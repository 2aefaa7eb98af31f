// The Responses API routes: create, retrieve (JSON or a replayed background stream), delete,
// cancel and input_items, with the service's error messages.
import { setImmediate as yieldToLoop, setTimeout as sleep } from 'node:timers/promises';
import type { EmulatorSettings, RequestContext, Route } from './context.ts';
import type { FaultRule } from './faults.ts';
import { failAfter, generateEvents } from './generate.ts';
import { azureError, HttpError, invalidRequest, responseNotFound, sendJson } from './http.ts';
import { newId } from './ids.ts';
import { validateImageRequest } from './output/image-generation.ts';
import { isReasoningModel } from './model.ts';
import { messageText, parseCreateBody, textLength, toInputItems, validateCreate, type CreateRequest } from './request.ts';
import { Run } from './run.ts';
import { liveBatches, pipeEvents, startEventStream } from './sse.ts';
import { BackgroundJob, followJob, type ResponseStore, type StoredRecord } from './store.ts';
import type { StoredItem, WireEvent, WireResponse } from './types.ts';
import { publicTools, validateToolTurn } from './tool-turn.ts';
import { rememberingReasoning, validateStatelessInput } from './stateless.ts';
import { checkInputParts } from './files-api.ts';
import { resolveItemReferences } from './item-reference.ts';

const ID = '([^/]+)';

export const responseRoutes: Route[] = [
  { method: 'POST', pattern: /^\/responses$/, handler: createResponse, isStream: ({ body }) => (body as { stream?: unknown } | undefined)?.stream === true },
  { method: 'GET', pattern: new RegExp(`^/responses/${ID}$`), handler: retrieveResponse, isStream: ({ url }) => url.searchParams.get('stream') === 'true' },
  { method: 'DELETE', pattern: new RegExp(`^/responses/${ID}$`), handler: deleteResponse },
  { method: 'POST', pattern: new RegExp(`^/responses/${ID}/cancel$`), handler: cancelResponse },
  { method: 'GET', pattern: new RegExp(`^/responses/${ID}/input_items$`), handler: listInputItems },
];

async function createResponse(ctx: RequestContext): Promise<void> {
  const request = parseCreateBody(ctx.rawBody);
  const { run, events, record } = startResponse(ctx.store, ctx.settings, ctx.headers, request, ctx.fault);
  const { response } = record;
  const fault = ctx.fault;
  const background = request.background === true;
  const store = request.store !== false;
  const streamed = request.stream === true;

  if (background) {
    record.job = new BackgroundJob(run, events, { queueMs: ctx.settings.queueMs, eventDelayMs: fault?.delayMs ?? ctx.settings.eventDelayMs });
    ctx.store.put(record);
    if (!streamed) {
      sendJson(ctx.res, 200, record.job.log.at(-1)?.type === 'response.queued' ? (record.job.log.at(-1) as { response: WireResponse }).response : response);
      return;
    }
    startEventStream(ctx.res);
    await pipeEvents(ctx.res, followJob(record.job, -1, () => ctx.res.destroyed), fault);
    return;
  }

  if (store) ctx.store.put(record);
  if (!streamed) {
    if (fault?.delayMs) await sleep(fault.delayMs);
    for (let next = events.next(); !next.done; next = events.next());
    sendJson(ctx.res, 200, response);
    return;
  }
  startEventStream(ctx.res);
  const end = await pipeEvents(ctx.res, liveBatches(events, fault?.delayMs ?? ctx.settings.eventDelayMs), fault);
  if (end !== 'ended') {
    // The service keeps generating a stored response after its client goes away.
    if (store) await finishQuietly(events);
    else events.return?.(undefined);
  }
}

/** A started response: its record (not yet stored) and the events that will generate it. */
export interface StartedResponse {
  record: StoredRecord;
  run: Run;
  events: Iterator<WireEvent>;
}

/**
 * Everything a create does before it answers: the service's checks (each throws the service's
 * HttpError), the chain, and the run with its event generator. The HTTP route and batch lines
 * (batches-api.ts) both start responses here, so a batch line is answered by the same model.
 */
export function startResponse(
  store: ResponseStore,
  settings: EmulatorSettings,
  headers: Record<string, string>,
  request: CreateRequest,
  fault: FaultRule | undefined,
): StartedResponse {
  validateCreate(request);
  validateImageRequest(request, headers);
  const model = request.model as string;
  if (settings.deployments.size > 0 && !settings.deployments.has(model)) {
    throw azureError(
      404,
      'DeploymentNotFound',
      'The API deployment for this resource does not exist. If you created the deployment within the last 5 minutes, please wait a moment and try again.',
    );
  }
  let previous: StoredRecord | undefined;
  if (request.previous_response_id !== undefined && request.previous_response_id !== null) {
    const previousId = String(request.previous_response_id);
    previous = store.get(previousId);
    if (!previous) throw invalidRequest(`Previous response with id '${previousId}' not found.`, 'previous_response_id', 'previous_response_not_found');
  }
  const inputItems = resolveItemReferences(store, toInputItems(request.input));
  validateToolTurn(inputItems, previous?.response);
  validateStatelessInput(store, request, inputItems);
  checkInputParts(store, inputItems);
  const userTexts = inputItems.filter((item) => item.type === 'message' && item.role === 'user').map((item) => messageText(item) ?? '');
  const chainTexts = [...(previous?.userTexts ?? []), ...userTexts];
  const userText = userTexts.at(-1) ?? '';
  const history = userTexts.length > 0 ? chainTexts.slice(0, -1) : chainTexts;
  const instructions = typeof request.instructions === 'string' ? request.instructions : '';
  // The model reads the whole chain: earlier inputs and earlier outputs.
  const chainCharacters = (previous ? previous.chainCharacters + JSON.stringify(previous.response.output).length : 0) + textLength(inputItems);
  const response = newResponse(request, request.background === true, request.store !== false, headers);
  const run = new Run({
    request,
    response,
    inputItems,
    userText,
    history,
    inputCharacters: chainCharacters + instructions.length,
    headers,
    previous: previous?.response,
  });
  let events: Iterator<WireEvent> = rememberingReasoning(store, response, generateEvents(run, { fail: fault?.fail }));
  if (fault?.errorEventAfter !== undefined) events = failAfter(run, events, fault.errorEventAfter);
  return { record: { response, inputItems, userTexts: chainTexts, chainCharacters }, run, events };
}

async function finishQuietly(events: Iterator<WireEvent>): Promise<void> {
  for (let count = 0; ; count++) {
    if (events.next().done) return;
    if (count % 4096 === 4095) await yieldToLoop();
  }
}

function newResponse(request: CreateRequest, background: boolean, store: boolean, headers: Record<string, string>): WireResponse {
  const reasoning = isReasoningModel(String(request.model));
  const text = (request.text ?? {}) as { format?: unknown; verbosity?: unknown };
  return {
    id: newId('resp'),
    object: 'response',
    created_at: Math.floor(Date.now() / 1000),
    status: background ? 'queued' : 'in_progress',
    background,
    completed_at: null,
    content_filters: null,
    error: null,
    frequency_penalty: (request.frequency_penalty as number | undefined) ?? 0,
    incomplete_details: null,
    instructions: (request.instructions as WireResponse['instructions'] | undefined) ?? null,
    max_output_tokens: (request.max_output_tokens as number | undefined) ?? null,
    max_tool_calls: (request.max_tool_calls as number | undefined) ?? null,
    model: request.model as string,
    moderation: null,
    output: [],
    parallel_tool_calls: (request.parallel_tool_calls as boolean | undefined) ?? true,
    presence_penalty: (request.presence_penalty as number | undefined) ?? 0,
    previous_response_id: (request.previous_response_id as string | undefined) ?? null,
    prompt_cache_key: (request.prompt_cache_key as string | undefined) ?? null,
    prompt_cache_retention: null,
    reasoning: reasoning ? echoReasoning(request.reasoning) : { effort: null, summary: null },
    safety_identifier: (request.safety_identifier as string | undefined) ?? null,
    service_tier: 'auto',
    store,
    temperature: (request.temperature as number | undefined) ?? 1,
    text: { format: (text.format as { type: 'text' } | undefined) ?? { type: 'text' }, verbosity: (text.verbosity as 'medium' | undefined) ?? 'medium' },
    tool_choice: (request.tool_choice as WireResponse['tool_choice'] | undefined) ?? 'auto',
    tools: publicTools(request.tools, headers) as WireResponse['tools'],
    top_logprobs: (request.top_logprobs as number | undefined) ?? 0,
    top_p: (request.top_p as number | undefined) ?? 1,
    truncation: (request.truncation as 'auto' | 'disabled' | undefined) ?? 'disabled',
    usage: null,
    user: (request.user as string | undefined) ?? null,
    metadata: (request.metadata as Record<string, string> | undefined) ?? {},
  };
}

/** The reasoning settings as the service echoes them: `context` and `mode` only when context or mode was sent. */
function echoReasoning(sent: CreateRequest['reasoning']): WireResponse['reasoning'] {
  const echo: Record<string, unknown> = {};
  if (sent?.context != null) echo.context = sent.context;
  echo.effort = sent?.effort ?? 'medium';
  if (sent?.context != null || sent?.mode != null) echo.mode = sent?.mode ?? 'standard';
  echo.summary = sent?.summary ?? null;
  return echo as WireResponse['reasoning'];
}

function storedOr404(ctx: RequestContext): StoredRecord {
  const id = ctx.params[0]!;
  const record = ctx.store.get(id);
  if (!record) throw responseNotFound(id);
  return record;
}

async function retrieveResponse(ctx: RequestContext): Promise<void> {
  const record = storedOr404(ctx);
  if (ctx.url.searchParams.get('stream') !== 'true') {
    sendJson(ctx.res, 200, record.response);
    return;
  }
  if (!record.job) {
    throw invalidRequest('This response cannot be streamed because it was not created with background=true.', 'stream', 'invalid_value');
  }
  const raw = ctx.url.searchParams.get('starting_after');
  let startingAfter = -1;
  if (raw !== null) {
    if (!/^\d+$/.test(raw)) {
      throw invalidRequest(`Invalid 'starting_after': expected a non-negative integer, but got '${raw}' instead.`, 'starting_after', 'invalid_value');
    }
    startingAfter = Number(raw);
  }
  startEventStream(ctx.res);
  await pipeEvents(ctx.res, followJob(record.job, startingAfter, () => ctx.res.destroyed), ctx.fault);
}

function deleteResponse(ctx: RequestContext): void {
  const id = ctx.params[0]!;
  if (!ctx.store.delete(id)) throw responseNotFound(id);
  sendJson(ctx.res, 200, { id, object: 'response.deleted', deleted: true });
}

/** What the service answers when asked to cancel a background response that already ended. */
const CANNOT_CANCEL: Record<string, string> = {
  completed: 'Cannot cancel a completed response.',
  failed: 'Cannot cancel a failed response.',
  incomplete: 'Cannot cancel a response in terminal state.',
};

function cancelResponse(ctx: RequestContext): void {
  const record = storedOr404(ctx);
  if (!record.job) throw invalidRequest('Cannot cancel a synchronous response.', null, null);
  // Cancelling twice is idempotent; a response that ended otherwise cannot be cancelled.
  const refusal = CANNOT_CANCEL[record.response.status];
  if (refusal) throw invalidRequest(refusal, null, null);
  record.job.cancel();
  sendJson(ctx.res, 200, record.response);
}

function listInputItems(ctx: RequestContext): void {
  const record = storedOr404(ctx);
  const query = ctx.url.searchParams;
  const limit = parseLimit(query.get('limit'));
  const order = query.get('order') ?? 'desc';
  if (order !== 'asc' && order !== 'desc') {
    throw invalidRequest(`Invalid value: '${order}'. Supported values are: 'asc' and 'desc'.`, 'order', 'invalid_value');
  }
  let items: StoredItem[] = order === 'asc' ? [...record.inputItems] : [...record.inputItems].reverse();
  const after = query.get('after');
  const before = query.get('before');
  if (after !== null) items = items.slice(cursorIndex(items, after, 'after') + 1);
  if (before !== null) items = items.slice(0, cursorIndex(items, before, 'before'));
  const page = items.slice(0, limit);
  sendJson(ctx.res, 200, {
    object: 'list',
    data: page,
    first_id: page[0]?.id ?? null,
    last_id: page.at(-1)?.id ?? null,
    has_more: items.length > page.length,
  });
}

function parseLimit(raw: string | null): number {
  if (raw === null) return 20;
  if (!/^-?\d+$/.test(raw)) throw invalidRequest(`Invalid 'limit': expected an integer, but got '${raw}' instead.`, 'limit', 'invalid_type');
  const limit = Number(raw);
  if (limit < 1) throw invalidRequest(`Invalid 'limit': integer below minimum value. Expected a value >= 1, but got ${limit} instead.`, 'limit', 'integer_below_min_value');
  if (limit > 100) throw invalidRequest(`Invalid 'limit': integer above maximum value. Expected a value <= 100, but got ${limit} instead.`, 'limit', 'integer_above_max_value');
  return limit;
}

function cursorIndex(items: StoredItem[], id: string, param: string): number {
  const index = items.findIndex((item) => item.id === id);
  if (index === -1) throw invalidRequest(`Invalid '${param}': no input item with id '${id}' in this response.`, param, 'invalid_value');
  return index;
}

export { HttpError };
