// What the error line of a failed request names: where it went, with which credential, and how
// hard aoai tried. One record per factory (so per command), filled in by its client as requests
// run and read by the error mapping; two factories never share one.
import { DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT_SECONDS } from './settings.ts';

export interface RequestRecord {
  /** The endpoint requests go to, once settings are resolved. */
  endpoint: string | undefined;
  /** Which credential is used (never its value), for 401/403 hints. */
  credential: string | undefined;
  /** The retry budget and per-attempt timeout of the client in use. */
  maxRetries: number;
  timeoutMs: number;
  /** Attempts made by the last request (1 + retries), so the final error can say how hard aoai tried. */
  attempts: number;
}

export function newRequestRecord(): RequestRecord {
  return { endpoint: undefined, credential: undefined, maxRetries: DEFAULT_MAX_RETRIES, timeoutMs: DEFAULT_TIMEOUT_SECONDS * 1000, attempts: 0 };
}
