// What -c/--continue names, parsed from its value (kept apart from the log reading in continue.ts,
// so that declaring the flag loads nothing).
import { UsageError } from '../core/errors.ts';
import { isId } from '../core/ids.ts';

/** What --continue named: the Nth latest response of the profile (1: the latest), or an id. */
export type ContinueRef = { latest: number } | { id: string };

/**
 * The option's value as a reference: absent (true) is the latest, digits the Nth latest, resp_…
 * an id; anything else is not a reference (create and stream take it as the prompt's first word).
 */
export function continueRef(value: true | string): ContinueRef | undefined {
  if (value === true) return { latest: 1 };
  if (/^\d+$/.test(value)) {
    const n = Number(value);
    if (n < 1) throw new UsageError(`--continue ${value}: expected 1 (the latest response) or more, or a response id`);
    return { latest: n };
  }
  if (isId('response', value)) return { id: value };
  return undefined;
}

