// A paid result that could not be saved is not lost while the service keeps it: the failure
// names the response id and the command that fetches it again.
import { FileWriteError } from '../core/atomic-write.ts';

/** Add "fetch it again" to a failed save of response `responseId`; other errors pass unchanged. */
export function withRefetchHint(error: unknown, responseId: string, stored = true): unknown {
  if (!(error instanceof FileWriteError) || error.errno === 'EEXIST') return error;
  const hint = stored
    ? `the result is kept by the service as ${responseId}; once the file can be written, fetch it again: aoai get ${responseId}`
    : `the response ${responseId} was not stored (--no-store), so it cannot be fetched again; free the space and run the request again`;
  return error.withHint(hint);
}
