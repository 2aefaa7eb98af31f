// One lock-file mechanism for the small files several aoai processes change at once (the config
// file, chat history, the recent response ids). The lock is created exclusively and holds its
// owner's pid; a lock whose process is gone, or that is older than `staleMs`, was left by a
// process that died holding it and is broken.
import { closeSync, fstatSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
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
    const seen = readLock(path);
    if (seen && isStale(seen, staleMs)) {
      removeIfUnchanged(path, seen);
      continue;
    }
    if (Date.now() > deadline) return undefined;
    sleepSync(delay + Math.random() * delay);
  }
}

/** A lock file as it was when looked at: which file (inode), when written, and what it said. */
export interface SeenLock {
  ino: number;
  mtimeMs: number;
  text: string;
}

/** The lock file at `path` now; undefined when there is none (released meanwhile). */
export function readLock(path: string): SeenLock | undefined {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return undefined;
  }
  try {
    const info = fstatSync(fd);
    return { ino: info.ino, mtimeMs: info.mtimeMs, text: readFileSync(fd, 'utf8') };
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

function isStale(seen: SeenLock, staleMs: number): boolean {
  if (Date.now() - seen.mtimeMs > staleMs) return true;
  const pid = Number(seen.text.trim());
  // Created but not yet filled in by its owner: give it time.
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/**
 * Break a lock judged stale, only if it is still the very file that was judged. Its owner may
 * have released it and exited since it was read (its pid then looks dead), and another process
 * taken the lock anew: removing that one would let two processes hold the lock at once.
 */
export function removeIfUnchanged(path: string, seen: SeenLock): boolean {
  const now = readLock(path);
  if (!now || now.ino !== seen.ino || now.mtimeMs !== seen.mtimeMs || now.text !== seen.text) return false;
  removeQuietly(path);
  return true;
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Already gone (released, or broken as stale by another process).
  }
}
