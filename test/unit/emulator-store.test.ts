// The emulator's bound on stored responses (src/emulator/store.ts): the oldest finished one goes
// first; a background job still running stays reachable, whatever its age.
import { describe, expect, it } from 'vitest';
import { ResponseStore, type BackgroundJob, type StoredRecord } from '../../src/emulator/store.ts';

function record(id: string, job?: { finished: boolean }): StoredRecord {
  const fake = job ? (Object.assign(job, { done: new Promise<void>(() => undefined) }) as unknown as BackgroundJob) : undefined;
  return { response: { id } as StoredRecord['response'], inputItems: [], userTexts: [], chainCharacters: 0, ...(fake ? { job: fake } : {}) };
}

describe('ResponseStore bound', () => {
  it('forgets the oldest finished response past the bound, never a running job', () => {
    const store = new ResponseStore(2);
    const running = { finished: false };
    store.put(record('resp_running', running));
    store.put(record('resp_a'));
    store.put(record('resp_b'));
    expect(store.get('resp_running')).toBeDefined();
    expect(store.get('resp_a')).toBeUndefined();
    expect(store.get('resp_b')).toBeDefined();
    running.finished = true;
    store.put(record('resp_c'));
    expect(store.get('resp_running')).toBeUndefined();
    expect([store.get('resp_b'), store.get('resp_c')].every(Boolean)).toBe(true);
  });
});
