// The config file under pressure: 20 `aoai config set` at once, an empty file, profile names that
// are JavaScript's own property names, a hand-edited bad value, a lock left by a dead process.
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runAoai, sandbox, type Sandbox } from '../helpers/cli.ts';

let box: Sandbox;
beforeEach(() => {
  box = sandbox();
});
afterEach(() => box.cleanup());
const run = (args: string[], extra: Parameters<typeof runAoai>[1] = {}) => runAoai(args, { env: box.env, timeoutMs: 60_000, ...extra });
const configPath = () => join(box.home, '.config', 'aoai', 'config.json');
const stored = () => JSON.parse(readFileSync(configPath(), 'utf8')) as { profiles: Record<string, Record<string, string>> };

describe('config file concurrency and odd contents', () => {
  it('20 parallel config set on different profiles keep all 20', async () => {
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => run(['config', 'set', 'deployment', `model-${i}`, '--profile', `p${i}`])));
    expect(results.map((r) => r.code)).toEqual(Array(20).fill(0));
    const { profiles } = stored();
    expect(Object.keys(profiles).sort()).toEqual(Array.from({ length: 20 }, (_, i) => `p${i}`).sort());
    for (let i = 0; i < 20; i++) expect(profiles[`p${i}`]).toEqual({ deployment: `model-${i}` });
    expect(existsSync(`${configPath()}.lock`)).toBe(false);
  }, 120_000);

  it('an empty config file is an empty config', async () => {
    mkdirSync(join(box.home, '.config', 'aoai'), { recursive: true });
    writeFileSync(configPath(), '');
    const list = await run(['config', 'list']);
    expect(list.code).toBe(0);
    const set = await run(['config', 'set', 'deployment', 'gpt-4.1']);
    expect(set).toMatchObject({ code: 0, stderr: '' });
    expect(stored()).toEqual({ profiles: { default: { deployment: 'gpt-4.1' } } });
  });

  it('profiles named __proto__ and constructor are stored and read back like any other', async () => {
    expect((await run(['config', 'set', 'deployment', 'proto-model', '--profile', '__proto__'])).code).toBe(0);
    expect((await run(['config', 'set', 'deployment', 'ctor-model', '--profile', 'constructor'])).code).toBe(0);
    expect(Object.hasOwn(stored().profiles, '__proto__')).toBe(true);
    expect(stored().profiles.constructor).toEqual({ deployment: 'ctor-model' });
    expect((await run(['config', 'get', 'deployment', '--profile', '__proto__'])).stdout).toBe('proto-model\n');
    expect((await run(['config', 'get', 'deployment', '--profile', 'constructor'])).stdout).toBe('ctor-model\n');
    const unknown = await run(['config', 'get', 'deployment', '--profile', 'toString']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/deployment is not set in profile 'toString'/);
  });

  it('a bad value edited into the file is refused with its profile and key, and config set can fix it', async () => {
    mkdirSync(join(box.home, '.config', 'aoai'), { recursive: true });
    writeFileSync(configPath(), JSON.stringify({ profiles: { default: { endpoint: 'http://127.0.0.1:9', timeout: 'soon' } } }));
    const result = await run(['create', '-m', 'x', 'hi'], { env: { ...box.env, AZURE_OPENAI_API_KEY: 'k' } });
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(new RegExp(`^aoai: config file ${configPath()}: profile 'default', key 'timeout': .*soon`));
    expect(result.stderr).toContain("hint: fix it with: aoai config set timeout VALUE --profile 'default'");
    expect((await run(['config', 'set', 'timeout', '30'])).code).toBe(0);
    expect(stored().profiles.default).toEqual({ endpoint: 'http://127.0.0.1:9', timeout: '30' });
  });

  it('a lock left by a process that no longer exists is broken, not waited on', async () => {
    mkdirSync(join(box.home, '.config', 'aoai'), { recursive: true });
    writeFileSync(`${configPath()}.lock`, '999999999\n');
    const result = await run(['config', 'set', 'deployment', 'after-crash']);
    expect(result.code).toBe(0);
    expect(stored().profiles.default).toEqual({ deployment: 'after-crash' });
    expect(existsSync(`${configPath()}.lock`)).toBe(false);
  });
});
