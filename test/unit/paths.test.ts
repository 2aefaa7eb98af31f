// Where aoai keeps its files: the AOAI_*_DIR overrides, then XDG, then HOME (Linux layout).
import { describe, expect, it } from 'vitest';
import { cacheDir, configDir, configFile, stateDir } from '../../src/core/paths.ts';

describe.runIf(process.platform === 'linux')('paths', () => {
  it('HOME alone: ~/.config, ~/.cache and ~/.local/state', () => {
    const env = { HOME: '/home/ada' };
    expect(configFile(env)).toBe('/home/ada/.config/aoai/config.json');
    expect(cacheDir(env)).toBe('/home/ada/.cache/aoai');
    expect(stateDir(env)).toBe('/home/ada/.local/state/aoai');
  });

  it('USERPROFILE when HOME is unset or empty', () => {
    expect(configDir({ USERPROFILE: '/users/ada' })).toBe('/users/ada/.config/aoai');
    expect(configDir({ HOME: '', USERPROFILE: '/users/ada' })).toBe('/users/ada/.config/aoai');
  });

  it('XDG directories win over HOME, and AOAI_*_DIR over both', () => {
    const env = { HOME: '/home/ada', XDG_CONFIG_HOME: '/x/config', XDG_CACHE_HOME: '/x/cache', XDG_STATE_HOME: '/x/state' };
    expect([configDir(env), cacheDir(env), stateDir(env)]).toEqual(['/x/config/aoai', '/x/cache/aoai', '/x/state/aoai']);
    const overridden = { ...env, AOAI_CONFIG_DIR: '/o/c', AOAI_CACHE_DIR: '/o/k', AOAI_STATE_DIR: '/o/s' };
    expect([configDir(overridden), cacheDir(overridden), stateDir(overridden)]).toEqual(['/o/c', '/o/k', '/o/s']);
  });
});
