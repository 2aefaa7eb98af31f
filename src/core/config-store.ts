// The config file: {"profiles": {"default": {"endpoint": "…", …}}}.
//
// aoai owns this file itself (no `conf`; docs/development.md says why): reading is one JSON.parse
// (every request pays for it), values are checked against the config-key table (a bad value is
// refused with its profile and key), and a change is a read-merge-write under a lock file, so 20
// `aoai config set` at once keep all 20 changes. The write is atomic, mode 0600.
import { chmodSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { writeFileAtomic } from './atomic-write.ts';
import { ConfigError, UsageError } from './errors.ts';
import { takeLockFile } from './lock-file.ts';
import { shellCommand } from '../render/shell-quote.ts';
import { CONFIG_KEYS, isConfigKey, type ConfigKey } from './config-keys.ts';

export type ProfileValues = Partial<Record<ConfigKey, string>>;

export interface ConfigFileData {
  /** Profiles by name; an object without a prototype, so `__proto__` or `constructor` are plain names. */
  profiles: Record<string, ProfileValues>;
}

export const DEFAULT_PROFILE = 'default';

/** How long `update` waits for another aoai to finish its change before giving up. */
const LOCK_WAIT_MS = 10_000;
/** A lock older than this is left over from a process that died mid-change. */
const STALE_LOCK_MS = 30_000;

export class ConfigStore {
  private cached: ConfigFileData | undefined;
  constructor(readonly path: string) {}

  get lockPath(): string {
    return `${this.path}.lock`;
  }

  /** The whole file; an absent or empty file is an empty config, a corrupt one an error naming the file. */
  read(): ConfigFileData {
    this.cached ??= this.readFresh();
    return this.cached;
  }

  /** The profile in use, its values checked as `aoai config set` checks them (a hand-edited file may hold anything). */
  profile(name: string): ProfileValues {
    const values = this.storedProfile(name);
    for (const [key, value] of Object.entries(values)) checkValue(this.path, name, key, value);
    return values;
  }

  /** The profile as stored, unchecked: for `config get` and `config unset`, which must work on a bad value. */
  storedProfile(name: string): ProfileValues {
    return Object.hasOwn(this.read().profiles, name) ? this.read().profiles[name]! : {};
  }

  /**
   * Change the file: under the lock, read what is there now (another process may have changed it
   * since we last looked), apply `mutate`, write it back whole.
   */
  async update(mutate: (data: ConfigFileData) => void): Promise<void> {
    mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 });
    const release = await this.lock();
    try {
      const data = this.readFresh();
      mutate(data);
      writeFileAtomic(this.path, `${JSON.stringify(data, null, '\t')}\n`, { mode: 0o600 });
      // A file created by hand or by an older version may be wider than 0600: tighten it.
      chmodSync(this.path, 0o600);
      this.cached = data;
    } finally {
      release();
    }
  }

  private readFresh(): ConfigFileData {
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return { profiles: Object.create(null) as Record<string, ProfileValues> };
      throw new ConfigError(`cannot read config file ${this.path}: ${(error as Error).message}`);
    }
    return parseConfig(text, this.path);
  }

  /** Take the lock file (src/core/lock-file.ts): a stale one (its process gone, or too old) is broken. */
  private async lock(): Promise<() => void> {
    let release: (() => void) | undefined;
    try {
      release = takeLockFile(this.lockPath, { waitMs: LOCK_WAIT_MS, staleMs: STALE_LOCK_MS });
    } catch (error) {
      throw new ConfigError(`cannot lock config file ${this.path}: ${(error as Error).message}`);
    }
    if (!release) {
      throw new ConfigError(
        `config file ${this.path} is locked by another aoai (${this.lockPath})`,
        `if no aoai is running, remove the lock: ${shellCommand(['rm', this.lockPath])}`,
      );
    }
    return release;
  }
}

export function parseConfig(text: string, path: string): ConfigFileData {
  const profiles = Object.create(null) as Record<string, ProfileValues>;
  if (text.trim() === '') return { profiles };
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(
      `config file ${path} is not valid JSON (${(error as Error).message})`,
      `fix or remove it; aoai never overwrites a file it cannot read`,
    );
  }
  if (!isRecord(data) || (data.profiles !== undefined && !isRecord(data.profiles))) {
    throw new ConfigError(
      `config file ${path} has an unexpected shape: expected {"profiles": {"NAME": {…}}}`,
      'fix or remove it; aoai never overwrites a file it cannot read',
    );
  }
  for (const [name, values] of Object.entries((data.profiles as Record<string, unknown>) ?? {})) {
    if (!isRecord(values)) throw new ConfigError(`config file ${path}: profile '${name}' is not an object`);
    const clean = Object.create(null) as Record<string, string>;
    for (const [key, value] of Object.entries(values)) {
      if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
        throw new ConfigError(`config file ${path}: profile '${name}', key '${key}': expected a string, got ${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value}`);
      }
      clean[key] = String(value);
    }
    profiles[name] = clean as ProfileValues;
  }
  return { ...(data as object), profiles };
}

/** A known key's value must pass the same check as `aoai config set`; unknown keys (a newer aoai's) are kept as they are. */
function checkValue(path: string, profile: string, key: string, value: string): string {
  if (!isConfigKey(key)) return value;
  const spec = CONFIG_KEYS[key] as { validate?: (value: string) => string };
  if (!spec.validate) return value;
  try {
    spec.validate(value);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    throw new ConfigError(`config file ${path}: profile '${profile}', key '${key}': ${error.message}`, `fix it with: aoai config set ${key} VALUE --profile '${profile.replaceAll("'", `'\\''`)}'`);
  }
  return value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
