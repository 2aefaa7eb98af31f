import { randomBytes } from 'node:crypto';

/** Ids shaped like the service's: a prefix and 50 hex characters. */
export function newId(prefix: string): string {
  return `${prefix}_${randomBytes(25).toString('hex')}`;
}

export function randomHex(bytes: number): string {
  return randomBytes(bytes).toString('hex');
}
