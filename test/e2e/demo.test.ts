// `npm run demo` is the README's first command after install: it must keep working.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, cleanEnv } from '../helpers/cli.ts';

describe('npm run demo', () => {
  it('runs every step against its own emulator and exits 0', () => {
    const result = spawnSync(process.execPath, [join(REPO_ROOT, 'scripts', 'demo.mjs')], { env: cleanEnv(), encoding: 'utf8', timeout: 60_000 });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('Echo: This is a test\n');
    expect(result.stdout).toMatch(/\$ aoai get resp_\w+ --wait --poll-interval 0\.2 {2}— wait for it\n(\S+ ){10}/);
    expect(result.stdout).toMatch(/aoai: HTTP 404: Response with id 'resp_\w+' not found\./);
    expect(result.stdout.match(/\(exit (\d+)\)/g)).toEqual([...Array(9).fill('(exit 0)'), '(exit 1)']);
  }, 90_000);
});
