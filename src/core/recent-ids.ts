// The last response ids this machine created, newest first, for shell completion of
// `aoai get <TAB>`. A small 0600 file in the state directory; best effort: a failure to read or
// write it never fails the command that created the response.
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from './atomic-write.ts';

export const MAX_RECENT_IDS = 50;
const RESPONSE_ID = /^resp_[A-Za-z0-9_-]+$/;

export function recentIdsFile(stateDir: string): string {
  return join(stateDir, 'recent-ids');
}

export function readRecentIds(stateDir: string): string[] {
  let text: string;
  try {
    text = readFileSync(recentIdsFile(stateDir), 'utf8');
  } catch {
    return [];
  }
  return text.split('\n').filter((line) => RESPONSE_ID.test(line)).slice(0, MAX_RECENT_IDS);
}

export function rememberResponseId(stateDir: string, id: string | undefined): void {
  if (!id || !RESPONSE_ID.test(id)) return;
  try {
    const ids = [id, ...readRecentIds(stateDir).filter((known) => known !== id)].slice(0, MAX_RECENT_IDS);
    mkdirSync(stateDir, { recursive: true, mode: 0o700 });
    writeFileAtomic(recentIdsFile(stateDir), `${ids.join('\n')}\n`, { mode: 0o600 });
  } catch {
    // Completion is a convenience; a read-only home must not fail the request.
  }
}
