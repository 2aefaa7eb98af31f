// The shapes of the ids aoai puts into URLs and printed commands. An id that does not fit came
// from a typo (a usage error) or from a service that should not be trusted with our shell (an
// error, never a hint): `resp_2$(touch x)` is not an id.
import { ApiError, UsageError } from './errors.ts';

/** Prefix, then letters, digits, `_` and `-` (what the service and Azure mint), at most 200 of them. */
const shape = (prefixes: string) => new RegExp(`^(?:${prefixes})[A-Za-z0-9_-]{1,200}$`);

export const ID_SHAPES = {
  response: { pattern: shape('resp_'), looksLike: 'resp_…' },
  // OpenAI mints file-…; Azure mints assistant-… for files uploaded for assistants/vision.
  file: { pattern: shape('file-|assistant-'), looksLike: 'file-… or assistant-…' },
  containerFile: { pattern: shape('cfile_'), looksLike: 'cfile_…' },
  container: { pattern: shape('cntr_'), looksLike: 'cntr_…' },
  approvalRequest: { pattern: shape('mcpr_'), looksLike: 'mcpr_…' },
  // Function call ids are the model's to choose; the service's are call_…, others (fc_…, tool_…)
  // are seen through gateways, so only the character set is held to.
  call: { pattern: /^[A-Za-z0-9_-]{1,200}$/, looksLike: 'call_…' },
  batch: { pattern: shape('batch_'), looksLike: 'batch_…' },
} as const;

export type IdKind = keyof typeof ID_SHAPES;

export function isId(kind: IdKind, value: unknown): value is string {
  return typeof value === 'string' && ID_SHAPES[kind].pattern.test(value);
}

/** A value shown in a message: quoted, control characters escaped, and short. */
function shown(value: unknown): string {
  const text = JSON.stringify(typeof value === 'string' ? value : String(value)) ?? '';
  return text.length > 80 ? `${text.slice(0, 79)}…"` : text;
}

/** An id typed by the user: a usage error (exit 2) before anything is sent. */
export function userId(kind: IdKind, value: string, what = 'id'): string {
  if (!isId(kind, value)) throw new UsageError(`${shown(value)} is not a ${what} (expected ${ID_SHAPES[kind].looksLike})`);
  return value;
}

/** An id the service sent, about to be used in a URL or a printed command. */
export function serviceId(kind: IdKind, value: unknown, what = 'id'): string {
  if (!isId(kind, value)) throw new ApiError(`the service sent a malformed ${what}: ${shown(value)} (expected ${ID_SHAPES[kind].looksLike}); not using it`);
  return value;
}
