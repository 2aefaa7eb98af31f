// Terminal styling: chalk, the one way aoai styles a string. One chalk instance per output stream,
// at the level the IO allows there: the IO decides whether a stream gets colour at all (a
// terminal, NO_COLOR set and non-empty, FORCE_COLOR, --no-color), and chalk's own detection
// decides how many colours (TERM, COLORTERM, CI), at least the basic 16. Off, every style returns
// its text unchanged.
import { Chalk, supportsColor, supportsColorStderr, type ChalkInstance, type ColorSupportLevel } from 'chalk';
import type { IO } from '../io/io.ts';

export type Style = ChalkInstance;

export type OutputStream = 'stdout' | 'stderr';

const byLevel = new Map<ColorSupportLevel, Style>();

/** chalk for one stream: `color` is the IO's decision for it (io.colorStdout / io.colorStderr). */
export function styleFor(color: boolean, stream: OutputStream = 'stderr'): Style {
  const detected = (stream === 'stdout' ? supportsColor : supportsColorStderr) || undefined;
  const level: ColorSupportLevel = color ? (Math.max(1, detected?.level ?? 0) as ColorSupportLevel) : 0;
  let style = byLevel.get(level);
  if (!style) {
    style = new Chalk({ level });
    byLevel.set(level, style);
  }
  return style;
}

/** Styling for notices, summaries and ✓ lines on stderr. */
export function stderrStyle(io: Pick<IO, 'colorStderr'>): Style {
  return styleFor(io.colorStderr, 'stderr');
}
