// Files chat keeps per profile under the state directory (mode 0600, in a 0700 directory): the
// prompt history and the id of the last response, for --resume.
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { appendLines, readLastLines } from '../core/append-lines.ts';
import { writeFileAtomic } from '../core/atomic-write.ts';
import { REASONING_EFFORTS, REASONING_SUMMARIES, type RequestFlags } from '../request/create-params.ts';

export interface ChatFiles {
  history: string;
  last: string;
}

/** Profile names are free text; keep them to one safe file name each. */
export function chatFiles(stateDir: string, profile: string): ChatFiles {
  const dir = join(stateDir, 'chat');
  const name = encodeURIComponent(profile).replace(/^\./, '%2E');
  return { history: join(dir, `${name}.history`), last: join(dir, `${name}.last.json`) };
}

/** One entry per line, oldest first on disk; readline wants newest first. */
export function loadHistory(path: string, size: number): string[] {
  return readLastLines(path, size).reverse();
}

/**
 * Add entries to the file (appended under a lock, never rewritten whole: two chat sessions on one
 * profile keep each other's lines).
 */
export function appendHistory(path: string, entries: readonly string[], size: number): void {
  try {
    appendLines(path, entries, { keep: size });
  } catch {
    // History is a convenience: a read-only state directory must not break the chat.
  }
}

export interface LastResponse {
  id: string;
  model: string;
  /** The conversation's /summary and /effort settings, which a stored response does not keep. */
  reasoningSummary?: RequestFlags['reasoningSummary'];
  reasoningEffort?: RequestFlags['reasoningEffort'];
}

export function readLastResponse(path: string): LastResponse | undefined {
  try {
    const value = JSON.parse(readFileSync(path, 'utf8')) as Partial<LastResponse>;
    if (typeof value.id === 'string' && typeof value.model === 'string') {
      return {
        id: value.id,
        model: value.model,
        reasoningSummary: (REASONING_SUMMARIES as readonly unknown[]).includes(value.reasoningSummary) ? value.reasoningSummary : undefined,
        reasoningEffort: (REASONING_EFFORTS as readonly unknown[]).includes(value.reasoningEffort) ? value.reasoningEffort : undefined,
      };
    }
  } catch {
    // Missing or unreadable: nothing to resume.
  }
  return undefined;
}

export function writeLastResponse(path: string, last: LastResponse): void {
  writePrivate(path, `${JSON.stringify({ ...last, savedAt: new Date().toISOString() })}\n`);
}

function writePrivate(path: string, text: string): void {
  mkdirSync(join(path, '..'), { recursive: true, mode: 0o700 });
  writeFileAtomic(path, text, { mode: 0o600 });
}
