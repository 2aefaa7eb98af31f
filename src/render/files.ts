// How file objects print: one tab-separated row on a pipe, aligned columns on a terminal. Pure.
import type { FileObject } from 'openai/resources/files';

/** One timestamp format for `files list` and `files get`: ISO 8601 UTC to the second. */
export function fileTimestamp(unixSeconds: number): string {
  return new Date(unixSeconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function fileRow(file: FileObject, tty: boolean): string {
  const created = fileTimestamp(file.created_at);
  const cells = [file.id, file.purpose, String(file.bytes), created, file.filename];
  if (!tty) return cells.join('\t');
  return `${file.id.padEnd(38)} ${file.purpose.padEnd(11)} ${humanBytes(file.bytes).padStart(9)}  ${created}  ${file.filename}`;
}

export function fileDetails(file: FileObject): string {
  const created = fileTimestamp(file.created_at);
  return [`id:       ${file.id}`, `filename: ${file.filename}`, `purpose:  ${file.purpose}`, `bytes:    ${file.bytes}`, `created:  ${created}`, `status:   ${file.status ?? 'unknown'}`]
    .map((line) => `${line}\n`)
    .join('');
}

function humanBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
