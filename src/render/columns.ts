// Widths in terminal columns, not UTF-16 units: a CJK character or an emoji takes two columns, a
// combining mark none, an escape sequence none. string-width is loaded only by the code paths
// that draw on a terminal (items rows, chat, `aoai stream` to a terminal), never on --help.
import stringWidth from 'string-width';

export function columnWidth(text: string): number {
  return stringWidth(text);
}

/** At most `max` columns, the last an ellipsis when cut; never half of a character or cluster. */
export function truncateToColumns(text: string, max: number): string {
  if (columnWidth(text) <= max) return text;
  let kept = '';
  let used = 0;
  for (const { segment } of new Intl.Segmenter().segment(text)) {
    const width = columnWidth(segment);
    if (used + width > max - 1) break;
    kept += segment;
    used += width;
  }
  return `${kept}…`;
}

/** `text` padded with spaces to `width` columns. */
export function padToColumns(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - columnWidth(text)));
}

/**
 * Word-wrap text to lines of at most `width` columns, with a hanging indent: the first line is
 * taken to start after a prefix as wide as `indent` (the caller writes it), later lines start with it.
 */
export function wrapToColumns(text: string, width: number, indent = ''): string {
  const wrap = new SoftWrap(width, indent);
  wrap.atColumn(columnWidth(indent));
  return wrap.write(text) + wrap.end();
}

/**
 * Streamed text, broken between words before it reaches the terminal's edge (the terminal itself
 * would break mid-word). Holds back at most the word being written. Wide characters (CJK) are break
 * opportunities of their own; a word longer than a line is let through for the terminal to fold.
 */
export class SoftWrap {
  private column = 0;
  private word = '';
  private wordWidth = 0;

  constructor(
    private readonly width: number,
    private readonly indent = '',
  ) {}

  /** The cursor is at the start of a line (something else, e.g. stderr, ended the line). */
  atLineStart(): void {
    this.column = 0;
  }

  /** The cursor is at this column (after a prefix written by someone else). */
  atColumn(column: number): void {
    this.column = column;
  }

  write(text: string): string {
    let out = '';
    for (const segment of segments(text)) {
      if (ESCAPE.test(segment)) {
        // Colour and link sequences take no room: they travel with the word they style.
        this.word += segment;
      } else if (segment === '\n' || segment === '\r\n') {
        out += `${this.flushWord()}\n`;
        this.column = 0;
      } else if (segment === ' ') {
        out += this.flushWord();
        if (this.column + 1 > this.width) {
          out += `\n${this.indent}`;
          this.column = columnWidth(this.indent);
        } else {
          out += ' ';
          this.column += 1;
        }
      } else {
        const width = columnWidth(segment);
        if (width > 1) out += this.flushWord();
        this.word += segment;
        this.wordWidth += width;
        if (width > 1 || this.wordWidth >= this.width) out += this.flushWord();
      }
    }
    return out;
  }

  end(): string {
    return this.flushWord();
  }

  private flushWord(): string {
    if (!this.word) return '';
    let out = '';
    if (this.column > 0 && this.column + this.wordWidth > this.width) {
      out += `\n${this.indent}`;
      this.column = columnWidth(this.indent);
    }
    out += this.word;
    this.column += this.wordWidth;
    // A word longer than the line was folded by the terminal.
    if (this.column > this.width) this.column %= this.width;
    this.word = '';
    this.wordWidth = 0;
    return out;
  }
}

/** SGR/CSI and OSC (e.g. hyperlink) sequences, whole. */
/* eslint-disable no-control-regex -- matching escape sequences is the point */
const ESCAPE = /^(?:\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\))$/;
const ESCAPES = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)/g;
/* eslint-enable no-control-regex */

/** Escape sequences whole, everything else as grapheme clusters. */
function* segments(text: string): Generator<string> {
  const segmenter = new Intl.Segmenter();
  let last = 0;
  for (const match of text.matchAll(ESCAPES)) {
    for (const { segment } of segmenter.segment(text.slice(last, match.index))) yield segment;
    yield match[0];
    last = match.index + match[0].length;
  }
  for (const { segment } of segmenter.segment(text.slice(last))) yield segment;
}

export interface TextSink {
  out(text: string): void;
  err(text: string): void;
}

/**
 * A stream's two sinks with stdout soft-wrapped: the held word is written before anything goes to
 * stderr (order on a shared terminal), and a stderr line puts the cursor back at column 0.
 */
export function softWrappedSink(sink: TextSink, width: number): TextSink & { end(): void } {
  const wrap = new SoftWrap(width);
  return {
    out: (text) => sink.out(wrap.write(text)),
    err: (text) => {
      const held = wrap.end();
      if (held) sink.out(held);
      sink.err(text);
      if (text.endsWith('\n')) wrap.atLineStart();
    },
    end: () => {
      const held = wrap.end();
      if (held) sink.out(held);
    },
  };
}
