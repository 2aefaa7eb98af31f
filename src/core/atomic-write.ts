// Files aoai writes are written whole or not at all: a temporary file beside the target, then a
// rename. An interrupted run leaves the old file (or none), never half of a new one.
import { closeSync, fsyncSync, linkSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';

export interface AtomicWriteOptions {
  mode?: number;
  /** Refuse to replace an existing file (fails with EEXIST) instead of overwriting it. */
  exclusive?: boolean;
}

const pendingTemporaryFiles = new Set<string>();

/** Remove temporary files of writes cut short (called on SIGINT before exiting). */
export function removePendingTemporaryFiles(): void {
  for (const path of pendingTemporaryFiles) {
    try {
      unlinkSync(path);
    } catch {
      // Already renamed or removed.
    }
  }
  pendingTemporaryFiles.clear();
}

/** Have a temporary file removed if aoai is interrupted before it is renamed; returns the undo. */
export function trackTemporaryFile(path: string): () => void {
  pendingTemporaryFiles.add(path);
  return () => pendingTemporaryFiles.delete(path);
}

export function writeFileAtomic(path: string, data: string | Uint8Array, options: AtomicWriteOptions = {}): void {
  const temporary = temporaryPathFor(path);
  pendingTemporaryFiles.add(temporary);
  try {
    const fd = openSync(temporary, 'wx', options.mode ?? 0o644);
    try {
      writeSync(fd, typeof data === 'string' ? Buffer.from(data) : data);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    moveIntoPlace(temporary, path, options.exclusive ?? false);
  } catch (error) {
    discardTemporary(temporary);
    throw error;
  } finally {
    pendingTemporaryFiles.delete(temporary);
  }
}

/** A hidden, unique name beside `path` (same directory, so the final rename is atomic). */
export function temporaryPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
}

/** Put a complete temporary file in place; `exclusive` fails with EEXIST rather than replace. */
export function moveIntoPlace(temporary: string, path: string, exclusive: boolean): void {
  if (exclusive) {
    // link() fails if the target exists: no window in which another file could be clobbered.
    linkSync(temporary, path);
    unlinkSync(temporary);
  } else {
    renameSync(temporary, path);
  }
}

export function discardTemporary(temporary: string): void {
  try {
    unlinkSync(temporary);
  } catch {
    // Never created, or already moved.
  }
}
