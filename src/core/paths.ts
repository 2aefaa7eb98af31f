// Where aoai keeps its files. Overridable per directory so tests (and users) can isolate them.
import { homedir } from 'node:os';
import { join } from 'node:path';

type Env = NodeJS.ProcessEnv;

function home(env: Env): string {
  return env.HOME || env.USERPROFILE || homedir();
}

/** Settings and profiles (config.json), mode 0600. */
export function configDir(env: Env): string {
  if (env.AOAI_CONFIG_DIR) return env.AOAI_CONFIG_DIR;
  if (process.platform === 'win32' && env.APPDATA) return join(env.APPDATA, 'aoai');
  return join(env.XDG_CONFIG_HOME || join(home(env), '.config'), 'aoai');
}

/** Disposable data: cached Entra access tokens. */
export function cacheDir(env: Env): string {
  if (env.AOAI_CACHE_DIR) return env.AOAI_CACHE_DIR;
  if (process.platform === 'win32' && env.LOCALAPPDATA) return join(env.LOCALAPPDATA, 'aoai', 'cache');
  if (process.platform === 'darwin') return join(home(env), 'Library', 'Caches', 'aoai');
  return join(env.XDG_CACHE_HOME || join(home(env), '.cache'), 'aoai');
}

/** State worth keeping but not configuration: recent response ids, chat history. */
export function stateDir(env: Env): string {
  if (env.AOAI_STATE_DIR) return env.AOAI_STATE_DIR;
  if (process.platform === 'win32' && env.LOCALAPPDATA) return join(env.LOCALAPPDATA, 'aoai', 'state');
  return join(env.XDG_STATE_HOME || join(home(env), '.local', 'state'), 'aoai');
}

export function configFile(env: Env): string {
  return join(configDir(env), 'config.json');
}
