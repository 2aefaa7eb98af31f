// Where `aoai batch run` writes its results: appended a whole line at a time and flushed to disk
// in small groups, so a crash, `kill -9` or a full disk leaves every line whole. A later run with
// the same -o FILE reads the custom_ids already there (resume), cutting off a torn last line.
import { closeSync, fdatasync, fdatasyncSync, fstatSync, ftruncateSync, openSync, writeSync } from 'node:fs';
import { FileWriteError } from '../../core/atomic-write.ts';
import { hasSpoolTokens, inlinedPieces } from '../../core/spool.ts';
import { ExitCode, UsageError } from '../../core/errors.ts';
import { readFileLines } from '../input.ts';

/** Lines written before the file is flushed to disk, at the latest. */
const SYNC_EVERY_LINES = 64;
/** The longest a written line waits to be flushed to disk. */
const SYNC_EVERY_MS = 200;

export interface ExistingResults {
  /** custom_ids already in the file. */
  ids: Set<string>;
  /** Bytes of a torn last line that were cut off (0 when the file ended cleanly). */
  tornBytes: number;
}

/**
 * Read the results already in `path` (missing: none). A last line without its newline, or one that
 * is not JSON, is a write cut short: the file is truncated to the line before it, and that request
 * runs again. Any other line that is not a result means the file is not aoai's: refuse to append.
 */
export async function readExistingResults(path: string): Promise<ExistingResults> {
  const ids = new Set<string>();
  let size: number;
  try {
    size = fstatOf(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { ids, tornBytes: 0 };
    throw new UsageError(`cannot read ${path}: ${(error as Error).message}`);
  }
  let cutAt: number | undefined;
  let pendingBad: { line: number; start: number } | undefined;
  for await (const line of readFileLines(path)) {
    if (pendingBad) throw notResults(path, pendingBad.line);
    const customId = line.text === undefined ? undefined : customIdOf(line.text);
    if (customId === undefined || !line.terminated) {
      if (line.text !== undefined && line.text.trim() === '' && line.terminated) continue;
      // Only the last line may be torn; decide once we know whether another follows.
      pendingBad = { line: line.number, start: line.start };
      continue;
    }
    ids.add(customId);
  }
  if (pendingBad) cutAt = pendingBad.start;
  if (cutAt === undefined) return { ids, tornBytes: 0 };
  try {
    const fd = openSync(path, 'r+');
    try {
      ftruncateSync(fd, cutAt);
      fdatasyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    throw new FileWriteError(path, error, 'its last line is incomplete and could not be cut off; nothing was sent', ExitCode.WriteFailed);
  }
  return { ids, tornBytes: size - cutAt };
}

function fstatOf(path: string): number {
  const fd = openSync(path, 'r');
  try {
    const info = fstatSync(fd);
    if (info.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    return info.size;
  } finally {
    closeSync(fd);
  }
}

function customIdOf(text: string): string | undefined {
  try {
    const value = JSON.parse(text) as { custom_id?: unknown };
    return typeof value?.custom_id === 'string' ? value.custom_id : undefined;
  } catch {
    return undefined;
  }
}

function notResults(path: string, line: number): UsageError {
  return new UsageError(`${path} is not aoai batch output (line ${line} is not a result line); not appending to it`, 'give another -o FILE; a file of earlier results must hold only {"custom_id": …} lines');
}

/**
 * A file results are appended to. Each line goes out in one write (continued after a short write);
 * a failed write is cut back to the last whole line, so the file never holds half a line, and
 * the error names the file and the cause (full disk, read-only…).
 */
export class AppendFile {
  private readonly fd: number;
  private size: number;
  private unsynced = 0;
  private syncing = false;
  private readonly syncable: boolean = true;
  private syncError: FileWriteError | undefined;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    readonly path: string,
    options: { truncate?: boolean } = {},
  ) {
    try {
      this.fd = openSync(path, options.truncate ? 'w' : 'a', 0o644);
      const info = fstatSync(this.fd);
      this.size = info.size;
      // A pipe or a device (-o /dev/stdout, a FIFO) takes lines but cannot be flushed to a disk.
      this.syncable = info.isFile();
    } catch (error) {
      throw new FileWriteError(path, error, 'nothing was sent', ExitCode.Usage);
    }
  }

  /** Append lines (each without its newline). Throws FileWriteError; the file then ends at its last whole line. */
  append(lines: readonly string[]): void {
    if (lines.length === 0) return;
    if (this.syncError) throw this.syncError;
    const text = `${lines.join('\n')}\n`;
    // A large image in a result was held on disk (core/spool.ts): it is written back in, in pieces.
    const pieces = hasSpoolTokens(text) ? inlinedPieces(text) : [text];
    let total = 0;
    try {
      for (const piece of pieces) {
        const data = typeof piece === 'string' ? Buffer.from(piece) : piece;
        let written = 0;
        while (written < data.length) written += writeSync(this.fd, data, written, data.length - written);
        total += written;
      }
    } catch (error) {
      this.cutBack();
      throw new FileWriteError(this.path, error);
    }
    this.size += total;
    this.unsynced += lines.length;
    if (this.unsynced >= SYNC_EVERY_LINES) this.syncSoon();
    else this.timer ??= setTimeout(() => this.syncSoon(), SYNC_EVERY_MS).unref();
  }

  /**
   * Flush what was written so far to the disk, off the event loop: a slow disk must not stall the
   * requests in flight. A failure is reported by the next append or by close.
   */
  private syncSoon(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.unsynced === 0 || this.syncing || this.closed || !this.syncable) return;
    this.unsynced = 0;
    this.syncing = true;
    fdatasync(this.fd, (error) => {
      this.syncing = false;
      if (error && !this.closed) this.syncError ??= new FileWriteError(this.path, error);
      if (this.unsynced >= SYNC_EVERY_LINES) this.syncSoon();
    });
  }

  /** Flush everything to the disk and close. */
  close(): void {
    if (this.closed) return;
    if (this.timer) clearTimeout(this.timer);
    this.closed = true;
    try {
      if (this.syncable) fdatasyncSync(this.fd);
    } catch (error) {
      this.syncError ??= new FileWriteError(this.path, error);
    } finally {
      closeSync(this.fd);
    }
    if (this.syncError) throw this.syncError;
  }

  /** After a failed write: drop the part of a line that did get written. */
  private cutBack(): void {
    if (!this.syncable) return;
    try {
      ftruncateSync(this.fd, this.size);
    } catch {
      // The torn tail is found and cut on the next run (readExistingResults).
    }
  }
}
