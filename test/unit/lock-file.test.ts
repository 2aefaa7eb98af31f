import { existsSync, readFileSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readLock, removeIfUnchanged, takeLockFile } from '../../src/core/lock-file.ts';
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

  it('does not break a lock taken anew after the stale one was read (its owner released it and exited)', () => {
    const path = join(tempDir('aoai-lock-'), 'f.lock');
    writeFileSync(path, '999999999\n'); // a dead pid: stale when read
    const seen = readLock(path)!;
    // Meanwhile the owner's release and another process's take: a fresh lock at the same path.
    unlinkSync(path);
    writeFileSync(path, `${process.pid}\n`);
    expect(removeIfUnchanged(path, seen)).toBe(false);
    expect(readFileSync(path, 'utf8')).toBe(`${process.pid}\n`);
    // The one it read, still there: broken.
    writeFileSync(path, '999999999\n');
    expect(removeIfUnchanged(path, readLock(path)!)).toBe(true);
    expect(existsSync(path)).toBe(false);
  });

  it('throws what is not contention (no such directory)', () => {
    expect(() => takeLockFile(join(tempDir('aoai-lock-'), 'missing', 'f.lock'), options)).toThrow(/ENOENT/);
  });
});
