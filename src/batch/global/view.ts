// How a Global Batch job reads on a terminal or in a pipe: its details, its row in a list, the
// progress line from request_counts, and its validation errors with their line numbers. Pure.
// Every value came from the service, so each is shown escaped, never obeyed.
import type { Batch } from 'openai/resources/batches';
import { neutralise, tableField } from '../../render/terminal-text.ts';

/** Statuses after which a job changes no more. */
export const TERMINAL_STATUSES: ReadonlySet<string> = new Set(['completed', 'failed', 'expired', 'cancelled']);

export function isTerminalBatch(batch: Pick<Batch, 'status'>): boolean {
  return TERMINAL_STATUSES.has(batch.status);
}

/**
 * A batch timestamp as a Date: Azure answers with Unix seconds in some places and ISO 8601 strings
 * in others (and a numeric string now and then). Anything else is undefined.
 */
export function parseTimestamp(value: unknown): Date | undefined {
  let date: Date | undefined;
  if (typeof value === 'number') date = new Date(value * 1000);
  else if (typeof value === 'string' && /^\d+(\.\d+)?$/.test(value.trim())) date = new Date(Number(value) * 1000);
  else if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}/.test(value.trim())) date = new Date(value.trim());
  return date && Number.isFinite(date.getTime()) ? date : undefined;
}

/** ISO 8601 UTC to the second, whichever style the service used; an unreadable value escaped as it came. */
export function formatTimestamp(value: unknown): string {
  const date = parseTimestamp(value);
  if (date) return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
  return value === null || value === undefined ? '-' : neutralise(String(value));
}

interface Counts {
  total: number;
  completed: number;
  failed: number;
}

function countsOf(batch: Pick<Batch, 'request_counts'>): Counts {
  const counts = (batch.request_counts ?? {}) as Partial<Counts>;
  const number = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) ? value : 0);
  return { total: number(counts.total), completed: number(counts.completed), failed: number(counts.failed) };
}

const group = (n: number) => n.toLocaleString('en-US');

/** "1,234 of 10,000 done, 5 failed" (or "no requests counted yet" while validating). */
export function countsText(batch: Pick<Batch, 'request_counts'>): string {
  const { total, completed, failed } = countsOf(batch);
  if (total === 0) return 'no requests counted yet';
  return `${group(completed + failed)} of ${group(total)} done, ${group(failed)} failed`;
}

/** The progress line while waiting: `batch_… in_progress · 1,234 of 10,000 done, 5 failed · 3m 20s`. */
export function progressLine(batch: Pick<Batch, 'id' | 'status' | 'request_counts'>, elapsedMs: number): string {
  return `${neutralise(batch.id)} ${neutralise(String(batch.status))} · ${countsText(batch)} · ${duration(elapsedMs)}`;
}

export function duration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m ${seconds % 60}s`;
  return `${Math.floor(minutes / 60)}h ${minutes % 60}m`;
}

/** The most validation errors printed; the rest are counted. */
export const MAX_SHOWN_ERRORS = 20;

/** The job's errors as lines: `line 3: duplicate_custom_id: The custom_id…` (at most MAX_SHOWN_ERRORS, then a count). */
export function errorLines(batch: Pick<Batch, 'errors'>, max = MAX_SHOWN_ERRORS): string[] {
  const errors = Array.isArray(batch.errors?.data) ? batch.errors.data : [];
  const lines = errors.slice(0, max).map((error) => {
    const where = typeof error.line === 'number' ? `line ${error.line}: ` : '';
    const code = error.code ? `${error.code}: ` : '';
    return neutralise(`${where}${code}${error.message ?? 'no message'}`.replace(/\s*\r?\n\s*/g, ' '));
  });
  if (errors.length > max) lines.push(`… and ${errors.length - max} more`);
  return lines;
}

/** `gpt-4.1` or `-`. */
function shown(value: unknown): string {
  return value === null || value === undefined || value === '' ? '-' : neutralise(String(value));
}

/** A job's details, one `name: value` per line. */
export function batchDetails(batch: Batch): string {
  const rows: Array<[string, string]> = [
    ['id', shown(batch.id)],
    ['status', shown(batch.status)],
    ['endpoint', shown(batch.endpoint)],
    ['model', shown(batch.model)],
    ['input file', shown(batch.input_file_id)],
    ['requests', countsText(batch)],
    ['created', formatTimestamp(batch.created_at)],
  ];
  const stamps: Array<[string, unknown]> = [
    ['in progress', batch.in_progress_at],
    ['finalizing', batch.finalizing_at],
    ['completed', batch.completed_at],
    ['failed', batch.failed_at],
    ['cancelling', batch.cancelling_at],
    ['cancelled', batch.cancelled_at],
    ['expired', batch.expired_at],
    ['expires', batch.expires_at],
  ];
  for (const [name, value] of stamps) if (value !== null && value !== undefined) rows.push([name, formatTimestamp(value)]);
  if (batch.output_file_id) rows.push(['output file', shown(batch.output_file_id)]);
  if (batch.error_file_id) rows.push(['error file', shown(batch.error_file_id)]);
  for (const [key, value] of Object.entries(batch.metadata ?? {})) rows.push([`metadata ${neutralise(key)}`, shown(value)]);
  const width = Math.max(...rows.map(([name]) => name.length)) + 1;
  const text = rows.map(([name, value]) => `${`${name}:`.padEnd(width)} ${value}\n`).join('');
  const errors = errorLines(batch);
  return errors.length ? `${text}errors:\n${errors.map((line) => `  ${line}\n`).join('')}` : text;
}

/** One job as a row: tab-separated on a pipe (id, status, done, total, failed, created, model), aligned on a terminal. */
export function batchRow(batch: Batch, tty: boolean): string {
  const { total, completed, failed } = countsOf(batch);
  const created = formatTimestamp(batch.created_at);
  const [id, status, model] = [batch.id, batch.status, batch.model ?? ''].map((value) => tableField(String(value))) as [string, string, string];
  if (!tty) return [id, status, completed + failed, total, failed, created, model].join('\t');
  const progress = total ? `${group(completed + failed)}/${group(total)}${failed ? ` (${group(failed)} failed)` : ''}` : '-';
  return `${id.padEnd(56)} ${status.padEnd(11)} ${progress.padEnd(22)} ${created}  ${model}`;
}
