// The atomic writer: a file appears whole on commit or not at all; the streaming form is what
// large downloads use.
import { chmodSync, existsSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync, lstatSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileWriteError, describeWriteError, openAtomic, removePendingTemporaryFiles, writeFileAtomic } from '../../src/core/atomic-write.ts';
import { tempDir } from '../helpers/temp.ts';

const dir = () => tempDir('aoai-atomic-');

describe('openAtomic (streaming)', () => {
  it('nothing appears at the target until commit; then the whole content, and no temporary file', () => {
    const d = dir();
    const target = join(d, 'big.bin');
    const writer = openAtomic(target);
    writer.write('first ');
    writer.write(Buffer.from('second'));
    expect(existsSync(target)).toBe(false);
    expect(writer.bytesWritten).toBe(12);
    writer.commit();
    expect(readFileSync(target, 'utf8')).toBe('first second');
    expect(readdirSync(d)).toEqual(['big.bin']);
  });

  it('abort leaves an existing file untouched and removes the temporary file', () => {
    const d = dir();
    const target = join(d, 'kept.txt');
    writeFileSync(target, 'old');
    const writer = openAtomic(target);
    writer.write('new and partial');
    writer.abort();
    writer.abort();
    expect(readFileSync(target, 'utf8')).toBe('old');
    expect(readdirSync(d)).toEqual(['kept.txt']);
  });

  it('removePendingTemporaryFiles (the signal handlers) removes an open write', () => {
    const d = dir();
    const writer = openAtomic(join(d, 'cut.bin'));
    writer.write('half');
    expect(readdirSync(d)).toHaveLength(1);
    removePendingTemporaryFiles();
    expect(readdirSync(d)).toEqual([]);
  });
});

describe('openAtomic: misuse and special files', () => {
  it('a write after commit or abort is a programming error that leaves the committed file alone', () => {
    const d = dir();
    const target = join(d, 'done.txt');
    const committed = openAtomic(target);
    committed.write('whole');
    committed.commit();
    expect(() => committed.write('more')).toThrow(`write after commit of ${target}`);
    expect(readFileSync(target, 'utf8')).toBe('whole');
    const aborted = openAtomic(join(d, 'never.txt'));
    aborted.abort();
    expect(() => aborted.write('more')).toThrow(`write after abort of ${join(d, 'never.txt')}`);
    expect(readdirSync(d)).toEqual(['done.txt']);
  });

  it('a device (/dev/null) is written in place, and counts its bytes', () => {
    const writer = openAtomic('/dev/null');
    writer.write('abc');
    writer.write(Buffer.from('de'));
    expect(writer.bytesWritten).toBe(5);
    writer.commit();
    expect(() => writer.write('x')).toThrow('write after close of /dev/null');
  });
});

describe('writeFileAtomic', () => {
  it('exclusive refuses an existing file with an EEXIST FileWriteError', () => {
    const d = dir();
    writeFileSync(join(d, 'a'), 'x');
    let caught: unknown;
    try {
      writeFileAtomic(join(d, 'a'), 'y', { exclusive: true });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(FileWriteError);
    expect((caught as FileWriteError).errno).toBe('EEXIST');
    expect(readFileSync(join(d, 'a'), 'utf8')).toBe('x');
  });

  it('replacing a file keeps its mode; an explicit mode wins for new files', () => {
    const d = dir();
    writeFileSync(join(d, 'private'), 'x');
    chmodSync(join(d, 'private'), 0o600);
    writeFileAtomic(join(d, 'private'), 'y');
    expect(statSync(join(d, 'private')).mode & 0o777).toBe(0o600);
    writeFileAtomic(join(d, 'secret'), 'z', { mode: 0o600 });
    expect(statSync(join(d, 'secret')).mode & 0o777).toBe(0o600);
  });

  it('a symbolic link stays a link; the file it points to is replaced', () => {
    const d = dir();
    writeFileSync(join(d, 'real.json'), '{}');
    symlinkSync(join(d, 'real.json'), join(d, 'link.json'));
    writeFileAtomic(join(d, 'link.json'), '{"a":1}');
    expect(lstatSync(join(d, 'link.json')).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(d, 'real.json'), 'utf8')).toBe('{"a":1}');
  });

  it('a missing directory is one line naming the path', () => {
    const target = join(dir(), 'missing', 'x.txt');
    expect(() => writeFileAtomic(target, 'x')).toThrow(`cannot write ${target}: no such directory`);
  });
});

describe('describeWriteError', () => {
  it('says what each failure means in a few words; anything else keeps the system message', () => {
    const said = (code: string) => describeWriteError(Object.assign(new Error(`${code}: raw system text`), { code }));
    expect(said('EACCES')).toBe('permission denied');
    expect(said('EPERM')).toBe('permission denied');
    expect(said('ENOSPC')).toBe('no space left on the device (the disk is full); nothing was written');
    expect(said('EROFS')).toBe('the file system is read-only');
    expect(said('ENOTDIR')).toBe('a parent is not a directory');
    expect(said('EWHATEVER')).toBe('EWHATEVER: raw system text');
  });
});
