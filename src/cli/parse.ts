// Option parsers shared by command declarations. They throw UsageError with the flag's name.
import { InvalidArgumentError } from 'commander';

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

/** Response ids look like resp_…; catching a typo locally beats a 404 round trip. */
export function responseId(value: string): string {
  if (!/^resp_[A-Za-z0-9_-]+$/.test(value)) {
    throw new InvalidArgumentError(`'${value}' is not a response id (expected resp_…).`);
  }
  return value;
}
