// A PNG encoder (RGB or RGBA, 8 bits a channel, filter "Sub" on every row), deflated by node:zlib.
import { crc32, deflateSync } from 'node:zlib';
import type { Picture } from './picture.ts';

function chunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(data, crc32(head.subarray(4))), 0);
  return Buffer.concat([head, data, crc]);
}

export const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export function encodePng(picture: Picture, options: { alpha: boolean }): Buffer {
  const { width, height, rgba } = picture;
  const channels = options.alpha ? 4 : 3;
  const stride = width * channels;
  const raw = Buffer.alloc((stride + 1) * height);
  for (let y = 0; y < height; y++) {
    const row = y * (stride + 1);
    raw[row] = 1; // filter: Sub (each byte minus the byte one pixel to the left)
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < channels; c++) {
        const value = rgba[(y * width + x) * 4 + c]!;
        const left = x > 0 ? rgba[(y * width + x - 1) * 4 + c]! : 0;
        raw[row + 1 + x * channels + c] = (value - left) & 0xff;
      }
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = options.alpha ? 6 : 2; // colour type: RGBA or RGB
  return Buffer.concat([PNG_SIGNATURE, chunk('IHDR', header), chunk('IDAT', deflateSync(raw, { level: 6 })), chunk('IEND', Buffer.alloc(0))]);
}
