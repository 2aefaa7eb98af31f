// Inline image previews on the terminal: the kitty graphics protocol, iTerm2 inline images, or
// sixel. Pure encoders (bytes in, escape sequences out) plus a small stateful ImagePreview that
// replaces the previous partial image in place. Nothing here writes unless told the terminal can
// take it: a pipe never receives an escape code.
import type { ImageInfo } from './formats.ts';
import { decodePng, MAX_DECODED_PIXELS } from './png-decode.ts';

export type PreviewProtocol = 'kitty' | 'iterm' | 'sixel';
export const PREVIEW_PROTOCOLS = ['kitty', 'iterm', 'sixel', 'none'] as const;

/**
 * The protocol the terminal speaks, from its environment; AOAI_IMAGE_PROTOCOL overrides
 * (kitty|iterm|sixel|none). Inside tmux or screen the escapes would need passthrough: no preview.
 */
export function detectProtocol(env: NodeJS.ProcessEnv): PreviewProtocol | undefined {
  const forced = env.AOAI_IMAGE_PROTOCOL?.toLowerCase();
  if (forced) return forced === 'kitty' || forced === 'iterm' || forced === 'sixel' ? forced : undefined;
  if (env.TMUX || env.TERM?.startsWith('screen')) return undefined;
  const term = env.TERM ?? '';
  const program = env.TERM_PROGRAM ?? '';
  if (term === 'xterm-kitty' || env.KITTY_WINDOW_ID || term === 'xterm-ghostty' || program === 'ghostty') return 'kitty';
  if (program === 'iTerm.app' || program === 'WezTerm' || env.LC_TERMINAL === 'iTerm2' || program === 'vscode') return 'iterm';
  if (/sixel/.test(term) || term === 'foot' || term.startsWith('foot-') || term === 'mlterm' || term === 'yaft-256color') return 'sixel';
  return undefined;
}

/** The preview box in terminal cells: at most `maxColumns` × 24, cells about twice as tall as wide. */
export function previewCells(info: Pick<ImageInfo, 'width' | 'height'>, maxColumns: number): { columns: number; rows: number } {
  const maxRows = 24;
  let columns = Math.max(8, Math.min(maxColumns, 48));
  let rows = Math.max(1, Math.round((columns * info.height) / info.width / 2));
  if (rows > maxRows) {
    rows = maxRows;
    columns = Math.max(1, Math.round((rows * 2 * info.width) / info.height));
  }
  return { columns, rows };
}

const KITTY_CHUNK = 4096;

/** Kitty graphics protocol: transmit-and-display a PNG (f=100), in chunks, cursor left in place (C=1). */
export function kittySequence(png: Uint8Array, cells: { columns: number; rows: number }): string {
  const base64 = Buffer.from(png).toString('base64');
  let out = '';
  for (let offset = 0; offset < base64.length; offset += KITTY_CHUNK) {
    const chunk = base64.slice(offset, offset + KITTY_CHUNK);
    const more = offset + KITTY_CHUNK < base64.length ? 1 : 0;
    const control = offset === 0 ? `a=T,f=100,q=2,C=1,c=${cells.columns},r=${cells.rows},m=${more}` : `m=${more}`;
    out += `\x1b_G${control};${chunk}\x1b\\`;
  }
  return out;
}

/** iTerm2 inline image (OSC 1337 File=), sized in cells. */
export function itermSequence(data: Uint8Array, cells: { columns: number; rows: number }, name = 'image'): string {
  const args = [`name=${Buffer.from(name).toString('base64')}`, `size=${data.byteLength}`, `width=${cells.columns}`, `height=${cells.rows}`, 'preserveAspectRatio=1', 'inline=1'];
  return `\x1b]1337;File=${args.join(';')}:${Buffer.from(data).toString('base64')}\x07`;
}

/** Sixel of a PNG: scaled to at most `maxWidth` pixels, quantised to a 6×7×6 colour cube. */
export function sixelSequence(png: Uint8Array, maxWidth = 480): string {
  const image = decodePng(png);
  const scale = Math.min(1, maxWidth / image.width);
  const width = Math.max(1, Math.round(image.width * scale));
  const height = Math.max(1, Math.round(image.height * scale));
  const indices = new Uint8Array(width * height);
  const used = new Set<number>();
  for (let y = 0; y < height; y++) {
    const sy = Math.min(image.height - 1, Math.floor(y / scale));
    for (let x = 0; x < width; x++) {
      const sx = Math.min(image.width - 1, Math.floor(x / scale));
      const o = (sy * image.width + sx) * 4;
      const alpha = image.rgba[o + 3]! / 255;
      // Composite onto black, then quantise.
      const r = Math.round(((image.rgba[o]! * alpha) / 255) * 5);
      const g = Math.round(((image.rgba[o + 1]! * alpha) / 255) * 6);
      const b = Math.round(((image.rgba[o + 2]! * alpha) / 255) * 5);
      const index = r * 42 + g * 6 + b;
      indices[y * width + x] = index;
      used.add(index);
    }
  }
  let out = `\x1bPq"1;1;${width};${height}`;
  for (const index of used) {
    const r = Math.floor(index / 42);
    const g = Math.floor((index % 42) / 6);
    const b = index % 6;
    out += `#${index};2;${Math.round((r * 100) / 5)};${Math.round((g * 100) / 6)};${Math.round((b * 100) / 5)}`;
  }
  for (let band = 0; band < height; band += 6) {
    const colors = new Set<number>();
    for (let y = band; y < Math.min(height, band + 6); y++) for (let x = 0; x < width; x++) colors.add(indices[y * width + x]!);
    let first = true;
    for (const color of colors) {
      out += `${first ? '' : '$'}#${color}`;
      first = false;
      let run = 0;
      let previous = -1;
      const flush = () => {
        if (run === 0) return;
        const char = String.fromCharCode(63 + previous);
        out += run > 3 ? `!${run}${char}` : char.repeat(run);
      };
      for (let x = 0; x < width; x++) {
        let bits = 0;
        for (let dy = 0; dy < 6 && band + dy < height; dy++) if (indices[(band + dy) * width + x] === color) bits |= 1 << dy;
        if (bits === previous) run++;
        else {
          flush();
          previous = bits;
          run = 1;
        }
      }
      flush();
    }
    out += '-';
  }
  return `${out}\x1b\\`;
}

/**
 * Can this protocol show this image? kitty and our sixel encoder read PNG only; and nothing larger
 * than the pixel budget is previewed, whoever would decode it (us for sixel, the terminal
 * otherwise): the header's dimensions decide before any pixel is touched.
 */
export function canShow(protocol: PreviewProtocol, info: ImageInfo | undefined): boolean {
  if (!info) return false;
  if (info.width * info.height > MAX_DECODED_PIXELS) return false;
  return protocol === 'iterm' || info.format === 'png';
}

export interface PreviewSink {
  /** Write to the terminal (stderr). */
  write(text: string): void;
  /** Lines written to the terminal by anything since `mark()` (status lines count too). */
  linesSinceMark(): number;
  mark(): void;
}

/**
 * Shows images one after another; a partial image replaces the previous partial in place (the
 * cursor goes back up over it and whatever was printed after it, and the screen below is cleared).
 * Sixel has no fixed height in cells, so its partial images are not shown, only the final one.
 */
export class ImagePreview {
  private replaceable = false;
  /** Rows the last image took beyond the newlines written (an iTerm2 image spans its height). */
  private extraRows = 0;

  constructor(
    private readonly protocol: PreviewProtocol,
    private readonly sink: PreviewSink,
    private readonly maxColumns: number,
  ) {}

  /** Show an image; `partial` ones are replaced by the next image shown. Returns false if it could not. */
  show(data: Uint8Array, info: ImageInfo | undefined, options: { partial: boolean; name?: string }): boolean {
    if (!info || !canShow(this.protocol, info)) return false;
    if (this.protocol === 'sixel' && options.partial) return false;
    let sixel: string | undefined;
    if (this.protocol === 'sixel') {
      try {
        sixel = sixelSequence(data);
      } catch {
        // A PNG our decoder cannot read (or a damaged one): no preview, the image is still saved.
        return false;
      }
    }
    let text = '';
    if (this.replaceable) {
      const up = this.sink.linesSinceMark() + this.extraRows;
      if (up > 0) text += `\x1b[${up}F`;
      text += '\x1b[J';
    }
    const cells = previewCells(info, this.maxColumns);
    if (this.protocol === 'kitty') text += kittySequence(data, cells) + '\n'.repeat(cells.rows);
    else if (this.protocol === 'iterm') text += `${itermSequence(data, cells, options.name)}\n`;
    else text += `${sixel}\n`;
    this.sink.mark();
    this.sink.write(text);
    this.extraRows = this.protocol === 'iterm' ? cells.rows - 1 : 0;
    this.replaceable = options.partial;
    return true;
  }
}
