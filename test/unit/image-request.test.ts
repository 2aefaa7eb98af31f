import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { drawPicture } from '../../src/emulator/image/picture.ts';
import { encodePng } from '../../src/emulator/image/png.ts';
import { buildImageTool, editPart, imageInput, parseSize } from '../../src/image/request.ts';
import { toImageOptions } from '../../src/commands/image.ts';
import { tempDir } from '../helpers/temp.ts';

describe('image flags → request', () => {
  it('maps each flag to its tool field, and nothing else', () => {
    expect(buildImageTool({})).toEqual({ type: 'image_generation' });
    expect(
      buildImageTool({ size: '1536x1024', quality: 'high', format: 'webp', compression: 80, background: 'transparent', partialImages: 3 }),
    ).toEqual({ type: 'image_generation', size: '1536x1024', quality: 'high', output_format: 'webp', output_compression: 80, background: 'transparent', partial_images: 3 });
  });

  it('rejects combinations the service would refuse', () => {
    expect(() => buildImageTool({ compression: 50 })).toThrow(/--compression applies to jpeg and webp/);
    expect(() => buildImageTool({ format: 'png', compression: 50 })).toThrow(/--compression/);
    expect(() => buildImageTool({ format: 'jpeg', background: 'transparent' })).toThrow(/jpeg has no transparency/);
  });

  it('parseSize accepts WxH (also ×) and auto', () => {
    expect(parseSize('1024x1536')).toBe('1024x1536');
    expect(parseSize('1024×1024')).toBe('1024x1024');
    expect(parseSize('AUTO')).toBe('auto');
    for (const bad of ['big', '1024', '0x10', '10x', '-5x5']) expect(() => parseSize(bad)).toThrow(/invalid --size/);
  });

  it('--edit: URLs and file ids pass through; local files go inline as data URLs', () => {
    expect(editPart('https://example.com/a.png')).toEqual({ type: 'input_image', detail: 'auto', image_url: 'https://example.com/a.png' });
    expect(editPart('file-abc123')).toEqual({ type: 'input_image', detail: 'auto', file_id: 'file-abc123' });
    const dir = tempDir('aoai-edit-');
    try {
      const png = encodePng(drawPicture('e', 4, 4), { alpha: false });
      writeFileSync(join(dir, 'in.png'), png);
      expect(editPart(join(dir, 'in.png')).image_url).toBe(`data:image/png;base64,${png.toString('base64')}`);
      writeFileSync(join(dir, 'notes.txt'), 'hello');
      expect(() => editPart(join(dir, 'notes.txt'))).toThrow(/not a PNG, JPEG, WebP or GIF/);
      expect(() => editPart(join(dir, 'missing.png'))).toThrow(/cannot read .*missing\.png: no such file/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the input is one user message: the prompt, then the images', () => {
    expect(imageInput('combine', ['https://x.test/1.png', 'file-2'])).toEqual([
      {
        role: 'user',
        content: [
          { type: 'input_text', text: 'combine' },
          { type: 'input_image', detail: 'auto', image_url: 'https://x.test/1.png' },
          { type: 'input_image', detail: 'auto', file_id: 'file-2' },
        ],
      },
    ]);
  });

  it('argv values → ImageOptions', () => {
    expect(toImageOptions(['a', 'cat'], { format: 'jpeg', compression: 20, edit: ['x.png'], output: 'o/', force: true, preview: false })).toEqual({
      prompt: ['a', 'cat'],
      model: undefined,
      imageDeployment: undefined,
      previous: undefined,
      tool: { size: undefined, quality: undefined, format: 'jpeg', compression: 20, background: undefined, partialImages: undefined },
      edits: ['x.png'],
      output: 'o/',
      force: true,
      savePartials: false,
      json: false,
      raw: false,
      preview: false,
    });
  });
});
