// A small PNG decoder (8-bit grey, grey+alpha, RGB, RGBA and palette; not interlaced) → RGBA.
// Enough for sixel previews of the images the service returns, and for tests.
import { inflateSync } from 'node:zlib';

export interface DecodedImage {
  width: number;
  height: number;
  rgba: Uint8Array;
}

const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

/**
 * The largest image decoded (4096×4096): decoding takes about 6 bytes a pixel, so a 16000×16000
 * PNG, a few hundred KB on the wire, would take gigabytes. The header says the size up front.
 */
export const MAX_DECODED_PIXELS = 4096 * 4096;

export function decodePng(data: Uint8Array, maxPixels = MAX_DECODED_PIXELS): DecodedImage {
  const b = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  let pos = 8;
  let width = 0;
  let height = 0;
  let colorType = 0;
  let palette: Buffer | undefined;
  let transparency: Buffer | undefined;
  const idat: Buffer[] = [];
  while (pos + 8 <= b.length) {
    const length = b.readUInt32BE(pos);
    const type = b.toString('latin1', pos + 4, pos + 8);
    const body = b.subarray(pos + 8, pos + 8 + length);
    if (type === 'IHDR') {
      width = body.readUInt32BE(0);
      height = body.readUInt32BE(4);
      if (body[8] !== 8 || body[12] !== 0) throw new Error('only 8-bit, non-interlaced PNGs are supported');
      colorType = body[9]!;
    } else if (type === 'PLTE') palette = body;
    else if (type === 'tRNS') transparency = body;
    else if (type === 'IDAT') idat.push(body);
    else if (type === 'IEND') break;
    pos += 12 + length;
  }
  const channels = CHANNELS[colorType];
  if (!channels || width === 0) throw new Error('not a supported PNG');
  if (width * height > maxPixels) throw new Error(`a ${width}×${height} PNG is larger than ${maxPixels} pixels`);
  const stride = width * channels;
  // Never inflate more than the image can hold: the compressed data cannot balloon past it.
  const raw = inflateSync(Buffer.concat(idat), { maxOutputLength: (stride + 1) * height });
  const pixels = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!;
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const out = y * stride;
    for (let i = 0; i < stride; i++) {
      const a = i >= channels ? pixels[out + i - channels]! : 0;
      const up = y > 0 ? pixels[out - stride + i]! : 0;
      const c = i >= channels && y > 0 ? pixels[out - stride + i - channels]! : 0;
      let predictor = 0;
      if (filter === 1) predictor = a;
      else if (filter === 2) predictor = up;
      else if (filter === 3) predictor = (a + up) >> 1;
      else if (filter === 4) {
        const p = a + up - c;
        const pa = Math.abs(p - a);
        const pb = Math.abs(p - up);
        const pc = Math.abs(p - c);
        predictor = pa <= pb && pa <= pc ? a : pb <= pc ? up : c;
      }
      pixels[out + i] = (line[i]! + predictor) & 0xff;
    }
  }
  const rgba = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    const s = i * channels;
    const o = i * 4;
    if (colorType === 3) {
      const index = pixels[s]!;
      rgba[o] = palette?.[index * 3] ?? 0;
      rgba[o + 1] = palette?.[index * 3 + 1] ?? 0;
      rgba[o + 2] = palette?.[index * 3 + 2] ?? 0;
      rgba[o + 3] = transparency?.[index] ?? 255;
    } else if (channels <= 2) {
      rgba[o] = rgba[o + 1] = rgba[o + 2] = pixels[s]!;
      rgba[o + 3] = channels === 2 ? pixels[s + 1]! : 255;
    } else {
      rgba[o] = pixels[s]!;
      rgba[o + 1] = pixels[s + 1]!;
      rgba[o + 2] = pixels[s + 2]!;
      rgba[o + 3] = channels === 4 ? pixels[s + 3]! : 255;
    }
  }
  return { width, height, rgba };
}
