// The real recorded Responses API streams in test/fixtures/sse, as lists of events.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './cli.ts';

export const SSE_DIR = join(REPO_ROOT, 'test', 'fixtures', 'sse');

export interface Recording {
  name: string;
  events: Array<Record<string, unknown> & { type: string }>;
}

/** vercel-ai chunk files: one event per line; a file may hold several streams. */
function chunkFileStreams(name: string, text: string): Recording[] {
  const streams: Recording[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const event = JSON.parse(line);
    if (event.type === 'response.created' || streams.length === 0) streams.push({ name: `${name}#${streams.length + 1}`, events: [] });
    streams.at(-1)!.events.push(event);
  }
  return streams;
}

/** pydantic-ai cassettes: raw SSE (`event:`/`data:` lines) inside YAML literal blocks, one per interaction. */
function cassetteStreams(name: string, text: string): Recording[] {
  const streams: Recording[] = [];
  for (const [index, interaction] of text.split(/\n- request:/).entries()) {
    const events = [...interaction.matchAll(/^\s*data: (\{.*\})\s*$/gm)].map((m) => JSON.parse(m[1]!));
    if (events.length && events.every((e) => typeof e.type === 'string')) streams.push({ name: `${name}#${index}`, events });
  }
  return streams;
}

export function loadRecordings(): Recording[] {
  if (!existsSync(SSE_DIR)) return [];
  const all: Recording[] = [];
  for (const dir of ['vercel-ai', 'pydantic-ai']) {
    for (const file of readdirSync(join(SSE_DIR, dir)).sort()) {
      const text = readFileSync(join(SSE_DIR, dir, file), 'utf8');
      if (file.endsWith('.chunks.txt')) all.push(...chunkFileStreams(`${dir}/${file}`, text));
      else if (file.endsWith('.yaml')) all.push(...cassetteStreams(`${dir}/${file}`, text));
    }
  }
  return all;
}
