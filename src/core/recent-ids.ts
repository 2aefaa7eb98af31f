// The last response ids this machine created, newest first, for shell completion of
// `aoai get <TAB>`. A small 0600 file in the state directory; best effort: a failure to read or
// write it never fails the command that created the response.
import { join } from 'node:path';
import { appendLines, readLastLines } from './append-lines.ts';

export const MAX_RECENT_IDS = 50;
const RESPONSE_ID = /^resp_[A-Za-z0-9_-]+$/;

export function recentIdsFile(stateDir: string): string {
  return join(stateDir, 'recent-ids');
}

/** Newest first, each id once. The file is oldest first: each new id is appended (under a lock). */
export function readRecentIds(stateDir: string): string[] {
  const newestFirst = readLastLines(recentIdsFile(stateDir), MAX_RECENT_IDS * 4)
    .filter((line) => RESPONSE_ID.test(line))
    .reverse();
  return [...new Set(newestFirst)].slice(0, MAX_RECENT_IDS);
}

export function rememberResponseId(stateDir: string, id: string | undefined): void {
  if (!id || !RESPONSE_ID.test(id)) return;
  try {
    appendLines(recentIdsFile(stateDir), [id], { keep: MAX_RECENT_IDS });
  } catch {
    // Completion is a convenience; a read-only home must not fail the request.
  }
}
