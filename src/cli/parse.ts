// Option parsers shared by command declarations. They throw UsageError with the flag's name.
import { InvalidArgumentError } from 'commander';
import { ID_SHAPES, isId, type IdKind } from '../core/ids.ts';

/** Repeatable option: `--metadata a=1 --metadata b=2`. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** Repeatable and comma-separated: `--include a,b --include c`. */
export function collectList(value: string, previous: string[] = []): string[] {
  return [...previous, ...value.split(',').map((v) => v.trim()).filter(Boolean)];
}

export function intInRange(min: number, max: number) {
  return (value: string): number => {
    if (!/^-?\d+$/.test(value.trim())) throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}.`);
    const n = Number(value);
    if (n < min || n > max) throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}.`);
    return n;
  };
}

export function numberInRange(min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || n < min || n > max) {
      throw new InvalidArgumentError(`expected a number from ${min} to ${max}.`);
    }
    return n;
  };
}

export function positiveNumber(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('expected a positive number.');
  return n;
}

export function positiveInt(value: string): number {
  if (!/^\d+$/.test(value.trim()) || Number(value) < 1) throw new InvalidArgumentError('expected a whole number ≥ 1.');
  return Number(value);
}

/** An argument parser that holds an id to the service's shape: a typo or `resp_$(…)` never reaches a URL. */
function idOf(kind: IdKind, what: string) {
  return (value: string): string => {
    if (!isId(kind, value)) throw new InvalidArgumentError(`'${value}' is not ${what} (expected ${ID_SHAPES[kind].looksLike}).`);
    return value;
  };
}

/** Response ids look like resp_…; catching a typo locally beats a 404 round trip. */
export const responseId = idOf('response', 'a response id');
export const fileId = idOf('file', 'a file id');
export const containerId = idOf('container', 'a container id');
export const approvalRequestId = idOf('approvalRequest', 'an approval request id');

const DURATION_UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/**
 * A point in time for --since/--before: a duration back from now (`90s`, `30m`, `2h`, `7d`, `2w`),
 * a day (`2026-11-30`, local midnight) or an ISO 8601 time (`2026-11-30T14:00`, `…Z`).
 */
export function pointInTime(value: string, now = Date.now()): Date {
  const text = value.trim();
  const duration = /^(\d+)([smhdw])$/.exec(text);
  if (duration) return new Date(now - Number(duration[1]) * DURATION_UNITS[duration[2]!]!);
  const day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  const date = day ? new Date(Number(day[1]), Number(day[2]) - 1, Number(day[3])) : /^\d{4}-\d{2}-\d{2}T/.test(text) ? new Date(text) : undefined;
  if (date && Number.isFinite(date.getTime()) && (!day || (date.getMonth() === Number(day[2]) - 1 && date.getDate() === Number(day[3])))) return date;
  throw new InvalidArgumentError('expected a duration back from now (30m, 2h, 7d, 2w) or a date (2026-11-30, 2026-11-30T14:00).');
}
export const batchId = idOf('batch', 'a batch id');
