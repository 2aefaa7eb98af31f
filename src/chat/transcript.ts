// /save FILE: the conversation as Markdown, written whole or not at all, never over a file.
import { resolve } from 'node:path';
import { writeFileAtomic } from '../core/atomic-write.ts';
import type { TranscriptEntry } from './conversation.ts';

export function transcriptMarkdown(entries: readonly TranscriptEntry[], startedAt: Date): string {
  const lines = [`# aoai chat, ${startedAt.toISOString().replace(/\.\d+Z$/, 'Z')}`, ''];
  for (const entry of entries) {
    if (entry.role === 'user') {
      // Quoted, so a heading the user typed cannot pass for a section of the transcript.
      lines.push('## You', '', ...entry.text.trimEnd().split('\n').map((line) => (line ? `> ${line}` : '>')), '');
    } else {
      const about = [entry.model, entry.responseId].filter(Boolean).join(', ');
      lines.push(`## Assistant${about ? ` (${about})` : ''}`, '', entry.text.trimEnd(), '');
    }
  }
  return `${lines.join('\n').trimEnd()}\n`;
}

/** Returns the absolute path written; throws the fs error (EEXIST when the file exists). */
export function saveTranscript(path: string, entries: readonly TranscriptEntry[], startedAt: Date): string {
  const target = resolve(path);
  writeFileAtomic(target, transcriptMarkdown(entries, startedAt), { mode: 0o600, exclusive: true });
  return target;
}
