// The one factory: config, settings, credential, client and IO, each built lazily on first use
// so a command pays only for what it touches (`--help` builds none of them).
import type { IO } from '../io/io.ts';
import type { Client } from './client.ts';
import type { TokenProvider } from './auth/entra.ts';
import { ConfigStore, DEFAULT_PROFILE } from './config-store.ts';
import { INPUT_LIMITS, readStreamText } from './local-input.ts';
import { UsageError } from './errors.ts';
import { newRequestRecord, type RequestRecord } from './request-record.ts';
import { neutralise } from '../render/terminal-text.ts';
import { cacheDir, configFile, stateDir } from './paths.ts';
import { resolveSettings, type GlobalFlags, type Settings } from './settings.ts';

export interface Factory {
  readonly io: IO;
  readonly flags: GlobalFlags;
  readonly profileName: string;
  configStore(): ConfigStore;
  settings(): Promise<Settings>;
  tokenProvider(): Promise<TokenProvider | undefined>;
  /** The client; extra headers give a separate client (e.g. image generation's deployment header). */
  client(extraHeaders?: Record<string, string>): Promise<Client>;
  debug(line: string): void;
  /** This command's requests, as its error line names them (endpoint, credential, attempts). */
  readonly requests: RequestRecord;
  readonly paths: { config: string; cache: string; state: string };
}

export function createFactory(io: IO, flags: GlobalFlags): Factory {
  const env = io.env;
  const profileName = flags.profile || env.AOAI_PROFILE || DEFAULT_PROFILE;
  const paths = { config: configFile(env), cache: cacheDir(env), state: stateDir(env) };
  let store: ConfigStore | undefined;
  let settings: Promise<Settings> | undefined;
  let provider: Promise<TokenProvider | undefined> | undefined;
  const clients = new Map<string, Promise<Client>>();

  const factory: Factory = {
    io,
    flags,
    profileName,
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
        });
      })();
      return settings;
    },
    tokenProvider() {
      provider ??= (async () => {
        const s = await factory.settings();
        if (s.auth.mode !== 'entra') return undefined;
        const { createEntraTokenProvider } = await import('./auth/entra.ts');
        return createEntraTokenProvider({
          credential: s.auth.credential,
          tenantId: s.auth.tenantId,
          env,
          cacheDir: paths.cache,
          debug: s.debug ? (line) => io.err(`* ${neutralise(line)}\n`) : undefined,
        });
      })();
      return provider;
    },
    client(extraHeaders) {
      const key = JSON.stringify(extraHeaders ?? {});
      let client = clients.get(key);
      if (!client) {
        client = (async () => {
          const s = await factory.settings();
          const tokenProvider = await factory.tokenProvider();
          const { createClient } = await import('./client.ts');
          return createClient(s, { io, tokenProvider, extraHeaders, record: factory.requests });
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

