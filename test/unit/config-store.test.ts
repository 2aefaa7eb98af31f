import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigStore, parseConfig } from '../../src/core/config-store.ts';
import { ConfigError } from '../../src/core/errors.ts';
import { tempDir } from '../helpers/temp.ts';

describe('config file', () => {
  it('treats a missing file as empty and writes atomically with mode 0600', async () => {
    const dir = tempDir('aoai-config-');
    const store = new ConfigStore(join(dir, 'nested', 'config.json'));
    expect(store.read()).toEqual({ profiles: {} });
    await store.update((data) => {
      data.profiles.default = { endpoint: 'https://x.openai.azure.com' };
    });
    const path = join(dir, 'nested', 'config.json');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({ profiles: { default: { endpoint: 'https://x.openai.azure.com' } } });
    expect(new ConfigStore(path).profile('default').endpoint).toBe('https://x.openai.azure.com');
  });

  it('rejects corrupt files with the path named, and never rewrites them', async () => {
    const dir = tempDir('aoai-config-');
    const path = join(dir, 'config.json');
    writeFileSync(path, '{"profiles": {', { mode: 0o600 });
    const store = new ConfigStore(path);
    expect(() => store.read()).toThrow(ConfigError);
    expect(() => store.read()).toThrow(path);
    await expect(store.update(() => undefined)).rejects.toThrow(ConfigError);
    expect(readFileSync(path, 'utf8')).toBe('{"profiles": {');
  });

  it('rejects unexpected shapes', () => {
    expect(() => parseConfig('[]', 'f')).toThrow(/unexpected shape/);
    expect(() => parseConfig('{"profiles": {"a": 3}}', 'f')).toThrow(/profile 'a'/);
    expect(() => parseConfig('{"profiles": {"a": {"timeout": null}}}', 'f')).toThrow("config file f: profile 'a', key 'timeout': expected a string, got null");
    expect(() => parseConfig('{"profiles": {"a": {"timeout": [1]}}}', 'f')).toThrow("config file f: profile 'a', key 'timeout': expected a string, got an array");
    expect(() => parseConfig('{"profiles": {"a": {"timeout": {}}}}', 'f')).toThrow("config file f: profile 'a', key 'timeout': expected a string, got object");
    expect(parseConfig('', 'f')).toEqual({ profiles: {} });
  });
});
