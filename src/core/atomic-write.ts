// Files aoai writes are written whole or not at all: a temporary file beside the target, every
// byte written (short writes are continued, a full disk is an error), flushed to disk, then a
// rename. An interrupted run or a full disk leaves the old file (or none), never half of a new one.
//
// Special files are written through, never replaced: a rename over /dev/null, a FIFO or a
// terminal would swap the device for a regular file (and as root, rename can do that even in /dev).
import { closeSync, existsSync, fchmodSync, fstatSync, fsyncSync, linkSync, lstatSync, mkdirSync, openSync, realpathSync, renameSync, statSync, unlinkSync, writeSync, constants, type Stats } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { isatty } from 'node:tty';
import { CliError, ExitCode, type ExitCodeValue } from './errors.ts';
import { sleepSync } from './sleep-sync.ts';

export interface AtomicWriteOptions {
  /** Mode of a new file (an existing file keeps its own mode unless this is given). */
  mode?: number;
  /** Refuse to replace an existing file (fails with EEXIST) instead of overwriting it. */
  exclusive?: boolean;
}

/**
 * A file that could not be written: the path and what happened, in one line. The existing file
 * (if any) is untouched and no temporary file is left. Callers that wrote a paid result add a
 * hint naming the response id, so the result can be fetched again.
 */
export class FileWriteError extends CliError {
  readonly path: string;
  readonly errno: string | undefined;
  private readonly reason: unknown;
  constructor(path: string, reason: unknown, hint?: string, exitCode: ExitCodeValue = ExitCode.WriteFailed) {
    super(`cannot write ${path}: ${describeWriteError(reason)}`, exitCode, hint);
    this.path = path;
    this.reason = reason;
    this.errno = (reason as NodeJS.ErrnoException | undefined)?.code;
  }

  /** The same failure with a hint (e.g. how to fetch the result again). */
  withHint(hint: string): FileWriteError {
    return new FileWriteError(this.path, this.reason, hint, this.exitCode);
  }
}

/** What a failed write means to the user, in a few words. */
export function describeWriteError(error: unknown): string {
  const { code, message } = (error ?? {}) as NodeJS.ErrnoException;
  switch (code) {
    case 'ENOSPC':
      return 'no space left on the device (the disk is full); nothing was written';
    case 'EDQUOT':
      return 'disk quota exceeded; nothing was written';
    case 'EROFS':
      return 'the file system is read-only';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ENOENT':
      return 'no such directory';
    case 'ENOTDIR':
      return 'a parent is not a directory';
    case 'EISDIR':
      return 'is a directory';
    case 'EEXIST':
      return 'already exists';
    case 'ENXIO':
      return 'no process is reading from it';
    case 'EFBIG':
      return 'the file is too large for the file system';
    case 'EIO':
      return 'input/output error from the device';
    default:
      return message ?? String(error);
  }
}

/** A file being written: write chunks, then commit (it appears whole) or abort (nothing changes). */
export interface AtomicWriter {
  /** The path the file will have once committed. */
  readonly path: string;
  /** Bytes written so far. */
  readonly bytesWritten: number;
  write(chunk: string | Uint8Array): void;
  /** Flush to disk and put the file in place. After a failure the writer is aborted. */
  commit(): void;
  /** Discard what was written; the target is untouched. Safe to call more than once. */
  abort(): void;
}

const pendingTemporaryFiles = new Set<string>();

/** Remove temporary files of writes cut short (called on SIGINT/SIGTERM/SIGHUP and on errors). */
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

/** Write a whole file atomically; throws FileWriteError (or an EEXIST FileWriteError with `exclusive`). */
export function writeFileAtomic(path: string, data: string | Uint8Array, options: AtomicWriteOptions = {}): void {
  const writer = openAtomic(path, options);
  try {
    writer.write(data);
  } catch (error) {
    writer.abort();
    throw error;
  }
  writer.commit();
}

/**
 * Start writing `path`: a temporary file beside it (or, for a FIFO or character device, the
 * device itself). For large downloads: write chunks as they arrive, then commit.
 */
export function openAtomic(path: string, options: AtomicWriteOptions = {}): AtomicWriter {
  const existing = statTarget(path);
  if (existing && isSpecial(existing.stats)) return openPassThrough(path, existing.stats);
  if (existing?.stats.isDirectory()) throw new FileWriteError(path, { code: 'EISDIR' });
  if (existing && options.exclusive) throw new FileWriteError(path, { code: 'EEXIST' }, undefined, ExitCode.Usage);
  // Replace the file a symbolic link points to, not the link.
  const target = existing?.resolved ?? path;
  return new TemporaryFileWriter(path, target, options, existing?.stats);
}

function statTarget(path: string): { stats: Stats; resolved: string } | undefined {
  let link: Stats;
  try {
    link = lstatSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    throw new FileWriteError(path, error);
  }
  if (!link.isSymbolicLink()) return { stats: link, resolved: path };
  try {
    const resolved = realpathSync(path);
    return { stats: statSync(resolved), resolved };
  } catch {
    // A dangling link: the new file takes its place.
    return undefined;
  }
}

function isSpecial(stats: Stats): boolean {
  return stats.isFIFO() || stats.isCharacterDevice() || stats.isBlockDevice() || stats.isSocket();
}

class TemporaryFileWriter implements AtomicWriter {
  readonly path: string;
  bytesWritten = 0;
  private readonly temporary: string;
  private fd: number | undefined;
  private done = false;

  constructor(
    path: string,
    private readonly target: string,
    private readonly options: AtomicWriteOptions,
    existing: Stats | undefined,
  ) {
    this.path = path;
    this.temporary = join(dirname(target), `.${basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
    pendingTemporaryFiles.add(this.temporary);
    try {
      this.fd = openSync(this.temporary, 'wx', options.mode ?? 0o644);
      // Replacing a file keeps its permissions (a private file stays private).
      if (options.mode === undefined && existing) fchmodSync(this.fd, existing.mode & 0o7777);
    } catch (error) {
      this.cleanUp();
      throw new FileWriteError(path, error);
    }
  }

  write(chunk: string | Uint8Array): void {
    if (this.fd === undefined) throw new Error(`write after ${this.done ? 'commit' : 'abort'} of ${this.path}`);
    try {
      this.bytesWritten += writeAll(this.fd, chunk);
    } catch (error) {
      this.abort();
      throw new FileWriteError(this.path, error);
    }
  }

  commit(): void {
    if (this.fd === undefined) throw new Error(`commit after abort of ${this.path}`);
    try {
      fsyncSync(this.fd);
      closeSync(this.fd);
      this.fd = undefined;
      if (this.options.exclusive) {
        // link() fails if the target exists: no window in which another file could be clobbered.
        linkSync(this.temporary, this.target);
        unlinkSync(this.temporary);
      } else {
        renameSync(this.temporary, this.target);
      }
    } catch (error) {
      this.abort();
      throw new FileWriteError(this.path, error, undefined, (error as NodeJS.ErrnoException).code === 'EEXIST' ? ExitCode.Usage : ExitCode.WriteFailed);
    }
    this.done = true;
    pendingTemporaryFiles.delete(this.temporary);
    syncDirectory(dirname(this.target));
  }

  abort(): void {
    this.cleanUp();
  }

  private cleanUp(): void {
    if (this.fd !== undefined) {
      try {
        closeSync(this.fd);
      } catch {
        // Closing a file we are discarding cannot fail in a way that matters.
      }
      this.fd = undefined;
    }
    if (!this.done) {
      try {
        unlinkSync(this.temporary);
      } catch {
        // Never created, or already gone.
      }
    }
    pendingTemporaryFiles.delete(this.temporary);
  }
}

/** The rename itself is durable only once the directory is flushed; best effort (not all file systems allow it). */
function syncDirectory(directory: string): void {
  try {
    const fd = openSync(directory, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Some file systems refuse fsync on directories; the data itself is already flushed.
  }
}

/** /dev/null, a FIFO or a character device: written through, never replaced; a terminal is refused. */
function openPassThrough(path: string, stats: Stats): AtomicWriter {
  if (stats.isBlockDevice() || stats.isSocket()) {
    throw new FileWriteError(path, { message: `is a ${stats.isSocket() ? 'socket' : 'block device'}; aoai writes only files, FIFOs and character devices` }, undefined, ExitCode.Usage);
  }
  let fd: number;
  try {
    // Non-blocking: opening a FIFO nobody reads would otherwise wait forever (it fails with ENXIO).
    // No O_CREAT: if the device vanished since we looked, fail rather than create a regular file.
    fd = openSync(path, constants.O_WRONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  } catch (error) {
    throw new FileWriteError(path, error);
  }
  if (isatty(fd)) {
    closeSync(fd);
    throw new FileWriteError(path, { message: 'is a terminal; redirect to a file instead' }, undefined, ExitCode.Usage);
  }
  if (!fstatSync(fd).isFIFO() && !fstatSync(fd).isCharacterDevice()) {
    closeSync(fd);
    throw new FileWriteError(path, { message: 'changed while it was being opened' });
  }
  let open = true;
  let bytesWritten = 0;
  const close = () => {
    if (!open) return;
    open = false;
    try {
      closeSync(fd);
    } catch {
      // Nothing buffered: every byte went through writeSync already.
    }
  };
  return {
    path,
    get bytesWritten() {
      return bytesWritten;
    },
    write(chunk) {
      if (!open) throw new Error(`write after close of ${path}`);
      try {
        bytesWritten += writeAll(fd, chunk);
      } catch (error) {
        close();
        throw new FileWriteError(path, error);
      }
    },
    commit: close,
    abort: close,
  };
}

/** writeSync may write less than asked (a full disk, a pipe): continue until every byte is written. */
export function writeAll(fd: number, chunk: string | Uint8Array): number {
  const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
  let offset = 0;
  while (offset < bytes.length) {
    let written: number;
    try {
      written = writeSync(fd, bytes, offset, bytes.length - offset);
    } catch (error) {
      // A FIFO or device opened non-blocking is full for the moment: wait for the reader.
      if ((error as NodeJS.ErrnoException).code === 'EAGAIN') {
        sleepSync(5);
        continue;
      }
      throw error;
    }
    if (written === 0) throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
    offset += written;
  }
  return bytes.length;
}

/** A FIFO, a device or a socket: written through (or refused), never replaced. */
export function isSpecialFile(path: string): boolean {
  try {
    return isSpecial(statSync(path));
  } catch {
    return false;
  }
}

/**
 * Before a paid request: can `path` be written when the result arrives? Creates (and removes) an
 * empty probe file beside it, which catches a read-only or full file system, a missing or
 * unwritable directory and an exhausted quota. A failure is a usage error: nothing was sent.
 */
export function assertWritable(path: string, options: { exclusive?: boolean; createDirectory?: boolean } = {}): void {
  const existing = statTarget(path);
  if (existing && isSpecial(existing.stats)) {
    if (existing.stats.isFIFO()) return; // its reader may start later; checked when opened
    openPassThrough(path, existing.stats).abort();
    return;
  }
  if (existing?.stats.isDirectory()) throw new FileWriteError(path, { code: 'EISDIR' }, undefined, ExitCode.Usage);
  if (existing && options.exclusive) throw new FileWriteError(path, { code: 'EEXIST' }, undefined, ExitCode.Usage);
  assertDirectoryWritable(dirname(existing?.resolved ?? path), path, options.createDirectory ?? false);
}

/** The directory accepts a new file (created first with `create`). `forPath` names the file in the error. */
export function assertDirectoryWritable(directory: string, forPath = directory, create = false): void {
  try {
    if (create && !existsSync(directory)) {
      // A recursive mkdir on a read-only disk reports ENOENT; probing the nearest existing
      // ancestor first names the real cause.
      probeDirectory(nearestExisting(directory));
      mkdirSync(directory, { recursive: true });
    }
    probeDirectory(directory);
  } catch (error) {
    throw new FileWriteError(forPath, error, 'nothing was sent', ExitCode.Usage);
  }
}

function probeDirectory(directory: string): void {
  const probe = join(directory, `.aoai-write-check.${randomBytes(6).toString('hex')}.tmp`);
  closeSync(openSync(probe, 'wx', 0o600));
  unlinkSync(probe);
}

function nearestExisting(directory: string): string {
  let current = directory;
  while (!existsSync(current) && dirname(current) !== current) current = dirname(current);
  return current;
}
