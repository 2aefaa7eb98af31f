// The one factory: config, settings, credential, client and IO, each built lazily on first use
// so a command pays only for what it touches (`--help` builds none of them).
import type { IO } from '../io/io.ts';
import type { Client } from './client.ts';
import type { TokenProvider } from './auth/entra.ts';
import { ConfigStore, DEFAULT_PROFILE } from './config-store.ts';
import { INPUT_LIMITS, readStreamText } from './local-input.ts';
import { UsageError } from './errors.ts';
import { runKeyCommand } from './key-command.ts';
import { newRequestRecord, type RequestRecord } from './request-record.ts';
import { CommandLog } from '../log/notes.ts';
import { neutralise } from '../render/terminal-text.ts';
import { cacheDir, configFile, stateDir } from './paths.ts';
import { resolveSettings, type GlobalFlags, type Settings } from './settings.ts';
import type { PinnedHost } from './address-trust.ts';
import { proxyFor, resolveProxyRoutes, type ProxyRoutes } from './proxy.ts';

export interface Factory {
  readonly io: IO;
  readonly flags: GlobalFlags;
  readonly profileName: string;
  /** The command running, as typed: 'create', 'mcp approve' (named in its log record). */
  readonly command: string;
  /** What the command sent and received, for its record in the local log (log/notes.ts). */
  readonly log: CommandLog;
  configStore(): ConfigStore;
  settings(): Promise<Settings>;
  tokenProvider(): Promise<TokenProvider | undefined>;
  /** An Entra token provider for another scope (Resource Manager), whatever the auth mode. */
  entraTokenProvider(scope: string): Promise<TokenProvider>;
  /** The proxies in use (undefined: direct), from the `proxy` setting or HTTPS_PROXY and friends. */
  proxyRoutes(): Promise<ProxyRoutes | undefined>;
  /** fetch for every request aoai makes: through the proxy when one is configured. */
  transport(): Promise<typeof fetch>;
  /**
   * The client; extra headers give a separate client (e.g. image generation's deployment header).
   * `bulk`: a client for many small requests whose caller paces retries itself (batch run): it
   * never retries, and sends over Node's http agent where it can (bulk-fetch.ts).
   */
  client(extraHeaders?: Record<string, string>, options?: { bulk?: boolean }): Promise<Client>;
  debug(line: string): void;
  /** This command's requests, as its error line names them (endpoint, credential, attempts). */
  readonly requests: RequestRecord;
  readonly paths: { config: string; cache: string; state: string };
}

/**
 * The bulk client reads a successful answer whole before handing it over when it is at most this
 * long: far below the spool threshold (an image worth spooling cannot be in it), far above a
 * typical answer (a few KB).
 */
const BULK_BUFFERED_BYTES = 256 * 1024;

export function createFactory(io: IO, flags: GlobalFlags, command = ''): Factory {
  const env = io.env;
  const profileName = flags.profile || env.AOAI_PROFILE || DEFAULT_PROFILE;
  const paths = { config: configFile(env), cache: cacheDir(env), state: stateDir(env) };
  let store: ConfigStore | undefined;
  let settings: Promise<Settings> | undefined;
  let provider: Promise<TokenProvider | undefined> | undefined;
  let routes: Promise<ProxyRoutes | undefined> | undefined;
  let transport: Promise<typeof fetch> | undefined;
  const clients = new Map<string, Promise<Client>>();

  const factory: Factory = {
    io,
    flags,
    profileName,
    command,
    log: new CommandLog(),
    paths,
    requests: newRequestRecord(),
    configStore() {
      store ??= new ConfigStore(paths.config);
      return store;
    },
    settings() {
      settings ??= (async () => {
        const stdinKey = flags.apiKeyStdin ? await readKeyFromStdin(io) : undefined;
        return resolveSettings({
          flags,
          env,
          profileName,
          profile: factory.configStore().profile(profileName),
          stdinKey,
          runKeyCommand: (command) => runKeyCommand(command, env),
        });
      })();
      return settings;
    },
    tokenProvider() {
      provider ??= (async () => {
        const s = await factory.settings();
        if (s.auth.mode !== 'entra') return undefined;
        return factory.entraTokenProvider(s.tokenScope.value);
      })();
      return provider;
    },
    async entraTokenProvider(scope) {
      const s = await factory.settings();
      const { createEntraTokenProvider } = await import('./auth/entra.ts');
      return createEntraTokenProvider({
        credential: s.entra.credential,
        tenantId: s.entra.tenantId,
        env,
        cacheDir: paths.cache,
        scope,
        authorityHost: s.authorityHost.value,
        proxy: s.proxy ? (await factory.proxyRoutes())?.https?.url : undefined,
        debug: s.debug ? (line) => io.err(`* ${neutralise(line)}\n`) : undefined,
      });
    },
    proxyRoutes() {
      routes ??= factory.settings().then((s) => resolveProxyRoutes(s.proxy, env));
      return routes;
    },
    transport() {
      transport ??= (async () => {
        const proxies = await factory.proxyRoutes();
        if (!proxies) return fetch;
        const s = await factory.settings();
        const { createProxiedFetch } = await import('./proxy-fetch.ts');
        return createProxiedFetch(proxies, s.debug ? (line) => io.err(`* ${neutralise(line)}\n`) : undefined);
      })();
      return transport;
    },
    client(extraHeaders, options) {
      const key = JSON.stringify([extraHeaders ?? {}, Boolean(options?.bulk)]);
      let client = clients.get(key);
      if (!client) {
        client = (async () => {
          const s = await factory.settings();
          let pin: PinnedHost | undefined;
          if (s.endpoint) {
            const { requireTrustedTransport } = await import('./address-trust.ts');
            pin = await requireTrustedTransport(new URL(s.endpoint.value), s.insecure);
          }
          const tokenProvider = await factory.tokenProvider();
          let transport = await factory.transport();
          const routes = await factory.proxyRoutes();
          const goesDirect = (target: URL) => !routes || !proxyFor(target, routes);
          if (pin) {
            const { pinnedFetch } = await import('./pinned-fetch.ts');
            transport = pinnedFetch(transport, pin, goesDirect);
          }
          if (options?.bulk) {
            const { bulkFetch } = await import('./bulk-fetch.ts');
            transport = bulkFetch({ fallback: transport, goesDirect, pin, maxBufferedBytes: Math.min(BULK_BUFFERED_BYTES, s.limits.maxResponseBytes) });
          }
          const { createClient } = await import('./client.ts');
          return createClient(s, { io, tokenProvider, extraHeaders, record: factory.requests, transport, callerRetries: options?.bulk });
        })();
        clients.set(key, client);
      }
      return client;
    },
    debug(line) {
      if (flags.debug || env.AOAI_DEBUG === '1') io.err(`* ${neutralise(line)}\n`);
    },
  };
  return factory;
}

async function readKeyFromStdin(io: IO): Promise<string> {
  if (io.stdinIsTTY) {
    throw new UsageError('--api-key-stdin reads the key from a pipe', "pipe it in: printf '%s' \"$KEY\" | aoai …");
  }
  const text = (await readStreamText(io.stdin, '--api-key-stdin', INPUT_LIMITS.secret)).trim();
  if (!text) throw new UsageError('--api-key-stdin: standard input was empty');
  if (/\s/.test(text)) throw new UsageError('--api-key-stdin: expected one key on standard input');
  return text;
}

