import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { drawPicture } from '../../src/emulator/image/picture.ts';
import { encodeJpeg } from '../../src/emulator/image/jpeg.ts';
import { encodePng } from '../../src/emulator/image/png.ts';
import { encodeWebp } from '../../src/emulator/image/webp.ts';
import { imageInfo, sniffFormat } from '../../src/image/formats.ts';
import { decodePng } from '../../src/image/png-decode.ts';
import { SSE_DIR } from '../helpers/recordings.ts';
import { tempDir } from '../helpers/temp.ts';
import { requiredTool } from '../helpers/tools.ts';


describe('emulator image encoders', () => {
  const picture = drawPicture('a lighthouse at dusk', 37, 21);

  it('drawPicture is deterministic and depends on the prompt', () => {
    expect(drawPicture('a lighthouse at dusk', 37, 21).rgba).toEqual(picture.rgba);
    expect(drawPicture('something else', 37, 21).rgba).not.toEqual(picture.rgba);
    expect(picture.rgba.length).toBe(37 * 21 * 4);
  });

  it('PNG: decodes back to exactly the same pixels (RGB and RGBA)', () => {
    const png = encodePng(picture, { alpha: false });
    expect(imageInfo(png)).toEqual({ format: 'png', width: 37, height: 21 });
    expect(decodePng(png).rgba).toEqual(picture.rgba);
    const transparent = drawPicture('glass', 20, 10, { transparent: true });
    const decoded = decodePng(encodePng(transparent, { alpha: true }));
    expect(decoded.rgba).toEqual(transparent.rgba);
    expect(decoded.rgba.some((value, i) => i % 4 === 3 && value === 0)).toBe(true);
  });

  it('PNG: chunk CRCs are right (the empty IEND chunk ends in the well-known AE426082)', () => {
    const png = encodePng(picture, { alpha: false });
    expect(png.subarray(-12).toString('hex')).toBe('0000000049454e44ae426082');
  });

  it('JPEG: baseline JFIF with the right SOF0 dimensions, and smaller at lower quality', () => {
    const high = encodeJpeg(picture, 95);
    const low = encodeJpeg(picture, 10);
    expect(high.subarray(0, 4)).toEqual(Buffer.from([0xff, 0xd8, 0xff, 0xe0]));
    expect(high.toString('latin1', 6, 10)).toBe('JFIF');
    expect(high.indexOf(Buffer.from([0xff, 0xc0]))).toBeGreaterThan(0);
    expect(imageInfo(high)).toEqual({ format: 'jpeg', width: 37, height: 21 });
    expect(low.length).toBeLessThan(high.length);
    // A second, independent decoder: libjpeg-turbo's djpeg reads the file and gets the picture back.
    const ppm = execFileSync(requiredTool('djpeg'), [], { input: high });
    expect(ppm.toString('latin1', 0, 13)).toBe('P6\n37 21\n255\n');
    const pixels = ppm.subarray(13);
    expect(pixels.length).toBe(37 * 21 * 3);
    // Lossy, so close rather than equal: the mean error per channel stays small, and the channels
    // are in order (a red/green swap would blow the error up).
    let error = 0;
    for (let i = 0, p = 0; i < pixels.length; i += 3, p += 4) {
      for (let c = 0; c < 3; c++) error += Math.abs(pixels[i + c]! - picture.rgba[p + c]!);
    }
    expect(error / pixels.length).toBeLessThan(12);
  });

  it('WebP: a RIFF/VP8L lossless file with the right dimensions and alpha flag', () => {
    const webp = encodeWebp(picture, { alpha: false });
    expect(sniffFormat(webp)).toBe('webp');
    expect(webp.readUInt32LE(4)).toBe(webp.length - 8);
    expect(webp.toString('latin1', 12, 16)).toBe('VP8L');
    expect(webp[20]).toBe(0x2f);
    expect(imageInfo(webp)).toEqual({ format: 'webp', width: 37, height: 21 });
    expect((webp.readUInt32LE(21) >>> 28) & 1).toBe(0);
    expect((encodeWebp(picture, { alpha: true }).readUInt32LE(21) >>> 28) & 1).toBe(1);
    // libwebp's own decoder gets exactly the same pixels back (lossless; channel order included).
    const dir = tempDir('aoai-webp-');
    writeFileSync(join(dir, 'a.webp'), webp);
    execFileSync(requiredTool('dwebp'), [join(dir, 'a.webp'), '-quiet', '-o', join(dir, 'a.png')]);
    expect(decodePng(readFileSync(join(dir, 'a.png'))).rgba).toEqual(picture.rgba);
  });

  it('reads the image in the recorded Azure stream (a real service PNG)', () => {
    const partial = readFileSync(join(SSE_DIR, 'vercel-ai', 'azure-image-generation-tool.1.chunks.txt'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { type: string; partial_image_b64?: string })
      .find((event) => event.type === 'response.image_generation_call.partial_image')!;
    const png = Buffer.from(partial.partial_image_b64!, 'base64');
    expect(imageInfo(png)).toEqual({ format: 'png', width: 1, height: 1 });
    expect(decodePng(png).rgba.length).toBe(4);
  });
});
