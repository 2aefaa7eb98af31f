// Submitting parts to Global Batch and following them: upload each part (purpose batch, with an
// expiry), create its job (/v1/responses, 24h), and with --wait queue the parts one after another:
// the next part is created once the one before it has passed validation, and a part that fails
// with token_limit_exceeded (the enqueued-token quota is held by earlier jobs) is created again
// with exponential backoff, as Azure's docs advise. The manifest (if any) is rewritten after every
// change so the same command resumes where a run stopped.
import { createReadStream } from 'node:fs';
import type { Batch } from 'openai/resources/batches';
import type { Client } from '../../core/client.ts';
import { InterruptedError } from '../../core/errors.ts';
import { serviceId } from '../../core/ids.ts';
import type { IO } from '../../io/io.ts';
import { startSpinner, writeAboveSpinners } from '../../io/spinner.ts';
import { neutralise } from '../../render/terminal-text.ts';
import { saveManifest, type Manifest, type ManifestPart } from './manifest.ts';
import type { CutInput, Part } from './parts.ts';
import { duration, isTerminalBatch, progressLine } from './view.ts';
import { fetchBatch, InterruptibleWait, type RawBatch } from './wait.ts';

export interface JobSettings {
  fileExpirySeconds: number;
  outputExpirySeconds: number;
  metadata: Record<string, string> | undefined;
}

/** The most jobs created for one part that keeps failing with token_limit_exceeded. */
export const MAX_QUOTA_ATTEMPTS = 10;
/** The longest pause between two attempts of a part (the backoff doubles up to this). */
const MAX_BACKOFF_MS = 30 * 60 * 1000;

export function isQuotaFailure(batch: Batch): boolean {
  return batch.status === 'failed' && (batch.errors?.data ?? []).some((error) => error.code === 'token_limit_exceeded');
}

interface PartJob {
  part: Part;
  record: ManifestPart;
  current: RawBatch | undefined;
  /** When the next attempt may be created (ms since the epoch). */
  retryAt: number;
  /** The quota failure already scheduled for retry (its batch id). */
  scheduledAfter: string | undefined;
}

export class Submission {
  private readonly jobs: PartJob[];

  constructor(
    private readonly client: Client,
    private readonly io: IO,
    cut: CutInput,
    private readonly manifest: Manifest,
    private readonly manifestPath: string | undefined,
    private readonly settings: JobSettings,
    /** Ctrl-C, claimed by the caller for the whole submission: each step stops at its next check. */
    private readonly interrupt: InterruptibleWait,
    /** The command that goes on from where an interrupted run stopped. */
    private readonly resumeHint: (submission: Submission) => string,
  ) {
    this.jobs = cut.parts.map((part, index) => ({ part, record: manifest.parts[index]!, current: undefined, retryAt: 0, scheduledAfter: undefined }));
  }

  /** Every part's latest job (undefined before one is created). */
  get batches(): Array<Batch | undefined> {
    return this.jobs.map((job) => job.current?.batch);
  }

  get raws(): Array<RawBatch | undefined> {
    return this.jobs.map((job) => job.current);
  }

  private save(): void {
    if (this.manifestPath) saveManifest(this.manifestPath, this.manifest);
  }

  /** After Ctrl-C: stop here (what was done is in the manifest) and say how to go on. */
  private stopIfInterrupted(what: string): void {
    if (this.interrupt.wasInterrupted) throw new InterruptedError(`stopped ${what}; ${this.stateText()}`, this.resumeHint(this));
  }

  /** Upload the parts not uploaded yet (a resumed run has some already). */
  async upload(): Promise<void> {
    for (const job of this.jobs) {
      if (job.record.input_file_id) continue;
      const file = await this.client.files.create({
        file: createReadStream(job.part.path),
        purpose: 'batch',
        expires_after: { anchor: 'created_at', seconds: this.settings.fileExpirySeconds },
      });
      job.record.input_file_id = serviceId('file', file.id, 'file id');
      this.save();
      this.stopIfInterrupted('uploading');
    }
  }

  /** The jobs a resumed run already created, as they are now. */
  async refreshRecorded(): Promise<void> {
    for (const job of this.jobs) {
      if (job.record.batch_id && !job.current) this.record(job, await fetchBatch(this.client.batches.retrieve(job.record.batch_id)));
    }
    this.save();
  }

  private record(job: PartJob, raw: RawBatch): void {
    // Kept in the manifest, polled by URL and printed in commands: it must be an id.
    serviceId('batch', raw.batch.id, 'batch id');
    job.current = raw;
    job.record.batch_id = raw.batch.id;
    job.record.status = raw.batch.status;
  }

  private async create(job: PartJob): Promise<void> {
    const raw = await fetchBatch(
      this.client.batches.create({
        input_file_id: job.record.input_file_id!,
        endpoint: '/v1/responses',
        completion_window: '24h',
        ...(this.settings.metadata ? { metadata: this.settings.metadata } : {}),
        output_expires_after: { anchor: 'created_at', seconds: this.settings.outputExpirySeconds },
      }),
    );
    job.record.attempts++;
    this.record(job, raw);
    this.save();
    if (this.io.stderrIsTTY) writeAboveSpinners(this.io, `submitted ${raw.batch.id}${this.jobs.length > 1 ? ` (part ${job.part.number} of ${this.jobs.length}, ${job.part.requests} requests)` : ''}\n`);
  }

  /** Without --wait: create a job for every part that has none, at once. */
  async createAll(): Promise<void> {
    for (const job of this.jobs) {
      if (job.current) continue;
      await this.create(job);
      this.stopIfInterrupted('submitting');
    }
  }

  /**
   * With --wait: create the parts' jobs in order, each once the one before it has passed
   * validation, retry quota failures with backoff, and poll until every job has ended.
   */
  async followToEnd(intervalMs: number): Promise<void> {
    const started = Date.now();
    const spinner = await startSpinner(this.io, this.progress(started));
    const wait = this.interrupt;
    try {
      for (;;) {
        for (const job of this.jobs) {
          if (job.current && !isTerminalBatch(job.current.batch)) this.record(job, await fetchBatch(this.client.batches.retrieve(job.current.batch.id)));
          this.scheduleRetry(job, intervalMs);
        }
        this.save();
        await this.createNext();
        if (this.jobs.every((job) => this.ended(job))) return;
        spinner.update(this.progress(started));
        const due = Math.min(...this.jobs.filter((job) => this.waitingForQuota(job)).map((job) => job.retryAt));
        await wait.sleep(Math.max(0, Math.min(intervalMs, due - Date.now())));
        this.stopIfInterrupted('waiting');
      }
    } finally {
      spinner.stop();
    }
  }

  private scheduleRetry(job: PartJob, intervalMs: number): void {
    const batch = job.current?.batch;
    if (!batch || !isQuotaFailure(batch) || job.scheduledAfter === batch.id) return;
    job.scheduledAfter = batch.id;
    const backoff = Math.min(intervalMs * 2 ** Math.max(0, job.record.attempts - 1), Math.max(MAX_BACKOFF_MS, intervalMs));
    job.retryAt = Date.now() + backoff;
    if (this.io.stderrIsTTY) writeAboveSpinners(this.io, `${batch.id} hit the enqueued-token quota; trying part ${job.part.number} again in ${duration(backoff)}\n`);
  }

  private waitingForQuota(job: PartJob): boolean {
    return !!job.current && isQuotaFailure(job.current.batch) && job.record.attempts < MAX_QUOTA_ATTEMPTS;
  }

  private ended(job: PartJob): boolean {
    return !!job.current && isTerminalBatch(job.current.batch) && !this.waitingForQuota(job);
  }

  /** Create the next part's job, in order: never past a part still validating or waiting for quota. */
  private async createNext(): Promise<void> {
    for (const job of this.jobs) {
      const needsJob = !job.current || this.waitingForQuota(job);
      if (needsJob) {
        if (Date.now() >= job.retryAt) await this.create(job);
        return;
      }
      if (job.current!.batch.status === 'validating') return;
    }
  }

  private stateText(): string {
    const counts = new Map<string, number>();
    for (const job of this.jobs) {
      const state = !job.record.input_file_id ? 'not uploaded yet' : !job.current ? 'not created yet' : this.waitingForQuota(job) ? 'waiting for quota' : neutralise(String(job.current.batch.status));
      counts.set(state, (counts.get(state) ?? 0) + 1);
    }
    return [...counts].map(([state, count]) => `${count} ${state}`).join(', ');
  }

  private progress(started: number): string {
    const only = this.jobs.length === 1 ? this.jobs[0]!.current?.batch : undefined;
    if (only && !isQuotaFailure(only)) return progressLine(only, Date.now() - started);
    return `${this.jobs.length} job${this.jobs.length === 1 ? '' : 's'}: ${this.stateText()} · ${duration(Date.now() - started)}`;
  }
}
