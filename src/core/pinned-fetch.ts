// http:// to a name is allowed once every address it resolves to is loopback (address-trust.ts);
// the connection then goes to those very addresses, not to what the name resolves to a moment
// later. Node's agent connects with the lookup given here, so nothing else changes: keep-alive,
// bodies and errors are as on any other request.
import { isIP } from 'node:net';
import type { PinnedHost } from './address-trust.ts';
import { nodeAgentClass, type Dispatcher, type LookupFunction } from './node-dispatcher.ts';

type FetchFunction = typeof fetch;

/** `transport`, except that plain http:// requests to the pinned name connect to its checked addresses. */
export function pinnedFetch(transport: FetchFunction, pin: PinnedHost, goesDirect: (target: URL) => boolean): FetchFunction {
  let agent: Promise<Dispatcher> | undefined;
  return async (input, init) => {
    const target = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    if (target.protocol !== 'http:' || target.hostname.toLowerCase() !== pin.hostname || !goesDirect(target)) return transport(input, init);
    agent ??= nodeAgentClass().then((Agent) => new Agent({ connect: { lookup: pinnedLookup(pin) } }));
    const dispatcher = await agent;
    // Node's fetch takes a dispatcher; the DOM typings of RequestInit do not know it.
    return fetch(input, { ...init, dispatcher } as unknown as RequestInit);
  };
}

/** A lookup that answers the pinned name with the checked addresses and nothing else. */
export function pinnedLookup(pin: PinnedHost): LookupFunction {
  const entries = pin.addresses.map((address) => ({ address, family: isIP(address) }));
  return (hostname, options, callback) => {
    const wanted = options.family ? entries.filter((entry) => entry.family === options.family) : entries;
    if (hostname.toLowerCase() !== pin.hostname || wanted.length === 0) {
      const error = Object.assign(new Error(`${hostname} is not the address that was checked`), { code: 'ENOTFOUND', hostname });
      process.nextTick(callback, error);
      return;
    }
    if (options.all) process.nextTick(callback, null, wanted);
    else process.nextTick(callback, null, wanted[0]!.address, wanted[0]!.family);
  };
}
