// The undici that Node's own fetch carries, for the few requests that need a dispatcher of their
// own (a proxy, an address pinned by the trust check): no second HTTP stack is bundled or loaded.
import type { Socket } from 'node:net';
import { ApiError } from './errors.ts';

/** What Node's fetch hands a dispatcher (the same shape on Node 20, 22 and 24). */
export interface DispatchOptions {
  origin: string | URL;
  path: string;
  headers?: Record<string, string | string[]> | string[] | null;
  [key: string]: unknown;
}
export interface Dispatcher {
  dispatch(options: DispatchOptions, handler: unknown): boolean;
}
export type ConnectCallback = (error: Error | null, socket: Socket | null) => void;
export interface ConnectOptions {
  hostname: string;
  host: string;
  protocol: string;
  port: string;
  servername?: string | null;
}
/** net.connect's `lookup` option, which Node's agent passes through. */
export type LookupFunction = (hostname: string, options: { all?: boolean; family?: number }, callback: (...args: unknown[]) => void) => void;
type AgentOptions = { connect?: ((options: ConnectOptions, callback: ConnectCallback) => void) | { lookup?: LookupFunction } };
export type AgentClass = new (options?: AgentOptions) => Dispatcher;

// Where undici (Node's bundled copy included) keeps the global dispatcher, shared across copies
// by design; it exists once fetch has run, and a data: URL runs fetch without touching the network.
const GLOBAL_DISPATCHER = Symbol.for('undici.globalDispatcher.1');
let agentClass: Promise<AgentClass> | undefined;
export function nodeAgentClass(): Promise<AgentClass> {
  agentClass ??= (async () => {
    await (await fetch('data:,')).arrayBuffer();
    const dispatcher = (globalThis as Record<symbol, unknown>)[GLOBAL_DISPATCHER];
    if (!dispatcher) throw new ApiError("this Node.js has no dispatcher behind its fetch (aoai needs one for proxies and pinned addresses)");
    return dispatcher.constructor as AgentClass;
  })();
  return agentClass;
}

