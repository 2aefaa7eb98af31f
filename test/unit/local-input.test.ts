import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeUtf8, invalidUtf8Offset, readLocalText } from '../../src/core/local-input.ts';
import { tempDir } from '../helpers/temp.ts';

describe('UTF-8 checking', () => {
  it('finds where the first malformed sequence starts', () => {
    expect(invalidUtf8Offset(Buffer.from('plain ascii'))).toBe(-1);
    expect(invalidUtf8Offset(Buffer.from('café ✓ 😀'))).toBe(-1);
    expect(invalidUtf8Offset(Buffer.from([0x61, 0xff]))).toBe(1);
    expect(invalidUtf8Offset(Buffer.from([0x61, 0x62, 0xe9, 0x21]))).toBe(2); // Latin-1 é
    expect(invalidUtf8Offset(Buffer.from([0xc0, 0x80]))).toBe(0); // overlong NUL
    expect(invalidUtf8Offset(Buffer.from([0xed, 0xa0, 0x80]))).toBe(0); // a surrogate
    expect(invalidUtf8Offset(Buffer.from([0x61, 0xe2, 0x9c]))).toBe(1); // cut short
  });

  it('decodes valid text, drops a BOM, and refuses the rest with the offset and byte', () => {
    expect(decodeUtf8(Buffer.from('\ufeff{"a":1}'), 'x')).toBe('{"a":1}');
    expect(() => decodeUtf8(Buffer.from([0x6f, 0x6b, 0xfe]), '--body: f.json')).toThrow('--body: f.json is not valid UTF-8 (byte offset 2: 0xfe)');
  });
});

describe('readLocalText: bounded', () => {
  it('a file over the limit is refused naming the flag, the file and the limit', () => {
    const path = join(tempDir('aoai-input-'), 'big.txt');
    writeFileSync(path, 'x'.repeat(2048));
    expect(() => readLocalText(path, '--instructions', 1024)).toThrow(`--instructions: ${path} is larger than 1 KB`);
    expect(readLocalText(path, '--instructions', 4096)).toHaveLength(2048);
  });
});
