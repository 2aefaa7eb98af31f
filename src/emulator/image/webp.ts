// A lossless WebP (VP8L) encoder: no transforms, no colour cache, no back-references. Every
// channel uses a prefix code in which all 256 values are 8 bits long, so the pixels are stored
// as they are (about 3 bytes a pixel, 4 with alpha), which any conforming decoder reads.
import type { Picture } from './picture.ts';

class LsbWriter {
  private readonly bytes: number[] = [];
  private buffer = 0;
  private count = 0;

  /** Write `length` bits of `value`, least significant first (VP8L's bit order). */
  write(value: number, length: number): void {
    for (let i = 0; i < length; i++) {
      this.buffer |= ((value >> i) & 1) << this.count;
      if (++this.count === 8) {
        this.bytes.push(this.buffer);
        this.buffer = 0;
        this.count = 0;
      }
    }
  }

  finish(): Buffer {
    if (this.count > 0) this.bytes.push(this.buffer);
    return Buffer.from(this.bytes);
  }
}

const REVERSED = Array.from({ length: 256 }, (_, value) => {
  let reversed = 0;
  for (let i = 0; i < 8; i++) reversed |= ((value >> i) & 1) << (7 - i);
  return reversed;
});

/**
 * A "normal" prefix code where symbols 0..255 have length 8 and the rest (up to alphabetSize)
 * length 0. The code-length code uses two symbols, 0 and 8, each one bit long.
 */
function writeFlatCode(writer: LsbWriter, alphabetSize: number): void {
  writer.write(0, 1); // normal (not simple) code
  // Code-length code lengths in the order 17, 18, 0, 1, 2, 3, 4, 5, 16, 6, 7, 8: twelve of them.
  writer.write(12 - 4, 4);
  const lengths = [0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1];
  for (const length of lengths) writer.write(length, 3);
  writer.write(0, 1); // max_symbol: the whole alphabet
  // Canonical code for the code-length code: symbol 0 → bit 0, symbol 8 → bit 1.
  for (let symbol = 0; symbol < alphabetSize; symbol++) writer.write(symbol < 256 ? 1 : 0, 1);
}

/** A "simple" prefix code with a single 8-bit symbol: reading it consumes no bits. */
function writeSingleSymbolCode(writer: LsbWriter, symbol: number): void {
  writer.write(1, 1); // simple code
  writer.write(0, 1); // one symbol
  writer.write(1, 1); // an 8-bit symbol
  writer.write(symbol, 8);
}

export function encodeWebp(picture: Picture, options: { alpha: boolean }): Buffer {
  const { width, height, rgba } = picture;
  const writer = new LsbWriter();
  writer.write(0x2f, 8); // VP8L signature
  writer.write(width - 1, 14);
  writer.write(height - 1, 14);
  writer.write(options.alpha ? 1 : 0, 1);
  writer.write(0, 3); // version
  writer.write(0, 1); // no transform
  writer.write(0, 1); // no colour cache
  writer.write(0, 1); // no meta prefix codes
  writeFlatCode(writer, 256 + 24); // green + length prefixes
  writeFlatCode(writer, 256); // red
  writeFlatCode(writer, 256); // blue
  if (options.alpha) writeFlatCode(writer, 256);
  else writeSingleSymbolCode(writer, 255);
  writeSingleSymbolCode(writer, 0); // distance: never used
  for (let i = 0; i < width * height; i++) {
    const o = i * 4;
    writer.write(REVERSED[rgba[o + 1]!]!, 8);
    writer.write(REVERSED[rgba[o]!]!, 8);
    writer.write(REVERSED[rgba[o + 2]!]!, 8);
    if (options.alpha) writer.write(REVERSED[rgba[o + 3]!]!, 8);
  }
  const vp8l = writer.finish();
  const padded = vp8l.length % 2 === 1 ? Buffer.concat([vp8l, Buffer.alloc(1)]) : vp8l;
  const chunkHeader = Buffer.alloc(8);
  chunkHeader.write('VP8L', 0, 'latin1');
  chunkHeader.writeUInt32LE(vp8l.length, 4);
  const riff = Buffer.alloc(12);
  riff.write('RIFF', 0, 'latin1');
  riff.writeUInt32LE(4 + chunkHeader.length + padded.length, 4);
  riff.write('WEBP', 8, 'latin1');
  return Buffer.concat([riff, chunkHeader, padded]);
}
