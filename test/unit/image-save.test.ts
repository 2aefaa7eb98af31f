import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { drawPicture } from '../../src/emulator/image/picture.ts';
import { encodePng } from '../../src/emulator/image/png.ts';
import { planOutput, saveImage, shortId, slugify, targetPath } from '../../src/image/save.ts';
import { tempDir } from '../helpers/temp.ts';

let dir: string;
beforeEach(() => {
  dir = tempDir('aoai-save-');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const png = encodePng(drawPicture('x', 8, 4), { alpha: false }).toString('base64');
const target = { prompt: 'A gray tabby cat', responseId: 'resp_0123456789abcdef', imageIndex: 0 };

describe('image names', () => {
  it('slugify keeps lower-case ASCII words, at most 48 characters, never empty', () => {
    expect(slugify('A gray tabby cat hugging an otter!')).toBe('a-gray-tabby-cat-hugging-an-otter');
    expect(slugify('Crème brûlée à la carte')).toBe('creme-brulee-a-la-carte');
    expect(slugify('../../etc/passwd')).toBe('etc-passwd');
    expect(slugify('🦦🦦')).toBe('image');
    expect(slugify('word '.repeat(40)).length).toBeLessThanOrEqual(48);
    expect(slugify('x'.repeat(100))).toBe('x'.repeat(48));
  });

  it('shortId is the tail of the response id', () => {
    expect(shortId('resp_0123456789abcdef')).toBe('89abcdef');
  });

  it('derived names: prompt, id, image number, partial number, extension', () => {
    const plan = planOutput(undefined, false, dir);
    expect(targetPath(plan, { ...target, extension: 'png' })).toBe(join(dir, 'a-gray-tabby-cat-89abcdef.png'));
    expect(targetPath(plan, { ...target, imageIndex: 1, extension: 'jpg' })).toBe(join(dir, 'a-gray-tabby-cat-89abcdef-2.jpg'));
    expect(targetPath(plan, { ...target, partialIndex: 0, extension: 'webp' })).toBe(join(dir, 'a-gray-tabby-cat-89abcdef.partial-1.webp'));
  });

  it('-o FILE keeps the name (and adds -2, .partial-N); -o DIR/ and existing directories hold derived names', () => {
    const file = planOutput('pics/cat.png', false, dir);
    expect(file).toEqual({ directory: join(dir, 'pics'), fileName: 'cat.png', force: false });
    expect(targetPath(file, { ...target, extension: 'jpg' })).toBe(join(dir, 'pics', 'cat.png'));
    expect(targetPath(file, { ...target, imageIndex: 1, extension: 'png' })).toBe(join(dir, 'pics', 'cat-2.png'));
    expect(targetPath(file, { ...target, partialIndex: 1, extension: 'png' })).toBe(join(dir, 'pics', 'cat.partial-2.png'));
    expect(targetPath(planOutput('noext', false, dir), { ...target, extension: 'webp' })).toBe(join(dir, 'noext.webp'));
    expect(planOutput('new/', false, dir)).toEqual({ directory: join(dir, 'new'), fileName: undefined, force: false });
    mkdirSync(join(dir, 'existing'));
    expect(planOutput('existing', false, dir).fileName).toBeUndefined();
  });

  it('-o on an existing file needs --force', () => {
    writeFileSync(join(dir, 'taken.png'), 'x');
    expect(() => planOutput('taken.png', false, dir)).toThrow(/already exists/);
    expect(planOutput('taken.png', true, dir).fileName).toBe('taken.png');
  });
});

describe('saveImage', () => {
  it('writes the decoded image with the extension of its real format, atomically', () => {
    const saved = saveImage(planOutput(undefined, false, dir), target, png);
    expect(saved.info).toEqual({ format: 'png', width: 8, height: 4 });
    expect(readdirSync(dir)).toEqual(['a-gray-tabby-cat-89abcdef.png']);
    expect(readFileSync(join(dir, 'a-gray-tabby-cat-89abcdef.png'))).toEqual(Buffer.from(png, 'base64'));
  });

  it('never replaces an existing file without force, and leaves no temporary file', () => {
    const plan = planOutput(undefined, false, dir);
    writeFileSync(join(dir, 'a-gray-tabby-cat-89abcdef.png'), 'mine');
    expect(() => saveImage(plan, target, png)).toThrow(/already exists; the image was not saved/);
    expect(readFileSync(join(dir, 'a-gray-tabby-cat-89abcdef.png'), 'utf8')).toBe('mine');
    expect(readdirSync(dir)).toEqual(['a-gray-tabby-cat-89abcdef.png']);
    saveImage({ ...plan, force: true }, target, png);
    expect(readFileSync(join(dir, 'a-gray-tabby-cat-89abcdef.png'))).toEqual(Buffer.from(png, 'base64'));
  });

  it('creates the output directory', () => {
    saveImage(planOutput('a/b/', false, dir), target, png);
    expect(existsSync(join(dir, 'a', 'b', 'a-gray-tabby-cat-89abcdef.png'))).toBe(true);
  });
});
