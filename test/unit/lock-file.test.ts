import { existsSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { takeLockFile } from '../../src/core/lock-file.ts';
import { tempDir } from '../helpers/temp.ts';

const options = { waitMs: 50, staleMs: 10_000 };

describe('takeLockFile', () => {
  it('takes a free lock with its pid, and a second taker waits, then gets nothing', () => {
    const path = join(tempDir('aoai-lock-'), 'f.lock');
    const release = takeLockFile(path, options);
    expect(release).toBeTypeOf('function');
    expect(takeLockFile(path, options)).toBeUndefined();
    release!();
    expect(existsSync(path)).toBe(false);
    expect(takeLockFile(path, options)).toBeTypeOf('function');
  });

  it('breaks a lock whose process is gone, and one older than staleMs', () => {
    const dir = tempDir('aoai-lock-');
    const dead = join(dir, 'dead.lock');
    writeFileSync(dead, '999999999\n');
    expect(takeLockFile(dead, options)).toBeTypeOf('function');
    const old = join(dir, 'old.lock');
    writeFileSync(old, `${process.pid}\n`); // alive, but left for too long
    utimesSync(old, new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
    expect(takeLockFile(old, options)).toBeTypeOf('function');
  });

  it('throws what is not contention (no such directory)', () => {
    expect(() => takeLockFile(join(tempDir('aoai-lock-'), 'missing', 'f.lock'), options)).toThrow(/ENOENT/);
  });
});
