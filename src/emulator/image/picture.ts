// The emulator's "image model": a deterministic picture drawn from the prompt (same prompt, same
// pixels), as RGBA rows. A sky gradient, a sun and rolling hills whose colours and positions come
// from the prompt's hash; partial images are the same picture, coarser.
import { mulberry32, seedOf } from '../model.ts';

export interface Picture {
  width: number;
  height: number;
  /** RGBA, row after row, 4 bytes a pixel. */
  rgba: Uint8Array;
}

export interface PictureOptions {
  /** Transparent background: the sky is left fully transparent. */
  transparent?: boolean;
  /** Pixelation block size; 1 is the finished picture. Partial images use coarser blocks. */
  block?: number;
}

type Rgb = [number, number, number];

function hsl(h: number, s: number, l: number): Rgb {
  const k = (n: number) => (n + h / 30) % 12;
  const a = s * Math.min(l, 1 - l);
  const f = (n: number) => l - a * Math.max(-1, Math.min(k(n) - 3, Math.min(9 - k(n), 1)));
  return [Math.round(f(0) * 255), Math.round(f(8) * 255), Math.round(f(4) * 255)];
}

export function drawPicture(prompt: string, width: number, height: number, options: PictureOptions = {}): Picture {
  const random = mulberry32(seedOf(prompt));
  const hue = random() * 360;
  const skyTop = hsl(hue, 0.6, 0.35);
  const skyBottom = hsl((hue + 40) % 360, 0.7, 0.75);
  const sun = hsl((hue + 180) % 360, 0.9, 0.6);
  const hillColors = [hsl((hue + 100) % 360, 0.5, 0.45), hsl((hue + 130) % 360, 0.55, 0.3)];
  const sunX = (0.2 + random() * 0.6) * width;
  const sunY = (0.15 + random() * 0.25) * height;
  const sunR = (0.08 + random() * 0.08) * Math.min(width, height);
  const hills = hillColors.map((color, i) => ({
    color,
    base: height * (0.6 + i * 0.15),
    amplitude: height * (0.05 + random() * 0.08),
    frequency: (1 + random() * 3) * ((2 * Math.PI) / width),
    phase: random() * 2 * Math.PI,
  }));
  const block = Math.max(1, Math.floor(options.block ?? 1));
  const rgba = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    const sy = Math.floor(y / block) * block + (block >> 1);
    for (let x = 0; x < width; x++) {
      const sx = Math.floor(x / block) * block + (block >> 1);
      let color: Rgb | undefined;
      let alpha = 255;
      for (let i = hills.length - 1; i >= 0 && !color; i--) {
        const hill = hills[i]!;
        if (sy >= hill.base - hill.amplitude * Math.sin(sx * hill.frequency + hill.phase)) color = hill.color;
      }
      if (!color) {
        const dx = sx - sunX;
        const dy = sy - sunY;
        if (dx * dx + dy * dy <= sunR * sunR) color = sun;
      }
      if (!color) {
        if (options.transparent) {
          color = [0, 0, 0];
          alpha = 0;
        } else {
          const t = sy / Math.max(1, height - 1);
          color = [0, 1, 2].map((c) => Math.round(skyTop[c]! + (skyBottom[c]! - skyTop[c]!) * t)) as Rgb;
        }
      }
      const offset = (y * width + x) * 4;
      rgba[offset] = color[0];
      rgba[offset + 1] = color[1];
      rgba[offset + 2] = color[2];
      rgba[offset + 3] = alpha;
    }
  }
  return { width, height, rgba };
}
