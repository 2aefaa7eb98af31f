// What a route handler gets: the parsed request, the emulator's shared state, and the fault
// (if any) that applies to this request.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { BatchSettings } from './batches-api.ts';
import type { FaultRule } from './faults.ts';
import type { ResponseStore } from './store.ts';

export interface EmulatorSettings {
  queueMs: number;
  eventDelayMs: number;
  deployments: ReadonlySet<string>;
  batch: BatchSettings;
}

export interface RequestContext {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  /** Path below `/openai/v1` or `/openai` (e.g. `/responses/resp_1/cancel`). */
  subPath: string;
  params: string[];
  rawBody: Buffer;
  headers: Record<string, string>;
  store: ResponseStore;
  settings: EmulatorSettings;
  fault: FaultRule | undefined;
}

export type RouteHandler = (ctx: RequestContext) => Promise<void> | void;

export interface Route {
  method: string;
  /** Matched against the sub-path; capture groups become `params`. */
  pattern: RegExp;
  handler: RouteHandler;
  /** True when this request is a streaming one (for `stream`-only faults). */
  isStream?: (ctx: { url: URL; body: unknown }) => boolean;
}
