// Fetch a Global Batch job, and poll it to its end at Azure's recommended pace (once a minute by
// default) with a progress line from request_counts on stderr (a terminal only). Ctrl-C stops
// waiting, never the job, and says how to wait again.
import type { Batch } from 'openai/resources/batches';
import type { FollowUp } from '../../cli/follow-up.ts';
import type { Client } from '../../core/client.ts';
import { InterruptedError } from '../../core/errors.ts';
import { serviceId } from '../../core/ids.ts';
import type { IO } from '../../io/io.ts';
import { interrupts } from '../../io/interrupts.ts';
import { startSpinner } from '../../io/spinner.ts';
import { fetchRawJson } from '../../responses/wait.ts';
import { isTerminalBatch, progressLine } from './view.ts';

/** Azure asks that a job be polled no more often than once a minute. */
export const DEFAULT_BATCH_POLL_SECONDS = 60;

/** `--poll-interval S` for a printed command, when the user chose another pace than the default. */
export function pollWords(intervalMs: number): string[] {
  return intervalMs === DEFAULT_BATCH_POLL_SECONDS * 1000 ? [] : ['--poll-interval', String(intervalMs / 1000)];
}

export interface RawBatch {
  /** The body exactly as the service sent it (for --json). */
  raw: string;
  batch: Batch;
}

export async function fetchBatch(promise: { asResponse(): Promise<Response> }): Promise<RawBatch> {
  const { raw, value } = await fetchRawJson<Batch>(promise);
  return { raw, batch: value };
}

export interface BatchWaitOptions {
  client: Client;
  io: IO;
  initial: RawBatch;
  intervalMs: number;
  followUp: FollowUp;
  /** The words that wait again (`batch get ID --wait -o FILE`), for the hint after Ctrl-C. */
  resumeWords: string[];
}

/**
 * Ctrl-C claimed for as long as a wait lasts: it cuts a pause short and is remembered, so the
 * waiter stops at its next check (a request in flight finishes first) and prints how to go on.
 */
export class InterruptibleWait {
  private interrupted = false;
  private wake: (() => void) | undefined;
  private readonly release: () => void;

  constructor() {
    this.release = interrupts.push(() => {
      this.interrupted = true;
      this.wake?.();
    });
  }

  get wasInterrupted(): boolean {
    return this.interrupted;
  }

  /** Pause; resolves early on Ctrl-C. */
  async sleep(ms: number): Promise<void> {
    if (this.interrupted) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.wake = undefined;
  }

  end(): void {
    this.release();
  }
}

export async function waitForBatch({ client, io, initial, intervalMs, followUp, resumeWords }: BatchWaitOptions): Promise<RawBatch> {
  let current = initial;
  if (isTerminalBatch(current.batch)) return current;
  // Polled by URL and named in hints: it must be an id, not whatever the service sent.
  const id = serviceId('batch', current.batch.id, 'batch id');
  const started = Date.now();
  const spinner = await startSpinner(io, progressLine(current.batch, 0));
  const wait = new InterruptibleWait();
  try {
    while (!isTerminalBatch(current.batch)) {
      await wait.sleep(intervalMs);
      if (wait.wasInterrupted) {
        throw new InterruptedError(
          `stopped waiting; ${id} is still ${current.batch.status} (the job goes on)`,
          `wait again: ${followUp(resumeWords)} (or stop it: ${followUp(['batch', 'cancel', id])})`,
        );
      }
      current = await fetchBatch(client.batches.retrieve(id));
      spinner.update(progressLine(current.batch, Date.now() - started));
    }
    return current;
  } finally {
    wait.end();
    spinner.stop();
  }
}
