// The config file: {"profiles": {"default": {"endpoint": "…", …}}}.
// Reading is a plain JSON.parse (every request pays for it); writing goes through conf, which
// writes atomically (temporary file + rename) with mode 0600. conf is loaded only to write.
import { chmodSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { ConfigError } from './errors.ts';
import type { ConfigKey } from './config-keys.ts';

export type ProfileValues = Partial<Record<ConfigKey, string>>;

export interface ConfigFileData {
  profiles: Record<string, ProfileValues>;
}

export const DEFAULT_PROFILE = 'default';

export class ConfigStore {
  private cached: ConfigFileData | undefined;
  constructor(readonly path: string) {}

  /** The whole file; an absent file is an empty config, a corrupt one an error naming the file. */
  read(): ConfigFileData {
    if (this.cached) return this.cached;
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return (this.cached = { profiles: {} });
      throw new ConfigError(`cannot read config file ${this.path}: ${(error as Error).message}`);
    }
    this.cached = parseConfig(text, this.path);
    return this.cached;
  }

  profile(name: string): ProfileValues {
    return this.read().profiles[name] ?? {};
  }

  async update(mutate: (data: ConfigFileData) => void): Promise<void> {
    const data = structuredClone(this.read());
    mutate(data);
    const dir = dirname(this.path);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const { default: Conf } = await import('conf');
    const conf = new Conf<ConfigFileData>({
      cwd: dir,
      configName: basenameWithoutJson(this.path),
      projectSuffix: '',
      configFileMode: 0o600,
      clearInvalidConfig: false,
      accessPropertiesByDotNotation: false,
    });
    conf.store = data;
    // conf applies the mode to new files; make sure a pre-existing file is tightened too.
    chmodSync(this.path, 0o600);
    this.cached = data;
  }
}

function basenameWithoutJson(path: string): string {
  const base = path.split(/[\\/]/).pop() ?? 'config.json';
  return base.replace(/\.json$/, '');
}

export function parseConfig(text: string, path: string): ConfigFileData {
  if (text.trim() === '') return { profiles: {} };
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
  const profiles: Record<string, ProfileValues> = {};
  for (const [name, values] of Object.entries((data.profiles as Record<string, unknown>) ?? {})) {
    if (!isRecord(values)) throw new ConfigError(`config file ${path}: profile '${name}' is not an object`);
    const clean: Record<string, string> = {};
    for (const [key, value] of Object.entries(values)) {
      if (typeof value === 'string') clean[key] = value;
      else if (typeof value === 'number' || typeof value === 'boolean') clean[key] = String(value);
    }
    profiles[name] = clean as ProfileValues;
  }
  return { ...(data as object), profiles };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
