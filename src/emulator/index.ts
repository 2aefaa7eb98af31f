// A loopback emulator of the Azure OpenAI Responses API: `aoai emulate`, and the server every
// test runs against. See docs/emulator.md for what it does and docs/dev/emulator-spec.md for
// the contract.
export { startEmulator } from './server.ts';
export type { Emulator, EmulatorOptions, RecordedRequest } from './server.ts';
export type { FaultRule } from './faults.ts';
export { parseFault } from './faults.ts';
export type { WireEvent, WireResponse } from './types.ts';
