// Stored responses and background jobs. A background job generates its events on its own clock
// (queued for queueMs, then one event every eventDelayMs), appends each to an event log and
// applies it to the stored snapshot, so GET shows progress and any number of streams can follow
// it, replaying the log from any sequence number.
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { isTerminalStatus } from './generate.ts';
import type { Run } from './run.ts';
import type { StoredItem, WireEvent, WireResponse } from './types.ts';

export interface StoredRecord {
  response: WireResponse;
  inputItems: StoredItem[];
  /** User messages of the whole chain up to and including this response, oldest first. */
  userTexts: string[];
  /** Instructions and input characters of the chain, for usage accounting. */
  chainCharacters: number;
  job?: BackgroundJob;
}

/**
 * Stored responses kept at most, by default. The service keeps them 30 days; the emulator keeps
 * them in memory, and a long-lived one (a 100,000-line batch run, run after run) would otherwise
 * grow until it fails. Past the bound the oldest finished one goes, and answers 404 as an expired
 * one does.
 */
export const DEFAULT_MAX_STORED = 10_000;

export class ResponseStore {
  // In the order they were stored: the first is the oldest.
  private readonly records = new Map<string, StoredRecord>();
  private readonly jobs = new Set<BackgroundJob>();

  constructor(private readonly maxStored = DEFAULT_MAX_STORED) {}

  get(id: string): StoredRecord | undefined {
    return this.records.get(id);
  }

  put(record: StoredRecord): void {
    this.records.set(record.response.id, record);
    if (record.job) {
      this.jobs.add(record.job);
      void record.job.done.then(() => this.jobs.delete(record.job!));
    }
    if (this.records.size > this.maxStored) this.forgetOldest();
  }

  /** The oldest stored response whose job (if any) has finished: a running job stays reachable. */
  private forgetOldest(): void {
    for (const [id, record] of this.records) {
      if (record.job && !record.job.finished) continue;
      this.records.delete(id);
      return;
    }
  }

  /**
   * A stored item by id (what an `item_reference` input names): an output item or an input item
   * of a stored response. Items of `store: false` responses were never kept, so they are not found.
   */
  findItem(id: string): StoredItem | undefined {
    for (const record of this.records.values()) {
      const output = (record.response.output as unknown as StoredItem[]).find((item) => item.id === id);
      if (output) return output;
      const input = record.inputItems.find((item) => item.id === id);
      if (input) return input;
    }
    return undefined;
  }

  delete(id: string): boolean {
    const record = this.records.get(id);
    if (!record) return false;
    record.job?.cancel();
    this.records.delete(id);
    return true;
  }

  clear(): void {
    for (const job of this.jobs) job.stop();
    this.jobs.clear();
    this.records.clear();
  }
}

export interface JobTiming {
  queueMs: number;
  eventDelayMs: number;
}

/** How many events a job produces before it lets other work run when there is no delay. */
const EVENTS_PER_SLICE = 256;

export class BackgroundJob {
  readonly log: WireEvent[] = [];
  private stopped = false;
  private waiters: Array<() => void> = [];
  private timer: NodeJS.Timeout | undefined;
  private wake: (() => void) | undefined;
  readonly done: Promise<void>;

  constructor(
    readonly run: Run,
    private readonly events: Iterator<WireEvent>,
    private readonly timing: JobTiming,
  ) {
    this.done = this.work();
  }

  /** True once the job will produce no more events (terminal, cancelled or stopped). */
  get finished(): boolean {
    return this.stopped || isTerminalStatus(this.run.response.status);
  }

  /**
   * Cancel: the stored response becomes `cancelled` with its output cleared, no usage and no
   * completed_at, and the log ends with `response.failed` carrying that response (what the
   * service's streams end with on cancel), so followers see a terminal event.
   */
  cancel(): void {
    if (this.finished) return;
    const response = this.run.response;
    this.stopped = true;
    this.events.return?.(undefined);
    response.status = 'cancelled';
    response.output.length = 0;
    response.usage = null;
    response.completed_at = null;
    this.log.push(this.run.stamp(this.run.lifecycle('response.failed', false)));
    this.stop();
  }

  /** Stop producing (server shutdown, or after cancel). */
  stop(): void {
    this.stopped = true;
    this.events.return?.(undefined);
    if (this.timer) clearTimeout(this.timer);
    this.wake?.();
    this.notify();
  }

  /** Resolves when the log grows past `length` or the job finishes. */
  changed(length: number): Promise<void> {
    if (this.log.length > length || this.finished) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private notify(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve();
  }

  private async work(): Promise<void> {
    // response.created and response.queued are sent at once; the rest waits in the queue.
    while (!this.stopped && this.log.length < 2) this.pull();
    this.notify();
    await this.sleep(this.timing.queueMs);
    let sinceYield = 0;
    while (!this.stopped) {
      if (!this.pull()) break;
      if (this.timing.eventDelayMs > 0) {
        this.notify();
        await this.sleep(this.timing.eventDelayMs);
      } else if (++sinceYield >= EVENTS_PER_SLICE) {
        sinceYield = 0;
        this.notify();
        await yieldToLoop();
      }
    }
    this.stopped = true;
    this.notify();
  }

  private pull(): boolean {
    const next = this.events.next();
    if (next.done) return false;
    this.log.push(next.value);
    return true;
  }

  private sleep(ms: number): Promise<void> {
    if (ms <= 0 || this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      this.wake = resolve;
      this.timer = setTimeout(resolve, ms);
    });
  }
}

/** A follower's view of a job's log: batches of events after a sequence number, live until the end. */
export async function* followJob(job: BackgroundJob, startingAfter: number, isClosed: () => boolean): AsyncGenerator<WireEvent[]> {
  // The log holds every event from sequence number 0, so an event's index is its sequence number.
  let index = Math.max(0, startingAfter + 1);
  const MAX_BATCH = 512;
  while (!isClosed()) {
    if (index < job.log.length) {
      const batch = job.log.slice(index, index + MAX_BATCH);
      index += batch.length;
      yield batch;
      continue;
    }
    if (job.finished) return;
    await job.changed(index);
  }
}
