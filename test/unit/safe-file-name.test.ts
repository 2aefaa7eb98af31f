import { describe, expect, it } from 'vitest';
import { fileInside, firstFreeName, safeFileName } from '../../src/core/safe-file-name.ts';

describe('safeFileName', () => {
  it.each([
    ['a cat in a hat', {}, 'a-cat-in-a-hat'],
    ['../../etc/passwd', {}, 'etc-passwd'],
    ['..\\..\\Windows\\System32', {}, 'Windows-System32'],
    ['/absolute/path.png', { extension: '.png' }, 'absolute-path.png'],
    ['.hidden', {}, 'hidden'],
    ['-rf', {}, 'rf'],
    ['..', {}, 'output'],
    ['', { fallback: 'image' }, 'image'],
    ['   ', { extension: 'png' }, 'output.png'],
    ['$(rm -rf ~); `id`', {}, 'rm-rf-id'],
    ['tab\tnew\nline\u0000nul\u001b[31m', {}, 'tab-new-line-nul-31m'],
    ['CON', {}, 'CON-file'],
    ['nul.txt', { extension: '.txt' }, 'nul-file.txt'],
    ['Ünïcödé café 猫', {}, 'Ünïcödé-café-猫'],
    ['photo.PNG', { extension: '.png' }, 'photo.png'],
    ['report', { extension: '.p/n\\g' }, 'report.png'],
    ['a: b | c > d < e * f ? g "h"', {}, 'a-b-c-d-e-f-g-h'],
  ])('%j %j → %s', (text, options, expected) => {
    expect(safeFileName(text, options)).toBe(expected);
  });

  it('bounds the length in bytes, cutting at a character boundary', () => {
    const name = safeFileName('猫'.repeat(200), { extension: '.png', maxBytes: 40 });
    expect(Buffer.byteLength(name)).toBeLessThanOrEqual(40);
    expect(name.endsWith('.png')).toBe(true);
    expect(name).not.toContain('\uFFFD');
    expect(safeFileName('word '.repeat(100)).length).toBeLessThanOrEqual(80);
  });

  it('never yields a separator, a leading dot, or a dot-dot', () => {
    for (const text of ['../x', 'a/../../b', '....', '.../...', 'x/./y', '\\\\server\\share']) {
      const name = safeFileName(text);
      expect(name).not.toMatch(/[/\\]|^\.|\.\./);
    }
  });
});

describe('fileInside', () => {
  it('joins a plain name', () => {
    expect(fileInside('/tmp/out', 'a.png')).toBe('/tmp/out/a.png');
  });
  it.each(['../a.png', '/etc/passwd', 'sub/a.png', '..', '.', ''])('refuses %j', (name) => {
    expect(() => fileInside('/tmp/out', name)).toThrow(/refusing to write/);
  });
});

describe('firstFreeName', () => {
  it('adds -2, -3 before the extension', () => {
    const taken = new Set(['a.png', 'a-2.png']);
    expect(firstFreeName('a.png', (n) => taken.has(n))).toBe('a-3.png');
    expect(firstFreeName('b.png', (n) => taken.has(n))).toBe('b.png');
  });
});
