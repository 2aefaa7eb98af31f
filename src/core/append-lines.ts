// Small line-per-entry state files that several aoai processes write at once (chat history per
// profile, the recent response ids): each write appends under a short lock file, never a
// read-modify-write of the whole file, so two sessions never lose each other's lines. When the
// file has grown well past what is kept, the writer holding the lock trims it (atomically).
import { appendFileSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { writeFileAtomic } from './atomic-write.ts';
import { takeLockFile } from './lock-file.ts';

export interface AppendOptions {
  /** Lines a reader uses (the newest); the file is trimmed to these once it holds four times as many. */
  keep: number;
  mode?: number;
}

/** How long a writer waits for another's lock before appending without it. */
const LOCK_WAIT_MS = 1000;
/** A lock older than this was left by a process that died holding it. */
const STALE_LOCK_MS = 10_000;

/** Append lines (no newlines inside) to `path`, creating it and its directory (0700) as needed. */
export function appendLines(path: string, lines: readonly string[], options: AppendOptions): void {
  if (lines.length === 0) return;
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const release = lockOrNot(`${path}.lock`);
  try {
    // One write with O_APPEND: concurrent appends interleave whole lines, never bytes of them.
    appendFileSync(path, `${lines.join('\n')}\n`, { mode: options.mode ?? 0o600 });
    // Trimming rewrites the file, so only the lock holder may do it.
    if (release) trim(path, options);
  } finally {
    release?.();
  }
}

/** The last `count` lines of `path`, oldest first; [] when it cannot be read. */
export function readLastLines(path: string, count: number): string[] {
  try {
    return readFileSync(path, 'utf8').split('\n').filter(Boolean).slice(-count);
  } catch {
    return [];
  }
}

function trim(path: string, options: AppendOptions): void {
  // Cheap test first: most appends leave a small file alone.
  if (statSync(path).size < options.keep * 4 * 16) return;
  const lines = readFileSync(path, 'utf8').split('\n').filter(Boolean);
  if (lines.length <= options.keep * 4) return;
  writeFileAtomic(path, `${lines.slice(-options.keep).join('\n')}\n`, { mode: options.mode ?? 0o600 });
}

/** The lock's release; undefined when another process kept it too long or it cannot be made (then append without it). */
function lockOrNot(lockPath: string): (() => void) | undefined {
  try {
    return takeLockFile(lockPath, { waitMs: LOCK_WAIT_MS, staleMs: STALE_LOCK_MS });
  } catch {
    return undefined;
  }
}
