// Which image a byte string holds, and its size, read from the header alone (PNG IHDR, JPEG SOF,
// WebP VP8/VP8L/VP8X, GIF). Used for names, previews, the "path WxH" line and the MIME type of
// attachments (request/attachments.ts): the one image sniffer.
export type ImageFormat = 'png' | 'jpeg' | 'webp' | 'gif';

export interface ImageInfo {
  format: ImageFormat;
  width: number;
  height: number;
}

export const EXTENSIONS: Record<ImageFormat, string> = { png: 'png', jpeg: 'jpg', webp: 'webp', gif: 'gif' };
export const MIME_TYPES: Record<ImageFormat, string> = { png: 'image/png', jpeg: 'image/jpeg', webp: 'image/webp', gif: 'image/gif' };

export function sniffFormat(data: Uint8Array): ImageFormat | undefined {
  const b = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  if (b.length >= 8 && b.readUInt32BE(0) === 0x89504e47 && b.readUInt32BE(4) === 0x0d0a1a0a) return 'png';
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'jpeg';
  if (b.length >= 12 && b.toString('latin1', 0, 4) === 'RIFF' && b.toString('latin1', 8, 12) === 'WEBP') return 'webp';
  if (b.length >= 6 && /^GIF8[79]a$/.test(b.toString('latin1', 0, 6))) return 'gif';
  return undefined;
}

/** Format and dimensions, or undefined when the header is not one we can read. */
export function imageInfo(data: Uint8Array): ImageInfo | undefined {
  const format = sniffFormat(data);
  const b = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  try {
    switch (format) {
      case 'png':
        return { format, width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
      case 'gif':
        return { format, width: b.readUInt16LE(6), height: b.readUInt16LE(8) };
      case 'jpeg':
        return jpegInfo(b);
      case 'webp':
        return webpInfo(b);
      default:
        return undefined;
    }
  } catch {
    return undefined;
  }
}

function jpegInfo(b: Buffer): ImageInfo | undefined {
  let pos = 2;
  while (pos + 9 < b.length) {
    if (b[pos] !== 0xff) return undefined;
    const marker = b[pos + 1]!;
    if (marker === 0xff) {
      pos++;
      continue;
    }
    const length = b.readUInt16BE(pos + 2);
    // SOF0..SOF15, except DHT (C4), JPG (C8) and DAC (CC).
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return { format: 'jpeg', height: b.readUInt16BE(pos + 5), width: b.readUInt16BE(pos + 7) };
    }
    pos += 2 + length;
  }
  return undefined;
}

function webpInfo(b: Buffer): ImageInfo | undefined {
  const chunk = b.toString('latin1', 12, 16);
  if (chunk === 'VP8L') {
    const bits = b.readUInt32LE(21);
    return { format: 'webp', width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
  }
  if (chunk === 'VP8 ') return { format: 'webp', width: b.readUInt16LE(26) & 0x3fff, height: b.readUInt16LE(28) & 0x3fff };
  if (chunk === 'VP8X') return { format: 'webp', width: b.readUIntLE(24, 3) + 1, height: b.readUIntLE(27, 3) + 1 };
  return undefined;
}
