// Writes events as Server-Sent Events, exactly as the service frames them
// (`event: <type>\ndata: <json>\n\n`, no `[DONE]`). Events are batched into large writes when
// there is no pacing and the socket's backpressure is respected, so the emulator can push well
// over 100,000 deltas a second without buffering a whole response in memory.
import { once } from 'node:events';
import type { ServerResponse } from 'node:http';
import { setImmediate as yieldToLoop, setTimeout as sleep } from 'node:timers/promises';
import { standardHeaders } from './http.ts';
import type { WireEvent } from './types.ts';

export interface StreamFaults {
  dropAfter?: number;
  stallAfter?: number;
}

export type StreamEnd = 'ended' | 'client-closed' | 'dropped' | 'stalled';

/** Batches from a live generator: one event at a time when paced, else up to 256 per write. */
export async function* liveBatches(events: Iterator<WireEvent>, delayMs: number): AsyncGenerator<WireEvent[]> {
  const size = delayMs > 0 ? 1 : 256;
  let first = true;
  for (;;) {
    if (!first) {
      if (delayMs > 0) await sleep(delayMs);
      else await yieldToLoop();
    }
    first = false;
    const batch: WireEvent[] = [];
    while (batch.length < size) {
      const next = events.next();
      if (next.done) break;
      batch.push(next.value);
    }
    if (batch.length > 0) yield batch;
    if (batch.length < size) return;
  }
}

export function frame(event: WireEvent): string {
  return `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}

export function startEventStream(res: ServerResponse): void {
  res.writeHead(200, {
    ...standardHeaders(),
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    'azureai-fe-is-streaming': 'True',
    'skip-error-remapping': 'true',
  });
  res.flushHeaders();
}

export async function pipeEvents(res: ServerResponse, batches: AsyncIterable<WireEvent[]>, faults: StreamFaults = {}): Promise<StreamEnd> {
  let closed = false;
  res.once('close', () => {
    closed = true;
  });
  let sent = 0;
  const limit = Math.min(faults.dropAfter ?? Infinity, faults.stallAfter ?? Infinity);
  for await (const batch of batches) {
    if (closed) return 'client-closed';
    let chunk = '';
    let hitLimit = false;
    for (const event of batch) {
      if (sent >= limit) {
        hitLimit = true;
        break;
      }
      chunk += frame(event);
      sent++;
    }
    if (chunk && !(await write(res, chunk, () => closed))) return 'client-closed';
    // Break the connection only when there was more to send.
    if (hitLimit) return breakConnection(res, faults.dropAfter !== undefined && sent >= faults.dropAfter ? 'dropped' : 'stalled');
  }
  if (closed) return 'client-closed';
  res.end();
  return 'ended';
}

async function write(res: ServerResponse, chunk: string, isClosed: () => boolean): Promise<boolean> {
  if (res.write(chunk)) return !isClosed();
  if (isClosed()) return false;
  // Wait for drain or close, removing both listeners afterwards (events.once would leave the loser).
  await new Promise<void>((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
  return !isClosed();
}

async function breakConnection(res: ServerResponse, how: 'dropped' | 'stalled'): Promise<StreamEnd> {
  if (how === 'dropped') {
    // Let what was written reach the client, then cut the connection without ending the
    // chunked body: the client sees a connection that died mid-stream.
    await new Promise<void>((resolve) => res.write('', () => resolve()));
    res.socket?.destroy();
    return 'dropped';
  }
  // Stalled: the connection stays open and silent until the client gives up.
  if (!res.destroyed) await once(res, 'close');
  return 'stalled';
}
