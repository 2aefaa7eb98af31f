// Waiting without returning to the event loop, for the few synchronous loops that poll a
// non-blocking file descriptor (a FIFO that is full or not yet written).
const sleeper = new Int32Array(new SharedArrayBuffer(4));

export function sleepSync(ms: number): void {
  Atomics.wait(sleeper, 0, 0, ms);
}
