// Shared setup for emulator tests: one emulator per file, plain fetch and the real openai SDK.
import OpenAI from 'openai';
import { afterAll, beforeAll } from 'vitest';
import { startEmulator, type Emulator, type EmulatorOptions } from '../../src/emulator/index.ts';

export const KEY = 'emulator-test-key-0123456789';

export function useTestEmulator(options: EmulatorOptions = {}) {
  const state = {} as { emulator: Emulator; client: OpenAI; api: (path: string, init?: RequestInit & { json?: unknown }) => Promise<Response> };
  beforeAll(async () => {
    state.emulator = await startEmulator({ apiKey: KEY, queueMs: 20, ...options });
    state.client = new OpenAI({ baseURL: `${state.emulator.url}/openai/v1`, apiKey: KEY, maxRetries: 0 });
    state.api = (path, init = {}) => {
      const { json, headers, ...rest } = init;
      return fetch(`${state.emulator.url}${path}`, {
        ...rest,
        headers: { 'api-key': KEY, ...(json !== undefined ? { 'content-type': 'application/json' } : {}), ...(headers as Record<string, string> | undefined) },
        ...(json !== undefined ? { body: JSON.stringify(json), method: rest.method ?? 'POST' } : {}),
      });
    };
  });
  afterAll(async () => {
    await state.emulator?.close();
  });
  return state;
}

/** Parse a raw SSE body into [event name, data] pairs. */
export function parseSse(text: string): Array<{ event: string; data: Record<string, unknown> }> {
  return text
    .split('\n\n')
    .filter((block) => block.trim())
    .map((block) => {
      const event = /^event: (.*)$/m.exec(block)?.[1] ?? '';
      const data = /^data: (.*)$/m.exec(block)?.[1] ?? 'null';
      return { event, data: JSON.parse(data) as Record<string, unknown> };
    });
}

export function outputText(response: { output: Array<{ type: string; content?: Array<{ type: string; text?: string }> }> }): string {
  return response.output
    .filter((item) => item.type === 'message')
    .flatMap((item) => item.content ?? [])
    .map((part) => part.text ?? '')
    .join('');
}

export async function waitFor<T>(check: () => Promise<T | undefined> | T | undefined, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('waitFor: timed out');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
