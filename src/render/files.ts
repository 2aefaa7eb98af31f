// How file objects print: one tab-separated row on a pipe, aligned columns on a terminal. Pure.
import type { FileObject } from 'openai/resources/files';
import { neutralise, tableField } from './terminal-text.ts';

/**
 * One file as a row: tab-separated fields on a pipe, aligned columns on a terminal. Every field is
 * escaped (tabs, newlines, controls), so a file name can never forge a row or drive the terminal.
 */
export function fileRow(file: FileObject, tty: boolean): string {
  const created = isoTime(file.created_at);
  const [id, purpose, bytes, filename] = [file.id, file.purpose, file.bytes, file.filename].map((value) => tableField(String(value))) as [string, string, string, string];
  if (!tty) return [id, purpose, bytes, created, filename].join('\t');
  const size = typeof file.bytes === 'number' ? humanBytes(file.bytes) : bytes;
  return `${id.padEnd(38)} ${purpose.padEnd(11)} ${size.padStart(9)}  ${created}  ${filename}`;
}

export function fileDetails(file: FileObject): string {
  const shown = (value: unknown) => neutralise(String(value));
  return [`id:       ${shown(file.id)}`, `filename: ${shown(file.filename)}`, `purpose:  ${shown(file.purpose)}`, `bytes:    ${shown(file.bytes)}`, `created:  ${isoTime(file.created_at)}`, `status:   ${shown(file.status ?? 'unknown')}`]
    .map((line) => `${line}\n`)
    .join('');
}

/** A Unix time as ISO 8601; whatever else the service sent, shown as it is (escaped). */
/** One timestamp format for `files list` and `files get`: ISO 8601 UTC to the second. */
function isoTime(seconds: unknown): string {
  const date = new Date(Number(seconds) * 1000);
  return typeof seconds === 'number' && Number.isFinite(date.getTime()) ? date.toISOString().replace(/\.\d{3}Z$/, 'Z') : tableField(String(seconds));
}

function humanBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
