// An in-process emulator for a test file, accepting the canary key and the canary Entra token.
import { afterAll, beforeAll } from 'vitest';
import { startEmulator, type Emulator, type EmulatorOptions } from '../../src/emulator/index.ts';
import { CANARY_API_KEY, CANARY_ENTRA_TOKEN } from './canaries.ts';
import { sandbox, type Sandbox } from './cli.ts';

export async function startTestEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  return startEmulator({ apiKey: CANARY_API_KEY, acceptTokens: [CANARY_ENTRA_TOKEN], queueMs: 20, eventDelayMs: 0, ...options });
}

/** Env for a CLI run against the emulator with the canary key. */
export function keyEnv(emulator: Emulator, extra: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return { AZURE_OPENAI_ENDPOINT: emulator.url, AZURE_OPENAI_API_KEY: CANARY_API_KEY, ...extra };
}

/** beforeAll/afterAll wiring: one emulator and one sandbox per test file. */
export function useEmulator(options: EmulatorOptions = {}, extraEnv: Record<string, string | undefined> = {}) {
  const state = {} as { emulator: Emulator; box: Sandbox; env: Record<string, string> };
  beforeAll(async () => {
    state.emulator = await startTestEmulator(options);
    state.box = sandbox(keyEnv(state.emulator, extraEnv));
    state.env = state.box.env;
  });
  afterAll(async () => {
    await state.emulator?.close();
    state.box?.cleanup();
  });
  return state;
}
