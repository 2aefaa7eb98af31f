// One lock-file mechanism for the small files several aoai processes change at once (the config
// file, chat history, the recent response ids). The lock is created exclusively and holds its
// owner's pid; a lock whose process is gone, or that is older than `staleMs`, was left by a
// process that died holding it and is broken.
import { closeSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { sleepSync } from './sleep-sync.ts';

export interface LockOptions {
  /** How long to wait for another process's lock. */
  waitMs: number;
  /** A lock older than this is broken even if its pid looks alive (pids are reused). */
  staleMs: number;
}

/**
 * Take the lock at `path`: its release, or undefined when another process still holds it after
 * `waitMs`. Errors other than "exists" (no permission, read-only disk) are thrown.
 */
export function takeLockFile(path: string, { waitMs, staleMs }: LockOptions): (() => void) | undefined {
  const deadline = Date.now() + waitMs;
  for (let delay = 5; ; delay = Math.min(delay * 2, 100)) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      try {
        writeSync(fd, `${process.pid}\n`);
      } finally {
        closeSync(fd);
      }
      return () => removeQuietly(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    if (isStale(path, staleMs)) {
      removeQuietly(path);
      continue;
    }
    if (Date.now() > deadline) return undefined;
    sleepSync(delay + Math.random() * delay);
  }
}

function isStale(path: string, staleMs: number): boolean {
  let text: string;
  let age: number;
  try {
    text = readFileSync(path, 'utf8');
    age = Date.now() - statSync(path).mtimeMs;
  } catch {
    return false; // released meanwhile: the next attempt takes it
  }
  if (age > staleMs) return true;
  const pid = Number(text.trim());
  // Created but not yet filled in by its owner: give it time.
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Already gone (released, or broken as stale by another process).
  }
}
