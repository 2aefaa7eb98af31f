// Which proxy a request takes, decided once per run from the `proxy` setting (flag, AOAI_PROXY,
// profile) or, without it, the usual HTTPS_PROXY / HTTP_PROXY / ALL_PROXY / NO_PROXY variables
// (either case), as curl reads them. Node's fetch ignores those variables, so a proxied run
// fetches with a dispatcher of its own (proxy-fetch.ts, loaded only then), and a run with no proxy
// configured pays nothing for proxy support.
import { parseProxyText } from './config-keys.ts';
import { ConfigError, UsageError } from './errors.ts';
import { registerSecret } from './redact.ts';
import { describeSource, type Source, type Valued } from './settings.ts';

export interface Proxy {
  url: URL;
  /** Where it came from, for `auth status`, --debug and errors. */
  source: Source;
}

export interface ProxyRoutes {
  /** Proxy for https:// targets (HTTPS_PROXY, else ALL_PROXY; the setting covers both). */
  https: Proxy | undefined;
  /** Proxy for http:// targets (HTTP_PROXY, else ALL_PROXY). */
  http: Proxy | undefined;
  noProxy: string[];
}

function envValue(env: NodeJS.ProcessEnv, name: string): string | undefined {
  // curl reads lower case first; an empty value means unset.
  return env[name.toLowerCase()] || env[name] || undefined;
}

/** Credentials in the URL are allowed (they go in Proxy-Authorization) and registered as secrets. */
export function parseProxyUrl(raw: string, source: Source): URL {
  let url: URL;
  try {
    url = parseProxyText(raw);
  } catch (error) {
    if (error instanceof UsageError && source.kind !== 'flag') throw new ConfigError(`${error.message} (from ${describeSource(source)})`);
    throw error;
  }
  if (url.password) {
    registerSecret(url.password);
    registerSecret(decodeURIComponent(url.password));
    registerSecret(url.href);
    registerSecret(Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString('base64'));
  }
  return url;
}

/** The proxy as it may be printed: scheme, host and port, never the credentials. */
export function displayProxy(url: URL): string {
  const auth = url.username ? `${decodeURIComponent(url.username)}:***@` : '';
  return `${url.protocol}//${auth}${url.host}`;
}

/** undefined: no proxy configured, requests go direct (and proxy-fetch.ts is never loaded). */
export function resolveProxyRoutes(setting: Valued<string> | undefined, env: NodeJS.ProcessEnv): ProxyRoutes | undefined {
  const noProxy = parseNoProxy(envValue(env, 'NO_PROXY'));
  if (setting) {
    const proxy = { url: parseProxyUrl(setting.value, setting.source), source: setting.source };
    return { https: proxy, http: proxy, noProxy };
  }
  const fromEnv = (name: string): Proxy | undefined => {
    const own = envValue(env, name);
    const chosen = own ?? envValue(env, 'ALL_PROXY');
    if (!chosen) return undefined;
    const source: Source = { kind: 'env', name: own ? name : 'ALL_PROXY' };
    return { url: parseProxyUrl(chosen, source), source };
  };
  const https = fromEnv('HTTPS_PROXY');
  const http = fromEnv('HTTP_PROXY');
  if (!https && !http) return undefined;
  return { https, http, noProxy };
}

export function parseNoProxy(value: string | undefined): string[] {
  if (!value) return [];
  return value
    .split(/[\s,]+/)
    .map((entry) => entry.trim().toLowerCase())
    .filter(Boolean);
}

/**
 * The proxy for a target, or undefined to go direct. NO_PROXY entries (as curl reads them):
 * `*` (everything), `host`, `.domain` or `*.domain` (the domain and its subdomains), `host:port`,
 * an IP address, or an IPv4 CIDR block such as 10.0.0.0/8.
 */
export function proxyFor(target: URL, routes: ProxyRoutes): Proxy | undefined {
  const proxy = target.protocol === 'https:' ? routes.https : routes.http;
  if (!proxy) return undefined;
  return bypassesProxy(target, routes.noProxy) ? undefined : proxy;
}

export function bypassesProxy(target: URL, noProxy: string[]): boolean {
  const host = target.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const port = target.port || (target.protocol === 'https:' ? '443' : '80');
  for (const raw of noProxy) {
    if (raw === '*') return true;
    let entry = raw;
    let entryPort: string | undefined;
    const portMatch = /^(.*[^:]):(\d+)$/.exec(entry);
    if (portMatch && !entry.startsWith('[') && entry.split(':').length === 2) [, entry, entryPort] = portMatch as unknown as [string, string, string];
    else if (/^\[.*\]:\d+$/.test(entry)) [entry, entryPort] = [entry.slice(1, entry.lastIndexOf(']')), entry.slice(entry.lastIndexOf(':') + 1)];
    entry = entry.replace(/^\[|\]$/g, '');
    if (entryPort && entryPort !== port) continue;
    if (entry.includes('/') && inCidr(host, entry)) return true;
    const domain = entry.replace(/^\*?\./, '');
    if (host === domain || host.endsWith(`.${domain}`)) return true;
  }
  return false;
}

function inCidr(host: string, cidr: string): boolean {
  const [base, bitsText] = cidr.split('/') as [string, string];
  const bits = Number(bitsText);
  const a = ipv4ToNumber(host);
  const b = ipv4ToNumber(base);
  if (a === undefined || b === undefined || !Number.isInteger(bits) || bits < 0 || bits > 32) return false;
  if (bits === 0) return true;
  const mask = (0xffffffff << (32 - bits)) >>> 0;
  return (a & mask) >>> 0 === (b & mask) >>> 0;
}

function ipv4ToNumber(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) return undefined;
  return parts.reduce((n, p) => n * 256 + Number(p), 0);
}

/** One line naming the route, for --debug and `auth status`. */
export function describeRoute(target: URL, routes: ProxyRoutes | undefined): string {
  if (!routes) return 'direct (no proxy configured)';
  const proxy = proxyFor(target, routes);
  if (!proxy) {
    const configured = target.protocol === 'https:' ? routes.https : routes.http;
    return configured ? `direct (${target.hostname} matches NO_PROXY)` : `direct (no proxy for ${target.protocol}// targets)`;
  }
  return `through proxy ${displayProxy(proxy.url)} (from ${describeSource(proxy.source)})`;
}
