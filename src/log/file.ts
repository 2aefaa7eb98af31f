// The log's files in the state directory: `log.jsonl` (newest records at its end) and, once that
// passes the size cap, the previous one renamed to `log.1.jsonl` (the one before is dropped).
// Many aoai processes append at once: each record is one write(2) on an O_APPEND descriptor, so
// records never interleave or tear; only rotation and purge, which replace files, take the lock.
// Readers start at the end and read backwards in chunks, so the newest records cost the same
// however long the log is.
import { closeSync, constants, fstatSync, mkdirSync, openSync, readSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { writeFileAtomic } from '../core/atomic-write.ts';
import { ConfigError } from '../core/errors.ts';
import { describeFsError } from '../core/local-input.ts';
import { takeLockFile } from '../core/lock-file.ts';
import { sleepSync } from '../core/sleep-sync.ts';
import { parseRecord, type LogRecord } from './record.ts';

/** The current file holds at most this much before it is rotated (AOAI_LOG_MAX_MB overrides). */
export const DEFAULT_MAX_LOG_MB = 32;
/** Bytes read per step when reading backwards. */
const CHUNK_BYTES = 64 * 1024;
/** No record is this long (prompt and output are cut to 8 KB each); a longer "line" is not one. */
const MAX_LINE_BYTES = 1024 * 1024;
const LOCK = { waitMs: 2000, staleMs: 10_000 };

export interface LogFiles {
  /** Appended to. */
  current: string;
  /** The previous file, read after the current one. */
  rotated: string;
}

export function logFiles(stateDir: string): LogFiles {
  return { current: join(stateDir, 'log.jsonl'), rotated: join(stateDir, 'log.1.jsonl') };
}

/** The size cap of one file, in bytes: AOAI_LOG_MAX_MB (fractions allowed) or the default. */
export function maxLogBytes(env: NodeJS.ProcessEnv): number {
  const mb = Number(env.AOAI_LOG_MAX_MB);
  return Math.floor((env.AOAI_LOG_MAX_MB && Number.isFinite(mb) && mb > 0 ? mb : DEFAULT_MAX_LOG_MB) * 1024 * 1024);
}

/**
 * Append one record (a single line of JSON) with one write(2). The directory is created 0700 and
 * the file 0600. Throws what the file system says (the caller decides how loud to be).
 */
export function appendRecordLine(files: LogFiles, line: string, maxBytes: number): void {
  const data = Buffer.from(`${line}\n`);
  const fd = openForAppend(files.current);
  let size: number;
  try {
    const written = writeSync(fd, data);
    // A short write (disk full) leaves part of a line: end it, so the next record starts clean.
    if (written < data.length) {
      writeSync(fd, '\n');
      throw Object.assign(new Error('short write'), { code: 'ENOSPC' });
    }
    size = fstatSync(fd).size;
  } finally {
    closeSync(fd);
  }
  if (size > maxBytes) rotate(files, maxBytes);
}

/** The file opened to append (created 0600, its directory 0700, when missing). */
function openForAppend(path: string): number {
  const flags = constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT;
  try {
    return openSync(path, flags, 0o600);
  } catch (error) {
    // Only the first record ever needs the directory made: no mkdir on every command.
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    return openSync(path, flags, 0o600);
  }
}

/** Rename the full file aside, once: whoever gets the lock first does it; the others find it done. */
function rotate(files: LogFiles, maxBytes: number): void {
  const release = takeLockFile(`${files.current}.lock`, LOCK);
  if (!release) return; // another process is rotating or purging right now
  try {
    if (statSync(files.current).size > maxBytes) renameSync(files.current, files.rotated);
  } finally {
    release();
  }
}

/** Lines of one file, last first; nothing when it does not exist. Torn or huge lines are skipped by the caller or here. */
export function* linesNewestFirst(path: string): Generator<string> {
  const fd = openToRead(path);
  if (fd === undefined) return;
  try {
    yield* linesBefore(fd, fstatSync(fd).size, path);
  } finally {
    closeSync(fd);
  }
}

function openToRead(path: string): number | undefined {
  try {
    return openSync(path, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw unreadable(path, error);
  }
}

/** The lines of an open file that end before byte `upTo`, last first. */
function* linesBefore(fd: number, upTo: number, path: string): Generator<string> {
  let position = upTo;
  // The start of a line whose beginning is in the chunk not read yet.
  let rest: Buffer = Buffer.alloc(0);
  while (position > 0) {
    const size = Math.min(CHUNK_BYTES, position);
    position -= size;
    const chunk = Buffer.allocUnsafe(size);
    try {
      readSync(fd, chunk, 0, size, position);
    } catch (error) {
      throw unreadable(path, error);
    }
    const data = rest.length ? Buffer.concat([chunk, rest]) : chunk;
    let end = data.length;
    while (end > 0) {
      const newline = data.lastIndexOf(10, end - 1);
      if (newline < 0) break;
      if (end - newline > 1) yield data.toString('utf8', newline + 1, end);
      end = newline;
    }
    rest = data.subarray(0, end);
    if (rest.length > MAX_LINE_BYTES) rest = Buffer.alloc(0);
  }
  if (rest.length) yield rest.toString('utf8');
}

/** Local state that cannot be read is reported like an unreadable config file (exit 3). */
function unreadable(path: string, error: unknown): ConfigError {
  return new ConfigError(`cannot read the log ${path}: ${describeFsError(error)}`, 'check its owner and mode (aoai writes it 0600), or move it aside');
}

/** Every record, newest first: the current file from its end, then the rotated one. */
export function* recordsNewestFirst(files: LogFiles): Generator<LogRecord> {
  for (const path of [files.current, files.rotated]) {
    for (const line of linesNewestFirst(path)) {
      const record = parseRecord(line);
      if (record) yield record;
    }
  }
}

/**
 * Remove the records `keep` says no to (and lines that are not records). Returns the counts. Runs
 * under the lock; what is kept is written atomically into one file.
 */
export function purgeRecords(files: LogFiles, keep: (record: LogRecord) => boolean): { removed: number; kept: number } {
  const release = takeLockFile(`${files.current}.lock`, LOCK);
  if (!release) throw Object.assign(new Error('the log is locked by another aoai process; try again'), { code: 'EBUSY' });
  // Commands append without the lock (one write each). The current file stays open, so what they
  // append while this runs, to the file about to be replaced, is carried over into its successor.
  const current = openToRead(files.current);
  try {
    const keptLines: string[] = [];
    let removed = 0;
    const readUpTo = current === undefined ? 0 : fstatSync(current).size;
    const sources: Array<Iterable<string>> = [current === undefined ? [] : linesBefore(current, readUpTo, files.current), linesNewestFirst(files.rotated)];
    for (const lines of sources) {
      for (const line of lines) {
        const record = parseRecord(line);
        if (record && keep(record)) keptLines.push(line);
        else removed++;
      }
    }
    if (keptLines.length) writeFileAtomic(files.current, `${keptLines.reverse().join('\n')}\n`, { mode: 0o600 });
    else removeIfPresent(files.current);
    removeIfPresent(files.rotated);
    const carried = current === undefined ? { kept: 0, removed: 0 } : carryOver(current, readUpTo, files, keep);
    return { removed: removed + carried.removed, kept: keptLines.length + carried.kept };
  } finally {
    if (current !== undefined) closeSync(current);
    release();
  }
}

/** How long the replaced file must stay unchanged before no command can still be appending to it. */
const CARRY_OVER_QUIET_MS = 20;

/**
 * Records appended to the replaced file after byte `from` (by commands that opened it before it
 * was replaced), appended to the current file as they would have been. A command opens the file
 * and writes its one line straight after, so the replaced file is watched until it has been quiet
 * for a moment.
 */
function carryOver(fd: number, from: number, files: LogFiles, keep: (record: LogRecord) => boolean): { kept: number; removed: number } {
  const counts = { kept: 0, removed: 0 };
  let position = from;
  let quietSince = Date.now();
  for (;;) {
    const size = fstatSync(fd).size;
    if (size > position) {
      const data = Buffer.allocUnsafe(size - position);
      readSync(fd, data, 0, data.length, position);
      // Whole lines only; a line still being written is read on the next look.
      const end = data.lastIndexOf(10) + 1;
      for (const line of data.toString('utf8', 0, end).split('\n')) {
        if (!line) continue;
        const record = parseRecord(line);
        if (record && keep(record)) {
          appendRecordLine(files, line, Number.POSITIVE_INFINITY);
          counts.kept++;
        } else counts.removed++;
      }
      position += end;
      quietSince = Date.now();
    }
    if (Date.now() - quietSince >= CARRY_OVER_QUIET_MS) return counts;
    sleepSync(5);
  }
}

function removeIfPresent(path: string): void {
  try {
    unlinkSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}
