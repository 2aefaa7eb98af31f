// The manifest of a --split submission: which part of the input went into which uploaded file and
// which job, rewritten whole (core/atomic-write.ts) after every change, so that a run cut short
// (Ctrl-C, a lost terminal, kill -9) can be resumed by running the same command again: parts
// already uploaded are not uploaded again, and jobs already created are followed, not duplicated.
import { readFileSync } from 'node:fs';
import { writeFileAtomic } from '../../core/atomic-write.ts';
import { UsageError } from '../../core/errors.ts';
import { isId } from '../../core/ids.ts';
import { describeFsError } from '../../core/local-input.ts';
import type { CutInput } from './parts.ts';

export const MANIFEST_VERSION = 1;

export interface ManifestPart {
  part: number;
  /** The input lines of the part's first and last request. */
  first_line: number;
  last_line: number;
  requests: number;
  bytes: number;
  input_file_id: string | null;
  batch_id: string | null;
  /** The job's last known status (null before it is created). */
  status: string | null;
  /** Jobs created for this part (more than one after token_limit_exceeded). */
  attempts: number;
}

export interface Manifest {
  version: number;
  /** The input as given on the command line. */
  input: string;
  /** SHA-256 of the request lines submitted (parts.ts): a rerun must be cutting the same input. */
  input_sha256: string;
  model: string | null;
  created_at: string;
  parts: ManifestPart[];
}

export function newManifest(inputName: string, cut: CutInput, model: string | undefined): Manifest {
  return {
    version: MANIFEST_VERSION,
    input: inputName,
    input_sha256: cut.sha256,
    model: model ?? null,
    created_at: new Date().toISOString(),
    parts: cut.parts.map((part) => ({
      part: part.number,
      first_line: part.inputLines[0] ?? 0,
      last_line: part.inputLines.at(-1) ?? 0,
      requests: part.requests,
      bytes: part.bytes,
      input_file_id: null,
      batch_id: null,
      status: null,
      attempts: 0,
    })),
  };
}

export function saveManifest(path: string, manifest: Manifest): void {
  writeFileAtomic(path, `${JSON.stringify(manifest, null, 2)}\n`);
}

/**
 * The manifest at `path` when it records this very cut (same request lines, same parts), for a
 * resumed run; undefined when there is none. A manifest of another input is an error, never
 * overwritten: its jobs would be lost track of.
 */
export function loadManifest(path: string, fresh: Manifest): Manifest | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new UsageError(`cannot read the manifest ${path}: ${describeFsError(error)}`);
  }
  let manifest: Manifest;
  try {
    manifest = JSON.parse(text) as Manifest;
  } catch {
    throw new UsageError(`${path} is not a manifest aoai wrote (not JSON)`, 'give another --manifest path, or remove that file');
  }
  const sameCut =
    manifest?.version === MANIFEST_VERSION &&
    manifest.input_sha256 === fresh.input_sha256 &&
    Array.isArray(manifest.parts) &&
    manifest.parts.length === fresh.parts.length &&
    manifest.parts.every((part, index) => part.requests === fresh.parts[index]!.requests && part.first_line === fresh.parts[index]!.first_line);
  if (!sameCut) {
    throw new UsageError(`${path} records the jobs of another input (or another --part-lines); not touching it`, 'give another --manifest path, or remove that file once its jobs are done with');
  }
  // Ids from the file go into URLs: they must be ids.
  for (const part of manifest.parts) {
    if (part.input_file_id !== null && !isId('file', part.input_file_id)) part.input_file_id = null;
    if (part.batch_id !== null && !isId('batch', part.batch_id)) part.batch_id = null;
    if (!Number.isInteger(part.attempts) || part.attempts < 0) part.attempts = 0;
  }
  return manifest;
}
