// Plain http:// carries credentials (a key, a token) in the clear, so it is allowed only to this
// machine — decided on the address the name resolves to, not on the name: `http://x.localhost`
// that resolves to another machine is refused, while the whole 127.0.0.0/8 block and ::1 (the
// emulator on --host 127.0.0.2, say) is loopback. Every address the name resolves to must be
// loopback, since the connection may use any of them. The addresses checked are the ones
// connected to (pinned-fetch.ts): a name that resolves to loopback for the check and elsewhere a
// moment later (DNS rebinding) still reaches only what was checked.
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { UsageError } from './errors.ts';

export function isLoopbackAddress(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, '').toLowerCase();
  if (isIP(bare) === 4) return bare.startsWith('127.');
  if (bare === '::1' || bare === '0:0:0:0:0:0:0:1') return true;
  // An IPv4-mapped IPv6 loopback address (::ffff:127.0.0.1).
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(bare);
  return mapped ? mapped[1]!.startsWith('127.') : false;
}

/** A name and the loopback addresses it was checked on: connections to it use only those. */
export interface PinnedHost {
  hostname: string;
  addresses: string[];
}

/**
 * Throws unless `url` is https://, or http:// to addresses that are all loopback, or --insecure
 * was given. A name that does not resolve is refused too (it cannot be shown to be loopback).
 * For an http:// name, returns the addresses to pin it to.
 */
export async function requireTrustedTransport(url: URL, insecure: boolean): Promise<PinnedHost | undefined> {
  if (url.protocol !== 'http:' || insecure) return undefined;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const refuse = (detail = '') =>
    new UsageError(`refusing to send credentials over plain http:// to ${url.host}${detail}`, 'use https://, or pass --insecure if this is a trusted proxy');
  let addresses: string[];
  if (isIP(host)) {
    addresses = [host];
  } else if (/\.invalid$/i.test(host)) {
    // RFC 6761: never resolves; no need to ask.
    throw refuse();
  } else {
    try {
      addresses = (await lookup(host, { all: true, verbatim: true })).map((entry) => entry.address);
    } catch {
      throw refuse();
    }
  }
  const outside = addresses.filter((address) => !isLoopbackAddress(address));
  if (outside.length === 0) return isIP(host) ? undefined : { hostname: host.toLowerCase(), addresses };
  throw refuse(isIP(host) ? '' : ` (${host} resolves to ${outside.join(', ')}, which is not loopback)`);
}
