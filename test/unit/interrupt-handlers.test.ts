// The signal handlers a command registers are removed again when it says so: a handler left
// behind would run on a later Ctrl-C or kill, for a command that has finished.
import { describe, expect, it } from 'vitest';
import { onInterrupt, onTermination } from '../../src/io/io.ts';

describe('signal handlers', () => {
  it('onInterrupt and onTermination return what removes exactly the handlers they added', () => {
    const before = ['SIGINT', 'SIGTERM', 'SIGHUP'].map((signal) => process.listenerCount(signal));
    const offInterrupt = onInterrupt(() => undefined);
    const offTermination = onTermination(() => undefined);
    expect(['SIGINT', 'SIGTERM', 'SIGHUP'].map((signal) => process.listenerCount(signal))).toEqual(before.map((count) => count + 1));
    offInterrupt();
    offTermination();
    expect(['SIGINT', 'SIGTERM', 'SIGHUP'].map((signal) => process.listenerCount(signal))).toEqual(before);
  });
});
